"""ClusterView: the nodes as columns, their pods as coloured chips (by phase; the text is
what ``kubectl get pods`` prints in STATUS), with step / run / settle / pause buttons and a
progress bar for long runs.

State comes from hooks: a store write under pods or nodes marks the view dirty; the view then
reads pods and nodes through the API server's read-only etcd view. The buttons call
``cluster.run(seconds=...)`` (or ``kernel.run_for`` without a cluster) in chunks, and
``kernel.step()`` — they move time; they decide nothing.

Taught in notebooks/00-start-here.ipynb and notebooks/01-architecture.ipynb.

Taught in notebooks/08-all-together.ipynb.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as W

from ..api.printers import node_status, pod_status_cells
from ..api.trace import StoreWrite
from ..sim import Event
from ..viz.ownership import PHASE_COLOURS
from ._base import View, esc
from ._sources import key_prefix, read_objects, resolve

__all__ = ["ClusterView", "NodeColumn", "PodCell"]

UNSCHEDULED = "(unscheduled)"
#: ``<function f at 0x7f...>`` in an event name would make the output differ between runs
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


@dataclass(frozen=True)
class PodCell:
    """One pod: where it is, its phase (colour) and kubectl's STATUS text."""

    namespace: str
    name: str
    node: str
    phase: str
    status: str
    ready: str

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass
class NodeColumn:
    """One node (or the unscheduled pods): its STATUS and its pods, sorted."""

    name: str
    status: str
    pods: list[PodCell] = field(default_factory=list)


