"""Shared fixtures.

- ``etcd``: a throwaway real etcd (fresh per test: ~0.15 s) on 127.0.0.1, free ports, temp data
  dir, stopped by PID. Tests using it are marked ``etcd`` (run alone with ``-m etcd``).
- ``backend`` / ``store``: parametrised over both store backends, for conformance tests: the same
  test body runs on the embedded store and on a fresh real etcd, so revisions must match exactly.
- ``api`` / ``admin`` / ``alice``: an assembled API server on the backend in hand and clients
  with identities (``admin`` is in ``system:masters``; ``alice`` has no roles).
- ``sleep``: advance time for the backend in hand (virtual time for ``memory://``, real sleep for
  etcd), for lease TTL tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from k8s_internals.api.assemble import APIServerConfig, new_api_server
from k8s_internals.api.authn.token_file import TokenEntry
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.client.transport import InProcessTransport
from k8s_internals.sim import Kernel
from k8s_internals.store import Store, open_store
from k8s_internals.store.launcher import EtcdCluster, etcd_available

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("etcd", id="etcd", marks=pytest.mark.etcd),
]


@pytest.fixture
def etcd() -> Iterator[EtcdCluster]:
    if not etcd_available():
        pytest.fail("etcd is not installed: run `make install` (it installs etcd-server)")
    with EtcdCluster(1) as cluster:
        yield cluster


@pytest.fixture
def kernel() -> Kernel:
    return Kernel(seed=0)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, kernel: Kernel) -> Iterator[Store]:
    if backend == "memory":
        s = open_store("memory://", kernel=kernel)
    else:
        cluster: EtcdCluster = request.getfixturevalue("etcd")
        s = open_store(cluster.url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def sleep(backend: str, kernel: Kernel) -> Callable[[float], None]:
    """Let ``seconds`` pass for the backend under test."""
    if backend == "memory":
        return kernel.run_for
    return time.sleep


TOKENS = [
    TokenEntry("admin-token", "kubernetes-admin", "", ("system:masters",)),
    TokenEntry("alice-token", "alice", "alice-uid", ("developers",)),
    TokenEntry("scheduler-token", "system:kube-scheduler", "", ()),
]


@pytest.fixture
def api(store: Store, kernel: Kernel) -> Iterator[APIServer]:
    server = new_api_server(kernel, store, APIServerConfig(tokens=list(TOKENS)))
    try:
        yield server
    finally:
        server.watchcache.close()


@pytest.fixture
def admin(api: APIServer) -> Client:
    c = Client(InProcessTransport(api), "admin-token", name="kubectl")
    c.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                 "metadata": {"name": "default", "namespace": "default"}})
    return c


@pytest.fixture
def alice(api: APIServer) -> Client:
    return Client(InProcessTransport(api), "alice-token", name="alice")


def pod(name: str = "web", image: str = "nginx:1.27", **labels: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": dict(labels)},
            "spec": {"containers": [{"name": "app", "image": image}]}}
