"""What the scheduler knows about nodes and pods while it schedules: :class:`NodeInfo`,
:class:`PodInfo`, :class:`QueuedPodInfo`, :class:`Resource`, and the failure bookkeeping
(:class:`NodeToStatus`, :class:`Diagnosis`, :class:`FitError`).

Mirrors ``pkg/scheduler/framework/types.go``:

- :class:`NodeInfo` aggregates a node: its pods (and the subsets with affinity / required
  anti-affinity), ``requested`` (the sum of the pods' requests), ``non_zero_requested`` (the
  same with 100m CPU / 200 MiB for pods that request nothing, for scoring), ``allocatable``,
  ``used_ports``, ``image_states`` and ``pvc_ref_counts``. Every change bumps ``generation``
  from one process-wide counter (``nextGeneration``), which is how the snapshot — and here the
  fast path's column cache — knows what changed.
- :class:`PodInfo` wraps a pod with pre-parsed affinity terms and its computed resources
  (``CalculateResource``).
- :class:`FitError` builds upstream's message, e.g.
  ``0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s).``

Objects are JSON dicts; the wrappers never copy them (treat them as read-only).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...api.selectors import Selector, label_selector_as_selector
from ..util import (
    DEFAULT_MEMORY_REQUEST,
    DEFAULT_MILLI_CPU_REQUEST,
    get_host_ports,
    is_scalar_resource_name,
    pod_key,
    pod_priority,
    pod_requests,
    quantity_int,
)
from .interface import Code, Status

__all__ = [
    "DEFAULT_BIND_ALL_HOST_IP",
    "NO_NODE_AVAILABLE_MSG",
    "AffinityTerm",
    "Diagnosis",
    "FitError",
    "HostPortInfo",
    "ImageStateSummary",
    "NodeInfo",
    "NodeToStatus",
    "PodInfo",
    "PodResource",
    "QueuedPodInfo",
    "Resource",
    "WeightedAffinityTerm",
    "next_generation",
]

Obj = dict[str, Any]

#: ``DefaultBindAllHostIP``
DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0"
#: ``NoNodeAvailableMsg``
NO_NODE_AVAILABLE_MSG = "0/%d nodes are available"

_generation = itertools.count(1)


def next_generation() -> int:
    """``nextGeneration``: a process-wide, strictly increasing counter."""
    return next(_generation)


# -- resources ------------------------------------------------------------------------------------


class Resource:
    """``framework.Resource``: cpu in millicores, memory/ephemeral storage in bytes, the
    allowed pod number, and scalar (extended, hugepages...) resources."""

    __slots__ = ("allowed_pod_number", "ephemeral_storage", "memory", "milli_cpu",
                 "scalar_resources")

    def __init__(self, milli_cpu: int = 0, memory: int = 0, ephemeral_storage: int = 0,
                 allowed_pod_number: int = 0,
                 scalar_resources: dict[str, int] | None = None) -> None:
        self.milli_cpu = milli_cpu
        self.memory = memory
        self.ephemeral_storage = ephemeral_storage
        self.allowed_pod_number = allowed_pod_number
        self.scalar_resources: dict[str, int] = scalar_resources or {}

    @classmethod
    def from_resource_list(cls, rl: Mapping[str, Any] | None) -> Resource:
        """``NewResource(rl)`` from a quantity map such as ``status.allocatable``."""
        r = cls()
        r.add({name: quantity_int(name, q) for name, q in (rl or {}).items()})
        return r

    def add(self, rl: Mapping[str, int]) -> None:
        """``Add`` for requests already converted to ints (cpu in millicores)."""
        for name, v in rl.items():
            if name == "cpu":
                self.milli_cpu += v
            elif name == "memory":
                self.memory += v
            elif name == "pods":
                self.allowed_pod_number += v
            elif name == "ephemeral-storage":
                self.ephemeral_storage += v
            elif is_scalar_resource_name(name):
                self.scalar_resources[name] = self.scalar_resources.get(name, 0) + v

    def set_max_resource(self, rl: Mapping[str, int]) -> None:
        """``SetMaxResource``: per resource, the max of self and ``rl``."""
        for name, v in rl.items():
            if name == "cpu":
                self.milli_cpu = max(self.milli_cpu, v)
            elif name == "memory":
                self.memory = max(self.memory, v)
            elif name == "ephemeral-storage":
                self.ephemeral_storage = max(self.ephemeral_storage, v)
            elif is_scalar_resource_name(name):
                self.scalar_resources[name] = max(self.scalar_resources.get(name, 0), v)

    def clone(self) -> Resource:
        return Resource(self.milli_cpu, self.memory, self.ephemeral_storage,
                        self.allowed_pod_number, dict(self.scalar_resources))

    def as_tuple(self) -> tuple[Any, ...]:
        return (self.milli_cpu, self.memory, self.ephemeral_storage, self.allowed_pod_number,
                tuple(sorted(self.scalar_resources.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Resource) and self.as_tuple() == other.as_tuple()

    def __hash__(self) -> int:
        return hash(self.as_tuple())

    def __repr__(self) -> str:
        extra = f", scalar={self.scalar_resources}" if self.scalar_resources else ""
        return (f"Resource(milli_cpu={self.milli_cpu}, memory={self.memory}, "
                f"ephemeral_storage={self.ephemeral_storage}, "
                f"allowed_pod_number={self.allowed_pod_number}{extra})")


@dataclass(frozen=True)
class PodResource:
    """``fwk.PodResource``: the pod's requests and its non-zero cpu/memory for scoring."""

    resource: Resource
    non0_cpu: int
    non0_mem: int


