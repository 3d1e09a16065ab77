"""EventStream: ``kubectl get events --watch`` fed by watch notices."""

from __future__ import annotations

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.client.record import EventRecorder
from k8s_internals.sim import Kernel
from k8s_internals.widgets import EventStream

from .conftest import FakeCluster, make_pod


def test_rows_as_kubectl_prints_them(api: APIServer, admin: Client, kernel: Kernel) -> None:
    pod = make_pod(admin, "web")
    rec = EventRecorder(admin, kernel, "default-scheduler")
    rec.event(pod, "Normal", "Scheduled", "Successfully assigned default/web to node-1")
    kernel.run_for(1)
    stream = EventStream(FakeCluster(api, admin))  # watches as cluster.admin
    assert stream.lines == [
        "LAST SEEN   TYPE     REASON      OBJECT    MESSAGE",
        "1s          Normal   Scheduled   pod/web   Successfully assigned default/web to node-1",
    ]
    kernel.run_for(4)
    rec.event(pod, "Warning", "FailedMount", "MountVolume.SetUp failed")
    rec.event(pod, "Normal", "Scheduled", "Successfully assigned default/web to node-1")
    kernel.run_for(1)
    assert stream.lines[2:] == [
        "0s          Warning   FailedMount   pod/web   MountVolume.SetUp failed",
        "0s          Normal    Scheduled     pod/web   Successfully assigned default/web to "
        "node-1",
    ]
    assert stream.to_text().startswith("$ kubectl get events --watch\nLAST SEEN")
    html = stream.to_html()
    assert "FailedMount" in html and "k8s-event-stream" in html


def test_all_namespaces_and_existing_watchers_only(api: APIServer, admin: Client,
                                                   kernel: Kernel) -> None:
    quiet = EventStream(api, watch=False)  # nobody watches events: no notices
    pod = make_pod(admin, "web")
    rec = EventRecorder(admin, kernel, "kubelet", "node-1")
    rec.event(pod, "Normal", "Pulled", "Container image already present")
    kernel.run_for(1)
    assert quiet.lines == []
    everywhere = EventStream(api, None, client=admin)
    assert everywhere.lines[0].split() == ["NAMESPACE", "LAST", "SEEN", "TYPE", "REASON",
                                           "OBJECT", "MESSAGE"]
    assert everywhere.lines[1].split()[:5] == ["default", "1s", "Normal", "Pulled", "pod/web"]
    assert everywhere.to_text().startswith("$ kubectl get events --watch -A")
    rec.event(pod, "Normal", "Created", "Created container app")
    kernel.run_for(1)
    # now someone watches: the quiet stream hears the notices too
    assert [ln.split()[2] for ln in quiet.lines[1:]] == ["Created"]
    assert [ln.split()[3] for ln in everywhere.lines[1:]] == ["Pulled", "Created"]


def test_widget_and_close(api: APIServer, admin: Client, kernel: Kernel) -> None:
    stream = EventStream(api, client=admin)
    widget = stream.widget
    pod = make_pod(admin, "web")
    EventRecorder(admin, kernel, "default-scheduler").event(pod, "Normal", "Scheduled", "ok")
    kernel.run_for(2)
    stream.sync()
    assert "Scheduled" in stream._out.value and len(widget.children) == 1
    stream.close()
    EventRecorder(admin, kernel, "default-scheduler").event(pod, "Normal", "Killing", "stop")
    kernel.run_for(2)
    assert not any("Killing" in ln for ln in stream.lines)
