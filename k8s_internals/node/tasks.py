"""Cooperative processes on the virtual clock, in the style of SimPy's ``Process``.

The node side of the simulator is full of things that *take time*: a container's program sleeps
between log lines, an image pull lasts ``size / bandwidth`` seconds, the kubelet's pod worker
waits for the pull before it creates the container, ``StopContainer`` waits up to the grace
period for the process to exit. Upstream writes each of these as a goroutine that blocks; here
each is a Python generator driven by the kernel:

- ``yield 2.5`` (or ``yield Sleep(2.5)``) — resume 2.5 virtual seconds later;
- ``yield future`` — resume when the :class:`Future` is resolved, with its value (or its
  exception raised at the ``yield``);
- ``return value`` — resolves the :class:`Task` (itself a :class:`Future`) with ``value``.

``Sleep(background=True)`` schedules the wake-up as *background* work (see
:mod:`k8s_internals.sim.kernel`): ``Kernel.run_until_idle`` does not wait for it. The node uses
that for timers that are part of a steady state (a long ``sleep 3600``, a CrashLoopBackOff wait),
so that ``Cluster.run()`` settles.

:meth:`Task.cancel` closes the generator (``GeneratorExit`` at the ``yield``, so ``finally``
blocks run), like cancelling a goroutine's context.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..client.causality import caused_by, current_cause
from ..sim import Kernel, Timer

__all__ = ["Cancelled", "Future", "Sleep", "Task", "TaskGen", "spawn"]

T = TypeVar("T")

#: what a task's generator is: it yields waits and returns its result
TaskGen = Generator[Any, Any, T]


class Cancelled(Exception):
    """The result of a cancelled :class:`Task` (``context.Canceled``)."""


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds`` of virtual time; ``background`` marks the wake-up as background work."""

    seconds: float
    background: bool = False


class Future(Generic[T]):
    """A value that will be known later. Callbacks run synchronously when it resolves."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[Future[T]], None]] = []

    def done(self) -> bool:
        return self._done

    def result(self) -> T:
        """The value (raises the exception the future was failed with)."""
        if not self._done:
            raise RuntimeError(f"future {self.name!r} is not done")
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[no-any-return]

    def exception(self) -> BaseException | None:
        return self._error

    def set_result(self, value: T) -> None:
        if self._done:
            return
        self._done, self._value = True, value
        self._fire()

    def set_exception(self, error: BaseException) -> None:
        if self._done:
            return
        self._done, self._error = True, error
        self._fire()

    def add_done_callback(self, fn: Callable[[Future[T]], None]) -> None:
        if self._done:
            fn(self)
        else:
            self._callbacks.append(fn)

    def remove_done_callback(self, fn: Callable[[Future[T]], None]) -> None:
        if fn in self._callbacks:
            self._callbacks.remove(fn)

    def _fire(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for fn in callbacks:
            fn(self)


class Task(Future[T]):
    """Drive a generator on the kernel; the task resolves with the generator's return value."""

    def __init__(self, kernel: Kernel, gen: TaskGen[T], name: str = "",
                 cause: str | None = None) -> None:
        super().__init__(name)
        self.kernel = kernel
        self._gen = gen
        #: the request that caused this work: every request the task makes carries it
        self.cause = cause if cause is not None else current_cause()
        self._timer: Timer | None = None
        self._waiting: Future[Any] | None = None
        self._started = False

    def start(self) -> Task[T]:
        """Run the generator up to its first wait (synchronously)."""
        if not self._started:
            self._started = True
            self._step(None, None)
        return self

    def cancel(self) -> bool:
        """Stop the task at its current wait; returns False if it had already finished."""
        if self._done:
            return False
        self._clear_wait()
        try:
            self._gen.close()
        finally:
            self.set_exception(Cancelled(self.name))
        return True

    # -- driving --------------------------------------------------------------------------------

    def _clear_wait(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._waiting is not None:
            self._waiting.remove_done_callback(self._on_future)
            self._waiting = None

    def _on_timer(self) -> None:
        self._timer = None
        self._step(None, None)

    def _on_future(self, fut: Future[Any]) -> None:
        self._waiting = None
        # resume on the kernel, not inside whoever resolved the future
        self._timer = self.kernel.call_soon(self._resume_future, fut, name=f"task {self.name}")

    def _resume_future(self, fut: Future[Any]) -> None:
        self._timer = None
        err = fut.exception()
        if err is not None:
            self._step(None, err)
        else:
            self._step(fut.result(), None)

    def _step(self, value: Any, error: BaseException | None) -> None:
        if self._done:
            return
        try:
            with caused_by(self.cause):
                if error is not None:
                    waited = self._gen.throw(error)
                else:
                    waited = self._gen.send(value)
        except StopIteration as stop:
            self.set_result(stop.value)
            return
        except Cancelled as exc:
            self.set_exception(exc)
            return
        except Exception as exc:  # the task failed: its future carries the error
            self.set_exception(exc)
            return
        self._wait_for(waited)

    def _wait_for(self, waited: Any) -> None:
        if isinstance(waited, Future):
            self._waiting = waited
            waited.add_done_callback(self._on_future)
            return
        if isinstance(waited, Sleep):
            seconds, background = float(waited.seconds), waited.background
        elif isinstance(waited, int | float):
            seconds, background = float(waited), False
        elif waited is None:
            seconds, background = 0.0, False
        else:
            self._step(None, TypeError(f"task {self.name!r} yielded {waited!r}"))
            return
        self._timer = self.kernel.call_later(max(0.0, seconds), self._on_timer,
                                             name=f"task {self.name}", background=background)


def spawn(kernel: Kernel, gen: TaskGen[T], name: str = "") -> Task[T]:
    """Create and start a task."""
    return Task(kernel, gen, name).start()
