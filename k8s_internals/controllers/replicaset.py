"""The ReplicaSet controller: keep ``spec.replicas`` pods running for each ReplicaSet.

Upstream: ``pkg/controller/replicaset/replica_set.go`` (``ReplicaSetController``,
``NewBaseController``, the ``addRS``/``updateRS``/``deleteRS`` and ``addPod``/``updatePod``/
``deletePod`` handlers, ``resolveControllerRef``, ``getPodReplicaSets``,
``getReplicaSetsWithSameController``, ``getIndirectlyRelatedPods``, ``manageReplicas``,
``syncReplicaSet``, ``claimPods``, ``slowStartBatch``, ``getPodsToDelete``, ``getPodKeys``) and
``pkg/controller/replicaset/replica_set_utils.go`` (``updateReplicaSetStatus``,
``calculateStatus``, the ``ReplicaFailure`` condition helpers). Listers:
``client-go/listers/apps/v1/replicaset_expansion.go`` (``GetPodReplicaSets``).

One sync, for key ``ns/name``::

    rs gone?                      → forget its expectations, done
    expectations satisfied?       (creations/deletions we asked for have all been observed)
    pods = active pods in ns      (not Succeeded/Failed, not being deleted)
    pods = claim(pods)            (adopt matching orphans, release owned pods that no longer match)
    if satisfied: diff = len(pods) - spec.replicas
        diff < 0: expect min(-diff, 500) creations; POST pods in slow-start batches 1, 2, 4, ...
        diff > 0: pick min(diff, 500) pods by the deletion ranking; expect those deletions; DELETE
    status = {replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
              observedGeneration, conditions[ReplicaFailure]}   → PUT .../status if it changed

Events on the ReplicaSet: ``SuccessfulCreate`` "Created pod: <name>", ``FailedCreate`` "Error
creating: <err>", ``SuccessfulDelete`` "Deleted pod: <name>", ``FailedDelete`` (see
:class:`~.controller_utils.PodControl`).

The ReplicationController manager (:mod:`.replication`) is this same controller behind
adapters, as upstream: subclasses change :attr:`kind`, :attr:`api_version`, :attr:`resource`
and the hooks :meth:`_rs_source`, :meth:`_event_object`, :meth:`_update_status`,
:meth:`_get_fresh`.

Simplifications: ``status.terminatingReplicas`` (the alpha
``DeploymentReplicaSetTerminatingReplicas`` feature) is not reported; deletions of a batch run
one after the other instead of in goroutines.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Protocol

from ..api.selectors import (
    Selector,
    SelectorError,
    label_selector_as_selector,
    selecting,
    selector_from_set,
)
from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.expectations import ControllerExpectations, UIDTrackingControllerExpectations
from ..client.informer import Informer, InformerFactory
from ..sim import Kernel
from .base import Controller, key_of
from .controller_ref_manager import PodControllerRefManager, recheck_deletion_timestamp
from .controller_utils import (
    JSON,
    NAMESPACE_TERMINATING_CAUSE,
    SLOW_START_INITIAL_BATCH_SIZE,
    ControllerError,
    PodControl,
    filter_active_pods,
    get_controller_of,
    get_pods_ranked_by_related_pods_on_same_node,
    has_status_cause,
    is_pod_available,
    is_pod_ready,
    new_controller_ref,
    pod_key,
    slow_start_batch,
    with_type,
)

__all__ = [
    "BURST_REPLICAS",
    "CONTROLLER_UID_INDEX",
    "ReplicaSetController",
    "calculate_status",
    "get_pods_to_delete",
]

#: ``BurstReplicas``: at most this many creations or deletions per sync
BURST_REPLICAS = 500
#: ``statusUpdateRetries``: one GET + PUT retry after a failed status update
STATUS_UPDATE_RETRIES = 1
#: ``controllerUIDIndex``: ReplicaSets indexed by their controller's UID
CONTROLLER_UID_INDEX = "controllerUID"
#: ``apps.ReplicaSetReplicaFailure``
REPLICA_FAILURE = "ReplicaFailure"

#: status fields with ``omitempty`` (``replicas`` is always written)
_OMITEMPTY = ("fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration")


class RSSource(Protocol):
    """What the controller needs from its ReplicaSet informer (an :class:`Informer`, or the
    RC adapter)."""

    def get(self, key: str) -> JSON | None: ...
    def list(self, namespace: str = "") -> list[JSON]: ...
    def by_index(self, index_name: str, value: str) -> list[JSON]: ...
    def add_indexers(self, indexers: dict[str, Any]) -> None: ...
    def has_index(self, name: str) -> bool: ...
    def add_event_handler(self, on_add: Any = None, on_update: Any = None,
                          on_delete: Any = None) -> Any: ...


class _InformerSource:
    """An :class:`Informer` seen as an :class:`RSSource`."""

    def __init__(self, informer: Informer) -> None:
        self.informer = informer

    def get(self, key: str) -> JSON | None:
        return self.informer.get(key)

    def list(self, namespace: str = "") -> list[JSON]:
        return self.informer.list(namespace)

    def by_index(self, index_name: str, value: str) -> list[JSON]:
        return self.informer.by_index(index_name, value)

    def add_indexers(self, indexers: dict[str, Any]) -> None:
        self.informer.add_indexers(indexers)

    def has_index(self, name: str) -> bool:
        return name in self.informer.indexer.get_indexers()

    def add_event_handler(self, on_add: Any = None, on_update: Any = None,
                          on_delete: Any = None) -> Any:
        return self.informer.add_event_handler(on_add, on_update, on_delete)


def controller_uid_index_func(obj: Any) -> list[str]:
    """The ``controllerUID`` index: the UID of the object's controller, if any."""
    ref = get_controller_of(obj) if isinstance(obj, Mapping) else None
    return [str(ref["uid"])] if ref and ref.get("uid") else []


