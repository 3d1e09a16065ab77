"""Priority: resolve a pod's ``priorityClassName`` into ``spec.priority`` and
``spec.preemptionPolicy``; allow only one global-default PriorityClass.

Upstream: ``plugin/pkg/admission/priority/admission.go`` (``Plugin.Admit`` → ``admitPod``,
``Plugin.Validate`` → ``validatePriorityClass``), with the built-in classes of
``pkg/apis/scheduling/types.go`` / ``helpers.go`` (``SystemPriorityClasses``).

admit, ``pods`` (no subresources):

- CREATE without ``priorityClassName``: the ``globalDefault: true`` class if there is one (the
  lowest value if a race left several) — the pod gets its name, value and preemption policy —
  else priority 0 and ``PreemptLowerPriority`` (``DefaultPriorityWhenNoDefaultClassExists``).
- CREATE with a name: that PriorityClass, else ``403 ... no PriorityClass with name x was
  found``.
- A pod that already carries a different ``priority`` or ``preemptionPolicy`` is refused
  (``the integer value of priority (5) must not be provided in pod spec; priority admission
  controller computed 0 from the given PriorityClass name``).
- UPDATE: keep the stored ``priority`` / ``preemptionPolicy`` if the update dropped them.

validate, ``priorityclasses.scheduling.k8s.io`` CREATE/UPDATE: a second ``globalDefault`` class is
refused: ``PriorityClass x is already marked as default. Only one default can exist``.

Upstream the API server creates ``system-node-critical`` (2000001000) and
``system-cluster-critical`` (2000000000) as objects at start-up (the scheduling REST storage's
post-start hook). If they are not in the store, this plugin still resolves them from the same
table. A stored PriorityClass without ``preemptionPolicy`` reads as ``PreemptLowerPriority``, the
value ``SetDefaults_PriorityClass`` would have stored.
"""

from __future__ import annotations

from typing import Any

from .interfaces import AdmissionContext, AdmissionError, Attributes, Operation

__all__ = [
    "DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS",
    "SYSTEM_CLUSTER_CRITICAL",
    "SYSTEM_CRITICAL_PRIORITY",
    "SYSTEM_NODE_CRITICAL",
    "Priority",
    "system_priority_classes",
]

GROUP = "scheduling.k8s.io"
#: ``scheduling.SystemCriticalPriority``
SYSTEM_CRITICAL_PRIORITY = 2 * 1000000000
SYSTEM_CLUSTER_CRITICAL = "system-cluster-critical"
SYSTEM_NODE_CRITICAL = "system-node-critical"
DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0
PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority"

Obj = dict[str, Any]


def system_priority_classes() -> list[Obj]:
    """``scheduling.SystemPriorityClasses()`` as the objects the API server creates."""
    return [
        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
         "metadata": {"name": SYSTEM_NODE_CRITICAL},
         "value": SYSTEM_CRITICAL_PRIORITY + 1000,
         "description": "Used for system critical pods that must not be moved from their "
                        "current node.",
         "preemptionPolicy": PREEMPT_LOWER_PRIORITY},
        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
         "metadata": {"name": SYSTEM_CLUSTER_CRITICAL},
         "value": SYSTEM_CRITICAL_PRIORITY,
         "description": "Used for system critical pods that must run in the cluster, but can be "
                        "moved to another node if necessary.",
         "preemptionPolicy": PREEMPT_LOWER_PRIORITY},
    ]


def _name(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


class Priority:
    """``priority.Plugin``; handles CREATE, UPDATE and DELETE (acts on the first two)."""

    name = "Priority"

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE, Operation.DELETE)

    # -- lookups ----------------------------------------------------------------------------

    @staticmethod
    def _get(ctx: AdmissionContext, name: str) -> Obj | None:
        pc = ctx.get(GROUP, "priorityclasses", "", name)
        if pc is None:
            pc = next((p for p in system_priority_classes() if _name(p) == name), None)
        return pc

    @staticmethod
    def _default_class(ctx: AdmissionContext) -> Obj | None:
        """``getDefaultPriorityClass``: the global default with the lowest value."""
        best: Obj | None = None
        for pc in ctx.list(GROUP, "priorityclasses"):
            if pc.get("globalDefault") and (best is None
                                            or int(best.get("value", 0)) > int(pc.get("value", 0))):
                best = pc
        return best

    # -- admit ------------------------------------------------------------------------------

    @staticmethod
    def may_mutate(a: Attributes) -> bool:
        """Whether :meth:`admit` may change ``a.obj``: pods (not their subresources)."""
        return not a.subresource and a.group == "" and a.resource == "pods"

    def admit(self, a: Attributes, ctx: AdmissionContext) -> None:
        if a.subresource or a.group != "" or a.resource != "pods" or a.obj is None:
            return
        if a.operation not in (Operation.CREATE, Operation.UPDATE):
            return
        spec = a.obj.setdefault("spec", {})
        if a.operation is Operation.UPDATE:
            old = (a.old_obj or {}).get("spec") or {}
            if spec.get("priority") is None and old.get("priority") is not None:
                spec["priority"] = old["priority"]
            if spec.get("preemptionPolicy") is None and old.get("preemptionPolicy") is not None:
                spec["preemptionPolicy"] = old["preemptionPolicy"]
            return

        class_name = spec.get("priorityClassName") or ""
        if not class_name:
            dpc = self._default_class(ctx)
            if dpc is not None:
                class_name = _name(dpc)
                priority = int(dpc.get("value", 0))
                policy = dpc.get("preemptionPolicy") or PREEMPT_LOWER_PRIORITY
            else:
                priority = DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS
                policy = PREEMPT_LOWER_PRIORITY
            if class_name:
                spec["priorityClassName"] = class_name
        else:
            pc = self._get(ctx, class_name)
            if pc is None:
                raise AdmissionError(f"no PriorityClass with name {class_name} was found")
            priority = int(pc.get("value", 0))
            policy = pc.get("preemptionPolicy") or PREEMPT_LOWER_PRIORITY

        given = spec.get("priority")
        if given is not None and int(given) != priority:
            raise AdmissionError(
                f"the integer value of priority ({int(given)}) must not be provided in pod spec; "
                f"priority admission controller computed {priority} from the given "
                "PriorityClass name")
        spec["priority"] = priority
        given_policy = spec.get("preemptionPolicy")
        if given_policy is not None and given_policy != policy:
            raise AdmissionError(
                f"the string value of PreemptionPolicy ({given_policy}) must not be provided in "
                f"pod spec; priority admission controller computed {policy} from the given "
                "PriorityClass name")
        spec["preemptionPolicy"] = policy

    # -- validate ---------------------------------------------------------------------------

    def validate(self, a: Attributes, ctx: AdmissionContext) -> None:
        if a.subresource or a.group != GROUP or a.resource != "priorityclasses":
            return
        if a.operation not in (Operation.CREATE, Operation.UPDATE) or a.obj is None:
            return
        if not a.obj.get("globalDefault"):
            return
        dpc = self._default_class(ctx)
        if dpc is None:
            return
        if a.operation is Operation.CREATE or _name(dpc) != _name(a.obj):
            raise AdmissionError(f"PriorityClass {_name(dpc)} is already marked as default. "
                                 "Only one default can exist")
