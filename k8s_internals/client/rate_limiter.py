"""Work-queue rate limiters and the token bucket under them, on virtual time.

Upstream files (shapes and formulas copied, code rewritten):

- client-go ``util/workqueue/default_rate_limiters.go`` — the ``TypedRateLimiter`` interface
  (``When`` / ``Forget`` / ``NumRequeues``), :class:`ItemExponentialFailureRateLimiter`,
  :class:`ItemFastSlowRateLimiter`, :class:`BucketRateLimiter`, :class:`MaxOfRateLimiter`,
  :class:`WithMaxWaitRateLimiter`, ``DefaultControllerRateLimiter`` /
  ``DefaultTypedControllerRateLimiter`` and ``DefaultItemBasedRateLimiter``.
- ``golang.org/x/time/rate/rate.go`` — :class:`Limiter` (the token bucket) and its
  :class:`Reservation`: ``reserveN``, ``advance``, ``durationFromTokens``, ``tokensFromDuration``,
  ``CancelAt``, ``SetLimitAt`` / ``SetBurstAt``, ``TokensAt``.

Units. Upstream durations are Go ``time.Duration`` (integer nanoseconds). Here every delay is a
``float`` of **seconds**, like :class:`~k8s_internals.sim.Kernel` time, but the arithmetic is
done the way Go does it so the numbers match: the exponential limiter computes in integer
nanoseconds (``5 ms * 2**n``, with upstream's overflow guard) and the bucket truncates its wait
to whole nanoseconds as ``time.Duration(float64(time.Second) * seconds)`` does.

Clocks. Nothing here reads the wall clock. A limiter that needs "now" (only the token bucket)
takes ``clock``, a zero-argument callable returning virtual seconds (``lambda: kernel.now``).
A :class:`~k8s_internals.client.workqueue.RateLimitingQueue` hands its kernel's clock to any
limiter built without one (:meth:`BucketRateLimiter.bind_clock`), so
``RateLimitingQueue(kernel)`` with the default limiter just works. Upstream's bucket reads
``time.Now()`` itself; with one virtual clock in the simulation, sharing it is the same thing.

The default controller limiter, worked through (``default_controller_rate_limiter()``)::

    per item:  5 ms * 2**failures, capped at 1000 s    -> 5 ms, 10 ms, 20 ms, ... 16m40s
    overall:   token bucket, 10 tokens/s, 100 deep     -> 100 retries free, then one per 0.1 s
    result:    the larger of the two, for every call

Items are any hashable value (controllers use ``"namespace/name"`` strings).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = [
    "INF",
    "INF_DURATION",
    "BucketRateLimiter",
    "Clock",
    "ItemExponentialFailureRateLimiter",
    "ItemFastSlowRateLimiter",
    "Limiter",
    "MaxOfRateLimiter",
    "RateLimiter",
    "Reservation",
    "WithMaxWaitRateLimiter",
    "default_controller_rate_limiter",
    "default_item_based_rate_limiter",
    "default_typed_controller_rate_limiter",
    "every",
]

#: A zero-argument callable returning the current virtual time in seconds.
Clock = Callable[[], float]

#: ``rate.Inf``: the infinite rate limit; allows every event, even with burst 0.
INF = math.inf
#: ``rate.InfDuration``: what :meth:`Reservation.delay_from` returns when not OK.
INF_DURATION = math.inf

_NS_PER_SECOND = 1_000_000_000
_MAX_INT64 = 2**63 - 1


def _to_ns(seconds: float) -> int:
    """Seconds as a Go ``time.Duration`` (integer nanoseconds, rounded to the nearest)."""
    return round(seconds * _NS_PER_SECOND)


def _from_ns(ns: int) -> float:
    """Integer nanoseconds back to float seconds (``5_000_000`` → ``0.005``)."""
    return ns / _NS_PER_SECOND


# -- the interface ----------------------------------------------------------------------------


@runtime_checkable
class RateLimiter(Protocol):
    """``TypedRateLimiter[T]`` (``default_rate_limiters.go``)."""

    def when(self, item: Hashable) -> float:
        """How long ``item`` should wait, in seconds. Counts as one more failure of ``item``."""
        ...

    def forget(self, item: Hashable) -> None:
        """Stop tracking ``item`` (it succeeded, or we gave up on it)."""
        ...

    def num_requeues(self, item: Hashable) -> int:
        """How many failures ``item`` has had."""
        ...


# -- per-item limiters ------------------------------------------------------------------------


class ItemExponentialFailureRateLimiter:
    """``TypedItemExponentialFailureRateLimiter``: ``base_delay * 2**failures``, capped.

    ``when(item)`` returns ``min(base_delay * 2**n, max_delay)`` where ``n`` is the number of
    earlier ``when`` calls for ``item`` since its last :meth:`forget`, then counts one more.
    As upstream, the product is computed as a float of nanoseconds and, if it would not fit an
    ``int64``, ``max_delay`` is returned (the overflow guard: ``2**1000`` failures must not wrap
    around to a negative duration).

    >>> r = ItemExponentialFailureRateLimiter(0.005, 1000.0)
    >>> [r.when("ns/a") for _ in range(5)]        # 5 ms * 1, 2, 4, 8, 16
    [0.005, 0.01, 0.02, 0.04, 0.08]
    >>> r.num_requeues("ns/a")
    5
    """

    def __init__(self, base_delay: float = 0.005, max_delay: float = 1000.0) -> None:
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._base_ns = _to_ns(base_delay)
        self._max_ns = _to_ns(max_delay)
        self.failures: dict[Hashable, int] = {}

    def when(self, item: Hashable) -> float:
        exp = self.failures.get(item, 0)
        self.failures[item] = exp + 1
        # backoff := float64(r.baseDelay.Nanoseconds()) * math.Pow(2, float64(exp))
        try:
            backoff = float(self._base_ns) * math.pow(2.0, exp)
        except OverflowError:  # Go's math.Pow gives +Inf here
            backoff = math.inf
        # "The backoff is capped such that 'calculated' value never overflows."
        if backoff >= 2.0**63:  # > math.MaxInt64 (which is 2**63 once a float64)
            return self.max_delay
        calculated = int(backoff)
        if calculated > self._max_ns:
            return self.max_delay
        return _from_ns(calculated)

    def num_requeues(self, item: Hashable) -> int:
        return self.failures.get(item, 0)

    def forget(self, item: Hashable) -> None:
        self.failures.pop(item, None)

    def __repr__(self) -> str:
        return (
            f"ItemExponentialFailureRateLimiter(base_delay={self.base_delay}, "
            f"max_delay={self.max_delay}, tracking={len(self.failures)})"
        )


class ItemFastSlowRateLimiter:
    """``TypedItemFastSlowRateLimiter``: ``fast_delay`` for the first ``max_fast_attempts``
    failures of an item, ``slow_delay`` after that.

    >>> r = ItemFastSlowRateLimiter(0.005, 10.0, 3)
    >>> [r.when("x") for _ in range(5)]           # failures 1..3 fast, 4.. slow
    [0.005, 0.005, 0.005, 10.0, 10.0]
    """

    def __init__(self, fast_delay: float, slow_delay: float, max_fast_attempts: int) -> None:
        self.fast_delay = fast_delay
        self.slow_delay = slow_delay
        self.max_fast_attempts = max_fast_attempts
        self.failures: dict[Hashable, int] = {}

    def when(self, item: Hashable) -> float:
        n = self.failures.get(item, 0) + 1
        self.failures[item] = n
        if n <= self.max_fast_attempts:
            return self.fast_delay
        return self.slow_delay

    def num_requeues(self, item: Hashable) -> int:
        return self.failures.get(item, 0)

    def forget(self, item: Hashable) -> None:
        self.failures.pop(item, None)


# -- golang.org/x/time/rate -------------------------------------------------------------------


def every(interval: float) -> float:
    """``rate.Every``: a minimum interval between events (seconds) as a limit (events/s).

    >>> every(0.1), every(2.0), every(0)
    (10.0, 0.5, inf)
    """
    if interval <= 0:
        return INF
    return 1.0 / interval


def _duration_from_tokens(limit: float, tokens: float) -> float:
    """``Limit.durationFromTokens``: seconds to accumulate ``tokens``, truncated to whole ns.

    Go: ``time.Duration(float64(time.Second) * (tokens / limit))`` — the float-to-int conversion
    truncates. ``limit <= 0`` never refills: ``InfDuration``.
    """
    if limit <= 0:
        return INF_DURATION
    ns = (tokens / limit) * _NS_PER_SECOND
    if ns > _MAX_INT64 or math.isnan(ns):
        return INF_DURATION
    return _from_ns(math.trunc(ns))


def _tokens_from_duration(limit: float, seconds: float) -> float:
    """``Limit.tokensFromDuration``: tokens that accumulate in ``seconds`` at ``limit``/s."""
    if limit <= 0:
        return 0.0
    return seconds * limit


@dataclass
class Reservation:
    """``rate.Reservation``: events permitted by a :class:`Limiter` after a delay.

    ``time_to_act`` is virtual time (seconds). ``limit`` is the limiter's limit when the
    reservation was made (it may change later).
    """

    ok: bool
    lim: Limiter
    tokens: int = 0
    time_to_act: float = 0.0
    limit: float = 0.0

    def delay_from(self, now: float) -> float:
        """``DelayFrom``: how long to wait from ``now`` (0 = act now; ``INF_DURATION`` if not
        OK)."""
        if not self.ok:
            return INF_DURATION
        delay = self.time_to_act - now
        return 0.0 if delay < 0 else delay

    def cancel_at(self, now: float) -> None:
        """``CancelAt``: give back the tokens, as far as later reservations allow.

        The tokens reserved *after* this one (``lim.last_event - time_to_act`` worth of them)
        are not restored: they stay promised to whoever reserved them.
        """
        lim = self.lim
        if not self.ok:
            return
        if lim.limit == INF or self.tokens == 0 or self.time_to_act < now:
            return
        restore = self.tokens - _tokens_from_duration(
            self.limit, lim.last_event - self.time_to_act
        )
        if restore <= 0:
            return
        now, tokens = lim._advance(now)
        tokens += restore
        tokens = min(tokens, float(lim.burst))
        lim.last = now
        lim.tokens = tokens
        if self.time_to_act == lim.last_event:
            prev_event = self.time_to_act + _duration_from_tokens(self.limit, -self.tokens)
            if not prev_event < now:
                lim.last_event = prev_event


class Limiter:
    """``rate.Limiter``: a token bucket of size ``burst``, initially full, refilled at ``limit``
    tokens per second — continuously, not in ticks: tokens are computed lazily from the time
    since the last update (``advance``).

    Every method takes the instant explicitly (Go's ``AllowN(t, n)``, ``ReserveN(t, n)``); no
    wall clock. A request for ``n`` tokens takes them even if that drives the bucket negative,
    and the caller waits for the debt to refill: with 10/s and burst 100, the 101st call at one
    instant leaves -1 token and waits 1/10 s.

    >>> lim = Limiter(10, 100)
    >>> [lim.reserve_n(0.0, 1).delay_from(0.0) for _ in range(100)] == [0.0] * 100
    True
    >>> lim.reserve_n(0.0, 1).delay_from(0.0)     # tokens 0 -> -1; 1 token / 10 per s
    0.1
    >>> lim.reserve_n(0.0, 1).delay_from(0.0)     # -1 -> -2
    0.2
    """

    def __init__(self, limit: float, burst: int) -> None:
        self.limit = float(limit)
        self.burst = burst
        self.tokens = 0.0
        #: Last time ``tokens`` was updated. Go's zero ``time.Time`` is "long ago", so the first
        #: ``advance`` fills the bucket to ``burst``; ``-inf`` does the same here.
        self.last = -math.inf
        #: Latest time of a rate-limited event (past or future).
        self.last_event = -math.inf

    def tokens_at(self, now: float) -> float:
        """``TokensAt``: tokens available at ``now`` (does not change the limiter)."""
        return self._advance(now)[1]

    def allow_n(self, now: float, n: int = 1) -> bool:
        """``AllowN``: may ``n`` events happen at ``now``? Takes the tokens if so."""
        return self._reserve_n(now, n, 0.0).ok

    def reserve_n(self, now: float, n: int = 1) -> Reservation:
        """``ReserveN``: reserve ``n`` tokens at ``now``; the reservation says how long to wait.

        Not OK only if ``n > burst`` (and the limit is finite).
        """
        return self._reserve_n(now, n, INF_DURATION)

    def set_limit_at(self, now: float, new_limit: float) -> None:
        """``SetLimitAt``: change the refill rate from ``now`` on."""
        now, tokens = self._advance(now)
        self.last = now
        self.tokens = tokens
        self.limit = float(new_limit)

    def set_burst_at(self, now: float, new_burst: int) -> None:
        """``SetBurstAt``: change the bucket size from ``now`` on."""
        now, tokens = self._advance(now)
        self.last = now
        self.tokens = tokens
        self.burst = new_burst

    def _reserve_n(self, now: float, n: int, max_future_reserve: float) -> Reservation:
        """``reserveN``: the one place tokens are taken."""
        if self.limit == INF:
            return Reservation(ok=True, lim=self, tokens=n, time_to_act=now)
        if self.limit == 0:
            # A zero limit never refills: the burst is a one-off allowance.
            ok = self.burst >= n
            if ok:
                self.burst -= n
            return Reservation(ok=ok, lim=self, tokens=self.burst, time_to_act=now)

        now, tokens = self._advance(now)
        # Calculate the remaining number of tokens resulting from the request.
        tokens -= n
        # Calculate the wait duration.
        wait = 0.0
        if tokens < 0:
            wait = _duration_from_tokens(self.limit, -tokens)
        ok = n <= self.burst and wait <= max_future_reserve
        r = Reservation(ok=ok, lim=self, limit=self.limit)
        if ok:
            r.tokens = n
            r.time_to_act = now + wait
            self.last = now
            self.tokens = tokens
            self.last_event = r.time_to_act
        return r

    def _advance(self, now: float) -> tuple[float, float]:
        """``advance``: the state at ``now`` from the time that passed (does not mutate).

        If ``now`` is before ``last`` (a clock jump back), no tokens are added.
        """
        last = self.last
        if now < last:
            last = now
        elapsed = now - last
        tokens = self.tokens + _tokens_from_duration(self.limit, elapsed)
        return now, min(tokens, float(self.burst))

    def __repr__(self) -> str:
        return f"Limiter(limit={self.limit}, burst={self.burst}, tokens={self.tokens})"


# -- overall limiter and combinators -----------------------------------------------------------


class BucketRateLimiter:
    """``TypedBucketRateLimiter``: a :class:`Limiter` shared by all items.

    ``when(item)`` is ``limiter.Reserve().Delay()``: every call takes a token (whatever the
    item), so it limits the overall retry rate, not any one item's. ``num_requeues`` is always 0
    and ``forget`` does nothing, as upstream.

    ``clock`` gives virtual "now" (seconds); leave it out when the limiter goes into a
    :class:`~k8s_internals.client.workqueue.RateLimitingQueue`, which binds its kernel's clock.

    >>> t = 0.0
    >>> b = BucketRateLimiter(qps=10, burst=100, clock=lambda: t)
    >>> sum(b.when("k") for _ in range(100)), b.when("k")    # 100 free, the 101st waits 0.1 s
    (0.0, 0.1)
    """

    def __init__(self, qps: float = 10.0, burst: int = 100, clock: Clock | None = None) -> None:
        self.limiter = Limiter(qps, burst)
        self.clock = clock

    def bind_clock(self, clock: Clock) -> None:
        """Use ``clock`` if this limiter was built without one (what a queue calls)."""
        if self.clock is None:
            self.clock = clock

    def _now(self) -> float:
        if self.clock is None:
            raise RuntimeError(
                "BucketRateLimiter has no clock: pass clock=lambda: kernel.now, or give it to a "
                "RateLimitingQueue (which binds its kernel's clock)"
            )
        return self.clock()

    def when(self, item: Hashable) -> float:
        now = self._now()
        return self.limiter.reserve_n(now, 1).delay_from(now)

    def num_requeues(self, item: Hashable) -> int:
        return 0

    def forget(self, item: Hashable) -> None:
        return None

    def __repr__(self) -> str:
        return f"BucketRateLimiter(qps={self.limiter.limit}, burst={self.limiter.burst})"


class MaxOfRateLimiter:
    """``TypedMaxOfRateLimiter``: asks every limiter and returns the worst (largest) delay.

    Every limiter is asked on every call, so each one counts the failure (and the bucket spends
    a token) even when another one's delay wins. ``num_requeues`` is the largest count;
    ``forget`` forgets in all. As upstream notes, with a token bucket inside, the burst can
    appear to be exceeded when particular items were separately delayed longer.
    """

    def __init__(self, *limiters: RateLimiter) -> None:
        self.limiters: tuple[RateLimiter, ...] = limiters

    def bind_clock(self, clock: Clock) -> None:
        for limiter in self.limiters:
            bind = getattr(limiter, "bind_clock", None)
            if bind is not None:
                bind(clock)

    def when(self, item: Hashable) -> float:
        ret = 0.0
        for limiter in self.limiters:
            ret = max(ret, limiter.when(item))
        return ret

    def num_requeues(self, item: Hashable) -> int:
        return max((limiter.num_requeues(item) for limiter in self.limiters), default=0)

    def forget(self, item: Hashable) -> None:
        for limiter in self.limiters:
            limiter.forget(item)

    def __repr__(self) -> str:
        return f"MaxOfRateLimiter({', '.join(map(repr, self.limiters))})"


class WithMaxWaitRateLimiter:
    """``TypedWithMaxWaitRateLimiter``: another limiter's delay, but never more than
    ``max_delay``."""

    def __init__(self, limiter: RateLimiter, max_delay: float) -> None:
        self.limiter = limiter
        self.max_delay = max_delay

    def bind_clock(self, clock: Clock) -> None:
        bind = getattr(self.limiter, "bind_clock", None)
        if bind is not None:
            bind(clock)

    def when(self, item: Hashable) -> float:
        return min(self.limiter.when(item), self.max_delay)

    def num_requeues(self, item: Hashable) -> int:
        return self.limiter.num_requeues(item)

    def forget(self, item: Hashable) -> None:
        self.limiter.forget(item)


# -- defaults ---------------------------------------------------------------------------------


def default_controller_rate_limiter(clock: Clock | None = None) -> MaxOfRateLimiter:
    """``DefaultControllerRateLimiter`` (deprecated upstream in favour of
    ``DefaultTypedControllerRateLimiter``, same body): the larger of a per-item exponential
    backoff 5 ms → 1000 s and an overall token bucket of 10 qps, burst 100.

    Upstream's comment on the bucket: "This is only for retry speed and its only the overall
    factor (not per item)".
    """
    return MaxOfRateLimiter(
        ItemExponentialFailureRateLimiter(0.005, 1000.0),
        BucketRateLimiter(qps=10.0, burst=100, clock=clock),
    )


#: ``DefaultTypedControllerRateLimiter[T]()``: the current upstream name. Python has no type
#: parameter to pass, so it is the same function.
default_typed_controller_rate_limiter = default_controller_rate_limiter


def default_item_based_rate_limiter() -> ItemExponentialFailureRateLimiter:
    """``DefaultItemBasedRateLimiter`` / ``DefaultTypedItemBasedRateLimiter``: per-item
    exponential 1 ms → 1000 s, no bucket."""
    return ItemExponentialFailureRateLimiter(0.001, 1000.0)
