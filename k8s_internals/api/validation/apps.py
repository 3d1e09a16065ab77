"""Validation of the ``apps/v1`` kinds, as ``pkg/apis/apps/validation/validation.go``, plus the
selector immutability that ``pkg/registry/apps/{deployment,replicaset,daemonset}/strategy.go``
add for ``apps/v1`` on update.

Kinds: Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision (create, update,
status update).

Upstream quirks kept on purpose: a ReplicaSet with an empty selector is told ``empty selector
is invalid for deployment``; a Deployment whose template sets ``activeDeadlineSeconds`` is told
``activeDeadlineSeconds in ReplicaSet is not Supported`` (both share the ReplicaSet check); a
StatefulSet's pod template is only checked for labels and annotations (its pods are validated
when the controller creates them). Struct values in messages (a strategy, a rolling update)
are printed as upstream's ``encoding/json`` prints the internal Go structs, with Go field
names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .core import TEMPLATE_OPTIONS, validate_pod_template_spec
from .field import ErrorList, GoStruct, Path, forbidden, invalid, not_supported, required
from .meta import (
    jdict,
    jint,
    jlist,
    jstr,
    label_selector_as_selector,
    label_selector_value,
    normalize_json,
    validate_annotations,
    validate_immutable_field,
    validate_kube_object_meta,
    validate_kube_object_meta_update,
    validate_label_selector,
    validate_labels,
    validate_nonnegative_field,
)
from .names import is_valid_percent, name_is_dns_label, name_is_dns_subdomain

__all__ = [
    "validate_controller_revision",
    "validate_controller_revision_update",
    "validate_daemon_set",
    "validate_daemon_set_status_update",
    "validate_daemon_set_update",
    "validate_deployment",
    "validate_deployment_status_update",
    "validate_deployment_update",
    "validate_replica_set",
    "validate_replica_set_status_update",
    "validate_replica_set_update",
    "validate_stateful_set",
    "validate_stateful_set_status_update",
    "validate_stateful_set_update",
]


# --------------------------------------------------------------------------------------------
# IntOrString helpers
# --------------------------------------------------------------------------------------------


def _percent_value(value: Any) -> int | None:
    """``getPercentValue``: the number of a ``"25%"``, or None."""
    if isinstance(value, str) and not is_valid_percent(value):
        return int(value[:-1])
    return None


def _int_or_percent_value(value: Any) -> int:
    """``getIntOrPercentValue``: a percent's number, an int, or ``Atoi`` of a string (0 if not
    a number)."""
    pct = _percent_value(value)
    if pct is not None:
        return pct
    if isinstance(value, str):
        try:
            return int(value, 10)
        except ValueError:
            return 0
    return jint(value)


def _validate_positive_int_or_percent(value: Any, path: Path) -> ErrorList:
    """``ValidatePositiveIntOrPercent``."""
    if isinstance(value, str):
        return ErrorList(invalid(path, value, m) for m in is_valid_percent(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return validate_nonnegative_field(value, path)
    return ErrorList([invalid(path, value, "must be an integer or percentage (e.g '5%%')")])


def _not_more_than_100_percent(value: Any, path: Path) -> ErrorList:
    """``IsNotMoreThan100Percent``."""
    pct = _percent_value(value)
    if pct is None or pct <= 100:
        return ErrorList()
    return ErrorList([invalid(path, value, "must not be greater than 100%")])


def _int_or_string(value: Any) -> Any:
    """An ``intstr.IntOrString`` as JSON (``null`` for a nil pointer)."""
    return value


# --------------------------------------------------------------------------------------------
# selectors and templates
# --------------------------------------------------------------------------------------------


def _validate_selector(spec: Mapping[str, Any], path: Path, kind: str) -> ErrorList:
    """The selector checks of the Deployment, ReplicaSet and StatefulSet specs."""
    selector = spec.get("selector")
    if selector is None:
        return ErrorList([required(path, "")])
    selector = jdict(selector)
    errs = validate_label_selector(selector, path)
    if not jdict(selector.get("matchLabels")) and not jlist(selector.get("matchExpressions")):
        errs.append(invalid(path, label_selector_value(selector),
                            f"empty selector is invalid for {kind}"))
    return errs


def _validate_template_for_replica_set(template: Mapping[str, Any], selector_obj: Any,
                                       path: Path) -> ErrorList:
    """``ValidatePodTemplateSpecForReplicaSet`` (Deployments use it too)."""
    errs = ErrorList()
    selector = label_selector_as_selector(selector_obj)
    assert selector is not None
    labels = jdict(jdict(template.get("metadata")).get("labels"))
    if not selector.empty() and not selector.matches(labels):
        errs.append(invalid(path.child("metadata", "labels"), labels,
                            "`selector` does not match template `labels`"))
    errs.extend(validate_pod_template_spec(template, path, TEMPLATE_OPTIONS))
    tspec = jdict(template.get("spec"))
    if jstr(tspec.get("restartPolicy")) != "Always":
        errs.append(not_supported(path.child("spec", "restartPolicy"),
                                  jstr(tspec.get("restartPolicy")), ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(forbidden(path.child("spec", "activeDeadlineSeconds"),
                              "activeDeadlineSeconds in ReplicaSet is not Supported"))
    return errs


def _selector_immutable(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """The ``apps/v1`` strategies: ``spec.selector: Invalid value: {...}: field is immutable``."""
    nsel = jdict(new.get("spec")).get("selector")
    osel = jdict(old.get("spec")).get("selector")
    if normalize_json(nsel) == normalize_json(osel):
        return ErrorList()
    return validate_immutable_field(label_selector_value(nsel), label_selector_value(osel),
                                    Path("spec").child("selector"))


def _status_counts(status: Mapping[str, Any], path: Path, fields: tuple[str, ...],
                   above_replicas: tuple[str, ...], ready_msg: str | None) -> ErrorList:
    """The shape of ``ValidateDeploymentStatus`` & co."""
    errs = ErrorList()
    for f in fields:
        errs.extend(validate_nonnegative_field(jint(status.get(f)), path.child(f)))
    replicas = jint(status.get("replicas"))
    for f in above_replicas:
        if jint(status.get(f)) > replicas:
            errs.append(invalid(path.child(f), jint(status.get(f)),
                                "cannot be greater than status.replicas"))
    if ready_msg is not None and \
            jint(status.get("availableReplicas")) > jint(status.get("readyReplicas")):
        errs.append(invalid(path.child("availableReplicas"), jint(status.get("availableReplicas")),
                            ready_msg))
    return errs


def _collision_count(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``IsDecremented`` on ``status.collisionCount``: ``cannot be decremented``."""
    n = jdict(new.get("status")).get("collisionCount")
    o = jdict(old.get("status")).get("collisionCount")
    if (n is None and o is not None) or (n is not None and o is not None and jint(n) < jint(o)):
        return ErrorList([invalid(Path("status").child("collisionCount"),
                                  0 if n is None else jint(n), "cannot be decremented")])
    return ErrorList()


