"""Test helpers: a stand-in for the kubelet, object builders, and readers for events and
ReplicaSets.

There is no kubelet in the simulator yet, so :class:`FakeKubelet` does the one thing these
controllers need from it: it marks pods ``Running`` with ``Ready=True`` (``lastTransitionTime`` =
now) through ``pods/status``, like a kubelet whose containers start instantly. Pods stay
unscheduled (no ``nodeName``), so a DELETE removes them at once (no graceful termination).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import ApiError, Client
from k8s_internals.client.informer import InformerFactory
from k8s_internals.controllers.base import Controller
from k8s_internals.controllers.deployment import DeploymentController
from k8s_internals.controllers.replicaset import ReplicaSetController
from k8s_internals.controllers.replication import ReplicationManager
from k8s_internals.sim import Kernel

JSON = dict[str, Any]


def ready_status(kernel: Kernel, ready: bool = True) -> JSON:
    now = kernel.timestamp()
    s = "True" if ready else "False"
    return {"phase": "Running", "conditions": [
        {"type": "Initialized", "status": "True", "lastTransitionTime": now},
        {"type": "Ready", "status": s, "lastTransitionTime": now},
        {"type": "ContainersReady", "status": s, "lastTransitionTime": now},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": now},
    ]}


def set_pod_ready(client: Client, kernel: Kernel, pod: JSON, ready: bool = True) -> JSON:
    """Write ``Running`` + ``Ready`` (or not ready) into the pod's status."""
    body = {"apiVersion": "v1", "kind": "Pod", **copy.deepcopy(pod)}
    body["status"] = {**(pod.get("status") or {}), **ready_status(kernel, ready)}
    return client.update_status("pods", body)


@dataclass
class FakeKubelet:
    """Marks every new pod Running and Ready ``delay`` seconds after it appears (when
    ``enabled``)."""

    client: Client
    kernel: Kernel
    factory: InformerFactory
    delay: float = 0.0
    enabled: bool = True
    marked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pods = self.factory.informer("pods")
        self.pods.add_event_handler(on_add=self._on_pod)

    def _on_pod(self, pod: JSON) -> None:
        if not self.enabled or pod["metadata"].get("deletionTimestamp"):
            return
        key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        self.kernel.call_later(self.delay, self._mark, key)

    def _mark(self, key: str) -> None:
        ns, name = key.split("/")
        try:
            pod = self.client.get("pods", name, ns)
        except ApiError:
            return  # deleted meanwhile
        set_pod_ready(self.client, self.kernel, pod)
        self.marked.append(name)


class Cluster:
    """An API server with the workload controllers (started on demand) and a fake kubelet."""

    def __init__(self, api: APIServer, admin: Client, kernel: Kernel) -> None:
        self.api = api
        self.admin = admin
        self.kernel = kernel
        self.factory = InformerFactory(admin, kernel)
        self.controllers: list[Controller] = []
        self.kubelet = FakeKubelet(admin, kernel, self.factory)

    def start(self, *kinds: str, run: bool = True) -> list[Controller]:
        classes: dict[str, type[Controller]] = {
            "replicaset": ReplicaSetController, "replication": ReplicationManager,
            "deployment": DeploymentController}
        started = [classes[k](self.admin, self.kernel, self.factory) for k in kinds]
        self.controllers.extend(started)
        if run:
            for c in started:
                c.run()
        self.factory.start()
        self.settle()
        return started

    def settle(self, max_time: float = 600.0) -> None:
        self.kernel.run_until_idle(max_time=max_time)

    def stop(self) -> None:
        for c in self.controllers:
            c.stop()
        self.factory.stop()

    def set_image(self, name: str, image: str, settle: bool = True) -> None:
        """Ten seconds later (so the new ReplicaSet has a later creationTimestamp, as it would on
        a real cluster), ``kubectl set image deployment/<name> app=<image>``."""
        self.kernel.run_for(10)
        set_image(self.admin, name, image)
        if settle:
            self.settle()

    # -- readers -------------------------------------------------------------------------------

    def pods(self, namespace: str = "default") -> list[JSON]:
        return list(self.admin.list("pods", namespace)["items"])

    def replica_sets(self, namespace: str = "default") -> list[JSON]:
        items = self.admin.list("replicasets", namespace)["items"]
        return sorted(items, key=lambda rs: (rs["metadata"]["creationTimestamp"],
                                             rs["metadata"]["name"]))

    def events(self, reason: str | None = None, name: str | None = None,
               namespace: str = "default") -> list[JSON]:
        items = self.admin.list("events", namespace)["items"]
        out = [e for e in items
               if (reason is None or e["reason"] == reason)
               and (name is None or e["involvedObject"]["name"] == name)]
        return sorted(out, key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))

    def messages(self, reason: str | None = None, name: str | None = None) -> list[str]:
        return [e["message"] for e in self.events(reason, name)]


_SCALED = re.compile(r"Scaled (up|down) replica set (\S+) from (\d+) to (\d+)")


def scaling_steps(messages: list[str], old_name: str, old_start: int) -> list[tuple[int, int]]:
    """(old, new) replica counts after each ``ScalingReplicaSet`` event of a two-RS rollout."""
    sizes = {old_name: old_start}
    new_name = ""
    steps = [(old_start, 0)]
    for m in messages:
        match = _SCALED.fullmatch(m)
        assert match, m
        _, rs, frm, to = match.groups()
        if rs != old_name:
            new_name = rs
        assert sizes.get(rs, 0) == int(frm), (m, sizes)
        sizes[rs] = int(to)
        steps.append((sizes[old_name], sizes.get(new_name, 0)))
    return steps


# -- builders --------------------------------------------------------------------------------------


def template(app: str, image: str = "nginx:1.27", **labels: str) -> JSON:
    return {"metadata": {"labels": {"app": app, **labels}},
            "spec": {"containers": [{"name": "app", "image": image}]}}


def replica_set(name: str, replicas: int, app: str | None = None, **kw: Any) -> JSON:
    app = app or name
    rs: JSON = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": name, "namespace": "default"},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app}},
                         "template": template(app)}}
    rs["spec"].update(kw)
    return rs


def replication_controller(name: str, replicas: int) -> JSON:
    return {"apiVersion": "v1", "kind": "ReplicationController",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"app": name},
                     "template": template(name)}}


def deployment(name: str, replicas: int, image: str = "nginx:1.27", *,
               max_surge: Any = None, max_unavailable: Any = None, recreate: bool = False,
               **spec: Any) -> JSON:
    d: JSON = {"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": name, "namespace": "default"},
               "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                        "template": template(name, image)}}
    if recreate:
        d["spec"]["strategy"] = {"type": "Recreate"}
    elif max_surge is not None or max_unavailable is not None:
        ru = {}
        if max_surge is not None:
            ru["maxSurge"] = max_surge
        if max_unavailable is not None:
            ru["maxUnavailable"] = max_unavailable
        d["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": ru}
    d["spec"].update(spec)
    return d


def set_image(client: Client, name: str, image: str) -> JSON:
    """``kubectl set image deployment/<name> app=<image>``."""
    return client.patch("deployments", name, {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": image}]}}}}, "default", patch_type="strategic")
