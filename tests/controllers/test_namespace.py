"""The namespace controller deletes a namespace's content, then releases the namespace; the
namespace REST rules it relies on (``k8s_internals.api.namespace_registry``)."""

from __future__ import annotations

import pytest

from k8s_internals.api import namespace_registry as reg
from k8s_internals.client.client import Client
from k8s_internals.controllers.garbagecollector import GarbageCollector
from k8s_internals.controllers.namespace import NamespaceController, update_conditions
from k8s_internals.controllers.serviceaccount import ServiceAccountsController
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS
from tests.controllers.kcm_helpers import (
    exists,
    namespace,
    owner_ref,
    pod,
    replicaset,
    service,
    start,
)


@pytest.fixture
def backend() -> str:
    return "memory"


def _fill(admin: Client, ns: str) -> None:
    admin.create("namespaces", namespace(ns))
    admin.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": ns}})
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "cfg", "namespace": ns}, "data": {"a": "b"}})
    admin.create("secrets", {"apiVersion": "v1", "kind": "Secret",
                             "metadata": {"name": "s", "namespace": ns}})
    admin.create("services", service("web", ns, selector={"app": "web"},
                                      ports=[{"port": 80}]))
    rs = admin.create("replicasets", replicaset("web", ns))
    admin.create("pods", pod("web-1", ns, labels={"app": "web"}, owners=[owner_ref(rs)]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_deleting_a_namespace_deletes_its_content_then_the_namespace(
        admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, NamespaceController, GarbageCollector)
    _fill(admin, "team-a")
    ns = admin.delete("namespaces", "team-a")
    assert ns["status"]["phase"] == "Terminating"
    kernel.run_for(4)  # the controller waits 5 s (namespaceDeletionGracePeriod)
    assert exists(admin, "configmaps", "cfg", "team-a")
    kernel.run_for(3)
    for resource, name in (("configmaps", "cfg"), ("secrets", "s"), ("services", "web"),
                           ("replicasets", "web"), ("pods", "web-1"),
                           ("serviceaccounts", "default")):
        assert not exists(admin, resource, name, "team-a"), resource
    assert not exists(admin, "namespaces", "team-a")


def test_content_with_finalizers_is_waited_for_and_reported_in_conditions(
        admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, NamespaceController)
    admin.create("namespaces", namespace("team-b"))
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "held", "namespace": "team-b",
                                             "finalizers": ["example.com/hold"]}})
    admin.delete("namespaces", "team-b")
    kernel.run_for(6)
    ns = admin.get("namespaces", "team-b")
    conds = {c["type"]: c for c in ns["status"]["conditions"]}
    assert [c["type"] for c in ns["status"]["conditions"]] == [
        "NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure",
        "NamespaceDeletionContentFailure", "NamespaceContentRemaining",
        "NamespaceFinalizersRemaining"]
    assert conds["NamespaceDeletionDiscoveryFailure"]["status"] == "False"
    assert conds["NamespaceDeletionDiscoveryFailure"]["reason"] == "ResourcesDiscovered"
    assert conds["NamespaceContentRemaining"]["status"] == "True"
    assert conds["NamespaceContentRemaining"]["message"] == (
        "Some resources are remaining: configmaps. has 1 resource instances")
    assert conds["NamespaceFinalizersRemaining"]["message"] == (
        "Some finalizers are remaining: example.com/hold in 1 resource instances")
    # what `kubectl delete ns team-b` answers meanwhile, once the API server is wired
    assert reg.delete_decision(ns) == "conflict"
    # the finalizer goes; the controller retries after 15/2 + 1 = 8 s
    admin.patch("configmaps", "held", {"metadata": {"finalizers": None}}, "team-b")
    kernel.run_for(9)
    assert not exists(admin, "namespaces", "team-b")


