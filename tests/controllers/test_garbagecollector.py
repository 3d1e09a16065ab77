"""The garbage collector: the three propagation policies, dangling owners, several owners,
cluster-scoped owners, chains, and the graph itself."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.controllers.garbagecollector import (
    GarbageCollector,
    delete_owner_refs_patch,
)
from k8s_internals.controllers.graph import (
    Node,
    ObjectReference,
    deletable_resources,
    references_diffs,
)
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS
from tests.controllers.kcm_helpers import events, exists, owner_ref, pod, replicaset, start


@pytest.fixture
def backend() -> str:
    """Memory only, except where a test parametrises ``backend`` itself."""
    return "memory"


def _rs_with_pods(admin: Client, kernel: Kernel, n: int = 3, *, hold: int = -1,
                  block: bool = True) -> dict[str, Any]:
    rs = admin.create("replicasets", replicaset("web"))
    for i in range(n):
        admin.create("pods", pod(f"web-{i}", labels={"app": "web"},
                                 owners=[owner_ref(rs, block=block)],
                                 finalizers=["example.com/hold"] if i == hold else None))
    kernel.run_for(1)
    return rs


def _pods(admin: Client) -> dict[str, dict[str, Any]]:
    return {p["metadata"]["name"]: p for p in admin.list("pods", "default")["items"]}


@pytest.mark.parametrize("backend", BACKENDS)
def test_background_deletion_takes_the_pods_with_the_replicaset(
        admin: Client, kernel: Kernel) -> None:
    (gc,) = start(admin, kernel, GarbageCollector)
    _rs_with_pods(admin, kernel)
    admin.delete("replicasets", "web", "default", propagation_policy="Background")
    assert not exists(admin, "replicasets", "web", "default")  # gone at once
    kernel.run_for(2)
    assert _pods(admin) == {}
    assert gc.errors == []


@pytest.mark.parametrize(("policy", "rs_after", "pods_after", "refs_after"), [
    # policy        RS still there?  pods left                    their ownerReferences
    ("Background", False, set(), 0),
    ("Orphan", False, {"web-0", "web-1", "web-2"}, 0),
    ("Foreground", False, set(), 0),
])
def test_propagation_policies(admin: Client, kernel: Kernel, policy: str, rs_after: bool,
                              pods_after: set[str], refs_after: int) -> None:
    start(admin, kernel, GarbageCollector)
    _rs_with_pods(admin, kernel)
    admin.delete("replicasets", "web", "default", propagation_policy=policy)
    kernel.run_for(3)
    assert exists(admin, "replicasets", "web", "default") is rs_after
    pods = _pods(admin)
    assert set(pods) == pods_after
    assert all(len(p["metadata"].get("ownerReferences") or []) == refs_after
               for p in pods.values())


def test_foreground_owner_waits_for_blocking_dependents(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, GarbageCollector)
    _rs_with_pods(admin, kernel, hold=0)  # web-0 cannot go away yet
    admin.delete("replicasets", "web", "default", propagation_policy="Foreground")
    kernel.run_for(5)
    rs = admin.get("replicasets", "web", "default")
    assert rs["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert rs["metadata"]["deletionTimestamp"]
    pods = _pods(admin)
    assert set(pods) == {"web-0"} and pods["web-0"]["metadata"]["deletionTimestamp"]
    # the last blocking dependent goes away: the collector removes the finalizer
    admin.patch("pods", "web-0", {"metadata": {"finalizers": None}}, "default")
    kernel.run_for(2)
    assert not exists(admin, "replicasets", "web", "default")


def test_foreground_does_not_wait_for_non_blocking_dependents(
        admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, GarbageCollector)
    _rs_with_pods(admin, kernel, hold=0, block=False)
    admin.delete("replicasets", "web", "default", propagation_policy="Foreground")
    kernel.run_for(5)
    assert not exists(admin, "replicasets", "web", "default")
    assert set(_pods(admin)) == {"web-0"}  # being deleted, held by its own finalizer


def test_an_object_whose_owner_never_existed_is_collected(admin: Client,
                                                           kernel: Kernel) -> None:
    (gc,) = start(admin, kernel, GarbageCollector)
    ghost = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
             "metadata": {"name": "ghost", "uid": "00000000-0000-4000-8000-000000000000"}}
    admin.create("pods", pod("orphan", owners=[owner_ref(ghost)]))
    kernel.run_for(2)
    assert not exists(admin, "pods", "orphan", "default")
    assert not gc.graph_has_uid(ghost["metadata"]["uid"])  # the virtual node is gone too
    assert ObjectReference("apps/v1", "ReplicaSet", "ghost", ghost["metadata"]["uid"],
                           "default") in gc.absent_owner_cache._items


def test_a_dependent_with_a_remaining_owner_only_loses_the_dangling_reference(
        admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, GarbageCollector)
    a = admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                    "metadata": {"name": "a", "namespace": "default"}})
    b = admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                    "metadata": {"name": "b", "namespace": "default"}})
    admin.create("secrets", {"apiVersion": "v1", "kind": "Secret",
                             "metadata": {"name": "s", "namespace": "default",
                                          "ownerReferences": [
                                              owner_ref(a, controller=False),
                                              owner_ref(b, controller=False)]}})
    kernel.run_for(1)
    admin.delete("configmaps", "a", "default")
    kernel.run_for(2)
    refs = admin.get("secrets", "s", "default")["metadata"]["ownerReferences"]
    assert [r["name"] for r in refs] == ["b"]
    admin.delete("configmaps", "b", "default")
    kernel.run_for(2)
    assert not exists(admin, "secrets", "s", "default")


def test_cascading_through_a_chain_and_to_a_cluster_scoped_owner(
        admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, GarbageCollector)
    # a namespaced object may have a cluster-scoped owner (here: a Node)
    node = admin.create("nodes", {"apiVersion": "v1", "kind": "Node",
                                  "metadata": {"name": "node-1"}})
    cm = admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                     "metadata": {"name": "per-node", "namespace": "default",
                                                  "ownerReferences": [owner_ref(node)]}})
    admin.create("secrets", {"apiVersion": "v1", "kind": "Secret",
                             "metadata": {"name": "grandchild", "namespace": "default",
                                          "ownerReferences": [owner_ref(cm)]}})
    kernel.run_for(1)
    admin.delete("nodes", "node-1")
    kernel.run_for(3)
    assert not exists(admin, "configmaps", "per-node", "default")
    assert not exists(admin, "secrets", "grandchild", "default")


def test_an_owner_in_another_namespace_is_reported(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, GarbageCollector)
    rs = admin.create("replicasets", replicaset("web"))
    admin.create("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": "other"}})
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "x", "namespace": "other",
                                             "ownerReferences": [owner_ref(rs)]}})
    kernel.run_for(3)
    evs = events(admin, "OwnerRefInvalidNamespace", "other")
    assert evs and evs[0]["source"]["component"] == "garbage-collector-controller"
    assert 'does not exist in namespace "other"' in evs[0]["message"]
    # the owner is not in "other": the dependent is collected
    assert not exists(admin, "configmaps", "x", "other")


def test_requests_join_the_causal_tree_of_the_delete(api: Any, admin: Client,
                                                     kernel: Kernel) -> None:
    start(admin, kernel, GarbageCollector)
    _rs_with_pods(admin, kernel, n=1)
    admin.delete("replicasets", "web", "default")
    kernel.run_for(2)
    root = next(t for t in api.tracer if t.verb == "delete" and t.resource == "replicasets")
    child = next(t for t in api.tracer if t.verb == "delete" and t.resource == "pods")
    assert child.parent_id == root.id


# -- the graph, without an API server --------------------------------------------------------------


def test_blocking_dependents_and_reference_diffs() -> None:
    owner = Node(ObjectReference("apps/v1", "ReplicaSet", "rs", "u1", "default"))
    blocking = Node(ObjectReference("v1", "Pod", "a", "p1", "default"),
                    [{"uid": "u1", "blockOwnerDeletion": True}])
    free = Node(ObjectReference("v1", "Pod", "b", "p2", "default"), [{"uid": "u1"}])
    owner.add_dependent(blocking)
    owner.add_dependent(free)
    assert owner.blocking_dependents() == [blocking]
    added, removed, changed = references_diffs([{"uid": "1"}, {"uid": "2"}],
                                               [{"uid": "2", "controller": True}, {"uid": "3"}])
    assert (added, removed) == ([{"uid": "3"}], [{"uid": "1"}])
    assert changed == [({"uid": "2"}, {"uid": "2", "controller": True})]


def test_monitored_resources_and_patches() -> None:
    names = {r.plural for r in deletable_resources()}
    assert {"pods", "replicasets", "endpointslices", "namespaces", "nodes"} <= names
    assert "events" not in names and "bindings" not in names
    assert delete_owner_refs_patch("d", ["o"]) == {
        "metadata": {"ownerReferences": [{"$patch": "delete", "uid": "o"}], "uid": "d"}}


def test_foreground_cascades_down_a_deployment_replicaset_pod_chain(
        admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, GarbageCollector)
    d = replicaset("web")
    d["kind"] = "Deployment"
    deploy = admin.create("deployments", d)
    rs = admin.create("replicasets", {**replicaset("web-5d4f"),
                                      "metadata": {"name": "web-5d4f", "namespace": "default",
                                                   "labels": {"app": "web-5d4f"},
                                                   "ownerReferences": [owner_ref(deploy)]}})
    admin.create("pods", pod("web-5d4f-x", labels={"app": "web-5d4f"},
                             owners=[owner_ref(rs)], finalizers=["example.com/hold"]))
    kernel.run_for(1)
    admin.delete("deployments", "web", "default", propagation_policy="Foreground")
    kernel.run_for(3)
    # the ReplicaSet has dependents of its own: it is deleted in foreground too
    assert admin.get("replicasets", "web-5d4f", "default")["metadata"]["finalizers"] == [
        "foregroundDeletion"]
    assert exists(admin, "deployments", "web", "default")
    admin.patch("pods", "web-5d4f-x", {"metadata": {"finalizers": None}}, "default")
    kernel.run_for(3)
    assert not exists(admin, "replicasets", "web-5d4f", "default")
    assert not exists(admin, "deployments", "web", "default")
