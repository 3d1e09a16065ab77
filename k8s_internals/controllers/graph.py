"""The garbage collector's dependency graph and the graph builder that keeps it.

Upstream (``pkg/controller/garbagecollector/``; shapes copied, code rewritten):

- ``graph.go`` — :class:`ObjectReference` (``objectReference``: an owner reference's
  coordinates plus a namespace), :class:`Node` (``node``: identity, ``dependents``, ``owners``
  and the flags ``beingDeleted``, ``deletingDependents`` and ``virtual``), ``blockingDependents``
  and the ``uidToNode`` map;
- ``graph_builder.go`` — :class:`GraphBuilder`: one *monitor* (an informer) per deletable
  resource, whose handlers only queue an :class:`GraphEvent` on ``graphChanges``; a single worker
  (``processGraphChanges``) applies them to the graph and decides what the collector must look
  at: an object whose owners changed or disappeared goes to ``attemptToDelete``, an owner
  deleted with the ``orphan`` finalizer goes to ``attemptToOrphan``, an owner deleted with
  ``foregroundDeletion`` is marked ``deletingDependents`` and queued with all its dependents;
- ``uid_cache.go`` — :class:`ReferenceCache`, the LRU of owners known to be absent.

Virtual nodes
-------------
When an object names an owner the graph has not seen (yet), the builder inserts a *virtual*
node for that owner and queues it on ``attemptToDelete``; the collector then asks the API
server whether the owner exists. If it does not, a *virtual delete event* removes the node and
its dependents are queued, found dangling and deleted. This is how a ReplicaSet deleted with
``propagationPolicy=Background`` (gone at once from etcd) still takes its Pods with it.

Which resources are monitored: every served resource that supports ``delete``, ``list`` and
``watch`` (upstream: ``GetDeletableResources`` from discovery), except
:data:`DEFAULT_IGNORED_RESOURCES` (``pkg/controller/garbagecollector/config/v1alpha1/
defaults.go`` ignores ``events``). Objects are plain dicts; upstream watches metadata only.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..api.resources import RESOURCES, ResourceInfo
from ..client.cache import DeletedFinalStateUnknown
from ..client.causality import caused_by, current_cause
from ..client.informer import Informer
from ..client.record import EVENT_WARNING, EventRecorder
from ..client.workqueue import Queue, Worker, start_workers
from ..sim import Kernel

__all__ = [
    "DEFAULT_IGNORED_RESOURCES",
    "FINALIZER_DELETE_DEPENDENTS",
    "FINALIZER_ORPHAN_DEPENDENTS",
    "GraphBuilder",
    "GraphEvent",
    "Node",
    "ObjectReference",
    "ReferenceCache",
    "deletable_resources",
    "has_finalizer",
    "references_diffs",
]

#: ``metav1.FinalizerDeleteDependents``: set by a ``Foreground`` DELETE
FINALIZER_DELETE_DEPENDENTS = "foregroundDeletion"
#: ``metav1.FinalizerOrphanDependents``: set by an ``Orphan`` DELETE
FINALIZER_ORPHAN_DEPENDENTS = "orphan"
#: ``(group, resource)`` the collector never watches (upstream's default ignored resources)
DEFAULT_IGNORED_RESOURCES = frozenset({("", "events"), ("events.k8s.io", "events")})

ADD_EVENT, UPDATE_EVENT, DELETE_EVENT = "add", "update", "delete"


@dataclass(frozen=True)
class ObjectReference:
    """``objectReference``: an owner reference's coordinates (uid, name, kind, apiVersion) plus
    the namespace, which the dynamic client needs. ``str()`` is upstream's ``String()``."""

    api_version: str
    kind: str
    name: str
    uid: str
    namespace: str = ""

    def __str__(self) -> str:
        return (f"[{self.api_version}/{self.kind}, namespace: {self.namespace}, "
                f"name: {self.name}, uid: {self.uid}]")

    @classmethod
    def from_owner(cls, ref: dict[str, Any], namespace: str = "") -> ObjectReference:
        """``ownerReferenceCoordinates`` + a namespace."""
        return cls(str(ref.get("apiVersion", "")), str(ref.get("kind", "")),
                   str(ref.get("name", "")), str(ref.get("uid", "")), namespace)

    def matches(self, ref: dict[str, Any]) -> bool:
        """``ownerReferenceMatchesCoordinates`` (namespace not compared)."""
        return (ref.get("uid") == self.uid and ref.get("name") == self.name
                and ref.get("kind") == self.kind and ref.get("apiVersion") == self.api_version)


