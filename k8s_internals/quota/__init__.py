"""Quota usage: what an object costs a ResourceQuota, shared by the API server's ResourceQuota
admission plugin and kube-controller-manager's ResourceQuota controller.

Upstream keeps this code out of both components so each can import it:

- :mod:`.resources` — ``staging/src/k8s.io/apiserver/pkg/quota/v1/resources.go``
  (``Equals``, ``Add``, ``Mask``, ``ResourceNames``, ``Intersection``, ``Difference``,
  ``CalculateUsage``) and ``interfaces.go`` (``UsageStatsOptions``);
- :mod:`.generic` — ``staging/src/k8s.io/apiserver/pkg/quota/v1/generic/evaluator.go``
  (``objectCountEvaluator``, ``CalculateUsageStats``, ``MatchesNoScopeFunc``) and
  ``generic/registry.go``;
- :mod:`.core` — ``pkg/quota/v1/evaluator/core/`` (``pods.go``, ``services.go``,
  ``persistent_volume_claims.go``, ``registry.go``) and ``pkg/quota/v1/install/``
  (``registry.go``'s ignored resources, ``update_filter.go``).

Pure functions over JSON objects: nothing here touches the store, a client or a clock other
than the one it is given.
"""

from __future__ import annotations

from .core import (
    IGNORED_RESOURCES,
    PersistentVolumeClaimEvaluator,
    PodEvaluator,
    ServiceEvaluator,
    default_update_filter,
    evaluator_for,
    new_evaluators,
    quota_v1_pod,
)
from .generic import (
    Evaluator,
    ListFunc,
    ObjectCountEvaluator,
    Registry,
    UsageStatsOptions,
    calculate_usage_stats,
    object_count_name,
)
from .resources import calculate_usage, equals, pretty_print, resource_names

__all__ = [
    "IGNORED_RESOURCES",
    "Evaluator",
    "ListFunc",
    "ObjectCountEvaluator",
    "PersistentVolumeClaimEvaluator",
    "PodEvaluator",
    "Registry",
    "ServiceEvaluator",
    "UsageStatsOptions",
    "calculate_usage",
    "calculate_usage_stats",
    "default_update_filter",
    "equals",
    "evaluator_for",
    "new_evaluators",
    "object_count_name",
    "pretty_print",
    "quota_v1_pod",
    "resource_names",
]
