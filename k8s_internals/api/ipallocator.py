"""Service ClusterIP allocation, as the Service REST storage does at create time
(``pkg/registry/core/service/ipallocator/``, ``--service-cluster-ip-range=10.96.0.0/12``).

- the first address of the range (``10.96.0.1``) is reserved for the ``kubernetes`` Service;
- a Service that asks for a specific ``clusterIP`` gets it, or ``422`` ``provided IP is already
  allocated`` / ``provided IP is not in the valid range``;
- otherwise an address is picked at random (upstream's bitmap allocator scans from a random
  offset), here with the simulation's seeded RNG so addresses are the same on every run;
- ``clusterIP: None`` makes a headless Service (no address).

The set of used addresses is rebuilt from the stored Services, so it survives restarts on a real
etcd. NodePorts (``30000-32767``) are allocated the same way for ``NodePort`` and
``LoadBalancer`` Services (``pkg/registry/core/service/portallocator/``).

Taught in notebooks/07-kube-proxy.ipynb.
"""

from __future__ import annotations

import ipaddress
from random import Random
from typing import Any

from . import errors

__all__ = ["NODE_PORT_RANGE", "SERVICE_CIDR", "allocate_service"]

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORT_RANGE = (30000, 32767)


def _invalid(name: str, field: str, value: Any, detail: str) -> errors.StatusError:
    msg = f"Invalid value: \"{value}\": {detail}" if isinstance(value, str) else \
        f"Invalid value: {value}: {detail}"
    return errors.invalid("", "Service", name, [{"reason": "FieldValueInvalid", "message": msg,
                                                 "field": field}], [f"{field}: {msg}"])


def allocate_service(svc: dict[str, Any], existing: list[dict[str, Any]], rng: Random) -> None:
    """Fill ``spec.clusterIP(s)`` and node ports of a new Service in place."""
    spec = svc.setdefault("spec", {})
    name = svc.get("metadata", {}).get("name", "")
    used = {s.get("spec", {}).get("clusterIP") for s in existing}
    svc_type = spec.get("type", "ClusterIP")
    if svc_type != "ExternalName":
        ip = spec.get("clusterIP")
        if ip in ("None",):
            spec["clusterIPs"] = ["None"]
        elif ip:
            try:
                addr = ipaddress.ip_address(ip)
            except ValueError:
                raise _invalid(name, "spec.clusterIPs[0]", ip,
                               "must be a valid IP address") from None
            if addr not in SERVICE_CIDR:
                raise _invalid(name, "spec.clusterIPs[0]", ip,
                               "failed to allocate IP " + ip + ": provided IP is not in the "
                               "valid range. The range of valid IPs is " + str(SERVICE_CIDR))
            if ip in used:
                raise _invalid(name, "spec.clusterIPs[0]", ip,
                               "failed to allocate IP " + ip + ": provided IP is already "
                               "allocated")
            spec["clusterIPs"] = [ip]
        else:
            size = SERVICE_CIDR.num_addresses
            base = int(SERVICE_CIDR.network_address)
            offset = rng.randrange(2, size - 1)
            for i in range(size - 3):
                cand = str(ipaddress.ip_address(base + 2 + (offset - 2 + i) % (size - 3)))
                if cand not in used:
                    spec["clusterIP"] = cand
                    spec["clusterIPs"] = [cand]
                    break
            else:  # pragma: no cover - 1M services
                raise errors.internal_error("range is full")
    if svc_type in ("NodePort", "LoadBalancer"):
        taken = {p.get("nodePort") for s in existing for p in s.get("spec", {}).get("ports", [])}
        lo, hi = NODE_PORT_RANGE
        for port in spec.get("ports", []):
            if port.get("nodePort"):
                continue
            start = rng.randrange(lo, hi + 1)
            for i in range(hi - lo + 1):
                cand = lo + (start - lo + i) % (hi - lo + 1)
                if cand not in taken:
                    port["nodePort"] = cand
                    taken.add(cand)
                    break