def _blocks(ref: dict[str, Any]) -> bool:
    return ref.get("blockOwnerDeletion") is True


class Node:
    """``node``: one object in the graph (identity by ``uid``).

    ``dependents`` are the nodes whose ``ownerReferences`` name this one; ``owners`` are this
    object's own ``ownerReferences`` (as dicts). Nodes are compared by identity, as upstream's
    ``*node`` pointers are.
    """

    __slots__ = ("being_deleted", "deleting_dependents", "dependents", "identity", "owners",
                 "virtual")

    def __init__(self, identity: ObjectReference, owners: list[dict[str, Any]] | None = None,
                 *, virtual: bool = False, being_deleted: bool = False,
                 deleting_dependents: bool = False) -> None:
        self.identity = identity
        self.owners: list[dict[str, Any]] = list(owners or [])
        self.dependents: dict[Node, None] = {}  # an ordered set
        self.virtual = virtual
        self.being_deleted = being_deleted
        self.deleting_dependents = deleting_dependents

    def clone(self) -> Node:
        c = Node(self.identity, [dict(o) for o in self.owners], virtual=self.virtual,
                 being_deleted=self.being_deleted, deleting_dependents=self.deleting_dependents)
        c.dependents = dict(self.dependents)
        return c

    # upstream's small accessors, kept so the collector reads like garbagecollector.go
    def mark_being_deleted(self) -> None:
        self.being_deleted = True

    def is_being_deleted(self) -> bool:
        return self.being_deleted

    def mark_observed(self) -> None:
        self.virtual = False

    def is_observed(self) -> bool:
        return not self.virtual

    def mark_deleting_dependents(self) -> None:
        self.deleting_dependents = True

    def is_deleting_dependents(self) -> bool:
        return self.deleting_dependents

    def add_dependent(self, dependent: Node) -> None:
        self.dependents[dependent] = None

    def delete_dependent(self, dependent: Node) -> None:
        self.dependents.pop(dependent, None)

    def dependents_length(self) -> int:
        return len(self.dependents)

    def get_dependents(self) -> list[Node]:
        return list(self.dependents)

    def replace_dependent_if_exists(self, old: Node, new: Node) -> None:
        if old in self.dependents:
            del self.dependents[old]
            self.dependents[new] = None

    def blocking_dependents(self) -> list[Node]:
        """``blockingDependents``: dependents whose reference to this node has
        ``blockOwnerDeletion: true`` — a foreground deletion waits for exactly these."""
        return [dep for dep in self.get_dependents()
                for o in dep.owners if o.get("uid") == self.identity.uid and _blocks(o)]

    def __repr__(self) -> str:
        flags = [n for n, v in (("virtual", self.virtual), ("beingDeleted", self.being_deleted),
                                ("deletingDependents", self.deleting_dependents)) if v]
        return f"Node({self.identity}, dependents={len(self.dependents)}, {'|'.join(flags)})"


class ReferenceCache:
    """``ReferenceCache`` (``uid_cache.go``): an LRU set of references known to be absent."""

    def __init__(self, max_size: int = 500) -> None:
        self.max_size = max_size
        self._items: OrderedDict[ObjectReference, None] = OrderedDict()

    def add(self, ref: ObjectReference) -> None:
        self._items[ref] = None
        self._items.move_to_end(ref)
        while len(self._items) > self.max_size:
            self._items.popitem(last=False)

    def has(self, ref: ObjectReference) -> bool:
        if ref in self._items:
            self._items.move_to_end(ref)
            return True
        return False

    def __len__(self) -> int:
        return len(self._items)


