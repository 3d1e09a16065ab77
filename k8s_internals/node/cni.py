"""Pod networking on one node: the CNI ``bridge`` plugin with ``host-local`` IPAM.

How a pod gets its IP on a real node: the kubelet asks the container runtime for a sandbox
(``RunPodSandbox``); containerd creates the network namespace and runs the CNI plugins named in
``/etc/cni/net.d/*.conflist`` with ``CNI_COMMAND=ADD``. The ``bridge`` plugin creates a veth
pair — one end (``eth0``) moved into the pod's namespace, the other (``vethXXXXXXXX``) attached
to the node's bridge ``cni0`` — and delegates the address to ``host-local`` IPAM, which hands out
addresses from the node's pod CIDR:

- the gateway is the first address (``10.244.1.1``, the bridge's own address), pods get
  ``.2``, ``.3``, ... up to ``.254`` (``.255`` is the broadcast address);
- allocation is round-robin: it continues after the last reserved address
  (``/var/lib/cni/networks/<net>/last_reserved_ip.0``), so a released address is reused only
  after the range wraps around;
- an exhausted range fails with host-local's ``no IP addresses available in range set``.

The pod CIDR comes from ``node.spec.podCIDR`` (the node-ipam controller, or the kubelet's
``--pod-cidr``); until the runtime has it, no CNI config exists and containerd reports
``NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni
plugin not initialized`` — what makes a fresh node ``NotReady``.

Upstream: ``containernetworking/plugins`` ``plugins/main/bridge/bridge.go`` and
``plugins/ipam/host-local/backend/allocator/allocator.go`` (``Get``, ``GetIter``,
``Release``); containerd's CRI ``conf_template`` writes the conflist from the pod CIDR.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CNI_NOT_INITIALIZED",
    "Attachment",
    "BridgeNetwork",
    "HostLocalIPAM",
    "IPAMError",
]

#: containerd's NetworkReady=false message before a CNI config exists
CNI_NOT_INITIALIZED = "Network plugin returns error: cni plugin not initialized"
CNI_VERSION = "1.0.0"
NETWORK_NAME = "cbr0"
BRIDGE = "cni0"


class IPAMError(Exception):
    """What the IPAM plugin answers (the runtime wraps it in its CNI error text)."""


def _hex(text: str, n: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def _mac(text: str) -> str:
    h = _hex(text, 10)
    return "be:" + ":".join(h[i:i + 2] for i in range(0, 10, 2))


class HostLocalIPAM:
    """``host-local``: addresses from one subnet, round-robin, gateway excluded."""

    def __init__(self, subnet: str, *, gateway: str | None = None,
                 range_start: str | None = None, range_end: str | None = None) -> None:
        self.subnet = ipaddress.ip_network(subnet, strict=False)
        hosts_first = self.subnet.network_address + 1
        hosts_last = self.subnet.broadcast_address - 1
        self.gateway = ipaddress.ip_address(gateway) if gateway else hosts_first
        self.range_start = ipaddress.ip_address(range_start) if range_start else hosts_first
        self.range_end = ipaddress.ip_address(range_end) if range_end else hosts_last
        self.last_reserved: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
        self.allocated: dict[str, tuple[str, str]] = {}

    @property
    def range_set(self) -> str:
        return f"{self.range_start}-{self.range_end}"

    def allocate(self, container_id: str, ifname: str = "eth0") -> str:
        """Reserve the next free address for ``container_id``; returns ``"10.244.1.2/24"``."""
        for ip, owner in self.allocated.items():
            if owner == (container_id, ifname):
                return f"{ip}/{self.subnet.prefixlen}"
        size = int(self.range_end) - int(self.range_start) + 1
        start = self.range_start
        if self.last_reserved is not None and self.range_start <= self.last_reserved < \
                self.range_end:
            start = self.last_reserved + 1
        offset = int(start) - int(self.range_start)
        for k in range(size):
            ip = self.range_start + ((offset + k) % size)
            if ip == self.gateway or str(ip) in self.allocated:
                continue
            self.allocated[str(ip)] = (container_id, ifname)
            self.last_reserved = ip
            return f"{ip}/{self.subnet.prefixlen}"
        raise IPAMError(f"failed to allocate for range 0: no IP addresses available in range "
                        f"set: {self.range_set}")

    def release(self, container_id: str, ifname: str = "eth0") -> str | None:
        """Release what ``container_id`` holds (idempotent, as CNI DEL must be)."""
        for ip, owner in list(self.allocated.items()):
            if owner == (container_id, ifname):
                del self.allocated[ip]
                return ip
        return None


@dataclass
class Attachment:
    """One pod's attachment to the bridge (what CNI ADD created)."""

    container_id: str
    pod: str
    ip: str
    host_veth: str
    mac: str
    netns: str
    result: dict[str, Any] = field(default_factory=dict)


