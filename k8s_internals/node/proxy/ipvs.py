"""kube-proxy's IPVS mode: virtual servers in the kernel's load balancer instead of iptables
chains, and ``ipvsadm -Ln`` to look at them.

Port of the parts of ``pkg/proxy/ipvs/proxier.go`` (``syncProxyRules``, ``syncService``,
``syncEndpoint``) that decide *what* IPVS holds:

- one virtual server per Service port on its cluster IP, on each external IP, on each
  VIP-mode load-balancer ingress IP, and (for node ports) on each node address;
- every such address except the node's own is bound to the dummy interface ``kube-ipvs0`` so the
  node accepts packets for it (``ip addr show kube-ipvs0``);
- real servers are the Service's endpoints (``CategorizeEndpoints``: Local policy uses
  node-local ones), forwarding method ``Masq`` (NAT), weight 1; the default scheduler is ``rr``;
  ``sessionAffinity: ClientIP`` turns into the ``persistent <timeoutSeconds>`` flag;
- ipsets (``KUBE-CLUSTER-IP``, ``KUBE-LOOP-BACK``, ``KUBE-NODE-PORT-TCP``, ...) let a handful
  of iptables rules cover every Service: masquerade off-cluster sources and hairpin traffic.

``ipvsadm()`` prints what ``ipvsadm -Ln`` prints (``ipvsadm.c``: ``print_title``,
``print_service_entry`` with ``"%s  %s"`` / ``"  -> %-28s %-7s %-6d %-10u %-10u"``), services
sorted by libipvs' ``ipvs_cmp_services`` — which subtracts addresses as unsigned 32-bit numbers
and returns an ``int``, so ``10.96.x.x`` sorts *after* ``192.168.x.x`` — through glibc's
``qsort`` (a merge sort, reproduced here so the quirk shows as on a real node).

Simplifications: connection counters stay 0; ``route`` models the ``rr`` scheduler as "the next
real server after the last one chosen, in ``ipvsadm`` order" (the kernel walks its own list,
which kube-proxy fills from a Go set in random order); the ``ipset list`` text keeps only the
name, type, comment and members (no sizes or hash parameters); kube-proxy's iptables rules in
IPVS mode (``KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst ...``) are not generated,
only their effect (masquerade) is applied by ``route``.

Taught in notebooks/07-kube-proxy.ipynb.
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .types import (
    EndpointInfo,
    Hop,
    ServicePortInfo,
    ServicePortName,
    categorize_endpoints,
    endpoints_map,
    join_host_port,
    service_port_map,
)

__all__ = ["IpvsProxier", "RealServer", "VirtualServer", "glibc_qsort"]

#: ``IPPROTO_*`` numbers: ``ipvs_cmp_services`` compares protocols numerically
IPPROTO = {"TCP": 6, "UDP": 17, "SCTP": 132}
#: what ``ipvsadm`` prints for the protocol (``svc_name``)
PROTO_NAME = {"TCP": "TCP", "UDP": "UDP", "SCTP": "SCTP"}

KUBE_IPVS0 = "kube-ipvs0"

IPSET_COMMENTS = {
    "KUBE-LOOP-BACK": ("hash:ip,port,ip",
                       "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
    "KUBE-CLUSTER-IP": ("hash:ip,port", "Kubernetes service cluster ip + port for masquerade "
                        "purpose"),
    "KUBE-EXTERNAL-IP": ("hash:ip,port", "Kubernetes service external ip + port for masquerade "
                         "and filter purpose"),
    "KUBE-LOAD-BALANCER": ("hash:ip,port", "Kubernetes service lb portal"),
    "KUBE-NODE-PORT-TCP": ("bitmap:port", "Kubernetes nodeport TCP port for masquerade purpose"),
    "KUBE-NODE-PORT-UDP": ("bitmap:port", "Kubernetes nodeport UDP port for masquerade purpose"),
}

#: the ipset that marks each kind of external traffic for masquerade
_KIND_IPSET = {"NodePort": "KUBE-NODE-PORT-*", "ExternalIP": "KUBE-EXTERNAL-IP",
               "LoadBalancer": "KUBE-LOAD-BALANCER"}

T = TypeVar("T")


def glibc_qsort(items: list[T], cmp: Callable[[T, T], int]) -> list[T]:
    """glibc's ``qsort`` (``msort.c``: top-down merge sort, left element first on ties), so a
    comparator that is not a total order gives the same result as on a real machine."""
    n = len(items)
    if n <= 1:
        return list(items)
    left = glibc_qsort(items[:n // 2], cmp)
    right = glibc_qsort(items[n // 2:], cmp)
    out: list[T] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if cmp(left[i], right[j]) <= 0:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out + left[i:] + right[j:]


def _c_int_diff(a: int, b: int) -> int:
    """``int r = (uint32_t)a - (uint32_t)b``: the unsigned difference read as a signed int."""
    r = (a - b) & 0xFFFFFFFF
    return r - (1 << 32) if r & 0x80000000 else r


@dataclass
class RealServer:
    """``ipvsadm``'s ``-> RemoteAddress:Port Forward Weight ActiveConn InActConn`` line."""

    address: str
    port: int
    weight: int = 1
    forward: str = "Masq"
    active_conns: int = 0
    inactive_conns: int = 0
    endpoint: EndpointInfo | None = None

    @property
    def key(self) -> str:
        return join_host_port(self.address, self.port)


