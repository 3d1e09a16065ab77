"""Unions, the authenticated-group adder, kube-apiserver's chain and the 401 filter."""

from __future__ import annotations

import pytest

from k8s_internals.api.authn.anonymous import AnonymousAuthenticator
from k8s_internals.api.authn.errors import AuthenticationError
from k8s_internals.api.authn.filter import audiences_are_acceptable, authenticate_request
from k8s_internals.api.authn.request import (
    AuthRequest,
    AuthResult,
    BearerToken,
    ClientCertificate,
)
from k8s_internals.api.authn.service_account import (
    ISSUER,
    ServiceAccountAuthenticator,
    TokenIssuer,
)
from k8s_internals.api.authn.token_file import TokenFileAuthenticator
from k8s_internals.api.authn.union import (
    AuthenticatedGroupAdder,
    TokenUnion,
    UnionAuthenticator,
    new_authenticator,
)
from k8s_internals.api.authn.x509 import X509Authenticator
from k8s_internals.api.user import UserInfo

UNAUTHORIZED = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "Unauthorized", "reason": "Unauthorized", "code": 401}


class Fixed:
    """An authenticator with a fixed answer."""

    def __init__(self, name: str, user: str | None = None, error: str | None = None) -> None:
        self.name, self.user, self.error = name, user, error
        self.calls = 0

    def authenticate(self, req: AuthRequest) -> AuthResult | None:
        self.calls += 1
        if self.error is not None:
            raise AuthenticationError(self.error, self.name)
        return AuthResult(UserInfo(self.user), self.name) if self.user else None


# -- union --------------------------------------------------------------------------------------


def test_first_success_wins() -> None:
    a, b, c = Fixed("a"), Fixed("b", "bob"), Fixed("c", "carol")
    result = UnionAuthenticator(a, b, c).authenticate(AuthRequest())
    assert result is not None and (result.user.name, result.authenticator) == ("bob", "b")
    assert (a.calls, b.calls, c.calls) == (1, 1, 0)


def test_an_error_does_not_stop_the_chain() -> None:
    union = UnionAuthenticator(Fixed("a", error="boom"), Fixed("b", "bob"))
    result = union.authenticate(AuthRequest())
    assert result is not None and result.user.name == "bob"


def test_nobody_knows_the_request() -> None:
    assert UnionAuthenticator(Fixed("a"), Fixed("b")).authenticate(AuthRequest()) is None


@pytest.mark.parametrize(
    ("errors", "message"),
    [
        (["invalid bearer token"], "invalid bearer token"),
        (["e1", "e2"], "[e1, e2]"),
        (["same", "same"], "same"),  # duplicates collapse
    ],
)
def test_errors_are_aggregated(errors: list[str], message: str) -> None:
    members = [Fixed(f"m{i}", error=e) for i, e in enumerate(errors)]
    with pytest.raises(AuthenticationError) as exc:
        UnionAuthenticator(*members, Fixed("last")).authenticate(AuthRequest())
    assert exc.value.reason == message


def test_nested_aggregates_flatten() -> None:
    inner = UnionAuthenticator(Fixed("a", error="e1"), Fixed("b", error="e2"))
    with pytest.raises(AuthenticationError) as exc:
        UnionAuthenticator(inner, Fixed("c", error="e3")).authenticate(AuthRequest())
    assert exc.value.reason == "[e1, e2, e3]"


def test_fail_on_error_short_circuits() -> None:
    later = Fixed("b", "bob")
    with pytest.raises(AuthenticationError, match="boom"):
        UnionAuthenticator(Fixed("a", error="boom"), later,
                           fail_on_error=True).authenticate(AuthRequest())
    assert later.calls == 0


def test_token_union_order() -> None:
    first = TokenFileAuthenticator.from_entries([("t", "first")])
    second = TokenFileAuthenticator.from_entries([("t", "second"), ("u", "uma")])
    union = TokenUnion(first, second)
    assert union.authenticate_token("t").user.name == "first"  # type: ignore[union-attr]
    assert union.authenticate_token("u").user.name == "uma"  # type: ignore[union-attr]
    assert union.authenticate_token("v") is None


# -- authenticated group ------------------------------------------------------------------------


def test_group_adder() -> None:
    adder = AuthenticatedGroupAdder(Fixed("a", "alice"))
    result = adder.authenticate(AuthRequest())
    assert result is not None and result.user.groups == ("system:authenticated",)
    assert adder.name == "a"


@pytest.mark.parametrize(
    "user",
    [
        UserInfo("system:anonymous", groups=("system:unauthenticated",)),
        UserInfo("system:anonymous"),
        UserInfo("bob", groups=("system:authenticated", "dev")),
        UserInfo("eve", groups=("system:unauthenticated",)),
    ],
)
def test_group_adder_leaves_some_users_alone(user: UserInfo) -> None:
    class Returns:
        name = "r"

        def authenticate(self, req: AuthRequest) -> AuthResult:
            return AuthResult(user, self.name)

    result = AuthenticatedGroupAdder(Returns()).authenticate(AuthRequest())
    assert result is not None and result.user.groups == user.groups


def test_group_adder_keeps_uid_and_extra() -> None:
    user = UserInfo("u", "1", ("g",), {"k": ("v",)})

    class Returns:
        name = "r"

        def authenticate(self, req: AuthRequest) -> AuthResult:
            return AuthResult(user, self.name, ("aud",))

    result = AuthenticatedGroupAdder(Returns()).authenticate(AuthRequest())
    assert result == AuthResult(UserInfo("u", "1", ("g", "system:authenticated")), "r", ("aud",))
    assert result.user.extra == {"k": ("v",)}


