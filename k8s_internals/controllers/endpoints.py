"""The endpoints controller: keeps one ``Endpoints`` object per Service with a selector, listing
the IPs and ports of the pods it selects, ready ones in ``addresses`` and the others in
``notReadyAddresses``.

Upstream: ``pkg/controller/endpoint/endpoints_controller.go`` (``syncService``,
``addEndpointSubset``, ``podToEndpointAddressForService``, ``truncateEndpoints``,
``checkLeftoverEndpoints``) and ``pkg/api/v1/endpoints/util.go`` (``RepackSubsets``).

``syncService(ns/name)``:

- Service gone → delete its Endpoints; ``ExternalName`` or no selector → leave them alone
  (selector-less services get hand-made Endpoints);
- for each selected pod that should be in endpoints (has an IP, not terminal, not being
  deleted unless ``publishNotReadyAddresses``): one address (IP, nodeName, targetRef, hostname
  when ``hostname``/``subdomain`` match) per service port, the port found by ``FindPort``
  (a named ``targetPort`` is looked up among the pod's container ports);
- a headless Service without ports gets addresses without ports;
- ``RepackSubsets`` groups addresses that serve the same ports into one subset;
- the object is named like the Service, carries its labels (plus
  ``service.kubernetes.io/headless`` when no cluster IP is set), is capped at 1000 addresses
  (``endpoints.kubernetes.io/over-capacity: truncated``), and is only written when it changes.

Events (source ``endpoint-controller``): ``FailedToCreateEndpoint``, ``FailedToUpdateEndpoint``.

Simplifications: subsets are sorted by their first address rather than by upstream's hash of
the Go structure; the ``endpoints.kubernetes.io/last-change-trigger-time`` annotation (the
trigger time tracker) is not written; no 15-retry limit before a key is dropped.
"""

from __future__ import annotations

import copy
from typing import Any

from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..client.record import EVENT_WARNING, EventRecorder
from ..sim import Kernel
from .base import Controller
from .endpointsliceutil import (
    CLUSTER_IP_NONE,
    LABEL_HEADLESS,
    find_port,
    get_pod_service_memberships,
    get_services_to_update_on_pod_change,
    is_pod_ready,
    is_service_ip_set,
    pod_ips,
    should_pod_be_in_endpoints,
    should_set_hostname,
)

__all__ = ["MAX_CAPACITY", "EndpointController", "repack_subsets"]

#: ``maxCapacity``: addresses kept in one Endpoints object
MAX_CAPACITY = 1000
#: ``v1.EndpointsOverCapacity``
ANNOTATION_OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
#: ``resourcelock.LeaderElectionRecordAnnotationKey``
ANNOTATION_LEADER = "control-plane.alpha.kubernetes.io/leader"
#: upstream's event source for this controller
EVENT_SOURCE = "endpoint-controller"


def _address_key(addr: dict[str, Any]) -> tuple[str, str]:
    """``addressKey``: IP + target uid."""
    return addr.get("ip", ""), (addr.get("targetRef") or {}).get("uid", "")


def _port_key(port: dict[str, Any]) -> tuple[Any, ...]:
    return (port.get("name", ""), port.get("port", 0), port.get("protocol", ""),
            port.get("appProtocol") or "")


