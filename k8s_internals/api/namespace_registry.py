"""The namespace REST rules of ``pkg/registry/core/namespace/strategy.go`` and
``pkg/registry/core/namespace/storage/storage.go``, as pure functions over plain dicts.

The namespace controller (:mod:`k8s_internals.controllers.namespace`) relies on them. Already in
the API server: the ``kubernetes`` finalizer on create (:mod:`.strategy`), the ``finalize``
subresource and the status subresource (:mod:`.handlers`). Still to be wired into
:mod:`.handlers` (``_update`` / ``_delete_one``):

- :func:`prepare_for_update` — ``namespaceStrategy.PrepareForUpdate``: a plain PUT or PATCH of
  a Namespace cannot change ``spec.finalizers`` (only ``/finalize`` can), so ``kubectl edit``
  cannot release a terminating namespace behind the controller's back;
- :func:`delete_decision` — ``REST.Delete``: a second DELETE of a namespace that is still
  terminating answers 409 Conflict with :data:`CONTENT_REMAINING_MESSAGE` (what
  ``kubectl delete ns`` prints while a namespace is stuck), instead of 200.

:func:`prepare_for_create`, :func:`prepare_for_finalize` and
:func:`prepare_for_status_update` restate what is wired, for the book and the tests.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "CONTENT_REMAINING_MESSAGE",
    "FINALIZER_KUBERNETES",
    "delete_decision",
    "prepare_for_create",
    "prepare_for_finalize",
    "prepare_for_status_update",
    "prepare_for_update",
]

#: ``api.FinalizerKubernetes``
FINALIZER_KUBERNETES = "kubernetes"
#: the 409 message of ``REST.Delete`` for a namespace whose content is still being removed
CONTENT_REMAINING_MESSAGE = ("The system is ensuring all content is removed from this "
                             "namespace.  Upon completion, this namespace will automatically "
                             "be purged by the system.")


def prepare_for_create(ns: dict[str, Any]) -> dict[str, Any]:
    """``PrepareForCreate``: phase Active; ``kubernetes`` appended to ``spec.finalizers``.

    >>> prepare_for_create({"metadata": {"name": "x"}})["spec"]
    {'finalizers': ['kubernetes']}
    >>> prepare_for_create({"metadata": {"name": "x"}, "spec": {"finalizers": ["a"]}})["spec"]
    {'finalizers': ['a', 'kubernetes']}
    """
    ns["status"] = {"phase": "Active"}
    spec = ns.setdefault("spec", {})
    finalizers = list(spec.get("finalizers") or [])
    if FINALIZER_KUBERNETES not in finalizers:
        finalizers.append(FINALIZER_KUBERNETES)
    spec["finalizers"] = finalizers
    return ns


def prepare_for_update(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """``PrepareForUpdate``: keep the stored ``spec.finalizers`` and status."""
    new.setdefault("spec", {})
    old_finalizers = (old.get("spec") or {}).get("finalizers")
    if old_finalizers is None:
        new["spec"].pop("finalizers", None)
    else:
        new["spec"]["finalizers"] = copy.deepcopy(old_finalizers)
    if "status" in old:
        new["status"] = copy.deepcopy(old["status"])
    return new


def prepare_for_finalize(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """The ``finalize`` subresource: only ``spec.finalizers`` comes from the request."""
    out = copy.deepcopy(old)
    out.setdefault("spec", {})["finalizers"] = list((new.get("spec") or {}).get("finalizers")
                                                    or [])
    if not out["spec"]["finalizers"]:
        del out["spec"]["finalizers"]
    rv = (new.get("metadata") or {}).get("resourceVersion")
    if rv:
        out["metadata"]["resourceVersion"] = rv
    return out


def prepare_for_status_update(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """``namespaceStatusStrategy``: the stored spec is kept."""
    if "spec" in old:
        new["spec"] = copy.deepcopy(old["spec"])
    else:
        new.pop("spec", None)
    return new


def delete_decision(ns: dict[str, Any]) -> str:
    """What a DELETE does to this namespace: ``"delete"`` (remove it now), ``"conflict"``
    (409 :data:`CONTENT_REMAINING_MESSAGE`) or ``"mark"`` (set ``deletionTimestamp`` and phase
    ``Terminating``; the namespace controller takes it from there).

    >>> delete_decision({"metadata": {}, "spec": {"finalizers": ["kubernetes"]}})
    'mark'
    >>> delete_decision({"metadata": {"deletionTimestamp": "t"}, "spec": {}})
    'delete'
    """
    being_deleted = bool((ns.get("metadata") or {}).get("deletionTimestamp"))
    finalizers = (ns.get("spec") or {}).get("finalizers") or []
    if being_deleted and not finalizers:
        return "delete"
    if being_deleted:
        return "conflict"
    return "mark"
