"""``KeyIndex``: a port of etcd 3.4's ``mvcc/key_index_test.go`` tables (release-3.4, the
version the ``etcd://`` backend runs; 3.6 changed compaction to keep a tombstone exactly at the
compact revision, 3.4 removes it).

Go's ``ki.put(lg, main, sub)`` is ``ki.put(R(main, sub))`` here; ``ErrRevisionNotFound`` from
``get`` is ``None``; ``lg.Panic`` is ``AssertionError``. Most tests start from etcd's
``newTestKeyIndex``:

    key: "foo"
    modified: 16
    generations:
        {empty}
        {{14, 0}[1], {14, 1}[2], {16, 0}(t)[3]}
        {{8, 0}[1], {10, 0}[2], {12, 0}(t)[3]}
        {{2, 0}[1], {4, 0}[2], {6, 0}(t)[3]}

(``[n]`` is the version of the key at that revision, ``(t)`` a tombstone.)
"""

from __future__ import annotations

import copy

import pytest

from k8s_internals.store.key_index import Generation, KeyIndex, RevisionNotFoundError
from k8s_internals.store.revision import Revision


def R(main: int, sub: int = 0) -> Revision:
    return Revision(main, sub)


def gen(created: int, ver: int, *revs: Revision) -> Generation:
    return Generation(ver, R(created), list(revs))


def gen_at(created: Revision, ver: int, *revs: Revision) -> Generation:
    return Generation(ver, created, list(revs))


def new_test_key_index() -> KeyIndex:
    ki = KeyIndex(b"foo")
    ki.put(R(2))
    ki.put(R(4))
    ki.tombstone(R(6))
    ki.put(R(8))
    ki.put(R(10))
    ki.tombstone(R(12))
    ki.put(R(14))
    ki.put(R(14, 1))
    ki.tombstone(R(16))
    return ki


# -- the doc comment example of key_index.go --------------------------------------------------


def test_doc_comment_example() -> None:
    """put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0), then compact 2, 4, 5, 6."""
    ki = KeyIndex(b"foo")
    ki.put(R(1))
    ki.put(R(2))
    ki.tombstone(R(3))
    ki.put(R(4))
    ki.tombstone(R(5))
    assert ki.modified == R(5)
    # generations: {1.0, 2.0, 3.0(t)} {4.0, 5.0(t)} {empty}
    assert ki.generations == [gen(1, 3, R(1), R(2), R(3)), gen(4, 2, R(4), R(5)), Generation()]

    kept: set[Revision] = set()
    ki.compact(2, kept)  # {2.0, 3.0(t)} {4.0, 5.0(t)} {empty}
    assert ki.generations == [gen(1, 3, R(2), R(3)), gen(4, 2, R(4), R(5)), Generation()]
    assert kept == {R(2)}
    kept = set()
    ki.compact(4, kept)  # {4.0, 5.0(t)} {empty}: 3.0(t) is below 4, its generation goes
    assert ki.generations == [gen(4, 2, R(4), R(5)), Generation()]
    assert kept == {R(4)}
    kept = set()
    ki.compact(5, kept)  # {empty}: 5.0(t) is not kept, the key index SHOULD be removed
    assert ki.generations == [Generation()]
    assert kept == set()
    assert ki.is_empty()
    # compact(6) would give {empty} too; an empty key index is no longer in the tree index,
    # and compacting one is a bug (lg.Panic)
    with pytest.raises(AssertionError):
        ki.compact(6, set())


# -- TestRestoreTombstone ---------------------------------------------------------------------


def test_restore_tombstone() -> None:
    # restore from tombstone: key "foo", modified 16, generations {empty} {{16, 0}(t)[0]}
    ki = KeyIndex(b"foo")
    ki.restore_tombstone(R(16))

    # get should return not found
    for at in range(16, 21):
        assert ki.get(at) is None

    # nothing to keep at 16: 3.4's doCompact skips a generation whose tombstone is at or below
    # the compact revision (newer etcd's TestRestoreTombstone keeps it)
    available: set[Revision] = set()
    ki.keep(16, available)
    assert available == set()

    # should be able to put new revisions
    ki.put(R(17))
    ki.put(R(18))
    assert ki.since(16) == [R(16), R(17), R(18)]

    # compaction should remove the restored tombstone
    ki.compact(17, set())
    assert len(ki.generations) == 1
    assert ki.generations[0].revs == [R(17), R(18)]


