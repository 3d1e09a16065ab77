"""The core evaluators: ``pkg/quota/v1/evaluator/core/`` — ``pods.go`` (``podEvaluator``,
``PodUsageFunc``, ``QuotaV1Pod``, ``podMatchesScopeFunc``), ``services.go``
(``serviceEvaluator``, ``GetQuotaServiceType``), ``persistent_volume_claims.go``
(``pvcEvaluator``, ``RequiresQuotaReplenish``), ``registry.go`` (``NewEvaluators`` with the
legacy object-count aliases) — and ``pkg/quota/v1/install/`` (``ignoredResources``,
``DefaultUpdateFilter``).

Usage by kind: pods — ``pods``, ``count/pods``, ``cpu``/``requests.cpu``, ``memory``/
``requests.memory``, ``limits.cpu``, ``limits.memory``, ephemeral-storage, hugepages and
``requests.<extended>`` from ``PodRequests``/``PodLimits`` (init containers, sidecars, overhead;
nothing but ``count/pods`` for a pod that ``QuotaV1Pod`` no longer charges: Succeeded/Failed, or
past its deletion grace period). services — ``services``, ``count/services``,
``services.nodeports``, ``services.loadbalancers``. PVCs — ``persistentvolumeclaims``,
``count/persistentvolumeclaims``, ``requests.storage`` (rounded up to whole bytes) and their
``<class>.storageclass.storage.k8s.io/...`` forms. configmaps, secrets, replicationcontrollers,
resourcequotas — their legacy names plus ``count/<resource>``. Anything else —
``count/<resource>.<group>`` (``count/deployments.apps``, :class:`~.generic.ObjectCountEvaluator`).

Simplified: ``QuotaV1Pod``'s grace-period rule needs a clock; an evaluator built without one
(the admission plugin, which meters only creates) skips it. ``RequiresQuotaReplenish`` compares
``status.allocatedResources.storage`` by value (upstream compares two fresh pointers, so with
``RecoverVolumeExpansionFailure`` on it replenishes on every PVC update). No
``limitedResources`` configuration, no DRA ``resourceclaims`` evaluator.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..api.admission._common import (
    ResourceList,
    add,
    container_resource_lists,
    pod_resource_totals,
    quantity,
    resource_list,
)
from ..api.admission.interfaces import Attributes, Operation
from ..api.validation.quantity import Quantity
from .generic import Evaluator, ListFunc, ObjectCountEvaluator, calculate_usage_stats
from .resources import UsageStatsOptions

__all__ = [
    "IGNORED_RESOURCES",
    "LEGACY_OBJECT_COUNT_ALIASES",
    "PersistentVolumeClaimEvaluator",
    "PodEvaluator",
    "ServiceEvaluator",
    "default_update_filter",
    "evaluator_for",
    "get_quota_service_type",
    "new_evaluators",
    "quota_v1_pod",
]

Obj = dict[str, Any]
Clock = Callable[[], datetime]
#: ``func(group, resource) -> ListFuncByNamespace`` (``generic.ListerFuncForResourceFunc``)
ListerFor = Callable[[str, str], ListFunc]

_ONE = Quantity(1)
_ZERO = Quantity(0)

#: ``pkg/quota/v1/install``: resources quota never meters
IGNORED_RESOURCES = frozenset({("", "events")})

#: ``validationSet`` of ``pods.go``: quota'd cpu/memory must be stated by every container
_VALIDATION_SET = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
                             "limits.memory"})

_POD_RESOURCES = ("count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu",
                  "requests.memory", "requests.ephemeral-storage", "limits.cpu",
                  "limits.memory", "limits.ephemeral-storage", "pods")

#: ``legacyObjectCountAliases`` of ``registry.go``
LEGACY_OBJECT_COUNT_ALIASES = {"configmaps": "configmaps", "resourcequotas": "resourcequotas",
                               "replicationcontrollers": "replicationcontrollers",
                               "secrets": "secrets"}

_STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"


def _is_native(name: str) -> bool:
    """``helper.IsNativeResource``: no domain, or a ``kubernetes.io/`` one."""
    return "/" not in name or "kubernetes.io/" in name


def _is_extended(name: str) -> bool:
    """``helper.IsExtendedResourceName`` (without the qualified-name syntax check)."""
    return not _is_native(name) and not name.startswith("requests.")


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


# -- pods ----------------------------------------------------------------------------------------


def quota_v1_pod(pod: Obj, now: datetime | None = None) -> bool:
    """``QuotaV1Pod``: does the pod still count against compute quota? Not once it is
    Succeeded or Failed, nor once it is stuck terminating past ``deletionTimestamp`` + its
    grace period (a lost node must not keep a namespace from scaling up)."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    meta = pod.get("metadata") or {}
    deletion = _parse_time(meta.get("deletionTimestamp"))
    grace = meta.get("deletionGracePeriodSeconds")
    return not (now is not None and deletion is not None and grace is not None
                and now > deletion + timedelta(seconds=int(grace)))


