"""``NodeName``: a pod with ``spec.nodeName`` only fits that node.

Mirrors ``pkg/scheduler/framework/plugins/nodename/node_name.go``; reason
``node(s) didn't match the requested node name``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from ..framework.types import NodeInfo
from .names import NODE_NAME

__all__ = ["ERR_REASON", "NodeName", "fits", "new"]

#: ``ErrReason``
ERR_REASON = "node(s) didn't match the requested node name"


def fits(pod: Mapping[str, Any], node_info: NodeInfo) -> bool:
    """``Fits``: no ``spec.nodeName``, or it names this node."""
    want = (pod.get("spec") or {}).get("nodeName") or ""
    return not want or want == node_info.name


class NodeName:
    name = NODE_NAME

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        if not fits(pod, node_info):
            return Status(Code.UnschedulableAndUnresolvable, ERR_REASON)
        return None

    def sign_pod(self, pod: Mapping[str, Any]) -> str:
        return str((pod.get("spec") or {}).get("nodeName") or "")

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [ClusterEventWithHint(ClusterEvent(EventResource.Node, ActionType.Add),
                                     self._is_schedulable_after_node_add)]

    @staticmethod
    def _is_schedulable_after_node_add(pod: dict[str, Any], old: Any, new: Any) -> QueueingHint:
        want = (pod.get("spec") or {}).get("nodeName") or ""
        if new is None or (want and want != new["metadata"]["name"]):
            return QueueingHint.QueueSkip
        return QueueingHint.Queue


def new(args: Mapping[str, Any] | None, handle: Handle) -> NodeName:
    return NodeName()
