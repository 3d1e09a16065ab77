"""Deployment arithmetic and bookkeeping: surge and unavailability, proportions, revisions,
annotations, conditions, which ReplicaSet is new.

Upstream: ``pkg/controller/deployment/util/deployment_util.go`` in kubernetes/kubernetes (every
function below keeps its upstream name in the docstring), ``staging/src/k8s.io/apimachinery/
pkg/util/intstr/intstr.go`` (``GetScaledValueFromIntOrPercent``), ``pkg/util/labels/labels.go``
(``CloneAndAddLabel``, ``CloneSelectorAndAddLabel``) and ``client-go/listers/apps/v1/
deployment_expansion.go`` / ``GetDeploymentsForReplicaSet``.

The two numbers of a rolling update, for ``spec.replicas`` = 10 and the default 25% / 25%::

    maxSurge       = ceil(25% of 10)  = ceil(2.5)  = 3   → at most 13 pods in total
    maxUnavailable = floor(25% of 10) = floor(2.5) = 2   → at least 8 pods available

(``ResolveFenceposts``: if both round to 0, ``maxUnavailable`` becomes 1 so the rollout can
move.) Percentages are computed in float64 as upstream (``value * total / 100``).

Annotations on ReplicaSets: ``deployment.kubernetes.io/revision`` (the rollout sequence number),
``deployment.kubernetes.io/revision-history`` (revisions an RS served before a rollback made it
new again), ``deployment.kubernetes.io/desired-replicas`` and
``deployment.kubernetes.io/max-replicas`` (the Deployment's size and size + surge when the RS
was last scaled: they tell a scaling event from a rollout and drive proportional scaling).
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ...api.selectors import selecting
from ..controller_utils import (
    JSON,
    ControllerError,
    filter_active_replica_sets,
    parse_time,
    replica_sets_by_creation_timestamp,
    rs_by_creation_less,
)

__all__ = [
    "DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY",
    "DESIRED_REPLICAS_ANNOTATION",
    "MAX_INT32",
    "MAX_REPLICAS_ANNOTATION",
    "REVISION_ANNOTATION",
    "REVISION_HISTORY_ANNOTATION",
    "deployment_complete",
    "deployment_progressing",
    "deployment_timed_out",
    "equal_ignore_hash",
    "find_active_or_latest",
    "find_new_replica_set",
    "find_old_replica_sets",
    "get_replica_set_proportion",
    "get_scaled_value_from_int_or_percent",
    "is_saturated",
    "max_surge",
    "max_unavailable",
    "new_rs_new_replicas",
    "resolve_fenceposts",
]

# -- names ----------------------------------------------------------------------------------------

#: ``apps.DefaultDeploymentUniqueLabelKey``
DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY = "pod-template-hash"
REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas"
#: ``apps.DeprecatedRollbackTo``: the annotation that carried ``spec.rollbackTo`` of
#: extensions/v1beta1 and apps/v1beta1 Deployments
DEPRECATED_ROLLBACK_TO = "deprecated.deployment.rollback.to"
#: ``v1.LastAppliedConfigAnnotation``
LAST_APPLIED_CONFIG_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
MAX_INT32 = 2**31 - 1

#: event reasons for rollbacks
ROLLBACK_REVISION_NOT_FOUND = "DeploymentRollbackRevisionNotFound"
ROLLBACK_TEMPLATE_UNCHANGED = "DeploymentRollbackTemplateUnchanged"
ROLLBACK_DONE = "DeploymentRollback"

#: condition reasons — Progressing
REPLICA_SET_UPDATED_REASON = "ReplicaSetUpdated"
FAILED_RS_CREATE_REASON = "ReplicaSetCreateError"
NEW_REPLICA_SET_REASON = "NewReplicaSetCreated"
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
PAUSED_DEPLOY_REASON = "DeploymentPaused"
RESUMED_DEPLOY_REASON = "DeploymentResumed"
#: condition reasons — Available
MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable"

#: condition types
DEPLOYMENT_AVAILABLE = "Available"
DEPLOYMENT_PROGRESSING = "Progressing"
DEPLOYMENT_REPLICA_FAILURE = "ReplicaFailure"

ANNOTATIONS_TO_SKIP = frozenset({
    LAST_APPLIED_CONFIG_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
    DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, DEPRECATED_ROLLBACK_TO,
})


# -- small accessors ------------------------------------------------------------------------------


def replicas(obj: Mapping[str, Any] | None) -> int:
    """``*(x.Spec.Replicas)`` (0 for ``None``)."""
    if obj is None:
        return 0
    return int((obj.get("spec") or {}).get("replicas", 0) or 0)


def status_int(obj: Mapping[str, Any] | None, field: str) -> int:
    if obj is None:
        return 0
    return int((obj.get("status") or {}).get(field, 0) or 0)


def annotations(obj: Mapping[str, Any]) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("annotations") or {})


def _set_annotations(obj: JSON, ann: dict[str, str]) -> None:
    obj.setdefault("metadata", {})["annotations"] = ann


def strategy_type(d: Mapping[str, Any]) -> str:
    return str(((d.get("spec") or {}).get("strategy") or {}).get("type", "RollingUpdate"))


def is_rolling_update(d: Mapping[str, Any]) -> bool:
    """``IsRollingUpdate``."""
    return strategy_type(d) == "RollingUpdate"


# -- intstr ---------------------------------------------------------------------------------------


def get_scaled_value_from_int_or_percent(value: Any, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``: an int is itself; ``"25%"`` is 25% of
    ``total`` rounded up or down.

    >>> get_scaled_value_from_int_or_percent("25%", 10, True), \\
    ...     get_scaled_value_from_int_or_percent("25%", 10, False)
    (3, 2)
    """
    if value is None:
        raise ControllerError("nil value for IntOrString")
    if isinstance(value, bool):
        raise ControllerError(f"invalid value for IntOrString: invalid type: {value!r}")
    if isinstance(value, int):
        return value
    s = str(value)
    if not s.endswith("%"):
        raise ControllerError(
            "invalid value for IntOrString: invalid type: string is not a percentage")
    try:
        v = int(s[:-1])
    except ValueError as err:
        raise ControllerError(f"invalid value for IntOrString: invalid value {s!r}: {err}"
                              ) from err
    scaled = float(v) * float(total) / 100
    return int(math.ceil(scaled) if round_up else math.floor(scaled))


