"""JSON merge patch (RFC 7386): apply, create, and kubectl's three-way variant.

Upstream:

- ``merge_patch`` is evanphx/json-patch v4 ``merge.go`` ``MergePatch`` (what
  ``apiserver/pkg/endpoints/handlers/patch.go`` runs for ``application/merge-patch+json``):
  objects merge key by key, ``null`` deletes, anything else (lists included) replaces. Like
  upstream, nulls are pruned from values that are *added* (a new key, or a value replacing a
  non-object), also inside lists, but kept in a list that replaces an object.
- ``create_merge_patch`` is the same library's ``CreateMergePatch`` / ``getDiff``.
- ``create_three_way_json_merge_patch`` is ``apimachinery/pkg/util/jsonmergepatch/patch.go``
  ``CreateThreeWayJSONMergePatch``: what ``kubectl apply`` sends for kinds it has no Go type for
  (custom resources), with content type ``application/merge-patch+json``.

All functions take and return decoded JSON (dicts, lists, str, int, float, bool, None) and never
change their arguments.

Simplifications: numbers are compared as Python values (Go compares decoded float64s, so ``1`` and
``1.0`` are equal in both); the three-way function neither checks conflicts nor kubectl's
preconditions (``apiVersion``, ``kind`` and ``metadata.name`` unchanged): kubectl apply runs with
``--overwrite`` and builds the patch from the same object.
"""

from __future__ import annotations

import copy
from typing import Any

from ..codec import deep_copy
from .errors import bad_request, server_error

__all__ = [
    "ERR_BAD_JSON_DOC",
    "ERR_BAD_JSON_PATCH",
    "ERR_BAD_MERGE_TYPES",
    "create_merge_patch",
    "create_three_way_json_merge_patch",
    "merge_patch",
]

# evanphx/json-patch v4 errors.go
ERR_BAD_JSON_DOC = "Invalid JSON Document"
ERR_BAD_JSON_PATCH = "Invalid JSON Patch"
ERR_BAD_MERGE_TYPES = "Mismatched JSON Documents"


def merge_patch(doc: Any, patch: Any) -> Any:
    """Apply the merge patch ``patch`` to ``doc`` (``jsonpatch.MergePatch``).

    >>> merge_patch({"a": 1, "b": {"c": 2}}, {"a": None, "b": {"d": 3}})
    {'b': {'c': 2, 'd': 3}}

    A ``null`` patch answers 400 ``Invalid JSON Patch`` (the API server's ``NewBadRequest``), a
    ``null`` document 500 ``Invalid JSON Document``. A patch that is a list becomes the result
    (nulls pruned); a patch that is a string, number or boolean is ``Invalid JSON Patch``.
    """
    if doc is None:
        raise server_error(ERR_BAD_JSON_DOC)
    if patch is None:
        raise bad_request(ERR_BAD_JSON_PATCH)
    if not isinstance(patch, dict):
        if isinstance(patch, list):
            return _prune_list_nulls(deep_copy(patch))
        raise bad_request(ERR_BAD_JSON_PATCH)
    patch = deep_copy(patch)
    if not isinstance(doc, dict):
        # "Not an error, just not a doc, so we turn straight into the patch"
        return _prune_dict_nulls(patch)
    result = deep_copy(doc)
    _merge_docs(result, patch)
    return result


