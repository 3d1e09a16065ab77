"""What every proxy mode starts from: Services and EndpointSlices turned into
``ServicePortName → service port info`` and ``ServicePortName → [endpoint]``.

Upstream files (``pkg/proxy/``; shapes copied, code rewritten):

- ``types.go`` — :class:`ServicePortName` (namespace/name, port name, protocol) and its
  ``String()``: ``"ns/name:port"``, or ``"ns/name"`` for an unnamed port.
- ``serviceport.go`` — ``BaseServicePortInfo`` (here :class:`ServicePortInfo`) and
  ``newBaseServiceInfo``: cluster IP by IP family, external IPs, VIP-mode load-balancer
  ingress IPs, source ranges (whitespace trimmed), session affinity timeout, the health-check
  node port, and the traffic-policy helpers ``ExternallyAccessible`` / ``UsesClusterEndpoints``
  / ``UsesLocalEndpoints``.
- ``servicechangetracker.go`` — ``serviceToServiceMap`` (here :func:`service_port_map`): skip
  Services without a cluster IP (headless, ``None``) and ``ExternalName`` Services; one entry per
  ``spec.ports[]``.
- ``endpointslicecache.go`` — ``endpointInfoByServicePort`` / ``addEndpoints`` /
  ``endpointsMapFromEndpointInfo`` (here :func:`endpoints_map`): slices are grouped by the
  ``kubernetes.io/service-name`` label, one endpoint per unique ``ip:port`` (a terminating
  duplicate never replaces a serving one), conditions default to ready/serving when unset,
  ``isLocal`` is ``nodeName == this node``, and each list is sorted by ``"ip:port"`` *as a
  string*, as upstream's ``byEndpoint``.
- ``topology.go`` — ``CategorizeEndpoints`` (here :func:`categorize_endpoints`): Ready endpoints,
  falling back to serving-terminating ones, split into Cluster and Local sets, with topology
  hints.
- ``pkg/api/v1/service/util.go`` — ``ExternallyAccessible``, ``ExternalPolicyLocal``,
  ``InternalPolicyLocal``, ``NeedsHealthCheck``.

Simplification: upstream keeps *change trackers* and applies only what changed since the last
sync; the simulator recomputes both maps from the informer caches on every sync, which gives the
same maps. IPv4 only.

Also here: :class:`Hop`, one step of a packet's path as :meth:`route` methods of the proxiers
(and :mod:`k8s_internals.node.dns`) report it, for ``cluster.curl(...)``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EndpointInfo",
    "Hop",
    "ServicePortInfo",
    "ServicePortName",
    "categorize_endpoints",
    "destination",
    "endpoints_map",
    "join_host_port",
    "service_port_map",
]

#: ``discovery.LabelServiceName``
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
#: ``v1.LabelTopologyZone``
LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone"


# -- names --------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ServicePortName:
    """``proxy.ServicePortName``: a Service (namespace/name), one of its port names, and the
    port's protocol. The protocol is part of the key: the same port name cannot be reused, but a
    Service may serve port 53 over TCP and UDP under two names."""

    namespace: str
    name: str
    port: str = ""
    protocol: str = "TCP"

    def __str__(self) -> str:
        """``ServicePortName.String()``: ``"ns/name:port"`` (``fmtPortName`` drops an empty
        port name and its colon)."""
        base = f"{self.namespace}/{self.name}"
        return f"{base}:{self.port}" if self.port else base

    @property
    def namespaced_name(self) -> str:
        return f"{self.namespace}/{self.name}"


def join_host_port(ip: str, port: int) -> str:
    """``net.JoinHostPort``: IPv6 addresses get brackets."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def _ip_family(ip: str) -> str:
    try:
        return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"
    except ValueError:
        return ""


# -- services -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServicePortInfo:
    """``proxy.BaseServicePortInfo``: what a proxier needs to know about one Service port."""

    cluster_ip: str
    port: int
    protocol: str
    node_port: int = 0
    load_balancer_vips: tuple[str, ...] = ()
    session_affinity: str = "None"
    sticky_max_age_seconds: int = 0
    external_ips: tuple[str, ...] = ()
    load_balancer_source_ranges: tuple[str, ...] = ()
    health_check_node_port: int = 0
    external_policy_local: bool = False
    internal_policy_local: bool = False
    hints_annotation: str = ""
    #: not in upstream's struct: the Service's ``targetPort`` (for explanations only)
    target_port: Any = None
    #: not in upstream's struct: the Service type (for explanations only)
    service_type: str = "ClusterIP"

    def __str__(self) -> str:
        """``BaseServicePortInfo.String()``: ``"IP:port/PROTOCOL"``."""
        return f"{self.cluster_ip}:{self.port}/{self.protocol}"

    def externally_accessible(self) -> bool:
        """Reachable through something other than the cluster IP (NodePort, external IP, LB)."""
        return bool(self.node_port or self.load_balancer_vips or self.external_ips)

    def uses_cluster_endpoints(self) -> bool:
        """Needs the "Cluster" endpoint set (even with externalTrafficPolicy Local, for the
        short-circuit of traffic from inside the cluster)."""
        return not self.internal_policy_local or self.externally_accessible()

    def uses_local_endpoints(self) -> bool:
        return self.internal_policy_local or (self.external_policy_local
                                              and self.externally_accessible())


