"""The kubelet: the node agent of section VI.

What the seed says a kubelet does, and where it happens here:

1. *"When a worker node joins, the kubelet first POSTs its Node to the API server"* —
   :mod:`.node_status` (``registerWithAPIServer``); then it keeps a heartbeat Lease
   (:mod:`.lease`) and reports the Node's status when it changes.
2. *"It watches for pods scheduled to it and has the container runtime run them"* — a pod
   informer with the field selector ``spec.nodeName=<node>`` (``pkg/kubelet/config/
   apiserver.go``) feeds one worker per pod (:mod:`.pod_workers`), whose sync
   (``Kubelet.SyncPod`` in ``pkg/kubelet/kubelet.go``) computes the pod status
   (:mod:`.status`), and calls the CRI runtime (:mod:`.kuberuntime`, :mod:`..runtime`):
   sandbox and pod IP (CNI), images, init containers, containers, restarts with back-off.
3. *"It monitors the containers and reports to the API server"* — container events (PLEG),
   probes (:mod:`.prober`), and the status manager (:mod:`.status_manager`) patching
   ``pods/status``.
4. *"When a pod is deleted from the API server, the kubelet removes its containers, then tells
   the API server it is done"* — the API server only sets ``deletionTimestamp``; the kubelet
   stops the containers within the grace period (``Killing`` events) and then sends ``DELETE``
   with ``gracePeriodSeconds: 0`` — the request that really removes the pod.

Static pods (:mod:`.static_pods`) run from manifests, with mirror pods in the API.

:meth:`Kubelet.stop` and :meth:`Kubelet.start` simulate the kubelet process going down and
coming back: its containers keep running (the runtime is a separate daemon), but nothing renews
the Lease, reports status, restarts crashed containers or probes.

Identity: the kubelet's client authenticates as ``system:node:<node>`` in ``system:nodes``, so
the Node authorizer and the NodeRestriction admission plugin apply to every request it makes.

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Generator, Iterable, Mapping
from typing import Any

from ...api.validation.quantity import parse_quantity
from ...client.cache import DeletedFinalStateUnknown
from ...client.client import ApiError, Client
from ...client.informer import Informer
from ...client.record import EVENT_NORMAL, EVENT_WARNING, EventRecorder
from ...sim import Kernel, Timer
from ..process import Mount
from ..runtime import DEFAULT_BANDWIDTH as RUNTIME_BANDWIDTH
from ..runtime import ContainerEvent, ContainerRuntime, CRIError, SandboxConfig
from . import events
from .backoff import Backoff
from .envvars import make_environment
from .image_manager import ERR_IMAGE_PULL, ERR_IMAGE_PULL_BACKOFF, ImageManager
from .kuberuntime import (
    ERR_CRASH_LOOP_BACKOFF,
    ContainerConfigError,
    ContainerOptions,
    RuntimeManager,
    SyncResult,
)
from .lease import NodeLease
from .logs import validate_container_log_status
from .node_status import NodeStatus, check_node_labels
from .pod_workers import PLEG_RELIST_PERIOD, PodWorkers, SyncOutcome
from .prober import ProbeManager
from .static_pods import is_mirror_pod, is_mirror_pod_of, mirror_pod, static_pod
from .status import generate_api_pod_status
from .status_manager import StatusManager
from .volumes import MountError, VolumeManager

__all__ = ["DEFAULT_CAPACITY", "Kubelet"]

JSON = dict[str, Any]

DEFAULT_CAPACITY = {"cpu": "4", "memory": "8Gi", "pods": "110"}
#: the node's own resolver (``/etc/resolv.conf`` of the host), for ``dnsPolicy: Default``
HOST_DNS = "8.8.8.8"

_HOSTS_HEADER = ("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
                 "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
                 "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n")


def _default_node_ip(node_name: str) -> str:
    import zlib

    h = zlib.crc32(node_name.encode())
    return f"172.18.{(h >> 8) % 250 + 1}.{h % 250 + 2}"


def _uid(pod: JSON) -> str:
    return str((pod.get("metadata") or {}).get("uid", ""))


def _full_name(pod: JSON) -> str:
    m = pod.get("metadata") or {}
    return f"{m.get('name', '')}_{m.get('namespace', '')}"


class Kubelet:
    """One node's kubelet (with its container runtime): ``Kubelet(client, kernel,
    "node-1").start()``, where ``client`` authenticates as ``system:node:node-1``.

    ``capacity`` (cpu, memory, pods, ephemeral-storage), ``labels`` (``--node-labels``),
    ``taints`` (``--register-with-taints``), ``images`` (preloaded: references, or a mapping of
    reference to size such as ``{"myapp:1.0": "60Mi"}``), ``static_pods`` (manifests in
    ``staticPodPath``), ``pod_cidr`` (``--pod-cidr``; normally the node-ipam controller sets
    ``spec.podCIDR``), ``node_ip`` (the InternalIP), ``cluster_dns``/``cluster_domain``.
    """

    def __init__(
        self,
        client: Client,
        kernel: Kernel,
        node_name: str,
        *,
        capacity: Mapping[str, Any] | None = None,
        labels: Mapping[str, str] | None = None,
        taints: Iterable[Mapping[str, Any]] | None = None,
        images: Mapping[str, int | str | None] | Iterable[str] | None = None,
        static_pods: Iterable[JSON] | None = None,
        pod_cidr: str | None = None,
        node_ip: str | None = None,
        runtime: ContainerRuntime | None = None,
        cluster_dns: str = "10.96.0.10",
        cluster_domain: str = "cluster.local",
        bandwidth: float = RUNTIME_BANDWIDTH,
        serialize_image_pulls: bool = True,
    ) -> None:
        self.client = client
        self.kernel = kernel
        self.node_name = node_name
        self.capacity: dict[str, Any] = dict(DEFAULT_CAPACITY if capacity is None else capacity)
        self.labels = dict(labels or {})
        check_node_labels(self.labels)
        self.taints = [dict(t) for t in taints or []]
        self.pod_cidr_flag = pod_cidr or ""
        self.node_ip = node_ip or _default_node_ip(node_name)
        self.cluster_dns = cluster_dns
        self.cluster_domain = cluster_domain
        self.serialize_image_pulls = serialize_image_pulls
        self.runtime = runtime or ContainerRuntime(kernel, node_name, self.node_ip,
                                                   bandwidth=bandwidth)
        self.runtime.node_ip = self.node_ip
        if isinstance(images, Mapping):
            for ref, size in images.items():
                self.runtime.images.add(ref, size)
        else:
            for ref in images or ():
                self.runtime.images.add(ref)
        self.recorder = EventRecorder(client, kernel, component="kubelet", host=node_name)
        self.node_ref: JSON = {"kind": "Node", "apiVersion": "",
                               "metadata": {"name": node_name, "uid": node_name}}
        self.static_manifests: dict[str, JSON] = {}
        for m in static_pods or ():
            self.static_manifests[(m.get("metadata") or {}).get("name", "")] = m
        self.boot_count = 0
        self.stopped = True
        self.starts = 0
        self.volume_manager = VolumeManager(self._get_object, self._token)
        self._reset()

    # -- life cycle ----------------------------------------------------------------------------

    def _reset(self) -> None:
        """The kubelet's in-memory state (what a restart loses)."""
        clock = lambda: self.kernel.now  # noqa: E731
        self.backoff = Backoff(clock)
        self.image_backoff = Backoff(clock)
        self.image_manager = ImageManager(self.kernel, self.runtime, self.record,
                                          self.image_backoff, self.serialize_image_pulls)
        self.runtime_manager = RuntimeManager(self.kernel, self.runtime, self, self.backoff,
                                              self.image_manager)
        self.probe_manager = ProbeManager(self.kernel, self.runtime, self)
        self.status_manager = StatusManager(self.client, self.kernel, self)
        self.pod_workers = PodWorkers(self.kernel, self)
        self.node_status = NodeStatus(self)
        self.lease = NodeLease(self.client, self.kernel, self.node_name)
        self.pods: dict[str, JSON] = {}
        self.static: dict[str, JSON] = {}
        self.mirrors: dict[str, JSON] = {}
        self.removed: set[str] = set()
        self.reasons: dict[str, dict[str, tuple[str, str]]] = {}
        self.node: JSON | None = None
        self.services: dict[str, JSON] = {}
        self.informers: list[Informer] = []
        self._pleg_pending: set[str] = set()
        self._pleg_timer: Timer | None = None
        self._unsubscribe: Any = None
        self._deadline_timers: dict[str, Timer] = {}
        self.started_at = self.kernel.now

    def start(self) -> Kubelet:
        """Start the kubelet process (``kubelet.Run``)."""
        if not self.stopped:
            return self
        if self.starts:
            self._reset()
        self.starts += 1
        self.stopped = False
        self.started_at = self.kernel.now
        self.record_node_event(EVENT_NORMAL, events.STARTING_KUBELET, "Starting kubelet.")
        self.record_node_event(EVENT_NORMAL, events.SUCCESSFUL_NODE_ALLOCATABLE_ENFORCEMENT,
                               "Updated Node Allocatable limit across pods")
        self._unsubscribe = self.runtime.add_listener(self._on_container_event)
        if self.pod_cidr_flag:
            self.runtime.update_runtime_config(self.pod_cidr_flag)
        self.node_status.start()
        self.lease.start()
        pods = Informer(self.client, self.kernel, "pods",
                        field_selector=f"spec.nodeName={self.node_name}")
        pods.add_event_handler(self._pod_added, self._pod_updated, self._pod_deleted)
        node = Informer(self.client, self.kernel, "nodes",
                        field_selector=f"metadata.name={self.node_name}")
        node.add_event_handler(self.on_node, lambda old, new: self.on_node(new))
        services = Informer(self.client, self.kernel, "services")
        services.add_event_handler(self._service_set, lambda old, new: self._service_set(new),
                                   self._service_deleted)
        self.informers = [services, node, pods]
        for inf in self.informers:
            inf.start()
        for manifest in list(self.static_manifests.values()):
            self._add_static(manifest)
        self.kernel.call_soon(self._housekeeping, name=f"kubelet {self.node_name} housekeeping")
        return self

    def stop(self) -> None:
        """The kubelet process dies: no more heartbeats, status, restarts or probes. The
        containers keep running."""
        if self.stopped:
            return
        self.stopped = True
        for inf in self.informers:
            inf.stop()
        self.informers = []
        self.lease.stop()
        self.node_status.stop()
        self.pod_workers.stop()
        self.probe_manager.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._pleg_timer is not None:
            self._pleg_timer.cancel()
            self._pleg_timer = None
        for t in self._deadline_timers.values():
            t.cancel()
        self._deadline_timers.clear()

    @property
    def running(self) -> bool:
        return not self.stopped

    # -- events --------------------------------------------------------------------------------

    def record(self, pod: JSON, event_type: str, reason: str, message: str,
               field_path: str = "") -> None:
        if self.stopped:
            return
        self.recorder.event(pod, event_type, reason, message, field_path)

    def record_node_event(self, event_type: str, reason: str, message: str) -> None:
        self.recorder.event(self.node_ref, event_type, reason, message)

    # -- the pod source ------------------------------------------------------------------------

    def _pod_added(self, pod: JSON) -> None:
        if self.stopped:
            return
        if is_mirror_pod(pod):
            self._mirror_changed(pod)
            return
        uid = _uid(pod)
        self.pods[uid] = pod
        self.status_manager.observe(pod)
        if uid not in self.pod_workers.workers and not self._terminal(pod) and \
                not pod["metadata"].get("deletionTimestamp"):
            ok, reason, message = self._can_admit(pod)
            if not ok:
                self._reject(pod, reason, message)
                return
        self.probe_manager.update_pod(pod)
        self.pod_workers.update_pod(pod)

    def _terminal(self, pod: JSON) -> bool:
        status = self.status_manager.get_pod_status(_uid(pod)) or pod.get("status") or {}
        return status.get("phase") in ("Succeeded", "Failed")

    def _can_admit(self, pod: JSON) -> tuple[bool, str, str]:
        """``canAdmitPod``: the resources the pod requests must fit in what the active pods
        leave of the node's allocatable (a pod bound with ``nodeName`` skips the scheduler,
        not this check)."""
        allocatable = ((self.node or {}).get("status") or {}).get("allocatable") or \
            self.node_status.allocatable
        active = [p for uid, p in list(self.pods.items()) + list(self.static.items())
                  if uid != _uid(pod) and uid in self.pod_workers.workers
                  and not self._terminal(p)]
        want = _pod_requests(pod)
        for res in ("cpu", "memory"):
            if want.get(res, 0) == 0 or res not in allocatable:
                continue
            capacity = _amount(res, allocatable[res])
            used = sum(_pod_requests(p).get(res, 0) for p in active)
            if used + want[res] > capacity:
                return False, f"OutOf{res}", (
                    f"Node didn't have enough resource: {res}, requested: {want[res]}, "
                    f"used: {used}, capacity: {capacity}")
        pods_cap = int(str(allocatable.get("pods", "110")))
        if len(active) + 1 > pods_cap:
            return False, "OutOfpods", (f"Node didn't have enough resource: pods, requested: "
                                        f"1, used: {len(active)}, capacity: {pods_cap}")
        return True, "", ""

    def _reject(self, pod: JSON, reason: str, message: str) -> None:
        """``rejectPod``: the pod fails without running (event and status)."""
        self.record(pod, EVENT_WARNING, reason, message)
        status: JSON = {"phase": "Failed", "reason": reason,
                        "message": f"Pod was rejected: {message}",
                        "conditions": list((pod.get("status") or {}).get("conditions") or [])}
        if (pod.get("status") or {}).get("qosClass"):
            status["qosClass"] = pod["status"]["qosClass"]
        self.status_manager.set_pod_status(pod, status)

    def _pod_updated(self, old: JSON, pod: JSON) -> None:
        if self.stopped:
            return
        if is_mirror_pod(pod):
            self._mirror_changed(pod)
            return
        uid = _uid(pod)
        self.pods[uid] = pod
        self.status_manager.observe(pod)
        self.probe_manager.update_pod(pod)
        if _semantic(old) != _semantic(pod):
            self.pod_workers.update_pod(pod)
        elif old.get("status") != pod.get("status") and \
                self.status_manager.get_pod_status(uid) is not None:
            # someone else wrote the status (the node lifecycle controller marking the pod not
            # ready): the kubelet is the source of truth and writes its own back
            self.status_manager.sync(uid)

    def _pod_deleted(self, obj: Any) -> None:
        if self.stopped:
            return
        pod = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        if not isinstance(pod, dict):
            return
        if is_mirror_pod(pod):
            full = _full_name(pod)
            if self.mirrors.get(full, {}).get("metadata", {}).get("uid") == _uid(pod):
                del self.mirrors[full]
            static = self._static_by_full_name(full)
            if static is not None:
                self.pod_workers.sync_if_exists(_uid(static))
            return
        uid = _uid(pod)
        self.pods.pop(uid, None)
        self.removed.add(uid)
        if self.pod_workers.state(uid) == "terminated":
            self._gc_pod(uid)
        else:
            self.pod_workers.update_pod(pod, removed=True)

    def _mirror_changed(self, mirror: JSON) -> None:
        full = _full_name(mirror)
        self.mirrors[full] = mirror
        self.status_manager.observe(mirror)
        static = self._static_by_full_name(full)
        if static is not None:
            self.status_manager.sync(_uid(static))
            if mirror["metadata"].get("deletionTimestamp") or not is_mirror_pod_of(mirror,
                                                                                   static):
                self.pod_workers.sync_if_exists(_uid(static))
        elif not mirror["metadata"].get("deletionTimestamp"):
            # an orphaned mirror pod (its manifest is gone): delete it
            self._delete_mirror(mirror)

    def _static_by_full_name(self, full: str) -> JSON | None:
        for pod in self.static.values():
            if _full_name(pod) == full:
                return pod
        return None

    def _service_set(self, svc: JSON) -> None:
        m = svc["metadata"]
        self.services[f"{m.get('namespace')}/{m.get('name')}"] = svc

    def _service_deleted(self, obj: Any) -> None:
        svc = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        if isinstance(svc, dict):
            m = svc["metadata"]
            self.services.pop(f"{m.get('namespace')}/{m.get('name')}", None)

    # -- the node ------------------------------------------------------------------------------

    def on_node(self, node: JSON) -> None:
        """A newer view of our Node: its pod CIDR configures the runtime's network."""
        if self.stopped:
            return
        first = self.node is None
        if self.node is None or int(node["metadata"].get("resourceVersion") or 0) >= int(
                self.node["metadata"].get("resourceVersion") or 0):
            self.node = node
        cidr = (node.get("spec") or {}).get("podCIDR") or ""
        if cidr and cidr != self.runtime.cni.pod_cidr:
            was_ready = self.runtime.cni.ready
            self.runtime.update_runtime_config(cidr)
            if not was_ready:
                # fastStatusUpdateOnce: report Ready as soon as the network is
                self.kernel.call_soon(self.node_status.update,
                                      name=f"kubelet {self.node_name} fast status")
                self.pod_workers.network_ready()
        if first:
            for uid in list(self.static):
                self.pod_workers.sync_if_exists(uid)

    def cached_node(self) -> JSON | None:
        """Our Node as the node informer has it (upstream reads it from the API server's
        cache, ``resourceVersion=0``)."""
        for inf in self.informers:
            if inf.resource == "nodes" and inf.has_synced():
                node = inf.get(self.node_name)
                if node is not None:
                    return node
        return None

    # -- static pods ---------------------------------------------------------------------------

    def add_static_pod(self, manifest: JSON) -> JSON:
        """Write a manifest into ``staticPodPath`` (the kubelet notices at once, via inotify)."""
        name = (manifest.get("metadata") or {}).get("name", "")
        old = self.static_manifests.get(name)
        self.static_manifests[name] = manifest
        if not self.stopped:
            if old is not None:
                self._remove_static(name)
            return self._add_static(manifest)
        return static_pod(manifest, self.node_name, self._seen())

    def remove_static_pod(self, name: str) -> None:
        """Delete a manifest from ``staticPodPath``: the pod is stopped, its mirror deleted."""
        self.static_manifests.pop(name, None)
        if not self.stopped:
            self._remove_static(name)

    def _add_static(self, manifest: JSON) -> JSON:
        pod = static_pod(manifest, self.node_name, self._seen())
        uid = _uid(pod)
        self.static[uid] = pod
        self.pod_workers.update_pod(pod)
        return pod

    def _seen(self) -> str:
        """``kubernetes.io/config.seen``: ``time.Now()`` in RFC 3339 with nanoseconds."""
        dt = self.kernel.datetime()
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond * 1000:09d}Z"

    def _remove_static(self, name: str) -> None:
        full = f"{name}-{self.node_name.lower()}"
        for uid, pod in list(self.static.items()):
            if pod["metadata"]["name"] == full:
                del self.static[uid]
                self.removed.add(uid)
                self.pod_workers.update_pod(pod, removed=True)
                mirror = self.mirrors.get(_full_name(pod))
                if mirror is not None:
                    self._delete_mirror(mirror)

    def _delete_mirror(self, mirror: JSON) -> None:
        m = mirror["metadata"]
        with contextlib.suppress(ApiError):
            self.client.delete("pods", m["name"], m.get("namespace", ""), grace_period_seconds=0,
                               preconditions={"uid": m.get("uid", "")})

    def _ensure_mirror(self, pod: JSON) -> None:
        full = _full_name(pod)
        mirror = self.mirrors.get(full)
        if mirror is not None and (mirror["metadata"].get("deletionTimestamp") or
                                   not is_mirror_pod_of(mirror, pod)):
            self._delete_mirror(mirror)
            self.mirrors.pop(full, None)
            mirror = None
        if mirror is not None or self.node is None or \
                self.node["metadata"].get("deletionTimestamp"):
            return
        try:
            created = self.client.create("pods", mirror_pod(pod, self.node_name,
                                                             self.node["metadata"]["uid"]))
            self.mirrors[full] = created
            self.status_manager.observe(created)
            self.status_manager.sync(_uid(pod))
        except ApiError:
            pass

    # -- what the status manager asks ----------------------------------------------------------

    def api_pod(self, uid: str) -> JSON | None:
        """The API object whose status is ``uid``'s: the pod, or a static pod's mirror."""
        if uid in self.static:
            return self.mirrors.get(_full_name(self.static[uid]))
        return self.pods.get(uid)

    def pod_deleted(self, uid: str) -> None:
        """The final DELETE went through."""
        self._gc_pod(uid)

    def _gc_pod(self, uid: str) -> None:
        """Container GC for a pod that is gone: remove its sandboxes and containers."""
        for sandbox in self.runtime.list_pod_sandboxes(uid):
            self.runtime.remove_pod_sandbox(sandbox.id)
        self.pod_workers.forget(uid)
        self.status_manager.remove(uid)
        self.probe_manager.remove_pod(uid)
        self.volume_manager.teardown(uid)
        self.reasons.pop(uid, None)
        self.removed.discard(uid)

    # -- PLEG ------------------------------------------------------------------------------------

    def _on_container_event(self, ev: ContainerEvent) -> None:
        """The runtime reports a container change; the PLEG relays it at its next relist
        (every second)."""
        if self.stopped or not ev.pod_uid:
            return
        self._pleg_pending.add(ev.pod_uid)
        if self._pleg_timer is None:
            k = math.floor((self.kernel.now - self.started_at) / PLEG_RELIST_PERIOD + 1e-9) + 1
            when = self.started_at + k * PLEG_RELIST_PERIOD
            self._pleg_timer = self.kernel.call_at(when, self._relist,
                                                   name=f"kubelet {self.node_name} PLEG relist")

    def _relist(self) -> None:
        self._pleg_timer = None
        pending, self._pleg_pending = sorted(self._pleg_pending), set()
        for uid in pending:
            self.pod_workers.sync_if_exists(uid)

    # -- probes --------------------------------------------------------------------------------

    def cached_status(self, uid: str) -> JSON | None:
        return self.status_manager.get_pod_status(uid)

    def probe_source_ip(self, pod: JSON) -> str:
        ipam = self.runtime.cni.ipam
        return str(ipam.gateway) if ipam is not None else self.node_ip

    def on_probe_result(self, uid: str, probe_type: str, result: str) -> None:
        self.pod_workers.sync_if_exists(uid)

    def liveness_failed(self, container_id: str) -> bool:
        return self.probe_manager.liveness_failed(container_id)

    def startup_failed(self, container_id: str) -> bool:
        return self.probe_manager.startup_failed(container_id)

    # -- what the runtime manager asks ---------------------------------------------------------

    def sandbox_config(self, pod: JSON, attempt: int) -> SandboxConfig:
        """``generatePodSandboxConfig``: hostname, DNS (``dnsPolicy``), labels."""
        meta = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        host_network = bool(spec.get("hostNetwork"))
        hostname = self.node_name if host_network else (spec.get("hostname") or meta["name"])
        policy = spec.get("dnsPolicy", "ClusterFirst")
        servers: list[str] = []
        searches: list[str] = []
        options: list[str] = []
        if policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and
                                                   not host_network):
            ns = meta.get("namespace", "default")
            d = self.cluster_domain
            servers = [self.cluster_dns]
            searches = [f"{ns}.svc.{d}", f"svc.{d}", d]
            options = ["ndots:5"]
        elif policy != "None":
            servers = [HOST_DNS]
        cfg = spec.get("dnsConfig") or {}
        servers += [s for s in cfg.get("nameservers") or [] if s not in servers]
        searches += [s for s in cfg.get("searches") or [] if s not in searches]
        for o in cfg.get("options") or []:
            text = o.get("name", "") + (f":{o['value']}" if o.get("value") else "")
            options = [x for x in options if x.split(":")[0] != o.get("name")] + [text]
        return SandboxConfig(
            name=meta.get("name", ""), namespace=meta.get("namespace", ""),
            uid=meta.get("uid", ""), attempt=attempt, hostname=hostname,
            host_network=host_network,
            labels={"io.kubernetes.pod.name": meta.get("name", ""),
                    "io.kubernetes.pod.namespace": meta.get("namespace", ""),
                    "io.kubernetes.pod.uid": meta.get("uid", ""),
                    **(meta.get("labels") or {})},
            annotations=dict(meta.get("annotations") or {}),
            dns_servers=servers, dns_searches=searches, dns_options=options)

    def container_options(self, pod: JSON, container: JSON, pod_ip: str) -> ContainerOptions:
        """``GenerateRunContainerOptions``: environment and mounts."""
        allocatable = ((self.node or {}).get("status") or {}).get("allocatable") or {}
        env = make_environment(pod, container, services=self.services.values(),
                               get=self._get_object, pod_ip=pod_ip, host_ip=self.node_ip,
                               allocatable=allocatable)
        mounts = self.volume_manager.mounts(pod, container)
        spec = pod.get("spec") or {}
        if not spec.get("hostNetwork"):
            meta = pod.get("metadata") or {}
            hostname = spec.get("hostname") or meta.get("name", "")
            names = hostname
            if spec.get("subdomain"):
                names = (f"{hostname}.{spec['subdomain']}.{meta.get('namespace')}.svc."
                         f"{self.cluster_domain}\t{hostname}")
            hosts = _HOSTS_HEADER + f"{pod_ip}\t{names}\n"
            aliases = spec.get("hostAliases") or []
            if aliases:
                hosts += "\n# Entries added by HostAliases.\n"
                for a in aliases:
                    hosts += f"{a.get('ip')}\t" + "\t".join(a.get("hostnames") or []) + "\n"
            mounts.append(Mount("/etc/hosts", {".": hosts}, False, "etc-hosts", file=True))
        return ContainerOptions(env, mounts)

    def _get_object(self, resource: str, namespace: str, name: str) -> JSON | None:
        try:
            return self.client.get(resource, name, namespace)
        except ApiError as exc:
            if exc.code == 404:
                return None
            raise ContainerConfigError(str(exc)) from None

    def _token(self, namespace: str, sa: str, pod: JSON, source: JSON) -> str:
        body: JSON = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                      "spec": {"expirationSeconds": int(source.get("expirationSeconds") or 3607),
                               "boundObjectRef": {"apiVersion": "v1", "kind": "Pod",
                                                  "name": pod["metadata"]["name"],
                                                  "uid": pod["metadata"]["uid"]}}}
        if source.get("audience"):
            body["spec"]["audiences"] = [source["audience"]]
        try:
            out = self.client.call("create", "serviceaccounts", namespace=namespace, name=sa,
                                   subresource="token", body=body)
        except ApiError as exc:
            raise KeyError(f"failed to fetch token: {exc}") from None
        return str((out.get("status") or {}).get("token", ""))

    # -- the syncs (what the pod workers run) ------------------------------------------------------

    def _old_status(self, pod: JSON) -> JSON:
        uid = _uid(pod)
        cached = self.status_manager.get_pod_status(uid)
        if cached is not None:
            return cached
        api = self.api_pod(uid)
        return (api or pod).get("status") or {}

    def _generate(self, pod: JSON, terminal: bool = False) -> JSON:
        uid = _uid(pod)
        return generate_api_pod_status(
            pod, self.runtime_manager.get_pod_status(uid), old_status=self._old_status(pod),
            reasons=self.reasons.get(uid, {}), probes=self.probe_manager, host_ip=self.node_ip,
            ts=self.kernel.timestamp, pod_is_terminal=terminal)

    def sync_pod(self, pod: JSON) -> Generator[Any, Any, SyncOutcome]:
        """``Kubelet.SyncPod``."""
        uid = _uid(pod)
        if uid in self.static and self.static[uid] is not pod:
            pod = self.static[uid]
        status = self.runtime_manager.get_pod_status(uid)
        api_status = self._generate(pod)
        deadline = self._deadline_exceeded(pod, api_status)
        if deadline:
            api_status["phase"] = "Failed"
            api_status["reason"] = "DeadlineExceeded"
            api_status["message"] = "Pod was active on the node longer than the specified " \
                                    "deadline"
            self.record(pod, EVENT_NORMAL, "DeadlineExceeded", api_status["message"])
        self.status_manager.set_pod_status(pod, api_status)
        if api_status["phase"] in ("Succeeded", "Failed"):
            return SyncOutcome(terminal=True)
        error = self.runtime.network_error()
        if error and not (pod.get("spec") or {}).get("hostNetwork"):
            self.record(pod, EVENT_WARNING, events.NETWORK_NOT_READY,
                        f"network is not ready: {error}")
            return SyncOutcome(error="network")
        if uid in self.static:
            self._ensure_mirror(pod)
        try:
            self.volume_manager.setup(pod)
        except MountError as exc:
            self.record(pod, EVENT_WARNING, events.FAILED_MOUNT_VOLUME, str(exc))
            return SyncOutcome(error="FailedMount", retry_after=self.volume_manager.retry_delay(
                uid))
        except ContainerConfigError as exc:
            self.record(pod, EVENT_WARNING, events.FAILED_MOUNT_VOLUME, str(exc))
            return SyncOutcome(error="FailedMount", retry_after=self.volume_manager.retry_delay(
                uid))
        self.probe_manager.add_pod(pod)
        self._arm_deadline(pod, api_status)
        results = yield from self.runtime_manager.sync_pod(pod, status)
        return self._outcome(uid, results)

    def _outcome(self, uid: str, results: list[SyncResult]) -> SyncOutcome:
        """``reasonCache.Update`` and how the worker should re-queue."""
        reasons = self.reasons.setdefault(uid, {})
        before = {name: r[0] for name, r in reasons.items()}
        out = SyncOutcome()
        for r in results:
            if r.action != "StartContainer":
                if r.error:
                    out.error = out.error or r.error
                continue
            if not r.error:
                reasons.pop(r.target, None)
                continue
            reasons[r.target] = (r.error, r.message)
            if r.error in (ERR_CRASH_LOOP_BACKOFF, ERR_IMAGE_PULL_BACKOFF, ERR_IMAGE_PULL):
                if r.retry_after is not None:
                    out.retry_after = r.retry_after if out.retry_after is None else \
                        min(out.retry_after, r.retry_after)
                if r.error != ERR_IMAGE_PULL:
                    continue
            out.error = out.error or r.error
        # a new failure reason shows in the status the next sync writes: the kubelet re-syncs
        # soon after a failed sync (upstream: PLEG events and work-queue re-queues)
        out.soon = {name: r[0] for name, r in reasons.items()} != before
        return out

    def _deadline_exceeded(self, pod: JSON, status: JSON) -> bool:
        deadline = (pod.get("spec") or {}).get("activeDeadlineSeconds")
        start = (self._old_status(pod) or {}).get("startTime")
        if deadline is None or not start:
            return False
        from datetime import datetime

        started = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=self.kernel.epoch.tzinfo)
        return (self.kernel.datetime() - started).total_seconds() >= int(deadline)

    def _arm_deadline(self, pod: JSON, status: JSON) -> None:
        uid = _uid(pod)
        deadline = (pod.get("spec") or {}).get("activeDeadlineSeconds")
        if deadline is None or uid in self._deadline_timers:
            return
        start = (self.status_manager.get_pod_status(uid) or {}).get("startTime")
        if not start:
            return
        from datetime import datetime

        started = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=self.kernel.epoch.tzinfo)
        left = int(deadline) - (self.kernel.datetime() - started).total_seconds()
        self._deadline_timers[uid] = self.kernel.call_later(
            max(0.0, left), self.pod_workers.sync_if_exists, uid,
            name=f"activeDeadlineSeconds {uid[:8]}", background=True)

    def sync_terminating_pod(self, pod: JSON, grace: int | None) -> Generator[Any, Any, None]:
        """``SyncTerminatingPod``: stop everything, within the grace period."""
        uid = _uid(pod)
        if uid in self.static and self.static[uid] is not pod:
            pod = self.static[uid]
        if uid not in self.removed or uid in self.static:
            self.status_manager.set_pod_status(pod, self._generate(pod))
        self.probe_manager.stop_liveness_and_startup(pod)
        status = self.runtime_manager.get_pod_status(uid)
        yield from self.runtime_manager.kill_pod(pod, status, grace)
        final = self._generate(pod, terminal=True)
        if (self._old_status(pod) or {}).get("reason") == "DeadlineExceeded":
            final["phase"] = "Failed"
        self.status_manager.set_pod_status(pod, final)
        self.probe_manager.remove_pod(uid)
        timer = self._deadline_timers.pop(uid, None)
        if timer is not None:
            timer.cancel()

    def sync_terminated_pod(self, pod: JSON) -> Generator[Any, Any, None]:
        """``SyncTerminatedPod``: release the pod's volumes; the status manager may delete it."""
        uid = _uid(pod)
        self.volume_manager.teardown(uid)
        if uid in self.removed:
            self._gc_pod(uid)
            return
        self.status_manager.terminate(uid)
        return
        yield  # pragma: no cover

    # -- housekeeping --------------------------------------------------------------------------

    def _housekeeping(self) -> None:
        """``HandlePodCleanups`` at start: kill what runs for pods that no longer exist."""
        if self.stopped:
            return
        known = set(self.pods) | set(self.static)
        for sandbox in self.runtime.list_pod_sandboxes():
            uid = sandbox.config.uid
            if uid in known or uid in self.pod_workers.workers:
                continue
            pod = {"metadata": {"name": sandbox.config.name,
                                "namespace": sandbox.config.namespace, "uid": uid},
                   "spec": {"containers": []}}
            self.removed.add(uid)
            self.pod_workers.update_pod(pod, removed=True, kill=True)

    # -- logs and exec -------------------------------------------------------------------------

    def find_pod(self, namespace: str, name: str) -> JSON | None:
        """A pod of this node by namespace and name (static pods included)."""
        for pod in list(self.pods.values()) + list(self.static.values()):
            m = pod.get("metadata") or {}
            if m.get("namespace") == namespace and m.get("name") == name:
                return pod
        return None

    def container_logs(self, pod: JSON, container: str, *, previous: bool = False,
                       tail_lines: int | None = None, timestamps: bool = False,
                       since_seconds: int | None = None, limit_bytes: int | None = None) -> str:
        """``GetContainerLogs``."""
        if is_mirror_pod(pod):
            static = self._static_by_full_name(_full_name(pod))
            if static is not None:
                pod = static
        uid = _uid(pod)
        status = self.status_manager.get_pod_status(uid) or pod.get("status") or {}
        name = (pod.get("metadata") or {}).get("name", "")
        cid = validate_container_log_status(name, status, container, previous)
        cid = cid.removeprefix("containerd://")
        since = self.kernel.now - since_seconds if since_seconds is not None else None
        try:
            return self.runtime.read_logs(cid, tail=tail_lines, timestamps=timestamps,
                                          since=since, limit_bytes=limit_bytes)
        except CRIError:
            return ""

    def logs(self, namespace: str, pod: str, container: str = "", previous: bool = False,
             tail_lines: int | None = None, timestamps: bool = False) -> str:
        """``kubectl logs`` straight from this kubelet."""
        from .logs import choose_container

        obj = self.find_pod(namespace, pod)
        if obj is None:
            from ...api import errors

            raise errors.not_found("", "pods", pod)
        return self.container_logs(obj, choose_container(obj, container), previous=previous,
                                   tail_lines=tail_lines, timestamps=timestamps)

    def exec(self, namespace: str, pod: str, container: str, command: list[str]
             ) -> tuple[int, str]:
        """``kubectl exec`` (synchronous): ``(exit code, output)``."""
        obj = self.find_pod(namespace, pod)
        if obj is None:
            raise KeyError(f"pod {namespace}/{pod} not found on {self.node_name}")
        for c in self.runtime.list_containers(pod_uid=_uid(obj)):
            if c.config.name == container and c.state == "CONTAINER_RUNNING":
                try:
                    return self.runtime.exec_sync(c.id, command)
                except CRIError as exc:
                    return 126, str(exc)
        raise KeyError(f'container "{container}" is not running in pod {namespace}/{pod}')


