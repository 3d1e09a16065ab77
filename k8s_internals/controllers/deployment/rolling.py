"""The RollingUpdate strategy: grow the new ReplicaSet within ``maxSurge``, shrink the old ones
within ``maxUnavailable``.

Upstream: ``pkg/controller/deployment/rolling.go`` in kubernetes/kubernetes —
``rolloutRolling``, ``reconcileNewReplicaSet``, ``reconcileOldReplicaSets``,
``cleanupUnhealthyReplicas``, ``scaleDownOldReplicaSetsForRollingUpdate``.

One sync does at most one of "scale up" or "scale down" (then writes the status)::

    scale up:    new = NewRSNewReplicas  (total may reach replicas + maxSurge)
    scale down:  maxScaledDown = allPods - minAvailable - (new RS pods not yet available)
                 1. old RSes with unavailable pods lose those first (they add no availability)
                 2. then old RSes, oldest first, lose up to available - minAvailable

Upstream's worked example (10 replicas, maxUnavailable 2, maxSurge 3): the new RS is created
with 3 (13 pods); its pods are not available yet, so ``13 - 8 - 3 = 2`` old pods may go → 8 old
+ 3 new. If the new pods never become available, nothing more happens; a rollback to the good RS
then frees ``13 - 8 - 1 = 4`` crash-looping pods.
"""

from __future__ import annotations

from ..controller_utils import JSON, ControllerError, filter_active_replica_sets
from ..controller_utils import replica_sets_by_creation_timestamp as by_creation
from . import util
from .progress import ProgressMixin

__all__ = ["RollingMixin"]


class RollingMixin(ProgressMixin):
    """The ``rolling.go`` methods of :class:`~.controller.DeploymentController`."""

    def rollout_rolling(self, d: JSON, rs_list: list[JSON]) -> None:
        """``rolloutRolling``."""
        new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(d, rs_list, True)
        all_rss = [*old_rss, new_rs]
        if self.reconcile_new_replica_set(all_rss, new_rs, d):
            self.sync_rollout_status(all_rss, new_rs, d)
            return
        if self.reconcile_old_replica_sets(all_rss, filter_active_replica_sets(old_rss),
                                           new_rs, d):
            self.sync_rollout_status(all_rss, new_rs, d)
            return
        if util.deployment_complete(d, d.get("status") or {}):
            self.cleanup_deployment(old_rss, d)
        self.sync_rollout_status(all_rss, new_rs, d)

    def reconcile_new_replica_set(self, all_rss: list[JSON | None], new_rs: JSON | None,
                                  d: JSON) -> bool:
        """``reconcileNewReplicaSet``: scale the new RS down to ``spec.replicas`` if above,
        else up as far as the surge allows. Returns whether it scaled."""
        assert new_rs is not None
        n = util.replicas(d)
        if util.replicas(new_rs) == n:
            return False
        if util.replicas(new_rs) > n:
            scaled, _ = self.scale_replica_set_and_record_event(new_rs, n, d)
            return bool(scaled)
        new_count = util.new_rs_new_replicas(d, all_rss, new_rs)
        scaled, _ = self.scale_replica_set_and_record_event(new_rs, new_count, d)
        return bool(scaled)

    def reconcile_old_replica_sets(self, all_rss: list[JSON | None], old_rss: list[JSON],
                                   new_rs: JSON | None, d: JSON) -> bool:
        """``reconcileOldReplicaSets``: see the module docstring. Returns whether it scaled."""
        assert new_rs is not None
        if util.get_replica_count_for_replica_sets(old_rss) == 0:
            return False  # "Can't scale down further"
        all_pods = util.get_replica_count_for_replica_sets(all_rss)
        min_available = util.replicas(d) - util.max_unavailable(d)
        new_unavailable = util.replicas(new_rs) - util.status_int(new_rs, "availableReplicas")
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        # "Clean up unhealthy replicas first, otherwise unhealthy replicas will block
        # deployment and cause timeout."
        try:
            old_rss, cleanup_count = self.cleanup_unhealthy_replicas(old_rss, d, max_scaled_down)
        except Exception:
            return False  # upstream: "return false, nil"
        try:
            scaled_down = self.scale_down_old_replica_sets_for_rolling_update(
                [*old_rss, new_rs], old_rss, d)
        except Exception:
            return False
        return cleanup_count + scaled_down > 0

    def cleanup_unhealthy_replicas(self, old_rss: list[JSON], d: JSON,
                                   max_cleanup_count: int) -> tuple[list[JSON], int]:
        """``cleanupUnhealthyReplicas``: oldest first, drop each old RS's unavailable pods
        (the RS controller deletes not-ready pods first), up to ``max_cleanup_count``."""
        old_rss = by_creation(old_rss)
        total = 0
        for i, rs in enumerate(old_rss):
            if total >= max_cleanup_count:
                break
            if util.replicas(rs) == 0:
                continue
            available = util.status_int(rs, "availableReplicas")
            if util.replicas(rs) == available:
                continue  # no unhealthy replicas
            scaled_down = min(max_cleanup_count - total, util.replicas(rs) - available)
            new_count = util.replicas(rs) - scaled_down
            if new_count > util.replicas(rs):
                raise ControllerError(
                    "when cleaning up unhealthy replicas, got invalid request to scale down "
                    f"{rs['metadata'].get('namespace')}/{rs['metadata']['name']} "
                    f"{util.replicas(rs)} -> {new_count}")
            _, updated = self.scale_replica_set_and_record_event(rs, new_count, d)
            total += scaled_down
            old_rss[i] = updated
        return old_rss, total

    def scale_down_old_replica_sets_for_rolling_update(self, all_rss: list[JSON | None],
                                                       old_rss: list[JSON], d: JSON) -> int:
        """``scaleDownOldReplicaSetsForRollingUpdate``: remove ``available - minAvailable``
        pods from the old RSes, oldest first."""
        min_available = util.replicas(d) - util.max_unavailable(d)
        available = util.get_available_replica_count_for_replica_sets(all_rss)
        if available <= min_available:
            return 0
        total_scaled_down = 0
        total_to_scale_down = available - min_available
        for rs in by_creation(old_rss):
            if total_scaled_down >= total_to_scale_down:
                break
            if util.replicas(rs) == 0:
                continue
            count = min(util.replicas(rs), total_to_scale_down - total_scaled_down)
            new_count = util.replicas(rs) - count
            if new_count > util.replicas(rs):
                raise ControllerError(
                    "when scaling down old RS, got invalid request to scale down "
                    f"{rs['metadata'].get('namespace')}/{rs['metadata']['name']} "
                    f"{util.replicas(rs)} -> {new_count}")
            self.scale_replica_set_and_record_event(rs, new_count, d)
            total_scaled_down += count
        return total_scaled_down
