"""``NodeUnschedulable`` (``node_unschedulable_test.go``)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.plugins import node_unschedulable

from ..helpers import FakeHandle, make_node, make_pod, messages, run_filter

TOLERATE = {"key": "node.kubernetes.io/unschedulable", "operator": "Exists",
            "effect": "NoSchedule"}


@pytest.mark.parametrize(("unschedulable", "tolerations", "want"), [
    (False, [], ""),
    (True, [], "node(s) were unschedulable"),
    (True, [TOLERATE], ""),
])
def test_node_unschedulable(unschedulable: bool, tolerations: list, want: str) -> None:
    handle = FakeHandle([make_node("n1", unschedulable=unschedulable)])
    st = run_filter(node_unschedulable.new(None, handle), make_pod("p", tolerations=tolerations),
                    handle)
    assert messages(st) == {"n1": want}
    if want:
        assert st["n1"] is not None and st["n1"].code.name == "UnschedulableAndUnresolvable"
