"""``KVStore``: revisions, write transactions, the backend and compaction, below the
:class:`~k8s_internals.store.Store` interface (``server/storage/mvcc/kvstore_test.go`` in
spirit)."""

from __future__ import annotations

import pytest

from k8s_internals.store.kvstore import KVStore, is_tombstone
from k8s_internals.store.revision import Revision
from k8s_internals.store.types import CompactedError, FutureRevisionError, KeyValue


def test_empty_store_is_at_revision_1_with_no_compaction() -> None:
    s = KVStore()
    assert (s.current_rev, s.compact_main_rev) == (1, -1)
    assert s.read().range(b"a", b"") == ([], 0, 1)


def test_a_write_txn_is_one_revision_with_sub_revisions() -> None:
    s = KVStore()
    tw = s.write()
    assert tw.put(b"a", b"1") == 2
    assert tw.put(b"b", b"1") == 2
    assert tw.delete_range(b"a", None) == (1, 2)
    assert tw.rev == 2  # reads inside the txn see its own writes
    assert tw.range(b"", b"").kvs == [KeyValue(b"b", 2, 2, 1, b"1")]
    assert s.current_rev == 1  # not committed yet
    changes = tw.end()
    assert s.current_rev == 2
    assert [(kv.key, is_tombstone(kv)) for kv in changes] == [
        (b"a", False), (b"b", False), (b"a", True)
    ]  # fmt: skip
    # the backend holds each change at (main, sub)
    assert [rev for rev, _ in s.backend.range(2, 3)] == [Revision(2, 0), Revision(2, 1),
                                                         Revision(2, 2)]  # fmt: skip


def test_a_txn_that_changes_nothing_is_not_a_revision() -> None:
    s = KVStore()
    tw = s.write()
    assert tw.delete_range(b"missing", None) == (0, 1)
    assert tw.end() == []
    assert s.current_rev == 1


def test_versions_and_generations() -> None:
    s = KVStore()
    for value in (b"1", b"2"):
        tw = s.write()
        tw.put(b"a", value)
        tw.end()  # 2, 3
    tw = s.write()
    tw.delete_range(b"a", None)
    tw.end()  # 4
    tw = s.write()
    tw.put(b"a", b"3")
    tw.end()  # 5: a new life of the key
    assert s.get(b"a", 3) == KeyValue(b"a", 2, 3, 2, b"2")
    assert s.get(b"a", 4) is None
    assert s.get(b"a", 5) == KeyValue(b"a", 5, 5, 1, b"3")


def test_range_revision_checks() -> None:
    s = KVStore()
    for i in range(4):
        tw = s.write()
        tw.put(b"a", b"%d" % i)
        tw.end()  # 2..5
    with pytest.raises(FutureRevisionError):
        s.read().range(b"a", None, rev=6)
    s.compact(4)
    with pytest.raises(CompactedError) as err:
        s.read().range(b"a", None, rev=3)
    assert err.value.compact_revision == 4
    assert s.read().range(b"a", None, rev=4).kvs == [KeyValue(b"a", 2, 4, 3, b"2")]


def test_compaction_keeps_the_newest_revision_of_each_key_at_or_below() -> None:
    s = KVStore()
    for key in (b"a", b"b", b"a", b"c"):
        tw = s.write()
        tw.put(key, b"v")
        tw.end()  # a@2 b@3 a@4 c@5
    tw = s.write()
    tw.delete_range(b"b", None)
    tw.end()  # b deleted @6
    s.compact(6)
    # a@2 and b@3 are gone, and so is b's tombstone @6: etcd 3.4 keeps no tombstone at or below
    # the compact revision (a reader at 6 finds no b either way), and b leaves the index
    assert [rev.main for rev, _ in s.backend.range(0, 100)] == [4, 5]
    assert len(s.index) == 2
    assert s.read().range(b"b", None, rev=6).kvs == []
    tw = s.write()
    tw.put(b"d", b"v")
    tw.end()  # 7
    s.compact(7)
    assert [rev.main for rev, _ in s.backend.range(0, 100)] == [4, 5, 7]
    assert len(s.index) == 3  # a, c, d
    with pytest.raises(CompactedError):
        s.compact(7)
    with pytest.raises(FutureRevisionError):
        s.compact(8)
