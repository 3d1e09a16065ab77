"""The disruption controller (``pkg/controller/disruption/disruption.go``): each PDB's status
from its pods, their controllers' scale and the pods' readiness.

No kubelet, no ReplicaSet controller here: the tests create the controllers' objects and their
pods (with owner references) and write the pods' Ready condition themselves.
"""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.controllers.disruption import (
    DELETION_TIMEOUT,
    DisruptionController,
    scaled_value,
)
from k8s_internals.sim import Kernel
from tests.controllers.kcm_helpers import owner_ref, pod, set_pod_status, start

JSON = dict[str, Any]
LABELS = {"app": "web"}
TEMPLATE = {"metadata": {"labels": LABELS},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}


@pytest.fixture
def backend() -> str:
    return "memory"


def workload(kind: str, replicas: int, name: str = "web") -> JSON:
    api = "v1" if kind == "ReplicationController" else "apps/v1"
    spec: JSON = {"replicas": replicas, "template": TEMPLATE}
    spec["selector"] = LABELS if kind == "ReplicationController" else {"matchLabels": LABELS}
    if kind == "StatefulSet":
        spec["serviceName"] = name
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": "default"},
            "spec": spec}


PLURAL = {"ReplicaSet": "replicasets", "Deployment": "deployments",
          "StatefulSet": "statefulsets", "ReplicationController": "replicationcontrollers"}


def pdb(name: str = "web", **spec: Any) -> JSON:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"matchLabels": LABELS}, **spec}}


def make_pods(admin: Client, count: int, owner: JSON | None, *, ready: int = -1) -> list[str]:
    """``count`` Running pods owned by ``owner``; the first ``ready`` of them Ready (all by
    default)."""
    names = []
    for i in range(count):
        name = f"web-{i}"
        admin.create("pods", pod(name, labels=LABELS, node="node-1",
                                 owners=[owner_ref(owner)] if owner else None))
        set_pod_status(admin, name, ready=ready < 0 or i < ready)
        names.append(name)
    return names


def owner_for(admin: Client, kind: str, replicas: int) -> JSON:
    """The pods' controller: for a Deployment, the ReplicaSet it owns (whose own replicas are
    deliberately different: the Deployment's scale must count)."""
    if kind == "Deployment":
        dep = admin.create("deployments", workload("Deployment", replicas))
        rs = workload("ReplicaSet", replicas + 7, "web-abc")
        rs["metadata"]["ownerReferences"] = [owner_ref(dep)]
        return admin.create("replicasets", rs)
    return admin.create(PLURAL[kind], workload(kind, replicas))


def status_of(admin: Client, name: str = "web") -> JSON:
    return admin.get("poddisruptionbudgets", name, "default")["status"]


# (spec, controller kind or None, its scale, pods, Ready pods,
#  expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed)
CASES = [
    # minAvailable as an integer: no controller lookup, expected = number of pods
    ({"minAvailable": 2}, None, 0, 3, 3, 3, 2, 3, 1),
    ({"minAvailable": 2}, "ReplicaSet", 5, 3, 3, 3, 2, 3, 1),   # the scale is not consulted
    ({"minAvailable": 4}, None, 0, 3, 3, 3, 4, 3, 0),           # 3 - 4 < 0 -> 0
    # minAvailable as a percentage of the controllers' scale, rounded up
    ({"minAvailable": "50%"}, "ReplicaSet", 3, 3, 3, 3, 2, 3, 1),    # ceil(1.5) = 2
    ({"minAvailable": "34%"}, "ReplicaSet", 3, 3, 3, 3, 2, 3, 1),    # ceil(1.02) = 2
    ({"minAvailable": "100%"}, "ReplicaSet", 3, 3, 3, 3, 3, 3, 0),
    ({"minAvailable": "50%"}, "StatefulSet", 4, 4, 4, 4, 2, 4, 2),   # 4 x 50% = 2
    ({"minAvailable": "50%"}, "Deployment", 5, 3, 3, 5, 3, 3, 0),    # ceil(2.5) = 3 of 5
    # maxUnavailable: desired = expected - ceil(maxUnavailable x expected)
    ({"maxUnavailable": 1}, "ReplicaSet", 3, 3, 3, 3, 2, 3, 1),
    ({"maxUnavailable": "50%"}, "ReplicaSet", 3, 3, 3, 3, 1, 3, 2),  # 3 - ceil(1.5) = 1
    ({"maxUnavailable": "10%"}, "ReplicaSet", 3, 3, 3, 3, 2, 3, 1),  # 3 - ceil(0.3) = 2
    ({"maxUnavailable": 0}, "ReplicationController", 3, 3, 3, 3, 3, 3, 0),
    ({"maxUnavailable": 5}, "ReplicaSet", 3, 3, 3, 3, 0, 3, 3),      # never below 0
    ({"maxUnavailable": 1}, "Deployment", 4, 4, 4, 4, 3, 4, 1),
    # only Ready pods are healthy
    ({"minAvailable": 1}, None, 0, 3, 1, 3, 1, 1, 0),
    ({"maxUnavailable": 1}, "ReplicaSet", 3, 3, 2, 3, 2, 2, 0),
]


