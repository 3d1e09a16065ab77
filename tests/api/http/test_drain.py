"""``kubectl drain`` — the real kubectl 1.32 against a served 2-node cluster: it cordons the
node (PATCH ``spec.unschedulable``), lists the node's pods (``fieldSelector spec.nodeName``),
skips the DaemonSet's pods with a warning (``--ignore-daemonsets``), POSTs a policy/v1
Eviction (protobuf) for each other pod, retries a ``429`` every 5 s and waits for the pods to
be gone (:mod:`k8s_internals.api.eviction`, :mod:`k8s_internals.controllers.disruption`).

A Deployment of 2 replicas, one pod per node, guarded by a PodDisruptionBudget:
``minAvailable: 1`` lets the node-1 pod go (its replacement lands on node-2); ``minAvailable:
2`` refuses, and drain keeps retrying until its ``--timeout``.
"""

from __future__ import annotations

import os

import pytest

from .served_cluster import KUBECTL, ServedCluster, served_cluster

pytestmark = pytest.mark.skipif(not os.path.exists(KUBECTL),
                                reason="the real kubectl is not installed")

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: %s
  selector:
    matchLabels: {app: web}
"""


def _pod_on(s: ServedCluster, node: str) -> str:
    out = s.kubectl("get", "pods", "-l", "app=web", "--field-selector", f"spec.nodeName={node}",
                    "-o", "name")
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().removeprefix("pod/")


def test_drain_evicts_within_the_budget() -> None:
    with served_cluster(MANIFESTS % 1, nodes=2) as s:
        victim = _pod_on(s, "node-1")
        assert victim
        out = s.kubectl("drain", "node-1", "--ignore-daemonsets", "--delete-emptydir-data",
                        "--timeout=25s", timeout=40)
        assert out.returncode == 0, out.stdout + out.stderr
        lines = out.stdout.splitlines()
        assert lines[0] == "node/node-1 cordoned"
        assert f"evicting pod default/{victim}" in out.stdout + out.stderr
        assert f"pod/{victim} evicted" in lines
        assert lines[-1] == "node/node-1 drained"
        nodes = s.kubectl("get", "node", "node-1", "-o", "jsonpath={.spec.unschedulable}")
        assert nodes.stdout == "true"
        pods = s.kubectl("get", "pods", "-l", "app=web", "-o",
                         "jsonpath={range .items[*]}{.spec.nodeName}{'\\n'}{end}")
        assert pods.stdout.split() == ["node-2", "node-2"]


def test_drain_retries_while_the_budget_refuses() -> None:
    with served_cluster(MANIFESTS % 2, nodes=2) as s:
        victim = _pod_on(s, "node-1")
        out = s.kubectl("drain", "node-1", "--ignore-daemonsets", "--timeout=7s", timeout=30)
        assert out.returncode == 1
        assert out.stdout.splitlines()[0] == "node/node-1 cordoned"
        retry = (f'error when evicting pods/"{victim}" -n "default" (will retry after 5s): '
                 "Cannot evict pod as it would violate the pod's disruption budget.")
        assert out.stderr.count(retry) == 2, out.stderr
        assert _pod_on(s, "node-1") == victim
