"""``TaintToleration``: the cases of upstream's ``taint_toleration_test.go``
(``TestTaintTolerationScore``, ``TestTaintTolerationFilter``)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.plugins import taint_toleration

from ..helpers import FakeHandle, codes, make_node, make_pod, messages, run_filter, run_score

PNS = "PreferNoSchedule"
NS = "NoSchedule"


def _t(key: str, value: str, effect: str) -> dict:
    return {"key": key, "value": value, "effect": effect}


def _tol(key: str, value: str, effect: str, op: str = "Equal") -> dict:
    return {"key": key, "operator": op, "value": value, "effect": effect}


SCORE_CASES = [
    # nodeA's taint is tolerated (0 intolerable), nodeB's is not (1): reversed normalization
    # nodeA: 100 - 100 * 0 / 1 = 100, nodeB: 100 - 100 * 1 / 1 = 0
    ("node with taints tolerated by the pod, gets a higher score than those node with "
     "intolerable taints", [_tol("foo", "bar", PNS)],
     [[_t("foo", "bar", PNS)], [_t("foo", "blah", PNS)]], [100, 0]),
    # all taints tolerated on every node: counts 0, 0, 0 -> max 0 -> reversed: 100 each
    ("the nodes that all of their taints are tolerated by the pod, get the same score",
     [_tol("cpu-type", "arm64", PNS), _tol("disk-type", "ssd", PNS)],
     [[], [_t("cpu-type", "arm64", PNS)],
      [_t("cpu-type", "arm64", PNS), _t("disk-type", "ssd", PNS)]], [100, 100, 100]),
    # intolerable counts 0, 1, 2: 100 - 100 * c / 2 -> 100, 50, 0
    ("the more intolerable taints a node has, the lower score it gets",
     [_tol("foo", "bar", PNS)],
     [[], [_t("cpu-type", "arm64", PNS)],
      [_t("cpu-type", "arm64", PNS), _t("disk-type", "ssd", PNS)]], [100, 50, 0]),
    # NoSchedule tolerations do not tolerate PreferNoSchedule taints; NoSchedule taints do not
    # count: counts 0, 0, 2 -> 100, 100, 0
    ("only taints and tolerations that have effect PreferNoSchedule are checked",
     [_tol("cpu-type", "arm64", NS), _tol("disk-type", "ssd", NS)],
     [[], [_t("cpu-type", "arm64", NS)],
      [_t("cpu-type", "arm64", PNS), _t("disk-type", "ssd", PNS)]], [100, 100, 0]),
    ("Default behaviour No taints and tolerations, lands on node with no taints", [],
     [[], [_t("cpu-type", "arm64", PNS)]], [100, 0]),
]


@pytest.mark.parametrize(("name", "tolerations", "taints", "want"), SCORE_CASES,
                         ids=[c[0][:60] for c in SCORE_CASES])
def test_taint_toleration_score(name: str, tolerations: list, taints: list,
                                want: list[int]) -> None:
    nodes = [make_node(f"node{chr(65 + i)}", taints=t) for i, t in enumerate(taints)]
    handle = FakeHandle(nodes)
    plugin = taint_toleration.new(None, handle)
    assert run_score(plugin, make_pod("p", tolerations=tolerations), handle) == want


FILTER_CASES = [
    ("A pod having no tolerations can't be scheduled onto a node with nonempty taints", [],
     [_t("dedicated", "user1", NS)], False),
    ("A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
     [_tol("dedicated", "user1", NS)], [_t("dedicated", "user1", NS)], True),
    ("A pod which can't be scheduled on a dedicated node assigned to user2 with effect "
     "NoSchedule", [_tol("dedicated", "user2", NS)], [_t("dedicated", "user1", NS)], False),
    ("A pod can be scheduled onto the node, with a toleration uses operator Exists",
     [{"key": "foo", "operator": "Exists", "effect": NS}], [_t("foo", "bar", NS)], True),
    ("A pod has multiple tolerations, node has multiple taints, all the taints are tolerated",
     [_tol("dedicated", "user2", NS), {"key": "foo", "operator": "Exists", "effect": NS}],
     [_t("dedicated", "user2", NS), _t("foo", "bar", NS)], True),
    ("A pod has a toleration that keys and values match the taint on the node, but (non-empty) "
     "effect doesn't match", [_tol("foo", "bar", PNS)], [_t("foo", "bar", NS)], False),
    ("The effect of toleration is empty, and the effect of taint is NoSchedule",
     [{"key": "foo", "operator": "Equal", "value": "bar"}], [_t("foo", "bar", NS)], True),
    ("Key and value don't match, but the taint's effect is PreferNoSchedule",
     [_tol("dedicated", "user2", NS)], [_t("dedicated", "user1", PNS)], True),
    ("The pod has no toleration, but the effect of taint on node is PreferNoSchedule", [],
     [_t("dedicated", "user1", PNS)], True),
]


@pytest.mark.parametrize(("name", "tolerations", "taints", "fits"), FILTER_CASES,
                         ids=[c[0][:60] for c in FILTER_CASES])
def test_taint_toleration_filter(name: str, tolerations: list, taints: list,
                                 fits: bool) -> None:
    handle = FakeHandle([make_node("nodeA", taints=taints)])
    st = run_filter(taint_toleration.new(None, handle),
                    make_pod("p", tolerations=tolerations), handle)
    if fits:
        assert st == {"nodeA": None}
    else:
        assert codes(st) == {"nodeA": "UnschedulableAndUnresolvable"}
        assert messages(st) == {"nodeA": "node(s) had untolerated taint(s)"}


def test_the_untolerated_taint_is_kept_for_explain() -> None:
    taint = _t("node.kubernetes.io/unreachable", "", "NoExecute")
    handle = FakeHandle([make_node("n1", taints=[taint])])
    st = run_filter(taint_toleration.new(None, handle), make_pod("p"), handle)["n1"]
    assert getattr(st, "taint", None) == taint
    assert taint_toleration.untolerated_taint_reason(taint) == \
        "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"
