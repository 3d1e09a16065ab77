"""Strict decoding: the unknown and duplicate fields that ``fieldValidation=Strict`` refuses and
``fieldValidation=Warn`` reports.

Upstream: the API server decodes a body into the kind's Go struct with ``sigs.k8s.io/json``
``UnmarshalStrict`` (``internal/golang/encoding/json/decode.go``, ``kubernetes_patch.go``),
which keeps decoding and collects one error per problem:

- ``unknown field "spec.template.spec.containers[0].imagee"`` — a JSON key the struct has no
  field for. The path is the decoder's field stack: struct fields and map keys joined by ``.``,
  list indices as ``[i]``. The decoder does not look inside an unknown field's value.
- ``duplicate field "metadata.name"`` — a key given twice in one JSON object (struct fields,
  map keys, and free-form objects alike).

Errors come in document order, each message at most once, at most 100 of them.
``runtime.NewStrictDecodingError`` joins them: ``strict decoding error: unknown field "a",
unknown field "b"``, and the REST handler (``endpoints/handlers/rest.go``
``transformDecodeError``) answers 400 ``Pod in version "v1" cannot be handled as a Pod: strict
decoding error: ...``. With ``fieldValidation=Warn`` (the server's default) each error becomes
one ``Warning`` header instead (``addStrictDecodingWarnings``), and the request goes on.

Leaves stop the walk as their Go types' own ``UnmarshalJSON`` does: ``Quantity``,
``IntOrString``, ``Time``, and the free-form ``RawExtension`` (``ControllerRevision.data``) and
``FieldsV1`` (``managedFields[].fieldsV1``). Map values (labels, annotations, ConfigMap data)
accept any key. A value of the wrong JSON type (a string where a struct belongs) is upstream's
``UnmarshalTypeError``, a different, non-strict failure; it is not reported here.

A YAML body is turned into JSON with sorted keys before the JSON decoder sees it
(``sigs.k8s.io/yaml.YAMLToJSON``), so its errors come in sorted-key order: pass
``sort_keys=True``. Simplification: a YAML body's duplicate keys (upstream:
``yaml: unmarshal errors: ... key "x" already set in map``) are not detected here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..validation.field import go_quote as _go_quote
from .types import SCHEMAS, Leaf, ListOf, MapOf, Ref, Struct, Type

__all__ = [
    "MAX_STRICT_ERRORS",
    "kind_struct",
    "strict_decoding_error",
    "strict_errors",
    "unknown_fields",
]

#: ``saveStrictError`` keeps at most this many errors
MAX_STRICT_ERRORS = 100

_KINDS: dict[tuple[str, str], Struct] = {}


def kind_struct(api_version: str, kind: str) -> Struct | None:
    """The struct of a served kind (``"apps/v1"``, ``"Deployment"``), or ``None``."""
    if not _KINDS:
        for s in SCHEMAS.values():
            if s.gvk and not s.name.startswith("io.k8s.apimachinery."):
                group, version, k = s.gvk
                _KINDS[(f"{group}/{version}" if group else version, k)] = s
    return _KINDS.get((api_version, kind))


def unknown_fields(obj: Mapping[str, Any], schema: Struct | None = None, *,
                   sort_keys: bool = False) -> list[str]:
    """Paths of the fields of ``obj`` that its kind does not have, in upstream's format and
    order: ``["spec.foo", "spec.template.spec.containers[0].imagee"]``.

    The kind comes from ``obj``'s ``apiVersion`` and ``kind`` unless ``schema`` is given; an
    object of a kind we have no schema for (a custom resource) has no unknown fields."""
    if schema is None:
        schema = kind_struct(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        if schema is None:
            return []
    walker = _Walker(sort_keys)
    walker.struct(obj, schema, "")
    return [path for kind, path in walker.errors if kind == "unknown"]


def strict_errors(body: bytes | str | Mapping[str, Any], schema: Struct | None = None, *,
                  sort_keys: bool = False) -> list[str]:
    """The strict decoding errors of a request body, as upstream words them:
    ``['unknown field "spec.foo"', 'duplicate field "metadata.name"']``.

    Duplicate keys can only be seen in the raw JSON text; a dict has none. Text that is not
    JSON is read as YAML (sorted keys, no duplicate detection)."""
    if isinstance(body, Mapping):
        tree: Any = body
    else:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        try:
            tree = json.loads(text, object_pairs_hook=_Pairs)
        except json.JSONDecodeError:
            import yaml

            tree = yaml.safe_load(text)
            sort_keys = True
    if not isinstance(tree, Mapping):
        return []
    if schema is None:
        schema = kind_struct(str(tree.get("apiVersion", "")), str(tree.get("kind", "")))
    if type(tree) is dict and (_clean_free(tree) if schema is None
                               else _clean_struct(tree, schema)):
        return []
    walker = _Walker(sort_keys)
    if schema is None:
        walker.free(tree, "")
    else:
        walker.struct(tree, schema, "")
    return [f'{kind} field {_go_quote(path)}' for kind, path in walker.errors]


def strict_decoding_error(kind: str, version: str, errors: list[str]) -> str:
    """The 400 message: ``Pod in version "v1" cannot be handled as a Pod: strict decoding error:
    unknown field "spec.foo"`` (``transformDecodeError`` around ``NewStrictDecodingError``)."""
    return (f"{kind} in version {_go_quote(version)} cannot be handled as a {kind}: "
            f"strict decoding error: {', '.join(errors)}")


class _Pairs(dict[str, Any]):
    """A JSON object that remembers every key in order, repeated ones too."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


