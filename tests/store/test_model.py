"""Model-based randomized test: both backends against the plain reference model of
:mod:`tests.store.model` (puts, ranges, deletes, txns, compactions, leases, watches).

Each seed is a fixed sequence of operations: a failure names the seed and the operation number,
and ``run_model(open_store("memory://", kernel=Kernel(0)), n_ops, seed)`` replays it. Real etcd
runs ~650 checked operations/s here, the embedded store ~10,000/s, hence more operations on it.
"""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.sim import Kernel
from k8s_internals.store import Store, Watch, open_store
from k8s_internals.store.memory import MemoryStore

from .model import ModelError, run_model

SEEDS = [0, 1, 2]
OPS = {"memory": 5000, "etcd": 1000}  # per seed: 15,000 and 3,000 operations per run


@pytest.mark.parametrize("seed", SEEDS)
def test_store_agrees_with_the_model(store: Store, backend: str, seed: int) -> None:
    stats = run_model(store, n_ops=OPS[backend], seed=seed)
    assert stats["ops"] == OPS[backend]
    # the run exercised what it is meant to
    for kind in ("put", "range", "delete", "txn", "compact", "lease_grant", "lease_revoke",
                 "watch", "errors checked", "watch events checked"):  # fmt: skip
        assert stats.get(kind, 0) > 0, kind


def test_memory_without_a_kernel_agrees_with_the_model() -> None:
    """No kernel: leases never expire and time-to-live reports the granted TTL."""
    stats = run_model(open_store("memory://"), n_ops=2000, seed=7)
    assert stats["lease_grant"] > 0


def test_the_model_catches_a_wrong_store() -> None:
    """The driver is not vacuous: a store whose watches drop ``prev_kv`` fails it."""

    class NoPrevKv(MemoryStore):
        def watch(  # type: ignore[override]
            self, key: bytes, prefix: bool = False, start_revision: int | None = None,
            prev_kv: bool = False, range_end: bytes | None = None, callback: Any = None,
        ) -> Watch:  # fmt: skip
            return super().watch(key, prefix, start_revision, False, range_end, callback)

    with pytest.raises(ModelError, match="prev_kv"):
        run_model(NoPrevKv(Kernel(0)), n_ops=2000, seed=0)