@dataclass(eq=False)
class GraphEvent:
    """``event``: what a monitor saw (or a virtual delete the collector made up)."""

    event_type: str
    obj: dict[str, Any]
    api_version: str
    kind: str
    old_obj: dict[str, Any] | None = None
    virtual: bool = False
    cause: str | None = field(default=None, repr=False)


def has_finalizer(obj: dict[str, Any], finalizer: str) -> bool:
    return finalizer in (obj.get("metadata", {}).get("finalizers") or [])


def _being_deleted(obj: dict[str, Any]) -> bool:
    return bool(obj.get("metadata", {}).get("deletionTimestamp"))


def _deletion_starts_with_finalizer(old: dict[str, Any] | None, new: dict[str, Any],
                                    finalizer: str) -> bool:
    """``deletionStartsWithFinalizer``: ``new`` is being deleted with ``finalizer`` and
    ``old`` was not (or did not have it)."""
    if not _being_deleted(new) or not has_finalizer(new, finalizer):
        return False
    if old is None:
        return True
    return not _being_deleted(old) or not has_finalizer(old, finalizer)


def references_diffs(old: list[dict[str, Any]], new: list[dict[str, Any]]
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                list[tuple[dict[str, Any], dict[str, Any]]]]:
    """``referencesDiffs``: owner references added, removed and changed (same uid).

    >>> a = {"uid": "1", "blockOwnerDeletion": True}
    >>> references_diffs([a], [{"uid": "1"}, {"uid": "2"}])
    ([{'uid': '2'}], [], [({'uid': '1', 'blockOwnerDeletion': True}, {'uid': '1'})])
    """
    old_by_uid = {str(r.get("uid")): r for r in old}
    added: list[dict[str, Any]] = []
    changed: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for ref in new:
        uid = str(ref.get("uid"))
        if uid in old_by_uid:
            if old_by_uid[uid] != ref:
                changed.append((old_by_uid[uid], ref))
            del old_by_uid[uid]
        else:
            added.append(ref)
    return added, list(old_by_uid.values()), changed


def partition_dependents(dependents: Iterable[Node], owner: ObjectReference
                         ) -> tuple[list[Node], list[Node]]:
    """``partitionDependents``: dependents whose reference to ``owner.uid`` matches all of
    ``owner``'s coordinates, and those with a reference to that uid that does not."""
    matching: list[Node] = []
    nonmatching: list[Node] = []
    namespaced = bool(owner.namespace)
    for dep in dependents:
        found_match = found_mismatch = False
        if namespaced and owner.namespace != dep.identity.namespace:
            found_mismatch = True
        else:
            for ref in dep.owners:
                if ref.get("uid") == owner.uid:
                    if owner.matches(ref):
                        found_match = True
                    else:
                        found_mismatch = True
        if found_match:
            matching.append(dep)
        if found_mismatch:
            nonmatching.append(dep)
    return matching, nonmatching


def _reference_sort_key(r: ObjectReference) -> tuple[str, str, str, str, str]:
    """``referenceLessThan``: kind, apiVersion, namespace, name, uid."""
    return (r.kind, r.api_version, r.namespace, r.name, r.uid)


def get_alternate_owner_identity(deps: Iterable[Node], absent: ObjectReference
                                 ) -> ObjectReference | None:
    """``getAlternateOwnerIdentity``: another identity the dependents use for ``absent.uid``
    (the first one sorting after ``absent``, else the first one), or ``None``."""
    cluster_scoped = not absent.namespace
    seen = {absent}
    first: ObjectReference | None = None
    first_following: ObjectReference | None = None
    for dep in deps:
        for ref in dep.owners:
            if ref.get("uid") != absent.uid:
                continue
            if absent.matches(ref) and (cluster_scoped or absent.namespace
                                        == dep.identity.namespace):
                continue
            alt = ObjectReference.from_owner(ref, dep.identity.namespace)
            if cluster_scoped and alt.api_version == absent.api_version and \
                    alt.kind == absent.kind:
                alt = replace(alt, namespace="")
            if alt in seen:
                continue
            seen.add(alt)
            key = _reference_sort_key(alt)
            if first is None or key < _reference_sort_key(first):
                first = alt
            if _reference_sort_key(absent) < key and (
                    first_following is None or key < _reference_sort_key(first_following)):
                first_following = alt
    return first_following or first


