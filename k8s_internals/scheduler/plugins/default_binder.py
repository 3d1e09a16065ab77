"""``DefaultBinder``: bind the pod by POSTing a ``Binding`` to ``pods/<name>/binding``.

Mirrors ``pkg/scheduler/framework/plugins/defaultbinder/default_binder.go``: the Binding names
the pod (namespace, name, uid) and targets the node. The API server's ``BindingREST`` sets
``spec.nodeName``, the ``PodScheduled=True`` condition and — as upstream's
``setPodHostAndAnnotations`` does — copies the Binding's annotations onto the pod. That is how
the explain annotations (:mod:`..explain`) reach the pod in the same write: the recorder
leaves them in the cycle state under :data:`BINDING_ANNOTATIONS_KEY`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..framework.cycle_state import CycleState
from ..framework.interface import Code, Handle, Status
from .names import DEFAULT_BINDER

__all__ = ["BINDING_ANNOTATIONS_KEY", "DefaultBinder", "binding", "new"]

#: cycle-state key of the annotations to send with the Binding
BINDING_ANNOTATIONS_KEY = "k8s-internals.io/binding-annotations"


def binding(pod: Mapping[str, Any], node_name: str,
            annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``v1.Binding`` body."""
    meta = pod.get("metadata") or {}
    bmeta: dict[str, Any] = {"name": meta.get("name", ""), "namespace": meta.get("namespace", "")}
    if meta.get("uid"):
        bmeta["uid"] = meta["uid"]
    if annotations:
        bmeta["annotations"] = dict(annotations)
    return {"kind": "Binding", "apiVersion": "v1", "metadata": bmeta,
            "target": {"kind": "Node", "apiVersion": "v1", "name": node_name}}


class DefaultBinder:
    name = DEFAULT_BINDER

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def bind(self, state: CycleState, pod: Mapping[str, Any], node_name: str) -> Status | None:
        client = self.handle.client
        if client is None:
            return Status(Code.Error, "no client to bind with")
        body = binding(pod, node_name, state.get(BINDING_ANNOTATIONS_KEY))
        meta = pod.get("metadata") or {}
        try:
            client.call("create", "pods", namespace=meta.get("namespace", ""),
                        name=meta.get("name", ""), subresource="binding", body=body)
        except Exception as err:
            return Status(Code.Error, err=err)
        return None


def new(args: Mapping[str, Any] | None, handle: Handle) -> DefaultBinder:
    return DefaultBinder(handle)
