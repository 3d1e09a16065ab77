"""``VolumeRestrictions``: volumes that only one pod (or one node) may use.

Mirrors ``pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go``:

- disk conflicts on the node: the same GCE PD or iSCSI IQN mounted read-write by another pod on
  the node, the same AWS EBS volume, the same RBD image (overlapping monitors, same pool and
  image) — ``node(s) had no available disk``;
- ``ReadWriteOncePod`` claims already used by a pod anywhere in the cluster —
  ``node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access
  mode`` (both Unschedulable: preempting the other pod helps);
- PreFilter returns ``Skip`` when the pod has none of these volumes and no conflicting RWOP
  claim; a missing claim is ``persistentvolumeclaim "<name>" not found``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..framework.cycle_state import CycleState
from ..framework.interface import (
    ActionType,
    ClusterEvent,
    ClusterEventWithHint,
    Code,
    EventResource,
    Handle,
    Lister,
    NodeInfoLister,
    PreFilterResult,
    Status,
)
from ..framework.types import NodeInfo
from .names import VOLUME_RESTRICTIONS

__all__ = ["ERR_REASON_DISK_CONFLICT", "ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT",
           "VolumeRestrictions", "is_volume_conflict", "new"]

#: ``ErrReasonDiskConflict``
ERR_REASON_DISK_CONFLICT = "node(s) had no available disk"
#: ``ErrReasonReadWriteOncePodConflict``
ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT = (
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access "
    "mode")
PRE_FILTER_STATE_KEY = "PreFilter" + VOLUME_RESTRICTIONS

_CHECKED = ("gcePersistentDisk", "awsElasticBlockStore", "rbd", "iscsi")


def needs_restrictions_check(volume: Mapping[str, Any]) -> bool:
    return any(volume.get(k) for k in _CHECKED)


def is_volume_conflict(volume: Mapping[str, Any], pod: Mapping[str, Any]) -> bool:
    """``isVolumeConflict``: does ``volume`` conflict with one of ``pod``'s volumes?"""
    for ev in (pod.get("spec") or {}).get("volumes") or ():
        d, ed = volume.get("gcePersistentDisk"), ev.get("gcePersistentDisk")
        if d and ed and d.get("pdName") == ed.get("pdName") and not (
                d.get("readOnly") and ed.get("readOnly")):
            return True
        a, ea = volume.get("awsElasticBlockStore"), ev.get("awsElasticBlockStore")
        if a and ea and a.get("volumeID") == ea.get("volumeID"):
            return True
        i, ei = volume.get("iscsi"), ev.get("iscsi")
        if i and ei and i.get("iqn") == ei.get("iqn") and not (
                i.get("readOnly") and ei.get("readOnly")):
            return True
        r, er = volume.get("rbd"), ev.get("rbd")
        if r and er and set(r.get("monitors") or ()) & set(er.get("monitors") or ()) and (
                (r.get("pool") or "rbd") == (er.get("pool") or "rbd")
                and r.get("image") == er.get("image")
                and not (r.get("readOnly") and er.get("readOnly"))):
            return True
    return False


class VolumeRestrictions:
    name = VOLUME_RESTRICTIONS

    def __init__(self, pvcs: Lister | None = None, snapshot: NodeInfoLister | None = None
                 ) -> None:
        self.pvcs = pvcs
        self.snapshot = snapshot

    def pre_filter(self, state: CycleState, pod: Mapping[str, Any], nodes: Sequence[NodeInfo]
                   ) -> tuple[PreFilterResult | None, Status | None]:
        volumes = (pod.get("spec") or {}).get("volumes") or ()
        needs_check = any(needs_restrictions_check(v) for v in volumes)
        ns = (pod.get("metadata") or {}).get("namespace", "")
        conflicting = 0
        for v in volumes:
            claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
            if not claim or self.pvcs is None:
                continue
            pvc = self.pvcs.get(ns, claim)
            if pvc is None:
                return None, Status(Code.UnschedulableAndUnresolvable,
                                    f'persistentvolumeclaim "{claim}" not found')
            if "ReadWriteOncePod" not in ((pvc.get("spec") or {}).get("accessModes") or ()):
                continue
            key = f"{ns}/{claim}"
            if any(key in ni.pvc_ref_counts for ni in (self.snapshot.list()
                                                       if self.snapshot else ())):
                conflicting += 1
        if not needs_check and conflicting == 0:
            return None, Status(Code.Skip)
        state.write(PRE_FILTER_STATE_KEY, conflicting)
        return None, None

    def pre_filter_extensions(self) -> None:
        return None

    def filter(self, state: CycleState, pod: Mapping[str, Any],
               node_info: NodeInfo) -> Status | None:
        for v in (pod.get("spec") or {}).get("volumes") or ():
            if not needs_restrictions_check(v):
                continue
            for pi in node_info.pods:
                if is_volume_conflict(v, pi.pod):
                    return Status(Code.Unschedulable, ERR_REASON_DISK_CONFLICT)
        if state.get(PRE_FILTER_STATE_KEY, 0) > 0:
            return Status(Code.Unschedulable, ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT)
        return None

    def events_to_register(self) -> list[ClusterEventWithHint]:
        return [
            ClusterEventWithHint(ClusterEvent(EventResource.Pod, ActionType.Delete)),
            ClusterEventWithHint(ClusterEvent(EventResource.Node, ActionType.Add)),
            ClusterEventWithHint(ClusterEvent(EventResource.PersistentVolumeClaim,
                                              ActionType.Add | ActionType.Update)),
        ]


def new(args: Mapping[str, Any] | None, handle: Handle) -> VolumeRestrictions:
    return VolumeRestrictions(handle.lister("persistentvolumeclaims"), handle.snapshot)