# -- TestKeyIndexGet --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rev", "want"),
    [
        (17, None),
        (16, None),  # the tombstone at 16: gone
        # get on generation 3
        (15, (R(14, 1), R(14), 2)),
        (14, (R(14, 1), R(14), 2)),  # 14.1 is the last change of revision 14
        (13, None),  # gap between generations 2 and 3
        (12, None),
        # get on generation 2
        (11, (R(10), R(8), 2)),
        (10, (R(10), R(8), 2)),
        (9, (R(8), R(8), 1)),
        (8, (R(8), R(8), 1)),
        (7, None),
        (6, None),
        # get on generation 1 (compacted at 4: revision 2 is gone, the version count is not)
        (5, (R(4), R(2), 2)),
        (4, (R(4), R(2), 2)),
        (3, None),
        (2, None),
        (1, None),
        (0, None),
    ],
)
def test_key_index_get(rev: int, want: tuple[Revision, Revision, int] | None) -> None:
    ki = new_test_key_index()
    ki.compact(4, set())
    assert ki.get(rev) == want


# -- TestKeyIndexSince ------------------------------------------------------------------------

ALL_REVS = [R(4), R(6), R(8), R(10), R(12), R(14, 1), R(16)]  # 14.0 is hidden by 14.1


@pytest.mark.parametrize(
    ("rev", "want"),
    [
        (17, []),
        (16, ALL_REVS[6:]),
        (15, ALL_REVS[6:]),
        (14, ALL_REVS[5:]),
        (13, ALL_REVS[5:]),
        (12, ALL_REVS[4:]),
        (11, ALL_REVS[4:]),
        (10, ALL_REVS[3:]),
        (9, ALL_REVS[3:]),
        (8, ALL_REVS[2:]),
        (7, ALL_REVS[2:]),
        (6, ALL_REVS[1:]),
        (5, ALL_REVS[1:]),
        (4, ALL_REVS),
        (3, ALL_REVS),
        (2, ALL_REVS),
        (1, ALL_REVS),
        (0, ALL_REVS),
    ],
)
def test_key_index_since(rev: int, want: list[Revision]) -> None:
    ki = new_test_key_index()
    ki.compact(4, set())
    assert ki.since(rev) == want


def test_since_keeps_only_the_last_sub_of_a_main_revision() -> None:
    ki = KeyIndex(b"foo")
    ki.put(R(3, 0))
    ki.put(R(3, 2))  # two changes in one txn: only the last is visible from outside
    ki.put(R(4))
    assert ki.since(1) == [R(3, 2), R(4)]


# -- TestKeyIndexPut / Restore / Tombstone ----------------------------------------------------


def test_key_index_put() -> None:
    ki = KeyIndex(b"foo")
    ki.put(R(5))
    assert ki == KeyIndex(b"foo", R(5), [gen(5, 1, R(5))])
    ki.put(R(7))
    assert ki == KeyIndex(b"foo", R(7), [gen(5, 2, R(5), R(7))])


def test_put_below_modified_is_a_bug() -> None:
    ki = KeyIndex(b"foo")
    ki.put(R(5))
    with pytest.raises(AssertionError):
        ki.put(R(5))
    with pytest.raises(AssertionError):
        ki.put(R(4, 9))


def test_key_index_restore() -> None:
    ki = KeyIndex(b"foo")
    ki.restore(R(5), R(7), 2)
    assert ki == KeyIndex(b"foo", R(7), [gen(5, 2, R(7))])


def test_key_index_tombstone() -> None:
    ki = KeyIndex(b"foo")
    ki.put(R(5))
    ki.tombstone(R(7))
    assert ki == KeyIndex(b"foo", R(7), [gen(5, 2, R(5), R(7)), Generation()])

    ki.put(R(8))
    ki.put(R(9))
    ki.tombstone(R(15))
    assert ki == KeyIndex(
        b"foo", R(15), [gen(5, 2, R(5), R(7)), gen(8, 3, R(8), R(9), R(15)), Generation()]
    )

    # a second tombstone on a deleted key: ErrRevisionNotFound
    with pytest.raises(RevisionNotFoundError, match="mvcc: revision not found"):
        ki.tombstone(R(16))


# -- TestKeyIndexCompactAndKeep ---------------------------------------------------------------

