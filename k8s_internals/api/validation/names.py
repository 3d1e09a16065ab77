"""Name and format checks that return upstream's list of messages, as
``staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`` and ``ip.go``,
``staging/src/k8s.io/apimachinery/pkg/api/validate/content/`` (``kube.go``, ``dns.go``,
``identifier.go``, ``errors.go``: label keys and values), and the per-resource name
validators of ``staging/src/k8s.io/apimachinery/pkg/api/validation/generic.go`` and
``.../api/validation/path/name.go``.

Each ``is_*`` function returns a list of strings (empty when valid), exactly the messages
upstream puts in the ``detail`` of an ``Invalid value`` error. Lengths are counted in bytes of
UTF-8, as Go's ``len``. The DNS checks say ``must be no more than 253 characters``
(``util/validation``); label keys and values go through the newer ``content`` package, whose
``MaxLenError`` says ``bytes``. IP parsing is ``netutils.ParseIPSloppy``: IPv4 octets may have
leading zeros.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable

from .field import ErrorList, Path, invalid, required

__all__ = [
    "DNS1035_LABEL_MAX_LENGTH",
    "DNS1123_LABEL_MAX_LENGTH",
    "DNS1123_SUBDOMAIN_MAX_LENGTH",
    "LABEL_VALUE_MAX_LENGTH",
    "NameValidator",
    "dns1123_subdomain_ok",
    "empty_error",
    "inclusive_range_error",
    "is_c_identifier",
    "is_config_map_key",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_dns1123_subdomain_with_underscore",
    "is_domain_prefixed_path",
    "is_env_var_name",
    "is_fully_qualified_domain_name",
    "is_http_header_name",
    "is_in_range",
    "is_qualified_name",
    "is_relaxed_env_var_name",
    "is_valid_cidr",
    "is_valid_group_id",
    "is_valid_ip",
    "is_valid_ipv4_address",
    "is_valid_ipv6_address",
    "is_valid_label_value",
    "is_valid_path_segment_name",
    "is_valid_path_segment_prefix",
    "is_valid_percent",
    "is_valid_port_name",
    "is_valid_port_num",
    "is_valid_user_id",
    "is_wildcard_dns1123_subdomain",
    "mask_trailing_dash",
    "max_len_error",
    "name_is_dns1035_label",
    "name_is_dns_label",
    "name_is_dns_subdomain",
    "name_ok",
    "parse_cidr_sloppy",
    "parse_ip_sloppy",
    "regex_error",
    "validate_namespace_name",
    "validate_path_segment_name",
    "validate_service_account_name",
]

#: A ``ValidateNameFunc``: ``(name, prefix) -> messages``.
NameValidator = Callable[[str, bool], list[str]]


def _blen(s: str) -> int:
    """Go's ``len(s)``: bytes of UTF-8."""
    return len(s.encode("utf-8", "surrogatepass"))


#: compiled patterns by format text (the formats are this module's constants: bounded)
_COMPILED: dict[str, re.Pattern[str]] = {}


def _match(fmt: str, value: str) -> bool:
    """``regexp.MustCompile("^" + fmt + "$").MatchString``: compiled once per format (what
    ``re.fullmatch(fmt, value)`` gives, without its cache lookup on every call)."""
    pattern = _COMPILED.get(fmt)
    if pattern is None:
        pattern = _COMPILED[fmt] = re.compile(fmt)
    return pattern.fullmatch(value) is not None


#: ``not check(value)`` by ``(check, value)``, for :func:`name_ok`; bounded
_NAME_OK: dict[tuple[Callable[[str], list[str]], str], bool] = {}
_NAME_OK_MAX = 4096


def name_ok(check: Callable[[str], list[str]], value: str) -> bool:
    """Whether ``check(value)`` (a pure ``is_*`` check of this module) finds nothing, remembered
    for values that come back (namespaces, reporting controllers...). A fast path's helper:
    the messages themselves always come from ``check``."""
    key = (check, value)
    ok = _NAME_OK.get(key)
    if ok is None:
        if len(_NAME_OK) >= _NAME_OK_MAX:
            _NAME_OK.clear()
        ok = _NAME_OK[key] = not check(value)
    return ok


# --------------------------------------------------------------------------------------------
# message builders
# --------------------------------------------------------------------------------------------


def max_len_error(length: int) -> str:
    """``validation.MaxLenError``: ``must be no more than N characters``."""
    return f"must be no more than {length} characters"


