"""The garbage collector: deletes objects whose owners are gone, and carries out the
``Foreground`` and ``Orphan`` propagation policies.

Upstream: ``pkg/controller/garbagecollector/garbagecollector.go`` (``attemptToDeleteItem``,
``classifyReferences``, ``isDangling``, ``processDeletingDependentsItem``,
``attemptToOrphanWorker``), ``operations.go`` (``deleteObject``, ``removeFinalizer``) and
``patch.go`` (the strategic merge patches that remove or unblock owner references). The graph
it works on is :mod:`k8s_internals.controllers.graph` (``graph.go``, ``graph_builder.go``).

The three propagation policies of ``DELETE`` (the API server sets the finalizers,
``registry/generic/registry/store.go``)::

    Background   the owner is deleted at once; its node leaves the graph, its dependents are
                 queued, each finds its owner reference dangling (404) and is deleted.
    Foreground   the owner gets deletionTimestamp + the "foregroundDeletion" finalizer; its
                 dependents are deleted (in foreground themselves if they have dependents);
                 the finalizer is removed — and the owner deleted — only when no dependent with
                 blockOwnerDeletion: true remains.
    Orphan       the owner gets the "orphan" finalizer; the collector removes the owner's
                 reference from every dependent (a strategic merge patch with "$patch":
                 "delete"), then removes the finalizer.

Two rate-limited queues, as upstream: ``attemptToDelete`` (this controller's own queue, keyed
by uid: the node is looked up in the graph when the key is processed) and ``attemptToOrphan``.
Upstream runs 20 workers (``--concurrent-gc-syncs``); one here keeps runs deterministic.
Events: ``OwnerRefInvalidNamespace`` (source ``garbage-collector-controller``).
"""

from __future__ import annotations

from typing import Any

from ..api.resources import ResourceInfo, by_kind
from ..client.causality import caused_by
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..sim import Kernel
from .base import Controller
from .graph import (
    DEFAULT_IGNORED_RESOURCES,
    FINALIZER_DELETE_DEPENDENTS,
    FINALIZER_ORPHAN_DEPENDENTS,
    GraphBuilder,
    Node,
    ObjectReference,
    has_finalizer,
)
from .queues import RequeueItem, SyncQueue

__all__ = ["GarbageCollector", "RestMappingError"]

#: ``retry.DefaultBackoff.Steps``: attempts of a read-modify-write on conflict
UPDATE_MAX_RETRIES = 4


class RestMappingError(Exception):
    """``restMappingError``: an owner reference names a kind the server does not serve."""

    def __init__(self, kind: str, version: str) -> None:
        super().__init__(f"unable to get REST mapping for {kind}/{version}.")


class _EnqueuedVirtualDeleteEvent(Exception):
    """``enqueuedVirtualDeleteEventErr``."""


class _NamespacedOwnerOfClusterScopedObject(Exception):
    """``namespacedOwnerOfClusterScopedObjectErr``."""


