"""authorization.k8s.io/v1: SelfSubjectAccessReview, SelfSubjectRulesReview.

Upstream: ``staging/src/k8s.io/api/authorization/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    AUTHORIZATION,
    BOOL,
    META,
    STRING,
    atomic,
)

AUTHORIZATION.plain_kind("SelfSubjectAccessReview", {
    "spec": AUTHORIZATION.ref("SelfSubjectAccessReviewSpec"),
    "status": AUTHORIZATION.ref("SubjectAccessReviewStatus"),
}, required=("spec",))

AUTHORIZATION.plain_kind("SelfSubjectRulesReview", {
    "spec": AUTHORIZATION.ref("SelfSubjectRulesReviewSpec"),
    "status": AUTHORIZATION.ref("SubjectRulesReviewStatus"),
}, required=("spec",))

AUTHORIZATION.struct("SelfSubjectAccessReviewSpec", {
    "nonResourceAttributes": AUTHORIZATION.ref("NonResourceAttributes"),
    "resourceAttributes": AUTHORIZATION.ref("ResourceAttributes"),
})

AUTHORIZATION.struct("SubjectAccessReviewStatus", {
    "allowed": BOOL,
    "denied": BOOL,
    "evaluationError": STRING,
    "reason": STRING,
}, required=("allowed",))

AUTHORIZATION.struct("SelfSubjectRulesReviewSpec", {
    "namespace": STRING,
})

AUTHORIZATION.struct("SubjectRulesReviewStatus", {
    "evaluationError": STRING,
    "incomplete": BOOL,
    "nonResourceRules": atomic(AUTHORIZATION.ref("NonResourceRule")),
    "resourceRules": atomic(AUTHORIZATION.ref("ResourceRule")),
}, required=("incomplete", "nonResourceRules", "resourceRules"))

AUTHORIZATION.struct("NonResourceAttributes", {
    "path": STRING,
    "verb": STRING,
})

AUTHORIZATION.struct("ResourceAttributes", {
    "fieldSelector": AUTHORIZATION.ref("FieldSelectorAttributes"),
    "group": STRING,
    "labelSelector": AUTHORIZATION.ref("LabelSelectorAttributes"),
    "name": STRING,
    "namespace": STRING,
    "resource": STRING,
    "subresource": STRING,
    "verb": STRING,
    "version": STRING,
})

AUTHORIZATION.struct("NonResourceRule", {
    "nonResourceURLs": atomic(STRING),
    "verbs": atomic(STRING),
}, required=("verbs",))

AUTHORIZATION.struct("ResourceRule", {
    "apiGroups": atomic(STRING),
    "resourceNames": atomic(STRING),
    "resources": atomic(STRING),
    "verbs": atomic(STRING),
}, required=("verbs",))

AUTHORIZATION.struct("FieldSelectorAttributes", {
    "rawSelector": STRING,
    "requirements": atomic(META.ref("FieldSelectorRequirement")),
})

AUTHORIZATION.struct("LabelSelectorAttributes", {
    "rawSelector": STRING,
    "requirements": atomic(META.ref("LabelSelectorRequirement")),
})
