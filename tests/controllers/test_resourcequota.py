"""The ResourceQuota controller (pkg/controller/resourcequota), with the ResourceQuota admission
plugin in upstream's strict mode, as the assembled cluster runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from k8s_internals import Cluster
from k8s_internals.api.assemble import APIServerConfig, new_api_server
from k8s_internals.api.server import APIServer
from k8s_internals.api.trace import Trace
from k8s_internals.client.client import ApiError, Client
from k8s_internals.cluster.components import new_controller_manager
from k8s_internals.controllers.manager import CONTROLLERS
from k8s_internals.controllers.resourcequota import ResourceQuotaController, quotable_resources
from k8s_internals.kubectl import Kubectl
from k8s_internals.sim import Kernel
from k8s_internals.store import Store
from tests.conftest import TOKENS
from tests.controllers.kcm_helpers import pod, service, set_pod_status, start

JSON = dict[str, Any]
CONTROLLER_USER = "system:serviceaccount:kube-system:resourcequota-controller"


@pytest.fixture
def backend() -> str:
    return "memory"


@pytest.fixture
def api(store: Store, kernel: Kernel) -> Iterator[APIServer]:
    """The API server as the cluster assembles it: strict quota admission."""
    server = new_api_server(kernel, store, APIServerConfig(tokens=list(TOKENS),
                                                           quota_strict_status=True))
    try:
        yield server
    finally:
        server.watchcache.close()


@pytest.fixture
def status_writes(api: APIServer) -> list[Trace]:
    """Every successful ``PUT resourcequotas/<name>/status`` (the controller's and
    admission's: admission writes through storage, not as a request, so these are the
    controller's)."""
    out: list[Trace] = []

    def hook(trace: Trace) -> None:
        if (trace.resource, trace.subresource, trace.verb) == (
                "resourcequotas", "status", "update") and trace.code == 200:
            out.append(trace)

    api.tracer.on_request.append(hook)
    return out


def quota(name: str, hard: dict[str, str], ns: str = "default", **spec: Any) -> JSON:
    return {"apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"hard": dict(hard), **spec}}


def cpu_pod(name: str, cpu: str = "500m") -> JSON:
    p = pod(name)
    p["spec"]["containers"][0]["resources"] = {"requests": {"cpu": cpu}, "limits": {"cpu": cpu}}
    return p


def configmap(name: str) -> JSON:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"}, "data": {"k": "v"}}


def secret(name: str) -> JSON:
    return {"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": name, "namespace": "default"}, "data": {}}


def deployment(name: str) -> JSON:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "app",
                                                           "image": "nginx:1.27"}]}}}}


def claim(name: str) -> JSON:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": "1"}}}}


def status(admin: Client, name: str = "q") -> JSON:
    return admin.get("resourcequotas", name, "default").get("status") or {}


def test_a_quota_gets_hard_and_used_at_once(admin: Client, kernel: Kernel) -> None:
    for i in range(2):
        admin.create("pods", cpu_pod(f"web-{i}"))
    admin.create("configmaps", configmap("settings"))
    admin.create("services", service("web", ports=[{"port": 80}]))
    admin.create("deployments", deployment("api"))
    start(admin, kernel, ResourceQuotaController)
    hard = {"pods": "10", "requests.cpu": "4", "limits.cpu": "4", "configmaps": "5",
            "services": "3", "services.nodeports": "2", "count/deployments.apps": "2",
            "count/replicasets.apps": "2"}
    admin.create("resourcequotas", quota("q", hard))
    kernel.run_for(1)
    st = status(admin)
    assert st["hard"] == hard
    assert st["used"] == {"pods": "2", "requests.cpu": "1", "limits.cpu": "1",
                          "configmaps": "1", "services": "1", "services.nodeports": "0",
                          "count/deployments.apps": "1", "count/replicasets.apps": "0"}


def _make(resource: str, name: str) -> JSON:
    return {"pods": lambda: pod(name), "services": lambda: service(name, ports=[{"port": 80}]),
            "configmaps": lambda: configmap(name), "secrets": lambda: secret(name),
            "deployments": lambda: deployment(name),
            "persistentvolumeclaims": lambda: claim(name)}[resource]()


@pytest.mark.parametrize(("resource", "hard_name"), [
    ("pods", "pods"),
    ("pods", "count/pods"),
    ("services", "services"),
    ("services", "count/services"),
    ("configmaps", "configmaps"),
    ("configmaps", "count/configmaps"),
    ("secrets", "secrets"),
    ("deployments", "count/deployments.apps"),
    ("persistentvolumeclaims", "persistentvolumeclaims"),
    ("persistentvolumeclaims", "requests.storage"),
])
def test_creating_and_deleting_moves_used(admin: Client, kernel: Kernel, resource: str,
                                          hard_name: str) -> None:
    (ctrl,) = start(admin, kernel, ResourceQuotaController)
    admin.create("resourcequotas", quota("q", {hard_name: "5"}))
    kernel.run_for(1)
    assert status(admin)["used"] == {hard_name: "0"}
    for name in ("a", "b"):
        admin.create(resource, _make(resource, name))  # admission charges the quota
    kernel.run_for(1)
    assert status(admin)["used"] == {hard_name: "2"}
    admin.delete(resource, "a", "default")  # the monitor gives the usage back
    kernel.run_for(1)
    assert status(admin)["used"] == {hard_name: "1"}
    assert ctrl.errors == []


