"""``kubectl exec`` and ``attach`` — the real kubectl 1.32 against a served cluster
(:mod:`k8s_internals.api.http.exec`, :mod:`.websocket`, :mod:`k8s_internals.node.kubelet.exec`).

One cluster for the module: one worker, a busybox pod (two containers, one of which has
exited), a pod that writes a line every 0.2 s, a kubia Deployment and its Service, settled on
virtual time, then switched to the wall clock and served over HTTPS on a free 127.0.0.1 port
(as ``k8s-internals serve`` does). The kubeconfigs and kubectl's cache live in a temporary
folder removed at the end; the server's threads are stopped by handle; every kubectl is a
subprocess with a timeout (or killed by its PID).
"""

from __future__ import annotations

import base64
import json
import os
import pty
import select
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from k8s_internals.api.http import websocket as ws
from k8s_internals.api.http.tls import client_ssl_context

from .served_cluster import KUBECTL, ServedCluster, served_cluster

pytestmark = pytest.mark.skipif(not os.path.exists(KUBECTL),
                                reason="the real kubectl is not installed")

MANIFESTS = """\
apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
  - name: done
    image: busybox
    command: ["sh", "-c", "exit 0"]
---
apiVersion: v1
kind: Pod
metadata:
  name: ticker
spec:
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kubia
spec:
  replicas: 1
  selector:
    matchLabels: {app: kubia}
  template:
    metadata:
      labels: {app: kubia}
    spec:
      containers:
      - name: nodejs
        image: luksa/kubia
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: kubia
spec:
  selector: {app: kubia}
  ports:
  - port: 80
    targetPort: 8080
"""


@pytest.fixture(scope="module")
def served() -> Iterator[ServedCluster]:
    with served_cluster(MANIFESTS) as s:
        yield s


def test_the_cluster_is_ready(served: ServedCluster) -> None:
    out = served.kubectl("get", "pods", "-o", "wide")
    assert out.returncode == 0, out.stderr
    assert "bb " in out.stdout and "kubia-" in out.stdout


def test_exec_prints_and_exits_zero(served: ServedCluster) -> None:
    out = served.kubectl("exec", "bb", "-c", "main", "--", "sh", "-c",
                         "echo $HOSTNAME; echo to-stderr >&2")
    assert (out.returncode, out.stdout, out.stderr) == (0, "bb\n", "to-stderr\n")
    out = served.kubectl("exec", "bb", "-c", "main", "--", "cat", "/etc/resolv.conf")
    assert out.stdout.startswith("search default.svc.cluster.local svc.cluster.local "
                                 "cluster.local\nnameserver 10.96.0.10\n"), out


def test_the_default_container_is_the_first_and_kubectl_says_so(served: ServedCluster) -> None:
    out = served.kubectl("exec", "bb", "--", "hostname")
    assert (out.returncode, out.stdout) == (0, "bb\n")
    assert out.stderr == 'Defaulted container "main" out of: main, done\n'


def test_a_non_zero_exit_code_is_kubectls_exit_code(served: ServedCluster) -> None:
    out = served.kubectl("exec", "bb", "-c", "main", "--", "sh", "-c", "echo before; exit 3")
    assert out.returncode == 3
    assert out.stdout == "before\n"
    assert out.stderr == "command terminated with exit code 3\n"


