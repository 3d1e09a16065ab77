"""Adoption and orphaning: which objects a controller owns, decided from its selector and the
objects' controller references.

Upstream: ``pkg/controller/controller_ref_manager.go`` in kubernetes/kubernetes —
``BaseControllerRefManager`` (``CanAdopt``, ``ClaimObject``), ``PodControllerRefManager``
(``ClaimPods``, ``AdoptPod``, ``ReleasePod``), ``ReplicaSetControllerRefManager``
(``ClaimReplicaSets``, ``AdoptReplicaSet``, ``ReleaseReplicaSet``), ``RecheckDeletionTimestamp``,
``ownerRefControllerPatch`` and ``GenerateDeleteOwnerRefStrategicMergeBytes``.

``ClaimObject``, for one object, decides::

    controller ref points at us?   selector matches?   → result
    yes                            yes                 → ours (even while we are being deleted)
    yes                            no                  → release it (patch the ref away),
                                                          unless we are being deleted
    another controller             -                   → not ours, leave it alone
    no controller (an orphan)      yes                 → adopt it (patch a controller ref in),
                                                          unless we or it are being deleted, or
                                                          it lives in another namespace
    no controller (an orphan)      no                  → not ours

Adoption first re-reads the controller with a quorum GET (``canAdopt``, once per sync) so a
controller that was just deleted does not adopt (kubernetes/kubernetes#42639). Adopting sends a
strategic merge patch carrying the object's ``uid`` and the new ``ownerReferences`` entry;
releasing sends ``{"$patch": "delete", "uid": <owner uid>}`` for that entry. A release that
answers 404 or 422 is ignored (the object is gone, or was re-created with another UID).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..api.selectors import Selector
from ..client.client import ApiError
from .controller_utils import JSON, AggregateError, ControllerError, PodControl, RSControl

__all__ = [
    "BaseControllerRefManager",
    "PodControllerRefManager",
    "ReplicaSetControllerRefManager",
    "generate_delete_owner_ref_strategic_merge_patch",
    "owner_ref_controller_patch",
    "recheck_deletion_timestamp",
]


def recheck_deletion_timestamp(get_object: Callable[[], Mapping[str, Any]]) -> Callable[[], None]:
    """``RecheckDeletionTimestamp``: a ``canAdopt`` function that raises if a fresh read of the
    controller fails or shows it being deleted."""
    def can_adopt() -> None:
        try:
            obj = get_object()
        except Exception as err:
            raise ControllerError(f"can't recheck DeletionTimestamp: {err}") from err
        meta = obj.get("metadata", {})
        if meta.get("deletionTimestamp"):
            raise ControllerError(f"{meta.get('namespace', '')}/{meta.get('name')} has just been "
                                  f"deleted at {meta['deletionTimestamp']}")
    return can_adopt


def owner_ref_controller_patch(controller: Mapping[str, Any], api_version: str, kind: str,
                               uid: str, finalizers: Iterable[str] = ()) -> JSON:
    """``ownerRefControllerPatch``: the adoption patch."""
    meta = controller["metadata"]
    patch: JSON = {"metadata": {
        "ownerReferences": [{"apiVersion": api_version, "kind": kind, "name": meta["name"],
                             "uid": meta["uid"], "controller": True,
                             "blockOwnerDeletion": True}],
        "uid": uid,
    }}
    if finalizers:
        patch["metadata"]["finalizers"] = list(finalizers)
    return patch


def generate_delete_owner_ref_strategic_merge_patch(dependent_uid: str, owner_uids: Iterable[str],
                                                    finalizers: Iterable[str] = ()) -> JSON:
    """``GenerateDeleteOwnerRefStrategicMergeBytes``: the release patch."""
    patch: JSON = {"metadata": {
        "uid": dependent_uid,
        "ownerReferences": [{"$patch": "delete", "uid": u} for u in owner_uids],
    }}
    if finalizers:
        patch["metadata"]["$deleteFromPrimitiveList/finalizers"] = list(finalizers)
    return patch


class BaseControllerRefManager:
    """``BaseControllerRefManager``: the controller object, its selector, and ``canAdopt``."""

    def __init__(self, controller: Mapping[str, Any], selector: Selector,
                 can_adopt_func: Callable[[], None] | None = None) -> None:
        self.controller = controller
        self.selector = selector
        self.can_adopt_func = can_adopt_func
        self._can_adopt_checked = False
        self._can_adopt_err: BaseException | None = None

    def can_adopt(self) -> None:
        """``CanAdopt``: run the check once; raise its error (every time) if it failed."""
        if not self._can_adopt_checked:
            self._can_adopt_checked = True
            if self.can_adopt_func is not None:
                try:
                    self.can_adopt_func()
                except Exception as err:
                    self._can_adopt_err = err
        if self._can_adopt_err is not None:
            raise self._can_adopt_err

    def _deleting(self) -> bool:
        return bool(self.controller.get("metadata", {}).get("deletionTimestamp"))

    def claim_object(self, obj: Mapping[str, Any], match: Callable[[Mapping[str, Any]], bool],
                     adopt: Callable[[Mapping[str, Any]], None],
                     release: Callable[[Mapping[str, Any]], None]) -> bool:
        """``ClaimObject``: do we own ``obj`` now? Raises if an adoption/release failed."""
        ref = None
        for r in obj.get("metadata", {}).get("ownerReferences") or []:
            if r.get("controller"):
                ref = r
                break
        my_uid = self.controller["metadata"].get("uid")
        if ref is not None:
            if ref.get("uid") != my_uid:
                return False  # owned by someone else
            if match(obj):
                return True
            if self._deleting():
                return False
            try:
                release(obj)
            except ApiError as err:
                if err.code == 404:
                    return False
                raise
            return False
        # an orphan
        if self._deleting() or not match(obj):
            return False
        if obj.get("metadata", {}).get("deletionTimestamp"):
            return False
        ns = self.controller["metadata"].get("namespace", "")
        if ns and ns != obj.get("metadata", {}).get("namespace", ""):
            return False
        try:
            adopt(obj)
        except ApiError as err:
            if err.code == 404:
                return False
            raise
        return True

    def _claim_all(self, objs: Iterable[JSON], match: Callable[[Mapping[str, Any]], bool],
                   adopt: Callable[[Mapping[str, Any]], None],
                   release: Callable[[Mapping[str, Any]], None]) -> list[JSON]:
        claimed: list[JSON] = []
        errors: list[BaseException] = []
        for obj in objs:
            try:
                if self.claim_object(obj, match, adopt, release):
                    claimed.append(obj)
            except Exception as err:
                errors.append(err)
        if errors:
            raise AggregateError(errors)
        return claimed


class PodControllerRefManager(BaseControllerRefManager):
    """``PodControllerRefManager``: claims pods for a ReplicaSet (or RC, Job, ...)."""

    def __init__(self, pod_control: PodControl, controller: Mapping[str, Any],
                 selector: Selector, api_version: str, kind: str,
                 can_adopt_func: Callable[[], None] | None = None,
                 finalizers: Iterable[str] = ()) -> None:
        super().__init__(controller, selector, can_adopt_func)
        self.pod_control = pod_control
        self.api_version = api_version
        self.kind = kind
        self.finalizers = list(finalizers)

    def claim_pods(self, pods: Iterable[JSON],
                   *filters: Callable[[Mapping[str, Any]], bool]) -> list[JSON]:
        """``ClaimPods``: the pods we own after adopting/releasing; raises
        :class:`AggregateError` if any adoption or release failed (upstream returns both)."""
        def match(pod: Mapping[str, Any]) -> bool:
            if not self.selector.matches(pod.get("metadata", {}).get("labels") or {}):
                return False
            return all(f(pod) for f in filters)
        return self._claim_all(pods, match, self.adopt_pod, self.release_pod)

    def adopt_pod(self, pod: Mapping[str, Any]) -> None:
        """``AdoptPod``."""
        meta = pod["metadata"]
        try:
            self.can_adopt()
        except Exception as err:
            raise ControllerError(f"can't adopt Pod {meta.get('namespace')}/{meta['name']} "
                                  f"({meta.get('uid')}): {err}") from err
        patch = owner_ref_controller_patch(self.controller, self.api_version, self.kind,
                                           meta["uid"], self.finalizers)
        self.pod_control.patch_pod(meta.get("namespace", ""), meta["name"], patch)

    def release_pod(self, pod: Mapping[str, Any]) -> None:
        """``ReleasePod``: 404 and 422 are ignored."""
        meta = pod["metadata"]
        patch = generate_delete_owner_ref_strategic_merge_patch(
            meta["uid"], [self.controller["metadata"]["uid"]], self.finalizers)
        try:
            self.pod_control.patch_pod(meta.get("namespace", ""), meta["name"], patch)
        except ApiError as err:
            if err.code in (404, 422):
                return
            raise


class ReplicaSetControllerRefManager(BaseControllerRefManager):
    """``ReplicaSetControllerRefManager``: claims ReplicaSets for a Deployment."""

    def __init__(self, rs_control: RSControl, controller: Mapping[str, Any],
                 selector: Selector, api_version: str, kind: str,
                 can_adopt_func: Callable[[], None] | None = None) -> None:
        super().__init__(controller, selector, can_adopt_func)
        self.rs_control = rs_control
        self.api_version = api_version
        self.kind = kind

    def claim_replica_sets(self, sets: Iterable[JSON]) -> list[JSON]:
        """``ClaimReplicaSets``."""
        def match(rs: Mapping[str, Any]) -> bool:
            return self.selector.matches(rs.get("metadata", {}).get("labels") or {})
        return self._claim_all(sets, match, self.adopt_replica_set, self.release_replica_set)

    def adopt_replica_set(self, rs: Mapping[str, Any]) -> None:
        """``AdoptReplicaSet``."""
        meta = rs["metadata"]
        try:
            self.can_adopt()
        except Exception as err:
            raise ControllerError(f"can't adopt ReplicaSet {meta.get('namespace')}/"
                                  f"{meta['name']} ({meta.get('uid')}): {err}") from err
        patch = owner_ref_controller_patch(self.controller, self.api_version, self.kind,
                                           meta["uid"])
        self.rs_control.patch_replica_set(meta.get("namespace", ""), meta["name"], patch)

    def release_replica_set(self, rs: Mapping[str, Any]) -> None:
        """``ReleaseReplicaSet``: 404 and 422 are ignored."""
        meta = rs["metadata"]
        patch = generate_delete_owner_ref_strategic_merge_patch(
            meta["uid"], [self.controller["metadata"]["uid"]])
        try:
            self.rs_control.patch_replica_set(meta.get("namespace", ""), meta["name"], patch)
        except ApiError as err:
            if err.code in (404, 422):
                return
            raise
