"""The store interface: etcd v3's data model, requests, responses and errors, shared by both
backends (:mod:`.memory` embedded MVCC, :mod:`.etcd` a real etcd through its v3 gateway).

Names follow etcd's protobufs (``etcdserverpb/rpc.proto``, ``mvccpb/kv.proto``) and client
keywords: ``create_revision``, ``mod_revision``, ``version``, ``range_end``, ``prev_kv``,
``start_revision``, ``compact_revision``.

Revisions are etcd's: the store starts at revision 1 (empty); every write transaction (a put, a
delete that deletes something, a txn with at least one write) bumps the main revision by one, and
each write inside it gets the next sub revision. A delete of nothing does not bump it.

Error texts are etcd's exact strings (``server/storage/mvcc/kvstore.go``,
``api/v3rpc/rpctypes/error.go``) so that what the API server turns them into matches upstream.
"""

from __future__ import annotations

import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = [
    "MAX_REQUEST_BYTES",
    "MAX_TXN_OPS",
    "CompactedError",
    "Compare",
    "CompareResult",
    "CompareTarget",
    "DeleteRange",
    "DeleteResponse",
    "DuplicateKeyError",
    "EmptyKeyError",
    "EventType",
    "FutureRevisionError",
    "KeyValue",
    "Lease",
    "LeaseExistsError",
    "LeaseNotFoundError",
    "LeaseTTLTooLargeError",
    "Put",
    "PutResponse",
    "Range",
    "RangeResponse",
    "RequestTooLargeError",
    "Store",
    "StoreError",
    "TooManyOpsError",
    "Txn",
    "TxnResponse",
    "Watch",
    "WatchEvent",
    "WatchResponse",
    "create",
    "lease",
    "mod",
    "prefix_range_end",
    "value",
    "version",
]

#: etcd's default ``--max-request-bytes`` (1.5 MiB): ``embed/config.go`` DefaultMaxRequestBytes.
MAX_REQUEST_BYTES = 1572864
#: etcd's default ``--max-txn-ops``: ``embed/config.go`` DefaultMaxTxnOps.
MAX_TXN_OPS = 128


# -- errors -----------------------------------------------------------------------------------


class StoreError(Exception):
    """Base class; ``str(err)`` is etcd's exact message."""

    message = "etcdserver: unknown error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class CompactedError(StoreError):
    """``mvcc.ErrCompacted``: a read or watch at a revision older than the last compaction."""

    message = "mvcc: required revision has been compacted"

    def __init__(self, compact_revision: int = 0, message: str | None = None) -> None:
        super().__init__(message)
        self.compact_revision = compact_revision


class FutureRevisionError(StoreError):
    """``mvcc.ErrFutureRev``: a read at a revision the store has not reached."""

    message = "mvcc: required revision is a future revision"


class RequestTooLargeError(StoreError):
    """``rpctypes.ErrRequestTooLarge``: request bigger than ``--max-request-bytes``."""

    message = "etcdserver: request is too large"


class TooManyOpsError(StoreError):
    """``rpctypes.ErrTooManyOps``."""

    message = "etcdserver: too many operations in txn request"


class LeaseNotFoundError(StoreError):
    """``rpctypes.ErrLeaseNotFound``."""

    message = "etcdserver: requested lease not found"


class LeaseExistsError(StoreError):
    """``rpctypes.ErrLeaseExist``: ``lease_grant`` with the id of a live lease."""

    message = "etcdserver: lease already exists"


class LeaseTTLTooLargeError(StoreError):
    """``rpctypes.ErrLeaseTTLTooLarge``: a TTL above ``lease.MaxLeaseTTL`` (9,000,000,000 s)."""

    message = "etcdserver: too large lease TTL"


class EmptyKeyError(StoreError):
    """``rpctypes.ErrEmptyKey``: a put, single-key range or delete with an empty key."""

    message = "etcdserver: key is not provided"


class DuplicateKeyError(StoreError):
    """``rpctypes.ErrDuplicateKey``: two writes to one key in one txn branch
    (``v3rpc/key.go`` ``checkIntervals``)."""

    message = "etcdserver: duplicate key given in txn request"


# -- data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyValue:
    """``mvccpb.KeyValue``. For a DELETE watch event only ``key`` and ``mod_revision`` are set."""

    key: bytes
    create_revision: int = 0
    mod_revision: int = 0
    version: int = 0
    value: bytes = b""
    lease: int = 0