def _externally_accessible(spec: Mapping[str, Any]) -> bool:
    """``apiservice.ExternallyAccessible``."""
    t = spec.get("type") or "ClusterIP"
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP"
                                                 and bool(spec.get("externalIPs")))


def _external_policy_local(spec: Mapping[str, Any]) -> bool:
    return _externally_accessible(spec) and spec.get("externalTrafficPolicy") == "Local"


def _internal_policy_local(spec: Mapping[str, Any]) -> bool:
    return spec.get("internalTrafficPolicy") == "Local"


def _needs_health_check(spec: Mapping[str, Any]) -> bool:
    return (spec.get("type") or "ClusterIP") == "LoadBalancer" and _external_policy_local(spec)


def should_skip_service(service: Mapping[str, Any]) -> bool:
    """``proxyutil.ShouldSkipService``: no cluster IP (``""`` or ``"None"``) or ExternalName."""
    spec = service.get("spec", {})
    if spec.get("clusterIP", "") in ("", "None"):
        return True
    return spec.get("type") == "ExternalName"


def cluster_ip_by_family(service: Mapping[str, Any], family: str = "IPv4") -> str:
    """``proxyutil.GetClusterIPByFamily``."""
    spec = service.get("spec", {})
    families = spec.get("ipFamilies") or []
    if not families:
        ip = spec.get("clusterIP", "")
        if not ip or ip == "None":
            return ""
        return ip if _ip_family(ip) == family else ""
    ips = spec.get("clusterIPs") or []
    for idx, fam in enumerate(families):
        if fam == family and idx < len(ips):
            return str(ips[idx])
    return ""