class _Walker:
    """Walks a decoded body along a schema, collecting ``(kind, path)`` errors."""

    def __init__(self, sort_keys: bool) -> None:
        self.sort_keys = sort_keys
        self.errors: list[tuple[str, str]] = []
        self._seen: set[tuple[str, str]] = set()

    def _save(self, kind: str, path: str) -> None:
        if len(self.errors) >= MAX_STRICT_ERRORS or (kind, path) in self._seen:
            return
        self._seen.add((kind, path))
        self.errors.append((kind, path))

    def _items(self, obj: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
        pairs: Iterable[tuple[str, Any]] = obj.pairs if isinstance(obj, _Pairs) else obj.items()
        if self.sort_keys:
            pairs = sorted(pairs, key=lambda kv: kv[0])
        return pairs

    def struct(self, obj: Any, struct: Struct, path: str) -> None:
        if not isinstance(obj, Mapping):
            return
        seen: set[str] = set()
        fields = struct.fields
        for key, value in self._items(obj):
            field = fields.get(key)
            if field is None:
                self._save("unknown", _join(path, key))
                continue
            if key in seen:
                self._save("duplicate", _join(path, key))
            seen.add(key)
            if type(field) is Leaf and not field.free_form:
                continue  # a plain leaf: nothing below it to check
            self.value(value, field, _join(path, key))

    def value(self, value: Any, t: Type, path: str) -> None:
        if isinstance(t, Ref):
            self.struct(value, SCHEMAS[t.name], path)
        elif isinstance(t, ListOf):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    self.value(item, t.item, f"{path}[{i}]")
        elif isinstance(t, MapOf):
            if isinstance(value, Mapping):
                seen: set[str] = set()
                for key, item in self._items(value):
                    sub = _join(path, key)
                    if key in seen:
                        self._save("duplicate", sub)
                    seen.add(key)
                    self.value(item, t.value, sub)
        elif isinstance(t, Leaf) and t.free_form:
            self.free(value, path)

    def free(self, value: Any, path: str) -> None:
        """Free-form JSON: no unknown fields, but duplicate keys still count."""
        if isinstance(value, Mapping):
            seen: set[str] = set()
            for key, item in self._items(value):
                sub = _join(path, key)
                if key in seen:
                    self._save("duplicate", sub)
                seen.add(key)
                self.free(item, sub)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.free(item, f"{path}[{i}]")


# -- the clean case ----------------------------------------------------------------------------
#
# A body given as plain dicts (an in-process request) has no duplicate keys, so its only strict
# errors are unknown fields. The checks below answer "no unknown field anywhere the walk goes"
# with set comparisons and without building paths; anything else (an unknown field, a mapping
# that is not a plain dict) is no verdict and the walk runs.

#: per struct (by id, checked by identity and size): the struct, and its fields below which
#: the walk goes on (all but plain leaves)
_DEEP: dict[int, tuple[Struct, int, dict[str, Type]]] = {}


def _deep_fields(struct: Struct) -> dict[str, Type]:
    fields = struct.fields
    plan = _DEEP.get(id(struct))
    if plan is None or plan[0] is not struct or plan[1] != len(fields):
        deep = {k: t for k, t in fields.items() if not (type(t) is Leaf and not t.free_form)}
        plan = _DEEP[id(struct)] = (struct, len(fields), deep)
    return plan[2]


def _clean_struct(obj: Any, struct: Struct) -> bool:
    """:meth:`_Walker.struct` would find nothing in ``obj``."""
    if type(obj) is not dict:
        return not isinstance(obj, Mapping)  # not an object: the walk skips it
    if not struct.fields.keys() >= obj.keys():
        return False
    deep = _deep_fields(struct)
    for key, value in obj.items():
        t = deep.get(key)
        if t is not None and not _clean_value(value, t):
            return False
    return True


def _clean_value(value: Any, t: Type) -> bool:
    """:meth:`_Walker.value` would find nothing in ``value``."""
    if isinstance(t, Ref):
        return _clean_struct(value, SCHEMAS[t.name])
    if isinstance(t, ListOf):
        if not isinstance(value, list):
            return True
        item = t.item
        return all(_clean_value(v, item) for v in value)
    if isinstance(t, MapOf):
        if type(value) is not dict:
            return not isinstance(value, Mapping)
        vt = t.value
        if type(vt) is Leaf and not vt.free_form:
            return True
        return all(_clean_value(v, vt) for v in value.values())
    if isinstance(t, Leaf) and t.free_form:
        return _clean_free(value)
    return True


def _clean_free(value: Any) -> bool:
    """:meth:`_Walker.free` would find nothing in ``value`` (no mapping but plain dicts)."""
    if isinstance(value, Mapping):
        return type(value) is dict and all(_clean_free(v) for v in value.values())
    if isinstance(value, list):
        return all(_clean_free(v) for v in value)
    return True


def _join(path: str, key: str) -> str:
    """``appendStrictFieldStackKey``: ``key`` at the top, ``path.key`` below."""
    return f"{path}.{key}" if path else key


