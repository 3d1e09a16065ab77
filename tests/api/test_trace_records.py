"""A trace's writes and watch notices are recorded compactly (plain tuples, untracked by the
collector) and read back as the same :class:`StoreWrite` / :class:`WatchNotice` lists."""

from __future__ import annotations

import gc

from k8s_internals.api.trace import StoreWrite, Trace, Tracer, WatchNotice


def _notice(i: int, trace_id: str | None = "req-1") -> WatchNotice:
    return WatchNotice(f"w{i}", "ADDED", "pods", f"/registry/pods/default/p{i}", 10 + i,
                       trace_id, 1.5 + i)


def test_recorded_writes_and_notices_read_back_equal() -> None:
    tracer = Tracer()
    t = Trace(tracer.new_id(), None, "alice", "create", "pods")
    tracer.begin(t)
    seen_writes: list[StoreWrite] = []
    seen_notices: list[WatchNotice] = []
    tracer.on_store_write.append(seen_writes.append)
    tracer.on_watch_event.append(seen_notices.append)
    w = StoreWrite("/registry/pods/default/p", 7, "PUT", t.id)
    n = _notice(0, t.id)
    tracer.record_write(t, w)
    tracer.record_notice(n)
    assert seen_writes[0] is w and seen_notices[0] is n  # hooks get the objects themselves
    assert t.writes == [w] and t.notified == [n]
    assert t.writes is t.writes and t.notified is t.notified  # materialised once
    assert tracer.trace_for_revision(7) == t.id
    # after reading, recording appends to that very list, and so does code outside the tracer
    w2 = StoreWrite("/registry/pods/default/q", 8, "DELETE", t.id)
    tracer.record_write(t, w2)
    t.writes.append(StoreWrite("k", 9, "PUT", t.id))
    assert [x.revision for x in t.writes] == [7, 8, 9] and t.writes[1] is w2
    assert t.to_dict()["writes"][0] == {"key": "/registry/pods/default/p", "revision": 7,
                                        "op": "PUT", "trace_id": t.id}
    assert t.to_dict()["notified"] == [{
        "watcher": "w0", "event_type": "ADDED", "resource": "pods",
        "key": "/registry/pods/default/p0", "revision": 10, "trace_id": t.id, "time": 1.5}]


def test_fields_can_be_given_appended_or_assigned() -> None:
    given = [StoreWrite("k", 1, "PUT", "a")]
    t = Trace("a", None, "u", "create", writes=given)
    assert t.writes is given and t.notified == []
    t.notified.append(_notice(1, "a"))
    t.notified = [_notice(2, "a")]
    assert [n.watcher for n in t.notified] == ["w2"]
    assert Trace("a", None, "u", "get") == Trace("a", None, "u", "get")
    assert Trace("a", None, "u", "get", writes=given) != Trace("a", None, "u", "get")
    assert "writes=[StoreWrite(key='k'" in repr(t)


def test_compact_records_are_untracked_and_absent_when_empty() -> None:
    tracer = Tracer()
    quiet = Trace(tracer.new_id(), None, "u", "get")
    busy = Trace(tracer.new_id(), None, "u", "create")
    tracer.begin(quiet)
    tracer.begin(busy)
    tracer.record_write(busy, StoreWrite("k", 3, "PUT", busy.id))
    for i in range(3):
        tracer.record_notice(_notice(i, busy.id))
    tracer.record_notice(_notice(9, None))  # no trace: only the hooks
    assert quiet._raw_writes == () and quiet._raw_notified == ()
    gc.collect()
    assert not gc.is_tracked(busy._raw_writes) and not gc.is_tracked(busy._raw_notified)
    assert [n.watcher for n in busy.notified] == ["w0", "w1", "w2"]
    assert tracer.query(writes_only=True) == [busy]


def test_many_records_keep_their_order() -> None:
    tracer = Tracer()
    t = Trace(tracer.new_id(), None, "u", "deletecollection", "pods")
    tracer.begin(t)
    writes = [StoreWrite(f"k{i}", i + 1, "DELETE", t.id) for i in range(40)]
    for w in writes:
        tracer.record_write(t, w)
    for i in range(40):
        tracer.record_notice(_notice(i, t.id))
    assert t.writes == writes
    assert t.notified == [_notice(i, t.id) for i in range(40)]


def test_eviction_forgets_revisions_of_compact_and_read_writes() -> None:
    tracer = Tracer(capacity=2)
    a, b = Trace(tracer.new_id(), None, "u", "create"), Trace(tracer.new_id(), None, "u", "create")
    tracer.begin(a)
    tracer.record_write(a, StoreWrite("ka", 1, "PUT", a.id))
    tracer.begin(b)
    tracer.record_write(b, StoreWrite("kb", 2, "PUT", b.id))
    assert b.writes[0].revision == 2  # b's writes read (materialised) before it is evicted
    tracer.begin(Trace(tracer.new_id(), None, "u", "get"))
    assert tracer.trace_for_revision(1) is None and tracer.trace_for_revision(2) == b.id
    tracer.begin(Trace(tracer.new_id(), None, "u", "get"))
    assert tracer.trace_for_revision(2) is None and tracer.get(b.id) is None
