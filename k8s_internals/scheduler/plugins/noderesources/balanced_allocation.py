"""``NodeResourcesBalancedAllocation``: favour nodes whose resource usage stays balanced
across resources (cpu and memory by default) once the pod is placed.

Mirrors ``pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go``::

    fraction(r) = min(requested(r) / allocatable(r), 1)        (float64; requested incl. the pod)
    std         = |f1 - f2| / 2                                 for two resources
                = sqrt(sum((f - mean)^2) / n)                   for more than two
    score       = int64((1 - std) * MaxNodeScore)               (truncated)

It uses the *real* requests (``useRequested``), and PreScore returns ``Skip`` for best-effort
pods (all requests zero), so they are not all packed onto the emptiest node
(kubernetes/kubernetes#129138). The float arithmetic is IEEE double as in Go.

Default weight 1; args ``resources`` (default cpu and memory, weight 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ...framework.cycle_state import CycleState
from ...framework.interface import MAX_NODE_SCORE, Code, Handle, Status
from ...framework.types import NodeInfo, canonical
from ...util import pod_requests
from ..names import NODE_RESOURCES_BALANCED_ALLOCATION
from .resource_allocation import ResourceAllocationScorer, ResourceSpec, resource_specs

__all__ = ["BalancedAllocation", "balanced_resource_scorer", "new"]

PRE_SCORE_STATE_KEY = "PreScore" + NODE_RESOURCES_BALANCED_ALLOCATION


def balanced_resource_scorer(requested: list[int], allocatable: list[int]) -> int:
    """``balancedResourceScorer``.

    >>> balanced_resource_scorer([3000, 5000], [10000, 20000])   # |0.3 - 0.25| / 2 = 0.025
    97
    """
    fractions: list[float] = []
    total = 0.0
    for req, alloc in zip(requested, allocatable, strict=True):
        if alloc == 0:
            continue
        f = req / alloc
        if f > 1:
            f = 1.0
        total += f
        fractions.append(f)
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = total / len(fractions)
        s = 0.0
        for f in fractions:
            s = s + (f - mean) * (f - mean)
        std = math.sqrt(s / len(fractions))
    return int((1 - std) * float(MAX_NODE_SCORE))


class BalancedAllocation(ResourceAllocationScorer):
    """The plugin (a ``resourceAllocationScorer`` with ``useRequested: true``)."""

    def __init__(self, resources: Sequence[ResourceSpec]) -> None:
        super().__init__(NODE_RESOURCES_BALANCED_ALLOCATION, balanced_resource_scorer,
                         resources, use_requested=True)

    def pre_score(self, state: CycleState, pod: Mapping[str, Any],
                  nodes: Sequence[NodeInfo]) -> Status | None:
        reqs = self.calculate_pod_resource_request_list(pod)
        if self.is_best_effort_pod(reqs):
            return Status(Code.Skip)
        state.write(PRE_SCORE_STATE_KEY, reqs)
        return None

    def score(self, state: CycleState, pod: Mapping[str, Any],  # type: ignore[override]
              node_info: NodeInfo) -> tuple[int, Status | None]:
        reqs = state.get(PRE_SCORE_STATE_KEY)
        if reqs is None:
            reqs = self.calculate_pod_resource_request_list(pod)
            if self.is_best_effort_pod(reqs):
                return 0, None
        return super().score(pod, node_info, reqs)

    def score_extensions(self) -> None:
        return None

    def sign_pod(self, pod: Mapping[str, Any]) -> str:
        return canonical(sorted(pod_requests(pod).items()))


def new(args: Mapping[str, Any] | None, handle: Handle) -> BalancedAllocation:
    """``NewBalancedAllocation``: args ``{"resources": [{"name", "weight"}]}``."""
    return BalancedAllocation(resource_specs((args or {}).get("resources")))
