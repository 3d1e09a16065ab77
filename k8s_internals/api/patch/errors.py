"""How a failed patch is answered, and Go's ``%v`` for the library error texts.

A patch library (evanphx/json-patch, ``apimachinery/pkg/util/strategicpatch``) fails with its own
error text; the API server then decides the HTTP answer in
``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go``:

- a JSON patch that does not decode: ``NewBadRequest(err.Error())`` (400);
- a JSON patch that does not apply (failed ``test``, missing path):
  ``NewGenericServerResponse(422)``, whose message is the fixed
  ``the server rejected our request due to an error in our request`` with empty ``details``
  (the library text stays in the server log);
- a merge patch that is not a JSON object: 400 ``Invalid JSON Patch``;
- strategic merge patch (``interpretStrategicMergePatchError``): the ``mergepatch.Err*`` format
  errors answer 400, ``ErrNoListOfLists`` / ``ErrPatchContentNotMatchRetainKeys`` 422, any other
  error goes out as is, which ``ErrorToAPIStatus`` turns into a 500 with an empty reason and the
  error text as message (``Error from server: map: ... does not contain declared merge key: name``).

:class:`PatchError` is a :class:`~k8s_internals.api.errors.StatusError` (so the API server can send
``.status`` as is) that also keeps the library's text in :attr:`PatchError.detail`.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from ..errors import StatusError, StatusReason

__all__ = [
    "ERR_BAD_JSON_DOC",
    "ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST",
    "ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS",
    "ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST",
    "ERR_NO_LIST_OF_LISTS",
    "ERR_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS",
    "ERR_UNSUPPORTED_STRATEGIC_MERGE_PATCH_FORMAT",
    "REJECTED_MESSAGE",
    "PatchError",
    "bad_request",
    "go_type",
    "go_value",
    "not_applicable",
    "request_entity_too_large",
    "server_error",
    "unsupported_media_type",
]

#: ``NewGenericServerResponse(http.StatusUnprocessableEntity, ...)``'s message.
REJECTED_MESSAGE = "the server rejected our request due to an error in our request"

# apimachinery/pkg/util/mergepatch/errors.go
ERR_BAD_JSON_DOC = "invalid JSON document"
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"
ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST = "invalid patch format of setElementOrder list"
ERR_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS = "patch content doesn't match retainKeys list"
ERR_UNSUPPORTED_STRATEGIC_MERGE_PATCH_FORMAT = "strategic merge patch format is not supported"


class PatchError(StatusError):
    """A patch that could not be applied or computed.

    ``status`` is the ``metav1.Status`` the API server answers with; ``detail`` is the text of the
    upstream library error (for a 400 or a 500 it is also the Status message).
    """

    def __init__(self, status: dict[str, Any], detail: str) -> None:
        super().__init__(status)
        self.detail = detail

    def __repr__(self) -> str:
        return f"PatchError({self.code} {self.reason}: {self.detail})"


def _body(code: int, reason: StatusReason, message: str, details: dict[str, Any] | None) -> dict:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Failure", "message": message}
    if reason is not StatusReason.UNKNOWN:
        body["reason"] = reason.value
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def bad_request(detail: str) -> PatchError:
    """``errors.NewBadRequest(detail)``: 400, the detail is the message."""
    return PatchError(_body(400, StatusReason.BAD_REQUEST, detail, None), detail)


def not_applicable(detail: str) -> PatchError:
    """A patch that decodes but does not apply: 422 ``Invalid`` with the fixed message."""
    return PatchError(_body(422, StatusReason.INVALID, REJECTED_MESSAGE, {}), detail)


def server_error(detail: str) -> PatchError:
    """A library error the handler passes on unconverted: 500, no reason, the text as message."""
    return PatchError(_body(500, StatusReason.UNKNOWN, detail, None), detail)


def request_entity_too_large(detail: str) -> PatchError:
    """``errors.NewRequestEntityTooLargeError``."""
    return PatchError(_body(413, StatusReason.REQUEST_ENTITY_TOO_LARGE,
                            f"Request entity too large: {detail}", None), detail)


def unsupported_media_type(accepted: list[str]) -> PatchError:
    """``negotiation.NewUnsupportedMediaTypeError``: e.g. a strategic merge patch sent for a custom
    resource, whose handler accepts only JSON patch, merge patch and apply patch."""
    detail = ("the body of the request was in an unknown format - accepted media types include: "
              + ", ".join(accepted))
    return PatchError(_body(415, StatusReason.UNSUPPORTED_MEDIA_TYPE, detail, None), detail)


def _go_float(f: float) -> str:
    """``strconv.FormatFloat(f, 'g', -1, 64)``, which ``%v`` uses for a float64: the shortest
    digits, in ``%e`` form when the exponent is below -4 or at least 6 (``1e+06``)."""
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if math.isnan(f):
        return "NaN"
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    sign = "-" if f < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(f))).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    exp = len(digits) - 1 + exponent  # exponent of the first digit
    digits = digits.rstrip("0") or "0"
    if exp < -4 or exp >= 6:
        head = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{head}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp >= len(digits) - 1:
        return sign + digits + "0" * (exp - len(digits) + 1)
    if exp >= 0:
        return sign + digits[: exp + 1] + "." + digits[exp + 1:]
    return sign + "0." + "0" * (-exp - 1) + digits


def go_value(value: Any) -> str:
    """Go's ``fmt.Sprintf("%v", v)`` for a decoded JSON value.

    Maps print as ``map[k:v ...]`` with sorted keys, slices as ``[a b]``, ``nil`` as ``<nil>``.
    """
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    return str(value)


def go_type(value: Any) -> str:
    """``reflect.TypeOf(v)`` printed with ``%s``, as ``mergepatch.ErrBadArgType`` shows it."""
    if value is None:
        return "%!s(<nil>)"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__
