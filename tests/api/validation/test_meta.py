"""``ObjectMeta``, labels, annotations and label selectors.

Upstream: staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta_test.go,
staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation_test.go,
pkg/apis/core/validation/validation_test.go (TestValidateObjectMetaFinalizers...).
"""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.validation.field import Path
from k8s_internals.api.validation.meta import (
    label_selector_as_selector,
    validate_annotations,
    validate_immutable_field,
    validate_kube_object_meta,
    validate_kube_object_meta_update,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from k8s_internals.api.validation.names import name_is_dns_label, name_is_dns_subdomain

META = Path("metadata")
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_KEY_MSG = (
    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')")
NAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def msgs(errs: list[Any]) -> list[str]:
    return [str(e) for e in errs]


# --- ValidateObjectMeta -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "namespaced", "expected"),
    [
        ({"name": "web", "namespace": "default"}, True, []),
        ({"name": "node-1"}, False, []),
        ({"generateName": "web-", "name": "web-x7k2p", "namespace": "ns"}, True, []),
        ({"namespace": "ns"}, True,
         ["metadata.name: Required value: name or generateName is required"]),
        ({"generateName": "web-", "namespace": "ns"}, True,
         ["metadata.name: Required value: name or generateName is required"]),
        ({"name": "Foo_Bar", "namespace": "ns"}, True,
         [f'metadata.name: Invalid value: "Foo_Bar": {DNS1123_SUBDOMAIN_MSG}']),
        ({"name": "web"}, True, ["metadata.namespace: Required value"]),
        ({"name": "node-1", "namespace": "default"}, False,
         ["metadata.namespace: Forbidden: not allowed on this type"]),
        ({"name": "web", "namespace": "Bad_NS"}, True,
         ['metadata.namespace: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist '
          "of lower case alphanumeric characters or '-', and must start and end with an "
          "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]),
        ({"generateName": "Bad_", "name": "x", "namespace": "ns"}, True,
         [f'metadata.generateName: Invalid value: "Bad_": {DNS1123_SUBDOMAIN_MSG}']),
        ({"name": "web", "namespace": "ns", "generation": -1}, True,
         ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"]),
    ],
)
def test_validate_object_meta(meta: dict[str, Any], namespaced: bool,
                              expected: list[str]) -> None:
    assert msgs(validate_object_meta(meta, namespaced, name_is_dns_subdomain, META)) == expected


def test_name_fn_is_per_resource() -> None:
    meta = {"name": "a.b", "namespace": "ns"}
    assert validate_object_meta(meta, True, name_is_dns_subdomain, META) == []
    assert msgs(validate_object_meta(meta, True, name_is_dns_label, META)) == [
        'metadata.name: Invalid value: "a.b": must not contain dots']


# --- labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"app": "web", "app.kubernetes.io/name": "x", "empty": "", "a" * 63: "b" * 63}, []),
        ({"nospecialchars^=@": "bar"}, [
            f'metadata.labels: Invalid value: "nospecialchars^=@": {NAME_PART_MSG}']),
        ({"only/one/slash": "bar"},
         [f'metadata.labels: Invalid value: "only/one/slash": {LABEL_KEY_MSG}']),
        ({"Example.com/abc": "bar"},
         ['metadata.labels: Invalid value: "Example.com/abc": prefix part '
          f"{DNS1123_SUBDOMAIN_MSG}"]),
        ({"a" * 64: "bar"},
         [f'metadata.labels: Invalid value: "{"a" * 64}": name part must be no more than 63 '
          "bytes"]),
        ({"app": "-bad"}, [f'metadata.labels: Invalid value: "-bad": {LABEL_VALUE_MSG}']),
        ({"app": "b" * 64},
         [f'metadata.labels: Invalid value: "{"b" * 64}": must be no more than 63 bytes']),
    ],
)
def test_validate_labels(labels: dict[str, str], expected: list[str]) -> None:
    assert msgs(validate_labels(labels, META.child("labels"))) == expected


# --- annotations ------------------------------------------------------------------------------


def test_annotations_keys_case_insensitive() -> None:
    assert validate_annotations({"Example.COM/Key": "v", "kubectl.kubernetes.io/x": "{}"},
                                META.child("annotations")) == []
    assert msgs(validate_annotations({"a/b/c": "v"}, META.child("annotations"))) == [
        f'metadata.annotations: Invalid value: "a/b/c": {LABEL_KEY_MSG}']


def test_annotations_total_size() -> None:
    # TestValidateAnnotations: exactly the limit is fine, one byte more is "Too long".
    ok = {"a": "b" * (262144 - 1)}
    assert validate_annotations(ok, META.child("annotations")) == []
    big = {"a": "b" * 262144}
    assert msgs(validate_annotations(big, META.child("annotations"))) == [
        "metadata.annotations: Too long: may not be more than 262144 bytes"]
    errs = validate_annotations(big, META.child("annotations"))
    assert errs.causes() == [{"reason": "FieldValueTooLong",
                              "message": "Too long: may not be more than 262144 bytes",
                              "field": "metadata.annotations"}]


# --- owner references and finalizers ----------------------------------------------------------


def _owner(**kw: Any) -> dict[str, Any]:
    ref = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "1"}
    ref.update(kw)
    return ref


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        ([_owner()], []),
        ([_owner(apiVersion="")],
         ['metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty']),
        ([_owner(kind="")],
         ['metadata.ownerReferences.kind: Invalid value: "": must not be empty']),
        ([_owner(name="")],
         ['metadata.ownerReferences.name: Invalid value: "": must not be empty']),
        ([_owner(uid="")], ['metadata.ownerReferences.uid: Invalid value: "": must not be empty']),
        ([_owner(apiVersion="v1", kind="Event")],
         ['metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"rs",'
          '"uid":"1"}: /v1, Kind=Event is disallowed from being an owner']),
    ],
)
def test_owner_references(refs: list[dict[str, Any]], expected: list[str]) -> None:
    meta = {"name": "p", "namespace": "ns", "ownerReferences": refs}
    assert msgs(validate_object_meta(meta, True, name_is_dns_subdomain, META)) == expected


