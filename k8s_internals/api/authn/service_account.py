"""Service-account tokens: RS256-signed JWTs bound to a ServiceAccount (and a Pod, Secret or Node).

Upstream files this module follows:

- ``pkg/serviceaccount/claims.go`` — ``Claims()`` builds the public claims (``sub``, ``aud``,
  ``iat``, ``nbf``, ``exp``, and ``jti`` when the ServiceAccountTokenJTI feature is on) and the
  private ``kubernetes.io`` claim (``namespace``, ``serviceaccount{name,uid}``, ``pod`` /
  ``secret`` / ``node`` refs, ``warnafter``); ``validator.Validate`` checks the times with
  go-jose's one-minute leeway and looks the bound objects up again.
- ``pkg/serviceaccount/jwt.go`` — ``JWTTokenGenerator`` (sign, ``iss`` added last, ``kid`` =
  base64url(SHA-256(DER public key))) and ``jwtTokenAuthenticator.AuthenticateToken``: a token
  whose unverified ``iss`` is not ours is "not mine" (so another token authenticator may take
  it), then signature, issuer, audiences, then the validator.
- ``staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go`` — user name
  ``system:serviceaccount:<ns>:<name>``, groups ``system:serviceaccounts`` and
  ``system:serviceaccounts:<ns>``, the ``authentication.kubernetes.io/pod-name`` /
  ``pod-uid`` / ``node-name`` / ``node-uid`` / ``credential-id`` extras.
- ``pkg/registry/core/serviceaccount/storage/token.go`` — the TokenRequest subresource
  (``serviceaccounts/token``) calls :meth:`TokenIssuer.issue`; its checks (expiration at least
  :data:`MIN_EXPIRATION_SECONDS`, ``--service-account-max-token-expiration``, the pod-bound
  :data:`WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS` extension) belong to the registry and use the
  constants here.

The JWT has the layout kube-apiserver produces for the same key, claims and time: header
``{"alg":"RS256","kid":"..."}``, claims as compact JSON with sorted keys (go-jose marshals a
map, which Go sorts), ``aud`` a list (left out when empty), base64url without padding.

Errors (what kube-apiserver logs; the client only ever sees 401 ``Unauthorized``):
``service account token has expired``, ``service account token is not valid yet``,
``service account token is issued in the future``,
``token audiences ["x"] is invalid for the target audiences ["y"]``,
``serviceaccounts "x" not found``, ``service account UID (a) does not match claim (b)``,
``service account ns/x has been deleted``, ``service account token has been invalidated``,
``pod UID (a) does not match service account pod ref claim (b)``,
``invalid signature, no keys found``, ``go-jose/go-jose: error in cryptographic primitive``.

Time comes from a clock callable (``kernel.datetime`` in the simulator), never the wall clock.

Simulator choices (upstream does otherwise):

- Keys: kubeadm writes a random ``sa.key`` (RSA-2048). For notebooks that print the same token on
  every run, :meth:`SigningKey.from_seed` derives an RSA-2048 key deterministically: two 1024-bit
  primes found with a seeded :class:`random.Random` (sieve + Fermat + Miller–Rabin, pure
  Python), assembled with ``cryptography``'s ``RSAPrivateNumbers``. It costs about 0.25 s per
  seed on average (the prime search is random, so some seeds take longer) and is cached per
  process. :meth:`SigningKey.generate` makes a random key for ``serve``.
- ``jti``: upstream puts a random UUID in every token (ServiceAccountTokenJTI, on by default
  since 1.30). Here a ``jti`` is only added when the issuer is given a ``new_jti`` callable
  (e.g. UUIDs drawn from ``kernel.rng``), so tokens stay reproducible either way.
- Object lookups go through one ``getter(resource, namespace, name)`` callable returning the
  object as a dict or ``None``; upstream's ``ServiceAccountTokenGetter`` reads informer caches
  and falls back to a live GET.
- Signatures: RS256 (what upstream issues) plus RS384/RS512/PS256/PS384/PS512 on verification.
  Legacy Secret-based tokens (issuer ``kubernetes/serviceaccount``) are not implemented.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..errors import not_found
from ..user import SERVICE_ACCOUNTS_GROUP, UserInfo
from .errors import AuthenticationError, aggregate
from .request import AuthRequest, AuthResult, go_quote, go_quoted_list, intersect_audiences

__all__ = [
    "CREDENTIAL_ID_KEY",
    "DEFAULT_EXPIRATION_SECONDS",
    "DETERMINISTIC_KEY_BITS",
    "EXPIRATION_EXTENSION_SECONDS",
    "ISSUER",
    "LEEWAY_SECONDS",
    "MIN_EXPIRATION_SECONDS",
    "NODE_NAME_KEY",
    "NODE_UID_KEY",
    "POD_NAME_KEY",
    "POD_UID_KEY",
    "SERVICE_ACCOUNT_GROUP_PREFIX",
    "SERVICE_ACCOUNT_USERNAME_PREFIX",
    "WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS",
    "IssuedToken",
    "ObjectGetter",
    "ObjectRef",
    "ServiceAccountAuthenticator",
    "SigningKey",
    "TokenIssuer",
    "decode_token",
    "derive_rsa_private_key",
    "key_id",
    "make_group_names",
    "make_username",
    "service_account_user_info",
    "split_username",
]

#: ``--service-account-issuer`` as kubeadm sets it (and the default API audience).
ISSUER = "https://kubernetes.default.svc.cluster.local"
#: go-jose ``jwt.DefaultLeeway``: exp/nbf/iat and deletion times are compared with one minute
#: of slack.
LEEWAY_SECONDS = 60.0
#: TokenRequest defaulting (``expirationSeconds`` defaults to one hour).
DEFAULT_EXPIRATION_SECONDS = 3600
#: ``ValidateTokenRequest``: "may not specify a duration less than 10 minutes".
MIN_EXPIRATION_SECONDS = 600
#: ``claims.go``: a pod-bound token asked for exactly this long is extended to a year and only
#: warns (``warnafter``) after the requested hour — the kubelet's projected-token rollout aid.
WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7
EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60
#: Size of the seed-derived keys (kubeadm's ``sa.key`` is RSA-2048). Deriving one costs a prime
#: search in pure Python: ~0.25 s on average, 0.15-0.5 s depending on the seed; 1024 bits
#: would take ~0.03 s.
DETERMINISTIC_KEY_BITS = 2048

# staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go
SERVICE_ACCOUNT_USERNAME_PREFIX = "system:serviceaccount:"
SERVICE_ACCOUNT_GROUP_PREFIX = "system:serviceaccounts:"
POD_NAME_KEY = "authentication.kubernetes.io/pod-name"
POD_UID_KEY = "authentication.kubernetes.io/pod-uid"
NODE_NAME_KEY = "authentication.kubernetes.io/node-name"
NODE_UID_KEY = "authentication.kubernetes.io/node-uid"
# staging/src/k8s.io/apiserver/pkg/authentication/user/user.go
CREDENTIAL_ID_KEY = "authentication.kubernetes.io/credential-id"

_ERR_CRYPTO = "go-jose/go-jose: error in cryptographic primitive"
_ERR_UNSUPPORTED_ALG = "go-jose/go-jose: unknown/unsupported algorithm"
_ERR_NUMERIC_DATE = "go-jose/go-jose/jwt: expected number value to unmarshal NumericDate"
_ERR_AUDIENCE = "go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience"
_INVALIDATED = "service account token has been invalidated"

#: ``getter(resource, namespace, name)`` → the object (a dict with ``metadata.uid`` and maybe
#: ``metadata.deletionTimestamp``) or ``None`` if it does not exist. Resources asked for:
#: ``serviceaccounts``, ``pods``, ``secrets``, ``nodes`` (namespace ``""``).
ObjectGetter = Callable[[str, str, str], Mapping[str, Any] | None]
Clock = Callable[[], datetime]


# -- names --------------------------------------------------------------------------------------


def make_username(namespace: str, name: str) -> str:
    """``MakeUsername``: ``system:serviceaccount:<namespace>:<name>``."""
    return f"{SERVICE_ACCOUNT_USERNAME_PREFIX}{namespace}:{name}"


def split_username(username: str) -> tuple[str, str] | None:
    """``SplitUsername``: ``(namespace, name)``, or ``None`` if not a service-account name.
    (Upstream also validates both parts as a namespace / ServiceAccount name.)"""
    if not username.startswith(SERVICE_ACCOUNT_USERNAME_PREFIX):
        return None
    parts = username.removeprefix(SERVICE_ACCOUNT_USERNAME_PREFIX).split(":")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def make_group_names(namespace: str) -> tuple[str, str]:
    """``MakeGroupNames``: ``system:serviceaccounts``, ``system:serviceaccounts:<namespace>``."""
    return SERVICE_ACCOUNTS_GROUP, SERVICE_ACCOUNT_GROUP_PREFIX + namespace


def service_account_user_info(
    namespace: str,
    name: str,
    uid: str,
    *,
    pod_name: str = "",
    pod_uid: str = "",
    node_name: str = "",
    node_uid: str = "",
    credential_id: str = "",
) -> UserInfo:
    """``ServiceAccountInfo.UserInfo()``."""
    extra: dict[str, tuple[str, ...]] = {}
    if pod_name and pod_uid:
        extra[POD_NAME_KEY] = (pod_name,)
        extra[POD_UID_KEY] = (pod_uid,)
    if credential_id:
        extra[CREDENTIAL_ID_KEY] = (credential_id,)
    if node_name:
        extra[NODE_NAME_KEY] = (node_name,)
        if node_uid:  # node UID is optional and only set if the node name is set
            extra[NODE_UID_KEY] = (node_uid,)
    return UserInfo(make_username(namespace, name), uid, make_group_names(namespace), extra)


# -- keys ---------------------------------------------------------------------------------------


def _small_primes(limit: int) -> list[int]:
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for i in range(2, math.isqrt(limit) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytes(len(range(i * i, limit, i)))
    return [i for i in range(3, limit) if sieve[i]]


_SMALL_PRIMES = _small_primes(1 << 16)
_WINDOW = 4096  # odd candidates sieved per random starting point


def _miller_rabin(n: int, rng: random.Random, rounds: int) -> bool:
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _seeded_prime(bits: int, rng: random.Random, e: int) -> int:
    """A ``bits``-bit prime with the top two bits set (so p·q has exactly 2·bits bits) and
    ``gcd(e, p-1) = 1``: pick a random odd start, sieve the next odd numbers by the primes below
    2^16, then a base-2 Fermat test and 5 Miller–Rabin rounds (FIPS 186-4 table C.2)."""
    while True:
        start = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        composite = bytearray(_WINDOW)  # composite[i] <=> start + 2i has a small factor
        for p in _SMALL_PRIMES:
            first = (-start * ((p + 1) // 2)) % p  # i with start + 2i ≡ 0 (mod p)
            composite[first::p] = b"\x01" * len(range(first, _WINDOW, p))
        for i in range(_WINDOW):
            if composite[i]:
                continue
            n = start + 2 * i
            if n.bit_length() != bits:
                break
            if pow(2, n - 1, n) != 1 or (n - 1) % e == 0:
                continue
            if _miller_rabin(n, rng, 5):
                return n


@functools.lru_cache(maxsize=16)
def derive_rsa_private_key(
    seed: int | str, bits: int = DETERMINISTIC_KEY_BITS
) -> rsa.RSAPrivateKey:
    """An RSA key that depends only on ``(seed, bits)``: the same seed gives the same key in every
    process and on every machine (``random.Random`` seeded with a string is stable)."""
    if bits < 1024 or bits % 2:
        raise ValueError(f"RSA key size must be an even number of bits >= 1024, got {bits}")
    rng = random.Random(f"k8s-internals/service-account-key/{bits}/{seed}")
    e = 65537
    p = _seeded_prime(bits // 2, rng, e)
    q = _seeded_prime(bits // 2, rng, e)
    while q == p:  # astronomically unlikely
        q = _seeded_prime(bits // 2, rng, e)
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p, q=q, d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p), dmq1=rsa.rsa_crt_dmq1(d, q), iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=rsa.RSAPublicNumbers(e, p * q),
    )
    return numbers.private_key()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    """``base64.RawURLEncoding.DecodeString``: no padding allowed, only the URL alphabet."""
    if "=" in text or len(text) % 4 == 1:
        raise ValueError("illegal base64 data")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """``keyIDFromPublicKey``: base64url(SHA-256(DER SubjectPublicKeyInfo))."""
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return _b64url(hashlib.sha256(der).digest())


class SigningKey:
    """The service-account key pair (kubeadm's ``sa.key`` / ``sa.pub``) and its ``kid``."""

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self.private_key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id(self.public_key)

    @classmethod
    def from_seed(cls, seed: int | str, bits: int = DETERMINISTIC_KEY_BITS) -> SigningKey:
        """A deterministic key (see :func:`derive_rsa_private_key`); cached per seed."""
        return _signing_key_for(seed, bits)

    @classmethod
    def generate(cls, bits: int = 2048) -> SigningKey:
        """A random key from the OS RNG (``serve`` mode), as kubeadm makes one."""
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=bits))

    @classmethod
    def from_pem(cls, data: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("service account signing key must be an RSA private key")
        return cls(key)

    @property
    def bits(self) -> int:
        return self.private_key.key_size

    def private_key_pem(self) -> bytes:
        """PKCS#1 ``RSA PRIVATE KEY`` PEM, like kubeadm's ``sa.key``."""
        return self.private_key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.TraditionalOpenSSL,
                                              serialization.NoEncryption())

    def public_key_pem(self) -> bytes:
        """``PUBLIC KEY`` PEM, like kubeadm's ``sa.pub``."""
        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)

    def sign(self, signing_input: bytes) -> bytes:
        """RS256: RSASSA-PKCS1-v1_5 with SHA-256 (deterministic)."""
        return self.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())

    def __repr__(self) -> str:
        return f"SigningKey(bits={self.bits}, kid={self.key_id!r})"


