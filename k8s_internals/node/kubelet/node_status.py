"""Registering the Node and reporting its status.

Upstream: ``pkg/kubelet/kubelet_node_status.go`` (``registerWithAPIServer``,
``tryRegisterWithAPIServer``, ``initialNode``, ``syncNodeStatus``, ``tryUpdateNodeStatus``) and
``pkg/kubelet/nodestatus/setters.go`` (``NodeAddress``, ``MachineInfo``, ``VersionInfo``,
``DaemonEndpoints``, ``Images``, ``ReadyCondition``, ``MemoryPressureCondition``, ...).

The seed's section VI in one sentence: *the first thing a kubelet does is POST its Node*. Here
that POST carries:

- labels ``kubernetes.io/hostname``, ``kubernetes.io/os=linux``, ``kubernetes.io/arch=amd64``
  and their ``beta.kubernetes.io/*`` twins (plus the kubelet's ``--node-labels``; NodeRestriction
  forbids other ``kubernetes.io`` labels, so the kubelet refuses them at start as upstream does);
- the annotation ``volumes.kubernetes.io/controller-managed-attach-detach: "true"``;
- ``--register-with-taints`` as ``spec.taints``;
- ``status.capacity`` (cpu, memory, pods, ephemeral-storage, hugepages) and
  ``status.allocatable`` = capacity minus the hard eviction thresholds (memory − 100Mi,
  ephemeral-storage − 10 %: the kubelet's defaults);
- conditions ``MemoryPressure``/``DiskPressure``/``PIDPressure`` (False, ``KubeletHas...``) and
  ``Ready`` — ``True`` (``KubeletReady``, ``kubelet is posting ready status``) or, while the
  runtime's network is not ready, ``False`` (``KubeletNotReady``, ``container runtime network not
  ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error:
  cni plugin not initialized``);
- ``addresses`` (``InternalIP``, ``Hostname``), ``daemonEndpoints.kubeletEndpoint.Port: 10250``,
  ``nodeInfo`` (kubelet/kube-proxy ``v1.32.0``, ``containerd://1.7.24``, kernel, OS image, ids),
  ``images`` (largest first, at most 50) and ``runtimeHandlers``.

After registration the kubelet recomputes the status every 10 s (``nodeStatusUpdateFrequency``)
but PATCHes ``nodes/status`` only when something changed, or every 5 minutes
(``nodeStatusReportFrequency``) — the Lease is the frequent heartbeat. Status events go to the
Node (``NodeHasSufficientMemory``, ``NodeReady``: ``Node node-1 status is now: NodeReady``).

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

import copy
import hashlib
from typing import TYPE_CHECKING, Any

from ...api.admission.node_restriction import is_kubelet_label
from ...api.patch import create_two_way_merge_patch
from ...api.validation.quantity import parse_quantity
from ...client.client import ApiError
from ...client.record import EVENT_NORMAL, EVENT_WARNING
from ...sim import PeriodicTimer
from ..images import KUBERNETES_VERSION
from ..runtime import RUNTIME_NAME, RUNTIME_VERSION
from . import events

if TYPE_CHECKING:
    from .kubelet import Kubelet

__all__ = [
    "KUBELET_PORT",
    "NODE_STATUS_REPORT_FREQUENCY",
    "NODE_STATUS_UPDATE_FREQUENCY",
    "NodeStatus",
    "check_node_labels",
]

NODE_STATUS_UPDATE_FREQUENCY = 10.0
NODE_STATUS_REPORT_FREQUENCY = 300.0
KUBELET_PORT = 10250
#: ``nodeStatusMaxImages``
NODE_STATUS_MAX_IMAGES = 50
MAX_NAMES_PER_IMAGE = 5
KERNEL_VERSION = "6.8.0-51-generic"
OS_IMAGE = "Debian GNU/Linux 12 (bookworm)"
#: default hard eviction thresholds (``evictionHard``)
EVICTION_MEMORY = "100Mi"
EVICTION_NODEFS_FRACTION = 0.10

JSON = dict[str, Any]


def check_node_labels(labels: dict[str, str]) -> None:
    """The kubelet refuses ``--node-labels`` in the ``kubernetes.io``/``k8s.io`` namespaces it
    may not set (``ValidateKubeletFlags``)."""
    bad = []
    for key in labels:
        ns = key.split("/", 1)[0] if "/" in key else ""
        if (ns == "kubernetes.io" or ns.endswith(".kubernetes.io") or ns == "k8s.io"
                or ns.endswith(".k8s.io")) and not is_kubelet_label(key):
            bad.append(key)
    if bad:
        raise ValueError(f"unknown 'kubernetes.io' or 'k8s.io' labels specified with "
                         f"--node-labels: {sorted(bad)}\n--node-labels in the 'kubernetes.io' "
                         "namespace must begin with an allowed prefix (kubelet.kubernetes.io, "
                         "node.kubernetes.io) or be in the specifically allowed set "
                         "(beta.kubernetes.io/arch, beta.kubernetes.io/instance-type, "
                         "beta.kubernetes.io/os, failure-domain.beta.kubernetes.io/region, "
                         "failure-domain.beta.kubernetes.io/zone, kubernetes.io/arch, "
                         "kubernetes.io/hostname, kubernetes.io/os, "
                         "node.kubernetes.io/instance-type, topology.kubernetes.io/region, "
                         "topology.kubernetes.io/zone)")


def _hex(text: str, n: int = 32) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def _uuid(text: str) -> str:
    h = _hex(text)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _allocatable(capacity: JSON) -> JSON:
    out = dict(capacity)
    if "memory" in capacity:
        mem = parse_quantity(capacity["memory"]) - parse_quantity(EVICTION_MEMORY)
        out["memory"] = str(mem) if mem.sign() > 0 else "0"
    if "ephemeral-storage" in capacity:
        eph = parse_quantity(capacity["ephemeral-storage"]).value()
        out["ephemeral-storage"] = str(eph - int(eph * EVICTION_NODEFS_FRACTION))
    for key, value in capacity.items():
        if key.startswith("hugepages-") and "memory" in out:
            out["memory"] = str(parse_quantity(out["memory"]) - parse_quantity(value))
    return out


class NodeStatus:
    """The kubelet's node registration and status loop."""

    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.registered = False
        self.last_report = -1e18
        self.reports = 0
        self._timer: PeriodicTimer | None = None
        self._register_timer: Any = None

    # -- the Node object ------------------------------------------------------------------------

    @property
    def capacity(self) -> JSON:
        kl = self.kubelet
        cap: JSON = {"cpu": str(kl.capacity.get("cpu", "4")),
                     "ephemeral-storage": str(kl.capacity.get("ephemeral-storage", "100Gi")),
                     "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                     "memory": str(kl.capacity.get("memory", "8Gi")),
                     "pods": str(kl.capacity.get("pods", "110"))}
        for key, value in kl.capacity.items():
            cap[key] = str(value)
        return {k: str(parse_quantity(v)) for k, v in sorted(cap.items())}

    @property
    def allocatable(self) -> JSON:
        return _allocatable(self.capacity)

    def labels(self) -> dict[str, str]:
        kl = self.kubelet
        labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                  "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": kl.node_name,
                  "kubernetes.io/os": "linux"}
        labels.update(kl.labels)
        return labels

    def initial_node(self) -> JSON:
        """``initialNode``."""
        kl = self.kubelet
        spec: JSON = {}
        if kl.taints:
            spec["taints"] = [dict(t) for t in kl.taints]
        if kl.pod_cidr_flag:
            spec["podCIDR"] = kl.pod_cidr_flag
            spec["podCIDRs"] = [kl.pod_cidr_flag]
        node: JSON = {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": kl.node_name, "labels": self.labels(),
                         "annotations": {
                             "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
            "spec": spec,
            "status": {},
        }
        self.set_node_status(node)
        return node

    def set_node_status(self, node: JSON) -> None:
        """``setNodeStatus``: run the setters."""
        kl = self.kubelet
        status = node.setdefault("status", {})
        capacity = self.capacity
        status["capacity"] = capacity
        status["allocatable"] = _allocatable(capacity)
        now = kl.kernel.timestamp()
        conds = status.setdefault("conditions", [])
        self._pressure(conds, "MemoryPressure", "KubeletHasSufficientMemory",
                       "kubelet has sufficient memory available", "NodeHasSufficientMemory", now)
        self._pressure(conds, "DiskPressure", "KubeletHasNoDiskPressure",
                       "kubelet has no disk pressure", "NodeHasNoDiskPressure", now)
        self._pressure(conds, "PIDPressure", "KubeletHasSufficientPID",
                       "kubelet has sufficient PID available", "NodeHasSufficientPID", now)
        self._ready(conds, now)
        order = {"MemoryPressure": 0, "DiskPressure": 1, "PIDPressure": 2, "Ready": 3}
        conds.sort(key=lambda c: order.get(c.get("type", ""), 4))
        status["addresses"] = [{"type": "InternalIP", "address": kl.node_ip},
                               {"type": "Hostname", "address": kl.node_name}]
        status["daemonEndpoints"] = {"kubeletEndpoint": {"Port": KUBELET_PORT}}
        status["nodeInfo"] = {
            "machineID": _hex(f"machine {kl.node_name}"),
            "systemUUID": _uuid(f"system {kl.node_name}"),
            "bootID": _uuid(f"boot {kl.node_name} {kl.boot_count}"),
            "kernelVersion": KERNEL_VERSION,
            "osImage": OS_IMAGE,
            "containerRuntimeVersion": f"{RUNTIME_NAME}://{RUNTIME_VERSION}",
            "kubeletVersion": KUBERNETES_VERSION,
            "kubeProxyVersion": KUBERNETES_VERSION,
            "operatingSystem": "linux",
            "architecture": "amd64",
        }
        images = []
        for img in kl.runtime.images.list()[:NODE_STATUS_MAX_IMAGES]:
            names = (img.repo_digests + img.repo_tags)[:MAX_NAMES_PER_IMAGE]
            images.append({"names": names, "sizeBytes": img.size})
        status["images"] = images
        features = {"recursiveReadOnlyMounts": True, "userNamespaces": True}
        status["runtimeHandlers"] = [{"name": "", "features": dict(features)},
                                     {"name": "runc", "features": dict(features)}]

    def _pressure(self, conds: list[JSON], ctype: str, reason: str, message: str,
                  event: str, now: str) -> None:
        c = next((c for c in conds if c.get("type") == ctype), None)
        if c is None:
            c = {"type": ctype, "status": "Unknown"}
            conds.append(c)
        c["lastHeartbeatTime"] = now
        if c.get("status") != "False":
            c.update(status="False", reason=reason, message=message, lastTransitionTime=now)
            self.kubelet.record_node_event(EVENT_NORMAL, event,
                                           f"Node {self.kubelet.node_name} status is now: {event}")
        ordered = {k: c[k] for k in ("type", "status", "lastHeartbeatTime",
                                     "lastTransitionTime", "reason", "message") if k in c}
        c.clear()
        c.update(ordered)

    def _ready(self, conds: list[JSON], now: str) -> None:
        error = self.kubelet.runtime.network_error()
        if error:
            new = {"type": "Ready", "status": "False", "reason": "KubeletNotReady",
                   "message": error}
        else:
            new = {"type": "Ready", "status": "True", "reason": "KubeletReady",
                   "message": "kubelet is posting ready status"}
        new["lastHeartbeatTime"] = now
        c = next((c for c in conds if c.get("type") == "Ready"), None)
        if c is None:
            new["lastTransitionTime"] = now
            conds.append(new)
            return
        record = c.get("status") != new["status"]
        new["lastTransitionTime"] = now if record else c.get("lastTransitionTime", now)
        c.clear()
        c.update({"type": "Ready", "status": new["status"], "lastHeartbeatTime": now,
                  "lastTransitionTime": new["lastTransitionTime"], "reason": new["reason"],
                  "message": new["message"]})
        if record:
            name = self.kubelet.node_name
            if new["status"] == "True":
                self.kubelet.record_node_event(EVENT_NORMAL, events.NODE_READY,
                                               f"Node {name} status is now: NodeReady")
            else:
                self.kubelet.record_node_event(EVENT_NORMAL, events.NODE_NOT_READY,
                                               f"Node {name} status is now: NodeNotReady")

    # -- registration -------------------------------------------------------------------------

    def register(self) -> None:
        """``registerWithAPIServer`` (retried every 7 s while it fails)."""
        kl = self.kubelet
        if kl.stopped or self.registered:
            return
        node = self.initial_node()
        try:
            created = kl.client.create("nodes", node)
            self.registered = True
            kl.on_node(created)
            self.update()  # syncNodeStatus: register, then update at once
        except ApiError as exc:
            if exc.code != 409:
                kl.record_node_event(EVENT_WARNING, events.KUBELET_SETUP_FAILED,
                                     f"Unable to register node with API server: {exc}")
                self._register_timer = kl.kernel.call_later(
                    7.0, self.register, name=f"kubelet {kl.node_name} register",
                    background=True)
                return
            # tryRegisterWithAPIServer: the node exists (a kubelet restart): adopt it
            self.registered = True
            try:
                existing = kl.client.get("nodes", kl.node_name)
            except ApiError:
                return
            kl.on_node(existing)
            self.update(force=True)

    def start(self) -> None:
        kl = self.kubelet
        self.register()
        if self._timer is None:
            self._timer = kl.kernel.every(NODE_STATUS_UPDATE_FREQUENCY, self.update,
                                          name=f"kubelet {kl.node_name} node status")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._register_timer is not None:
            self._register_timer.cancel()
            self._register_timer = None
        self.registered = False

    # -- the status loop -----------------------------------------------------------------------

    def update(self, force: bool = False) -> None:
        """``tryUpdateNodeStatus``: PATCH only on change, or every 5 minutes."""
        kl = self.kubelet
        if kl.stopped or not self.registered:
            return
        node = kl.cached_node()
        if node is None:
            try:
                node = kl.client.get("nodes", kl.node_name)
            except ApiError as exc:
                if exc.code == 404:
                    self.registered = False  # the Node was deleted: register again
                    self.register()
                return
        kl.on_node(node)
        original = copy.deepcopy(node)
        self.set_node_status(node)
        due = kl.kernel.now - self.last_report >= NODE_STATUS_REPORT_FREQUENCY
        if not force and not due and not _status_changed(original["status"], node["status"]):
            return
        patch = create_two_way_merge_patch({"status": original["status"]},
                                           {"status": node["status"]}, "Node")
        if not patch:
            self.last_report = kl.kernel.now
            return
        try:
            updated = kl.client.patch("nodes", kl.node_name, patch, patch_type="strategic",
                                      subresource="status")
        except ApiError:
            return
        self.last_report = kl.kernel.now
        self.reports += 1
        kl.on_node(updated)


def _status_changed(old: JSON, new: JSON) -> bool:
    """``nodeStatusHasChanged``: ignoring the conditions' heartbeat times."""
    def strip(status: JSON) -> JSON:
        s = copy.deepcopy(status)
        for c in s.get("conditions") or []:
            c.pop("lastHeartbeatTime", None)
        return s
    return strip(old) != strip(new)