# -- replica_set_utils.go ----------------------------------------------------------------------


def _int(status: Mapping[str, Any], key: str) -> int:
    return int(status.get(key, 0) or 0)


def get_condition(status: Mapping[str, Any], cond_type: str) -> JSON | None:
    """``GetCondition``."""
    for c in status.get("conditions") or []:
        if c.get("type") == cond_type:
            return dict(c)
    return None


def set_condition(status: JSON, condition: JSON) -> None:
    """``SetCondition``: add or replace, unless one with the same status and reason exists."""
    current = get_condition(status, condition["type"])
    if current and current.get("status") == condition["status"] and \
            current.get("reason") == condition.get("reason"):
        return
    status["conditions"] = [c for c in status.get("conditions") or []
                            if c.get("type") != condition["type"]] + [condition]


def remove_condition(status: JSON, cond_type: str) -> None:
    """``RemoveCondition``."""
    conds = [c for c in status.get("conditions") or [] if c.get("type") != cond_type]
    if conds:
        status["conditions"] = conds
    else:
        status.pop("conditions", None)


def calculate_status(rs: Mapping[str, Any], filtered_pods: list[JSON],
                     manage_replicas_err: BaseException | None, now: float,
                     timestamp: str) -> JSON:
    """``calculateStatus``: counts over the claimed active pods, and the ``ReplicaFailure``
    condition (``FailedCreate`` / ``FailedDelete``, message = the error) while
    ``manageReplicas`` fails. ``now`` is POSIX seconds (availability), ``timestamp`` its RFC
    3339 form (the condition's ``lastTransitionTime``)."""
    new_status: JSON = copy.deepcopy(dict(rs.get("status") or {}))
    spec = rs.get("spec", {})
    template_labels = selector_from_set((spec.get("template") or {}).get("metadata", {})
                                        .get("labels") or {})
    min_ready = int(spec.get("minReadySeconds", 0) or 0)
    fully_labeled = ready = available = 0
    for pod in filtered_pods:
        if template_labels.matches(pod.get("metadata", {}).get("labels") or {}):
            fully_labeled += 1
        if is_pod_ready(pod):
            ready += 1
            if is_pod_available(pod, min_ready, now):
                available += 1
    failure = get_condition(new_status, REPLICA_FAILURE)
    if manage_replicas_err is not None and failure is None:
        diff = len(filtered_pods) - int(spec.get("replicas", 0) or 0)
        reason = "FailedCreate" if diff < 0 else "FailedDelete" if diff > 0 else ""
        set_condition(new_status, {"type": REPLICA_FAILURE, "status": "True",
                                   "lastTransitionTime": timestamp, "reason": reason,
                                   "message": str(manage_replicas_err)})
    elif manage_replicas_err is None and failure is not None:
        remove_condition(new_status, REPLICA_FAILURE)
    new_status["replicas"] = len(filtered_pods)
    new_status["fullyLabeledReplicas"] = fully_labeled
    new_status["readyReplicas"] = ready
    new_status["availableReplicas"] = available
    return new_status