@functools.lru_cache(maxsize=16)
def _signing_key_for(seed: int | str, bits: int) -> SigningKey:
    return SigningKey(derive_rsa_private_key(seed, bits))


# -- JSON as Go writes it -----------------------------------------------------------------------


def _go_json(value: Any) -> bytes:
    """``json.Marshal`` of a map: compact, keys sorted, UTF-8, ``<``, ``>``, ``&``, U+2028 and
    U+2029 escaped (go-jose builds the claims as ``map[string]interface{}``)."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text.encode("utf-8")


def decode_token(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, claims)`` of a JWT, *without* verifying it — what ``jwt.io`` or
    ``cut -d. -f2 | base64 -d`` shows a learner."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("compact JWS format must have three parts")
    return json.loads(_b64url_decode(parts[0])), json.loads(_b64url_decode(parts[1]))


# -- issuing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectRef:
    """A bound object: ``{"name": ..., "uid": ...}`` in the ``kubernetes.io`` claim."""

    name: str
    uid: str = ""

    def claim(self) -> dict[str, str]:
        out = {"name": self.name}
        if self.uid:
            out["uid"] = self.uid
        return out


@dataclass(frozen=True)
class IssuedToken:
    """A signed token, its claims, and ``status.expirationTimestamp`` for the TokenRequest."""

    token: str
    claims: dict[str, Any]
    expiration_timestamp: datetime

    def status(self) -> dict[str, str]:
        """``TokenRequestStatus`` as JSON."""
        return {"token": self.token,
                "expirationTimestamp": self.expiration_timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _unix(t: datetime) -> float:
    """Unix seconds; a naive datetime is taken as UTC (the kernel's clock is aware)."""
    return (t if t.tzinfo is not None else t.replace(tzinfo=UTC)).timestamp()


class TokenIssuer:
    """``JWTTokenGenerator`` + ``serviceaccount.Claims``: signs service-account tokens."""

    def __init__(
        self,
        key: SigningKey,
        *,
        clock: Clock,
        issuer: str = ISSUER,
        new_jti: Callable[[], str] | None = None,
    ) -> None:
        self.key = key
        self.clock = clock
        self.issuer = issuer
        self.new_jti = new_jti

    def generate_token(self, public: Mapping[str, Any], private: Mapping[str, Any]) -> str:
        """``GenerateToken``: claims are applied in reverse precedence — private, then public,
        then ``iss`` — and signed RS256 with this key's ``kid``."""
        claims = {**private, **public, "iss": self.issuer}
        header = {"alg": "RS256", "kid": self.key.key_id}
        signing_input = f"{_b64url(_go_json(header))}.{_b64url(_go_json(claims))}"
        signature = self.key.sign(signing_input.encode("ascii"))
        return f"{signing_input}.{_b64url(signature)}"

    def issue(
        self,
        namespace: str,
        sa_name: str,
        sa_uid: str,
        audiences: Sequence[str],
        expiration_seconds: int = DEFAULT_EXPIRATION_SECONDS,
        *,
        pod: ObjectRef | None = None,
        secret: ObjectRef | None = None,
        node: ObjectRef | None = None,
        warn_after_seconds: int = 0,
    ) -> IssuedToken:
        """``serviceaccount.Claims`` then ``GenerateToken``. A token is bound to at most one
        of a Pod or a Secret; a Node is recorded next to the Pod (the pod's node), or alone for
        a node-bound token."""
        if secret is not None and (pod is not None or node is not None):
            raise ValueError("internal error, token can only be bound to one object type")
        now = self.clock()
        now_s = math.floor(_unix(now))  # jwt.NewNumericDate: whole seconds
        public: dict[str, Any] = {
            "sub": make_username(namespace, sa_name),
            "aud": list(audiences),
            "iat": now_s,
            "nbf": now_s,
            "exp": now_s + int(expiration_seconds),
        }
        if not audiences:
            del public["aud"]  # omitempty
        if self.new_jti is not None:
            public["jti"] = self.new_jti()
        k8s: dict[str, Any] = {"namespace": namespace,
                               "serviceaccount": ObjectRef(sa_name, sa_uid).claim()}
        if pod is not None:
            k8s["pod"] = pod.claim()
            if node is not None:
                k8s["node"] = node.claim()
        elif secret is not None:
            k8s["secret"] = secret.claim()
        elif node is not None:
            k8s["node"] = node.claim()
        if warn_after_seconds:
            k8s["warnafter"] = now_s + int(warn_after_seconds)
        token = self.generate_token(public, {"kubernetes.io": k8s})
        claims = {**{"kubernetes.io": k8s}, **public, "iss": self.issuer}
        expiry = now + timedelta(seconds=int(expiration_seconds))
        return IssuedToken(token, dict(sorted(claims.items())), expiry.astimezone(UTC))

    def issue_token(
        self,
        namespace: str,
        sa_name: str,
        sa_uid: str,
        audiences: Sequence[str],
        expiration_seconds: int = DEFAULT_EXPIRATION_SECONDS,
        pod: ObjectRef | None = None,
        *,
        secret: ObjectRef | None = None,
        node: ObjectRef | None = None,
        warn_after_seconds: int = 0,
    ) -> str:
        """The token string only (what ``status.token`` of a TokenRequest holds)."""
        return self.issue(namespace, sa_name, sa_uid, audiences, expiration_seconds, pod=pod,
                          secret=secret, node=node, warn_after_seconds=warn_after_seconds).token


# -- verifying ----------------------------------------------------------------------------------

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512,
}