@dataclass
class ImageStateSummary:
    """``fwk.ImageStateSummary``: an image's size and on how many nodes it is. ``nodes`` is
    the cache's live set of node names (shared), so ``num_nodes`` is always current."""

    size: int
    nodes: set[str] = field(default_factory=set)

    @property
    def num_nodes(self) -> int:
        return len(self.nodes)


class HostPortInfo(dict[str, set[tuple[str, int]]]):
    """``fwk.HostPortInfo``: ip → {(protocol, port)}; an empty ip means 0.0.0.0 and an empty
    protocol TCP; 0.0.0.0 conflicts with every ip."""

    @staticmethod
    def _sanitize(ip: str, protocol: str) -> tuple[str, str]:
        return ip or DEFAULT_BIND_ALL_HOST_IP, protocol or "TCP"

    def add(self, ip: str, protocol: str, port: int) -> None:
        if port <= 0:
            return
        ip, protocol = self._sanitize(ip, protocol)
        self.setdefault(ip, set()).add((protocol, port))

    def remove(self, ip: str, protocol: str, port: int) -> None:
        if port <= 0:
            return
        ip, protocol = self._sanitize(ip, protocol)
        ports = self.get(ip)
        if ports is not None:
            ports.discard((protocol, port))
            if not ports:
                del self[ip]

    def check_conflict(self, ip: str, protocol: str, port: int) -> bool:
        """``CheckConflict``.

        >>> h = HostPortInfo(); h.add("127.0.0.1", "TCP", 80)
        >>> h.check_conflict("", "TCP", 80), h.check_conflict("10.0.0.1", "TCP", 80)
        (True, False)
        """
        if port <= 0:
            return False
        ip, protocol = self._sanitize(ip, protocol)
        pp = (protocol, port)
        if ip == DEFAULT_BIND_ALL_HOST_IP:
            return any(pp in m for m in self.values())
        return any(pp in self.get(k, ()) for k in (DEFAULT_BIND_ALL_HOST_IP, ip))

    def len(self) -> int:
        return sum(len(v) for v in self.values())

    def clone(self) -> HostPortInfo:
        c = HostPortInfo()
        for k, v in self.items():
            c[k] = set(v)
        return c


# -- pods -----------------------------------------------------------------------------------------


