"""Rate limiters and the token bucket.

Ported from client-go ``util/workqueue/default_rate_limiters_test.go`` and
``golang.org/x/time/rate/rate_test.go``; the comments show the arithmetic. Durations are
seconds (``MS = 0.001``).
"""

from __future__ import annotations

import math

import pytest

from k8s_internals.client.rate_limiter import (
    INF,
    INF_DURATION,
    BucketRateLimiter,
    ItemExponentialFailureRateLimiter,
    ItemFastSlowRateLimiter,
    Limiter,
    MaxOfRateLimiter,
    RateLimiter,
    WithMaxWaitRateLimiter,
    default_controller_rate_limiter,
    default_item_based_rate_limiter,
    default_typed_controller_rate_limiter,
    every,
)

MS = 0.001
MINUTE = 60.0
HOUR = 3600.0


class Clock:
    """A settable virtual clock (what ``lambda: kernel.now`` is in the simulation)."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# -- ItemExponentialFailureRateLimiter ---------------------------------------------------------


def test_item_exponential_failure_rate_limiter() -> None:
    # TestItemExponentialFailureRateLimiter: base 1 ms, max 1 s.
    limiter = ItemExponentialFailureRateLimiter(1 * MS, 1.0)
    steps: list[tuple[str, float]] = [
        ("one", 1 * MS),   # failures before = 0: 1 ms * 2**0
        ("one", 2 * MS),   # 1: 1 ms * 2**1
        ("one", 4 * MS),   # 2: 1 ms * 2**2
        ("one", 8 * MS),   # 3
        ("one", 16 * MS),  # 4
    ]
    for item, want in steps:
        assert limiter.when(item) == want
    assert limiter.num_requeues("one") == 5

    assert limiter.when("two") == 1 * MS  # per item: "two" starts at 2**0
    assert limiter.when("two") == 2 * MS
    assert limiter.num_requeues("two") == 2

    limiter.forget("one")
    assert limiter.num_requeues("one") == 0
    assert limiter.when("one") == 1 * MS  # forgotten: back to the base delay


def test_item_exponential_failure_rate_limiter_overflow() -> None:
    # TestItemExponentialFailureRateLimiterOverFlow.
    limiter = ItemExponentialFailureRateLimiter(1 * MS, 1000.0)
    for _ in range(5):
        limiter.when("one")
    assert limiter.when("one") == 32 * MS  # 1 ms * 2**5

    for _ in range(1000):
        limiter.when("overflow1")
    # 1e6 ns * 2**1000 does not fit an int64 (nor, from 2**1024 on, a float): the guard
    # returns max_delay instead of a wrapped-around negative duration.
    assert limiter.when("overflow1") == 1000.0

    limiter = ItemExponentialFailureRateLimiter(1 * MINUTE, 1000 * HOUR)
    for _ in range(2):
        limiter.when("two")
    assert limiter.when("two") == 4 * MINUTE  # 1 min * 2**2

    for _ in range(1000):
        limiter.when("overflow2")
    assert limiter.when("overflow2") == 1000 * HOUR


@pytest.mark.parametrize(
    ("failures", "want"),
    [
        (0, 0.005),     # 5 ms * 2**0
        (1, 0.010),     # 5 ms * 2**1
        (2, 0.020),     # 5 ms * 2**2
        (3, 0.040),
        (4, 0.080),
        (5, 0.160),
        (10, 5.120),    # 5 ms * 1024
        (14, 81.920),   # 5 ms * 16384
        (17, 655.360),  # 5 ms * 131072: the last one under the cap (10m55s)
        (18, 1000.0),   # 5 ms * 262144 = 1310.72 s > 1000 s: capped
        (62, 1000.0),   # 5e6 ns * 2**62 > MaxInt64: the overflow guard, not a wrap-around
        (2000, 1000.0), # 2**2000 overflows a float64 (Go: +Inf): still max_delay
    ],
)
def test_default_controller_exponential_table(failures: int, want: float) -> None:
    limiter = ItemExponentialFailureRateLimiter(0.005, 1000.0)
    limiter.failures["ns/key"] = failures
    assert limiter.when("ns/key") == want  # exact: computed in integer nanoseconds
    assert limiter.num_requeues("ns/key") == failures + 1


def test_exponential_delays_are_exact_nanoseconds() -> None:
    # 5 ms * 2**n is computed in integer nanoseconds, so the floats are exactly the literals.
    limiter = ItemExponentialFailureRateLimiter()
    assert [limiter.when("k") for _ in range(4)] == [0.005, 0.01, 0.02, 0.04]


def test_default_item_based_rate_limiter() -> None:
    limiter = default_item_based_rate_limiter()
    assert [limiter.when("k") for _ in range(3)] == [0.001, 0.002, 0.004]  # 1 ms * 2**n


# -- ItemFastSlowRateLimiter -------------------------------------------------------------------


def test_item_fast_slow_rate_limiter() -> None:
    # TestItemFastSlowRateLimiter: 5 ms for the first 3 failures, then 10 s.
    limiter = ItemFastSlowRateLimiter(5 * MS, 10.0, 3)
    assert [limiter.when("one") for _ in range(5)] == [5 * MS, 5 * MS, 5 * MS, 10.0, 10.0]
    assert limiter.num_requeues("one") == 5

    assert [limiter.when("two") for _ in range(2)] == [5 * MS, 5 * MS]
    assert limiter.num_requeues("two") == 2

    limiter.forget("one")
    assert limiter.num_requeues("one") == 0
    assert limiter.when("one") == 5 * MS


# -- MaxOfRateLimiter / WithMaxWaitRateLimiter -------------------------------------------------


def test_max_of_rate_limiter() -> None:
    # TestMaxOfRateLimiter: fast/slow (5 ms x3, then 3 s) vs exponential (1 ms → 1 s).
    limiter = MaxOfRateLimiter(
        ItemFastSlowRateLimiter(5 * MS, 3.0, 3),
        ItemExponentialFailureRateLimiter(1 * MS, 1.0),
    )
    # failure:      1              2              3              4             5
    # fast/slow:    5 ms           5 ms           5 ms           3 s           3 s
    # exponential:  1 ms           2 ms           4 ms           8 ms          16 ms
    # max:          5 ms           5 ms           5 ms           3 s           3 s
    assert [limiter.when("one") for _ in range(5)] == [5 * MS, 5 * MS, 5 * MS, 3.0, 3.0]
    assert limiter.num_requeues("one") == 5

    assert [limiter.when("two") for _ in range(2)] == [5 * MS, 5 * MS]
    assert limiter.num_requeues("two") == 2

    limiter.forget("one")
    assert limiter.num_requeues("one") == 0
    assert limiter.when("one") == 5 * MS


class StepRateLimiter:
    """The test helper from default_rate_limiters_test.go: base_delay for the first
    ``threshold`` calls overall, then max_delay."""

    def __init__(self, base_delay: float, max_delay: float, threshold: int) -> None:
        self.base_delay, self.max_delay, self.threshold = base_delay, max_delay, threshold
        self.count = 0

    def when(self, item: object) -> float:
        self.count += 1
        return self.base_delay if self.count <= self.threshold else self.max_delay

    def num_requeues(self, item: object) -> int:
        return 0

    def forget(self, item: object) -> None:
        pass


def test_with_max_wait_rate_limiter() -> None:
    # TestWithMaxWaitRateLimiter: the inner limiter jumps to 1000 s; the wrapper caps at 500 s.
    limiter = WithMaxWaitRateLimiter(StepRateLimiter(5 * MS, 1000.0, 100), 500.0)
    assert all(limiter.when(i) == 5 * MS for i in range(100))
    assert all(limiter.when(i) == 500.0 for i in range(100, 200))


def test_limiters_satisfy_the_protocol() -> None:
    for limiter in (
        ItemExponentialFailureRateLimiter(),
        ItemFastSlowRateLimiter(0.1, 1.0, 1),
        BucketRateLimiter(clock=Clock()),
        MaxOfRateLimiter(),
        WithMaxWaitRateLimiter(ItemExponentialFailureRateLimiter(), 1.0),
        StepRateLimiter(1, 2, 3),
    ):
        assert isinstance(limiter, RateLimiter)


# -- BucketRateLimiter -------------------------------------------------------------------------


def test_bucket_101st_call_in_the_same_instant_waits_a_tenth_of_a_second() -> None:
    clock = Clock(0.0)
    bucket = BucketRateLimiter(qps=10, burst=100, clock=clock)
    # The bucket starts full: 100 tokens. Calls 1..100 take one each: no wait.
    assert [bucket.when(f"k{i}") for i in range(100)] == [0.0] * 100
    # Call 101: tokens 0 -> -1; refilling 1 token at 10/s takes 1/10 s.
    assert bucket.when("k100") == 0.1
    # Call 102: -1 -> -2; 2 tokens take 0.2 s (the reservations queue up).
    assert bucket.when("k101") == 0.2
    assert bucket.num_requeues("k0") == 0  # the bucket never counts per item
    bucket.forget("k0")  # and forget is a no-op


def test_bucket_refills_continuously() -> None:
    clock = Clock(0.0)
    bucket = BucketRateLimiter(qps=10, burst=100, clock=clock)
    for i in range(100):
        bucket.when(i)  # empty the bucket at t=0
    clock.now = 0.05  # 0.05 s * 10/s = 0.5 token: not enough for a whole one
    assert bucket.limiter.tokens_at(clock.now) == pytest.approx(0.5)
    assert bucket.when("a") == pytest.approx(0.05)  # 0.5 -> -0.5: wait 0.5 / 10 = 0.05 s
    clock.now = 10.0  # 9.95 s later: +99.5 tokens, -0.5 + 99.5 = 99
    assert bucket.limiter.tokens_at(clock.now) == pytest.approx(99.0)
    clock.now = 1000.0  # never more than the burst
    assert bucket.limiter.tokens_at(clock.now) == 100.0


def test_bucket_needs_a_clock() -> None:
    bucket = BucketRateLimiter()
    with pytest.raises(RuntimeError, match="no clock"):
        bucket.when("k")
    bucket.bind_clock(lambda: 0.0)
    assert bucket.when("k") == 0.0
    other = Clock(5.0)
    bucket.bind_clock(other)  # an already-set clock is kept
    assert bucket.clock is not other


# -- default controller rate limiter -----------------------------------------------------------


def test_default_controller_rate_limiter_one_failing_key() -> None:
    clock = Clock(0.0)
    limiter = default_controller_rate_limiter(clock)
    # One key failing on its own: the bucket has tokens, so the exponential part wins.
    #   failure n:  max(5 ms * 2**(n-1), 0) = 5, 10, 20, 40, 80 ms
    assert [limiter.when("ns/a") for _ in range(5)] == [0.005, 0.01, 0.02, 0.04, 0.08]
    assert limiter.num_requeues("ns/a") == 5  # max(exponential 5, bucket 0)
    limiter.forget("ns/a")
    assert limiter.num_requeues("ns/a") == 0


def test_default_controller_rate_limiter_many_keys_hit_the_bucket() -> None:
    clock = Clock(0.0)
    limiter = default_controller_rate_limiter(clock)
    # 150 different keys fail once each, all at t=0. Per item each is at 5 ms.
    delays = [limiter.when(f"ns/k{i}") for i in range(150)]
    # Keys 0..99 take the 100 burst tokens: max(5 ms, 0) = 5 ms.
    assert delays[:100] == [0.005] * 100
    # Key 100: tokens -1 -> 0.1 s; key 101: 0.2 s; ... key 149: 50 tokens owed -> 5.0 s.
    assert delays[100] == 0.1
    assert delays[101] == 0.2
    assert delays[149] == pytest.approx(5.0)


def test_default_typed_controller_rate_limiter_is_the_same_recipe() -> None:
    limiter = default_typed_controller_rate_limiter(Clock())
    exponential, bucket = limiter.limiters
    assert isinstance(exponential, ItemExponentialFailureRateLimiter)
    assert (exponential.base_delay, exponential.max_delay) == (0.005, 1000.0)
    assert isinstance(bucket, BucketRateLimiter)
    assert (bucket.limiter.limit, bucket.limiter.burst) == (10.0, 100)


# -- golang.org/x/time/rate: Limiter ----------------------------------------------------------

D = 0.1  # rate_test.go's d = 100 ms; t<n> = t0 + n*d
T0, T1, T2, T3, T4, T5, T9 = (n * D for n in (0, 1, 2, 3, 4, 5, 9))


@pytest.mark.parametrize(
    ("interval", "limit"),
    [(0, INF), (-1, INF), (1e-9, 1e9), (1e-3, 1e3), (0.01, 100), (0.1, 10), (1, 1), (2, 0.5),
     (2.5, 0.4), (4, 0.25), (10, 0.1)],
)
def test_every(interval: float, limit: float) -> None:
    # TestEvery: a minimum interval between events as a rate (events per second).
    assert every(interval) == pytest.approx(limit)


def run_allows(lim: Limiter, allows: list[tuple[float, int, bool]]) -> None:
    for step, (t, n, ok) in enumerate(allows):
        assert lim.allow_n(t, n) is ok, f"step {step}: allow_n(t={t}, n={n})"


def test_limiter_burst1() -> None:
    # TestLimiterBurst1: 10/s, burst 1: one token per 100 ms.
    run_allows(Limiter(10, 1), [
        (T0, 1, True), (T0, 1, False), (T0, 1, False),
        (T1, 1, True), (T1, 1, False), (T1, 1, False),
        (T2, 2, False),  # burst size is 1, so n=2 always fails
        (T2, 1, True), (T2, 1, False),
    ])


def test_limiter_burst3() -> None:
    # TestLimiterBurst3: 10/s, burst 3.
    run_allows(Limiter(10, 3), [
        (T0, 2, True), (T0, 2, False), (T0, 1, True), (T0, 1, False),  # 3 -> 1 -> 0
        (T1, 4, False),                                                 # n > burst
        (T2, 1, True), (T3, 1, True),                                   # 1 token per d
        (T4, 1, True), (T4, 1, True), (T4, 1, False), (T4, 1, False),
        (T9, 3, True),                                                  # refilled to 3
        (T9, 0, True),
    ])


def test_limiter_jump_backwards() -> None:
    # TestLimiterJumpBackwards: a clock that goes back adds no tokens (and takes none).
    run_allows(Limiter(10, 3), [
        (T1, 1, True),  # start at t1
        (T0, 1, True),  # jump back to t0, two tokens remain
        (T0, 1, True), (T0, 1, False), (T0, 1, False),
        (T1, 1, True),  # got a token
        (T1, 1, False), (T1, 1, False),
        (T2, 1, True),  # got another token
        (T2, 1, False), (T2, 1, False),
    ])


def test_limiter_no_truncation_errors() -> None:
    # TestLimiter_noTruncationErrors (golang.org/issues/34861).
    assert Limiter(0.7692307692307693, 1).allow_n(12345.678, 1)


def test_simultaneous_requests() -> None:
    # TestSimultaneousRequests: a slow bucket (1/s, burst 5) lets exactly 5 of 15 through.
    lim = Limiter(1, 5)
    assert sum(lim.allow_n(0.0, 1) for _ in range(15)) == 5


def run_reserve(lim: Limiter, t: float, n: int, act: float, ok: bool,
                max_reserve: float = INF_DURATION) -> object:
    r = lim._reserve_n(t, n, max_reserve)
    assert r.ok is ok, f"reserve_n(t={t}, n={n}).ok"
    if ok:
        assert r.time_to_act == pytest.approx(act), f"reserve_n(t={t}, n={n}).time_to_act"
    return r


def test_simple_reserve() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T0, 2, T0, True)  # 2 -> 0
    run_reserve(lim, T0, 2, T2, True)  # 0 -> -2: 2 tokens / 10 per s = t0 + 0.2 s
    run_reserve(lim, T3, 2, T4, True)  # -2 + 3 = 1 -> -1: wait 0.1 s from t3


def test_mix() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T0, 3, T1, False)  # n > burst
    run_reserve(lim, T0, 2, T0, True)
    run_allows(lim, [(T1, 2, False)])   # not enough tokens - don't allow
    run_reserve(lim, T1, 2, T2, True)
    run_allows(lim, [(T1, 1, False)])   # negative tokens - don't allow
    run_allows(lim, [(T3, 1, True)])


def test_cancel_invalid() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T0, 2, T0, True)
    r = run_reserve(lim, T0, 3, T3, False)
    r.cancel_at(T0)  # should have no effect
    run_reserve(lim, T0, 2, T2, True)  # did not get extra tokens


def test_cancel_last() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T0, 2, T0, True)
    r = run_reserve(lim, T0, 2, T2, True)
    r.cancel_at(T1)  # got 2 tokens back
    run_reserve(lim, T1, 2, T2, True)


def test_cancel_too_late() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T0, 2, T0, True)
    r = run_reserve(lim, T0, 2, T2, True)
    r.cancel_at(T3)  # too late to cancel - should have no effect
    run_reserve(lim, T3, 2, T4, True)


def test_cancel_0_tokens() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T0, 2, T0, True)
    r = run_reserve(lim, T0, 1, T1, True)
    run_reserve(lim, T0, 1, T2, True)
    r.cancel_at(T0)  # got 0 tokens back: the later reservation keeps its place
    run_reserve(lim, T0, 1, T3, True)


def test_cancel_1_token() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T0, 2, T0, True)
    r = run_reserve(lim, T0, 2, T2, True)
    run_reserve(lim, T0, 1, T3, True)
    r.cancel_at(T2)  # got 1 token back
    run_reserve(lim, T2, 2, T4, True)


def test_cancel_multi() -> None:
    lim = Limiter(10, 4)
    run_reserve(lim, T0, 4, T0, True)
    r_a = run_reserve(lim, T0, 3, T3, True)
    run_reserve(lim, T0, 1, T4, True)
    r_c = run_reserve(lim, T0, 1, T5, True)
    r_c.cancel_at(T1)  # get 1 token back
    r_a.cancel_at(T1)  # get 2 tokens back, as if C was never reserved
    run_reserve(lim, T1, 3, T5, True)


def test_reserve_jump_back() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T1, 2, T1, True)  # start at t1
    run_reserve(lim, T0, 1, T1, True)  # should violate Limit,Burst
    run_reserve(lim, T2, 2, T3, True)


def test_reserve_jump_back_cancel() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T1, 2, T1, True)  # start at t1
    r = run_reserve(lim, T1, 2, T3, True)
    run_reserve(lim, T1, 1, T4, True)
    r.cancel_at(T0)  # cancel at t0, get 1 token back
    run_reserve(lim, T1, 2, T4, True)  # should violate Limit,Burst


def test_reserve_set_limit() -> None:
    lim = Limiter(5, 2)
    run_reserve(lim, T0, 2, T0, True)
    run_reserve(lim, T0, 2, T4, True)  # 2 tokens at 5/s = 0.4 s
    lim.set_limit_at(T2, 10)
    run_reserve(lim, T2, 1, T4, True)  # violates Limit and Burst


def test_reserve_set_burst() -> None:
    lim = Limiter(5, 2)
    run_reserve(lim, T0, 2, T0, True)
    run_reserve(lim, T0, 2, T4, True)
    lim.set_burst_at(T3, 4)
    run_reserve(lim, T0, 4, T9, True)  # violates Limit and Burst


def test_reserve_set_limit_cancel() -> None:
    lim = Limiter(5, 2)
    run_reserve(lim, T0, 2, T0, True)
    r = run_reserve(lim, T0, 2, T4, True)
    lim.set_limit_at(T2, 10)
    r.cancel_at(T2)  # 2 tokens back
    run_reserve(lim, T2, 2, T3, True)


def test_reserve_max() -> None:
    lim = Limiter(10, 2)
    run_reserve(lim, T0, 2, T0, True, max_reserve=D)
    run_reserve(lim, T0, 1, T1, True, max_reserve=D)   # reserve for close future
    run_reserve(lim, T0, 1, T2, False, max_reserve=D)  # time to act too far in the future


def test_zero_limit() -> None:
    # TestZeroLimit: a zero limit never refills; the burst is a one-off allowance.
    lim = Limiter(0, 1)
    assert lim.allow_n(0.0, 1)
    assert not lim.allow_n(1e9, 1)


def test_inf_limit_ignores_burst() -> None:
    lim = Limiter(INF, 0)
    assert lim.reserve_n(0.0, 3).delay_from(0.0) == 0.0


def test_reservation_not_ok_has_infinite_delay() -> None:
    r = Limiter(10, 1).reserve_n(0.0, 2)  # n > burst
    assert not r.ok
    assert math.isinf(r.delay_from(0.0))


def test_delay_truncates_to_whole_nanoseconds() -> None:
    # 1 token at 3/s is 0.3333... s; Go's time.Duration truncates to 333333333 ns.
    lim = Limiter(3, 1)
    lim.allow_n(0.0, 1)
    assert lim.reserve_n(0.0, 1).delay_from(0.0) == 0.333333333
