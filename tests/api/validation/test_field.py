"""``field.Path``, ``field.Error`` and the 422 Status of ``NewInvalid``.

Upstream: staging/src/k8s.io/apimachinery/pkg/util/validation/field/{path,errors}_test.go,
staging/src/k8s.io/apimachinery/pkg/api/errors/errors_test.go (TestNewInvalid).
"""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.validation.field import (
    OMIT_VALUE,
    ErrorList,
    ErrorType,
    FieldError,
    GoStruct,
    Path,
    aggregate_message,
    duplicate,
    forbidden,
    go_json,
    go_quote,
    group_kind_string,
    internal_error,
    invalid,
    invalid_message,
    invalid_status,
    not_found,
    not_supported,
    required,
    too_long,
    too_long_characters,
    too_many,
)

# --- path.go ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # path_test.go TestPath
        (Path("root"), "root"),
        (Path("root").index(42), "root[42]"),
        (Path("root").child("first").index(42).child("second"), "root.first[42].second"),
        (Path("root").key("key").child("child"), "root[key].child"),
        (Path("root", "first", "second"), "root.first.second"),
        (Path("metadata").child("name"), "metadata.name"),
        (Path("spec").child("template", "spec", "containers").index(0).child("name"),
         "spec.template.spec.containers[0].name"),
        (Path("metadata").child("labels").key("app.kubernetes.io/name"),
         "metadata.labels[app.kubernetes.io/name]"),
        (Path("spec").index(1).index(2), "spec[1][2]"),
    ],
)
def test_path_string(path: Path, expected: str) -> None:
    assert str(path) == expected


def test_path_root_and_equality() -> None:
    p = Path("spec").child("containers").index(3)
    assert str(p.root()) == "spec"
    assert p == Path("spec").child("containers").index(3)
    assert hash(p) == hash(Path("spec").child("containers").index(3))
    assert p != Path("spec").child("containers").index(4)


def test_nil_path_prints_nil() -> None:
    # A nil *Path prints "<nil>" (fmt of a nil pointer passed to %s).
    assert invalid(None, "x", "d").field == "<nil>"


# --- ErrorType -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("etype", "cause", "text"),
    [
        (ErrorType.NOT_FOUND, "FieldValueNotFound", "Not found"),
        (ErrorType.REQUIRED, "FieldValueRequired", "Required value"),
        (ErrorType.DUPLICATE, "FieldValueDuplicate", "Duplicate value"),
        (ErrorType.INVALID, "FieldValueInvalid", "Invalid value"),
        (ErrorType.NOT_SUPPORTED, "FieldValueNotSupported", "Unsupported value"),
        (ErrorType.FORBIDDEN, "FieldValueForbidden", "Forbidden"),
        (ErrorType.TOO_LONG, "FieldValueTooLong", "Too long"),
        (ErrorType.TOO_MANY, "FieldValueTooMany", "Too many"),
        (ErrorType.INTERNAL, "InternalError", "Internal error"),
        (ErrorType.TYPE_INVALID, "FieldValueTypeInvalid", "Invalid value"),
    ],
)
def test_error_type_strings(etype: ErrorType, cause: str, text: str) -> None:
    assert etype.value == cause
    assert etype.message == text
    assert str(etype) == text