class GarbageCollector(Controller):
    """``GarbageCollector``."""

    name = "garbage-collector-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 ignored_resources: frozenset[tuple[str, str]] = DEFAULT_IGNORED_RESOURCES
                 ) -> None:
        super().__init__(client, kernel, factory)
        self.attempt_to_orphan: SyncQueue[str] = SyncQueue(
            kernel, "garbage_collector_attempt_to_orphan", self.attempt_to_orphan_worker)
        self.graph = GraphBuilder(kernel, self.informer, self._attempt_to_delete,
                                  self._attempt_to_orphan, self.recorder, ignored_resources)
        self.absent_owner_cache = self.graph.absent_owner_cache

    # -- queues ------------------------------------------------------------------------------

    def _attempt_to_delete(self, node: Node) -> None:
        self.enqueue_key(node.identity.uid)

    def _attempt_to_orphan(self, node: Node) -> None:
        self.attempt_to_orphan.add(node.identity.uid)

    def run(self) -> None:
        super().run()
        self.graph.run()
        self.attempt_to_orphan.start()

    def stop(self) -> None:
        super().stop()
        self.graph.stop()
        self.attempt_to_orphan.stop()

    def graph_has_uid(self, uid: str) -> bool:
        """``GraphHasUID`` (for tests)."""
        return uid in self.graph.uid_to_node

    def _process(self, key: str) -> None:
        """``processAttemptToDeleteWorker``: like the base class, but a :class:`RequeueItem`
        (``requeueItem`` without an error) is not recorded as a failure."""
        self.syncs += 1
        cause = self._causes.pop(key, None)
        with caused_by(cause):
            try:
                self.sync_handler(key)
            except Exception as exc:
                if not isinstance(exc, RequeueItem):
                    self.errors.append((key, f"{type(exc).__name__}: {exc}"))
                    del self.errors[:-100]
                if cause is not None:
                    self._causes.setdefault(key, cause)
                self.queue.add_rate_limited(key)
                return
        self.queue.forget(key)

    # -- attemptToDelete -----------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``attemptToDeleteWorker`` for the node with uid ``key``."""
        n = self.graph.uid_to_node.get(key)
        if n is None:
            return  # no longer in the graph
        try:
            self.attempt_to_delete_item(n)
        except (_EnqueuedVirtualDeleteEvent, _NamespacedOwnerOfClusterScopedObject):
            return
        if not n.is_observed():
            # requeue until the informers observe the object (issue 56121)
            raise RequeueItem(f"item {n.identity} hasn't been observed via informer yet")

    def api_resource(self, api_version: str, kind: str) -> ResourceInfo:
        """``apiResource``: the REST mapping of a kind."""
        info = by_kind(api_version, kind)
        if info is None:
            raise RestMappingError(kind, api_version)
        return info

    def get_object(self, ref: ObjectReference) -> dict[str, Any]:
        info = self.api_resource(ref.api_version, ref.kind)
        return self.client.get(info, ref.name, ref.namespace if info.namespaced else "")

    def patch_object(self, ref: ObjectReference, patch: dict[str, Any],
                     patch_type: str = "strategic") -> dict[str, Any]:
        info = self.api_resource(ref.api_version, ref.kind)
        return self.client.patch(info, ref.name, patch,
                                 ref.namespace if info.namespaced else "",
                                 patch_type=patch_type)

    def delete_object(self, ref: ObjectReference, resource_version: str,
                      owners: list[dict[str, Any]], policy: str) -> None:
        """``deleteObject``: with uid + resourceVersion preconditions; on a conflict, retried
        without the resourceVersion if the owner references did not change meanwhile."""
        info = self.api_resource(ref.api_version, ref.kind)
        ns = ref.namespace if info.namespaced else ""
        pre = {"uid": ref.uid}
        if resource_version:
            pre["resourceVersion"] = resource_version
        try:
            self.client.delete(info, ref.name, ns, propagation_policy=policy, preconditions=pre)
        except ApiError as exc:
            if exc.code != 409 or not resource_version:
                raise
            try:
                live = self.client.get(info, ref.name, ns)
            except ApiError as live_err:
                if live_err.code == 404:
                    return  # the object we wanted to delete is gone: success
                raise exc from None
            lm = live["metadata"]
            if lm.get("uid") == ref.uid and lm.get("resourceVersion") != resource_version \
                    and (lm.get("ownerReferences") or []) == owners:
                self.client.delete(info, ref.name, ns, propagation_policy=policy,
                                   preconditions={"uid": ref.uid})
                return
            raise

    def is_dangling(self, reference: dict[str, Any], item: Node
                    ) -> tuple[bool, dict[str, Any] | None]:
        """``isDangling``: does the owner reference point to an object that doesn't exist?
        Asks the API server (and remembers absent owners)."""
        key = ObjectReference.from_owner(reference)
        if self.absent_owner_cache.has(key):
            return True, None
        key = ObjectReference.from_owner(reference, item.identity.namespace)
        if self.absent_owner_cache.has(key):
            return True, None
        info = self.api_resource(key.api_version, key.kind)
        if not info.namespaced:
            key = ObjectReference.from_owner(reference)
        if not item.identity.namespace and info.namespaced:
            raise _NamespacedOwnerOfClusterScopedObject(
                "cluster-scoped objects cannot refer to namespaced owners")
        try:
            owner = self.client.get(info, key.name,
                                    item.identity.namespace if info.namespaced else "")
        except ApiError as exc:
            if exc.code == 404:
                self.absent_owner_cache.add(key)
                return True, None
            raise
        if owner["metadata"].get("uid") != reference.get("uid"):
            self.absent_owner_cache.add(key)
            return True, None
        return False, owner

    def classify_references(self, item: Node, refs: list[dict[str, Any]]
                            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                       list[dict[str, Any]]]:
        """``classifyReferences``: solid (owner exists, not deleting in foreground),
        dangling (owner absent), waitingForDependentsDeletion."""
        solid: list[dict[str, Any]] = []
        dangling: list[dict[str, Any]] = []
        waiting: list[dict[str, Any]] = []
        for ref in refs:
            is_dangling, owner = self.is_dangling(ref, item)
            if is_dangling or owner is None:
                dangling.append(ref)
            elif owner["metadata"].get("deletionTimestamp") and has_finalizer(
                    owner, FINALIZER_DELETE_DEPENDENTS):
                waiting.append(ref)
            else:
                solid.append(ref)
        return solid, dangling, waiting

    def attempt_to_delete_item(self, item: Node) -> None:
        """``attemptToDeleteItem``: delete the object iff it is not waiting for its own
        dependents and none of its owners is solid."""
        if item.is_being_deleted() and not item.is_deleting_dependents():
            return  # a one-way trip: wait for the final deletion
        try:
            latest = self.get_object(item.identity)
        except ApiError as exc:
            if exc.code == 404:
                self.graph.enqueue_virtual_delete_event(item.identity)
                raise _EnqueuedVirtualDeleteEvent() from None
            raise
        meta = latest["metadata"]
        if meta.get("uid") != item.identity.uid:
            self.graph.enqueue_virtual_delete_event(item.identity)
            raise _EnqueuedVirtualDeleteEvent()
        if item.is_deleting_dependents():
            self.process_deleting_dependents_item(item)
            return
        owner_refs = list(meta.get("ownerReferences") or [])
        if not owner_refs:
            return  # no owner: nothing to collect
        solid, dangling, waiting = self.classify_references(item, owner_refs)
        if solid:
            if not dangling and not waiting:
                return
            # remove the dangling references and those to owners waiting for their
            # dependents (else these owners would wait forever)
            uids = [str(r.get("uid")) for r in dangling + waiting]
            self.patch_object(item.identity, delete_owner_refs_patch(item.identity.uid, uids))
            return
        if waiting and item.dependents_length() != 0:
            for dep in item.get_dependents():
                if dep.is_deleting_dependents():
                    # a possible cycle: make our references non-blocking, then go foreground
                    self.patch_object(item.identity, unblock_owner_references_patch(item))
                    break
            self._delete(item, meta, owner_refs, "Foreground")
            return
        if has_finalizer(latest, FINALIZER_ORPHAN_DEPENDENTS):
            policy = "Orphan"
        elif has_finalizer(latest, FINALIZER_DELETE_DEPENDENTS):
            policy = "Foreground"
        else:
            policy = "Background"
        self._delete(item, meta, owner_refs, policy)

    def _delete(self, item: Node, meta: dict[str, Any], owners: list[dict[str, Any]],
                policy: str) -> None:
        try:
            self.delete_object(item.identity, str(meta.get("resourceVersion", "")), owners,
                               policy)
        except ApiError as exc:
            if exc.code == 404:
                self.graph.enqueue_virtual_delete_event(item.identity)
                raise _EnqueuedVirtualDeleteEvent() from None
            raise

    def process_deleting_dependents_item(self, item: Node) -> None:
        """``processDeletingDependentsItem``: the owner waits in foreground; when no blocking
        dependent is left, remove ``foregroundDeletion`` (and the API server deletes it)."""
        blocking = item.blocking_dependents()
        if not blocking:
            self.remove_finalizer(item, FINALIZER_DELETE_DEPENDENTS)
            return
        for dep in blocking:
            if not dep.is_deleting_dependents():
                self._attempt_to_delete(dep)

    def remove_finalizer(self, owner: Node, finalizer: str) -> None:
        """``removeFinalizer``: a JSON merge patch of ``finalizers`` with the
        ``resourceVersion`` read, retried on conflict."""
        for _ in range(UPDATE_MAX_RETRIES):
            try:
                obj = self.get_object(owner.identity)
            except ApiError as exc:
                if exc.code == 404:
                    return
                raise RuntimeError(f"cannot finalize owner {owner.identity}, because cannot "
                                   f"get it: {exc}. The garbage collector will retry later."
                                   ) from None
            finalizers = list(obj["metadata"].get("finalizers") or [])
            if finalizer not in finalizers:
                return
            rest = [f for f in finalizers if f != finalizer]
            patch = {"metadata": {"resourceVersion": obj["metadata"]["resourceVersion"],
                                  "finalizers": rest or None}}
            try:
                self.patch_object(owner.identity, patch, patch_type="merge")
                return
            except ApiError as exc:
                if exc.code == 404:
                    return
                if exc.code != 409:
                    raise
        raise RuntimeError(f"updateMaxRetries({UPDATE_MAX_RETRIES}) has reached. The garbage "
                           f"collector will retry later for owner {owner.identity}.")

    # -- attemptToOrphan -----------------------------------------------------------------------

    def orphan_dependents(self, owner: ObjectReference, dependents: list[Node]) -> None:
        """``orphanDependents``: remove ``owner`` from each dependent's ownerReferences."""
        errs: list[str] = []
        for dep in dependents:
            try:
                self.patch_object(dep.identity, delete_owner_refs_patch(dep.identity.uid,
                                                                        [owner.uid]))
            except (ApiError, RestMappingError) as exc:
                if isinstance(exc, ApiError) and exc.code == 404:
                    continue
                errs.append(f"orphaning {dep.identity} failed, {exc}")
        if errs:
            raise RuntimeError(f"failed to orphan dependents of owner {owner}, got errors: "
                               f"[{', '.join(sorted(errs))}]")

    def attempt_to_orphan_worker(self, uid: str) -> None:
        """``attemptToOrphanWorker``: orphan the dependents, then drop the ``orphan``
        finalizer from the owner."""
        owner = self.graph.uid_to_node.get(uid)
        if owner is None:
            return
        self.orphan_dependents(owner.identity, owner.get_dependents())
        self.remove_finalizer(owner, FINALIZER_ORPHAN_DEPENDENTS)


def delete_owner_refs_patch(dependent_uid: str, owner_uids: list[str]) -> dict[str, Any]:
    """``GenerateDeleteOwnerRefStrategicMergeBytes``: a strategic merge patch deleting the
    owner references with these uids (``ownerReferences`` merge on ``uid``).

    >>> delete_owner_refs_patch("d-1", ["o-1"])
    {'metadata': {'ownerReferences': [{'$patch': 'delete', 'uid': 'o-1'}], 'uid': 'd-1'}}
    """
    return {"metadata": {"ownerReferences": [{"$patch": "delete", "uid": u} for u in owner_uids],
                         "uid": dependent_uid}}


def unblock_owner_references_patch(n: Node) -> dict[str, Any]:
    """``unblockOwnerReferencesStrategicMergePatch``: every blocking reference of ``n`` with
    ``blockOwnerDeletion: false``."""
    refs = [dict(o, blockOwnerDeletion=False) for o in n.owners
            if o.get("blockOwnerDeletion") is True]
    return {"metadata": {"ownerReferences": refs, "uid": n.identity.uid}}
