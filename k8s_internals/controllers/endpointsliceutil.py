"""Helpers shared by the endpoints and endpointslice controllers.

Upstream:

- ``staging/src/k8s.io/endpointslice/util/controller_utils.go`` — ``ShouldPodBeInEndpoints``,
  ``ShouldSetHostname``, ``GetPodServiceMemberships``, ``GetServicesToUpdateOnPodChange``,
  ``podEndpointsChanged``;
- ``pkg/api/v1/pod/util.go`` — ``FindPort``, ``IsPodReady``, ``IsPodTerminal``;
- ``pkg/apis/core/v1/helper`` — ``IsServiceIPSet``.

Everything here is a pure function of plain dicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..api.selectors import selector_from_set

__all__ = [
    "find_port",
    "get_pod_service_memberships",
    "get_services_to_update_on_pod_change",
    "is_pod_ready",
    "is_pod_terminal",
    "is_service_ip_set",
    "pod_endpoints_changed",
    "service_selects",
    "should_pod_be_in_endpoints",
    "should_set_hostname",
]

#: ``v1.IsHeadlessService``: the label a headless Service's Endpoints/EndpointSlices carry
LABEL_HEADLESS = "service.kubernetes.io/headless"
#: ``v1.ClusterIPNone``
CLUSTER_IP_NONE = "None"


def is_pod_ready(pod: dict[str, Any]) -> bool:
    """``IsPodReady``: the ``Ready`` condition is ``True``."""
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def is_pod_terminal(pod: dict[str, Any]) -> bool:
    """``IsPodTerminal``: ``Succeeded`` or ``Failed``."""
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def pod_ips(pod: dict[str, Any]) -> list[str]:
    status = pod.get("status") or {}
    ips = [p.get("ip", "") for p in status.get("podIPs") or [] if p.get("ip")]
    if not ips and status.get("podIP"):
        ips = [status["podIP"]]
    return ips


def should_pod_be_in_endpoints(pod: dict[str, Any], include_terminating: bool) -> bool:
    """``ShouldPodBeInEndpoints``: not terminal, has an IP, and (unless
    ``include_terminating``) not being deleted.

    >>> p = {"status": {"phase": "Running", "podIP": "10.244.1.5"}}
    >>> should_pod_be_in_endpoints(p, False)
    True
    >>> should_pod_be_in_endpoints({"status": {"phase": "Pending"}}, True)
    False
    """
    if is_pod_terminal(pod):
        return False
    if not pod_ips(pod):
        return False
    return include_terminating or not pod.get("metadata", {}).get("deletionTimestamp")


def should_set_hostname(pod: dict[str, Any], svc: dict[str, Any]) -> bool:
    """``ShouldSetHostname``: the pod has a hostname and its subdomain is the service."""
    spec = pod.get("spec") or {}
    return bool(spec.get("hostname")) and spec.get("subdomain") == svc["metadata"]["name"] \
        and svc["metadata"].get("namespace") == pod["metadata"].get("namespace")


def is_service_ip_set(svc: dict[str, Any]) -> bool:
    """``IsServiceIPSet``: a cluster IP that is neither empty nor ``None``."""
    ip = (svc.get("spec") or {}).get("clusterIP") or ""
    return ip not in ("", CLUSTER_IP_NONE)


def find_port(pod: dict[str, Any], service_port: dict[str, Any]) -> int:
    """``FindPort``: the container port a service port's ``targetPort`` means on ``pod``
    (a number is itself; a name is looked up among the containers' ports with the same
    protocol). Raises ``LookupError`` if there is none.

    >>> pod = {"metadata": {"uid": "u"}, "spec": {"containers": [
    ...     {"ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]}}
    >>> find_port(pod, {"port": 80, "targetPort": "http", "protocol": "TCP"})
    8080
    >>> find_port(pod, {"port": 80, "targetPort": 9376})
    9376
    """
    target = service_port.get("targetPort", service_port.get("port"))
    protocol = service_port.get("protocol", "TCP")
    if isinstance(target, str) and not target.isdigit():
        spec = pod.get("spec") or {}
        containers = list(spec.get("containers") or [])
        # restartable init containers (sidecars) serve ports too
        containers += [c for c in spec.get("initContainers") or []
                       if c.get("restartPolicy") == "Always"]
        for container in containers:
            for port in container.get("ports") or []:
                if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                    return int(port["containerPort"])
        raise LookupError(f"no suitable port for manifest: {pod['metadata'].get('uid', '')}")
    return int(target)


def service_selects(svc: dict[str, Any], pod: dict[str, Any]) -> bool:
    """A service with a (non-nil) selector selects the pod (same namespace, labels match)."""
    selector = (svc.get("spec") or {}).get("selector")
    if selector is None:
        return False
    if svc["metadata"].get("namespace") != pod["metadata"].get("namespace"):
        return False
    return selector_from_set(selector).matches(pod["metadata"].get("labels") or {})


def get_pod_service_memberships(services: Iterable[dict[str, Any]], pod: dict[str, Any]
                                ) -> list[str]:
    """``GetPodServiceMemberships``: ``ns/name`` keys of the services selecting ``pod``."""
    out: list[str] = []
    for svc in services:
        if service_selects(svc, pod):
            key = f"{svc['metadata']['namespace']}/{svc['metadata']['name']}"
            if key not in out:
                out.append(key)
    return out


def _endpoint_view(pod: dict[str, Any]) -> tuple[Any, ...]:
    spec = pod.get("spec") or {}
    ports = [(c.get("ports") or []) for c in spec.get("containers") or []]
    return (pod_ips(pod), is_pod_ready(pod), bool(pod["metadata"].get("deletionTimestamp")),
            spec.get("hostname"), spec.get("subdomain"), spec.get("nodeName"),
            is_pod_terminal(pod), ports)


def pod_endpoints_changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[bool, bool]:
    """``podEndpointsChanged``: (did what the pod contributes to endpoints change, did its
    labels change)."""
    labels_changed = (old["metadata"].get("labels") or {}) != (new["metadata"].get("labels")
                                                               or {})
    return _endpoint_view(old) != _endpoint_view(new), labels_changed


def get_services_to_update_on_pod_change(services: list[dict[str, Any]], old: dict[str, Any],
                                         new: dict[str, Any]) -> list[str]:
    """``GetServicesToUpdateOnPodChange``: the services of the new pod, plus those of the old
    one when the labels changed; none if nothing relevant changed (or it is a resync)."""
    if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
        return []  # periodic resync: nothing changed
    pod_changed, labels_changed = pod_endpoints_changed(old, new)
    if not pod_changed and not labels_changed:
        return []
    keys = get_pod_service_memberships(services, new)
    if labels_changed:
        # determineNeededServiceUpdates: the union if the pod changed too, else only the
        # services not common to both sets
        old_keys = get_pod_service_memberships(services, old)
        if pod_changed:
            keys += [k for k in old_keys if k not in keys]
        else:
            keys = [k for k in keys if k not in old_keys] + [k for k in old_keys
                                                              if k not in keys]
    return keys
