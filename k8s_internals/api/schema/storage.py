"""storage.k8s.io/v1: StorageClass.

Upstream: ``staging/src/k8s.io/api/storage/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    BOOL,
    CORE,
    STORAGE,
    STRING,
    MapOf,
    atomic,
    enum,
)

STORAGE.kind("StorageClass", {
    "allowVolumeExpansion": BOOL,
    "allowedTopologies": atomic(CORE.ref("TopologySelectorTerm")),
    "mountOptions": atomic(STRING),
    "parameters": MapOf(STRING),
    "provisioner": STRING,
    "reclaimPolicy": enum("Delete", "Recycle", "Retain"),
    "volumeBindingMode": enum("Immediate", "WaitForFirstConsumer"),
}, required=("provisioner",))
