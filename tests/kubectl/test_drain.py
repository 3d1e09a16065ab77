"""``cordon``, ``uncordon`` and ``drain`` (:mod:`k8s_internals.kubectl.drain`): texts as
kubectl 1.32 prints them; drain against a whole 2-node cluster on virtual time, with a
PodDisruptionBudget that lets one pod go or none."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from k8s_internals import Cluster
from k8s_internals.client.client import Client
from k8s_internals.kubectl import Kubectl

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: %d
  selector: {matchLabels: {app: web}}
"""


def test_cordon_and_uncordon(kubectl: Kubectl, admin: Client) -> None:
    admin.create("nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}})
    steps = [
        ("cordon node-1", "node/node-1 cordoned\n", True),
        ("cordon node-1", "node/node-1 already cordoned\n", True),
        ("uncordon node-1", "node/node-1 uncordoned\n", None),
        ("uncordon node-1", "node/node-1 already uncordoned\n", None),
        ("cordon nope", 'Error from server (NotFound): nodes "nope" not found\n', None),
    ]
    for command, out, unschedulable in steps:
        assert kubectl.run(command) == out, command
        spec = admin.get("nodes", "node-1").get("spec") or {}
        assert spec.get("unschedulable") is unschedulable, command


def _pods(cluster: Cluster) -> str:
    return cluster.kubectl("get pods -l app=web -o jsonpath={.items[*].spec.nodeName}")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    c = Cluster(nodes=2, seed=0)
    try:
        yield c
    finally:
        c.close()


def test_drain_evicts_within_the_budget(cluster: Cluster) -> None:
    cluster.apply(MANIFEST % 1)
    cluster.run()
    assert _pods(cluster) in ("node-1 node-2", "node-2 node-1")
    refused = cluster.kubectl("drain node-1")
    assert "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): " \
           "kube-system/kube-proxy-" in refused
    out = cluster.kubectl("drain node-1 --ignore-daemonsets")
    lines = out.splitlines()
    assert lines[0] == "node/node-1 already cordoned"
    assert re.fullmatch(r"Warning: ignoring DaemonSet-managed Pods: kube-system/kube-proxy-\w+",
                        lines[1])
    assert any(re.fullmatch(r"pod/web-\w+-\w+ evicted", line) for line in lines)
    assert lines[-1] == "node/node-1 drained"
    cluster.run()
    assert _pods(cluster) == "node-2 node-2"


def test_drain_retries_while_the_budget_refuses(cluster: Cluster) -> None:
    cluster.apply(MANIFEST % 2)
    cluster.run()
    out = cluster.kubectl("drain node-1 --ignore-daemonsets --timeout=12s")
    refusals = re.findall(r'error when evicting pods/"web-\w+-\w+" -n "default" \(will retry '
                          r"after 5s\): Cannot evict pod as it would violate the pod's "
                          r"disruption budget\.", out)
    assert len(refusals) == 3  # at 0 s, 5 s and 10 s
    assert out.endswith('-n "default": global timeout reached: 12s\n')
    assert "There are pending nodes to be drained:\n node-1\n" in out
    assert "node-1" in _pods(cluster)
    table = cluster.kubectl("get pdb").splitlines()
    assert table[0] == "NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE"
    assert re.fullmatch(r"web    2               N/A               0                     \d+s",
                        table[1])
    described = cluster.kubectl("describe pdb web")
    assert described.startswith(
        "Name:           web\n"
        "Namespace:      default\n"
        "Min available:  2\n"
        "Selector:       app=web\n"
        "Status:\n"
        "    Allowed disruptions:  0\n"
        "    Current:              2\n"
        "    Desired:              2\n"
        "    Total:                2\n"
        "Events:"), described
