"""Strategic merge patch: apply (the API server) and create (kubectl's client-side apply).

Upstream: ``staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go``
(``StrategicMergeMapPatch``, ``mergeMap``, ``mergePatchIntoOriginal``, ``mergeSlice``,
``CreateTwoWayMergePatch``, ``CreateThreeWayMergePatch``), with the patch metadata of ``meta.go``
taken from :mod:`.schema`. The diff half is in :mod:`.smp_diff`, the list ordering, Go value
semantics and errors shared by both halves in :mod:`.smp_lists`.

It is JSON merge patch (RFC 7386) plus metadata per field: a list tagged ``merge`` with a
``patchMergeKey`` merges element by element (containers by ``name``), a list of strings tagged
``merge`` is a set union, ``retainKeys`` clears the keys a patch does not list, ``replace``
replaces. The patch may carry directives:

- ``$patch: replace | delete`` in a map (replace the map, delete it), ``$patch: delete`` in a
  list element (delete the element with that merge key), ``{"$patch": "replace"}`` as a list
  element (replace the whole list);
- ``$setElementOrder/<list>``: the order of the list after the merge (kubectl sends it);
- ``$deleteFromPrimitiveList/<list>``: strings to remove from a merged list of strings;
- ``$retainKeys``: the only keys the map keeps;
- ``null``: delete the field.

Element order follows upstream exactly (its sorts are reproduced in :mod:`.gosort`): the
patch's items in the patch's (or ``$setElementOrder``'s) order, the server-only items in their
old order, interleaved by their old positions.

Kinds: a built-in kind uses its table from :mod:`.schema`. A kind without one (a custom
resource) cannot be strategic-merge patched: the API server answers 415 and kubectl sends a JSON
merge patch instead (see :mod:`.last_applied`). The *create* functions, which only kubectl uses,
treat such a kind as unstructured (objects merge, lists replace), which yields a JSON merge patch.

Simplifications: ``create_three_way_merge_patch`` is kubectl's ``--overwrite=true`` (the default):
no conflict detection; an unknown field of a built-in kind has no metadata instead of failing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .errors import (
    ERR_BAD_JSON_DOC,
    ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST,
    ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS,
    ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST,
    bad_request,
    go_value,
    unsupported_media_type,
)
from .schema import MERGE, REPLACE, UNSTRUCTURED, Struct, kind_schema
from .smp_diff import DiffOptions, diff_maps
from .smp_lists import (
    ABSENT,
    DELETE_DIRECTIVE,
    DELETE_FROM_PRIMITIVE_LIST_PREFIX,
    DIRECTIVE_MARKER,
    GO_SLICE,
    MERGE_DIRECTIVE,
    REPLACE_DIRECTIVE,
    RETAIN_KEYS_DIRECTIVE,
    SET_ELEMENT_ORDER_PREFIX,
    SMPError,
    deduplicate_scalars,
    deep_equal,
    err_bad_arg_type,
    err_bad_patch_type,
    err_no_merge_key,
    extract_to_delete_items,
    find_map_in_slice,
    lookup,
    merge_key_value_equal,
    normalize_element_order,
    partition,
    same,
    scalar_key,
    server_order_seen_by_upstream,
    slice_element_type,
    to_patch_error,
)

__all__ = [
    "DELETE_FROM_PRIMITIVE_LIST_PREFIX",
    "DIRECTIVE_MARKER",
    "RETAIN_KEYS_DIRECTIVE",
    "SET_ELEMENT_ORDER_PREFIX",
    "STRATEGIC_MERGE_PATCH_ACCEPTED_FOR_CUSTOM_RESOURCES",
    "create_three_way_merge_patch",
    "create_two_way_merge_patch",
    "strategic_merge_patch",
]

#: The patch types the API server accepts for a custom resource (``crdHandler``).
STRATEGIC_MERGE_PATCH_ACCEPTED_FOR_CUSTOM_RESOURCES = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
]


@dataclass(frozen=True)
class _MergeOptions:
    """``MergeOptions``: the server merges the parallel lists (``$deleteFromPrimitiveList``) and
    drops unmatched nulls; the three-way diff keeps both, since its result is itself a patch."""

    merge_parallel_list: bool = False
    ignore_unmatched_nulls: bool = False


# -- apply: mergeMap and friends ----------------------------------------------------------------


def _remove_directives(obj: Any) -> tuple[Any, bool]:
    """``removeDirectives``: drop maps carrying ``$patch`` (and the field holding one)."""
    if isinstance(obj, dict):
        if DIRECTIVE_MARKER in obj:
            return None, False
        for k in list(obj):
            value, keep = _remove_directives(obj[k])
            if keep:
                obj[k] = value
            else:
                del obj[k]
        return obj, True
    if isinstance(obj, list):
        out = []
        for v in obj:
            value, keep = _remove_directives(v)
            if keep:
                out.append(value)
        return out, True
    return obj, True


def _discard_null_values(value: Any) -> None:
    """``discardNullValuesFromPatch``."""
    if isinstance(value, dict):
        for k in list(value):
            if value[k] is None:
                del value[k]
            else:
                _discard_null_values(value[k])
    elif isinstance(value, list):
        for v in value:
            _discard_null_values(v)


def _handle_directive_in_merge_map(directive: Any, patch: dict[str, Any]) -> dict[str, Any]:
    if same(directive, REPLACE_DIRECTIVE):
        # "don't merge it, just use the patch directly"
        del patch[DIRECTIVE_MARKER]
        return patch
    if same(directive, DELETE_DIRECTIVE):
        return {}
    raise err_bad_patch_type(directive, patch)


def _extract_key(s: str, prefix: str) -> str:
    parts = s.split("/", 1)
    if len(parts) <= 1 or parts[0] != prefix:
        if prefix == DELETE_FROM_PRIMITIVE_LIST_PREFIX:
            raise SMPError(ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST)
        if prefix == SET_ELEMENT_ORDER_PREFIX:
            raise SMPError(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
        raise SMPError(f'fail to find unknown prefix "{prefix}" in {s}\n')
    return parts[1]


def _validate_patch_with_set_order_list(patch_list: Any, set_order_list: Any,
                                        merge_key: str) -> None:
    """``validatePatchWithSetOrderList``: the patch items appear in ``$setElementOrder`` order."""
    if not isinstance(set_order_list, list) or not isinstance(patch_list, list):
        raise SMPError(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
    if not set_order_list or not patch_list:
        return
    non_delete = extract_to_delete_items(patch_list)[0] if merge_key else patch_list
    p = s = 0
    while p < len(non_delete) and s < len(set_order_list):
        if isinstance(non_delete[p], dict) and DIRECTIVE_MARKER in non_delete[p]:
            p += 1
            continue
        if merge_key_value_equal(non_delete[p], set_order_list[s], merge_key):
            p += 1
        s += 1
    if p < len(non_delete) and s >= len(set_order_list):
        raise SMPError(f"The order in patch list:\n{go_value(patch_list)}\n doesn't match "
                       f"{SET_ELEMENT_ORDER_PREFIX} list:\n{go_value(set_order_list)}\n")


def _apply_retain_keys_directive(original: dict[str, Any], patch: dict[str, Any],
                                 options: _MergeOptions) -> None:
    if RETAIN_KEYS_DIRECTIVE not in patch:
        return
    retain = patch.pop(RETAIN_KEYS_DIRECTIVE)
    if not options.merge_parallel_list:
        # original is itself a patch (three-way): keep one directive, equal in both
        if RETAIN_KEYS_DIRECTIVE in original:
            if not deep_equal(original[RETAIN_KEYS_DIRECTIVE], retain):
                raise SMPError(f"{go_value(original[RETAIN_KEYS_DIRECTIVE])} and "
                               f"{go_value(retain)} are not deep equal: this may happen when "
                               "calculating the 3-way diff patch")
        else:
            original[RETAIN_KEYS_DIRECTIVE] = retain
        return
    if not isinstance(retain, list):
        raise SMPError(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS)
    keep = {scalar_key(v) for v in retain if not isinstance(v, (dict, list))}
    for k, v in patch.items():
        if v is None or k.startswith((DELETE_FROM_PRIMITIVE_LIST_PREFIX, SET_ELEMENT_ORDER_PREFIX)):
            continue
        if scalar_key(k) not in keep:
            raise SMPError(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS)
    for k in [k for k in original if scalar_key(k) not in keep]:
        del original[k]


def _merge_patch_into_original(original: dict[str, Any], patch: dict[str, Any], schema: Struct,
                               options: _MergeOptions) -> None:
    """``mergePatchIntoOriginal``: merge each list named by a ``$setElementOrder`` and order it."""
    for key in [k for k in patch if k.startswith(SET_ELEMENT_ORDER_PREFIX)]:
        set_order = patch[key]
        if not options.merge_parallel_list:
            if key in original:
                if not deep_equal(original[key], set_order):
                    raise SMPError(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
            else:
                original[key] = set_order
        del patch[key]
        if not isinstance(set_order, list):
            raise err_bad_arg_type(GO_SLICE, set_order)
        original_key = _extract_key(key, SET_ELEMENT_ORDER_PREFIX)
        original_list = original.get(original_key, ABSENT)
        patch_list = patch.get(original_key, ABSENT)
        original_value: list[Any] = []
        patch_value: list[Any] = []
        if original_list is not ABSENT:
            if not isinstance(original_list, list):
                raise err_bad_arg_type(GO_SLICE, original_list)
            original_value = original_list
        if patch_list is not ABSENT:
            if not isinstance(patch_list, list):
                raise err_bad_arg_type(GO_SLICE, patch_list)
            patch_value = patch_list
        sub, strategy, merge_key, _ = lookup(schema, original_key)
        _validate_patch_with_set_order_list(patch_value, set_order, merge_key)
        server_order = original_value
        if original_list is not ABSENT and patch_list is ABSENT:
            merged = original_value
        elif original_list is ABSENT and patch_list is not ABSENT:
            merged = _remove_directives(patch_value)[0]
        elif original_list is not ABSENT:
            if strategy == MERGE and original_value and patch_value:
                server_order = server_order_seen_by_upstream(
                    original_value, patch_value, merge_key,
                    slice_element_type(original_value, patch_value) is dict)
            merged = _merge_slice_handler(original_value, patch_value, sub, strategy, merge_key,
                                          False, options)
        else:
            continue
        patch_items, server_only = partition(merged, set_order, merge_key)
        is_map = slice_element_type(original_value, patch_value) is dict
        original[original_key] = normalize_element_order(
            patch_items, server_only, set_order, server_order, merge_key, is_map)
        patch.pop(original_key, None)


def _merge_map(original: dict[str, Any] | None, patch: dict[str, Any], schema: Struct,
               options: _MergeOptions) -> dict[str, Any]:
    """``mergeMap``: merge ``patch`` into ``original`` (both are changed)."""
    if DIRECTIVE_MARKER in patch:
        return _handle_directive_in_merge_map(patch[DIRECTIVE_MARKER], patch)
    if original is None:
        original = {}
    _apply_retain_keys_directive(original, patch, options)
    _merge_patch_into_original(original, patch, schema, options)
    for key in list(patch):
        patch_value = patch[key]
        is_delete_list = False
        if key.startswith(DELETE_FROM_PRIMITIVE_LIST_PREFIX):
            if not options.merge_parallel_list:
                original[key] = patch_value
                continue
            key = _extract_key(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            is_delete_list = True
        if patch_value is None:
            original.pop(key, None)
            if options.ignore_unmatched_nulls:
                continue
        if key not in original:
            if not is_delete_list:
                if options.ignore_unmatched_nulls:
                    _discard_null_values(patch_value)
                value, keep = _remove_directives(patch_value)
                if keep:
                    original[key] = value
            continue
        current = original[key]
        if type(current) is not type(patch_value):
            if not is_delete_list:
                if options.ignore_unmatched_nulls:
                    _discard_null_values(patch_value)
                value, keep = _remove_directives(patch_value)
                if keep:
                    original[key] = value
                else:
                    del original[key]
            continue
        if isinstance(current, dict):
            sub, strategy, _, _ = lookup(schema, key)
            original[key] = (patch_value if strategy == REPLACE
                             else _merge_map(current, patch_value, sub, options))
        elif isinstance(current, list):
            sub, strategy, merge_key, _ = lookup(schema, key)
            original[key] = _merge_slice_handler(current, patch_value, sub, strategy, merge_key,
                                                 is_delete_list, options)
        else:
            value, keep = _remove_directives(patch_value)
            if keep:
                original[key] = value
            else:
                del original[key]
    return original


def _merge_slice_handler(original: Any, patch: Any, schema: Struct, strategy: str,
                         merge_key: str, is_delete_list: bool,
                         options: _MergeOptions) -> list[Any]:
    if not isinstance(original, list):
        raise err_bad_arg_type(GO_SLICE, original)
    if not isinstance(patch, list):
        raise err_bad_arg_type(GO_SLICE, patch)
    # delete lists are handled the same way whatever the field's strategy
    if strategy == MERGE or is_delete_list:
        return _merge_slice(original, patch, schema, merge_key, options, is_delete_list)
    return patch


def _merge_slice(original: list[Any], patch: list[Any], schema: Struct, merge_key: str,
                 options: _MergeOptions, is_delete_list: bool) -> list[Any]:
    """``mergeSlice``."""
    if not original and not patch:
        return original
    is_map = slice_element_type(original, patch) is dict
    if not is_map:
        if options.merge_parallel_list and is_delete_list:
            gone = {scalar_key(v) for v in patch}
            return [v for v in original if scalar_key(v) not in gone]
        merged = deduplicate_scalars(original + patch)
    else:
        if not merge_key:
            raise SMPError("cannot merge lists without merge key for struct")
        original, patch = _merge_slice_with_special_elements(original, patch, merge_key)
        merged = _merge_slice_without_special_elements(original, patch, merge_key, schema, options)
    patch_items, server_only = partition(merged, patch, merge_key)
    return normalize_element_order(patch_items, server_only, patch, original, merge_key, is_map)


def _merge_slice_with_special_elements(original: list[Any], patch: list[Any],
                                       merge_key: str) -> tuple[list[Any], list[Any]]:
    """Apply the ``$patch`` elements of a list of maps; return (original, plain patch items)."""
    plain: list[Any] = []
    replace_all = False
    for v in patch:
        if DIRECTIVE_MARKER not in v:
            plain.append(v)
            continue
        directive = v[DIRECTIVE_MARKER]
        if same(directive, DELETE_DIRECTIVE):
            if merge_key not in v:
                raise err_no_merge_key(v, merge_key)
            while True:
                _, i = find_map_in_slice(original, merge_key, v[merge_key])
                if i < 0:
                    break
                original = original[:i] + original[i + 1:]
        elif same(directive, REPLACE_DIRECTIVE):
            replace_all = True  # keep going, to prune the other $patch elements
        elif same(directive, MERGE_DIRECTIVE):
            raise SMPError("merging lists cannot yet be specified in the patch")
        else:
            raise err_bad_patch_type(directive, v)
    if replace_all:
        return plain, []
    return original, plain


def _merge_slice_without_special_elements(original: list[Any], patch: list[Any], merge_key: str,
                                          schema: Struct, options: _MergeOptions) -> list[Any]:
    original = list(original)
    for v in patch:
        if merge_key not in v:
            raise err_no_merge_key(v, merge_key)
        found, i = find_map_in_slice(original, merge_key, v[merge_key])
        if found is not None:
            original[i] = _merge_map(found, v, schema, options)
        else:
            original.append(v)
    return original


# -- public API -----------------------------------------------------------------------------------


def _schema_for(kind: str | Struct, *, for_apply: bool) -> Struct:
    if isinstance(kind, Struct):
        return kind
    schema = kind_schema(kind)
    if schema is not None:
        return schema
    if for_apply:
        raise unsupported_media_type(STRATEGIC_MERGE_PATCH_ACCEPTED_FOR_CUSTOM_RESOURCES)
    return UNSTRUCTURED


def _as_map(value: Any, *, decode_error: bool) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        if decode_error:
            raise bad_request(f"json: cannot unmarshal {_json_type(value)} "
                              "into Go value of type map[string]interface {}")
        raise bad_request(ERR_BAD_JSON_DOC)
    return copy.deepcopy(value)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array"


def strategic_merge_patch(original: dict[str, Any], patch: dict[str, Any],
                          kind: str | Struct) -> dict[str, Any]:
    """Apply a strategic merge patch, as the API server does (``StrategicMergeMapPatch``).

    ``kind`` names a built-in kind (``"Deployment"``) or is a :class:`~.schema.Struct`.

    >>> live = {"spec": {"containers": [{"name": "app", "image": "nginx:1.26"},
    ...                                 {"name": "log", "image": "busybox"}]}}
    >>> strategic_merge_patch(live, {"spec": {"containers": [
    ...     {"name": "app", "image": "nginx:1.27"}, {"name": "log", "$patch": "delete"}]}}, "Pod")
    {'spec': {'containers': [{'name': 'app', 'image': 'nginx:1.27'}]}}

    Raises :class:`~.errors.PatchError` with the API server's answer: 415 for a kind without
    patch metadata (a custom resource), 400 for a body that is not an object or a malformed
    directive, 422 for lists of lists, 500 (empty reason) for other library errors such as a
    missing merge key.
    """
    schema = _schema_for(kind, for_apply=True)
    original_map = _as_map(original, decode_error=False)
    patch_map = _as_map(patch, decode_error=True)
    try:
        return _merge_map(original_map, patch_map, schema,
                          _MergeOptions(merge_parallel_list=True, ignore_unmatched_nulls=True))
    except SMPError as err:
        raise to_patch_error(err) from None


def create_two_way_merge_patch(original: dict[str, Any] | None, modified: dict[str, Any] | None,
                               kind: str | Struct) -> dict[str, Any]:
    """The patch that turns ``original`` into ``modified`` (``CreateTwoWayMergePatch``), with
    ``$setElementOrder`` for merged lists whose content or order changed.

    >>> patch = create_two_way_merge_patch({"metadata": {"finalizers": ["a", "b"]}},
    ...                                    {"metadata": {"finalizers": ["a"]}}, "Pod")
    >>> patch["metadata"]["$deleteFromPrimitiveList/finalizers"]
    ['b']
    """
    schema = _schema_for(kind, for_apply=False)
    try:
        return diff_maps(_as_map(original, decode_error=False),
                          _as_map(modified, decode_error=False), schema,
                          DiffOptions(set_element_order=True))
    except SMPError as err:
        raise to_patch_error(err) from None


def create_three_way_merge_patch(original: dict[str, Any] | None, modified: dict[str, Any] | None,
                                 current: dict[str, Any] | None,
                                 kind: str | Struct) -> dict[str, Any]:
    """kubectl apply's patch (``CreateThreeWayMergePatch`` with ``overwrite=true``).

    ``original`` is the last-applied configuration (the
    ``kubectl.kubernetes.io/last-applied-configuration`` annotation), ``modified`` the new
    configuration, ``current`` the live object. The patch is every change and addition from
    current to modified, plus the deletions from original to modified: a field removed from the
    applied file is deleted, a field set only by another writer (absent from original) is kept.
    """
    schema = _schema_for(kind, for_apply=False)
    original_map = _as_map(original, decode_error=False)
    modified_map = _as_map(modified, decode_error=False)
    current_map = _as_map(current, decode_error=False)
    try:
        delta = diff_maps(current_map, modified_map, schema,
                           DiffOptions(ignore_deletions=True, set_element_order=True))
        deletions = diff_maps(original_map, modified_map, schema,
                               DiffOptions(set_element_order=True,
                                            ignore_changes_and_additions=True))
        return _merge_map(deletions, delta, schema, _MergeOptions())
    except SMPError as err:
        raise to_patch_error(err) from None
