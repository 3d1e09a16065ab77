"""The per-pod hot paths against plain reference implementations: the totals of
``Framework.finish_scores`` (constant columns folded, C-level sums), ``select_host``'s inlined
reservoir sampling (same picks, same RNG state), explain's top-k and its annotations joined from
pieces (byte for byte what ``json`` writes for the dicts), the round-robin window without the
rotated list, ``_taker``, ``PodInfo.assumed_on`` and InterPodAffinity's early Skip."""

from __future__ import annotations

import heapq
import json
import operator
import random
from typing import Any

import pytest

from k8s_internals.scheduler import Scheduler, select_host
from k8s_internals.scheduler.explain import (
    FILTER_RESULT,
    FINAL_SCORE_RESULT,
    RESULT_SUMMARY,
    SCORE_RESULT,
    SELECTED_NODE,
    Attempt,
    _all_ints,
    _dumps,
    _join_object,
    _passed_filters,
    _row_template,
    _top,
)
from k8s_internals.scheduler.fastpath import (
    find_window,
    rotated_slice,
    scan_window,
    shape_key,
)
from k8s_internals.scheduler.framework.cycle_state import CycleState
from k8s_internals.scheduler.framework.interface import Code, Status
from k8s_internals.scheduler.framework.runtime import _sum_columns
from k8s_internals.scheduler.framework.types import PodInfo, _affinity_terms, canonical
from k8s_internals.scheduler.plugins import inter_pod_affinity
from k8s_internals.scheduler.plugins.helper import default_normalize_column
from k8s_internals.scheduler.scheduler import _taker
from k8s_internals.sim import Kernel

from .helpers import FakeHandle, make_node, make_pod
from .test_runtime import _framework

# -- finish_scores ----------------------------------------------------------------------------


class ColumnScore:
    """A score plugin whose normalized column is given (``None``: no NormalizeScore, the raw
    column is used as is)."""

    def __init__(self, name: str, raw: list[Any], normalized: list[Any] | None) -> None:
        self.name = name
        self.raw = raw
        self.normalized = normalized

    def score(self, state: CycleState, pod: dict, node_info: Any) -> tuple[int, None]:
        return 0, None

    def score_extensions(self) -> Any:
        return self if self.normalized is not None else None

    def normalize_column(self, state: CycleState, pod: dict, scores: list[Any]) -> list[Any]:
        return list(self.normalized or ())


def _reference_totals(columns: list[list[Any]], weights: list[int], n: int
                      ) -> list[Any] | str:
    """The element-wise sum as written before the fast totals (range check first)."""
    totals: list[Any] | None = None
    for i, (col, w) in enumerate(zip(columns, weights, strict=True)):
        if col and (max(col) > 100 or min(col) < 0):
            bad = next(s for s in col if s > 100 or s < 0)
            return f"P{i} {bad}"
        weighted = col if w == 1 else [s * w for s in col]
        totals = list(weighted) if totals is None else list(map(operator.add, totals, weighted))
    return [0] * n if totals is None else totals


C16 = [3, 5] * 8
#: (normalized columns — None: a raw column without NormalizeScore —, raw columns, weights)
TOTALS_CASES: list[tuple[list[list[Any] | None], list[list[Any]], list[int]]] = [
    ([[100] * 4, None, None], [[0] * 4, [3, 5, 3, 5], [0] * 4], [3, 1, 2]),
    ([None, None], [[7] * 4, [9] * 4], [1, 1]),
    ([None], [[7, 8, 9, 10]], [1]),
    ([[True] * 4], [[0] * 4], [1]),                           # one plugin: types kept
    ([[True, 1, 1, True], None], [[0] * 4, [2] * 4], [1, 2]),  # bools summed to ints
    ([[1.5] * 4, None], [[0] * 4, [2, 3, 2, 3]], [2, 1]),     # floats: the original order
    ([[1, 1.0, 1, 1], None], [[0] * 4, [7] * 4], [1, 1]),
    ([None, None, [100] * 16], [C16, list(range(16)), [0] * 16], [2, 3, 1]),  # table, offset
    ([None, None], [C16, [4, 4, 6, 6] * 4], [1, 1]),          # two table columns
    ([None, None], [list(range(16)), list(range(16, 0, -1))], [5, 1]),
    ([[1, 2, 3, 4], [5, 6]], [[0] * 4, [0] * 4], [1, 1]),     # short column: totals cut
    ([[], None], [[0] * 4, [1, 2, 3, 4]], [1, 1]),
    ([[50] * 4, [101, 0, 0, 0]], [[0] * 4, [0] * 4], [1, 1]),  # out of range
    ([None, [0, -1, 0, 0]], [[5] * 4, [0] * 4], [1, 1]),
    ([], [], []),
]


