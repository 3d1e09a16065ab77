"""Small helpers the scheduler shares: Go integer arithmetic, resource quantities, a pod's
requests, host ports, priorities.

Upstream sources:

- ``pkg/scheduler/util/non_zero.go`` — :data:`DEFAULT_MILLI_CPU_REQUEST` (100m) and
  :data:`DEFAULT_MEMORY_REQUEST` (200 MiB): what a container without a CPU/memory request counts
  as when *scoring*, so that many request-less pods do not pile onto one node;
- ``staging/src/k8s.io/component-helpers/resource/helpers.go`` — ``PodRequests`` /
  ``AggregateContainerRequests`` (containers summed; init containers as a running max, with
  restartable "sidecar" init containers accumulating; pod-level requests; overhead added) and
  the ``NonMissingContainerRequests`` option;
- ``pkg/scheduler/util/utils.go`` — ``GetPodStartTime``, ``MoreImportantPod``, ``GetHostPorts``;
- ``pkg/apis/core/v1/helper/helpers.go`` — ``IsExtendedResourceName``, ``IsScalarResourceName``;
- ``staging/src/k8s.io/api/core/v1`` — ``PodPriority`` (``spec.priority``, default 0).

Quantities are parsed with the API server's exact :class:`~k8s_internals.api.validation.quantity.
Quantity` (``MilliValue`` for cpu, ``Value`` — rounded up — for everything else) behind a cache,
since a cluster repeats the same few strings ("100m", "500Mi") many thousands of times.
"""

from __future__ import annotations

import functools
import marshal
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..api.validation.quantity import parse_quantity

__all__ = [
    "DEFAULT_MEMORY_REQUEST",
    "DEFAULT_MILLI_CPU_REQUEST",
    "container_request",
    "get_host_ports",
    "get_pod_start_time",
    "go_div",
    "go_round",
    "is_extended_resource_name",
    "is_scalar_resource_name",
    "more_important_pod",
    "pod_key",
    "pod_priority",
    "pod_requests",
    "quantity_int",
]

#: ``DefaultMilliCPURequest``: 0.1 core for containers without a CPU request (scoring only)
DEFAULT_MILLI_CPU_REQUEST = 100
#: ``DefaultMemoryRequest``: 200 MiB for containers without a memory request (scoring only)
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024

_NATIVE_PREFIX = "kubernetes.io/"
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def go_div(a: int, b: int) -> int:
    """Go's integer division, which truncates toward zero (Python's ``//`` floors).

    >>> go_div(-7, 2), -7 // 2
    (-3, -4)
    """
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def go_round(x: float) -> int:
    """Go's ``math.Round``: half away from zero (Python's ``round`` is half to even).

    >>> go_round(2.5), round(2.5), go_round(-2.5)
    (3, 2, -3)
    """
    t = math.trunc(x)
    if abs(x - t) >= 0.5:
        t += 1 if x > 0 else -1
    return t


@functools.lru_cache(maxsize=4096)
def _quantity_int(value: str, milli: bool) -> int:
    q = parse_quantity(value)
    return q.milli_value() if milli else q.value()


def quantity_int(name: str, value: Any) -> int:
    """A quantity as the scheduler's ``int64``: ``MilliValue`` for ``cpu``, ``Value`` (rounded
    up) for anything else.

    >>> quantity_int("cpu", "100m"), quantity_int("memory", "500Mi"), quantity_int("cpu", 2)
    (100, 524288000, 2000)
    """
    key = value if isinstance(value, str) else str(value)
    return _quantity_int(key, name == "cpu")


def is_extended_resource_name(name: str) -> bool:
    """``IsExtendedResourceName``: a qualified name outside ``kubernetes.io/`` with a prefix
    (``example.com/gpu``), not a ``requests.`` quota name."""
    if "/" not in name or _NATIVE_PREFIX in name or name.startswith("requests."):
        return False
    prefix, _, short = ("requests." + name).rpartition("/")
    return bool(_QUALIFIED_NAME.match(short)) and len(short) <= 63 and bool(
        _DNS1123_SUBDOMAIN.match(prefix)) and len(prefix) <= 253


def is_scalar_resource_name(name: str) -> bool:
    """``IsScalarResourceName``: extended, ``hugepages-*``, prefixed native or
    ``attachable-volumes-*`` resources (tracked in ``Resource.scalar_resources``)."""
    return (is_extended_resource_name(name) or name.startswith("hugepages-")
            or _NATIVE_PREFIX in name or name.startswith("attachable-volumes-"))


def container_request(container: Mapping[str, Any]) -> dict[str, int]:
    """A container's ``resources.requests`` as ints (cached on nothing: callers cache)."""
    reqs = (container.get("resources") or {}).get("requests") or {}
    return {name: quantity_int(name, q) for name, q in reqs.items()}


def _add(into: dict[str, int], other: Mapping[str, int]) -> None:
    for k, v in other.items():
        into[k] = into.get(k, 0) + v


def _max(into: dict[str, int], other: Mapping[str, int]) -> None:
    for k, v in other.items():
        if v > into.get(k, v - 1):
            into[k] = v


_POD_LEVEL_RESOURCES = ("cpu", "memory")