# etcd 3.4's table: (compact at, key index after, revisions kept). Compacting removes the
# revisions at or below the compact revision except the largest one, which a reader at that
# revision needs -- unless it is a tombstone: a tombstone at or below the compact revision is
# never kept, and its generation goes with it ("remove any tombstone"). ``keep`` says the same
# set without compacting.
G1 = gen(2, 3, R(2), R(4), R(6))
G2 = gen(8, 3, R(8), R(10), R(12))
G3 = gen(14, 3, R(14), R(14, 1), R(16))
EMPTY = Generation()
COMPACT_CASES: list[tuple[int, list[Generation], set[Revision]]] = [
    (1, [G1, G2, G3, EMPTY], set()),  # nothing at or below 1
    (2, [G1, G2, G3, EMPTY], {R(2)}),  # 2 kept
    (3, [G1, G2, G3, EMPTY], {R(2)}),  # 2 kept (a reader at 3 sees it)
    (4, [gen(2, 3, R(4), R(6)), G2, G3, EMPTY], {R(4)}),  # 2 goes, 4 kept
    (5, [gen(2, 3, R(4), R(6)), G2, G3, EMPTY], {R(4)}),  # 4 kept
    (6, [G2, G3, EMPTY], set()),  # the tombstone at 6 is not kept: generation 1 goes
    (7, [G2, G3, EMPTY], set()),  # nothing of generation 2 at or below 7
    (8, [G2, G3, EMPTY], {R(8)}),  # 8 kept
    (9, [G2, G3, EMPTY], {R(8)}),  # 8 kept
    (10, [gen(8, 3, R(10), R(12)), G3, EMPTY], {R(10)}),  # 8 goes, 10 kept
    (11, [gen(8, 3, R(10), R(12)), G3, EMPTY], {R(10)}),  # 10 kept
    (12, [G3, EMPTY], set()),  # the tombstone at 12 is not kept: generation 2 goes
    (13, [G3, EMPTY], set()),  # nothing of generation 3 at or below 13
    (14, [gen(14, 3, R(14, 1), R(16)), EMPTY], {R(14, 1)}),  # 14.0 goes, 14.1 kept
    (15, [gen(14, 3, R(14, 1), R(16)), EMPTY], {R(14, 1)}),  # 14.1 kept
    (16, [EMPTY], set()),  # the tombstone at 16 is not kept: only {empty}, the key goes
]


def check_keep_then_compact(
    ki: KeyIndex, at: int, want_gens: list[Generation], want_kept: set[Revision]
) -> None:
    # keep never changes the key index, and in 3.4 it agrees with compact
    before = copy.deepcopy(ki)
    kept: set[Revision] = set()
    ki.keep(at, kept)
    assert ki == before
    assert kept == want_kept

    available: set[Revision] = set()
    ki.compact(at, available)
    assert ki == KeyIndex(b"foo", R(16), want_gens)
    assert available == want_kept


def test_compact_and_keep_continuously() -> None:
    """Continuous compaction: one key index compacted at 1, 2, ..., 16 in turn."""
    ki = new_test_key_index()
    for at, want_gens, want_kept in COMPACT_CASES:
        check_keep_then_compact(ki, at, want_gens, want_kept)


def test_compact_and_keep_jumping() -> None:
    """Jump compaction: etcd's ``(i%2 == 0 && i < 6) || (i%2 == 1 && i > 6)`` over the table,
    i.e. compacting at 1, 3, 5, then 8, 10, 12, 14, 16."""
    ki = new_test_key_index()
    for i, (at, want_gens, want_kept) in enumerate(COMPACT_CASES):
        if (i % 2 == 0 and i < 6) or (i % 2 == 1 and i > 6):
            check_keep_then_compact(ki, at, want_gens, want_kept)


@pytest.mark.parametrize(("at", "want_gens", "want_kept"), COMPACT_CASES)
def test_compact_and_keep_once(
    at: int, want_gens: list[Generation], want_kept: set[Revision]
) -> None:
    """Once compaction: a fresh key index compacted straight at ``at``."""
    check_keep_then_compact(new_test_key_index(), at, want_gens, want_kept)


def test_compact_on_further_rev() -> None:
    """Compacting above the last modification keeps the last revision."""
    ki = KeyIndex(b"foo")
    ki.put(R(1))
    ki.put(R(2))
    available: set[Revision] = set()
    ki.compact(3, available)
    assert ki == KeyIndex(b"foo", R(2), [gen(1, 2, R(2))])
    assert available == {R(2)}