# --------------------------------------------------------------------------------------------
# Deployment
# --------------------------------------------------------------------------------------------


def _go_deployment_strategy(strategy: Mapping[str, Any]) -> GoStruct:
    ru = strategy.get("rollingUpdate")
    go_ru = None if ru is None else GoStruct(
        MaxUnavailable=jdict(ru).get("maxUnavailable", 0), MaxSurge=jdict(ru).get("maxSurge", 0))
    return GoStruct(Type=jstr(strategy.get("type")), RollingUpdate=go_ru)


def _validate_deployment_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateDeploymentSpec``."""
    errs = validate_nonnegative_field(jint(spec.get("replicas")), path.child("replicas"))
    errs.extend(_validate_selector(spec, path.child("selector"), "deployment"))
    if label_selector_as_selector(spec.get("selector")) is None:
        errs.append(invalid(path.child("selector"), label_selector_value(spec.get("selector")),
                            "invalid label selector"))
    else:
        errs.extend(_validate_template_for_replica_set(jdict(spec.get("template")),
                                                       spec.get("selector"),
                                                       path.child("template")))
    strategy = jdict(spec.get("strategy"))
    spath = path.child("strategy")
    stype = jstr(strategy.get("type"))
    if stype == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            errs.append(forbidden(spath.child("rollingUpdate"),
                                  "may not be specified when strategy `type` is 'Recreate'"))
    elif stype == "RollingUpdate":
        ru = strategy.get("rollingUpdate")
        rpath = spath.child("rollingUpdate")
        if ru is None:
            errs.append(required(rpath, "this should be defaulted and never be nil"))
        else:
            ru = jdict(ru)
            unavailable, surge = ru.get("maxUnavailable", 0), ru.get("maxSurge", 0)
            errs.extend(_validate_positive_int_or_percent(unavailable,
                                                          rpath.child("maxUnavailable")))
            errs.extend(_validate_positive_int_or_percent(surge, rpath.child("maxSurge")))
            if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
                errs.append(invalid(rpath.child("maxUnavailable"), unavailable,
                                    "may not be 0 when `maxSurge` is 0"))
            errs.extend(_not_more_than_100_percent(unavailable, rpath.child("maxUnavailable")))
    else:
        errs.append(not_supported(spath, _go_deployment_strategy(strategy),
                                  ["Recreate", "RollingUpdate"]))
    min_ready = jint(spec.get("minReadySeconds"))
    errs.extend(validate_nonnegative_field(min_ready, path.child("minReadySeconds")))
    if spec.get("revisionHistoryLimit") is not None:
        errs.extend(validate_nonnegative_field(jint(spec.get("revisionHistoryLimit")),
                                               path.child("revisionHistoryLimit")))
    pds = spec.get("progressDeadlineSeconds")
    if pds is not None:
        errs.extend(validate_nonnegative_field(jint(pds), path.child("progressDeadlineSeconds")))
        if jint(pds) <= min_ready:
            errs.append(invalid(path.child("progressDeadlineSeconds"), jint(pds),
                                "must be greater than minReadySeconds"))
    return errs


def validate_deployment(obj: Mapping[str, Any]) -> ErrorList:
    """``ValidateDeployment``."""
    errs = validate_kube_object_meta(jdict(obj.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    errs.extend(_validate_deployment_spec(jdict(obj.get("spec")), Path("spec")))
    return errs


def validate_deployment_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateDeploymentUpdate`` plus the ``apps/v1`` selector immutability."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_validate_deployment_spec(jdict(new.get("spec")), Path("spec")))
    errs.extend(_selector_immutable(new, old))
    return errs


def validate_deployment_status_update(new: Mapping[str, Any],
                                      old: Mapping[str, Any]) -> ErrorList:
    """``ValidateDeploymentStatusUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    status = jdict(new.get("status"))
    errs.extend(_status_counts(status, Path("status"),
                               ("observedGeneration", "replicas", "updatedReplicas",
                                "readyReplicas", "availableReplicas", "unavailableReplicas"),
                               ("updatedReplicas", "readyReplicas", "availableReplicas"),
                               "cannot be greater than readyReplicas"))
    if status.get("collisionCount") is not None:
        errs.extend(validate_nonnegative_field(jint(status.get("collisionCount")),
                                               Path("status", "collisionCount")))
    errs.extend(_collision_count(new, old))
    return errs


