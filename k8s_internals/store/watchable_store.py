"""Watchers on the multi-version store — etcd's ``server/storage/mvcc/watchable_store.go``,
``watcher_group.go`` and ``watchable_store_txn.go``.

What it holds:

- :class:`Watcher` — one watch on a key or a range, with ``min_rev``: the lowest revision it
  still has to be told about.
- :class:`WatcherGroup` — watchers by key (``keyWatchers``) and by range (``ranges``; etcd keeps
  them in an interval tree, here a dict of intervals scanned in order).
- :class:`WatchableStore` — the :class:`~.kvstore.KVStore` plus two groups: ``synced`` watchers
  have seen every revision up to the current one and get each new change as it is committed
  (:meth:`WatchableStore.notify`); ``unsynced`` watchers started from an older revision and
  first catch up from the backend (:meth:`WatchableStore.sync_watchers`), in batches of at most
  :data:`WATCH_BATCH_MAX_REVS` revisions, then join ``synced``. A watcher whose start revision
  was compacted away gets one response with ``canceled`` and ``compact_revision`` and is dropped
  (``chooseAll``). A start revision equal to the compaction revision still replays: compaction
  keeps each key's newest revision at or below it.

Differences from etcd, all about time: etcd moves unsynced watchers in a loop every 100 ms and
parks watchers whose channel is full as *victims*; here the store syncs a new watcher at once and
delivery never blocks (each :class:`~.types.Watch` has an unbounded queue), so there are no
victims. Responses are queued in an *outbox* while the store's lock is held and delivered by
:meth:`WatchableStore.flush` in commit order — a watch callback that writes to the store queues
its own events behind the ones being delivered, so every watcher still sees revisions in order.

Event shapes are etcd's: a PUT carries the new ``KeyValue``; a DELETE carries only ``key`` and
``mod_revision`` (the delete's revision; ``kvsToEvents`` "patches in" the revision of the
tombstone); ``prev_kv``, when asked for, is the key's value at ``mod_revision - 1`` — absent for
a creation (version 1) or if that revision was compacted (``v3rpc/watch.go`` ``sendLoop``).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

from .kvstore import KVStore, TxnRead, TxnWrite, is_tombstone
from .types import EventType, KeyValue, Watch, WatchEvent, WatchResponse

__all__ = [
    "MAX_WATCHERS_PER_SYNC",
    "WATCH_BATCH_MAX_REVS",
    "EventBatch",
    "WatchableStore",
    "WatchableTxnWrite",
    "Watcher",
    "WatcherGroup",
]

log = logging.getLogger(__name__)

#: ``watchBatchMaxRevs``: distinct revisions sent to an unsynced watcher in one response.
WATCH_BATCH_MAX_REVS = 1000
#: ``maxWatchersPerSync``.
MAX_WATCHERS_PER_SYNC = 512

PUT, DELETE = EventType.PUT, EventType.DELETE


class Watcher:
    """``watcher``: ``end`` is None for one key, ``b""`` for "every key from ``key`` on"."""

    __slots__ = ("compacted", "end", "id", "key", "min_rev", "prev_kv", "watch")

    def __init__(
        self, key: bytes, end: bytes | None, min_rev: int, watch: Watch, prev_kv: bool = False
    ) -> None:
        self.key = key
        self.end = end
        self.min_rev = min_rev
        self.id = watch.id
        self.watch = watch
        self.prev_kv = prev_kv
        self.compacted = False

    def __repr__(self) -> str:
        return f"Watcher(id={self.id}, key={self.key!r}, end={self.end!r}, min_rev={self.min_rev})"


def _in_interval(key: bytes, start: bytes, end: bytes) -> bool:
    return start <= key and (not end or key < end)


class WatcherGroup:
    """``watcherGroup``. Sets are insertion-ordered dicts, so delivery order is deterministic."""

    def __init__(self) -> None:
        self.key_watchers: dict[bytes, dict[Watcher, None]] = {}
        self.ranges: dict[tuple[bytes, bytes], dict[Watcher, None]] = {}
        self.watchers: dict[Watcher, None] = {}

    def __len__(self) -> int:
        return len(self.watchers)

    def __contains__(self, w: Watcher) -> bool:
        return w in self.watchers

    def add(self, w: Watcher) -> None:
        if w in self.watchers:
            raise AssertionError("add watcher twice!")
        self.watchers[w] = None
        if w.end is None:
            self.key_watchers.setdefault(w.key, {})[w] = None
        else:
            self.ranges.setdefault((w.key, w.end), {})[w] = None

    def delete(self, w: Watcher) -> bool:
        if self.watchers.pop(w, False) is False:
            return False
        table, slot = (self.key_watchers, w.key) if w.end is None else (self.ranges, (w.key, w.end))
        ws = table[slot]  # type: ignore[index]
        del ws[w]
        if not ws:
            del table[slot]  # type: ignore[arg-type]
        return True

    def contains(self, key: bytes) -> bool:
        """Whether some watcher in the group watches ``key``."""
        return key in self.key_watchers or any(
            _in_interval(key, start, end) for start, end in self.ranges
        )

    def watcher_set_by_key(self, key: bytes) -> list[Watcher]:
        """The watchers that receive events on ``key``: its key watchers, then the range
        watchers whose interval holds it."""
        ws = self.key_watchers.get(key)
        out = list(ws) if ws else []
        for (start, end), rws in self.ranges.items():
            if _in_interval(key, start, end):
                out.extend(rws)
        return out

    def choose(
        self, max_watchers: int, cur_rev: int, compact_rev: int
    ) -> tuple[list[Watcher], int, list[Watcher]]:
        """``choose``/``chooseAll``: up to ``max_watchers`` watchers to sync, the lowest revision
        to read from, and the watchers whose start revision was compacted away."""
        chosen: list[Watcher] = []
        compacted: list[Watcher] = []
        min_rev = cur_rev + 1
        for w in list(self.watchers)[:max_watchers]:
            if w.min_rev < compact_rev:
                compacted.append(w)
                continue
            chosen.append(w)
            min_rev = min(min_rev, w.min_rev)
        return chosen, min_rev, compacted


@dataclass(slots=True)
class EventBatch:
    """``eventBatch``: revision-ordered events for one watcher, at most
    :data:`WATCH_BATCH_MAX_REVS` distinct revisions; ``more_rev`` is the first revision left out."""

    evs: list[WatchEvent] = field(default_factory=list)
    revs: int = 0
    more_rev: int = 0

    def add(self, ev: WatchEvent) -> None:
        if self.revs > WATCH_BATCH_MAX_REVS:
            return  # maxed out
        if not self.evs:
            self.revs = 1
            self.evs.append(ev)
            return
        ev_rev = ev.kv.mod_revision
        if ev_rev > self.evs[-1].kv.mod_revision:
            self.revs += 1
            if self.revs > WATCH_BATCH_MAX_REVS:
                self.more_rev = ev_rev
                return
        self.evs.append(ev)


class WatchableTxnWrite(TxnWrite):
    """``watchableStoreTxnWrite``: on ``end()`` the committed changes go to synced watchers."""

    def __init__(self, ws: WatchableStore) -> None:
        super().__init__(ws.kv)
        self.ws = ws

    def end(self) -> list[KeyValue]:
        changes = super().end()
        if changes and self.ws.synced.watchers:
            rev = self.begin_rev + 1
            evs = [
                WatchEvent(DELETE, KeyValue(kv.key, mod_revision=rev))
                if is_tombstone(kv)
                else WatchEvent(PUT, kv)
                for kv in changes
            ]
            self.ws.notify(rev, evs)
        return changes


class WatchableStore:
    """``watchableStore``: see the module docstring. The caller holds the store's lock."""

    def __init__(self, kv: KVStore) -> None:
        self.kv = kv
        self.synced = WatcherGroup()
        self.unsynced = WatcherGroup()
        self.outbox: deque[tuple[Watch, WatchResponse]] = deque()
        self._flushing = False

    def read(self) -> TxnRead:
        return self.kv.read()

    def write(self) -> WatchableTxnWrite:
        return WatchableTxnWrite(self)

    # -- watchers ------------------------------------------------------------------------------

    def watch(
        self, key: bytes, end: bytes | None, start_rev: int, watch: Watch, prev_kv: bool = False
    ) -> Watcher:
        """Add a watcher from ``start_rev`` (0 = the next revision). A start revision above the
        current one waits for it; one at or below it needs :meth:`sync_watchers` first."""
        cur = self.kv.current_rev
        w = Watcher(key, end, start_rev, watch, prev_kv)
        if start_rev > cur or start_rev == 0:
            w.min_rev = max(cur + 1, start_rev)
            self.synced.add(w)
        else:
            self.unsynced.add(w)
        return w

    def cancel_watcher(self, w: Watcher) -> None:
        """Remove ``w`` from whichever group holds it."""
        if not self.unsynced.delete(w):
            self.synced.delete(w)

    def sync_watchers(self) -> int:
        """``syncWatchers``: send unsynced watchers the events between their ``min_rev`` and the
        current revision, read from the backend; move the ones that caught up to ``synced``.
        Returns how many watchers are still unsynced."""
        if not self.unsynced.watchers:
            return 0
        cur, compact_rev = self.kv.current_rev, self.kv.compact_main_rev
        chosen, min_rev, compacted = self.unsynced.choose(MAX_WATCHERS_PER_SYNC, cur, compact_rev)
        for w in compacted:
            # etcd's compacted response: no header revision, only the compaction revision
            canceled = WatchResponse((), revision=0, canceled=True, compact_revision=compact_rev)
            self.outbox.append((w.watch, canceled))
            w.compacted = True
            self.unsynced.delete(w)
        batches = self._batches(chosen, self._history(chosen, min_rev, cur))
        for w in chosen:
            w.min_rev = cur + 1
            eb = batches.get(w)
            if eb is not None:
                if eb.more_rev:
                    w.min_rev = eb.more_rev
                self._send(w, eb.evs, cur)
                if eb.more_rev:
                    continue  # stays unsynced: more to read
            self.unsynced.delete(w)
            self.synced.add(w)
        return len(self.unsynced)

    def _history(self, watchers: list[Watcher], min_rev: int, cur: int) -> list[WatchEvent]:
        """``kvsToEvents``: the backend's entries in ``[min_rev, cur]`` that some watcher in
        ``watchers`` watches, as events."""
        group = WatcherGroup()
        for w in watchers:
            group.add(w)
        evs: list[WatchEvent] = []
        for rev, kv in self.kv.backend.range(min_rev, cur + 1):
            if not group.contains(kv.key):
                continue
            if is_tombstone(kv):
                evs.append(WatchEvent(DELETE, KeyValue(kv.key, mod_revision=rev.main)))
            else:
                evs.append(WatchEvent(PUT, kv))
        return evs

    @staticmethod
    def _batches(watchers: list[Watcher], evs: list[WatchEvent]) -> dict[Watcher, EventBatch]:
        """``newWatcherBatch``: each watcher's events at or above its ``min_rev``."""
        group = WatcherGroup()
        for w in watchers:
            group.add(w)
        batches: dict[Watcher, EventBatch] = {}
        for ev in evs:
            for w in group.watcher_set_by_key(ev.kv.key):
                if ev.kv.mod_revision >= w.min_rev:  # don't double notify
                    eb = batches.get(w)
                    if eb is None:
                        eb = batches[w] = EventBatch()
                    eb.add(ev)
        return batches

    def notify(self, rev: int, evs: list[WatchEvent]) -> None:
        """Tell the synced watchers about the events of revision ``rev``, one response each."""
        matched: dict[Watcher, list[WatchEvent]] = {}
        for ev in evs:
            for w in self.synced.watcher_set_by_key(ev.kv.key):
                if ev.kv.mod_revision >= w.min_rev:
                    matched.setdefault(w, []).append(ev)
        for w, wevs in matched.items():
            self._send(w, wevs, rev)
            w.min_rev = rev + 1

    # -- delivery ------------------------------------------------------------------------------

    def _send(self, w: Watcher, evs: list[WatchEvent], rev: int) -> None:
        if w.prev_kv:
            evs = [self._with_prev_kv(ev) for ev in evs]
        self.outbox.append((w.watch, WatchResponse(tuple(evs), revision=rev)))

    def _with_prev_kv(self, ev: WatchEvent) -> WatchEvent:
        kv = ev.kv
        if ev.type is PUT and kv.version == 1:  # a creation has no previous value
            return ev
        at = kv.mod_revision - 1
        if at < self.kv.compact_main_rev:
            return ev
        prev = self.kv.get(kv.key, at)
        return ev if prev is None else WatchEvent(ev.type, kv, prev)

    def flush(self) -> None:
        """Deliver the queued responses in order. Re-entrant calls (a callback that writes)
        return at once: the outer call delivers what they queued."""
        if self._flushing:
            return
        self._flushing = True
        try:
            outbox = self.outbox
            while outbox:
                watch, resp = outbox.popleft()
                if watch.canceled and not resp.canceled:
                    continue  # canceled from a callback while responses were queued
                try:
                    watch._deliver(resp)
                except Exception:
                    log.exception("watch %d: callback failed", watch.id)
        finally:
            self._flushing = False
