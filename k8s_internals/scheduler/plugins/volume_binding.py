"""``VolumeBinding``: can the pod's PersistentVolumeClaims be satisfied on the node?

Follows ``pkg/scheduler/framework/plugins/volumebinding/volume_binding.go`` and ``binder.go``,
simplified:

- PreFilter: ``Skip`` without claims; a missing claim is
  ``persistentvolumeclaim "<name>" not found``, a claim being deleted
  ``persistentvolumeclaim "<name>" is being deleted``, and an unbound claim whose StorageClass
  binds ``Immediate`` is ``pod has unbound immediate PersistentVolumeClaims`` (all
  UnschedulableAndUnresolvable: the PV controller must act first);
- Filter: a bound claim's PV must exist (``node(s) unavailable due to one or more pvc(s) bound
  to non-existent pv(s)``) and its ``spec.nodeAffinity`` must match the node
  (``node(s) didn't match PersistentVolume's node affinity``, v1.33+ wording; earlier
  ``node(s) had volume node affinity conflict``); an unbound ``WaitForFirstConsumer`` claim needs
  an available PV of its class, large enough, with the access modes and a matching node
  affinity — or a class with a provisioner (dynamic provisioning is assumed to succeed) — else
  ``node(s) didn't find available persistent volumes to bind``;
- PreBind: for an unbound ``WaitForFirstConsumer`` claim, writes the
  ``volume.kubernetes.io/selected-node`` annotation on the claim (what tells an external
  provisioner where to provision).

What upstream does and this does not: it *reserves* matching PVs in an assume cache
(``AssumePodVolumes``), binds them in PreBind by updating ``PV.spec.claimRef`` and waits (up to
``bindTimeoutSeconds``, 600) for the PV controller to report the claims bound; it checks CSI
storage capacity and scores by capacity (``StorageCapacityScoring``). Here static PV binding is
left to the PV controller, capacity is not tracked, and there is no Score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..corev1helpers import NodeSelector
from ..framework.cycle_state import CycleState
from ..framework.interface import (
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    EventResource,
    Handle,
    Lister,
    PreFilterResult,
    Status,
)
from ..framework.types import NodeInfo
from ..util import quantity_int
from .names import VOLUME_BINDING

__all__ = ["ERR_REASON_BIND_CONFLICT", "ERR_REASON_NODE_CONFLICT", "ERR_REASON_PV_NOT_EXIST",
           "ERR_UNBOUND_IMMEDIATE_PVC", "SELECTED_NODE_ANNOTATION", "VolumeBinding", "new"]

ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
ERR_REASON_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity"
ERR_REASON_PV_NOT_EXIST = ("node(s) unavailable due to one or more pvc(s) bound to "
                           "non-existent pv(s)")
ERR_UNBOUND_IMMEDIATE_PVC = "pod has unbound immediate PersistentVolumeClaims"
SELECTED_NODE_ANNOTATION = "volume.kubernetes.io/selected-node"
STATE_KEY = "PreFilter" + VOLUME_BINDING


class _State:
    def __init__(self, bound: list[dict[str, Any]], to_bind: list[dict[str, Any]]) -> None:
        self.bound = bound
        self.to_bind = to_bind

    def clone(self) -> _State:
        return self


def _storage_class_name(pvc: Mapping[str, Any]) -> str:
    return str((pvc.get("spec") or {}).get("storageClassName") or "")


class VolumeBinding:
    name = VOLUME_BINDING

    def __init__(self, handle: Handle | None = None, pvcs: Lister | None = None,
                 pvs: Lister | None = None, classes: Lister | None = None) -> None:
        self.handle = handle
        self.pvcs = pvcs
        self.pvs = pvs
        self.classes = classes

    def _class(self, name: str) -> Mapping[str, Any] | None:
        return None if self.classes is None or not name else self.classes.get("", name)

    def pre_filter(self, state: CycleState, pod: Mapping[str, Any], nodes: Sequence[NodeInfo]
                   ) -> tuple[PreFilterResult | None, Status | None]:
        ns = (pod.get("metadata") or {}).get("namespace", "")
        claims = [(v.get("persistentVolumeClaim") or {}).get("claimName")
                  for v in (pod.get("spec") or {}).get("volumes") or ()
                  if v.get("persistentVolumeClaim")]
        if not claims:
            return None, Status(Code.Skip)
        bound: list[dict[str, Any]] = []
        to_bind: list[dict[str, Any]] = []
        immediate_unbound = False
        for name in claims:
            pvc = self.pvcs.get(ns, name) if self.pvcs is not None else None
            if pvc is None:
                return None, Status(Code.UnschedulableAndUnresolvable,
                                    f'persistentvolumeclaim "{name}" not found')
            if (pvc.get("metadata") or {}).get("deletionTimestamp"):
                return None, Status(Code.UnschedulableAndUnresolvable,
                                    f'persistentvolumeclaim "{name}" is being deleted')
            if (pvc.get("spec") or {}).get("volumeName"):
                bound.append(pvc)
                continue
            sc = self._class(_storage_class_name(pvc))
            if sc is None or sc.get("volumeBindingMode", "Immediate") != "WaitForFirstConsumer":
                immediate_unbound = True
            else:
                to_bind.append(pvc)
        if immediate_unbound:
            return None, Status(Code.UnschedulableAndUnresolvable, ERR_UNBOUND_IMMEDIATE_PVC)
        state.write(STATE_KEY, _State(bound, to_bind))
        return None, None

    def pre_filter_extensions(self) -> None:
        return None

    @staticmethod
    def _affinity_ok(pv: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
        required = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required")
        return required is None or NodeSelector(required).match(node)

    def _find_pv(self, pvc: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
        spec = pvc.get("spec") or {}
        want = quantity_int("storage", ((spec.get("resources") or {}).get("requests") or {})
                            .get("storage", 0))
        modes = set(spec.get("accessModes") or ())
        for pv in self.pvs.list() if self.pvs is not None else ():
            pspec = pv.get("spec") or {}
            if (pv.get("status") or {}).get("phase", "Available") != "Available" \
                    or pspec.get("claimRef"):
                continue
            if (pspec.get("storageClassName") or "") != _storage_class_name(pvc):
                continue
            if quantity_int("storage", (pspec.get("capacity") or {}).get("storage", 0)) < want:
                continue
            if not modes <= set(pspec.get("accessModes") or ()):
                continue
            if self._affinity_ok(pv, node):
                return True
        sc = self._class(_storage_class_name(pvc))
        return bool(sc and sc.get("provisioner") and
                    sc.get("provisioner") != "kubernetes.io/no-provisioner")

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        s = state.get(STATE_KEY)
        if s is None:
            return None
        node = node_info.node or {}
        reasons: list[str] = []
        for pvc in s.bound:
            pv = self.pvs.get("", pvc["spec"]["volumeName"]) if self.pvs is not None else None
            if pv is None:
                return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_PV_NOT_EXIST)
            if not self._affinity_ok(pv, node) and ERR_REASON_NODE_CONFLICT not in reasons:
                reasons.append(ERR_REASON_NODE_CONFLICT)
        for pvc in s.to_bind:
            if not self._find_pv(pvc, node) and ERR_REASON_BIND_CONFLICT not in reasons:
                reasons.append(ERR_REASON_BIND_CONFLICT)
        if reasons:
            return Status(Code.UnschedulableAndUnresolvable, *sorted(reasons))
        return None

    def reserve(self, state: CycleState, pod: Mapping[str, Any], node_name: str) -> Status | None:
        return None

    def unreserve(self, state: CycleState, pod: Mapping[str, Any], node_name: str) -> None:
        return None

    def pre_bind(self, state: CycleState, pod: Mapping[str, Any],
                 node_name: str) -> Status | None:
        s = state.get(STATE_KEY)
        client = getattr(self.handle, "client", None)
        if s is None or not s.to_bind or client is None:
            return None
        for pvc in s.to_bind:
            meta = pvc.get("metadata") or {}
            try:
                client.patch("persistentvolumeclaims", meta.get("name", ""), {
                    "metadata": {"annotations": {SELECTED_NODE_ANNOTATION: node_name}}},
                    meta.get("namespace", ""))
            except Exception as err:  # the binding cycle fails and the pod is retried
                return Status(Code.Error, err=err)
        return None

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent(EventResource.PersistentVolumeClaim,
                                              ActionType.Add | ActionType.Update)),
            ClusterEventWithHint(ClusterEvent(EventResource.StorageClass,
                                              ActionType.Add | ActionType.Update)),
            ClusterEventWithHint(ClusterEvent(EventResource.PersistentVolume,
                                              ActionType.Add | ActionType.Update)),
            ClusterEventWithHint(ClusterEvent(
                EventResource.Node,
                ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint)),
        ]


def new(args: Mapping[str, Any] | None, handle: Handle) -> VolumeBinding:
    return VolumeBinding(handle, handle.lister("persistentvolumeclaims"),
                         handle.lister("persistentvolumes"), handle.lister("storageclasses"))
