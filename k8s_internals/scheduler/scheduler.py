"""kube-scheduler: watch unassigned pods and nodes through the API server, pick a node for each
pod with the scheduling framework, and bind it.

Mirrors ``pkg/scheduler/scheduler.go`` (assembly: profiles, cache, queue, informers),
``eventhandlers.go`` (informer events → cache and queue) and ``schedule_one.go``:

``schedule_one``: pop the next pod → **scheduling cycle** (synchronous):
PreFilter → Filter over a round-robin window of nodes (``numFeasibleNodesToFind``: all nodes
below 100; else ``percentageOfNodesToScore``, adaptive by default — ``50 - nodes/125`` %, at least
5 % and at least 100 nodes; the window starts where the previous cycle stopped) → on no fit,
PostFilter (preemption) and a ``FitError`` → PreScore → Score → NormalizeScore → weights →
``select_host`` → assume the pod on the node in the cache → Reserve → Permit; then the
**binding cycle** (asynchronous: a later kernel event) → WaitOnPermit → PreBind → Bind (POST
``pods/binding``) → PostBind, and the ``Scheduled`` event
``Successfully assigned default/x to node-1``.

On failure (``handleSchedulingFailure``): the pod goes back to the queue (unschedulable or
backoff), a ``FailedScheduling`` warning event carries the FitError message (e.g.
``0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s).
preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2
Preemption is not helpful for scheduling.``) and the pod's ``PodScheduled`` condition becomes
``False``/``Unschedulable`` with the same message (a strategic-merge patch of ``pods/status``,
as ``util.PatchPodStatus``), together with ``status.nominatedNodeName`` when preemption
nominated a node.

``select_host``: the node with the highest total; among ties, reservoir sampling with the
kernel's seeded RNG (``rand.Intn(cntOfMaxScore) == 0`` replaces the candidate), as
``selectHost`` did through v1.33 — so the same seed gives the same placement. (v1.34+ gives
every node a random ``Randomizer`` and pops a heap instead; the distribution is the same.)

Everything an attempt computed is recorded by :mod:`.explain` (``Scheduler.explain(key)``) and
sent with the Binding as annotations (or with the status patch when the pod did not fit).

Events go through the new events API, as kube-scheduler's do (``cmd/kube-scheduler/app/
server.go``: ``events.NewEventBroadcasterAdapterWithContext``; ``schedule_one.go``:
``Eventf(pod, nil, Normal, "Scheduled", "Binding", ...)``, ``Eventf(pod, nil, Warning,
"FailedScheduling", "Scheduling", ...)``; preemption's ``"Preempted"``/``"Preempting"`` with the
preemptor as ``related``): events.k8s.io/v1 Events with ``reportingController`` the profile's
scheduler name and ``reportingInstance`` ``<schedulerName>-<hostname>`` (``hostname``:
``control-plane`` in the simulated cluster), repeats folded into a series
(:mod:`k8s_internals.client.events`).

Identity: the client should be ``system:kube-scheduler`` (RBAC grants it exactly the verbs
used here). Leader election (``LeaderElector("kube-scheduler")``) is optional.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..client.causality import caused_by, current_cause
from ..client.client import ApiError, Client
from ..client.events import EventBroadcaster, EventRecorder
from ..client.informer import Informer, InformerFactory
from ..client.leaderelection import LeaderElector
from ..client.record import EVENT_NORMAL, EVENT_WARNING
from ..sim import Kernel
from .cache import Cache
from .config import KubeSchedulerConfiguration, load_config
from .explain import FILTER_RESULT, Attempt, Explainer
from .fastpath import FastPath, rotated_slice, scan_window
from .framework.cycle_state import CycleState
from .framework.interface import (
    ActionType,
    ClusterEvent,
    Code,
    EventResource,
    NominatingInfo,
    NominatingMode,
    Status,
)
from .framework.runtime import Framework, ScoreResult
from .framework.types import Diagnosis, FitError, NodeInfo, PodInfo, QueuedPodInfo
from .listers import InformerListers, StaticListers
from .plugins.default_binder import BINDING_ANNOTATIONS_KEY
from .plugins.registry import new_in_tree_registry
from .queue import Nominator, SchedulingQueue, node_scheduling_properties_change
from .util import pod_key

__all__ = [
    "MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND",
    "MIN_FEASIBLE_NODES_TO_FIND",
    "NoNodesAvailableError",
    "ScheduleResult",
    "Scheduler",
    "num_feasible_nodes_to_find",
    "select_host",
]

#: ``minFeasibleNodesToFind``
MIN_FEASIBLE_NODES_TO_FIND = 100
#: ``minFeasibleNodesPercentageToFind``
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
#: ``validation.NoteLengthLimit``: events longer than this are truncated
NOTE_LENGTH_LIMIT = 1024
#: the pod informer's field selector (``newPodInformer``: terminal pods are not cached)
POD_FIELD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed"

Obj = dict[str, Any]


class NoNodesAvailableError(Exception):
    """``ErrNoNodesAvailable``."""

    def __str__(self) -> str:
        return "no nodes available to schedule pods"


@dataclass
class ScheduleResult:
    """``ScheduleResult``."""

    suggested_host: str
    evaluated_nodes: int
    feasible_nodes: int
    nominating_info: NominatingInfo | None = None


def num_feasible_nodes_to_find(percentage_of_nodes_to_score: int | None, num_all_nodes: int,
                               global_percentage: int = 0) -> int:
    """``numFeasibleNodesToFind``: how many feasible nodes to find before scoring.

    >>> [num_feasible_nodes_to_find(None, n) for n in (10, 1000, 5000, 6000)]
    [10, 420, 500, 300]
    """
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    pct = percentage_of_nodes_to_score if percentage_of_nodes_to_score is not None \
        else global_percentage
    if pct == 0:
        pct = 50 - num_all_nodes // 125
        if pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND:
            pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND
    n = num_all_nodes * pct // 100
    if n < MIN_FEASIBLE_NODES_TO_FIND:
        return MIN_FEASIBLE_NODES_TO_FIND
    return n


def select_host(totals: list[int], rng: Any) -> int:
    """``selectHost``: the index of a node with the highest total; ties are broken by
    reservoir sampling in node order (each later tie replaces the candidate with probability
    ``1/count``), one ``rng.randrange`` per extra tie.

    >>> import random
    >>> select_host([3, 7, 5], random.Random(0))
    1
    """
    best = max(totals)
    count = totals.count(best)
    selected = totals.index(best)
    if count == 1:
        return selected
    i = selected
    getrandbits = getattr(rng, "getrandbits", None)
    if getrandbits is None or type(rng).randrange is not random.Random.randrange:
        for cnt in range(2, count + 1):
            i = totals.index(best, i + 1)
            if rng.randrange(cnt) == 0:
                selected = i
        return selected
    # ``rng.randrange(cnt)`` inlined: CPython's ``_randbelow_with_getrandbits`` — the same
    # draws, the same state afterwards, without the call overhead (ties are common: a window of
    # identical nodes can have hundreds)
    # (by runs of counts with the same bit length: ``k`` is computed once per run)
    pick = 1
    cnt = 2
    while cnt <= count:
        k = cnt.bit_length()
        end = min(1 << k, count + 1)
        for c in range(cnt, end):
            r = getrandbits(k)
            while r >= c:
                r = getrandbits(k)
            if not r:
                pick = c
        cnt = end
    # the pick-th tie in node order
    index = totals.index
    for _ in range(pick - 1):
        selected = index(best, selected + 1)
    return selected


def _truncate(message: str) -> str:
    if len(message) <= NOTE_LENGTH_LIMIT:
        return message
    return message[:NOTE_LENGTH_LIMIT - 4] + " ..."


class Scheduler:
    """A kube-scheduler on the simulator (see the module docstring).

    ``client`` — the scheduler's own identity (``system:kube-scheduler``); ``None`` runs without
    an API server (feed :attr:`cache` and :attr:`queue` directly; bind with a plugin that does
    not need a client). ``config`` — a :class:`KubeSchedulerConfiguration`, YAML text or a
    dict. ``plugins`` — out-of-tree plugins by name (factories, classes, instances or plain
    functions: see :func:`~k8s_internals.scheduler.framework.adapters.as_factory`), merged into
    the registry as ``app.WithPlugin`` does; enable them in the config.
    """

    def __init__(
        self,
        client: Client | None,
        kernel: Kernel,
        config: KubeSchedulerConfiguration | str | Mapping[str, Any] | None = None,
        *,
        plugins: Mapping[str, Any] | None = None,
        fast_path: bool = True,
        explain: bool = True,
        identity: str = "kube-scheduler-1",
        listers: Any = None,
        hostname: str = "control-plane",
    ) -> None:
        from .framework.adapters import as_factory

        self.client = client
        self.kernel = kernel
        self.config = config if isinstance(config, KubeSchedulerConfiguration) \
            else load_config(config)
        self.identity = identity
        self.cache = Cache()
        self.explainer = Explainer()
        self.explainer.enabled = explain
        self.fast_path = FastPath(self.cache) if fast_path else None
        self.nominator = Nominator()
        self.next_start_node_index = 0
        self.factory: InformerFactory | None = None
        self.pod_informer: Informer | None = None
        self.node_informer: Informer | None = None
        if listers is None:
            if client is not None:
                self.factory = InformerFactory(client, kernel)
                listers = InformerListers(self.factory)
            else:
                listers = StaticListers()
        self.listers = listers
        registry = new_in_tree_registry()
        for name, obj in (plugins or {}).items():
            registry[name] = as_factory(obj, name)
        self.registry = registry
        # cmd/kube-scheduler/app/server.go: NewEventBroadcasterAdapterWithContext, one
        # events.k8s.io/v1 recorder per profile (reportingInstance <schedulerName>-<hostname>)
        self.event_broadcaster = EventBroadcaster(client, kernel) if client is not None \
            else None
        self.recorders: dict[str, EventRecorder | None] = {}
        self.profiles: dict[str, Framework] = {}
        for prof in self.config.profiles:
            recorder = self.event_broadcaster.new_recorder(prof.scheduler_name, hostname) \
                if self.event_broadcaster is not None else None
            self.recorders[prof.scheduler_name] = recorder
            self.profiles[prof.scheduler_name] = Framework(
                registry, prof, snapshot=self.cache, client=client, kernel=kernel,
                recorder=recorder, listers=listers, nominator=self.nominator,
                percentage_of_nodes_to_score=self.config.percentage_of_nodes_to_score)
        first = next(iter(self.profiles.values()))
        self.queue = SchedulingQueue(
            kernel, first.queue_sort_less(),
            pod_initial_backoff=self.config.pod_initial_backoff_seconds,
            pod_max_backoff=self.config.pod_max_backoff_seconds,
            pre_enqueue={n: f.run_pre_enqueue_plugins for n, f in self.profiles.items()},
            events_to_register={n: f.events_to_register() for n, f in self.profiles.items()},
            on_active=self._kick, nominator=self.nominator)
        self.scheduling = False
        self._tick_pending = False
        self.elector: LeaderElector | None = None
        self.observers: list[Callable[[Attempt], None]] = []
        self.stats = {"attempts": 0, "scheduled": 0, "unschedulable": 0, "errors": 0,
                      "bound": 0, "bind_errors": 0}
        #: pod key -> the request whose watch event queued it (requests made while scheduling
        #: the pod join that request's causal tree, as the controllers' do)
        self._causes: dict[str, str] = {}
        if self.factory is not None:
            self._wire_informers()

    # -- informers (eventhandlers.go) ------------------------------------------------------------

    def _wire_informers(self) -> None:
        assert self.factory is not None
        self.pod_informer = self.factory.informer("pods", field_selector=POD_FIELD_SELECTOR)
        self.node_informer = self.factory.informer("nodes")
        self.pod_informer.add_event_handler(self._on_pod_add, self._on_pod_update,
                                            self._on_pod_delete)
        self.node_informer.add_event_handler(self._on_node_add, self._on_node_update,
                                             self._on_node_delete)
        resources = {"persistentvolumeclaims": EventResource.PersistentVolumeClaim,
                     "persistentvolumes": EventResource.PersistentVolume,
                     "storageclasses": EventResource.StorageClass}
        for resource, er in resources.items():
            informer = self.listers.informer_of(resource) \
                if isinstance(self.listers, InformerListers) else None
            if informer is None:
                continue
            informer.add_event_handler(
                lambda o, er=er: self.queue.move_all_to_active_or_backoff_queue(
                    ClusterEvent(er, ActionType.Add), None, o),
                lambda old, new, er=er: self.queue.move_all_to_active_or_backoff_queue(
                    ClusterEvent(er, ActionType.Update), old, new))

    def _responsible(self, pod: Obj) -> bool:
        return ((pod.get("spec") or {}).get("schedulerName") or "default-scheduler") \
            in self.profiles

    @staticmethod
    def _assigned(pod: Obj) -> bool:
        return bool((pod.get("spec") or {}).get("nodeName"))

    def _remember_cause(self, pod: Obj) -> None:
        cause = current_cause()
        if cause is not None:
            self._causes[pod_key(pod)] = cause

    def _on_pod_add(self, pod: Obj) -> None:
        if self._assigned(pod):
            try:
                self.cache.add_pod(pod)
            except ValueError:
                return
            self.queue.assigned_pod_added(pod)
        elif self._responsible(pod):
            self._remember_cause(pod)
            self.queue.add(pod)

    def _on_pod_update(self, old: Obj, new: Obj) -> None:
        if old.get("metadata", {}).get("resourceVersion") == \
                new.get("metadata", {}).get("resourceVersion"):
            return
        if self._assigned(old):
            try:
                self.cache.update_pod(old, new)
            except ValueError:
                return
            self.queue.assigned_pod_updated(old, new)
        elif self._assigned(new):
            self.queue.delete(old)
            try:
                self.cache.add_pod(new)
            except ValueError:
                return
            self.queue.assigned_pod_added(new)
        elif self._responsible(new):
            if self.cache.is_assumed_pod(new):
                return
            self._remember_cause(new)
            self.queue.update(old, new)

    def _on_pod_delete(self, obj: Any) -> None:
        pod = getattr(obj, "obj", obj)
        if not isinstance(pod, dict):
            return
        if self._assigned(pod):
            with contextlib.suppress(ValueError):
                self.cache.remove_pod(pod)
            self.queue.assigned_pod_deleted(pod)
        else:
            self.queue.delete(pod)
        self._causes.pop(pod_key(pod), None)
        uid = (pod.get("metadata") or {}).get("uid", "")
        for fwk in self.profiles.values():
            fwk.reject_waiting_pod(uid)

    def _on_node_add(self, node: Obj) -> None:
        self.cache.add_node(node)
        self.queue.move_all_to_active_or_backoff_queue(
            ClusterEvent(EventResource.Node, ActionType.Add), None, node)

    def _on_node_update(self, old: Obj, new: Obj) -> None:
        if old.get("metadata", {}).get("resourceVersion") == \
                new.get("metadata", {}).get("resourceVersion"):
            return
        self.cache.update_node(old, new)
        for ev in node_scheduling_properties_change(new, old):
            self.queue.move_all_to_active_or_backoff_queue(ev, old, new)

    def _on_node_delete(self, obj: Any) -> None:
        node = getattr(obj, "obj", obj)
        if isinstance(node, dict):
            with contextlib.suppress(KeyError):
                self.cache.remove_node(node)

    # -- running ----------------------------------------------------------------------------------

    def run(self) -> None:
        """Start the informers and the queue; schedule now, or once elected leader."""
        if self.event_broadcaster is not None:
            self.event_broadcaster.start_recording_to_sink()
        if self.factory is not None:
            self.factory.start()
            if isinstance(self.listers, InformerListers):
                self.listers.factory_started = True
        self.queue.run()
        le = self.config.leader_election
        if le.leader_elect and self.client is not None:
            self.elector = LeaderElector(
                self.client, self.kernel, le.resource_name, self.identity,
                namespace=le.resource_namespace, lease_duration=le.lease_duration,
                renew_deadline=le.renew_deadline, retry_period=le.retry_period,
                on_started_leading=self._start_scheduling,
                on_stopped_leading=self._stop_scheduling)
            self.elector.run()
        else:
            self._start_scheduling()

    def stop(self) -> None:
        self._stop_scheduling()
        if self.event_broadcaster is not None:
            self.event_broadcaster.shutdown()
        if self.elector is not None:
            self.elector.stop()
        if self.factory is not None:
            self.factory.stop()
        self.queue.close()

    def _start_scheduling(self) -> None:
        self.scheduling = True
        self._kick()

    def _stop_scheduling(self) -> None:
        self.scheduling = False

    def _kick(self) -> None:
        if self.scheduling and not self._tick_pending and self.kernel is not None:
            self._tick_pending = True
            self.kernel.call_soon(self._tick, name="kube-scheduler scheduleOne")

    def _tick(self) -> None:
        self._tick_pending = False
        if not self.scheduling:
            return
        self.schedule_one()
        if self.queue.active_len():
            self._kick()

    # -- explain ----------------------------------------------------------------------------------

    def explain(self, pod_key: str) -> Attempt | None:
        """The latest scheduling attempt of ``namespace/name`` (see :mod:`.explain`)."""
        return self.explainer.explain(pod_key)

    # -- the scheduling cycle ---------------------------------------------------------------------

    def schedule_one(self) -> Attempt | None:
        """``ScheduleOne``: one pod through the scheduling cycle (the binding cycle follows
        as a kernel event). Returns the attempt record (or None if the queue was empty)."""
        qpi = self.queue.pop()
        if qpi is None:
            return None
        with caused_by(self._causes.get(qpi.key)):
            return self._schedule_one(qpi)

    def _schedule_one(self, qpi: QueuedPodInfo) -> Attempt | None:
        pod = qpi.pod
        fwk = self.profiles.get((pod.get("spec") or {}).get("schedulerName")
                                or "default-scheduler")
        if fwk is None:
            self.queue.done(qpi.key)
            return None
        if self._skip_pod_schedule(fwk, pod):
            self.queue.done(qpi.key)
            return None
        self.stats["attempts"] += 1
        meta = pod.get("metadata") or {}
        attempt = Attempt(qpi.key, str(meta.get("uid", "")), qpi.attempts,
                          self.queue.scheduling_cycle, float(self.kernel.now)
                          if self.kernel is not None else 0.0, fwk.profile_name)
        state = CycleState()
        cycle = self.queue.scheduling_cycle
        try:
            result = self.schedule_pod(fwk, state, qpi, attempt)
        except FitError as fe:
            self._post_filter(fwk, state, qpi, fe, attempt, cycle)
            return attempt
        except NoNodesAvailableError as err:
            status = Status(Code.UnschedulableAndUnresolvable, err=err)
            attempt.result, attempt.message = "Unschedulable", str(err)
            self._record(attempt)
            self._handle_scheduling_failure(fwk, qpi, status, NominatingInfo(
                "", NominatingMode.Override), attempt, cycle)
            return attempt
        except Exception as err:  # a plugin error: SchedulerError, retried after backoff
            status = Status(Code.Error, err=err)
            attempt.result, attempt.message = "SchedulerError", str(err)
            self._record(attempt)
            self._handle_scheduling_failure(fwk, qpi, status, NominatingInfo(
                "", NominatingMode.Override), attempt, cycle)
            return attempt
        host = result.suggested_host
        attempt.selected_node = host
        attempt.result = "Scheduled"
        assumed_info = qpi.pod_info.assumed_on(host)
        assumed = assumed_info.pod
        try:
            self.cache.assume_pod(assumed, assumed_info)
        except ValueError as err:
            attempt.result, attempt.message = "SchedulerError", str(err)
            self._record(attempt)
            self._handle_scheduling_failure(fwk, qpi, Status(Code.Error, err=err),
                                            NominatingInfo("", NominatingMode.Override),
                                            attempt, cycle)
            return attempt
        self.nominator.delete_nominated_pod_if_exists(assumed)
        st = fwk.run_reserve_plugins_reserve(state, assumed, host)
        if st is not None and not st.is_success():
            fwk.run_reserve_plugins_unreserve(state, assumed, host)
            self._forget(assumed)
            self._fail_after_assume(fwk, qpi, st, host, attempt, cycle)
            return attempt
        st = fwk.run_permit_plugins(state, assumed, host)
        if st is not None and not st.is_wait() and not st.is_success():
            fwk.run_reserve_plugins_unreserve(state, assumed, host)
            self._forget(assumed)
            self._fail_after_assume(fwk, qpi, st, host, attempt, cycle)
            return attempt
        self.stats["scheduled"] += 1
        self._record(attempt)
        if self.explainer.enabled:
            state.write(BINDING_ANNOTATIONS_KEY, attempt.annotations())
        waiting = st is not None and st.is_wait()
        if self.kernel is not None:
            self.kernel.call_soon(self._binding_cycle, fwk, state, qpi, assumed, host, attempt,
                                  waiting, cycle, name=f"kube-scheduler bind {qpi.key}")
        else:
            self._binding_cycle(fwk, state, qpi, assumed, host, attempt, waiting, cycle)
        return attempt

    def _record(self, attempt: Attempt) -> None:
        if self.explainer.enabled:
            self.explainer.record(attempt)
        for obs in self.observers:
            obs(attempt)

    def _skip_pod_schedule(self, fwk: Framework, pod: Obj) -> bool:
        """``skipPodSchedule``: a pod being deleted, or already assumed."""
        meta = pod.get("metadata") or {}
        if meta.get("deletionTimestamp"):
            rec = fwk.recorder
            if rec is not None:
                rec.eventf(pod, None, EVENT_WARNING, "FailedScheduling", "Scheduling",
                           "skip schedule deleting pod: %s/%s", meta.get("namespace"),
                           meta.get("name"))
            return True
        return self.cache.is_assumed_pod(pod)

    def _forget(self, pod: Obj) -> None:
        with contextlib.suppress(ValueError):
            self.cache.forget_pod(pod)

    def _fail_after_assume(self, fwk: Framework, qpi: QueuedPodInfo, st: Status, host: str,
                           attempt: Attempt, cycle: int) -> None:
        """A Reserve or Permit rejection: a FitError naming the one node."""
        if st.is_rejected():
            d = Diagnosis()
            d.node_to_status.set(host, st)
            d.add_plugin_status(st)
            fe = FitError(qpi.pod, 1, d)
            status = Status(st.code, err=fe)
            attempt.result = "Unschedulable"
        else:
            status = st
            attempt.result = "SchedulerError"
        attempt.message = status.message()
        self._record(attempt)
        self._handle_scheduling_failure(fwk, qpi, status,
                                        NominatingInfo("", NominatingMode.Override),
                                        attempt, cycle)

    def _post_filter(self, fwk: Framework, state: CycleState, qpi: QueuedPodInfo,
                     fe: FitError, attempt: Attempt, cycle: int) -> None:
        nominating: NominatingInfo | None = NominatingInfo("", NominatingMode.Override)
        if fwk.has_post_filter_plugins():
            result, st = fwk.run_post_filter_plugins(state, qpi.pod, fe.diagnosis.node_to_status)
            fe.diagnosis.post_filter_msg = st.message()
            nominating = result.nominating_info if result is not None else None
            attempt.postfilter = st.message()
            if not attempt.postfilter and nominating is not None \
                    and nominating.nominated_node_name:
                attempt.postfilter = f"nominated node {nominating.nominated_node_name}"
        status = Status(Code.Unschedulable, err=fe)
        attempt.result = "Unschedulable"
        attempt.message = str(fe)
        self.stats["unschedulable"] += 1
        self._record(attempt)
        self._handle_scheduling_failure(fwk, qpi, status, nominating, attempt, cycle)

    def schedule_pod(self, fwk: Framework, state: CycleState, qpi: QueuedPodInfo,
                     attempt: Attempt | None = None) -> ScheduleResult:
        """``schedulePod``: the node for the pod, or raises :class:`FitError`."""
        attempt = attempt if attempt is not None else Attempt(qpi.key, "", 0, 0, 0.0, "")
        all_nodes = self.cache.list()
        if not all_nodes:
            raise NoNodesAvailableError()
        attempt.num_all_nodes = len(all_nodes)
        feasible, diagnosis, score_input = self.find_nodes_that_fit_pod(fwk, state, qpi, attempt)
        attempt.feasible_nodes = len(feasible)
        attempt.evaluated_nodes = len(feasible) + len(diagnosis.node_to_status)
        attempt._failed = diagnosis.node_to_status.node_to_status
        attempt._feasible_infos = feasible
        if not feasible:
            raise FitError(qpi.pod, len(all_nodes), diagnosis)
        if len(feasible) == 1:
            return ScheduleResult(feasible[0].name, 1 + len(diagnosis.node_to_status), 1)
        scores = self.prioritize_nodes(fwk, state, qpi, feasible, attempt, score_input)
        attempt._scores = scores
        rng = self.kernel.rng if self.kernel is not None else _DEFAULT_RNG
        i = select_host(scores.totals, rng)
        attempt._selected_index = i
        return ScheduleResult(scores.names[i], len(feasible) + len(diagnosis.node_to_status),
                              len(feasible))

    def find_nodes_that_fit_pod(self, fwk: Framework, state: CycleState, qpi: QueuedPodInfo,
                                attempt: Attempt) -> tuple[list[NodeInfo], Diagnosis, Any]:
        """``findNodesThatFitPod``: PreFilter, the nominated node, then Filter."""
        pod = qpi.pod
        diagnosis = Diagnosis()
        all_nodes = self.cache.list()
        pre_res, s, plugins_with_nodes = fwk.run_pre_filter_plugins(state, pod, attempt.prefilter)
        attempt.filter_plugins = [pl.name for pl in fwk.filter_plugins
                                  if pl.name not in state.skip_filter_plugins]
        if s is not None and not s.is_success():
            if not s.is_rejected():
                raise RuntimeError(s.message())
            diagnosis.node_to_status.absent_nodes_status = s
            diagnosis.pre_filter_msg = s.message()
            diagnosis.add_plugin_status(s)
            diagnosis.unschedulable_plugins |= plugins_with_nodes
            return [], diagnosis, None
        nominated = (pod.get("status") or {}).get("nominatedNodeName") or ""
        if nominated:
            try:
                ni = self.cache.get(nominated)
            except KeyError:
                ni = None
            if ni is not None:
                feasible, _ = self._find_nodes_that_pass_filters(fwk, state, qpi, diagnosis,
                                                                 [ni], use_fast=False)
                if feasible:
                    return feasible, diagnosis, None
        nodes = all_nodes
        if pre_res is not None and not pre_res.all_nodes():
            by_name = {n.name: n for n in all_nodes}
            nodes = [by_name[n] for n in sorted(pre_res.node_names or ()) if n in by_name]
            diagnosis.node_to_status.absent_nodes_status = Status(
                Code.UnschedulableAndUnresolvable,
                "node(s) didn't satisfy plugin(s) [" + " ".join(sorted(plugins_with_nodes))
                + "]")
        feasible, score_input = self._find_nodes_that_pass_filters(
            fwk, state, qpi, diagnosis, nodes,
            use_fast=nodes is all_nodes and not nominated)
        processed = len(feasible) + len(diagnosis.node_to_status)
        self.next_start_node_index = (self.next_start_node_index + processed) % len(all_nodes)
        return feasible, diagnosis, score_input

    def _find_nodes_that_pass_filters(self, fwk: Framework, state: CycleState,
                                      qpi: QueuedPodInfo, diagnosis: Diagnosis,
                                      nodes: list[NodeInfo], use_fast: bool
                                      ) -> tuple[list[NodeInfo], Any]:
        """``findNodesThatPassFilters``: from ``next_start_node_index``, round robin, until
        ``numFeasibleNodesToFind`` nodes passed."""
        pod = qpi.pod
        n = len(nodes)
        want = num_feasible_nodes_to_find(fwk.percentage_of_nodes_to_score, n,
                                          self.config.percentage_of_nodes_to_score)
        if not fwk.has_score_plugins():
            want = 1
        start = self.next_start_node_index % n if n else 0
        if not fwk.has_filter_plugins():
            return [nodes[(start + i) % n] for i in range(min(want, n))], None
        fast = self.fast_path
        if fast is not None and use_fast and len(self.nominator) == 0:
            cols = fast.filter_columns(fwk, state, qpi.pod_info)
            if cols is not None and len(cols.infos) == n:
                m, passed = scan_window(cols.ok, start, want)
                end = start + m
                if end <= n:
                    idx: Any = range(start, end)
                else:
                    idx = [*range(start, n), *range(0, end - n)]
                if passed == m:
                    feasible = rotated_slice(cols.infos, start, 0, m)
                    idx_list = idx   # a range (or list) of the window's indices
                else:
                    window = rotated_slice(cols.ok, start, 0, m)
                    idx_list = [i for i, ok in zip(idx, window, strict=True) if ok]
                    feasible = [cols.infos[i] for i in idx_list]
                    statuses = cols.statuses
                    names = cols.names
                    nts = diagnosis.node_to_status.node_to_status
                    for i, ok in zip(idx, window, strict=True):
                        if not ok:
                            st = statuses[i]
                            assert st is not None
                            nts[names[i]] = st
                            diagnosis.add_plugin_status(st)
                return feasible, idx_list
            fast.fallbacks += 1
        feasible: list[NodeInfo] = []
        run = fwk.run_filter_plugins_with_nominated_pods
        nts = diagnosis.node_to_status
        for i in range(n):
            ni = nodes[(start + i) % n]
            st = run(state, pod, ni)
            if st is None or st.is_success():
                feasible.append(ni)
                if len(feasible) >= want:
                    break
                continue
            if st.code == Code.Error:
                raise RuntimeError(st.message())
            nts.set(ni.name, st)
            diagnosis.add_plugin_status(st)
        return feasible, None

    def prioritize_nodes(self, fwk: Framework, state: CycleState, qpi: QueuedPodInfo,
                         nodes: list[NodeInfo], attempt: Attempt, score_input: Any
                         ) -> ScoreResult:
        """``prioritizeNodes``: PreScore, Score, NormalizeScore, weights."""
        pod = qpi.pod
        if not fwk.has_score_plugins():
            return ScoreResult(nodes, [], {}, {}, {}, [1] * len(nodes),
                               [ni.name for ni in nodes])
        st = fwk.run_pre_score_plugins(state, pod, nodes, attempt.prescore)
        if st is not None and not st.is_success():
            raise RuntimeError(st.message())
        plugins = fwk.active_score_plugins(state)
        fast = self.fast_path
        if fast is not None and score_input is not None:
            cols = fast.score_columns(fwk, state, qpi.pod_info, plugins)
            if cols is not None:
                idx = score_input
                raw: dict[str, list[int]] = {}
                take = _taker(idx)
                for pl in plugins:
                    raw[pl.name] = take(cols.raw[pl.name])
                result, st = fwk.finish_scores(state, pod, nodes, plugins, raw,
                                               take(cols.names))
                if st is not None:
                    raise RuntimeError(st.message())
                assert result is not None
                attempt.fast_path = True
                return result
        result, st = fwk.run_score_plugins(state, pod, nodes)
        if st is not None:
            raise RuntimeError(st.message())
        assert result is not None
        return result

    # -- the binding cycle ------------------------------------------------------------------------

    def _binding_cycle(self, fwk: Framework, state: CycleState, qpi: QueuedPodInfo,
                       assumed: Obj, host: str, attempt: Attempt, waiting: bool,
                       cycle: int) -> None:
        with caused_by(self._causes.get(qpi.key)):
            self._binding_cycle_inner(fwk, state, qpi, assumed, host, attempt, waiting, cycle)

    def _binding_cycle_inner(self, fwk: Framework, state: CycleState, qpi: QueuedPodInfo,
                             assumed: Obj, host: str, attempt: Attempt, waiting: bool,
                             cycle: int) -> None:
        if waiting:
            wp = fwk.get_waiting_pod((assumed.get("metadata") or {}).get("uid", ""))
            if wp is not None:
                wp.on_done(lambda st: self._after_permit(fwk, state, qpi, assumed, host,
                                                         attempt, st, cycle))
                return
        self._after_permit(fwk, state, qpi, assumed, host, attempt, None, cycle)

    def _after_permit(self, fwk: Framework, state: CycleState, qpi: QueuedPodInfo,
                      assumed: Obj, host: str, attempt: Attempt, st: Status | None,
                      cycle: int) -> None:
        if st is not None and not st.is_success():
            if st.is_rejected():
                d = Diagnosis()
                d.node_to_status.set(host, st)
                d.unschedulable_plugins.add(st.plugin)
                st = Status(st.code, err=FitError(qpi.pod, 1, d))
            self._handle_binding_cycle_error(fwk, state, qpi, assumed, host, st, attempt, cycle)
            return
        self.queue.done(qpi.key)
        st = fwk.run_pre_bind_plugins(state, assumed, host)
        if st is None or st.is_success():
            st = fwk.run_bind_plugins(state, assumed, host)
        self.cache.finish_binding(assumed)
        if st is not None and not st.is_success():
            self.stats["bind_errors"] += 1
            self._handle_binding_cycle_error(fwk, state, qpi, assumed, host, st, attempt, cycle)
            return
        self.stats["bound"] += 1
        self._causes.pop(qpi.key, None)
        meta = assumed.get("metadata") or {}
        rec = fwk.recorder
        if rec is not None:
            rec.eventf(assumed, None, EVENT_NORMAL, "Scheduled", "Binding",
                       "Successfully assigned %s/%s to %s", meta.get("namespace"),
                       meta.get("name"), host)
        fwk.run_post_bind_plugins(state, assumed, host)

    def _handle_binding_cycle_error(self, fwk: Framework, state: CycleState,
                                    qpi: QueuedPodInfo, assumed: Obj, host: str, st: Status,
                                    attempt: Attempt, cycle: int) -> None:
        fwk.run_reserve_plugins_unreserve(state, assumed, host)
        self._forget(assumed)
        key = qpi.key
        self.queue.move_all_to_active_or_backoff_queue(
            ClusterEvent(EventResource.AssignedPod, ActionType.Delete), assumed, None,
            (lambda p: pod_key(p) != key) if st.is_rejected() else None)
        attempt.result = "Unschedulable" if st.is_rejected() else "BindingFailed"
        attempt.message = st.message()
        attempt.selected_node = None if st.is_rejected() else attempt.selected_node
        self._handle_scheduling_failure(fwk, qpi, st, NominatingInfo("", NominatingMode.Override),
                                        attempt, cycle)

    # -- failures ---------------------------------------------------------------------------------

    def _handle_scheduling_failure(self, fwk: Framework, qpi: QueuedPodInfo, status: Status,
                                   nominating: NominatingInfo | None, attempt: Attempt,
                                   cycle: int) -> None:
        """``handleSchedulingFailure``: requeue, event, ``PodScheduled=False`` patch."""
        reason = "Unschedulable" if status.is_rejected() else "SchedulerError"
        if reason == "SchedulerError":
            self.stats["errors"] += 1
        err = status.err
        if isinstance(err, FitError):
            qpi.unschedulable_plugins = set(err.diagnosis.unschedulable_plugins)
            qpi.pending_plugins = set(err.diagnosis.pending_plugins)
        else:
            qpi.unschedulable_plugins = set()
            qpi.pending_plugins = set()
        pod = qpi.pod
        cached: Obj | None = pod
        if self.pod_informer is not None:
            cached = self.pod_informer.get(qpi.key)
        if cached is None or self._assigned(cached):
            self.queue.done(qpi.key)
        else:
            qpi.pod_info = PodInfo(cached) if cached is not pod else qpi.pod_info
            self.queue.add_unschedulable_if_not_present(qpi, cycle)
        self.nominator.add_nominated_pod(qpi.pod_info, nominating)
        msg = status.message()
        rec = fwk.recorder
        if rec is not None:
            rec.eventf(pod, None, EVENT_WARNING, "FailedScheduling", "Scheduling",
                       _truncate(msg))
        if self.client is not None and cached is not None and not self._assigned(cached):
            self._update_pod(cached, {"type": "PodScheduled", "status": "False",
                                      "reason": reason, "message": msg}, nominating, attempt)

    def _update_pod(self, pod: Obj, condition: dict[str, Any],
                    nominating: NominatingInfo | None, attempt: Attempt) -> None:
        """``updatePod``: patch the condition (if it changed) and the nominated node name
        (with explain annotations)."""
        assert self.client is not None
        status = pod.get("status") or {}
        old = next((c for c in status.get("conditions") or ()
                    if c.get("type") == "PodScheduled"), None)
        nnn_update = nominating is not None and nominating.mode == NominatingMode.Override \
            and (status.get("nominatedNodeName") or "") != nominating.nominated_node_name
        cond_changed = old is None or any(
            (old.get(k) or None) != (condition.get(k) or None)
            for k in ("status", "reason", "message"))
        annotations: dict[str, str] = {}
        if self.explainer.enabled:
            annotations = attempt.annotations()
            existing = (pod.get("metadata") or {}).get("annotations") or {}
            ann_changed = existing.get(FILTER_RESULT) != annotations.get(FILTER_RESULT)
        else:
            ann_changed = False
        if not cond_changed and not nnn_update and not ann_changed:
            return
        ts = self.kernel.timestamp() if self.kernel is not None else None
        cond = {"type": "PodScheduled", "status": condition["status"], "lastProbeTime": None,
                "lastTransitionTime": (old.get("lastTransitionTime")
                                       if old is not None and old.get("status")
                                       == condition["status"] else ts),
                "reason": condition["reason"], "message": condition["message"]}
        patch: dict[str, Any] = {"status": {"conditions": [cond]}}
        if nnn_update:
            assert nominating is not None
            patch["status"]["nominatedNodeName"] = nominating.nominated_node_name or None
        if annotations:
            patch["metadata"] = {"annotations": annotations}
        meta = pod.get("metadata") or {}
        with contextlib.suppress(ApiError):  # upstream logs it; the next attempt tries again
            self.client.patch("pods", meta.get("name", ""), patch, meta.get("namespace", ""),
                              patch_type="strategic", subresource="status")


def _taker(idx: Sequence[int]) -> Callable[[list[Any]], list[Any]]:
    """A function picking ``idx`` (a list or a range of indices, ascending but for one wrap
    to 0) from a list: one slice, two slices (a window that wrapped around the end of the
    node list), or item by item.

    >>> [_taker(i)(list("abcdef")) for i in (range(1, 4), [4, 5, 0, 1], [0, 2, 3], [])]
    [['b', 'c', 'd'], ['e', 'f', 'a', 'b'], ['a', 'c', 'd'], []]
    """
    if not idx:
        return lambda col: []
    first, last = idx[0], idx[-1]
    n = len(idx)
    if last - first + 1 == n:
        return lambda col: col[first:last + 1]
    if last < first and 0 in idx:
        j = idx.index(0)
        a_end = first + j
        if list(idx[:j]) == list(range(first, a_end)) and \
                list(idx[j:]) == list(range(n - j)):
            return lambda col: col[first:a_end] + col[:last + 1]
    return lambda col: [col[i] for i in idx]


class _FallbackRng:
    """A deterministic RNG for client-less use without a kernel."""

    def __init__(self) -> None:
        import random

        self._r = random.Random(0)

    def randrange(self, n: int) -> int:
        return self._r.randrange(n)


_DEFAULT_RNG = _FallbackRng()
