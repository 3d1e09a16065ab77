"""JSON merge patch: evanphx/json-patch v4 ``merge_test.go`` tables (RFC 7386 appendix cases
included), ``CreateMergePatch``, and kubectl's three-way JSON merge patch."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.patch import (
    PatchError,
    create_merge_patch,
    create_three_way_json_merge_patch,
    merge_patch,
)

# rfcTests of merge_test.go: doc | patch | result
RFC_CASES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ({"a": "foo"}, {"b": [3, None, {"x": None}]}, {"a": "foo", "b": [3, {}]}),
    ([1, 2], [1, None, 3], [1, 3]),
    ([1, 2], [1, None, 2], [1, 2]),
    ({"a": "b"}, {"a": [{"z": 1, "b": None}]}, {"a": [{"z": 1}]}),
    # TestMergePatchReplaceKey, ...IgnoresOtherValues, ...RecursesIntoObjects
    ({"title": "hello"}, {"title": "goodbye"}, {"title": "goodbye"}),
    ({"title": "hello", "age": 18}, {"title": "goodbye"}, {"title": "goodbye", "age": 18}),
    ({"person": {"title": "hello", "age": 18}}, {"person": {"title": "goodbye"}},
     {"person": {"title": "goodbye", "age": 18}}),
    # TestMergePatchReplacesNonObjectsWholesale
    ([1], [2], [2]),
    ({"a": 1}, [2], [2]),
    ([1], {"a": 1}, {"a": 1}),
    ({"a": 1, "b": 1}, {"a": 2}, {"a": 2, "b": 1}),
]


@pytest.mark.parametrize(("doc", "patch", "result"), RFC_CASES)
def test_merge_patch_rfc_cases(doc: Any, patch: Any, result: Any) -> None:
    assert merge_patch(doc, patch) == result


def test_merge_patch_keeps_nulls_in_a_list_that_replaces_an_object() -> None:
    # upstream prunes nulls only from values it adds to a non-object
    assert merge_patch({"a": {"x": 1}}, {"a": [None, 1]}) == {"a": [None, 1]}
    assert merge_patch({"a": 1}, {"a": [None, 1]}) == {"a": [1]}


def test_merge_patch_does_not_change_its_arguments() -> None:
    doc = {"a": {"b": 1}, "c": [1]}
    patch = {"a": {"b": None, "d": {"e": None}}}
    doc_before, patch_before = copy.deepcopy(doc), copy.deepcopy(patch)
    assert merge_patch(doc, patch) == {"a": {"d": {}}, "c": [1]}
    assert (doc, patch) == (doc_before, patch_before)


@pytest.mark.parametrize("patch", [None, "bar", 1, True])
def test_merge_patch_rfc_fail_cases(patch: Any) -> None:
    """rfcFailTests: a null or scalar patch is ``Invalid JSON Patch``, answered 400."""
    with pytest.raises(PatchError) as err:
        merge_patch({"a": "foo"}, patch)
    assert err.value.code == 400
    assert err.value.reason == "BadRequest"
    assert err.value.message == "Invalid JSON Patch"


def test_merge_patch_null_document() -> None:
    with pytest.raises(PatchError) as err:
        merge_patch(None, {"a": 1})
    assert (err.value.code, err.value.detail) == (500, "Invalid JSON Document")


# -- CreateMergePatch -----------------------------------------------------------------------------

COMPLEX = {"hello": "world", "t": True, "f": False, "n": None, "i": 123, "pi": 3.1416,
           "a": [1, 2, 3, 4],
           "nested": {"hello": "world", "t": True, "f": False, "n": None, "i": 123,
                      "pi": 3.1416, "a": [1, 2, 3, 4]}}


@pytest.mark.parametrize(("original", "modified", "patch"), [
    # TestMergeReplaceKey
    ({"title": "hello", "nested": {"one": 1, "two": 2}},
     {"title": "goodbye", "nested": {"one": 2, "two": 2}},
     {"title": "goodbye", "nested": {"one": 2}}),
    # TestMergeGetArray
    ({"title": "hello", "array": ["one", "two"], "notmatch": [1, 2, 3]},
     {"title": "hello", "array": ["one", "two", "three"], "notmatch": [1, 2, 3]},
     {"array": ["one", "two", "three"]}),
    # TestMergeGetObjArray
    ({"array": [{"banana": True}, {"evil": False}], "notmatch": [{"one": 1}, {"two": 2}]},
     {"array": [{"banana": False}, {"evil": True}], "notmatch": [{"one": 1}, {"two": 2}]},
     {"array": [{"banana": False}, {"evil": True}]}),
    # TestMergeDeleteKey
    ({"title": "hello", "nested": {"one": 1, "two": 2}},
     {"title": "hello", "nested": {"one": 1}}, {"nested": {"two": None}}),
    # TestMergeEmptyArray
    ({"array": None}, {"array": []}, {"array": []}),
    # TestMergeObjArray, TestMergeComplexMatch
    ({"array": [{"a": {"b": 2}}, {"a": {"b": 3}}]}, {"array": [{"a": {"b": 2}}, {"a": {"b": 3}}]},
     {}),
    (COMPLEX, COMPLEX, {}),
    # TestMergeComplexAddAll, TestMergeComplexRemoveAll
    ({}, COMPLEX, COMPLEX),
    (COMPLEX, {}, {k: None for k in COMPLEX}),
    # numbers compare as Go's float64: 1 and 1.0 are equal
    ({"a": 1}, {"a": 1.0}, {}),
])
def test_create_merge_patch(original: Any, modified: Any, patch: Any) -> None:
    assert create_merge_patch(original, modified) == patch


def test_created_patch_turns_original_into_modified() -> None:
    original = {"a": 1, "b": {"c": [1, 2], "d": "x"}, "e": True}
    modified = {"a": 2, "b": {"c": [2], "f": {"g": 1}}, "h": "new"}
    assert merge_patch(original, create_merge_patch(original, modified)) == modified


def test_create_merge_patch_mismatched_documents() -> None:
    with pytest.raises(PatchError) as err:
        create_merge_patch({"a": 1}, [1])
    assert err.value.detail == "Mismatched JSON Documents"


# -- CreateThreeWayJSONMergePatch (kubectl apply of a custom resource) ----------------------------


def test_three_way_json_merge_patch() -> None:
    original = {"spec": {"size": 1, "color": "red", "tags": ["a"]}}
    modified = {"spec": {"size": 2, "tags": ["a", "b"]}}
    current = {"spec": {"size": 1, "color": "red", "tags": ["a"], "owner": "controller"},
               "status": {"ready": True}}
    patch = create_three_way_json_merge_patch(original, modified, current)
    assert patch == {"spec": {"size": 2, "tags": ["a", "b"], "color": None}}
    assert merge_patch(current, patch) == {
        "spec": {"size": 2, "tags": ["a", "b"], "owner": "controller"},
        "status": {"ready": True}}


def test_three_way_json_merge_patch_without_original_never_deletes() -> None:
    patch = create_three_way_json_merge_patch(None, {"a": {"b": 1}}, {"a": {"c": 2}, "d": 3})
    assert patch == {"a": {"b": 1}}


def test_three_way_json_merge_patch_keeps_explicit_empty_map() -> None:
    patch = create_three_way_json_merge_patch({"a": {"x": 1}}, {"a": {}}, {"a": {"x": 1}})
    assert patch == {"a": {"x": None}}
    patch = create_three_way_json_merge_patch({}, {"a": {}}, {})
    assert patch == {"a": {}}
