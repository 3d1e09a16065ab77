"""The ``pods/eviction`` subresource with and without PodDisruptionBudgets
(``pkg/registry/core/pod/storage/eviction.go``): the API server alone, the PDB status written
by the test as the disruption controller would."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import ApiError, Client
from tests.controllers.kcm_helpers import pod, set_pod_status

JSON = dict[str, Any]
LABELS = {"app": "web"}


@pytest.fixture
def backend() -> str:
    return "memory"


def running_pod(admin: Client, name: str, *, ready: bool = True, phase: str = "Running") -> None:
    admin.create("pods", pod(name, labels=LABELS, node="node-1"))
    set_pod_status(admin, name, ready=ready, phase=phase)


def make_pdb(admin: Client, name: str = "web", *, allowed: int = 0, desired: int = 2,
             healthy: int = 2, observed: int = 1, **spec: Any) -> JSON:
    admin.create("poddisruptionbudgets", {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"matchLabels": LABELS}, "minAvailable": desired, **spec}})
    current = admin.get("poddisruptionbudgets", name, "default")
    current["status"] = {"observedGeneration": observed, "disruptionsAllowed": allowed,
                         "currentHealthy": healthy, "desiredHealthy": desired,
                         "expectedPods": healthy}
    return admin.update_status("poddisruptionbudgets", current)


def terminating(admin: Client, name: str) -> bool:
    try:
        return bool(admin.get("pods", name, "default")["metadata"].get("deletionTimestamp"))
    except ApiError as exc:
        assert exc.code == 404
        return True


def test_without_a_budget_the_pod_is_deleted(admin: Client) -> None:
    running_pod(admin, "web-0")
    assert admin.evict("default", "web-0") == {"kind": "Status", "apiVersion": "v1",
                                               "metadata": {}, "status": "Success"}
    assert terminating(admin, "web-0")


def test_a_budget_with_no_disruption_left_answers_429(admin: Client) -> None:
    running_pod(admin, "web-0")
    make_pdb(admin, allowed=0, desired=2, healthy=2)
    with pytest.raises(ApiError) as err:
        admin.evict("default", "web-0")
    assert err.value.status == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "Cannot evict pod as it would violate the pod's disruption budget.",
        "reason": "TooManyRequests",
        "details": {"causes": [{"reason": "DisruptionBudget",
                                "message": "The disruption budget web needs 2 healthy pods and "
                                           "has 2 currently"}]},
        "code": 429}
    assert not terminating(admin, "web-0")


def test_an_allowed_eviction_spends_the_budget(admin: Client) -> None:
    running_pod(admin, "web-0")
    make_pdb(admin, allowed=1, desired=1, healthy=2)
    admin.evict("default", "web-0")
    assert terminating(admin, "web-0")
    status = admin.get("poddisruptionbudgets", "web", "default")["status"]
    assert status["disruptionsAllowed"] == 0
    assert list(status["disruptedPods"]) == ["web-0"]
    (cond,) = status["conditions"]
    assert (cond["type"], cond["status"], cond["reason"]) == (
        "DisruptionAllowed", "False", "InsufficientPods")


def test_two_budgets_are_refused(admin: Client) -> None:
    running_pod(admin, "web-0")
    make_pdb(admin, "a", allowed=1)
    make_pdb(admin, "b", allowed=1)
    with pytest.raises(ApiError) as err:
        admin.evict("default", "web-0")
    assert (err.value.code, err.value.message) == (
        500, "This pod has more than one PodDisruptionBudget, which the eviction subresource "
             "does not support.")


def test_a_budget_not_yet_observed_is_still_being_processed(admin: Client) -> None:
    running_pod(admin, "web-0")
    make_pdb(admin, allowed=1, observed=0)
    with pytest.raises(ApiError) as err:
        admin.evict("default", "web-0")
    assert err.value.code == 429
    assert err.value.status["details"] == {
        "causes": [{"reason": "DisruptionBudget",
                    "message": "The disruption budget web is still being processed by the "
                               "server."}],
        "retryAfterSeconds": 10}


@pytest.mark.parametrize(("phase", "ready", "spec", "healthy", "evicted"), [
    # Pending, Succeeded and Failed pods skip the budget (canIgnorePDB)
    ("Pending", False, {}, 2, True),
    ("Succeeded", False, {}, 2, True),
    ("Failed", False, {}, 2, True),
    # an unready Running pod goes when the budget is met (2 healthy >= 2 desired) ...
    ("Running", False, {}, 2, True),
    # ... but not when it is not (1 < 2), unless the policy is AlwaysAllow
    ("Running", False, {}, 1, False),
    ("Running", False, {"unhealthyPodEvictionPolicy": "IfHealthyBudget"}, 1, False),
    ("Running", False, {"unhealthyPodEvictionPolicy": "AlwaysAllow"}, 1, True),
    ("Running", True, {"unhealthyPodEvictionPolicy": "AlwaysAllow"}, 2, False),
])
def test_pods_the_budget_does_not_guard(admin: Client, phase: str, ready: bool, spec: JSON,
                                        healthy: int, evicted: bool) -> None:
    running_pod(admin, "web-0", ready=ready, phase=phase)
    make_pdb(admin, allowed=0, desired=2, healthy=healthy, **spec)
    if evicted:
        admin.evict("default", "web-0")
    else:
        with pytest.raises(ApiError) as err:
            admin.evict("default", "web-0")
        assert err.value.code == 429
    assert terminating(admin, "web-0") is evicted
    # the budget itself is untouched either way
    assert admin.get("poddisruptionbudgets", "web", "default")["status"][
        "disruptionsAllowed"] == 0
