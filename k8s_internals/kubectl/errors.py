"""How kubectl reports failures (``staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go``:
``CheckErr``, ``StandardErrorMessage``, ``MultilineError``).

- an API ``Status`` error: ``Error from server (NotFound): pods "x" not found``, or
  ``Error from server: <message>`` when it has no reason;
- ``422 Invalid``: ``The Deployment "x" is invalid: spec.replicas: Invalid value: -1: ...``
  (several causes become a ``* `` list under the heading);
- ``401``: ``error: You must be logged in to the server (Unauthorized)``;
- anything else: ``error: <message>``.
"""

from __future__ import annotations

from typing import Any

from ..api.errors import StatusError

__all__ = ["CommandError", "format_error", "with_source"]


class CommandError(Exception):
    """A client-side failure; ``str()`` is the message after ``error: ``."""


def _cause_text(cause: dict[str, Any]) -> str:
    field = cause.get("field", "")
    message = cause.get("message", "")
    return f"{field}: {message}" if field else str(message)


def format_error(exc: BaseException) -> str:
    """The text kubectl prints for ``exc`` (ends with a newline)."""
    if isinstance(exc, StatusError):
        status = exc.status
        reason = status.get("reason", "")
        if reason == "Invalid":
            details = status.get("details") or {}
            heading = "The request is invalid"
            if details:
                heading = f'The {details.get("kind", "")} "{details.get("name", "")}" is invalid'
            causes = details.get("causes") or []
            if causes:
                if len(causes) == 1:
                    return f"{heading}: {_cause_text(causes[0])}\n"
                return heading + ": \n" + "".join(f"* {_cause_text(c)}\n" for c in causes)
        if reason == "Unauthorized":
            return "error: You must be logged in to the server (Unauthorized)\n"
        if reason:
            return f"Error from server ({reason}): {exc.message}\n"
        return f"Error from server: {exc.message}\n"
    text = str(exc)
    if text.startswith("error: ") or "\n" in text:
        return text.rstrip("\n") + "\n"
    return f"error: {text}\n"


def with_source(verb: str, source: str, exc: StatusError) -> StatusError:
    """``cmdutil.AddSourceToErr``: ``error when creating "x.yaml": <message>``."""
    if not source:
        return exc
    status = dict(exc.status)
    status["message"] = f'error when {verb} "{source}": {exc.message}'
    return StatusError(status)
