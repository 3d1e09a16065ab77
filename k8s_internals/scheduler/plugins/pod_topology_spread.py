"""``PodTopologySpread``: spread matching pods evenly across topology domains.

Mirrors ``pkg/scheduler/framework/plugins/podtopologyspread/`` (``common.go``,
``filtering.go``, ``scoring.go``, ``plugin.go``):

- Filter, for each ``whenUnsatisfiable: DoNotSchedule`` constraint: a node without the
  topology label fails ``node(s) didn't match pod topology spread constraints (missing required
  label)`` (UnschedulableAndUnresolvable); otherwise ``matchNum + selfMatch - minMatchNum``
  must not exceed ``maxSkew``, else ``node(s) didn't match pod topology spread constraints``
  (Unschedulable). ``minMatchNum`` is the smallest count over the eligible domains, or 0 when
  there are fewer domains than ``minDomains``. Node inclusion policies: ``nodeAffinityPolicy``
  (default Honor: only nodes matching the pod's nodeSelector/affinity count) and
  ``nodeTaintsPolicy`` (default Ignore).
- Score, for ``ScheduleAnyway`` constraints (or, for pods without constraints, the *system
  default constraints* — hostname maxSkew 3 and zone maxSkew 5 — with the selector of the pod's
  Services/ReplicaSets/StatefulSets/ReplicationControllers): a node's raw score is
  ``round(sum(count * log(domains + 2) + (maxSkew - 1)))`` and NormalizeScore maps it to
  ``MaxNodeScore * (max + min - score) / max`` (fewer matching pods → higher score).

PreFilter/PreScore return ``Skip`` when the pod has no applicable constraints (a bare pod with
no Service has none). Default weight 2. Args: ``defaultConstraints``, ``defaultingType``
(``System`` | ``List``).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...api.selectors import EQUALS, Selector, label_selector_as_selector, new_requirement
from ..corev1helpers import (
    RequiredNodeAffinity,
    do_not_schedule_taints_filter,
    find_matching_untolerated_taint,
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
    Lister,
    NodeInfoLister,
    NodeScore,
    PreFilterResult,
    Status,
)
from ..framework.types import NodeInfo, PodInfo
from ..util import go_round
from .helper import default_selector
from .names import POD_TOPOLOGY_SPREAD

__all__ = ["ERR_REASON_CONSTRAINTS_NOT_MATCH", "ERR_REASON_NODE_LABEL_NOT_MATCH",
           "SYSTEM_DEFAULT_CONSTRAINTS", "PodTopologySpread", "new", "score_for_count",
           "topology_normalizing_weight"]

ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"
PRE_FILTER_STATE_KEY = "PreFilter" + POD_TOPOLOGY_SPREAD
PRE_SCORE_STATE_KEY = "PreScore" + POD_TOPOLOGY_SPREAD
LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_ZONE = "topology.kubernetes.io/zone"

#: ``systemDefaultConstraints``
SYSTEM_DEFAULT_CONSTRAINTS: tuple[dict[str, Any], ...] = (
    {"topologyKey": LABEL_HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {"topologyKey": LABEL_ZONE, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 5},
)
_INVALID_SCORE = -1


@dataclass
class Constraint:
    """``topologySpreadConstraint``."""

    max_skew: int
    topology_key: str
    selector: Selector
    min_domains: int = 1
    node_affinity_policy: str = "Honor"
    node_taints_policy: str = "Ignore"

    def match_node_inclusion_policies(self, pod: Mapping[str, Any], node: Mapping[str, Any],
                                      required: RequiredNodeAffinity) -> bool:
        """``matchNodeInclusionPolicies``."""
        if self.node_affinity_policy == "Honor" and not required.match(node):
            return False
        if self.node_taints_policy == "Honor":
            taints = (node.get("spec") or {}).get("taints") or []
            tolerations = (pod.get("spec") or {}).get("tolerations") or []
            if find_matching_untolerated_taint(taints, tolerations,
                                               do_not_schedule_taints_filter) is not None:
                return False
        return True


def node_labels_match_spread_constraints(labels: Mapping[str, str],
                                         constraints: Sequence[Constraint]) -> bool:
    return all(c.topology_key in labels for c in constraints)


def count_pods_match_selector(pods: Sequence[PodInfo], selector: Selector, ns: str) -> int:
    """``countPodsMatchSelector``: non-terminating pods of namespace ``ns`` matching."""
    n = 0
    for pi in pods:
        meta = pi.pod.get("metadata") or {}
        if meta.get("deletionTimestamp") or meta.get("namespace", "") != ns:
            continue
        if selector.matches(meta.get("labels") or {}):
            n += 1
    return n


def topology_normalizing_weight(size: int) -> float:
    """``topologyNormalizingWeight``: ``log(size + 2)``."""
    return math.log(float(size + 2))


def score_for_count(cnt: int, max_skew: int, tp_weight: float) -> float:
    """``scoreForCount``: ``cnt * weight + (maxSkew - 1)``."""
    return float(cnt) * tp_weight + float(max_skew - 1)


class _PreFilterState:
    def __init__(self, constraints: list[Constraint]) -> None:
        self.constraints = constraints
        self.tp_value_to_match_num: list[dict[str, int]] = [{} for _ in constraints]
        self._min: list[int | None] = [None] * len(constraints)

    def clone(self) -> _PreFilterState:
        c = _PreFilterState(self.constraints)
        c.tp_value_to_match_num = [dict(m) for m in self.tp_value_to_match_num]
        c._min = list(self._min)
        return c

    def min_match_num(self, i: int) -> int:
        """``minMatchNum``: the global minimum (0 below ``minDomains`` domains)."""
        counts = self.tp_value_to_match_num[i]
        if len(counts) < self.constraints[i].min_domains:
            return 0
        m = self._min[i]
        if m is None:
            m = self._min[i] = min(counts.values(), default=2**31 - 1)
        return m

    def bump(self, i: int, value: str, delta: int) -> None:
        counts = self.tp_value_to_match_num[i]
        counts[value] = counts.get(value, 0) + delta
        self._min[i] = None


class _PreScoreState:
    def __init__(self, constraints: list[Constraint]) -> None:
        self.constraints = constraints
        self.ignored_nodes: set[str] = set()
        self.topology_value_to_pod_counts: list[dict[str, int]] = [{} for _ in constraints]
        self.topology_normalizing_weight: list[float] = []

    def clone(self) -> _PreScoreState:
        return self


class PodTopologySpread:
    name = POD_TOPOLOGY_SPREAD

    def __init__(self, snapshot: NodeInfoLister,
                 default_constraints: Sequence[Mapping[str, Any]] = SYSTEM_DEFAULT_CONSTRAINTS,
                 system_defaulted: bool = True, services: Lister | None = None,
                 get: Any = None) -> None:
        self.snapshot = snapshot
        self.default_constraints = list(default_constraints)
        self.system_defaulted = system_defaulted
        self.services = services
        self._get = get
        #: what the memo of the filtered default constraints was made from (see
        #: _default_templates), and the memo: action -> constraints (selectors to be replaced)
        self._defaults_seen: list[Any] | None = None
        self._defaults_by_action: dict[str, list[Constraint]] | None = None

    # -- constraints ------------------------------------------------------------------------

    @staticmethod
    def filter_topology_spread_constraints(constraints: Sequence[Mapping[str, Any]],
                                           pod_labels: Mapping[str, str], action: str
                                           ) -> list[Constraint]:
        """``filterTopologySpreadConstraints``."""
        out: list[Constraint] = []
        for c in constraints:
            if c.get("whenUnsatisfiable") != action:
                continue
            selector = label_selector_as_selector(c.get("labelSelector"))
            match_labels = {k: pod_labels[k] for k in c.get("matchLabelKeys") or ()
                            if k in pod_labels}
            if match_labels and not selector.matches_nothing:
                selector = selector.add(*(new_requirement(k, EQUALS, [v])
                                          for k, v in sorted(match_labels.items())))
            out.append(Constraint(
                int(c.get("maxSkew") or 0), c.get("topologyKey", ""), selector,
                int(c.get("minDomains") or 1),
                c.get("nodeAffinityPolicy") or "Honor", c.get("nodeTaintsPolicy") or "Ignore"))
        return out

    def build_default_constraints(self, pod: Mapping[str, Any], action: str) -> list[Constraint]:
        """``buildDefaultConstraints``: the default constraints with the pod's default
        selector, or none if that selector is empty."""
        templates = self._default_templates(action)
        if templates is None:
            constraints = self.filter_topology_spread_constraints(
                self.default_constraints, (pod.get("metadata") or {}).get("labels") or {},
                action)
        elif not templates:
            return []
        else:
            constraints = templates
        if not constraints:
            return []
        services = self.services.list() if self.services is not None else []
        selector = default_selector(pod, services, self._lookup)
        if selector.empty:
            return []
        if templates is not None:  # fresh constraints (callers own them)
            return [Constraint(c.max_skew, c.topology_key, selector, c.min_domains,
                               c.node_affinity_policy, c.node_taints_policy)
                    for c in templates]
        for c in constraints:
            c.selector = selector
        return constraints

    def _default_templates(self, action: str) -> list[Constraint] | None:
        """The default constraints filtered for ``action`` (their selectors are replaced by
        the pod's default selector), memoised per action: without ``matchLabelKeys`` they do
        not depend on the pod (PreFilter and PreScore each ask, for every pod). None when some
        default constraint has ``matchLabelKeys`` (the reference computation runs). The memo
        follows the content of :attr:`default_constraints`."""
        src = self.default_constraints
        if self._defaults_seen is None or self._defaults_seen != src:
            self._defaults_seen = copy.deepcopy(src)
            self._defaults_by_action = None if any(
                isinstance(c, Mapping) and c.get("matchLabelKeys") for c in src) else {}
        by_action = self._defaults_by_action
        if by_action is None:
            return None
        templates = by_action.get(action)
        if templates is None:
            templates = by_action[action] = self.filter_topology_spread_constraints(
                src, {}, action)
        return templates

    def _lookup(self, resource: str, ns: str, name: str) -> Any:
        return None if self._get is None else self._get(resource, ns, name)

    def get_constraints(self, pod: Mapping[str, Any]) -> list[Constraint]:
        spec = pod.get("spec") or {}
        if spec.get("topologySpreadConstraints"):
            return self.filter_topology_spread_constraints(
                spec["topologySpreadConstraints"],
                (pod.get("metadata") or {}).get("labels") or {}, "DoNotSchedule")
        return self.build_default_constraints(pod, "DoNotSchedule")

    # -- filter -----------------------------------------------------------------------------

    def pre_filter(self, state: CycleState, pod: Mapping[str, Any], nodes: Sequence[NodeInfo]
                   ) -> tuple[PreFilterResult | None, Status | None]:
        constraints = self.get_constraints(pod)
        if not constraints:
            return None, Status(Code.Skip)
        s = _PreFilterState(constraints)
        required = RequiredNodeAffinity(pod)
        ns = (pod.get("metadata") or {}).get("namespace", "")
        for ni in nodes:
            node = ni.node
            if node is None or not node_labels_match_spread_constraints(ni.labels, constraints):
                continue
            for i, c in enumerate(constraints):
                if not c.match_node_inclusion_policies(pod, node, required):
                    continue
                value = ni.labels[c.topology_key]
                s.bump(i, value, count_pods_match_selector(ni.pods, c.selector, ns))
        state.write(PRE_FILTER_STATE_KEY, s)
        return None, None

    def pre_filter_extensions(self) -> PodTopologySpread:
        return self

    def _update_with_pod(self, state: CycleState, updated: Mapping[str, Any],
                         preemptor: Mapping[str, Any], node_info: NodeInfo, delta: int) -> None:
        s: _PreFilterState | None = state.get(PRE_FILTER_STATE_KEY)
        node = node_info.node
        if s is None or node is None:
            return
        if (updated.get("metadata") or {}).get("namespace") != \
                (preemptor.get("metadata") or {}).get("namespace"):
            return
        if not node_labels_match_spread_constraints(node_info.labels, s.constraints):
            return
        required = RequiredNodeAffinity(preemptor)
        labels = (updated.get("metadata") or {}).get("labels") or {}
        for i, c in enumerate(s.constraints):
            if not c.selector.matches(labels):
                continue
            if not c.match_node_inclusion_policies(preemptor, node, required):
                continue
            s.bump(i, node_info.labels[c.topology_key], delta)

    def add_pod(self, state: CycleState, pod_to_schedule: Mapping[str, Any],
                pod_info_to_add: PodInfo, node_info: NodeInfo) -> Status | None:
        self._update_with_pod(state, pod_info_to_add.pod, pod_to_schedule, node_info, 1)
        return None

    def remove_pod(self, state: CycleState, pod_to_schedule: Mapping[str, Any],
                   pod_info_to_remove: PodInfo, node_info: NodeInfo) -> Status | None:
        self._update_with_pod(state, pod_info_to_remove.pod, pod_to_schedule, node_info, -1)
        return None

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        s: _PreFilterState | None = state.get(PRE_FILTER_STATE_KEY)
        if s is None:
            return Status(Code.Error, f'reading "{PRE_FILTER_STATE_KEY}" from cycleState: '
                          "not found")
        if not s.constraints:
            return None
        pod_labels = (pod.get("metadata") or {}).get("labels") or {}
        labels = node_info.labels
        for i, c in enumerate(s.constraints):
            value = labels.get(c.topology_key)
            if value is None:
                return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_LABEL_NOT_MATCH)
            self_match = 1 if c.selector.matches(pod_labels) else 0
            match_num = s.tp_value_to_match_num[i].get(value, 0)
            if match_num + self_match - s.min_match_num(i) > c.max_skew:
                return Status(Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH)
        return None

    # -- score ------------------------------------------------------------------------------

    def pre_score(self, state: CycleState, pod: Mapping[str, Any],
                  nodes: Sequence[NodeInfo]) -> Status | None:
        all_nodes = self.snapshot.list()
        if not all_nodes:
            return Status(Code.Skip)
        spec = pod.get("spec") or {}
        labels = (pod.get("metadata") or {}).get("labels") or {}
        if spec.get("topologySpreadConstraints"):
            constraints = self.filter_topology_spread_constraints(
                spec["topologySpreadConstraints"], labels, "ScheduleAnyway")
        else:
            constraints = self.build_default_constraints(pod, "ScheduleAnyway")
        if not constraints:
            return Status(Code.Skip)
        require_all = bool(spec.get("topologySpreadConstraints")) or not self.system_defaulted
        s = _PreScoreState(constraints)
        topo_size = [0] * len(constraints)
        for ni in nodes:
            if require_all and not node_labels_match_spread_constraints(ni.labels, constraints):
                s.ignored_nodes.add(ni.name)
                continue
            for i, c in enumerate(constraints):
                if c.topology_key == LABEL_HOSTNAME:
                    continue
                value = ni.labels.get(c.topology_key, "")
                if value not in s.topology_value_to_pod_counts[i]:
                    s.topology_value_to_pod_counts[i][value] = 0
                    topo_size[i] += 1
        for i, c in enumerate(constraints):
            size = topo_size[i]
            if c.topology_key == LABEL_HOSTNAME:
                size = len(nodes) - len(s.ignored_nodes)
            s.topology_normalizing_weight.append(topology_normalizing_weight(size))
        required = RequiredNodeAffinity(pod)
        ns = (pod.get("metadata") or {}).get("namespace", "")
        for ni in all_nodes:
            node = ni.node
            if node is None:
                continue
            if require_all and not node_labels_match_spread_constraints(ni.labels, constraints):
                continue
            for i, c in enumerate(constraints):
                if not c.match_node_inclusion_policies(pod, node, required):
                    continue
                value = ni.labels.get(c.topology_key, "")
                counts = s.topology_value_to_pod_counts[i]
                if value not in counts:
                    continue
                counts[value] += count_pods_match_selector(ni.pods, c.selector, ns)
        state.write(PRE_SCORE_STATE_KEY, s)
        return None

    def score(self, state: CycleState, pod: Mapping[str, Any],
              node_info: NodeInfo) -> tuple[int, Status | None]:
        s: _PreScoreState | None = state.get(PRE_SCORE_STATE_KEY)
        if s is None:
            return 0, Status(Code.Error, f'reading "{PRE_SCORE_STATE_KEY}" from cycleState: '
                             "not found")
        if node_info.name in s.ignored_nodes:
            return 0, None
        ns = (pod.get("metadata") or {}).get("namespace", "")
        score = 0.0
        labels = node_info.labels
        for i, c in enumerate(s.constraints):
            value = labels.get(c.topology_key)
            if value is None:
                continue
            if c.topology_key == LABEL_HOSTNAME:
                cnt = count_pods_match_selector(node_info.pods, c.selector, ns)
            else:
                cnt = s.topology_value_to_pod_counts[i].get(value, 0)
            score += score_for_count(cnt, c.max_skew, s.topology_normalizing_weight[i])
        return go_round(score), None

    def score_extensions(self) -> PodTopologySpread:
        return self

    def normalize_score(self, state: CycleState, pod: Mapping[str, Any],
                        scores: list[NodeScore]) -> Status | None:
        s: _PreScoreState | None = state.get(PRE_SCORE_STATE_KEY)
        if s is None:
            return None
        min_score = 2**63 - 1
        max_score = 0
        for x in scores:
            if x.name in s.ignored_nodes:
                x.score = _INVALID_SCORE
                continue
            min_score = min(min_score, x.score)
            max_score = max(max_score, x.score)
        for x in scores:
            if x.score == _INVALID_SCORE:
                x.score = 0
                continue
            if max_score == 0:
                x.score = MAX_NODE_SCORE
                continue
            x.score = MAX_NODE_SCORE * (max_score + min_score - x.score) // max_score
        return None

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent(
                EventResource.Pod,
                ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete)),
            ClusterEventWithHint(ClusterEvent(
                EventResource.Node,
                ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel
                | ActionType.UpdateNodeTaint)),
        ]


def new(args: Mapping[str, Any] | None, handle: Handle) -> PodTopologySpread:
    """``New`` from ``PodTopologySpreadArgs``: ``defaultingType: System`` (the default) uses
    the system default constraints; ``List`` uses ``defaultConstraints``."""
    args = args or {}
    defaulting = args.get("defaultingType") or "System"
    if defaulting == "List":
        constraints: Sequence[Mapping[str, Any]] = args.get("defaultConstraints") or []
    else:
        constraints = SYSTEM_DEFAULT_CONSTRAINTS
    listers = {r: handle.lister(r) for r in ("replicationcontrollers", "replicasets",
                                             "statefulsets")}

    def get(resource: str, ns: str, name: str) -> Any:
        lst = listers.get(resource)
        return None if lst is None else lst.get(ns, name)

    return PodTopologySpread(handle.snapshot, constraints, defaulting == "System",
                             handle.lister("services"), get)
