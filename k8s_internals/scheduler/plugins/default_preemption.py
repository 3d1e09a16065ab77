"""``DefaultPreemption``: the PostFilter plugin — when no node fits, find a node where
evicting lower-priority pods would make room, evict them, and nominate that node.

Mirrors ``pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go`` and
``pkg/scheduler/framework/preemption/preemption.go`` (``Evaluator.Preempt``):

1. eligibility (``PodEligibleToPreemptOthers``): not with ``preemptionPolicy: Never``
   (``not eligible due to preemptionPolicy=Never.``), not while a lower-priority pod is already
   terminating on the nominated node;
2. candidates: only nodes whose filter status was ``Unschedulable`` (``Unresolvable`` ones are
   "Preemption is not helpful for scheduling"); dry-run from a random offset (the kernel RNG)
   until ``max(numNodes * minCandidateNodesPercentage / 100, minCandidateNodesAbsolute)``
   candidates are found (defaults 10 %, 100). On a node (``SelectVictimsOnNode``): remove every
   lower-priority pod; if the pod still does not fit, the node's status explains why (``No
   preemption victims found for incoming pod`` if there was nothing to remove); then reprieve
   as many pods as possible, highest priority first (PodDisruptionBudget violators first);
3. pick one node (``pickOneNodeForPreemption``): fewest PDB violations, then the lowest
   highest-victim priority, the smallest priority sum, the fewest victims, the latest start
   time of the highest-priority victims, then the first;
4. prepare: mark each victim ``DisruptionTarget=True`` (reason ``PreemptionByScheduler``),
   delete it, record a ``Preempted`` event, clear lower-priority nominations on that node.

Without candidates the status is ``preemption: 0/N nodes are available: ...`` (a FitError of
the dry runs). Asynchronous preemption (upstream's default since v1.33) is not modelled: the
victims are deleted within the cycle. Args: ``minCandidateNodesPercentage``,
``minCandidateNodesAbsolute``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from ...api.selectors import label_selector_as_selector
from ...client.record import EVENT_NORMAL
from ..framework.cycle_state import CycleState
from ..framework.interface import (
    Code,
    Handle,
    NominatingInfo,
    NominatingMode,
    PostFilterResult,
    Status,
)
from ..framework.types import Diagnosis, FitError, NodeInfo, NodeToStatus, PodInfo
from ..util import get_pod_start_time, more_important_pod, pod_key, pod_priority
from .names import DEFAULT_PREEMPTION

__all__ = ["DefaultPreemption", "calculate_num_candidates", "new",
           "pick_one_node_for_preemption"]

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
MAX_INT32 = 2**31 - 1


def calculate_num_candidates(num_nodes: int, percentage: int = 10, absolute: int = 100) -> int:
    """``calculateNumCandidates``.

    >>> calculate_num_candidates(5000), calculate_num_candidates(50)
    (500, 50)
    """
    n = num_nodes * percentage // 100
    n = max(n, absolute)
    return min(n, num_nodes)


class Candidate:
    __slots__ = ("name", "num_pdb_violations", "victims")

    def __init__(self, name: str, victims: list[dict[str, Any]], num_pdb_violations: int) -> None:
        self.name = name
        self.victims = victims
        self.num_pdb_violations = num_pdb_violations

    def __repr__(self) -> str:
        return f"Candidate({self.name!r}, victims={[pod_key(v) for v in self.victims]})"


def pick_one_node_for_preemption(candidates: Sequence[Candidate]) -> str:
    """``pickOneNodeForPreemption`` with the default score functions, applied in order until
    one node remains; ties go to the first candidate."""
    if not candidates:
        return ""

    def earliest_start_of_highest(c: Candidate) -> str:
        top = pod_priority(c.victims[0])
        return min(get_pod_start_time(v) for v in c.victims if pod_priority(v) == top)

    funcs = [
        lambda c: -c.num_pdb_violations,
        lambda c: -pod_priority(c.victims[0]),
        lambda c: -sum(pod_priority(v) + MAX_INT32 + 1 for v in c.victims),
        lambda c: -len(c.victims),
    ]
    remaining = list(candidates)
    for f in funcs:
        best = max(f(c) for c in remaining)
        remaining = [c for c in remaining if f(c) == best]
        if len(remaining) == 1:
            return remaining[0].name
    latest = max(earliest_start_of_highest(c) for c in remaining)
    remaining = [c for c in remaining if earliest_start_of_highest(c) == latest]
    return remaining[0].name


def filter_pods_with_pdb_violation(pods: Sequence[PodInfo], pdbs: Sequence[Mapping[str, Any]]
                                   ) -> tuple[list[PodInfo], list[PodInfo]]:
    """``filterPodsWithPDBViolation``: (violating, non-violating)."""
    allowed = [int((p.get("status") or {}).get("disruptionsAllowed") or 0) for p in pdbs]
    violating: list[PodInfo] = []
    non_violating: list[PodInfo] = []
    for pi in pods:
        meta = pi.pod.get("metadata") or {}
        labels = meta.get("labels") or {}
        violated = False
        if labels:
            for i, pdb in enumerate(pdbs):
                pmeta = pdb.get("metadata") or {}
                if pmeta.get("namespace") != meta.get("namespace"):
                    continue
                try:
                    sel = label_selector_as_selector((pdb.get("spec") or {}).get("selector"))
                except ValueError:
                    continue
                if sel.empty or sel.matches_nothing or not sel.matches(labels):
                    continue
                if meta.get("name") in ((pdb.get("status") or {}).get("disruptedPods") or {}):
                    continue
                allowed[i] -= 1
                if allowed[i] < 0:
                    violated = True
        (violating if violated else non_violating).append(pi)
    return violating, non_violating


def _terminating_by_preemption(pod: Mapping[str, Any]) -> bool:
    if not (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    return any(c.get("type") == "DisruptionTarget" and c.get("reason") == "PreemptionByScheduler"
               for c in (pod.get("status") or {}).get("conditions") or ())


class DefaultPreemption:
    name = DEFAULT_PREEMPTION

    def __init__(self, handle: Handle, min_candidate_nodes_percentage: int = 10,
                 min_candidate_nodes_absolute: int = 100) -> None:
        self.handle = handle
        self.min_candidate_nodes_percentage = min_candidate_nodes_percentage
        self.min_candidate_nodes_absolute = min_candidate_nodes_absolute
        self.pdbs = handle.lister("poddisruptionbudgets")

    def post_filter(self, state: CycleState, pod: Mapping[str, Any],
                    filtered_node_status: NodeToStatus
                    ) -> tuple[PostFilterResult | None, Status | None]:
        result, status = self.preempt(state, pod, filtered_node_status)
        msg = status.message() if status is not None else ""
        if status is not None and msg:
            return result, Status(status.code, "preemption: " + msg)
        return result, status

    # -- the evaluator ------------------------------------------------------------------------

    def pod_eligible_to_preempt_others(self, pod: Mapping[str, Any],
                                       nominated_status: Status) -> tuple[bool, str]:
        if (pod.get("spec") or {}).get("preemptionPolicy") == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        nominated = (pod.get("status") or {}).get("nominatedNodeName") or ""
        if nominated:
            if nominated_status.code == Code.UnschedulableAndUnresolvable:
                return True, ""
            try:
                ni = self.handle.snapshot.get(nominated)
            except KeyError:
                ni = None
            if ni is not None:
                prio = pod_priority(pod)
                for p in ni.pods:
                    if pod_priority(p.pod) < prio and _terminating_by_preemption(p.pod):
                        return False, ("not eligible due to a terminating pod on the nominated "
                                       "node.")
        return True, ""

    def preempt(self, state: CycleState, pod: Mapping[str, Any], m: NodeToStatus
                ) -> tuple[PostFilterResult | None, Status | None]:
        nominated = (pod.get("status") or {}).get("nominatedNodeName") or ""
        ok, msg = self.pod_eligible_to_preempt_others(pod, m.get(nominated))
        if not ok:
            return None, Status(Code.Unschedulable, msg)
        all_nodes = self.handle.snapshot.list()
        if not all_nodes:
            return None, Status(Code.Error, "no nodes available")
        candidates, statuses = self.find_candidates(state, all_nodes, pod, m)
        if not candidates:
            statuses.absent_nodes_status = Status(Code.UnschedulableAndUnresolvable, NOT_HELPFUL)
            fit = FitError(dict(pod), len(all_nodes), Diagnosis(statuses))
            return (PostFilterResult(NominatingInfo("", NominatingMode.Override)),
                    Status(Code.Unschedulable, str(fit)))
        best = self.select_candidate(candidates)
        if best is None:
            return None, Status(Code.Unschedulable, "no candidate node for preemption")
        status = self.prepare_candidate(best, pod)
        if status is not None:
            return None, status
        return PostFilterResult(NominatingInfo(best.name, NominatingMode.Override)), None

    def find_candidates(self, state: CycleState, all_nodes: Sequence[NodeInfo],
                        pod: Mapping[str, Any], m: NodeToStatus
                        ) -> tuple[list[Candidate], NodeToStatus]:
        potential = m.nodes_for_status_code(all_nodes, Code.Unschedulable)
        if not potential:
            return [], NodeToStatus()
        pdbs = self.pdbs.list() if self.pdbs is not None else []
        n = len(potential)
        offset = self.handle.kernel.rng.randrange(n) if self.handle.kernel is not None else 0
        num = calculate_num_candidates(n, self.min_candidate_nodes_percentage,
                                       self.min_candidate_nodes_absolute)
        return self.dry_run_preemption(state, pod, potential, pdbs, offset, num)

    def dry_run_preemption(self, state: CycleState, pod: Mapping[str, Any],
                           potential: Sequence[NodeInfo], pdbs: Sequence[Mapping[str, Any]],
                           offset: int, num_candidates: int
                           ) -> tuple[list[Candidate], NodeToStatus]:
        non_violating: list[Candidate] = []
        violating: list[Candidate] = []
        statuses = NodeToStatus()
        for i in range(len(potential)):
            ni = potential[(offset + i) % len(potential)].clone()
            victims, violations, status = self.select_victims_on_node(
                state.clone(), pod, ni, pdbs)
            if status is None and victims:
                c = Candidate(ni.name, victims, violations)
                (non_violating if violations == 0 else violating).append(c)
                if non_violating and len(non_violating) + len(violating) >= num_candidates:
                    break
                continue
            if status is None:
                status = Status(Code.Error, f'expected at least one victim pod on node '
                                f'"{ni.name}"')
            statuses.set(ni.name, status)
        return non_violating + violating, statuses

    def select_victims_on_node(self, state: CycleState, pod: Mapping[str, Any],
                               ni: NodeInfo, pdbs: Sequence[Mapping[str, Any]]
                               ) -> tuple[list[dict[str, Any]], int, Status | None]:
        """``SelectVictimsOnNode`` on a cloned NodeInfo and CycleState."""
        h = self.handle
        prio = pod_priority(pod)
        potential: list[PodInfo] = []
        for pi in list(ni.pods):
            if pod_priority(pi.pod) < prio:
                potential.append(pi)
                ni.remove_pod(pi.pod)
                st = h.run_pre_filter_extension_remove_pod(state, pod, pi, ni)
                if st is not None and not st.is_success():
                    return [], 0, st
        if not potential:
            return [], 0, Status(Code.UnschedulableAndUnresolvable, NO_VICTIMS)
        st = h.run_filter_plugins_with_nominated_pods(state, pod, ni)
        if st is not None and not st.is_success():
            return [], 0, st
        potential.sort(key=functools.cmp_to_key(
            lambda a, b: -1 if more_important_pod(a.pod, b.pod) else (
                1 if more_important_pod(b.pod, a.pod) else 0)))
        violating, non_violating = filter_pods_with_pdb_violation(potential, pdbs)
        victims: list[PodInfo] = []
        num_violating = 0

        def reprieve(pi: PodInfo) -> bool:
            ni.add_pod_info(pi)
            h.run_pre_filter_extension_add_pod(state, pod, pi, ni)
            st = h.run_filter_plugins_with_nominated_pods(state, pod, ni)
            fits = st is None or st.is_success()
            if not fits:
                ni.remove_pod(pi.pod)
                h.run_pre_filter_extension_remove_pod(state, pod, pi, ni)
                victims.append(pi)
            return fits

        for pi in violating:
            if not reprieve(pi):
                num_violating += 1
        for pi in non_violating:
            reprieve(pi)
        if violating and non_violating:
            victims.sort(key=functools.cmp_to_key(
                lambda a, b: -1 if more_important_pod(a.pod, b.pod) else (
                    1 if more_important_pod(b.pod, a.pod) else 0)))
        return [v.pod for v in victims], num_violating, None

    @staticmethod
    def select_candidate(candidates: Sequence[Candidate]) -> Candidate | None:
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        name = pick_one_node_for_preemption(candidates)
        return next((c for c in candidates if c.name == name), candidates[0])

    def prepare_candidate(self, c: Candidate, pod: Mapping[str, Any]) -> Status | None:
        """``prepareCandidate``: evict the victims, clear lower-priority nominations."""
        h = self.handle
        client = h.client
        scheduler_name = (pod.get("spec") or {}).get("schedulerName") or "default-scheduler"
        uid = (pod.get("metadata") or {}).get("uid", "")
        for victim in c.victims:
            meta = victim.get("metadata") or {}
            if client is not None:
                condition = {"type": "DisruptionTarget", "status": "True",
                             "reason": "PreemptionByScheduler",
                             "message": f"{scheduler_name}: preempting to accommodate a higher "
                                        "priority pod"}
                try:
                    client.patch("pods", meta.get("name", ""), {"status": {"conditions": [
                        condition]}}, meta.get("namespace", ""), patch_type="strategic",
                        subresource="status")
                    client.delete("pods", meta.get("name", ""), meta.get("namespace", ""))
                except Exception as err:
                    if getattr(err, "code", None) != 404:
                        return Status(Code.Error, err=err)
            if h.recorder is not None:
                h.recorder.eventf(victim, pod, EVENT_NORMAL, "Preempted", "Preempting",
                                  "Preempted by pod %s on node %s", uid, c.name)
        nominator = h.nominator
        if nominator is not None and client is not None:
            prio = pod_priority(pod)
            for pi in nominator.nominated_pods_for_node(c.name):
                if pod_priority(pi.pod) < prio:
                    meta = pi.pod.get("metadata") or {}
                    with contextlib.suppress(Exception):  # not critical, as upstream
                        client.patch("pods", meta.get("name", ""),
                                     {"status": {"nominatedNodeName": None}},
                                     meta.get("namespace", ""), patch_type="merge",
                                     subresource="status")
        return None


def new(args: Mapping[str, Any] | None, handle: Handle) -> DefaultPreemption:
    args = args or {}
    return DefaultPreemption(handle, int(args.get("minCandidateNodesPercentage", 10)),
                             int(args.get("minCandidateNodesAbsolute", 100)))
