"""The OpenAPI v3 documents kubectl reads from ``/openapi/v3``.

Upstream: ``k8s.io/kube-openapi/pkg/handler3/handler.go`` serves the root
``{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=<HASH>"}, ...}}``, where
``HASH`` is the upper-case hex SHA-512 of the group-version document's JSON bytes
(``computeETag``), and one document per group-version; ``api/openapi-spec/v3/*.json`` are
checked-in copies. The documents are built by ``apiserver/pkg/endpoints/openapi`` from the Go
types and the installed routes (``endpoints/installer.go``).

What kubectl needs from them:

- ``create``/``apply``/``replace`` ask whether the server validates fields
  (``cli-runtime/pkg/resource/query_param_verifier_v3.go``): the PATCH operation whose
  ``x-kubernetes-group-version-kind`` names the kind must list a ``fieldValidation`` query
  parameter, else kubectl falls back to client-side validation (OpenAPI v2, protobuf);
- client-side ``apply`` builds its strategic merge patch from the kind's schema
  (``kubectl/pkg/cmd/apply/patcher.go``, ``strategicpatch.PatchMetaFromOpenAPIV3``): the PATCH
  operation must accept ``application/strategic-merge-patch+json``, the component schema of the
  kind is found by its ``x-kubernetes-group-version-kind``, ``$ref``/``allOf`` lead to the nested
  structs, and the ``x-kubernetes-patch-strategy``/``x-kubernetes-patch-merge-key`` extensions
  on a property give the list merge rules;
- ``kubectl explain`` walks the same schemas.

Shapes follow upstream: components named ``io.k8s.api.core.v1.Pod``, ``Quantity`` as
``oneOf: [string, number]``, ``IntOrString`` as ``format: int-or-string`` with
``oneOf: [integer, string]`` (plus ``x-kubernetes-int-or-string: true``, the marker structural
CRD schemas use), ``x-kubernetes-list-type``/``x-kubernetes-list-map-keys``,
``x-kubernetes-map-type: atomic``, ``x-kubernetes-action`` on every operation, operation ids such
as ``patchAppsV1NamespacedDeployment``.

Simplifications: no descriptions on fields (kubectl explain prints the field tree and types);
no protobuf media types (this server speaks JSON and YAML); no deprecated ``/watch/`` paths;
the root lists group-version documents only (not ``api``, ``apis``, ``version``...).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from ..resources import RESOURCES, ResourceInfo, Subresource, group_versions
from .types import SCHEMAS, Leaf, ListOf, Ref, Struct, Type, walk_refs

__all__ = [
    "LEAF_COMPONENTS",
    "gv_path",
    "openapi_v3",
    "openapi_v3_bytes",
    "openapi_v3_hash",
    "openapi_v3_index",
]

_REF = "#/components/schemas/"
_JSON_YAML = ("application/json", "application/yaml")
_PATCH_TYPES = ("application/apply-patch+yaml", "application/json-patch+json",
                "application/merge-patch+json", "application/strategic-merge-patch+json")

#: the apimachinery types that are leaves on the wire, as their components read
LEAF_COMPONENTS: dict[str, dict[str, Any]] = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {
        "description": "A fixed-point number with a suffix: 100m, 1.5, 128Mi, 2Gi, 1e3. "
                       "Serialized as a string; numbers are accepted.",
        "oneOf": [{"type": "string"}, {"type": "number"}],
    },
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
        "description": "An int32 or a string, e.g. a port number or a port name, 1 or \"25%\".",
        "format": "int-or-string",
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "x-kubernetes-int-or-string": True,
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": {
        "description": "A time in RFC 3339 form, to the second: 2024-05-01T12:00:00Z.",
        "format": "date-time",
        "type": "string",
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": {
        "description": "A time in RFC 3339 form with microseconds.",
        "format": "date-time",
        "type": "string",
    },
    "io.k8s.apimachinery.pkg.runtime.RawExtension": {
        "description": "Any JSON object, stored as given (e.g. a ControllerRevision's data).",
        "type": "object",
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": {
        "description": "The set of fields a manager owns, in the FieldsV1 trie format.",
        "type": "object",
    },
}

_META = "io.k8s.apimachinery.pkg.apis.meta.v1."

# -- schemas -------------------------------------------------------------------------------------


def _type_schema(t: Type) -> dict[str, Any]:
    """The schema of a field's value."""
    if isinstance(t, Leaf):
        if t.component:
            return {"$ref": _REF + t.component}
        out: dict[str, Any] = {"type": t.type}
        if t.format:
            out["format"] = t.format
        if t.enum:
            out["enum"] = list(t.enum)
        return out
    if isinstance(t, Ref):
        if t.strategy:
            return {"allOf": [{"$ref": _REF + t.name}],
                    "x-kubernetes-patch-strategy": t.strategy}
        return {"$ref": _REF + t.name}
    if isinstance(t, ListOf):
        out = {"type": "array", "items": _type_schema(t.item)}
        if t.list_type:
            out["x-kubernetes-list-type"] = t.list_type
        if t.map_keys:
            out["x-kubernetes-list-map-keys"] = list(t.map_keys)
        if t.merge_key:
            out["x-kubernetes-patch-merge-key"] = t.merge_key
        if t.strategy:
            out["x-kubernetes-patch-strategy"] = t.strategy
        return out
    return {"type": "object", "additionalProperties": _type_schema(t.value)}