class AffinityTerm:
    """``fwk.AffinityTerm``: a pod (anti-)affinity term with its namespaces resolved.

    ``namespaces`` defaults to the pod's own namespace when the term names none and has no
    ``namespaceSelector``; a missing ``namespaceSelector`` selects nothing, an empty one all.
    """

    __slots__ = ("namespace_selector", "namespaces", "selector", "topology_key")

    def __init__(self, namespaces: set[str], selector: Selector, topology_key: str,
                 namespace_selector: Selector) -> None:
        self.namespaces = namespaces
        self.selector = selector
        self.topology_key = topology_key
        self.namespace_selector = namespace_selector

    @classmethod
    def from_term(cls, pod: Mapping[str, Any], term: Mapping[str, Any]) -> AffinityTerm:
        """``newAffinityTerm``."""
        namespaces = set(term.get("namespaces") or ())
        if not namespaces and term.get("namespaceSelector") is None:
            namespaces = {(pod.get("metadata") or {}).get("namespace", "")}
        return cls(namespaces, label_selector_as_selector(term.get("labelSelector")),
                   term.get("topologyKey", ""),
                   label_selector_as_selector(term.get("namespaceSelector")))

    def matches(self, pod: Mapping[str, Any], ns_labels: Mapping[str, str] | None) -> bool:
        """``Matches``: the pod's namespace is selected and its labels match."""
        meta = pod.get("metadata") or {}
        if meta.get("namespace", "") in self.namespaces or \
                self.namespace_selector.matches(ns_labels or {}):
            return self.selector.matches(meta.get("labels") or {})
        return False


class WeightedAffinityTerm:
    __slots__ = ("term", "weight")

    def __init__(self, term: AffinityTerm, weight: int) -> None:
        self.term = term
        self.weight = weight


def _affinity_terms(pod: Obj, kind: str, required: bool) -> list[Any]:
    affinity = ((pod.get("spec") or {}).get("affinity") or {}).get(kind) or {}
    if required:
        return [AffinityTerm.from_term(pod, t)
                for t in affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or ()]
    return [WeightedAffinityTerm(AffinityTerm.from_term(pod, t.get("podAffinityTerm") or {}),
                                 int(t.get("weight") or 0))
            for t in affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or ()]


#: the affinity terms of a pod without pod (anti-)affinity: one shared, immutable empty tuple
#: instead of four new lists per PodInfo (the scheduler cache keeps one PodInfo per pod)
_NO_TERMS: tuple[Any, ...] = ()

#: :meth:`PodInfo.calculate_resource` results shared by pods with the same requests (most pods
#: of a workload): read-only, like upstream's ``PodResource``, so one object (and its
#: ``Resource``) serves them all instead of two more objects kept per cached pod. Keyed by the
#: requests as computed (name → int, in the pod's order) and the non-zero cpu/memory; cleared
#: when full.
_POD_RESOURCES: dict[tuple[Any, ...], PodResource] = {}
_POD_RESOURCES_MAX = 4096


