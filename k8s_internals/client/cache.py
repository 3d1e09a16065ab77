"""client-go's local cache: keys, the indexed thread-safe store, and the ``Indexer``.

Upstream files (``staging/src/k8s.io/client-go/tools/cache/``; shapes copied, code rewritten):

- ``store.go`` — the ``Store`` interface, ``KeyFunc``, ``KeyError``, ``ExplicitKey``,
  :func:`meta_namespace_key_func`, :func:`split_meta_namespace_key`, and ``cache`` (here
  :class:`Indexer`: a key function in front of a :class:`ThreadSafeStore`), ``NewStore`` /
  ``NewIndexer``, ``WithTransformer``.
- ``thread_safe_store.go`` — ``threadSafeMap`` + ``storeIndex`` (here :class:`ThreadSafeStore`):
  ``items``, ``indexers``, ``indices``, ``updateIndices`` (with its single-value fast path) and
  the removal of empty index sets (kubernetes/kubernetes#84959).
- ``index.go`` — ``IndexFunc``, ``Indexers``, ``Indices``, ``Index``, ``NamespaceIndex``,
  :func:`meta_namespace_index_func`, ``IndexFuncToKeyFuncAdapter``.
- ``controller.go`` / ``delta_fifo.go`` — :func:`deletion_handling_meta_namespace_key_func` and
  :class:`DeletedFinalStateUnknown` (the tombstone a delete handler may receive).
- ``listers.go`` — :func:`list_all_by_namespace` (with a predicate instead of a
  ``labels.Selector``).

Objects are plain JSON dicts (``{"metadata": {"namespace": ..., "name": ...}, ...}``).

Copying and mutation — read this before using ``get`` / ``list``
-------------------------------------------------------------------
Like upstream, the store does **not** copy: ``add`` keeps the very object it is given and
``get`` / ``list`` / ``by_index`` return it as is. Upstream's caveat applies word for word:
"you must not modify anything returned by Get or List as it will break the indexing feature in
addition to not being thread safe" — modifying a stored object does not re-index it, and every
other reader (every controller sharing the informer) sees the change. Copy first
(``copy.deepcopy(obj)``, upstream ``obj.DeepCopy()``) if you need to change an object, e.g. to
build an update. Not copying keeps a 10,000-pod cache cheap: an update is one dict assignment
plus an index update per indexer.

Determinism: Go maps iterate in random order; here ``list``, ``list_keys``, ``by_index`` and
``list_index_func_values`` return insertion order (deterministic, but do not rely on any
particular order — upstream callers sort when order matters). ``index_keys`` is sorted, as
upstream's ``set.List()``.

Errors: Go returns ``error`` values; here they are raised. ``(item, exists, err)`` results become
"the item or ``None``".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "NAMESPACE_ALL",
    "NAMESPACE_INDEX",
    "CacheError",
    "DeletedFinalStateUnknown",
    "ExplicitKey",
    "Index",
    "IndexConflictError",
    "IndexFunc",
    "IndexNotFoundError",
    "Indexer",
    "Indexers",
    "Indices",
    "KeyFunc",
    "KeyFuncError",
    "ObjectMetaError",
    "ThreadSafeStore",
    "TransformFunc",
    "deletion_handling_meta_namespace_key_func",
    "index_func_to_key_func_adapter",
    "list_all_by_namespace",
    "meta_namespace_index_func",
    "meta_namespace_key_func",
    "new_indexer",
    "new_store",
    "split_meta_namespace_key",
]

#: ``cache.NamespaceIndex``: the name of the index :func:`meta_namespace_index_func` feeds.
NAMESPACE_INDEX = "namespace"
#: ``metav1.NamespaceAll``: "all namespaces" in listers.
NAMESPACE_ALL = ""

#: ``IndexFunc``: the indexed values of an object (several are allowed, e.g. one per label).
IndexFunc = Callable[[Any], list[str]]
#: ``KeyFunc``: the store key of an object.
KeyFunc = Callable[[Any], str]
#: ``TransformFunc``: applied to every object before it is stored (e.g. to drop managedFields).
TransformFunc = Callable[[Any], Any]
#: ``Indexers``: index name → index function.
Indexers = dict[str, IndexFunc]
#: ``Index``: indexed value → the set of store keys with that value. The "set" is a dict with
#: ``None`` values, so it keeps insertion order (upstream ``sets.Set[string]``).
Index = dict[str, dict[str, None]]
#: ``Indices``: index name → its :data:`Index`.
Indices = dict[str, Index]


# -- errors -----------------------------------------------------------------------------------


class CacheError(Exception):
    """Base class of this module's errors; ``str(err)`` is upstream's message."""


class ObjectMetaError(CacheError, ValueError):
    """``meta.Accessor`` failed: the object has no ``metadata`` mapping."""


class KeyFuncError(CacheError):
    """``cache.KeyError``: a key function failed; carries the object at fault.

    (Named ``KeyFuncError`` so it does not shadow Python's ``KeyError``.)
    """

    def __init__(self, obj: Any, err: Exception) -> None:
        super().__init__(f"couldn't create key for object {obj!r}: {err}")
        self.obj = obj
        self.err = err


class IndexNotFoundError(CacheError, LookupError):
    """Asked for an index that has no index function."""

    def __init__(self, index_name: str) -> None:
        super().__init__(f"Index with name {index_name} does not exist")
        self.index_name = index_name


class IndexConflictError(CacheError):
    """``add_indexers`` with a name that is already registered."""

    def __init__(self, names: Iterable[str]) -> None:
        names = sorted(names)
        # Go prints the intersection set (a map[string]Empty) as map[a:{} b:{}].
        shown = " ".join(f"{n}:{{}}" for n in names)
        super().__init__(f"indexer conflict: map[{shown}]")
        self.names = names


# -- keys -------------------------------------------------------------------------------------


class ExplicitKey(str):
    """``cache.ExplicitKey``: pass a key where an object is expected (``delete(ExplicitKey(k))``
    when you have the key but not the object)."""

    __slots__ = ()


@dataclass(frozen=True)
class DeletedFinalStateUnknown:
    """``cache.DeletedFinalStateUnknown``: what a delete handler gets instead of the object when
    the informer missed the delete event (a relist found the object gone). ``obj`` is the last
    state the cache had, possibly stale."""

    key: str
    obj: Any


def _metadata(obj: Any) -> Mapping[str, Any]:
    meta = obj.get("metadata") if isinstance(obj, Mapping) else None
    if not isinstance(meta, Mapping):
        raise ObjectMetaError(
            "object has no meta: object does not implement the Object interfaces"
        )
    return meta


def meta_namespace_key_func(obj: Any) -> str:
    """``MetaNamespaceKeyFunc``: ``"<namespace>/<name>"``, or ``"<name>"`` for cluster-scoped
    objects (no or empty namespace). An :class:`ExplicitKey` is returned as is.

    >>> meta_namespace_key_func({"metadata": {"namespace": "default", "name": "web-0"}})
    'default/web-0'
    >>> meta_namespace_key_func({"metadata": {"name": "node-1"}})
    'node-1'
    """
    if type(obj) is dict:  # the common case (a decoded object), without the ABC checks
        meta = obj.get("metadata")
        if type(meta) is not dict:
            meta = _metadata(obj)
    elif isinstance(obj, ExplicitKey):
        return str(obj)
    else:
        meta = _metadata(obj)
    namespace = meta.get("namespace") or ""
    name = meta.get("name") or ""
    return f"{namespace}/{name}" if namespace else name


def deletion_handling_meta_namespace_key_func(obj: Any) -> str:
    """``DeletionHandlingMetaNamespaceKeyFunc``: like :func:`meta_namespace_key_func`, but
    knows the :class:`DeletedFinalStateUnknown` tombstone (its ``key``). Controllers use this
    in delete handlers (``controller.KeyFunc``)."""
    if isinstance(obj, DeletedFinalStateUnknown):
        return obj.key
    return meta_namespace_key_func(obj)


def split_meta_namespace_key(key: str) -> tuple[str, str]:
    """``SplitMetaNamespaceKey``: ``(namespace, name)`` back from a key.

    >>> split_meta_namespace_key("default/web-0"), split_meta_namespace_key("node-1")
    (('default', 'web-0'), ('', 'node-1'))
    >>> split_meta_namespace_key("a/b/c")
    Traceback (most recent call last):
    ...
    ValueError: unexpected key format: "a/b/c"
    """
    parts = key.split("/")
    if len(parts) == 1:
        return "", parts[0]  # name only, no namespace
    if len(parts) == 2:
        return parts[0], parts[1]
    raise ValueError(f'unexpected key format: "{key}"')


# -- index functions --------------------------------------------------------------------------


def meta_namespace_index_func(obj: Any) -> list[str]:
    """``MetaNamespaceIndexFunc``: index by namespace (``""`` for cluster-scoped objects).

    >>> meta_namespace_index_func({"metadata": {"namespace": "kube-system", "name": "x"}})
    ['kube-system']
    """
    meta = obj.get("metadata") if type(obj) is dict else None
    if type(meta) is not dict:
        meta = _metadata(obj)
    return [meta.get("namespace") or ""]


def index_func_to_key_func_adapter(index_func: IndexFunc) -> KeyFunc:
    """``IndexFuncToKeyFuncAdapter``: use an index function that yields exactly one value per
    object as a key function."""

    def key_func(obj: Any) -> str:
        keys = index_func(obj)
        if len(keys) > 1:
            raise ValueError(f"too many keys: {keys}")
        if not keys:
            raise ValueError("unexpected empty indexKeys")
        return keys[0]

    return key_func


# -- the thread-safe store ---------------------------------------------------------------------


class ThreadSafeStore:
    """``threadSafeMap`` + ``storeIndex``: objects by key, plus any number of indices.

    One Python thread drives the simulation, so there is no lock; the name is upstream's.
    ``items`` maps key → object; ``indexers`` maps index name → function; ``indices`` maps
    index name → {indexed value → {key, ...}}. Stored objects are not copied (see the module
    docstring).
    """

    def __init__(self, indexers: Indexers | None = None, indices: Indices | None = None) -> None:
        self.items: dict[str, Any] = {}
        self.indexers: Indexers = dict(indexers or {})
        self.indices: Indices = indices if indices is not None else {}

    # -- writes -------------------------------------------------------------------------------

    def add(self, key: str, obj: Any) -> None:
        """``Add`` (same as :meth:`update`)."""
        self.update(key, obj)

    def update(self, key: str, obj: Any) -> None:
        """``Update``: store ``obj`` under ``key`` and move it in every index."""
        old = self.items.get(key)
        self.items[key] = obj
        self._update_indices(old, obj, key)

    def delete(self, key: str) -> None:
        """``Delete``: remove ``key`` (no-op if absent) and its index entries."""
        if key in self.items:
            self._update_indices(self.items[key], None, key)
            del self.items[key]

    def replace(self, items: Mapping[str, Any], resource_version: str = "") -> None:
        """``Replace``: the store becomes exactly ``items``; every index is rebuilt.
        (``resource_version`` is accepted for the interface and ignored, as upstream.)"""
        self.items = dict(items)
        self.indices.clear()
        for key, obj in self.items.items():
            self._update_indices(None, obj, key)

    def resync(self) -> None:
        """``Resync``: a no-op (deprecated upstream)."""

    # -- reads --------------------------------------------------------------------------------

    def get(self, key: str) -> Any | None:
        """``Get``: the object stored under ``key``, or ``None``."""
        return self.items.get(key)

    def list(self) -> list[Any]:
        """``List``: every stored object."""
        return list(self.items.values())

    def list_keys(self) -> list[str]:
        """``ListKeys``: every key."""
        return list(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, key: object) -> bool:
        return key in self.items

    def index(self, index_name: str, obj: Any) -> list[Any]:
        """``Index``: the objects that share at least one indexed value with ``obj`` in
        ``index_name`` (deduplicated when ``obj`` has several values)."""
        keys = self._keys_from_index(index_name, obj)
        items = self.items
        return [items[k] for k in keys]

    def by_index(self, index_name: str, indexed_value: str) -> list[Any]:
        """``ByIndex``: the objects whose values in ``index_name`` include ``indexed_value``.

        >>> s = ThreadSafeStore({NAMESPACE_INDEX: meta_namespace_index_func})
        >>> s.add("a/x", {"metadata": {"namespace": "a", "name": "x"}})
        >>> [o["metadata"]["name"] for o in s.by_index("namespace", "a")]
        ['x']
        """
        keys = self._keys_by_index(index_name, indexed_value)
        items = self.items
        return [items[k] for k in keys]

    def index_keys(self, index_name: str, indexed_value: str) -> list[str]:
        """``IndexKeys``: the store keys behind :meth:`by_index`, sorted."""
        return sorted(self._keys_by_index(index_name, indexed_value))

    def list_index_func_values(self, index_name: str) -> list[str]:
        """``ListIndexFuncValues``: every value currently present in ``index_name`` (an unknown
        index gives ``[]``, as upstream)."""
        return list(self.indices.get(index_name, {}))

    def get_indexers(self) -> Indexers:
        """``GetIndexers``."""
        return self.indexers

    def add_indexers(self, new_indexers: Indexers) -> None:
        """``AddIndexers``: register more index functions. Existing items are indexed at once
        (current upstream; before it refused once the store held data). A name that is already
        registered raises :class:`IndexConflictError`."""
        conflict = set(self.indexers) & set(new_indexers)
        if conflict:
            raise IndexConflictError(conflict)
        self.indexers.update(new_indexers)
        for key, obj in self.items.items():
            for name in new_indexers:
                self._update_single_index(name, None, obj, key)

    # -- index maintenance --------------------------------------------------------------------

    def _keys_from_index(self, index_name: str, obj: Any) -> Iterable[str]:
        index_func = self.indexers.get(index_name)
        if index_func is None:
            raise IndexNotFoundError(index_name)
        values = index_func(obj)
        index = self.indices.get(index_name, {})
        if len(values) == 1:
            # "In majority of cases, there is exactly one value matching."
            return index.get(values[0], {})
        keys: dict[str, None] = {}
        for value in values:
            keys.update(index.get(value, {}))
        return keys

    def _keys_by_index(self, index_name: str, indexed_value: str) -> Iterable[str]:
        if index_name not in self.indexers:
            raise IndexNotFoundError(index_name)
        return self.indices.get(index_name, {}).get(indexed_value, {})

    def _update_indices(self, old: Any | None, new: Any | None, key: str) -> None:
        """``updateIndices``: for a create pass only ``new``, for a delete only ``old``."""
        for name in self.indexers:
            self._update_single_index(name, old, new, key)

    def _update_single_index(self, name: str, old: Any | None, new: Any | None, key: str) -> None:
        index_func = self.indexers[name]
        old_values = self._index_values(index_func, old, key, name) if old is not None else []
        new_values = self._index_values(index_func, new, key, name) if new is not None else []
        index = self.indices.get(name)
        if index is None:
            index = self.indices[name] = {}
        if len(new_values) == 1 and len(old_values) == 1 and new_values[0] == old_values[0]:
            # The common case: one value, unchanged (a pod update that kept its namespace).
            return
        for value in old_values:
            self._delete_key_from_index(key, value, index)
        for value in new_values:
            index.setdefault(value, {})[key] = None

    @staticmethod
    def _index_values(index_func: IndexFunc, obj: Any, key: str, name: str) -> list[str]:
        try:
            return index_func(obj)
        except Exception as err:  # upstream panics
            raise RuntimeError(
                f'unable to calculate an index entry for key "{key}" on index "{name}": {err}'
            ) from err

    @staticmethod
    def _delete_key_from_index(key: str, value: str, index: Index) -> None:
        keys = index.get(value)
        if keys is None:
            return
        keys.pop(key, None)
        # "If we don't delete the set when zero, indices with high cardinality short lived
        # resources can cause memory to increase over time from unused empty sets."
        if not keys:
            del index[value]


# -- the store / indexer ----------------------------------------------------------------------


class Indexer:
    """``cache`` (store.go): a :class:`ThreadSafeStore` plus a key function, so callers pass
    objects instead of keys. Implements both ``Store`` and ``Indexer``.

    What an informer fills and a lister reads. ``key_func`` defaults to
    :func:`meta_namespace_key_func`; ``transformer`` (``WithTransformer``) is applied to every
    object on its way in.

    >>> pods = Indexer(indexers={NAMESPACE_INDEX: meta_namespace_index_func})
    >>> pods.add({"metadata": {"namespace": "default", "name": "web-0"}})
    >>> pods.list_keys(), pods.get_by_key("default/web-0") is not None
    (['default/web-0'], True)
    """

    def __init__(
        self,
        key_func: KeyFunc = meta_namespace_key_func,
        indexers: Indexers | None = None,
        *,
        transformer: TransformFunc | None = None,
    ) -> None:
        self.key_func = key_func
        self.transformer = transformer
        self.cache_storage = ThreadSafeStore(indexers or {})

    def _key(self, obj: Any) -> str:
        try:
            return self.key_func(obj)
        except Exception as err:
            raise KeyFuncError(obj, err) from err

    # -- Store --------------------------------------------------------------------------------

    def add(self, obj: Any) -> None:
        """``Add``: insert (or overwrite) the object under its key. Not copied."""
        key = self._key(obj)
        if self.transformer is not None:
            obj = self.transformer(obj)
        self.cache_storage.add(key, obj)

    def update(self, obj: Any) -> None:
        """``Update``: same as :meth:`add`."""
        key = self._key(obj)
        if self.transformer is not None:
            obj = self.transformer(obj)
        self.cache_storage.update(key, obj)

    def delete(self, obj: Any) -> None:
        """``Delete``: remove the object's key (an :class:`ExplicitKey` works too)."""
        self.cache_storage.delete(self._key(obj))

    def list(self) -> list[Any]:
        """``List``: every object. Treat them as read-only."""
        return self.cache_storage.list()

    def list_keys(self) -> list[str]:
        """``ListKeys``."""
        return self.cache_storage.list_keys()

    def get(self, obj: Any) -> Any | None:
        """``Get``: the stored object with the same key as ``obj``, or ``None``."""
        return self.cache_storage.get(self._key(obj))

    def get_by_key(self, key: str) -> Any | None:
        """``GetByKey``: the stored object under ``key``, or ``None``."""
        return self.cache_storage.get(key)

    def replace(self, objects: Iterable[Any], resource_version: str = "") -> None:
        """``Replace``: the store becomes exactly ``objects`` (a relist)."""
        items: dict[str, Any] = {}
        for obj in objects:
            key = self._key(obj)
            if self.transformer is not None:
                obj = self.transformer(obj)
            items[key] = obj
        self.cache_storage.replace(items, resource_version)

    def resync(self) -> None:
        """``Resync``: meaningless for a plain store (it matters for a DeltaFIFO)."""

    def __len__(self) -> int:
        return len(self.cache_storage)

    def __contains__(self, key: object) -> bool:
        return key in self.cache_storage

    # -- Indexer ------------------------------------------------------------------------------

    def index(self, index_name: str, obj: Any) -> list[Any]:
        """``Index``: objects sharing an indexed value with ``obj``."""
        return self.cache_storage.index(index_name, obj)

    def index_keys(self, index_name: str, indexed_value: str) -> list[str]:
        """``IndexKeys``: keys (sorted) suitable for :meth:`get_by_key`."""
        return self.cache_storage.index_keys(index_name, indexed_value)

    def list_index_func_values(self, index_name: str) -> list[str]:
        """``ListIndexFuncValues``."""
        return self.cache_storage.list_index_func_values(index_name)

    def by_index(self, index_name: str, indexed_value: str) -> list[Any]:
        """``ByIndex``: e.g. ``by_index("namespace", "default")`` — every object there."""
        return self.cache_storage.by_index(index_name, indexed_value)

    def get_indexers(self) -> Indexers:
        """``GetIndexers``."""
        return self.cache_storage.get_indexers()

    def add_indexers(self, new_indexers: Indexers) -> None:
        """``AddIndexers``."""
        self.cache_storage.add_indexers(new_indexers)

    def __repr__(self) -> str:
        names = ", ".join(self.cache_storage.indexers)
        return f"Indexer({len(self)} objects, indexers=[{names}])"


def new_store(key_func: KeyFunc = meta_namespace_key_func) -> Indexer:
    """``NewStore``: a store with no indexers."""
    return Indexer(key_func)


def new_indexer(key_func: KeyFunc = meta_namespace_key_func,
                indexers: Indexers | None = None) -> Indexer:
    """``NewIndexer``: a store with ``indexers``."""
    return Indexer(key_func, indexers)


def list_all_by_namespace(
    indexer: Indexer, namespace: str, match: Callable[[Any], bool] | None = None
) -> list[Any]:
    """``ListAllByNamespace`` (listers.go): the objects in ``namespace``
    (:data:`NAMESPACE_ALL` = every namespace) for which ``match`` is true (all if ``None``).

    Upstream takes a ``labels.Selector``; pass ``lambda o: selector.matches(labels_of(o))``.
    It uses the ``namespace`` index when there is one and falls back to a full scan.
    """
    if namespace == NAMESPACE_ALL:
        candidates = indexer.list()
    elif NAMESPACE_INDEX in indexer.get_indexers():
        candidates = indexer.by_index(NAMESPACE_INDEX, namespace)
    else:
        candidates = [
            o for o in indexer.list() if (_metadata(o).get("namespace") or "") == namespace
        ]
    if match is None:
        return candidates
    return [o for o in candidates if match(o)]
