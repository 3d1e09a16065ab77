"""EtcdBrowser: what etcd holds under ``/registry/`` — the key tree, each value as pretty JSON
with its create/mod revision and version — and a revision slider over
``[compacted revision, current revision]`` to see the store as it was at any earlier revision
(etcd's MVCC: every write makes a new revision; old ones stay readable until compaction).

Reads go through :meth:`APIServer.etcd_entries` (a read-only view: no request, no trace);
a store write (the tracer's ``on_store_write`` hook) moves the slider's upper end, and the
selected revision with it while "follow" is on.

Taught in notebooks/02-etcd.ipynb.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from ..api.errors import StatusError
from ..api.trace import StoreWrite
from ._base import View, esc, pre
from ._sources import resolve

__all__ = ["EtcdBrowser", "TreeRow", "key_tree"]


@dataclass(frozen=True)
class TreeRow:
    """One row of the key tree: a folder (``pods/``) or a key (``web``)."""

    path: str
    depth: int
    name: str
    is_key: bool
    count: int = 1


def key_tree(keys: list[str], root: str = "/registry/") -> list[TreeRow]:
    """Keys as a tree under ``root``: a folder row before its children (with the number of
    keys under it), then its keys; sorted by path."""
    rows: list[TreeRow] = []
    counts: dict[str, int] = {}
    for k in keys:
        rel = k[len(root):] if k.startswith(root) else k.lstrip("/")
        parts = rel.split("/")
        for i in range(1, len(parts)):
            folder = root + "/".join(parts[:i]) + "/"
            counts[folder] = counts.get(folder, 0) + 1
    seen: set[str] = set()
    for k in sorted(keys):
        rel = k[len(root):] if k.startswith(root) else k.lstrip("/")
        parts = rel.split("/")
        for i in range(1, len(parts)):
            folder = root + "/".join(parts[:i]) + "/"
            if folder not in seen:
                seen.add(folder)
                rows.append(TreeRow(folder, i - 1, parts[i - 1] + "/", False, counts[folder]))
        rows.append(TreeRow(k, len(parts) - 1, parts[-1], True))
    return rows


def pretty(value: str) -> str:
    """A stored value as indented JSON (in the order it was stored), or the raw text."""
    try:
        return json.dumps(json.loads(value), indent=2, ensure_ascii=False)
    except ValueError:
        return value


class EtcdBrowser(View):
    """The etcd key tree and values at a chosen revision (see the module docstring)."""

    def __init__(self, source: Any, *, prefix: str = "/registry/", key: str | None = None,
                 revision: int | None = None, refresh_interval: float | None = None) -> None:
        parts = resolve(source)
        super().__init__(parts.kernel, refresh_interval=refresh_interval)
        self.api = parts.api
        self.prefix = prefix
        self.key = key
        self.follow = revision is None
        self.revision = revision if revision is not None else self.api.revision
        self.current = self.api.revision
        self.compacted = self.api.compacted_revision
        self.entries: list[dict[str, Any]] = []
        self.error = ""
        self._rendering = False
        self._listen(self.api.tracer.on_store_write, self._on_write)

    # -- hooks and state ------------------------------------------------------------------------

    def _on_write(self, write: StoreWrite) -> None:
        self.mark_dirty()

    def _update(self) -> None:
        self.current = self.api.revision
        self.compacted = self.api.compacted_revision
        if self.follow:
            self.revision = self.current
        self.revision = min(max(self.revision, self.lowest), self.current)
        try:
            self.entries = self.api.etcd_entries(self.prefix, self.revision)
            self.error = ""
        except StatusError as exc:
            self.entries = []
            self.error = exc.message

    @property
    def lowest(self) -> int:
        """The oldest revision still readable (the compacted one; 1 before any compaction)."""
        return max(self.compacted, 1)

    def set_revision(self, revision: int) -> None:
        """Look at the store as it was at ``revision`` (stops following new writes)."""
        self.follow = revision >= self.api.revision
        self.revision = revision
        self.refresh()

    def select(self, key: str | None) -> None:
        """Show one key's value (or a folder's size, for a path ending in ``/``)."""
        self.key = key
        self.refresh()

    def set_prefix(self, prefix: str) -> None:
        self.prefix = prefix
        self.refresh()

    def key_names(self) -> list[str]:
        """The keys under the prefix at the selected revision."""
        self.sync()
        return [e["key"] for e in self.entries]

    def entry(self, key: str | None = None) -> dict[str, Any] | None:
        """The selected (or given) key's entry at the selected revision, or None."""
        key = key or self.key
        for e in self.entries:
            if e["key"] == key:
                return e
        return None

    def value(self, key: str | None = None) -> str | None:
        """The pretty value of a key at the selected revision (None if absent)."""
        self.sync()
        e = self.entry(key)
        return pretty(e["value"]) if e is not None else None

    # -- rendering ------------------------------------------------------------------------------

    def _info(self) -> str:
        mode = "following" if self.follow else "pinned"
        return (f"revision {self.revision} ({mode}) of [{self.lowest}, {self.current}] · "
                f"{len(self.entries)} keys under {self.prefix}")

    def _detail(self) -> tuple[str, str]:
        """(header, body) of the selected key at the selected revision."""
        if self.error:
            return "error", self.error
        if self.key is None:
            return "", "select a key"
        if self.key.endswith("/"):
            n = sum(1 for e in self.entries if e["key"].startswith(self.key))
            return self.key, f"{n} keys"
        e = self.entry()
        if e is None:
            return self.key, f"(no such key at revision {self.revision})"
        head = (f"{e['key']}  create_revision={e['create_revision']} "
                f"mod_revision={e['mod_revision']} version={e['version']}")
        return head, pretty(e["value"])

    def _tree_options(self) -> list[tuple[str, str]]:
        rows = key_tree([e["key"] for e in self.entries], self.prefix)
        out = []
        for r in rows:
            indent = "\u00a0\u00a0" * r.depth
            text = f"{indent}▸ {r.name} ({r.count})" if not r.is_key else f"{indent}{r.name}"
            out.append((text, r.path))
        return out

    def _build(self) -> W.Widget:
        self._prefix_box = W.Text(value=self.prefix, description="prefix",
                                  layout=W.Layout(width="360px"), continuous_update=False)
        self._slider = W.IntSlider(min=self.lowest, max=max(self.current, self.lowest),
                                   value=self.revision, description="revision",
                                   continuous_update=False, layout=W.Layout(width="480px"))
        self._follow_box = W.Checkbox(value=self.follow, description="follow new writes",
                                      indent=False)
        self._tree = W.Select(options=[], rows=18, layout=W.Layout(width="340px"))
        self._info_label = W.HTML()
        self._value = W.HTML(layout=W.Layout(width="100%"))
        self._prefix_box.observe(self._on_prefix, names="value")
        self._slider.observe(self._on_slider, names="value")
        self._follow_box.observe(self._on_follow, names="value")
        self._tree.observe(self._on_tree, names="value")
        top = W.HBox([self._prefix_box, self._slider, self._follow_box])
        return W.VBox([top, self._info_label, W.HBox([self._tree, self._value])])

    def _on_prefix(self, change: dict[str, Any]) -> None:
        if not self._rendering:
            self.set_prefix(str(change["new"]) or "/")

    def _on_slider(self, change: dict[str, Any]) -> None:
        if not self._rendering:
            self.set_revision(int(change["new"]))

    def _on_follow(self, change: dict[str, Any]) -> None:
        if not self._rendering:
            self.follow = bool(change["new"])
            self.refresh()

    def _on_tree(self, change: dict[str, Any]) -> None:
        if not self._rendering and change["new"] is not None:
            self.select(str(change["new"]))

    def _render(self) -> None:
        self._rendering = True
        try:
            self._prefix_box.value = self.prefix
            hi = max(self.current, self.lowest)
            if self._slider.min > hi:
                self._slider.min = self.lowest
            self._slider.max = hi
            self._slider.min = self.lowest
            self._slider.value = self.revision
            self._follow_box.value = self.follow
            options = self._tree_options()
            if list(self._tree.options) != options:
                self._tree.options = options
            values = {v for _, v in options}
            self._tree.value = self.key if self.key in values else None
            self._info_label.value = f"<small>{esc(self._info())}</small>"
            head, body = self._detail()
            self._value.value = (f"<b>{esc(head)}</b>" if head else "") + pre(body,
                                                                               max_height="420px")
        finally:
            self._rendering = False

    def _html(self) -> str:
        rows = key_tree([e["key"] for e in self.entries], self.prefix)
        items = []
        for r in rows:
            mark = "" if r.is_key else f" ({r.count})"
            bold = ("<b>", "</b>") if r.path == self.key else ("", "")
            items.append(f'<div style="padding-left:{r.depth * 14}px">{bold[0]}'
                         f"{esc(r.name)}{mark}{bold[1]}</div>")
        head, body = self._detail()
        return (f'<div class="k8s-etcd-browser"><p><small>{esc(self._info())}</small></p>'
                '<div style="display:flex;gap:16px">'
                f'<div style="font-family:monospace;font-size:12px">{"".join(items)}</div>'
                f'<div>{f"<b>{esc(head)}</b>" if head else ""}{pre(body)}</div></div></div>')

    def _text(self) -> str:
        lines = [self._info()]
        for r in key_tree([e["key"] for e in self.entries], self.prefix):
            lines.append("  " * r.depth + r.name + ("" if r.is_key else f" ({r.count})"))
        head, body = self._detail()
        if head:
            lines += ["", head, body]
        return "\n".join(lines)