@pytest.mark.parametrize(("spec", "kind", "scale", "pods", "ready", "expected", "desired",
                          "healthy", "allowed"), CASES)
def test_status(admin: Client, kernel: Kernel, spec: JSON, kind: str | None, scale: int,
                pods: int, ready: int, expected: int, desired: int, healthy: int,
                allowed: int) -> None:
    owner = owner_for(admin, kind, scale) if kind else None
    make_pods(admin, pods, owner, ready=ready)
    admin.create("poddisruptionbudgets", pdb(**spec))
    start(admin, kernel, DisruptionController)
    kernel.run_for(1)
    status = status_of(admin)
    assert (status["expectedPods"], status["desiredHealthy"], status["currentHealthy"],
            status["disruptionsAllowed"]) == (expected, desired, healthy, allowed)
    assert status["observedGeneration"] == 1
    (cond,) = status["conditions"]
    assert (cond["type"], cond["status"], cond["reason"], cond["message"]) == (
        ("DisruptionAllowed", "True", "SufficientPods", "") if allowed
        else ("DisruptionAllowed", "False", "InsufficientPods", ""))


@pytest.mark.parametrize(("value", "total", "round_up", "out"), [
    (3, 10, True, 3), ("50%", 3, True, 2), ("50%", 3, False, 1), ("1%", 1, True, 1),
    ("0%", 7, True, 0), ("100%", 7, False, 7),
])
def test_scaled_value(value: Any, total: int, round_up: bool, out: int) -> None:
    assert scaled_value(value, total, round_up) == out


def _events(admin: Client, reason: str) -> list[str]:
    items = admin.list("events", "default")["items"]
    return [e["message"] for e in items if e["reason"] == reason]


def test_no_pods(admin: Client, kernel: Kernel) -> None:
    admin.create("poddisruptionbudgets", pdb(minAvailable=1))
    start(admin, kernel, DisruptionController)
    kernel.run_for(1)
    status = status_of(admin)
    assert (status["expectedPods"], status["desiredHealthy"], status["disruptionsAllowed"]) == (
        0, 1, 0)
    assert _events(admin, "NoPods") == ["No matching pods found"]


def test_a_pod_whose_controller_is_unknown_fails_safe(admin: Client, kernel: Kernel) -> None:
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
          "metadata": {"name": "agent", "uid": "5c8a"}}
    admin.create("pods", pod("web-0", labels=LABELS, node="node-1", owners=[owner_ref(ds)]))
    set_pod_status(admin, "web-0", ready=True)
    admin.create("poddisruptionbudgets", pdb(maxUnavailable=1))
    start(admin, kernel, DisruptionController)
    kernel.run_for(1)
    status = status_of(admin)
    assert status["disruptionsAllowed"] == 0
    (cond,) = status["conditions"]
    assert (cond["status"], cond["reason"], cond["message"]) == (
        "False", "SyncFailed", 'found no controllers for pod "web-0"')
    assert _events(admin, "CalculateExpectedPodCountFailed") == [
        'Failed to calculate the number of expected pods: found no controllers for pod "web-0"']


