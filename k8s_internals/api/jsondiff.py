"""Describe a change as an RFC 6902 JSON patch — how the trace shows what each mutating
admission plugin did (upstream's admission webhooks return exactly such patches;
``AdmissionReview.response.patch``).

>>> json_patch_diff({"a": 1, "b": {"c": 2}}, {"a": 1, "b": {"c": 3, "d": [1]}})
[{'op': 'replace', 'path': '/b/c', 'value': 3}, {'op': 'add', 'path': '/b/d', 'value': [1]}]
"""

from __future__ import annotations

from typing import Any

__all__ = ["escape_pointer", "json_patch_diff"]


def escape_pointer(token: str) -> str:
    """RFC 6901: ``~`` → ``~0``, ``/`` → ``~1``."""
    return token.replace("~", "~0").replace("/", "~1")


def json_patch_diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """The operations that turn ``old`` into ``new``: objects are compared key by key, lists
    element by element (appends become ``add`` at the index, shrinking becomes ``remove`` from
    the end), anything else is a ``replace``."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        ops: list[dict[str, Any]] = []
        for k in old:
            if k not in new:
                ops.append({"op": "remove", "path": f"{path}/{escape_pointer(k)}"})
        for k, v in new.items():
            p = f"{path}/{escape_pointer(k)}"
            if k not in old:
                ops.append({"op": "add", "path": p, "value": v})
            else:
                ops.extend(json_patch_diff(old[k], v, p))
        return ops
    if isinstance(old, list) and isinstance(new, list):
        ops = []
        common = min(len(old), len(new))
        for i in range(common):
            ops.extend(json_patch_diff(old[i], new[i], f"{path}/{i}"))
        for i in range(common, len(new)):
            ops.append({"op": "add", "path": f"{path}/{i}", "value": new[i]})
        for i in range(len(old) - 1, common - 1, -1):
            ops.append({"op": "remove", "path": f"{path}/{i}"})
        return ops
    return [{"op": "replace", "path": path or "", "value": new}]
