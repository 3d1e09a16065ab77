"""EventStream: ``kubectl get events --watch`` as it happens — the Events already there, then one
row per watch event, in the columns and widths kubectl prints (LAST SEEN, TYPE, REASON, OBJECT,
MESSAGE; NAMESPACE first for all namespaces).

Fed by the tracer's ``on_watch_event`` hook: each watch notice for ``events`` (deduplicated by
key, revision and type — several watchers may be told of the same write) is read back at its
revision through the read-only etcd view and printed. Notices exist only while someone watches
Events, so — as ``kubectl get events --watch`` does — the view opens a watch of its own when it
has a client (``cluster.admin``, or ``client=``); pass ``watch=False`` to rely on the watchers
already there.

Taught in notebooks/08-all-together.ipynb.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ..api.errors import StatusError
from ..api.printers import to_table
from ..api.resources import ResourceInfo, lookup
from ..api.trace import WatchNotice
from ..kubectl.tableprinter import HumanReadablePrinter, PrintOptions
from ..kubectl.tabwriter import TabWriter, table_writer
from ._base import View, pre
from ._sources import key_prefix, read_key, read_objects, resolve

__all__ = ["EventStream"]

_found = lookup("", "events")
assert _found is not None
_EVENT: ResourceInfo = _found


class EventStream(View):
    """Events as kubectl's watch prints them (see the module docstring)."""

    def __init__(self, source: Any, namespace: str | None = "default", *, watch: bool = True,
                 client: Any = None, max_lines: int = 1000,
                 refresh_interval: float | None = None) -> None:
        parts = resolve(source)
        super().__init__(parts.kernel, refresh_interval=refresh_interval)
        self.api = parts.api
        self.kernel = parts.kernel
        self.namespace = namespace
        self.max_lines = max_lines
        self.lines: list[str] = []
        self.count = 0
        self._seen: set[tuple[str, int, str]] = set()
        self._prefix = key_prefix("events", namespace=namespace)
        self._w: TabWriter = table_writer()
        self._printer = HumanReadablePrinter(PrintOptions(with_namespace=namespace is None))
        for obj in read_objects(self.api, "events", namespace=namespace):
            self._print(obj, "")
        self._listen(self.api.tracer.on_watch_event, self._on_notice)
        client = client if client is not None else getattr(parts.cluster, "admin", None)
        if watch and client is not None:
            handle = client.watch("events", _ignore, namespace or "",
                                  resource_version=str(self.api.revision))
            self._unsubscribe.append(handle.stop)

    # -- hooks ----------------------------------------------------------------------------------

    def _on_notice(self, notice: WatchNotice) -> None:
        if notice.resource != "events" or not notice.key.startswith(self._prefix):
            return
        if notice.event_type not in ("ADDED", "MODIFIED", "DELETED"):
            return
        mark = (notice.key, notice.revision, notice.event_type)
        if mark in self._seen:
            return
        self._seen.add(mark)
        rev = notice.revision - 1 if notice.event_type == "DELETED" else notice.revision
        try:
            obj = read_key(self.api, notice.key, rev, _EVENT)
        except StatusError:  # compacted meanwhile: nothing to show
            obj = None
        if obj is not None:
            self._print(obj, notice.event_type)

    def _print(self, obj: dict[str, Any], event_type: str) -> None:
        self._printer.print_table(to_table(_EVENT, [obj], self.kernel.datetime()), self._w)
        text = self._w.flush()
        self.lines.extend(text.splitlines())
        self.count += 1
        del self.lines[: max(0, len(self.lines) - self.max_lines)]
        self.mark_dirty()

    def _update(self) -> None:
        """Lines are printed by the hook; nothing to recompute."""

    @property
    def text(self) -> str:
        """What the terminal shows so far."""
        return "\n".join(self.lines) + ("\n" if self.lines else "")

    # -- rendering ------------------------------------------------------------------------------

    def _command(self) -> str:
        ns = " -A" if self.namespace is None else (
            f" -n {self.namespace}" if self.namespace != "default" else "")
        return f"$ kubectl get events --watch{ns}"

    def _build(self) -> W.Widget:
        self._out = W.HTML()
        return W.VBox([self._out])

    def _render(self) -> None:
        self._out.value = pre(f"{self._command()}\n{self.text}", max_height="320px")

    def _html(self) -> str:
        return f"<div class='k8s-event-stream'>{pre(self._command() + chr(10) + self.text)}</div>"

    def _text(self) -> str:
        return f"{self._command()}\n{self.text}"


def _ignore(_type: str, _obj: dict[str, Any], _cause: str | None) -> None:
    """The view's own watch only makes the API server send notices; the hook reads them."""
