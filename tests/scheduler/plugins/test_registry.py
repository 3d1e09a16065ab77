"""The in-tree registry and the plugin helpers."""

from __future__ import annotations

from k8s_internals.scheduler.framework.interface import NodeScore
from k8s_internals.scheduler.plugins import names
from k8s_internals.scheduler.plugins.helper import default_normalize_score, default_selector
from k8s_internals.scheduler.plugins.registry import REGISTRY, new_in_tree_registry

from ..helpers import make_pod


def test_every_default_plugin_is_registered() -> None:
    from k8s_internals.scheduler.config import DEFAULT_PLUGINS

    assert [p.name for p in DEFAULT_PLUGINS] == list(REGISTRY)
    assert names.NODE_RESOURCES_FIT == "NodeResourcesFit"
    reg = new_in_tree_registry()
    reg["Mine"] = lambda args, handle: None
    assert "Mine" not in REGISTRY


def test_default_normalize_score() -> None:
    # (helper/normalize_score_test.go) scores 10, 20, 30, 40, 50 -> 20, 40, 60, 80, 100
    scores = [NodeScore(str(i), s) for i, s in enumerate([10, 20, 30, 40, 50])]
    default_normalize_score(100, False, scores)
    assert [s.score for s in scores] == [20, 40, 60, 80, 100]
    scores = [NodeScore(str(i), s) for i, s in enumerate([10, 20, 30, 40, 50])]
    default_normalize_score(100, True, scores)
    assert [s.score for s in scores] == [80, 60, 40, 20, 0]
    scores = [NodeScore("a", 0), NodeScore("b", 0)]
    default_normalize_score(100, True, scores)
    assert [s.score for s in scores] == [100, 100]


def test_default_selector() -> None:
    svc = {"metadata": {"name": "s", "namespace": "default"}, "spec": {"selector": {"a": "1"}}}
    rs = {"metadata": {"name": "rs", "namespace": "default"},
          "spec": {"selector": {"matchLabels": {"b": "2"}}}}
    pod = make_pod("p", labels={"a": "1", "b": "2"})
    pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                           "name": "rs", "controller": True}]
    sel = default_selector(pod, [svc], lambda r, ns, n: rs if r == "replicasets" else None)
    assert str(sel) == "a=1,b=2"
    assert default_selector(make_pod("q"), [svc], lambda *a: None).empty
