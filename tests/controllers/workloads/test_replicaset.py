"""The ReplicaSet controller against a real API server: slow-start creation, expectations,
deletion ranking, adoption and orphaning, status, events (upstream ``replica_set.go``)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.controllers.controller_utils import ControllerError
from k8s_internals.controllers.replicaset import ReplicaSetController
from tests.conftest import BACKENDS

from .helpers import Cluster, replica_set, set_pod_ready, template

JSON = dict[str, Any]


def owners(p: JSON) -> list[str]:
    return [r["name"] for r in p["metadata"].get("ownerReferences") or []]


@pytest.mark.parametrize("backend", BACKENDS)
def test_scale_up_and_down_with_events_and_status(cluster: Cluster) -> None:
    cluster.start("replicaset")
    a = cluster.admin
    a.create("replicasets", replica_set("kubia", 3))
    cluster.settle()
    pods = cluster.pods()
    assert len(pods) == 3
    for p in pods:
        assert p["metadata"]["name"].startswith("kubia-") and len(p["metadata"]["name"]) == 11
        assert p["metadata"]["ownerReferences"] == [{
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "kubia",
            "uid": a.get("replicasets", "kubia", "default")["metadata"]["uid"],
            "controller": True, "blockOwnerDeletion": True}]
    created = sorted(cluster.messages("SuccessfulCreate", "kubia"))
    assert created == sorted(f"Created pod: {p['metadata']['name']}" for p in pods)
    assert {e["source"]["component"] for e in cluster.events("SuccessfulCreate")} == \
        {"replicaset-controller"}
    status = a.get("replicasets", "kubia", "default")["status"]
    # the fake kubelet made them Running and Ready, minReadySeconds is 0: available at once
    assert status == {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 3,
                      "availableReplicas": 3, "observedGeneration": 1}

    a.scale("replicasets", "kubia", 1, "default")
    cluster.settle()
    left = cluster.pods()
    assert len(left) == 1
    deleted = {p["metadata"]["name"] for p in pods} - {left[0]["metadata"]["name"]}
    assert sorted(cluster.messages("SuccessfulDelete", "kubia")) == \
        sorted(f"Deleted pod: {n}" for n in deleted)
    assert a.get("replicasets", "kubia", "default")["status"]["observedGeneration"] == 2


def test_slow_start_stops_after_the_batch_with_a_failure(cluster: Cluster) -> None:
    """10 pods wanted, the API server refuses from the 6th POST on: batches 1, 2, 4 are tried
    (7 POSTs, 5 created), the batch of 3 is never sent; the 5 skipped creations are taken off
    the expectations at once, so the next sync is not blocked."""
    (rsc,) = cluster.start("replicaset", run=False)
    posts = 0
    orig = rsc.pod_control.create_pods

    def limited(*args: Any, **kw: Any) -> JSON:
        nonlocal posts
        posts += 1
        if posts > 5:
            raise ControllerError("fake quota exceeded")
        return orig(*args, **kw)

    rsc.pod_control.create_pods = limited  # type: ignore[method-assign]
    cluster.admin.create("replicasets", replica_set("big", 10))
    cluster.settle()
    with pytest.raises(ControllerError):
        rsc.sync_handler("default/big")
    assert posts == 7                                  # 1 + 2 + 4
    exp = rsc.expectations.get_expectations("default/big")
    assert exp is not None and exp.get_expectations() == (5, 0)   # 10 - 5 skipped
    cluster.settle()                                   # the 5 pods are observed
    assert exp.get_expectations() == (0, 0)
    assert len(cluster.pods()) == 5


def test_expectations_prevent_double_creation(cluster: Cluster) -> None:
    """Two syncs before the informer has seen any new pod create only one set of pods."""
    (rsc,) = cluster.start("replicaset", run=False)
    a = cluster.admin
    a.create("replicasets", replica_set("kubia", 3))
    cluster.settle()                     # the informers have the RS, no worker ran
    assert cluster.pods() == []
    rsc.sync_handler("default/kubia")    # creates 3, expects 3 creations
    exp = rsc.expectations.get_expectations("default/kubia")
    assert exp is not None and exp.get_expectations() == (3, 0)
    rsc.sync_handler("default/kubia")    # cache still has 0 pods: would create 3 more
    assert len(cluster.pods()) == 3      # ...but expectations were not satisfied
    cluster.settle()                     # the watch delivers the 3 pods: 3 -> 0
    assert exp.get_expectations() == (0, 0)
    rsc.sync_handler("default/kubia")
    assert len(cluster.pods()) == 3


def test_burst_replicas_caps_one_sync(cluster: Cluster) -> None:
    rsc = ReplicaSetController(cluster.admin, cluster.kernel, cluster.factory, burst_replicas=2)
    cluster.factory.start()
    cluster.admin.create("replicasets", replica_set("kubia", 5))
    cluster.settle()
    rsc.sync_handler("default/kubia")
    assert len(cluster.pods()) == 2     # min(5 - 0, burstReplicas 2)
    rsc.run()
    cluster.settle()
    assert len(cluster.pods()) == 5


def test_failed_creation_stops_slow_start_and_sets_replica_failure(cluster: Cluster) -> None:
    """No ServiceAccount in the namespace: the first pod of the first batch (1) fails, so no
    other pod is tried; the condition and a FailedCreate event say why."""
    (rsc,) = cluster.start("replicaset")
    a = cluster.admin
    a.create("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                            "metadata": {"name": "other"}})
    rs = replica_set("kubia", 5)
    rs["metadata"]["namespace"] = "other"
    a.create("replicasets", rs)
    cluster.kernel.run_for(0.5)
    failed = [e for e in a.list("events", "other")["items"] if e["reason"] == "FailedCreate"]
    assert len(failed) == 1 and failed[0]["type"] == "Warning"
    # ServiceAccount admission runs before the name is generated: "pods is forbidden"
    assert failed[0]["message"] == ('Error creating: pods is forbidden: error looking up '
                                    'service account other/default: serviceaccount "default" '
                                    'not found')
    status = a.get("replicasets", "kubia", "other")["status"]
    (cond,) = status["conditions"]
    assert (cond["type"], cond["status"], cond["reason"]) == \
        ("ReplicaFailure", "True", "FailedCreate")
    assert cond["message"] == failed[0]["message"][len("Error creating: "):]
    assert rsc.queue.num_requeues("other/kubia") >= 1   # retried with backoff
    # once the ServiceAccount exists, a retry succeeds and the condition goes away
    a.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                 "metadata": {"name": "default", "namespace": "other"}})
    cluster.settle()
    assert len(a.list("pods", "other")["items"]) == 5
    assert "conditions" not in a.get("replicasets", "kubia", "other")["status"]


def test_adopts_matching_orphans_and_ignores_pods_of_other_controllers(
        cluster: Cluster) -> None:
    cluster.start("replicaset")
    a = cluster.admin
    orphan = a.create("pods", {"apiVersion": "v1", "kind": "Pod",
                               "metadata": {"name": "orphan", "namespace": "default",
                                            "labels": {"app": "kubia"}},
                               "spec": template("kubia")["spec"]})
    foreign = a.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {
        "name": "foreign", "namespace": "default", "labels": {"app": "kubia"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "someone",
                             "uid": "0000-other", "controller": True}]},
        "spec": template("kubia")["spec"]})
    assert orphan and foreign
    a.create("replicasets", replica_set("kubia", 3))
    cluster.settle()
    by_name = {p["metadata"]["name"]: p for p in cluster.pods()}
    assert owners(by_name["orphan"]) == ["kubia"]        # adopted: counts as one of the 3
    assert owners(by_name["foreign"]) == ["someone"]     # not ours, left alone
    ours = [p for p in by_name.values() if owners(p) == ["kubia"]]
    assert len(ours) == 3 and len(cluster.messages("SuccessfulCreate")) == 2


def test_releases_a_pod_whose_labels_no_longer_match(cluster: Cluster) -> None:
    cluster.start("replicaset")
    a = cluster.admin
    a.create("replicasets", replica_set("kubia", 2))
    cluster.settle()
    victim = cluster.pods()[0]["metadata"]["name"]
    a.patch("pods", victim, {"metadata": {"labels": {"app": "debug"}}}, "default")
    cluster.settle()
    pods = {p["metadata"]["name"]: p for p in cluster.pods()}
    assert owners(pods[victim]) == []                    # orphaned (released)
    assert sum(owners(p) == ["kubia"] for p in pods.values()) == 2   # and replaced
    assert len(pods) == 3


def test_scale_down_deletes_the_not_ready_pod_first(cluster: Cluster) -> None:
    cluster.kubelet.enabled = False
    cluster.start("replicaset")
    a = cluster.admin
    a.create("replicasets", replica_set("kubia", 3))
    cluster.settle()
    pods = sorted(cluster.pods(), key=lambda p: p["metadata"]["name"])
    for p in pods[:2]:
        set_pod_ready(a, cluster.kernel, p)
    set_pod_ready(a, cluster.kernel, pods[2], ready=False)   # Running, not ready
    cluster.settle()
    a.scale("replicasets", "kubia", 2, "default")
    cluster.settle()
    assert cluster.messages("SuccessfulDelete") == [f"Deleted pod: {pods[2]['metadata']['name']}"]


def test_min_ready_seconds_counts_availability_later_without_any_event(
        cluster: Cluster) -> None:
    cluster.start("replicaset")
    a = cluster.admin
    a.create("replicasets", replica_set("slow", 2, minReadySeconds=10))
    cluster.settle(max_time=1)
    st = a.get("replicasets", "slow", "default")["status"]
    assert (st["readyReplicas"], st.get("availableReplicas", 0)) == (2, 0)
    # the controller requeued itself minReadySeconds (+1 s) after the pods became ready
    cluster.kernel.run_for(12)
    st = a.get("replicasets", "slow", "default")["status"]
    assert st["availableReplicas"] == 2


def test_deleted_replica_set_forgets_its_expectations(cluster: Cluster) -> None:
    (rsc,) = cluster.start("replicaset")
    a = cluster.admin
    a.create("replicasets", replica_set("kubia", 2))
    cluster.settle()
    assert rsc.expectations.get_expectations("default/kubia") is not None
    a.delete("replicasets", "kubia", "default")
    cluster.settle()
    assert rsc.expectations.get_expectations("default/kubia") is None


def test_graceful_deletion_counts_once_and_terminating_pods_are_not_active(
        cluster: Cluster) -> None:
    """Pods on a node are deleted gracefully: the DELETE only sets ``deletionTimestamp``. That
    update already counts as the expected deletion (UID-tracking expectations), and a later
    real delete of the same pod will not count twice."""
    (rsc,) = cluster.start("replicaset")
    a = cluster.admin
    a.create("replicasets", replica_set("kubia", 2))
    cluster.settle()
    for p in cluster.pods():
        a.bind("default", p["metadata"]["name"], "node-1")
    cluster.settle()
    a.scale("replicasets", "kubia", 1, "default")
    cluster.settle()
    terminating = [p for p in cluster.pods() if p["metadata"].get("deletionTimestamp")]
    assert len(terminating) == 1 and len(cluster.pods()) == 2   # still there: no kubelet
    exp = rsc.expectations.get_expectations("default/kubia")
    assert exp is not None and exp.get_expectations() == (0, 0)
    assert rsc.expectations.get_uids("default/kubia") == set()
    assert a.get("replicasets", "kubia", "default")["status"]["replicas"] == 1
    # scaling back up creates a new pod at once: a terminating pod is not active
    a.scale("replicasets", "kubia", 2, "default")
    cluster.settle()
    assert len([p for p in cluster.pods() if not p["metadata"].get("deletionTimestamp")]) == 2