def _amount(resource: str, value: Any) -> int:
    """cpu in millicores, memory in bytes (as the admission messages print them)."""
    q = parse_quantity(value)
    return q.milli_value() if resource == "cpu" else q.value()


def _pod_requests(pod: JSON) -> dict[str, int]:
    """``PodRequests``: the containers' sum, or the largest init container if larger, plus
    the pod's overhead."""
    spec = pod.get("spec") or {}
    total: dict[str, int] = {}
    for c in spec.get("containers") or []:
        for res, v in ((c.get("resources") or {}).get("requests") or {}).items():
            if res in ("cpu", "memory"):
                total[res] = total.get(res, 0) + _amount(res, v)
    for c in spec.get("initContainers") or []:
        for res, v in ((c.get("resources") or {}).get("requests") or {}).items():
            if res in ("cpu", "memory"):
                total[res] = max(total.get(res, 0), _amount(res, v))
    for res, v in (spec.get("overhead") or {}).items():
        if res in ("cpu", "memory"):
            total[res] = total.get(res, 0) + _amount(res, v)
    return total


def _semantic(pod: JSON) -> Any:
    """A pod without status and bookkeeping: an update that differs only in these is the
    kubelet's own status write (``podsDifferSemantically``)."""
    meta = {k: v for k, v in (pod.get("metadata") or {}).items()
            if k not in ("resourceVersion", "managedFields", "generation")}
    return (meta, pod.get("spec"))

