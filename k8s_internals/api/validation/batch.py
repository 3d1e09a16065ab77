"""Validation of the ``batch/v1`` kinds, as ``pkg/apis/batch/validation/validation.go``.

Kinds: Job (create, update, status update), CronJob (create, update).

Covered: the generated selector and its labels (``validateGeneratedSelector`` with the
``batch.kubernetes.io/`` labels required, as for every new Job), the selector matching the
template, the non-negative counts, ``completionMode`` and its Indexed rules, the pod template
and its ``restartPolicy`` (``Required value: valid values: "OnFailure", "Never"``),
``podReplacementPolicy``; on update the immutable selector, completion mode and (unless the Job
is suspended) template. CronJobs: the schedule as ``cron.ParseStandard`` reads it
(``spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]``), no
``TZ=`` in it, ``timeZone``, ``concurrencyPolicy``, the job template (no selector of its own),
history limits, the 52-character name limit.

Not checked here (accepted as written): ``podFailurePolicy`` and ``successPolicy`` rules,
``managedBy``, elastic Indexed Jobs (changing ``completions`` with ``parallelism``), the status
update's consistency rules beyond non-negative counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..cron import CronError, load_location, parse_standard
from .core import TEMPLATE_OPTIONS, validate_pod_template_spec
from .field import ErrorList, Path, invalid, not_supported, required
from .meta import (
    jdict,
    jint,
    jstr,
    label_selector_as_selector,
    label_selector_value,
    normalize_json,
    validate_immutable_field,
    validate_kube_object_meta,
    validate_kube_object_meta_update,
    validate_label_selector,
    validate_nonnegative_field,
)
from .names import is_dns1123_label, name_is_dns_subdomain

__all__ = [
    "validate_cron_job",
    "validate_cron_job_update",
    "validate_job",
    "validate_job_status_update",
    "validate_job_update",
]

#: ``maxParallelismForIndexedJob``
MAX_PARALLELISM_FOR_INDEXED_JOB = 100000
#: ``validation.DNS1035LabelMaxLength - 11``: the controller appends ``-<minutes>``
MAX_CRON_JOB_NAME_LENGTH = 52
_TZ_CHARS = re.compile(r"^[A-Za-z\.\-_0-9+]{1,14}$")


def _has_label(meta: Mapping[str, Any], path: Path, key: str, expected: str) -> ErrorList:
    """``ValidateHasLabel``."""
    labels = jdict(meta.get("labels"))
    lpath = path.child("labels").key(key)
    if key not in labels:
        return ErrorList([required(lpath, f"must be '{expected}'")])
    if labels[key] != expected:
        return ErrorList([invalid(lpath, labels, f"must be '{expected}'")])
    return ErrorList()


def _validate_generated_selector(job: Mapping[str, Any]) -> ErrorList:
    """``validateGeneratedSelector`` (``validateBatchLabels`` true: every new Job has them)."""
    errs = ErrorList()
    spec, meta = jdict(job.get("spec")), jdict(job.get("metadata"))
    if spec.get("manualSelector") or spec.get("selector") is None:
        return errs
    uid, name = jstr(meta.get("uid")), jstr(meta.get("name"))
    if not uid:
        errs.append(required(Path("metadata", "uid"), ""))
    tmeta = jdict(jdict(spec.get("template")).get("metadata"))
    tpath = Path("spec", "template", "metadata")
    errs.extend(_has_label(tmeta, tpath, "controller-uid", uid))
    errs.extend(_has_label(tmeta, tpath, "job-name", name))
    errs.extend(_has_label(tmeta, tpath, "batch.kubernetes.io/controller-uid", uid))
    errs.extend(_has_label(tmeta, tpath, "batch.kubernetes.io/job-name", name))
    expected = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                "controller-uid": uid, "job-name": name}
    selector = label_selector_as_selector(spec.get("selector"))
    if selector is not None and not selector.matches(expected):
        errs.append(invalid(Path("spec", "selector"), label_selector_value(spec.get("selector")),
                            "`selector` not auto-generated"))
    return errs


def _validate_job_spec_common(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``validateJobSpec`` (shared by Jobs and CronJob job templates)."""
    errs = ErrorList()
    for f in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
              "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"):
        if spec.get(f) is not None:
            errs.extend(validate_nonnegative_field(jint(spec.get(f)), path.child(f)))
    if spec.get("maxFailedIndexes") is not None and spec.get("backoffLimitPerIndex") is None:
        errs.append(required(path.child("backoffLimitPerIndex"),
                             "when maxFailedIndexes is specified"))
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(not_supported(path.child("completionMode"), mode,
                                      ["NonIndexed", "Indexed"]))
        if mode == "Indexed":
            if spec.get("completions") is None:
                errs.append(required(path.child("completions"),
                                     "when completion mode is Indexed"))
            par = spec.get("parallelism")
            if par is not None and jint(par) > MAX_PARALLELISM_FOR_INDEXED_JOB:
                errs.append(invalid(path.child("parallelism"), jint(par),
                                    f"must be less than or equal to "
                                    f"{MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is "
                                    f"Indexed"))
    if mode in (None, "NonIndexed"):
        for f in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(f) is not None:
                errs.append(invalid(path.child(f), jint(spec.get(f)),
                                    "requires indexed completion mode"))
    rpp = spec.get("podReplacementPolicy")
    if rpp is not None:
        if spec.get("podFailurePolicy") is not None:
            if rpp != "Failed":
                errs.append(not_supported(path.child("podReplacementPolicy"), rpp, ["Failed"]))
        elif rpp not in ("Failed", "TerminatingOrFailed"):
            errs.append(not_supported(path.child("podReplacementPolicy"), rpp,
                                      ["Failed", "TerminatingOrFailed"]))
    template = jdict(spec.get("template"))
    errs.extend(validate_pod_template_spec(template, path.child("template"), TEMPLATE_OPTIONS))
    restart = jstr(jdict(template.get("spec")).get("restartPolicy"))
    rpath = path.child("template", "spec", "restartPolicy")
    if restart in ("Always", ""):
        errs.append(required(rpath, 'valid values: "OnFailure", "Never"'))
    elif restart not in ("OnFailure", "Never"):
        errs.append(not_supported(rpath, restart, ["OnFailure", "Never"]))
    elif spec.get("podFailurePolicy") is not None and restart != "Never":
        errs.append(invalid(rpath, restart,
                            'only "Never" is supported when podFailurePolicy is specified'))
    return errs


