"""client-go's work queue, in the same shape, on the simulation kernel.

Upstream files (shapes copied, code rewritten):

- ``util/workqueue/queue.go`` — :class:`Queue` (upstream ``Typed[T]``, formerly ``Type``): the
  ``queue`` (order), ``dirty`` (needs work) and ``processing`` (in flight) sets; ``Add``,
  ``Get``, ``Done``, ``Len``, ``ShutDown``, ``ShutDownWithDrain``, ``ShuttingDown``.
- ``util/workqueue/delaying_queue.go`` — :class:`DelayingQueue`: ``AddAfter`` and the
  ``waitingForQueue`` heap, which keeps one entry per item with the *earliest* ready time.
- ``util/workqueue/rate_limiting_queue.go`` — :class:`RateLimitingQueue`: ``AddRateLimited``,
  ``Forget``, ``NumRequeues`` on top of a :mod:`~k8s_internals.client.rate_limiter`.
- ``util/workqueue/metrics.go`` — :class:`QueueMetrics`: depth, adds, queue and work
  durations, unfinished work, longest running processor, retries (Prometheus names as
  ``component-base/metrics/prometheus/workqueue``: ``workqueue_depth``, ``workqueue_adds_total``
  ...).
- ``util/workqueue/doc.go`` — the promises: *fair* (FIFO), *stingy* (an item is never processed
  by two workers at once, and many adds before processing collapse into one), many producers
  and consumers (re-adding an item while it is processed is allowed: it is requeued on ``Done``),
  shutdown notifications.

The three sets, walked through (the lesson of this module)::

    add("a")            queue=[a]   dirty={a}   processing={}
    add("a")            queue=[a]   dirty={a}   processing={}     already dirty: collapsed
    get() -> a          queue=[]    dirty={}    processing={a}
    add("a")            queue=[]    dirty={a}   processing={a}    NOT queued: a worker has it
    done("a")           queue=[a]   dirty={a}   processing={}     dirty again -> requeued
    get() -> a; done    queue=[]    dirty={}    processing={}

Blocking, translated to discrete events
----------------------------------------
Upstream ``Get`` blocks the calling goroutine on a ``sync.Cond`` until an item is ready or the
queue shuts down; ``Add`` and ``Done`` ``Signal`` one waiter, ``ShutDown`` ``Broadcast`` s to all.
There are no threads here, so:

- :meth:`Queue.get` never blocks: it returns ``(item, False)``, ``(None, True)`` when the queue
  is shutting down and empty (upstream's "the caller should end their goroutine"), or ``None``
  when upstream would block.
- :meth:`Queue.get_async` is the blocking ``Get`` in continuation-passing style: it parks a
  *getter* (a goroutine waiting in ``cond.Wait``) and calls ``callback(item, shutdown)`` through
  the kernel soon after an item is ready (``call_soon``: same virtual instant, after what is
  already due). Each ``add`` that makes an item ready wakes one getter, FIFO, as ``Signal``
  does; ``shut_down`` wakes them all. Parked getters are not kernel events, so idle workers
  never keep ``kernel.run_until_idle()`` from returning.
- :class:`Worker` / :func:`start_workers` package the controller loop
  (``wait.Until(c.worker)`` → ``for c.processNextWorkItem() {}``): get → ``process(item)`` →
  done → get again. ``work_duration`` keeps the item in ``processing`` for that many virtual
  seconds, so a widget can watch "never two workers on one key" happen.

A controller's worker, written by hand with the primitives::

    def worker() -> None:
        queue.get_async(on_item)

    def on_item(key: str | None, shutdown: bool) -> None:
        if shutdown:
            return                          # the goroutine ends
        try:
            err = sync_handler(key)
            if err is None:
                queue.forget(key)           # success: reset its backoff
            else:
                queue.add_rate_limited(key) # failure: retry after the limiter's delay
        finally:
            queue.done(key)
        worker()                            # back to Get

Observer hooks: :meth:`Queue.subscribe` calls ``observer(QueueEvent)`` on every add, get,
done, requeue, add-after, rate-limited add, forget and shutdown (see :class:`QueueEventType`).
Observers must not call back into the queue.

What is simplified: no pluggable underlying ``Queue[T]`` (``Touch``/``Push``/``Pop``; the
order is always FIFO), no 10 s ``maxWait`` heartbeat in the delaying queue (a kernel timer fires
exactly when the earliest item is due, so the "insurance" is not needed), metrics are always on
(upstream needs a ``Name`` and a provider) and are plain numbers, not Prometheus series.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, MutableSet
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from ..sim.kernel import Kernel, Timer
from .rate_limiter import RateLimiter, default_controller_rate_limiter

__all__ = [
    "DelayingQueue",
    "Getter",
    "OrderedSet",
    "Queue",
    "QueueEvent",
    "QueueEventType",
    "QueueMetrics",
    "RateLimitingQueue",
    "Summary",
    "Worker",
    "WorkerState",
    "start_workers",
]

T = TypeVar("T", bound=Hashable)


# -- a set that remembers order ----------------------------------------------------------------


class OrderedSet(MutableSet[T]):
    """A set that iterates in insertion order (upstream ``sets.Set[T]``, a Go map).

    Used for ``dirty`` and ``processing`` so what a notebook prints is the same on every run
    (a built-in ``set`` of strings iterates in hash order, which changes per process).

    >>> s = OrderedSet(["b", "a"]); s.add("c"); s.discard("b"); s
    OrderedSet(['a', 'c'])
    """

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items: dict[T, None] = dict.fromkeys(items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, value: T) -> None:
        self._items[value] = None

    def discard(self, value: T) -> None:
        self._items.pop(value, None)

    def __repr__(self) -> str:
        return f"OrderedSet({list(self._items)!r})"


# -- metrics ----------------------------------------------------------------------------------


@dataclass
class Summary:
    """Observations of one duration (upstream a Prometheus histogram): count, sum, max, last."""

    count: int = 0
    sum: float = 0.0
    max: float = 0.0
    last: float = 0.0

    def observe(self, value: float) -> None:
        self.count += 1
        self.sum += value
        self.last = value
        self.max = max(self.max, value)

    @property
    def mean(self) -> float:
        return self.sum / self.count if self.count else 0.0


@dataclass
class QueueMetrics:
    """``defaultQueueMetrics`` + ``defaultRetryMetrics`` (``metrics.go``), as plain numbers.

    - ``depth`` — ``workqueue_depth``: items added and not yet taken by ``get`` (an item
      re-added while processing counts from the add, as upstream, though it is only pushed onto
      ``queue`` at ``done``).
    - ``adds`` — ``workqueue_adds_total``: adds that were not collapsed into a dirty item.
    - ``queue_duration`` — ``workqueue_queue_duration_seconds``: first add → get.
    - ``work_duration`` — ``workqueue_work_duration_seconds``: get → done.
    - ``retries`` — ``workqueue_retries_total``: calls to ``add_after`` (so every
      ``add_rate_limited``), counted by the delaying queue.
    - :meth:`unfinished_work_seconds` / :meth:`longest_running_processor_seconds` —
      ``workqueue_unfinished_work_seconds`` / ``workqueue_longest_running_processor_seconds``.
      Upstream refreshes these gauges every 500 ms; here they are computed exactly when asked.
    """

    depth: int = 0
    adds: int = 0
    retries: int = 0
    queue_duration: Summary = field(default_factory=Summary)
    work_duration: Summary = field(default_factory=Summary)
    add_times: dict[Any, float] = field(default_factory=dict, repr=False)
    processing_start_times: dict[Any, float] = field(default_factory=dict, repr=False)

    def add(self, item: Hashable, now: float) -> None:
        self.adds += 1
        self.depth += 1
        self.add_times.setdefault(item, now)

    def get(self, item: Hashable, now: float) -> None:
        self.depth -= 1
        self.processing_start_times[item] = now
        start = self.add_times.pop(item, None)
        if start is not None:
            self.queue_duration.observe(now - start)

    def done(self, item: Hashable, now: float) -> None:
        start = self.processing_start_times.pop(item, None)
        if start is not None:
            self.work_duration.observe(now - start)

    def unfinished_work_seconds(self, now: float) -> float:
        """Sum of the ages of all items in processing."""
        return sum(now - t for t in self.processing_start_times.values())

    def longest_running_processor_seconds(self, now: float) -> float:
        """Age of the oldest item in processing (0 if none)."""
        return max((now - t for t in self.processing_start_times.values()), default=0.0)

    def samples(self, now: float) -> dict[str, float]:
        """The values under their Prometheus names (``_sum`` / ``_count`` for durations)."""
        return {
            "workqueue_depth": self.depth,
            "workqueue_adds_total": self.adds,
            "workqueue_queue_duration_seconds_sum": self.queue_duration.sum,
            "workqueue_queue_duration_seconds_count": self.queue_duration.count,
            "workqueue_work_duration_seconds_sum": self.work_duration.sum,
            "workqueue_work_duration_seconds_count": self.work_duration.count,
            "workqueue_unfinished_work_seconds": self.unfinished_work_seconds(now),
            "workqueue_longest_running_processor_seconds": (
                self.longest_running_processor_seconds(now)
            ),
            "workqueue_retries_total": self.retries,
        }


# -- observer events --------------------------------------------------------------------------


class QueueEventType(Enum):
    """What happened to an item (what a widget animates)."""

    #: ``add``: new work, appended to ``queue`` (and ``dirty``).
    ADD = "Add"
    #: ``add`` of an item already in ``dirty``: collapsed, nothing changes ("stingy").
    ADD_DUPLICATE = "AddDuplicate"
    #: ``add`` of an item a worker is processing: marked dirty, queued again at ``done``.
    ADD_WHILE_PROCESSING = "AddWhileProcessing"
    #: ``add`` after ``shut_down``: dropped.
    ADD_AFTER_SHUTDOWN = "AddAfterShutDown"
    #: ``get``: moved from ``queue``/``dirty`` to ``processing``.
    GET = "Get"
    #: ``done``: removed from ``processing``.
    DONE = "Done"
    #: ``done`` found the item dirty again: appended to ``queue``.
    REQUEUE = "Requeue"
    #: ``add_after`` with a positive delay: waiting in the delaying queue until ``ready_at``.
    ADD_AFTER = "AddAfter"
    #: ``add_rate_limited``: the rate limiter chose ``delay`` (then ``ADD_AFTER`` or ``ADD``).
    ADD_RATE_LIMITED = "AddRateLimited"
    #: ``forget``: the rate limiter stopped tracking the item.
    FORGET = "Forget"
    #: ``shut_down`` / ``shut_down_with_drain``.
    SHUT_DOWN = "ShutDown"


@dataclass(frozen=True)
class QueueEvent:
    """One observed queue operation. ``depth`` is ``len(queue)`` after it; ``delay`` is set for
    ``ADD_AFTER`` / ``ADD_RATE_LIMITED``; ``requeues`` (failures so far) for
    ``ADD_RATE_LIMITED``."""

    type: QueueEventType
    item: Any
    time: float
    queue_name: str
    depth: int
    delay: float | None = None
    requeues: int | None = None


# -- the queue --------------------------------------------------------------------------------


class Getter:
    """A parked :meth:`Queue.get_async` call: a goroutine blocked in ``Get``. ``cancel()`` it to
    stop waiting (e.g. when a controller stops)."""

    __slots__ = ("_queue", "callback", "cancelled", "delivered")

    def __init__(self, queue: Queue[Any], callback: Callable[[Any, bool], None]) -> None:
        self._queue = queue
        self.callback = callback
        self.cancelled = False
        self.delivered = False

    def cancel(self) -> None:
        if self.cancelled or self.delivered:
            return
        self.cancelled = True
        # Not found if already woken: the scheduled delivery then passes the signal on.
        with contextlib.suppress(ValueError):
            self._queue._getters.remove(self)


class Queue(Generic[T]):
    """``workqueue.Typed[T]`` (``queue.go``): a fair, stingy work queue.

    ``kernel`` is optional for hand-driven use (``add`` / ``get`` / ``done`` in a notebook cell;
    metrics then see time 0) and needed for :meth:`get_async` and :class:`Worker`.

    Attributes mirror upstream's fields: ``queue`` (a deque: FIFO order of ready items; every
    element is in ``dirty`` and not in ``processing``), ``dirty`` (everything that needs
    processing), ``processing`` (items handed out by ``get`` and not yet ``done``). Read them;
    do not change them.
    """

    def __init__(self, kernel: Kernel | None = None, *, name: str = "") -> None:
        self.kernel = kernel
        self.name = name
        self.queue: deque[T] = deque()
        self.dirty: OrderedSet[T] = OrderedSet()
        self.processing: OrderedSet[T] = OrderedSet()
        self.metrics = QueueMetrics()
        self._shutting_down = False
        self._drain = False
        self._getters: deque[Getter] = deque()
        self._drained_callbacks: list[Callable[[], None]] = []
        self._observers: list[Callable[[QueueEvent], None]] = []

    # -- Interface ----------------------------------------------------------------------------

    def add(self, item: T) -> None:
        """``Add``: mark ``item`` as needing processing.

        Dropped after shutdown; collapsed if already dirty; if a worker is processing it, only
        marked dirty (``done`` will queue it again); otherwise appended to ``queue`` and one
        waiting getter is woken.
        """
        if self._shutting_down:
            self._emit(QueueEventType.ADD_AFTER_SHUTDOWN, item)
            return
        if item in self.dirty:
            self._emit(QueueEventType.ADD_DUPLICATE, item)
            return
        self.metrics.add(item, self._now())
        self.dirty.add(item)
        if item in self.processing:
            self._emit(QueueEventType.ADD_WHILE_PROCESSING, item)
            return
        self.queue.append(item)
        self._emit(QueueEventType.ADD, item)
        self._signal()

    def len(self) -> int:
        """``Len``: items ready to be handed out (not those being processed or waiting)."""
        return len(self.queue)

    def __len__(self) -> int:
        return len(self.queue)

    def get(self) -> tuple[T | None, bool] | None:
        """``Get`` without blocking.

        Returns ``(item, False)`` — you must call :meth:`done` with it —, ``(None, True)`` if
        the queue is shutting down and empty (stop the worker), or ``None`` if there is nothing
        to do yet (upstream would block: use :meth:`get_async`). As upstream, items still queued
        at shutdown are handed out until the queue is empty.
        """
        if not self.queue:
            return (None, True) if self._shutting_down else None
        item = self.queue.popleft()
        self.metrics.get(item, self._now())
        self.processing.add(item)
        self.dirty.discard(item)
        self._emit(QueueEventType.GET, item)
        return item, False

    def get_async(self, callback: Callable[[T | None, bool], None]) -> Getter:
        """The blocking ``Get``, for a discrete-event world: call ``callback(item, shutdown)``
        soon after an item is ready (or at shutdown), through the kernel.

        If something is ready now, the call is scheduled for the current instant; otherwise the
        getter is parked until an ``add`` / ``done`` / ``shut_down`` wakes it. ``callback`` gets
        exactly what :meth:`get` would have returned (never ``None``). Returns a :class:`Getter`
        that can be cancelled.
        """
        getter = Getter(self, callback)
        if self.queue or self._shutting_down:
            self._wake(getter)
        else:
            self._getters.append(getter)
        return getter

    def done(self, item: T) -> None:
        """``Done``: ``item`` is no longer being processed. If it was added again meanwhile
        (it is dirty), it goes back on the queue."""
        self.metrics.done(item, self._now())
        self.processing.discard(item)
        self._emit(QueueEventType.DONE, item)
        if item in self.dirty:
            self.queue.append(item)
            self._emit(QueueEventType.REQUEUE, item)
            self._signal()
        if not self.processing:
            # ShutDownWithDrain waits for "processing is empty" (a requeued item may still be
            # handed out afterwards, as upstream).
            self._run_drained_callbacks()

    def shut_down(self) -> None:
        """``ShutDown``: ignore new adds and tell every waiting worker to stop (they still get
        the items already queued, then ``(None, True)``). Also ends a pending
        :meth:`shut_down_with_drain` wait."""
        self._drain = False
        self._shutting_down = True
        self._emit(QueueEventType.SHUT_DOWN, None)
        self._broadcast()
        self._run_drained_callbacks()

    def shut_down_with_drain(self, on_drained: Callable[[], None] | None = None) -> bool:
        """``ShutDownWithDrain``: like :meth:`shut_down`, but wait until every item being
        processed is ``done``.

        Upstream blocks the caller; here ``on_drained()`` is called when ``processing`` becomes
        empty (at once if it already is). Returns True if already drained. A later
        :meth:`shut_down` stops the wait (and calls ``on_drained``), as upstream.
        """
        self._drain = True
        self._shutting_down = True
        self._emit(QueueEventType.SHUT_DOWN, None)
        self._broadcast()
        if not self.processing:
            if on_drained is not None:
                on_drained()
            return True
        if on_drained is not None:
            self._drained_callbacks.append(on_drained)
        return False

    def shutting_down(self) -> bool:
        """``ShuttingDown``."""
        return self._shutting_down

    # -- observing ----------------------------------------------------------------------------

    def subscribe(self, observer: Callable[[QueueEvent], None]) -> Callable[[], None]:
        """Call ``observer(event)`` after each queue operation; returns an unsubscribe
        function."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    @property
    def waiting_getters(self) -> int:
        """How many getters (idle workers) are parked in ``get_async``."""
        return len(self._getters)

    def snapshot(self) -> dict[str, Any]:
        """The three sets as lists (for printing and widgets)."""
        return {
            "queue": list(self.queue),
            "dirty": list(self.dirty),
            "processing": list(self.processing),
        }

    def __repr__(self) -> str:
        s = self.snapshot()
        return (
            f"{type(self).__name__}(name={self.name!r}, queue={s['queue']}, dirty={s['dirty']}, "
            f"processing={s['processing']}, shutting_down={self._shutting_down})"
        )

    # -- internals ----------------------------------------------------------------------------

    def _now(self) -> float:
        return self.kernel.now if self.kernel is not None else 0.0

    def _emit(
        self,
        kind: QueueEventType,
        item: Any,
        delay: float | None = None,
        requeues: int | None = None,
    ) -> None:
        if not self._observers:
            return
        event = QueueEvent(kind, item, self._now(), self.name, len(self.queue), delay, requeues)
        for observer in list(self._observers):
            observer(event)

    def _signal(self) -> None:
        """``cond.Signal``: wake the longest-waiting getter."""
        if self._getters:
            self._wake(self._getters.popleft())

    def _broadcast(self) -> None:
        """``cond.Broadcast``: wake every getter."""
        while self._getters:
            self._wake(self._getters.popleft())

    def _wake(self, getter: Getter) -> None:
        if self.kernel is None:
            raise RuntimeError("get_async needs a kernel: Queue(kernel, ...)")
        label = f"workqueue {self.name}: get" if self.name else "workqueue: get"
        self.kernel.call_soon(self._deliver, getter, name=label)

    def _deliver(self, getter: Getter) -> None:
        if getter.cancelled:
            if self.queue:
                self._signal()  # do not lose the wake-up: pass it to the next getter
            return
        got = self.get()
        if got is None:
            # Another worker took the item first: wait again, at the front (it waited longest).
            self._getters.appendleft(getter)
            return
        getter.delivered = True
        item, shutdown = got
        getter.callback(item, shutdown)

    def _run_drained_callbacks(self) -> None:
        callbacks, self._drained_callbacks = self._drained_callbacks, []
        for callback in callbacks:
            callback()