def _verify_signature(public_key: rsa.RSAPublicKey, alg: str, signing_input: bytes,
                      signature: bytes) -> None:
    if alg[:2] not in ("RS", "PS") or alg[2:] not in _HASHES:
        raise AuthenticationError(_ERR_UNSUPPORTED_ALG)
    algorithm = _HASHES[alg[2:]]()
    pad: padding.AsymmetricPadding
    if alg.startswith("RS"):
        pad = padding.PKCS1v15()
    else:
        pad = padding.PSS(padding.MGF1(algorithm), padding.PSS.AUTO)
    try:
        public_key.verify(signature, signing_input, pad, algorithm)
    except InvalidSignature:
        raise AuthenticationError(_ERR_CRYPTO) from None


def _numeric_date(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AuthenticationError(_ERR_NUMERIC_DATE)
    return float(math.trunc(value))  # NumericDate is int64 seconds


def _audience(claims: Mapping[str, Any]) -> tuple[str, ...]:
    value = claims.get("aud")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise AuthenticationError(_ERR_AUDIENCE)


def _ref(k8s: Mapping[str, Any], key: str) -> ObjectRef | None:
    value = k8s.get(key)
    if not isinstance(value, Mapping):
        return None
    return ObjectRef(str(value.get("name", "")), str(value.get("uid", "")))


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("metadata", {})
    return meta if isinstance(meta, Mapping) else {}


class ServiceAccountAuthenticator:
    """``JWTTokenAuthenticator`` with the bound-token ``validator``: a token authenticator.

    ``keys`` are the verification keys (``--service-account-key-file``), ``issuers`` the
    accepted ``iss`` values (``--service-account-issuer``), ``implicit_audiences`` the API
    audiences (``--api-audiences``, by default the first issuer). ``getter`` looks the bound
    objects up (see :data:`ObjectGetter`); ``clock`` gives the current (virtual) time.
    """

    name = "serviceaccount"

    def __init__(
        self,
        keys: Iterable[SigningKey | rsa.RSAPublicKey],
        *,
        getter: ObjectGetter,
        clock: Clock,
        issuers: Sequence[str] = (ISSUER,),
        implicit_audiences: Sequence[str] | None = None,
    ) -> None:
        self.keys: list[tuple[str, rsa.RSAPublicKey]] = []
        for key in keys:
            public = key.public_key if isinstance(key, SigningKey) else key
            self.keys.append((key_id(public), public))
        self.issuers = tuple(issuers)
        self.implicit_audiences = tuple(
            implicit_audiences if implicit_audiences is not None else self.issuers[:1])
        self.getter = getter
        self.clock = clock

    # jwt.go ------------------------------------------------------------------------------------

    def _has_correct_issuer(self, token: str) -> bool:
        """``hasCorrectIssuer``: peek at the unverified ``iss`` so that tokens of other issuers
        are left to other authenticators."""
        if token.strip().startswith("{"):
            return False
        parts = token.split(".")
        if len(parts) != 3:
            return False
        try:
            claims = json.loads(_b64url_decode(parts[1]))
        except ValueError:
            return False
        return isinstance(claims, dict) and claims.get("iss") in self.issuers

    def authenticate_token(self, token: str, req: AuthRequest | None = None) -> AuthResult | None:
        """``jwtTokenAuthenticator.AuthenticateToken`` (see the module docstring for errors)."""
        if not self._has_correct_issuer(token):
            return None
        header_b64, payload_b64, signature_b64 = token.split(".")
        try:  # jwt.ParseSigned; a token that does not parse is "not mine"
            header = json.loads(_b64url_decode(header_b64))
            signature = _b64url_decode(signature_b64)
            payload = json.loads(_b64url_decode(payload_b64))
        except ValueError:
            return None
        if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
            return None

        kid = header.get("kid") or ""
        keys = [pk for k, pk in self.keys if not kid or k == kid]
        if not keys:
            raise AuthenticationError("invalid signature, no keys found", self.name)
        signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
        errors: list[AuthenticationError] = []
        for public_key in keys:
            try:
                _verify_signature(public_key, header["alg"], signing_input, signature)
                iss = payload.get("iss")
                aud = _audience(payload)
                exp, nbf, iat = (_numeric_date(payload, c) for c in ("exp", "nbf", "iat"))
            except AuthenticationError as err:
                errors.append(err)
                continue
            break
        else:
            err = aggregate(errors)
            assert err is not None
            raise AuthenticationError(err.reason, self.name)

        # sanity check issuer since we parsed it out before signature validation
        if iss not in self.issuers:
            raise AuthenticationError(f"token issuer {go_quote(str(iss))} is invalid", self.name)
        sub = str(payload.get("sub", ""))
        token_audiences = aud
        if not token_audiences:
            # only apiserver audiences are allowed for legacy tokens
            if req is not None:
                req.annotations["authentication.k8s.io/legacy-token"] = sub
            token_audiences = self.implicit_audiences
        requested = (req.audiences if req is not None and req.audiences is not None
                     else self.implicit_audiences)
        auds = intersect_audiences(token_audiences, requested)
        if not auds and self.implicit_audiences:
            raise AuthenticationError(
                f"token audiences {go_quoted_list(token_audiences)} is invalid for the target "
                f"audiences {go_quoted_list(requested)}", self.name)

        user = self._validate(req, sub, payload, exp, nbf, iat)
        return AuthResult(user, self.name, auds)

    # claims.go ---------------------------------------------------------------------------------

    def _validate(self, req: AuthRequest | None, sub: str, payload: Mapping[str, Any],
                  exp: float | None, nbf: float | None, iat: float | None) -> UserInfo:
        """``validator.Validate``: times, then the bound objects, then the user."""
        now_dt = self.clock()
        now = _unix(now_dt)
        if nbf is not None and now + LEEWAY_SECONDS < nbf:
            raise AuthenticationError("service account token is not valid yet", self.name)
        if exp is not None and now - LEEWAY_SECONDS > exp:
            raise AuthenticationError("service account token has expired", self.name)
        if iat is not None and now + LEEWAY_SECONDS < iat:
            raise AuthenticationError("service account token is issued in the future", self.name)

        raw = payload.get("kubernetes.io")
        k8s: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        namespace = str(k8s.get("namespace", ""))
        saref = _ref(k8s, "serviceaccount") or ObjectRef("")
        podref, noderef, secref = _ref(k8s, "pod"), _ref(k8s, "node"), _ref(k8s, "secret")
        # consider things deleted prior to now()-leeway to be invalid
        invalid_if_deleted_before = now - LEEWAY_SECONDS

        def deleted(obj: Mapping[str, Any]) -> bool:
            ts = _parse_time(_meta(obj).get("deletionTimestamp"))
            return ts is not None and _unix(ts) < invalid_if_deleted_before

        def uid(obj: Mapping[str, Any]) -> str:
            return str(_meta(obj).get("uid", ""))

        sa = self.getter("serviceaccounts", namespace, saref.name)
        if sa is None:
            raise AuthenticationError(not_found("", "serviceaccounts", saref.name).message,
                                      self.name)
        if uid(sa) != saref.uid:
            raise AuthenticationError(
                f"service account UID ({uid(sa)}) does not match claim ({saref.uid})", self.name)
        if deleted(sa):
            raise AuthenticationError(
                f"service account {namespace}/{saref.name} has been deleted", self.name)

        if secref is not None:
            secret = self.getter("secrets", namespace, secref.name)
            if secret is None:
                raise AuthenticationError(_INVALIDATED, self.name)
            if secref.uid != uid(secret):
                raise AuthenticationError(
                    f"secret UID ({uid(secret)}) does not match service account secret ref "
                    f"claim ({secref.uid})", self.name)
            if deleted(secret):
                raise AuthenticationError(_INVALIDATED, self.name)

        pod_name = pod_uid = ""
        if podref is not None:
            pod = self.getter("pods", namespace, podref.name)
            if pod is None:
                raise AuthenticationError(_INVALIDATED, self.name)
            if podref.uid != uid(pod):
                raise AuthenticationError(
                    f"pod UID ({uid(pod)}) does not match service account pod ref claim "
                    f"({podref.uid})", self.name)
            if deleted(pod):
                raise AuthenticationError(_INVALIDATED, self.name)
            pod_name, pod_uid = podref.name, podref.uid

        node_name = node_uid = ""
        if noderef is not None:
            if podref is None:  # a node-bound token: the node must still be there
                node = self.getter("nodes", "", noderef.name)
                if node is None:
                    raise AuthenticationError(_INVALIDATED, self.name)
                if noderef.uid != uid(node):
                    raise AuthenticationError(
                        f"node UID ({uid(node)}) does not match service account node ref claim "
                        f"({noderef.uid})", self.name)
                if deleted(node):
                    raise AuthenticationError(_INVALIDATED, self.name)
            node_name, node_uid = noderef.name, noderef.uid

        warnafter = k8s.get("warnafter")
        if (isinstance(warnafter, int | float) and warnafter and now > warnafter
                and req is not None):
            seconds_after = math.floor(now) - int(warnafter)
            req.annotations["authentication.k8s.io/stale-token"] = (
                f"subject: {sub}, seconds after warning threshold: {seconds_after}")

        jti = payload.get("jti")
        return service_account_user_info(
            namespace, saref.name, saref.uid, pod_name=pod_name, pod_uid=pod_uid,
            node_name=node_name, node_uid=node_uid,
            credential_id=f"JTI={jti}" if isinstance(jti, str) and jti else "")
