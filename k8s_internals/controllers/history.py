"""ControllerRevisions: how a StatefulSet or DaemonSet remembers its past pod templates.

Upstream: ``pkg/controller/history/controller_history.go`` (kubernetes/kubernetes) —
``ControllerRevisionHashLabel``, ``ControllerRevisionName``, ``NewControllerRevision``,
``HashControllerRevision``, ``SortControllerRevisions`` (``byRevision``), ``EqualRevision``,
``FindEqualRevisions`` and the ``Interface`` (``realHistory``: ``ListControllerRevisions``,
``CreateControllerRevision``, ``UpdateControllerRevision``, ``DeleteControllerRevision``,
``AdoptControllerRevision``, ``ReleaseControllerRevision``). ``SafeEncodeString``
(``k8s.io/apimachinery/pkg/util/rand``) comes from :mod:`.controller_utils`.

A revision is a snapshot of the owner's pod template, stored as a strategic merge patch in
``data`` — ``{"spec": {"template": {..., "$patch": "replace"}}}`` — with a ``revision`` number that
only grows. Its name is ``<owner>-<hash>``: the hash is FNV-1 (32-bit) over the JSON bytes of
``data``, then over the decimal collision count when there is one, printed in decimal and passed
through ``SafeEncodeString`` (each digit becomes a letter or digit of
``bcdfghjklmnpqrstvwxz2456789``, so no hash spells a word)::

    data = b'{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}}}}}'
    fnv1 = 2166136261; for each byte: fnv1 = (fnv1 * 16777619) mod 2**32; fnv1 ^= byte
         = 351255273
    SafeEncodeString("351255273"): "3" → ord 51 % 27 = 24 → "7", "5" → 26 → "9", ...
         = "7956996c7"                        → ControllerRevision "web-7956996c7"

The same hash goes into the ``controller.kubernetes.io/hash`` label; pods carry the revision's name
in ``controller-revision-hash``.

Revision numbers: the first revision is 1; a changed template gets ``max + 1``; going *back* to an
older template does not create a new object — the old revision is renumbered to ``max + 1``
(``getStatefulSetRevisions``: "roll back by incrementing the Revision of the equivalent
revision").

What differs: upstream hashes the bytes Go's ``encoding/json`` writes; here :func:`marshal`
writes the same shape (compact, map keys sorted, ``<``/``>``/``&`` escaped), so names are stable
and deterministic but not guaranteed byte-identical to a real cluster's for every template.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from ..api.selectors import Selector
from ..client.client import ApiError, Client
from ..client.informer import Informer
from ._workload_utils import is_conflict, is_invalid, is_not_found
from .controller_utils import get_controller_of, new_controller_ref, safe_encode_string

__all__ = [
    "CONTROLLER_REVISION_HASH_LABEL",
    "History",
    "controller_revision_name",
    "equal_revision",
    "find_equal_revisions",
    "fnv32",
    "hash_controller_revision",
    "marshal",
    "new_controller_revision",
    "sort_controller_revisions",
]

JSON = dict[str, Any]

#: ``ControllerRevisionHashLabel``
CONTROLLER_REVISION_HASH_LABEL = "controller.kubernetes.io/hash"

_FNV32_OFFSET = 2166136261
_FNV32_PRIME = 16777619


def fnv32(data: bytes) -> int:
    """FNV-1 32-bit (Go's ``fnv.New32``): multiply, then xor.

    >>> fnv32(b""), fnv32(b"a")
    (2166136261, 84696446)
    """
    h = _FNV32_OFFSET
    for b in data:
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
        h ^= b
    return h


def marshal(obj: Any) -> bytes:
    """JSON as Go's ``json.Marshal`` writes a ``map[string]interface{}``: compact, keys sorted,
    HTML-sensitive characters escaped (``<`` → ``\\u003c``).

    >>> marshal({"b": 1, "a": "<x>"})
    b'{"a":"\\\\u003cx\\\\u003e","b":1}'
    """
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return text.encode()


def raw_data(revision: JSON) -> bytes:
    """``revision.Data.Raw``: the stored ``data`` as bytes (the API stores it as JSON)."""
    data = revision.get("data")
    return b"" if data is None else marshal(data)


def controller_revision_name(prefix: str, hash_: str) -> str:
    """``ControllerRevisionName``: ``<prefix>-<hash>``, the prefix cut to 223 bytes so the name
    fits in 253."""
    if len(prefix) > 223:
        prefix = prefix[:223]
    return f"{prefix}-{hash_}"


def hash_controller_revision(revision: JSON, probe: int | None = None) -> str:
    """``HashControllerRevision``: FNV-1 over ``data`` then ``str(probe)``, SafeEncoded."""
    data = raw_data(revision)
    if probe is not None:
        data += str(probe).encode()
    return safe_encode_string(str(fnv32(data)))


def new_controller_revision(parent: JSON, api_version: str, kind: str,
                            template_labels: dict[str, str] | None, data: JSON, revision: int,
                            collision_count: int | None) -> JSON:
    """``NewControllerRevision``: labels = the template's labels + the hash label, a controller
    reference to ``parent``, ``name`` = ``<parent>-<hash>``."""
    labels = dict(template_labels or {})
    cr: JSON = {
        "apiVersion": "apps/v1", "kind": "ControllerRevision",
        "metadata": {"labels": labels,
                     "ownerReferences": [new_controller_ref(parent, api_version, kind)]},
        "data": data,
        "revision": revision,
    }
    hash_ = hash_controller_revision(cr, collision_count)
    cr["metadata"]["name"] = controller_revision_name(parent["metadata"]["name"], hash_)
    labels[CONTROLLER_REVISION_HASH_LABEL] = hash_
    return cr


def revision_number(revision: JSON) -> int:
    return int(revision.get("revision") or 0)


def sort_controller_revisions(revisions: Iterable[JSON]) -> list[JSON]:
    """``SortControllerRevisions`` (stable, ``byRevision``): by revision number, ties by
    creationTimestamp, then by name."""
    return sorted(revisions, key=lambda r: (revision_number(r),
                                            r["metadata"].get("creationTimestamp") or "",
                                            r["metadata"].get("name", "")))


def _hash_label_value(revision: JSON) -> int | None:
    hs = ((revision.get("metadata") or {}).get("labels") or {}).get(CONTROLLER_REVISION_HASH_LABEL)
    if hs is None:
        return None
    try:
        value = int(hs, 10)  # strconv.ParseInt(hs, 10, 32): SafeEncoded hashes rarely parse
    except ValueError:
        return None
    return value & 0xFFFFFFFF if -(2**31) <= value < 2**31 else None


def equal_revision(lhs: JSON | None, rhs: JSON | None) -> bool:
    """``EqualRevision``: both None, or the same ``data`` (a differing numeric hash label
    short-cuts to False)."""
    if lhs is None or rhs is None:
        return lhs is rhs
    lh, rh = _hash_label_value(lhs), _hash_label_value(rhs)
    if lh is not None and rh is not None and lh != rh:
        return False
    return raw_data(lhs) == raw_data(rhs)


def find_equal_revisions(revisions: Iterable[JSON], needle: JSON) -> list[JSON]:
    """``FindEqualRevisions``: the revisions equal to ``needle``, order kept."""
    return [r for r in revisions if equal_revision(r, needle)]


class History:
    """``realHistory``: ControllerRevisions written through the API, read from an informer."""

    #: ``retry.DefaultBackoff.Steps`` for ``UpdateControllerRevision``'s RetryOnConflict
    RETRY_STEPS = 4

    def __init__(self, client: Client, lister: Informer) -> None:
        self.client = client
        self.lister = lister

    def list_controller_revisions(self, parent: JSON, selector: Selector) -> list[JSON]:
        """``ListControllerRevisions``: the revisions in the parent's namespace that match the
        selector and are owned by the parent or by no controller."""
        pmeta = parent["metadata"]
        owned = []
        for rev in self.lister.list(pmeta.get("namespace", "")):
            if not selector.matches((rev.get("metadata") or {}).get("labels") or {}):
                continue
            ref = get_controller_of(rev)
            if ref is None or ref.get("uid") == pmeta.get("uid"):
                owned.append(rev)
        return owned

    def create_controller_revision(self, parent: JSON, revision: JSON,
                                   collision_count: int) -> tuple[JSON, int]:
        """``CreateControllerRevision``: create, renaming on a name collision with different
        data (each collision bumps the count, which feeds the hash). Returns the revision and the
        collision count (upstream mutates ``*collisionCount``)."""
        clone = copy.deepcopy(revision)
        ns = parent["metadata"].get("namespace", "")
        clone["metadata"]["namespace"] = ns
        while True:
            hash_ = hash_controller_revision(revision, collision_count)
            clone["metadata"]["name"] = controller_revision_name(parent["metadata"]["name"], hash_)
            try:
                return self.client.create("controllerrevisions", clone, ns), collision_count
            except ApiError as exc:
                if exc.code != 409 or exc.reason != "AlreadyExists":
                    raise
            exists = self.client.get("controllerrevisions", clone["metadata"]["name"], ns)
            if raw_data(exists) == raw_data(clone):
                return exists, collision_count
            collision_count += 1

    def update_controller_revision(self, revision: JSON, new_revision: int) -> JSON:
        """``UpdateControllerRevision``: set ``revision`` to ``new_revision``, retrying on
        conflict from a fresh copy. (Upstream re-reads its lister between backoff steps; a
        synchronous call cannot wait for the watch, so the retry reads the API server.)"""
        clone = copy.deepcopy(revision)
        err: ApiError | None = None
        for _ in range(self.RETRY_STEPS):
            if revision_number(clone) == new_revision:
                return clone
            clone["revision"] = new_revision
            try:
                return self.client.update("controllerrevisions", clone)
            except ApiError as exc:
                if not is_conflict(exc):
                    raise
                err = exc
                meta = clone["metadata"]
                clone = self.client.get("controllerrevisions", meta["name"], meta["namespace"])
        assert err is not None
        raise err

    def delete_controller_revision(self, revision: JSON) -> None:
        """``DeleteControllerRevision``."""
        meta = revision["metadata"]
        self.client.delete("controllerrevisions", meta["name"], meta.get("namespace", ""))

    def adopt_controller_revision(self, parent: JSON, api_version: str, kind: str,
                                  revision: JSON) -> JSON:
        """``AdoptControllerRevision``: add a controller reference with a strategic merge patch
        (an error if another controller owns it)."""
        owner = get_controller_of(revision)
        if owner is not None:
            raise RuntimeError(f"attempt to adopt revision owned by {owner}")
        pmeta, rmeta = parent["metadata"], revision["metadata"]
        patch = {"metadata": {"ownerReferences": [{
            "apiVersion": api_version, "kind": kind, "name": pmeta["name"],
            "uid": pmeta.get("uid", ""), "controller": True, "blockOwnerDeletion": True}],
            "uid": rmeta.get("uid", "")}}
        return self.client.patch("controllerrevisions", rmeta["name"], json.dumps(patch),
                                 pmeta.get("namespace", ""), patch_type="strategic")

    def release_controller_revision(self, parent: JSON, revision: JSON) -> JSON | None:
        """``ReleaseControllerRevision``: drop the parent's owner reference (NotFound and
        Invalid are ignored: the revision is gone or not ours)."""
        rmeta = revision["metadata"]
        patch = {"metadata": {"ownerReferences": [{"$patch": "delete",
                                                   "uid": parent["metadata"].get("uid")}],
                              "uid": rmeta.get("uid", "")}}
        try:
            return self.client.patch("controllerrevisions", rmeta["name"], json.dumps(patch),
                                     rmeta.get("namespace", ""), patch_type="strategic")
        except ApiError as exc:
            if is_not_found(exc) or is_invalid(exc):
                return None
            raise
