"""Service and EndpointSlice dicts in upstream's shapes, as upstream's proxier tests build them
(``makeTestService`` / ``makeTestEndpointSlice`` in ``pkg/proxy/iptables/proxier_test.go``)."""

from __future__ import annotations

from typing import Any


def svc(ns: str, name: str, *, status: dict[str, Any] | None = None,
        **spec: Any) -> dict[str, Any]:
    """``makeTestService``: a Service with the given spec fields."""
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"namespace": ns, "name": name}, "spec": spec,
            "status": status or {}}


def port(name: str, number: int, protocol: str = "TCP", **kw: Any) -> dict[str, Any]:
    return {"name": name, "port": number, "protocol": protocol, **kw}


def ep(ip: str, node: str | None = None, *, ready: bool | None = None,
       serving: bool | None = None, terminating: bool | None = None,
       hostname: str | None = None, pod: str | None = None) -> dict[str, Any]:
    """One ``discovery.k8s.io/v1`` endpoint (conditions left unset unless given)."""
    out: dict[str, Any] = {"addresses": [ip]}
    cond = {k: v for k, v in (("ready", ready), ("serving", serving),
                              ("terminating", terminating)) if v is not None}
    if cond:
        out["conditions"] = cond
    if node is not None:
        out["nodeName"] = node
    if hostname is not None:
        out["hostname"] = hostname
    if pod is not None:
        out["targetRef"] = {"kind": "Pod", "name": pod}
    return out


def eps(ns: str, name: str, endpoints: list[dict[str, Any]], ports: list[dict[str, Any]],
        n: int = 1, address_type: str = "IPv4") -> dict[str, Any]:
    """``makeTestEndpointSlice``: slice ``<name>-<n>`` labelled with its Service."""
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"namespace": ns, "name": f"{name}-{n}",
                         "labels": {"kubernetes.io/service-name": name}},
            "addressType": address_type, "endpoints": endpoints, "ports": ports}


P80 = [port("p80", 80)]
