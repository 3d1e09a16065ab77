"""Field paths and field errors, as ``staging/src/k8s.io/apimachinery/pkg/util/validation/field``
(``path.go`` and ``errors.go``), plus the 422 ``Status`` that ``NewInvalid`` builds from them
(``staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go``) and the aggregate message of
``staging/src/k8s.io/apimachinery/pkg/util/errors/errors.go``.

Texts follow current upstream (the field package of Kubernetes v1.34/v1.35):

- ``Error()`` is ``"<field>: <body>"``; the body is the type's text (``Invalid value``...), then
  for the types that show a value ``": " + value``, then ``": " + detail`` when there is one.
  ``Required``, ``Forbidden``, ``Too long``, ``Too short`` and ``Internal error`` never show the
  value.
- Values are printed as upstream's ``ErrorBody`` does: strings with Go's ``%q``
  (``strconv.Quote``), ``int64``/``int32``/``float``/``bool`` with ``%v``, anything else as its
  ``encoding/json`` text. Since we hold JSON, a ``dict`` prints as a Go *map* (keys sorted),
  a :class:`GoStruct` as a Go *struct* (fields in the given order), a :class:`Quantity` as
  ``"500m"`` (its ``MarshalJSON``). Upstream marshals internal API structs, whose field names
  are the Go names (``{"Name":"","Protocol":"TCP",...}``); validators build a :class:`GoStruct`
  with those names where that matters.
- ``TooLong`` says ``may not be more than N bytes`` (upstream since v1.32; v1.31 and older said
  ``must have at most N bytes``).

Simplification: upstream Go maps iterate in random order, so the order of errors about map
entries (labels, annotations, resource lists) varies between runs there; here it follows the
order of the keys in the object, which keeps notebooks deterministic.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

__all__ = [
    "OMIT_VALUE",
    "ErrorList",
    "ErrorType",
    "FieldError",
    "GoStruct",
    "Path",
    "aggregate_message",
    "duplicate",
    "forbidden",
    "go_json",
    "go_quote",
    "group_kind_string",
    "internal_error",
    "invalid",
    "invalid_message",
    "invalid_status",
    "not_found",
    "not_supported",
    "required",
    "too_few",
    "too_long",
    "too_long_characters",
    "too_many",
    "too_short",
    "type_invalid",
]


# --------------------------------------------------------------------------------------------
# path.go
# --------------------------------------------------------------------------------------------


class Path:
    """``field.Path``: the path from a root to a field, e.g. ``spec.containers[0].name``.

    ``Path("spec", "template")`` is ``field.NewPath("spec", "template")``; :meth:`child`,
    :meth:`index` and :meth:`key` return new paths (a path is immutable).
    """

    __slots__ = ("_elems",)

    def __init__(self, name: str, *more: str) -> None:
        elems: list[tuple[str, str]] = [(name, "")]
        elems.extend((n, "") for n in more)
        self._elems: tuple[tuple[str, str], ...] = tuple(elems)

    @classmethod
    def _of(cls, elems: tuple[tuple[str, str], ...]) -> Path:
        p = cls.__new__(cls)
        p._elems = elems
        return p

    def child(self, name: str, *more: str) -> Path:
        """``Child``: ``Path("spec").child("containers")`` is ``spec.containers``."""
        return Path._of((*self._elems, (name, ""), *((n, "") for n in more)))

    def index(self, i: int) -> Path:
        """``Index``: subscript by a list index, ``containers[0]``."""
        return Path._of((*self._elems, ("", str(i))))

    def key(self, k: str) -> Path:
        """``Key``: subscript by a map key, ``labels[app]`` (printed raw, no quoting)."""
        return Path._of((*self._elems, ("", k)))

    def root(self) -> Path:
        """``Root``: the first element."""
        return Path._of(self._elems[:1])

    def __str__(self) -> str:
        out: list[str] = []
        for i, (name, index) in enumerate(self._elems):
            if i > 0 and name:
                out.append(".")
            out.append(name if name else f"[{index}]")
        return "".join(out)

    def __repr__(self) -> str:
        return f"Path({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Path) and self._elems == other._elems

    def __hash__(self) -> int:
        return hash(self._elems)


def _path_str(path: Path | None) -> str:
    # A nil *Path prints "<nil>" (path.go String()).
    return "<nil>" if path is None else str(path)


# --------------------------------------------------------------------------------------------
# Go value formatting (fmt %q / %v, encoding/json)
# --------------------------------------------------------------------------------------------


class GoStruct(dict[str, Any]):
    """A JSON object that stands for a Go *struct*: printed with its fields in insertion order.

    A plain ``dict`` stands for a Go map, which ``encoding/json`` prints with sorted keys.
    """


class _Omit:
    def __repr__(self) -> str:
        return "OMIT_VALUE"


#: ``field.omitValue``: the value is left out of the message (``TooMany`` with no count).
OMIT_VALUE: Any = _Omit()

_GO_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t",
               "\v": r"\v", "\\": "\\\\", '"': '\\"'}


def _go_is_print(ch: str) -> bool:
    """``strconv.IsPrint``: letters, marks, numbers, punctuation, symbols and ASCII space."""
    if ch == " ":
        return True
    return unicodedata.category(ch)[0] in "LMNPS"


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote`` (what ``%q`` prints for a string)."""
    out = ['"']
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif _go_is_print(ch):
            out.append(ch)
        else:
            cp = ord(ch)
            if cp < 0x20 or cp == 0x7F:
                out.append(f"\\x{cp:02x}")
            elif 0xD800 <= cp <= 0xDFFF:  # not a valid rune: Go prints U+FFFD
                out.append("\\ufffd")
            elif cp < 0x10000:
                out.append(f"\\u{cp:04x}")
            else:
                out.append(f"\\U{cp:08x}")
    out.append('"')
    return "".join(out)


