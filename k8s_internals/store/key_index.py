"""The revisions of one key: :class:`KeyIndex` and its :class:`Generation` list, as etcd 3.4's
``mvcc/key_index.go`` (the version the ``etcd://`` backend runs).

A key index stores the revisions of a key in the backend. Each key index has at least one
generation; each generation holds the versions of the key from its creation to its deletion.
A tombstone (a delete) appends the delete's revision to the current generation and starts a new,
empty one. Each revision points at one entry of the backend.

For example ``put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)`` on key ``foo``
gives the key index::

    key:      "foo"
    modified: 5
    generations:
        {empty}
        {4.0, 5.0(t)}
        {1.0, 2.0, 3.0(t)}

Compacting a key index removes the revisions smaller than or equal to ``rev``, except the
largest one (a reader at ``rev`` still needs it) — unless that largest one is a tombstone: then
it goes too, with its generation ("remove any tombstone"). A generation that becomes empty is
removed; if all of them are removed, the key index itself is removed from the tree index.
Continuing the example::

    compact(2):  {empty}  {4.0, 5.0(t)}  {2.0, 3.0(t)}
    compact(4):  {empty}  {4.0, 5.0(t)}               (3.0(t) is below 4: gone)
    compact(5):  {empty}                  -> the key index SHOULD be removed (5.0(t) is not kept)

(etcd 3.6 changed ``compact`` to keep a tombstone exactly at ``rev``, ``{empty} {5.0(t)}`` after
``compact(5)``; etcd 3.4 does not, so a watch from the compacted revision does not replay a delete
made at it. ``keep`` agrees with ``compact``.)

The same walk as code (``ki.generations`` printed newest last):

>>> ki = KeyIndex(b"foo")
>>> ki.put(Revision(1)); ki.put(Revision(2)); ki.tombstone(Revision(3))
>>> ki.put(Revision(4)); ki.tombstone(Revision(5))
>>> [[r.main for r in g.revs] for g in ki.generations]
[[1, 2, 3], [4, 5], []]
>>> ki.get(2)  # (modified, created, version) as a reader at revision 2 sees the key
(Revision(main=2, sub=0), Revision(main=1, sub=0), 2)
>>> ki.get(3) is None  # deleted at 3
True
>>> for rev in (2, 4, 5):
...     kept = set()
...     ki.compact(rev, kept)
...     print(rev, [[r.main for r in g.revs] for g in ki.generations],
...           sorted(r.main for r in kept), ki.is_empty())
2 [[2, 3], [4, 5], []] [2] False
4 [[4, 5], []] [4] False
5 [[]] [] True

Where Go returns ``ErrRevisionNotFound`` from a lookup (``get``), this module returns ``None``
(a miss is a normal outcome on the range hot path, and Python exceptions are slow); ``tombstone``
on a deleted key still raises :class:`RevisionNotFoundError`. Where Go calls ``lg.Panic`` (an
internal invariant broken), this module raises :class:`AssertionError`.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from .revision import Revision

__all__ = ["Generation", "KeyIndex", "RevisionNotFoundError"]

_ZERO = Revision(0, 0)


class RevisionNotFoundError(LookupError):
    """``mvcc.ErrRevisionNotFound``."""

    def __init__(self) -> None:
        super().__init__("mvcc: revision not found")


@dataclass(slots=True)
class Generation:
    """The revisions of one life of a key, from its creation to its deletion (``generation``).

    ``ver`` counts the puts (and the closing tombstone) of this life; it is not reduced by
    compaction, which only drops old ``revs``.
    """

    ver: int = 0
    created: Revision = _ZERO  # the revision of the put that created this life
    revs: list[Revision] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.revs

    def walk(self, f: Callable[[Revision], bool]) -> int:
        """Call ``f`` on the revisions newest first until it returns False; return the index
        where it stopped, or -1 if it walked them all (``generation.walk``)."""
        n = len(self.revs)
        for i in range(n - 1, -1, -1):
            if not f(self.revs[i]):
                return i
        return -1

    def find_revision_index(self, at_rev: int) -> int:
        """The index of the last revision with ``main <= at_rev``, or -1 (binary search)."""
        return bisect.bisect_right(self.revs, (at_rev, sys.maxsize)) - 1


@dataclass(slots=True)
class KeyIndex:
    """``keyIndex``: a key, the revision of its last change, and its generations."""

    key: bytes
    modified: Revision = _ZERO  # the revision of the last modification
    generations: list[Generation] = field(default_factory=list)

    # -- writes --------------------------------------------------------------------------------

    def put(self, rev: Revision) -> None:
        """Record a put at ``rev`` (which must be above every revision recorded so far)."""
        if not rev > self.modified:
            raise AssertionError(
                f"'put' with an unexpected smaller revision {rev} (modified {self.modified})"
            )
        if not self.generations:
            self.generations.append(Generation())
        g = self.generations[-1]
        if not g.revs:  # a new life of the key
            g.created = rev
        g.revs.append(rev)
        g.ver += 1
        self.modified = rev

    def restore(self, created: Revision, modified: Revision, ver: int) -> None:
        """Rebuild the index of a live key from its latest backend entry (on start-up)."""
        if self.generations:
            raise AssertionError("'restore' got an unexpected non-empty generations")
        self.modified = modified
        self.generations.append(Generation(ver, created, [modified]))

    def restore_tombstone(self, rev: Revision) -> None:
        """Restore a key whose only surviving revision is a tombstone (its creation was
        compacted away, so ``created`` is unknown)."""
        self.restore(_ZERO, rev, 1)
        self.generations.append(Generation())

    def tombstone(self, rev: Revision) -> None:
        """Record a delete at ``rev``: close the current generation and open an empty one.

        Raises :class:`RevisionNotFoundError` if the key is already deleted.
        """
        if self.is_empty():
            raise AssertionError(f"'tombstone' got an unexpected empty keyIndex {self.key!r}")
        if not self.generations[-1].revs:
            raise RevisionNotFoundError()
        self.put(rev)
        self.generations.append(Generation())

    # -- reads ---------------------------------------------------------------------------------

    def get(self, at_rev: int) -> tuple[Revision, Revision, int] | None:
        """``(modified, created, version)`` of the key as a reader at ``at_rev`` sees it, or
        None if the key did not exist then."""
        gens = self.generations
        if at_rev >= self.modified.main:
            # the common case, a read at the current revision: the newest state
            g = gens[-1]
            if not g.revs:
                if len(gens) == 1:
                    raise AssertionError(f"'get' got an unexpected empty keyIndex {self.key!r}")
                return None
            return g.revs[-1], g.created, g.ver
        found = self.find_generation(at_rev)
        if found is None or not found.revs:
            return None
        n = found.find_revision_index(at_rev)
        if n == -1:
            return None
        return found.revs[n], found.created, found.ver - (len(found.revs) - n - 1)

    def since(self, rev: int) -> list[Revision]:
        """The revisions at or after main revision ``rev``, oldest first. Of several revisions
        with the same main revision only the one with the largest sub is returned."""
        if self.is_empty():
            raise AssertionError(f"'since' got an unexpected empty keyIndex {self.key!r}")
        since = Revision(rev, 0)
        gens = self.generations
        # find the generation to start checking from
        gi = len(gens) - 1
        while gi > 0:
            g = gens[gi]
            if g.revs and since > g.created:
                break
            gi -= 1
        revs: list[Revision] = []
        last = 0
        for g in gens[gi:]:
            for r in g.revs:
                if since > r:
                    continue
                if r.main == last:
                    # a later change in the same revision replaces the earlier one: only the
                    # final state of a revision is visible from outside
                    revs[-1] = r
                    continue
                revs.append(r)
                last = r.main
        return revs

    # -- compaction ----------------------------------------------------------------------------

    def compact(self, at_rev: int, available: set[Revision]) -> None:
        """Remove the revisions ``<= at_rev`` except the largest one; add the revision kept for
        ``at_rev`` (if any) to ``available``. Empty generations before it are dropped. If the
        largest one is a tombstone it is not kept either: its generation goes and the tombstone
        is not added to ``available`` (etcd 3.4; 3.6 keeps a tombstone exactly at ``at_rev``)."""
        if self.is_empty():
            raise AssertionError(f"'compact' got an unexpected empty keyIndex {self.key!r}")
        gen_idx, rev_index = self._do_compact(at_rev, available)
        g = self.generations[gen_idx]
        if g.revs:
            if rev_index != -1:
                del g.revs[:rev_index]  # remove the previous contents
            # remove any tombstone: a generation before the last one left with a single
            # revision holds only its tombstone; it goes, and the tombstone is not kept
            if len(g.revs) == 1 and gen_idx != len(self.generations) - 1:
                available.discard(g.revs[0])
                gen_idx += 1
        del self.generations[:gen_idx]  # remove the previous generations

    def keep(self, at_rev: int, available: set[Revision]) -> None:
        """Add to ``available`` the revision a compaction at ``at_rev`` would keep, without
        compacting (the same set :meth:`compact` keeps: a tombstone at ``at_rev`` is not
        kept)."""
        if self.is_empty():
            return
        gen_idx, rev_index = self._do_compact(at_rev, available)
        g = self.generations[gen_idx]
        if g.revs and rev_index == len(g.revs) - 1 and gen_idx != len(self.generations) - 1:
            available.discard(g.revs[rev_index])

    def _do_compact(self, at_rev: int, available: set[Revision]) -> tuple[int, int]:
        gens = self.generations
        gen_idx, g = 0, gens[0]
        # find the first generation that includes at_rev or was created after it: a generation
        # whose tombstone is at or below at_rev is skipped (3.4's doCompact: ``tomb > atRev``;
        # 3.6 stops at ``tomb >= atRev`` to keep a tombstone exactly at at_rev)
        while gen_idx < len(gens) - 1:
            if g.revs[-1].main > at_rev:  # its tombstone is after at_rev
                break
            gen_idx += 1
            g = gens[gen_idx]
        rev_index = g.find_revision_index(at_rev)
        if rev_index != -1:
            available.add(g.revs[rev_index])
        return gen_idx, rev_index

    # -- helpers -------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """Only one generation left and it is empty: the key can leave the tree index."""
        return len(self.generations) == 1 and not self.generations[0].revs

    def find_generation(self, rev: int) -> Generation | None:
        """The generation the main revision ``rev`` falls in, or None if ``rev`` is in the gap
        between two generations (the key did not exist at ``rev``)."""
        gens = self.generations
        last = len(gens) - 1
        for cg in range(last, -1, -1):
            g = gens[cg]
            if not g.revs:
                continue
            if cg != last and g.revs[-1].main <= rev:  # deleted at or before rev
                return None
            if g.revs[0].main <= rev:
                return g
        return None

    def less(self, other: KeyIndex) -> bool:
        return self.key < other.key
