"""The per-request chain's shortcuts (request-info → authentication → authorization) change
nothing anyone sees: a request answered from the token cache gets the same trace steps as the
one that filled it, the cache key is still the HMAC-SHA256 upstream's ``keyFunc`` computes,
shared immutable objects (the group adder's copy of a cached result, the built-in authorizers'
decisions) read the same as fresh ones, and the hand-written ``Attributes.__init__`` is the
dataclass's."""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Iterator
from typing import Any

import pytest

from k8s_internals.api.assemble import APIServerConfig, new_api_server
from k8s_internals.api.authn.cache import CachedTokenAuthenticator
from k8s_internals.api.authn.request import AuthRequest, AuthResult
from k8s_internals.api.authn.token_file import TokenEntry
from k8s_internals.api.authn.union import AuthenticatedGroupAdder
from k8s_internals.api.authz.attributes import Attributes, Decision, Verdict
from k8s_internals.api.authz.builtin import PrivilegedGroupsAuthorizer
from k8s_internals.api.authz.union import UnionAuthorizer
from k8s_internals.api.request import Request
from k8s_internals.api.server import APIServer
from k8s_internals.api.user import UserInfo
from k8s_internals.sim import Kernel
from k8s_internals.store import open_store

ADMIN = ["union: authenticated (kubernetes-admin)", "bearertoken: authenticated (kubernetes-admin)",
         "tokenfile: authenticated (kubernetes-admin)"]


@pytest.fixture
def server() -> Iterator[APIServer]:
    kernel = Kernel(0)
    store = open_store("memory://", kernel=kernel)
    api = new_api_server(kernel, store, APIServerConfig(tokens=[
        TokenEntry("admin-token", "kubernetes-admin", "", ("system:masters",)),
        TokenEntry("scheduler-token", "system:kube-scheduler", "", ()),
        TokenEntry("bob-token", "bob", "bob-uid", ("system:authenticated", "devs"))]))
    admin = {"Authorization": "Bearer admin-token"}
    for verb, resource, body in [
            ("create", "namespaces", {"metadata": {"name": "ns"}}),
            ("create", "serviceaccounts", {"metadata": {"name": "default", "namespace": "ns"}}),
            ("create", "pods", {"metadata": {"name": "p", "namespace": "ns"},
                                "spec": {"containers": [{"name": "c", "image": "x"}]}})]:
        kind = {"namespaces": "Namespace", "serviceaccounts": "ServiceAccount"}.get(
            resource, "Pod")
        resp = api.handle(Request(verb=verb, resource=resource, headers=dict(admin),
                                  namespace="" if resource == "namespaces" else "ns",
                                  body={"apiVersion": "v1", "kind": kind, **body}))
        assert resp.ok, resp.body
    yield api
    api.close()


def _token_cache(api: APIServer) -> CachedTokenAuthenticator:
    """The token cache inside the assembled authenticator chain."""
    todo: list[Any] = [api.authenticator]
    while todo:
        a = todo.pop()
        if isinstance(a, CachedTokenAuthenticator):
            return a
        todo.extend(getattr(a, "authenticators", ()))
        todo.extend(x for x in (getattr(a, "authenticator", None), getattr(a, "tokens", None))
                    if x is not None)
    raise AssertionError("no token cache")


def _steps(api: APIServer, headers: dict[str, str], **kw: Any) -> tuple[int, list[Any]]:
    resp = api.handle(Request(verb=kw.pop("verb", "get"), resource=kw.pop("resource", "pods"),
                              namespace="ns", headers=headers, **kw))
    trace = api.tracer.get(resp.trace_id)
    assert trace is not None
    return resp.code, [(s.step, s.plugin, s.outcome, s.detail) for s in trace.steps]