def test_a_finished_pod_stops_counting_compute_resources(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, ResourceQuotaController)
    admin.create("resourcequotas", quota("q", {"pods": "5", "count/pods": "5",
                                               "requests.cpu": "2"}))
    kernel.run_for(1)
    admin.create("pods", cpu_pod("job", "1"))
    kernel.run_for(1)
    assert status(admin)["used"] == {"count/pods": "1", "pods": "1", "requests.cpu": "1"}
    set_pod_status(admin, "job", phase="Succeeded")
    kernel.run_for(1)
    assert status(admin)["used"] == {"count/pods": "1", "pods": "0", "requests.cpu": "0"}


def test_spec_hard_changes_are_reflected(admin: Client, kernel: Kernel) -> None:
    (ctrl,) = start(admin, kernel, ResourceQuotaController)
    admin.create("configmaps", configmap("settings"))
    admin.create("resourcequotas", quota("q", {"pods": "2"}))
    kernel.run_for(1)
    q = admin.get("resourcequotas", "q", "default")
    q["spec"]["hard"] = {"pods": "4", "configmaps": "3"}
    admin.update("resourcequotas", q)
    kernel.run_for(1)
    st = status(admin)
    assert st["hard"] == {"pods": "4", "configmaps": "3"}
    assert st["used"] == {"pods": "0", "configmaps": "1"}
    assert ctrl.errors == []


def test_the_status_is_written_only_when_it_changed(admin: Client, kernel: Kernel,
                                                   status_writes: list[Trace]) -> None:
    (ctrl,) = start(admin, kernel, ResourceQuotaController)
    admin.create("pods", pod("web"))
    admin.create("resourcequotas", quota("q", {"pods": "5"}))
    kernel.run_for(1)
    assert len(status_writes) == 1
    syncs = ctrl.syncs
    ctrl.enqueue_all()  # what the 5-minute resync does
    kernel.run_for(1)
    assert ctrl.syncs == syncs + 1
    assert len(status_writes) == 1  # quota.Equals: nothing changed, nothing written
    kernel.run_for(301)  # the periodic resync recalculates, still nothing to write
    assert ctrl.syncs >= syncs + 2
    assert len(status_writes) == 1


def test_admission_and_controller_together(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, ResourceQuotaController)
    admin.create("resourcequotas", quota("q", {"pods": "2"}))
    kernel.run_for(1)
    admin.create("pods", pod("web-1"))
    admin.create("pods", pod("web-2"))
    with pytest.raises(ApiError) as err:
        admin.create("pods", pod("web-3"))
    assert err.value.code == 403
    assert err.value.message == ('pods "web-3" is forbidden: exceeded quota: q, requested: '
                                 'pods=1, used: pods=2, limited: pods=2')
    admin.delete("pods", "web-1", "default")
    kernel.run_for(1)
    assert status(admin)["used"] == {"pods": "1"}
    admin.create("pods", pod("web-3"))
    assert status(admin)["used"] == {"pods": "2"}


def test_an_unsynced_quota_constrains_nothing_then_shows_the_overage(
        admin: Client, kernel: Kernel) -> None:
    """Upstream's window: admission reads ``status.hard``, which only the controller writes."""
    admin.create("resourcequotas", quota("q", {"pods": "1"}))
    admin.create("pods", pod("web-1"))
    admin.create("pods", pod("web-2"))  # no status yet: not constrained
    start(admin, kernel, ResourceQuotaController)
    kernel.run_for(1)
    assert status(admin) == {"hard": {"pods": "1"}, "used": {"pods": "2"}}
    with pytest.raises(ApiError, match="exceeded quota: q, requested: pods=1, used: pods=2, "
                                       "limited: pods=1"):
        admin.create("pods", pod("web-3"))


