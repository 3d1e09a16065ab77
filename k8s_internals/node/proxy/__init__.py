"""kube-proxy: Services and EndpointSlices in, a node's packet path out.

- :mod:`.types` — ``ServicePortName``, service-port and endpoint info, ``Hop``;
- :mod:`.iptables` — iptables mode (the default): ``KUBE-SERVICES`` → ``KUBE-SVC-*`` →
  ``KUBE-SEP-*`` with DNAT, and a walk through the rules;
- :mod:`.ipvs` — IPVS mode: virtual servers, ``ipvsadm -Ln``;
- :mod:`.userspace` — the historical userspace mode (removed in Kubernetes 1.26);
- :mod:`.kube_proxy` — the component: informers, the bounded-frequency sync loop, one proxier.
"""

from .iptables import IptablesProxier
from .ipvs import IpvsProxier
from .kube_proxy import KubeProxy
from .types import EndpointInfo, Hop, ServicePortInfo, ServicePortName, destination
from .userspace import UserspaceProxier

__all__ = [
    "EndpointInfo",
    "Hop",
    "IptablesProxier",
    "IpvsProxier",
    "KubeProxy",
    "ServicePortInfo",
    "ServicePortName",
    "UserspaceProxier",
    "destination",
]
