"""The Deployment controller: handlers, claiming ReplicaSets, and ``syncDeployment``.

Upstream: ``pkg/controller/deployment/deployment_controller.go`` in kubernetes/kubernetes —
``DeploymentController`` (``deployment-controller``), ``addDeployment`` / ``updateDeployment`` /
``deleteDeployment``, ``addReplicaSet`` / ``updateReplicaSet`` / ``deleteReplicaSet``,
``deletePod`` (wakes Recreate Deployments), ``getDeploymentsForReplicaSet``,
``getDeploymentForPod``, ``resolveControllerRef``, ``getReplicaSetsForDeployment``,
``getPodMapForDeployment``, ``syncDeployment``.

``syncDeployment`` decides what kind of sync this is::

    deployment gone                    → nothing
    selector {} (selects everything)   → Warning SelectingAll, nothing else
    claim ReplicaSets (adopt/orphan by selector and controllerRef), group pods by RS
    being deleted                      → status only                          (sync.go)
    paused / resumed                   → Progressing=Unknown DeploymentPaused/Resumed
    paused                             → scale only, no rollout               (sync.go)
    deprecated rollbackTo annotation   → rollback                             (rollback.go)
    scaling event (desired-replicas annotation ≠ spec.replicas)
                                       → proportional scale                   (sync.go)
    Recreate                           → rolloutRecreate                      (recreate.go)
    RollingUpdate                      → rolloutRolling                       (rolling.go)

The methods of the other upstream files live in one mixin per file; this class puts them
together. Simplification: upstream drops a key after 15 failed retries (``maxRetries``); the
shared :class:`~..base.Controller` keeps retrying with backoff.
"""

from __future__ import annotations

import copy
from typing import Any

from ...api.selectors import SelectorError, label_selector_as_selector
from ...client.cache import DeletedFinalStateUnknown
from ...client.client import Client
from ...client.informer import InformerFactory
from ...client.record import EVENT_WARNING
from ...sim import Kernel
from ..base import Controller
from ..controller_ref_manager import ReplicaSetControllerRefManager, recheck_deletion_timestamp
from ..controller_utils import (
    JSON,
    ControllerError,
    RSControl,
    get_controller_of,
    is_controlled_by,
    with_type,
)
from . import util
from .recreate import RecreateMixin
from .rollback import RollbackMixin
from .rolling import RollingMixin

__all__ = ["DeploymentController"]


