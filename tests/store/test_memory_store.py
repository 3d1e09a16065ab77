"""What only the embedded store has: lease expiry in virtual time, watcher catch-up from
history, synchronous ordered delivery, thread safety, raft-index and size accounting measured
against a real etcd 3.4.23, deterministic lease ids. (Behaviour shared with real etcd is in
``test_conformance.py`` and ``test_model.py``.)"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest

from k8s_internals.sim import Kernel
from k8s_internals.store import (
    MAX_REQUEST_BYTES,
    CompactedError,
    DeleteRange,
    EventType,
    KeyValue,
    LeaseNotFoundError,
    Put,
    Range,
    RequestTooLargeError,
    StoreError,
    WatchEvent,
    WatchResponse,
    mod,
    open_store,
    value,
    version,
)
from k8s_internals.store.lessor import MIN_LEASE_TTL
from k8s_internals.store.memory import FRESH_RAFT_INDEX, MemoryStore
from k8s_internals.store.types import (
    DuplicateKeyError,
    EmptyKeyError,
    LeaseExistsError,
    LeaseTTLTooLargeError,
)
from k8s_internals.store.watchable_store import WATCH_BATCH_MAX_REVS

PUT, DELETE = EventType.PUT, EventType.DELETE


@pytest.fixture
def store(kernel: Kernel) -> MemoryStore:
    s = open_store("memory://", kernel=kernel)
    assert isinstance(s, MemoryStore)
    return s


def tomb(key: bytes, rev: int) -> KeyValue:
    return KeyValue(key, mod_revision=rev)


# -- leases in virtual time -------------------------------------------------------------------


def test_lease_expires_exactly_at_its_ttl(store: MemoryStore, kernel: Kernel) -> None:
    lease = store.lease_grant(10)
    store.put(b"/leader", b"me", lease=lease.id)  # 2
    w = store.watch(b"/leader")
    kernel.run_for(9.999)
    assert store.get(b"/leader") is not None
    assert store.lease_time_to_live(lease.id) == 0  # 0.001 s left, truncated like etcd
    kernel.run_for(0.001)  # t = 10: the lessor revokes it
    assert store.get(b"/leader") is None
    assert store.revision == 3
    assert w.drain() == [WatchEvent(DELETE, tomb(b"/leader", 3))]
    assert store.lease_time_to_live(lease.id) == -1
    with pytest.raises(LeaseNotFoundError):
        store.lease_keepalive(lease.id)


def test_time_to_live_counts_down(store: MemoryStore, kernel: Kernel) -> None:
    lease = store.lease_grant(30)
    assert store.lease_time_to_live(lease.id) == 30
    kernel.run_for(12.5)
    assert store.lease_time_to_live(lease.id) == 17


def test_keepalive_restarts_the_ttl(store: MemoryStore, kernel: Kernel) -> None:
    lease = store.lease_grant(10)
    store.put(b"a", b"1", lease=lease.id)
    kernel.run_for(8)
    assert store.lease_keepalive(lease.id) == 10
    kernel.run_for(8)  # t = 16: the old expiry (10) passed, the renewed one (18) did not
    assert store.get(b"a") is not None
    assert store.lease_time_to_live(lease.id) == 2
    kernel.run_for(2)
    assert store.get(b"a") is None


def test_minimum_ttl(store: MemoryStore, kernel: Kernel) -> None:
    lease = store.lease_grant(1)
    assert lease.ttl == MIN_LEASE_TTL == 2
    kernel.run_for(1.5)
    assert store.lease_time_to_live(lease.id) == 0
    kernel.run_for(0.5)
    assert store.lease_time_to_live(lease.id) == -1


def test_lease_timers_are_background_work(store: MemoryStore, kernel: Kernel) -> None:
    """A lease alone does not keep the cluster from settling (``run_until_idle``)."""
    store.lease_grant(60)
    assert kernel.pending_work == 0
    assert kernel.run_until_idle() is True
    assert kernel.now == 0


def test_revoke_cancels_the_expiry(store: MemoryStore, kernel: Kernel) -> None:
    lease = store.lease_grant(5)
    store.lease_revoke(lease.id)
    raft = store.status()["raft_index"]
    kernel.run_for(10)
    assert store.status()["raft_index"] == raft  # no revoke proposed at t = 5


def test_expiry_revokes_in_one_revision_in_key_order(store: MemoryStore, kernel: Kernel) -> None:
    lease = store.lease_grant(5)
    for key in (b"/l/c", b"/l/a", b"/l/b"):
        store.put(key, b"x", lease=lease.id)  # 2, 3, 4
    w = store.watch(b"/l/", prefix=True)
    raft = store.status()["raft_index"]
    kernel.run_for(5)
    assert store.revision == 5
    assert store.status()["raft_index"] == raft + 1  # the leader's LeaseRevoke proposal
    assert w.drain() == [WatchEvent(DELETE, tomb(k, 5)) for k in (b"/l/a", b"/l/b", b"/l/c")]


def test_without_a_kernel_leases_never_expire() -> None:
    store = MemoryStore()
    a = store.lease_grant(5)
    b = store.lease_grant(60)
    store.put(b"a", b"1", lease=a.id)
    store.put(b"b", b"1", lease=b.id)
    assert store.lease_time_to_live(a.id) == 5  # no clock: the granted TTL
    assert store.expire_leases(a.id) == [a.id]
    assert store.get(b"a") is None
    assert store.get(b"b") is not None
    assert store.expire_leases() == [b.id]  # all that are left
    assert store.get(b"b") is None
    assert store.revision == 5
    assert store.expire_leases(a.id) == []  # already gone


def test_grant_errors(store: MemoryStore) -> None:
    store.lease_grant(10, lease_id=7)
    with pytest.raises(LeaseExistsError, match=r"^etcdserver: lease already exists$"):
        store.lease_grant(10, lease_id=7)
    with pytest.raises(LeaseTTLTooLargeError, match=r"^etcdserver: too large lease TTL$"):
        store.lease_grant(9_000_000_001)


def test_lease_ids_look_like_etcds_and_are_the_same_every_run() -> None:
    """idutil: member id's low 16 bits, then the (virtual) start time in ms, then a count.
    Each grant takes two request ids (the lease's and the raft request's), as in etcd."""
    assert MemoryStore(Kernel(3)).lease_grant(60).id == MemoryStore(Kernel(3)).lease_grant(60).id
    store = MemoryStore(Kernel(0))
    first, second = store.lease_grant(60).id, store.lease_grant(60).id
    assert hex(first).startswith("0x694d")  # member 0x8e9e05c52164694d
    assert second - first == 2
    # the default epoch (2025-01-01T00:00:00Z) in the 40-bit timestamp field
    assert (first >> 8) & ((1 << 40) - 1) == 1735689600000 & ((1 << 40) - 1)


# -- watchers: catch-up, batches, order -------------------------------------------------------


def test_old_start_revision_catches_up_then_follows(store: MemoryStore) -> None:
    for i in range(5):
        store.put(b"k", b"%d" % i)  # 2..6
    w = store.watch(b"k", start_revision=3)
    # the watcher was unsynced, caught up from the backend and joined the synced group
    ws = store.watchable
    assert len(ws.unsynced) == 0 and len(ws.synced) == 1
    replay = w.get(0)
    assert replay is not None and replay.revision == 6  # a catch-up batch: current revision
    assert [e.kv.mod_revision for e in replay.events] == [3, 4, 5, 6]
    store.put(b"k", b"live")  # 7
    live = w.get(0)
    assert live == WatchResponse((WatchEvent(PUT, store.get(b"k")),), revision=7)  # type: ignore[arg-type]


def test_catch_up_is_batched_by_1000_revisions(store: MemoryStore) -> None:
    n = 2 * WATCH_BATCH_MAX_REVS + 500
    for i in range(n):
        store.put(b"/k/%d" % (i % 3), b"v")  # 2 .. n+1
    w = store.watch(b"/k/", prefix=True, start_revision=1)
    sizes = []
    while (resp := w.get(0)) is not None:
        sizes.append(len(resp.events))
    assert sizes == [WATCH_BATCH_MAX_REVS, WATCH_BATCH_MAX_REVS, 500]


def test_a_callback_that_writes_does_not_reorder_other_watchers(store: MemoryStore) -> None:
    """Watcher A reacts to /in by writing /out; watcher B watches everything and must still
    see revisions in order (the nested write's events are queued behind the current ones)."""
    seen: list[int] = []

    def react(resp: WatchResponse) -> None:
        for ev in resp.events:
            if ev.kv.key == b"/in":
                store.put(b"/out", ev.kv.value)

    store.watch(b"/in", callback=react)
    store.watch(b"/", prefix=True, callback=lambda r: seen.extend(e.kv.mod_revision
                                                                    for e in r.events))  # fmt: skip
    store.put(b"/in", b"1")  # 2, and the reaction at 3
    store.put(b"/in", b"2")  # 4, 5
    assert seen == [2, 3, 4, 5]


def test_cancel_from_a_callback(store: MemoryStore) -> None:
    got: list[int] = []

    def once(resp: WatchResponse) -> None:
        got.extend(e.kv.mod_revision for e in resp.events)
        w.cancel()

    w = store.watch(b"a", callback=once)
    store.put(b"a", b"1")
    store.put(b"a", b"2")
    assert got == [2]
    assert len(store.watchable.synced) == 0


def test_a_failing_callback_is_logged_not_raised(
    store: MemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.watch(b"a", callback=lambda r: 1 / 0)  # type: ignore[func-returns-value]
    other = store.watch(b"a")
    assert store.put(b"a", b"1").revision == 2  # the write stands
    assert "callback failed" in caplog.text
    assert [e.kv.mod_revision for e in other.drain()] == [2]


def test_compacted_start_revision_and_the_compaction_revision_itself(store: MemoryStore) -> None:
    for i in range(6):
        store.put(b"a", b"%d" % i)  # 2..7
    store.compact(5)
    gone = store.watch(b"a", start_revision=4)
    assert gone.get(0) == WatchResponse((), 0, True, 5)  # at once: no 100 ms sync loop here
    assert len(store.watchable.unsynced) == len(store.watchable.synced) == 0
    with pytest.raises(CompactedError):
        store.watch(b"a", start_revision=1).drain()
    ok = store.watch(b"a", start_revision=5, prev_kv=True)
    evs = ok.drain()
    assert [e.kv.mod_revision for e in evs] == [5, 6, 7]
    assert evs[0].prev_kv is None  # revision 4 is compacted: no prev_kv
    assert evs[1].prev_kv == store.get(b"a", revision=5)


def test_close_cancels_watches(store: MemoryStore) -> None:
    w = store.watch(b"a")
    store.close()
    assert w.canceled
    assert list(w) == []


# -- threads ----------------------------------------------------------------------------------


def test_threads_smoke() -> None:
    """Writers on their own keys plus a shared counter updated by compare-and-swap: every
    write lands once, revisions are dense, a watcher sees all of them in order."""
    store = MemoryStore()  # no kernel: leases are not used here
    seen: list[int] = []
    store.watch(b"/", prefix=True, callback=lambda r: seen.extend(e.kv.mod_revision
                                                                    for e in r.events))  # fmt: skip
    store.put(b"/counter", b"0")
    n_threads, n_puts, n_incs = 8, 300, 50
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(n_puts):
                store.put(b"/t%d/%d" % (t, i % 10), b"%d" % i)
                store.range(b"/t%d/" % t, prefix=True)
            for _ in range(n_incs):
                while True:  # optimistic concurrency, as kube-apiserver's GuaranteedUpdate
                    cur = store.get(b"/counter")
                    assert cur is not None
                    nxt = b"%d" % (int(cur.value) + 1)
                    if store.txn([mod(b"/counter") == cur.mod_revision],
                                 [Put(b"/counter", nxt)], []).succeeded:  # fmt: skip
                        break
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    writes = 1 + n_threads * (n_puts + n_incs)
    assert store.revision == 1 + writes
    counter = store.get(b"/counter")
    assert counter is not None and counter.value == b"%d" % (n_threads * n_incs)
    assert seen == list(range(2, 2 + writes))


# -- raft index, request size, db size: as measured on etcd 3.4.23 ----------------------------

Op = Callable[[MemoryStore], object]


def _ignore(f: Op) -> Op:
    def run(s: MemoryStore) -> None:
        with contextlib.suppress(StoreError):
            f(s)

    return run


@pytest.mark.parametrize(
    ("op", "entries"),
    [
        (lambda s: s.put(b"a", b"1"), 1),
        (lambda s: s.delete(b"nothing"), 1),  # a write request even if nothing is deleted
        (lambda s: s.range(b"a", prefix=True), 0),
        (lambda s: s.txn([], [Range(b"a")], []), 0),  # read-only txns are not proposed
        (lambda s: s.txn([version(b"a") == 5], [Put(b"c", b"3")], []), 1),  # failed, yet a write
        (_ignore(lambda s: s.txn([], [Put(b"x", b"1"), Put(b"x", b"2")], [])), 0),  # duplicate
        (_ignore(lambda s: s.put(b"q", b"1", lease=12345)), 1),  # unknown lease: fails at apply
        (_ignore(lambda s: s.put(b"big", b"x" * MAX_REQUEST_BYTES)), 0),  # too large: refused
        (_ignore(lambda s: s.put(b"", b"x")), 0),  # empty key: refused
        (lambda s: s.compact(1), 1),
        (_ignore(lambda s: s.compact(100)), 1),  # a compaction that fails is still an entry
        (lambda s: s.lease_grant(10), 1),
        (_ignore(lambda s: s.lease_revoke(424242)), 1),
        (lambda s: s.watch(b"a"), 0),
        (lambda s: s.status(), 0),
    ],
)
def test_raft_index_per_request(op: Op, entries: int) -> None:
    store = MemoryStore()
    assert store.status()["raft_index"] == FRESH_RAFT_INDEX == 5
    op(store)
    st = store.status()
    assert st["raft_index"] == st["raft_applied_index"] == FRESH_RAFT_INDEX + entries


def test_keepalive_and_time_to_live_are_not_proposed() -> None:
    store = MemoryStore()
    lease = store.lease_grant(10)
    store.lease_keepalive(lease.id)
    store.lease_time_to_live(lease.id)
    assert store.status()["raft_index"] == FRESH_RAFT_INDEX + 1


# etcd 3.4.23 (member id ...9869: request ids need a 10-byte varint) accepted, with a 1-byte
# key: a put of a 1,572,839-byte value, a txn put of 1,572,831 (1,572,822 with a
# ``mod(k) == 5`` compare, 1,572,821 with a second ``put j 1``), and a delete of a
# 1,572,842-byte key; one byte more was "request is too large".
ETCD_MEMBER = 0xECB80FDE227E9869


@pytest.mark.parametrize(
    ("request_of", "largest"),
    [
        (lambda s, n: s.put(b"k", b"x" * n), 1572839),
        (lambda s, n: s.txn([], [Put(b"k", b"x" * n)], []), 1572831),
        (lambda s, n: s.txn([mod(b"k") == 5], [Put(b"k", b"x" * n)], []), 1572822),
        (lambda s, n: s.txn([], [Put(b"k", b"x" * n), Put(b"j", b"1")], []), 1572821),
        (lambda s, n: s.delete(b"d" * n), 1572842),
    ],
)
def test_request_size_limit_falls_on_etcds_byte(
    request_of: Callable[[MemoryStore, int], object], largest: int
) -> None:
    store = MemoryStore(member_id=ETCD_MEMBER)
    request_of(store, largest)
    with pytest.raises(RequestTooLargeError, match=r"^etcdserver: request is too large$"):
        request_of(store, largest + 1)


def test_default_member_ids_need_one_byte_less() -> None:
    """0x…694d request ids fit a 9-byte varint: one more value byte fits than above."""
    store = MemoryStore()
    store.put(b"k", b"x" * 1572840)
    with pytest.raises(RequestTooLargeError):
        store.put(b"k", b"x" * 1572841)


def test_max_request_bytes_option() -> None:
    store = MemoryStore(max_request_bytes=100)
    store.put(b"k", b"x" * 60)
    with pytest.raises(RequestTooLargeError):
        store.put(b"k", b"x" * 100)


def test_status_of_a_fresh_store() -> None:
    st = MemoryStore().status()
    assert st == {
        "version": "3.4.23",
        "db_size": 20480,
        "db_size_in_use": 16384,
        "leader": 0x8E9E05C52164694D,
        "member_id": 0x8E9E05C52164694D,
        "cluster_id": 0xCDF818194E3A8C32,
        "raft_index": 5,
        "raft_term": 2,
        "raft_applied_index": 5,
        "revision": 1,
        "is_learner": False,
        "errors": [],
    }


@pytest.mark.parametrize(("n", "etcd_db_size"), [(1000, 1417216), (10000, 13897728)])
def test_db_size_tracks_etcds_within_3_percent(n: int, etcd_db_size: int) -> None:
    store = MemoryStore()
    value = b"v" * 1024
    for i in range(n):
        store.put(b"/registry/k%06d" % i, value)
    assert abs(store.status()["db_size"] / etcd_db_size - 1) < 0.03


def test_db_size_does_not_shrink_after_compaction() -> None:
    store = MemoryStore()
    for i in range(300):
        store.put(b"k%d" % (i % 10), b"v" * 1024)
    before = store.status()["db_size"]
    store.compact(store.revision)
    assert store.status()["db_size"] == before
    assert store.mvcc.backend.size.db_size_in_use() < before
    assert len(store.mvcc.backend) == 10  # only the newest revision of each key is left


# -- request checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.put(b"", b"x"),
        lambda s: s.get(b""),
        lambda s: s.range(b""),
        lambda s: s.delete(""),
        lambda s: s.txn([], [Put(b"", b"x")], []),
        lambda s: s.txn([version(b"") == 0], [], []),
    ],
)
def test_empty_key(store: MemoryStore, call: Callable[[MemoryStore], object]) -> None:
    with pytest.raises(EmptyKeyError, match=r"^etcdserver: key is not provided$"):
        call(store)


