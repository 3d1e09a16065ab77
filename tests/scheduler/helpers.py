"""Builders shaped like upstream's ``pkg/scheduler/testing`` wrappers (``st.MakePod()``,
``st.MakeNode()``) and a small harness to run one plugin's extension points over node infos."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from k8s_internals.scheduler.cache import Cache
from k8s_internals.scheduler.framework.cycle_state import CycleState
from k8s_internals.scheduler.framework.interface import NodeScore, Status
from k8s_internals.scheduler.framework.types import NodeInfo
from k8s_internals.scheduler.listers import StaticListers

Obj = dict[str, Any]


def make_node(name: str, capacity: Mapping[str, Any] | None = None, *,
              labels: Mapping[str, str] | None = None,
              taints: Sequence[Mapping[str, Any]] = (), unschedulable: bool = False,
              images: Sequence[tuple[Sequence[str], int]] = ()) -> Obj:
    """``st.MakeNode().Name(name).Capacity(capacity)``: allocatable = capacity."""
    cap = {k: str(v) for k, v in (capacity or {}).items()}
    spec: Obj = {}
    if taints:
        spec["taints"] = [dict(t) for t in taints]
    if unschedulable:
        spec["unschedulable"] = True
    status: Obj = {"capacity": dict(cap), "allocatable": dict(cap)}
    if images:
        status["images"] = [{"names": list(n), "sizeBytes": s} for n, s in images]
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": dict(labels or {})},
            "spec": spec, "status": status}


def milli_node(name: str, milli_cpu: int, memory: int,
               scalar: Mapping[str, int] | None = None) -> Obj:
    """``makeNode(name, milliCPU, memory, extended)`` of the noderesources tests."""
    cap: dict[str, Any] = {"cpu": f"{milli_cpu}m", "memory": str(memory), "pods": "110"}
    for k, v in (scalar or {}).items():
        cap[k] = str(v)
    return make_node(name, cap)


_counter = [0]


def make_pod(name: str = "", *reqs: Mapping[str, Any], node: str = "", namespace: str = "default",
             labels: Mapping[str, str] | None = None, priority: int | None = None,
             tolerations: Sequence[Mapping[str, Any]] = (),
             node_selector: Mapping[str, str] | None = None,
             affinity: Mapping[str, Any] | None = None,
             host_ports: Sequence[int] = (), images: Sequence[str] = (),
             spread: Sequence[Mapping[str, Any]] = (), volumes: Sequence[Mapping[str, Any]] = (),
             scheduler_name: str = "default-scheduler", **spec_extra: Any) -> Obj:
    """``st.MakePod()``: each ``reqs`` mapping adds a container with those requests; ``images``
    adds containers without requests."""
    if not name:
        _counter[0] += 1
        name = f"pod-{_counter[0]}"
    containers: list[Obj] = []
    for i, r in enumerate(reqs):
        containers.append({"name": f"c{i}", "image": "pause",
                           "resources": {"requests": {k: str(v) for k, v in r.items()}}})
    for i, img in enumerate(images):
        containers.append({"name": f"i{i}", "image": img})
    if host_ports:
        if not containers:
            containers.append({"name": "c", "image": "pause"})
        containers[0]["ports"] = [{"containerPort": p, "hostPort": p, "protocol": "TCP"}
                                  for p in host_ports]
    spec: Obj = {"containers": containers, "schedulerName": scheduler_name}
    if node:
        spec["nodeName"] = node
    if priority is not None:
        spec["priority"] = priority
    if tolerations:
        spec["tolerations"] = [dict(t) for t in tolerations]
    if node_selector is not None:
        spec["nodeSelector"] = dict(node_selector)
    if affinity is not None:
        spec["affinity"] = affinity
    if spread:
        spec["topologySpreadConstraints"] = [dict(s) for s in spread]
    if volumes:
        spec["volumes"] = [dict(v) for v in volumes]
    spec.update(spec_extra)
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}",
                         "labels": dict(labels or {})},
            "spec": spec, "status": {}}


class FakeHandle:
    """A framework handle over a cache built from nodes and pods (``NewSnapshot(pods, nodes)``)."""

    def __init__(self, nodes: Iterable[Obj] = (), pods: Iterable[Obj] = (), **listers: Any
                 ) -> None:
        self.cache = Cache()
        for n in nodes:
            self.cache.add_node(n)
        for p in pods:
            self.cache.add_pod(p)
        self._listers = StaticListers(**listers)
        self.client = None
        self.kernel = None
        self.recorder = None
        self.nominator = None
        self.profile_name = "default-scheduler"

    @property
    def snapshot(self) -> Cache:
        return self.cache

    def lister(self, resource: str) -> Any:
        return self._listers.lister(resource)

    def node_infos(self) -> list[NodeInfo]:
        return self.cache.list()


def run_filter(plugin: Any, pod: Obj, handle: FakeHandle,
               state: CycleState | None = None) -> dict[str, Status | None]:
    """PreFilter (if any) then Filter on every node: node → status (None = fits)."""
    state = state or CycleState()
    nodes = handle.node_infos()
    if hasattr(plugin, "pre_filter"):
        _, st = plugin.pre_filter(state, pod, nodes)
        if st is not None and st.is_skip():
            return {ni.name: None for ni in nodes}
        if st is not None and not st.is_success():
            return {ni.name: st for ni in nodes}
    return {ni.name: plugin.filter(state, pod, ni) for ni in nodes}


def run_score(plugin: Any, pod: Obj, handle: FakeHandle, *, pre_score: bool = True,
              normalize: bool = True) -> list[int] | Status:
    """PreScore (unless disabled), Score and NormalizeScore over every node."""
    state = CycleState()
    nodes = handle.node_infos()
    if pre_score and hasattr(plugin, "pre_score"):
        st = plugin.pre_score(state, pod, nodes)
        if st is not None and not st.is_success():
            return st
    scores = []
    for ni in nodes:
        r = plugin.score(state, pod, ni)
        s, st = r if isinstance(r, tuple) else (r, None)
        if st is not None and not st.is_success():
            return st
        scores.append(NodeScore(ni.name, s))
    ext = getattr(plugin, "score_extensions", lambda: None)()
    if normalize and ext is not None:
        ext.normalize_score(state, pod, scores)
    return [s.score for s in scores]


def codes(statuses: Mapping[str, Status | None]) -> dict[str, str]:
    return {n: ("Success" if s is None else s.code.name) for n, s in statuses.items()}


def messages(statuses: Mapping[str, Status | None]) -> dict[str, str]:
    return {n: ("" if s is None else s.message()) for n, s in statuses.items()}
