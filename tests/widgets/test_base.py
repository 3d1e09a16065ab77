"""What every view shares: hook errors never break the run; close() unhooks; lazy refresh."""

from __future__ import annotations

import ipywidgets as W

from k8s_internals.api.server import APIServer
from k8s_internals.api.trace import StoreWrite
from k8s_internals.client.client import Client
from k8s_internals.sim import Kernel
from k8s_internals.widgets import View

from .conftest import make_pod


class Counting(View):
    """Counts writes; raises on the second one."""

    def __init__(self, api: APIServer) -> None:
        super().__init__(api.kernel)
        self.writes = 0
        self.updates = 0
        self._listen(api.tracer.on_store_write, self._on_write)

    def _on_write(self, write: StoreWrite) -> None:
        self.writes += 1
        self.mark_dirty()
        if self.writes == 2:
            raise RuntimeError("boom")

    def _update(self) -> None:
        self.updates += 1

    def _build(self) -> W.Widget:
        self.label = W.Label()
        return W.VBox([self.label])

    def _render(self) -> None:
        self.label.value = f"{self.writes} writes"

    def _html(self) -> str:
        return f"<b>{self.writes}</b>"

    def _text(self) -> str:
        return f"{self.writes} writes"


def test_a_failing_hook_does_not_break_the_request(api: APIServer, admin: Client) -> None:
    view = Counting(api)
    make_pod(admin, "a")
    make_pod(admin, "b")  # the hook raises inside this request...
    assert admin.get("pods", "b", "default")["metadata"]["name"] == "b"  # ...which succeeded
    assert view.errors == ["RuntimeError: boom"]
    view.errors.clear()


def test_lazy_refresh_and_close(api: APIServer, admin: Client, kernel: Kernel) -> None:
    view = Counting(api)
    assert view.updates == 0  # nothing computed until asked
    assert view.to_text() == "0 writes" and view.updates == 1
    assert view.to_html() == "<b>0</b>" and view.updates == 1  # not dirty: no recompute
    make_pod(admin, "a")
    kernel.call_later(0.5, lambda: None)
    kernel.run_for(1)
    assert view.updates == 1  # not displayed: the kernel observer leaves it alone
    widget = view.widget
    assert view.updates == 2 and view.label.value == "1 writes"
    view.close()
    make_pod(admin, "c")
    assert view.writes == 1 and widget.comm is None
    assert repr(view) == "<Counting>"
