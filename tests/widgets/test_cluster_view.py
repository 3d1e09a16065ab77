"""ClusterView: the grid follows pod and node writes; the buttons move time."""

from __future__ import annotations

import asyncio

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.sim import Kernel
from k8s_internals.widgets import ClusterView, flush_views

from .conftest import FakeCluster, make_node, make_pod, set_running


def test_grid_follows_writes(api: APIServer, admin: Client, kernel: Kernel) -> None:
    view = ClusterView(api)
    assert view.to_text().splitlines()[1:] == []
    make_node(admin, "node-2")
    make_node(admin, "node-1", ready=False)
    make_pod(admin, "web-b")
    make_pod(admin, "web-a")
    kernel.run_for(1)
    assert view.to_text().splitlines()[1:] == [
        "node-1 [NotReady]: -",
        "node-2 [Ready]: -",
        "(unscheduled): web-a (Pending), web-b (Pending)",
    ]
    admin.bind("default", "web-a", "node-2")
    set_running(admin, kernel, "web-a")
    kernel.run_for(1)
    cols = {c.name: c for c in view.state}
    assert [(p.name, p.phase, p.status, p.ready) for p in cols["node-2"].pods] == [
        ("web-a", "Running", "Running", "1/1")]
    html = view.to_html()
    assert 'data-phase="Running"' in html and "#d1e7dd" in html
    assert view.to_text().splitlines()[0] == "t=2.000s · 2 nodes · 2 pods"


def test_terminating_and_namespace_filter(api: APIServer, admin: Client,
                                          kernel: Kernel) -> None:
    make_node(admin, "node-1")
    admin.create("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": "other"}})
    admin.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": "other"}})
    make_pod(admin, "web")
    make_pod(admin, "elsewhere", "other")
    view = ClusterView(api, namespace="default")
    assert [p.name for p in view.pods()] == ["web"]
    admin.bind("default", "web", "node-1")
    admin.delete("pods", "web", "default", grace_period_seconds=30)
    [pod] = view.pods()
    assert pod.phase == "Terminating" and pod.status == "Terminating"


def test_widget_updates_while_the_kernel_runs(api: APIServer, admin: Client,
                                              kernel: Kernel) -> None:
    view = ClusterView(api)
    widget = view.widget
    assert "no nodes and no pods" in view._grid.value
    make_node(admin, "node-1")
    kernel.call_later(1.5, lambda: None, name="tick")
    kernel.run_for(2)  # the observer refreshes a displayed view before the tick runs
    assert "node-1" in view._grid.value
    make_pod(admin, "web")
    assert "web" not in view._grid.value
    flush_views()  # what IPython's post_run_cell does after each cell
    assert "web" in view._grid.value
    assert len(widget.children) == 3


def test_step_run_settle_buttons(api: APIServer, admin: Client, kernel: Kernel) -> None:
    view = ClusterView(api, chunks=4)
    view.widget  # noqa: B018 - build the widgets
    fired: list[float] = []
    kernel.call_later(0.5, lambda: fired.append(kernel.now), name="tick")
    view._step_btn.click()
    assert fired == [0.5] and "t=0.500 tick" in view._status.value
    view._seconds.value = 8
    view._run_btn.click()
    assert kernel.now == 8.5 and view.progress == 1.0 and view._bar.value == 1.0
    assert not view.running and not view._run_btn.disabled
    kernel.call_later(3, lambda: fired.append(kernel.now), name="work")
    view._settle_btn.click()
    assert fired[-1] == 11.5


def test_run_goes_through_the_cluster_and_pauses(api: APIServer, admin: Client,
                                                  kernel: Kernel) -> None:
    cluster = FakeCluster(api, admin)
    view = ClusterView(cluster, chunks=5)
    view.run(10)
    assert cluster.runs == [2.0] * 5 and kernel.now == 10.0
    kernel.call_later(1, view.pause, name="pause")
    cluster.runs.clear()
    view.run(10)
    assert cluster.runs == [2.0]  # paused during the first chunk: stopped after it
    view.settle()
    assert cluster.runs[-1] is None


def test_display_bundle(api: APIServer) -> None:
    bundle = ClusterView(api)._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html",
                           "application/vnd.jupyter.widget-view+json"}
    assert bundle["text/plain"].startswith("t=0.000s")


def test_run_button_in_an_event_loop_yields_between_chunks(api: APIServer,
                                                           kernel: Kernel) -> None:
    """In a Jupyter kernel the Run button starts a task, so a Pause click gets in between
    chunks."""
    view = ClusterView(api, chunks=4)
    view.widget  # noqa: B018

    async def main() -> None:
        view._start_run(8.0)
        task = view._task
        assert task is not None and not task.done()
        await asyncio.sleep(0)  # the first chunk runs
        assert view.running and view._pause_btn.disabled is False
        view._pause_btn.click()
        await task

    asyncio.run(main())
    assert kernel.now == 2.0 and not view.running and view.progress == 0.25
