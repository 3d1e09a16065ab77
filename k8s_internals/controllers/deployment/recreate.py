"""The Recreate strategy: scale every old ReplicaSet to 0, wait until no old pod runs, then
create (or scale up) the new ReplicaSet to ``spec.replicas``.

Upstream: ``pkg/controller/deployment/recreate.go`` in kubernetes/kubernetes —
``rolloutRecreate``, ``scaleDownOldReplicaSetsForRecreate``, ``oldPodsRunning``,
``scaleUpNewReplicaSetForRecreate``. The controller's ``deletePod`` handler wakes a Recreate
Deployment when its last pod is gone (:mod:`.controller`).

Sequence for 3 replicas, image change::

    sync 1: old RS 3 → 0                      ("Scaled down replica set web-<old> from 3 to 0")
    (pods terminate; while any old pod is not Succeeded/Failed, nothing else happens)
    sync n: new RS created with 3             ("Scaled up replica set web-<new> from 0 to 3")

Unlike RollingUpdate there is downtime, and never two versions running at once.
"""

from __future__ import annotations

from ..controller_utils import JSON, filter_active_replica_sets
from . import util
from .progress import ProgressMixin

__all__ = ["RecreateMixin", "old_pods_running"]


def old_pods_running(new_rs: JSON | None, old_rss: list[JSON],
                     pod_map: dict[str, list[JSON]]) -> bool:
    """``oldPodsRunning``: an old RS still reports pods, or a pod of an old RS is in any phase
    but ``Succeeded``/``Failed`` (``Unknown`` counts as running)."""
    if util.get_actual_replica_count_for_replica_sets(old_rss) > 0:
        return True
    new_uid = new_rs["metadata"]["uid"] if new_rs is not None else None
    for rs_uid, pods in pod_map.items():
        if rs_uid == new_uid:
            continue
        for pod in pods:
            if (pod.get("status") or {}).get("phase") in ("Failed", "Succeeded"):
                continue
            return True
    return False


class RecreateMixin(ProgressMixin):
    """The ``recreate.go`` methods of :class:`~.controller.DeploymentController`."""

    def rollout_recreate(self, d: JSON, rs_list: list[JSON],
                         pod_map: dict[str, list[JSON]]) -> None:
        """``rolloutRecreate``."""
        # "Don't create a new RS if not already existed, so that we avoid scaling up before
        # scaling down."
        new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(d, rs_list, False)
        all_rss: list[JSON | None] = [*old_rss, new_rs]
        active_old = filter_active_replica_sets(old_rss)
        if self.scale_down_old_replica_sets_for_recreate(active_old, d):
            self.sync_rollout_status(all_rss, new_rs, d)
            return
        if old_pods_running(new_rs, old_rss, pod_map):
            self.sync_rollout_status(all_rss, new_rs, d)
            return
        if new_rs is None:
            new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(d, rs_list, True)
            all_rss = [*old_rss, new_rs]
        assert new_rs is not None
        self.scale_replica_set_and_record_event(new_rs, util.replicas(d), d)
        if util.deployment_complete(d, d.get("status") or {}):
            self.cleanup_deployment(old_rss, d)
        self.sync_rollout_status(all_rss, new_rs, d)

    def scale_down_old_replica_sets_for_recreate(self, old_rss: list[JSON], d: JSON) -> bool:
        """``scaleDownOldReplicaSetsForRecreate``: every old RS to 0."""
        scaled = False
        for i, rs in enumerate(old_rss):
            if util.replicas(rs) == 0:
                continue
            did, updated = self.scale_replica_set_and_record_event(rs, 0, d)
            if did:
                old_rss[i] = updated
                scaled = True
        return scaled
