"""``daemonset-controller``: one pod on every node that should run it.

Upstream: ``pkg/controller/daemon/daemon_controller.go`` (kubernetes/kubernetes) —
``NewDaemonSetsController`` (informers on DaemonSets, ControllerRevisions, pods and nodes), the
handlers (``addPod`` / ``updatePod`` / ``deletePod`` lower the expectations; ``addNode`` /
``updateNode`` wake the DaemonSets whose placement the node change affects), ``syncDaemonSet`` →
``constructHistory`` → ``manage`` (``podsShouldBeOnNode`` per node,
``getUnscheduledPodsWithoutNode``) → ``syncNodes`` (expectations, slow-start creates) →
``rollingUpdate`` → ``cleanupHistory`` → ``updateDaemonSetStatus`` (``storeDaemonSetStatus``).
The update half is in :mod:`k8s_internals.controllers.daemonset_update`, the placement rules in
:mod:`k8s_internals.controllers.daemonset_util`.

What a learner sees, for DaemonSet ``node-exporter`` on nodes ``n1``, ``n2`` (``n3`` tainted
``dedicated=db:NoSchedule``):

- pods ``node-exporter-<5 random>`` for ``n1`` and ``n2`` (events ``SuccessfulCreate`` "Created pod:
  node-exporter-x7k2p"), each **without** ``spec.nodeName`` but with the required node affinity
  ``matchFields: [{key: metadata.name, operator: In, values: [n1]}]`` and the daemon
  tolerations — the scheduler binds them;
- status ``desiredNumberScheduled: 2``, ``currentNumberScheduled: 2``, ``numberMisscheduled: 0``,
  ``numberReady`` / ``numberAvailable`` as pods turn Ready, ``numberUnavailable = desired -
  available``;
- a new node → a new pod; a node that no longer fits (label removed, taint added) → its pod is
  deleted (``SuccessfulDelete`` "Deleted pod: ..."); a failed pod → ``FailedDaemonPod`` "Found
  failed daemon pod default/x on node n1, will try to kill it", deleted and recreated (with a
  per-node backoff of 1 s doubling to 15 min).

A deleted node has no handler upstream: its unscheduled pods are cleaned up on the next sync
(which the scheduler's ``PodScheduled=False`` status update triggers), its bound pods by the pod
garbage collector.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..api.selectors import SelectorError, label_selector_as_selector
from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.expectations import ControllerExpectations
from ..client.informer import InformerFactory
from ..sim import Kernel
from ._workload_utils import is_not_found, is_pod_terminal
from .base import Controller
from .controller_ref_manager import PodControllerRefManager, recheck_deletion_timestamp
from .controller_utils import (
    NAMESPACE_TERMINATING_CAUSE,
    SLOW_START_INITIAL_BATCH_SIZE,
    PodControl,
    get_controller_of,
    has_status_cause,
    is_pod_available,
    is_pod_ready,
    new_controller_ref,
)
from .daemonset_update import DAEMON_SET_API_VERSION, DAEMON_SET_KIND, DaemonSetUpdateMixin
from .daemonset_util import (
    DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY,
    allows_surge,
    create_pod_template,
    get_target_node_name,
    get_template_generation,
    is_pod_updated,
    node_should_run_daemon_pod,
    replace_daemon_set_pod_node_name_node_affinity,
)

__all__ = ["BURST_REPLICAS", "DaemonSetsController"]

JSON = dict[str, Any]

#: ``BurstReplicas``: at most this many creates (and deletes) per sync
BURST_REPLICAS = 250
#: ``StatusUpdateRetries``
STATUS_UPDATE_RETRIES = 1
#: kube-controller-manager's ``flowcontrol.NewBackOff(1*time.Second, 15*time.Minute)``
FAILED_PODS_BACKOFF_INITIAL, FAILED_PODS_BACKOFF_MAX = 1.0, 900.0


@dataclass
class _BackoffEntry:
    backoff: float
    last_update: float


class Backoff:
    """``flowcontrol.Backoff`` on virtual time: per-key exponential delay."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial, self.maximum = initial, maximum
        self.entries: dict[str, _BackoffEntry] = {}

    def get(self, key: str) -> float:
        entry = self.entries.get(key)
        return entry.backoff if entry else 0.0

    def next(self, key: str, now: float) -> None:
        """``Next``: start at ``initial``, else double up to ``maximum`` (an entry idle for
        ``2 × maximum`` starts over)."""
        entry = self.entries.get(key)
        if entry is None or now - entry.last_update > 2 * self.maximum:
            self.entries[key] = _BackoffEntry(self.initial, now)
            return
        entry.backoff = min(entry.backoff * 2, self.maximum)
        entry.last_update = now

    def is_in_back_off_since_update(self, key: str, now: float) -> bool:
        """``IsInBackOffSinceUpdate``."""
        entry = self.entries.get(key)
        if entry is None or now - entry.last_update > 2 * self.maximum:
            return False
        return now - entry.last_update < entry.backoff


