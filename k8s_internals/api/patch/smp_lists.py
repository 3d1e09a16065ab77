"""The list machinery of strategic merge patch: Go value semantics, upstream's sorts, the order
of merged lists, and the errors.

Upstream: ``staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`` (``sortScalars``,
``deduplicateScalars``, ``sortMergeListsByNameArray``, ``normalizeSliceOrder``,
``mergeSortedSlice``, ``normalizeElementOrder``, ``partitionMapsByPresentInList``,
``findMapInSliceBasedOnKeyValue``, ``sliceElementType``, ``extractRetainKeysPatchStrategy``) and
``apimachinery/pkg/util/mergepatch/errors.go``; how the API server answers each error is
``interpretStrategicMergePatchError`` in ``apiserver/pkg/endpoints/handlers/patch.go``.

Go compares interface values by dynamic type and value, so ``1``, ``1.0`` and ``true`` are three
different merge keys here too (:func:`same`, :func:`scalar_key`).
"""

from __future__ import annotations

from typing import Any

from . import gosort
from .errors import (
    ERR_BAD_JSON_DOC,
    ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST,
    ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS,
    ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST,
    ERR_NO_LIST_OF_LISTS,
    ERR_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS,
    ERR_UNSUPPORTED_STRATEGIC_MERGE_PATCH_FORMAT,
    PatchError,
    bad_request,
    go_type,
    go_value,
    not_applicable,
    server_error,
)
from .schema import RETAIN_KEYS, Struct

__all__ = [
    "ABSENT",
    "DELETE_DIRECTIVE",
    "DELETE_FROM_PRIMITIVE_LIST_PREFIX",
    "DIRECTIVE_MARKER",
    "GO_MAP",
    "GO_SLICE",
    "MERGE_DIRECTIVE",
    "REPLACE_DIRECTIVE",
    "RETAIN_KEYS_DIRECTIVE",
    "SET_ELEMENT_ORDER_PREFIX",
    "SMPError",
    "deduplicate_scalars",
    "deep_equal",
    "err_bad_arg_type",
    "err_bad_patch_type",
    "err_no_merge_key",
    "extract_retain_keys_patch_strategy",
    "extract_to_delete_items",
    "find_map_in_slice",
    "index",
    "json_capacity",
    "lookup",
    "merge_key_value",
    "merge_key_value_equal",
    "merge_sorted_slice",
    "normalize_element_order",
    "normalize_slice_order",
    "partition",
    "partition_maps",
    "partition_primitives",
    "same",
    "scalar_key",
    "server_order_seen_by_upstream",
    "slice_element_type",
    "sort_maps_based_on_field",
    "sort_merge_list_by_name",
    "sort_scalars",
    "to_patch_error",
    "validate_merge_key_in_lists",
]

DIRECTIVE_MARKER = "$patch"
DELETE_DIRECTIVE = "delete"
REPLACE_DIRECTIVE = "replace"
MERGE_DIRECTIVE = "merge"
DELETE_FROM_PRIMITIVE_LIST_PREFIX = "$deleteFromPrimitiveList"
RETAIN_KEYS_DIRECTIVE = "$" + RETAIN_KEYS
SET_ELEMENT_ORDER_PREFIX = "$setElementOrder"

#: A missing map key (``None`` is JSON null).
ABSENT = object()


class SMPError(Exception):
    """A Go error inside the algorithm; the public functions turn it into a PatchError."""


# interpretStrategicMergePatchError (apiserver/pkg/endpoints/handlers/patch.go)
_BAD_REQUEST_ERRORS = {
    ERR_BAD_JSON_DOC,
    ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST,
    ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS,
    ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST,
    ERR_UNSUPPORTED_STRATEGIC_MERGE_PATCH_FORMAT,
}
_UNPROCESSABLE_ERRORS = {ERR_NO_LIST_OF_LISTS, ERR_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS}


