"""The schema registry: every served kind is described, every reference resolves, and the
descriptions agree with what upstream's types say about a few well-known fields."""

from __future__ import annotations

import pytest

from k8s_internals.api.resources import RESOURCES
from k8s_internals.api.schema import SCHEMAS, kind_struct
from k8s_internals.api.schema.types import (
    INT32,
    INT64,
    INT_OR_STRING,
    QUANTITY,
    RAW_EXTENSION,
    Leaf,
    ListOf,
    MapOf,
    Ref,
    walk_refs,
)


@pytest.mark.parametrize("info", RESOURCES, ids=lambda r: f"{r.plural}.{r.group}")
def test_every_served_kind_has_a_schema(info) -> None:  # type: ignore[no-untyped-def]
    s = kind_struct(info.api_version, info.kind)
    assert s is not None
    assert s.gvk == (info.group, info.version, info.kind)
    assert {"apiVersion", "kind", "metadata"} <= set(s.fields)
    if "list" in info.verbs:
        lst = kind_struct(info.api_version, info.list_kind_name)
        assert lst is not None and lst.required == ("items",)
    for sub in info.subresources:
        api_version = f"{sub.group}/{sub.version}" if sub.version else info.api_version
        assert kind_struct(api_version, sub.kind) is not None, sub


def test_every_reference_resolves() -> None:
    components = {leaf.component for leaf in (INT_OR_STRING, QUANTITY, RAW_EXTENSION)}
    for s in SCHEMAS.values():
        for t in s.fields.values():
            for name in walk_refs(t):
                assert name in SCHEMAS or name.startswith("io.k8s.apimachinery."), (s, name)
        for r in s.required:
            assert r in s.fields, (s, r)
    assert components


def test_size() -> None:
    # about 300 upstream structs: kinds, their lists and every struct below them
    assert len(SCHEMAS) > 280


def _field(struct: str, name: str):  # type: ignore[no-untyped-def]
    return SCHEMAS[struct].fields[name]


def test_well_known_fields() -> None:
    core = "io.k8s.api.core.v1."
    containers = _field(core + "PodSpec", "containers")
    assert isinstance(containers, ListOf)
    assert (containers.strategy, containers.merge_key, containers.list_type,
            containers.map_keys) == ("merge", "name", "map", ("name",))
    ports = _field(core + "Container", "ports")
    assert isinstance(ports, ListOf) and ports.map_keys == ("containerPort", "protocol")
    volumes = _field(core + "PodSpec", "volumes")
    assert isinstance(volumes, ListOf) and volumes.strategy == "merge,retainKeys"
    assert _field(core + "ServicePort", "targetPort") == INT_OR_STRING
    assert _field(core + "ServicePort", "port") == INT32
    assert _field(core + "PodSpec", "terminationGracePeriodSeconds") == INT64
    assert _field(core + "ResourceRequirements", "limits") == MapOf(QUANTITY)
    assert _field("io.k8s.api.apps.v1.ControllerRevision", "data") == RAW_EXTENSION
    strategy = _field("io.k8s.api.apps.v1.DeploymentSpec", "strategy")
    assert isinstance(strategy, Ref) and strategy.strategy == "retainKeys"
    policy = _field(core + "Container", "imagePullPolicy")
    assert isinstance(policy, Leaf) and policy.enum == ("Always", "IfNotPresent", "Never")
    assert SCHEMAS[core + "Container"].required == ("name",)
    assert SCHEMAS["io.k8s.api.apps.v1.StatefulSetSpec"].required == (
        "selector", "serviceName", "template")
    assert SCHEMAS["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"].atomic


def test_against_the_python_client_models() -> None:
    """Field names against the ``kubernetes`` client's models, when it is installed (the
    models are generated from upstream's OpenAPI)."""
    models = pytest.importorskip("kubernetes.client.models")
    prefixes = ("V1", "CoreV1", "DiscoveryV1", "RbacV1", "AuthenticationV1")
    checked = 0
    for s in SCHEMAS.values():
        if not s.name.startswith("io.k8s.api."):
            continue
        group = s.name.split(".")[3]
        candidates = [getattr(models, p + s.short, None) for p in prefixes]
        candidates += [getattr(models, group.capitalize() + "V1" + s.short, None)]
        for cls in candidates:
            if cls is None:
                continue
            fields = set(cls.attribute_map.values())
            if fields == set(s.fields):
                checked += 1
                break
        else:
            if any(candidates):
                pytest.fail(f"{s.name}: fields differ from the client model")
    assert checked > 200
