"""RolloutTimeline: old and new ReplicaSets' replica counts over time, from store writes."""

from __future__ import annotations

from typing import Any

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.sim import Kernel
from k8s_internals.widgets import RolloutTimeline
from tests.controllers.workloads.helpers import Cluster, deployment

JSON = dict[str, Any]


def replica_set(admin: Client, dep: JSON, name: str, replicas: int, revision: str) -> JSON:
    ref = {"apiVersion": "apps/v1", "kind": "Deployment", "name": dep["metadata"]["name"],
           "uid": dep["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}
    return admin.create("replicasets", {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default", "ownerReferences": [ref],
                     "annotations": {"deployment.kubernetes.io/revision": revision}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}},
        "default")


def scale(admin: Client, name: str, replicas: int, ready: int | None = None) -> None:
    rs = admin.get("replicasets", name, "default")
    rs["spec"]["replicas"] = replicas
    rs = admin.update("replicasets", rs)
    if ready is not None:
        rs["status"] = {"replicas": replicas, "readyReplicas": ready,
                        "availableReplicas": ready}
        admin.update_status("replicasets", rs)


def test_samples_from_hand_made_writes(api: APIServer, admin: Client, kernel: Kernel) -> None:
    dep = admin.create("deployments", deployment("web", 3), "default")
    old = replica_set(admin, dep, "web-old", 3, "1")
    scale(admin, "web-old", 3, ready=3)
    kernel.run_for(5)
    view = RolloutTimeline(api, "web")
    assert [(s.replicaset, s.desired, s.ready) for s in view.samples] == [("web-old", 3, 3)]
    replica_set(admin, dep, "web-new", 1, "2")
    kernel.run_for(5)
    scale(admin, "web-new", 1, ready=1)
    scale(admin, "web-old", 2, ready=2)
    kernel.run_for(5)
    scale(admin, "web-new", 3, ready=3)
    scale(admin, "web-old", 0, ready=0)
    kernel.run_for(5)
    admin.delete("replicasets", "web-old", "default")
    assert old["metadata"]["name"] == "web-old"
    assert view.order() == ["web-old", "web-new"]
    assert view.role("web-new") == "new" and view.role("web-old") == "old"
    assert view.series() == {
        "web-old": [(5.0, 3, 3), (10.0, 2, 2), (15.0, 0, 0), (20.0, 0, 0)],
        "web-new": [(5.0, 1, 0), (10.0, 1, 1), (15.0, 3, 3)],
    }
    assert view.samples[-1].deleted
    text = view.to_text()
    assert "web-new (new, rev 2)" in text and "web-old (old, rev 1) deleted" in text
    svg = view.chart_svg()
    assert svg.startswith("<svg") and "web-old desired" in svg and "web-new ready" in svg


def test_only_the_deployments_replicasets(api: APIServer, admin: Client) -> None:
    dep = admin.create("deployments", deployment("web", 1), "default")
    other = admin.create("deployments", deployment("api", 1), "default")
    view = RolloutTimeline(api, "web")
    replica_set(admin, other, "api-1", 1, "1")
    replica_set(admin, dep, "web-1", 1, "1")
    assert view.order() == ["web-1"]


def test_a_real_rollout(api: APIServer, admin: Client, kernel: Kernel) -> None:
    """The deployment and replicaset controllers roll nginx:1.27 → 1.28 (maxSurge 1,
    maxUnavailable 0): the new ReplicaSet grows one at a time as the old one shrinks."""
    cluster = Cluster(api, admin, kernel)
    try:
        cluster.start("deployment", "replicaset")
        view = RolloutTimeline(api, "web")
        view.widget  # noqa: B018 - a displayed view refreshes as the kernel runs
        admin.create("deployments", deployment("web", 3, max_surge=1, max_unavailable=0),
                     "default")
        cluster.settle()
        cluster.set_image("web", "nginx:1.28")
        old, new = view.order()
        series = view.series()
        assert series[old][-1][1:] == (0, 0) and series[new][-1][1:] == (3, 3)
        desired_new = [d for _, d, _ in series[new]]
        assert desired_new == sorted(desired_new) and set(desired_new) >= {1, 2, 3}
        # never more than 4 (3 + maxSurge) desired at once
        times = sorted({t for pts in series.values() for t, _, _ in pts})

        def at(name: str, t: float) -> int:
            value = 0
            for ts, d, _ in series[name]:
                if ts <= t:
                    value = d
            return value

        assert max(at(old, t) + at(new, t) for t in times) <= 4
        assert "web" in view._chart.value
    finally:
        cluster.stop()
