"""Fixtures for the kubectl tests: an API server on the embedded store (these tests are about
output formats, so the real-etcd run of the shared fixtures would add nothing), an admin
kubectl, and helpers that put objects into the states kubectl prints."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.kubectl import Kubectl
from k8s_internals.sim import Kernel


@pytest.fixture
def backend() -> str:
    return "memory"


@pytest.fixture
def kubectl(admin: Client, kernel: Kernel) -> Kubectl:
    return Kubectl(admin, kernel)


def make_pod(client: Client, name: str, *, labels: dict[str, str] | None = None,
             namespace: str = "default", containers: list[dict[str, Any]] | None = None,
             **spec: Any) -> dict[str, Any]:
    body = {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
            "spec": {"containers": containers or [{"name": "app", "image": "nginx:1.27"}],
                     **spec}}
    return client.create("pods", body)


def set_pod_status(client: Client, name: str, status: dict[str, Any], *,
                   node: str = "", namespace: str = "default") -> dict[str, Any]:
    """Bind the pod to ``node`` (if given) and replace its status (keeping the conditions the
    binding added)."""
    if node:
        client.bind(namespace, name, node)
    pod = client.get("pods", name, namespace)
    merged = dict(status)
    merged["conditions"] = (pod.get("status", {}).get("conditions") or []) + list(
        status.get("conditions") or [])
    pod["status"] = merged
    return client.update_status("pods", pod)


def running_status(ip: str = "10.244.1.5", started: str = "2025-01-01T00:00:07Z",
                   restarts: int = 0, last_finished: str = "") -> dict[str, Any]:
    cs: dict[str, Any] = {"name": "app", "ready": True, "restartCount": restarts,
                          "image": "nginx:1.27", "imageID": "docker.io/library/nginx@sha256:1",
                          "containerID": "containerd://c1",
                          "state": {"running": {"startedAt": started}}}
    if last_finished:
        cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error",
                                          "startedAt": "2025-01-01T00:00:01Z",
                                          "finishedAt": last_finished}}
    return {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": "192.168.0.2",
            "startTime": "2025-01-01T00:00:05Z",
            "conditions": [{"type": "Ready", "status": "True",
                            "lastTransitionTime": started}],
            "containerStatuses": [cs]}
