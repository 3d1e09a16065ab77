"""The causal graph of a flow: only the root's descendants, clustered by component, in order."""

from __future__ import annotations

import random
from collections.abc import Callable

from k8s_internals.viz import causal_graph, causal_tree, to_dot

from .helpers import flow, trace


def test_deployment_flow_snapshot(snapshot: Callable[[str, str], None]) -> None:
    snapshot("causal_deployment", to_dot(causal_graph(flow(), "req-1")))


def test_only_descendants_of_the_root() -> None:
    tree = causal_tree(flow(), "req-1")
    assert sorted(tree.nodes) == sorted(f"req-{i}" for i in range(1, 10))
    assert "req-10" not in tree  # the lease renewal was caused by nothing
    sub = causal_tree(flow(), "req-3")
    assert sorted(sub.nodes) == ["req-3", "req-5", "req-7", "req-8"]


def test_stable_whatever_the_input_order() -> None:
    traces = flow()
    first = to_dot(causal_graph(traces, "req-1"))
    rng = random.Random(7)
    for _ in range(3):
        rng.shuffle(traces)
        assert to_dot(causal_graph(traces, "req-1")) == first


def test_clusters_by_component_and_edge_labels() -> None:
    dot = to_dot(causal_graph(flow(), "req-1"))
    for comp in ("kubectl", "kube-controller-manager", "kube-scheduler", "kubelet/node-1",
                 "kubelet/node-2"):
        assert f"label=\"{comp}\"" in dot or f"label={comp}" in dot, comp
    assert '"req-1" -> "req-2" [label="ADDED deployments"]' in dot
    assert '"req-5" -> "req-8" [label="ADDED pods"]' in dot
    # requests of one component are kept in time order by invisible edges
    assert '"req-3" -> "req-4" [style=invis weight=10]' in dot


def test_reads_can_be_dropped_and_size_bounded() -> None:
    tree = causal_tree(flow(), "req-1", reads=False)
    assert "req-7" not in tree and "req-8" in tree
    small = causal_tree(flow(), "req-1", max_requests=4)
    assert sorted(small.nodes) == ["req-1", "req-2", "req-3", "req-4"]


def test_unknown_root() -> None:
    assert "no request with that id" in to_dot(causal_graph(flow(), "req-99"))


def test_ids_sort_numerically() -> None:
    ts = [trace(f"req-{i}", "alice", "create", "configmaps", f"c{i}", start=1.0,
                parent="req-1" if i > 1 else None) for i in (1, 9, 10, 2)]
    dot = to_dot(causal_graph(ts, "req-1"))
    order = [ln.split()[0].strip('"') for ln in dot.splitlines()
             if ln.strip().startswith('"req-') and "->" not in ln]
    assert order == ["req-1", "req-2", "req-9", "req-10"]
