"""``resource.Quantity``: fixed-point resource amounts, as
``staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go`` (with ``suffix.go``,
``amount.go`` and ``scale_int.go``).

A quantity is ``<signedNumber><suffix>``: binary SI (``Ki Mi Gi Ti Pi Ei``), decimal SI
(``n u m "" k M G T P E``) or a decimal exponent (``e3``, ``E-2``). Parsing keeps the value
exactly, rounded *away from zero* to a whole number of nanos (``"0.9n"`` is ``1n``), and
remembers which kind of suffix it saw; binary SI values are capped at ``2**63 - 1``.

``str()`` is the canonical form upstream stores and ``kubectl get -o yaml`` shows: no
precision lost, no fractional digits, the largest suffix possible (``"0.5"`` is ``500m``,
``"1024Mi"`` is ``1Gi``, ``"1.5Gi"`` is ``1536Mi``, ``"1e3"`` stays ``1e3``, ``"1000"`` is
``1k``). Like upstream, a string that is already canonical is kept as written when parsing
took the fast int64 path, so ``"+1k"`` prints back as ``+1k``.

Like current upstream, a DecimalSI value past ``E`` prints in exponent form (``"1000E"`` is
``1e21``), and so does a BinarySI value past ``Ei`` (reachable only by arithmetic); exponents
must fit an int32 (``1e4294967297`` is rejected). Simulator limit: exponents above 4096 are
refused (``ErrNumeric``) instead of being expanded, and those below -4096 round to one nano.

Values are Python integers counted in nanos: never floats. Where upstream's int64 accessors
would overflow (``Value``, ``MilliValue``) these return the exact, unbounded integer.
"""

from __future__ import annotations

import functools
from enum import Enum
from fractions import Fraction
from typing import Any

__all__ = [
    "ERR_FORMAT_WRONG",
    "ERR_NUMERIC",
    "ERR_SUFFIX",
    "SPLIT_RE",
    "Format",
    "Quantity",
    "QuantityParseError",
    "parse_quantity",
]

#: ``splitREString``: what the error message quotes.
SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + SPLIT_RE + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_NANO = 10**9
_MAX_INT64 = 2**63 - 1
_MAX_INT32 = 2**31 - 1
#: Simulator limit: exponents beyond this are not expanded into Python integers.
_MAX_EXACT_EXPONENT = 4096
_SUFFIX_CHARS = "eEinumkKMGTP"


class QuantityParseError(ValueError):
    """``ErrFormatWrong``, ``ErrNumeric`` or ``ErrSuffix``; ``str()`` is upstream's text.

    Upstream meets these while *decoding* a request body, before validation, and answers
    ``400 BadRequest``.
    """


class Format(Enum):
    """``resource.Format``."""

    DECIMAL_EXPONENT = "DecimalExponent"
    BINARY_SI = "BinarySI"
    DECIMAL_SI = "DecimalSI"


# suffix.go: the decimal and binary suffix tables.
_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15,
                 "E": 18}
_DEC_BY_EXP = {v: k for k, v in _DEC_SUFFIXES.items()}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_BIN_BY_EXP = {0: "", **{v: k for k, v in _BIN_SUFFIXES.items()}}