def test_pods_get_their_grace_period_before_the_namespace_goes(admin: Client,
                                                               kernel: Kernel) -> None:
    (ctrl,) = start(admin, kernel, NamespaceController)
    admin.create("namespaces", namespace("team-c"))
    admin.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": "team-c"}})
    admin.create("pods", pod("bound", "team-c", node="node-1"))  # scheduled: graceful delete
    admin.delete("namespaces", "team-c")
    kernel.run_for(6)
    p = admin.get("pods", "bound", "team-c")
    assert p["metadata"]["deletionTimestamp"] and p["metadata"]["deletionGracePeriodSeconds"] == 30
    assert exists(admin, "namespaces", "team-c")
    # the "kubelet" finishes the pod; the controller looks again 30/2 + 1 = 16 s later
    admin.delete("pods", "bound", "team-c", grace_period_seconds=0)
    kernel.run_for(17)
    assert not exists(admin, "namespaces", "team-c")
    assert ctrl.errors == []


def test_a_terminating_namespace_gets_no_new_service_account(admin: Client,
                                                            kernel: Kernel) -> None:
    start(admin, kernel, NamespaceController, ServiceAccountsController)
    admin.create("namespaces", namespace("team-d"))
    kernel.run_for(1)
    assert exists(admin, "serviceaccounts", "default", "team-d")
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "held", "namespace": "team-d",
                                             "finalizers": ["example.com/hold"]}})
    admin.delete("namespaces", "team-d")
    kernel.run_for(7)
    assert not exists(admin, "serviceaccounts", "default", "team-d")


def test_conditions_keep_their_transition_time_while_the_status_holds() -> None:
    status: dict = {}
    assert update_conditions(status, [], "t1")
    assert all(c["status"] == "False" and c["lastTransitionTime"] == "t1"
               for c in status["conditions"])
    assert not update_conditions(status, [], "t2")
    failing = [{"type": "NamespaceContentRemaining", "status": "True", "reason": "R",
                "message": "m", "lastTransitionTime": "t3"}]
    assert update_conditions(status, failing, "t3")
    by_type = {c["type"]: c for c in status["conditions"]}
    assert by_type["NamespaceContentRemaining"]["lastTransitionTime"] == "t3"
    assert by_type["NamespaceDeletionDiscoveryFailure"]["lastTransitionTime"] == "t1"


@pytest.mark.parametrize(("spec", "finalizers"), [
    (None, ["kubernetes"]),
    ({"finalizers": ["example.com/x"]}, ["example.com/x", "kubernetes"]),
    ({"finalizers": ["kubernetes"]}, ["kubernetes"]),
])
def test_namespace_strategy_always_adds_the_kubernetes_finalizer(
        spec: dict | None, finalizers: list[str]) -> None:
    ns: dict = {"metadata": {"name": "x"}, **({"spec": spec} if spec else {})}
    out = reg.prepare_for_create(ns)
    assert out["spec"]["finalizers"] == finalizers and out["status"] == {"phase": "Active"}


def test_namespace_update_finalize_and_status_strategies() -> None:
    old = {"metadata": {"name": "x", "resourceVersion": "5"}, "spec": {"finalizers":
                                                                       ["kubernetes"]},
           "status": {"phase": "Terminating"}}
    upd = reg.prepare_for_update({"metadata": {"name": "x", "labels": {"a": "b"}},
                                  "spec": {"finalizers": []}, "status": {"phase": "Active"}},
                                 old)
    assert upd["spec"]["finalizers"] == ["kubernetes"] and upd["status"]["phase"] == "Terminating"
    fin = reg.prepare_for_finalize({"metadata": {"name": "x", "labels": {"a": "b"}},
                                    "spec": {"finalizers": []}}, old)
    assert "finalizers" not in fin["spec"] and "labels" not in fin["metadata"]
    st = reg.prepare_for_status_update({"metadata": {}, "spec": {}, "status": {"phase": "x"}},
                                       old)
    assert st["spec"] == {"finalizers": ["kubernetes"]}
    assert reg.delete_decision({"metadata": {}, "spec": {}}) == "mark"
