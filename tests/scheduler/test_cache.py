"""The scheduler cache (``backend/cache/cache_test.go``): assumed pods, confirmations, node
tree order, image states."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.cache import Cache, NodeTree

from .helpers import make_node, make_pod


def _zone_node(name: str, zone: str) -> dict:
    return make_node(name, labels={"topology.kubernetes.io/zone": zone})


def test_node_tree_interleaves_zones() -> None:
    tree = NodeTree()
    for name, zone in [("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b"), ("c1", "c"),
                       ("b2", "b")]:
        tree.add_node(_zone_node(name, zone))
    assert tree.list() == ["a1", "b1", "c1", "a2", "b2", "a3"]
    tree.remove_node(_zone_node("c1", "c"))
    assert tree.zones == [":\x00:a", ":\x00:b"]
    assert tree.list() == ["a1", "b1", "a2", "b2", "a3"]


def test_assume_confirm_and_forget() -> None:
    c = Cache()
    c.add_node(make_node("n1", {"cpu": "4", "pods": "10"}))
    pod = make_pod("p", {"cpu": "1"})
    assumed = {**pod, "spec": {**pod["spec"], "nodeName": "n1"}}
    c.assume_pod(assumed)
    assert c.is_assumed_pod(pod) and c.get("n1").requested.milli_cpu == 1000
    with pytest.raises(ValueError, match="is in the cache, so can't be assumed"):
        c.assume_pod(assumed)
    c.finish_binding(assumed)
    c.add_pod(assumed)                      # the informer confirms
    assert not c.is_assumed_pod(pod) and c.get("n1").requested.milli_cpu == 1000
    with pytest.raises(ValueError, match="wasn't assumed so cannot be forgotten"):
        c.forget_pod(assumed)
    c.remove_pod(assumed)
    assert c.get("n1").requested.milli_cpu == 0 and c.pod_count() == 0


def test_forget_undoes_the_assumption() -> None:
    c = Cache()
    c.add_node(make_node("n1"))
    assumed = make_pod("p", {"cpu": "1"}, node="n1")
    c.assume_pod(assumed)
    c.forget_pod(assumed)
    assert c.get("n1").requested.milli_cpu == 0 and not c.is_assumed_pod(assumed)


def test_confirmed_on_another_node() -> None:
    c = Cache()
    c.add_node(make_node("n1"))
    c.add_node(make_node("n2"))
    c.assume_pod(make_pod("p", {"cpu": "1"}, node="n1"))
    c.add_pod(make_pod("p", {"cpu": "1"}, node="n2"))
    assert c.get("n1").requested.milli_cpu == 0 and c.get("n2").requested.milli_cpu == 1000


def test_image_states_and_changes_log() -> None:
    c = Cache()
    c.add_node(make_node("n1", images=[(["nginx:1.27"], 100)]))
    c.add_node(make_node("n2", images=[(["nginx:1.27"], 100)]))
    assert c.get("n1").image_states["nginx:1.27"].num_nodes == 2
    v = c.image_version
    c.remove_node(make_node("n2"))
    assert c.get("n1").image_states["nginx:1.27"].num_nodes == 1 and c.image_version > v
    start = c.changes_base + len(c.changes)
    c.add_pod(make_pod("p", node="n1"))
    assert [n for _, n in c.changes[start - c.changes_base:]] == ["n1"]


def test_pods_on_unknown_nodes_and_lists() -> None:
    c = Cache()
    c.add_pod(make_pod("p", node="ghost"))
    assert c.list() == [] and c.num_nodes() == 0
    with pytest.raises(KeyError, match='nodeinfo not found for node name "ghost"'):
        c.get("ghost")
    c.add_node(make_node("ghost"))
    assert len(c.get("ghost").pods) == 1
    c.add_pod(make_pod("aff", node="ghost", affinity={"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "zone"}]}}))
    assert [n.name for n in c.have_pods_with_required_anti_affinity_list()] == ["ghost"]
