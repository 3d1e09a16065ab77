"""Service-account JWTs: issue → verify, the validator's checks on virtual time, determinism."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from k8s_internals.api.authn.errors import AuthenticationError
from k8s_internals.api.authn.request import AuthRequest, BearerTokenAuthenticator
from k8s_internals.api.authn.service_account import (
    ISSUER,
    IssuedToken,
    ObjectRef,
    ServiceAccountAuthenticator,
    SigningKey,
    TokenIssuer,
    decode_token,
    derive_rsa_private_key,
    make_username,
    service_account_user_info,
    split_username,
)
from k8s_internals.api.user import UserInfo
from k8s_internals.sim import Kernel

from .conftest import Objects

T0 = 1735689600  # the kernel's epoch, 2025-01-01T00:00:00Z


def reject(auth: ServiceAccountAuthenticator, token: str, r: AuthRequest | None = None) -> str:
    with pytest.raises(AuthenticationError) as exc:
        auth.authenticate_token(token, r)
    assert exc.value.authenticator == "serviceaccount"
    return exc.value.reason


# -- issue → verify -------------------------------------------------------------------------------


def test_roundtrip(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    result = sa_auth.authenticate_token(token)
    assert result is not None
    assert result.authenticator == "serviceaccount"
    assert result.audiences == (ISSUER,)
    assert result.user == UserInfo(
        "system:serviceaccount:default:default", "sa-uid-1",
        ("system:serviceaccounts", "system:serviceaccounts:default"))
    assert result.user.extra == {}


def test_token_layout(issuer: TokenIssuer, sa_key: SigningKey) -> None:
    issued = issuer.issue("default", "default", "sa-uid-1", [ISSUER], 3600,
                          pod=ObjectRef("web-0", "pod-uid-1"), node=ObjectRef("node-1", "n-1"))
    header_b64, payload_b64, sig_b64 = issued.token.split(".")
    assert "=" not in issued.token
    assert base64.urlsafe_b64decode(header_b64 + "==") == (
        b'{"alg":"RS256","kid":"' + sa_key.key_id.encode() + b'"}')
    payload = base64.urlsafe_b64decode(payload_b64 + "==").decode()
    # what kube-apiserver prints: compact, keys sorted at every level, aud a list
    assert payload == (
        '{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":1735693200,'
        '"iat":1735689600,"iss":"https://kubernetes.default.svc.cluster.local",'
        '"kubernetes.io":{"namespace":"default","node":{"name":"node-1","uid":"n-1"},'
        '"pod":{"name":"web-0","uid":"pod-uid-1"},'
        '"serviceaccount":{"name":"default","uid":"sa-uid-1"}},'
        '"nbf":1735689600,"sub":"system:serviceaccount:default:default"}')
    assert len(base64.urlsafe_b64decode(sig_b64 + "==")) == 256  # RSA-2048
    header, claims = decode_token(issued.token)
    assert claims == json.loads(payload) == issued.claims
    assert header["kid"] == sa_key.key_id
    assert issued.status() == {"token": issued.token,
                               "expirationTimestamp": "2025-01-01T01:00:00Z"}


def test_pod_bound_token_carries_pod_and_node_extras(
    issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator
) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600,
                               ObjectRef("web-0", "pod-uid-1"), node=ObjectRef("node-1", "n-1"))
    result = sa_auth.authenticate_token(token)
    assert result is not None
    assert result.user.extra == {
        "authentication.kubernetes.io/pod-name": ("web-0",),
        "authentication.kubernetes.io/pod-uid": ("pod-uid-1",),
        "authentication.kubernetes.io/node-name": ("node-1",),
        "authentication.kubernetes.io/node-uid": ("n-1",),
    }


def test_jti_gives_a_credential_id(sa_key: SigningKey, kernel: Kernel,
                                   sa_auth: ServiceAccountAuthenticator) -> None:
    ids = iter(["6a1e0cbd-0000-4000-8000-000000000001"])
    issuer = TokenIssuer(sa_key, clock=kernel.datetime, new_jti=lambda: next(ids))
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    assert decode_token(token)[1]["jti"] == "6a1e0cbd-0000-4000-8000-000000000001"
    result = sa_auth.authenticate_token(token)
    assert result is not None
    assert result.user.extra == {
        "authentication.kubernetes.io/credential-id": ("JTI=6a1e0cbd-0000-4000-8000-000000000001",)}


def test_through_the_bearer_authenticator(issuer: TokenIssuer,
                                          sa_auth: ServiceAccountAuthenticator) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    r = AuthRequest(headers={"Authorization": f"Bearer {token}"})
    result = BearerTokenAuthenticator(sa_auth).authenticate(r)
    assert result is not None and result.user.name == "system:serviceaccount:default:default"


# -- time, on the virtual clock -------------------------------------------------------------------


def test_expiry_with_one_minute_leeway(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator,
                                       kernel: Kernel) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 600)
    kernel.run_for(600 + 60)  # exp + leeway: still accepted
    assert sa_auth.authenticate_token(token) is not None
    kernel.run_for(1)
    assert reject(sa_auth, token) == "service account token has expired"


def test_not_valid_yet_and_issued_in_the_future(
    sa_key: SigningKey, objects: Objects
) -> None:
    later, now = Kernel(), Kernel()
    later.run_for(3600)
    token = TokenIssuer(sa_key, clock=later.datetime).issue_token(
        "default", "default", "sa-uid-1", [ISSUER], 7200)
    auth = ServiceAccountAuthenticator([sa_key], getter=objects, clock=now.datetime)
    assert reject(auth, token) == "service account token is not valid yet"
    now.run_for(3600 - 60)  # within the leeway of nbf
    assert auth.authenticate_token(token) is not None


# -- issuer, audience, signature ------------------------------------------------------------------


def test_other_issuer_is_not_mine(sa_key: SigningKey, kernel: Kernel,
                                  sa_auth: ServiceAccountAuthenticator) -> None:
    other = TokenIssuer(sa_key, clock=kernel.datetime, issuer="https://oidc.example.com")
    token = other.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    assert sa_auth.authenticate_token(token) is None  # left to other token authenticators
    r = AuthRequest(headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(AuthenticationError, match=r"^invalid bearer token$"):
        BearerTokenAuthenticator(sa_auth).authenticate(r)


def test_several_issuers(sa_key: SigningKey, kernel: Kernel, objects: Objects) -> None:
    other = TokenIssuer(sa_key, clock=kernel.datetime, issuer="https://kubernetes.default.svc")
    auth = ServiceAccountAuthenticator(
        [sa_key], getter=objects, clock=kernel.datetime,
        issuers=["https://kubernetes.default.svc", ISSUER])
    token = other.issue_token("default", "default", "sa-uid-1",
                              ["https://kubernetes.default.svc"], 3600)
    result = auth.authenticate_token(token)
    assert result is not None and result.audiences == ("https://kubernetes.default.svc",)


def test_wrong_audience(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", ["vault"], 3600)
    assert reject(sa_auth, token) == (
        'token audiences ["vault"] is invalid for the target audiences '
        '["https://kubernetes.default.svc.cluster.local"]')
    # a server (or TokenReview) asking for that audience accepts it
    result = sa_auth.authenticate_token(token, AuthRequest(audiences=("vault", "x")))
    assert result is not None and result.audiences == ("vault",)


def test_legacy_token_without_audience(issuer: TokenIssuer,
                                       sa_auth: ServiceAccountAuthenticator) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [], 3600)
    assert "aud" not in decode_token(token)[1]
    r = AuthRequest()
    result = sa_auth.authenticate_token(token, r)
    assert result is not None and result.audiences == (ISSUER,)
    assert r.annotations == {
        "authentication.k8s.io/legacy-token": "system:serviceaccount:default:default"}


def test_tampered_token(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    header, _payload, sig = token.split(".")
    claims = decode_token(token)[1]
    claims["sub"] = "system:serviceaccount:kube-system:admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert reject(sa_auth, f"{header}.{forged}.{sig}") == (
        "go-jose/go-jose: error in cryptographic primitive")


def test_unknown_signing_key(kernel: Kernel, issuer: TokenIssuer, objects: Objects) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    other = SigningKey.from_seed("another", bits=1024)
    auth = ServiceAccountAuthenticator([other], getter=objects, clock=kernel.datetime)
    assert reject(auth, token) == "invalid signature, no keys found"  # no key with that kid


def test_several_keys_allow_rotation(sa_key: SigningKey, kernel: Kernel, issuer: TokenIssuer,
                                     objects: Objects) -> None:
    old = SigningKey.from_seed("old", bits=1024)
    auth = ServiceAccountAuthenticator([old, sa_key.public_key], getter=objects,
                                       clock=kernel.datetime)
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    assert auth.authenticate_token(token) is not None


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c", "{\"iss\":1}", "x.e30.y"])
def test_not_a_token_of_ours(sa_auth: ServiceAccountAuthenticator, token: str) -> None:
    assert sa_auth.authenticate_token(token) is None


# -- bound objects ------------------------------------------------------------------------------


def test_service_account_deleted(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator,
                                 objects: Objects) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    objects.delete("serviceaccounts", "default", "default")
    assert reject(sa_auth, token) == 'serviceaccounts "default" not found'


def test_service_account_recreated_with_a_new_uid(
    issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator, objects: Objects
) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    objects.put("serviceaccounts", "default", "default", "sa-uid-2")
    assert reject(sa_auth, token) == (
        "service account UID (sa-uid-2) does not match claim (sa-uid-1)")


def test_service_account_being_deleted(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator,
                                       objects: Objects, kernel: Kernel) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    objects.put("serviceaccounts", "default", "default", "sa-uid-1",
                deletion_timestamp=kernel.timestamp())
    kernel.run_for(60)  # deleted, but not before now - leeway
    assert sa_auth.authenticate_token(token) is not None
    kernel.run_for(1)
    assert reject(sa_auth, token) == "service account default/default has been deleted"


def test_bound_pod(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator,
                   objects: Objects) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600,
                               pod=ObjectRef("web-0", "pod-uid-1"))
    assert sa_auth.authenticate_token(token) is not None
    objects.put("pods", "default", "web-0", "pod-uid-2")
    assert reject(sa_auth, token) == (
        "pod UID (pod-uid-2) does not match service account pod ref claim (pod-uid-1)")
    objects.delete("pods", "default", "web-0")
    assert reject(sa_auth, token) == "service account token has been invalidated"


def test_bound_secret(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator,
                      objects: Objects) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600,
                               secret=ObjectRef("tok", "secret-uid-1"))
    assert decode_token(token)[1]["kubernetes.io"]["secret"] == {"name": "tok",
                                                                "uid": "secret-uid-1"}
    assert sa_auth.authenticate_token(token) is not None
    objects.put("secrets", "default", "tok", "secret-uid-9")
    assert reject(sa_auth, token) == (
        "secret UID (secret-uid-9) does not match service account secret ref claim "
        "(secret-uid-1)")
    objects.delete("secrets", "default", "tok")
    assert reject(sa_auth, token) == "service account token has been invalidated"


def test_bound_node(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator,
                    objects: Objects) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600,
                               node=ObjectRef("node-1", "node-uid-1"))
    result = sa_auth.authenticate_token(token)
    assert result is not None
    assert result.user.extra["authentication.kubernetes.io/node-name"] == ("node-1",)
    objects.delete("nodes", "", "node-1")
    assert reject(sa_auth, token) == "service account token has been invalidated"


def test_only_one_binding_object(issuer: TokenIssuer) -> None:
    with pytest.raises(ValueError, match="only be bound to one object type"):
        issuer.issue("default", "default", "u", [ISSUER], pod=ObjectRef("p"),
                     secret=ObjectRef("s"))


def test_warnafter_marks_stale_tokens(issuer: TokenIssuer, sa_auth: ServiceAccountAuthenticator,
                                      kernel: Kernel) -> None:
    token = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 365 * 24 * 3600,
                               ObjectRef("web-0", "pod-uid-1"), warn_after_seconds=3607)
    assert decode_token(token)[1]["kubernetes.io"]["warnafter"] == T0 + 3607
    kernel.run_for(4000)
    r = AuthRequest()
    assert sa_auth.authenticate_token(token, r) is not None
    assert r.annotations == {"authentication.k8s.io/stale-token":
                             "subject: system:serviceaccount:default:default, "
                             "seconds after warning threshold: 393"}


# -- keys and determinism -----------------------------------------------------------------------


def test_seeded_key_is_rsa_2048_and_stable(sa_key: SigningKey) -> None:
    assert sa_key.bits == 2048
    assert sa_key.public_key.public_numbers().e == 65537
    assert SigningKey.from_seed(0) is sa_key  # cached per seed
    # pinned: the same seed gives the same key on every machine and run
    assert sa_key.key_id == "X3t-uWEAwlk2oCnHChXMkcp4UAa8EEdS3xSXx4CfXcU"


def test_same_seed_gives_byte_identical_tokens() -> None:
    def mint(seed: int) -> str:
        derive_rsa_private_key.cache_clear()
        key = SigningKey(derive_rsa_private_key(seed, 1024))
        return TokenIssuer(key, clock=Kernel(seed=7).datetime).issue_token(
            "default", "builder", "uid-1", [ISSUER], 3600, ObjectRef("p", "pu"))

    first, second, other = mint(3), mint(3), mint(4)
    assert first == second
    assert other != first


def test_same_clock_and_key_give_the_same_token(issuer: TokenIssuer) -> None:
    a = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    b = issuer.issue_token("default", "default", "sa-uid-1", [ISSUER], 3600)
    assert a == b  # RS256 signatures are deterministic


def test_derived_key_is_a_valid_rsa_key() -> None:
    key = derive_rsa_private_key("check", 1024)
    numbers = key.private_numbers()
    assert numbers.p * numbers.q == numbers.public_numbers.n
    assert numbers.public_numbers.n.bit_length() == 1024
    with pytest.raises(ValueError):
        derive_rsa_private_key(0, 1000 + 1)


def test_random_key_and_pem_roundtrip(kernel: Kernel, objects: Objects) -> None:
    key = SigningKey.generate(2048)
    assert isinstance(key.private_key, rsa.RSAPrivateKey)
    again = SigningKey.from_pem(key.private_key_pem())
    assert again.key_id == key.key_id
    assert key.public_key_pem().startswith(b"-----BEGIN PUBLIC KEY-----")
    token = TokenIssuer(key, clock=kernel.datetime).issue_token(
        "default", "default", "sa-uid-1", [ISSUER], 3600)
    auth = ServiceAccountAuthenticator([again], getter=objects, clock=kernel.datetime)
    assert auth.authenticate_token(token) is not None


# -- names --------------------------------------------------------------------------------------


def test_names() -> None:
    assert make_username("kube-system", "coredns") == "system:serviceaccount:kube-system:coredns"
    assert split_username("system:serviceaccount:kube-system:coredns") == ("kube-system",
                                                                          "coredns")
    assert split_username("system:serviceaccount:a:b:c") is None
    assert split_username("alice") is None
    info = service_account_user_info("ns", "sa", "u", pod_name="p")  # pod extras need both
    assert info.extra == {}


def test_issued_token_type(issuer: TokenIssuer) -> None:
    issued = issuer.issue("default", "default", "sa-uid-1", [ISSUER])
    assert isinstance(issued, IssuedToken)
    assert issued.claims["exp"] - issued.claims["iat"] == 3600  # the default expiration
