"""Builders and lookups shared by the kubelet tests."""

from __future__ import annotations

from typing import Any

from k8s_internals.client.client import Client


def make_pod(name: str = "web", image: str = "nginx:1.27", *, node: str = "node-1",
             ns: str = "default", command: list[str] | None = None,
             args: list[str] | None = None, restart: str | None = None,
             **container: Any) -> dict[str, Any]:
    """A pod bound to ``node`` with one container ``app``."""
    c: dict[str, Any] = {"name": "app", "image": image}
    if command is not None:
        c["command"] = command
    if args is not None:
        c["args"] = args
    c.update(container)
    spec: dict[str, Any] = {"nodeName": node, "containers": [c]}
    if restart:
        spec["restartPolicy"] = restart
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": spec}


def events_of(client: Client, name: str, ns: str = "default") -> list[tuple[str, str]]:
    """``(reason, message)`` of the events about ``name``, oldest first."""
    items = client.list("events", ns)["items"]
    items = [e for e in items if e["involvedObject"].get("name") == name]
    items.sort(key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    return [(e["reason"], e["message"]) for e in items]


def container_status(pod: dict[str, Any], name: str = "app") -> dict[str, Any]:
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        if cs["name"] == name:
            return cs  # type: ignore[no-any-return]
    raise KeyError(name)


def condition(obj: dict[str, Any], ctype: str) -> dict[str, Any]:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c["type"] == ctype:
            return c  # type: ignore[no-any-return]
    raise KeyError(ctype)
