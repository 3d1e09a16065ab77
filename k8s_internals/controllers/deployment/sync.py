"""Deployment sync: the new ReplicaSet and its revision, scaling (proportional when several
ReplicaSets are active), history cleanup, status.

Upstream: ``pkg/controller/deployment/sync.go`` in kubernetes/kubernetes — ``syncStatusOnly``,
``sync``, ``checkPausedConditions``, ``getAllReplicaSetsAndSyncRevision``, ``getNewReplicaSet``
(the ``<deployment>-<pod-template-hash>`` name, hash collisions and ``status.collisionCount``,
the ``NewReplicaSetCreated`` / ``FoundNewReplicaSet`` / ``ReplicaSetCreateError`` conditions),
``scale`` (proportional scaling), ``scaleReplicaSetAndRecordEvent`` / ``scaleReplicaSet``
(``ScalingReplicaSet`` "Scaled up replica set %s from %d to %d"), ``cleanupDeployment``,
``syncDeploymentStatus``, ``calculateStatus``, ``isScalingEvent``.

Proportional scaling, for a Deployment scaled from 10 to 20 mid-rollout (maxSurge 2, so the
ReplicaSets were annotated ``max-replicas: 12``) with new RS 6 and old RS 6::

    allowed  = 20 + 2 = 22, current = 12         → 10 replicas to add
    new RS:  round(6 * 22 / 12) - 6 = round(11.0) - 6 = 5  → 11
    old RS:  min(5, 10 - 5) = 5                           → 11
    leftover 10 - 10 = 0 goes to the first (largest) RS

Scaling up, ties go to the newer RS first; scaling down, to the older one first.

Deviation kept on purpose, and why: upstream's deployments/status subresource persists
metadata.annotations (its status strategy only resets ``spec`` and ``metadata.labels``), which is
how the controller sets ``deployment.kubernetes.io/revision`` on the Deployment.
:meth:`SyncMixin.update_deployment_status` sends the status update as upstream does and, if the
API server dropped the annotation change, writes it with an update of the main resource.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from ...client.client import ApiError, Client
from ...client.informer import Informer
from ...client.record import EVENT_NORMAL, EVENT_WARNING, EventRecorder
from ...sim import Kernel
from ..controller_utils import (
    JSON,
    NAMESPACE_TERMINATING_CAUSE,
    compute_hash,
    filter_active_replica_sets,
    get_controller_of,
    has_status_cause,
    new_controller_ref,
    replica_sets_by_size_newer,
    replica_sets_by_size_older,
    with_type,
)
from . import util

__all__ = ["MAX_REV_HISTORY_LENGTH_IN_CHARS", "SyncMixin", "calculate_status", "wire_status"]

#: "limit revision history length to 100 element (~2000 chars)"
MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000

_STATUS_INTS = ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas",
                "availableReplicas", "unavailableReplicas")


def calculate_status(all_rss: list[JSON | None], new_rs: JSON | None, d: JSON, now: str) -> JSON:
    """``calculateStatus``: counts from the ReplicaSets (``replicas`` and ``updatedReplicas``
    from their status, ``unavailableReplicas`` = spec total - available, never negative), the
    existing conditions, and ``Available`` True/False against ``replicas - maxUnavailable``."""
    available = util.get_available_replica_count_for_replica_sets(all_rss)
    total = util.get_replica_count_for_replica_sets(all_rss)
    status: JSON = {
        "observedGeneration": int(d["metadata"].get("generation", 0) or 0),
        "replicas": util.get_actual_replica_count_for_replica_sets(all_rss),
        "updatedReplicas": util.get_actual_replica_count_for_replica_sets([new_rs]),
        "readyReplicas": util.get_ready_replica_count_for_replica_sets(all_rss),
        "availableReplicas": available,
        "unavailableReplicas": max(total - available, 0),
    }
    old = d.get("status") or {}
    if old.get("collisionCount") is not None:
        status["collisionCount"] = old["collisionCount"]
    status["conditions"] = [dict(c) for c in old.get("conditions") or []]
    if available >= util.replicas(d) - util.max_unavailable(d):
        cond = util.new_deployment_condition(
            util.DEPLOYMENT_AVAILABLE, "True", util.MINIMUM_REPLICAS_AVAILABLE,
            "Deployment has minimum availability.", now)
    else:
        cond = util.new_deployment_condition(
            util.DEPLOYMENT_AVAILABLE, "False", util.MINIMUM_REPLICAS_UNAVAILABLE,
            "Deployment does not have minimum availability.", now)
    util.set_deployment_condition(status, cond)
    return status


def normalize_status(status: Any) -> JSON:
    """A status with Go's zero values filled in, for ``reflect.DeepEqual``-like comparison."""
    status = dict(status or {})
    out: JSON = {k: int(status.get(k, 0) or 0) for k in _STATUS_INTS}
    out["conditions"] = list(status.get("conditions") or [])
    out["collisionCount"] = status.get("collisionCount")
    return out