def to_patch_error(err: SMPError) -> PatchError:
    """The API server's answer to a library error (``interpretStrategicMergePatchError``)."""
    text = str(err)
    if text in _BAD_REQUEST_ERRORS:
        return bad_request(text)
    if text in _UNPROCESSABLE_ERRORS:
        return not_applicable(text)
    return server_error(text)


def err_no_merge_key(m: Any, key: str) -> SMPError:
    return SMPError(f"map: {go_value(m)} does not contain declared merge key: {key}")


def err_bad_arg_type(expected: str, actual: Any) -> SMPError:
    return SMPError(f"expected a {expected}, but received a {go_type(actual)}")


GO_MAP = "map[string]interface {}"
GO_SLICE = "[]interface {}"


def err_bad_patch_type(t: Any, m: Any) -> SMPError:
    return SMPError(f"unknown patch type: {go_value(t)} in map: {go_value(m)}")


# -- Go value semantics ---------------------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    """Go's ``==`` on two interface values holding scalars: same dynamic type and value."""
    return type(a) is type(b) and a == b


def deep_equal(a: Any, b: Any) -> bool:
    """``reflect.DeepEqual`` on decoded JSON."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def scalar_key(value: Any) -> tuple[type, Any]:
    """A hashable key with Go's equality (``1 != true``, ``1 != 1.0``)."""
    return (type(value), value)


def slice_element_type(*slices: list[Any]) -> type:
    """``sliceElementType``: the one element type of all the slices."""
    prev: Any = ABSENT
    for s in slices:
        for v in s:
            if prev is ABSENT:
                prev = type(v)
                if prev is list:
                    raise SMPError(ERR_NO_LIST_OF_LISTS)
            elif prev is not type(v):
                raise SMPError("list element types are not identical: "
                               + go_value([list(x) for x in slices]))
    if prev is ABSENT:
        raise SMPError("no elements in any of the given slices")
    return prev  # type: ignore[no-any-return]


def extract_retain_keys_patch_strategy(strategies: tuple[str, ...]) -> tuple[bool, str]:
    """``extractRetainKeysPatchStrategy``: (has retainKeys, the other strategy)."""
    if not strategies:
        return False, ""
    if len(strategies) == 1:
        if strategies[0] == RETAIN_KEYS:
            return True, ""
        return False, strategies[0]
    if len(strategies) == 2:
        if strategies[0] == RETAIN_KEYS:
            return True, strategies[1]
        if strategies[1] == RETAIN_KEYS:
            return True, strategies[0]
    raise SMPError(f"unexpected patch strategy: {go_value(list(strategies))}")


def lookup(schema: Struct, key: str) -> tuple[Struct, str, str, bool]:
    """(sub-schema, patch strategy, merge key, retainKeys) of ``key``."""
    sub, meta = schema.lookup(key)
    retain, strategy = extract_retain_keys_patch_strategy(meta.strategies)
    return sub, strategy, meta.merge_key, retain


# -- sorting helpers (sortScalars, sortMapsBasedOnField, deduplicateScalars) -----------------------


def sort_scalars(s: list[Any]) -> list[Any]:
    """``sortScalars``: in place, by ``%v`` text, with ``sort.Sort`` and a ``<=`` comparison."""
    gosort.insertion_sort(s, lambda x, y: go_value(x) <= go_value(y))
    return s


def sort_maps_based_on_field(items: list[Any], field: str) -> list[Any]:
    out = list(items)
    gosort.insertion_sort(out, lambda x, y: go_value(x.get(field)) <= go_value(y.get(field)))
    return out


def deduplicate_scalars(s: list[Any]) -> list[Any]:
    """``deduplicateScalars``: Go's "clever algorithm", which moves the last item into a hole."""
    length = len(s) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if same(s[i], s[j]):
                s[j] = s[length]
                del s[length:]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return s


def sort_merge_list_by_name(s: list[Any], merge_key: str) -> list[Any]:
    """``sortMergeListsByNameArray`` without recursion, as ``diffListsOfMaps`` calls it."""
    if not s:
        return s
    if slice_element_type(s) is not dict:
        return sort_scalars(deduplicate_scalars(s))
    return sort_maps_based_on_field(s, merge_key)


