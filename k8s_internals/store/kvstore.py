"""The multi-version key-value store without watchers: revisions, the backend, read and write
transactions and compaction — etcd's ``server/storage/mvcc/kvstore.go``, ``kvstore_txn.go`` and
``kvstore_compaction.go``.

What it holds:

- :class:`Backend` — etcd's bbolt ``key`` bucket: every version of every key, keyed by
  :class:`~.revision.Revision`, in revision order. A delete is stored as a *tombstone*, a
  :class:`~.types.KeyValue` with only ``key`` set (etcd marks its revision key with ``t``).
- :class:`KVStore` — ``store``: ``current_rev`` (the revision of the last completed write
  transaction, 1 on an empty store), ``compact_main_rev`` (-1 until the first compaction), the
  :class:`~.index.TreeIndex` and the backend.
- :class:`TxnRead` / :class:`TxnWrite` — ``storeTxnRead`` / ``storeTxnWrite``. A write
  transaction writes at ``begin_rev + 1``: its n-th change gets ``Revision(begin_rev + 1, n)``;
  ``end()`` bumps ``current_rev`` only if something changed (a delete of nothing is not a write).

As in etcd 3.4 (the version the ``etcd://`` backend runs), a write updates the tree index at
once, so a range later in the same transaction sees it; newer etcd defers index updates to
``End()``. Compaction is synchronous here; etcd's runs in a background scheduler in batches
(``scheduleCompaction``), with the same visible result.

Taught in notebooks/02-etcd.ipynb.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from .index import TreeIndex
from .revision import Revision
from .sizes import BoltSize
from .types import CompactedError, FutureRevisionError, KeyValue

if TYPE_CHECKING:
    from .lessor import Lessor

__all__ = ["Backend", "KVStore", "RangeResult", "TxnRead", "TxnWrite", "is_tombstone"]


def is_tombstone(kv: KeyValue) -> bool:
    """A backend entry written by a delete (only its key is set)."""
    return kv.create_revision == 0


class RangeResult(NamedTuple):
    """``mvcc.RangeResult``: ``kvs`` (None when only counting), total ``count``, and ``rev``, the
    store revision the read was served at."""

    kvs: list[KeyValue] | None
    count: int
    rev: int


class Backend:
    """Revision → KeyValue in revision order (etcd's ``key`` bucket in bbolt)."""

    def __init__(self) -> None:
        self._revs: list[Revision] = []  # ascending; appends only, rebuilt by compaction
        self._kvs: dict[Revision, KeyValue] = {}
        self.size = BoltSize()

    def __len__(self) -> int:
        return len(self._kvs)

    def __getitem__(self, rev: Revision) -> KeyValue:
        return self._kvs[rev]

    def values(self, revs: list[Revision]) -> list[KeyValue]:
        """The entries of ``revs``, in that order."""
        kvs = self._kvs
        return [kvs[rev] for rev in revs]

    def seq_put(self, rev: Revision, kv: KeyValue) -> None:
        """``UnsafeSeqPut``: append the entry of a revision above every stored one."""
        self._revs.append(rev)
        self._kvs[rev] = kv
        self.size.add(BoltSize.entry_size(kv, is_tombstone(kv)))

    def range(self, min_rev: int, max_rev: int) -> Iterator[tuple[Revision, KeyValue]]:
        """Entries with ``min_rev <= main < max_rev``, in revision order."""
        revs, kvs = self._revs, self._kvs
        i = bisect.bisect_left(revs, (min_rev, 0))
        while i < len(revs) and revs[i].main < max_rev:
            rev = revs[i]
            yield rev, kvs[rev]
            i += 1

    def compact(self, compact_rev: int, keep: set[Revision]) -> int:
        """Delete every entry with ``main <= compact_rev`` not in ``keep``; return how many."""
        revs, kvs, size = self._revs, self._kvs, self.size
        size.checkpoint()  # bbolt frees pages but never shrinks its file
        end = bisect.bisect_right(revs, (compact_rev, float("inf")))
        survivors: list[Revision] = []
        for rev in revs[:end]:
            if rev in keep:
                survivors.append(rev)
            else:
                kv = kvs.pop(rev)
                size.remove(BoltSize.entry_size(kv, is_tombstone(kv)))
        removed = end - len(survivors)
        if removed:
            survivors.extend(revs[end:])
            self._revs = survivors
        return removed


class KVStore:
    """``mvcc.store``: revisions, index, backend and (optionally) the lessor that keys attach to."""

    def __init__(self, lessor: Lessor | None = None) -> None:
        self.current_rev = 1
        self.compact_main_rev = -1
        self.index = TreeIndex()
        self.backend = Backend()
        self.le = lessor

    def read(self) -> TxnRead:
        return TxnRead(self)

    def write(self) -> TxnWrite:
        return TxnWrite(self)

    def compact(self, rev: int) -> None:
        """``Compact``: drop history below ``rev``. Reads at revisions below it then fail with
        :class:`CompactedError`; a read at ``rev`` itself still works."""
        if rev <= self.compact_main_rev:
            raise CompactedError(self.compact_main_rev)
        if rev > self.current_rev:
            raise FutureRevisionError()
        self.compact_main_rev = rev
        keep = self.index.compact(rev)
        self.backend.compact(rev, keep)

    def get(self, key: bytes, at_rev: int) -> KeyValue | None:
        """The key's value at ``at_rev`` (no compaction check: the caller makes sure)."""
        found = self.index.get(key, at_rev)
        return None if found is None else self.backend[found[0]]

    def check_rev(self, rev: int, cur_rev: int) -> int:
        """The revision a read at ``rev`` (0 = now) is served at, or the error etcd gives."""
        if rev > cur_rev:
            raise FutureRevisionError()
        if rev <= 0:
            return cur_rev
        if rev < self.compact_main_rev:
            raise CompactedError(self.compact_main_rev)
        return rev

    def range_keys(
        self, key: bytes, end: bytes | None, cur_rev: int, rev: int, limit: int, count: bool
    ) -> RangeResult:
        """``rangeKeys``: the index finds the revisions, the backend the values."""
        rev = self.check_rev(rev, cur_rev)
        if count:
            return RangeResult(None, self.index.count_revisions(key, end, rev), cur_rev)
        revs, total = self.index.revisions(key, end, rev, limit)
        return RangeResult(self.backend.values(revs), total, cur_rev)


class TxnRead:
    """``storeTxnRead``: reads at the revision current when it began."""

    def __init__(self, s: KVStore) -> None:
        self.s = s
        self.first_rev = s.compact_main_rev
        self.rev = s.current_rev

    def range(
        self, key: bytes, end: bytes | None, *, rev: int = 0, limit: int = 0, count: bool = False
    ) -> RangeResult:
        return self.s.range_keys(key, end, self.rev, rev, limit, count)

    def end(self) -> None:
        """Nothing to release: the caller holds the store's lock."""


class TxnWrite:
    """``storeTxnWrite``: the changes of one write transaction, all at ``begin_rev + 1``."""

    def __init__(self, s: KVStore) -> None:
        self.s = s
        self.begin_rev = s.current_rev
        self.changes: list[KeyValue] = []

    @property
    def first_rev(self) -> int:
        return self.s.compact_main_rev

    @property
    def rev(self) -> int:
        """The revision reads in this transaction see: ``begin_rev``, or the one being written
        once something changed."""
        return self.begin_rev + 1 if self.changes else self.begin_rev

    def range(
        self, key: bytes, end: bytes | None, *, rev: int = 0, limit: int = 0, count: bool = False
    ) -> RangeResult:
        return self.s.range_keys(key, end, self.rev, rev, limit, count)

    def put(self, key: bytes, value: bytes, lease: int = 0) -> int:
        """Write ``key`` at the next revision; returns that revision."""
        s = self.s
        rev = self.begin_rev + 1
        created, ver, old_lease = rev, 0, 0
        found = s.index.get(key, rev)
        if found is not None:  # the key exists: keep its creation, bump its version
            created, ver = found[1].main, found[2]
            if s.le is not None:
                old_lease = s.le.get_lease(key)
        idx_rev = Revision(rev, len(self.changes))
        kv = KeyValue(key, created, rev, ver + 1, value, lease)
        s.backend.seq_put(idx_rev, kv)
        s.index.put(key, idx_rev)
        self.changes.append(kv)
        if old_lease != lease and s.le is not None:
            if old_lease:
                s.le.detach(old_lease, key)
            if lease:
                s.le.attach(lease, key)
        return rev

    def delete_range(self, key: bytes, end: bytes | None) -> tuple[int, int]:
        """Delete the live keys in the range; returns ``(deleted, revision)``."""
        keys, _ = self.s.index.range(key, end, self.rev)
        for k in keys:
            self._delete(k)
        if keys or self.changes:
            return len(keys), self.begin_rev + 1
        return 0, self.begin_rev

    def _delete(self, key: bytes) -> None:
        s = self.s
        idx_rev = Revision(self.begin_rev + 1, len(self.changes))
        kv = KeyValue(key)  # a tombstone: only the key
        s.backend.seq_put(idx_rev, kv)
        s.index.tombstone(key, idx_rev)
        self.changes.append(kv)
        if s.le is not None:
            lease = s.le.get_lease(key)
            if lease:
                s.le.detach(lease, key)

    def end(self) -> list[KeyValue]:
        """Commit: the store moves to the new revision if anything changed. Returns the
        changes (puts with their KeyValue, deletes as tombstones)."""
        if self.changes:
            self.s.current_rev += 1
        return self.changes
