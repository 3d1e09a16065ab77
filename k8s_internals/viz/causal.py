"""The causal graph of a whole flow: every request that followed from a root request, who made
it, and what it caused — clustered by component, in time order.

A request made while a component handled a watch event carries the id of the request whose
write produced the event (``Trace.parent_id``), so ``kubectl apply`` of a Deployment yields one
tree: the Deployment's create → the deployment controller's ReplicaSet create → the replicaset
controller's pod creates → the scheduler's bindings → the kubelets' status updates.

Each request is one box (``req-7 t=1.250 / create pods/binding / default/x → 201``) inside the
cluster of the component that made it; an edge goes from a request to each request it caused,
labelled with the watch event that carried the cause when the trace recorded it. Within a
component, invisible edges keep the boxes in time order (top to bottom).

Taught in notebooks/08-all-together.ipynb.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import graphviz
import networkx as nx

from ..api.trace import Trace
from ._common import (
    COMPONENT_COLOURS,
    OUTCOME_COLOURS,
    component_kind,
    component_of,
    digraph,
    label,
)

__all__ = ["causal_graph", "causal_tree", "component_rank"]

_READS = frozenset({"get", "list", "watch"})
_NUM = re.compile(r"(\d+)")


def _id_key(trace_id: str) -> tuple[object, ...]:
    """``req-9`` sorts before ``req-10``."""
    return tuple(int(p) if p.isdigit() else p for p in _NUM.split(trace_id))


def _order(t: Trace) -> tuple[object, ...]:
    return (t.start, _id_key(t.id))


def component_rank(component: str) -> tuple[int, str]:
    """Clusters left to right: kubectl, controller manager, scheduler, kubelets, kube-proxies,
    anything else (then by name)."""
    kinds = ["kubectl", "kube-apiserver", "kube-controller-manager", "kube-scheduler",
             "kubelet", "kube-proxy"]
    k = component_kind(component)
    return (kinds.index(k) if k in kinds else len(kinds), component)


def causal_tree(traces: Iterable[Trace], root: Trace | str, *, reads: bool = True,
                max_requests: int | None = None) -> nx.DiGraph:
    """The flow under ``root`` as a networkx DiGraph of trace ids (attribute ``trace``), built
    from ``parent_id``. ``reads=False`` drops get/list/watch requests that caused nothing.
    ``max_requests`` keeps the earliest requests only (the graph stays connected)."""
    root_id = root if isinstance(root, str) else root.id
    by_id: dict[str, Trace] = {}
    g: nx.DiGraph = nx.DiGraph()
    for t in traces:
        by_id[t.id] = t
    for t in by_id.values():
        g.add_node(t.id, trace=t)
        if t.parent_id is not None and t.parent_id in by_id:
            g.add_edge(t.parent_id, t.id)
    if root_id not in g:
        return nx.DiGraph()
    keep = {root_id} | nx.descendants(g, root_id)
    tree: nx.DiGraph = g.subgraph(keep).copy()
    if not reads:
        drop = [n for n in tree if n != root_id and tree.nodes[n]["trace"].verb in _READS
                and tree.out_degree(n) == 0]
        tree.remove_nodes_from(drop)
    if max_requests is not None and tree.number_of_nodes() > max_requests:
        ordered = sorted(tree.nodes, key=lambda n: _order(tree.nodes[n]["trace"]))
        kept: set[str] = set()
        for n in ordered:
            if len(kept) >= max_requests:
                break
            # a request stays only with its whole chain of causes
            chain = {n} | nx.ancestors(tree, n)
            if len(kept | chain) <= max_requests:
                kept |= chain
        tree = tree.subgraph(kept).copy()
    return tree


def _edge_label(parent: Trace, child: Trace) -> str:
    """The watch event that told the child's component about the parent's write."""
    comp = component_of(child.user or child.component)
    best = None
    for n in parent.notified:
        if n.time <= child.start and component_of(n.watcher).split("/")[0] == comp.split("/")[0]:
            best = n if best is None or (n.time, n.watcher) > (best.time, best.watcher) else best
    return f"{best.event_type} {best.resource}" if best is not None else ""


def causal_graph(traces: Iterable[Trace], root: Trace | str, *, reads: bool = True,
                 max_requests: int | None = 200) -> graphviz.Digraph:
    """The diagram of the flow under ``root`` (see the module docstring)."""
    tree = causal_tree(traces, root, reads=reads, max_requests=max_requests)
    g = digraph("causal", rankdir="TB", nodesep="0.25", ranksep="0.35", newrank="true")
    if tree.number_of_nodes() == 0:
        g.node("empty", label("no request with that id"), shape="plaintext", style="")
        return g
    items = sorted((tree.nodes[n]["trace"] for n in tree), key=_order)
    by_comp: dict[str, list[Trace]] = {}
    for t in items:
        by_comp.setdefault(component_of(t.user or t.component), []).append(t)
    root_id = root if isinstance(root, str) else root.id
    for ci, comp in enumerate(sorted(by_comp, key=component_rank)):
        with g.subgraph(name=f"cluster_{ci}") as sub:
            kind = component_kind(comp)
            sub.attr(label=comp, style="rounded,filled", color="#adb5bd",
                     fillcolor=COMPONENT_COLOURS[kind] + "55")
            members = by_comp[comp]
            for t in members:
                who = t.user if component_of(t.user) != t.user else ""
                who = who.removeprefix("system:serviceaccount:kube-system:")
                lines = [f"{t.id}  t={t.start:.3f}", f"{t.verb} {t.target}".strip()]
                if who and who != comp:
                    lines.append(f"as {who}")
                lines.append(f"→ {t.code}" + (f" ({len(t.writes)} write"
                                               f"{'s' * (len(t.writes) != 1)})"
                                               if t.writes else ""))
                ok = 0 < t.code < 400
                fill = OUTCOME_COLOURS["ok" if ok else "rejected"]
                if t.verb in _READS and ok:
                    fill = OUTCOME_COLOURS["skipped"]
                sub.node(t.id, label(*lines), fillcolor=fill,
                         penwidth="2.5" if t.id == root_id else "1")
            for a, b in itertools.pairwise(members):
                sub.edge(a.id, b.id, style="invis", weight="10")
    for t in items:
        for child in sorted(tree.successors(t.id), key=lambda c: _order(tree.nodes[c]["trace"])):
            ct: Trace = tree.nodes[child]["trace"]
            text = _edge_label(t, ct)
            if text:
                g.edge(t.id, child, label(text))
            else:
                g.edge(t.id, child)
    return g