def _content_max_len_error(length: int) -> str:
    """``content.MaxLenError``: ``must be no more than N bytes``."""
    return f"must be no more than {length} bytes"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``RegexError``: the message, the examples and the regex used."""
    if not examples:
        return msg + " (regex used for validation is '" + fmt + "')"
    msg += " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            msg += " or "
        msg += "'" + example + "', "
    return msg + "regex used for validation is '" + fmt + "')"


def empty_error() -> str:
    """``EmptyError``."""
    return "must be non-empty"


def inclusive_range_error(lo: int, hi: int) -> str:
    """``InclusiveRangeError``."""
    return f"must be between {lo} and {hi}, inclusive"


# --------------------------------------------------------------------------------------------
# content package: label keys (qualified names) and label values
# --------------------------------------------------------------------------------------------

_LABEL_KEY_CHAR_FMT = "[A-Za-z0-9]"
_LABEL_KEY_EXT_CHAR_FMT = "[-A-Za-z0-9_.]"
_LABEL_KEY_FMT = "(" + _LABEL_KEY_CHAR_FMT + _LABEL_KEY_EXT_CHAR_FMT + "*)?" + _LABEL_KEY_CHAR_FMT
_LABEL_KEY_ERR_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start "
                      "and end with an alphanumeric character")
_LABEL_KEY_MAX_LENGTH = 63

_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"
_LABEL_VALUE_ERR_MSG = ("a valid label must be an empty string or consist of alphanumeric "
                        "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                        "character")
LABEL_VALUE_MAX_LENGTH = 63


def _content_is_dns1123_subdomain(value: str) -> list[str]:
    """``content.IsDNS1123Subdomain`` (used for label key prefixes): lengths in bytes."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(_content_max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _match(_DNS1123_SUBDOMAIN_FMT, value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_ERR_MSG, _DNS1123_SUBDOMAIN_FMT,
                                "example.com"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """``IsQualifiedName`` (``content.IsLabelKey``): an optional DNS subdomain prefix and
    ``/``, then a name of at most 63 characters."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + empty_error())
        else:
            errs.extend("prefix part " + m for m in _content_is_dns1123_subdomain(prefix))
    else:
        return ["a valid label key " + regex_error(_LABEL_KEY_ERR_MSG, _LABEL_KEY_FMT, "MyName",
                                                   "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part " + empty_error())
    elif _blen(name) > _LABEL_KEY_MAX_LENGTH:
        errs.append("name part " + _content_max_len_error(_LABEL_KEY_MAX_LENGTH))
    if not _match(_LABEL_KEY_FMT, name):
        errs.append("name part " + regex_error(_LABEL_KEY_ERR_MSG, _LABEL_KEY_FMT, "MyName",
                                               "my.name", "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """``IsValidLabelValue`` (``content.IsLabelValue``): empty, or at most 63 characters."""
    errs: list[str] = []
    if _blen(value) > LABEL_VALUE_MAX_LENGTH:
        errs.append(_content_max_len_error(LABEL_VALUE_MAX_LENGTH))
    if not _match(_LABEL_VALUE_FMT, value):
        errs.append(regex_error(_LABEL_VALUE_ERR_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value",
                                "12345"))
    return errs


_C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
_IDENTIFIER_ERR_MSG = ("a valid C identifier must start with alphabetic character or '_', "
                       "followed by a string of alphanumeric characters or '_'")


def is_c_identifier(value: str) -> list[str]:
    """``IsCIdentifier``."""
    if not _match(_C_IDENTIFIER_FMT, value):
        return [regex_error(_IDENTIFIER_ERR_MSG, _C_IDENTIFIER_FMT, "my_name", "MY_NAME",
                            "MyName")]
    return []


# --------------------------------------------------------------------------------------------
# util/validation: DNS names
# --------------------------------------------------------------------------------------------

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_FMT_WITH_UNDERSCORE = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_ERR_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric "
                          "characters or '-', and must start and end with an alphanumeric "
                          "character")
DNS1123_LABEL_MAX_LENGTH = 63

_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case "
                              "alphanumeric characters, '-' or '.', and must start and end with "
                              "an alphanumeric character")
_DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE = (_DNS1123_LABEL_FMT_WITH_UNDERSCORE + "(\\."
                                          + _DNS1123_LABEL_FMT_WITH_UNDERSCORE + ")*")
_DNS1123_SUBDOMAIN_ERR_MSG_FG = ("a lowercase RFC 1123 subdomain must consist of lower case "
                                 "alphanumeric characters, '_', '-' or '.', and must start and "
                                 "end with an alphanumeric character")
DNS1123_SUBDOMAIN_MAX_LENGTH = 253

_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_ERR_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters "
                          "or '-', start with an alphabetic character, and end with an "
                          "alphanumeric character")
DNS1035_LABEL_MAX_LENGTH = 63

_WILDCARD_DNS1123_SUBDOMAIN_FMT = "\\*\\." + _DNS1123_SUBDOMAIN_FMT
_WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG = ("a wildcard DNS-1123 subdomain must start with '*.', "
                                       "followed by a valid DNS subdomain, which must consist of "
                                       "lower case alphanumeric characters, '-' or '.' and end "
                                       "with an alphanumeric character")


def is_dns1123_label(value: str) -> list[str]:
    """``IsDNS1123Label``: e.g. a namespace, a container or a port name."""
    errs: list[str] = []
    if _blen(value) > DNS1123_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if not _match(_DNS1123_LABEL_FMT, value):
        if _match(_DNS1123_SUBDOMAIN_FMT, value):
            # A valid subdomain but not a valid label: since length was checked, it's dots.
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_ERR_MSG, _DNS1123_LABEL_FMT, "my-name",
                                    "123-abc"))
    return errs


def dns1123_subdomain_ok(value: str) -> bool:
    """``not is_dns1123_subdomain(value)``, without building messages: the pattern only matches
    ASCII, so its length in characters is its length in bytes."""
    return len(value) <= DNS1123_SUBDOMAIN_MAX_LENGTH and _match(_DNS1123_SUBDOMAIN_FMT, value)


def is_dns1123_subdomain(value: str) -> list[str]:
    """``IsDNS1123Subdomain``: most object names."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _match(_DNS1123_SUBDOMAIN_FMT, value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_ERR_MSG, _DNS1123_SUBDOMAIN_FMT,
                                "example.com"))
    return errs


