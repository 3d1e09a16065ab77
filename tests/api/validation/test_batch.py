"""batch/v1: Job and CronJob defaults, the Job's generated selector, validation texts, and the
server-side printer rows.

Upstream: pkg/apis/batch/v1/defaults.go, pkg/registry/batch/job/strategy.go
(``generateSelector``), pkg/apis/batch/validation/validation.go,
pkg/printers/internalversion/printers.go (``printJob``, ``printCronJob``).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from random import Random
from typing import Any

import pytest

from k8s_internals.api.defaults import apply_defaults
from k8s_internals.api.printers import column_definitions, row_cells
from k8s_internals.api.resources import lookup
from k8s_internals.api.strategy import prepare_for_create
from k8s_internals.api.validation import validate

UID = "11111111-2222-4333-8444-555555555555"


def job(**spec: Any) -> dict[str, Any]:
    restart = spec.pop("restartPolicy", "Never")
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "pi", "namespace": "default"},
            "spec": {"template": {"spec": {"restartPolicy": restart, "containers": [
                {"name": "pi", "image": "perl"}]}}, **spec}}


def cronjob(schedule: str = "*/1 * * * *", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "hello", "namespace": "default"},
            "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "OnFailure",
                "containers": [{"name": "c", "image": "busybox"}]}}}}, **spec}}


def created(obj: dict[str, Any]) -> dict[str, Any]:
    """As the API server holds a new object: defaulted, then the strategy's PrepareForCreate."""
    obj = copy.deepcopy(obj)
    apply_defaults(obj)
    info = lookup("batch", "jobs" if obj["kind"] == "Job" else "cronjobs")
    assert info is not None
    prepare_for_create(info, obj, Random(0), "2025-01-01T00:00:00Z")
    obj["metadata"]["uid"] = UID
    if obj["kind"] == "Job" and not obj["spec"].get("manualSelector"):
        obj["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"] = UID
        labels = obj["spec"]["template"]["metadata"]["labels"]
        for k in ("batch.kubernetes.io/controller-uid", "controller-uid"):
            labels[k] = UID
    return obj


def check(obj: dict[str, Any]) -> list[str]:
    return [str(e) for e in validate(created(obj))]


# -- defaults ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "want"), [
    # neither set: both 1
    ({}, {"completions": 1, "parallelism": 1}),
    # only completions: parallelism 1
    ({"completions": 5}, {"completions": 5, "parallelism": 1}),
    # only parallelism: a work queue, completions stays unset
    ({"parallelism": 3}, {"parallelism": 3}),
])
def test_job_completions_and_parallelism(spec: dict[str, Any], want: dict[str, Any]) -> None:
    got = created(job(**spec))["spec"]
    assert {k: got[k] for k in ("completions", "parallelism") if k in got} == want


def test_job_defaults_and_generated_selector() -> None:
    obj = created(job())
    spec = obj["spec"]
    assert {k: spec[k] for k in ("backoffLimit", "completionMode", "suspend",
                                 "podReplacementPolicy", "manualSelector")} == {
        "backoffLimit": 6, "completionMode": "NonIndexed", "suspend": False,
        "podReplacementPolicy": "TerminatingOrFailed", "manualSelector": False}
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": UID}}
    labels = {"batch.kubernetes.io/controller-uid": UID, "batch.kubernetes.io/job-name": "pi",
              "controller-uid": UID, "job-name": "pi"}
    assert spec["template"]["metadata"]["labels"] == labels
    assert obj["status"] == {} and obj["metadata"]["generation"] == 1
    assert spec["template"]["spec"]["terminationGracePeriodSeconds"] == 30


