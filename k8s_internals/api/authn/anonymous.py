"""Anonymous requests: ``system:anonymous`` in the group ``system:unauthenticated``.

Upstream: ``staging/src/k8s.io/apiserver/pkg/authentication/request/anonymous/anonymous.go``.
The anonymous authenticator accepts every request it is asked about. kube-apiserver
(``pkg/kubeapiserver/authenticator/config.go``, ``--anonymous-auth``, on by default) puts it
*after* all the others in a fail-on-error union, so it only answers when no other authenticator
knew the request: a bad token is a 401, never an anonymous request (see
:func:`k8s_internals.api.authn.union.new_authenticator`). What an anonymous user may do is up
to authorization (RBAC gives ``system:unauthenticated`` only discovery, ``/healthz``,
``/version`` ... through ``system:public-info-viewer``).

With ``paths`` (the ``anonymous.conditions`` of an ``AuthenticationConfiguration``, 1.32+),
anonymous access is limited to those exact request paths; other paths are "not mine".
"""

from __future__ import annotations

from collections.abc import Iterable

from ..user import ALL_UNAUTHENTICATED, ANONYMOUS, UserInfo
from .request import AuthRequest, AuthResult

__all__ = ["ANONYMOUS_USER", "AnonymousAuthenticator"]

#: The user every anonymous request runs as.
ANONYMOUS_USER = UserInfo(ANONYMOUS, groups=(ALL_UNAUTHENTICATED,))


class AnonymousAuthenticator:
    """``anonymous.NewAuthenticator(conditions)``."""

    name = "anonymous"

    def __init__(self, paths: Iterable[str] = ()) -> None:
        self.paths = frozenset(paths)

    def authenticate(self, req: AuthRequest) -> AuthResult | None:
        if self.paths and req.path not in self.paths:
            return None
        return AuthResult(ANONYMOUS_USER, self.name, req.audiences or ())