def is_dns1123_subdomain_with_underscore(value: str) -> list[str]:
    """``IsDNS1123SubdomainWithUnderscore`` (relaxed DNS search paths)."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _match(_DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE, value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_ERR_MSG_FG,
                                _DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """``IsDNS1035Label``: e.g. a Service name."""
    errs: list[str] = []
    if _blen(value) > DNS1035_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if not _match(_DNS1035_LABEL_FMT, value):
        errs.append(regex_error(_DNS1035_LABEL_ERR_MSG, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """``IsWildcardDNS1123Subdomain``: ``*.example.com``."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _match(_WILDCARD_DNS1123_SUBDOMAIN_FMT, value):
        errs.append(regex_error(_WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG,
                                _WILDCARD_DNS1123_SUBDOMAIN_FMT, "*.example.com"))
    return errs


def is_fully_qualified_domain_name(path: Path, name: str) -> ErrorList:
    """``IsFullyQualifiedDomainName``: at least two labels; a trailing ``.`` is allowed."""
    errs = ErrorList()
    if not name:
        errs.append(required(path, ""))
        return errs
    name = name.removesuffix(".")
    msgs = is_dns1123_subdomain(name)
    if msgs:
        errs.append(invalid(path, name, ",".join(msgs)))
        return errs
    if len(name.split(".")) < 2:
        errs.append(invalid(path, name,
                            "should be a domain with at least two segments separated by dots"))
        return errs
    for label in name.split("."):
        msgs = is_dns1123_label(label)
        if msgs:
            errs.append(invalid(path, label, ",".join(msgs)))
            return errs
    return errs


_HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"


def is_domain_prefixed_path(path: Path, dp_path: str) -> ErrorList:
    """``IsDomainPrefixedPath``: ``acme.io/foo``."""
    errs = ErrorList()
    if not dp_path:
        errs.append(required(path, ""))
        return errs
    segments = dp_path.split("/", 1)
    if len(segments) != 2 or not segments[0] or not segments[1]:
        errs.append(invalid(path, dp_path,
                            'must be a domain-prefixed path (such as "acme.io/foo")'))
        return errs
    host, rest = segments
    for msg in is_dns1123_subdomain(host):
        errs.append(invalid(path, host, msg))
    if not _match(_HTTP_PATH_FMT, rest):
        errs.append(invalid(path, rest, regex_error("Invalid path", _HTTP_PATH_FMT)))
    return errs


# --------------------------------------------------------------------------------------------
# util/validation: numbers, ports, percents, env vars, config keys
# --------------------------------------------------------------------------------------------


def is_valid_port_num(port: int) -> list[str]:
    """``IsValidPortNum``: 1-65535."""
    if 1 <= port <= 65535:
        return []
    return [inclusive_range_error(1, 65535)]


