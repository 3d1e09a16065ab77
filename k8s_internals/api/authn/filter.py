"""The authentication step of the request pipeline: run the authenticator, decide 401 or go on.

Upstream: ``staging/src/k8s.io/apiserver/pkg/endpoints/filters/authentication.go``
(``WithAuthentication`` and ``Unauthorized``):

1. put the API audiences (``--api-audiences``) in the request context;
2. ``resp, ok, err := auth.AuthenticateRequest(req)``; on an error, log
   ``Unable to authenticate the request due to an error: <err>``; on error or not ok, answer
   with the ``failed`` handler;
3. if the response's audiences do not meet the API audiences, log
   ``unable to match the audience: [..] , accepted: [..]`` and fail the same way;
4. otherwise drop the ``Authorization`` header and go on with the user in the context.

The failed handler is ``Unauthorized``: always ``apierrors.NewUnauthorized("Unauthorized")``,
whatever went wrong (a 401 ``Status`` with message and reason ``Unauthorized``; no
``WWW-Authenticate`` header). The reason stays in the server log — here in
:attr:`AuthenticationOutcome.error` for the trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import StatusError, unauthorized
from ..user import UserInfo
from .errors import AuthenticationError
from .request import AuthAttempt, Authenticator, AuthRequest, AuthResult, go_value_list

__all__ = ["AuthenticationOutcome", "audiences_are_acceptable", "authenticate_request"]


@dataclass
class AuthenticationOutcome:
    """What the authentication filter decided, with everything the trace shows."""

    result: AuthResult | None
    #: The logged reason (``""`` when the request simply matched no authenticator).
    error: str = ""
    attempts: list[AuthAttempt] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def user(self) -> UserInfo | None:
        return self.result.user if self.result is not None else None

    @property
    def authenticator(self) -> str:
        """The plugin that matched (``x509``, ``tokenfile``, ``serviceaccount``, ...)."""
        return self.result.authenticator if self.result is not None else ""

    def status_error(self) -> StatusError:
        """The 401 the client gets (for every failure alike)."""
        return unauthorized("Unauthorized")

    @property
    def status(self) -> dict[str, Any] | None:
        """The 401 ``Status`` body when authentication failed, else ``None``."""
        return None if self.ok else self.status_error().status


def audiences_are_acceptable(api_audiences: Sequence[str], response_audiences: Sequence[str]) \
        -> bool:
    """``audiencesAreAcceptable``: no audiences on either side, or a common one."""
    if not api_audiences or not response_audiences:
        return True
    return not set(api_audiences).isdisjoint(response_audiences)


def authenticate_request(
    authenticator: Authenticator, req: AuthRequest, api_audiences: Sequence[str] = ()
) -> AuthenticationOutcome:
    """``WithAuthentication`` for one request (see the module docstring)."""
    if api_audiences:
        req.audiences = api_audiences if type(api_audiences) is tuple else tuple(api_audiences)
    error = ""
    try:
        result = authenticator.authenticate(req)
    except AuthenticationError as err:
        result = None
        error = f"Unable to authenticate the request due to an error: {err.reason}"
    if result is not None:
        if not audiences_are_acceptable(api_audiences, result.audiences):
            error = (f"unable to match the audience: {go_value_list(result.audiences)} "
                     f", accepted: {go_value_list(api_audiences)}")
            result = None
        else:
            # authorization header is not required anymore in case of a successful
            # authentication
            req.delete_header("Authorization")
    return AuthenticationOutcome(result, error, req.attempts, req.warnings, req.annotations)
