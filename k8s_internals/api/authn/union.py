"""Chains of authenticators, and the chain kube-apiserver builds from its flags.

Upstream files:

- ``staging/src/k8s.io/apiserver/pkg/authentication/request/union/union.go`` —
  :class:`UnionAuthenticator`: ask each authenticator in order; the first success wins; an error
  is remembered and the next one is asked (``New``), or ends the chain at once
  (``NewFailOnError``); if nobody succeeded, all errors are returned together
  (``utilerrors.NewAggregate``: no errors → "not mine", so the request may still be anonymous).
- ``staging/src/k8s.io/apiserver/pkg/authentication/token/union/union.go`` —
  :class:`TokenUnion`, the same for token authenticators behind one bearer-token reader.
- ``staging/src/k8s.io/apiserver/pkg/authentication/group/authenticated_group_adder.go`` —
  :class:`AuthenticatedGroupAdder`: every authenticated user except ``system:anonymous`` gets
  ``system:authenticated`` appended to its groups (unless it already has
  ``system:authenticated`` or ``system:unauthenticated``).
- ``pkg/kubeapiserver/authenticator/config.go`` (``Config.New``) — :func:`new_authenticator`:
  x509 client certificates first, then the bearer token (token file, then service-account
  tokens) in one union, wrapped in the group adder; with anonymous auth on, that is put in a
  fail-on-error union *before* the anonymous authenticator, so a bad credential is a 401 and
  only a request nobody recognised becomes ``system:anonymous``. With a positive token
  success or failure cache TTL the token union is wrapped in the token cache
  (:class:`~k8s_internals.api.authn.cache.CachedTokenAuthenticator`, ``tokencache.New``).

Every union records what each member said in ``req.attempts`` (for the request trace); the
:class:`~k8s_internals.api.authn.request.AuthResult` names the plugin that matched.
(Upstream's front-proxy ``requestheader``, the websocket-protocol token reader, bootstrap
tokens, OIDC and webhook token authenticators are not modelled.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..user import ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, UserInfo
from .anonymous import AnonymousAuthenticator
from .cache import CachedTokenAuthenticator
from .errors import AuthenticationError, aggregate
from .request import (
    AudienceAgnosticToken,
    Authenticator,
    AuthRequest,
    AuthResult,
    BearerTokenAuthenticator,
    TokenAuthenticator,
)
from .token_file import TokenFileAuthenticator

__all__ = [
    "AuthenticatedGroupAdder",
    "TokenUnion",
    "UnionAuthenticator",
    "new_authenticator",
]


class UnionAuthenticator:
    """``union.New`` / ``union.NewFailOnError`` over request authenticators."""

    def __init__(
        self, *authenticators: Authenticator, fail_on_error: bool = False, name: str = "union"
    ) -> None:
        self.authenticators = list(authenticators)
        self.fail_on_error = fail_on_error
        self.name = name

    def authenticate(self, req: AuthRequest) -> AuthResult | None:
        errors: list[AuthenticationError] = []
        attempt = req.attempt
        for auth in self.authenticators:
            try:
                result = attempt(auth.name, auth.authenticate, req)
            except AuthenticationError as err:
                if self.fail_on_error:
                    raise
                errors.append(err)
                continue
            if result is not None:
                return result
        err = aggregate(errors)
        if err is not None:
            raise err
        return None


class TokenUnion:
    """``tokenunion.New`` / ``NewFailOnError`` over token authenticators."""

    def __init__(
        self, *authenticators: TokenAuthenticator, fail_on_error: bool = False,
        name: str = "tokenunion",
    ) -> None:
        self.authenticators = list(authenticators)
        self.fail_on_error = fail_on_error
        self.name = name

    def authenticate_token(self, token: str, req: AuthRequest | None = None) -> AuthResult | None:
        ctx = req if req is not None else AuthRequest()
        errors: list[AuthenticationError] = []
        for auth in self.authenticators:
            try:
                result = ctx.attempt(auth.name, auth.authenticate_token, token, ctx)
            except AuthenticationError as err:
                if self.fail_on_error:
                    raise
                errors.append(err)
                continue
            if result is not None:
                return result
        err = aggregate(errors)
        if err is not None:
            raise err
        return None


class AuthenticatedGroupAdder:
    """``group.NewAuthenticatedGroupAdder``: adds ``system:authenticated`` when appropriate."""

    #: bound of :attr:`_added` (it is simply emptied when full)
    MAX_REMEMBERED = 1024

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator
        self.name = authenticator.name
        # Not upstream: a result the token cache answers is the same (immutable) object
        # request after request; its copy with the group added is made once and shared
        # too. ``id(result) -> (result, copy)``; holding ``result`` keeps its id unique.
        self._added: dict[int, tuple[AuthResult, AuthResult]] = {}

    def authenticate(self, req: AuthRequest) -> AuthResult | None:
        result = self.authenticator.authenticate(req)
        if result is None:
            return None
        added = self._added.get(id(result))
        if added is not None and added[0] is result:
            return added[1]
        user = result.user
        if user.name == ANONYMOUS:
            return result
        if ALL_AUTHENTICATED in user.groups or ALL_UNAUTHENTICATED in user.groups:
            return result
        copy = replace(result, user=UserInfo(user.name, user.uid,
                                             (*user.groups, ALL_AUTHENTICATED), user.extra))
        if len(self._added) >= self.MAX_REMEMBERED:
            self._added.clear()
        self._added[id(result)] = (result, copy)
        return copy


def new_authenticator(
    *,
    x509: Authenticator | None = None,
    token_file: TokenFileAuthenticator | None = None,
    service_accounts: TokenAuthenticator | None = None,
    token_authenticators: Sequence[TokenAuthenticator] = (),
    anonymous: bool = True,
    anonymous_paths: Sequence[str] = (),
    api_audiences: Sequence[str] = (),
    token_success_cache_ttl: float = 0.0,
    token_failure_cache_ttl: float = 0.0,
    clock: Callable[[], float] | None = None,
) -> Authenticator | None:
    """The request authenticator kube-apiserver assembles (``authenticator.Config.New``).

    ``x509`` is ``--client-ca-file``, ``token_file`` ``--token-auth-file`` (wrapped as
    audience-agnostic for ``api_audiences``), ``service_accounts`` the service-account token
    authenticator, ``token_authenticators`` any further token authenticators (asked after
    those, as upstream asks bootstrap tokens, OIDC and webhooks), ``anonymous``
    ``--anonymous-auth``. ``token_success_cache_ttl`` / ``token_failure_cache_ttl`` are
    ``Config.TokenSuccessCacheTTL`` / ``TokenFailureCacheTTL`` in seconds of ``clock`` (0, the
    zero value, caches nothing; kube-apiserver's options default to 10 s and 0 — see
    :class:`~k8s_internals.api.assemble.APIServerConfig`). ``None`` means authentication is
    disabled (upstream then lets every request through without a user).
    """
    authenticators: list[Authenticator] = []
    if x509 is not None:
        authenticators.append(x509)
    tokens: list[TokenAuthenticator] = []
    if token_file is not None:
        tokens.append(AudienceAgnosticToken(api_audiences, token_file) if api_audiences
                      else token_file)
    if service_accounts is not None:
        tokens.append(service_accounts)
    tokens.extend(token_authenticators)
    # Upstream's union.New returns a lone member itself; a union of one behaves the same and
    # still records the member in the trace, so unions are always used here.
    if tokens:
        token_auth: TokenAuthenticator = TokenUnion(*tokens)
        # Optionally cache authentication results
        if token_success_cache_ttl > 0 or token_failure_cache_ttl > 0:
            if clock is None:
                raise ValueError("a token cache needs a clock")
            token_auth = CachedTokenAuthenticator(token_auth, clock, token_success_cache_ttl,
                                                  token_failure_cache_ttl)
        authenticators.append(BearerTokenAuthenticator(token_auth))

    anon = AnonymousAuthenticator(anonymous_paths)
    if not authenticators:
        return anon if anonymous else None
    chain: Authenticator = AuthenticatedGroupAdder(UnionAuthenticator(*authenticators))
    if anonymous:
        # If the authenticator chain returns an error, return an error (don't consider a bad
        # bearer token or invalid username/password combination anonymous).
        chain = UnionAuthenticator(chain, anon, fail_on_error=True, name="authentication")
    return chain
