"""Pure helpers of the StatefulSet controller: identities, storage, revisions, status arithmetic.

Upstream: ``pkg/controller/statefulset/stateful_set_utils.go`` (kubernetes/kubernetes). Same
names, snake_cased: ``getParentNameAndOrdinal`` (``(.*)-([0-9]+)$``), ``getPodName``
(``web-0``), ``getPersistentVolumeClaimName`` (``<claim>-<set>-<ordinal>``: ``www-web-0``),
``identityMatches``, ``storageMatches``, ``getPersistentVolumeClaims``, ``updateStorage``,
``initIdentity`` / ``updateIdentity`` (labels ``statefulset.kubernetes.io/pod-name`` and
``apps.kubernetes.io/pod-index``; ``spec.hostname`` = pod name and ``spec.subdomain`` =
``serviceName`` only at creation), the retention-policy owner-reference rules
(``isClaimOwnerUpToDate``, ``updateClaimOwnerRefForSetAndPod``), ``newVersionedStatefulSetPod``,
``getPatch`` / ``newRevision`` / ``ApplyRevision``, ``nextRevision``, ``inconsistentStatus``,
``completeRollingUpdate`` and ``getStatefulSetMaxUnavailable``.

Objects are dicts. A pod the controller has not created yet is a dict with no ``status``: its
phase is ``""``, which is exactly how upstream's ``isCreated`` tells "to be created" apart.

The retention policy, in a table (``isClaimOwnerUpToDate``): who owns a PVC ``www-web-2``::

    whenScaled  whenDeleted   pod in range (ordinal < replicas)   pod scaled down
    Retain      Retain        nobody                              nobody
    Retain      Delete        the StatefulSet                     the StatefulSet
    Delete      Retain        nobody                              the pod web-2
    Delete      Delete        the StatefulSet                     the pod web-2

The garbage collector then deletes a PVC whose owners are all gone.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

from ._workload_utils import get_scaled_value_from_int_or_percent
from .controller_utils import (
    get_pod_from_template,
    is_pod_available,
    is_pod_ready,
    new_controller_ref,
)
from .history import new_controller_revision

__all__ = [
    "POD_INDEX_LABEL",
    "STATEFUL_SET_POD_NAME_LABEL",
    "STATEFUL_SET_REVISION_LABEL",
    "allows_burst",
    "apply_revision",
    "complete_rolling_update",
    "get_ordinal",
    "get_parent_name_and_ordinal",
    "get_persistent_volume_claim_name",
    "get_pod_name",
    "get_pod_revision",
    "inconsistent_status",
    "is_claim_owner_up_to_date",
    "new_revision",
    "new_versioned_stateful_set_pod",
    "next_revision",
]

JSON = dict[str, Any]

#: ``apps.StatefulSetRevisionLabel`` (= ``ControllerRevisionHashLabelKey``)
STATEFUL_SET_REVISION_LABEL = "controller-revision-hash"
#: ``apps.StatefulSetPodNameLabel``
STATEFUL_SET_POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
#: ``apps.PodIndexLabel`` (feature PodIndexLabel, GA)
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
#: ``controllerKind``
STATEFUL_SET_API_VERSION, STATEFUL_SET_KIND = "apps/v1", "StatefulSet"
#: ``podKind``
POD_API_VERSION, POD_KIND = "v1", "Pod"
RETAIN, DELETE = "Retain", "Delete"

_STATEFUL_POD_RE = re.compile(r"^(.*)-([0-9]+)$")


# -- identity --------------------------------------------------------------------------------------


def _meta(obj: JSON) -> JSON:
    return obj.get("metadata") or {}


def _spec(obj: JSON) -> JSON:
    return obj.get("spec") or {}


def get_parent_name_and_ordinal(pod: JSON) -> tuple[str, int]:
    """``getParentNameAndOrdinal``: ``("web", 2)`` for ``web-2``, ``("", -1)`` for ``nginx``."""
    m = _STATEFUL_POD_RE.match(_meta(pod).get("name", ""))
    if m is None:
        return "", -1
    ordinal = int(m.group(2))
    return m.group(1), ordinal if ordinal < 2**31 else -1


def get_parent_name(pod: JSON) -> str:
    return get_parent_name_and_ordinal(pod)[0]


def get_ordinal(pod: JSON) -> int:
    """``getOrdinal``: the pod's ordinal, or -1."""
    return get_parent_name_and_ordinal(pod)[1]


def replicas_of(sts: JSON) -> int:
    replicas = _spec(sts).get("replicas")
    return 1 if replicas is None else int(replicas)


