"""``Revision``: ordering as etcd's ``GreaterThan`` and the backend key encoding
(``server/storage/mvcc/revision.go``)."""

from __future__ import annotations

import pytest

from k8s_internals.store.revision import (
    MARK_TOMBSTONE,
    REV_BYTES_LEN,
    Revision,
    bytes_to_bucket_key,
)


@pytest.mark.parametrize(
    ("a", "b", "greater"),
    [
        (Revision(1, 0), Revision(0, 0), True),
        (Revision(1, 0), Revision(1, 0), False),
        (Revision(1, 1), Revision(1, 0), True),  # same main: the sub decides
        (Revision(1, 0), Revision(1, 1), False),
        (Revision(2, 0), Revision(1, 9), True),  # main first
        (Revision(1, 9), Revision(2, 0), False),
    ],
)
def test_greater_than(a: Revision, b: Revision, greater: bool) -> None:
    assert a.greater_than(b) is greater
    assert (a > b) is greater


def test_sub_defaults_to_zero_and_sorts() -> None:
    revs = [Revision(3, 1), Revision(2), Revision(3), Revision(1, 5)]
    assert sorted(revs) == [Revision(1, 5), Revision(2, 0), Revision(3, 0), Revision(3, 1)]


def test_to_bytes_is_big_endian_main_underscore_sub() -> None:
    raw = Revision(0x0102, 0x0304).to_bytes()
    assert len(raw) == REV_BYTES_LEN == 17
    assert raw == b"\x00" * 6 + b"\x01\x02" + b"_" + b"\x00" * 6 + b"\x03\x04"


def test_byte_order_is_revision_order() -> None:
    """bbolt sorts keys bytewise: the encoding must sort like the revisions."""
    revs = [Revision(m, s) for m in (1, 2, 255, 256, 70000) for s in (0, 1, 300)]
    assert sorted(revs, key=Revision.to_bytes) == sorted(revs)


@pytest.mark.parametrize("tombstone", [False, True])
def test_bucket_key_round_trip(tombstone: bool) -> None:
    rev = Revision(123456789, 42)
    raw = rev.to_bytes(tombstone=tombstone)
    assert raw.endswith(MARK_TOMBSTONE) is tombstone
    assert bytes_to_bucket_key(raw) == (rev, tombstone)
    assert Revision.from_bytes(raw) == rev
