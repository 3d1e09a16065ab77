"""The same Client over HTTPS: :class:`HTTPSTransport`, with a component's own kernel on a
RealTimeDriver receiving watch events on its loop thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from k8s_internals.api.request import Request
from k8s_internals.client.client import ApiError, Client
from k8s_internals.client.http_transport import HTTPSTransport, request_path
from k8s_internals.client.informer import Informer
from k8s_internals.sim import Kernel
from k8s_internals.sim.realtime import RealTimeDriver

from .conftest import Served, call


@pytest.fixture
def component(served: Served) -> Iterator[tuple[RealTimeDriver, HTTPSTransport, Client]]:
    """A component's side: its own kernel and driver, a transport, a client."""
    driver = RealTimeDriver(Kernel(seed=1))
    driver.start()
    transport = HTTPSTransport(served.url, served.ca_pem, served.token(), driver=driver,
                               user_agent="test-component/1.0")
    yield driver, transport, Client(transport, served.token(), name="test-component",
                                    user_agent="test-component/1.0")
    transport.close()
    driver.stop()


def wait_for(cond: Any, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def cm(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"}, "data": {"k": "v"}}


def test_request_paths() -> None:
    assert request_path(Request("get", "namespaces", name="kube-system")) == (
        "/api/v1/namespaces/kube-system")
    assert request_path(Request("patch", "deployments", "apps", namespace="ns", name="d",
                                subresource="scale")) == (
        "/apis/apps/v1/namespaces/ns/deployments/d/scale")
    assert request_path(Request("watch", "pods", namespace="ns", name="p",
                                params={"watch": "true"})) == (
        "/api/v1/namespaces/ns/pods?watch=true&fieldSelector=metadata.name%3Dp")
    assert request_path(Request("get", path="/version")) == "/version"


def test_the_client_works_over_https(served: Served, component: Any) -> None:
    driver, transport, c = component
    made = driver.call(c.create, "configmaps", cm("over-https"))
    assert made["metadata"]["managedFields"][0]["manager"] == "test-component"
    driver.call(c.create, "configmaps", cm("over-https-2"))
    assert driver.call(c.get, "cm", "over-https", "default")["data"] == {"k": "v"}
    listed = driver.call(lambda: c.list("configmaps", "default", limit=1))
    assert len(listed["items"]) == 1 and listed["metadata"]["continue"]
    with pytest.raises(ApiError) as err:
        driver.call(c.get, "cm", "missing", "default")
    assert err.value.code == 404 and err.value.message == 'configmaps "missing" not found'
    assert driver.call(c.can_i, "delete", "nodes") is True
    viewer = Client(transport, served.token("viewer"), name="viewer")
    with pytest.raises(ApiError) as err:
        driver.call(viewer.delete, "configmaps", "over-https", "default")
    assert err.value.code == 403
    # causality travels: the server's trace of a request names its parent
    transport.request(Request("get", "namespaces", name="default", parent_id="req-1",
                              headers={"Authorization": f"Bearer {served.token()}"}))
    traces = call(served, lambda: list(served.api.tracer))
    assert any(t.parent_id == "req-1" and t.resource == "namespaces" for t in traces)


def test_an_informer_in_another_kernel(served: Served, component: Any) -> None:
    driver, _transport, c = component
    threads: set[str] = set()
    seen: list[tuple[str, str]] = []

    def record(kind: str) -> Any:
        def handler(*objs: Any) -> None:
            threads.add(threading.current_thread().name)
            obj = objs[-1]
            seen.append((kind, obj["metadata"]["name"] if isinstance(obj, dict) else obj.key))
        return handler

    inf = Informer(c, driver.kernel, "configmaps", "default",
                   label_selector="app=informed")
    inf.add_event_handler(on_add=record("add"), on_update=record("update"),
                          on_delete=record("delete"))
    driver.call(inf.start)
    wait_for(inf.has_synced)
    obj = cm("informed-1")
    obj["metadata"]["labels"] = {"app": "informed"}
    served.json("POST", "/api/v1/namespaces/default/configmaps", body=obj)
    served.json("PATCH", "/api/v1/namespaces/default/configmaps/informed-1",
                body=b'{"data":{"k":"v2"}}',
                headers={"Content-Type": "application/merge-patch+json"})
    served.request("DELETE", "/api/v1/namespaces/default/configmaps/informed-1")
    wait_for(lambda: len(seen) == 3)
    assert seen == [("add", "informed-1"), ("update", "informed-1"),
                    ("delete", "informed-1")]
    assert threads == {"k8s-internals-loop"}  # delivered on the component's loop thread
    driver.call(inf.stop)


def test_a_watch_outlives_the_server_ending_it_and_relists_after_410(
        served: Served, component: Any) -> None:
    driver, transport, c = component
    events: list[tuple[str, str]] = []
    labels = {"app": "relist"}

    def make(name: str) -> None:
        obj = cm(name)
        obj["metadata"]["labels"] = labels
        assert served.json("POST", "/api/v1/namespaces/default/configmaps", body=obj)[0] == 201

    make("keep")
    make("drop")
    listed = driver.call(lambda: c.list("configmaps", "default", label_selector="app=relist"))
    rv = listed["metadata"]["resourceVersion"]

    def on_event(etype: str, obj: dict, cause: str | None) -> None:
        if etype != "BOOKMARK":
            events.append((etype, obj["metadata"]["name"]))

    req = Request("watch", "configmaps", namespace="default", params={
        "watch": "true", "resourceVersion": rv, "labelSelector": "app=relist",
        "timeoutSeconds": "1"}, headers={"Authorization": f"Bearer {served.token()}"})
    handle = driver.call(transport.watch, req, on_event, "test")
    wait_for(lambda: len(handle.known) == 2)  # seeded from the list at rv
    make("during")
    wait_for(lambda: ("ADDED", "during") in events)
    # the server ends the stream after 1 s; the handle watches again from where it was
    wait_for(lambda: handle.reconnects >= 1, timeout=5)
    make("after-reconnect")
    wait_for(lambda: ("ADDED", "after-reconnect") in events)
    # now lose the history: stop reading, change things, compact, come back
    handle.stop()
    stale = handle.resource_version
    served.request("DELETE", "/api/v1/namespaces/default/configmaps/drop")
    make("while-away")
    call(served, served.api.compact)
    events.clear()
    req.params["resourceVersion"] = stale
    again = driver.call(transport.watch, req, on_event, "test")
    again.known = dict(handle.known)  # what the caller held (the first handle's view)
    wait_for(lambda: again.relists == 1)
    wait_for(lambda: len(events) >= 2)
    assert sorted(events) == [("ADDED", "while-away"), ("DELETED", "drop")]
    again.stop()


def test_watch_refusals_raise_at_once(served: Served, component: Any) -> None:
    driver, transport, _ = component
    viewer = Client(transport, served.token("viewer"), name="viewer")
    with pytest.raises(ApiError) as err:
        driver.call(lambda: viewer.watch("secrets", lambda *a: None, "default"))
    assert err.value.code == 403
