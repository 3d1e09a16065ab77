"""The taint eviction controller: which tolerations match which taints, and when a pod on a
NoExecute-tainted node is deleted (the end-to-end node failure is in test_nodelifecycle)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.controllers.tainteviction import (
    TaintEvictionController,
    get_matching_tolerations,
    get_min_toleration_time,
    tolerates_taint,
)
from k8s_internals.sim import Kernel
from tests.controllers.kcm_helpers import create_node, events, node, pod, start


@pytest.fixture
def backend() -> str:
    return "memory"


T = {"key": "dedicated", "value": "gpu", "effect": "NoExecute"}


@pytest.mark.parametrize(("toleration", "tolerates"), [
    ({"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoExecute"}, True),
    ({"key": "dedicated", "value": "gpu"}, True),                 # Equal is the default
    ({"key": "dedicated", "value": "cpu"}, False),
    ({"key": "dedicated", "operator": "Exists"}, True),
    ({"operator": "Exists"}, True),                                # tolerates everything
    ({"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}, False),
    ({"key": "other", "operator": "Exists"}, False),
])
def test_tolerates_taint(toleration: dict[str, Any], tolerates: bool) -> None:
    assert tolerates_taint(toleration, T) is tolerates


def test_matching_tolerations_and_the_shortest_wait() -> None:
    taints = [T, {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]
    tols = [{"key": "dedicated", "operator": "Exists", "tolerationSeconds": 600},
            {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}]
    ok, used = get_matching_tolerations(taints, tols)
    assert ok and used == [tols[0], tols[1]] and get_min_toleration_time(used) == 30
    assert get_matching_tolerations(taints, tols[:1]) == (False, [])
    assert get_min_toleration_time([{"tolerationSeconds": 0}]) == 0


@pytest.mark.parametrize(("tolerations", "evicted_by"), [
    # pod tolerations (on top of the default not-ready/unreachable ones)   deleted after
    ([], 0.0),
    ([{"key": "dedicated", "operator": "Exists", "effect": "NoExecute",
       "tolerationSeconds": 20}], 20.0),
    ([{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}], None),
])
def test_a_pod_is_deleted_when_its_toleration_runs_out(admin: Client, kernel: Kernel,
                                                       tolerations: list[dict[str, Any]],
                                                       evicted_by: float | None) -> None:
    create_node(admin, node("node-1"))
    (tec,) = start(admin, kernel, TaintEvictionController)
    admin.create("pods", pod("web", node="node-1", tolerations=tolerations))
    kernel.run_for(1)
    admin.patch("nodes", "node-1", {"spec": {"taints": [T]}})
    t0 = kernel.now
    kernel.run_for(0.5)
    deleting = bool(admin.get("pods", "web", "default")["metadata"].get("deletionTimestamp"))
    assert deleting is (evicted_by == 0.0)
    if evicted_by:
        kernel.run(until=t0 + evicted_by - 0.5)
        assert not admin.get("pods", "web", "default")["metadata"].get("deletionTimestamp")
        kernel.run(until=t0 + evicted_by + 0.5)
        assert admin.get("pods", "web", "default")["metadata"].get("deletionTimestamp")
    kernel.run_for(60)
    evs = [e["message"] for e in events(admin, "TaintManagerEviction", "default")]
    assert evs == ([] if evicted_by is None else ["Marking for deletion Pod default/web"])
    assert tec.errors == []