def _rolling(d: Mapping[str, Any]) -> Mapping[str, Any]:
    return ((d.get("spec") or {}).get("strategy") or {}).get("rollingUpdate") or {}


def resolve_fenceposts(max_surge_v: Any, max_unavailable_v: Any, desired: int) -> tuple[int, int]:
    """``ResolveFenceposts``: (surge rounded up, unavailable rounded down); both 0 → (0, 1).

    >>> resolve_fenceposts("25%", "25%", 10)
    (3, 2)
    >>> resolve_fenceposts("1%", "1%", 2)   # ceil(0.02)=1, floor(0.02)=0
    (1, 0)
    >>> resolve_fenceposts(0, "1%", 2)      # both resolve to 0: unavailable becomes 1
    (0, 1)
    """
    surge = get_scaled_value_from_int_or_percent(
        0 if max_surge_v is None else max_surge_v, desired, True)
    unavailable = get_scaled_value_from_int_or_percent(
        0 if max_unavailable_v is None else max_unavailable_v, desired, False)
    if surge == 0 and unavailable == 0:
        # "Validation should never allow the user to explicitly use zero values for both
        # maxSurge maxUnavailable. Due to rounding down maxUnavailable though, it may resolve
        # to zero." — set maxUnavailable to 1 "on the theory that surge might not work due to
        # quota".
        unavailable = 1
    return surge, unavailable


def max_unavailable(d: Mapping[str, Any]) -> int:
    """``MaxUnavailable``: 0 unless RollingUpdate with replicas > 0; capped at replicas."""
    n = replicas(d)
    if not is_rolling_update(d) or n == 0:
        return 0
    ru = _rolling(d)
    _, unavailable = resolve_fenceposts(ru.get("maxSurge"), ru.get("maxUnavailable"), n)
    return min(unavailable, n)


def min_available(d: Mapping[str, Any]) -> int:
    """``MinAvailable``."""
    if not is_rolling_update(d):
        return 0
    return replicas(d) - max_unavailable(d)


