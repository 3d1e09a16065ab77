"""A reference model of etcd's key-value semantics and a seeded random driver that checks a
:class:`~k8s_internals.store.Store` against it, operation by operation.

The model is deliberately plain: the live keys in a dict (key → :class:`KeyValue`), every
committed revision's events in a list, and each key's states by revision (for reads in the
past). It knows nothing of generations, indexes or watcher groups; it is what a learner would
write from etcd's documentation, and real etcd agrees with it (the same driver runs on the
``etcd://`` backend).

:func:`run_model` drives ``n_ops`` random operations — puts (with and without leases, unknown
leases), ranges (one key, prefix, ``[key, end)``, from-key, all; limit, revision, keys-only,
count-only; compacted and future revisions), deletes (one key, prefix, range), txns (compares on
value, version, create, mod and lease revision, then puts/deletes/ranges; duplicate keys; unknown
leases), compactions (also at or below the last one, or in the future), leases (grant, revoke,
attach, keep-alive, time-to-live; no expiry: TTLs are an hour) and watches (opened from random
start revisions, compacted ones included; canceled at random). Every response is compared with
the model's; every open watch stream is checked to be exactly the model's history for its range,
in order, with no gaps, with ``prev_kv`` when asked. ``raft_index`` must grow by exactly one per
write request, as on a single-member etcd.

``strict=True`` (the embedded store, where delivery is synchronous) also pins down what an
asynchronous server may legitimately vary: when a watch learns about a compaction, and which
``prev_kv`` a compaction made unreadable.

Used by ``tests/store/test_model.py`` (CI: a few thousand operations per backend) and by
benchmarks, which can run 10,000+ operations::

    from tests.store.model import run_model
    stats = run_model(open_store("memory://"), n_ops=20_000, seed=1)
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from k8s_internals.store import (
    CompactedError,
    Compare,
    DeleteRange,
    DeleteResponse,
    EventType,
    FutureRevisionError,
    KeyValue,
    LeaseNotFoundError,
    Put,
    PutResponse,
    Range,
    RangeResponse,
    Store,
    StoreError,
    TxnResponse,
    Watch,
    WatchEvent,
    WatchResponse,
    prefix_range_end,
)
from k8s_internals.store.types import CompareResult, CompareTarget, Op

__all__ = ["Model", "ModelError", "run_model"]

PUT, DELETE = EventType.PUT, EventType.DELETE
COMPACTED = "mvcc: required revision has been compacted"
FUTURE = "mvcc: required revision is a future revision"
LEASE_NOT_FOUND = "etcdserver: requested lease not found"
DUPLICATE_KEY = "etcdserver: duplicate key given in txn request"
EMPTY_KEY = "etcdserver: key is not provided"

#: A small key space, so that operations collide: prefixes, the prefix's range end, binary.
KEYS = [
    b"/a/x", b"/a/y", b"/a/z", b"/a/\xff", b"/a", b"/a0",
    b"/b/x", b"/b/y", b"/b/x/1", b"/c/x", b"k", b"\x01", b"\xff\xff",
]  # fmt: skip
PREFIXES = [b"/a/", b"/b/", b"/b/x", b"/c/", b"/", b"k", b"\xff", b"/d/"]
LEASE_TTL = 3600  # long enough never to expire during a run on a real etcd
UNKNOWN_LEASE = 424242
MAX_WATCHES = 6


class ModelError(AssertionError):
    """The store answered differently from the model."""


def in_range(key: bytes, start: bytes, end: bytes | None) -> bool:
    """``key`` in the request range; ``end=None`` one key, ``b"\\x00"`` to the end."""
    if end is None:
        return key == start
    return start <= key and (end == b"\x00" or key < end)


def request_range(key: bytes, end: bytes | None) -> tuple[bytes, bytes | None]:
    """The range as the server sees it: an empty key with an end starts at ``\\x00``."""
    return (b"\x00" if not key and end is not None else key), end


@dataclass
class Model:
    """The reference: what an etcd with one member answers."""

    rev: int = 1
    compact_rev: int = 0
    raft_entries: int = 0  # write requests proposed so far
    live: dict[bytes, KeyValue] = field(default_factory=dict)
    #: revision → the events committed at it, in sub-revision order
    history: dict[int, list[WatchEvent]] = field(default_factory=dict)
    #: key → ([revisions], [state after each]) for reads in the past
    states: dict[bytes, tuple[list[int], list[KeyValue | None]]] = field(default_factory=dict)
    leases: dict[int, set[bytes]] = field(default_factory=dict)
    # the write transaction in progress
    _staged: list[WatchEvent] = field(default_factory=list)

    # -- reads --------------------------------------------------------------------------------

    def state_at(self, key: bytes, rev: int) -> KeyValue | None:
        revs, kvs = self.states.get(key, ([], []))
        i = bisect.bisect_right(revs, rev) - 1
        return kvs[i] if i >= 0 else None

    def kvs_in(self, key: bytes, end: bytes | None, at: int | None) -> list[KeyValue]:
        """Live keys in the range, now (``at=None``, staged writes included) or at ``at``."""
        key, end = request_range(key, end)
        if at is None:
            return [self.live[k] for k in sorted(self.live) if in_range(k, key, end)]
        found = (self.state_at(k, at) for k in sorted(self.states) if in_range(k, key, end))
        return [kv for kv in found if kv is not None]

    def check_rev(self, rev: int, cur: int) -> None:
        if rev > cur:
            raise FutureRevisionError()
        if rev and rev < self.compact_rev:
            raise CompactedError(self.compact_rev)

    def range(self, r: Range, cur: int, header: int) -> RangeResponse:
        """``RangeResponse`` for ``r``; ``cur`` bounds the revision, ``header`` is reported."""
        if r.revision:
            self.check_rev(r.revision, cur)
        at = r.revision if r.revision and r.revision != header else None
        kvs = self.kvs_in(r.key, r.range_end, at)
        count = len(kvs)
        if r.count_only:
            return RangeResponse([], count, False, header)
        more = 0 < r.limit < count
        if r.limit:
            kvs = kvs[: r.limit]
        if r.keys_only:
            kvs = [KeyValue(x.key, x.create_revision, x.mod_revision, x.version, b"", x.lease)
                   for x in kvs]  # fmt: skip
        return RangeResponse(kvs, count, more, header)

    # -- writes -------------------------------------------------------------------------------

    def put(self, key: bytes, value: bytes, lease: int) -> KeyValue | None:
        """Stage a put at ``rev + 1``; returns the previous value."""
        prev = self.live.get(key)
        rev = self.rev + 1
        kv = KeyValue(key, prev.create_revision if prev else rev, rev,
                      prev.version + 1 if prev else 1, value, lease)  # fmt: skip
        if prev is not None and prev.lease and prev.lease in self.leases:
            self.leases[prev.lease].discard(key)
        if lease:
            self.leases[lease].add(key)
        self.live[key] = kv
        self._staged.append(WatchEvent(PUT, kv))
        return prev

    def delete(self, key: bytes, end: bytes | None) -> list[KeyValue]:
        """Stage the deletes of the live keys in the range; returns their values."""
        gone = self.kvs_in(key, end, None)
        for kv in gone:
            del self.live[kv.key]
            if kv.lease and kv.lease in self.leases:
                self.leases[kv.lease].discard(kv.key)
            self._staged.append(WatchEvent(DELETE, KeyValue(kv.key, mod_revision=self.rev + 1)))
        return gone

    @property
    def changed(self) -> bool:
        return bool(self._staged)

    def commit(self) -> None:
        if not self._staged:
            return
        self.rev += 1
        self.history[self.rev] = self._staged
        for ev in self._staged:
            revs, kvs = self.states.setdefault(ev.kv.key, ([], []))
            revs.append(self.rev)
            kvs.append(ev.kv if ev.type is PUT else None)
        self._staged = []

    # -- txn ----------------------------------------------------------------------------------

    @staticmethod
    def duplicate(ops: list[Op]) -> bool:
        """``checkIntervals``: two puts of one key, or a put inside a deleted range."""
        dels = [request_range(op.key, op.range_end) for op in ops if isinstance(op, DeleteRange)]
        puts: set[bytes] = set()
        for op in ops:
            if isinstance(op, Put):
                if op.key in puts or any((s <= op.key < e) if e else op.key == s for s, e in dels):
                    return True
                puts.add(op.key)
        return False

    def txn(self, compare: list[Compare], success: list[Op], failure: list[Op]) -> TxnResponse:
        if self.duplicate(success) or self.duplicate(failure):
            raise StoreError(DUPLICATE_KEY)
        read_only = all(isinstance(op, Range) for op in (*success, *failure))
        if not read_only:
            self.raft_entries += 1
        cur = self.rev
        succeeded = all(c.holds(self.live.get(c.key)) for c in compare)
        ops = success if succeeded else failure
        for op in ops:  # checkRequests
            if isinstance(op, Put) and op.lease and op.lease not in self.leases:
                raise LeaseNotFoundError()
            if isinstance(op, Range) and op.revision:
                self.check_rev(op.revision, cur)
        responses: list[RangeResponse | PutResponse | DeleteResponse] = []
        for op in ops:
            view = cur + 1 if self.changed else cur
            if isinstance(op, Range):
                responses.append(self.range(op, cur, view))
            elif isinstance(op, Put):
                prev = self.put(op.key, op.value, op.lease)
                responses.append(PutResponse(cur + 1, prev if op.prev_kv else None))
            else:
                gone = self.delete(op.key, op.range_end)
                after = cur + 1 if self.changed else cur
                responses.append(DeleteResponse(after, len(gone), gone if op.prev_kv else []))
        final = cur + 1 if self.changed else cur
        self.commit()
        return TxnResponse(succeeded, responses, final)

    # -- watch --------------------------------------------------------------------------------

    def events(self, key: bytes, end: bytes | None, start: int) -> list[WatchEvent]:
        """The committed events in the range from revision ``start`` on."""
        return [
            ev
            for rev in range(max(start, 2), self.rev + 1)
            for ev in self.history.get(rev, ())
            if in_range(ev.kv.key, key, end)
        ]

    def prev_kv(self, ev: WatchEvent) -> KeyValue | None:
        if ev.type is PUT and ev.kv.version == 1:
            return None
        return self.state_at(ev.kv.key, ev.kv.mod_revision - 1)


@dataclass
class OpenWatch:
    watch: Watch
    key: bytes
    end: bytes | None
    start: int  # first revision the stream must report
    prev_kv: bool
    created_rev: int  # the store's revision when the watch was opened
    compact_at_creation: int
    received: list[WatchEvent] = field(default_factory=list)
    canceled: WatchResponse | None = None
    description: str = ""


class Driver:
    """Random operations on ``store``, each checked against the :class:`Model`."""

    def __init__(self, store: Store, seed: int, strict: bool, watch_timeout: float) -> None:
        self.store = store
        self.seed = seed
        self.rng = random.Random(seed)
        self.model = Model()
        self.strict = strict
        self.watch_timeout = watch_timeout
        self.watches: list[OpenWatch] = []
        self.lease_ids: list[int] = []
        self.revoked: list[int] = []
        self.stats: dict[str, int] = {}
        self.step = 0
        self.raft0 = int(store.status()["raft_index"])
        if store.revision != 1:
            raise ModelError(f"the model needs an empty store (revision {store.revision})")

    # -- helpers ------------------------------------------------------------------------------

    def fail(self, what: str, got: object, want: object) -> ModelError:
        return ModelError(
            f"seed={self.seed} op #{self.step} {what}:\n  got  {got!r}\n  want {want!r}"
        )

    def expect(self, what: str, call: Callable[[], Any], model: Callable[[], Any]) -> Any:
        """Run the store call and the model; they must return equal values or raise errors
        of the same class with the same text."""
        try:
            want: Any = model()
            want_err: StoreError | None = None
        except StoreError as e:
            want, want_err = None, e
        try:
            got = call()
        except StoreError as e:
            if want_err is None:
                raise self.fail(what, f"{type(e).__name__}: {e}", want) from e
            if str(e) != str(want_err) or not isinstance(e, type(want_err)):
                raise self.fail(what, f"{type(e).__name__}: {e}",
                                f"{type(want_err).__name__}: {want_err}") from e  # fmt: skip
            self.count("errors checked")
            return None
        if want_err is not None:
            raise self.fail(what, got, f"{type(want_err).__name__}: {want_err}")
        if got != want:
            raise self.fail(what, got, want)
        return got

    def count(self, what: str) -> None:
        self.stats[what] = self.stats.get(what, 0) + 1

    def key(self) -> bytes:
        return self.rng.choice(KEYS)

    def value(self) -> bytes:
        r = self.rng.random()
        if r < 0.1:
            return b""
        if r < 0.15:
            return self.rng.randbytes(self.rng.randint(500, 2000))
        return self.rng.randbytes(self.rng.randint(1, 24))

    def key_range(self) -> tuple[bytes, bytes | None, str]:
        """A random range as ``(key, range_end, description)``."""
        rng = self.rng
        mode = rng.choice(["key", "key", "prefix", "prefix", "range", "from", "all"])
        if mode == "key":
            k = self.key()
            return k, None, f"key {k!r}"
        if mode == "prefix":
            p = rng.choice(PREFIXES)
            return p, prefix_range_end(p), f"prefix {p!r}"
        if mode == "range":
            a, b = sorted(rng.sample(KEYS, 2))
            return a, b, f"[{a!r}, {b!r})"
        if mode == "from":
            k = self.key()
            return k, b"\x00", f"from {k!r}"
        return b"", b"\x00", "all"

    def live_lease(self) -> int | None:
        return self.rng.choice(self.lease_ids) if self.lease_ids else None

    # -- operations ---------------------------------------------------------------------------

    def op_put(self) -> None:
        m, key, value = self.model, self.key(), self.value()
        prev_kv = self.rng.random() < 0.3
        lease = 0
        r = self.rng.random()
        if r < 0.03:
            lease = UNKNOWN_LEASE
        elif r < 0.25:
            lease = self.live_lease() or 0

        def model() -> PutResponse:
            m.raft_entries += 1
            if lease and lease not in m.leases:
                raise LeaseNotFoundError()
            prev = m.put(key, value, lease)
            m.commit()
            return PutResponse(m.rev, prev if prev_kv else None)

        self.expect(f"put {key!r} lease={lease} prev_kv={prev_kv}",
                    lambda: self.store.put(key, value, lease=lease or None, prev_kv=prev_kv),
                    model)  # fmt: skip

    def op_range(self) -> None:
        rng, m = self.rng, self.model
        key, end, desc = self.key_range()
        if rng.random() < 0.02:
            key, end, desc = b"", None, "empty key"
        limit = rng.choice([0, 0, 0, 1, 2, 5])
        revision = 0
        if rng.random() < 0.35:
            revision = rng.randint(max(1, m.compact_rev - 3), m.rev + 2)
        keys_only, count_only = rng.random() < 0.15, rng.random() < 0.1
        r = Range(key, end, limit, revision, keys_only, count_only)

        def model() -> RangeResponse:
            if not key and end is None:
                raise StoreError(EMPTY_KEY)
            return m.range(r, m.rev, m.rev)

        self.expect(f"range {desc} {r}",
                    lambda: self.store.range(key, range_end=end, limit=limit,
                                             revision=revision or None, keys_only=keys_only,
                                             count_only=count_only),
                    model)  # fmt: skip

    def op_delete(self) -> None:
        m = self.model
        key, end, desc = self.key_range()
        prev_kv = self.rng.random() < 0.4

        def model() -> DeleteResponse:
            m.raft_entries += 1
            gone = m.delete(key, end)
            m.commit()
            return DeleteResponse(m.rev, len(gone), gone if prev_kv else [])

        self.expect(f"delete {desc} prev_kv={prev_kv}",
                    lambda: self.store.delete(key, range_end=end, prev_kv=prev_kv),
                    model)  # fmt: skip

    def compare(self) -> Compare:
        rng, m = self.rng, self.model
        key = self.key()
        kv = m.live.get(key)
        target = rng.choice(list(CompareTarget))
        result = rng.choice(list(CompareResult))
        operand: int | bytes
        if target is CompareTarget.VALUE:
            operand = rng.choice([kv.value if kv else b"", self.value(), b"v"])
        else:
            current = {
                CompareTarget.VERSION: kv.version if kv else 0,
                CompareTarget.CREATE: kv.create_revision if kv else 0,
                CompareTarget.MOD: kv.mod_revision if kv else 0,
                CompareTarget.LEASE: kv.lease if kv else 0,
            }[target]
            operand = max(0, current + rng.choice([-1, 0, 0, 1]))
        return Compare(key, target, result, operand)

    def txn_ops(self) -> list[Op]:
        rng = self.rng
        ops: list[Op] = []
        used: set[bytes] = set()
        for _ in range(rng.randint(0, 4)):
            kind = rng.choice(["put", "put", "delete", "range"])
            if kind == "range":
                key, end, _ = self.key_range()
                revision = 0
                if rng.random() < 0.1:
                    revision = rng.randint(max(1, self.model.compact_rev - 2), self.model.rev + 1)
                ops.append(Range(key, end, rng.choice([0, 0, 2]), revision,
                                 rng.random() < 0.2, rng.random() < 0.1))  # fmt: skip
                continue
            key = self.key()
            if key in used and rng.random() < 0.9:
                continue  # mostly avoid duplicates; sometimes keep one to check the error
            used.add(key)
            if kind == "put":
                lease = 0
                if rng.random() < 0.2:
                    lease = self.live_lease() or 0
                if rng.random() < 0.02:
                    lease = UNKNOWN_LEASE
                ops.append(Put(key, self.value(), lease, rng.random() < 0.3))
            elif rng.random() < 0.8:
                ops.append(DeleteRange(key, None, rng.random() < 0.4))
            else:
                p = rng.choice(PREFIXES)
                ops.append(DeleteRange.prefix(p, prev_kv=rng.random() < 0.4))
        return ops

    def op_txn(self) -> None:
        compare = [self.compare() for _ in range(self.rng.randint(0, 3))]
        success, failure = self.txn_ops(), self.txn_ops()
        self.expect(f"txn {compare} then {success} else {failure}",
                    lambda: self.store.txn(compare, success, failure),
                    lambda: self.model.txn(compare, success, failure))  # fmt: skip

    def op_compact(self) -> None:
        m = self.model
        rev = self.rng.randint(max(1, m.compact_rev - 1), m.rev + 1)

        def model() -> None:
            m.raft_entries += 1
            if rev <= m.compact_rev:
                raise CompactedError(m.compact_rev)
            if rev > m.rev:
                raise FutureRevisionError()
            m.compact_rev = rev

        self.expect(f"compact {rev}", lambda: self.store.compact(rev), model)
        if self.store.compact_revision != m.compact_rev:
            raise self.fail("compact_revision", self.store.compact_revision, m.compact_rev)

    def op_lease_grant(self) -> None:
        self.model.raft_entries += 1
        lease = self.store.lease_grant(LEASE_TTL)
        if lease.ttl != LEASE_TTL or lease.id <= 0 or lease.id in self.model.leases:
            raise self.fail("lease grant", lease, f"a new lease with TTL {LEASE_TTL}")
        self.model.leases[lease.id] = set()
        self.lease_ids.append(lease.id)

    def op_lease_revoke(self) -> None:
        m = self.model
        lease = self.live_lease()
        if lease is None or self.rng.random() < 0.1:
            lease = self.rng.choice([UNKNOWN_LEASE, *self.revoked])

        def model() -> None:
            m.raft_entries += 1
            if lease not in m.leases:
                raise LeaseNotFoundError()
            for key in sorted(m.leases.pop(lease)):
                m.delete(key, None)
            m.commit()

        self.expect(f"lease revoke {lease}", lambda: self.store.lease_revoke(lease), model)
        if lease in self.lease_ids:
            self.lease_ids.remove(lease)
            self.revoked.append(lease)

    def op_lease_info(self) -> None:
        lease = self.live_lease()
        if lease is None or self.rng.random() < 0.2:
            lease = self.rng.choice([UNKNOWN_LEASE, *self.revoked])
        ttl = self.store.lease_time_to_live(lease)
        alive = lease in self.model.leases
        low = LEASE_TTL if self.strict else LEASE_TTL - 120
        if (alive and not low <= ttl <= LEASE_TTL) or (not alive and ttl != -1):
            raise self.fail(f"lease time-to-live {lease}", ttl, "its TTL" if alive else -1)
        if alive:
            self.expect(f"lease keepalive {lease}",
                        lambda: self.store.lease_keepalive(lease), lambda: LEASE_TTL)  # fmt: skip

    def op_status(self) -> None:
        st = self.store.status()
        want = (self.model.rev, self.model.raft_entries)
        got = (st["revision"], st["raft_index"] - self.raft0)
        if got != want:
            raise self.fail("status (revision, raft entries since start)", got, want)

    # -- watches ------------------------------------------------------------------------------

    def op_watch(self) -> None:
        rng, m = self.rng, self.model
        if len(self.watches) >= MAX_WATCHES:
            self.op_cancel_watch()
        key, end, desc = self.key_range()
        start = None
        if rng.random() < 0.7:
            start = rng.randint(max(1, m.compact_rev - 3), m.rev + 2)
        prev_kv = rng.random() < 0.5
        w = self.store.watch(key, range_end=end, start_revision=start, prev_kv=prev_kv)
        self.watches.append(
            OpenWatch(w, *request_range(key, end), start or m.rev + 1, prev_kv, m.rev,
                      m.compact_rev, description=f"watch {desc} from {start} prev_kv={prev_kv}")
        )  # fmt: skip
        self.count("watches opened")

    def op_cancel_watch(self) -> None:
        if not self.watches:
            return
        ow = self.watches.pop(self.rng.randrange(len(self.watches)))
        self.check_watch(ow)
        ow.watch.cancel()

    def collect(self, ow: OpenWatch, want: int) -> None:
        """Read the stream until it holds ``want`` events (or was canceled, or times out)."""
        deadline = time.monotonic() + self.watch_timeout
        timeout = 0.0
        while ow.canceled is None:
            resp = ow.watch.get(timeout)
            if resp is None:
                if len(ow.received) >= want or time.monotonic() > deadline:
                    return
                timeout = 0.05
                continue
            if resp.canceled:
                ow.canceled = resp
            ow.received.extend(resp.events)
            if len(ow.received) >= want:
                timeout = 0.0  # take what is queued already, then stop

    def check_watch(self, ow: OpenWatch) -> None:
        m = self.model
        expected = m.events(ow.key, ow.end, ow.start)
        if ow.start and ow.start == ow.compact_at_creation:
            # etcd 3.4's compaction drops a tombstone at exactly the compacted revision
            # (keyIndex.compact: "remove any tombstone"), so a watch from there replays the
            # puts of that revision but not its deletes
            expected = [e for e in expected
                        if not (e.type is EventType.DELETE and e.kv.mod_revision == ow.start)]
        self.collect(ow, len(expected))
        what = f"{ow.description} (opened at revision {ow.created_rev})"
        compacted = ow.start < ow.compact_at_creation
        if ow.canceled is not None:
            c = ow.canceled
            ok = c.compact_revision > ow.start and c.compact_revision <= m.compact_rev
            if self.strict:
                ok = compacted and c == WatchResponse((), 0, True, ow.compact_at_creation)
            if not ok or expected[: len(ow.received)] != self.strip(ow, ow.received):
                raise self.fail(what + " canceled", c, f"events {expected}")
            self.count("compacted watches")
            return
        if compacted and self.strict:
            raise self.fail(what, "no cancel", f"canceled at {ow.compact_at_creation}")
        got = ow.received
        if self.strip(ow, got) != expected:
            raise self.fail(what, got, expected)
        if ow.prev_kv:
            for ev in got:
                self.check_prev_kv(ow, ev, what)
        self.stats["watch events checked"] = self.stats.get("watch events checked", 0) + len(got)

    @staticmethod
    def strip(ow: OpenWatch, evs: list[WatchEvent]) -> list[WatchEvent]:
        return [WatchEvent(ev.type, ev.kv) for ev in evs] if ow.prev_kv else evs

    def check_prev_kv(self, ow: OpenWatch, ev: WatchEvent, what: str) -> None:
        want = self.model.prev_kv(ev)
        at = ev.kv.mod_revision - 1
        if self.strict:
            # replayed events read prev_kv when the watch was opened; live ones at commit time
            unreadable = ev.kv.mod_revision <= ow.created_rev and at < ow.compact_at_creation
            if unreadable:
                want = None
            if ev.prev_kv != want:
                raise self.fail(what + f" prev_kv of {ev.kv}", ev.prev_kv, want)
        elif ev.prev_kv != want and not (ev.prev_kv is None and at < self.model.compact_rev):
            raise self.fail(what + f" prev_kv of {ev.kv}", ev.prev_kv, want)

    def check_watches(self) -> None:
        for ow in list(self.watches):
            self.check_watch(ow)
            if ow.canceled is not None:
                self.watches.remove(ow)

    # -- the run ------------------------------------------------------------------------------

    OPS: tuple[tuple[str, int], ...] = (
        ("put", 30), ("range", 22), ("delete", 9), ("txn", 16), ("compact", 2),
        ("lease_grant", 3), ("lease_revoke", 2), ("lease_info", 2), ("watch", 4),
        ("cancel_watch", 1), ("status", 2),
    )  # fmt: skip

    def run(self, n_ops: int, check_every: int) -> dict[str, int]:
        names = [name for name, _ in self.OPS]
        weights = [weight for _, weight in self.OPS]
        try:
            for self.step in range(n_ops):
                name = self.rng.choices(names, weights)[0]
                getattr(self, "op_" + name)()
                self.count(name)
                if self.step % check_every == check_every - 1:
                    self.check_watches()
            self.check_watches()
            self.op_status()
        finally:
            for ow in self.watches:
                ow.watch.cancel()
        self.stats["ops"] = n_ops
        self.stats["revision"] = self.model.rev
        self.stats["compact revision"] = self.model.compact_rev
        return dict(sorted(self.stats.items()))


def run_model(
    store: Store,
    n_ops: int = 2000,
    seed: int = 0,
    *,
    strict: bool | None = None,
    check_every: int = 100,
    watch_timeout: float = 5.0,
) -> dict[str, int]:
    """Drive ``n_ops`` random operations on an empty ``store``, checking each against the
    model; raises :class:`ModelError` at the first difference. ``strict`` defaults to True for
    the embedded store (synchronous watch delivery). Returns counts by kind of operation."""
    if strict is None:
        strict = store.url.startswith("memory")
    return Driver(store, seed, strict, watch_timeout).run(n_ops, check_every)
