"""Pods on a kubelet, on virtual time: start-up, images, restarts and back-off, init containers,
environment, graceful deletion."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.node.kubelet import Kubelet
from k8s_internals.sim import Kernel

from .kubelet_helpers import condition, container_status, events_of, make_pod

MakeKubelet = Callable[..., Kubelet]


def test_a_pod_starts_with_upstreams_events_status_and_timing(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    k = kubelet("node-1", images=["nginx:1.27"])
    nadmin.create("pods", make_pod("web"))
    kernel.run_for(0.5)
    pod = nadmin.get("pods", "web", "default")
    assert pod["status"]["phase"] == "Pending"
    assert container_status(pod)["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert condition(pod, "PodReadyToStartContainers")["status"] == "False"
    assert (condition(pod, "Ready")["reason"], condition(pod, "Ready")["message"]) == (
        "ContainersNotReady", "containers with unready status: [app]")
    assert kernel.run_until_idle(60)
    assert kernel.now == pytest.approx(1.0, abs=0.01)  # noticed at the next PLEG relist
    pod = nadmin.get("pods", "web", "default")
    status = pod["status"]
    assert status["phase"] == "Running"
    assert (status["hostIP"], status["hostIPs"], status["podIP"], status["podIPs"]) == (
        "172.18.0.2", [{"ip": "172.18.0.2"}], "10.244.1.2", [{"ip": "10.244.1.2"}])
    assert status["startTime"] == "2025-01-01T00:00:00Z"
    assert [c["type"] for c in status["conditions"]] == [
        "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
    assert all(c["status"] == "True" for c in status["conditions"])
    cs = container_status(pod)
    c = k.runtime.list_containers()[0]
    assert cs["state"] == {"running": {"startedAt": "2025-01-01T00:00:00Z"}}
    assert (cs["ready"], cs["started"], cs["restartCount"], cs["lastState"]) == (
        True, True, 0, {})
    assert cs["image"] == "docker.io/library/nginx:1.27"
    assert cs["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert cs["containerID"] == f"containerd://{c.id}"
    assert events_of(nadmin, "web") == [
        ("Pulled", 'Container image "nginx:1.27" already present on machine'),
        ("Created", "Created container: app"), ("Started", "Started container app")]
    # watch delivery (1 ms) + RunPodSandbox 0.5 s + CreateContainer 0.1 s + StartContainer 0.1 s
    assert c.started_at == pytest.approx(0.01 + 0.001 + 0.5 + 0.1 + 0.1)


def test_image_pulls_are_timed_and_serialized(kubelet: MakeKubelet, nadmin: Client,
                                              kernel: Kernel) -> None:
    kubelet("node-1")
    nadmin.create("pods", make_pod("kubia", "luksa/kubia"))
    nadmin.create("pods", make_pod("bb", "busybox", command=["sleep", "3600"]))
    kernel.run_until_idle(120)
    assert events_of(nadmin, "kubia")[:2] == [
        ("Pulling", 'Pulling image "luksa/kubia"'),
        ("Pulled", 'Successfully pulled image "luksa/kubia" in 12.545s (12.545s including '
                   "waiting). Image size: 250911231 bytes.")]
    # busybox waited for the kubia pull: the node pulls one image at a time
    assert events_of(nadmin, "bb")[1] == (
        "Pulled", 'Successfully pulled image "busybox" in 107ms (12.653s including waiting). '
                  "Image size: 2155124 bytes.")


def test_pull_policies(kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    kubelet("node-1", images=["nginx:latest"])
    nadmin.create("pods", make_pod("always", "nginx"))  # :latest → imagePullPolicy Always
    nadmin.create("pods", make_pod("never", "busybox", command=["sleep", "9"],
                                   imagePullPolicy="Never"))
    kernel.run_until_idle(60)
    assert events_of(nadmin, "always")[1] == (
        "Pulled", 'Successfully pulled image "nginx" in 500ms (500ms including waiting). '
                  "Image size: 72080558 bytes.")
    never = nadmin.get("pods", "never", "default")
    assert container_status(never)["state"] == {"waiting": {
        "reason": "ErrImageNeverPull",
        "message": 'Container image "busybox" is not present with pull policy of Never'}}
    assert ("ErrImageNeverPull", 'Container image "busybox" is not present with pull policy '
                                 "of Never") in events_of(nadmin, "never")


def test_a_failed_pull_backs_off_10_20_40_seconds(kubelet: MakeKubelet, nadmin: Client,
                                                  kernel: Kernel) -> None:
    k = kubelet("node-1")
    nadmin.create("pods", make_pod("bad", "nginx:nope"))
    kernel.run_for(2.5)  # the pull fails at 1.01 s; the next sync (a relist later) shows it
    state = container_status(nadmin.get("pods", "bad", "default"))["state"]["waiting"]
    assert state == {"reason": "ErrImagePull", "message": (
        'rpc error: code = NotFound desc = failed to pull and unpack image '
        '"docker.io/library/nginx:nope": failed to resolve reference '
        '"docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found')}
    assert kernel.run_until_idle(60)
    state = container_status(nadmin.get("pods", "bad", "default"))["state"]["waiting"]
    assert state == {"reason": "ImagePullBackOff",
                     "message": 'Back-off pulling image "nginx:nope"'}
    kernel.run_for(200)
    pulls = [t for t, name, ref in k.runtime.calls if name == "PullImage"]
    gaps = [round(b - a, 3) for a, b in pairwise(pulls)]
    assert gaps == [10.5, 20.5, 40.5, 80.5]  # back-off from the failure, + the 0.5 s attempt
    reasons = [e[0] for e in events_of(nadmin, "bad")]
    assert reasons[:2] == ["Pulling", "Failed"] and "BackOff" in reasons
    assert ("Failed", "Error: ImagePullBackOff") in events_of(nadmin, "bad")


def test_crashloopbackoff_delays_double_to_five_minutes(kubelet: MakeKubelet, nadmin: Client,
                                                       kernel: Kernel) -> None:
    k = kubelet("node-1", images=["k8s-internals/crashloop:v1"])
    nadmin.create("pods", make_pod("crash", "k8s-internals/crashloop:v1"))
    assert kernel.run_until_idle(60)
    pod = nadmin.get("pods", "crash", "default")
    cs = container_status(pod)
    assert pod["status"]["phase"] == "Running" and cs["restartCount"] == 1
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs["state"]["waiting"]["message"] == (
        f"back-off 10s restarting failed container=app pod=crash_default"
        f"({pod['metadata']['uid']})")
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    kernel.run_for(1100)
    runs = sorted(k.runtime.list_containers(), key=lambda c: c.created_at)
    delays = [round(b.created_at - 0.1 - a.finished_at, 3)  # type: ignore[operator]
              for a, b in pairwise(runs)]
    assert delays[0] < 1  # the first restart is immediate (at the next PLEG relist)
    assert delays[1:] == [10, 20, 40, 80, 160, 300, 300]
    assert ("BackOff", f"Back-off restarting failed container app in pod crash_default("
                       f"{pod['metadata']['uid']})") in events_of(nadmin, "crash")
    assert container_status(nadmin.get("pods", "crash", "default"))["restartCount"] == 8
    assert k.logs("default", "crash") == (
        "Starting app...\nError: cannot connect to database at db:5432: connection refused\n")


def test_the_back_off_resets_after_ten_minutes_of_running(kubelet: MakeKubelet,
                                                          nadmin: Client,
                                                          kernel: Kernel) -> None:
    k = kubelet("node-1", images=["busybox:1.36"])
    script = ("c=$(cat /data/c 2>/dev/null || echo 0); c=$((c+1)); echo $c > /data/c; "
              "if [ $c -eq 4 ]; then sleep 700; fi; exit 1")
    pod = make_pod("flaky", "busybox:1.36", command=["sh", "-c", script],
                   volumeMounts=[{"name": "data", "mountPath": "/data"}])
    pod["spec"]["volumes"] = [{"name": "data", "emptyDir": {}}]
    nadmin.create("pods", pod)
    kernel.run_for(800)
    runs = sorted(k.runtime.list_containers(), key=lambda c: c.created_at)
    delays = [round(b.created_at - 0.1 - a.finished_at, 1)  # type: ignore[operator]
              for a, b in pairwise(runs)]
    # runs 1-3 crash at once (0, 10, 20 s back-off); run 4 lives 700 s: the next restart is
    # immediate and the back-off starts again at 10 s
    assert delays[1:3] == [10, 20]
    assert delays[3] < 1 and delays[4] == 10


@pytest.mark.parametrize("policy, script, phase, reason", [
    ("Never", "echo done", "Succeeded", "Completed"),
    ("Never", "exit 2", "Failed", "Error"),
    ("OnFailure", "echo done", "Succeeded", "Completed"),
])
def test_restart_policy_decides_the_terminal_phase(kubelet: MakeKubelet, nadmin: Client,
                                                   kernel: Kernel, policy: str, script: str,
                                                   phase: str, reason: str) -> None:
    k = kubelet("node-1", images=["busybox"])
    nadmin.create("pods", make_pod("job", "busybox", command=["sh", "-c", script],
                                   restart=policy, imagePullPolicy="IfNotPresent"))
    assert kernel.run_until_idle(60)
    pod = nadmin.get("pods", "job", "default")
    assert pod["status"]["phase"] == phase
    term = container_status(pod)["state"]["terminated"]
    assert term["reason"] == reason and container_status(pod)["restartCount"] == 0
    ready = condition(pod, "Ready")
    assert (ready["status"], ready["reason"]) == ("False",
                                                  "PodCompleted" if phase == "Succeeded"
                                                  else "PodFailed")
    assert pod["status"]["podIP"] == "10.244.1.2"  # kept after the sandbox is gone
    assert k.runtime.cni.ipam is not None and not k.runtime.cni.ipam.allocated


def test_on_failure_restarts_a_failing_container(kubelet: MakeKubelet, nadmin: Client,
                                                 kernel: Kernel) -> None:
    kubelet("node-1", images=["busybox"])
    nadmin.create("pods", make_pod("job", "busybox", command=["sh", "-c", "exit 1"],
                                   restart="OnFailure", imagePullPolicy="IfNotPresent"))
    kernel.run_for(30)
    pod = nadmin.get("pods", "job", "default")
    assert pod["status"]["phase"] == "Running"
    assert container_status(pod)["restartCount"] >= 2


def test_init_containers_run_in_order_before_the_app(kubelet: MakeKubelet, nadmin: Client,
                                                    kernel: Kernel) -> None:
    kubelet("node-1", images=["busybox", "nginx:1.27"])
    pod = make_pod("web")
    pod["spec"]["initContainers"] = [
        {"name": "first", "image": "busybox", "imagePullPolicy": "IfNotPresent",
         "command": ["sh", "-c", "echo one; sleep 2"]},
        {"name": "second", "image": "busybox", "imagePullPolicy": "IfNotPresent",
         "command": ["sh", "-c", "echo two"]}]
    nadmin.create("pods", pod)
    kernel.run_for(1.5)
    pod = nadmin.get("pods", "web", "default")
    assert container_status(pod)["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert condition(pod, "Initialized")["message"] == (
        "containers with incomplete status: [first second]")
    assert pod["status"]["phase"] == "Pending"
    assert kernel.run_until_idle(60)
    pod = nadmin.get("pods", "web", "default")
    assert pod["status"]["phase"] == "Running"
    inits = pod["status"]["initContainerStatuses"]
    assert [(s["name"], s["state"]["terminated"]["reason"], s["ready"]) for s in inits] == [
        ("first", "Completed", True), ("second", "Completed", True)]
    started = [m for r, m in events_of(nadmin, "web") if r == "Started"]
    assert started == ["Started container first", "Started container second",
                       "Started container app"]


def test_a_failing_init_container_with_restart_never_fails_the_pod(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    kubelet("node-1", images=["busybox", "nginx:1.27"])
    pod = make_pod("web", restart="Never")
    pod["spec"]["initContainers"] = [{"name": "init", "image": "busybox",
                                      "imagePullPolicy": "IfNotPresent",
                                      "command": ["sh", "-c", "exit 1"]}]
    nadmin.create("pods", pod)
    assert kernel.run_until_idle(60)
    pod = nadmin.get("pods", "web", "default")
    assert pod["status"]["phase"] == "Failed"
    assert [r for r, _ in events_of(nadmin, "web")].count("Started") == 1


def test_environment_downward_api_configmaps_and_service_links(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    k = kubelet("node-1", images=["busybox"])
    nadmin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": "cfg", "namespace": "default"},
                                 "data": {"LEVEL": "debug"}})
    nadmin.create("services", {"apiVersion": "v1", "kind": "Service",
                               "metadata": {"name": "kubia", "namespace": "default"},
                               "spec": {"selector": {"app": "kubia"},
                                        "ports": [{"name": "http", "port": 80,
                                                   "targetPort": 8080}]}})
    kernel.run_for(0.1)
    env = [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
           {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
           {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
           {"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "LEVEL"}}},
           {"name": "GREETING", "value": "hello $(POD_NAME)"}]
    nadmin.create("pods", make_pod("env", "busybox", command=["sh", "-c", "env; sleep 999"],
                                   imagePullPolicy="IfNotPresent", env=env))
    assert kernel.run_until_idle(60)
    out = dict(line.split("=", 1) for line in k.logs("default", "env").splitlines())
    svc = nadmin.get("services", "kubia", "default")["spec"]["clusterIP"]
    assert (out["POD_NAME"], out["POD_IP"], out["NODE"], out["LEVEL"], out["GREETING"]) == (
        "env", "10.244.1.2", "node-1", "debug", "hello env")
    assert (out["HOSTNAME"], out["KUBIA_SERVICE_HOST"], out["KUBIA_SERVICE_PORT"],
            out["KUBIA_SERVICE_PORT_HTTP"], out["KUBIA_PORT"]) == (
        "env", svc, "80", "80", f"tcp://{svc}:80")
    assert out["KUBIA_PORT_80_TCP_ADDR"] == svc
    assert "KUBERNETES_SERVICE_HOST" in out or "kubernetes" not in k.services


def test_a_missing_configmap_is_a_create_container_config_error(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    kubelet("node-1", images=["busybox"])
    env = [{"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "nope", "key": "x"}}}]
    nadmin.create("pods", make_pod("env", "busybox", command=["sleep", "9"],
                                   imagePullPolicy="IfNotPresent", env=env))
    assert kernel.run_until_idle(60)
    cs = container_status(nadmin.get("pods", "env", "default"))
    assert cs["state"] == {"waiting": {"reason": "CreateContainerConfigError",
                                       "message": 'configmap "nope" not found'}}
    assert ("Failed", 'Error: configmap "nope" not found') in events_of(nadmin, "env")
    nadmin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": "nope", "namespace": "default"},
                                 "data": {"x": "1"}})
    kernel.run_for(12)  # retried after backOffPeriod (10 s)
    assert "running" in container_status(nadmin.get("pods", "env", "default"))["state"]


def test_volumes_configmap_files_and_the_service_account_token(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    k = kubelet("node-1", images=["busybox"])
    nadmin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": "cfg", "namespace": "default"},
                                 "data": {"app.conf": "port=8080\n"}})
    pod = make_pod("vol", "busybox", imagePullPolicy="IfNotPresent", command=[
        "sh", "-c", "cat /etc/app/app.conf; cat /var/run/secrets/kubernetes.io/serviceaccount/"
                    "namespace; echo; head -c 3 /var/run/secrets/kubernetes.io/serviceaccount/"
                    "token; echo; sleep 999"],
        volumeMounts=[{"name": "cfg", "mountPath": "/etc/app"}])
    pod["spec"]["volumes"] = [{"name": "cfg", "configMap": {"name": "cfg"}}]
    nadmin.create("pods", pod)
    assert kernel.run_until_idle(60)
    assert k.logs("default", "vol").splitlines()[:3] == ["port=8080", "default", "eyJ"]


def test_a_missing_configmap_volume_keeps_the_pod_creating(kubelet: MakeKubelet,
                                                          nadmin: Client,
                                                          kernel: Kernel) -> None:
    kubelet("node-1", images=["busybox"])
    pod = make_pod("vol", "busybox", command=["sleep", "9"],
                   volumeMounts=[{"name": "cfg", "mountPath": "/etc/app"}])
    pod["spec"]["volumes"] = [{"name": "cfg", "configMap": {"name": "missing"}}]
    nadmin.create("pods", pod)
    assert kernel.run_until_idle(60)
    cs = container_status(nadmin.get("pods", "vol", "default"))
    assert cs["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert ("FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap "missing" '
                           "not found") in events_of(nadmin, "vol")


def _deleted_at(napi: APIServer, name: str) -> tuple[float, dict[str, object]]:
    traces = [t for t in napi.tracer if t.user == "system:node:node-1" and t.verb == "delete"
              and t.name == name]
    assert len(traces) == 1
    step = traces[0].step("decode")
    assert step is not None
    return traces[0].start, step.detail  # type: ignore[return-value]


def test_graceful_deletion_stops_containers_then_deletes_with_grace_zero(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel, napi: APIServer) -> None:
    k = kubelet("node-1", images=["nginx:1.27", "busybox"])
    nadmin.create("pods", make_pod("web"))
    nadmin.create("pods", make_pod("sleeper", "busybox", command=["sleep", "3600"],
                                   imagePullPolicy="IfNotPresent"))
    nadmin.create("pods", make_pod("short", "busybox", command=["sleep", "3600"],
                                   imagePullPolicy="IfNotPresent"))
    assert kernel.run_until_idle(60)
    t0 = kernel.now
    nadmin.delete("pods", "web", "default")
    nadmin.delete("pods", "sleeper", "default")
    nadmin.delete("pods", "short", "default", grace_period_seconds=5)
    kernel.run_for(0.1)
    assert nadmin.get("pods", "sleeper", "default")["metadata"]["deletionTimestamp"]
    assert kernel.run_until_idle(60)
    for name in ("web", "sleeper", "short"):
        assert not nadmin.list("pods", "default", field_selector=f"metadata.name={name}")[
            "items"]
        assert events_of(nadmin, name)[-1] == ("Killing", "Stopping container app")
    web_at, _ = _deleted_at(napi, "web")
    sleeper_at, opts = _deleted_at(napi, "sleeper")
    short_at, _ = _deleted_at(napi, "short")
    assert opts == {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0,
                    "preconditions": {"uid": opts["preconditions"]["uid"]}}  # type: ignore[index]
    assert web_at - t0 < 1  # nginx quits at once on SIGQUIT
    assert sleeper_at - t0 == pytest.approx(30, abs=0.1)  # sleep ignores SIGTERM: 30 s
    assert short_at - t0 == pytest.approx(5, abs=0.1)
    assert k.runtime.containers == {} and k.runtime.sandboxes == {}


def test_host_network_pods_use_the_node_ip_and_need_no_cni(kubelet: MakeKubelet,
                                                          nadmin: Client,
                                                          kernel: Kernel) -> None:
    kubelet("node-1", pod_cidr=None, images=["nginx:1.27"])
    pod = make_pod("hn")
    pod["spec"]["hostNetwork"] = True
    nadmin.create("pods", pod)
    assert kernel.run_until_idle(60)
    pod = nadmin.get("pods", "hn", "default")
    assert (pod["status"]["phase"], pod["status"]["podIP"]) == ("Running", "172.18.0.2")


def test_pod_ips_come_from_the_node_cidr_in_order(kubelet: MakeKubelet, nadmin: Client,
                                                 kernel: Kernel) -> None:
    kubelet("node-2", images=["nginx:1.27"])
    for i in range(3):
        nadmin.create("pods", make_pod(f"web-{i}", node="node-2"))
    assert kernel.run_until_idle(60)
    ips = [nadmin.get("pods", f"web-{i}", "default")["status"]["podIP"] for i in range(3)]
    assert ips == ["10.244.2.2", "10.244.2.3", "10.244.2.4"]


def test_a_changed_image_restarts_the_container(kubelet: MakeKubelet, nadmin: Client,
                                               kernel: Kernel) -> None:
    kubelet("node-1", images=["nginx:1.27", "nginx:1.26"])
    nadmin.create("pods", make_pod("web"))
    assert kernel.run_until_idle(60)
    nadmin.patch("pods", "web", {"spec": {"containers": [{"name": "app",
                                                          "image": "nginx:1.26"}]}}, "default",
                 patch_type="strategic")
    assert kernel.run_until_idle(60)
    cs = container_status(nadmin.get("pods", "web", "default"))
    assert (cs["image"], cs["restartCount"]) == ("docker.io/library/nginx:1.26", 1)
    assert ("Killing", "Container app definition changed, will be restarted") in \
        events_of(nadmin, "web")


def test_a_pod_that_does_not_fit_is_rejected_by_the_kubelet(kubelet: MakeKubelet,
                                                           nadmin: Client,
                                                           kernel: Kernel) -> None:
    """``nodeName`` skips the scheduler, not the kubelet's own admission check."""
    kubelet("node-1", images=["nginx:1.27"])
    nadmin.create("pods", make_pod("big", resources={"requests": {"cpu": "3"}}))
    nadmin.create("pods", make_pod("bigger", resources={"requests": {"cpu": "2"}}))
    assert kernel.run_until_idle(60)
    assert nadmin.get("pods", "big", "default")["status"]["phase"] == "Running"
    status = nadmin.get("pods", "bigger", "default")["status"]
    message = ("Node didn't have enough resource: cpu, requested: 2000, used: 3000, "
               "capacity: 4000")
    assert (status["phase"], status["reason"], status["message"]) == (
        "Failed", "OutOfcpu", f"Pod was rejected: {message}")
    assert events_of(nadmin, "bigger") == [("OutOfcpu", message)]


