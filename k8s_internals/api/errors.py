"""``metav1.Status`` errors with upstream's reasons, codes, details and message texts.

Mirrors ``staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go`` (``NewNotFound``,
``NewAlreadyExists``, ``NewConflict``, ``NewInvalid``, ``NewForbidden``, ``NewUnauthorized``,
``NewBadRequest``, ``NewResourceExpired``, ``NewRequestEntityTooLargeError``,
``NewMethodNotSupported``, ``NewInternalError``, ``NewServiceUnavailable``) and the reason
constants of ``apimachinery/pkg/apis/meta/v1/types.go`` (``StatusReason*``).

Every failure the API server returns is a :class:`StatusError` whose ``status`` is the JSON body
a real kube-apiserver would send.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

__all__ = [
    "CONFLICT_MESSAGE",
    "StatusError",
    "StatusReason",
    "already_exists",
    "bad_request",
    "conflict",
    "forbidden",
    "gone",
    "internal_error",
    "invalid",
    "method_not_supported",
    "not_acceptable",
    "not_found",
    "qualified_resource",
    "request_entity_too_large",
    "resource_not_found",
    "service_unavailable",
    "status_success",
    "timeout",
    "unauthorized",
    "unsupported_media_type",
]


class StatusReason(Enum):
    """``metav1.StatusReason`` values (``meta/v1/types.go``)."""

    UNKNOWN = ""
    UNAUTHORIZED = "Unauthorized"
    FORBIDDEN = "Forbidden"
    NOT_FOUND = "NotFound"
    ALREADY_EXISTS = "AlreadyExists"
    CONFLICT = "Conflict"
    GONE = "Gone"
    INVALID = "Invalid"
    SERVER_TIMEOUT = "ServerTimeout"
    TIMEOUT = "Timeout"
    TOO_MANY_REQUESTS = "TooManyRequests"
    BAD_REQUEST = "BadRequest"
    METHOD_NOT_ALLOWED = "MethodNotAllowed"
    NOT_ACCEPTABLE = "NotAcceptable"
    REQUEST_ENTITY_TOO_LARGE = "RequestEntityTooLarge"
    UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType"
    INTERNAL_ERROR = "InternalError"
    EXPIRED = "Expired"
    SERVICE_UNAVAILABLE = "ServiceUnavailable"


#: ``errors.OptimisticLockErrorMsg``
CONFLICT_MESSAGE = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


class StatusError(Exception):
    """An API error carrying the ``Status`` body; ``str()`` is the Status message."""

    def __init__(self, status: dict[str, Any]) -> None:
        super().__init__(status.get("message", ""))
        self.status = status

    @property
    def code(self) -> int:
        return int(self.status["code"])

    @property
    def reason(self) -> str:
        return str(self.status.get("reason", ""))

    @property
    def message(self) -> str:
        return str(self.status.get("message", ""))

    def __repr__(self) -> str:
        return f"StatusError({self.code} {self.reason}: {self.message})"


def _status(
    code: int, reason: StatusReason, message: str, details: Mapping[str, Any] | None = None
) -> StatusError:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason.value,
    }
    if details is not None:
        body["details"] = dict(details)
    body["code"] = code
    if reason is StatusReason.UNKNOWN:
        del body["reason"]
    return StatusError(body)


def status_success(details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``Status`` a DELETE returns when the object is gone at once
    (``metav1.StatusSuccess``)."""
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Success"}
    if details is not None:
        body["details"] = dict(details)
    return body


def qualified_resource(group: str, resource: str) -> str:
    """``schema.GroupResource.String()``: ``pods``, ``deployments.apps``."""
    return f"{resource}.{group}" if group else resource


def _details(group: str, kind: str, name: str) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    d["kind"] = kind
    return d


def not_found(group: str, resource: str, name: str) -> StatusError:
    """``NewNotFound``: ``pods "x" not found``."""
    qr = qualified_resource(group, resource)
    return _status(404, StatusReason.NOT_FOUND, f'{qr} "{name}" not found',
                   _details(group, resource, name))


def resource_not_found() -> StatusError:
    """What the API server answers for an unknown group, version or resource."""
    return _status(404, StatusReason.NOT_FOUND, "the server could not find the requested resource",
                   {})


def already_exists(group: str, resource: str, name: str) -> StatusError:
    """``NewAlreadyExists``: ``pods "x" already exists``."""
    qr = qualified_resource(group, resource)
    return _status(409, StatusReason.ALREADY_EXISTS, f'{qr} "{name}" already exists',
                   _details(group, resource, name))


