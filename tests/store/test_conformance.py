"""Store conformance: one suite, run on both backends through the ``store`` fixture (the embedded
``memory://`` store and a fresh real etcd 3.4 per test, marked ``etcd``).

Real etcd is the ground truth: every expected value below (revisions, versions, create/mod
revisions, counts, ``more``, error classes and texts, watch events, compaction and lease
behaviour) is what etcd answers through its v3 gateway, so a backend that diverges is wrong.
The semantics checked are those of etcd's ``mvcc`` package (``kvstore_txn.go``,
``watchable_store.go``), ``etcdserver/apply.go`` (txn compares, sub-response headers,
``checkTxnRequest``), ``lease/lessor.go`` (minimum TTL, revoke in one txn) and the API server's
storage layer (``k8s.io/apiserver/pkg/storage/etcd3/store.go``: create = txn on
``version == 0``; GuaranteedUpdate = txn on ``mod_revision == rev`` whose failure branch reads the
current object).

Time: lease tests use the ``sleep`` fixture (virtual time on ``memory://``, a real sleep on etcd);
etcd's minimum lease TTL is 2 s with the default election timeout, so real sleeps stay ~2-4 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from k8s_internals.store import (
    MAX_REQUEST_BYTES,
    CompactedError,
    Compare,
    DeleteRange,
    DeleteResponse,
    EventType,
    FutureRevisionError,
    KeyValue,
    LeaseNotFoundError,
    Put,
    PutResponse,
    Range,
    RangeResponse,
    RequestTooLargeError,
    Store,
    TooManyOpsError,
    TxnResponse,
    Watch,
    WatchEvent,
    WatchResponse,
    mod,
    version,
)
from k8s_internals.store.types import (
    MAX_TXN_OPS,
    CompareResult,
    CompareTarget,
    DuplicateKeyError,
    EmptyKeyError,
    LeaseExistsError,
    LeaseTTLTooLargeError,
    Op,
)

PUT, DELETE = EventType.PUT, EventType.DELETE
Sleep = Callable[[float], None]

COMPACTED = "mvcc: required revision has been compacted"
FUTURE = "mvcc: required revision is a future revision"
TOO_LARGE = "etcdserver: request is too large"
TOO_MANY_OPS = "etcdserver: too many operations in txn request"
LEASE_NOT_FOUND = "etcdserver: requested lease not found"
DUPLICATE_KEY = "etcdserver: duplicate key given in txn request"
EMPTY_KEY = "etcdserver: key is not provided"
LEASE_EXISTS = "etcdserver: lease already exists"
LEASE_TTL_TOO_LARGE = "etcdserver: too large lease TTL"


def events(w: Watch, upto: int) -> list[WatchEvent]:
    """The watch's events up to revision ``upto`` (etcd delivers asynchronously)."""
    return w.events_until(upto, timeout=10)


def kv(
    key: bytes, create: int, mod_rev: int, ver: int, value: bytes = b"", lease: int = 0
) -> KeyValue:
    return KeyValue(key, create, mod_rev, ver, value, lease)


def tomb(key: bytes, mod_rev: int) -> KeyValue:
    """A DELETE event's kv: only key and mod_revision are set."""
    return KeyValue(key, mod_revision=mod_rev)


# -- revisions --------------------------------------------------------------------------------


def test_empty_store_is_at_revision_1(store: Store) -> None:
    assert store.revision == 1
    assert store.compact_revision == 0
    assert store.range(b"", prefix=True) == RangeResponse([], 0, False, 1)
    assert store.get(b"a") is None


def test_put_bumps_revision_and_version(store: Store) -> None:
    assert store.put(b"a", b"1") == PutResponse(2, None)
    assert store.put(b"a", b"2") == PutResponse(3, None)
    assert store.put(b"b", b"x") == PutResponse(4, None)
    assert store.revision == 4
    assert store.get(b"a") == kv(b"a", 2, 3, 2, b"2")
    assert store.get(b"b") == kv(b"b", 4, 4, 1, b"x")
    assert store.range(b"a") == RangeResponse([kv(b"a", 2, 3, 2, b"2")], 1, False, 4)


def test_put_prev_kv(store: Store) -> None:
    assert store.put(b"a", b"1", prev_kv=True) == PutResponse(2, None)
    assert store.put(b"a", b"2", prev_kv=True) == PutResponse(3, kv(b"a", 2, 2, 1, b"1"))
    assert store.put(b"a", b"3") == PutResponse(4, None)  # not asked for


def test_put_same_value_still_bumps(store: Store) -> None:
    store.put(b"a", b"same")
    assert store.put(b"a", b"same").revision == 3
    assert store.get(b"a") == kv(b"a", 2, 3, 2, b"same")


def test_empty_value(store: Store) -> None:
    store.put(b"a", b"")
    assert store.get(b"a") == kv(b"a", 2, 2, 1, b"")


def test_str_keys_and_values_are_encoded(store: Store) -> None:
    store.put("/registry/ns/ä", "välue")  # type: ignore[arg-type]
    key = "/registry/ns/ä".encode()
    assert store.get(key) == kv(key, 2, 2, 1, "välue".encode())


def test_binary_keys_and_values(store: Store) -> None:
    key, value = b"\x00\xff/\x01", bytes(range(256))
    store.put(key, value)
    assert store.get(key) == kv(key, 2, 2, 1, value)