def _json_string(s: str) -> str:
    """``encoding/json`` string encoding (HTML-safe: ``<``, ``>``, ``&`` become ``\\u003c``...)."""
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif cp < 0x20 or ch in "<>&" or cp in (0x2028, 0x2029):
            out.append(f"\\u{cp:04x}")
        elif 0xD800 <= cp <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _shortest_digits(f: float) -> tuple[str, str, int]:
    """Sign, shortest round-trip digits and decimal exponent of ``f`` (``d.ddd * 10**exp``)."""
    d = Decimal(repr(abs(f))).normalize()
    _, digits, exponent = d.as_tuple()
    text = "".join(str(x) for x in digits)
    assert isinstance(exponent, int)
    return ("-" if f < 0 else ""), text, exponent + len(text) - 1


def _float_e(f: float) -> str:
    """``strconv.FormatFloat(f, 'e', -1, 64)``: ``1.5e+21``, ``1e-07``."""
    sign, digits, exp = _shortest_digits(f)
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _float_f(f: float) -> str:
    """``strconv.FormatFloat(f, 'f', -1, 64)``: shortest digits, no exponent."""
    text = format(Decimal(repr(f)).normalize(), "f")
    return "0" if text in ("0", "-0") else text


def _json_float(f: float) -> str:
    """``encoding/json`` float64: ``'f'`` format unless ``|f| < 1e-6`` or ``|f| >= 1e21``,
    then ``'e'`` with ``e-07`` cleaned up to ``e-7``."""
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"json: unsupported value: {f}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        text = _float_e(f)
        return re.sub(r"e-0(\d)$", r"e-\1", text)
    return _float_f(f)


def _go_v_float(f: float) -> str:
    """``fmt``'s ``%v`` for a float64: ``%g`` with the shortest digits, i.e. ``'e'`` format
    when the exponent is < -4 or >= 6 (``1e+06``), ``'f'`` otherwise."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "0"
    _, _, exp = _shortest_digits(f)
    if exp < -4 or exp >= 6:
        return _float_e(f)
    return _float_f(f)


def go_json(value: Any) -> str:
    """The ``encoding/json`` text of ``value`` (compact, HTML-safe, map keys sorted)."""
    from .quantity import Quantity  # local import: quantity imports nothing from here

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, Quantity):
        return _json_string(str(value))
    if isinstance(value, GoStruct):
        return "{" + ",".join(f"{_json_string(str(k))}:{go_json(v)}"
                              for k, v in value.items()) + "}"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_json_string(str(k))}:{go_json(value[k])}"
                              for k in sorted(value, key=str)) + "}"
    if isinstance(value, Sequence | set | frozenset):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    return json.dumps(value, separators=(",", ":"))


def _format_value(value: Any) -> str:
    """The value part of ``ErrorBody``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_v_float(value)
    if isinstance(value, str):
        return go_quote(value)
    return go_json(value)


# --------------------------------------------------------------------------------------------
# errors.go
# --------------------------------------------------------------------------------------------


