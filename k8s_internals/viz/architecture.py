"""The architecture diagram: kubectl, the API server, etcd, the controller manager, the
scheduler, and a kubelet and a kube-proxy per node — with what a request (or a whole flow of
traces) touched drawn in colour.

Every component is a client of the API server; only the API server talks to etcd. The edges say
so: they all point at ``kube-apiserver`` (a component lists, watches and writes), and one edge
goes on to ``etcd``. Given traces, the diagram counts on each edge the requests a component made
and the watch events it was sent, and highlights the boxes and edges that carried them.

Taught in notebooks/01-architecture.ipynb.

>>> g = architecture(["node-1"], highlight=["kube-scheduler"])
>>> '"kube-scheduler" -> "kube-apiserver"' in g.source
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import graphviz

from ..api.trace import Trace
from ._common import COMPONENT_COLOURS, HIGHLIGHT, component_of, digraph, label

__all__ = ["CONTROL_PLANE", "architecture", "touched_components"]

#: the control-plane boxes, in drawing order
CONTROL_PLANE: tuple[str, ...] = (
    "kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler")

_ROLE = {
    "kubectl": "a user (kubectl)",
    "kube-apiserver": "authn → authz → admission\nvalidation → storage → watch",
    "etcd": "/registry/...",
    "kube-controller-manager": "controllers: deployment,\nreplicaset, endpoints, ...",
    "kube-scheduler": "filter → score → bind",
}

_EDGE_LABEL = {
    "kubectl": "REST",
    "kube-controller-manager": "list/watch, write",
    "kube-scheduler": "watch pods, bind",
    "kubelet": "watch pods, status",
    "kube-proxy": "watch services,\nendpointslices",
}


def _expand(component: str, nodes: Sequence[str]) -> list[str]:
    """``kube-proxy`` (shared identity, no node) → every node's kube-proxy; likewise a bare
    ``kubelet``."""
    if component in ("kube-proxy", "kubelet"):
        return [f"{component}/{n}" for n in nodes]
    return [component]


def touched_components(traces: Iterable[Trace], nodes: Sequence[str] = ()
                       ) -> tuple[Counter[str], Counter[str], bool]:
    """From traces: requests per component, watch events per watching component, and whether
    anything was written to etcd."""
    requests: Counter[str] = Counter()
    notices: Counter[str] = Counter()
    wrote = False
    for t in traces:
        for c in _expand(component_of(t.user or t.component), nodes):
            requests[c] += 1
        wrote = wrote or bool(t.writes)
        for n in t.notified:
            for c in _expand(component_of(n.watcher), nodes):
                notices[c] += 1
    return requests, notices, wrote


def architecture(
    nodes: Sequence[str | Mapping[str, Any]] = ("node-1", "node-2", "node-3"),
    *,
    highlight: Iterable[str] = (),
    traces: Iterable[Trace] | None = None,
    title: str = "",
) -> graphviz.Digraph:
    """The cluster's components; ``highlight`` names boxes to colour (``kube-scheduler``,
    ``kubelet/node-1``, ``etcd``...), ``traces`` colours what those requests touched and
    counts them on the edges. ``nodes`` are names or Node objects (``cluster.nodes()``)."""
    names = sorted(n if isinstance(n, str) else str((n.get("metadata") or {}).get("name", ""))
                   for n in nodes)
    requests, notices, wrote = touched_components(traces or (), names)
    lit = {c for h in highlight for c in _expand(h, names)}
    lit |= set(requests) | set(notices)
    if requests or notices:
        lit.add("kube-apiserver")
    if wrote:
        lit |= {"kube-apiserver", "etcd"}

    g = digraph("architecture", rankdir="TB", nodesep="0.3", ranksep="0.6")
    if title:
        g.attr(label=title, labelloc="t")

    def box(sub: graphviz.Digraph, cid: str, text: str, kind: str) -> None:
        on = cid in lit
        sub.node(cid, label(*text.split("\n")), fillcolor=COMPONENT_COLOURS[kind],
                 color=HIGHLIGHT if on else "#495057", penwidth="3" if on else "1",
                 shape="cylinder" if kind == "etcd" else "box",
                 style="filled" if kind == "etcd" else "rounded,filled")

    box(g, "kubectl", "kubectl\n" + _ROLE["kubectl"], "kubectl")
    with g.subgraph(name="cluster_control_plane") as cp:
        cp.attr(label="control plane", style="dashed", color="#6c757d")
        for cid in CONTROL_PLANE:
            box(cp, cid, f"{cid}\n{_ROLE[cid]}", cid)
    for n in names:
        with g.subgraph(name=f"cluster_node_{n}") as sub:
            sub.attr(label=n, style="dashed", color="#6c757d")
            box(sub, f"kubelet/{n}", "kubelet", "kubelet")
            box(sub, f"kube-proxy/{n}", "kube-proxy", "kube-proxy")

    def edge(src: str, kind: str) -> None:
        r, w = requests.get(src, 0), notices.get(src, 0)
        counts = []
        if r:
            counts.append(f"{r} request{'s' * (r != 1)}")
        if w:
            counts.append(f"{w} watch event{'s' * (w != 1)}")
        text = _EDGE_LABEL[kind] + ("\n" + ", ".join(counts) if counts else "")
        on = src in lit
        g.edge(src, "kube-apiserver", label(*text.split("\n")), dir="both" if w else "forward",
               color=HIGHLIGHT if on else "#6c757d", penwidth="2.5" if on else "1",
               fontcolor=HIGHLIGHT if on else "#212529")

    edge("kubectl", "kubectl")
    edge("kube-controller-manager", "kube-controller-manager")
    edge("kube-scheduler", "kube-scheduler")
    for n in names:
        edge(f"kubelet/{n}", "kubelet")
        edge(f"kube-proxy/{n}", "kube-proxy")
    on = "etcd" in lit
    g.edge("kube-apiserver", "etcd", label("gRPC (only the API server)"),
           color=HIGHLIGHT if on else "#6c757d", penwidth="2.5" if on else "1",
           fontcolor=HIGHLIGHT if on else "#212529")
    return g