def get_start_ordinal(sts: JSON) -> int:
    """``getStartOrdinal``: ``spec.ordinals.start`` or 0."""
    return int((_spec(sts).get("ordinals") or {}).get("start") or 0)


def get_end_ordinal(sts: JSON) -> int:
    """``getEndOrdinal``: the last ordinal, inclusive."""
    return get_start_ordinal(sts) + replicas_of(sts) - 1


def pod_in_ordinal_range(pod: JSON, sts: JSON) -> bool:
    """``podInOrdinalRange``."""
    return get_start_ordinal(sts) <= get_ordinal(pod) <= get_end_ordinal(sts)


def get_pod_name(sts: JSON, ordinal: int) -> str:
    """``getPodName``: ``<set>-<ordinal>``."""
    return f"{_meta(sts)['name']}-{ordinal}"


def get_persistent_volume_claim_name(sts: JSON, claim: JSON, ordinal: int) -> str:
    """``getPersistentVolumeClaimName``: ``<claim>-<set>-<ordinal>``."""
    return f"{_meta(claim)['name']}-{_meta(sts)['name']}-{ordinal}"


def is_member_of(sts: JSON, pod: JSON) -> bool:
    """``isMemberOf``: the pod's name parses to ``<set name>-<n>``."""
    return get_parent_name(pod) == _meta(sts)["name"]


def identity_matches(sts: JSON, pod: JSON) -> bool:
    """``identityMatches``: name, namespace and the pod-name label are those of ordinal n."""
    parent, ordinal = get_parent_name_and_ordinal(pod)
    pmeta = _meta(pod)
    return (ordinal >= 0 and parent == _meta(sts)["name"]
            and pmeta.get("name") == get_pod_name(sts, ordinal)
            and pmeta.get("namespace", "") == _meta(sts).get("namespace", "")
            and (pmeta.get("labels") or {}).get(STATEFUL_SET_POD_NAME_LABEL) == pmeta.get("name"))


def storage_matches(sts: JSON, pod: JSON) -> bool:
    """``storageMatches``: every volumeClaimTemplate is a pod volume bound to its claim."""
    ordinal = get_ordinal(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in _spec(pod).get("volumes") or []}
    for claim in _spec(sts).get("volumeClaimTemplates") or []:
        volume = volumes.get(_meta(claim).get("name"))
        pvc = (volume or {}).get("persistentVolumeClaim")
        if pvc is None or pvc.get("claimName") != get_persistent_volume_claim_name(
                sts, claim, ordinal):
            return False
    return True


def get_persistent_volume_claims(sts: JSON, pod: JSON) -> dict[str, JSON]:
    """``getPersistentVolumeClaims``: template name → the pod's PVC (named for its ordinal, in the
    set's namespace, labelled with the set's ``matchLabels``)."""
    ordinal = get_ordinal(pod)
    match_labels = (_spec(sts).get("selector") or {}).get("matchLabels") or {}
    claims: dict[str, JSON] = {}
    for template in _spec(sts).get("volumeClaimTemplates") or []:
        claim = copy.deepcopy(template)
        claim.pop("status", None)
        meta = claim.setdefault("metadata", {})
        meta["name"] = get_persistent_volume_claim_name(sts, template, ordinal)
        meta["namespace"] = _meta(sts).get("namespace", "")
        meta["labels"] = {**(meta.get("labels") or {}), **match_labels}
        claim["apiVersion"], claim["kind"] = "v1", "PersistentVolumeClaim"
        claims[_meta(template)["name"]] = claim
    return claims


