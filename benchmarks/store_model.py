"""The model-based randomized check at benchmark scale: 10,000+ random puts, deletes, txns,
compactions, leases and watches per backend, each checked against the reference model of
``tests/store/model.py`` (every watch stream ordered and gap-free). Prints operations per
second and the number of divergences (the run stops at the first one, so it is 0 or 1).
"""

from __future__ import annotations

import os
import time

from k8s_internals.sim import Kernel
from k8s_internals.store import open_store
from k8s_internals.store.launcher import EtcdCluster
from tests.store.model import ModelError, run_model


def _run(name: str, make, n_ops: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    store = make()
    try:
        start = time.perf_counter()
        divergences = 0
        try:
            counts = run_model(store, n_ops, seed)
        except ModelError as exc:
            divergences = 1
            counts = {}
            print(f"  DIVERGENCE on {name}: {exc}")
        took = time.perf_counter() - start
        ops = counts.get("ops", n_ops)
        print(f"  {name:<8} {ops:>6} operations in {took:6.2f} s = {ops / took:9,.0f} ops/s, "
              f"{counts.get('watch events checked', 0)} watch events checked, "
              f"{counts.get('watches opened', 0)} watches, divergences: {divergences}")
    finally:
        store.close()


def main() -> None:
    quick = os.environ.get("K8S_INTERNALS_BENCH_QUICK") == "1"
    n_ops = 1000 if quick else 10000
    print(f"model check: {n_ops} random operations per backend, seed 0")
    _run("memory", lambda: open_store("memory://", kernel=Kernel(0)), n_ops, 0)
    with EtcdCluster(1) as etcd:
        _run("etcd", lambda: open_store(etcd.url), n_ops, 0)


if __name__ == "__main__":
    main()
