"""``rollout_steps``: the rolling update as a pure function, checked against the arithmetic by
hand and against the real controllers (Deployment + ReplicaSet + a kubelet that makes pods
ready at once), sync by sync."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from k8s_internals.client.client import ApiError
from k8s_internals.controllers.deployment import rollout_steps
from k8s_internals.controllers.deployment.controller import DeploymentController
from k8s_internals.controllers.deployment.util import max_surge, max_unavailable

from .helpers import Cluster, deployment, scaling_steps, set_image

STEPS = [
    # 10 replicas, 25% / 25%: surge ceil(2.5) = 3 (≤ 13 pods), unavailable floor(2.5) = 2
    # (≥ 8 available).
    #   sync 1: new RS created with min(13 - 10, 10) = 3; its 3 pods are not available yet,
    #           so old may lose 13 - 8 - 3 = 2                     → (10, 3), (8, 3)
    #   sync 2: 11 pods, 2 more allowed                             → (8, 5)
    #   sync 3: 13 available, 8 needed: old loses 5                 → (3, 5)
    #   sync 4: 8 pods: new grows by min(5, 10 - 5)                 → (3, 10)
    #   sync 5: 13 available: old loses its last 3                  → (0, 10)
    (10, "25%", "25%", [(10, 0), (10, 3), (8, 3), (8, 5), (3, 5), (3, 10), (0, 10)]),
    # 4 replicas, 25% / 25%: surge ceil(1) = 1 (≤ 5 pods), unavailable floor(1) = 1 (≥ 3)
    #   (4, 1) then (3, 1) in sync 1; (3, 2); 5 available - 3 → old loses 2: (1, 2);
    #   3 pods, +2: (1, 4); (0, 4)
    (4, "25%", "25%", [(4, 0), (4, 1), (3, 1), (3, 2), (1, 2), (1, 4), (0, 4)]),
    # 5 replicas, 30% / 10%: surge ceil(1.5) = 2, unavailable floor(0.5) = 0 → ≥ 5 available
    #   sync 1: new 2 (7 pods); 7 - 5 - 2 = 0: old stays          → (5, 2)
    #   sync 2: 7 available, old loses 2                           → (3, 2)
    (5, "30%", "10%", [(5, 0), (5, 2), (3, 2), (3, 4), (1, 4), (1, 5), (0, 5)]),
    # 3 replicas, 1 / 0: one extra pod at a time
    (3, 1, 0, [(3, 0), (3, 1), (2, 1), (2, 2), (1, 2), (1, 3), (0, 3)]),
    # 3 replicas, 0 / 1: one pod down at a time; the new RS is created with 0 (no room), old
    # loses 1 in the same sync
    (3, 0, 1, [(3, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2), (0, 3)]),
    # 2 replicas, 1% / 1%: ceil(0.02) = 1, floor(0.02) = 0 → like 1 / 0
    (2, "1%", "1%", [(2, 0), (2, 1), (1, 1), (1, 2), (0, 2)]),
    # 2 replicas, 0% / 1%: both round to 0, so maxUnavailable becomes 1 (ResolveFenceposts)
    (2, "0%", "1%", [(2, 0), (1, 0), (1, 1), (0, 1), (0, 2)]),
    # 10 replicas, 100% / 0: blue-green: all new pods first, then all old go
    (10, "100%", 0, [(10, 0), (10, 10), (0, 10)]),
    # 10 replicas, 0 / 100%: everything down at once, then everything up (like Recreate)
    (10, 0, "100%", [(10, 0), (0, 0), (0, 10)]),
]


@pytest.mark.parametrize(("replicas", "surge", "unavailable", "steps"), STEPS)
def test_rollout_steps_by_hand(replicas: int, surge: Any, unavailable: Any,
                               steps: list[tuple[int, int]]) -> None:
    assert rollout_steps(replicas, surge, unavailable) == steps


@pytest.mark.parametrize(("replicas", "surge", "unavailable"),
                         [(10, "25%", "25%"), (100, "25%", "25%"), (7, 2, 3), (1, 0, 1),
                          (6, "50%", "50%")])
def test_bounds_hold_at_every_step(replicas: int, surge: Any, unavailable: Any) -> None:
    d = {"spec": {"replicas": replicas, "strategy": {"type": "RollingUpdate", "rollingUpdate": {
        "maxSurge": surge, "maxUnavailable": unavailable}}}}
    steps = rollout_steps(replicas, surge, unavailable)
    assert steps[-1] == (0, replicas)
    for old, new in steps:
        assert old + new <= replicas + max_surge(d)
    # after each scale-down the pods that remain (all available in this model) are enough
    for (o1, _), (o2, n2) in itertools.pairwise(steps):
        if o2 < o1:
            assert o2 + n2 >= replicas - max_unavailable(d)


def _sync_until_stable(cluster: Cluster, dc: DeploymentController, key: str) -> None:
    """Sync the Deployment once, let the other components settle, repeat until a sync
    completes without error and without a scaling event."""
    for _ in range(100):
        before = len(cluster.events("ScalingReplicaSet"))
        try:
            dc.sync_handler(key)
            ok = True
        except ApiError:  # a write with a stale resourceVersion: retry, as the queue would
            ok = False
        cluster.settle()
        if ok and len(cluster.events("ScalingReplicaSet")) == before:
            return
    raise AssertionError("no steady state")


@pytest.mark.parametrize(("replicas", "surge", "unavailable"), [
    (10, "25%", "25%"), (4, "25%", "25%"), (5, "30%", "10%"), (3, 1, 0), (3, 0, 1),
    (2, "1%", "1%"), (2, "0%", "1%"), (10, "100%", 0), (10, 0, "100%"),
])
def test_rollout_steps_match_the_controllers(cluster: Cluster, replicas: int, surge: Any,
                                             unavailable: Any) -> None:
    cluster.start("replicaset")
    (dc,) = cluster.start("deployment", run=False)
    assert isinstance(dc, DeploymentController)
    a = cluster.admin
    a.create("deployments", deployment("web", replicas, max_surge=surge,
                                       max_unavailable=unavailable))
    cluster.settle()
    _sync_until_stable(cluster, dc, "default/web")
    (old,) = cluster.replica_sets()
    seen = len(cluster.events("ScalingReplicaSet"))
    set_image(a, "web", "nginx:1.28")
    cluster.settle()
    _sync_until_stable(cluster, dc, "default/web")
    messages = [e["message"] for e in cluster.events("ScalingReplicaSet")[seen:]]
    assert scaling_steps(messages, old["metadata"]["name"], replicas) == \
        rollout_steps(replicas, surge, unavailable)


def test_an_asynchronous_rollout_stays_within_bounds(cluster: Cluster) -> None:
    """With real timing (pods ready 2 s after creation, every controller running), the
    controller takes more, smaller steps than the instant model, but never leaves the bounds:
    at most 13 pods wanted, at least 8 available."""
    cluster.kubelet.delay = 2.0
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 10))
    cluster.settle()
    worst = {"max_total": 0, "min_available": 10}

    def watch(_: Any, __: Any = None) -> None:
        rss = cluster.factory.informer("replicasets").list("default")
        worst["max_total"] = max(worst["max_total"],
                                 sum(r["spec"]["replicas"] for r in rss))
        worst["min_available"] = min(worst["min_available"], sum(
            (r.get("status") or {}).get("availableReplicas", 0) for r in rss))

    cluster.factory.informer("replicasets").add_event_handler(on_update=watch)
    set_image(a, "web", "nginx:1.28")
    cluster.settle()
    assert worst == {"max_total": 13, "min_available": 8}
    rss = cluster.replica_sets()
    assert [r["spec"]["replicas"] for r in rss] == [0, 10]