# -- delaying queue ---------------------------------------------------------------------------


@dataclass(order=True)
class _WaitFor:
    """``waitFor``: an item and when to add it (``seq`` keeps equal times FIFO)."""

    ready_at: float
    seq: int
    item: Any = field(compare=False)
    stale: bool = field(default=False, compare=False)
    #: a scheduled *check* (e.g. a progress deadline) rather than pending work: its timer does
    #: not keep ``kernel.run_until_idle`` waiting
    background: bool = field(default=False, compare=False)


class DelayingQueue(Queue[T]):
    """``delayingType`` (``delaying_queue.go``): a :class:`Queue` that can add an item later.

    ``add_after(item, delay)`` puts the item in a waiting heap; a kernel timer fires at the
    earliest ``ready_at`` and ``add`` s everything due. Adding an item that is already waiting
    keeps the *earlier* of the two times (upstream ``insert``: "update the time only if it would
    cause the item to be queued sooner"). Waiting items are not in ``dirty`` yet, so a plain
    ``add`` meanwhile queues the item at once, and the waiting entry collapses into it when it
    fires (if the item is still dirty).

    The timer is ordinary (not background) kernel work, so ``run_until_idle`` waits for pending
    retries; note that a key backing off at the 1000 s cap keeps the kernel busy that long.
    ``add_after(..., background=True)`` marks a scheduled check instead (the Deployment
    controller's progress-deadline requeue): its timer is background kernel work; ``None``
    inherits the kind of the running kernel event.
    """

    def __init__(self, kernel: Kernel, *, name: str = "") -> None:
        super().__init__(kernel, name=name)
        self.kernel: Kernel = kernel
        self._waiting: list[_WaitFor] = []
        self._waiting_by_item: dict[Any, _WaitFor] = {}
        self._seq = itertools.count()
        self._timer: Timer | None = None
        self._timer_at = 0.0

    def add_after(self, item: T, delay: float, background: bool | None = None) -> None:
        """``AddAfter``: add ``item`` after ``delay`` virtual seconds (at once if ``<= 0``)."""
        if self._shutting_down:
            return
        self.metrics.retries += 1
        if delay <= 0:
            self.add(item)
            return
        ready_at = self.kernel.now + delay
        existing = self._waiting_by_item.get(item)
        if existing is not None:
            if existing.ready_at <= ready_at:
                return  # already due sooner: keep the earlier time
            existing.stale = True  # lazy heap update (upstream: heap.Fix)
        if background is None:
            current = self.kernel._current
            background = current.background if current is not None else False
        entry = _WaitFor(ready_at, next(self._seq), item, background=background)
        heapq.heappush(self._waiting, entry)
        self._waiting_by_item[item] = entry
        self._emit(QueueEventType.ADD_AFTER, item, delay=delay)
        self._arm()

    def waiting(self) -> list[tuple[T, float]]:
        """Items waiting to be added, with their ready times, soonest first."""
        entries = sorted(e for e in self._waiting if not e.stale)
        return [(e.item, e.ready_at) for e in entries]

    def shut_down(self) -> None:
        """``ShutDown``: also stops the waiting loop; items still waiting are dropped."""
        super().shut_down()
        self._stop_waiting()

    def shut_down_with_drain(self, on_drained: Callable[[], None] | None = None) -> bool:
        drained = super().shut_down_with_drain(on_drained)
        self._stop_waiting()
        return drained

    def _stop_waiting(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._waiting.clear()
        self._waiting_by_item.clear()

    def _head(self) -> _WaitFor | None:
        heap = self._waiting
        while heap and heap[0].stale:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def _arm(self) -> None:
        """Keep one timer, set for the earliest ``ready_at`` (``nextReadyAtTimer``)."""
        head = self._head()
        if head is None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            return
        if self._timer is not None:
            if self._timer_at == head.ready_at and self._timer.event.background == (
                    head.background):
                return
            self._timer.cancel()
        label = f"workqueue {self.name}: ready" if self.name else "workqueue: ready"
        self._timer = self.kernel.call_at(head.ready_at, self._fire, name=label,
                                          background=head.background)
        self._timer_at = head.ready_at

    def _fire(self) -> None:
        """The ``waitingLoop`` body: add every entry that is due, then re-arm."""
        self._timer = None
        now = self.kernel.now
        while True:
            head = self._head()
            if head is None or head.ready_at > now:
                break
            heapq.heappop(self._waiting)
            del self._waiting_by_item[head.item]
            self.add(head.item)
        self._arm()


# -- rate-limiting queue ----------------------------------------------------------------------


class RateLimitingQueue(DelayingQueue[T]):
    """``rateLimitingType`` (``rate_limiting_queue.go``): ``add_rate_limited`` waits as long as
    the rate limiter says.

    ``rate_limiter`` defaults to
    :func:`~k8s_internals.client.rate_limiter.default_controller_rate_limiter`. Limiters built
    without a clock get the kernel's (``bind_clock``). "Remember to call Forget! If you don't,
    you may end up tracking failures forever."
    """

    def __init__(
        self, kernel: Kernel, rate_limiter: RateLimiter | None = None, *, name: str = ""
    ) -> None:
        super().__init__(kernel, name=name)
        self.rate_limiter: RateLimiter = (
            rate_limiter if rate_limiter is not None else default_controller_rate_limiter()
        )
        bind = getattr(self.rate_limiter, "bind_clock", None)
        if bind is not None:
            bind(lambda: kernel.now)

    def add_rate_limited(self, item: T) -> None:
        """``AddRateLimited``: ``add_after(item, rate_limiter.when(item))``."""
        delay = self.rate_limiter.when(item)
        self._emit(
            QueueEventType.ADD_RATE_LIMITED,
            item,
            delay=delay,
            requeues=self.rate_limiter.num_requeues(item),
        )
        self.add_after(item, delay)

    def forget(self, item: T) -> None:
        """``Forget``: the item is finished being retried (success or given up). This only
        clears the rate limiter; you still have to call :meth:`done`."""
        self.rate_limiter.forget(item)
        self._emit(QueueEventType.FORGET, item)

    def num_requeues(self, item: T) -> int:
        """``NumRequeues``: how many times the item was requeued (its failures)."""
        return self.rate_limiter.num_requeues(item)


# -- workers ----------------------------------------------------------------------------------


class WorkerState(Enum):
    IDLE = "Idle"  # not started
    WAITING = "Waiting"  # parked in get_async
    BUSY = "Busy"  # processing an item
    STOPPED = "Stopped"


class Worker(Generic[T]):
    """One controller worker: ``wait.Until(c.worker, ...)`` with ``c.worker`` looping
    ``processNextWorkItem``: get → ``process(item)`` → done → get again, until the queue shuts
    down or :meth:`stop` is called.

    ``process`` is the body between ``Get`` and ``Done`` — the controller's
    ``syncHandler`` plus its ``Forget`` / ``AddRateLimited`` error handling. ``work_duration``
    (seconds, or a function of the item) keeps the item in ``processing`` that long after
    ``process`` returns, to model slow work. If ``process`` raises, the item is still marked
    done (upstream's ``defer c.queue.Done(key)``), the worker stops and the exception
    propagates out of the kernel step (upstream ``HandleCrash`` panics again by default).
    """

    def __init__(
        self,
        queue: Queue[T],
        process: Callable[[T], None],
        *,
        name: str = "worker",
        work_duration: float | Callable[[T], float] = 0.0,
    ) -> None:
        if queue.kernel is None:
            raise ValueError("a Worker needs a queue with a kernel")
        self.queue = queue
        self.kernel: Kernel = queue.kernel
        self.process = process
        self.name = name
        self.work_duration = work_duration
        self.state = WorkerState.IDLE
        self.item: T | None = None
        self.processed = 0
        self._getter: Getter | None = None
        self._stopping = False

    def start(self) -> None:
        if self.state is WorkerState.IDLE:
            self._wait()

    def stop(self) -> None:
        """Stop after the current item (if any); a parked wait is cancelled."""
        if self._getter is not None:
            self._getter.cancel()
            self._getter = None
        if self.state is not WorkerState.BUSY:
            self.state = WorkerState.STOPPED
        self._stopping = True

    def _wait(self) -> None:
        self.state = WorkerState.WAITING
        self._getter = self.queue.get_async(self._on_item)

    def _on_item(self, item: T | None, shutdown: bool) -> None:
        self._getter = None
        if shutdown or item is None:
            self.state = WorkerState.STOPPED
            return
        self.state = WorkerState.BUSY
        self.item = item
        try:
            self.process(item)
        except BaseException:
            self.queue.done(item)
            self.item = None
            self.state = WorkerState.STOPPED
            raise
        duration = (
            self.work_duration(item) if callable(self.work_duration) else self.work_duration
        )
        if duration > 0:
            self.kernel.call_later(duration, self._finish, item, name=f"{self.name}: done")
        else:
            self._finish(item)

    def _finish(self, item: T) -> None:
        self.queue.done(item)
        self.processed += 1
        self.item = None
        if self._stopping:
            self.state = WorkerState.STOPPED
            return
        self._wait()

    def __repr__(self) -> str:
        return f"Worker({self.name!r}, {self.state.value}, item={self.item!r})"


def start_workers(
    queue: Queue[T],
    process: Callable[[T], None],
    workers: int = 1,
    *,
    name: str = "worker",
    work_duration: float | Callable[[T], float] = 0.0,
) -> list[Worker[T]]:
    """Start ``workers`` :class:`Worker` s on ``queue`` (a controller's ``Run(ctx, workers)``).

    With several workers, each key is still processed by at most one at a time: that is the
    queue's ``processing`` set at work, not a lock in the controller.
    """
    pool = [
        Worker(queue, process, name=f"{name}-{i}", work_duration=work_duration)
        for i in range(workers)
    ]
    for worker in pool:
        worker.start()
    return pool
