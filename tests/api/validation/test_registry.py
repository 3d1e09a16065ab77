"""The dispatcher the API server calls: ``validate(obj, old)`` and ``validate_status_update``.

Upstream: the REST strategies in pkg/registry/<group>/<resource>/strategy.go, and
staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go NewInvalid for the 422 body.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.defaults import apply_defaults
from k8s_internals.api.validation import (
    KINDS,
    ErrorList,
    invalid_status,
    validate,
    validate_status_update,
)
from k8s_internals.api.validation.registry import group_of


@pytest.mark.parametrize(("api_version", "group"),
                         [("v1", ""), ("apps/v1", "apps"),
                          ("rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io"),
                          ("", "")])
def test_group_of(api_version: str, group: str) -> None:
    assert group_of(api_version) == group


def test_registered_kinds() -> None:
    expected = {
        ("", "Pod"), ("", "PodTemplate"), ("", "ReplicationController"), ("", "Service"),
        ("", "Namespace"), ("", "ConfigMap"), ("", "Secret"), ("", "Node"),
        ("", "ServiceAccount"), ("", "LimitRange"), ("", "ResourceQuota"),
        ("", "PersistentVolume"), ("", "PersistentVolumeClaim"), ("", "Endpoints"),
        ("", "Event"), ("events.k8s.io", "Event"), ("apps", "Deployment"),
        ("apps", "ReplicaSet"), ("apps", "StatefulSet"),
        ("apps", "DaemonSet"), ("apps", "ControllerRevision"),
        ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "RoleBinding"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("policy", "PodDisruptionBudget"), ("batch", "Job"), ("batch", "CronJob"),
        ("coordination.k8s.io", "Lease"), ("discovery.k8s.io", "EndpointSlice"),
        ("storage.k8s.io", "StorageClass")}
    assert set(KINDS) == expected


def test_group_matters() -> None:
    # A Deployment in some other group is not apps' Deployment.
    assert validate({"apiVersion": "example.com/v1", "kind": "Deployment",
                     "spec": {"replicas": -1}}) == ErrorList()


def test_update_runs_meta_update_rules() -> None:
    old = {"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "c", "namespace": "d", "resourceVersion": "3", "uid": "u"}}
    new = copy.deepcopy(old)
    new["metadata"]["uid"] = "v"
    assert [str(e) for e in validate(new, old)] == [
        'metadata.uid: Invalid value: "v": field is immutable']


def test_status_update_fallback_is_meta_only() -> None:
    old = {"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "c", "namespace": "d", "resourceVersion": "3"}}
    new = copy.deepcopy(old)
    new["metadata"]["name"] = "other"
    assert [str(e) for e in validate_status_update(new, old)] == [
        'metadata.name: Invalid value: "other": field is immutable']


def _deployment(**spec: Any) -> dict[str, Any]:
    d = {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "web", "namespace": "default"},
         "spec": {"selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}},
                               "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
                  **spec}}
    apply_defaults(d)
    return d


def test_status_body_for_the_api_server() -> None:
    errs = validate(_deployment(replicas=-1, revisionHistoryLimit=-2))
    status = invalid_status("apps", "Deployment", "web", errs)
    assert status["code"] == 422
    assert status["reason"] == "Invalid"
    assert status["message"] == (
        'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater '
        "than or equal to 0, spec.revisionHistoryLimit: Invalid value: -2: must be greater than "
        "or equal to 0]")
    assert status["details"] == {
        "name": "web", "group": "apps", "kind": "Deployment",
        "causes": [
            {"reason": "FieldValueInvalid",
             "message": "Invalid value: -1: must be greater than or equal to 0",
             "field": "spec.replicas"},
            {"reason": "FieldValueInvalid",
             "message": "Invalid value: -2: must be greater than or equal to 0",
             "field": "spec.revisionHistoryLimit"}]}