def test_delete_then_recreate_starts_a_new_generation(store: Store) -> None:
    store.put(b"a", b"1")  # 2
    store.put(b"a", b"2")  # 3
    assert store.delete(b"a") == DeleteResponse(4, 1, [])
    assert store.get(b"a") is None
    store.put(b"a", b"3")  # 5
    assert store.get(b"a") == kv(b"a", 5, 5, 1, b"3")


def test_delete_of_nothing_does_not_bump_the_revision(store: Store) -> None:
    store.put(b"a", b"1")
    assert store.delete(b"missing") == DeleteResponse(2, 0, [])
    assert store.delete(b"zz", prefix=True, prev_kv=True) == DeleteResponse(2, 0, [])
    assert store.revision == 2
    assert store.put(b"b", b"1").revision == 3


def test_delete_prev_kv(store: Store) -> None:
    store.put(b"a", b"1")
    assert store.delete(b"a", prev_kv=True) == DeleteResponse(3, 1, [kv(b"a", 2, 2, 1, b"1")])


def test_delete_prefix_is_one_revision(store: Store) -> None:
    store.put(b"/p/a", b"1")  # 2
    store.put(b"/p/b", b"2")  # 3
    store.put(b"/q/c", b"3")  # 4
    store.put(b"/p/c", b"4")  # 5
    resp = store.delete(b"/p/", prefix=True, prev_kv=True)
    assert resp == DeleteResponse(
        6, 3, [kv(b"/p/a", 2, 2, 1, b"1"), kv(b"/p/b", 3, 3, 1, b"2"), kv(b"/p/c", 5, 5, 1, b"4")]
    )
    assert store.revision == 6
    assert [x.key for x in store.range(b"", prefix=True).kvs] == [b"/q/c"]


def test_delete_range_end(store: Store) -> None:
    for k in (b"a", b"b", b"c", b"d"):
        store.put(k, k)
    assert store.delete(b"b", range_end=b"d") == DeleteResponse(6, 2, [])
    assert [x.key for x in store.range(b"", prefix=True).kvs] == [b"a", b"d"]


# -- range ------------------------------------------------------------------------------------

POD_A1 = kv(b"/registry/pods/default/a", 2, 2, 1, b"a1")
POD_B = kv(b"/registry/pods/default/b", 3, 3, 1, b"b1")
POD_C = kv(b"/registry/pods/default/c", 4, 4, 1, b"c1")
POD_X = kv(b"/registry/pods/kube-system/x", 5, 5, 1, b"x1")
EDGE = kv(b"/registry/pods0", 6, 6, 1, b"edge")  # == prefix_range_end(b"/registry/pods/")
SVC = kv(b"/registry/services/default/s", 7, 7, 1, b"s1")
POD_A = kv(b"/registry/pods/default/a", 2, 8, 2, b"a2")
ALL = [POD_A, POD_B, POD_C, POD_X, EDGE, SVC]


def load_range_dataset(store: Store) -> None:
    for x in (POD_A1, POD_B, POD_C, POD_X, EDGE, SVC, POD_A):
        store.put(x.key, x.value)
    assert store.revision == 8


def keys_only(*kvs: KeyValue) -> list[KeyValue]:
    return [
        KeyValue(x.key, x.create_revision, x.mod_revision, x.version, b"", x.lease) for x in kvs
    ]


RANGE_CASES = [
    # id, range() keyword arguments, kvs, count, more
    ("one-key", dict(key=POD_A.key), [POD_A], 1, False),
    ("missing-key", dict(key=b"/registry/pods/default/zz"), [], 0, False),
    ("prefix", dict(key=b"/registry/pods/", prefix=True), [POD_A, POD_B, POD_C, POD_X], 4, False),
    ("prefix-ns", dict(key=b"/registry/pods/default/", prefix=True), [POD_A, POD_B, POD_C], 3,
     False),
    ("prefix-none", dict(key=b"/registry/secrets/", prefix=True), [], 0, False),
    ("limit-more", dict(key=b"/registry/pods/default/", prefix=True, limit=2), [POD_A, POD_B], 3,
     True),
    ("limit-exact", dict(key=b"/registry/pods/default/", prefix=True, limit=3),
     [POD_A, POD_B, POD_C], 3, False),
    ("limit-above", dict(key=b"/registry/pods/default/", prefix=True, limit=10),
     [POD_A, POD_B, POD_C], 3, False),
    ("range-end", dict(key=POD_B.key, range_end=b"/registry/pods/kube-system/"), [POD_B, POD_C],
     2, False),
    ("range-end-exclusive", dict(key=POD_B.key, range_end=POD_C.key), [POD_B], 1, False),
    ("from-key", dict(key=EDGE.key, range_end=b"\x00"), [EDGE, SVC], 2, False),
    ("all-keys", dict(key=b"\x00", range_end=b"\x00"), ALL, 6, False),
    ("empty-prefix", dict(key=b"", prefix=True), ALL, 6, False),
    ("keys-only", dict(key=b"/registry/pods/default/", prefix=True, keys_only=True),
     keys_only(POD_A, POD_B, POD_C), 3, False),
    ("count-only", dict(key=b"/registry/pods/", prefix=True, count_only=True), [], 4, False),
    ("count-only-all", dict(key=b"", prefix=True, count_only=True), [], 6, False),
    ("at-revision", dict(key=b"/registry/pods/", prefix=True, revision=4),
     [POD_A1, POD_B, POD_C], 3, False),
    ("at-revision-limit", dict(key=b"/registry/pods/", prefix=True, revision=4, limit=1),
     [POD_A1], 3, True),
    ("at-revision-1", dict(key=b"", prefix=True, revision=1), [], 0, False),
    ("at-current", dict(key=POD_A.key, revision=8), [POD_A], 1, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "kvs", "count", "more"),
    [pytest.param(*case[1:], id=case[0]) for case in RANGE_CASES],
)
def test_range(
    store: Store, kwargs: dict[str, object], kvs: list[KeyValue], count: int, more: bool
) -> None:
    load_range_dataset(store)
    # the header revision is the store's current revision, also for reads in the past
    assert store.range(**kwargs) == RangeResponse(kvs, count, more, 8)  # type: ignore[arg-type]


