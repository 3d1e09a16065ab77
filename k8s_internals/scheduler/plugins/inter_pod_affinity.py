"""``InterPodAffinity``: pod affinity and anti-affinity between pods, over topology domains
(a node, a zone... whatever label ``topologyKey`` names).

Mirrors ``pkg/scheduler/framework/plugins/interpodaffinity/`` (``filtering.go``,
``scoring.go``, ``plugin.go``):

Filter (PreFilter counts, per ``(topologyKey, value)`` pair):

- ``existingAntiAffinityCounts``: existing pods whose *required anti-affinity* terms match the
  incoming pod → ``node(s) didn't satisfy existing pods anti-affinity rules``;
- ``affinityCounts``: existing pods matching *all* the incoming pod's required affinity terms →
  a node whose domain has none fails ``node(s) didn't match pod affinity rules``
  (UnschedulableAndUnresolvable) — except the first pod of a group that matches its own terms;
- ``antiAffinityCounts``: existing pods matching one of its required anti-affinity terms →
  ``node(s) didn't match pod anti-affinity rules``.

PreFilter returns ``Skip`` when all three are empty. ``add_pod``/``remove_pod`` update the
counts (nominated pods, preemption).

Score: for every existing pod, the incoming pod's preferred (anti-)affinity terms the pod
matches add (subtract) the term weight to the pod's topology domain; the existing pods'
required affinity terms that match the incoming pod add ``hardPodAffinityWeight`` (default 1)
and their preferred (anti-)affinity terms add (subtract) their weights. A node's score is the
sum over its labels; NormalizeScore maps ``[min, max]`` to ``[0, 100]`` (float, truncated).
PreScore returns ``Skip`` when nothing contributes. Default weight 2.

Namespace selectors are resolved with the namespaces lister (incoming terms are merged into
plain namespace sets, as ``mergeAffinityTermNamespacesIfNotEmpty``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ...api.selectors import Selector
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
from ..framework.types import AffinityTerm, NodeInfo, PodInfo
from .names import INTER_POD_AFFINITY

__all__ = ["ERR_REASON_AFFINITY_RULES_NOT_MATCH", "ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH",
           "ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH", "InterPodAffinity", "new"]

ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = (
    "node(s) didn't satisfy existing pods anti-affinity rules")
ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules"
ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules"
PRE_FILTER_STATE_KEY = "PreFilter" + INTER_POD_AFFINITY
PRE_SCORE_STATE_KEY = "PreScore" + INTER_POD_AFFINITY

Pair = tuple[str, str]


class _PreFilterState:
    def __init__(self, pod_info: PodInfo, ns_labels: dict[str, str] | None) -> None:
        self.pod_info = pod_info
        self.namespace_labels = ns_labels
        self.existing_anti_affinity_counts: Counter[Pair] = Counter()
        self.affinity_counts: Counter[Pair] = Counter()
        self.anti_affinity_counts: Counter[Pair] = Counter()

    def clone(self) -> _PreFilterState:
        c = _PreFilterState(self.pod_info, self.namespace_labels)
        c.existing_anti_affinity_counts = Counter(self.existing_anti_affinity_counts)
        c.affinity_counts = Counter(self.affinity_counts)
        c.anti_affinity_counts = Counter(self.anti_affinity_counts)
        return c

    def update_with_pod(self, pi: PodInfo, node: Mapping[str, Any], multiplier: int) -> None:
        """``updateWithPod``."""
        labels = (node.get("metadata") or {}).get("labels") or {}
        _update_anti_affinity_terms(self.existing_anti_affinity_counts,
                                    pi.required_anti_affinity_terms, self.pod_info.pod,
                                    self.namespace_labels, labels, multiplier)
        _update_affinity_terms(self.affinity_counts, self.pod_info.required_affinity_terms,
                               pi.pod, None, labels, multiplier)
        for term in self.pod_info.required_anti_affinity_terms:
            if term.matches(pi.pod, None) and term.topology_key in labels:
                _bump(self.anti_affinity_counts, (term.topology_key, labels[term.topology_key]),
                      multiplier)


def _bump(counts: Counter[Pair], pair: Pair, value: int) -> None:
    counts[pair] += value
    if counts[pair] == 0:
        del counts[pair]


def pod_matches_all_affinity_terms(terms: Sequence[AffinityTerm], pod: Mapping[str, Any],
                                   ns_labels: Mapping[str, str] | None) -> bool:
    """``podMatchesAllAffinityTerms``: false for no terms."""
    return bool(terms) and all(t.matches(pod, ns_labels) for t in terms)


def _update_affinity_terms(counts: Counter[Pair], terms: Sequence[AffinityTerm],
                           pod: Mapping[str, Any], ns_labels: Mapping[str, str] | None,
                           node_labels: Mapping[str, str], value: int) -> None:
    """``updateWithAffinityTerms``: if ``pod`` matches ALL terms, count each term's pair."""
    if pod_matches_all_affinity_terms(terms, pod, ns_labels):
        for t in terms:
            if t.topology_key in node_labels:
                _bump(counts, (t.topology_key, node_labels[t.topology_key]), value)