# -- kube-apiserver's chain ---------------------------------------------------------------------

TOKENS = TokenFileAuthenticator.from_entries([("admin-token", "admin", "1", "system:masters")])


def chain(anonymous: bool = True, **kw: object) -> UnionAuthenticator:
    auth = new_authenticator(x509=X509Authenticator(), token_file=TOKENS, anonymous=anonymous,
                             **kw)  # type: ignore[arg-type]
    assert auth is not None
    return auth  # type: ignore[return-value]


def test_client_certificate() -> None:
    r = AuthRequest(credential=ClientCertificate("kubernetes-admin", ("kubeadm:cluster-admins",)))
    out = authenticate_request(chain(), r)
    assert out.ok and out.authenticator == "x509"
    assert out.user == UserInfo("kubernetes-admin",
                                groups=("kubeadm:cluster-admins", "system:authenticated"))


def test_token_file_user_gets_authenticated_group() -> None:
    out = authenticate_request(chain(), AuthRequest(credential=BearerToken("admin-token")))
    assert out.ok and out.authenticator == "tokenfile"
    assert out.user == UserInfo("admin", "1", ("system:masters", "system:authenticated"))


def test_anonymous_fallback() -> None:
    out = authenticate_request(chain(), AuthRequest(path="/version"))
    assert out.ok and out.authenticator == "anonymous"
    assert out.user == UserInfo("system:anonymous", groups=("system:unauthenticated",))
    assert out.status is None


def test_bad_token_is_401_not_anonymous() -> None:
    r = AuthRequest(headers={"Authorization": "Bearer wrong"})
    out = authenticate_request(chain(), r)
    assert not out.ok and out.user is None
    assert out.error == "Unable to authenticate the request due to an error: invalid bearer token"
    assert out.status == UNAUTHORIZED
    assert out.status_error().code == 401


def test_anonymous_disabled() -> None:
    out = authenticate_request(chain(anonymous=False), AuthRequest())
    assert not out.ok and out.error == "" and out.status == UNAUTHORIZED
    assert new_authenticator(anonymous=False) is None
    only_anon = new_authenticator()
    assert isinstance(only_anon, AnonymousAuthenticator)


def test_anonymous_limited_to_paths() -> None:
    auth = chain(anonymous_paths=["/healthz", "/readyz", "/livez"])
    assert authenticate_request(auth, AuthRequest(path="/healthz")).ok
    assert not authenticate_request(auth, AuthRequest(path="/api/v1/pods")).ok


def test_attempts_are_traced() -> None:
    out = authenticate_request(chain(), AuthRequest(credential=BearerToken("admin-token")))
    assert [str(a) for a in out.attempts] == [
        "union -> authenticated: admin",
        "  x509 -> no-opinion",
        "  bearertoken -> authenticated: admin",
        "    tokenfile -> authenticated: admin",
    ]
    out = authenticate_request(chain(), AuthRequest(headers={"Authorization": "Bearer bad"}))
    assert [str(a) for a in out.attempts] == [
        "union -> error: invalid bearer token",
        "  x509 -> no-opinion",
        "  bearertoken -> error: invalid bearer token",
        "    tokenfile -> no-opinion",
    ]


def test_authorization_header_is_dropped_after_success() -> None:
    r = AuthRequest(headers={"Authorization": "Bearer admin-token", "Accept": "json"})
    assert authenticate_request(chain(), r).ok
    assert r.headers == {"Accept": "json"}


def test_service_account_token_through_the_chain(
    issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator
) -> None:
    auth = new_authenticator(x509=X509Authenticator(), token_file=TOKENS,
                             service_accounts=sa_auth, api_audiences=[ISSUER])
    assert auth is not None
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    out = authenticate_request(auth, AuthRequest(credential=BearerToken(token)),
                               api_audiences=[ISSUER])
    assert out.ok and out.authenticator == "serviceaccount"
    assert out.user is not None and out.user.groups == (
        "system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated")
    # the token file is audience-agnostic: still works for the API audience
    out = authenticate_request(auth, AuthRequest(credential=BearerToken("admin-token")),
                               api_audiences=[ISSUER])
    assert out.ok and out.result is not None and out.result.audiences == (ISSUER,)
    # an expired-audience token never becomes anonymous
    vault = issuer.issue_token("default", "default", "sa-uid-1", ["vault"], 3600)
    out = authenticate_request(auth, AuthRequest(credential=BearerToken(vault)),
                               api_audiences=[ISSUER])
    assert not out.ok and "is invalid for the target audiences" in out.error


def test_audience_check_of_the_filter() -> None:
    class Aud:
        name = "aud"

        def authenticate(self, req: AuthRequest) -> AuthResult:
            return AuthResult(UserInfo("u"), self.name, ("vault",))

    out = authenticate_request(Aud(), AuthRequest(), api_audiences=["api", "k8s"])
    assert not out.ok
    assert out.error == "unable to match the audience: [vault] , accepted: [api k8s]"
    assert audiences_are_acceptable([], ["x"]) and audiences_are_acceptable(["x"], [])
    assert audiences_are_acceptable(["x", "y"], ["y"])
