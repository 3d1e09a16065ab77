"""policy/v1 PodDisruptionBudget.

Upstream: pkg/apis/policy/validation/validation.go (ValidatePodDisruptionBudgetSpec,
ValidatePodDisruptionBudgetStatusUpdate) and its validation_test.go.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.validation import validate
from k8s_internals.api.validation.registry import validate_status_update


def pdb(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "web", "namespace": "default", "generation": 1,
                         "resourceVersion": "7"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


@pytest.mark.parametrize(("spec", "errors"), [
    ({"minAvailable": 1}, []),
    ({"minAvailable": "50%"}, []),
    ({"maxUnavailable": 0}, []),
    ({"maxUnavailable": "100%"}, []),
    ({}, []),  # neither: allowed (the controller then allows no disruption)
    ({"minAvailable": 1, "maxUnavailable": 1},
     ['spec: Invalid value: {"MinAvailable":1,"Selector":{"matchLabels":{"app":"web"}},'
      '"MaxUnavailable":1,"UnhealthyPodEvictionPolicy":null}: minAvailable and '
      'maxUnavailable cannot be both set']),
    ({"minAvailable": -1},
     ["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"]),
    ({"maxUnavailable": "120%"},
     ['spec.maxUnavailable: Invalid value: "120%": must not be greater than 100%']),
    ({"minAvailable": "1x%"},
     ['spec.minAvailable: Invalid value: "1x%": a valid percent string must be a numeric '
      "string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is "
      "'[0-9]+%')"]),
    ({"unhealthyPodEvictionPolicy": "Sometimes"},
     ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: '
      '"AlwaysAllow", "IfHealthyBudget"']),
    ({"unhealthyPodEvictionPolicy": "AlwaysAllow"}, []),
    ({"selector": {"matchExpressions": [{"key": "app", "operator": "In"}]}},
     ["spec.selector.matchExpressions[0].values: Required value: must be specified when "
      "`operator` is 'In' or 'NotIn'"]),
])
def test_spec(spec: dict[str, Any], errors: list[str]) -> None:
    assert [str(e) for e in validate(pdb(**spec))] == errors


def test_the_spec_is_mutable() -> None:
    old = pdb(minAvailable=1)
    new = copy.deepcopy(old)
    new["spec"]["minAvailable"] = "50%"
    assert [str(e) for e in validate(new, old)] == []


@pytest.mark.parametrize(("status", "errors"), [
    ({"disruptionsAllowed": 1, "currentHealthy": 2, "desiredHealthy": 1, "expectedPods": 2}, []),
    ({"disruptionsAllowed": -1, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0},
     ["status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0"]),
])
def test_status_update(status: dict[str, Any], errors: list[str]) -> None:
    old = pdb(minAvailable=1)
    new = {**copy.deepcopy(old), "status": status}
    assert [str(e) for e in validate_status_update(new, old)] == errors
