"""Resource-list arithmetic and ``CalculateUsage``: ``staging/src/k8s.io/apiserver/pkg/quota/v1/
resources.go`` and ``UsageStatsOptions`` of ``interfaces.go``.

``add`` and ``mask`` (``quota.Add``, ``quota.Mask``) live with the admission plugins' shared
helpers (:mod:`k8s_internals.api.admission._common`, also used by the LimitRanger) and are
re-exported here.

Simplified: quantities compare by value (``Quantity.Cmp``); their format is not tracked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..api.admission._common import ResourceList, add, mask
from ..api.validation.quantity import Quantity

if TYPE_CHECKING:
    from .generic import Registry

__all__ = [
    "ResourceList",
    "UsageStatsOptions",
    "add",
    "calculate_usage",
    "difference",
    "equals",
    "intersection",
    "mask",
    "pretty_print",
    "resource_names",
]

Obj = dict[str, Any]


@dataclass
class UsageStatsOptions:
    """``quota.UsageStatsOptions``: what ``UsageStats`` should measure in a namespace."""

    namespace: str
    scopes: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    #: ``spec.scopeSelector`` (its ``matchExpressions``), or ``None``
    scope_selector: Obj | None = None


def equals(a: Mapping[str, Quantity] | None, b: Mapping[str, Quantity] | None) -> bool:
    """``quota.Equals``: the same keys with the same values (``nil`` and empty are equal)."""
    a, b = a or {}, b or {}
    if len(a) != len(b):
        return False
    return all(k in b and v == b[k] for k, v in a.items())


def resource_names(rl: Mapping[str, Any] | None) -> list[str]:
    """``quota.ResourceNames`` (sorted here, so the order never depends on a map)."""
    return sorted(rl or {})


def intersection(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """``quota.Intersection``: the names in both, sorted."""
    keep = set(b)
    return sorted({n for n in a if n in keep})


def difference(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """``quota.Difference``: the names of ``a`` not in ``b``, sorted."""
    drop = set(b)
    return sorted({n for n in a if n not in drop})


def pretty_print(rl: Mapping[str, Quantity]) -> str:
    """``prettyPrint`` (admission): ``limits.cpu=2,pods=1``, resources sorted."""
    return ",".join(f"{k}={rl[k]}" for k in sorted(rl))


def calculate_usage(namespace: str, scopes: list[str], hard: Mapping[str, Quantity],
                    registry: Registry, scope_selector: Obj | None = None,
                    ) -> tuple[ResourceList, list[str]]:
    """``quota.CalculateUsage``: the usage observed in ``namespace`` of every resource of
    ``hard`` some evaluator can measure, and the errors met (upstream aggregates them; the
    resources of a failing evaluator are left out, the others are still returned)."""
    hard_resources = resource_names(hard)
    evaluators = registry.list()
    potential: list[str] = []
    for evaluator in evaluators:
        potential.extend(evaluator.matching_resources(hard_resources))
    matched = intersection(hard_resources, potential)
    errors: list[str] = []
    new_usage: ResourceList = {}
    for evaluator in evaluators:
        mine = evaluator.matching_resources(matched)
        if not mine:
            continue
        options = UsageStatsOptions(namespace, list(scopes), mine, scope_selector)
        try:
            used = evaluator.usage_stats(options)
        except Exception as exc:  # upstream: remember the error, skip these resources
            errors.append(str(exc))
            matched = difference(matched, mine)
            continue
        new_usage = add(new_usage, used)
    return mask(new_usage, matched), errors
