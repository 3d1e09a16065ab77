"""Liveness, readiness and startup probes."""

from __future__ import annotations

from collections.abc import Callable

from k8s_internals.client.client import Client
from k8s_internals.node.kubelet import Kubelet
from k8s_internals.sim import Kernel

from .kubelet_helpers import condition, container_status, events_of, make_pod

MakeKubelet = Callable[..., Kubelet]


def test_a_failing_liveness_probe_restarts_the_container(kubelet: MakeKubelet, nadmin: Client,
                                                         kernel: Kernel) -> None:
    """Kubernetes in Action 4.1: kubia-unhealthy answers 500 from its sixth request."""
    k = kubelet("node-1", images=["luksa/kubia-unhealthy"])
    nadmin.create("pods", make_pod("kubia-liveness", "luksa/kubia-unhealthy",
                                   imagePullPolicy="IfNotPresent",
                                   livenessProbe={"httpGet": {"path": "/", "port": 8080}}))
    kernel.run_for(45)
    pod = nadmin.get("pods", "kubia-liveness", "default")
    assert container_status(pod)["restartCount"] == 0
    kernel.run_for(75)
    # probes every 10 s from the first sync: 10, 20, 30, 40, 50 s succeed; 60, 70, 80 s fail →
    # killed at 80 s; node ignores SIGTERM, so it dies when the 30 s grace period ends (exit
    # 137) and is restarted at once
    cs = container_status(nadmin.get("pods", "kubia-liveness", "default"))
    assert cs["restartCount"] == 1 and "running" in cs["state"]
    assert cs["lastState"]["terminated"]["exitCode"] == 137
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    evs = events_of(nadmin, "kubia-liveness")
    assert ("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500") in evs
    assert ("Killing", "Container app failed liveness probe, will be restarted") in evs
    unhealthy = [e for e in nadmin.list("events", "default")["items"]
                 if e["reason"] == "Unhealthy"]
    assert unhealthy[0]["count"] == 3 and unhealthy[0]["type"] == "Warning"
    assert unhealthy[0]["involvedObject"]["fieldPath"] == "spec.containers{app}"
    previous = k.logs("default", "kubia-liveness", previous=True)
    assert previous.splitlines()[0] == "Kubia server starting..."
    assert previous.count("Received request from ::ffff:10.244.1.1") == 8


def test_readiness_toggles_the_ready_condition(kubelet: MakeKubelet, nadmin: Client,
                                              kernel: Kernel) -> None:
    kubelet("node-1", images=["busybox"])
    script = "sleep 20; touch /tmp/ready; sleep 30; rm /tmp/ready; sleep 3600"
    nadmin.create("pods", make_pod("r", "busybox", command=["sh", "-c", script],
                                   imagePullPolicy="IfNotPresent",
                                   readinessProbe={"exec": {"command": ["cat", "/tmp/ready"]},
                                                   "periodSeconds": 5}))
    seen = []
    kernel.run_for(0.5)  # samples between the probes (every 5 s from the first sync, 0.01 s)
    for _ in range(14):
        kernel.run_for(5)
        pod = nadmin.get("pods", "r", "default")
        seen.append((container_status(pod)["ready"], condition(pod, "Ready")["status"]))
    assert [s[0] for s in seen] == [False] * 4 + [True] * 8 + [False] * 2
    assert all(str(ready) == status for ready, status in seen)
    pod = nadmin.get("pods", "r", "default")
    assert condition(pod, "Ready")["reason"] == "ContainersNotReady"
    assert container_status(pod)["restartCount"] == 0  # readiness never restarts
    assert ("Unhealthy", "Readiness probe failed: cat: can't open '/tmp/ready': No such file "
                         "or directory\n") in events_of(nadmin, "r")


def test_a_startup_probe_holds_back_liveness_and_readiness(kubelet: MakeKubelet,
                                                           nadmin: Client,
                                                           kernel: Kernel) -> None:
    kubelet("node-1", images=["busybox"])
    script = "sleep 12; touch /tmp/started; sleep 3600"
    probe = {"exec": {"command": ["cat", "/tmp/started"]}, "periodSeconds": 5,
             "failureThreshold": 10}
    nadmin.create("pods", make_pod("s", "busybox", command=["sh", "-c", script],
                                   imagePullPolicy="IfNotPresent", startupProbe=probe,
                                   livenessProbe={"exec": {"command": ["true"]}}))
    kernel.run_for(10)
    cs = container_status(nadmin.get("pods", "s", "default"))
    assert (cs["started"], cs["ready"]) == (False, False)
    assert kernel.run_until_idle(60)
    cs = container_status(nadmin.get("pods", "s", "default"))
    assert (cs["started"], cs["ready"], cs["restartCount"]) == (True, True, 0)


def test_a_failing_startup_probe_kills_the_container(kubelet: MakeKubelet, nadmin: Client,
                                                    kernel: Kernel) -> None:
    kubelet("node-1", images=["nginx:1.27"])
    nadmin.create("pods", make_pod("web", startupProbe={
        "httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 2,
        "failureThreshold": 3}))
    kernel.run_for(12)
    evs = events_of(nadmin, "web")
    assert ("Unhealthy", "Startup probe failed: HTTP probe failed with statuscode: 404") in evs
    assert ("Killing", "Container app failed startup probe, will be restarted") in evs
    assert container_status(nadmin.get("pods", "web", "default"))["restartCount"] >= 1


def test_tcp_probes_and_named_ports(kubelet: MakeKubelet, nadmin: Client,
                                    kernel: Kernel) -> None:
    kubelet("node-1", images=["redis:7"])
    nadmin.create("pods", make_pod("redis", "redis:7", ports=[{"name": "redis",
                                                               "containerPort": 6379}],
                                   readinessProbe={"tcpSocket": {"port": "redis"}}))
    assert kernel.run_until_idle(60)
    assert condition(nadmin.get("pods", "redis", "default"), "Ready")["status"] == "True"


def test_an_exec_probe_of_a_missing_binary_errors_without_counting(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    kubelet("node-1", images=["registry.k8s.io/kube-scheduler:v1.32.0"])
    nadmin.create("pods", make_pod("sched", "registry.k8s.io/kube-scheduler:v1.32.0",
                                   command=["kube-scheduler"],
                                   livenessProbe={"exec": {"command": ["cat", "/tmp/x"]},
                                                  "periodSeconds": 2}))
    kernel.run_for(20)
    cs = container_status(nadmin.get("pods", "sched", "default"))
    assert cs["restartCount"] == 0
    reasons = events_of(nadmin, "sched")
    errored = [m for r, m in reasons if r == "Unhealthy"]
    assert errored and errored[0].startswith("Liveness probe errored: rpc error: code = Unknown "
                                             "desc = failed to exec in container")
    assert 'exec: "cat": executable file not found in $PATH: unknown' in errored[0]
