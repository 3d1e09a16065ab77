"""``NodeUnschedulable``: filter out nodes with ``spec.unschedulable: true`` (cordoned),
unless the pod tolerates the ``node.kubernetes.io/unschedulable:NoSchedule`` taint.

Mirrors ``pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go``; reason
``node(s) were unschedulable`` (UnschedulableAndUnresolvable: preemption cannot help).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..corev1helpers import tolerations_tolerate_taint
from ..framework.cycle_state import CycleState
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
from ..framework.types import NodeInfo, canonical
from .names import NODE_UNSCHEDULABLE

__all__ = ["ERR_REASON_UNSCHEDULABLE", "NodeUnschedulable", "new"]

#: ``ErrReasonUnschedulable``
ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
#: ``v1.TaintNodeUnschedulable``
TAINT_NODE_UNSCHEDULABLE = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


class NodeUnschedulable:
    name = NODE_UNSCHEDULABLE

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        node = node_info.node or {}
        if not (node.get("spec") or {}).get("unschedulable"):
            return None
        tolerations = (pod.get("spec") or {}).get("tolerations") or []
        if tolerations_tolerate_taint(tolerations, TAINT_NODE_UNSCHEDULABLE):
            return None
        return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_UNSCHEDULABLE)

    def sign_pod(self, pod: Mapping[str, Any]) -> str:
        return canonical((pod.get("spec") or {}).get("tolerations") or [])

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [ClusterEventWithHint(
            ClusterEvent(EventResource.Node, ActionType.Add | ActionType.UpdateNodeTaint),
            self._is_schedulable_after_node_change),
            ClusterEventWithHint(ClusterEvent(EventResource.Pod,
                                              ActionType.UpdatePodToleration))]

    @staticmethod
    def _is_schedulable_after_node_change(pod: dict[str, Any], old: Any,
                                          new: Any) -> QueueingHint:
        if new is None:
            return QueueingHint.QueueSkip
        was = old is not None and bool((old.get("spec") or {}).get("unschedulable"))
        now = bool((new.get("spec") or {}).get("unschedulable"))
        if not now and (old is None or was):
            return QueueingHint.Queue
        return QueueingHint.QueueSkip


def new(args: Mapping[str, Any] | None, handle: Handle) -> NodeUnschedulable:
    return NodeUnschedulable()
