"""An assembled API server on either store backend, and clients with identities."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from k8s_internals.api.assemble import APIServerConfig, new_api_server
from k8s_internals.api.authn.token_file import TokenEntry
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.client.transport import InProcessTransport
from k8s_internals.sim import Kernel
from k8s_internals.store import Store

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
