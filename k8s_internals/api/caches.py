"""The API server's own informer-like caches: RBAC objects for the RBAC authorizer, the
pods / persistent volumes the Node authorizer relates to nodes, and the namespaces,
ResourceQuotas and LimitRanges the admission plugins read.

Upstream's authorizers read shared informers over a loopback client
(``pkg/kubeapiserver/authorizer/config.go``: ``RBACAuthorizer`` on ``rbac`` listers; the Node
authorizer's ``graph_populator.go`` on pod, PV and VolumeAttachment informers), and so do the
admission plugins (``plugin/pkg/admission/namespace/lifecycle/admission.go``: a namespace
lister; ``apiserver/pkg/admission/plugin/resourcequota/resource_access.go``: a quota lister;
``plugin/pkg/admission/limitranger/admission.go``: a LimitRange lister; each lister is an
indexer with the ``namespace`` index, ``cache.NamespaceIndex``, so a namespace's items are
found without scanning the others). Here the caches are fed synchronously by the watch cache as
each write is committed, so a change applies to the very next request (upstream: as soon as the
informer sees it, usually milliseconds).

The objects handed out are the watch cache's decoded objects, shared by every reader: nobody may
change them (upstream's rule for informer objects).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .watchcache import CacheEvent

__all__ = ["ServerCaches"]

Obj = dict[str, Any]

_WATCHED = (
    "clusterroles.rbac.authorization.k8s.io",
    "clusterrolebindings.rbac.authorization.k8s.io",
    "roles.rbac.authorization.k8s.io",
    "rolebindings.rbac.authorization.k8s.io",
    "pods",
    "persistentvolumes",
    "namespaces",
    "resourcequotas",
    "limitranges",
)
_RBAC = frozenset(r for r in _WATCHED if r.endswith(".rbac.authorization.k8s.io"))
#: namespaced resources indexed by namespace (``cache.NamespaceIndex``) for the admission listers
_BY_NAMESPACE = frozenset({"resourcequotas", "limitranges"})


class ServerCaches:
    """Implements both :class:`~.authz.rbac.RBACLister` and
    :class:`~.authz.node.NodeGraphSource`."""

    def __init__(self) -> None:
        self._objs: dict[str, dict[str, Obj]] = {r: {} for r in _WATCHED}
        #: resource -> namespace -> name -> object, for :data:`_BY_NAMESPACE`
        self._index: dict[str, dict[str, dict[str, Obj]]] = {r: {} for r in _BY_NAMESPACE}
        #: (resource, namespace) -> its items sorted by name (the store's order), made on demand
        self._sorted: dict[tuple[str, str], list[Obj]] = {}
        #: changes with every RBAC object written: the RBAC authorizer's decision cache key
        self.generation = 0

    @staticmethod
    def watched() -> tuple[str, ...]:
        return _WATCHED

    def prime(self, resource: str, items: Iterable[Obj]) -> None:
        bucket = self._objs[resource]
        bucket.clear()
        if resource in _BY_NAMESPACE:
            self._index[resource].clear()
            for k in [k for k in self._sorted if k[0] == resource]:
                del self._sorted[k]
        for o in items:
            bucket[self._key(o)] = o
            if resource in _BY_NAMESPACE:
                self._index_put(resource, o)
        if resource in _RBAC:
            self.generation += 1

    @staticmethod
    def _key(o: Obj) -> str:
        m = o.get("metadata", {})
        ns = m.get("namespace", "")
        return f"{ns}/{m.get('name', '')}" if ns else str(m.get("name", ""))

    def on_event(self, resource: str, ev: CacheEvent) -> None:
        bucket = self._objs[resource]
        obj = ev.obj
        key = self._key(obj)
        if ev.type == "DELETED":
            bucket.pop(key, None)
        else:
            bucket[key] = obj
        if resource in _BY_NAMESPACE:
            if ev.type == "DELETED":
                self._index_delete(resource, obj)
            else:
                self._index_put(resource, obj)
        elif resource in _RBAC:
            self.generation += 1

    def _index_put(self, resource: str, o: Obj) -> None:
        m = o.get("metadata", {})
        ns = str(m.get("namespace", ""))
        self._index[resource].setdefault(ns, {})[str(m.get("name", ""))] = o
        self._sorted.pop((resource, ns), None)

    def _index_delete(self, resource: str, o: Obj) -> None:
        m = o.get("metadata", {})
        ns = str(m.get("namespace", ""))
        items = self._index[resource].get(ns)
        if items is not None:
            items.pop(str(m.get("name", "")), None)
            if not items:
                del self._index[resource][ns]
        self._sorted.pop((resource, ns), None)

    # -- admission listers ----------------------------------------------------------------------

    def has(self, resource: str) -> bool:
        """Whether ``resource`` (``plural[.group]``) is cached here."""
        return resource in self._objs

    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        """The cached object (shared: never change it), like a lister's ``Get``."""
        return self._objs[resource].get(f"{namespace}/{name}" if namespace else name)

    def list_namespace(self, resource: str, namespace: str) -> list[Obj]:
        """The namespace's objects of a namespace-indexed resource, sorted by name as the store
        lists them (``lister.<Resource>(namespace).List``; shared objects, a new list)."""
        key = (resource, namespace)
        items = self._sorted.get(key)
        if items is None:
            by_name = self._index[resource].get(namespace)
            if not by_name:
                return []
            items = self._sorted[key] = [by_name[n] for n in sorted(by_name)]
        return list(items)

    def indexes(self, resource: str) -> bool:
        """Whether :meth:`list_namespace` serves ``resource``."""
        return resource in _BY_NAMESPACE

    # -- RBACLister ----------------------------------------------------------------------------

    def list_cluster_roles(self) -> list[Obj]:
        return list(self._objs["clusterroles.rbac.authorization.k8s.io"].values())

    def get_cluster_role(self, name: str) -> Obj | None:
        return self._objs["clusterroles.rbac.authorization.k8s.io"].get(name)

    def get_role(self, namespace: str, name: str) -> Obj | None:
        return self._objs["roles.rbac.authorization.k8s.io"].get(f"{namespace}/{name}")

    def list_cluster_role_bindings(self) -> list[Obj]:
        b = self._objs["clusterrolebindings.rbac.authorization.k8s.io"]
        return [b[k] for k in sorted(b)]

    def list_role_bindings(self, namespace: str) -> list[Obj]:
        b = self._objs["rolebindings.rbac.authorization.k8s.io"]
        prefix = f"{namespace}/"
        return [b[k] for k in sorted(b) if k.startswith(prefix)]

    # -- NodeGraphSource -----------------------------------------------------------------------

    def list_pods(self) -> list[Obj]:
        return list(self._objs["pods"].values())

    def list_persistent_volumes(self) -> list[Obj]:
        return list(self._objs["persistentvolumes"].values())

    def list_volume_attachments(self) -> list[Obj]:
        return []

    def list_resource_slices(self) -> list[Obj]:
        return []
