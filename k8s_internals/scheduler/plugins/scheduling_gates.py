"""``SchedulingGates``: the PreEnqueue plugin that keeps a pod out of activeQ while it has
``spec.schedulingGates``.

Mirrors ``pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates.go``: the status
``waiting for scheduling gates: [gate-a gate-b]`` (Go's ``%v`` of a string slice); the pod is
requeued by the ``UpdatePodSchedulingGatesEliminated`` event of the pod itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..framework.interface import (
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    EventResource,
    Handle,
    QueueingHint,
    Status,
)
from ..util import pod_key
from .names import SCHEDULING_GATES

__all__ = ["SchedulingGates", "new"]


class SchedulingGates:
    name = SCHEDULING_GATES

    def pre_enqueue(self, pod: Mapping[str, Any]) -> Status | None:
        gates = (pod.get("spec") or {}).get("schedulingGates") or []
        if not gates:
            return None
        names = " ".join(g.get("name", "") for g in gates)
        return Status(Code.UnschedulableAndUnresolvable,
                      f"waiting for scheduling gates: [{names}]")

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [ClusterEventWithHint(
            ClusterEvent(EventResource.Pod, ActionType.UpdatePodSchedulingGatesEliminated),
            self._is_schedulable_after_update)]

    @staticmethod
    def _is_schedulable_after_update(pod: dict[str, Any], old: Any, new: Any) -> QueueingHint:
        if new is None or pod_key(new) != pod_key(pod):
            return QueueingHint.QueueSkip
        return QueueingHint.Queue


def new(args: Mapping[str, Any] | None, handle: Handle) -> SchedulingGates:
    return SchedulingGates()
