"""Label and field selectors: parsing, matching, canonical strings, upstream's errors.

Upstream:

- label selectors: ``staging/src/k8s.io/apimachinery/pkg/labels/selector.go`` (``Parse``, its
  lexer and parser, ``NewRequirement``, ``Requirement.Matches`` and ``String``), with the key and
  value checks of ``apimachinery/pkg/api/validate/content`` (``IsLabelKey``, ``IsLabelValue``)
  and the error format of ``apimachinery/pkg/util/validation/field/errors.go``;
- ``metav1.LabelSelector`` objects: ``apimachinery/pkg/apis/meta/v1/helpers.go``
  ``LabelSelectorAsSelector`` (a missing selector matches nothing, an empty one everything);
- field selectors: ``apimachinery/pkg/fields/selector.go`` (``ParseSelector``, ``splitTerms``,
  ``splitTerm``, ``EscapeValue``, ``UnescapeValue``);
- which fields each resource supports: the field label conversion functions of
  ``pkg/apis/core/v1/conversion.go`` (``field label not supported: <label>``), the default
  ``runtime.DefaultMetaV1FieldSelectorConversion`` for the other resources, and the values of the
  registries' ``ToSelectableFields`` (``pkg/registry/core/pod/strategy.go`` and friends).

The API server answers a selector it cannot parse, or a field it does not support, with 400
``BadRequest`` and the error text as message: :class:`SelectorError` carries that ``status``.

Simplification: requirements are sorted by key with a stable sort (upstream's ``sort.Sort`` is
not stable, which only matters for two requirements on the same key); ``status.podIPs`` is not
accepted for pods.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import StatusError, bad_request
from .validation.field import go_quote as _go_quote

__all__ = [
    "DOES_NOT_EXIST",
    "DOUBLE_EQUALS",
    "EQUALS",
    "EXISTS",
    "GREATER_THAN",
    "IN",
    "LESS_THAN",
    "NOT_EQUALS",
    "NOT_IN",
    "FieldSelector",
    "FieldTerm",
    "Requirement",
    "Selector",
    "SelectorError",
    "convert_field_selector",
    "escape_field_value",
    "field_getter",
    "field_selector_matches",
    "label_selector_as_selector",
    "new_requirement",
    "object_fields",
    "parse_field_selector",
    "parse_label_selector",
    "selecting",
    "selector_from_set",
    "supported_field_labels",
    "unescape_field_value",
]

# selection.Operator values
DOES_NOT_EXIST = "!"
EQUALS = "="
DOUBLE_EQUALS = "=="
IN = "in"
NOT_EQUALS = "!="
NOT_IN = "notin"
EXISTS = "exists"
GREATER_THAN = "gt"
LESS_THAN = "lt"

_BINARY_OPERATORS = [IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN]
_VALID_OPERATORS = [*_BINARY_OPERATORS, EXISTS, DOES_NOT_EXIST]


class SelectorError(StatusError, ValueError):
    """A selector the API server rejects: a 400 ``BadRequest`` Status (``NewBadRequest``)."""

    def __init__(self, message: str) -> None:
        super().__init__(bad_request(message).status)


# -- Go formatting used in field.Error texts ----------------------------------------------------




def _go_string_slice(values: list[str] | None) -> str:
    """``%#v`` of a ``[]string``."""
    if values is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(_go_quote(v) for v in values) + "}"


def _invalid(path: str, value: str | list[str] | None, detail: str) -> str:
    """``field.Invalid(path, value, detail).Error()``."""
    shown = _go_quote(value) if isinstance(value, str) else _go_string_slice(value)
    return f"{path}: Invalid value: {shown}: {detail}"


def _aggregate(errors: list[str]) -> str:
    """``ErrorList.ToAggregate().Error()``: one error bare, several deduplicated in brackets."""
    unique = list(dict.fromkeys(errors))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


# -- label keys and values (validate/content) ---------------------------------------------------

_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY_ERR = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and "
                  "end with an alphanumeric character")
