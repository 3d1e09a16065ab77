"""The embedded backend, ``memory://``: :class:`MemoryStore` ties the MVCC store
(:mod:`.kvstore`), its watchers (:mod:`.watchable_store`) and leases (:mod:`.lessor`) into the
:class:`~.types.Store` interface, the way etcd's server does around ``mvcc``
(``etcdserver/v3_server.go``, ``etcdserver/apply.go``, ``etcdserver/api/v3rpc/key.go``).

What a single-member etcd 3.4.23 does, and so does this store (each point measured against the
real server with ``etcdctl endpoint status -w json``):

- **Requests are checked before they are proposed**: an empty key (``key is not provided``), more
  than :data:`~.types.MAX_TXN_OPS` ops in a txn branch, two writes to one key in a txn branch
  (``checkIntervals``), then the request size (:mod:`.sizes`). These never reach raft.
- **Every write request is one raft entry**, whether or not it changes anything: put, delete
  (also of nothing), a txn with any put or delete (also when its compare fails), compaction (also
  when it fails), lease grant and revoke, and the revoke the server proposes for an expired
  lease. Ranges, read-only txns, watches, keep-alives and time-to-live queries are not.
  ``raft_index`` starts at 5 (a fresh member: its membership entry, the leader's empty entry,
  publishing its attributes, setting the cluster version, …); ``raft_term`` is 2.
- **Revisions** (:mod:`.types`): 1 on an empty store, +1 per write txn that changes something.
- **Errors** found while applying (an unknown lease on a put, a compacted range revision in a
  txn) fail the whole request after its raft entry, with no revision change.

Keys and values may be ``str`` (encoded as UTF-8) or bytes. Like ``clientv3``, an empty key with
a range end (e.g. ``range(b"", prefix=True)``) means "from the first key".

Threads: one re-entrant lock serialises every request, and watch responses are delivered while
it is held (so every watcher sees revisions in order). Lease expiry runs on the kernel: with a
kernel, call the lease methods from the kernel's thread (in ``serve`` mode, through the real-time
driver). Time is read from the kernel only.

Taught in notebooks/02-etcd.ipynb.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..sim import DEFAULT_EPOCH
from .kvstore import KVStore, RangeResult, TxnRead, TxnWrite
from .lessor import IDGenerator, Lessor
from .sizes import (
    delete_request_size,
    put_request_size,
    raft_request_size,
    txn_request_size,
    txn_request_size_bound,
)
from .types import (
    MAX_REQUEST_BYTES,
    MAX_TXN_OPS,
    Compare,
    DeleteRange,
    DeleteResponse,
    DuplicateKeyError,
    EmptyKeyError,
    KeyValue,
    Lease,
    LeaseNotFoundError,
    Op,
    Put,
    PutResponse,
    Range,
    RangeResponse,
    RequestTooLargeError,
    Store,
    TooManyOpsError,
    TxnResponse,
    Watch,
    WatchResponse,
    prefix_range_end,
)
from .watchable_store import WatchableStore, Watcher

if TYPE_CHECKING:
    from ..sim import Kernel

__all__ = ["ETCD_VERSION", "FRESH_RAFT_INDEX", "RAFT_TERM", "MemoryStore"]

#: The etcd release this store answers as (``status()["version"]``).
ETCD_VERSION = "3.4.23"
#: ``raftIndex`` of a freshly started single-member etcd 3.4.23.
FRESH_RAFT_INDEX = 5
#: ``raftTerm`` of a single member after its first election.
RAFT_TERM = 2

_LEASE_ID_MASK = (1 << 63) - 1


def _b(data: bytes | str) -> bytes:
    if type(data) is bytes:
        return data
    if isinstance(data, str):
        return data.encode()
    return bytes(data)


def _key_range(
    key: bytes | str, range_end: bytes | str | None, prefix: bool
) -> tuple[bytes, bytes | None]:
    """``(key, range_end)`` as a client sends them. An empty key with a range end becomes
    ``\\x00`` (``clientv3``'s ``WithPrefix``/``WithFromKey``); an empty single key is refused."""
    k = _b(key)
    end = prefix_range_end(k) if prefix else (None if range_end is None else _b(range_end))
    if not k:
        if end is None:
            raise EmptyKeyError()
        k = b"\x00"
    return k, end


def _gte(end: bytes | None) -> bytes | None:
    """``mkGteRange``: the range end ``\\x00`` ("every key from here on") is an empty end for
    the index."""
    return b"" if end == b"\x00" else end


def _norm_op(op: Op) -> Op:
    """The op with bytes keys and values, empty keys handled as in :func:`_key_range`."""
    if isinstance(op, Put):
        key = _b(op.key)
        if not key:
            raise EmptyKeyError()
        if key is op.key and type(op.value) is bytes:
            return op
        return Put(key, _b(op.value), op.lease, op.prev_kv)
    if isinstance(op, DeleteRange):
        key, end = _key_range(op.key, op.range_end, False)
        return DeleteRange(key, end, op.prev_kv)
    if isinstance(op, Range):
        key, end = _key_range(op.key, op.range_end, False)
        return Range(key, end, op.limit, op.revision, op.keys_only, op.count_only)
    raise TypeError(f"not a txn op: {op!r}")


def _norm_compare(c: Compare) -> Compare:
    """The compare with a bytes key (and a bytes operand for a VALUE compare)."""
    if type(c.key) is bytes and not isinstance(c.operand, str):
        return c
    operand = _b(c.operand) if isinstance(c.operand, str) else c.operand
    return Compare(_b(c.key), c.target, c.result, operand)


def _check_intervals(ops: Sequence[Op]) -> None:
    """``checkIntervals``: no two puts of one key, no put inside a deleted range (deletes may
    overlap each other; reads are free)."""
    dels = [(op.key, op.range_end) for op in ops if isinstance(op, DeleteRange)]
    puts: set[bytes] = set()
    for op in ops:
        if not isinstance(op, Put):
            continue
        if op.key in puts:
            raise DuplicateKeyError()
        for start, end in dels:
            inside = start <= op.key < end if end else op.key == start
            if inside:
                raise DuplicateKeyError()
        puts.add(op.key)


class MemoryStore(Store):
    """The embedded etcd-like store; see the module docstring."""

    url = "memory://"

    def __init__(
        self,
        kernel: Kernel | None = None,
        *,
        cluster_id: int = 0xCDF818194E3A8C32,
        member_id: int = 0x8E9E05C52164694D,
        max_request_bytes: int = MAX_REQUEST_BYTES,
    ) -> None:
        self.kernel = kernel
        self.cluster_id = cluster_id
        self.member_id = member_id
        self.max_request_bytes = max_request_bytes
        self._lock = threading.RLock()
        self.lessor = Lessor(kernel)
        self.mvcc = KVStore(self.lessor)
        self.watchable = WatchableStore(self.mvcc)
        self.lessor.set_range_deleter(self.watchable.write)
        self.lessor.set_expired_handler(self._expire_lease)
        start = kernel.datetime() if kernel is not None else DEFAULT_EPOCH
        self._req_ids = IDGenerator(member_id, int(start.timestamp() * 1000))
        self.raft_index = FRESH_RAFT_INDEX
        self._watch_ids = itertools.count()
        self._watchers: dict[int, Watcher] = {}

    # -- revisions ----------------------------------------------------------------------------

    @property
    def revision(self) -> int:
        return self.mvcc.current_rev

    @property
    def compact_revision(self) -> int:
        return max(self.mvcc.compact_main_rev, 0)

    def _propose(self, payload: int = 0, exact: Callable[[], int] | None = None) -> None:
        """Take a request id, check the raft request's size, append it to the (one-member)
        raft log. Called with the lock held. With ``exact``, ``payload`` is an upper bound of
        the request's size and ``exact()`` its size, computed only if the bound is over the
        limit (the raft request's size grows with the payload's, so the answer is the same)."""
        header_id = self._req_ids.next()
        if raft_request_size(payload, header_id) > self.max_request_bytes and (
                exact is None or raft_request_size(exact(), header_id) > self.max_request_bytes):
            raise RequestTooLargeError()
        self.raft_index += 1

    # -- kv -----------------------------------------------------------------------------------

    def put(
        self, key: bytes, value: bytes, lease: int | None = None, prev_kv: bool = False
    ) -> PutResponse:
        key, value, lease = _b(key), _b(value), lease or 0
        if not key:
            raise EmptyKeyError()
        with self._lock:
            self._propose(put_request_size(key, value, lease, prev_kv))
            if lease and self.lessor.lookup(lease) is None:
                raise LeaseNotFoundError()
            tw = self.watchable.write()
            prev = self.mvcc.get(key, tw.rev) if prev_kv else None
            rev = tw.put(key, value, lease)
            tw.end()
            self.watchable.flush()
        return PutResponse(rev, prev)

    def get(self, key: bytes, revision: int | None = None) -> KeyValue | None:
        key = _b(key)
        if not key:
            raise EmptyKeyError()
        with self._lock:
            kvs = self.mvcc.read().range(key, None, rev=revision or 0).kvs
        return kvs[0] if kvs else None

    def range(
        self,
        key: bytes,
        range_end: bytes | None = None,
        prefix: bool = False,
        limit: int = 0,
        revision: int | None = None,
        keys_only: bool = False,
        count_only: bool = False,
    ) -> RangeResponse:
        k, end = _key_range(key, range_end, prefix)
        with self._lock:
            return self._range(self.mvcc.read(), Range(k, end, limit, revision or 0, keys_only,
                                                       count_only))  # fmt: skip

    @staticmethod
    def _range(txn: TxnRead | TxnWrite, r: Range) -> RangeResponse:
        """``applyRange``: limit, ``more``, ``keys_only``, ``count_only`` on a mvcc range."""
        rr: RangeResult = txn.range(
            r.key, _gte(r.range_end), rev=r.revision, limit=r.limit, count=r.count_only
        )
        kvs = rr.kvs or []
        if r.keys_only:
            kvs = [KeyValue(x.key, x.create_revision, x.mod_revision, x.version, b"", x.lease)
                   for x in kvs]  # fmt: skip
        more = 0 < r.limit < rr.count and not r.count_only
        return RangeResponse(kvs, rr.count, more, rr.rev)

    def delete(
        self,
        key: bytes,
        prefix: bool = False,
        prev_kv: bool = False,
        range_end: bytes | None = None,
    ) -> DeleteResponse:
        k, end = _key_range(key, range_end, prefix)
        with self._lock:
            self._propose(delete_request_size(k, end, prev_kv))
            tw = self.watchable.write()
            resp = self._delete(tw, DeleteRange(k, end, prev_kv))
            tw.end()
            self.watchable.flush()
        return resp

    @staticmethod
    def _delete(tw: TxnWrite, d: DeleteRange) -> DeleteResponse:
        end = _gte(d.range_end)
        prev = (tw.range(d.key, end).kvs or []) if d.prev_kv else []
        n, rev = tw.delete_range(d.key, end)
        return DeleteResponse(rev, n, prev)

    def txn(
        self,
        compare: Sequence[Compare],
        success: Sequence[Op],
        failure: Sequence[Op] = (),
    ) -> TxnResponse:
        # checkTxnRequest + checkIntervals (v3rpc/key.go): before anything is proposed
        if max(len(compare), len(success), len(failure)) > MAX_TXN_OPS:
            raise TooManyOpsError()
        compare = [_norm_compare(c) for c in compare]
        if any(not c.key for c in compare):
            raise EmptyKeyError()
        success = [_norm_op(op) for op in success]
        failure = [_norm_op(op) for op in failure]
        _check_intervals(success)
        _check_intervals(failure)
        read_only = all(isinstance(op, Range) for op in (*success, *failure))
        with self._lock:
            if not read_only:
                self._propose(txn_request_size_bound(compare, success, failure),
                              lambda: txn_request_size(compare, success, failure))
            mvcc = self.mvcc
            cur = mvcc.current_rev
            succeeded = all(c.holds(mvcc.get(c.key, cur)) for c in compare)
            ops = success if succeeded else failure
            self._check_requests(ops, cur)
            txn: TxnRead | TxnWrite = mvcc.read() if read_only else self.watchable.write()
            responses = [self._apply_op(txn, op) for op in ops]
            rev = txn.rev
            txn.end()
            self.watchable.flush()
        return TxnResponse(succeeded, responses, rev)

    def _check_requests(self, ops: Sequence[Op], cur: int) -> None:
        """``checkRequests`` on the branch taken: leases of puts exist, range revisions are
        neither compacted nor in the future."""
        for op in ops:
            if isinstance(op, Put):
                if op.lease and self.lessor.lookup(op.lease) is None:
                    raise LeaseNotFoundError()
            elif isinstance(op, Range) and op.revision:
                self.mvcc.check_rev(op.revision, cur)

    def _apply_op(
        self, txn: TxnRead | TxnWrite, op: Op
    ) -> RangeResponse | PutResponse | DeleteResponse:
        if isinstance(op, Range):
            return self._range(txn, op)
        assert isinstance(txn, TxnWrite)
        if isinstance(op, Put):
            prev = self.mvcc.get(op.key, txn.rev) if op.prev_kv else None
            return PutResponse(txn.put(op.key, op.value, op.lease), prev)
        return self._delete(txn, op)

    def compact(self, revision: int) -> None:
        with self._lock:
            self._propose()
            self.mvcc.compact(revision)

    # -- watch --------------------------------------------------------------------------------

    def watch(
        self,
        key: bytes,
        prefix: bool = False,
        start_revision: int | None = None,
        prev_kv: bool = False,
        range_end: bytes | None = None,
        callback: Callable[[WatchResponse], None] | None = None,
    ) -> Watch:
        k = _b(key)
        end = prefix_range_end(k) if prefix else (None if range_end is None else _b(range_end))
        with self._lock:
            watch = Watch(next(self._watch_ids), callback=callback, on_cancel=self._cancel_watch)
            w = self.watchable.watch(k, _gte(end), start_revision or 0, watch, prev_kv)
            self._watchers[watch.id] = w
            while self.watchable.sync_watchers():
                pass
            if w.compacted:  # canceled by the store: nothing left to remove on cancel()
                del self._watchers[watch.id]
            self.watchable.flush()
        return watch

    def _cancel_watch(self, watch: Watch) -> None:
        with self._lock:
            w = self._watchers.pop(watch.id, None)
            if w is not None:
                self.watchable.cancel_watcher(w)

    # -- leases -------------------------------------------------------------------------------

    def lease_grant(self, ttl: int, lease_id: int = 0) -> Lease:
        with self._lock:
            if lease_id == 0:  # etcdserver.LeaseGrant: the next request id, top bit cleared
                lease_id = self._req_ids.next() & _LEASE_ID_MASK
            self._propose()
            lease = self.lessor.grant(lease_id, ttl)
        return Lease(lease.id, lease.ttl)

    def lease_revoke(self, lease_id: int) -> None:
        with self._lock:
            self._propose()
            self.lessor.revoke(lease_id)
            self.watchable.flush()

    def _expire_lease(self, lease_id: int) -> None:
        """The leader proposes a revoke for a lease that ran out (``revokeExpiredLeases``)."""
        with self._lock:
            if self.lessor.lookup(lease_id) is None:
                return
            self._propose()
            self.lessor.revoke(lease_id)
            self.watchable.flush()

    def expire_leases(self, *lease_ids: int) -> list[int]:
        """Expire the given leases now (all of them if none is given), soonest expiry first, as
        if their TTL had run out; returns the ids expired. The way to expire leases on a store
        without a kernel, whose leases never expire on their own."""
        with self._lock:
            ids = list(lease_ids) or [x.id for x in self.lessor.leases()]
            expired = [i for i in ids if self.lessor.lookup(i) is not None]
            for lease_id in expired:
                self._expire_lease(lease_id)
        return expired

    def lease_keepalive(self, lease_id: int) -> int:
        with self._lock:
            return self.lessor.renew(lease_id)

    def lease_time_to_live(self, lease_id: int) -> int:
        with self._lock:
            return self.lessor.time_to_live(lease_id)

    # -- maintenance --------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """``etcdctl endpoint status``: ``db_size`` is an estimate of etcd's bbolt file size
        for the same history (:class:`~.sizes.BoltSize`)."""
        with self._lock:
            return {
                "version": ETCD_VERSION,
                "db_size": self.mvcc.backend.size.db_size(),
                "db_size_in_use": self.mvcc.backend.size.db_size_in_use(),
                "leader": self.member_id,
                "member_id": self.member_id,
                "cluster_id": self.cluster_id,
                "raft_index": self.raft_index,
                "raft_term": RAFT_TERM,
                "raft_applied_index": self.raft_index,
                "revision": self.mvcc.current_rev,
                "is_learner": False,
                "errors": [],
            }

    def close(self) -> None:
        """Cancel the open watches and stop the lease timers (the data stays readable)."""
        with self._lock:
            watches = [w.watch for w in self._watchers.values()]
            self.lessor.close()
        for watch in watches:
            watch.cancel()
