"""authentication.k8s.io/v1: TokenRequest (the serviceaccounts/token subresource) and
SelfSubjectReview (``kubectl auth whoami``).

Upstream: ``staging/src/k8s.io/api/authentication/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    AUTHENTICATION,
    INT64,
    STRING,
    TIME,
    ListOf,
    MapOf,
    atomic,
)

AUTHENTICATION.plain_kind("TokenRequest", {
    "spec": AUTHENTICATION.ref("TokenRequestSpec"),
    "status": AUTHENTICATION.ref("TokenRequestStatus"),
}, required=("spec",))

AUTHENTICATION.struct("TokenRequestSpec", {
    "audiences": atomic(STRING),
    "boundObjectRef": AUTHENTICATION.ref("BoundObjectReference"),
    "expirationSeconds": INT64,
}, required=("audiences",))

AUTHENTICATION.struct("TokenRequestStatus", {
    "expirationTimestamp": TIME,
    "token": STRING,
}, required=("expirationTimestamp", "token"))

AUTHENTICATION.struct("BoundObjectReference", {
    "apiVersion": STRING,
    "kind": STRING,
    "name": STRING,
    "uid": STRING,
})

AUTHENTICATION.plain_kind("SelfSubjectReview", {
    "status": AUTHENTICATION.ref("SelfSubjectReviewStatus"),
})

AUTHENTICATION.struct("SelfSubjectReviewStatus", {
    "userInfo": AUTHENTICATION.ref("UserInfo"),
})

AUTHENTICATION.struct("UserInfo", {
    "extra": MapOf(ListOf(STRING)),
    "groups": atomic(STRING),
    "uid": STRING,
    "username": STRING,
})
