"""The conversion tables between events.k8s.io/v1 and core/v1 Events
(``pkg/apis/events/v1/conversion.go``), both ways, with Go's JSON shapes on each side."""

from __future__ import annotations

from k8s_internals.api.conversion import (
    conversion_for,
    core_event_to_events_v1,
    events_v1_to_core_event,
    from_storage,
    storage_info,
    to_storage,
)
from k8s_internals.api.resources import lookup

META = {"name": "web.1816688368abd100", "namespace": "default", "resourceVersion": "7"}
REF = {"kind": "Pod", "namespace": "default", "name": "web", "uid": "u-1", "apiVersion": "v1"}
PREEMPTOR = {"kind": "Pod", "namespace": "default", "name": "high", "apiVersion": "v1"}

EVENTS_V1 = {
    "kind": "Event", "apiVersion": "events.k8s.io/v1", "metadata": META,
    "eventTime": "2025-01-01T00:00:20.004000Z",
    "series": {"count": 2, "lastObservedTime": "2025-01-01T00:01:00.000000Z"},
    "reportingController": "default-scheduler",
    "reportingInstance": "default-scheduler-control-plane",
    "action": "Preempting", "reason": "Preempted", "regarding": REF, "related": PREEMPTOR,
    "note": "Preempted by pod u-2 on node node-1", "type": "Normal",
    "deprecatedSource": {"component": "old", "host": "h"},
    "deprecatedFirstTimestamp": "2025-01-01T00:00:00Z",
    "deprecatedLastTimestamp": "2025-01-01T00:00:10Z",
    "deprecatedCount": 3,
}

CORE_V1 = {
    "kind": "Event", "apiVersion": "v1", "metadata": META,
    "involvedObject": REF, "reason": "Preempted",
    "message": "Preempted by pod u-2 on node node-1",
    "source": {"component": "old", "host": "h"},
    "firstTimestamp": "2025-01-01T00:00:00Z", "lastTimestamp": "2025-01-01T00:00:10Z",
    "count": 3, "type": "Normal", "eventTime": "2025-01-01T00:00:20.004000Z",
    "series": {"count": 2, "lastObservedTime": "2025-01-01T00:01:00.000000Z"},
    "action": "Preempting", "related": PREEMPTOR,
    "reportingComponent": "default-scheduler",
    "reportingInstance": "default-scheduler-control-plane",
}


def test_every_field_maps_both_ways() -> None:
    assert events_v1_to_core_event(EVENTS_V1) == CORE_V1
    assert core_event_to_events_v1(CORE_V1) == EVENTS_V1
    assert core_event_to_events_v1(events_v1_to_core_event(EVENTS_V1)) == EVENTS_V1


def test_a_new_event_reads_as_core_with_go_zero_values() -> None:
    """What the scheduler writes: no deprecated fields. As core/v1 JSON the structs without
    ``omitempty`` effect are there (``source: {}``), zero times are null, ``count`` is left out
    and ``reportingComponent``/``reportingInstance`` are always written."""
    new = {"kind": "Event", "apiVersion": "events.k8s.io/v1", "metadata": META,
           "eventTime": "2025-01-01T00:00:20.004000Z", "reportingController": "default-scheduler",
           "reportingInstance": "default-scheduler-cp", "action": "Binding",
           "reason": "Scheduled", "regarding": REF, "note": "Successfully assigned", "type":
           "Normal"}
    core = events_v1_to_core_event(new)
    assert core["source"] == {}
    assert (core["firstTimestamp"], core["lastTimestamp"]) == (None, None)
    assert "count" not in core and "series" not in core and "related" not in core
    assert core["reportingComponent"] == "default-scheduler"
    back = core_event_to_events_v1(core)
    assert back == {**new, "deprecatedSource": {}, "deprecatedFirstTimestamp": None,
                    "deprecatedLastTimestamp": None}


def test_a_legacy_event_reads_as_events_v1() -> None:
    """What the kubelet writes (the legacy recorder): eventTime null, reportingInstance empty."""
    legacy = {"kind": "Event", "apiVersion": "v1", "metadata": META, "involvedObject": REF,
              "reason": "Pulling", "message": 'Pulling image "nginx"',
              "source": {"component": "kubelet", "host": "node-1"},
              "firstTimestamp": "2025-01-01T00:00:00Z", "lastTimestamp": "2025-01-01T00:00:00Z",
              "count": 1, "type": "Normal", "eventTime": None, "reportingComponent": "kubelet",
              "reportingInstance": ""}
    v1 = core_event_to_events_v1(legacy)
    assert v1["eventTime"] is None
    assert v1["reportingController"] == "kubelet" and "reportingInstance" not in v1
    assert v1["deprecatedSource"] == {"component": "kubelet", "host": "node-1"}
    assert (v1["deprecatedFirstTimestamp"], v1["deprecatedCount"]) == ("2025-01-01T00:00:00Z",
                                                                      1)
    assert v1["note"] == 'Pulling image "nginx"' and v1["regarding"] == REF


def test_the_registry_knows_the_storage_version() -> None:
    ev1, core = lookup("events.k8s.io", "events"), lookup("", "events")
    assert ev1 is not None and core is not None
    assert storage_info(ev1) is core and storage_info(core) is core
    assert ev1.key("default", "x") == core.key("default", "x") == "/registry/events/default/x"
    assert conversion_for(core) is None and conversion_for(ev1) is not None
    assert to_storage(ev1, EVENTS_V1) == CORE_V1
    assert from_storage(ev1, CORE_V1) == EVENTS_V1
    assert to_storage(core, CORE_V1) is CORE_V1