def _merge_docs(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
            continue
        current = doc.get(key)
        if current is None:
            doc[key] = _prune_nulls(value)
        else:
            doc[key] = _merge(current, value)


def _merge(current: Any, patch: Any) -> Any:
    if not isinstance(current, dict):
        return _prune_nulls(patch)
    if not isinstance(patch, dict):
        return patch
    _merge_docs(current, patch)
    return current


def _prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return _prune_dict_nulls(value)
    if isinstance(value, list):
        return _prune_list_nulls(value)
    return value


def _prune_dict_nulls(doc: dict[str, Any]) -> dict[str, Any]:
    for key in [k for k, v in doc.items() if v is None]:
        del doc[key]
    for key, value in doc.items():
        doc[key] = _prune_nulls(value)
    return doc


def _prune_list_nulls(items: list[Any]) -> list[Any]:
    return [_prune_nulls(v) for v in items if v is not None]


def _json_kind(value: Any) -> str:
    """The Go type ``json.Unmarshal`` gives a value: all numbers are ``float64``."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "slice"
    return "map"


def _matches(a: Any, b: Any) -> bool:
    """``matchesValue`` / ``matchesArray``: deep equality with Go's types."""
    if _json_kind(a) != _json_kind(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_matches(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_matches(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def create_merge_patch(original: Any, modified: Any) -> Any:
    """The merge patch that turns ``original`` into ``modified`` (``jsonpatch.CreateMergePatch``).

    >>> create_merge_patch({"a": 1, "b": [1]}, {"b": [1, 2], "c": {"d": 1}})
    {'b': [1, 2], 'c': {'d': 1}, 'a': None}

    Two lists give the list of per-index patches (``createArrayMergePatch``); an object and a list
    fail with ``Mismatched JSON Documents``.
    """
    if isinstance(original, list) and isinstance(modified, list):
        pairs = list(zip(original, modified, strict=False))
        if len(original) != len(modified) or not all(
                isinstance(a, dict) and isinstance(b, dict) for a, b in pairs):
            raise server_error(ERR_BAD_JSON_DOC)
        return [_get_diff(a, b) for a, b in pairs]
    if isinstance(original, list) or isinstance(modified, list):
        raise server_error(ERR_BAD_MERGE_TYPES)
    if not isinstance(original, dict) or not isinstance(modified, dict):
        raise server_error(ERR_BAD_JSON_DOC)
    return _get_diff(original, modified)


def _get_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    into: dict[str, Any] = {}
    for key, bv in b.items():
        if key not in a:
            into[key] = copy.deepcopy(bv)
            continue
        av = a[key]
        if _json_kind(av) != _json_kind(bv):
            into[key] = copy.deepcopy(bv)
            continue
        if isinstance(av, dict):
            sub = _get_diff(av, bv)
            if sub:
                into[key] = sub
        elif not _matches(av, bv):
            into[key] = copy.deepcopy(bv)
    for key in a:
        if key not in b:
            into[key] = None
    return into


def _keep_or_delete_null(doc: dict[str, Any], keep_null: bool) -> dict[str, Any]:
    """``keepOrDeleteNullInObj``: keep only the nulls (the deletions), or only the rest."""
    filtered: dict[str, Any] = {}
    for key, value in doc.items():
        if value is None:
            if keep_null:
                filtered[key] = None
        elif isinstance(value, dict):
            # Explicitly-set empty maps are treated as values instead of empty patches
            if not value:
                if not keep_null:
                    filtered[key] = value
                continue
            sub = _keep_or_delete_null(value, keep_null)
            if sub:
                filtered[key] = sub
        elif not keep_null:
            filtered[key] = value
    return filtered


def create_three_way_json_merge_patch(
    original: dict[str, Any] | None, modified: dict[str, Any] | None,
    current: dict[str, Any] | None,
) -> dict[str, Any]:
    """kubectl apply's patch for kinds without a Go type (``CreateThreeWayJSONMergePatch``).

    ``original`` is the last-applied configuration, ``modified`` the new configuration and
    ``current`` the live object. The patch holds the additions and changes from current to
    modified, plus the deletions from original to modified: a field the user removed from the
    file is deleted, a field another writer set (absent from original) is kept.
    """
    original = original or {}
    modified = modified or {}
    current = current or {}
    add_and_change = _keep_or_delete_null(create_merge_patch(current, modified), keep_null=False)
    deletions = _keep_or_delete_null(create_merge_patch(original, modified), keep_null=True)
    merged = merge_patch(deletions, add_and_change)
    assert isinstance(merged, dict)
    return merged
