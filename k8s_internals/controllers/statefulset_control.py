"""The StatefulSet control loop: which pod to create, update or delete next, and the status.

Upstream (kubernetes/kubernetes, ``pkg/controller/statefulset/``):

- ``stateful_set_control.go`` — :class:`StatefulSetControl` (``defaultStatefulSetControl``):
  ``UpdateStatefulSet`` → ``performUpdate`` → ``getStatefulSetRevisions`` + ``updateStatefulSet``
  (``processReplica``, ``processCondemned``, ``runForAll``, ``slowStartBatch``,
  ``updateStatefulSetAfterInvariantEstablished``) → ``updateStatefulSetStatus``, then
  ``truncateHistory``;
- ``stateful_pod_control.go`` — :class:`StatefulPodControl`: claims before pods, events
  (``SuccessfulCreate`` "create Pod web-0 in StatefulSet web successful", "create Claim www-web-0
  Pod web-0 in StatefulSet web success", ``SuccessfulDelete`` "delete Pod web-2 in StatefulSet web
  successful", ``Failed*`` "... failed error: ..."), the retention-policy owner references;
- ``stateful_set_status_updater.go`` — :class:`StatefulSetStatusUpdater` (RetryOnConflict).

One pass of ``updateStatefulSet`` for ``replicas: 3`` (OrderedReady, "monotonic")::

    pods = {web-0 Running+Ready, web-1 Pending}            replicas[] = [web-0, web-1, <web-2>]
    processReplica(0): created, ready        → next
    processReplica(1): created, not ready    → stop ("waiting for Pod to be Running and Ready")
    (web-2 is created only on a later sync, once web-1 is Running and Ready)

    scale to 1: condemned = [web-2, web-1] (descending): delete web-2, stop; web-1 on a later sync

``Parallel`` ("burst") runs every step for every ordinal in slow-start batches (1, 2, 4, ...),
without waiting. A rolling update (``updateStrategy: RollingUpdate``) deletes, from the highest
ordinal down to ``partition``, pods whose ``controller-revision-hash`` is not the update revision,
at most ``maxUnavailable`` (default 1) unavailable at a time; the creation loop brings each back at
the new revision. Feature gate ``MaxUnavailableStatefulSet`` is Beta and on by default since
v1.35, so this is the path modelled (:data:`MAX_UNAVAILABLE_STATEFUL_SET`).

Simplifications: ``slowStartBatch`` runs its batch sequentially (no goroutines, so the order of
creations is by ordinal); retries on conflict happen at once and re-read the API server
(upstream backs off and re-reads its lister, which has caught up by then); metrics are not kept.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..api.selectors import label_selector_as_selector
from ..client.client import ApiError, Client
from ..client.informer import Informer
from ..client.record import EventRecorder
from ._workload_utils import is_already_exists, is_conflict, is_not_found
from .history import History, equal_revision, find_equal_revisions, sort_controller_revisions
from .statefulset_utils import (
    POD_API_VERSION,
    POD_KIND,
    allows_burst,
    apply_revision,
    complete_rolling_update,
    get_end_ordinal,
    get_ordinal,
    get_persistent_volume_claim_name,
    get_persistent_volume_claims,
    get_pod_revision,
    get_retention_policy,
    get_start_ordinal,
    get_stateful_set_max_unavailable,
    has_stale_owner_ref,
    has_unexpected_controller,
    identity_matches,
    inconsistent_status,
    is_claim_owner_up_to_date,
    is_created,
    is_failed,
    is_pending,
    is_running_and_available,
    is_running_and_ready,
    is_succeeded,
    is_terminating,
    is_unavailable,
    new_revision,
    new_versioned_stateful_set_pod,
    next_revision,
    pod_in_ordinal_range,
    replicas_of,
    sort_descending_ordinal,
    storage_matches,
    update_claim_owner_ref_for_set_and_pod,
    update_identity,
    update_storage,
)

__all__ = [
    "MAX_BATCH_SIZE",
    "MAX_UNAVAILABLE_STATEFUL_SET",
    "StatefulPodControl",
    "StatefulSetControl",
    "StatefulSetStatusUpdater",
]

JSON = dict[str, Any]

#: ``MaxBatchSize``: "realistic value for maximum in-flight requests when processing in parallel"
MAX_BATCH_SIZE = 500
#: feature gate ``MaxUnavailableStatefulSet`` (Alpha 1.24, Beta and on by default in 1.35)
MAX_UNAVAILABLE_STATEFUL_SET = True
#: ``retry.DefaultRetry`` / ``DefaultBackoff`` steps for the RetryOnConflict loops
RETRY_STEPS = 5


class StatefulControlError(Exception):
    """An error the sync returns (the key is requeued with backoff)."""


class StatefulPodControl:
    """``StatefulPodControl``: pods and claims through the API, read from the listers."""

    def __init__(self, client: Client, pod_lister: Informer, claim_lister: Informer,
                 recorder: EventRecorder) -> None:
        self.client = client
        self.pod_lister = pod_lister
        self.claim_lister = claim_lister
        self.recorder = recorder

    # -- the object manager (realStatefulPodControlObjectManager) ------------------------------

    def get_claim(self, namespace: str, name: str) -> JSON | None:
        return self.claim_lister.get(f"{namespace}/{name}")

    # -- pods ------------------------------------------------------------------------------------

    def create_stateful_pod(self, sts: JSON, pod: JSON) -> None:
        """``CreateStatefulPod``: the claims first, then the pod, then the claims' owners."""
        try:
            self.create_persistent_volume_claims(sts, pod)
        except StatefulControlError as exc:
            self.record_pod_event("create", sts, pod, exc)
            raise
        try:
            self.client.create("pods", pod, pod["metadata"].get("namespace", ""))
        except ApiError as exc:
            if is_already_exists(exc):
                raise  # "sink already exists errors": no event, the sync retries
            self.record_pod_event("create", sts, pod, exc)
            raise
        try:
            self.update_pod_claim_for_retention_policy(sts, pod)
        except Exception as exc:
            self.record_pod_event("update", sts, pod, exc)
            raise
        self.record_pod_event("create", sts, pod, None)

    def update_stateful_pod(self, sts: JSON, pod: JSON) -> None:
        """``UpdateStatefulPod``: restore identity, storage and claim owners; update if dirty."""
        attempted = False
        err: Exception | None = None
        for _ in range(RETRY_STEPS):
            consistent = True
            if not identity_matches(sts, pod):
                update_identity(sts, pod)
                consistent = False
            if not storage_matches(sts, pod):
                update_storage(sts, pod)
                consistent = False
                try:
                    self.create_persistent_volume_claims(sts, pod)
                except StatefulControlError as exc:
                    self.record_pod_event("update", sts, pod, exc)
                    raise
            try:
                if not self.claims_match_retention_policy(sts, pod):
                    self.update_pod_claim_for_retention_policy(sts, pod)
                    consistent = False
            except Exception as exc:
                self.record_pod_event("update", sts, pod, exc)
                raise
            if consistent:
                return
            attempted = True
            try:
                self.client.update("pods", pod)
                err = None
                break
            except ApiError as exc:
                err = exc
                if not is_conflict(exc):
                    break
                meta = pod["metadata"]
                try:
                    pod = self.client.get("pods", meta["name"], meta.get("namespace", ""))
                except ApiError:
                    break
        if attempted:
            self.record_pod_event("update", sts, pod, err)
        if err is not None:
            raise err

    def delete_stateful_pod(self, sts: JSON, pod: JSON) -> None:
        """``DeleteStatefulPod``."""
        meta = pod["metadata"]
        try:
            self.client.delete("pods", meta["name"], meta.get("namespace", ""))
        except ApiError as exc:
            self.record_pod_event("delete", sts, pod, exc)
            raise
        self.record_pod_event("delete", sts, pod, None)

    # -- claims ----------------------------------------------------------------------------------

    def claims_match_retention_policy(self, sts: JSON, pod: JSON) -> bool:
        """``ClaimsMatchRetentionPolicy``: every existing claim's owners follow the policy."""
        ordinal = get_ordinal(pod)
        ns = sts["metadata"].get("namespace", "")
        for template in (sts.get("spec") or {}).get("volumeClaimTemplates") or []:
            claim = self.get_claim(ns, get_persistent_volume_claim_name(sts, template, ordinal))
            if claim is None:
                continue  # "Expected claim missing, continuing to pick up in next iteration"
            if not is_claim_owner_up_to_date(claim, sts, pod):
                return False
        return True

    def update_pod_claim_for_retention_policy(self, sts: JSON, pod: JSON) -> None:
        """``UpdatePodClaimForRetentionPolicy``: rewrite the owner references of claims that do
        not follow the policy (a ``ConflictingController`` warning if another controller owns
        one)."""
        ordinal = get_ordinal(pod)
        ns = sts["metadata"].get("namespace", "")
        for template in (sts.get("spec") or {}).get("volumeClaimTemplates") or []:
            name = get_persistent_volume_claim_name(sts, template, ordinal)
            claim = self.get_claim(ns, name)
            if claim is None:
                continue
            if has_unexpected_controller(claim, sts, pod):
                self.recorder.event(
                    sts, "Warning", "ConflictingController",
                    f"PersistentVolumeClaim {name} has a conflicting OwnerReference that acts as "
                    "a manging controller, the retention policy is ignored for this claim")
            if not is_claim_owner_up_to_date(claim, sts, pod):
                claim = copy.deepcopy(claim)
                update_claim_owner_ref_for_set_and_pod(claim, sts, pod)
                try:
                    self.client.update("persistentvolumeclaims", claim)
                except ApiError as exc:
                    raise StatefulControlError(f"could not update claim {name} for delete "
                                               f"policy ownerRefs: {exc}") from exc

    def pod_claim_is_stale(self, sts: JSON, pod: JSON) -> bool:
        """``PodClaimIsStale``: with ``whenScaled: Delete``, a claim still owned by an earlier pod
        of the same name blocks the new pod (the garbage collector will delete the claim)."""
        when_scaled, _ = get_retention_policy(sts)
        if when_scaled == "Retain":
            return False
        for claim in get_persistent_volume_claims(sts, pod).values():
            pvc = self.get_claim(claim["metadata"]["namespace"], claim["metadata"]["name"])
            if pvc is not None and has_stale_owner_ref(pvc, pod, POD_API_VERSION, POD_KIND):
                return True
        return False

    def create_missing_persistent_volume_claims(self, sts: JSON, pod: JSON) -> None:
        """``createMissingPersistentVolumeClaims``."""
        self.create_persistent_volume_claims(sts, pod)
        try:
            self.update_pod_claim_for_retention_policy(sts, pod)
        except Exception as exc:
            self.record_pod_event("update", sts, pod, exc)
            raise

    def create_persistent_volume_claims(self, sts: JSON, pod: JSON) -> None:
        """``createPersistentVolumeClaims``: create the claims not in the lister; a claim being
        deleted is an error (the pod must wait for it)."""
        errors: list[str] = []
        for claim in get_persistent_volume_claims(sts, pod).values():
            meta = claim["metadata"]
            pvc = self.get_claim(meta["namespace"], meta["name"])
            if pvc is None:
                try:
                    self.client.create("persistentvolumeclaims", claim, meta["namespace"])
                except ApiError as exc:
                    errors.append(f"failed to create PVC {meta['name']}: {exc}")
                    if not is_already_exists(exc):
                        self.record_claim_event("create", sts, pod, claim, exc)
                    continue
                self.record_claim_event("create", sts, pod, claim, None)
            elif (pvc.get("metadata") or {}).get("deletionTimestamp"):
                errors.append(f"pvc {meta['name']} is being deleted")
        if errors:
            raise StatefulControlError(errors[0] if len(errors) == 1
                                       else "[" + ", ".join(errors) + "]")

    # -- events ----------------------------------------------------------------------------------

    def record_pod_event(self, verb: str, sts: JSON, pod: JSON, err: BaseException | None) -> None:
        """``recordPodEvent``: ``Successful<Verb>`` / ``Failed<Verb>``."""
        name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        if err is None:
            self.recorder.event(sts, "Normal", f"Successful{verb.title()}",
                                f"{verb.lower()} Pod {name} in StatefulSet {set_name} successful")
        else:
            self.recorder.event(sts, "Warning", f"Failed{verb.title()}",
                                f"{verb.lower()} Pod {name} in StatefulSet {set_name} failed "
                                f"error: {err}")

    def record_claim_event(self, verb: str, sts: JSON, pod: JSON, claim: JSON,
                           err: BaseException | None) -> None:
        """``recordClaimEvent`` (note upstream's "success", not "successful")."""
        name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        claim_name = claim["metadata"]["name"]
        if err is None:
            self.recorder.event(sts, "Normal", f"Successful{verb.title()}",
                                f"{verb.lower()} Claim {claim_name} Pod {name} in StatefulSet "
                                f"{set_name} success")
        else:
            self.recorder.event(sts, "Warning", f"Failed{verb.title()}",
                                f"{verb.lower()} Claim {claim_name} for Pod {name} in StatefulSet "
                                f"{set_name} failed error: {err}")


