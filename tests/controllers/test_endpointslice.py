"""The EndpointSlice controller: slice shape and labels, endpoint conditions, ports by name,
placeholders, the 100-endpoint limit, headless services, and cleanup by the GC."""

from __future__ import annotations

import re
from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.controllers.endpointslice import (
    MAX_ENDPOINTS_PER_SLICE,
    EndpointSliceController,
)
from k8s_internals.controllers.garbagecollector import GarbageCollector
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS
from tests.controllers.kcm_helpers import (
    create_node,
    events,
    node,
    pod,
    service,
    set_pod_status,
    start,
)


@pytest.fixture
def backend() -> str:
    return "memory"


def _slices(admin: Client, svc: str = "web") -> list[dict[str, Any]]:
    items = admin.list("endpointslices", "default",
                       label_selector=f"kubernetes.io/service-name={svc}")["items"]
    return sorted(items, key=lambda s: s["metadata"]["name"])


def _setup(admin: Client, kernel: Kernel, **kw: Any) -> EndpointSliceController:
    create_node(admin, node("node-1", labels={"topology.kubernetes.io/zone": "zone-a"}))
    (ctrl,) = start(admin, kernel, EndpointSliceController, **kw)
    return ctrl


def _pod(admin: Client, name: str, ip: str, ready: bool, *, terminating: bool = False,
         **kw: Any) -> None:
    admin.create("pods", pod(name, labels={"app": "web"}, node="node-1",
                             finalizers=["example.com/hold"] if terminating else None, **kw))
    set_pod_status(admin, name, ip=ip, ready=ready)
    if terminating:
        admin.delete("pods", name, "default", grace_period_seconds=30)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_slice_per_service_with_upstream_shape(admin: Client, kernel: Kernel) -> None:
    _setup(admin, kernel)
    svc = admin.create("services", service("web", selector={"app": "web"}, labels={"tier": "f"},
                                           ports=[{"name": "http", "port": 80,
                                                   "targetPort": "http"}]))
    _pod(admin, "web-1", "10.244.0.5", True, ports=[{"name": "http", "containerPort": 8080}])
    kernel.run_for(1)
    (s,) = _slices(admin)
    assert re.fullmatch(r"web-[bcdfghjklmnpqrstvwxz2456789]{5}", s["metadata"]["name"])
    assert s["metadata"]["generateName"] == "web-"
    assert s["metadata"]["labels"] == {
        "tier": "f", "kubernetes.io/service-name": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}
    assert s["metadata"]["ownerReferences"] == [{
        "apiVersion": "v1", "kind": "Service", "name": "web", "uid": svc["metadata"]["uid"],
        "controller": True, "blockOwnerDeletion": True}]
    assert s["addressType"] == "IPv4"
    assert s["ports"] == [{"name": "http", "protocol": "TCP", "port": 8080}]
    (ep,) = s["endpoints"]
    assert ep["addresses"] == ["10.244.0.5"]
    assert ep["conditions"] == {"ready": True, "serving": True, "terminating": False}
    assert ep["nodeName"] == "node-1" and ep["zone"] == "zone-a"
    assert ep["targetRef"]["kind"] == "Pod" and ep["targetRef"]["name"] == "web-1"


@pytest.mark.parametrize(("ready", "terminating", "publish", "conditions"), [
    # pod Ready  being deleted  publishNotReady  ->  ready  serving  terminating
    (True, False, False, (True, True, False)),
    (False, False, False, (False, False, False)),
    (True, True, False, (False, True, True)),
    (False, True, False, (False, False, True)),
    (False, False, True, (True, False, False)),
    (True, True, True, (True, True, True)),
])
def test_endpoint_conditions(admin: Client, kernel: Kernel, ready: bool, terminating: bool,
                             publish: bool, conditions: tuple[bool, bool, bool]) -> None:
    _setup(admin, kernel)
    admin.create("services", service("web", selector={"app": "web"}, ports=[{"port": 80}],
                                     publish_not_ready=publish))
    _pod(admin, "web-1", "10.244.0.5", ready, terminating=terminating)
    kernel.run_for(1)
    (s,) = _slices(admin)
    c = s["endpoints"][0]["conditions"]
    assert (c["ready"], c["serving"], c["terminating"]) == conditions


