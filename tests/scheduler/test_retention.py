"""What the scheduler keeps per pod: the cache, PodInfo and compacted explain records hold no
more objects than they need (each one is walked by the garbage collector's young collections
until it dies), with the same results as before."""

from __future__ import annotations

import json
from typing import Any

from k8s_internals.client.cache import (
    ExplicitKey,
    Indexer,
    meta_namespace_index_func,
    meta_namespace_key_func,
)
from k8s_internals.client.informer import Informer
from k8s_internals.scheduler.cache import Cache
from k8s_internals.scheduler.explain import FILTER_RESULT, Explainer
from k8s_internals.scheduler.framework.types import PodInfo
from k8s_internals.sim import Kernel

from .helpers import make_node, make_pod
from .test_explain import _scheduler


def test_pod_infos_share_terms_and_resources() -> None:
    a, b = PodInfo(make_pod("a", {"cpu": "100m"})), PodInfo(make_pod("b", {"cpu": "100m"}))
    assert a.required_affinity_terms == () and a.preferred_anti_affinity_terms == ()
    ra, rb = a.calculate_resource(), b.calculate_resource()
    assert ra is rb and ra.resource.milli_cpu == 100 and a.calculate_resource() is ra
    other = PodInfo(make_pod("c", {"cpu": "200m"})).calculate_resource()
    assert other is not ra and other.resource.milli_cpu == 200
    # the non-zero defaults are part of what is shared
    empty = PodInfo(make_pod("d", {})).calculate_resource()
    mem = PodInfo(make_pod("e", {"memory": "1Gi"})).calculate_resource()
    assert (empty.resource.milli_cpu, empty.non0_cpu, empty.non0_mem) == (0, 100, 200 * 2**20)
    assert mem is not empty and (mem.non0_cpu, mem.non0_mem) == (100, 2**30)
    # signatures: made on first use, never shared with another info of the pod
    assert a._signs is None and a._sign_cache == {}
    assert a.signature("x", lambda: 1) == 1 and a.signature("x", lambda: 2) == 1
    assumed = a.assumed_on("n1")
    assert assumed._sign_cache == {} and assumed.calculate_resource() is ra


def test_cache_keeps_the_pod_itself() -> None:
    c = Cache()
    c.add_node(make_node("n1", {"cpu": "4", "pods": "10"}))
    pod = make_pod("p", {"cpu": "1"})
    assumed = {**pod, "spec": {**pod["spec"], "nodeName": "n1"}}
    c.assume_pod(assumed)
    assert c.get_pod(pod) is assumed and c.pod_states["default/p"] is assumed
    c.finish_binding(assumed)
    assert c.binding_finished == {"default/p"}
    confirmed = {**assumed, "metadata": {**assumed["metadata"], "resourceVersion": "2"}}
    c.add_pod(confirmed)
    assert c.get_pod(pod) is confirmed and not c.binding_finished
    updated = {**confirmed, "metadata": {**confirmed["metadata"], "labels": {"a": "b"}}}
    c.update_pod(confirmed, updated)
    assert c.get_pod(pod) is updated and c.get("n1").requested.milli_cpu == 1000
    c.remove_pod(updated)
    assert c.get_pod(pod) is None and c.pod_count() == 0
    c.assume_pod(assumed)
    c.finish_binding(assumed)
    c.forget_pod(assumed)
    assert not c.binding_finished and c.get("n1").requested.milli_cpu == 0


def test_compacted_attempts_share_their_verdicts() -> None:
    nodes = [make_node(f"n{i}", {"cpu": "8", "memory": "8Gi", "pods": "50"}) for i in range(20)]
    k, s = _scheduler(nodes)
    s.explainer = Explainer(keep_full=1)
    for i in range(4):
        s.queue.add(make_pod(f"p{i}", {"cpu": "100m"}))
    k.run_until_idle()
    a, b, last = (s.explain(f"default/p{i}") for i in (0, 1, 3))
    assert a is not None and b is not None and last is not None
    assert a.truncated and b.truncated and not last.truncated
    assert a.prefilter is b.prefilter and a.prescore is b.prescore
    assert a.filter_plugins is b.filter_plugins and a.filter_plugins == last.filter_plugins
    assert a.prefilter == last.prefilter and a.prescore == last.prescore
    assert a.filter_result() == json.loads(a.annotations()[FILTER_RESULT])
    assert a.filter_reasons() == {} and a.nodes()[0].total is not None


def test_informer_events_fill_the_indexer() -> None:
    inf = Informer(None, Kernel(0), "pods")  # type: ignore[arg-type]  # (no list/watch here)
    inf._stopped = False
    seen: list[tuple[str, Any]] = []
    inf.add_event_handler(lambda o: seen.append(("add", o)),
                          lambda old, new: seen.append(("update", (old, new))),
                          lambda o: seen.append(("delete", o)))
    p1 = {"metadata": {"namespace": "ns", "name": "a", "resourceVersion": "1"}}
    p2 = {"metadata": {"namespace": "ns", "name": "a", "resourceVersion": "2"}}
    inf._on_event("ADDED", p1, None)
    inf._on_event("MODIFIED", p2, "req-1")
    assert inf.get("ns/a") is p2 and inf.by_index("namespace", "ns") == [p2]
    assert inf.last_sync_resource_version == "2"
    inf._on_event("DELETED", p2, None)
    assert inf.get("ns/a") is None and inf.indexer.list_index_func_values("namespace") == []
    assert [k for k, _ in seen] == ["add", "update", "delete"] and seen[1][1] == (p1, p2)
    # a transformer still sees every object on its way in
    inf.indexer = Indexer(indexers={}, transformer=lambda o: {**o, "seen": True})
    inf._on_event("ADDED", p1, None)
    inf._on_event("MODIFIED", p2, None)
    got = inf.get("ns/a")
    assert got is not None and got["seen"] and got["metadata"]["resourceVersion"] == "2"


def test_key_functions_fast_path_agree() -> None:
    class Meta(dict[str, Any]):
        pass

    for obj in ({"metadata": {"namespace": "ns", "name": "a"}},
                {"metadata": {"name": "node"}},
                {"metadata": Meta(namespace="x", name="b")},
                Meta(metadata={"namespace": "y", "name": "c"})):
        key = meta_namespace_key_func(obj)
        ns = meta_namespace_index_func(obj)
        assert key == (f"{ns[0]}/" if ns[0] else "") + obj["metadata"]["name"]
    assert meta_namespace_key_func(ExplicitKey("ns/z")) == "ns/z"
    for bad in ({"metadata": None}, {}, {"metadata": "x"}):
        for fn in (meta_namespace_key_func, meta_namespace_index_func):
            try:
                fn(bad)
            except ValueError:
                continue
            raise AssertionError(f"{fn.__name__}({bad!r}) did not raise")
