"""The API server's storage layer over the etcd-like store: keys, JSON values, resourceVersions,
optimistic concurrency. The only module (with :mod:`.watchcache`) that talks to the store.

Mirrors ``staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go``:

- ``Create``: a txn ``version(key) == 0`` → put, else ``409 AlreadyExists``;
- ``Get``: a range on the key, ``resourceVersion`` = the key's ``mod_revision``;
- ``GetList``: a range over the resource (or namespace) prefix at one revision, filtered by
  label/field predicates, paginated by ``limit`` with an opaque ``continue`` token (the same
  shape upstream encodes: base64 JSON ``{"v":"meta.k8s.io/v1","rv":N,"start":"..."}``); a page
  is a range of ``limit + 1`` keys from the continue key, its ``remainingItemCount`` the
  range's ``count`` less the page;
- ``GuaranteedUpdate``: read, transform, then a txn ``mod(key) == read mod_revision`` → put;
  on a lost race re-read and transform again, unless the caller pinned a resourceVersion
  (then ``409 Conflict``);
- ``Delete``: a txn ``mod(key) == read mod_revision`` → delete.

The revision a write produced becomes the object's ``resourceVersion``.
"""

from __future__ import annotations

import base64
import itertools
import json
import json.scanner
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..store import (
    CompactedError,
    DeleteRange,
    KeyValue,
    Put,
    Range,
    RangeResponse,
    RequestTooLargeError,
    Store,
    mod,
    prefix_range_end,
    version,
)
from . import errors
from .codec import dumps, normalize, to_storage
from .resources import ResourceInfo

__all__ = ["ListResult", "Storage", "decode_continue", "encode_continue"]

Predicate = Callable[[dict[str, Any]], bool]
Transform = Callable[[dict[str, Any]], dict[str, Any]]

#: the most keys one range of a paged list asks for while a selector drops items (upstream's
#: ``maxLimit`` in ``etcd3/store.go``: the chunk doubles from ``limit`` up to it)
_MAX_CHUNK = 10000


@dataclass
class ListResult:
    items: list[dict[str, Any]]
    resource_version: int
    continue_token: str = ""
    remaining: int | None = None
    #: ``items`` are JSON text in the reply's item form (``Storage.list(encoded=True)``)
    encoded: bool = False


def encode_continue(rv: int, start_key: str) -> str:
    """``storage.EncodeContinue``: base64 of ``{"v":"meta.k8s.io/v1","rv":rv,"start":key}``."""
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start_key},
                     separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_continue(token: str, key_prefix: str) -> tuple[int, str]:
    """``storage.DecodeContinue``: the revision and the full start key, or 400 BadRequest."""
    try:
        data = json.loads(base64.b64decode(token.encode(), validate=False))
        if data.get("v") != "meta.k8s.io/v1":
            raise ValueError("version")
        rv = int(data["rv"])
        start = str(data["start"])
    except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise errors.bad_request(f"continue key is not valid: {exc}") from None
    if start.startswith("/") or ".." in start.split("/"):
        raise errors.bad_request("continue key is not valid: path traversal")
    return rv, key_prefix + start


#: how many characters of encoded list items :class:`Storage` keeps (first in, first out)
ITEM_CACHE_CHARS = 32 * 1024 * 1024


#: the C scanner behind ``json.loads``, called directly: a stored value is one UTF-8 JSON
#: document with nothing around it, so the wrapper's encoding detection and whitespace checks
#: are skipped (~10% of decoding a pod; anything else goes through ``json.loads``)
_scan_once = json.scanner.make_scanner(json.JSONDecoder())


def _loads(value: bytes) -> Any:
    try:
        text = value.decode("utf-8", "surrogatepass")
        obj, end = _scan_once(text, 0)
        if end == len(text):
            return obj
    except (UnicodeDecodeError, StopIteration, ValueError):
        pass
    return json.loads(value)


def decode_object(value: bytes, revision: int) -> dict[str, Any]:
    obj: dict[str, Any] = _loads(value)
    obj.setdefault("metadata", {})["resourceVersion"] = str(revision)
    return obj


def as_decoded(written: dict[str, Any], revision: int) -> dict[str, Any]:
    """What :func:`decode_object` returns for the bytes :func:`~.codec.to_storage` just made of
    ``written`` (after the write, at ``revision``), without decoding them: the top level and
    ``metadata`` in stored order, ``resourceVersion`` last. It shares every nested value with
    ``written``, so only a writer that drops ``written`` may hand it on (the binding handler
    gives it to the watch cache, which would otherwise decode the pod it has just encoded)."""
    out = normalize(written)
    meta = out.get("metadata")
    if isinstance(meta, dict):
        meta.pop("resourceVersion", None)
        meta["resourceVersion"] = str(revision)
    return out


