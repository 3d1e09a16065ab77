"""``pods/log?follow=true`` over HTTPS (``kubectl logs -f``): the log so far, then what the
container writes, chunked, until the container stops, is replaced or its pod is gone.

The served API server has no kubelet: the test plays it, with a log provider reading a
string it appends to and the pod's ``containerStatuses`` it writes through ``/status``.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import KUBECTL, Served, call

PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture
def logs(served: Served) -> Iterator[dict[str, str]]:
    """The containers' logs by ``<pod>/<container>``, served as the kubelet would."""
    written: dict[str, str] = {}
    saved = served.api.log_provider  # type: ignore[attr-defined]

    def provider(pod: dict[str, Any], params: dict[str, str]) -> str:
        text = written.get(f"{pod['metadata']['name']}/{params.get('container', 'app')}", "")
        if params.get("tailLines"):
            text = "".join(text.splitlines(keepends=True)[-int(params["tailLines"]):])
        return text

    def swap(p: Any) -> None:
        served.api.log_provider = p  # type: ignore[attr-defined]

    call(served, swap, provider)
    try:
        yield written
    finally:
        call(served, swap, saved)


def _pod(served: Served, name: str, state: dict[str, Any], cid: str = "containerd://1") -> None:
    code, pod = served.json("GET", f"{PODS}/{name}")
    if code == 404:
        code, pod = served.json("POST", PODS, body={
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "app", "image": "busybox"}]}})
        assert code == 201, pod
    pod["status"] = {"phase": "Running", "containerStatuses": [{
        "name": "app", "image": "busybox", "imageID": "", "ready": True, "restartCount": 0,
        "containerID": cid, "state": state}]}
    code, out = served.json("PUT", f"{PODS}/{name}/status", body=pod)
    assert code == 200, out


RUNNING = {"running": {"startedAt": "2026-01-01T00:00:00Z"}}
EXITED = {"terminated": {"exitCode": 0, "reason": "Completed", "containerID": "containerd://1"}}


def _read_until(resp: Any, want: bytes, timeout: float = 10) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while want not in got:
        assert time.monotonic() < deadline, got
        chunk = resp.read1(1 << 16)
        if not chunk:
            break
        got += chunk
    return got


def test_follow_streams_until_the_container_stops(served: Served,
                                                  logs: dict[str, str]) -> None:
    _pod(served, "follower", RUNNING)
    logs["follower/app"] = "one\ntwo\n"
    conn = served.connection()
    conn.request("GET", f"{PODS}/follower/log?follow=true&tailLines=1",
                 headers={"Authorization": f"Bearer {served.token()}"})
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "text/plain"
    assert resp.headers["Transfer-Encoding"] == "chunked"
    assert _read_until(resp, b"two\n") == b"two\n"  # tailLines applies to what was there
    logs["follower/app"] += "three\n"
    assert _read_until(resp, b"three\n") == b"three\n"
    logs["follower/app"] += "last words\n"
    _pod(served, "follower", EXITED)
    # the last lines, then the end of the stream
    assert resp.read() == b"last words\n"
    conn.close()


def test_follow_of_a_stopped_container_is_the_plain_log(served: Served,
                                                        logs: dict[str, str]) -> None:
    _pod(served, "stopped", EXITED)
    logs["stopped/app"] = "bye\n"
    code, headers, data = served.request("GET", f"{PODS}/stopped/log?follow=true")
    assert (code, headers["Content-Type"], data) == (200, "text/plain", b"bye\n")
    assert headers.get("Transfer-Encoding") is None


def test_follow_ends_when_the_container_is_replaced_or_the_pod_deleted(
        served: Served, logs: dict[str, str]) -> None:
    _pod(served, "restarted", RUNNING)
    logs["restarted/app"] = "first run\n"
    conn = served.connection()
    conn.request("GET", f"{PODS}/restarted/log?follow=1",
                 headers={"Authorization": f"Bearer {served.token()}"})
    resp = conn.getresponse()
    assert _read_until(resp, b"first run\n") == b"first run\n"
    _pod(served, "restarted", RUNNING, cid="containerd://2")  # a new container
    logs["restarted/app"] = "second run\n"
    assert resp.read() == b""  # the followed container is gone: nothing of the new one
    conn.close()

    _pod(served, "deleted", RUNNING)
    env = {"HOME": str(served.home), "KUBECONFIG": str(served.kubeconfig), "PATH": "/usr/bin"}
    proc = subprocess.Popen([KUBECTL, "logs", "-f", "deleted"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        logs["deleted/app"] = "still here\n"
        time.sleep(1.0)
        assert proc.poll() is None  # kubectl is still following
        assert served.json("DELETE", f"{PODS}/deleted")[0] == 200
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert (proc.returncode, out, err) == (0, "still here\n", "")


def test_follow_stops_at_limit_bytes(served: Served, logs: dict[str, str]) -> None:
    _pod(served, "chatty", RUNNING)
    logs["chatty/app"] = "0123"
    conn = served.connection()
    conn.request("GET", f"{PODS}/chatty/log?follow=true&limitBytes=6",
                 headers={"Authorization": f"Bearer {served.token()}"})
    resp = conn.getresponse()
    assert _read_until(resp, b"0123") == b"0123"
    logs["chatty/app"] += "456789"
    assert resp.read() == b"45"
    conn.close()


def test_follow_is_refused_like_any_get(served: Served, logs: dict[str, str]) -> None:
    _pod(served, "private", RUNNING)
    code, _, data = served.request("GET", f"{PODS}/private/log?follow=true", token="kube-proxy")
    assert code == 403
    assert json.loads(data)["message"] == (
        'pods "private" is forbidden: User "system:kube-proxy" cannot get resource "pods/log" '
        'in API group "" in the namespace "default"')
    code, _, _ = served.request("GET", f"{PODS}/private/log?follow=true", token=None)
    assert code == 401
