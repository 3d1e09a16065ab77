"""Controller expectations.

Ported from kubernetes ``pkg/controller/controller_utils_test.go`` (TestControllerExpectations,
TestUIDExpectations). The fake clock is a settable virtual clock; upstream's test uses a TTL
store with a 30 s TTL, here the same TTL is the ``ttl`` argument.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from k8s_internals.client.cache import meta_namespace_key_func
from k8s_internals.client.expectations import (
    EXPECTATIONS_TIMEOUT,
    ControlleeExpectations,
    ControllerExpectations,
    UIDTrackingControllerExpectations,
    exp_key_func,
    pod_key,
)
from k8s_internals.sim import Kernel


class FakeClock:
    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += seconds


def rc(name: str = "foobar", namespace: str = "default") -> dict[str, Any]:
    return {"kind": "ReplicationController", "metadata": {"name": name, "namespace": namespace}}


def test_expectations_timeout_is_five_minutes() -> None:
    assert EXPECTATIONS_TIMEOUT == 5 * 60


def test_controller_expectations() -> None:
    # TestControllerExpectations
    ttl = 30.0
    clock = FakeClock(1_000.0)
    e = ControllerExpectations(clock, ttl=ttl)
    # "In practice we can't really have add and delete expectations since we only either create
    # or delete replicas in one rc pass."
    adds, dels = 10, 30
    rc_key = meta_namespace_key_func(rc())

    # RC fires off adds and deletes at apiserver, then sets expectations.
    e.set_expectations(rc_key, adds, dels)
    for _ in range(adds + 1):
        # In prod this can happen either because of a failed create by the rc or after having
        # observed a create via informer.
        e.creation_observed(rc_key)  # add: 10 -> -1
    # There are still delete expectations (del = 30).
    assert not e.satisfied_expectations(rc_key), "Rc will sync before expectations are met"
    for _ in range(dels + 1):
        e.deletion_observed(rc_key)  # del: 30 -> -1

    cases: list[tuple[str, tuple[int, int] | None, bool, tuple[int, int], bool]] = [
        # name                                          set      expire  want (add, del)  sat.
        ("Expectations have been surpassed",            None,    False,  (-1, -1),        True),
        ("Old expectations are cleared because of ttl", (1, 2),  True,   (1, 2),          False),
    ]  # fmt: skip
    for name, to_set, expire, want, satisfied in cases:
        if to_set is not None:
            e.set_expectations(rc_key, *to_set)
        pod_exp = e.get_expectations(rc_key)
        assert pod_exp is not None, name
        assert pod_exp.get_expectations() == want, name
        assert e.satisfied_expectations(rc_key) is satisfied, name
        if expire:
            clock.step(ttl + 1)  # 31 s > 30 s TTL
            assert e.satisfied_expectations(rc_key), f"{name}: should have expired"


@pytest.mark.parametrize(
    ("elapsed", "expired"),
    [
        (0.0, False),
        (299.0, False),
        (300.0, False),  # exactly the timeout: not yet ("Since(timestamp) > ExpectationsTimeout")
        (300.5, True),
    ],
)
def test_expiry_is_strictly_after_the_timeout(elapsed: float, expired: bool) -> None:
    clock = FakeClock(10.0)
    e = ControllerExpectations(clock)
    e.expect_creations("ns/rs", 3)
    clock.step(elapsed)
    assert e.satisfied_expectations("ns/rs") is expired


def test_no_expectations_means_sync() -> None:
    e = ControllerExpectations(FakeClock())
    assert e.get_expectations("ns/new") is None
    assert e.satisfied_expectations("ns/new")  # a new controller has no expectations


def test_expect_creations_and_deletions_reset_the_other_count() -> None:
    e = ControllerExpectations(FakeClock())
    e.set_expectations("ns/rs", 2, 2)
    e.expect_creations("ns/rs", 3)  # SetExpectations(key, 3, 0): forgets the old ones
    assert e.get_expectations("ns/rs").get_expectations() == (3, 0)  # type: ignore[union-attr]
    e.expect_deletions("ns/rs", 4)
    assert e.get_expectations("ns/rs").get_expectations() == (0, 4)  # type: ignore[union-attr]


def test_raise_and_lower() -> None:
    e = ControllerExpectations(FakeClock())
    e.lower_expectations("ns/none", 1, 1)  # no expectations: no-op
    e.raise_expectations("ns/none", 1, 1)
    assert e.get_expectations("ns/none") is None

    e.expect_creations("ns/rs", 2)
    e.raise_expectations("ns/rs", 3, 1)  # (2, 0) + (3, 1) = (5, 1)
    assert e.get_expectations("ns/rs").get_expectations() == (5, 1)  # type: ignore[union-attr]
    e.lower_expectations("ns/rs", 5, 0)  # (0, 1): still a deletion to see
    assert not e.satisfied_expectations("ns/rs")
    e.deletion_observed("ns/rs")  # (0, 0)
    assert e.satisfied_expectations("ns/rs")


def test_delete_expectations() -> None:
    e = ControllerExpectations(FakeClock())
    e.expect_creations("ns/rs", 1)
    e.delete_expectations("ns/rs")
    e.delete_expectations("ns/rs")  # twice: harmless
    assert e.get_expectations("ns/rs") is None
    assert e.satisfied_expectations("ns/rs")


def test_the_replicaset_story_on_virtual_time(kernel: Kernel) -> None:
    e = ControllerExpectations(lambda: kernel.now)
    # sync at t=0: want 3, have 0 -> create 3 and expect them
    e.expect_creations("default/web", 3)
    kernel.run_for(1.0)
    e.creation_observed("default/web")  # the informer sees pod 1
    e.creation_observed("default/web")  # pod 2
    assert not e.satisfied_expectations("default/web")  # a resync now must not create again
    # Pod 3's watch event is lost. After the 5-minute timeout the controller wakes up anyway.
    kernel.run_for(299.0)  # t = 300: set at t = 0, 300 s is not > 300 s
    assert not e.satisfied_expectations("default/web")
    kernel.run_for(0.001)
    assert e.satisfied_expectations("default/web")


def test_observer_receives_upstream_log_lines() -> None:
    clock = FakeClock()
    e = ControllerExpectations(clock, ttl=10)
    lines: list[str] = []
    e.subscribe(lambda message, fields: lines.append(message))
    e.satisfied_expectations("ns/rs")
    e.expect_creations("ns/rs", 1)
    e.satisfied_expectations("ns/rs")
    clock.step(11)
    e.satisfied_expectations("ns/rs")
    e.creation_observed("ns/rs")
    e.raise_expectations("ns/rs", 0, 0)
    e.satisfied_expectations("ns/rs")
    assert lines == [
        "Controller either never recorded expectations, or the ttl expired",
        "Setting expectations",
        "Controller still waiting on expectations",
        "Controller expectations expired",
        "Lowered expectations",
        "Raised expectations",
        "Controller expectations fulfilled",
    ]


def test_exp_key_func() -> None:
    assert exp_key_func(ControlleeExpectations("ns/rs")) == "ns/rs"
    with pytest.raises(ValueError, match="could not find key"):
        exp_key_func("not an expectation")


# -- UIDTrackingControllerExpectations ----------------------------------------------------------


def test_uid_expectations() -> None:
    # TestUIDExpectations: four RCs, each expecting 5 pod deletions, in a shuffled order.
    uid_exp = UIDTrackingControllerExpectations(ControllerExpectations(FakeClock()))
    cases = [
        ("Replication controller with 2 replicas", 2),
        ("Replication controller with 1 replica", 1),
        ("Replication controller with no replicas", 0),
        ("Replication controller with 5 replicas", 5),
    ]
    random.Random(0).shuffle(cases)

    for name, num_replicas in cases:
        rc_name = f"rc-{num_replicas}"
        rc_key = meta_namespace_key_func(rc(rc_name))
        rc_pod_names = [
            pod_key({"metadata": {"name": f"pod{i}-{rc_name}", "namespace": "default"}})
            for i in range(5)
        ]
        uid_exp.expect_deletions(rc_key, rc_pod_names)
        assert not uid_exp.satisfied_expectations(rc_key), f"{name}: satisfied before deletion"

        for p in rc_pod_names:
            uid_exp.deletion_observed(rc_key, p)
        assert uid_exp.satisfied_expectations(rc_key), f"{name}: not satisfied after deletion"

        uid_exp.delete_expectations(rc_key)
        assert uid_exp.get_uids(rc_key) is None, f"{name}: uid expectations not deleted"
        assert uid_exp.get_expectations(rc_key) is None


def test_graceful_deletion_is_counted_once() -> None:
    uid_exp = UIDTrackingControllerExpectations(ControllerExpectations(FakeClock()))
    uid_exp.expect_deletions("default/web", ["default/web-a", "default/web-b"])  # del = 2
    # web-a gets a deletionTimestamp (an update the controller treats as a delete)...
    uid_exp.deletion_observed("default/web", "default/web-a")  # del = 1
    # ...and later really disappears: the same key again must not count twice.
    uid_exp.deletion_observed("default/web", "default/web-a")  # still 1
    uid_exp.deletion_observed("default/web", "default/unrelated")  # not expected: ignored
    assert uid_exp.get_expectations("default/web").get_expectations() == (0, 1)  # type: ignore[union-attr]
    assert uid_exp.get_uids("default/web") == {"default/web-b"}
    assert not uid_exp.satisfied_expectations("default/web")
    uid_exp.deletion_observed("default/web", "default/web-b")
    assert uid_exp.satisfied_expectations("default/web")


def test_uid_expectations_clobber_and_delegate() -> None:
    e = ControllerExpectations(FakeClock())
    uid_exp = UIDTrackingControllerExpectations(e)
    lines: list[tuple[str, dict[str, Any]]] = []
    uid_exp.subscribe(lambda message, fields: lines.append((message, fields)))
    uid_exp.expect_deletions("ns/rs", ["ns/a"])
    uid_exp.expect_deletions("ns/rs", ["ns/b", "ns/c"])  # replaces the pending set
    assert ("Clobbering existing delete keys", {"keys": ["ns/a"]}) in lines
    assert uid_exp.get_uids("ns/rs") == {"ns/b", "ns/c"}
    assert e.get_expectations("ns/rs").get_expectations() == (0, 2)  # type: ignore[union-attr]
    # Creations go straight to the wrapped expectations.
    uid_exp.expect_creations("ns/other", 1)
    uid_exp.creation_observed("ns/other")
    assert uid_exp.satisfied_expectations("ns/other")
    uid_exp.set_expectations("ns/x", 1, 0)
    uid_exp.raise_expectations("ns/x", 1, 0)
    uid_exp.lower_expectations("ns/x", 2, 0)
    assert uid_exp.satisfied_expectations("ns/x")


def test_pod_key() -> None:
    assert pod_key({"metadata": {"name": "web-0", "namespace": "default"}}) == "default/web-0"
