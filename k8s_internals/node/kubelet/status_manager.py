"""The kubelet's status manager: keep the API server's pod status in step with the kubelet's.

Upstream: ``pkg/kubelet/status/status_manager.go`` (``SetPodStatus``, ``updateStatusInternal``,
``syncPod``, ``mergePodStatus``, ``canBeDeleted``) and ``pkg/util/pod/pod.go``
(``PatchPodStatus``).

- the kubelet hands over the status it computed on every sync; the manager keeps the
  ``lastTransitionTime`` of a condition whose status did not change, and the pod's
  ``startTime`` once set;
- it writes only when something changed: a strategic merge patch of ``pods/status`` from the
  API server's status to the merged one (conditions the kubelet does not own — ``DisruptionTarget``,
  readiness gates' — are kept), carrying ``metadata.uid`` so a re-created pod is not patched;
- a static pod's status goes to its mirror pod;
- once a pod being deleted has terminated on the node (containers stopped, sandbox gone), the
  manager sends the final ``DELETE`` with ``gracePeriodSeconds: 0`` and a UID precondition —
  the request that removes the pod from etcd.

Upstream also re-syncs every pod every 10 s (``syncBatch``); here writes happen as soon as the
status changes (on the kernel, right after), which is what that loop converges to.
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

from ...api.patch import create_two_way_merge_patch
from ...client.causality import caused_by, current_cause
from ...client.client import ApiError, Client
from ...sim import Kernel

__all__ = ["KUBELET_CONDITIONS", "StatusHelper", "StatusManager", "merge_pod_status",
           "normalize"]

#: ``PodConditionsByKubelet`` (+ ``PodReadyToStartContainers``)
KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                      "PodScheduled")

JSON = dict[str, Any]


class StatusHelper(Protocol):
    def api_pod(self, uid: str) -> JSON | None: ...

    def pod_deleted(self, uid: str) -> None: ...


def normalize(value: Any) -> Any:
    """Drop ``None`` values (what a JSON round trip through Go types does to nulls)."""
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def merge_pod_status(old: JSON, new: JSON) -> JSON:
    """``mergePodStatus``: the kubelet's status, keeping what others own."""
    out = dict(new)
    conditions = [c for c in old.get("conditions") or [] if c.get("type")
                  not in KUBELET_CONDITIONS]
    conditions += [c for c in new.get("conditions") or [] if c.get("type") in KUBELET_CONDITIONS]
    out["conditions"] = conditions
    for key in ("nominatedNodeName", "resourceClaimStatuses", "qosClass", "reason", "message"):
        if key in old and key not in out:
            out[key] = old[key]
    return out


def _rv(obj: JSON | None) -> int:
    try:
        return int(((obj or {}).get("metadata") or {}).get("resourceVersion") or 0)
    except ValueError:
        return 0