def test_output_is_streamed_as_the_command_writes_it(served: ServedCluster) -> None:
    start = time.monotonic()
    proc = subprocess.Popen(
        [KUBECTL, "exec", "bb", "-c", "main", "--", "sh", "-c", "echo first; sleep 2; echo last"],
        env=served.env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "first\n"
        first = time.monotonic() - start
        rest, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert rest == "last\n" and proc.returncode == 0
    assert first < 1.5 <= time.monotonic() - start  # "first" came before the sleep ended


def test_stdin_is_piped_to_the_command(served: ServedCluster) -> None:
    out = served.kubectl("exec", "-i", "bb", "-c", "main", "--", "cat", input="one\ntwo\n")
    assert (out.returncode, out.stdout, out.stderr) == (0, "one\ntwo\n", "")
    out = served.kubectl("exec", "-i", "bb", "-c", "main", "--", "wc", "-l", input="a\nb\nc\n")
    assert out.stdout.split() == ["3"]
    # a shell reading its commands from stdin, line by line
    out = served.kubectl("exec", "-i", "bb", "-c", "main", "--", "sh",
                         input="echo a\necho $HOSTNAME\nexit 4\n")
    assert (out.returncode, out.stdout) == (4, "a\nbb\n")


def _read_until(fd: int, want: bytes, timeout: float = 10) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while want not in got and time.monotonic() < deadline:
        readable, _, _ = select.select([fd], [], [], 0.1)
        if readable:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            got += chunk
    return got


def test_an_interactive_shell_on_a_terminal(served: ServedCluster) -> None:
    """``kubectl exec -it bb -- sh`` on a pseudo-terminal: kubectl puts it in raw mode, the
    simulated TTY echoes, prompts and runs each line."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([KUBECTL, "exec", "-it", "bb", "-c", "main", "--", "sh"],
                            env=served.env(), stdin=slave, stdout=slave, stderr=slave,
                            close_fds=True)
    os.close(slave)
    try:
        assert _read_until(master, b"/ # ").endswith(b"/ # ")
        os.write(master, b"echo hello $HOSTNAME\r")
        out = _read_until(master, b"hello bb\r\n/ # ")
        assert out == b"echo hello $HOSTNAME\r\nhello bb\r\n/ # ", out
        os.write(master, b"exit 5\r")
        out = _read_until(master, b"exit code 5")
        assert b"command terminated with exit code 5" in out
        assert proc.wait(timeout=10) == 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_wget_through_the_cluster_network_to_a_service(served: ServedCluster) -> None:
    out = served.kubectl("exec", "bb", "-c", "main", "--", "wget", "-qO-", "http://kubia")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("You've hit kubia-")


def test_a_command_that_does_not_exist(served: ServedCluster) -> None:
    out = served.kubectl("exec", "bb", "-c", "main", "--", "nope")
    assert out.returncode == 1
    assert out.stderr.startswith(
        "error: Internal error occurred: error executing command in container: failed to exec "
        'in container: failed to start exec "')
    assert out.stderr.endswith('OCI runtime exec failed: exec failed: unable to start container '
                               'process: exec: "nope": executable file not found in $PATH: '
                               "unknown\n")


def test_the_viewer_may_not_exec(served: ServedCluster) -> None:
    out = served.kubectl("exec", "bb", "-c", "main", "--", "ls", user="viewer")
    assert out.returncode == 1
    assert out.stderr == (
        'Error from server (Forbidden): pods "bb" is forbidden: User "viewer" cannot create '
        'resource "pods/exec" in API group "" in the namespace "default"\n')


def test_missing_pod_container_and_stopped_container(served: ServedCluster) -> None:
    out = served.kubectl("exec", "nope", "--", "ls")
    assert (out.returncode, out.stderr) == (
        1, 'Error from server (NotFound): pods "nope" not found\n')
    out = served.kubectl("exec", "bb", "-c", "nope", "--", "ls")
    assert (out.returncode, out.stderr) == (
        1, "Error from server (BadRequest): container nope is not valid for pod bb\n")
    out = served.kubectl("exec", "bb", "-c", "done", "--", "ls")
    assert (out.returncode, out.stderr) == (
        1, 'error: unable to upgrade connection: container not found ("done")\n')


def test_without_kubelets_in_the_process(served: ServedCluster) -> None:
    """``k8s-internals run apiserver``: no kubelet to dial."""
    api = served.cluster.api
    saved = api.log_provider

    def swap(p: Any) -> None:
        api.log_provider = p

    served.driver.call(swap, lambda pod, params: "")
    try:
        out = served.kubectl("exec", "bb", "-c", "main", "--", "ls")
    finally:
        served.driver.call(swap, saved)
    assert out.returncode == 1
    assert out.stderr == ("Error from server: error dialing backend: dial tcp 172.18.0.3:10250: "
                          "connect: connection refused\n")


def test_attach_streams_the_containers_output_from_now_on(served: ServedCluster) -> None:
    proc = subprocess.Popen(
        [KUBECTL, "attach", "ticker"],
        env=served.env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        second = proc.stdout.readline()
    finally:
        proc.kill()
        proc.wait()
    # consecutive lines, as the loop writes them (not the log so far: that starts at 0)
    assert first.startswith("tick ") and second == f"tick {int(first.split()[1]) + 1}\n"
    assert int(first.split()[1]) > 0
    out = served.kubectl("attach", "ticker", user="viewer")
    assert out.stderr.endswith(
        'Error from server (Forbidden): pods "ticker" is forbidden: User "viewer" cannot create '
        'resource "pods/attach" in API group "" in the namespace "default"\n')


def test_run_dash_i_attaches_to_a_shell_reading_stdin(served: ServedCluster) -> None:
    """``kubectl run -i --rm``: a pod with ``stdin: true``, ``stdinOnce: true``; kubectl
    attaches, the shell runs what is piped in, the pod ends with its code and is deleted."""
    out = served.kubectl("run", "-i", "--rm", "piped", "--image=busybox", "--restart=Never",
                         "--", "sh", input="echo hi $HOSTNAME\nexit 2\n", timeout=60)
    assert out.returncode == 2, out.stderr
    assert out.stdout == 'hi piped\npod "piped" deleted\n'
    assert out.stderr == ("If you don't see a command prompt, try pressing enter.\n"
                          "pod default/piped terminated (Error)\n")


# -- the protocol, byte by byte ----------------------------------------------------------------


def _open(served: ServedCluster, path: str, protocol: str = ws.V5_PROTOCOL
          ) -> tuple[ssl.SSLSocket, bytes, bytes]:
    host, port = served.httpd.url.removeprefix("https://").split(":")
    raw = socket.create_connection((host, int(port)), timeout=10)
    sock = client_ssl_context(served.httpd.ca_pem).wrap_socket(raw, server_hostname=host)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                  f"Authorization: Bearer {served.admin_token}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n"
                  ).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return sock, head, rest  # rest: frames that came with the head


def _messages(sock: ssl.SSLSocket, rest: bytes, until_close: bool = True
              ) -> list[ws.Frame]:
    reader = ws.FrameReader(require_mask=False)
    frames = reader.feed(rest)
    while not until_close or not any(f.opcode == ws.OP_CLOSE for f in frames):
        chunk = sock.recv(65536)
        if not chunk:
            break
        frames += reader.feed(chunk)
        if not until_close:
            break
    return frames


def test_handshake_channels_status_and_close(served: ServedCluster) -> None:
    path = ("/api/v1/namespaces/default/pods/bb/exec?command=sh&command=-c"
            "&command=echo%20hi%3B%20exit%202&container=main&stdout=true&stderr=true")
    sock, head, rest = _open(served, path)
    try:
        lines = head.decode().split("\r\n")
        assert lines[0] == "HTTP/1.1 101 Switching Protocols"
        headers = dict(line.split(": ", 1) for line in lines[1:])
        assert headers["Upgrade"] == "websocket" and headers["Connection"] == "Upgrade"
        assert headers["Sec-WebSocket-Protocol"] == "v5.channel.k8s.io"
        frames = _messages(sock, rest)
        data = [f.payload for f in frames if f.opcode == ws.OP_BINARY]
        assert data[0] == b"\x01"  # the empty message on stdout: "connection established"
        assert b"".join(d[1:] for d in data if d[:1] == b"\x01") == b"hi\n"
        status = json.loads(next(d[1:] for d in data if d[:1] == b"\x03"))
        assert status == {
            "metadata": {}, "status": "Failure",
            "message": "command terminated with non-zero exit code: error executing command "
                       "[sh -c echo hi; exit 2], exit code 2",
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": "2"}]}}
        assert frames[-1].opcode == ws.OP_CLOSE
        assert ws.parse_close(frames[-1].payload) == (1000, "")
        sock.sendall(ws.encode_frame(ws.OP_CLOSE, ws.close_payload(), mask=b"abcd"))
    finally:
        sock.close()


def test_ping_stdin_close_signal_and_success(served: ServedCluster) -> None:
    path = ("/api/v1/namespaces/default/pods/bb/exec?command=cat&container=main"
            "&stdin=true&stdout=true&stderr=true")
    sock, head, rest = _open(served, path)
    try:
        assert head.startswith(b"HTTP/1.1 101 ")
        mask = b"\x01\x02\x03\x04"
        sock.sendall(ws.encode_frame(ws.OP_PING, b"beat", mask=mask))
        frames = _messages(sock, rest, until_close=False)
        while not any(f.opcode == ws.OP_PONG for f in frames):
            frames += _messages(sock, b"", until_close=False)
        assert ws.Frame(ws.OP_PONG, b"beat") in frames
        # stdin in two fragments, then v5's close signal for channel 0
        sock.sendall(ws.encode_frame(ws.OP_BINARY, b"\x00hello ", fin=False, mask=mask)
                     + ws.encode_frame(ws.OP_CONTINUATION, b"world\n", mask=mask)
                     + ws.encode_frame(ws.OP_BINARY, b"\xff\x00", mask=mask))
        frames = _messages(sock, b"")
        data = [f.payload for f in frames if f.opcode == ws.OP_BINARY]
        assert b"".join(d[1:] for d in data if d[:1] == b"\x01") == b"hello world\n"
        assert json.loads(next(d[1:] for d in data if d[:1] == b"\x03")) == {
            "metadata": {}, "status": "Success"}
    finally:
        sock.close()


def test_an_unsupported_subprotocol_is_refused(served: ServedCluster) -> None:
    path = "/api/v1/namespaces/default/pods/bb/exec?command=ls&container=main&stdout=true"
    sock, head, _ = _open(served, path, protocol="v4.channel.k8s.io")
    sock.close()
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 403 Forbidden"
