"""Rollout progress: the ``Progressing`` condition and ``progressDeadlineSeconds``.

Upstream: ``pkg/controller/deployment/progress.go`` in kubernetes/kubernetes —
``syncRolloutStatus``, ``getReplicaFailures``, ``requeueStuckDeployment``.

The ``Progressing`` condition over one rollout (for Deployment ``web``, new RS
``web-<hash>``)::

    True  NewReplicaSetCreated      Created new replica set "web-<hash>"
    True  ReplicaSetUpdated         ReplicaSet "web-<hash>" is progressing.
          (lastUpdateTime moves each time pods are added, become ready or available, or old
           pods go away; lastTransitionTime stays)
    True  NewReplicaSetAvailable    ReplicaSet "web-<hash>" has successfully progressed.
 or False ProgressDeadlineExceeded  ReplicaSet "web-<hash>" has timed out progressing.
          when lastUpdateTime + progressDeadlineSeconds passes without progress

While no progress is seen the Deployment is requeued for the moment the deadline passes
(``lastUpdateTime + progressDeadlineSeconds - now``, plus one second against clock skew), so the
timeout shows up even if nothing else happens. A ``ReplicaFailure`` condition of a ReplicaSet
(e.g. pods forbidden by a quota) is copied to the Deployment.

Faithful, and surprising: a Deployment that completed (``NewReplicaSetAvailable``) and then
loses availability — a pod stops being ready, or is stuck ``Terminating`` on an unreachable
node while its replacement starts — is not complete, not timed out, and past
``lastUpdateTime + progressDeadlineSeconds``; so every sync requeues it *now*, rate limited.
The worker's ``Forget`` after the successful sync resets the per-item backoff, so only the
token bucket of client-go's default controller rate limiter (10 qps, burst 100) paces it:
upstream re-syncs such a Deployment ~10 times a second too, writing nothing, until it is
available again (tests/controllers/workloads/test_deployment.py shows the rate).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...client.workqueue import RateLimitingQueue
from ..controller_utils import JSON, parse_time
from . import util
from .sync import SyncMixin, calculate_status, normalize_status

__all__ = ["ProgressMixin", "get_replica_failures"]


def get_replica_failures(all_rss: list[JSON | None], new_rs: JSON | None) -> list[JSON]:
    """``getReplicaFailures``: the new RS's ``ReplicaFailure`` conditions, else the old ones',
    as Deployment conditions."""
    def failures(rs: JSON | None) -> list[JSON]:
        if rs is None:
            return []
        return [util.replica_set_to_deployment_condition(c)
                for c in (rs.get("status") or {}).get("conditions") or []
                if c.get("type") == "ReplicaFailure"]
    conds = failures(new_rs)
    if conds:
        return conds
    return [c for rs in all_rss for c in failures(rs)]


class ProgressMixin(SyncMixin):
    """The ``progress.go`` methods of :class:`~.controller.DeploymentController`."""

    queue: RateLimitingQueue[str]
    enqueue_after: Callable[..., None]

    def sync_rollout_status(self, all_rss: list[JSON | None], new_rs: JSON | None,
                            d: JSON) -> None:
        """``syncRolloutStatus``: the status, plus the Progressing condition when a deadline
        is set and the latest rollout is not known complete."""
        now = self.kernel.timestamp()
        new_status = calculate_status(all_rss, new_rs, d, now)
        if not util.has_progress_deadline(d):
            util.remove_deployment_condition(new_status, util.DEPLOYMENT_PROGRESSING)
        current = util.get_deployment_condition(d.get("status") or {},
                                                util.DEPLOYMENT_PROGRESSING)
        is_complete = (int(new_status.get("replicas", 0)) ==
                       int(new_status.get("updatedReplicas", 0))
                       and current is not None
                       and current.get("reason") == util.NEW_RS_AVAILABLE_REASON)
        rs_name = new_rs["metadata"]["name"] if new_rs is not None else None
        name = d["metadata"]["name"]
        if util.has_progress_deadline(d) and not is_complete:
            if util.deployment_complete(d, new_status):
                msg = (f'ReplicaSet "{rs_name}" has successfully progressed.' if rs_name
                       else f'Deployment "{name}" has successfully progressed.')
                util.set_deployment_condition(new_status, util.new_deployment_condition(
                    util.DEPLOYMENT_PROGRESSING, "True", util.NEW_RS_AVAILABLE_REASON, msg, now))
            elif util.deployment_progressing(d, new_status):
                msg = (f'ReplicaSet "{rs_name}" is progressing.' if rs_name
                       else f'Deployment "{name}" is progressing.')
                cond = util.new_deployment_condition(
                    util.DEPLOYMENT_PROGRESSING, "True", util.REPLICA_SET_UPDATED_REASON, msg, now)
                # same reason, new lastUpdateTime: SetDeploymentCondition would skip it
                if current is not None:
                    if current.get("status") == "True":
                        cond["lastTransitionTime"] = current.get("lastTransitionTime")
                    util.remove_deployment_condition(new_status, util.DEPLOYMENT_PROGRESSING)
                util.set_deployment_condition(new_status, cond)
            elif util.deployment_timed_out(d, new_status, self.kernel.datetime().timestamp()):
                msg = (f'ReplicaSet "{rs_name}" has timed out progressing.' if rs_name
                       else f'Deployment "{name}" has timed out progressing.')
                util.set_deployment_condition(new_status, util.new_deployment_condition(
                    util.DEPLOYMENT_PROGRESSING, "False", util.TIMED_OUT_REASON, msg, now))
        failures = get_replica_failures(all_rss, new_rs)
        if failures:
            util.set_deployment_condition(new_status, failures[0])
        else:
            util.remove_deployment_condition(new_status, util.DEPLOYMENT_REPLICA_FAILURE)
        if normalize_status(d.get("status")) == normalize_status(new_status):
            self.requeue_stuck_deployment(d, new_status)
            return
        d["status"] = new_status
        self.update_deployment_status(d)

    def requeue_stuck_deployment(self, d: JSON, new_status: JSON) -> float:
        """``requeueStuckDeployment``: seconds until the progress check (0: now, rate limited;
        -1: no check needed), after scheduling it."""
        current = util.get_deployment_condition(d.get("status") or {},
                                                util.DEPLOYMENT_PROGRESSING)
        if not util.has_progress_deadline(d) or current is None:
            return -1.0
        if util.deployment_complete(d, new_status) or \
                current.get("reason") == util.TIMED_OUT_REASON:
            return -1.0
        last = parse_time(current.get("lastUpdateTime")) or 0.0
        after = last + int(d["spec"]["progressDeadlineSeconds"]) - \
            self.kernel.datetime().timestamp()
        key = _key(d)
        if after < 1:
            self.queue.add_rate_limited(key)
            return 0.0
        # "Add a second to avoid milliseconds skew in AddAfter."
        self.enqueue_after(key, after + 1, check=True)
        return after


def _key(d: Any) -> str:
    meta = d["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"