class DaemonSetsController(DaemonSetUpdateMixin, Controller):
    """``DaemonSetsController``."""

    name = "daemonset-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.burst_replicas = BURST_REPLICAS
        self.expectations = ControllerExpectations(lambda: kernel.now)
        self.pod_control = PodControl(client, self.recorder)
        self.failed_pods_backoff = Backoff(FAILED_PODS_BACKOFF_INITIAL, FAILED_PODS_BACKOFF_MAX)
        self.dss = self.informer("daemonsets")
        self.revisions = self.informer("controllerrevisions")
        self.pods = self.informer("pods")
        self.nodes = self.informer("nodes")
        self.dss.add_event_handler(on_add=self.enqueue,
                                   on_update=self.update_daemonset,
                                   on_delete=self.delete_daemonset)
        self.revisions.add_event_handler(on_add=self.add_history, on_update=self.update_history,
                                         on_delete=self.delete_history)
        self.pods.add_event_handler(on_add=self.add_pod, on_update=self.update_pod,
                                    on_delete=self.delete_pod)
        self.nodes.add_event_handler(on_add=self.add_node, on_update=self.update_node)

    def now(self) -> float:
        """Virtual now as POSIX seconds (what ``is_pod_available`` compares with)."""
        return self.kernel.datetime().timestamp()

    # -- DaemonSet and ControllerRevision handlers ---------------------------------------------

    def update_daemonset(self, old: JSON, cur: JSON) -> None:
        """``updateDaemonset``: a new UID under the same name is a delete + add."""
        if (old.get("metadata") or {}).get("uid") != (cur.get("metadata") or {}).get("uid"):
            self.delete_daemonset(DeletedFinalStateUnknown(_key(old), old))
        self.enqueue(cur)

    def delete_daemonset(self, obj: Any) -> None:
        """``deleteDaemonset``: forget its expectations, then sync (which finds it gone)."""
        ds = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        if not isinstance(ds, dict):
            return
        self.expectations.delete_expectations(_key(ds))
        self.enqueue_key(_key(ds))

    def resolve_controller_ref(self, namespace: str, ref: JSON) -> JSON | None:
        """``resolveControllerRef``."""
        if ref.get("kind") != DAEMON_SET_KIND:
            return None
        ds = self.dss.get(f"{namespace}/{ref.get('name')}")
        if ds is None or ds["metadata"].get("uid") != ref.get("uid"):
            return None
        return ds

    def _daemon_sets_selecting(self, obj: JSON) -> list[JSON]:
        """``GetPodDaemonSets`` / ``GetHistoryDaemonSets``: DaemonSets in the object's namespace
        whose (non-empty) selector matches its labels."""
        meta = obj.get("metadata") or {}
        out = []
        for ds in self.dss.list(meta.get("namespace", "")):
            try:
                selector = label_selector_as_selector((ds.get("spec") or {}).get("selector"))
            except SelectorError:
                continue
            if not selector.empty and selector.matches(meta.get("labels") or {}):
                out.append(ds)
        return out

    def add_history(self, history: JSON) -> None:
        """``addHistory``."""
        meta = history.get("metadata") or {}
        if meta.get("deletionTimestamp"):
            self.delete_history(history)
            return
        if get_controller_of(history) is not None:
            return  # upstream only logs "Observed a ControllerRevision": its owner made it
        for ds in self._daemon_sets_selecting(history):
            self.enqueue(ds)

    def update_history(self, old: JSON, cur: JSON) -> None:
        """``updateHistory``."""
        ometa, cmeta = old.get("metadata") or {}, cur.get("metadata") or {}
        if ometa.get("resourceVersion") == cmeta.get("resourceVersion"):
            return
        cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
        ref_changed = cur_ref != old_ref
        if ref_changed and old_ref is not None:
            ds = self.resolve_controller_ref(ometa.get("namespace", ""), old_ref)
            if ds is not None:
                self.enqueue(ds)
        if cur_ref is not None:
            ds = self.resolve_controller_ref(cmeta.get("namespace", ""), cur_ref)
            if ds is not None:
                self.enqueue(ds)
            return
        if ometa.get("labels") != cmeta.get("labels") or ref_changed:
            for ds in self._daemon_sets_selecting(cur):
                self.enqueue(ds)

    def delete_history(self, obj: Any) -> None:
        """``deleteHistory``."""
        history = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        if not isinstance(history, dict):
            return
        ref = get_controller_of(history)
        if ref is None:
            return
        ds = self.resolve_controller_ref((history.get("metadata") or {}).get("namespace", ""), ref)
        if ds is not None:
            self.enqueue(ds)

    # -- pod handlers ------------------------------------------------------------------------------

    def add_pod(self, pod: JSON) -> None:
        """``addPod``: a creation we may have been waiting for."""
        meta = pod.get("metadata") or {}
        if meta.get("deletionTimestamp"):
            self.delete_pod(pod)
            return
        ref = get_controller_of(pod)
        if ref is not None:
            ds = self.resolve_controller_ref(meta.get("namespace", ""), ref)
            if ds is None:
                return
            self.expectations.creation_observed(_key(ds))
            self.enqueue(ds)
            return
        for ds in self._daemon_sets_selecting(pod):  # an orphan: anyone to adopt it?
            self.enqueue(ds)

    def update_pod(self, old: JSON, cur: JSON) -> None:
        """``updatePod``."""
        ometa, cmeta = old.get("metadata") or {}, cur.get("metadata") or {}
        if ometa.get("resourceVersion") == cmeta.get("resourceVersion"):
            return
        if cmeta.get("deletionTimestamp"):
            self.delete_pod(cur)  # react to graceful deletion at once
            return
        cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
        ref_changed = cur_ref != old_ref
        if ref_changed and old_ref is not None:
            ds = self.resolve_controller_ref(ometa.get("namespace", ""), old_ref)
            if ds is not None:
                self.enqueue(ds)
        if cur_ref is not None:
            ds = self.resolve_controller_ref(cmeta.get("namespace", ""), cur_ref)
            if ds is None:
                return
            self.enqueue(ds)
            min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
            if not is_pod_ready(old) and is_pod_ready(cur) and min_ready > 0:
                self.enqueue_after(_key(ds), min_ready + 1)
            return
        dss = self._daemon_sets_selecting(cur)
        if dss and (ometa.get("labels") != cmeta.get("labels") or ref_changed):
            for ds in dss:
                self.enqueue(ds)

    def delete_pod(self, obj: Any) -> None:
        """``deletePod``: a deletion we may have been waiting for."""
        pod = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        if not isinstance(pod, dict):
            return
        ref = get_controller_of(pod)
        if ref is None:
            return
        ds = self.resolve_controller_ref((pod.get("metadata") or {}).get("namespace", ""), ref)
        if ds is None:
            return
        self.expectations.deletion_observed(_key(ds))
        self.enqueue(ds)

    # -- node handlers -----------------------------------------------------------------------------

    def add_node(self, node: JSON) -> None:
        """``addNode``: wake the DaemonSets that should run there."""
        for ds in self.dss.list():
            if node_should_run_daemon_pod(node, ds)[0]:
                self.enqueue(ds)

    def update_node(self, old: JSON, cur: JSON) -> None:
        """``updateNode``: wake the DaemonSets whose (shouldRun, shouldContinueRunning) changed;
        ignore updates that change only heartbeats."""
        if _should_ignore_node_update(old, cur):
            return
        for ds in self.dss.list():
            if node_should_run_daemon_pod(old, ds) != node_should_run_daemon_pod(cur, ds):
                self.enqueue(ds)

    # -- pods of a DaemonSet -----------------------------------------------------------------------

    def can_adopt(self, ds: JSON) -> Callable[[], None]:
        meta = ds["metadata"]

        def fresh() -> JSON:
            got = self.client.get("daemonsets", meta["name"], meta.get("namespace", ""))
            if got["metadata"].get("uid") != meta.get("uid"):
                raise RuntimeError(f"original DaemonSet {meta.get('namespace')}/{meta['name']} "
                                   f"is gone: got uid {got['metadata'].get('uid')}, wanted "
                                   f"{meta.get('uid')}")
            return got

        return recheck_deletion_timestamp(fresh)

    def get_daemon_pods(self, ds: JSON) -> list[JSON]:
        """``getDaemonPods``: ``ClaimPods`` over every pod of the namespace."""
        selector = label_selector_as_selector((ds.get("spec") or {}).get("selector"))
        manager = PodControllerRefManager(self.pod_control, ds, selector,
                                          DAEMON_SET_API_VERSION, DAEMON_SET_KIND,
                                          self.can_adopt(ds))
        return manager.claim_pods(self.pods.list(ds["metadata"].get("namespace", "")))

    def get_nodes_to_daemon_pods(self, ds: JSON,
                                 include_deleted_terminal: bool) -> dict[str, list[JSON]]:
        """``getNodesToDaemonPods``: claimed pods grouped by target node (``spec.nodeName`` or
        the node affinity); deleted terminal pods are left out unless asked for."""
        out: dict[str, list[JSON]] = {}
        for pod in self.get_daemon_pods(ds):
            if (not include_deleted_terminal and is_pod_terminal(pod)
                    and (pod.get("metadata") or {}).get("deletionTimestamp")):
                continue
            node_name = get_target_node_name(pod)
            if node_name is None:
                continue
            out.setdefault(node_name, []).append(pod)
        return out

    # -- sync ------------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``syncDaemonSet``."""
        ds = self.dss.get(key)
        if ds is None:
            self.expectations.delete_expectations(key)  # "Daemon set has been deleted"
            return
        node_list = sorted(self.nodes.list(), key=lambda n: n["metadata"]["name"])
        if (ds.get("spec") or {}).get("selector") == {}:
            self.recorder.event(ds, "Warning", "SelectingAll",
                                "This daemon set is selecting all pods. A non-empty selector is "
                                "required.")
            return
        if ds["metadata"].get("deletionTimestamp"):
            return  # status cannot be computed reliably while the GC removes history and pods
        cur, old = self.construct_history(ds)
        hash_ = ((cur.get("metadata") or {}).get("labels") or {}).get(
            DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY, "")
        if not self.expectations.satisfied_expectations(key):
            # only the status; observedGeneration is not raised for work not done
            self.update_daemon_set_status(ds, node_list, hash_, False)
            return
        err: Exception | None = None
        try:
            self.update_daemon_set(ds, node_list, hash_, key, old)
        except Exception as exc:
            err = exc
        try:
            self.update_daemon_set_status(ds, node_list, hash_, True)
        except Exception as exc:
            err = err or exc
        if err is not None:
            raise err

    def update_daemon_set(self, ds: JSON, node_list: list[JSON], hash_: str, key: str,
                          old: list[JSON]) -> None:
        """``updateDaemonSet``: manage, then (expectations permitting) roll, then clean up."""
        self.manage(ds, node_list, hash_)
        if self.expectations.satisfied_expectations(key):
            strategy = ((ds.get("spec") or {}).get("updateStrategy") or {}).get("type")
            if strategy == "RollingUpdate":
                self.rolling_update(ds, node_list, hash_)
        try:
            self.cleanup_history(ds, old)
        except ApiError as exc:
            raise RuntimeError(f"failed to clean up revisions of DaemonSet: {exc}") from exc

    def manage(self, ds: JSON, node_list: list[JSON], hash_: str) -> None:
        """``manage``: per node, what to create and delete; plus unscheduled pods whose node is
        gone."""
        node_to_pods = self.get_nodes_to_daemon_pods(ds, False)
        needing: list[str] = []
        to_delete: list[str] = []
        for node in node_list:
            n, d = self.pods_should_be_on_node(node, node_to_pods, ds, hash_)
            needing += n
            to_delete += d
        to_delete += get_unscheduled_pods_without_node(node_list, node_to_pods)
        self.sync_nodes(ds, to_delete, needing, hash_)

    def pods_should_be_on_node(self, node: JSON, node_to_pods: dict[str, list[JSON]], ds: JSON,
                               hash_: str) -> tuple[list[str], list[str]]:
        """``podsShouldBeOnNode``: (nodes needing a pod, pods to delete) for one node."""
        node_name = node["metadata"]["name"]
        should_run, should_continue = node_should_run_daemon_pod(node, ds)
        daemon_pods = node_to_pods.get(node_name)
        needing: list[str] = []
        to_delete: list[str] = []
        if should_run and daemon_pods is None:
            return [node_name], []
        if should_continue:
            running: list[JSON] = []
            for pod in daemon_pods or []:
                pmeta = pod["metadata"]
                if pmeta.get("deletionTimestamp"):
                    continue
                phase = (pod.get("status") or {}).get("phase")
                if phase == "Failed":
                    # the DaemonSet often fights a kubelet that rejects its pods: back off
                    backoff_key = (f"{ds['metadata'].get('uid')}/"
                                   f"{(ds.get('status') or {}).get('observedGeneration', 0)}/"
                                   f"{node_name}")
                    now = self.kernel.now
                    if self.failed_pods_backoff.is_in_back_off_since_update(backoff_key, now):
                        self.enqueue_after(_key(ds), self.failed_pods_backoff.get(backoff_key))
                        continue
                    self.failed_pods_backoff.next(backoff_key, now)
                    self.recorder.event(ds, "Warning", "FailedDaemonPod",
                                        f"Found failed daemon pod {pmeta.get('namespace')}/"
                                        f"{pmeta['name']} on node {node_name}, will try to kill "
                                        "it")
                    to_delete.append(pmeta["name"])
                elif phase == "Succeeded":
                    self.recorder.event(ds, "Normal", "SucceededDaemonPod",
                                        f"Found succeeded daemon pod {pmeta.get('namespace')}/"
                                        f"{pmeta['name']} on node {node_name}, will try to "
                                        "delete it")
                    to_delete.append(pmeta["name"])
                else:
                    running.append(pod)
            if not allows_surge(ds):
                if len(running) > 1:  # keep the oldest
                    running = sort_by_creation_timestamp_and_phase(running)
                    to_delete += [p["metadata"]["name"] for p in running[1:]]
                return needing, to_delete
            if len(running) <= 1:
                if not running and should_run:
                    needing.append(node_name)  # surging: at least one non-deleted pod
                return needing, to_delete
            # surge: keep the oldest new pod and, while it is not available, the oldest old one
            oldest_new = oldest_old = None
            for pod in sort_by_creation_timestamp_and_phase(running):
                if pod["metadata"].get("labels", {}).get(
                        DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY) == hash_:
                    if oldest_new is None:
                        oldest_new = pod
                        continue
                elif oldest_old is None:
                    oldest_old = pod
                    continue
                to_delete.append(pod["metadata"]["name"])
            if oldest_new is not None and oldest_old is not None:
                min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
                if not is_pod_ready(oldest_old) or is_pod_available(oldest_new, min_ready,
                                                                    self.now()):
                    to_delete.append(oldest_old["metadata"]["name"])
            return needing, to_delete
        if daemon_pods:
            # not supposed to run here any more: delete every daemon pod on the node
            to_delete += [p["metadata"]["name"] for p in daemon_pods
                          if not p["metadata"].get("deletionTimestamp")]
        return needing, to_delete

    def sync_nodes(self, ds: JSON, pods_to_delete: list[str], nodes_needing_pods: list[str],
                   hash_: str) -> None:
        """``syncNodes``: set expectations, create (slow start: 1, 2, 4, ... stopping after a
        failing batch) and delete, at most ``burstReplicas`` each."""
        key = _key(ds)
        ns = ds["metadata"].get("namespace", "")
        create_diff = min(len(nodes_needing_pods), self.burst_replicas)
        delete_diff = min(len(pods_to_delete), self.burst_replicas)
        self.expectations.set_expectations(key, create_diff, delete_diff)
        errors: list[Exception] = []
        template = create_pod_template((ds.get("spec") or {}).get("template") or {},
                                       get_template_generation(ds), hash_)
        controller_ref = new_controller_ref(ds, DAEMON_SET_API_VERSION, DAEMON_SET_KIND)
        batch = min(create_diff, SLOW_START_INITIAL_BATCH_SIZE)
        pos = 0
        while create_diff > pos:
            error_count = len(errors)
            for ix in range(pos, pos + batch):
                pod_template = copy.deepcopy(template)
                spec = pod_template.setdefault("spec", {})
                spec["affinity"] = replace_daemon_set_pod_node_name_node_affinity(
                    spec.get("affinity"), nodes_needing_pods[ix])
                try:
                    self.pod_control.create_pods(ns, pod_template, ds, controller_ref)
                except Exception as exc:
                    if has_status_cause(exc, NAMESPACE_TERMINATING_CAUSE):
                        continue  # the namespace is going away: later creates fail too
                    self.expectations.creation_observed(key)
                    errors.append(exc)
            skipped = create_diff - (batch + pos)
            if error_count < len(errors) and skipped > 0:
                # slow-start failure: the skipped pods will not be observed
                self.expectations.lower_expectations(key, skipped, 0)
                break
            batch, pos = min(2 * batch, create_diff - (pos + batch)), pos + batch
        for name in pods_to_delete[:delete_diff]:
            try:
                self.pod_control.delete_pod(ns, name, ds)
            except Exception as exc:
                self.expectations.deletion_observed(key)
                if not is_not_found(exc):
                    errors.append(exc)
        if errors:
            raise errors[0] if len(errors) == 1 else RuntimeError(
                "[" + ", ".join(str(e) for e in errors) + "]")

    # -- status ----------------------------------------------------------------------------------

    def update_daemon_set_status(self, ds: JSON, node_list: list[JSON], hash_: str,
                                 update_observed_gen: bool) -> None:
        """``updateDaemonSetStatus``: count per node from the oldest daemon pod there."""
        node_to_pods = self.get_nodes_to_daemon_pods(ds, False)
        now = self.now()
        min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        generation = get_template_generation(ds)
        desired = current = misscheduled = ready = updated = available = 0
        for node in node_list:
            should_run, _ = node_should_run_daemon_pod(node, ds)
            pods = node_to_pods.get(node["metadata"]["name"]) or []
            if should_run:
                desired += 1
                if not pods:
                    continue
                current += 1
                pod = sort_by_creation_timestamp_and_phase(pods)[0]
                if is_pod_ready(pod):
                    ready += 1
                    if is_pod_available(pod, min_ready, now):
                        available += 1
                if is_pod_updated(pod, hash_, generation):
                    updated += 1
            elif pods:
                misscheduled += 1
        counts = {"desiredNumberScheduled": desired, "currentNumberScheduled": current,
                  "numberMisscheduled": misscheduled, "numberReady": ready,
                  "updatedNumberScheduled": updated, "numberAvailable": available,
                  "numberUnavailable": desired - available}
        self.store_daemon_set_status(ds, counts, update_observed_gen)
        if min_ready > 0 and ready != available:
            self.enqueue_after(_key(ds), min_ready)  # "a last line of defense" (clock skew)

    def store_daemon_set_status(self, ds: JSON, counts: dict[str, int],
                                update_observed_gen: bool) -> None:
        """``storeDaemonSetStatus``: write only when something changed; one retry after a GET."""
        status = ds.get("status") or {}
        generation = int(ds["metadata"].get("generation") or 0)
        if (all(int(status.get(k) or 0) == v for k, v in counts.items())
                and int(status.get("observedGeneration") or 0) >= generation):
            return
        to_update = copy.deepcopy(ds)
        for attempt in range(STATUS_UPDATE_RETRIES + 1):
            new_status = dict(to_update.get("status") or {})
            if update_observed_gen:
                new_status["observedGeneration"] = generation
            new_status.update(counts)
            to_update["status"] = _go_status(new_status)
            try:
                self.client.update_status("daemonsets", to_update)
                return
            except ApiError:
                if attempt >= STATUS_UPDATE_RETRIES:
                    raise
            meta = ds["metadata"]
            to_update = self.client.get("daemonsets", meta["name"], meta.get("namespace", ""))