def test_get_at_revision_sees_history(store: Store) -> None:
    store.put(b"a", b"1")  # 2
    store.put(b"a", b"2")  # 3
    store.delete(b"a")  # 4
    store.put(b"b", b"1")  # 5
    assert store.get(b"a", revision=2) == kv(b"a", 2, 2, 1, b"1")
    assert store.get(b"a", revision=3) == kv(b"a", 2, 3, 2, b"2")
    assert store.get(b"a", revision=4) is None
    assert store.get(b"b", revision=4) is None
    assert store.get(b"b", revision=5) == kv(b"b", 5, 5, 1, b"1")


@pytest.mark.parametrize("ahead", [1, 100])
def test_range_at_future_revision(store: Store, ahead: int) -> None:
    store.put(b"a", b"1")
    with pytest.raises(FutureRevisionError) as err:
        store.range(b"a", revision=2 + ahead)
    assert str(err.value) == FUTURE


# -- txn --------------------------------------------------------------------------------------

V, C, M, VAL, L = (CompareTarget.VERSION, CompareTarget.CREATE, CompareTarget.MOD,
                   CompareTarget.VALUE, CompareTarget.LEASE)  # fmt: skip
EQ, NE, GT, LT = (CompareResult.EQUAL, CompareResult.NOT_EQUAL, CompareResult.GREATER,
                  CompareResult.LESS)  # fmt: skip
LEASE_ID = 0x7E57  # granted with this explicit id, so compare operands are known up front

# The key b"k": put at 2 with b"v1", at 3 with b"v2" and lease LEASE_ID → create 2, mod 3,
# version 2, value b"v2", lease LEASE_ID. b"nokey" never exists.
COMPARE_CASES = [
    (b"k", V, EQ, 2, True), (b"k", V, EQ, 1, False), (b"k", V, NE, 1, True),
    (b"k", V, NE, 2, False), (b"k", V, GT, 1, True), (b"k", V, GT, 2, False),
    (b"k", V, LT, 3, True), (b"k", V, LT, 2, False),
    (b"k", C, EQ, 2, True), (b"k", C, NE, 2, False), (b"k", C, GT, 1, True),
    (b"k", C, LT, 2, False),
    (b"k", M, EQ, 3, True), (b"k", M, EQ, 2, False), (b"k", M, NE, 2, True),
    (b"k", M, GT, 3, False), (b"k", M, LT, 4, True),
    (b"k", VAL, EQ, b"v2", True), (b"k", VAL, EQ, b"v1", False), (b"k", VAL, NE, b"v1", True),
    (b"k", VAL, GT, b"v1", True), (b"k", VAL, GT, b"v2", False), (b"k", VAL, LT, b"v3", True),
    (b"k", VAL, LT, b"v", False),
    (b"k", L, EQ, LEASE_ID, True), (b"k", L, EQ, 0, False), (b"k", L, NE, 0, True),
    (b"k", L, GT, 0, True), (b"k", L, LT, LEASE_ID, False),
    # a missing key has version, create, mod and lease 0; a VALUE compare on it is always false
    (b"nokey", V, EQ, 0, True), (b"nokey", C, EQ, 0, True), (b"nokey", M, EQ, 0, True),
    (b"nokey", L, EQ, 0, True), (b"nokey", V, GT, 0, False), (b"nokey", M, LT, 1, True),
    (b"nokey", VAL, EQ, b"", False), (b"nokey", VAL, NE, b"x", False),
    (b"nokey", VAL, LT, b"x", False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "target", "result", "operand", "holds"),
    [
        pytest.param(*c, id=f"{c[0].decode()}-{c[1].value}-{c[2].value}-{c[3]!r}")
        for c in COMPARE_CASES
    ],
)
def test_txn_compare(
    store: Store,
    key: bytes,
    target: CompareTarget,
    result: CompareResult,
    operand: int | bytes,
    holds: bool,
) -> None:
    store.put(b"k", b"v1")
    lease = store.lease_grant(60, lease_id=LEASE_ID)
    assert lease.id == LEASE_ID
    store.put(b"k", b"v2", lease=LEASE_ID)
    assert store.get(b"k") == kv(b"k", 2, 3, 2, b"v2", LEASE_ID)
    resp = store.txn([Compare(key, target, result, operand)], [Range(b"k")], [])
    assert resp.succeeded is holds
    assert resp.revision == 3  # reads only: no new revision
    expected = [RangeResponse([kv(b"k", 2, 3, 2, b"v2", LEASE_ID)], 1, False, 3)] if holds else []
    assert resp.responses == expected


