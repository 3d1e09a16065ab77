"""JSON patch: RFC 6902 appendix A examples, evanphx/json-patch v4 behaviour and error texts,
and the API server's answers (400 / 413 / 422)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.patch import PatchError, apply_json_patch
from k8s_internals.api.patch.json_patch import decode_pointer_token

# RFC 6902 appendix A (the examples that succeed)
RFC_CASES: list[tuple[str, Any, list[dict[str, Any]], Any]] = [
    ("A.1 add an object member", {"foo": "bar"},
     [{"op": "add", "path": "/baz", "value": "qux"}], {"baz": "qux", "foo": "bar"}),
    ("A.2 add an array element", {"foo": ["bar", "baz"]},
     [{"op": "add", "path": "/foo/1", "value": "qux"}], {"foo": ["bar", "qux", "baz"]}),
    ("A.3 remove an object member", {"baz": "qux", "foo": "bar"},
     [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
    ("A.4 remove an array element", {"foo": ["bar", "qux", "baz"]},
     [{"op": "remove", "path": "/foo/1"}], {"foo": ["bar", "baz"]}),
    ("A.5 replace a value", {"baz": "qux", "foo": "bar"},
     [{"op": "replace", "path": "/baz", "value": "boo"}], {"baz": "boo", "foo": "bar"}),
    ("A.6 move a value", {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
     [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
     {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
    ("A.7 move an array element", {"foo": ["all", "grass", "cows", "eat"]},
     [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
     {"foo": ["all", "cows", "eat", "grass"]}),
    ("A.8 test a value: success", {"baz": "qux", "foo": ["a", 2, "c"]},
     [{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}],
     {"baz": "qux", "foo": ["a", 2, "c"]}),
    ("A.10 add a nested member object", {"foo": "bar"},
     [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
     {"foo": "bar", "child": {"grandchild": {}}}),
    ("A.11 ignore unrecognized elements", {"foo": "bar"},
     [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}], {"foo": "bar", "baz": "qux"}),
    ("A.14 ~ escape ordering", {"/": 9, "~1": 10},
     [{"op": "test", "path": "/~01", "value": 10}], {"/": 9, "~1": 10}),
    ("A.16 add an array value", {"foo": ["bar"]},
     [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
     {"foo": ["bar", ["abc", "def"]]}),
    ("copy", {"foo": {"bar": [1]}}, [{"op": "copy", "from": "/foo/bar", "path": "/baz"}],
     {"foo": {"bar": [1]}, "baz": [1]}),
    ("~1 is a slash", {"a/b": 1}, [{"op": "replace", "path": "/a~1b", "value": 2}], {"a/b": 2}),
    ("the whole document: replace and test", {"a": 1},
     [{"op": "replace", "path": "", "value": {"b": 2}},
      {"op": "test", "path": "", "value": {"b": 2}}],
     {"b": 2}),
    ("test of a missing key for null", {"a": 1}, [{"op": "test", "path": "/b", "value": None}],
     {"a": 1}),
    ("test of an explicit null", {"a": None}, [{"op": "test", "path": "/a", "value": None}],
     {"a": None}),
]


@pytest.mark.parametrize(("name", "doc", "patch", "result"), RFC_CASES,
                         ids=[c[0] for c in RFC_CASES])
def test_rfc6902_examples(name: str, doc: Any, patch: list[dict[str, Any]], result: Any) -> None:
    before = copy.deepcopy(doc)
    assert apply_json_patch(doc, patch) == result
    assert doc == before


# evanphx/json-patch v4 behaviour that differs from the RFC (a real API server does the same)
QUIRKS: list[tuple[str, Any, list[dict[str, Any]], Any]] = [
    ("replace of a missing object key adds it", {"a": 1},
     [{"op": "replace", "path": "/b", "value": 2}], {"a": 1, "b": 2}),
    ("negative index counts from the end", {"a": [1, 2, 3]},
     [{"op": "remove", "path": "/a/-1"}], {"a": [1, 2]}),
    ("add at -1 appends", {"a": [1, 2]}, [{"op": "add", "path": "/a/-1", "value": 3}],
     {"a": [1, 2, 3]}),
    ("copy of a missing key copies null", {"a": 1},
     [{"op": "copy", "from": "/missing", "path": "/b"}], {"a": 1, "b": None}),
    ("replace of the document by a scalar is ignored", {"a": 1},
     [{"op": "replace", "path": "", "value": 5}], {"a": 1}),
    ("a pointer without leading slash drops its first segment", {"a": {"b": 1}},
     [{"op": "replace", "path": "x/a", "value": 2}], {"a": 2}),
    ("add without value adds null", {}, [{"op": "add", "path": "/a"}], {"a": None}),
    ("the document may be a list", [1, 2], [{"op": "add", "path": "/0", "value": 0}], [0, 1, 2]),
]


@pytest.mark.parametrize(("name", "doc", "patch", "result"), QUIRKS, ids=[c[0] for c in QUIRKS])
def test_library_behaviour(name: str, doc: Any, patch: list[dict[str, Any]], result: Any) -> None:
    assert apply_json_patch(doc, patch) == result


POD = {"metadata": {"name": "web", "labels": {"app": "web"}},
       "spec": {"replicas": 1, "containers": [{"name": "app", "image": "nginx"}]}}

ERRORS: list[tuple[list[dict[str, Any]], str]] = [
    ([{"op": "test", "path": "/spec/replicas", "value": 2}],
     "testing value /spec/replicas failed: test failed"),
    ([{"op": "test", "path": "/spec/replicas", "value": 1.0}],
     "testing value /spec/replicas failed: test failed"),
    ([{"op": "test", "path": "/metadata/labels/app", "value": None}],
     "testing value /metadata/labels/app failed: test failed"),
    ([{"op": "test", "path": "/metadata/missing", "value": "x"}],
     "testing value /metadata/missing failed: test failed"),
    ([{"op": "test", "path": "", "value": {}}], "testing value  failed: test failed"),
    ([{"op": "test", "path": "/nope/x", "value": 1}],
     "test operation does not apply: is missing path: /nope/x: missing value"),
    ([{"op": "add", "path": "/nope/x", "value": 1}],
     'add operation does not apply: doc is missing path: "/nope/x": missing value'),
    ([{"op": "add", "path": "", "value": 1}],
     'add operation does not apply: doc is missing path: "": missing value'),
    ([{"op": "add", "path": "/spec/containers/5", "value": {}}],
     "error in add for path: '/spec/containers/5': Unable to access invalid index: 5: "
     "invalid index referenced"),
    ([{"op": "add", "path": "/spec/containers/x", "value": {}}],
     "error in add for path: '/spec/containers/x': value was not a proper array index: 'x': "
     'strconv.Atoi: parsing "x": invalid syntax'),
    ([{"op": "add"}], "add operation failed to decode path: missing value"),
    ([{"op": "remove", "path": "/metadata/labels/tier"}],
     "error in remove for path: '/metadata/labels/tier': Unable to remove nonexistent key: "
     "tier: missing value"),
    ([{"op": "remove", "path": "/spec/containers/1"}],
     "error in remove for path: '/spec/containers/1': Unable to access invalid index: 1: "
     "invalid index referenced"),
    ([{"op": "remove", "path": "/a/b"}],
     'remove operation does not apply: doc is missing path: "/a/b": missing value'),
    ([{"op": "replace", "path": "/spec/containers/3", "value": {}}],
     "replace operation does not apply: doc is missing key: /spec/containers/3: missing value"),
    ([{"op": "replace", "path": "/x/y", "value": 1}],
     "replace operation does not apply: doc is missing path: /x/y: missing value"),
    ([{"op": "replace", "value": 1}],
     "replace operation failed to decode path: operation missing path field: missing value"),
    ([{"op": "replace", "path": 5, "value": 1}],
     "replace operation failed to decode path: json: cannot unmarshal number into Go value of "
     "type string"),
    ([{"op": "move", "from": "/metadata/nope", "path": "/x"}],
     "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value"),
    ([{"op": "move", "from": "/x/y", "path": "/z"}],
     "move operation does not apply: doc is missing from path: /x/y: missing value"),
    ([{"op": "move", "path": "/z"}],
     "move operation failed to decode from: operation, missing from field: missing value"),
    ([{"op": "move", "from": "/metadata/name", "path": "/x/y"}],
     "move operation does not apply: doc is missing destination path: /x/y: missing value"),
    ([{"op": "copy", "from": "/metadata/name", "path": "/x/y"}],
     "copy operation does not apply: doc is missing destination path: /x/y: missing value"),
    ([{"op": "copy", "from": "/spec/containers/9", "path": "/x"}],
     "error in copy for from: '/spec/containers/9': Unable to access invalid index: 9: "
     "invalid index referenced"),
    ([{"op": "merge", "path": "/x"}], "Unexpected kind: merge"),
    ([{"path": "/x"}], "Unexpected kind: unknown"),
    ([None], "Unexpected kind: unknown"),
]


@pytest.mark.parametrize(("patch", "detail"), ERRORS, ids=[e[1][:60] for e in ERRORS])
def test_errors_answer_422_with_the_library_text_as_detail(patch: list[dict[str, Any]],
                                                           detail: str) -> None:
    with pytest.raises(PatchError) as err:
        apply_json_patch(POD, patch)
    assert err.value.detail == detail
    assert err.value.status == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid", "details": {}, "code": 422}


def test_a_failed_operation_leaves_no_partial_result() -> None:
    doc = copy.deepcopy(POD)
    with pytest.raises(PatchError):
        apply_json_patch(doc, [{"op": "replace", "path": "/spec/replicas", "value": 3},
                               {"op": "test", "path": "/spec/replicas", "value": 1}])
    assert doc == POD


@pytest.mark.parametrize(("patch", "message"), [
    ({"op": "add"}, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    ("x", "json: cannot unmarshal string into Go value of type jsonpatch.Patch"),
    ([1], "json: cannot unmarshal number into Go value of type jsonpatch.Operation"),
    ([["add"]], "json: cannot unmarshal array into Go value of type jsonpatch.Operation"),
])
def test_undecodable_patch_answers_400(patch: Any, message: str) -> None:
    with pytest.raises(PatchError) as err:
        apply_json_patch(POD, patch)
    assert (err.value.code, err.value.reason, err.value.message) == (400, "BadRequest", message)


def test_null_patch_is_empty() -> None:
    assert apply_json_patch(POD, None) == POD


def test_too_many_operations_answer_413() -> None:
    patch = [{"op": "test", "path": "/metadata/name", "value": "web"}] * 10001
    with pytest.raises(PatchError) as err:
        apply_json_patch(POD, patch)
    assert err.value.code == 413
    assert err.value.message == ("Request entity too large: The allowed maximum operations in a "
                                 "JSON patch is 10000, got 10001")


def test_added_values_do_not_alias_the_patch() -> None:
    value = {"k": "v"}
    result = apply_json_patch({}, [{"op": "add", "path": "/a", "value": value},
                                   {"op": "add", "path": "/a/k2", "value": 1}])
    assert result == {"a": {"k": "v", "k2": 1}}
    assert value == {"k": "v"}


@pytest.mark.parametrize(("token", "decoded"), [
    ("a~1b", "a/b"), ("m~0n", "m~n"), ("~01", "~1"), ("~10", "/0"), ("plain", "plain"),
])
def test_pointer_unescaping(token: str, decoded: str) -> None:
    assert decode_pointer_token(token) == decoded


def test_scale_like_a_kubectl_patch() -> None:
    patch = [{"op": "test", "path": "/metadata/labels/app", "value": "web"},
             {"op": "add", "path": "/metadata/labels/tier", "value": "front"},
             {"op": "add", "path": "/spec/containers/-", "value": {"name": "log", "image": "b"}},
             {"op": "replace", "path": "/spec/replicas", "value": 3}]
    result = apply_json_patch(POD, patch)
    assert result["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert [c["name"] for c in result["spec"]["containers"]] == ["app", "log"]
    assert result["spec"]["replicas"] == 3
