"""The CRI runtime on virtual time: sandboxes, pulls, containers, stop with grace, logs."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from k8s_internals.node.images import PullError
from k8s_internals.node.runtime import (
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    ContainerConfig,
    ContainerRuntime,
    CRIError,
    SandboxConfig,
)
from k8s_internals.node.tasks import Task, spawn
from k8s_internals.sim import Kernel


@pytest.fixture
def rt() -> ContainerRuntime:
    r = ContainerRuntime(Kernel(seed=0), "node-1", "172.18.0.2")
    r.update_runtime_config("10.244.1.0/24")
    return r


def drive(rt: ContainerRuntime, gen: Generator[Any, Any, Any]) -> Task[Any]:
    task = spawn(rt.kernel, gen)
    rt.kernel.run_until_idle(600)
    return task


def start(rt: ContainerRuntime, image: str, command: list[str] | None = None,
          pull: bool = True) -> str:
    def flow() -> Generator[Any, Any, str]:
        sid = yield rt.run_pod_sandbox(SandboxConfig("web", "default", "uid-1", hostname="web"))
        if pull:
            yield rt.pull_image(image)
        cid = yield rt.create_container(sid, ContainerConfig(
            "app", image, command=command or [], labels={"io.kubernetes.pod.uid": "uid-1"}))
        yield rt.start_container(cid)
        return cid  # type: ignore[no-any-return]
    task = spawn(rt.kernel, flow())
    rt.kernel.run(until=rt.kernel.now + 60)
    return task.result()


def test_status_reports_network_not_ready_until_a_pod_cidr() -> None:
    r = ContainerRuntime(Kernel(seed=0), "node-1", "172.18.0.2")
    assert r.status()["conditions"][1] == {
        "type": "NetworkReady", "status": False, "reason": "NetworkPluginNotReady",
        "message": "Network plugin returns error: cni plugin not initialized"}
    assert r.network_error().startswith("container runtime network not ready: NetworkReady=false")
    r.update_runtime_config("10.244.1.0/24")
    assert r.network_error() == ""


def test_a_pull_takes_size_over_bandwidth(rt: ContainerRuntime) -> None:
    task = drive(rt, _yield(rt.pull_image("luksa/kubia")))
    assert rt.kernel.now == pytest.approx(250_911_231 / 20_000_000)
    assert task.result().startswith("docker.io/luksa/kubia@sha256:")
    t0 = rt.kernel.now
    drive(rt, _yield(rt.pull_image("luksa/kubia")))  # present: only the manifest round trip
    assert rt.kernel.now - t0 == pytest.approx(0.5)


def _yield(task: Task[Any]) -> Generator[Any, Any, Any]:
    value = yield task
    return value


def test_a_failed_pull_raises_containerds_error(rt: ContainerRuntime) -> None:
    task = drive(rt, _yield(rt.pull_image("nginx:nope")))
    assert isinstance(task.exception(), PullError)
    assert "docker.io/library/nginx:nope: not found" in str(task.exception())


def test_ids_are_64_hex_digits_from_the_seeded_rng() -> None:
    ids = []
    for _ in range(2):
        r = ContainerRuntime(Kernel(seed=7), "node-1", "172.18.0.2")
        r.update_runtime_config("10.244.1.0/24")
        ids.append(start(r, "busybox", ["sleep", "10"]))
    assert ids[0] == ids[1] and len(ids[0]) == 64


def test_sandbox_gets_the_next_pod_ip(rt: ContainerRuntime) -> None:
    start(rt, "busybox", ["sleep", "100"])
    sandbox = next(iter(rt.sandboxes.values()))
    assert sandbox.ip == "10.244.1.2"
    c = rt.list_containers()[0]
    assert c.state == CONTAINER_RUNNING
    assert c.fs is not None and c.fs.read("/etc/hostname") == "web\n"


def test_exit_codes_and_reasons(rt: ContainerRuntime) -> None:
    ok = start(rt, "busybox", ["sh", "-c", "echo done"])
    bad = start(rt, "busybox", ["sh", "-c", "exit 3"], pull=False)
    rt.kernel.run(until=rt.kernel.now + 1)
    assert (rt.containers[ok].state, rt.containers[ok].exit_code,
            rt.containers[ok].reason) == (CONTAINER_EXITED, 0, "Completed")
    assert (rt.containers[bad].exit_code, rt.containers[bad].reason) == (3, "Error")


def test_a_missing_binary_is_a_start_error(rt: ContainerRuntime) -> None:
    def flow() -> Generator[Any, Any, None]:
        sid = yield rt.run_pod_sandbox(SandboxConfig("web", "default", "uid-1"))
        yield rt.pull_image("nginx")
        cid = yield rt.create_container(sid, ContainerConfig("app", "nginx", command=["nosuch"]))
        yield rt.start_container(cid)
    task = drive(rt, flow())
    err = task.exception()
    assert isinstance(err, CRIError)
    assert err.message.endswith('exec: "nosuch": executable file not found in $PATH: unknown')
    c = rt.list_containers()[0]
    assert (c.state, c.exit_code, c.reason, c.started_at) == (CONTAINER_EXITED, 128,
                                                             "StartError", None)


def test_stop_sends_the_stop_signal_then_kills_after_the_timeout(rt: ContainerRuntime) -> None:
    nginx = start(rt, "nginx")
    sleeper = start(rt, "busybox", ["sleep", "3600"])
    t0 = rt.kernel.now
    drive(rt, _yield(rt.stop_container(nginx, 30)))
    assert rt.kernel.now == t0  # nginx quits at once on SIGQUIT
    assert rt.containers[nginx].exit_code == 0
    drive(rt, _yield(rt.stop_container(sleeper, 30)))
    assert rt.kernel.now - t0 == pytest.approx(30)  # sleep ignores SIGTERM: SIGKILL at 30 s
    assert (rt.containers[sleeper].exit_code, rt.containers[sleeper].reason) == (137, "Error")


def test_logs_with_timestamps_tail_and_the_cri_format(rt: ContainerRuntime) -> None:
    cid = start(rt, "busybox", ["sh", "-c", "echo one; sleep 1; echo two >&2; echo three"])
    rt.kernel.run(until=rt.kernel.now + 2)
    assert rt.read_logs(cid) == "one\ntwo\nthree\n"
    assert rt.read_logs(cid, tail=1) == "three\n"
    first = rt.read_logs(cid, timestamps=True).splitlines()[0]
    assert first.startswith("2025-01-01T00:00:00.") and first.endswith("Z one")
    assert " stderr F two\n" in rt.cri_log(cid)


def test_exec_sync_runs_in_the_container(rt: ContainerRuntime) -> None:
    cid = start(rt, "busybox", ["sh", "-c", "echo hi > /tmp/f; sleep 100"])
    assert rt.exec_sync(cid, ["cat", "/tmp/f"]) == (0, "hi\n")
    api = start(rt, "registry.k8s.io/kube-apiserver:v1.32.0", ["kube-apiserver"])
    with pytest.raises(CRIError, match='exec: "cat": executable file not found in \\$PATH'):
        rt.exec_sync(api, ["cat", "/etc/hostname"])


def test_http_reaches_the_container_by_pod_ip(rt: ContainerRuntime) -> None:
    from k8s_internals.node.process import ConnectionRefused, HttpRequest

    start(rt, "luksa/kubia")
    assert rt.http("10.244.1.2", 8080, HttpRequest()).body == "You've hit web\n"
    with pytest.raises(ConnectionRefused):
        rt.http("10.244.1.2", 80, HttpRequest())
