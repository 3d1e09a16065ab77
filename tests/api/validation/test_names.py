"""Name and format checks.

Upstream: staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go,
staging/src/k8s.io/apimachinery/pkg/api/validation/generic.go,
staging/src/k8s.io/apimachinery/pkg/api/validation/path/name.go (name_test.go).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from k8s_internals.api.validation.field import Path
from k8s_internals.api.validation.names import (
    inclusive_range_error,
    is_c_identifier,
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_dns1123_subdomain_with_underscore,
    is_domain_prefixed_path,
    is_env_var_name,
    is_fully_qualified_domain_name,
    is_http_header_name,
    is_in_range,
    is_qualified_name,
    is_relaxed_env_var_name,
    is_valid_cidr,
    is_valid_group_id,
    is_valid_ip,
    is_valid_label_value,
    is_valid_path_segment_name,
    is_valid_percent,
    is_valid_port_name,
    is_valid_port_num,
    is_valid_user_id,
    is_wildcard_dns1123_subdomain,
    mask_trailing_dash,
    max_len_error,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    regex_error,
    validate_namespace_name,
    validate_path_segment_name,
)

DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
LABEL_KEY_MSG = (
    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')")
NAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
C_IDENTIFIER_MSG = (
    "a valid C identifier must start with alphabetic character or '_', followed by a string of "
    "alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used "
    "for validation is '[A-Za-z_][A-Za-z0-9_]*')")
ENV_VAR_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', "
    "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or "
    "'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
RELAXED_ENV_VAR_MSG = ("a valid environment variable name must consist only of printable ASCII "
                       "characters other than '='")
CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")


# --- good/bad tables from validation_test.go -------------------------------------------------

GOOD: list[tuple[Callable[[str], list[str]], list[str]]] = [
    (is_dns1123_label, ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a",
                        "1-a", "1--a--b--2", "a" * 63]),
    (is_dns1123_subdomain, ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012",
                            "1a", "1-a", "1--a--b--2", "a.a", "ab.a", "abc.a", "a1.a", "a-1.a",
                            "a--1--2--b.a", "a.1", "ab.1", "abc.1", "a1.1", "a-1.1",
                            "a--1--2--b.1", "0.a", "01.a", "012.a", "1a.a", "1-a.a", "0.1",
                            "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1", "a.b.c.d.e",
                            "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55", "a" * 253]),
    (is_dns1035_label, ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a" * 63]),
    (is_qualified_name, ["simple", "now-with-dashes", "1-starts-with-num", "1234",
                         "simple/simple", "now-with-dashes/simple",
                         "now-with-dashes/now-with-dashes", "now.with.dots/simple",
                         "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678",
                         "1.2.3.4/5678", "Uppercase_Is_OK_123",
                         "example.com/Uppercase_Is_OK_123", "requests.storage-foo", "a" * 63,
                         "a" * 253 + "/" + "b" * 63]),
    (is_valid_label_value, ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1",
                            "1234", "a" * 63, ""]),
    (is_valid_port_name, ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c",
                          "1-a-2-b-3"]),
    (is_http_header_name, ["Accept-Encoding", "Host", "If-Modified-Since", "X-Forwarded-For",
                           "a", "-a", "a-", "a--1--2--b", "--abc-123", "A--1--2--B"]),
    (is_valid_percent, ["0%", "00000%", "1%", "01%", "99%", "100%", "101%"]),
    (is_config_map_key, ["a", "good", "good-good", "still.good", "this.is.also.good",
                         ".so.is.this", "THIS_IS_GOOD", "so_is_this_17"]),
    (is_wildcard_dns1123_subdomain, ["*.example.com", "*.bar.com", "*.foo.bar.com"]),
    (is_relaxed_env_var_name, ["-", ":", "_", "+a", ">a", "<a", "a.", "a..", "*a", "%a", "?a",
                               "a:a", "a_a", "aAz", "~a", "|a", "a0a", "a9", "/a", "a ", "#a",
                               "0a", "0 a", "'a", "(a", "@a"]),
    (is_env_var_name, ["A", "ABC", "AbC_123", "_123", "a.b", "a-b", "-", ".a", "a..b"]),
    (is_c_identifier, ["a", "A", "_", "a_b", "_A9", "MyName"]),
    (is_dns1123_subdomain_with_underscore, ["example.com", "_example.com", "sub._example.com",
                                            "sub-domain.example.com", "sub_domain.example.com"]),
]

BAD: list[tuple[Callable[[str], list[str]], list[str]]] = [
    (is_dns1123_label, ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1",
                        "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.",
                        ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "a" * 64]),
    (is_dns1123_subdomain, ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-",
                            "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a",
                            "a..b", "1.", ".1", "1..2", " ", "a ", " a", "a b", "1 ", " 1",
                            "1 2", "A.a", "aB.a", "ab.A", "A1.a", "a1.A", "A.1", "aB.1", "A1.1",
                            "1A.1", "0.A", "01.A", "012.A", "1A.a", "1a.A", "A.B.C.D.E",
                            "AA.BB.CC.DD.EE", "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b",
                            "a;b", "a:b", "a%b", "a?b", "a$b", "a" * 254]),
    (is_dns1035_label, ["0", "01", "012", "1a", "1-a", "1--a--b--2", "", "A", "ABC", "aBc",
                        "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b",
                        "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ",
                        " a", "a b", "1 ", " 1", "1 2", "a" * 64]),
    (is_qualified_name, ["nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-",
                         "only/one/slash", "Example.com/abc", "example_com/abc",
                         "example.com/", "/simple", "a" * 64, "a" * 254 + "/abc"]),
    (is_valid_label_value, ["nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun",
                            "\\backslashes\\are\\bad", "-starts-with-dash", "ends-with-dash-",
                            ".starts.with.dot", "ends.with.dot.", "a" * 64]),
    (is_valid_port_name, ["longerthan15characters", "", "a" * 16, "12345", "1-2-3-4",
                          "-begin", "end-", "two--hyphens", "whois++"]),
    (is_http_header_name, ["Host:", "X-Forwarded-For:", "X-@Home", "", "_", "a_", "_a", "1_",
                           "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a",
                           "a b", "1 ", " 1", "1 2", "#a#", "^", ",", ";", "=", "<", "?", "@",
                           "{"]),
    (is_valid_percent, ["", "0", "100", "0.0%", "99.9%", "hundred", " 1%", "1% ", "-0%", "-1%",
                        "+1%"]),
    (is_config_map_key, [".", "..", "..bad", "b*d", "bad!&bad"]),
    (is_wildcard_dns1123_subdomain, ["*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com",
                                     "*"]),
    (is_relaxed_env_var_name, ["", "=", "a=", "1=a", "a=b", "#%=&&", "\x01abc", "\x82abc",
                               "Ç ç", "Ä ä", "Ñ ñ", "Ø ø"]),
    (is_env_var_name, ["", "1a", "a b", "a=b", ".", "..", "..a"]),
    (is_c_identifier, ["", "1a", "a-b", "a.b", "a b"]),
    (is_dns1123_subdomain_with_underscore, ["", "Example.com", "-example.com", "example.com-",
                                            "example@.com", "example..com", "_"]),
]


@pytest.mark.parametrize(
    ("fn", "value"), [(fn, v) for fn, values in GOOD for v in values],
    ids=lambda x: getattr(x, "__name__", repr(x)[:30]))
def test_good_values(fn: Callable[[str], list[str]], value: str) -> None:
    assert fn(value) == []


@pytest.mark.parametrize(
    ("fn", "value"), [(fn, v) for fn, values in BAD for v in values],
    ids=lambda x: getattr(x, "__name__", repr(x)[:30]))
def test_bad_values(fn: Callable[[str], list[str]], value: str) -> None:
    assert fn(value) != []


# --- exact messages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "value", "expected"),
    [
        (is_dns1123_subdomain, "Foo_Bar", [DNS1123_SUBDOMAIN_MSG]),
        (is_dns1123_subdomain, "a" * 254, ["must be no more than 253 characters"]),
        (is_dns1123_subdomain, "A" * 254,
         ["must be no more than 253 characters", DNS1123_SUBDOMAIN_MSG]),
        (is_dns1123_label, "a.b", ["must not contain dots"]),
        (is_dns1123_label, "A.b", [DNS1123_LABEL_MSG]),  # not a subdomain either
        (is_dns1123_label, "Abc", [DNS1123_LABEL_MSG]),
        (is_dns1123_label, "a" * 64, ["must be no more than 63 characters"]),
        (is_dns1035_label, "1abc", [DNS1035_LABEL_MSG]),
        (is_dns1035_label, "a" * 64, ["must be no more than 63 characters"]),
        (is_qualified_name, "a/b/c", [LABEL_KEY_MSG]),
        (is_qualified_name, "/simple", ["prefix part must be non-empty"]),
        (is_qualified_name, "example.com/", ["name part must be non-empty", NAME_PART_MSG]),
        (is_qualified_name, "example.com/_e", [NAME_PART_MSG]),
        (is_qualified_name, "Example.com/abc", ["prefix part " + DNS1123_SUBDOMAIN_MSG]),
        (is_qualified_name, "a" * 64, ["name part must be no more than 63 bytes"]),
        (is_qualified_name, "a" * 254 + "/abc", ["prefix part must be no more than 253 bytes"]),
        (is_valid_label_value, "-a", [LABEL_VALUE_MSG]),
        (is_valid_label_value, "a" * 64, ["must be no more than 63 bytes"]),
        (is_c_identifier, "1a", [C_IDENTIFIER_MSG]),
        (is_valid_port_name, "a" * 16, ["must be no more than 15 characters"]),
        (is_valid_port_name, "-ab", ["must not begin or end with a hyphen"]),
        (is_valid_port_name, "a--b", ["must not contain consecutive hyphens"]),
        (is_valid_port_name, "12345", ["must contain at least one letter (a-z)"]),
        (is_valid_port_name, "a_b",
         ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]),
        (is_valid_port_name, "whois++",
         ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]),
        (is_env_var_name, "1a", [ENV_VAR_MSG]),
        (is_env_var_name, "..", ["must not be '..'"]),
        (is_env_var_name, "..a", ["must not start with '..'"]),
        (is_relaxed_env_var_name, "a=b", [RELAXED_ENV_VAR_MSG]),
        (is_config_map_key, "a b", [CONFIG_KEY_MSG]),
        (is_config_map_key, ".", ["must not be '.'"]),
        (is_config_map_key, "..", ["must not be '..'"]),
        (is_config_map_key, "..bad", ["must not start with '..'"]),
        (is_config_map_key, "a" * 254, ["must be no more than 253 characters"]),
        (is_valid_percent, "10", ["a valid percent string must be a numeric string followed by "
                                  "an ending '%' (e.g. '1%',  or '93%', regex used for "
                                  "validation is '[0-9]+%')"]),
        (is_http_header_name, "a b", ["a valid HTTP header must consist of alphanumeric "
                                      "characters or '-' (e.g. 'X-Header-Name', regex used for "
                                      "validation is '[-A-Za-z0-9]+')"]),
    ],
)
def test_messages(fn: Callable[[str], list[str]], value: str, expected: list[str]) -> None:
    assert fn(value) == expected


def test_message_helpers() -> None:
    assert max_len_error(63) == "must be no more than 63 characters"
    assert inclusive_range_error(1, 65535) == "must be between 1 and 65535, inclusive"
    assert regex_error("must be x", "x+") == "must be x (regex used for validation is 'x+')"
    assert regex_error("must be x", "x+", "x", "xx") == (
        "must be x (e.g. 'x',  or 'xx', regex used for validation is 'x+')")


@pytest.mark.parametrize("port", [1, 2, 1000, 16384, 32768, 65535])
def test_valid_port_num(port: int) -> None:
    assert is_valid_port_num(port) == []


@pytest.mark.parametrize("port", [0, -1, 65536, 100000])
def test_invalid_port_num(port: int) -> None:
    assert is_valid_port_num(port) == ["must be between 1 and 65535, inclusive"]


@pytest.mark.parametrize(("value", "lo", "hi", "ok"),
                         [(1, 0, 10, True), (5, 5, 20, True), (25, 10, 25, True),
                          (1, 2, 10, False), (5, -4, 2, False), (25, 100, 120, False)])
def test_in_range(value: int, lo: int, hi: int, ok: bool) -> None:
    assert (is_in_range(value, lo, hi) == []) is ok


@pytest.mark.parametrize(("value", "ok"),
                         [(0, True), (1, True), (2147483648, True), (0xFFFFFFFF, True),
                          (-1, False), (-1003, False), (0x100000000, False)])
def test_group_and_user_ids(value: int, ok: bool) -> None:
    assert (is_valid_group_id(value) == []) is ok
    assert (is_valid_user_id(value) == []) is ok


def test_group_id_message() -> None:
    assert is_valid_group_id(-1) == ["must be between 0 and 4294967295, inclusive"]


# --- field-path helpers ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["a.com", "k8s.io", "dev.k8s.io", "dev.k8s.io.",
                                   "foo.example.com", "10.0.0.1", "a" * 63 + ".k8s.io"])
def test_fqdn_good(value: str) -> None:
    assert is_fully_qualified_domain_name(Path(""), value) == []


@pytest.mark.parametrize("value", [".", "...", ".io", "com", ".com", "Dev.k8s.io",
                                   ".foo.example.com", "*.example.com",
                                   "underscores_are_bad.k8s.io", "foo@bar.example.com",
                                   "http://foo.example.com", "a" * 64 + ".k8s.io"])
def test_fqdn_bad(value: str) -> None:
    assert is_fully_qualified_domain_name(Path(""), value) != []


@pytest.mark.parametrize("value", ["a/b", "a/b/c/d", "a.com/foo", "k8s.io/FOO/BAR",
                                   "10.0.0.1/foo", "hyphens-are-good.k8s.io/and-in-paths-too"])
def test_domain_prefixed_path_good(value: str) -> None:
    assert is_domain_prefixed_path(Path(""), value) == []


@pytest.mark.parametrize("value", [".", "...", "/b", "com", ".com", "a.b.c.d/foo?a=b",
                                   "a.b.c.d/foo#a", "Dev.k8s.io", "example.com/foo{}[]@^`",
                                   "underscores_are_bad.k8s.io/foo", "foo@bar.example.com/foo"])
def test_domain_prefixed_path_bad(value: str) -> None:
    assert is_domain_prefixed_path(Path(""), value) != []


@pytest.mark.parametrize("value", ["1.2.3.4", "0.0.0.0", "255.255.255.255", "::1",
                                   "2001:db8::ffff", "::ffff:1.2.3.4", "001.002.003.004"])
def test_valid_ip(value: str) -> None:
    assert is_valid_ip(Path("ip"), value) == []


@pytest.mark.parametrize("value", ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "a.b.c.d",
                                   "1.2.3.4/24", "2001:db8::ffff::1", " 1.2.3.4"])
def test_invalid_ip(value: str) -> None:
    errs = is_valid_ip(Path("spec", "clusterIP"), value)
    assert [str(e) for e in errs] == [
        f"spec.clusterIP: Invalid value: {go_q(value)}: must be a valid IP address, "
        "(e.g. 10.9.8.7 or 2001:db8::ffff)"]


def go_q(s: str) -> str:
    return '"' + s + '"'


def test_cidr() -> None:
    assert is_valid_cidr(Path("c"), "10.0.0.0/8") == []
    assert [str(e) for e in is_valid_cidr(Path("c"), "1.2.3.4")] == [
        'c: Invalid value: "1.2.3.4": must be a valid CIDR value, '
        "(e.g. 10.9.8.0/24 or 2001:db8::/64)"]


# --- generic.go / path/name.go ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "name", "prefix", "expected"),
    [
        (name_is_dns_subdomain, "abc-", True, []),
        (name_is_dns_subdomain, "abc-", False, [DNS1123_SUBDOMAIN_MSG]),
        (name_is_dns_subdomain, "web", False, []),
        (name_is_dns_label, "web-", True, []),
        (name_is_dns_label, "a.b", False, ["must not contain dots"]),
        (name_is_dns1035_label, "web-", True, []),
        (name_is_dns1035_label, "1web", False, [DNS1035_LABEL_MSG]),
        (validate_namespace_name, "kube-system", False, []),
        (validate_namespace_name, "Kube", False, [DNS1123_LABEL_MSG]),
    ],
)
def test_name_validators(fn: Callable[[str, bool], list[str]], name: str, prefix: bool,
                         expected: list[str]) -> None:
    assert fn(name, prefix) == expected


def test_mask_trailing_dash() -> None:
    # generic.go maskTrailingDash: name[:len(name)-2] + "a" (drops two characters)
    assert mask_trailing_dash("abc-") == "aba"
    assert mask_trailing_dash("-") == "-"
    assert mask_trailing_dash("abc") == "abc"


@pytest.mark.parametrize(
    ("name", "prefix", "expected"),
    [
        # path/name_test.go TestValidatePathSegmentName
        ("foo", False, []),
        ("foo.bar", False, []),
        (".", False, ["may not be '.'"]),
        ("..", False, ["may not be '..'"]),
        ("a/b", False, ["may not contain '/'"]),
        ("a%b", False, ["may not contain '%'"]),
        (".", True, []),
        ("..", True, []),
        ("a/b", True, ["may not contain '/'"]),
        ("a%b/c", True, ["may not contain '/'", "may not contain '%'"]),
    ],
)
def test_validate_path_segment_name(name: str, prefix: bool, expected: list[str]) -> None:
    assert validate_path_segment_name(name, prefix) == expected


def test_is_valid_path_segment_name() -> None:
    assert is_valid_path_segment_name("good") == []
    assert is_valid_path_segment_name("..") == ["may not be '..'"]