def _interpret(suffix: str) -> tuple[int, int, Format] | None:
    """``suffixHandler.interpret``: (base, exponent, format), or None if unknown."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], Format.DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], Format.BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        rest = suffix[1:]
        body = rest[1:] if rest[:1] in "+-" else rest
        if not body or not body.isdigit() or not body.isascii():
            return None
        exponent = int(rest)
        if abs(exponent) > _MAX_INT32:
            # The scale is an int32 that gets negated: [-MaxInt32, MaxInt32] only.
            return None
        return 10, exponent, Format.DECIMAL_EXPONENT
    return None


def _scan(s: str) -> tuple[bool, str, str, str, str]:
    """``parseQuantityString``: (positive, value, num, denom, suffix)."""
    positive = True
    pos = 0
    end = len(s)
    if pos < end and s[0] in "+-":
        positive = s[0] == "+"
        pos += 1
    # strip leading zeros
    while True:
        if pos >= end:
            return positive, "0", "0", "", ""
        if s[pos] != "0":
            break
        pos += 1
    # numerator
    i = pos
    while i < end and s[i] in "0123456789":
        i += 1
    if i >= end:
        return positive, s, s[pos:end], "", ""
    num = s[pos:i] or "0"
    pos = i
    denom = ""
    if s[pos] == ".":
        pos += 1
        i = pos
        while i < end and s[i] in "0123456789":
            i += 1
        if i >= end:
            return positive, s, num, s[pos:end], ""
        denom = s[pos:i]
        pos = i
    value = s[:pos]
    suffix_start = pos
    i = pos
    while i < end and s[i] in _SUFFIX_CHARS:
        i += 1
    if i >= end:
        return positive, value, num, denom, s[suffix_start:]
    pos = i
    if s[pos] in "+-":
        pos += 1
    i = pos
    while i < end and s[i] in "0123456789":
        i += 1
    if i >= end:
        return positive, value, num, denom, s[suffix_start:]
    raise QuantityParseError(ERR_FORMAT_WRONG)


def _round_away(value: Fraction) -> int:
    """Round to an integer away from zero (``inf.RoundUp``)."""
    n, d = value.numerator, value.denominator
    q = -((-abs(n)) // d)
    return q if n >= 0 else -q


def _remove_factors(value: int, base: int) -> tuple[int, int]:
    """``removeInt64Factors``: strip ``base`` factors, keeping the sign."""
    negative = value < 0
    result = -value if negative else value
    times = 0
    while result >= base and result % base == 0:
        times += 1
        result //= base
    return (-result if negative else result), times


@functools.total_ordering
class Quantity:
    """A parsed quantity. ``Quantity("500m")``; compare, add and subtract exactly.

    ``fmt`` is the format it prints in: the suffix kind it was written with.
    """

    __slots__ = ("_i_scale", "_nanos", "_s", "fmt")

    def __init__(self, text: str | int | float | Quantity) -> None:
        if isinstance(text, Quantity):
            self._nanos: int = text._nanos
            self.fmt: Format = text.fmt
            self._s: str = text._s
            self._i_scale: int | None = text._i_scale
            return
        if isinstance(text, bool):
            raise QuantityParseError(ERR_FORMAT_WRONG)
        if isinstance(text, int):
            text = str(text)
        elif isinstance(text, float):
            text = repr(text)
        nanos, fmt, cached, i_scale = _parse(text)
        self._nanos = nanos
        self.fmt = fmt
        self._s = cached
        self._i_scale = i_scale

    # -- constructors ---------------------------------------------------------------------

    @classmethod
    def _make(cls, nanos: int, fmt: Format, i_scale: int | None = None) -> Quantity:
        q = cls.__new__(cls)
        q._nanos = nanos
        q.fmt = fmt
        q._s = ""
        q._i_scale = i_scale
        return q

    @classmethod
    def from_int(cls, value: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """``NewQuantity(value, format)``."""
        return cls._make(value * _NANO, fmt, 0)

    @classmethod
    def from_milli(cls, value: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """``NewMilliQuantity(value, format)``."""
        return cls._make(value * 10**6, fmt, -3)

    @classmethod
    def from_scaled(cls, value: int, scale: int, fmt: Format = Format.DECIMAL_SI) -> Quantity:
        """``NewScaledQuantity(value, scale)``: ``value * 10**scale``."""
        return cls._make(_round_away(Fraction(value) * Fraction(10) ** (scale + 9)), fmt, scale)

    # -- accessors ------------------------------------------------------------------------

    def as_fraction(self) -> Fraction:
        """The exact value."""
        return Fraction(self._nanos, _NANO)

    def is_zero(self) -> bool:
        """``IsZero``."""
        return self._nanos == 0

    def sign(self) -> int:
        """``Sign``: -1, 0 or 1."""
        return (self._nanos > 0) - (self._nanos < 0)

    def scaled_value(self, scale: int) -> int:
        """``ScaledValue``: ``ceil(q / 10**scale)``, rounded away from zero."""
        return _round_away(self.as_fraction() / Fraction(10) ** scale)

    def value(self) -> int:
        """``Value``: the value rounded up (away from zero) to an integer: ``"1.1"`` is 2."""
        return self.scaled_value(0)

    def milli_value(self) -> int:
        """``MilliValue``: ``ceil(q * 1000)``: ``"0.1m"`` is 1, ``"1"`` is 1000."""
        return self.scaled_value(-3)

    def cmp(self, other: Quantity) -> int:
        """``Cmp``: -1, 0 or 1."""
        return (self._nanos > other._nanos) - (self._nanos < other._nanos)

    def round_up(self, scale: int) -> Quantity:
        """``RoundUp(scale)`` as a new quantity: the value rounded away from zero to
        ``10**scale`` (``SetDefaults_ResourceList`` uses ``-3``, milli)."""
        if (self._i_scale is not None and self._i_scale >= scale) or scale <= -9:
            return Quantity(self)
        unit = 10 ** (scale + 9)
        nanos = _round_away(Fraction(self._nanos, unit)) * unit
        return Quantity._make(nanos, self.fmt, scale if self._i_scale is not None else None)

    # -- arithmetic -----------------------------------------------------------------------

    def __add__(self, other: Quantity) -> Quantity:
        """``Add``: if this is zero, the result takes the other's format."""
        fmt = other.fmt if self._nanos == 0 else self.fmt
        return Quantity._make(self._nanos + other._nanos, fmt)

    def __sub__(self, other: Quantity) -> Quantity:
        """``Sub``: if this is zero, the result takes the other's format."""
        fmt = other.fmt if self._nanos == 0 else self.fmt
        return Quantity._make(self._nanos - other._nanos, fmt)

    def __neg__(self) -> Quantity:
        """``Neg``."""
        return Quantity._make(-self._nanos, self.fmt, self._i_scale)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and self._nanos == other._nanos

    def __lt__(self, other: Quantity) -> bool:
        return self._nanos < other._nanos

    def __hash__(self) -> int:
        return hash(self._nanos)

    # -- printing -------------------------------------------------------------------------

    def __str__(self) -> str:
        if not self._s:
            self._s = self._canonical()
        return self._s

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"

    def to_json(self) -> str:
        """``MarshalJSON``: the string form."""
        return str(self)

    def _canonical(self) -> str:
        """``CanonicalizeBytes``."""
        if self._nanos == 0:
            return "0"
        fmt = self.fmt
        if fmt is Format.BINARY_SI:
            value = self.as_fraction()
            if -1024 < value < 1024 or value.denominator != 1:
                fmt = Format.DECIMAL_SI
        if fmt is Format.BINARY_SI:
            number, exp = _remove_factors(self._nanos // _NANO, 1024)
            if exp * 10 in _BIN_BY_EXP:
                return f"{number}{_BIN_BY_EXP[exp * 10]}"
            # Past "Ei" there is no binary suffix: fall back to exact decimal exponent form.
            fmt = Format.DECIMAL_EXPONENT
        mantissa, times = _remove_factors(self._nanos, 10)
        exponent = times - 9
        while exponent % 3 != 0:
            mantissa *= 10
            exponent -= 1
        if fmt is Format.DECIMAL_SI and exponent in _DEC_BY_EXP:
            return f"{mantissa}{_DEC_BY_EXP[exponent]}"
        # DecimalExponent, or a DecimalSI exponent beyond "E": exponent notation.
        return f"{mantissa}" + ("" if exponent == 0 else f"e{exponent}")


def _parse(s: str) -> tuple[int, Format, str, int | None]:
    """``ParseQuantity``: (nanos, format, cached string, int64 scale or None)."""
    if not s:
        raise QuantityParseError(ERR_FORMAT_WRONG)
    if s == "0":
        return 0, Format.DECIMAL_SI, s, 0
    positive, _value, num, denom, suf = _scan(s)
    interp = _interpret(suf)
    if interp is None:
        raise QuantityParseError(ERR_SUFFIX)
    base, exponent, fmt = interp
    if exponent > _MAX_EXACT_EXPONENT:
        # Upstream keeps such values symbolically (inf.Dec); we refuse rather than build a
        # number with billions of digits.
        raise QuantityParseError(ERR_NUMERIC)
    if exponent < -_MAX_EXACT_EXPONENT:
        # Far below a nano: rounds away from zero to 1n (or stays 0).
        digits = (num + denom).strip("0")
        nanos = (1 if digits else 0) * (1 if positive else -1)
        return nanos, fmt, "", None

    # The int64 fast path, which may keep the string as written (when already canonical).
    cached = ""
    i_scale: int | None = None
    if fmt is Format.BINARY_SI:
        if exponent >= 0 and not denom:
            precision = 15 - len(num) - (exponent * 3 // 10) - 1
            if precision >= 0:
                value = int(num)
                result = value << exponent
                if result <= _MAX_INT64:
                    i_scale = 0
                    if exponent % 10 == 0 and value & 0x07 != 0:
                        cached = s
    else:
        precision = 18 - len(num + denom)
        scale = exponent - len(denom)
        if precision >= 0 and scale >= -9:
            shifted = num + denom
            i_scale = scale
            if scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                cached = s

    amount = Fraction(int(num + denom or "0"), 10 ** len(denom))
    amount *= Fraction(base) ** exponent
    nanos = _round_away(amount * _NANO)
    if fmt is Format.BINARY_SI and nanos > _MAX_INT64 * _NANO:
        nanos = _MAX_INT64 * _NANO
    if fmt is Format.BINARY_SI and 0 < nanos < _NANO:
        fmt = Format.DECIMAL_SI
    if not positive:
        nanos = -nanos
    return nanos, fmt, cached, i_scale


def parse_quantity(value: Any) -> Quantity:
    """Parse a quantity as it appears in JSON: a string, or a bare JSON number."""
    if isinstance(value, Quantity):
        return value
    if isinstance(value, str):
        return Quantity(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Quantity(value)
    raise QuantityParseError(ERR_FORMAT_WRONG)
