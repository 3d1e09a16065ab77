"""``componentstatuses``: computed on every read, never stored
(``pkg/registry/core/componentstatus/rest.go``).

The API server probes each component's health endpoint and reports a ``Healthy`` condition:
the scheduler (``https://127.0.0.1:10259/healthz``), the controller manager
(``https://127.0.0.1:10257/healthz``) and each etcd server (``etcd-0``...: its ``/health``, whose
body becomes the message — ``{"health":"true"}`` for etcd 3.4). A component that does not answer
gets ``status: False`` with the dial error as ``error``.

Here a component *answers* when a probe function registered with :meth:`register` returns True
(the Cluster registers one per component it runs), and etcd is probed through the store's
``status()``. (Upstream deprecated this API in 1.19 but still serves it; kubectl prints
``Warning: v1 ComponentStatus is deprecated in v1.19+``.)

Taught in notebooks/01-architecture.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..store import Store, StoreError

__all__ = ["DEPRECATION_WARNING", "ComponentStatuses"]

DEPRECATION_WARNING = "v1 ComponentStatus is deprecated in v1.19+"

#: upstream's probe targets (pkg/registry/core/rest/storage_core.go componentStatusStorage)
_ENDPOINTS = {
    "scheduler": "https://127.0.0.1:10259/healthz",
    "controller-manager": "https://127.0.0.1:10257/healthz",
}


def _status(name: str, healthy: bool, message: str = "", error: str = "") -> dict[str, Any]:
    cond: dict[str, Any] = {"type": "Healthy", "status": "True" if healthy else "False"}
    if message:
        cond["message"] = message
    if error:
        cond["error"] = error
    return {"kind": "ComponentStatus", "apiVersion": "v1",
            "metadata": {"name": name, "creationTimestamp": None}, "conditions": [cond]}


class ComponentStatuses:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.probes: dict[str, Callable[[], bool]] = {}

    def register(self, name: str, probe: Callable[[], bool]) -> None:
        """``name`` is ``scheduler`` or ``controller-manager``; ``probe()`` says if it answers."""
        self.probes[name] = probe

    def __call__(self) -> list[dict[str, Any]]:
        out = []
        for name, url in _ENDPOINTS.items():
            probe = self.probes.get(name)
            if probe is not None and probe():
                out.append(_status(name, True, "ok"))
            else:
                port = url.split(":")[2].split("/")[0]
                out.append(_status(name, False, error=(
                    f'Get "{url}": dial tcp 127.0.0.1:{port}: connect: connection refused')))
        try:
            self.store.status()
            out.append(_status("etcd-0", True, '{"health":"true"}'))
        except (StoreError, OSError) as exc:
            out.append(_status("etcd-0", False, error=str(exc)))
        return out
