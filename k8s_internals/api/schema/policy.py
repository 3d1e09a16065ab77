"""policy/v1: Eviction (the pods/eviction subresource) and PodDisruptionBudget.

Upstream: ``staging/src/k8s.io/api/policy/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    INT32,
    INT64,
    INT_OR_STRING,
    META,
    POLICY,
    TIME,
    MapOf,
    enum,
    merge_list,
)

POLICY.plain_kind("Eviction", {
    "deleteOptions": META.ref("DeleteOptions"),
})

POLICY.kind("PodDisruptionBudget", {
    "spec": POLICY.ref("PodDisruptionBudgetSpec"),
    "status": POLICY.ref("PodDisruptionBudgetStatus"),
})

POLICY.struct("PodDisruptionBudgetSpec", {
    "maxUnavailable": INT_OR_STRING,
    "minAvailable": INT_OR_STRING,
    "selector": META.ref("LabelSelector", strategy="replace"),
    "unhealthyPodEvictionPolicy": enum("AlwaysAllow", "IfHealthyBudget"),
})

POLICY.struct("PodDisruptionBudgetStatus", {
    "conditions": merge_list(META.ref("Condition"), "type"),
    "currentHealthy": INT32,
    "desiredHealthy": INT32,
    "disruptedPods": MapOf(TIME),
    "disruptionsAllowed": INT32,
    "expectedPods": INT32,
    "observedGeneration": INT64,
}, required=("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"))
