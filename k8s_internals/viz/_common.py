"""Shared helpers for the diagrams: output (:func:`to_dot`, :func:`to_svg`), label escaping,
colours, and :func:`component_of` — which box of the architecture a user or watcher name is.

Everything here is deterministic: node ids are built from names (never ``id()``), inputs are
sorted before they are drawn, and the graph name is fixed (graphviz would otherwise print
``%3`` in the SVG title, which is stable too, but a name reads better).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import graphviz

__all__ = [
    "COMPONENT_COLOURS",
    "HIGHLIGHT",
    "OUTCOME_COLOURS",
    "component_kind",
    "component_of",
    "digraph",
    "label",
    "short_json",
    "svg_inline",
    "to_dot",
    "to_svg",
]

#: fill colours per outcome of a trace step (``Outcome.value``)
OUTCOME_COLOURS: dict[str, str] = {
    "ok": "#d1e7dd",
    "allowed": "#d1e7dd",
    "patched": "#fff3cd",
    "skipped": "#e2e3e5",
    "denied": "#f8d7da",
    "rejected": "#f8d7da",
    "error": "#f8d7da",
}

#: fill colours per component kind (see :func:`component_kind`)
COMPONENT_COLOURS: dict[str, str] = {
    "kubectl": "#cfe2ff",
    "kube-apiserver": "#ffe5b4",
    "etcd": "#e0cffc",
    "kube-controller-manager": "#d1e7dd",
    "kube-scheduler": "#f8d7da",
    "kubelet": "#cff4fc",
    "kube-proxy": "#e9ecef",
    "other": "#f8f9fa",
}

#: the colour of what a request or trace touched
HIGHLIGHT = "#d63384"

# kube-controller-manager's controllers write as kube-system service accounts named after them
# (``--use-service-account-credentials``); these are the ones not ending in ``-controller``.
_KCM_ACCOUNTS = frozenset({
    "generic-garbage-collector", "persistent-volume-binder", "root-ca-cert-publisher",
    "horizontal-pod-autoscaler", "pod-garbage-collector", "namespace-controller",
    "legacy-service-account-token-cleaner", "bootstrap-signer", "token-cleaner",
    "kube-controller-manager",
})


def component_of(name: str) -> str:
    """The architecture box for a trace's user (or :attr:`Trace.component`) or a watcher name.

    ``system:node:node-1`` / ``kubelet/node-1`` → ``kubelet/node-1``; ``system:kube-scheduler``
    → ``kube-scheduler``; ``system:kube-proxy`` → ``kube-proxy`` (``kube-proxy/node-1`` keeps
    its node, and kubeadm's ``kube-system:kube-proxy`` service account is kube-proxy too);
    kube-system service accounts of controllers, ``*-controller`` and
    ``kube-controller-manager`` → ``kube-controller-manager``; other kube-system service
    accounts (``coredns``) → the account name; ``system:apiserver`` → ``kube-apiserver``;
    anyone else is a user, drawn as ``kubectl``.

    >>> component_of("system:serviceaccount:kube-system:replicaset-controller")
    'kube-controller-manager'
    >>> component_of("system:node:node-2")
    'kubelet/node-2'
    """
    n = name.strip()
    if n.startswith("system:serviceaccount:kube-system:"):
        account = n.removeprefix("system:serviceaccount:kube-system:")
        if account == "kube-proxy":  # kubeadm runs kube-proxy as a DaemonSet with this account
            return "kube-proxy"
        if account in _KCM_ACCOUNTS or "controller" in account:
            return "kube-controller-manager"
        return account  # an add-on (coredns) or a learner's own component
    if n.startswith("system:node:"):
        return "kubelet/" + n.removeprefix("system:node:")
    if n.startswith("kubelet"):
        rest = n.removeprefix("kubelet").lstrip("/:-")
        return f"kubelet/{rest}" if rest else "kubelet"
    if n.startswith(("system:kube-proxy", "kube-proxy")):
        rest = n.split("kube-proxy", 1)[1].lstrip("/:-")
        return f"kube-proxy/{rest}" if rest else "kube-proxy"
    if "scheduler" in n:
        return "kube-scheduler"
    if n in ("system:apiserver", "kube-apiserver"):
        return "kube-apiserver"
    base = n.removeprefix("system:")
    if base.endswith("controller") or "controller-manager" in base or base in _KCM_ACCOUNTS:
        return "kube-controller-manager"
    return "kubectl"


def component_kind(component: str) -> str:
    """``kubelet/node-1`` → ``kubelet``; unknown names → ``other``."""
    base = component.split("/", 1)[0]
    return base if base in COMPONENT_COLOURS else "other"


def label(*lines: str, align: str = "center") -> str:
    """A DOT label from text lines: backslashes escaped, lines joined with ``\\n`` (centred)
    or ``\\l`` (left-aligned). Wrapped in :func:`graphviz.nohtml` so a line such as
    ``<none>`` is never taken for an HTML label."""
    esc = [ln.replace("\\", "\\\\") for ln in lines]
    if align == "left":
        return graphviz.nohtml("\\l".join(esc) + "\\l")
    return graphviz.nohtml("\\n".join(esc))


def short_json(value: Any, limit: int = 60) -> str:
    """Compact JSON, keys sorted, cut to ``limit`` characters with an ellipsis."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def digraph(name: str, **graph_attr: str) -> graphviz.Digraph:
    """A Digraph with a fixed name and the house style (Helvetica, rounded boxes)."""
    g = graphviz.Digraph(name=name)
    g.attr(fontname="Helvetica", fontsize="11", **graph_attr)
    g.attr("node", fontname="Helvetica", fontsize="10", shape="box", style="rounded,filled",
           fillcolor="#ffffff")
    g.attr("edge", fontname="Helvetica", fontsize="9")
    return g


def to_dot(graph: graphviz.Digraph) -> str:
    """The DOT source text (stable across runs: what tests and nbval should compare)."""
    return str(graph.source)


def to_svg(graph: graphviz.Digraph) -> str:
    """The SVG graphviz's ``dot`` draws (needs the ``dot`` program)."""
    data: bytes = graph.pipe(format="svg")
    return data.decode("utf-8")


_XML_HEAD = re.compile(r"^.*?(?=<svg)", re.S)


def svg_inline(graph: graphviz.Digraph) -> str:
    """The SVG without its XML declaration and DOCTYPE, ready to put inside HTML."""
    return _XML_HEAD.sub("", to_svg(graph), count=1)


def sorted_unique(items: Iterable[str]) -> list[str]:
    return sorted(set(items))