def _wire_status(status: JSON) -> JSON:
    """The status as Go's JSON encoder writes it (``omitempty`` zeros dropped)."""
    out = dict(status)
    for k in _OMITEMPTY:
        if not out.get(k):
            out.pop(k, None)
    out["replicas"] = _int(status, "replicas")
    return out


def status_unchanged(rs: Mapping[str, Any], new_status: Mapping[str, Any]) -> bool:
    """The steady-state test at the top of ``updateReplicaSetStatus``."""
    old = rs.get("status") or {}
    return (all(_int(old, k) == _int(new_status, k) for k in
                ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas"))
            and int(rs["metadata"].get("generation", 0)) == _int(old, "observedGeneration")
            and (old.get("conditions") or []) == (new_status.get("conditions") or []))


def get_pods_to_delete(filtered_pods: list[JSON], related_pods: list[JSON], diff: int,
                       now: float | None) -> list[JSON]:
    """``getPodsToDelete``: the first ``diff`` pods by the ranked deletion order (no sorting
    when all of them go)."""
    if diff < len(filtered_pods):
        ranked = get_pods_ranked_by_related_pods_on_same_node(filtered_pods, related_pods, now)
        ranked.sort()
        filtered_pods = ranked.pods
    return filtered_pods[:diff]


# -- the controller ----------------------------------------------------------------------------


class ReplicaSetController(Controller):
    """``ReplicaSetController`` (kube-controller-manager's ``replicaset-controller``)."""

    name = "replicaset-controller"
    #: ``--concurrent-replicaset-syncs`` default
    workers = 5
    kind = "ReplicaSet"
    api_version = "apps/v1"
    resource = "replicasets"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 burst_replicas: int = BURST_REPLICAS) -> None:
        super().__init__(client, kernel, factory)
        self.burst_replicas = burst_replicas
        self.expectations = UIDTrackingControllerExpectations(
            ControllerExpectations(lambda: kernel.now))
        self.pod_control = PodControl(client, self.recorder)
        self.rs_source: RSSource = self._rs_source()
        if not self.rs_source.has_index(CONTROLLER_UID_INDEX):
            self.rs_source.add_indexers({CONTROLLER_UID_INDEX: controller_uid_index_func})
        self.rs_source.add_event_handler(self._add_rs, self._update_rs, self._delete_rs)
        self.pods = self.informer("pods")
        self.pods.add_event_handler(self._add_pod, self._update_pod, self._delete_pod)

    # -- hooks the ReplicationManager overrides ------------------------------------------------

    def _rs_source(self) -> RSSource:
        return _InformerSource(self.informer(self.resource))

    def _event_object(self, rs: JSON) -> JSON:
        """The object events are recorded on (upstream's podControlAdapter converts back)."""
        return rs

    def _update_status(self, rs: JSON) -> JSON:
        return self.client.update_status(self.resource, rs)

    def _get_fresh(self, namespace: str, name: str) -> JSON:
        return self.client.get(self.resource, name, namespace)

    def _now(self) -> float:
        return self.kernel.datetime().timestamp()

    # -- handlers ------------------------------------------------------------------------------

    def _add_rs(self, rs: JSON) -> None:
        self.enqueue(rs)

    def _update_rs(self, old: JSON, cur: JSON) -> None:
        if old["metadata"].get("uid") != cur["metadata"].get("uid"):
            self._delete_rs(DeletedFinalStateUnknown(key_of(old), old))
        # "it is safer to sync any time": spec, status and labels all matter
        self.enqueue(cur)

    def _delete_rs(self, obj: Any) -> None:
        rs = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        key = key_of(rs)
        self.expectations.delete_expectations(key)
        self.enqueue_key(key)

    def resolve_controller_ref(self, namespace: str, ref: Mapping[str, Any]) -> JSON | None:
        """``resolveControllerRef``: our object named by the ref, if its UID matches."""
        if ref.get("kind") != self.kind:
            return None
        rs = self.rs_source.get(f"{namespace}/{ref.get('name')}")
        if rs is None or rs["metadata"].get("uid") != ref.get("uid"):
            return None
        return rs

    def get_pod_replica_sets(self, pod: Mapping[str, Any]) -> list[JSON]:
        """``GetPodReplicaSets``: our objects whose (non-empty) selector matches the pod."""
        labels = pod.get("metadata", {}).get("labels") or {}
        if not labels:
            return []
        return selecting(self.rs_source.list(pod["metadata"].get("namespace", "")), labels)

    def _add_pod(self, pod: JSON) -> None:
        if pod["metadata"].get("deletionTimestamp"):
            # a pod that shows up already being deleted must not count as a creation
            self._delete_pod(pod)
            return
        ref = get_controller_of(pod)
        if ref is not None:
            rs = self.resolve_controller_ref(pod["metadata"].get("namespace", ""), ref)
            if rs is None:
                return
            key = key_of(rs)
            self.expectations.creation_observed(key)
            self.enqueue_key(key)
            return
        # an orphan: wake every matching controller, one of them may adopt it
        for rs in self.get_pod_replica_sets(pod):
            self.enqueue(rs)

    def _update_pod(self, old: JSON, cur: JSON) -> None:
        if cur["metadata"].get("resourceVersion") == old["metadata"].get("resourceVersion"):
            return  # a periodic resync
        label_changed = cur["metadata"].get("labels") != old["metadata"].get("labels")
        if cur["metadata"].get("deletionTimestamp"):
            # graceful deletion: count it as deleted now, not when the kubelet removes it
            self._delete_pod(cur)
            if label_changed:
                self._delete_pod(old)
            return
        cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
        ref_changed = cur_ref != old_ref
        ns = cur["metadata"].get("namespace", "")
        if ref_changed and old_ref is not None:
            old_rs = self.resolve_controller_ref(ns, old_ref)
            if old_rs is not None:
                self.enqueue(old_rs)
        if cur_ref is not None:
            rs = self.resolve_controller_ref(ns, cur_ref)
            if rs is None:
                return
            self.enqueue(rs)
            min_ready = int(rs.get("spec", {}).get("minReadySeconds", 0) or 0)
            if not is_pod_ready(old) and is_pod_ready(cur) and min_ready > 0:
                # "Add a second to avoid milliseconds skew in AddAfter"
                self.enqueue_after(key_of(rs), min_ready + 1)
            return
        if label_changed or ref_changed:
            for rs in self.get_pod_replica_sets(cur):
                self.enqueue(rs)

    def _delete_pod(self, obj: Any) -> None:
        pod = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        ref = get_controller_of(pod)
        if ref is None:
            return  # nobody cares about an orphan going away
        rs = self.resolve_controller_ref(pod["metadata"].get("namespace", ""), ref)
        if rs is None:
            return
        key = key_of(rs)
        self.expectations.deletion_observed(key, pod_key(pod))
        self.enqueue_key(key)

    # -- sync ----------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``syncReplicaSet``."""
        namespace = key.split("/", 1)[0]
        cached = self.rs_source.get(key)
        if cached is None:
            self.expectations.delete_expectations(key)
            return
        rs = with_type(cached, "apps/v1", "ReplicaSet")
        rs_needs_sync = self.expectations.satisfied_expectations(key)
        try:
            selector = label_selector_as_selector(rs.get("spec", {}).get("selector"))
        except SelectorError:
            return  # "error converting pod selector to selector": not retried
        # all pods of the namespace: also those that no longer match but carry our ref
        filtered = filter_active_pods(self.pods.list(namespace))
        filtered = self.claim_pods(rs, selector, filtered)
        manage_err: BaseException | None = None
        if rs_needs_sync and not rs["metadata"].get("deletionTimestamp"):
            try:
                self.manage_replicas(filtered, rs)
            except Exception as err:
                manage_err = err
        rs = copy.deepcopy(rs)
        new_status = calculate_status(rs, filtered, manage_err, self._now(),
                                      self.kernel.timestamp())
        updated = self.update_replica_set_status(rs, new_status)
        spec = updated.get("spec", {})
        min_ready = int(spec.get("minReadySeconds", 0) or 0)
        status = updated.get("status") or {}
        if manage_err is None and min_ready > 0 and \
                _int(status, "readyReplicas") == int(spec.get("replicas", 0)) and \
                _int(status, "availableReplicas") != int(spec.get("replicas", 0)):
            # "Resync the ReplicaSet after MinReadySeconds as a last line of defense"
            self.enqueue_after(key, min_ready)
        if manage_err is not None:
            raise manage_err

    def claim_pods(self, rs: JSON, selector: Selector, pods: list[JSON]) -> list[JSON]:
        """``claimPods``: adopt/release, re-reading the controller before any adoption."""
        meta = rs["metadata"]

        def fresh() -> JSON:
            obj = self._get_fresh(meta.get("namespace", ""), meta["name"])
            if obj["metadata"].get("uid") != meta.get("uid"):
                raise ControllerError(
                    f"original {self.kind} {meta.get('namespace')}/{meta['name']} is gone: got "
                    f"uid {obj['metadata'].get('uid')}, wanted {meta.get('uid')}")
            return obj

        cm = PodControllerRefManager(self.pod_control, rs, selector, self.api_version, self.kind,
                                     recheck_deletion_timestamp(fresh))
        return cm.claim_pods(pods)

    def get_replica_sets_with_same_controller(self, rs: JSON) -> list[JSON]:
        """``getReplicaSetsWithSameController``: siblings under one Deployment."""
        ref = get_controller_of(rs)
        if ref is None:
            return []
        return self.rs_source.by_index(CONTROLLER_UID_INDEX, str(ref.get("uid")))

    def get_indirectly_related_pods(self, rs: JSON) -> list[JSON]:
        """``getIndirectlyRelatedPods``: the pods of every ReplicaSet that shares our owner."""
        related: list[JSON] = []
        seen: set[str] = set()
        for other in self.get_replica_sets_with_same_controller(rs):
            try:
                selector = label_selector_as_selector(other.get("spec", {}).get("selector"))
            except SelectorError:
                continue
            for pod in self.pods.list(other["metadata"].get("namespace", "")):
                if not selector.matches(pod["metadata"].get("labels") or {}):
                    continue
                uid = str(pod["metadata"].get("uid"))
                if uid in seen:
                    continue
                seen.add(uid)
                related.append(pod)
        return related

    def manage_replicas(self, active_pods: list[JSON], rs: JSON) -> None:
        """``manageReplicas``: create or delete pods to close the gap (raises on failure)."""
        key = key_of(rs)
        ns = rs["metadata"].get("namespace", "")
        diff = len(active_pods) - int(rs.get("spec", {}).get("replicas", 0) or 0)
        event_obj = self._event_object(rs)
        if diff < 0:
            diff = min(-diff, self.burst_replicas)
            # "TODO: Track UIDs of creates just like deletes"
            self.expectations.expect_creations(key, diff)
            template = rs["spec"].get("template") or {}
            ref = new_controller_ref(rs, self.api_version, self.kind)

            def create() -> None:
                try:
                    self.pod_control.create_pods(ns, template, event_obj, ref)
                except ApiError as err:
                    if has_status_cause(err, NAMESPACE_TERMINATING_CAUSE):
                        return  # the namespace is going away: nothing to do
                    raise

            successes, err = slow_start_batch(diff, SLOW_START_INITIAL_BATCH_SIZE, create)
            # "Any skipped pods that we never attempted to start shouldn't be expected."
            for _ in range(diff - successes):
                self.expectations.creation_observed(key)
            if err is not None:
                raise err
        elif diff > 0:
            diff = min(diff, self.burst_replicas)
            related = self.get_indirectly_related_pods(rs)
            to_delete = get_pods_to_delete(active_pods, related, diff, self._now())
            self.expectations.expect_deletions(key, [pod_key(p) for p in to_delete])
            errors: list[BaseException] = []
            for pod in to_delete:
                try:
                    self.pod_control.delete_pod(ns, pod["metadata"]["name"], event_obj)
                except Exception as err:
                    # the informer will never see this deletion
                    self.expectations.deletion_observed(key, pod_key(pod))
                    if not (isinstance(err, ApiError) and err.code == 404):
                        errors.append(err)
            if errors:
                raise errors[0]

    def update_replica_set_status(self, rs: JSON, new_status: JSON) -> JSON:
        """``updateReplicaSetStatus``: PUT the status (with ``observedGeneration``) unless it is
        unchanged; on failure GET and retry once."""
        if status_unchanged(rs, new_status):
            return rs
        new_status["observedGeneration"] = int(rs["metadata"].get("generation", 0))
        cur = rs
        i = 0
        while True:
            cur = dict(cur)
            cur["status"] = _wire_status(new_status)
            try:
                return self._update_status(cur)
            except ApiError:
                if i >= STATUS_UPDATE_RETRIES:
                    raise
            i += 1
            meta = rs["metadata"]
            cur = self._get_fresh(meta.get("namespace", ""), meta["name"])
