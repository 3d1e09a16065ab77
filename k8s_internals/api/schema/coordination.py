"""coordination.k8s.io/v1: Lease (leader election, node heartbeats).

Upstream: ``staging/src/k8s.io/api/coordination/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    COORDINATION,
    INT32,
    MICRO_TIME,
    STRING,
)

COORDINATION.kind("Lease", {
    "spec": COORDINATION.ref("LeaseSpec"),
})

COORDINATION.struct("LeaseSpec", {
    "acquireTime": MICRO_TIME,
    "holderIdentity": STRING,
    "leaseDurationSeconds": INT32,
    "leaseTransitions": INT32,
    "preferredHolder": STRING,
    "renewTime": MICRO_TIME,
    "strategy": STRING,
})
