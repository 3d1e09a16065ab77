"""The token authentication cache (``cached_token_authenticator.go``) on the virtual clock: hits,
misses and expiry, the key, what it records and replays, and the assembled API server's use of
it (kube-apiserver's defaults: successes for 10 s, failures not at all)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.assemble import APIServerConfig, new_api_server
from k8s_internals.api.authn.cache import (
    DEFAULT_TOKEN_FAILURE_CACHE_TTL,
    DEFAULT_TOKEN_SUCCESS_CACHE_TTL,
    CachedTokenAuthenticator,
)
from k8s_internals.api.authn.errors import AuthenticationError
from k8s_internals.api.authn.filter import authenticate_request
from k8s_internals.api.authn.request import (
    AuthAttempt,
    AuthRequest,
    AuthResult,
    BearerTokenAuthenticator,
)
from k8s_internals.api.authn.token_file import TokenEntry, TokenFileAuthenticator
from k8s_internals.api.authn.union import TokenUnion, new_authenticator
from k8s_internals.api.request import Request
from k8s_internals.api.server import APIServer
from k8s_internals.api.user import UserInfo
from k8s_internals.sim import Kernel


class Counting:
    """A token authenticator that counts its calls and answers from a table:
    token -> user name (ok), "!reason" (error) or absent (no opinion)."""

    name = "counting"

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.calls = 0

    def authenticate_token(self, token: str, req: AuthRequest | None = None) -> AuthResult | None:
        self.calls += 1
        answer = self.answers.get(token)
        if answer is None:
            return None
        if answer.startswith("!"):
            raise AuthenticationError(answer[1:], self.name)
        if req is not None:
            req.annotations["example.com/user"] = answer
            req.warnings.append(f"hello {answer}")
        return AuthResult(UserInfo(answer), self.name)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _ask(cache: CachedTokenAuthenticator, token: str,
         audiences: tuple[str, ...] | None = ("api",)) -> tuple[str, AuthRequest]:
    req = AuthRequest(audiences=audiences)
    try:
        result = cache.authenticate_token(token, req)
    except AuthenticationError as err:
        return f"error: {err.reason}", req
    return ("none" if result is None else result.user.name), req


def test_defaults_are_kube_apiservers() -> None:
    # pkg/kubeapiserver/options/authentication.go: NewBuiltInAuthenticationOptions
    assert (DEFAULT_TOKEN_SUCCESS_CACHE_TTL, DEFAULT_TOKEN_FAILURE_CACHE_TTL) == (10.0, 0.0)
    cfg = APIServerConfig()
    assert (cfg.token_success_cache_ttl, cfg.token_failure_cache_ttl) == (10.0, 0.0)


def test_hit_miss_and_expiry_on_virtual_time() -> None:
    clock = Clock()
    inner = Counting({"good": "alice"})
    cache = CachedTokenAuthenticator(inner, clock, 10.0, 0.0)
    assert _ask(cache, "good")[0] == "alice" and inner.calls == 1  # miss
    clock.now = 9.999
    assert _ask(cache, "good")[0] == "alice" and inner.calls == 1  # hit
    assert (cache.hits, cache.misses) == (1, 1)
    clock.now = 10.0  # the entry lived exactly its TTL
    assert _ask(cache, "good")[0] == "alice" and inner.calls == 2  # miss again
    assert len(cache) == 1
    clock.now = 19.0
    assert _ask(cache, "good")[0] == "alice" and inner.calls == 2


def test_a_cached_success_outlives_the_credential_for_up_to_the_ttl() -> None:
    """Upstream serves the record until its TTL ends, whatever happened to the token."""
    clock = Clock()
    inner = Counting({"good": "alice"})
    cache = CachedTokenAuthenticator(inner, clock, 10.0, 0.0)
    assert _ask(cache, "good")[0] == "alice"
    del inner.answers["good"]  # revoked
    clock.now = 5.0
    assert _ask(cache, "good")[0] == "alice"
    clock.now = 10.0
    assert _ask(cache, "good")[0] == "none"


@pytest.mark.parametrize(
    ("success_ttl", "failure_ttl", "token", "answer", "calls_for_three"),
    [
        (10.0, 0.0, "good", "alice", 1),
        (10.0, 0.0, "bad", "error: nope", 3),  # failures are not cached by default
        (10.0, 0.0, "unknown", "none", 3),
        (10.0, 5.0, "bad", "error: nope", 1),  # cacheErrs=true: errors use the failure TTL
        (10.0, 5.0, "unknown", "none", 1),
        (0.0, 5.0, "good", "alice", 3),  # a TTL of 0 caches nothing
        (0.0, 5.0, "unknown", "none", 1),
    ],
)
def test_what_is_cached(success_ttl: float, failure_ttl: float, token: str, answer: str,
                        calls_for_three: int) -> None:
    inner = Counting({"good": "alice", "bad": "!nope"})
    cache = CachedTokenAuthenticator(inner, Clock(), success_ttl, failure_ttl)
    assert [_ask(cache, token)[0] for _ in range(3)] == [answer] * 3
    assert inner.calls == calls_for_three


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (("tok", ("api",)), ("tok", ("api",)), True),
        (("tok", None), ("tok", ()), True),  # no audiences in the context: len 0 either way
        (("tok", ("api",)), ("tok", ("other",)), False),
        (("tok", ("a", "b")), ("tok", ("b", "a")), False),
        (("tok", ("ab", "c")), ("tok", ("a", "bc")), False),  # length-prefixed
        (("tok", ("api",)), ("tok2", ("api",)), False),
        (("", ("x",)), ("x", ()), False),
    ],
)
def test_key_is_a_hash_of_token_and_audiences(first: tuple[str, Any], second: tuple[str, Any],
                                              same: bool) -> None:
    cache = CachedTokenAuthenticator(Counting({}), Clock())
    k1, k2 = cache.key(first[1], first[0]), cache.key(second[1], second[0])
    assert (k1 == k2) is same
    assert len(k1) == 32  # a SHA-256 digest, not the token


def test_audiences_are_cached_apart() -> None:
    inner = Counting({"good": "alice"})
    cache = CachedTokenAuthenticator(inner, Clock())
    _ask(cache, "good", ("api",))
    _ask(cache, "good", ("vault",))
    _ask(cache, "good", ("api",))
    assert inner.calls == 2


def test_annotations_warnings_and_attempts_are_replayed_on_a_hit() -> None:
    inner = TokenUnion(Counting({"good": "alice"}))
    cache = CachedTokenAuthenticator(inner, Clock())
    bearer = BearerTokenAuthenticator(cache)
    reqs = []
    for _ in range(2):
        req = AuthRequest(headers={"Authorization": "Bearer good"}, audiences=("api",))
        assert req.attempt(bearer.name, bearer.authenticate, req) is not None
        reqs.append(req)
    miss, hit = reqs
    assert [str(a) for a in hit.attempts] == [str(a) for a in miss.attempts] == [
        "bearertoken -> authenticated: alice", "  counting -> authenticated: alice"]
    assert hit.attempts[1] is not miss.attempts[1]
    assert hit.annotations == miss.annotations == {"example.com/user": "alice"}
    assert hit.warnings == miss.warnings == ["hello alice"]
    assert cache.hits == 1


def test_a_cached_error_replays_its_attempts() -> None:
    cache = CachedTokenAuthenticator(TokenUnion(Counting({"bad": "!nope"})), Clock(), 10, 10)
    got = [_ask(cache, "bad") for _ in range(2)]
    assert [a for a, _ in got] == ["error: nope"] * 2
    assert [str(a) for a in got[1][1].attempts] == [str(a) for a in got[0][1].attempts] == [
        "counting -> error: nope"]
    # a failure brings no annotations (AuthenticateToken drops them)
    assert got[1][1].annotations == {}


def test_expired_entries_are_swept() -> None:
    clock = Clock()
    cache = CachedTokenAuthenticator(Counting({f"t{i}": "u" for i in range(3000)}), clock)
    for i in range(1000):
        _ask(cache, f"t{i}")
    clock.now = 11.0
    for i in range(1000, 1100):
        _ask(cache, f"t{i}")
    assert len(cache) <= 100 + 24  # the first thousand expired and went at the sweep


def test_new_authenticator_wraps_the_token_union_only_with_a_ttl() -> None:
    tokens = TokenFileAuthenticator.from_entries([TokenEntry("t", "alice", "", ())])
    plain = new_authenticator(token_file=tokens, anonymous=False)
    cached = new_authenticator(token_file=tokens, anonymous=False, token_success_cache_ttl=10,
                               clock=lambda: 0.0)

    def bearer(chain: Any) -> BearerTokenAuthenticator:
        (b,) = chain.authenticator.authenticators
        assert isinstance(b, BearerTokenAuthenticator)
        return b

    assert isinstance(bearer(plain).tokens, TokenUnion)
    assert isinstance(bearer(cached).tokens, CachedTokenAuthenticator)
    with pytest.raises(ValueError, match="clock"):
        new_authenticator(token_file=tokens, token_success_cache_ttl=10)


# -- the assembled API server -------------------------------------------------------------------


def _server(kernel: Kernel, **cfg: Any) -> APIServer:
    return new_api_server(kernel, "memory://", APIServerConfig(
        tokens=[TokenEntry("admin-token", "kubernetes-admin", "", ("system:masters",))], **cfg))


def _do(api: APIServer, token: str, **kw: Any) -> Any:
    req = Request(headers={"Authorization": f"Bearer {token}"}, **kw)
    return api.handle(req)


def _sa_token(api: APIServer, name: str, seconds: int = 3600) -> str:
    assert _do(api, "admin-token", verb="create", resource="serviceaccounts", namespace="default",
               body={"apiVersion": "v1", "kind": "ServiceAccount",
                     "metadata": {"name": name, "namespace": "default"}}).ok
    resp = _do(api, "admin-token", verb="create", resource="serviceaccounts",
               namespace="default", name=name, subresource="token",
               body={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                     "spec": {"expirationSeconds": seconds}})
    assert resp.ok, resp.body
    return str(resp.body["status"]["token"])


def _whoami(api: APIServer, token: str) -> tuple[int, Any]:
    resp = _do(api, token, verb="create", resource="selfsubjectreviews",
               group="authentication.k8s.io", version="v1",
               body={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
    step = api.tracer.get(resp.trace_id).step("authentication")  # type: ignore[union-attr]
    return resp.code, step


def _token_cache(api: APIServer) -> CachedTokenAuthenticator:
    chain: Any = api.authenticator
    (authenticated, _anonymous) = chain.authenticators
    (bearer,) = authenticated.authenticator.authenticators
    assert isinstance(bearer.tokens, CachedTokenAuthenticator)
    return bearer.tokens


def test_server_trace_step_is_the_same_on_a_hit() -> None:
    kernel = Kernel(0)
    api = _server(kernel)
    token = _sa_token(api, "robot")
    cache = _token_cache(api)
    hits = cache.hits
    code1, step1 = _whoami(api, token)
    code2, step2 = _whoami(api, token)
    assert (code1, code2) == (201, 201)
    assert cache.hits == hits + 1
    assert (step1.plugin, step1.outcome, step1.detail) == (step2.plugin, step2.outcome,
                                                           step2.detail)
    assert step1.detail["attempts"] == [
        "union: authenticated (system:serviceaccount:default:robot)",
        "bearertoken: authenticated (system:serviceaccount:default:robot)",
        "tokenfile: no-opinion",
        "serviceaccount: authenticated (system:serviceaccount:default:robot)"]
    # the same attempts as a server without the cache
    plain = _server(Kernel(0), token_success_cache_ttl=0)
    _, step3 = _whoami(plain, _sa_token(plain, "robot"))
    assert step3.detail == step1.detail


def test_server_deleted_service_account_token_lasts_the_success_ttl() -> None:
    """Upstream caches the complete result of a success for the TTL (kubernetes/kubernetes#50258,
    which turned the cache on for kube-apiserver), so a revoked token keeps working until the
    entry ends."""
    kernel = Kernel(0)
    api = _server(kernel)
    token = _sa_token(api, "robot")
    assert _whoami(api, token)[0] == 201
    assert _do(api, "admin-token", verb="delete", resource="serviceaccounts",
               namespace="default", name="robot").ok
    kernel.run_for(9.5)
    assert _whoami(api, token)[0] == 201  # served from the cache
    kernel.run_for(0.5)
    code, step = _whoami(api, token)
    assert code == 401
    assert step.detail["error"].endswith('serviceaccounts "robot" not found')
    # without the cache the revocation is immediate
    plain = _server(Kernel(0), token_success_cache_ttl=0)
    token = _sa_token(plain, "robot")
    assert _whoami(plain, token)[0] == 201
    _do(plain, "admin-token", verb="delete", resource="serviceaccounts", namespace="default",
        name="robot")
    assert _whoami(plain, token)[0] == 401


def test_server_token_expiring_inside_the_ttl_is_honoured_until_the_entry_ends() -> None:
    """The cache does not read the token's ``exp``: an entry made just before the token
    expired answers for its whole TTL (the service-account authenticator allows 60 s of leeway
    after ``exp``)."""
    kernel = Kernel(0)
    api = _server(kernel)
    token = _sa_token(api, "robot", seconds=600)
    kernel.run_for(600 + 60 - 2)
    assert _whoami(api, token)[0] == 201  # just inside the leeway: cached until +10 s
    kernel.run_for(5)
    assert _whoami(api, token)[0] == 201  # expired, but cached
    kernel.run_for(5)
    code, step = _whoami(api, token)
    assert code == 401 and "has expired" in step.detail["error"]


def test_server_failures_are_not_cached() -> None:
    api = _server(Kernel(0))
    cache = _token_cache(api)
    before = len(cache)
    for _ in range(3):
        assert _whoami(api, "not-a-token")[0] == 401
    assert len(cache) == before
    out = authenticate_request(api.authenticator, AuthRequest(  # type: ignore[arg-type]
        headers={"Authorization": "Bearer not-a-token"}), api.api_audiences)
    assert out.error == ("Unable to authenticate the request due to an error: "
                         "invalid bearer token")


def test_replayed_attempts_keep_their_depth() -> None:
    cache = CachedTokenAuthenticator(TokenUnion(Counting({"good": "alice"})), Clock())
    req = AuthRequest(audiences=("api",))
    req._depth = 3
    cache.authenticate_token("good", req)
    req2 = AuthRequest(audiences=("api",))
    req2._depth = 1
    cache.authenticate_token("good", req2)
    assert [(a.depth, a.authenticator) for a in req.attempts] == [(3, "counting")]
    assert req2.attempts == [AuthAttempt("counting", 1, "authenticated", "alice")]