class EventType(Enum):
    PUT = "PUT"
    DELETE = "DELETE"


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """``mvccpb.Event``."""

    type: EventType
    kv: KeyValue
    prev_kv: KeyValue | None = None


@dataclass(frozen=True, slots=True)
class Lease:
    id: int
    ttl: int


# -- responses --------------------------------------------------------------------------------


@dataclass(slots=True)
class RangeResponse:
    """``RangeResponse``: ``kvs`` (empty with ``count_only``), total ``count``, ``more``."""

    kvs: list[KeyValue]
    count: int
    more: bool
    revision: int  # header.revision: the store's revision when the range was served


@dataclass(slots=True)
class PutResponse:
    revision: int
    prev_kv: KeyValue | None = None


@dataclass(slots=True)
class DeleteResponse:
    revision: int
    deleted: int
    prev_kvs: list[KeyValue] = field(default_factory=list)


@dataclass(slots=True)
class TxnResponse:
    succeeded: bool
    responses: list[RangeResponse | PutResponse | DeleteResponse]
    revision: int


# -- request ops (for txn) --------------------------------------------------------------------


def prefix_range_end(key: bytes) -> bytes:
    """etcd's ``GetPrefixRangeEnd``: the key with its last byte below 0xff incremented.

    >>> prefix_range_end(b"/registry/pods/")
    b'/registry/pods0'
    >>> prefix_range_end(b"")
    b'\\x00'
    """
    end = bytearray(key)
    for i in range(len(end) - 1, -1, -1):
        if end[i] < 0xFF:
            end[i] += 1
            return bytes(end[: i + 1])
    # the key is all 0xff (or empty): range to the end of the keyspace
    return b"\x00"


@dataclass(frozen=True, slots=True)
class Range:
    """A range request op. ``range_end`` as etcd: None = one key, ``b"\\x00"`` = to the end."""

    key: bytes
    range_end: bytes | None = None
    limit: int = 0
    revision: int = 0
    keys_only: bool = False
    count_only: bool = False

    @classmethod
    def prefix(cls, key: bytes, **kw: Any) -> Range:
        return cls(key, prefix_range_end(key), **kw)


@dataclass(frozen=True, slots=True)
class Put:
    key: bytes
    value: bytes
    lease: int = 0
    prev_kv: bool = False


@dataclass(frozen=True, slots=True)
class DeleteRange:
    key: bytes
    range_end: bytes | None = None
    prev_kv: bool = False

    @classmethod
    def prefix(cls, key: bytes, prev_kv: bool = False) -> DeleteRange:
        return cls(key, prefix_range_end(key), prev_kv)


Op = Range | Put | DeleteRange


# -- compares ---------------------------------------------------------------------------------


class CompareTarget(Enum):
    VERSION = "VERSION"
    CREATE = "CREATE"
    MOD = "MOD"
    VALUE = "VALUE"
    LEASE = "LEASE"


class CompareResult(Enum):
    EQUAL = "EQUAL"
    GREATER = "GREATER"
    LESS = "LESS"
    NOT_EQUAL = "NOT_EQUAL"


@dataclass(frozen=True, slots=True)
class Compare:
    """``etcdserverpb.Compare`` on one key (``range_end`` unsupported, as most clients).

    Semantics follow etcd's ``applyCompare``: a missing key has version, create and mod
    revision 0 and lease 0; a VALUE compare on a missing key is false.
    """

    key: bytes
    target: CompareTarget
    result: CompareResult
    operand: int | bytes

    def holds(self, kv: KeyValue | None) -> bool:
        """Evaluate this compare against the key's current value (None if absent)."""
        if self.target is CompareTarget.VALUE:
            if kv is None:
                return False
            left: int | bytes = kv.value
        elif kv is None:
            left = 0
        else:
            left = {
                CompareTarget.VERSION: kv.version,
                CompareTarget.CREATE: kv.create_revision,
                CompareTarget.MOD: kv.mod_revision,
                CompareTarget.LEASE: kv.lease,
            }[self.target]
        right = self.operand
        if self.result is CompareResult.EQUAL:
            return left == right
        if self.result is CompareResult.NOT_EQUAL:
            return left != right
        if self.result is CompareResult.GREATER:
            return left > right  # type: ignore[operator]
        return left < right  # type: ignore[operator]