def test_txn_compares_are_anded(store: Store) -> None:
    store.put(b"a", b"1")  # 2
    store.put(b"b", b"1")  # 3
    both = [version(b"a") == 1, mod(b"b") == 3]
    assert store.txn(both, [], []).succeeded is True
    assert store.txn([*both, version(b"c") > 0], [], []).succeeded is False


def test_empty_txn(store: Store) -> None:
    assert store.txn([], [], []) == TxnResponse(True, [], 1)
    assert store.revision == 1


def test_txn_is_one_revision_and_sub_responses_are_typed(store: Store) -> None:
    store.put(b"a", b"1")  # 2
    store.put(b"gone", b"x")  # 3
    resp = store.txn(
        [version(b"a") == 1],
        [
            Range(b"a"),
            Put(b"b", b"2", prev_kv=True),
            Put(b"a", b"11", prev_kv=True),
            Range(b"a"),
            DeleteRange(b"nothing"),
            DeleteRange(b"gone", prev_kv=True),
            Range(b"", b"\x00", count_only=True),
        ],
        [Range(b"a")],
    )
    # etcd's txn sub-response headers carry the txn's revision *so far*: a read before the
    # first write sees 3, everything after it 4 (etcdserver/apply.go applyTxn).
    assert resp == TxnResponse(
        True,
        [
            RangeResponse([kv(b"a", 2, 2, 1, b"1")], 1, False, 3),
            PutResponse(4, None),
            PutResponse(4, kv(b"a", 2, 2, 1, b"1")),
            RangeResponse([kv(b"a", 2, 4, 2, b"11")], 1, False, 4),
            DeleteResponse(4, 0, []),
            DeleteResponse(4, 1, [kv(b"gone", 3, 3, 1, b"x")]),
            RangeResponse([], 2, False, 4),
        ],
        4,
    )
    assert store.revision == 4
    assert store.get(b"b") == kv(b"b", 4, 4, 1, b"2")


def test_txn_failure_branch(store: Store) -> None:
    store.put(b"a", b"1")  # 2
    resp = store.txn([version(b"a") == 5], [Put(b"a", b"never")], [Range(b"a"), Put(b"f", b"1")])
    assert resp == TxnResponse(
        False, [RangeResponse([kv(b"a", 2, 2, 1, b"1")], 1, False, 2), PutResponse(3, None)], 3
    )
    assert store.get(b"a") == kv(b"a", 2, 2, 1, b"1")


def test_txn_reads_only_do_not_bump_the_revision(store: Store) -> None:
    store.put(b"a", b"1")
    resp = store.txn([], [Range(b"a"), DeleteRange(b"missing")], [])
    assert resp == TxnResponse(
        True, [RangeResponse([kv(b"a", 2, 2, 1, b"1")], 1, False, 2), DeleteResponse(2, 0, [])], 2
    )
    assert store.revision == 2


def test_create_if_absent(store: Store) -> None:
    """kube-apiserver's Create: ``If(version(key) == 0).Then(Put).Else(Get)``; a second
    create fails and reads the existing object (→ 409 AlreadyExists)."""
    key = b"/registry/pods/default/web"
    first = store.txn([version(key) == 0], [Put(key, b"v1")], [Range(key)])
    assert first == TxnResponse(True, [PutResponse(2, None)], 2)
    second = store.txn([version(key) == 0], [Put(key, b"v2")], [Range(key)])
    assert second == TxnResponse(False, [RangeResponse([kv(key, 2, 2, 1, b"v1")], 1, False, 2)], 2)
    assert store.get(key) == kv(key, 2, 2, 1, b"v1")


def test_update_if_unchanged(store: Store) -> None:
    """kube-apiserver's GuaranteedUpdate: ``If(mod(key) == rev).Then(Put).Else(Get)``; with a
    stale resourceVersion the failure branch returns the current object to retry on (409)."""
    key = b"/registry/pods/default/web"
    store.put(key, b"v1")  # 2
    ok = store.txn([mod(key) == 2], [Put(key, b"v2")], [Range(key)])
    assert ok == TxnResponse(True, [PutResponse(3, None)], 3)
    stale = store.txn([mod(key) == 2], [Put(key, b"v3")], [Range(key)])
    assert stale == TxnResponse(False, [RangeResponse([kv(key, 2, 3, 2, b"v2")], 1, False, 3)], 3)
    retry = store.txn([mod(key) == 3], [Put(key, b"v3")], [Range(key)])
    assert retry == TxnResponse(True, [PutResponse(4, None)], 4)
    assert store.get(key) == kv(key, 2, 4, 3, b"v3")


def test_delete_if_unchanged(store: Store) -> None:
    key = b"/registry/pods/default/web"
    store.put(key, b"v1")  # 2
    resp = store.txn([mod(key) == 2], [DeleteRange(key, prev_kv=True)], [Range(key)])
    assert resp == TxnResponse(True, [DeleteResponse(3, 1, [kv(key, 2, 2, 1, b"v1")])], 3)
    assert store.get(key) is None


