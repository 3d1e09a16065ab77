"""ResourceQuota: refuse a create (or a growing update) that would take a namespace past one of
its ResourceQuotas, and charge the quota for what it admits.

Upstream: ``plugin/pkg/admission/resourcequota/admission.go`` (the plugin) and
``controller.go`` (``quotaEvaluator.checkQuotas`` / ``CheckRequest``, ``prettyPrint``), with the
usage evaluators of ``pkg/quota/v1/evaluator/core/`` (``pods.go``, ``services.go``,
``persistent_volume_claims.go``, ``registry.go``) and the object-count evaluator of
``staging/src/k8s.io/apiserver/pkg/quota/v1/generic/evaluator.go``. Validating; CREATE and
UPDATE of namespaced objects (not namespaces, not subresources, not core ``events``).

For each ResourceQuota in the namespace whose ``hard`` names a resource this kind uses (and whose
scopes match the object):

1. ``Constraints``: a pod must state what a quota on cpu/memory meters, per container:
   ``failed quota: compute-resources: must specify limits.cpu for: app; requests.memory for:
   app,sidecar``.
2. the object's usage (the *delta* for an update of a Service or PVC) is added to
   ``status.used``; if any resource would pass ``hard``:
   ``exceeded quota: compute-resources, requested: limits.cpu=2,pods=1, used:
   limits.cpu=1,pods=2, limited: limits.cpu=2,pods=2`` (resources sorted, ``name=quantity``).
3. otherwise the new ``status.used`` is written with ``ctx.update_status``: optimistic
   concurrency, so on a ``409`` (upstream: on any update error) the quotas that failed are read
   again and the request is re-checked against them, three retries, then the last error (the
   ``409``) is returned — as ``checkQuotas`` does.

Usage by kind: pods — ``pods``, ``count/pods``, ``cpu``/``requests.cpu``, ``memory``/
``requests.memory``, ``limits.cpu``, ``limits.memory``, ephemeral-storage, hugepages and
``requests.<extended>`` from ``PodRequests``/``PodLimits`` (init containers, sidecars, overhead;
nothing but ``count/pods`` for a pod already Succeeded/Failed). services — ``services``,
``count/services``, ``services.nodeports``, ``services.loadbalancers``. PVCs —
``persistentvolumeclaims``, ``count/persistentvolumeclaims``, ``requests.storage`` (rounded up
to whole bytes) and their ``<class>.storageclass.storage.k8s.io/...`` forms. configmaps,
secrets, replicationcontrollers, resourcequotas — their legacy names plus ``count/<resource>``.
Anything else — ``count/<resource>.<group>`` (``count/deployments.apps``).

Simplifications:

- The quota *controller* that fills ``status.hard`` and recalculates ``status.used`` from what is
  actually stored (and gives usage back when objects go away) is a later piece. Until it runs, a
  quota without status is read with ``hard`` from ``spec.hard`` and missing ``used`` entries as 0,
  and the first admitted object writes both (what the controller's first sync would have written
  for an empty namespace). ``ResourceQuota(strict_status=True)`` gives upstream's behaviour
  instead: ``status unknown for quota: x, resources: pods`` until the controller has run.
- Upstream batches concurrent requests per namespace through a work queue; requests here are
  serial. As upstream, a request charged here and then refused by storage (e.g. AlreadyExists)
  stays charged until the controller recalculates.
- No ``limitedResources`` admission configuration; no metering of ``pods/resize`` or
  ``persistentvolumeclaims/status``; the deletion-grace rule of ``QuotaV1Pod`` is not applied
  (only creates of pods are metered, and they are not being deleted).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Protocol

from .. import errors
from ..validation.quantity import Quantity
from ._common import (
    ResourceList,
    add,
    container_resource_lists,
    mask,
    pod_resource_totals,
    quantity,
    resource_list,
    to_json,
)
from .interfaces import AdmissionContext, AdmissionError, Attributes, Operation

__all__ = ["Evaluator", "ResourceQuota", "evaluator_for", "pretty_print"]

Obj = dict[str, Any]

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

#: ``legacyObjectCountAliases`` of ``pkg/quota/v1/evaluator/core/registry.go``
_LEGACY_ALIASES = {"configmaps": "configmaps", "resourcequotas": "resourcequotas",
                   "replicationcontrollers": "replicationcontrollers", "secrets": "secrets"}

_STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"


def object_count_name(group: str, resource: str) -> str:
    """``generic.ObjectCountQuotaResourceNameFor``: ``count/pods``, ``count/deployments.apps``."""
    return f"count/{resource}.{group}" if group else f"count/{resource}"


def pretty_print(rl: Mapping[str, Quantity]) -> str:
    """``prettyPrint``: ``limits.cpu=2,pods=1``, resources sorted."""
    return ",".join(f"{k}={rl[k]}" for k in sorted(rl))


def _is_native(name: str) -> bool:
    """``helper.IsNativeResource``: no domain, or a ``kubernetes.io/`` one."""
    return "/" not in name or "kubernetes.io/" in name


def _is_extended(name: str) -> bool:
    """``helper.IsExtendedResourceName`` (without the qualified-name syntax check)."""
    return not _is_native(name) and not name.startswith("requests.")


# -- evaluators ----------------------------------------------------------------------------------


class Evaluator(Protocol):
    """``quota.Evaluator``, the part admission uses."""

    def handles(self, a: Attributes) -> bool: ...

    def matching_resources(self, names: list[str]) -> list[str]: ...

    def matches_scope(self, selector: Obj, obj: Obj) -> bool: ...

    def constraints(self, required: list[str], obj: Obj) -> str | None: ...

    def usage(self, obj: Obj) -> ResourceList: ...


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


def _scope_selectors(rq: Obj) -> list[Obj]:
    """``getScopeSelectorsFromQuota``."""
    spec = rq.get("spec") or {}
    out: list[Obj] = [{"scopeName": s, "operator": "Exists"} for s in spec.get("scopes") or []]
    out.extend((spec.get("scopeSelector") or {}).get("matchExpressions") or [])
    return out


def _selector_matches(selector: Obj, key: str, value: str | None) -> bool:
    """A ``ScopedResourceSelectorRequirement`` as a label selector over ``{key: value}``."""
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


class PodEvaluator:
    """``podEvaluator`` (``pods.go``)."""

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
            return _selector_matches(selector, "PriorityClass", name)
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
        """``PodUsageFunc``."""
        out: ResourceList = {"count/pods": _ONE}
        if (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return out
        requests = pod_resource_totals(obj, "requests")
        limits = pod_resource_totals(obj, "limits")
        overhead = resource_list((obj.get("spec") or {}).get("overhead"))
        requests = add(requests, overhead)
        for k, v in overhead.items():
            if k in limits:
                limits[k] = limits[k] + v
        return add(out, _pod_compute_usage(requests, limits))


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


class _NoScope:
    def matches_scope(self, selector: Obj, obj: Obj) -> bool:
        """``generic.MatchesNoScopeFunc``: a scoped quota never matches."""
        return False

    def constraints(self, required: list[str], obj: Obj) -> str | None:
        return None


class ServiceEvaluator(_NoScope):
    """``serviceEvaluator`` (``services.go``); CREATE and UPDATE (the type can change)."""

    names = ("count/services", "services", "services.nodeports", "services.loadbalancers")

    def handles(self, a: Attributes) -> bool:
        return a.operation in (Operation.CREATE, Operation.UPDATE)

    def matching_resources(self, names: list[str]) -> list[str]:
        return [n for n in names if n in self.names]

    def usage(self, obj: Obj) -> ResourceList:
        spec = obj.get("spec") or {}
        ports = spec.get("ports") or []
        out: ResourceList = {"count/services": _ONE, "services": _ONE,
                             "services.loadbalancers": _ZERO, "services.nodeports": _ZERO}
        kind = spec.get("type")
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

    names = ("count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage")

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


class ObjectCountEvaluator(_NoScope):
    """``generic.objectCountEvaluator``: ``count/<resource>[.<group>]`` (and a legacy alias)."""

    def __init__(self, group: str, resource: str, alias: str = "") -> None:
        self.count_name = object_count_name(group, resource)
        self.alias = alias

    def handles(self, a: Attributes) -> bool:
        return a.operation is Operation.CREATE

    def matching_resources(self, names: list[str]) -> list[str]:
        mine = {self.count_name, self.alias} - {""}
        return [n for n in names if n in mine]

    def usage(self, obj: Obj) -> ResourceList:
        out: ResourceList = {self.count_name: _ONE}
        if self.alias:
            out[self.alias] = _ONE
        return out


def evaluator_for(group: str, resource: str) -> Evaluator:
    """The registry of ``pkg/quota/v1/evaluator/core/registry.go``, falling back to an object
    count evaluator for any other resource (``quotaEvaluator.Evaluate``)."""
    if group == "":
        if resource == "pods":
            return PodEvaluator()
        if resource == "services":
            return ServiceEvaluator()
        if resource == "persistentvolumeclaims":
            return PersistentVolumeClaimEvaluator()
        if resource in _LEGACY_ALIASES:
            return ObjectCountEvaluator(group, resource, _LEGACY_ALIASES[resource])
    return ObjectCountEvaluator(group, resource)


# -- the plugin ----------------------------------------------------------------------------------


def _name(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


class ResourceQuota:
    """``resourcequota.QuotaAdmission`` with its ``quotaEvaluator``."""

    name = "ResourceQuota"

    #: ``checkQuotas(quotas, admissionAttributes, 3)``
    RETRIES = 3

    def __init__(self, strict_status: bool = False) -> None:
        self.strict_status = strict_status

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE)

    # -- status as read and written ---------------------------------------------------------

    def _hard(self, rq: Obj) -> ResourceList:
        status = rq.get("status") or {}
        if "hard" in status or self.strict_status:
            return resource_list(status.get("hard"))
        return resource_list((rq.get("spec") or {}).get("hard"))

    def _used(self, rq: Obj) -> ResourceList:
        used = resource_list((rq.get("status") or {}).get("used"))
        if self.strict_status:
            return used
        return {**{k: _ZERO for k in self._hard(rq)}, **used}

    # -- admission --------------------------------------------------------------------------

    def validate(self, a: Attributes, ctx: AdmissionContext) -> None:
        if a.subresource or not a.namespace or a.obj is None:
            return
        if a.group == "" and a.resource == "namespaces":
            return
        if (a.group, a.resource) in IGNORED_RESOURCES:
            return
        evaluator = evaluator_for(a.group, a.resource)
        if not evaluator.handles(a):
            return
        quotas = ctx.list("", "resourcequotas", a.namespace)
        if not quotas:
            return
        self._check_quotas(a, ctx, evaluator, quotas, self.RETRIES)

    def _check_quotas(self, a: Attributes, ctx: AdmissionContext, evaluator: Evaluator,
                      quotas: list[Obj], retries: int) -> None:
        """``checkQuotas`` for one request: check, write the changed quotas, retry conflicts."""
        while True:
            new_used = self._check_request(a, evaluator, quotas)
            if a.dry_run:
                return
            failed: list[str] = []
            last_err: errors.StatusError | None = None
            for rq in quotas:
                name = _name(rq)
                if name not in new_used:
                    continue
                updated = copy.deepcopy(rq)
                status = updated.setdefault("status", {})
                if "hard" not in status:
                    status["hard"] = to_json(self._hard(rq))
                status["used"] = to_json(new_used[name])
                try:
                    ctx.update_status("", "resourcequotas", updated)
                except errors.StatusError as exc:  # upstream retries on any update error
                    failed.append(name)
                    last_err = exc
            if not failed:
                return
            if retries <= 0:
                assert last_err is not None
                raise last_err
            retries -= 1
            fresh = ctx.list("", "resourcequotas", a.namespace)
            quotas = [q for q in fresh if _name(q) in failed]

    def _check_request(self, a: Attributes, evaluator: Evaluator,
                       quotas: list[Obj]) -> dict[str, ResourceList]:
        """``CheckRequest``: the new ``status.used`` of every quota this request changes
        (by name); raises :class:`AdmissionError` when the request does not fit."""
        obj = a.obj
        assert obj is not None
        interesting: list[Obj] = []
        for rq in quotas:
            hard_names = list(self._hard(rq))
            restricted = evaluator.matching_resources(hard_names)
            if not restricted:
                continue
            if not all(evaluator.matches_scope(s, obj) for s in _scope_selectors(rq)):
                continue
            err = evaluator.constraints(restricted, obj)
            if err:
                raise AdmissionError(f"failed quota: {_name(rq)}: {err}")
            used = self._used(rq)
            if any(r not in used for r in restricted):
                raise AdmissionError(f"status unknown for quota: {_name(rq)}, resources: "
                                     + ",".join(sorted(restricted)))
            interesting.append(rq)

        delta = evaluator.usage(obj)
        negative = sorted(k for k, v in delta.items() if v.sign() < 0)
        if negative:
            raise AdmissionError(
                "quota usage is negative for resource(s): " + ",".join(negative))
        if a.operation is Operation.UPDATE:
            if a.old_obj is None:
                raise AdmissionError("unable to get previous usage since prior version of "
                                     "object was not found")
            if (a.old_obj.get("metadata") or {}).get("resourceVersion"):
                delta = _subtract_non_negative(delta, evaluator.usage(a.old_obj))
        if all(v.is_zero() for v in delta.values()) or not interesting:
            return {}

        out: dict[str, ResourceList] = {}
        for rq in interesting:
            hard = self._hard(rq)
            used = self._used(rq)
            requested = mask(delta, hard)
            new_usage = add(used, requested)
            masked = mask(new_usage, requested)
            exceeded = [k for k, v in hard.items() if k in masked and masked[k] > v]
            if exceeded:
                raise AdmissionError(
                    f"exceeded quota: {_name(rq)}, requested: "
                    f"{pretty_print(mask(requested, exceeded))}, used: "
                    f"{pretty_print(mask(used, exceeded))}, limited: "
                    f"{pretty_print(mask(hard, exceeded))}")
            if new_usage != used or "hard" not in (rq.get("status") or {}):
                out[_name(rq)] = new_usage
        return out


def _subtract_non_negative(a: ResourceList, b: ResourceList) -> ResourceList:
    """``quota.SubtractWithNonNegativeResult``."""
    out: ResourceList = {}
    for k, v in a.items():
        d = v - b[k] if k in b else v
        out[k] = d if d.sign() > 0 else _ZERO
    for k in b:
        out.setdefault(k, _ZERO)
    return out