class DeploymentController(RollingMixin, RecreateMixin, RollbackMixin, Controller):
    """``DeploymentController``."""

    name = "deployment-controller"
    #: ``--concurrent-deployment-syncs`` default
    workers = 5

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.rs_control = RSControl(client)
        self.d_informer = self.informer("deployments")
        self.rs_informer = self.informer("replicasets")
        self.pods = self.informer("pods")
        self.d_informer.add_event_handler(self._add_deployment, self._update_deployment,
                                          self._delete_deployment)
        self.rs_informer.add_event_handler(self._add_replica_set, self._update_replica_set,
                                           self._delete_replica_set)
        self.pods.add_event_handler(on_delete=self._delete_pod)

    # -- handlers ------------------------------------------------------------------------------

    def _add_deployment(self, d: JSON) -> None:
        self.enqueue(d)

    def _update_deployment(self, old: JSON, cur: JSON) -> None:
        self.enqueue(cur)

    def _delete_deployment(self, obj: Any) -> None:
        self.enqueue(obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj)

    def resolve_controller_ref(self, namespace: str, ref: JSON) -> JSON | None:
        """``resolveControllerRef``."""
        if ref.get("kind") != self.kind:
            return None
        d = self.d_informer.get(f"{namespace}/{ref.get('name')}")
        if d is None or d["metadata"].get("uid") != ref.get("uid"):
            return None
        return d

    def get_deployments_for_replica_set(self, rs: JSON) -> list[JSON]:
        """``getDeploymentsForReplicaSet``."""
        return util.get_deployments_for_replica_set(
            self.d_informer.list(rs["metadata"].get("namespace", "")), rs)

    def _add_replica_set(self, rs: JSON) -> None:
        if rs["metadata"].get("deletionTimestamp"):
            self._delete_replica_set(rs)
            return
        ref = get_controller_of(rs)
        if ref is not None:
            d = self.resolve_controller_ref(rs["metadata"].get("namespace", ""), ref)
            if d is not None:
                self.enqueue(d)
            return
        for d in self.get_deployments_for_replica_set(rs):
            self.enqueue(d)

    def _update_replica_set(self, old: JSON, cur: JSON) -> None:
        if cur["metadata"].get("resourceVersion") == old["metadata"].get("resourceVersion"):
            return
        ns = cur["metadata"].get("namespace", "")
        cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
        ref_changed = cur_ref != old_ref
        if ref_changed and old_ref is not None:
            d = self.resolve_controller_ref(ns, old_ref)
            if d is not None:
                self.enqueue(d)
        if cur_ref is not None:
            d = self.resolve_controller_ref(ns, cur_ref)
            if d is not None:
                self.enqueue(d)
            return
        label_changed = cur["metadata"].get("labels") != old["metadata"].get("labels")
        if label_changed or ref_changed:
            for d in self.get_deployments_for_replica_set(cur):
                self.enqueue(d)

    def _delete_replica_set(self, obj: Any) -> None:
        rs = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        ref = get_controller_of(rs)
        if ref is None:
            return
        d = self.resolve_controller_ref(rs["metadata"].get("namespace", ""), ref)
        if d is not None:
            self.enqueue(d)

    def get_deployment_for_pod(self, pod: JSON) -> JSON | None:
        """``getDeploymentForPod``: pod → owning RS → owning Deployment."""
        ref = get_controller_of(pod)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return None
        ns = pod["metadata"].get("namespace", "")
        rs = self.rs_informer.get(f"{ns}/{ref.get('name')}")
        if rs is None or rs["metadata"].get("uid") != ref.get("uid"):
            return None
        rs_ref = get_controller_of(rs)
        return self.resolve_controller_ref(ns, rs_ref) if rs_ref is not None else None

    def _delete_pod(self, obj: Any) -> None:
        """``deletePod``: a Recreate Deployment whose last pod is gone may create its new RS."""
        pod = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        d = self.get_deployment_for_pod(pod)
        if d is None or util.strategy_type(d) != "Recreate":
            return
        # upstream lists the ReplicaSets with a live client call here; the lister suffices
        rs_list = [rs for rs in self.rs_informer.list(d["metadata"].get("namespace", ""))
                   if is_controlled_by(rs, d)]
        pod_map = self.get_pod_map_for_deployment(d, rs_list)
        if sum(len(p) for p in pod_map.values()) == 0:
            self.enqueue(d)

    # -- listing -------------------------------------------------------------------------------

    def get_replica_sets_for_deployment(self, d: JSON) -> list[JSON]:
        """``getReplicaSetsForDeployment``: claim the namespace's ReplicaSets."""
        meta = d["metadata"]
        ns = meta.get("namespace", "")
        try:
            selector = label_selector_as_selector(d["spec"].get("selector"))
        except SelectorError as err:
            raise ControllerError(f"deployment {ns}/{meta['name']} has invalid label selector: "
                                  f"{err}") from err

        def fresh() -> JSON:
            obj = self.client.get("deployments", meta["name"], ns)
            if obj["metadata"].get("uid") != meta.get("uid"):
                raise ControllerError(f"original Deployment {ns}/{meta['name']} is gone: got uid "
                                      f"{obj['metadata'].get('uid')}, wanted {meta.get('uid')}")
            return obj

        cm = ReplicaSetControllerRefManager(self.rs_control, d, selector, self.api_version,
                                            self.kind, recheck_deletion_timestamp(fresh))
        return cm.claim_replica_sets(self.rs_informer.list(ns))

    def get_pod_map_for_deployment(self, d: JSON, rs_list: list[JSON]) -> dict[str, list[JSON]]:
        """``getPodMapForDeployment``: the Deployment's pods grouped by their RS's UID
        (inactive pods included: Recreate must see them)."""
        selector = label_selector_as_selector(d["spec"].get("selector"))
        pod_map: dict[str, list[JSON]] = {rs["metadata"]["uid"]: [] for rs in rs_list}
        for pod in self.pods.list(d["metadata"].get("namespace", "")):
            if not selector.matches(pod["metadata"].get("labels") or {}):
                continue
            ref = get_controller_of(pod)
            if ref is None:
                continue
            if ref.get("uid") in pod_map:
                pod_map[ref["uid"]].append(pod)
        return pod_map

    # -- sync ----------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``syncDeployment``."""
        cached = self.d_informer.get(key)
        if cached is None:
            return  # "Deployment has been deleted"
        d = with_type(copy.deepcopy(cached), self.api_version, self.kind)
        d.setdefault("status", {})
        if d["spec"].get("selector") == {}:
            self.recorder.event(d, EVENT_WARNING, "SelectingAll",
                                "This deployment is selecting all pods. A non-empty selector "
                                "is required.")
            if int(d["status"].get("observedGeneration", 0) or 0) < \
                    int(d["metadata"].get("generation", 0) or 0):
                d["status"]["observedGeneration"] = d["metadata"]["generation"]
                self.update_deployment_status(d)
            return
        rs_list = self.get_replica_sets_for_deployment(d)
        pod_map = self.get_pod_map_for_deployment(d, rs_list)
        if d["metadata"].get("deletionTimestamp"):
            self.sync_status_only(d, rs_list)
            return
        self.check_paused_conditions(d)
        if d["spec"].get("paused"):
            self.sync_scaling(d, rs_list)
            return
        if util.get_rollback_to(d) is not None:
            self.rollback(d, rs_list)
            return
        if self.is_scaling_event(d, rs_list):
            self.sync_scaling(d, rs_list)
            return
        kind = util.strategy_type(d)
        if kind == "Recreate":
            self.rollout_recreate(d, rs_list, pod_map)
        elif kind == "RollingUpdate":
            self.rollout_rolling(d, rs_list)
        else:
            raise ControllerError(f"unexpected deployment strategy type: {kind}")
