"""``PodTopologySpread``: filter skew and scoring, in the spirit of upstream's
``filtering_test.go`` and ``scoring_test.go``."""

from __future__ import annotations

import math

from k8s_internals.scheduler.framework.cycle_state import CycleState
from k8s_internals.scheduler.plugins import pod_topology_spread
from k8s_internals.scheduler.plugins.pod_topology_spread import (
    score_for_count,
    topology_normalizing_weight,
)

from ..helpers import FakeHandle, make_node, make_pod, messages, run_filter, run_score

FOO = {"labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}}


def _nodes() -> list[dict]:
    return [make_node(n, labels={"zone": z, "kubernetes.io/hostname": n})
            for n, z in (("node-a", "zone1"), ("node-b", "zone1"), ("node-x", "zone2"),
                         ("node-y", "zone2"))]


def test_filter_single_constraint_zone() -> None:
    # "pod is required to spread evenly on a single-constraint (zone)": zone1 has 2 matching
    # pods, zone2 has 1. The pod matches its own selector (selfMatch 1):
    # zone1 nodes: 2 + 1 - min(2, 1) = 2 > maxSkew 1 -> fail; zone2: 1 + 1 - 1 = 1 -> fit
    existing = [make_pod("p-a1", node="node-a", labels={"foo": ""}),
                make_pod("p-b1", node="node-b", labels={"foo": ""}),
                make_pod("p-x1", node="node-x", labels={"foo": ""})]
    handle = FakeHandle(_nodes(), existing)
    pod = make_pod("p", labels={"foo": ""}, spread=[
        {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", **FOO}])
    got = messages(run_filter(pod_topology_spread.new(None, handle), pod, handle))
    bad = "node(s) didn't match pod topology spread constraints"
    assert got == {"node-a": bad, "node-b": bad, "node-x": "", "node-y": ""}


def test_filter_missing_label_and_min_domains() -> None:
    nodes = [*_nodes(), make_node("node-z", labels={"kubernetes.io/hostname": "node-z"})]
    existing = [make_pod("p-a1", node="node-a", labels={"foo": ""})]
    handle = FakeHandle(nodes, existing)
    # minDomains 3 but only 2 zones: the global minimum counts as 0 -> zone1: 1 + 1 - 0 = 2 > 1
    pod = make_pod("p", labels={"foo": ""}, spread=[
        {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
         "minDomains": 3, **FOO}])
    got = messages(run_filter(pod_topology_spread.new(None, handle), pod, handle))
    assert got["node-z"] == ("node(s) didn't match pod topology spread constraints "
                             "(missing required label)")
    assert got["node-a"] == "node(s) didn't match pod topology spread constraints"
    assert got["node-x"] == ""


def test_score_hostname_constraint() -> None:
    # ScheduleAnyway by hostname, maxSkew 1, 4 candidate nodes: weight log(4 + 2) = 1.7918
    # counts: node-a 2, node-b 1, node-x 0, node-y 0
    # raw = round(cnt * 1.7918 + (1 - 1)): 4, 2, 0, 0
    # normalize: 100 * (max + min - s) / max = 100 * (4 + 0 - s) / 4 -> 0, 50, 100, 100
    existing = [make_pod("e1", node="node-a", labels={"foo": ""}),
                make_pod("e2", node="node-a", labels={"foo": ""}),
                make_pod("e3", node="node-b", labels={"foo": ""})]
    handle = FakeHandle(_nodes(), existing)
    pod = make_pod("p", labels={"foo": ""}, spread=[
        {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
         "whenUnsatisfiable": "ScheduleAnyway", **FOO}])
    assert round(2 * topology_normalizing_weight(4)) == 4
    assert run_score(pod_topology_spread.new(None, handle), pod, handle) == [0, 50, 100, 100]


def test_score_for_count() -> None:
    w = topology_normalizing_weight(3)   # log(5)
    assert math.isclose(score_for_count(2, 3, w), 2 * math.log(5) + 2)


def test_bare_pods_have_no_default_constraints() -> None:
    handle = FakeHandle(_nodes())
    plugin = pod_topology_spread.new(None, handle)
    _, st = plugin.pre_filter(CycleState(), make_pod("p"), handle.node_infos())
    assert st is not None and st.is_skip()
    st = plugin.pre_score(CycleState(), make_pod("p"), handle.node_infos())
    assert st is not None and st.is_skip()


def test_system_default_constraints_use_the_service_selector() -> None:
    svc = {"metadata": {"name": "web", "namespace": "default"}, "spec": {"selector":
                                                                       {"app": "web"}}}
    existing = [make_pod("e1", node="node-a", labels={"app": "web"})]
    handle = FakeHandle(_nodes(), existing, services=[svc])
    plugin = pod_topology_spread.new(None, handle)
    pod = make_pod("p", labels={"app": "web"})
    scores = run_score(plugin, pod, handle)
    assert isinstance(scores, list)
    assert scores[0] < scores[2]   # the node already running a web pod scores lower