class ErrorType(Enum):
    """``field.ErrorType``; the value is the machine-readable ``CauseType`` of a Status cause."""

    NOT_FOUND = "FieldValueNotFound"
    REQUIRED = "FieldValueRequired"
    DUPLICATE = "FieldValueDuplicate"
    INVALID = "FieldValueInvalid"
    NOT_SUPPORTED = "FieldValueNotSupported"
    FORBIDDEN = "FieldValueForbidden"
    TOO_LONG = "FieldValueTooLong"
    TOO_MANY = "FieldValueTooMany"
    TOO_FEW = "FieldValueTooFew"
    INTERNAL = "InternalError"
    TYPE_INVALID = "FieldValueTypeInvalid"
    TOO_SHORT = "FieldValueTooShort"

    @property
    def message(self) -> str:
        """``ErrorType.String()``: the human text, e.g. ``Invalid value``."""
        return _TYPE_TEXT[self]

    def __str__(self) -> str:
        return self.message


_TYPE_TEXT = {
    ErrorType.NOT_FOUND: "Not found",
    ErrorType.REQUIRED: "Required value",
    ErrorType.DUPLICATE: "Duplicate value",
    ErrorType.INVALID: "Invalid value",
    ErrorType.NOT_SUPPORTED: "Unsupported value",
    ErrorType.FORBIDDEN: "Forbidden",
    ErrorType.TOO_LONG: "Too long",
    ErrorType.TOO_MANY: "Too many",
    ErrorType.TOO_FEW: "Too few",
    ErrorType.INTERNAL: "Internal error",
    ErrorType.TYPE_INVALID: "Invalid value",
    ErrorType.TOO_SHORT: "Too short",
}

_NO_VALUE_TYPES = frozenset({ErrorType.REQUIRED, ErrorType.FORBIDDEN, ErrorType.TOO_LONG,
                             ErrorType.TOO_SHORT, ErrorType.INTERNAL})


@dataclass
class FieldError:
    """``field.Error``: one field-level validation error."""

    type: ErrorType
    field: str
    bad_value: Any
    detail: str = ""

    def error_body(self) -> str:
        """``ErrorBody()``: the message without the field name (a Status cause's message)."""
        if self.type in _NO_VALUE_TYPES or self.bad_value is OMIT_VALUE:
            s = self.type.message
        else:
            s = f"{self.type.message}: {_format_value(self.bad_value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def __str__(self) -> str:
        return f"{self.field}: {self.error_body()}"

    def cause(self) -> dict[str, str]:
        """The ``metav1.StatusCause`` that ``NewInvalid`` makes of this error."""
        return {"reason": self.type.value, "message": self.error_body(), "field": self.field}


def type_invalid(path: Path | None, value: Any, detail: str) -> FieldError:
    """``TypeInvalid``."""
    return FieldError(ErrorType.TYPE_INVALID, _path_str(path), value, detail)


def not_found(path: Path | None, value: Any) -> FieldError:
    """``NotFound``."""
    return FieldError(ErrorType.NOT_FOUND, _path_str(path), value)


def required(path: Path | None, detail: str = "") -> FieldError:
    """``Required``."""
    return FieldError(ErrorType.REQUIRED, _path_str(path), "", detail)


def duplicate(path: Path | None, value: Any) -> FieldError:
    """``Duplicate``."""
    return FieldError(ErrorType.DUPLICATE, _path_str(path), value)


def invalid(path: Path | None, value: Any, detail: str) -> FieldError:
    """``Invalid``."""
    return FieldError(ErrorType.INVALID, _path_str(path), value, detail)


def not_supported(path: Path | None, value: Any, valid_values: Iterable[str] = ()) -> FieldError:
    """``NotSupported``: the detail lists the supported values, each ``strconv.Quote``-d."""
    values = [str(v) for v in valid_values]
    detail = "supported values: " + ", ".join(go_quote(v) for v in values) if values else ""
    return FieldError(ErrorType.NOT_SUPPORTED, _path_str(path), value, detail)


def forbidden(path: Path | None, detail: str) -> FieldError:
    """``Forbidden``."""
    return FieldError(ErrorType.FORBIDDEN, _path_str(path), "", detail)


def too_long(path: Path | None, max_length: int) -> FieldError:
    """``TooLong``: ``may not be more than N bytes`` (``value is too long`` when N < 0)."""
    if max_length >= 0:
        unit = "byte" if max_length == 1 else "bytes"
        msg = f"may not be more than {max_length} {unit}"
    else:
        msg = "value is too long"
    return FieldError(ErrorType.TOO_LONG, _path_str(path), "<value omitted>", msg)


