"""A revision of the embedded store: ``Revision(main, sub)``, as etcd's
``server/storage/mvcc/revision.go``.

``main`` is the revision of one atomic change set (a write transaction); ``sub`` numbers the
changes inside it (0, 1, 2, ...). Revisions order by ``main`` then ``sub`` — a NamedTuple compares
exactly like etcd's ``Revision.GreaterThan``.

In etcd the backend (bbolt) is keyed by revisions encoded as 17 bytes — 8 bytes ``main``
big-endian, ``_``, 8 bytes ``sub`` — plus a ``t`` byte for a tombstone (``BucketKey``). The
embedded store keys its backend by :class:`Revision` directly; :meth:`Revision.to_bytes` and
:func:`bytes_to_bucket_key` show (and test) the on-disk form.

>>> Revision(5, 1) > Revision(5, 0) > Revision(4, 9)
True
>>> Revision(2, 0).to_bytes()
b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02_\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00'
>>> bytes_to_bucket_key(Revision(7, 1).to_bytes(tombstone=True))
(Revision(main=7, sub=1), True)
"""

from __future__ import annotations

import struct
from typing import NamedTuple

__all__ = ["MARK_TOMBSTONE", "REV_BYTES_LEN", "Revision", "bytes_to_bucket_key"]

#: ``revBytesLen``: 8 bytes main, ``_``, 8 bytes sub.
REV_BYTES_LEN = 8 + 1 + 8
#: ``markTombstone``: the byte appended to a tombstone's revision key.
MARK_TOMBSTONE = b"t"

_REV = struct.Struct(">QcQ")


class Revision(NamedTuple):
    """``mvcc.Revision``: ``main`` is the change set, ``sub`` the change inside it."""

    main: int
    sub: int = 0

    def greater_than(self, other: Revision) -> bool:
        """``Revision.GreaterThan`` (same as ``self > other``)."""
        return self > other

    def to_bytes(self, tombstone: bool = False) -> bytes:
        """``RevToBytes`` / ``BucketKeyToBytes``: the backend key of this revision."""
        raw = _REV.pack(self.main, b"_", self.sub)
        return raw + MARK_TOMBSTONE if tombstone else raw

    @classmethod
    def from_bytes(cls, data: bytes) -> Revision:
        """``BytesToRev``."""
        return bytes_to_bucket_key(data)[0]


def bytes_to_bucket_key(data: bytes) -> tuple[Revision, bool]:
    """``BytesToBucketKey``: the revision and whether the key marks a tombstone."""
    main, _, sub = _REV.unpack(data[:REV_BYTES_LEN])
    tombstone = len(data) == REV_BYTES_LEN + 1 and data[REV_BYTES_LEN:] == MARK_TOMBSTONE
    return Revision(main, sub), tombstone
