"""The API server's own access to its objects, lent to admission plugins
(:class:`~.admission.interfaces.AdmissionContext`).

Upstream's plugins read through shared informers fed by a loopback client that authenticates as
``system:apiserver`` (in ``system:masters``); the ResourceQuota plugin writes quota status
through that client. Here reads go straight to storage (they are not separate requests and do not
appear as traces); status writes use the same optimistic concurrency as any update.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Any

from . import strategy
from .resources import lookup

if TYPE_CHECKING:
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