class PodInfo:
    """``framework.PodInfo``: a pod plus pre-computed data (affinity terms, resources).

    Treat an info as read-only: the affinity term sequences of a pod without pod
    (anti-)affinity are one shared empty tuple, and :meth:`calculate_resource` returns an object
    shared with other pods that request the same resources."""

    __slots__ = (
        "_resource",
        "_signs",
        "key",
        "pod",
        "preferred_affinity_terms",
        "preferred_anti_affinity_terms",
        "priority",
        "required_affinity_terms",
        "required_anti_affinity_terms",
    )

    def __init__(self, pod: Obj) -> None:
        self.pod = pod
        self.key = pod_key(pod)
        #: ``spec.priority`` (0 when unset)
        self.priority = pod_priority(pod)
        affinity = (pod.get("spec") or {}).get("affinity")
        if affinity and (affinity.get("podAffinity") or affinity.get("podAntiAffinity")):
            self.required_affinity_terms: Sequence[AffinityTerm] = _affinity_terms(
                pod, "podAffinity", True)
            self.required_anti_affinity_terms: Sequence[AffinityTerm] = _affinity_terms(
                pod, "podAntiAffinity", True)
            self.preferred_affinity_terms: Sequence[WeightedAffinityTerm] = _affinity_terms(
                pod, "podAffinity", False)
            self.preferred_anti_affinity_terms: Sequence[WeightedAffinityTerm] = _affinity_terms(
                pod, "podAntiAffinity", False)
        else:  # no pod (anti-)affinity (most pods): no terms, one shared empty tuple
            self.required_affinity_terms = _NO_TERMS
            self.required_anti_affinity_terms = _NO_TERMS
            self.preferred_affinity_terms = _NO_TERMS
            self.preferred_anti_affinity_terms = _NO_TERMS
        self._resource: PodResource | None = None
        #: the per-plugin signatures (see :meth:`signature`), made on first use: most infos
        #: (the cache's) never need one
        self._signs: dict[str, Any] | None = None

    @property
    def uid(self) -> str:
        return str((self.pod.get("metadata") or {}).get("uid", ""))

    @property
    def namespace(self) -> str:
        return str((self.pod.get("metadata") or {}).get("namespace", ""))

    @property
    def name(self) -> str:
        return str((self.pod.get("metadata") or {}).get("name", ""))

    @property
    def labels(self) -> dict[str, str]:
        return (self.pod.get("metadata") or {}).get("labels") or {}

    def calculate_resource(self) -> PodResource:
        """``CalculateResource`` (cached): requests, and the non-zero cpu/memory (100m /
        200 MiB stand in for a pod that requests no cpu / no memory at all)."""
        if self._resource is None:
            requests = pod_requests(self.pod)
            pod_level = bool(((self.pod.get("spec") or {}).get("resources") or {})
                             .get("requests"))
            non_missing: dict[str, int] = {}
            if not pod_level:
                if "cpu" not in requests:
                    non_missing["cpu"] = DEFAULT_MILLI_CPU_REQUEST
                if "memory" not in requests:
                    non_missing["memory"] = DEFAULT_MEMORY_REQUEST
            non0 = pod_requests(self.pod, non_missing) if non_missing else requests
            key = (tuple(requests.items()), non0.get("cpu", 0), non0.get("memory", 0))
            shared = _POD_RESOURCES.get(key)
            if shared is None:
                res = Resource()
                res.add(requests)
                shared = PodResource(res, key[1], key[2])
                if len(_POD_RESOURCES) >= _POD_RESOURCES_MAX:
                    _POD_RESOURCES.clear()
                _POD_RESOURCES[key] = shared
            self._resource = shared
        return self._resource

    def for_pod(self, pod: Obj) -> PodInfo:
        """The info of ``pod``, another object of this pod (the informer's copy of an assumed
        pod, confirmed by the binding's watch event): when its key, labels and spec are this
        one's, the affinity terms, priority and resources — computed from those alone — are
        reused; the per-plugin signatures are not."""
        mine = self.pod
        if (pod_key(pod) != self.key or pod.get("spec") != mine.get("spec")
                or (pod.get("metadata") or {}).get("labels")
                != (mine.get("metadata") or {}).get("labels")):
            return PodInfo(pod)
        return self._sharing(pod)

    def _sharing(self, pod: Obj) -> PodInfo:
        """An info of ``pod`` that reuses this one's key, priority, affinity terms and
        resources (the caller knows they are the same); the per-plugin signatures are not."""
        pi = PodInfo.__new__(PodInfo)
        pi.pod = pod
        pi.key = self.key
        pi.priority = self.priority
        pi.required_affinity_terms = self.required_affinity_terms
        pi.required_anti_affinity_terms = self.required_anti_affinity_terms
        pi.preferred_affinity_terms = self.preferred_affinity_terms
        pi.preferred_anti_affinity_terms = self.preferred_anti_affinity_terms
        pi._resource = self._resource
        pi._signs = None
        return pi

    def assumed_on(self, node_name: str) -> PodInfo:
        """The info of a copy of this pod with ``spec.nodeName`` set to ``node_name`` (what the
        scheduler assumes): the affinity terms, priority and resources — which do not depend
        on ``nodeName`` — are reused; the per-plugin signatures are not."""
        mine = self.pod
        return self._sharing({**mine, "spec": {**(mine.get("spec") or {}), "nodeName": node_name}})

    def signature(self, name: str, make: Callable[[], Any]) -> Any:
        """A cached per-plugin signature fragment (see :mod:`..fastpath`)."""
        cache = self._signs
        if cache is None:
            cache = self._signs = {}
        try:
            return cache[name]
        except KeyError:
            v = cache[name] = make()
            return v

    @property
    def _sign_cache(self) -> dict[str, Any]:
        """The signatures computed so far (a new empty dict when there are none)."""
        signs = self._signs
        return {} if signs is None else signs

    def __repr__(self) -> str:
        return f"PodInfo({self.key})"


