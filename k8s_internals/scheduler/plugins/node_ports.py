"""``NodePorts``: a pod asking for a ``hostPort`` only fits nodes where that (ip, protocol,
port) is free.

Mirrors ``pkg/scheduler/framework/plugins/nodeports/node_ports.go``: PreFilter collects the
pod's host ports and returns ``Skip`` if there are none; Filter fails with
``node(s) didn't have free ports for the requested pod ports`` (Unschedulable: evicting the pod
holding the port would help).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..framework.cycle_state import CycleState
from ..framework.interface import (
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
from ..framework.types import HostPortInfo, NodeInfo, canonical
from ..util import get_host_ports
from .names import NODE_PORTS

__all__ = ["ERR_REASON", "NodePorts", "fits_ports", "new"]

#: ``ErrReason``
ERR_REASON = "node(s) didn't have free ports for the requested pod ports"
PRE_FILTER_STATE_KEY = "PreFilter" + NODE_PORTS


def fits_ports(want: Sequence[Mapping[str, Any]], in_use: HostPortInfo) -> bool:
    """``fitsPorts``: none of the wanted ports conflicts with the node's used ports."""
    return not any(in_use.check_conflict(p.get("hostIP", ""), p.get("protocol", ""),
                                         int(p.get("hostPort") or 0)) for p in want)


class NodePorts:
    name = NODE_PORTS

    def pre_filter(self, state: CycleState, pod: Mapping[str, Any], nodes: Sequence[NodeInfo]
                   ) -> tuple[PreFilterResult | None, Status | None]:
        ports = get_host_ports(pod)
        if not ports:
            return None, Status(Code.Skip)
        state.write(PRE_FILTER_STATE_KEY, ports)
        return None, None

    def pre_filter_extensions(self) -> None:
        return None

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        want = state.get(PRE_FILTER_STATE_KEY)
        if want is None:
            want = get_host_ports(pod)
        if not fits_ports(want, node_info.used_ports):
            return Status(Code.Unschedulable, ERR_REASON)
        return None

    def sign_pod(self, pod: Mapping[str, Any]) -> str:
        return canonical(get_host_ports(pod))

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent(EventResource.Pod, ActionType.Delete),
                                 self._is_schedulable_after_pod_deleted),
            ClusterEventWithHint(ClusterEvent(EventResource.Node, ActionType.Add)),
        ]

    @staticmethod
    def _is_schedulable_after_pod_deleted(pod: dict[str, Any], old: Any, new: Any
                                          ) -> QueueingHint:
        if old is None or not (old.get("spec") or {}).get("nodeName"):
            return QueueingHint.QueueSkip
        used = HostPortInfo()
        for p in get_host_ports(old):
            used.add(p.get("hostIP", ""), p.get("protocol", ""), int(p.get("hostPort") or 0))
        return QueueingHint.QueueSkip if fits_ports(get_host_ports(pod), used) \
            else QueueingHint.Queue


def new(args: Mapping[str, Any] | None, handle: Handle) -> NodePorts:
    return NodePorts()