def test_cronjob_defaults() -> None:
    spec = created(cronjob())["spec"]
    assert {k: spec[k] for k in ("concurrencyPolicy", "suspend", "successfulJobsHistoryLimit",
                                 "failedJobsHistoryLimit")} == {
        "concurrencyPolicy": "Allow", "suspend": False, "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 1}
    job_spec = spec["jobTemplate"]["spec"]
    assert "backoffLimit" not in job_spec          # SetDefaults_Job is for Jobs only
    assert job_spec["template"]["spec"]["dnsPolicy"] == "ClusterFirst"


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(("obj", "errors"), [
    (job(), []),
    (job(restartPolicy="Always"),
     ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']),
    # the pod template's own check, then the Job's
    (job(restartPolicy="Sometimes"),
     ['spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: '
      '"Always", "OnFailure", "Never"',
      'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: '
      '"OnFailure", "Never"']),
    (job(completions=-1), ["spec.completions: Invalid value: -1: must be greater than or "
                           "equal to 0"]),
    (job(backoffLimit=-2), ["spec.backoffLimit: Invalid value: -2: must be greater than or "
                            "equal to 0"]),
    (job(completionMode="Indexed", parallelism=2, completions=None),
     ["spec.completions: Required value: when completion mode is Indexed"]),
    (job(manualSelector=True, selector={"matchLabels": {"a": "b"}}),
     ['spec.template.metadata.labels: Invalid value: {}: `selector` does not match template '
      '`labels`']),
])
def test_job_validation(obj: dict[str, Any], errors: list[str]) -> None:
    if obj["spec"].get("completions", 0) is None:
        del obj["spec"]["completions"]
    assert check(obj) == errors


def test_job_with_a_conflicting_generated_label() -> None:
    obj = job()
    obj["spec"]["template"]["metadata"] = {"labels": {"job-name": "other"}}
    assert check(obj) == [
        'spec.template.metadata.labels[job-name]: Invalid value: {"batch.kubernetes.io/'
        f'controller-uid":"{UID}","batch.kubernetes.io/job-name":"pi","controller-uid":'
        f'"{UID}","job-name":"other"}}: must be \'pi\'']


@pytest.mark.parametrize(("obj", "errors"), [
    (cronjob(), []),
    (cronjob("@hourly"), []),
    (cronjob("bad"),
     ['spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]']),
    (cronjob("61 * * * *"),
     ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']),
    (cronjob("CRON_TZ=UTC * * * * *"),
     ['spec.schedule: Invalid value: "CRON_TZ=UTC * * * * *": cannot use TZ or CRON_TZ in '
      'schedule, use timeZone field instead']),
    (cronjob(timeZone="Mars/Olympus"),
     ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']),
    (cronjob(concurrencyPolicy="Sometimes"),
     ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", '
      '"Forbid", "Replace"']),
    (cronjob(successfulJobsHistoryLimit=-1),
     ["spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to "
      "0"]),
])
def test_cronjob_validation(obj: dict[str, Any], errors: list[str]) -> None:
    assert check(obj) == errors


def test_cronjob_name_is_at_most_52_characters() -> None:
    obj = cronjob()
    obj["metadata"]["name"] = "x" * 53
    assert check(obj) == [f'metadata.name: Invalid value: "{"x" * 53}": must be no more than '
                          f"52 characters"]


# -- printers ----------------------------------------------------------------------------------

NOW = datetime(2025, 1, 1, 0, 10, tzinfo=UTC)


def _names(kind: str) -> list[str]:
    return [c["name"] for c in column_definitions("batch", kind)]


def test_columns() -> None:
    assert _names("Job") == ["Name", "Status", "Completions", "Duration", "Age", "Containers",
                             "Images", "Selector"]
    assert _names("CronJob") == ["Name", "Schedule", "Timezone", "Suspend", "Active",
                                 "Last Schedule", "Age", "Containers", "Images", "Selector"]


def _cond(ctype: str) -> dict[str, str]:
    return {"type": ctype, "status": "True"}


@pytest.mark.parametrize(("spec", "status", "deleting", "cells"), [
    ({"completions": 3}, {"startTime": "2025-01-01T00:00:00Z", "succeeded": 1}, False,
     ["Running", "1/3", "10m"]),
    ({"completions": 1}, {"startTime": "2025-01-01T00:00:00Z", "succeeded": 1,
                          "completionTime": "2025-01-01T00:00:08Z",
                          "conditions": [_cond("SuccessCriteriaMet"), _cond("Complete")]},
     False, ["Complete", "1/1", "8s"]),
    ({"parallelism": 3}, {}, False, ["Running", "0/1 of 3", ""]),        # a work queue
    ({"completions": 1}, {"conditions": [_cond("FailureTarget")]}, False,
     ["FailureTarget", "0/1", ""]),
    ({"completions": 1}, {"conditions": [_cond("FailureTarget"), _cond("Failed")]}, True,
     ["Failed", "0/1", ""]),
    ({"completions": 1}, {}, True, ["Terminating", "0/1", ""]),
    ({"completions": 1}, {"conditions": [_cond("Suspended")]}, False, ["Suspended", "0/1", ""]),
])
def test_job_rows(spec: dict[str, Any], status: dict[str, Any], deleting: bool,
                  cells: list[str]) -> None:
    obj = created(job(**spec))
    obj["status"] = status
    if deleting:
        obj["metadata"]["deletionTimestamp"] = "2025-01-01T00:09:00Z"
    row = row_cells("batch", "Job", obj, NOW)
    assert row[:5] == ["pi", *cells, "10m"]
    assert row[5:] == ["pi", "perl", f"batch.kubernetes.io/controller-uid={UID}"]


def test_cronjob_row() -> None:
    obj = created(cronjob())
    obj["status"] = {"active": [{"name": "a"}], "lastScheduleTime": "2025-01-01T00:09:00Z"}
    assert row_cells("batch", "CronJob", obj, NOW) == [
        "hello", "*/1 * * * *", "<none>", "false", 1, "60s", "10m", "c", "busybox", "<none>"]
