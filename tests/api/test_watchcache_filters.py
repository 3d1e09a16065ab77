"""The watch cache decides whether a MODIFIED or DELETED event's *old* object was in a filtered
watcher's scope from the attributes it keeps per key (upstream's ``storeElement.Labels`` /
``Fields``, ``apiserver/pkg/storage/cacher/watch_cache.go``) instead of decoding ``prev_kv``.

Every case is checked against a reference watcher whose filter is a plain callable (no attrs
form), which still decodes the old object: both must see the same events with the same objects.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import k8s_internals.api.watchcache as watchcache_module
from k8s_internals.api.filters import SelectionPredicate, predicate_from_params
from k8s_internals.api.resources import ResourceInfo, lookup
from k8s_internals.api.selectors import field_getter, object_fields
from k8s_internals.api.trace import Tracer
from k8s_internals.api.watchcache import CacheWatcher, WatchCache
from k8s_internals.sim import Kernel
from k8s_internals.store import Store, open_store

PODS = lookup("", "pods")
assert PODS is not None

Event = tuple[str, str, str, dict[str, str], str, str, str]


def _pod(name: str, ns: str = "default", phase: str = "Pending", node: str = "",
         **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "pause"}]},
            "status": {"phase": phase}}


class Harness:
    def __init__(self) -> None:
        self.kernel = Kernel(seed=0)
        self.store: Store = open_store("memory://", kernel=self.kernel)
        self.cache = WatchCache(self.store, self.kernel, Tracer())
        self.prev_decodes = 0

    def put(self, obj: dict[str, Any]) -> int:
        meta = obj["metadata"]
        key = PODS.key(meta["namespace"], meta["name"])
        return self.store.put(key.encode(), json.dumps(obj).encode()).revision

    def delete(self, ns: str, name: str) -> None:
        self.store.delete(PODS.key(ns, name).encode())

    def watch(self, pred: Any, namespace: str = "", resource_version: int = 0,
              info: ResourceInfo = PODS) -> tuple[CacheWatcher, list[Event]]:
        got: list[Event] = []

        def send(etype: str, obj: dict[str, Any], trace_id: str | None) -> None:
            meta = obj["metadata"]
            got.append((etype, meta["namespace"], meta["name"], meta.get("labels") or {},
                        obj["status"]["phase"], obj["spec"]["nodeName"],
                        meta["resourceVersion"]))

        w = self.cache.watch(info, "test", send, namespace=namespace, matches=pred,
                             resource_version=resource_version)
        return w, got

    def flush(self) -> None:
        self.cache.sync()
        self.kernel.run_until_idle()


@pytest.fixture
def h(monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    harness = Harness()
    decode = watchcache_module.decode_object

    def counting(value: bytes, revision: int) -> dict[str, Any]:
        if sys._getframe(1).f_code.co_name == "prev":
            harness.prev_decodes += 1
        return decode(value, revision)

    monkeypatch.setattr(watchcache_module, "decode_object", counting)
    try:
        yield harness
    finally:
        harness.cache.close()
        harness.store.close()


def _pred(label: str = "", field: str = "") -> SelectionPredicate | None:
    return predicate_from_params(PODS, label, field)


def _plain(pred: SelectionPredicate | None) -> Any:
    """The same filter without its attrs form: the watch cache decodes the old object."""
    if pred is None:
        return lambda obj: True
    return lambda obj: pred(obj)


def _in_scope(pred: SelectionPredicate | None, namespace: str, obj: dict[str, Any]) -> bool:
    if namespace and obj["metadata"]["namespace"] != namespace:
        return False
    return pred is None or pred(obj)


NOT_DONE = "status.phase!=Succeeded,status.phase!=Failed"

# (label selector, field selector, namespace, before, after, the event the update becomes)
TRANSITIONS = [
    pytest.param("app=web", "", "", _pod("p", app="db"), _pod("p", app="web"), "ADDED",
                 id="label-starts-matching"),
    pytest.param("app=web", "", "", _pod("p", app="web"), _pod("p", app="db"), "DELETED",
                 id="label-stops-matching"),
    pytest.param("app=web", "", "", _pod("p", app="web"), _pod("p", app="web", x="1"),
                 "MODIFIED", id="label-stays-matching"),
    pytest.param("app=web", "", "", _pod("p", app="db"), _pod("p", app="db", x="1"), None,
                 id="label-stays-out"),
    pytest.param("app in (web,api),!canary", "", "", _pod("p", app="api", canary="y"),
                 _pod("p", app="api"), "ADDED", id="label-set-based-starts"),
    pytest.param("", NOT_DONE, "", _pod("p", phase="Running"), _pod("p", phase="Succeeded"),
                 "DELETED", id="field-stops-matching"),
    pytest.param("", NOT_DONE, "", _pod("p", phase="Pending"), _pod("p", phase="Running"),
                 "MODIFIED", id="field-stays-matching"),
    pytest.param("", NOT_DONE, "", _pod("p", phase="Failed"), _pod("p", phase="Succeeded"),
                 None, id="field-stays-out"),
    pytest.param("", "spec.nodeName=n1", "", _pod("p"), _pod("p", node="n1"), "ADDED",
                 id="field-starts-matching"),
    pytest.param("", "spec.host=n1", "", _pod("p", node="n1"), _pod("p", node="n2"),
                 "DELETED", id="field-alias-stops-matching"),
    pytest.param("", "metadata.name=p,status.phase=Running", "", _pod("p"),
                 _pod("p", phase="Running"), "ADDED", id="field-name-and-phase"),
    pytest.param("", "metadata.namespace=default", "", _pod("p"), _pod("p", phase="Running"),
                 "MODIFIED", id="field-namespace"),
    pytest.param("app=web", "status.phase=Running", "", _pod("p", phase="Running", app="db"),
                 _pod("p", phase="Running", app="web"), "ADDED", id="both-label-flips"),
    pytest.param("app=web", "status.phase=Running", "", _pod("p", phase="Running", app="web"),
                 _pod("p", phase="Failed", app="web"), "DELETED", id="both-field-flips"),
    pytest.param("app=web", "status.phase=Running", "", _pod("p", app="db"),
                 _pod("p", phase="Failed", app="web"), None, id="both-stay-out"),
    pytest.param("", "", "default", _pod("p"), _pod("p", phase="Running"), "MODIFIED",
                 id="namespace-only"),
    pytest.param("", "", "other", _pod("p"), _pod("p", phase="Running"), None,
                 id="namespace-other"),
    pytest.param("app=web", "", "default", _pod("p", app="db"), _pod("p", app="web"), "ADDED",
                 id="namespace-and-label"),
    pytest.param("app=web", "", "other", _pod("p", app="db"), _pod("p", app="web"), None,
                 id="other-namespace-and-label"),
]


@pytest.mark.parametrize(("label", "field", "namespace", "before", "after", "expected"),
                         TRANSITIONS)
def test_update_becomes_the_same_event_without_decoding_prev(
        h: Harness, label: str, field: str, namespace: str, before: dict[str, Any],
        after: dict[str, Any], expected: str | None) -> None:
    pred = _pred(label, field)
    _, got = h.watch(pred, namespace)
    _, ref = h.watch(_plain(pred), namespace)
    h.put(before)
    h.flush()
    del got[:], ref[:]
    h.prev_decodes = 0
    h.put(after)
    h.flush()
    # the attrs watcher decided from the attributes; only the reference decoded the old object
    assert h.prev_decodes == 1
    assert got == ref
    assert [e[0] for e in got] == ([expected] if expected else [])


@pytest.mark.parametrize(("label", "field", "namespace", "before", "after", "expected"),
                         TRANSITIONS)
def test_attrs_watchers_alone_decode_nothing(
        h: Harness, label: str, field: str, namespace: str, before: dict[str, Any],
        after: dict[str, Any], expected: str | None) -> None:
    pred = _pred(label, field)
    _, got = h.watch(pred, namespace)
    h.put(before)
    h.put(after)
    h.delete("default", "p")
    h.flush()
    assert h.prev_decodes == 0
    assert [e[0] for e in got] == (
        (["ADDED"] if _in_scope(pred, namespace, before) else [])
        + ([expected] if expected else [])
        + (["DELETED"] if _in_scope(pred, namespace, after) else []))


def test_stream_matches_reference_over_many_updates(h: Harness) -> None:
    """A mixed stream: every update, delete and re-create gives the same events as the
    decoding path, and no old object is decoded for the attrs watchers."""
    phases = ["Pending", "Running", "Succeeded", "Running", "Failed", "Pending"]
    preds = [_pred("app=web"), _pred("", NOT_DONE), _pred("tier", "spec.nodeName!=n1"),
             _pred("app=web", "metadata.name=p1")]
    watchers = [(h.watch(p)[1], h.watch(_plain(p))[1]) for p in preds]
    _, ns_got = h.watch(None, "default")
    _, ns_ref = h.watch(lambda o: True, "default")
    for i in range(24):
        name = f"p{i % 3}"
        labels = {"app": "web"} if i % 4 < 2 else {"app": "db", "tier": "x"}
        h.put(_pod(name, phase=phases[i % len(phases)], node=f"n{i % 2}", **labels))
        if i % 7 == 6:
            h.delete("default", name)
    h.flush()
    for got, ref in watchers:
        assert got == ref
    assert ns_got == ns_ref
    assert any(got for got, _ in watchers) and ns_got


def test_attrs_only_stream_decodes_no_prev(h: Harness) -> None:
    _, got = h.watch(_pred("", NOT_DONE))
    for phase in ("Pending", "Running", "Succeeded", "Running", "Failed"):
        h.put(_pod("p", phase=phase))
    h.delete("default", "p")
    h.flush()
    assert [(e[0], e[4]) for e in got] == [
        ("ADDED", "Pending"), ("MODIFIED", "Running"), ("DELETED", "Succeeded"),
        ("ADDED", "Running"), ("DELETED", "Failed")]
    assert h.prev_decodes == 0


def test_watcher_started_after_writes_falls_back_once_per_key(h: Harness) -> None:
    h.put(_pod("a", phase="Running"))
    h.put(_pod("b", phase="Running"))
    h.flush()
    pred = _pred("", NOT_DONE)
    _, got = h.watch(pred)
    _, ref = h.watch(_plain(pred))
    cache = h.cache.cache_for(PODS)
    assert cache.attrs == {}  # the keys were written before anyone filtered
    h.prev_decodes = 0
    h.put(_pod("a", phase="Succeeded"))  # no attrs yet: the old object is decoded
    h.put(_pod("b", phase="Running", x="1"))
    h.flush()
    assert h.prev_decodes == 2  # once per key (both watchers share the decoded object)
    assert set(cache.attrs) == {PODS.key("default", "a"), PODS.key("default", "b")}
    h.prev_decodes = 0
    h.put(_pod("b", phase="Failed"))  # now from the attributes (the reference still decodes)
    h.flush()
    assert h.prev_decodes == 1
    assert got == ref
    assert [(e[0], e[2], e[4]) for e in got] == [
        ("DELETED", "a", "Succeeded"), ("MODIFIED", "b", "Running"), ("DELETED", "b", "Failed")]


def test_delete_carries_last_state_and_drops_attrs(h: Harness) -> None:
    _, got = h.watch(_pred("app=web"))
    h.put(_pod("in", app="web"))
    h.put(_pod("out", app="db"))
    h.flush()
    cache = h.cache.cache_for(PODS)
    assert set(cache.attrs) == {PODS.key("default", "in"), PODS.key("default", "out")}
    h.put(_pod("in", phase="Running", app="web"))
    h.delete("default", "in")
    deleted_at = h.store.revision
    h.delete("default", "out")
    h.flush()
    assert cache.attrs == {}
    assert [(e[0], e[2], e[4]) for e in got] == [
        ("ADDED", "in", "Pending"), ("MODIFIED", "in", "Running"), ("DELETED", "in", "Running")]
    # the DELETED event has the deletion's revision
    assert int(got[2][6]) == deleted_at
    # re-created: ADDED again, and attributes again
    h.put(_pod("in", app="web"))
    h.flush()
    assert got[-1][0] == "ADDED"
    assert set(cache.attrs) == {PODS.key("default", "in")}
    assert h.prev_decodes == 0


def test_replay_from_window_decodes_prev_and_matches_live(h: Harness) -> None:
    pred = _pred("app=web", NOT_DONE)
    _, live = h.watch(pred)
    start = h.store.revision
    h.put(_pod("p", app="web"))
    h.put(_pod("p", phase="Running", app="web"))
    h.put(_pod("p", phase="Running", app="db"))
    h.put(_pod("p", phase="Running", app="web"))
    h.put(_pod("p", phase="Succeeded", app="web"))
    h.delete("default", "p")
    h.flush()
    assert h.prev_decodes == 0
    _, replayed = h.watch(pred, resource_version=start)
    h.flush()
    assert replayed == live
    assert [e[0] for e in live] == ["ADDED", "MODIFIED", "DELETED", "ADDED", "DELETED"]
    assert h.prev_decodes > 0  # the replay decoded the old objects


def test_attrs_kept_only_while_a_filtered_watcher_is_registered(h: Harness) -> None:
    cache = h.cache.cache_for(PODS)
    unfiltered, _ = h.watch(None)
    h.put(_pod("p"))
    h.flush()
    assert cache.attrs == {} and cache.attr_watchers == 0
    w1, got1 = h.watch(_pred("", NOT_DONE))
    h.put(_pod("p", phase="Running"))
    h.flush()
    assert list(cache.attrs) == [PODS.key("default", "p")]
    assert cache.attrs[PODS.key("default", "p")].fields == {"status.phase": "Running"}
    assert cache.attrs[PODS.key("default", "p")].labels is None  # no label selector watches
    # a watcher reading more starts the table afresh: its first event decodes the old object
    w2, got2 = h.watch(_pred("app=web", "spec.nodeName=n1"))
    assert cache.attrs == {} and cache.attr_labels
    h.prev_decodes = 0
    h.put(_pod("p", phase="Running", node="n1", app="web"))
    h.flush()
    assert h.prev_decodes == 1
    attrs = cache.attrs[PODS.key("default", "p")]
    assert attrs.fields == {"status.phase": "Running", "spec.nodeName": "n1"}
    assert attrs.labels == {"app": "web"}
    assert [e[0] for e in got1] == ["MODIFIED", "MODIFIED"]
    assert [e[0] for e in got2] == ["ADDED"]
    h.cache.stop(w1)
    h.cache.stop(w1)  # twice: counted once
    assert cache.attr_watchers == 1 and cache.attrs
    h.cache.stop(w2)
    assert cache.attr_watchers == 0 and cache.attrs == {} and not cache.attr_fields
    h.cache.stop(unfiltered)


def test_plain_callable_and_other_resource_predicates_decode(h: Harness) -> None:
    """A filter without an attrs form (the handler's name-scoped watch wraps the predicate in
    a function) keeps the decoding path, and so does a predicate of another resource."""
    cache = h.cache.cache_for(PODS)
    w, got = h.watch(lambda o: o["metadata"]["name"] == "p")
    assert not w.uses_attrs and cache.attr_watchers == 0
    other = predicate_from_params(lookup("", "nodes") or PODS, "a=b", "")
    w2, _ = h.watch(other)
    assert not w2.uses_attrs
    h.put(_pod("p"))
    h.put(_pod("p", phase="Running"))
    h.flush()
    assert [e[0] for e in got] == ["ADDED", "MODIFIED"]
    assert h.prev_decodes == 1  # decoded once, shared by both watchers


@pytest.mark.parametrize("obj", [
    _pod("p", phase="Running", node="n1", app="web"),
    _pod("q", ns="kube-system", app="db", tier="x"),
    {"metadata": {"name": "bare", "namespace": "default"}},
    {"metadata": {"name": "ip", "namespace": "default", "labels": None},
     "spec": {"hostNetwork": True}, "status": {"podIPs": [{"ip": "10.0.0.1"}]}},
])
@pytest.mark.parametrize(("label", "field"), [
    ("app=web", ""), ("", NOT_DONE), ("app,tier notin (y)", "spec.nodeName="),
    ("", "spec.hostNetwork=true,status.podIP=10.0.0.1"),
    ("", "metadata.name=ip,metadata.namespace!=kube-system"),
    ("!app", "spec.schedulerName=,spec.restartPolicy!=Always"),
])
def test_on_attrs_agrees_with_call(obj: dict[str, Any], label: str, field: str) -> None:
    pred = _pred(label, field)
    assert pred is not None
    fields = {n: field_getter("pods", n)(obj) for n in pred.field_names}
    all_fields = object_fields("pods", obj)
    assert all(all_fields[n] == v for n, v in fields.items())
    labels = (obj.get("metadata") or {}).get("labels")
    assert pred.on_attrs(labels, fields) == pred(obj) == pred.on_attrs(labels, all_fields)


def test_predicate_from_params_still_a_plain_predicate() -> None:
    assert predicate_from_params(PODS, "", "") is None
    assert predicate_from_params(PODS, "", ",") is None
    pred = _pred("app=web", "spec.host=n1")
    assert pred is not None and callable(pred)
    assert pred.field_names == ("spec.nodeName",)
    assert pred(_pod("p", node="n1", app="web"))
    assert not pred(_pod("p", node="n2", app="web"))
    cluster = lookup("", "namespaces")
    assert cluster is not None
    assert field_getter("namespaces", "metadata.namespace")(
        {"metadata": {"namespace": "x"}}) == ""
