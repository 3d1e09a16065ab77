"""The framework runtime (``runtime/framework_test.go``): building a profile, the order and
weights of plugins, running the extension points."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.scheduler.config import load_config
from k8s_internals.scheduler.framework.cycle_state import CycleState
from k8s_internals.scheduler.framework.interface import Code, PreFilterResult, Status
from k8s_internals.scheduler.framework.runtime import Framework, FrameworkError
from k8s_internals.scheduler.plugins.registry import new_in_tree_registry
from k8s_internals.sim import Kernel

from .helpers import FakeHandle, make_node, make_pod


class FakeFilter:
    def __init__(self, name: str, status: Status | None = None) -> None:
        self.name = name
        self.status = status
        self.calls = 0

    def filter(self, state: CycleState, pod: dict, node_info: Any) -> Status | None:
        self.calls += 1
        return self.status


class FakeScore:
    def __init__(self, name: str, score: int, normalize: bool = False) -> None:
        self.name = name
        self.value = score
        self._normalize = normalize

    def score(self, state: CycleState, pod: dict, node_info: Any) -> tuple[int, None]:
        return self.value, None

    def score_extensions(self) -> Any:
        return self if self._normalize else None

    def normalize_score(self, state: CycleState, pod: dict, scores: list) -> None:
        for s in scores:
            s.score = s.score // 2


class FakePreFilter:
    def __init__(self, name: str, result: PreFilterResult | None,
                 status: Status | None = None) -> None:
        self.name = name
        self.result = result
        self.status = status

    def pre_filter(self, state: CycleState, pod: dict, nodes: Any) -> tuple:
        return self.result, self.status


class FakePermit:
    def __init__(self, name: str, status: Status | None, timeout: float = 0.0) -> None:
        self.name = name
        self.status = status
        self.timeout = timeout

    def permit(self, state: CycleState, pod: dict, node: str) -> tuple:
        return self.status, self.timeout


def _framework(plugins: dict[str, Any], profile: dict | None = None,
               kernel: Kernel | None = None) -> Framework:
    reg = new_in_tree_registry()
    for name, obj in plugins.items():
        reg[name] = lambda args, handle, obj=obj: obj
    cfg = load_config({"profiles": [profile or {}]})
    handle = FakeHandle([make_node("n1"), make_node("n2")])
    return Framework(reg, cfg.profiles[0], snapshot=handle.cache, kernel=kernel)


def _enable(point: str, *names: str, weight: int = 0) -> dict:
    return {"plugins": {point: {"enabled": [{"name": n, "weight": weight} for n in names]}}}


def test_default_profile_points() -> None:
    fwk = _framework({})
    assert [p.name for p in fwk.filter_plugins] == [
        "NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts",
        "NodeResourcesFit", "VolumeRestrictions", "VolumeBinding", "PodTopologySpread",
        "InterPodAffinity"]
    assert [p.name for p in fwk.score_plugins] == [
        "TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread",
        "InterPodAffinity", "NodeResourcesBalancedAllocation", "ImageLocality"]
    assert fwk.score_plugin_weight == {
        "TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1, "PodTopologySpread": 2,
        "InterPodAffinity": 2, "NodeResourcesBalancedAllocation": 1, "ImageLocality": 1}
    assert [p.name for p in fwk.pre_enqueue_plugins] == ["SchedulingGates"]
    assert [p.name for p in fwk.post_filter_plugins] == ["DefaultPreemption"]
    assert [p.name for p in fwk.bind_plugins] == ["DefaultBinder"]


def test_explicit_point_configuration_overrides_multipoint() -> None:
    fwk = _framework({}, {"plugins": {"score": {"enabled": [
        {"name": "ImageLocality", "weight": 9}]}}})
    assert fwk.score_plugins[0].name == "ImageLocality"          # overrides come first
    assert fwk.score_plugin_weight["ImageLocality"] == 9


@pytest.mark.parametrize(("profile", "message"), [
    (_enable("filter", "Nope"), 'FilterPlugin "Nope" does not exist'),
    (_enable("filter", "PrioritySort"), 'plugin "PrioritySort" does not extend FilterPlugin '
                                        "plugin"),
    ({"plugins": {"bind": {"disabled": [{"name": "*"}]},
                  "multiPoint": {"disabled": [{"name": "DefaultBinder"}]}}},
     'at least one bind plugin is needed for profile with scheduler name "default-scheduler"'),
    ({"plugins": {"filter": {"enabled": [{"name": "NodeName"}, {"name": "NodeName"}]}}},
     'plugin "NodeName" already registered as "FilterPlugin"'),
])
def test_construction_errors(profile: dict, message: str) -> None:
    with pytest.raises(FrameworkError) as e:
        _framework({}, profile)
    assert str(e.value) == message


def test_filter_stops_at_first_failure_and_names_the_plugin() -> None:
    a = FakeFilter("A")
    b = FakeFilter("B", Status(Code.Unschedulable, "nope"))
    c = FakeFilter("C")
    fwk = _framework({"A": a, "B": b, "C": c},
                     {"plugins": {"filter": {"disabled": [{"name": "*"}],
                                             "enabled": [{"name": "A"}, {"name": "B"},
                                                         {"name": "C"}]}}})
    st = fwk.run_filter_plugins(CycleState(), make_pod("p"), fwk.snapshot.list()[0])
    assert st is not None and st.plugin == "B" and st.message() == "nope"
    assert (a.calls, b.calls, c.calls) == (1, 1, 0)
    b.status = Status(Code.Error, "boom")
    st = fwk.run_filter_plugins(CycleState(), make_pod("p"), fwk.snapshot.list()[0])
    assert st is not None and st.message() == 'running "B" filter plugin: boom'


def test_pre_filter_results_intersect() -> None:
    one = FakePreFilter("One", PreFilterResult({"n1"}))
    two = FakePreFilter("Two", PreFilterResult({"n2"}))
    fwk = _framework({"One": one, "Two": two}, {"plugins": {"preFilter": {
        "disabled": [{"name": "*"}], "enabled": [{"name": "One"}, {"name": "Two"}]}}})
    _res, st, plugins = fwk.run_pre_filter_plugins(CycleState(), make_pod("p"))
    assert st is not None and st.code == Code.UnschedulableAndUnresolvable
    assert st.message() == "node(s) didn't satisfy plugin(s) [One Two] simultaneously"
    assert plugins == {"One", "Two"}


def test_scores_are_normalized_weighted_and_checked() -> None:
    s1 = FakeScore("S1", 80, normalize=True)
    s2 = FakeScore("S2", 10)
    profile = {"plugins": {"score": {"disabled": [{"name": "*"}], "enabled": [
        {"name": "S1", "weight": 2}, {"name": "S2", "weight": 3}]}}}
    fwk = _framework({"S1": s1, "S2": s2}, profile)
    res, st = fwk.run_score_plugins(CycleState(), make_pod("p"), fwk.snapshot.list())
    assert st is None and res is not None
    # S1: 80 normalized to 40, x2 = 80; S2: 10 x3 = 30; total 110
    assert res.raw == {"S1": [80, 80], "S2": [10, 10]}
    assert res.normalized == {"S1": [40, 40], "S2": [10, 10]}
    assert res.totals == [110, 110]
    s2.value = 120
    _, st = fwk.run_score_plugins(CycleState(), make_pod("p"), fwk.snapshot.list())
    assert st is not None and st.message() == (
        'applying score defaultWeights on Score plugins: plugin "S2" returns an invalid score '
        "120, it should in the range of [0, 100] after normalizing")


def test_permit_wait_allow_reject_timeout() -> None:
    k = Kernel(0)
    w = FakePermit("W", Status(Code.Wait), 10)
    fwk = _framework({"W": w}, _enable("permit", "W"), kernel=k)
    pod = make_pod("p")
    st = fwk.run_permit_plugins(CycleState(), pod, "n1")
    assert st is not None and st.code == Code.Wait
    assert st.message() == 'one or more plugins asked to wait and no plugin rejected pod "p"'
    results: list = []
    wp = fwk.get_waiting_pod("uid-p")
    assert wp is not None
    wp.on_done(results.append)
    wp.allow("W")
    assert results == [None] and fwk.get_waiting_pod("uid-p") is None
    fwk.run_permit_plugins(CycleState(), make_pod("q"), "n1")
    wq = fwk.get_waiting_pod("uid-q")
    assert wq is not None
    wq.on_done(results.append)
    k.run_for(10)
    assert results[-1].message() == "rejected due to timeout after waiting 10s at plugin W"
    assert results[-1].code == Code.Unschedulable and results[-1].plugin == "W"
