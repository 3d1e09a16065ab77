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
  loopback client with the API server's own privileges).
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
    "MutationInterface",
    "Operation",
    "ValidationInterface",
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