@dataclass
class VirtualServer:
    """One IPVS service: ``protocol address:port scheduler [persistent N]``."""

    protocol: str
    address: str
    port: int
    scheduler: str
    service: ServicePortName
    kind: str  # "ClusterIP" | "ExternalIP" | "LoadBalancer" | "NodePort"
    persistent: int = 0
    real_servers: list[RealServer] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.protocol, self.address, self.port)

    def line(self) -> str:
        """``print_service_entry``: ``"%s  %s"`` (name truncated at 33 characters), then the
        scheduler and flags."""
        name = f"{PROTO_NAME.get(self.protocol, self.protocol)}  "
        name += join_host_port(self.address, self.port)
        text = f"{name[:33]} {self.scheduler}"
        if self.persistent:
            text += f" persistent {self.persistent}"
        return text


def _cmp_services(a: VirtualServer, b: VirtualServer) -> int:
    """libipvs ``ipvs_cmp_services`` (IPv4): fwmark, af, protocol, address, port."""
    r = IPPROTO.get(a.protocol, 0) - IPPROTO.get(b.protocol, 0)
    if r:
        return r
    r = _c_int_diff(int(ipaddress.ip_address(a.address)), int(ipaddress.ip_address(b.address)))
    if r:
        return r
    return a.port - b.port


def _cmp_dests(a: RealServer, b: RealServer) -> int:
    """libipvs ``ipvs_cmp_dests``: address, then port."""
    r = _c_int_diff(int(ipaddress.ip_address(a.address)), int(ipaddress.ip_address(b.address)))
    return r if r else a.port - b.port


