"""Taints, tolerations and node selectors, as the scheduler matches them.

Upstream sources (``staging/src/k8s.io/component-helpers/scheduling/corev1/``):

- ``helpers.go`` — ``TolerationsTolerateTaint``, ``FindMatchingUntoleratedTaint`` and
  ``Toleration.ToleratesTaint`` (``staging/src/k8s.io/api/core/v1/toleration.go``): an empty
  effect matches every effect, an empty key with ``Exists`` matches every taint, an empty
  operator means ``Equal``;
- ``nodeaffinity/nodeaffinity.go`` — ``NodeSelector`` (terms ORed; a term's
  ``matchExpressions`` on labels and ``matchFields`` on ``metadata.name`` ANDed; an empty term
  selects nothing), ``RequiredNodeAffinity`` (``spec.nodeSelector`` AND the required node
  affinity) and ``PreferredSchedulingTerms.Score`` (the sum of the weights of the matching
  preferred terms). As upstream, a term with an invalid requirement (e.g. ``Gt`` on a
  non-integer) does not match ("ignore parsing errors for backwards compatibility").

The comparison operators for tolerations (``Gt``/``Lt``, alpha ``TaintTolerationComparison
Operators``) are not modelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..api.selectors import (
    DOES_NOT_EXIST,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_IN,
    new_requirement,
)

__all__ = [
    "NodeSelector",
    "PreferredSchedulingTerms",
    "RequiredNodeAffinity",
    "do_not_schedule_taints_filter",
    "find_matching_untolerated_taint",
    "node_labels",
    "node_taints",
    "required_node_affinity",
    "toleration_tolerates_taint",
    "tolerations_tolerate_taint",
]

Obj = Mapping[str, Any]


def node_labels(node: Obj) -> dict[str, str]:
    return dict((node.get("metadata") or {}).get("labels") or {})


def node_taints(node: Obj) -> list[dict[str, Any]]:
    return list((node.get("spec") or {}).get("taints") or [])


def toleration_tolerates_taint(toleration: Obj, taint: Obj) -> bool:
    """``Toleration.ToleratesTaint``.

    >>> toleration_tolerates_taint({"operator": "Exists"}, {"key": "k", "effect": "NoSchedule"})
    True
    >>> toleration_tolerates_taint({"key": "k", "value": "a"}, {"key": "k", "value": "b"})
    False
    """
    effect = toleration.get("effect") or ""
    if effect and effect != (taint.get("effect") or ""):
        return False
    key = toleration.get("key") or ""
    if key and key != (taint.get("key") or ""):
        return False
    op = toleration.get("operator") or ""
    if op in ("", "Equal"):
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return op == "Exists"


def tolerations_tolerate_taint(tolerations: Sequence[Obj], taint: Obj) -> bool:
    """``TolerationsTolerateTaint``: any toleration tolerates the taint."""
    return any(toleration_tolerates_taint(t, taint) for t in tolerations)


def do_not_schedule_taints_filter(taint: Obj) -> bool:
    """``helper.DoNotScheduleTaintsFilterFunc``: ``NoSchedule`` and ``NoExecute`` taints."""
    return taint.get("effect") in ("NoSchedule", "NoExecute")


def find_matching_untolerated_taint(
    taints: Sequence[Obj], tolerations: Sequence[Obj],
    inclusion: Callable[[Obj], bool] | None = None,
) -> Obj | None:
    """``FindMatchingUntoleratedTaint``: the first taint (passing ``inclusion``) that no
    toleration tolerates, or ``None``."""
    for taint in taints:
        if inclusion is not None and not inclusion(taint):
            continue
        if not tolerations_tolerate_taint(tolerations, taint):
            return taint
    return None


# -- node selectors -------------------------------------------------------------------------------


def _requirement_matches(req: Obj, value: str | None) -> bool:
    """One ``NodeSelectorRequirement`` against a label (or field) value.

    Raises ``ValueError`` for an invalid requirement (the term is then ignored)."""
    op = req.get("operator")
    values = list(req.get("values") or [])
    if op == "In":
        if not values:
            raise ValueError("values must be non-empty for In")
        return value is not None and value in values
    if op == "NotIn":
        if not values:
            raise ValueError("values must be non-empty for NotIn")
        return value is None or value not in values
    if op == "Exists":
        if values:
            raise ValueError("values must be empty for Exists")
        return value is not None
    if op == "DoesNotExist":
        if values:
            raise ValueError("values must be empty for DoesNotExist")
        return value is None
    if op in ("Gt", "Lt"):
        if len(values) != 1:
            raise ValueError(f"values must have a single element for {op}")
        bound = int(values[0])
        if value is None:
            return False
        try:
            v = int(value)
        except ValueError:
            return False
        return v > bound if op == "Gt" else v < bound
    raise ValueError(f"{op!r} is not a valid node selector operator")


_OPS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST,
        "Gt": GREATER_THAN, "Lt": LESS_THAN}


def _valid_label_requirement(req: Obj) -> bool:
    """``nodeSelectorRequirementsAsSelector``: the key, operator and values must make a valid
    ``labels.Requirement`` (values are label values)."""
    op = _OPS.get(req.get("operator", ""))
    if op is None:
        return False
    try:
        new_requirement(req.get("key", ""), op, list(req.get("values") or []) or None)
    except ValueError:
        return False
    return True


class _Term:
    """A parsed ``NodeSelectorTerm``: a term with an invalid requirement never matches."""

    __slots__ = ("expressions", "fields", "valid")

    def __init__(self, term: Obj) -> None:
        self.expressions = list(term.get("matchExpressions") or [])
        self.fields = list(term.get("matchFields") or [])
        self.valid = all(_valid_label_requirement(r) for r in self.expressions)
        for f in self.fields:
            if f.get("key") != "metadata.name":
                self.valid = False

    def is_empty(self) -> bool:
        return not self.expressions and not self.fields

    def matches(self, labels: Mapping[str, str], name: str) -> bool:
        if not self.valid or self.is_empty():
            return False
        try:
            for req in self.expressions:
                if not _requirement_matches(req, labels.get(req.get("key", ""))):
                    return False
            for req in self.fields:
                if req.get("operator") not in ("In", "NotIn"):
                    return False
                if not _requirement_matches(req, name):
                    return False
        except ValueError:
            return False
        return True


class NodeSelector:
    """``nodeaffinity.NodeSelector``: terms ORed.

    >>> ns = NodeSelector({"nodeSelectorTerms": [{"matchExpressions": [
    ...     {"key": "disk", "operator": "In", "values": ["ssd"]}]}]})
    >>> ns.match({"metadata": {"name": "n1", "labels": {"disk": "ssd"}}})
    True
    """

    def __init__(self, selector: Obj) -> None:
        self.terms = [_Term(t) for t in selector.get("nodeSelectorTerms") or []]

    def match(self, node: Obj) -> bool:
        meta = node.get("metadata") or {}
        labels = meta.get("labels") or {}
        name = meta.get("name", "")
        return any(t.matches(labels, name) for t in self.terms)


class RequiredNodeAffinity:
    """``nodeaffinity.RequiredNodeAffinity``: ``spec.nodeSelector`` AND
    ``requiredDuringSchedulingIgnoredDuringExecution``."""

    __slots__ = ("label_selector", "node_selector")

    def __init__(self, pod: Obj) -> None:
        spec = pod.get("spec") or {}
        self.label_selector: dict[str, str] | None = (
            dict(spec["nodeSelector"]) if spec.get("nodeSelector") else None)
        affinity = spec.get("affinity") or {}
        na = affinity.get("nodeAffinity") or {}
        required = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        self.node_selector = NodeSelector(required) if required is not None else None

    def match(self, node: Obj) -> bool:
        """``Match``: the node's labels satisfy ``nodeSelector`` and the required terms."""
        if self.label_selector:
            labels = (node.get("metadata") or {}).get("labels") or {}
            for k, v in self.label_selector.items():
                if labels.get(k) != v:
                    return False
        if self.node_selector is not None:
            return self.node_selector.match(node)
        return True


def required_node_affinity(pod: Obj) -> RequiredNodeAffinity:
    """``GetRequiredNodeAffinity``."""
    return RequiredNodeAffinity(pod)


class PreferredSchedulingTerms:
    """``nodeaffinity.PreferredSchedulingTerms``: ``score(node)`` is the sum of the weights of
    the terms the node matches (terms with weight 0 or an empty preference are dropped)."""

    def __init__(self, terms: Sequence[Obj]) -> None:
        self.terms: list[tuple[_Term, int]] = []
        for t in terms:
            weight = int(t.get("weight") or 0)
            term = _Term(t.get("preference") or {})
            if weight == 0 or term.is_empty():
                continue
            self.terms.append((term, weight))

    def score(self, node: Obj) -> int:
        meta = node.get("metadata") or {}
        labels = meta.get("labels") or {}
        name = meta.get("name", "")
        return sum(w for t, w in self.terms if t.matches(labels, name))
