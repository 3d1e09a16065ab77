"""A packet's path as kube-proxy's rules (and the cluster DNS) handled it: one box per
:class:`~..node.proxy.types.Hop`, in order, coloured by who acted, with the packet's addresses
on the edges — what ``cluster.curl(...)`` reports hop by hop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import graphviz

from ._common import digraph, label

__all__ = ["HOP_COLOURS", "HopLike", "hops_graph"]

HOP_COLOURS: dict[str, str] = {
    "kernel": "#e9ecef",
    "iptables": "#fff3cd",
    "ipvs": "#ffe5b4",
    "kube-proxy": "#e9ecef",
    "dns": "#cfe2ff",
    "pod": "#d1e7dd",
}


class HopLike(Protocol):
    """What :class:`~k8s_internals.node.proxy.types.Hop` provides."""

    component: str
    where: str
    action: str
    detail: str
    rule: str
    src: str
    dst: str


def _hops(value: Any) -> list[HopLike]:
    """A hop list, or anything with ``.hops`` (a curl result)."""
    hops = getattr(value, "hops", value)
    return list(hops() if callable(hops) else hops)


def hops_graph(hops: Iterable[HopLike] | Any, *, title: str = "",
               show_rules: bool = True) -> graphviz.Digraph:
    """The hop list as a left-to-right chain (see the module docstring)."""
    items: Sequence[HopLike] = _hops(hops)
    g = digraph("hops", rankdir="TB", nodesep="0.2", ranksep="0.3")
    if title:
        g.attr(label=label(title), labelloc="t")
    prev = ""
    for i, h in enumerate(items):
        hid = f"hop{i}"
        lines = [f"{h.component}  {h.where}", f"{h.action}" + (f": {h.detail}" if h.detail
                                                              else "")]
        if show_rules and h.rule:
            rule = h.rule if len(h.rule) <= 90 else h.rule[:89] + "…"
            lines.append(rule)
        fill = HOP_COLOURS.get(h.component, "#f8f9fa")
        if h.action in ("drop", "reject"):
            fill = "#f8d7da"
        elif h.action == "deliver":
            fill = "#d1e7dd"
        g.node(hid, label(*lines, align="left"), fillcolor=fill)
        if prev:
            addr = f"{h.src} → {h.dst}" if h.src or h.dst else ""
            if addr:
                g.edge(prev, hid, label(addr))
            else:
                g.edge(prev, hid)
        prev = hid
    if not items:
        g.node("none", label("no hops"), shape="plaintext", style="")
    return g
