"""``PrioritySort``: the default QueueSort plugin — higher ``spec.priority`` first, then the
pod that entered the queue earlier.

Mirrors ``pkg/scheduler/framework/plugins/queuesort/priority_sort.go``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..framework.interface import Handle
from ..framework.types import QueuedPodInfo
from .names import PRIORITY_SORT

__all__ = ["PrioritySort", "new"]


class PrioritySort:
    """``Less(p1, p2)``: ``p1`` goes first if its priority is higher, or equal and it was
    queued earlier."""

    name = PRIORITY_SORT

    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        p1, p2 = a.pod_info.priority, b.pod_info.priority
        return p1 > p2 or (p1 == p2 and a.timestamp < b.timestamp)


def new(args: Mapping[str, Any] | None, handle: Handle) -> PrioritySort:
    return PrioritySort()