def update_storage(sts: JSON, pod: JSON) -> None:
    """``updateStorage``: the claim volumes first, then the pod's other volumes."""
    spec = pod.setdefault("spec", {})
    claims = get_persistent_volume_claims(sts, pod)
    volumes = [{"name": name, "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}
               for name, claim in claims.items()]
    volumes += [v for v in spec.get("volumes") or [] if v.get("name") not in claims]
    spec["volumes"] = volumes


def update_identity(sts: JSON, pod: JSON) -> None:
    """``updateIdentity``: name, namespace, pod-name and pod-index labels."""
    ordinal = get_ordinal(pod)
    meta = pod.setdefault("metadata", {})
    meta["name"] = get_pod_name(sts, ordinal)
    meta["namespace"] = _meta(sts).get("namespace", "")
    labels = meta.setdefault("labels", {})
    labels[STATEFUL_SET_POD_NAME_LABEL] = meta["name"]
    labels[POD_INDEX_LABEL] = str(ordinal)


def init_identity(sts: JSON, pod: JSON) -> None:
    """``initIdentity``: ``updateIdentity`` plus the immutable ``hostname`` / ``subdomain``."""
    update_identity(sts, pod)
    spec = pod.setdefault("spec", {})
    spec["hostname"] = pod["metadata"]["name"]
    if _spec(sts).get("serviceName"):
        spec["subdomain"] = _spec(sts)["serviceName"]


# -- pod state -------------------------------------------------------------------------------------


def _phase(pod: JSON) -> str:
    return str((pod.get("status") or {}).get("phase") or "")


def is_running_and_ready(pod: JSON) -> bool:
    """``isRunningAndReady``."""
    return _phase(pod) == "Running" and is_pod_ready(pod)


def is_running_and_available(pod: JSON, min_ready_seconds: int, now: float) -> bool:
    """``isRunningAndAvailable`` (upstream checks availability only, despite the name)."""
    return is_pod_available(pod, min_ready_seconds, now)


def is_created(pod: JSON) -> bool:
    """``isCreated``: the API server has set a phase."""
    return _phase(pod) != ""


def is_pending(pod: JSON) -> bool:
    return _phase(pod) == "Pending"


def is_failed(pod: JSON) -> bool:
    return _phase(pod) == "Failed"


def is_succeeded(pod: JSON) -> bool:
    return _phase(pod) == "Succeeded"


def is_terminating(pod: JSON) -> bool:
    """``isTerminating``: a ``deletionTimestamp`` is set."""
    return bool(_meta(pod).get("deletionTimestamp"))


def is_unavailable(pod: JSON, min_ready_seconds: int, now: float) -> bool:
    """``isUnavailable``: not available, or terminating."""
    return not is_running_and_available(pod, min_ready_seconds, now) or is_terminating(pod)


def allows_burst(sts: JSON) -> bool:
    """``allowsBurst``: ``podManagementPolicy: Parallel``."""
    return _spec(sts).get("podManagementPolicy") == "Parallel"


def set_pod_revision(pod: JSON, revision: str) -> None:
    pod.setdefault("metadata", {}).setdefault("labels", {})[STATEFUL_SET_REVISION_LABEL] = revision


def get_pod_revision(pod: JSON) -> str:
    """``getPodRevision``: the ``controller-revision-hash`` label."""
    return str((_meta(pod).get("labels") or {}).get(STATEFUL_SET_REVISION_LABEL, ""))


# -- new pods --------------------------------------------------------------------------------------


def new_stateful_set_pod(sts: JSON, ordinal: int) -> JSON:
    """``newStatefulSetPod``: the template, a controller reference, identity and storage."""
    pod = get_pod_from_template(_spec(sts).get("template") or {}, sts,
                                new_controller_ref(sts, STATEFUL_SET_API_VERSION,
                                                   STATEFUL_SET_KIND))
    pod["metadata"]["name"] = get_pod_name(sts, ordinal)
    for empty in ("annotations", "finalizers"):  # Go's omitempty
        if not pod["metadata"].get(empty):
            pod["metadata"].pop(empty, None)
    init_identity(sts, pod)
    update_storage(sts, pod)
    return pod


def new_versioned_stateful_set_pod(current_set: JSON, update_set: JSON, current_revision: str,
                                   update_revision: str, ordinal: int) -> JSON:
    """``newVersionedStatefulSetPod``: ordinals below the partition get the current revision,
    the others the update revision."""
    strategy = _spec(current_set).get("updateStrategy") or {}
    ru = strategy.get("rollingUpdate")
    start = get_start_ordinal(current_set)
    current_replicas = int((current_set.get("status") or {}).get("currentReplicas") or 0)
    # upstream's condition, with its operator precedence: (A && B) || C
    if ((strategy.get("type") == "RollingUpdate" and ru is None
         and ordinal < start + current_replicas)
            or (ru is not None and ordinal < start + int(ru.get("partition") or 0))):
        pod = new_stateful_set_pod(current_set, ordinal)
        set_pod_revision(pod, current_revision)
        return pod
    pod = new_stateful_set_pod(update_set, ordinal)
    set_pod_revision(pod, update_revision)
    return pod


# -- persistent volume claim retention -----------------------------------------------------------


def get_retention_policy(sts: JSON) -> tuple[str, str]:
    """``getPersistentVolumeClaimRetentionPolicy``: ``(whenScaled, whenDeleted)``."""
    policy = _spec(sts).get("persistentVolumeClaimRetentionPolicy") or {}
    return policy.get("whenScaled") or RETAIN, policy.get("whenDeleted") or RETAIN


def _refs(obj: JSON) -> list[JSON]:
    return list(_meta(obj).get("ownerReferences") or [])


def matches_ref(ref: JSON, obj: JSON, api_version: str, kind: str) -> bool:
    """``matchesRef``: same apiVersion, kind and name (not UID)."""
    return (ref.get("apiVersion") == api_version and ref.get("kind") == kind
            and ref.get("name") == _meta(obj).get("name"))


def has_owner_ref(target: JSON, owner: JSON) -> bool:
    """``hasOwnerRef``: a reference with the owner's UID."""
    uid = _meta(owner).get("uid", "")
    return any(r.get("uid") == uid for r in _refs(target))


def has_stale_owner_ref(target: JSON, obj: JSON, api_version: str, kind: str) -> bool:
    """``hasStaleOwnerRef``: a reference to an object of that name whose UID differs."""
    for ref in _refs(target):
        if matches_ref(ref, obj, api_version, kind):
            return ref.get("uid") != _meta(obj).get("uid", "")
    return False


def has_unexpected_controller(claim: JSON, sts: JSON, pod: JSON) -> bool:
    """``hasUnexpectedController``: with a Delete policy, another controller (or a stale UID of
    ours) owns the claim."""
    if get_retention_policy(sts) == (RETAIN, RETAIN):
        return False
    for ref in _refs(claim):
        if matches_ref(ref, sts, STATEFUL_SET_API_VERSION, STATEFUL_SET_KIND):
            if ref.get("uid") != _meta(sts).get("uid", ""):
                return True
            continue
        if matches_ref(ref, pod, POD_API_VERSION, POD_KIND):
            if ref.get("uid") != _meta(pod).get("uid", ""):
                return True
            continue
        if ref.get("controller"):
            return True
    return False


def has_non_controller_owner(claim: JSON, sts: JSON, pod: JSON) -> bool:
    """``hasNonControllerOwner``: the set or pod owns the claim without ``controller: true``."""
    uids = {_meta(sts).get("uid", ""), _meta(pod).get("uid", "")}
    return any(r.get("uid") in uids and not r.get("controller") for r in _refs(claim))


def is_claim_owner_up_to_date(claim: JSON, sts: JSON, pod: JSON) -> bool:
    """``isClaimOwnerUpToDate``: the claim's owners agree with the retention table above (stale
    or foreign controllers: "don't touch")."""
    if (has_stale_owner_ref(claim, sts, STATEFUL_SET_API_VERSION, STATEFUL_SET_KIND)
            or has_stale_owner_ref(claim, pod, POD_API_VERSION, POD_KIND)):
        return True
    if has_unexpected_controller(claim, sts, pod):
        return not (has_owner_ref(claim, sts) or has_owner_ref(claim, pod))
    if has_non_controller_owner(claim, sts, pod):
        return False
    when_scaled, when_deleted = get_retention_policy(sts)
    scaled_down = not pod_in_ordinal_range(pod, sts)
    set_ref, pod_ref = has_owner_ref(claim, sts), has_owner_ref(claim, pod)
    if when_scaled == RETAIN and when_deleted == DELETE:
        return set_ref and not pod_ref
    if when_scaled == DELETE and when_deleted == RETAIN:
        return not set_ref and scaled_down == pod_ref
    if when_scaled == DELETE and when_deleted == DELETE:
        return scaled_down != set_ref and scaled_down == pod_ref
    return not set_ref and not pod_ref  # Retain/Retain (and unknown policies)


def update_claim_owner_ref_for_set_and_pod(claim: JSON, sts: JSON, pod: JSON) -> None:
    """``updateClaimOwnerRefForSetAndPod``: scrub our references, then add the ones the policy
    wants (as controller references)."""
    unexpected = has_unexpected_controller(claim, sts, pod)
    refs = [r for r in _refs(claim)
            if not (matches_ref(r, sts, STATEFUL_SET_API_VERSION, STATEFUL_SET_KIND)
                    or matches_ref(r, pod, POD_API_VERSION, POD_KIND))]
    if not unexpected:
        when_scaled, when_deleted = get_retention_policy(sts)
        scaled_down = not pod_in_ordinal_range(pod, sts)
        want_set = (when_deleted == DELETE and (when_scaled == RETAIN or not scaled_down))
        want_pod = when_scaled == DELETE and scaled_down
        if want_set:
            refs = _add_controller_ref(refs, sts, STATEFUL_SET_API_VERSION, STATEFUL_SET_KIND)
        if want_pod:
            refs = _add_controller_ref(refs, pod, POD_API_VERSION, POD_KIND)
    claim.setdefault("metadata", {})["ownerReferences"] = refs


def _add_controller_ref(refs: list[JSON], owner: JSON, api_version: str,
                        kind: str) -> list[JSON]:
    if any(r.get("uid") == _meta(owner).get("uid", "") for r in refs):
        return refs
    return [*refs, new_controller_ref(owner, api_version, kind)]


# -- revisions -------------------------------------------------------------------------------------


def get_patch(sts: JSON) -> JSON:
    """``getPatch``: ``{"spec": {"template": <template>, "$patch": "replace"}}`` — only the pod
    template is saved in a revision."""
    template = copy.deepcopy(_spec(sts).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def new_revision(sts: JSON, revision: int, collision_count: int) -> JSON:
    """``newRevision``: a ControllerRevision of the set's template, labelled with the template's
    labels, annotated with the set's annotations."""
    cr = new_controller_revision(sts, STATEFUL_SET_API_VERSION, STATEFUL_SET_KIND,
                                 (_spec(sts).get("template") or {}).get("metadata", {}).get(
                                     "labels"),
                                 get_patch(sts), revision, collision_count)
    annotations = dict(_meta(sts).get("annotations") or {})
    if annotations:
        cr["metadata"]["annotations"] = annotations
    return cr


def apply_revision(sts: JSON, revision: JSON) -> JSON:
    """``ApplyRevision``: the set with the revision's template. The saved patch replaces
    ``spec.template`` wholesale (``$patch: replace``), so applying it is a replacement."""
    clone = copy.deepcopy(sts)
    template = copy.deepcopy(((revision.get("data") or {}).get("spec") or {}).get("template"))
    if isinstance(template, dict):
        template.pop("$patch", None)
        clone.setdefault("spec", {})["template"] = template
    return clone


def next_revision(revisions: list[JSON]) -> int:
    """``nextRevision``: 1, or one more than the last (sorted) revision."""
    if not revisions:
        return 1
    return int(revisions[-1].get("revision") or 0) + 1


# -- status ----------------------------------------------------------------------------------------

#: the StatefulSetStatus fields ``inconsistentStatus`` compares (with observedGeneration)
STATUS_FIELDS = ("replicas", "currentReplicas", "readyReplicas", "updatedReplicas",
                 "currentRevision", "availableReplicas", "updateRevision")


def _status_value(status: JSON, name: str) -> Any:
    value = status.get(name)
    if name in ("currentRevision", "updateRevision"):
        return value or ""
    return int(value or 0)


def inconsistent_status(sts: JSON, status: JSON) -> bool:
    """``inconsistentStatus``: a newer observedGeneration, or any counted field differs."""
    old = sts.get("status") or {}
    if int(status.get("observedGeneration") or 0) > int(old.get("observedGeneration") or 0):
        return True
    return any(_status_value(status, f) != _status_value(old, f) for f in STATUS_FIELDS)


def complete_rolling_update(sts: JSON, status: JSON) -> None:
    """``completeRollingUpdate``: once every replica is updated and ready, the update revision
    becomes the current one."""
    replicas = replicas_of(sts)
    strategy = _spec(sts).get("updateStrategy") or {}
    if (strategy.get("type") == "RollingUpdate"
            and int(status.get("updatedReplicas") or 0) == replicas
            and int(status.get("readyReplicas") or 0) == replicas
            and int(status.get("replicas") or 0) == replicas):
        status["currentReplicas"] = status.get("updatedReplicas", 0)
        status["currentRevision"] = status.get("updateRevision", "")


def get_stateful_set_max_unavailable(max_unavailable: int | str | None, replicas: int) -> int:
    """``getStatefulSetMaxUnavailable``: default 1; a percentage rounds down, but never below 1.

    >>> get_stateful_set_max_unavailable(None, 5), get_stateful_set_max_unavailable("50%", 5), \\
    ...     get_stateful_set_max_unavailable("10%", 5)
    (1, 2, 1)
    """
    value = 1 if max_unavailable is None else max_unavailable
    return max(1, get_scaled_value_from_int_or_percent(value, replicas, False))


def sort_descending_ordinal(pods: Iterable[JSON]) -> list[JSON]:
    """``descendingOrdinal``."""
    return sorted(pods, key=get_ordinal, reverse=True)
