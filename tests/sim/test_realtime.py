"""The real-time driver: fed from other threads, advancing with the wall clock."""

from __future__ import annotations

import threading
import time

from k8s_internals.sim import Kernel, RealTimeDriver


def test_submit_runs_on_the_loop_thread_and_returns_the_result() -> None:
    k = Kernel()
    d = RealTimeDriver(k)
    d.start()
    try:
        seen: list[str] = []
        assert d.call(lambda: seen.append(threading.current_thread().name) or 42) == 42
        assert seen == ["k8s-internals-loop"]
    finally:
        d.stop()


def test_timers_fire_by_the_wall_clock_and_many_threads_can_feed_it() -> None:
    k = Kernel()
    d = RealTimeDriver(k, speed=10.0)  # 10 virtual seconds per wall second
    fired: list[float] = []
    d.call_soon_threadsafe(lambda: k.call_later(1.0, lambda: fired.append(k.now)))
    counter: list[int] = []
    threads = [
        threading.Thread(target=lambda: [d.call_soon_threadsafe(counter.append, 1)
                                         for _ in range(100)])
        for _ in range(4)
    ]
    d.start()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        deadline = time.monotonic() + 5
        while (not fired or len(counter) < 400) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(counter) == 400
        assert fired and fired[0] >= 1.0
        assert d.call(lambda: k.now) >= 1.0
    finally:
        d.stop()
    assert not d.errors


def test_exceptions_in_a_submitted_call_reach_the_caller() -> None:
    d = RealTimeDriver(Kernel())
    d.start()
    try:
        def boom() -> None:
            raise KeyError("x")

        fut = d.submit(boom)
        try:
            fut.result(5)
        except KeyError:
            pass
        else:  # pragma: no cover
            raise AssertionError("expected KeyError")
    finally:
        d.stop()