# etcd 3.6 changed compaction to keep a tombstone exactly at the compact revision (etcd issue
# #18274, TestKeyIndexCompactAndKeepOnRecreatedRev); 3.4, which the ``etcd://`` backend runs and
# this port follows, removes it, so a watch from the compacted revision does not replay a delete
# made at it (tests/store/test_conformance.py checks that on the real etcd).


def test_tombstone_at_the_compacted_revision_is_removed() -> None:
    ki = KeyIndex(b"foo")
    ki.put(R(2))
    ki.put(R(3))
    ki.tombstone(R(4))
    kept: set[Revision] = set()
    ki.keep(4, kept)
    assert kept == set()
    available: set[Revision] = set()
    ki.compact(4, available)
    assert ki == KeyIndex(b"foo", R(4), [Generation()])
    assert ki.is_empty()  # the key leaves the tree index
    assert available == set()


def test_recreated_in_a_later_revision_drops_the_tombstone() -> None:
    ki = KeyIndex(b"foo")
    ki.put(R(1))
    ki.tombstone(R(2))
    ki.put(R(3))
    kept: set[Revision] = set()
    ki.keep(2, kept)
    assert kept == set()
    available: set[Revision] = set()
    ki.compact(2, available)
    assert ki == KeyIndex(b"foo", R(3), [gen(3, 1, R(3))])
    assert available == set()


def test_compaction_below_the_tombstone_keeps_it() -> None:
    """One revision below the delete, the revision before it is kept and the tombstone stays."""
    ki = KeyIndex(b"foo")
    ki.put(R(2))
    ki.put(R(3))
    ki.tombstone(R(4))
    available: set[Revision] = set()
    ki.compact(3, available)
    assert ki == KeyIndex(b"foo", R(4), [gen(2, 3, R(3), R(4)), Generation()])
    assert available == {R(3)}


# -- small helpers ----------------------------------------------------------------------------


def test_is_empty() -> None:
    assert KeyIndex(b"foo", generations=[Generation()]).is_empty()
    assert not KeyIndex(b"foo", R(2), [gen(1, 2, R(2))]).is_empty()


@pytest.mark.parametrize(
    ("rev", "gen_index"),
    [(0, None), (1, None), (2, 0), (3, 0), (4, 0), (5, 0), (6, None), (7, None),
     (8, 1), (9, 1), (10, 1), (11, 1), (12, None), (13, None)],
)  # fmt: skip
def test_find_generation(rev: int, gen_index: int | None) -> None:
    ki = new_test_key_index()
    g = ki.find_generation(rev)
    if gen_index is None:
        assert g is None
    else:
        assert g is ki.generations[gen_index]


@pytest.mark.parametrize(("other", "less"), [(b"doo", False), (b"foo", False), (b"goo", True)])
def test_less(other: bytes, less: bool) -> None:
    assert KeyIndex(b"foo").less(KeyIndex(other)) is less


def test_generation_is_empty() -> None:
    assert Generation().is_empty()
    assert not Generation(revs=[R(1)]).is_empty()


@pytest.mark.parametrize(("stop_below", "index"), [(7, 2), (6, 1), (5, 1), (4, 0), (3, 0), (2, -1)])
def test_generation_walk(stop_below: int, index: int) -> None:
    """``walk`` goes newest first and returns where ``f`` said stop (-1: walked all)."""
    g = gen(2, 3, R(2), R(4), R(6))
    assert g.walk(lambda rev: rev.main >= stop_below) == index


@pytest.mark.parametrize(("at", "index"), [(1, -1), (2, 0), (3, 0), (4, 1), (6, 2), (99, 2)])
def test_generation_find_revision_index(at: int, index: int) -> None:
    assert gen(2, 3, R(2), R(4), R(6)).find_revision_index(at) == index


def test_get_of_a_live_key_at_and_after_its_last_change() -> None:
    """The fast path (a read at or after the last change) agrees with the general one."""
    ki = KeyIndex(b"foo")
    ki.put(R(2))
    ki.put(R(5, 3))
    assert ki.get(5) == ki.get(100) == (R(5, 3), R(2), 2)
    assert ki.get(4) == (R(2), R(2), 1)
    ki.tombstone(R(7))
    assert ki.get(7) is None
    assert ki.get(6) == (R(5, 3), R(2), 2)