def test_a_sidecar_init_container_keeps_running_beside_the_app(kubelet: MakeKubelet,
                                                              nadmin: Client,
                                                              kernel: Kernel) -> None:
    kubelet("node-1", images=["busybox", "nginx:1.27"])
    pod = make_pod("web")
    pod["spec"]["initContainers"] = [
        {"name": "migrate", "image": "busybox", "imagePullPolicy": "IfNotPresent",
         "command": ["sh", "-c", "echo migrated"]},
        {"name": "logshipper", "image": "busybox", "imagePullPolicy": "IfNotPresent",
         "restartPolicy": "Always", "command": ["sh", "-c", "while true; do sleep 5; done"]}]
    nadmin.create("pods", pod)
    assert kernel.run_until_idle(60)
    pod = nadmin.get("pods", "web", "default")
    assert pod["status"]["phase"] == "Running"
    assert condition(pod, "Initialized")["status"] == "True"
    inits = {s["name"]: s for s in pod["status"]["initContainerStatuses"]}
    assert "terminated" in inits["migrate"]["state"]
    assert "running" in inits["logshipper"]["state"] and inits["logshipper"]["ready"]
    assert "running" in container_status(pod)["state"]


def test_deleting_a_pod_cancels_its_image_pull(kubelet: MakeKubelet, nadmin: Client,
                                               kernel: Kernel) -> None:
    """The termination request cancels the sync in flight (upstream cancels its context)."""
    k = kubelet("node-1")
    nadmin.create("pods", make_pod("kubia", "luksa/kubia"))
    kernel.run_for(3)  # pulling 250 MB takes 12.5 s
    nadmin.delete("pods", "kubia", "default")
    kernel.run_for(1)
    assert not nadmin.list("pods", "default")["items"]
    assert k.runtime.containers == {}
    assert events_of(nadmin, "kubia") == [("Pulling", 'Pulling image "luksa/kubia"')]


