"""Explain: every scheduling attempt recorded — per node, each Filter plugin's verdict and each
Score plugin's raw, normalized and weighted score, the totals and the chosen node — as a Python
object, and on the pod as annotations in kube-scheduler-simulator's JSON shape.

The annotations (values are JSON text, scores as strings, as the simulator's ``resultstore``
writes them):

- ``k8s-internals.io/filter-result``: ``{"<node>": {"<Plugin>": "passed" | "<reason>"}}`` —
  the plugins after the first failure did not run, so they are absent;
- ``k8s-internals.io/score-result``: ``{"<node>": {"<Plugin>": "<raw score>"}}``;
- ``k8s-internals.io/finalscore-result``: ``{"<node>": {"<Plugin>": "<normalized x weight>"}}``;
- ``k8s-internals.io/selected-node``: the node name (absent when the pod did not fit);
- ``k8s-internals.io/result-summary``: what the bounded maps leave out — counts of nodes,
  evaluated, feasible and shown nodes, the PreFilter/PreScore verdicts, and the number of nodes
  per filter reason.

Bounded: with 5,000 nodes the full maps would exceed the 256 KiB limit on a pod's annotations
(``TotalAnnotationSizeLimitB``), so only the top :data:`DEFAULT_MAX_NODES` feasible nodes (by
total, the selected node always included) and one example node per distinct filter reason are
written, and the whole set is shrunk until it fits :data:`MAX_ANNOTATIONS_BYTES`.

Upstream: the simulator (kubernetes-sigs/kube-scheduler-simulator, ``simulator/scheduler/
plugin/resultstore``) wraps every plugin to record its results and writes them with its own
client; here the scheduler records them itself and sends them with the Binding (upstream's
``BindingREST`` copies a Binding's annotations onto the pod), or with the status update that
marks the pod unschedulable.

Retention: the full per-node record of the last :data:`KEEP_FULL` attempts is kept; older
attempts keep only their bounded maps (``truncated``), the last ``history`` attempts of every
pod the scheduler has not forgotten. A compacted attempt is read-only: its PreFilter/PreScore
verdict maps and filter plugin list are shared with the other compacted attempts that have the
same ones, so each costs the collector only the attempt and its annotations.
"""

from __future__ import annotations

import json
import operator
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, repeat
from typing import Any

from .framework.interface import Status
from .framework.runtime import ScoreResult

__all__ = [
    "ANNOTATION_PREFIX",
    "DEFAULT_MAX_NODES",
    "FILTER_RESULT",
    "FINAL_SCORE_RESULT",
    "KEEP_FULL",
    "MAX_ANNOTATIONS_BYTES",
    "RESULT_SUMMARY",
    "SCORE_RESULT",
    "SELECTED_NODE",
    "Attempt",
    "Explainer",
    "NodeResult",
]

ANNOTATION_PREFIX = "k8s-internals.io/"
FILTER_RESULT = ANNOTATION_PREFIX + "filter-result"
SCORE_RESULT = ANNOTATION_PREFIX + "score-result"
FINAL_SCORE_RESULT = ANNOTATION_PREFIX + "finalscore-result"
SELECTED_NODE = ANNOTATION_PREFIX + "selected-node"
RESULT_SUMMARY = ANNOTATION_PREFIX + "result-summary"

#: feasible nodes (and failure examples) shown in the annotations
DEFAULT_MAX_NODES = 10
#: our annotations stay well below the 256 KiB limit on all of a pod's annotations
MAX_ANNOTATIONS_BYTES = 64 * 1024
#: attempts kept with their full per-node record
KEEP_FULL = 256

PASSED = "passed"


@dataclass
class NodeResult:
    """One node in one attempt."""

    node: str
    #: plugin → "passed" or the failure message, in plugin order
    filters: dict[str, str]
    #: plugin → (raw, normalized, weighted); empty for nodes that were not scored
    scores: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    total: int | None = None
    #: extra detail about the failure (e.g. the untolerated taint)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return all(v == PASSED for v in self.filters.values())


_ENCODER = json.JSONEncoder(separators=(",", ":"))
#: how :data:`_ENCODER` writes a string (keys included): quoted, ASCII-escaped
_encode_str = json.encoder.encode_basestring_ascii