@pytest.mark.parametrize(
    ("n", "branch", "ok"),
    [
        (MAX_TXN_OPS, "success", True),
        (MAX_TXN_OPS + 1, "success", False),
        (MAX_TXN_OPS + 1, "failure", False),
    ],
)
def test_txn_max_ops(store: Store, n: int, branch: str, ok: bool) -> None:
    ops = [Put(b"k%03d" % i, b"v") for i in range(n)]
    success, failure = (ops, []) if branch == "success" else ([], ops)
    if ok:
        assert store.txn([], success, failure).revision == 2
        assert store.range(b"k", prefix=True, count_only=True).count == n
        return
    with pytest.raises(TooManyOpsError) as err:
        store.txn([], success, failure)
    assert str(err.value) == TOO_MANY_OPS
    assert store.revision == 1


@pytest.mark.parametrize(
    ("ops", "duplicate"),
    [
        pytest.param([Put(b"a", b"1"), Put(b"a", b"2")], True, id="put-put"),
        pytest.param([DeleteRange(b"a", b"c"), Put(b"b", b"1")], True, id="put-in-deleted-range"),
        pytest.param([Put(b"b", b"1"), DeleteRange(b"b")], True, id="delete-of-put-key"),
        pytest.param([Range(b"a"), Put(b"a", b"1"), Range(b"a")], False, id="reads-are-fine"),
        pytest.param([Put(b"a", b"1"), Put(b"b", b"1")], False, id="distinct-keys"),
    ],
)
def test_txn_duplicate_key(store: Store, ops: list[Op], duplicate: bool) -> None:
    """etcd checks both branches before evaluating the compares (``checkTxnRequest``)."""
    for branch in ("success", "failure"):
        success, failure = (ops, []) if branch == "success" else ([], ops)
        if not duplicate:
            holds = [version(b"zz") == (0 if branch == "success" else 9)]
            store.txn(holds, success, failure)
            continue
        with pytest.raises(DuplicateKeyError) as err:
            store.txn([], success, failure)
        assert str(err.value) == DUPLICATE_KEY
    assert store.revision == (1 if duplicate else 3)


@pytest.mark.parametrize("op", ["put", "get", "delete", "txn-put"])
def test_empty_key(store: Store, op: str) -> None:
    with pytest.raises(EmptyKeyError) as err:
        if op == "put":
            store.put(b"", b"v")
        elif op == "get":
            store.get(b"")
        elif op == "delete":
            store.delete(b"")
        else:
            store.txn([], [Put(b"", b"v")], [])
    assert str(err.value) == EMPTY_KEY
    assert store.revision == 1


# -- request size -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [MAX_REQUEST_BYTES + 1, 2 * 1024 * 1024 + 1, 3 * 1024 * 1024],
    ids=["just-above-1.5MiB", "above-2MiB", "3MiB"],
)
def test_request_too_large(store: Store, size: int) -> None:
    store.put(b"a", b"1")
    with pytest.raises(RequestTooLargeError) as err:
        store.put(b"big", b"x" * size)
    assert str(err.value) == TOO_LARGE
    assert store.revision == 2
    assert store.get(b"big") is None


def test_one_mib_value_fits(store: Store) -> None:
    value = b"x" * (1024 * 1024)
    assert store.put(b"big", value).revision == 2
    assert store.get(b"big") == kv(b"big", 2, 2, 1, value)


# -- compaction -------------------------------------------------------------------------------


def fill(store: Store, n: int) -> None:
    """Revisions 2..n+1: b"a" written n times."""
    for i in range(n):
        store.put(b"a", b"%d" % i)


def test_compaction(store: Store) -> None:
    fill(store, 5)  # a@2..6
    store.compact(4)
    assert store.compact_revision == 4
    assert store.revision == 6  # compaction is not a write
    with pytest.raises(CompactedError) as err:
        store.get(b"a", revision=3)
    assert str(err.value) == COMPACTED
    # the compacted revision itself is still readable
    assert store.get(b"a", revision=4) == kv(b"a", 2, 4, 3, b"2")
    assert store.get(b"a", revision=5) == kv(b"a", 2, 5, 4, b"3")
    assert store.get(b"a") == kv(b"a", 2, 6, 5, b"4")


def test_compaction_keeps_deleted_key_history_above_it(store: Store) -> None:
    store.put(b"a", b"1")  # 2
    store.delete(b"a")  # 3
    store.put(b"b", b"1")  # 4
    store.compact(4)
    assert store.get(b"a", revision=4) is None
    assert store.range(b"", prefix=True) == RangeResponse([kv(b"b", 4, 4, 1, b"1")], 1, False, 4)


@pytest.mark.parametrize("again", [4, 3, 1], ids=["same", "lower", "one"])
def test_compact_at_or_below_last_compaction(store: Store, again: int) -> None:
    fill(store, 5)
    store.compact(4)
    with pytest.raises(CompactedError) as err:
        store.compact(again)
    assert str(err.value) == COMPACTED
    assert store.compact_revision == 4


@pytest.mark.parametrize("ahead", [1, 50])
def test_compact_in_the_future(store: Store, ahead: int) -> None:
    fill(store, 2)  # revision 3
    with pytest.raises(FutureRevisionError) as err:
        store.compact(3 + ahead)
    assert str(err.value) == FUTURE
    assert store.compact_revision == 0
    store.compact(3)  # the current revision is fine
    assert store.compact_revision == 3
    assert store.get(b"a") == kv(b"a", 2, 3, 2, b"1")