# --- ErrorBody / Error() --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("err", "expected"),
    [
        # errors_test.go TestErrorBody / TestNotSupported
        (invalid(Path("bla"), 2, "details"), "Invalid value: 2: details"),
        (invalid(Path("bla"), "bar", "deet"), 'Invalid value: "bar": deet'),
        (not_supported(Path("f"), "v", ["a", "b", "c"]),
         'Unsupported value: "v": supported values: "a", "b", "c"'),
        (not_supported(Path("f"), "v"), 'Unsupported value: "v"'),
        (required(Path("f"), ""), "Required value"),
        (required(Path("f"), "must be set"), "Required value: must be set"),
        (forbidden(Path("f"), "disallowed"), "Forbidden: disallowed"),
        (duplicate(Path("f"), "x"), 'Duplicate value: "x"'),
        (not_found(Path("f"), "x"), 'Not found: "x"'),
        (internal_error(Path("f"), ValueError("e")), "Internal error: e"),
        (invalid(Path("f"), True, "d"), "Invalid value: true: d"),
        (invalid(Path("f"), -1, "must be greater than or equal to 0"),
         "Invalid value: -1: must be greater than or equal to 0"),
        (invalid(Path("f"), 0.5, "d"), "Invalid value: 0.5: d"),
        (invalid(Path("f"), 1e21, "d"), "Invalid value: 1e+21: d"),
        (invalid(Path("f"), "", "d"), 'Invalid value: "": d'),
        # strings use Go's %q: escapes and non-printables
        (invalid(Path("f"), 'a"b\\c\n', "d"), r'Invalid value: "a\"b\\c\n": d'),
        (invalid(Path("f"), "\x00\x7f", "d"), r'Invalid value: "\x00\x7f": d'),
        (invalid(Path("f"), "é✓", "d"), 'Invalid value: "é✓": d'),
        # non-scalar values print as JSON (Go maps with sorted keys)
        (invalid(Path("f"), {"b": 1, "a": "x"}, "d"), 'Invalid value: {"a":"x","b":1}: d'),
        (invalid(Path("f"), ["a", 1], "d"), 'Invalid value: ["a",1]: d'),
        (invalid(Path("f"), GoStruct(Name="", Protocol="TCP"), "d"),
         'Invalid value: {"Name":"","Protocol":"TCP"}: d'),
        (invalid(Path("f"), {"k": "<&>"}, "d"), r'Invalid value: {"k":"\u003c\u0026\u003e"}: d'),
        # TooLong never shows the value; TooMany shows the count unless it is unknown
        (too_long(Path("f"), 262144), "Too long: may not be more than 262144 bytes"),
        (too_long(Path("f"), 1), "Too long: may not be more than 1 byte"),
        (too_long(Path("f"), -1), "Too long: value is too long"),
        (too_long_characters(Path("f"), 63), "Too long: may not be more than 63 characters"),
        (too_many(Path("f"), 5, 3), "Too many: 5: must have at most 3 items"),
        (too_many(Path("f"), 2, 1), "Too many: 2: must have at most 1 item"),
        (too_many(Path("f"), -1, 3), "Too many: must have at most 3 items"),
        (FieldError(ErrorType.INVALID, "f", OMIT_VALUE, "d"), "Invalid value: d"),
    ],
)
def test_error_body(err: FieldError, expected: str) -> None:
    assert err.error_body() == expected
    assert str(err) == f"{err.field}: {expected}"


def test_error_string_brief_example() -> None:
    err = invalid(Path("metadata").child("name"), "Foo_Bar",
                  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                  "characters, '-' or '.', and must start and end with an alphanumeric "
                  "character (e.g. 'example.com', regex used for validation is "
                  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    assert str(err) == (
        'metadata.name: Invalid value: "Foo_Bar": a lowercase RFC 1123 subdomain must consist '
        "of lower case alphanumeric characters, '-' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("abc", '"abc"'),
        ("tab\there", r'"tab\there"'),
        ("\a\b\f\r\v", r'"\a\b\f\r\v"'),
        ("\u200b", r'"\u200b"'),
        ("\U0001f600", '"\U0001f600"'),
        ("\U000e0001", r'"\U000e0001"'),
    ],
)
def test_go_quote(s: str, expected: str) -> None:
    assert go_quote(s) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (3, "3"),
        (1.5, "1.5"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),  # encoding/json cleans "e-07" up to "e-7"
        (100.0, "100"),
        ({"z": [1, None], "a": {}}, '{"a":{},"z":[1,null]}'),
        ("\u2028", r'"\u2028"'),
    ],
)
def test_go_json(value: Any, expected: str) -> None:
    assert go_json(value) == expected


