"""A served API server for the HTTPS tests: one per module (start-up ~0.5 s).

``served`` assembles an API server on a kernel driven by the wall clock, creates the default
ServiceAccount and the viewer's ClusterRoleBinding, serves it on a free 127.0.0.1 port and
writes a kubeconfig (admin, viewer, an admin with a client certificate, an anonymous user)
under a private ``HOME``, so the real kubectl's cache stays in the test's temporary folder.
Everything is stopped at the end of the module (threads by handle, kubectl runs are
subprocesses that exit on their own, with a timeout).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8s_internals.api.assemble import APIServerConfig, ensure, new_api_server
from k8s_internals.api.http import APIHTTPServer, serve_api
from k8s_internals.api.http.kubeconfig import (
    Identity,
    ensure_viewer_binding,
    standard_identities,
    token_entries,
    with_client_certs,
    write_all,
)
from k8s_internals.api.http.tls import client_ssl_context
from k8s_internals.api.server import APIServer
from k8s_internals.sim import Kernel
from k8s_internals.sim.realtime import RealTimeDriver

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"


@dataclass
class Served:
    api: APIServer
    driver: RealTimeDriver
    httpd: APIHTTPServer
    url: str
    home: Path
    kubeconfig: Path
    ids: dict[str, Identity] = field(default_factory=dict)

    @property
    def ca_pem(self) -> bytes:
        return self.httpd.ca_pem

    def token(self, name: str = "admin") -> str:
        return self.ids[name].token

    def kubectl(self, *args: str, input: str | None = None, timeout: float = 30,
                check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run the real kubectl against this server."""
        env = {"HOME": str(self.home), "KUBECONFIG": str(self.kubeconfig),
               "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        out = subprocess.run([KUBECTL, *args], env=env, input=input, capture_output=True,
                             text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
        return out

    def connection(self) -> http.client.HTTPSConnection:
        host, port = self.url.removeprefix("https://").split(":")
        return http.client.HTTPSConnection(host, int(port),
                                           context=client_ssl_context(self.ca_pem), timeout=10)

    def request(self, method: str, path: str, *, token: str | None = "admin",
                body: Any = None, headers: dict[str, str] | None = None,
                conn: http.client.HTTPSConnection | None = None,
                ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One raw HTTPS request; ``token`` names an identity (None: no credentials)."""
        h = {"Accept": "application/json"}
        if token is not None:
            h["Authorization"] = f"Bearer {self.ids[token].token if token in self.ids else token}"
        data = body
        if isinstance(body, dict | list):
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        c = conn or self.connection()
        try:
            c.request(method, path, body=data, headers=h)
            resp = c.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            if conn is None:
                c.close()

    def json(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        code, _, data = self.request(method, path, **kw)
        return code, json.loads(data) if data else None


def start_served(tmp: Path) -> Served:
    kernel = Kernel(seed=0)
    driver = RealTimeDriver(kernel)  # sets the kernel's epoch to now: real timestamps
    ids = standard_identities(["node-1"])
    api = new_api_server(kernel, "memory://", APIServerConfig(tokens=token_entries(ids)))
    ensure(api, {"apiVersion": "v1", "kind": "ServiceAccount",
                 "metadata": {"name": "default", "namespace": "default"}})
    ensure_viewer_binding(api)
    api.log_provider = lambda pod, params: (  # type: ignore[attr-defined]
        f"hello from {pod['metadata']['name']}\n")
    driver.start()
    httpd, url = serve_api(api, driver)
    ids = with_client_certs(ids[:1], httpd.ca) + ids[1:]
    files = write_all(tmp / "state", url, httpd.ca_pem, ids)
    # an extra user without credentials, for the 401 tests: a blank token (kubectl sends
    # "Authorization: Bearer  ", which no authenticator takes; a user with no auth info at
    # all makes kubectl prompt for a password instead)
    cfg = yaml.safe_load(files["kubeconfig"].read_text())
    cfg["users"].append({"name": "nobody", "user": {"token": " "}})
    cfg["contexts"].append({"name": "nobody@k8s-internals",
                            "context": {"cluster": "k8s-internals", "user": "nobody"}})
    files["kubeconfig"].write_text(yaml.safe_dump(cfg, sort_keys=False))
    home = tmp / "home"
    home.mkdir()
    return Served(api, driver, httpd, url, home, files["kubeconfig"],
                  {i.name: i for i in ids})


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    tmp = Path(tempfile.mkdtemp(prefix="k8s-internals-http-"))
    s = start_served(tmp)
    try:
        yield s
    finally:
        s.httpd.stop()
        s.driver.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def call(served: Served, fn: Any, *args: Any) -> Any:
    """Run ``fn(*args)`` on the loop thread (the only thread that may touch the server)."""
    return served.driver.call(fn, *args)
