"""Helpers several plugins share, as ``pkg/scheduler/framework/plugins/helper/``:

- ``normalize_score.go`` — :func:`default_normalize_score` (scale to ``[0, max]`` by the
  maximum, optionally reversed) and its column form;
- ``shape_score.go`` — :func:`build_broken_linear_function` (integer interpolation between
  shape points, Go's truncating division);
- ``spread.go`` — :func:`default_selector` and :func:`get_pod_services` (the selector of the
  Services / ReplicationControllers / ReplicaSets / StatefulSets a pod belongs to, used by the
  system-default topology spreading).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ...api.selectors import Selector, label_selector_as_selector, selector_from_set
from ..framework.interface import NodeScore, Status
from ..util import go_div

__all__ = [
    "build_broken_linear_function",
    "default_normalize_column",
    "default_normalize_score",
    "default_selector",
    "get_pod_services",
]

Obj = Mapping[str, Any]


def default_normalize_column(max_priority: int, reverse: bool, scores: list[int]) -> list[int]:
    """:func:`default_normalize_score` on a plain list of scores (returns a new list).

    >>> default_normalize_column(100, False, [1, 2, 4])
    [25, 50, 100]
    >>> default_normalize_column(100, True, [0, 0])
    [100, 100]
    """
    # a constant column (no taints, no preferences: the common case): its max is its first
    # entry — what ``max`` returns — found by ``count``'s identity-first C loop
    max_count = scores[0] if scores and scores.count(scores[0]) == len(scores) \
        else max(scores, default=0)
    if max_count < 0:
        max_count = 0
    if max_count == 0:
        return [max_priority] * len(scores) if reverse else list(scores)
    if reverse:
        return [max_priority - go_div(max_priority * s, max_count) for s in scores]
    return [go_div(max_priority * s, max_count) for s in scores]


def default_normalize_score(max_priority: int, reverse: bool,
                            scores: list[NodeScore]) -> Status | None:
    """``DefaultNormalizeScore``: ``score = max_priority * score / max``; reversed:
    ``max_priority - that``. If every score is 0, reversed scores become ``max_priority``."""
    out = default_normalize_column(max_priority, reverse, [s.score for s in scores])
    for ns, v in zip(scores, out, strict=True):
        ns.score = v
    return None


def build_broken_linear_function(shape: Sequence[tuple[int, int]]) -> Callable[[int], int]:
    """``BuildBrokenLinearFunction``: ``shape`` is ``(utilization, score)`` points sorted by
    utilization; below the first point the first score, above the last the last score, in
    between integer interpolation (truncated toward zero, as Go).

    >>> f = build_broken_linear_function([(0, 100), (100, 0)])
    >>> f(0), f(33), f(100)
    (100, 67, 0)
    """
    points = list(shape)

    def f(p: int) -> int:
        for i, (u, s) in enumerate(points):
            if p <= u:
                if i == 0:
                    return points[0][1]
                u0, s0 = points[i - 1]
                return s0 + go_div((s - s0) * (p - u0), u - u0)
        return points[-1][1]

    return f


def get_pod_services(services: Sequence[Obj], pod: Obj) -> list[Obj]:
    """``GetPodServices``: the services in the pod's namespace whose (non-empty) selector
    matches the pod's labels."""
    meta = pod.get("metadata") or {}
    ns = meta.get("namespace", "")
    labels = meta.get("labels") or {}
    out = []
    for svc in services:
        if (svc.get("metadata") or {}).get("namespace", "") != ns:
            continue
        sel = (svc.get("spec") or {}).get("selector")
        if not sel:
            continue
        if selector_from_set(sel).matches(labels):
            out.append(svc)
    return out


def _controller_of(pod: Obj) -> Obj | None:
    for ref in (pod.get("metadata") or {}).get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def default_selector(pod: Obj, services: Sequence[Obj],
                     get: Callable[[str, str, str], Obj | None]) -> Selector:
    """``DefaultSelector``: the merged selector of the pod's Services, then its controlling
    ReplicationController / ReplicaSet / StatefulSet (``get(resource, namespace, name)``)."""
    label_set: dict[str, str] = {}
    for svc in get_pod_services(services, pod):
        label_set.update((svc.get("spec") or {}).get("selector") or {})
    selector = selector_from_set(label_set)
    owner = _controller_of(pod)
    if owner is None:
        return selector
    ns = (pod.get("metadata") or {}).get("namespace", "")
    api_version, kind = owner.get("apiVersion", ""), owner.get("kind", "")
    if kind == "ReplicationController" and api_version == "v1":
        rc = get("replicationcontrollers", ns, owner.get("name", ""))
        if rc is not None:
            label_set.update((rc.get("spec") or {}).get("selector") or {})
            selector = selector_from_set(label_set)
    elif (kind, api_version) in (("ReplicaSet", "apps/v1"), ("StatefulSet", "apps/v1")):
        resource = "replicasets" if kind == "ReplicaSet" else "statefulsets"
        obj = get(resource, ns, owner.get("name", ""))
        if obj is not None:
            try:
                other = label_selector_as_selector((obj.get("spec") or {}).get("selector"))
            except ValueError:
                return selector
            if not other.matches_nothing:
                selector = selector.add(*other.requirements)
    return selector

