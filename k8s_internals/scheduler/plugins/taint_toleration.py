"""``TaintToleration``: filter out nodes with a ``NoSchedule``/``NoExecute`` taint the pod
does not tolerate; score nodes by how many ``PreferNoSchedule`` taints the pod does not
tolerate (fewer is better: ``NormalizeScore`` reverses).

Mirrors ``pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go`` (Kubernetes
v1.33+): the filter reason is ``node(s) had untolerated taint(s)``. Releases before v1.33 named
the taint, ``node(s) had untolerated taint {node.kubernetes.io/unreachable: }``; upstream now
logs the taint at V(4) instead (the message became part of the event's dedup key). Here the
untolerated taint is kept on the returned status (``status.err`` stays ``None``; see
:func:`untolerated_taint_reason`) so explain can still show it.

Default weight 3 (``apis/config/v1/default_plugins.go``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..corev1helpers import (
    do_not_schedule_taints_filter,
    find_matching_untolerated_taint,
    tolerations_tolerate_taint,
)
from ..framework.cycle_state import CycleState
from ..framework.interface import (
    MAX_NODE_SCORE,
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    EventResource,
    Handle,
    NodeScore,
    QueueingHint,
    Status,
)
from ..framework.types import NodeInfo, canonical
from ..util import pod_key
from .helper import default_normalize_column, default_normalize_score
from .names import TAINT_TOLERATION

__all__ = ["ERR_REASON_UNTOLERATED", "TaintToleration",
           "count_intolerable_taints_prefer_no_schedule", "new", "untolerated_taint_reason"]

#: the Filter reason since v1.33
ERR_REASON_UNTOLERATED = "node(s) had untolerated taint(s)"
PRE_SCORE_STATE_KEY = "PreScore" + TAINT_TOLERATION


def untolerated_taint_reason(taint: Mapping[str, Any]) -> str:
    """The pre-v1.33 reason, naming the taint (``fmt.Sprintf("...{%s: %s}", key, value)``).

    >>> untolerated_taint_reason({"key": "node.kubernetes.io/unreachable",
    ...                           "effect": "NoExecute"})
    'node(s) had untolerated taint {node.kubernetes.io/unreachable: }'
    """
    return f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}"


class UntoleratedTaintStatus(Status):
    """The filter status, remembering which taint was not tolerated."""

    __slots__ = ("taint",)

    def __init__(self, taint: Mapping[str, Any]) -> None:
        super().__init__(Code.UnschedulableAndUnresolvable, ERR_REASON_UNTOLERATED)
        self.taint = dict(taint)


def get_all_toleration_prefer_no_schedule(tolerations: list[Any]) -> list[Any]:
    """``getAllTolerationPreferNoSchedule``: tolerations with effect PreferNoSchedule or
    none (an empty effect matches all effects)."""
    return [t for t in tolerations if not t.get("effect") or t.get("effect") == "PreferNoSchedule"]


def count_intolerable_taints_prefer_no_schedule(taints: list[Any], tolerations: list[Any]) -> int:
    """``countIntolerableTaintsPreferNoSchedule``."""
    return sum(1 for t in taints if t.get("effect") == "PreferNoSchedule"
               and not tolerations_tolerate_taint(tolerations, t))


class TaintToleration:
    name = TAINT_TOLERATION

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        node = node_info.node or {}
        taints = (node.get("spec") or {}).get("taints")
        if not taints:
            return None
        tolerations = (pod.get("spec") or {}).get("tolerations") or []
        taint = find_matching_untolerated_taint(taints, tolerations,
                                                do_not_schedule_taints_filter)
        if taint is None:
            return None
        return UntoleratedTaintStatus(taint)

    def pre_score(self, state: CycleState, pod: Mapping[str, Any],
                  nodes: list[NodeInfo]) -> Status | None:
        tolerations = (pod.get("spec") or {}).get("tolerations") or []
        state.write(PRE_SCORE_STATE_KEY, get_all_toleration_prefer_no_schedule(tolerations))
        return None

    def score(self, state: CycleState, pod: Mapping[str, Any],
              node_info: NodeInfo) -> tuple[int, Status | None]:
        try:
            tolerations = state.read(PRE_SCORE_STATE_KEY)
        except KeyError as e:
            return 0, Status(Code.Error, f'failed to read "{PRE_SCORE_STATE_KEY}" from '
                             f"cycleState: {e.args[0]}")
        taints = ((node_info.node or {}).get("spec") or {}).get("taints") or []
        if not taints:
            return 0, None
        return count_intolerable_taints_prefer_no_schedule(taints, tolerations), None

    def score_extensions(self) -> TaintToleration:
        return self

    def normalize_score(self, state: CycleState, pod: Mapping[str, Any],
                        scores: list[NodeScore]) -> Status | None:
        return default_normalize_score(MAX_NODE_SCORE, True, scores)

    def normalize_column(self, state: CycleState, pod: Mapping[str, Any],
                         scores: list[int]) -> list[int]:
        return default_normalize_column(MAX_NODE_SCORE, True, scores)

    def sign_pod(self, pod: Mapping[str, Any]) -> str:
        return canonical((pod.get("spec") or {}).get("tolerations") or [])

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(
                ClusterEvent(EventResource.Node, ActionType.Add | ActionType.UpdateNodeTaint),
                self._is_schedulable_after_node_change),
            ClusterEventWithHint(
                ClusterEvent(EventResource.Pod, ActionType.UpdatePodToleration),
                self._is_schedulable_after_pod_toleration_change),
        ]

    @staticmethod
    def _is_schedulable_after_node_change(pod: dict[str, Any], old: Any, new: Any
                                          ) -> QueueingHint:
        if new is None:
            return QueueingHint.QueueSkip
        tolerations = (pod.get("spec") or {}).get("tolerations") or []

        def untolerated(node: Mapping[str, Any]) -> bool:
            taints = (node.get("spec") or {}).get("taints") or []
            return find_matching_untolerated_taint(
                taints, tolerations, do_not_schedule_taints_filter) is not None

        was = True if old is None else untolerated(old)
        if was and not untolerated(new):
            return QueueingHint.Queue
        return QueueingHint.QueueSkip

    @staticmethod
    def _is_schedulable_after_pod_toleration_change(pod: dict[str, Any], old: Any, new: Any
                                                    ) -> QueueingHint:
        if new is not None and pod_key(new) == pod_key(pod):
            return QueueingHint.Queue
        return QueueingHint.QueueSkip


def new(args: Mapping[str, Any] | None, handle: Handle) -> TaintToleration:
    return TaintToleration()