def test_only_one_controller() -> None:
    refs = [_owner(name="a", controller=True), _owner(name="b", uid="2", controller=True)]
    meta = {"name": "p", "namespace": "ns", "ownerReferences": refs}
    [err] = validate_object_meta(meta, True, name_is_dns_subdomain, META)
    assert err.field == "metadata.ownerReferences"
    assert err.detail == ('Only one reference can have Controller set to true. Found "true" in '
                          "references for ReplicaSet/a and ReplicaSet/b")


@pytest.mark.parametrize(
    ("finalizers", "expected"),
    [
        (["kubernetes", "orphan", "example.com/cleanup"], []),
        (["orphan", "foregroundDeletion"],
         ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan '
          "and foregroundDeletion cannot be both set"]),
        (["a/b/c"], [f'metadata.finalizers: Invalid value: "a/b/c": {LABEL_KEY_MSG}']),
        (["cleanup"], ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a '
                       "standard finalizer name nor is it fully qualified"]),
    ],
)
def test_kube_finalizers(finalizers: list[str], expected: list[str]) -> None:
    meta = {"name": "p", "namespace": "ns", "finalizers": finalizers}
    assert msgs(validate_kube_object_meta(meta, True, name_is_dns_subdomain, META)) == expected


# --- ValidateObjectMetaUpdate -----------------------------------------------------------------

OLD = {"name": "web", "namespace": "ns", "uid": "u-1", "resourceVersion": "7",
       "creationTimestamp": "2024-01-01T00:00:00Z", "generation": 2}


def _new(**kw: Any) -> dict[str, Any]:
    meta = dict(OLD)
    meta.update(kw)
    return meta


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (_new(labels={"a": "b"}), []),
        (_new(name="other"), ['metadata.name: Invalid value: "other": field is immutable']),
        (_new(namespace="other"),
         ['metadata.namespace: Invalid value: "other": field is immutable']),
        (_new(uid="u-2"), ['metadata.uid: Invalid value: "u-2": field is immutable']),
        (_new(creationTimestamp="2025-01-01T00:00:00Z"),
         ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is '
          "immutable"]),
        (_new(resourceVersion=""),
         ['metadata.resourceVersion: Invalid value: "": must be specified for an update']),
        (_new(generation=1), ["metadata.generation: Invalid value: 1: must not be decremented"]),
    ],
)
def test_validate_object_meta_update(new: dict[str, Any], expected: list[str]) -> None:
    assert msgs(validate_object_meta_update(new, OLD, META)) == expected


def test_no_new_finalizers_while_deleting() -> None:
    old = dict(OLD, deletionTimestamp="2024-02-01T00:00:00Z", finalizers=["a.io/x"])
    new = dict(old, finalizers=["a.io/x", "b.io/y"])
    assert msgs(validate_kube_object_meta_update(new, old, META)) == [
        'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being '
        'deleted, found new finalizers []string{"b.io/y"}']


def test_validate_immutable_field() -> None:
    p = Path("spec", "x")
    assert validate_immutable_field("a", "a", p) == []
    assert msgs(validate_immutable_field(3, 4, p)) == [
        "spec.x: Invalid value: 3: field is immutable"]
    assert msgs(validate_immutable_field({"k": "v"}, {}, p)) == [
        'spec.x: Invalid value: {"k":"v"}: field is immutable']


# --- label selectors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ({"matchLabels": {"app": "web"}}, []),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}, []),
        ({"matchExpressions": [{"key": "tier", "operator": "In"}]},
         ["spec.selector.matchExpressions[0].values: Required value: must be specified when "
          "`operator` is 'In' or 'NotIn'"]),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists", "values": ["a"]}]},
         ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when "
          "`operator` is 'Exists' or 'DoesNotExist'"]),
        ({"matchExpressions": [{"key": "tier", "operator": "Equals", "values": ["a"]}]},
         ['spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid '
          "selector operator"]),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["-x"]}]},
         [f'spec.selector.matchExpressions[0].values[0]: Invalid value: "-x": {LABEL_VALUE_MSG}']),
        ({"matchLabels": {"app": "-x"}},
         [f'spec.selector.matchLabels: Invalid value: "-x": {LABEL_VALUE_MSG}']),
    ],
)
def test_validate_label_selector(selector: dict[str, Any], expected: list[str]) -> None:
    assert msgs(validate_label_selector(selector, Path("spec", "selector"))) == expected


@pytest.mark.parametrize(
    ("selector", "labels", "matches"),
    [
        ({}, {"app": "x"}, True),  # empty selector: everything
        ({"matchLabels": {"app": "x"}}, {"app": "x", "tier": "fe"}, True),
        ({"matchLabels": {"app": "x"}}, {"app": "y"}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]},
         {"tier": "fe"}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["fe"]}]},
         {}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, {}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, {}, True),
    ],
)
def test_label_selector_as_selector(selector: dict[str, Any], labels: dict[str, str],
                                    matches: bool) -> None:
    sel = label_selector_as_selector(selector)
    assert sel is not None
    assert sel.matches(labels) is matches


def test_nil_selector_matches_nothing() -> None:
    sel = label_selector_as_selector(None)
    assert sel is not None
    assert sel.matches({}) is False
