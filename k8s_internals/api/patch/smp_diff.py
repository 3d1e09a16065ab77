"""Creating strategic merge patches: the diff of two documents, as kubectl computes it.

Upstream: ``staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`` (``diffMaps``,
``handleMapDiff``, ``handleSliceDiff``, ``diffLists``, ``diffListsOfScalars``,
``diffListsOfMaps``). The options select what a diff keeps: ``CreateTwoWayMergePatch`` keeps
everything, ``CreateThreeWayMergePatch`` takes the changes and additions from current to
modified and the deletions from original to modified.

A merged list gets ``$setElementOrder/<list>`` when its content or order changes, a merged list
of strings ``$deleteFromPrimitiveList/<list>`` for removed strings, a map of a removed list element
``$patch: delete``, a ``retainKeys`` map ``$retainKeys``. Like upstream, ``diffListsOfScalars``
sorts the *original* list in place, so an unchanged but unsorted list of strings still gets a
``$setElementOrder``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .errors import ERR_NO_LIST_OF_LISTS, go_value
from .schema import MERGE, REPLACE, Struct
from .smp_lists import (
    DELETE_DIRECTIVE,
    DELETE_FROM_PRIMITIVE_LIST_PREFIX,
    DIRECTIVE_MARKER,
    GO_MAP,
    RETAIN_KEYS_DIRECTIVE,
    SET_ELEMENT_ORDER_PREFIX,
    SMPError,
    deduplicate_scalars,
    deep_equal,
    err_bad_arg_type,
    err_no_merge_key,
    lookup,
    merge_key_value_equal,
    normalize_slice_order,
    slice_element_type,
    sort_merge_list_by_name,
    sort_scalars,
)

__all__ = ["DiffOptions", "diff_maps"]


@dataclass(frozen=True)
class DiffOptions:
    """``DiffOptions``: what a diff keeps, and whether it emits ``$setElementOrder`` and
    ``$retainKeys``."""

    set_element_order: bool = False
    ignore_changes_and_additions: bool = False
    ignore_deletions: bool = False
    build_retain_keys_directive: bool = False


# -- create: diffMaps and friends ---------------------------------------------------------------


def diff_maps(original: dict[str, Any], modified: dict[str, Any], schema: Struct,
              options: DiffOptions) -> dict[str, Any]:
    """``diffMaps``: the patch that turns ``original`` into ``modified``, per ``options``."""
    patch: dict[str, Any] = {}
    retain_keys: list[Any] = []
    for key, modified_value in modified.items():
        if options.build_retain_keys_directive and modified_value is not None:
            retain_keys.append(key)
        if key not in original:
            if not options.ignore_changes_and_additions:
                patch[key] = modified_value
            continue
        original_value = original[key]
        if key == DIRECTIVE_MARKER:
            if not isinstance(original_value, str) or not isinstance(modified_value, str):
                raise SMPError(f"invalid value for special key: {DIRECTIVE_MARKER}")
            if modified_value != original_value:
                patch[key] = modified_value
            continue
        if type(original_value) is not type(modified_value):
            if not options.ignore_changes_and_additions:
                patch[key] = modified_value
            continue
        if isinstance(original_value, dict):
            _handle_map_diff(key, original_value, modified_value, patch, schema, options)
        elif isinstance(original_value, list):
            _handle_slice_diff(key, original_value, modified_value, patch, schema, options)
        else:
            _replace_patch_field_if_not_equal(key, original_value, modified_value, patch, options)
    if not options.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    has_additional = any(v is not None and k not in modified for k, v in original.items())
    if retain_keys and (patch or has_additional):
        patch[RETAIN_KEYS_DIRECTIVE] = sort_scalars(retain_keys)
    return patch


def _handle_map_diff(key: str, original: dict[str, Any], modified: dict[str, Any],
                     patch: dict[str, Any], schema: Struct, options: DiffOptions) -> None:
    sub, strategy, _, retain = lookup(schema, key)
    options = replace(options, build_retain_keys_directive=retain)
    if strategy == REPLACE:
        if not options.ignore_changes_and_additions:
            patch[key] = modified
        return
    value = diff_maps(original, modified, sub, options)
    if value:
        patch[key] = value


def _handle_slice_diff(key: str, original: list[Any], modified: list[Any],
                       patch: dict[str, Any], schema: Struct, options: DiffOptions) -> None:
    sub, strategy, merge_key, retain = lookup(schema, key)
    if strategy != MERGE:
        _replace_patch_field_if_not_equal(key, original, modified, patch, options)
        return
    options = replace(options, build_retain_keys_directive=retain)
    additions, deletions, set_order = _diff_lists(original, modified, sub, merge_key, options)
    if additions:
        patch[key] = additions
    if deletions:
        patch[f"{DELETE_FROM_PRIMITIVE_LIST_PREFIX}/{key}"] = deletions
    if set_order:
        patch[f"{SET_ELEMENT_ORDER_PREFIX}/{key}"] = set_order


def _replace_patch_field_if_not_equal(key: str, original: Any, modified: Any,
                                      patch: dict[str, Any], options: DiffOptions) -> None:
    if options.ignore_changes_and_additions or deep_equal(original, modified):
        return
    patch[key] = modified


def _diff_lists(original: list[Any], modified: list[Any], schema: Struct, merge_key: str,
                options: DiffOptions) -> tuple[list[Any], list[Any], list[Any]]:
    """``diffLists``: (patch list, ``$deleteFromPrimitiveList``, ``$setElementOrder``)."""
    if not original:
        if not modified or options.ignore_changes_and_additions:
            return [], [], []
        return modified, [], []
    element_type = slice_element_type(original, modified)
    set_order: list[Any] = []
    if element_type is dict:
        patch_list, delete_list = _diff_lists_of_maps(original, modified, schema, merge_key,
                                                      options)
        patch_list = normalize_slice_order(patch_list, modified, merge_key, True)
        order_same = _is_order_same(original, modified, merge_key)
        patch_list = patch_list + delete_list
        delete_list = []
        # the order list is sent when the content or the order changes
        if options.set_element_order and (
                (not options.ignore_changes_and_additions and (patch_list or not order_same))
                or (not options.ignore_deletions and patch_list)):
            set_order = [{merge_key: v[merge_key]} for v in modified]
        return patch_list, delete_list, set_order
    if element_type is list:
        raise SMPError(ERR_NO_LIST_OF_LISTS)
    patch_list, delete_list = _diff_lists_of_scalars(original, modified, options)
    patch_list = normalize_slice_order(patch_list, modified, merge_key, False)
    # upstream compares the (now sorted in place) original with modified
    if options.set_element_order and (
            (not options.ignore_deletions and delete_list)
            or (not options.ignore_changes_and_additions
                and not deep_equal(original, modified))):
        set_order = modified
    return patch_list, delete_list, set_order


def _is_order_same(original: list[Any], modified: list[Any], merge_key: str) -> bool:
    if len(original) != len(modified):
        return False
    return all(merge_key_value_equal(o, m, merge_key)
               for o, m in zip(original, modified, strict=True))


def _diff_lists_of_scalars(original: list[Any], modified: list[Any],
                           options: DiffOptions) -> tuple[list[Any], list[Any]]:
    """``diffListsOfScalars``: additions and deletions, walking both lists sorted by text.

    Like upstream, ``original`` itself is sorted (in place)."""
    original_sorted = sort_scalars(original)
    modified_sorted = sort_scalars(list(modified))
    additions: list[Any] = []
    deletions: list[Any] = []
    i = j = 0
    while i < len(original_sorted) or j < len(modified_sorted):
        o_in = i < len(original_sorted)
        m_in = j < len(modified_sorted)
        o_str = go_value(original_sorted[i]) if o_in else ""
        m_str = go_value(modified_sorted[j]) if m_in else ""
        if o_in and m_in and o_str == m_str:
            i += 1
            j += 1
        elif not o_in or (o_in and m_in and o_str > m_str):
            if not options.ignore_changes_and_additions:
                additions.append(modified_sorted[j])
            j += 1
        else:
            if not options.ignore_deletions:
                deletions.append(original_sorted[i])
            i += 1
    return additions, deduplicate_scalars(deletions)


def _map_and_merge_key_value(items: list[Any], i: int, merge_key: str) -> tuple[dict, Any]:
    m = items[i]
    if not isinstance(m, dict):
        raise err_bad_arg_type(GO_MAP, m)
    if merge_key not in m:
        raise err_no_merge_key(m, merge_key)
    return m, m[merge_key]


def _diff_lists_of_maps(original: list[Any], modified: list[Any], schema: Struct, merge_key: str,
                        options: DiffOptions) -> tuple[list[Any], list[Any]]:
    """``diffListsOfMaps``: changed and added maps, and ``$patch: delete`` for removed ones."""
    patch: list[Any] = []
    deletions: list[Any] = []
    original_sorted = sort_merge_list_by_name(original, merge_key)
    modified_sorted = sort_merge_list_by_name(modified, merge_key)
    i = j = 0
    while i < len(original_sorted) or j < len(modified_sorted):
        o_in = i < len(original_sorted)
        m_in = j < len(modified_sorted)
        o_el: dict = {}
        m_el: dict = {}
        o_val = m_val = None
        o_str = m_str = ""
        if o_in:
            o_el, o_val = _map_and_merge_key_value(original_sorted, i, merge_key)
            o_str = go_value(o_val)
        if m_in:
            m_el, m_val = _map_and_merge_key_value(modified_sorted, j, merge_key)
            m_str = go_value(m_val)
        if o_in and m_in and o_str == m_str:
            value = diff_maps(o_el, m_el, schema, options)
            if value:
                value[merge_key] = m_val
                patch.append(value)
            i += 1
            j += 1
        elif not o_in or (o_in and m_in and o_str > m_str):
            if not options.ignore_changes_and_additions:
                patch.append(m_el)
            j += 1
        else:
            if not options.ignore_deletions:
                deletions.append({merge_key: o_val, DIRECTIVE_MARKER: DELETE_DIRECTIVE})
            i += 1
    return patch, deletions