def is_in_range(value: int, lo: int, hi: int) -> list[str]:
    """``IsInRange``."""
    if lo <= value <= hi:
        return []
    return [inclusive_range_error(lo, hi)]


def is_valid_group_id(gid: int) -> list[str]:
    """``IsValidGroupID``: 0 to 2**32-1."""
    if 0 <= gid <= 0xFFFFFFFF:
        return []
    return [inclusive_range_error(0, 0xFFFFFFFF)]


def is_valid_user_id(uid: int) -> list[str]:
    """``IsValidUserID``: 0 to 2**32-1."""
    if 0 <= uid <= 0xFFFFFFFF:
        return []
    return [inclusive_range_error(0, 0xFFFFFFFF)]


def is_valid_port_name(port: str) -> list[str]:
    """``IsValidPortName`` (an ``IANA_SVC_NAME``): at most 15 of ``[-a-z0-9]``, at least one
    letter, no leading, trailing or doubled hyphen."""
    errs: list[str] = []
    if _blen(port) > 15:
        errs.append(max_len_error(15))
    if not _match("[-a-z0-9]+", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if re.search("[a-z]", port) is None:
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


_PERCENT_FMT = "[0-9]+%"
_PERCENT_ERR_MSG = "a valid percent string must be a numeric string followed by an ending '%'"


def is_valid_percent(percent: str) -> list[str]:
    """``IsValidPercent``: ``25%``."""
    if not _match(_PERCENT_FMT, percent):
        return [regex_error(_PERCENT_ERR_MSG, _PERCENT_FMT, "1%", "93%")]
    return []


_HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_NAME_ERR_MSG = "a valid HTTP header must consist of alphanumeric characters or '-'"


def is_http_header_name(value: str) -> list[str]:
    """``IsHTTPHeaderName``."""
    if not _match(_HTTP_HEADER_NAME_FMT, value):
        return [regex_error(_HTTP_HEADER_NAME_ERR_MSG, _HTTP_HEADER_NAME_FMT, "X-Header-Name")]
    return []


_ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_VAR_NAME_FMT_ERR_MSG = ("a valid environment variable name must consist of alphabetic "
                             "characters, digits, '_', '-', or '.', and must not start with a "
                             "digit")
_RELAXED_ENV_VAR_NAME_FMT_ERR_MSG = ("a valid environment variable name must consist only of "
                                     "printable ASCII characters other than '='")


def _has_chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_env_var_name(value: str) -> list[str]:
    """``IsEnvVarName`` (the strict rule, before ``RelaxedEnvironmentVariableValidation``)."""
    errs: list[str] = []
    if not _match(_ENV_VAR_NAME_FMT, value):
        errs.append(regex_error(_ENV_VAR_NAME_FMT_ERR_MSG, _ENV_VAR_NAME_FMT, "my.env-name",
                                "MY_ENV.NAME", "MyEnvName1"))
    errs.extend(_has_chdir_prefix(value))
    return errs


def is_relaxed_env_var_name(value: str) -> list[str]:
    """``IsRelaxedEnvVarName``: any printable ASCII but ``=`` (the rule pods use today)."""
    errs: list[str] = []
    if not value:
        errs.append("environment variable name " + empty_error())
    for ch in value:
        if ord(ch) > 0x7F or not (ch == " " or unicodedata.category(ch)[0] in "LMNPS") \
                or ch == "=":
            errs.append(_RELAXED_ENV_VAR_NAME_FMT_ERR_MSG)
            break
    return errs


_CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_MAP_KEY_ERR_MSG = ("a valid config key must consist of alphanumeric characters, '-', '_' "
                           "or '.'")


def is_config_map_key(value: str) -> list[str]:
    """``IsConfigMapKey``: a key of a ConfigMap's or Secret's ``data``."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _match(_CONFIG_MAP_KEY_FMT, value):
        errs.append(regex_error(_CONFIG_MAP_KEY_ERR_MSG, _CONFIG_MAP_KEY_FMT, "key.name",
                                "KEY_NAME", "key-name"))
    errs.extend(_has_chdir_prefix(value))
    return errs


# --------------------------------------------------------------------------------------------
# ip.go (netutils.ParseIPSloppy / ParseCIDRSloppy)
# --------------------------------------------------------------------------------------------

_SLOPPY_V4 = re.compile(r"(\d+)\.(\d+)\.(\d+)\.(\d+)")


def _sloppy_v4(text: str) -> ipaddress.IPv4Address | None:
    m = _SLOPPY_V4.fullmatch(text)
    if m is None or not text.isascii():
        return None
    octets = [int(g) for g in m.groups()]
    if any(o > 255 for o in octets):
        return None
    return ipaddress.IPv4Address(".".join(str(o) for o in octets))


def parse_ip_sloppy(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``netutils.ParseIPSloppy``: Go's old ``net.ParseIP`` (IPv4 octets may have leading
    zeros, read as decimal); None if not an IP."""
    v4 = _sloppy_v4(value)
    if v4 is not None:
        return v4
    if ":" not in value or "%" in value:
        return None
    head, _, tail = value.rpartition(":")
    if "." in tail:  # an embedded IPv4 suffix may be sloppy too
        embedded = _sloppy_v4(tail)
        if embedded is None:
            return None
        value = f"{head}:{embedded}"
    try:
        return ipaddress.IPv6Address(value)
    except ValueError:
        return None


def parse_cidr_sloppy(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """``netutils.ParseCIDRSloppy``; None if not a CIDR."""
    addr, sep, bits = value.partition("/")
    if not sep or not bits.isdigit() or not bits.isascii() or len(bits) > 3:
        return None
    ip = parse_ip_sloppy(addr)
    if ip is None:
        return None
    if int(bits) > ip.max_prefixlen:
        return None
    return ipaddress.ip_network(f"{ip}/{int(bits)}", strict=False)


def is_valid_ip(path: Path, value: str) -> ErrorList:
    """``IsValidIP``."""
    errs = ErrorList()
    if parse_ip_sloppy(value) is None:
        errs.append(invalid(path, value,
                            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    return errs


def is_valid_ipv4_address(path: Path, value: str) -> ErrorList:
    """``IsValidIPv4Address``."""
    ip = parse_ip_sloppy(value)
    if ip is None or (ip.version != 4 and getattr(ip, "ipv4_mapped", None) is None):
        return ErrorList([invalid(path, value, "must be a valid IPv4 address")])
    return ErrorList()


def is_valid_ipv6_address(path: Path, value: str) -> ErrorList:
    """``IsValidIPv6Address``."""
    ip = parse_ip_sloppy(value)
    if ip is None or ip.version == 4 or getattr(ip, "ipv4_mapped", None) is not None:
        return ErrorList([invalid(path, value, "must be a valid IPv6 address")])
    return ErrorList()


def is_valid_cidr(path: Path, value: str) -> ErrorList:
    """``IsValidCIDR``."""
    if parse_cidr_sloppy(value) is None:
        return ErrorList([invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or "
                                               "2001:db8::/64)")])
    return ErrorList()


# --------------------------------------------------------------------------------------------
# api/validation/generic.go and path/name.go: ValidateNameFunc per resource
# --------------------------------------------------------------------------------------------


def mask_trailing_dash(name: str) -> str:
    """``maskTrailingDash``: a ``generateName`` prefix may end with ``-``. Upstream replaces
    the last *two* characters with ``a`` (``name[:len(name)-2] + "a"``); so do we. A lone
    ``-`` is left alone (``len(name) > 1``)."""
    if len(name) > 1 and name.endswith("-"):
        return name[: len(name) - 2] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    """``NameIsDNSSubdomain``: Pods, Deployments, ConfigMaps, Secrets, Nodes..."""
    if prefix:
        name = mask_trailing_dash(name)
    return is_dns1123_subdomain(name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    """``NameIsDNSLabel``: Namespaces, StatefulSets."""
    if prefix:
        name = mask_trailing_dash(name)
    return is_dns1123_label(name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    """``NameIsDNS1035Label``: Services."""
    if prefix:
        name = mask_trailing_dash(name)
    return is_dns1035_label(name)


#: ``ValidateNamespaceName``.
validate_namespace_name: NameValidator = name_is_dns_label
#: ``ValidateServiceAccountName``.
validate_service_account_name: NameValidator = name_is_dns_subdomain


def is_valid_path_segment_name(name: str) -> list[str]:
    """``IsValidPathSegmentName``: not ``.`` or ``..``, no ``/`` or ``%`` (RBAC names)."""
    for illegal in (".", ".."):
        if name == illegal:
            return [f"may not be '{illegal}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def is_valid_path_segment_prefix(name: str) -> list[str]:
    """``IsValidPathSegmentPrefix``."""
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def validate_path_segment_name(name: str, prefix: bool) -> list[str]:
    """``ValidatePathSegmentName``."""
    return is_valid_path_segment_prefix(name) if prefix else is_valid_path_segment_name(name)
