"""``TreeIndex``: a port of etcd's ``server/storage/mvcc/index_test.go`` (Get, Range, Tombstone,
CompactAndKeep) plus ``Revisions`` / ``CountRevisions`` with limits."""

from __future__ import annotations

import pytest

from k8s_internals.store.index import TreeIndex
from k8s_internals.store.key_index import KeyIndex, RevisionNotFoundError
from k8s_internals.store.revision import Revision


def R(main: int, sub: int = 0) -> Revision:
    return Revision(main, sub)


@pytest.mark.parametrize(
    ("rev", "want"),
    [
        (0, None),
        (1, None),
        (2, (R(2), R(2), 1)),
        (3, (R(2), R(2), 1)),
        (4, (R(4), R(2), 2)),
        (5, (R(4), R(2), 2)),
        (6, None),  # deleted at 6
    ],
)
def test_index_get(rev: int, want: tuple[Revision, Revision, int] | None) -> None:
    ti = TreeIndex()
    ti.put(b"foo", R(2))
    ti.put(b"foo", R(4))
    ti.tombstone(b"foo", R(6))
    assert ti.get(b"foo", rev) == want


ALL_KEYS = [b"foo", b"foo1", b"foo2"]
ALL_REVS = [R(1), R(2), R(3)]


@pytest.mark.parametrize(
    ("key", "end", "n_from", "n_to"),
    [
        (b"bar", None, 0, 0),  # single key that is not found
        (b"foo", None, 0, 1),  # single key that is found
        (b"foo", b"foo1", 0, 1),  # range keys, return first member
        (b"foo", b"foo2", 0, 2),  # range keys, return first two members
        (b"foo", b"fop", 0, 3),  # range keys, return all members
        (b"foo1", b"fop", 1, 3),  # range keys, return last two members
        (b"foo2", b"fop", 2, 3),  # range keys, return last member
        (b"foo3", b"fop", 0, 0),  # range keys, return nothing
        (b"foo1", b"", 1, 3),  # an empty end: every key from key on
        (b"fop", b"foo", 0, 0),  # end below key: nothing
    ],
)
def test_index_range(key: bytes, end: bytes | None, n_from: int, n_to: int) -> None:
    ti = TreeIndex()
    for k, rev in zip(ALL_KEYS, ALL_REVS, strict=True):
        ti.put(k, rev)
    assert ti.range(key, end, 3) == (ALL_KEYS[n_from:n_to], ALL_REVS[n_from:n_to])


def test_index_tombstone() -> None:
    ti = TreeIndex()
    ti.put(b"foo", R(1))
    ti.tombstone(b"foo", R(2))
    assert ti.get(b"foo", 2) is None
    with pytest.raises(RevisionNotFoundError):
        ti.tombstone(b"foo", R(3))
    with pytest.raises(RevisionNotFoundError):
        ti.tombstone(b"never", R(3))


def test_revisions_limit_and_total() -> None:
    """``Revisions`` caps the revisions at ``limit`` but counts every live key."""
    ti = TreeIndex()
    for i, k in enumerate([b"/p/a", b"/p/b", b"/p/c", b"/q/d"], start=2):
        ti.put(k, R(i))
    ti.tombstone(b"/p/b", R(6))
    assert ti.revisions(b"/p/", b"/p0", 6, limit=0) == ([R(2), R(4)], 2)
    assert ti.revisions(b"/p/", b"/p0", 6, limit=1) == ([R(2)], 2)
    assert ti.revisions(b"/p/", b"/p0", 5, limit=2) == ([R(2), R(3)], 3)  # before the delete
    assert ti.count_revisions(b"/p/", b"/p0", 6) == 2
    assert ti.count_revisions(b"/p/", b"", 6) == 3
    assert ti.count_revisions(b"/p/b", None, 5) == 1
    assert ti.revisions(b"/p/b", None, 6, limit=0) == ([], 0)


# -- TestIndexCompactAndKeep ------------------------------------------------------------------
#
# key "foo"   modified 10     generations {{1}, {5}, {9}(t)} {{10}}
# key "foo1"  modified 10.1   generations {{2}, {6}, {7}(t)} {{10.1}}
# key "foo2"  modified 8      generations {{3}, {4}, {8}(t)} {empty}


def build_tree_index() -> TreeIndex:
    ti = TreeIndex()
    ti.put(b"foo", R(1))
    ti.put(b"foo1", R(2))
    ti.put(b"foo2", R(3))
    ti.put(b"foo2", R(4))
    ti.put(b"foo", R(5))
    ti.put(b"foo1", R(6))
    ti.tombstone(b"foo1", R(7))
    ti.tombstone(b"foo2", R(8))
    ti.tombstone(b"foo", R(9))
    ti.put(b"foo", R(10))
    ti.put(b"foo1", R(10, 1))
    return ti


Shape = dict[bytes, list[tuple[int, Revision, list[Revision]]]]

FOO_NEW = (1, R(10), [R(10)])
FOO1_NEW = (1, R(10, 1), [R(10, 1)])
NONE = (0, R(0), [])


def foo(*revs: int) -> list[tuple[int, Revision, list[Revision]]]:
    return [(3, R(1), [R(r) for r in revs]), FOO_NEW]


def foo1(*revs: int) -> list[tuple[int, Revision, list[Revision]]]:
    return [(3, R(2), [R(r) for r in revs]), FOO1_NEW]


def foo2(*revs: int) -> list[tuple[int, Revision, list[Revision]]]:
    return [(3, R(3), [R(r) for r in revs]), NONE]


