"""meta/v1: ObjectMeta, ListMeta, OwnerReference, ManagedFieldsEntry, LabelSelector, Condition,
DeleteOptions, Status, WatchEvent, Patch.

Upstream: ``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    BOOL,
    FIELDS_V1,
    INT32,
    INT64,
    LIST_META,
    META,
    RAW_EXTENSION,
    STRING,
    TIME,
    MapOf,
    Ref,
    atomic,
    merge_list,
    merge_set,
    set_of,
)

#: the API groups a generic meta kind (Status, DeleteOptions, WatchEvent) is registered in; the
#: OpenAPI document names each in ``x-kubernetes-group-version-kind``
GENERIC_GROUPS = ("", "apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling",
                  "coordination.k8s.io", "discovery.k8s.io", "policy",
                  "rbac.authorization.k8s.io", "scheduling.k8s.io", "storage.k8s.io")

META.struct("ListMeta", {
    "continue": STRING,
    "remainingItemCount": INT64,
    "resourceVersion": STRING,
    "selfLink": STRING,
})

META.struct("Status", {
    "apiVersion": STRING,
    "code": INT32,
    "details": META.ref("StatusDetails"),
    "kind": STRING,
    "message": STRING,
    "metadata": Ref(LIST_META),
    "reason": STRING,
    "status": STRING,
}, gvk=("", "v1", "Status"))

META.struct("WatchEvent", {
    "object": RAW_EXTENSION,
    "type": STRING,
}, required=("type", "object"), gvk=("", "v1", "WatchEvent"))

#: the body of a PATCH: JSON Patch, merge patch, strategic merge patch or apply configuration
META.struct("Patch", {})

META.struct("APIResource", {
    "categories": atomic(STRING),
    "group": STRING,
    "kind": STRING,
    "name": STRING,
    "namespaced": BOOL,
    "shortNames": atomic(STRING),
    "singularName": STRING,
    "storageVersionHash": STRING,
    "verbs": set_of(STRING),
    "version": STRING,
}, required=("name", "singularName", "namespaced", "kind", "verbs"))

META.struct("APIResourceList", {
    "apiVersion": STRING,
    "groupVersion": STRING,
    "kind": STRING,
    "resources": atomic(META.ref("APIResource")),
}, required=("groupVersion", "resources"), gvk=("", "v1", "APIResourceList"))

META.struct("Condition", {
    "lastTransitionTime": TIME,
    "message": STRING,
    "observedGeneration": INT64,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("lastTransitionTime", "message", "reason", "status", "type"))

META.struct("ObjectMeta", {
    "annotations": MapOf(STRING),
    "creationTimestamp": TIME,
    "deletionGracePeriodSeconds": INT64,
    "deletionTimestamp": TIME,
    "finalizers": merge_set(STRING),
    "generateName": STRING,
    "generation": INT64,
    "labels": MapOf(STRING),
    "managedFields": atomic(META.ref("ManagedFieldsEntry")),
    "name": STRING,
    "namespace": STRING,
    "ownerReferences": merge_list(META.ref("OwnerReference"), "uid"),
    "resourceVersion": STRING,
    "selfLink": STRING,
    "uid": STRING,
})

META.struct("DeleteOptions", {
    "apiVersion": STRING,
    "dryRun": atomic(STRING),
    "gracePeriodSeconds": INT64,
    "ignoreStoreReadErrorWithClusterBreakingPotential": BOOL,
    "kind": STRING,
    "orphanDependents": BOOL,
    "preconditions": META.ref("Preconditions"),
    "propagationPolicy": STRING,
})

META.struct("StatusDetails", {
    "causes": atomic(META.ref("StatusCause")),
    "group": STRING,
    "kind": STRING,
    "name": STRING,
    "retryAfterSeconds": INT32,
    "uid": STRING,
})

META.struct("ManagedFieldsEntry", {
    "apiVersion": STRING,
    "fieldsType": STRING,
    "fieldsV1": FIELDS_V1,
    "manager": STRING,
    "operation": STRING,
    "subresource": STRING,
    "time": TIME,
})

META.struct("OwnerReference", {
    "apiVersion": STRING,
    "blockOwnerDeletion": BOOL,
    "controller": BOOL,
    "kind": STRING,
    "name": STRING,
    "uid": STRING,
}, required=("apiVersion", "kind", "name", "uid"))

META.struct("LabelSelector", {
    "matchExpressions": atomic(META.ref("LabelSelectorRequirement")),
    "matchLabels": MapOf(STRING),
}, atomic=True)

META.struct("Preconditions", {
    "resourceVersion": STRING,
    "uid": STRING,
})

META.struct("StatusCause", {
    "field": STRING,
    "message": STRING,
    "reason": STRING,
})

META.struct("LabelSelectorRequirement", {
    "key": STRING,
    "operator": STRING,
    "values": atomic(STRING),
}, required=("key", "operator"))

META.struct("FieldSelectorRequirement", {
    "key": STRING,
    "operator": STRING,
    "values": atomic(STRING),
}, required=("key", "operator"))
