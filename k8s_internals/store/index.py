"""The in-memory index from keys to their revisions: :class:`TreeIndex`, as etcd's
``server/storage/mvcc/index.go`` (``treeIndex``).

etcd keeps one :class:`~.key_index.KeyIndex` per key in a B-tree ordered by key. Here the same
role is played by a sorted list of keys (searched with :mod:`bisect`) next to a dict from key to
key index: ranges walk the list between two bisection points, point lookups use the dict.

A range with a ``limit`` (the API server's paged lists) stops walking once it has ``limit``
keys, and counts the keys in the range without walking them: a second sorted list holds the keys
live at the newest revision, and a log of the revisions where a key came to life or was deleted
turns that count into the count at an older revision (a paged list reads at the revision of its
first page). So a page costs O(limit + log n + changes since its revision), not O(keys after
it); etcd walks its B-tree to count, but in Go.

Range ends follow etcd's ``mvcc`` conventions: ``end=None`` means the single key ``key``;
``end=b""`` means every key from ``key`` on (the server turns the client's ``"\\x00"`` into an
empty end before it reaches the index, ``mkGteRange`` in ``etcdserver/apply.go``).

>>> ti = TreeIndex()
>>> ti.put(b"/pods/a", Revision(2))
>>> ti.put(b"/pods/b", Revision(3))
>>> ti.put(b"/pods/a", Revision(4))
>>> ti.revisions(b"/pods/", b"/pods0", at_rev=4, limit=0)
([Revision(main=4, sub=0), Revision(main=3, sub=0)], 2)
>>> ti.range(b"/pods/", b"/pods0", at_rev=3)
([b'/pods/a', b'/pods/b'], [Revision(main=2, sub=0), Revision(main=3, sub=0)])
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from .key_index import KeyIndex, RevisionNotFoundError
from .revision import Revision

__all__ = ["TreeIndex"]

#: the most births/deaths the log keeps (it is cut in half past this; reads older than what it
#: still covers count by walking, as before)
CHANGE_LOG_MAX = 1 << 16


def _is_live(ki: KeyIndex) -> bool:
    """Whether the key exists at the newest revision (its current generation has revisions)."""
    gens = ki.generations
    return bool(gens) and bool(gens[-1].revs)


class TreeIndex:
    """Keys in order, each with its :class:`KeyIndex`."""

    def __init__(self) -> None:
        self._keys: list[bytes] = []  # sorted
        self._index: dict[bytes, KeyIndex] = {}
        self._live: list[bytes] = []  # sorted: the keys live at the newest revision
        # (main revision, key, +1 born / -1 deleted), oldest first: every such change above
        # ``_log_floor`` (so the live keys at any revision >= the floor can be counted)
        self._log: list[tuple[int, bytes, int]] = []
        self._log_floor = 0
        self._max_rev = 0

    def __len__(self) -> int:
        return len(self._keys)

    # -- writes --------------------------------------------------------------------------------

    def put(self, key: bytes, rev: Revision) -> None:
        """Record a put of ``key`` at ``rev``."""
        ki = self._index.get(key)
        if ki is None:
            ki = KeyIndex(key)
            self._index[key] = ki
            bisect.insort(self._keys, key)
        born = not _is_live(ki)
        ki.put(rev)
        if born:
            bisect.insort(self._live, key)
            self._record(rev.main, key, 1)
        elif rev.main > self._max_rev:
            self._max_rev = rev.main

    def tombstone(self, key: bytes, rev: Revision) -> None:
        """Record a delete of ``key`` at ``rev``; :class:`RevisionNotFoundError` if the key is
        not live."""
        ki = self._index.get(key)
        if ki is None:
            raise RevisionNotFoundError()
        ki.tombstone(rev)
        live = self._live
        i = bisect.bisect_left(live, key)
        if i < len(live) and live[i] == key:
            del live[i]
        self._record(rev.main, key, -1)

    def insert(self, ki: KeyIndex) -> None:
        """Add (or replace) a whole key index (used when restoring)."""
        if ki.key not in self._index:
            bisect.insort(self._keys, ki.key)
        self._index[ki.key] = ki
        live = self._live
        i = bisect.bisect_left(live, ki.key)
        if i < len(live) and live[i] == ki.key:
            del live[i]
        if _is_live(ki):
            live.insert(i, ki.key)
        # the log knows nothing of this key's past: only reads from here on may count by it
        self._max_rev = max(self._max_rev, ki.modified.main)
        self._log.clear()
        self._log_floor = self._max_rev

    def _record(self, main: int, key: bytes, delta: int) -> None:
        log = self._log
        log.append((main, key, delta))
        if main > self._max_rev:
            self._max_rev = main
        if len(log) > CHANGE_LOG_MAX:
            half = len(log) // 2
            self._log_floor = log[half - 1][0]
            # keep whole revisions: drop the entries of the floor revision too
            while half < len(log) and log[half][0] == self._log_floor:
                half += 1
            del log[:half]

    # -- reads ---------------------------------------------------------------------------------

    def key_index(self, key: bytes) -> KeyIndex | None:
        return self._index.get(key)

    def get(self, key: bytes, at_rev: int) -> tuple[Revision, Revision, int] | None:
        """``(modified, created, version)`` of ``key`` at ``at_rev``, or None."""
        ki = self._index.get(key)
        return None if ki is None else ki.get(at_rev)

    def visit(self, key: bytes, end: bytes) -> Iterator[KeyIndex]:
        """The key indexes of the keys in ``[key, end)`` in key order (``end=b""``: no end)."""
        keys = self._keys
        lo = bisect.bisect_left(keys, key)
        hi = len(keys) if not end else bisect.bisect_left(keys, end, lo)
        index = self._index
        for k in keys[lo:hi]:
            yield index[k]

    def revisions(
        self, key: bytes, end: bytes | None, at_rev: int, limit: int
    ) -> tuple[list[Revision], int]:
        """The revisions of the keys live at ``at_rev`` in the range (at most ``limit`` of them
        if ``limit > 0``), and the total number of such keys (not capped by ``limit``)."""
        if end is None:
            found = self.get(key, at_rev)
            return ([found[0]], 1) if found is not None else ([], 0)
        revs: list[Revision] = []
        total = self._count_live(key, end, at_rev) if limit > 0 else None
        if total is not None:
            # walk only until ``limit`` live keys are found; the count came from the live list
            keys, index = self._keys, self._index
            lo = bisect.bisect_left(keys, key)
            hi = len(keys) if not end else bisect.bisect_left(keys, end, lo)
            for j in range(lo, hi):
                found = index[keys[j]].get(at_rev)
                if found is not None:
                    revs.append(found[0])
                    if len(revs) >= limit:
                        break
            return revs, total
        total = 0
        for ki in self.visit(key, end):
            found = ki.get(at_rev)
            if found is not None:
                if limit <= 0 or total < limit:
                    revs.append(found[0])
                total += 1
        return revs, total

    def count_revisions(self, key: bytes, end: bytes | None, at_rev: int) -> int:
        """The number of keys live at ``at_rev`` in the range."""
        if end is None:
            return 0 if self.get(key, at_rev) is None else 1
        counted = self._count_live(key, end, at_rev)
        if counted is not None:
            return counted
        return sum(1 for ki in self.visit(key, end) if ki.get(at_rev) is not None)

    def _count_live(self, key: bytes, end: bytes, at_rev: int) -> int | None:
        """The number of keys live at ``at_rev`` in ``[key, end)`` without walking them: the
        live keys now, less the births and plus the deaths after ``at_rev`` in the range.
        None when the log no longer reaches back to ``at_rev``."""
        if at_rev < self._log_floor:
            return None
        live = self._live
        lo = bisect.bisect_left(live, key)
        hi = len(live) if not end else bisect.bisect_left(live, end, lo)
        n = hi - lo
        log = self._log
        i = len(log) - 1
        while i >= 0:
            main, k, delta = log[i]
            if main <= at_rev:
                break
            if key <= k and (not end or k < end):
                n -= delta
            i -= 1
        return n

    def range(
        self, key: bytes, end: bytes | None, at_rev: int
    ) -> tuple[list[bytes], list[Revision]]:
        """The keys live at ``at_rev`` in the range and their revisions."""
        if end is None:
            found = self.get(key, at_rev)
            return ([key], [found[0]]) if found is not None else ([], [])
        keys: list[bytes] = []
        revs: list[Revision] = []
        for ki in self.visit(key, end):
            found = ki.get(at_rev)
            if found is not None:
                keys.append(ki.key)
                revs.append(found[0])
        return keys, revs

    # -- compaction ----------------------------------------------------------------------------

    def compact(self, rev: int) -> set[Revision]:
        """Compact every key index at ``rev``; drop the ones left empty. Returns the revisions
        the backend must keep (the newest revision ``<= rev`` of each key)."""
        available: set[Revision] = set()
        emptied = False
        for ki in self._index.values():
            ki.compact(rev, available)
            emptied = emptied or ki.is_empty()
        if emptied:
            self._keys = [k for k in self._keys if not self._index[k].is_empty()]
            self._index = {k: self._index[k] for k in self._keys}
        # no read goes below a compaction: the log's older entries are of no more use
        log = self._log
        cut = 0
        while cut < len(log) and log[cut][0] <= rev:
            cut += 1
        if cut:
            del log[:cut]
        self._log_floor = max(self._log_floor, rev)
        return available

    def keep(self, rev: int) -> set[Revision]:
        """The revisions a compaction at ``rev`` would keep (no change to the index)."""
        available: set[Revision] = set()
        for ki in self._index.values():
            ki.keep(rev, available)
        return available
