"""The EndpointSlice controller: the pods a Service selects, as ``discovery.k8s.io/v1``
EndpointSlices of at most 100 endpoints each.

Upstream: ``pkg/controller/endpointslice/endpointslice_controller.go`` (``syncService``) and
the reconciler in ``staging/src/k8s.io/endpointslice/`` (``reconciler.go``: ``reconcile``,
``reconcileByAddressType``, ``reconcileByPortMapping``, ``finalize``; ``utils.go``:
``podToEndpoint``, ``getEndpointPorts``, ``newEndpointSlice``, ``setEndpointSliceLabels``,
``getSliceToFill``).

What a slice looks like::

    metadata:
      generateName: <service>-          # the API server adds 5 random characters
      labels: {kubernetes.io/service-name: <service>,
               endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io,
               ...the Service's labels, service.kubernetes.io/headless: "" if headless}
      ownerReferences: [{kind: Service, controller: true, blockOwnerDeletion: true, ...}]
    addressType: IPv4
    endpoints:
    - addresses: [10.244.1.5]
      conditions: {ready: true, serving: true, terminating: false}
      nodeName: node-1
      targetRef: {kind: Pod, namespace: default, name: web-abc12, uid: ...}
      zone: ...                         # the node's topology.kubernetes.io/zone, if any
    ports: [{name: http, port: 8080, protocol: TCP}]   # per pod: named ports are resolved

Conditions (``podToEndpoint``): ``serving`` = the pod is Ready; ``terminating`` = it has a
``deletionTimestamp``; ``ready`` = serving and not terminating, or always with
``publishNotReadyAddresses``. Unlike Endpoints, terminating pods stay listed.

Pods are grouped by the ports they resolve to (one set of slices per port mapping). Existing
slices are updated in place first, then filled up, and new ones created; a Service with no
endpoints keeps one empty *placeholder* slice. Slices of a deleted Service are left to the
garbage collector (they are owned by it). A pod on a node the controller cannot find is
skipped and the Service retried (``skipping Pod ... Node ... Not Found``).

Events (source ``endpoint-slice-controller``): ``FailedToUpdateEndpointSlices``.

Simplifications: no topology-aware hints, no trigger-time annotation, endpoints within a
slice in the pods' listing order (upstream pops from a hash set); the slice tracker that
ignores the controller's own writes is approximated by remembering the resourceVersions it
wrote.
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
    pod_ips,
    should_pod_be_in_endpoints,
    should_set_hostname,
)
from .typed import typed

__all__ = [
    "CONTROLLER_NAME",
    "LABEL_MANAGED_BY",
    "LABEL_SERVICE_NAME",
    "MAX_ENDPOINTS_PER_SLICE",
    "EndpointSliceController",
]

#: ``discovery.LabelServiceName``
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
#: ``discovery.LabelManagedBy``
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
#: ``ControllerName``: the managed-by value
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
#: ``--max-endpoints-per-slice`` default
MAX_ENDPOINTS_PER_SLICE = 100
#: ``v1.LabelTopologyZone``
LABEL_ZONE = "topology.kubernetes.io/zone"
#: upstream's event source for this controller
EVENT_SOURCE = "endpoint-slice-controller"

PortKey = tuple[tuple[str, int, str, str], ...]


def port_map_key(ports: list[dict[str, Any]]) -> PortKey:
    """``NewPortMapKey``: a key for a set of endpoint ports (upstream: a hash of them)."""
    return tuple(sorted((p.get("name", ""), int(p.get("port", 0)), p.get("protocol", ""),
                         p.get("appProtocol") or "") for p in ports))


def get_endpoint_ports(service: dict[str, Any], pod: dict[str, Any]) -> list[dict[str, Any]]:
    """``getEndpointPorts``: each service port resolved on this pod (skipped if it can't be)."""
    spec = service.get("spec") or {}
    ports: list[dict[str, Any]] = []
    if not spec.get("ports") and spec.get("clusterIP") == CLUSTER_IP_NONE:
        return ports
    for sp in spec.get("ports") or []:
        try:
            num = find_port(pod, sp)
        except LookupError:
            continue
        port: dict[str, Any] = {"name": sp.get("name", ""), "protocol": sp.get("protocol", "TCP"),
                                "port": num}
        if sp.get("appProtocol"):
            port["appProtocol"] = sp["appProtocol"]
        ports.append(port)
    return ports


def pod_to_endpoint(pod: dict[str, Any], node: dict[str, Any] | None,
                    service: dict[str, Any]) -> dict[str, Any]:
    """``podToEndpoint``."""
    serving = is_pod_ready(pod)
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    ready = bool((service.get("spec") or {}).get("publishNotReadyAddresses")) or (
        serving and not terminating)
    meta = pod["metadata"]
    ep: dict[str, Any] = {
        "addresses": pod_ips(pod)[:1],  # single-stack IPv4
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
    }
    if should_set_hostname(pod, service):
        ep["hostname"] = pod["spec"]["hostname"]
    ep["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace", ""),
                       "name": meta["name"], "uid": meta.get("uid", "")}
    if (pod.get("spec") or {}).get("nodeName"):
        ep["nodeName"] = pod["spec"]["nodeName"]
    zone = ((node or {}).get("metadata", {}).get("labels") or {}).get(LABEL_ZONE)
    if zone:
        ep["zone"] = zone
    return ep


