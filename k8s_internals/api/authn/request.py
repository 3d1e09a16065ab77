"""What an authenticator sees and answers, and the bearer-token request authenticator.

Upstream pieces, one by one:

- :class:`AuthRequest` is the part of the ``*http.Request`` authenticators look at: the headers,
  the TLS peer certificate (``req.TLS.PeerCertificates[0]``), the path, and the API audiences the
  authentication filter puts in the context (``authenticator.WithAudiences``). In-process
  clients have no TLS, so they hand their credential over directly: a :class:`ClientCertificate`
  (what the TLS handshake would have produced) or a :class:`BearerToken`, which is put in the
  ``Authorization`` header the way client-go's ``bearerAuthRoundTripper`` does, so the same
  header parsing runs for every client.
- :class:`AuthResult` is ``authenticator.Response`` (``User``, ``Audiences``) plus, for the
  trace, the name of the authenticator that matched and the audit annotations it added.
- :class:`Authenticator` / :class:`TokenAuthenticator` are ``authenticator.Request`` /
  ``authenticator.Token`` (``staging/src/k8s.io/apiserver/pkg/authentication/authenticator/
  interfaces.go``). Upstream returns ``(resp, ok, err)``; here ``authenticate`` returns the result
  (``ok``), returns ``None`` ("this request is not for me": not ok, no error) or raises
  :class:`~k8s_internals.api.authn.errors.AuthenticationError` (a credential it recognised but
  rejected).
- :class:`BearerTokenAuthenticator` and :func:`extract_bearer_token` are
  ``staging/src/k8s.io/apiserver/pkg/authentication/request/bearertoken/bearertoken.go``:
  ``Authorization: Bearer <token>`` (scheme case-insensitive, header trimmed, split on single
  spaces into at most three parts), an empty token is "not mine", a token nobody accepts
  becomes the error ``invalid bearer token``, and on success the header is removed so nothing
  inside the server is tempted to reuse it.
- :class:`AudienceAgnosticToken` is ``WrapAudienceAgnosticToken``
  (``authenticator/audagnostic.go``), which kube-apiserver wraps around ``--token-auth-file``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..user import UserInfo
from ..validation.field import go_quote
from .errors import AuthenticationError

__all__ = [
    "AUTHORIZATION",
    "INVALID_BEARER_TOKEN",
    "INVALID_TOKEN_WITH_SPACE_WARNING",
    "AudienceAgnosticToken",
    "AuthAttempt",
    "AuthRequest",
    "AuthResult",
    "Authenticator",
    "BearerToken",
    "BearerTokenAuthenticator",
    "ClientCertificate",
    "Credential",
    "TokenAuthenticator",
    "extract_bearer_token",
    "go_quote",
    "go_quoted_list",
    "go_value_list",
    "intersect_audiences",
]

AUTHORIZATION = "Authorization"

#: ``bearertoken.invalidToken``: what a token no token authenticator accepted turns into.
INVALID_BEARER_TOKEN = "invalid bearer token"
#: ``bearertoken.invalidTokenWithSpaceWarning`` (sent to the client as a ``Warning`` header).
INVALID_TOKEN_WITH_SPACE_WARNING = (
    "the provided Authorization header contains extra space before the bearer token, "
    "and is ignored"
)


# -- credentials ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BearerToken:
    """An in-process client's token; sent as ``Authorization: Bearer <token>``."""

    token: str


@dataclass(frozen=True)
class ClientCertificate:
    """The verified TLS client certificate, reduced to what authentication reads.

    ``common_name`` is the subject CN and ``organizations`` the subject O values
    (``pkix.Name.CommonName`` / ``Organization``). The serial number and key ids only appear in
    error messages (``certificateIdentifier`` in ``request/x509/x509.go``); ``not_before`` /
    ``not_after`` are checked against the virtual clock when the x509 authenticator has one.
    Build one from a real certificate with
    :meth:`k8s_internals.api.authn.x509.client_certificate_from_x509`.
    """

    common_name: str
    organizations: tuple[str, ...] = ()
    serial_number: int = 0
    subject_key_id: bytes = b""
    authority_key_id: bytes = b""
    not_before: datetime | None = None
    not_after: datetime | None = None


Credential = BearerToken | ClientCertificate


# -- request and result -------------------------------------------------------------------------


@dataclass(slots=True)
class AuthAttempt:
    """One authenticator asked during a request, for the trace.

    ``outcome`` is ``authenticated``, ``no-opinion`` (not ok, no error: "not mine") or ``error``;
    ``detail`` the user name or the error text; ``depth`` the nesting (a token authenticator
    under the bearer-token authenticator is one level deeper).
    """

    authenticator: str
    depth: int
    outcome: str = "pending"
    detail: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{'  ' * self.depth}{self.authenticator} -> {self.outcome}{detail}"


