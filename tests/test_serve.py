"""``k8s-internals serve`` as a user runs it: a process on a free port, then the real kubectl
with the kubeconfig it wrote (HOME in a temporary folder), then Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from k8s_internals.store.launcher import free_port

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"


@pytest.mark.skipif(not os.path.exists(KUBECTL), reason="the real kubectl is not installed")
def test_serve_answers_the_real_kubectl_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    state = tmp_path / "state"
    env = dict(os.environ, HOME=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "k8s_internals.cli", "serve", "--nodes", "1", "--port",
         str(port), "--state-dir", str(state)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        lines = []
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "export KUBECONFIG=" in line:
                break
        else:  # pragma: no cover
            pytest.fail("serve did not come up: " + "".join(lines))
        kenv = dict(env, KUBECONFIG=str(state / "kubeconfig"))

        def kubectl(*args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
            e = dict(kenv, KUBECONFIG=str(config)) if config else kenv
            return subprocess.run([KUBECTL, *args], capture_output=True, text=True, env=e,
                                  timeout=60, check=False)

        nodes = kubectl("get", "nodes")
        assert nodes.returncode == 0, nodes.stderr
        assert "control-plane   Ready" in nodes.stdout and "node-1" in nodes.stdout
        cs = kubectl("get", "componentstatuses")
        assert cs.returncode == 0 and "etcd-0" in cs.stdout and "Healthy" in cs.stdout
        pods = kubectl("get", "pods", "-n", "kube-system")
        assert "kube-apiserver-control-plane" in pods.stdout
        created = kubectl("create", "configmap", "x", "--from-literal=a=b",
                          "--dry-run=client", "-o", "yaml")
        assert created.returncode == 0
        cm = tmp_path / "cm.yaml"
        cm.write_text(created.stdout)
        applied = kubectl("apply", "-f", str(cm))
        assert applied.returncode == 0, applied.stderr
        assert "configmap/x created" in applied.stdout
        refused = kubectl("delete", "configmap", "x", config=state / "viewer.kubeconfig")
        assert refused.returncode != 0
        assert 'User "viewer" cannot delete resource "configmaps"' in refused.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            raise
    assert proc.returncode == 0
    assert "k8s-internals: stopped" in out


def _start_serve(tmp_path: Path, store: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "k8s_internals.cli", "serve", "--nodes", "1", "--port",
         str(free_port()), "--state-dir", str(tmp_path / "state"), "--store", store],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, HOME=str(tmp_path)))
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "export KUBECONFIG=" in line:
            return proc
        if not line and proc.poll() is not None:
            break
    proc.kill()
    pytest.fail("serve did not come up: " + "".join(lines))


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover
        proc.kill()
        raise
    assert proc.returncode == 0
    return out


@pytest.mark.etcd
@pytest.mark.skipif(not os.path.exists(KUBECTL), reason="the real kubectl is not installed")
def test_serve_on_a_real_etcd_finds_everything_after_a_restart(tmp_path: Path) -> None:
    """Ctrl-C, then ``serve`` again on the same etcd: the objects (and their uids and creation
    times) are where they were, and the Deployment's pod runs again on its node."""
    from k8s_internals.store.launcher import EtcdCluster

    env = dict(os.environ, HOME=str(tmp_path),
               KUBECONFIG=str(tmp_path / "state" / "kubeconfig"))

    def kubectl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([KUBECTL, *args], capture_output=True, text=True, env=env,
                              timeout=60, check=False)

    def pod_running() -> dict[str, str]:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            out = kubectl("get", "pods", "-l", "app=web", "-o",
                          "jsonpath={.items[*].metadata.name} {.items[*].status.phase}")
            name, _, phase = out.stdout.partition(" ")
            if phase == "Running":
                return {"name": name}
            time.sleep(0.3)
        pytest.fail("the web pod did not run: " + kubectl("get", "pods", "-A").stdout)

    with EtcdCluster(1, base_dir=tmp_path / "etcd") as etcd:
        proc = _start_serve(tmp_path, etcd.url)
        try:
            assert kubectl("create", "configmap", "keep", "--from-literal=a=b").returncode == 0
            assert kubectl("create", "deployment", "web", "--image=nginx").returncode == 0
            before = pod_running()
            uid = kubectl("get", "configmap", "keep", "-o",
                          "jsonpath={.metadata.uid} {.metadata.creationTimestamp}").stdout
        finally:
            _stop(proc)
        proc = _start_serve(tmp_path, etcd.url)
        try:
            assert kubectl("get", "configmap", "keep", "-o",
                           "jsonpath={.metadata.uid} {.metadata.creationTimestamp}"
                           ).stdout == uid
            assert pod_running() == before
            deploy = kubectl("get", "deployment", "web")
            assert deploy.stdout.split("\n")[1].split()[:2] == ["web", "1/1"]
        finally:
            _stop(proc)
