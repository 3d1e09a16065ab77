"""Patch metadata accessors, and agreement with the strategic-merge-patch tables of
:mod:`k8s_internals.api.patch.schema`."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.patch import schema as patch_schema
from k8s_internals.api.patch import strategic_merge_patch
from k8s_internals.api.schema import (
    as_patch_struct,
    field_type,
    find_kind,
    merge_key,
    patch_fields,
    patch_strategies,
)
from k8s_internals.api.schema.types import STRING, ListOf

from .samples import DEPLOYMENT, NODE, POD


@pytest.mark.parametrize(("kind", "path", "key", "strategies"), [
    ("Deployment", "spec.template.spec.containers", "name", ("merge",)),
    ("Deployment", "spec.template.spec.containers.ports", "containerPort", ("merge",)),
    ("Pod", "spec.containers.env", "name", ("merge",)),
    ("Pod", "spec.containers.volumeMounts", "mountPath", ("merge",)),
    ("Pod", "spec.volumes", "name", ("merge", "retainKeys")),
    ("Pod", "spec.tolerations", "", ()),
    ("Pod", "status.conditions", "type", ("merge",)),
    ("Pod", "metadata.ownerReferences", "uid", ("merge",)),
    ("Pod", "metadata.finalizers", "", ("merge",)),
    ("Service", "spec.ports", "port", ("merge",)),
    ("Node", "spec.podCIDRs", "", ("merge",)),
    ("Node", "spec.taints", "", ()),
    ("Node", "status.addresses", "type", ("merge",)),
    ("Deployment", "spec.strategy", "", ("retainKeys",)),
    ("StatefulSet", "spec.volumeClaimTemplates", "", ()),
    ("ServiceAccount", "secrets", "name", ("merge",)),
])
def test_accessors(kind: str, path: str, key: str, strategies: tuple[str, ...]) -> None:
    assert merge_key(kind, path) == key
    assert patch_strategies(kind, path) == strategies


def test_field_type() -> None:
    assert field_type("Pod", "spec.containers.image") == STRING
    assert field_type("Pod", ["spec", "containers", "name"]) == STRING
    assert isinstance(field_type("Pod", "spec.containers"), ListOf)
    assert field_type("Pod", "spec.nope") is None
    assert field_type("Pod", "metadata.labels.app") is None  # a map value is not a struct
    assert find_kind("Deployment", "apps/v1") is find_kind("Deployment")
    with pytest.raises(KeyError):
        merge_key("Widget", "spec")


def _tagged(struct: patch_schema.Struct, path: str = "",
            out: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {} if out is None else out
    for key, f in struct.fields.items():
        p = f"{path}.{key}" if path else key
        if f.strategies:
            out[p] = (f.strategies, f.merge_key)
        if f.schema is not None:
            _tagged(f.schema, p, out)
    return out


@pytest.mark.parametrize("kind", sorted(k for k in patch_schema.KINDS if find_kind(k)))
def test_agrees_with_the_patch_tables(kind: str) -> None:
    """Every field the patch package tags is tagged the same here. (Its tables stop early in
    places: here the tags inside e.g. an ephemeral volume's claim template are listed too.)"""
    theirs = _tagged(patch_schema.KINDS[kind])
    mine = patch_fields(kind)
    for path, tags in theirs.items():
        assert mine.get(path) == tags, path
    extra = {p for p in mine if p not in theirs}
    assert all(".ephemeral.volumeClaimTemplate." in p or "volumeClaimTemplates." in p
               for p in extra), extra


@pytest.mark.parametrize(("obj", "patch"), [
    (DEPLOYMENT, {"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "web"}, {"name": "sidecar"}],
        "containers": [{"name": "web", "env": [{"name": "MODE", "$patch": "delete"}]},
                       {"name": "sidecar", "image": "envoy"}],
        "volumes": [{"name": "data", "emptyDir": None, "hostPath": {"path": "/x"},
                     "$retainKeys": ["hostPath", "name"]}]}},
        "strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
    (POD, {"metadata": {"finalizers": ["a/b"]}, "status": {"conditions": [
        {"type": "Ready", "status": "False"}]}}),
    (NODE, {"spec": {"podCIDRs": ["10.244.9.0/24"]}, "status": {"addresses": [
        {"type": "ExternalIP", "address": "1.2.3.4"}]}}),
])
def test_as_patch_struct_patches_like_the_tables(obj: dict[str, Any],
                                                 patch: dict[str, Any]) -> None:
    kind = obj["kind"]
    expected = strategic_merge_patch(copy.deepcopy(obj), copy.deepcopy(patch), kind)
    got = strategic_merge_patch(copy.deepcopy(obj), copy.deepcopy(patch), as_patch_struct(kind))
    assert got == expected
