"""The fast path: filter verdicts and raw scores kept in columns over the node list, and
recomputed only for the nodes that changed.

Why it is correct. A plugin that implements ``sign_pod(pod)`` promises that its Filter and
Score results depend only on that signature fragment, the node's own :class:`NodeInfo` and its
configuration (upstream's pod signatures, ``SignPod``, KEP-5598 "opportunistic batching", make
the same promise). For two pods with equal signatures, on a node whose ``generation`` has not
changed, such a plugin returns the same verdict and the same raw score (a fragment may not depend
on the names of projected volumes or the mounts that refer to them: pods differing only there share
a pod shape, see :func:`_shape_spec`). So the fast path keeps,
per (profile, active plugins, signature):

- filter columns: ``ok[i]`` and the failing ``Status`` (or ``None``) for node ``i`` of the
  cache's node list;
- score columns: ``raw[plugin][i]``;

built once (calling the very same plugin methods as the reference path) and refreshed from the
cache's change log (``Cache.changes``: the nodes whose generation moved since the last pod,
usually just the node the previous pod was assumed onto). The list's node set/order
(``list_version``) and the image spread (``image_version``, which ImageLocality reads) are part
of the key.

What it does not change: PreFilter, PreScore, NormalizeScore, weights, totals, the round-robin
window, the number of feasible nodes to find, selectHost and its RNG draws are the reference
code, run on the same inputs — so the decisions are identical, which
``tests/scheduler/test_fastpath.py`` checks on random clusters.

When it steps aside (the reference path runs): a plugin that is active for this pod (not
skipped at PreFilter/PreScore) has no ``sign_pod`` (InterPodAffinity, PodTopologySpread,
VolumeBinding, VolumeRestrictions, or a learner's plugin: their verdicts depend on other nodes
or on cluster objects); a ``PreFilterResult`` restricts the nodes; pods are nominated (preemption
in progress); the pod has a nominated node; or a signature has been seen fewer than
:data:`MIN_SIGHTINGS` times (building columns for 5,000 nodes only pays for repeated shapes).

The columns are list slices and ``list.count`` — C loops over Python lists, the nearest a
pure-Python simulator gets to vectorised arrays.
"""

from __future__ import annotations

import marshal
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from .cache import Cache
from .framework.cycle_state import CycleState
from .framework.interface import Code, Status
from .framework.types import NodeInfo, PodInfo, canonical

__all__ = ["MAX_COLUMN_SETS", "MIN_SIGHTINGS", "FastPath", "find_window", "rotated_slice",
           "scan_window", "shape_key"]

#: build columns for a signature the second time it is seen
MIN_SIGHTINGS = 2
#: column sets kept (LRU)
MAX_COLUMN_SETS = 16


_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def _shape_spec(spec: Any) -> Any:
    """The spec as the pod-shape key sees it: the names of projected volumes (and the mounts
    that refer to them) replaced by their position. The ServiceAccount admission plugin gives
    every pod a projected token volume with a random name (``kube-api-access-xxxxx``), which
    would make every pod a new shape; no ``sign_pod`` reads volume names or mounts (projected
    volumes are ignored by VolumeRestrictions, VolumeBinding and NodeVolumeLimits upstream, and
    those plugins have no ``sign_pod`` anyway), so pods differing only there share a shape."""
    if not isinstance(spec, dict):
        return spec
    vols = spec.get("volumes")
    if not vols or not isinstance(vols, list):
        return spec
    renames: dict[Any, str] = {}
    out_vols = []
    for i, v in enumerate(vols):
        if isinstance(v, dict) and "projected" in v and isinstance(v.get("name"), str):
            # NUL never occurs in a valid volume name, so no placeholder equals a real name
            renames[v["name"]] = f"\0projected-{i}"
            v = {**v, "name": renames[v["name"]]}
        out_vols.append(v)
    if not renames:
        return spec
    out = {**spec, "volumes": out_vols}
    for field in _CONTAINER_LISTS:
        cs = spec.get(field)
        if not isinstance(cs, list):
            continue
        new_cs = []
        for c in cs:
            mounts = c.get("volumeMounts") if isinstance(c, dict) else None
            if isinstance(mounts, list) and any(
                    isinstance(m, dict) and isinstance(m.get("name"), str)
                    and m["name"] in renames for m in mounts):
                c = {**c, "volumeMounts": [
                    {**m, "name": renames[m["name"]]}
                    if isinstance(m, dict) and isinstance(m.get("name"), str)
                    and m["name"] in renames else m
                    for m in mounts]}
            new_cs.append(c)
        out[field] = new_cs
    return out


