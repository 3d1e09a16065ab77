"""``NodeAffinity``: ``spec.nodeSelector`` and ``spec.affinity.nodeAffinity``.

Mirrors ``pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go``:

- PreFilter returns ``Skip`` when the pod has neither a nodeSelector nor required node affinity
  (and no ``addedAffinity`` is configured); when every required term pins ``metadata.name`` with
  ``In``, it returns those names as a ``PreFilterResult`` (how DaemonSet pods skip the other
  nodes) or ``pod affinity terms conflict`` if the terms contradict each other;
- Filter: ``node(s) didn't match Pod's node affinity/selector`` (``ErrReasonPod``) or
  ``node(s) didn't match scheduler-enforced node affinity`` for the configured
  ``addedAffinity``, both UnschedulableAndUnresolvable;
- Score: the sum of the weights of the preferred terms the node matches, normalized by the
  maximum (``DefaultNormalizeScore(MaxNodeScore, false)``); PreScore returns ``Skip`` when the
  pod has no preferred terms.

Default weight 2. Args: ``addedAffinity`` (a ``NodeAffinity`` applied to every pod of the
profile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..corev1helpers import NodeSelector, PreferredSchedulingTerms, RequiredNodeAffinity
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
    PreFilterResult,
    QueueingHint,
    Status,
)
from ..framework.types import NodeInfo, canonical
from .helper import default_normalize_column, default_normalize_score
from .names import NODE_AFFINITY

__all__ = ["ERR_REASON_ENFORCED", "ERR_REASON_POD", "NodeAffinity", "new"]

#: ``ErrReasonPod``
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
#: ``errReasonEnforced``
ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
#: ``errReasonConflict``
ERR_REASON_CONFLICT = "pod affinity terms conflict"
PRE_FILTER_STATE_KEY = "PreFilter" + NODE_AFFINITY
PRE_SCORE_STATE_KEY = "PreScore" + NODE_AFFINITY


def _preferred(pod: Mapping[str, Any]) -> PreferredSchedulingTerms | None:
    na = ((pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {}
    terms = na.get("preferredDuringSchedulingIgnoredDuringExecution")
    return PreferredSchedulingTerms(terms) if terms is not None else None


class NodeAffinity:
    name = NODE_AFFINITY

    def __init__(self, added_affinity: Mapping[str, Any] | None = None) -> None:
        added = added_affinity or {}
        req = added.get("requiredDuringSchedulingIgnoredDuringExecution")
        self.added_node_selector = NodeSelector(req) if req is not None else None
        pref = added.get("preferredDuringSchedulingIgnoredDuringExecution")
        self.added_pref_sched_terms = PreferredSchedulingTerms(pref) if pref else None

    # -- filter -----------------------------------------------------------------------------

    def pre_filter(self, state: CycleState, pod: Mapping[str, Any], nodes: Sequence[NodeInfo]
                   ) -> tuple[PreFilterResult | None, Status | None]:
        spec = pod.get("spec") or {}
        na = (spec.get("affinity") or {}).get("nodeAffinity") or {}
        required = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        if required is None and self.added_node_selector is None \
                and spec.get("nodeSelector") is None:
            return None, Status(Code.Skip)
        state.write(PRE_FILTER_STATE_KEY, RequiredNodeAffinity(pod))
        if required is None or not required.get("nodeSelectorTerms"):
            return None, None
        node_names: set[str] | None = None
        for term in required.get("nodeSelectorTerms") or ():
            term_names: set[str] | None = None
            for r in term.get("matchFields") or ():
                if r.get("key") == "metadata.name" and r.get("operator") == "In":
                    s = set(r.get("values") or ())
                    term_names = s if term_names is None else term_names & s
            if term_names is None:
                return None, None  # this term may match any node: the terms are ORed
            node_names = term_names if node_names is None else node_names | term_names
        if node_names is not None and not node_names:
            return None, Status(Code.UnschedulableAndUnresolvable, ERR_REASON_CONFLICT)
        if node_names:
            return PreFilterResult(node_names), None
        return None, None

    def pre_filter_extensions(self) -> None:
        return None

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        node = node_info.node or {}
        if self.added_node_selector is not None and not self.added_node_selector.match(node):
            return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_ENFORCED)
        s = state.get(PRE_FILTER_STATE_KEY)
        if s is None:
            s = RequiredNodeAffinity(pod)
        if not s.match(node):
            return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_POD)
        return None

    # -- score ------------------------------------------------------------------------------

    def pre_score(self, state: CycleState, pod: Mapping[str, Any],
                  nodes: Sequence[NodeInfo]) -> Status | None:
        preferred = _preferred(pod)
        if preferred is None and self.added_pref_sched_terms is None:
            return Status(Code.Skip)
        state.write(PRE_SCORE_STATE_KEY, preferred)
        return None

    def score(self, state: CycleState, pod: Mapping[str, Any],
              node_info: NodeInfo) -> tuple[int, Status | None]:
        node = node_info.node or {}
        count = 0
        if self.added_pref_sched_terms is not None:
            count += self.added_pref_sched_terms.score(node)
        preferred = state.get(PRE_SCORE_STATE_KEY, _preferred(pod))
        if preferred is not None:
            count += preferred.score(node)
        return count, None

    def score_extensions(self) -> NodeAffinity:
        return self

    def normalize_score(self, state: CycleState, pod: Mapping[str, Any],
                        scores: list[NodeScore]) -> Status | None:
        return default_normalize_score(MAX_NODE_SCORE, False, scores)

    def normalize_column(self, state: CycleState, pod: Mapping[str, Any],
                         scores: list[int]) -> list[int]:
        return default_normalize_column(MAX_NODE_SCORE, False, scores)

    # -- batching and requeueing ------------------------------------------------------------

    def sign_pod(self, pod: Mapping[str, Any]) -> str:
        spec = pod.get("spec") or {}
        return canonical([spec.get("nodeSelector"),
                          (spec.get("affinity") or {}).get("nodeAffinity")])

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [ClusterEventWithHint(
            ClusterEvent(EventResource.Node, ActionType.Add | ActionType.UpdateNodeLabel),
            self._is_schedulable_after_node_change)]

    def _is_schedulable_after_node_change(self, pod: dict[str, Any], old: Any, new: Any
                                          ) -> QueueingHint:
        if new is None:
            return QueueingHint.QueueSkip
        if self.added_node_selector is not None and not self.added_node_selector.match(new):
            return QueueingHint.QueueSkip
        required = RequiredNodeAffinity(pod)
        if not required.match(new):
            return QueueingHint.QueueSkip
        if old is None:
            return QueueingHint.Queue
        return QueueingHint.QueueSkip if required.match(old) else QueueingHint.Queue


def new(args: Mapping[str, Any] | None, handle: Handle) -> NodeAffinity:
    """``New``: args ``{"addedAffinity": NodeAffinity}``."""
    return NodeAffinity((args or {}).get("addedAffinity"))