def pod_with_affinity(pod: Obj) -> bool:
    a = (pod.get("spec") or {}).get("affinity") or {}
    return bool(a.get("podAffinity") or a.get("podAntiAffinity"))


def pod_with_required_anti_affinity(pod: Obj) -> bool:
    a = ((pod.get("spec") or {}).get("affinity") or {}).get("podAntiAffinity") or {}
    return bool(a.get("requiredDuringSchedulingIgnoredDuringExecution"))


def pvc_keys(pod: Obj) -> list[str]:
    ns = (pod.get("metadata") or {}).get("namespace", "")
    return [f"{ns}/{v['persistentVolumeClaim'].get('claimName', '')}"
            for v in (pod.get("spec") or {}).get("volumes") or ()
            if v.get("persistentVolumeClaim")]


class NodeInfo:
    """``framework.NodeInfo``: node-level aggregated information (see the module docstring)."""

    __slots__ = ("_labels", "allocatable", "generation", "image_states", "name", "node",
                 "non_zero_requested", "pods", "pods_with_affinity",
                 "pods_with_required_anti_affinity", "pvc_ref_counts", "requested", "used_ports")

    def __init__(self, node: Obj | None = None, *pods: Obj) -> None:
        self.node: Obj | None = None
        #: the node's name ("" while the node object is unknown)
        self.name = ""
        self._labels: dict[str, str] = {}
        self.pods: list[PodInfo] = []
        self.pods_with_affinity: list[PodInfo] = []
        self.pods_with_required_anti_affinity: list[PodInfo] = []
        self.used_ports = HostPortInfo()
        self.requested = Resource()
        self.non_zero_requested = Resource()
        self.allocatable = Resource()
        self.image_states: dict[str, ImageStateSummary] = {}
        self.pvc_ref_counts: dict[str, int] = {}
        self.generation = next_generation()
        if node is not None:
            self.set_node(node)
        for p in pods:
            self.add_pod(p)

    # -- accessors --------------------------------------------------------------------------

    @property
    def labels(self) -> dict[str, str]:
        return self._labels

    @property
    def taints(self) -> list[Obj]:
        return [] if self.node is None else list((self.node.get("spec") or {}).get("taints")
                                                   or ())

    # -- mutation ---------------------------------------------------------------------------

    def set_node(self, node: Obj) -> None:
        """``SetNode``: allocatable from ``status.allocatable``."""
        self.node = node
        self.name = str(node["metadata"]["name"])
        self._labels = (node.get("metadata") or {}).get("labels") or {}
        self.allocatable = Resource.from_resource_list(
            (node.get("status") or {}).get("allocatable") or {})
        self.generation = next_generation()

    def remove_node(self) -> None:
        self.node = None
        self.name = ""
        self._labels = {}
        self.generation = next_generation()

    def add_pod(self, pod: Obj) -> PodInfo:
        pi = PodInfo(pod)
        self.add_pod_info(pi)
        return pi

    def add_pod_info(self, pi: PodInfo) -> None:
        """``AddPodInfo``."""
        self.pods.append(pi)
        if pod_with_affinity(pi.pod):
            self.pods_with_affinity.append(pi)
        if pod_with_required_anti_affinity(pi.pod):
            self.pods_with_required_anti_affinity.append(pi)
        self._update(pi, 1)

    def remove_pod(self, pod: Obj) -> PodInfo:
        """``RemovePod``; raises ``KeyError`` with upstream's message if absent."""
        key = pod_key(pod)
        for lst in (self.pods_with_affinity, self.pods_with_required_anti_affinity):
            for i, pi in enumerate(lst):
                if pi.key == key:
                    lst[i] = lst[-1]
                    lst.pop()
                    break
        for i, pi in enumerate(self.pods):
            if pi.key == key:
                self.pods[i] = self.pods[-1]
                self.pods.pop()
                self._update(pi, -1)
                return pi
        raise KeyError(f"no corresponding pod {(pod.get('metadata') or {}).get('name')} "
                       f"in pods of node {self.name}")

    def _update(self, pi: PodInfo, sign: int) -> None:
        res = pi.calculate_resource()
        r = res.resource
        req = self.requested
        req.milli_cpu += sign * r.milli_cpu
        req.memory += sign * r.memory
        req.ephemeral_storage += sign * r.ephemeral_storage
        for name, v in r.scalar_resources.items():
            req.scalar_resources[name] = req.scalar_resources.get(name, 0) + sign * v
        self.non_zero_requested.milli_cpu += sign * res.non0_cpu
        self.non_zero_requested.memory += sign * res.non0_mem
        for p in get_host_ports(pi.pod):
            if sign > 0:
                self.used_ports.add(p.get("hostIP", ""), p.get("protocol", ""),
                                    int(p.get("hostPort") or 0))
            else:
                self.used_ports.remove(p.get("hostIP", ""), p.get("protocol", ""),
                                       int(p.get("hostPort") or 0))
        for key in pvc_keys(pi.pod):
            n = self.pvc_ref_counts.get(key, 0) + sign
            if n <= 0:
                self.pvc_ref_counts.pop(key, None)
            else:
                self.pvc_ref_counts[key] = n
        self.generation = next_generation()

    def clone(self) -> NodeInfo:
        """``SnapshotConcrete``: a copy whose pod lists and counters can change independently
        (used by preemption's dry runs)."""
        c = NodeInfo.__new__(NodeInfo)
        c.node = self.node
        c.name = self.name
        c._labels = self._labels
        c.pods = list(self.pods)
        c.pods_with_affinity = list(self.pods_with_affinity)
        c.pods_with_required_anti_affinity = list(self.pods_with_required_anti_affinity)
        c.used_ports = self.used_ports.clone()
        c.requested = self.requested.clone()
        c.non_zero_requested = self.non_zero_requested.clone()
        c.allocatable = self.allocatable.clone()
        c.image_states = dict(self.image_states)
        c.pvc_ref_counts = dict(self.pvc_ref_counts)
        c.generation = self.generation
        return c

    def __repr__(self) -> str:
        return (f"NodeInfo({self.name!r}, pods={len(self.pods)}, requested={self.requested}, "
                f"allocatable={self.allocatable})")


