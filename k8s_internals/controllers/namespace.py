"""The namespace controller: when a namespace is deleted, delete everything in it, then release
the namespace by removing the ``kubernetes`` finalizer.

Upstream: ``pkg/controller/namespace/namespace_controller.go`` (the queue: namespaces being
deleted are queued 5 s after the event, ``namespaceDeletionGracePeriod``, so HA API servers
see the deletion first; "content remaining" is retried after ``estimate/2 + 1`` seconds;
a rate limiter of 5 ms → 60 s per item) and
``pkg/controller/namespace/deletion/namespaced_resources_deleter.go`` (``Delete``):

1. read the namespace; nothing to do unless it has a ``deletionTimestamp``;
2. make sure ``status.phase`` is ``Terminating`` (the API server's DELETE already set it);
3. if ``spec.finalizers`` is empty it is finalized: done (the API server deleted it);
4. ``deleteAllContent``: for every namespaced resource that supports ``delete`` (discovery),
   ``deletecollection`` (or list + delete each), then list again: what remains is waited for —
   pods for their grace period (``estimateGracefulTerminationForPods``), objects with finalizers
   for 15 s (``finalizerEstimateSeconds``) — anything else is an error;
5. record what happened in the namespace conditions (``status_condition_utils.go``):
   ``NamespaceDeletionDiscoveryFailure``, ``NamespaceDeletionGroupVersionParsingFailure``,
   ``NamespaceDeletionContentFailure``, ``NamespaceContentRemaining``,
   ``NamespaceFinalizersRemaining`` — each ``False`` with an "ok" reason when all is well;
6. ``PUT /api/v1/namespaces/<name>/finalize`` with ``spec.finalizers`` minus ``kubernetes``;
   the API server deletes the namespace when no finalizer is left.

Discovery cannot fail in-process, so the first two conditions are always the "ok" variants.
Upstream deletes the resources in the random order of a Go map; here in the registry's order.
The controller records no events.
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..api.resources import RESOURCES, ResourceInfo
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..client.rate_limiter import (
    BucketRateLimiter,
    ItemExponentialFailureRateLimiter,
    MaxOfRateLimiter,
)
from ..client.workqueue import RateLimitingQueue
from ..sim import Kernel
from .base import Controller

__all__ = [
    "FINALIZER_KUBERNETES",
    "NAMESPACE_DELETION_GRACE_PERIOD",
    "NamespaceController",
    "ResourcesRemainingError",
    "update_conditions",
]

#: ``v1.FinalizerKubernetes``: the token this controller removes
FINALIZER_KUBERNETES = "kubernetes"
#: ``namespaceDeletionGracePeriod``
NAMESPACE_DELETION_GRACE_PERIOD = 5.0
#: ``finalizerEstimateSeconds``
FINALIZER_ESTIMATE_SECONDS = 15

#: ``conditionTypes`` with their ``okReasons`` / ``okMessages``
CONDITION_TYPES: tuple[tuple[str, str, str], ...] = (
    ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered",
     "All resources successfully discovered"),
    ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions",
     "All legacy kube types successfully parsed"),
    ("NamespaceDeletionContentFailure", "ContentDeleted",
     "All content successfully deleted, may be waiting on finalization"),
    ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
    ("NamespaceFinalizersRemaining", "ContentRemoved", "All content successfully removed"),
)


class ResourcesRemainingError(Exception):
    """``ResourcesRemainingError``: content was deleted but some is still going away."""

    def __init__(self, estimate: int) -> None:
        super().__init__(f"some content remains in the namespace, estimate {estimate} seconds "
                         "before it is removed")
        self.estimate = estimate


@dataclass
class _GVRDeletion:
    """``gvrDeletionMetadata``."""

    finalizer_estimate_seconds: int = 0
    num_remaining: int = 0
    finalizers_to_num_remaining: dict[str, int] = field(default_factory=dict)


def _gvr_string(info: ResourceInfo) -> str:
    """``schema.GroupVersionResource.String()``: ``apps/v1, Resource=deployments``."""
    return f"{info.group}/{info.version}, Resource={info.plural}"


def update_conditions(status: dict[str, Any], new_conditions: list[dict[str, Any]],
                      now: str) -> bool:
    """``updateConditions``: set each managed condition to the failing one in
    ``new_conditions`` or its "ok" variant; ``lastTransitionTime`` moves only when the status
    changes. Returns whether anything changed."""
    changed = False
    conditions = status.setdefault("conditions", [])
    for ctype, ok_reason, ok_message in CONDITION_TYPES:
        new = next((c for c in new_conditions if c["type"] == ctype), None) or {
            "type": ctype, "status": "False", "lastTransitionTime": now,
            "reason": ok_reason, "message": ok_message}
        old = next((c for c in conditions if c.get("type") == ctype), None)
        if old is None:
            conditions.append(dict(new))
            changed = True
        elif (old.get("status"), old.get("message"), old.get("reason")) != (
                new["status"], new["message"], new["reason"]):
            if old.get("status") != new["status"]:
                old["lastTransitionTime"] = now
            old.update(type=ctype, status=new["status"], reason=new["reason"],
                       message=new["message"])
            changed = True
    return changed


class NamespaceController(Controller):
    """``NamespaceController`` + its ``namespacedResourcesDeleter``."""

    name = "namespace-controller"
    workers = 1  # upstream --concurrent-namespace-syncs=10

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 finalizer_token: str = FINALIZER_KUBERNETES) -> None:
        super().__init__(client, kernel, factory)
        self.finalizer_token = finalizer_token
        # nsControllerRateLimiter: retry at least every minute
        self.queue = RateLimitingQueue(kernel, MaxOfRateLimiter(
            ItemExponentialFailureRateLimiter(0.005, 60.0),
            BucketRateLimiter(10.0, 100, clock=lambda: kernel.now)), name="namespace")
        self.namespaces = self.informer("namespaces")
        self.namespaces.add_event_handler(on_add=self.enqueue_namespace,
                                          on_update=lambda old, new: self.enqueue_namespace(new))

    def enqueue_namespace(self, ns: dict[str, Any]) -> None:
        """Only namespaces being deleted, after the deletion grace period."""
        if not ns.get("metadata", {}).get("deletionTimestamp"):
            return
        self.enqueue_after(ns["metadata"]["name"], NAMESPACE_DELETION_GRACE_PERIOD)

    def sync(self, key: str) -> None:
        """``syncNamespaceFromKey`` (+ the worker's handling of "content remaining")."""
        if self.namespaces.get(key) is None:
            return  # "Namespace has been deleted"
        try:
            self.delete(key)
        except ResourcesRemainingError as exc:
            self.enqueue_after(key, exc.estimate // 2 + 1)

    # -- namespacedResourcesDeleter ---------------------------------------------------------------

    def delete(self, name: str) -> None:
        """``namespacedResourcesDeleter.Delete``."""
        try:
            ns = self.client.get("namespaces", name)
        except ApiError as exc:
            if exc.code == 404:
                return
            raise
        if not ns["metadata"].get("deletionTimestamp"):
            return
        try:
            ns = self._retry_on_conflict(ns, self._update_namespace_status)
        except ApiError as exc:
            if exc.code == 404:
                return
            raise
        if not ns["metadata"].get("deletionTimestamp"):
            return
        if not (ns.get("spec") or {}).get("finalizers"):
            return  # finalized
        estimate = self.delete_all_content(ns)
        if estimate > 0:
            raise ResourcesRemainingError(estimate)
        try:
            self._retry_on_conflict(ns, self._finalize_namespace)
        except ApiError as exc:
            if exc.code != 404:
                raise

    def _retry_on_conflict(self, ns: dict[str, Any], fn: Any) -> dict[str, Any]:
        """``retryOnConflictError``: re-read and retry while the update conflicts."""
        latest = ns
        while True:
            try:
                return fn(latest)  # type: ignore[no-any-return]
            except ApiError as exc:
                if exc.code != 409:
                    raise
            prev = latest
            latest = self.client.get("namespaces", prev["metadata"]["name"])
            if prev["metadata"].get("uid") != latest["metadata"].get("uid"):
                raise RuntimeError("namespace uid has changed across retries")

    def _update_namespace_status(self, ns: dict[str, Any]) -> dict[str, Any]:
        """``updateNamespaceStatusFunc``: phase ``Terminating``."""
        if not ns["metadata"].get("deletionTimestamp") or \
                (ns.get("status") or {}).get("phase") == "Terminating":
            return ns
        new = copy.deepcopy(ns)
        new.setdefault("status", {})["phase"] = "Terminating"
        return self.client.update_status("namespaces", new)

    def _finalize_namespace(self, ns: dict[str, Any]) -> dict[str, Any]:
        """``finalizeNamespace``: ``PUT .../finalize`` without our token (sorted, as upstream's
        ``sets.String.List()``)."""
        new = {"apiVersion": "v1", "kind": "Namespace",
               "metadata": copy.deepcopy(ns["metadata"]),
               "spec": dict(ns.get("spec") or {})}
        new["spec"]["finalizers"] = sorted({f for f in new["spec"].get("finalizers") or []
                                            if f != self.finalizer_token})
        try:
            return self.client.update("namespaces", new, subresource="finalize")
        except ApiError as exc:
            if exc.code == 404:
                return ns
            raise

    # -- deleteAllContent ------------------------------------------------------------------------

    @staticmethod
    def deletable_resources() -> list[ResourceInfo]:
        """Discovery filtered by ``delete`` (namespaced, stored resources)."""
        return [r for r in RESOURCES if r.namespaced and r.persisted and "delete" in r.verbs]

    def delete_all_content(self, ns: dict[str, Any]) -> int:
        """``deleteAllContent``: returns the estimate (seconds) before the rest is gone."""
        name = ns["metadata"]["name"]
        deleted_at = self._parse_time(ns["metadata"]["deletionTimestamp"])
        errs: list[str] = []
        estimate = 0
        gvr_remaining: dict[str, int] = {}
        finalizers_remaining: dict[str, int] = {}
        for info in self.deletable_resources():
            try:
                meta = self.delete_all_content_for_gvr(info, name, deleted_at)
            except _ContentError as exc:
                errs.append(str(exc))
                meta = exc.meta
            except ApiError as exc:
                errs.append(exc.message)
                meta = _GVRDeletion()
            estimate = max(estimate, meta.finalizer_estimate_seconds)
            if meta.num_remaining > 0:
                gvr_remaining[f"{info.plural}.{info.group}"] = meta.num_remaining
                for fin, n in meta.finalizers_to_num_remaining.items():
                    if n:
                        finalizers_remaining[fin] = finalizers_remaining.get(fin, 0) + n
        now = self.kernel.timestamp()
        conditions: list[dict[str, Any]] = []
        if gvr_remaining:
            parts = sorted(f"{r} has {n} resource instances" for r, n in gvr_remaining.items())
            conditions.append({"type": "NamespaceContentRemaining", "status": "True",
                               "lastTransitionTime": now, "reason": "SomeResourcesRemain",
                               "message": "Some resources are remaining: " + ", ".join(parts)})
        if finalizers_remaining:
            parts = sorted(f"{f} in {n} resource instances"
                           for f, n in finalizers_remaining.items())
            conditions.append({"type": "NamespaceFinalizersRemaining", "status": "True",
                               "lastTransitionTime": now, "reason": "SomeFinalizerRemain",
                               "message": "Some finalizers are remaining: " + ", ".join(parts)})
        if errs:
            msgs = sorted(errs)
            conditions.append({"type": "NamespaceDeletionContentFailure", "status": "True",
                               "lastTransitionTime": now, "reason": "ContentDeletionFailed",
                               "message": f"Failed to delete all resource types, {len(msgs)} "
                                          f"remaining: {', '.join(msgs)}"})
        status = copy.deepcopy(ns.get("status") or {})
        if update_conditions(status, conditions, now):
            new = copy.deepcopy(ns)
            new["status"] = status
            # upstream only logs "couldn't update status condition for namespace"
            with contextlib.suppress(ApiError):
                self.client.update_status("namespaces", new)
        if errs:
            raise RuntimeError("[" + ", ".join(errs) + "]" if len(errs) > 1 else errs[0])
        return estimate

    def delete_all_content_for_gvr(self, info: ResourceInfo, namespace: str,
                                   deleted_at: float) -> _GVRDeletion:
        """``deleteAllContentForGroupVersionResource``."""
        estimate = self.estimate_graceful_termination(info, namespace, deleted_at)
        if "deletecollection" in info.verbs:
            self.client.delete_collection(info, namespace)
        else:
            for item in self.client.list(info, namespace)["items"]:
                try:
                    self.client.delete(info, item["metadata"]["name"], namespace,
                                       propagation_policy="Background")
                except ApiError as exc:
                    if exc.code not in (404, 405):
                        raise
        items = self.client.list(info, namespace)["items"]
        if not items:
            return _GVRDeletion()
        finalizers: dict[str, int] = {}
        for item in items:
            for fin in item["metadata"].get("finalizers") or []:
                finalizers[fin] = finalizers.get(fin, 0) + 1
        if estimate:
            return _GVRDeletion(estimate, len(items), finalizers)
        if finalizers:
            return _GVRDeletion(FINALIZER_ESTIMATE_SECONDS, len(items), finalizers)
        raise _ContentError(
            f"unexpected items still remain in namespace: {namespace} for gvr: "
            f"{_gvr_string(info)}", _GVRDeletion(estimate, len(items)))

    def estimate_graceful_termination(self, info: ResourceInfo, namespace: str,
                                      deleted_at: float) -> int:
        """``estimateGracefulTermination``: pods only — the longest
        ``terminationGracePeriodSeconds`` of non-terminal pods, or 0 once that much time has
        passed since the namespace's ``deletionTimestamp``."""
        if (info.group, info.plural) != ("", "pods"):
            return 0
        estimate = 0
        for pod in self.client.list("pods", namespace)["items"]:
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                continue
            grace = (pod.get("spec") or {}).get("terminationGracePeriodSeconds")
            if grace is not None:
                estimate = max(estimate, int(grace))
        if self.kernel.now - deleted_at >= estimate:
            return 0
        return estimate

    def _parse_time(self, ts: str) -> float:
        when = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        return (when - self.kernel.epoch).total_seconds()


class _ContentError(Exception):
    def __init__(self, message: str, meta: _GVRDeletion) -> None:
        super().__init__(message)
        self.meta = meta
