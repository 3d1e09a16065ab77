"""``kubectl logs`` through the API server's ``pods/log``, served by the kubelet."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from k8s_internals.api.errors import StatusError
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import ApiError, Client
from k8s_internals.node.kubelet import Kubelet, make_log_provider
from k8s_internals.sim import Kernel

from .kubelet_helpers import make_pod

MakeKubelet = Callable[..., Kubelet]


@pytest.fixture
def logs_node(kubelet: MakeKubelet, napi: APIServer) -> Kubelet:
    k = kubelet("node-1", images=["busybox", "luksa/kubia"])
    napi.log_provider = make_log_provider({"node-1": k}.get)  # type: ignore[attr-defined]
    return k


def test_busybox_echo_logs(logs_node: Kubelet, nadmin: Client, kernel: Kernel) -> None:
    nadmin.create("pods", make_pod("bb", "busybox", imagePullPolicy="IfNotPresent",
                                   command=["sh", "-c", "echo hello; echo oops >&2; sleep 99"]))
    assert kernel.run_until_idle(60)
    assert nadmin.logs("default", "bb") == "hello\noops\n"
    assert logs_node.logs("default", "bb") == "hello\noops\n"


def test_kubia_logs_its_requests(logs_node: Kubelet, nadmin: Client, kernel: Kernel) -> None:
    from k8s_internals.node.process import HttpRequest

    nadmin.create("pods", make_pod("kubia", "luksa/kubia", imagePullPolicy="IfNotPresent"))
    assert kernel.run_until_idle(60)
    ip = nadmin.get("pods", "kubia", "default")["status"]["podIP"]
    assert logs_node.runtime.http(ip, 8080, HttpRequest(remote_addr="10.244.2.5")).body == \
        "You've hit kubia\n"
    assert nadmin.logs("default", "kubia") == (
        "Kubia server starting...\nReceived request from ::ffff:10.244.2.5\n")


def test_log_errors_are_upstreams(logs_node: Kubelet, nadmin: Client, kernel: Kernel) -> None:
    pod = make_pod("two", "busybox", imagePullPolicy="IfNotPresent", command=["sleep", "99"])
    pod["spec"]["containers"].append({"name": "side", "image": "nginx:nope"})
    nadmin.create("pods", pod)
    kernel.run_for(0.2)
    with pytest.raises(ApiError) as err:
        nadmin.logs("default", "two")
    assert (err.value.code, err.value.message) == (
        400, "a container name must be specified for pod two, choose one of: [app side]")
    with pytest.raises(ApiError, match="container nope is not valid for pod two"):
        nadmin.logs("default", "two", "nope")
    with pytest.raises(ApiError, match='container "app" in pod "two" is waiting to start: '
                                       "ContainerCreating"):
        nadmin.logs("default", "two", "app")
    kernel.run_for(5)
    with pytest.raises(ApiError, match='container "side" in pod "two" is waiting to start: '
                                       "trying and failing to pull image"):
        nadmin.logs("default", "two", "side")
    with pytest.raises(StatusError, match='previous terminated container "app" in pod "two" '
                                          "not found"):
        logs_node.logs("default", "two", "app", previous=True)


def test_a_crashed_containers_logs_and_the_previous_run(logs_node: Kubelet, nadmin: Client,
                                                       kernel: Kernel) -> None:
    script = 'echo "run at $(date +%S)"; sleep 2; exit 1'
    nadmin.create("pods", make_pod("c", "busybox", imagePullPolicy="IfNotPresent",
                                   command=["sh", "-c", script]))
    # runs: 0.7 s; 3.2 s (the first restart is immediate); 15.2 s (after a 10 s back-off)
    kernel.run_for(16)
    assert nadmin.logs("default", "c") == "run at 15\n"
    previous = nadmin.call("get", "pods", namespace="default", name="c", subresource="log",
                           params={"previous": "true"})
    assert previous == "run at 03\n"
    stamped = nadmin.call("get", "pods", namespace="default", name="c", subresource="log",
                          params={"timestamps": "true"})
    assert stamped.startswith("2025-01-01T00:00:15.") and stamped.endswith("Z run at 15\n")


def test_a_stopped_kubelet_cannot_serve_logs(logs_node: Kubelet, nadmin: Client,
                                            kernel: Kernel) -> None:
    nadmin.create("pods", make_pod("bb", "busybox", imagePullPolicy="IfNotPresent",
                                   command=["sleep", "99"]))
    assert kernel.run_until_idle(60)
    logs_node.stop()
    with pytest.raises(ApiError) as err:
        nadmin.logs("default", "bb")
    assert err.value.code == 500
    assert err.value.message == ('Get "https://172.18.0.2:10250/containerLogs/default/bb/app":'
                                 " dial tcp 172.18.0.2:10250: connect: connection refused")
