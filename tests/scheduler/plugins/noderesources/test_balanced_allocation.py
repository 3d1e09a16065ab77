"""``NodeResourcesBalancedAllocation``, the cases of upstream's
``balanced_allocation_test.go`` (``TestNodeResourcesBalancedAllocation``)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.framework.interface import Code, Status
from k8s_internals.scheduler.plugins.noderesources import balanced_allocation

from ...helpers import FakeHandle, make_pod, milli_node, run_score

CPU_AND_MEMORY = [{"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000"}]
CPU_ONLY = [{"cpu": "1000m", "memory": "0"}, {"cpu": "2000m", "memory": "0"}]
GPU = "nvidia.com/gpu"
CPU_AND_MEMORY_AND_GPU = [{"cpu": "1000m", "memory": "2000"},
                          {"cpu": "2000m", "memory": "3000", GPU: "3"}]
DEFAULT = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
WITH_GPU = [*DEFAULT, {"name": GPU, "weight": 1}]

CASES = [
    # Node1: cpu 3000 / 4000 = 0.75, memory 5000 / 10000 = 0.5, std (0.75 - 0.5) / 2 = 0.125
    #        (1 - 0.125) * 100 = 87
    # Node2: cpu 3000 / 6000 = 0.5, memory 0.5, std 0 -> 100
    ("nothing scheduled, resources requested, differently sized nodes", CPU_AND_MEMORY, DEFAULT,
     [(4000, 10000, None), (6000, 10000, None)], [], [87, 100], True),
    # Node1: cpu 6000 / 10000 = 0.6, memory 5000 / 20000 = 0.25, std 0.175 -> 82
    # Node2: cpu 0.6, memory 10000 / 20000 = 0.5, std 0.05 -> 95
    ("resources requested, pods scheduled with resources", CPU_AND_MEMORY, DEFAULT,
     [(10000, 20000, None), (10000, 20000, None)],
     [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)], [82, 95], True),
    # Node2: memory 10000 / 50000 = 0.2, std (0.6 - 0.2) / 2 = 0.2 -> 80
    ("resources requested, pods scheduled with resources, differently sized nodes",
     CPU_AND_MEMORY, DEFAULT, [(10000, 20000, None), (10000, 50000, None)],
     [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)], [82, 80], True),
    # Node1: cpu 6000 / 6000 = 1, memory 0, std 0.5 -> 50
    # Node2: cpu 1, memory 5000 / 10000 = 0.5, std 0.25 -> 75
    ("requested resources at node capacity", CPU_ONLY, DEFAULT,
     [(6000, 10000, None), (6000, 10000, None)],
     [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)], [50, 75], True),
    # Node1: cpu 3000 / 3500 = 0.8571, memory 5000 / 40000 = 0.125, gpu (3 + 1) / 8 = 0.5
    #        mean 0.4940, std sqrt(((0.8571-0.4940)^2 + (0.125-0.4940)^2 + (0.5-0.4940)^2) / 3)
    #        = 0.2989 -> (1 - 0.2989) * 100 = 70
    # Node2: cpu 0.8571, memory 0.125, gpu 1 / 8 = 0.125: mean 0.3690, std 0.3451 -> 65
    ("include scalar resource on a node for balanced resource allocation",
     [{"memory": "0", GPU: "1"}], WITH_GPU, [(3500, 40000, {GPU: 8}), (3500, 40000, {GPU: 8})],
     [("node2", CPU_AND_MEMORY), ("node1", CPU_AND_MEMORY_AND_GPU)], [70, 65], True),
    # the pod does not request the gpu: the resource is skipped; both nodes:
    # cpu 3000 / 3500 = 0.857, memory 5000 / 40000 = 0.125, std 0.366 -> 63
    ("node without the scalar resource should skip the scalar resource", CPU_AND_MEMORY,
     WITH_GPU, [(3500, 40000, {GPU: 8}), (3500, 40000, None)], [], [63, 63], True),
    ("resources requested, pods scheduled with resources if PreScore not called",
     CPU_AND_MEMORY, DEFAULT, [(10000, 20000, None), (10000, 20000, None)],
     [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)], [82, 95], False),
]


@pytest.mark.parametrize(("name", "reqs", "resources", "nodes", "existing", "want", "pre"),
                         CASES, ids=[c[0] for c in CASES])
def test_node_resources_balanced_allocation(name: str, reqs: list, resources: list,
                                            nodes: list, existing: list, want: list[int],
                                            pre: bool) -> None:
    node_objs = [milli_node(f"node{i + 1}", c, m, s) for i, (c, m, s) in enumerate(nodes)]
    pods = [make_pod(f"e{i}", *r, node=n) for i, (n, r) in enumerate(existing)]
    handle = FakeHandle(node_objs, pods)
    plugin = balanced_allocation.new({"resources": resources}, handle)
    assert run_score(plugin, make_pod("p", *reqs), handle, pre_score=pre) == want


def test_best_effort_pods_skip_in_pre_score() -> None:
    handle = FakeHandle([milli_node("node1", 4000, 10000), milli_node("node2", 4000, 10000)])
    plugin = balanced_allocation.new(None, handle)
    got = run_score(plugin, make_pod("p"), handle)
    assert isinstance(got, Status) and got.code == Code.Skip
