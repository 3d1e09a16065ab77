"""Fixtures for the widget tests: the embedded store only, and small object builders.

There is no kubelet or scheduler here: tests bind pods and write their status themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.sim import Kernel
from k8s_internals.widgets._base import _LIVE

JSON = dict[str, Any]


@pytest.fixture
def backend() -> str:
    return "memory"


def make_node(client: Client, name: str, ready: bool = True) -> JSON:
    return client.create("nodes", {
        "apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
        "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}})


def make_pod(client: Client, name: str, namespace: str = "default", **labels: str) -> JSON:
    return client.create("pods", {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}, namespace)


def set_running(client: Client, kernel: Kernel, name: str, namespace: str = "default") -> JSON:
    pod = client.get("pods", name, namespace)
    now = kernel.timestamp()
    pod["status"] = {"phase": "Running", "podIP": "10.244.1.5",
                     "conditions": [{"type": "Ready", "status": "True",
                                     "lastTransitionTime": now}],
                     "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0,
                                            "image": "nginx:1.27", "imageID": "",
                                            "started": True,
                                            "state": {"running": {"startedAt": now}}}]}
    return client.update_status("pods", pod)


class FakeCluster:
    """The Cluster surface the views use, around an API server (the real Cluster is being
    written): ``kernel``, ``api``, ``admin``, ``run(seconds=None)``."""

    def __init__(self, api: Any, admin: Client) -> None:
        self.api = api
        self.kernel = api.kernel
        self.admin = admin
        self.runs: list[float | None] = []

    def run(self, seconds: float | None = None) -> None:
        self.runs.append(seconds)
        if seconds is None:
            self.kernel.run_until_idle()
        else:
            self.kernel.run_for(seconds)


@pytest.fixture(autouse=True)
def no_view_errors() -> Iterator[None]:
    """Views keep their hook errors instead of raising them (a view never breaks the run):
    check that no view made any."""
    yield
    for view in list(_LIVE):
        assert not view.errors, f"{type(view).__name__}: {view.errors}"
        view.close()