class ClusterView(View):
    """The nodes × pods grid (see the module docstring).

    >>> view = ClusterView(cluster)            # doctest: +SKIP
    >>> view                   # displays the widget  # doctest: +SKIP
    """

    def __init__(self, source: Any, *, namespace: str | None = None, run_seconds: float = 30.0,
                 chunks: int = 20, refresh_interval: float | None = None) -> None:
        parts = resolve(source)
        super().__init__(parts.kernel, refresh_interval=refresh_interval)
        self.api = parts.api
        self.kernel = parts.kernel
        self.cluster = parts.cluster
        self.namespace = namespace
        self.run_seconds = run_seconds
        self.chunks = chunks
        self.columns: list[NodeColumn] = []
        self.last_event = ""
        self.running = False
        self.paused = False
        self.progress = 0.0
        self._task: asyncio.Task[None] | None = None
        self._prefixes = (key_prefix("pods", namespace=namespace), key_prefix("nodes"))
        self._listen(self.api.tracer.on_store_write, self._on_write)

    # -- hooks ----------------------------------------------------------------------------------

    def _on_write(self, write: StoreWrite) -> None:
        if write.key.startswith(self._prefixes):
            self.mark_dirty()

    def _on_kernel_event(self, event: Event) -> None:
        self.last_event = f"t={event.time:.3f} {_ADDRESS.sub('', event.name)}"
        super()._on_kernel_event(event)

    # -- state ----------------------------------------------------------------------------------

    def _update(self) -> None:
        now = self.kernel.datetime()
        nodes = read_objects(self.api, "nodes")
        pods = read_objects(self.api, "pods", namespace=self.namespace)
        cols: dict[str, NodeColumn] = {}
        for n in nodes:
            name = n["metadata"]["name"]
            cols[name] = NodeColumn(name, node_status(n))
        for p in pods:
            meta, spec, status = p["metadata"], p.get("spec") or {}, p.get("status") or {}
            ready, total, reason, _ = pod_status_cells(p, now)
            phase = "Terminating" if meta.get("deletionTimestamp") else \
                str(status.get("phase") or "Pending")
            node = spec.get("nodeName") or ""
            cell = PodCell(meta.get("namespace", ""), meta["name"], node, phase, reason,
                           f"{ready}/{total}")
            col_name = node or UNSCHEDULED
            if col_name not in cols:
                cols[col_name] = NodeColumn(col_name, "" if not node else "Unknown")
            cols[col_name].pods.append(cell)
        for c in cols.values():
            c.pods.sort(key=lambda x: (x.namespace, x.name))
        self.columns = sorted(cols.values(), key=lambda c: (c.name == UNSCHEDULED, c.name))

    @property
    def state(self) -> list[NodeColumn]:
        """The grid, up to date."""
        self.sync()
        return self.columns

    def pods(self) -> list[PodCell]:
        """Every pod shown, by node then name."""
        return [p for c in self.state for p in c.pods]

    # -- moving time (UI only) --------------------------------------------------------------------

    def step(self) -> bool:
        """Run the kernel's next event; returns False when nothing is scheduled."""
        ran = self.kernel.step()
        self.refresh()
        return ran

    def _advance(self, seconds: float) -> None:
        if self.cluster is not None and hasattr(self.cluster, "run"):
            self.cluster.run(seconds=seconds)
        else:
            self.kernel.run_for(seconds)

    def _chunks(self, seconds: float) -> Iterator[None]:
        self.running, self.paused, self.progress = True, False, 0.0
        n = max(1, self.chunks)
        try:
            for i in range(n):
                if self.paused:
                    break
                self._advance(seconds / n)
                self.progress = (i + 1) / n
                self.refresh()
                yield
        finally:
            self.running = False
            self.refresh()

    def run(self, seconds: float | None = None) -> None:
        """Advance ``seconds`` of virtual time (default ``run_seconds``) in chunks, refreshing
        the grid and the progress bar after each."""
        for _ in self._chunks(self.run_seconds if seconds is None else seconds):
            pass

    def settle(self) -> None:
        """Run until the cluster settles (``cluster.run()``; without a cluster,
        ``kernel.run_until_idle()``)."""
        self.running, self.progress = True, 0.0
        if self._widget is not None:
            self._render()
        try:
            if self.cluster is not None and hasattr(self.cluster, "run"):
                self.cluster.run()
            else:
                self.kernel.run_until_idle()
        finally:
            self.running, self.progress = False, 1.0
            self.refresh()

    def pause(self) -> None:
        """Stop a chunked run after the current chunk."""
        self.paused = True

    async def _run_async(self, seconds: float) -> None:
        for _ in self._chunks(seconds):
            await asyncio.sleep(0)

    def _start_run(self, seconds: float) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            self.run(seconds)
        else:  # in a Jupyter kernel: let the Pause click in between chunks
            self._task = loop.create_task(self._run_async(seconds))

    # -- widgets --------------------------------------------------------------------------------

    def _build(self) -> W.Widget:
        self._step_btn = W.Button(description="Step", tooltip="kernel.step(): run the next event",
                                  icon="step-forward")
        self._seconds = W.BoundedFloatText(value=self.run_seconds, min=0.001, max=1e6, step=1,
                                           description="seconds",
                                           layout=W.Layout(width="160px"))
        self._run_btn = W.Button(description="Run", icon="play",
                                 tooltip="cluster.run(seconds=...) in chunks")
        self._settle_btn = W.Button(description="Settle", icon="fast-forward",
                                    tooltip="cluster.run(): until nothing is left to do")
        self._pause_btn = W.Button(description="Pause", icon="pause",
                                   tooltip="stop after the current chunk")
        self._bar = W.FloatProgress(value=0.0, min=0.0, max=1.0,
                                    layout=W.Layout(width="200px"))
        self._status = W.HTML()
        self._grid = W.HTML()
        self._step_btn.on_click(lambda _b: self.step())
        self._run_btn.on_click(lambda _b: self._start_run(float(self._seconds.value)))
        self._settle_btn.on_click(lambda _b: self.settle())
        self._pause_btn.on_click(lambda _b: self.pause())
        controls = W.HBox([self._step_btn, self._seconds, self._run_btn, self._settle_btn,
                           self._pause_btn, self._bar])
        return W.VBox([controls, self._status, self._grid])

    def _render(self) -> None:
        for b in (self._step_btn, self._run_btn, self._settle_btn):
            b.disabled = self.running
        self._pause_btn.disabled = not self.running
        self._bar.value = self.progress
        self._bar.bar_style = "info" if self.running else ("success" if self.progress else "")
        self._status.value = f"<small>{esc(self._summary(last_event=True))}</small>"
        self._grid.value = self._grid_html()

    def _summary(self, last_event: bool = False) -> str:
        pods = sum(len(c.pods) for c in self.columns)
        nodes = sum(1 for c in self.columns if c.name != UNSCHEDULED)
        text = f"t={self.kernel.now:.3f}s · {nodes} nodes · {pods} pods"
        if last_event and self.last_event:
            text += f" · last event: {self.last_event}"
        return text

    def _grid_html(self) -> str:
        if not self.columns:
            return "<i>no nodes and no pods yet</i>"
        head = []
        body = []
        for c in self.columns:
            badge = f" <small>[{esc(c.status)}]</small>" if c.status else ""
            head.append(f'<th style="padding:4px 8px;text-align:left">{esc(c.name)}{badge}</th>')
            chips = []
            for p in c.pods:
                colour = PHASE_COLOURS.get(p.phase, "#ffffff")
                title = f"{p.key} {p.ready} {p.status} ({p.phase})"
                chips.append(
                    f'<div class="k8s-pod" data-phase="{esc(p.phase)}" title="{esc(title)}" '
                    f'style="background:{colour};border:1px solid #adb5bd;border-radius:4px;'
                    f'padding:2px 6px;margin:2px 0;font-size:11px;white-space:nowrap">'
                    f'{esc(p.name)} <small>{esc(p.status)}</small></div>')
            body.append('<td style="vertical-align:top;padding:4px 8px;min-width:120px">'
                        + ("".join(chips) or "<small><i>no pods</i></small>") + "</td>")
        return ('<table class="k8s-cluster-view" style="border-collapse:collapse">'
                f"<tr>{''.join(head)}</tr><tr>{''.join(body)}</tr></table>")

    def _html(self) -> str:
        return f"<div><p><small>{esc(self._summary())}</small></p>{self._grid_html()}</div>"

    def _text(self) -> str:
        lines = [self._summary()]
        for c in self.columns:
            status = f" [{c.status}]" if c.status else ""
            pods = ", ".join(f"{p.name} ({p.status})" for p in c.pods) or "-"
            lines.append(f"{c.name}{status}: {pods}")
        return "\n".join(lines)