def _validate_job_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateJobSpec``: the common rules, the selector, the selector matching the
    template's labels."""
    errs = _validate_job_spec_common(spec, path)
    if spec.get("selector") is None:
        errs.append(required(path.child("selector"), ""))
    else:
        errs.extend(validate_label_selector(jdict(spec.get("selector")), path.child("selector")))
    selector = label_selector_as_selector(spec.get("selector"))
    if selector is not None:
        labels = jdict(jdict(jdict(spec.get("template")).get("metadata")).get("labels"))
        if not selector.matches(labels):
            errs.append(invalid(path.child("template", "metadata", "labels"), labels,
                                "`selector` does not match template `labels`"))
    return errs


def validate_job(job: Mapping[str, Any]) -> ErrorList:
    """``ValidateJob``."""
    meta, spec = jdict(job.get("metadata")), jdict(job.get("spec"))
    errs = validate_kube_object_meta(meta, True, name_is_dns_subdomain, Path("metadata"))
    errs.extend(_validate_generated_selector(job))
    errs.extend(_validate_job_spec(spec, Path("spec")))
    completions = spec.get("completions")
    if spec.get("completionMode") == "Indexed" and completions is not None \
            and jint(completions) > 0:
        hostname = f"{jstr(meta.get('name'))}-{jint(completions) - 1}"
        if is_dns1123_label(hostname):
            errs.append(invalid(Path("metadata", "name"), jstr(meta.get("name")),
                                f"will not able to create pod with invalid DNS label: "
                                f"{hostname}"))
    return errs


def validate_job_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateJobUpdate``: metadata, the spec, and ``ValidateJobSpecUpdate``'s immutable
    fields (the template may change only while the Job is suspended)."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    spec, ospec = jdict(new.get("spec")), jdict(old.get("spec"))
    errs.extend(_validate_job_spec(spec, Path("spec")))
    path = Path("spec")
    if normalize_json(spec.get("selector")) != normalize_json(ospec.get("selector")):
        errs.extend(validate_immutable_field(label_selector_value(spec.get("selector")),
                                             label_selector_value(ospec.get("selector")),
                                             path.child("selector")))
    if not ospec.get("suspend") and \
            normalize_json(spec.get("template")) != normalize_json(ospec.get("template")):
        errs.extend(validate_immutable_field(spec.get("template"), ospec.get("template"),
                                             path.child("template")))
    errs.extend(validate_immutable_field(spec.get("completionMode"),
                                         ospec.get("completionMode"),
                                         path.child("completionMode")))
    if spec.get("completionMode") != "Indexed":
        errs.extend(validate_immutable_field(spec.get("completions"), ospec.get("completions"),
                                             path.child("completions")))
    return errs


