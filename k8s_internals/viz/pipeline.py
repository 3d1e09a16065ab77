"""One request's pipeline, as the API server ran it: request-info → authentication (which
authenticator recognised the credential) → authorization (which rule allowed it) → each
mutating admission plugin (patched / ok / rejected, with the JSON patch it made) → validation →
each validating admission plugin → storage (etcd key and revision) → the watchers that were
told, and the HTTP answer.

Reads stop after authorization and go to storage; a rejected step ends the chain with the error
answer (401, 403, 422...). Everything comes from the request's :class:`~..api.trace.Trace`.

Taught in notebooks/00-start-here.ipynb, notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

import graphviz

from ..api.trace import Trace, TraceStep, WatchNotice
from ._common import COMPONENT_COLOURS, OUTCOME_COLOURS, digraph, label, short_json

__all__ = ["describe_step", "http_status", "pipeline", "watchers"]

_STAGE_TITLE = {
    "request-info": "request info",
    "authentication": "authentication",
    "authorization": "authorization",
    "decode": "decode",
    "mutating-admission": "mutating admission",
    "validation": "validation",
    "validating-admission": "validating admission",
    "storage": "storage (etcd)",
}

_WIDTH = 52


def _wrap(text: str, width: int = _WIDTH) -> list[str]:
    return textwrap.wrap(str(text), width, break_long_words=True, break_on_hyphens=False) or [""]


def http_status(code: int) -> str:
    """``201 Created``, ``403 Forbidden``..."""
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _patch_lines(patch: list[dict[str, Any]]) -> list[str]:
    out = []
    for op in patch:
        text = f"{op.get('op', '?')} {op.get('path', '')}"
        if "value" in op:
            text += " = " + short_json(op["value"], 44)
        if "from" in op:
            text += f" from {op['from']}"
        out.extend(_wrap(text))
    return out


def describe_step(step: TraceStep) -> tuple[str, list[str]]:
    """A step as a title (``authorization: RBAC``) and detail lines (what it decided)."""
    d = step.detail
    stage = step.step
    title = f"{_STAGE_TITLE.get(stage, stage)}: {step.plugin}" if step.plugin else stage
    lines: list[str] = []
    if stage == "request-info" and isinstance(d, dict):
        gv = "/".join(x for x in (d.get("apiGroup", ""), d.get("apiVersion", "")) if x)
        res = d.get("resource", "") + (f"/{d['subresource']}" if d.get("subresource") else "")
        lines.append(f"{d.get('verb', '')} {gv}/{res}".strip())
        where = "/".join(x for x in (d.get("namespace", ""), d.get("name", "")) if x)
        if where:
            lines.append(where)
    elif stage == "authentication" and isinstance(d, dict):
        user = d.get("user") or {}
        if user:
            lines.append(f"user: {user.get('name', user.get('username', ''))}")
            groups = user.get("groups") or []
            if groups:
                lines.extend(_wrap("groups: " + ", ".join(groups)))
        if d.get("error"):
            lines.extend(_wrap(str(d["error"])))
        for a in d.get("attempts") or []:
            lines.extend(_wrap(f"· {a}"))
    elif stage == "mutating-admission" and isinstance(d, list):
        lines.extend(_patch_lines(d))
    elif stage == "storage" and isinstance(d, dict):
        if "key" in d:
            lines.append(str(d["key"]))
        if "revision" in d:
            lines.append(f"revision {d['revision']}")
        for k in sorted(set(d) - {"key", "revision"}):
            lines.extend(_wrap(f"{k}: {short_json(d[k])}"))
    elif isinstance(d, list):
        for item in d:
            lines.extend(_wrap(f"· {item}" if not isinstance(item, dict) else short_json(item)))
    elif isinstance(d, dict):
        for k in sorted(d):
            lines.extend(_wrap(f"{k}: {short_json(d[k], 48)}"))
    elif d is not None and d != "":
        lines.extend(_wrap(str(d)))
    return title, lines


def watchers(notices: Iterable[WatchNotice]) -> list[tuple[str, list[WatchNotice]]]:
    """Notices grouped by watcher, in the order the watchers were told (then by name)."""
    groups: dict[str, list[WatchNotice]] = {}
    for n in sorted(notices, key=lambda n: (n.time, n.watcher, n.revision, n.event_type)):
        groups.setdefault(n.watcher, []).append(n)
    return list(groups.items())


def pipeline(trace: Trace, *, max_watchers: int = 12) -> graphviz.Digraph:
    """The diagram of one request (see the module docstring). ``max_watchers`` bounds the fan
    out at the end (the rest are counted in one box)."""
    g = digraph("pipeline", rankdir="TB", nodesep="0.25", ranksep="0.3")
    g.attr(label=label(trace.summary()), labelloc="t")
    g.node("client", label(trace.component or trace.user or "(anonymous)",
                           f"{trace.verb} {trace.target}".strip()),
           fillcolor=COMPONENT_COLOURS["kubectl"], shape="box")
    prev = "client"
    order: list[tuple[str, list[tuple[str, str, str]]]] = []
    rejected = False
    for i, step in enumerate(trace.steps):
        sid = f"step{i}"
        title, lines = describe_step(step)
        if step.step in ("mutating-admission", "validating-admission"):
            title = step.plugin  # the cluster around them names the stage
        outcome = step.outcome.value
        text = label(title, *lines, f"[{outcome}]", align="left")
        attrs = {"fillcolor": OUTCOME_COLOURS.get(outcome, "#ffffff")}
        if step.step in ("mutating-admission", "validating-admission"):
            if not order or order[-1][0] != step.step:
                order.append((step.step, []))
            order[-1][1].append((sid, text, attrs["fillcolor"]))
        else:
            g.node(sid, text, **attrs)
        g.edge(prev, sid)
        prev = sid
        if outcome in ("rejected", "denied", "error"):
            rejected = True
            break
    for n, (stage, members) in enumerate(order):
        name = f"cluster_{n}_{stage.replace('-', '_')}"
        with g.subgraph(name=name) as sub:
            sub.attr(label=_STAGE_TITLE[stage], style="dashed", color="#6c757d")
            for sid, text, fill in members:
                sub.node(sid, text, fillcolor=fill)
    bad = trace.code >= 400 or rejected
    answer = [f"HTTP {http_status(trace.code)}" if trace.code else "no answer"]
    if trace.error:
        answer.extend(_wrap(trace.error))
    g.node("response", label(*answer), shape="note", style="filled",
           fillcolor=OUTCOME_COLOURS["rejected" if bad else "ok"])
    g.edge(prev, "response", style="bold")
    groups = watchers(trace.notified)
    if groups and not bad:
        store = prev
        for i, (watcher, notes) in enumerate(groups[:max_watchers]):
            first = notes[0]
            types = list(dict.fromkeys(n.event_type for n in notes))
            lines = [watcher, f"{', '.join(types)} {first.resource}"
                     + (f" ×{len(notes)}" if len(notes) > len(types) else ""),
                     f"t={first.time:.3f}"]
            wid = f"watcher{i}"
            g.node(wid, label(*lines), fillcolor=COMPONENT_COLOURS["other"], shape="box")
            g.edge(store, wid, style="dashed", label="watch event")
        rest = groups[max_watchers:]
        if rest:
            g.node("watchers_more", label(f"+{len(rest)} more watchers"), shape="plaintext",
                   style="")
            g.edge(store, "watchers_more", style="dashed")
    return g