# -- order normalization (mergeSortedSlice, normalizeSliceOrder, ...) -----------------------------


def merge_key_value(item: Any, merge_key: str, is_map: bool) -> Any:
    if not is_map:
        return item
    return item.get(merge_key) if isinstance(item, dict) else None


def index(items: list[Any], value: Any, merge_key: str, is_map: bool) -> int:
    """``index``: position of ``value`` in ``items`` (by merge key for maps), or -1."""
    wanted = merge_key_value(value, merge_key, is_map)
    for i, v in enumerate(items):
        if same(wanted, merge_key_value(v, merge_key, is_map)):
            return i
    return -1


def validate_merge_key_in_lists(merge_key: str, *lists: list[Any]) -> None:
    for items in lists:
        for item in items:
            if not isinstance(item, dict):
                raise err_bad_arg_type(GO_MAP, item)
            if merge_key not in item:
                raise err_no_merge_key(item, merge_key)


def extract_to_delete_items(items: list[Any]) -> tuple[list[Any], list[Any]]:
    keep: list[Any] = []
    to_delete: list[Any] = []
    for v in items:
        if not isinstance(v, dict):
            raise err_bad_arg_type(GO_MAP, v)
        if same(v.get(DIRECTIVE_MARKER, ABSENT), DELETE_DIRECTIVE):
            to_delete.append(v)
        else:
            keep.append(v)
    return keep, to_delete


def normalize_slice_order(to_sort: list[Any], order: list[Any], merge_key: str,
                          is_map: bool) -> list[Any]:
    """``normalizeSliceOrder``: sort ``to_sort`` by ``order``; ``$patch: delete`` items last."""
    to_delete: list[Any] = []
    if is_map:
        validate_merge_key_in_lists(merge_key, to_sort, order)
        to_sort, to_delete = extract_to_delete_items(to_sort)
    else:
        to_sort = list(to_sort)

    def less(x: Any, y: Any) -> bool:
        ix = index(order, x, merge_key, is_map)
        if ix >= 0:
            iy = index(order, y, merge_key, is_map)
            if iy >= 0:
                return ix < iy
        return True

    gosort.slice_stable(to_sort, less)
    return to_sort + to_delete


def merge_sorted_slice(left: list[Any], right: list[Any], server_order: list[Any],
                       merge_key: str, is_map: bool) -> list[Any]:
    """``mergeSortedSlice``: interleave ``left`` (server-only) into ``right`` (patch items)."""

    def less(x: Any, y: Any) -> tuple[bool, bool]:
        ix = index(server_order, x, merge_key, is_map)
        iy = index(server_order, y, merge_key, is_map)
        if ix >= 0 and iy >= 0:
            return ix < iy, True
        return False, False

    out: list[Any] = []
    i = j = 0
    for _ in range(len(left) + len(right)):
        if i >= len(left) and j < len(right):
            out.append(right[j])
            j += 1
        elif j >= len(right) and i < len(left):
            out.append(left[i])
            i += 1
        else:
            is_less, found_both = less(left[i], right[j])
            if found_both and is_less:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def normalize_element_order(patch: list[Any], server_only: list[Any], patch_order: list[Any],
                            server_order: list[Any], merge_key: str, is_map: bool) -> list[Any]:
    patch = normalize_slice_order(patch, patch_order, merge_key, is_map)
    server_only = normalize_slice_order(server_only, server_order, merge_key, is_map)
    return merge_sorted_slice(server_only, patch, server_order, merge_key, is_map)


def find_map_in_slice(items: list[Any], key: str, value: Any) -> tuple[dict | None, int]:
    """``findMapInSliceBasedOnKeyValue``: the first map whose ``key`` equals ``value``."""
    for i, v in enumerate(items):
        if not isinstance(v, dict):
            raise SMPError(f"value for key {i} is not a map.")
        if key in v and same(v[key], value):
            return v, i
    return None, -1


