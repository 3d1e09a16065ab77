"""``RequestedToCapacityRatio`` scoring, shaped like upstream's
``requested_to_capacity_ratio_test.go``: shapes are (utilization %, score 0..10), scaled by 10;
utilization is ``requested * 100 / capacity`` (integer); the node score is the rounded weighted
mean of the positive resource scores."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.plugins.helper import build_broken_linear_function
from k8s_internals.scheduler.plugins.noderesources import fit
from k8s_internals.scheduler.plugins.noderesources.requested_to_capacity_ratio import (
    requested_to_capacity_ratio_scorer,
    scaled_utilization,
)
from k8s_internals.scheduler.plugins.noderesources.resource_allocation import ResourceSpec

from ...helpers import FakeHandle, make_node, make_pod, run_score

LEAST = [{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]
MOST = [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]


@pytest.mark.parametrize(("shape", "reqs", "existing", "want"), [
    # "nothing scheduled, nothing requested" with the spreading shape:
    # utilization 0 % -> score 100 for cpu and memory -> round((100 + 100) / 2) = 100
    (LEAST, [], [], [100, 100]),
    # "nothing scheduled, resources requested, differently sized nodes" (spreading):
    # node1: cpu 3000 / 4000 = 75 % -> 100 - 75 = 25; memory 5000 / 10000 = 50 % -> 50
    #        round((25 + 50) / 2) = round(37.5) = 38 (half away from zero)
    # node2: cpu 3000 / 6000 = 50 % -> 50; memory 50 -> 50
    (LEAST, [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}], [], [38, 50]),
    # bin packing: node1: cpu 75, memory 50 -> round(62.5) = 63; node2: 50
    (MOST, [{"cpu": 1000, "memory": 2000}, {"cpu": 2000, "memory": 3000}], [], [63, 50]),
    # bin packing, nothing requested: every resource scores 0 and is left out -> weightSum 0 -> 0
    (MOST, [], [], [0, 0]),
])
def test_requested_to_capacity_ratio_scoring_strategy(shape: list, reqs: list, existing: list,
                                                      want: list[int]) -> None:
    nodes = [make_node("node1", {"cpu": 4000, "memory": 10000}),
             make_node("node2", {"cpu": 6000, "memory": 10000})]
    handle = FakeHandle(nodes)
    plugin = fit.new({"scoringStrategy": {"type": "RequestedToCapacityRatio",
                                          "requestedToCapacityRatio": {"shape": shape}}}, handle)
    assert run_score(plugin, make_pod("p", *reqs), handle) == want


def test_broken_linear_function_truncates_toward_zero() -> None:
    # shape (0, 100), (100, 0): f(33) = 100 + (0 - 100) * (33 - 0) / 100 = 100 - 33 = 67
    # Go truncates -33.0 exactly; at f(1): 100 + (-100 * 1) / 100 = 99
    f = build_broken_linear_function([(0, 100), (100, 0)])
    assert [f(0), f(1), f(33), f(100), f(150)] == [100, 99, 67, 0, 0]
    # (10, 20), (50, 80): f(0) = 20 (below the first point), f(20) = 20 + 60 * 10 / 40 = 35
    g = build_broken_linear_function([(10, 20), (50, 80)])
    assert [g(0), g(20), g(60)] == [20, 35, 80]
    # a decreasing segment needs Go's truncation: 100 + (-70 * 1) / 3 = 100 - 23 = 77
    # (Python's floor division would give 100 + (-24) = 76)
    h = build_broken_linear_function([(0, 100), (3, 30)])
    assert h(1) == 77


def test_scaled_utilization_and_scorer() -> None:
    assert scaled_utilization(1, 3) == 33
    assert scaled_utilization(0, 0) == 0 and scaled_utilization(7, 5) == 100
    scorer = requested_to_capacity_ratio_scorer(
        [ResourceSpec("cpu", 3), ResourceSpec("memory", 1)], [(0, 0), (100, 10)])
    # cpu 50 % -> 50 (x3), memory 25 % -> 25 (x1): round((150 + 25) / 4) = round(43.75) = 44
    assert scorer([2, 1], [4, 4]) == 44
