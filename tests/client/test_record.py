"""Events as client-go's recorder writes them: name, fields, and the count of repeats."""

from __future__ import annotations

from k8s_internals.client.client import Client
from k8s_internals.client.record import EVENT_WARNING, EventRecorder
from k8s_internals.sim import Kernel
from tests.conftest import pod


def test_an_event_has_upstreams_shape_and_repeats_bump_the_count(
        admin: Client, kernel: Kernel) -> None:
    p = admin.create("pods", pod())
    rec = EventRecorder(admin, kernel, component="kubelet", host="node-1")
    rec.event(p, EVENT_WARNING, "BackOff", "Back-off restarting failed container app",
              field_path="spec.containers{app}")
    kernel.run_for(10)
    rec.event(p, EVENT_WARNING, "BackOff", "Back-off restarting failed container app",
              field_path="spec.containers{app}")
    kernel.run_for(10)
    rec.event(p, EVENT_WARNING, "BackOff", "Back-off restarting failed container app",
              field_path="spec.containers{app}")
    kernel.run_for(1)
    events = admin.list("events", "default")["items"]
    assert len(events) == 1
    ev = events[0]
    # <object name>.<hex UnixNano of the first occurrence>
    assert ev["metadata"]["name"] == "web." + format(1735689600 * 10**9, "x")
    assert ev["count"] == 3
    assert (ev["firstTimestamp"], ev["lastTimestamp"]) == ("2025-01-01T00:00:00Z",
                                                          "2025-01-01T00:00:20Z")
    assert ev["involvedObject"]["fieldPath"] == "spec.containers{app}"
    assert ev["involvedObject"]["uid"] == p["metadata"]["uid"]
    assert ev["source"] == {"component": "kubelet", "host": "node-1"}
    assert (ev["type"], ev["reason"]) == ("Warning", "BackOff")
    got = admin.list("events", "default",
                     field_selector="involvedObject.name=web,involvedObject.kind=Pod")
    assert len(got["items"]) == 1


def test_events_about_cluster_scoped_objects_go_to_default(admin: Client,
                                                           kernel: Kernel) -> None:
    node = admin.create("nodes", {"apiVersion": "v1", "kind": "Node",
                                  "metadata": {"name": "node-1"}})
    EventRecorder(admin, kernel, "node-controller").event(
        node, "Normal", "RegisteredNode", "Node node-1 event: Registered Node node-1 in "
        "Controller")
    kernel.run_for(1)
    assert [e["reason"] for e in admin.list("events", "default")["items"]] == ["RegisteredNode"]