def partition_primitives(items: list[Any], partition_by: list[Any]) -> tuple[list, list]:
    present = {scalar_key(v) for v in partition_by}
    patch = [v for v in items if scalar_key(v) in present]
    server_only = [v for v in items if scalar_key(v) not in present]
    return patch, server_only


def partition_maps(items: list[Any], partition_by: list[Any], merge_key: str) -> tuple[list, list]:
    patch: list[Any] = []
    server_only: list[Any] = []
    for v in items:
        if not isinstance(v, dict):
            raise err_bad_arg_type(GO_MAP, v)
        if merge_key not in v:
            raise err_no_merge_key(v, merge_key)
        found, _ = find_map_in_slice(partition_by, merge_key, v[merge_key])
        (patch if found is not None else server_only).append(v)
    return patch, server_only


def partition(items: list[Any], partition_by: list[Any], merge_key: str) -> tuple[list, list]:
    if not merge_key:
        return partition_primitives(items, partition_by)
    return partition_maps(items, partition_by, merge_key)


def merge_key_value_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return same(left, right)
    if not isinstance(left, dict):
        raise err_bad_arg_type(GO_MAP, left)
    if not isinstance(right, dict):
        raise err_bad_arg_type(GO_MAP, right)
    if merge_key not in left:
        raise err_no_merge_key(left, merge_key)
    if merge_key not in right:
        raise err_no_merge_key(right, merge_key)
    return same(left[merge_key], right[merge_key])


def json_capacity(length: int) -> int:
    """The capacity encoding/json gives a decoded list of ``length`` items: it appends one item
    at a time to ``make([]any, 0)``, so Go's growth rule doubles the capacity (16-byte items
    fall exactly on allocator size classes), and grows by about 1.25x past 256."""
    cap = 0
    while cap < length:
        if cap == 0:
            cap = 1
        elif cap < 256:
            cap *= 2
        else:
            cap += (cap + 3 * 256) >> 2
    return cap


def server_order_seen_by_upstream(original: list[Any], patch: list[Any], merge_key: str,
                                  is_map: bool) -> list[Any]:
    """The live list as ``mergePatchIntoOriginal`` sees it *after* ``mergeSlice`` ran.

    Upstream keeps a Go slice of the live list and sorts the server-only items by it once the
    merge is done; but ``mergeSlice`` shifted deleted items out of that slice's backing array in
    place (``append(s[:i], s[i+1:]...)``), wrote added items into its spare capacity
    (``append``), and de-duplicated scalars in place. The final order depends on those writes,
    so they are replayed here, on a backing array with encoding/json's capacity."""
    n = len(original)
    backing: list[Any] = list(original) + [None] * (json_capacity(n) - n)
    if is_map:
        length = n
        replace_all = False
        plain: list[Any] = []
        for v in patch:
            if DIRECTIVE_MARKER not in v:
                plain.append(v)
            elif same(v[DIRECTIVE_MARKER], DELETE_DIRECTIVE) and merge_key in v:
                while True:
                    _, i = find_map_in_slice(backing[:length], merge_key, v[merge_key])
                    if i < 0:
                        break
                    backing[i:length - 1] = backing[i + 1:length]
                    length -= 1
            elif same(v[DIRECTIVE_MARKER], REPLACE_DIRECTIVE):
                replace_all = True
        if not replace_all:
            for v in plain:
                if merge_key not in v or find_map_in_slice(backing[:length], merge_key,
                                                            v[merge_key])[0] is not None:
                    continue
                if length == len(backing):
                    break  # append reallocated: the live array is no longer written
                backing[length] = v
                length += 1
        return backing[:n]
    if n + len(patch) > len(backing):
        return list(original)  # append(original, patch...) reallocated
    backing[n:n + len(patch)] = patch
    last = n + len(patch) - 1
    i = 0
    while i < last:  # deduplicateScalars on the shared array
        j = i + 1
        while j <= last:
            if same(backing[i], backing[j]):
                backing[j] = backing[last]
                last -= 1
                j -= 1
            j += 1
        i += 1
    return backing[:n]
