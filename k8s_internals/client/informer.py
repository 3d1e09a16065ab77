"""Informers in client-go's shape, on virtual time: list + watch into a local indexed cache, with
event handlers and periodic resync.

Mirrors client-go ``tools/cache``: ``reflector.go`` (``ListAndWatch``: a paged list, then a watch
from the list's resourceVersion; on ``410 Gone`` / "too old resource version", list again),
``shared_informer.go`` (``AddEventHandler`` with ``OnAdd`` / ``OnUpdate`` / ``OnDelete``,
``HasSynced``, resync sending ``OnUpdate(old, new)`` with the same object),
``delta_fifo.go`` ``Replace`` (after a relist, objects no longer listed are deleted as
``DeletedFinalStateUnknown``) and ``informers/factory.go`` (one shared informer per resource).

Simplification: upstream queues deltas in a DeltaFIFO processed by one goroutine; here the
watch callback, already ordered by the kernel, updates the cache and calls the handlers directly.
Handlers must treat objects as read-only (as upstream says) and should only enqueue keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..sim import Kernel
from .cache import (
    NAMESPACE_INDEX,
    DeletedFinalStateUnknown,
    Indexer,
    IndexFunc,
    meta_namespace_index_func,
    meta_namespace_key_func,
)
from .causality import caused_by
from .client import ApiError, Client
from .transport import WatchHandle

__all__ = ["EventHandler", "Informer", "InformerFactory"]

#: client-go's reflector pages its initial list (``pager.New`` default page size 500)
LIST_PAGE_SIZE = 500

#: what ``obj.get("metadata", ...)`` falls back to, without a new dict per watch event
_NO_METADATA: Mapping[str, Any] = MappingProxyType({})


@dataclass
class EventHandler:
    """``cache.ResourceEventHandlerFuncs``."""

    on_add: Callable[[dict[str, Any]], None] | None = None
    on_update: Callable[[dict[str, Any], dict[str, Any]], None] | None = None
    on_delete: Callable[[Any], None] | None = None


class Informer:
    """A shared informer for one resource (optionally one namespace / selector)."""

    def __init__(
        self,
        client: Client,
        kernel: Kernel,
        resource: str,
        namespace: str = "",
        *,
        label_selector: str = "",
        field_selector: str = "",
        resync_period: float = 0.0,
        indexers: dict[str, IndexFunc] | None = None,
    ) -> None:
        self.client = client
        self.kernel = kernel
        self.resource = resource
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.resync_period = resync_period
        self.indexer = Indexer(key_func=meta_namespace_key_func,
                               indexers={NAMESPACE_INDEX: meta_namespace_index_func,
                                         **(indexers or {})})
        self.handlers: list[EventHandler] = []
        self.synced = False
        self.last_sync_resource_version = ""
        self.relists = 0
        self._watch: WatchHandle | None = None
        self._stopped = True
        self._resync_timer: Any = None

    # -- wiring --------------------------------------------------------------------------------

    def add_event_handler(
        self,
        on_add: Callable[[dict[str, Any]], None] | None = None,
        on_update: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
        on_delete: Callable[[Any], None] | None = None,
    ) -> EventHandler:
        """Register handlers; a handler added after the initial list gets ``on_add`` for every
        object already cached, as upstream."""
        h = EventHandler(on_add, on_update, on_delete)
        self.handlers.append(h)
        if self.synced and on_add is not None:
            for obj in self.indexer.list():
                on_add(obj)
        return h

    def add_indexers(self, indexers: dict[str, IndexFunc]) -> None:
        self.indexer.add_indexers(indexers)

    def has_synced(self) -> bool:
        return self.synced

    # -- lister view -------------------------------------------------------------------------

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached object for ``"ns/name"`` (or ``"name"``)."""
        return self.indexer.get_by_key(key)  # type: ignore[no-any-return]

    def list(self, namespace: str = "") -> list[dict[str, Any]]:
        if namespace:
            return list(self.indexer.by_index(NAMESPACE_INDEX, namespace))
        return list(self.indexer.list())

    def by_index(self, index_name: str, value: str) -> list[dict[str, Any]]:
        return list(self.indexer.by_index(index_name, value))

    # -- running -------------------------------------------------------------------------------

    def start(self) -> None:
        if not self._stopped:
            return
        self._stopped = False
        self.kernel.call_soon(self._list_and_watch, name=f"informer {self.resource} list")
        if self.resync_period > 0:
            self._resync_timer = self.kernel.every(self.resync_period, self._resync,
                                                   name=f"informer {self.resource} resync")

    def stop(self) -> None:
        self._stopped = True
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        if self._resync_timer is not None:
            self._resync_timer.cancel()

    def _list_and_watch(self) -> None:
        if self._stopped:
            return
        items: list[dict[str, Any]] = []
        token = ""
        while True:
            page = self.client.list(self.resource, self.namespace,
                                    label_selector=self.label_selector,
                                    field_selector=self.field_selector,
                                    limit=LIST_PAGE_SIZE, continue_token=token)
            items.extend(page["items"])
            token = page["metadata"].get("continue", "")
            rv = page["metadata"]["resourceVersion"]
            if not token:
                break
        self._replace(items)
        self.last_sync_resource_version = rv
        self.synced = True
        self._start_watch(rv)

    def _start_watch(self, rv: str) -> None:
        try:
            self._watch = self.client.watch(
                self.resource, self._on_event, self.namespace, resource_version=rv,
                label_selector=self.label_selector, field_selector=self.field_selector)
        except ApiError as exc:
            if exc.code == 410:  # too old resource version: list again
                self.relists += 1
                self.kernel.call_soon(self._list_and_watch,
                                      name=f"informer {self.resource} relist")
                return
            raise

    def _replace(self, items: list[dict[str, Any]]) -> None:
        """DeltaFIFO.Replace: add/update what is listed, delete what is gone."""
        seen: set[str] = set()
        for obj in items:
            key = meta_namespace_key_func(obj)
            seen.add(key)
            old = self.indexer.get_by_key(key)
            if old is None:
                self.indexer.add(obj)
                self._fire_add(obj)
            elif old["metadata"].get("resourceVersion") != obj["metadata"].get(
                    "resourceVersion"):
                self.indexer.update(obj)
                self._fire_update(old, obj)
        for key in [k for k in self.indexer.list_keys() if k not in seen]:
            old = self.indexer.get_by_key(key)
            self.indexer.delete(old)
            self._fire_delete(DeletedFinalStateUnknown(key, old))

    def _on_event(self, etype: str, obj: dict[str, Any], cause: str | None) -> None:
        if self._stopped:
            return
        rv = obj.get("metadata", _NO_METADATA).get("resourceVersion", "")
        if etype == "BOOKMARK":
            self.last_sync_resource_version = rv
            return
        if cause is None:  # caused_by(None) changes nothing: no context manager to enter
            self._apply(etype, obj)
        else:
            with caused_by(cause):
                self._apply(etype, obj)
        self.last_sync_resource_version = rv

    def _apply(self, etype: str, obj: dict[str, Any]) -> None:
        """One watch event into the cache, then the handlers."""
        indexer = self.indexer
        key = meta_namespace_key_func(obj)
        old = indexer.get_by_key(key)
        if etype == "DELETED":
            if old is not None:
                indexer.delete(old)
            self._fire_delete(obj)
            return
        if indexer.transformer is None and indexer.key_func is meta_namespace_key_func:
            # the key just computed is the indexer's: store under it (Indexer.add/update
            # would compute it again)
            indexer.cache_storage.update(key, obj)
        elif old is None:
            indexer.add(obj)
        else:
            indexer.update(obj)
        if old is None:
            self._fire_add(obj)
        else:
            self._fire_update(old, obj)

    def _resync(self) -> None:
        for obj in self.indexer.list():
            self._fire_update(obj, obj)

    def _fire_add(self, obj: dict[str, Any]) -> None:
        for h in self.handlers:
            if h.on_add is not None:
                h.on_add(obj)

    def _fire_update(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        for h in self.handlers:
            if h.on_update is not None:
                h.on_update(old, new)

    def _fire_delete(self, obj: Any) -> None:
        for h in self.handlers:
            if h.on_delete is not None:
                h.on_delete(obj)


class InformerFactory:
    """``SharedInformerFactory``: one informer per resource, shared by every controller of a
    component."""

    def __init__(self, client: Client, kernel: Kernel, resync_period: float = 0.0) -> None:
        self.client = client
        self.kernel = kernel
        self.resync_period = resync_period
        self._informers: dict[str, Informer] = {}

    def informer(self, resource: str, namespace: str = "", **kw: Any) -> Informer:
        key = f"{resource}|{namespace}|{sorted(kw.items())}"
        inf = self._informers.get(key)
        if inf is None:
            kw.setdefault("resync_period", self.resync_period)
            inf = Informer(self.client, self.kernel, resource, namespace, **kw)
            self._informers[key] = inf
        return inf

    def start(self) -> None:
        for inf in self._informers.values():
            inf.start()

    def stop(self) -> None:
        for inf in self._informers.values():
            inf.stop()

    def has_synced(self) -> bool:
        return all(i.has_synced() for i in self._informers.values())
