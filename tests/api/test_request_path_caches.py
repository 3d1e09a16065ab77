"""The request path's shortcuts give what the long way gives: the managedFields of a create
remembered by object shape, field selectors evaluated term by term, events converted without
copies, and the scheduler cache reusing an assumed pod's info."""

from __future__ import annotations

import copy

from k8s_internals.api import codec
from k8s_internals.api import fieldmanager as fm
from k8s_internals.api.conversion import core_event_to_events_v1, events_v1_to_core_event
from k8s_internals.api.resources import lookup
from k8s_internals.api.selectors import (
    convert_field_selector,
    field_selector_matches,
    object_fields,
    parse_field_selector,
)
from k8s_internals.scheduler.framework.types import PodInfo


def _pod(name: str, labels: dict[str, str] | None = None, **spec: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": labels or {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [
                {"containerPort": 80}]}], **spec}}


def test_create_managed_fields_cached_by_shape_are_the_computed_ones() -> None:
    info = lookup("", "pods")
    fm._CREATE_FIELDS.clear()
    for i, (obj, now) in enumerate([
        (_pod("a"), "2026-01-01T00:00:00Z"),
        (_pod("b"), "2026-01-01T00:00:01Z"),  # same shape: from the cache
        (_pod("c", {"x": "y"}), "2026-01-01T00:00:02Z"),  # another label key
        (_pod("d", nodeName=""), "2026-01-01T00:00:03Z"),  # an empty value
        (_pod("e", nodeName="n1"), "2026-01-01T00:00:04Z"),
        (_pod("f", nodeName="n2"), "2026-01-01T00:00:05Z"),  # cached
    ]):
        slow = fm._update(info, None, copy.deepcopy(obj), "kubectl", now, "", None, None)
        fast = fm.update(info, None, copy.deepcopy(obj), "kubectl", now)
        assert codec.dumps(fast) == codec.dumps(slow), i
    assert len(fm._CREATE_FIELDS) == 4
    # the cached entries are not shared with the objects made from them
    a = fm.update(info, None, _pod("g"), "kubectl", "t1")
    b = fm.update(info, None, _pod("h"), "kubectl", "t2")
    a["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"].clear()
    assert b["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]
    assert b["metadata"]["managedFields"][0]["time"] == "t2"


def test_field_selector_matches_as_object_fields() -> None:
    pods = [_pod("a"), _pod("b", nodeName="n1"),
            {**_pod("c"), "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.1"}]}},
            {"metadata": None}]
    for text in ("spec.nodeName=", "spec.nodeName!=", "spec.host=n1",
                 "metadata.name=a,status.phase!=Failed", "metadata.namespace=default",
                 "status.podIP=10.0.0.1", "spec.hostNetwork=false"):
        sel = convert_field_selector(parse_field_selector(text), "pods")
        for p in pods:
            assert field_selector_matches(sel, "pods", p) == sel.matches(
                object_fields("pods", p)), (text, p)
    sel = convert_field_selector(parse_field_selector("metadata.namespace=x"), "clusterroles")
    node = {"metadata": {"name": "n", "namespace": "x"}}
    assert field_selector_matches(sel, "clusterroles", node) == sel.matches(
        object_fields("clusterroles", node))


def test_event_conversion_without_copies_gives_the_same_object() -> None:
    ev = {"apiVersion": "events.k8s.io/v1", "kind": "Event",
          "metadata": {"name": "e", "namespace": "default"}, "eventTime": "t",
          "reportingController": "c", "reportingInstance": "i", "action": "A", "reason": "R",
          "regarding": {"kind": "Pod", "name": "p"}, "note": "n", "type": "Normal",
          "series": {"count": 2, "lastObservedTime": "t"}, "related": {"kind": "Node"}}
    core = events_v1_to_core_event(ev)
    assert events_v1_to_core_event(ev, copy=False) == core
    assert core_event_to_events_v1(core, copy=False) == core_event_to_events_v1(core)
    assert core_event_to_events_v1(core)["regarding"] == ev["regarding"]


def test_pod_info_for_the_informers_copy() -> None:
    pod = _pod("a", nodeName="n1", priority=5)
    pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "100m"}}
    pi = PodInfo(pod)
    pi.calculate_resource()
    same = copy.deepcopy(pod)
    reused = pi.for_pod(same)
    fresh = PodInfo(same)
    assert reused.pod is same and reused.key == fresh.key and reused.priority == 5
    assert reused.calculate_resource() == fresh.calculate_resource()
    other = copy.deepcopy(pod)
    other["metadata"]["labels"] = {"x": "y"}
    assert pi.for_pod(other)._resource is None  # labels differ: computed afresh


def test_as_decoded_is_what_the_stored_bytes_decode_to() -> None:
    from k8s_internals.api.storage import as_decoded, decode_object

    objs = [
        _pod("a"),
        {"spec": {"x": [1, {"b": None}]}, "status": {"phase": "Pending"}, "kind": "Pod",
         "metadata": {"resourceVersion": "7", "annotations": {"k": "<&>"}, "name": "b",
                      "labels": {}, "finalizers": [], "namespace": "default"},
         "apiVersion": "v1"},
        {"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n", "uid": "u"}, "extra": 1},
    ]
    for obj in objs:
        data = codec.to_storage(obj)
        decoded = decode_object(data, 42)
        handed = as_decoded(obj, 42)
        assert handed == decoded
        # the same key order everywhere, so every encoding of it is byte-identical
        assert codec.dumps(handed) == codec.dumps(decoded)
        assert list(handed["metadata"]) == list(decoded["metadata"])