class Storage:
    """All resources' objects in one store. ``on_write(key, revision, op)`` is called after every
    successful write (the API server records it in the request's trace)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        #: (key, mod_revision) -> the object as a list reply's item (no kind/apiVersion,
        #: ``resourceVersion`` set), encoded by ``dumps``: upstream's watch cache keeps
        #: serialized forms (``cachingObject``) so a list does not encode each object again.
        #: A key at a mod_revision never changes, so an entry never goes stale.
        self._items: dict[tuple[bytes, int], str] = {}
        self._items_chars = 0

    def _item_text(self, kv: KeyValue, obj: dict[str, Any] | None = None) -> str:
        """The reply-form JSON of a stored key-value (decoded, if not given, only on a miss)."""
        ck = (kv.key, kv.mod_revision)
        text = self._items.get(ck)
        if text is None:
            if obj is None:
                obj = decode_object(kv.value, kv.mod_revision)
            item = dict(obj)
            item.pop("kind", None)
            item.pop("apiVersion", None)
            text = dumps(item)
            self._items_chars += len(text)
            if self._items_chars > ITEM_CACHE_CHARS:
                # keep the newer half (one rebuild: popping a dict's oldest keys one at a
                # time makes each next pop scan the holes the previous ones left)
                items = self._items
                self._items = dict(itertools.islice(items.items(), len(items) // 2, None))
                self._items_chars = sum(map(len, self._items.values())) + len(text)
            self._items[ck] = text
        return text

    # -- reads ----------------------------------------------------------------------------------

    def get(self, info: ResourceInfo, namespace: str, name: str,
            revision: int | None = None) -> dict[str, Any]:
        try:
            kv = self.store.get(info.key(namespace, name).encode(), revision=revision or None)
        except CompactedError:
            raise errors.gone(f"too old resource version: {revision}") from None
        if kv is None:
            raise errors.not_found(info.group, info.plural, name)
        return decode_object(kv.value, kv.mod_revision)

    def get_or_none(self, info: ResourceInfo, namespace: str, name: str) -> dict[str, Any] | None:
        kv = self.store.get(info.key(namespace, name).encode())
        return None if kv is None else decode_object(kv.value, kv.mod_revision)

    def list(
        self,
        info: ResourceInfo,
        namespace: str = "",
        predicate: Predicate | None = None,
        limit: int = 0,
        continue_token: str = "",
        revision: int = 0,
        encoded: bool = False,
    ) -> ListResult:
        """``GetList``. With a ``limit`` the store is asked for at most ``limit + 1`` keys
        from the start key (etcd's ``Range`` with a limit; ``count`` gives
        ``remainingItemCount``), more in doubling chunks while a selector drops items, as
        upstream does: a page costs its own size, not the size of the rest of the prefix.
        Only the keys read are decoded, each once, and the predicate sees each once.

        ``encoded``: the items as JSON text in a list reply's item form, from the cache of
        encodings; without a predicate nothing is decoded when every item is cached."""
        prefix = info.list_prefix(namespace)
        start = prefix
        if continue_token:
            revision, start = decode_continue(continue_token, info.key_prefix)
            if not start.startswith(prefix):
                raise errors.bad_request("continue key is not valid: prefix mismatch")
        end = prefix_range_end(prefix.encode())
        if limit <= 0:
            resp = self._range(start.encode(), end, 0, revision, continue_token)
            list_rev = revision or resp.revision
            if encoded:
                text = self._item_text
                if predicate is None:
                    return ListResult([text(kv) for kv in resp.kvs], list_rev, encoded=True)
                texts = []
                for kv in resp.kvs:
                    o = decode_object(kv.value, kv.mod_revision)
                    if predicate(o):
                        texts.append(text(kv, o))
                return ListResult(texts, list_rev, encoded=True)
            objs = [decode_object(kv.value, kv.mod_revision) for kv in resp.kvs]
            if predicate is not None:
                objs = [o for o in objs if predicate(o)]
            return ListResult(objs, list_rev)
        items: list[Any] = []
        key = start.encode()
        decode = predicate is not None or not encoded
        chunk = limit + 1
        prev_key = b""
        while True:
            resp = self._range(key, end, chunk, revision, continue_token)
            if not revision:
                revision = resp.revision  # later chunks read at the first one's revision
            kvs = resp.kvs
            for i, kv in enumerate(kvs):
                obj = decode_object(kv.value, kv.mod_revision) if decode else None
                if predicate is not None and not predicate(obj):  # type: ignore[arg-type]
                    prev_key = kv.key
                    continue
                if len(items) == limit:
                    # there is at least one more matching item: hand out a continue token
                    # (from just after the last key read before it, as upstream's lastKey)
                    last = kvs[i - 1].key if i else prev_key
                    next_key = last.decode() + "\x00"
                    token = encode_continue(revision, next_key[len(info.key_prefix):])
                    # ``count`` is every key from this chunk's start to the prefix's end; only
                    # without a selector is it the number of remaining items (upstream too)
                    remaining = resp.count - i if predicate is None else None
                    return ListResult(items, revision, token, remaining, encoded)
                items.append(self._item_text(kv, obj) if encoded else obj)
                prev_key = kv.key
            if not resp.more or not kvs:
                return ListResult(items, revision, encoded=encoded)
            key = kvs[-1].key + b"\x00"
            chunk = min(chunk * 2, _MAX_CHUNK)

    def _range(self, key: bytes, end: bytes, limit: int, revision: int,
               continue_token: str) -> RangeResponse:
        try:
            return self.store.range(key, end, limit=limit, revision=revision or None)
        except CompactedError:
            if continue_token:
                raise errors.gone(
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter, or use "
                    "the continue token in this response to retrieve the remainder of the "
                    "results. Continuing with the provided token results in an inconsistent "
                    "list - objects that were created, modified, or deleted between the time "
                    "the first chunk was returned and now may show up in the list."
                ) from None
            raise errors.gone(f"too old resource version: {revision}") from None

    # -- writes ---------------------------------------------------------------------------------

    def _value(self, obj: dict[str, Any]) -> bytes:
        return to_storage(obj)

    def create(self, info: ResourceInfo, obj: dict[str, Any]) -> dict[str, Any]:
        meta = obj["metadata"]
        key = info.key(meta.get("namespace", ""), meta["name"]).encode()
        try:
            resp = self.store.txn([version(key) == 0], [Put(key, self._value(obj))], [])
        except RequestTooLargeError:
            raise errors.request_entity_too_large("limit is 1572864") from None
        if not resp.succeeded:
            raise errors.already_exists(info.group, info.plural, meta["name"])
        meta["resourceVersion"] = str(resp.revision)
        return obj

    def guaranteed_update(
        self,
        info: ResourceInfo,
        namespace: str,
        name: str,
        transform: Transform,
        precondition_rv: str = "",
        retries: int = 16,
        cached: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Read, ``transform(current) -> new``, write if nobody wrote in between.

        Returns ``(old, new)``. ``transform`` may raise a StatusError to abort. With
        ``precondition_rv`` the stored resourceVersion must match (``409 Conflict`` otherwise);
        without it a lost race is retried against the fresh object, as upstream does for
        patches and for updates that omit ``resourceVersion``.

        The stored value is decoded once per attempt: ``transform`` gets that object and may
        change it in place (or return it), and ``old`` is the same object, so a caller that
        reads ``old`` must use a transform that leaves its argument alone (as the PUT/PATCH
        handler's does: it builds the new object from a copy).

        ``cached`` is upstream's ``cachedExistingObject`` (``Cacher.GuaranteedUpdate`` passes
        the watch cache's object to ``etcd3.store.GuaranteedUpdate``, which starts from it when
        it is at the stored revision, and reads etcd otherwise): a decoded object of the key
        that the caller's caches hold. The first attempt starts from it instead of decoding
        the stored bytes if its ``resourceVersion`` is the key's ``mod_revision``. It is
        shared with those caches, so the transform must then build the new object without
        changing its argument (copy on write; upstream deep-copies the cached object).
        """
        key = info.key(namespace, name).encode()
        for _ in range(retries):
            kv = self.store.get(key)
            if kv is None:
                raise errors.not_found(info.group, info.plural, name)
            if precondition_rv and precondition_rv != str(kv.mod_revision):
                raise errors.conflict(info.group, info.plural, name)
            if cached is not None and (cached.get("metadata") or {}).get(
                    "resourceVersion") == str(kv.mod_revision):
                current = cached
            else:
                current = decode_object(kv.value, kv.mod_revision)
            cached = None  # a retry reads what the store has
            new = transform(current)
            data = self._value(new)
            if data == kv.value:
                # nothing changed: upstream skips the write and keeps the resourceVersion
                new["metadata"]["resourceVersion"] = str(kv.mod_revision)
                return current, new
            try:
                resp = self.store.txn([mod(key) == kv.mod_revision], [Put(key, data)],
                                      [Range(key)])
            except RequestTooLargeError:
                raise errors.request_entity_too_large("limit is 1572864") from None
            if resp.succeeded:
                new["metadata"]["resourceVersion"] = str(resp.revision)
                return current, new
            if precondition_rv:
                raise errors.conflict(info.group, info.plural, name)
        raise errors.conflict(info.group, info.plural, name)

    def delete(self, info: ResourceInfo, namespace: str, name: str,
               precondition: Callable[[dict[str, Any]], None] | None = None,
               ) -> tuple[dict[str, Any], int]:
        """Delete the object; returns the last stored state and the deletion revision."""
        key = info.key(namespace, name).encode()
        for _ in range(16):
            kv = self.store.get(key)
            if kv is None:
                raise errors.not_found(info.group, info.plural, name)
            current = decode_object(kv.value, kv.mod_revision)
            if precondition is not None:
                precondition(current)
            resp = self.store.txn([mod(key) == kv.mod_revision], [DeleteRange(key)], [])
            if resp.succeeded:
                return current, resp.revision
        raise errors.conflict(info.group, info.plural, name)

    @property
    def revision(self) -> int:
        return self.store.revision