@pytest.mark.parametrize(("normalized", "raw", "weights"), TOTALS_CASES)
def test_finish_scores_totals_match_the_plain_sum(normalized: list[list[Any] | None],
                                                  raw: list[list[Any]],
                                                  weights: list[int]) -> None:
    n = max((len(c) for c in raw), default=3)
    plugins = [ColumnScore(f"P{i}", r, c) for i, (r, c) in enumerate(
        zip(raw, normalized, strict=True))]
    profile = {"plugins": {"score": {"disabled": [{"name": "*"}], "enabled": [
        {"name": pl.name, "weight": w} for pl, w in zip(plugins, weights, strict=True)]}}}
    fwk = _framework({pl.name: pl for pl in plugins}, profile)
    names = [f"n{i}" for i in range(n)]
    res, st = fwk.finish_scores(CycleState(), make_pod("p"), [None] * n,  # type: ignore[list-item]
                                plugins, {pl.name: pl.raw for pl in plugins}, names)
    columns = [c if c is not None else r for c, r in zip(normalized, raw, strict=True)]
    want = _reference_totals(columns, weights, n)
    if isinstance(want, str):
        assert res is None and st is not None and st.code == Code.Error
        plugin, bad = want.split()
        assert st.message() == (
            f'applying score defaultWeights on Score plugins: plugin "{plugin}" returns an '
            f"invalid score {bad}, it should in the range of [0, 100] after normalizing")
        return
    assert st is None and res is not None
    assert repr(res.totals) == repr(want)     # the same values and the same types
    assert res.normalized == {pl.name: c for pl, c in zip(plugins, columns, strict=True)}


@pytest.mark.parametrize(("columns", "offset", "n", "want"), [
    ([], 0, 2, [0, 0]),
    ([], 5, 0, []),
    ([([1, 2], 1, None)], 0, 2, [1, 2]),
    ([([1, 2], 3, None)], 1, 2, [4, 7]),
    ([([2] * 8 + [1] * 8, 2, {1, 2})], 10, 16, [14] * 8 + [12] * 8),
    ([([1, 2], 1, None), ([2] * 8 + [1] * 8, 2, {1, 2})], 0, 2, [5, 6]),
    ([([1, 2, 3], 1, None), ([4, 5], 1, None)], 1, 3, [6, 8]),
])
def test_sum_columns(columns: list[tuple[list[int], int, set[int] | None]], offset: int,
                     n: int, want: list[int]) -> None:
    assert _sum_columns(columns, offset, n) == want


@pytest.mark.parametrize(("reverse", "scores", "want"), [
    (True, [0, 0, 0], [100, 100, 100]),
    (False, [0, 0], [0, 0]),
    (True, [2, 2], [0, 0]),
    (False, [3, 3], [100, 100]),
    (False, [1, 2, 4], [25, 50, 100]),
    (True, [], []),
    (False, [0.0, 0], [0.0, 0]),
])
def test_default_normalize_column(reverse: bool, scores: list[int], want: list[int]) -> None:
    got = default_normalize_column(100, reverse, list(scores))
    assert repr(got) == repr(want)


# -- select_host --------------------------------------------------------------------------------


def _reference_select_host(totals: list[int], rng: random.Random) -> int:
    """``select_host`` as documented: among the nodes with the highest total, reservoir
    sampling in node order, ``rng.randrange(cnt) == 0`` for the ``cnt``-th tie."""
    best = max(totals)
    ties = [i for i, t in enumerate(totals) if t == best]
    selected = ties[0]
    for cnt in range(2, len(ties) + 1):
        if rng.randrange(cnt) == 0:
            selected = ties[cnt - 1]
    return selected


