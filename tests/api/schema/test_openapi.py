"""The /openapi/v3 documents: valid OpenAPI 3.0, every reference resolves, and what kubectl
looks for is there (the PATCH ``fieldValidation`` parameter, the strategic-merge media type, the
kind's schema by ``x-kubernetes-group-version-kind``, the patch extensions)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from k8s_internals.api.resources import RESOURCES, group_versions
from k8s_internals.api.schema import (
    gv_path,
    openapi_v3,
    openapi_v3_bytes,
    openapi_v3_hash,
    openapi_v3_index,
)

GVS = group_versions()
METHODS = ("get", "put", "post", "delete", "patch")


def _refs(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                out.append(v)
            else:
                out.extend(_refs(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_refs(v))
    return out


def _check_schema(schema: dict[str, Any], where: str) -> None:
    assert isinstance(schema, dict), where
    keys = set(schema)
    assert keys & {"type", "$ref", "allOf", "oneOf"}, where
    if schema.get("type") == "array":
        _check_schema(schema["items"], where + "[]")
    if schema.get("type") == "object":
        for name, prop in schema.get("properties", {}).items():
            _check_schema(prop, f"{where}.{name}")
        if "additionalProperties" in schema:
            _check_schema(schema["additionalProperties"], where + "{}")
        for r in schema.get("required", []):
            assert r in schema.get("properties", {}), (where, r)


@pytest.mark.parametrize(("group", "version"), GVS, ids=[gv_path(*gv) for gv in GVS])
def test_document_structure(group: str, version: str) -> None:
    doc = openapi_v3(group, version)
    assert doc["openapi"] == "3.0.0"
    assert doc["info"] == {"title": "Kubernetes", "version": "unversioned"}
    schemas = doc["components"]["schemas"]
    for name, schema in schemas.items():
        _check_schema(schema, name)
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    op_ids: set[str] = set()
    for path, item in doc["paths"].items():
        assert path.startswith("/api/v1" if not group else f"/apis/{group}/{version}")
        params = [p["name"] for p in item.get("parameters", [])]
        for placeholder in ("name", "namespace"):
            if "{" + placeholder + "}" in path:
                assert placeholder in params, path
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            assert op["operationId"] not in op_ids
            op_ids.add(op["operationId"])
            assert op["responses"] and "200" in op["responses"]
            if path != f"{'/api/v1' if not group else f'/apis/{group}/{version}'}/":
                assert op["x-kubernetes-action"] in (
                    "get", "list", "post", "put", "patch", "delete", "deletecollection")
                assert set(op["x-kubernetes-group-version-kind"]) == {"group", "version",
                                                                      "kind"}
            for p in op.get("parameters", []):
                assert p["in"] in ("query", "path") and p["schema"]["type"]


@pytest.mark.parametrize(("group", "version"), GVS, ids=[gv_path(*gv) for gv in GVS])
def test_openapi_spec_validator(group: str, version: str) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(openapi_v3(group, version))


def _patch_ops(doc: dict[str, Any], gvk: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, item["patch"]) for path, item in doc["paths"].items()
            if "patch" in item and item["patch"]["x-kubernetes-group-version-kind"] == gvk]


@pytest.mark.parametrize("info", [r for r in RESOURCES if "patch" in r.verbs],
                         ids=lambda r: f"{r.plural}.{r.group}")
def test_kubectl_finds_field_validation(info) -> None:  # type: ignore[no-untyped-def]
    """``supportsQueryParamV3``: the first PATCH operation (in any order) whose GVK is the
    kind's must list ``fieldValidation`` in the query; ``gvkSupportsPatchOpenAPIV3``: it must
    accept strategic merge patches."""
    doc = openapi_v3(info.group, info.version)
    gvk = {"group": info.group, "version": info.version, "kind": info.kind}
    ops = _patch_ops(doc, gvk)
    assert ops
    for path, op in ops:
        names = [(p["name"], p["in"]) for p in op["parameters"]]
        assert ("fieldValidation", "query") in names, path
        assert "application/strategic-merge-patch+json" in op["requestBody"]["content"]
        assert op["x-kubernetes-action"] == "patch"
    name_path = f"{'/api/v1' if not info.group else f'/apis/{info.group}/{info.version}'}" \
        f"{'/namespaces/{namespace}' if info.namespaced else ''}/{info.plural}/{{name}}"
    assert name_path in [p for p, _ in ops]


@pytest.mark.parametrize("info", RESOURCES, ids=lambda r: f"{r.plural}.{r.group}")
def test_kind_schema_found_by_gvk(info) -> None:  # type: ignore[no-untyped-def]
    doc = openapi_v3(info.group, info.version)
    gvk = {"group": info.group, "version": info.version, "kind": info.kind}
    found = [name for name, s in doc["components"]["schemas"].items()
             if gvk in s.get("x-kubernetes-group-version-kind", [])]
    assert len(found) == 1
    assert found[0].endswith("." + info.kind)


def test_upstream_names_and_extensions() -> None:
    doc = openapi_v3("", "v1")
    schemas = doc["components"]["schemas"]
    pod_spec = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]
    assert pod_spec["containers"] == {
        "type": "array", "items": {"$ref": "#/components/schemas/io.k8s.api.core.v1.Container"},
        "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}
    assert pod_spec["volumes"]["x-kubernetes-patch-strategy"] == "merge,retainKeys"
    assert schemas["io.k8s.api.core.v1.ServicePort"]["properties"]["targetPort"] == {
        "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString"}
    ios = schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
    assert ios["format"] == "int-or-string" and ios["x-kubernetes-int-or-string"] is True
    assert schemas["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"] == [
        {"group": "", "kind": "Pod", "version": "v1"}]
    assert schemas["io.k8s.api.core.v1.Pod"]["properties"]["metadata"] == {
        "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
    assert schemas["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"][
        "x-kubernetes-map-type"] == "atomic"
    ops = doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]
    assert ops["patch"]["operationId"] == "patchCoreV1NamespacedPod"
    assert doc["paths"]["/api/v1/pods"]["get"]["operationId"] == \
        "listCoreV1PodForAllNamespaces"
    evict = doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]["post"]
    assert evict["x-kubernetes-group-version-kind"] == {"group": "policy", "kind": "Eviction",
                                                        "version": "v1"}
    assert "io.k8s.api.policy.v1.Eviction" in schemas
    apps = openapi_v3("apps", "v1")
    scale = apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]
    assert scale["patch"]["operationId"] == "patchAppsV1NamespacedDeploymentScale"
    strategy = apps["components"]["schemas"]["io.k8s.api.apps.v1.DeploymentSpec"][
        "properties"]["strategy"]
    assert strategy == {"allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1."
                                            "DeploymentStrategy"}],
                        "x-kubernetes-patch-strategy": "retainKeys"}
    rbac = openapi_v3("rbac.authorization.k8s.io", "v1")
    assert "/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}" in rbac["paths"]
    assert rbac["paths"]["/apis/rbac.authorization.k8s.io/v1/clusterroles"]["delete"][
        "operationId"] == "deleteRbacAuthorizationV1CollectionClusterRole"


def test_only_served_verbs() -> None:
    doc = openapi_v3("authorization.k8s.io", "v1")
    ssar = doc["paths"]["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]
    assert set(ssar) - {"parameters"} == {"post"}
    core = openapi_v3("", "v1")
    cs = core["paths"]["/api/v1/componentstatuses/{name}"]
    assert set(cs) - {"parameters"} == {"get"}
    assert "delete" not in core["paths"]["/api/v1/namespaces"]  # no deletecollection


def test_index_hashes_and_stability() -> None:
    index = openapi_v3_index()
    assert list(index) == ["paths"]
    assert set(index["paths"]) == {gv_path(*gv) for gv in GVS}
    for g, v in GVS:
        raw = openapi_v3_bytes(g, v)
        digest = hashlib.sha512(raw).hexdigest().upper()
        assert openapi_v3_hash(g, v) == digest
        assert index["paths"][gv_path(g, v)] == {
            "serverRelativeURL": f"/openapi/v3/{gv_path(g, v)}?hash={digest}"}
        assert json.loads(raw) == openapi_v3(g, v)
        assert raw == json.dumps(json.loads(raw), sort_keys=True,
                                 separators=(",", ":")).encode()
    assert openapi_v3_index() == index


def test_unknown_group_version() -> None:
    with pytest.raises(KeyError):
        openapi_v3("networking.k8s.io", "v1")
