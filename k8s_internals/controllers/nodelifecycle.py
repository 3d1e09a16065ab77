"""The node lifecycle controller: watches node heartbeats, marks silent nodes ``Unknown``, taints
them, and marks their pods not ready.

Upstream: ``pkg/controller/nodelifecycle/node_lifecycle_controller.go`` (``monitorNodeHealth``,
``tryUpdateNodeHealth``, ``processTaintBaseEviction``, ``doNoExecuteTaintingPass``,
``doNoScheduleTaintingPass``, ``handleDisruption``, ``ComputeZoneState``, ``processPod``),
``nodelifecycle/scheduler/rate_limited_queue.go`` (``RateLimitedTimedQueue``) and
``pkg/controller/util/node/controller_utils.go`` (``MarkPodsNotReady``,
``RecordNodeStatusChange``, ``SwapNodeControllerTaint``) with ``pkg/controller/
controller_utils.go`` (``AddOrUpdateTaintOnNode``, ``RemoveTaintOffNode``).

A node's heartbeat is either its ``Ready`` condition's ``lastHeartbeatTime`` changing or its
Lease (``kube-node-lease/<node>``) ``renewTime`` moving forward; the kubelet renews the Lease
every 10 s. Every ``--node-monitor-period`` (5 s) the controller looks at each node::

    now > last heartbeat seen + --node-monitor-grace-period (40 s)
        → Ready, MemoryPressure, DiskPressure, PIDPressure := Unknown,
          reason NodeStatusUnknown, "Kubelet stopped posting node status."
        → event NodeNotReady on the node; pods' Ready condition := False
          (event NodeNotReady "Node is not ready" on each pod)
    next pass, Ready is Unknown → node queued for the taint node.kubernetes.io/unreachable:
        NoExecute (Ready False → node.kubernetes.io/not-ready:NoExecute), added by the tainting
        pass every 100 ms at --node-eviction-rate (0.1 nodes/s per zone)
    Ready True again → both NoExecute taints removed

The 40 s is the long-standing default of ``--node-monitor-grace-period`` (the documented
"40 s, then 5 minutes"); recent releases raised it to 50 s, above the 45 s HTTP/2 health check
of the API server connection (see the comment on ``nodeMonitorGracePeriod`` upstream) — pass
``node_monitor_grace_period=50`` to mirror that.

A node the controller has never heard from gets ``--node-startup-grace-period`` (60 s) and
"Kubelet never posted node status.". Independently, every node event re-derives the
``NoSchedule`` taints from the conditions (``unreachable``, ``not-ready``,
``memory-pressure``...; ``unschedulable`` from ``spec.unschedulable``). The pods themselves
are evicted by the taint eviction controller (:mod:`.tainteviction`) when their toleration of
the NoExecute taint runs out.

Zones (``topology.kubernetes.io/zone`` / ``region``): a zone with no ready node is in
``FullDisruption``; with more than 2 not-ready nodes and at least 55 % not ready in
``PartialDisruption`` (evictions slow down to 0.01/s in clusters over 50 nodes, stop
otherwise); if *every* zone is fully disrupted the controller assumes the problem is its own
(the control plane lost the network) and removes the NoExecute taints instead of adding them —
which is why a one-node cluster never evicts its pods.

Events (source ``node-controller``): ``RegisteredNode``, ``RemovingNode``, ``NodeNotReady``.
Upstream parallelises the per-node work over 8 workers; here nodes are visited in order.

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..client.rate_limiter import Limiter
from ..client.record import EVENT_NORMAL, EVENT_WARNING, EventRecorder
from ..sim import Kernel
from .base import Controller
from .queues import SyncQueue
from .tainteviction import NODE_NAME_INDEX, ensure_node_name_index
from .typed import typed

__all__ = [
    "NOT_READY_TAINT",
    "UNREACHABLE_TAINT",
    "NodeLifecycleController",
    "RateLimitedTimedQueue",
    "get_zone_key",
]

#: ``UnreachableTaintTemplate`` / ``NotReadyTaintTemplate``
UNREACHABLE_TAINT = {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}
NOT_READY_TAINT = {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}
#: ``nodeConditionToTaintKeyStatusMap``
NODE_CONDITION_TO_TAINT_KEY: dict[str, dict[str, str]] = {
    "Ready": {"False": "node.kubernetes.io/not-ready",
              "Unknown": "node.kubernetes.io/unreachable"},
    "MemoryPressure": {"True": "node.kubernetes.io/memory-pressure"},
    "DiskPressure": {"True": "node.kubernetes.io/disk-pressure"},
    "NetworkUnavailable": {"True": "node.kubernetes.io/network-unavailable"},
    "PIDPressure": {"True": "node.kubernetes.io/pid-pressure"},
}
TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
_CONDITION_TAINT_KEYS = {k for m in NODE_CONDITION_TO_TAINT_KEY.values() for k in m.values()}
#: ``labelReconcileInfo``: (primary, secondary) labels kept in step
LABEL_RECONCILE = (("kubernetes.io/os", "beta.kubernetes.io/os"),
                   ("kubernetes.io/arch", "beta.kubernetes.io/arch"))
LABEL_EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption"
NODE_LEASE_NAMESPACE = "kube-node-lease"
#: ``scheduler.NodeEvictionPeriod``: how often the NoExecute tainting pass runs
NODE_EVICTION_PERIOD = 0.1
#: ``scheduler.NodeHealthUpdateRetry``
NODE_HEALTH_UPDATE_RETRY = 5
#: ``scheduler.EvictionRateLimiterBurst``
EVICTION_RATE_LIMITER_BURST = 1
#: ``retry.DefaultBackoff.Steps`` for the taint read-modify-writes (``UpdateTaintBackoff``)
UPDATE_TAINT_RETRIES = 5
#: upstream's event source (the controller's name before the rename)
EVENT_SOURCE = "node-controller"

STATE_INITIAL, STATE_NORMAL = "Initial", "Normal"
STATE_FULL_DISRUPTION, STATE_PARTIAL_DISRUPTION = "FullDisruption", "PartialDisruption"


def get_zone_key(node: dict[str, Any]) -> str:
    """``nodetopology.GetZoneKey``: ``region + ":\\x00:" + zone``, or ``""``."""
    labels = node["metadata"].get("labels") or {}
    zone = labels.get("failure-domain.beta.kubernetes.io/zone",
                      labels.get("topology.kubernetes.io/zone", ""))
    region = labels.get("failure-domain.beta.kubernetes.io/region",
                        labels.get("topology.kubernetes.io/region", ""))
    if not region and not zone:
        return ""
    return f"{region}:\x00:{zone}"


def get_node_condition(status: dict[str, Any] | None, ctype: str) -> dict[str, Any] | None:
    for c in (status or {}).get("conditions") or []:
        if c.get("type") == ctype:
            return c  # type: ignore[no-any-return]
    return None


def _match_taint(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """``Taint.MatchTaint``: same key and effect."""
    return a.get("key") == b.get("key") and a.get("effect") == b.get("effect")


def taint_exists(taints: list[dict[str, Any]] | None, taint: dict[str, Any]) -> bool:
    return any(_match_taint(t, taint) for t in taints or [])


@dataclass
class TimedValue:
    """``TimedValue``: a node name waiting in a :class:`RateLimitedTimedQueue`."""

    value: str
    uid: str
    added_at: float
    process_at: float


class RateLimitedTimedQueue:
    """``RateLimitedTimedQueue``: a set of node names ordered by ``process_at``, drained by
    :meth:`try_` through a token bucket (``--node-eviction-rate``, burst 1).

    ``remove_from_queue`` keeps the name in the set (so it is not added again until
    :meth:`remove`), as ``UniqueQueue.RemoveFromQueue`` does.
    """

    def __init__(self, qps: float, burst: int = EVICTION_RATE_LIMITER_BURST) -> None:
        self.queue: list[TimedValue] = []
        self.set: set[str] = set()
        self.qps = qps
        self.limiter: Limiter | None = Limiter(qps, burst) if qps > 0 else None

    def add(self, value: str, uid: str, now: float) -> bool:
        if value in self.set:
            return False
        self.set.add(value)
        self.queue.append(TimedValue(value, uid, now, now))
        self.queue.sort(key=lambda v: v.process_at)
        return True

    def remove(self, value: str) -> bool:
        self.set.discard(value)
        before = len(self.queue)
        self.queue = [v for v in self.queue if v.value != value]
        return len(self.queue) != before

    def try_(self, now: float, fn: Callable[[TimedValue], tuple[bool, float]]) -> None:
        """``Try``: process heads while the limiter lets through and they are due."""
        while self.queue:
            if self.limiter is None or not self.limiter.allow_n(now):
                break  # rate limited: try again later
            head = self.queue[0]
            if now < head.process_at:
                break
            ok, wait = fn(head)
            if not ok:
                head.process_at = now + wait + 1e-9
                self.queue.sort(key=lambda v: v.process_at)
            else:
                self.queue.pop(0)  # RemoveFromQueue: stays in the set

    def swap_limiter(self, qps: float, now: float) -> None:
        """``SwapLimiter``: 0 means never (``NewFakeNeverRateLimiter``)."""
        if qps == self.qps:
            return
        self.qps = qps
        if qps <= 0:
            self.limiter = None
        else:
            self.limiter = Limiter(qps, EVICTION_RATE_LIMITER_BURST)

    def __len__(self) -> int:
        return len(self.queue)


@dataclass
class NodeHealthData:
    """``nodeHealthData``: the last heartbeat seen, and when (controller time)."""

    probe_timestamp: float
    ready_transition_timestamp: float
    status: dict[str, Any]
    lease: dict[str, Any] | None = None


class NodeLifecycleController(Controller):
    """``nodelifecycle.Controller`` (without the taint manager, which is
    :class:`~.tainteviction.TaintEvictionController`). The base queue is ``nodeUpdateQueue``
    (NoSchedule taints and label reconciliation); :attr:`pod_updates` is ``podUpdateQueue``."""

    name = "node-lifecycle-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 node_monitor_period: float = 5.0,
                 node_startup_grace_period: float = 60.0,
                 node_monitor_grace_period: float = 40.0,
                 eviction_limiter_qps: float = 0.1,
                 secondary_eviction_limiter_qps: float = 0.01,
                 large_cluster_threshold: int = 50,
                 unhealthy_zone_threshold: float = 0.55) -> None:
        super().__init__(client, kernel, factory)
        self.recorder = EventRecorder(client, kernel, component=EVENT_SOURCE)
        self.node_monitor_period = node_monitor_period
        self.node_startup_grace_period = node_startup_grace_period
        self.node_monitor_grace_period = node_monitor_grace_period
        self.eviction_limiter_qps = eviction_limiter_qps
        self.secondary_eviction_limiter_qps = secondary_eviction_limiter_qps
        self.large_cluster_threshold = large_cluster_threshold
        self.unhealthy_zone_threshold = unhealthy_zone_threshold
        self.known_node_set: dict[str, dict[str, Any]] = {}
        self.node_health_map: dict[str, NodeHealthData] = {}
        self.zone_states: dict[str, str] = {}
        self.zone_no_execute_tainter: dict[str, RateLimitedTimedQueue] = {}
        self.nodes_to_retry: set[str] = set()
        self.leases = self.informer("leases", namespace=NODE_LEASE_NAMESPACE)
        self.pods = self.informer("pods")
        ensure_node_name_index(self.pods)
        self.pods.add_event_handler(on_add=lambda p: self.pod_updated(None, p),
                                    on_update=self.pod_updated)
        self.nodes = self.informer("nodes")
        self.nodes.add_event_handler(on_add=self.enqueue,
                                     on_update=lambda old, new: self.enqueue(new),
                                     on_delete=self._node_deleted)
        self.pod_updates: SyncQueue[tuple[str, str]] = SyncQueue(
            kernel, "node_lifecycle_controller_pods", self.process_pod)
        self._timers: list[Any] = []

    def run(self) -> None:
        super().run()
        self.pod_updates.start()
        if not self._timers:
            self._timers = [
                self.kernel.every(NODE_EVICTION_PERIOD, self.do_no_execute_tainting_pass,
                                  name=f"{self.name} NoExecute tainting pass"),
                self.kernel.every(self.node_monitor_period, self.monitor_node_health,
                                  name=f"{self.name} monitorNodeHealth", first=0.0),
            ]

    def stop(self) -> None:
        super().stop()
        self.pod_updates.stop()
        for t in self._timers:
            t.cancel()
        self._timers = []

    def _node_deleted(self, obj: Any) -> None:
        if isinstance(obj, DeletedFinalStateUnknown):
            obj = obj.obj
        self.nodes_to_retry.discard(obj["metadata"]["name"])

    def _time(self, ts: str | None) -> float:
        """An RFC 3339 timestamp as controller time (seconds since the kernel's epoch)."""
        if not ts:
            return 0.0
        return (datetime.fromisoformat(ts.replace("Z", "+00:00"))
                - self.kernel.epoch).total_seconds()

    # -- the node update queue: NoSchedule taints and labels --------------------------------------

    def sync(self, key: str) -> None:
        """``doNodeProcessingPassWorker`` for one node."""
        self.do_no_schedule_tainting_pass(key)
        self.reconcile_node_labels(key)

    def do_no_schedule_tainting_pass(self, node_name: str) -> None:
        """``doNoScheduleTaintingPass``: the node's NoSchedule taints follow its conditions."""
        node = self.nodes.get(node_name)
        if node is None:
            return
        taints: list[dict[str, Any]] = []
        for c in (node.get("status") or {}).get("conditions") or []:
            key = NODE_CONDITION_TO_TAINT_KEY.get(c.get("type", ""), {}).get(c.get("status", ""))
            if key:
                taints.append({"key": key, "effect": "NoSchedule"})
        if (node.get("spec") or {}).get("unschedulable"):
            taints.append({"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"})
        node_taints = [t for t in (node.get("spec") or {}).get("taints") or []
                       if t.get("effect") == "NoSchedule"
                       and (t.get("key") == TAINT_UNSCHEDULABLE
                            or t.get("key") in _CONDITION_TAINT_KEYS)]
        to_add = [t for t in taints if not taint_exists(node_taints, t)]
        to_del = [t for t in node_taints if not taint_exists(taints, t)]
        if not to_add and not to_del:
            return
        if not self.swap_node_controller_taint(to_add, to_del, node):
            raise RuntimeError(f"failed to swap taints of node {node_name}")

    def reconcile_node_labels(self, node_name: str) -> None:
        """``reconcileNodeLabels``: the beta OS/arch labels mirror the stable ones."""
        node = self.nodes.get(node_name)
        if node is None:
            return
        labels = node["metadata"].get("labels") or {}
        to_update = {secondary: labels[primary] for primary, secondary in LABEL_RECONCILE
                     if primary in labels and labels.get(secondary) != labels[primary]}
        if to_update:
            self.client.patch("nodes", node_name, {"metadata": {"labels": to_update}},
                              patch_type="strategic")

    # -- taints on nodes -------------------------------------------------------------------------

    def _patch_node_taints(self, node_name: str, old: dict[str, Any],
                           taints: list[dict[str, Any]]) -> None:
        """``PatchNodeTaints``: the whole taint list, with the resourceVersion read."""
        self.client.patch("nodes", node_name,
                          {"metadata": {"resourceVersion": old["metadata"]["resourceVersion"]},
                           "spec": {"taints": taints}}, patch_type="strategic")

    def add_or_update_taint_on_node(self, node_name: str, taints: list[dict[str, Any]]) -> None:
        """``AddOrUpdateTaintOnNode``, retried on conflict."""
        if not taints:
            return
        for attempt in range(UPDATE_TAINT_RETRIES):
            old = self.client.get("nodes", node_name)
            current = list((old.get("spec") or {}).get("taints") or [])
            updated = False
            for taint in taints:
                if any(t == taint for t in current):
                    continue
                if taint_exists(current, taint):
                    current = [taint if _match_taint(t, taint) else t for t in current]
                else:
                    current.append(taint)
                updated = True
            if not updated:
                return
            try:
                self._patch_node_taints(node_name, old, current)
                return
            except ApiError as exc:
                if exc.code != 409 or attempt == UPDATE_TAINT_RETRIES - 1:
                    raise

    def remove_taint_off_node(self, node_name: str, node: dict[str, Any] | None,
                              taints: list[dict[str, Any]]) -> None:
        """``RemoveTaintOffNode``, retried on conflict (no request if ``node`` shows none of
        the taints)."""
        if not taints:
            return
        if node is not None and not any(taint_exists((node.get("spec") or {}).get("taints"), t)
                                        for t in taints):
            return
        for attempt in range(UPDATE_TAINT_RETRIES):
            old = self.client.get("nodes", node_name)
            current = list((old.get("spec") or {}).get("taints") or [])
            kept = [t for t in current if not any(_match_taint(t, r) for r in taints)]
            if len(kept) == len(current):
                return
            try:
                self._patch_node_taints(node_name, old, kept)
                return
            except ApiError as exc:
                if exc.code != 409 or attempt == UPDATE_TAINT_RETRIES - 1:
                    raise

    def swap_node_controller_taint(self, to_add: list[dict[str, Any]],
                                   to_remove: list[dict[str, Any]], node: dict[str, Any]) -> bool:
        """``SwapNodeControllerTaint``: stamp ``timeAdded``, add, then remove."""
        now = self.kernel.timestamp()
        stamped = [dict(t, timeAdded=now) for t in to_add]
        name = node["metadata"]["name"]
        try:
            self.add_or_update_taint_on_node(name, stamped)
            self.remove_taint_off_node(name, node, to_remove)
        except ApiError as exc:
            self.errors.append((name, f"failed to swap taints: {exc}"))
            return False
        return True

    def mark_node_as_reachable(self, node: dict[str, Any]) -> bool:
        """``markNodeAsReachable``: remove both NoExecute taints, drop it from the queue."""
        name = node["metadata"]["name"]
        self.remove_taint_off_node(name, node, [UNREACHABLE_TAINT])
        self.remove_taint_off_node(name, node, [NOT_READY_TAINT])
        queue = self.zone_no_execute_tainter.get(get_zone_key(node))
        return queue.remove(name) if queue is not None else False

    def mark_node_for_tainting(self, node: dict[str, Any], status: str) -> bool:
        """``markNodeForTainting``."""
        name = node["metadata"]["name"]
        queue = self.zone_no_execute_tainter[get_zone_key(node)]
        taints = (node.get("spec") or {}).get("taints")
        if status == "False" and not taint_exists(taints, NOT_READY_TAINT):
            queue.remove(name)
        if status == "Unknown" and not taint_exists(taints, UNREACHABLE_TAINT):
            queue.remove(name)
        return queue.add(name, node["metadata"].get("uid", ""), self.kernel.now)

    def do_no_execute_tainting_pass(self) -> None:
        """``doNoExecuteTaintingPass``: every 100 ms, let the rate limiters release nodes to
        be tainted ``unreachable`` / ``not-ready`` (mutually exclusive, like Ready)."""

        def taint(value: TimedValue) -> tuple[bool, float]:
            node = self.nodes.get(value.value)
            if node is None:
                return True, 0.0
            cond = get_node_condition(node.get("status"), "Ready")
            if cond is None:
                return False, 0.05
            if cond.get("status") == "False":
                add, opposite = NOT_READY_TAINT, UNREACHABLE_TAINT
            elif cond.get("status") == "Unknown":
                add, opposite = UNREACHABLE_TAINT, NOT_READY_TAINT
            else:
                return True, 0.0  # ready again: no need to taint
            return self.swap_node_controller_taint([add], [opposite], node), 0.0

        for queue in list(self.zone_no_execute_tainter.values()):
            if len(queue):
                queue.try_(self.kernel.now, taint)

    # -- monitorNodeHealth ----------------------------------------------------------------------

    def record_node_event(self, node: dict[str, Any], event_type: str, reason: str,
                          message: str) -> None:
        """``RecordNodeEvent``."""
        ref = {"kind": "Node", "apiVersion": "v1",
               "metadata": {"name": node["metadata"]["name"],
                            "uid": node["metadata"].get("uid", "")}}
        self.recorder.event(ref, event_type, reason, message)

    def record_node_status_change(self, node: dict[str, Any], new_status: str) -> None:
        """``RecordNodeStatusChange``."""
        name = node["metadata"]["name"]
        self.record_node_event(node, EVENT_NORMAL, new_status,
                               f"Node {name} status is now: {new_status}")

    def classify_nodes(self, nodes: list[dict[str, Any]]
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                  list[dict[str, Any]]]:
        """``classifyNodes``: added, deleted, and known nodes of a zone not seen yet."""
        added, new_zone = [], []
        for n in nodes:
            if n["metadata"]["name"] not in self.known_node_set:
                added.append(n)
            elif get_zone_key(n) not in self.zone_states:
                new_zone.append(n)
        names = {n["metadata"]["name"] for n in nodes}
        deleted = [v for k, v in self.known_node_set.items() if k not in names]
        return added, deleted, new_zone

    def add_pod_evictor_for_new_zone(self, node: dict[str, Any]) -> None:
        zone = get_zone_key(node)
        if zone not in self.zone_states:
            self.zone_states[zone] = STATE_INITIAL
            self.zone_no_execute_tainter[zone] = RateLimitedTimedQueue(self.eviction_limiter_qps)

    def monitor_node_health(self) -> None:
        """``monitorNodeHealth``."""
        nodes = self.nodes.list()
        added, deleted, new_zone = self.classify_nodes(nodes)
        for n in new_zone:
            self.add_pod_evictor_for_new_zone(n)
        for n in added:
            name = n["metadata"]["name"]
            self.record_node_event(n, EVENT_NORMAL, "RegisteredNode",
                                   f"Registered Node {name} in Controller")
            self.known_node_set[name] = n
            self.add_pod_evictor_for_new_zone(n)
            try:
                self.mark_node_as_reachable(n)
            except ApiError as exc:
                self.errors.append((name, f"failed to remove taints: {exc}"))
        for n in deleted:
            name = n["metadata"]["name"]
            self.record_node_event(n, EVENT_NORMAL, "RemovingNode",
                                   f"Removing Node {name} from Controller")
            del self.known_node_set[name]

        zone_to_conditions: dict[str, list[dict[str, Any] | None]] = {}
        for original in nodes:
            node: dict[str, Any] | None = typed(copy.deepcopy(original), "v1", "Node")
            observed: dict[str, Any] = {}
            current: dict[str, Any] | None = None
            for _ in range(NODE_HEALTH_UPDATE_RETRY):
                assert node is not None
                try:
                    _, observed, current = self.try_update_node_health(node)
                    break
                except ApiError:
                    try:
                        node = self.client.get("nodes", original["metadata"]["name"])
                    except ApiError:
                        node = None  # probably deleted
                        break
            else:
                node = None
            if node is None:
                continue  # "Skipping - no pods will be evicted"
            name = node["metadata"]["name"]
            if LABEL_EXCLUDE_DISRUPTION not in (node["metadata"].get("labels") or {}):
                zone_to_conditions.setdefault(get_zone_key(node), []).append(current)
            if current is None:
                self.nodes_to_retry.discard(name)
                continue
            pods = self.pods.by_index(NODE_NAME_INDEX, name)
            try:
                self.process_taint_base_eviction(node, observed)
            except ApiError as exc:
                self.errors.append((name, f"failed to update taints: {exc}"))
            needs_retry = name in self.nodes_to_retry
            became_not_ready = current.get("status") != "True" and observed.get(
                "status") == "True"
            if became_not_ready:
                self.record_node_status_change(node, "NodeNotReady")
            if became_not_ready or (needs_retry and observed.get("status") != "True"):
                try:
                    self.mark_pods_not_ready(pods, name)
                except ApiError as exc:
                    self.errors.append((name, f"unable to mark all pods NotReady on node "
                                              f"{name}: {exc}; queuing for retry"))
                    self.nodes_to_retry.add(name)
                    continue
            self.nodes_to_retry.discard(name)
        self.handle_disruption(zone_to_conditions, nodes)

    def try_update_node_health(self, node: dict[str, Any]
                               ) -> tuple[float, dict[str, Any], dict[str, Any] | None]:
        """``tryUpdateNodeHealth``: (grace period, the Ready condition as observed, the Ready
        condition now). ``node`` is a copy and may be modified."""
        name = node["metadata"]["name"]
        now = self.kernel.now
        health = self.node_health_map.get(name)
        status = node.setdefault("status", {})
        current = get_node_condition(status, "Ready")
        created = self._time(node["metadata"].get("creationTimestamp"))
        if current is None:
            # never posted: pretend it was Unknown since creation
            observed: dict[str, Any] = {"type": "Ready", "status": "Unknown",
                                        "lastHeartbeatTime": node["metadata"].get(
                                            "creationTimestamp"),
                                        "lastTransitionTime": node["metadata"].get(
                                            "creationTimestamp")}
            grace = self.node_startup_grace_period
            if health is not None:
                health.status = copy.deepcopy(status)
            else:
                health = NodeHealthData(created, created, copy.deepcopy(status))
        else:
            observed = dict(current)
            grace = self.node_monitor_grace_period
        saved = get_node_condition(health.status, "Ready") if health is not None else None
        saved_lease = health.lease if health is not None else None
        if health is None or (saved is None) != (current is None):
            # first sight of the node, or its Ready condition appeared/disappeared
            health = NodeHealthData(now, now, copy.deepcopy(status))
        elif saved is not None and current is not None and \
                saved.get("lastHeartbeatTime") != current.get("lastHeartbeatTime"):
            if saved.get("lastTransitionTime") != current.get("lastTransitionTime"):
                transition = now
            else:
                transition = health.ready_transition_timestamp
            health = NodeHealthData(now, transition, copy.deepcopy(status), health.lease)
        # a renewed Lease is a heartbeat too
        lease = self.leases.get(f"{NODE_LEASE_NAMESPACE}/{name}")
        if lease is not None and (saved_lease is None or self._renew_time(saved_lease)
                                  < self._renew_time(lease)):
            health.lease = lease
            health.probe_timestamp = now
        try:
            if now > health.probe_timestamp + grace:
                for ctype in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
                    cond = get_node_condition(status, ctype)
                    if cond is None:
                        status.setdefault("conditions", []).append({
                            "type": ctype, "status": "Unknown",
                            "lastHeartbeatTime": node["metadata"].get("creationTimestamp"),
                            "lastTransitionTime": self.kernel.timestamp(),
                            "reason": "NodeStatusNeverUpdated",
                            "message": "Kubelet never posted node status."})
                    elif cond.get("status") != "Unknown":
                        cond.update(status="Unknown", reason="NodeStatusUnknown",
                                    message="Kubelet stopped posting node status.",
                                    lastTransitionTime=self.kernel.timestamp())
                current = get_node_condition(status, "Ready")
                if current != observed:
                    self.client.update_status("nodes", node)
                    health = NodeHealthData(health.probe_timestamp, now, copy.deepcopy(status),
                                            lease)
        finally:
            self.node_health_map[name] = health
        return grace, observed, current

    def _renew_time(self, lease: dict[str, Any]) -> float:
        return self._time((lease.get("spec") or {}).get("renewTime"))

    def process_taint_base_eviction(self, node: dict[str, Any],
                                    observed: dict[str, Any]) -> None:
        """``processTaintBaseEviction``: queue a not-ready/unreachable node for its NoExecute
        taint (or swap the opposite one at once); untaint a ready node."""
        taints = (node.get("spec") or {}).get("taints")
        status = observed.get("status")
        if status == "False":
            if taint_exists(taints, UNREACHABLE_TAINT):
                self.swap_node_controller_taint([NOT_READY_TAINT], [UNREACHABLE_TAINT], node)
            else:
                self.mark_node_for_tainting(node, "False")
        elif status == "Unknown":
            if taint_exists(taints, NOT_READY_TAINT):
                self.swap_node_controller_taint([UNREACHABLE_TAINT], [NOT_READY_TAINT], node)
            else:
                self.mark_node_for_tainting(node, "Unknown")
        elif status == "True":
            self.mark_node_as_reachable(node)

    def mark_pods_not_ready(self, pods: list[dict[str, Any]], node_name: str) -> None:
        """``MarkPodsNotReady``: each pod's Ready condition := False (+ event)."""
        errs: list[ApiError] = []
        for original in pods:
            if (original.get("spec") or {}).get("nodeName") != node_name:
                continue
            pod = typed(copy.deepcopy(original), "v1", "Pod")
            for cond in (pod.get("status") or {}).get("conditions") or []:
                if cond.get("type") != "Ready":
                    continue
                if cond.get("status") == "False":
                    break  # UpdatePodCondition: nothing changed
                cond["status"] = "False"
                cond["lastTransitionTime"] = self.kernel.timestamp()
                try:
                    self.client.update_status("pods", pod)
                except ApiError as exc:
                    if exc.code == 404:
                        break  # already deleted
                    errs.append(exc)
                self.recorder.event(pod, EVENT_WARNING, "NodeNotReady", "Node is not ready")
                break
        if errs:
            raise errs[0]

    def handle_disruption(self, zone_to_conditions: dict[str, list[dict[str, Any] | None]],
                          nodes: list[dict[str, Any]]) -> None:
        """``handleDisruption``: per-zone states and eviction rates; "master disruption
        mode" when every zone is fully disrupted."""
        new_states: dict[str, str] = {}
        all_fully_disrupted = True
        for zone, conditions in zone_to_conditions.items():
            _, state = self.compute_zone_state(conditions)
            if state != STATE_FULL_DISRUPTION:
                all_fully_disrupted = False
            new_states[zone] = state
            self.zone_states.setdefault(zone, STATE_INITIAL)
        all_were_fully_disrupted = True
        for zone in list(self.zone_states):
            if zone not in zone_to_conditions:
                del self.zone_states[zone]
                continue
            if self.zone_states[zone] != STATE_FULL_DISRUPTION:
                all_were_fully_disrupted = False
                break
        if all_fully_disrupted and all_were_fully_disrupted:
            return
        now = self.kernel.now
        if all_fully_disrupted:
            # entering master disruption mode: stop all evictions
            for n in nodes:
                try:
                    self.mark_node_as_reachable(n)
                except ApiError as exc:
                    self.errors.append((n["metadata"]["name"], f"failed to remove taints: "
                                                               f"{exc}"))
            for zone in self.zone_states:
                self._tainter(zone).swap_limiter(0, now)
                self.zone_states[zone] = STATE_FULL_DISRUPTION
            return
        if all_were_fully_disrupted:
            # exiting master disruption mode: every node gets a fresh probe timestamp
            for n in nodes:
                health = self.node_health_map.get(n["metadata"]["name"])
                if health is not None:
                    health.probe_timestamp = now
                    health.ready_transition_timestamp = now
            for zone in self.zone_states:
                self.set_limiter_in_zone(zone, len(zone_to_conditions[zone]), new_states[zone])
                self.zone_states[zone] = new_states[zone]
            return
        for zone, state in list(self.zone_states.items()):
            new = new_states[zone]
            if state == new:
                continue
            self.set_limiter_in_zone(zone, len(zone_to_conditions[zone]), new)
            self.zone_states[zone] = new

    def _tainter(self, zone: str) -> RateLimitedTimedQueue:
        if zone not in self.zone_no_execute_tainter:
            self.zone_no_execute_tainter[zone] = RateLimitedTimedQueue(self.eviction_limiter_qps)
        return self.zone_no_execute_tainter[zone]

    def set_limiter_in_zone(self, zone: str, zone_size: int, state: str) -> None:
        """``setLimiterInZone``."""
        now = self.kernel.now
        if state == STATE_NORMAL:
            self._tainter(zone).swap_limiter(self.eviction_limiter_qps, now)
        elif state == STATE_PARTIAL_DISRUPTION:
            self._tainter(zone).swap_limiter(self.reduced_qps(zone_size), now)
        elif state == STATE_FULL_DISRUPTION:
            self._tainter(zone).swap_limiter(self.eviction_limiter_qps, now)  # HealthyQPSFunc

    def reduced_qps(self, node_num: int) -> float:
        """``ReducedQPSFunc``: slower in large clusters, stopped in small ones."""
        if node_num > self.large_cluster_threshold:
            return self.secondary_eviction_limiter_qps
        return 0.0

    def compute_zone_state(self, conditions: list[dict[str, Any] | None]) -> tuple[int, str]:
        """``ComputeZoneState``: (not-ready count, state)."""
        ready = sum(1 for c in conditions if c is not None and c.get("status") == "True")
        not_ready = len(conditions) - ready
        if ready == 0 and not_ready > 0:
            return not_ready, STATE_FULL_DISRUPTION
        if not_ready > 2 and not_ready / (not_ready + ready) >= self.unhealthy_zone_threshold:
            return not_ready, STATE_PARTIAL_DISRUPTION
        return not_ready, STATE_NORMAL

    # -- the pod update queue -------------------------------------------------------------------

    def pod_updated(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """``podUpdated``: a pod newly assigned to a node is checked against it."""
        if new is None:
            return
        node_name = (new.get("spec") or {}).get("nodeName")
        if node_name and (old is None or (old.get("spec") or {}).get("nodeName") != node_name):
            self.pod_updates.add((new["metadata"].get("namespace", ""), new["metadata"]["name"]))

    def process_pod(self, item: tuple[str, str]) -> None:
        """``processPod``: a pod bound to a not-ready node is marked not ready at once."""
        namespace, name = item
        pod = self.pods.get(f"{namespace}/{name}")
        if pod is None:
            return
        node_name = (pod.get("spec") or {}).get("nodeName", "")
        health = self.node_health_map.get(node_name)
        if health is None:
            return
        if self.nodes.get(node_name) is None:
            raise RuntimeError(f'node "{node_name}" not found')
        cond = get_node_condition(health.status, "Ready")
        if cond is None:
            return
        if cond.get("status") != "True":
            self.mark_pods_not_ready([pod], node_name)
