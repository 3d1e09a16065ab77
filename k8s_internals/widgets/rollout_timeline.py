"""RolloutTimeline: the replica counts of a Deployment's ReplicaSets over virtual time — the
old one scaled down as the new one scales up, step by step, as ``maxSurge`` and
``maxUnavailable`` allow.

Fed by the tracer's ``on_store_write`` hook: every write to one of the Deployment's
ReplicaSets (owner reference ``kind: Deployment``, the Deployment's name) is read back at its
revision and becomes a sample — ``spec.replicas`` (what the deployment controller asked for)
and ``status.readyReplicas`` (what the replicaset controller reports) at that instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from ..api.resources import ResourceInfo, lookup
from ..api.trace import StoreWrite
from ..viz.timeline import SERIES_COLOURS, step_chart
from ._base import View, pre
from ._sources import key_prefix, read_key, read_objects, resolve

__all__ = ["RolloutTimeline", "Sample"]

_found = lookup("apps", "replicasets")
assert _found is not None
_RS: ResourceInfo = _found
_REVISION = "deployment.kubernetes.io/revision"


@dataclass(frozen=True)
class Sample:
    """One ReplicaSet's counts from one instant on."""

    time: float
    replicaset: str
    desired: int
    ready: int
    available: int
    deleted: bool = False


class RolloutTimeline(View):
    """Replica counts of a Deployment's ReplicaSets over time (see the module docstring)."""

    def __init__(self, source: Any, deployment: str, namespace: str = "default", *,
                 refresh_interval: float | None = None) -> None:
        parts = resolve(source)
        super().__init__(parts.kernel, refresh_interval=refresh_interval)
        self.api = parts.api
        self.kernel = parts.kernel
        self.deployment = deployment
        self.namespace = namespace
        self.samples: list[Sample] = []
        #: ReplicaSet name → (creationTimestamp, deployment revision annotation)
        self.replicasets: dict[str, tuple[str, str]] = {}
        self._last: dict[str, Sample] = {}
        self._prefix = key_prefix("replicasets", "apps", namespace)
        for rs in read_objects(self.api, "replicasets", "apps", namespace):
            self._observe(rs)
        self._listen(self.api.tracer.on_store_write, self._on_write)

    # -- hooks ----------------------------------------------------------------------------------

    def _owned(self, rs: dict[str, Any]) -> bool:
        return any(ref.get("kind") == "Deployment" and ref.get("name") == self.deployment
                   for ref in rs.get("metadata", {}).get("ownerReferences") or [])

    def _on_write(self, write: StoreWrite) -> None:
        if not write.key.startswith(self._prefix):
            return
        deleted = write.op == "DELETE"
        rs = read_key(self.api, write.key, write.revision - 1 if deleted else write.revision,
                      _RS)
        if rs is not None and self._owned(rs):
            self._observe(rs, deleted=deleted)
            self.mark_dirty()

    def _observe(self, rs: dict[str, Any], deleted: bool = False) -> None:
        meta, spec, status = rs["metadata"], rs.get("spec") or {}, rs.get("status") or {}
        if not self._owned(rs):
            return
        name = meta["name"]
        self.replicasets.setdefault(name, (meta.get("creationTimestamp", ""),
                                           (meta.get("annotations") or {}).get(_REVISION, "")))
        if deleted:
            s = Sample(self.kernel.now, name, 0, 0, 0, True)
        else:
            s = Sample(self.kernel.now, name, int(spec.get("replicas", 1) or 0),
                       int(status.get("readyReplicas", 0) or 0),
                       int(status.get("availableReplicas", 0) or 0))
        last = self._last.get(name)
        if last is not None and (last.desired, last.ready, last.available, last.deleted) == (
                s.desired, s.ready, s.available, s.deleted):
            return
        if last is not None and last.time == s.time:
            self.samples.remove(last)
        self.samples.append(s)
        self._last[name] = s

    def _update(self) -> None:
        """Samples are recorded by the hook; nothing to recompute."""

    # -- views of the state ---------------------------------------------------------------------

    def order(self) -> list[str]:
        """ReplicaSet names, oldest first (by creation, then name)."""
        return sorted(self.replicasets, key=lambda n: (self.replicasets[n][0], n))

    def role(self, name: str) -> str:
        """``new`` for the newest ReplicaSet, ``old`` for the others."""
        order = self.order()
        return "new" if order and name == order[-1] else "old"

    def series(self) -> dict[str, list[tuple[float, int, int]]]:
        """ReplicaSet name → ``(time, desired, ready)`` in time order."""
        out: dict[str, list[tuple[float, int, int]]] = {n: [] for n in self.order()}
        for s in self.samples:
            out[s.replicaset].append((s.time, s.desired, s.ready))
        return out

    def _label(self, name: str) -> str:
        rev = self.replicasets[name][1]
        return f"{name} ({self.role(name)}" + (f", rev {rev})" if rev else ")")

    def chart_svg(self) -> str:
        """The step chart (SVG text): desired solid, ready dashed, one colour per ReplicaSet."""
        self.sync()
        series: dict[str, list[tuple[float, int]]] = {}
        dashed: list[str] = []
        colours: dict[str, str] = {}
        for i, (name, pts) in enumerate(self.series().items()):
            colour = SERIES_COLOURS[(i + 1) % len(SERIES_COLOURS)]
            d, r = f"{name} desired", f"{name} ready"
            series[d] = [(t, want) for t, want, _ in pts]
            series[r] = [(t, ready) for t, _, ready in pts]
            dashed.append(r)
            colours[d] = colours[r] = colour
        until = self.kernel.now
        if self.samples:
            # a long quiet run after the rollout would squeeze it to the left edge
            first, last = self.samples[0].time, self.samples[-1].time
            until = min(until, last + max(1.0, 0.1 * (last - first)))
        return step_chart(series, until=until, dashed=dashed, colours=colours,
                          title=f"deployment {self.namespace}/{self.deployment}")

    def table(self) -> str:
        lines = [f"{'TIME':>9}  {'REPLICASET':<36} {'DESIRED':>7} {'READY':>5} {'AVAILABLE':>9}"]
        for s in self.samples:
            name = self._label(s.replicaset) + (" deleted" if s.deleted else "")
            lines.append(f"{s.time:>9.3f}  {name:<36} {s.desired:>7} {s.ready:>5} "
                         f"{s.available:>9}")
        return "\n".join(lines)

    # -- rendering ------------------------------------------------------------------------------

    def _build(self) -> W.Widget:
        self._chart = W.HTML()
        self._table = W.HTML()
        return W.VBox([self._chart, self._table])

    def _render(self) -> None:
        self._chart.value = self.chart_svg()
        self._table.value = pre(self.table(), max_height="240px")

    def _html(self) -> str:
        return (f"<div class='k8s-rollout-timeline'>{self.chart_svg()}"
                f"{pre(self.table())}</div>")

    def _text(self) -> str:
        return f"deployment {self.namespace}/{self.deployment}\n{self.table()}"


