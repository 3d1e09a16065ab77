"""ProxyRules: what kube-proxy wrote on a node — ``iptables-save`` (iptables and userspace
modes) or ``ipvsadm -Ln`` (IPVS mode) — and a ``curl``'s path hop by hop, drawn with graphviz.

The source is a cluster (``iptables_save(node)``, ``ipvsadm(node)``, ``nodes()``,
``curl(url, from_pod=...)``) or a mapping of node name → kube-proxy (or a bare proxier).
The text follows kube-proxy: with a ``KubeProxy`` the view listens to its ``on_sync`` hook;
otherwise a store write to Services, EndpointSlices or Nodes (the tracer's ``on_store_write``)
keeps the view refreshing for ``settle_seconds`` of virtual time — long enough for kube-proxy's
next bounded-frequency sync to land.

Taught in notebooks/07-kube-proxy.ipynb.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as W

from ..api.trace import StoreWrite
from ..viz._common import svg_inline
from ..viz.network import hops_graph
from ._base import View, esc, pre
from ._sources import key_prefix

__all__ = ["ProxyRules", "hop_lines"]


def _hop_list(result: Any) -> list[Any]:
    hops = getattr(result, "hops", result)
    if callable(hops):
        hops = hops()
    if isinstance(hops, str | bytes) or hops is None:
        return []
    return list(hops)


def hop_lines(hops: list[Any]) -> list[str]:
    """``Hop.describe()`` per hop (``[iptables nat/KUBE-SVC-X] jump: ...``)."""
    return [h.describe() if hasattr(h, "describe") else str(h) for h in hops]


def _node_name(n: Any) -> str:
    if isinstance(n, str):
        return n
    if isinstance(n, Mapping):
        return str((n.get("metadata") or {}).get("name", n.get("name", "")))
    return str(getattr(n, "name", n))


class ProxyRules(View):
    """A node's proxy rules and a curl hop list (see the module docstring)."""

    #: keep refreshing this long after a Service/EndpointSlice/Node write (kube-proxy's sync
    #: period is 30 s; its min sync period 1 s)
    settle_seconds: float = 35.0

    def __init__(self, source: Any, node: str | None = None, *, mode: str | None = None,
                 refresh_interval: float | None = None) -> None:
        self.source = source
        self.cluster = None if isinstance(source, Mapping) else source
        api = getattr(source, "api", None)
        kernel = getattr(source, "kernel", None) or getattr(api, "kernel", None)
        super().__init__(kernel, refresh_interval=refresh_interval)
        self.mode = mode or getattr(source, "proxy_mode", None)
        self.node_names = self._list_nodes()
        self.node = node or (self.node_names[0] if self.node_names else "")
        self.text = ""
        self.error = ""
        self.url = ""
        self.from_pod = ""
        self.hops: list[Any] = []
        self.curl_text = ""
        self._until = float("-inf")
        self._svg_for: int | None = None
        self._svg = ""
        self._rendering = False
        self._hooked_sync = False
        for proxy in self._proxies().values():
            on_sync = getattr(proxy, "on_sync", None)
            if callable(on_sync):
                self._unsubscribe.append(on_sync(self._guard(lambda _record: self.mark_dirty())))
                self._hooked_sync = True
        if api is not None:
            self._watched = (key_prefix("services"), key_prefix("endpointslices",
                                                                "discovery.k8s.io"),
                             key_prefix("nodes"))
            self._listen(api.tracer.on_store_write, self._on_write)

    # -- sources --------------------------------------------------------------------------------

    def _proxies(self) -> dict[str, Any]:
        if isinstance(self.source, Mapping):
            return dict(self.source)
        get = getattr(self.source, "kube_proxy", None)
        if callable(get):
            out = {}
            for n in self._list_nodes():
                try:
                    out[n] = get(n)
                except (KeyError, ValueError):
                    continue
            return out
        return {}

    def _list_nodes(self) -> list[str]:
        if isinstance(self.source, Mapping):
            return sorted(self.source)
        nodes = getattr(self.source, "nodes", None)
        if callable(nodes):
            return sorted(_node_name(n) for n in nodes())
        return []

    def _read_rules(self, node: str) -> str:
        """The node's table text, as its proxy mode shows it."""
        target: Any = self.source
        args: tuple[Any, ...] = (node,)
        if isinstance(self.source, Mapping):
            target, args = self.source[node], ()
        if self.mode == "ipvs":
            return str(target.ipvsadm(*args))
        try:
            return str(target.iptables_save(*args))
        except (ValueError, AttributeError):
            return str(target.ipvsadm(*args))

    # -- hooks and state ------------------------------------------------------------------------

    def _on_write(self, write: StoreWrite) -> None:
        if write.key.startswith(self._watched):
            self.mark_dirty()
            if not self._hooked_sync and self._kernel is not None:
                self._until = self._kernel.now + self.settle_seconds

    def _update(self) -> None:
        if self.cluster is not None:
            self.node_names = self._list_nodes() or self.node_names
        if not self.node and self.node_names:
            self.node = self.node_names[0]
        if not self.node:
            self.text, self.error = "", "no nodes"
            return
        try:
            self.text, self.error = self._read_rules(self.node), ""
        except (KeyError, ValueError, AttributeError) as exc:
            self.text, self.error = "", str(exc)
        if self._kernel is not None and self._kernel.now < self._until:
            self._dirty = True  # kube-proxy may not have synced yet: look again later

    def show_node(self, node: str) -> None:
        self.node = node
        self.refresh()

    def show_hops(self, hops: Any, title: str = "") -> None:
        """Show a hop list (or a curl result with ``.hops``)."""
        self.hops = _hop_list(hops)
        self.curl_text = title
        self.refresh()

    def curl(self, url: str, from_pod: str = "") -> Any:
        """``cluster.curl(url, from_pod=...)`` and show its hops; returns the result."""
        fn = getattr(self.cluster, "curl", None)
        if fn is None:
            raise TypeError("curl needs a cluster (cluster.curl)")
        self.url, self.from_pod = url, from_pod
        result = fn(url, from_pod=from_pod) if from_pod else fn(url)
        self.show_hops(result, f"curl {url}" + (f" from {from_pod}" if from_pod else ""))
        return result

    @property
    def rules(self) -> str:
        self.sync()
        return self.text

    # -- rendering ------------------------------------------------------------------------------

    def _hops_svg(self) -> str:
        key = hash(tuple(hop_lines(self.hops)))
        if key != self._svg_for:
            self._svg = svg_inline(hops_graph(self.hops, title=self.curl_text)) if self.hops \
                else ""
            self._svg_for = key
        return self._svg

    def _header(self) -> str:
        mode = self.mode or ("ipvs" if self.text.startswith("IP Virtual Server") else
                             "iptables")
        return f"node {self.node} · kube-proxy mode {mode}"

    def _build(self) -> W.Widget:
        self._node_pick = W.Dropdown(options=self.node_names, description="node")
        self._rules = W.HTML()
        self._url = W.Text(value=self.url, description="curl",
                           placeholder="http://kubia.default.svc.cluster.local",
                           layout=W.Layout(width="420px"))
        self._from = W.Text(value=self.from_pod, description="from pod",
                            placeholder="default/client", layout=W.Layout(width="260px"))
        self._go = W.Button(description="curl", icon="paper-plane",
                            disabled=getattr(self.cluster, "curl", None) is None)
        self._hops = W.HTML()
        self._node_pick.observe(lambda c: None if self._rendering or not c["new"] else
                                self.show_node(str(c["new"])), names="value")
        self._go.on_click(lambda _b: self.curl(self._url.value, self._from.value))
        return W.VBox([self._node_pick, self._rules,
                       W.HBox([self._url, self._from, self._go]), self._hops])

    def _render(self) -> None:
        self._rendering = True
        try:
            if list(self._node_pick.options) != self.node_names:
                self._node_pick.options = self.node_names
            self._node_pick.value = self.node if self.node in self.node_names else None
            body = self.error or self.text
            self._rules.value = (f"<small>{esc(self._header())}</small>"
                                 + pre(body, max_height="360px"))
            self._hops.value = self._hops_html()
        finally:
            self._rendering = False

    def _hops_html(self) -> str:
        if not self.hops:
            return ""
        lines = "\n".join(f"{i + 1:>2}. {ln}" for i, ln in enumerate(hop_lines(self.hops)))
        return (f"<p><b>{esc(self.curl_text or 'hops')}</b></p>{pre(lines)}"
                f"<div>{self._hops_svg()}</div>")

    def _html(self) -> str:
        return (f"<div class='k8s-proxy-rules'><p><small>{esc(self._header())}</small></p>"
                f"{pre(self.error or self.text)}{self._hops_html()}</div>")

    def _text(self) -> str:
        out = [self._header(), self.error or self.text]
        if self.hops:
            out.append(self.curl_text or "hops")
            out.extend(f"{i + 1:>2}. {ln}" for i, ln in enumerate(hop_lines(self.hops)))
        return "\n".join(out)