def _update_anti_affinity_terms(counts: Counter[Pair], terms: Sequence[AffinityTerm],
                                pod: Mapping[str, Any], ns_labels: Mapping[str, str] | None,
                                node_labels: Mapping[str, str], value: int) -> None:
    """``updateWithAntiAffinityTerms``: count the pair of every term ``pod`` matches."""
    for t in terms:
        if t.matches(pod, ns_labels) and t.topology_key in node_labels:
            _bump(counts, (t.topology_key, node_labels[t.topology_key]), value)


class _PreScoreState:
    def __init__(self, pod_info: PodInfo) -> None:
        self.pod_info = pod_info
        self.topology_score: dict[str, dict[str, int]] = {}

    def clone(self) -> _PreScoreState:
        return self


class InterPodAffinity:
    name = INTER_POD_AFFINITY

    def __init__(self, snapshot: NodeInfoLister, namespaces: Lister | None = None,
                 hard_pod_affinity_weight: int = 1,
                 ignore_preferred_terms_of_existing_pods: bool = False) -> None:
        self.snapshot = snapshot
        self.namespaces = namespaces
        self.hard_pod_affinity_weight = hard_pod_affinity_weight
        self.ignore_preferred_terms_of_existing_pods = ignore_preferred_terms_of_existing_pods

    # -- helpers ----------------------------------------------------------------------------

    def _namespace_labels(self, namespace: str) -> dict[str, str] | None:
        """``GetNamespaceLabelsSnapshot``."""
        if self.namespaces is None:
            return {}
        ns = self.namespaces.get("", namespace)
        return dict((ns or {}).get("metadata", {}).get("labels") or {})

    def _merge_namespaces(self, term: AffinityTerm) -> None:
        """``mergeAffinityTermNamespacesIfNotEmpty``: resolve the namespace selector."""
        if term.namespace_selector.empty:
            return
        for ns in self.namespaces.list() if self.namespaces is not None else ():
            meta = ns.get("metadata") or {}
            if term.namespace_selector.matches(meta.get("labels") or {}):
                term.namespaces.add(meta.get("name", ""))
        term.namespace_selector = Selector.nothing()

    # -- filter -----------------------------------------------------------------------------

    def pre_filter(self, state: CycleState, pod: Mapping[str, Any], nodes: Sequence[NodeInfo]
                   ) -> tuple[PreFilterResult | None, Status | None]:
        affinity = (pod.get("spec") or {}).get("affinity") or {}
        if not (affinity.get("podAffinity") or affinity.get("podAntiAffinity")) \
                and not self.snapshot.have_pods_with_required_anti_affinity_list():
            # no required terms, no existing pod with required anti-affinity: nothing to
            # count (what the general path below concludes, without building its state)
            return None, Status(Code.Skip)
        pi = PodInfo(dict(pod))
        for t in pi.required_affinity_terms:
            self._merge_namespaces(t)
        for t in pi.required_anti_affinity_terms:
            self._merge_namespaces(t)
        s = _PreFilterState(pi, self._namespace_labels(pi.namespace))
        for ni in self.snapshot.have_pods_with_required_anti_affinity_list():
            labels = ni.labels
            for existing in ni.pods_with_required_anti_affinity:
                _update_anti_affinity_terms(s.existing_anti_affinity_counts,
                                            existing.required_anti_affinity_terms, pi.pod,
                                            s.namespace_labels, labels, 1)
        if pi.required_affinity_terms or pi.required_anti_affinity_terms:
            for ni in nodes:
                labels = ni.labels
                for existing in ni.pods:
                    _update_affinity_terms(s.affinity_counts, pi.required_affinity_terms,
                                           existing.pod, None, labels, 1)
                    _update_anti_affinity_terms(s.anti_affinity_counts,
                                                pi.required_anti_affinity_terms, existing.pod,
                                                None, labels, 1)
        if not s.existing_anti_affinity_counts and not pi.required_affinity_terms \
                and not pi.required_anti_affinity_terms:
            return None, Status(Code.Skip)
        state.write(PRE_FILTER_STATE_KEY, s)
        return None, None

    def pre_filter_extensions(self) -> InterPodAffinity:
        return self

    def add_pod(self, state: CycleState, pod_to_schedule: Mapping[str, Any],
                pod_info_to_add: PodInfo, node_info: NodeInfo) -> Status | None:
        s = state.get(PRE_FILTER_STATE_KEY)
        if s is not None and node_info.node is not None:
            s.update_with_pod(pod_info_to_add, node_info.node, 1)
        return None

    def remove_pod(self, state: CycleState, pod_to_schedule: Mapping[str, Any],
                   pod_info_to_remove: PodInfo, node_info: NodeInfo) -> Status | None:
        s = state.get(PRE_FILTER_STATE_KEY)
        if s is not None and node_info.node is not None:
            s.update_with_pod(pod_info_to_remove, node_info.node, -1)
        return None

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        s: _PreFilterState | None = state.get(PRE_FILTER_STATE_KEY)
        if s is None:
            return Status(Code.Error, f'reading "{PRE_FILTER_STATE_KEY}" from cycleState: '
                          "not found")
        labels = node_info.labels
        if not self._satisfy_pod_affinity(s, labels):
            return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH)
        if not self._satisfy_pod_anti_affinity(s, labels):
            return Status(Code.Unschedulable, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH)
        if s.existing_anti_affinity_counts and any(
                s.existing_anti_affinity_counts.get((k, v), 0) > 0 for k, v in labels.items()):
            return Status(Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH)
        return None

    @staticmethod
    def _satisfy_pod_anti_affinity(s: _PreFilterState, labels: Mapping[str, str]) -> bool:
        if s.anti_affinity_counts:
            for t in s.pod_info.required_anti_affinity_terms:
                v = labels.get(t.topology_key)
                if v is not None and s.anti_affinity_counts.get((t.topology_key, v), 0) > 0:
                    return False
        return True

    @staticmethod
    def _satisfy_pod_affinity(s: _PreFilterState, labels: Mapping[str, str]) -> bool:
        pods_exist = True
        for t in s.pod_info.required_affinity_terms:
            v = labels.get(t.topology_key)
            if v is None:
                return False  # all topology labels must exist on the node
            if s.affinity_counts.get((t.topology_key, v), 0) <= 0:
                pods_exist = False
        if not pods_exist:
            # the first pod of a group with affinity to itself may go anywhere
            return not s.affinity_counts and pod_matches_all_affinity_terms(
                s.pod_info.required_affinity_terms, s.pod_info.pod, s.namespace_labels)
        return True

    # -- score ------------------------------------------------------------------------------

    def pre_score(self, state: CycleState, pod: Mapping[str, Any],
                  nodes: Sequence[NodeInfo]) -> Status | None:
        if not nodes:
            return Status(Code.Skip)
        affinity = (pod.get("spec") or {}).get("affinity") or {}
        has_pref_aff = bool((affinity.get("podAffinity") or {}).get(
            "preferredDuringSchedulingIgnoredDuringExecution"))
        has_pref_anti = bool((affinity.get("podAntiAffinity") or {}).get(
            "preferredDuringSchedulingIgnoredDuringExecution"))
        has_constraints = has_pref_aff or has_pref_anti
        if self.ignore_preferred_terms_of_existing_pods and not has_constraints:
            return Status(Code.Skip)
        all_nodes = self.snapshot.list() if has_constraints \
            else self.snapshot.have_pods_with_affinity_list()
        if not all_nodes:
            return Status(Code.Skip)   # no existing pod to process: nothing contributes
        s = _PreScoreState(PodInfo(dict(pod)))
        for wt in s.pod_info.preferred_affinity_terms:
            self._merge_namespaces(wt.term)
        for wt in s.pod_info.preferred_anti_affinity_terms:
            self._merge_namespaces(wt.term)
        ns_labels = self._namespace_labels(s.pod_info.namespace)
        contributed = False
        for ni in all_nodes:
            pods = ni.pods if has_constraints else ni.pods_with_affinity
            for existing in pods:
                if self._process_existing_pod(s, existing, ni, pod, ns_labels):
                    contributed = True
        if not contributed:
            return Status(Code.Skip)
        state.write(PRE_SCORE_STATE_KEY, s)
        return None

    def _process_existing_pod(self, s: _PreScoreState, existing: PodInfo, ni: NodeInfo,
                              incoming: Mapping[str, Any],
                              ns_labels: dict[str, str] | None) -> bool:
        """``processExistingPod``; returns whether any term touched the score map."""
        labels = ni.labels
        if not labels:
            return False
        touched = False

        def process(term: AffinityTerm, weight: int, pod: Mapping[str, Any],
                    nsl: Mapping[str, str] | None, multiplier: int) -> None:
            nonlocal touched
            if term.matches(pod, nsl) and term.topology_key in labels:
                by_value = s.topology_score.setdefault(term.topology_key, {})
                v = labels[term.topology_key]
                by_value[v] = by_value.get(v, 0) + weight * multiplier
                touched = True

        for wt in s.pod_info.preferred_affinity_terms:
            process(wt.term, wt.weight, existing.pod, None, 1)
        for wt in s.pod_info.preferred_anti_affinity_terms:
            process(wt.term, wt.weight, existing.pod, None, -1)
        if self.hard_pod_affinity_weight > 0:
            for t in existing.required_affinity_terms:
                process(t, self.hard_pod_affinity_weight, incoming, ns_labels, 1)
        for wt in existing.preferred_affinity_terms:
            process(wt.term, wt.weight, incoming, ns_labels, 1)
        for wt in existing.preferred_anti_affinity_terms:
            process(wt.term, wt.weight, incoming, ns_labels, -1)
        return touched

    def score(self, state: CycleState, pod: Mapping[str, Any],
              node_info: NodeInfo) -> tuple[int, Status | None]:
        s: _PreScoreState | None = state.get(PRE_SCORE_STATE_KEY)
        if s is None:
            return 0, Status(Code.Error, f'reading "{PRE_SCORE_STATE_KEY}" from cycleState: '
                             "not found")
        labels = node_info.labels
        score = 0
        for key, values in s.topology_score.items():
            v = labels.get(key)
            if v is not None:
                score += values.get(v, 0)
        return score, None

    def score_extensions(self) -> InterPodAffinity:
        return self

    def normalize_score(self, state: CycleState, pod: Mapping[str, Any],
                        scores: list[NodeScore]) -> Status | None:
        s: _PreScoreState | None = state.get(PRE_SCORE_STATE_KEY)
        if s is None or not s.topology_score or not scores:
            return None
        lo = min(x.score for x in scores)
        hi = max(x.score for x in scores)
        diff = hi - lo
        for x in scores:
            f = 0.0
            if diff > 0:
                f = float(MAX_NODE_SCORE) * (float(x.score - lo) / float(diff))
            x.score = int(f)
        return None

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent(
                EventResource.Pod,
                ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete)),
            ClusterEventWithHint(ClusterEvent(
                EventResource.Node, ActionType.Add | ActionType.UpdateNodeLabel)),
        ]


def new(args: Mapping[str, Any] | None, handle: Handle) -> InterPodAffinity:
    """``New`` from ``InterPodAffinityArgs`` (``hardPodAffinityWeight`` default 1,
    ``ignorePreferredTermsOfExistingPods`` default false)."""
    args = args or {}
    weight = args.get("hardPodAffinityWeight")
    return InterPodAffinity(handle.snapshot, handle.lister("namespaces"),
                            1 if weight is None else int(weight),
                            bool(args.get("ignorePreferredTermsOfExistingPods", False)))
