"""``WatchableStore``: synced and unsynced groups, notify, catch-up and event batches
(``server/storage/mvcc/watchable_store_test.go``, ``watcher_group.go`` in spirit)."""

from __future__ import annotations

from k8s_internals.store.kvstore import KVStore
from k8s_internals.store.types import EventType, KeyValue, Watch, WatchEvent, WatchResponse
from k8s_internals.store.watchable_store import (
    WATCH_BATCH_MAX_REVS,
    EventBatch,
    WatchableStore,
    Watcher,
    WatcherGroup,
)

PUT, DELETE = EventType.PUT, EventType.DELETE


def put(ws: WatchableStore, key: bytes, value: bytes = b"v") -> None:
    tw = ws.write()
    tw.put(key, value)
    tw.end()


def delete(ws: WatchableStore, key: bytes) -> None:
    tw = ws.write()
    tw.delete_range(key, None)
    tw.end()


def responses(watch: Watch) -> list[WatchResponse]:
    out = []
    while (resp := watch.get(0)) is not None:
        out.append(resp)
    return out


def test_new_watcher_on_an_old_revision_is_unsynced_until_synced() -> None:
    ws = WatchableStore(KVStore())
    put(ws, b"a")  # 2
    put(ws, b"b")  # 3
    delete(ws, b"a")  # 4
    w = Watch(0)
    watcher = ws.watch(b"", b"", 2, w)
    assert watcher in ws.unsynced and watcher not in ws.synced
    put(ws, b"c")  # 5: not sent to an unsynced watcher by notify
    ws.flush()
    assert responses(w) == []
    assert ws.sync_watchers() == 0
    ws.flush()
    assert watcher in ws.synced and watcher.min_rev == 6
    [resp] = responses(w)
    assert resp.revision == 5
    assert resp.events == (
        WatchEvent(PUT, KeyValue(b"a", 2, 2, 1, b"v")),
        WatchEvent(PUT, KeyValue(b"b", 3, 3, 1, b"v")),
        WatchEvent(DELETE, KeyValue(b"a", mod_revision=4)),  # only key and revision
        WatchEvent(PUT, KeyValue(b"c", 5, 5, 1, b"v")),
    )


def test_synced_watchers_get_one_response_per_revision() -> None:
    ws = WatchableStore(KVStore())
    w = Watch(0)
    ws.watch(b"k", None, 0, w)  # from the next revision: synced at once
    tw = ws.write()
    tw.put(b"k", b"1")
    tw.put(b"other", b"1")
    tw.end()  # 2
    put(ws, b"k", b"2")  # 3
    ws.flush()
    assert [(r.revision, [e.kv.mod_revision for e in r.events]) for r in responses(w)] == [
        (2, [2]), (3, [3])
    ]  # fmt: skip


def test_future_start_revision_waits_in_synced() -> None:
    ws = WatchableStore(KVStore())
    w = Watch(0)
    watcher = ws.watch(b"k", None, 4, w)
    assert watcher in ws.synced and watcher.min_rev == 4
    for i in range(4):
        put(ws, b"k", b"%d" % i)  # 2..5
    ws.flush()
    assert [e.kv.mod_revision for r in responses(w) for e in r.events] == [4, 5]


def test_compacted_unsynced_watcher_is_canceled() -> None:
    ws = WatchableStore(KVStore())
    for _ in range(5):
        put(ws, b"k")  # 2..6
    ws.kv.compact(5)
    w = Watch(0)
    watcher = ws.watch(b"k", None, 3, w)
    ws.sync_watchers()
    ws.flush()
    assert responses(w) == [WatchResponse((), revision=0, canceled=True, compact_revision=5)]
    assert watcher.compacted and len(ws.unsynced) == len(ws.synced) == 0


def test_cancel_removes_the_watcher() -> None:
    ws = WatchableStore(KVStore())
    w = Watch(0)
    watcher = ws.watch(b"/p/", b"/p0", 0, w)
    ws.cancel_watcher(watcher)
    put(ws, b"/p/a")
    ws.flush()
    assert responses(w) == [] and len(ws.synced) == 0
    assert ws.synced.ranges == {}


def test_event_batch_caps_distinct_revisions() -> None:
    eb = EventBatch()
    for rev in range(2, WATCH_BATCH_MAX_REVS + 5):
        eb.add(WatchEvent(PUT, KeyValue(b"k", 2, rev, 1)))
        eb.add(WatchEvent(PUT, KeyValue(b"j", 2, rev, 1)))  # same revision: same slot
    assert eb.revs == WATCH_BATCH_MAX_REVS + 1
    assert len(eb.evs) == 2 * WATCH_BATCH_MAX_REVS
    assert eb.more_rev == WATCH_BATCH_MAX_REVS + 2  # the first revision left for next time


def test_watcher_group_lookup() -> None:
    g = WatcherGroup()
    key = Watcher(b"/p/a", None, 1, Watch(0))
    prefix = Watcher(b"/p/", b"/p0", 1, Watch(1))
    everything = Watcher(b"\x00", b"", 1, Watch(2))
    for w in (key, prefix, everything):
        g.add(w)
    assert g.watcher_set_by_key(b"/p/a") == [key, prefix, everything]
    assert g.watcher_set_by_key(b"/p0") == [everything]  # the range end is outside
    assert g.contains(b"zzz") and g.delete(everything) and not g.contains(b"zzz")
    assert not g.delete(everything)
