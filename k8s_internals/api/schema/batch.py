"""batch/v1: Job and CronJob.

Upstream: ``staging/src/k8s.io/api/batch/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    BATCH,
    BOOL,
    CORE,
    INT32,
    INT64,
    META,
    STRING,
    TIME,
    atomic,
    enum,
    merge_list,
    set_of,
)

BATCH.kind("CronJob", {
    "spec": BATCH.ref("CronJobSpec"),
    "status": BATCH.ref("CronJobStatus"),
})

BATCH.kind("Job", {
    "spec": BATCH.ref("JobSpec"),
    "status": BATCH.ref("JobStatus"),
})

BATCH.struct("CronJobSpec", {
    "concurrencyPolicy": enum("Allow", "Forbid", "Replace"),
    "failedJobsHistoryLimit": INT32,
    "jobTemplate": BATCH.ref("JobTemplateSpec"),
    "schedule": STRING,
    "startingDeadlineSeconds": INT64,
    "successfulJobsHistoryLimit": INT32,
    "suspend": BOOL,
    "timeZone": STRING,
}, required=("jobTemplate", "schedule"))

BATCH.struct("CronJobStatus", {
    "active": atomic(CORE.ref("ObjectReference")),
    "lastScheduleTime": TIME,
    "lastSuccessfulTime": TIME,
})

BATCH.struct("JobTemplateSpec", {
    "metadata": META.ref("ObjectMeta"),
    "spec": BATCH.ref("JobSpec"),
})

BATCH.struct("JobSpec", {
    "activeDeadlineSeconds": INT64,
    "backoffLimit": INT32,
    "backoffLimitPerIndex": INT32,
    "completionMode": enum("Indexed", "NonIndexed"),
    "completions": INT32,
    "managedBy": STRING,
    "manualSelector": BOOL,
    "maxFailedIndexes": INT32,
    "parallelism": INT32,
    "podFailurePolicy": BATCH.ref("PodFailurePolicy"),
    "podReplacementPolicy": enum("Failed", "TerminatingOrFailed"),
    "selector": META.ref("LabelSelector"),
    "successPolicy": BATCH.ref("SuccessPolicy"),
    "suspend": BOOL,
    "template": CORE.ref("PodTemplateSpec"),
    "ttlSecondsAfterFinished": INT32,
}, required=("template",))

BATCH.struct("JobStatus", {
    "active": INT32,
    "completedIndexes": STRING,
    "completionTime": TIME,
    "conditions": merge_list(BATCH.ref("JobCondition"), "type"),
    "failed": INT32,
    "failedIndexes": STRING,
    "ready": INT32,
    "startTime": TIME,
    "succeeded": INT32,
    "terminating": INT32,
    "uncountedTerminatedPods": BATCH.ref("UncountedTerminatedPods"),
})

BATCH.struct("JobCondition", {
    "lastProbeTime": TIME,
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

BATCH.struct("UncountedTerminatedPods", {
    "failed": set_of(STRING),
    "succeeded": set_of(STRING),
})

BATCH.struct("PodFailurePolicy", {
    "rules": atomic(BATCH.ref("PodFailurePolicyRule")),
}, required=("rules",))

BATCH.struct("PodFailurePolicyRule", {
    "action": enum("Count", "FailIndex", "FailJob", "Ignore"),
    "onExitCodes": BATCH.ref("PodFailurePolicyOnExitCodesRequirement"),
    "onPodConditions": atomic(BATCH.ref("PodFailurePolicyOnPodConditionsPattern")),
}, required=("action",))

BATCH.struct("PodFailurePolicyOnExitCodesRequirement", {
    "containerName": STRING,
    "operator": enum("In", "NotIn"),
    "values": set_of(INT32),
}, required=("operator", "values"))

BATCH.struct("PodFailurePolicyOnPodConditionsPattern", {
    "status": STRING,
    "type": STRING,
}, required=("type",))

BATCH.struct("SuccessPolicy", {
    "rules": atomic(BATCH.ref("SuccessPolicyRule")),
}, required=("rules",))

BATCH.struct("SuccessPolicyRule", {
    "succeededCount": INT32,
    "succeededIndexes": STRING,
})