def _pod_compute_usage(requests: ResourceList, limits: ResourceList) -> ResourceList:
    """``podComputeUsageHelper``."""
    out: ResourceList = {"pods": _ONE}
    for name in ("cpu", "memory", "ephemeral-storage"):
        if name in requests:
            out[name] = requests[name]
            out[f"requests.{name}"] = requests[name]
        if name in limits:
            out[f"limits.{name}"] = limits[name]
    for name, q in requests.items():
        if name.startswith("hugepages-"):
            out[name] = q
            out[f"requests.{name}"] = q
        if _is_extended(name):
            out[f"requests.{name}"] = q
    return out


def _selector_matches(selector: Obj, value: str | None) -> bool:
    """A ``ScopedResourceSelectorRequirement`` as a label selector over one value."""
    op = selector.get("operator")
    values = selector.get("values") or []
    if op == "In":
        return value is not None and value in values
    if op == "NotIn":
        return value is None or value not in values
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    return False


def _is_best_effort(pod: Obj) -> bool:
    """``qos.GetPodQOS(pod) == BestEffort``: no container asks for any cpu or memory."""
    spec = pod.get("spec") or {}
    for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
        req, lim = container_resource_lists(c)
        for rl in (req, lim):
            if any(k in ("cpu", "memory") and v.sign() > 0 for k, v in rl.items()):
                return False
    return True


