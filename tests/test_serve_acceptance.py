"""Issue 6 §3, the acceptance list: the real kubectl (1.32, ``/usr/bin/kubectl``) against one
``k8s-internals serve --nodes 2`` process, the way a learner uses it.

One server for the whole module (the ``server`` fixture: a subprocess on a free port, its state
directory and ``HOME`` in a temporary folder, stopped with Ctrl-C by PID at the end, killed if it
does not stop). The tests run in file order and share what they did: the kubia Deployment is
applied, rolled forward, rolled back, server-side applied, scaled, restarted and has a pod
deleted, as in chapters 9–10 of *Kubernetes in Action*. Every test asserts on what kubectl
prints (columns, names, counts, upstream's texts), not only on exit codes.

The kubia manifest sets ``terminationGracePeriodSeconds: 3`` (``node`` as PID 1 ignores SIGTERM,
so a pod takes its whole grace period to go) and ``maxSurge: 100%`` (all new pods at once: each
node pulls a new image once, ~12.5 s for kubia's 250 MB, instead of once per rollout step), to
keep the module's wall time near a minute.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8s_internals.store.launcher import free_port

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"

pytestmark = pytest.mark.skipif(not os.path.exists(KUBECTL),
                                reason="the real kubectl is not installed")

KUBIA = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kubia
spec:
  replicas: 3
  selector:
    matchLabels:
      app: kubia
  strategy:
    rollingUpdate:
      maxSurge: 100%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: kubia
    spec:
      terminationGracePeriodSeconds: 3
      containers:
      - name: nodejs
        image: luksa/kubia
        ports:
        - containerPort: 8080
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: kubia
spec:
  selector:
    app: kubia
  ports:
  - port: 80
    targetPort: 8080
"""

