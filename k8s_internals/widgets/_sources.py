"""What the views read, as small Protocols, and read-only helpers over them.

A view is given either a cluster (the :class:`~k8s_internals.cluster.Cluster` a notebook
starts from: ``kernel``, ``api``, ``run()``...) or just an API server (``kernel``, ``tracer``,
``etcd_entries()``...). It subscribes to the tracer's hooks and reads objects through the API
server's read-only etcd view (:meth:`APIServer.etcd_entries`), which makes no request — so a
view never adds traces, never moves the clock and never draws from the seeded RNG.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from ..api.resources import ResourceInfo, lookup
from ..api.trace import Tracer
from ..sim import Kernel

__all__ = [
    "APIView",
    "ClusterSurface",
    "Parts",
    "decode_entry",
    "key_prefix",
    "read_key",
    "read_objects",
    "resolve",
]


class APIView(Protocol):
    """The part of :class:`~k8s_internals.api.server.APIServer` the views read."""

    kernel: Kernel
    tracer: Tracer

    @property
    def revision(self) -> int: ...

    @property
    def compacted_revision(self) -> int: ...

    def etcd_entries(self, prefix: str = "/registry/", revision: int | None = None,
                     ) -> list[dict[str, Any]]: ...


class ClusterSurface(Protocol):
    """The part of the Cluster the views use (see DESIGN.md, "Public surface")."""

    kernel: Kernel
    api: APIView

    def run(self, seconds: float | None = None) -> Any: ...


@dataclass
class Parts:
    """A source taken apart: the API server, the kernel, and the cluster when there is one."""

    api: APIView
    kernel: Kernel
    cluster: Any | None = None


def resolve(source: Any) -> Parts:
    """``Cluster`` → its api and kernel; an API server → itself and its kernel."""
    api = getattr(source, "api", None)
    if api is not None and hasattr(api, "etcd_entries"):
        return Parts(api, getattr(source, "kernel", None) or api.kernel, source)
    if hasattr(source, "etcd_entries") and hasattr(source, "tracer"):
        return Parts(source, source.kernel, None)
    raise TypeError(f"expected a Cluster or an APIServer, got {type(source).__name__}")


def _info(resource: str, group: str = "") -> ResourceInfo:
    info = lookup(group, resource)
    if info is None:
        raise ValueError(f"unknown resource {group}/{resource}".replace("//", "/"))
    return info


def key_prefix(resource: str, group: str = "", namespace: str | None = None) -> str:
    """The etcd prefix of a resource (``/registry/minions/`` for nodes), or of one namespace."""
    info = _info(resource, group)
    if namespace and info.namespaced:
        return f"{info.key_prefix}{namespace}/"
    return info.key_prefix


def decode_entry(entry: dict[str, Any], info: ResourceInfo | None = None) -> dict[str, Any]:
    """A stored value as the API would return it: ``resourceVersion`` from ``mod_revision``,
    ``kind`` and ``apiVersion`` set."""
    obj: dict[str, Any] = json.loads(entry["value"])
    obj.setdefault("metadata", {})["resourceVersion"] = str(entry["mod_revision"])
    if info is not None:
        obj.setdefault("kind", info.kind)
        obj.setdefault("apiVersion", info.api_version)
    return obj


def read_objects(api: APIView, resource: str, group: str = "", namespace: str | None = None,
                 revision: int | None = None) -> list[dict[str, Any]]:
    """Every object of a resource (in key order), read through the etcd view."""
    info = _info(resource, group)
    out = []
    for e in api.etcd_entries(key_prefix(resource, group, namespace), revision):
        try:
            out.append(decode_entry(e, info))
        except ValueError:
            continue
    return out


def read_key(api: APIView, key: str, revision: int | None = None,
             info: ResourceInfo | None = None) -> dict[str, Any] | None:
    """One object by its etcd key (at ``revision``), or None."""
    for e in api.etcd_entries(key, revision):
        if e["key"] == key:
            try:
                return decode_entry(e, info)
            except ValueError:
                return None
    return None
