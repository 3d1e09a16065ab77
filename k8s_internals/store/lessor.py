"""Leases: grant, revoke, renew (keep-alive), time-to-live and expiry in virtual time — etcd's
``server/lease/lessor.go`` (``lessor``), with lease ids from ``pkg/idutil/id.go``.

What it holds:

- :class:`Lessor` — the leases by id and, for each key attached to a lease, which lease
  (``itemMap``). Revoking a lease deletes all its keys in ONE write transaction (one revision),
  in key order, through the *range deleter* the store hands it (``SetRangeDeleter``); a revoke of
  a lease without keys changes nothing.
- :class:`LeaseEntry` — ``lease.Lease``: id, granted TTL, expiry instant, attached keys.
- :class:`IDGenerator` — ``idutil.Generator``: etcd does not draw lease ids at random. Its
  request-id generator starts from ``member id (low 16 bits) << 48 | unix ms (40 bits) << 8``
  and adds one per request; a lease granted with id 0 takes the next id with the top bit
  cleared. The embedded store does the same with the *virtual* start time (the kernel's epoch
  plus ``kernel.now``, or :data:`~k8s_internals.sim.DEFAULT_EPOCH` without a kernel), so ids look
  like etcd's (``694d…`` for the default member id) and are the same on every run.

Time. With a kernel, a lease expires ``ttl`` virtual seconds after its grant or last renewal:
the lessor schedules ``kernel.call_at(expiry, …, background=True)`` (background, so a lease alone
does not keep ``run_until_idle`` busy) and then asks the store to revoke it, as etcd's primary
lessor hands expired leases to the server, which proposes a ``LeaseRevoke``. etcd checks for
expired leases every 500 ms; the embedded store revokes at the exact instant. Without a kernel
there is no clock: leases never expire on their own (like etcd's leases on a non-primary lessor,
``forever()``) and :meth:`Lessor.time_to_live` reports the granted TTL; call
``MemoryStore.expire_leases()`` to expire them by hand. All calls that touch the kernel must run
on the kernel's thread.

etcd's minimum TTL: ``etcdserver`` sets ``minLeaseTTL = ceil(3/2 × election timeout)``, 2 s with
the default 1 s election timeout; shorter TTLs are raised to it (:data:`MIN_LEASE_TTL`). TTLs above
``MaxLeaseTTL`` (9,000,000,000 s) are refused.

Taught in notebooks/02-etcd.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .types import LeaseExistsError, LeaseNotFoundError, LeaseTTLTooLargeError

if TYPE_CHECKING:
    from ..sim import Kernel, Timer

__all__ = [
    "MAX_LEASE_TTL",
    "MIN_LEASE_TTL",
    "NO_LEASE",
    "IDGenerator",
    "LeaseEntry",
    "Lessor",
    "TxnDelete",
]

#: ``lease.NoLease``.
NO_LEASE = 0
#: ``lease.MaxLeaseTTL``.
MAX_LEASE_TTL = 9_000_000_000
#: ``minLeaseTTL`` of an etcd member with the default ``--election-timeout=1000`` (ms).
MIN_LEASE_TTL = 2

_TS_LEN = 5 * 8
_CNT_LEN = 8
_SUFFIX_LEN = _TS_LEN + _CNT_LEN


class IDGenerator:
    """``idutil.Generator``: ``| member id: 2 bytes | timestamp ms: 5 bytes | count: 1 byte |``,
    incremented by one per id (the count may overflow into the timestamp, as in etcd).

    >>> g = IDGenerator(0x8E9E05C52164694D, now_ms=1735689600000)
    >>> hex(g.next()), hex(g.next())
    ('0x694d941f297c0001', '0x694d941f297c0002')
    """

    def __init__(self, member_id: int, now_ms: int) -> None:
        self.prefix = (member_id & 0xFFFF) << _SUFFIX_LEN
        self.suffix = (now_ms & ((1 << _TS_LEN) - 1)) << _CNT_LEN

    def next(self) -> int:
        self.suffix += 1
        return self.prefix | (self.suffix & ((1 << _SUFFIX_LEN) - 1))


class TxnDelete(Protocol):
    """``lease.TxnDelete``: a write transaction that may only delete (what revoke gets)."""

    def delete_range(self, key: bytes, end: bytes | None) -> tuple[int, int]: ...

    def end(self) -> object: ...


@dataclass(eq=False)
class LeaseEntry:
    """``lease.Lease``: ``expiry`` is a virtual instant, None for "never" (no clock)."""

    id: int
    ttl: int
    expiry: float | None = None
    items: dict[bytes, None] = field(default_factory=dict)  # attached keys (an ordered set)
    timer: Timer | None = field(default=None, repr=False)

    def sorted_keys(self) -> list[bytes]:
        """The attached keys, sorted (etcd sorts them so every member deletes in one order)."""
        return sorted(self.items)


class Lessor:
    """Owns the leases; see the module docstring."""

    def __init__(self, kernel: Kernel | None = None, min_ttl: int = MIN_LEASE_TTL) -> None:
        self.kernel = kernel
        self.min_ttl = min_ttl
        self.lease_map: dict[int, LeaseEntry] = {}
        self.item_map: dict[bytes, int] = {}  # key -> lease id
        self._rd: Callable[[], TxnDelete] | None = None
        self._on_expired: Callable[[int], None] | None = None

    def set_range_deleter(self, rd: Callable[[], TxnDelete]) -> None:
        """``SetRangeDeleter``: how revoke opens the write transaction that deletes keys."""
        self._rd = rd

    def set_expired_handler(self, on_expired: Callable[[int], None]) -> None:
        """Who revokes an expired lease (etcd: the server reads ``ExpiredLeasesC`` and proposes
        a ``LeaseRevoke`` through raft)."""
        self._on_expired = on_expired

    # -- grant / revoke / renew ---------------------------------------------------------------

    def grant(self, lease_id: int, ttl: int) -> LeaseEntry:
        """``Grant``: a lease that expires ``max(ttl, min_ttl)`` seconds from now."""
        if lease_id == NO_LEASE:
            raise LeaseNotFoundError()
        if ttl > MAX_LEASE_TTL:
            raise LeaseTTLTooLargeError()
        if lease_id in self.lease_map:
            raise LeaseExistsError()
        lease = LeaseEntry(lease_id, max(ttl, self.min_ttl))
        self.lease_map[lease_id] = lease
        self._refresh(lease)
        return lease

    def revoke(self, lease_id: int) -> None:
        """``Revoke``: forget the lease and delete its keys in one write transaction."""
        lease = self.lease_map.pop(lease_id, None)
        if lease is None:
            raise LeaseNotFoundError()
        if lease.timer is not None:
            lease.timer.cancel()
        if self._rd is None:
            return
        txn = self._rd()
        for key in lease.sorted_keys():
            txn.delete_range(key, None)  # detaches the key from the lease
        txn.end()

    def renew(self, lease_id: int) -> int:
        """``Renew`` (keep-alive): restart the lease's TTL; returns the TTL."""
        lease = self.lease_map.get(lease_id)
        if lease is None:
            raise LeaseNotFoundError()
        self._refresh(lease)
        return lease.ttl

    def _refresh(self, lease: LeaseEntry) -> None:
        kernel = self.kernel
        if kernel is None:
            return  # no clock: the lease lives until revoked
        if lease.timer is not None:
            lease.timer.cancel()
        lease.expiry = kernel.now + lease.ttl
        lease.timer = kernel.call_at(
            lease.expiry,
            self._expire,
            lease.id,
            background=True,
            name=f"etcd: lease {lease.id:016x} expired",
        )

    def _expire(self, lease_id: int) -> None:
        lease = self.lease_map.get(lease_id)
        if lease is None or self.kernel is None or lease.expiry is None:
            return
        if lease.expiry > self.kernel.now:  # renewed since (its timer was replaced)
            return
        if self._on_expired is not None:
            self._on_expired(lease_id)
        else:
            self.revoke(lease_id)

    # -- lookups ------------------------------------------------------------------------------

    def lookup(self, lease_id: int) -> LeaseEntry | None:
        return self.lease_map.get(lease_id)

    def leases(self) -> list[LeaseEntry]:
        """All leases, soonest expiry first (``Leases``)."""
        return sorted(
            self.lease_map.values(),
            key=lambda x: (math.inf if x.expiry is None else x.expiry, x.id),
        )

    def time_to_live(self, lease_id: int) -> int:
        """Whole seconds left (etcd truncates ``Remaining().Seconds()``), -1 if no such lease."""
        lease = self.lease_map.get(lease_id)
        if lease is None:
            return -1
        if lease.expiry is None or self.kernel is None:
            return lease.ttl
        return max(0, int(lease.expiry - self.kernel.now))

    # -- keys ---------------------------------------------------------------------------------

    def attach(self, lease_id: int, key: bytes) -> None:
        """``Attach``: the key is deleted when the lease is revoked or expires."""
        lease = self.lease_map.get(lease_id)
        if lease is None:
            raise LeaseNotFoundError()
        lease.items[key] = None
        self.item_map[key] = lease_id

    def detach(self, lease_id: int, key: bytes) -> None:
        """``Detach``: the key was deleted or overwritten without this lease.

        During a revoke the lease is already gone when its keys are deleted: etcd's ``Detach``
        then returns ``ErrLeaseNotFound``, which the write transaction only logs, and leaves the
        key in ``itemMap``. Here the stale entry is simply dropped."""
        lease = self.lease_map.get(lease_id)
        if lease is not None:
            lease.items.pop(key, None)
        self.item_map.pop(key, None)

    def get_lease(self, key: bytes) -> int:
        """``GetLease``: the lease a key is attached to, or :data:`NO_LEASE`."""
        return self.item_map.get(key, NO_LEASE)

    def close(self) -> None:
        """Stop the expiry timers."""
        for lease in self.lease_map.values():
            if lease.timer is not None:
                lease.timer.cancel()
                lease.timer = None