@pytest.mark.parametrize(("headers", "code", "user", "attempts", "cached"), [
    ({"Authorization": "Bearer admin-token"}, 200, "kubernetes-admin", ADMIN, True),
    ({"authorization": "bearer admin-token"}, 200, "kubernetes-admin", ADMIN, True),
    ({"Authorization": "Bearer scheduler-token"}, 200, "system:kube-scheduler",
     ["union: authenticated (system:kube-scheduler)",
      "bearertoken: authenticated (system:kube-scheduler)",
      "tokenfile: authenticated (system:kube-scheduler)"], True),
    ({"Authorization": "Bearer bob-token"}, 403, "bob",
     ["union: authenticated (bob)", "bearertoken: authenticated (bob)",
      "tokenfile: authenticated (bob)"], True),
    ({"Authorization": "Bearer nope"}, 401, None,
     ["union: error (invalid bearer token)", "bearertoken: error (invalid bearer token)",
      "tokenfile: no-opinion", "serviceaccount: no-opinion"], False),
    ({"Authorization": "Bearer  admin-token"}, 403, "system:anonymous",
     ["union: no-opinion", "bearertoken: no-opinion",
      "anonymous: authenticated (system:anonymous)"], False),
    ({}, 403, "system:anonymous",
     ["union: no-opinion", "bearertoken: no-opinion",
      "anonymous: authenticated (system:anonymous)"], False),
])
def test_a_cache_hit_and_a_miss_give_the_same_trace_steps(
        server: APIServer, headers: dict[str, str], code: int, user: str | None,
        attempts: list[str], cached: bool) -> None:
    cache = _token_cache(server)
    server.kernel.run_for(11)  # the set-up's answers expire
    hits = cache.hits
    miss = _steps(server, dict(headers), name="p")
    assert cache.hits == hits
    hit = _steps(server, dict(headers), name="p")
    assert (cache.hits - hits == 1) is cached
    assert hit == miss
    assert miss[0] == code
    authn = next(s for s in miss[1] if s[0] == "authentication")
    assert authn[3]["attempts"] == attempts
    if user is None:
        assert authn[2].value == "rejected"
        assert "user" not in authn[3]
    else:
        assert authn[3]["user"]["username"] == user
    # after the success TTL the answer is computed again, and still reads the same
    server.kernel.run_for(11)
    hits = cache.hits
    assert _steps(server, dict(headers), name="p") == miss
    assert cache.hits == hits


def test_the_group_is_added_as_before(server: APIServer) -> None:
    _, steps = _steps(server, {"Authorization": "Bearer scheduler-token"}, name="p")
    user = next(s for s in steps if s[0] == "authentication")[3]["user"]
    assert user == {"username": "system:kube-scheduler", "groups": ["system:authenticated"]}
    _, steps = _steps(server, {"Authorization": "Bearer bob-token"}, name="p")
    user = next(s for s in steps if s[0] == "authentication")[3]["user"]
    assert user["groups"] == ["system:authenticated", "devs"]  # already there: not added


class _Fixed:
    """A request authenticator answering the same result object every time (as the token
    cache does on a hit)."""

    name = "fixed"

    def __init__(self, result: AuthResult | None) -> None:
        self.result = result

    def authenticate(self, req: AuthRequest) -> AuthResult | None:
        return self.result


@pytest.mark.parametrize(("user", "groups", "copied"), [
    (UserInfo("alice", "u1", ("devs",), {"k": ("v",)}), ("devs", "system:authenticated"), True),
    (UserInfo("bob", "", ("system:authenticated",)), ("system:authenticated",), False),
    (UserInfo("carol", "", ("system:unauthenticated",)), ("system:unauthenticated",), False),
    (UserInfo("system:anonymous", "", ()), (), False),
])
def test_group_adder_shares_its_copy_of_a_repeated_result(
        user: UserInfo, groups: tuple[str, ...], copied: bool) -> None:
    result = AuthResult(user, "fixed", ("api",))
    adder = AuthenticatedGroupAdder(_Fixed(result))
    first, second = adder.authenticate(AuthRequest()), adder.authenticate(AuthRequest())
    assert first is second
    assert first is not None and first.user.groups == groups
    assert (first is not result) is copied
    assert (first.user.name, first.user.uid, first.user.extra, first.authenticator,
            first.audiences) == (user.name, user.uid, user.extra, "fixed", ("api",))
    other = AuthResult(UserInfo(user.name, user.uid, user.groups), "fixed")
    adder.authenticator = _Fixed(other)  # an equal but new result gets its own copy
    third = adder.authenticate(AuthRequest())
    assert third is not None and third is not first and third.user.name == user.name
    assert AuthenticatedGroupAdder(_Fixed(None)).authenticate(AuthRequest()) is None


def _reference_key(key: bytes, audiences: Any, token: str) -> bytes:
    """``keyFunc`` as cache.py first wrote it."""
    def prefixed(s: str) -> bytes:
        b = s.encode()
        return len(b).to_bytes(4, "big") + b

    auds = audiences or ()
    msg = b"".join((prefixed(token), len(auds).to_bytes(4, "big"), *(prefixed(a) for a in auds)))
    return hmac.digest(key, msg, "sha256")


