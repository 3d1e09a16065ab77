"""``NodeResourcesFit``: does the node have room for the pod's requests (Filter), and how
good is the fit (Score, with a configurable strategy).

Mirrors ``pkg/scheduler/framework/plugins/noderesources/fit.go``:

- PreFilter computes the pod's requests (``computePodResourceRequest``: containers summed, init
  containers maxed, overhead added);
- Filter (``fitsRequest``) collects *every* insufficient resource, in upstream's order:
  ``Too many pods``, ``Insufficient cpu``, ``Insufficient memory``,
  ``Insufficient ephemeral-storage``, then ``Insufficient <extended resource>`` (sorted here;
  upstream iterates a Go map). The status is ``Unschedulable`` unless the request exceeds the
  node's whole allocatable (``UnschedulableAndUnresolvable``: preemption cannot help);
  ``ignoredResources`` / ``ignoredResourceGroups`` skip extended resources;
- Score delegates to the scoring strategy (``LeastAllocated`` by default, ``MostAllocated``,
  ``RequestedToCapacityRatio``) over ``NonZeroRequested`` (see
  :mod:`.resource_allocation`).

Default weight 1. Args (``NodeResourcesFitArgs``): ``ignoredResources``,
``ignoredResourceGroups``, ``scoringStrategy: {type, resources, requestedToCapacityRatio:
{shape}}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...framework.cycle_state import CycleState
from ...framework.interface import (
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    EventResource,
    Handle,
    PreFilterResult,
    QueueingHint,
    Status,
)
from ...framework.types import NodeInfo, Resource, canonical
from ...util import is_extended_resource_name, pod_requests
from ..names import NODE_RESOURCES_FIT
from .least_allocated import least_resource_scorer
from .most_allocated import most_resource_scorer
from .requested_to_capacity_ratio import requested_to_capacity_ratio_scorer
from .resource_allocation import ResourceAllocationScorer, resource_specs

__all__ = ["LEAST_ALLOCATED", "MOST_ALLOCATED", "REQUESTED_TO_CAPACITY_RATIO", "Fit",
           "InsufficientResource", "compute_pod_resource_request", "fits_request", "new"]

LEAST_ALLOCATED = "LeastAllocated"
MOST_ALLOCATED = "MostAllocated"
REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio"
SUPPORTED_STRATEGIES = (LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO)

PRE_FILTER_STATE_KEY = "PreFilter" + NODE_RESOURCES_FIT
PRE_SCORE_STATE_KEY = "PreScore" + NODE_RESOURCES_FIT


@dataclass(frozen=True)
class InsufficientResource:
    """``InsufficientResource``."""

    resource_name: str
    reason: str
    requested: int
    used: int
    capacity: int
    unresolvable: bool = False


def compute_pod_resource_request(pod: Mapping[str, Any]) -> Resource:
    """``computePodResourceRequest``: the pod's requests as a :class:`Resource`."""
    result = Resource()
    result.set_max_resource(pod_requests(pod))
    return result


def fits_request(pod_request: Resource, node_info: NodeInfo,
                 ignored_extended: frozenset[str] = frozenset(),
                 ignored_groups: frozenset[str] = frozenset()) -> list[InsufficientResource]:
    """``fitsRequest``: every resource the node lacks for the pod."""
    out: list[InsufficientResource] = []
    alloc = node_info.allocatable
    used = node_info.requested
    allowed = alloc.allowed_pod_number
    if len(node_info.pods) + 1 > allowed:
        out.append(InsufficientResource("pods", "Too many pods", 1, len(node_info.pods), allowed))
    if (pod_request.milli_cpu == 0 and pod_request.memory == 0
            and pod_request.ephemeral_storage == 0 and not pod_request.scalar_resources):
        return out
    if pod_request.milli_cpu > 0 and pod_request.milli_cpu > alloc.milli_cpu - used.milli_cpu:
        out.append(InsufficientResource("cpu", "Insufficient cpu", pod_request.milli_cpu,
                                        used.milli_cpu, alloc.milli_cpu,
                                        pod_request.milli_cpu > alloc.milli_cpu))
    if pod_request.memory > 0 and pod_request.memory > alloc.memory - used.memory:
        out.append(InsufficientResource("memory", "Insufficient memory", pod_request.memory,
                                        used.memory, alloc.memory,
                                        pod_request.memory > alloc.memory))
    if pod_request.ephemeral_storage > 0 and \
            pod_request.ephemeral_storage > alloc.ephemeral_storage - used.ephemeral_storage:
        out.append(InsufficientResource(
            "ephemeral-storage", "Insufficient ephemeral-storage", pod_request.ephemeral_storage,
            used.ephemeral_storage, alloc.ephemeral_storage,
            pod_request.ephemeral_storage > alloc.ephemeral_storage))
    for name in sorted(pod_request.scalar_resources):
        quant = pod_request.scalar_resources[name]
        if quant == 0:
            continue
        if is_extended_resource_name(name) and (
                name in ignored_extended or name.split("/")[0] in ignored_groups):
            continue
        cap = alloc.scalar_resources.get(name, 0)
        use = used.scalar_resources.get(name, 0)
        if quant > cap - use:
            out.append(InsufficientResource(name, f"Insufficient {name}", quant, use, cap,
                                            quant > cap))
    return out


