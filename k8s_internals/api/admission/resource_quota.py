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

The usage evaluators (what each kind costs) live in :mod:`k8s_internals.quota`, shared with
the ResourceQuota controller of kube-controller-manager, as upstream shares ``pkg/quota/v1``.

Simplifications:

- The quota controller (:mod:`k8s_internals.controllers.resourcequota`) fills ``status.hard``
  and recalculates ``status.used`` from what is stored, and gives usage back when objects go
  away. ``ResourceQuota(strict_status=True)`` is upstream's behaviour: a quota counts only from
  its ``status.hard`` (a quota the controller has not synced yet constrains nothing), and one
  with ``hard`` but no ``used`` for a resource refuses with ``status unknown for quota: x,
  resources: pods``. The default (``strict_status=False``) is for an API server without a
  controller manager (the admission chapter, the API server's own tests): a quota without
  status is read with ``hard`` from ``spec.hard`` and missing ``used`` entries as 0, and the
  first admitted object writes both (what the controller's first sync would have written for an
  empty namespace). The assembled cluster (:class:`k8s_internals.Cluster`) runs the controller
  and uses the strict mode (:attr:`APIServerConfig.quota_strict_status
  <k8s_internals.api.assemble.APIServerConfig>`).
- Quotas are read through the context's lister (:func:`~.interfaces.lister_list`: the API
  server's caches, fed as each write commits, like upstream's ``quotaAccessor.GetQuotas`` on its
  quota lister, ``apiserver/pkg/admission/plugin/resourcequota/resource_access.go``); the
  objects are shared, so a quota is deep-copied before its status is changed. Upstream also
  keeps a 30 s ``liveLookupCache`` of live lists for namespaces its lister shows no quota in,
  and an ``updatedQuotas`` LRU of its own recent status writes (``checkCache``), both to make up
  for informer lag; the lister here is never behind this server's own writes, so neither is
  modelled (a live-lookup entry could only bring back a quota already deleted). After a
  conflict the failed quotas are read live from storage, as before.
- Upstream batches concurrent requests per namespace through a work queue; requests here are
  serial. As upstream, a request charged here and then refused by storage (e.g. AlreadyExists)
  stays charged until the controller recalculates.
- No ``limitedResources`` admission configuration; no metering of ``pods/resize`` or
  ``persistentvolumeclaims/status``; the deletion-grace rule of ``QuotaV1Pod`` is not applied
  (only creates of pods are metered, and they are not being deleted).
"""

from __future__ import annotations

import copy
from typing import Any

from ...quota import IGNORED_RESOURCES, Evaluator, evaluator_for, pretty_print
from ...quota.generic import object_count_name, scope_selectors
from .. import errors
from ..validation.quantity import Quantity
from ._common import ResourceList, add, mask, resource_list, to_json
from .interfaces import AdmissionContext, AdmissionError, Attributes, Operation, lister_list

__all__ = ["Evaluator", "ResourceQuota", "evaluator_for", "object_count_name", "pretty_print"]

Obj = dict[str, Any]

_ZERO = Quantity(0)


def _scope_selectors(rq: Obj) -> list[Obj]:
    """``getScopeSelectorsFromQuota``."""
    spec = rq.get("spec") or {}
    return scope_selectors(spec.get("scopes") or [], spec.get("scopeSelector"))


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
        # shared objects from the lister: read only (deep-copied before a status write)
        quotas = lister_list(ctx, "", "resourcequotas", a.namespace)
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