@pytest.mark.parametrize("ties", [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 300])
def test_select_host_draws_as_reservoir_sampling(ties: int) -> None:
    for seed in range(25):
        layout = random.Random(seed)
        totals = [5] * ties + [layout.randrange(5) for _ in range(ties // 2 + 3)]
        layout.shuffle(totals)
        a, b = random.Random(seed), random.Random(seed)
        assert select_host(totals, a) == _reference_select_host(totals, b)
        assert a.getstate() == b.getstate()


# -- explain ------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 3, 10, 50])
@pytest.mark.parametrize("values", [1, 2, 3, 7, 1000])
def test_top_is_nlargest(k: int, values: int) -> None:
    rng = random.Random(values * 100 + k)
    for n in (0, 1, 5, 10, 11, 40, 200):
        totals = [rng.randrange(values) for _ in range(n)]
        assert _top(totals, k) == heapq.nlargest(k, range(n), key=totals.__getitem__)


@pytest.mark.parametrize("plugins", [(), ("A",), ("A", "B%s", 'q"uote', "\u00e9")])
def test_row_template_and_passed_filters_are_json(plugins: tuple[str, ...]) -> None:
    values = tuple(range(-1, len(plugins) - 1))
    assert _row_template(plugins) % values == _dumps(
        {p: str(v) for p, v in zip(plugins, values, strict=True)})
    assert _passed_filters(plugins) == _dumps(dict.fromkeys(plugins, "passed"))


@pytest.mark.parametrize(("keys", "bodies"), [
    ([], []),
    (["n1"], ["{}"]),
    (["a\"b", "\u00e9\n", "n/3"], ['{"X":"1"}', '{"Y":"passed"}', "{}"]),
])
def test_join_object_is_json(keys: list[str], bodies: list[str]) -> None:
    assert _join_object(keys, bodies) == _dumps({k: json.loads(b) for k, b in
                                                 zip(keys, bodies, strict=True)})


@pytest.mark.parametrize(("columns", "want"), [
    ([], True), ([[]], True), ([[1, 2], [3]], True), ([[1], [True]], False),
    ([[1.0]], False), ([[1], ["1"]], False),
])
def test_all_ints(columns: list[list[Any]], want: bool) -> None:
    assert _all_ints(columns) is want


def _reference_annotations(a: Attempt, k: int) -> dict[str, str]:
    """The bounded annotations as built before (dicts encoded whole)."""
    sr = a._scores
    shown: list[str] = []
    order: list[int] = []
    if sr is not None:
        order = heapq.nlargest(k, range(len(sr.totals)), key=sr.totals.__getitem__)
        shown = [sr.names[i] for i in order]
        sel = a.selected_node
        if sel and sel not in shown and sel in sr.names:
            order.append(sr.names.index(sel))
            shown.append(sel)
    else:
        shown = a._feasible[:k]
    examples: list[str] = []
    seen: set[str] = set()
    for name, st in a._failed.items():
        key = f"{st.plugin}: {st.message()}"
        if key not in seen:
            seen.add(key)
            examples.append(name)
            if len(examples) >= k:
                break
    nodes = shown + examples
    ann = {FILTER_RESULT: _dumps({n: a._filters_for(n) for n in nodes})}
    if sr is not None:
        ann[SCORE_RESULT] = _dumps({n: {p: str(sr.raw[p][i]) for p in sr.plugins}
                                    for n, i in zip(shown, order, strict=True)})
        ann[FINAL_SCORE_RESULT] = _dumps(
            {n: {p: str(sr.normalized[p][i] * sr.weights[p]) for p in sr.plugins}
             for n, i in zip(shown, order, strict=True)})
    if a.selected_node:
        ann[SELECTED_NODE] = a.selected_node
    summary = {"attempt": a.attempt, "result": a.result, "nodes": a.num_all_nodes,
               "evaluatedNodes": a.evaluated_nodes, "feasibleNodes": a.feasible_nodes,
               "shownNodes": len(nodes), "prefilter": a.prefilter, "prescore": a.prescore,
               "filterReasons": a.filter_reasons()}
    if a.postfilter:
        summary["postfilter"] = a.postfilter
    ann[RESULT_SUMMARY] = _dumps(summary)
    return ann


class NoopBinder:
    name = "NoopBinder"

    def bind(self, state: Any, pod: dict, node: str) -> None:
        return None


@pytest.mark.parametrize("fast", [True, False])
def test_annotations_match_the_dict_encoding(fast: bool) -> None:
    rng = random.Random(5)
    k = Kernel(5)
    config = {"profiles": [{"plugins": {
        "multiPoint": {"disabled": [{"name": "DefaultBinder"}]},
        "bind": {"enabled": [{"name": "NoopBinder"}]}}}]}
    s = Scheduler(None, k, config, plugins={"NoopBinder": NoopBinder}, fast_path=fast)
    for i in range(30):
        taints = [{"key": "t\u00e9", "value": "v\"", "effect": "NoSchedule"}] \
            if rng.random() < 0.2 else []
        s.cache.add_node(make_node(f"n\u00e9-{i}", {"cpu": rng.choice(["1", "2"]),
                                                    "memory": "2Gi", "pods": "8"},
                                   taints=taints))
    attempts: list[Attempt] = []
    s.observers.append(attempts.append)
    s.run()
    for i in range(80):
        s.queue.add(make_pod(f"p{i}", {"cpu": rng.choice(["100m", "600m", "3"])}))
        k.run_until_idle()
    assert {a.result for a in attempts} >= {"Scheduled", "Unschedulable"}
    checked = 0
    for a in attempts:
        if a.truncated:
            continue
        for kk in (1, 2, 10, 100):
            assert a._build_annotations(kk) == _reference_annotations(a, kk)
        checked += 1
    assert checked > 20


# -- the window ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 20])
def test_rotated_slice_and_scan_window(n: int) -> None:
    rng = random.Random(n)
    ok = [rng.random() < 0.6 for _ in range(n)]
    for start in range(n):
        rot = ok[start:] + ok[:start]
        for a in range(n + 1):
            for b in range(a, n + 1):
                assert rotated_slice(ok, start, a, b) == rot[a:b]
        for want in range(1, n + 2):
            m, window = find_window(ok, start, want)
            assert scan_window(ok, start, want) == (m, window.count(True))
            assert window == rot[:m]
            assert window.count(True) >= min(want, ok.count(True))


@pytest.mark.parametrize(("idx", "want"), [
    (range(2, 5), [2, 3, 4]),
    (range(0), []),
    ([], []),
    ([5, 0, 1], [5, 0, 1]),
    ([4, 5, 0], [4, 5, 0]),
    ([3, 5, 0, 1], [3, 5, 0, 1]),
    ([4, 5, 1, 2], [4, 5, 1, 2]),
    ([0, 2, 3], [0, 2, 3]),
    ([1, 2, 3], [1, 2, 3]),
])
def test_taker(idx: Any, want: list[int]) -> None:
    assert _taker(idx)(list(range(6))) == want


# -- pod-shape keys -----------------------------------------------------------------------------


class Label(str):
    """Not marshallable: the key falls back to the canonical JSON."""


@pytest.mark.parametrize(("a", "b", "equal"), [
    (["ns", {"a": "1"}, None, {"containers": [{"name": "c"}]}],
     ["ns", {"a": "1"}, None, {"containers": [{"name": "c"}]}], True),
    ([{"a": 1, "b": 2}], [{"b": 2, "a": 1}], False),        # another order: a miss, never wrong
    ([1], [1.0], False),
    ([1], [True], False),
    ([0.0], [-0.0], False),
    ([(1,)], [[1]], False),
    ([{"a": None}], [{"a": ""}], False),
    ([2 ** 70], [2 ** 70], True),
    (["x\u00e9"], ["x\u00e9"], True),
    ([Label("v")], [Label("v")], True),
    ([Label("v")], ["v"], False),                            # bytes never equal text
    ([], [], True),
])
def test_shape_key(a: Any, b: Any, equal: bool) -> None:
    assert (shape_key(a) == shape_key(b)) is equal
    if any(isinstance(x, Label) for x in a):
        assert shape_key(a) == canonical(a)


def test_equal_shape_keys_mean_equal_shapes() -> None:
    rng = random.Random(3)
    atoms: list[Any] = [0, 1, 1.0, True, False, None, "", "a", "1", 0.5, -0.0, 2 ** 40]

    def value(depth: int) -> Any:
        r = rng.random()
        if depth == 0 or r < 0.4:
            return rng.choice(atoms)
        if r < 0.7:
            return [value(depth - 1) for _ in range(rng.randrange(3))]
        return {rng.choice("abc"): value(depth - 1) for _ in range(rng.randrange(3))}

    seen: dict[Any, str] = {}
    for _ in range(3000):
        v = value(3)
        k = shape_key(v)
        shape = repr((type(v), v, json.dumps(v), _types(v)))
        assert seen.setdefault(k, shape) == shape


def _types(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _types(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_types(x) for x in v]
    return type(v).__name__


# -- pod infos ----------------------------------------------------------------------------------


AFFINITIES: list[dict[str, Any] | None] = [
    None,
    {},
    {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [
            {"key": "a", "operator": "Exists"}]}]}}},
    {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "zone"}]}},
    {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 5, "podAffinityTerm": {"labelSelector": {"matchLabels": {"a": "b"}},
                                          "topologyKey": "h"}}]}},
    {"podAffinity": {}},
]