class StatusManager:
    """``status.manager``."""

    def __init__(self, client: Client, kernel: Kernel, helper: StatusHelper) -> None:
        self.client = client
        self.kernel = kernel
        self.helper = helper
        self.statuses: dict[str, JSON] = {}
        self.names: dict[str, tuple[str, str]] = {}
        self.latest: dict[str, JSON] = {}
        self.terminated: set[str] = set()
        self._dirty: list[str] = []
        self._causes: dict[str, str] = {}
        self._scheduled = False
        self.patches = 0
        self.deletes = 0

    # -- what the kubelet calls -----------------------------------------------------------------

    def get_pod_status(self, uid: str) -> JSON | None:
        return self.statuses.get(uid)

    def set_pod_status(self, pod: JSON, status: JSON) -> None:
        """``SetPodStatus`` → ``updateStatusInternal``."""
        meta = pod.get("metadata") or {}
        uid = str(meta.get("uid", ""))
        old = self.statuses.get(uid)
        if old is None:
            old = pod.get("status") or {}
        status = copy.deepcopy(status)
        now = self.kernel.timestamp()
        old_conds = {c.get("type"): c for c in old.get("conditions") or []}
        for i, c in enumerate(status.get("conditions") or []):
            prev = old_conds.get(c.get("type"))
            if prev is not None and prev.get("status") == c.get("status") and \
                    prev.get("lastTransitionTime"):
                c["lastTransitionTime"] = prev["lastTransitionTime"]
            else:
                c["lastTransitionTime"] = now
            status["conditions"][i] = {k: c[k] for k in _CONDITION_ORDER if k in c}
        if old.get("startTime"):
            status["startTime"] = old["startTime"]
        elif not status.get("startTime"):
            status["startTime"] = now
        _order(status)
        if uid in self.statuses and normalize(self.statuses[uid]) == normalize(status):
            return
        self.statuses[uid] = status
        self.names[uid] = (str(meta.get("namespace", "")), str(meta.get("name", "")))
        self._schedule(uid)

    def terminate(self, uid: str) -> None:
        """The pod worker finished terminating the pod: it may be deleted now."""
        self.terminated.add(uid)
        self._schedule(uid)

    def remove(self, uid: str) -> None:
        """``RemoveOrphanedStatuses``: the pod is gone."""
        self.statuses.pop(uid, None)
        self.names.pop(uid, None)
        self.latest.pop(uid, None)
        self.terminated.discard(uid)

    def reset(self) -> None:
        """Forget everything (a kubelet restart)."""
        self.statuses.clear()
        self.names.clear()
        self.latest.clear()
        self.terminated.clear()
        self._dirty.clear()

    def observe(self, pod: JSON) -> None:
        """The informer saw a newer version of a pod."""
        uid = str((pod.get("metadata") or {}).get("uid", ""))
        if _rv(pod) >= _rv(self.latest.get(uid)):
            self.latest[uid] = pod

    def sync(self, uid: str) -> None:
        """Write ``uid``'s status now (if changed)."""
        self._sync_pod(uid)

    # -- writing --------------------------------------------------------------------------------

    def _schedule(self, uid: str) -> None:
        cause = current_cause()
        if cause is not None:
            self._causes[uid] = cause  # the status patch joins the causal tree of its pod
        if uid not in self._dirty:
            self._dirty.append(uid)
        if not self._scheduled:
            self._scheduled = True
            self.kernel.call_soon(self._sync_batch, name="kubelet status manager")

    def _sync_batch(self) -> None:
        self._scheduled = False
        dirty, self._dirty = self._dirty, []
        for uid in dirty:
            with caused_by(self._causes.pop(uid, None)):
                self._sync_pod(uid)

    def _sync_pod(self, uid: str) -> None:
        status = self.statuses.get(uid)
        pod = self.helper.api_pod(uid)
        if pod is None:
            return
        newer = self.latest.get(str(pod["metadata"].get("uid", "")))
        if newer is not None and _rv(newer) > _rv(pod):
            pod = newer
        meta = pod["metadata"]
        ns, name, api_uid = meta.get("namespace", ""), meta.get("name", ""), meta.get("uid", "")
        if status is not None:
            old = pod.get("status") or {}
            merged = merge_pod_status(old, status)
            if normalize(merged) != normalize(old):
                patch = create_two_way_merge_patch({"status": old},
                                                   {"metadata": {"uid": api_uid},
                                                    "status": merged}, "Pod")
                try:
                    pod = self.client.patch("pods", name, patch, ns, patch_type="strategic",
                                            subresource="status")
                    self.patches += 1
                    self.latest[api_uid] = pod
                except ApiError as exc:
                    if exc.code == 404:
                        return
                    self.kernel.call_later(10.0, self._schedule, uid, background=True,
                                           name="kubelet status retry")
                    return
        if uid in self.terminated and self._can_be_deleted(pod):
            try:
                self.client.delete("pods", name, ns, grace_period_seconds=0,
                                   preconditions={"uid": api_uid})
                self.deletes += 1
            except ApiError as exc:
                if exc.code not in (404, 409):
                    self.kernel.call_later(10.0, self._schedule, uid, background=True,
                                           name="kubelet delete retry")
                    return
            self.terminated.discard(uid)
            self.helper.pod_deleted(uid)

    @staticmethod
    def _can_be_deleted(pod: JSON) -> bool:
        """``canBeDeleted``: being deleted, not a mirror pod."""
        meta = pod.get("metadata") or {}
        if not meta.get("deletionTimestamp"):
            return False
        return "kubernetes.io/config.mirror" not in (meta.get("annotations") or {})


#: ``PodCondition``'s field order
_CONDITION_ORDER = ("type", "observedGeneration", "status", "lastProbeTime",
                    "lastTransitionTime", "reason", "message")
_KEY_ORDER = ("phase", "conditions", "message", "reason", "nominatedNodeName", "hostIP",
              "hostIPs", "podIP", "podIPs", "startTime", "initContainerStatuses",
              "containerStatuses", "qosClass", "ephemeralContainerStatuses", "resize",
              "resourceClaimStatuses")


def _order(status: JSON) -> None:
    """Put the keys in ``PodStatus``'s field order (how the API server serialises them)."""
    items = dict(status)
    status.clear()
    for key in _KEY_ORDER:
        if key in items:
            status[key] = items.pop(key)
    status.update(items)
