"""Give an object from an informer its ``apiVersion`` and ``kind`` back.

The items of a LIST carry no type on the wire (a typed list's items are typed by the list), so
the objects an informer cached from its first list have no ``kind``; client-go's scheme supplies
it when a controller encodes an update or records an event about the object. Here the controller
does it with :func:`typed` before writing the object or naming it in an Event.
"""

from __future__ import annotations

from typing import Any

__all__ = ["typed"]


def typed(obj: dict[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    """A shallow copy of ``obj`` with ``apiVersion`` and ``kind`` first.

    >>> typed({"metadata": {"name": "web"}}, "v1", "Service")
    {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 'web'}}
    """
    return {"apiVersion": api_version, "kind": kind,
            **{k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}}