def test_txn_range_at_compacted_revision(store: Store) -> None:
    fill(store, 4)
    store.compact(4)
    with pytest.raises(CompactedError) as err:
        store.txn([], [Range(b"a", revision=2)], [])
    assert str(err.value) == COMPACTED


def test_watch_from_compacted_revision_is_canceled(store: Store) -> None:
    fill(store, 5)  # revision 6
    store.compact(5)
    w = store.watch(b"a", start_revision=3)
    resp = w.get(timeout=10)
    # etcd: one response, canceled, with the compaction revision and no header revision
    assert resp == WatchResponse((), revision=0, canceled=True, compact_revision=5)
    assert w.canceled is True
    assert w.compact_revision == 5
    w.cancel()


def test_watch_from_compacted_revision_raises_when_iterated(store: Store) -> None:
    fill(store, 5)
    store.compact(5)
    w = store.watch(b"", prefix=True, start_revision=1)
    with pytest.raises(CompactedError) as err:
        next(iter(w))
    assert err.value.compact_revision == 5
    assert str(err.value) == COMPACTED


def test_watch_from_the_compacted_revision_itself_replays(store: Store) -> None:
    fill(store, 5)  # a@2..6
    store.compact(5)
    with store.watch(b"a", start_revision=5) as w:
        assert events(w, 6) == [
            WatchEvent(PUT, kv(b"a", 2, 5, 4, b"3")),
            WatchEvent(PUT, kv(b"a", 2, 6, 5, b"4")),
        ]


def test_watch_from_the_compacted_revision_drops_its_deletes(store: Store) -> None:
    """etcd 3.4's compaction keeps no tombstone at or below the compacted revision
    (``keyIndex.compact``: "remove any tombstone"), so a watch from exactly the compacted
    revision replays the puts made at it but not the deletes. etcd removes the old revisions
    from its backend after answering the compaction (``scheduleCompaction``), so until that
    has run a watch still sees the DELETE: retry until the compaction is physical."""
    store.put(b"w/a", b"1")  # 2
    store.put(b"w/b", b"1")  # 3
    assert store.txn([], [DeleteRange(b"w/a"), Put(b"w/c", b"1")], []).revision == 4
    store.put(b"w/b", b"2")  # 5
    store.compact(4)
    want = [
        WatchEvent(PUT, kv(b"w/c", 4, 4, 1, b"1")),  # the put at 4 is replayed...
        WatchEvent(PUT, kv(b"w/b", 3, 5, 2, b"2")),  # ...the delete of w/a at 4 is not
    ]
    deadline = time.monotonic() + 10
    while True:
        with store.watch(b"w/", prefix=True, start_revision=4) as w:
            got = events(w, 5)
        if got == want or time.monotonic() > deadline:
            break
        # before the physical compaction etcd still replays DELETE w/a@4 first
        assert got == [WatchEvent(DELETE, tomb(b"w/a", 4)), *want]
        time.sleep(0.05)
    assert got == want
    # the key is gone at the compacted revision either way
    assert store.range(b"w/", prefix=True, revision=4).kvs == [
        kv(b"w/b", 3, 3, 1, b"1"), kv(b"w/c", 4, 4, 1, b"1")
    ]  # fmt: skip


# -- watch ------------------------------------------------------------------------------------


def test_watch_key_events_with_prev_kv(store: Store) -> None:
    store.put(b"a", b"0")  # 2, before the watch: not seen
    with store.watch(b"a", prev_kv=True) as w:
        store.put(b"a", b"1")  # 3
        store.put(b"other", b"x")  # 4
        store.delete(b"a")  # 5
        store.put(b"a", b"2")  # 6
        assert events(w, 6) == [
            WatchEvent(PUT, kv(b"a", 2, 3, 2, b"1"), kv(b"a", 2, 2, 1, b"0")),
            WatchEvent(DELETE, tomb(b"a", 5), kv(b"a", 2, 3, 2, b"1")),
            WatchEvent(PUT, kv(b"a", 6, 6, 1, b"2"), None),
        ]


def test_watch_without_prev_kv(store: Store) -> None:
    store.put(b"a", b"0")
    with store.watch(b"a") as w:
        store.put(b"a", b"1")  # 3
        store.delete(b"a")  # 4
        assert events(w, 4) == [
            WatchEvent(PUT, kv(b"a", 2, 3, 2, b"1")),
            WatchEvent(DELETE, tomb(b"a", 4)),
        ]


def test_watch_prefix_sees_only_its_prefix(store: Store) -> None:
    with store.watch(b"/registry/pods/", prefix=True) as w:
        store.put(b"/registry/pods/default/a", b"1")  # 2
        store.put(b"/registry/pods0", b"edge")  # 3: the prefix's range end, not inside
        store.put(b"/registry/services/default/s", b"1")  # 4
        store.put(b"/registry/pods/kube-system/b", b"1")  # 5
        assert events(w, 5) == [
            WatchEvent(PUT, kv(b"/registry/pods/default/a", 2, 2, 1, b"1")),
            WatchEvent(PUT, kv(b"/registry/pods/kube-system/b", 5, 5, 1, b"1")),
        ]


