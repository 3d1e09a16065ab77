"""``resource.Quantity``.

Upstream: staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go (TestQuantityParse,
TestQuantityString, TestQuantityParseEmit, TestQuantityRoundUp, TestQuantityCmp, TestQuantityNeg,
TestQuantityAddZeroPreservesSuffix, TestQuantitySubZeroPreservesSuffix, ...).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from k8s_internals.api.validation.quantity import (
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    Format,
    Quantity,
    QuantityParseError,
    parse_quantity,
)

BIN, DEC, EXP = Format.BINARY_SI, Format.DECIMAL_SI, Format.DECIMAL_EXPONENT
MAX_ALLOWED = Fraction(2**63 - 1)


def dec(i: int, exponent: int) -> Fraction:
    return Fraction(i) * Fraction(10) ** exponent


# TestQuantityParse: input -> (exact value, format)
PARSE_TABLE: list[tuple[str, Fraction, Format]] = [
    ("0", dec(0, 0), DEC), ("0n", dec(0, 0), DEC), ("0u", dec(0, 0), DEC),
    ("0m", dec(0, 0), DEC), ("0Ki", dec(0, 0), BIN), ("0k", dec(0, 0), DEC),
    ("0Mi", dec(0, 0), BIN), ("0M", dec(0, 0), DEC), ("0Gi", dec(0, 0), BIN),
    ("0G", dec(0, 0), DEC), ("0Ti", dec(0, 0), BIN), ("0T", dec(0, 0), DEC),
    ("1", dec(1, 0), DEC),
    ("1Ki", dec(1024, 0), BIN), ("8Ki", dec(8 * 1024, 0), BIN),
    ("7Mi", dec(7 * 1024**2, 0), BIN), ("6Gi", dec(6 * 1024**3, 0), BIN),
    ("5Ti", dec(5 * 1024**4, 0), BIN), ("4Pi", dec(4 * 1024**5, 0), BIN),
    ("3Ei", dec(3 * 1024**6, 0), BIN), ("10Ti", dec(10 * 1024**4, 0), BIN),
    ("100Ti", dec(100 * 1024**4, 0), BIN),
    ("5n", dec(5, -9), DEC), ("4u", dec(4, -6), DEC), ("3m", dec(3, -3), DEC),
    ("9", dec(9, 0), DEC), ("8k", dec(8, 3), DEC), ("50k", dec(5, 4), DEC),
    ("7M", dec(7, 6), DEC), ("6G", dec(6, 9), DEC), ("5T", dec(5, 12), DEC),
    ("40T", dec(4, 13), DEC), ("300T", dec(3, 14), DEC), ("2P", dec(2, 15), DEC),
    ("1E", dec(1, 18), DEC),
    ("1E-3", dec(1, -3), EXP), ("1e3", dec(1, 3), EXP), ("1E6", dec(1, 6), EXP),
    ("1e9", dec(1, 9), EXP), ("1E12", dec(1, 12), EXP), ("1e15", dec(1, 15), EXP),
    ("1E18", dec(1, 18), EXP),
    ("1e14", dec(1, 14), EXP), ("1e13", dec(1, 13), EXP), ("100.035k", dec(100035, 0), DEC),
    ("0.001", dec(1, -3), DEC), ("0.0005k", dec(5, -1), DEC), ("0.005", dec(5, -3), DEC),
    ("0.05", dec(5, -2), DEC), ("0.5", dec(5, -1), DEC), ("0.00050k", dec(5, -1), DEC),
    ("0.00500", dec(5, -3), DEC), ("0.05000", dec(5, -2), DEC), ("0.50000", dec(5, -1), DEC),
    ("0.5e0", dec(5, -1), EXP), ("0.5e-1", dec(5, -2), EXP), ("0.5e-2", dec(5, -3), EXP),
    ("10.035M", dec(10035, 3), DEC),
    ("1.2e3", dec(12, 2), EXP), ("1.3E+6", dec(13, 5), EXP), ("1.40e9", dec(14, 8), EXP),
    ("1.53E12", dec(153, 10), EXP), ("1.6e15", dec(16, 14), EXP),
    ("1.7E18", dec(17, 17), EXP),
    ("9.01", dec(901, -2), DEC), ("8.1k", dec(81, 2), DEC), ("7.123456M", dec(7123456, 0), DEC),
    ("6.987654321G", dec(6987654321, 0), DEC), ("5.444T", dec(5444, 9), DEC),
    ("40.1T", dec(401, 11), DEC), ("300.2T", dec(3002, 11), DEC), ("2.5P", dec(25, 14), DEC),
    ("1.01E", dec(101, 16), DEC),
    # things that saturate/round
    ("3.001n", dec(4, -9), DEC), ("1.1E-9", dec(2, -9), EXP),
    ("0.0000000001", dec(1, -9), DEC), ("0.0000000005", dec(1, -9), DEC),
    ("0.00000000050", dec(1, -9), DEC), ("0.5e-9", dec(1, -9), EXP),
    ("0.9n", dec(1, -9), DEC), ("0.00000012345", dec(124, -9), DEC),
    ("0.00000012354", dec(124, -9), DEC),
    ("9Ei", MAX_ALLOWED, BIN), ("9223372036854775807Ki", MAX_ALLOWED, BIN),
    ("12E", dec(12, 18), DEC),
    # fractional binary
    ("100.035Ki", dec(10243584, -2), BIN), ("0.5Mi", dec(512 * 1024, 0), BIN),
    ("0.05Gi", dec(536870912, -1), BIN), ("0.025Ti", dec(274877906944, -1), BIN),
    # things written by trolls
    ("0.000000000001Ki", dec(2, -9), DEC),  # rounds up, changes format
    (".001", dec(1, -3), DEC), (".0001k", dec(100, -3), DEC), ("1.", dec(1, 0), DEC),
    ("1.G", dec(1, 9), DEC),
]


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_TABLE)
def test_parse(text: str, value: Fraction, fmt: Format) -> None:
    q = Quantity(text)
    assert q.as_fraction() == value
    assert q.fmt is fmt


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_TABLE)
def test_parse_signed(text: str, value: Fraction, fmt: Format) -> None:
    neg = Quantity("-" + text)
    assert neg.as_fraction() == -value
    assert neg.fmt is fmt
    pos = Quantity("+" + text)
    assert pos.as_fraction() == value
    assert pos.fmt is fmt


@pytest.mark.parametrize("text", ["", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i",
                                  "-3.01i", "-3.01e-", "1e4294967297", " 1", "1 ",
                                  "Non-Numeric"])
def test_parse_invalid(text: str) -> None:
    with pytest.raises(QuantityParseError):
        Quantity(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ERR_FORMAT_WRONG),
        ("aoeu", ERR_FORMAT_WRONG),
        ("1.1.M", ERR_FORMAT_WRONG),
        ("1 ", ERR_FORMAT_WRONG),
        ("0.1am", ERR_FORMAT_WRONG),  # 'a' is not a suffix character
        ("0.1mi", ERR_SUFFIX),
        ("1i", ERR_SUFFIX),
        ("1Kii", ERR_SUFFIX),
    ],
)
def test_parse_error_messages(text: str, message: str) -> None:
    with pytest.raises(QuantityParseError) as info:
        Quantity(text)
    assert str(info.value) == message


def test_error_texts() -> None:
    assert ERR_FORMAT_WRONG == (
        "quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    assert ERR_NUMERIC == "unable to parse numeric part of quantity"
    assert ERR_SUFFIX == "unable to parse quantity's suffix"


# TestQuantityString: (value, format) -> canonical, plus an alternate spelling that parses to it
STRING_TABLE: list[tuple[Fraction, Format, str, str]] = [
    (dec(1024**3, 0), BIN, "1Gi", "1024Mi"),
    (dec(300 * 1024**2, 0), BIN, "300Mi", "307200Ki"),
    (dec(6 * 1024, 0), BIN, "6Ki", ""),
    (dec(1001 * 1024**3, 0), BIN, "1001Gi", "1025024Mi"),
    (dec(1024**4, 0), BIN, "1Ti", "1024Gi"),
    (dec(5, 0), BIN, "5", "5000m"),
    (dec(500, -3), BIN, "500m", "0.5"),
    (dec(1, 9), DEC, "1G", "1000M"),
    (dec(1000, 6), DEC, "1G", "0.001T"),
    (dec(1000000, 3), DEC, "1G", ""),
    (dec(1000000000, 0), DEC, "1G", ""),
    (dec(1, -3), DEC, "1m", "1000u"),
    (dec(80, -3), DEC, "80m", ""),
    (dec(1080, -3), DEC, "1080m", "1.08"),
    (dec(108, -2), DEC, "1080m", "1080000000n"),
    (dec(10800, -4), DEC, "1080m", ""),
    (dec(300, 6), DEC, "300M", ""),
    (dec(1, 12), DEC, "1T", ""),
    (dec(1, 18), DEC, "1E", ""),
    (dec(1, 21), DEC, "1e21", "1000E"),
    (dec(5, 21), DEC, "5e21", "5000E"),
    (dec(1, 24), DEC, "1e24", "1000000E"),
    (dec(1, 70), BIN, "10e69", ""),
    (dec(2, 70), BIN, "20e69", ""),
    (dec(1, 72), BIN, "1e72", ""),
    (dec(1234567, 6), DEC, "1234567M", ""),
    (dec(1234567, -3), BIN, "1234567m", ""),
    (dec(3, 3), DEC, "3k", ""),
    (dec(1025, 0), BIN, "1025", ""),
    (dec(0, 0), DEC, "0", ""),
    (dec(0, 0), BIN, "0", ""),
    (dec(1, 9), EXP, "1e9", ".001e12"),
    (dec(1, -3), EXP, "1e-3", "0.001e0"),
    (dec(1, -9), EXP, "1e-9", "1000e-12"),
    (dec(80, -3), EXP, "80e-3", ""),
    (dec(300, 6), EXP, "300e6", ""),
    (dec(1, 12), EXP, "1e12", ""),
    (dec(1, 3), EXP, "1e3", ""),
    (dec(3, 3), EXP, "3e3", ""),
    (dec(0, 0), EXP, "0", "00"),
    (dec(1, -9), DEC, "1n", ""),
    (dec(80, -9), DEC, "80n", ""),
    (dec(1080, -9), DEC, "1080n", ""),
    (dec(108, -8), DEC, "1080n", ""),
    (dec(10800, -10), DEC, "1080n", ""),
    (dec(1, -6), DEC, "1u", ""),
    (dec(80, -6), DEC, "80u", ""),
    (dec(1080, -6), DEC, "1080u", ""),
]


def _q(value: Fraction, fmt: Format) -> Quantity:
    nanos = value * 10**9
    assert nanos.denominator == 1
    return Quantity._make(int(nanos), fmt)


@pytest.mark.parametrize(("value", "fmt", "expect", "alternate"), STRING_TABLE)
def test_string(value: Fraction, fmt: Format, expect: str, alternate: str) -> None:
    assert str(_q(value, fmt)) == expect
    assert str(Quantity(expect)) == expect
    assert Quantity(expect).as_fraction() == value
    if alternate:
        assert str(Quantity(alternate)) == expect
    if value:
        assert str(-_q(value, fmt)) == "-" + expect


def test_binary_past_ei_arithmetic_round_trip() -> None:
    # TestBinarySIPastEiArithmeticRoundTrip: 2**70 has no binary suffix
    q = _q(Fraction(2**70), BIN)
    assert str(q) == "1180591620717411303424"
    assert Quantity(str(q)) == q


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # TestQuantityParseEmit
        ("1Ki", "1Ki"), ("1Mi", "1Mi"), ("1Gi", "1Gi"), ("1024Mi", "1Gi"), ("1000M", "1G"),
        (".001Ki", "1024m"), (".000001Ki", "1024u"), (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
        # the brief's examples and kubectl-familiar ones
        ("0.5", "500m"), ("1e3", "1e3"), ("1000", "1k"), ("1.5Gi", "1536Mi"), ("100m", "100m"),
        ("0.1", "100m"), ("2000m", "2"), ("128974848", "128974848"), ("129e6", "129e6"),
        ("129M", "129M"), ("123Mi", "123Mi"), ("1.5", "1500m"), ("1024", "1024"),
        ("1Pi", "1Pi"), ("1Ei", "1Ei"), ("1000E", "1e21"),
        # the int64 fast path keeps an already-canonical string as written
        ("+1k", "+1k"), ("1.", "1."), ("01k", "01k"),
    ],
)
def test_parse_emit(text: str, expect: str) -> None:
    assert str(Quantity(text)) == expect


@pytest.mark.parametrize(
    ("text", "expect"),
    [("1Ki", "-1Ki"), ("1Mi", "-1Mi"), ("1024Mi", "-1Gi"), ("1000M", "-1G"),
     (".001Ki", "-1024m"), (".000000000001Ki", "-2n")],
)
def test_parse_emit_negative(text: str, expect: str) -> None:
    assert str(Quantity("-" + text)) == expect


@pytest.mark.parametrize(
    ("text", "scale", "expect"),
    [
        # TestQuantityRoundUp
        ("9.01", -3, dec(901, -2)), ("9.01", -2, dec(901, -2)), ("9.01", -1, dec(91, -1)),
        ("9.01", 0, dec(10, 0)), ("9.01", 1, dec(10, 0)), ("9.01", 2, dec(100, 0)),
        ("-9.01", -3, dec(-901, -2)), ("-9.01", -2, dec(-901, -2)),
        ("-9.01", -1, dec(-91, -1)), ("-9.01", 0, dec(-10, 0)), ("-9.01", 1, dec(-10, 0)),
        ("-9.01", 2, dec(-100, 0)),
        ("1n", -3, dec(1, -3)), ("100.5m", -3, dec(101, -3)),
    ],
)
def test_round_up(text: str, scale: int, expect: Fraction) -> None:
    assert Quantity(text).round_up(scale).as_fraction() == expect


@pytest.mark.parametrize(
    ("x", "y", "expect"),
    [("0", "0", 0), ("100m", "50m", 1), ("50m", "100m", -1), ("10000T", "100Gi", 1),
     ("1Gi", "1073741824", 0), ("1k", "1e3", 0), ("999m", "1", -1)],
)
def test_cmp(x: str, y: str, expect: int) -> None:
    assert Quantity(x).cmp(Quantity(y)) == expect
    assert Quantity(y).cmp(Quantity(x)) == -expect
    assert (Quantity(x) == Quantity(y)) is (expect == 0)
    assert (Quantity(x) < Quantity(y)) is (expect < 0)


def test_neg() -> None:
    # TestQuantityNeg
    q = Quantity("9.01")
    assert str(-q) == "-9010m"
    assert str(q) == "9010m"


@pytest.mark.parametrize("text", ["100m", "1Gi"])
def test_add_sub_zero_preserves_suffix(text: str) -> None:
    value, zero = Quantity(text), Quantity("0")
    assert str(value + zero) == text
    assert str(zero + value) == text
    assert str(value - zero) == text
    assert str(zero - value) == str(-value)


@pytest.mark.parametrize(
    ("a", "b", "total", "diff"),
    [("100m", "200m", "300m", "-100m"), ("1Gi", "512Mi", "1536Mi", "512Mi"),
     ("1", "500m", "1500m", "500m"), ("1k", "1", "1001", "999"), ("1e3", "1e3", "2e3", "0")],
)
def test_add_sub(a: str, b: str, total: str, diff: str) -> None:
    assert str(Quantity(a) + Quantity(b)) == total
    assert str(Quantity(a) - Quantity(b)) == diff


@pytest.mark.parametrize(
    ("text", "value", "milli"),
    [("1", 1, 1000), ("1.1", 2, 1100), ("0.1m", 1, 1), ("100m", 1, 100), ("1Ki", 1024, 1024000),
     ("-1.1", -2, -1100), ("1n", 1, 1), ("0", 0, 0), ("1e3", 1000, 1000000)],
)
def test_value_and_milli_value(text: str, value: int, milli: int) -> None:
    q = Quantity(text)
    assert q.value() == value
    assert q.milli_value() == milli


def test_constructors() -> None:
    assert str(Quantity.from_int(1024, BIN)) == "1Ki"
    assert str(Quantity.from_int(1000)) == "1k"
    assert str(Quantity.from_milli(1500)) == "1500m"
    assert str(Quantity.from_scaled(5, 6)) == "5M"
    assert str(Quantity(Quantity("2Gi"))) == "2Gi"


@pytest.mark.parametrize(("text", "expect"), [("1e-5000", "1e-9"), ("-1e-5000", "-1e-9"),
                                               ("0e-5000", "0")])
def test_far_below_nano(text: str, expect: str) -> None:
    assert str(Quantity(text)) == expect


@pytest.mark.parametrize(
    ("raw", "expect"),
    [("500m", "500m"), (" 1Gi ", "1Gi"), (1, "1"), (0.5, "500m"), (1000, "1k"), (2.5e9, "2500M")],
)
def test_parse_quantity_json(raw: object, expect: str) -> None:
    assert str(parse_quantity(raw)) == expect
    assert parse_quantity(raw).to_json() == expect


@pytest.mark.parametrize("raw", [None, True, [], {}])
def test_parse_quantity_json_rejects(raw: object) -> None:
    with pytest.raises(QuantityParseError):
        parse_quantity(raw)