def validate_job_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateJobUpdateStatus``: metadata and non-negative counts."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    status = jdict(new.get("status"))
    for f in ("active", "succeeded", "failed", "ready", "terminating"):
        if status.get(f) is not None:
            errs.extend(validate_nonnegative_field(jint(status.get(f)),
                                                   Path("status").child(f)))
    return errs


# --------------------------------------------------------------------------------------------
# CronJob
# --------------------------------------------------------------------------------------------


def _validate_schedule(schedule: str, allow_tz: bool, time_zone: Any, path: Path) -> ErrorList:
    """``validateScheduleFormat``."""
    errs = ErrorList()
    try:
        parse_standard(schedule)
    except CronError as exc:
        errs.append(invalid(path, schedule, str(exc)))
    if allow_tz and "TZ" in schedule and time_zone is not None:
        errs.append(invalid(path, schedule,
                            "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
    elif not allow_tz and "TZ" in schedule:
        errs.append(invalid(path, schedule,
                            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    return errs


def _validate_time_zone(tz: Any, path: Path) -> ErrorList:
    """``validateTimeZone``."""
    if tz is None:
        return ErrorList()
    tz = jstr(tz)
    if not tz:
        return ErrorList([invalid(path, tz, "timeZone must be nil or non-empty string")])
    for part in tz.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_CHARS.match(part):
            return ErrorList([invalid(path, tz, f"unknown time zone {tz}")])
    errs = ErrorList()
    if tz.lower() == "local":
        errs.append(invalid(path, tz, "timeZone must be an explicit time zone as defined in "
                                      "https://www.iana.org/time-zones"))
    else:
        try:
            load_location(tz)
        except CronError as exc:
            errs.append(invalid(path, tz, str(exc)))
    return errs


def _validate_cron_job_spec(spec: Mapping[str, Any], old_spec: Mapping[str, Any] | None,
                            path: Path) -> ErrorList:
    """``validateCronJobSpec``."""
    errs = ErrorList()
    schedule = jstr(spec.get("schedule"))
    if not schedule:
        errs.append(required(path.child("schedule"), ""))
    else:
        allow_tz = old_spec is not None and "TZ" in jstr(old_spec.get("schedule"))
        errs.extend(_validate_schedule(schedule, allow_tz, spec.get("timeZone"),
                                       path.child("schedule")))
    if spec.get("startingDeadlineSeconds") is not None:
        errs.extend(validate_nonnegative_field(jint(spec.get("startingDeadlineSeconds")),
                                               path.child("startingDeadlineSeconds")))
    if old_spec is None or old_spec.get("timeZone") != spec.get("timeZone"):
        errs.extend(_validate_time_zone(spec.get("timeZone"), path.child("timeZone")))
    policy = jstr(spec.get("concurrencyPolicy"))
    if not policy:
        errs.append(required(path.child("concurrencyPolicy"), ""))
    elif policy not in ("Allow", "Forbid", "Replace"):
        errs.append(not_supported(path.child("concurrencyPolicy"), policy,
                                  ["Allow", "Forbid", "Replace"]))
    jt = jdict(spec.get("jobTemplate"))
    jt_spec = jdict(jt.get("spec"))
    jt_path = path.child("jobTemplate")
    errs.extend(_validate_job_spec_common(jt_spec, jt_path.child("spec")))
    if jt_spec.get("selector") is not None:
        errs.append(invalid(jt_path.child("spec", "selector"),
                            label_selector_value(jt_spec.get("selector")),
                            "`selector` will be auto-generated"))
    if jt_spec.get("manualSelector"):
        errs.append(not_supported(jt_path.child("spec", "manualSelector"), True,
                                  ["nil", "false"]))
    for f in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        if spec.get(f) is not None:
            errs.extend(validate_nonnegative_field(jint(spec.get(f)), path.child(f)))
    return errs


def validate_cron_job(cj: Mapping[str, Any]) -> ErrorList:
    """``ValidateCronJobCreate``."""
    meta = jdict(cj.get("metadata"))
    errs = validate_kube_object_meta(meta, True, name_is_dns_subdomain, Path("metadata"))
    errs.extend(_validate_cron_job_spec(jdict(cj.get("spec")), None, Path("spec")))
    name = jstr(meta.get("name"))
    if len(name) > MAX_CRON_JOB_NAME_LENGTH:
        errs.append(invalid(Path("metadata", "name"), name,
                            f"must be no more than {MAX_CRON_JOB_NAME_LENGTH} characters"))
    return errs


def validate_cron_job_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateCronJobUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_validate_cron_job_spec(jdict(new.get("spec")), jdict(old.get("spec")),
                                        Path("spec")))
    return errs
