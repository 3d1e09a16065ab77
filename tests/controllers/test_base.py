"""The controller shape: handlers enqueue keys, workers sync, errors back off, causes flow."""

from __future__ import annotations

from typing import Any

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import ApiError, Client
from k8s_internals.client.informer import InformerFactory
from k8s_internals.controllers.base import Controller
from k8s_internals.sim import Kernel


class CopyController(Controller):
    """Every ConfigMap ``x`` gets a Secret ``x`` with the same data."""

    name = "copy-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.cms = self.informer("configmaps")
        self.cms.add_event_handler(on_add=self.enqueue,
                                   on_update=lambda old, new: self.enqueue(new))
        self.fail_first = 0

    def sync(self, key: str) -> None:
        if self.fail_first:
            self.fail_first -= 1
            raise RuntimeError("transient")
        cm = self.cms.get(key)
        if cm is None:
            return
        ns, name = key.split("/")
        try:
            self.client.get("secrets", name, ns)
        except ApiError as exc:
            if exc.code != 404:
                raise
            self.client.create("secrets", {"apiVersion": "v1", "kind": "Secret",
                                           "metadata": {"name": name, "namespace": ns},
                                           "stringData": cm.get("data", {})}, ns)


def _cm(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"}, "data": {"k": "v"}}


def test_a_controller_converges_retries_with_backoff_and_keeps_causes(
        api: APIServer, admin: Client, kernel: Kernel) -> None:
    c = CopyController(admin, kernel, InformerFactory(admin, kernel))
    c.fail_first = 3
    c.run()
    kernel.run_for(1)
    admin.create("configmaps", _cm("a"))
    kernel.run_for(5)
    assert admin.get("secrets", "a", "default")["metadata"]["name"] == "a"
    assert c.queue.num_requeues("default/a") == 0  # forgotten after success
    assert len(c.errors) == 3
    root = next(t for t in api.tracer if t.verb == "create" and t.resource == "configmaps")
    child = next(t for t in api.tracer if t.verb == "create" and t.resource == "secrets")
    assert child.parent_id == root.id