_LABEL_VALUE_FMT = f"({_LABEL_KEY_FMT})?"
_LABEL_VALUE_ERR = ("a valid label must be an empty string or consist of alphanumeric "
                    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    "character")
_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = f"{_DNS1123_LABEL_FMT}(\\.{_DNS1123_LABEL_FMT})*"
_DNS1123_SUBDOMAIN_ERR = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                          "characters, '-' or '.', and must start and end with an alphanumeric "
                          "character")
_LABEL_NAME_RE = re.compile(f"{_LABEL_KEY_FMT}\\Z", re.ASCII)
_LABEL_VALUE_RE = re.compile(f"{_LABEL_VALUE_FMT}\\Z", re.ASCII)
_DNS1123_SUBDOMAIN_RE = re.compile(f"{_DNS1123_SUBDOMAIN_FMT}\\Z", re.ASCII)


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``validation.RegexError`` (note the double space before each ``or``)."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    text = msg + " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            text += " or "
        text += f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def _is_label_key(value: str) -> list[str]:
    """``content.IsLabelKey``: an optional DNS-subdomain prefix and ``/``, then a name."""
    errs: list[str] = []
    prefix, slash, name = value.partition("/")
    if not slash:
        name = value
    elif "/" in name:
        regex = _regex_error(_LABEL_KEY_ERR, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
        return [f"a valid label key {regex} with an optional DNS subdomain prefix and '/' "
                "(e.g. 'example.com/MyName')"]
    else:
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            if len(prefix) > 253:
                errs.append("prefix part must be no more than 253 characters")
            if not _DNS1123_SUBDOMAIN_RE.match(prefix):
                errs.append("prefix part " + _regex_error(_DNS1123_SUBDOMAIN_ERR,
                                                          _DNS1123_SUBDOMAIN_FMT, "example.com"))
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if not _LABEL_NAME_RE.match(name):
        errs.append("name part " + _regex_error(_LABEL_KEY_ERR, _LABEL_KEY_FMT, "MyName",
                                                "my.name", "123-abc"))
    return errs


def _is_label_value(value: str) -> list[str]:
    """``validation.IsValidLabelValue``."""
    errs: list[str] = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _LABEL_VALUE_RE.match(value):
        errs.append(_regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value",
                                 "12345"))
    return errs


def _validate_label_key(key: str, path: str) -> str | None:
    errs = _is_label_key(key)
    return _invalid(path, key, "; ".join(errs)) if errs else None


_INT64 = re.compile(r"[+-]?[0-9]+\Z")


def _parse_int64(s: str) -> int | None:
    """``strconv.ParseInt(s, 10, 64)``, ``None`` on error."""
    if not _INT64.match(s):
        return None
    value = int(s)
    return value if -(2**63) <= value < 2**63 else None


# -- requirements and selectors -------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """``labels.Requirement``: a key, an operator and values. Build with :func:`new_requirement`."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        """``Requirement.Matches``."""
        op = self.operator
        if op in (IN, EQUALS, DOUBLE_EQUALS):
            return self.key in labels and labels[self.key] in self.values
        if op in (NOT_IN, NOT_EQUALS):
            return self.key not in labels or labels[self.key] not in self.values
        if op == EXISTS:
            return self.key in labels
        if op == DOES_NOT_EXIST:
            return self.key not in labels
        if op in (GREATER_THAN, LESS_THAN):
            if self.key not in labels or len(self.values) != 1:
                return False
            have = _parse_int64(labels[self.key])
            want = _parse_int64(self.values[0])
            if have is None or want is None:
                return False
            return have > want if op == GREATER_THAN else have < want
        return False

    def __str__(self) -> str:
        """``Requirement.String``: ``x in (a,b)``, ``!x``, ``x!=a``; values sorted."""
        text = ("!" if self.operator == DOES_NOT_EXIST else "") + self.key
        if self.operator in (EXISTS, DOES_NOT_EXIST):
            return text
        symbol = {EQUALS: "=", DOUBLE_EQUALS: "==", NOT_EQUALS: "!=", IN: " in ",
                  NOT_IN: " notin ", GREATER_THAN: ">", LESS_THAN: "<"}[self.operator]
        values = ",".join(sorted(self.values)) if len(self.values) > 1 else "".join(self.values)
        if self.operator in (IN, NOT_IN):
            values = f"({values})"
        return text + symbol + values