def _terms(pi: PodInfo) -> list[Any]:
    def term(t: Any) -> Any:
        if hasattr(t, "term"):
            return (t.weight, term(t.term))
        return (sorted(t.namespaces), str(t.selector), t.topology_key,
                str(t.namespace_selector))
    return [[term(t) for t in ts] for ts in (
        pi.required_affinity_terms, pi.required_anti_affinity_terms,
        pi.preferred_affinity_terms, pi.preferred_anti_affinity_terms)]


@pytest.mark.parametrize("affinity", AFFINITIES)
def test_pod_info_terms_and_assumed_on(affinity: dict[str, Any] | None) -> None:
    pod = make_pod("p", {"cpu": "100m"}, namespace="ns", priority=3, affinity=affinity)
    pi = PodInfo(pod)
    want = [[_affinity_terms(pod, kind, req) for kind in ("podAffinity", "podAntiAffinity")]
            for req in (True, False)]
    got = [[pi.required_affinity_terms, pi.required_anti_affinity_terms],
           [pi.preferred_affinity_terms, pi.preferred_anti_affinity_terms]]
    assert [[len(x) for x in r] for r in got] == [[len(x) for x in r] for r in want]
    pi.calculate_resource()
    assumed = pi.assumed_on("node-1")
    built = {**pod, "spec": {**pod["spec"], "nodeName": "node-1"}}
    assert assumed.pod == built and "nodeName" not in pod["spec"]
    fresh = PodInfo(built)
    assert (assumed.key, assumed.priority) == (fresh.key, fresh.priority)
    assert _terms(assumed) == _terms(fresh)
    res, fres = assumed.calculate_resource(), fresh.calculate_resource()
    assert (res.non0_cpu, res.non0_mem, res.resource.milli_cpu, res.resource.memory) == \
        (fres.non0_cpu, fres.non0_mem, fres.resource.milli_cpu, fres.resource.memory)
    assert assumed._sign_cache == {} and assumed._sign_cache is not pi._sign_cache


