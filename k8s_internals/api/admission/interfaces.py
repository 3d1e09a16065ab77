"""Admission control interfaces, the Python cousins of
``staging/src/k8s.io/apiserver/pkg/admission/interfaces.go``.

- :class:`Operation` — CREATE, UPDATE, DELETE, CONNECT.
- :class:`Attributes` — what a plugin sees: the operation, the resource and subresource, the
  namespace and name, the new object (mutable for mutating plugins) and the old one, the user,
  ``dry_run``.
- :class:`MutationInterface` / :class:`ValidationInterface` — ``handles(op)`` plus ``admit(a, ctx)``
  or ``validate(a, ctx)``; a plugin may be both, like upstream's LimitRanger. A plugin rejects a
  request by raising :class:`AdmissionError` (upstream's ``admission.NewForbidden``: the client
  gets ``403 <resource> "<name>" is forbidden: <message>``) or any :class:`StatusError`.
- :class:`AdmissionContext` — the read access plugins need (upstream plugins use informers over a
  loopback client with the API server's own privileges). A context may also be a
  :class:`ListerContext`: ``cached_get`` / ``cached_list`` read its informer-like caches (shared,
  read-only objects); :func:`lister_get` / :func:`lister_list` use them when the context has
  them and fall back to ``get`` / ``list`` otherwise.
- :class:`FunctionPlugin` — wraps a plain Python function so a learner can register one.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from random import Random
from typing import Any, Protocol, runtime_checkable

from ..user import UserInfo

__all__ = [
    "AdmissionContext",
    "AdmissionError",
    "Attributes",
    "FunctionPlugin",
    "ListerContext",
    "MutationInterface",
    "Operation",
    "ValidationInterface",
    "lister_get",
    "lister_list",
]


class Operation(Enum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    CONNECT = "CONNECT"


@dataclass
class Attributes:
    """``admission.Attributes``. ``obj`` is the incoming object (None for DELETE); a mutating
    plugin changes it in place. ``old_obj`` is the stored object for UPDATE and DELETE."""

    operation: Operation
    group: str
    version: str
    resource: str
    kind: str
    namespace: str
    name: str
    user: UserInfo
    obj: dict[str, Any] | None = None
    old_obj: dict[str, Any] | None = None
    subresource: str = ""
    dry_run: bool = False
    options: dict[str, Any] = field(default_factory=dict)


class AdmissionError(Exception):
    """A plugin's refusal: the client gets ``403 Forbidden`` with
    ``<resource> "<name>" is forbidden: <message>`` (``admission.NewForbidden``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AdmissionContext(Protocol):
    """What the API server lends admission plugins: reads of the current state, the clock, the
    RNG, and status writes for plugins that keep usage (ResourceQuota)."""

    def get(self, group: str, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        ...

    def list(self, group: str, resource: str, namespace: str = "") -> list[dict[str, Any]]:
        ...

    def update_status(self, group: str, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Write ``obj``'s status (optimistic concurrency: raises a 409 StatusError on a stale
        resourceVersion)."""
        ...

    def now(self) -> float:
        ...

    @property
    def rng(self) -> Random:
        ...


class ListerContext(AdmissionContext, Protocol):
    """An :class:`AdmissionContext` with informer listers, as upstream plugins have
    (``SetExternalKubeInformerFactory``). The objects are shared by every reader: a plugin must
    not change them (deep-copy first, as upstream's quota plugin does before writing status)."""

    def cached_get(self, group: str, resource: str, namespace: str, name: str
                   ) -> dict[str, Any] | None:
        """``lister.Get(name)``; None when not found."""
        ...

    def cached_list(self, group: str, resource: str, namespace: str) -> list[dict[str, Any]]:
        """``lister.<Resource>(namespace).List(labels.Everything())``, sorted by name."""
        ...


def lister_get(ctx: AdmissionContext, group: str, resource: str, namespace: str, name: str
               ) -> dict[str, Any] | None:
    """Read one object through the context's lister if it has one (shared: read-only), else
    through ``ctx.get``."""
    cached_get = getattr(ctx, "cached_get", None)
    if cached_get is not None:
        return cached_get(group, resource, namespace, name)  # type: ignore[no-any-return]
    return ctx.get(group, resource, namespace, name)


def lister_list(ctx: AdmissionContext, group: str, resource: str, namespace: str
                ) -> list[dict[str, Any]]:
    """List a namespace's objects through the context's lister if it has one (shared:
    read-only), else through ``ctx.list``."""
    cached_list = getattr(ctx, "cached_list", None)
    if cached_list is not None:
        return cached_list(group, resource, namespace)  # type: ignore[no-any-return]
    return ctx.list(group, resource, namespace)


@runtime_checkable
class MutationInterface(Protocol):
    """A mutating plugin. It may also define ``may_mutate(a) -> bool``: False promises that
    ``admit`` leaves ``a.obj`` unchanged for that request, so the API server skips the copy and
    the diff it records as the plugin's patch (a plugin without it is always diffed)."""

    name: str

    def handles(self, operation: Operation) -> bool: ...

    def admit(self, a: Attributes, ctx: AdmissionContext) -> None: ...


@runtime_checkable
class ValidationInterface(Protocol):
    name: str

    def handles(self, operation: Operation) -> bool: ...

    def validate(self, a: Attributes, ctx: AdmissionContext) -> None: ...


class FunctionPlugin:
    """A plain function as an admission plugin: ``fn(attributes)`` (or ``fn(attributes, ctx)``).

    A mutating function changes ``attributes.obj`` in place; a validating one raises
    :class:`AdmissionError` (or returns a string: the refusal message)."""

    def __init__(
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        operations: tuple[Operation, ...] = (Operation.CREATE, Operation.UPDATE),
        resources: tuple[str, ...] = (),
        mutating: bool = True,
    ) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "custom")
        self.operations = operations
        self.resources = resources
        self.mutating = mutating
        import inspect

        try:
            self._wants_ctx = len(inspect.signature(fn).parameters) >= 2
        except (TypeError, ValueError):  # pragma: no cover - builtins
            self._wants_ctx = False

    def handles(self, operation: Operation) -> bool:
        return operation in self.operations

    def _call(self, a: Attributes, ctx: AdmissionContext) -> None:
        if self.resources and a.resource not in self.resources:
            return
        result = self.fn(a, ctx) if self._wants_ctx else self.fn(a)
        if isinstance(result, str) and result:
            raise AdmissionError(result)

    def admit(self, a: Attributes, ctx: AdmissionContext) -> None:
        self._call(a, ctx)

    def validate(self, a: Attributes, ctx: AdmissionContext) -> None:
        self._call(a, ctx)
