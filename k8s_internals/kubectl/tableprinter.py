"""Rendering a server ``Table`` as text: ``staging/src/k8s.io/cli-runtime/pkg/printers/
tableprinter.go`` (``HumanReadablePrinter``, ``decorateTable``, ``printTable``).

- headers are the column names upper-cased, printed once per column set (and not at all for an
  empty table);
- columns with ``priority`` other than 0 appear only with ``-o wide``;
- ``-A`` adds ``NAMESPACE`` in front (from each row's ``PartialObjectMetadata``),
  ``--show-labels`` adds ``LABELS`` at the end, ``-L key`` one column per key;
- with several resource kinds in one command the name cell becomes ``deployment.apps/kubia``;
- a cell prints as Go's ``fmt.Fprint`` would (``true``, ``3``), a ``nil`` cell as nothing, a
  string only up to its first newline (then ``...``);
- ``--output-watch-events`` puts ``ADDED   `` / ``MODIFIED`` / ``DELETED `` in an ``EVENT``
  column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..api.printers import format_labels
from .tabwriter import TabWriter

__all__ = ["HumanReadablePrinter", "PrintOptions"]

_EVENT_TYPES = {"ADDED": "ADDED   ", "MODIFIED": "MODIFIED", "DELETED": "DELETED ",
                "ERROR": "ERROR   "}


@dataclass
class PrintOptions:
    """``printers.PrintOptions``."""

    wide: bool = False
    no_headers: bool = False
    with_namespace: bool = False
    with_kind: bool = False
    kind: str = ""  # GroupKind as kubectl prints it: "deployment.apps", "pod"
    show_labels: bool = False
    column_labels: list[str] = field(default_factory=list)


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, str):
        nl = cell.find("\n")
        return cell if nl < 0 else cell[:nl] + "..."
    return str(cell)


class HumanReadablePrinter:
    """Prints tables; remembers the last column set so repeated tables (several named objects,
    watch events) print their header once."""

    def __init__(self, options: PrintOptions) -> None:
        self.options = options
        self.last_columns: list[dict[str, Any]] | None = None
        self.printed_headers = False

    def print_table(self, table: dict[str, Any], w: TabWriter, event_type: str = "") -> None:
        """``PrintObj`` for a ``Table`` (optionally a watch event of ``event_type``)."""
        columns = [dict(c) for c in table.get("columnDefinitions") or []]
        rows = [dict(r, cells=list(r.get("cells") or [])) for r in table.get("rows") or []]
        opts = self.options
        no_headers = opts.no_headers
        if self.printed_headers and (not columns or columns == self.last_columns):
            no_headers = True
        if not columns:
            columns = [dict(c) for c in self.last_columns or []]
        elif columns != self.last_columns:
            self.last_columns = [dict(c) for c in columns]
            self.printed_headers = False
        if rows:
            self.printed_headers = True
        columns, rows = self._decorate(columns, rows)
        if event_type:
            columns = [{"name": "Event", "type": "string", "priority": 0}, *columns]
            for r in rows:
                r["cells"] = [_EVENT_TYPES.get(event_type, event_type), *r["cells"]]
        self._print(columns, rows, w, no_headers)

    def _decorate(self, columns: list[dict[str, Any]], rows: list[dict[str, Any]]
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``decorateTable``."""
        opts = self.options
        name_col = -1
        if opts.with_kind and opts.kind:
            for i, c in enumerate(columns):
                if c.get("format") == "name" and c.get("type") == "string":
                    name_col = i
                    break
        new_cols = list(columns)
        if opts.with_namespace:
            new_cols.insert(0, {"name": "Namespace", "type": "string", "priority": 0})
        for label in opts.column_labels:
            new_cols.append({"name": label.split("/")[-1].upper(), "type": "string",
                             "priority": 0})
        if opts.show_labels:
            new_cols.append({"name": "Labels", "type": "string", "priority": 0})
        for r in rows:
            cells = r["cells"]
            if name_col >= 0 and name_col < len(cells):
                cells[name_col] = f"{opts.kind}/{_cell_text(cells[name_col])}"
            meta = (r.get("object") or {}).get("metadata")
            if opts.with_namespace:
                cells.insert(0, (meta or {}).get("namespace", "") if meta is not None else None)
            labels = (meta or {}).get("labels") or {}
            for key in opts.column_labels:
                cells.append(labels.get(key, ""))
            if opts.show_labels:
                cells.append(format_labels(labels))
        return new_cols, rows

    def _print(self, columns: list[dict[str, Any]], rows: list[dict[str, Any]], w: TabWriter,
               no_headers: bool) -> None:
        """``printTable``."""
        wide = self.options.wide
        if not no_headers:
            if not rows:
                return
            names = [str(c.get("name", "")).upper() for c in columns
                     if wide or not c.get("priority")]
            w.write("\t".join(names) + "\n")
        for r in rows:
            cells = []
            for i, cell in enumerate(r["cells"]):
                if i >= len(columns):
                    break
                if not wide and columns[i].get("priority"):
                    continue
                cells.append(_cell_text(cell))
            w.write("\t".join(cells) + "\n")
