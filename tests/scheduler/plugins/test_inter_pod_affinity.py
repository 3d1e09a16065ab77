"""``InterPodAffinity``: cases in the spirit of upstream's ``filtering_test.go``
(``TestRequiredAffinitySingleNode``) and ``scoring_test.go`` (``TestPreferredAffinity``)."""

from __future__ import annotations

from k8s_internals.scheduler.plugins import inter_pod_affinity

from ..helpers import FakeHandle, make_node, make_pod, messages, run_filter, run_score

LABELS1 = {"region": "r1", "zone": "z11", "kubernetes.io/hostname": "h1"}


def _term(key: str, op: str, values: list[str], topology: str,
          namespaces: list[str] | None = None) -> dict:
    t: dict = {"labelSelector": {"matchExpressions": [
        {"key": key, "operator": op, "values": values}]}, "topologyKey": topology}
    if namespaces is not None:
        t["namespaces"] = namespaces
    return t


def _affinity(kind: str, *terms: dict) -> dict:
    return {kind: {"requiredDuringSchedulingIgnoredDuringExecution": list(terms)}}


def _filter(pod: dict, existing: list[dict]) -> str:
    handle = FakeHandle([make_node("node1", labels=LABELS1)], existing)
    return messages(run_filter(inter_pod_affinity.new(None, handle), pod, handle))["node1"]


def test_no_affinity_fits() -> None:
    assert _filter(make_pod("p"), []) == ""


def test_affinity_satisfied_by_existing_pod() -> None:
    existing = make_pod("e", node="node1", labels={"service": "securityscan"})
    pod = make_pod("p", affinity=_affinity(
        "podAffinity", _term("service", "In", ["securityscan", "value2"], "region")))
    assert _filter(pod, [existing]) == ""


def test_affinity_not_satisfied_other_namespace() -> None:
    existing = make_pod("e", node="node1", labels={"service": "securityscan"}, namespace="ns")
    pod = make_pod("p", affinity=_affinity(
        "podAffinity", _term("service", "In", ["securityscan"], "region", ["DiffNameSpace"])))
    assert _filter(pod, [existing]) == "node(s) didn't match pod affinity rules"


def test_first_pod_of_a_group_may_go_anywhere() -> None:
    pod = make_pod("p", labels={"service": "securityscan"}, affinity=_affinity(
        "podAffinity", _term("service", "In", ["securityscan"], "region")))
    assert _filter(pod, []) == ""


def test_anti_affinity_violated_by_existing_pod() -> None:
    existing = make_pod("e", node="node1", labels={"service": "securityscan"})
    pod = make_pod("p", affinity=_affinity(
        "podAntiAffinity", _term("service", "In", ["securityscan"], "zone")))
    assert _filter(pod, [existing]) == "node(s) didn't match pod anti-affinity rules"


def test_existing_pods_anti_affinity() -> None:
    existing = make_pod("e", node="node1", labels={"app": "db"}, affinity=_affinity(
        "podAntiAffinity", _term("service", "In", ["securityscan"], "zone")))
    pod = make_pod("p", labels={"service": "securityscan"})
    assert _filter(pod, [existing]) == "node(s) didn't satisfy existing pods anti-affinity rules"


def test_prefilter_skips_when_nothing_applies() -> None:
    from k8s_internals.scheduler.framework.cycle_state import CycleState

    handle = FakeHandle([make_node("node1", labels=LABELS1)], [make_pod("e", node="node1")])
    _, st = inter_pod_affinity.new(None, handle).pre_filter(CycleState(), make_pod("p"),
                                                            handle.node_infos())
    assert st is not None and st.is_skip()


def test_preferred_affinity_scores() -> None:
    # node1 (region China) runs a pod labelled security=S1, node2 (region India) runs none,
    # node3 (region China) none. The incoming pod prefers (weight 5) to be in the same region
    # as security=S1 pods: raw scores node1 5, node2 0, node3 5 (same region as node1)
    # normalized: 100 * (s - min) / (max - min) -> 100, 0, 100
    nodes = [make_node("node1", labels={"region": "China"}),
             make_node("node2", labels={"region": "India"}),
             make_node("node3", labels={"region": "China"})]
    existing = [make_pod("e", node="node1", labels={"security": "S1"})]
    pod = make_pod("p", affinity={"podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 5, "podAffinityTerm": _term("security", "In", ["S1"], "region")}]}})
    handle = FakeHandle(nodes, existing)
    assert run_score(inter_pod_affinity.new(None, handle), pod, handle) == [100, 0, 100]


def test_preferred_anti_affinity_and_hard_weight() -> None:
    # an existing pod with a *required* affinity term matching the incoming pod adds
    # hardPodAffinityWeight (1) to its domain; the incoming pod's preferred anti-affinity
    # (weight 3) against it subtracts 3: node1 1 - 3 = -2, node2 0
    # normalized: min -2, max 0 -> node1 0, node2 100
    nodes = [make_node("node1", labels={"zone": "a"}), make_node("node2", labels={"zone": "b"})]
    existing = [make_pod("e", node="node1", labels={"app": "x"}, affinity=_affinity(
        "podAffinity", _term("app", "In", ["y"], "zone")))]
    pod = make_pod("p", labels={"app": "y"}, affinity={"podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 3, "podAffinityTerm": _term("app", "In", ["x"], "zone")}]}})
    handle = FakeHandle(nodes, existing)
    assert run_score(inter_pod_affinity.new(None, handle), pod, handle) == [0, 100]
