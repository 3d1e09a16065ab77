"""The API server's own access to its objects, lent to admission plugins
(:class:`~.admission.interfaces.AdmissionContext`).

Upstream's plugins read through shared informers fed by a loopback client that authenticates as
``system:apiserver`` (in ``system:masters``); the ResourceQuota plugin writes quota status
through that client. Here :meth:`InternalAccess.cached_get` / :meth:`~InternalAccess.cached_list`
are those listers: they read the server's informer-like caches (:class:`~.caches.ServerCaches`,
fed synchronously as each write commits, so never stale) for the resources cached there
(namespaces, ResourceQuotas, LimitRanges, ...) and fall back to storage for the others or on a
server without caches. :meth:`~InternalAccess.get` / :meth:`~InternalAccess.list` are the live
lookups (upstream: a call through the loopback client) and go straight to storage. None of these
reads is a separate request or appears as a trace; status writes use the same optimistic
concurrency as any update.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Any

from . import strategy
from .resources import lookup

if TYPE_CHECKING:
    from .caches import ServerCaches
    from .server import APIServer

__all__ = ["InternalAccess"]


class InternalAccess:
    def __init__(self, server: APIServer) -> None:
        self._server = server
        #: key -> (mod_revision, value, decoded object) for :meth:`get_shared`
        self._shared: dict[bytes, tuple[int, bytes, dict[str, Any]]] = {}

    def _info(self, group: str, resource: str):  # type: ignore[no-untyped-def]
        info = lookup(group, resource)
        if info is None:
            raise KeyError(f"unknown resource {resource}.{group}")
        return info

    def get(self, group: str, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self._server.storage.get_or_none(self._info(group, resource), namespace, name)

    def get_shared(self, group: str, resource: str, namespace: str, name: str
                   ) -> dict[str, Any] | None:
        """Like :meth:`get`, but the object is decoded once per stored revision and shared by
        the callers, which must not change it (upstream's plugins get informer objects under
        the same rule). The store is still read on every call, so the answer is never stale."""
        from .storage import decode_object

        key = self._info(group, resource).key(namespace, name).encode()
        kv = self._server.storage.store.get(key)
        if kv is None:
            return None
        cache = self._shared
        hit = cache.get(key)
        if hit is not None and hit[0] == kv.mod_revision and hit[1] == kv.value:
            return hit[2]
        obj = decode_object(kv.value, kv.mod_revision)
        if len(cache) >= 1024:
            cache.clear()
        cache[key] = (kv.mod_revision, kv.value, obj)
        return obj

    def list(self, group: str, resource: str, namespace: str = "") -> list[dict[str, Any]]:
        return self._server.storage.list(self._info(group, resource), namespace).items

    def _caches(self, group: str, resource: str) -> tuple[ServerCaches | None, str]:
        caches: ServerCaches | None = getattr(self._server, "caches", None)
        qualified = f"{resource}.{group}" if group else resource
        if caches is None or not caches.has(qualified):
            return None, qualified
        return caches, qualified

    def cached_get(self, group: str, resource: str, namespace: str, name: str
                   ) -> dict[str, Any] | None:
        """A lister's ``Get``: the cached object, shared (the caller must not change it);
        :meth:`get_shared` for a resource the server does not cache."""
        caches, qualified = self._caches(group, resource)
        if caches is None:
            return self.get_shared(group, resource, namespace, name)
        return caches.get(qualified, namespace, name)

    def cached_list(self, group: str, resource: str, namespace: str) -> list[dict[str, Any]]:
        """A lister's ``<Resource>(namespace).List``: the namespace's cached objects sorted by
        name (the store's order), shared (the caller must not change them); :meth:`list` for a
        resource the server does not index by namespace."""
        caches, qualified = self._caches(group, resource)
        if caches is None or not caches.indexes(qualified):
            return self.list(group, resource, namespace)
        return caches.list_namespace(qualified, namespace)

    def update_status(self, group: str, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        info = self._info(group, resource)
        meta = obj["metadata"]
        rv = meta.get("resourceVersion", "")

        def transform(current: dict[str, Any]) -> dict[str, Any]:
            return strategy.prepare_status_update(obj, current)

        _, new = self._server.storage.guaranteed_update(
            info, meta.get("namespace", ""), meta["name"], transform, precondition_rv=rv)
        self._server.watchcache.sync(int(new["metadata"]["resourceVersion"]))
        return new

    def now(self) -> float:
        return self._server.kernel.now

    @property
    def rng(self) -> Random:
        return self._server.kernel.rng
