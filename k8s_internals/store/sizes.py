"""Sizes the embedded store reports the way etcd would count them: request bytes (for
``--max-request-bytes``) and the database file size (``endpoint status`` DB SIZE).

**Request size.** etcd checks the size of the *raft request* it is about to propose:
``etcdserver/v3_server.go`` ``processInternalRaftRequestOnce`` marshals an
``InternalRaftRequest`` (a ``RequestHeader`` with a fresh request id, field 100, plus the put,
delete or txn request) and answers ``etcdserver: request is too large`` when it is longer than
``--max-request-bytes``. The functions below compute those protobuf lengths exactly (varints,
field tags, proto3 zero fields left out, oneof fields always written), so the limit falls on the
same byte as in etcd: with a 1-byte key, etcd 3.4.23 (member id ``…9869``, whose request ids need
a 10-byte varint) takes a 1,572,839-byte value and refuses 1,572,840 — measured against the
real server. Read-only requests (ranges, read-only txns) are not proposed and not checked.

**Database size.** etcd's backend is a bbolt file of 4 KiB pages; a fresh member's file is 5
pages (20,480 bytes). Every write appends one entry to the ``key`` bucket (17- or 18-byte
revision key + marshalled ``KeyValue``, plus bbolt's 16-byte leaf element header). Appends in
revision order fill leaf pages up to bbolt's fill threshold (``FillPercent`` 0.9 for etcd's
sequential puts), e.g. three 1 KiB entries per page; one branch element (16 + 17 bytes) points
at each leaf. Compaction frees pages but bbolt never shrinks the file (only defrag does), so
``db_size`` is a high-water mark. Measured against etcd 3.4.23: 10,000 puts of 1 KiB values
give 13,897,728 bytes; this model says 13,799,424 (-0.7%).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .types import Compare, CompareTarget, DeleteRange, KeyValue, Op, Put, Range

__all__ = [
    "BoltSize",
    "delete_request_size",
    "kv_size",
    "put_request_size",
    "raft_request_size",
    "txn_request_size",
    "txn_request_size_bound",
    "varint_len",
]

PAGE_SIZE = 4096
#: bbolt file of a fresh etcd member (meta ×2, freelist, root and bucket pages).
EMPTY_DB_PAGES = 5
#: ``bucket.FillPercent = 0.9`` in etcd's ``UnsafeSeqPut``: a leaf splits past 90% full.
FILL_THRESHOLD = int(PAGE_SIZE * 0.9)
PAGE_HEADER = 16
LEAF_ELEMENT_HEADER = 16
BRANCH_ELEMENT = 16 + 17  # element header + a revision key

_COMPARE_RESULT = {"EQUAL": 0, "GREATER": 1, "LESS": 2, "NOT_EQUAL": 3}
_COMPARE_TARGET = {"VERSION": 0, "CREATE": 1, "MOD": 2, "VALUE": 3, "LEASE": 4}


def varint_len(n: int) -> int:
    """Bytes of ``n`` as a protobuf varint (negative int64s take 10).

    >>> [varint_len(n) for n in (0, 127, 128, 16383, 16384, 2**63 - 1, -1)]
    [1, 1, 2, 2, 3, 9, 10]
    """
    if 0 <= n < 0x80:  # the common case: one byte
        return 1
    if n < 0:
        return 10
    return (n.bit_length() + 6) // 7


def _bytes_field(n: int) -> int:
    """A proto3 ``bytes`` field of length ``n`` with a 1-byte tag (left out when empty)."""
    return 1 + varint_len(n) + n if n else 0


def _int_field(n: int) -> int:
    """A proto3 ``int64``/enum field with a 1-byte tag (left out when zero)."""
    return 1 + varint_len(n) if n else 0


def _message_field(n: int) -> int:
    """An embedded message of length ``n`` with a 1-byte tag (written even when empty)."""
    return 1 + varint_len(n) + n


def kv_size(kv: KeyValue) -> int:
    """Length of a marshalled ``mvccpb.KeyValue``."""
    return (
        _bytes_field(len(kv.key))
        + _int_field(kv.create_revision)
        + _int_field(kv.mod_revision)
        + _int_field(kv.version)
        + _bytes_field(len(kv.value))
        + _int_field(kv.lease)
    )


def put_request_size(key: bytes, value: bytes, lease: int, prev_kv: bool) -> int:
    """``PutRequest``: key=1, value=2, lease=3, prev_kv=4."""
    return _bytes_field(len(key)) + _bytes_field(len(value)) + _int_field(lease) + 2 * prev_kv


def delete_request_size(key: bytes, range_end: bytes | None, prev_kv: bool) -> int:
    """``DeleteRangeRequest``: key=1, range_end=2, prev_kv=3."""
    return _bytes_field(len(key)) + _bytes_field(len(range_end or b"")) + 2 * prev_kv


def _range_request_size(r: Range) -> int:
    """``RangeRequest``: key=1, range_end=2, limit=3, revision=4, keys_only=8, count_only=9."""
    return (
        _bytes_field(len(r.key))
        + _bytes_field(len(r.range_end or b""))
        + _int_field(r.limit)
        + _int_field(r.revision)
        + 2 * r.keys_only
        + 2 * r.count_only
    )


def _op_size(op: Op) -> int:
    """``RequestOp``: a oneof of range=1, put=2, delete_range=3."""
    if isinstance(op, Put):
        inner = put_request_size(op.key, op.value, op.lease, op.prev_kv)
    elif isinstance(op, DeleteRange):
        inner = delete_request_size(op.key, op.range_end, op.prev_kv)
    else:
        inner = _range_request_size(op)
    return _message_field(inner)


def _compare_size(c: Compare) -> int:
    """``Compare``: result=1, target=2, key=3, then the oneof operand (written even if 0)."""
    size = (
        _int_field(_COMPARE_RESULT[c.result.value])
        + _int_field(_COMPARE_TARGET[c.target.value])
        + _bytes_field(len(c.key))
    )
    if c.target is CompareTarget.VALUE:
        operand = c.operand if isinstance(c.operand, bytes) else b""
        return size + 1 + varint_len(len(operand)) + len(operand)
    return size + 1 + varint_len(int(c.operand))  # type: ignore[arg-type]


def txn_request_size(
    compare: Sequence[Compare], success: Sequence[Op], failure: Sequence[Op]
) -> int:
    """``TxnRequest``: compare=1, success=2, failure=3 (repeated messages)."""
    return (
        sum(_message_field(_compare_size(c)) for c in compare)
        + sum(_message_field(_op_size(op)) for op in success)
        + sum(_message_field(_op_size(op)) for op in failure)
    )


def txn_request_size_bound(
    compare: Sequence[Compare], success: Sequence[Op], failure: Sequence[Op]
) -> int:
    """An upper bound of :func:`txn_request_size`, from the byte strings' lengths alone: every
    tag is at most 2 bytes and every varint at most 10, so a compare costs at most 64 bytes
    besides its key and operand, and an op at most 96 besides its key, value and range end.
    A request whose bound fits under the limit fits; only one that might not is measured
    exactly (the answer is the same, the exact sum is just not needed for small requests)."""
    n = 0
    for c in compare:
        operand = c.operand
        n += 64 + len(c.key) + (len(operand) if isinstance(operand, bytes) else 0)
    for ops in (success, failure):
        for op in ops:
            if isinstance(op, Put):
                n += 96 + len(op.key) + len(op.value)
            else:
                n += 96 + len(op.key) + len(op.range_end or b"")
    return n


def raft_request_size(payload: int, header_id: int) -> int:
    """``InternalRaftRequest`` around a request of ``payload`` bytes: ``header`` (field 100, a
    2-byte tag, holding ``RequestHeader{ID: header_id}``) and the request (1-byte tag)."""
    header = 1 + varint_len(header_id)
    return 2 + varint_len(header) + header + _message_field(payload)


class BoltSize:
    """Running estimate of etcd's bbolt file: entries appended in revision order, pages filled
    up to the fill threshold, freed (not returned) on compaction. See the module docstring."""

    __slots__ = ("_high_water", "bytes", "count")

    def __init__(self) -> None:
        self.count = 0  # live entries in the key bucket
        self.bytes = 0  # their leaf element sizes
        self._high_water = EMPTY_DB_PAGES

    @staticmethod
    def entry_size(kv: KeyValue, tombstone: bool) -> int:
        """Leaf element of one backend entry: header + revision key + marshalled value."""
        return LEAF_ELEMENT_HEADER + 17 + tombstone + kv_size(kv)

    def add(self, size: int) -> None:
        self.count += 1
        self.bytes += size

    def remove(self, size: int) -> None:
        self.count -= 1
        self.bytes -= size

    def pages_in_use(self) -> int:
        if not self.count:
            return EMPTY_DB_PAGES
        avg = self.bytes / self.count
        if PAGE_HEADER + avg > FILL_THRESHOLD:  # big values: a leaf of overflow pages each
            nodes = self.count
            pages = nodes * math.ceil((PAGE_HEADER + avg) / PAGE_SIZE)
        else:
            per_page = max(2, int((FILL_THRESHOLD - PAGE_HEADER) // avg))
            nodes = pages = math.ceil(self.count / per_page)
        branches = math.ceil(nodes * BRANCH_ELEMENT / FILL_THRESHOLD) if nodes > 1 else 0
        return EMPTY_DB_PAGES + pages + branches

    def db_size_in_use(self) -> int:
        """``dbSizeInUse``: the file less its free pages. A fresh etcd 3.4 file has one free
        page (measured: 20480 bytes, 16384 in use); past that, the estimate counts no free
        pages (measured equal at 1,000 keys of 1 KiB)."""
        free = 1 if not self.count else 0
        return (self.pages_in_use() - free) * PAGE_SIZE

    def db_size(self) -> int:
        """The file size: the most pages ever in use (bbolt does not shrink its file)."""
        self._high_water = max(self._high_water, self.pages_in_use())
        return self._high_water * PAGE_SIZE

    def checkpoint(self) -> None:
        """Record the current size as a high-water mark (called before a compaction)."""
        self.db_size()
