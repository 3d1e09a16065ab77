"""Fixtures for the kubelet tests: an API server on the embedded store with node identities.

- ``napi``: a kube-apiserver whose static tokens include ``node-N-token`` for
  ``system:node:node-N`` in ``system:nodes`` (N = 1..3), so the Node authorizer and the
  NodeRestriction admission plugin apply to the kubelets as on a real cluster;
- ``nadmin``: a ``system:masters`` client, with the ``default`` ServiceAccount and the
  ``kube-root-ca.crt`` ConfigMap (what the root-CA publisher writes) in ``default`` and
  ``kube-system`` — every pod's ``kube-api-access`` volume needs both;
- ``kubelet``: ``kubelet("node-1", **kw)`` builds and starts a kubelet with that node's
  identity (``pod_cidr`` defaults to ``10.244.N.0/24``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from k8s_internals.api.assemble import APIServerConfig, new_api_server
from k8s_internals.api.authn.token_file import TokenEntry
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.client.transport import InProcessTransport
from k8s_internals.node.kubelet import Kubelet
from k8s_internals.sim import Kernel
from k8s_internals.store import open_store

NODE_TOKENS = [TokenEntry(f"node-{i}-token", f"system:node:node-{i}", "", ("system:nodes",))
               for i in (1, 2, 3)]


@pytest.fixture
def napi(kernel: Kernel) -> Iterator[APIServer]:
    store = open_store("memory://", kernel=kernel)
    server = new_api_server(kernel, store, APIServerConfig(tokens=[
        TokenEntry("admin-token", "kubernetes-admin", "", ("system:masters",)), *NODE_TOKENS]))
    try:
        yield server
    finally:
        server.watchcache.close()
        store.close()


@pytest.fixture
def nadmin(napi: APIServer) -> Client:
    c = Client(InProcessTransport(napi), "admin-token", name="kubectl")
    for ns in ("default", "kube-system"):
        c.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": ns}})
        c.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "kube-root-ca.crt", "namespace": ns},
                                "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\n"}})
    return c


@pytest.fixture
def kubelet(napi: APIServer, kernel: Kernel, nadmin: Client) -> Iterator[Callable[..., Kubelet]]:
    made: list[Kubelet] = []

    def make(name: str = "node-1", *, start: bool = True, **kw: Any) -> Kubelet:
        n = int(name.rsplit("-", 1)[-1]) if name.rsplit("-", 1)[-1].isdigit() else 1
        kw.setdefault("pod_cidr", f"10.244.{n}.0/24")
        kw.setdefault("node_ip", f"172.18.0.{n + 1}")
        client = Client(InProcessTransport(napi), f"{name}-token", name=f"kubelet-{name}",
                        user_agent=f"kubelet/v1.32.0 ({name})")
        k = Kubelet(client, kernel, name, **kw)
        made.append(k)
        if start:
            k.start()
            kernel.run_for(0.01)
        return k

    yield make
    for k in made:  # no sync raised along the way
        assert k.pod_workers.errors == []
