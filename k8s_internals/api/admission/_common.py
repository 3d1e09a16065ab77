"""Small helpers the built-in admission plugins share.

- :func:`object_name` — ``extractResourceName`` of
  ``staging/src/k8s.io/apiserver/pkg/admission/errors.go``: the request's name, else the
  object's name, else its ``generateName``, else ``Unknown``.
- :func:`forbidden` — ``admission.NewForbidden`` from the same file, for the few places that must
  add something to the Status (causes); elsewhere plugins raise :class:`AdmissionError` and the
  API server builds the same ``403``.
- :func:`aggregate` — ``utilerrors.NewAggregate(errs).Error()``
  (``apimachinery/pkg/util/errors/errors.go``): one message bare, several de-duplicated inside
  ``[...]`` joined by ``", "``.
- :func:`quantity` and resource-list arithmetic over :mod:`..validation.quantity` (``quota.Add``,
  ``quota.Mask``... of ``staging/src/k8s.io/apiserver/pkg/quota/v1/resources.go``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import errors
from ..validation.quantity import Quantity, QuantityParseError, parse_quantity
from .interfaces import Attributes

__all__ = [
    "ResourceList",
    "add",
    "aggregate",
    "container_resource_lists",
    "forbidden",
    "mask",
    "object_name",
    "pod_resource_totals",
    "quantity",
    "resource_list",
    "to_json",
]

#: a ``corev1.ResourceList`` with parsed values
ResourceList = dict[str, Quantity]


def object_name(a: Attributes) -> str:
    """``extractResourceName``: the name upstream puts in ``<resource> "<name>" is forbidden``."""
    if a.name:
        return a.name
    meta = (a.obj or {}).get("metadata") or {}
    return str(meta.get("name") or meta.get("generateName") or "Unknown")


def forbidden(a: Attributes, message: str) -> errors.StatusError:
    """``admission.NewForbidden(a, fmt.Errorf(message))``."""
    return errors.forbidden(a.group, a.resource, object_name(a), message)


def aggregate(messages: Iterable[str]) -> str:
    """``utilerrors.NewAggregate(errs).Error()``."""
    msgs = list(messages)
    if len(msgs) == 1:
        return msgs[0]
    seen: list[str] = []
    for m in msgs:
        if m not in seen:
            seen.append(m)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


def quantity(value: Any) -> Quantity:
    """A quantity from its JSON form (string or bare number).

    Upstream a malformed quantity never reaches admission: decoding the body fails first with
    ``400 BadRequest``. Should one get here, the plugin answers the same way rather than crash.
    """
    try:
        return parse_quantity(value)
    except QuantityParseError as exc:
        raise errors.bad_request(str(exc)) from None


def resource_list(raw: Mapping[str, Any] | None) -> ResourceList:
    """A JSON ``ResourceList`` (``{"cpu": "500m"}``) parsed."""
    return {k: quantity(v) for k, v in (raw or {}).items()}


def to_json(rl: Mapping[str, Quantity]) -> dict[str, str]:
    """A ResourceList as the API server serialises it: canonical strings, keys sorted (Go
    marshals map keys in order)."""
    return {k: str(rl[k]) for k in sorted(rl)}


def add(a: Mapping[str, Quantity], b: Mapping[str, Quantity]) -> ResourceList:
    """``quota.Add``: the union, summing keys present in both."""
    out: ResourceList = {}
    for k, v in a.items():
        out[k] = v + b[k] if k in b else Quantity(v)
    for k, v in b.items():
        if k not in out:
            out[k] = Quantity(v)
    return out


def mask(rl: Mapping[str, Quantity], names: Iterable[str]) -> ResourceList:
    """``quota.Mask``: only the named resources."""
    keep = set(names)
    return {k: v for k, v in rl.items() if k in keep}


def container_resource_lists(container: Mapping[str, Any]) -> tuple[ResourceList, ResourceList]:
    """A container's (requests, limits)."""
    res = container.get("resources") or {}
    return resource_list(res.get("requests")), resource_list(res.get("limits"))


def _max_into(target: ResourceList, new: Mapping[str, Quantity]) -> None:
    """``maxResourceList``: the greater of the two for every resource in ``new``."""
    for k, v in new.items():
        if k not in target or v > target[k]:
            target[k] = v


def pod_resource_totals(pod: Mapping[str, Any], field: str) -> ResourceList:
    """The pod's effective ``requests`` or ``limits`` (``field``), without overhead:
    ``component-helpers/resource/helpers.go`` ``PodRequests``/``PodLimits`` (copied as
    ``podRequests``/``podLimits`` in the LimitRanger).

    Containers are summed; a sidecar (init container with ``restartPolicy: Always``) is added to
    the sum and carried into every later init container; the result is at least each init
    container's (plus the sidecars started before it); pod-level ``spec.resources``
    (PodLevelResources) overrides cpu and memory.
    """
    spec = pod.get("spec") or {}
    idx = 0 if field == "requests" else 1
    total: ResourceList = {}
    for c in spec.get("containers") or []:
        total = add(total, container_resource_lists(c)[idx])
    sidecars: ResourceList = {}
    init_max: ResourceList = {}
    for c in spec.get("initContainers") or []:
        own = container_resource_lists(c)[idx]
        if c.get("restartPolicy") == "Always":
            total = add(total, own)
            sidecars = add(sidecars, own)
            effective = sidecars
        else:
            effective = add(own, sidecars)
        _max_into(init_max, effective)
    _max_into(total, init_max)
    pod_level = resource_list((spec.get("resources") or {}).get(field))
    for k in ("cpu", "memory"):
        if k in pod_level:
            total[k] = pod_level[k]
    return total
