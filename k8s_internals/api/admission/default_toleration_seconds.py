"""DefaultTolerationSeconds: pods tolerate a not-ready or unreachable node for five minutes.

Upstream: ``plugin/pkg/admission/defaulttolerationseconds/admission.go``. Mutating, CREATE and
UPDATE of ``pods`` (no subresources). Unless the pod already tolerates the taint (a toleration
whose key is the taint's or empty, and whose effect is ``NoExecute`` or empty), it appends::

    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 300}
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 300}

This is why a pod on a dead node is evicted about five minutes after the node controller taints
the node: the taint manager honours ``tolerationSeconds``. The 300 s come from the kube-apiserver
flags ``--default-not-ready-toleration-seconds`` and ``--default-unreachable-toleration-seconds``
(constructor arguments here).
"""

from __future__ import annotations

from typing import Any

from .interfaces import AdmissionContext, Attributes, Operation

__all__ = ["TAINT_NODE_NOT_READY", "TAINT_NODE_UNREACHABLE", "DefaultTolerationSeconds"]

#: ``v1.TaintNodeNotReady`` / ``v1.TaintNodeUnreachable``
TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable"


def _tolerates(tolerations: list[dict[str, Any]], key: str) -> bool:
    return any((t.get("key", "") in (key, "")) and (t.get("effect", "") in ("NoExecute", ""))
               for t in tolerations)


class DefaultTolerationSeconds:
    """``defaulttolerationseconds.Plugin``."""

    name = "DefaultTolerationSeconds"

    def __init__(self, not_ready_seconds: int = 300, unreachable_seconds: int = 300) -> None:
        self.not_ready_seconds = not_ready_seconds
        self.unreachable_seconds = unreachable_seconds

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE)

    @staticmethod
    def may_mutate(a: Attributes) -> bool:
        """Whether :meth:`admit` may change ``a.obj``: pods (not their subresources)."""
        return not a.subresource and a.group == "" and a.resource == "pods"

    def admit(self, a: Attributes, ctx: AdmissionContext) -> None:
        if a.group != "" or a.resource != "pods" or a.subresource or a.obj is None:
            return
        spec = a.obj.setdefault("spec", {})
        tolerations = list(spec.get("tolerations") or [])
        added = []
        for key, seconds in ((TAINT_NODE_NOT_READY, self.not_ready_seconds),
                             (TAINT_NODE_UNREACHABLE, self.unreachable_seconds)):
            if not _tolerates(tolerations, key):
                added.append({"key": key, "operator": "Exists", "effect": "NoExecute",
                              "tolerationSeconds": seconds})
        if added:
            spec["tolerations"] = tolerations + added
