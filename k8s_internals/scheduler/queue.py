"""The scheduling queue: which pod the scheduler tries next, and when a pod that did not fit
is tried again.

Mirrors ``pkg/scheduler/backend/queue/scheduling_queue.go`` (``PriorityQueue``):

- **activeQ** — a heap ordered by the QueueSort plugin (``PrioritySort``: priority, then time
  added); ``pop`` hands the head to the scheduling cycle.
- **backoffQ** — pods waiting out a backoff: ``podInitialBackoffSeconds`` (1 s) doubling per
  unschedulable attempt up to ``podMaxBackoffSeconds`` (10 s) (``calculateBackoffDuration``;
  errors back off on their own consecutive count). ``flushBackoffQCompleted`` runs on a 1 s
  ticker, so a pod is retried on the first tick at or after its backoff expires.
- **unschedulablePods** — pods rejected by some plugins. A cluster event (node added or
  updated, assigned pod added or deleted, PVC added...) moves such a pod back (to backoffQ, or
  activeQ if its backoff is over) only if one of the plugins that rejected it registered that
  event and its *queueing hint* says ``Queue`` (``isPodWorthRequeuing``). Every 30 s
  (``flushUnschedulablePodsLeftover``) pods that stayed longer than
  ``podMaxInUnschedulablePodsDuration`` (5 min) are moved back regardless.
- **PreEnqueue** — before entering activeQ the pod goes through the PreEnqueue plugins
  (``SchedulingGates``); a gated pod waits in unschedulablePods until an update un-gates it.
- **in-flight events** — events that happen while a pod is being scheduled are remembered; if
  the attempt fails and one of them may have helped, the pod goes to backoffQ instead of
  unschedulablePods.
- **nominator** — pods nominated to a node by preemption (``status.nominatedNodeName``), which
  Filter must account for.

Timers run on the kernel: the backoff flush is work (the cluster has not settled while a pod
waits for its retry); the 30 s unschedulable flush is background. Upstream's newer
``SchedulerPopFromBackoffQ`` (pop a backing-off pod when activeQ is empty) is not modelled.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .framework.interface import (
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    EventResource,
    NominatingInfo,
    NominatingMode,
    QueueingHint,
    Status,
)
from .framework.types import PodInfo, QueuedPodInfo
from .plugins.priority_sort import PrioritySort
from .util import pod_key, quantity_int

__all__ = [
    "DEFAULT_POD_INITIAL_BACKOFF",
    "DEFAULT_POD_MAX_BACKOFF",
    "DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION",
    "Nominator",
    "SchedulingQueue",
    "node_scheduling_properties_change",
    "pod_scheduling_properties_change",
]

#: ``DefaultPodInitialBackoffDuration``
DEFAULT_POD_INITIAL_BACKOFF = 1.0
#: ``DefaultPodMaxBackoffDuration``
DEFAULT_POD_MAX_BACKOFF = 10.0
#: ``DefaultPodMaxInUnschedulablePodsDuration``
DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION = 300.0
#: the backoff flush ticker period and the unschedulable flush period
BACKOFF_FLUSH_PERIOD = 1.0
UNSCHEDULABLE_FLUSH_PERIOD = 30.0

#: special events (``framework.UnschedulableTimeout`` / ``EventForceActivate``)
UNSCHEDULABLE_TIMEOUT = ClusterEvent(EventResource.WildCard, ActionType.All)

Obj = dict[str, Any]


# -- event extraction ----------------------------------------------------------------------------


def node_scheduling_properties_change(new: Mapping[str, Any],
                                      old: Mapping[str, Any]) -> list[ClusterEvent]:
    """``NodeSchedulingPropertiesChange``: the specific Node/Update events."""
    out: list[ClusterEvent] = []

    def g(o: Mapping[str, Any], *path: str) -> Any:
        for p in path:
            o = (o or {}).get(p) or {}
        return o or None

    if g(new, "status", "allocatable") != g(old, "status", "allocatable"):
        out.append(ClusterEvent(EventResource.Node, ActionType.UpdateNodeAllocatable))
    if g(new, "metadata", "labels") != g(old, "metadata", "labels"):
        out.append(ClusterEvent(EventResource.Node, ActionType.UpdateNodeLabel))
    if g(new, "spec", "taints") != g(old, "spec", "taints") or \
            bool((new.get("spec") or {}).get("unschedulable")) != \
            bool((old.get("spec") or {}).get("unschedulable")):
        out.append(ClusterEvent(EventResource.Node, ActionType.UpdateNodeTaint))
    conds = [(c.get("type"), c.get("status")) for c in g(new, "status", "conditions") or ()]
    old_conds = [(c.get("type"), c.get("status")) for c in g(old, "status", "conditions") or ()]
    if conds != old_conds:
        out.append(ClusterEvent(EventResource.Node, ActionType.UpdateNodeCondition))
    if g(new, "metadata", "annotations") != g(old, "metadata", "annotations"):
        out.append(ClusterEvent(EventResource.Node, ActionType.UpdateNodeAnnotation))
    return out


def _requests(pod: Mapping[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in (pod.get("spec") or {}).get("containers") or ():
        for k, v in ((c.get("resources") or {}).get("requests") or {}).items():
            out[k] = out.get(k, 0) + quantity_int(k, v)
    return out


def pod_scheduling_properties_change(new: Mapping[str, Any],
                                     old: Mapping[str, Any]) -> list[ClusterEvent]:
    """``PodSchedulingPropertiesChange``: label change, scale down, scheduling gates
    eliminated, tolerations added — or a general Update."""
    r = EventResource.AssignedPod if (new.get("spec") or {}).get("nodeName") \
        else EventResource.UnschedulablePod
    out: list[ClusterEvent] = []
    if ((new.get("metadata") or {}).get("labels") or {}) != \
            ((old.get("metadata") or {}).get("labels") or {}):
        out.append(ClusterEvent(r, ActionType.UpdatePodLabel))
    nr, orr = _requests(new), _requests(old)
    if any(nr.get(k, 0) < v for k, v in orr.items()):
        out.append(ClusterEvent(r, ActionType.UpdatePodScaleDown))
    if (old.get("spec") or {}).get("schedulingGates") and \
            not (new.get("spec") or {}).get("schedulingGates"):
        out.append(ClusterEvent(r, ActionType.UpdatePodSchedulingGatesEliminated))
    if len((new.get("spec") or {}).get("tolerations") or ()) > \
            len((old.get("spec") or {}).get("tolerations") or ()):
        out.append(ClusterEvent(r, ActionType.UpdatePodToleration))
    if not out:
        out.append(ClusterEvent(r, ActionType.Update))
    return out


def _is_pod_updated(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """``isPodUpdated``: a change other than resourceVersion, generation, managed fields and
    status."""
    def strip(p: Mapping[str, Any]) -> Any:
        meta = {k: v for k, v in (p.get("metadata") or {}).items()
                if k not in ("resourceVersion", "generation", "managedFields")}
        return meta, p.get("spec")

    return strip(old) != strip(new)


# -- nominator -----------------------------------------------------------------------------------


class Nominator:
    """``nominator``: pods nominated to nodes (by preemption)."""

    def __init__(self) -> None:
        self.nominated_pods: dict[str, list[PodInfo]] = {}
        self.nominated_pod_to_node: dict[str, str] = {}

    def add_nominated_pod(self, pi: PodInfo, info: NominatingInfo | None = None) -> None:
        """``AddNominatedPod``: the override's node, else the pod's ``nominatedNodeName``."""
        self.delete_nominated_pod_if_exists(pi.pod)
        if info is not None and info.mode == NominatingMode.Override:
            node = info.nominated_node_name
        else:
            node = (pi.pod.get("status") or {}).get("nominatedNodeName") or ""
        if not node:
            return
        self.nominated_pod_to_node[pi.key] = node
        self.nominated_pods.setdefault(node, []).append(pi)

    def delete_nominated_pod_if_exists(self, pod: Mapping[str, Any]) -> None:
        key = pod_key(pod)
        node = self.nominated_pod_to_node.pop(key, None)
        if node is None:
            return
        lst = [p for p in self.nominated_pods.get(node, ()) if p.key != key]
        if lst:
            self.nominated_pods[node] = lst
        else:
            self.nominated_pods.pop(node, None)

    def update_nominated_pod(self, old: Mapping[str, Any], new_pi: PodInfo) -> None:
        node = self.nominated_pod_to_node.get(pod_key(old))
        new_node = (new_pi.pod.get("status") or {}).get("nominatedNodeName") or ""
        self.delete_nominated_pod_if_exists(old)
        if new_node or node:
            self.add_nominated_pod(new_pi, NominatingInfo(new_node or node or "",
                                                          NominatingMode.Override))

    def nominated_pods_for_node(self, node: str) -> list[PodInfo]:
        return list(self.nominated_pods.get(node, ()))

    def __len__(self) -> int:
        return len(self.nominated_pod_to_node)


# -- the queue -------------------------------------------------------------------------------------


class _ActiveEntry:
    __slots__ = ("less", "qpi", "removed", "seq")

    def __init__(self, qpi: QueuedPodInfo, less: Callable[[QueuedPodInfo, QueuedPodInfo], bool],
                 seq: int) -> None:
        self.qpi = qpi
        self.less = less
        self.seq = seq
        self.removed = False

    def __lt__(self, other: _ActiveEntry) -> bool:
        if self.less(self.qpi, other.qpi):
            return True
        if self.less(other.qpi, self.qpi):
            return False
        return self.seq < other.seq


class _PrioritySortEntry(_ActiveEntry):
    """An entry whose ``less`` is :meth:`PrioritySort.less`: the same comparisons, inlined
    (no method calls; heap operations compare entries a dozen times per pop)."""

    __slots__ = ()

    def __lt__(self, other: _ActiveEntry) -> bool:
        a, b = self.qpi, other.qpi
        p1, p2 = a.pod_info.priority, b.pod_info.priority
        t1, t2 = a.timestamp, b.timestamp
        if p1 > p2 or (p1 == p2 and t1 < t2):      # less(a, b)
            return True
        if p2 > p1 or (p2 == p1 and t2 < t1):      # less(b, a)
            return False
        return self.seq < other.seq


@dataclass
class _HintFn:
    plugin: str
    fn: Callable[[Obj, Any, Any], QueueingHint] | None


class SchedulingQueue:
    """``PriorityQueue`` (see the module docstring)."""

    def __init__(
        self,
        kernel: Any,
        less: Callable[[QueuedPodInfo, QueuedPodInfo], bool],
        *,
        pod_initial_backoff: float = DEFAULT_POD_INITIAL_BACKOFF,
        pod_max_backoff: float = DEFAULT_POD_MAX_BACKOFF,
        pod_max_in_unschedulable: float = DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION,
        pre_enqueue: Mapping[str, Callable[[Obj], Status | None]] | None = None,
        events_to_register: Mapping[str, Mapping[str, list[ClusterEventWithHint]]] | None = None,
        on_active: Callable[[], None] | None = None,
        nominator: Nominator | None = None,
    ) -> None:
        self.kernel = kernel
        self.less = less
        self.pod_initial_backoff = pod_initial_backoff
        self.pod_max_backoff = pod_max_backoff
        self.pod_max_in_unschedulable = pod_max_in_unschedulable
        self.pre_enqueue = dict(pre_enqueue or {})
        self.on_active = on_active
        self.nominator = nominator if nominator is not None else Nominator()
        self._seq = itertools.count()
        self._active: list[_ActiveEntry] = []
        self._active_by_key: dict[str, _ActiveEntry] = {}
        self._backoff: list[tuple[float, int, str]] = []
        self._backoff_by_key: dict[str, QueuedPodInfo] = {}
        self.unschedulable: dict[str, QueuedPodInfo] = {}
        self.in_flight: dict[str, int] = {}
        self.in_flight_events: list[tuple[ClusterEvent, Any, Any]] = []
        self.scheduling_cycle = 0
        self.moved: list[tuple[float, str, str, str]] = []  # (time, pod, event, queue): a log
        self._hints: dict[str, list[tuple[ClusterEvent, _HintFn]]] = {}
        for profile, by_plugin in (events_to_register or {}).items():
            lst: list[tuple[ClusterEvent, _HintFn]] = []
            for plugin, events in by_plugin.items():
                for ev in events:
                    lst.append((ev.event, _HintFn(plugin, ev.queueing_hint_fn)))
            self._hints[profile] = lst
        self._start = kernel.now if kernel is not None else 0.0
        self._backoff_timer: Any = None
        self._leftover_timer: Any = None
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    def run(self) -> None:
        """Start the periodic unschedulable flush (background)."""
        if self.kernel is not None and self._leftover_timer is None:
            self._start = self.kernel.now
            self._leftover_timer = self.kernel.every(
                UNSCHEDULABLE_FLUSH_PERIOD, self.flush_unschedulable_pods_leftover,
                name="scheduling queue flushUnschedulablePodsLeftover")

    def close(self) -> None:
        self._closed = True
        for t in (self._backoff_timer, self._leftover_timer):
            if t is not None:
                t.cancel()
        self._backoff_timer = self._leftover_timer = None

    def _now(self) -> float:
        return float(self.kernel.now) if self.kernel is not None else 0.0

    # -- introspection -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._active_by_key) + len(self._backoff_by_key) + len(self.unschedulable)

    def active_len(self) -> int:
        return len(self._active_by_key)

    def pending_pods(self) -> dict[str, list[str]]:
        """``PendingPods``: the keys in each sub-queue (activeQ in pop order)."""
        active = sorted(e for e in self._active if not e.removed)
        return {"activeQ": [e.qpi.key for e in active],
                "backoffQ": [k for _, _, k in sorted(self._backoff) if k in self._backoff_by_key],
                "unschedulablePods": sorted(self.unschedulable)}

    def get(self, key: str) -> QueuedPodInfo | None:
        e = self._active_by_key.get(key)
        if e is not None:
            return e.qpi
        return self._backoff_by_key.get(key) or self.unschedulable.get(key)

    # -- internal moves ------------------------------------------------------------------------

    def _push_active(self, qpi: QueuedPodInfo) -> None:
        less = self.less
        cls = _PrioritySortEntry if getattr(less, "__func__", None) is PrioritySort.less \
            else _ActiveEntry
        e = cls(qpi, less, next(self._seq))
        self._active_by_key[qpi.key] = e
        heapq.heappush(self._active, e)
        if self.on_active is not None:
            self.on_active()

    def _remove_active(self, key: str) -> QueuedPodInfo | None:
        e = self._active_by_key.pop(key, None)
        if e is None:
            return None
        e.removed = True
        return e.qpi

    def _push_backoff(self, qpi: QueuedPodInfo) -> None:
        qpi.backoff_expiration = qpi.timestamp + self.backoff_duration(qpi)
        self._backoff_by_key[qpi.key] = qpi
        heapq.heappush(self._backoff, (qpi.backoff_expiration, next(self._seq), qpi.key))
        self._arm_backoff_timer()

    def _remove_backoff(self, key: str) -> QueuedPodInfo | None:
        return self._backoff_by_key.pop(key, None)

    def _arm_backoff_timer(self) -> None:
        if self.kernel is None or self._closed:
            return
        while self._backoff and self._backoff[0][2] not in self._backoff_by_key:
            heapq.heappop(self._backoff)
        if not self._backoff:
            return
        expiry = self._backoff[0][0]
        ticks = max(1, math.ceil(round((expiry - self._start) / BACKOFF_FLUSH_PERIOD, 9)))
        when = self._start + ticks * BACKOFF_FLUSH_PERIOD
        if self._backoff_timer is not None and not self._backoff_timer.cancelled:
            if self._backoff_timer.when <= when:
                return
            self._backoff_timer.cancel()
        self._backoff_timer = self.kernel.call_at(when, self.flush_backoff_q_completed,
                                                  name="scheduling queue flushBackoffQCompleted")

    def backoff_duration(self, qpi: QueuedPodInfo) -> float:
        """``calculateBackoffDuration``: 1 s, 2 s, 4 s, 8 s, 10 s, 10 s..."""
        count = qpi.consecutive_errors_count or qpi.unschedulable_count
        if count == 0:
            return 0.0
        d = self.pod_initial_backoff
        for _ in range(1, count):
            if d > self.pod_max_backoff - d:
                return self.pod_max_backoff
            d += d
        return d

    def is_pod_backing_off(self, qpi: QueuedPodInfo) -> bool:
        return qpi.timestamp + self.backoff_duration(qpi) > self._now()

    def _run_pre_enqueue(self, qpi: QueuedPodInfo) -> bool:
        """Returns whether the pod may enter activeQ (records the gating plugin)."""
        fn = self.pre_enqueue.get((qpi.pod.get("spec") or {}).get("schedulerName")
                                  or "default-scheduler")
        st = fn(qpi.pod) if fn is not None else None
        if st is None or st.is_success():
            qpi.gating_plugin = ""
            return True
        qpi.gating_plugin = st.plugin or "PreEnqueue"
        qpi.unschedulable_plugins = {qpi.gating_plugin}
        return False

    def _move_to_active(self, qpi: QueuedPodInfo, event: str) -> str:
        if not self._run_pre_enqueue(qpi):
            self.unschedulable[qpi.key] = qpi
            return "unschedulablePods"
        self._push_active(qpi)
        self.moved.append((self._now(), qpi.key, event, "activeQ"))
        del self.moved[:-1000]
        return "activeQ"

    def _requeue(self, qpi: QueuedPodInfo, event: str) -> str:
        """``requeuePodViaQueueingHint`` after a Queue hint: backoffQ or activeQ."""
        if self.is_pod_backing_off(qpi):
            self._push_backoff(qpi)
            self.moved.append((self._now(), qpi.key, event, "backoffQ"))
            del self.moved[:-1000]
            return "backoffQ"
        return self._move_to_active(qpi, event)

    # -- the API -------------------------------------------------------------------------------

    def add(self, pod: Obj) -> None:
        """``Add``: a new unscheduled pod."""
        key = pod_key(pod)
        if self.get(key) is not None:
            self.update(self.get(key).pod, pod)  # type: ignore[union-attr]
            return
        qpi = QueuedPodInfo(PodInfo(pod), self._now())
        qpi.initial_attempt_timestamp = None
        self.nominator.add_nominated_pod(qpi.pod_info)
        self._move_to_active(qpi, "PodAdd")

    def activate(self, pods: Iterable[Obj]) -> None:
        """``Activate``: move the given pods to activeQ now."""
        for pod in pods:
            key = pod_key(pod)
            qpi = self.unschedulable.pop(key, None) or self._remove_backoff(key)
            if qpi is not None:
                self._move_to_active(qpi, "ForceActivate")

    def pop(self) -> QueuedPodInfo | None:
        """``Pop``: the head of activeQ (or None), counted as an attempt and in flight."""
        while self._active:
            e = heapq.heappop(self._active)
            if e.removed:
                continue
            self._active_by_key.pop(e.qpi.key, None)
            qpi = e.qpi
            qpi.attempts += 1
            if qpi.initial_attempt_timestamp is None:
                qpi.initial_attempt_timestamp = self._now()
            self.scheduling_cycle += 1
            self.in_flight[qpi.key] = len(self.in_flight_events)
            return qpi
        return None

    def done(self, key: str) -> None:
        """``Done``: the pod's attempt is over (its in-flight events can go)."""
        self.in_flight.pop(key, None)
        if not self.in_flight:
            self.in_flight_events.clear()

    def add_unschedulable_if_not_present(self, qpi: QueuedPodInfo,
                                         pod_scheduling_cycle: int = 0) -> None:
        """``AddUnschedulableIfNotPresent``: after a failed attempt."""
        key = qpi.key
        if self.get(key) is not None:
            self.done(key)
            return
        qpi.timestamp = self._now()
        if not qpi.unschedulable_plugins and not qpi.pending_plugins:
            qpi.consecutive_errors_count += 1
            self._push_backoff(qpi)
            self.moved.append((self._now(), key, "ScheduleAttemptFailure", "backoffQ"))
            self.done(key)
            return
        qpi.unschedulable_count += 1
        qpi.consecutive_errors_count = 0
        start = self.in_flight.get(key)
        worth = False
        if start is not None:
            for ev, old, new in self.in_flight_events[start:]:
                if self._is_pod_worth_requeuing(qpi, ev, old, new) == QueueingHint.Queue:
                    worth = True
                    break
        self.done(key)
        if worth:
            self._push_backoff(qpi)
            self.moved.append((self._now(), key, "ScheduleAttemptFailure", "backoffQ"))
        else:
            self.unschedulable[key] = qpi

    def update(self, old: Obj, new: Obj) -> None:
        """``Update``: a change to an unscheduled pod."""
        key = pod_key(new)
        e = self._active_by_key.get(key)
        if e is not None:
            e.qpi.pod_info = PodInfo(new)
            self.nominator.update_nominated_pod(old, e.qpi.pod_info)
            return
        qpi = self._backoff_by_key.get(key)
        if qpi is not None:
            qpi.pod_info = PodInfo(new)
            self.nominator.update_nominated_pod(old, qpi.pod_info)
            return
        qpi = self.unschedulable.get(key)
        if qpi is not None:
            qpi.pod_info = PodInfo(new)
            self.nominator.update_nominated_pod(old, qpi.pod_info)
            if not _is_pod_updated(old, new):
                return
            for ev in pod_scheduling_properties_change(new, old):
                if self._is_pod_worth_requeuing(qpi, ev, old, new) == QueueingHint.Queue:
                    del self.unschedulable[key]
                    where = self._requeue(qpi, ev.label())
                    if where == "unschedulablePods":
                        continue
                    return
            return
        if key in self.in_flight:
            for ev in pod_scheduling_properties_change(new, old):
                self.in_flight_events.append((ev, old, new))
            return
        self.add(new)

    def delete(self, pod: Obj) -> None:
        """``Delete``."""
        key = pod_key(pod)
        self.nominator.delete_nominated_pod_if_exists(pod)
        self._remove_active(key)
        self._remove_backoff(key)
        self.unschedulable.pop(key, None)

    # -- cluster events --------------------------------------------------------------------------

    def _is_pod_worth_requeuing(self, qpi: QueuedPodInfo, event: ClusterEvent, old: Any,
                                new: Any) -> QueueingHint:
        """``isPodWorthRequeuing``."""
        rejectors = qpi.unschedulable_plugins | qpi.pending_plugins
        if not rejectors:
            return QueueingHint.Queue
        if event.resource == EventResource.WildCard and event.action_type == ActionType.All:
            if new is not None and isinstance(new, Mapping) and pod_key(new) != qpi.key:
                return QueueingHint.QueueSkip
            return QueueingHint.Queue
        profile = (qpi.pod.get("spec") or {}).get("schedulerName") or "default-scheduler"
        hints = self._hints.get(profile)
        if hints is None:
            return QueueingHint.Queue
        for registered, hint in hints:
            if hint.plugin not in rejectors or not registered.matches(event):
                continue
            if hint.fn is None:
                return QueueingHint.Queue
            try:
                h = hint.fn(qpi.pod, old, new)
            except Exception:  # a failing hint must not strand the pod
                h = QueueingHint.Queue
            if h == QueueingHint.Queue:
                return QueueingHint.Queue
        return QueueingHint.QueueSkip

    def move_all_to_active_or_backoff_queue(self, event: ClusterEvent, old: Any = None,
                                            new: Any = None,
                                            pre_check: Callable[[Obj], bool] | None = None
                                            ) -> None:
        """``MoveAllToActiveOrBackoffQueue``: requeue the unschedulable pods this event may
        help (and remember it for the pods in flight)."""
        if self.in_flight:
            self.in_flight_events.append((event, old, new))
        for key, qpi in list(self.unschedulable.items()):
            if pre_check is not None and not pre_check(qpi.pod):
                continue
            if self._is_pod_worth_requeuing(qpi, event, old, new) != QueueingHint.Queue:
                continue
            del self.unschedulable[key]
            self._requeue(qpi, event.label())

    def assigned_pod_added(self, pod: Obj) -> None:
        self.move_all_to_active_or_backoff_queue(
            ClusterEvent(EventResource.AssignedPod, ActionType.Add), None, pod)

    def assigned_pod_updated(self, old: Obj, new: Obj) -> None:
        for ev in pod_scheduling_properties_change(new, old):
            self.move_all_to_active_or_backoff_queue(ev, old, new)

    def assigned_pod_deleted(self, pod: Obj) -> None:
        self.move_all_to_active_or_backoff_queue(
            ClusterEvent(EventResource.AssignedPod, ActionType.Delete), pod, None)

    # -- flushes -----------------------------------------------------------------------------

    def flush_backoff_q_completed(self) -> None:
        """``flushBackoffQCompleted``: backed-off pods whose time has come go to activeQ."""
        self._backoff_timer = None
        now = self._now()
        while self._backoff:
            expiry, _, key = self._backoff[0]
            qpi = self._backoff_by_key.get(key)
            if qpi is None or qpi.backoff_expiration != expiry:
                heapq.heappop(self._backoff)
                continue
            if expiry > now + 1e-9:
                break
            heapq.heappop(self._backoff)
            del self._backoff_by_key[key]
            self._move_to_active(qpi, "BackoffComplete")
        self._arm_backoff_timer()

    def flush_unschedulable_pods_leftover(self) -> None:
        """``flushUnschedulablePodsLeftover``: pods unschedulable for more than 5 min."""
        now = self._now()
        for key, qpi in list(self.unschedulable.items()):
            if qpi.gated():
                continue
            if now - qpi.timestamp > self.pod_max_in_unschedulable:
                del self.unschedulable[key]
                self._requeue(qpi, "UnschedulableTimeout")