def max_surge(d: Mapping[str, Any]) -> int:
    """``MaxSurge``: 0 unless RollingUpdate."""
    if not is_rolling_update(d):
        return 0
    ru = _rolling(d)
    surge, _ = resolve_fenceposts(ru.get("maxSurge"), ru.get("maxUnavailable"), replicas(d))
    return surge


# -- conditions -----------------------------------------------------------------------------------


def new_deployment_condition(cond_type: str, status: str, reason: str, message: str,
                             now: str) -> JSON:
    """``NewDeploymentCondition``: both times are ``now`` (an RFC 3339 string)."""
    return {"type": cond_type, "status": status, "lastUpdateTime": now,
            "lastTransitionTime": now, "reason": reason, "message": message}


def get_deployment_condition(status: Mapping[str, Any], cond_type: str) -> JSON | None:
    """``GetDeploymentCondition``."""
    for c in status.get("conditions") or []:
        if c.get("type") == cond_type:
            return dict(c)
    return None


def set_deployment_condition(status: JSON, condition: JSON) -> None:
    """``SetDeploymentCondition``: no-op if one with the same status and reason exists; keep
    ``lastTransitionTime`` if only the reason changes."""
    current = get_deployment_condition(status, condition["type"])
    if current is not None and current.get("status") == condition["status"] and \
            current.get("reason") == condition["reason"]:
        return
    condition = dict(condition)
    if current is not None and current.get("status") == condition["status"]:
        condition["lastTransitionTime"] = current.get("lastTransitionTime")
    status["conditions"] = [c for c in status.get("conditions") or []
                            if c.get("type") != condition["type"]] + [condition]


def remove_deployment_condition(status: JSON, cond_type: str) -> None:
    """``RemoveDeploymentCondition``."""
    status["conditions"] = [c for c in status.get("conditions") or []
                            if c.get("type") != cond_type]


def replica_set_to_deployment_condition(cond: Mapping[str, Any]) -> JSON:
    """``ReplicaSetToDeploymentCondition``."""
    return {"type": cond.get("type"), "status": cond.get("status"),
            "lastUpdateTime": cond.get("lastTransitionTime"),
            "lastTransitionTime": cond.get("lastTransitionTime"),
            "reason": cond.get("reason", ""), "message": cond.get("message", "")}


# -- revisions and annotations ---------------------------------------------------------------------


def revision(obj: Mapping[str, Any]) -> int:
    """``Revision``: the revision annotation as an int (0 when absent; raises ValueError)."""
    v = annotations(obj).get(REVISION_ANNOTATION)
    return 0 if v is None else int(v, 10)


def max_revision(rss: Iterable[JSON | None]) -> int:
    """``MaxRevision``: unparsable revisions are skipped."""
    best = 0
    for rs in rss:
        if rs is None:
            continue
        try:
            best = max(best, revision(rs))
        except ValueError:
            continue
    return best


def last_revision(rss: Iterable[JSON | None]) -> int:
    """``LastRevision``: the second highest revision."""
    best = second = 0
    for rs in rss:
        if rs is None:
            continue
        try:
            v = revision(rs)
        except ValueError:
            continue
        if v >= best:
            second, best = best, v
        elif v > second:
            second = v
    return second


def set_deployment_revision(d: JSON, rev: str) -> bool:
    """``SetDeploymentRevision``: set the Deployment's revision annotation; changed?"""
    ann = annotations(d)
    if ann.get(REVISION_ANNOTATION) != rev:
        ann[REVISION_ANNOTATION] = rev
        _set_annotations(d, ann)
        return True
    return False


def copy_deployment_annotations_to_replica_set(d: Mapping[str, Any], rs: JSON) -> bool:
    """``copyDeploymentAnnotationsToReplicaSet``: every annotation but the skipped ones."""
    changed = False
    ann = annotations(rs)
    for k, v in annotations(d).items():
        if k in ANNOTATIONS_TO_SKIP or ann.get(k) == v:
            continue
        ann[k] = v
        changed = True
    _set_annotations(rs, ann)
    return changed


