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
committed (all watchers share it) and again only for a replay.

Whether the *old* object was in a filtered watcher's scope is decided as upstream's cacher does:
``watch_cache.go`` keeps a ``storeElement{Key, Object, Labels, Fields}`` per key and
``processEvent`` hands the previous element's ``PrevObjLabels``/``PrevObjFields`` to
``cache_watcher.go``, whose ``convertToWatchEvent`` runs ``w.filter(key, labels, fields)`` on
both. Here each resource keeps such attributes (:class:`ObjectAttrs`: namespace, labels and the
selectable fields the current watchers' field selectors read) per key, but only while it has a
filtered watcher that can use them (a namespace and/or a :class:`.filters.SelectionPredicate`),
so an unwatched or unfiltered resource holds nothing beyond the window's bytes. Where a key has
no attributes (written before the watcher came, or before a watcher needing more attributes
came), for a replay from the window, and for a plain-callable filter, the old object is decoded
from the store's ``prev_kv`` as before.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..sim import Kernel
from ..store import EventType, KeyValue, Store, Watch, WatchEvent
from . import errors
from .resources import RESOURCES, ResourceInfo
from .selectors import FieldGetter, field_getter
from .storage import decode_object
from .trace import Tracer, WatchNotice

__all__ = ["CacheEvent", "CacheWatcher", "ObjectAttrs", "WatchCache"]

Filter = Callable[[dict[str, Any]], bool]
AttrsFilter = Callable[[Mapping[str, str] | None, Mapping[str, str]], bool]

_NO_FIELDS: Mapping[str, str] = {}


class ObjectAttrs:
    """What a filter needs of a key's current object, as upstream's ``storeElement``
    (``apiserver/pkg/storage/cacher/watch_cache.go``) keeps ``Labels`` and ``Fields`` beside the
    object: ``metadata.namespace``, ``metadata.labels`` (a copy; ``None`` when no watcher of the
    resource has a label selector) and the selectable fields the resource's watchers read, as
    :func:`.selectors.field_getter` computes them. ``revision`` is the object's
    ``mod_revision``: the attributes stand for the old object of the key's next event only when
    that event's ``prev_kv`` has this revision."""

    __slots__ = ("fields", "labels", "namespace", "revision")

    def __init__(self, revision: int, namespace: Any, labels: Mapping[str, str] | None,
                 fields: Mapping[str, str]) -> None:
        self.revision = revision
        self.namespace = namespace
        self.labels = labels
        self.fields = fields

    def __repr__(self) -> str:
        return (f"ObjectAttrs(@{self.revision} ns={self.namespace!r} labels={self.labels!r} "
                f"fields={self.fields!r})")


class CacheEvent:
    """One committed change: ``type`` (ADDED | MODIFIED | DELETED), the object after it (``obj``;
    for a DELETED event the last state with the deletion's revision), the revision and key, and
    ``prev``, the object before it (from the store's ``prev_kv``).

    The window keeps the store's bytes, not decoded objects: ``obj`` is decoded when the event
    is committed (every watcher and listener gets that one object) and ``prev`` only if a
    watcher's filter must look at the old object and the key's :class:`ObjectAttrs` cannot
    stand for it (a replay, a key written before the watcher came, a plain-callable filter) or
    a listener asks for it; once the event has been dispatched both are
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
    #: the filter's attributes form (``SelectionPredicate.on_attrs``), if it has one
    _on_attrs: AttrsFilter | None = field(default=None, init=False, repr=False)
    #: whether the old object's scope can be decided from :class:`ObjectAttrs`: the watcher
    #: filters (by namespace and/or a predicate) and its predicate, if any, has an attrs form
    uses_attrs: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        matches = self.matches
        if matches is None:
            self.uses_attrs = bool(self.namespace)
            return
        on_attrs = getattr(matches, "on_attrs", None)
        # the attributes' fields are computed with the cache's resource's getters
        if on_attrs is not None and getattr(matches, "resource", None) == self.info.plural:
            self._on_attrs = on_attrs
            self.uses_attrs = True

    def stop(self) -> None:
        self.stopped = True

    def _in_scope(self, obj: dict[str, Any]) -> bool:
        if self.namespace and obj.get("metadata", {}).get("namespace") != self.namespace:
            return False
        return self.matches is None or self.matches(obj)

    def _attrs_in_scope(self, attrs: ObjectAttrs) -> bool:
        """:meth:`_in_scope` of the object ``attrs`` were taken from (``uses_attrs`` only)."""
        if self.namespace and attrs.namespace != self.namespace:
            return False
        on_attrs = self._on_attrs
        return on_attrs is None or on_attrs(attrs.labels, attrs.fields)


class _ResourceCache:
    def __init__(self, info: ResourceInfo, window: int) -> None:
        self.info = info
        self.events: deque[CacheEvent] = deque(maxlen=window)
        self.watchers: dict[int, CacheWatcher] = {}
        #: revision of the oldest event the window can still replay from (exclusive)
        self.oldest_rv = 0
        #: each key's current :class:`ObjectAttrs`, kept while ``attr_watchers`` > 0
        self.attrs: dict[str, ObjectAttrs] = {}
        #: registered watchers with ``uses_attrs``
        self.attr_watchers = 0
        #: the fields every entry of ``attrs`` holds, with their getters
        self.attr_fields: dict[str, FieldGetter] = {}
        #: whether every entry of ``attrs`` holds the labels
        self.attr_labels = False

    def track(self, w: CacheWatcher) -> None:
        """A watcher registered: keep the attributes it filters on. A watcher needing labels or
        a field the entries lack starts the table afresh (its keys fall back to decoding the
        old object until they are written again), so every entry has what every watcher
        reads."""
        if not w.uses_attrs:
            return
        self.attr_watchers += 1
        pred = w.matches
        names: tuple[str, ...] = getattr(pred, "field_names", ())
        labels = getattr(pred, "label", None) is not None
        missing = [n for n in names if n not in self.attr_fields]
        if missing or (labels and not self.attr_labels):
            fields = dict(self.attr_fields)
            for n in missing:
                fields[n] = field_getter(self.info.plural, n)
            self.attr_fields = fields
            self.attr_labels = self.attr_labels or labels
            self.attrs = {}

    def untrack(self, w: CacheWatcher) -> None:
        """A registered watcher stopped: with the last one that used them, drop the attributes
        (nothing keeps them up to date any more)."""
        if not w.uses_attrs:
            return
        self.attr_watchers -= 1
        if self.attr_watchers == 0:
            self.attrs = {}
            self.attr_fields = {}
            self.attr_labels = False

    def attrs_of(self, obj: dict[str, Any], revision: int) -> ObjectAttrs:
        meta = obj.get("metadata", {})
        labels = None
        if self.attr_labels:
            labels = meta.get("labels")
            if labels:
                # a copy: the decoded object is shared with every watcher
                labels = dict(labels)
        getters = self.attr_fields
        fields = {n: g(obj) for n, g in getters.items()} if getters else _NO_FIELDS
        return ObjectAttrs(revision, meta.get("namespace"), labels, fields)


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

    def sync(self, revision: int | None = None, timeout: float = 10.0,
             decoded: tuple[str, int, dict[str, Any]] | None = None) -> None:
        """Take every store event up to ``revision`` (default: what is queued now).
        ``decoded`` — ``(key, revision, object)`` from a writer that has the written object
        exactly as its bytes decode and no longer holds it — becomes that event's object
        instead of a decode of the same bytes."""
        if revision is not None and revision <= self.revision:
            return
        if revision is None:
            events = self._watch.drain(0)
        else:
            events = self._watch.events_until(revision, timeout)
        for ev in events:
            self._on_store_event(ev, decoded)

    def _classify(self, key: str) -> _ResourceCache | None:
        for prefix, cache in self._prefixes:
            if key.startswith(prefix):
                return cache
        return None

    def _on_store_event(self, ev: WatchEvent,
                        decoded: tuple[str, int, dict[str, Any]] | None = None) -> None:
        rev = ev.kv.mod_revision
        self.revision = max(self.revision, rev)
        key = ev.kv.key.decode()
        cache = self._classify(key)
        if cache is None:
            return
        prev_kv = ev.prev_kv
        put = ev.type is EventType.PUT
        if put:
            cev = CacheEvent("ADDED" if ev.kv.version == 1 else "MODIFIED", ev.kv, prev_kv, rev,
                             key)
            if decoded is not None and decoded[1] == rev and decoded[0] == key:
                cev._obj = decoded[2]
        else:
            if prev_kv is None:  # pragma: no cover - we always ask for prev_kv
                return
            # the last state, with the deletion's revision as its resourceVersion
            cev = CacheEvent("DELETED", prev_kv, prev_kv, rev, key)
        # upstream's ``PrevObjLabels``/``PrevObjFields``: the key's attributes, if they are
        # those of ``prev_kv``; and the new object's, taken before anyone sees the object
        table = cache.attrs
        prev_attrs: ObjectAttrs | None = None
        new_attrs: ObjectAttrs | None = None
        if cache.attr_watchers > 0:
            prev_attrs = table.pop(key, None)
            if prev_attrs is not None and (
                    prev_kv is None or prev_attrs.revision != prev_kv.mod_revision):
                prev_attrs = None
            if put:
                new_attrs = cache.attrs_of(cev.obj, rev)
        # ``cev.obj`` is decoded on first use: every listener and watcher below gets that one
        # object (and an event nobody listens to is never decoded)
        if len(cache.events) == cache.events.maxlen:
            cache.oldest_rv = cache.events[0].revision
        cache.events.append(cev)
        for listener in self.listeners.get(cache.info.qualified, ()):
            listener(cache.info.qualified, cev)
        trace_id = self.tracer.trace_for_revision(rev)
        for w in list(cache.watchers.values()):
            # (attributes from a table since started afresh may lack what ``w`` reads)
            self._dispatch(w, cev, trace_id, prev_attrs if cache.attrs is table else None)
        # (a DELETE leaves the key without attributes; if the table was started afresh
        # meanwhile, the key has none until its next write)
        if new_attrs is not None and cache.attrs is table:
            table[key] = new_attrs
        cev._release()

    def _dispatch(self, w: CacheWatcher, ev: CacheEvent, trace_id: str | None,
                  prev_attrs: ObjectAttrs | None = None) -> None:
        """Send ``ev`` to ``w`` as ``cacheWatcher.convertToWatchEvent`` would. ``prev_attrs``
        are the old object's attributes when known (live events; a replay decodes it)."""
        if w.stopped:
            return
        new_ok = w._in_scope(ev.obj)
        etype = ev.type
        if etype == "ADDED":
            old_ok = False
        elif w.namespace or w.matches is not None:
            if prev_attrs is not None and w.uses_attrs:
                old_ok = w._attrs_in_scope(prev_attrs)
            else:
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
        # a bound method and its arguments, not a closure: a pending delivery holds the fewest
        # objects (there may be one per pod in flight)
        self.kernel.call_later(self.watch_latency, self._run_delivery, w, etype, obj, rev, key,
                               trace_id, name=f"watch {etype} {key} -> {w.name}")

    def _run_delivery(self, w: CacheWatcher, etype: str, obj: dict[str, Any], rev: int,
                      key: str, trace_id: str | None) -> None:
        if w.stopped:
            return
        w.last_rv = rev
        w.delivered += 1
        self.tracer.record_notice(WatchNotice(w.name, etype, w.info.plural, key, rev,
                                              trace_id, self.kernel.now))
        w.send(etype, obj, trace_id)

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
        cache.track(w)
        return w

    def stop(self, w: CacheWatcher) -> None:
        w.stop()
        cache = self.cache_for(w.info)
        if cache.watchers.pop(w.id, None) is not None:
            cache.untrack(w)

    def watchers(self, info: ResourceInfo | None = None) -> list[CacheWatcher]:
        caches = [self.cache_for(info)] if info else list(self._caches.values())
        return [w for c in caches for w in c.watchers.values()]
