"""A controller's *extra* work queues, in the same shape as the base class's one.

Several upstream controllers keep more than one queue, each with its own workers and its own
sync function:

- the garbage collector: ``attemptToDelete`` and ``attemptToOrphan`` (both rate limited) and
  the graph builder's ``graphChanges`` (``pkg/controller/garbagecollector/graph_builder.go``);
- the PV controller: ``claimQueue`` and ``volumeQueue``
  (``pkg/controller/volume/persistentvolume/pv_controller_base.go``);
- the node lifecycle controller: ``nodeUpdateQueue`` and ``podUpdateQueue``
  (``pkg/controller/nodelifecycle/node_lifecycle_controller.go``);
- the taint eviction controller: ``nodeUpdateQueue`` and ``podUpdateQueue``
  (``pkg/controller/tainteviction/taint_eviction.go``).

:class:`Controller <k8s_internals.controllers.base.Controller>` owns one queue; a
:class:`SyncQueue` is the second (third...) one: a rate-limited queue, ``workers`` workers
running ``get → sync(item) → forget | add_rate_limited → done``, and the same bookkeeping of
causes (the request whose watch event queued the item) so the requests a sync makes join the
right causal tree.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from ..client.causality import caused_by, current_cause
from ..client.rate_limiter import RateLimiter, default_controller_rate_limiter
from ..client.workqueue import RateLimitingQueue, Worker, start_workers
from ..sim import Kernel

__all__ = ["RequeueItem", "SyncQueue"]

T = TypeVar("T", bound=Hashable)


class RequeueItem(Exception):
    """Raised by a sync function to ask for a rate-limited retry without it being an error
    (upstream's ``requeueItem`` work-queue action in the garbage collector)."""


class SyncQueue(Generic[T]):
    """A rate-limited work queue with its own workers and sync function.

    ``sync(item)`` returning normally forgets the item's failures; raising requeues it with
    the rate limiter's backoff (an exception other than :class:`RequeueItem` is also recorded
    in :attr:`errors`, newest last, at most 100).
    """

    def __init__(self, kernel: Kernel, name: str, sync: Callable[[T], None], *,
                 workers: int = 1, rate_limiter: RateLimiter | None = None) -> None:
        self.kernel = kernel
        self.name = name
        self.sync = sync
        self.workers = workers
        self.queue: RateLimitingQueue[T] = RateLimitingQueue(
            kernel, rate_limiter or default_controller_rate_limiter(lambda: kernel.now),
            name=name)
        self.errors: list[tuple[T, str]] = []
        self.syncs = 0
        self._causes: dict[T, str | None] = {}
        self._workers: list[Worker[T]] = []

    # -- producers -----------------------------------------------------------------------------

    def _remember(self, item: T) -> None:
        cause = current_cause()
        if cause is not None:
            self._causes[item] = cause

    def add(self, item: T) -> None:
        self._remember(item)
        self.queue.add(item)

    def add_after(self, item: T, delay: float) -> None:
        self._remember(item)
        self.queue.add_after(item, delay)

    def add_rate_limited(self, item: T) -> None:
        self._remember(item)
        self.queue.add_rate_limited(item)

    def __len__(self) -> int:
        return len(self.queue)

    # -- workers -------------------------------------------------------------------------------

    def start(self) -> None:
        if not self._workers:
            self._workers = start_workers(self.queue, self._process, self.workers,
                                          name=self.name)

    def stop(self) -> None:
        self.queue.shut_down()
        self._workers = []

    def _process(self, item: T) -> None:
        self.syncs += 1
        cause = self._causes.pop(item, None)
        with caused_by(cause):
            try:
                self.sync(item)
            except Exception as exc:
                if not isinstance(exc, RequeueItem):
                    self.errors.append((item, f"{type(exc).__name__}: {exc}"))
                    del self.errors[:-100]
                if cause is not None:
                    self._causes.setdefault(item, cause)
                self.queue.add_rate_limited(item)
                return
        self.queue.forget(item)