@pytest.mark.parametrize(("audiences", "token"), [
    (None, "tok"), ((), "tok"), (("api",), "tok"), (["api"], "tok"), (("a", "b"), ""),
    (("https://kubernetes.default.svc.cluster.local",), "scheduler-token"),
    (("é",), "ünïcode-token"), (("ab", "c"), "x" * 300),
])
def test_cache_key_is_the_hmac_of_token_and_audiences(audiences: Any, token: str) -> None:
    cache = CachedTokenAuthenticator(_Fixed(None), lambda: 0.0)  # type: ignore[arg-type]
    want = _reference_key(cache._hmac_key, audiences, token)
    assert cache.key(audiences, token) == want
    assert cache.key(audiences, token) == want  # again, with the audiences' tail remembered


@pytest.mark.parametrize(("args", "kwargs"), [
    ((UserInfo("a"), "get"), {}),
    ((UserInfo("a"), "get", True, "ns", "apps", "v1", "deployments", "scale", "d", ""), {}),
    ((), {"user": UserInfo("a"), "verb": "get", "resource_request": False, "path": "/healthz"}),
])
def test_authorization_attributes_are_the_dataclass(args: tuple[Any, ...],
                                                    kwargs: dict[str, Any]) -> None:
    names = [f.name for f in dataclasses.fields(Attributes)]
    a = Attributes(*args, **kwargs)
    values = {**{f.name: f.default for f in dataclasses.fields(Attributes)},
              **dict(zip(names, args, strict=False)), **kwargs}
    assert {n: getattr(a, n) for n in names} == values
    assert a == Attributes(**values) and hash(a) == hash(Attributes(**values))
    assert list(vars(a)) == names
    assert dataclasses.replace(a, name="z").name == "z"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.verb = "list"  # type: ignore[misc]
    assert repr(a).startswith("Attributes(user=UserInfo(name='a'")


def test_privileged_groups_decisions() -> None:
    authz = PrivilegedGroupsAuthorizer(("system:masters", "admins"))
    admin = Attributes(UserInfo("a", groups=("x", "admins", "system:masters")), "get")
    first = authz.authorize(admin)
    assert first == Decision(Verdict.ALLOW, matched="privileged group admins")
    assert authz.authorize(admin) is first  # made once
    nobody = Attributes(UserInfo("b", groups=("x",)), "get")
    assert authz.authorize(nobody) == Decision(Verdict.NO_OPINION)
    authz.groups = ("x",)
    assert authz.authorize(nobody) == Decision(Verdict.ALLOW, matched="privileged group x")
    assert authz.authorize(admin) == Decision(Verdict.ALLOW, matched="privileged group x")


class _Says:
    def __init__(self, name: str, decision: Decision) -> None:
        self.name = name
        self.decision = decision

    def authorize(self, attrs: Attributes) -> Decision:
        return self.decision


@pytest.mark.parametrize(("decisions", "want"), [
    ([Decision(Verdict.NO_OPINION, "a"), Decision(Verdict.NO_OPINION),
      Decision(Verdict.NO_OPINION, "c")], Decision(Verdict.NO_OPINION, "a\nc")),
    ([Decision(Verdict.NO_OPINION, "a"), Decision(Verdict.DENY, "no"),
      Decision(Verdict.ALLOW, "yes")], Decision(Verdict.DENY, "no", authorizer="z1")),
    ([Decision(Verdict.NO_OPINION), Decision(Verdict.ALLOW, "yes", "m")],
     Decision(Verdict.ALLOW, "yes", "m", authorizer="z1")),
    ([Decision(Verdict.ALLOW, authorizer="named")], Decision(Verdict.ALLOW, authorizer="named")),
    ([], Decision(Verdict.NO_OPINION)),
])
def test_union_authorizer(decisions: list[Decision], want: Decision) -> None:
    union = UnionAuthorizer(_Says(f"z{i}", d) for i, d in enumerate(decisions))
    attrs = Attributes(UserInfo("u"), "get")
    assert union.authorize(attrs) == want
    assert union.authorize(attrs) == want


@pytest.mark.parametrize(("headers", "name", "left"), [
    ({"Authorization": "x", "User-Agent": "u"}, "Authorization", {"User-Agent": "u"}),
    ({"authorization": "x", "AUTHORIZATION": "y", "b": "z"}, "Authorization", {"b": "z"}),
    ({"User-Agent": "u"}, "Authorization", {"User-Agent": "u"}),
    ({}, "Authorization", {}),
])
def test_delete_header(headers: dict[str, str], name: str, left: dict[str, str]) -> None:
    req = AuthRequest(headers=headers)
    req.delete_header(name)
    assert req.headers == left
    assert req.header(name) == ""
