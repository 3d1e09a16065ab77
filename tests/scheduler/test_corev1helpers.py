"""Tolerations and node selectors (``component-helpers/scheduling/corev1``)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.corev1helpers import (
    NodeSelector,
    PreferredSchedulingTerms,
    RequiredNodeAffinity,
    find_matching_untolerated_taint,
    toleration_tolerates_taint,
)

from .helpers import make_node, make_pod


@pytest.mark.parametrize(("toleration", "taint", "want"), [
    ({"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
    ({"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
    ({"key": "foo", "operator": "Equal", "value": "bar"},
     {"key": "foo", "value": "bar", "effect": "NoExecute"}, True),    # empty effect: any
    ({"operator": "Exists"}, {"key": "anything", "effect": "NoSchedule"}, True),
    ({"key": "foo", "operator": "Equal", "value": "baz", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, False),
    ({"key": "foo", "operator": "Bogus"}, {"key": "foo"}, False),
])
def test_toleration_tolerates_taint(toleration: dict, taint: dict, want: bool) -> None:
    assert toleration_tolerates_taint(toleration, taint) is want


def test_find_matching_untolerated_taint() -> None:
    taints = [{"key": "a", "effect": "PreferNoSchedule"}, {"key": "b", "effect": "NoSchedule"}]
    got = find_matching_untolerated_taint(
        taints, [], lambda t: t.get("effect") in ("NoSchedule", "NoExecute"))
    assert got == {"key": "b", "effect": "NoSchedule"}


def test_node_selector_operators() -> None:
    node = make_node("n1", labels={"kernel": "5", "zone": "a"})

    def match(*exprs: dict) -> bool:
        return NodeSelector({"nodeSelectorTerms": [{"matchExpressions": list(exprs)}]}).match(
            node)

    assert match({"key": "kernel", "operator": "Gt", "values": ["4"]})
    assert not match({"key": "kernel", "operator": "Lt", "values": ["4"]})
    assert match({"key": "gpu", "operator": "DoesNotExist"})
    assert not match({"key": "kernel", "operator": "Gt", "values": ["x"]})   # invalid: no match
    assert NodeSelector({"nodeSelectorTerms": [{"matchFields": [
        {"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}).match(node)
    assert not NodeSelector({"nodeSelectorTerms": [{}]}).match(node)        # empty term


def test_required_and_preferred() -> None:
    node = make_node("n1", labels={"zone": "a"})
    assert RequiredNodeAffinity(make_pod("p", node_selector={"zone": "a"})).match(node)
    assert not RequiredNodeAffinity(make_pod("p", node_selector={"zone": "b"})).match(node)
    terms = PreferredSchedulingTerms([
        {"weight": 3, "preference": {"matchExpressions": [
            {"key": "zone", "operator": "In", "values": ["a"]}]}},
        {"weight": 0, "preference": {"matchExpressions": [
            {"key": "zone", "operator": "In", "values": ["a"]}]}}])
    assert terms.score(node) == 3
