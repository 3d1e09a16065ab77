"""Bearer-token extraction and the bearer-token request authenticator (bearertoken.go)."""

from __future__ import annotations

import pytest

from k8s_internals.api.authn.errors import AuthenticationError
from k8s_internals.api.authn.request import (
    INVALID_BEARER_TOKEN,
    INVALID_TOKEN_WITH_SPACE_WARNING,
    AudienceAgnosticToken,
    AuthRequest,
    AuthResult,
    BearerToken,
    BearerTokenAuthenticator,
    extract_bearer_token,
)
from k8s_internals.api.authn.token_file import TokenFileAuthenticator
from k8s_internals.api.user import UserInfo


def req(value: str | None, header: str = "Authorization") -> AuthRequest:
    return AuthRequest(headers={} if value is None else {header: value})


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("  Bearer abc  ", "abc"),  # the header is trimmed
        ("Bearer abc def", "abc"),  # split into at most 3 parts; the rest is ignored
        ("Bearer a.b.c", "a.b.c"),
        ("Basic dXNlcjpwYXNz", None),  # another scheme: not mine
        ("Bearer", None),  # no token part
        ("Bearer ", None),  # trimmed to "Bearer"
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_extract(header: str | None, token: str | None) -> None:
    assert extract_bearer_token(req(header)) == token


def test_header_name_is_case_insensitive() -> None:
    assert extract_bearer_token(req("Bearer abc", header="authorization")) == "abc"


def test_extra_space_before_token_is_no_token_with_a_warning() -> None:
    r = req("Bearer  abc")
    assert extract_bearer_token(r) is None
    assert r.warnings == [INVALID_TOKEN_WITH_SPACE_WARNING]


def test_in_process_credential_travels_in_the_header() -> None:
    r = AuthRequest(credential=BearerToken("abc"))
    assert r.header("Authorization") == "Bearer abc"
    assert extract_bearer_token(r) == "abc"


@pytest.fixture
def bearer() -> BearerTokenAuthenticator:
    return BearerTokenAuthenticator(
        TokenFileAuthenticator.from_entries([("s3cret", "alice", "1", "dev")]))


def test_known_token_authenticates_and_header_is_removed(
    bearer: BearerTokenAuthenticator,
) -> None:
    r = req("Bearer s3cret")
    result = bearer.authenticate(r)
    assert result == AuthResult(UserInfo("alice", "1", ("dev",)), "tokenfile")
    assert r.header("Authorization") == ""


def test_unknown_token_is_invalid_bearer_token(bearer: BearerTokenAuthenticator) -> None:
    r = req("Bearer nope")
    with pytest.raises(AuthenticationError) as exc:
        bearer.authenticate(r)
    assert exc.value.reason == INVALID_BEARER_TOKEN == "invalid bearer token"
    assert r.header("Authorization") == "Bearer nope"  # kept on failure


def test_no_bearer_header_is_not_mine(bearer: BearerTokenAuthenticator) -> None:
    assert bearer.authenticate(req(None)) is None
    assert bearer.authenticate(req("Basic xyz")) is None


def test_token_authenticator_errors_propagate() -> None:
    class Failing:
        name = "failing"

        def authenticate_token(self, token: str, r: AuthRequest | None = None) -> AuthResult:
            raise AuthenticationError("service account token has expired", self.name)

    with pytest.raises(AuthenticationError, match="has expired"):
        BearerTokenAuthenticator(Failing()).authenticate(req("Bearer x"))


def test_audience_agnostic_wrapper() -> None:
    tokens = TokenFileAuthenticator.from_entries([("t", "bob")])
    wrapped = AudienceAgnosticToken(["https://kubernetes.default.svc.cluster.local", "api"],
                                    tokens)
    # no audiences in the context: asked as is
    assert wrapped.authenticate_token("t", AuthRequest()) is not None
    # audiences that meet the implicit ones: valid for the intersection
    r = AuthRequest(audiences=("api", "other"))
    result = wrapped.authenticate_token("t", r)
    assert result is not None and result.audiences == ("api",)
    # no common audience: not mine
    assert wrapped.authenticate_token("t", AuthRequest(audiences=("vault",))) is None
