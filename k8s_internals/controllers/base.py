"""The shape every controller shares, as upstream's controllers are written
(``pkg/controller/replicaset/replica_set.go`` is the model):

- event handlers only compute a ``"ns/name"`` key and add it to a rate-limited work queue;
- workers run ``get → sync(key) → forget | add_rate_limited → done``;
- ``sync`` reads only the informer caches (listers), compares desired and actual state, and
  writes through the API server; it is idempotent, so running it twice does no harm;
- an error from ``sync`` requeues the key with client-go's default controller rate limiter
  (per-item exponential 5 ms → 1000 s, max'd with a 10 qps / 100 burst bucket).

On top of that the simulator remembers, per key, which request caused the latest enqueue, and
runs ``sync`` under that cause, so the requests a controller makes join the causal tree of the
request that triggered them (:mod:`k8s_internals.client.causality`).

``sync_handler`` is an attribute (upstream's ``syncHandler`` field) so a test or a learner can
swap it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..client.causality import caused_by, current_cause
from ..client.client import Client
from ..client.informer import Informer, InformerFactory
from ..client.rate_limiter import default_controller_rate_limiter
from ..client.record import EventRecorder
from ..client.workqueue import RateLimitingQueue, Worker, start_workers
from ..sim import Kernel

__all__ = ["Controller", "key_of"]


def key_of(obj: Any) -> str:
    """``cache.DeletionHandlingMetaNamespaceKeyFunc``: ``"ns/name"`` or ``"name"``; a
    ``DeletedFinalStateUnknown`` carries its key."""
    key = getattr(obj, "key", None)
    if isinstance(key, str):
        return key
    meta = obj.get("metadata", {})
    ns = meta.get("namespace", "")
    return f"{ns}/{meta['name']}" if ns else str(meta["name"])


class Controller:
    """Base class: subclasses set ``name``, wire handlers in ``__init__`` and implement
    :meth:`sync`."""

    #: upstream's controller name (also the event source component and the queue name)
    name = "controller"
    #: how many workers ``run`` starts (kube-controller-manager's ``--concurrent-*-syncs``)
    workers = 1

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        self.client = client
        self.kernel = kernel
        self.factory = factory
        self.queue: RateLimitingQueue[str] = RateLimitingQueue(
            kernel, default_controller_rate_limiter(lambda: kernel.now), name=self.name)
        self.recorder = EventRecorder(client, kernel, component=self.name)
        self.sync_handler: Callable[[str], None] = self.sync
        self._causes: dict[str, str | None] = {}
        self._workers: list[Worker[str]] = []
        self.syncs = 0
        self.errors: list[tuple[str, str]] = []

    def informer(self, resource: str, **kw: Any) -> Informer:
        return self.factory.informer(resource, **kw)

    # -- queueing ------------------------------------------------------------------------------

    def enqueue(self, obj: Any) -> None:
        """What every event handler does: queue the object's key (remembering the cause)."""
        self.enqueue_key(key_of(obj))

    def enqueue_key(self, key: str) -> None:
        cause = current_cause()
        if cause is not None:
            self._causes[key] = cause
        self.queue.add(key)

    def enqueue_after(self, key: str, delay: float, *, check: bool = False) -> None:
        """Queue ``key`` after ``delay``; ``check=True`` marks a scheduled check (a deadline,
        a periodic re-examination) rather than pending work, so the cluster can settle."""
        cause = current_cause()
        if cause is not None:
            self._causes[key] = cause
        self.queue.add_after(key, delay, background=True if check else None)

    # -- workers -------------------------------------------------------------------------------

    def run(self) -> None:
        """Start the informers (shared) and the workers."""
        self.factory.start()
        if not self._workers:
            self._workers = start_workers(self.queue, self._process, self.workers,
                                          name=self.name)

    def stop(self) -> None:
        self.queue.shut_down()
        self._workers = []

    def _process(self, key: str) -> None:
        """``processNextWorkItem``: sync, then forget or requeue with backoff."""
        self.syncs += 1
        cause = self._causes.pop(key, None)
        with caused_by(cause):
            try:
                self.sync_handler(key)
            except Exception as exc:  # upstream: utilruntime.HandleError + AddRateLimited
                self.errors.append((key, f"{type(exc).__name__}: {exc}"))
                del self.errors[:-100]
                if cause is not None:  # the retry still works for the same cause
                    self._causes.setdefault(key, cause)
                self.queue.add_rate_limited(key)
                return
        self.queue.forget(key)

    def sync(self, key: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