# --------------------------------------------------------------------------------------------
# ReplicaSet
# --------------------------------------------------------------------------------------------


def _validate_replica_set_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateReplicaSetSpec``."""
    errs = validate_nonnegative_field(jint(spec.get("replicas")), path.child("replicas"))
    errs.extend(validate_nonnegative_field(jint(spec.get("minReadySeconds")),
                                           path.child("minReadySeconds")))
    errs.extend(_validate_selector(spec, path.child("selector"), "deployment"))
    if label_selector_as_selector(spec.get("selector")) is None:
        errs.append(invalid(path.child("selector"), label_selector_value(spec.get("selector")),
                            "invalid label selector"))
    else:
        errs.extend(_validate_template_for_replica_set(jdict(spec.get("template")),
                                                       spec.get("selector"),
                                                       path.child("template")))
    return errs


def validate_replica_set(obj: Mapping[str, Any]) -> ErrorList:
    """``ValidateReplicaSet``."""
    errs = validate_kube_object_meta(jdict(obj.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    errs.extend(_validate_replica_set_spec(jdict(obj.get("spec")), Path("spec")))
    return errs


def validate_replica_set_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateReplicaSetUpdate`` plus the ``apps/v1`` selector immutability."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_validate_replica_set_spec(jdict(new.get("spec")), Path("spec")))
    errs.extend(_selector_immutable(new, old))
    return errs


def validate_replica_set_status_update(new: Mapping[str, Any],
                                       old: Mapping[str, Any]) -> ErrorList:
    """``ValidateReplicaSetStatusUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_status_counts(jdict(new.get("status")), Path("status"),
                               ("replicas", "fullyLabeledReplicas", "readyReplicas",
                                "availableReplicas", "observedGeneration"),
                               ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"),
                               "cannot be greater than readyReplicas"))
    return errs


