"""The real-time driver: the same :class:`~k8s_internals.sim.kernel.Kernel`, advanced by the wall
clock, for ``k8s-internals serve``.

One thread (the *loop thread*, started by :meth:`RealTimeDriver.start`) owns the kernel. Other
threads (HTTP handlers) never touch the kernel directly: they hand it work with
:meth:`RealTimeDriver.call_soon_threadsafe` or run a function on the loop thread and wait for its
result with :meth:`RealTimeDriver.submit`. This mirrors asyncio's ``call_soon_threadsafe`` /
``run_coroutine_threadsafe``.

The wall clock is read here and only here: virtual time ``t`` is due at wall time
``start + t / speed``. The kernel's epoch is set to the wall-clock start so timestamps are real.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from .kernel import Kernel

__all__ = ["RealTimeDriver"]

T = TypeVar("T")


class RealTimeDriver:
    """Drive ``kernel`` in real time on a background thread."""

    def __init__(self, kernel: Kernel, speed: float = 1.0, set_epoch: bool = True) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.kernel = kernel
        self.speed = speed
        self._cond = threading.Condition()
        self._inbox: deque[tuple[Callable[..., Any], tuple[Any, ...]]] = deque()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._wall0 = time.monotonic()
        self._virt0 = kernel.now
        if set_epoch:
            # virtual ``kernel.now`` is the wall-clock instant the driver starts at
            kernel.epoch = datetime.now(UTC) - timedelta(seconds=kernel.now)
        self.errors: list[BaseException] = []

    # -- feeding from other threads -----------------------------------------------------------

    def call_soon_threadsafe(self, callback: Callable[..., Any], *args: Any) -> None:
        """Queue ``callback(*args)`` to run on the loop thread at the next instant."""
        with self._cond:
            self._inbox.append((callback, args))
            self._cond.notify()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on the loop thread; the returned future holds its result."""
        fut: Future[T] = Future()

        def run() -> None:
            if not fut.set_running_or_notify_cancel():
                return
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:
                fut.set_exception(exc)

        if self._thread is not None and threading.current_thread() is self._thread:
            run()
        else:
            self.call_soon_threadsafe(run)
        return fut

    def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = 30.0) -> T:
        """``submit(fn, *args).result(timeout)``: a blocking call onto the loop thread."""
        return self.submit(fn, *args).result(timeout)

    # -- the loop -----------------------------------------------------------------------------

    def virtual_now(self) -> float:
        """Virtual time that the wall clock says it is now."""
        return self._virt0 + (time.monotonic() - self._wall0) * self.speed

    def _drain_inbox(self) -> None:
        while True:
            with self._cond:
                if not self._inbox:
                    return
                callback, args = self._inbox.popleft()
            try:
                self.kernel.call_soon(callback, *args, name=getattr(callback, "__qualname__", ""))
            except BaseException as exc:  # pragma: no cover - defensive
                self.errors.append(exc)

    def run_once(self, max_wait: float = 0.5) -> None:
        """One turn: take queued work, run everything due by the wall clock, then sleep until the
        next event or until another thread feeds work (at most ``max_wait`` seconds)."""
        self._drain_inbox()
        target = self.virtual_now()
        k = self.kernel
        while True:
            nxt = k.peek()
            if nxt is None or nxt > target:
                break
            try:
                k.step()
            except Exception as exc:  # a component bug must not kill the server
                self.errors.append(exc)
        if k.now < target:
            k.now = target
        nxt = k.peek()
        wait = max_wait if nxt is None else min(max_wait, max(0.0, (nxt - target) / self.speed))
        with self._cond:
            if not self._inbox and not self._stopping and wait > 0:
                self._cond.wait(wait)

    def run_forever(self) -> None:
        """Run the loop on the current thread until :meth:`stop`."""
        if self._thread is None:
            self._thread = threading.current_thread()
        while not self._stopping:
            self.run_once()
        self._drain_inbox()

    def start(self) -> None:
        """Start the loop on a daemon thread."""
        t = threading.Thread(target=self.run_forever, name="k8s-internals-loop", daemon=True)
        self._thread = t
        t.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)
