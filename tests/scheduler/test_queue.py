"""The scheduling queue: activeQ order, backoff 1 s -> 10 s, unschedulable pods moved back by
cluster events (per queueing hints) or after 5 minutes, scheduling gates, in-flight events."""

from __future__ import annotations

from k8s_internals.scheduler import Scheduler
from k8s_internals.scheduler.framework.interface import ActionType, ClusterEvent, EventResource
from k8s_internals.scheduler.framework.types import PodInfo, QueuedPodInfo
from k8s_internals.scheduler.queue import SchedulingQueue
from k8s_internals.sim import Kernel

from .helpers import make_node, make_pod


def _queue() -> tuple[Kernel, SchedulingQueue]:
    k = Kernel(0)
    return k, Scheduler(None, k).queue


def _fail(q: SchedulingQueue, qpi: QueuedPodInfo, *plugins: str) -> None:
    qpi.unschedulable_plugins = set(plugins)
    q.add_unschedulable_if_not_present(qpi, q.scheduling_cycle)


def test_active_q_pops_by_priority_then_time() -> None:
    k, q = _queue()
    q.add(make_pod("low", priority=1))
    k.run_for(1)
    q.add(make_pod("high", priority=10))
    q.add(make_pod("low2", priority=1))
    popped = [q.pop(), q.pop(), q.pop()]
    assert [p.key for p in popped if p] == ["default/high", "default/low", "default/low2"]
    assert q.pop() is None


def test_backoff_doubles_from_1s_to_10s() -> None:
    """A pod that keeps failing is retried after 1, 2, 4, 8, 10, 10 s (the flush runs on a
    1 s ticker)."""
    k, q = _queue()
    q.add(make_pod("p"))
    retries = []
    for _ in range(6):
        qpi = q.pop()
        assert qpi is not None
        failed_at = k.now
        # an event during the attempt sends the pod to backoffQ instead of unschedulablePods
        q.move_all_to_active_or_backoff_queue(ClusterEvent(EventResource.Node, ActionType.Add),
                                              None, make_node("n", {"pods": "10"}))
        _fail(q, qpi, "NodeResourcesFit")
        assert q.pending_pods()["backoffQ"] == ["default/p"]
        while q.active_len() == 0:
            k.step()
        retries.append(k.now - failed_at)
    assert retries == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_unschedulable_pod_moves_on_a_node_add_that_fits() -> None:
    k, q = _queue()
    q.add(make_pod("p", {"cpu": "2"}))
    qpi = q.pop()
    assert qpi is not None
    _fail(q, qpi, "NodeResourcesFit")
    assert q.pending_pods()["unschedulablePods"] == ["default/p"]
    # NodeResourcesFit's hint: a node too small does not help (QueueSkip)
    small = make_node("small", {"cpu": "1", "memory": "1Gi", "pods": "10"})
    q.move_all_to_active_or_backoff_queue(ClusterEvent(EventResource.Node, ActionType.Add),
                                          None, small)
    assert q.pending_pods()["unschedulablePods"] == ["default/p"]
    # a node that fits: Queue -> backoffQ (1 s backoff still running)
    big = make_node("big", {"cpu": "4", "memory": "1Gi", "pods": "10"})
    q.move_all_to_active_or_backoff_queue(ClusterEvent(EventResource.Node, ActionType.Add),
                                          None, big)
    assert q.pending_pods()["backoffQ"] == ["default/p"]
    k.run_until_idle()
    assert q.pending_pods()["activeQ"] == ["default/p"]


def test_events_of_unrelated_plugins_do_not_move_the_pod() -> None:
    _k, q = _queue()
    q.add(make_pod("p"))
    qpi = q.pop()
    assert qpi is not None
    _fail(q, qpi, "NodeAffinity")
    # NodeAffinity registers Node/Add|UpdateNodeLabel only: a deleted pod does not help
    q.assigned_pod_deleted(make_pod("other", node="n1"))
    assert q.pending_pods()["unschedulablePods"] == ["default/p"]


def test_assigned_pod_delete_moves_pods_rejected_for_resources() -> None:
    k, q = _queue()
    q.add(make_pod("p"))
    qpi = q.pop()
    assert qpi is not None
    _fail(q, qpi, "NodeResourcesFit")
    k.run_for(5)
    q.assigned_pod_deleted(make_pod("other", node="n1"))
    assert q.pending_pods()["activeQ"] == ["default/p"]   # backoff over: straight to activeQ


def test_unschedulable_pods_are_flushed_after_5_minutes() -> None:
    k, q = _queue()
    q.run()
    q.add(make_pod("p"))
    qpi = q.pop()
    assert qpi is not None
    _fail(q, qpi, "NodeAffinity")
    k.run(until=300)
    assert q.pending_pods()["unschedulablePods"] == ["default/p"]
    k.run(until=330)   # the 30 s flush after the pod spent more than 5 min
    assert q.pending_pods()["activeQ"] == ["default/p"]
    assert q.moved[-1][1:] == ("default/p", "UnschedulableTimeout", "activeQ")


def test_scheduling_gates() -> None:
    _k, q = _queue()
    gated = make_pod("g", schedulingGates=[{"name": "example.com/wait"}])
    q.add(gated)
    assert q.pending_pods()["unschedulablePods"] == ["default/g"]
    assert q.get("default/g") is not None and q.get("default/g").gated()  # type: ignore[union-attr]
    ungated = make_pod("g")
    q.update(gated, ungated)
    assert q.pending_pods()["activeQ"] == ["default/g"]


def test_delete_and_nominator() -> None:
    _k, q = _queue()
    pod = make_pod("p")
    pod["status"]["nominatedNodeName"] = "n1"
    q.add(pod)
    assert [p.key for p in q.nominator.nominated_pods_for_node("n1")] == ["default/p"]
    q.delete(pod)
    assert len(q) == 0 and q.nominator.nominated_pods_for_node("n1") == []


def test_backoff_duration() -> None:
    _k, q = _queue()
    qpi = QueuedPodInfo(PodInfo(make_pod("p")), 0.0)
    got = []
    for n in range(7):
        qpi.unschedulable_count = n
        got.append(q.backoff_duration(qpi))
    assert got == [0.0, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