#: what kubectl says when the server cannot read a protobuf body (another change adds it)
NO_PROTOBUF = "the body of the request was in an unknown format"


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    tmp: Path
    state: Path
    home: Path
    shared: dict[str, Any] = field(default_factory=dict)

    def kubectl(self, *args: str, config: Path | None = None, input: str | None = None,
                timeout: float = 90, check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run the real kubectl with the admin kubeconfig (or ``config``)."""
        out = subprocess.run([KUBECTL, *args], env=self.env(config), input=input,
                             capture_output=True, text=True, timeout=timeout, check=False)
        if check and out.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({out.returncode}):\n"
                                 f"{out.stdout}{out.stderr}")
        return out

    def env(self, config: Path | None = None) -> dict[str, str]:
        return {"HOME": str(self.home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "KUBECONFIG": str(config or self.state / "kubeconfig")}

    def file(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.write_text(text)
        return path

    def json(self, *args: str) -> Any:
        return json.loads(self.kubectl(*args, "-o", "json", check=True).stdout)

    def kubia_pods(self) -> list[list[str]]:
        """``kubectl get pods -l app=kubia``'s rows, split (Terminating pods included)."""
        out = self.kubectl("get", "pods", "-l", "app=kubia", "--no-headers", check=True)
        return [line.split() for line in out.stdout.splitlines()]

    def wait_for_kubia_pods(self, n: int, timeout: float = 60) -> list[list[str]]:
        """Until exactly ``n`` kubia pods are listed, all Running and ready."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.kubia_pods()
            if len(rows) == n and all(r[1:3] == ["1/1", "Running"] for r in rows):
                return rows
            if time.monotonic() > deadline:
                pytest.fail(f"not {n} running kubia pods: {rows}")
            time.sleep(0.5)


def _start(tmp: Path) -> Server:
    state, home = tmp / "state", tmp / "home"
    home.mkdir()
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "k8s_internals.cli", "serve", "--nodes", "2", "--port",
         str(free_port()), "--state-dir", str(state)],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, HOME=str(home)))
    log.close()
    deadline = time.monotonic() + 120
    while "export KUBECONFIG=" not in (tmp / "serve.log").read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail("serve did not come up:\n" + (tmp / "serve.log").read_text())
        time.sleep(0.1)
    return Server(proc, tmp, state, home)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = _start(tmp_path_factory.mktemp("serve-acceptance"))
    try:
        yield s
    finally:
        _stop(s.proc)
    assert s.proc.returncode == 0
    assert "k8s-internals: stopped" in (s.tmp / "serve.log").read_text()


def _table(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.splitlines()
    return lines[0].split(), [line.split() for line in lines[1:]]


def _rolled_out(server: Server) -> str:
    out = server.kubectl("rollout", "status", "deployment/kubia", "--timeout=60s", check=True)
    assert out.stdout.splitlines()[-1] == 'deployment "kubia" successfully rolled out'
    return out.stdout


def _kubia_replicasets(server: Server) -> dict[str, dict[str, Any]]:
    """The kubia ReplicaSets by revision (the ``deployment.kubernetes.io/revision``)."""
    items = server.json("get", "rs", "-l", "app=kubia")["items"]
    return {rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]: rs
            for rs in items}


# --------------------------------------------------------------------------------------------
# discovery and the system
# --------------------------------------------------------------------------------------------


def test_version(server: Server) -> None:
    out = server.kubectl("version", check=True).stdout
    assert "Client Version: v1.32" in out
    assert "Server Version: v1.32.0+k8s-internals" in out


def test_api_resources(server: Server) -> None:
    head, rows = _table(server.kubectl("api-resources", check=True).stdout)
    assert head == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    by_name = {r[0]: r for r in rows}
    assert by_name["pods"] == ["pods", "po", "v1", "true", "Pod"]
    assert by_name["nodes"] == ["nodes", "no", "v1", "false", "Node"]
    assert by_name["deployments"] == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert by_name["replicasets"] == ["replicasets", "rs", "apps/v1", "true", "ReplicaSet"]
    assert by_name["componentstatuses"] == ["componentstatuses", "cs", "v1", "false",
                                            "ComponentStatus"]
    wide = server.kubectl("api-resources", "-o", "wide", "--api-group=apps",
                          check=True).stdout.splitlines()
    assert wide[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND",
                               "VERBS", "CATEGORIES"]
    deploy = next(line.split() for line in wide if line.startswith("deployments "))
    assert deploy[5:] == ["create,delete,deletecollection,get,list,patch,update,watch", "all"]


def test_get_componentstatuses(server: Server) -> None:
    out = server.kubectl("get", "componentstatuses", check=True)
    assert out.stderr == "Warning: v1 ComponentStatus is deprecated in v1.19+\n"
    head, rows = _table(out.stdout)
    assert head == ["NAME", "STATUS", "MESSAGE", "ERROR"]
    assert sorted(r[:3] for r in rows) == [["controller-manager", "Healthy", "ok"],
                                           ["etcd-0", "Healthy", '{"health":"true"}'],
                                           ["scheduler", "Healthy", "ok"]]


def test_get_pods_in_kube_system(server: Server) -> None:
    head, rows = _table(server.kubectl("get", "pods", "-n", "kube-system", check=True).stdout)
    assert head == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    names = [r[0] for r in rows]
    for static in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        assert f"{static}-control-plane" in names
    assert sum(n.startswith("kube-proxy-") for n in names) == 3  # a DaemonSet: every node
    assert sum(n.startswith("coredns-") for n in names) == 2
    assert all(r[1:4] == ["1/1", "Running", "0"] for r in rows)


def test_get_pods_all_namespaces_wide(server: Server) -> None:
    head, rows = _table(server.kubectl("get", "pods", "-A", "-o", "wide", check=True).stdout)
    assert head == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE",
                    "NOMINATED", "NODE", "READINESS", "GATES"]
    assert {r[0] for r in rows} == {"kube-system"}
    proxies = {r[7]: r[6] for r in rows if r[1].startswith("kube-proxy-")}
    # host-network pods have their node's address; the others one from the node's pod CIDR
    assert proxies == {"control-plane": "172.18.0.2", "node-1": "172.18.0.3",
                       "node-2": "172.18.0.4"}
    for r in rows:
        if r[1].startswith("coredns-"):
            assert r[7] in ("node-1", "node-2") and r[6].startswith("10.244.")
        assert r[-2:] == ["<none>", "<none>"]


# --------------------------------------------------------------------------------------------
# a Deployment's life
# --------------------------------------------------------------------------------------------


def test_apply_the_kubia_deployment(server: Server) -> None:
    path = server.file("kubia.yaml", KUBIA)
    out = server.kubectl("apply", "-f", str(path), check=True)
    assert out.stdout == "deployment.apps/kubia created\n"
    _rolled_out(server)
    rows = server.wait_for_kubia_pods(3, timeout=5)
    assert {r[0].rsplit("-", 1)[0] for r in rows} == {
        "kubia-" + _kubia_replicasets(server)["1"]["metadata"]["labels"]["pod-template-hash"]}
    head, deploys = _table(server.kubectl("get", "deploy", "kubia", check=True).stdout)
    assert head == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert deploys[0][:4] == ["kubia", "3/3", "3", "3"]


def test_apply_a_new_image_rolls_out(server: Server) -> None:
    path = server.file("kubia.yaml", KUBIA.replace("image: luksa/kubia", "image: luksa/kubia:v2"))
    out = server.kubectl("apply", "-f", str(path), "-v=6", check=True)
    assert out.stdout == "deployment.apps/kubia configured\n"
    # client-side apply: a GET, then a strategic merge patch of what changed
    assert "PATCH https://" in out.stderr and "/deployments/kubia?fieldManager=" \
        "kubectl-client-side-apply" in out.stderr
    status = _rolled_out(server)
    assert "Waiting for deployment \"kubia\" rollout to finish" in status
    dep = server.json("get", "deploy", "kubia")
    assert dep["metadata"]["generation"] == 2
    assert dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "luksa/kubia:v2"
    assert dep["status"]["updatedReplicas"] == dep["status"]["availableReplicas"] == 3
    rs = _kubia_replicasets(server)
    assert set(rs) == {"1", "2"}
    assert rs["1"]["spec"]["replicas"] == 0 and rs["2"]["status"]["readyReplicas"] == 3


def test_rollout_history_and_undo(server: Server) -> None:
    history = server.kubectl("rollout", "history", "deployment/kubia", check=True).stdout
    assert history == ("deployment.apps/kubia \nREVISION  CHANGE-CAUSE\n1         <none>\n"
                       "2         <none>\n\n")
    rev1 = server.kubectl("rollout", "history", "deployment/kubia", "--revision=1",
                          check=True).stdout
    assert rev1.startswith("deployment.apps/kubia with revision #1\nPod Template:\n")
    assert "Image:\tluksa/kubia\n" in rev1
    first_hash = _kubia_replicasets(server)["1"]["metadata"]["labels"]["pod-template-hash"]
    # kubectl 1.32 rolls back client-side: it lists the ReplicaSets, takes revision 1's
    # template and patches the Deployment with it
    out = server.kubectl("rollout", "undo", "deployment/kubia", check=True)
    assert out.stdout == "deployment.apps/kubia rolled back\n"
    _rolled_out(server)
    dep = server.json("get", "deploy", "kubia")
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "luksa/kubia"
    rs = _kubia_replicasets(server)
    assert set(rs) == {"2", "3"}  # revision 1's ReplicaSet is revision 3 now
    assert rs["3"]["metadata"]["labels"]["pod-template-hash"] == first_hash
    assert rs["3"]["status"]["readyReplicas"] == 3 and rs["2"]["spec"]["replicas"] == 0
    history = server.kubectl("rollout", "history", "deployment/kubia", check=True).stdout
    assert history.splitlines()[2:4] == ["2         <none>", "3         <none>"]


def test_apply_server_side(server: Server) -> None:
    path = server.file("kubia-ssa.yaml", KUBIA)
    out = server.kubectl("apply", "--server-side", "--field-manager=acceptance", "-f",
                         str(path), check=True)
    assert out.stdout == "deployment.apps/kubia serverside-applied\n"
    dep = server.json("get", "deploy", "kubia", "--show-managed-fields")
    entries = {(m["manager"], m["operation"], m.get("subresource", "")): m
               for m in dep["metadata"]["managedFields"]}
    applied = entries["acceptance", "Apply", ""]["fieldsV1"]
    assert applied["f:spec"]["f:replicas"] == {}
    container = applied["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert container['k:{"name":"nodejs"}']["f:image"] == {}
    # kubectl moved what client-side apply managed to the new manager (csaupgrade)
    assert not any(m == "kubectl-client-side-apply" for m, _, _ in entries)
    assert ("kube-controller-manager", "Update", "status") in entries
    # a new object: created by the apply, one Apply entry
    cm = server.file("settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                     "  name: settings\ndata:\n  greeting: hello\n")
    out = server.kubectl("apply", "--server-side", "-f", str(cm), check=True)
    assert out.stdout == "configmap/settings serverside-applied\n"
    obj = server.json("get", "cm", "settings", "--show-managed-fields")
    assert [(m["manager"], m["operation"], m["fieldsV1"])
            for m in obj["metadata"]["managedFields"]] == [
        ("kubectl", "Apply", {"f:data": {"f:greeting": {}}})]


def test_create_a_service_from_a_file(server: Server) -> None:
    path = server.file("service.yaml", SERVICE)
    out = server.kubectl("create", "-f", str(path), check=True)
    assert out.stdout == "service/kubia created\n"
    again = server.kubectl("create", "-f", str(path))
    assert again.returncode == 1
    assert again.stderr == (f'Error from server (AlreadyExists): error when creating '
                            f'"{path}": services "kubia" already exists\n')
    head, rows = _table(server.kubectl("get", "svc", "kubia", "-o", "wide", check=True).stdout)
    assert head == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    name, kind, ip, external, ports, _age, selector = rows[0]
    assert (name, kind, external, ports, selector) == ("kubia", "ClusterIP", "<none>",
                                                       "80/TCP", "app=kubia")
    assert ip.startswith("10.96.") or ip.startswith("10.")
    deadline = time.monotonic() + 15
    while True:  # the endpoints controller lists the service's ready pods
        endpoints = server.json("get", "endpoints", "kubia")
        if len((endpoints.get("subsets") or [{}])[0].get("addresses", [])) == 3:
            break
        assert time.monotonic() < deadline, endpoints
        time.sleep(0.2)


def _created_or_xfail(out: subprocess.CompletedProcess[str]) -> None:
    """``kubectl create configmap|deployment`` (the typed client) send protobuf bodies."""
    if out.returncode != 0 and NO_PROTOBUF in out.stderr:
        pytest.xfail("protobuf create bodies: " + out.stderr.strip())
    assert out.returncode == 0, out.stderr


def test_create_configmap_from_literal(server: Server) -> None:
    out = server.kubectl("create", "configmap", "x", "--from-literal=a=b")
    _created_or_xfail(out)
    assert out.stdout == "configmap/x created\n"
    cm = server.json("get", "cm", "x", "--show-managed-fields")
    assert cm["data"] == {"a": "b"}
    assert [(m["manager"], m["operation"]) for m in cm["metadata"]["managedFields"]] == [
        ("kubectl-create", "Update")]
    head, rows = _table(server.kubectl("get", "cm", "x", check=True).stdout)
    assert head == ["NAME", "DATA", "AGE"] and rows[0][:2] == ["x", "1"]


def test_create_deployment_imperatively(server: Server) -> None:
    out = server.kubectl("create", "deployment", "web", "--image=nginx")
    _created_or_xfail(out)
    assert out.stdout == "deployment.apps/web created\n"
    dep = server.json("get", "deploy", "web")
    assert dep["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert dep["spec"]["template"]["spec"]["containers"][0]["name"] == "nginx"
    assert dep["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": "25%",
                                                        "maxUnavailable": "25%"}
    out = server.kubectl("rollout", "status", "deployment/web", "--timeout=60s", check=True)
    assert out.stdout.splitlines()[-1] == 'deployment "web" successfully rolled out'


def test_scale(server: Server) -> None:
    out = server.kubectl("scale", "deployment", "kubia", "--replicas=5", check=True)
    assert out.stdout == "deployment.apps/kubia scaled\n"
    _rolled_out(server)
    rows = server.wait_for_kubia_pods(5)
    assert len({r[0] for r in rows}) == 5
    _head, deploys = _table(server.kubectl("get", "deploy", "kubia", check=True).stdout)
    assert deploys[0][:4] == ["kubia", "5/5", "5", "5"]


def test_get_deploy_rs_pods_wide(server: Server) -> None:
    out = server.kubectl("get", "deploy,rs,pods", "-o", "wide", check=True).stdout
    blocks = [_table(block) for block in out.strip("\n").split("\n\n")]
    assert len(blocks) == 3
    (dhead, drows), (rhead, rrows), (phead, prows) = (
        (head, [r for r in rows if "/kubia" in r[0]]) for head, rows in blocks)
    assert dhead == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES",
                     "SELECTOR"]
    assert len(drows) == 1
    assert drows[0][:4] == ["deployment.apps/kubia", "5/5", "5", "5"]
    assert drows[0][5:] == ["nodejs", "luksa/kubia", "app=kubia"]
    assert rhead == ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES",
                     "SELECTOR"]
    rs = _kubia_replicasets(server)
    current = rs["3"]["metadata"]["labels"]["pod-template-hash"]
    old = rs["2"]["metadata"]["labels"]["pod-template-hash"]
    by_name = {r[0]: r for r in rrows}
    assert set(by_name) == {f"replicaset.apps/kubia-{current}", f"replicaset.apps/kubia-{old}"}
    row = by_name[f"replicaset.apps/kubia-{current}"]
    assert row[1:4] == ["5", "5", "5"]
    assert row[5:] == ["nodejs", "luksa/kubia", f"app=kubia,pod-template-hash={current}"]
    row = by_name[f"replicaset.apps/kubia-{old}"]
    assert row[1:4] == ["0", "0", "0"] and row[5:7] == ["nodejs", "luksa/kubia:v2"]
    assert phead == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED",
                     "NODE", "READINESS", "GATES"]
    assert len(prows) == 5
    for r in prows:
        assert r[0].startswith(f"pod/kubia-{current}-")
        assert r[1:4] == ["1/1", "Running", "0"]
        assert r[5].startswith("10.244.") and r[6] in ("node-1", "node-2")
        assert r[7:] == ["<none>", "<none>"]
    assert len({r[5] for r in prows}) == 5  # one IP per pod
    server.shared["pods"] = {r[0].removeprefix("pod/"): r[6] for r in prows}


def test_describe_pod(server: Server) -> None:
    name, node = sorted(server.shared["pods"].items())[0]
    out = server.kubectl("describe", "pod", name, check=True).stdout
    lines = out.splitlines()
    assert lines[0] == f"Name:             {name}"
    assert "Namespace:        default" in lines
    assert any(line.startswith(f"Node:             {node}/172.18.0.") for line in lines)
    assert "Status:           Running" in lines
    assert any(line.startswith("Controlled By:  ReplicaSet/kubia-") for line in lines)
    assert "    Image:          luksa/kubia" in lines
    assert "    State:          Running" in lines
    assert "    Ready:          True" in lines
    events = lines[lines.index("Events:") + 1:]
    assert events[0].split() == ["Type", "Reason", "Age", "From", "Message"]
    rows = [line.split(None, 4) for line in events[2:]]
    assert [r[1] for r in rows] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert rows[0][3:] == ["default-scheduler",
                           f"Successfully assigned default/{name} to {node}"]
    assert rows[1][3:] == ["kubelet", 'Pulling image "luksa/kubia"']
    assert rows[2][4].startswith('Successfully pulled image "luksa/kubia" in ')
    assert rows[3][3:] == ["kubelet", "Created container: nodejs"]
    assert rows[4][3:] == ["kubelet", "Started container nodejs"]


def test_describe_node(server: Server) -> None:
    out = server.kubectl("describe", "node", "node-1", check=True).stdout
    lines = out.splitlines()
    assert lines[0] == "Name:               node-1"
    assert "Roles:              <none>" in lines
    assert "Unschedulable:      false" in lines
    # the node's Lease (coordination.k8s.io), renewed by its kubelet
    lease = lines.index("Lease:")
    assert lines[lease + 1].split() == ["HolderIdentity:", "node-1"]
    ready = next(line.split() for line in lines if line.lstrip().startswith("Ready "))
    assert ready[:2] == ["Ready", "True"] and "KubeletReady" in ready
    assert "  InternalIP:  172.18.0.3" in lines
    # the pods from the list with spec.nodeName=node-1,status.phase!=Failed,!=Succeeded
    start = next(i for i, line in enumerate(lines) if line.startswith("Non-terminated Pods:"))
    end = lines.index("Allocated resources:")
    on_node = {line.split()[1] for line in lines[start + 3:end]}
    mine = {p for p, n in server.shared["pods"].items() if n == "node-1"}
    assert mine and mine <= on_node
    assert any(p.startswith("kube-proxy-") for p in on_node)
    assert lines[start] == f"Non-terminated Pods:          ({len(on_node)} in total)"
    events = lines[lines.index("Events:") + 1:]
    assert events[0].split() == ["Type", "Reason", "Age", "From", "Message"]
    assert {"Starting", "NodeReady", "RegisteredNode"} <= {e.split()[1] for e in events[2:]}


def test_logs(server: Server) -> None:
    name = sorted(server.shared["pods"])[0]
    out = server.kubectl("logs", name, check=True)
    assert out.stdout == "Kubia server starting...\n"
    missing = server.kubectl("logs", name, "-c", "sidecar")
    assert missing.returncode == 1
    assert missing.stderr == (f'error: container sidecar is not valid for pod {name}\n')


def _reader(proc: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _drain(lines: queue.Queue[str | None], quiet: float = 1.0, timeout: float = 30) -> None:
    """Skip what kubectl prints until it has been silent for ``quiet`` seconds (the list)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            lines.get(timeout=quiet)
        except queue.Empty:
            return
    pytest.fail("kubectl get events --watch never went quiet")


def _rollout_events(rows: list[list[str]], old_hash: str, new_hash: str) -> list[str]:
    """What a rollout's events (``--watch`` rows, split) still lack."""
    missing = []
    if not any(r[1:4] == ["Normal", "ScalingReplicaSet", "deployment/kubia"]
               and r[4] == f"Scaled up replica set kubia-{new_hash} from 0 to 5" for r in rows):
        missing.append("ScalingReplicaSet up")
    if not any(r[2:4] == ["ScalingReplicaSet", "deployment/kubia"]
               and r[4].startswith(f"Scaled down replica set kubia-{old_hash} from ")
               for r in rows):
        missing.append("ScalingReplicaSet down")
    if not any(r[2:4] == ["SuccessfulCreate", f"replicaset/kubia-{new_hash}"] for r in rows):
        missing.append("SuccessfulCreate")
    if not any(r[2:4] == ["SuccessfulDelete", f"replicaset/kubia-{old_hash}"] for r in rows):
        missing.append("SuccessfulDelete")
    for reason in ("Scheduled", "Pulling", "Pulled", "Created", "Started"):
        if not any(r[2] == reason and r[3].startswith(f"pod/kubia-{new_hash}-") for r in rows):
            missing.append(reason)
    if not any(r[2] == "Killing" and r[3].startswith(f"pod/kubia-{old_hash}-") for r in rows):
        missing.append("Killing")
    return missing


def test_get_events_watch_shows_a_rollout(server: Server) -> None:
    before = _kubia_replicasets(server)
    old_hash = before["3"]["metadata"]["labels"]["pod-template-hash"]
    proc = subprocess.Popen([KUBECTL, "get", "events", "--watch"], env=server.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_reader, args=(proc, lines), daemon=True).start()
    rows: list[list[str]] = []
    try:
        first = lines.get(timeout=30)
        assert first is not None and first.split() == ["LAST", "SEEN", "TYPE", "REASON",
                                                       "OBJECT", "MESSAGE"]
        _drain(lines)  # the events so far (the list); what comes next is the watch
        out = server.kubectl("rollout", "restart", "deployment/kubia", check=True)
        assert out.stdout == "deployment.apps/kubia restarted\n"
        (new,) = set(_kubia_replicasets(server)) - set(before)
        new_hash = _kubia_replicasets(server)[new]["metadata"]["labels"]["pod-template-hash"]
        deadline = time.monotonic() + 30
        while _rollout_events(rows, old_hash, new_hash) and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            rows.append(line.split(None, 4))
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert _rollout_events(rows, old_hash, new_hash) == [], rows
    # as they happen: LAST SEEN is the event's age when kubectl printed it
    assert all(re.fullmatch("[0-5]s", r[0]) for r in rows), rows
    _rolled_out(server)


def test_delete_pod_is_graceful_and_replaced(server: Server) -> None:
    rows = server.wait_for_kubia_pods(5)  # the restart's old pods are gone
    before = {r[0] for r in rows}
    victim = sorted(before)[0]
    # kubectl logs -f follows the container until it stops
    follow = subprocess.Popen([KUBECTL, "logs", "-f", victim], env=server.env(), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        assert follow.poll() is None
        t0 = time.monotonic()
        out = server.kubectl("delete", "pod", victim, check=True)
        took = time.monotonic() - t0
        logged, err = follow.communicate(timeout=15)
    finally:
        follow.kill()
    assert (follow.returncode, logged, err) == (0, "Kubia server starting...\n", "")
    assert out.stdout == f'pod "{victim}" deleted\n'
    # kubectl waited for the kubelet: kubia's node ignores SIGTERM, so the whole grace period
    assert took > 2.0
    gone = server.kubectl("get", "pod", victim)
    assert gone.stderr == f'Error from server (NotFound): pods "{victim}" not found\n'
    after = {r[0] for r in server.wait_for_kubia_pods(5)}
    assert victim not in after and len(after - before) == 1


# --------------------------------------------------------------------------------------------
# who may do what
# --------------------------------------------------------------------------------------------


def test_auth_can_i(server: Server) -> None:
    yes = server.kubectl("auth", "can-i", "create", "deployments")
    assert (yes.returncode, yes.stdout) == (0, "yes\n")
    no = server.kubectl("auth", "can-i", "create", "deployments", "--as=viewer")
    assert (no.returncode, no.stdout) == (1, "no\n")
    viewer = server.state / "viewer.kubeconfig"
    no = server.kubectl("auth", "can-i", "create", "deployments", config=viewer)
    assert (no.returncode, no.stdout) == (1, "no\n")
    may = server.kubectl("auth", "can-i", "list", "pods", config=viewer)
    assert (may.returncode, may.stdout) == (0, "yes\n")


def test_the_viewer_is_refused_writes(server: Server) -> None:
    viewer = server.state / "viewer.kubeconfig"
    _head, rows = _table(server.kubectl("get", "deploy", "kubia", config=viewer,
                                       check=True).stdout)
    assert rows[0][:2] == ["kubia", "5/5"]  # reading is allowed
    path = server.file("other.yaml", SERVICE.replace("name: kubia", "name: other"))
    out = server.kubectl("create", "-f", str(path), config=viewer)
    assert out.returncode == 1
    assert out.stderr == (
        f'Error from server (Forbidden): error when creating "{path}": services is forbidden: '
        'User "viewer" cannot create resource "services" in API group "" in the namespace '
        '"default"\n')
    out = server.kubectl("scale", "deployment", "kubia", "--replicas=1", config=viewer)
    assert out.stderr == (
        'Error from server (Forbidden): deployments.apps "kubia" is forbidden: User "viewer" '
        'cannot patch resource "deployments/scale" in API group "apps" in the namespace '
        '"default"\n')
    victim = sorted(r[0] for r in server.kubia_pods())[0]
    out = server.kubectl("delete", "pod", victim, config=viewer)
    assert out.stderr == (
        f'Error from server (Forbidden): pods "{victim}" is forbidden: User "viewer" cannot '
        'delete resource "pods" in API group "" in the namespace "default"\n')


def test_no_token_is_unauthorized(server: Server) -> None:
    # a user whose token is blank: kubectl sends "Authorization: Bearer  ", which no
    # authenticator takes (a user with no credentials at all makes kubectl prompt for a
    # username before sending anything — client-side, whatever the server)
    cfg = yaml.safe_load((server.state / "viewer.kubeconfig").read_text())
    cfg["users"] = [{"name": "nobody", "user": {"token": " "}}]
    cfg["contexts"][0]["context"]["user"] = "nobody"
    nobody = server.file("nobody.kubeconfig", yaml.safe_dump(cfg))
    # no token but a username and password: basic authentication is gone from the API
    # server (1.19), so the request is as good as anonymous
    cfg["users"] = [{"name": "nobody", "user": {"username": "bob", "password": "secret"}}]
    basic = server.file("basic.kubeconfig", yaml.safe_dump(cfg))
    for args, config in ((("get", "pods"), nobody),
                         (("--token=not-a-token", "get", "pods"), None),
                         (("delete", "deployment", "kubia"), nobody),
                         (("get", "pods"), basic)):
        out = server.kubectl(*args, config=config)
        assert out.returncode == 1
        assert out.stderr.splitlines()[-1] == \
            "error: You must be logged in to the server (Unauthorized)", out.stderr
    # create -f first downloads the OpenAPI document to validate the file: also refused
    # (/openapi/* is for system:authenticated only: the system:discovery ClusterRole)
    path = server.tmp / "service.yaml"
    out = server.kubectl("create", "-f", str(path), config=nobody)
    assert out.returncode == 1
    assert out.stderr == (
        f'error: error validating "{path}": error validating data: failed to download '
        "openapi: the server has asked for the client to provide credentials; if you choose "
        "to ignore these errors, turn validation off with --validate=false\n")
    assert server.kubectl("get", "svc", "kubia", check=True).returncode == 0
    # /version is public (system:public-info-viewer): kubectl version works without a token
    assert "Server Version: v1.32.0+k8s-internals" in server.kubectl(
        "version", config=nobody, check=True).stdout