def _go_status(status: JSON) -> JSON:
    """``DaemonSetStatus`` as Go writes it: the four scheduled counts always, the rest
    ``omitempty``."""
    out: JSON = {}
    for name in ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
                 "numberReady"):
        out[name] = int(status.get(name) or 0)
    for name in ("observedGeneration", "updatedNumberScheduled", "numberAvailable",
                 "numberUnavailable", "collisionCount"):
        if status.get(name):
            out[name] = status[name]
    if status.get("conditions"):
        out["conditions"] = status["conditions"]
    return out


def sort_by_creation_timestamp_and_phase(pods: list[JSON]) -> list[JSON]:
    """``podByCreationTimestampAndPhase``: scheduled pods first, then oldest, then by name."""
    return sorted(pods, key=lambda p: (not (p.get("spec") or {}).get("nodeName"),
                                       p["metadata"].get("creationTimestamp") or "",
                                       p["metadata"]["name"]))


def get_unscheduled_pods_without_node(node_list: list[JSON],
                                      node_to_pods: dict[str, list[JSON]]) -> list[str]:
    """``getUnscheduledPodsWithoutNode``: unscheduled pods aimed at nodes that no longer exist
    (the pod GC only cleans up pods that were bound)."""
    existing = {n["metadata"]["name"] for n in node_list}
    return [p["metadata"]["name"] for node, pods in sorted(node_to_pods.items())
            if node not in existing for p in pods if not (p.get("spec") or {}).get("nodeName")]


def _node_in_same_condition(old: list[JSON], cur: list[JSON]) -> bool:
    """``nodeInSameCondition``: the same condition types are True."""
    return ({c.get("type") for c in old if c.get("status") == "True"}
            == {c.get("type") for c in cur if c.get("status") == "True"})


def _should_ignore_node_update(old: JSON, cur: JSON) -> bool:
    """``shouldIgnoreNodeUpdate``: nothing but resourceVersion and condition details changed."""
    oc = (old.get("status") or {}).get("conditions") or []
    cc = (cur.get("status") or {}).get("conditions") or []
    if not _node_in_same_condition(oc, cc):
        return False
    a, b = copy.deepcopy(old), copy.deepcopy(cur)
    for obj in (a, b):
        obj.get("metadata", {}).pop("resourceVersion", None)
        obj.setdefault("status", {}).pop("conditions", None)
    return a == b


def _key(obj: JSON) -> str:
    meta = obj["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"