def _endpoint_key(ep: dict[str, Any]) -> tuple[str, str]:
    """What identifies an endpoint in the desired set (upstream hashes the endpoint's
    addresses, hostname, target and node)."""
    return (ep.get("addresses") or [""])[0], (ep.get("targetRef") or {}).get("uid", "")


def _slice_labels(slice_: dict[str, Any], service: dict[str, Any]) -> tuple[dict[str, str], bool]:
    """``setEndpointSliceLabels``: the Service's labels (minus the reserved keys), the
    headless label, the service name and managed-by; and whether they differ from the
    slice's."""
    labels: dict[str, str] = {}
    for k, v in (service["metadata"].get("labels") or {}).items():
        if k in (LABEL_SERVICE_NAME, LABEL_MANAGED_BY):
            continue
        labels[k] = v
    if (service.get("spec") or {}).get("clusterIP") == CLUSTER_IP_NONE:
        labels[LABEL_HEADLESS] = ""
    labels[LABEL_SERVICE_NAME] = service["metadata"]["name"]
    labels[LABEL_MANAGED_BY] = CONTROLLER_NAME
    return labels, labels != (slice_["metadata"].get("labels") or {})


def new_endpoint_slice(service: dict[str, Any], ports: list[dict[str, Any]],
                       address_type: str = "IPv4") -> dict[str, Any]:
    """``newEndpointSlice``: owned by the Service (a controller reference)."""
    meta = service["metadata"]
    slice_: dict[str, Any] = {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {
            "generateName": f"{meta['name']}-", "namespace": meta.get("namespace", ""),
            "labels": {},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": meta["name"],
                                 "uid": meta.get("uid", ""), "controller": True,
                                 "blockOwnerDeletion": True}],
        },
        "addressType": address_type,
        "endpoints": [],
        "ports": copy.deepcopy(ports),
    }
    slice_["metadata"]["labels"], _ = _slice_labels(slice_, service)
    return slice_


def get_slice_to_fill(slices: list[dict[str, Any]], num_endpoints: int,
                      max_endpoints: int) -> dict[str, Any] | None:
    """``getSliceToFill``: the slice closest to full that still has room for all
    ``num_endpoints``."""
    best: dict[str, Any] | None = None
    closest = max_endpoints
    for s in slices:
        diff = max_endpoints - (num_endpoints + len(s.get("endpoints") or []))
        if 0 <= diff < closest:
            best, closest = s, diff
            if diff == 0:
                break
    return best


