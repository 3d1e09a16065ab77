"""RequestInspector: the newest request by default, its steps and pipeline diagram."""

from __future__ import annotations

import contextlib

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import ApiError, Client
from k8s_internals.sim import Kernel
from k8s_internals.widgets import RequestInspector

from .conftest import make_pod


def test_follows_the_newest_write(api: APIServer, admin: Client, kernel: Kernel) -> None:
    view = RequestInspector(api, diagram=False)
    make_pod(admin, "web")
    t = view.trace
    assert t is not None and t.verb == "create" and t.resource == "pods"
    rows = view.steps()
    assert [r["step"] for r in rows][:3] == ["request-info", "authentication", "authorization"]
    sa = next(r for r in rows if r["plugin"] == "ServiceAccount"
              and r["step"] == "mutating-admission")
    assert sa["outcome"] == "patched" and '"path": "/spec/serviceAccountName"' in sa["detail"]
    store = rows[-1]
    assert store["step"] == "storage" and "/registry/pods/default/web" in store["summary"]
    admin.get("pods", "web", "default")  # a read: hidden by default
    assert view.trace is t
    make_pod(admin, "web-2")
    assert view.trace is not None and view.trace.name == "web-2"


def test_pinned_selection_filter_and_denied(api: APIServer, admin: Client, alice: Client,
                                            kernel: Kernel) -> None:
    make_pod(admin, "web")
    view = RequestInspector(api, diagram=False)
    first = view.trace
    assert first is not None
    view.select(first.id)
    make_pod(admin, "other")
    assert view.trace is first  # pinned
    with contextlib.suppress(ApiError):
        alice.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                    "metadata": {"name": "x", "namespace": "default"}})
    view.set_filter("alice")
    assert [c[0].split()[2] for c in view.choices] == ["alice"]
    denied = api.tracer.query(user="alice")[-1]
    view.select(denied)
    text = view.to_text()
    assert "authorization" in text and "denied" in text and "403 Forbidden" in text
    assert "storage" not in text


def test_html_has_the_diagram_and_the_widget_updates(api: APIServer, admin: Client,
                                                      kernel: Kernel) -> None:
    view = RequestInspector(api)
    make_pod(admin, "web")
    html = view.to_html()
    assert "<svg" in html and "k8s-steps" in html and "<?xml" not in html
    widget = view.widget
    assert widget is not None
    before = len(view._picker.options)
    make_pod(admin, "web-2")
    kernel.call_later(1.5, lambda: None, name="tick")
    kernel.run_for(2)
    assert len(view._picker.options) == before + 1
    newest = view.trace
    assert newest is not None and view._picker.value == newest.id
    # choosing in the dropdown pins the selection
    view._picker.value = view._picker.options[0][1]
    assert view._pinned and view.selected == view._picker.options[0][1]
    admin.get("pods", "web", "default")
    view._reads_box.value = False
    assert any(" get pods " in label for label, _ in view._picker.options)
