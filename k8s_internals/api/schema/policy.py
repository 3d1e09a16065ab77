"""policy/v1: Eviction (the pods/eviction subresource).

Upstream: ``staging/src/k8s.io/api/policy/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    META,
    POLICY,
)

POLICY.plain_kind("Eviction", {
    "deleteOptions": META.ref("DeleteOptions"),
})