def conflict(group: str, resource: str, name: str, err: str = CONFLICT_MESSAGE) -> StatusError:
    """``NewConflict``: ``Operation cannot be fulfilled on pods "x": <err>``."""
    qr = qualified_resource(group, resource)
    return _status(409, StatusReason.CONFLICT,
                   f'Operation cannot be fulfilled on {qr} "{name}": {err}',
                   _details(group, resource, name))


def invalid(
    group: str, kind: str, name: str, causes: Iterable[Mapping[str, str]], errors: Iterable[str]
) -> StatusError:
    """``NewInvalid``: ``Pod "x" is invalid: <one error>`` or ``... is invalid: [e1, e2]``.

    ``causes`` are ``StatusCause`` dicts (reason, message, field), ``errors`` the error strings
    (``field.Error.Error()``); upstream aggregates them with ``ErrorList.ToAggregate()``,
    which prints one error bare and several inside brackets.
    """
    errs = list(dict.fromkeys(errors))  # ToAggregate drops repeated messages
    qk = f"{kind}.{group}" if group else kind
    agg = errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"
    details = _details(group, kind, name)
    details["causes"] = [dict(c) for c in causes]
    return _status(422, StatusReason.INVALID, f'{qk} "{name}" is invalid: {agg}', details)


def forbidden(group: str, resource: str, name: str, err: str) -> StatusError:
    """``NewForbidden``: ``pods "x" is forbidden: <err>`` or ``pods is forbidden: <err>``."""
    qr = qualified_resource(group, resource)
    message = f'{qr} "{name}" is forbidden: {err}' if name else f"{qr} is forbidden: {err}"
    return _status(403, StatusReason.FORBIDDEN, message, _details(group, resource, name))


def forbidden_path(err: str) -> StatusError:
    """A 403 for a non-resource URL: upstream answers with the bare forbidden message."""
    return _status(403, StatusReason.FORBIDDEN, f"forbidden: {err}", {})


def unauthorized(message: str = "Unauthorized") -> StatusError:
    """``NewUnauthorized`` as the authentication filter sends it: always ``Unauthorized``."""
    return _status(401, StatusReason.UNAUTHORIZED, message)


def bad_request(message: str) -> StatusError:
    """``NewBadRequest``."""
    return _status(400, StatusReason.BAD_REQUEST, message)


def gone(message: str) -> StatusError:
    """``NewResourceExpired`` (410, reason ``Expired``), e.g.
    ``too old resource version: 5 (9)``."""
    return _status(410, StatusReason.EXPIRED, message)


def request_entity_too_large(message: str) -> StatusError:
    """``NewRequestEntityTooLargeError``."""
    return _status(413, StatusReason.REQUEST_ENTITY_TOO_LARGE,
                   f"Request entity too large: {message}")


def method_not_supported(group: str, resource: str, action: str) -> StatusError:
    """``NewMethodNotSupported``: ``<action> is not supported on resources of kind "pods"``."""
    qr = qualified_resource(group, resource)
    return _status(405, StatusReason.METHOD_NOT_ALLOWED,
                   f'{action} is not supported on resources of kind "{qr}"',
                   _details(group, resource, ""))


def not_acceptable(message: str) -> StatusError:
    return _status(406, StatusReason.NOT_ACCEPTABLE, message)


def unsupported_media_type(content_type: str) -> StatusError:
    """What the patch handler says for an unknown patch content type."""
    return _status(415, StatusReason.UNSUPPORTED_MEDIA_TYPE,
                   'the body of the request was in an unknown format - accepted media types '
                   'include: application/json-patch+json, application/merge-patch+json, '
                   'application/apply-patch+yaml, application/strategic-merge-patch+json'
                   if content_type else "unsupported media type")


def internal_error(err: str) -> StatusError:
    """``NewInternalError``: ``Internal error occurred: <err>``."""
    return _status(500, StatusReason.INTERNAL_ERROR, f"Internal error occurred: {err}",
                   {"causes": [{"message": err}]})


def service_unavailable(message: str) -> StatusError:
    return _status(503, StatusReason.SERVICE_UNAVAILABLE, message)


def timeout(message: str, retry_after: int = 0) -> StatusError:
    """``NewTimeoutError``: ``Timeout: <message>``."""
    details = {"retryAfterSeconds": retry_after} if retry_after else None
    return _status(504, StatusReason.TIMEOUT, f"Timeout: {message}", details)