def pod_requests(pod: Mapping[str, Any], non_missing: Mapping[str, int] | None = None,
                 *, pod_level: bool = True) -> dict[str, int]:
    """``resource.PodRequests``: the pod's effective requests as ints.

    Regular containers are summed; each init container needs its own request plus the
    restartable (sidecar) init containers started before it, and the pod needs the max of that
    and the sum; pod-level ``spec.resources.requests`` (cpu, memory) replace the aggregate;
    ``spec.overhead`` is added. ``non_missing`` fills in *missing* (not zero) cpu/memory
    container requests, as ``NonMissingContainerRequests``.

    >>> c = lambda cpu: {"resources": {"requests": {"cpu": cpu}}}
    >>> pod_requests({"spec": {"containers": [c("2"), c("1")],
    ...                        "initContainers": [c("2"), c("4")]}})
    {'cpu': 4000}

    The result is memoised (bounded) by a ``marshal`` key of exactly what it reads — the
    containers' ``resources``, the init containers' ``resources`` and ``restartPolicy``,
    ``spec.resources``, ``spec.overhead``, ``non_missing`` and ``pod_level`` — and returned
    as a fresh dict: the scheduler asks three or four times per pod (Fit's PreFilter and
    PreScore, BalancedAllocation's PreScore, the cache's ``PodInfo``), for pods that mostly
    share a few shapes. Values ``marshal`` does not take are computed without the memo.
    """
    spec = pod.get("spec") or {}
    try:
        key = marshal.dumps((
            [c.get("resources") for c in spec.get("containers") or ()],
            [(c.get("resources"), c.get("restartPolicy"))
             for c in spec.get("initContainers") or ()],
            spec.get("resources") if pod_level else None, spec.get("overhead"),
            non_missing or None, pod_level), 2)
    except Exception:  # unmarshallable values, malformed specs: the plain computation
        return _pod_requests(spec, non_missing, pod_level)
    hit = _POD_REQUESTS.get(key)
    if hit is None:
        hit = _pod_requests(spec, non_missing, pod_level)
        if len(_POD_REQUESTS) >= _POD_REQUESTS_MAX:
            _POD_REQUESTS.clear()
        _POD_REQUESTS[key] = hit
    return dict(hit)


#: :func:`pod_requests`' memo (marshal key -> requests), bounded
_POD_REQUESTS: dict[bytes, dict[str, int]] = {}
_POD_REQUESTS_MAX = 1024


def _pod_requests(spec: Mapping[str, Any], non_missing: Mapping[str, int] | None,
                  pod_level: bool) -> dict[str, int]:
    """:func:`pod_requests` without the memo (the reference)."""

    def reqs_of(container: Mapping[str, Any]) -> dict[str, int]:
        r = container_request(container)
        if non_missing:
            for name, default in non_missing.items():
                if name not in r:
                    r[name] = default
        return r

    reqs: dict[str, int] = {}
    for c in spec.get("containers") or ():
        _add(reqs, reqs_of(c))
    restartable: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in spec.get("initContainers") or ():
        r = reqs_of(c)
        if c.get("restartPolicy") == "Always":
            _add(reqs, r)
            _add(restartable, r)
            r = dict(restartable)
        else:
            tmp = dict(r)
            _add(tmp, restartable)
            r = tmp
        _max(init_max, r)
    _max(reqs, init_max)
    if pod_level:
        level = ((spec.get("resources") or {}).get("requests")) or {}
        for name in _POD_LEVEL_RESOURCES:
            if name in level:
                reqs[name] = quantity_int(name, level[name])
    overhead = spec.get("overhead") or {}
    for name, q in overhead.items():
        reqs[name] = reqs.get(name, 0) + quantity_int(name, q)
    return reqs


def pod_key(pod: Mapping[str, Any]) -> str:
    """``namespace/name``."""
    meta = pod.get("metadata") or {}
    ns = meta.get("namespace", "")
    return f"{ns}/{meta.get('name', '')}" if ns else str(meta.get("name", ""))


def pod_priority(pod: Mapping[str, Any]) -> int:
    """``corev1helpers.PodPriority``: ``spec.priority`` or 0."""
    p = (pod.get("spec") or {}).get("priority")
    return int(p) if p is not None else 0


def get_pod_start_time(pod: Mapping[str, Any]) -> str:
    """``GetPodStartTime``: ``status.startTime`` (RFC 3339 strings compare in time order),
    falling back to the creation timestamp (upstream returns "now" for unstarted pods)."""
    status = pod.get("status") or {}
    return str(status.get("startTime") or (pod.get("metadata") or {}).get(
        "creationTimestamp") or "")


def more_important_pod(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """``MoreImportantPod``: higher priority first; equal priorities: the one that started
    earlier."""
    pa, pb = pod_priority(a), pod_priority(b)
    if pa != pb:
        return pa > pb
    return get_pod_start_time(a) < get_pod_start_time(b)


def get_host_ports(pod: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``GetHostPorts``: the ports with a ``hostPort`` of the restartable (sidecar) init
    containers, which run for the pod's whole life, then of the containers."""
    spec = pod.get("spec") or {}
    out: list[dict[str, Any]] = []
    containers: Iterable[Mapping[str, Any]] = [
        *(c for c in spec.get("initContainers") or () if c.get("restartPolicy") == "Always"),
        *(spec.get("containers") or ())]
    for c in containers:
        for p in c.get("ports") or ():
            if int(p.get("hostPort") or 0) > 0:
                out.append(dict(p))
    return out
