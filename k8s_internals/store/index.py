"""The in-memory index from keys to their revisions: :class:`TreeIndex`, as etcd's
``server/storage/mvcc/index.go`` (``treeIndex``).

etcd keeps one :class:`~.key_index.KeyIndex` per key in a B-tree ordered by key. Here the same
role is played by a sorted list of keys (searched with :mod:`bisect`) next to a dict from key to
key index: ranges walk the list between two bisection points, point lookups use the dict.

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


class TreeIndex:
    """Keys in order, each with its :class:`KeyIndex`."""

    def __init__(self) -> None:
        self._keys: list[bytes] = []  # sorted
        self._index: dict[bytes, KeyIndex] = {}

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
        ki.put(rev)

    def tombstone(self, key: bytes, rev: Revision) -> None:
        """Record a delete of ``key`` at ``rev``; :class:`RevisionNotFoundError` if the key is
        not live."""
        ki = self._index.get(key)
        if ki is None:
            raise RevisionNotFoundError()
        ki.tombstone(rev)

    def insert(self, ki: KeyIndex) -> None:
        """Add (or replace) a whole key index (used when restoring)."""
        if ki.key not in self._index:
            bisect.insort(self._keys, ki.key)
        self._index[ki.key] = ki

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
        return sum(1 for ki in self.visit(key, end) if ki.get(at_rev) is not None)

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
        return available

    def keep(self, rev: int) -> set[Revision]:
        """The revisions a compaction at ``rev`` would keep (no change to the index)."""
        available: set[Revision] = set()
        for ki in self._index.values():
            ki.keep(rev, available)
        return available
