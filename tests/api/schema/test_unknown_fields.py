"""Strict decoding: unknown and duplicate fields, in sigs.k8s.io/json's words and order.

The messages are the ones a real API server sends, e.g. (kubernetes/website#52675)
``Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown
field "spec.template.spec.initContainers[0].restartPolicy"``."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from k8s_internals.api.schema import (
    kind_struct,
    strict_decoding_error,
    strict_errors,
    unknown_fields,
)
from k8s_internals.api.schema.strict import MAX_STRICT_ERRORS

from .samples import ALL, DEPLOYMENT, NODE, POD, RBAC, SERVICE


def deployment(**spec: Any) -> dict[str, Any]:
    d = copy.deepcopy(DEPLOYMENT)
    d["spec"].update(spec)
    return d


def test_samples_have_no_unknown_fields() -> None:
    for obj in ALL:
        assert unknown_fields(obj) == [], obj["kind"]
        assert strict_errors(json.dumps(obj)) == [], obj["kind"]


@pytest.mark.parametrize("obj", [DEPLOYMENT, POD, SERVICE, NODE, *RBAC],
                         ids=lambda o: o["kind"])
def test_named_samples(obj: dict[str, Any]) -> None:
    assert unknown_fields(obj) == []


CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("top level", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"},
                   "spec": {"x": 1}}, ["spec"]),
    ("metadata", {"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "a", "label": {"a": "b"}}}, ["metadata.label"]),
    ("nested struct", {"apiVersion": "apps/v1", "kind": "Deployment",
                       "spec": {"foo": 1, "strategy": {"rollingUpdate": {"maxSurge": 1,
                                                                         "maxSurges": 2}}}},
     ["spec.foo", "spec.strategy.rollingUpdate.maxSurges"]),
    ("list index", {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [
        {"name": "a", "image": "x"}, {"name": "b", "imagee": "y"}]}},
     ["spec.containers[1].imagee"]),
    ("nested lists", {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [
        {"name": "a", "ports": [{"containerPort": 80}, {"containerPort": 81, "hostport": 1}],
         "env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k",
                                                              "optionl": True}}}]}]}},
     ["spec.containers[0].ports[1].hostport",
      "spec.containers[0].env[0].valueFrom.secretKeyRef.optionl"]),
    ("deep template", {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {
        "template": {"metadata": {"containers": []}, "spec": {
            "initContainers": [{"name": "i", "restartPolicy": "Always", "bogus": 1}],
            "volumes": [{"name": "v", "emptyDir": {"size": "1Gi"}}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "k", "operator": "In", "value": ["x"]}]}]}}}}}}},
     ["spec.template.metadata.containers", "spec.template.spec.initContainers[0].bogus",
      "spec.template.spec.volumes[0].emptyDir.size",
      "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
      ".nodeSelectorTerms[0].matchExpressions[0].value"]),
    ("maps take any key", {"apiVersion": "v1", "kind": "Pod", "metadata": {
        "labels": {"anything/at-all": "x"}, "annotations": {"a.b/c": "{\"json\": 1}"}},
        "spec": {"nodeSelector": {"x": "y"}, "containers": [{"name": "a", "resources": {
            "limits": {"nvidia.com/gpu": "1", "hugepages-2Mi": "2Mi"}}}]}}, []),
    ("configmap data keys", {"apiVersion": "v1", "kind": "ConfigMap",
                             "data": {"spec": "x", "metadata": "y"}}, []),
    ("free-form RawExtension", {"apiVersion": "apps/v1", "kind": "ControllerRevision",
                                "revision": 1, "data": {"whatever": {"nested": [{"x": 1}]}}},
     []),
    ("free-form fieldsV1", {"apiVersion": "v1", "kind": "Secret", "metadata": {
        "managedFields": [{"manager": "m", "fieldsV1": {"f:data": {"f:x": {}}},
                           "fieldz": 1}]}}, ["metadata.managedFields[0].fieldz"]),
    ("leaves are not walked", {"apiVersion": "v1", "kind": "Service", "spec": {"ports": [
        {"port": 80, "targetPort": {"not": "walked"}}]}}, []),
    ("unknown subtree not walked", {"apiVersion": "v1", "kind": "Pod",
                                    "specs": {"containers": [{"nope": 1}]}}, ["specs"]),
    ("case sensitive", {"apiVersion": "v1", "kind": "Pod", "Metadata": {},
                        "spec": {"Containers": []}}, ["Metadata", "spec.Containers"]),
    ("wrong JSON type is not an unknown field", {"apiVersion": "v1", "kind": "Pod",
                                                 "spec": "oops", "status": [1]}, []),
    ("status and conditions", {"apiVersion": "v1", "kind": "Node", "status": {
        "conditions": [{"type": "Ready", "status": "True", "lastHeartBeatTime": "x"}],
        "daemonEndpoints": {"kubeletEndpoint": {"port": 10250}}}},
     ["status.conditions[0].lastHeartBeatTime", "status.daemonEndpoints.kubeletEndpoint.port"]),
    ("rbac", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
              "rules": [{"verbs": ["get"], "resource": ["pods"]}]}, ["rules[0].resource"]),
    ("statefulset claim template", {"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {
        "volumeClaimTemplates": [{"metadata": {"name": "d"}, "spec": {"storage": "1Gi"}}],
        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete", "whenScale": "x"}}},
     ["spec.volumeClaimTemplates[0].spec.storage",
      "spec.persistentVolumeClaimRetentionPolicy.whenScale"]),
    ("custom resource: nothing known", {"apiVersion": "example.com/v1", "kind": "Widget",
                                        "spec": {"anything": 1}}, []),
    ("unknown version of a known kind", {"apiVersion": "apps/v1beta1", "kind": "Deployment",
                                         "spec": {"anything": 1}}, []),
]


@pytest.mark.parametrize(("name", "obj", "expected"), CASES, ids=[c[0] for c in CASES])
def test_unknown_fields(name: str, obj: dict[str, Any], expected: list[str]) -> None:
    assert unknown_fields(obj) == expected


def test_document_order_and_sorted_order() -> None:
    obj = deployment(zeta=1, alpha=2)
    obj["metadata"]["zz"] = 1
    obj["aa"] = 1
    assert unknown_fields(obj) == ["metadata.zz", "spec.zeta", "spec.alpha", "aa"]
    # a YAML body reaches the decoder as JSON with sorted keys
    assert unknown_fields(obj, sort_keys=True) == ["aa", "metadata.zz", "spec.alpha",
                                                   "spec.zeta"]


def test_explicit_schema() -> None:
    scale = kind_struct("autoscaling/v1", "Scale")
    assert scale is not None
    assert unknown_fields({"spec": {"replica": 3}}, scale) == ["spec.replica"]


def test_strict_errors_messages_and_duplicates() -> None:
    body = ('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b",'
            '"labels":{"x":"1","x":"2"}},"spec":{"containers":[{"name":"c","imagee":"i",'
            '"imagee":"j"}],"foo":1}}')
    assert strict_errors(body) == [
        'duplicate field "metadata.name"',
        'duplicate field "metadata.labels.x"',
        'unknown field "spec.containers[0].imagee"',
        'unknown field "spec.foo"',
    ]


def test_duplicates_in_free_form_and_unknown_kinds() -> None:
    body = ('{"apiVersion":"apps/v1","kind":"ControllerRevision","revision":1,'
            '"data":{"a":{"b":1,"b":2}}}')
    assert strict_errors(body) == ['duplicate field "data.a.b"']
    assert strict_errors('{"apiVersion":"x/v1","kind":"W","a":1,"a":2}') == [
        'duplicate field "a"']


def test_strict_errors_of_yaml_are_sorted() -> None:
    body = "apiVersion: v1\nkind: Pod\nspec:\n  zz: 1\n  aa: 2\n"
    assert strict_errors(body) == ['unknown field "spec.aa"', 'unknown field "spec.zz"']
    assert strict_errors(body.encode()) == ['unknown field "spec.aa"',
                                            'unknown field "spec.zz"']


def test_errors_are_capped_at_100() -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", **{f"f{i}": i for i in range(150)}}
    assert len(unknown_fields(obj)) == MAX_STRICT_ERRORS
    assert unknown_fields(obj)[-1] == "f99"


def test_quoting_like_go() -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", 'we"ird\n': 1}
    assert strict_errors(obj) == ['unknown field "we\\"ird\\n"']


def test_strict_decoding_error_text() -> None:
    errors = strict_errors(deployment(foo=1, replica=2))
    assert strict_decoding_error("Deployment", "v1", errors) == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'unknown field "spec.foo", unknown field "spec.replica"')
