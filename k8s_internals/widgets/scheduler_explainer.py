"""SchedulerExplainer: why a pod went where it went — a node × plugin table with each Filter
plugin's verdict (passed, or the reason it failed; plugins after the first failure did not run)
and each Score plugin's weighted score (raw → normalized), the total, and the winner
highlighted.

The record is the scheduler's explain record (``cluster.explain("ns/name")``, an
:class:`~k8s_internals.scheduler.explain.Attempt`), or the explain annotations on a pod
(``k8s-internals.io/filter-result`` ...) when only the pod is at hand. With a cluster, the view
re-reads the record when the tracer sees the pod bound or its status written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import ipywidgets as W

from ..api.trace import Trace
from ._base import View, esc

__all__ = ["ExplainRow", "ExplainTable", "SchedulerExplainer", "explain_table"]

PASSED = "passed"
_PREFIX = "k8s-internals.io/"


class NodeResultLike(Protocol):
    node: str
    filters: dict[str, str]
    scores: dict[str, tuple[int, int, int]]
    total: int | None


class AttemptLike(Protocol):
    """What the views read from :class:`~k8s_internals.scheduler.explain.Attempt`."""

    pod: str
    result: str
    selected_node: str | None
    message: str

    def nodes(self) -> list[Any]: ...


@dataclass
class ExplainRow:
    """One node: filter verdicts by plugin, scores ``(raw, normalized, weighted)`` by plugin
    (``normalized`` is -1 when the record does not have it), total."""

    node: str
    filters: dict[str, str]
    scores: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    total: int | None = None

    @property
    def feasible(self) -> bool:
        return all(v == PASSED for v in self.filters.values())


@dataclass
class ExplainTable:
    """A scheduling attempt as a table."""

    pod: str
    result: str
    selected: str | None
    message: str
    filter_plugins: list[str]
    score_plugins: list[str]
    rows: list[ExplainRow]
    summary: dict[str, Any] = field(default_factory=dict)


def _ordered_union(lists: list[list[str]]) -> list[str]:
    out: list[str] = []
    for lst in lists:
        for p in lst:
            if p not in out:
                out.append(p)
    return out


def _sort_rows(rows: list[ExplainRow], selected: str | None) -> list[ExplainRow]:
    """The winner first, then feasible nodes by total (best first), then filtered nodes; ties
    by name."""
    return sorted(rows, key=lambda r: (r.node != selected, not r.feasible, -(r.total or 0),
                                       r.node))


def _from_annotations(pod: Mapping[str, Any]) -> ExplainTable:
    meta = pod.get("metadata") or {}
    ann = meta.get("annotations") or {}

    def load(name: str) -> Any:
        raw = ann.get(_PREFIX + name)
        return json.loads(raw) if raw else {}

    filters: dict[str, dict[str, str]] = load("filter-result")
    raw_scores: dict[str, dict[str, str]] = load("score-result")
    final: dict[str, dict[str, str]] = load("finalscore-result")
    summary: dict[str, Any] = load("result-summary")
    selected = ann.get(_PREFIX + "selected-node")
    rows = []
    for node, verdicts in filters.items():
        row = ExplainRow(node, dict(verdicts))
        for p, raw in raw_scores.get(node, {}).items():
            row.scores[p] = (int(raw), -1, int(final.get(node, {}).get(p, 0)))
        if node in final:
            row.total = sum(int(v) for v in final[node].values())
        rows.append(row)
    key = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
    return ExplainTable(
        key, str(summary.get("result", "")), selected, "",
        _ordered_union([list(r.filters) for r in rows]),
        _ordered_union([list(r.scores) for r in rows]), _sort_rows(rows, selected), summary)


def explain_table(record: Any) -> ExplainTable | None:
    """An explain record (Attempt-like) or a pod dict with the explain annotations → a table."""
    if record is None:
        return None
    if isinstance(record, Mapping):
        return _from_annotations(record)
    rows = [ExplainRow(n.node, dict(n.filters), dict(n.scores), n.total)
            for n in record.nodes()]
    plugins = list(getattr(record, "filter_plugins", []) or [])
    filter_plugins = _ordered_union([plugins, *[list(r.filters) for r in rows]])
    summary = {k: getattr(record, k) for k in ("attempt", "num_all_nodes", "evaluated_nodes",
                                               "feasible_nodes") if hasattr(record, k)}
    return ExplainTable(record.pod, record.result, record.selected_node, record.message,
                        filter_plugins, _ordered_union([list(r.scores) for r in rows]),
                        _sort_rows(rows, record.selected_node), summary)


class SchedulerExplainer(View):
    """The explain table of one pod (see the module docstring).

    ``source`` is a cluster (``explain(pod_key)``, ``api``, ``kernel``) with ``pod`` the pod's
    ``namespace/name``, or a record (an Attempt, or a pod dict with the annotations)."""

    def __init__(self, source: Any, pod: str | None = None, *,
                 refresh_interval: float | None = None) -> None:
        self._explain: Callable[[str], Any] | None = None
        self._record: Any = None
        kernel = None
        api = getattr(source, "api", None)
        if hasattr(source, "explain") and callable(source.explain) and not isinstance(
                source, Mapping):
            self._explain = source.explain
            kernel = getattr(source, "kernel", None)
        else:
            self._record = source
        super().__init__(kernel, refresh_interval=refresh_interval)
        self.pod = pod
        self.table: ExplainTable | None = None
        self._rendering = False
        #: without a tracer to listen to, the record is re-read every time it is shown
        self._live = api is not None and self._explain is not None
        if api is not None and self._explain is not None:
            self._listen(api.tracer.on_request, self._on_request)

    def sync(self) -> None:
        if self._explain is not None and not self._live:
            self._dirty = True
        super().sync()

    def _on_request(self, trace: Trace) -> None:
        if (trace.resource == "pods" and trace.subresource in ("binding", "status", "")
                and self.pod == f"{trace.namespace}/{trace.name}" and trace.verb != "get"):
            self.mark_dirty()

    def _update(self) -> None:
        if self._explain is not None:
            record = self._explain(self.pod) if self.pod else None
        else:
            record = self._record
        self.table = explain_table(record)

    def show(self, pod: str) -> None:
        """Explain another pod (``namespace/name``)."""
        self.pod = pod
        self.refresh()

    @property
    def state(self) -> ExplainTable | None:
        self.sync()
        return self.table

    # -- rendering ------------------------------------------------------------------------------

    def _headline(self) -> str:
        t = self.table
        if t is None:
            return (f"no scheduling attempt recorded for {self.pod}" if self.pod
                    else "no pod chosen")
        text = f"{t.pod}: {t.result or '?'}"
        if t.selected:
            text += f" on {t.selected}"
        if t.message:
            text += f" — {t.message}"
        s = t.summary
        if "num_all_nodes" in s:
            text += (f" (nodes {s['num_all_nodes']}, evaluated {s.get('evaluated_nodes', '?')},"
                     f" feasible {s.get('feasible_nodes', '?')})")
        elif "nodes" in s:
            text += (f" (nodes {s['nodes']}, evaluated {s.get('evaluatedNodes', '?')},"
                     f" feasible {s.get('feasibleNodes', '?')})")
        return text

    @staticmethod
    def _score_text(score: tuple[int, int, int] | None) -> str:
        if score is None:
            return ""
        raw, norm, weighted = score
        return f"{weighted} ({raw}→{norm})" if norm >= 0 else f"{weighted} (raw {raw})"

    def _table_html(self) -> str:
        t = self.table
        if t is None:
            return ""
        th = "padding:2px 6px;text-align:left;border-bottom:1px solid #adb5bd"
        head = [f"<th style='{th}'>node</th>"]
        head += [f"<th style='{th}' title='Filter'>{esc(p)}</th>" for p in t.filter_plugins]
        head += [f"<th style='{th};background:#f1f3f5' title='Score: weighted (raw→normalized)'>"
                 f"{esc(p)}</th>" for p in t.score_plugins]
        head.append(f"<th style='{th}'>total</th>")
        body = []
        for r in t.rows:
            win = r.node == t.selected
            style = "background:#d1e7dd;font-weight:bold" if win else (
                "color:#6c757d" if not r.feasible else "")
            cells = [f"<td style='padding:2px 6px'>{'★ ' if win else ''}{esc(r.node)}</td>"]
            for p in t.filter_plugins:
                v = r.filters.get(p)
                if v is None:
                    cells.append("<td style='padding:2px 6px;color:#adb5bd'>—</td>")
                elif v == PASSED:
                    cells.append("<td style='padding:2px 6px;color:#198754'>✓</td>")
                else:
                    cells.append(f"<td style='padding:2px 6px;background:#f8d7da;"
                                 f"color:#842029'>{esc(v)}</td>")
            for p in t.score_plugins:
                cells.append(f"<td style='padding:2px 6px'>"
                             f"{esc(self._score_text(r.scores.get(p)))}</td>")
            total = "" if r.total is None else str(r.total)
            cells.append(f"<td style='padding:2px 6px'><b>{esc(total)}</b></td>")
            body.append(f"<tr style='{style}'>{''.join(cells)}</tr>")
        return ("<table class='k8s-explain' style='border-collapse:collapse;font-size:12px'>"
                f"<tr>{''.join(head)}</tr>{''.join(body)}</table>")

    def _build(self) -> W.Widget:
        self._pod_box = W.Text(value=self.pod or "", description="pod",
                               placeholder="namespace/name", continuous_update=False,
                               layout=W.Layout(width="360px"))
        self._pod_box.observe(lambda c: None if self._rendering else self.show(str(c["new"])),
                              names="value")
        self._head = W.HTML()
        self._body = W.HTML()
        children: list[W.Widget] = [self._head, self._body]
        if self._explain is not None:
            children.insert(0, self._pod_box)
        return W.VBox(children)

    def _render(self) -> None:
        self._rendering = True
        try:
            self._pod_box.value = self.pod or ""
            self._head.value = f"<b>{esc(self._headline())}</b>"
            self._body.value = self._table_html()
        finally:
            self._rendering = False

    def _html(self) -> str:
        return (f"<div class='k8s-scheduler-explainer'><p><b>{esc(self._headline())}</b></p>"
                f"{self._table_html()}</div>")

    def _text(self) -> str:
        t = self.table
        lines = [self._headline()]
        if t is None:
            return lines[0]
        for r in t.rows:
            mark = "*" if r.node == t.selected else " "
            failed = [f"{p}: {v}" for p, v in r.filters.items() if v != PASSED]
            if failed:
                lines.append(f"{mark} {r.node:<20} filtered  " + "; ".join(failed))
            else:
                scores = ", ".join(f"{p}={self._score_text(s)}" for p, s in r.scores.items())
                lines.append(f"{mark} {r.node:<20} total {r.total}: {scores}")
        return "\n".join(lines)