def test_unmanaged_pods_are_reported(admin: Client, kernel: Kernel) -> None:
    """Pods without a controller count for nothing with a percentage: expected 0, so no
    disruption is allowed, and an ``UnmanagedPods`` warning says why."""
    make_pods(admin, 2, None)
    admin.create("poddisruptionbudgets", pdb(minAvailable="50%"))
    start(admin, kernel, DisruptionController)
    kernel.run_for(1)
    status = status_of(admin)
    assert (status["expectedPods"], status["currentHealthy"], status["disruptionsAllowed"]) == (
        0, 2, 0)
    assert _events(admin, "UnmanagedPods") == [
        "Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:"
        "map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}) were "
        "found to be unmanaged. As a result, the status of the PDB cannot be calculated "
        "correctly, which may result in undefined behavior. To account for these pods please "
        'set ".spec.minAvailable" field of the PDB to an integer value.']


def test_the_status_follows_readiness_and_spec_changes(admin: Client, kernel: Kernel) -> None:
    owner = owner_for(admin, "ReplicaSet", 3)
    make_pods(admin, 3, owner)
    admin.create("poddisruptionbudgets", pdb(minAvailable=2))
    start(admin, kernel, DisruptionController)
    kernel.run_for(1)
    assert status_of(admin)["disruptionsAllowed"] == 1
    set_pod_status(admin, "web-2", ready=False)
    kernel.run_for(1)
    assert status_of(admin)["disruptionsAllowed"] == 0
    current = admin.get("poddisruptionbudgets", "web", "default")
    current["spec"]["minAvailable"] = 1
    admin.update("poddisruptionbudgets", current)
    kernel.run_for(1)
    status = status_of(admin)
    assert (status["observedGeneration"], status["desiredHealthy"],
            status["disruptionsAllowed"]) == (2, 1, 1)


def test_disrupted_pods_stop_counting_until_the_timeout(admin: Client, kernel: Kernel) -> None:
    """An eviction marks the pod in ``disruptedPods``; a pod that was not deleted counts again
    after ``DeletionTimeout`` (2 minutes), with a ``NotDeleted`` event."""
    owner = owner_for(admin, "ReplicaSet", 3)
    make_pods(admin, 3, owner)
    admin.create("poddisruptionbudgets", pdb(minAvailable=1))
    start(admin, kernel, DisruptionController)
    kernel.run_for(1)
    current = admin.get("poddisruptionbudgets", "web", "default")
    current["status"]["disruptedPods"] = {"web-0": kernel.timestamp()}
    admin.update_status("poddisruptionbudgets", current)
    kernel.run_for(1)
    status = status_of(admin)
    assert (status["currentHealthy"], status["disruptionsAllowed"]) == (2, 1)
    assert list(status["disruptedPods"]) == ["web-0"]
    kernel.run_for(DELETION_TIMEOUT + 1)
    status = status_of(admin)
    assert "disruptedPods" not in status
    assert (status["currentHealthy"], status["disruptionsAllowed"]) == (3, 2)
    assert _events(admin, "NotDeleted") == [
        "Pod was expected by PDB default/default to be deleted but it wasn't"]


def test_a_pod_under_two_budgets_gets_a_warning(admin: Client, kernel: Kernel) -> None:
    admin.create("poddisruptionbudgets", pdb("a", minAvailable=1))
    admin.create("poddisruptionbudgets", pdb("b", minAvailable=1))
    start(admin, kernel, DisruptionController)
    make_pods(admin, 1, None)
    kernel.run_for(1)
    assert set(_events(admin, "MultiplePodDisruptionBudgets")) == {
        'Pod "default"/"web-0" matches multiple PodDisruptionBudgets.  Chose "a" arbitrarily.'}
    # only the chosen budget is synced on the pod's events (getPdbForPod), as upstream
    assert (status_of(admin, "a")["currentHealthy"], status_of(admin, "b")["currentHealthy"]) == (
        1, 0)
