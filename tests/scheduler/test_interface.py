"""Status codes and messages, cluster event matching, PreFilterResult merging."""

from __future__ import annotations

from k8s_internals.scheduler.framework.interface import (
    ActionType,
    ClusterEvent,
    Code,
    EventResource,
    PreFilterResult,
    Status,
    as_status,
    is_success,
)


def test_codes_and_status() -> None:
    assert [c.name for c in Code] == ["Success", "Error", "Unschedulable",
                                      "UnschedulableAndUnresolvable", "Wait", "Skip", "Pending"]
    s = Status(Code.Unschedulable, "a", "b", plugin="P")
    assert s.message() == "a, b" and s.is_rejected() and not s.is_success()
    assert is_success(None) and not is_success(s)
    e = as_status(ValueError("boom"))
    assert e.code == Code.Error and e.message() == "boom"
    assert Status(Code.Skip).as_error() is None


def test_cluster_event_matching() -> None:
    registered = ClusterEvent(EventResource.Node, ActionType.Add | ActionType.UpdateNodeLabel)
    assert registered.matches(ClusterEvent(EventResource.Node, ActionType.Add))
    assert registered.matches(ClusterEvent(EventResource.Node, ActionType.UpdateNodeLabel))
    assert not registered.matches(ClusterEvent(EventResource.Node, ActionType.UpdateNodeTaint))
    # a general Update only matches registrations of the general Update
    assert not registered.matches(ClusterEvent(EventResource.Node, ActionType.Update))
    pod = ClusterEvent(EventResource.Pod, ActionType.Delete)
    assert pod.matches(ClusterEvent(EventResource.AssignedPod, ActionType.Delete))
    wildcard = ClusterEvent(EventResource.WildCard, ActionType.All)
    assert wildcard.matches(ClusterEvent(EventResource.PersistentVolume, ActionType.Add))
    assert ClusterEvent(EventResource.Node, ActionType.Add).label() == "NodeAdd"


def test_pre_filter_result_merge() -> None:
    a = PreFilterResult({"n1", "n2"})
    assert a.merge(None).node_names == {"n1", "n2"}
    assert PreFilterResult().merge(a).node_names == {"n1", "n2"}
    assert a.merge(PreFilterResult({"n2", "n3"})).node_names == {"n2"}