def new_requirement(key: str, operator: str, values: list[str] | None = None, *,
                    path: str | None = None) -> Requirement:
    """``labels.NewRequirement``: check the key, the operator's arity and the values.

    ``path`` is the field path of the error messages (``None`` prints as upstream's nil path).
    Raises :class:`SelectorError` with the aggregated ``field.Error`` texts.
    """

    def child(name: str) -> str:
        return f"{path}.{name}" if path else name

    errs: list[str] = []
    key_err = _validate_label_key(key, child("key"))
    if key_err:
        errs.append(key_err)
    value_path = child("values")
    vals = values
    count = len(vals or [])
    if operator in (IN, NOT_IN):
        if count == 0:
            errs.append(_invalid(value_path, vals,
                                 "for 'in', 'notin' operators, values set can't be empty"))
    elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
        if count != 1:
            errs.append(_invalid(value_path, vals,
                                 "exact-match compatibility requires one single value"))
    elif operator in (EXISTS, DOES_NOT_EXIST):
        if count != 0:
            errs.append(_invalid(value_path, vals,
                                 "values set must be empty for exists and does not exist"))
    elif operator in (GREATER_THAN, LESS_THAN):
        if count != 1:
            errs.append(_invalid(value_path, vals,
                                 "for 'Gt', 'Lt' operators, exactly one value is required"))
        for i, v in enumerate(vals or []):
            if _parse_int64(v) is None:
                errs.append(_invalid(f"{value_path}[{i}]", v,
                                     "for 'Gt', 'Lt' operators, the value must be an integer"))
    else:
        supported = ", ".join(_go_quote(o) for o in _VALID_OPERATORS)
        errs.append(f"{child('operator')}: Unsupported value: {_go_quote(operator)}: "
                    f"supported values: {supported}")
    for i, v in enumerate(vals or []):
        value_errs = _is_label_value(v)
        if value_errs:
            errs.append(_invalid(f"{value_path}[{i}][{key}]", v, "; ".join(value_errs)))
    if errs:
        raise SelectorError(_aggregate(errs))
    return Requirement(key, operator, tuple(vals or ()))


@dataclass(frozen=True)
class Selector:
    """``labels.Selector``: requirements ANDed, sorted by key.

    ``Selector.everything()`` (no requirement) matches all label sets; ``Selector.nothing()``
    (what a missing ``LabelSelector`` becomes) matches none. Both print as ``""``.
    """

    requirements: tuple[Requirement, ...] = ()
    matches_nothing: bool = False

    @classmethod
    def everything(cls) -> Selector:
        return cls()

    @classmethod
    def nothing(cls) -> Selector:
        return cls(matches_nothing=True)

    @property
    def empty(self) -> bool:
        """``Selector.Empty``: it does not restrict the selection (``nothing()`` is not empty)."""
        return not self.matches_nothing and not self.requirements

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.matches_nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def add(self, *requirements: Requirement) -> Selector:
        """``Selector.Add``: a new selector with more requirements, sorted by key."""
        if self.matches_nothing:
            return self
        return Selector(tuple(sorted((*self.requirements, *requirements), key=lambda r: r.key)))

    def requires_exact_match(self, key: str) -> str | None:
        """``RequiresExactMatch``: the single value ``key`` must have, if any."""
        for r in self.requirements:
            if r.key == key:
                if r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1:
                    return r.values[0]
                return None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """``labels.SelectorFromSet``: ``key=value`` for each label (no validation)."""
    return Selector(tuple(Requirement(k, EQUALS, (v,)) for k, v in sorted((labels or {}).items())))


# -- the label selector lexer and parser ----------------------------------------------------------

_ERROR, _EOS, _CLOSED_PAR, _COMMA, _NOT, _DOUBLE_EQUALS, _EQUALS, _GT, _ID, _IN, _LT, \
    _NOT_EQUALS, _NOT_IN, _OPEN_PAR = range(14)
