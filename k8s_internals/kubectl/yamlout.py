"""YAML exactly as ``kubectl get -o yaml`` writes it.

kubectl turns the object's JSON into YAML with ``sigs.k8s.io/yaml``, i.e. ``gopkg.in/yaml.v2``
marshalling a ``map[string]interface{}``. That encoder's choices, reproduced here:

- mapping keys in yaml.v2's "natural" order (``sorter.go`` ``keyList.Less``: digit runs compare
  as numbers, non-letters sort before letters);
- block style, two-space indentation, sequences *not* indented under their key (``- item`` at the
  key's column), ``{}`` / ``[]`` for empty collections, ``null`` for nil;
- a string that would read back as something else (``"123"``, ``"true"``, ``""``, a timestamp
  ``"2025-01-01T00:00:00Z"``, ``"1:20"``) is double-quoted (``encode.go`` ``stringv``);
- a string with a newline is a literal block (``|``, ``|-`` without a final newline, ``|+`` with
  several);
- otherwise plain, unless the emitter's scalar analysis forbids it (``emitterc.go``
  ``yaml_emitter_analyze_scalar``: ``: ``, `` #``, a leading indicator, leading/trailing space...),
  in which case single-quoted (``'hello: world'``), or double-quoted with escapes when even that
  is not allowed (tabs, control characters);
- plain and quoted scalars longer than 80 columns are folded at a space
  (``best_width = 80``), continuation lines indented two more than the key.

The formatting cases are pinned against the real kubectl's ``--dry-run=client -o yaml`` output in
``tests/kubectl/test_yamlout.py``.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, ClassVar

__all__ = ["dump", "key_less"]

_BEST_WIDTH = 80

_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
          "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"}
_SPECIAL_FLOATS = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                   ".nan", ".NaN", ".NAN", "<<"}
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}"
    r"(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?"
    r"(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$")
_INT_PREFIXES = re.compile(r"^[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$")


def _resolves_to_non_string(s: str) -> bool:
    """Would yaml.v2 ``resolve`` read the plain scalar ``s`` as a non-string?"""
    if s in _NULLS or s in _BOOLS or s in _SPECIAL_FLOATS:
        return True
    if not s or s[0] not in "+-.0123456789":
        return False
    plain = s.replace("_", "")
    if _INT_PREFIXES.match(s) and plain not in ("+", "-"):
        return True
    if _YAML_FLOAT.match(plain):
        return True
    if s.startswith("0b") and re.fullmatch(r"0b[01]+", plain):
        return True
    if s.startswith("-0b") and re.fullmatch(r"-0b[01]+", plain):
        return True
    return bool(_TIMESTAMP.match(s))


def _is_printable(ch: str) -> bool:
    o = ord(ch)
    return (o == 0x0A or 0x20 <= o <= 0x7E or o == 0x85 or 0xA0 <= o <= 0xD7FF
            or (0xE000 <= o <= 0xFFFD and o != 0xFEFF) or 0x10000 <= o <= 0x10FFFF)


def _is_break(ch: str) -> bool:
    return ch in "\r\n\x85\u2028\u2029"


def _is_blankz(s: str, i: int) -> bool:
    return i >= len(s) or s[i] in " \t" or _is_break(s[i])


def _analyze(s: str) -> tuple[bool, bool, bool]:
    """``yaml_emitter_analyze_scalar`` → (block_plain_allowed, single_quoted_allowed,
    block_allowed)."""
    if not s:
        return False, True, False
    block_indicators = False
    special = line_breaks = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = False
    previous_space = previous_break = False
    if s.startswith(("---", "...")):
        block_indicators = True
    preceded_by_ws = True
    n = len(s)
    for i, ch in enumerate(s):
        followed_by_ws = _is_blankz(s, i + 1)
        if i == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                block_indicators = True
            if ch in "?:" and followed_by_ws:
                block_indicators = True
            if ch == "-" and followed_by_ws:
                block_indicators = True
        else:
            if ch == ":" and followed_by_ws:
                block_indicators = True
            if ch == "#" and preceded_by_ws:
                block_indicators = True
        if not _is_printable(ch):
            special = True
        if _is_break(ch):
            line_breaks = True
        if ch == " ":
            if i == 0:
                leading_space = True
            if i == n - 1:
                trailing_space = True
            if previous_break:
                break_space = True
            previous_space, previous_break = True, False
        elif _is_break(ch):
            if i == 0:
                leading_break = True
            if i == n - 1:
                trailing_break = True
            if previous_space:
                space_break = True
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_ws = ch in " \t" or _is_break(ch)
    plain = single = block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        plain = False
    if trailing_space:
        block = False
    if break_space:
        plain = single = False
    if space_break or special:
        plain = single = block = False
    if line_breaks:
        plain = False
    if block_indicators:
        plain = False
    return plain, single, block


@functools.cache
def _natural_key(a: str, b: str) -> int:
    """yaml.v2 ``keyList.Less`` as a comparison (-1, 0, 1)."""
    if a == b:
        return 0
    return -1 if _less(a, b) else 1


def _less(a: str, b: str) -> bool:
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def key_less(a: str, b: str) -> bool:
    """yaml.v2's map key order: ``key_less("a2", "a10")`` is True."""
    return _less(a, b)


