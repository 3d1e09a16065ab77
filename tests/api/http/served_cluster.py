"""A whole cluster served over HTTPS for the real kubectl (``exec``, ``attach``,
``port-forward`` tests): settled on virtual time, then switched to the wall clock and served on
a free 127.0.0.1 port, as ``k8s-internals serve`` does. Kubeconfigs (admin, viewer, components)
and kubectl's cache live in a temporary folder removed at the end; the server's threads are
stopped by handle."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from k8s_internals.api.http import APIHTTPServer, serve_api
from k8s_internals.api.http.kubeconfig import (
    Identity,
    add_tokens,
    ensure_viewer_binding,
    identities_from_tokens,
    token_entries,
    write_all,
)
from k8s_internals.cluster import Cluster
from k8s_internals.sim import RealTimeDriver

from .conftest import KUBECTL

__all__ = ["KUBECTL", "ServedCluster", "served_cluster"]


@dataclass
class ServedCluster:
    cluster: Cluster
    driver: RealTimeDriver
    httpd: APIHTTPServer
    home: Path
    state: Path
    admin_token: str

    def env(self, user: str = "") -> dict[str, str]:
        config = self.state / (f"{user}.kubeconfig" if user else "kubeconfig")
        return {"HOME": str(self.home), "KUBECONFIG": str(config),
                "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def kubectl(self, *args: str, input: str | None = None, user: str = "",
                timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return subprocess.run([KUBECTL, *args], env=self.env(user), input=input,
                              capture_output=True, text=True, timeout=timeout)


@contextmanager
def served_cluster(manifests: str, nodes: int = 1) -> Iterator[ServedCluster]:
    """``nodes`` worker nodes (one by default), ``manifests`` applied and settled, then
    served."""
    tmp = Path(tempfile.mkdtemp(prefix="k8s-internals-served-"))
    cluster = Cluster(nodes=nodes, seed=0, epoch=datetime.now(UTC) - timedelta(minutes=5))
    driver: RealTimeDriver | None = None
    try:
        cluster.apply(manifests)
        cluster.run()
        driver = RealTimeDriver(cluster.kernel)
        driver.start()
        viewer = Identity("viewer", "viewer", (), secrets.token_urlsafe(24))
        driver.call(add_tokens, cluster.api, token_entries([viewer]))
        driver.call(ensure_viewer_binding, cluster.api)
        httpd, url = serve_api(cluster.api, driver)
        try:
            ids = [*identities_from_tokens(cluster.tokens), viewer]
            write_all(tmp / "state", url, httpd.ca_pem, ids)
            (tmp / "home").mkdir()
            admin = next(i for i in ids if i.name == "admin")
            yield ServedCluster(cluster, driver, httpd, tmp / "home", tmp / "state",
                                admin.token)
        finally:
            httpd.stop()
    finally:
        if driver is not None:
            driver.stop()
        cluster.close()
        shutil.rmtree(tmp, ignore_errors=True)