class _CompareBuilder:
    """``mod(key) == 5`` → :class:`Compare` (python-etcd3's spelling)."""

    __slots__ = ("key", "target")

    def __init__(self, key: bytes, target: CompareTarget) -> None:
        self.key = key
        self.target = target

    def _make(self, result: CompareResult, operand: int | bytes) -> Compare:
        return Compare(self.key, self.target, result, operand)

    def __eq__(self, other: object) -> Compare:  # type: ignore[override]
        return self._make(CompareResult.EQUAL, other)  # type: ignore[arg-type]

    def __ne__(self, other: object) -> Compare:  # type: ignore[override]
        return self._make(CompareResult.NOT_EQUAL, other)  # type: ignore[arg-type]

    def __gt__(self, other: int | bytes) -> Compare:
        return self._make(CompareResult.GREATER, other)

    def __lt__(self, other: int | bytes) -> Compare:
        return self._make(CompareResult.LESS, other)

    __hash__ = None  # type: ignore[assignment]


def version(key: bytes) -> _CompareBuilder:
    return _CompareBuilder(key, CompareTarget.VERSION)


def create(key: bytes) -> _CompareBuilder:
    return _CompareBuilder(key, CompareTarget.CREATE)


def mod(key: bytes) -> _CompareBuilder:
    return _CompareBuilder(key, CompareTarget.MOD)


def value(key: bytes) -> _CompareBuilder:
    return _CompareBuilder(key, CompareTarget.VALUE)


def lease(key: bytes) -> _CompareBuilder:
    return _CompareBuilder(key, CompareTarget.LEASE)


@dataclass(frozen=True, slots=True)
class Txn:
    """A transaction request, for callers that build one up front."""

    compare: Sequence[Compare] = ()
    success: Sequence[Op] = ()
    failure: Sequence[Op] = ()


# -- watch ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WatchResponse:
    """``WatchResponse``: a batch of events, or a cancellation (``compact_revision`` > 0 when the
    start revision had been compacted away, as etcd reports it)."""

    events: tuple[WatchEvent, ...]
    revision: int = 0
    canceled: bool = False
    compact_revision: int = 0
    cancel_reason: str = ""


class Watch:
    """A watch stream. Both backends push :class:`WatchResponse` batches into it (the embedded one
    synchronously when a write commits, the etcd one from a reader thread).

    Consume it by iterating (blocking; raises :class:`CompactedError` if the start revision was
    compacted), with :meth:`get` / :meth:`drain`, or with a ``callback`` given to ``watch()``.
    """

    def __init__(
        self,
        watch_id: int,
        callback: Callable[[WatchResponse], None] | None = None,
        on_cancel: Callable[[Watch], None] | None = None,
    ) -> None:
        self.id = watch_id
        self.callback = callback
        self._on_cancel = on_cancel
        self._queue: queue.SimpleQueue[WatchResponse] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self.canceled = False
        self.compact_revision = 0
        #: highest revision this stream has delivered (events or progress)
        self.revision = 0

    # producer side (backends)
    def _deliver(self, resp: WatchResponse) -> None:
        with self._lock:
            if resp.events:
                self.revision = max(self.revision, resp.events[-1].kv.mod_revision)
            elif resp.revision:
                self.revision = max(self.revision, resp.revision)
            if resp.canceled:
                self.canceled = True
                self.compact_revision = resp.compact_revision
        if self.callback is not None:
            self.callback(resp)
        else:
            self._queue.put(resp)

    # consumer side
    def get(self, timeout: float | None = None) -> WatchResponse | None:
        """Next response, waiting up to ``timeout`` seconds (None = forever, 0 = don't wait)."""
        try:
            if timeout == 0:
                return self._queue.get_nowait()
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self, timeout: float = 0.0) -> list[WatchEvent]:
        """All events queued now (waiting up to ``timeout`` for the first batch)."""
        out: list[WatchEvent] = []
        resp = self.get(timeout)
        while resp is not None:
            if resp.canceled and resp.compact_revision:
                raise CompactedError(resp.compact_revision)
            out.extend(resp.events)
            resp = self.get(0)
        return out

    def events_until(self, revision: int, timeout: float = 10.0) -> list[WatchEvent]:
        """Events up to and including ``revision`` (waits for them; raises TimeoutError)."""
        import time

        out: list[WatchEvent] = []
        deadline = time.monotonic() + timeout
        while not out or out[-1].kv.mod_revision < revision:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"watch {self.id}: no events up to revision {revision}")
            resp = self.get(left)
            if resp is None:
                continue
            if resp.canceled and resp.compact_revision:
                raise CompactedError(resp.compact_revision)
            out.extend(resp.events)
            if resp.canceled:
                break
        return out

    def __iter__(self) -> Iterator[WatchEvent]:
        while True:
            resp = self.get()
            if resp is None:  # pragma: no cover - get() without timeout never returns None
                continue
            if resp.canceled and resp.compact_revision:
                raise CompactedError(resp.compact_revision)
            yield from resp.events
            if resp.canceled:
                return

    def cancel(self) -> None:
        if self._on_cancel is not None:
            self._on_cancel(self)
        with self._lock:
            already = self.canceled
            self.canceled = True
        if not already and self.callback is None:
            self._queue.put(WatchResponse((), canceled=True))

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


