"""The watch cache: one etcd watch on ``/registry/`` fanned out to every API watcher.

Mirrors ``staging/src/k8s.io/apiserver/pkg/storage/cacher/`` (``cacher.go``, ``watch_cache.go``,
``cache_watcher.go``):

- the API server keeps ONE store watch (upstream: one per resource type) and a bounded window of
  recent events per resource;
- a watch from ``resourceVersion`` R replays the window's events newer than R, then live ones;
  R older than the window answers ``410 Gone`` with upstream's ``too old resource version: R
  (oldest-1)``; R = 0 (or unset) starts with synthetic ``ADDED`` events for the current state;
- each watcher has a filter (namespace, label and field selectors); as in ``cacheWatcher``,
  a MODIFIED event whose object starts or stops matching becomes ADDED or DELETED;
- ``BOOKMARK`` events (only ``metadata.resourceVersion``) are sent to watchers that asked for
  them (``allowWatchBookmarks``), here every 60 virtual seconds as upstream's
  ``bookmarkFrequency``;
- delivery goes through the kernel (``watch_latency`` seconds later, default 1 ms) so a watch
  event is a visible step in virtual time, in revision order.

Simplification: upstream's window is sized by time and count per resource; here it is a count
(``window`` events per resource, default 10,000) and is also trimmed when the store compacts.
The window keeps each event's stored bytes; the object is decoded once when the event is
committed (all watchers share it) and again only for a replay, and the old object (the store's
``prev_kv``; upstream's cacher keeps it from its own store) only when a watcher's filter needs it
— a MODIFIED event that starts or stops matching.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..sim import Kernel
from ..store import EventType, KeyValue, Store, Watch, WatchEvent
from . import errors
from .resources import RESOURCES, ResourceInfo
from .storage import decode_object
from .trace import Tracer, WatchNotice

__all__ = ["CacheEvent", "CacheWatcher", "WatchCache"]

Filter = Callable[[dict[str, Any]], bool]


class CacheEvent:
    """One committed change: ``type`` (ADDED | MODIFIED | DELETED), the object after it (``obj``;
    for a DELETED event the last state with the deletion's revision), the revision and key, and
    ``prev``, the object before it (from the store's ``prev_kv``).

    The window keeps the store's bytes, not decoded objects: ``obj`` is decoded when the event
    is committed (every watcher and listener gets that one object) and ``prev`` only if a
    watcher's filter must look at the old object; once the event has been dispatched both are
    dropped (:meth:`_release`) and decoded again, with the same content, if a watch replays the
    event. So the window does not hold a second tree of dicts per event for the collector to
    walk."""

    __slots__ = ("_kv", "_obj", "_prev", "_prev_kv", "key", "revision", "type")

    def __init__(self, type: str, kv: KeyValue, prev_kv: KeyValue | None, revision: int,
                 key: str) -> None:
        self.type = type
        self.revision = revision
        self.key = key
        #: what ``obj`` decodes from: the put's value, or the deleted key's last value
        self._kv = kv
        self._prev_kv = prev_kv
        self._obj: dict[str, Any] | None = None
        self._prev: dict[str, Any] | None = None

    @property
    def obj(self) -> dict[str, Any]:
        obj = self._obj
        if obj is None:
            obj = self._obj = decode_object(self._kv.value, self.revision)
        return obj

    @property
    def prev(self) -> dict[str, Any] | None:
        if self._prev is None and self._prev_kv is not None:
            self._prev = decode_object(self._prev_kv.value, self._prev_kv.mod_revision)
        return self._prev

    @property
    def has_prev(self) -> bool:
        return self._prev_kv is not None

    def _release(self) -> None:
        """Forget the decoded objects (the watchers that got them keep them)."""
        self._obj = None
        self._prev = None

    def __repr__(self) -> str:
        return f"CacheEvent({self.type} {self.key} @{self.revision})"


@dataclass(eq=False)
class CacheWatcher:
    """One API watch. ``send(type, obj)`` receives events (on the kernel); ``trace_id`` for each
    event is passed as the third argument so the client can chain causality."""

    id: int
    name: str
    info: ResourceInfo
    namespace: str
    matches: Filter | None
    send: Callable[[str, dict[str, Any], str | None], None]
    bookmarks: bool = False
    stopped: bool = False
    last_rv: int = 0
    delivered: int = field(default=0)

    def stop(self) -> None:
        self.stopped = True

    def _in_scope(self, obj: dict[str, Any]) -> bool:
        if self.namespace and obj.get("metadata", {}).get("namespace") != self.namespace:
            return False
        return self.matches is None or self.matches(obj)


class _ResourceCache:
    def __init__(self, info: ResourceInfo, window: int) -> None:
        self.info = info
        self.events: deque[CacheEvent] = deque(maxlen=window)
        self.watchers: dict[int, CacheWatcher] = {}
        #: revision of the oldest event the window can still replay from (exclusive)
        self.oldest_rv = 0


class WatchCache:
    def __init__(
        self,
        store: Store,
        kernel: Kernel,
        tracer: Tracer,
        window: int = 10000,
        watch_latency: float = 0.001,
        bookmark_interval: float = 60.0,
    ) -> None:
        self.store = store
        self.kernel = kernel
        self.tracer = tracer
        self.watch_latency = watch_latency
        self._caches: dict[str, _ResourceCache] = {}
        self._prefixes: list[tuple[str, _ResourceCache]] = []
        for info in RESOURCES:
            if info.persisted:
                c = _ResourceCache(info, window)
                self._caches[info.qualified] = c
                self._prefixes.append((info.key_prefix, c))
        # longest prefix first: services/endpoints/ before services/
        self._prefixes.sort(key=lambda p: -len(p[0]))
        self._ids = itertools.count(1)
        #: called synchronously for every committed event of a resource (the server's own
        #: caches: RBAC, the node graph), before any watcher hears of it
        self.listeners: dict[str, list[Callable[[str, CacheEvent], None]]] = {}
        self.revision = store.revision
        for c in self._caches.values():
            c.oldest_rv = self.revision
        self._watch: Watch = store.watch(b"/registry/", prefix=True,
                                         start_revision=self.revision + 1, prev_kv=True)
        self._bookmarks = kernel.every(bookmark_interval, self._send_bookmarks,
                                       name="watchcache bookmarks", background=True)

    def close(self) -> None:
        self._bookmarks.cancel()
        self._watch.cancel()

    def cache_for(self, info: ResourceInfo) -> _ResourceCache:
        return self._caches[info.qualified]

    # -- feeding from the store --------------------------------------------------------------

    def sync(self, revision: int | None = None, timeout: float = 10.0) -> None:
        """Take every store event up to ``revision`` (default: what is queued now)."""
        if revision is not None and revision <= self.revision:
            return
        if revision is None:
            events = self._watch.drain(0)
        else:
            events = self._watch.events_until(revision, timeout)
        for ev in events:
            self._on_store_event(ev)

    def _classify(self, key: str) -> _ResourceCache | None:
        for prefix, cache in self._prefixes:
            if key.startswith(prefix):
                return cache
        return None

    def _on_store_event(self, ev: WatchEvent) -> None:
        rev = ev.kv.mod_revision
        self.revision = max(self.revision, rev)
        key = ev.kv.key.decode()
        cache = self._classify(key)
        if cache is None:
            return
        prev_kv = ev.prev_kv
        if ev.type is EventType.PUT:
            cev = CacheEvent("ADDED" if ev.kv.version == 1 else "MODIFIED", ev.kv, prev_kv, rev,
                             key)
        else:
            if prev_kv is None:  # pragma: no cover - we always ask for prev_kv
                return
            # the last state, with the deletion's revision as its resourceVersion
            cev = CacheEvent("DELETED", prev_kv, prev_kv, rev, key)
        # ``cev.obj`` is decoded on first use: every listener and watcher below gets that one
        # object (and an event nobody listens to is never decoded)
        if len(cache.events) == cache.events.maxlen:
            cache.oldest_rv = cache.events[0].revision
        cache.events.append(cev)
        for listener in self.listeners.get(cache.info.qualified, ()):
            listener(cache.info.qualified, cev)
        trace_id = self.tracer.trace_for_revision(rev)
        for w in list(cache.watchers.values()):
            self._dispatch(w, cev, trace_id)
        cev._release()

    def _dispatch(self, w: CacheWatcher, ev: CacheEvent, trace_id: str | None) -> None:
        if w.stopped:
            return
        new_ok = w._in_scope(ev.obj)
        etype = ev.type
        if etype == "ADDED":
            old_ok = False
        elif w.namespace or w.matches is not None:
            old_ok = ev.prev is not None and w._in_scope(ev.prev)
        else:
            # an unfiltered watcher takes any object: no need to decode the old one
            old_ok = ev.has_prev
        if etype == "MODIFIED":
            if new_ok and not old_ok:
                etype = "ADDED"
            elif old_ok and not new_ok:
                etype = "DELETED"
            elif not new_ok:
                return
        elif (etype == "ADDED" and not new_ok) or (etype == "DELETED" and not old_ok):
            return
        self._deliver(w, etype, ev.obj, ev.revision, ev.key, trace_id)

    def _deliver(self, w: CacheWatcher, etype: str, obj: dict[str, Any], rev: int, key: str,
                 trace_id: str | None) -> None:
        def run() -> None:
            if w.stopped:
                return
            w.last_rv = rev
            w.delivered += 1
            self.tracer.record_notice(WatchNotice(w.name, etype, w.info.plural, key, rev,
                                                  trace_id, self.kernel.now))
            w.send(etype, obj, trace_id)

        self.kernel.call_later(self.watch_latency, run, name=f"watch {etype} {key} -> {w.name}")

    def _send_bookmarks(self) -> None:
        for cache in self._caches.values():
            for w in cache.watchers.values():
                if w.bookmarks and not w.stopped:
                    obj = {"kind": w.info.kind, "apiVersion": w.info.api_version,
                           "metadata": {"resourceVersion": str(self.revision)}}
                    w.send("BOOKMARK", obj, None)

    def compacted(self, revision: int) -> None:
        """The store compacted at ``revision``: the window can no longer replay older events."""
        for cache in self._caches.values():
            while cache.events and cache.events[0].revision <= revision:
                cache.events.popleft()
            cache.oldest_rv = max(cache.oldest_rv, revision)

    # -- API watchers -----------------------------------------------------------------------

    def watch(
        self,
        info: ResourceInfo,
        name: str,
        send: Callable[[str, dict[str, Any], str | None], None],
        namespace: str = "",
        matches: Filter | None = None,
        resource_version: int = 0,
        current: Callable[[], tuple[list[dict[str, Any]], int]] | None = None,
        bookmarks: bool = False,
    ) -> CacheWatcher:
        """Start a watch. ``resource_version`` 0 replays the current state (``current()`` gives
        the objects and their list revision) as ADDED events first."""
        self.sync()
        cache = self.cache_for(info)
        w = CacheWatcher(next(self._ids), name, info, namespace, matches, send, bookmarks)
        if resource_version == 0:
            objs, _ = current() if current is not None else ([], self.revision)
            for obj in objs:
                if w._in_scope(obj):
                    key = info.key(obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
                    self._deliver(w, "ADDED", obj, int(obj["metadata"]["resourceVersion"]),
                                  key, None)
        else:
            if resource_version < cache.oldest_rv:
                raise errors.gone(
                    f"too old resource version: {resource_version} ({cache.oldest_rv})")
            for ev in cache.events:
                if ev.revision > resource_version:
                    self._dispatch(w, ev, self.tracer.trace_for_revision(ev.revision))
                    ev._release()
        cache.watchers[w.id] = w
        return w

    def stop(self, w: CacheWatcher) -> None:
        w.stop()
        self.cache_for(w.info).watchers.pop(w.id, None)

    def watchers(self, info: ResourceInfo | None = None) -> list[CacheWatcher]:
        caches = [self.cache_for(info)] if info else list(self._caches.values())
        return [w for c in caches for w in c.watchers.values()]