class Fit(ResourceAllocationScorer):
    """The plugin."""

    def __init__(self, strategy: str = LEAST_ALLOCATED,
                 resources: Sequence[Mapping[str, Any]] | None = None,
                 shape: Sequence[tuple[int, int]] = (),
                 ignored_resources: Sequence[str] = (),
                 ignored_resource_groups: Sequence[str] = ()) -> None:
        specs = resource_specs(resources)
        if strategy == LEAST_ALLOCATED:
            scorer = least_resource_scorer(specs)
        elif strategy == MOST_ALLOCATED:
            scorer = most_resource_scorer(specs)
        elif strategy == REQUESTED_TO_CAPACITY_RATIO:
            scorer = requested_to_capacity_ratio_scorer(specs, shape)
        else:
            raise ValueError(f"scoring strategy {strategy} is not supported")
        super().__init__(NODE_RESOURCES_FIT, scorer, specs, use_requested=False)
        self.strategy = strategy
        self.ignored_resources = frozenset(ignored_resources)
        self.ignored_resource_groups = frozenset(ignored_resource_groups)

    # -- filter -----------------------------------------------------------------------------

    def pre_filter(self, state: CycleState, pod: Mapping[str, Any], nodes: Sequence[NodeInfo]
                   ) -> tuple[PreFilterResult | None, Status | None]:
        state.write(PRE_FILTER_STATE_KEY, compute_pod_resource_request(pod))
        return None, None

    def pre_filter_extensions(self) -> None:
        return None

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        try:
            req = state.read(PRE_FILTER_STATE_KEY)
        except KeyError as e:
            return Status(Code.Error, f'error reading "{PRE_FILTER_STATE_KEY}" from '
                          f"cycleState: {e.args[0]}")
        insufficient = fits_request(req, node_info, self.ignored_resources,
                                    self.ignored_resource_groups)
        if not insufficient:
            return None
        code = Code.UnschedulableAndUnresolvable if any(r.unresolvable for r in insufficient) \
            else Code.Unschedulable
        return Status(code, *(r.reason for r in insufficient))

    # -- score ------------------------------------------------------------------------------

    def pre_score(self, state: CycleState, pod: Mapping[str, Any],
                  nodes: Sequence[NodeInfo]) -> Status | None:
        state.write(PRE_SCORE_STATE_KEY, self.calculate_pod_resource_request_list(pod))
        return None

    def score(self, state: CycleState, pod: Mapping[str, Any],  # type: ignore[override]
              node_info: NodeInfo) -> tuple[int, Status | None]:
        reqs = state.get(PRE_SCORE_STATE_KEY)
        if reqs is None:
            reqs = self.calculate_pod_resource_request_list(pod)
        return super().score(pod, node_info, reqs)

    def score_extensions(self) -> None:
        return None

    # -- batching and requeueing ------------------------------------------------------------

    def sign_pod(self, pod: Mapping[str, Any]) -> str:
        spec = pod.get("spec") or {}
        containers = [c.get("resources") for c in (spec.get("containers") or ())]
        inits = [(c.get("resources"), c.get("restartPolicy"))
                 for c in (spec.get("initContainers") or ())]
        return canonical([containers, inits, spec.get("overhead"), spec.get("resources")])

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent(EventResource.Pod, ActionType.Delete),
                                 self._is_schedulable_after_pod_event),
            ClusterEventWithHint(
                ClusterEvent(EventResource.Node,
                             ActionType.Add | ActionType.UpdateNodeAllocatable),
                self._is_schedulable_after_node_change),
        ]

    @staticmethod
    def _is_schedulable_after_pod_event(pod: dict[str, Any], old: Any, new: Any
                                        ) -> QueueingHint:
        if new is None and old is not None:
            status = old.get("status") or {}
            if not (old.get("spec") or {}).get("nodeName") and not status.get(
                    "nominatedNodeName"):
                return QueueingHint.QueueSkip
            return QueueingHint.Queue
        return QueueingHint.QueueSkip

    def _is_schedulable_after_node_change(self, pod: dict[str, Any], old: Any, new: Any
                                          ) -> QueueingHint:
        if new is None:
            return QueueingHint.QueueSkip
        req = compute_pod_resource_request(pod)
        if fits_request(req, NodeInfo(new)):
            return QueueingHint.QueueSkip
        if old is None:
            return QueueingHint.Queue
        before, after = NodeInfo(old).allocatable, NodeInfo(new).allocatable
        if after.allowed_pod_number > before.allowed_pod_number or (
                req.milli_cpu > 0 and after.milli_cpu > before.milli_cpu) or (
                req.memory > 0 and after.memory > before.memory) or (
                req.ephemeral_storage > 0 and after.ephemeral_storage > before.ephemeral_storage
                ) or any(v and after.scalar_resources.get(k, 0) > before.scalar_resources.get(k, 0)
                         for k, v in req.scalar_resources.items()):
            return QueueingHint.Queue
        return QueueingHint.QueueSkip


def new(args: Mapping[str, Any] | None, handle: Handle) -> Fit:
    """``NewFit`` from ``NodeResourcesFitArgs`` (defaults: LeastAllocated over cpu and
    memory with weight 1)."""
    args = args or {}
    strategy = args.get("scoringStrategy") or {}
    shape = [(int(p.get("utilization", 0)), int(p.get("score", 0)))
             for p in (strategy.get("requestedToCapacityRatio") or {}).get("shape") or ()]
    return Fit(strategy.get("type") or LEAST_ALLOCATED, strategy.get("resources"), shape,
               args.get("ignoredResources") or (), args.get("ignoredResourceGroups") or ())
