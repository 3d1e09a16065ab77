"""Store benchmark: the same workloads on the embedded store (``memory://``) and on a throwaway
real etcd (3.4, started with :class:`~k8s_internals.store.launcher.EtcdCluster` on loopback,
reached through its v3 gateway by :class:`~k8s_internals.store.etcd.EtcdStore`), in one run.

Workloads (1 KB values; keys ``/registry/bench/pNN/kNN``: 100 prefixes x 100 keys, the shape of
``/registry/<resource>/<namespace>/<name>`` that the API server lists):

- **puts** — 10,000 sequential puts, one client (what one API server does writing objects);
- **ranges** — 1,000 prefix ranges of 100 keys each over those 10,000 keys (a namespace list);
- **watch** — one prefix watcher while 10,000 puts are made: time from the first put to the
  last event received (the watch cache's feed).

Each repetition runs a workload on the embedded store and then on etcd, back to back, so both
see the same machine load; figures are the median ops/s per backend and the median of the
per-repetition ratios embedded / etcd (3 repetitions for puts and ranges, 1 for the watch, whose
etcd run alone takes ~10 s). The targets (from the store issue) are >= 20x on puts
and ranges. An extra line measures etcd puts through etcd3gw's own ``requests`` session, to show
what :class:`~k8s_internals.store.etcd.GatewayClient`'s ``http.client`` transport buys.

``K8S_INTERNALS_BENCH_QUICK=1`` (``python -m benchmarks --quick``) divides the sizes by 10.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from k8s_internals.store import Store, WatchResponse, open_store
from k8s_internals.store.etcd import EtcdStore
from k8s_internals.store.launcher import EtcdCluster, etcd_available

QUICK = os.environ.get("K8S_INTERNALS_BENCH_QUICK") == "1"
SCALE = 10 if QUICK else 1

PREFIXES = 100
KEYS_PER_PREFIX = 100
N_PUTS = PREFIXES * KEYS_PER_PREFIX // SCALE
N_RANGES = 1000 // SCALE
N_EVENTS = 10_000 // SCALE
N_PUTS_REQUESTS = 2_000 // SCALE
PER_RANGE = N_PUTS // PREFIXES  # keys each prefix range returns (100)
VALUE = b"v" * 1024
TARGET = 20.0


def key(i: int) -> bytes:
    return b"/registry/bench/p%02d/k%02d" % (i % PREFIXES, (i // PREFIXES) % KEYS_PER_PREFIX)


def prefix(i: int) -> bytes:
    return b"/registry/bench/p%02d/" % (i % PREFIXES)


# -- workloads: each returns ops/s ------------------------------------------------------------


def bench_puts(store: Store, n: int = N_PUTS) -> float:
    keys = [key(i) for i in range(n)]
    put = store.put
    start = time.perf_counter()
    for k in keys:
        put(k, VALUE)
    return n / (time.perf_counter() - start)


def bench_ranges(store: Store, n: int = N_RANGES) -> float:
    """Prefix ranges of 100 keys; the store already holds the 10,000 keys from the puts."""
    prefixes = [prefix(i) for i in range(n)]
    rng = store.range
    start = time.perf_counter()
    for p in prefixes:
        if len(rng(p, prefix=True).kvs) != PER_RANGE:
            raise AssertionError(f"range {p!r}: not {PER_RANGE} keys")
    return n / (time.perf_counter() - start)


def bench_watch(store: Store, n: int = N_EVENTS) -> float:
    """One prefix watcher, ``n`` puts: events/s from the first put to the last event."""
    done = threading.Event()
    received = 0
    last_at = 0.0

    def on_response(resp: WatchResponse) -> None:
        nonlocal received, last_at
        received += len(resp.events)
        if received >= n:
            last_at = time.perf_counter()
            done.set()

    base = b"/registry/watchbench/%d/" % time.monotonic_ns()
    keys = [base + b"k%05d" % i for i in range(n)]
    watch = store.watch(base, prefix=True, callback=on_response)
    try:
        start = time.perf_counter()
        for k in keys:
            store.put(k, VALUE)
        if not done.wait(120):
            raise TimeoutError(f"watch: {received} of {n} events after 120 s")
        return n / (last_at - start)
    finally:
        watch.cancel()


# -- running ----------------------------------------------------------------------------------

WORKLOADS: list[tuple[str, str, Callable[[Store], float], int, float | None]] = [
    # name, label, function, repetitions (pairs), target ratio embedded / etcd
    ("puts", "puts (sequential, 1 KB)", bench_puts, 3, TARGET),
    ("ranges", f"prefix ranges ({PER_RANGE} keys)", bench_ranges, 3, TARGET),
    ("watch", "watch (events, put to event)", bench_watch, 1, None),
]


@dataclass
class Figures:
    """ops/s per repetition and per workload, for each backend, and the ratio of each pair."""

    runs: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    ratios: dict[str, list[float]] = field(default_factory=dict)

    def add(self, backend: str, workload: str, value: float) -> None:
        self.runs.setdefault((backend, workload), []).append(value)

    def median(self, backend: str, workload: str) -> float | None:
        values = self.runs.get((backend, workload))
        return statistics.median(values) if values else None

    def ratio(self, workload: str) -> float | None:
        values = self.ratios.get(workload)
        return statistics.median(values) if values else None


def measure(stores: dict[str, Store], figures: Figures) -> None:
    """Each repetition runs the workload on every backend back to back (embedded, then etcd),
    so a pair sees the same machine load; the ratio is the median of the pairs' ratios."""
    for name, _label, bench, repeats, _target in WORKLOADS:
        print(f"  {name}: ", end="", flush=True)
        for _ in range(repeats):
            pair = {backend: bench(store) for backend, store in stores.items()}
            for backend, value in pair.items():
                figures.add(backend, name, value)
            if len(pair) == 2:
                figures.ratios.setdefault(name, []).append(pair["embedded"] / pair["etcd"])
            print(" ".join(f"{b}={v:,.0f}/s" for b, v in pair.items()), end="; ", flush=True)
        print()


