"""``statefulset-controller``: pods with stable names, stable storage, in order.

Upstream: ``pkg/controller/statefulset/stateful_set.go`` (kubernetes/kubernetes) —
``NewStatefulSetController`` (informers on pods, StatefulSets, PVCs and ControllerRevisions),
the pod handlers ``addPod`` / ``updatePod`` / ``deletePod`` (find the owning set through the
controller reference; orphans wake every set whose selector matches), ``sync`` →
``adoptOrphanRevisions`` → ``getPodsForStatefulSet`` (``ClaimPods`` restricted to pods named
``<set>-<n>``) → ``syncStatefulSet``. The decisions live in
:mod:`k8s_internals.controllers.statefulset_control`, the pure helpers in
:mod:`k8s_internals.controllers.statefulset_utils`, the revisions in
:mod:`k8s_internals.controllers.history`.

What a learner sees, for ``web`` with ``replicas: 3``, ``serviceName: nginx`` and a
``volumeClaimTemplates`` entry ``www``:

- PVC ``www-web-0`` (event "create Claim www-web-0 Pod web-0 in StatefulSet web success"), then
  pod ``web-0`` ("create Pod web-0 in StatefulSet web successful") with ``hostname: web-0``,
  ``subdomain: nginx``, labels ``statefulset.kubernetes.io/pod-name: web-0``,
  ``apps.kubernetes.io/pod-index: "0"`` and ``controller-revision-hash: web-<hash>``;
- with ``OrderedReady`` (the default) ``web-1`` only once ``web-0`` is Running and Ready; with
  ``Parallel`` all three at once;
- scaling down deletes ``web-2`` first and keeps ``www-web-2`` (``whenScaled: Retain``);
- changing the template creates ControllerRevision ``web-<new hash>`` (revision 2) and replaces
  pods from the highest ordinal down to ``partition``.

Unlike the ReplicaSet controller there are no expectations: names are unique, so a second create
of ``web-0`` fails with AlreadyExists, and the sync is retried with backoff.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..api.selectors import SelectorError, label_selector_as_selector
from ..client.cache import DeletedFinalStateUnknown
from ..client.client import Client
from ..client.informer import InformerFactory
from ..sim import Kernel
from ._workload_utils import filter_pods_by_owner
from .base import Controller
from .controller_ref_manager import PodControllerRefManager, recheck_deletion_timestamp
from .controller_utils import PodControl, get_controller_of, is_pod_ready
from .history import History
from .statefulset_control import StatefulPodControl, StatefulSetControl, StatefulSetStatusUpdater
from .statefulset_utils import STATEFUL_SET_API_VERSION, STATEFUL_SET_KIND, is_member_of

__all__ = ["StatefulSetController"]

JSON = dict[str, Any]


class StatefulSetController(Controller):
    """``StatefulSetController``."""

    name = "statefulset-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.pods = self.informer("pods")
        self.sets = self.informer("statefulsets")
        self.claims = self.informer("persistentvolumeclaims")
        self.revisions = self.informer("controllerrevisions")
        self.pod_control = PodControl(client, self.recorder)  # adoption patches only
        self.control = StatefulSetControl(
            StatefulPodControl(client, self.pods, self.claims, self.recorder),
            StatefulSetStatusUpdater(client),
            History(client, self.revisions),
            now=lambda: kernel.datetime().timestamp())
        self.pods.add_event_handler(on_add=self.add_pod, on_update=self.update_pod,
                                    on_delete=self.delete_pod)
        self.sets.add_event_handler(on_add=self.enqueue,
                                    on_update=lambda old, cur: self.enqueue(cur),
                                    on_delete=self.enqueue)

    # -- event handlers ------------------------------------------------------------------------

    def resolve_controller_ref(self, namespace: str, ref: JSON) -> JSON | None:
        """``resolveControllerRef``: the set the reference names, if the UID matches."""
        if ref.get("kind") != STATEFUL_SET_KIND:
            return None
        sts = self.sets.get(f"{namespace}/{ref.get('name')}")
        if sts is None or sts["metadata"].get("uid") != ref.get("uid"):
            return None
        return sts

    def get_stateful_sets_for_pod(self, pod: JSON) -> list[JSON]:
        """``GetPodStatefulSets``: sets in the pod's namespace whose selector matches it."""
        meta = pod.get("metadata") or {}
        out = []
        for sts in self.sets.list(meta.get("namespace", "")):
            try:
                selector = label_selector_as_selector((sts.get("spec") or {}).get("selector"))
            except SelectorError:
                continue
            if selector.empty or not selector.matches(meta.get("labels") or {}):
                continue
            out.append(sts)
        return out

    def add_pod(self, pod: JSON) -> None:
        """``addPod``."""
        meta = pod.get("metadata") or {}
        if meta.get("deletionTimestamp"):
            self.delete_pod(pod)
            return
        ref = get_controller_of(pod)
        if ref is not None:
            sts = self.resolve_controller_ref(meta.get("namespace", ""), ref)
            if sts is not None:
                self.enqueue(sts)
            return
        for sts in self.get_stateful_sets_for_pod(pod):
            self.enqueue(sts)

    def update_pod(self, old: JSON, cur: JSON) -> None:
        """``updatePod``: wake the old and new owners; after a pod turns Ready, also
        ``minReadySeconds + 1`` s later (to count it available)."""
        ometa, cmeta = old.get("metadata") or {}, cur.get("metadata") or {}
        if ometa.get("resourceVersion") == cmeta.get("resourceVersion"):
            return  # a resync: two versions of a pod always have different resourceVersions
        label_changed = ometa.get("labels") != cmeta.get("labels")
        cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
        ref_changed = cur_ref != old_ref
        if ref_changed and old_ref is not None:
            sts = self.resolve_controller_ref(ometa.get("namespace", ""), old_ref)
            if sts is not None:
                self.enqueue(sts)
        if cur_ref is not None:
            sts = self.resolve_controller_ref(cmeta.get("namespace", ""), cur_ref)
            if sts is None:
                return
            self.enqueue(sts)
            min_ready = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
            if not is_pod_ready(old) and is_pod_ready(cur) and min_ready > 0:
                self.enqueue_after(_key(sts), min_ready + 1)
            return
        if label_changed or ref_changed:
            for sts in self.get_stateful_sets_for_pod(cur):
                self.enqueue(sts)

    def delete_pod(self, obj: Any) -> None:
        """``deletePod`` (tombstones included)."""
        pod = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        if not isinstance(pod, dict):
            return
        ref = get_controller_of(pod)
        if ref is None:
            return
        sts = self.resolve_controller_ref((pod.get("metadata") or {}).get("namespace", ""), ref)
        if sts is not None:
            self.enqueue(sts)

    # -- sync ------------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``sync``."""
        sts = self.sets.get(key)
        if sts is None:
            return  # "StatefulSet has been deleted"
        try:
            selector = label_selector_as_selector((sts.get("spec") or {}).get("selector"))
        except SelectorError as exc:
            self.errors.append((key, f"error converting StatefulSet {key} selector: {exc}"))
            return  # "This is a non-transient error, so don't retry."
        self.adopt_orphan_revisions(sts)
        namespace = sts["metadata"].get("namespace", "")
        candidates = filter_pods_by_owner(self.pods.list(namespace), sts)
        manager = PodControllerRefManager(self.pod_control, sts, selector,
                                          STATEFUL_SET_API_VERSION, STATEFUL_SET_KIND,
                                          self._can_adopt(sts))
        # only pods named <set>-<n> are claimed (others matching the selector are ignored)
        pods = manager.claim_pods(candidates, lambda pod: is_member_of(sts, pod))
        self.sync_stateful_set(sts, pods)

    def _can_adopt(self, sts: JSON) -> Callable[[], None]:
        meta = sts["metadata"]

        def fresh() -> JSON:
            got = self.client.get("statefulsets", meta["name"], meta.get("namespace", ""))
            if got["metadata"].get("uid") != meta.get("uid"):
                raise RuntimeError(f"original StatefulSet {meta.get('namespace')}/{meta['name']} "
                                   f"is gone: got uid {got['metadata'].get('uid')}, wanted "
                                   f"{meta.get('uid')}")
            return got

        return recheck_deletion_timestamp(fresh)

    def adopt_orphan_revisions(self, sts: JSON) -> None:
        """``adoptOrphanRevisions``: revisions that match the selector but have no controller."""
        orphans = [r for r in self.control.list_revisions(sts) if get_controller_of(r) is None]
        if orphans:
            try:
                self._can_adopt(sts)()
            except Exception as exc:
                raise RuntimeError(f"can't adopt ControllerRevisions: {exc}") from exc
            self.control.adopt_orphan_revisions(sts, orphans)

    def sync_stateful_set(self, sts: JSON, pods: list[JSON]) -> None:
        """``syncStatefulSet``: run the control loop; with ``minReadySeconds``, look again once
        the ready pods may have become available."""
        status = self.control.update_stateful_set(sts, pods)
        spec = sts.get("spec") or {}
        min_ready = int(spec.get("minReadySeconds") or 0)
        replicas = int(spec.get("replicas", 1))
        if status is not None and min_ready > 0 and status.get("availableReplicas") != replicas:
            self.enqueue_after(_key(sts), min_ready)


def _key(obj: JSON) -> str:
    meta = obj["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"