def test_binding_hands_the_watch_cache_the_decoded_pod(api, admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from k8s_internals.api import watchcache
    from k8s_internals.api.storage import decode_object
    from tests.conftest import pod

    decodes: list[int] = []

    def counting(value: bytes, revision: int) -> dict:
        decodes.append(revision)
        return decode_object(value, revision)

    monkeypatch.setattr(watchcache, "decode_object", counting)

    seen: list[tuple[str, dict]] = []
    api.watchcache.watch(lookup("", "pods"), "test", lambda t, o, _c: seen.append((t, o)),
                         resource_version=api.revision)
    admin.create("pods", pod("web"), "default")
    admin.call("create", "pods", namespace="default", name="web", subresource="binding",
               body={"apiVersion": "v1", "kind": "Binding",
                     "metadata": {"name": "web", "annotations": {"note": "<b>&"}},
                     "target": {"kind": "Node", "name": "node-1"}})
    api.kernel.run_until_idle()
    etype, obj = seen[-1]
    kv = api.store.get(b"/registry/pods/default/web")
    assert etype == "MODIFIED" and obj["spec"]["nodeName"] == "node-1"
    stored = decode_object(kv.value, kv.mod_revision)
    assert codec.dumps(obj) == codec.dumps(stored)
    # the pod's creation was decoded for the watcher; its binding was not
    assert kv.mod_revision not in decodes and len(decodes) == 1


def test_normalize_orders_metadata_as_a_stable_sort_by_rank() -> None:
    import random

    rank = {k: i for i, k in enumerate(codec.METADATA_ORDER)}
    fields = [*codec.METADATA_ORDER, "zz-unknown", "aa-unknown", "clusterName"]
    rng = random.Random(7)
    for _ in range(200):
        keys = rng.sample(fields, rng.randint(0, len(fields)))
        meta = {k: k.upper() for k in keys}
        out = codec.normalize({"spec": {}, "metadata": meta, "apiVersion": "v1", "kind": "X"})
        expected = sorted(keys, key=lambda k: rank.get(k, 99))
        assert list(out["metadata"]) == expected
        assert list(out) == ["kind", "apiVersion", "metadata", "spec"]
        assert out["metadata"] is not meta


def _bind_scenario(api, admin, use_cache: bool, monkeypatch) -> tuple[bytes, dict, dict]:  # type: ignore[no-untyped-def]
    """Create a pod with annotations and an Unschedulable PodScheduled condition, bind it; the
    stored bytes, the MODIFIED event's object, and the cached pod before the binding."""
    from tests.conftest import pod

    if not use_cache:
        monkeypatch.setattr(api.caches, "get", lambda *a: None)
    seen: list[dict] = []
    api.watchcache.watch(lookup("", "pods"), "test", lambda t, o, _c: seen.append(o),
                         resource_version=api.revision)
    p = pod("web")
    p["metadata"]["annotations"] = {"a": "1"}
    admin.create("pods", p, "default")
    admin.call("update", "pods", namespace="default", name="web", subresource="status",
               body={**admin.get("pods", "web", "default"), "status": {"conditions": [
                   {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                    "message": "0/1 nodes are available"}]}})
    before = copy.deepcopy(api.caches.get("pods", "default", "web"))
    from k8s_internals.api import storage

    decodes: list[int] = []
    real = storage.decode_object
    monkeypatch.setattr(storage, "decode_object",
                        lambda v, r: decodes.append(r) or real(v, r))
    admin.call("create", "pods", namespace="default", name="web", subresource="binding",
               body={"apiVersion": "v1", "kind": "Binding",
                     "metadata": {"name": "web", "annotations": {"b": "2", "a": "3"}},
                     "target": {"kind": "Node", "name": "node-1"}})
    monkeypatch.setattr(storage, "decode_object", real)
    # the binding started from the cached pod: nothing was decoded (without the cache: once)
    assert len(decodes) == (0 if use_cache else 1)
    api.kernel.run_until_idle()
    kv = api.store.get(b"/registry/pods/default/web")
    return kv.value, seen[-1], before


def test_binding_from_the_cached_pod_writes_what_decoding_writes(api, admin, monkeypatch,  # type: ignore[no-untyped-def]
                                                                 ) -> None:
    from k8s_internals.api.storage import decode_object

    value, event, before = _bind_scenario(api, admin, True, monkeypatch)
    stored = decode_object(value, 0)
    assert stored["spec"]["nodeName"] == "node-1"
    assert stored["metadata"]["annotations"] == {"a": "3", "b": "2"}
    cond = stored["status"]["conditions"][0]
    assert cond["status"] == "True" and "reason" not in cond and "message" not in cond
    assert codec.dumps(event) == codec.dumps(decode_object(value, event["metadata"][
        "resourceVersion"]))
    # the cached pre-binding pod was left as it was (copy on write)
    assert before["spec"].get("nodeName") is None
    assert before["status"]["conditions"][0]["reason"] == "Unschedulable"


def test_binding_with_and_without_the_cache_store_the_same_bytes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from k8s_internals.api.assemble import APIServerConfig, new_api_server
    from k8s_internals.client.client import Client
    from k8s_internals.client.transport import InProcessTransport
    from k8s_internals.sim import Kernel
    from k8s_internals.store import open_store
    from tests.conftest import TOKENS

    out = []
    for use_cache in (True, False):
        k = Kernel(0)
        api = new_api_server(k, open_store("memory://", kernel=k),
                             APIServerConfig(tokens=list(TOKENS)))
        admin = Client(InProcessTransport(api), "admin-token")
        admin.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                         "metadata": {"name": "default", "namespace": "default"}})
        with monkeypatch.context() as m:
            out.append(_bind_scenario(api, admin, use_cache, m)[:2])
        api.watchcache.close()
    assert out[0][0] == out[1][0]
    assert codec.dumps(out[0][1]) == codec.dumps(out[1][1])
