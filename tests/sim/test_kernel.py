"""The kernel: ordering, timers, run modes, background work, determinism."""

from __future__ import annotations

import hashlib

import pytest

from k8s_internals.sim import Kernel, Priority


def test_events_run_in_time_then_priority_then_fifo_order() -> None:
    k = Kernel()
    out: list[str] = []
    k.call_at(2.0, out.append, "t2")
    k.call_at(1.0, out.append, "t1-low", priority=Priority.LOW)
    k.call_at(1.0, out.append, "t1-normal-a")
    k.call_at(1.0, out.append, "t1-urgent", priority=Priority.URGENT)
    k.call_at(1.0, out.append, "t1-normal-b")
    k.run()
    assert out == ["t1-urgent", "t1-normal-a", "t1-normal-b", "t1-low", "t2"]
    assert k.now == 2.0


def test_cancel_is_lazy_and_idempotent() -> None:
    k = Kernel()
    out: list[int] = []
    t = k.call_later(1, out.append, 1)
    k.call_later(2, out.append, 2)
    t.cancel()
    t.cancel()
    assert k.pending_work == 1
    k.run()
    assert out == [2]
    assert k.pending_work == 0


def test_cancel_after_run_does_not_corrupt_the_work_count() -> None:
    k = Kernel()
    t = k.call_later(1, lambda: None)
    k.run()
    t.cancel()
    assert k.pending_work == 0


def test_run_until_is_inclusive_and_sets_the_clock() -> None:
    k = Kernel()
    out: list[float] = []
    for when in (1.0, 2.0, 3.0):
        k.call_at(when, lambda: out.append(k.now))
    k.run(until=2.0)
    assert out == [1.0, 2.0]
    assert k.now == 2.0
    k.run_for(0.5)
    assert k.now == 2.5 and out == [1.0, 2.0]
    with pytest.raises(ValueError):
        k.run(until=1.0)


def test_step_runs_one_event() -> None:
    k = Kernel()
    out: list[int] = []
    k.call_later(1, out.append, 1)
    k.call_later(1, out.append, 2)
    assert k.step() and out == [1]
    assert k.step() and out == [1, 2]
    assert not k.step()


def test_negative_delay_is_refused() -> None:
    with pytest.raises(ValueError):
        Kernel().call_later(-1, lambda: None)


def test_run_until_idle_ignores_background_heartbeats() -> None:
    k = Kernel()
    beats: list[float] = []
    k.every(10, lambda: beats.append(k.now))  # background by default
    work: list[float] = []

    def chain(n: int) -> None:
        work.append(k.now)
        if n:
            k.call_later(3, chain, n - 1)

    k.call_soon(chain, 4)
    assert k.run_until_idle()
    assert work == [0.0, 3.0, 6.0, 9.0, 12.0]
    assert beats == [10.0]  # the heartbeat due on the way ran; the next ones are not awaited
    assert k.now == 12.0


def test_run_until_idle_stops_at_the_cap() -> None:
    k = Kernel()

    def forever() -> None:
        k.call_later(1, forever)

    k.call_soon(forever)
    assert not k.run_until_idle(max_time=5)
    assert k.now == 5.0


def test_periodic_timer_cancel() -> None:
    k = Kernel()
    n: list[float] = []
    p = k.every(2, lambda: n.append(k.now), first=0.5)
    k.run(until=5)
    p.cancel()
    k.run(until=20)
    assert n == [0.5, 2.5, 4.5]


def test_timestamps_come_from_the_virtual_clock() -> None:
    k = Kernel()
    k.run(until=61.25)
    assert k.timestamp() == "2025-01-01T00:01:01Z"
    assert k.micro_timestamp() == "2025-01-01T00:01:01.250000Z"


def _random_workload(seed: int) -> bytes:
    """A workload whose shape depends on the RNG: the event log must be identical per seed."""
    k = Kernel(seed=seed)
    log: list[str] = []
    k.subscribe(lambda ev: log.append(f"{ev.time:.6f} {ev.priority} {ev.seq} {ev.name}"))

    def actor(name: str, depth: int) -> None:
        if depth == 0:
            return
        for i in range(k.rng.randint(0, 3)):
            k.call_later(k.rng.expovariate(2.0), actor, f"{name}.{i}", depth - 1,
                         name=f"actor {name}.{i}")

    for i in range(5):
        k.call_later(k.rng.random(), actor, str(i), 5, name=f"actor {i}")
    k.every(1.0, lambda: log.append(f"tick {k.now}"), name="tick")
    k.run_until_idle()
    log.append(f"rng {k.rng.random()!r}")
    return "\n".join(log).encode()


def test_same_seed_same_event_sequence_byte_for_byte() -> None:
    a, b = _random_workload(7), _random_workload(7)
    assert len(a) > 1000
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
    assert a == b
    assert _random_workload(8) != a


def test_events_inherit_background_from_the_event_that_schedules_them() -> None:
    """A heartbeat's consequences are background too, so the system can settle."""
    k = Kernel()
    caused: list[bool] = []

    def heartbeat() -> None:
        t = k.call_later(0.5, lambda: None)  # e.g. the watch event a lease renewal causes
        caused.append(t.event.background)

    k.every(10, heartbeat)
    work = k.call_later(1, lambda: None)
    assert work.event.background is False  # nothing running: work
    assert k.run_until_idle()
    assert k.now == 1.0
    k.run_for(30)
    assert caused == [True, True, True]
    assert k.pending_work == 0
    forced = []
    k.every(10, lambda: forced.append(k.call_later(1, lambda: None, background=False)))
    k.run_for(10)
    assert forced and k.pending_work == 1