# -- the queue's view of a pod ---------------------------------------------------------------------


class QueuedPodInfo:
    """``framework.QueuedPodInfo``: a pod with its scheduling-queue bookkeeping."""

    __slots__ = ("attempts", "backoff_expiration", "consecutive_errors_count", "gating_plugin",
                 "initial_attempt_timestamp", "pending_plugins", "pod_info", "timestamp",
                 "unschedulable_count", "unschedulable_plugins")

    def __init__(self, pod_info: PodInfo, timestamp: float, *plugins: str) -> None:
        self.pod_info = pod_info
        #: when the pod was added to the queue (virtual seconds)
        self.timestamp = timestamp
        self.attempts = 0
        self.unschedulable_count = 0
        self.consecutive_errors_count = 0
        self.initial_attempt_timestamp: float | None = None
        self.unschedulable_plugins: set[str] = set(plugins)
        self.pending_plugins: set[str] = set()
        self.gating_plugin = ""
        self.backoff_expiration = 0.0

    @property
    def pod(self) -> Obj:
        return self.pod_info.pod

    @property
    def key(self) -> str:
        return self.pod_info.key

    def gated(self) -> bool:
        return bool(self.gating_plugin)

    def __repr__(self) -> str:
        return f"QueuedPodInfo({self.key}, attempts={self.attempts})"


# -- failures ------------------------------------------------------------------------------------


