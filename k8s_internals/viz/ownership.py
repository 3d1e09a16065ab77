"""Who owns what: Deployment → ReplicaSet → Pod (from ``metadata.ownerReferences``) → Node
(from ``spec.nodeName``: where the pod runs — not ownership, drawn dashed).

Any object with owner references takes part (a StatefulSet's pods, a DaemonSet's pods, a Job's
pods, EndpointSlices owned by a Service); owners missing from the list are drawn as grey
placeholders named by the reference, as the garbage collector's graph knows them ("virtual"
nodes). Nodes are matched by name, everything else by uid.

Taught in notebooks/01-architecture.ipynb.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import graphviz

from ._common import digraph, label

__all__ = ["KIND_COLOURS", "PHASE_COLOURS", "object_id", "ownership"]

#: pod phase → fill colour (also used by the ClusterView widget)
PHASE_COLOURS: dict[str, str] = {
    "Pending": "#fff3cd",
    "Running": "#d1e7dd",
    "Succeeded": "#cfe2ff",
    "Failed": "#f8d7da",
    "Unknown": "#e2e3e5",
    "Terminating": "#e0cffc",
}

KIND_COLOURS: dict[str, str] = {
    "Deployment": "#cfe2ff",
    "ReplicaSet": "#e0cffc",
    "StatefulSet": "#cfe2ff",
    "DaemonSet": "#cfe2ff",
    "Job": "#cfe2ff",
    "Node": "#e9ecef",
}

_RANK = {"Deployment": 0, "StatefulSet": 0, "DaemonSet": 0, "CronJob": 0, "Job": 1,
         "ReplicaSet": 1, "ReplicationController": 1, "Service": 1, "Pod": 2, "Node": 3}


def object_id(kind: str, namespace: str, name: str) -> str:
    """The fixed DOT id of an object: ``Pod/default/web-1``, ``Node/node-1``."""
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def _summary(obj: Mapping[str, Any]) -> list[str]:
    kind = obj.get("kind", "")
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"):
        want = spec.get("replicas", 1)
        return [f"{status.get('readyReplicas', 0) or 0}/{want} ready"]
    if kind == "DaemonSet":
        return [f"{status.get('numberReady', 0)}/{status.get('desiredNumberScheduled', 0)} "
                "ready"]
    if kind == "Pod":
        return [_pod_phase(obj)]
    return []


def _pod_phase(pod: Mapping[str, Any]) -> str:
    if _meta(pod).get("deletionTimestamp"):
        return "Terminating"
    return str((pod.get("status") or {}).get("phase") or "Pending")


def ownership(objects: Iterable[Mapping[str, Any]], *, nodes: bool = True,
              title: str = "") -> graphviz.Digraph:
    """The ownership graph of ``objects`` (dicts as the API returns them, ``kind`` set).
    ``nodes=False`` leaves the Node column out."""
    objs = [o for o in objects if o.get("kind") and _meta(o).get("name")]
    objs.sort(key=lambda o: (_RANK.get(o["kind"], 2), o["kind"], _meta(o).get("namespace", ""),
                             _meta(o)["name"]))
    by_uid: dict[str, str] = {}
    node_names: set[str] = set()
    for o in objs:
        m = _meta(o)
        oid = object_id(o["kind"], m.get("namespace", ""), m["name"])
        if m.get("uid"):
            by_uid[m["uid"]] = oid
        if o["kind"] == "Node":
            node_names.add(m["name"])
    g = digraph("ownership", rankdir="LR", nodesep="0.2", ranksep="0.7")
    if title:
        g.attr(label=title, labelloc="t")
    edges: list[tuple[str, str, dict[str, str]]] = []
    virtual: dict[str, list[str]] = {}
    for o in objs:
        m = _meta(o)
        kind, ns, name = o["kind"], m.get("namespace", ""), m["name"]
        if kind == "Node" and not nodes:
            continue
        oid = object_id(kind, ns, name)
        fill = (PHASE_COLOURS.get(_pod_phase(o), "#ffffff") if kind == "Pod"
                else KIND_COLOURS.get(kind, "#f8f9fa"))
        g.node(oid, label(kind, name, *_summary(o)), fillcolor=fill)
        for ref in sorted(m.get("ownerReferences") or [],
                          key=lambda r: (r.get("kind", ""), r.get("name", ""))):
            owner = by_uid.get(ref.get("uid", ""))
            if owner is None:
                owner = object_id(ref.get("kind", "?"), ns, ref.get("name", "?"))
                virtual.setdefault(owner, [ref.get("kind", "?"), ref.get("name", "?")])
            attrs = {"penwidth": "2"} if ref.get("controller") else {"style": "dashed"}
            edges.append((owner, oid, attrs))
        if kind == "Pod" and nodes:
            node = (o.get("spec") or {}).get("nodeName")
            if node:
                nid = object_id("Node", "", node)
                if node not in node_names:
                    virtual.setdefault(nid, ["Node", node])
                edges.append((oid, nid, {"style": "dashed", "color": "#6c757d",
                                         "label": "runs on", "arrowhead": "open"}))
    for vid in sorted(virtual):
        kind, name = virtual[vid]
        g.node(vid, label(kind, name, "(not in the list)"), fillcolor="#f8f9fa",
               color="#adb5bd", fontcolor="#6c757d", style="rounded,filled,dashed")
    for a, b, attrs in sorted(edges, key=lambda e: (e[0], e[1])):
        g.edge(a, b, **attrs)
    return g