def shape_key(value: Any) -> bytes | str:
    """A key for a pod shape: equal keys imply equal values (unequal keys for equal values only
    cost a cache miss). ``marshal`` format 2 — a C-level, exact serialization (no references,
    so no dependence on interning or reference counts; exact types: ``1``, ``1.0`` and ``True``,
    lists and tuples, differ; dict keys in insertion order) — is several times cheaper than
    the sorted JSON of :func:`canonical`, which stays the key of values ``marshal`` does not
    take (subclasses of the built-in types, other objects). Bytes never equal text, so the
    two kinds of keys cannot collide.

    >>> shape_key(["ns", {"a": 1}]) == shape_key(["ns", {"a": 1}])
    True
    >>> len({shape_key(v) for v in ([1], [1.0], [True], [(1,)], [[1]], {"a": 1})})
    6
    """
    try:
        return marshal.dumps(value, 2)
    except ValueError:
        return canonical(value)


class _Unsupported(Exception):
    """A plugin returned an error: let the reference path report it."""


class _Columns:
    """Columns over the node list for one key."""

    __slots__ = ("filter_names", "index", "infos", "names", "ok", "raw", "score_names",
                 "statuses", "synced")

    def __init__(self) -> None:
        self.infos: list[NodeInfo] = []
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.ok: list[bool] = []
        self.statuses: list[Status | None] = []
        self.raw: dict[str, list[int]] = {}
        self.filter_names: tuple[str, ...] = ()
        self.score_names: tuple[str, ...] = ()
        self.synced = 0


def find_window(ok: list[bool], start: int, want: int) -> tuple[int, list[bool]]:
    """Scan ``ok`` round-robin from ``start`` until ``want`` True entries were seen (or every
    entry was): returns ``(m, window)`` where ``window`` is the first ``m`` entries scanned.

    >>> find_window([True, False, True, True], 1, 2)
    (3, [False, True, True])
    """
    m, _ = scan_window(ok, start, want)
    return m, rotated_slice(ok, start, 0, m)


def rotated_slice(ok: list[Any], start: int, a: int, b: int) -> list[Any]:
    """``(ok[start:] + ok[:start])[a:b]`` for ``0 <= a <= b <= len(ok)``, without building
    the rotated list.

    >>> rotated_slice([0, 1, 2, 3, 4], 3, 1, 4)
    [4, 0, 1]
    """
    n = len(ok)
    lo, hi = start + a, start + b
    if hi <= n:
        return ok[lo:hi]
    if lo >= n:
        return ok[lo - n:hi - n]
    return ok[lo:] + ok[:hi - n]


def scan_window(ok: list[bool], start: int, want: int) -> tuple[int, int]:
    """:func:`find_window`'s ``m`` and the number of True entries in its window, without the
    window (``list.count`` over slices: C loops).

    >>> scan_window([True, False, True, True], 1, 2)
    (3, 2)
    """
    n = len(ok)
    pos = min(want, n)
    c = rotated_slice(ok, start, 0, pos).count(True)
    while c < want and pos < n:
        step = want - c
        end = min(pos + step, n)
        c += rotated_slice(ok, start, pos, end).count(True)
        pos = end
    return pos, c