def test_watch_range_end(store: Store) -> None:
    with store.watch(b"b", range_end=b"d") as w:
        for k in (b"a", b"b", b"c", b"d", b"c"):  # 2..6
            store.put(k, b"v")
        got = [(e.kv.key, e.kv.mod_revision) for e in events(w, 6)]
        assert got == [(b"b", 3), (b"c", 4), (b"c", 6)]


def test_watch_from_start_revision_replays_history(store: Store) -> None:
    store.put(b"a", b"1")  # 2
    store.put(b"b", b"1")  # 3
    store.put(b"a", b"2")  # 4
    store.delete(b"b")  # 5
    with store.watch(b"", prefix=True, start_revision=3, prev_kv=True) as w:
        store.put(b"c", b"1")  # 6: history and live events in one ordered stream
        assert events(w, 6) == [
            WatchEvent(PUT, kv(b"b", 3, 3, 1, b"1")),
            WatchEvent(PUT, kv(b"a", 2, 4, 2, b"2"), kv(b"a", 2, 2, 1, b"1")),
            WatchEvent(DELETE, tomb(b"b", 5), kv(b"b", 3, 3, 1, b"1")),
            WatchEvent(PUT, kv(b"c", 6, 6, 1, b"1")),
        ]


def test_watch_from_future_start_revision_waits(store: Store) -> None:
    with store.watch(b"a", start_revision=4) as w:
        for i in range(4):  # 2..5
            store.put(b"a", b"%d" % i)
        assert [e.kv.mod_revision for e in events(w, 5)] == [4, 5]


def test_watch_txn_and_delete_prefix_events_share_a_revision(store: Store) -> None:
    with store.watch(b"/p/", prefix=True, prev_kv=True) as w:
        store.txn([], [Put(b"/p/b", b"1"), Put(b"/p/a", b"1"), Put(b"/x", b"1")], [])  # 2
        store.delete(b"/p/", prefix=True)  # 3
        assert events(w, 3) == [
            # a txn's events come in the order of its ops; a range delete's in key order
            WatchEvent(PUT, kv(b"/p/b", 2, 2, 1, b"1")),
            WatchEvent(PUT, kv(b"/p/a", 2, 2, 1, b"1")),
            WatchEvent(DELETE, tomb(b"/p/a", 3), kv(b"/p/a", 2, 2, 1, b"1")),
            WatchEvent(DELETE, tomb(b"/p/b", 3), kv(b"/p/b", 2, 2, 1, b"1")),
        ]


def test_watch_many_events_in_order_without_gaps(store: Store) -> None:
    with store.watch(b"/k/", prefix=True) as w:
        for i in range(300):  # 2..301
            store.put(b"/k/%d" % (i % 7), b"%d" % i)
        got = events(w, 301)
    assert [e.kv.mod_revision for e in got] == list(range(2, 302))
    assert [e.kv.value for e in got] == [b"%d" % i for i in range(300)]


def test_watch_callback(store: Store) -> None:
    got: list[WatchResponse] = []
    w = store.watch(b"a", callback=got.append)
    store.put(b"a", b"1")  # 2
    store.put(b"a", b"2")  # 3
    deadline = time.monotonic() + 10
    while sum(len(r.events) for r in got) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    w.cancel()
    got_kvs = [e.kv for r in got for e in r.events]
    assert got_kvs == [kv(b"a", 2, 2, 1, b"1"), kv(b"a", 2, 3, 2, b"2")]


def test_watch_cancel_stops_delivery(store: Store) -> None:
    w = store.watch(b"a")
    store.put(b"a", b"1")  # 2
    assert [e.kv.mod_revision for e in events(w, 2)] == [2]
    w.cancel()
    store.put(b"a", b"2")  # 3
    assert w.canceled is True
    assert list(w) == []  # iteration ends at the cancel marker, nothing after it


def test_two_watchers_see_the_same_stream(store: Store) -> None:
    with store.watch(b"a") as w1, store.watch(b"", prefix=True) as w2:
        store.put(b"a", b"1")
        store.put(b"b", b"1")
        store.put(b"a", b"2")
        assert [e.kv.mod_revision for e in events(w1, 4)] == [2, 4]
        assert [e.kv.mod_revision for e in events(w2, 4)] == [2, 3, 4]


# -- leases -----------------------------------------------------------------------------------


def test_lease_grant_and_attach(store: Store) -> None:
    lease = store.lease_grant(60)
    assert lease.id > 0
    assert lease.ttl == 60
    assert store.revision == 1  # granting is not a kv write
    assert store.put(b"a", b"1", lease=lease.id).revision == 2
    assert store.get(b"a") == kv(b"a", 2, 2, 1, b"1", lease.id)
    assert 59 <= store.lease_time_to_live(lease.id) <= 60
    assert store.lease_keepalive(lease.id) == 60


def test_lease_grant_with_id(store: Store) -> None:
    lease = store.lease_grant(30, lease_id=12345)
    assert (lease.id, lease.ttl) == (12345, 30)


def test_lease_grant_existing_id(store: Store) -> None:
    store.lease_grant(30, lease_id=777)
    with pytest.raises(LeaseExistsError) as err:
        store.lease_grant(60, lease_id=777)
    assert str(err.value) == LEASE_EXISTS


