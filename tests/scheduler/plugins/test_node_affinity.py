"""``NodeAffinity`` (``node_affinity_test.go``): nodeSelector and required/preferred node
affinity."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.framework.cycle_state import CycleState
from k8s_internals.scheduler.plugins import node_affinity

from ..helpers import FakeHandle, make_node, make_pod, messages, run_filter, run_score

POD_REASON = "node(s) didn't match Pod's node affinity/selector"


def _required(*terms: list) -> dict:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": t} for t in terms]}}}


@pytest.mark.parametrize(("name", "kwargs", "labels", "fits"), [
    ("no selector", {}, {}, True),
    ("missing labels", {"node_selector": {"foo": "bar"}}, {}, False),
    ("same labels", {"node_selector": {"foo": "bar"}}, {"foo": "bar"}, True),
    ("node labels are superset", {"node_selector": {"foo": "bar"}},
     {"foo": "bar", "baz": "blah"}, True),
    ("node labels are subset", {"node_selector": {"foo": "bar", "baz": "blah"}},
     {"foo": "bar"}, False),
    ("Pod with matchExpressions using In operator that matches the existing node",
     {"affinity": _required([{"key": "foo", "operator": "In", "values": ["bar", "value2"]}])},
     {"foo": "bar"}, True),
    ("Pod with matchExpressions using Gt operator that matches the existing node",
     {"affinity": _required([{"key": "kernel-version", "operator": "Gt",
                              "values": ["0204"]}])}, {"kernel-version": "0206"}, True),
    ("Pod with matchExpressions using NotIn operator that matches the existing node",
     {"affinity": _required([{"key": "mem-type", "operator": "NotIn",
                              "values": ["DDR", "DDR2"]}])}, {"mem-type": "DDR3"}, True),
    ("Pod with matchExpressions using Exists operator that matches the existing node",
     {"affinity": _required([{"key": "GPU", "operator": "Exists"}])}, {"GPU": "NVIDIA-GRID-K1"},
     True),
    ("Pod with affinity that don't match node's labels won't schedule onto the node",
     {"affinity": _required([{"key": "foo", "operator": "In", "values": ["value1",
                                                                        "value2"]}])},
     {"foo": "bar"}, False),
    ("Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels",
     {"affinity": _required([{"key": "foo", "operator": "In", "values": ["bar"]}],
                            [{"key": "diffkey", "operator": "In", "values": ["wrong"]}])},
     {"foo": "bar"}, True),
    ("Pod with an invalid value in Affinity term won't be scheduled onto the node",
     {"affinity": _required([{"key": "foo", "operator": "NotIn",
                              "values": ["invalid value: ___@#$%^"]}, ])},
     {"foo": "bar"}, False),
    ("Pod with both nodeSelector and affinity: both must match",
     {"node_selector": {"foo": "bar"},
      "affinity": _required([{"key": "foo", "operator": "Exists"}])}, {"foo": "bar"}, True),
])
def test_node_affinity_filter(name: str, kwargs: dict, labels: dict, fits: bool) -> None:
    handle = FakeHandle([make_node("node1", labels=labels)])
    st = run_filter(node_affinity.new(None, handle), make_pod("p", **kwargs), handle)
    assert messages(st) == {"node1": "" if fits else POD_REASON}


def test_prefilter_result_names_nodes_and_conflicts() -> None:
    handle = FakeHandle([make_node("node1"), make_node("node2")])
    plugin = node_affinity.new(None, handle)

    def fields(*values: list[str]) -> dict:
        return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                                    "values": v}]} for v in values]}}}

    res, st = plugin.pre_filter(CycleState(), make_pod("p", affinity=fields(["node1"])), [])
    assert st is None and res is not None and res.node_names == {"node1"}
    res, st = plugin.pre_filter(CycleState(), make_pod(
        "p", affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": ["node1"]},
                {"key": "metadata.name", "operator": "In", "values": ["node2"]}]}]}}}), [])
    assert st is not None and st.message() == "pod affinity terms conflict"
    _, st = plugin.pre_filter(CycleState(), make_pod("p"), [])
    assert st is not None and st.is_skip()


def test_added_affinity() -> None:
    handle = FakeHandle([make_node("node1", labels={"zone": "foo"}), make_node("node2")])
    added = {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["foo"]}]}]}}
    st = run_filter(node_affinity.new({"addedAffinity": added}, handle), make_pod("p"), handle)
    assert messages(st) == {"node1": "",
                            "node2": "node(s) didn't match scheduler-enforced node affinity"}


def test_node_affinity_priority() -> None:
    # (``TestNodeAffinityPriority`` "all nodes matches the preferred scheduling requirements of
    # pod but with different priorities"): weights of the matching terms
    # machine1: term1 (2) = 2; machine2: term1 + term2 (2 + 5)... normalized by the max
    pref = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 2, "preference": {"matchExpressions": [
            {"key": "foo", "operator": "In", "values": ["bar"]}]}},
        {"weight": 4, "preference": {"matchExpressions": [
            {"key": "key", "operator": "In", "values": ["value"]}]}},
        {"weight": 5, "preference": {"matchExpressions": [
            {"key": "foo", "operator": "In", "values": ["bar"]},
            {"key": "key", "operator": "In", "values": ["value"]},
            {"key": "az", "operator": "In", "values": ["az1"]}]}}]}}
    nodes = [make_node("machine1", labels={"foo": "bar"}),
             make_node("machine5", labels={"foo": "bar", "key": "value", "az": "az1"}),
             make_node("machine2", labels={"key": "value"})]
    handle = FakeHandle(nodes)
    # raw: machine1 2, machine5 2 + 4 + 5 = 11, machine2 4
    # normalized: 100 * 2 / 11 = 18, 100, 100 * 4 / 11 = 36
    got = run_score(node_affinity.new(None, handle), make_pod("p", affinity=pref), handle)
    assert got == [18, 100, 36]


def test_pre_score_skips_without_preferred_terms() -> None:
    handle = FakeHandle([make_node("n1")])
    st = node_affinity.new(None, handle).pre_score(CycleState(), make_pod("p"), [])
    assert st is not None and st.is_skip()