def _top(totals: list[int], k: int) -> list[int]:
    """The indices of the ``k`` highest totals, best first, ties in node order — what
    ``heapq.nlargest(k, range(n), key=totals.__getitem__)`` returns, cheaper for a window of
    mostly tied nodes.

    >>> _top([5, 9, 7, 9, 1], 3)
    [1, 3, 2]
    """
    n = len(totals)
    if n <= k:
        return sorted(range(n), key=totals.__getitem__, reverse=True)
    index = totals.index
    best = max(totals)
    if totals.count(best) >= k:
        # the common case: at least k nodes share the best total, the first k of them
        out = [index(best)]
        for _ in range(k - 1):
            out.append(index(best, out[-1] + 1))
        return out
    cut = sorted(totals, reverse=True)[k - 1]
    above = list(compress(range(n), map(operator.gt, totals, repeat(cut))))
    above.sort(key=totals.__getitem__, reverse=True)
    if len(above) < k:
        start = 0
        while len(above) < k:
            start = index(cut, start)
            above.append(start)
            start += 1
    return above


@lru_cache(maxsize=64)
def _row_template(plugins: tuple[str, ...]) -> str:
    """A ``%``-format template of one node's ``{"<Plugin>": "<score>"}`` object as
    :func:`_dumps` writes it, for score values whose ``str`` needs no JSON escaping (numbers).

    >>> _row_template(("A", 'B"%')) % (1, -20) == _dumps({"A": "1", 'B"%': "-20"})
    True
    >>> _row_template(()) % ()
    '{}'
    """
    return "{" + ",".join(_encode_str(p).replace("%", "%%") + ':"%s"' for p in plugins) + "}"


@lru_cache(maxsize=64)
def _passed_filters(filter_plugins: tuple[str, ...]) -> str:
    """The encoded verdicts of a node no filter plugin rejected (``Attempt._filters_for``).

    >>> _passed_filters(("A", "B"))
    '{"A":"passed","B":"passed"}'
    """
    return _dumps(dict.fromkeys(filter_plugins, PASSED))


def _join_object(keys: list[str], bodies: list[str]) -> str:
    """``_dumps(dict(zip(keys, values)))`` for distinct string ``keys``, given each value
    already encoded (``bodies``).

    >>> _join_object(["n1", "n\u00e9"], ['{"A":"1"}', "{}"]) == _dumps(
    ...     {"n1": {"A": "1"}, "n\u00e9": {}})
    True
    """
    enc = _encode_str
    return "{" + ",".join([enc(k) + ":" + b for k, b in zip(keys, bodies, strict=True)]) + "}"


def _all_ints(columns: list[list[Any]]) -> bool:
    """Whether every value is an ``int`` (whose ``str`` needs no JSON escaping).

    >>> _all_ints([[1, 2], [3]]), _all_ints([[1, True]]), _all_ints([[1.0]]), _all_ints([])
    (True, False, False, True)
    """
    return {int}.issuperset(map(type, chain.from_iterable(columns)))


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


#: the per-node record of a compacted attempt: shared empties (never written: a compacted
#: attempt is read-only)
_NO_FAILED: dict[str, Status] = {}
_NO_INFOS: list[Any] = []

#: compacted attempts' verdict maps and filter plugin lists, one copy per distinct content
#: (every attempt of a profile mostly has the same), bounded
_SHARED: dict[tuple[Any, ...], Any] = {}
_SHARED_MAX = 1024
_STR = frozenset({str})


def _shared(value: Any) -> Any:
    """One shared, equal object for ``value`` (a ``dict[str, str]`` or ``list[str]`` of a
    compacted attempt), so that the many compacted attempts the explainer keeps do not each
    hold their own copy. Values that are not all strings are returned as they are.

    >>> a, b = _shared({"A": "passed"}), _shared({"A": "passed"})
    >>> a is b, a, _shared(["A"]) is _shared(["A"]), _shared({"A": "x"}) is a
    (True, {'A': 'passed'}, True, False)
    """
    if type(value) is dict:
        items = tuple(value.items())
        if not _STR.issuperset(map(type, chain.from_iterable(items))):
            return value
        key: tuple[Any, ...] = (dict, items)
    elif type(value) is list:
        key = (list, tuple(value))
        if not _STR.issuperset(map(type, key[1])):
            return value
    else:
        return value
    out = _SHARED.get(key)
    if out is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        out = _SHARED[key] = value
    return out