def wire_status(status: JSON) -> JSON:
    """The status as Go's JSON encoder writes it: every field is ``omitempty``."""
    out: JSON = {}
    for k in _STATUS_INTS:
        if int(status.get(k, 0) or 0):
            out[k] = int(status[k])
    if status.get("conditions"):
        out["conditions"] = status["conditions"]
    if status.get("collisionCount") is not None:
        out["collisionCount"] = status["collisionCount"]
    return out


class SyncMixin:
    """The ``sync.go`` methods of :class:`~.controller.DeploymentController`."""

    client: Client
    kernel: Kernel
    recorder: EventRecorder
    rs_informer: Informer
    api_version = "apps/v1"
    kind = "Deployment"

    # -- writes --------------------------------------------------------------------------------

    def update_deployment_status(self, d: JSON) -> JSON:
        """``UpdateStatus(d)`` (``d`` keeps its resourceVersion, as upstream, so a second write
        in one sync may conflict and requeue). See the module docstring for the annotations."""
        body = dict(d)
        body["status"] = wire_status(d.get("status") or {})
        out = self.client.update_status("deployments", body)
        want = util.annotations(d)
        if util.annotations(out) != want:
            # the API server dropped the annotation change: PUT it (RBAC lets the controller
            # update deployments, not patch them)
            fixed = copy.deepcopy(out)
            fixed["metadata"]["annotations"] = want
            out = self.client.update("deployments", fixed)
        return out

    # -- entry points --------------------------------------------------------------------------

    def sync_status_only(self, d: JSON, rs_list: list[JSON]) -> None:
        """``syncStatusOnly``: status only (the Deployment is being deleted)."""
        new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(d, rs_list, False)
        self.sync_deployment_status([*old_rss, new_rs], new_rs, d)

    def sync_scaling(self, d: JSON, rs_list: list[JSON]) -> None:
        """``sync``: a scaling event or a paused Deployment — scale, clean up when paused,
        sync status. (Named ``sync_scaling`` here: ``sync`` is the controller's entry point.)"""
        new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(d, rs_list, False)
        self.scale(d, new_rs, old_rss)
        if (d.get("spec") or {}).get("paused") and util.get_rollback_to(d) is None:
            self.cleanup_deployment(old_rss, d)
        self.sync_deployment_status([*old_rss, new_rs], new_rs, d)

    def check_paused_conditions(self, d: JSON) -> None:
        """``checkPausedConditions``: Progressing=Unknown ``DeploymentPaused`` /
        ``DeploymentResumed``, so a long pause does not count against the deadline."""
        if not util.has_progress_deadline(d):
            return
        status = d.setdefault("status", {})
        cond = util.get_deployment_condition(status, util.DEPLOYMENT_PROGRESSING)
        if cond is not None and cond.get("reason") == util.TIMED_OUT_REASON:
            return  # "do not overwrite it with a paused condition"
        paused_cond_exists = cond is not None and cond.get("reason") == util.PAUSED_DEPLOY_REASON
        paused = bool((d.get("spec") or {}).get("paused"))
        now = self.kernel.timestamp()
        if paused and not paused_cond_exists:
            util.set_deployment_condition(status, util.new_deployment_condition(
                util.DEPLOYMENT_PROGRESSING, "Unknown", util.PAUSED_DEPLOY_REASON,
                "Deployment is paused", now))
        elif not paused and paused_cond_exists:
            util.set_deployment_condition(status, util.new_deployment_condition(
                util.DEPLOYMENT_PROGRESSING, "Unknown", util.RESUMED_DEPLOY_REASON,
                "Deployment is resumed", now))
        else:
            return
        self.update_deployment_status(d)

    # -- the new replica set -------------------------------------------------------------------

    def get_all_replica_sets_and_sync_revision(self, d: JSON, rs_list: list[JSON],
                                               create_if_not_existed: bool
                                               ) -> tuple[JSON | None, list[JSON]]:
        """``getAllReplicaSetsAndSyncRevision``: (new RS or None, all old RSes)."""
        _, all_old = util.find_old_replica_sets(d, rs_list)
        new_rs = self.get_new_replica_set(d, rs_list, all_old, create_if_not_existed)
        return new_rs, all_old

    def get_new_replica_set(self, d: JSON, rs_list: list[JSON], old_rss: list[JSON],
                            create_if_not_existed: bool) -> JSON | None:
        """``getNewReplicaSet``: find (and update the revision of) or create the new RS."""
        existing = util.find_new_replica_set(d, rs_list)
        new_revision = str(util.max_revision(old_rss) + 1)
        status = d.setdefault("status", {})
        now = self.kernel.timestamp()
        if existing is not None:
            rs_copy = copy.deepcopy(existing)
            annotations_updated = util.set_new_replica_set_annotations(
                d, rs_copy, new_revision, True, MAX_REV_HISTORY_LENGTH_IN_CHARS)
            min_ready = int((d.get("spec") or {}).get("minReadySeconds", 0) or 0)
            min_ready_needs_update = int(rs_copy["spec"].get("minReadySeconds", 0) or 0) != \
                min_ready
            if annotations_updated or min_ready_needs_update:
                if min_ready:
                    rs_copy["spec"]["minReadySeconds"] = min_ready
                else:
                    rs_copy["spec"].pop("minReadySeconds", None)
                return self.client.update("replicasets",
                                          with_type(rs_copy, "apps/v1", "ReplicaSet"))
            needs_update = util.set_deployment_revision(
                d, util.annotations(rs_copy).get(util.REVISION_ANNOTATION, ""))
            cond = util.get_deployment_condition(status, util.DEPLOYMENT_PROGRESSING)
            if util.has_progress_deadline(d) and cond is None:
                msg = f'Found new replica set "{rs_copy["metadata"]["name"]}"'
                util.set_deployment_condition(status, util.new_deployment_condition(
                    util.DEPLOYMENT_PROGRESSING, "True", util.FOUND_NEW_RS_REASON, msg, now))
                needs_update = True
            if needs_update:
                self.update_deployment_status(d)
            return rs_copy

        if not create_if_not_existed:
            return None

        # a new ReplicaSet: <deployment>-<hash of the template (and collisionCount)>
        template = copy.deepcopy((d.get("spec") or {}).get("template") or {})
        pod_template_hash = compute_hash(template, status.get("collisionCount"))
        template_labels = util.clone_and_add_label(
            (template.get("metadata") or {}).get("labels"),
            util.DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, pod_template_hash)
        template.setdefault("metadata", {})["labels"] = template_labels
        selector = util.clone_selector_and_add_label(
            (d.get("spec") or {}).get("selector"), util.DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY,
            pod_template_hash)
        meta = d["metadata"]
        name = f"{meta['name']}-{pod_template_hash}"
        new_rs: JSON = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {
                "name": name, "namespace": meta.get("namespace", ""),
                "ownerReferences": [new_controller_ref(d, self.api_version, self.kind)],
                "labels": dict(template_labels),
            },
            "spec": {"replicas": 0, "selector": selector, "template": template},
        }
        min_ready = int((d.get("spec") or {}).get("minReadySeconds", 0) or 0)
        if min_ready:
            new_rs["spec"]["minReadySeconds"] = min_ready
        new_replicas = util.new_rs_new_replicas(d, [*old_rss, new_rs], new_rs)
        new_rs["spec"]["replicas"] = new_replicas
        util.set_new_replica_set_annotations(d, new_rs, new_revision, False,
                                             MAX_REV_HISTORY_LENGTH_IN_CHARS)
        already_exists = False
        try:
            created = self.client.create("replicasets", new_rs, meta.get("namespace", ""))
        except ApiError as err:
            if err.code == 409 and err.reason == "AlreadyExists":
                # a slow cache, or a hash collision
                already_exists = True
                rs = self.rs_informer.get(f"{meta.get('namespace', '')}/{name}")
                if rs is None:
                    raise
                ref = get_controller_of(rs)
                if ref is not None and ref.get("uid") == meta.get("uid") and \
                        util.equal_ignore_hash(d["spec"]["template"], rs["spec"]["template"]):
                    created = rs
                else:
                    # a different template owns this name: bump collisionCount and retry later
                    status["collisionCount"] = int(status.get("collisionCount") or 0) + 1
                    with contextlib.suppress(ApiError):
                        self.update_deployment_status(d)
                    raise
            elif has_status_cause(err, NAMESPACE_TERMINATING_CAUSE):
                raise
            else:
                msg = f'Failed to create new replica set "{name}": {err}'
                if util.has_progress_deadline(d):
                    util.set_deployment_condition(status, util.new_deployment_condition(
                        util.DEPLOYMENT_PROGRESSING, "False", util.FAILED_RS_CREATE_REASON, msg,
                        now))
                    with contextlib.suppress(ApiError):
                        self.update_deployment_status(d)
                self.recorder.event(d, EVENT_WARNING, util.FAILED_RS_CREATE_REASON, msg)
                raise
        if not already_exists and new_replicas > 0:
            self.recorder.event(d, EVENT_NORMAL, "ScalingReplicaSet",
                                f"Scaled up replica set {created['metadata']['name']} "
                                f"from 0 to {new_replicas}")
        needs_update = util.set_deployment_revision(d, new_revision)
        if not already_exists and util.has_progress_deadline(d):
            msg = f'Created new replica set "{created["metadata"]["name"]}"'
            util.set_deployment_condition(status, util.new_deployment_condition(
                util.DEPLOYMENT_PROGRESSING, "True", util.NEW_REPLICA_SET_REASON, msg, now))
            needs_update = True
        if needs_update:
            self.update_deployment_status(d)
        return created

    # -- scaling -------------------------------------------------------------------------------

    def scale(self, d: JSON, new_rs: JSON | None, old_rss: list[JSON]) -> None:
        """``scale``: on a scaling event (or while paused) resize without hastening the
        rollout: one active RS takes it all; a saturated new RS empties the old ones; else
        every active RS gets its proportion (RollingUpdate only)."""
        n = util.replicas(d)
        active_or_latest = util.find_active_or_latest(new_rs, old_rss)
        if active_or_latest is not None:
            if util.replicas(active_or_latest) == n:
                return
            self.scale_replica_set_and_record_event(active_or_latest, n, d)
            return
        if util.is_saturated(d, new_rs):
            for old in filter_active_replica_sets(old_rss):
                self.scale_replica_set_and_record_event(old, 0, d)
            return
        if not util.is_rolling_update(d):
            return
        all_rss = filter_active_replica_sets([*old_rss, new_rs])
        all_replicas = util.get_replica_count_for_replica_sets(all_rss)
        allowed_size = n + util.max_surge(d) if n > 0 else 0
        to_add = allowed_size - all_replicas
        operation = ""
        if to_add > 0:
            all_rss = replica_sets_by_size_newer(all_rss)
            operation = "up"
        elif to_add < 0:
            all_rss = replica_sets_by_size_older(all_rss)
            operation = "down"
        added = 0
        name_to_size: dict[str, int] = {}
        for rs in all_rss:
            if to_add != 0:
                proportion = util.get_replica_set_proportion(rs, d, to_add, added)
                name_to_size[rs["metadata"]["name"]] = util.replicas(rs) + proportion
                added += proportion
            else:
                name_to_size[rs["metadata"]["name"]] = util.replicas(rs)
        for i, rs in enumerate(all_rss):
            rs_name = rs["metadata"]["name"]
            if i == 0 and to_add != 0:
                # "Add/remove any leftovers to the largest replica set."
                name_to_size[rs_name] = max(name_to_size[rs_name] + to_add - added, 0)
            self.scale_replica_set(rs, name_to_size[rs_name], d, operation)

    def scale_replica_set_and_record_event(self, rs: JSON, new_scale: int,
                                           d: JSON) -> tuple[bool, JSON]:
        """``scaleReplicaSetAndRecordEvent``: (scaled?, the RS after the write)."""
        if util.replicas(rs) == new_scale:
            return False, rs
        operation = "up" if util.replicas(rs) < new_scale else "down"
        return self.scale_replica_set(rs, new_scale, d, operation)

    def scale_replica_set(self, rs: JSON, new_scale: int, d: JSON,
                          operation: str) -> tuple[bool, JSON]:
        """``scaleReplicaSet``: write the size and the replica annotations; record
        ``ScalingReplicaSet`` when the size changed."""
        size_needs_update = util.replicas(rs) != new_scale
        desired = util.replicas(d)
        max_replicas = desired + util.max_surge(d)
        annotations_need_update = util.replicas_annotations_need_update(rs, desired, max_replicas)
        if not (size_needs_update or annotations_need_update):
            return False, rs
        old_scale = util.replicas(rs)
        rs_copy = with_type(copy.deepcopy(rs), "apps/v1", "ReplicaSet")
        rs_copy["spec"]["replicas"] = new_scale
        util.set_replicas_annotations(rs_copy, desired, max_replicas)
        updated = self.client.update("replicasets", rs_copy)
        if size_needs_update:
            self.recorder.event(d, EVENT_NORMAL, "ScalingReplicaSet",
                                f"Scaled {operation} replica set {updated['metadata']['name']} "
                                f"from {old_scale} to {new_scale}")
            return True, updated
        return False, updated

    # -- history and status --------------------------------------------------------------------

    def cleanup_deployment(self, old_rss: list[JSON], d: JSON) -> None:
        """``cleanupDeployment``: delete the oldest empty old RSes beyond
        ``revisionHistoryLimit`` (never one with replicas, an unobserved generation, or already
        being deleted)."""
        if not util.has_revision_history_limit(d):
            return
        cleanable = [rs for rs in old_rss if rs is not None
                     and not rs["metadata"].get("deletionTimestamp")]
        diff = len(cleanable) - int(d["spec"]["revisionHistoryLimit"])
        if diff <= 0:
            return
        cleanable = util.replica_sets_by_revision(cleanable)
        for rs in cleanable[:diff]:
            if util.status_int(rs, "replicas") != 0 or util.replicas(rs) != 0 or \
                    int(rs["metadata"].get("generation", 0) or 0) > \
                    util.status_int(rs, "observedGeneration") or \
                    rs["metadata"].get("deletionTimestamp"):
                continue
            try:
                self.client.delete("replicasets", rs["metadata"]["name"],
                                   rs["metadata"].get("namespace", ""))
            except ApiError as err:
                if err.code != 404:
                    raise

    def sync_deployment_status(self, all_rss: list[JSON | None], new_rs: JSON | None,
                               d: JSON) -> None:
        """``syncDeploymentStatus``: write the calculated status if it changed."""
        new_status = calculate_status(all_rss, new_rs, d, self.kernel.timestamp())
        if normalize_status(d.get("status")) == normalize_status(new_status):
            return
        d["status"] = new_status
        self.update_deployment_status(d)

    def is_scaling_event(self, d: JSON, rs_list: list[JSON]) -> bool:
        """``isScalingEvent``: an active RS's desired-replicas annotation differs from
        ``spec.replicas``."""
        new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(d, rs_list, False)
        for rs in filter_active_replica_sets([*old_rss, new_rs]):
            desired = util.get_desired_replicas_annotation(rs)
            if desired is None:
                continue
            if desired != util.replicas(d):
                return True
        return False
