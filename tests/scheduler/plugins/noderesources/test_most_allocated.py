"""``MostAllocated`` scoring, the cases of upstream's ``most_allocated_test.go``
(``TestMostAllocatedScoringStrategy``)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.plugins.noderesources import fit
from k8s_internals.scheduler.plugins.noderesources.most_allocated import most_requested_score

from ...helpers import FakeHandle, make_node, make_pod, run_score

EXT = "intel.com/foo"
CASES = [
    # cpu 0 * 100 / 4000 = 0, memory 0 -> 0 for both
    ("nothing scheduled, nothing requested", [], None, [{"cpu": 4000, "memory": 10000}] * 2,
     [], [0, 0]),
    # Node1: cpu 3000 * 100 / 4000 = 75, memory 5000 * 100 / 10000 = 50 -> (75 + 50) / 2 = 62
    # Node2: cpu 3000 * 100 / 6000 = 50, memory 50 -> 50
    ("nothing scheduled, resources requested, differently sized nodes",
     [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}], None,
     [{"cpu": 4000, "memory": 10000}, {"cpu": 6000, "memory": 10000}], [], [62, 50]),
    # Node1: cpu 6000 * 100 / 10000 = 60, memory 0 -> (60 + 0) / 2 = 30
    # Node2: cpu 60, memory 5000 * 100 / 20000 = 25 -> (60 + 25) / 2 = 42
    ("no resources requested, pods scheduled with resources", [], None,
     [{"cpu": 10000, "memory": 20000}] * 2,
     [("node1", [{"cpu": 3000, "memory": 0}]), ("node1", [{"cpu": 3000, "memory": 0}]),
      ("node2", [{"cpu": 3000, "memory": 0}]), ("node2", [{"cpu": 3000, "memory": 5000}])],
     [30, 42]),
    # Node1: cpu 60, memory 5000 * 100 / 20000 = 25 -> 42
    # Node2: cpu 60, memory 10000 * 100 / 20000 = 50 -> 55
    ("resources requested, pods scheduled with resources",
     [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}], None,
     [{"cpu": 10000, "memory": 20000}] * 2,
     [("node1", [{"cpu": 3000, "memory": 0}]), ("node2", [{"cpu": 3000, "memory": 5000}])],
     [42, 55]),
    # Node1: cpu 5000 * 100 / 5000 = 100, memory 9000 * 100 / 10000 = 90 -> 95
    # Node2: cpu 5000 * 100 / 10000 = 50, memory 9000 * 100 / 9000 = 100 -> 75
    ("resources requested equal node capacity",
     [{"cpu": 2000, "memory": 4000}, {"cpu": 3000, "memory": 5000}], None,
     [{"cpu": 5000, "memory": 10000}, {"cpu": 10000, "memory": 9000}], [], [95, 75]),
    # Node1: (75 * 1 + 50 * 2) / (1 + 2) = 58; Node2: (50 * 1 + 50 * 2) / 3 = 50
    ("resources requested, different weights",
     [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}],
     [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}],
     [{"cpu": 4000, "memory": 10000}, {"cpu": 6000, "memory": 10000}], [], [58, 50]),
    # containers without requests count 100m / 200Mi:
    # Node1: cpu (2 * 100m + 100m) = 300m > 250m -> 100, memory 600Mi / 1000Mi = 60 -> 80
    # Node2: cpu 100m / 250m = 40, memory 200Mi / 1000Mi = 20 -> 30
    ("no resources requested, pods scheduled, nonzero request for resource", [{}], None,
     [{"cpu": "250m", "memory": "1000Mi"}] * 2, [("node1", [{}]), ("node1", [{}])], [80, 30]),
    # the extended resource is skipped when the pod does not request it: (50 + 50) / 2 = 50
    ("bypass extended resource if the pod does not request",
     [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}],
     [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": EXT, "weight": 1}],
     [{"cpu": 6000, "memory": 10000}, {"cpu": 6000, "memory": 10000, EXT: 4}], [], [50, 50]),
    # node1: extended 2 * 100 / 4 = 50 -> (50 + 50 + 50) / 3 = 50
    # node2: extended 2 * 100 / 10 = 20 -> (50 + 50 + 20) / 3 = 40
    ("honor extended resource if the pod request", [{"cpu": 3000, "memory": 5000, EXT: 2}],
     [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": EXT, "weight": 1}],
     [{"cpu": 6000, "memory": 10000, EXT: 4}, {"cpu": 6000, "memory": 10000, EXT: 10}], [],
     [50, 40]),
    # cpu 3000 * 100 / 6000 = 50, memory 4000 * 100 / 10000 = 40 -> (50 + 40) / 2 = 45 for both
    # (the pod does not request the extended resource: skipped, its weight too)
    ("if the node doesn't have a resource", [{"cpu": 3000, "memory": 4000}],
     [{"name": EXT, "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
     [{"cpu": 6000, "memory": 10000}, {"cpu": 6000, "memory": 10000, EXT: 4}], [], [45, 45]),
]


@pytest.mark.parametrize(("name", "reqs", "resources", "caps", "existing", "want"), CASES,
                         ids=[c[0] for c in CASES])
def test_most_allocated_scoring_strategy(name: str, reqs: list, resources: list | None,
                                         caps: list, existing: list, want: list[int]) -> None:
    nodes = [make_node(f"node{i + 1}", cap) for i, cap in enumerate(caps)]
    pods = [make_pod(f"e{i}", *r, node=n) for i, (n, r) in enumerate(existing)]
    handle = FakeHandle(nodes, pods)
    plugin = fit.new({"scoringStrategy": {"type": "MostAllocated", "resources": resources}},
                     handle)
    assert run_score(plugin, make_pod("p", *reqs), handle) == want


def test_most_requested_score() -> None:
    assert most_requested_score(0, 0) == 0
    assert most_requested_score(3, 4) == 75       # 3 * 100 / 4
    assert most_requested_score(5, 4) == 100      # capped at capacity
