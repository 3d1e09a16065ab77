"""Patch metadata for a strategic merge patch: which lists merge, by which key.

Upstream: ``apimachinery/pkg/util/strategicpatch/meta.go`` reads it from the Go struct tags
(``PatchMetaFromStruct``, server side) or from the OpenAPI extensions
``x-kubernetes-patch-strategy``/``x-kubernetes-patch-merge-key`` (``PatchMetaFromOpenAPIV3``,
kubectl's client-side apply). Both give, for a key of a struct, the struct of its value and the
field's strategies (``merge``, ``retainKeys``, ``replace``, split on ``,``) and merge key; for a
list the struct of its elements.

Accessors take a kind (``"Deployment"``, ``"apps/v1"`` optional) or a :class:`Struct` and a
dotted path that steps through lists transparently::

    merge_key("Deployment", "spec.template.spec.containers")          # "name"
    merge_key("Pod", "spec.containers.ports")                          # "containerPort"
    patch_strategies("Pod", "spec.volumes")                            # ("merge", "retainKeys")
    patch_strategies("Deployment", "spec.strategy")                    # ("retainKeys",)

:func:`as_patch_struct` builds the tables of :mod:`k8s_internals.api.patch.schema` from these
types, so that strategic merge patch can run on the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from .strict import kind_struct
from .types import SCHEMAS, ListOf, MapOf, Ref, Struct, Type

if TYPE_CHECKING:
    from ..patch import schema as patch_schema

__all__ = [
    "as_patch_struct",
    "field_type",
    "find_kind",
    "merge_key",
    "patch_fields",
    "patch_strategies",
]

def find_kind(kind: str, api_version: str = "") -> Struct | None:
    """The struct of a kind by name, optionally with its ``apiVersion``."""
    if api_version:
        return kind_struct(api_version, kind)
    for s in SCHEMAS.values():
        if s.gvk and s.gvk[2] == kind and not s.name.startswith("io.k8s.apimachinery."):
            return s
    return None


def _root(kind: str | Struct) -> Struct:
    if isinstance(kind, Struct):
        return kind
    s = find_kind(kind)
    if s is None:
        raise KeyError(f"no schema for kind {kind!r}")
    return s


def field_type(kind: str | Struct, path: str | Sequence[str]) -> Type | None:
    """The type of the field at ``path`` (``"spec.template.spec.containers"``), stepping into
    list elements and map values as needed; ``None`` if there is no such field."""
    keys = path.split(".") if isinstance(path, str) else list(path)
    t: Type = Ref(_root(kind).name)
    for key in keys:
        while isinstance(t, ListOf | MapOf):
            t = t.item if isinstance(t, ListOf) else t.value
        if not isinstance(t, Ref):
            return None
        sub = SCHEMAS[t.name].fields.get(key)
        if sub is None:
            return None
        t = sub
    return t


def merge_key(kind: str | Struct, path: str | Sequence[str]) -> str:
    """``patchMergeKey`` of the list at ``path`` (``""`` if none)."""
    t = field_type(kind, path)
    return t.merge_key if isinstance(t, ListOf) else ""


def patch_strategies(kind: str | Struct, path: str | Sequence[str]) -> tuple[str, ...]:
    """``patchStrategy`` of the field at ``path``, split on ``,`` (``()`` if none)."""
    t = field_type(kind, path)
    if isinstance(t, ListOf | Ref) and t.strategy:
        return tuple(t.strategy.split(","))
    return ()


def patch_fields(kind: str | Struct) -> dict[str, tuple[tuple[str, ...], str]]:
    """Every tagged field under a kind: ``{"spec.template.spec.containers": (("merge",),
    "name"), ...}`` (paths through lists without indices)."""
    out: dict[str, tuple[tuple[str, ...], str]] = {}

    def walk(t: Type, path: str, seen: tuple[str, ...]) -> None:
        if isinstance(t, ListOf):
            if t.strategy:
                out[path] = (tuple(t.strategy.split(",")), t.merge_key)
            walk(t.item, path, seen)
        elif isinstance(t, MapOf):
            walk(t.value, path, seen)
        elif isinstance(t, Ref):
            if t.strategy:
                out[path] = (tuple(t.strategy.split(",")), "")
            if t.name in seen:
                return
            for name, sub in SCHEMAS[t.name].fields.items():
                walk(sub, f"{path}.{name}" if path else name, (*seen, t.name))

    walk(Ref(_root(kind).name), "", ())
    return out


@cache
def as_patch_struct(kind: str | Struct) -> patch_schema.Struct:
    """The kind as a :class:`k8s_internals.api.patch.schema.Struct` tree (every field, with
    its tags), ready for :mod:`k8s_internals.api.patch.strategic_merge`. Built once per kind;
    the tree is shared, do not change it."""
    from ..patch import schema as patch_schema

    memo: dict[str, patch_schema.Struct] = {}

    def struct(name: str) -> patch_schema.Struct:
        if name in memo:
            return memo[name]
        s = SCHEMAS[name]
        out = patch_schema.Struct(s.short)
        memo[name] = out
        for fname, t in s.fields.items():
            out.fields[fname] = field(t)
        return out

    def element(t: Type) -> patch_schema.Struct | None:
        while isinstance(t, ListOf | MapOf):
            t = t.item if isinstance(t, ListOf) else t.value
        return struct(t.name) if isinstance(t, Ref) else None

    def field(t: Type) -> Any:
        strategies = tuple(t.strategy.split(",")) if isinstance(t, ListOf | Ref) and \
            t.strategy else ()
        key = t.merge_key if isinstance(t, ListOf) else ""
        return patch_schema.Field(strategies=strategies, merge_key=key, schema=element(t))

    return struct(_root(kind).name)
