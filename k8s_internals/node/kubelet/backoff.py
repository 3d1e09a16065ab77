"""Exponential back-off per key, as client-go's ``util/flowcontrol/backoff.go`` (``Backoff``).

The kubelet keeps two: one for container restarts (``CrashLoopBackOff``) and one for image pulls
(``ImagePullBackOff``), both ``flowcontrol.NewBackOff(10s, 300s)`` (``backOffPeriod`` and
``MaxContainerBackOff`` in ``pkg/kubelet/kubelet.go``) — without jitter, so the curve is exactly
10 s, 20 s, 40 s, 80 s, 160 s, 300 s, 300 s... An entry whose last update is older than twice the
maximum (10 minutes) has *expired*: the next failure starts again at 10 s — which is why a
container that ran for more than 10 minutes restarts without delay.

:func:`go_duration` prints a duration as Go's ``time.Duration.String`` does (``1m20s``), which is
how the back-off appears in messages (``back-off 1m20s restarting failed container=...``).

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DEFAULT_BACKOFF", "MAX_CONTAINER_BACKOFF", "Backoff", "go_duration"]

#: ``backOffPeriod`` (``pkg/kubelet/kubelet.go``)
DEFAULT_BACKOFF = 10.0
#: ``MaxContainerBackOff`` (``pkg/kubelet/kubelet.go``)
MAX_CONTAINER_BACKOFF = 300.0
#: virtual times are floats: a back-off that ends "now" has ended
_EPS = 1e-6


@dataclass
class _Entry:
    backoff: float
    last_update: float


class Backoff:
    """``flowcontrol.Backoff`` (no jitter) on a clock given as a function."""

    def __init__(self, clock: Callable[[], float], initial: float = DEFAULT_BACKOFF,
                 maximum: float = MAX_CONTAINER_BACKOFF) -> None:
        self.clock = clock
        self.initial = initial
        self.maximum = maximum
        self.entries: dict[str, _Entry] = {}

    def _expired(self, event_time: float, last_update: float) -> bool:
        """``hasExpired``: stable for twice the maximum."""
        return event_time - last_update > self.maximum * 2

    def get(self, key: str) -> float:
        """The current delay for ``key`` (0 if none)."""
        e = self.entries.get(key)
        return e.backoff if e else 0.0

    def next(self, key: str, event_time: float) -> None:
        """``Next``: start at the initial delay, or double it (up to the maximum)."""
        e = self.entries.get(key)
        if e is None or self._expired(event_time, e.last_update):
            e = _Entry(self.initial, 0.0)
            self.entries[key] = e
        else:
            e.backoff = min(e.backoff * 2, self.maximum)
        e.last_update = self.clock()

    def is_in_backoff_since(self, key: str, event_time: float) -> bool:
        """``IsInBackOffSince``: less than the current delay has passed since ``event_time``."""
        e = self.entries.get(key)
        if e is None or self._expired(event_time, e.last_update):
            return False
        return self.clock() - event_time < e.backoff - _EPS

    def is_in_backoff_since_update(self, key: str, event_time: float) -> bool:
        """``IsInBackOffSinceUpdate``: less than the current delay since the last update."""
        e = self.entries.get(key)
        if e is None or self._expired(event_time, e.last_update):
            return False
        return event_time - e.last_update < e.backoff - _EPS

    def remaining_since(self, key: str, event_time: float) -> float:
        """Seconds until ``is_in_backoff_since(key, event_time)`` turns false."""
        e = self.entries.get(key)
        return max(0.0, event_time + e.backoff - self.clock()) if e else 0.0

    def remaining_since_update(self, key: str) -> float:
        e = self.entries.get(key)
        return max(0.0, e.last_update + e.backoff - self.clock()) if e else 0.0

    def gc(self) -> None:
        """``GC``: forget entries that have expired."""
        now = self.clock()
        for key in [k for k, e in self.entries.items() if self._expired(now, e.last_update)]:
            del self.entries[key]

    def reset(self, key: str) -> None:
        self.entries.pop(key, None)


def go_duration(seconds: float) -> str:
    """``time.Duration.String``: ``300ms``, ``1.5s``, ``1m20s``, ``5m0s``, ``1h0m0s``.

    >>> [go_duration(s) for s in (0, 0.0015, 0.5, 3.604, 80, 300, 3600)]
    ['0s', '1.5ms', '500ms', '3.604s', '1m20s', '5m0s', '1h0m0s']
    """
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size or unit == "ns":
                return sign + _frac(ns, size) + unit
    hours, rem = divmod(ns, 3_600_000_000_000)
    minutes, rem = divmod(rem, 60_000_000_000)
    secs = _frac(rem, 1_000_000_000) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{secs}"
    if minutes:
        return f"{sign}{minutes}m{secs}"
    return sign + secs


def _frac(value: int, unit: int) -> str:
    whole, rest = divmod(value, unit)
    if not rest:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}.{rest:0{digits}d}".rstrip("0")
