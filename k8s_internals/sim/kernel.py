"""The deterministic discrete-event kernel: a virtual clock, one event heap, one seeded RNG.

What it holds:

- :class:`Kernel` — the virtual clock (``now``, in seconds since the simulation epoch), one heap of
  ``(time, priority, seq, event)`` entries, and the one :class:`random.Random` every component
  that needs randomness is handed (``kernel.rng``). Nothing in simulation code reads the wall
  clock: time only moves when :meth:`Kernel.step` pops the next event.
- :class:`Timer` — a handle on a scheduled callback; ``cancel()`` removes it lazily (the heap
  entry stays and is skipped when popped, as SimPy and asyncio do).
- :class:`Priority` — ties at the same instant are ordered by priority, then by scheduling order
  (``seq``), so the same inputs always give the same order.

Events are either *work* or *background* (heartbeats, lease renewals, periodic resyncs, and —
by inheritance — everything they cause). An event scheduled without saying which inherits the
kind of the event that is running when it is scheduled (work when nothing is running), so the
watch events, controller syncs and writes that follow a lease renewal are background too.
:meth:`Kernel.run_until_idle` stops when only background events are left, which is how
``Cluster.run()`` knows the cluster has settled.

The shape follows SimPy's ``core.py`` (one heap of ``(time, priority, id, event)``) and asyncio's
``call_later`` / ``TimerHandle`` API. The wall-clock driver for ``serve`` lives in
:mod:`k8s_internals.sim.realtime`.

Taught in notebooks/00-start-here.ipynb.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any

__all__ = ["DEFAULT_EPOCH", "Event", "Kernel", "Priority", "Timer"]

#: Virtual time 0 is this instant; ``creationTimestamp`` and event times are derived from it so a
#: notebook prints the same timestamps on every run.
DEFAULT_EPOCH = datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC)


class Priority(IntEnum):
    """Order of events scheduled for the same instant (lower runs first)."""

    URGENT = 0
    NORMAL = 1
    LOW = 2


@dataclass(eq=False)
class Event:
    """One scheduled callback. ``name`` is what the event log and observers see."""

    time: float
    priority: Priority
    seq: int
    callback: Callable[..., Any]
    args: tuple[Any, ...] = ()
    name: str = ""
    background: bool = False
    cancelled: bool = False


@dataclass(eq=False)
class Timer:
    """A handle on a scheduled event (what :meth:`Kernel.call_later` returns)."""

    event: Event
    _kernel: Kernel = field(repr=False)

    @property
    def when(self) -> float:
        return self.event.time

    @property
    def cancelled(self) -> bool:
        return self.event.cancelled

    def cancel(self) -> None:
        """Cancel the event if it has not run yet (idempotent)."""
        self._kernel._cancel(self.event)


class Kernel:
    """Virtual clock + event heap + seeded RNG.

    >>> k = Kernel(seed=0)
    >>> out = []
    >>> _ = k.call_later(2.0, out.append, "b")
    >>> _ = k.call_later(1.0, out.append, "a")
    >>> k.run()
    >>> out, k.now
    (['a', 'b'], 2.0)
    """

    def __init__(self, seed: int = 0, epoch: datetime = DEFAULT_EPOCH) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.epoch = epoch
        #: the last ``timestamp`` / ``micro_timestamp``: ``((instant, epoch), text)``
        self._timestamp_memo: tuple[tuple[float, datetime], str] | None = None
        self._micro_timestamp_memo: tuple[tuple[float, datetime], str] | None = None
        self.now: float = 0.0
        self._heap: list[tuple[float, int, int, Event]] = []
        self._seq = itertools.count()
        self._work = 0  # live (not cancelled) non-background events in the heap
        self._observers: list[Callable[[Event], None]] = []
        self._current: Event | None = None
        self.steps = 0

    # -- scheduling ---------------------------------------------------------------------------

    def call_at(
        self,
        when: float,
        callback: Callable[..., Any],
        *args: Any,
        priority: Priority = Priority.NORMAL,
        name: str = "",
        background: bool | None = None,
    ) -> Timer:
        """Schedule ``callback(*args)`` at virtual time ``when`` (never in the past).
        ``background=None`` inherits the kind of the running event."""
        when = max(when, self.now)
        if background is None:
            background = self._current.background if self._current is not None else False
        if not name:  # (the repr only when needed: a bound method's repr is not cheap)
            qualname = getattr(callback, "__qualname__", None)
            name = repr(callback) if qualname is None else qualname
        event = Event(when, priority, next(self._seq), callback, args, name, background)
        heapq.heappush(self._heap, (event.time, event.priority, event.seq, event))
        if not background:
            self._work += 1
        return Timer(event, self)

    def call_later(
        self,
        delay: float,
        callback: Callable[..., Any],
        *args: Any,
        priority: Priority = Priority.NORMAL,
        name: str = "",
        background: bool | None = None,
    ) -> Timer:
        """Schedule ``callback(*args)`` ``delay`` seconds from now."""
        if delay < 0:
            raise ValueError(f"negative delay: {delay}")
        return self.call_at(
            self.now + delay, callback, *args, priority=priority, name=name, background=background
        )

    def call_soon(
        self, callback: Callable[..., Any], *args: Any, name: str = "",
        background: bool | None = None,
    ) -> Timer:
        """Schedule ``callback(*args)`` at the current instant, after what is already due."""
        return self.call_at(self.now, callback, *args, name=name, background=background)

    def every(
        self,
        interval: float,
        callback: Callable[[], Any],
        *,
        name: str = "",
        background: bool = True,
        first: float | None = None,
    ) -> PeriodicTimer:
        """Call ``callback()`` every ``interval`` seconds (background work by default)."""
        return PeriodicTimer(self, interval, callback, name or callback.__qualname__, background,
                             interval if first is None else first)

    def _cancel(self, event: Event) -> None:
        if not event.cancelled:
            event.cancelled = True
            if not event.background:
                self._work -= 1

    # -- observing ----------------------------------------------------------------------------

    def subscribe(self, observer: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``observer(event)`` before each event runs; returns an unsubscribe function."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    # -- running ------------------------------------------------------------------------------

    def peek(self) -> float | None:
        """Time of the next live event, or ``None`` if the heap is empty."""
        self._drop_cancelled()
        return self._heap[0][0] if self._heap else None

    @property
    def pending_work(self) -> int:
        """Number of scheduled non-background events."""
        return self._work

    def step(self) -> bool:
        """Run the next event; return False when there is nothing to run."""
        self._drop_cancelled()
        if not self._heap:
            return False
        _, _, _, event = heapq.heappop(self._heap)
        self.now = event.time
        if not event.background:
            self._work -= 1
        event.cancelled = True  # a Timer.cancel() after it ran must not touch the counter
        self.steps += 1
        for observer in self._observers:
            observer(event)
        previous, self._current = self._current, event
        try:
            event.callback(*event.args)
        finally:
            self._current = previous
        return True

    def run(self, until: float | None = None) -> None:
        """Run events until the heap is empty, or up to virtual time ``until`` (inclusive).

        With ``until`` the clock ends exactly at ``until`` even if the last event was earlier.
        """
        if until is None:
            while self.step():
                pass
            return
        if until < self.now:
            raise ValueError(f"until={until} is in the past (now={self.now})")
        while True:
            nxt = self.peek()
            if nxt is None or nxt > until:
                break
            self.step()
        self.now = until

    def run_for(self, seconds: float) -> None:
        """Advance the clock by ``seconds``, running everything due on the way."""
        self.run(until=self.now + seconds)

    def run_until_idle(self, max_time: float = 3600.0) -> bool:
        """Run until only background events remain (or ``max_time`` virtual seconds pass).

        Returns True if the system went idle, False if it hit the cap.
        """
        deadline = self.now + max_time
        while self._work > 0:
            nxt = self.peek()
            if nxt is None or nxt > deadline:
                break
            self.step()
        return self._work == 0

    def _drop_cancelled(self) -> None:
        heap = self._heap
        while heap and heap[0][3].cancelled:
            heapq.heappop(heap)

    # -- time formats -------------------------------------------------------------------------

    def datetime(self, at: float | None = None) -> datetime:
        """The virtual instant as an aware UTC datetime."""
        return self.epoch + timedelta(seconds=self.now if at is None else at)

    def timestamp(self, at: float | None = None) -> str:
        """RFC 3339 with second precision, as Kubernetes' ``metav1.Time`` serialises."""
        key = (self.now if at is None else at, self.epoch)
        memo = self._timestamp_memo
        if memo is not None and memo[0] == key:
            return memo[1]  # one request asks several times for the same instant
        text = self.datetime(key[0]).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._timestamp_memo = (key, text)
        return text

    def micro_timestamp(self, at: float | None = None) -> str:
        """RFC 3339 with microseconds, as ``metav1.MicroTime`` (Lease renewTime, Event time)."""
        key = (self.now if at is None else at, self.epoch)
        memo = self._micro_timestamp_memo
        if memo is not None and memo[0] == key:
            return memo[1]
        text = self.datetime(key[0]).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self._micro_timestamp_memo = (key, text)
        return text


class PeriodicTimer:
    """A callback re-armed every ``interval`` seconds until :meth:`cancel` is called."""

    def __init__(
        self,
        kernel: Kernel,
        interval: float,
        callback: Callable[[], Any],
        name: str,
        background: bool,
        first: float,
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.kernel = kernel
        self.interval = interval
        self.callback = callback
        self.name = name
        self.background = background
        self.cancelled = False
        self._timer = kernel.call_later(first, self._fire, name=name, background=background)

    def _fire(self) -> None:
        if self.cancelled:
            return
        self._timer = self.kernel.call_later(
            self.interval, self._fire, name=self.name, background=self.background
        )
        self.callback()

    def cancel(self) -> None:
        self.cancelled = True
        self._timer.cancel()
