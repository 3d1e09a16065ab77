"""Validation of PodDisruptionBudget (``policy/v1``), as ``pkg/apis/policy/validation/
validation.go`` (``ValidatePodDisruptionBudget``, ``ValidatePodDisruptionBudgetSpec``,
``ValidatePodDisruptionBudgetStatusUpdate``) behind ``pkg/registry/policy/poddisruptionbudget/
strategy.go`` (the spec is mutable: an update is validated as a create; the status strategy
validates the status counters).

The object's metadata is checked as the generic registry's ``BeforeCreate``/``BeforeUpdate``
do (``ValidateObjectMetaAccessor`` with ``ValidatePathSegmentName``). The "both set" error
prints the internal ``policy.PodDisruptionBudgetSpec`` as ``encoding/json`` does (Go field
names, ``null`` for unset pointers).

Simplification: the status update does not run ``metav1validation.ValidateConditions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .apps import _not_more_than_100_percent, _validate_positive_int_or_percent
from .field import ErrorList, GoStruct, Path, invalid, not_supported
from .meta import (
    jdict,
    jint,
    label_selector_value,
    validate_label_selector,
    validate_nonnegative_field,
    validate_object_meta,
    validate_object_meta_update,
)
from .names import validate_path_segment_name

__all__ = [
    "UNHEALTHY_POD_EVICTION_POLICIES",
    "validate_pod_disruption_budget",
    "validate_pod_disruption_budget_status_update",
    "validate_pod_disruption_budget_update",
]

#: ``supportedUnhealthyPodEvictionPolicies`` (``sets.List``: sorted)
UNHEALTHY_POD_EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")


def _go_spec(spec: Mapping[str, Any]) -> GoStruct:
    """The internal ``policy.PodDisruptionBudgetSpec`` as ``encoding/json`` prints it."""
    return GoStruct(MinAvailable=spec.get("minAvailable"),
                    Selector=label_selector_value(spec.get("selector")),
                    MaxUnavailable=spec.get("maxUnavailable"),
                    UnhealthyPodEvictionPolicy=spec.get("unhealthyPodEvictionPolicy"))


def validate_pod_disruption_budget_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidatePodDisruptionBudgetSpec``."""
    errs = ErrorList()
    min_available = spec.get("minAvailable")
    max_unavailable = spec.get("maxUnavailable")
    if min_available is not None and max_unavailable is not None:
        errs.append(invalid(path, _go_spec(spec),
                            "minAvailable and maxUnavailable cannot be both set"))
    for name, value in (("minAvailable", min_available), ("maxUnavailable", max_unavailable)):
        if value is not None:
            errs.extend(_validate_positive_int_or_percent(value, path.child(name)))
            errs.extend(_not_more_than_100_percent(value, path.child(name)))
    selector = spec.get("selector")
    errs.extend(validate_label_selector(None if selector is None else jdict(selector),
                                        path.child("selector")))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        errs.append(not_supported(path.child("unhealthyPodEvictionPolicy"), policy,
                                  UNHEALTHY_POD_EVICTION_POLICIES))
    return errs


def validate_pod_disruption_budget(pdb: Mapping[str, Any]) -> ErrorList:
    """``BeforeCreate``'s metadata checks, then ``ValidatePodDisruptionBudget``."""
    errs = validate_object_meta(jdict(pdb.get("metadata")), True, validate_path_segment_name,
                                Path("metadata"))
    errs.extend(validate_pod_disruption_budget_spec(jdict(pdb.get("spec")), Path("spec")))
    return errs


def validate_pod_disruption_budget_update(new: Mapping[str, Any],
                                          old: Mapping[str, Any]) -> ErrorList:
    """``BeforeUpdate``'s metadata checks, then ``ValidatePodDisruptionBudget`` (the spec is
    mutable since v1.15)."""
    errs = validate_object_meta_update(jdict(new.get("metadata")), jdict(old.get("metadata")),
                                       Path("metadata"))
    errs.extend(validate_pod_disruption_budget_spec(jdict(new.get("spec")), Path("spec")))
    return errs


def validate_pod_disruption_budget_status_update(new: Mapping[str, Any],
                                                 old: Mapping[str, Any]) -> ErrorList:
    """``ValidatePodDisruptionBudgetStatusUpdate`` (policy/v1: the counters are
    non-negative)."""
    errs = validate_object_meta_update(jdict(new.get("metadata")), jdict(old.get("metadata")),
                                       Path("metadata"))
    status = jdict(new.get("status"))
    path = Path("status")
    for name in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
        errs.extend(validate_nonnegative_field(jint(status.get(name)), path.child(name)))
    return errs
