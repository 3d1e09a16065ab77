"""The node IPAM controller: gives every node a pod CIDR (``spec.podCIDR`` / ``podCIDRs``) cut
from the cluster CIDR, which the node's CNI plugin then hands out to pods.

Upstream: ``pkg/controller/nodeipam/node_ipam_controller.go`` with the ``RangeAllocator``
(``pkg/controller/nodeipam/ipam/range_allocator.go``: ``AllocateOrOccupyCIDR``,
``ReleaseCIDR``, ``updateCIDRsAllocation``, ``filterOutServiceRange``) and its bitmap
(``ipam/cidrset/cidr_set.go``: ``AllocateNext`` scans from ``nextCandidate``, wrapping around,
so CIDRs go out in order and a released one is reused only after the others).

Flags (kube-controller-manager; kubeadm sets them from ``podSubnet``)::

    --allocate-node-cidrs=true  --cluster-cidr=10.244.0.0/16  --node-cidr-mask-size=24

so the first node gets ``10.244.0.0/24``, the next ``10.244.1.0/24``... 256 nodes at most.

At start the allocator lists the nodes and marks their CIDRs used (``occupyCIDRs``). A node
added or updated is queued; its sync occupies the CIDR it has, or allocates the next free one
and sets it with a strategic merge patch (three tries). A deleted node's CIDR is released
straight from the informer's delete handler, as upstream does.

Events (source ``cidrAllocator``): ``CIDRNotAvailable`` when the range is exhausted,
``CIDRAssignmentFailed`` when the node could not be patched — both as upstream's
``RecordNodeStatusChange``: "Node <name> status is now: <reason>".

Upstream runs 30 workers (``cidrUpdateWorkers``); one here keeps the allocation order the
order in which nodes were created.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..client.record import EVENT_WARNING, EventRecorder
from ..sim import Kernel
from .base import Controller

__all__ = [
    "DEFAULT_CLUSTER_CIDR",
    "DEFAULT_NODE_CIDR_MASK_SIZE",
    "CIDRRangeNoCIDRsRemainingError",
    "CidrSet",
    "NodeIpamController",
]

DEFAULT_CLUSTER_CIDR = "10.244.0.0/16"
DEFAULT_NODE_CIDR_MASK_SIZE = 24
#: ``cidrUpdateRetries``
CIDR_UPDATE_RETRIES = 3
#: upstream's event source for the range allocator
EVENT_SOURCE = "cidrAllocator"


class CIDRRangeNoCIDRsRemainingError(Exception):
    """``ErrCIDRRangeNoCIDRsRemaining``."""

    def __init__(self) -> None:
        super().__init__("CIDR allocation failed; there are no remaining CIDRs left to "
                         "allocate in the accepted range")


class CidrSet:
    """``cidrset.CidrSet``: the cluster CIDR as ``2**(node_mask - cluster_mask)`` blocks and a
    bitmap of the used ones.

    >>> s = CidrSet("10.244.0.0/16", 24)
    >>> str(s.allocate_next()), str(s.allocate_next())
    ('10.244.0.0/24', '10.244.1.0/24')
    >>> s.release(ipaddress.ip_network("10.244.0.0/24")); str(s.allocate_next())
    '10.244.2.0/24'
    """

    def __init__(self, cluster_cidr: str, node_mask_size: int) -> None:
        self.cluster_cidr = ipaddress.ip_network(cluster_cidr)
        self.node_mask_size = node_mask_size
        self.cluster_mask_size = self.cluster_cidr.prefixlen
        if node_mask_size < self.cluster_mask_size:
            raise ValueError("New CIDR set failed; the node CIDR size is too big")
        self.max_cidrs = 1 << (node_mask_size - self.cluster_mask_size)
        self.used: set[int] = set()
        self.next_candidate = 0

    @property
    def allocated_cidrs(self) -> int:
        return len(self.used)

    def index_to_cidr_block(self, index: int) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        bits = self.cluster_cidr.max_prefixlen
        base = int(self.cluster_cidr.network_address) | (index << (bits - self.node_mask_size))
        return type(self.cluster_cidr)((base, self.node_mask_size))

    def allocate_next(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        """``AllocateNext``."""
        if len(self.used) == self.max_cidrs:
            raise CIDRRangeNoCIDRsRemainingError()
        candidate = self.next_candidate
        for _ in range(self.max_cidrs):
            if candidate not in self.used:
                break
            candidate = (candidate + 1) % self.max_cidrs
        self.next_candidate = (candidate + 1) % self.max_cidrs
        self.used.add(candidate)
        return self.index_to_cidr_block(candidate)

    def _indices(self, cidr: ipaddress.IPv4Network | ipaddress.IPv6Network) -> range:
        """``getBeginningAndEndIndices``."""
        if not (self.cluster_cidr.overlaps(cidr)):
            raise ValueError(f"cidr {cidr} is out the range of cluster cidr {self.cluster_cidr}")
        if cidr.prefixlen <= self.cluster_mask_size:
            return range(self.max_cidrs)
        shift = self.cluster_cidr.max_prefixlen - self.node_mask_size
        base = int(self.cluster_cidr.network_address)
        begin = (int(cidr.network_address) ^ base) >> shift
        end = (int(cidr.broadcast_address) ^ base) >> shift
        return range(begin, min(end, self.max_cidrs - 1) + 1)

    def occupy(self, cidr: ipaddress.IPv4Network | ipaddress.IPv6Network) -> None:
        """``Occupy`` (idempotent)."""
        self.used.update(self._indices(cidr))

    def release(self, cidr: ipaddress.IPv4Network | ipaddress.IPv6Network) -> None:
        """``Release``."""
        self.used.difference_update(self._indices(cidr))


class NodeIpamController(Controller):
    """``nodeipam.Controller`` with a ``RangeAllocator``."""

    name = "node-ipam-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 cluster_cidrs: tuple[str, ...] = (DEFAULT_CLUSTER_CIDR,),
                 node_cidr_mask_size: int = DEFAULT_NODE_CIDR_MASK_SIZE,
                 service_cidr: str | None = None) -> None:
        super().__init__(client, kernel, factory)
        self.recorder = EventRecorder(client, kernel, component=EVENT_SOURCE)
        self.cidr_sets = [CidrSet(c, node_cidr_mask_size) for c in cluster_cidrs]
        self.service_cidr = service_cidr
        self.nodes = self.informer("nodes")
        self.nodes.add_event_handler(on_add=self.enqueue,
                                     on_update=lambda old, new: self.enqueue(new),
                                     on_delete=self.node_deleted)
        self._started = False

    def run(self) -> None:
        if not self._started:
            self._started = True
            if self.service_cidr:
                self.filter_out_service_range(self.service_cidr)
            for node in self.client.list("nodes")["items"]:
                if (node.get("spec") or {}).get("podCIDRs"):
                    self.occupy_cidrs(node)
        super().run()

    def node_deleted(self, obj: Any) -> None:
        """The informer no longer has the node: release its CIDR now, then queue it."""
        if isinstance(obj, DeletedFinalStateUnknown):
            obj = obj.obj
        try:
            self.release_cidr(obj)
        except ValueError as exc:
            self.errors.append((obj["metadata"]["name"], f"error while processing CIDR "
                                                          f"Release: {exc}"))
        self.enqueue(obj)

    def filter_out_service_range(self, service_cidr: str) -> None:
        """``filterOutServiceRange``: never hand out blocks overlapping the service CIDR."""
        svc = ipaddress.ip_network(service_cidr)
        for s in self.cidr_sets:
            if s.cluster_cidr.overlaps(svc):
                s.occupy(svc)

    def occupy_cidrs(self, node: dict[str, Any]) -> None:
        """``occupyCIDRs``."""
        name = node["metadata"]["name"]
        for idx, cidr in enumerate((node.get("spec") or {}).get("podCIDRs") or []):
            if idx >= len(self.cidr_sets):
                raise ValueError(f"node:{name} has an allocated cidr: {cidr} at index:{idx} "
                                 "that does not exist in cluster cidrs configuration")
            try:
                self.cidr_sets[idx].occupy(ipaddress.ip_network(cidr, strict=False))
            except ValueError as exc:
                raise ValueError(f"failed to mark cidr[{cidr}] at idx [{idx}] as occupied "
                                 f"for node: {name}: {exc}") from None

    def release_cidr(self, node: dict[str, Any]) -> None:
        """``ReleaseCIDR``."""
        for idx, cidr in enumerate((node.get("spec") or {}).get("podCIDRs") or []):
            if idx < len(self.cidr_sets):
                self.cidr_sets[idx].release(ipaddress.ip_network(cidr, strict=False))

    def sync(self, key: str) -> None:
        """``syncNode``."""
        node = self.nodes.get(key)
        if node is None:
            return  # deleted: released by the delete handler
        if node["metadata"].get("deletionTimestamp"):
            self.release_cidr(node)
            return
        self.allocate_or_occupy_cidr(node)

    def allocate_or_occupy_cidr(self, node: dict[str, Any]) -> None:
        """``AllocateOrOccupyCIDR``."""
        if (node.get("spec") or {}).get("podCIDRs"):
            self.occupy_cidrs(node)
            return
        allocated = []
        for idx, cidr_set in enumerate(self.cidr_sets):
            try:
                allocated.append(cidr_set.allocate_next())
            except CIDRRangeNoCIDRsRemainingError as exc:
                self.record_node_status_change(node, EVENT_WARNING, "CIDRNotAvailable")
                raise RuntimeError(f"failed to allocate cidr from cluster cidr at idx:{idx}: "
                                   f"{exc}") from None
        self.update_cidrs_allocation(node["metadata"]["name"], allocated)

    def update_cidrs_allocation(self, node_name: str,
                                allocated: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
                                ) -> None:
        """``updateCIDRsAllocation``: patch ``spec.podCIDR`` / ``podCIDRs``."""
        cidrs = [str(c) for c in allocated]
        node = self.nodes.get(node_name)
        if node is None:
            raise RuntimeError(f'node "{node_name}" not found')
        current = (node.get("spec") or {}).get("podCIDRs") or []
        if current == cidrs:
            return  # we probably set it already
        if current:
            for idx, cidr in enumerate(allocated):  # it has CIDRs: release the new ones
                self.cidr_sets[idx].release(cidr)
            return
        err: ApiError | None = None
        for _ in range(CIDR_UPDATE_RETRIES):
            try:
                # nodeutil.PatchNodeCIDRs
                self.client.patch("nodes", node_name, {"spec": {"podCIDR": cidrs[0],
                                                                "podCIDRs": cidrs}},
                                  patch_type="strategic")
                return
            except ApiError as exc:
                err = exc
        self.record_node_status_change(node, EVENT_WARNING, "CIDRAssignmentFailed")
        if err is not None and err.code != 504:  # not a server timeout: give them back
            for idx, cidr in enumerate(allocated):
                self.cidr_sets[idx].release(cidr)
        raise RuntimeError(f"failed to update node {node_name} PodCIDR: {err}")

    def record_node_status_change(self, node: dict[str, Any], event_type: str,
                                  new_status: str) -> None:
        """``RecordNodeStatusChange``."""
        name = node["metadata"]["name"]
        ref = {"kind": "Node", "apiVersion": "v1",
               "metadata": {"name": name, "uid": node["metadata"].get("uid", "")}}
        self.recorder.event(ref, event_type, new_status, f"Node {name} status is now: "
                                                         f"{new_status}")