def test_cause() -> None:
    err = invalid(Path("spec").child("replicas"), -1, "must be greater than or equal to 0")
    assert err.cause() == {
        "reason": "FieldValueInvalid",
        "message": "Invalid value: -1: must be greater than or equal to 0",
        "field": "spec.replicas",
    }
    assert required(Path("spec", "selector")).cause() == {
        "reason": "FieldValueRequired", "message": "Required value", "field": "spec.selector"}


# --- ErrorList / aggregate -------------------------------------------------------------------


def test_to_aggregate_counts() -> None:
    # errors_test.go TestToAggregate: nil/empty -> nil; identical messages are deduplicated.
    assert ErrorList().to_aggregate() is None
    e = invalid(Path("f"), "v", "d")
    assert ErrorList([e]).to_aggregate() == 'f: Invalid value: "v": d'
    assert ErrorList([e, invalid(Path("f"), "v", "d")]).to_aggregate() == 'f: Invalid value: "v": d'
    two = ErrorList([e, internal_error(Path(""), ValueError("e"))])
    assert two.to_aggregate() == '[f: Invalid value: "v": d, []: Internal error: e]'


def test_filter_type() -> None:
    # errors_test.go TestErrListFilter
    lst = ErrorList([invalid(Path("test.field"), "", ""), invalid(Path("field.test"), "", ""),
                     duplicate(Path("test"), "value")])
    assert len(lst.filter_type(ErrorType.DUPLICATE)) == 2
    assert len(lst.filter_type(ErrorType.INVALID)) == 1


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["a"], "a"),
        (["a", "b"], "[a, b]"),
        (["a", "a"], "a"),
        (["a", "b", "a"], "[a, b]"),
    ],
)
def test_aggregate_message(messages: list[str], expected: str) -> None:
    assert aggregate_message(messages) == expected


@pytest.mark.parametrize(
    ("group", "kind", "expected"),
    [("apps", "Deployment", "Deployment.apps"), ("", "Pod", "Pod"),
     ("rbac.authorization.k8s.io", "Role", "Role.rbac.authorization.k8s.io")],
)
def test_group_kind_string(group: str, kind: str, expected: str) -> None:
    assert group_kind_string(group, kind) == expected


def test_invalid_message_single_and_list() -> None:
    one = [invalid(Path("spec", "replicas"), -1, "must be greater than or equal to 0")]
    assert invalid_message("apps", "Deployment", "x", one) == (
        'Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0")
    two = [*one, required(Path("spec", "selector"))]
    assert invalid_message("apps", "Deployment", "x", two) == (
        'Deployment.apps "x" is invalid: [spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0, spec.selector: Required value]")
    assert invalid_message("", "Pod", "p", []) == 'Pod "p" is invalid'


def test_invalid_status() -> None:
    # errors_test.go TestNewInvalid: causes keep duplicates, the message does not.
    errs = [duplicate(Path("field[0].name"), "bar"), duplicate(Path("field[0].name"), "bar")]
    status = invalid_status("", "Kind", "name", errs)
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'Kind "name" is invalid: field[0].name: Duplicate value: "bar"',
        "reason": "Invalid",
        "details": {
            "name": "name",
            "kind": "Kind",
            "causes": [
                {"reason": "FieldValueDuplicate", "message": 'Duplicate value: "bar"',
                 "field": "field[0].name"},
                {"reason": "FieldValueDuplicate", "message": 'Duplicate value: "bar"',
                 "field": "field[0].name"},
            ],
        },
        "code": 422,
    }
    assert list(status) == ["kind", "apiVersion", "metadata", "status", "message", "reason",
                            "details", "code"]
    assert invalid_status("apps", "Deployment", "d", [])["details"]["group"] == "apps"
