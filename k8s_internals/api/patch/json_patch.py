"""JSON patch (RFC 6902): ``add``, ``remove``, ``replace``, ``move``, ``copy``, ``test``.

Upstream: evanphx/json-patch v4 ``patch.go`` (``gopkg.in/evanphx/json-patch.v4``), which
``apiserver/pkg/endpoints/handlers/patch.go`` runs for ``application/json-patch+json``.
Paths are JSON pointers (RFC 6901: ``~1`` is ``/``, ``~0`` is ``~``); ``-`` appends to a list.

The library's behaviour is kept where it differs from the RFC, because a real API server does
the same:

- ``replace`` of a missing *object* key adds it (only a missing list index fails);
- negative list indices count from the end (``add`` at ``-1`` appends);
- ``copy`` from a missing object key copies ``null``;
- ``replace`` with path ``""`` swaps the whole document for an object or list value and silently
  ignores any other value; ``test`` with path ``""`` compares the whole document;
- a pointer not starting with ``/`` is read as if it did (the first segment is dropped).

Errors: a patch that is not a list of objects answers 400 with Go's ``encoding/json`` text, more
than 10000 operations 413, and an operation that does not apply 422 with the fixed message
``the server rejected our request due to an error in our request``; the library's own text
(e.g. ``testing value /spec/replicas failed: test failed``) is in ``PatchError.detail``.

Simplification: numbers compare as Python values; upstream compares the raw JSON text of scalars,
so ``1`` and ``1.0`` differ in both, but ``1e0`` and ``1`` (equal here) differ upstream.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ..validation.field import go_quote as _go_quote
from .errors import bad_request, not_applicable, request_entity_too_large

__all__ = [
    "ERR_INVALID_INDEX",
    "ERR_MISSING",
    "ERR_TEST_FAILED",
    "MAX_JSON_PATCH_OPERATIONS",
    "apply_json_patch",
    "decode_pointer_token",
]

# evanphx/json-patch v4 patch.go
ERR_TEST_FAILED = "test failed"
ERR_MISSING = "missing value"
ERR_INVALID_INDEX = "invalid index referenced"

#: apiserver/pkg/endpoints/handlers/patch.go ``maxJSONPatchOperations``
MAX_JSON_PATCH_OPERATIONS = 10000

_INT64_MAX = 2**63 - 1
_DIGITS = re.compile(r"[+-]?[0-9]+\Z")
_POINTER_ESCAPE = re.compile(r"~[01]")


class _GoError(Exception):
    """A Go ``error`` value: only its text matters."""


def _wrap(cause: str | _GoError, message: str) -> _GoError:
    """``errors.Wrapf(cause, message)`` from github.com/pkg/errors: ``message: cause``."""
    return _GoError(f"{message}: {cause}")


def _go_json_type(value: Any) -> str:
    """The JSON type name ``encoding/json`` puts in an ``UnmarshalTypeError``."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"




def _atoi(key: str) -> int:
    """``strconv.Atoi``."""
    if not _DIGITS.match(key):
        raise _GoError(f"strconv.Atoi: parsing {_go_quote(key)}: invalid syntax")
    value = int(key)
    if not -_INT64_MAX - 1 <= value <= _INT64_MAX:
        raise _GoError(f"strconv.Atoi: parsing {_go_quote(key)}: value out of range")
    return value


def decode_pointer_token(token: str) -> str:
    """RFC 6901 unescaping of one reference token, left to right: ``~1`` → ``/``, ``~0`` → ``~``.

    >>> decode_pointer_token("a~1b~0c~01")
    'a/b~c~1'
    """
    return _POINTER_ESCAPE.sub(lambda m: "/" if m.group() == "~1" else "~", token)


# -- containers: partialDoc (dict) and partialArray (list) -------------------------------------


def _get(container: dict[str, Any] | list[Any], key: str) -> Any:
    """``container.get``: a missing object key (or a JSON null) gives ``None``, no error."""
    if isinstance(container, dict):
        return container.get(key)
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(container):
            raise _wrap(ERR_INVALID_INDEX, f"Unable to access invalid index: {idx}")
        idx += len(container)
    if idx >= len(container):
        raise _wrap(ERR_INVALID_INDEX, f"Unable to access invalid index: {idx}")
    return container[idx]


def _set(container: dict[str, Any] | list[Any], key: str, value: Any) -> None:
    """``container.set``, used by ``replace`` only (after a successful ``get``)."""
    if isinstance(container, dict):
        container[key] = value
        return
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(container):
            raise _wrap(ERR_INVALID_INDEX, f"Unable to access invalid index: {idx}")
        idx += len(container)
    container[idx] = value


