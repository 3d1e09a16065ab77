"""Small builders shared by the kube-controller-manager controller tests (garbage collector,
namespace, service account, endpoints, EndpointSlice, node IPAM, node lifecycle, PV binder).

There is no kubelet or scheduler in these tests: they create Nodes and Leases, bind pods by
setting ``spec.nodeName`` and write pod status (IP, Ready) themselves.
"""

from __future__ import annotations

from typing import Any

from k8s_internals.client.client import Client
from k8s_internals.client.informer import InformerFactory
from k8s_internals.controllers.base import Controller
from k8s_internals.sim import Kernel

JSON = dict[str, Any]


def start(client: Client, kernel: Kernel, *controllers: type[Controller],
          **kw: Any) -> list[Any]:
    """Build the controllers on one shared informer factory, run them, let the informers list."""
    factory = InformerFactory(client, kernel)
    out = [cls(client, kernel, factory, **kw) for cls in controllers]
    for c in out:
        c.run()
    kernel.run_for(0.5)
    return out


def namespace(name: str, *, finalizers: bool = True) -> JSON:
    """A Namespace; ``spec.finalizers: [kubernetes]`` as the API server's namespace strategy
    sets it on create."""
    ns: JSON = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    if finalizers:
        ns["spec"] = {"finalizers": ["kubernetes"]}
    return ns


def owner_ref(owner: JSON, *, block: bool = True, controller: bool = True) -> JSON:
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"],
            "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
            "controller": controller, "blockOwnerDeletion": block}


def replicaset(name: str = "web", ns: str = "default", **labels: str) -> JSON:
    labels = labels or {"app": name}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
            "spec": {"replicas": 1, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": [{"name": "app",
                                                           "image": "nginx:1.27"}]}}}}


def pod(name: str, ns: str = "default", *, labels: dict[str, str] | None = None,
        node: str = "", owners: list[JSON] | None = None, finalizers: list[str] | None = None,
        ports: list[JSON] | None = None, hostname: str = "", subdomain: str = "",
        tolerations: list[JSON] | None = None) -> JSON:
    spec: JSON = {"containers": [{"name": "app", "image": "nginx:1.27",
                                  **({"ports": ports} if ports else {})}]}
    if node:
        spec["nodeName"] = node
    if hostname:
        spec["hostname"] = hostname
    if subdomain:
        spec["subdomain"] = subdomain
    if tolerations is not None:
        spec["tolerations"] = tolerations
    meta: JSON = {"name": name, "namespace": ns, "labels": dict(labels or {})}
    if owners:
        meta["ownerReferences"] = owners
    if finalizers:
        meta["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def set_pod_status(client: Client, name: str, ns: str = "default", *, ip: str = "",
                   ready: bool | None = None, phase: str = "Running") -> JSON:
    """What the kubelet would report: phase, pod IP, the Ready condition."""
    p = client.get("pods", name, ns)
    status: JSON = {"phase": phase}
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    if ready is not None:
        status["conditions"] = [{"type": "Ready", "status": "True" if ready else "False",
                                 "lastProbeTime": None,
                                 "lastTransitionTime": "2025-01-01T00:00:00Z"}]
    p["status"] = {**p.get("status", {}), **status}
    return client.update_status("pods", p)


def service(name: str, ns: str = "default", *, selector: dict[str, str] | None = None,
            ports: list[JSON] | None = None, cluster_ip: str = "",
            labels: dict[str, str] | None = None, publish_not_ready: bool = False) -> JSON:
    spec: JSON = {"clusterIP": cluster_ip} if cluster_ip else {}  # "": the server allocates
    if selector is not None:
        spec["selector"] = selector
    if ports is not None:
        spec["ports"] = ports
    if publish_not_ready:
        spec["publishNotReadyAddresses"] = True
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels or {})},
            "spec": spec}


def node(name: str, *, labels: dict[str, str] | None = None, ready: bool | None = True,
         kernel: Kernel | None = None, pod_cidr: str = "") -> JSON:
    n: JSON = {"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                     **(labels or {})}}}
    if pod_cidr:
        n["spec"] = {"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]}
    if ready is not None:
        ts = kernel.timestamp() if kernel is not None else "2025-01-01T00:00:00Z"
        n["status"] = {"conditions": [{
            "type": "Ready", "status": "True" if ready else "False",
            "lastHeartbeatTime": ts, "lastTransitionTime": ts,
            "reason": "KubeletReady" if ready else "KubeletNotReady",
            "message": "kubelet is posting ready status" if ready else "container runtime "
                                                                       "is down"}]}
    return n


def create_node(client: Client, n: JSON) -> JSON:
    """Create a node and write its status (the create resets status, as upstream)."""
    status = n.get("status")
    created = client.create("nodes", n)
    if status:
        created["status"] = status
        created = client.update_status("nodes", created)
    return created


def lease(node_name: str, kernel: Kernel) -> JSON:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": node_name, "namespace": "kube-node-lease"},
            "spec": {"holderIdentity": node_name, "leaseDurationSeconds": 40,
                     "renewTime": kernel.micro_timestamp()}}


def renew_lease(client: Client, node_name: str, kernel: Kernel) -> None:
    """What the kubelet's lease controller does every 10 s."""
    obj = client.get("leases", node_name, "kube-node-lease")
    obj["spec"]["renewTime"] = kernel.micro_timestamp()
    client.update("leases", obj)


def events(client: Client, reason: str = "", ns: str = "") -> list[JSON]:
    items = client.list("events", ns)["items"]
    return [e for e in items if not reason or e["reason"] == reason]


def exists(client: Client, resource: str, name: str, ns: str = "") -> bool:
    from k8s_internals.client.client import ApiError

    try:
        client.get(resource, name, ns)
    except ApiError as exc:
        if exc.code == 404:
            return False
        raise
    return True
