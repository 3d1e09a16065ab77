"""The ``pods/eviction`` subresource: a pod deletion that respects PodDisruptionBudgets.

Mirrors ``pkg/registry/core/pod/storage/eviction.go`` (``EvictionREST.Create``,
``canIgnorePDB``, ``shouldEnforceResourceVersion``, ``checkAndDecrement``,
``getPodDisruptionBudgets``, ``createTooManyRequestsError``)::

    pod Pending, Succeeded, Failed or being deleted  → delete it, no budget consulted
    PDBs whose (non-empty) selector matches the pod:
      none                      → delete the pod
      more than one             → 500 "This pod has more than one PodDisruptionBudget, ..."
      one, pod not Ready        → delete it (with a resourceVersion precondition) when the
                                  budget is met (currentHealthy >= desiredHealthy > 0) or its
                                  unhealthyPodEvictionPolicy is AlwaysAllow
      one                       → status not observed yet   → 429 "... still being processed"
                                  disruptionsAllowed == 0   → 429 "Cannot evict pod as it
                                  would violate the pod's disruption budget." with the
                                  DisruptionBudget cause
                                  otherwise: disruptionsAllowed - 1, disruptedPods[pod] = now
                                  (the PDB's status, written with optimistic concurrency),
                                  then delete the pod

The "more than one PDB" answer is a ``Status`` with code 500 and no reason (upstream returns it
as the created object; its code becomes the HTTP status, as the eviction docs say).

Simplification: the PDB status is written through the storage (one compare-and-swap, retried
against the fresh PDB like upstream's ``RetryOnConflict``) rather than through a loopback
client, so it makes no request (and no trace) of its own.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from . import errors
from .admission.interfaces import Operation
from .resources import lookup
from .selectors import selecting
from .trace import Outcome

if TYPE_CHECKING:
    from .server import APIServer, _Ctx

__all__ = ["MAX_DISRUPTED_POD_SIZE", "TOO_MANY_REQUESTS_MESSAGE", "evict"]

#: ``MaxDisruptedPodSize``
MAX_DISRUPTED_POD_SIZE = 2000
TOO_MANY_REQUESTS_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget."
MULTIPLE_PDBS_MESSAGE = ("This pod has more than one PodDisruptionBudget, which the eviction "
                         "subresource does not support.")


def _too_many_requests(cause: str, retry_after: int) -> errors.StatusError:
    """``errors.NewTooManyRequests`` plus the ``DisruptionBudget`` cause."""
    details: dict[str, Any] = {"causes": [{"reason": "DisruptionBudget", "message": cause}]}
    if retry_after:
        details["retryAfterSeconds"] = retry_after
    return errors.StatusError({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": TOO_MANY_REQUESTS_MESSAGE, "reason": "TooManyRequests",
        "details": details, "code": 429})


def _still_processing(name: str) -> errors.StatusError:
    """``createTooManyRequestsError``."""
    return _too_many_requests(
        f"The disruption budget {name} is still being processed by the server.", 10)


def _forbidden(name: str, err: str) -> errors.StatusError:
    return errors.forbidden("policy", "poddisruptionbudget", name, err)


def _can_ignore_pdb(pod: dict[str, Any]) -> bool:
    """``canIgnorePDB``: terminal, pending or already terminating pods."""
    phase = (pod.get("status") or {}).get("phase")
    return (phase in ("Succeeded", "Failed", "Pending")
            or bool(pod["metadata"].get("deletionTimestamp")))


def _should_enforce_resource_version(pod: dict[str, Any]) -> bool:
    phase = (pod.get("status") or {}).get("phase")
    return not (phase in ("Succeeded", "Failed") or pod["metadata"].get("deletionTimestamp"))


def _is_pod_ready(pod: dict[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _pdbs_for(server: APIServer, pod: dict[str, Any]) -> list[dict[str, Any]]:
    """``getPodDisruptionBudgets``: a nil or empty selector matches nothing."""
    info = lookup("policy", "poddisruptionbudgets")
    assert info is not None
    ns = pod["metadata"].get("namespace", "")
    return selecting(server.storage.list(info, ns).items, pod["metadata"].get("labels") or {})


def _check_and_decrement(server: APIServer, ctx: _Ctx, pod_name: str, pdb_name: str,
                         namespace: str, dry_run: bool) -> None:
    """``checkAndDecrement``, as one compare-and-swap of the PDB's status."""
    from ..controllers.disruption import update_disruption_allowed_condition

    info = lookup("policy", "poddisruptionbudgets")
    assert info is not None

    def decrement(current: dict[str, Any]) -> dict[str, Any]:
        pdb = copy.deepcopy(current)
        status = pdb.setdefault("status", {})
        if int(status.get("observedGeneration") or 0) < int(
                pdb["metadata"].get("generation") or 0):
            raise _still_processing(pdb_name)
        allowed = int(status.get("disruptionsAllowed") or 0)
        if allowed < 0:
            raise _forbidden(pdb_name, "pdb disruptions allowed is negative")
        if len(status.get("disruptedPods") or {}) > MAX_DISRUPTED_POD_SIZE:
            raise _forbidden(pdb_name, "DisruptedPods map too big - too many evictions not "
                                       "confirmed by PDB controller")
        if allowed == 0:
            raise _too_many_requests(
                f"The disruption budget {pdb_name} needs "
                f"{int(status.get('desiredHealthy') or 0)} healthy pods and has "
                f"{int(status.get('currentHealthy') or 0)} currently", 0)
        status["disruptionsAllowed"] = allowed - 1
        if allowed - 1 == 0:
            update_disruption_allowed_condition(pdb, server.kernel.timestamp())
        disrupted = dict(status.get("disruptedPods") or {})
        disrupted[pod_name] = server.kernel.timestamp()
        # the status's JSON order: observedGeneration, disruptedPods, then the counters
        rest = {k: v for k, v in status.items() if k not in ("observedGeneration",
                                                              "disruptedPods")}
        pdb["status"] = {"observedGeneration": status.get("observedGeneration", 0),
                         "disruptedPods": disrupted, **rest}
        return pdb

    if dry_run:
        decrement(server.storage.get(info, namespace, pdb_name))
        return
    _, new = server.storage.guaranteed_update(info, namespace, pdb_name, decrement)
    key = info.key(namespace, pdb_name)
    rv = int(new["metadata"]["resourceVersion"])
    server._step(ctx, "storage", "etcd3", Outcome.OK,
                 {"key": key, "revision": rv,
                  "disruptionsAllowed": new["status"]["disruptionsAllowed"]})
    server._record_write(ctx, key, rv, "PUT")