def test_empty_key_with_a_range_end_means_from_the_first_key(store: MemoryStore) -> None:
    store.put(b"\x00", b"zero")
    store.put(b"a", b"1")
    assert store.range(b"", prefix=True).count == 2
    assert store.range(b"", range_end=b"\x00").count == 2
    assert store.delete(b"", prefix=True).deleted == 2


@pytest.mark.parametrize(
    ("ops", "duplicate"),
    [
        ([Put(b"a", b"1"), Put(b"a", b"2")], True),
        ([Put(b"/p/a", b"1"), DeleteRange.prefix(b"/p/")], True),  # a put in a deleted range
        ([DeleteRange(b"a"), Put(b"a", b"1")], True),
        ([DeleteRange.prefix(b"/p/"), DeleteRange(b"/p/a")], False),  # deletes may overlap
        ([Put(b"a", b"1"), Range(b"a"), Put(b"b", b"1")], False),  # reads are free
        ([Put(b"/p0", b"1"), DeleteRange.prefix(b"/p/")], False),  # the range end is outside
    ],
)
def test_duplicate_keys_in_a_txn_branch(
    store: MemoryStore, ops: list[Put | DeleteRange | Range], duplicate: bool
) -> None:
    if duplicate:
        with pytest.raises(DuplicateKeyError, match=r"^etcdserver: duplicate key given in txn"):
            store.txn([], ops, [])
        with pytest.raises(DuplicateKeyError):
            store.txn([], [], ops)  # each branch is checked
        assert store.revision == 1
    else:
        store.txn([], ops, [])


def test_the_same_key_in_both_branches_is_fine(store: MemoryStore) -> None:
    resp = store.txn([version(b"a") == 0], [Put(b"a", b"new")], [Put(b"a", b"old")])
    assert resp.succeeded and store.get(b"a") is not None


def test_str_ops_in_a_txn(store: MemoryStore) -> None:
    store.txn([], [Put("ä", "ö")], [])  # type: ignore[arg-type]
    assert store.txn([version("ä") == 1], [Range("ä")], []).responses[0].kvs[0].value == (  # type: ignore[arg-type, union-attr]
        "ö".encode()
    )


def test_str_value_compare(store: MemoryStore) -> None:
    store.put(b"a", b"x")
    assert store.txn([value("a") == "x"], [], []).succeeded  # type: ignore[arg-type]
