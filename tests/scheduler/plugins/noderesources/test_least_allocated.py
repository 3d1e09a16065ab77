"""``LeastAllocated`` scoring, the cases of upstream's ``least_allocated_test.go``
(``TestLeastAllocatedScoringStrategy``); quantities as there (``"4000"`` cpu is 4000 cores: the
ratios, hence the scores, are what the comments compute)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.plugins.noderesources import fit
from k8s_internals.scheduler.plugins.noderesources.least_allocated import least_requested_score

from ...helpers import FakeHandle, make_node, make_pod, run_score

CASES = [
    # Node1: cpu (4000 - 0) * 100 / 4000 = 100, memory (10000 - 0) * 100 / 10000 = 100 -> 100
    # Node2: same -> 100
    ("nothing scheduled, nothing requested", [], [], [{"cpu": 4000, "memory": 10000}] * 2,
     [], [100, 100]),
    # Node1: cpu (4000 - 3000) * 100 / 4000 = 25, memory (10000 - 5000) * 100 / 10000 = 50
    #        (25 + 50) / 2 = 37
    # Node2: cpu (6000 - 3000) * 100 / 6000 = 50, memory 50 -> (50 + 50) / 2 = 50
    ("nothing scheduled, resources requested, differently sized nodes",
     [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}], [],
     [{"cpu": 4000, "memory": 10000}, {"cpu": 6000, "memory": 10000}], [], [37, 50]),
    # pods without containers request nothing, even with the non-zero defaults -> 100, 100
    ("no resources requested, pods scheduled", [], [],
     [{"cpu": 4000, "memory": 10000}] * 2, [("node1", []), ("node1", []), ("node2", []),
                                            ("node2", [])], [100, 100]),
    # Node1: cpu (10000 - 6000) * 100 / 10000 = 40, memory (20000 - 0) * 100 / 20000 = 100
    #        (40 + 100) / 2 = 70
    # Node2: cpu 40, memory (20000 - 5000) * 100 / 20000 = 75 -> (40 + 75) / 2 = 57
    ("no resources requested, pods scheduled with resources", [], [],
     [{"cpu": 10000, "memory": 20000}] * 2,
     [("node1", [{"cpu": 3000, "memory": 0}]), ("node1", [{"cpu": 3000, "memory": 0}]),
      ("node2", [{"cpu": 3000, "memory": 0}]), ("node2", [{"cpu": 3000, "memory": 5000}])],
     [70, 57]),
    # Node1: cpu (10000 - 6000) * 100 / 10000 = 40, memory (20000 - 5000) * 100 / 20000 = 75
    #        (40 + 75) / 2 = 57
    # Node2: cpu 40, memory (20000 - 10000) * 100 / 20000 = 50 -> (40 + 50) / 2 = 45
    ("resources requested, pods scheduled with resources",
     [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}], [],
     [{"cpu": 10000, "memory": 20000}] * 2,
     [("node1", [{"cpu": 3000, "memory": 0}]), ("node2", [{"cpu": 3000, "memory": 5000}])],
     [57, 45]),
    # Node2 memory: (50000 - 10000) * 100 / 50000 = 80 -> (40 + 80) / 2 = 60
    ("resources requested, pods scheduled with resources, differently sized nodes",
     [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}], [],
     [{"cpu": 10000, "memory": 20000}, {"cpu": 10000, "memory": 50000}],
     [("node1", [{"cpu": 3000, "memory": 0}]), ("node2", [{"cpu": 3000, "memory": 5000}])],
     [57, 60]),
    # Node1: cpu requested 6000 > 4000 -> 0, memory 100 -> (0 + 100) / 2 = 50
    # Node2: cpu 0, memory (10000 - 5000) * 100 / 10000 = 50 -> (0 + 50) / 2 = 25
    ("requested resources exceed node capacity", [{"cpu": 3000, "memory": 0}], [],
     [{"cpu": 4000, "memory": 10000}] * 2,
     [("node1", [{"cpu": 3000, "memory": 0}]), ("node2", [{"cpu": 3000, "memory": 5000}])],
     [50, 25]),
    # nodes without capacity: every resource is skipped -> weightSum 0 -> 0
    ("zero node resources, pods scheduled with resources", [], [], [{}, {}],
     [("node1", [{"cpu": 3000, "memory": 0}]), ("node2", [{"cpu": 3000, "memory": 5000}])],
     [0, 0]),
    # Node1: cpu 25, memory 50 -> (25 * 1 + 50 * 2) / (1 + 2) = 41
    # Node2: cpu 50, memory 50 -> (50 * 1 + 50 * 2) / 3 = 50
    ("nothing scheduled, resources requested with different weight on CPU and memory",
     [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}],
     [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}],
     [{"cpu": 4000, "memory": 10000}, {"cpu": 6000, "memory": 10000}], [], [41, 50]),
]


@pytest.mark.parametrize(("name", "reqs", "resources", "caps", "existing", "want"), CASES,
                         ids=[c[0] for c in CASES])
def test_least_allocated_scoring_strategy(name: str, reqs: list, resources: list, caps: list,
                                          existing: list, want: list[int]) -> None:
    nodes = [make_node(f"node{i + 1}", cap) for i, cap in enumerate(caps)]
    pods = [make_pod(f"e{i}", *r, node=n) for i, (n, r) in enumerate(existing)]
    handle = FakeHandle(nodes, pods)
    args = {"scoringStrategy": {"type": "LeastAllocated", "resources": resources}}
    plugin = fit.new(args, handle)
    assert run_score(plugin, make_pod("p", *reqs), handle) == want


@pytest.mark.parametrize(("requested", "capacity", "want"), [
    (0, 0, 0),          # no capacity: 0
    (5, 4, 0),          # over capacity: 0
    (1, 4, 75),         # (4 - 1) * 100 / 4 = 75
    (1, 3, 66),         # (3 - 1) * 100 / 3 = 66.6 -> 66 (integer division)
])
def test_least_requested_score(requested: int, capacity: int, want: int) -> None:
    assert least_requested_score(requested, capacity) == want
