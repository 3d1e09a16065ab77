"""What the scheduler now computes once per pod shape (or once per plugin) instead of for every
call, against plain reference computations: ``pod_requests``' memo, PodTopologySpread's default
constraints (filtered once per action), the activeQ entries' inlined ``PrioritySort.less`` and
the fast path's signature of a plugin list."""

from __future__ import annotations

import copy
import heapq
import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

from k8s_internals.api.selectors import EQUALS, label_selector_as_selector, new_requirement
from k8s_internals.scheduler import util
from k8s_internals.scheduler.fastpath import FastPath
from k8s_internals.scheduler.framework.types import PodInfo, QueuedPodInfo
from k8s_internals.scheduler.plugins.helper import default_selector
from k8s_internals.scheduler.plugins.pod_topology_spread import (
    SYSTEM_DEFAULT_CONSTRAINTS,
    Constraint,
    PodTopologySpread,
)
from k8s_internals.scheduler.plugins.priority_sort import PrioritySort
from k8s_internals.scheduler.queue import SchedulingQueue, _ActiveEntry, _PrioritySortEntry
from k8s_internals.scheduler.util import DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST
from k8s_internals.sim import Kernel

# -- pod_requests ------------------------------------------------------------------------------


def _c(requests: Mapping[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"name": "c", "image": "pause"}
    if requests is not None:
        c["resources"] = {"requests": dict(requests), "limits": dict(requests)}
    c.update(extra)
    return c


def _reference_pod_requests(pod: Mapping[str, Any], non_missing: Mapping[str, int] | None = None,
                            pod_level: bool = True) -> dict[str, int]:
    """``resource.PodRequests`` written out plainly (no memo, no shared helpers)."""
    spec = pod.get("spec") or {}

    def reqs_of(container: Mapping[str, Any]) -> dict[str, int]:
        raw = (container.get("resources") or {}).get("requests") or {}
        r = {name: util.quantity_int(name, q) for name, q in raw.items()}
        for name, default in (non_missing or {}).items():
            r.setdefault(name, default)
        return r

    def add(into: dict[str, int], other: Mapping[str, int]) -> None:
        for k, v in other.items():
            into[k] = into.get(k, 0) + v

    reqs: dict[str, int] = {}
    for c in spec.get("containers") or ():
        add(reqs, reqs_of(c))
    restartable: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in spec.get("initContainers") or ():
        r = reqs_of(c)
        if c.get("restartPolicy") == "Always":
            add(reqs, r)
            add(restartable, r)
            r = dict(restartable)
        else:
            r = {**r}
            add(r, restartable)
        for k, v in r.items():
            if v > init_max.get(k, v - 1):
                init_max[k] = v
    for k, v in init_max.items():
        if v > reqs.get(k, v - 1):
            reqs[k] = v
    if pod_level:
        level = (spec.get("resources") or {}).get("requests") or {}
        for name in ("cpu", "memory"):
            if name in level:
                reqs[name] = util.quantity_int(name, level[name])
    for name, q in (spec.get("overhead") or {}).items():
        reqs[name] = reqs.get(name, 0) + util.quantity_int(name, q)
    return reqs


POD_SPECS: list[dict[str, Any]] = [
    {},
    {"containers": []},
    {"containers": [_c()]},
    {"containers": [_c({"cpu": "100m", "memory": "500Mi"}, ports=[{"containerPort": 80}])]},
    {"containers": [_c({"cpu": "100m"}), _c({"memory": "1Gi", "example.com/gpu": "2"})]},
    {"containers": [_c({"cpu": 1})]},                 # an int quantity
    {"containers": [_c({"cpu": 1.5})]},               # a float quantity
    {"containers": [_c({"cpu": "1"})]},
    {"containers": [_c({"cpu": "2"})],
     "initContainers": [_c({"cpu": "3"}), _c({"cpu": "1"}, restartPolicy="Always"),
                        _c({"cpu": "4", "memory": "1Gi"})]},
    {"containers": [_c({"cpu": "200m"})], "overhead": {"cpu": "50m", "memory": "10Mi"}},
    {"containers": [_c({"cpu": "200m"})],
     "resources": {"requests": {"cpu": "1", "memory": "2Gi", "example.com/x": "1"}}},
    {"containers": [_c({"ephemeral-storage": "1Gi", "hugepages-2Mi": "4Mi"})]},
    {"containers": [_c({"cpu": "100m"}, volumeMounts=[{"name": "kube-api-access-x2b4z",
                                                        "mountPath": "/var/run"}])],
     "volumes": [{"name": "kube-api-access-x2b4z", "projected": {"sources": []}}]},
]
NON_MISSING: list[dict[str, int] | None] = [
    None, {}, {"cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST}, {"cpu": 7}]


@pytest.mark.parametrize("non_missing", NON_MISSING)
@pytest.mark.parametrize("pod_level", [True, False])
@pytest.mark.parametrize("spec", POD_SPECS)
def test_pod_requests_memo_matches_the_reference(spec: dict[str, Any],
                                                 non_missing: dict[str, int] | None,
                                                 pod_level: bool) -> None:
    pod = {"metadata": {"name": "p", "namespace": "ns"}, "spec": copy.deepcopy(spec)}
    want = _reference_pod_requests(pod, non_missing, pod_level)
    for _ in range(3):   # a miss, then hits
        got = util.pod_requests(pod, non_missing, pod_level=pod_level)
        assert got == want and list(got) == list(want)   # same values, same key order
        got["cpu"] = -1                                    # callers own what they get
    # the same shape in another pod (other names, mounts): the same answer
    twin = copy.deepcopy(pod)
    twin["metadata"]["name"] = "q"
    for c in twin["spec"].get("containers") or ():
        c["name"] = "other"
    assert util.pod_requests(twin, non_missing, pod_level=pod_level) == want


def test_pod_requests_follows_changes_to_the_pod() -> None:
    """The memo is keyed by content, not by the pod object: an in-place change is seen."""
    pod = {"spec": {"containers": [_c({"cpu": "100m"})]}}
    assert util.pod_requests(pod) == {"cpu": 100}
    pod["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "300m"
    assert util.pod_requests(pod) == {"cpu": 300}
    pod["spec"]["initContainers"] = [_c({"cpu": "1"})]
    assert util.pod_requests(pod) == {"cpu": 1000}
    pod["spec"]["initContainers"][0]["restartPolicy"] = "Always"
    assert util.pod_requests(pod) == {"cpu": 1300}
    pod["spec"]["overhead"] = {"cpu": "1m"}
    assert util.pod_requests(pod) == {"cpu": 1301}


class _Quantity(str):
    """A str subclass (``marshal`` refuses it): computed without the memo."""


@pytest.mark.parametrize("value", ["100m", _Quantity("250m"), 2, True, 1.0, "1", 1])
def test_pod_requests_keys_distinguish_types(value: Any) -> None:
    """``1``, ``1.0``, ``True`` and ``"1"`` are equal or alike but read differently
    (``str(True)`` is no quantity): their keys differ."""
    pod = {"spec": {"containers": [_c({"cpu": value})]}}
    try:
        want: Any = _reference_pod_requests(pod)
    except ValueError as e:
        want = type(e)
    for _ in range(2):
        try:
            got: Any = util.pod_requests(pod)
        except ValueError as e:
            got = type(e)
        assert got == want


def test_pod_requests_memo_is_bounded() -> None:
    for i in range(util._POD_REQUESTS_MAX + 10):
        pod = {"spec": {"containers": [_c({"cpu": f"{i + 1}m"})]}}
        assert util.pod_requests(pod) == {"cpu": i + 1}
    assert len(util._POD_REQUESTS) <= util._POD_REQUESTS_MAX


def test_pod_requests_errors_are_not_memoised() -> None:
    pod = {"spec": {"containers": [_c({"cpu": "not-a-quantity"})]}}
    for _ in range(2):
        with pytest.raises(ValueError):
            util.pod_requests(pod)


# -- PodTopologySpread's default constraints -------------------------------------------------------


class _Services:
    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items

    def list(self) -> list[dict[str, Any]]:
        return list(self.items)


def _reference_default_constraints(pl: PodTopologySpread, pod: Mapping[str, Any],
                                   action: str) -> list[Constraint]:
    """``buildDefaultConstraints`` as before the memo: filter the default constraints with the
    pod's labels, then replace their selectors by the pod's default selector."""
    labels = (pod.get("metadata") or {}).get("labels") or {}
    out = []
    for c in pl.default_constraints:
        if c.get("whenUnsatisfiable") != action:
            continue
        selector = label_selector_as_selector(c.get("labelSelector"))
        match = {k: labels[k] for k in c.get("matchLabelKeys") or () if k in labels}
        if match and not selector.matches_nothing:
            selector = selector.add(*(new_requirement(k, EQUALS, [v])
                                      for k, v in sorted(match.items())))
        out.append(Constraint(int(c.get("maxSkew") or 0), c.get("topologyKey", ""), selector,
                              int(c.get("minDomains") or 1),
                              c.get("nodeAffinityPolicy") or "Honor",
                              c.get("nodeTaintsPolicy") or "Ignore"))
    if not out:
        return []
    services = pl.services.list() if pl.services is not None else []
    selector = default_selector(pod, services, lambda *a: None)
    if selector.empty:
        return []
    for c in out:
        c.selector = selector
    return out


SERVICE = {"metadata": {"name": "web", "namespace": "ns"}, "spec": {"selector": {"app": "web"}}}
DEFAULTS: list[list[dict[str, Any]]] = [
    list(SYSTEM_DEFAULT_CONSTRAINTS),
    [],
    [{"topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 1},
     {"topologyKey": "rack", "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 2,
      "minDomains": 3, "nodeAffinityPolicy": "Ignore", "nodeTaintsPolicy": "Honor"}],
    [{"topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 1,
      "matchLabelKeys": ["app"]}],
]
PODS: list[dict[str, Any]] = [
    {"metadata": {"name": "a", "namespace": "ns"}, "spec": {}},
    {"metadata": {"name": "b", "namespace": "ns", "labels": {"app": "web"}}, "spec": {}},
    {"metadata": {"name": "c", "namespace": "other", "labels": {"app": "web"}}, "spec": {}},
]


@pytest.mark.parametrize("services", [[], [SERVICE]])
@pytest.mark.parametrize("defaults", DEFAULTS)
def test_default_constraints_match_the_reference(defaults: list[dict[str, Any]],
                                                 services: list[dict[str, Any]]) -> None:
    pl = PodTopologySpread(None, copy.deepcopy(defaults), services=_Services(services))  # type: ignore[arg-type]
    for _ in range(2):
        for pod in PODS:
            for action in ("DoNotSchedule", "ScheduleAnyway"):
                got = pl.build_default_constraints(pod, action)
                assert got == _reference_default_constraints(pl, pod, action)
                for c in got:   # callers own the constraints they get
                    c.max_skew = -5
                    c.selector = label_selector_as_selector(None)
                assert pl.build_default_constraints(pod, action) == \
                    _reference_default_constraints(pl, pod, action)


def test_default_constraints_follow_changes_to_the_defaults() -> None:
    pl = PodTopologySpread(None, copy.deepcopy(DEFAULTS[2]),  # type: ignore[arg-type]
                           services=_Services([SERVICE]))
    pod = PODS[1]
    assert [c.max_skew for c in pl.build_default_constraints(pod, "DoNotSchedule")] == [1]
    pl.default_constraints[0]["maxSkew"] = 4                          # changed in place
    assert [c.max_skew for c in pl.build_default_constraints(pod, "DoNotSchedule")] == [4]
    pl.default_constraints = copy.deepcopy(DEFAULTS[3])               # replaced
    for action in ("DoNotSchedule", "ScheduleAnyway"):
        assert pl.build_default_constraints(pod, action) == \
            _reference_default_constraints(pl, pod, action)
    pl.default_constraints = []
    assert pl.build_default_constraints(pod, "ScheduleAnyway") == []


# -- the activeQ's entries -------------------------------------------------------------------------


def _qpis(rng: random.Random, n: int) -> list[QueuedPodInfo]:
    out = []
    for i in range(n):
        spec: dict[str, Any] = {}
        if rng.random() < 0.7:
            spec["priority"] = rng.choice([-1, 0, 0, 5, 1000])
        pod = {"metadata": {"name": f"p{i}", "namespace": "ns"}, "spec": spec}
        out.append(QueuedPodInfo(PodInfo(pod), float(rng.choice([0, 1, 1, 2, 3.5]))))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_priority_sort_entries_compare_as_the_generic_ones(seed: int) -> None:
    rng = random.Random(seed)
    less = PrioritySort().less
    qpis = _qpis(rng, 40)
    seqs = list(range(len(qpis)))
    rng.shuffle(seqs)
    fast = [_PrioritySortEntry(q, less, s) for q, s in zip(qpis, seqs, strict=True)]
    ref = [_ActiveEntry(q, less, s) for q, s in zip(qpis, seqs, strict=True)]
    for (a, b), (ra, rb) in zip(itertools.product(fast, fast), itertools.product(ref, ref),
                                strict=True):
        assert (a < b) == (ra < rb)
    # the heap pops in the same order, with pushes and pops interleaved
    hf: list[_ActiveEntry] = []
    hr: list[_ActiveEntry] = []
    order_f, order_r = [], []
    for e, r in zip(fast, ref, strict=True):
        heapq.heappush(hf, e)
        heapq.heappush(hr, r)
        if rng.random() < 0.3:
            order_f.append(heapq.heappop(hf).seq)
            order_r.append(heapq.heappop(hr).seq)
    while hf:
        order_f.append(heapq.heappop(hf).seq)
        order_r.append(heapq.heappop(hr).seq)
    assert order_f == order_r and not hr


def _pop_order(less: Callable[[QueuedPodInfo, QueuedPodInfo], bool], seed: int
               ) -> tuple[list[str], set[type]]:
    rng = random.Random(seed)
    k = Kernel(seed)
    q = SchedulingQueue(k, less)
    for i in range(30):
        spec: dict[str, Any] = {"priority": rng.choice([0, 0, 10])}
        q.add({"metadata": {"name": f"p{i}", "namespace": "ns", "uid": f"u{i}"}, "spec": spec})
        if rng.random() < 0.2:
            k.run_for(1.0)   # later pods: later queue timestamps
    kinds = {type(e) for e in q._active}
    out = []
    while (qpi := q.pop()) is not None:
        out.append(qpi.key)
    return out, kinds


@pytest.mark.parametrize("seed", range(3))
def test_queue_uses_the_inlined_entries_for_priority_sort_only(seed: int) -> None:
    plugin = PrioritySort()

    def wrapped(a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        return plugin.less(a, b)

    fast, kinds = _pop_order(plugin.less, seed)
    assert kinds == {_PrioritySortEntry}
    ref, ref_kinds = _pop_order(wrapped, seed)
    assert ref_kinds == {_ActiveEntry}
    assert fast == ref


# -- the fast path's signature ---------------------------------------------------------------------


class _Signed:
    def __init__(self, name: str) -> None:
        self.name = name

    def sign_pod(self, pod: Mapping[str, Any]) -> Any:
        return ((pod.get("spec") or {}).get("priority"), self.name)


class _Unsigned:
    name = "Unsigned"


@pytest.mark.parametrize("plugins", [
    [], [_Signed("A")], [_Signed("A"), _Signed("B")], [_Unsigned()], [_Signed("A"), _Unsigned()],
])
def test_signature_of_a_plugin_list(plugins: Sequence[Any]) -> None:
    fp = FastPath(None)  # type: ignore[arg-type]
    pod = {"metadata": {"name": "p", "namespace": "ns"}, "spec": {"priority": 3}}
    want = None if any(getattr(pl, "sign_pod", None) is None for pl in plugins) else \
        tuple((pl.name, pl.sign_pod(pod)) for pl in plugins)
    for _ in range(2):
        assert fp._signature(plugins, PodInfo(pod)) == want
