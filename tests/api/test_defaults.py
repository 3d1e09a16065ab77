"""Defaulting: objects read back as ``kubectl get -o yaml`` shows them on a real cluster.

Upstream: pkg/apis/core/v1/defaults.go (defaults_test.go), pkg/apis/apps/v1/defaults.go
(defaults_test.go), pkg/apis/rbac/v1/defaults.go, pkg/apis/storage/v1/defaults.go,
pkg/apis/discovery/v1/defaults.go.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.defaults import apply_defaults, image_pull_policy, image_tag
from k8s_internals.api.validation import validate

TEMPLATE = {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}
DEFAULTED_TEMPLATE_SPEC = {
    "containers": [{"name": "c", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File", "resources": {}}],
    "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "securityContext": {},
    "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler"}


def defaulted(obj: dict[str, Any]) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    apply_defaults(obj)
    return obj


def workload(kind: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": kind,
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "web"}},
                     "template": copy.deepcopy(TEMPLATE), **spec}}


# --- image pull policy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "tag", "policy"),
    [
        # parsers.ParseImageName: no tag and no digest means "latest"; a digest alone, ""
        ("nginx", "latest", "Always"),
        ("nginx:latest", "latest", "Always"),
        ("nginx:1.25", "1.25", "IfNotPresent"),
        ("registry.example.com:5000/team/app", "latest", "Always"),
        ("registry.example.com:5000/team/app:v2", "v2", "IfNotPresent"),
        ("nginx@sha256:" + "a" * 64, "", "IfNotPresent"),
        ("nginx:1.25@sha256:" + "a" * 64, "1.25", "IfNotPresent"),
        ("localhost:5000/app", "latest", "Always"),
        ("Invalid Image", None, "IfNotPresent"),
    ],
)
def test_image_pull_policy(image: str, tag: str | None, policy: str) -> None:
    assert image_tag(image) == tag
    assert image_pull_policy(image) == policy


# --- Pod --------------------------------------------------------------------------------------


def test_pod() -> None:
    pod = defaulted({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": "p", "namespace": "default"},
                     "spec": {"containers": [{"name": "c", "image": "nginx",
                                              "ports": [{"containerPort": 80}]}]}})
    assert pod["spec"] == {
        "containers": [{"name": "c", "image": "nginx",
                        "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "imagePullPolicy": "Always",
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File", "resources": {}}],
        "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "securityContext": {},
        "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler",
        "enableServiceLinks": True}


def test_pod_requests_default_to_limits_and_quantities_are_canonical() -> None:
    pod = defaulted({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": "p", "namespace": "default"},
                     "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {
                         "limits": {"cpu": "0.5", "memory": "1024Mi"},
                         "requests": {"cpu": "100m"}}}]}})
    assert pod["spec"]["containers"][0]["resources"] == {
        "limits": {"cpu": "500m", "memory": "1Gi"},
        "requests": {"cpu": "100m", "memory": "1Gi"}}


def test_pod_keeps_explicit_values() -> None:
    spec = {"containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Never"}],
            "restartPolicy": "Never", "dnsPolicy": "Default", "schedulerName": "mine",
            "terminationGracePeriodSeconds": 0, "enableServiceLinks": False}
    pod = defaulted({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": "p", "namespace": "default"}, "spec": spec})
    for key, value in spec.items():
        if key != "containers":
            assert pod["spec"][key] == value
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "Never"


def test_pod_host_network_ports_and_volumes() -> None:
    pod = defaulted({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": "p", "namespace": "default"},
                     "spec": {"hostNetwork": True, "volumes": [{"name": "v"}],
                              "containers": [{"name": "c", "image": "nginx",
                                              "ports": [{"containerPort": 8080}]}]}})
    assert pod["spec"]["containers"][0]["ports"] == [
        {"containerPort": 8080, "protocol": "TCP", "hostPort": 8080}]
    assert pod["spec"]["volumes"] == [{"name": "v", "emptyDir": {}}]


# --- Service ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"selector": {"app": "x"}, "ports": [{"port": 80}]},
         {"selector": {"app": "x"}, "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
          "sessionAffinity": "None", "type": "ClusterIP", "internalTrafficPolicy": "Cluster",
          "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"]}),
        ({"type": "LoadBalancer", "selector": {"app": "x"}, "ports": [{"port": 80}]},
         {"type": "LoadBalancer", "selector": {"app": "x"},
          "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
          "sessionAffinity": "None", "externalTrafficPolicy": "Cluster",
          "internalTrafficPolicy": "Cluster", "allocateLoadBalancerNodePorts": True,
          "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"]}),
        ({"type": "ExternalName", "externalName": "example.com"},
         {"type": "ExternalName", "externalName": "example.com", "sessionAffinity": "None"}),
        ({"clusterIP": "None", "ports": [{"port": 80, "targetPort": "http", "name": "web"}]},
         {"clusterIP": "None",
          "ports": [{"port": 80, "targetPort": "http", "name": "web", "protocol": "TCP"}],
          "sessionAffinity": "None", "type": "ClusterIP", "internalTrafficPolicy": "Cluster",
          "clusterIPs": ["None"], "ipFamilyPolicy": "RequireDualStack",
          "ipFamilies": ["IPv4"]}),
        ({"sessionAffinity": "ClientIP", "selector": {"app": "x"}, "ports": [{"port": 80}]},
         {"sessionAffinity": "ClientIP", "selector": {"app": "x"},
          "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
          "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
          "type": "ClusterIP", "internalTrafficPolicy": "Cluster",
          "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"]}),
    ],
)
def test_service(spec: dict[str, Any], expected: dict[str, Any]) -> None:
    svc = defaulted({"apiVersion": "v1", "kind": "Service",
                     "metadata": {"name": "s", "namespace": "default"}, "spec": spec})
    assert svc["spec"] == expected


# --- apps/v1 ----------------------------------------------------------------------------------


def test_deployment() -> None:
    d = defaulted(workload("Deployment"))
    assert d["spec"] == {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": DEFAULTED_TEMPLATE_SPEC},
        "replicas": 1,
        "strategy": {"type": "RollingUpdate",
                     "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
        "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600}


def test_deployment_recreate_has_no_rolling_update() -> None:
    d = defaulted(workload("Deployment", strategy={"type": "Recreate"}))
    assert d["spec"]["strategy"] == {"type": "Recreate"}


def test_deployment_keeps_replicas_zero() -> None:
    assert defaulted(workload("Deployment", replicas=0))["spec"]["replicas"] == 0


def test_replica_set() -> None:
    rs = defaulted(workload("ReplicaSet"))
    assert rs["spec"]["replicas"] == 1
    assert rs["spec"]["template"]["spec"] == DEFAULTED_TEMPLATE_SPEC


def test_stateful_set() -> None:
    sts = defaulted(workload("StatefulSet", serviceName="web"))
    spec = sts["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain",
                                                            "whenScaled": "Retain"}
    assert spec["replicas"] == 1
    assert spec["revisionHistoryLimit"] == 10
    assert spec["serviceName"] == "web"
    assert spec["template"]["spec"] == DEFAULTED_TEMPLATE_SPEC


def test_stateful_set_on_delete_and_claim_templates() -> None:
    sts = defaulted(workload("StatefulSet", updateStrategy={"type": "OnDelete"},
                             volumeClaimTemplates=[{"metadata": {"name": "data"}, "spec": {
                                 "accessModes": ["ReadWriteOnce"],
                                 "resources": {"requests": {"storage": "1Gi"}}}}]))
    assert sts["spec"]["updateStrategy"] == {"type": "OnDelete"}
    assert sts["spec"]["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"


def test_daemon_set() -> None:
    ds = defaulted(workload("DaemonSet"))
    assert ds["spec"]["updateStrategy"] == {
        "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert ds["spec"]["revisionHistoryLimit"] == 10
    assert "replicas" not in ds["spec"]


# --- other kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}},
         {"apiVersion": "v1", "kind": "Namespace",
          "metadata": {"name": "team", "labels": {"kubernetes.io/metadata.name": "team"}},
          "status": {"phase": "Active"}}),
        ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "d"}},
         {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "d"},
          "type": "Opaque"}),
        ({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "sc"},
          "provisioner": "x.io/y"},
         {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "sc"},
          "provisioner": "x.io/y", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}),
        ({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
          "metadata": {"name": "b", "namespace": "d"}, "roleRef": {"kind": "Role", "name": "r"},
          "subjects": [{"kind": "User", "name": "a"}, {"kind": "ServiceAccount", "name": "sa"}]},
         {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
          "metadata": {"name": "b", "namespace": "d"},
          "roleRef": {"kind": "Role", "name": "r", "apiGroup": "rbac.authorization.k8s.io"},
          "subjects": [{"kind": "User", "name": "a", "apiGroup": "rbac.authorization.k8s.io"},
                       {"kind": "ServiceAccount", "name": "sa"}]}),
        ({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
          "metadata": {"name": "e", "namespace": "d"}, "addressType": "IPv4",
          "endpoints": [], "ports": [{"port": 80}]},
         {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
          "metadata": {"name": "e", "namespace": "d"}, "addressType": "IPv4",
          "endpoints": [], "ports": [{"port": 80, "name": "", "protocol": "TCP"}]}),
        ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d"}},
         {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d"}}),
        ({"apiVersion": "example.com/v1", "kind": "Widget", "spec": {}},
         {"apiVersion": "example.com/v1", "kind": "Widget", "spec": {}}),
    ],
)
def test_other_kinds(obj: dict[str, Any], expected: dict[str, Any]) -> None:
    assert defaulted(obj) == expected


def test_pvc() -> None:
    pvc = defaulted({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                     "metadata": {"name": "c", "namespace": "d"},
                     "spec": {"accessModes": ["ReadWriteOnce"],
                              "resources": {"requests": {"storage": "1024Mi"}}}})
    assert pvc["spec"] == {"accessModes": ["ReadWriteOnce"],
                           "resources": {"requests": {"storage": "1Gi"}},
                           "volumeMode": "Filesystem"}
    assert pvc["status"] == {"phase": "Pending"}


def test_idempotent() -> None:
    d = defaulted(workload("Deployment"))
    assert defaulted(d) == d


@pytest.mark.parametrize(
    "obj",
    [
        workload("Deployment"), workload("ReplicaSet"), workload("StatefulSet"),
        workload("DaemonSet"),
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "d"},
         "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "d"},
         "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "sc"},
         "provisioner": "x.io/y"},
    ],
    ids=lambda o: o["kind"],
)
def test_defaulted_minimal_objects_validate(obj: dict[str, Any]) -> None:
    assert [str(e) for e in validate(defaulted(obj))] == []