def _gvk(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "kind": kind, "version": version}


def _struct_schema(s: Struct, groups: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object"}
    if s.description:
        out["description"] = s.description
    if s.fields:
        out["properties"] = {name: _type_schema(t) for name, t in s.fields.items()}
    if s.required:
        out["required"] = list(s.required)
    if s.atomic:
        out["x-kubernetes-map-type"] = "atomic"
    if s.gvk:
        group, version, kind = s.gvk
        if s.name.startswith(_META) and kind in ("Status", "WatchEvent", "DeleteOptions"):
            out["x-kubernetes-group-version-kind"] = [_gvk(g, "v1", kind) for g in groups]
        else:
            out["x-kubernetes-group-version-kind"] = [_gvk(group, version, kind)]
    return out


def _closure(roots: list[str]) -> list[str]:
    """Every component the roots reach, sorted by name."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        s = SCHEMAS.get(name)
        if s is not None:
            for t in s.fields.values():
                todo.extend(walk_refs(t))
    return sorted(seen)


# -- operations ----------------------------------------------------------------------------------


def _param(name: str, description: str, type_: str = "string", where: str = "query",
           required: bool = False) -> dict[str, Any]:
    p: dict[str, Any] = {"description": description, "in": where, "name": name,
                         "schema": {"type": type_, "uniqueItems": True}}
    if required:
        p["required"] = True
    return p


_PRETTY = _param("pretty", "If 'true', then the output is pretty printed.")
_DRY_RUN = _param("dryRun", "When present, modifications are not persisted. Valid value: All.")
_FIELD_MANAGER = _param("fieldManager", "Name of the actor making the change (at most 128 "
                        "printable characters). Required for apply patches.")
_FIELD_VALIDATION = _param(
    "fieldValidation", "How to treat unknown or duplicate fields in the request body: Ignore "
    "drops them, Warn (the default) keeps going and answers one Warning header per field, "
    "Strict fails the request with 400 BadRequest.")
_FORCE = _param("force", "Force an apply request: take over fields owned by other managers. "
                "Must be unset for other patch types.", "boolean")
_LIST_PARAMS = [
    _param("allowWatchBookmarks", "Ask for BOOKMARK events on a watch.", "boolean"),
    _param("continue", "The continue token of the previous page of a chunked list."),
    _param("fieldSelector", "Restrict the list by fields, e.g. metadata.name=web."),
    _param("labelSelector", "Restrict the list by labels, e.g. app=web,tier!=db."),
    _param("limit", "The most items to return; more are announced by metadata.continue.",
           "integer"),
    _param("resourceVersion", "The resource version the list or watch is served from."),
    _param("resourceVersionMatch", "How resourceVersion applies to a list: Exact or "
           "NotOlderThan."),
    _param("sendInitialEvents", "Start a watch with synthetic ADDED events for the current "
           "state.", "boolean"),
    _param("timeoutSeconds", "Timeout of a list or watch call.", "integer"),
    _param("watch", "Watch for changes instead of listing: a stream of ADDED, MODIFIED and "
           "DELETED events.", "boolean"),
]
_DELETE_PARAMS = [
    _DRY_RUN,
    _param("gracePeriodSeconds", "Seconds before the object is deleted; 0 deletes at once.",
           "integer"),
    _param("orphanDependents", "Deprecated: use propagationPolicy.", "boolean"),
    _param("propagationPolicy", "Garbage collection of dependents: Orphan, Background or "
           "Foreground."),
]
_COLLECTION_PARAMS = ("continue", "fieldSelector", "labelSelector", "limit", "resourceVersion",
                      "resourceVersionMatch", "timeoutSeconds")
_LOG_PARAMS = [
    _param("container", "The container to stream logs of; may be left out if the pod has "
           "one."),
    _param("follow", "Follow the log stream.", "boolean"),
    _param("limitBytes", "The most bytes to return.", "integer"),
    _param("previous", "Logs of the previous, terminated container.", "boolean"),
    _param("sinceSeconds", "Logs of the last N seconds.", "integer"),
    _param("tailLines", "The last N lines.", "integer"),
    _param("timestamps", "Prefix each line with an RFC 3339 timestamp.", "boolean"),
]


def _content(ref: str, media: tuple[str, ...] = _JSON_YAML) -> dict[str, Any]:
    return {mt: {"schema": {"$ref": _REF + ref}} for mt in media}


def _responses(ref: str, codes: tuple[str, ...] = ("200",),
               media: tuple[str, ...] = _JSON_YAML) -> dict[str, Any]:
    text = {"200": "OK", "201": "Created", "202": "Accepted"}
    return {code: {"content": _content(ref, media), "description": text[code]}
            for code in codes}


def _camel(s: str) -> str:
    return s[:1].upper() + s[1:]


def _group_camel(group: str) -> str:
    """``Core`` for the legacy group, ``RbacAuthorization`` for ``rbac.authorization.k8s.io``."""
    if not group:
        return "Core"
    return "".join(_camel(part) for part in group.removesuffix(".k8s.io").split("."))


def _tag(group: str, version: str) -> str:
    camel = _group_camel(group)
    return f"{camel[:1].lower()}{camel[1:]}_{version}"


def _component(group: str, version: str, kind: str) -> str:
    """The OpenAPI name of a kind's struct, e.g. ``io.k8s.api.autoscaling.v1.Scale``."""
    for s in SCHEMAS.values():
        if s.gvk == (group, version, kind) and not s.name.startswith("io.k8s.apimachinery."):
            return s.name
    raise KeyError(f"no schema for {group}/{version} {kind}")


class _Builder:
    """Collects the paths of one group-version document."""

    def __init__(self, group: str, version: str) -> None:
        self.group = group
        self.version = version
        self.paths: dict[str, dict[str, Any]] = {}
        self.roots: set[str] = set()
        self.prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
        self.gv_camel = _group_camel(group) + _camel(version)

    def op(self, path: str, method: str, *, action: str, op_id: str, description: str,
           gvk: tuple[str, str, str], parameters: list[dict[str, Any]],
           request: str = "", request_media: tuple[str, ...] = ("*/*",),
           response: str = "", codes: tuple[str, ...] = ("200",),
           response_media: tuple[str, ...] = _JSON_YAML,
           response_schema: dict[str, Any] | None = None) -> None:
        operation: dict[str, Any] = {
            "description": description,
            "operationId": op_id,
            "tags": [_tag(self.group, self.version)],
            "x-kubernetes-action": action,
            "x-kubernetes-group-version-kind": _gvk(*gvk),
        }
        if parameters:
            operation["parameters"] = parameters
        if request:
            operation["requestBody"] = {"content": _content(request, request_media),
                                        "required": True}
            self.roots.add(request)
        if response_schema is not None:
            operation["responses"] = {"200": {"content": {
                mt: {"schema": response_schema} for mt in response_media},
                "description": "OK"}}
        else:
            operation["responses"] = _responses(response, codes, response_media)
            self.roots.add(response)
        self.paths.setdefault(path, {})[method] = operation

    def path_params(self, path: str, params: list[dict[str, Any]]) -> None:
        self.paths.setdefault(path, {})["parameters"] = [*params, _PRETTY]

    def resource(self, r: ResourceInfo) -> None:
        kind = _component(r.group, r.version, r.kind)
        gvk = (r.group, r.version, r.kind)
        ns = "Namespaced" if r.namespaced else ""
        coll = f"{self.prefix}/namespaces/{{namespace}}/{r.plural}" if r.namespaced \
            else f"{self.prefix}/{r.plural}"
        item = f"{coll}/{{name}}"
        ns_param = [_param("namespace", "object name and auth scope, such as for teams and "
                           "projects", where="path", required=True)] if r.namespaced else []
        name_param = _param("name", f"name of the {r.kind}", where="path", required=True)
        verbs = set(r.verbs)
        k = f"{self.gv_camel}{ns}{r.kind}"
        list_kind = _component(r.group, r.version, r.list_kind_name) if "list" in verbs else ""

        if verbs & {"list", "create", "deletecollection"}:
            self.path_params(coll, ns_param)
        if "list" in verbs:
            self.op(coll, "get", action="list", op_id=f"list{k}",
                    description=f"list or watch objects of kind {r.kind}", gvk=gvk,
                    parameters=_LIST_PARAMS, response=list_kind,
                    response_media=(*_JSON_YAML, "application/json;stream=watch"))
            if r.namespaced:
                every = f"{self.prefix}/{r.plural}"
                self.path_params(every, [])
                self.op(every, "get", action="list",
                        op_id=f"list{self.gv_camel}{r.kind}ForAllNamespaces",
                        description=f"list or watch objects of kind {r.kind}", gvk=gvk,
                        parameters=_LIST_PARAMS, response=list_kind,
                        response_media=(*_JSON_YAML, "application/json;stream=watch"))
        if "create" in verbs:
            self.op(coll, "post", action="post", op_id=f"create{k}",
                    description=f"create a {r.kind}", gvk=gvk,
                    parameters=[_DRY_RUN, _FIELD_MANAGER, _FIELD_VALIDATION], request=kind,
                    response=kind, codes=("200", "201", "202"))
        if "deletecollection" in verbs:
            self.op(coll, "delete", action="deletecollection",
                    op_id=f"delete{self.gv_camel}Collection{ns}{r.kind}",
                    description=f"delete collection of {r.kind}", gvk=gvk,
                    parameters=[*_DELETE_PARAMS, *(p for p in _LIST_PARAMS
                                                   if p["name"] in _COLLECTION_PARAMS)],
                    request=_META + "DeleteOptions", request_media=("application/json",),
                    response=_META + "Status")
        if verbs & {"get", "update", "patch", "delete"}:
            self.path_params(item, [name_param, *ns_param])
        if "get" in verbs:
            self.op(item, "get", action="get", op_id=f"read{k}",
                    description=f"read the specified {r.kind}", gvk=gvk, parameters=[],
                    response=kind)
        if "update" in verbs:
            self.op(item, "put", action="put", op_id=f"replace{k}",
                    description=f"replace the specified {r.kind}", gvk=gvk,
                    parameters=[_DRY_RUN, _FIELD_MANAGER, _FIELD_VALIDATION], request=kind,
                    response=kind, codes=("200", "201"))
        if "patch" in verbs:
            self.patch(item, f"patch{k}", f"partially update the specified {r.kind}", gvk,
                       kind)
        if "delete" in verbs:
            self.op(item, "delete", action="delete", op_id=f"delete{k}",
                    description=f"delete a {r.kind}", gvk=gvk, parameters=_DELETE_PARAMS,
                    request=_META + "DeleteOptions", request_media=("application/json",),
                    response=_META + "Status", codes=("200", "202"))
        for sub in r.subresources:
            self.subresource(r, sub, item, [name_param, *ns_param], k)

    def patch(self, path: str, op_id: str, description: str, gvk: tuple[str, str, str],
              kind: str) -> None:
        self.op(path, "patch", action="patch", op_id=op_id, description=description, gvk=gvk,
                parameters=[_DRY_RUN, _FIELD_MANAGER, _FIELD_VALIDATION, _FORCE],
                request=_META + "Patch", request_media=_PATCH_TYPES, response=kind,
                codes=("200", "201"))

    def subresource(self, r: ResourceInfo, sub: Subresource, item: str,
                    params: list[dict[str, Any]], k: str) -> None:
        group = sub.group if sub.version else r.group
        version = sub.version or r.version
        gvk = (group, version, sub.kind)
        kind = _component(*gvk)
        path = f"{item}/{sub.name}"
        suffix = _camel(sub.name)
        self.path_params(path, params)
        if sub.name == "log":
            self.op(path, "get", action="get", op_id=f"read{k}Log",
                    description=f"read log of the specified {r.kind}", gvk=gvk,
                    parameters=_LOG_PARAMS, response_media=("text/plain",),
                    response_schema={"type": "string"})
            return
        verbs = set(sub.verbs)
        if "get" in verbs:
            self.op(path, "get", action="get", op_id=f"read{k}{suffix}",
                    description=f"read {sub.name} of the specified {r.kind}", gvk=gvk,
                    parameters=[], response=kind)
        if "update" in verbs:
            self.op(path, "put", action="put", op_id=f"replace{k}{suffix}",
                    description=f"replace {sub.name} of the specified {r.kind}", gvk=gvk,
                    parameters=[_DRY_RUN, _FIELD_MANAGER, _FIELD_VALIDATION], request=kind,
                    response=kind, codes=("200", "201"))
        if "patch" in verbs:
            self.patch(path, f"patch{k}{suffix}",
                       f"partially update {sub.name} of the specified {r.kind}", gvk, kind)
        if "create" in verbs:
            self.op(path, "post", action="post", op_id=f"create{k}{suffix}",
                    description=f"create {sub.name} of a {r.kind}", gvk=gvk,
                    parameters=[_DRY_RUN, _FIELD_MANAGER, _FIELD_VALIDATION], request=kind,
                    response=kind, codes=("200", "201", "202"))


# -- documents -----------------------------------------------------------------------------------


def gv_path(group: str, version: str) -> str:
    """``api/v1`` or ``apis/apps/v1``: a document's key in the root index."""
    return f"apis/{group}/{version}" if group else f"api/{version}"


@cache
def _document(group: str, version: str) -> dict[str, Any]:
    served = [r for r in RESOURCES if (r.group, r.version) == (group, version)]
    if not served:
        raise KeyError(f"group-version {gv_path(group, version)} is not served")
    b = _Builder(group, version)
    b.op(f"{b.prefix}/", "get", action="get", op_id=f"get{b.gv_camel}APIResources",
         description="get available resources", gvk=("", "v1", "APIResourceList"),
         parameters=[], response=_META + "APIResourceList")
    del b.paths[f"{b.prefix}/"]["get"]["x-kubernetes-action"]
    del b.paths[f"{b.prefix}/"]["get"]["x-kubernetes-group-version-kind"]
    for r in served:
        b.resource(r)
    groups = tuple(g for g, _ in group_versions())
    schemas: dict[str, Any] = {}
    for name in _closure(sorted(b.roots)):
        if name in LEAF_COMPONENTS:
            schemas[name] = LEAF_COMPONENTS[name]
        else:
            schemas[name] = _struct_schema(SCHEMAS[name], groups)
    return {
        "components": {"schemas": schemas},
        "info": {"title": "Kubernetes", "version": "unversioned"},
        "openapi": "3.0.0",
        "paths": dict(sorted(b.paths.items())),
    }


def openapi_v3(group: str, version: str) -> dict[str, Any]:
    """The OpenAPI v3 document of one served group-version (``""``/``"v1"`` is ``api/v1``).
    A fresh copy each call; :func:`openapi_v3_bytes` is what the server sends."""
    return json.loads(openapi_v3_bytes(group, version))


@cache
def openapi_v3_bytes(group: str, version: str) -> bytes:
    """The document as served: compact JSON with sorted keys, like Go's ``json.Marshal``."""
    doc = _document(group, version)
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def openapi_v3_hash(group: str, version: str) -> str:
    """``computeETag``: upper-case hex SHA-512 of the served bytes (also the ETag)."""
    return hashlib.sha512(openapi_v3_bytes(group, version)).hexdigest().upper()


def openapi_v3_index() -> dict[str, Any]:
    """``GET /openapi/v3``: where each group-version document lives, with its hash."""
    return {"paths": {
        gv_path(g, v): {"serverRelativeURL": f"/openapi/v3/{gv_path(g, v)}"
                                             f"?hash={openapi_v3_hash(g, v)}"}
        for g, v in group_versions()
    }}
