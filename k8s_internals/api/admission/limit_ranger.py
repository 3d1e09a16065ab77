"""LimitRanger: default and bound the resources of Pods and PersistentVolumeClaims with the
namespace's LimitRanges.

Upstream: ``plugin/pkg/admission/limitranger/admission.go``. Both a mutating and a validating
plugin, for CREATE and UPDATE of ``pods`` and ``persistentvolumeclaims`` (no subresources; pod
UPDATEs are skipped because containers cannot change; objects being deleted are skipped):

- **admit** (``PodMutateLimitFunc``): every container and init container gets the LimitRange's
  ``default`` limits and ``defaultRequest`` requests for the resources it does not set
  (``defaultContainerResourceRequirements`` + ``mergeContainerResources``), and the pod is
  annotated ``kubernetes.io/limit-ranger: LimitRanger plugin set: memory request for container
  app; memory limit for container app``.
- **validate** (``PodValidateLimitFunc`` / ``PersistentVolumeClaimValidateLimitFunc``):
  ``min``, ``max`` and ``maxLimitRequestRatio`` of ``type: Container`` items per container, of
  ``type: Pod`` items on the pod's total (``podRequests`` / ``podLimits``: sum of containers,
  at least the largest init container, sidecars counted), and ``min``/``max`` of ``storage``
  for ``type: PersistentVolumeClaim`` on the claim's requests. The errors of one LimitRange are
  aggregated (``utilerrors.NewAggregate``) into one ``403``: ``pods "x" is forbidden: maximum
  memory usage per Container is 1Gi, but limit is 2Gi``.

``requests`` defaulted from ``default`` when only limits are given: upstream stores every
LimitRange through ``SetDefaults_LimitRangeItem`` (``pkg/apis/core/v1/defaults.go``): for
Container items a missing ``default`` comes from ``max``, a missing ``defaultRequest`` from
``default``, then from ``min``. This plugin applies the same defaulting to the LimitRanges it
reads (idempotent), so a LimitRange with only ``default: {memory: 512Mi}`` gives containers
``limits.memory`` *and* ``requests.memory`` of 512Mi, as on a real cluster.

Simplifications: Go ranges over maps in random order, so upstream's multi-error messages come in
varying order; here resource names are visited in sorted order. Upstream reads LimitRanges from
an informer plus a 30 s live-lookup cache (``liveLookupCache``, consulted when the lister shows
none, to make up for informer lag); here from the context's lister
(:func:`~.interfaces.lister_list`: the API server's caches, fed as each write commits, so never
behind; shared objects, never changed: every item is copied by ``default_limit_range_item``)
without the live-lookup cache, which could only bring back a LimitRange already deleted. A
container that sets limits but no requests gets ``requests = limits`` from pod *defaulting*
(``SetDefaults_Pod``) before admission upstream; that belongs to the API server's defaulter,
not to this plugin.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..validation.quantity import Quantity
from ._common import (
    ResourceList,
    aggregate,
    container_resource_lists,
    pod_resource_totals,
    resource_list,
)
from .interfaces import AdmissionContext, AdmissionError, Attributes, Operation, lister_list

__all__ = ["LIMIT_RANGER_ANNOTATION", "LimitRanger", "default_limit_range_item"]

LIMIT_RANGER_ANNOTATION = "kubernetes.io/limit-ranger"

#: ``resource.MaxMilliValue``
_MAX_MILLI_VALUE = (2**63 - 1) // 1000

_ZERO = Quantity(0)

Obj = dict[str, Any]


def default_limit_range_item(item: Mapping[str, Any]) -> Obj:
    """``SetDefaults_LimitRangeItem`` on a copy of one ``spec.limits[]`` item."""
    out = copy.deepcopy(dict(item))
    if out.get("type") != "Container":
        return out
    default = dict(out.get("default") or {})
    default_request = dict(out.get("defaultRequest") or {})
    for k, v in (out.get("max") or {}).items():
        default.setdefault(k, v)
    for k, v in default.items():
        default_request.setdefault(k, v)
    for k, v in (out.get("min") or {}).items():
        default_request.setdefault(k, v)
    if default:
        out["default"] = default
    if default_request:
        out["defaultRequest"] = default_request
    return out


def _items(limit_range: Mapping[str, Any]) -> list[Obj]:
    return [default_limit_range_item(i) for i in
            (limit_range.get("spec") or {}).get("limits") or []]


# -- mutation -------------------------------------------------------------------------------------


def _default_requirements(items: list[Obj]) -> tuple[ResourceList, ResourceList]:
    """``defaultContainerResourceRequirements``: (requests, limits); a later Container item wins."""
    requests: ResourceList = {}
    limits: ResourceList = {}
    for item in items:
        if item.get("type") == "Container":
            requests.update(resource_list(item.get("defaultRequest")))
            limits.update(resource_list(item.get("default")))
    return requests, limits


def _merge_container(container: Obj, requests: ResourceList, limits: ResourceList, prefix: str,
                     annotations: list[str]) -> None:
    """``mergeContainerResources``."""
    resources = container.get("resources")
    if not isinstance(resources, dict):
        resources = {}
    set_limits = sorted(k for k in limits if k not in (resources.get("limits") or {}))
    set_requests = sorted(k for k in requests if k not in (resources.get("requests") or {}))
    for field, names, source in (("limits", set_limits, limits),
                                 ("requests", set_requests, requests)):
        if not names:
            continue
        current = dict(resources.get(field) or {})
        for k in names:
            current[k] = str(source[k])
        resources[field] = {k: current[k] for k in sorted(current)}
        container["resources"] = resources
    name = container.get("name", "")
    if set_requests:
        annotations.append(", ".join(set_requests) + f" request for {prefix} {name}")
    if set_limits:
        annotations.append(", ".join(set_limits) + f" limit for {prefix} {name}")


def pod_mutate_limit(limit_range: Mapping[str, Any], pod: Obj) -> None:
    """``PodMutateLimitFunc`` / ``mergePodResourceRequirements``."""
    requests, limits = _default_requirements(_items(limit_range))
    spec = pod.setdefault("spec", {})
    annotations: list[str] = []
    for c in spec.get("containers") or []:
        _merge_container(c, requests, limits, "container", annotations)
    for c in spec.get("initContainers") or []:
        _merge_container(c, requests, limits, "init container", annotations)
    if annotations:
        meta = pod.setdefault("metadata", {})
        if not isinstance(meta.get("annotations"), dict):
            meta["annotations"] = {}
        meta["annotations"][LIMIT_RANGER_ANNOTATION] = (
            "LimitRanger plugin set: " + "; ".join(annotations))


# -- validation -----------------------------------------------------------------------------------


def _enforced_values(req: Quantity, lim: Quantity, enforced: Quantity) -> tuple[int, int, int]:
    """``requestLimitEnforcedValues``: compare in milli-units unless that would overflow."""
    r, li, e = req.value(), lim.value(), enforced.value()
    if r <= _MAX_MILLI_VALUE and li <= _MAX_MILLI_VALUE and e <= _MAX_MILLI_VALUE:
        return req.milli_value(), lim.milli_value(), enforced.milli_value()
    return r, li, e


def _min_constraint(limit_type: str, name: str, enforced: Quantity, request: ResourceList,
                    limit: ResourceList) -> str | None:
    """``minConstraint``."""
    req, lim = request.get(name), limit.get(name)
    r, li, e = _enforced_values(req or _ZERO, lim or _ZERO, enforced)
    if req is None:
        return f"minimum {name} usage per {limit_type} is {enforced}.  No request is specified"
    if r < e:
        return f"minimum {name} usage per {limit_type} is {enforced}, but request is {req}"
    if lim is not None and li < e:
        return f"minimum {name} usage per {limit_type} is {enforced}, but limit is {lim}"
    return None


def _max_request_constraint(limit_type: str, name: str, enforced: Quantity,
                            request: ResourceList) -> str | None:
    """``maxRequestConstraint`` (PVCs: only requests count)."""
    req = request.get(name)
    r, _, e = _enforced_values(req or _ZERO, _ZERO, enforced)
    if req is None:
        return f"maximum {name} usage per {limit_type} is {enforced}.  No request is specified"
    if r > e:
        return f"maximum {name} usage per {limit_type} is {enforced}, but request is {req}"
    return None


def _max_constraint(limit_type: str, name: str, enforced: Quantity, request: ResourceList,
                    limit: ResourceList) -> str | None:
    """``maxConstraint``."""
    req, lim = request.get(name), limit.get(name)
    r, li, e = _enforced_values(req or _ZERO, lim or _ZERO, enforced)
    if lim is None:
        return f"maximum {name} usage per {limit_type} is {enforced}.  No limit is specified"
    if li > e:
        return f"maximum {name} usage per {limit_type} is {enforced}, but limit is {lim}"
    if req is not None and r > e:
        return f"maximum {name} usage per {limit_type} is {enforced}, but request is {req}"
    return None


def _ratio_constraint(limit_type: str, name: str, enforced: Quantity, request: ResourceList,
                      limit: ResourceList) -> str | None:
    """``limitRequestRatioConstraint`` (float64 arithmetic and ``%f`` as upstream)."""
    req, lim = request.get(name), limit.get(name)
    r, li, _ = _enforced_values(req or _ZERO, lim or _ZERO, enforced)
    if req is None or r == 0:
        return (f"{name} max limit to request ratio per {limit_type} is {enforced}, "
                "but no request is specified or request is 0")
    if lim is None or li == 0:
        return (f"{name} max limit to request ratio per {limit_type} is {enforced}, "
                "but no limit is specified or limit is 0")
    observed = float(li) / float(r)
    display = observed
    max_ratio = float(enforced.value())
    if enforced.value() <= _MAX_MILLI_VALUE:
        observed = observed * 1000
        max_ratio = float(enforced.milli_value())
    if observed > max_ratio:
        return (f"{name} max limit to request ratio per {limit_type} is {enforced}, "
                f"but provided ratio is {display:f}")
    return None


def _check_item(item: Obj, limit_type: str, request: ResourceList, limit: ResourceList,
                errs: list[str]) -> None:
    for k, v in sorted(resource_list(item.get("min")).items()):
        if (e := _min_constraint(limit_type, k, v, request, limit)) is not None:
            errs.append(e)
    for k, v in sorted(resource_list(item.get("max")).items()):
        if (e := _max_constraint(limit_type, k, v, request, limit)) is not None:
            errs.append(e)
    for k, v in sorted(resource_list(item.get("maxLimitRequestRatio")).items()):
        if (e := _ratio_constraint(limit_type, k, v, request, limit)) is not None:
            errs.append(e)


def pod_validate_limit(limit_range: Mapping[str, Any], pod: Obj) -> list[str]:
    """``PodValidateLimitFunc``: the error messages (empty when the pod fits)."""
    errs: list[str] = []
    spec = pod.get("spec") or {}
    for item in _items(limit_range):
        limit_type = str(item.get("type", ""))
        if limit_type == "Container":
            for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
                req, lim = container_resource_lists(c)
                _check_item(item, limit_type, req, lim, errs)
        if limit_type == "Pod":
            _check_item(item, limit_type, pod_resource_totals(pod, "requests"),
                        pod_resource_totals(pod, "limits"), errs)
    return errs


def pvc_validate_limit(limit_range: Mapping[str, Any], pvc: Obj) -> list[str]:
    """``PersistentVolumeClaimValidateLimitFunc``: min/max on ``spec.resources.requests``."""
    errs: list[str] = []
    requests = resource_list(((pvc.get("spec") or {}).get("resources") or {}).get("requests"))
    for item in _items(limit_range):
        limit_type = str(item.get("type", ""))
        if limit_type != "PersistentVolumeClaim":
            continue
        for k, v in sorted(resource_list(item.get("min")).items()):
            if (e := _min_constraint(limit_type, k, v, requests, {})) is not None:
                errs.append(e)
        for k, v in sorted(resource_list(item.get("max")).items()):
            if (e := _max_request_constraint(limit_type, k, v, requests)) is not None:
                errs.append(e)
    return errs


class LimitRanger:
    """``limitranger.LimitRanger`` with ``DefaultLimitRangerActions``."""

    name = "LimitRanger"

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE)

    @staticmethod
    def _supports(a: Attributes) -> bool:
        """``SupportsAttributes``."""
        if a.subresource or a.group != "":
            return False
        if a.kind == "Pod" and a.operation is Operation.UPDATE:
            return False
        return a.kind in ("Pod", "PersistentVolumeClaim")

    def _limit_ranges(self, a: Attributes, ctx: AdmissionContext) -> list[Obj] | None:
        """``runLimitFunc``'s preamble: None when the request is out of scope."""
        if not self._supports(a) or a.obj is None:
            return None
        if a.old_obj is not None and (a.old_obj.get("metadata") or {}).get("deletionTimestamp"):
            return None
        return lister_list(ctx, "", "limitranges", a.namespace)

    def may_mutate(self, a: Attributes) -> bool:
        """Whether :meth:`admit` may change ``a.obj``: only pods it supports."""
        return a.resource == "pods" and self._supports(a)

    def admit(self, a: Attributes, ctx: AdmissionContext) -> None:
        ranges = self._limit_ranges(a, ctx)
        if not ranges or a.obj is None or a.resource != "pods":
            return
        for lr in ranges:
            pod_mutate_limit(lr, a.obj)

    def validate(self, a: Attributes, ctx: AdmissionContext) -> None:
        ranges = self._limit_ranges(a, ctx)
        if not ranges or a.obj is None:
            return
        for lr in ranges:
            if a.resource == "pods":
                errs = pod_validate_limit(lr, a.obj)
            elif a.resource == "persistentvolumeclaims":
                errs = pvc_validate_limit(lr, a.obj)
            else:
                errs = []
            if errs:
                raise AdmissionError(aggregate(errs))