def new_service_port_info(service: Mapping[str, Any], port: Mapping[str, Any],
                          family: str = "IPv4") -> ServicePortInfo:
    """``newBaseServiceInfo``."""
    spec = service.get("spec", {})
    status = service.get("status", {}) or {}
    sticky = 0
    if spec.get("sessionAffinity") == "ClientIP":
        # the API server defaults timeoutSeconds to 10800 (3 hours)
        sticky = int(((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {})
                     .get("timeoutSeconds", 10800))
    ext = tuple(ip for ip in (spec.get("externalIPs") or []) if _ip_family(ip) == family)
    ranges: list[str] = []
    for cidr in spec.get("loadBalancerSourceRanges") or []:
        cidr = cidr.strip()  # proxyutil.MapCIDRsByIPFamily trims whitespace
        try:
            net = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            continue
        if ("IPv6" if net.version == 6 else "IPv4") == family:
            ranges.append(str(net))
    vips: list[str] = []
    for ing in (status.get("loadBalancer") or {}).get("ingress") or []:
        ip = ing.get("ip", "")
        if not ip:
            continue
        if ing.get("ipMode", "VIP") != "VIP":  # proxyutil.IsVIPMode: "Proxy" LBs are skipped
            continue
        if _ip_family(ip) == family:
            vips.append(ip)
    hc = int(spec.get("healthCheckNodePort") or 0) if _needs_health_check(spec) else 0
    annotations = (service.get("metadata", {}).get("annotations") or {})
    hints = annotations.get("service.kubernetes.io/topology-aware-hints",
                            annotations.get("service.kubernetes.io/topology-mode", ""))
    return ServicePortInfo(
        cluster_ip=cluster_ip_by_family(service, family),
        port=int(port.get("port", 0)),
        protocol=port.get("protocol") or "TCP",
        node_port=int(port.get("nodePort") or 0),
        load_balancer_vips=tuple(vips),
        session_affinity=spec.get("sessionAffinity") or "None",
        sticky_max_age_seconds=sticky,
        external_ips=ext,
        load_balancer_source_ranges=tuple(ranges),
        health_check_node_port=hc,
        external_policy_local=_external_policy_local(spec),
        internal_policy_local=_internal_policy_local(spec),
        hints_annotation=hints,
        target_port=port.get("targetPort", port.get("port")),
        service_type=spec.get("type") or "ClusterIP",
    )


def service_port_map(services: Iterable[Mapping[str, Any]],
                     family: str = "IPv4") -> dict[ServicePortName, ServicePortInfo]:
    """``ServiceChangeTracker.serviceToServiceMap`` over every Service, merged: the
    ``svcPortMap`` a proxier holds after applying all changes."""
    out: dict[ServicePortName, ServicePortInfo] = {}
    for svc in services:
        if should_skip_service(svc) or not cluster_ip_by_family(svc, family):
            continue
        meta = svc.get("metadata", {})
        for port in svc.get("spec", {}).get("ports") or []:
            spn = ServicePortName(meta.get("namespace", ""), meta.get("name", ""),
                                  port.get("name", "") or "", port.get("protocol") or "TCP")
            out[spn] = new_service_port_info(svc, port, family)
    return out


# -- endpoints ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointInfo:
    """``proxy.BaseEndpointInfo``: one ``ip:port`` behind a Service port."""

    ip: str
    port: int
    is_local: bool = False
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    zone_hints: frozenset[str] = frozenset()
    node_hints: frozenset[str] = frozenset()
    #: not in upstream's struct (for explanations): where the endpoint runs and what it is
    node_name: str = field(default="", compare=False)
    target: str = field(default="", compare=False)
    hostname: str = field(default="", compare=False)

    def __str__(self) -> str:
        """``BaseEndpointInfo.String()``: ``net.JoinHostPort(ip, port)``."""
        return join_host_port(self.ip, self.port)


def _slice_service_key(es: Mapping[str, Any]) -> tuple[str, str] | None:
    """``endpointSliceCacheKeys``: the owning Service comes from the label."""
    meta = es.get("metadata", {})
    svc = (meta.get("labels") or {}).get(LABEL_SERVICE_NAME, "")
    if not svc or not meta.get("namespace") or not meta.get("name"):
        return None
    return meta["namespace"], svc


def endpoints_map(slices: Iterable[Mapping[str, Any]], node_name: str = "",
                  family: str = "IPv4") -> dict[ServicePortName, list[EndpointInfo]]:
    """The ``EndpointsMap`` a proxier holds once every slice is applied
    (``endpointInfoByServicePort`` + ``endpointsMapFromEndpointInfo``).

    One leniency: a slice port without ``name`` counts as the unnamed port ``""`` (upstream
    ignores a nil name; its EndpointSlice controller always writes ``"name": ""``).
    """
    by_sp: dict[ServicePortName, dict[str, EndpointInfo]] = {}
    for es in slices:
        key = _slice_service_key(es)
        if key is None:
            continue
        address_type = es.get("addressType", "IPv4")
        if address_type != family:  # FQDN slices and the other family are ignored
            continue
        for port in es.get("ports") or []:
            num = port.get("port")
            if not num:
                continue  # "Ignoring invalid endpoint port"
            spn = ServicePortName(key[0], key[1], port.get("name") or "",
                                  port.get("protocol") or "TCP")
            epset = by_sp.setdefault(spn, {})
            for ep in es.get("endpoints") or []:
                addrs = ep.get("addresses") or []
                if not addrs:
                    continue
                cond = ep.get("conditions") or {}
                ready = cond.get("ready") is None or bool(cond.get("ready"))
                serving = cond.get("serving") is None or bool(cond.get("serving"))
                terminating = bool(cond.get("terminating"))
                node = ep.get("nodeName") or ""
                hints = ep.get("hints") or {}
                zones = frozenset(z["name"] for z in hints.get("forZones") or [])
                nodes = frozenset(n["name"] for n in hints.get("forNodes") or [])
                ref = ep.get("targetRef") or {}
                try:
                    ip = str(ipaddress.ip_address(addrs[0]))
                except ValueError:
                    continue
                info = EndpointInfo(
                    ip=ip, port=int(num),
                    is_local=bool(node_name) and node == node_name,
                    ready=ready, serving=serving, terminating=terminating,
                    zone_hints=zones, node_hints=nodes, node_name=node,
                    target=(f"{ref.get('kind', 'Pod')}/{ref.get('namespace', key[0])}/"
                            f"{ref['name']}" if ref.get("name") else ""),
                    hostname=ep.get("hostname") or "")
                s = str(info)
                if s not in epset or not terminating:
                    epset[s] = info
    return {spn: sorted(eps.values(), key=str) for spn, eps in by_sp.items() if eps}


def _topology_mode(endpoints: list[EndpointInfo], node_name: str, zone: str) -> str:
    """``topologyModeFromHints`` (with PreferSameTrafficDistribution enabled)."""
    has_node = False
    all_node_hints = True
    has_zone = False
    all_zone_hints = True
    for ep in endpoints:
        if not ep.ready:
            continue
        if not ep.node_hints:
            all_node_hints = False
        elif node_name in ep.node_hints:
            has_node = True
        if not ep.zone_hints:
            all_zone_hints = False
        elif zone in ep.zone_hints:
            has_zone = True
    if all_node_hints and has_node:
        return "PreferSameNode"
    if all_zone_hints and has_zone:
        return "PreferSameZone"
    return ""


def _available_for_topology(ep: EndpointInfo, mode: str, node_name: str, zone: str) -> bool:
    if mode == "":
        return True
    if mode == "PreferSameNode":
        return node_name in ep.node_hints
    if mode == "PreferSameZone":
        return zone in ep.zone_hints
    return False


def categorize_endpoints(
    endpoints: list[EndpointInfo], svc: ServicePortInfo, node_name: str,
    topology_labels: Mapping[str, str] | None = None,
) -> tuple[list[EndpointInfo] | None, list[EndpointInfo] | None, list[EndpointInfo], bool]:
    """``CategorizeEndpoints``: ``(cluster, local, all_reachable, has_any)``.

    ``cluster`` is ``None`` when the Service never uses Cluster policy, ``local`` is ``None``
    when it never uses Local policy.
    """
    cluster: list[EndpointInfo] | None = None
    local: list[EndpointInfo] | None = None
    has_any = False
    mode = ""
    use_serving_terminating = False
    zone = (topology_labels or {}).get(LABEL_TOPOLOGY_ZONE, "")
    if svc.uses_cluster_endpoints():
        mode = _topology_mode(endpoints, node_name, zone)
        cluster = [ep for ep in endpoints
                   if ep.ready and _available_for_topology(ep, mode, node_name, zone)]
        if not cluster:
            cluster = [ep for ep in endpoints if ep.serving and ep.terminating]
        if cluster:
            has_any = True
    if not svc.uses_local_endpoints():
        return cluster, local, list(cluster or []), has_any
    has_local_ready = has_local_st = False
    for ep in endpoints:
        if ep.ready:
            has_any = True
            has_local_ready = has_local_ready or ep.is_local
        elif ep.serving and ep.terminating:
            has_any = True
            has_local_st = has_local_st or ep.is_local
    if has_local_ready:
        local = [ep for ep in endpoints if ep.is_local and ep.ready]
    elif has_local_st:
        use_serving_terminating = True
        local = [ep for ep in endpoints if ep.is_local and ep.serving and ep.terminating]
    else:
        local = []
    if not svc.uses_cluster_endpoints():
        return cluster, local, list(local), has_any
    if mode == "" and not use_serving_terminating:
        return cluster, local, list(cluster or []), has_any
    merged: dict[str, EndpointInfo] = {}
    for ep in (cluster or []) + local:
        merged[str(ep)] = ep
    # upstream builds this list from a Go map (random order); sorted here
    return cluster, local, sorted(merged.values(), key=str), has_any


# -- hops ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hop:
    """One step of a packet's (or a DNS query's) path.

    ``component`` is who acted (``"iptables"``, ``"ipvs"``, ``"kube-proxy"``, ``"kernel"``,
    ``"dns"``); ``where`` is the place (``"nat/KUBE-SERVICES"``, ``"TCP 10.96.0.10:80"``);
    ``action`` is what happened (``"jump"``, ``"dnat"``, ``"random"``, ``"mark"``,
    ``"masquerade"``, ``"reject"``, ``"drop"``, ``"schedule"``, ``"redirect"``, ``"proxy"``,
    ``"deliver"``, ``"query"``, ...); ``rule`` is the rule text that matched, if any; ``src`` and
    ``dst`` are the packet's addresses after this step.
    """

    component: str
    where: str
    action: str
    detail: str = ""
    rule: str = ""
    src: str = ""
    dst: str = ""

    def describe(self) -> str:
        """One line, e.g. ``[iptables nat/KUBE-SEP-X] dnat: 10.96.0.10:80 → 10.244.1.5:8080``."""
        text = f"[{self.component} {self.where}] {self.action}"
        return f"{text}: {self.detail}" if self.detail else text


def destination(hops: list[Hop]) -> str | None:
    """The ``ip:port`` the packet was delivered to, or ``None`` if it was dropped/rejected."""
    if hops and hops[-1].action == "deliver":
        return hops[-1].dst
    return None