class IpvsProxier:
    """kube-proxy's IPVS ``Proxier`` on one node."""

    def __init__(self, *, scheduler: str = "rr", rng: random.Random | None = None,
                 topology_labels: Mapping[str, str] | None = None) -> None:
        self.scheduler = scheduler
        self.rng = rng or random.Random(0)
        self.topology_labels = dict(topology_labels or {})
        self.node_name = ""
        self.node_ips: list[str] = []
        self.cluster_cidr: str | None = None
        self.svc_port_map: dict[ServicePortName, ServicePortInfo] = {}
        self.endpoints_map: dict[ServicePortName, list[EndpointInfo]] = {}
        self.virtual_servers: dict[tuple[str, str, int], VirtualServer] = {}
        self.bound_addresses: list[str] = []
        self.ipsets: dict[str, list[str]] = {}
        self.syncs = 0
        self._rr_last: dict[tuple[str, str, int], str] = {}
        self._persist: dict[tuple[tuple[str, str, int], str], tuple[str, float]] = {}

    # -- sync ----------------------------------------------------------------------------------

    def sync(self, services: Iterable[Mapping[str, Any]],
             slices: Iterable[Mapping[str, Any]], node_name: str,
             node_ips: Iterable[str], cluster_cidr: str | None = None) -> None:
        """``syncProxyRules``: rebuild the virtual servers, their real servers, the addresses
        on ``kube-ipvs0`` and the ipsets."""
        self.node_name = node_name
        self.node_ips = list(node_ips)
        self.cluster_cidr = cluster_cidr
        self.svc_port_map = service_port_map(services)
        self.endpoints_map = endpoints_map(slices, node_name)
        self.syncs += 1
        vss: dict[tuple[str, str, int], VirtualServer] = {}
        bound: list[str] = []
        sets: dict[str, set[str]] = {name: set() for name in IPSET_COMMENTS}

        for spn in sorted(self.svc_port_map, key=lambda s: (str(s), s.protocol)):
            svc = self.svc_port_map[spn]
            proto = svc.protocol
            lproto = proto.lower()
            cluster, local, _, _ = categorize_endpoints(
                self.endpoints_map.get(spn, []), svc, node_name, self.topology_labels)
            internal = local if svc.internal_policy_local else cluster
            external = local if svc.external_policy_local else cluster
            persistent = svc.sticky_max_age_seconds if svc.session_affinity == "ClientIP" else 0

            def add(address: str, port: int, kind: str, eps: list[EndpointInfo] | None,
                    bind: bool, spn: ServicePortName = spn, proto: str = proto,
                    persistent: int = persistent) -> None:
                vs = VirtualServer(proto, address, port, self.scheduler, spn, kind, persistent)
                vs.real_servers = [RealServer(e.ip, e.port, endpoint=e) for e in eps or []]
                vs.real_servers = glibc_qsort(vs.real_servers, _cmp_dests)
                vss[vs.key] = vs
                if bind and address not in bound:
                    bound.append(address)

            add(svc.cluster_ip, svc.port, "ClusterIP", internal, True)
            sets["KUBE-CLUSTER-IP"].add(f"{svc.cluster_ip},{lproto}:{svc.port}")
            for ip in svc.external_ips:
                add(ip, svc.port, "ExternalIP", external, ip not in self.node_ips)
                sets["KUBE-EXTERNAL-IP"].add(f"{ip},{lproto}:{svc.port}")
            for ip in svc.load_balancer_vips:
                add(ip, svc.port, "LoadBalancer", external, True)
                sets["KUBE-LOAD-BALANCER"].add(f"{ip},{lproto}:{svc.port}")
            if svc.node_port:
                for ip in self.node_ips:
                    add(ip, svc.node_port, "NodePort", external, False)
                if f"KUBE-NODE-PORT-{proto}" in sets:
                    sets[f"KUBE-NODE-PORT-{proto}"].add(str(svc.node_port))
            for e in cluster or []:
                if e.is_local:  # hairpin: a pod reaching itself through the Service
                    sets["KUBE-LOOP-BACK"].add(f"{e.ip},{lproto}:{e.port},{e.ip}")
        self.virtual_servers = vss
        self.bound_addresses = bound
        self.ipsets = {name: sorted(members) for name, members in sets.items()}
        live = set(vss)
        self._rr_last = {k: v for k, v in self._rr_last.items() if k in live}

    # -- views ---------------------------------------------------------------------------------

    def sorted_virtual_servers(self) -> list[VirtualServer]:
        """In ``ipvsadm`` order (libipvs comparator through glibc's qsort)."""
        return glibc_qsort(list(self.virtual_servers.values()), _cmp_services)

    def ipvsadm(self) -> str:
        """``ipvsadm -Ln``."""
        lines = ["IP Virtual Server version 1.2.1 (size=4096)",
                 "Prot LocalAddress:Port Scheduler Flags",
                 "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"]
        for vs in self.sorted_virtual_servers():
            lines.append(vs.line())
            for rs in vs.real_servers:
                dname = rs.key[:28]
                lines.append(f"  -> {dname:<28} {rs.forward:<7} {rs.weight:<6d} "
                             f"{rs.active_conns:<10d} {rs.inactive_conns:<10d}")
        return "\n".join(lines) + "\n"

    def ip_addr_show(self) -> str:
        """``ip addr show kube-ipvs0``: the dummy interface holding every service address."""
        mac = hashlib.sha256(self.node_name.encode()).hexdigest()[:10]
        mac = "6e:" + ":".join(mac[i:i + 2] for i in range(0, 10, 2))
        lines = [f"5: {KUBE_IPVS0}: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group "
                 "default ",
                 f"    link/ether {mac} brd ff:ff:ff:ff:ff:ff"]
        for ip in self.bound_addresses:
            lines.append(f"    inet {ip}/32 scope global {KUBE_IPVS0}")
            lines.append("       valid_lft forever preferred_lft forever")
        return "\n".join(lines) + "\n"

    def ipset_list(self) -> str:
        """``ipset list`` for kube-proxy's sets (simplified header)."""
        out: list[str] = []
        for name, members in self.ipsets.items():
            kind, comment = IPSET_COMMENTS[name]
            out += [f"Name: {name}", f"Type: {kind}", f'Header: comment "{comment}"',
                    f"Number of entries: {len(members)}", "Members:", *members, ""]
        return "\n".join(out)

    # -- the kernel's path ---------------------------------------------------------------------

    def _choose(self, vs: VirtualServer, client: str, now: float) -> tuple[RealServer, bool]:
        """The scheduler's pick, and whether a persistence template decided it."""
        if vs.persistent:
            key = (vs.key, client)
            hit = self._persist.get(key)
            if hit is not None and now < hit[1]:
                rs = next((r for r in vs.real_servers if r.key == hit[0]), None)
                if rs is not None:
                    self._persist[key] = (rs.key, now + vs.persistent)
                    return rs, True
        order = [r.key for r in vs.real_servers]
        last = self._rr_last.get(vs.key)
        idx = (order.index(last) + 1) % len(order) if last in order else 0
        rs = vs.real_servers[idx]
        self._rr_last[vs.key] = rs.key
        if vs.persistent:
            self._persist[(vs.key, client)] = (rs.key, now + vs.persistent)
        return rs, False

    def route(self, dst_ip: str, dst_port: int, protocol: str = "TCP", src_ip: str = "",
              rng: random.Random | None = None, *, now: float = 0.0) -> list[Hop]:
        """The path of a new connection: is there a virtual server for ``protocol
        dst_ip:dst_port``? Then the scheduler picks a real server (``rr``: the next one) and
        IPVS rewrites the destination (Masq = NAT). ``rng`` is accepted for symmetry with the
        iptables mode; ``rr`` needs no randomness."""
        del rng
        src = src_ip or (self.node_ips[0] if self.node_ips else "127.0.0.1")
        proto = protocol.upper()
        dst = join_host_port(dst_ip, int(dst_port))
        hops = [Hop("kernel", "interface", "send", f"{proto} {src} → {dst}", src=src, dst=dst)]
        vs = self.virtual_servers.get((proto, dst_ip, int(dst_port)))
        if vs is None:
            hops.append(Hop("kernel", "routing", "deliver",
                            f"no IPVS virtual server for {proto} {dst}: routed as addressed",
                            src=src, dst=dst))
            return hops
        if dst_ip in self.bound_addresses:
            hops.append(Hop("kernel", KUBE_IPVS0, "local",
                            f"{dst_ip} is an address of {KUBE_IPVS0}: the packet is for this "
                            "node, so it reaches IPVS (LOCAL_IN)", src=src, dst=dst))
        hops.append(Hop("ipvs", vs.line(), "match",
                        f"virtual server for {vs.kind} of {vs.service} "
                        f"({len(vs.real_servers)} real servers)", src=src, dst=dst))
        if not vs.real_servers:
            hops.append(Hop("ipvs", vs.line(), "reject",
                            "no real server: ICMP port unreachable, the client sees "
                            "'connection refused'", src=src, dst=dst))
            return hops
        rs, sticky = self._choose(vs, src, now)
        why = (f"persistent: {src} was sent here less than {vs.persistent}s ago" if sticky
               else vs.scheduler)
        hops.append(Hop("ipvs", vs.line(), "schedule",
                        f"{why} → {rs.key} ({rs.forward}, weight {rs.weight})",
                        src=src, dst=rs.key))
        new_src = src
        masq = self._masquerade_reason(src, rs, vs)
        if masq:
            new_src = self.node_ips[0] if self.node_ips else src
            hops.append(Hop("iptables", "nat/KUBE-POSTROUTING", "masquerade",
                            f"source {src} → {new_src} ({masq})", src=new_src, dst=rs.key))
        hops.append(Hop("kernel", "routing", "deliver",
                        f"to {rs.key} via the pod network (source {new_src})",
                        src=new_src, dst=rs.key))
        return hops

    def _masquerade_reason(self, src: str, rs: RealServer, vs: VirtualServer) -> str:
        """What kube-proxy's ipset-based iptables rules would mark for masquerade."""
        if src == rs.address:
            return "KUBE-LOOP-BACK: hairpin, a pod reaching itself"
        if vs.kind != "ClusterIP" and not self._local_policy(vs):
            return f"{vs.kind} traffic ({_KIND_IPSET[vs.kind]})"
        if self.cluster_cidr:
            try:
                inside = ipaddress.ip_address(src) in ipaddress.ip_network(self.cluster_cidr,
                                                                           strict=False)
            except ValueError:
                inside = False
            if not inside:
                return "KUBE-CLUSTER-IP from outside the pod CIDR"
        return ""

    def _local_policy(self, vs: VirtualServer) -> bool:
        svc = self.svc_port_map.get(vs.service)
        return bool(svc and svc.external_policy_local)