_STRING_TO_TOKEN = {")": _CLOSED_PAR, ",": _COMMA, "!": _NOT, "==": _DOUBLE_EQUALS, "=": _EQUALS,
                    ">": _GT, "in": _IN, "<": _LT, "!=": _NOT_EQUALS, "notin": _NOT_IN,
                    "(": _OPEN_PAR}
_SPECIAL = set("=!(),><")
_WHITESPACE = set(" \t\r\n")


def _lex(s: str) -> list[tuple[int, str]]:
    """``Lexer.Lex`` until end of string: (token, literal) pairs."""
    items: list[tuple[int, str]] = []
    pos = 0
    while True:
        while pos < len(s) and s[pos] in _WHITESPACE:
            pos += 1
        if pos >= len(s):
            items.append((_EOS, ""))
            return items
        if s[pos] in _SPECIAL:
            # the longest run of special symbols that is a token
            buffer = ""
            last: tuple[int, str] | None = None
            while pos < len(s) and s[pos] in _SPECIAL:
                buffer += s[pos]
                pos += 1
                if buffer in _STRING_TO_TOKEN:
                    last = (_STRING_TO_TOKEN[buffer], buffer)
                elif last is not None:
                    pos -= 1
                    break
            if last is None:
                items.append((_ERROR, f"error expected: keyword found '{buffer}'"))
            else:
                items.append(last)
            continue
        start = pos
        while pos < len(s) and s[pos] not in _SPECIAL and s[pos] not in _WHITESPACE:
            pos += 1
        word = s[start:pos]
        items.append((_STRING_TO_TOKEN.get(word, _ID), word))


