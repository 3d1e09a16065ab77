"""apps/v1: Deployment, ReplicaSet, StatefulSet, DaemonSet.

Upstream: pkg/apis/apps/validation/validation.go and validation_test.go. Objects are defaulted
first (``apply_defaults``), as the API server validates them.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.defaults import apply_defaults
from k8s_internals.api.validation import invalid_message, validate, validate_status_update

PERCENT_MSG = ("a valid percent string must be a numeric string followed by an ending '%' "
               "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")
MISMATCH = ('spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not '
            "match template `labels`")


def workload(kind: str = "Deployment", **spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "apps/v1", "kind": kind,
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
    obj["spec"].update(spec)
    return obj


def defaulted(obj: dict[str, Any]) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    apply_defaults(obj)
    return obj


def check(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    return [str(e) for e in validate(defaulted(obj), None if old is None else defaulted(old))]


def stored(obj: dict[str, Any]) -> dict[str, Any]:
    obj = defaulted(obj)
    obj["metadata"]["resourceVersion"] = "1"
    return obj


# --- Deployment -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, []),
        ({"replicas": -1},
         ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
        ({"selector": None}, ["spec.selector: Required value", MISMATCH]),
        ({"selector": {"matchLabels": {"app": "other"}}}, [MISMATCH]),
        ({"selector": {}}, ["spec.selector: Invalid value: {}: empty selector is invalid for "
                            "deployment"]),
        ({"strategy": {"type": "RollingUpdate",
                       "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}},
         ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when "
          "`maxSurge` is 0"]),
        ({"strategy": {"type": "RollingUpdate",
                       "rollingUpdate": {"maxSurge": "110%", "maxUnavailable": "abc"}}},
         [f'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "abc": {PERCENT_MSG}']),
        ({"strategy": {"type": "RollingUpdate",
                       "rollingUpdate": {"maxSurge": -1, "maxUnavailable": "101%"}}},
         ["spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or "
          "equal to 0",
          'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "101%": must not be '
          "greater than 100%"]),
        ({"strategy": {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}},
         ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
          "'Recreate'"]),
        ({"strategy": {"type": "Foo"}},
         ['spec.strategy: Unsupported value: {"Type":"Foo","RollingUpdate":null}: supported '
          'values: "Recreate", "RollingUpdate"']),
        ({"revisionHistoryLimit": -1, "progressDeadlineSeconds": 5, "minReadySeconds": 10},
         ["spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
          "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds"]),
    ],
)
def test_deployment(spec: dict[str, Any], expected: list[str]) -> None:
    assert check(workload(**spec)) == expected


def test_deployment_selector_deleted() -> None:
    obj = workload()
    del obj["spec"]["selector"]
    assert check(obj) == ["spec.selector: Required value", MISMATCH]


def test_template_restart_policy_must_be_always() -> None:
    obj = workload()
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert check(obj) == ['spec.template.spec.restartPolicy: Unsupported value: "Never": '
                          'supported values: "Always"']


def test_aggregate_422_message() -> None:
    errs = validate(defaulted(workload(replicas=-1)))
    assert invalid_message("apps", "Deployment", "web", errs) == (
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater '
        "than or equal to 0")
    errs = validate(defaulted(workload(replicas=-1, revisionHistoryLimit=-1)))
    assert invalid_message("apps", "Deployment", "web", errs) == (
        'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater '
        "than or equal to 0, spec.revisionHistoryLimit: Invalid value: -1: must be greater "
        "than or equal to 0]")


def test_deployment_selector_immutable() -> None:
    old = stored(workload())
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"app": "y"}}
    new["spec"]["template"]["metadata"]["labels"] = {"app": "y"}
    assert check(new, old) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"y"}}: field is immutable']


def test_deployment_scale_and_image_update_allowed() -> None:
    old = stored(workload())
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 5
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27"
    assert check(new, old) == []


def test_deployment_status_update() -> None:
    old = stored(workload())
    new = copy.deepcopy(old)
    new["status"] = {"replicas": 1, "readyReplicas": 2, "availableReplicas": 1,
                     "observedGeneration": -1}
    assert [str(e) for e in validate_status_update(new, old)] == [
        "status.observedGeneration: Invalid value: -1: must be greater than or equal to 0",
        "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas"]


# --- ReplicaSet -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, []),
        ({"replicas": -2},
         ["spec.replicas: Invalid value: -2: must be greater than or equal to 0"]),
        ({"selector": {"matchLabels": {"app": "other"}}}, [MISMATCH]),
    ],
)
def test_replica_set(spec: dict[str, Any], expected: list[str]) -> None:
    assert check(workload("ReplicaSet", **spec)) == expected


# --- StatefulSet ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, []),
        ({"podManagementPolicy": "Foo",
          "updateStrategy": {"type": "OnDelete", "rollingUpdate": {"partition": 1}}},
         ["spec.podManagementPolicy: Invalid value: \"Foo\": must be 'OrderedReady' or "
          "'Parallel'",
          'spec.updateStrategy.rollingUpdate: Invalid value: {"Partition":1,"MaxUnavailable":'
          "null}: only allowed for updateStrategy 'RollingUpdate'"]),
        ({"replicas": -1},
         ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
    ],
)
def test_stateful_set(spec: dict[str, Any], expected: list[str]) -> None:
    assert check(workload("StatefulSet", **spec)) == expected


def test_stateful_set_forbidden_update() -> None:
    old = stored(workload("StatefulSet", serviceName="svc"))
    new = copy.deepcopy(old)
    new["spec"]["serviceName"] = "other"
    errs = validate(new, old)
    assert invalid_message("apps", "StatefulSet", "web", errs) == (
        'StatefulSet.apps "web" is invalid: spec: Forbidden: updates to statefulset spec for '
        "fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")


def test_stateful_set_allowed_update() -> None:
    old = stored(workload("StatefulSet", serviceName="svc"))
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 3
    new["spec"]["updateStrategy"] = {"type": "OnDelete"}
    assert check(new, old) == []


# --- DaemonSet ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        (None, []),
        ({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}},
         ["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when "
          "maxSurge is 0"]),
        ({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}},
         ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when "
          "maxUnavailable is non-zero"]),
        ({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "50%", "maxSurge": 0}},
         []),
    ],
)
def test_daemon_set(strategy: dict[str, Any] | None, expected: list[str]) -> None:
    spec = {} if strategy is None else {"updateStrategy": strategy}
    assert check(workload("DaemonSet", **spec)) == expected


def test_daemon_set_selector_immutable() -> None:
    old = stored(workload("DaemonSet"))
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "x"}}
    new["spec"]["template"]["metadata"]["labels"] = {"app": "web", "tier": "x"}
    assert check(new, old) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is '
        "immutable"]
