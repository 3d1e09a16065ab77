"""The taint eviction controller (the "NoExecute taint manager"): deletes the pods running on a
node with a ``NoExecute`` taint they do not tolerate — at once, or when their
``tolerationSeconds`` run out.

Upstream: ``pkg/controller/tainteviction/taint_eviction.go`` (``Controller``: ``NodeUpdated`` /
``PodUpdated`` queue work, ``handleNodeUpdate`` / ``handlePodUpdate``, ``processPodOnNode``,
``getMinTolerationTime``, ``addConditionAndDeletePod``) and ``timed_workers.go``
(``TimedWorkerQueue``: one timer per pod; a fired pod stays in the map so it is not scheduled
twice). Since Kubernetes 1.29 it is its own controller in kube-controller-manager
(``SeparateTaintEvictionController``), named ``taint-eviction-controller``.

For a pod on a tainted node (``processPodOnNode``):

- a ``NoExecute`` taint no toleration matches → delete now;
- all tolerated, some with ``tolerationSeconds`` → delete after the smallest of them, counted
  from when the controller saw the taint (a later, shorter deadline replaces an earlier one);
- all tolerated forever → cancel any scheduled deletion (so does removing the taints).

Every pod gets ``tolerationSeconds: 300`` for ``node.kubernetes.io/not-ready`` and
``unreachable`` from the DefaultTolerationSeconds admission plugin, hence the famous five
minutes between a node going ``Unknown`` (tainted by the node lifecycle controller) and its pods
being evicted.

Deleting means: event ``TaintManagerEviction`` "Marking for deletion Pod <ns>/<name>", a
``DisruptionTarget`` pod condition (reason ``DeletionByTaintManager``), then an ordinary DELETE
(graceful: the pod gets a ``deletionTimestamp``; the kubelet — or, for an unreachable node, the
pod GC — finishes it). A cancelled deletion records "Cancelling deletion of Pod <ns>/<name>".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..client.cache import DeletedFinalStateUnknown
from ..client.causality import caused_by, current_cause
from ..client.client import ApiError, Client
from ..client.informer import Informer, InformerFactory
from ..client.record import EVENT_NORMAL
from ..sim import Kernel, Timer
from .base import Controller
from .queues import SyncQueue

__all__ = [
    "NODE_NAME_INDEX",
    "TaintEvictionController",
    "TimedWorkerQueue",
    "get_matching_tolerations",
    "get_min_toleration_time",
    "tolerates_taint",
]

#: the pod informer index both node controllers add (``nodeNameKeyIndex``)
NODE_NAME_INDEX = "spec.nodeName"
#: ``retries`` of the delete
RETRIES = 5


def ensure_node_name_index(pods: Informer) -> None:
    """Add the ``spec.nodeName`` index to the shared pod informer (once)."""
    if NODE_NAME_INDEX in pods.indexer.get_indexers():
        return

    def node_name(pod: Any) -> list[str]:
        name = (pod.get("spec") or {}).get("nodeName")
        return [name] if name else []

    pods.add_indexers({NODE_NAME_INDEX: node_name})


def tolerates_taint(toleration: dict[str, Any], taint: dict[str, Any]) -> bool:
    """``Toleration.ToleratesTaint``: empty effect/key match all; operator ``Exists`` ignores
    the value, ``Equal`` (the default) compares it.

    >>> t = {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}
    >>> tolerates_taint({"operator": "Exists"}, t)
    True
    >>> tolerates_taint({"key": "node.kubernetes.io/not-ready", "operator": "Exists"}, t)
    False
    """
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return op == "Exists"


def get_matching_tolerations(taints: list[dict[str, Any]], tolerations: list[dict[str, Any]]
                             ) -> tuple[bool, list[dict[str, Any]]]:
    """``GetMatchingTolerations``: are all taints tolerated, and by which tolerations."""
    if not taints:
        return True, []
    used: list[dict[str, Any]] = []
    for taint in taints:
        match = next((t for t in tolerations if tolerates_taint(t, taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def get_min_toleration_time(tolerations: list[dict[str, Any]]) -> float:
    """``getMinTolerationTime``: the smallest ``tolerationSeconds`` (0 if one is <= 0, or if
    there are no tolerations), or -1 for "forever".

    >>> get_min_toleration_time([{"tolerationSeconds": 300}, {"tolerationSeconds": 60}, {}])
    60
    >>> get_min_toleration_time([{"operator": "Exists"}])
    -1
    """
    if not tolerations:
        return 0
    minimum: float = math.inf
    for t in tolerations:
        seconds = t.get("tolerationSeconds")
        if seconds is not None:
            if seconds <= 0:
                return 0
            minimum = min(minimum, seconds)
    return -1 if minimum == math.inf else minimum


def get_no_execute_taints(taints: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [t for t in taints or [] if t.get("effect") == "NoExecute"]


@dataclass
class TimedWorker:
    """``TimedWorker``: a scheduled deletion."""

    key: str
    created_at: float
    fire_at: float
    timer: Timer | None


class TimedWorkerQueue:
    """``TimedWorkerQueue``: at most one pending deletion per pod key; after a successful
    run the key stays (with no worker) so the same pod is not scheduled again."""

    def __init__(self, kernel: Kernel, work: Callable[[str], bool]) -> None:
        self.kernel = kernel
        self.work = work
        self.workers: dict[str, TimedWorker | None] = {}

    def add_work(self, key: str, created_at: float, fire_at: float) -> None:
        if key in self.workers:
            return
        cause = current_cause()
        worker = TimedWorker(key, created_at, fire_at, None)

        def fire() -> None:
            with caused_by(cause):
                ok = self.work(key)
            if ok:
                self.workers[key] = None
            else:
                self.workers.pop(key, None)

        worker.timer = self.kernel.call_at(fire_at, fire, name=f"taint eviction {key}")
        self.workers[key] = worker

    def cancel_work(self, key: str) -> bool:
        if key not in self.workers:
            return False
        worker = self.workers.pop(key)
        if worker is not None and worker.timer is not None:
            worker.timer.cancel()
        return True

    def get_worker_unsafe(self, key: str) -> TimedWorker | None:
        return self.workers.get(key)


class TaintEvictionController(Controller):
    """``tainteviction.Controller``; the base queue carries node names (``nodeUpdateQueue``),
    :attr:`pod_updates` the ``(namespace, name, nodeName)`` pod items."""

    name = "taint-eviction-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.pods = self.informer("pods")
        ensure_node_name_index(self.pods)
        self.nodes = self.informer("nodes")
        self.tainted_nodes: dict[str, list[dict[str, Any]]] = {}
        self.eviction_queue = TimedWorkerQueue(kernel, self.delete_pod)
        self.pod_updates: SyncQueue[tuple[str, str, str]] = SyncQueue(
            kernel, "noexec_taint_pod", self.handle_pod_update)
        self.pods.add_event_handler(on_add=lambda p: self.pod_updated(None, p),
                                    on_update=self.pod_updated,
                                    on_delete=self._pod_deleted)
        self.nodes.add_event_handler(on_add=lambda n: self.node_updated(None, n),
                                     on_update=self.node_updated,
                                     on_delete=self._node_deleted)

    def run(self) -> None:
        super().run()
        self.pod_updates.start()

    def stop(self) -> None:
        super().stop()
        self.pod_updates.stop()

    # -- handlers -------------------------------------------------------------------------------

    def _pod_deleted(self, obj: Any) -> None:
        if isinstance(obj, DeletedFinalStateUnknown):
            obj = obj.obj
        self.pod_updated(obj, None)

    def _node_deleted(self, obj: Any) -> None:
        if isinstance(obj, DeletedFinalStateUnknown):
            obj = obj.obj
        self.node_updated(obj, None)

    def pod_updated(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """``PodUpdated``: queue the pod unless its tolerations and node did not change."""
        pod = new if new is not None else old
        assert pod is not None
        if old is not None and new is not None and \
                (old.get("spec") or {}).get("tolerations") == (new.get("spec") or {}).get(
                    "tolerations") and \
                (old.get("spec") or {}).get("nodeName") == (new.get("spec") or {}).get(
                    "nodeName"):
            return
        meta = pod["metadata"]
        self.pod_updates.add((meta.get("namespace", ""), meta["name"],
                              (pod.get("spec") or {}).get("nodeName") or ""))

    def node_updated(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """``NodeUpdated``: queue the node unless its NoExecute taints did not change."""
        node = new if new is not None else old
        assert node is not None
        if old is not None and new is not None and get_no_execute_taints(
                (old.get("spec") or {}).get("taints")) == get_no_execute_taints(
                (new.get("spec") or {}).get("taints")):
            return
        self.enqueue_key(node["metadata"]["name"])

    # -- workers --------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``handleNodeUpdate``."""
        node = self.nodes.get(key)
        if node is None:
            self.tainted_nodes.pop(key, None)
            return
        taints = get_no_execute_taints((node.get("spec") or {}).get("taints"))
        if taints:
            self.tainted_nodes[key] = taints
        else:
            self.tainted_nodes.pop(key, None)
        pods = self.pods.by_index(NODE_NAME_INDEX, key)
        if not pods:
            return
        if not taints:
            for pod in pods:
                self.cancel_work_with_event(pod["metadata"].get("namespace", ""),
                                            pod["metadata"]["name"])
            return
        now = self.kernel.now
        for pod in pods:
            self.process_pod_on_node(pod["metadata"].get("namespace", ""),
                                     pod["metadata"]["name"],
                                     list((pod.get("spec") or {}).get("tolerations") or []),
                                     taints, now)

    def handle_pod_update(self, item: tuple[str, str, str]) -> None:
        """``handlePodUpdate``."""
        namespace, name, node_name = item
        pod = self.pods.get(f"{namespace}/{name}")
        if pod is None:
            self.cancel_work_with_event(namespace, name)
            return
        if (pod.get("spec") or {}).get("nodeName", "") != node_name or not node_name:
            return
        taints = self.tainted_nodes.get(node_name)
        if taints is None:
            return
        self.process_pod_on_node(namespace, name,
                                 list((pod.get("spec") or {}).get("tolerations") or []),
                                 taints, self.kernel.now)

    def process_pod_on_node(self, namespace: str, name: str,
                            tolerations: list[dict[str, Any]],
                            taints: list[dict[str, Any]], now: float) -> None:
        """``processPodOnNode``."""
        key = f"{namespace}/{name}"
        if not taints:
            self.cancel_work_with_event(namespace, name)
        all_tolerated, used = get_matching_tolerations(taints, tolerations)
        if not all_tolerated:
            self.cancel_work_with_event(namespace, name)
            self.eviction_queue.add_work(key, now, now)
            return
        min_toleration = get_min_toleration_time(used)
        if min_toleration < 0:
            self.cancel_work_with_event(namespace, name)
            return
        start = now
        trigger = start + min_toleration
        scheduled = self.eviction_queue.get_worker_unsafe(key)
        if scheduled is not None:
            start = scheduled.created_at
            if start + min_toleration < trigger:
                return
            self.cancel_work_with_event(namespace, name)
        self.eviction_queue.add_work(key, start, trigger)

    def cancel_work_with_event(self, namespace: str, name: str) -> None:
        if self.eviction_queue.cancel_work(f"{namespace}/{name}"):
            self.recorder.event(_pod_ref(namespace, name), EVENT_NORMAL, "TaintManagerEviction",
                                f"Cancelling deletion of Pod {namespace}/{name}")

    # -- the deletion ---------------------------------------------------------------------------

    def delete_pod(self, key: str) -> bool:
        """``deletePodHandler``: event, then up to 5 tries of ``addConditionAndDeletePod``."""
        namespace, _, name = key.partition("/")
        self.recorder.event(_pod_ref(namespace, name), EVENT_NORMAL, "TaintManagerEviction",
                            f"Marking for deletion Pod {namespace}/{name}")
        err: ApiError | None = None
        for _ in range(RETRIES):
            try:
                self.add_condition_and_delete_pod(namespace, name)
                return True
            except ApiError as exc:
                err = exc
        self.errors.append((key, f"ApiError: {err}"))
        return False

    def add_condition_and_delete_pod(self, namespace: str, name: str) -> None:
        """``addConditionAndDeletePod``: ``DisruptionTarget`` condition, then DELETE."""
        pod = self.client.get("pods", name, namespace)
        condition = {"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                     "lastTransitionTime": self.kernel.timestamp(),
                     "reason": "DeletionByTaintManager",
                     "message": "Taint manager: deleting due to NoExecute taint"}
        old = next((c for c in (pod.get("status") or {}).get("conditions") or []
                    if c.get("type") == "DisruptionTarget"), None)
        if old is None or (old.get("status"), old.get("reason"), old.get("message")) != (
                "True", condition["reason"], condition["message"]):
            if old is not None and old.get("status") == "True":
                condition["lastTransitionTime"] = old.get("lastTransitionTime")
            # utilpod.PatchPodStatus: a strategic merge patch with a uid precondition
            self.client.patch("pods", name, {"metadata": {"uid": pod["metadata"]["uid"]},
                                             "status": {"conditions": [condition]}},
                              namespace, patch_type="strategic", subresource="status")
        self.client.delete("pods", name, namespace)


def _pod_ref(namespace: str, name: str) -> dict[str, Any]:
    """The bare reference upstream records the events on (no uid)."""
    return {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": name,
                                                            "namespace": namespace}}
