"""The base of every view: hook subscriptions, a dirty flag, lazy widgets, display.

The life of a view:

- hooks (the tracer's ``on_request`` / ``on_store_write`` / ``on_watch_event``) tell it that
  something it shows may have changed: it marks itself dirty (cheap — the hooks run inside
  every request);
- while the kernel runs, the kernel observer refreshes a *displayed* view at most once per
  ``refresh_interval`` virtual seconds, so a long ``cluster.run()`` animates;
- after each notebook cell, an IPython ``post_run_cell`` hook brings displayed views up to date
  (the kernel observer runs *before* each event, so the last event of a run is caught here);
- ``to_html()`` / ``to_text()`` / ``.state`` bring the view up to date first, so tests and the
  static book see the current state without a browser.

A view never changes the simulation: it reads hooks and the API server's read-only etcd view.
Buttons that advance time (ClusterView) call ``cluster.run()`` / ``kernel.step()`` — UI, not
simulation logic.
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..sim import Event, Kernel

__all__ = ["View", "esc", "flush_views", "pre"]

_LIVE: weakref.WeakSet[View] = weakref.WeakSet()
_SHELLS: weakref.WeakSet[Any] = weakref.WeakSet()


def esc(text: object) -> str:
    """HTML-escape."""
    return html.escape(str(text), quote=True)


def pre(text: str, *, max_height: str = "", css_class: str = "") -> str:
    """A ``<pre>`` block (scrolling when ``max_height`` is given)."""
    style = "margin:0;font-size:12px;line-height:1.3;white-space:pre"
    if max_height:
        style += f";max-height:{max_height};overflow:auto"
    cls = f' class="{css_class}"' if css_class else ""
    return f'<pre{cls} style="{style}">{esc(text)}</pre>'


def flush_views(*_args: Any) -> None:
    """Bring every displayed view up to date (registered as IPython ``post_run_cell``)."""
    for view in sorted(_LIVE, key=lambda v: v._serial):
        if view._widget is not None:
            view._guard(view.sync)()


def _install_ipython_hook() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    ip = get_ipython()
    if ip is None or ip in _SHELLS:
        return
    ip.events.register("post_run_cell", flush_views)
    _SHELLS.add(ip)


class View:
    """Base class. Subclasses implement :meth:`_update` (state from hooks and reads),
    :meth:`_build` (the ipywidgets container), :meth:`_render` (state into the widgets),
    :meth:`_html` and :meth:`_text`."""

    #: virtual seconds between refreshes of a displayed view while the kernel runs
    refresh_interval: float = 1.0
    _counter = 0

    def __init__(self, kernel: Kernel | None, *, refresh_interval: float | None = None) -> None:
        View._counter += 1
        self._serial = View._counter
        self._kernel = kernel
        if refresh_interval is not None:
            self.refresh_interval = refresh_interval
        self._dirty = True
        self._last_refresh = float("-inf")
        self._unsubscribe: list[Callable[[], None]] = []
        self._widget: W.Widget | None = None
        self._closed = False
        #: exceptions raised in this view's hooks (kept, not raised: see :meth:`_listen`)
        self.errors: list[str] = []
        if kernel is not None:
            self._unsubscribe.append(kernel.subscribe(self._guard(self._on_kernel_event)))
        _LIVE.add(self)
        _install_ipython_hook()

    # -- hooks ----------------------------------------------------------------------------------

    def _listen(self, hooks: list[Any], fn: Callable[..., None]) -> None:
        """Append ``fn`` to a hook list (``tracer.on_request``...) until :meth:`close`.

        The hooks run inside the API server's requests and the kernel's events: a view's
        mistake must not break the simulation, so an exception is kept in :attr:`errors`
        instead of raised."""

        guarded = self._guard(fn)
        hooks.append(guarded)

        def remove() -> None:
            if guarded in hooks:
                hooks.remove(guarded)

        self._unsubscribe.append(remove)

    def _guard(self, fn: Callable[..., None]) -> Callable[..., None]:
        """``fn`` with its exceptions kept in :attr:`errors`."""

        def guarded(*args: Any) -> None:
            try:
                fn(*args)
            except Exception as exc:  # a view never breaks the run it shows
                self._failed(exc)

        return guarded

    def _failed(self, exc: Exception) -> None:
        self.errors.append(f"{type(exc).__name__}: {exc}")
        del self.errors[:-20]

    def _on_kernel_event(self, event: Event) -> None:
        if (self._dirty and self._widget is not None and self._kernel is not None
                and self._kernel.now - self._last_refresh >= self.refresh_interval):
            self.refresh()

    def mark_dirty(self) -> None:
        """Something shown may have changed: refresh at the next chance."""
        self._dirty = True

    # -- state ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute the state now and push it into the widgets (if built)."""
        self._dirty = False
        self._last_refresh = self._kernel.now if self._kernel is not None else 0.0
        self._update()
        if self._widget is not None:
            self._render()

    def sync(self) -> None:
        """Refresh if something changed since the last refresh."""
        if self._dirty:
            self.refresh()

    def close(self) -> None:
        """Stop listening to hooks and close the widgets."""
        for fn in self._unsubscribe:
            fn()
        self._unsubscribe.clear()
        if self._widget is not None:
            self._widget.close()
        self._closed = True
        _LIVE.discard(self)

    # -- display --------------------------------------------------------------------------------

    @property
    def widget(self) -> W.Widget:
        """The ipywidgets container (built on first use)."""
        if self._widget is None:
            self.sync()
            self._widget = self._build()
            self._render()
        return self._widget

    def to_html(self) -> str:
        """A static HTML rendering of the current state (tests, the static book)."""
        self.sync()
        return self._html()

    def to_text(self) -> str:
        """A plain-text rendering of the current state."""
        self.sync()
        return self._text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/plain"] = self.to_text()
        bundle["text/html"] = self._html()
        return bundle

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    # -- for subclasses -------------------------------------------------------------------------

    def _update(self) -> None:
        raise NotImplementedError

    def _build(self) -> W.Widget:
        raise NotImplementedError

    def _render(self) -> None:
        raise NotImplementedError

    def _html(self) -> str:
        raise NotImplementedError

    def _text(self) -> str:
        raise NotImplementedError
