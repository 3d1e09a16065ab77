"""events.k8s.io/v1 Events: served from the core events' storage, converted
(``pkg/registry/events/rest/storage_events.go``), validated as their own request version
(``pkg/apis/core/validation/events.go``), printed as the core ones."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.printers import column_definitions, to_table
from k8s_internals.api.resources import find, lookup
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import ApiError, Client
from k8s_internals.sim import Kernel

EV1 = lookup("events.k8s.io", "events")
CORE = lookup("", "events")
assert EV1 is not None and CORE is not None

REF = {"kind": "Pod", "namespace": "default", "name": "web", "uid": "u-1", "apiVersion": "v1"}


def _new_event(name: str = "web.1", **extra: Any) -> dict[str, Any]:
    ev = {"apiVersion": "events.k8s.io/v1", "kind": "Event",
          "metadata": {"name": name, "namespace": "default"},
          "eventTime": "2025-01-01T00:00:00.000000Z", "reportingController": "default-scheduler",
          "reportingInstance": "default-scheduler-control-plane", "action": "Binding",
          "reason": "Scheduled", "regarding": REF,
          "note": "Successfully assigned default/web to node-1", "type": "Normal"}
    ev.update(extra)
    return ev


def _legacy_event(name: str = "web.2") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": "default"}, "involvedObject": REF,
            "reason": "Pulling", "message": 'Pulling image "nginx"',
            "source": {"component": "kubelet", "host": "node-1"},
            "firstTimestamp": "2025-01-01T00:00:00Z", "lastTimestamp": "2025-01-01T00:00:00Z",
            "count": 1, "type": "Normal", "reportingComponent": "kubelet",
            "reportingInstance": "node-1"}


def test_created_as_events_v1_read_as_core_same_key_and_resource_version(
        admin: Client, api: APIServer) -> None:
    created = admin.create(EV1, _new_event(), "default")
    assert created["apiVersion"] == "events.k8s.io/v1"
    core = admin.get("events", "web.1", "default")
    assert core["apiVersion"] == "v1"
    assert core["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert core["metadata"]["uid"] == created["metadata"]["uid"]
    assert core["involvedObject"] == REF and core["message"] == created["note"]
    assert core["source"] == {} and core["firstTimestamp"] is None
    assert core["reportingComponent"] == "default-scheduler"
    # one key, stored as core/v1 (the storage version)
    assert api.etcdctl("get /registry/events --prefix --keys-only").split() == [
        "/registry/events/default/web.1"]
    stored = api.etcd_entries("/registry/events/")[0]["value"]
    assert '"apiVersion":"v1"' in stored and '"involvedObject"' in stored
    # the managed fields name the version the manager wrote
    assert core["metadata"]["managedFields"][0]["apiVersion"] == "events.k8s.io/v1"


def test_created_as_core_read_as_events_v1(admin: Client) -> None:
    core = admin.create("events", _legacy_event(), "default")
    ev = admin.get(EV1, "web.2", "default")
    assert ev["metadata"]["resourceVersion"] == core["metadata"]["resourceVersion"]
    assert ev["regarding"] == REF and ev["note"] == 'Pulling image "nginx"'
    assert ev["deprecatedSource"] == {"component": "kubelet", "host": "node-1"}
    assert ev["deprecatedCount"] == 1 and ev["eventTime"] is None
    listed = admin.list(EV1, "default")
    assert listed["kind"] == "EventList" and listed["apiVersion"] == "events.k8s.io/v1"
    assert [i["metadata"]["name"] for i in listed["items"]] == ["web.2"]


def test_update_patch_and_delete_through_events_v1(admin: Client) -> None:
    admin.create(EV1, _new_event(), "default")
    patched = admin.patch(EV1, "web.1", {"series": {
        "count": 2, "lastObservedTime": "2025-01-01T00:01:00.000000Z"}}, "default",
        patch_type="strategic")
    assert patched["series"] == {"count": 2, "lastObservedTime": "2025-01-01T00:01:00.000000Z"}
    assert admin.get("events", "web.1", "default")["series"]["count"] == 2
    current = admin.get(EV1, "web.1", "default")
    current["series"]["count"] = 3
    assert admin.update(EV1, current)["series"]["count"] == 3
    admin.delete(EV1, "web.1", "default")
    with pytest.raises(ApiError) as err:
        admin.get(EV1, "web.1", "default")
    assert err.value.message == 'events.events.k8s.io "web.1" not found'
    with pytest.raises(ApiError) as err:
        admin.get("events", "web.1", "default")
    assert err.value.message == 'events "web.1" not found'


def test_create_twice_names_the_requested_group(admin: Client) -> None:
    admin.create(EV1, _new_event(), "default")
    with pytest.raises(ApiError) as err:
        admin.create(EV1, _new_event(), "default")
    assert err.value.code == 409
    assert err.value.message == 'events.events.k8s.io "web.1" already exists'


def test_create_validation_is_strict_for_events_v1(admin: Client) -> None:
    bad = _new_event("x", eventTime=None, type="Bad", deprecatedCount=3,
                     deprecatedSource={"component": "c"},
                     deprecatedFirstTimestamp="2025-01-01T00:00:00Z",
                     series={"count": 1, "lastObservedTime": None})
    with pytest.raises(ApiError) as err:
        admin.create(EV1, bad, "default")
    assert err.value.code == 422
    assert err.value.message == (
        'Event.events.k8s.io "x" is invalid: [series.count: Invalid value: "": should be at '
        'least 2, series.lastObservedTime: Required value, eventTime: Required value, type: '
        'Invalid value: "": has invalid value: Bad, firstTimestamp: Invalid value: "": needs '
        'to be unset, count: Invalid value: "": needs to be unset, source: Invalid value: "": '
        'needs to be unset]')
    # the legacy rules come first: a new event needs its reporting fields
    with pytest.raises(ApiError) as err:
        admin.create(EV1, _new_event("y", reportingController="", action=""), "default")
    assert err.value.message == (
        'Event.events.k8s.io "y" is invalid: [reportingController: Required value, '
        'reportingController: Invalid value: "": name part must be non-empty, '
        'reportingController: Invalid value: "": name part must consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), action: Required value]")
    # core/v1 keeps the legacy rules only: a deprecated-style event is fine there
    admin.create("events", _legacy_event("z"), "default")


def test_update_validation_keeps_fields_immutable(admin: Client) -> None:
    admin.create(EV1, _new_event(), "default")
    current = admin.get(EV1, "web.1", "default")
    current["note"] = "changed"
    current["reason"] = "Other"
    with pytest.raises(ApiError) as err:
        admin.update(EV1, current)
    assert err.value.message == (
        'Event.events.k8s.io "web.1" is invalid: [reason: Invalid value: "Other": field is '
        'immutable, message: Invalid value: "changed": field is immutable]')
    # upstream's ValidateEventUpdate checks reason twice: the causes have it twice, the
    # message once (ErrorList.ToAggregate drops repeated messages)
    causes = [c["field"] for c in err.value.status["details"]["causes"]]
    assert causes == ["reason", "message", "reason"]


def test_field_selectors_use_the_core_labels(admin: Client) -> None:
    admin.create(EV1, _new_event(), "default")
    admin.create("events", _legacy_event(), "default")
    got = admin.list(EV1, "default", field_selector="reason=Scheduled,involvedObject.name=web")
    assert [i["metadata"]["name"] for i in got["items"]] == ["web.1"]
    with pytest.raises(ApiError) as err:
        admin.list(EV1, "default", field_selector="regarding.name=web")
    assert err.value.message == "field label not supported: regarding.name"


def test_a_watch_sees_writes_from_both_versions(admin: Client, kernel: Kernel) -> None:
    seen_v1: list[tuple[str, str, str]] = []
    seen_core: list[tuple[str, str, str]] = []
    admin.watch(EV1, lambda t, o, _: seen_v1.append(
        (t, o["apiVersion"], o["metadata"]["name"])), "default", bookmarks=False)
    admin.watch("events", lambda t, o, _: seen_core.append(
        (t, o["apiVersion"], o["metadata"]["name"])), "default", bookmarks=False)
    admin.create(EV1, _new_event(), "default")
    admin.create("events", _legacy_event(), "default")
    admin.delete("events", "web.1", "default")
    kernel.run_for(1)
    assert seen_v1 == [("ADDED", "events.k8s.io/v1", "web.1"),
                       ("ADDED", "events.k8s.io/v1", "web.2"),
                       ("DELETED", "events.k8s.io/v1", "web.1")]
    assert seen_core == [("ADDED", "v1", "web.1"), ("ADDED", "v1", "web.2"),
                         ("DELETED", "v1", "web.1")]


def test_a_watch_from_a_resource_version_replays_converted(admin: Client,
                                                            kernel: Kernel) -> None:
    first = admin.create("events", _legacy_event(), "default")
    admin.create(EV1, _new_event(), "default")
    seen: list[dict[str, Any]] = []
    admin.watch(EV1, lambda t, o, _: seen.append(o), "default",
                resource_version=first["metadata"]["resourceVersion"], bookmarks=False)
    kernel.run_for(1)
    assert [(o["metadata"]["name"], o["reportingController"]) for o in seen] == [
        ("web.1", "default-scheduler")]


def test_the_table_has_the_core_columns() -> None:
    assert column_definitions("events.k8s.io", "Event") == column_definitions("", "Event")
    ev = _new_event(series={"count": 3, "lastObservedTime": "2025-01-01T00:01:00.000000Z"})
    table = to_table(EV1, [ev], 1735689700.0)
    assert table["rows"][0]["cells"] == [
        "40s", "Normal", "Scheduled", "pod/web", "",
        "default-scheduler, default-scheduler-control-plane",
        "Successfully assigned default/web to node-1", "100s", 3, "web.1"]


def test_kubectl_names_resolve() -> None:
    assert find("events") is CORE and find("ev") is CORE
    assert find("events.events.k8s.io") is EV1
    assert find("events.v1.events.k8s.io") is EV1
    assert find("events.v1.") is None or find("events.v1.") is not EV1
