"""The ReplicationController manager: the ReplicaSet controller behind adapters (upstream
``pkg/controller/replication/``)."""

from __future__ import annotations

import pytest

from k8s_internals.controllers.controller_utils import ControllerError
from k8s_internals.controllers.replication import convert_rc_to_rs, convert_rs_to_rc

from .helpers import Cluster, replication_controller


def test_rc_round_trips_through_the_replica_set_shape() -> None:
    rc = {"apiVersion": "v1", "kind": "ReplicationController",
          "metadata": {"name": "web", "namespace": "default"},
          "spec": {"replicas": 2, "minReadySeconds": 5, "selector": {"app": "web"},
                   "template": {"metadata": {"labels": {"app": "web"}}, "spec": {}}},
          "status": {"replicas": 1}}
    rs = convert_rc_to_rs(rc)
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert (rs["apiVersion"], rs["kind"]) == ("apps/v1", "ReplicaSet")
    assert convert_rs_to_rc(rs) == rc
    with pytest.raises(ControllerError):
        convert_rs_to_rc({"spec": {"selector": {"matchExpressions": [
            {"key": "app", "operator": "Exists"}]}}})


def test_replication_manager_creates_and_deletes_pods_as_the_rc(cluster: Cluster) -> None:
    cluster.start("replication")
    a = cluster.admin
    rc = a.create("replicationcontrollers", replication_controller("kubia", 3))
    cluster.settle()
    pods = cluster.pods()
    assert len(pods) == 3
    assert all(p["metadata"]["ownerReferences"] == [{
        "apiVersion": "v1", "kind": "ReplicationController", "name": "kubia",
        "uid": rc["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]
        for p in pods)
    events = cluster.events("SuccessfulCreate", "kubia")
    assert len(events) == 3
    assert {(e["involvedObject"]["kind"], e["involvedObject"]["apiVersion"],
             e["source"]["component"]) for e in events} == \
        {("ReplicationController", "v1", "replication-controller")}
    status = a.get("replicationcontrollers", "kubia", "default")["status"]
    assert status == {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 3,
                      "availableReplicas": 3, "observedGeneration": 1}
    a.scale("replicationcontrollers", "kubia", 1, "default")
    cluster.settle()
    assert len(cluster.pods()) == 1
    assert len(cluster.messages("SuccessfulDelete", "kubia")) == 2


def test_rc_adopts_an_orphan(cluster: Cluster) -> None:
    cluster.start("replication")
    a = cluster.admin
    a.create("pods", {"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": "orphan", "namespace": "default",
                                   "labels": {"app": "kubia"}},
                      "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}})
    a.create("replicationcontrollers", replication_controller("kubia", 2))
    cluster.settle()
    orphan = a.get("pods", "orphan", "default")
    assert orphan["metadata"]["ownerReferences"][0]["kind"] == "ReplicationController"
    assert len(cluster.pods()) == 2
