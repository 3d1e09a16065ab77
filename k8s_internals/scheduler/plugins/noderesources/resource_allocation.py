"""The shared scoring machinery of the ``noderesources`` plugins.

Mirrors ``pkg/scheduler/framework/plugins/noderesources/resource_allocation.go``:
``resourceAllocationScorer.score`` builds, for each configured resource, the node's allocatable
amount and the requested amount *including the incoming pod*, skips resources the node does not
have (allocatable 0), and hands both lists to a pure scorer function
(``scorer(requested, allocatable) -> int``).

Which "requested" it uses matters:

- ``NodeResourcesFit`` scores with ``NonZeroRequested`` (``use_requested=False``): pods that
  request no cpu/memory count as 100m / 200 MiB per container
  (``pkg/scheduler/util/non_zero.go``), so best-effort pods still spread;
- ``NodeResourcesBalancedAllocation`` uses the real ``Requested`` (``use_requested=True``).

``ResourceSpec`` is the config's ``{name, weight}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...framework.interface import Code, Status
from ...framework.types import NodeInfo
from ...util import (
    DEFAULT_MEMORY_REQUEST,
    DEFAULT_MILLI_CPU_REQUEST,
    is_scalar_resource_name,
    pod_requests,
)

__all__ = ["DEFAULT_RESOURCES", "ResourceAllocationScorer", "ResourceSpec", "resource_specs",
           "weighted_average_scorer"]


@dataclass(frozen=True)
class ResourceSpec:
    """``config.ResourceSpec``."""

    name: str
    weight: int = 1


#: ``defaultResourceSpec``: cpu and memory, weight 1 each
DEFAULT_RESOURCES = (ResourceSpec("cpu", 1), ResourceSpec("memory", 1))

Scorer = Callable[[list[int], list[int]], int]


def weighted_average_scorer(resources: Sequence[ResourceSpec],
                            score: Callable[[int, int], int]) -> Scorer:
    """The loop ``leastResourceScorer`` and ``mostResourceScorer`` share: the integer
    weighted average of ``score(requested, allocatable)`` over the resources the node has
    (allocatable 0 is left out)."""
    specs = list(resources)

    def scorer(requested: list[int], allocatable: list[int]) -> int:
        node_score = weight_sum = 0
        for i, req in enumerate(requested):
            if allocatable[i] == 0:
                continue
            weight = specs[i].weight
            node_score += score(req, allocatable[i]) * weight
            weight_sum += weight
        if weight_sum == 0:
            return 0
        return node_score // weight_sum

    return scorer


def resource_specs(raw: Sequence[Mapping[str, Any]] | None) -> list[ResourceSpec]:
    """Config dicts → specs, with upstream's defaults (empty → cpu+memory; weight 0 → 1)."""
    if not raw:
        return list(DEFAULT_RESOURCES)
    return [ResourceSpec(str(r.get("name", "")), int(r.get("weight") or 1)) for r in raw]


class ResourceAllocationScorer:
    """``resourceAllocationScorer``."""

    def __init__(self, name: str, scorer: Scorer, resources: Sequence[ResourceSpec],
                 use_requested: bool = False) -> None:
        self.name = name
        self.scorer = scorer
        self.resources = list(resources)
        self.use_requested = use_requested

    def score(self, pod: Mapping[str, Any], node_info: NodeInfo,
              pod_requests_list: Sequence[int]) -> tuple[int, Status | None]:
        """``score``: ``scorer(requested, allocatable)`` over the configured resources."""
        if not self.resources:
            return 0, Status(Code.Error, "resources not found")
        n = len(self.resources)
        requested = [0] * n
        allocatable = [0] * n
        for i, spec in enumerate(self.resources):
            alloc, req = self.calculate_resource_allocatable_request(
                node_info, spec.name, pod_requests_list[i])
            if alloc == 0:
                continue
            allocatable[i] = alloc
            requested[i] = req
        return self.scorer(requested, allocatable), None

    def calculate_resource_allocatable_request(self, node_info: NodeInfo, resource: str,
                                               pod_request: int) -> tuple[int, int]:
        """``calculateResourceAllocatableRequest``: (allocatable, requested incl. the pod);
        (0, 0) for an extended resource the pod does not request or the node lacks."""
        requested = node_info.requested if self.use_requested else node_info.non_zero_requested
        if pod_request == 0 and is_scalar_resource_name(resource):
            return 0, 0
        if resource == "cpu":
            return node_info.allocatable.milli_cpu, requested.milli_cpu + pod_request
        if resource == "memory":
            return node_info.allocatable.memory, requested.memory + pod_request
        if resource == "ephemeral-storage":
            return (node_info.allocatable.ephemeral_storage,
                    node_info.requested.ephemeral_storage + pod_request)
        alloc = node_info.allocatable.scalar_resources.get(resource)
        if alloc is not None:
            return alloc, node_info.requested.scalar_resources.get(resource, 0) + pod_request
        return 0, 0

    def calculate_pod_resource_request(self, pod: Mapping[str, Any], resource: str) -> int:
        """``calculatePodResourceRequest``: the pod's request for ``resource`` (cpu in
        millicores); with ``use_requested=False`` missing container cpu/memory requests count
        as 100m / 200 MiB."""
        non_missing = None if self.use_requested else {
            "cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST}
        return pod_requests(pod, non_missing).get(resource, 0)

    def calculate_pod_resource_request_list(self, pod: Mapping[str, Any]) -> list[int]:
        non_missing = None if self.use_requested else {
            "cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST}
        reqs = pod_requests(pod, non_missing)
        return [reqs.get(r.name, 0) for r in self.resources]

    @staticmethod
    def is_best_effort_pod(pod_requests_list: Sequence[int]) -> bool:
        return all(r == 0 for r in pod_requests_list)