@dataclass
class AuthRequest:
    """What authentication sees of a request (see the module docstring)."""

    headers: dict[str, str] = field(default_factory=dict)
    credential: Credential | None = None
    path: str = ""
    #: The API audiences in the request context, set by the authentication filter
    #: (``authenticator.WithAudiences``); ``None`` when not set.
    audiences: tuple[str, ...] | None = None
    #: ``Warning`` headers for the client (``warning.AddWarning``).
    warnings: list[str] = field(default_factory=list)
    #: Audit annotations added while authenticating (``audit.AddAuditAnnotation``).
    annotations: dict[str, str] = field(default_factory=dict)
    #: Which authenticators ran and what each said, in call order.
    attempts: list[AuthAttempt] = field(default_factory=list)
    _depth: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self.headers = dict(self.headers)
        if isinstance(self.credential, BearerToken) and not self.header(AUTHORIZATION):
            self.headers[AUTHORIZATION] = f"Bearer {self.credential.token}"

    # Go's http.Header is case-insensitive (canonical keys); Get returns "" when absent.
    def header(self, name: str) -> str:
        """The header's value, matched case-insensitively; ``""`` if absent (``Header.Get``)."""
        lname = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lname:
                return value
        return ""

    def delete_header(self, name: str) -> None:
        """``Header.Del``."""
        lname = name.lower()
        headers = self.headers
        doomed = None
        for key in headers:
            if key.lower() == lname:
                doomed = [key] if doomed is None else [*doomed, key]
        if doomed is not None:
            for key in doomed:
                del headers[key]

    @property
    def client_certificate(self) -> ClientCertificate | None:
        """The peer certificate (``req.TLS.PeerCertificates[0]``), if any."""
        return self.credential if isinstance(self.credential, ClientCertificate) else None

    def attempt(
        self, name: str, call: Callable[..., AuthResult | None], *args: Any
    ) -> AuthResult | None:
        """``call(*args)`` — one authenticator — recording what it said in :attr:`attempts`."""
        record = AuthAttempt(name, self._depth)
        self.attempts.append(record)
        self._depth += 1
        try:
            result = call(*args)
        except AuthenticationError as err:
            record.outcome, record.detail = "error", err.reason
            raise
        finally:
            self._depth -= 1
        if result is None:
            record.outcome = "no-opinion"
        else:
            record.outcome, record.detail = "authenticated", result.user.name
        return result


@dataclass(frozen=True)
class AuthResult:
    """``authenticator.Response``: the user, the audiences the credential is valid for, and —
    not upstream, for the trace — the name of the authenticator that matched."""

    user: UserInfo
    authenticator: str = ""
    audiences: tuple[str, ...] = ()


class Authenticator(Protocol):
    """``authenticator.Request``: result, ``None`` (not mine) or raise ``AuthenticationError``."""

    name: str

    def authenticate(self, req: AuthRequest) -> AuthResult | None: ...


class TokenAuthenticator(Protocol):
    """``authenticator.Token``: the same contract for a bare token. ``req`` carries the context
    (audiences, audit annotations); ``None`` means an empty context."""

    name: str

    def authenticate_token(self, token: str, req: AuthRequest | None = None) -> AuthResult | None:
        ...


# -- bearer tokens ------------------------------------------------------------------------------


def extract_bearer_token(req: AuthRequest) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or ``None`` — exactly as
    ``bearertoken.go``: trim the header; split on ``" "`` into at most three parts; the scheme
    must be ``bearer`` in any case; an empty second part (two spaces after ``Bearer``) is no
    token, with a warning for the client. Text after a further space is ignored."""
    auth = req.header(AUTHORIZATION).strip()
    if not auth:
        return None
    parts = auth.split(" ", 2)
    if len(parts) < 2 or parts[0].lower() != "bearer":
        return None
    token = parts[1]
    if not token:
        if len(parts) == 3:
            req.warnings.append(INVALID_TOKEN_WITH_SPACE_WARNING)
        return None
    return token


class BearerTokenAuthenticator:
    """``bearertoken.New(tokenAuth)``: reads the bearer token and asks a token authenticator."""

    name = "bearertoken"

    def __init__(self, tokens: TokenAuthenticator) -> None:
        self.tokens = tokens

    def authenticate(self, req: AuthRequest) -> AuthResult | None:
        token = extract_bearer_token(req)
        if token is None:
            return None
        result = self.tokens.authenticate_token(token, req)  # errors propagate as upstream
        if result is None:
            # "If the token authenticator didn't error, provide a default error"
            raise AuthenticationError(INVALID_BEARER_TOKEN, self.name)
        # remove the bearer token so that no one is ever tempted to use it inside the server
        req.delete_header(AUTHORIZATION)
        return result


# -- audiences ----------------------------------------------------------------------------------


def intersect_audiences(have: Iterable[str], targets: Iterable[str]) -> tuple[str, ...]:
    """``Audiences.Intersect``: the ``targets`` (in their order) that ``have`` contains."""
    have_set = set(have)
    return tuple(t for t in targets if t in have_set)


class AudienceAgnosticToken:
    """``WrapAudienceAgnosticToken``: an authenticator that knows nothing of audiences (the
    token file) is only asked when the request's audiences meet the server's implicit ones, and
    its answer is then valid for exactly that intersection."""

    def __init__(self, implicit: Sequence[str], delegate: TokenAuthenticator) -> None:
        self.implicit = tuple(implicit)
        self.delegate = delegate
        self.name = delegate.name

    def authenticate_token(self, token: str, req: AuthRequest | None = None) -> AuthResult | None:
        if req is None or req.audiences is None:
            return self.delegate.authenticate_token(token, req)
        auds = intersect_audiences(self.implicit, req.audiences)
        if not auds:
            return None
        result = self.delegate.authenticate_token(token, req)
        if result is None:
            return None
        if result.audiences:
            raise AuthenticationError(
                "audience agnostic authenticator wrapped an authenticator that returned "
                f"audiences: {go_quoted_list(result.audiences)}", "audience-agnostic")
        return AuthResult(result.user, result.authenticator, auds)


# -- Go formatting, for upstream's error texts --------------------------------------------------


def go_quoted_list(items: Iterable[str]) -> str:
    """A ``[]string`` as Go's ``%q`` prints it: ``["a" "b"]``."""
    return "[" + " ".join(go_quote(s) for s in items) + "]"


def go_value_list(items: Iterable[str]) -> str:
    """A ``[]string`` as Go's ``%v`` prints it: ``[a b]``."""
    return "[" + " ".join(items) + "]"


