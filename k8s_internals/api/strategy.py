"""Per-resource create/update/delete behaviour: the "strategies" of
``pkg/registry/<group>/<resource>/strategy.go`` and the generic registry's
``rest.BeforeCreate`` / ``BeforeUpdate`` / ``BeforeDelete``
(``staging/src/k8s.io/apiserver/pkg/registry/rest/create.go``, ``update.go``, ``delete.go``).

What it holds:

- :func:`prepare_for_create` — ``uid``, ``creationTimestamp``, ``generation`` (for the types
  whose strategy sets it), ``generateName`` names, status reset as each strategy does
  (a new Pod is ``Pending`` with its ``qosClass``; Deployments/ReplicaSets start with an empty
  status; Namespaces ``Active``);
- Jobs: the generated selector and pod template labels (:func:`generate_job_selector`);
- :func:`prepare_for_update` — the main resource keeps the stored status, the ``status``
  subresource keeps everything but status; ``generation`` +1 when the spec changed; immutable
  metadata restored;
- :func:`graceful_delete` — ``deletionTimestamp`` and ``deletionGracePeriodSeconds`` for pods
  (``pkg/registry/core/pod/strategy.go`` ``CheckGracefulDelete``);
- :data:`GENERATE_NAME_ALPHABET` — ``utilrand.String``'s alphabet (no vowels, no confusables).
"""

from __future__ import annotations

from random import Random
from typing import Any

from .resources import ResourceInfo

__all__ = [
    "GENERATE_NAME_ALPHABET",
    "GENERATION_KINDS",
    "generate_job_selector",
    "generate_name",
    "graceful_delete",
    "new_uid",
    "pod_qos_class",
    "prepare_for_create",
    "prepare_for_update",
    "prepare_status_update",
]

#: ``k8s.io/apimachinery/pkg/util/rand``: ``alphanums = "bcdfghjklmnpqrstvwxz2456789"``
GENERATE_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
#: ``names.SimpleNameGenerator``: ``maxNameLength = 63``, ``randomLength = 5``
MAX_GENERATED_NAME_LENGTH = 63
RANDOM_LENGTH = 5

#: kinds whose strategy keeps ``metadata.generation`` (bumped on spec changes)
GENERATION_KINDS = frozenset({
    "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController",
    "PriorityClass", "PodDisruptionBudget", "Job", "CronJob",
})
_STATUS_ON_CREATE: dict[str, dict[str, Any]] = {
    "Deployment": {}, "ReplicaSet": {}, "StatefulSet": {"replicas": 0, "availableReplicas": 0},
    "DaemonSet": {"currentNumberScheduled": 0, "numberMisscheduled": 0,
                  "desiredNumberScheduled": 0, "numberReady": 0},
    "ReplicationController": {"replicas": 0},
    "Namespace": {"phase": "Active"},
    "PersistentVolumeClaim": {"phase": "Pending"},
    "PersistentVolume": {"phase": "Pending"},
    "Service": {"loadBalancer": {}},
    "ResourceQuota": {},
    "Job": {},
    "CronJob": {},
    # pkg/registry/policy/poddisruptionbudget/strategy.go PrepareForCreate: an empty status
    # (its int32 fields have no omitempty)
    "PodDisruptionBudget": {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0,
                            "expectedPods": 0},
}

#: ``batch.JobNameLabel`` / ``batch.LegacyJobNameLabel`` and ``batch.ControllerUidLabel`` /
#: ``batch.LegacyControllerUidLabel`` (``pkg/apis/batch/types.go``)
JOB_NAME_LABELS = ("batch.kubernetes.io/job-name", "job-name")
CONTROLLER_UID_LABELS = ("batch.kubernetes.io/controller-uid", "controller-uid")
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"


