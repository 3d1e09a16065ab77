"""The core evaluators (pkg/quota/v1/evaluator/core) and install.DefaultUpdateFilter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from k8s_internals.api.validation.quantity import Quantity
from k8s_internals.quota import (
    PodEvaluator,
    UsageStatsOptions,
    default_update_filter,
    evaluator_for,
    new_evaluators,
    quota_v1_pod,
)

NOW = datetime(2025, 1, 1, 0, 1, 0, tzinfo=UTC)


def pod(phase: str = "Running", deleted: str | None = None, grace: int | None = None,
        cpu: str = "", ns: str = "default", **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "p", "namespace": ns}
    if deleted is not None:
        meta["deletionTimestamp"] = deleted
    if grace is not None:
        meta["deletionGracePeriodSeconds"] = grace
    container: dict[str, Any] = {"name": "app", "image": "nginx"}
    if cpu:
        container["resources"] = {"requests": {"cpu": cpu}, "limits": {"cpu": cpu}}
    return {"metadata": meta, "spec": {"containers": [container], **spec},
            "status": {"phase": phase}}


@pytest.mark.parametrize(("p", "now", "charged"), [
    (pod(), NOW, True),
    (pod("Pending"), NOW, True),
    (pod("Succeeded"), NOW, False),
    (pod("Failed"), NOW, False),
    # deletionTimestamp + grace still ahead: charged
    (pod(deleted="2025-01-01T00:00:30Z", grace=30), NOW, True),
    # stuck terminating past deletionTimestamp + grace: not charged
    (pod(deleted="2025-01-01T00:00:20Z", grace=30), NOW, False),
    # no clock (admission): the grace rule is not applied
    (pod(deleted="2025-01-01T00:00:00Z", grace=0), None, True),
])
def test_quota_v1_pod(p: dict[str, Any], now: datetime | None, charged: bool) -> None:
    assert quota_v1_pod(p, now) is charged


@pytest.mark.parametrize(("p", "usage"), [
    (pod(cpu="250m"), {"count/pods": "1", "pods": "1", "cpu": "250m", "requests.cpu": "250m",
                       "limits.cpu": "250m"}),
    (pod("Succeeded", cpu="250m"), {"count/pods": "1"}),
    (pod(deleted="2025-01-01T00:00:00Z", grace=10, cpu="1"), {"count/pods": "1"}),
])
def test_pod_usage_with_a_clock(p: dict[str, Any], usage: dict[str, str]) -> None:
    assert PodEvaluator(clock=lambda: NOW).usage(p) == {k: Quantity(v) for k, v in usage.items()}


def svc(kind: str = "ClusterIP") -> dict[str, Any]:
    return {"metadata": {"namespace": "default"}, "spec": {"type": kind, "ports": [{"port": 80}]}}


def pvc(allocated: str | None) -> dict[str, Any]:
    status = {"allocatedResources": {"storage": allocated}} if allocated else {}
    return {"metadata": {"namespace": "default"},
            "spec": {"resources": {"requests": {"storage": "1Gi"}}}, "status": status}


@pytest.mark.parametrize(("group", "resource", "old", "new", "replenish"), [
    ("", "pods", pod(), pod("Succeeded"), True),
    ("", "pods", pod(), pod("Failed"), True),
    ("", "pods", pod("Pending"), pod("Running"), False),
    ("", "pods", pod("Succeeded"), pod("Succeeded"), False),
    ("", "pods", pod(), pod(deleted="2025-01-01T00:00:00Z", grace=30), True),
    ("", "services", svc(), svc("NodePort"), True),
    ("", "services", svc("LoadBalancer"), svc("ClusterIP"), True),
    ("", "services", svc("ClusterIP"), svc("ExternalName"), False),
    ("", "persistentvolumeclaims", pvc(None), pvc("2Gi"), True),
    ("", "persistentvolumeclaims", pvc("2Gi"), pvc("2Gi"), False),
    ("", "configmaps", {}, {}, False),
    ("apps", "deployments", {}, {}, False),
])
def test_default_update_filter(group: str, resource: str, old: dict[str, Any],
                               new: dict[str, Any], replenish: bool) -> None:
    assert default_update_filter(lambda: NOW)(group, resource, old, new) is replenish


def test_new_evaluators_read_through_their_listers() -> None:
    pods = {"default": [pod(cpu="1"), pod(cpu="500m"), pod("Succeeded", cpu="2")]}
    evaluators = new_evaluators(
        lambda group, resource: (lambda ns: pods.get(ns, []) if resource == "pods" else []))
    assert [e.group_resource for e in evaluators] == [
        ("", "pods"), ("", "services"), ("", "persistentvolumeclaims"), ("", "configmaps"),
        ("", "resourcequotas"), ("", "replicationcontrollers"), ("", "secrets")]
    used = evaluators[0].usage_stats(UsageStatsOptions(
        "default", resources=["pods", "requests.cpu", "count/pods"]))
    assert used["pods"] == Quantity(2)
    assert used["count/pods"] == Quantity(3)
    assert used["requests.cpu"] == Quantity("1500m")


@pytest.mark.parametrize(("group", "resource", "names"), [
    ("", "configmaps", ["configmaps", "count/configmaps"]),
    ("", "secrets", ["count/secrets", "secrets"]),
    ("apps", "deployments", ["count/deployments.apps"]),
    ("", "endpoints", ["count/endpoints"]),
])
def test_object_count_names(group: str, resource: str, names: list[str]) -> None:
    evaluator = evaluator_for(group, resource)
    assert sorted(evaluator.usage({})) == names
