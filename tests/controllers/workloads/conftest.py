"""Fixtures for the workload controller tests (ReplicaSet, ReplicationController, Deployment).

These tests run on the embedded store only (``backend`` is pinned to ``memory`` here); the few
that also run on a real etcd say so with ``@pytest.mark.parametrize("backend", BACKENDS)``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.sim import Kernel

from .helpers import Cluster


@pytest.fixture
def backend() -> str:
    return "memory"


@pytest.fixture
def cluster(api: APIServer, admin: Client, kernel: Kernel) -> Iterator[Cluster]:
    c = Cluster(api, admin, kernel)
    yield c
    c.stop()