def _dict_at(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """``parent[key]``, made an empty dict first if it is missing or not a dict."""
    child = parent.get(key)
    if not isinstance(child, dict):
        child = parent[key] = {}
    return child


def generate_job_selector(job: dict[str, Any]) -> None:
    """``pkg/registry/batch/job/strategy.go`` ``generateSelectorIfNeeded``: unless
    ``manualSelector``, label the pod template with the Job's name and UID (labels the user set
    are left alone: a conflict is for validation to reject) and select the UID label. The Job's
    own labels then come from the template when it has none, as ``SetDefaults_Job`` does when
    the stored object is read back."""
    spec = job.setdefault("spec", {})
    if spec.get("manualSelector"):
        return
    meta = job.get("metadata") or {}
    labels = _dict_at(_dict_at(_dict_at(spec, "template"), "metadata"), "labels")
    for key in JOB_NAME_LABELS:
        labels.setdefault(key, str(meta.get("name", "")))
    for key in CONTROLLER_UID_LABELS:
        labels.setdefault(key, str(meta.get("uid", "")))
    match = _dict_at(_dict_at(spec, "selector"), "matchLabels")
    match.setdefault(CONTROLLER_UID_LABEL, str(meta.get("uid", "")))
    if not meta.get("labels"):
        meta["labels"] = dict(labels)


def generate_name(base: str, rng: Random) -> str:
    """``SimpleNameGenerator.GenerateName``: base (cut to 58) + 5 random characters."""
    base = base[: MAX_GENERATED_NAME_LENGTH - RANDOM_LENGTH]
    return base + "".join(rng.choice(GENERATE_NAME_ALPHABET) for _ in range(RANDOM_LENGTH))


#: ``uuid.UUID(int=..., version=4)``'s masks: clear the variant and version bits, then set
#: the RFC 4122 variant and version 4
_UUID4_CLEAR = ~((0xc000 << 48) | (0xf000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def new_uid(rng: Random) -> str:
    """A version-4 UUID from the seeded RNG (upstream: ``uuid.NewUUID()``): the text of
    ``uuid.UUID(int=rng.getrandbits(128), version=4)``, formatted without the object."""
    h = "%032x" % ((rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _quantity_is_zero(value: Any) -> bool:
    return str(value).strip() in ("0", "0m", "0Mi", "0Ki", "0Gi", "")


def pod_qos_class(pod: dict[str, Any]) -> str:
    """``pkg/apis/core/helper/qos/qos.go`` ``GetPodQOS``: Guaranteed, Burstable or BestEffort.

    Guaranteed: every container sets cpu and memory limits, and requests equal to them (requests
    default to limits). BestEffort: no container sets any cpu/memory request or limit.
    """
    containers = list(pod.get("spec", {}).get("containers", [])) + list(
        pod.get("spec", {}).get("initContainers", []))
    any_set = False
    guaranteed = True
    for c in containers:
        res = c.get("resources", {}) or {}
        req = {k: v for k, v in (res.get("requests") or {}).items()
               if k in ("cpu", "memory") and not _quantity_is_zero(v)}
        lim = {k: v for k, v in (res.get("limits") or {}).items()
               if k in ("cpu", "memory") and not _quantity_is_zero(v)}
        if req or lim:
            any_set = True
        if set(lim) != {"cpu", "memory"}:
            guaranteed = False
        for k, v in req.items():
            if k in lim and str(lim[k]) != str(v):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def prepare_for_create(info: ResourceInfo, obj: dict[str, Any], rng: Random,
                       timestamp: str) -> None:
    """Fill server-set metadata and reset status as the resource's strategy does."""
    meta = obj.setdefault("metadata", {})
    for k in ("uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds",
              "selfLink"):
        meta.pop(k, None)
    meta["uid"] = new_uid(rng)
    meta["creationTimestamp"] = timestamp
    if info.kind in GENERATION_KINDS:
        meta["generation"] = 1
    else:
        meta.pop("generation", None)
    if info.kind == "Pod":
        status = {"phase": "Pending", "qosClass": pod_qos_class(obj)}
        obj["status"] = status
    elif info.kind == "Namespace":
        # namespaceStrategy.PrepareForCreate: the "kubernetes" finalizer, phase Active
        spec = obj.setdefault("spec", {})
        if "kubernetes" not in spec.setdefault("finalizers", []):
            spec["finalizers"].append("kubernetes")
        obj["status"] = {"phase": "Active"}
    elif info.kind in _STATUS_ON_CREATE:
        obj["status"] = dict(_STATUS_ON_CREATE[info.kind])
    if (info.group, info.kind) == ("batch", "Job"):
        generate_job_selector(obj)


_IMMUTABLE_META = ("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                   "deletionGracePeriodSeconds", "generation")


def prepare_for_update(info: ResourceInfo, new: dict[str, Any], old: dict[str, Any]) -> None:
    """Main-resource update: keep the stored status (for types with a status subresource),
    restore server-owned metadata, bump ``generation`` when the spec changed."""
    meta = new.setdefault("metadata", {})
    old_meta = old.get("metadata", {})
    for k in _IMMUTABLE_META:
        if k in old_meta:
            meta[k] = old_meta[k]
        else:
            meta.pop(k, None)
    if info.subresource("status") is not None:
        if "status" in old:
            new["status"] = old["status"]
        else:
            new.pop("status", None)
    changed = new.get("spec") != old.get("spec")
    if info.kind == "Deployment":
        # deploymentStrategy.PrepareForUpdate: annotation updates bump the generation too,
        # because annotations are copied from deployments to their replica sets
        changed = changed or meta.get("annotations") != old_meta.get("annotations")
    if info.kind in GENERATION_KINDS and changed:
        meta["generation"] = int(old_meta.get("generation", 0)) + 1


#: what a ``status`` update keeps from the stored object besides ``spec``, per kind
#: (each ``<kind>StatusStrategy.PrepareForUpdate``): Deployments keep their labels
#: (``deploymentStatusStrategy``), Pods their owner references and deletion timestamp
#: (``podStatusStrategy``); annotations from the request are applied (the Deployment
#: controller writes ``deployment.kubernetes.io/revision`` through ``deployments/status``).
_STATUS_KEEPS_META: dict[str, tuple[str, ...]] = {
    "Deployment": ("labels",),
    "Pod": ("ownerReferences",),
}


def prepare_status_update(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """``status`` subresource update: ``spec`` (and everything but metadata and status) comes
    from the stored object, server-owned metadata is restored, the rest of the request's
    metadata and its ``status`` are kept."""
    out = {k: v for k, v in old.items() if k not in ("status", "metadata")}
    if "status" in new:
        out["status"] = new["status"]
    elif "status" in old:
        out["status"] = old["status"]
    old_meta = old.get("metadata", {})
    meta = dict(new.get("metadata") or {})
    for k in _IMMUTABLE_META:
        if k in old_meta:
            meta[k] = old_meta[k]
        else:
            meta.pop(k, None)
    for k in _STATUS_KEEPS_META.get(str(old.get("kind", "")), ()):
        if k in old_meta:
            meta[k] = old_meta[k]
        else:
            meta.pop(k, None)
    if "finalizers" not in meta and "finalizers" in old_meta:
        meta["finalizers"] = old_meta["finalizers"]
    out["metadata"] = meta
    return out


def graceful_delete(info: ResourceInfo, obj: dict[str, Any],
                    grace_period: int | None) -> int | None:
    """The grace period a DELETE gets, or None for an immediate delete.

    Pods (``podStrategy.CheckGracefulDelete``): the request's ``gracePeriodSeconds``, else the
    pod's ``terminationGracePeriodSeconds`` (default 30); 0 when the pod was never scheduled or
    has finished (``Succeeded``/``Failed``). Other kinds delete at once.
    """
    if info.kind != "Pod":
        return None
    spec = obj.get("spec", {})
    phase = obj.get("status", {}).get("phase")
    if grace_period is None:
        grace_period = int(spec.get("terminationGracePeriodSeconds", 30))
    if not spec.get("nodeName") or phase in ("Succeeded", "Failed"):
        grace_period = 0
    return grace_period if grace_period > 0 else None
