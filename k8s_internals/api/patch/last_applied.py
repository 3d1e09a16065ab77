"""kubectl's client-side apply: the last-applied annotation and the patch it sends.

Upstream: ``staging/src/k8s.io/kubectl/pkg/util/apply.go`` (``GetOriginalConfiguration``,
``GetModifiedConfiguration``) and ``kubectl/pkg/cmd/apply/patcher.go`` (``patchSimple``): a kind
with a Go type gets ``CreateThreeWayMergePatch`` sent as ``application/strategic-merge-patch+json``;
a kind without one (a custom resource) gets ``CreateThreeWayJSONMergePatch`` sent as
``application/merge-patch+json``.

The annotation holds the applied object, without the annotation itself, serialized as Go's
``encoding/json`` does: keys sorted, no spaces, ``<``, ``>`` and ``&`` escaped, a trailing
newline. Since kubectl sets the (possibly empty) annotation map before serializing, an object
applied without annotations records ``"annotations":{}``.

Simplification: floats are written as Python writes them, except whole numbers (``1.0`` → ``1``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .json_merge import create_three_way_json_merge_patch
from .schema import kind_schema
from .strategic_merge import create_three_way_merge_patch

__all__ = [
    "JSON_MERGE_PATCH",
    "LAST_APPLIED_CONFIG_ANNOTATION",
    "STRATEGIC_MERGE_PATCH",
    "apply_patch",
    "encode_json",
    "modified_configuration",
    "original_configuration",
]

#: ``v1.LastAppliedConfigAnnotation``
LAST_APPLIED_CONFIG_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
JSON_MERGE_PATCH = "application/merge-patch+json"

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
               "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _go_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_numbers(v) for v in value]
    return value


def encode_json(obj: Any) -> str:
    """``runtime.Encode`` of an unstructured object: ``json.Encoder.Encode`` output.

    >>> encode_json({"b": "<x>", "a": [1, 2.0]})
    '{"a":[1,2],"b":"\\\\u003cx\\\\u003e"}\\n'
    """
    text = json.dumps(_go_numbers(obj), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    for raw, escaped in _GO_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text + "\n"


def original_configuration(obj: dict[str, Any]) -> dict[str, Any] | None:
    """``GetOriginalConfiguration``: the decoded last-applied annotation, or ``None``."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    text = annotations.get(LAST_APPLIED_CONFIG_ANNOTATION)
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def modified_configuration(obj: dict[str, Any], annotate: bool = True) -> dict[str, Any]:
    """``GetModifiedConfiguration``: ``obj`` with the last-applied annotation set to ``obj``
    itself (serialized without that annotation); ``obj`` is not changed."""
    result = copy.deepcopy(obj)
    metadata = result.setdefault("metadata", {})
    annotations = dict(metadata.get("annotations") or {})
    annotations.pop(LAST_APPLIED_CONFIG_ANNOTATION, None)
    metadata["annotations"] = annotations
    if annotate:
        annotations[LAST_APPLIED_CONFIG_ANNOTATION] = encode_json(result)
    return result


def apply_patch(original: dict[str, Any] | None, modified: dict[str, Any],
                current: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    """The patch ``kubectl apply`` sends for an existing object: ``(content type, patch)``.

    ``original`` is :func:`original_configuration` of the live object, ``modified`` is
    :func:`modified_configuration` of the applied one, ``current`` the live object. An empty patch
    means "unchanged" (kubectl then sends nothing).
    """
    if kind_schema(kind) is not None:
        return STRATEGIC_MERGE_PATCH, create_three_way_merge_patch(original, modified, current,
                                                                   kind)
    return JSON_MERGE_PATCH, create_three_way_json_merge_patch(original, modified, current)
