"""Scheduler tests run on the embedded store by default; a test opts into both backends with
``@pytest.mark.parametrize("backend", BACKENDS, indirect=True)``."""

from __future__ import annotations

import pytest

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.client.transport import InProcessTransport


@pytest.fixture(params=[pytest.param("memory", id="memory")])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def scheduler_client(api: APIServer) -> Client:
    """The scheduler's own identity: ``system:kube-scheduler``."""
    return Client(InProcessTransport(api), "scheduler-token", user_agent="kube-scheduler",
                  name="kube-scheduler")