class NodeToStatus:
    """``framework.NodeToStatus``: the status of each evaluated node that failed, and a status
    for all nodes absent from the map (by default ``UnschedulableAndUnresolvable``: they were
    excluded by a ``PreFilterResult``)."""

    __slots__ = ("absent_nodes_status", "node_to_status")

    def __init__(self, node_to_status: dict[str, Status] | None = None,
                 absent_nodes_status: Status | None = None) -> None:
        self.node_to_status: dict[str, Status] = node_to_status or {}
        self.absent_nodes_status = absent_nodes_status or Status(
            Code.UnschedulableAndUnresolvable)

    def get(self, node_name: str) -> Status:
        return self.node_to_status.get(node_name, self.absent_nodes_status)

    def set(self, node_name: str, status: Status) -> None:
        self.node_to_status[node_name] = status

    def __len__(self) -> int:
        return len(self.node_to_status)

    def items(self) -> Iterator[tuple[str, Status]]:
        return iter(self.node_to_status.items())

    def nodes_for_status_code(self, all_nodes: Sequence[Any], code: Code) -> list[Any]:
        """``NodesForStatusCode``: the node infos whose status has ``code`` (absent nodes
        included when the absent status has it)."""
        if self.absent_nodes_status.code == code:
            if not self.node_to_status:
                return list(all_nodes)
            return [n for n in all_nodes if self.get(n.name).code == code]
        by_name = {n.name: n for n in all_nodes}
        return [by_name[name] for name, st in self.node_to_status.items()
                if st.code == code and name in by_name]


@dataclass
class Diagnosis:
    """``framework.Diagnosis``: why a pod did not fit."""

    node_to_status: NodeToStatus = field(default_factory=NodeToStatus)
    unschedulable_plugins: set[str] = field(default_factory=set)
    pending_plugins: set[str] = field(default_factory=set)
    pre_filter_msg: str = ""
    post_filter_msg: str = ""

    def add_plugin_status(self, status: Status) -> None:
        """``AddPluginStatus``."""
        if not status.plugin:
            return
        if status.is_rejected():
            self.unschedulable_plugins.add(status.plugin)
        if status.code == Code.Pending:
            self.pending_plugins.add(status.plugin)


class FitError(Exception):
    """``framework.FitError``; ``str(err)`` is upstream's ``Error()``.

    >>> d = Diagnosis()
    >>> d.node_to_status.set("n1", Status(Code.Unschedulable, "Insufficient cpu"))
    >>> d.node_to_status.set("n2", Status(Code.UnschedulableAndUnresolvable,
    ...                                   "node(s) had untolerated taint(s)"))
    >>> d.node_to_status.set("n3", Status(Code.UnschedulableAndUnresolvable,
    ...                                   "node(s) had untolerated taint(s)"))
    >>> str(FitError({"metadata": {"name": "p"}}, 3, d))
    '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s).'
    """

    def __init__(self, pod: Obj, num_all_nodes: int, diagnosis: Diagnosis) -> None:
        super().__init__()
        self.pod = pod
        self.num_all_nodes = num_all_nodes
        self.diagnosis = diagnosis

    def reasons_histogram(self) -> dict[str, int]:
        """reason → number of nodes (absent nodes counted with the absent status)."""
        reasons: dict[str, int] = {}
        nts = self.diagnosis.node_to_status
        for _, status in nts.items():
            for r in status.reasons:
                reasons[r] = reasons.get(r, 0) + 1
        if len(nts) < self.num_all_nodes:
            for r in nts.absent_nodes_status.reasons:
                reasons[r] = reasons.get(r, 0) + self.num_all_nodes - len(nts)
        return reasons

    def __str__(self) -> str:
        msg = NO_NODE_AVAILABLE_MSG % self.num_all_nodes + ":"
        pre = self.diagnosis.pre_filter_msg
        if pre:
            msg += f" {pre}."
        else:
            histogram = sorted(f"{v} {k}" for k, v in self.reasons_histogram().items())
            if histogram:
                msg += " " + ", ".join(histogram) + "."
        if self.diagnosis.post_filter_msg:
            msg += " " + self.diagnosis.post_filter_msg
        return msg


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def canonical(value: Any) -> str:
    """A stable text for a JSON value (what signatures hash); ``""`` for empty values."""
    if not value:
        return ""
    return _CANONICAL.encode(value)


def iter_containers(pod: Obj) -> Iterable[Obj]:
    spec = pod.get("spec") or {}
    return [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]
