"""``RequestedToCapacityRatio``: a user-shaped scoring strategy of ``NodeResourcesFit``.

Mirrors ``pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio.go`` and
``pkg/scheduler/framework/plugins/helper/shape_score.go``:

- the shape is a list of ``(utilization %, score 0..10)`` points; scores are scaled by
  ``MaxNodeScore / MaxCustomPriorityScore`` = 100 / 10 = 10;
- per resource, ``utilization = requested * 100 / capacity`` (integer; a resource over capacity
  or with capacity 0 counts as 100 % utilized), mapped through the broken-linear function;
- ``node score = round(sum(score(r) * weight(r)) / sum(weight(r)))`` over the resources whose
  score is > 0 (Go's ``math.Round``: half away from zero).

``[(0, 10), (100, 0)]`` behaves like LeastAllocated, ``[(0, 0), (100, 10)]`` like
MostAllocated (bin packing).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...framework.interface import MAX_NODE_SCORE
from ...util import go_round
from ..helper import build_broken_linear_function
from .resource_allocation import ResourceSpec, Scorer

__all__ = ["MAX_CUSTOM_PRIORITY_SCORE", "MAX_UTILIZATION", "requested_to_capacity_ratio_scorer",
           "scaled_utilization"]

#: ``maxUtilization``
MAX_UTILIZATION = 100
#: ``config.MaxCustomPriorityScore``
MAX_CUSTOM_PRIORITY_SCORE = 10


def scaled_utilization(requested: int, capacity: int, maximum: int = MAX_UTILIZATION) -> int:
    """``scaledUtilization``: ``requested * max / capacity`` with requested clamped to
    ``[0, capacity]``.

    >>> scaled_utilization(1, 3), scaled_utilization(5, 4)
    (33, 100)
    """
    if capacity <= 0 or requested <= 0:
        return 0
    if requested >= capacity:
        return maximum
    return (requested * maximum) // capacity


def requested_to_capacity_ratio_scorer(resources: Sequence[ResourceSpec],
                                       shape: Sequence[tuple[int, int]]) -> Scorer:
    """``requestedToCapacityRatioScorer``: ``shape`` as ``(utilization, score 0..10)``."""
    specs = list(resources)
    scaled = [(u, s * (MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE)) for u, s in shape]
    raw = build_broken_linear_function(scaled)

    def resource_score(requested: int, capacity: int) -> int:
        if capacity == 0 or requested > capacity:
            return raw(MAX_UTILIZATION)
        return raw(scaled_utilization(requested, capacity))

    def scorer(requested: list[int], allocatable: list[int]) -> int:
        node_score = weight_sum = 0
        for i, req in enumerate(requested):
            if allocatable[i] == 0:
                continue
            weight = specs[i].weight
            s = resource_score(req, allocatable[i])
            if s > 0:
                node_score += s * weight
                weight_sum += weight
        if weight_sum == 0:
            return 0
        return go_round(node_score / weight_sum)

    return scorer
