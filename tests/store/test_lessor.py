"""``Lessor`` and ``IDGenerator`` (``server/lease/lessor.go``, ``pkg/idutil/id.go``), on their
own: a fake range deleter records what a revoke deletes."""

from __future__ import annotations

import pytest

from k8s_internals.sim import Kernel
from k8s_internals.store.lessor import MAX_LEASE_TTL, IDGenerator, Lessor
from k8s_internals.store.types import (
    LeaseExistsError,
    LeaseNotFoundError,
    LeaseTTLTooLargeError,
)


class FakeTxnDelete:
    """Records the keys a revoke deletes and whether the transaction was ended."""

    def __init__(self, log: list[list[bytes]]) -> None:
        self.keys: list[bytes] = []
        log.append(self.keys)

    def delete_range(self, key: bytes, end: bytes | None) -> tuple[int, int]:
        self.keys.append(key)
        return 1, 0

    def end(self) -> None:
        self.keys.append(b"<end>")


@pytest.fixture
def lessor(kernel: Kernel) -> tuple[Lessor, list[list[bytes]]]:
    txns: list[list[bytes]] = []
    le = Lessor(kernel)
    le.set_range_deleter(lambda: FakeTxnDelete(txns))
    return le, txns


def test_id_generator_shape() -> None:
    """| member id low 16 bits | 40 bits of unix ms | 8-bit count |, +1 per id; the count
    overflows into the timestamp on purpose."""
    g = IDGenerator(0xECB80FDE227E9869, now_ms=0x1_23_4567_89AB)  # 41 bits: the top one drops
    assert g.next() == 0x9869_2345_6789_AB01
    # a lease granted with id 0 takes such an id with the top bit cleared: etcd's real lease
    # ids for this member looked like 0x1869a21840aeb80b
    assert g.next() & ((1 << 63) - 1) == 0x1869_2345_6789_AB02
    g = IDGenerator(0x1234, now_ms=5)
    assert [g.next() for _ in range(2)] == [0x1234_0000_0000_0501, 0x1234_0000_0000_0502]
    g.suffix |= 0xFF
    assert g.next() == 0x1234_0000_0000_0600  # 0x05ff + 1


def test_revoke_deletes_sorted_keys_in_one_txn(lessor: tuple[Lessor, list[list[bytes]]]) -> None:
    le, txns = lessor
    le.grant(1, 10)
    for key in (b"c", b"a", b"b"):
        le.attach(1, key)
    le.revoke(1)
    assert txns == [[b"a", b"b", b"c", b"<end>"]]
    assert le.lookup(1) is None
    with pytest.raises(LeaseNotFoundError):
        le.revoke(1)


def test_attach_detach_get_lease(lessor: tuple[Lessor, list[list[bytes]]]) -> None:
    le, txns = lessor
    le.grant(1, 10)
    le.grant(2, 10)
    le.attach(1, b"k")
    assert le.get_lease(b"k") == 1
    le.detach(1, b"k")
    le.attach(2, b"k")
    assert le.get_lease(b"k") == 2
    le.revoke(1)
    assert txns == [[b"<end>"]]  # nothing attached any more
    le.detach(1, b"gone")  # detaching from a revoked lease is harmless
    with pytest.raises(LeaseNotFoundError):
        le.attach(1, b"k")


def test_grant_checks(lessor: tuple[Lessor, list[list[bytes]]]) -> None:
    le, _ = lessor
    assert le.grant(1, 0).ttl == 2  # raised to the minimum TTL
    with pytest.raises(LeaseExistsError):
        le.grant(1, 10)
    with pytest.raises(LeaseTTLTooLargeError):
        le.grant(2, MAX_LEASE_TTL + 1)
    with pytest.raises(LeaseNotFoundError):
        le.grant(0, 10)  # the server picks an id before the lessor sees the request


def test_expiry_without_a_handler_revokes(kernel: Kernel) -> None:
    txns: list[list[bytes]] = []
    le = Lessor(kernel)
    le.set_range_deleter(lambda: FakeTxnDelete(txns))
    le.grant(1, 5)
    le.attach(1, b"k")
    kernel.run_for(4.9)
    assert le.time_to_live(1) == 0
    kernel.run_for(0.1)
    assert le.lookup(1) is None
    assert txns == [[b"k", b"<end>"]]


def test_expiry_goes_through_the_handler(kernel: Kernel) -> None:
    expired: list[int] = []
    le = Lessor(kernel)
    le.set_expired_handler(expired.append)
    le.grant(1, 3)
    le.grant(2, 5)
    kernel.run_for(10)
    assert expired == [1, 2]
    assert [x.id for x in le.leases()] == [1, 2]  # the handler decides; it did not revoke


def test_leases_soonest_expiry_first(kernel: Kernel) -> None:
    le = Lessor(kernel)
    le.grant(1, 30)
    le.grant(2, 10)
    le.grant(3, 20)
    assert [x.id for x in le.leases()] == [2, 3, 1]
    le.renew(2)
    kernel.run_for(1)
    assert le.time_to_live(2) == 9
    le.close()
    kernel.run_for(100)  # timers stopped: nothing expires
    assert len(le.leases()) == 3
