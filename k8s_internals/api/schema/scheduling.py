"""scheduling.k8s.io/v1: PriorityClass.

Upstream: ``staging/src/k8s.io/api/scheduling/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    BOOL,
    INT32,
    SCHEDULING,
    STRING,
    enum,
)

SCHEDULING.kind("PriorityClass", {
    "description": STRING,
    "globalDefault": BOOL,
    "preemptionPolicy": enum("Never", "PreemptLowerPriority"),
    "value": INT32,
}, required=("value",))