@pytest.mark.parametrize(("handler", "queue"), [
    ("new quota", "missing_usage_queue"),
    ("status lacks a used entry", "missing_usage_queue"),
    ("synced quota", "queue"),
])
def test_add_quota_prioritises_missing_usage(admin: Client, kernel: Kernel, handler: str,
                                             queue: str) -> None:
    """``addQuota``: which queue a quota goes to."""
    (ctrl,) = start(admin, kernel, ResourceQuotaController)
    ctrl.stop()  # look at the queues without workers draining them
    ctrl.queue = type(ctrl.queue)(kernel, name="primary")
    ctrl.missing_usage_queue.queue = type(ctrl.queue)(kernel, name="priority")
    rq = quota("q", {"pods": "2"})
    if handler != "new quota":
        rq["status"] = {"hard": {"pods": "2"}, "used": {"pods": "0"}}
    if handler == "status lacks a used entry":
        rq["status"]["used"] = {}
    ctrl.add_quota(rq)
    primary, priority = len(ctrl.queue), len(ctrl.missing_usage_queue.queue)
    assert (primary, priority) == ((1, 0) if queue == "queue" else (0, 1))


def test_only_quotas_tracking_the_resource_are_replenished(admin: Client,
                                                           kernel: Kernel) -> None:
    (ctrl,) = start(admin, kernel, ResourceQuotaController)
    admin.create("resourcequotas", quota("pods-only", {"pods": "5"}))
    admin.create("resourcequotas", quota("cm-only", {"configmaps": "5"}))
    admin.create("configmaps", configmap("settings"))
    kernel.run_for(1)
    synced: list[str] = []
    inner: Callable[[str], None] = ctrl.sync_handler
    ctrl.sync_handler = lambda key: (synced.append(key), inner(key))[1]
    admin.delete("configmaps", "settings", "default")
    kernel.run_for(1)
    assert synced == ["default/cm-only"]


def test_every_quotable_resource_is_monitored() -> None:
    names = {info.qualified for info in quotable_resources()}
    assert {"pods", "services", "configmaps", "secrets", "persistentvolumeclaims",
            "replicationcontrollers", "resourcequotas", "deployments.apps"} <= names
    assert "events" not in names and "nodes" not in names and "namespaces" not in names


def test_the_controller_manager_runs_it_as_its_own_service_account(
        admin: Client, kernel: Kernel, status_writes: list[Trace]) -> None:
    spec = next(s for s in CONTROLLERS if s.name == "resourcequota-controller")
    assert spec.service_account == "resourcequota-controller"
    manager = new_controller_manager(admin, kernel, controllers=[spec], leader_elect=False)
    manager.run()
    admin.create("resourcequotas", quota("q", {"pods": "5"}))
    kernel.run_for(1)
    assert status(admin)["hard"] == {"pods": "5"}
    assert [t.user for t in status_writes] == [CONTROLLER_USER]
    manager.stop()


def test_kubectl_get_and_describe_show_used_and_hard(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, ResourceQuotaController)
    p = pod("web")
    p["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": "500m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "128Mi"}}
    admin.create("pods", p)
    admin.create("resourcequotas", quota(
        "compute", {"pods": "4", "requests.cpu": "2", "requests.memory": "1Gi",
                    "limits.cpu": "4", "limits.memory": "2Gi"}, scopes=["NotBestEffort"]))
    kernel.run_for(60)
    kubectl = Kubectl(admin, kernel)
    assert kubectl.run("get quota") == (
        "NAME      REQUEST                                                      LIMIT"
        "                                       AGE\n"
        "compute   pods: 1/4, requests.cpu: 500m/2, requests.memory: 64Mi/1Gi   "
        "limits.cpu: 1/4, limits.memory: 128Mi/2Gi   60s\n")
    assert kubectl.run("describe quota compute") == (
        "Name:       compute\n"
        "Namespace:  default\n"
        "Scopes:     NotBestEffort\n"
        " * Matches all pods that have at least one resource requirement set. These pods have "
        "a burstable or guaranteed quality of service.\n"
        "Resource         Used   Hard\n"
        "--------         ----   ----\n"
        "limits.cpu       1      4\n"
        "limits.memory    128Mi  2Gi\n"
        "pods             1      4\n"
        "requests.cpu     500m   2\n"
        "requests.memory  64Mi   1Gi\n")


def test_the_cluster_runs_it_beside_strict_quota_admission() -> None:
    cluster = Cluster(nodes=1, seed=0)
    assert "resourcequota-controller" in cluster.controller_manager.controllers
    cluster.admin.create("resourcequotas", quota("q", {"pods": "1"}))
    cluster.run(seconds=1)
    assert cluster.get("resourcequotas", "q")["status"] == {"hard": {"pods": "1"},
                                                             "used": {"pods": "0"}}
    cluster.admin.create("pods", pod("web-1"))
    with pytest.raises(ApiError, match="exceeded quota: q"):
        cluster.admin.create("pods", pod("web-2"))
    cluster.delete("pod", "web-1", wait=True)
    cluster.run(seconds=60)
    assert cluster.get("resourcequotas", "q")["status"]["used"] == {"pods": "0"}
    assert cluster.controller_manager.controllers["resourcequota-controller"].errors == []