class _Parser:
    """``labels.Parser``: recursive descent over the scanned tokens."""

    KEY_AND_OPERATOR, VALUES = 0, 1

    def __init__(self, s: str) -> None:
        self.items = _lex(s)
        self.position = 0

    def lookahead(self, context: int) -> tuple[int, str]:
        tok, lit = self.items[self.position]
        if context == self.VALUES and tok in (_IN, _NOT_IN):
            tok = _ID
        return tok, lit

    def consume(self, context: int) -> tuple[int, str]:
        self.position += 1
        tok, lit = self.items[self.position - 1]
        if context == self.VALUES and tok in (_IN, _NOT_IN):
            tok = _ID
        return tok, lit

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(self.VALUES)
            if tok in (_ID, _NOT):
                try:
                    requirements.append(self.parse_requirement())
                except SelectorError as err:
                    raise SelectorError(f"unable to parse requirement: {err.message}") from None
                t, lit2 = self.consume(self.VALUES)
                if t == _EOS:
                    return requirements
                if t == _COMMA:
                    t2, lit3 = self.lookahead(self.VALUES)
                    if t2 not in (_ID, _NOT):
                        raise SelectorError(f"found '{lit3}', expected: identifier after ','")
                else:
                    raise SelectorError(f"found '{lit2}', expected: ',' or 'end of string'")
            elif tok == _EOS:
                return requirements
            else:
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def parse_requirement(self) -> Requirement:
        key, operator = self.parse_key_and_infer_operator()
        if operator in (EXISTS, DOES_NOT_EXIST):
            return new_requirement(key, operator, [])
        operator = self.parse_operator()
        if operator in (IN, NOT_IN):
            values = self.parse_values()
        else:
            values = self.parse_exact_value()
        return new_requirement(key, operator, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        operator = ""
        tok, literal = self.consume(self.VALUES)
        if tok == _NOT:
            operator = DOES_NOT_EXIST
            tok, literal = self.consume(self.VALUES)
        if tok != _ID:
            raise SelectorError(f"found '{literal}', expected: identifier")
        err = _validate_label_key(literal, "<nil>")
        if err:
            raise SelectorError(err)
        t, _ = self.lookahead(self.VALUES)
        if t in (_EOS, _COMMA) and operator != DOES_NOT_EXIST:
            operator = EXISTS
        return literal, operator

    def parse_operator(self) -> str:
        tok, lit = self.consume(self.KEY_AND_OPERATOR)
        operators = {_IN: IN, _EQUALS: EQUALS, _DOUBLE_EQUALS: DOUBLE_EQUALS, _GT: GREATER_THAN,
                     _LT: LESS_THAN, _NOT_IN: NOT_IN, _NOT_EQUALS: NOT_EQUALS}
        if tok not in operators:
            raise SelectorError(f"found '{lit}', expected: {', '.join(_BINARY_OPERATORS)}")
        return operators[tok]

    def parse_values(self) -> set[str]:
        tok, lit = self.consume(self.VALUES)
        if tok != _OPEN_PAR:
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(self.VALUES)
        if tok in (_ID, _COMMA):
            values = self.parse_identifiers_list()
            tok, _ = self.consume(self.VALUES)
            if tok != _CLOSED_PAR:
                raise SelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok == _CLOSED_PAR:
            self.consume(self.VALUES)
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume(self.VALUES)
            if tok == _ID:
                values.add(lit)
                tok2, lit2 = self.lookahead(self.VALUES)
                if tok2 == _COMMA:
                    continue
                if tok2 == _CLOSED_PAR:
                    return values
                raise SelectorError(f"found '{lit2}', expected: ',' or ')'")
            if tok == _COMMA:
                if not values:
                    values.add("")  # "(,"
                tok2, _ = self.lookahead(self.VALUES)
                if tok2 == _CLOSED_PAR:
                    values.add("")  # ",)"
                    return values
                if tok2 == _COMMA:
                    values.add("")  # ",,"
                continue
            raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        tok, _ = self.lookahead(self.VALUES)
        if tok in (_EOS, _COMMA):
            return {""}
        tok, lit = self.consume(self.VALUES)
        if tok == _ID:
            return {lit}
        raise SelectorError(f"found '{lit}', expected: identifier")


def parse_label_selector(selector: str) -> Selector:
    """``labels.Parse``: ``a=b,c!=d,e in (f,g),h notin (i),j,!k,l>1,m<2``.

    >>> str(parse_label_selector("tier notin (db), app = web ,!canary"))
    'app=web,!canary,tier notin (db)'

    Raises :class:`SelectorError` with upstream's text, e.g.
    ``unable to parse requirement: found '', expected: in, notin, =, ==, !=, gt, lt``.
    """
    return Selector(tuple(sorted(_Parser(selector).parse(), key=lambda r: r.key)))


_LABEL_SELECTOR_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS,
                             "DoesNotExist": DOES_NOT_EXIST}


def label_selector_as_selector(label_selector: Mapping[str, Any] | None) -> Selector:
    """``metav1.LabelSelectorAsSelector`` for a ``LabelSelector`` dict.

    ``None`` (no selector) matches nothing; ``{}`` (empty selector) matches everything.

    >>> s = label_selector_as_selector({"matchLabels": {"app": "web"},
    ...     "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]})
    >>> str(s), s.matches({"app": "web", "tier": "b"})
    ('app=web,tier in (a,b)', True)
    """
    if label_selector is None:
        return Selector.nothing()
    match_labels = label_selector.get("matchLabels") or {}
    match_expressions = label_selector.get("matchExpressions") or []
    if not match_labels and not match_expressions:
        return Selector.everything()
    requirements = [new_requirement(k, EQUALS, [v]) for k, v in sorted(match_labels.items())]
    for expr in match_expressions:
        operator = _LABEL_SELECTOR_OPERATORS.get(expr.get("operator", ""))
        if operator is None:
            raise SelectorError(f"{_go_quote(str(expr.get('operator', '')))} is not a valid "
                                "label selector operator")
        values = expr.get("values")
        requirements.append(new_requirement(expr.get("key", ""), operator,
                                            list(values) if values else None))
    return Selector().add(*requirements)


