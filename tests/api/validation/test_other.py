"""coordination.k8s.io Lease, discovery.k8s.io EndpointSlice, storage.k8s.io StorageClass.

Upstream: pkg/apis/coordination/validation/validation.go, pkg/apis/discovery/validation/
validation.go, pkg/apis/storage/validation/validation.go (and their *_test.go).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.defaults import apply_defaults
from k8s_internals.api.validation import validate

DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")


def check(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    obj = copy.deepcopy(obj)
    apply_defaults(obj)
    return [str(e) for e in validate(obj, old)]


def lease(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "l", "namespace": "kube-node-lease"}, "spec": spec}


def slice_(**kw: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                           "metadata": {"name": "e", "namespace": "d"}, "addressType": "IPv4",
                           "endpoints": [{"addresses": ["10.0.0.1"]}],
                           "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}
    obj.update(kw)
    return obj


def sc(**kw: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                           "metadata": {"name": "standard"},
                           "provisioner": "kubernetes.io/no-provisioner"}
    obj.update(kw)
    return obj


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (lease(holderIdentity="node-1", leaseDurationSeconds=40), []),
        (lease(holderIdentity="x", leaseDurationSeconds=0, leaseTransitions=-1),
         ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
          "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]),
        (lease(strategy="Foo"),
         ['spec.strategy.strategy: Unsupported value: "Foo": supported values: '
          '"OldestEmulationVersion"']),
        (lease(preferredHolder="x"),
         ["spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"]),
    ],
)
def test_lease(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (slice_(), []),
        (slice_(addressType="IPv5", endpoints=[{"addresses": []}], ports=[]),
         ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
          "endpoints[0].addresses: Required value: must contain at least 1 address"]),
        (slice_(endpoints=[{"addresses": ["abc"]}], ports=[{"name": "Bad_Name", "port": 0}]),
         ['endpoints[0].addresses[0]: Invalid value: "abc": must be a valid IPv4 address',
          'endpoints[0].addresses[0]: Invalid value: "abc": must be a valid IP address',
          f'ports[0].name: Invalid value: "Bad_Name": {DNS1123_LABEL_MSG}']),
        (slice_(ports=[{"name": "http", "port": 80}, {"name": "http", "port": 81}]),
         ['ports[1].name: Duplicate value: "http"']),
        (slice_(addressType="FQDN", endpoints=[{"addresses": ["Bad_fqdn"]}]),
         [f'endpoints[0].addresses[0]: Invalid value: "Bad_fqdn": {DNS1123_SUBDOMAIN_MSG}']),
        (slice_(endpoints=[{"addresses": ["10.0.0.1"], "nodeName": "Bad_Node"}]),
         [f'endpoints[0].nodeName: Invalid value: "Bad_Node": {DNS1123_SUBDOMAIN_MSG}']),
    ],
)
def test_endpoint_slice(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


def test_endpoint_slice_address_type_immutable() -> None:
    old = slice_()
    apply_defaults(old)
    old["metadata"]["resourceVersion"] = "1"
    new = copy.deepcopy(old)
    new["addressType"] = "IPv6"
    new["endpoints"] = [{"addresses": ["::1"]}]
    assert 'addressType: Invalid value: "IPv6": field is immutable' in check(new, old)


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (sc(), []),
        (sc(provisioner="", reclaimPolicy="Keep", volumeBindingMode="Later"),
         ["provisioner: Required value",
          'reclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Retain"',
          'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", '
          '"WaitForFirstConsumer"']),
        # upstream quirk: the "seen" list starts with one nil map per term
        (sc(allowedTopologies=[{"matchLabelExpressions": []}]),
         ['allowedTopologies[0].matchLabelExpressions: Duplicate value: ""']),
        (sc(allowedTopologies=[
            {"matchLabelExpressions": [{"key": "zone", "values": ["a"]}]},
            {"matchLabelExpressions": [{"key": "zone", "values": ["a"]}]}]),
         ['allowedTopologies[1].matchLabelExpressions: Duplicate value: ""']),
    ],
)
def test_storage_class(obj: dict[str, Any], expected: list[str]) -> None:
    assert check(obj) == expected


def test_storage_class_update() -> None:
    old = sc(provisioner="a.io/x", parameters={"k": "v"})
    apply_defaults(old)
    old["metadata"]["resourceVersion"] = "1"
    new = copy.deepcopy(old)
    new["provisioner"] = "b.io/y"
    new["parameters"] = {"k": "w"}
    assert check(new, old) == ["parameters: Forbidden: updates to parameters are forbidden.",
                               "provisioner: Forbidden: updates to provisioner are forbidden."]
