"""``LeastAllocated``: the default scoring strategy of ``NodeResourcesFit`` — favour nodes with
the most free resources (spreading).

Mirrors ``pkg/scheduler/framework/plugins/noderesources/least_allocated.go``::

    score(resource) = (capacity - requested) * MaxNodeScore / capacity     (0 if over capacity)
    node score      = sum(score(r) * weight(r)) / sum(weight(r))

all in integer arithmetic; resources the node does not have (capacity 0) are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...framework.interface import MAX_NODE_SCORE
from .resource_allocation import ResourceSpec, Scorer, weighted_average_scorer

__all__ = ["least_requested_score", "least_resource_scorer"]


def least_requested_score(requested: int, capacity: int) -> int:
    """``leastRequestedScore``.

    >>> least_requested_score(3000, 4000), least_requested_score(5000, 4000)
    (25, 0)
    """
    if capacity == 0:
        return 0
    if requested > capacity:
        return 0
    return ((capacity - requested) * MAX_NODE_SCORE) // capacity


def least_resource_scorer(resources: Sequence[ResourceSpec]) -> Scorer:
    """``leastResourceScorer``: the weighted average of :func:`least_requested_score`."""
    return weighted_average_scorer(resources, least_requested_score)