class FastPath:
    """Column cache shared by the profiles of one scheduler."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self._columns: OrderedDict[tuple[Any, ...], _Columns] = OrderedDict()
        self._sightings: OrderedDict[tuple[Any, ...], int] = OrderedDict()
        self._signatures: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.hits = 0
        self.builds = 0
        self.fallbacks = 0

    # -- signatures ---------------------------------------------------------------------------

    def _signature(self, plugins: Sequence[Any], pod_info: PodInfo) -> tuple[Any, ...] | None:
        """The plugins' ``sign_pod`` fragments. Pods with the same namespace, labels,
        annotations and spec get the same fragments, so those are computed once per distinct
        pod shape (``sign_pod`` may read nothing else)."""
        for pl in plugins:
            if getattr(pl, "sign_pod", None) is None:
                return None
        pod = pod_info.pod
        shape = pod_info.signature("", lambda: shape_key(
            [(pod.get("metadata") or {}).get("namespace"), (pod.get("metadata") or {}).get(
                "labels"), (pod.get("metadata") or {}).get("annotations"),
             _shape_spec(pod.get("spec"))]))
        key = (tuple(map(id, plugins)), shape)
        sig = self._signatures.get(key)
        if sig is None:
            sig = tuple((pl.name, pl.sign_pod(pod)) for pl in plugins)
            self._signatures[key] = sig
            while len(self._signatures) > 4 * MAX_COLUMN_SETS:
                self._signatures.pop(next(iter(self._signatures)))
        return sig

    def _key(self, kind: str, fwk: Any, plugins: Sequence[Any], pod_info: PodInfo
             ) -> tuple[Any, ...] | None:
        sig = self._signature(plugins, pod_info)
        if sig is None:
            return None
        return (kind, id(fwk), sig, self.cache.list_version, self.cache.image_version)

    def _get(self, key: tuple[Any, ...]) -> _Columns | None:
        cols = self._columns.get(key)
        if cols is not None:
            self._columns.move_to_end(key)
            return cols
        seen = self._sightings.get(key, 0) + 1
        self._sightings[key] = seen
        self._sightings.move_to_end(key)
        while len(self._sightings) > 4 * MAX_COLUMN_SETS:
            self._sightings.popitem(last=False)
        return None

    def _store(self, key: tuple[Any, ...], cols: _Columns) -> None:
        self._columns[key] = cols
        while len(self._columns) > MAX_COLUMN_SETS:
            self._columns.popitem(last=False)

    def _changed_indices(self, cols: _Columns) -> list[int] | None:
        """Indices of nodes changed since ``cols.synced`` (None: resync everything)."""
        cache = self.cache
        pos = cols.synced - cache.changes_base
        cols.synced = cache.changes_base + len(cache.changes)
        if pos < 0:
            return None
        if pos >= len(cache.changes):
            return []
        out: set[int] = set()
        index = cols.index
        for _, name in cache.changes[pos:]:
            i = index.get(name)
            if i is not None:
                out.add(i)
        return sorted(out)

    # -- filter --------------------------------------------------------------------------------

    def filter_columns(self, fwk: Any, state: CycleState, pod_info: PodInfo
                       ) -> _Columns | None:
        """The up-to-date filter columns for this pod, or None (use the reference path)."""
        skip = state.skip_filter_plugins
        plugins = [pl for pl in fwk.filter_plugins if pl.name not in skip]
        key = self._key("filter", fwk, plugins, pod_info)
        if key is None:
            return None
        cols = self._get(key)
        pod = pod_info.pod
        run = fwk.run_filter_plugins
        try:
            if cols is None:
                if self._sightings.get(key, 0) < MIN_SIGHTINGS:
                    return None
                cols = _Columns()
                cols.synced = self.cache.changes_base + len(self.cache.changes)
                cols.infos = list(self.cache.list())
                cols.names = [ni.name for ni in cols.infos]
                cols.index = {n: i for i, n in enumerate(cols.names)}
                cols.filter_names = tuple(pl.name for pl in plugins)
                cols.statuses = [self._check(run(state, pod, ni)) for ni in cols.infos]
                cols.ok = [s is None for s in cols.statuses]
                self._store(key, cols)
                self.builds += 1
                return cols
            changed = self._changed_indices(cols)
            if changed is None:
                changed = list(range(len(cols.infos)))
            for i in changed:
                st = self._check(run(state, pod, cols.infos[i]))
                cols.statuses[i] = st
                cols.ok[i] = st is None
        except _Unsupported:
            self._columns.pop(key, None)
            return None
        self.hits += 1
        return cols

    @staticmethod
    def _check(st: Status | None) -> Status | None:
        if st is not None and st.code == Code.Error:
            raise _Unsupported
        return st

    # -- score ---------------------------------------------------------------------------------

    def score_columns(self, fwk: Any, state: CycleState, pod_info: PodInfo,
                      plugins: Sequence[Any]) -> _Columns | None:
        key = self._key("score", fwk, plugins, pod_info)
        if key is None:
            return None
        cols = self._get(key)
        pod = pod_info.pod
        try:
            if cols is None:
                if self._sightings.get(key, 0) < MIN_SIGHTINGS:
                    return None
                cols = _Columns()
                cols.synced = self.cache.changes_base + len(self.cache.changes)
                cols.infos = list(self.cache.list())
                cols.names = [ni.name for ni in cols.infos]
                cols.index = {n: i for i, n in enumerate(cols.names)}
                cols.score_names = tuple(pl.name for pl in plugins)
                for pl in plugins:
                    cols.raw[pl.name] = [self._score(pl, state, pod, ni) for ni in cols.infos]
                self._store(key, cols)
                self.builds += 1
                return cols
            changed = self._changed_indices(cols)
            if changed is None:
                changed = list(range(len(cols.infos)))
            if changed:
                for pl in plugins:
                    col = cols.raw[pl.name]
                    for i in changed:
                        col[i] = self._score(pl, state, pod, cols.infos[i])
        except _Unsupported:
            self._columns.pop(key, None)
            return None
        self.hits += 1
        return cols

    @staticmethod
    def _score(pl: Any, state: CycleState, pod: dict[str, Any], ni: NodeInfo) -> int:
        r = pl.score(state, pod, ni)
        if type(r) is tuple:
            s, st = r
            if st is not None and not st.is_success():
                raise _Unsupported
            return int(s)
        return int(r)