def _go_float(f: float) -> str:
    """``strconv.FormatFloat(f, 'g', -1, 64)`` as yaml.v2 writes floats."""
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    if math.isnan(f):
        return ".nan"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    digits, exp = _shortest(f)
    sign = "-" if f < 0 else ""
    x = exp - 1  # exponent of the first digit; shortest 'g' switches to %e at -4 and 6
    if x < -4 or x >= 6:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mant}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if exp <= 0:
        return f"{sign}0.{'0' * -exp}{digits}"
    if exp >= len(digits):
        return f"{sign}{digits}{'0' * (exp - len(digits))}"
    return f"{sign}{digits[:exp]}.{digits[exp:]}"


def _shortest(f: float) -> tuple[str, int]:
    """Shortest decimal digits of ``|f|`` and the decimal point position."""
    text = repr(abs(f))
    mant, _, e = text.partition("e")
    exp = int(e) if e else 0
    int_part, _, frac = mant.partition(".")
    if frac == "0":
        frac = ""
    digits = (int_part + frac).lstrip("0")
    lead = len(int_part) - (len(int_part + frac) - len((int_part + frac).lstrip("0")))
    digits = digits.rstrip("0") or "0"
    return digits, lead + exp


class _Emitter:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.column = 0

    def put(self, s: str) -> None:
        self.out.append(s)
        nl = s.rfind("\n")
        self.column = len(s) - nl - 1 if nl >= 0 else self.column + len(s)

    def newline_indent(self, indent: int) -> None:
        self.put("\n" + " " * indent)

    # -- scalars ---------------------------------------------------------------------------------

    def scalar(self, value: Any, indent: int, key: bool = False) -> None:
        """Write a scalar at the current position; ``indent`` is where folded lines go."""
        if value is None:
            self.put("null")
        elif value is True:
            self.put("true")
        elif value is False:
            self.put("false")
        elif isinstance(value, int):
            self.put(str(value))
        elif isinstance(value, float):
            self.put(_go_float(value))
        else:
            self.string(str(value), indent, key)

    def string(self, s: str, indent: int, key: bool) -> None:
        plain_ok, single_ok, block_ok = _analyze(s)
        if "\n" in s and not key:
            style = "literal" if block_ok else "double"
        elif _resolves_to_non_string(s) or _BASE60_FLOAT.match(s):
            style = "double"
        else:
            style = "plain" if plain_ok and not (key and "\n" in s) else "single"
            if style == "single" and not single_ok:
                style = "double"
        if style == "plain":
            self._plain(s, indent, not key)
        elif style == "single":
            self._single(s, indent, not key)
        elif style == "literal":
            self._literal(s, indent)
        else:
            self._double(s, indent, not key)

    def _plain(self, s: str, indent: int, allow_breaks: bool) -> None:
        spaces = False
        buf: list[str] = []
        for i, ch in enumerate(s):
            if ch == " ":
                if (allow_breaks and not spaces and self.column + len(buf) > _BEST_WIDTH
                        and not (i + 1 < len(s) and s[i + 1] == " ")):
                    self.put("".join(buf))
                    buf = []
                    self.newline_indent(indent)
                else:
                    buf.append(ch)
                spaces = True
            else:
                buf.append(ch)
                spaces = False
        self.put("".join(buf))

    def _single(self, s: str, indent: int, allow_breaks: bool) -> None:
        self.put("'")
        spaces = False
        for i, ch in enumerate(s):
            if ch == " ":
                if (allow_breaks and not spaces and self.column > _BEST_WIDTH and 0 < i < len(s) - 1
                        and s[i + 1] != " "):
                    self.newline_indent(indent)
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put("''" if ch == "'" else ch)
                spaces = False
        self.put("'")

    _ESCAPES: ClassVar[dict[str, str]] = {
        "\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f",
        "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_",
        "\u2028": "L", "\u2029": "P"}

    def _double(self, s: str, indent: int, allow_breaks: bool) -> None:
        self.put('"')
        spaces = False
        for i, ch in enumerate(s):
            if not _is_printable(ch) or ch in '"\\' or ch == "\ufeff" or _is_break(ch):
                esc = self._ESCAPES.get(ch)
                if esc is None:
                    o = ord(ch)
                    esc = (f"x{o:02X}" if o <= 0xFF else f"u{o:04X}" if o <= 0xFFFF
                           else f"U{o:08X}")
                self.put("\\" + esc)
                spaces = False
            elif ch == " ":
                if (allow_breaks and not spaces and self.column > _BEST_WIDTH and i != 0
                        and i != len(s) - 1):
                    self.newline_indent(indent)
                    if i + 1 < len(s) and s[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                spaces = False
        self.put('"')

    def _literal(self, s: str, indent: int) -> None:
        hint = "|"
        if s[0] in " \n":
            hint += "2"
        if not s.endswith("\n"):
            hint += "-"
        elif len(s) == 1 or s[-2] == "\n":
            hint += "+"
        self.put(hint)
        lines = s.split("\n")
        if s.endswith("\n"):
            lines = lines[:-1]
        for line in lines:
            self.put("\n")
            if line:
                self.put(" " * indent + line)

    # -- collections -----------------------------------------------------------------------------

    def node(self, value: Any, indent: int) -> None:
        """Write ``value`` as the value after ``key:`` or ``-`` at block indentation ``indent``
        (the column its nested content starts at)."""
        if isinstance(value, dict):
            if not value:
                self.put(" {}")
                return
            self.mapping(value, indent, first_inline=False)
        elif isinstance(value, list):
            if not value:
                self.put(" []")
                return
            self.sequence(value, indent - 2, first_inline=False)
        else:
            self.put(" ")
            self.scalar(value, indent)

    def mapping(self, value: dict[str, Any], indent: int, first_inline: bool) -> None:
        keys = sorted(value, key=functools.cmp_to_key(_natural_key))
        for n, k in enumerate(keys):
            if n > 0 or not first_inline:
                if self.out:
                    self.newline_indent(indent)
                else:
                    self.put(" " * indent)
            self.scalar(k, indent, key=True)
            self.put(":")
            v = value[k]
            if isinstance(v, list) and v:
                self.sequence(v, indent, first_inline=False)
            else:
                self.node(v, indent + 2)

    def sequence(self, value: list[Any], indent: int, first_inline: bool) -> None:
        for n, item in enumerate(value):
            if n > 0 or not first_inline:
                if self.out:
                    self.newline_indent(indent)
                else:
                    self.put(" " * indent)
            self.put("-")
            if isinstance(item, dict) and item:
                self.put(" ")
                self.mapping(item, indent + 2, first_inline=True)
            elif isinstance(item, list) and item:
                self.put(" ")
                self.sequence(item, indent + 2, first_inline=True)
            else:
                self.node(item, indent + 2)


def dump(obj: Any) -> str:
    """The YAML document for ``obj`` (a JSON-shaped value), with a final newline.

    >>> print(dump({"kind": "Pod", "metadata": {"name": "web", "labels": {}},
    ...             "spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80}]}]},
    ...             "status": {"podIP": None, "phase": "true"}}), end="")
    kind: Pod
    metadata:
      labels: {}
      name: web
    spec:
      containers:
      - name: app
        ports:
        - containerPort: 80
    status:
      phase: "true"
      podIP: null
    """
    e = _Emitter()
    if isinstance(obj, dict) and obj:
        e.mapping(obj, 0, first_inline=True)
    elif isinstance(obj, list) and obj:
        e.sequence(obj, 0, first_inline=True)
    elif isinstance(obj, dict):
        e.put("{}")
    elif isinstance(obj, list):
        e.put("[]")
    else:
        e.scalar(obj, 0)
    return "".join(e.out) + "\n"