def selecting(objs: Iterable[Mapping[str, Any]], labels: Mapping[str, str]) -> list[Any]:
    """The objects whose ``spec.selector`` matches ``labels``, in order: an invalid selector is
    skipped, and a nil or empty one matches nothing (what ``getPodDisruptionBudgets`` in
    ``pkg/registry/core/pod/storage/eviction.go`` and the PDB lister's
    ``GetPodPodDisruptionBudgets`` both do: "If a PDB with a nil or empty selector creeps in, it
    should match nothing, not everything").

    >>> pdbs = [{"spec": {"selector": {"matchLabels": {"app": "web"}}}}, {"spec": {}},
    ...         {"spec": {"selector": {}}}]
    >>> len(selecting(pdbs, {"app": "web"}))
    1
    """
    out = []
    for obj in objs:
        try:
            sel = label_selector_as_selector((obj.get("spec") or {}).get("selector"))
        except SelectorError:
            continue
        if sel.empty or not sel.matches(labels):
            continue
        out.append(obj)
    return out


# -- field selectors ------------------------------------------------------------------------------


def escape_field_value(value: str) -> str:
    """``fields.EscapeValue``: ``\\`` → ``\\\\``, ``,`` → ``\\,``, ``=`` → ``\\=``."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_field_value(value: str) -> str:
    """``fields.UnescapeValue``; raises :class:`SelectorError` for a bad escape."""
    if not any(c in value for c in "\\,="):
        return value
    out: list[str] = []
    in_slash = False
    for c in value:
        if in_slash:
            if c not in "\\,=":
                raise SelectorError("invalid field selector: invalid escape sequence: \\" + c)
            out.append(c)
            in_slash = False
        elif c == "\\":
            in_slash = True
        elif c in ",=":
            # upstream prints the rune with %v: its code point
            raise SelectorError(f"invalid field selector: unescaped character in value: {ord(c)}")
        else:
            out.append(c)
    if in_slash:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


@dataclass(frozen=True)
class FieldTerm:
    """``hasTerm`` (``field=value``) or ``notHasTerm`` (``field!=value``)."""

    field: str
    value: str
    negated: bool = False

    def matches(self, fields: Mapping[str, str]) -> bool:
        return (fields.get(self.field, "") == self.value) != self.negated

    def __str__(self) -> str:
        return f"{self.field}{'!=' if self.negated else '='}{escape_field_value(self.value)}"


@dataclass(frozen=True)
class FieldSelector:
    """``fields.Selector``: terms ANDed, in the order of the sorted raw terms."""

    terms: tuple[FieldTerm, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms

    def matches(self, fields: Mapping[str, str]) -> bool:
        return all(t.matches(fields) for t in self.terms)

    def requires_exact_match(self, field: str) -> str | None:
        for t in self.terms:
            if t.field == field and not t.negated:
                return t.value
        return None

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


def _split_terms(selector: str) -> list[str]:
    """``splitTerms``: split on commas not escaped by a backslash."""
    if not selector:
        return []
    terms: list[str] = []
    start = 0
    in_slash = False
    for i, c in enumerate(selector):
        if in_slash:
            in_slash = False
        elif c == "\\":
            in_slash = True
        elif c == ",":
            terms.append(selector[start:i])
            start = i + 1
    terms.append(selector[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    """``splitTerm``: the first ``!=``, ``==`` or ``=`` (in that order of preference)."""
    for i in range(len(term)):
        for op in ("!=", "==", "="):
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op):]
    return None


def parse_field_selector(selector: str) -> FieldSelector:
    """``fields.ParseSelector``: ``metadata.name=x,spec.nodeName!=,status.phase==Running``.

    >>> str(parse_field_selector("status.phase==Running,metadata.name=a\\\\,b"))
    'metadata.name=a\\\\,b,status.phase=Running'
    """
    terms: list[FieldTerm] = []
    for part in sorted(_split_terms(selector)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise SelectorError(f"invalid selector: '{selector}'; can't understand '{part}'")
        lhs, op, rhs = split
        terms.append(FieldTerm(lhs, unescape_field_value(rhs), negated=(op == "!=")))
    return FieldSelector(tuple(terms))


# -- which fields each resource supports ----------------------------------------------------------

FieldGetter = Callable[[Mapping[str, Any]], str]


def _path(*keys: str) -> FieldGetter:
    def get(obj: Mapping[str, Any]) -> str:
        value: Any = obj
        for key in keys:
            if not isinstance(value, Mapping):
                return ""
            value = value.get(key)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    return get


def _pod_ip(obj: Mapping[str, Any]) -> str:
    """The internal Pod has only ``podIPs``; its first entry is ``status.podIP``."""
    ips = (obj.get("status") or {}).get("podIPs") or []
    if ips and isinstance(ips[0], Mapping):
        return str(ips[0].get("ip", ""))
    return _path("status", "podIP")(obj)


def _event_source(obj: Mapping[str, Any]) -> str:
    return _path("source", "component")(obj) or _path("reportingComponent")(obj)


@dataclass(frozen=True)
class _FieldLabels:
    """One resource's field selector support: the fields of ``ToSelectableFields`` (beyond
    ``metadata.name`` and, if namespaced, ``metadata.namespace``), whether a conversion function
    is registered for its kind (which decides the error text), and renamed labels."""

    fields: Mapping[str, FieldGetter]
    registered: bool = True
    namespaced: bool = True
    accepts_namespace: bool = True
    aliases: Mapping[str, str] | None = None


_FIELD_LABELS: dict[str, _FieldLabels] = {
    "pods": _FieldLabels({
        "spec.nodeName": _path("spec", "nodeName"),
        "spec.restartPolicy": _path("spec", "restartPolicy"),
        "spec.schedulerName": _path("spec", "schedulerName"),
        "spec.serviceAccountName": _path("spec", "serviceAccountName"),
        "spec.hostNetwork": lambda obj: "true" if _path("spec", "hostNetwork")(obj) == "true"
        else "false",
        "status.phase": _path("status", "phase"),
        "status.podIP": _pod_ip,
        "status.nominatedNodeName": _path("status", "nominatedNodeName"),
    }, aliases={"spec.host": "spec.nodeName"}),
    "events": _FieldLabels({
        "involvedObject.kind": _path("involvedObject", "kind"),
        "involvedObject.namespace": _path("involvedObject", "namespace"),
        "involvedObject.name": _path("involvedObject", "name"),
        "involvedObject.uid": _path("involvedObject", "uid"),
        "involvedObject.apiVersion": _path("involvedObject", "apiVersion"),
        "involvedObject.resourceVersion": _path("involvedObject", "resourceVersion"),
        "involvedObject.fieldPath": _path("involvedObject", "fieldPath"),
        "reason": _path("reason"),
        "reportingComponent": _path("reportingComponent"),
        "source": _event_source,
        "type": _path("type"),
    }),
    "nodes": _FieldLabels({
        "spec.unschedulable": lambda obj: "true" if _path("spec", "unschedulable")(obj) == "true"
        else "false",
    }, namespaced=False, accepts_namespace=False),
    "namespaces": _FieldLabels({"status.phase": _path("status", "phase")},
                               namespaced=False, accepts_namespace=False),
    "secrets": _FieldLabels({"type": _path("type")}),
    "services": _FieldLabels({"spec.clusterIP": _path("spec", "clusterIP"),
                              "spec.type": _path("spec", "type")}),
    "replicationcontrollers": _FieldLabels({
        "status.replicas": lambda obj: _path("status", "replicas")(obj) or "0"}),
    "replicasets": _FieldLabels({
        "status.replicas": lambda obj: _path("status", "replicas")(obj) or "0"}),
    "jobs": _FieldLabels({
        "status.successful": lambda obj: _path("status", "succeeded")(obj) or "0"}),
}

#: Cluster-scoped resources without a conversion function (their field set has no namespace).
CLUSTER_SCOPED = frozenset({
    "nodes", "namespaces", "persistentvolumes", "clusterroles", "clusterrolebindings",
    "storageclasses", "priorityclasses", "customresourcedefinitions", "apiservices",
    "certificatesigningrequests", "csidrivers", "csinodes", "ingressclasses", "runtimeclasses",
    "volumeattachments", "mutatingwebhookconfigurations", "validatingwebhookconfigurations",
    "flowschemas", "prioritylevelconfigurations", "componentstatuses",
})


def _labels_for(resource: str) -> _FieldLabels:
    known = _FIELD_LABELS.get(resource)
    if known is not None:
        return known
    return _FieldLabels({}, registered=False, namespaced=resource not in CLUSTER_SCOPED)


def supported_field_labels(resource: str) -> list[str]:
    """The field labels the API server accepts in a field selector for ``resource`` (plural)."""
    spec = _labels_for(resource)
    names = ["metadata.name"]
    if spec.accepts_namespace:
        names.append("metadata.namespace")
    return names + list(spec.fields) + list(spec.aliases or {})


def convert_field_selector(selector: FieldSelector, resource: str) -> FieldSelector:
    """Check every field against ``resource``'s conversion function, as a list or watch does
    (``Transform(ConvertFieldLabel)``); renamed labels (``spec.host``) are converted.

    Raises :class:`SelectorError` (400) with ``field label not supported: <label>`` for a kind
    with a registered conversion function, and with
    ``"<label>" is not a known field selector: only "metadata.name", "metadata.namespace"``
    for the others.
    """
    spec = _labels_for(resource)
    accepted = set(supported_field_labels(resource))
    terms: list[FieldTerm] = []
    for term in selector.terms:
        if term.field not in accepted:
            if spec.registered:
                raise SelectorError(f"field label not supported: {term.field}")
            raise SelectorError(f"{_go_quote(term.field)} is not a known field selector: only "
                                '"metadata.name", "metadata.namespace"')
        field = (spec.aliases or {}).get(term.field, term.field)
        terms.append(FieldTerm(field, term.value, term.negated))
    return FieldSelector(tuple(terms))


def object_fields(resource: str, obj: Mapping[str, Any]) -> dict[str, str]:
    """The object's ``fields.Set`` (``ToSelectableFields``): the values field selectors match."""
    spec = _labels_for(resource)
    metadata = obj.get("metadata") or {}
    fields = {"metadata.name": str(metadata.get("name", ""))}
    if spec.namespaced:
        fields["metadata.namespace"] = str(metadata.get("namespace", ""))
    for name, getter in spec.fields.items():
        fields[name] = getter(obj)
    return fields