def too_long_characters(path: Path | None, max_length: int) -> FieldError:
    """``TooLongCharacters``: the same, counted in characters."""
    if max_length >= 0:
        unit = "character" if max_length == 1 else "characters"
        msg = f"may not be more than {max_length} {unit}"
    else:
        msg = "value is too long"
    return FieldError(ErrorType.TOO_LONG, _path_str(path), "<value omitted>", msg)


def too_many(path: Path | None, actual: int, maximum: int) -> FieldError:
    """``TooMany``: ``must have at most N items`` (the count is left out when negative)."""
    if maximum >= 0:
        msg = f"must have at most {maximum} {'item' if maximum == 1 else 'items'}"
    else:
        msg = "has too many items"
    return FieldError(ErrorType.TOO_MANY, _path_str(path),
                      actual if actual >= 0 else OMIT_VALUE, msg)


def too_few(path: Path | None, actual: int, minimum: int) -> FieldError:
    """``TooFew``: ``must have at least N items``."""
    if minimum >= 0:
        msg = f"must have at least {minimum} {'item' if minimum == 1 else 'items'}"
    else:
        msg = "has too few items"
    return FieldError(ErrorType.TOO_FEW, _path_str(path), actual, msg)


def too_short(path: Path | None, value: str, min_length: int) -> FieldError:
    """``TooShort``: ``must be at least N characters``."""
    if min_length >= 0:
        msg = f"must be at least {min_length} {'character' if min_length == 1 else 'characters'}"
    else:
        msg = "value is too short"
    return FieldError(ErrorType.TOO_SHORT, _path_str(path), value, msg)


def internal_error(path: Path | None, err: str | BaseException) -> FieldError:
    """``InternalError``: the detail is the error's text."""
    return FieldError(ErrorType.INTERNAL, _path_str(path), str(err), str(err))


class ErrorList(list[FieldError]):
    """``field.ErrorList``."""

    def messages(self) -> list[str]:
        """``Error()`` of each error."""
        return [str(e) for e in self]

    def causes(self) -> list[dict[str, str]]:
        """The Status causes ``NewInvalid`` makes: one per error, duplicates kept."""
        return [e.cause() for e in self]

    def filter_type(self, *types: ErrorType) -> ErrorList:
        """``Filter(NewErrorTypeMatcher(t)...)``: drop the errors of the given types."""
        return ErrorList(e for e in self if e.type not in types)

    def to_aggregate(self) -> str | None:
        """``ToAggregate().Error()``, or ``None`` for an empty list (a nil Aggregate)."""
        if not self:
            return None
        return aggregate_message(str(e) for e in self)


def aggregate_message(messages: Iterable[str]) -> str:
    """``utilerrors.NewAggregate(errs).Error()`` after ``ErrorList.ToAggregate``'s dedup:
    one distinct message prints bare, several print as ``[m1, m2]``."""
    seen: list[str] = []
    for m in messages:
        if m not in seen:
            seen.append(m)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


# --------------------------------------------------------------------------------------------
# api/errors NewInvalid
# --------------------------------------------------------------------------------------------


def group_kind_string(group: str, kind: str) -> str:
    """``schema.GroupKind.String()``: ``Deployment.apps``, or ``Pod`` for the core group."""
    return f"{kind}.{group}" if group else kind


def invalid_message(group: str, kind: str, name: str, errs: Sequence[FieldError]) -> str:
    """The message of ``NewInvalid``: ``Deployment.apps "x" is invalid: <aggregate>``."""
    head = f"{group_kind_string(group, kind)} {go_quote(name)} is invalid"
    agg = ErrorList(errs).to_aggregate()
    return head if agg is None else f"{head}: {agg}"


def invalid_status(group: str, kind: str, name: str, errs: Sequence[FieldError]) -> GoStruct:
    """The ``metav1.Status`` body (422, reason ``Invalid``) of ``NewInvalid``, as JSON."""
    details = GoStruct()
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if kind:
        details["kind"] = kind
    details["causes"] = [GoStruct(c) for c in ErrorList(errs).causes()]
    return GoStruct(
        kind="Status",
        apiVersion="v1",
        metadata={},
        status="Failure",
        message=invalid_message(group, kind, name, errs),
        reason="Invalid",
        details=details,
        code=422,
    )