def test_pods_resolving_a_named_port_differently_get_separate_slices(
        admin: Client, kernel: Kernel) -> None:
    _setup(admin, kernel)
    admin.create("services", service("web", selector={"app": "web"}, ports=[
        {"name": "http", "port": 80, "targetPort": "http"}]))
    _pod(admin, "a", "10.244.0.1", True, ports=[{"name": "http", "containerPort": 8080}])
    _pod(admin, "b", "10.244.0.2", True, ports=[{"name": "http", "containerPort": 9090}])
    kernel.run_for(1)
    by_port = {s["ports"][0]["port"]: [e["addresses"][0] for e in s["endpoints"]]
               for s in _slices(admin)}
    assert by_port == {8080: ["10.244.0.1"], 9090: ["10.244.0.2"]}


def test_placeholder_slice_keeps_its_name_when_endpoints_arrive(
        admin: Client, kernel: Kernel) -> None:
    ctrl = _setup(admin, kernel)
    admin.create("services", service("web", selector={"app": "web"}, ports=[{"port": 80}]))
    kernel.run_for(1)
    (placeholder,) = _slices(admin)
    assert placeholder["endpoints"] == [] and placeholder["ports"] == []
    _pod(admin, "web-1", "10.244.0.5", True)
    kernel.run_for(1)
    (s,) = _slices(admin)
    assert s["metadata"]["name"] == placeholder["metadata"]["name"]
    assert [e["addresses"] for e in s["endpoints"]] == [["10.244.0.5"]]
    admin.delete("pods", "web-1", "default", grace_period_seconds=0)
    kernel.run_for(1)
    (s,) = _slices(admin)
    assert s["endpoints"] == [] and s["metadata"]["name"] == placeholder["metadata"]["name"]
    assert ctrl.errors == []


@pytest.mark.parametrize(("limit", "pods", "sizes"), [
    (3, 3, [3]),
    (3, 4, [3, 1]),
    (3, 7, [3, 3, 1]),
])
def test_slices_hold_at_most_max_endpoints(admin: Client, kernel: Kernel, limit: int,
                                           pods: int, sizes: list[int]) -> None:
    assert MAX_ENDPOINTS_PER_SLICE == 100  # --max-endpoints-per-slice default
    _setup(admin, kernel, max_endpoints_per_slice=limit)
    admin.create("services", service("web", selector={"app": "web"}, ports=[{"port": 80}]))
    for i in range(pods):
        _pod(admin, f"web-{i}", f"10.244.0.{10 + i}", True)
    kernel.run_for(1)
    assert sorted((len(s["endpoints"]) for s in _slices(admin)), reverse=True) == sizes


def test_headless_service_and_a_pod_on_an_unknown_node(admin: Client, kernel: Kernel) -> None:
    _setup(admin, kernel)
    admin.create("services", service("db", selector={"app": "web"}, cluster_ip="None"))
    _pod(admin, "db-0", "10.244.0.7", True, hostname="db-0", subdomain="db")
    admin.create("pods", pod("db-1", labels={"app": "web"}, node="gone"))
    set_pod_status(admin, "db-1", ip="10.244.9.9", ready=True)
    kernel.run_for(1)
    (s,) = _slices(admin, "db")
    assert s["metadata"]["labels"]["service.kubernetes.io/headless"] == ""
    assert s["ports"] == []
    assert [(e["addresses"], e.get("hostname")) for e in s["endpoints"]] == [
        (["10.244.0.7"], "db-0")]
    (ev,) = events(admin, "FailedToUpdateEndpointSlices")
    assert ev["source"]["component"] == "endpoint-slice-controller"
    assert ev["message"] == ("Error updating Endpoint Slices for Service default/db: "
                             "skipping Pod db-1 for Service default/db: Node gone Not Found")


def test_slices_of_a_deleted_service_are_garbage_collected(admin: Client,
                                                          kernel: Kernel) -> None:
    create_node(admin, node("node-1"))
    start(admin, kernel, EndpointSliceController, GarbageCollector)
    admin.create("services", service("web", selector={"app": "web"}, ports=[{"port": 80}]))
    _pod(admin, "web-1", "10.244.0.5", True)
    kernel.run_for(1)
    assert len(_slices(admin)) == 1
    admin.delete("services", "web", "default")
    kernel.run_for(2)
    assert _slices(admin) == []


def test_a_slice_edited_by_someone_else_is_repaired(admin: Client, kernel: Kernel) -> None:
    _setup(admin, kernel)
    admin.create("services", service("web", selector={"app": "web"}, ports=[{"port": 80}]))
    _pod(admin, "web-1", "10.244.0.5", True)
    kernel.run_for(1)
    (s,) = _slices(admin)
    s = admin.get("endpointslices", s["metadata"]["name"], "default")
    s["endpoints"] = []
    admin.update("endpointslices", s)
    kernel.run_for(1)
    (s,) = _slices(admin)
    assert [e["addresses"] for e in s["endpoints"]] == [["10.244.0.5"]]
