"""Controller expectations: how a controller avoids acting twice on work it has not yet seen.

Upstream: ``pkg/controller/controller_utils.go`` in kubernetes/kubernetes —
``ExpectationsTimeout``, ``ControllerExpectations`` (``GetExpectations``,
``SatisfiedExpectations``, ``DeleteExpectations``, ``SetExpectations``, ``ExpectCreations``,
``ExpectDeletions``, ``CreationObserved``, ``DeletionObserved``, ``RaiseExpectations``,
``LowerExpectations``), ``ControlleeExpectations`` (``Add``, ``Fulfilled``,
``GetExpectations``, ``isExpired``), ``UIDSet`` and ``UIDTrackingControllerExpectations``
(``GetUIDs``, ``ExpectDeletions``, ``DeletionObserved``, ``DeleteExpectations``), ``PodKey``.
Tests: ``controller_utils_test.go`` (``TestControllerExpectations``, ``TestUIDExpectations``).

Why it exists. A ReplicaSet controller that wants 3 pods and sees 0 creates 3. Its informer
has not seen them yet, so the next sync would see 0 again and create 3 more. Instead::

    sync:    diff = 3 - 0 -> expect_creations("default/web", 3); POST 3 pods
    watch:   pod added    -> creation_observed("default/web")   (adds 3 -> 2 -> 1 -> 0)
    sync:    satisfied_expectations("default/web")?  False while adds > 0: do nothing
             True once adds <= 0 and dels <= 0 ("fulfilled"), or 5 minutes after they were
             set ("expired": a lost watch event must not put the controller to sleep forever),
             or when there are no expectations for the key at all.

A create that fails lowers the expectation at once (``creation_observed`` for each failure),
since no watch event will ever come for it.

Time. Upstream reads the wall clock (``clock.RealClock{}``; the TODO says "Support injection
of clock"). Here ``clock`` is required: a callable returning virtual seconds
(``lambda: kernel.now``), and ``ttl`` defaults to :data:`EXPECTATIONS_TIMEOUT` (300 s).

Observer hook: :meth:`ControllerExpectations.subscribe` receives upstream's V(4) log lines as
``(message, fields)`` — "Setting expectations", "Lowered expectations", "Controller still
waiting on expectations", ... — so a widget can narrate a controller's waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .cache import Indexer, new_store

__all__ = [
    "EXPECTATIONS_TIMEOUT",
    "Clock",
    "ControlleeExpectations",
    "ControllerExpectations",
    "ExpectationsObserver",
    "UIDSet",
    "UIDTrackingControllerExpectations",
    "exp_key_func",
    "pod_key",
    "uid_set_key_func",
]

#: ``ExpectationsTimeout`` (5 minutes): "If a watch drops a delete event for a pod, it'll take
#: this long before a dormant controller waiting for those packets is woken up anyway."
EXPECTATIONS_TIMEOUT = 300.0

#: A zero-argument callable returning the current virtual time in seconds.
Clock = Callable[[], float]
#: ``observer(message, fields)``: upstream's log line and its key/value pairs.
ExpectationsObserver = Callable[[str, dict[str, Any]], None]


@dataclass
class ControlleeExpectations:
    """``ControlleeExpectations``: the creations (``add``) and deletions (``dele``) one
    controller still waits for, and when they were set. (``del`` is a Python keyword.)

    Counts may go negative (more observed than expected): still fulfilled.
    """

    key: str
    add: int = 0
    dele: int = 0
    timestamp: float = 0.0

    def add_counts(self, add: int, dele: int) -> None:
        """``Add``: change both counters (negative to lower them)."""
        self.add += add
        self.dele += dele

    def fulfilled(self) -> bool:
        """``Fulfilled``: nothing left to wait for (``add <= 0 and del <= 0``)."""
        return self.add <= 0 and self.dele <= 0

    def get_expectations(self) -> tuple[int, int]:
        """``GetExpectations``: ``(add, del)``."""
        return self.add, self.dele

    def is_expired(self, now: float, ttl: float = EXPECTATIONS_TIMEOUT) -> bool:
        """``isExpired``: set more than ``ttl`` seconds ago (strictly)."""
        return now - self.timestamp > ttl


def exp_key_func(obj: Any) -> str:
    """``ExpKeyFunc``: the store key of a :class:`ControlleeExpectations`."""
    if isinstance(obj, ControlleeExpectations):
        return obj.key
    raise ValueError(f"could not find key for obj {obj!r}")


def pod_key(pod: dict[str, Any]) -> str:
    """``PodKey``: ``"<namespace>/<name>"`` (what UID tracking records for deletions)."""
    meta = pod["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


class ControllerExpectations:
    """``ControllerExpectations``: a :mod:`~k8s_internals.client.cache` store of
    :class:`ControlleeExpectations`, keyed by controller key (``"namespace/name"``).

    "Once set expectations can only be lowered" (by observations); "a controller isn't synced
    till its expectations are either fulfilled, or expire"; "controllers that don't set
    expectations will get woken up for every matching controllee".
    """

    def __init__(self, clock: Clock, ttl: float = EXPECTATIONS_TIMEOUT) -> None:
        self.clock = clock
        self.ttl = ttl
        self.store: Indexer = new_store(exp_key_func)
        self._observers: list[ExpectationsObserver] = []

    def subscribe(self, observer: ExpectationsObserver) -> Callable[[], None]:
        """Call ``observer(message, fields)`` for each upstream log line; returns an
        unsubscribe function."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    def _log(self, message: str, **fields: Any) -> None:
        for observer in list(self._observers):
            observer(message, fields)

    def get_expectations(self, controller_key: str) -> ControlleeExpectations | None:
        """``GetExpectations``: the controller's expectations, or ``None``."""
        exp = self.store.get_by_key(controller_key)
        return exp if isinstance(exp, ControlleeExpectations) else None

    def delete_expectations(self, controller_key: str) -> None:
        """``DeleteExpectations``: forget the controller (e.g. it was deleted)."""
        exp = self.store.get_by_key(controller_key)
        if exp is not None:
            self.store.delete(exp)

    def satisfied_expectations(self, controller_key: str) -> bool:
        """``SatisfiedExpectations``: may the controller sync (act on its diff) now?

        True if its expectations are fulfilled, or expired (older than ``ttl``), or it has none;
        False while it still waits for observations.
        """
        exp = self.get_expectations(controller_key)
        if exp is not None:
            if exp.fulfilled():
                self._log("Controller expectations fulfilled", expectations=exp)
                return True
            if exp.is_expired(self.clock(), self.ttl):
                self._log("Controller expectations expired", expectations=exp)
                return True
            self._log("Controller still waiting on expectations", expectations=exp)
            return False
        # "When a new controller is created, it doesn't have expectations. When it doesn't see
        # expected watch events for > TTL, the expectations expire."
        self._log(
            "Controller either never recorded expectations, or the ttl expired",
            controller=controller_key,
        )
        return True

    def set_expectations(self, controller_key: str, add: int, dele: int) -> None:
        """``SetExpectations``: replace (forget) any existing expectations, timestamped now."""
        exp = ControlleeExpectations(controller_key, add, dele, self.clock())
        self._log("Setting expectations", expectations=exp)
        self.store.add(exp)

    def expect_creations(self, controller_key: str, adds: int) -> None:
        """``ExpectCreations``: ``set_expectations(key, adds, 0)``."""
        self.set_expectations(controller_key, adds, 0)

    def expect_deletions(self, controller_key: str, dels: int) -> None:
        """``ExpectDeletions``: ``set_expectations(key, 0, dels)``."""
        self.set_expectations(controller_key, 0, dels)

    def lower_expectations(self, controller_key: str, add: int, dele: int) -> None:
        """``LowerExpectations``: subtract from the counts (no-op without expectations)."""
        exp = self.get_expectations(controller_key)
        if exp is not None:
            exp.add_counts(-add, -dele)
            self._log("Lowered expectations", expectations=exp)

    def raise_expectations(self, controller_key: str, add: int, dele: int) -> None:
        """``RaiseExpectations``: add to the counts (no-op without expectations)."""
        exp = self.get_expectations(controller_key)
        if exp is not None:
            exp.add_counts(add, dele)
            self._log("Raised expectations", expectations=exp)

    def creation_observed(self, controller_key: str) -> None:
        """``CreationObserved``: one expected creation seen (or failed): ``add -= 1``."""
        self.lower_expectations(controller_key, 1, 0)

    def deletion_observed(self, controller_key: str) -> None:
        """``DeletionObserved``: one expected deletion seen (or failed): ``del -= 1``."""
        self.lower_expectations(controller_key, 0, 1)