class BridgeNetwork:
    """The node's pod network: the ``cni0`` bridge, veth pairs, host-local IPAM."""

    def __init__(self, node_name: str) -> None:
        self.node_name = node_name
        self.pod_cidr = ""
        self.ipam: HostLocalIPAM | None = None
        self.attachments: dict[str, Attachment] = {}

    # -- configuration -----------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self.ipam is not None

    def configure(self, pod_cidr: str) -> bool:
        """Write the CNI config for ``pod_cidr`` (containerd's ``conf_template``). Returns True
        if something changed. Existing attachments keep their addresses."""
        if pod_cidr == self.pod_cidr:
            return False
        self.pod_cidr = pod_cidr
        old = self.ipam
        self.ipam = HostLocalIPAM(pod_cidr)
        if old is not None:
            for ip, owner in old.allocated.items():
                if ipaddress.ip_address(ip) in self.ipam.subnet:
                    self.ipam.allocated[ip] = owner
        return True

    def conflist(self) -> dict[str, Any]:
        """``/etc/cni/net.d/10-containerd-net.conflist``."""
        return {
            "cniVersion": CNI_VERSION,
            "name": NETWORK_NAME,
            "plugins": [
                {"type": "bridge", "bridge": BRIDGE, "isGateway": True, "ipMasq": True,
                 "promiscMode": True, "ipam": {
                     "type": "host-local", "ranges": [[{"subnet": self.pod_cidr}]],
                     "routes": [{"dst": "0.0.0.0/0"}]}},
                {"type": "portmap", "capabilities": {"portMappings": True}},
            ],
        }

    # -- CNI ADD / DEL -----------------------------------------------------------------------

    def add(self, container_id: str, pod: str, ifname: str = "eth0") -> Attachment:
        """``CNI_COMMAND=ADD``: veth pair + address. Raises :class:`IPAMError`."""
        if self.ipam is None:
            raise IPAMError(CNI_NOT_INITIALIZED)
        existing = self.attachments.get(container_id)
        if existing is not None:
            return existing
        address = self.ipam.allocate(container_id, ifname)
        ip = address.split("/")[0]
        veth = "veth" + _hex(container_id, 8)
        netns = "/var/run/netns/cni-" + _uuid(container_id)
        mac = _mac(container_id + ifname)
        result = {
            "cniVersion": CNI_VERSION,
            "interfaces": [
                {"name": BRIDGE, "mac": _mac(self.node_name + BRIDGE)},
                {"name": veth, "mac": _mac(container_id + veth)},
                {"name": ifname, "mac": mac, "sandbox": netns},
            ],
            "ips": [{"address": address, "gateway": str(self.ipam.gateway), "interface": 2}],
            "routes": [{"dst": "0.0.0.0/0"}],
            "dns": {},
        }
        att = Attachment(container_id, pod, ip, veth, mac, netns, result)
        self.attachments[container_id] = att
        return att

    def delete(self, container_id: str, ifname: str = "eth0") -> None:
        """``CNI_COMMAND=DEL`` (idempotent)."""
        self.attachments.pop(container_id, None)
        if self.ipam is not None:
            self.ipam.release(container_id, ifname)

    # -- for teaching ------------------------------------------------------------------------

    def describe(self) -> str:
        """The node's pod network as ``ip`` would show it (bridge, veths, routes)."""
        if self.ipam is None:
            return f"{self.node_name}: no CNI config ({CNI_NOT_INITIALIZED})\n"
        prefix = self.ipam.subnet.prefixlen
        lines = [f"{BRIDGE}: bridge {self.ipam.gateway}/{prefix} "
                 f"(host-local range {self.ipam.range_set})"]
        for att in sorted(self.attachments.values(), key=lambda a: ipaddress.ip_address(a.ip)):
            lines.append(f"  {att.host_veth}@if2 master {BRIDGE}  <->  eth0 {att.ip}/{prefix} "
                         f"in {att.netns} ({att.pod})")
        lines.append(f"route: {self.ipam.subnet} dev {BRIDGE} proto kernel scope link "
                     f"src {self.ipam.gateway}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps(self.conflist(), indent=2)


def _uuid(text: str) -> str:
    h = _hex(text, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
