"""``MostAllocated``: the bin-packing scoring strategy of ``NodeResourcesFit`` — favour the
fullest nodes.

Mirrors ``pkg/scheduler/framework/plugins/noderesources/most_allocated.go``::

    score(resource) = min(requested, capacity) * MaxNodeScore / capacity
    node score      = sum(score(r) * weight(r)) / sum(weight(r))

(``requested`` may exceed ``capacity`` because pods without requests count as 100m/200 MiB.)
"""

from __future__ import annotations

from collections.abc import Sequence

from ...framework.interface import MAX_NODE_SCORE
from .resource_allocation import ResourceSpec, Scorer, weighted_average_scorer

__all__ = ["most_requested_score", "most_resource_scorer"]


def most_requested_score(requested: int, capacity: int) -> int:
    """``mostRequestedScore``.

    >>> most_requested_score(3000, 4000), most_requested_score(5000, 4000)
    (75, 100)
    """
    if capacity == 0:
        return 0
    if requested > capacity:
        requested = capacity
    return (requested * MAX_NODE_SCORE) // capacity


def most_resource_scorer(resources: Sequence[ResourceSpec]) -> Scorer:
    """``mostResourceScorer``: the weighted average of :func:`most_requested_score`."""
    return weighted_average_scorer(resources, most_requested_score)