@dataclass
class UIDSet:
    """``UIDSet``: a controller key and the set of keys (upstream: pod keys, despite the name)
    whose deletion it waits for."""

    key: str
    uids: set[str] = field(default_factory=set)


def uid_set_key_func(obj: Any) -> str:
    """``UIDSetKeyFunc``."""
    if isinstance(obj, UIDSet):
        return obj.key
    raise ValueError(f"could not find key for obj {obj!r}")


class UIDTrackingControllerExpectations:
    """``UIDTrackingControllerExpectations``: expectations that remember *which* deletions they
    wait for.

    Needed for graceful deletion: a pod that gets a ``deletionTimestamp`` (an update) and later
    disappears (a delete) must count as one deletion, not two. ``deletion_observed`` only lowers
    the count the first time it sees a key it was told to expect. Every other method delegates
    to the wrapped :class:`ControllerExpectations` (upstream embeds the interface).
    """

    def __init__(self, expectations: ControllerExpectations) -> None:
        self.expectations = expectations
        self.uid_store: Indexer = new_store(uid_set_key_func)

    def get_uids(self, controller_key: str) -> set[str] | None:
        """``GetUIDs``: the keys still expected to be deleted, or ``None``."""
        uid_set = self.uid_store.get_by_key(controller_key)
        return uid_set.uids if isinstance(uid_set, UIDSet) else None

    def expect_deletions(self, rc_key: str, deleted_keys: Iterable[str]) -> None:
        """``ExpectDeletions``: wait for these keys to be deleted (replaces any earlier set,
        logging "Clobbering existing delete keys" if it was not empty)."""
        expected = set(deleted_keys)
        self.expectations._log("Controller waiting on deletions", controller=rc_key,
                               keys=sorted(expected))
        existing = self.get_uids(rc_key)
        if existing:
            self.expectations._log("Clobbering existing delete keys", keys=sorted(existing))
        self.uid_store.add(UIDSet(rc_key, expected))
        self.expectations.expect_deletions(rc_key, len(expected))

    def deletion_observed(self, rc_key: str, delete_key: str) -> None:
        """``DeletionObserved``: count ``delete_key`` as deleted, once."""
        uids = self.get_uids(rc_key)
        if uids is not None and delete_key in uids:
            self.expectations._log("Controller received delete for pod", controller=rc_key,
                                   key=delete_key)
            self.expectations.deletion_observed(rc_key)
            uids.discard(delete_key)

    def delete_expectations(self, rc_key: str) -> None:
        """``DeleteExpectations``: drop both the counts and the key set."""
        self.expectations.delete_expectations(rc_key)
        uid_set = self.uid_store.get_by_key(rc_key)
        if uid_set is not None:
            self.uid_store.delete(uid_set)

    # -- delegated (the embedded ControllerExpectationsInterface) --------------------------------

    def subscribe(self, observer: ExpectationsObserver) -> Callable[[], None]:
        return self.expectations.subscribe(observer)

    def get_expectations(self, controller_key: str) -> ControlleeExpectations | None:
        return self.expectations.get_expectations(controller_key)

    def satisfied_expectations(self, controller_key: str) -> bool:
        return self.expectations.satisfied_expectations(controller_key)

    def set_expectations(self, controller_key: str, add: int, dele: int) -> None:
        self.expectations.set_expectations(controller_key, add, dele)

    def expect_creations(self, controller_key: str, adds: int) -> None:
        self.expectations.expect_creations(controller_key, adds)

    def creation_observed(self, controller_key: str) -> None:
        self.expectations.creation_observed(controller_key)

    def raise_expectations(self, controller_key: str, add: int, dele: int) -> None:
        self.expectations.raise_expectations(controller_key, add, dele)

    def lower_expectations(self, controller_key: str, add: int, dele: int) -> None:
        self.expectations.lower_expectations(controller_key, add, dele)
