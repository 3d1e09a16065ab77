"""The API server's own informer-like caches: RBAC objects for the RBAC authorizer and the
pods / persistent volumes the Node authorizer relates to nodes.

Upstream's authorizers read shared informers over a loopback client
(``pkg/kubeapiserver/authorizer/config.go``: ``RBACAuthorizer`` on ``rbac`` listers; the Node
authorizer's ``graph_populator.go`` on pod, PV and VolumeAttachment informers). Here the caches
are fed synchronously by the watch cache as each write is committed, so an RBAC change applies
to the very next request (upstream: as soon as the informer sees it, usually milliseconds).
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
)
_RBAC = frozenset(r for r in _WATCHED if r.endswith(".rbac.authorization.k8s.io"))


class ServerCaches:
    """Implements both :class:`~.authz.rbac.RBACLister` and
    :class:`~.authz.node.NodeGraphSource`."""

    def __init__(self) -> None:
        self._objs: dict[str, dict[str, Obj]] = {r: {} for r in _WATCHED}
        #: changes with every RBAC object written: the RBAC authorizer's decision cache key
        self.generation = 0

    @staticmethod
    def watched() -> tuple[str, ...]:
        return _WATCHED

    def prime(self, resource: str, items: Iterable[Obj]) -> None:
        bucket = self._objs[resource]
        bucket.clear()
        for o in items:
            bucket[self._key(o)] = o
        if resource in _RBAC:
            self.generation += 1

    @staticmethod
    def _key(o: Obj) -> str:
        m = o.get("metadata", {})
        ns = m.get("namespace", "")
        return f"{ns}/{m.get('name', '')}" if ns else str(m.get("name", ""))

    def on_event(self, resource: str, ev: CacheEvent) -> None:
        bucket = self._objs[resource]
        key = self._key(ev.obj)
        if ev.type == "DELETED":
            bucket.pop(key, None)
        else:
            bucket[key] = ev.obj
        if resource in _RBAC:
            self.generation += 1

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