# --------------------------------------------------------------------------------------------
# StatefulSet
# --------------------------------------------------------------------------------------------


def _go_sts_rolling_update(ru: Any) -> Any:
    if ru is None:
        return None
    ru = jdict(ru)
    return GoStruct(Partition=jint(ru.get("partition")), MaxUnavailable=ru.get("maxUnavailable"))


def _validate_stateful_set_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateStatefulSetSpec``."""
    errs = ErrorList()
    pmp = jstr(spec.get("podManagementPolicy"))
    if not pmp:
        errs.append(required(path.child("podManagementPolicy"), ""))
    elif pmp not in ("OrderedReady", "Parallel"):
        errs.append(invalid(path.child("podManagementPolicy"), pmp,
                            "must be 'OrderedReady' or 'Parallel'"))
    strategy = jdict(spec.get("updateStrategy"))
    upath = path.child("updateStrategy")
    stype = jstr(strategy.get("type"))
    ru = strategy.get("rollingUpdate")
    if not stype:
        errs.append(required(upath, ""))
    elif stype == "OnDelete":
        if ru is not None:
            errs.append(invalid(upath.child("rollingUpdate"), _go_sts_rolling_update(ru),
                                "only allowed for updateStrategy 'RollingUpdate'"))
    elif stype == "RollingUpdate":
        if ru is not None:
            ru = jdict(ru)
            rpath = upath.child("rollingUpdate")
            errs.extend(validate_nonnegative_field(jint(ru.get("partition")),
                                                   rpath.child("partition")))
            mu = ru.get("maxUnavailable")
            if mu is not None:
                mpath = rpath.child("maxUnavailable")
                errs.extend(_validate_positive_int_or_percent(mu, mpath))
                if _int_or_percent_value(mu) == 0:
                    errs.append(invalid(mpath, mu, "cannot be 0"))
                errs.extend(_not_more_than_100_percent(mu, mpath))
    else:
        errs.append(invalid(upath, GoStruct(Type=stype, RollingUpdate=_go_sts_rolling_update(ru)),
                            "must be 'RollingUpdate' or 'OnDelete'"))
    policy = spec.get("persistentVolumeClaimRetentionPolicy")
    if policy is not None:
        ppath = path.child("persistentVolumeClaimRetentionPolicy")
        for key in ("whenDeleted", "whenScaled"):
            value = jstr(jdict(policy).get(key))
            if value not in ("Retain", "Delete"):
                errs.append(not_supported(ppath.child(key), value, ["Retain", "Delete"]))
    errs.extend(validate_nonnegative_field(jint(spec.get("replicas")), path.child("replicas")))
    errs.extend(validate_nonnegative_field(jint(spec.get("minReadySeconds")),
                                           path.child("minReadySeconds")))
    if spec.get("ordinals") is not None:
        errs.extend(validate_nonnegative_field(jint(jdict(spec.get("ordinals")).get("start")),
                                               path.child("ordinals.start")))
    errs.extend(_validate_selector(spec, path.child("selector"), "statefulset"))
    template = jdict(spec.get("template"))
    tpath = path.child("template")
    selector = label_selector_as_selector(spec.get("selector"))
    if selector is None:
        errs.append(invalid(path.child("selector"), label_selector_value(spec.get("selector")),
                            ""))
    else:
        meta = jdict(template.get("metadata"))
        labels = jdict(meta.get("labels"))
        if not selector.empty() and not selector.matches(labels):
            errs.append(invalid(tpath.child("metadata", "labels"), labels,
                                "`selector` does not match template `labels`"))
        errs.extend(validate_labels(labels, tpath.child("labels")))
        errs.extend(validate_annotations(jdict(meta.get("annotations")),
                                         tpath.child("annotations")))
    tspec = jdict(template.get("spec"))
    if jstr(tspec.get("restartPolicy")) != "Always":
        errs.append(not_supported(tpath.child("spec", "restartPolicy"),
                                  jstr(tspec.get("restartPolicy")), ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(forbidden(tpath.child("spec", "activeDeadlineSeconds"),
                              "activeDeadlineSeconds in StatefulSet is not Supported"))
    return errs


def validate_stateful_set(obj: Mapping[str, Any]) -> ErrorList:
    """``ValidateStatefulSet``: a DNS-label name (its pods are ``<name>-<ordinal>``)."""
    errs = validate_kube_object_meta(jdict(obj.get("metadata")), True, name_is_dns_label,
                                     Path("metadata"))
    errs.extend(_validate_stateful_set_spec(jdict(obj.get("spec")), Path("spec")))
    return errs


_STS_MUTABLE = ("replicas", "template", "updateStrategy", "minReadySeconds", "ordinals",
                "persistentVolumeClaimRetentionPolicy")


def validate_stateful_set_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateStatefulSetUpdate``: only replicas, ordinals, template, updateStrategy,
    persistentVolumeClaimRetentionPolicy and minReadySeconds may change."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_validate_stateful_set_spec(jdict(new.get("spec")), Path("spec")))
    nspec = {k: v for k, v in jdict(new.get("spec")).items() if k not in _STS_MUTABLE}
    ospec = {k: v for k, v in jdict(old.get("spec")).items() if k not in _STS_MUTABLE}
    if normalize_json(nspec) != normalize_json(ospec):
        errs.append(forbidden(Path("spec"),
                              "updates to statefulset spec for fields other than 'replicas', "
                              "'ordinals', 'template', 'updateStrategy', "
                              "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                              "forbidden"))
    return errs


def validate_stateful_set_status_update(new: Mapping[str, Any],
                                        old: Mapping[str, Any]) -> ErrorList:
    """``ValidateStatefulSetStatusUpdate``."""
    status = jdict(new.get("status"))
    errs = _status_counts(status, Path("status"),
                          ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas",
                           "availableReplicas"),
                          ("readyReplicas", "currentReplicas", "updatedReplicas",
                           "availableReplicas"),
                          "cannot be greater than status.readyReplicas")
    for key in ("observedGeneration", "collisionCount"):
        if status.get(key) is not None:
            errs.extend(validate_nonnegative_field(jint(status.get(key)), Path("status", key)))
    errs.extend(validate_kube_object_meta_update(jdict(new.get("metadata")),
                                                 jdict(old.get("metadata")), Path("metadata")))
    errs.extend(_collision_count(new, old))
    return errs


# --------------------------------------------------------------------------------------------
# DaemonSet
# --------------------------------------------------------------------------------------------


def _validate_daemon_set_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateDaemonSetSpec``."""
    errs = validate_label_selector(spec.get("selector"), path.child("selector"))
    template = jdict(spec.get("template"))
    tpath = path.child("template")
    selector = label_selector_as_selector(spec.get("selector"))
    labels = jdict(jdict(template.get("metadata")).get("labels"))
    if selector is not None and not selector.matches(labels):
        errs.append(invalid(tpath.child("metadata", "labels"), labels,
                            "`selector` does not match template `labels`"))
    sel = spec.get("selector")
    if sel is not None and not jdict(jdict(sel).get("matchLabels")) and \
            not jlist(jdict(sel).get("matchExpressions")):
        errs.append(invalid(path.child("selector"), label_selector_value(jdict(sel)),
                            "empty selector is invalid for daemonset"))
    errs.extend(validate_pod_template_spec(template, tpath, TEMPLATE_OPTIONS))
    tspec = jdict(template.get("spec"))
    if jstr(tspec.get("restartPolicy")) != "Always":
        errs.append(not_supported(tpath.child("spec", "restartPolicy"),
                                  jstr(tspec.get("restartPolicy")), ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(forbidden(tpath.child("spec", "activeDeadlineSeconds"),
                              "activeDeadlineSeconds in DaemonSet is not Supported"))
    errs.extend(validate_nonnegative_field(jint(spec.get("minReadySeconds")),
                                           path.child("minReadySeconds")))
    strategy = jdict(spec.get("updateStrategy"))
    upath = path.child("updateStrategy")
    stype = jstr(strategy.get("type"))
    if stype == "RollingUpdate":
        ru = strategy.get("rollingUpdate")
        if ru is None:
            errs.append(required(upath.child("rollingUpdate"), ""))
        else:
            ru = jdict(ru)
            rpath = upath.child("rollingUpdate")
            unavailable, surge = ru.get("maxUnavailable", 0), ru.get("maxSurge", 0)
            errs.extend(_validate_positive_int_or_percent(unavailable,
                                                          rpath.child("maxUnavailable")))
            errs.extend(_validate_positive_int_or_percent(surge, rpath.child("maxSurge")))
            errs.extend(_not_more_than_100_percent(unavailable, rpath.child("maxUnavailable")))
            errs.extend(_not_more_than_100_percent(surge, rpath.child("maxSurge")))
            has_unavailable = _int_or_percent_value(unavailable) != 0
            has_surge = _int_or_percent_value(surge) != 0
            if has_unavailable and has_surge:
                errs.append(invalid(rpath.child("maxSurge"), surge,
                                    "may not be set when maxUnavailable is non-zero"))
            elif not has_unavailable and not has_surge:
                errs.append(required(rpath.child("maxUnavailable"), "cannot be 0 when maxSurge "
                                                                    "is 0"))
    elif stype != "OnDelete":
        ru = strategy.get("rollingUpdate")
        go_ru = None if ru is None else GoStruct(MaxUnavailable=jdict(ru).get("maxUnavailable", 0),
                                                 MaxSurge=jdict(ru).get("maxSurge", 0))
        errs.append(not_supported(upath, GoStruct(Type=stype, RollingUpdate=go_ru),
                                  ["RollingUpdate", "OnDelete"]))
    if spec.get("revisionHistoryLimit") is not None:
        errs.extend(validate_nonnegative_field(jint(spec.get("revisionHistoryLimit")),
                                               path.child("revisionHistoryLimit")))
    return errs


def validate_daemon_set(obj: Mapping[str, Any]) -> ErrorList:
    """``ValidateDaemonSet``."""
    errs = validate_kube_object_meta(jdict(obj.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    errs.extend(_validate_daemon_set_spec(jdict(obj.get("spec")), Path("spec")))
    return errs


def validate_daemon_set_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateDaemonSetUpdate`` plus the ``apps/v1`` selector immutability."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_validate_daemon_set_spec(jdict(new.get("spec")), Path("spec")))
    errs.extend(_selector_immutable(new, old))
    return errs


def validate_daemon_set_status_update(new: Mapping[str, Any],
                                      old: Mapping[str, Any]) -> ErrorList:
    """``ValidateDaemonSetStatusUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    status = jdict(new.get("status"))
    for key in ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
                "numberReady", "observedGeneration", "updatedNumberScheduled", "numberAvailable",
                "numberUnavailable"):
        errs.extend(validate_nonnegative_field(jint(status.get(key)), Path("status", key)))
    if status.get("collisionCount") is not None:
        errs.extend(validate_nonnegative_field(jint(status.get("collisionCount")),
                                               Path("status", "collisionCount")))
    errs.extend(_collision_count(new, old))
    return errs


# --------------------------------------------------------------------------------------------
# ControllerRevision
# --------------------------------------------------------------------------------------------


def validate_controller_revision(obj: Mapping[str, Any]) -> ErrorList:
    """``ValidateControllerRevision``."""
    errs = validate_kube_object_meta(jdict(obj.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    if obj.get("data") is None:
        errs.append(required(Path("data"), "data is mandatory"))
    errs.extend(validate_nonnegative_field(jint(obj.get("revision")), Path("revision")))
    return errs


def validate_controller_revision_update(new: Mapping[str, Any],
                                        old: Mapping[str, Any]) -> ErrorList:
    """``ValidateControllerRevisionUpdate``: ``data`` is immutable."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(validate_controller_revision(new))
    errs.extend(validate_immutable_field(new.get("data"), old.get("data"), Path("data")))
    return errs