class EndpointSliceController(Controller):
    """``endpointslice.Controller`` with its reconciler."""

    name = "endpointslice-controller"
    workers = 1  # upstream --concurrent-service-endpoint-syncs=5

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 max_endpoints_per_slice: int = MAX_ENDPOINTS_PER_SLICE) -> None:
        super().__init__(client, kernel, factory)
        self.recorder = EventRecorder(client, kernel, component=EVENT_SOURCE)
        self.max_endpoints_per_slice = max_endpoints_per_slice
        self.services = self.informer("services")
        self.services.add_event_handler(on_add=self.enqueue,
                                        on_update=lambda old, new: self.enqueue(new),
                                        on_delete=self.enqueue)
        self.pods = self.informer("pods")
        self.pods.add_event_handler(on_add=self.add_pod, on_update=self.update_pod,
                                    on_delete=self.delete_pod)
        self.nodes = self.informer("nodes")
        self.slices = self.informer("endpointslices")
        self.slices.add_event_handler(on_add=self.on_slice_change,
                                      on_update=lambda old, new: self.on_slice_change(new),
                                      on_delete=self.on_slice_delete)
        #: ``endpointSliceTracker``: slice key → the resourceVersion this controller wrote
        self._written: dict[str, str] = {}
        self._deleted: set[str] = set()

    # -- handlers (only queue keys) ---------------------------------------------------------------

    def add_pod(self, pod: dict[str, Any]) -> None:
        for key in get_pod_service_memberships(
                self.services.list(pod["metadata"].get("namespace", "")), pod):
            self.enqueue_key(key)

    def update_pod(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        for key in get_services_to_update_on_pod_change(
                self.services.list(new["metadata"].get("namespace", "")), old, new):
            self.enqueue_key(key)

    def delete_pod(self, obj: Any) -> None:
        if isinstance(obj, DeletedFinalStateUnknown):
            obj = obj.obj
        self.add_pod(obj)

    @staticmethod
    def _managed_service_key(slice_: dict[str, Any]) -> str | None:
        labels = slice_["metadata"].get("labels") or {}
        if labels.get(LABEL_MANAGED_BY) != CONTROLLER_NAME or not labels.get(LABEL_SERVICE_NAME):
            return None
        return f"{slice_['metadata'].get('namespace', '')}/{labels[LABEL_SERVICE_NAME]}"

    def on_slice_change(self, slice_: dict[str, Any]) -> None:
        """``onEndpointSliceAdd/Update``: resync the Service unless this is our own write."""
        key = self._managed_service_key(slice_)
        if key is None:
            return
        skey = f"{slice_['metadata'].get('namespace', '')}/{slice_['metadata']['name']}"
        if self._written.get(skey) == slice_["metadata"].get("resourceVersion"):
            return
        self.enqueue_key(key)

    def on_slice_delete(self, obj: Any) -> None:
        if isinstance(obj, DeletedFinalStateUnknown):
            obj = obj.obj
        key = self._managed_service_key(obj)
        skey = f"{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"
        self._written.pop(skey, None)
        if skey in self._deleted:
            self._deleted.discard(skey)
            return
        if key is not None:
            self.enqueue_key(key)

    # -- sync -------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``syncService``."""
        namespace, _, name = key.partition("/")
        service = self.services.get(key)
        if service is None:
            return  # the garbage collector deletes the slices it owned
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName" or spec.get("selector") is None:
            return
        selector = spec["selector"]
        pods = [p for p in self.pods.list(namespace)
                if all((p["metadata"].get("labels") or {}).get(k) == v
                       for k, v in selector.items())]
        slices = [s for s in self.slices.list(namespace)
                  if (s["metadata"].get("labels") or {}).get(LABEL_SERVICE_NAME) == name
                  and (s["metadata"].get("labels") or {}).get(LABEL_MANAGED_BY)
                  == CONTROLLER_NAME and not s["metadata"].get("deletionTimestamp")]
        try:
            self.reconcile(service, pods, slices)
        except Exception as exc:
            self.recorder.event(typed(service, "v1", "Service"), EVENT_WARNING,
                                "FailedToUpdateEndpointSlices",
                                f"Error updating Endpoint Slices for Service "
                                f"{namespace}/{name}: {exc}")
            raise

    def reconcile(self, service: dict[str, Any], pods: list[dict[str, Any]],
                  existing: list[dict[str, Any]]) -> None:
        """``reconcile`` + ``reconcileByAddressType`` for IPv4 (single stack)."""
        address_type = "IPv4"
        to_delete = [s for s in existing if s.get("addressType") != address_type]
        existing = [s for s in existing if s.get("addressType") == address_type]
        errs: list[str] = []
        existing_by_ports: dict[PortKey, list[dict[str, Any]]] = {}
        for s in existing:
            existing_by_ports.setdefault(port_map_key(s.get("ports") or []), []).append(s)
        desired_by_ports: dict[PortKey, dict[tuple[str, str], dict[str, Any]]] = {}
        desired_meta: dict[PortKey, list[dict[str, Any]]] = {}
        publish_not_ready = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
        for pod in pods:
            if not should_pod_be_in_endpoints(pod, True):
                continue
            ports = get_endpoint_ports(service, pod)
            pkey = port_map_key(ports)
            desired_by_ports.setdefault(pkey, {})
            desired_meta.setdefault(pkey, ports)
            node_name = (pod.get("spec") or {}).get("nodeName", "")
            node = self.nodes.get(node_name) if node_name else None
            if node is None and not publish_not_ready:
                errs.append(f"skipping Pod {pod['metadata']['name']} for Service "
                            f"{service['metadata'].get('namespace')}/"
                            f"{service['metadata']['name']}: Node {node_name} Not Found")
                continue
            ep = pod_to_endpoint(pod, node, service)
            if ep["addresses"]:
                desired_by_ports[pkey][_endpoint_key(ep)] = ep

        to_create: list[dict[str, Any]] = []
        to_update: list[dict[str, Any]] = []
        for pkey, slices in existing_by_ports.items():
            if pkey not in desired_by_ports:
                to_delete.extend(slices)
        for pkey, desired in desired_by_ports.items():
            c, u, d = self.reconcile_by_port_mapping(service, existing_by_ports.get(pkey, []),
                                                     desired, desired_meta[pkey])
            to_create += c
            to_update += u
            to_delete += d
        # a Service with no endpoints keeps one empty placeholder slice
        if len(existing) == len([s for s in to_delete if s.get("addressType") == address_type]) \
                and not to_create:
            placeholder = new_endpoint_slice(service, [], address_type)
            if len(to_delete) == 1 and self._is_placeholder_of(to_delete[0], placeholder):
                to_delete = []
            else:
                to_create.append(placeholder)
        self.finalize(service, to_create, to_update, to_delete)
        if errs:
            raise RuntimeError(errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]")

    @staticmethod
    def _is_placeholder_of(s: dict[str, Any], placeholder: dict[str, Any]) -> bool:
        """``placeholderSliceCompare``: same labels, ports, endpoints, owner, address type."""
        return (not s.get("endpoints") and not s.get("ports")
                and s.get("addressType") == placeholder["addressType"]
                and (s["metadata"].get("labels") or {}) == placeholder["metadata"]["labels"])

    def reconcile_by_port_mapping(self, service: dict[str, Any],
                                  existing: list[dict[str, Any]],
                                  desired: dict[tuple[str, str], dict[str, Any]],
                                  ports: list[dict[str, Any]]
                                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                             list[dict[str, Any]]]:
        """``reconcileByPortMapping``: (to create, to update, to delete)."""
        desired = dict(desired)
        by_name: dict[str, dict[str, Any]] = {}
        unchanged: list[str] = []
        to_update: dict[str, dict[str, Any]] = {}
        to_delete: list[str] = []
        # 1. update the endpoints already in existing slices, drop those not desired
        for s in existing:
            sname = s["metadata"]["name"]
            by_name[sname] = s
            new_endpoints: list[dict[str, Any]] = []
            endpoint_updated = False
            for ep in s.get("endpoints") or []:
                got = desired.pop(_endpoint_key(ep), None)
                if got is not None:
                    new_endpoints.append(got)
                    if got != ep:
                        endpoint_updated = True
            labels, labels_changed = _slice_labels(s, service)
            if endpoint_updated or len(s.get("endpoints") or []) != len(new_endpoints):
                if not new_endpoints:
                    to_delete.append(sname)
                else:
                    copy_ = copy.deepcopy(s)
                    copy_["endpoints"] = new_endpoints
                    copy_["metadata"]["labels"] = labels
                    to_update[sname] = copy_
            elif labels_changed:
                copy_ = copy.deepcopy(s)
                copy_["metadata"]["labels"] = labels
                to_update[sname] = copy_
            else:
                unchanged.append(sname)
        # 2. fill the slices being updated anyway, fullest first
        if desired and to_update:
            for s in sorted(to_update.values(), key=lambda x: -len(x["endpoints"])):
                while desired and len(s["endpoints"]) < self.max_endpoints_per_slice:
                    s["endpoints"].append(desired.pop(next(iter(desired))))
        # 3. the rest: into an unchanged slice with room, else new slices
        to_create: list[dict[str, Any]] = []
        while desired:
            fill: dict[str, Any] | None = None
            if len(desired) < self.max_endpoints_per_slice and unchanged:
                fill = get_slice_to_fill([by_name[n] for n in unchanged], len(desired),
                                         self.max_endpoints_per_slice)
            if fill is None:
                fill = new_endpoint_slice(service, ports)
            else:
                fill = copy.deepcopy(fill)
            while desired and len(fill["endpoints"]) < self.max_endpoints_per_slice:
                fill["endpoints"].append(desired.pop(next(iter(desired))))
            if fill["metadata"].get("name"):
                to_update[fill["metadata"]["name"]] = fill
                unchanged.remove(fill["metadata"]["name"])
            else:
                to_create.append(fill)
        return to_create, list(to_update.values()), [by_name[n] for n in to_delete]

    def finalize(self, service: dict[str, Any], to_create: list[dict[str, Any]],
                 to_update: list[dict[str, Any]], to_delete: list[dict[str, Any]]) -> None:
        """``finalize``: deletes paired with creates become updates (the slice keeps its
        name), then create, update, delete."""
        uid = service["metadata"].get("uid")
        i = 0
        while i < len(to_delete) and to_create:
            old = to_delete[i]
            owned = any(o.get("uid") == uid for o in old["metadata"].get("ownerReferences") or [])
            if old.get("addressType") == to_create[0]["addressType"] and owned:
                new = to_create.pop(0)
                new["metadata"]["name"] = old["metadata"]["name"]  # reuse the old slice
                to_update.append(new)
                to_delete.pop(i)
            else:
                i += 1
        if service["metadata"].get("deletionTimestamp"):
            return
        ns = service["metadata"].get("namespace", "")
        for s in to_create:
            created = self.client.create("endpointslices", s, ns)
            self._track(created)
        for s in to_update:
            try:
                updated = self.client.update(
                    "endpointslices", typed(s, "discovery.k8s.io/v1", "EndpointSlice"))
            except ApiError as exc:
                raise RuntimeError(f"failed to update {s['metadata']['name']} EndpointSlice "
                                   f"for Service {ns}/{service['metadata']['name']}: "
                                   f"{exc.message}") from None
            self._track(updated)
        for s in to_delete:
            skey = f"{ns}/{s['metadata']['name']}"
            self._deleted.add(skey)
            try:
                self.client.delete("endpointslices", s["metadata"]["name"], ns)
            except ApiError as exc:
                self._deleted.discard(skey)
                if exc.code != 404:
                    raise

    def _track(self, s: dict[str, Any]) -> None:
        meta = s["metadata"]
        self._written[f"{meta.get('namespace', '')}/{meta['name']}"] = str(
            meta.get("resourceVersion", ""))