@dataclass
class Attempt:
    """One scheduling attempt of one pod (see the module docstring)."""

    pod: str
    uid: str
    attempt: int
    cycle: int
    time: float
    profile: str
    result: str = ""
    selected_node: str | None = None
    message: str = ""
    num_all_nodes: int = 0
    evaluated_nodes: int = 0
    feasible_nodes: int = 0
    prefilter: dict[str, str] = field(default_factory=dict)
    prescore: dict[str, str] = field(default_factory=dict)
    postfilter: str = ""
    filter_plugins: list[str] = field(default_factory=list)
    fast_path: bool = False
    truncated: bool = False
    _failed: dict[str, Status] = field(default_factory=dict, repr=False)
    _feasible_infos: list[Any] = field(default_factory=list, repr=False)
    _feasible_names: list[str] | None = field(default=None, repr=False)
    _scores: ScoreResult | None = field(default=None, repr=False)
    _annotations: dict[str, str] | None = field(default=None, repr=False)
    _idx: dict[str, int] | None = field(default=None, repr=False)
    #: where the selected node is in ``_scores`` (a hint: checked before use)
    _selected_index: int | None = field(default=None, repr=False)

    # -- per node -----------------------------------------------------------------------------

    @property
    def _feasible(self) -> list[str]:
        if self._feasible_names is None:
            sr = self._scores
            self._feasible_names = list(sr.names) if sr is not None else \
                [ni.name for ni in self._feasible_infos]
        return self._feasible_names

    def _filters_for(self, node: str) -> dict[str, str]:
        st = self._failed.get(node)
        out: dict[str, str] = {}
        for p in self.filter_plugins:
            if st is not None and p == st.plugin:
                out[p] = st.message()
                return out
            out[p] = PASSED
        if st is not None and st.plugin and st.plugin not in out:
            out[st.plugin] = st.message()
        return out

    def node(self, name: str) -> NodeResult:
        """The record of one evaluated node."""
        nr = NodeResult(name, self._filters_for(name))
        st = self._failed.get(name)
        taint = getattr(st, "taint", None)
        if taint is not None:
            nr.detail["untoleratedTaint"] = taint
        sr = self._scores
        if sr is not None and name in self._score_index():
            i = self._score_index()[name]
            for p in sr.plugins:
                n = sr.normalized[p][i]
                nr.scores[p] = (sr.raw[p][i], n, n * sr.weights[p])
            nr.total = sr.totals[i]
        return nr

    def _score_index(self) -> dict[str, int]:
        sr = self._scores
        if sr is None:
            return {}
        if self._idx is None:
            self._idx = {n: i for i, n in enumerate(sr.names)}
        return self._idx

    def nodes(self) -> list[NodeResult]:
        """Every evaluated node: feasible ones by total (best first), then the others (for a
        truncated record: the nodes its annotations kept)."""
        if self.truncated:
            scores, final = self.score_result(), self.finalscore_result()
            out = []
            for n, filters in self.filter_result().items():
                nr = NodeResult(n, filters)
                for p, raw in scores.get(n, {}).items():
                    nr.scores[p] = (int(raw), -1, int(final[n][p]))
                if n in final:
                    nr.total = sum(int(v) for v in final[n].values())
                out.append(nr)
            return out
        feasible = [self.node(n) for n in self._feasible]
        feasible.sort(key=lambda r: -(r.total or 0))
        return feasible + [self.node(n) for n in self._failed]

    # -- simulator-shaped maps ------------------------------------------------------------------

    def _from_annotations(self, key: str) -> dict[str, dict[str, str]]:
        raw = (self._annotations or {}).get(key)
        return json.loads(raw) if raw else {}

    def filter_result(self) -> dict[str, dict[str, str]]:
        if self.truncated:
            return self._from_annotations(FILTER_RESULT)
        return {n: self._filters_for(n) for n in [*self._feasible, *self._failed]}

    def score_result(self) -> dict[str, dict[str, str]]:
        sr = self._scores
        if sr is None:
            return self._from_annotations(SCORE_RESULT) if self.truncated else {}
        return {n: {p: str(sr.raw[p][i]) for p in sr.plugins} for i, n in enumerate(sr.names)}

    def finalscore_result(self) -> dict[str, dict[str, str]]:
        sr = self._scores
        if sr is None:
            return self._from_annotations(FINAL_SCORE_RESULT) if self.truncated else {}
        return {n: {p: str(sr.normalized[p][i] * sr.weights[p]) for p in sr.plugins}
                for i, n in enumerate(sr.names)}

    def filter_reasons(self) -> dict[str, int]:
        """``"<Plugin>: <reason>"`` → number of nodes."""
        out: dict[str, int] = {}
        for st in self._failed.values():
            k = f"{st.plugin}: {st.message()}" if st.plugin else st.message()
            out[k] = out.get(k, 0) + 1
        return out

    # -- annotations ---------------------------------------------------------------------------

    def annotations(self, max_nodes: int = DEFAULT_MAX_NODES,
                    max_bytes: int = MAX_ANNOTATIONS_BYTES) -> dict[str, str]:
        """The bounded annotations (cached for the default bounds)."""
        if self._annotations is not None and max_nodes == DEFAULT_MAX_NODES \
                and max_bytes == MAX_ANNOTATIONS_BYTES:
            return dict(self._annotations)
        k = max_nodes
        while True:
            ann = self._build_annotations(k)
            if sum(len(v) for v in ann.values()) <= max_bytes or k <= 1:
                break
            k //= 2
        if max_nodes == DEFAULT_MAX_NODES and max_bytes == MAX_ANNOTATIONS_BYTES:
            self._annotations = dict(ann)
        return ann

    def _build_annotations(self, k: int) -> dict[str, str]:
        sr = self._scores
        shown: list[str] = []
        order: list[int] = []
        if sr is not None:
            order = _top(sr.totals, k)
            shown = [sr.names[i] for i in order]
            sel = self.selected_node
            if sel and sel not in shown:
                j = self._selected_index
                if j is None or not 0 <= j < len(sr.names) or sr.names[j] != sel:
                    j = sr.names.index(sel) if sel in sr.names else None
                if j is not None:
                    order.append(j)
                    shown.append(sel)
        else:
            shown = self._feasible[:k]
        examples: list[str] = []
        seen: set[str] = set()
        for name, st in self._failed.items():
            key = f"{st.plugin}: {st.message()}"
            if key in seen:
                continue
            seen.add(key)
            examples.append(name)
            if len(examples) >= k:
                break
        nodes = shown + examples
        if len(set(nodes)) != len(nodes) or not all(type(n) is str for n in nodes):
            return self._build_annotations_slow(k, shown, order, nodes)
        # the shown feasible nodes all have the same verdicts ("passed" by every plugin):
        # encoded once; the maps are joined from per-node pieces, byte for byte what
        # ``_dumps`` writes for the dicts (see _build_annotations_slow)
        passed = _passed_filters(tuple(self.filter_plugins))
        failed = self._failed
        ann = {FILTER_RESULT: _join_object(
            nodes, [_dumps(self._filters_for(n)) if n in failed else passed for n in nodes])}
        if sr is not None:
            plugins = sr.plugins
            # per plugin, the shown nodes' raw and weighted scores
            raw = [[col[i] for i in order] for col in map(sr.raw.__getitem__, plugins)]
            final = [[v * w for v in map(col.__getitem__, order)] for col, w in
                     zip(map(sr.normalized.__getitem__, plugins),
                         map(sr.weights.__getitem__, plugins), strict=True)]
            if not (_all_ints(raw) and _all_ints(final) and len(set(plugins)) == len(plugins)
                    and all(type(p) is str for p in plugins)):
                return self._build_annotations_slow(k, shown, order, nodes)
            tmpl = _row_template(tuple(plugins))
            for key, cols in ((SCORE_RESULT, raw), (FINAL_SCORE_RESULT, final)):
                rows = [tmpl % row for row in zip(*cols, strict=True)] if cols \
                    else [tmpl] * len(shown)
                ann[key] = _join_object(shown, rows)
        return self._finish_annotations(ann, nodes)

    def _build_annotations_slow(self, k: int, shown: list[str], order: list[int],
                                nodes: list[str]) -> dict[str, str]:
        """The annotations from dicts encoded whole (the reference for the joined pieces)."""
        sr = self._scores
        filters = {n: self._filters_for(n) for n in nodes}
        ann = {FILTER_RESULT: _dumps(filters)}
        if sr is not None:
            score = {n: {p: str(sr.raw[p][i]) for p in sr.plugins}
                     for n, i in zip(shown, order, strict=True)}
            final = {n: {p: str(sr.normalized[p][i] * sr.weights[p]) for p in sr.plugins}
                     for n, i in zip(shown, order, strict=True)}
            ann[SCORE_RESULT] = _dumps(score)
            ann[FINAL_SCORE_RESULT] = _dumps(final)
        return self._finish_annotations(ann, nodes)

    def _finish_annotations(self, ann: dict[str, str], nodes: list[str]) -> dict[str, str]:
        if self.selected_node:
            ann[SELECTED_NODE] = self.selected_node
        summary = {"attempt": self.attempt, "result": self.result, "nodes": self.num_all_nodes,
                   "evaluatedNodes": self.evaluated_nodes, "feasibleNodes": self.feasible_nodes,
                   "shownNodes": len(nodes), "prefilter": self.prefilter,
                   "prescore": self.prescore, "filterReasons": self.filter_reasons()}
        if self.postfilter:
            summary["postfilter"] = self.postfilter
        ann[RESULT_SUMMARY] = _dumps(summary)
        return ann

    def compact(self) -> None:
        """Drop the full per-node record, keeping the bounded annotations (from then on the
        maps and :meth:`nodes` show what the annotations show)."""
        if self.truncated:
            return
        if self._annotations is None:
            self.annotations()  # caches them (the default bounds)
        self._failed = _NO_FAILED
        self._feasible_infos = _NO_INFOS
        self._feasible_names = None
        self._scores = None
        self._idx = None
        self._selected_index = None
        # what every attempt of a profile repeats: one shared copy (see _shared)
        self.prefilter = _shared(self.prefilter)
        self.prescore = _shared(self.prescore)
        self.filter_plugins = _shared(self.filter_plugins)
        self.truncated = True

    # -- display ---------------------------------------------------------------------------------

    def table(self, max_nodes: int = 20) -> str:
        """A text table: one row per node, filter verdicts then weighted scores."""
        lines = [f"{self.pod} attempt {self.attempt}: {self.result}"
                 + (f" on {self.selected_node}" if self.selected_node else "")
                 + (f" — {self.message}" if self.message else "")]
        lines.append(f"  nodes {self.num_all_nodes}, evaluated {self.evaluated_nodes}, "
                     f"feasible {self.feasible_nodes}"
                     + (" (truncated record)" if self.truncated else ""))
        for r in self.nodes()[:max_nodes]:
            failed = [f"{p}: {v}" for p, v in r.filters.items() if v != PASSED]
            if failed:
                lines.append(f"  {r.node:<24} filtered  {'; '.join(failed)}")
            else:
                mark = "*" if r.node == self.selected_node else " "
                if r.total is None:
                    lines.append(f"{mark} {r.node:<24} feasible (the only one: not scored)")
                    continue
                scores = ", ".join(f"{p}={w} ({raw}->{n})" for p, (raw, n, w) in r.scores.items())
                lines.append(f"{mark} {r.node:<24} total {r.total}: {scores}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


class Explainer:
    """The attempts of one scheduler, by pod (latest last)."""

    def __init__(self, keep_full: int = KEEP_FULL, history: int = 8) -> None:
        self.keep_full = keep_full
        self.history = history
        self._by_pod: dict[str, list[Attempt]] = {}
        self._full: OrderedDict[int, Attempt] = OrderedDict()
        self.enabled = True

    def record(self, attempt: Attempt) -> None:
        lst = self._by_pod.setdefault(attempt.pod, [])
        lst.append(attempt)
        del lst[:-self.history]
        self._full[id(attempt)] = attempt
        while len(self._full) > self.keep_full:
            _, old = self._full.popitem(last=False)
            old.compact()

    def explain(self, pod_key: str) -> Attempt | None:
        """The latest attempt for ``namespace/name``."""
        lst = self._by_pod.get(pod_key)
        return lst[-1] if lst else None

    def history_of(self, pod_key: str) -> list[Attempt]:
        return list(self._by_pod.get(pod_key, ()))

    def forget(self, pod_key: str) -> None:
        self._by_pod.pop(pod_key, None)

    def __len__(self) -> int:
        return len(self._by_pod)


def parse_annotations(annotations: Mapping[str, str]) -> dict[str, Any]:
    """Decode the explain annotations of a pod (for notebooks and tests)."""
    out: dict[str, Any] = {}
    for key in (FILTER_RESULT, SCORE_RESULT, FINAL_SCORE_RESULT, RESULT_SUMMARY):
        if key in annotations:
            out[key[len(ANNOTATION_PREFIX):]] = json.loads(annotations[key])
    if SELECTED_NODE in annotations:
        out["selected-node"] = annotations[SELECTED_NODE]
    return out
