"""A rolling update as a pure function, for the chapter and its exercises.

:func:`rollout_steps` replays what :class:`~.controller.DeploymentController` does for a
RollingUpdate from one old ReplicaSet to a new one, when every pod becomes available the moment
it is created: each *sync* of the Deployment does one of

1. create the new ReplicaSet, sized by ``NewRSNewReplicas`` (in the same sync the old RS may
   then shrink — but the new RS was just created, so none of its pods counts as available yet);
2. grow the new ReplicaSet up to ``replicas + maxSurge`` pods in total (``reconcileNewReplicaSet``);
3. shrink the old ReplicaSet while ``available - (replicas - maxUnavailable)`` allows
   (``reconcileOldReplicaSets``),

and between two syncs the ReplicaSet controller makes every RS's pods exist and be available.
The arithmetic is the controller's own (:mod:`.util`); ``tests/controllers/workloads`` checks the
result against the real controllers, sync by sync.

>>> rollout_steps(10, "25%", "25%")    # surge ceil(2.5)=3, unavailable floor(2.5)=2
[(10, 0), (10, 3), (8, 3), (8, 5), (3, 5), (3, 10), (0, 10)]
>>> rollout_steps(3, 1, 0)             # one extra pod at a time, never below 3 available
[(3, 0), (3, 1), (2, 1), (2, 2), (1, 2), (1, 3), (0, 3)]
>>> rollout_steps(3, 0, 1)             # one pod down at a time, never above 3 pods
[(3, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2), (0, 3)]
"""

from __future__ import annotations

from typing import Any

from . import util

__all__ = ["rollout_steps"]


def _deployment(replicas: int, max_surge: Any, max_unavailable: Any) -> dict[str, Any]:
    return {"metadata": {}, "spec": {"replicas": replicas, "strategy": {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": max_surge, "maxUnavailable": max_unavailable}}}}


def _rs(n: int, available: int) -> dict[str, Any]:
    return {"spec": {"replicas": n}, "status": {"availableReplicas": available}}


def rollout_steps(replicas: int, max_surge: int | str = "25%",
                  max_unavailable: int | str = "25%", *,
                  old_replicas: int | None = None,
                  max_syncs: int = 1000) -> list[tuple[int, int]]:
    """The (old RS, new RS) ``spec.replicas`` after each scaling the controller does, starting
    from ``(old_replicas, 0)`` (``old_replicas`` defaults to ``replicas``)."""
    d = _deployment(replicas, max_surge, max_unavailable)
    old = replicas if old_replicas is None else old_replicas
    new: int | None = None
    steps = [(old, 0)]
    for _ in range(max_syncs):
        changed = False
        if new is None:
            # getNewReplicaSet: create it; its status is still empty in this sync
            new = util.new_rs_new_replicas(d, [_rs(old, old), _rs(0, 0)], _rs(0, 0))
            new_available = 0
            changed = True
            if new > 0:
                steps.append((old, new))
        else:
            new_available = new  # available the moment they exist
        new_rs, old_rs = _rs(new, new_available), _rs(old, old)
        # reconcileNewReplicaSet
        if new != replicas:
            target = replicas if new > replicas else util.new_rs_new_replicas(
                d, [old_rs, new_rs], new_rs)
            if target != new:
                new = target
                steps.append((old, new))
                continue
        # reconcileOldReplicaSets (no unhealthy old pods to clean up: all are available)
        if old > 0:
            min_available = replicas - util.max_unavailable(d)
            max_scaled_down = (old + new) - min_available - (new - new_available)
            available = old + new_available
            if max_scaled_down > 0 and available > min_available:
                old -= min(old, available - min_available)
                steps.append((old, new))
                continue
        if not changed:
            return steps
    raise RuntimeError(f"no steady state after {max_syncs} syncs (stuck rollout)")
