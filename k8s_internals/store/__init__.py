"""The etcd-like store: one interface (:mod:`.types`), two backends chosen by URL.

- ``memory://`` — :class:`~k8s_internals.store.memory.MemoryStore`, an embedded MVCC store shaped
  like etcd's ``server/storage/mvcc`` (revisions, key index with generations, synced/unsynced
  watchers, leases in virtual time, compaction).
- ``etcd://host:port`` — :class:`~k8s_internals.store.etcd.EtcdStore`, a real etcd through its v3
  gRPC gateway.

:func:`etcdctl` is a text front that prints what the real ``etcdctl`` 3.4 prints, on either
backend. Only :mod:`k8s_internals.api` may import this package (an import contract checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

# imported before ``etcdctl`` the function is defined below: loading the submodule binds the
# package attribute ``etcdctl`` to the module, and the ``def`` must come after to win
from .etcdctl import run as _etcdctl_run
from .types import (
    MAX_REQUEST_BYTES,
    CompactedError,
    Compare,
    DeleteRange,
    DeleteResponse,
    EventType,
    FutureRevisionError,
    KeyValue,
    Lease,
    LeaseNotFoundError,
    Put,
    PutResponse,
    Range,
    RangeResponse,
    RequestTooLargeError,
    Store,
    StoreError,
    TooManyOpsError,
    TxnResponse,
    Watch,
    WatchEvent,
    WatchResponse,
    create,
    lease,
    mod,
    prefix_range_end,
    value,
    version,
)

if TYPE_CHECKING:
    from ..sim import Kernel

__all__ = [
    "MAX_REQUEST_BYTES",
    "CompactedError",
    "Compare",
    "DeleteRange",
    "DeleteResponse",
    "EventType",
    "FutureRevisionError",
    "KeyValue",
    "Lease",
    "LeaseNotFoundError",
    "Put",
    "PutResponse",
    "Range",
    "RangeResponse",
    "RequestTooLargeError",
    "Store",
    "StoreError",
    "TooManyOpsError",
    "TxnResponse",
    "Watch",
    "WatchEvent",
    "WatchResponse",
    "create",
    "etcdctl",
    "lease",
    "mod",
    "open_store",
    "prefix_range_end",
    "value",
    "version",
]


def open_store(url: str = "memory://", kernel: Kernel | None = None, **options: Any) -> Store:
    """Open a store by URL: ``memory://`` (embedded; lease TTLs run on ``kernel``'s virtual clock
    when given) or ``etcd://host:port[,host:port...]`` (a real etcd)."""
    parsed = urlparse(url)
    if parsed.scheme == "memory":
        from .memory import MemoryStore

        return MemoryStore(kernel=kernel, **options)
    if parsed.scheme == "etcd":
        from .etcd import EtcdStore

        endpoints = [e for e in parsed.netloc.split(",") if e]
        if not endpoints:
            raise ValueError(f"etcd URL needs host:port: {url!r}")
        return EtcdStore(endpoints, **options)
    raise ValueError(f"unknown store URL {url!r}: use memory:// or etcd://host:port")


def etcdctl(store: Store, command: str) -> str:
    """Run an etcdctl 3.4 command line against ``store`` and return what etcdctl would print."""
    return _etcdctl_run(store, command)
