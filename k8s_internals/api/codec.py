"""JSON encoding of API objects as kube-apiserver writes them to etcd and to clients.

Upstream (``--storage-media-type=application/json``) serialises Go structs with
``encoding/json``: fields in struct order (``kind``, ``apiVersion``, ``metadata``, ``spec``,
``status``; ``ObjectMeta`` fields in their declared order), no spaces, ``<``, ``>`` and ``&``
escaped as ``\\u003c``, ``\\u003e``, ``\\u0026``, other non-ASCII written as UTF-8. The stored
value never contains ``metadata.resourceVersion``: the etcd3 store clears it before writing
(``apiserver/pkg/storage/etcd3/store.go`` → ``versioner.PrepareObjectForStorage``) and sets it
from the key's ``mod_revision`` when reading.

The simulator orders the top level and ``metadata``; nested spec fields keep the order they
arrived in (upstream would reorder them too).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "METADATA_ORDER", "TOP_ORDER", "EncodedItems", "deep_copy", "dumps", "dumps_list", "normalize",
    "to_storage",
]

TOP_ORDER = ("kind", "apiVersion", "metadata")
#: ``metav1.ObjectMeta`` field order (``apimachinery/pkg/apis/meta/v1/types.go``)
METADATA_ORDER = (
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
    "annotations", "ownerReferences", "finalizers", "managedFields",
)  # fmt: skip
_TAIL_ORDER = ("spec", "status")

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: the C encoder ``_ENCODER.encode`` builds on every call, made once and without the
#: circular-reference bookkeeping (API objects are trees: JSON decoded, or built as literals)
_C_ITERENCODE = (
    json.encoder.c_make_encoder(None, _ENCODER.default, json.encoder.c_encode_basestring, None,
                                ":", ",", False, False, True)
    if json.encoder.c_make_encoder is not None and json.encoder.c_encode_basestring is not None
    else None)


def _go_escape(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


def dumps(obj: Any) -> str:
    """Compact JSON as Go's ``json.Marshal`` writes it (HTML-safe escaping)."""
    if _C_ITERENCODE is not None and type(obj) is dict:
        s = "".join(_C_ITERENCODE(obj, 0))
    else:
        s = _ENCODER.encode(obj)
    if "<" in s or ">" in s or "&" in s or "\u2028" in s or "\u2029" in s:
        s = _go_escape(s)
    return s


class EncodedItems(list):  # type: ignore[type-arg]
    """A list reply's items already encoded, each as :func:`dumps` writes it (kube-apiserver's
    ``cachingObject``: the watch cache keeps objects' serialized forms and a list reply splices
    them). Only the HTTPS front asks for these (``Request.encoded_items``)."""


def dumps_list(body: dict[str, Any]) -> str:
    """:func:`dumps` of a list reply whose ``items`` (the last key) are :class:`EncodedItems`:
    the envelope is encoded with no items and the items' text spliced in, byte for byte what
    :func:`dumps` writes for the decoded items (Go's escaping applies to each part alone)."""
    envelope = dict(body)
    items = envelope.pop("items")
    envelope["items"] = []
    head = dumps(envelope)
    return head[:-2] + ",".join(items) + "]}"


def normalize(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` with the top level and ``metadata`` in Go struct order."""
    out: dict[str, Any] = {}
    for k in TOP_ORDER:
        if k in obj:
            out[k] = obj[k]
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        # a stable sort by rank, unknown fields last in their order (what
        # ``sorted(..., key=rank or 99)`` gives, without a key call per field)
        ordered = {k: meta[k] for k in METADATA_ORDER if k in meta}
        if len(ordered) != len(meta):
            for k, v in meta.items():
                if k not in ordered:
                    ordered[k] = v
        out["metadata"] = ordered
    for k, v in obj.items():
        if k not in out and k not in _TAIL_ORDER:
            out[k] = v
    for k in _TAIL_ORDER:
        if k in obj:
            out[k] = obj[k]
    return out


#: ``ObjectMeta``'s collections, all ``omitempty``: Go drops an empty one when it encodes
_META_OMITEMPTY = ("labels", "annotations", "ownerReferences", "finalizers", "managedFields")


def to_storage(obj: dict[str, Any]) -> bytes:
    """The bytes written to etcd: normalized, without ``metadata.resourceVersion``.

    An empty ``metadata`` collection (``finalizers: []`` left by a patch that removed the last
    finalizer, ``labels: {}``) is dropped from ``obj`` itself, so the reply and the stored object
    agree: upstream decodes every write into the Go struct, whose ``omitempty`` fields vanish
    when empty on the way out."""
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        for k in _META_OMITEMPTY:
            if k in meta and meta[k] in ([], {}, None):
                del meta[k]
    norm = normalize(obj)
    meta = norm.get("metadata")
    if isinstance(meta, dict) and "resourceVersion" in meta:
        meta = dict(meta)
        del meta["resourceVersion"]
        norm["metadata"] = meta
    return dumps(norm).encode()


def deep_copy(value: Any) -> Any:
    """A deep copy of a JSON-shaped value (dicts, lists, scalars); ~5x faster than
    ``copy.deepcopy`` for API objects."""
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value