# atRev → (what compact keeps, what keep says, the key indexes after compact), as etcd 3.4's
# TestIndexCompactAndKeep: compact and keep agree; a generation left with only its tombstone at
# or below atRev is removed, tombstone included ("remove any tombstone"). (etcd 3.6 changed
# compact to keep a tombstone exactly at atRev; the simulator follows the 3.4 it is tested
# against.)
AFTER_COMPACTS: dict[int, tuple[set[Revision], set[Revision], Shape]] = {
    1: ({R(1)}, {R(1)}, {b"foo": foo(1, 5, 9), b"foo1": foo1(2, 6, 7), b"foo2": foo2(3, 4, 8)}),
    2: ({R(1), R(2)}, {R(1), R(2)},
        {b"foo": foo(1, 5, 9), b"foo1": foo1(2, 6, 7), b"foo2": foo2(3, 4, 8)}),
    3: ({R(1), R(2), R(3)}, {R(1), R(2), R(3)},
        {b"foo": foo(1, 5, 9), b"foo1": foo1(2, 6, 7), b"foo2": foo2(3, 4, 8)}),
    4: ({R(1), R(2), R(4)}, {R(1), R(2), R(4)},
        {b"foo": foo(1, 5, 9), b"foo1": foo1(2, 6, 7), b"foo2": foo2(4, 8)}),
    5: ({R(2), R(4), R(5)}, {R(2), R(4), R(5)},
        {b"foo": foo(5, 9), b"foo1": foo1(2, 6, 7), b"foo2": foo2(4, 8)}),
    6: ({R(6), R(4), R(5)}, {R(6), R(4), R(5)},
        {b"foo": foo(5, 9), b"foo1": foo1(6, 7), b"foo2": foo2(4, 8)}),
    7: ({R(4), R(5)}, {R(4), R(5)},
        {b"foo": foo(5, 9), b"foo1": [FOO1_NEW], b"foo2": foo2(4, 8)}),
    8: ({R(5)}, {R(5)}, {b"foo": foo(5, 9), b"foo1": [FOO1_NEW]}),  # foo2 is gone
    9: (set(), set(), {b"foo": [FOO_NEW], b"foo1": [FOO1_NEW]}),
    10: ({R(10), R(10, 1)}, {R(10), R(10, 1)}, {b"foo": [FOO_NEW], b"foo1": [FOO1_NEW]}),
}  # fmt: skip
MAX_REV = 20


def shape(ti: TreeIndex) -> Shape:
    return {ki.key: [(g.ver, g.created, g.revs) for g in ki.generations]
            for ki in ti.visit(b"", b"")}  # fmt: skip


def check_compact_and_keep(ti: TreeIndex, at: int) -> None:
    compacted, keep, want = AFTER_COMPACTS[min(at, 10)]
    assert ti.compact(at) == compacted, at
    assert ti.keep(at) == keep, at
    assert shape(ti) == want, at


def test_index_compact_and_keep_continuously() -> None:
    ti = build_tree_index()
    for at in range(1, MAX_REV):
        check_compact_and_keep(ti, at)


@pytest.mark.parametrize("at", range(1, MAX_REV))
def test_index_compact_and_keep_once(at: int) -> None:
    check_compact_and_keep(build_tree_index(), at)


def test_insert_and_key_index() -> None:
    ti = TreeIndex()
    ki = KeyIndex(b"b")
    ki.restore(R(3), R(5), 2)
    ti.insert(ki)
    ti.put(b"a", R(6))
    assert ti.key_index(b"b") is ki
    assert ti.range(b"a", b"c", 6) == ([b"a", b"b"], [R(6), R(5)])


def _walked(ti: TreeIndex, key: bytes, end: bytes, at: int, limit: int
            ) -> tuple[list[Revision], int]:
    """``revisions`` the slow way: every key of the range visited."""
    found = [f[0] for ki in ti.visit(key, end) if (f := ki.get(at)) is not None]
    return (found[:limit] if limit > 0 else found), len(found)


@pytest.mark.parametrize("log_max", [4, 1 << 16])
def test_limited_revisions_and_counts_match_a_full_walk(
        monkeypatch: pytest.MonkeyPatch, log_max: int) -> None:
    """A limited range counts from the live keys and the birth/death log (not by walking the
    range); at every revision, after compactions, deletes and re-creations, and with the log
    cut short, it answers as the full walk does."""
    import random

    from k8s_internals.store import index

    monkeypatch.setattr(index, "CHANGE_LOG_MAX", log_max)
    rng = random.Random(7)
    ti = TreeIndex()
    keys = [b"/k/%02d" % i for i in range(24)]
    live: set[bytes] = set()
    compacted = 0
    rev = 1
    for _ in range(400):
        rev += 1
        k = rng.choice(keys)
        op = rng.random()
        if op < 0.15 and k in live:
            ti.tombstone(k, R(rev))
            live.discard(k)
        elif op < 0.2 and rev > compacted + 5:
            compacted = rng.randint(compacted + 1, rev - 1)
            ti.compact(compacted)
        else:
            ti.put(k, R(rev))
            live.add(k)
        for _ in range(3):
            at = rng.randint(max(compacted, 1), rev)
            lo, hi = sorted(rng.sample([*keys, b"/k/", b"/k0", b"/a", b"/z"], 2))
            end = rng.choice([hi, b""])
            limit = rng.choice([1, 2, 5, 100])
            assert ti.revisions(lo, end, at, limit) == _walked(ti, lo, end, at, limit)
            assert ti.count_revisions(lo, end, at) == _walked(ti, lo, end, at, 0)[1]
