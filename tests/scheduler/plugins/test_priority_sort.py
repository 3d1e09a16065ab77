"""``PrioritySort`` (``priority_sort_test.go``)."""

from __future__ import annotations

from k8s_internals.scheduler.framework.types import PodInfo, QueuedPodInfo
from k8s_internals.scheduler.plugins import priority_sort

from ..helpers import make_pod


def _q(priority: int, ts: float) -> QueuedPodInfo:
    return QueuedPodInfo(PodInfo(make_pod(priority=priority)), ts)


def test_less() -> None:
    less = priority_sort.PrioritySort().less
    assert less(_q(100, 2), _q(0, 1))          # higher priority first
    assert not less(_q(0, 1), _q(100, 2))
    assert less(_q(5, 1), _q(5, 2))             # equal priority: earlier first
    assert not less(_q(5, 2), _q(5, 1))
