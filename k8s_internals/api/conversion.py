"""Conversion between the versions a multi-version resource is served in, and its storage
version.

Upstream one registry (``registry/generic/registry/store.go``) can serve a resource in several
groups and versions: the request's object is decoded into the internal type, the store encodes
it in the *storage version* (``pkg/kubeapiserver/default_storage_factory_builder.go``;
``apiserver/pkg/server/storage/resource_encoding_config.go``), and every read is converted
back to the version the client asked for. The same ``/registry/events/<namespace>/<name>`` key
serves ``v1`` Events and ``events.k8s.io/v1`` Events (``pkg/registry/events/rest/
storage_events.go`` reuses ``pkg/registry/core/event/storage``; the storage version of
``events`` is ``v1``), so both versions see the same objects, resourceVersions and watch
events.

Here there is no internal type: a served version converts straight to and from the storage
version's JSON. :data:`CONVERSIONS` maps ``(group, kind)`` of a served, non-storage version to
its :class:`Conversion` (the storage resource and the two functions); a resource in
:mod:`.resources` names its storage resource with ``storage=(group, plural)``.

Events (``pkg/apis/events/v1/conversion.go`` ``Convert_v1_Event_To_core_Event`` /
``Convert_core_Event_To_v1_Event``, with ``zz_generated.conversion.go`` for the fields that keep
their names): ``note`` ↔ ``message``, ``regarding`` ↔ ``involvedObject``, ``related``,
``reportingController`` ↔ ``reportingComponent``, ``reportingInstance``, ``deprecatedSource`` ↔
``source``, ``deprecatedFirstTimestamp`` ↔ ``firstTimestamp``, ``deprecatedLastTimestamp`` ↔
``lastTimestamp``, ``deprecatedCount`` ↔ ``count``, and ``series``, ``eventTime``, ``action``,
``reason``, ``type`` as they are. Each side is written as Go's ``encoding/json`` writes the
typed struct (``staging/src/k8s.io/api/core/v1/types.go`` and ``.../events/v1/types.go``):
structs without ``omitempty`` effect (``involvedObject``/``regarding``, ``source``/
``deprecatedSource``) always appear, zero ``Time``/``MicroTime`` values are ``null``, empty
``omitempty`` strings and a zero count are left out, and core's ``reportingComponent`` and
``reportingInstance`` (no ``omitempty``) are always written.

Simplified: only the fields listed are converted; unknown fields are dropped, as a typed
decode would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .codec import deep_copy as _deep_copy
from .resources import ResourceInfo, lookup

__all__ = [
    "CONVERSIONS",
    "Conversion",
    "conversion_for",
    "core_event_to_events_v1",
    "events_v1_to_core_event",
    "from_storage",
    "storage_info",
    "to_storage",
]

Obj = dict[str, Any]


def _set(out: Obj, key: str, value: Any) -> None:
    """``omitempty``: write ``value`` unless it is Go's zero value. A string (the usual value)
    is zero only when empty; anything else is compared with each zero value."""
    if type(value) is str:
        if value:
            out[key] = value
    elif value not in (None, "", 0, {}, []):
        out[key] = value


def _time(value: Any) -> Any:
    """A ``metav1.Time`` / ``MicroTime`` field: its text, or ``null`` when zero."""
    return value or None


def _same(value: Any) -> Any:
    return value


def events_v1_to_core_event(obj: Obj, copy: bool = True) -> Obj:
    """``Convert_v1_Event_To_core_Event`` then core/v1 as JSON. ``copy=False`` shares the
    nested objects with ``obj`` (for a reader that changes neither, e.g. validation)."""
    deep_copy = _deep_copy if copy else _same
    out: Obj = {"kind": "Event", "apiVersion": "v1",
                "metadata": deep_copy(obj.get("metadata") or {})}
    out["involvedObject"] = deep_copy(obj.get("regarding") or {})
    _set(out, "reason", obj.get("reason"))
    _set(out, "message", obj.get("note"))
    out["source"] = deep_copy(obj.get("deprecatedSource") or {})
    out["firstTimestamp"] = _time(obj.get("deprecatedFirstTimestamp"))
    out["lastTimestamp"] = _time(obj.get("deprecatedLastTimestamp"))
    _set(out, "count", obj.get("deprecatedCount"))
    _set(out, "type", obj.get("type"))
    out["eventTime"] = _time(obj.get("eventTime"))
    if obj.get("series") is not None:
        out["series"] = deep_copy(obj["series"])
    _set(out, "action", obj.get("action"))
    if obj.get("related") is not None:
        out["related"] = deep_copy(obj["related"])
    out["reportingComponent"] = obj.get("reportingController") or ""
    out["reportingInstance"] = obj.get("reportingInstance") or ""
    return out


def core_event_to_events_v1(obj: Obj, copy: bool = True) -> Obj:
    """``Convert_core_Event_To_v1_Event`` then events.k8s.io/v1 as JSON. ``copy=False``
    shares the nested objects with ``obj`` (for an ``obj`` nobody else holds)."""
    deep_copy = _deep_copy if copy else _same
    out: Obj = {"kind": "Event", "apiVersion": "events.k8s.io/v1",
                "metadata": deep_copy(obj.get("metadata") or {})}
    out["eventTime"] = _time(obj.get("eventTime"))
    if obj.get("series") is not None:
        out["series"] = deep_copy(obj["series"])
    _set(out, "reportingController", obj.get("reportingComponent"))
    _set(out, "reportingInstance", obj.get("reportingInstance"))
    _set(out, "action", obj.get("action"))
    _set(out, "reason", obj.get("reason"))
    out["regarding"] = deep_copy(obj.get("involvedObject") or {})
    if obj.get("related") is not None:
        out["related"] = deep_copy(obj["related"])
    _set(out, "note", obj.get("message"))
    _set(out, "type", obj.get("type"))
    out["deprecatedSource"] = deep_copy(obj.get("source") or {})
    out["deprecatedFirstTimestamp"] = _time(obj.get("firstTimestamp"))
    out["deprecatedLastTimestamp"] = _time(obj.get("lastTimestamp"))
    _set(out, "deprecatedCount", obj.get("count"))
    return out


@dataclass(frozen=True)
class Conversion:
    """How one served version maps to its storage version: the storage resource
    ``(group, plural)`` and the two conversion functions."""

    storage: tuple[str, str]
    to_storage: Callable[..., Obj]
    #: ``from_storage(obj, copy=True)``
    from_storage: Callable[..., Obj]


#: ``(group, kind)`` of a served non-storage version -> its conversion
CONVERSIONS: dict[tuple[str, str], Conversion] = {
    ("events.k8s.io", "Event"): Conversion(("", "events"), events_v1_to_core_event,
                                           core_event_to_events_v1),
}


def conversion_for(info: ResourceInfo) -> Conversion | None:
    """The conversion of a resource served from another resource's storage, or ``None``."""
    if not info.storage:
        return None
    return CONVERSIONS.get((info.group, info.kind))


def storage_info(info: ResourceInfo) -> ResourceInfo:
    """The resource whose storage ``info`` is served from (``info`` itself for most)."""
    if not info.storage:
        return info
    target = lookup(*info.storage)
    assert target is not None, info.storage
    return target


def to_storage(info: ResourceInfo, obj: Obj) -> Obj:
    """``obj`` (in ``info``'s version) in the storage version (a new object)."""
    conv = conversion_for(info)
    return obj if conv is None else conv.to_storage(obj)


def from_storage(info: ResourceInfo, obj: Obj) -> Obj:
    """A stored object in ``info``'s version (a new object)."""
    conv = conversion_for(info)
    return obj if conv is None else conv.from_storage(obj)
