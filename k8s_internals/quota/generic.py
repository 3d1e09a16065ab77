"""The generic evaluator: ``staging/src/k8s.io/apiserver/pkg/quota/v1/generic/evaluator.go``
(``objectCountEvaluator``, ``CalculateUsageStats``, ``MatchesNoScopeFunc``,
``ObjectCountQuotaResourceNameFor``) and ``generic/registry.go`` (``simpleRegistry``), with
the ``quota.Evaluator`` interface of ``interfaces.go``.

An evaluator measures usage two ways: :meth:`Evaluator.usage` of one object (admission), and
:meth:`Evaluator.usage_stats` of a whole namespace read through ``list_func`` (the quota
controller, over its informer caches: upstream's ``ListerFuncByNamespace``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ..api.admission._common import ResourceList, add
from ..api.admission.interfaces import Attributes, Operation
from ..api.validation.quantity import Quantity
from .resources import UsageStatsOptions

__all__ = [
    "Evaluator",
    "ListFunc",
    "ObjectCountEvaluator",
    "Registry",
    "calculate_usage_stats",
    "object_count_name",
    "scope_selectors",
]

Obj = dict[str, Any]
#: ``ListFuncByNamespace``: the objects of one resource in a namespace
ListFunc = Callable[[str], list[Obj]]

_ONE = Quantity(1)
_ZERO = Quantity(0)


def object_count_name(group: str, resource: str) -> str:
    """``ObjectCountQuotaResourceNameFor``: ``count/pods``, ``count/deployments.apps``."""
    return f"count/{resource}.{group}" if group else f"count/{resource}"


class Evaluator(Protocol):
    """``quota.Evaluator``."""

    #: ``GroupResource()``: ``("", "pods")``, ``("apps", "deployments")``
    group_resource: tuple[str, str]

    def handles(self, a: Attributes) -> bool: ...

    def matching_resources(self, names: list[str]) -> list[str]: ...

    def matches_scope(self, selector: Obj, obj: Obj) -> bool: ...

    def constraints(self, required: list[str], obj: Obj) -> str | None: ...

    def usage(self, obj: Obj) -> ResourceList: ...

    def usage_stats(self, options: UsageStatsOptions) -> ResourceList: ...


def scope_selectors(scopes: Iterable[str], scope_selector: Obj | None) -> list[Obj]:
    """The quota's ``spec.scopes`` as ``Exists`` requirements, then its
    ``spec.scopeSelector.matchExpressions`` (``getScopeSelectorsFromQuota``)."""
    out: list[Obj] = [{"scopeName": s, "operator": "Exists"} for s in scopes]
    out.extend((scope_selector or {}).get("matchExpressions") or [])
    return out


def calculate_usage_stats(options: UsageStatsOptions, list_func: ListFunc | None,
                          scope_func: Callable[[Obj, Obj], bool],
                          usage_func: Callable[[Obj], ResourceList]) -> ResourceList:
    """``CalculateUsageStats``: every tracked resource starts at zero, then the usage of each
    object of the namespace that matches every scope is added."""
    used: ResourceList = {name: _ZERO for name in options.resources}
    if list_func is None:
        raise RuntimeError("failed to list content: no lister")
    selectors = scope_selectors(options.scopes, options.scope_selector)
    for item in list_func(options.namespace):
        if all(scope_func(s, item) for s in selectors):
            used = add(used, usage_func(item))
    return used


class ObjectCountEvaluator:
    """``objectCountEvaluator``: ``count/<resource>[.<group>]`` (and a legacy alias such as
    ``configmaps``); scoped quotas never match (``MatchesNoScopeFunc``)."""

    def __init__(self, group: str, resource: str, alias: str = "",
                 list_func: ListFunc | None = None) -> None:
        self.group_resource = (group, resource)
        self.count_name = object_count_name(group, resource)
        self.alias = alias
        self.list_func = list_func

    def handles(self, a: Attributes) -> bool:
        return a.operation is Operation.CREATE

    def matching_resources(self, names: list[str]) -> list[str]:
        mine = {self.count_name, self.alias} - {""}
        return [n for n in names if n in mine]

    def matches_scope(self, selector: Obj, obj: Obj) -> bool:
        """``MatchesNoScopeFunc``."""
        return False

    def constraints(self, required: list[str], obj: Obj) -> str | None:
        return None

    def usage(self, obj: Obj) -> ResourceList:
        out: ResourceList = {self.count_name: _ONE}
        if self.alias:
            out[self.alias] = _ONE
        return out

    def usage_stats(self, options: UsageStatsOptions) -> ResourceList:
        return calculate_usage_stats(options, self.list_func, self.matches_scope, self.usage)


class Registry:
    """``generic.NewRegistry``: the evaluators by group-resource; ``add`` replaces."""

    def __init__(self, evaluators: Iterable[Evaluator] = ()) -> None:
        self._evaluators: dict[tuple[str, str], Evaluator] = {}
        for e in evaluators:
            self.add(e)

    def add(self, evaluator: Evaluator) -> None:
        self._evaluators[evaluator.group_resource] = evaluator

    def remove(self, evaluator: Evaluator) -> None:
        self._evaluators.pop(evaluator.group_resource, None)

    def get(self, group: str, resource: str) -> Evaluator | None:
        return self._evaluators.get((group, resource))

    def list(self) -> list[Evaluator]:
        """The evaluators in the order they were added (deterministic)."""
        return list(self._evaluators.values())