def test_two_containers_share_an_empty_dir(kubelet: MakeKubelet, nadmin: Client,
                                           kernel: Kernel) -> None:
    """Kubernetes in Action 6.2: a fortune generator and nginx share an emptyDir."""
    from k8s_internals.node.process import HttpRequest

    k = kubelet("node-1", images=["luksa/fortune", "nginx:alpine"])
    pod = make_pod("fortune", "luksa/fortune", imagePullPolicy="IfNotPresent",
                   volumeMounts=[{"name": "html", "mountPath": "/var/htdocs"}])
    pod["spec"]["containers"][0]["name"] = "html-generator"
    pod["spec"]["containers"].append({
        "name": "web-server", "image": "nginx:alpine", "ports": [{"containerPort": 80}],
        "volumeMounts": [{"name": "html", "mountPath": "/usr/share/nginx/html",
                          "readOnly": True}]})
    pod["spec"]["volumes"] = [{"name": "html", "emptyDir": {}}]
    nadmin.create("pods", pod)
    kernel.run_for(5)
    page = k.runtime.http("10.244.1.2", 80, HttpRequest()).body
    from k8s_internals.node.images import FORTUNES

    assert page.rstrip("\n") in FORTUNES
    assert k.logs("default", "fortune", "html-generator").startswith(
        "Wed Jan 1 00:00:00 UTC 2025 Writing fortune to /var/htdocs/index.html\n")
