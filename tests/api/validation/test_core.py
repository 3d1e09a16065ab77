"""Core (``v1``) kinds: Pod, Service, ConfigMap, Secret, Namespace, Node, ServiceAccount,
LimitRange, ResourceQuota, PersistentVolume(Claim), ReplicationController, Event.

Upstream: pkg/apis/core/validation/validation.go and validation_test.go. Objects are defaulted
first (``apply_defaults``), as the API server validates them.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.defaults import apply_defaults
from k8s_internals.api.validation import validate, validate_status_update
from k8s_internals.api.validation.field import ErrorList

DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")


def check(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    """Default (copies of) the objects, then validate; the error strings."""
    obj = copy.deepcopy(obj)
    apply_defaults(obj)
    if old is not None:
        old = copy.deepcopy(old)
        apply_defaults(old)
    return [str(e) for e in validate(obj, old)]


def pod(**spec: Any) -> dict[str, Any]:
    p: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": "p", "namespace": "default"},
                         "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}
    p["spec"].update(spec)
    return p


def container(**kw: Any) -> dict[str, Any]:
    c = {"name": "c", "image": "nginx"}
    c.update(kw)
    return c


# --- Pod ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, []),
        ({"containers": []}, ["spec.containers: Required value"]),
        ({"containers": [container(), container(image="busybox")]},
         ['spec.containers[1].name: Duplicate value: "c"']),
        ({"containers": [{"name": "c"}]}, ["spec.containers[0].image: Required value"]),
        ({"containers": [container(name="Bad_Name")]},
         [f'spec.containers[0].name: Invalid value: "Bad_Name": {DNS1123_LABEL_MSG}']),
        ({"containers": [container(ports=[{"containerPort": 0},
                                          {"containerPort": 70000, "name": "toolongportname1"}])]},
         ["spec.containers[0].ports[0].containerPort: Required value",
          'spec.containers[0].ports[1].name: Invalid value: "toolongportname1": must be no more '
          "than 15 characters",
          "spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and "
          "65535, inclusive"]),
        ({"containers": [container(ports=[{"containerPort": 80, "name": "http"},
                                          {"containerPort": 81, "name": "http"}])]},
         ['spec.containers[0].ports[1].name: Duplicate value: "http"']),
        ({"containers": [container(resources={"requests": {"cpu": "2"},
                                              "limits": {"cpu": "1"}})]},
         ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal '
          "to cpu limit of 1"]),
        ({"containers": [container(resources={"requests": {"memory": "2Gi"},
                                              "limits": {"memory": "1Gi"}})]},
         ['spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or '
          "equal to memory limit of 1Gi"]),
        ({"containers": [container(resources={"requests": {"cpu": "-1"}})]},
         ['spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than '
          "or equal to 0"]),
        ({"restartPolicy": "Sometimes", "dnsPolicy": "Foo"},
         ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
          '"OnFailure", "Never"',
          'spec.dnsPolicy: Unsupported value: "Foo": supported values: '
          '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']),
        ({"containers": [container(imagePullPolicy="Sometimes")]},
         ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: '
          '"Always", "IfNotPresent", "Never"']),
        ({"volumes": [{"name": "v", "emptyDir": {}}, {"name": "v", "emptyDir": {}}]},
         ['spec.volumes[1].name: Duplicate value: "v"']),
        ({"containers": [container(volumeMounts=[{"name": "missing", "mountPath": "/x"}])]},
         ['spec.containers[0].volumeMounts[0].name: Not found: "missing"']),
        ({"nodeName": "Bad_Node"},
         [f'spec.nodeName: Invalid value: "Bad_Node": {DNS1123_SUBDOMAIN_MSG}']),
        ({"tolerations": [{"key": "k", "operator": "Exists", "value": "v"}]},
         ['spec.tolerations[0].operator: Invalid value: "v": value must be empty when '
          "`operator` is 'Exists'"]),
        ({"tolerations": [{"key": "k", "operator": "Equal", "value": "v", "effect": "NoBlah"}]},
         ['spec.tolerations[0].effect: Unsupported value: "NoBlah": supported values: '
          '"NoSchedule", "PreferNoSchedule", "NoExecute"']),
    ],
)
def test_pod(spec: dict[str, Any], expected: list[str]) -> None:
    assert check(pod(**spec)) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"containers": [container(env=[{"name": "A=B", "value": "x"},
                                        {"name": "", "value": "y"}])]},
         ['spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable '
          "name must consist only of printable ASCII characters other than '='",
          "spec.containers[0].env[1].name: Required value"]),
        ({"containers": [container(env=[{"name": "A", "valueFrom": {
            "fieldRef": {"fieldPath": "spec.foo"}}}])]},
         ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": '
          "error converting fieldPath: field label not supported: spec.foo"]),
        ({"containers": [container(env=[{"name": "A", "value": "x", "valueFrom": {
            "secretKeyRef": {"name": "s", "key": "k"}}}])]},
         ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when '
          "`value` is not empty"]),
        ({"volumes": [{"name": "v"}]}, []),  # defaulted to emptyDir
        ({"volumes": [{"name": "v", "hostPath": {}}]},
         ["spec.volumes[0].hostPath.path: Required value"]),
        ({"volumes": [{"name": "v", "emptyDir": {}, "hostPath": {"path": "/x"}}]},
         ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"]),
        ({"volumes": [{"name": "v", "configMap": {}}]},
         ["spec.volumes[0].configMap.name: Required value"]),
        ({"containers": [container(livenessProbe={"periodSeconds": 5})]},
         ["spec.containers[0].livenessProbe: Required value: must specify a handler type"]),
        ({"containers": [container(livenessProbe={"httpGet": {"port": 80},
                                                  "successThreshold": 2})]},
         ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
        ({"containers": [container(readinessProbe={"httpGet": {"port": 80},
                                                   "tcpSocket": {"port": 80}})]},
         ["spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 "
          "handler type"]),
        ({"containers": [container(volumeMounts=[{"name": "v", "mountPath": ""}])],
          "volumes": [{"name": "v", "emptyDir": {}}]},
         ["spec.containers[0].volumeMounts[0].mountPath: Required value"]),
        ({"containers": [container(securityContext={"runAsUser": -1})]},
         ["spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 "
          "and 4294967295, inclusive"]),
        ({"hostname": "Bad_Host"},
         [f'spec.hostname: Invalid value: "Bad_Host": {DNS1123_LABEL_MSG}']),
        ({"initContainers": [container(name="c")]},
         ['spec.initContainers[0].name: Duplicate value: "c"']),
        ({"containers": [container(resources={"limits": {"example.com/gpu": "500m"}})]},
         ['spec.containers[0].resources.limits[example.com/gpu]: Invalid value: "500m": must be '
          "an integer",
          'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must '
          "be an integer"]),
        ({"containers": [container(ports=[{"containerPort": 80, "hostPort": 8080},
                                          {"containerPort": 81, "hostPort": 8080}])]},
         ['spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//8080"']),
    ],
)
def test_pod_containers_and_volumes(spec: dict[str, Any], expected: list[str]) -> None:
    assert check(pod(**spec)) == expected


def test_pod_requires_defaults() -> None:
    # Without defaulting, the fields defaults.go fills in are required.
    errs = [str(e) for e in validate(pod())]
    assert "spec.restartPolicy: Required value" in errs
    assert "spec.dnsPolicy: Required value" in errs
    assert "spec.containers[0].imagePullPolicy: Required value" in errs
    assert "spec.containers[0].terminationMessagePolicy: Required value" in errs


def _stored_pod() -> dict[str, Any]:
    p = pod()
    apply_defaults(p)
    p["metadata"].update(resourceVersion="1", uid="u-1")
    return p


def test_pod_update_image_allowed() -> None:
    old = _stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.26"
    assert check(new, old) == []


def test_pod_update_active_deadline_allowed() -> None:
    old = _stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["activeDeadlineSeconds"] = 10
    assert check(new, old) == []


def test_pod_update_forbidden_field() -> None:
    old = _stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["restartPolicy"] = "Never"
    [err] = validate(new, old)
    assert err.field == "spec"
    assert str(err).startswith(
        "spec: Forbidden: pod updates may not change fields other than "
        "`spec.containers[*].image`,`spec.initContainers[*].image`,"
        "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
        "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        "previously negative)\n")
    assert "restartPolicy" in err.detail
    assert err.cause()["reason"] == "FieldValueForbidden"


def test_pod_update_name_immutable() -> None:
    old = _stored_pod()
    new = copy.deepcopy(old)
    new["metadata"]["name"] = "q"
    assert 'metadata.name: Invalid value: "q": field is immutable' in check(new, old)


def test_pod_status_update_keeps_spec() -> None:
    old = _stored_pod()
    new = copy.deepcopy(old)
    new["status"] = {"phase": "Running"}
    assert [str(e) for e in validate_status_update(new, old)] == []


# --- Service --------------------------------------------------------------------------------


def svc(**spec: Any) -> dict[str, Any]:
    s: dict[str, Any] = {"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "s", "namespace": "default"},
                         "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]}}
    s["spec"].update(spec)
    return s


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, []),
        ({"type": "NodePort"}, []),
        ({"ports": []}, ["spec.ports: Required value"]),
        ({"ports": [{"port": 0}]},
         ["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
          "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"]),
        ({"ports": [{"port": 80, "protocol": "HTTP"}]},
         ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", '
          '"UDP"']),
        ({"type": "Weird"},
         ['spec.type: Unsupported value: "Weird": supported values: "ClusterIP", "ExternalName", '
          '"LoadBalancer", "NodePort"']),
        ({"ports": [{"port": 80, "name": "a"}, {"port": 81, "name": "a"}]},
         ['spec.ports[1].name: Duplicate value: "a"']),
        ({"ports": [{"port": 80}, {"port": 81}]},
         ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]),
        ({"ports": [{"port": 80, "targetPort": "Bad_Name"}]},
         ['spec.ports[0].targetPort: Invalid value: "Bad_Name": must contain only alpha-numeric '
          "characters (a-z, 0-9), and hyphens (-)"]),
        ({"selector": {"app": "-x"}},
         [f'spec.selector: Invalid value: "-x": {LABEL_VALUE_MSG}']),
    ],
)
def test_service(spec: dict[str, Any], expected: list[str]) -> None:
    assert check(svc(**spec)) == expected


def test_service_cluster_ip_immutable() -> None:
    old = svc()
    apply_defaults(old)
    old["metadata"]["resourceVersion"] = "1"
    old["spec"].update(clusterIP="10.0.0.10", clusterIPs=["10.0.0.10"])
    new = copy.deepcopy(old)
    new["spec"].update(clusterIP="10.0.0.11", clusterIPs=["10.0.0.11"])
    assert check(new, old) == [
        'spec.clusterIPs[0]: Invalid value: ["10.0.0.11"]: may not change once set']


# --- ConfigMap / Secret ---------------------------------------------------------------------


def cm(**kw: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "c", "namespace": "d"}}
    c.update(kw)
    return c


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (cm(data={"app.properties": "x", "KEY_1": "y", ".hidden": "z"}), []),
        (cm(data={"a b": "x", "..": "y"}),
         [f'data[a b]: Invalid value: "a b": {CONFIG_KEY_MSG}',
          "data[..]: Invalid value: \"..\": must not be '..'"]),
        (cm(data={"k": "x"}, binaryData={"k": "eA=="}),
         ['data[k]: Invalid value: "k": duplicate of key present in binaryData']),
        ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "d"},
          "data": {"a b": "eA=="}},
         [f'data[a b]: Invalid value: "a b": {CONFIG_KEY_MSG}']),
        ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "d"},
          "type": "kubernetes.io/tls", "data": {}},
         ["data[tls.crt]: Required value", "data[tls.key]: Required value"]),
        ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "d"},
          "type": "kubernetes.io/service-account-token"},
         ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]),
    ],
)
def test_config_map_and_secret(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


# --- Namespace / Node / ServiceAccount ------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}, []),
        ({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Bad.ns"}},
         [f'metadata.name: Invalid value: "Bad.ns": {DNS1123_LABEL_MSG}']),
        ({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ok", "namespace": "x"}},
         ["metadata.namespace: Forbidden: not allowed on this type"]),
        ({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}}, []),
        ({"apiVersion": "v1", "kind": "ServiceAccount",
          "metadata": {"name": "Bad_sa", "namespace": "d"}},
         [f'metadata.name: Invalid value: "Bad_sa": {DNS1123_SUBDOMAIN_MSG}']),
    ],
)
def test_cluster_objects(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


# --- LimitRange / ResourceQuota -------------------------------------------------------------


def lr(**item: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l", "namespace": "d"},
            "spec": {"limits": [{"type": "Container", **item}]}}


def rq(hard: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": {"name": "q", "namespace": "d"}, "spec": {"hard": hard}}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (lr(max={"cpu": "2"}, min={"cpu": "100m"}), []),
        (lr(min={"cpu": "2"}, max={"cpu": "1"}),
         ['spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
          'spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than '
          "default request value 1",
          'spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than default '
          "value 1"]),
        (lr(default={"cpu": "3"}, max={"cpu": "1"}),
         ['spec.limits[0].defaultRequest[cpu]: Invalid value: "3": default request value 3 is '
          "greater than max value 1",
          'spec.limits[0].default[cpu]: Invalid value: "1": default value 3 is greater than max '
          "value 1"]),
        (rq({"pods": "10", "requests.cpu": "4", "count/deployments.apps": "2"}), []),
        (rq({"pods": "-1", "foo": "1"}),
         ['spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
          'spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully '
          "qualified",
          'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota']),
        (rq({"pods": "1.5"}), ['spec.hard[pods]: Invalid value: "1500m": must be an integer']),
    ],
)
def test_limit_range_and_quota(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


# --- PV / PVC -------------------------------------------------------------------------------


def pv(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv"},
            "spec": spec}


def pvc(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "c", "namespace": "d"}, "spec": spec}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (pv(capacity={"storage": "1Gi"}, accessModes=["ReadWriteOnce"],
            hostPath={"path": "/tmp"}), []),
        (pv(accessModes=["ReadWriteOnce"]),
         ["spec.capacity: Required value",
          'spec.capacity: Unsupported value: null: supported values: "storage"',
          "spec: Required value: must specify a volume type"]),
        (pvc(accessModes=["ReadWriteOnce"], resources={"requests": {"storage": "1Gi"}}), []),
        (pvc(resources={"requests": {}}),
         ["spec.accessModes: Required value: at least 1 access mode is required",
          "spec.resources[storage]: Required value"]),
        (pvc(accessModes=["Sometimes"], resources={"requests": {"storage": "0"}}),
         ['spec.accessModes: Unsupported value: "Sometimes": supported values: "ReadOnlyMany", '
          '"ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
          'spec.resources[storage]: Invalid value: "0": must be greater than zero']),
    ],
)
def test_persistent_volumes(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


# --- ReplicationController / Event ----------------------------------------------------------


def test_replication_controller() -> None:
    rc = {"apiVersion": "v1", "kind": "ReplicationController",
          "metadata": {"name": "r", "namespace": "d"},
          "spec": {"replicas": -1, "selector": {"app": "x"},
                   "template": {"metadata": {"labels": {"app": "y"}},
                                "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
    assert check(rc) == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        'spec.template.metadata.labels: Invalid value: {"app":"y"}: `selector` does not match '
        "template `labels`"]


def test_event_namespace_must_match() -> None:
    ev = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "d"},
          "involvedObject": {"namespace": "other"}}
    assert check(ev) == [
        'involvedObject.namespace: Invalid value: "other": does not match event.namespace']


def test_unknown_kind_has_no_validator() -> None:
    assert validate({"apiVersion": "example.com/v1", "kind": "Widget"}) == ErrorList()
