"""``kubectl port-forward`` — the real kubectl 1.32 against a served cluster
(:mod:`k8s_internals.api.http.portforward`, :mod:`.spdy`): SPDY in a WebSocket (kubectl's
default) and bare SPDY (``KUBECTL_PORT_FORWARD_WEBSOCKETS=false``), a local port forwarded to
kubia's simulated HTTP server; a port nothing listens on; the viewer refused.

kubectl port-forward runs until stopped: each is started with ``Popen`` and killed by its PID
at the end of its test; the local ports are free ports on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from k8s_internals.store.launcher import free_port

from .served_cluster import KUBECTL, ServedCluster, served_cluster

pytestmark = pytest.mark.skipif(not os.path.exists(KUBECTL),
                                reason="the real kubectl is not installed")

MANIFESTS = """\
apiVersion: v1
kind: Pod
metadata:
  name: kubia
spec:
  containers:
  - name: nodejs
    image: luksa/kubia
    ports:
    - containerPort: 8080
"""


@pytest.fixture(scope="module")
def served() -> Iterator[ServedCluster]:
    with served_cluster(MANIFESTS) as s:
        yield s


def _forward(served: ServedCluster, remote: int, **env: str
             ) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    proc = subprocess.Popen([KUBECTL, "port-forward", "pod/kubia", f"{port}:{remote}",
                             "--address", "127.0.0.1"], env={**served.env(), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == f"Forwarding from 127.0.0.1:{port} -> {remote}\n", line
    return proc, port


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.kill()
    _, err = proc.communicate(timeout=10)
    return err


@pytest.mark.parametrize("websockets", ["true", "false"])
def test_curl_through_the_forwarded_port(served: ServedCluster, websockets: str) -> None:
    proc, port = _forward(served, 8080, KUBECTL_PORT_FORWARD_WEBSOCKETS=websockets)
    try:
        for _ in range(2):  # one forwarded connection each
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
                assert resp.status == 200
                assert resp.read() == b"You've hit kubia\n"
    finally:
        _stop(proc)


def test_a_port_nothing_listens_on(served: ServedCluster) -> None:
    proc, port = _forward(served, 9999)
    try:
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
        proc.wait(timeout=10)  # 1.32 gives up on the pod after an error on the error stream
    finally:
        err = _stop(proc)
    assert "an error occurred forwarding" in err and f"{port} -> 9999: error forwarding port " \
        "9999 to pod " in err
    assert "failed to connect to localhost:9999 inside namespace" in err
    assert "connect: connection refused" in err and "error: lost connection to pod" in err


def test_the_viewer_may_not_forward(served: ServedCluster) -> None:
    out = served.kubectl("port-forward", "pod/kubia", f"{free_port()}:8080", user="viewer",
                         timeout=20)
    assert out.returncode == 1
    assert out.stderr == (
        'error: error upgrading connection: pods "kubia" is forbidden: User "viewer" cannot '
        'create resource "pods/portforward" in API group "" in the namespace "default"\n')
