"""``Cluster``: a whole Kubernetes cluster on one virtual clock.

Boot order, as ``kubeadm init`` / ``kubeadm join`` and the components themselves do it:

1. the API server on the store (``memory://`` or a real etcd), with its post-start hooks
   (system namespaces, bootstrap RBAC, priority classes) and the ``kubernetes`` Service;
2. the kubelets register their Nodes; the control-plane kubelet runs etcd, kube-apiserver,
   kube-controller-manager and kube-scheduler as static pods (mirror pods in ``kube-system``)
   and its Node is tainted ``node-role.kubernetes.io/control-plane:NoSchedule``;
3. kube-controller-manager (each controller as its own service account) and kube-scheduler
   start, each behind leader election;
4. the kubeadm add-ons: the kube-proxy DaemonSet (a kube-proxy per node starts when its pod
   runs) and CoreDNS (cluster DNS answers once a CoreDNS pod is ready).

The public surface (``DESIGN.md``): ``apply``, ``delete``, ``get``, ``run``, ``kubectl``,
``etcdctl``, ``traces``, ``explain``, ``curl``, ``iptables_save``, ``ipvsadm``; and one call to
stop or start each component.

Taught in notebooks/00-start-here.ipynb and notebooks/01-architecture.ipynb.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from ..api.assemble import APIServerConfig, ensure, new_api_server
from ..api.authn.token_file import TokenEntry
from ..api.server import APIServer
from ..api.trace import Trace
from ..client.client import Client
from ..client.transport import InProcessTransport
from ..controllers.manager import ControllerManager
from ..kubectl import Kubectl
from ..node.dns import ClusterDNS
from ..node.kubelet.kubelet import Kubelet
from ..node.kubelet.logs import make_log_provider
from ..node.kubelet.static_pods import control_plane_manifests
from ..node.proxy.kube_proxy import KubeProxy
from ..scheduler import Scheduler
from ..sim import Kernel
from . import addons
from .components import component_client, new_controller_manager, new_kube_proxy
from .curl import ClusterNetwork, CurlResult, curl

__all__ = ["Cluster", "NodeSpec"]

CONTROL_PLANE = "control-plane"
CONTROL_PLANE_TAINT = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}


@dataclass
class NodeSpec:
    """A node to boot: ``{"name": "n1", "cpu": "4", "memory": "8Gi", "pods": 110, "labels": {},
    "taints": [], "images": {"nginx:1.27": "60Mi"}}``."""

    name: str
    cpu: str = "4"
    memory: str = "8Gi"
    pods: int = 110
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict[str, Any]] = field(default_factory=list)
    images: dict[str, Any] | list[str] | None = None
    control_plane: bool = False
    ip: str = ""

    @classmethod
    def of(cls, spec: NodeSpec | Mapping[str, Any] | str) -> NodeSpec:
        if isinstance(spec, NodeSpec):
            return spec
        if isinstance(spec, str):
            return cls(spec)
        data = dict(spec)
        data["pods"] = int(data.get("pods", 110))
        return cls(**data)


class Cluster:
    """A simulated cluster (see the module docstring)."""

    def __init__(
        self,
        nodes: int | Sequence[NodeSpec | Mapping[str, Any] | str] = 3,
        seed: int = 0,
        store: str = "memory://",
        proxy_mode: str = "iptables",
        *,
        control_plane: bool = True,
        scheduler_config: Any = None,
        scheduler_plugins: Mapping[str, Any] | None = None,
        coredns_replicas: int = 2,
        name: str = "kubernetes",
        settle: bool = True,
        epoch: datetime | None = None,
    ) -> None:
        self.name = name
        self.seed = seed
        self.proxy_mode = proxy_mode
        # virtual time 0 is ``epoch`` (a fixed date by default, so outputs never change;
        # ``serve`` passes "now")
        self.kernel = Kernel(seed, epoch) if epoch is not None else Kernel(seed)
        specs = ([NodeSpec(f"node-{i}") for i in range(1, nodes + 1)] if isinstance(nodes, int)
                 else [NodeSpec.of(s) for s in nodes])
        if control_plane:
            specs.insert(0, NodeSpec(CONTROL_PLANE, control_plane=True))
        for i, spec in enumerate(specs):
            spec.ip = spec.ip or f"172.18.0.{i + 2}"
        self.node_specs = specs
        self.advertise_address = specs[0].ip if specs else "172.18.0.2"

        rng = self.kernel.rng
        def token() -> str:
            return f"{rng.getrandbits(128):032x}"

        self.tokens: dict[str, TokenEntry] = {
            "admin": TokenEntry(token(), "kubernetes-admin", "", ("system:masters",)),
            "kube-scheduler": TokenEntry(token(), "system:kube-scheduler"),
            "kube-controller-manager": TokenEntry(token(), "system:kube-controller-manager"),
            "kube-proxy": TokenEntry(token(), "system:kube-proxy"),
            "coredns": TokenEntry(token(), "system:serviceaccount:kube-system:coredns", "",
                                  ("system:serviceaccounts",
                                   "system:serviceaccounts:kube-system")),
        }
        for spec in specs:
            self.tokens[f"node/{spec.name}"] = TokenEntry(
                token(), f"system:node:{spec.name}", "", ("system:nodes",))
        self.api: APIServer = new_api_server(
            self.kernel, store, APIServerConfig(tokens=list(self.tokens.values()), seed=seed,
                                                # the controller manager runs the quota
                                                # controller: upstream's strict quota admission
                                                quota_strict_status=True))
        self.transport = InProcessTransport(self.api)
        self.admin = self.client("admin", user_agent="kubectl/v1.32.0 (linux/amd64)",
                                 name="kubectl")
        self._kubectl = Kubectl(self.admin, self.kernel)
        for obj in addons.kubernetes_service_objects(self.advertise_address):
            ensure(self.api, obj)

        # -- nodes ---------------------------------------------------------------------------
        self.kubelets: dict[str, Kubelet] = {}
        for spec in specs:
            labels = dict(spec.labels)
            taints = [dict(t) for t in spec.taints]
            static: list[dict[str, Any]] = []
            if spec.control_plane:
                # kubeadm registers the kubelet with the taint (--register-with-taints);
                # the node-role labels are patched on afterwards (mark-control-plane phase):
                # a kubelet may not set node-role labels on itself
                taints.append(dict(CONTROL_PLANE_TAINT))
                static = control_plane_manifests(spec.name, spec.ip)
            kubelet = Kubelet(
                component_client(self.transport, self.tokens[f"node/{spec.name}"].token,
                                 "kubelet", spec.name),
                self.kernel, spec.name,
                capacity={"cpu": spec.cpu, "memory": spec.memory, "pods": str(spec.pods)},
                labels=labels, taints=taints, images=spec.images, static_pods=static,
                node_ip=spec.ip)
            self.kubelets[spec.name] = kubelet
        # pods/log: the API server asks the pod's kubelet (upstream: GET :10250/containerLogs)
        self.api.log_provider = make_log_provider(self.kubelets.get)
        for kubelet in self.kubelets.values():
            kubelet.runtime.network = ClusterNetwork(self)  # wget/nslookup inside containers

        # -- control plane components --------------------------------------------------------
        self.controller_manager: ControllerManager = new_controller_manager(
            self._component("kube-controller-manager"), self.kernel)
        self.scheduler = Scheduler(self._component("kube-scheduler"), self.kernel,
                                   scheduler_config, plugins=scheduler_plugins)
        self.api.component_status_provider.register(
            "scheduler", lambda: self._component_running("kube-scheduler"))
        self.api.component_status_provider.register(
            "controller-manager", lambda: self._component_running("kube-controller-manager"))
        self._stopped: set[str] = set()

        # -- add-ons -------------------------------------------------------------------------
        self.proxies: dict[str, KubeProxy] = {}
        proxy_client = self._component("kube-proxy")
        for spec in specs:
            self.proxies[spec.name] = new_kube_proxy(proxy_client, self.kernel, spec.name,
                                                     proxy_mode, node_ips=[spec.ip])
        dns_client = self.client("coredns", user_agent="coredns/v1.11.3", name="coredns")
        self.dns = ClusterDNS(client=dns_client, kernel=self.kernel, rng=self.kernel.rng)
        self._watch_addon_pods()

        for kubelet in self.kubelets.values():
            kubelet.start()
        self.kernel.run_for(1.0)  # the kubelets register their Nodes
        self._mark_control_plane()
        self.controller_manager.run()
        self.scheduler.run()
        self.dns.run()
        for obj in [*addons.kube_proxy_objects(proxy_mode),
                    *addons.coredns_objects(coredns_replicas)]:
            ensure(self.api, obj)
        self._register_magics()
        if settle:
            self.run()

    # -- identities ----------------------------------------------------------------------------

    def client(self, who: str, *, user_agent: str = "", name: str = "") -> Client:
        """A client with one of the cluster's identities (``admin``, ``kube-scheduler``,
        ``node/<name>``...)."""
        entry = self.tokens[who]
        return Client(self.transport, entry.token, user_agent=user_agent or who,
                      name=name or who)

    def _component(self, who: str) -> Client:
        """A control plane component's client (:func:`.components.component_client`)."""
        return component_client(self.transport, self.tokens[who].token, who)

    # -- add-on pods start their components ----------------------------------------------------

    def _watch_addon_pods(self) -> None:
        """Start a node's kube-proxy when its DaemonSet pod's container starts there: the
        runtime's container events (what the kubelet's PLEG reads), not an API watch — the
        simulator's stand-in for the container's process being the proxy, so it adds no
        request to the traces."""
        self._proxy_started: set[str] = set()
        for node, kubelet in self.kubelets.items():
            runtime = kubelet.runtime

            def on_event(ev: Any, node: str = node, runtime: Any = runtime) -> None:
                if ev.type != "CONTAINER_STARTED_EVENT" or node in self._proxy_started:
                    return
                c = runtime.containers.get(ev.container_id)
                if c is None or c.image is None or c.image.repository.rsplit("/", 1)[-1] != \
                        "kube-proxy" or node not in self.proxies:
                    return
                self._proxy_started.add(node)
                self.proxies[node].run()

            runtime.add_listener(on_event)

    def _mark_control_plane(self) -> None:
        """kubeadm's ``mark-control-plane`` phase: the node-role labels, as the admin."""
        for spec in self.node_specs:
            if spec.control_plane:
                self.admin.patch("nodes", spec.name, {"metadata": {"labels": {
                    "node-role.kubernetes.io/control-plane": "",
                    "node.kubernetes.io/exclude-from-external-load-balancers": ""}}})

    def _component_running(self, name: str) -> bool:
        return name not in self._stopped

    def _register_magics(self) -> None:
        try:
            from ..magics import register_cluster
        except ImportError:  # pragma: no cover
            return
        register_cluster(self, self.name)

    # -- time ----------------------------------------------------------------------------------

    def run(self, seconds: float | None = None, max_time: float = 600.0) -> Cluster:
        """Advance virtual time by ``seconds``, or (None) until the cluster settles: no queued
        work other than periodic heartbeats and resyncs, capped at ``max_time`` virtual
        seconds."""
        if seconds is not None:
            self.kernel.run_for(seconds)
        else:
            self.kernel.run_until_idle(max_time=max_time)
        return self

    @property
    def now(self) -> float:
        return self.kernel.now

    # -- objects -------------------------------------------------------------------------------

    def apply(self, manifest: str | Path | Mapping[str, Any] | Iterable[Any],
              namespace: str = "") -> str:
        """Like ``kubectl apply -f`` as the admin: YAML text, a path, a dict or a list."""
        text = _manifest_text(manifest)
        ns = f" -n {namespace}" if namespace else ""
        return self._kubectl.run(f"apply -f -{ns}", stdin=text)

    def delete(self, resource: str, name: str, namespace: str = "default", *,
               wait: bool = False) -> str:
        args = f"delete {resource} {name} -n {namespace}"
        if not wait:
            args += " --wait=false"
        return self._kubectl.run(args)

    def get(self, resource: str, name: str = "", namespace: str | None = "default",
            label_selector: str = "") -> Any:
        """Objects as dicts: one object when ``name`` is given, else a list (all namespaces
        when ``namespace`` is None)."""
        if name:
            return self.admin.get(resource, name, namespace or "")
        items = self.admin.list(resource, namespace or "",
                                label_selector=label_selector)["items"]
        return items

    def nodes(self) -> list[str]:
        return [s.name for s in self.node_specs]

    # -- tools ---------------------------------------------------------------------------------

    def kubectl(self, command: str, stdin: str | None = None) -> str:
        """What ``kubectl <command>`` prints (as the admin)."""
        return self._kubectl.run(command, stdin=stdin)

    def etcdctl(self, command: str) -> str:
        """What ``etcdctl <command>`` prints against the cluster's etcd."""
        return self.api.etcdctl(command)

    def traces(self, **query: Any) -> list[Trace]:
        """Request traces, oldest first (filter with ``user=``, ``verb=``, ``resource=``...)."""
        return self.api.tracer.query(**query) if query else list(self.api.tracer)

    def explain(self, pod: str) -> Any:
        """The scheduler's record for ``"namespace/name"`` (or ``name`` in default)."""
        key = pod if "/" in pod else f"default/{pod}"
        return self.scheduler.explain(key)

    def curl(self, url: str, *, from_pod: str | None = None,
             from_node: str | None = None) -> CurlResult:
        """Reach ``url`` from a pod or a node: DNS, the node's proxy rules, the pod's app."""
        return curl(self, url, from_pod=from_pod, from_node=from_node)

    def kube_proxy(self, node: str) -> KubeProxy:
        return self.proxies[node]

    def iptables_save(self, node: str) -> str:
        return self.proxies[node].iptables_save()

    def ipvsadm(self, node: str) -> str:
        return self.proxies[node].ipvsadm()

    def logs(self, pod: str, namespace: str = "default", container: str = "") -> str:
        return self.admin.logs(namespace, pod, container)

    # -- failures ------------------------------------------------------------------------------

    def stop(self, component: str) -> None:
        """Stop ``kube-scheduler``, ``kube-controller-manager``, ``kubelet/<node>`` or
        ``kube-proxy/<node>`` (as its process dying: leases are not released)."""
        self._stopped.add(component)
        if component == "kube-scheduler":
            self.scheduler.stop()
        elif component == "kube-controller-manager":
            self.controller_manager.stop()
        elif component.startswith("kubelet/"):
            self.kubelets[component.split("/", 1)[1]].stop()
        elif component.startswith("kube-proxy/"):
            self.proxies[component.split("/", 1)[1]].stop()
        else:
            self._stopped.discard(component)
            raise ValueError(f"unknown component {component!r}")

    def start(self, component: str) -> None:
        """Start a stopped component again."""
        self._stopped.discard(component)
        if component == "kube-scheduler":
            self.scheduler.run()
        elif component == "kube-controller-manager":
            self.controller_manager.run()
        elif component.startswith("kubelet/"):
            self.kubelets[component.split("/", 1)[1]].start()
        elif component.startswith("kube-proxy/"):
            self.proxies[component.split("/", 1)[1]].run()
        else:
            raise ValueError(f"unknown component {component!r}")

    def close(self) -> None:
        self.api.close()

    def __repr__(self) -> str:
        return (f"Cluster({len(self.node_specs)} nodes, seed={self.seed}, "
                f"store={self.api.store.url!r}, proxy_mode={self.proxy_mode!r}, "
                f"t={self.kernel.now:.1f}s)")


def _manifest_text(manifest: Any) -> str:
    if isinstance(manifest, Path):
        return manifest.read_text()
    if isinstance(manifest, str):
        if "\n" not in manifest and manifest.endswith((".yaml", ".yml", ".json")) and Path(
                manifest).exists():
            return Path(manifest).read_text()
        return manifest
    if isinstance(manifest, Mapping):
        return yaml.safe_dump(dict(manifest), sort_keys=False)
    docs = list(manifest)
    return "---\n".join(yaml.safe_dump(dict(d), sort_keys=False) for d in docs)