def test_lease_ttl_too_large(store: Store) -> None:
    with pytest.raises(LeaseTTLTooLargeError) as err:
        store.lease_grant(9_000_000_001)
    assert str(err.value) == LEASE_TTL_TOO_LARGE
    assert store.lease_grant(9_000_000_000).ttl == 9_000_000_000


def test_lease_minimum_ttl(store: Store) -> None:
    # lessor's minLeaseTTL: ceil(1.5 x election timeout) = 2 s with etcd's defaults
    assert store.lease_grant(1).ttl == 2


def test_lease_revoke_deletes_keys_in_one_revision(store: Store) -> None:
    lease = store.lease_grant(60)
    store.put(b"/l/b", b"1", lease=lease.id)  # 2
    store.put(b"/l/a", b"1", lease=lease.id)  # 3
    store.put(b"/l/c", b"1")  # 4: not attached
    with store.watch(b"/l/", prefix=True, prev_kv=True) as w:
        store.lease_revoke(lease.id)  # 5
        assert store.revision == 5
        # lessor.Revoke deletes the lease's keys in one txn, sorted by key
        assert events(w, 5) == [
            WatchEvent(DELETE, tomb(b"/l/a", 5), kv(b"/l/a", 3, 3, 1, b"1", lease.id)),
            WatchEvent(DELETE, tomb(b"/l/b", 5), kv(b"/l/b", 2, 2, 1, b"1", lease.id)),
        ]
    assert [x.key for x in store.range(b"/l/", prefix=True).kvs] == [b"/l/c"]
    assert store.lease_time_to_live(lease.id) == -1


def test_lease_revoke_without_keys_does_not_bump(store: Store) -> None:
    lease = store.lease_grant(60)
    store.lease_revoke(lease.id)
    assert store.revision == 1


def test_put_overwrite_detaches_lease(store: Store) -> None:
    lease = store.lease_grant(60)
    store.put(b"a", b"1", lease=lease.id)  # 2
    store.put(b"a", b"2")  # 3: no lease any more
    store.lease_revoke(lease.id)
    assert store.revision == 3
    assert store.get(b"a") == kv(b"a", 2, 3, 2, b"2")


@pytest.mark.parametrize("op", ["revoke", "keepalive", "put"])
def test_unknown_lease(store: Store, op: str) -> None:
    with pytest.raises(LeaseNotFoundError) as err:
        if op == "revoke":
            store.lease_revoke(424242)
        elif op == "keepalive":
            store.lease_keepalive(424242)
        else:
            store.put(b"a", b"1", lease=424242)
    assert str(err.value) == LEASE_NOT_FOUND
    assert store.revision == 1


def test_unknown_lease_time_to_live(store: Store) -> None:
    assert store.lease_time_to_live(424242) == -1


def test_unknown_lease_in_txn(store: Store) -> None:
    with pytest.raises(LeaseNotFoundError) as err:
        store.txn([], [Put(b"a", b"1", lease=424242)], [])
    assert str(err.value) == LEASE_NOT_FOUND
    assert store.revision == 1


def test_lease_expiry_deletes_keys(store: Store, sleep: Sleep) -> None:
    lease = store.lease_grant(2)
    assert lease.ttl == 2
    store.put(b"a", b"1", lease=lease.id)  # 2
    store.put(b"b", b"1")  # 3
    w = store.watch(b"a")
    sleep(1.0)
    assert store.get(b"a") == kv(b"a", 2, 2, 1, b"1", lease.id)
    sleep(2.5)  # 3.5 s after the grant: expired and revoked
    assert store.get(b"a") is None
    assert store.revision == 4  # the revoke is one delete revision
    assert events(w, 4) == [WatchEvent(DELETE, tomb(b"a", 4))]
    w.cancel()
    assert store.get(b"b") == kv(b"b", 3, 3, 1, b"1")
    assert store.lease_time_to_live(lease.id) == -1
    with pytest.raises(LeaseNotFoundError):
        store.lease_keepalive(lease.id)


def test_lease_keepalive_extends(store: Store, sleep: Sleep) -> None:
    lease = store.lease_grant(2)
    store.put(b"a", b"1", lease=lease.id)
    sleep(1.2)
    assert store.lease_keepalive(lease.id) == 2
    sleep(1.2)  # 2.4 s after the grant, 1.2 s after the renewal: still alive
    assert store.get(b"a") == kv(b"a", 2, 2, 1, b"1", lease.id)
    assert 0 <= store.lease_time_to_live(lease.id) <= 1
    sleep(2.5)
    assert store.get(b"a") is None


# -- status -----------------------------------------------------------------------------------


def test_status(store: Store) -> None:
    store.put(b"a", b"1")
    st = store.status()
    documented = ("version db_size db_size_in_use leader member_id raft_index raft_term "
                  "raft_applied_index")
    assert {*documented.split(), "revision", "is_learner", "errors"} <= set(st)
    assert st["revision"] == 2
    assert st["is_learner"] is False
    assert st["errors"] == []
    assert st["leader"] == st["member_id"] != 0
    assert isinstance(st["version"], str) and st["version"].count(".") == 2
    assert st["raft_term"] >= 1
    assert st["raft_index"] >= 1
    assert st["db_size"] > 0
    assert 0 < st["db_size_in_use"] <= st["db_size"]