def set_replicas_annotations(rs: JSON, desired: int, max_replicas: int) -> bool:
    """``SetReplicasAnnotations``: desired-replicas and max-replicas; changed?"""
    ann = annotations(rs)
    updated = False
    if ann.get(DESIRED_REPLICAS_ANNOTATION) != str(desired):
        ann[DESIRED_REPLICAS_ANNOTATION] = str(desired)
        updated = True
    if ann.get(MAX_REPLICAS_ANNOTATION) != str(max_replicas):
        ann[MAX_REPLICAS_ANNOTATION] = str(max_replicas)
        updated = True
    _set_annotations(rs, ann)
    return updated


def replicas_annotations_need_update(rs: Mapping[str, Any], desired: int,
                                     max_replicas: int) -> bool:
    """``ReplicasAnnotationsNeedUpdate``."""
    ann = annotations(rs)
    return (ann.get(DESIRED_REPLICAS_ANNOTATION) != str(desired)
            or ann.get(MAX_REPLICAS_ANNOTATION) != str(max_replicas))


def set_new_replica_set_annotations(d: Mapping[str, Any], new_rs: JSON, new_revision: str,
                                    exists: bool, rev_history_limit_in_chars: int) -> bool:
    """``SetNewReplicaSetAnnotations``: copy the Deployment's annotations, raise the revision
    to ``new_revision`` (remembering the old one in revision-history when an old RS becomes new
    again, within ``rev_history_limit_in_chars``), and for a new RS the replica annotations."""
    changed = copy_deployment_annotations_to_replica_set(d, new_rs)
    ann = annotations(new_rs)
    old_revision = ann.get(REVISION_ANNOTATION)
    had_revision = old_revision is not None
    try:
        old_int = int(old_revision, 10) if old_revision else 0
    except ValueError:
        return False  # "Updating replica set revision OldRevision not int"
    try:
        new_int = int(new_revision, 10)
    except ValueError:
        return False
    if old_int < new_int:
        ann[REVISION_ANNOTATION] = new_revision
        changed = True
    if had_revision and old_int < new_int:
        history = ann.get(REVISION_HISTORY_ANNOTATION, "")
        old_revisions = history.split(",")
        if not old_revisions[0]:
            ann[REVISION_HISTORY_ANNOTATION] = str(old_revision)
        else:
            total = len(history) + len(str(old_revision)) + 1
            start = 0
            while total > rev_history_limit_in_chars and start < len(old_revisions):
                total -= len(old_revisions[start]) + 1
                start += 1
            if total <= rev_history_limit_in_chars:
                ann[REVISION_HISTORY_ANNOTATION] = ",".join(
                    [*old_revisions[start:], str(old_revision)])
    _set_annotations(new_rs, ann)
    if not exists and set_replicas_annotations(new_rs, replicas(d), replicas(d) + max_surge(d)):
        changed = True
    return changed


def set_deployment_annotations_to(d: JSON, rollback_to_rs: Mapping[str, Any]) -> None:
    """``SetDeploymentAnnotationsTo``: the Deployment takes the RS's (non-skipped)
    annotations."""
    ann = {k: v for k, v in annotations(d).items() if k in ANNOTATIONS_TO_SKIP}
    for k, v in annotations(rollback_to_rs).items():
        if k not in ANNOTATIONS_TO_SKIP:
            ann[k] = v
    _set_annotations(d, ann)


def get_int_from_annotation(rs: Mapping[str, Any], key: str) -> int | None:
    """``getIntFromAnnotation``: ``None`` when absent or not an int."""
    v = annotations(rs).get(key)
    if v is None:
        return None
    try:
        return int(v, 10)
    except ValueError:
        return None


def get_desired_replicas_annotation(rs: Mapping[str, Any]) -> int | None:
    """``GetDesiredReplicasAnnotation``."""
    return get_int_from_annotation(rs, DESIRED_REPLICAS_ANNOTATION)


# -- which replica sets ----------------------------------------------------------------------------


def _semantic(obj: Any) -> Any:
    """``equality.Semantic``'s view of JSON: nil and empty maps/slices are equal."""
    if isinstance(obj, Mapping):
        return {k: _semantic(v) for k, v in obj.items() if v not in (None, {}, [])}
    if isinstance(obj, list):
        return [_semantic(v) for v in obj]
    return obj


