"""rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

Upstream: ``staging/src/k8s.io/api/rbac/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    META,
    RBAC,
    STRING,
    atomic,
)

RBAC.kind("ClusterRoleBinding", {
    "roleRef": RBAC.ref("RoleRef"),
    "subjects": atomic(RBAC.ref("Subject")),
}, required=("roleRef",))

RBAC.kind("ClusterRole", {
    "aggregationRule": RBAC.ref("AggregationRule"),
    "rules": atomic(RBAC.ref("PolicyRule")),
})

RBAC.kind("RoleBinding", {
    "roleRef": RBAC.ref("RoleRef"),
    "subjects": atomic(RBAC.ref("Subject")),
}, required=("roleRef",))

RBAC.kind("Role", {
    "rules": atomic(RBAC.ref("PolicyRule")),
})

RBAC.struct("RoleRef", {
    "apiGroup": STRING,
    "kind": STRING,
    "name": STRING,
}, required=("apiGroup", "kind", "name"))

RBAC.struct("Subject", {
    "apiGroup": STRING,
    "kind": STRING,
    "name": STRING,
    "namespace": STRING,
}, required=("kind", "name"))

RBAC.struct("AggregationRule", {
    "clusterRoleSelectors": atomic(META.ref("LabelSelector")),
})

RBAC.struct("PolicyRule", {
    "apiGroups": atomic(STRING),
    "nonResourceURLs": atomic(STRING),
    "resourceNames": atomic(STRING),
    "resources": atomic(STRING),
    "verbs": atomic(STRING),
}, required=("verbs",))