def repack_subsets(subsets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``RepackSubsets``: one subset per set of addresses serving the same ports.

    An address ready for a port stays ready even if also listed not-ready for it.

    >>> a = {"ip": "10.0.0.1"}; b = {"ip": "10.0.0.2"}; p = {"port": 80, "protocol": "TCP"}
    >>> out = repack_subsets([{"addresses": [a], "ports": [p]},
    ...                       {"notReadyAddresses": [b], "ports": [p]}])
    >>> out == [{"addresses": [a], "notReadyAddresses": [b], "ports": [p]}]
    True
    """
    all_addrs: dict[tuple[str, str], dict[str, Any]] = {}
    # port (or the -1 sentinel for "no ports") → {address key: ready}
    port_to_addrs: dict[tuple[Any, ...], tuple[dict[str, Any] | None, dict[Any, bool]]] = {}
    for subset in subsets:
        ports = subset.get("ports") or [None]
        for port in ports:
            pkey = _port_key(port) if port is not None else ("", -1, "", "")
            _, addr_set = port_to_addrs.setdefault(pkey, (port, {}))
            for addr in subset.get("addresses") or []:
                k = _address_key(addr)
                all_addrs.setdefault(k, addr)
                addr_set[k] = True
            for addr in subset.get("notReadyAddresses") or []:
                k = _address_key(addr)
                all_addrs.setdefault(k, addr)
                if not addr_set.get(k):
                    addr_set[k] = False
    # group ports by identical address sets
    groups: dict[tuple[Any, ...], tuple[dict[Any, bool], list[dict[str, Any]]]] = {}
    for port, addr_set in port_to_addrs.values():
        gkey = tuple(sorted(addr_set.items()))
        _, ports_of = groups.setdefault(gkey, (addr_set, []))
        if port is not None:
            ports_of.append(port)
    final: list[dict[str, Any]] = []
    for addr_set, ports_of in groups.values():
        ready = [all_addrs[k] for k, r in addr_set.items() if r]
        not_ready = [all_addrs[k] for k, r in addr_set.items() if not r]
        subset: dict[str, Any] = {}
        if ready:
            subset["addresses"] = sorted(ready, key=_sort_address)
        if not_ready:
            subset["notReadyAddresses"] = sorted(not_ready, key=_sort_address)
        if ports_of:
            subset["ports"] = sorted(ports_of, key=_port_key)
        final.append(subset)
    return sorted(final, key=_sort_subset)


def _sort_address(addr: dict[str, Any]) -> tuple[str, str]:
    """``LessEndpointAddress``: by IP (compared as bytes), then target uid."""
    return _address_key(addr)


def _sort_subset(subset: dict[str, Any]) -> tuple[Any, ...]:
    first = (subset.get("addresses") or subset.get("notReadyAddresses") or [{}])[0]
    return (_sort_address(first), [_port_key(p) for p in subset.get("ports") or []])


def _strip_rv(subsets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``endpointSubsetsEqualIgnoreResourceVersion``: compare without targetRef RVs."""
    out = copy.deepcopy(subsets)
    for s in out:
        for key in ("addresses", "notReadyAddresses"):
            for a in s.get(key) or []:
                (a.get("targetRef") or {}).pop("resourceVersion", None)
    return out


def truncate_endpoints(endpoints: dict[str, Any]) -> bool:
    """``truncateEndpoints``: keep at most :data:`MAX_CAPACITY` addresses, ready ones first,
    each subset keeping its share (rounded up). Returns whether anything was cut."""
    subsets = endpoints.get("subsets") or []
    total_ready = sum(len(s.get("addresses") or []) for s in subsets)
    total_not_ready = sum(len(s.get("notReadyAddresses") or []) for s in subsets)
    if total_ready + total_not_ready <= MAX_CAPACITY:
        return False
    truncate_ready = total_ready > MAX_CAPACITY
    limit = MAX_CAPACITY if truncate_ready else MAX_CAPACITY - total_ready
    num_total = total_ready if truncate_ready else total_not_ready
    can_be_added = limit
    for subset in subsets:
        field_name = "addresses" if truncate_ready else "notReadyAddresses"
        addrs = subset.get(field_name) or []
        share = -(-len(addrs) * limit // num_total) if num_total else 0  # ceil
        share = min(share, can_be_added)
        if len(addrs) > share:
            subset[field_name] = addrs[:share]
        can_be_added -= len(subset.get(field_name) or [])
        if truncate_ready:
            subset.pop("notReadyAddresses", None)
    return True


class EndpointController(Controller):
    """``endpoint.Controller``."""

    name = "endpoints-controller"
    workers = 1  # upstream --concurrent-endpoint-syncs=5

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.recorder = EventRecorder(client, kernel, component=EVENT_SOURCE)
        self.services = self.informer("services")
        self.services.add_event_handler(on_add=self.enqueue,
                                        on_update=lambda old, new: self.enqueue(new),
                                        on_delete=self.enqueue)
        self.pods = self.informer("pods")
        self.pods.add_event_handler(on_add=self.add_pod, on_update=self.update_pod,
                                    on_delete=self.delete_pod)
        self.endpoints = self.informer("endpoints")
        self.endpoints.add_event_handler(on_delete=self.enqueue)

    # -- handlers (only queue keys) ----------------------------------------------------------------

    def _services_in(self, namespace: str) -> list[dict[str, Any]]:
        return self.services.list(namespace)

    def add_pod(self, pod: dict[str, Any]) -> None:
        for key in get_pod_service_memberships(
                self._services_in(pod["metadata"].get("namespace", "")), pod):
            self.enqueue_key(key)

    def update_pod(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        for key in get_services_to_update_on_pod_change(
                self._services_in(new["metadata"].get("namespace", "")), old, new):
            self.enqueue_key(key)  # upstream: AddAfter(endpointUpdatesBatchPeriod = 0)

    def delete_pod(self, obj: Any) -> None:
        if isinstance(obj, DeletedFinalStateUnknown):
            obj = obj.obj
        self.add_pod(obj)

    def run(self) -> None:
        super().run()
        self.kernel.call_soon(self.check_leftover_endpoints, name=f"{self.name} leftovers")

    def check_leftover_endpoints(self) -> None:
        """``checkLeftoverEndpoints``: queue every Endpoints once at start, so those whose
        Service is gone get deleted (leader-election records excepted)."""
        for ep in self.endpoints.list():
            if ANNOTATION_LEADER in (ep["metadata"].get("annotations") or {}):
                continue
            self.enqueue(ep)

    # -- sync -------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``syncService``."""
        namespace, _, name = key.partition("/")
        service = self.services.get(key)
        if service is None:
            try:
                self.client.delete("endpoints", name, namespace)
            except ApiError as exc:
                if exc.code != 404:
                    raise
            return
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName" or spec.get("selector") is None:
            return
        pods = [p for p in self.pods.list(namespace)
                if self._selects(spec["selector"], p)]
        publish_not_ready = bool(spec.get("publishNotReadyAddresses"))
        subsets: list[dict[str, Any]] = []
        for pod in pods:
            if not should_pod_be_in_endpoints(pod, publish_not_ready):
                continue
            epa = self.pod_to_endpoint_address(
                pod, pod["spec"]["hostname"] if should_set_hostname(pod, service) else "")
            ports = spec.get("ports") or []
            if not ports:
                if spec.get("clusterIP") == CLUSTER_IP_NONE:
                    subsets.append(self._subset(pod, epa, None, publish_not_ready))
                continue
            for sp in ports:
                try:
                    port_num = find_port(pod, sp)
                except LookupError:
                    continue
                epp: dict[str, Any] = {}
                if sp.get("name"):
                    epp["name"] = sp["name"]
                epp["port"] = port_num
                epp["protocol"] = sp.get("protocol", "TCP")
                if sp.get("appProtocol"):
                    epp["appProtocol"] = sp["appProtocol"]
                subsets.append(self._subset(pod, epa, epp, publish_not_ready))
        subsets = repack_subsets(subsets)

        current = self.endpoints.get(key)
        create = current is None
        if current is None:
            current = {"apiVersion": "v1", "kind": "Endpoints",
                       "metadata": {"name": name, "namespace": namespace,
                                    "labels": copy.deepcopy(service["metadata"].get("labels"))}}
        labels = dict(current["metadata"].get("labels") or {})
        labels.pop(LABEL_HEADLESS, None)
        if not create and _strip_rv(current.get("subsets") or []) == _strip_rv(subsets) \
                and labels == (service["metadata"].get("labels") or {}) \
                and self._capacity_annotation_set_correctly(current):
            return  # endpoints are equal, skipping update
        new = copy.deepcopy(current)
        new["apiVersion"], new["kind"] = "v1", "Endpoints"
        if subsets:
            new["subsets"] = subsets
        else:
            new.pop("subsets", None)
        meta = new["metadata"]
        new_labels = dict(service["metadata"].get("labels") or {})
        annotations = dict(meta.get("annotations") or {})
        if truncate_endpoints(new):
            annotations[ANNOTATION_OVER_CAPACITY] = "truncated"
        else:
            annotations.pop(ANNOTATION_OVER_CAPACITY, None)
        if not is_service_ip_set(service):
            new_labels[LABEL_HEADLESS] = ""
        meta["labels"] = new_labels
        if annotations:
            meta["annotations"] = annotations
        else:
            meta.pop("annotations", None)
        try:
            if create:
                self.client.create("endpoints", new, namespace)
            else:
                self.client.update("endpoints", new)
        except ApiError as exc:
            if create and exc.code == 403:
                causes = (exc.status.get("details") or {}).get("causes") or []
                if any(c.get("reason") == "NamespaceTerminating" for c in causes):
                    return  # creates will keep failing: drop the item
            if create:
                self.recorder.event(new, EVENT_WARNING, "FailedToCreateEndpoint",
                                    f"Failed to create endpoint for service "
                                    f"{namespace}/{name}: {exc.message}")
            else:
                self.recorder.event(new, EVENT_WARNING, "FailedToUpdateEndpoint",
                                    f"Failed to update endpoint {namespace}/{name}: "
                                    f"{exc.message}")
            raise

    @staticmethod
    def _selects(selector: dict[str, str], pod: dict[str, Any]) -> bool:
        labels = pod["metadata"].get("labels") or {}
        return all(labels.get(k) == v for k, v in selector.items())

    @staticmethod
    def pod_to_endpoint_address(pod: dict[str, Any], hostname: str = "") -> dict[str, Any]:
        """``podToEndpointAddressForService`` (single-stack IPv4: the first pod IP), fields in
        ``EndpointAddress`` order: ip, hostname, nodeName, targetRef."""
        meta = pod["metadata"]
        addr: dict[str, Any] = {"ip": pod_ips(pod)[0]}
        if hostname:
            addr["hostname"] = hostname
        if (pod.get("spec") or {}).get("nodeName"):
            addr["nodeName"] = pod["spec"]["nodeName"]
        addr["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace", ""),
                             "name": meta["name"], "uid": meta.get("uid", "")}
        return addr

    @staticmethod
    def _subset(pod: dict[str, Any], epa: dict[str, Any], epp: dict[str, Any] | None,
                tolerate_unready: bool) -> dict[str, Any]:
        """``addEndpointSubset``."""
        ports = [epp] if epp is not None else []
        if tolerate_unready or is_pod_ready(pod):
            return {"addresses": [epa], "ports": ports}
        return {"notReadyAddresses": [epa], "ports": ports}

    @staticmethod
    def _capacity_annotation_set_correctly(ep: dict[str, Any]) -> bool:
        n = sum(len(s.get("addresses") or []) + len(s.get("notReadyAddresses") or [])
                for s in ep.get("subsets") or [])
        if n > MAX_CAPACITY:
            return False
        return ANNOTATION_OVER_CAPACITY not in (ep["metadata"].get("annotations") or {})
