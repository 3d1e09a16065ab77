"""The fast paths of an ``events.k8s.io/v1`` create give exactly what the full code gives:
the Event validation's "plainly valid" check, the strict-field check of plain-dict bodies,
the compiled name patterns and the remembered name checks, the UID formatting, the conversion's
``omitempty`` test and the managedFields shape. Each table holds invalid inputs too."""

from __future__ import annotations

import copy
import random
import re
import uuid
from typing import Any

import pytest

from k8s_internals.api import conversion, fieldmanager
from k8s_internals.api import strategy as strategy_mod
from k8s_internals.api.resources import lookup
from k8s_internals.api.schema import strict
from k8s_internals.api.validation import core as vcore
from k8s_internals.api.validation import names
from k8s_internals.client.client import ApiError, Client

EV1 = lookup("events.k8s.io", "events")
assert EV1 is not None

REF = {"kind": "Pod", "namespace": "sched-1", "name": "pod-1", "uid": "u-1", "apiVersion": "v1",
       "resourceVersion": "12"}
MF = [{"manager": "kube-scheduler", "operation": "Update", "apiVersion": "events.k8s.io/v1",
       "time": "2026-01-01T00:00:00Z", "fieldsType": "FieldsV1",
       "fieldsV1": {"f:action": {}, "f:note": {}}}]