# -- InterPodAffinity's early Skip ----------------------------------------------------------------


ANTI = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
    {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}]}}
REQ = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
    {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}]}}
PREF = {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    {"weight": 3, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "db"}},
                                      "topologyKey": "kubernetes.io/hostname"}}]}}


@pytest.mark.parametrize(("existing_affinity", "affinity", "pre_filter", "pre_score"), [
    (None, None, Code.Skip, Code.Skip),                 # the early returns
    (None, PREF, Code.Skip, None),                      # preferred terms: PreScore runs
    (ANTI, None, None, Code.Skip),                      # an existing pod's anti-affinity
    (REQ, None, Code.Skip, None),                       # ... its required affinity scores
    (None, ANTI, None, Code.Skip),
])
def test_inter_pod_affinity_skips(existing_affinity: dict[str, Any] | None,
                                  affinity: dict[str, Any] | None, pre_filter: Code | None,
                                  pre_score: Code | None) -> None:
    node = make_node("n1", labels={"kubernetes.io/hostname": "n1"})
    existing = make_pod("e", node="n1", labels={"app": "db"}, affinity=existing_affinity)
    handle = FakeHandle([node], [existing])
    plugin = inter_pod_affinity.new(None, handle)
    pod = make_pod("p", labels={"app": "db"}, affinity=affinity)
    state = CycleState()
    _, st = plugin.pre_filter(state, pod, handle.cache.list())
    assert (st.code if st is not None else None) == pre_filter
    assert (state.get(inter_pod_affinity.PRE_FILTER_STATE_KEY) is None) == \
        (pre_filter == Code.Skip)
    st2: Status | None = plugin.pre_score(state, pod, handle.cache.list())
    assert (st2.code if st2 is not None else None) == pre_score