def evict(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    """``EvictionREST.Create``."""
    from .handlers import _delete_one, _parse_body

    body = _parse_body(server, ctx)
    opts: dict[str, Any] = dict((body.get("deleteOptions") or {})
                                if isinstance(body, dict) else {})
    server._step(ctx, "decode", "json", Outcome.OK, {"eviction": True})
    pods = lookup("", "pods")
    assert pods is not None
    if isinstance(body, dict):
        name = (body.get("metadata") or {}).get("name")
        if name and name != ctx.req.name:
            raise errors.bad_request("name in URL does not match name in Eviction object")
        # an eviction is admitted as a CREATE of the Eviction; the pod deletion it causes is
        # internal (EvictionREST calls the pod storage directly)
        server._admit(ctx, Operation.CREATE, body, None)
        server._validate_admission(ctx, Operation.CREATE, body, None)
    namespace, name = ctx.req.namespace, ctx.req.name
    dry_run = ctx.req.param("dryRun") == "All" or bool(opts.get("dryRun"))
    pod = server.storage.get(pods, namespace, name)
    pre = opts.get("preconditions") or {}
    if _can_ignore_pdb(pod):
        if _should_enforce_resource_version(pod) and not pre.get("resourceVersion"):
            opts["preconditions"] = {**pre, "resourceVersion": pod["metadata"]["resourceVersion"]}
        _delete_one(server, ctx, pods, namespace, name, opts, admit=False)
        return 201, errors.status_success()

    pdbs = _pdbs_for(server, pod)
    if len(pdbs) > 1:
        server._step(ctx, "eviction", "pdb", Outcome.REJECTED, MULTIPLE_PDBS_MESSAGE)
        return 500, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                     "message": MULTIPLE_PDBS_MESSAGE, "code": 500}
    update_deletion_options = False
    pdb_name = ""
    if pdbs:
        pdb = pdbs[0]
        pdb_name = pdb["metadata"]["name"]
        status = pdb.get("status") or {}
        if not _is_pod_ready(pod) and (
                (pdb.get("spec") or {}).get("unhealthyPodEvictionPolicy") == "AlwaysAllow"
                or (int(status.get("currentHealthy") or 0) >= int(
                    status.get("desiredHealthy") or 0) > 0)):
            # an unhealthy pod does not count: delete it without touching the budget
            update_deletion_options = True
        else:
            try:
                _check_and_decrement(server, ctx, name, pdb_name, namespace, dry_run)
            except errors.StatusError as exc:
                server._step(ctx, "eviction", "pdb", Outcome.REJECTED, exc.message)
                raise
            server._step(ctx, "eviction", "pdb", Outcome.OK, {"pdb": pdb_name})
    if update_deletion_options:
        opts["preconditions"] = {**pre, "resourceVersion": pod["metadata"]["resourceVersion"]}
    try:
        _delete_one(server, ctx, pods, namespace, name, opts, admit=False)
    except errors.StatusError as exc:
        if exc.code == 409 and update_deletion_options and not pre.get("resourceVersion"):
            raise _still_processing(pdb_name) from None
        raise
    return 201, errors.status_success()