def _event(meta: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A v1 Event as validation sees it on create (metadata filled by the server)."""
    ev: dict[str, Any] = {
        "apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "pod-1.1879abcdef012345", "namespace": "sched-1", "uid": "x",
                     "creationTimestamp": "2026-01-01T00:00:00Z",
                     "managedFields": copy.deepcopy(MF), **(meta or {})},
        "eventTime": "2026-01-01T00:00:00.000000Z", "reportingController": "default-scheduler",
        "reportingInstance": "default-scheduler-host", "action": "Binding",
        "reason": "Scheduled", "regarding": dict(REF),
        "note": "Successfully assigned sched-1/pod-1 to node-1", "type": "Normal"}
    for k, v in extra.items():
        if v is _DROP:
            ev.pop(k, None)
        else:
            ev[k] = v
    return ev


_DROP = object()

EVENTS: list[tuple[str, dict[str, Any]]] = [
    ("valid", _event()),
    ("valid, no note", _event(note=_DROP)),
    ("valid, note 1024", _event(note="n" * 1024)),
    ("valid, warning", _event(type="Warning")),
    ("valid, default ns, no regarding ns", _event({"namespace": "default"},
                                                   regarding={"kind": "Node", "name": "n"})),
    ("valid, kube-system ns, no regarding", _event({"namespace": "kube-system"},
                                                    regarding=_DROP)),
    ("valid, no managedFields", _event({"managedFields": None})),
    ("valid, prefixed controller", _event(reportingController="example.com/sched")),
    ("valid, related", _event(related=dict(REF))),
    ("valid, empty deprecatedSource", _event(deprecatedSource={})),
    ("valid, labels", _event({"labels": {"a": "b"}})),
    ("bad name: upper case", _event({"name": "Pod-1.abc"})),
    ("bad name: double dot", _event({"name": "a..b"})),
    ("bad name: 254 chars", _event({"name": "a" * 254})),
    ("name: 253 chars", _event({"name": "a" * 253})),
    ("bad name: non-ASCII", _event({"name": "pöd"})),
    ("bad name: empty", _event({"name": ""})),
    ("bad name: missing", _event({"name": None})),
    ("name: a number", _event({"name": 5})),
    ("valid: generateName beside a name", _event({"generateName": "pod-"})),
    ("bad namespace", _event({"namespace": "Sched"})),
    ("bad namespace: dotted", _event({"namespace": "a.b"})),
    ("bad namespace: 64 chars", _event({"namespace": "n" * 64})),
    ("missing namespace", _event({"namespace": ""})),
    ("valid: regarding elsewhere (unchecked with an eventTime)",
     _event(regarding={**REF, "namespace": "other"})),
    ("no regarding namespace outside default", _event(regarding={"kind": "Node", "name": "n"})),
    ("regarding not an object", _event(regarding="pod-1")),
    ("reportingInstance 129", _event(reportingInstance="i" * 129)),
    ("reportingInstance 128", _event(reportingInstance="i" * 128)),
    ("action 129", _event(action="a" * 129)),
    ("reason 129", _event(reason="r" * 129)),
    ("note 1025", _event(note="n" * 1025)),
    ("valid: note a number (read as its text)", _event(note=7)),
    ("missing eventTime", _event(eventTime=_DROP)),
    ("empty eventTime", _event(eventTime="")),
    ("missing reportingController", _event(reportingController=_DROP)),
    ("bad reportingController", _event(reportingController="-sched-")),
    ("reportingController 64", _event(reportingController="c" * 64)),
    ("reportingController two slashes", _event(reportingController="a/b/c")),
    ("missing reportingInstance", _event(reportingInstance=_DROP)),
    ("missing action", _event(action="")),
    ("missing reason", _event(reason=_DROP)),
    ("valid: reason a number (read as its text)", _event(reason=3)),
    ("bad type", _event(type="Bad")),
    ("missing type", _event(type=_DROP)),
    ("series", _event(series={"count": 2, "lastObservedTime": "2026-01-01T00:00:00.000000Z"})),
    ("bad series", _event(series={"count": 1})),
    ("deprecatedFirstTimestamp", _event(deprecatedFirstTimestamp="2026-01-01T00:00:00Z")),
    ("deprecatedLastTimestamp", _event(deprecatedLastTimestamp="2026-01-01T00:00:00Z")),
    ("deprecatedCount", _event(deprecatedCount=3)),
    ("deprecatedCount 0", _event(deprecatedCount=0)),
    ("deprecatedSource", _event(deprecatedSource={"component": "c"})),
    ("deprecatedSource host", _event(deprecatedSource={"host": "h"})),
    ("bad label", _event({"labels": {"-a": "b"}})),
    ("bad annotation", _event({"annotations": {"a/b/c": "x"}})),
    ("finalizers", _event({"finalizers": ["foo"]})),
    ("generation", _event({"generation": -1})),
    ("ownerReferences", _event({"ownerReferences": [{"kind": "Pod"}]})),
    ("managedFields: bad operation", _event({"managedFields": [{**MF[0], "operation": "X"}]})),
    ("managedFields: bad fieldsType", _event({"managedFields": [{**MF[0], "fieldsType": "V2"}]})),
    ("managedFields: long manager", _event({"managedFields": [{**MF[0], "manager": "m" * 129}]})),
    ("managedFields: non-ASCII manager",
     _event({"managedFields": [{**MF[0], "manager": "é" * 100}]})),
    ("managedFields: long subresource",
     _event({"managedFields": [{**MF[0], "subresource": "s" * 257}]})),
    ("valid: managedFields not a list (read as none)", _event({"managedFields": {"a": 1}})),
    ("managedFields: entry not an object", _event({"managedFields": ["x"]})),
    ("metadata not an object", _event(metadata="x")),
]


def _full(event: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as m:
        m.setattr(vcore, "_events_v1_event_create_plainly_valid", lambda e: False)
        return [str(e) for e in vcore.validate_events_v1_event_create(event)]


@pytest.mark.parametrize(("label", "event"), EVENTS, ids=[lb for lb, _ in EVENTS])
def test_event_validation_fast_path_gives_the_full_result(
        label: str, event: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    before = copy.deepcopy(event)
    full = _full(event, monkeypatch)
    fast = vcore.validate_events_v1_event_create(event)
    assert [str(e) for e in fast] == full
    assert [e.cause() for e in fast] == [
        e.cause() for e in _full_errors(event, monkeypatch)]
    if vcore._events_v1_event_create_plainly_valid(event):
        assert full == [], label
    assert event == before  # read only
    assert (full == []) == label.startswith(("valid", "name: 253", "name: a number",
                                             "reportingInstance 128",
                                             "series", "deprecatedCount 0")), full


def _full_errors(event: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as m:
        m.setattr(vcore, "_events_v1_event_create_plainly_valid", lambda e: False)
        return list(vcore.validate_events_v1_event_create(event))


def test_the_common_event_takes_the_fast_path() -> None:
    assert vcore._events_v1_event_create_plainly_valid(_event())
    assert not vcore._events_v1_event_create_plainly_valid(_event(deprecatedCount=0))


NAMES = ["a", "a.b", "a-b.c-d", "", "-a", "a-", "a..b", ".a", "A", "a_b", "é", "a" * 63,
         "a" * 64, "a" * 253, "a" * 254, ("a" * 62 + ".") * 4 + "a", "pod-1.1879abcdef012345",
         "1", "a\n", "ａ", "default", "kube-system", "example.com/x", "a/b/c", "/x", "x/"]


@pytest.mark.parametrize("value", NAMES)
def test_name_checks(value: str) -> None:
    assert names.dns1123_subdomain_ok(value) == (not names.is_dns1123_subdomain(value))
    for check in (names.is_dns1123_subdomain, names.is_dns1123_label, names.is_qualified_name):
        assert names.name_ok(check, value) == (not check(value))
        assert names.name_ok(check, value) == (not check(value))  # remembered
    for fmt in ("[a-z0-9]([-a-z0-9]*[a-z0-9])?", "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]",
                "[-a-z0-9]+"):
        assert names._match(fmt, value) == (re.fullmatch(fmt, value) is not None)


def test_name_ok_is_bounded() -> None:
    names._NAME_OK.clear()
    for i in range(names._NAME_OK_MAX + 10):
        assert names.name_ok(names.is_dns1123_label, f"n-{i}")
    assert len(names._NAME_OK) <= names._NAME_OK_MAX
    assert not names.name_ok(names.is_dns1123_label, "N")


def _pod(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "default", "labels": {"a": "b"},
                         "annotations": {"x": "y"}, "managedFields": copy.deepcopy(MF)},
            "spec": {"containers": [{"name": "c", "image": "nginx",
                                     "ports": [{"containerPort": 80}],
                                     "resources": {"limits": {"cpu": "1"}}}], **spec}}


BODIES: list[tuple[str, Any]] = [
    ("event", _event()),
    ("event, unknown top field", _event(bogus=1)),
    ("event, unknown regarding field", _event(regarding={**REF, "bogus": 1})),
    ("event, unknown metadata field", _event({"bogus": 1})),
    ("event, regarding not an object", _event(regarding=[1, 2])),
    ("event, metadata not an object", _event(metadata="x")),
    ("pod", _pod()),
    ("pod, unknown container field", _pod(containers=[{"name": "c", "imagee": "x"}])),
    ("pod, unknown in the second container",
     _pod(containers=[{"name": "c"}, {"name": "d", "bogus": {"x": 1}}])),
    ("pod, containers not a list", _pod(containers={"name": "c"})),
    ("pod, unknown spec fields", _pod(foo=1, bar={"baz": 2})),
    ("pod, nodeSelector map", _pod(nodeSelector={"a": "b", "c": "d"})),
    ("pod, unknown in affinity", _pod(affinity={"nodeAffinity": {"x": 1}})),
    ("pod, free-form fieldsV1 with a nested mapping", _pod()),
    ("configmap", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                   "data": {"k": "v"}, "extra": 1}),
    ("custom resource", {"apiVersion": "example.com/v1", "kind": "Widget",
                         "metadata": {"name": "w"}, "spec": {"any": {"thing": [1]}}}),
    ("no schema: free-form", {"apiVersion": "v1", "kind": "Nope", "x": 1}),
    ("controllerrevision raw data", {"apiVersion": "apps/v1", "kind": "ControllerRevision",
                                     "metadata": {"name": "r"}, "revision": 1,
                                     "data": {"spec": {"whatever": 1}}}),
]


def _strict_full(body: Any, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> list[str]:
    with monkeypatch.context() as m:
        m.setattr(strict, "_clean_struct", lambda obj, s: False)
        m.setattr(strict, "_clean_free", lambda v: False)
        return strict.strict_errors(body, **kw)


@pytest.mark.parametrize(("label", "body"), BODIES, ids=[lb for lb, _ in BODIES])
@pytest.mark.parametrize("sort_keys", [False, True])
def test_strict_fast_check_gives_the_full_result(label: str, body: Any, sort_keys: bool,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    full = _strict_full(body, monkeypatch, sort_keys=sort_keys)
    assert strict.strict_errors(body, sort_keys=sort_keys) == full
    assert (full == []) == ("unknown" not in label and label != "configmap"), full


def test_strict_fast_check_defers_to_the_walk_for_duplicate_keys(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a strictly parsed tree inside a dict body: its duplicates are still reported
    parsed = strict._Pairs([("a", 1), ("a", 2)])
    for body in ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                  "data": parsed},
                 {"apiVersion": "example.com/v1", "kind": "Widget", "spec": parsed},
                 {"apiVersion": "apps/v1", "kind": "ControllerRevision", "data": {"x": parsed}}):
        full = _strict_full(body, monkeypatch)
        assert full and strict.strict_errors(body) == full
    text = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b"},"spec":{"x":1}}'
    assert strict.strict_errors(text) == ['duplicate field "metadata.name"',
                                          'unknown field "spec.x"']


@pytest.mark.parametrize("seed", range(5))
def test_new_uid_is_the_uuid4_text(seed: int) -> None:
    a, b = random.Random(seed), random.Random(seed)
    for _ in range(200):
        assert strategy_mod.new_uid(a) == str(uuid.UUID(int=b.getrandbits(128), version=4))
    edge = random.Random(0)
    edge.getrandbits = lambda k: (1 << k) - 1  # type: ignore[method-assign]
    assert strategy_mod.new_uid(edge) == str(uuid.UUID(int=(1 << 128) - 1, version=4))
    edge.getrandbits = lambda k: 0  # type: ignore[method-assign]
    assert strategy_mod.new_uid(edge) == str(uuid.UUID(int=0, version=4))


@pytest.mark.parametrize("value", [None, "", 0, 0.0, False, True, {}, [], "x", 1, -1, 1.5,
                                   {"a": 1}, [1], " "])
def test_omitempty_set(value: Any) -> None:
    out: dict[str, Any] = {}
    conversion._set(out, "k", value)
    assert out == ({} if value in (None, "", 0, {}, []) else {"k": value})


def _shape_reference(value: Any) -> Any:
    t = type(value)
    if t is dict:
        return tuple((k, _shape_reference(v)) for k, v in value.items())
    if t is list:
        return ("[", repr(value))
    if t in fieldmanager._SCALARS:
        return (t, not value)
    raise fieldmanager._Unshaped


@pytest.mark.parametrize("obj", [_event(), _pod(), {"a": {"b": {"c": None, "d": 0.0}}},
                                 {"a": [1, {"b": 2}], "c": True, "d": ""}, {}])
def test_shape_is_the_recursive_one(obj: Any) -> None:
    assert fieldmanager._shape(obj) == _shape_reference(obj)
    with pytest.raises(fieldmanager._Unshaped):
        fieldmanager._shape({"a": {"b": object()}})


def _new_v1_event(name: str, **extra: Any) -> dict[str, Any]:
    ev = _event(**extra)
    ev["metadata"] = {"name": name, "namespace": "default"}
    ev["regarding"] = {**REF, "namespace": "default"}
    return ev


def test_api_create_answers_the_same_without_fast_paths(admin: Client, kernel: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the server: the same response bytes, and the same 422 texts, with the fast
    paths turned off (the full validation and strict walk)."""
    from k8s_internals.api import codec

    cases = [_new_v1_event("e.1"), _new_v1_event("E.2"), _new_v1_event("e.3", bogus=1),
             _new_v1_event("e.4", reason="", note="n" * 1025)]

    def run() -> list[str]:
        out = []
        for ev in cases:
            try:
                created = admin.create(EV1, copy.deepcopy(ev), "default")
                meta = created["metadata"]
                for k in ("uid", "resourceVersion", "creationTimestamp"):
                    meta.pop(k)
                out.append(codec.dumps(created))
                admin.delete(EV1, meta["name"], "default")
            except ApiError as exc:
                out.append(f"{exc.code} {exc.message}")
        return out

    fast = run()
    with monkeypatch.context() as m:
        m.setattr(vcore, "_events_v1_event_create_plainly_valid", lambda e: False)
        m.setattr(strict, "_clean_struct", lambda obj, s: False)
        m.setattr(strict, "_clean_free", lambda v: False)
        full = run()
    assert fast == full
    assert fast[1].startswith("422 ") and fast[3].startswith("422 ")
    assert not fast[0].startswith("4") and not fast[2].startswith("4")