def _uses_cross_namespace_affinity(spec: Obj) -> bool:
    affinity = spec.get("affinity") or {}
    for kind in ("podAffinity", "podAntiAffinity"):
        a = affinity.get(kind) or {}
        terms = list(a.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        terms += [w.get("podAffinityTerm") or {}
                  for w in a.get("preferredDuringSchedulingIgnoredDuringExecution") or []]
        if any(t.get("namespaces") or t.get("namespaceSelector") is not None for t in terms):
            return True
    return False


class PodEvaluator:
    """``podEvaluator`` (``pods.go``)."""

    group_resource = ("", "pods")

    def __init__(self, list_func: ListFunc | None = None, clock: Clock | None = None) -> None:
        self.list_func = list_func
        self.clock = clock

    def handles(self, a: Attributes) -> bool:
        return a.subresource == "" and a.operation is Operation.CREATE

    def matching_resources(self, names: list[str]) -> list[str]:
        out = [n for n in names if n in _POD_RESOURCES]
        for n in names:
            if n.startswith(("hugepages-", "requests.hugepages-")):
                out.append(n)
            if not _is_native(n) and n.startswith("requests."):
                out.append(n)
        return out

    def matches_scope(self, selector: Obj, obj: Obj) -> bool:
        """``podMatchesScopeFunc``."""
        spec = obj.get("spec") or {}
        scope = selector.get("scopeName")
        if scope in ("Terminating", "NotTerminating"):
            ads = spec.get("activeDeadlineSeconds")
            terminating = ads is not None and int(ads) >= 0
            return terminating if scope == "Terminating" else not terminating
        if scope in ("BestEffort", "NotBestEffort"):
            best = _is_best_effort(obj)
            return best if scope == "BestEffort" else not best
        if scope == "PriorityClass":
            name = spec.get("priorityClassName") or None
            if selector.get("operator") == "Exists":
                return name is not None
            return _selector_matches(selector, name)
        if scope == "CrossNamespacePodAffinity":
            return _uses_cross_namespace_affinity(spec)
        return False

    def constraints(self, required: list[str], obj: Obj) -> str | None:
        """``Constraints``: every container must state the cpu/memory a quota meters."""
        required_set = set(required) & _VALIDATION_SET
        missing: dict[str, set[str]] = {}
        spec = obj.get("spec") or {}
        for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
            req, lim = container_resource_lists(c)
            have = set(_pod_compute_usage(req, lim))
            for name in required_set - have:
                missing.setdefault(name, set()).add(str(c.get("name", "")))
        if not missing:
            return None
        parts = [f"{r} for: {','.join(sorted(missing[r]))}" for r in sorted(missing)]
        return "must specify " + "; ".join(parts)

    def usage(self, obj: Obj) -> ResourceList:
        """``PodUsageFunc``: ``count/pods`` always (it tracks every pod in storage); the
        compute resources (``pods`` among them) only while ``QuotaV1Pod``."""
        out: ResourceList = {"count/pods": _ONE}
        if not quota_v1_pod(obj, self.clock() if self.clock is not None else None):
            return out
        requests = pod_resource_totals(obj, "requests")
        limits = pod_resource_totals(obj, "limits")
        overhead = resource_list((obj.get("spec") or {}).get("overhead"))
        requests = add(requests, overhead)
        for k, v in overhead.items():
            if k in limits:
                limits[k] = limits[k] + v
        return add(out, _pod_compute_usage(requests, limits))

    def usage_stats(self, options: UsageStatsOptions) -> ResourceList:
        return calculate_usage_stats(options, self.list_func, self.matches_scope, self.usage)


# -- services and claims -------------------------------------------------------------------------


class _NoScope:
    list_func: ListFunc | None

    def matches_scope(self, selector: Obj, obj: Obj) -> bool:
        """``generic.MatchesNoScopeFunc``: a scoped quota never matches."""
        return False

    def constraints(self, required: list[str], obj: Obj) -> str | None:
        return None

    def usage(self, obj: Obj) -> ResourceList:  # pragma: no cover - overridden
        raise NotImplementedError

    def usage_stats(self, options: UsageStatsOptions) -> ResourceList:
        return calculate_usage_stats(options, self.list_func, self.matches_scope, self.usage)


def get_quota_service_type(svc: Obj) -> str:
    """``GetQuotaServiceType``: ``NodePort``, ``LoadBalancer`` or ``""``."""
    kind = str((svc.get("spec") or {}).get("type") or "")
    return kind if kind in ("NodePort", "LoadBalancer") else ""


class ServiceEvaluator(_NoScope):
    """``serviceEvaluator`` (``services.go``); CREATE and UPDATE (the type can change)."""

    group_resource = ("", "services")
    names = ("count/services", "services", "services.nodeports", "services.loadbalancers")

    def __init__(self, list_func: ListFunc | None = None) -> None:
        self.list_func = list_func

    def handles(self, a: Attributes) -> bool:
        return a.operation in (Operation.CREATE, Operation.UPDATE)

    def matching_resources(self, names: list[str]) -> list[str]:
        return [n for n in names if n in self.names]

    def usage(self, obj: Obj) -> ResourceList:
        spec = obj.get("spec") or {}
        ports = spec.get("ports") or []
        out: ResourceList = {"count/services": _ONE, "services": _ONE,
                             "services.loadbalancers": _ZERO, "services.nodeports": _ZERO}
        kind = get_quota_service_type(obj)
        if kind == "NodePort":
            out["services.nodeports"] = Quantity(len(ports))
        elif kind == "LoadBalancer":
            if spec.get("allocateLoadBalancerNodePorts") is False:
                out["services.nodeports"] = Quantity(sum(1 for p in ports if p.get("nodePort")))
            else:
                out["services.nodeports"] = Quantity(len(ports))
            out["services.loadbalancers"] = _ONE
        return out


class PersistentVolumeClaimEvaluator(_NoScope):
    """``pvcEvaluator`` (``persistent_volume_claims.go``)."""

    group_resource = ("", "persistentvolumeclaims")
    names = ("count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage")

    def __init__(self, list_func: ListFunc | None = None) -> None:
        self.list_func = list_func

    def handles(self, a: Attributes) -> bool:
        return a.subresource == "" and a.operation in (Operation.CREATE, Operation.UPDATE)

    def matching_resources(self, names: list[str]) -> list[str]:
        out = []
        for n in names:
            if n in self.names or any(n.endswith(_STORAGE_CLASS_SUFFIX + r)
                                      for r in ("persistentvolumeclaims", "requests.storage")):
                out.append(n)
        return out

    def usage(self, obj: Obj) -> ResourceList:
        spec = obj.get("spec") or {}
        annotations = (obj.get("metadata") or {}).get("annotations") or {}
        storage_class = (annotations.get("volume.beta.kubernetes.io/storage-class")
                         or spec.get("storageClassName") or "")
        out: ResourceList = {"persistentvolumeclaims": _ONE,
                             "count/persistentvolumeclaims": _ONE}
        if storage_class:
            out[storage_class + _STORAGE_CLASS_SUFFIX + "persistentvolumeclaims"] = _ONE
        requested = (spec.get("resources") or {}).get("requests") or {}
        storage: Quantity | None = None
        if "storage" in requested:
            storage = quantity(requested["storage"]).round_up(0)
        allocated = ((obj.get("status") or {}).get("allocatedResources") or {}).get("storage")
        if storage is not None and allocated is not None:
            alloc = quantity(allocated)
            if alloc > storage:
                storage = alloc.round_up(0)
        if storage is not None:
            out["requests.storage"] = storage
            if storage_class:
                out[storage_class + _STORAGE_CLASS_SUFFIX + "requests.storage"] = storage
        return out


def _allocated_storage(pvc: Obj) -> Quantity | None:
    raw = ((pvc.get("status") or {}).get("allocatedResources") or {}).get("storage")
    return quantity(raw) if raw is not None else None


# -- registry and install ------------------------------------------------------------------------


def new_evaluators(lister_for: ListerFor | None = None,
                   clock: Clock | None = None) -> list[Evaluator]:
    """``NewEvaluators``: pods, services, PVCs and the legacy object counts; each reads its
    namespace through ``lister_for(group, resource)`` when measuring ``usage_stats``."""
    def lister(resource: str) -> ListFunc | None:
        return lister_for("", resource) if lister_for is not None else None

    out: list[Evaluator] = [
        PodEvaluator(lister("pods"), clock), ServiceEvaluator(lister("services")),
        PersistentVolumeClaimEvaluator(lister("persistentvolumeclaims"))]
    for resource, alias in LEGACY_OBJECT_COUNT_ALIASES.items():
        out.append(ObjectCountEvaluator("", resource, alias, lister(resource)))
    return out


def evaluator_for(group: str, resource: str) -> Evaluator:
    """The evaluator for one kind, falling back to an object count evaluator for any other
    resource (``quotaEvaluator.Evaluate`` in admission)."""
    if group == "":
        if resource == "pods":
            return PodEvaluator()
        if resource == "services":
            return ServiceEvaluator()
        if resource == "persistentvolumeclaims":
            return PersistentVolumeClaimEvaluator()
        if resource in LEGACY_OBJECT_COUNT_ALIASES:
            return ObjectCountEvaluator(group, resource, LEGACY_OBJECT_COUNT_ALIASES[resource])
    return ObjectCountEvaluator(group, resource)


def default_update_filter(clock: Clock | None = None
                          ) -> Callable[[str, str, Obj, Obj], bool]:
    """``install.DefaultUpdateFilter``: which updates may *release* usage, so the quota
    controller must recalculate — a pod leaving ``QuotaV1Pod`` (it finished, or is stuck
    terminating past its grace period), a service changing its quota type, a claim whose
    allocated storage changed."""
    def update_filter(group: str, resource: str, old: Obj, new: Obj) -> bool:
        if group != "":
            return False
        if resource == "pods":
            now = clock() if clock is not None else None
            return quota_v1_pod(old, now) and not quota_v1_pod(new, now)
        if resource == "services":
            return get_quota_service_type(old) != get_quota_service_type(new)
        if resource == "persistentvolumeclaims":
            return _allocated_storage(old) != _allocated_storage(new)
        return False

    return update_filter