def _add(container: dict[str, Any] | list[Any], key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    try:
        idx = _atoi(key)
    except _GoError as err:
        raise _wrap(err, f"value was not a proper array index: '{key}'") from None
    size = len(container) + 1
    if idx >= size:
        raise _wrap(ERR_INVALID_INDEX, f"Unable to access invalid index: {idx}")
    if idx < 0:
        if idx < -size:
            raise _wrap(ERR_INVALID_INDEX, f"Unable to access invalid index: {idx}")
        idx += size
    container.insert(idx, value)


def _remove(container: dict[str, Any] | list[Any], key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise _wrap(ERR_MISSING, f"Unable to remove nonexistent key: {key}")
        del container[key]
        return
    idx = _atoi(key)
    if idx >= len(container):
        raise _wrap(ERR_INVALID_INDEX, f"Unable to access invalid index: {idx}")
    if idx < 0:
        if idx < -len(container):
            raise _wrap(ERR_INVALID_INDEX, f"Unable to access invalid index: {idx}")
        idx += len(container)
    del container[idx]


def _find_object(root: Any, path: str) -> tuple[dict[str, Any] | list[Any] | None, str]:
    """``findObject``: the container that holds the last token of ``path``, and that token."""
    split = path.split("/")
    if len(split) < 2:
        return None, ""
    doc = root
    for part in split[1:-1]:
        try:
            nxt = _get(doc, decode_pointer_token(part))
        except _GoError:
            return None, ""
        if not isinstance(nxt, (dict, list)):
            return None, ""
        doc = nxt
    return doc, decode_pointer_token(split[-1])


# -- equality (lazyNode.equal) -----------------------------------------------------------------


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or len(a) != len(b):
            return False
        return all(k in b and _json_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list) or isinstance(b, list):
        if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
            return False
        return all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


# -- operations ----------------------------------------------------------------------------------


def _kind(op: dict[str, Any]) -> str:
    value = op.get("op")
    return value if isinstance(value, str) else "unknown"


def _string_field(op: dict[str, Any], name: str, missing: str) -> str:
    """``Operation.Path()`` / ``Operation.From()``."""
    value = op.get(name)
    if value is None:
        raise _wrap(ERR_MISSING, missing)
    if not isinstance(value, str):
        raise _GoError(f"json: cannot unmarshal {_go_json_type(value)} "
                       "into Go value of type string")
    return value


def _path(op: dict[str, Any]) -> str:
    return _string_field(op, "path", "operation missing path field")


def _from(op: dict[str, Any]) -> str:
    return _string_field(op, "from", "operation, missing from field")


def _value(op: dict[str, Any]) -> Any:
    """The operation's value, copied so the result never shares structure with the patch."""
    return copy.deepcopy(op.get("value"))


def _op_add(holder: list[Any], op: dict[str, Any]) -> None:
    try:
        path = _path(op)
    except _GoError:
        raise _wrap(ERR_MISSING, "add operation failed to decode path") from None
    con, key = _find_object(holder[0], path)
    if con is None:
        raise _wrap(ERR_MISSING, f'add operation does not apply: doc is missing path: "{path}"')
    try:
        _add(con, key, _value(op))
    except _GoError as err:
        raise _wrap(err, f"error in add for path: '{path}'") from None


def _op_remove(holder: list[Any], op: dict[str, Any]) -> None:
    try:
        path = _path(op)
    except _GoError:
        raise _wrap(ERR_MISSING, "remove operation failed to decode path") from None
    con, key = _find_object(holder[0], path)
    if con is None:
        raise _wrap(ERR_MISSING, f'remove operation does not apply: doc is missing path: "{path}"')
    try:
        _remove(con, key)
    except _GoError as err:
        raise _wrap(err, f"error in remove for path: '{path}'") from None


def _op_replace(holder: list[Any], op: dict[str, Any]) -> None:
    try:
        path = _path(op)
    except _GoError as err:
        raise _wrap(err, "replace operation failed to decode path") from None
    if path == "":
        value = _value(op)
        if isinstance(value, (dict, list)):
            holder[0] = value
        # upstream wraps a nil error here, so any other value is silently ignored
        return
    con, key = _find_object(holder[0], path)
    if con is None:
        raise _wrap(ERR_MISSING, f"replace operation does not apply: doc is missing path: {path}")
    try:
        _get(con, key)
    except _GoError:
        raise _wrap(ERR_MISSING,
                    f"replace operation does not apply: doc is missing key: {path}") from None
    try:
        _set(con, key, _value(op))
    except _GoError as err:
        raise _wrap(err, f"error in remove for path: '{path}'") from None


def _op_move(holder: list[Any], op: dict[str, Any]) -> None:
    try:
        from_path = _from(op)
    except _GoError as err:
        raise _wrap(err, "move operation failed to decode from") from None
    con, key = _find_object(holder[0], from_path)
    if con is None:
        raise _wrap(ERR_MISSING,
                    f"move operation does not apply: doc is missing from path: {from_path}")
    try:
        value = _get(con, key)
        _remove(con, key)
    except _GoError as err:
        raise _wrap(err, f"error in move for path: '{key}'") from None
    try:
        path = _path(op)
    except _GoError as err:
        raise _wrap(err, "move operation failed to decode path") from None
    con, key = _find_object(holder[0], path)
    if con is None:
        raise _wrap(ERR_MISSING,
                    f"move operation does not apply: doc is missing destination path: {path}")
    try:
        _add(con, key, value)
    except _GoError as err:
        raise _wrap(err, f"error in move for path: '{path}'") from None


def _op_test(holder: list[Any], op: dict[str, Any]) -> None:
    try:
        path = _path(op)
    except _GoError as err:
        raise _wrap(err, "test operation failed to decode path") from None
    expected = op.get("value")
    if path == "":
        if _json_equal(holder[0], expected):
            return
        raise _wrap(ERR_TEST_FAILED, f"testing value {path} failed")
    con, key = _find_object(holder[0], path)
    if con is None:
        raise _wrap(ERR_MISSING, f"test operation does not apply: is missing path: {path}")
    try:
        actual = _get(con, key)
    except _GoError as err:
        raise _wrap(err, f"error in test for path: '{path}'") from None
    if actual is None:
        # a missing key and an explicit null both pass a test for null (or no value)
        if expected is None:
            return
        raise _wrap(ERR_TEST_FAILED, f"testing value {path} failed")
    if _json_equal(actual, expected):
        return
    raise _wrap(ERR_TEST_FAILED, f"testing value {path} failed")


def _op_copy(holder: list[Any], op: dict[str, Any]) -> None:
    try:
        from_path = _from(op)
    except _GoError as err:
        raise _wrap(err, "copy operation failed to decode from") from None
    con, key = _find_object(holder[0], from_path)
    if con is None:
        raise _wrap(ERR_MISSING,
                    f"copy operation does not apply: doc is missing from path: {from_path}")
    try:
        value = _get(con, key)
    except _GoError as err:
        raise _wrap(err, f"error in copy for from: '{from_path}'") from None
    try:
        path = _path(op)
    except _GoError:
        raise _wrap(ERR_MISSING, "copy operation failed to decode path") from None
    con, key = _find_object(holder[0], path)
    if con is None:
        raise _wrap(ERR_MISSING,
                    f"copy operation does not apply: doc is missing destination path: {path}")
    try:
        _add(con, key, copy.deepcopy(value))
    except _GoError as err:
        raise _wrap(err, "error while adding value during copy") from None


_OPERATIONS = {
    "add": _op_add,
    "remove": _op_remove,
    "replace": _op_replace,
    "move": _op_move,
    "test": _op_test,
    "copy": _op_copy,
}


def _decode(patch: Any) -> list[dict[str, Any]]:
    """``jsonpatch.DecodePatch`` on an already-parsed body: a list of objects (or nulls)."""
    if patch is None:
        return []
    if not isinstance(patch, list):
        raise bad_request(f"json: cannot unmarshal {_go_json_type(patch)} "
                          "into Go value of type jsonpatch.Patch")
    ops: list[dict[str, Any]] = []
    for op in patch:
        if op is None:
            ops.append({})
        elif isinstance(op, dict):
            ops.append(op)
        else:
            raise bad_request(f"json: cannot unmarshal {_go_json_type(op)} "
                              "into Go value of type jsonpatch.Operation")
    return ops


def apply_json_patch(doc: Any, patch: Any) -> Any:
    """Apply the JSON patch ``patch`` (a list of operations) to a copy of ``doc``.

    >>> apply_json_patch({"spec": {"replicas": 1}},
    ...                  [{"op": "test", "path": "/spec/replicas", "value": 1},
    ...                   {"op": "replace", "path": "/spec/replicas", "value": 3}])
    {'spec': {'replicas': 3}}

    Raises :class:`~k8s_internals.api.patch.errors.PatchError` (400, 413 or 422; see the module
    docstring); ``err.detail`` is evanphx/json-patch's error text.
    """
    ops = _decode(patch)
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        raise request_entity_too_large(
            f"The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, "
            f"got {len(ops)}")
    if not isinstance(doc, (dict, list)):
        raise not_applicable(f"json: cannot unmarshal {_go_json_type(doc)} "
                             "into Go value of type jsonpatch.partialDoc")
    holder = [copy.deepcopy(doc)]
    for op in ops:
        kind = _kind(op)
        handler = _OPERATIONS.get(kind)
        try:
            if handler is None:
                raise _GoError(f"Unexpected kind: {kind}")
            handler(holder, op)
        except _GoError as err:
            raise not_applicable(str(err)) from None
    return holder[0]
