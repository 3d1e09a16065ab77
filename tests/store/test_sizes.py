"""Protobuf request sizes and the bbolt size estimate (:mod:`k8s_internals.store.sizes`)."""

from __future__ import annotations

import pytest

from k8s_internals.store import Compare, DeleteRange, KeyValue, Put, Range, mod, value
from k8s_internals.store.sizes import (
    EMPTY_DB_PAGES,
    PAGE_SIZE,
    BoltSize,
    delete_request_size,
    kv_size,
    put_request_size,
    raft_request_size,
    txn_request_size,
    txn_request_size_bound,
    varint_len,
)


@pytest.mark.parametrize(
    ("n", "length"),
    [(0, 1), (1, 1), (127, 1), (128, 2), (2**14, 3), (2**21 - 1, 3), (2**21, 4), (2**63 - 1, 9),
     (2**63, 10), (-1, 10)],
)  # fmt: skip
def test_varint_len(n: int, length: int) -> None:
    assert varint_len(n) == length


def test_put_request_fields() -> None:
    # key "k" (1+1+1), value "v" (1+1+1); lease 5 (1+1); prev_kv (2)
    assert put_request_size(b"k", b"v", 0, False) == 6
    assert put_request_size(b"k", b"v", 5, True) == 10
    assert put_request_size(b"k", b"", 0, False) == 3  # proto3 leaves an empty value out


def test_delete_request_fields() -> None:
    assert delete_request_size(b"/p/", b"/p0", True) == 5 + 5 + 2


def test_kv_size() -> None:
    # key 3+1+1, create 2 (1+1), mod 300 (1+2), version 1 (1+1), value 4+1+1, no lease
    assert kv_size(KeyValue(b"abc", 2, 300, 1, b"vvvv")) == 5 + 2 + 3 + 2 + 6
    assert kv_size(KeyValue(b"abc")) == 5  # a tombstone: the key only


def test_txn_request_nests_ops_and_compares() -> None:
    put = Put(b"k", b"v")  # PutRequest 6 → RequestOp 1+1+6 = 8 → success element 1+1+8 = 10
    assert txn_request_size([], [put], []) == 10
    assert txn_request_size([], [put], [put]) == 20
    # Compare{target MOD (1+1), key "k" (1+1+1), mod_revision 5 (1+1)} = 7 → element 9
    assert txn_request_size([mod(b"k") == 5], [], []) == 9
    # a VALUE compare writes its operand even when empty (oneof): target 2, key 3, value 2
    assert txn_request_size([value(b"k") == b""], [], []) == 2 + 7
    assert txn_request_size([], [Range(b"k"), DeleteRange(b"k")], []) == 2 * (1 + 1 + 1 + 1 + 3)
    assert isinstance(mod(b"k") == 5, Compare)


def test_txn_request_size_bound_is_an_upper_bound() -> None:
    """The cheap bound the store checks first never undercounts (so the limit falls on the same
    byte: only requests whose bound is over it are measured exactly)."""
    import random

    from k8s_internals.store import create, version

    rng = random.Random(7)

    def blob() -> bytes:
        return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 5, 200, 3000])))

    big = 2**63 - 1
    for _ in range(300):
        compare = []
        for _ in range(rng.randrange(4)):
            key = blob() or b"k"
            kind = rng.randrange(4)
            if kind == 0:
                compare.append(value(key) == blob())
            else:
                builder = (mod, create, version)[kind - 1]
                compare.append(builder(key) == rng.choice([0, 1, 300, big]))
        ops: list = []
        for _ in range(rng.randrange(5)):
            key = blob() or b"k"
            kind = rng.randrange(3)
            if kind == 0:
                ops.append(Put(key, blob(), lease=rng.choice([0, big]),
                               prev_kv=rng.random() < 0.5))
            elif kind == 1:
                ops.append(DeleteRange(key, rng.choice([None, b"\x00", blob()]),
                                       prev_kv=rng.random() < 0.5))
            else:
                ops.append(Range(key, rng.choice([None, b"\x00", blob()]),
                                 limit=rng.choice([0, big]), revision=rng.choice([0, big]),
                                 keys_only=rng.random() < 0.5, count_only=rng.random() < 0.5))
        cut = rng.randrange(len(ops) + 1)
        success, failure = ops[:cut], ops[cut:]
        assert txn_request_size_bound(compare, success, failure) >= txn_request_size(
            compare, success, failure)


def test_raft_request_header() -> None:
    """``header`` is field 100 (a 2-byte tag) holding ``RequestHeader{ID}``."""
    assert raft_request_size(6, header_id=1) == (2 + 1 + 2) + (1 + 1 + 6)
    assert raft_request_size(6, header_id=2**63) == (2 + 1 + 11) + (1 + 1 + 6)


def test_bolt_size_packs_entries_into_pages() -> None:
    size = BoltSize()
    assert size.db_size() == EMPTY_DB_PAGES * PAGE_SIZE == 20480
    kv = KeyValue(b"/registry/k000001", 2, 2, 1, b"v" * 1024)
    for _ in range(300):
        size.add(BoltSize.entry_size(kv, False))
    # three ~1.1 KB entries per 4 KiB leaf (fill threshold 90%): 100 leaves + 1 branch page
    assert size.pages_in_use() == EMPTY_DB_PAGES + 100 + 1
    high = size.db_size()
    for _ in range(200):
        size.remove(BoltSize.entry_size(kv, False))
    assert size.db_size_in_use() < high == size.db_size()  # the file does not shrink


def test_bolt_size_big_values_take_overflow_pages() -> None:
    size = BoltSize()
    size.add(BoltSize.entry_size(KeyValue(b"k", 2, 2, 1, b"x" * 10_000), False))
    assert size.pages_in_use() == EMPTY_DB_PAGES + 3  # 10 KB: three 4 KiB pages