# -- the interface ----------------------------------------------------------------------------


class Store(ABC):
    """One interface, two backends. Keys and values are bytes (str is accepted and encoded)."""

    url: str

    @property
    @abstractmethod
    def revision(self) -> int:
        """The store's current revision (header revision of a read now)."""

    @property
    @abstractmethod
    def compact_revision(self) -> int:
        """The revision of the last compaction (0 if none)."""

    @abstractmethod
    def put(
        self, key: bytes, value: bytes, lease: int | None = None, prev_kv: bool = False
    ) -> PutResponse: ...

    def get(self, key: bytes, revision: int | None = None) -> KeyValue | None:
        """The key's KeyValue (at ``revision`` if given), or None."""
        resp = self.range(key, revision=revision)
        return resp.kvs[0] if resp.kvs else None

    @abstractmethod
    def range(
        self,
        key: bytes,
        range_end: bytes | None = None,
        prefix: bool = False,
        limit: int = 0,
        revision: int | None = None,
        keys_only: bool = False,
        count_only: bool = False,
    ) -> RangeResponse: ...

    @abstractmethod
    def delete(
        self,
        key: bytes,
        prefix: bool = False,
        prev_kv: bool = False,
        range_end: bytes | None = None,
    ) -> DeleteResponse: ...

    @abstractmethod
    def txn(
        self,
        compare: Sequence[Compare],
        success: Sequence[Op],
        failure: Sequence[Op] = (),
    ) -> TxnResponse: ...

    @abstractmethod
    def watch(
        self,
        key: bytes,
        prefix: bool = False,
        start_revision: int | None = None,
        prev_kv: bool = False,
        range_end: bytes | None = None,
        callback: Callable[[WatchResponse], None] | None = None,
    ) -> Watch:
        """Watch ``key`` (or the prefix / ``[key, range_end)``) from ``start_revision``
        (default: the next revision). Events come in revision order with no gaps. If
        ``start_revision`` is below the compacted revision the stream is canceled with
        ``compact_revision`` set (iteration raises :class:`CompactedError`); a watch from the
        compacted revision itself replays from it, as etcd's ``watchable_store`` does."""

    @abstractmethod
    def lease_grant(self, ttl: int, lease_id: int = 0) -> Lease: ...

    @abstractmethod
    def lease_revoke(self, lease_id: int) -> None: ...

    @abstractmethod
    def lease_keepalive(self, lease_id: int) -> int:
        """Renew the lease; returns its TTL. Raises LeaseNotFoundError if it expired."""

    @abstractmethod
    def lease_time_to_live(self, lease_id: int) -> int:
        """Remaining seconds (-1 if the lease does not exist, as etcd's TTL field)."""

    @abstractmethod
    def compact(self, revision: int) -> None:
        """Compact history up to ``revision``. Compacting at or below the last compaction raises
        :class:`CompactedError`; above the current revision :class:`FutureRevisionError`."""

    @abstractmethod
    def status(self) -> dict[str, Any]:
        """Endpoint status: ``version``, ``db_size``, ``db_size_in_use``, ``leader``,
        ``member_id``, ``raft_index``, ``raft_term``, ``raft_applied_index``, ``revision``,
        ``is_learner``, ``errors``."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and threads."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
