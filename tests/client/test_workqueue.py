"""The work queue on virtual time.

Ported from client-go ``util/workqueue/queue_test.go``, ``delaying_queue_test.go`` and
``rate_limiting_queue_test.go``: goroutines become kernel callbacks and :class:`Worker` s,
``fakeClock.Step(d)`` becomes ``kernel.run_for(d)``, blocking ``Get`` becomes ``get_async``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from k8s_internals.client.rate_limiter import ItemExponentialFailureRateLimiter
from k8s_internals.client.workqueue import (
    DelayingQueue,
    OrderedSet,
    Queue,
    QueueEvent,
    QueueEventType,
    RateLimitingQueue,
    Worker,
    WorkerState,
    start_workers,
)
from k8s_internals.sim import Kernel

MS = 0.001
E = QueueEventType


def record(queue: Queue[Any]) -> list[QueueEvent]:
    events: list[QueueEvent] = []
    queue.subscribe(events.append)
    return events


# -- Queue: the three sets ---------------------------------------------------------------------


def test_three_sets_walkthrough() -> None:
    q: Queue[str] = Queue()
    steps: list[tuple[Callable[[], object], list[str], list[str], list[str]]] = [
        # action                 queue    dirty    processing
        (lambda: q.add("a"),      ["a"],   ["a"],   []),     # new work
        (lambda: q.add("a"),      ["a"],   ["a"],   []),     # already dirty: collapsed
        (lambda: q.get(),         [],      [],      ["a"]),  # handed to a worker
        (lambda: q.add("a"),      [],      ["a"],   ["a"]),  # dirty, but NOT queued
        (lambda: q.done("a"),     ["a"],   ["a"],   []),     # dirty again -> requeued
        (lambda: q.get(),         [],      [],      ["a"]),
        (lambda: q.done("a"),     [],      [],      []),
    ]
    for i, (action, queue, dirty, processing) in enumerate(steps):
        action()
        assert q.snapshot() == {"queue": queue, "dirty": dirty, "processing": processing}, i


def test_len() -> None:
    # TestLen
    q: Queue[str] = Queue()
    q.add("foo")
    assert q.len() == 1
    q.add("bar")
    assert q.len() == 2
    q.add("foo")  # should not increase the queue length
    assert len(q) == 2


def test_reinsert() -> None:
    # TestReinsert
    q: Queue[str] = Queue()
    q.add("foo")
    assert q.get() == ("foo", False)  # start processing
    q.add("foo")  # add it back while processing
    q.done("foo")  # finish it up
    assert q.get() == ("foo", False)  # it should be back on the queue
    q.done("foo")
    assert q.len() == 0


def test_fifo_order() -> None:
    q: Queue[str] = Queue()
    for key in ["c", "a", "b", "a"]:
        q.add(key)
    assert [q.get() for _ in range(3)] == [("c", False), ("a", False), ("b", False)]


def test_get_on_empty_queue_returns_none_then_shutdown() -> None:
    q: Queue[str] = Queue()
    assert q.get() is None  # upstream would block
    q.add("x")
    q.shut_down()
    assert q.shutting_down()
    assert q.get() == ("x", False)  # items queued before shutdown are still handed out
    assert q.get() == (None, True)  # then: "the caller should end their goroutine"


def test_add_after_shutdown_is_dropped() -> None:
    q: Queue[str] = Queue()
    events = record(q)
    q.shut_down()
    q.add("added after shutdown!")
    assert q.len() == 0
    assert [e.type for e in events] == [E.SHUT_DOWN, E.ADD_AFTER_SHUTDOWN]


def test_done_of_unknown_item_is_harmless() -> None:
    q: Queue[str] = Queue()
    q.done("never-got")
    assert q.snapshot() == {"queue": [], "dirty": [], "processing": []}


# -- shutdown with drain ------------------------------------------------------------------------


def test_queue_drainage_using_shut_down_with_drain() -> None:
    # TestQueueDrainageUsingShutDownWithDrain
    q: Queue[str] = Queue()
    q.add("foo")
    q.add("bar")
    first, _ = q.get() or (None, False)
    second, _ = q.get() or (None, False)
    drained: list[bool] = []
    assert q.shut_down_with_drain(lambda: drained.append(True)) is False  # still processing
    assert q.get() == (None, True)  # workers are told to stop...
    q.done(first)
    assert drained == []  # ...but the drain waits for every Done
    q.done(second)
    assert drained == [True]


def test_no_queue_drainage_using_shut_down() -> None:
    # TestNoQueueDrainageUsingShutDown: ShutDown does not wait for processing items.
    q: Queue[str] = Queue()
    q.add("foo")
    q.add("bar")
    q.get()
    q.get()
    q.shut_down()
    assert q.shutting_down()
    assert list(q.processing) == ["foo", "bar"]


def test_force_queue_shutdown_using_shut_down() -> None:
    # TestForceQueueShutdownUsingShutDown: ShutDown ends a pending ShutDownWithDrain.
    q: Queue[str] = Queue()
    q.add("foo")
    q.add("bar")
    q.get()
    q.get()
    drained: list[bool] = []
    q.shut_down_with_drain(lambda: drained.append(True))
    assert q.get() == (None, True)
    q.shut_down()  # e.g. a second SIGTERM
    assert drained == [True]


def test_queue_drainage_with_dirty_item() -> None:
    # TestQueueDrainageUsingShutDownWithDrainWithDirtyItem
    q: Queue[str] = Queue()
    q.add("foo")
    gotten, _ = q.get() or (None, False)
    q.add("foo")  # dirty while processing
    q.shut_down_with_drain()
    assert q.get() == (None, True)  # queue empty: foo is processing, not queued
    q.done(gotten)  # finish "working": foo goes back into the queue
    again = q.get()
    assert again == ("foo", False)  # not shut down yet: there was an item
    q.done("foo")
    assert q.get() == (None, True)  # now we are really done


def test_shut_down_with_drain_when_idle_is_immediate() -> None:
    q: Queue[str] = Queue()
    drained: list[bool] = []
    assert q.shut_down_with_drain(lambda: drained.append(True)) is True
    assert drained == [True]


# -- get_async: blocking Get on the kernel -------------------------------------------------------


def test_get_async_is_called_soon_not_synchronously(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel, name="q")
    got: list[tuple[str | None, bool]] = []
    q.get_async(lambda item, shutdown: got.append((item, shutdown)))
    assert q.waiting_getters == 1
    q.add("a")
    assert got == []  # woken, but runs as a kernel event
    kernel.run()
    assert got == [("a", False)]
    assert kernel.now == 0.0  # same virtual instant
    assert list(q.processing) == ["a"]


def test_add_wakes_one_getter_fifo_and_shutdown_wakes_all(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel)
    got: list[tuple[str, str | None, bool]] = []
    for name in ["w1", "w2", "w3"]:
        q.get_async(lambda item, shutdown, name=name: got.append((name, item, shutdown)))
    q.add("a")  # cond.Signal: the longest waiter
    kernel.run()
    assert got == [("w1", "a", False)]
    assert q.waiting_getters == 2
    q.shut_down()  # cond.Broadcast
    kernel.run()
    assert got[1:] == [("w2", None, True), ("w3", None, True)]


def test_get_async_with_item_ready_is_scheduled_at_once(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel)
    q.add("a")
    got: list[str | None] = []
    q.get_async(lambda item, shutdown: got.append(item))
    assert q.waiting_getters == 0
    kernel.run()
    assert got == ["a"]


def test_woken_getter_that_loses_the_race_waits_again(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel)
    got: list[str | None] = []
    q.get_async(lambda item, shutdown: got.append(item))
    q.add("a")
    assert q.get() == ("a", False)  # someone else takes it before the getter runs
    kernel.run()
    assert got == []
    assert q.waiting_getters == 1  # parked again
    q.add("b")
    kernel.run()
    assert got == ["b"]


def test_cancelled_getter_passes_the_signal_on(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel)
    got: list[tuple[str, str | None]] = []
    g1 = q.get_async(lambda item, shutdown: got.append(("g1", item)))
    q.get_async(lambda item, shutdown: got.append(("g2", item)))
    q.add("a")  # wakes g1...
    g1.cancel()  # ...which is cancelled before it runs
    kernel.run()
    assert got == [("g2", "a")]


def test_get_async_needs_a_kernel() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    with pytest.raises(RuntimeError, match="needs a kernel"):
        q.get_async(lambda item, shutdown: None)


def test_parked_getters_do_not_keep_the_kernel_busy(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel)
    start_workers(q, lambda key: None, workers=3)
    assert kernel.run_until_idle() is True
    assert q.waiting_getters == 3


# -- workers: producers and consumers (TestBasic, TestAddWhileProcessing) ------------------------


def never_two_at_once(q: Queue[Any]) -> Counter[Any]:
    """Observe the queue; fail if an item is handed out while a worker still has it."""
    active: set[Any] = set()
    processed: Counter[Any] = Counter()

    def observer(event: QueueEvent) -> None:
        if event.type is E.GET:
            assert event.item not in active, f"{event.item} handed to two workers"
            active.add(event.item)
            processed[event.item] += 1
        elif event.type is E.DONE:
            active.discard(event.item)

    q.subscribe(observer)
    return processed


@pytest.mark.parametrize("drain", [False, True], ids=["ShutDown", "ShutDownWithDrain"])
def test_basic(kernel: Kernel, drain: bool) -> None:
    # TestBasic: 50 producers add their number 50 times, 1 ms apart; 10 consumers take 3 ms
    # per item. After the producers finish, the queue shuts down and one more add is dropped.
    q: Queue[object] = Queue(kernel, name="basic")
    processed = never_two_at_once(q)
    seen: list[object] = []
    workers = start_workers(q, seen.append, workers=10, work_duration=3 * MS)
    for i in range(50):
        for j in range(50):
            kernel.call_at(j * MS + kernel.rng.random() * MS, q.add, i)

    def shut_down() -> None:
        q.shut_down_with_drain() if drain else q.shut_down()
        q.add("added after shutdown!")

    kernel.call_at(0.060, shut_down)
    kernel.run()
    assert "added after shutdown!" not in seen
    assert all(w.state is WorkerState.STOPPED for w in workers)
    assert q.len() == 0
    assert set(processed) == set(range(50))
    # Each number was added 50 times but processed far fewer: adds collapse while dirty.
    assert sum(processed.values()) < 50 * 50


@pytest.mark.parametrize("drain", [False, True], ids=["ShutDown", "ShutDownWithDrain"])
def test_add_while_processing(kernel: Kernel, drain: bool) -> None:
    # TestAddWhileProcessing: every worker re-adds every item up to two times.
    q: Queue[int] = Queue(kernel)
    processed = never_two_at_once(q)
    workers = []
    for w in range(10):
        counters: Counter[int] = Counter()

        def process(item: int, counters: Counter[int] = counters) -> None:
            counters[item] += 1
            if counters[item] < 2:
                q.add(item)  # dirty while processing: requeued on done

        workers.append(Worker(q, process, name=f"w{w}", work_duration=1 * MS))
    for worker in workers:
        worker.start()
    for i in range(50):
        q.add(i)
    kernel.run_for(1.0)  # every re-add has been worked off by now
    q.shut_down_with_drain() if drain else q.shut_down()
    kernel.run()
    assert q.len() == 0
    assert all(w.state is WorkerState.STOPPED for w in workers)
    assert all(n >= 2 for n in processed.values())  # each item came back at least once


def test_key_re_added_during_slow_work_is_processed_again_after_done(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel)
    times: list[tuple[float, str]] = []
    start_workers(q, lambda key: times.append((kernel.now, key)), workers=2, work_duration=1.0)
    q.add("ns/a")
    kernel.call_at(0.5, q.add, "ns/a")  # while worker 0 is busy with it for 1 s
    kernel.run()
    # Worker 1 is idle at 0.5 s, but must not take ns/a: it waits for done at 1.0 s.
    assert times == [(0.0, "ns/a"), (1.0, "ns/a")]


def test_worker_stop(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel)
    seen: list[str] = []
    (worker,) = start_workers(q, seen.append, work_duration=1.0)
    q.add("a")
    kernel.run_for(0.5)
    worker.stop()  # finishes "a" first
    assert worker.state is WorkerState.BUSY
    q.add("b")
    kernel.run()
    assert seen == ["a"]
    assert worker.state is WorkerState.STOPPED
    assert list(q.queue) == ["b"] and worker.processed == 1


def test_worker_crash_still_calls_done(kernel: Kernel) -> None:
    q: Queue[str] = Queue(kernel)

    def process(key: str) -> None:
        raise ValueError(f"boom {key}")

    (worker,) = start_workers(q, process)
    q.add("a")
    with pytest.raises(ValueError, match="boom a"):
        kernel.run()
    assert worker.state is WorkerState.STOPPED
    assert list(q.processing) == []  # defer queue.Done(key)


# -- DelayingQueue (delaying_queue_test.go) -----------------------------------------------------


def test_simple_delaying_queue(kernel: Kernel) -> None:
    # TestSimpleQueue
    q: DelayingQueue[str] = DelayingQueue(kernel, name="test-simple")
    q.add_after("foo", 50 * MS)
    assert q.waiting() == [("foo", 0.05)]
    assert q.len() == 0  # should not have added
    kernel.run_for(60 * MS)
    assert q.len() == 1  # should have added
    assert q.waiting() == []
    item, _ = q.get() or (None, False)
    q.done(item)
    kernel.run_for(10.0)  # step past the next heartbeat
    assert q.len() == 0  # should not have added


def test_delaying_queue_deduping(kernel: Kernel) -> None:
    # TestDeduping: one waiting entry per item, at the EARLIEST time asked for.
    q: DelayingQueue[str] = DelayingQueue(kernel, name="test-dedupe")
    q.add_after("foo", 50 * MS)
    q.add_after("foo", 70 * MS)  # later: ignored
    assert q.waiting() == [("foo", 0.05)]
    assert q.len() == 0
    kernel.run_for(60 * MS)  # step past the first block, we should receive now
    assert q.len() == 1
    assert q.waiting() == []
    q.done(q.get()[0])  # type: ignore[index]
    kernel.run_for(20 * MS)  # step past the second add
    assert q.len() == 0  # the 70 ms request collapsed into the 50 ms one

    # test again, but this time the earlier should override
    q.add_after("foo", 50 * MS)
    q.add_after("foo", 30 * MS)
    assert q.waiting() == [("foo", pytest.approx(0.08 + 0.03))]  # now = 0.08
    assert q.len() == 0
    kernel.run_for(40 * MS)
    assert q.len() == 1
    q.done(q.get()[0])  # type: ignore[index]
    kernel.run_for(20 * MS)  # step past the 50 ms add
    assert q.len() == 0


def test_delaying_queue_add_two_fire_early(kernel: Kernel) -> None:
    # TestAddTwoFireEarly
    q: DelayingQueue[str] = DelayingQueue(kernel, name="test-addtwofireearly")
    q.add_after("foo", 1.0)
    q.add_after("bar", 50 * MS)
    assert len(q.waiting()) == 2
    assert q.len() == 0
    kernel.run_for(60 * MS)
    assert q.len() == 1
    assert len(q.waiting()) == 1
    assert q.get() == ("bar", False)
    q.add_after("baz", 2.0)
    kernel.run_for(1.0)
    assert q.len() == 1
    assert len(q.waiting()) == 1
    assert q.get() == ("foo", False)
    kernel.run_for(2.0)
    assert q.len() == 1
    assert q.waiting() == []
    assert q.get() == ("baz", False)


def test_delaying_queue_copy_shifting(kernel: Kernel) -> None:
    # TestCopyShifting: added in reverse order of readiness, handed out soonest first.
    q: DelayingQueue[str] = DelayingQueue(kernel, name="test-copyshift")
    q.add_after("foo", 1.0)
    q.add_after("bar", 500 * MS)
    q.add_after("baz", 250 * MS)
    assert len(q.waiting()) == 3
    assert q.len() == 0
    kernel.run_for(2.0)
    assert q.len() == 3
    assert [q.get() for _ in range(3)] == [("baz", False), ("bar", False), ("foo", False)]


def test_add_after_zero_adds_now_and_counts_a_retry(kernel: Kernel) -> None:
    q: DelayingQueue[str] = DelayingQueue(kernel)
    q.add_after("a", 0)
    q.add_after("b", -1.0)
    assert list(q.queue) == ["a", "b"]
    assert q.metrics.retries == 2


def test_add_after_fires_exactly_on_time(kernel: Kernel) -> None:
    q: DelayingQueue[str] = DelayingQueue(kernel)
    fired: list[float] = []
    q.subscribe(lambda e: fired.append(e.time) if e.type is E.ADD else None)
    q.add_after("a", 0.25)
    kernel.run()
    assert fired == [0.25]  # no 10 s heartbeat needed: one kernel timer per earliest item


def test_waiting_item_collapses_into_a_plain_add(kernel: Kernel) -> None:
    q: DelayingQueue[str] = DelayingQueue(kernel)
    q.add_after("a", 1.0)
    q.add("a")  # queued now; the waiting entry will find it dirty
    kernel.run()
    assert list(q.queue) == ["a"]
    assert q.metrics.adds == 1


def test_shut_down_drops_waiting_items(kernel: Kernel) -> None:
    q: DelayingQueue[str] = DelayingQueue(kernel)
    q.add_after("a", 1.0)
    q.shut_down()
    q.add_after("b", 1.0)  # ignored
    assert kernel.run_until_idle() is True  # the timer is cancelled: nothing pending
    assert q.len() == 0 and q.waiting() == []


# -- RateLimitingQueue (rate_limiting_queue_test.go) ---------------------------------------------


def test_rate_limiting_queue(kernel: Kernel) -> None:
    # TestRateLimitingQueue: exponential 1 ms → 1 s.
    q: RateLimitingQueue[str] = RateLimitingQueue(
        kernel, ItemExponentialFailureRateLimiter(1 * MS, 1.0)
    )
    events = record(q)

    def delays() -> list[float | None]:
        return [e.delay for e in events if e.type is E.ADD_RATE_LIMITED]

    q.add_rate_limited("one")
    q.add_rate_limited("one")
    assert delays() == [1 * MS, 2 * MS]  # 1 ms * 2**0, 1 ms * 2**1
    assert q.num_requeues("one") == 2
    # Both requests wait in one entry, at the earlier time.
    assert q.waiting() == [("one", 1 * MS)]

    q.add_rate_limited("two")
    q.add_rate_limited("two")
    assert delays()[2:] == [1 * MS, 2 * MS]

    q.forget("one")
    assert q.num_requeues("one") == 0
    q.add_rate_limited("one")
    assert delays()[4:] == [1 * MS]  # forgotten: back to the base delay


def test_retry_loop_with_the_default_controller_rate_limiter(kernel: Kernel) -> None:
    # The controller worker: sync fails 3 times, then succeeds.
    q: RateLimitingQueue[str] = RateLimitingQueue(kernel, name="replicaset")
    attempts: list[float] = []

    def process(key: str) -> None:
        attempts.append(kernel.now)
        if len(attempts) <= 3:
            q.add_rate_limited(key)  # handleErr: retry with backoff
        else:
            q.forget(key)  # success: reset the backoff

    start_workers(q, process)
    q.add("default/web")
    kernel.run()
    # t = 0, then +5 ms, +10 ms, +20 ms (the bucket has tokens, so the exponential part wins)
    assert attempts == pytest.approx([0.0, 0.005, 0.015, 0.035])
    assert q.num_requeues("default/web") == 0
    assert q.metrics.retries == 3


def test_rate_limiting_queue_binds_the_kernel_clock_to_the_bucket(kernel: Kernel) -> None:
    q: RateLimitingQueue[str] = RateLimitingQueue(kernel)
    kernel.run_for(7.0)
    for i in range(101):
        q.add_rate_limited(f"k{i}")
    # Key k100 is the 101st call in the same instant: the bucket wins, 0.1 s.
    assert q.waiting()[-1] == ("k100", pytest.approx(7.1))


# -- metrics and observers ----------------------------------------------------------------------


def test_metrics(kernel: Kernel) -> None:
    q: DelayingQueue[str] = DelayingQueue(kernel, name="m")
    q.add("a")
    q.add("a")  # collapsed: not an add
    assert (q.metrics.depth, q.metrics.adds) == (1, 1)
    kernel.run_for(2.0)
    q.get()  # waited 2 s in the queue
    assert q.metrics.depth == 0
    assert q.metrics.queue_duration.last == 2.0
    q.add("a")  # dirty while processing: counts in depth already, as upstream
    assert (q.metrics.depth, q.metrics.adds, q.len()) == (1, 2, 0)
    kernel.run_for(2.0)
    assert q.metrics.longest_running_processor_seconds(kernel.now) == 2.0
    assert q.metrics.unfinished_work_seconds(kernel.now) == 2.0
    kernel.run_for(1.0)
    q.done("a")  # worked 3 s
    assert q.metrics.work_duration.last == 3.0
    assert q.metrics.longest_running_processor_seconds(kernel.now) == 0.0
    q.add_after("b", 1.0)
    samples = q.metrics.samples(kernel.now)
    assert samples["workqueue_depth"] == 1  # the requeued "a"
    assert samples["workqueue_adds_total"] == 2
    assert samples["workqueue_retries_total"] == 1
    assert samples["workqueue_queue_duration_seconds_count"] == 1
    assert samples["workqueue_work_duration_seconds_sum"] == 3.0


def test_observer_events(kernel: Kernel) -> None:
    q: RateLimitingQueue[str] = RateLimitingQueue(
        kernel, ItemExponentialFailureRateLimiter(1 * MS, 1.0), name="obs"
    )
    events = record(q)
    q.add("a")
    q.add("a")
    q.get()
    q.add("a")
    q.done("a")
    q.get()
    q.add_rate_limited("a")
    q.done("a")
    q.forget("a")
    kernel.run()
    q.shut_down()
    assert [e.type for e in events] == [
        E.ADD, E.ADD_DUPLICATE, E.GET, E.ADD_WHILE_PROCESSING, E.DONE, E.REQUEUE, E.GET,
        E.ADD_RATE_LIMITED, E.ADD_AFTER, E.DONE, E.FORGET, E.ADD, E.SHUT_DOWN,
    ]
    rate_limited = events[7]
    assert (rate_limited.delay, rate_limited.requeues) == (1 * MS, 1)
    assert events[-2].time == 1 * MS  # the delayed add fired at t = 1 ms
    assert all(e.queue_name == "obs" for e in events)


def test_unsubscribe() -> None:
    q: Queue[str] = Queue()
    events: list[QueueEvent] = []
    unsubscribe = q.subscribe(events.append)
    q.add("a")
    unsubscribe()
    q.add("b")
    assert [e.item for e in events] == ["a"]


def test_reprs_are_deterministic() -> None:
    q: Queue[str] = Queue(name="demo")
    for key in ["zeta", "alpha", "mid"]:
        q.add(key)
    q.get()
    assert repr(q) == (
        "Queue(name='demo', queue=['alpha', 'mid'], dirty=['alpha', 'mid'], "
        "processing=['zeta'], shutting_down=False)"
    )
    assert repr(OrderedSet(["b", "a"])) == "OrderedSet(['b', 'a'])"