def _metadata_name(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


def _metadata_namespace(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("namespace", ""))


def _no_value(obj: Mapping[str, Any]) -> str:
    return ""


def field_getter(resource: str, field: str) -> FieldGetter:
    """The getter of one converted field label of ``resource``: the value
    :func:`field_selector_matches` compares for it (and :func:`object_fields` holds), ``""`` for
    a label the resource's ``fields.Set`` lacks. The watch cache keeps these values per key, as
    upstream's ``storeElement.Fields`` (``apiserver/pkg/storage/cacher/watch_cache.go``)."""
    spec = _labels_for(resource)
    getter = spec.fields.get(field)
    if getter is not None:
        return getter
    if field == "metadata.name":
        return _metadata_name
    if field == "metadata.namespace" and spec.namespaced:
        return _metadata_namespace
    return _no_value


def field_selector_matches(selector: FieldSelector, resource: str,
                           obj: Mapping[str, Any]) -> bool:
    """Whether ``obj`` (a ``resource``) matches an already-converted field selector: as
    ``selector.matches(object_fields(resource, obj))``, computing only the fields the terms
    name (a watch checks every event of its resource against its selector)."""
    spec = _labels_for(resource)
    for term in selector.terms:
        name = term.field
        getter = spec.fields.get(name)
        if getter is not None:
            value = getter(obj)
        elif name == "metadata.name":
            value = str((obj.get("metadata") or {}).get("name", ""))
        elif name == "metadata.namespace" and spec.namespaced:
            value = str((obj.get("metadata") or {}).get("namespace", ""))
        else:
            value = ""
        if (value == term.value) == term.negated:
            return False
    return True
