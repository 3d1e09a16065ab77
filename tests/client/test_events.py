"""The new events API recorder (client-go ``tools/events``): the Event's shape, and
isomorphic events becoming a series."""

from __future__ import annotations

from k8s_internals.client.client import Client
from k8s_internals.client.events import (
    FINISH_TIME,
    REFRESH_TIME,
    EventBroadcaster,
    EventRecorder,
)
from k8s_internals.sim import Kernel
from tests.conftest import pod

EPOCH_NS = 1735689600 * 10**9


def _recorder(admin: Client, kernel: Kernel) -> tuple[EventBroadcaster, EventRecorder]:
    b = EventBroadcaster(admin, kernel)
    b.start_recording_to_sink()
    return b, b.new_recorder("default-scheduler", "control-plane")


def test_an_event_has_the_new_apis_shape(admin: Client, kernel: Kernel) -> None:
    p = admin.create("pods", pod())
    b = EventBroadcaster(admin, kernel)
    rec = b.new_recorder("default-scheduler", "control-plane")
    kernel.run_for(0.25)
    rec.eventf(p, None, "Normal", "Scheduled", "Binding", "Successfully assigned %s/%s to %s",
               "default", "web", "node-1")
    kernel.run_for(1)
    [ev] = admin.list("events.events.k8s.io", "default")["items"]
    assert ev["metadata"]["name"] == "web." + format(EPOCH_NS + 250_000_000, "x")
    assert ev["eventTime"] == "2025-01-01T00:00:00.250000Z"
    assert (ev["reportingController"], ev["reportingInstance"]) == (
        "default-scheduler", "default-scheduler-control-plane")
    assert (ev["action"], ev["reason"], ev["type"]) == ("Binding", "Scheduled", "Normal")
    assert ev["note"] == "Successfully assigned default/web to node-1"
    assert ev["regarding"]["uid"] == p["metadata"]["uid"] and "related" not in ev
    assert "series" not in ev and "deprecatedCount" not in ev
    assert ev["deprecatedSource"] == {} and ev["deprecatedFirstTimestamp"] is None
    # as core/v1 (kubectl get events, describe)
    [core] = admin.list("events", "default")["items"]
    assert core["source"] == {} and core["firstTimestamp"] is None
    assert core["lastTimestamp"] is None and "count" not in core
    assert core["reportingComponent"] == "default-scheduler"
    assert b.written == 1


def test_cluster_scoped_objects_get_events_in_default(admin: Client, kernel: Kernel) -> None:
    node = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": "node-1", "uid": "n"}}
    _, rec = _recorder(admin, kernel)
    rec.eventf(node, None, "Warning", "Unknown", "Checking", "note")
    kernel.run_for(1)
    [ev] = admin.list("events.events.k8s.io", "default")["items"]
    assert ev["regarding"] == {"kind": "Node", "name": "node-1", "uid": "n", "apiVersion": "v1"}


def test_an_invalid_type_is_dropped(admin: Client, kernel: Kernel) -> None:
    b, rec = _recorder(admin, kernel)
    rec.eventf(admin.create("pods", pod()), None, "Fatal", "X", "Y", "z")
    kernel.run_for(1)
    assert admin.list("events", "default")["items"] == [] and b.written == 0


def test_isomorphic_events_become_a_series(admin: Client, kernel: Kernel) -> None:
    """recordToSink: the 2nd occurrence is patched in as series.count 2 at once, the later
    ones are counted in the cache until finishSeries (6 minutes of silence) writes the last
    count; the note is not part of the key."""
    p = admin.create("pods", pod())
    b, rec = _recorder(admin, kernel)
    for i in range(4):
        rec.eventf(p, None, "Warning", "FailedScheduling", "Scheduling",
                   "0/%d nodes are available", i + 1)
        kernel.run_for(10)
    [ev] = admin.list("events.events.k8s.io", "default")["items"]
    assert ev["note"] == "0/1 nodes are available"
    assert ev["series"] == {"count": 2, "lastObservedTime": "2025-01-01T00:00:10.000000Z"}
    assert b.written == 2
    kernel.run_for(2 * FINISH_TIME)
    [ev] = admin.list("events.events.k8s.io", "default")["items"]
    assert ev["series"] == {"count": 4, "lastObservedTime": "2025-01-01T00:00:30.000000Z"}
    # the series is finished and forgotten: the next occurrence is a new Event
    rec.eventf(p, None, "Warning", "FailedScheduling", "Scheduling", "again")
    kernel.run_for(1)
    assert len(admin.list("events", "default")["items"]) == 2


def test_refresh_writes_an_ongoing_series(admin: Client, kernel: Kernel) -> None:
    p = admin.create("pods", pod())
    _, rec = _recorder(admin, kernel)
    end = REFRESH_TIME + 1
    while kernel.now < end:  # every minute: the series never goes silent for 6 minutes
        rec.eventf(p, None, "Warning", "BackOff", "Waiting", "x")
        kernel.run_for(60)
    [ev] = admin.list("events.events.k8s.io", "default")["items"]
    assert ev["series"]["count"] == 30  # refreshed at 30 minutes: 30 occurrences so far


def test_a_series_whose_event_is_gone_creates_it_again(admin: Client, kernel: Kernel) -> None:
    p = admin.create("pods", pod())
    _, rec = _recorder(admin, kernel)
    rec.eventf(p, None, "Normal", "Scheduled", "Binding", "a")
    kernel.run_for(1)
    [ev] = admin.list("events", "default")["items"]
    admin.delete("events", ev["metadata"]["name"], "default")
    rec.eventf(p, None, "Normal", "Scheduled", "Binding", "a")
    kernel.run_for(1)
    [again] = admin.list("events.events.k8s.io", "default")["items"]
    assert again["metadata"]["name"] == ev["metadata"]["name"]
    assert again["series"]["count"] == 2
