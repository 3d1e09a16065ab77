"""autoscaling/v1: Scale (the /scale subresource of Deployments, ReplicaSets, StatefulSets
and ReplicationControllers).

Upstream: ``staging/src/k8s.io/api/autoscaling/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    AUTOSCALING,
    INT32,
    STRING,
)

AUTOSCALING.plain_kind("Scale", {
    "spec": AUTOSCALING.ref("ScaleSpec"),
    "status": AUTOSCALING.ref("ScaleStatus"),
})

AUTOSCALING.struct("ScaleSpec", {
    "replicas": INT32,
})

AUTOSCALING.struct("ScaleStatus", {
    "replicas": INT32,
    "selector": STRING,
}, required=("replicas",))
