"""The disruption controller: keep each PodDisruptionBudget's status up to date, so that the
eviction subresource (:mod:`k8s_internals.api.eviction`) can tell whether one more pod may go.

Mirrors ``pkg/controller/disruption/disruption.go`` (``DisruptionController``: the
``addPdb``/``updatePdb``/``removePdb`` and ``addPod``/``updatePod``/``deletePod`` handlers,
``getPdbForPod``, ``getPodsForPdb``, ``sync``, ``trySync``, ``getExpectedPodCount``,
``getExpectedScale``, the finders ``getPodReplicationController``, ``getPodDeployment``,
``getPodReplicaSet``, ``getPodStatefulSet``, ``getScaleController``,
``buildDisruptedPodMap``, ``countHealthyPods``, ``updatePdbStatus``, ``failSafe``) and
``staging/src/k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go``
(``UpdateDisruptionAllowedCondition``, ``ConditionsAreUpToDate``).

One sync, for key ``ns/name``::

    pods           = pods in ns matching spec.selector (none for an empty selector)
    expectedCount  = len(pods)                              minAvailable is an integer
                   = sum of the scale of the pods' controllers   otherwise
    desiredHealthy = minAvailable                         (integer)
                   = ceil(minAvailable% x expectedCount)    (percent, rounded up)
                   = expectedCount - ceil(maxUnavailable x expectedCount)  (at least 0)
    currentHealthy = Ready pods, not being deleted, not in disruptedPods (younger than 2 min)
    disruptionsAllowed = max(0, currentHealthy - desiredHealthy), 0 while expectedCount is 0
    status + condition DisruptionAllowed (SufficientPods / InsufficientPods) -> PUT /status

A failed sync (a pod with no controller the finders know, for a percentage or
``maxUnavailable``) sets ``disruptionsAllowed`` to 0 and the condition to ``SyncFailed``
(``failSafe``). ``disruptedPods`` entries the eviction subresource added are dropped once the
pod is gone or 2 minutes (``DeletionTimeout``) have passed; the PDB is re-checked at that time.

Events on the PDB: ``NoPods`` "No matching pods found", ``CalculateExpectedPodCountFailed``
"Failed to calculate the number of expected pods: <err>", ``UnmanagedPods``; on the pod:
``NotDeleted`` and ``MultiplePodDisruptionBudgets``.

Simplifications: the stale-``DisruptionTarget``-condition queue (``syncStalePodDisruption``) is
not run; ``getScaleController`` GETs the ``scale`` subresource of served kinds only.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from typing import Any

from ..api.selectors import SelectorError, label_selector_as_selector, selecting
from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..sim import Kernel
from .base import Controller, key_of
from .controller_utils import JSON, get_controller_of, is_pod_ready, parse_time

__all__ = [
    "DELETION_TIMEOUT",
    "DisruptionController",
    "conditions_are_up_to_date",
    "count_healthy_pods",
    "scaled_value",
    "update_disruption_allowed_condition",
]

#: ``DeletionTimeout``: how long an eviction's entry in ``disruptedPods`` is trusted
DELETION_TIMEOUT = 2 * 60.0
#: ``policy.DisruptionAllowedCondition`` and its reasons
DISRUPTION_ALLOWED = "DisruptionAllowed"
SUFFICIENT_PODS = "SufficientPods"
INSUFFICIENT_PODS = "InsufficientPods"
SYNC_FAILED = "SyncFailed"


class _ControllerAndScale:
    def __init__(self, uid: str, scale: int) -> None:
        self.uid = uid
        self.scale = scale


def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``: an int as is, ``"N%"`` of ``total``
    rounded up (``math.Ceil``) or down."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    if not text.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a "
                         "percentage")
    try:
        pct = int(text[:-1])
    except ValueError:
        raise ValueError(f'invalid value "{text}": strconv.Atoi: parsing "{text[:-1]}": '
                         f"invalid syntax") from None
    exact = pct * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def _set_status_condition(conditions: list[JSON], new: JSON, now: str) -> None:
    """``apimeta.SetStatusCondition``: add, or update in place (``lastTransitionTime`` moves
    only when the status changes)."""
    for c in conditions:
        if c.get("type") == new["type"]:
            if c.get("status") != new["status"]:
                c["status"] = new["status"]
                c["lastTransitionTime"] = now
            c["reason"] = new["reason"]
            c["message"] = new["message"]
            c["observedGeneration"] = new["observedGeneration"]
            return
    conditions.append({"type": new["type"], "status": new["status"],
                       "observedGeneration": new["observedGeneration"],
                       "lastTransitionTime": now, "reason": new["reason"],
                       "message": new["message"]})


def _condition(status: str, reason: str, message: str, generation: int) -> JSON:
    return {"type": DISRUPTION_ALLOWED, "status": status, "reason": reason, "message": message,
            "observedGeneration": generation}


def update_disruption_allowed_condition(pdb: JSON, now: str) -> None:
    """``UpdateDisruptionAllowedCondition``: ``True/SufficientPods`` when disruptions are
    allowed, ``False/InsufficientPods`` otherwise."""
    status = pdb.setdefault("status", {})
    conditions = status.setdefault("conditions", [])
    generation = int(status.get("observedGeneration") or 0)
    if int(status.get("disruptionsAllowed") or 0) > 0:
        new = _condition("True", SUFFICIENT_PODS, "", generation)
    else:
        new = _condition("False", INSUFFICIENT_PODS, "", generation)
    _set_status_condition(conditions, new, now)


def conditions_are_up_to_date(pdb: Mapping[str, Any]) -> bool:
    """``ConditionsAreUpToDate``."""
    status = pdb.get("status") or {}
    cond = next((c for c in status.get("conditions") or []
                 if c.get("type") == DISRUPTION_ALLOWED), None)
    if cond is None:
        return False
    if int(status.get("observedGeneration") or 0) != int(
            pdb.get("metadata", {}).get("generation") or 0):
        return False
    if int(status.get("disruptionsAllowed") or 0) > 0:
        return cond.get("status") == "True" and cond.get("reason") == SUFFICIENT_PODS
    return cond.get("status") == "False" and cond.get("reason") == INSUFFICIENT_PODS


def count_healthy_pods(pods: list[JSON], disrupted: Mapping[str, str], now: float) -> int:
    """``countHealthyPods``: Ready pods not being deleted and not about to be (``now`` and the
    ``disruptedPods`` times are POSIX seconds)."""
    healthy = 0
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp"):
            continue
        when = parse_time(disrupted.get(pod["metadata"]["name"]))
        if when is not None and when + DELETION_TIMEOUT > now:
            continue
        if is_pod_ready(pod):
            healthy += 1
    return healthy


class DisruptionController(Controller):
    name = "disruption-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.pdbs = self.informer("poddisruptionbudgets")
        self.pods = self.informer("pods")
        self.rcs = self.informer("replicationcontrollers")
        self.rss = self.informer("replicasets")
        self.deployments = self.informer("deployments")
        self.statefulsets = self.informer("statefulsets")
        self.pdbs.add_event_handler(on_add=self.enqueue,
                                    on_update=lambda old, new: self.enqueue(new),
                                    on_delete=self.enqueue)
        self.pods.add_event_handler(on_add=self._add_pod, on_update=self._update_pod,
                                    on_delete=self._delete_pod)

    # -- handlers: only keys --------------------------------------------------------------------

    def _add_pod(self, pod: JSON) -> None:
        pdb = self._get_pdb_for_pod(pod)
        if pdb is not None:
            self.enqueue(pdb)

    def _update_pod(self, old: JSON, new: JSON) -> None:
        self._add_pod(new)

    def _delete_pod(self, obj: Any) -> None:
        pod = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        if isinstance(pod, dict):
            self._add_pod(pod)

    def _pdbs_for_pod(self, pod: Mapping[str, Any]) -> list[JSON]:
        """``GetPodPodDisruptionBudgets``: the PDBs of the pod's namespace whose (non-empty)
        selector matches its labels."""
        labels = pod.get("metadata", {}).get("labels") or {}
        if not labels:
            return []
        return selecting(self.pdbs.list(pod["metadata"].get("namespace", "")), labels)

    def _get_pdb_for_pod(self, pod: JSON) -> JSON | None:
        """``getPdbForPod``: the first matching PDB; a warning on the pod if several match."""
        pdbs = self._pdbs_for_pod(pod)
        if not pdbs:
            return None
        if len(pdbs) > 1:
            meta = pod["metadata"]
            self.recorder.event(pod, "Warning", "MultiplePodDisruptionBudgets",
                                f'Pod "{meta.get("namespace")}"/"{meta["name"]}" matches '
                                f'multiple PodDisruptionBudgets.  Chose '
                                f'"{pdbs[0]["metadata"]["name"]}" arbitrarily.')
        return pdbs[0]

    # -- sync -----------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        pdb = self.pdbs.get(key)
        if pdb is None:
            return
        try:
            self._try_sync(pdb)
        except ApiError as exc:
            if exc.code == 409:  # a conflict is retried without the fail-safe
                raise
            self._fail_safe(pdb, exc)
        except (ValueError, SelectorError) as exc:
            # upstream returns failSafe's own result: the key is not requeued once written
            self._fail_safe(pdb, exc)

    def _now(self) -> float:
        return self.kernel.datetime().timestamp()

    def _try_sync(self, pdb: JSON) -> None:
        pods = self._get_pods_for_pdb(pdb)
        if not pods:
            self.recorder.event(pdb, "Normal", "NoPods", "No matching pods found")
        try:
            expected, desired, unmanaged = self._get_expected_pod_count(pdb, pods)
        except ValueError as exc:
            self.recorder.event(pdb, "Warning", "CalculateExpectedPodCountFailed",
                                f"Failed to calculate the number of expected pods: {exc}")
            raise
        if unmanaged:
            self.recorder.event(
                pdb, "Warning", "UnmanagedPods",
                f"Pods selected by this PodDisruptionBudget (selector: "
                f"{_go_selector(pdb['spec'].get('selector'))}) were found to be unmanaged. As "
                "a result, the status of the PDB cannot be calculated correctly, which may "
                "result in undefined behavior. To account for these pods please set "
                "\".spec.minAvailable\" field of the PDB to an integer value.")
        now = self._now()
        disrupted, recheck = self._build_disrupted_pod_map(pods, pdb, now)
        healthy = count_healthy_pods(pods, disrupted, now)
        self._update_pdb_status(pdb, healthy, desired, expected, disrupted)
        if recheck is not None:
            self.enqueue_after(key_of(pdb), recheck - now, check=True)

    def _get_pods_for_pdb(self, pdb: JSON) -> list[JSON]:
        """``getPodsForPdb``: an empty selector selects nothing."""
        sel = label_selector_as_selector((pdb.get("spec") or {}).get("selector"))
        if sel.empty:
            return []
        ns = pdb["metadata"].get("namespace", "")
        return [p for p in self.pods.list(ns)
                if sel.matches(p.get("metadata", {}).get("labels") or {})]

    def _get_expected_pod_count(self, pdb: JSON,
                                pods: list[JSON]) -> tuple[int, int, list[str]]:
        """``getExpectedPodCount``: (expectedCount, desiredHealthy, unmanaged pods)."""
        spec = pdb.get("spec") or {}
        expected, desired, unmanaged = 0, 0, []
        if spec.get("maxUnavailable") is not None:
            expected, unmanaged = self._get_expected_scale(pods)
            max_unavailable = scaled_value(spec["maxUnavailable"], expected, True)
            desired = max(0, expected - max_unavailable)
        elif spec.get("minAvailable") is not None:
            min_available = spec["minAvailable"]
            if isinstance(min_available, int):
                desired = min_available
                expected = len(pods)
            else:
                expected, unmanaged = self._get_expected_scale(pods)
                desired = scaled_value(min_available, expected, True)
        return expected, desired, unmanaged

    def _get_expected_scale(self, pods: list[JSON]) -> tuple[int, list[str]]:
        """``getExpectedScale``: the sum of the scale of every controller of the pods."""
        scales: dict[str, int] = {}
        unmanaged: list[str] = []
        for pod in pods:
            ref = get_controller_of(pod)
            if ref is None:
                unmanaged.append(pod["metadata"]["name"])
                continue
            if ref.get("uid") in scales:
                continue
            ns = pod["metadata"].get("namespace", "")
            for finder in self._finders():
                found = finder(ref, ns)
                if found is not None:
                    scales[found.uid] = found.scale
                    break
            else:
                raise ValueError(f'found no controllers for pod "{pod["metadata"]["name"]}"')
        return sum(scales.values()), unmanaged

    # -- finders --------------------------------------------------------------------------------

    def _finders(self) -> list[Callable[[JSON, str], _ControllerAndScale | None]]:
        return [self._get_pod_replication_controller, self._get_pod_deployment,
                self._get_pod_replica_set, self._get_pod_stateful_set,
                self._get_scale_controller]

    @staticmethod
    def _is(ref: Mapping[str, Any], kind: str, groups: tuple[str, ...]) -> bool:
        """``verifyGroupKind``."""
        group = str(ref.get("apiVersion", "")).rpartition("/")[0]
        return ref.get("kind") == kind and group in groups

    @staticmethod
    def _scale_of(obj: Mapping[str, Any]) -> _ControllerAndScale:
        replicas = (obj.get("spec") or {}).get("replicas")
        return _ControllerAndScale(str(obj["metadata"]["uid"]),
                                   1 if replicas is None else int(replicas))

    def _owned(self, informer: Any, ref: Mapping[str, Any], ns: str) -> JSON | None:
        obj = informer.get(f"{ns}/{ref.get('name')}")
        if obj is None or obj["metadata"].get("uid") != ref.get("uid"):
            return None
        return obj  # type: ignore[no-any-return]

    def _replica_set_of(self, ref: JSON, ns: str) -> JSON | None:
        """The ReplicaSet a pod's controller reference names, if the cache has that one."""
        if not self._is(ref, "ReplicaSet", ("apps", "extensions")):
            return None
        return self._owned(self.rss, ref, ns)

    def _get_pod_replica_set(self, ref: JSON, ns: str) -> _ControllerAndScale | None:
        rs = self._replica_set_of(ref, ns)
        if rs is None:
            return None
        owner = get_controller_of(rs)
        if owner is not None and owner.get("kind") == "Deployment":
            return None  # the Deployment's scale counts (getPodDeployment)
        return self._scale_of(rs)

    def _get_pod_deployment(self, ref: JSON, ns: str) -> _ControllerAndScale | None:
        rs = self._replica_set_of(ref, ns)
        if rs is None:
            return None
        owner = get_controller_of(rs)
        if owner is None or not self._is(owner, "Deployment", ("apps", "extensions")):
            return None
        deployment = self._owned(self.deployments, owner, ns)
        return None if deployment is None else self._scale_of(deployment)

    def _get_pod_replication_controller(self, ref: JSON, ns: str) -> _ControllerAndScale | None:
        if not self._is(ref, "ReplicationController", ("",)):
            return None
        rc = self._owned(self.rcs, ref, ns)
        return None if rc is None else self._scale_of(rc)

    def _get_pod_stateful_set(self, ref: JSON, ns: str) -> _ControllerAndScale | None:
        if not self._is(ref, "StatefulSet", ("apps",)):
            return None
        sts = self._owned(self.statefulsets, ref, ns)
        return None if sts is None else self._scale_of(sts)

    def _get_scale_controller(self, ref: JSON, ns: str) -> _ControllerAndScale | None:
        """``getScaleController``: any other kind with a ``scale`` subresource."""
        from ..api.resources import by_kind

        info = by_kind(str(ref.get("apiVersion", "")), str(ref.get("kind", "")))
        if info is None or info.subresource("scale") is None:
            return None
        try:
            scale = self.client.get(info, str(ref.get("name")), ns, subresource="scale")
        except ApiError as exc:
            if exc.code == 404:
                return None
            raise
        if scale["metadata"].get("uid") != ref.get("uid"):
            return None
        return _ControllerAndScale(str(ref["uid"]), int(scale["spec"].get("replicas") or 0))

    # -- status ---------------------------------------------------------------------------------

    def _build_disrupted_pod_map(self, pods: list[JSON], pdb: JSON,
                                 now: float) -> tuple[dict[str, str], float | None]:
        """``buildDisruptedPodMap``: keep the entries of live pods younger than the timeout;
        the earliest expiry is when to look again."""
        disrupted = (pdb.get("status") or {}).get("disruptedPods")
        result: dict[str, str] = {}
        recheck: float | None = None
        if not disrupted:
            return result, recheck
        for pod in pods:
            meta = pod["metadata"]
            if meta.get("deletionTimestamp"):
                continue
            stamp = disrupted.get(meta["name"])
            when = parse_time(stamp)
            if when is None:
                continue
            expected_deletion = when + DELETION_TIMEOUT
            if expected_deletion < now:
                # upstream prints the PDB's namespace twice
                ns = pdb["metadata"].get("namespace", "")
                self.recorder.event(pod, "Warning", "NotDeleted",
                                    f"Pod was expected by PDB {ns}/{ns} to be deleted but it "
                                    "wasn't")
            else:
                if recheck is None or expected_deletion < recheck:
                    recheck = expected_deletion
                result[meta["name"]] = str(stamp)
        return result, recheck

    def _update_pdb_status(self, pdb: JSON, healthy: int, desired: int, expected: int,
                           disrupted: dict[str, str]) -> None:
        """``updatePdbStatus``: write only when something changed."""
        allowed = healthy - desired
        if expected <= 0 or allowed <= 0:
            allowed = 0
        status = pdb.get("status") or {}
        generation = int(pdb["metadata"].get("generation") or 0)
        if (int(status.get("currentHealthy") or 0) == healthy
                and int(status.get("desiredHealthy") or 0) == desired
                and int(status.get("expectedPods") or 0) == expected
                and int(status.get("disruptionsAllowed") or 0) == allowed
                and (status.get("disruptedPods") or {}) == disrupted
                and int(status.get("observedGeneration") or 0) == generation
                and conditions_are_up_to_date(pdb)):
            return
        new = copy.deepcopy(pdb)
        new_status: JSON = {"observedGeneration": generation}
        if disrupted:
            new_status["disruptedPods"] = disrupted
        new_status.update({"disruptionsAllowed": allowed, "currentHealthy": healthy,
                           "desiredHealthy": desired, "expectedPods": expected,
                           "conditions": list(status.get("conditions") or [])})
        new["status"] = new_status
        update_disruption_allowed_condition(new, self.kernel.timestamp())
        self.client.update_status("poddisruptionbudgets", new)

    def _fail_safe(self, pdb: JSON, err: Exception) -> None:
        """``failSafe``: no disruption allowed, condition ``SyncFailed`` with the error."""
        new = copy.deepcopy(pdb)
        status = new.setdefault("status", {})
        status["disruptionsAllowed"] = 0
        conditions = status.setdefault("conditions", [])
        message = err.message if isinstance(err, ApiError) else str(err)
        _set_status_condition(conditions, _condition(
            "False", SYNC_FAILED, message, int(status.get("observedGeneration") or 0)),
            self.kernel.timestamp())
        self.client.update_status("poddisruptionbudgets", new)


def _go_selector(selector: Any) -> str:
    """``%v`` of a ``*metav1.LabelSelector``: its generated ``String()``."""
    if selector is None:
        return "nil"
    labels = "".join(f"{k}: {v}," for k, v in sorted((selector.get("matchLabels") or {}).items()))
    exprs = "".join(
        f'LabelSelectorRequirement{{Key:{e.get("key")},Operator:{e.get("operator")},'
        f'Values:[{" ".join(e.get("values") or [])}],}},'
        for e in selector.get("matchExpressions") or [])
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")
