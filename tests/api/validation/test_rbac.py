"""rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

Upstream: pkg/apis/rbac/validation/validation.go and validation_test.go.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.defaults import apply_defaults
from k8s_internals.api.validation import invalid_message, validate

RBAC = "rbac.authorization.k8s.io/v1"


def check(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    obj = copy.deepcopy(obj)
    apply_defaults(obj)
    if old is not None:
        old = copy.deepcopy(old)
        apply_defaults(old)
    return [str(e) for e in validate(obj, old)]


def role(*rules: dict[str, Any], kind: str = "Role", name: str = "r") -> dict[str, Any]:
    meta = {"name": name} if kind == "ClusterRole" else {"name": name, "namespace": "d"}
    return {"apiVersion": RBAC, "kind": kind, "metadata": meta, "rules": list(rules)}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (role({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}), []),
        (role({"apiGroups": [""], "resources": ["pods"]}),
         ["rules[0].verbs: Required value: verbs must contain at least one value"]),
        (role({"verbs": ["get"], "resources": ["pods"]}),
         ["rules[0].apiGroups: Required value: resource rules must supply at least one api "
          "group"]),
        (role({"verbs": ["get"], "nonResourceURLs": ["/healthz"]}),
         ['rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply '
          "to non-resource URLs"]),
        (role({"verbs": ["get"], "nonResourceURLs": ["/healthz"]}, kind="ClusterRole"), []),
        (role({"verbs": ["get"], "nonResourceURLs": ["/healthz"], "resources": ["pods"],
               "apiGroups": [""]}, kind="ClusterRole"),
         ['rules[0].nonResourceURLs: Invalid value: ["/healthz"]: rules cannot apply to both '
          "regular resources and non-resource URLs"]),
        (role({"verbs": ["get"]}, kind="ClusterRole"),
         ["rules[0].apiGroups: Required value: resource rules must supply at least one api group",
          "rules[0].resources: Required value: resource rules must supply at least one "
          "resource"]),
        (role(name="a/b"), ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]),
        (role(name="system:controller:x"), []),  # ValidatePathSegmentName allows ':'
    ],
)
def test_roles(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


def binding(kind: str = "RoleBinding", **kw: Any) -> dict[str, Any]:
    meta = {"name": "b"} if kind == "ClusterRoleBinding" else {"name": "b", "namespace": "d"}
    obj: dict[str, Any] = {
        "apiVersion": RBAC, "kind": kind, "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
        "subjects": [{"kind": "User", "name": "alice"}]}
    obj.update(kw)
    return obj


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (binding(), []),
        (binding(roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "Foo", "name": ""}),
         ['roleRef.kind: Unsupported value: "Foo": supported values: "Role", "ClusterRole"',
          "roleRef.name: Required value"]),
        (binding(roleRef={"apiGroup": "other", "kind": "Role", "name": "r"}),
         ['roleRef.apiGroup: Unsupported value: "other": supported values: '
          '"rbac.authorization.k8s.io"']),
        (binding(subjects=[{"kind": "ServiceAccount", "name": "sa"},
                           {"kind": "Group", "name": ""},
                           {"kind": "Robot", "name": "r"},
                           {"kind": "ServiceAccount", "name": "Bad_sa", "namespace": "d",
                            "apiGroup": "x"}]),
         ["subjects[1].name: Required value",
          'subjects[1].name: Invalid value: "": group name cannot be empty',
          'subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", '
          '"User", "Group"',
          "subjects[3].name: Invalid value: \"Bad_sa\": a lowercase RFC 1123 subdomain must "
          "consist of lower case alphanumeric characters, '-' or '.', and must start and end "
          "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
          'subjects[3].apiGroup: Unsupported value: "x": supported values: ""']),
        (binding("ClusterRoleBinding"),
         ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"']),
        (binding("ClusterRoleBinding", subjects=[{"kind": "ServiceAccount", "name": "sa"}],
                 roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                          "name": "view"}),
         ["subjects[0].namespace: Required value"]),
    ],
)
def test_bindings(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


def test_role_ref_immutable() -> None:
    old = binding()
    old["metadata"]["resourceVersion"] = "1"
    new = copy.deepcopy(old)
    new["roleRef"]["name"] = "r2"
    errs = check(new, old)
    assert errs == ['roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io",'
                    '"Kind":"Role","Name":"r2"}: cannot change roleRef']
    obj = copy.deepcopy(new)
    apply_defaults(obj)
    assert invalid_message("rbac.authorization.k8s.io", "RoleBinding", "b",
                           validate(obj, old)).startswith(
        'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: ')


def test_subjects_may_change() -> None:
    old = binding()
    old["metadata"]["resourceVersion"] = "1"
    new = copy.deepcopy(old)
    new["subjects"].append({"kind": "Group", "name": "devs"})
    assert check(new, old) == []
