"""The token authentication cache kube-apiserver puts in front of its token authenticators.

Upstream: ``staging/src/k8s.io/apiserver/pkg/authentication/token/cache/
cached_token_authenticator.go``, wrapped around the union of token authenticators by
``pkg/kubeapiserver/authenticator/config.go`` (``tokencache.New(tokenAuth, true,
TokenSuccessCacheTTL, TokenFailureCacheTTL)``) when either TTL is positive; kube-apiserver's
defaults (``pkg/kubeapiserver/options/authentication.go``, ``NewBuiltInAuthenticationOptions``)
are ``TokenSuccessCacheTTL: 10 * time.Second`` and ``TokenFailureCacheTTL: 0`` (no flags set
them). The rules, as upstream:

- the key is an HMAC-SHA256, under a random per-authenticator key, of the length-prefixed token
  followed by the number of API audiences in the request context and each audience
  length-prefixed (``keyFunc``): the token itself is not kept, and the same token is cached
  separately for different audiences;
- an answer is cached only for its TTL: a success (``ok``) for the success TTL, a "not ok" (an
  error or no opinion) for the failure TTL; a TTL of 0 caches nothing (``cacheErrs`` is true, so
  errors follow the failure TTL);
- a cached answer is served as is until its TTL runs out: the cache does **not** look at the
  token's own expiry, nor at whether the ServiceAccount, Secret, Pod or Node it is bound to
  still exists, so a success is honoured for up to the success TTL (10 s) after the token
  expired or was revoked — as upstream's ``cacheRecord`` ("this cache assumes token authn has
  no side-effects or temporal dependence");
- the audit annotations and warnings the wrapped authenticator added are recorded with the
  answer and added again to each request the cached success answers (``cacheRecord.annotations``
  / ``warnings``).

Not upstream, for the trace: the authenticators the wrapped union asked, and what each said
(:attr:`AuthRequest.attempts`), are recorded with the answer too and replayed on a hit, so the
authentication step of a request's trace reads the same whether the answer was computed or
cached. Upstream's ``singleflight`` sharing of concurrent lookups and its striped cache are not
needed: requests here are handled one at a time. The clock is the kernel's virtual clock.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import AuthenticationError
from .request import AuthAttempt, AuthRequest, AuthResult, TokenAuthenticator

__all__ = [
    "DEFAULT_TOKEN_FAILURE_CACHE_TTL",
    "DEFAULT_TOKEN_SUCCESS_CACHE_TTL",
    "CachedTokenAuthenticator",
]

#: ``NewBuiltInAuthenticationOptions``: ``TokenSuccessCacheTTL: 10 * time.Second``
DEFAULT_TOKEN_SUCCESS_CACHE_TTL = 10.0
#: ``NewBuiltInAuthenticationOptions``: ``TokenFailureCacheTTL: 0 * time.Second``
DEFAULT_TOKEN_FAILURE_CACHE_TTL = 0.0

#: at most this many audience lists' key tails are kept
_MAX_AUDIENCE_TAILS = 64
#: expired entries are swept when the cache grows past this (and then past twice its live size)
_SWEEP_AT = 1024


@dataclass(frozen=True, slots=True)
class _Record:
    """``cacheRecord``: the answer, what came with it, and when it stops being served."""

    expires: float
    result: AuthResult | None
    error: AuthenticationError | None
    annotations: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]
    #: (authenticator, depth below the cache, outcome, detail) of each attempt, for the trace
    attempts: tuple[tuple[str, int, str, str], ...]


def _length_prefixed(s: str) -> bytes:
    b = s.encode()
    return len(b).to_bytes(4, "big") + b


class CachedTokenAuthenticator:
    """``tokencache.New(authenticator, cacheErrs=true, successTTL, failureTTL)`` on a clock."""

    def __init__(self, delegate: TokenAuthenticator, clock: Callable[[], float],
                 success_ttl: float = DEFAULT_TOKEN_SUCCESS_CACHE_TTL,
                 failure_ttl: float = DEFAULT_TOKEN_FAILURE_CACHE_TTL,
                 cache_errors: bool = True) -> None:
        self.delegate = delegate
        self.name = delegate.name
        self.clock = clock
        self.success_ttl = success_ttl
        self.failure_ttl = failure_ttl
        self.cache_errors = cache_errors
        #: ``randomCacheKey``: the HMAC key (never leaves this object; nothing observable
        #: depends on it, so it need not come from the simulation's seeded RNG)
        self._hmac_key = secrets.token_bytes(32)
        #: the HMAC keyed once (OpenSSL's ipad/opad state); each key is a copy of it fed the
        #: message, cheaper than keying a fresh HMAC per request (``hmac.digest``)
        self._keyed = hmac.new(self._hmac_key, digestmod="sha256")
        #: the message's tail after the token — number of audiences, each length-prefixed —
        #: by audiences (not secret; a server has one or two audience lists)
        self._audience_tails: dict[tuple[str, ...], bytes] = {}
        self._cache: dict[bytes, _Record] = {}
        self._sweep_at = _SWEEP_AT
        #: lookups answered from the cache / by the wrapped authenticator
        self.hits = 0
        self.misses = 0

    def key(self, audiences: Sequence[str] | None, token: str) -> bytes:
        """``keyFunc``: HMAC-SHA256 of the length-prefixed token, the number of audiences and
        each audience length-prefixed (no audiences and an empty list are the same key)."""
        auds = audiences or ()
        tails = self._audience_tails
        tail = tails.get(auds) if type(auds) is tuple else None
        if tail is None:
            tail = b"".join((len(auds).to_bytes(4, "big"), *(_length_prefixed(a) for a in auds)))
            if type(auds) is tuple and len(tails) < _MAX_AUDIENCE_TAILS:
                tails[auds] = tail
        tok = token.encode()
        mac = self._keyed.copy()
        mac.update(len(tok).to_bytes(4, "big") + tok + tail)
        return mac.digest()

    def __len__(self) -> int:
        return len(self._cache)

    def authenticate_token(self, token: str, req: AuthRequest | None = None) -> AuthResult | None:
        ctx = req if req is not None else AuthRequest()
        key = self.key(ctx.audiences, token)
        now = self.clock()
        record = self._cache.get(key)
        if record is not None:
            if now < record.expires:
                self.hits += 1
                return self._replay(record, ctx)
            del self._cache[key]
        self.misses += 1
        return self._lookup(key, token, ctx, now)

    def _replay(self, record: _Record, ctx: AuthRequest) -> AuthResult | None:
        base = ctx._depth
        ctx.attempts.extend([AuthAttempt(name, base + depth, outcome, detail)
                             for name, depth, outcome, detail in record.attempts])
        if record.error is not None:
            raise record.error.with_traceback(None)
        if record.result is None:
            return None
        # AuthenticateToken: the recorded annotations and warnings go to every request the
        # cached success answers
        for k, v in record.annotations:
            ctx.annotations[k] = v
        ctx.warnings.extend(record.warnings)
        return record.result

    def _lookup(self, key: bytes, token: str, ctx: AuthRequest, now: float) -> AuthResult | None:
        first_attempt = len(ctx.attempts)
        first_warning = len(ctx.warnings)
        annotations_before = dict(ctx.annotations)
        base = ctx._depth
        result: AuthResult | None = None
        error: AuthenticationError | None = None
        try:
            result = self.delegate.authenticate_token(token, ctx)
        except AuthenticationError as err:
            error = err
        ok = result is not None and error is None
        ttl = self.success_ttl if ok else self.failure_ttl
        if ttl > 0 and (error is None or self.cache_errors):
            self._store(key, _Record(
                now + ttl, result, error,
                tuple((k, v) for k, v in ctx.annotations.items()
                      if annotations_before.get(k) != v or k not in annotations_before),
                tuple(ctx.warnings[first_warning:]),
                tuple((a.authenticator, a.depth - base, a.outcome, a.detail)
                      for a in ctx.attempts[first_attempt:])))
        if error is not None:
            raise error
        return result

    def _store(self, key: bytes, record: _Record) -> None:
        cache = self._cache
        cache[key] = record
        if len(cache) >= self._sweep_at:
            # upstream's expiring cache drops entries once their TTL is over
            now = self.clock()
            for k in [k for k, r in cache.items() if r.expires <= now]:
                del cache[k]
            self._sweep_at = max(_SWEEP_AT, 2 * len(cache))
