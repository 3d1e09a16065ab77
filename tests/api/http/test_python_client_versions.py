"""Both generations of the official Python client against ``k8s-internals serve`` (a whole
cluster with a worker node, so the pods really reach Running).

``python_client_script.py`` runs as a user's script would, in each client's own interpreter: the
project venv's 32.x (the classic client whose models match the 1.32 API served here), the
classic 36.x and the pydantic rewrite 37.x, each installed by ``make install`` into
``.venv-client36`` / ``.venv-client37`` (skipped, with the reason, when they are missing). It
lists, creates a Deployment, watches its pods until Running (and, from 36.x on, follows them with
the client's SharedInformer) and prints a JSON summary, checked here. The last test sends bodies
without a Content-Type, as 37.x does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8s_internals.store.launcher import free_port

from .conftest import Served

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("python_client_script.py")
# (label, interpreter, major version); "" is this interpreter (the project venv's client)
CLIENTS = [("32", "", 32), ("36", ".venv-client36", 36), ("37", ".venv-client37", 37)]


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``k8s-internals serve --nodes 1`` on a free port, stopped with Ctrl-C at the end."""
    tmp = tmp_path_factory.mktemp("serve")
    state = tmp / "state"
    proc = subprocess.Popen(
        [sys.executable, "-m", "k8s_internals.cli", "serve", "--nodes", "1", "--port",
         str(free_port()), "--state-dir", str(state)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, HOME=str(tmp)))
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "export KUBECONFIG=" in line:
                break
        else:  # pragma: no cover
            pytest.fail("serve did not come up: " + "".join(lines))
        if not (state / "kubeconfig").exists():  # pragma: no cover
            pytest.fail("serve did not come up: " + "".join(lines))
        yield state / "kubeconfig"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.communicate()


def _interpreter(venv: str) -> str:
    if not venv:
        pytest.importorskip("kubernetes")
        return sys.executable
    python = ROOT / venv / "bin" / "python"
    if not python.exists():
        pytest.skip(f"{venv} is missing: `make install` creates it (pip install kubernetes "
                    f"into its own venv)")
    return str(python)


@pytest.mark.parametrize(("label", "venv", "major"), CLIENTS, ids=[c[0] for c in CLIENTS])
def test_list_create_a_deployment_and_watch_its_pods_until_running(
        kubeconfig: Path, label: str, venv: str, major: int) -> None:
    python = _interpreter(venv)
    name = f"web-py{label}"
    # a clean environment: the client's venv only, never this project on the path
    env = {"HOME": str(kubeconfig.parent.parent), "PATH": os.environ.get("PATH", "/usr/bin")}
    start = time.monotonic()
    out = subprocess.run([python, str(SCRIPT), str(kubeconfig), name, "60"], env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert time.monotonic() - start < 90
    s = json.loads(out.stdout.strip().splitlines()[-1])
    assert int(s["client"].split(".")[0]) == major
    assert s["pydantic"] is (major >= 37)
    assert s["server_minor"] == "32"
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= set(s["namespaces"])
    assert s["nodes"] == ["control-plane", "node-1"]
    assert s["all_pods"] >= 1 and s["pods_before"] == 0
    assert s["created"] == {"name": name, "uid": True, "kind": "Deployment", "replicas": 2,
                            "strategy": "RollingUpdate"}
    assert (s["conflict"], s["missing"]) == (409, 404)
    assert len(s["running"]) == 2 and all(n.startswith(name + "-") for n in s["running"])
    if major >= 37:  # the rewrite validates bodies against its models before sending
        assert s["dict_body"] == "ValidationError"
    if major >= 36:  # the SharedInformer's cache saw the same pods Running
        assert s["informer"] == {"running": s["running"], "errors": []}
    assert s["event_types"] == ["ADDED", "MODIFIED"]
    assert s["pod_ips"] == 2 and s["owner_kinds"] == ["ReplicaSet"]
    assert s["deployment_status"] == {"replicas": 2, "ready": 2, "available": 2,
                                      "conditions": ["Available", "Progressing"]}
    assert s["deleted"] == "Success"
    assert s["service_account_deleted"] == "ServiceAccount"


def test_bodies_without_a_content_type_are_json(served: Served) -> None:
    """37.x sends its POST/PUT/DELETE bodies without a Content-Type: upstream's
    ``NegotiateInputSerializer`` takes the first supported type, JSON. A PATCH must name its
    patch type (415 otherwise)."""
    path = "/api/v1/namespaces/default/configmaps"
    cm = {"metadata": {"name": "no-ctype"}, "data": {"a": "1"}}  # nor kind nor apiVersion
    code, _, data = served.request("POST", path, body=json.dumps(cm).encode())
    made = json.loads(data)
    assert code == 201 and made["kind"] == "ConfigMap" and made["data"] == {"a": "1"}
    made["data"] = {"a": "2"}
    code, _, data = served.request("PUT", f"{path}/no-ctype", body=json.dumps(made).encode())
    assert code == 200 and json.loads(data)["data"] == {"a": "2"}
    code, _, data = served.request("PATCH", f"{path}/no-ctype", body=b'{"data":{"a":"3"}}')
    assert code == 415 and json.loads(data)["message"] == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml, application/strategic-merge-patch+json")
    opts = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "other"}}
    code, _, data = served.request("DELETE", f"{path}/no-ctype", body=json.dumps(opts).encode())
    assert code == 409 and "Precondition failed: UID in precondition: other" in json.loads(
        data)["message"]
    code, _, data = served.request("DELETE", f"{path}/no-ctype")
    assert code == 200 and json.loads(data)["status"] == "Success"
