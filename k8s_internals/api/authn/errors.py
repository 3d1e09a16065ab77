"""Authentication errors: the internal reason an authenticator gives, never shown to the client.

Upstream an authenticator answers ``(resp, ok, err)``
(``staging/src/k8s.io/apiserver/pkg/authentication/authenticator/interfaces.go``). A non-nil
``err`` means "this credential was meant for me and it is bad" (expired token, wrong audience,
deleted ServiceAccount...). Here that is an :class:`AuthenticationError` raised by the
authenticator; ``reason`` is the text upstream puts in the error, which the authentication filter
only *logs* (``staging/src/k8s.io/apiserver/pkg/endpoints/filters/authentication.go``:
``klog.Errorf("Unable to authenticate the request due to an error: %v", err)``). The client
always gets the same 401 Status, built by :func:`k8s_internals.api.errors.unauthorized`::

    {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
     "message":"Unauthorized","reason":"Unauthorized","code":401}

(``filters.Unauthorized`` calls ``apierrors.NewUnauthorized("Unauthorized")``; no
``WWW-Authenticate`` header is set.) So the trace and the book can show *why* a request was
rejected while the learner's kubectl only prints ``error: You must be logged in to the server
(Unauthorized)``.

:func:`aggregate` reproduces ``utilerrors.NewAggregate``
(``staging/src/k8s.io/apimachinery/pkg/util/errors/errors.go``), which the union authenticators
use to report every failure at once: one error prints bare, several print as ``[e1, e2]`` with
duplicates (same message) removed and nested aggregates flattened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["AggregateError", "AuthenticationError", "aggregate"]


class AuthenticationError(Exception):
    """A credential an authenticator recognised but rejected.

    ``reason`` is upstream's error text (what kube-apiserver logs); ``authenticator`` names the
    plugin that raised it, like upstream's newer ``AuthError.AuthenticatorID``.
    """

    def __init__(self, reason: str, authenticator: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.authenticator = authenticator

    def __repr__(self) -> str:
        who = f"{self.authenticator}: " if self.authenticator else ""
        return f"AuthenticationError({who}{self.reason!r})"


class AggregateError(AuthenticationError):
    """Several authenticators failed: ``utilerrors.Aggregate``."""

    def __init__(self, errors: Sequence[AuthenticationError]) -> None:
        self.errors: tuple[AuthenticationError, ...] = tuple(errors)
        super().__init__(_aggregate_message(self.errors))


def _flatten(errors: Iterable[AuthenticationError]) -> list[AuthenticationError]:
    out: list[AuthenticationError] = []
    for err in errors:
        if isinstance(err, AggregateError):
            out.extend(_flatten(err.errors))
        else:
            out.append(err)
    return out


def _aggregate_message(errors: Sequence[AuthenticationError]) -> str:
    """``aggregate.Error()``: bare for one error, ``[a, b]`` for several distinct messages."""
    if not errors:
        return ""
    if len(errors) == 1:
        return errors[0].reason
    seen: list[str] = []
    for err in _flatten(errors):
        if err.reason not in seen:
            seen.append(err.reason)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


def aggregate(errors: Sequence[AuthenticationError]) -> AuthenticationError | None:
    """``utilerrors.NewAggregate``: ``None`` for no errors, else one error covering them all."""
    if not errors:
        return None
    return AggregateError(errors)
