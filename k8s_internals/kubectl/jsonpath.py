"""The JSONPath templates of ``kubectl get -o jsonpath='{...}'`` and ``--sort-by``.

Upstream: ``staging/src/k8s.io/client-go/util/jsonpath`` (``parser.go``, ``jsonpath.go``). A
template is text with ``{...}`` actions. Supported here (the subset the book and most learners
use):

- fields ``.metadata.name``, ``['app.kubernetes.io/name']``, the root ``$`` or ``@``;
- indexes and slices ``[0]``, ``[-1]``, ``[1:3]``, ``[*]``; recursive descent ``..name``;
- filters ``[?(@.type=="Ready")]`` with ``==``, ``!=``, ``<``, ``>``, ``<=``, ``>=`` and plain
  existence ``[?(@.ports)]``;
- ``{range .items[*]}...{end}``, string literals ``{"\\n"}`` / ``{'\\t'}``.

Printing follows ``JSONPath.PrintResults``: several results of one action are separated by a
space; strings print bare, other values as compact JSON (``encoding/json``: sorted keys). A
missing key prints nothing (kubectl's ``--allow-missing-template-keys`` defaults to true).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JSONPathError", "evaluate", "relaxed", "render"]


class JSONPathError(ValueError):
    """A template that does not parse."""


_MISSING = object()


@dataclass
class _Node:
    kind: str  # text | expr | range | end
    text: str = ""
    steps: list[tuple[str, Any]] = field(default_factory=list)


def relaxed(expr: str) -> str:
    """``RelaxedJSONPathExpression``: ``.a.b`` / ``{.a.b}`` / ``a.b`` → ``{.a.b}``."""
    e = expr.strip()
    if e.startswith("{") and e.endswith("}"):
        e = e[1:-1]
    if not e.startswith(".") and not e.startswith("$"):
        e = "." + e
    return "{" + e + "}"


def _split_template(template: str) -> list[_Node]:
    nodes: list[_Node] = []
    i = 0
    while i < len(template):
        j = template.find("{", i)
        if j < 0:
            nodes.append(_Node("text", template[i:]))
            break
        if j > i:
            nodes.append(_Node("text", template[i:j]))
        k = _closing_brace(template, j)
        nodes.append(_parse_action(template[j + 1:k].strip()))
        i = k + 1
    return nodes


def _closing_brace(s: str, start: int) -> int:
    quote = ""
    depth = 0
    for i in range(start, len(s)):
        ch = s[i]
        if quote:
            if ch == "\\":
                continue
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    raise JSONPathError(f"unclosed action in {s!r}")


def _parse_action(action: str) -> _Node:
    if action == "end":
        return _Node("end")
    if action.startswith("range "):
        return _Node("range", steps=_parse_path(action[len("range "):].strip()))
    if len(action) >= 2 and action[0] in "\"'" and action[-1] == action[0]:
        return _Node("text", _unquote(action[1:-1]))
    return _Node("expr", steps=_parse_path(action))


def _unquote(s: str) -> str:
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape")


_FILTER = re.compile(r"^\?\((.*)\)$", re.S)


def _parse_path(path: str) -> list[tuple[str, Any]]:
    steps: list[tuple[str, Any]] = []
    i = 0
    if path.startswith(("$", "@")):
        i = 1
    while i < len(path):
        ch = path[i]
        if path.startswith("..", i):
            m = re.match(r"[A-Za-z0-9_\-/]+", path[i + 2:])
            if not m:
                raise JSONPathError(f"invalid recursive descent in {path!r}")
            steps.append(("recurse", m.group(0)))
            i += 2 + len(m.group(0))
        elif ch == ".":
            m = re.match(r"[A-Za-z0-9_\-/]*", path[i + 1:])
            name = m.group(0) if m else ""
            if name:
                steps.append(("field", name))
            i += 1 + len(name)
        elif ch == "[":
            end = _closing_bracket(path, i)
            inner = path[i + 1:end].strip()
            steps.append(_parse_bracket(inner))
            i = end + 1
        elif ch.isspace():
            i += 1
        else:
            m = re.match(r"[A-Za-z0-9_\-/]+", path[i:])
            if not m:
                raise JSONPathError(f"unrecognized character in action: {ch!r}")
            steps.append(("field", m.group(0)))
            i += len(m.group(0))
    return steps


def _closing_bracket(s: str, start: int) -> int:
    depth, quote = 0, ""
    for i in range(start, len(s)):
        ch = s[i]
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
            if depth == 0 and ch == "]":
                return i
    raise JSONPathError(f"unterminated array in {s!r}")


def _parse_bracket(inner: str) -> tuple[str, Any]:
    if inner == "*":
        return ("all", None)
    m = _FILTER.match(inner)
    if m:
        return ("filter", _parse_filter(m.group(1).strip()))
    if len(inner) >= 2 and inner[0] in "\"'" and inner[-1] == inner[0]:
        return ("field", inner[1:-1])
    if ":" in inner:
        parts = [p.strip() for p in inner.split(":")]
        nums = [int(p) if p else None for p in parts[:3]]
        while len(nums) < 3:
            nums.append(None)
        return ("slice", tuple(nums))
    try:
        return ("index", int(inner))
    except ValueError:
        return ("field", inner)


_OPS = ("==", "!=", "<=", ">=", "<", ">")


def _parse_filter(expr: str) -> tuple[list[tuple[str, Any]], str, Any]:
    for op in _OPS:
        idx = _find_op(expr, op)
        if idx >= 0:
            left = _parse_path(expr[:idx].strip())
            right = expr[idx + len(op):].strip()
            return left, op, _literal(right)
    return _parse_path(expr), "exists", None


def _find_op(expr: str, op: str) -> int:
    quote = ""
    for i in range(len(expr)):
        ch = expr[i]
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif expr.startswith(op, i):
            return i
    return -1


def _literal(text: str) -> Any:
    if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return ("path", _parse_path(text))


def _walk(values: list[Any], steps: list[tuple[str, Any]]) -> list[Any]:
    for kind, arg in steps:
        out: list[Any] = []
        for v in values:
            if kind == "field":
                if isinstance(v, dict) and arg in v:
                    out.append(v[arg])
            elif kind == "index":
                if isinstance(v, list) and -len(v) <= arg < len(v):
                    out.append(v[arg])
            elif kind == "slice":
                if isinstance(v, list):
                    start, stop, step = arg
                    out.extend(v[slice(start, stop, step)])
            elif kind == "all":
                if isinstance(v, list):
                    out.extend(v)
                elif isinstance(v, dict):
                    out.extend(v[k] for k in sorted(v))
            elif kind == "recurse":
                out.extend(_recurse(v, arg))
            elif kind == "filter":
                items = v if isinstance(v, list) else [v]
                out.extend(item for item in items if _matches(item, arg))
        values = out
    return values


def _recurse(v: Any, name: str) -> list[Any]:
    found: list[Any] = []
    if isinstance(v, dict):
        if name in v:
            found.append(v[name])
        for k in sorted(v):
            found.extend(_recurse(v[k], name))
    elif isinstance(v, list):
        for item in v:
            found.extend(_recurse(item, name))
    return found


def _matches(item: Any, flt: tuple[list[tuple[str, Any]], str, Any]) -> bool:
    left_steps, op, right = flt
    left = _walk([item], left_steps)
    if op == "exists":
        return bool(left)
    if isinstance(right, tuple) and right and right[0] == "path":
        rv = _walk([item], right[1])
        if not rv:
            return False
        right = rv[0]
    if not left:
        return False
    lv = left[0]
    try:
        if op == "==":
            return bool(lv == right)
        if op == "!=":
            return bool(lv != right)
        if op == "<":
            return bool(lv < right)
        if op == ">":
            return bool(lv > right)
        if op == "<=":
            return bool(lv <= right)
        return bool(lv >= right)
    except TypeError:
        return False


def _text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    if isinstance(v, int | float):
        return json.dumps(v)
    text = json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def evaluate(obj: Any, path: str) -> list[Any]:
    """The values a path (``.a.b[0]``, with or without braces) selects."""
    p = path.strip()
    if p.startswith("{") and p.endswith("}"):
        p = p[1:-1]
    return _walk([obj], _parse_path(p))


def render(template: str, obj: Any) -> str:
    """Execute a kubectl JSONPath template against ``obj``."""
    nodes = _split_template(template)
    out: list[str] = []
    _exec(nodes, 0, len(nodes), obj, out)
    return "".join(out)


def _exec(nodes: list[_Node], start: int, stop: int, cur: Any, out: list[str]) -> None:
    i = start
    while i < stop:
        node = nodes[i]
        if node.kind == "text":
            out.append(node.text)
        elif node.kind == "expr":
            out.append(" ".join(_text(v) for v in _walk([cur], node.steps)))
        elif node.kind == "range":
            end = _matching_end(nodes, i, stop)
            for item in _walk([cur], node.steps):
                _exec(nodes, i + 1, end, item, out)
            i = end
        elif node.kind == "end":
            raise JSONPathError("not in range, nothing to end")
        i += 1


def _matching_end(nodes: list[_Node], start: int, stop: int) -> int:
    depth = 0
    for j in range(start + 1, stop):
        if nodes[j].kind == "range":
            depth += 1
        elif nodes[j].kind == "end":
            if depth == 0:
                return j
            depth -= 1
    raise JSONPathError("unclosed range")
