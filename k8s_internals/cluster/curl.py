"""``cluster.curl(url, from_pod=...)``: follow a request the way the packets go.

1. **DNS** — a pod resolves the host through the ``kube-dns`` Service (its ``/etc/resolv.conf``:
   ``search <ns>.svc.cluster.local svc.cluster.local cluster.local``, ``ndots:5``); every name
   tried is a hop. (A node resolves with the host's resolver, which knows no cluster names.)
2. **kube-proxy** — the packet to a ClusterIP or NodePort meets the source node's rules
   (iptables chains, an IPVS virtual server, or the userspace proxy): each matched rule, the
   random choice among endpoints, and the DNAT target are hops.
3. **the pod network** — the packet reaches the pod that owns the target IP, on whatever node
   it runs, and the container listening on the port answers (``luksa/kubia`` answers
   ``You've hit <pod name>``).

Nothing here decides anything the components do not: DNS answers come from
:class:`~k8s_internals.node.dns.ClusterDNS`, routes from the node's
:class:`~k8s_internals.node.proxy.kube_proxy.KubeProxy`, answers from the container runtime.

Taught in notebooks/07-kube-proxy.ipynb.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..node.dns import DNSAnswer, DNSQuery
from ..node.process import ConnectionRefused, HttpRequest
from ..node.proxy.types import Hop

if TYPE_CHECKING:
    from .cluster import Cluster

__all__ = ["ClusterNetwork", "CurlResult", "curl"]


@dataclass
class CurlResult:
    url: str
    source: str
    hops: list[Hop] = field(default_factory=list)
    status: int | None = None
    body: str = ""
    error: str = ""
    dns: DNSAnswer | None = None
    pod: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and not self.error

    def describe(self) -> str:
        lines = [f"curl {self.url}  (from {self.source})"]
        lines += [f"  {h.describe()}" for h in self.hops]
        lines.append(f"  => {self.status} {self.body.strip()}" if self.ok
                     else f"  => curl: {self.error}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.body if self.ok else f"curl: {self.error}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _split_dst(dst: str) -> tuple[str, int] | None:
    host, sep, port = dst.rpartition(":")
    if not sep or not port.isdigit() or not _is_ip(host):
        return None
    return host, int(port)


def curl(cluster: Cluster, url: str, *, from_pod: str | None = None,
         from_node: str | None = None) -> CurlResult:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    namespace = ""
    if from_pod:
        ns, _, name = from_pod.rpartition("/")
        namespace = ns or "default"
        pod = cluster.admin.get("pods", name, namespace)
        node = pod.get("spec", {}).get("nodeName", "")
        src_ip = pod.get("status", {}).get("podIP", "") or _sandbox_ip(cluster, namespace,
                                                                       name)
        source = f"pod {namespace}/{name} ({src_ip or 'no IP'}) on {node}"
        if not src_ip:
            return CurlResult(url, source, error=f"pod {namespace}/{name} has no IP yet")
    else:
        node = from_node or cluster.nodes()[-1]
        spec = next(s for s in cluster.node_specs if s.name == node)
        src_ip = spec.ip
        source = f"node {node} ({src_ip})"
    result = CurlResult(url, source)

    # 1. DNS
    if _is_ip(host):
        ip = host
    elif from_pod:
        answer = cluster.dns.resolve(host, namespace=namespace)
        result.dns = answer
        result.hops.extend(answer.hops(src_ip))
        if not answer.addresses:
            result.error = f"(6) Could not resolve host: {host}"
            return result
        ip = answer.addresses[0]
    else:
        result.error = f"(6) Could not resolve host: {host} (nodes use the host's resolver)"
        return result

    # 2. the source node's proxy rules
    proxy = cluster.proxies.get(node)
    target = (ip, port)
    if proxy is not None and proxy.initialized:
        hops = proxy.route(ip, port, "TCP", src_ip)
        result.hops.extend(hops)
        for h in hops:
            if h.action in ("reject", "drop"):
                result.error = (f"(7) Failed to connect to {host} port {port}: "
                                f"{'Connection refused' if h.action == 'reject' else 'timed out'}")
                return result
            dst = _split_dst(h.dst) if h.dst else None
            if dst is not None:
                target = dst

    # 3. the pod network: whoever owns the IP answers
    t_ip, t_port = target
    for kubelet in cluster.kubelets.values():
        runtime = kubelet.runtime
        if runtime.find_process(t_ip, t_port) is None:
            continue
        result.hops.append(Hop("pod-network", kubelet.node_name, "deliver",
                               f"{t_ip}:{t_port} on {kubelet.node_name}", src=src_ip,
                               dst=f"{t_ip}:{t_port}"))
        result.pod = pod_by_ip(cluster, t_ip) or ""
        try:
            resp = runtime.http(t_ip, t_port, HttpRequest(
                "GET", path, {"Host": host, "User-Agent": "curl/8.5.0"}, src_ip, host))
        except ConnectionRefused as exc:
            result.error = f"(7) Failed to connect to {host} port {port}: {exc}"
            return result
        result.status = resp.status
        result.body = resp.body
        return result
    result.error = (f"(7) Failed to connect to {host} port {port} after 3000 ms: "
                    f"Couldn't connect to server")
    return result


def _sandbox_ip(cluster: Cluster, namespace: str, name: str) -> str:
    for kubelet in cluster.kubelets.values():
        for sandbox in kubelet.runtime.sandboxes.values():
            if (sandbox.config.namespace, sandbox.config.name) == (namespace, name):
                return sandbox.ip
    return ""


def pod_by_ip(cluster: Cluster, ip: str) -> str | None:
    """``"namespace/name"`` of the pod whose sandbox has ``ip`` (the runtimes know at once; the
    API server only once the kubelet has posted the pod's status)."""
    for kubelet in cluster.kubelets.values():
        for sandbox in kubelet.runtime.sandboxes.values():
            if sandbox.ip == ip and not sandbox.config.host_network:
                return f"{sandbox.config.namespace}/{sandbox.config.name}"
    return None


class ClusterNetwork:
    """The :class:`~k8s_internals.node.process.NetworkHook` the kubelets' runtimes use, so that
    ``wget`` and ``nslookup`` inside a container go through the same DNS, proxy rules and pod
    network as :func:`curl`."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def http(self, src_ip: str, url: str, request: HttpRequest) -> Any:
        from ..node.process import HttpResponse

        pod = pod_by_ip(self.cluster, src_ip)
        node = None if pod else next((s.name for s in self.cluster.node_specs
                                      if s.ip == src_ip), None)
        result = curl(self.cluster, url, from_pod=pod, from_node=node)
        if not result.ok:
            if "Could not resolve" in result.error:
                raise OSError(f"bad address '{urlsplit(url).hostname}'")
            raise ConnectionRefused(result.error.split(": ", 1)[-1])
        return HttpResponse(result.status or 200, result.body)

    def resolve(self, src_ip: str, name: str) -> list[str]:
        pod = pod_by_ip(self.cluster, src_ip)
        namespace = pod.split("/")[0] if pod else None
        return list(self.cluster.dns.resolve(name, namespace=namespace).addresses)

    def query(self, src_ip: str, name: str) -> DNSQuery:
        return self.cluster.dns.query(name)
