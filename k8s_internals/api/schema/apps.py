"""apps/v1: Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision.

Upstream: ``staging/src/k8s.io/api/apps/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    APPS,
    BOOL,
    CORE,
    INT32,
    INT64,
    INT_OR_STRING,
    META,
    RAW_EXTENSION,
    STRING,
    TIME,
    atomic,
    enum,
    merge_list,
)

APPS.kind("ControllerRevision", {
    "data": RAW_EXTENSION,
    "revision": INT64,
}, required=("revision",))

APPS.kind("DaemonSet", {
    "spec": APPS.ref("DaemonSetSpec"),
    "status": APPS.ref("DaemonSetStatus"),
})

APPS.kind("Deployment", {
    "spec": APPS.ref("DeploymentSpec"),
    "status": APPS.ref("DeploymentStatus"),
})

APPS.kind("ReplicaSet", {
    "spec": APPS.ref("ReplicaSetSpec"),
    "status": APPS.ref("ReplicaSetStatus"),
})

APPS.kind("StatefulSet", {
    "spec": APPS.ref("StatefulSetSpec"),
    "status": APPS.ref("StatefulSetStatus"),
})

APPS.struct("DaemonSetSpec", {
    "minReadySeconds": INT32,
    "revisionHistoryLimit": INT32,
    "selector": META.ref("LabelSelector"),
    "template": CORE.ref("PodTemplateSpec"),
    "updateStrategy": APPS.ref("DaemonSetUpdateStrategy"),
}, required=("selector", "template"))

APPS.struct("DaemonSetStatus", {
    "collisionCount": INT32,
    "conditions": merge_list(APPS.ref("DaemonSetCondition"), "type"),
    "currentNumberScheduled": INT32,
    "desiredNumberScheduled": INT32,
    "numberAvailable": INT32,
    "numberMisscheduled": INT32,
    "numberReady": INT32,
    "numberUnavailable": INT32,
    "observedGeneration": INT64,
    "updatedNumberScheduled": INT32,
}, required=("currentNumberScheduled", "desiredNumberScheduled", "numberMisscheduled",
             "numberReady"))

APPS.struct("DeploymentSpec", {
    "minReadySeconds": INT32,
    "paused": BOOL,
    "progressDeadlineSeconds": INT32,
    "replicas": INT32,
    "revisionHistoryLimit": INT32,
    "selector": META.ref("LabelSelector"),
    "strategy": APPS.ref("DeploymentStrategy", "retainKeys"),
    "template": CORE.ref("PodTemplateSpec"),
}, required=("selector", "template"))

APPS.struct("DeploymentStatus", {
    "availableReplicas": INT32,
    "collisionCount": INT32,
    "conditions": merge_list(APPS.ref("DeploymentCondition"), "type"),
    "observedGeneration": INT64,
    "readyReplicas": INT32,
    "replicas": INT32,
    "unavailableReplicas": INT32,
    "updatedReplicas": INT32,
})

APPS.struct("ReplicaSetSpec", {
    "minReadySeconds": INT32,
    "replicas": INT32,
    "selector": META.ref("LabelSelector"),
    "template": CORE.ref("PodTemplateSpec"),
}, required=("selector",))

APPS.struct("ReplicaSetStatus", {
    "availableReplicas": INT32,
    "conditions": merge_list(APPS.ref("ReplicaSetCondition"), "type"),
    "fullyLabeledReplicas": INT32,
    "observedGeneration": INT64,
    "readyReplicas": INT32,
    "replicas": INT32,
}, required=("replicas",))

APPS.struct("StatefulSetSpec", {
    "minReadySeconds": INT32,
    "ordinals": APPS.ref("StatefulSetOrdinals"),
    "persistentVolumeClaimRetentionPolicy":
        APPS.ref("StatefulSetPersistentVolumeClaimRetentionPolicy"),
    "podManagementPolicy": enum("OrderedReady", "Parallel"),
    "replicas": INT32,
    "revisionHistoryLimit": INT32,
    "selector": META.ref("LabelSelector"),
    "serviceName": STRING,
    "template": CORE.ref("PodTemplateSpec"),
    "updateStrategy": APPS.ref("StatefulSetUpdateStrategy"),
    "volumeClaimTemplates": atomic(CORE.ref("PersistentVolumeClaim")),
}, required=("selector", "serviceName", "template"))

APPS.struct("StatefulSetStatus", {
    "availableReplicas": INT32,
    "collisionCount": INT32,
    "conditions": merge_list(APPS.ref("StatefulSetCondition"), "type"),
    "currentReplicas": INT32,
    "currentRevision": STRING,
    "observedGeneration": INT64,
    "readyReplicas": INT32,
    "replicas": INT32,
    "updateRevision": STRING,
    "updatedReplicas": INT32,
}, required=("replicas",))

APPS.struct("DaemonSetUpdateStrategy", {
    "rollingUpdate": APPS.ref("RollingUpdateDaemonSet"),
    "type": enum("OnDelete", "RollingUpdate"),
})

APPS.struct("DaemonSetCondition", {
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

APPS.struct("DeploymentStrategy", {
    "rollingUpdate": APPS.ref("RollingUpdateDeployment"),
    "type": enum("Recreate", "RollingUpdate"),
})

APPS.struct("DeploymentCondition", {
    "lastTransitionTime": TIME,
    "lastUpdateTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

APPS.struct("ReplicaSetCondition", {
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

APPS.struct("StatefulSetOrdinals", {
    "start": INT32,
})

APPS.struct("StatefulSetPersistentVolumeClaimRetentionPolicy", {
    "whenDeleted": enum("Delete", "Retain"),
    "whenScaled": enum("Delete", "Retain"),
})

APPS.struct("StatefulSetUpdateStrategy", {
    "rollingUpdate": APPS.ref("RollingUpdateStatefulSetStrategy"),
    "type": enum("OnDelete", "RollingUpdate"),
})

APPS.struct("StatefulSetCondition", {
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

APPS.struct("RollingUpdateDaemonSet", {
    "maxSurge": INT_OR_STRING,
    "maxUnavailable": INT_OR_STRING,
})

APPS.struct("RollingUpdateDeployment", {
    "maxSurge": INT_OR_STRING,
    "maxUnavailable": INT_OR_STRING,
})

APPS.struct("RollingUpdateStatefulSetStrategy", {
    "maxUnavailable": INT_OR_STRING,
    "partition": INT32,
})
