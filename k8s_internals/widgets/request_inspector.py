"""RequestInspector: pick a request from the tracer; see its pipeline diagram (authn → authz →
admission → validation → storage → watchers) and a table of every step with its detail —
the plugin that acted, its verdict, the JSON patch it made, the etcd key and revision.

The list follows the tracer's ``on_request`` hook; reads and watches can be hidden (a running
cluster makes many), and a filter matches the one-line summaries.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as W

from ..api.trace import Trace
from ..viz._common import OUTCOME_COLOURS, svg_inline
from ..viz.pipeline import describe_step, http_status, pipeline, watchers
from ._base import View, esc, pre
from ._sources import resolve

__all__ = ["RequestInspector"]

_READS = frozenset({"get", "list", "watch"})


class RequestInspector(View):
    """Traces in, one request's pipeline out (see the module docstring)."""

    def __init__(self, source: Any, trace: Trace | str | None = None, *, filter_text: str = "",
                 hide_reads: bool = True, limit: int = 300, diagram: bool = True,
                 refresh_interval: float | None = None) -> None:
        parts = resolve(source)
        super().__init__(parts.kernel, refresh_interval=refresh_interval)
        self.api = parts.api
        self.tracer = parts.api.tracer
        self.filter = filter_text
        self.hide_reads = hide_reads
        self.limit = limit
        self.diagram = diagram
        self.selected: str | None = trace if isinstance(trace, str) or trace is None \
            else trace.id
        self._pinned = self.selected is not None
        self.choices: list[tuple[str, str]] = []
        self._svg_key: tuple[Any, ...] | None = None
        self._svg = ""
        self._rendering = False
        self._listen(self.tracer.on_request, self._on_request)

    # -- hooks and state ------------------------------------------------------------------------

    def _on_request(self, trace: Trace) -> None:
        self.mark_dirty()

    def _matches(self, t: Trace) -> bool:
        if self.hide_reads and t.verb in _READS:
            return False
        return not self.filter or self.filter.lower() in t.summary().lower()

    def _update(self) -> None:
        matched = [t for t in self.tracer if self._matches(t)]
        matched = matched[-self.limit:] if self.limit else matched
        self.choices = [(t.summary(), t.id) for t in matched]
        if self.selected is not None and self.tracer.get(self.selected) is None:
            self.selected, self._pinned = None, False  # fell out of the tracer's ring
        if not self._pinned:
            self.selected = self.choices[-1][1] if self.choices else None

    def select(self, trace: Trace | str) -> None:
        """Show one request (by id or trace)."""
        self.selected = trace if isinstance(trace, str) else trace.id
        self._pinned = True
        self.refresh()

    def set_filter(self, text: str = "", hide_reads: bool | None = None) -> None:
        self.filter = text
        if hide_reads is not None:
            self.hide_reads = hide_reads
        self.refresh()

    @property
    def trace(self) -> Trace | None:
        """The selected request's trace."""
        self.sync()
        return self.tracer.get(self.selected) if self.selected else None

    def steps(self) -> list[dict[str, str]]:
        """The selected request's steps as rows: stage, plugin, outcome, time, detail text."""
        t = self.trace
        if t is None:
            return []
        rows = []
        for s in t.steps:
            _title, lines = describe_step(s)
            rows.append({"step": s.step, "plugin": s.plugin, "outcome": s.outcome.value,
                         "time": f"{s.time:.3f}", "summary": "\n".join(lines),
                         "detail": _detail_text(s.detail)})
        return rows

    # -- rendering ------------------------------------------------------------------------------

    def _diagram_svg(self, t: Trace) -> str:
        key = (t.id, len(t.steps), len(t.notified), t.code)
        if key != self._svg_key:
            self._svg = svg_inline(pipeline(t))
            self._svg_key = key
        return self._svg

    def _table_html(self, t: Trace) -> str:
        head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
                       for h in ("step", "plugin", "outcome", "t", "detail"))
        rows = []
        for r in self.steps():
            colour = OUTCOME_COLOURS.get(r["outcome"], "#ffffff")
            detail = pre(r["detail"], max_height="200px") if r["detail"] else ""
            rows.append(
                f"<tr style='vertical-align:top'><td style='padding:2px 8px'>{esc(r['step'])}</td>"
                f"<td style='padding:2px 8px'>{esc(r['plugin'])}</td>"
                f"<td style='padding:2px 8px;background:{colour}'>{esc(r['outcome'])}</td>"
                f"<td style='padding:2px 8px'>{esc(r['time'])}</td>"
                f"<td style='padding:2px 8px'>{detail}</td></tr>")
        notes = []
        for watcher, items in watchers(t.notified):
            events = ", ".join(f"{n.event_type} {n.resource} (t={n.time:.3f})" for n in items)
            notes.append(f"<li>{esc(watcher)}: {esc(events)}</li>")
        writes = "".join(f"<li>{esc(w.op)} {esc(w.key)} @ revision {w.revision}</li>"
                         for w in t.writes)
        answer = f"HTTP {http_status(t.code)}" + (f" — {t.error}" if t.error else "")
        return (f"<p><b>{esc(t.summary())}</b><br><small>user {esc(t.user)} · "
                f"{esc(answer)}</small></p>"
                f"<table class='k8s-steps' style='border-collapse:collapse;font-size:12px'>"
                f"<tr>{head}</tr>{''.join(rows)}</table>"
                + (f"<p><b>etcd writes</b></p><ul>{writes}</ul>" if writes else "")
                + (f"<p><b>watchers told</b></p><ul>{''.join(notes)}</ul>" if notes else ""))

    def _build(self) -> W.Widget:
        self._filter_box = W.Text(value=self.filter, description="filter",
                                  placeholder="e.g. pods/binding",
                                  layout=W.Layout(width="320px"), continuous_update=False)
        self._reads_box = W.Checkbox(value=self.hide_reads, description="hide reads and watches",
                                     indent=False)
        self._picker = W.Dropdown(options=[], description="request",
                                  layout=W.Layout(width="720px"))
        self._svg_html = W.HTML()
        self._table = W.HTML()
        self._filter_box.observe(lambda c: None if self._rendering else
                                 self.set_filter(str(c["new"])), names="value")
        self._reads_box.observe(lambda c: None if self._rendering else
                                self.set_filter(self.filter, bool(c["new"])), names="value")
        self._picker.observe(lambda c: None if self._rendering or c["new"] is None else
                             self.select(str(c["new"])), names="value")
        return W.VBox([W.HBox([self._filter_box, self._reads_box]), self._picker,
                       W.HBox([self._svg_html, self._table])])

    def _render(self) -> None:
        self._rendering = True
        try:
            self._filter_box.value = self.filter
            self._reads_box.value = self.hide_reads
            choices = list(self.choices)
            t = self.tracer.get(self.selected) if self.selected else None
            if t is not None and t.id not in {v for _, v in choices}:
                choices.append((t.summary(), t.id))
            if list(self._picker.options) != choices:
                self._picker.options = choices
            self._picker.value = t.id if t is not None else None
            if t is None:
                self._svg_html.value = ""
                self._table.value = "<i>no request matches</i>"
                return
            self._svg_html.value = self._diagram_svg(t) if self.diagram else ""
            self._table.value = self._table_html(t)
        finally:
            self._rendering = False

    def _html(self) -> str:
        t = self.tracer.get(self.selected) if self.selected else None
        if t is None:
            return "<div class='k8s-request-inspector'><i>no request matches</i></div>"
        svg = self._diagram_svg(t) if self.diagram else ""
        return (f"<div class='k8s-request-inspector' style='display:flex;gap:16px'>"
                f"<div>{svg}</div><div>{self._table_html(t)}</div></div>")

    def _text(self) -> str:
        t = self.tracer.get(self.selected) if self.selected else None
        if t is None:
            return "no request matches"
        lines = [t.summary()]
        for r in self.steps():
            lines.append(f"  {r['step']:<21} {r['plugin']:<26} {r['outcome']}")
            lines.extend("      " + ln for ln in r["summary"].splitlines() if ln)
        for w in t.writes:
            lines.append(f"  write {w.op} {w.key} @ {w.revision}")
        for watcher, items in watchers(t.notified):
            lines.append(f"  told {watcher}: " + ", ".join(f"{n.event_type} {n.resource}"
                                                         for n in items))
        lines.append(f"  → HTTP {http_status(t.code)}" + (f": {t.error}" if t.error else ""))
        return "\n".join(lines)


def _detail_text(detail: Any) -> str:
    if detail is None or detail == "":
        return ""
    if isinstance(detail, str):
        return detail
    return json.dumps(detail, indent=2, ensure_ascii=False, default=str)
