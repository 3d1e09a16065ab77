"""Listers: the read-only views of other resources that plugins use (Services for default
topology spreading, PVCs/PVs/StorageClasses for volume binding, Namespaces for affinity
namespace selectors...).

Upstream plugins read ``handle.SharedInformerFactory().Core().V1().Services().Lister()``; the
factory starts only the informers that were asked for. :class:`InformerListers` does the same
with our :class:`~k8s_internals.client.informer.InformerFactory`; :class:`StaticListers` serves
fixed lists (unit tests, benchmarks without an API server).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..api.resources import find
from ..client.informer import Informer, InformerFactory

__all__ = ["InformerLister", "InformerListers", "StaticLister", "StaticListers"]

Obj = dict[str, Any]


class StaticLister:
    """A lister over a list of objects (mutable: tests may append)."""

    def __init__(self, items: Iterable[Obj] = ()) -> None:
        self.items: list[Obj] = list(items)

    def list(self, namespace: str = "") -> list[Obj]:
        if not namespace:
            return list(self.items)
        return [o for o in self.items if (o.get("metadata") or {}).get("namespace") == namespace]

    def get(self, namespace: str, name: str) -> Obj | None:
        for o in self.items:
            meta = o.get("metadata") or {}
            if meta.get("name") == name and meta.get("namespace", "") == namespace:
                return o
        return None


class StaticListers:
    """resource → :class:`StaticLister` (unknown resources are empty)."""

    def __init__(self, **items: Iterable[Obj]) -> None:
        self._listers = {k: StaticLister(v) for k, v in items.items()}

    def lister(self, resource: str) -> StaticLister:
        lst = self._listers.get(resource)
        if lst is None:
            lst = self._listers[resource] = StaticLister()
        return lst


class InformerLister:
    """A lister over an informer's cache."""

    def __init__(self, informer: Informer) -> None:
        self.informer = informer

    def list(self, namespace: str = "") -> list[Obj]:
        return self.informer.list(namespace)

    def get(self, namespace: str, name: str) -> Obj | None:
        return self.informer.get(f"{namespace}/{name}" if namespace else name)


class InformerListers:
    """resource → lister backed by a shared informer (created, and started with the
    factory, on first use)."""

    def __init__(self, factory: InformerFactory) -> None:
        self.factory = factory
        self._listers: dict[str, InformerLister] = {}
        self._missing: dict[str, StaticLister] = {}
        #: set once the factory runs: informers created later are started at once
        self.factory_started = False

    def lister(self, resource: str) -> InformerLister | StaticLister:
        """The resource's lister; an empty static one if the API server does not serve the
        resource (e.g. ``poddisruptionbudgets`` on a simulator without the policy group)."""
        lst = self._listers.get(resource)
        if lst is None:
            if find(resource) is None:
                return self._missing.setdefault(resource, StaticLister())
            informer = self.factory.informer(resource)
            lst = self._listers[resource] = InformerLister(informer)
            if self.factory_started:
                informer.start()
        return lst

    def informer_of(self, resource: str) -> Informer | None:
        """The informer behind a lister already handed out (None otherwise)."""
        lst = self._listers.get(resource)
        return None if lst is None else lst.informer