def equal_ignore_hash(t1: Mapping[str, Any], t2: Mapping[str, Any]) -> bool:
    """``EqualIgnoreHash``: templates equal once the ``pod-template-hash`` label is removed."""
    def strip(t: Mapping[str, Any]) -> Any:
        t = copy.deepcopy(dict(t))
        labels = (t.get("metadata") or {}).get("labels")
        if isinstance(labels, dict):
            labels.pop(DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, None)
        return _semantic(t)
    return bool(strip(t1) == strip(t2))


def _template(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return (obj.get("spec") or {}).get("template") or {}


def find_new_replica_set(d: Mapping[str, Any], rs_list: Iterable[JSON]) -> JSON | None:
    """``FindNewReplicaSet``: the oldest RS whose template equals the Deployment's."""
    for rs in replica_sets_by_creation_timestamp(rs_list):
        if equal_ignore_hash(_template(rs), _template(d)):
            return rs
    return None


def find_old_replica_sets(d: Mapping[str, Any], rs_list: list[JSON]
                          ) -> tuple[list[JSON], list[JSON]]:
    """``FindOldReplicaSets``: (old RSes with replicas, all old RSes)."""
    new_rs = find_new_replica_set(d, rs_list)
    new_uid = new_rs["metadata"]["uid"] if new_rs is not None else None
    required: list[JSON] = []
    all_rss: list[JSON] = []
    for rs in rs_list:
        if new_uid is not None and rs["metadata"]["uid"] == new_uid:
            continue
        all_rss.append(rs)
        if replicas(rs) != 0:
            required.append(rs)
    return required, all_rss


def find_active_or_latest(new_rs: JSON | None, old_rss: list[JSON]) -> JSON | None:
    """``FindActiveOrLatest``: the only active RS, or the newest when none is active, or
    ``None`` when several are active (then scale proportionally)."""
    if new_rs is None and not old_rss:
        return None
    old_sorted = list(reversed(replica_sets_by_creation_timestamp(old_rss)))
    active = filter_active_replica_sets([*old_sorted, new_rs])
    if not active:
        return new_rs if new_rs is not None else old_sorted[0]
    if len(active) == 1:
        return active[0]
    return None


def set_from_replica_set_template(d: JSON, template: Mapping[str, Any]) -> JSON:
    """``SetFromReplicaSetTemplate``: the Deployment gets the RS template minus the hash
    label."""
    t = copy.deepcopy(dict(template))
    labels = dict((t.get("metadata") or {}).get("labels") or {})
    labels.pop(DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, None)
    t.setdefault("metadata", {})["labels"] = labels
    d.setdefault("spec", {})["template"] = t
    return d


def get_replica_count_for_replica_sets(rss: Iterable[JSON | None]) -> int:
    """``GetReplicaCountForReplicaSets``: sum of ``spec.replicas``."""
    return sum(replicas(rs) for rs in rss if rs is not None)


def get_actual_replica_count_for_replica_sets(rss: Iterable[JSON | None]) -> int:
    """``GetActualReplicaCountForReplicaSets``: sum of ``status.replicas``."""
    return sum(status_int(rs, "replicas") for rs in rss if rs is not None)


def get_ready_replica_count_for_replica_sets(rss: Iterable[JSON | None]) -> int:
    """``GetReadyReplicaCountForReplicaSets``."""
    return sum(status_int(rs, "readyReplicas") for rs in rss if rs is not None)


def get_available_replica_count_for_replica_sets(rss: Iterable[JSON | None]) -> int:
    """``GetAvailableReplicaCountForReplicaSets``."""
    return sum(status_int(rs, "availableReplicas") for rs in rss if rs is not None)


def replica_sets_by_revision(rss: Iterable[JSON]) -> list[JSON]:
    """``ReplicaSetsByRevision``: lowest revision first; ties (or unparsable) by creation."""
    def less(a: JSON, b: JSON) -> bool:
        try:
            ra, rb = revision(a), revision(b)
        except ValueError:
            ra = rb = 0
        if ra == rb:
            return rs_by_creation_less(a, b)
        return ra < rb

    def cmp(a: JSON, b: JSON) -> int:
        return -1 if less(a, b) else 1 if less(b, a) else 0
    return sorted(rss, key=functools.cmp_to_key(cmp))


def get_deployments_for_replica_set(deployments: Iterable[JSON], rs: Mapping[str, Any]
                                    ) -> list[JSON]:
    """``GetDeploymentsForReplicaSet``: Deployments of the RS's namespace whose non-empty
    selector matches the RS's labels."""
    labels = (rs.get("metadata") or {}).get("labels") or {}
    if not labels:
        return []
    ns = rs["metadata"].get("namespace")
    return selecting((d for d in deployments if d["metadata"].get("namespace") == ns), labels)


# -- scaling ---------------------------------------------------------------------------------------


def get_replica_set_fraction(rs: Mapping[str, Any], d: Mapping[str, Any]) -> int:
    """``getReplicaSetFraction``: how many replicas this RS should gain (negative: lose) so it
    keeps its share: ``round(rs.replicas * (d.replicas + surge) / max-replicas annotation)``
    minus its size. The annotation falls back to ``d.status.replicas``."""
    if replicas(d) == 0:
        return -replicas(rs)
    deployment_replicas = replicas(d) + max_surge(d)
    annotated = get_int_from_annotation(rs, MAX_REPLICAS_ANNOTATION)
    if annotated is None:
        annotated = status_int(d, "replicas")
    if annotated == 0:
        # upstream divides by zero (+Inf); "we should never proportionally scale up from zero"
        return 0
    new_size = float(replicas(rs) * deployment_replicas) / float(annotated)
    # integer.RoundToInt32: round half away from zero
    rounded = math.floor(new_size + 0.5) if new_size >= 0 else math.ceil(new_size - 0.5)
    return rounded - replicas(rs)


def get_replica_set_proportion(rs: Mapping[str, Any] | None, d: Mapping[str, Any],
                               to_add: int, added: int) -> int:
    """``GetReplicaSetProportion``: the RS's fraction, capped by what is left to add (scaling
    up) or to remove (scaling down)."""
    if rs is None or replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = get_replica_set_fraction(rs, d)
    allowed = to_add - added
    if to_add > 0:
        return min(fraction, allowed)
    return max(fraction, allowed)


def new_rs_new_replicas(d: Mapping[str, Any], all_rss: Iterable[JSON | None],
                        new_rs: Mapping[str, Any]) -> int:
    """``NewRSNewReplicas``: the size the new RS may have now. RollingUpdate: grow by what the
    surge allows, never past ``spec.replicas``; Recreate: ``spec.replicas``.

    >>> d = {"spec": {"replicas": 10, "strategy": {"type": "RollingUpdate",
    ...      "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}}
    >>> new_rs_new_replicas(d, [{"spec": {"replicas": 10}}, {"spec": {"replicas": 0}}],
    ...                     {"spec": {"replicas": 0}})   # 13 allowed, 10 running: +3
    3
    """
    kind = strategy_type(d)
    if kind == "RollingUpdate":
        surge = get_scaled_value_from_int_or_percent(_rolling(d).get("maxSurge"), replicas(d),
                                                     True)
        current = get_replica_count_for_replica_sets(all_rss)
        max_total = replicas(d) + surge
        if current >= max_total:
            return replicas(new_rs)
        scale_up = min(max_total - current, replicas(d) - replicas(new_rs))
        return replicas(new_rs) + scale_up
    if kind == "Recreate":
        return replicas(d)
    raise ControllerError(f"deployment type {kind} isn't supported")


def is_saturated(d: Mapping[str, Any], rs: Mapping[str, Any] | None) -> bool:
    """``IsSaturated``: the RS holds all desired replicas, believes so (desired-replicas
    annotation), and all of them are available."""
    if rs is None:
        return False
    desired = get_desired_replicas_annotation(rs)
    if desired is None:
        return False
    n = replicas(d)
    return replicas(rs) == n and desired == n and status_int(rs, "availableReplicas") == n


# -- progress --------------------------------------------------------------------------------------


def has_progress_deadline(d: Mapping[str, Any]) -> bool:
    """``HasProgressDeadline``: set and not ``MaxInt32``."""
    v = (d.get("spec") or {}).get("progressDeadlineSeconds")
    return v is not None and int(v) != MAX_INT32


def has_revision_history_limit(d: Mapping[str, Any]) -> bool:
    """``HasRevisionHistoryLimit``: set and not ``MaxInt32``."""
    v = (d.get("spec") or {}).get("revisionHistoryLimit")
    return v is not None and int(v) != MAX_INT32


def deployment_complete(d: Mapping[str, Any], new_status: Mapping[str, Any]) -> bool:
    """``DeploymentComplete``: all desired replicas updated and available, no old ones, and the
    status is about the current generation."""
    n = replicas(d)
    return (int(new_status.get("updatedReplicas", 0) or 0) == n
            and int(new_status.get("replicas", 0) or 0) == n
            and int(new_status.get("availableReplicas", 0) or 0) == n
            and int(new_status.get("observedGeneration", 0) or 0)
            >= int(d["metadata"].get("generation", 0) or 0))


def deployment_progressing(d: Mapping[str, Any], new_status: Mapping[str, Any]) -> bool:
    """``DeploymentProgressing``: more updated, fewer old, more ready or more available
    replicas than the Deployment's current status says."""
    old = d.get("status") or {}

    def g(s: Mapping[str, Any], k: str) -> int:
        return int(s.get(k, 0) or 0)

    old_old = g(old, "replicas") - g(old, "updatedReplicas")
    new_old = g(new_status, "replicas") - g(new_status, "updatedReplicas")
    return (g(new_status, "updatedReplicas") > g(old, "updatedReplicas")
            or new_old < old_old
            or g(new_status, "readyReplicas") > g(old, "readyReplicas")
            or g(new_status, "availableReplicas") > g(old, "availableReplicas"))


def deployment_timed_out(d: Mapping[str, Any], new_status: Mapping[str, Any],
                         now: float) -> bool:
    """``DeploymentTimedOut``: the Progressing condition's ``lastUpdateTime`` +
    ``progressDeadlineSeconds`` is before ``now`` (POSIX seconds); never after a completed
    rollout; always once timed out."""
    if not has_progress_deadline(d):
        return False
    cond = get_deployment_condition(new_status, DEPLOYMENT_PROGRESSING)
    if cond is None:
        return False
    if cond.get("reason") == NEW_RS_AVAILABLE_REASON:
        return False
    if cond.get("reason") == TIMED_OUT_REASON:
        return True
    last = parse_time(cond.get("lastUpdateTime")) or 0.0
    return last + int(d["spec"]["progressDeadlineSeconds"]) < now


# -- labels ----------------------------------------------------------------------------------------


def clone_and_add_label(labels: Mapping[str, str] | None, key: str, value: str) -> dict[str, str]:
    """``labelsutil.CloneAndAddLabel``."""
    out = dict(labels or {})
    if key:
        out[key] = value
    return out


def clone_selector_and_add_label(selector: Mapping[str, Any] | None, key: str,
                                 value: str) -> JSON:
    """``labelsutil.CloneSelectorAndAddLabel``: adds ``key=value`` to ``matchLabels``."""
    out = copy.deepcopy(dict(selector or {}))
    if key:
        out["matchLabels"] = {**(out.get("matchLabels") or {}), key: value}
    return out


# -- the deprecated rollbackTo annotation (upstream: rollback.go) ----------------------------------


def get_rollback_to(d: Mapping[str, Any]) -> int | None:
    """``getRollbackTo``: the revision in ``deprecated.deployment.rollback.to`` (``None`` when
    absent or not an int)."""
    v = annotations(d).get(DEPRECATED_ROLLBACK_TO, "")
    if not v:
        return None
    try:
        return int(v, 10)
    except ValueError:
        return None


def set_rollback_to(d: JSON, rev: int | None) -> None:
    """``setRollbackTo``: set or (``None``) clear the annotation."""
    ann = annotations(d)
    if rev is None:
        ann.pop(DEPRECATED_ROLLBACK_TO, None)
    else:
        ann[DEPRECATED_ROLLBACK_TO] = str(rev)
    _set_annotations(d, ann)
