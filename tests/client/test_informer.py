"""Watches and informers against a real API server, on both store backends: watch from old
resourceVersions, bookmarks, 410 Gone after compaction, informer relist without losing events,
and the causal chain of traces through a handler."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.server import APIServer
from k8s_internals.client.causality import current_cause
from k8s_internals.client.client import ApiError, Client
from k8s_internals.client.informer import Informer, InformerFactory
from k8s_internals.client.workqueue import RateLimitingQueue
from k8s_internals.sim import Kernel
from tests.conftest import pod


def _cm(name: str, v: str = "0") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"}, "data": {"v": v}}


def test_watch_from_an_old_resource_version_replays_what_happened_since(
        admin: Client, kernel: Kernel) -> None:
    first = admin.create("configmaps", _cm("a"))
    rv0 = first["metadata"]["resourceVersion"]
    admin.create("configmaps", _cm("b"))
    admin.patch("configmaps", "a", {"data": {"v": "1"}}, "default")
    admin.delete("configmaps", "b", "default")
    seen: list[tuple[str, str]] = []
    admin.watch("configmaps", lambda t, o, c: seen.append((t, o["metadata"]["name"])),
                "default", resource_version=rv0)
    kernel.run_for(1)
    assert seen == [("ADDED", "b"), ("MODIFIED", "a"), ("DELETED", "b")]


def test_watch_without_a_version_starts_with_the_current_state(
        admin: Client, kernel: Kernel) -> None:
    admin.create("configmaps", _cm("a"))
    seen: list[tuple[str, str]] = []
    admin.watch("configmaps", lambda t, o, c: seen.append((t, o["metadata"]["name"])), "default")
    admin.create("configmaps", _cm("b"))
    kernel.run_for(1)
    assert seen == [("ADDED", "a"), ("ADDED", "b")]


def test_label_selected_watch_turns_modifications_into_added_and_deleted(
        admin: Client, kernel: Kernel) -> None:
    admin.create("pods", pod("p", app="x"))
    seen: list[str] = []
    admin.watch("pods", lambda t, o, c: seen.append(t), "default", label_selector="app=y",
                resource_version=admin.get("pods", "p", "default")["metadata"][
                    "resourceVersion"])
    admin.patch("pods", "p", {"metadata": {"labels": {"app": "y"}}}, "default")
    admin.patch("pods", "p", {"metadata": {"labels": {"app": "z"}}}, "default")
    kernel.run_for(1)
    assert seen == ["ADDED", "DELETED"]


def test_bookmarks_carry_the_current_resource_version(admin: Client, kernel: Kernel) -> None:
    got: list[tuple[str, str]] = []
    admin.watch("configmaps", lambda t, o, c: got.append((t, o["metadata"]["resourceVersion"])),
                "default", resource_version=admin.list("configmaps", "default")["metadata"][
                    "resourceVersion"], bookmarks=True)
    admin.create("configmaps", _cm("a"))
    kernel.run_for(61)
    assert got[0][0] == "ADDED"
    assert got[-1][0] == "BOOKMARK"


def test_watch_from_before_a_compaction_is_410_gone(api: APIServer, admin: Client) -> None:
    old = admin.create("configmaps", _cm("a"))["metadata"]["resourceVersion"]
    for i in range(3):
        admin.patch("configmaps", "a", {"data": {"v": str(i)}}, "default")
    api.compact()
    with pytest.raises(ApiError) as e:
        admin.watch("configmaps", lambda t, o, c: None, "default", resource_version=old)
    assert e.value.code == 410
    assert e.value.reason == "Expired"
    assert e.value.message.startswith(f"too old resource version: {old} (")


def test_informer_lists_watches_and_recovers_from_410_without_losing_events(
        api: APIServer, admin: Client, kernel: Kernel) -> None:
    admin.create("configmaps", _cm("a"))
    inf = Informer(admin, kernel, "configmaps", "default")
    events: list[tuple[str, str]] = []
    inf.add_event_handler(
        on_add=lambda o: events.append(("add", o["metadata"]["name"])),
        on_update=lambda old, new: events.append(("update", new["metadata"]["name"])),
        on_delete=lambda o: events.append(("delete", getattr(o, "key", None) or o[
            "metadata"]["name"])))
    inf.start()
    kernel.run_for(1)
    assert inf.has_synced() and events == [("add", "a")]
    # the informer is disconnected; meanwhile things change and etcd is compacted
    inf.stop()
    stale_rv = inf.last_sync_resource_version
    admin.create("configmaps", _cm("b"))
    admin.delete("configmaps", "a", "default")
    api.compact()
    inf._stopped = False
    inf._start_watch(stale_rv)  # resuming from the old version: 410, so it relists
    kernel.run_for(1)
    assert inf.relists == 1
    assert ("add", "b") in events and ("delete", "default/a") in events
    assert sorted(o["metadata"]["name"] for o in inf.list()) == ["b"]
    admin.create("configmaps", _cm("c"))
    kernel.run_for(1)
    assert events[-1] == ("add", "c")


def test_requests_made_while_handling_an_event_carry_the_cause(
        api: APIServer, admin: Client, kernel: Kernel) -> None:
    """A tiny controller: every ConfigMap gets a copy named ``<name>-copy``. The copy's create
    request must have the original create request as its parent."""
    factory = InformerFactory(admin, kernel)
    inf = factory.informer("configmaps", "default")
    queue = RateLimitingQueue(kernel, name="copier")
    causes: dict[str, str | None] = {}

    def enqueue(obj: dict[str, Any]) -> None:
        key = f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"
        causes[key] = current_cause()
        queue.add(key)

    inf.add_event_handler(on_add=enqueue)
    factory.start()
    kernel.run_for(1)

    from k8s_internals.client.causality import caused_by

    def work() -> None:
        while True:
            got = queue.get()
            if got is None or got[1]:
                return
            key = got[0]
            ns, name = key.split("/")
            if not name.endswith("-copy") and inf.get(f"{ns}/{name}-copy") is None:
                with caused_by(causes.get(key)):
                    admin.create("configmaps", _cm(f"{name}-copy"))
            queue.forget(key)
            queue.done(key)

    create = admin.create("configmaps", _cm("orig"))
    kernel.run_for(1)
    work()
    root = next(t for t in api.tracer if t.verb == "create" and t.name == "orig")
    child = next(t for t in api.tracer if t.verb == "create" and t.name == "orig-copy")
    assert child.parent_id == root.id
    assert [t.name for _, t in api.tracer.tree(root.id)] == ["orig", "orig-copy"]
    assert create["metadata"]["name"] == "orig"
    # the watch event that told the informer is recorded on the root request
    assert any(n.watcher == "kubectl" for n in root.notified)


def test_the_api_server_compacts_every_five_minutes_keeping_one_interval(
        api: APIServer, admin: Client, kernel: Kernel) -> None:
    old = admin.create("configmaps", _cm("a"))["metadata"]["resourceVersion"]
    kernel.run_for(301)  # first tick records the revision, compacts nothing
    assert api.store.compact_revision == 0
    mid = admin.patch("configmaps", "a", {"data": {"v": "1"}}, "default")
    kernel.run_for(300)  # second tick compacts to what the first one saw
    assert api.store.compact_revision >= int(old)
    assert api.store.compact_revision < int(mid["metadata"]["resourceVersion"])
    with pytest.raises(ApiError) as e:
        admin.watch("configmaps", lambda t, o, c: None, "default", resource_version=str(
            int(old) - 1))
    assert e.value.code == 410