class StatefulSetStatusUpdater:
    """``realStatefulSetStatusUpdater``: PUT ``statefulsets/status``, retrying on conflict."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def update_stateful_set_status(self, sts: JSON, status: JSON) -> JSON:
        sts = copy.deepcopy(sts)
        err: ApiError | None = None
        for _ in range(RETRY_STEPS):
            sts["status"] = copy.deepcopy(status)
            try:
                return self.client.update_status("statefulsets", sts)
            except ApiError as exc:
                if not is_conflict(exc):
                    raise
                err = exc
                meta = sts["metadata"]
                sts = self.client.get("statefulsets", meta["name"], meta.get("namespace", ""))
        assert err is not None
        raise err


class StatefulSetControl:
    """``defaultStatefulSetControl``."""

    def __init__(self, pod_control: StatefulPodControl, status_updater: StatefulSetStatusUpdater,
                 history: History, now: Callable[[], float]) -> None:
        self.pod_control = pod_control
        self.status_updater = status_updater
        self.history = history
        self.now = now

    # -- revisions -------------------------------------------------------------------------------

    def list_revisions(self, sts: JSON) -> list[JSON]:
        """``ListRevisions``: the revisions matching the selector, ours or orphans."""
        selector = label_selector_as_selector((sts.get("spec") or {}).get("selector"))
        return self.history.list_controller_revisions(sts, selector)

    def adopt_orphan_revisions(self, sts: JSON, revisions: list[JSON]) -> None:
        """``AdoptOrphanRevisions``."""
        for i, rev in enumerate(revisions):
            revisions[i] = self.history.adopt_controller_revision(sts, "apps/v1", "StatefulSet",
                                                                  rev)

    def get_stateful_set_revisions(self, sts: JSON,
                                   revisions: list[JSON]) -> tuple[JSON, JSON, int]:
        """``getStatefulSetRevisions``: (current, update, collisionCount); creates the update
        revision, or renumbers an equal older one (a rollback)."""
        revisions = sort_controller_revisions(revisions)
        collision_count = int((sts.get("status") or {}).get("collisionCount") or 0)
        update = new_revision(sts, next_revision(revisions), collision_count)
        equal = find_equal_revisions(revisions, update)
        if equal and equal_revision(revisions[-1], equal[-1]):
            update = revisions[-1]  # the template has not changed
        elif equal:
            update = self.history.update_controller_revision(equal[-1], update["revision"])
        else:
            update, collision_count = self.history.create_controller_revision(
                sts, update, collision_count)
        current_name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == current_name), update)
        return current, update, collision_count

    def truncate_history(self, sts: JSON, pods: list[JSON], revisions: list[JSON],
                         current: JSON | None, update: JSON | None) -> None:
        """``truncateHistory``: delete the oldest non-live revisions beyond
        ``revisionHistoryLimit`` (live: current, update, and any pod's revision)."""
        live = {r["metadata"]["name"] for r in (current, update) if r is not None}
        live |= {get_pod_revision(p) for p in pods}
        history = [r for r in revisions if r["metadata"]["name"] not in live]
        limit = int((sts.get("spec") or {}).get("revisionHistoryLimit", 10))
        if limit < 0 or len(history) <= limit:
            return
        for rev in history[: len(history) - limit]:
            self.history.delete_controller_revision(rev)

    # -- the update --------------------------------------------------------------------------------

    def update_stateful_set(self, sts: JSON, pods: list[JSON]) -> JSON | None:
        """``UpdateStatefulSet``: perform the update, then truncate the history (even after an
        error). Returns the status written."""
        sts = copy.deepcopy(sts)
        revisions = sort_controller_revisions(self.list_revisions(sts))
        current, update, status, err = self.perform_update(sts, pods, revisions)
        self.truncate_history(sts, pods, revisions, current, update)
        if err is not None:
            raise err
        return status

    def perform_update(self, sts: JSON, pods: list[JSON], revisions: list[JSON]
                       ) -> tuple[JSON | None, JSON | None, JSON | None, Exception | None]:
        """``performUpdate``: revisions, ``updateStatefulSet``, then the status (written even when
        the update stopped on an error). Returns (current, update, status, error)."""
        try:
            current, update, collision_count = self.get_stateful_set_revisions(sts, revisions)
        except Exception as exc:
            return None, None, None, exc
        status, err = self._update_stateful_set(sts, current, update, collision_count, pods)
        if status is None:
            return current, update, None, err
        try:
            self.update_stateful_set_status(sts, status)
        except Exception as exc:
            return current, update, status, err or exc
        return current, update, status, err

    def _update_stateful_set(self, sts: JSON, current_revision: JSON, update_revision: JSON,
                             collision_count: int,
                             pods: list[JSON]) -> tuple[JSON | None, Exception | None]:
        """``updateStatefulSet``: (status, error). The status is valid unless it is None."""
        now = self.now()
        spec = sts.get("spec") or {}
        min_ready = int(spec.get("minReadySeconds") or 0)
        current_set = apply_revision(sts, current_revision)
        update_set = apply_revision(sts, update_revision)
        status: JSON = {
            "observedGeneration": int(sts["metadata"].get("generation") or 0),
            "currentRevision": current_revision["metadata"]["name"],
            "updateRevision": update_revision["metadata"]["name"],
            "collisionCount": collision_count,
        }
        _update_status(status, min_ready, current_revision, update_revision, now, pods)

        start, end = get_start_ordinal(sts), get_end_ordinal(sts)
        replicas: list[JSON | None] = [None] * replicas_of(sts)
        condemned: list[JSON] = []
        for pod in pods:
            if pod_in_ordinal_range(pod, sts):
                replicas[get_ordinal(pod) - start] = pod
            elif get_ordinal(pod) >= 0:
                condemned.append(pod)
        for ordinal in range(start, end + 1):
            if replicas[ordinal - start] is None:
                replicas[ordinal - start] = new_versioned_stateful_set_pod(
                    current_set, update_set, current_revision["metadata"]["name"],
                    update_revision["metadata"]["name"], ordinal)
        live: list[JSON] = [p for p in replicas if p is not None]
        condemned = sort_descending_ordinal(condemned)

        first_unavailable: JSON | None = None
        for pod in [*live, *reversed(condemned)]:
            if first_unavailable is None and is_unavailable(pod, min_ready, now):
                first_unavailable = pod

        if sts["metadata"].get("deletionTimestamp"):
            return status, None

        monotonic = not allows_burst(sts)

        def finish(err: Exception | None) -> tuple[JSON, Exception | None]:
            _update_status(status, min_ready, current_revision, update_revision, now, live,
                           condemned)
            return status, err

        # process each living replica; exit on error or on something blocking in monotonic mode
        def process_replica(i: int) -> bool:
            return self.process_replica(sts, update_set, monotonic, live, i, now)

        should_exit, err = _run_for_all(live, process_replica, monotonic)
        if should_exit or err is not None:
            return finish(err)

        # fix the claims of condemned pods, if necessary
        def fix_pod_claim(i: int) -> bool:
            if not self.pod_control.claims_match_retention_policy(update_set, condemned[i]):
                self.pod_control.update_pod_claim_for_retention_policy(update_set, condemned[i])
            return False

        should_exit, err = _run_for_all(condemned, fix_pod_claim, monotonic)
        if should_exit or err is not None:
            return finish(err)

        # all live replicas are Running, Ready and Available: terminate in descending order
        def process_condemned(i: int) -> bool:
            return self.process_condemned(sts, first_unavailable, monotonic, condemned, i, now)

        should_exit, err = _run_for_all(condemned, process_condemned, monotonic)
        if should_exit or err is not None:
            return finish(err)

        _update_status(status, min_ready, current_revision, update_revision, now, live, condemned)

        if (spec.get("updateStrategy") or {}).get("type") == "OnDelete":
            return status, None  # pods are updated when they are deleted by hand
        try:
            if MAX_UNAVAILABLE_STATEFUL_SET:
                self._update_after_invariant_established(sts, live, update_revision, status, now)
            else:
                self._update_one_at_a_time(sts, live, update_revision, status, now)
        except ApiError as exc:
            return status, exc
        return status, None

    def process_replica(self, sts: JSON, update_set: JSON, monotonic: bool, replicas: list[JSON],
                        i: int, now: float) -> bool:
        """``processReplica``: True means "stop here" (monotonic) — errors raise."""
        pod = replicas[i]
        min_ready = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
        if is_failed(pod) or is_succeeded(pod):
            if not is_terminating(pod):
                self.pod_control.delete_stateful_pod(sts, pod)
            return True  # a new pod is created on a later sync, once this one is gone
        if not is_created(pod):
            if self.pod_control.pod_claim_is_stale(sts, pod):
                return True  # wait for the garbage collector to remove the stale claim
            self.pod_control.create_stateful_pod(sts, pod)
            if monotonic:
                return True
        if is_pending(pod):
            self.pod_control.create_missing_persistent_volume_claims(sts, pod)
        if monotonic and is_terminating(pod):
            return True  # "waiting for Pod to Terminate"
        if monotonic and not is_running_and_ready(pod):
            return True  # "waiting for Pod to be Running and Ready"
        if monotonic and not is_running_and_available(pod, min_ready, now):
            return True  # "waiting for Pod to be Available"
        try:
            retention_match = self.pod_control.claims_match_retention_policy(update_set, pod)
        except Exception:
            retention_match = True
        if identity_matches(sts, pod) and storage_matches(sts, pod) and retention_match:
            return False
        self.pod_control.update_stateful_pod(update_set, copy.deepcopy(pod))
        return False

    def process_condemned(self, sts: JSON, first_unhealthy: JSON | None, monotonic: bool,
                          condemned: list[JSON], i: int, now: float) -> bool:
        """``processCondemned``: delete ``condemned[i]`` unless, in monotonic mode, it is
        terminating or an unhealthy pod other than the first unhealthy one."""
        pod = condemned[i]
        min_ready = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
        if is_terminating(pod):
            return monotonic  # "waiting for Pod to Terminate prior to scale down"
        if monotonic and pod is not first_unhealthy and not is_running_and_ready(pod):
            return True
        if monotonic and pod is not first_unhealthy and not is_running_and_available(
                pod, min_ready, now):
            return True
        self.pod_control.delete_stateful_pod(sts, pod)
        return True

    def _update_after_invariant_established(self, sts: JSON, replicas: list[JSON],
                                            update_revision: JSON, status: JSON,
                                            now: float) -> None:
        """``updateStatefulSetAfterInvariantEstablished``: delete up to
        ``maxUnavailable - unavailable`` outdated pods, highest ordinal first, down to the
        partition."""
        spec = sts.get("spec") or {}
        min_ready = int(spec.get("minReadySeconds") or 0)
        ru = (spec.get("updateStrategy") or {}).get("rollingUpdate")
        update_min, max_unavailable = 0, 1
        if ru is not None:
            update_min = int(ru.get("partition") or 0)
            max_unavailable = get_stateful_set_max_unavailable(ru.get("maxUnavailable"),
                                                               replicas_of(sts))
        unavailable = sum(1 for p in replicas if is_unavailable(p, min_ready, now))
        if unavailable > max_unavailable:
            return
        to_delete = max_unavailable - unavailable
        deleted = 0
        target = len(replicas) - 1
        while target >= update_min and deleted < to_delete:
            pod = replicas[target]
            if (get_pod_revision(pod) != update_revision["metadata"]["name"]
                    and not is_terminating(pod)):
                try:
                    self.pod_control.delete_stateful_pod(sts, pod)
                except ApiError as exc:
                    if not is_not_found(exc):
                        raise
                deleted += 1
                status["currentReplicas"] = int(status.get("currentReplicas") or 0) - 1
            target -= 1

    def _update_one_at_a_time(self, sts: JSON, replicas: list[JSON], update_revision: JSON,
                              status: JSON, now: float) -> None:
        """The path without ``MaxUnavailableStatefulSet``: delete the highest outdated pod; wait
        while an updated pod is unavailable."""
        spec = sts.get("spec") or {}
        min_ready = int(spec.get("minReadySeconds") or 0)
        ru = (spec.get("updateStrategy") or {}).get("rollingUpdate")
        update_min = int((ru or {}).get("partition") or 0)
        for target in range(len(replicas) - 1, update_min - 1, -1):
            pod = replicas[target]
            if (get_pod_revision(pod) != update_revision["metadata"]["name"]
                    and not is_terminating(pod)):
                try:
                    self.pod_control.delete_stateful_pod(sts, pod)
                except ApiError as exc:
                    if not is_not_found(exc):
                        raise
                status["currentReplicas"] = int(status.get("currentReplicas") or 0) - 1
                return
            if is_unavailable(pod, min_ready, now):
                return

    def update_stateful_set_status(self, sts: JSON, status: JSON) -> None:
        """``updateStatefulSetStatus``: complete a finished rolling update, then write the status
        if it differs."""
        complete_rolling_update(sts, status)
        if not inconsistent_status(sts, status):
            return
        self.status_updater.update_stateful_set_status(sts, _go_status(status))


def _go_status(status: JSON) -> JSON:
    """The status as Go serialises ``StatefulSetStatus`` (``omitempty`` zeros dropped;
    ``replicas`` and ``availableReplicas`` always written)."""
    out: JSON = {}
    for name in ("observedGeneration", "replicas", "readyReplicas", "currentReplicas",
                 "updatedReplicas", "currentRevision", "updateRevision", "collisionCount",
                 "availableReplicas"):
        value = status.get(name)
        if name in ("replicas", "availableReplicas"):
            out[name] = int(value or 0)
        elif value not in (None, 0, "") or (name == "collisionCount" and value is not None):
            out[name] = value
    return out


def _update_status(status: JSON, min_ready: int, current: JSON, update: JSON, now: float,
                   *pod_lists: list[JSON]) -> None:
    """``updateStatus`` / ``computeReplicaStatus``: count created, ready, available, current and
    updated pods (not-yet-created pods count for nothing)."""
    counts = dict.fromkeys(("replicas", "readyReplicas", "availableReplicas", "currentReplicas",
                            "updatedReplicas"), 0)
    current_name, update_name = current["metadata"]["name"], update["metadata"]["name"]
    for pods in pod_lists:
        for pod in pods:
            if is_created(pod):
                counts["replicas"] += 1
            if is_running_and_ready(pod):
                counts["readyReplicas"] += 1
                if is_running_and_available(pod, min_ready, now):
                    counts["availableReplicas"] += 1
            if is_created(pod) and not is_terminating(pod):
                revision = get_pod_revision(pod)
                if revision == current_name:
                    counts["currentReplicas"] += 1
                if revision == update_name:
                    counts["updatedReplicas"] += 1
    status.update(counts)


def _run_for_all(pods: list[JSON], fn: Callable[[int], bool],
                 monotonic: bool) -> tuple[bool, Exception | None]:
    """``runForAll``: in order, stopping at the first "exit" (monotonic), or in slow-start
    batches of 1, 2, 4... up to :data:`MAX_BATCH_SIZE`, stopping after a batch with errors."""
    if monotonic:
        for i in range(len(pods)):
            try:
                if fn(i):
                    return True, None
            except Exception as exc:
                return True, exc
        return False, None
    remaining, j, batch = len(pods), 0, min(len(pods), 1)
    while batch > 0:
        errors: list[Exception] = []
        for _ in range(batch):
            try:
                fn(j)
            except Exception as exc:
                errors.append(exc)
            j += 1
        if errors:
            return True, errors[0]
        remaining -= batch
        batch = min(2 * batch, remaining, MAX_BATCH_SIZE)
    return False, None