def deletable_resources(ignored: frozenset[tuple[str, str]] = DEFAULT_IGNORED_RESOURCES
                        ) -> list[ResourceInfo]:
    """``GetDeletableResources``: served, stored resources supporting delete, list and watch."""
    return [r for r in RESOURCES
            if r.persisted and {"delete", "list", "watch"} <= set(r.verbs)
            and (r.group, r.plural) not in ignored]


class GraphBuilder:
    """``GraphBuilder``: monitors → ``graphChanges`` → ``processGraphChanges`` → the graph.

    ``attempt_to_delete(node)`` / ``attempt_to_orphan(node)`` are how it hands work to the
    collector (upstream: the two queues it owns and shares). ``informer(resource)`` returns the
    shared informer for a resource (the collector's factory).
    """

    def __init__(
        self,
        kernel: Kernel,
        informer: Callable[[str], Informer],
        attempt_to_delete: Callable[[Node], None],
        attempt_to_orphan: Callable[[Node], None],
        recorder: EventRecorder,
        ignored_resources: frozenset[tuple[str, str]] = DEFAULT_IGNORED_RESOURCES,
    ) -> None:
        self.kernel = kernel
        self.attempt_to_delete = attempt_to_delete
        self.attempt_to_orphan = attempt_to_orphan
        self.recorder = recorder
        self.uid_to_node: dict[str, Node] = {}
        self.absent_owner_cache = ReferenceCache(500)
        self.graph_changes: Queue[GraphEvent] = Queue(
            kernel, name="garbage_collector_graph_changes")
        self.monitors: dict[str, Informer] = {}
        self.processed = 0
        self._worker: list[Worker[GraphEvent]] = []
        for info in deletable_resources(ignored_resources):
            inf = informer(info.plural)  # the name other controllers use: one shared informer
            self.monitors[info.qualified] = inf
            self._add_handlers(inf, info)

    # -- monitors -----------------------------------------------------------------------------

    def _add_handlers(self, inf: Informer, info: ResourceInfo) -> None:
        """``controllerFor``: the handlers only queue an event (with its GVK)."""
        api_version, kind = info.api_version, info.kind

        def on_add(obj: dict[str, Any]) -> None:
            self._queue(GraphEvent(ADD_EVENT, obj, api_version, kind))

        def on_update(old: dict[str, Any], new: dict[str, Any]) -> None:
            # upstream enqueues every update, including resyncs
            self._queue(GraphEvent(UPDATE_EVENT, new, api_version, kind, old_obj=old))

        def on_delete(obj: Any) -> None:
            if isinstance(obj, DeletedFinalStateUnknown):
                obj = obj.obj
            self._queue(GraphEvent(DELETE_EVENT, obj, api_version, kind))

        inf.add_event_handler(on_add, on_update, on_delete)

    def _queue(self, event: GraphEvent) -> None:
        event.cause = current_cause()
        self.graph_changes.add(event)

    def run(self) -> None:
        if not self._worker:
            self._worker = start_workers(self.graph_changes, self._process_graph_changes, 1,
                                         name="garbage-collector-graph-builder")

    def stop(self) -> None:
        self.graph_changes.shut_down()
        self._worker = []

    def is_synced(self) -> bool:
        return all(m.has_synced() for m in self.monitors.values())

    def enqueue_virtual_delete_event(self, ref: ObjectReference) -> None:
        """``enqueueVirtualDeleteEvent``: the API server says this (virtual) node's object
        does not exist; remove it through the same single-threaded path as real events."""
        obj = {"metadata": {"namespace": ref.namespace, "uid": ref.uid, "name": ref.name}}
        self._queue(GraphEvent(DELETE_EVENT, obj, ref.api_version, ref.kind, virtual=True))

    # -- graph edits ----------------------------------------------------------------------------

    def add_dependent_to_owners(self, n: Node, owners: list[dict[str, Any]]) -> None:
        """``addDependentToOwners``: unknown owners become virtual nodes (and are queued so the
        collector checks they exist); a reference whose namespace or coordinates disagree with
        an observed owner queues the dependent to be verified."""
        potentially_invalid = False
        for owner in owners:
            uid = str(owner.get("uid", ""))
            owner_node = self.uid_to_node.get(uid)
            found = owner_node is not None
            if owner_node is None:
                owner_node = Node(ObjectReference.from_owner(owner, n.identity.namespace),
                                  virtual=True)
                self.uid_to_node[uid] = owner_node
            owner_node.add_dependent(n)
            if not found:
                self.attempt_to_delete(owner_node)
            elif not potentially_invalid:
                owner_namespaced = bool(owner_node.identity.namespace)
                if owner_namespaced and owner_node.identity.namespace != n.identity.namespace:
                    if owner_node.is_observed():
                        self.report_invalid_namespace_owner_ref(n, uid)
                    potentially_invalid = True
                elif not owner_node.identity.matches(owner) or (
                        not owner_namespaced
                        and owner_node.identity.namespace != n.identity.namespace
                        and not owner_node.is_observed()):
                    # coordinates disagree with the observed owner, or a virtual
                    # cluster-scoped owner in another namespace (issue 98040)
                    potentially_invalid = True
        if potentially_invalid:
            self.attempt_to_delete(n)

    def report_invalid_namespace_owner_ref(self, n: Node, invalid_owner_uid: str) -> None:
        """Event ``OwnerRefInvalidNamespace`` on the dependent."""
        for ref in n.owners:
            if ref.get("uid") == invalid_owner_uid:
                bad = ObjectReference.from_owner(ref, n.identity.namespace)
                obj = {"kind": n.identity.kind, "apiVersion": n.identity.api_version,
                       "metadata": {"name": n.identity.name, "namespace": n.identity.namespace,
                                    "uid": n.identity.uid}}
                self.recorder.event(obj, EVENT_WARNING, "OwnerRefInvalidNamespace",
                                    f"ownerRef {bad} does not exist in namespace "
                                    f'"{n.identity.namespace}"')
                return

    def insert_node(self, n: Node) -> None:
        self.uid_to_node[n.identity.uid] = n
        self.add_dependent_to_owners(n, n.owners)

    def remove_dependent_from_owners(self, n: Node, owners: list[dict[str, Any]]) -> None:
        for owner in owners:
            owner_node = self.uid_to_node.get(str(owner.get("uid", "")))
            if owner_node is not None:
                owner_node.delete_dependent(n)

    def remove_node(self, n: Node) -> None:
        self.uid_to_node.pop(n.identity.uid, None)
        self.remove_dependent_from_owners(n, n.owners)

    def add_unblocked_owners_to_delete_queue(
            self, removed: list[dict[str, Any]],
            changed: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        """``addUnblockedOwnersToDeleteQueue``: an owner waiting for its dependents is looked
        at again when a blocking reference to it goes away or stops blocking."""
        for ref in removed:
            if _blocks(ref):
                node = self.uid_to_node.get(str(ref.get("uid")))
                if node is not None:
                    self.attempt_to_delete(node)
        for old, new in changed:
            if _blocks(old) and not _blocks(new):
                node = self.uid_to_node.get(str(new.get("uid")))
                if node is not None:
                    self.attempt_to_delete(node)

    def process_transitions(self, old: dict[str, Any] | None, new: dict[str, Any],
                            n: Node) -> None:
        """``processTransitions``: deletion started with ``orphan`` → orphan queue; with
        ``foregroundDeletion`` → mark, and queue the node and all its dependents."""
        if _deletion_starts_with_finalizer(old, new, FINALIZER_ORPHAN_DEPENDENTS):
            self.attempt_to_orphan(n)
            return
        if _deletion_starts_with_finalizer(old, new, FINALIZER_DELETE_DEPENDENTS):
            n.mark_deleting_dependents()
            for dep in n.get_dependents():
                self.attempt_to_delete(dep)
            self.attempt_to_delete(n)

    # -- processGraphChanges ----------------------------------------------------------------------

    @staticmethod
    def identity_from_event(event: GraphEvent) -> ObjectReference:
        meta = event.obj.get("metadata", {})
        return ObjectReference(event.api_version, event.kind, str(meta.get("name", "")),
                               str(meta.get("uid", "")), str(meta.get("namespace", "") or ""))

    def _process_graph_changes(self, event: GraphEvent) -> None:
        self.processed += 1
        with caused_by(event.cause):
            self.process_graph_change(event)

    def process_graph_change(self, event: GraphEvent) -> None:
        """One ``processGraphChanges`` iteration."""
        obj = event.obj
        meta = obj.get("metadata", {})
        uid = str(meta.get("uid", ""))
        owners = copy.deepcopy(meta.get("ownerReferences") or [])
        existing = self.uid_to_node.get(uid)
        found = existing is not None
        if existing is not None and not event.virtual and not existing.is_observed():
            observed = self.identity_from_event(event)
            if observed != existing.identity:
                _, invalid = partition_dependents(existing.get_dependents(), observed)
                for dep in invalid:
                    if observed.namespace and dep.identity.namespace != observed.namespace:
                        self.report_invalid_namespace_owner_ref(dep, observed.uid)
                    self.attempt_to_delete(dep)
                existing = existing.clone()
                existing.identity = observed
                self.uid_to_node[uid] = existing
            existing.mark_observed()

        if event.event_type in (ADD_EVENT, UPDATE_EVENT) and existing is None:
            node = Node(self.identity_from_event(event), owners,
                        being_deleted=_being_deleted(obj),
                        deleting_dependents=_being_deleted(obj)
                        and has_finalizer(obj, FINALIZER_DELETE_DEPENDENTS))
            self.insert_node(node)
            self.process_transitions(event.old_obj, obj, node)
        elif event.event_type in (ADD_EVENT, UPDATE_EVENT) and existing is not None:
            if not event.virtual and (existing.identity.api_version != event.api_version
                                      or existing.identity.kind != event.kind):
                old_node = existing
                existing = existing.clone()
                existing.identity = replace(existing.identity, api_version=event.api_version,
                                            kind=event.kind)
                self.uid_to_node[uid] = existing
                for o in existing.owners:
                    owner_node = self.uid_to_node.get(str(o.get("uid")))
                    if owner_node is not None:
                        owner_node.replace_dependent_if_exists(old_node, existing)
            added, removed, changed = references_diffs(existing.owners, owners)
            if added or removed or changed:
                self.add_unblocked_owners_to_delete_queue(removed, changed)
                existing.owners = owners
                self.add_dependent_to_owners(existing, added)
                self.remove_dependent_from_owners(existing, removed)
            if _being_deleted(obj):
                existing.mark_being_deleted()
            self.process_transitions(event.old_obj, obj, existing)
        elif event.event_type == DELETE_EVENT:
            if not found or existing is None:
                return
            remove_existing = True
            if event.virtual:
                deleted = self.identity_from_event(event)
                if existing.virtual:
                    matching, nonmatching = partition_dependents(existing.get_dependents(),
                                                                 deleted)
                    if nonmatching:
                        remove_existing = False
                        if matching:
                            self.absent_owner_cache.add(deleted)
                            for dep in matching:
                                self.attempt_to_delete(dep)
                        if existing.identity == deleted:
                            alt = get_alternate_owner_identity(nonmatching, deleted)
                            if alt is not None:
                                repl = existing.clone()
                                repl.identity = alt
                                self.uid_to_node[uid] = repl
                                self.attempt_to_delete(repl)
                elif existing.identity != deleted:
                    remove_existing = False
                    matching, _ = partition_dependents(existing.get_dependents(), deleted)
                    if matching:
                        self.absent_owner_cache.add(deleted)
                        for dep in matching:
                            self.attempt_to_delete(dep)
            if remove_existing:
                self.remove_node(existing)
                if existing.dependents:
                    self.absent_owner_cache.add(self.identity_from_event(event))
                for dep in existing.get_dependents():
                    self.attempt_to_delete(dep)
                for o in existing.owners:
                    owner_node = self.uid_to_node.get(str(o.get("uid")))
                    if owner_node is not None and owner_node.is_deleting_dependents():
                        # let the owner check whether all its dependents are gone
                        self.attempt_to_delete(owner_node)