@contextmanager
def embedded_store() -> Iterator[Store | None]:
    try:
        store = open_store("memory://")
    except ImportError as e:  # the embedded backend is written separately
        print(f"  embedded store not available: {e}")
        yield None
        return
    try:
        yield store
    finally:
        store.close()


@contextmanager
def etcd_store() -> Iterator[tuple[EtcdCluster, Store] | None]:
    if not etcd_available():
        print("  etcd is not installed (make install): real-etcd figures skipped")
        yield None
        return
    with EtcdCluster(1) as cluster, open_store(cluster.url) as real:
        yield cluster, real


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}/s"


def report(figures: Figures, requests_puts: float | None) -> None:
    print()
    print(f"  {'workload':<30}{'embedded':>14}{'etcd':>12}{'ratio':>9}  target")
    for name, label, _bench, _repeats, target in WORKLOADS:
        ratio = figures.ratio(name)
        ratio_s = "-" if ratio is None else f"{ratio:,.1f}x"
        if target is None:
            verdict = "(none)"
        elif ratio is None:
            verdict = f">= {target:.0f}x: not measured"
        else:
            verdict = f">= {target:.0f}x: {'met' if ratio >= target else 'NOT met'}"
        embedded, etcd = figures.median("embedded", name), figures.median("etcd", name)
        print(f"  {label:<30}{fmt(embedded):>14}{fmt(etcd):>12}{ratio_s:>9}  {verdict}")
    if requests_puts is not None:
        label = "etcd puts, etcd3gw requests"
        note = f"(vs the http.client transport: {fmt(figures.median('etcd', 'puts'))})"
        print(f"  {label:<30}{'':>14}{fmt(requests_puts):>12}{'':>9}  {note}")


def main() -> None:
    print(
        f"store_bench: 1 KB values; {N_PUTS:,} puts, {N_RANGES:,} prefix ranges of {PER_RANGE}"
        f" keys, {N_EVENTS:,} watch events; embedded and etcd run back to back per repetition,"
        f" medians" + (" [QUICK]" if QUICK else "")
    )
    figures = Figures()
    requests_puts: float | None = None
    with embedded_store() as embedded, etcd_store() as real:
        stores: dict[str, Store] = {}
        if embedded is not None:
            stores["embedded"] = embedded
        if real is not None:
            stores["etcd"] = real[1]
        measure(stores, figures)
        if real is not None:
            with EtcdStore(real[0].endpoints, transport="requests") as slow:
                requests_puts = bench_puts(slow, N_PUTS_REQUESTS)
    report(figures, requests_puts)


if __name__ == "__main__":
    main()
