"""Label and field selectors: tables from ``labels/selector_test.go`` and
``fields/selector_test.go``, ``LabelSelectorAsSelector``, upstream's error texts, and the
per-resource field labels."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api import selectors as sel
from k8s_internals.api.selectors import (
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    Requirement,
    Selector,
    SelectorError,
    convert_field_selector,
    escape_field_value,
    field_selector_matches,
    label_selector_as_selector,
    new_requirement,
    object_fields,
    parse_field_selector,
    parse_label_selector,
    selector_from_set,
    supported_field_labels,
    unescape_field_value,
)

# -- labels: TestSelectorParse --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ",
                                  "x= ,z= ", "!x", "x>1", "x>1,z<5"])
def test_label_selector_parse_good(text: str) -> None:
    assert str(parse_label_selector(text)) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "!x=a", "x<a"])
def test_label_selector_parse_bad(text: str) -> None:
    with pytest.raises(SelectorError):
        parse_label_selector(text)


def test_label_selector_deterministic_parse() -> None:
    assert str(parse_label_selector("x=a,a=x")) == str(parse_label_selector("a=x,x=a"))


@pytest.mark.parametrize(("text", "labels", "match"), [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),  # in and notin in exactMatch
    ("x", {"x": "z"}, True),
    ("!x", {"y": "z"}, True),
    ("x>1", {"x": "2"}, True),
    ("x<1", {"x": "0"}, True),
    ("x=z", {}, False),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("x", {"y": "z"}, False),
    ("!x", {"x": "z"}, False),
    ("x>1", {"x": "0"}, False),
    ("x<1", {"x": "2"}, False),
    ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
    ("baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
    ("baz=bar", {"foo": "bar", "baz": "blah"}, False),
    ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    # set-based
    ("env in (prod, qa)", {"env": "qa"}, True),
    ("env in (prod, qa)", {}, False),
    ("env notin (prod)", {}, True),
    ("env notin (prod)", {"env": "prod"}, False),
    ("x>1", {"x": "v2"}, False),
    ("x>1", {}, False),
])
def test_label_selector_matches(text: str, labels: dict[str, str], match: bool) -> None:
    assert parse_label_selector(text).matches(labels) is match


# -- labels: TestSetSelectorParser ----------------------------------------------------------------


def R(key: str, op: str, *values: str) -> Requirement:  # upstream's getRequirement
    return new_requirement(key, op, sorted(set(values)) if op in (IN, NOT_IN) else list(values))


SET_SELECTOR_CASES: list[tuple[str, list[Requirement] | None]] = [
    ("", []),
    ("\rx", [R("x", EXISTS)]),
    ("this-is-a-dns.domain.com/key-with-dash",
     [R("this-is-a-dns.domain.com/key-with-dash", EXISTS)]),
    ("this-is-another-dns.domain.com/key-with-dash in (so,what)",
     [R("this-is-another-dns.domain.com/key-with-dash", IN, "so", "what")]),
    ("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
     [R("0.1.2.domain/99", NOT_IN, "10.10.100.1", "tick.tack.clock")]),
    ("foo  in\t (abc)", [R("foo", IN, "abc")]),
    ("x notin\n (abc)", [R("x", NOT_IN, "abc")]),
    ("x  notin\t\t\t(abc,def)", [R("x", NOT_IN, "abc", "def")]),
    ("x in (abc,def)", [R("x", IN, "abc", "def")]),
    ("x in (abc,)", [R("x", IN, "abc", "")]),
    ("x in ()", [R("x", IN, "")]),
    ("x notin (abc,def),bar,z in (),w", [R("bar", EXISTS), R("w", EXISTS),
                                         R("x", NOT_IN, "abc", "def"), R("z", IN, "")]),
    ("x,y in (a)", [R("x", EXISTS), R("y", IN, "a")]),
    ("x=a", [R("x", EQUALS, "a")]),
    ("x>1", [R("x", GREATER_THAN, "1")]),
    ("x<7", [R("x", LESS_THAN, "7")]),
    ("x=a,y!=b", [R("x", EQUALS, "a"), R("y", NOT_EQUALS, "b")]),
    ("x=a,y!=b,z in (h,i,j)", [R("x", EQUALS, "a"), R("y", NOT_EQUALS, "b"),
                               R("z", IN, "h", "i", "j")]),
    ("x=a||y=b", None),
    ("x,y", [R("x", EXISTS), R("y", EXISTS)]),
    (",x,y", None),
    ("x nott in (y)", None),
    ("x notin ( )", [R("x", NOT_IN, "")]),
    ("x notin (, a)", [R("x", NOT_IN, "", "a")]),
    ("a in (xyz),", None),
    ("a in (xyz)b notin ()", None),
    ("a ", [R("a", EXISTS)]),
    ("a in (x,y,notin, z,in)", [R("a", IN, "in", "notin", "x", "y", "z")]),
    ("a in (xyz abc)", None),
    ("a notin(", None),
    ("a (", None),
    ("(", None),
    ("x==a", [R("x", DOUBLE_EQUALS, "a")]),
]


@pytest.mark.parametrize(("text", "requirements"), SET_SELECTOR_CASES,
                         ids=[repr(c[0]) for c in SET_SELECTOR_CASES])
def test_set_selector_parser(text: str, requirements: list[Requirement] | None) -> None:
    if requirements is None:
        with pytest.raises(SelectorError):
            parse_label_selector(text)
        return
    assert parse_label_selector(text).requirements == tuple(requirements)


# -- labels: exact error texts (the API server's 400 message) -------------------------------------

_NAME_PART = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
              "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
              "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
          "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
          "'my_value',  or '12345', regex used for validation is "
          "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


@pytest.mark.parametrize(("text", "message"), [
    # "|" is not special: "a||y" is one (invalid) value
    ("x=a||y=b", f"unable to parse requirement: values[0][x]: Invalid value: \"a||y\": {_VALUE}"),
    ("x==a==b", "found '==', expected: ',' or 'end of string'"),
    ("!x=a", "found '=', expected: ',' or 'end of string'"),
    (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
    ("a in (xyz),", "found '', expected: identifier after ','"),
    ("x nott in (y)",
     "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"),
    ("a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
    ("(", "found '(', expected: !, identifier, or 'end of string'"),
    ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
    ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
    ("a in xyz", "unable to parse requirement: found 'xyz' expected: '('"),
    ("a in (x=", "unable to parse requirement: found '=', expected: ',' or ')'"),
    ("a in (=", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
    ("a in (x,=", "unable to parse requirement: found '=', expected: ',', or identifier"),
    ("a=(", "unable to parse requirement: found '(', expected: identifier"),
    ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
    ("!", "unable to parse requirement: found '', expected: identifier"),
    ("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' "
            "operators, the value must be an integer"),
    ("-a", f"unable to parse requirement: <nil>: Invalid value: \"-a\": {_NAME_PART}"),
    ("a/b/c=d", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key "
                "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
                "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an "
                "optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
    ("/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be "
           "non-empty"),
    ("Example.com/a", "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": "
                      "prefix part a lowercase RFC 1123 subdomain must consist of lower case "
                      "alphanumeric characters, '-' or '.', and must start and end with an "
                      "alphanumeric character (e.g. 'example.com', regex used for validation is "
                      "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
    ("a" * 64, f"unable to parse requirement: <nil>: Invalid value: \"{'a' * 64}\": name part "
               "must be no more than 63 characters"),
    ("x=a_", f"unable to parse requirement: values[0][x]: Invalid value: \"a_\": {_VALUE}"),
    ("x in (a,-b)",
     f"unable to parse requirement: values[0][x]: Invalid value: \"-b\": {_VALUE}"),
    ("x in (-a,b-)", "unable to parse requirement: ["
     f"values[0][x]: Invalid value: \"-a\": {_VALUE}, "
     f"values[1][x]: Invalid value: \"b-\": {_VALUE}]"),
])
def test_label_selector_error_texts(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as err:
        parse_label_selector(text)
    assert err.value.message == message
    assert err.value.status == {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                "status": "Failure", "message": message, "reason": "BadRequest",
                                "code": 400}


# -- labels: TestRequirementConstructor, TestToString, TestRequirementSelectorMatching ------------


@pytest.mark.parametrize(("key", "op", "values", "ok"), [
    ("x", IN, None, False),
    ("x", NOT_IN, [], False),
    ("x", IN, ["foo"], True),
    ("x", NOT_IN, ["foo"], True),
    ("x", EXISTS, None, True),
    ("x", DOES_NOT_EXIST, None, True),
    ("1foo", IN, ["bar"], True),
    ("1234", IN, ["bar"], True),
    ("y", GREATER_THAN, ["1"], True),
    ("z", LESS_THAN, ["6"], True),
    ("foo", GREATER_THAN, ["bar"], False),
    ("barz", LESS_THAN, ["blah"], False),
    ("a" * 254, EXISTS, None, False),  # breaks DNS rule that len(key) <= 253
])
def test_requirement_constructor(key: str, op: str, values: list[str] | None, ok: bool) -> None:
    if ok:
        new_requirement(key, op, values)
    else:
        with pytest.raises(SelectorError):
            new_requirement(key, op, values)


@pytest.mark.parametrize(("key", "op", "values", "message"), [
    ("x", IN, None,
     "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be "
     "empty"),
    ("x", EQUALS, ["a", "b"],
     'values: Invalid value: []string{"a", "b"}: exact-match compatibility requires one single '
     "value"),
    ("x", EXISTS, ["a"],
     'values: Invalid value: []string{"a"}: values set must be empty for exists and does not '
     "exist"),
    ("x", "near", [],
     'operator: Unsupported value: "near": supported values: "in", "notin", "=", "==", "!=", '
     '"gt", "lt", "exists", "!"'),
])
def test_requirement_constructor_messages(key: str, op: str, values: list[str] | None,
                                          message: str) -> None:
    with pytest.raises(SelectorError) as err:
        new_requirement(key, op, values)
    assert err.value.message == message


@pytest.mark.parametrize(("requirements", "text"), [
    ([R("x", IN, "abc", "def"), R("y", NOT_IN, "jkl"), R("z", EXISTS)],
     "x in (abc,def),y notin (jkl),z"),
    ([R("x", NOT_IN, "abc", "def"), R("y", NOT_EQUALS, "jkl"), R("z", DOES_NOT_EXIST)],
     "x notin (abc,def),y!=jkl,!z"),
    ([R("x", NOT_IN, "abc"), R("y", IN, "jkl", "mno"), R("z", NOT_IN, "")],
     "x notin (abc),y in (jkl,mno),z notin ()"),
    ([R("x", EQUALS, "abc"), R("y", DOUBLE_EQUALS, "jkl"), R("z", NOT_EQUALS, "a"),
      R("z", EXISTS)], "x=abc,y==jkl,z!=a,z"),
    ([R("x", GREATER_THAN, "2"), R("y", LESS_THAN, "8"), R("z", EXISTS)], "x>2,y<8,z"),
])
def test_to_string(requirements: list[Requirement], text: str) -> None:
    assert str(Selector(tuple(requirements))) == text


def test_to_string_sorts_values_of_an_unsorted_requirement() -> None:
    assert str(new_requirement("x", IN, ["b", "a"])) == "x in (a,b)"


@pytest.mark.parametrize(("labels", "requirements", "match"), [
    ({"x": "foo", "y": "baz"}, [R("x", IN, "foo"), R("y", NOT_IN, "alpha")], True),
    ({"x": "foo", "y": "baz"}, [R("x", IN, "foo"), R("y", IN, "alpha")], False),
    ({"y": ""}, [R("x", NOT_IN, ""), R("y", EXISTS)], True),
    ({"y": ""}, [R("x", DOES_NOT_EXIST), R("y", EXISTS)], True),
    ({"y": ""}, [R("x", NOT_IN, ""), R("y", DOES_NOT_EXIST)], False),
    ({"y": "baz"}, [R("x", IN, "")], False),
    ({"z": "2"}, [R("z", GREATER_THAN, "1")], True),
    ({"z": "v2"}, [R("z", GREATER_THAN, "1")], False),
])
def test_requirement_selector_matching(labels: dict[str, str], requirements: list[Requirement],
                                       match: bool) -> None:
    assert Selector(tuple(requirements)).matches(labels) is match


def test_add_sorts_by_key() -> None:
    selector = Selector().add(R("key", IN, "value")).add(R("a", EQUALS, "b"))
    assert str(selector) == "a=b,key in (value)"


def test_selector_from_set_and_everything() -> None:
    assert selector_from_set({}).empty
    assert selector_from_set(None).matches({"x": "y"})
    assert str(selector_from_set({"foo": "bar", "baz": "blah"})) == "baz=blah,foo=bar"
    assert selector_from_set({"foo": "bar"}).matches({"foo": "bar", "baz": "blah"})
    assert Selector.everything().empty and Selector.everything().matches({"x": "y"})


def test_lexer_tokens() -> None:
    """TestLexer: the longest token wins; non-special characters form identifiers."""
    assert [tok for tok, _ in sel._lex("== != (), = notin")] == [
        sel._DOUBLE_EQUALS, sel._NOT_EQUALS, sel._OPEN_PAR, sel._CLOSED_PAR, sel._COMMA,
        sel._EQUALS, sel._NOT_IN, sel._EOS]
    assert sel._lex("~") == [(sel._ID, "~"), (sel._EOS, "")]
    assert sel._lex("||") == [(sel._ID, "||"), (sel._EOS, "")]
    assert [tok for tok, _ in sel._lex("key>2")] == [sel._ID, sel._GT, sel._ID, sel._EOS]


def test_requires_exact_match() -> None:
    assert parse_label_selector("a=b,c in (d)").requires_exact_match("c") == "d"
    assert parse_label_selector("a!=b").requires_exact_match("a") is None


# -- metav1.LabelSelectorAsSelector ---------------------------------------------------------------


@pytest.mark.parametrize(("label_selector", "text"), [
    ({}, ""),
    ({"matchLabels": {"foo": "bar"}}, "foo=bar"),
    ({"matchLabels": {"foo": "bar"},
      "matchExpressions": [{"key": "baz", "operator": "In", "values": ["qux", "norf"]}]},
     "baz in (norf,qux),foo=bar"),
    ({"matchLabels": {"foo": "bar"},
      "matchExpressions": [{"key": "baz", "operator": "NotIn", "values": ["qux", "norf"]}]},
     "baz notin (norf,qux),foo=bar"),
    ({"matchLabels": {"foo": "bar"},
      "matchExpressions": [{"key": "baz", "operator": "Exists"}]}, "baz,foo=bar"),
    ({"matchExpressions": [{"key": "baz", "operator": "DoesNotExist"}]}, "!baz"),
])
def test_label_selector_as_selector(label_selector: dict[str, Any], text: str) -> None:
    assert str(label_selector_as_selector(label_selector)) == text


def test_nil_selector_matches_nothing_empty_matches_everything() -> None:
    nothing = label_selector_as_selector(None)
    everything = label_selector_as_selector({})
    assert not nothing.matches({}) and not nothing.matches({"a": "b"})
    assert not nothing.empty
    assert everything.matches({}) and everything.matches({"a": "b"}) and everything.empty
    assert str(nothing) == str(everything) == ""


@pytest.mark.parametrize(("label_selector", "message"), [
    ({"matchExpressions": [{"key": "foo", "operator": "exists"}]},
     '"exists" is not a valid label selector operator'),
    ({"matchExpressions": [{"key": "foo", "operator": "In"}]},
     "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be "
     "empty"),
    ({"matchLabels": {"-x": "y"}}, f'key: Invalid value: "-x": {_NAME_PART}'),
])
def test_label_selector_as_selector_errors(label_selector: dict[str, Any], message: str) -> None:
    with pytest.raises(SelectorError) as err:
        label_selector_as_selector(label_selector)
    assert err.value.message == message


# -- fields: fields/selector_test.go --------------------------------------------------------------


@pytest.mark.parametrize(("text", "terms"), [
    ("a", ["a"]),
    ("a=avalue", ["a=avalue"]),
    ("a=avalue,b=bvalue", ["a=avalue", "b=bvalue"]),
    ("a=avalue,b==bvalue,c!=cvalue", ["a=avalue", "b==bvalue", "c!=cvalue"]),
    ("", []),
    ("a=a,", ["a=a", ""]),
    (",a=a", ["", "a=a"]),
    ("k=\\,,k2=v2", ["k=\\,", "k2=v2"]),
    ("k=\\\\,k2=v2", ["k=\\\\", "k2=v2"]),
    ("k=\\\\\\,,k2=v2", ["k=\\\\\\,", "k2=v2"]),
    ("k=\\a\\b\\", ["k=\\a\\b\\"]),
    ("k=\\", ["k=\\"]),
    ("함=수,목=록", ["함=수", "목=록"]),
])
def test_split_terms(text: str, terms: list[str]) -> None:
    assert sel._split_terms(text) == terms


@pytest.mark.parametrize(("term", "split"), [
    ("a=value", ("a", "=", "value")),
    ("b==value", ("b", "==", "value")),
    ("c!=value", ("c", "!=", "value")),
    ("", None),
    ("a", None),
    ("k=\\,", ("k", "=", "\\,")),
    ("k=\\=", ("k", "=", "\\=")),
    ("k=\\\\\\a\\b\\=\\,\\", ("k", "=", "\\\\\\a\\b\\=\\,\\")),
    ("함=수", ("함", "=", "수")),
])
def test_split_term(term: str, split: tuple[str, str, str] | None) -> None:
    assert sel._split_term(term) == split


@pytest.mark.parametrize(("raw", "escaped"), [
    ("", ""), ("a", "a"), ("=", "\\="), (",", "\\,"), ("\\", "\\\\"),
    ("\\=\\,\\", "\\\\\\=\\\\\\,\\\\"),
])
def test_escape_value(raw: str, escaped: str) -> None:
    assert escape_field_value(raw) == escaped
    assert unescape_field_value(escaped) == raw


@pytest.mark.parametrize(("value", "message"), [
    ("\\", "invalid field selector: invalid escape sequence: \\"),
    ("\\\\\\", "invalid field selector: invalid escape sequence: \\"),
    ("\\a", "invalid field selector: invalid escape sequence: \\a"),
    ("a=b", "invalid field selector: unescaped character in value: 61"),
    ("a,b", "invalid field selector: unescaped character in value: 44"),
])
def test_unescape_errors(value: str, message: str) -> None:
    with pytest.raises(SelectorError) as err:
        unescape_field_value(value)
    assert err.value.message == message


@pytest.mark.parametrize("text", ["x=a,y=b,z=c", "", "x!=a,y=b", "x=a||y\\=b", "x=a\\=\\=b"])
def test_field_selector_parse_good(text: str) -> None:
    assert str(parse_field_selector(text)) == text


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "x=a,b", "x in (a)", "x in (a,b,c)", "x"])
def test_field_selector_parse_bad(text: str) -> None:
    with pytest.raises(SelectorError):
        parse_field_selector(text)


def test_field_selector_error_texts() -> None:
    with pytest.raises(SelectorError) as err:
        parse_field_selector("x=a,b")
    assert err.value.message == "invalid selector: 'x=a,b'; can't understand 'b'"
    with pytest.raises(SelectorError) as err:
        parse_field_selector("x==a==b")
    assert err.value.message == "invalid field selector: unescaped character in value: 61"


def test_field_selector_deterministic_parse_and_double_equals() -> None:
    assert str(parse_field_selector("x=a,a=x")) == str(parse_field_selector("a=x,x=a"))
    assert str(parse_field_selector("status.phase==Running")) == "status.phase=Running"


@pytest.mark.parametrize(("text", "fields", "match"), [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\",
     {"foo": "bar", "baz": "blah", "complex": "=value\\,\\"}, True),
    ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
    ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    ("spec.nodeName!=", {"spec.nodeName": "n1"}, True),
    ("spec.nodeName!=", {"spec.nodeName": ""}, False),
    ("spec.nodeName=", {}, True),
])
def test_field_selector_matches(text: str, fields: dict[str, str], match: bool) -> None:
    assert parse_field_selector(text).matches(fields) is match


def test_field_selector_requires_exact_match() -> None:
    selector = parse_field_selector("metadata.name=web,spec.nodeName!=n1")
    assert selector.requires_exact_match("metadata.name") == "web"
    assert selector.requires_exact_match("spec.nodeName") is None
    assert parse_field_selector("").empty


# -- fields: per-resource labels ------------------------------------------------------------------

POD = {
    "metadata": {"name": "web-1", "namespace": "default"},
    "spec": {"nodeName": "node-1", "restartPolicy": "Always", "schedulerName": "default-scheduler",
             "serviceAccountName": "default", "hostNetwork": True},
    "status": {"phase": "Running", "podIP": "10.0.0.5", "podIPs": [{"ip": "10.0.0.5"}],
               "nominatedNodeName": ""},
}


def test_pod_fields() -> None:
    assert object_fields("pods", POD) == {
        "metadata.name": "web-1", "metadata.namespace": "default", "spec.nodeName": "node-1",
        "spec.restartPolicy": "Always", "spec.schedulerName": "default-scheduler",
        "spec.serviceAccountName": "default", "spec.hostNetwork": "true",
        "status.phase": "Running", "status.podIP": "10.0.0.5", "status.nominatedNodeName": ""}


@pytest.mark.parametrize(("text", "match"), [
    ("metadata.name=web-1,spec.nodeName!=,status.phase=Running", True),
    ("spec.nodeName=", False),
    ("spec.host=node-1", True),  # old clients' name for spec.nodeName
    ("spec.hostNetwork=true,metadata.namespace=default", True),
    ("status.podIP=10.0.0.6", False),
])
def test_pod_field_selectors(text: str, match: bool) -> None:
    selector = convert_field_selector(parse_field_selector(text), "pods")
    assert field_selector_matches(selector, "pods", POD) is match


def test_unscheduled_pod() -> None:
    pending = {"metadata": {"name": "p", "namespace": "ns"}, "spec": {}, "status": {}}
    selector = convert_field_selector(parse_field_selector("spec.nodeName="), "pods")
    assert field_selector_matches(selector, "pods", pending)
    assert object_fields("pods", pending)["spec.hostNetwork"] == "false"


def test_event_fields_as_kubectl_describe_uses_them() -> None:
    event = {"metadata": {"name": "web-1.17a", "namespace": "default"},
             "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web-1",
                                "uid": "u-1", "apiVersion": "v1", "resourceVersion": "42",
                                "fieldPath": "spec.containers{app}"},
             "reason": "Scheduled", "type": "Normal", "source": {"component": "default-scheduler"},
             "reportingComponent": "default-scheduler"}
    text = "involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.uid=u-1"
    selector = convert_field_selector(parse_field_selector(text), "events")
    assert field_selector_matches(selector, "events", event)
    fields = object_fields("events", event)
    assert fields["source"] == "default-scheduler"
    assert fields["involvedObject.fieldPath"] == "spec.containers{app}"
    assert fields["reason"] == "Scheduled"


@pytest.mark.parametrize(("resource", "obj", "text"), [
    ("nodes", {"metadata": {"name": "n1"}, "spec": {"unschedulable": True}},
     "spec.unschedulable=true,metadata.name=n1"),
    ("nodes", {"metadata": {"name": "n1"}, "spec": {}}, "spec.unschedulable=false"),
    ("secrets", {"metadata": {"name": "s", "namespace": "d"}, "type": "Opaque"}, "type=Opaque"),
    ("namespaces", {"metadata": {"name": "d"}, "status": {"phase": "Active"}},
     "status.phase=Active"),
    ("replicasets", {"metadata": {"name": "r", "namespace": "d"}, "status": {"replicas": 3}},
     "status.replicas=3"),
    ("replicasets", {"metadata": {"name": "r", "namespace": "d"}, "status": {}},
     "status.replicas=0"),
    ("replicationcontrollers", {"metadata": {"name": "r", "namespace": "d"},
                                "status": {"replicas": 2}}, "status.replicas=2"),
    ("jobs", {"metadata": {"name": "j", "namespace": "d"}, "status": {"succeeded": 1}},
     "status.successful=1"),
    ("services", {"metadata": {"name": "s", "namespace": "d"},
                  "spec": {"clusterIP": "None", "type": "ClusterIP"}},
     "spec.clusterIP=None,spec.type=ClusterIP"),
    ("deployments", {"metadata": {"name": "web", "namespace": "d"}},
     "metadata.name=web,metadata.namespace=d"),
    ("clusterroles", {"metadata": {"name": "admin"}}, "metadata.name=admin,metadata.namespace="),
])
def test_resource_field_selectors(resource: str, obj: dict[str, Any], text: str) -> None:
    selector = convert_field_selector(parse_field_selector(text), resource)
    assert field_selector_matches(selector, resource, obj)


@pytest.mark.parametrize(("resource", "text", "message"), [
    ("pods", "foo=bar", "field label not supported: foo"),
    ("pods", "status.hostIP=1.2.3.4", "field label not supported: status.hostIP"),
    ("nodes", "metadata.namespace=default", "field label not supported: metadata.namespace"),
    ("namespaces", "spec.finalizers=x", "field label not supported: spec.finalizers"),
    ("events", "message=x", "field label not supported: message"),
    ("secrets", "data=x", "field label not supported: data"),
    ("replicasets", "spec.replicas=1", "field label not supported: spec.replicas"),
    ("deployments", "spec.replicas=1",
     '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'),
    ("configmaps", "data.x=1",
     '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"'),
])
def test_unsupported_field_labels(resource: str, text: str, message: str) -> None:
    with pytest.raises(SelectorError) as err:
        convert_field_selector(parse_field_selector(text), resource)
    assert err.value.message == message
    assert err.value.status["code"] == 400
    assert err.value.status["reason"] == "BadRequest"


def test_supported_field_labels() -> None:
    assert supported_field_labels("nodes") == ["metadata.name", "spec.unschedulable"]
    assert "spec.host" in supported_field_labels("pods")
    assert supported_field_labels("configmaps") == ["metadata.name", "metadata.namespace"]


def test_converted_selector_uses_the_new_label() -> None:
    selector = convert_field_selector(parse_field_selector("spec.host=n1"), "pods")
    assert str(selector) == "spec.nodeName=n1"
