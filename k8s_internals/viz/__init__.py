"""Diagrams drawn from the live run: pure functions, state or traces in, a
:class:`graphviz.Digraph` out (``to_dot(g)`` for the DOT text, ``to_svg(g)`` for the SVG).

- :func:`architecture` — the components, with what a request or a flow touched highlighted;
- :func:`pipeline` — one request through authn → authz → admission → validation → storage →
  watchers;
- :func:`causal_graph` — a whole flow from a root request, clustered by component;
- :func:`ownership` — Deployment → ReplicaSet → Pods → Nodes;
- :func:`hops_graph` — a packet's path through kube-proxy's rules;
- :func:`step_chart` — replica counts over time, as plain SVG.

Output is stable across runs: node ids come from names and ids in the data, inputs are sorted.

Taught in notebooks/00-start-here.ipynb.
"""

from ._common import component_of, label, svg_inline, to_dot, to_svg
from .architecture import architecture
from .causal import causal_graph, causal_tree
from .network import hops_graph
from .ownership import ownership
from .pipeline import describe_step, pipeline
from .timeline import step_chart

__all__ = [
    "architecture",
    "causal_graph",
    "causal_tree",
    "component_of",
    "describe_step",
    "hops_graph",
    "label",
    "ownership",
    "pipeline",
    "step_chart",
    "svg_inline",
    "to_dot",
    "to_svg",
]
