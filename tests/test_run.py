"""``k8s-internals run COMPONENT``: each component as its own OS process over HTTPS.

The end-to-end test runs what a user would: a real etcd, ``run apiserver`` on it, a controller
manager, a scheduler and two kubelets as processes, then the real kubectl with the admin
kubeconfig the API server wrote (HOME in a temporary folder). Every process is started here
and stopped by PID at the end, also on failure. The other tests check the pieces in-process:
arguments, the kubeconfig round trip, the state dir a second API server reuses, the wiring the
Cluster shares, and an API server plus a kubelet on threads.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from k8s_internals.api.http.kubeconfig import (
    standard_identities,
    with_client_certs,
    write_kubeconfig,
)
from k8s_internals.api.http.tls import client_ssl_context, new_ca
from k8s_internals.cli import build_parser
from k8s_internals.client.kubeconfig import KubeConfigError, load_kubeconfig
from k8s_internals.client.transport import InProcessTransport
from k8s_internals.cluster.components import component_client, user_agent
from k8s_internals.run import (
    canonical,
    load_or_make_ca,
    load_or_make_identities,
    parse_duration,
    parse_nodes,
    run_apiserver,
    run_kubelet,
    run_proxy,
)
from k8s_internals.store.launcher import EtcdCluster, free_port

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"


# -- the pieces, in-process -------------------------------------------------------------------


def test_arguments() -> None:
    p = build_parser()
    a = p.parse_args(["run", "kubelet", "--node", "node-1", "--kubeconfig", "k"])
    assert (a.command, a.component, a.node, a.kubeconfig) == ("run", "kubelet", "node-1", "k")
    a = p.parse_args(["run", "kube-scheduler", "--kubeconfig", "k", "--leader-elect=false",
                      "--leader-elect-lease-duration", "1m30s"])
    assert canonical(a.component) == "scheduler"
    assert a.leader_elect is False and a.leader_elect_lease_duration == 90.0
    a = p.parse_args(["run", "apiserver", "--store", "etcd://127.0.0.1:1", "--nodes", "a,b"])
    assert a.nodes == ["a", "b"] and a.port == 6443 and a.store == "etcd://127.0.0.1:1"
    a = p.parse_args(["run", "controller-manager", "--kubeconfig", "k", "--leader-elect"])
    assert a.leader_elect is True and a.use_service_account_credentials is True
    with pytest.raises(SystemExit):
        p.parse_args(["run", "kubelet", "--kubeconfig", "k"])  # --node is required
    with pytest.raises(SystemExit):
        p.parse_args(["run", "etcd"])
    assert parse_nodes("2") == ["node-1", "node-2"]
    assert parse_duration("500ms") == 0.5 and parse_duration("2") == 2.0
    with pytest.raises(Exception, match="invalid duration"):
        parse_duration("2x")


def test_kubeconfig_round_trip(tmp_path: Path) -> None:
    ca = new_ca()
    ids = standard_identities(["node-1"])
    path = write_kubeconfig(tmp_path / "k", "https://127.0.0.1:6443", ca.cert_pem,
                            [ids[-1]])
    cfg = load_kubeconfig(path)
    assert cfg.server == "https://127.0.0.1:6443" and cfg.ca_pem == ca.cert_pem
    assert cfg.token == ids[-1].token and cfg.user == "kubelet-node-1"
    both = with_client_certs(ids[:1], ca)
    write_kubeconfig(tmp_path / "c", "https://h:1", ca.cert_pem, both)
    cert = load_kubeconfig(tmp_path / "c", context="admin-cert@k8s-internals")
    assert cert.token is None and cert.client_cert == (both[0].cert.cert_pem,  # type: ignore
                                                       both[0].cert.key_pem)  # type: ignore
    with pytest.raises(KubeConfigError, match="no such file"):
        load_kubeconfig(tmp_path / "missing")


def test_a_state_dir_is_reused(tmp_path: Path) -> None:
    ca = load_or_make_ca(tmp_path)
    assert load_or_make_ca(tmp_path).cert_pem == ca.cert_pem
    assert oct((tmp_path / "ca.key").stat().st_mode & 0o777) == "0o600"
    first, added = load_or_make_identities(tmp_path, ["node-1"])
    assert added
    from k8s_internals.api.http.kubeconfig import write_token_file

    write_token_file(tmp_path / "tokens.csv", first)
    again, added = load_or_make_identities(tmp_path, ["node-1"])
    assert not added
    assert {(i.name, i.user, i.groups, i.token) for i in again} == \
        {(i.name, i.user, i.groups, i.token) for i in first}
    more, added = load_or_make_identities(tmp_path, ["node-1", "node-2"])
    assert added
    new = {i.user for i in more} - {i.user for i in first}
    assert new == {"system:node:node-2"}
    kubelet = next(i for i in more if i.user == "system:node:node-2")
    assert kubelet.name == "kubelet-node-2" and kubelet.groups == ("system:nodes",)


def test_the_cluster_and_run_share_the_wiring() -> None:
    transport = InProcessTransport(None)  # type: ignore[arg-type]
    c = component_client(transport, "t", "kubelet", "node-1")
    assert (c.name, c.user_agent, c.token) == ("kubelet/node-1", "kubelet/v1.32.0 (node-1)", "t")
    s = component_client(transport, "t", "kube-scheduler")
    assert (s.name, s.user_agent) == ("kube-scheduler", "kube-scheduler/v1.32.0")
    assert user_agent("kube-proxy") == "kube-proxy/v1.32.0"


def test_a_component_waits_for_its_apiserver_and_stops_cleanly(tmp_path: Path) -> None:
    """No API server yet: the component waits (upstream's components retry too) and a stop
    while waiting ends it with status 0; a missing kubeconfig is an error (status 1)."""
    from k8s_internals.run import main

    ca = new_ca()
    write_kubeconfig(tmp_path / "k", f"https://127.0.0.1:{free_port()}", ca.cert_pem,
                     standard_identities()[:1])
    args = build_parser().parse_args(["run", "scheduler", "--kubeconfig", str(tmp_path / "k")])
    stop = threading.Event()
    out: list[int] = []
    t = threading.Thread(target=lambda: out.append(main(args, None, stop)), daemon=True)
    t.start()
    time.sleep(0.5)
    assert t.is_alive()
    stop.set()
    t.join(10)
    assert out == [0]
    args.kubeconfig = str(tmp_path / "missing")
    assert main(args) == 1


def _thread(target: Callable[..., int], args: Any, ready: threading.Event,
            stop: threading.Event) -> threading.Thread:
    t = threading.Thread(target=target, args=(args, ready, stop), daemon=True)
    t.start()
    assert ready.wait(60), f"{target.__name__} did not come up"
    return t


def test_an_apiserver_and_a_kubelet_in_threads(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The same code paths as the processes, on threads: the kubelet registers its Node as
    ``system:node:node-1``; a second API server on the state dir keeps the kubeconfigs."""
    monkeypatch.setenv("HOME", str(tmp_path))
    p = build_parser()
    state = tmp_path / "state"
    stops: list[tuple[threading.Thread, threading.Event]] = []
    try:
        api_args = p.parse_args(["run", "apiserver", "--port", "0", "--state-dir", str(state),
                                 "--nodes", "node-1", "--seed", "1"])
        stop = threading.Event()
        stops.append((_thread(run_apiserver, api_args, threading.Event(), stop), stop))
        cfg = load_kubeconfig(state / "kubeconfig")
        kubelet_args = p.parse_args(["run", "kubelet", "--node", "node-1", "--kubeconfig",
                                     str(state / "kubelet-node-1.kubeconfig"), "--seed", "2"])
        stop = threading.Event()
        stops.append((_thread(run_kubelet, kubelet_args, threading.Event(), stop), stop))
        ctx = client_ssl_context(cfg.ca_pem)
        host, port = cfg.server.removeprefix("https://").split(":")

        def get(path: str, server_port: str = port) -> tuple[int, Any]:
            conn = http.client.HTTPSConnection(host, int(server_port), context=ctx, timeout=10)
            try:
                conn.request("GET", path, headers={"Authorization": f"Bearer {cfg.token}"})
                resp = conn.getresponse()
                return resp.status, json.loads(resp.read())
            finally:
                conn.close()

        deadline = time.monotonic() + 30
        while (code := get("/api/v1/nodes/node-1")[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert code == 200
        node = get("/api/v1/nodes/node-1")[1]
        assert any(m["manager"] == "kubelet" for m in node["metadata"]["managedFields"])
        # kube-proxy for the node keeps its rules in a file
        rules = tmp_path / "rules.txt"
        proxy_args = p.parse_args(["run", "proxy", "--node", "node-1", "--kubeconfig",
                                   str(state / "kube-proxy.kubeconfig"), "--rules-file",
                                   str(rules)])
        stop = threading.Event()
        stops.append((_thread(run_proxy, proxy_args, threading.Event(), stop), stop))
        deadline = time.monotonic() + 30
        while not (rules.exists() and "default/kubernetes:https" in rules.read_text()):
            assert time.monotonic() < deadline, "kube-proxy wrote no rules"
            time.sleep(0.1)
        assert "-A KUBE-SERVICES" in rules.read_text()
        # no scheduler holds its lease: componentstatuses says so
        statuses = {c["metadata"]["name"]: c["conditions"][0]["status"]
                    for c in get("/api/v1/componentstatuses")[1]["items"]}
        assert statuses == {"scheduler": "False", "controller-manager": "False",
                            "etcd-0": "True"}
        # a second API server on the same state dir: same CA and tokens, kubeconfigs kept
        before = (state / "kubeconfig").read_text()
        api2 = p.parse_args(["run", "apiserver", "--port", "0", "--state-dir", str(state),
                             "--nodes", "node-1", "--seed", "3"])
        stop = threading.Event()
        stops.append((_thread(run_apiserver, api2, threading.Event(), stop), stop))
        assert (state / "kubeconfig").read_text() == before
        assert load_or_make_ca(state).cert_pem == cfg.ca_pem
    finally:
        for t, stop in reversed(stops):
            stop.set()
            t.join(30)


@pytest.mark.etcd
def test_an_apiserver_restarts_on_the_same_etcd_and_state_dir(
        tmp_path: Path, etcd: EtcdCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bootstrap is idempotent; the CA and tokens are kept; the kubeconfigs follow the new
    address once the old server is gone."""
    monkeypatch.setenv("HOME", str(tmp_path))
    p = build_parser()
    state = tmp_path / "state"
    args = ["run", "apiserver", "--store", etcd.url, "--port", "0", "--state-dir", str(state),
            "--nodes", "1"]
    urls, tokens, ns_uids = [], [], []
    for _ in range(2):
        stop = threading.Event()
        t = _thread(run_apiserver, p.parse_args(args), threading.Event(), stop)
        try:
            cfg = load_kubeconfig(state / "kubeconfig")
            urls.append(cfg.server)
            tokens.append((state / "tokens.csv").read_text())
            host, port = cfg.server.removeprefix("https://").split(":")
            conn = http.client.HTTPSConnection(host, int(port),
                                               context=client_ssl_context(cfg.ca_pem),
                                               timeout=10)
            conn.request("GET", "/api/v1/namespaces/kube-system",
                         headers={"Authorization": f"Bearer {cfg.token}"})
            resp = conn.getresponse()
            ns_uids.append(json.loads(resp.read())["metadata"]["uid"])
            conn.close()
            assert resp.status == 200
        finally:
            stop.set()
            t.join(30)
    assert urls[0] != urls[1] and tokens[0] == tokens[1] and ns_uids[0] == ns_uids[1]


# -- the processes ----------------------------------------------------------------------------


class Processes:
    """Processes started by the test, each logging to a file; stopped by PID."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen([sys.executable, "-m", "k8s_internals.cli", "run", *args],
                                stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                cwd=self.root)
        log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(f"--- {n}\n{self.log(n)}" for n in self.procs)

    def wait_for_line(self, name: str, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log(name):
            proc = self.procs[name]
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{name} did not print {text!r}:\n{self.logs()}")
            time.sleep(0.05)

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        proc = self.procs[name]
        if proc.poll() is None:
            os.kill(proc.pid, sig)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)
            raise AssertionError(
                f"{name} did not stop on signal {sig}:\n{self.log(name)}") from None

    def kill_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(5)


@pytest.fixture
def processes() -> Iterator[Processes]:
    """A temporary folder (HOME, state, logs) removed at the end, after every process the test
    started is killed by PID."""
    with tempfile.TemporaryDirectory(prefix="k8s-internals-run-") as d:
        root = Path(d)
        env = dict(os.environ, HOME=str(root), PYTHONUNBUFFERED="1")
        env.pop("KUBECONFIG", None)
        procs = Processes(root, env)
        try:
            yield procs
        finally:
            procs.kill_all()


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: late
spec:
  containers:
  - name: nginx
    image: nginx:1.27
"""

# short leases, so a new scheduler takes over in seconds (upstream's flags)
LEASES = ("--leader-elect-lease-duration", "3s", "--leader-elect-renew-deadline", "2s",
          "--leader-elect-retry-period", "500ms")


def _poll(cond: Callable[[], Any], timeout: float, what: str, logs: Callable[[], str]) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        out = cond()
        if out:
            return out
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{logs()}")
        time.sleep(0.2)


@pytest.mark.etcd
@pytest.mark.skipif(not os.path.exists(KUBECTL), reason="the real kubectl is not installed")
def test_each_component_as_its_own_process(etcd: EtcdCluster, processes: Processes) -> None:
    t0 = time.monotonic()
    state = processes.root / "state"
    port1, port2 = free_port(), free_port()
    processes.start("apiserver", "apiserver", "--store", etcd.url, "--port", str(port1),
                    "--state-dir", str(state), "--nodes", "node-1,node-2")
    processes.wait_for_line("apiserver", "export KUBECONFIG=")
    # a second API server on the same etcd and state dir (checked at the end)
    processes.start("apiserver-2", "apiserver", "--store", etcd.url, "--port", str(port2),
                    "--state-dir", str(state), "--nodes", "node-1,node-2")
    # two controller managers (upstream's lease durations): one leads, one stands by
    for cm in ("controller-manager", "controller-manager-2"):
        processes.start(cm, "controller-manager", "--kubeconfig",
                        str(state / "kube-controller-manager.kubeconfig"))
    processes.start("scheduler", "scheduler", "--kubeconfig",
                    str(state / "kube-scheduler.kubeconfig"), *LEASES)
    for node in ("node-1", "node-2"):
        processes.start(f"kubelet-{node}", "kubelet", "--node", node, "--kubeconfig",
                        str(state / f"kubelet-{node}.kubeconfig"))
    env = dict(processes.env, KUBECONFIG=str(state / "kubeconfig"))

    def kubectl(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([KUBECTL, *args], input=stdin, capture_output=True, text=True,
                              env=env, timeout=60, check=False)

    def pods() -> list[dict[str, Any]]:
        out = kubectl("get", "pods", "-o", "json")
        return json.loads(out.stdout)["items"] if out.returncode == 0 else []

    # each component's kubeconfig is its own identity: the API server names it when it refuses
    for config, user in (("kubelet-node-1", "system:node:node-1"),
                         ("kube-scheduler", "system:kube-scheduler"),
                         ("kube-controller-manager", "system:kube-controller-manager")):
        refused = kubectl("patch", "clusterrolebinding", "cluster-admin", "--type=merge",
                          "-p", '{"metadata":{"labels":{"a":"b"}}}', "--kubeconfig",
                          str(state / f"{config}.kubeconfig"))
        assert f'User "{user}" cannot ' in refused.stderr, refused.stderr

    def nodes_ready() -> bool:
        out = kubectl("get", "nodes", "-o", "json")
        if out.returncode != 0:
            return False
        ready = {n["metadata"]["name"] for n in json.loads(out.stdout)["items"]
                 if any(c["type"] == "Ready" and c["status"] == "True"
                        for c in n["status"].get("conditions", []))}
        return ready == {"node-1", "node-2"}

    _poll(nodes_ready, 60, "both nodes Ready", processes.logs)
    applied = kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
    assert applied.returncode == 0, applied.stderr

    def running() -> list[dict[str, Any]]:
        ps = [p for p in pods() if p["metadata"]["name"].startswith("web-")
              and p["status"].get("phase") == "Running"]
        return ps if len(ps) == 4 else []

    web = _poll(running, 60, "4 Running pods", processes.logs)
    assert {p["spec"]["nodeName"] for p in web} == {"node-1", "node-2"}
    wide = kubectl("get", "pods", "-o", "wide")
    assert "node-1" in wide.stdout and "node-2" in wide.stdout

    def healthy() -> bool:  # (the scheduler's lease is short: a stalled renewal is possible)
        cs = kubectl("get", "componentstatuses").stdout
        return bool(re.search(r"scheduler\s+Healthy", cs)
                    and re.search(r"controller-manager\s+Healthy", cs))

    _poll(healthy, 20, "componentstatuses Healthy", processes.logs)
    # the components wrote as themselves: managers and the scheduler's lease
    node = json.loads(kubectl("get", "node", "node-1", "-o", "json",
                              "--show-managed-fields").stdout)
    assert "kubelet" in {m["manager"] for m in node["metadata"]["managedFields"]}
    lease = json.loads(kubectl("get", "lease", "-n", "kube-system", "kube-scheduler",
                               "-o", "json").stdout)
    old_holder = lease["spec"]["holderIdentity"]
    lease = json.loads(kubectl("get", "lease", "-n", "kube-system", "kube-controller-manager",
                               "-o", "json").stdout)
    leader = lease["spec"]["holderIdentity"]
    acquired = f"successfully acquired lease kube-system/kube-controller-manager as {leader}"
    cm_logs = [processes.log("controller-manager"), processes.log("controller-manager-2")]
    assert sum(acquired in log for log in cm_logs) == 1, processes.logs()
    assert sum("successfully acquired" in log for log in cm_logs) == 1
    standby = next(log for log in cm_logs if acquired not in log)
    assert f"new leader elected: {leader}" in standby

    # the scheduler dies (kill -9: its lease is left to expire): a new pod stays Pending
    assert processes.stop("scheduler", signal.SIGKILL) == -signal.SIGKILL
    assert kubectl("apply", "-f", "-", stdin=POD).returncode == 0
    end = time.monotonic() + 3
    while time.monotonic() < end:
        late = json.loads(kubectl("get", "pod", "late", "-o", "json").stdout)
        assert not late["spec"].get("nodeName"), "scheduled with no scheduler running"
        assert late["status"]["phase"] == "Pending"
        time.sleep(0.3)
    # a new scheduler takes the lease once it expires and schedules it
    processes.start("scheduler-2", "scheduler", "--kubeconfig",
                    str(state / "kube-scheduler.kubeconfig"), *LEASES)

    def late_running() -> bool:
        p = json.loads(kubectl("get", "pod", "late", "-o", "json").stdout)
        return bool(p["spec"].get("nodeName")) and p["status"].get("phase") == "Running"

    _poll(late_running, 60, "the late pod to run", processes.logs)
    lease = json.loads(kubectl("get", "lease", "-n", "kube-system", "kube-scheduler",
                               "-o", "json").stdout)
    assert lease["spec"]["holderIdentity"] != old_holder
    assert "default/late -> node-" in processes.log("scheduler-2")
    assert "successfully acquired lease kube-system/kube-scheduler" in processes.log(
        "scheduler-2")

    # the second API server serves the same objects, and its watches see writes made
    # through the first
    processes.wait_for_line("apiserver-2", "serving at")
    second = f"https://127.0.0.1:{port2}"
    d1 = json.loads(kubectl("get", "deploy", "web", "-o", "json").stdout)
    out2 = kubectl("--server", second, "get", "deploy", "web", "-o", "json")
    assert out2.returncode == 0, out2.stderr
    d2 = json.loads(out2.stdout)
    assert d1["metadata"]["uid"] == d2["metadata"]["uid"]
    cfg = load_kubeconfig(state / "kubeconfig")
    assert cfg.server == f"https://127.0.0.1:{port1}"  # the second kept the kubeconfigs
    conn = http.client.HTTPSConnection("127.0.0.1", port2, context=client_ssl_context(cfg.ca_pem),
                                       timeout=30)
    rv = d2["metadata"]["resourceVersion"]
    conn.request("GET", f"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}",
                 headers={"Authorization": f"Bearer {cfg.token}"})
    resp = conn.getresponse()
    assert resp.status == 200
    made = kubectl("create", "configmap", "through-the-first", "--from-literal=a=b",
                   "--dry-run=client", "-o", "yaml")
    assert kubectl("apply", "-f", "-", stdin=made.stdout).returncode == 0
    seen = []
    while ("ADDED", "through-the-first") not in seen:
        event = json.loads(resp.readline())  # the socket's timeout bounds the wait
        seen.append((event["type"], event["object"]["metadata"].get("name")))
    conn.close()

    # Ctrl-C / SIGTERM: each stops cleanly
    for name in ("scheduler-2", "controller-manager", "controller-manager-2",
                 "kubelet-node-1", "kubelet-node-2", "apiserver-2", "apiserver"):
        assert processes.stop(name, signal.SIGINT if name == "apiserver" else
                              signal.SIGTERM) == 0, processes.log(name)
    print(f"components as processes: {time.monotonic() - t0:.1f} s")
