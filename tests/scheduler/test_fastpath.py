"""The fast path against the reference: on random clusters and pod streams, the same seed must
give the same placements, the same failures (messages) and the same explain records, with the
fast path on and off."""

from __future__ import annotations

import random
from typing import Any

import pytest

from k8s_internals.scheduler import Scheduler
from k8s_internals.scheduler.fastpath import find_window
from k8s_internals.sim import Kernel

from .helpers import make_node, make_pod


class NoopBinder:
    """Binds without an API server (the pod stays assumed in the cache)."""

    name = "NoopBinder"

    def bind(self, state: Any, pod: dict, node: str) -> None:
        return None


CONFIG = {"profiles": [{"plugins": {"multiPoint": {"disabled": [{"name": "DefaultBinder"}]},
                                    "bind": {"enabled": [{"name": "NoopBinder"}]}}}]}


def _cluster(rng: random.Random, n: int) -> list[dict]:
    nodes = []
    for i in range(n):
        taints = []
        if rng.random() < 0.15:
            taints.append({"key": "dedicated", "value": rng.choice(["a", "b"]),
                           "effect": rng.choice(["NoSchedule", "PreferNoSchedule"])})
        labels = {"kubernetes.io/hostname": f"n{i}", "disk": rng.choice(["ssd", "hdd"]),
                  "topology.kubernetes.io/zone": rng.choice(["z1", "z2", "z3"])}
        images = [(["nginx:1.27"], 150 * 1024 * 1024)] if rng.random() < 0.3 else []
        nodes.append(make_node(
            f"n{i}", {"cpu": rng.choice(["1", "2", "4"]), "memory": rng.choice(["1Gi", "4Gi"]),
                      "pods": rng.choice(["3", "10", "110"])},
            labels=labels, taints=taints, unschedulable=rng.random() < 0.05, images=images))
    return nodes


def _templates() -> list[dict[str, Any]]:
    tol = [{"key": "dedicated", "operator": "Equal", "value": "a", "effect": "NoSchedule"}]
    pref = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 10, "preference": {"matchExpressions": [
            {"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}
    return [
        {"reqs": [{"cpu": "100m", "memory": "100Mi"}]},
        {"reqs": [{"cpu": "500m", "memory": "512Mi"}], "tolerations": tol},
        {"reqs": [{}], "images": ["nginx:1.27"]},
        {"reqs": [{"cpu": "1"}], "node_selector": {"disk": "ssd"}},
        {"reqs": [{"cpu": "200m"}], "affinity": pref},
        {"reqs": [{"cpu": "100m"}], "host_ports": [8080]},
        {"reqs": [{"cpu": "3", "memory": "3Gi"}]},
        {"reqs": [{"cpu": "16"}]},                  # never fits: a FitError every time
    ]


def _add_token_volume(pod: dict, rng: random.Random) -> None:
    """What the ServiceAccount admission plugin adds: a projected volume with a random name,
    mounted in every container."""
    name = "kube-api-access-" + "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789")
                                        for _ in range(5))
    spec = pod["spec"]
    spec.setdefault("volumes", []).append({"name": name, "projected": {"sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}})
    if rng.random() < 0.2:   # some pods also have an ordinary volume
        spec["volumes"].append({"name": "scratch", "emptyDir": {}})
    for c in spec.get("containers") or ():
        c.setdefault("volumeMounts", []).append(
            {"name": name, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
             "readOnly": True})


def _run(seed: int, fast: bool, n_nodes: int, n_pods: int,
         token_volumes: bool = False) -> list[tuple]:
    rng = random.Random(seed)
    nodes = _cluster(rng, n_nodes)
    templates = _templates()
    pods = [make_pod(f"p{i}", *t["reqs"], **{k: v for k, v in t.items() if k != "reqs"})
            for i, t in enumerate(rng.choice(templates) for _ in range(n_pods))]
    if token_volumes:
        for pod in pods:
            _add_token_volume(pod, rng)
    k = Kernel(seed)
    sched = Scheduler(None, k, CONFIG, plugins={"NoopBinder": NoopBinder}, fast_path=fast)
    for node in nodes:
        sched.cache.add_node(node)
    decisions: list[tuple] = []
    sched.observers.append(lambda a: decisions.append(
        (a.pod, a.result, a.selected_node, a.message, a.evaluated_nodes, a.feasible_nodes,
         a.annotations().get("k8s-internals.io/finalscore-result", ""))))
    sched.run()
    for i, pod in enumerate(pods):
        sched.queue.add(pod)
        if i % 7 == 0:
            k.run_until_idle()
        if i == n_pods // 2:   # a node change in the middle: columns must follow
            sched.cache.add_node(make_node("late", {"cpu": "8", "memory": "8Gi", "pods": "20"},
                                           labels={"disk": "ssd"}))
    k.run_until_idle()
    if fast:
        assert sched.fast_path is not None and sched.fast_path.hits > 0
        if token_volumes:
            # pods differing only in the token volume's name share a pod shape
            # (filter and score plugin lists x with or without the emptyDir volume)
            assert len(sched.fast_path._signatures) <= 4 * len(templates)
    return decisions


@pytest.mark.parametrize(("seed", "n_nodes", "n_pods"), [
    (1, 12, 80), (2, 40, 120), (3, 150, 160), (4, 260, 150), (5, 7, 60),
])
def test_fast_path_matches_the_reference(seed: int, n_nodes: int, n_pods: int) -> None:
    ref = _run(seed, False, n_nodes, n_pods)
    fast = _run(seed, True, n_nodes, n_pods)
    assert fast == ref
    assert any(d[1] == "Scheduled" for d in ref) and any(d[1] != "Scheduled" for d in ref)


@pytest.mark.parametrize(("seed", "n_nodes", "n_pods"), [(6, 30, 120), (7, 200, 150)])
def test_fast_path_with_token_volumes_matches_the_reference(seed: int, n_nodes: int,
                                                              n_pods: int) -> None:
    """Every pod has its own ``kube-api-access-xxxxx`` volume (as after ServiceAccount
    admission): the pod shape ignores that name, and decisions stay those of the reference."""
    ref = _run(seed, False, n_nodes, n_pods, token_volumes=True)
    fast = _run(seed, True, n_nodes, n_pods, token_volumes=True)
    assert fast == ref
    assert any(d[1] == "Scheduled" for d in ref)


def test_find_window() -> None:
    ok = [True, False, True, True, False, True]
    assert find_window(ok, 0, 2) == (3, [True, False, True])
    assert find_window(ok, 4, 2) == (3, [False, True, True])     # wraps around
    assert find_window(ok, 1, 10) == (6, [False, True, True, False, True, True])
    assert find_window([False, False], 0, 1) == (2, [False, False])
