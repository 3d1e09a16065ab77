"""NodeInfo bookkeeping and the FitError message (``types_test.go``,
``schedule_one_test.go``)."""

from __future__ import annotations

from k8s_internals.scheduler.framework.interface import Code, Status
from k8s_internals.scheduler.framework.types import (
    Diagnosis,
    FitError,
    NodeInfo,
    NodeToStatus,
    Resource,
)

from .helpers import make_node, make_pod

UNRESOLVABLE = Code.UnschedulableAndUnresolvable


def test_node_info_requests_and_non_zero() -> None:
    ni = NodeInfo(make_node("n1", {"cpu": "4", "memory": "8Gi", "pods": "110"}))
    g0 = ni.generation
    ni.add_pod(make_pod("a", {"cpu": "500m", "memory": "1Gi"}, node="n1"))
    ni.add_pod(make_pod("b", node="n1", images=["nginx"]))   # no requests: 100m / 200Mi
    assert ni.generation > g0
    assert (ni.requested.milli_cpu, ni.requested.memory) == (500, 1024**3)
    assert (ni.non_zero_requested.milli_cpu, ni.non_zero_requested.memory) == \
        (600, 1024**3 + 200 * 1024**2)
    assert ni.allocatable == Resource(4000, 8 * 1024**3, 0, 110)
    ni.remove_pod(make_pod("a", node="n1"))
    assert ni.requested.milli_cpu == 0 and len(ni.pods) == 1


def test_remove_missing_pod() -> None:
    ni = NodeInfo(make_node("n1"))
    try:
        ni.remove_pod(make_pod("x"))
    except KeyError as e:
        assert e.args[0] == "no corresponding pod x in pods of node n1"
    else:
        raise AssertionError("expected KeyError")


def _fit(statuses: dict[str, Status], total: int, **diag: str) -> str:
    d = Diagnosis(NodeToStatus(dict(statuses)), **diag)  # type: ignore[arg-type]
    return str(FitError(make_pod("p"), total, d))


def test_fit_error_histogram_sorted_by_text() -> None:
    # Go's sort.Strings on "<count> <reason>": byte order ("10 ..." sorts before "2 ...")
    statuses = {f"n{i}": Status(Code.Unschedulable, "Insufficient cpu") for i in range(10)}
    statuses |= {f"t{i}": Status(UNRESOLVABLE, "node(s) had untolerated taint(s)")
                 for i in range(2)}
    assert _fit(statuses, 12) == ("0/12 nodes are available: 10 Insufficient cpu, 2 node(s) "
                                  "had untolerated taint(s).")


def test_fit_error_multiple_reasons_per_node() -> None:
    statuses = {"n1": Status(Code.Unschedulable, "Insufficient cpu", "Insufficient memory"),
                "n2": Status(Code.Unschedulable, "Insufficient memory")}
    assert _fit(statuses, 2) == \
        "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory."


def test_fit_error_prefilter_message_replaces_the_histogram() -> None:
    d = Diagnosis(NodeToStatus({}, Status(UNRESOLVABLE, "pod has unbound immediate "
                                          "PersistentVolumeClaims")),
                  pre_filter_msg="pod has unbound immediate PersistentVolumeClaims",
                  post_filter_msg="preemption: 0/3 nodes are available: 3 Preemption is not "
                                  "helpful for scheduling.")
    assert str(FitError(make_pod("p"), 3, d)) == (
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def test_fit_error_counts_absent_nodes() -> None:
    # a PreFilterResult kept one node; the two others count with the absent status
    nts = NodeToStatus({"n1": Status(Code.Unschedulable, "FakeFilter failed")},
                       Status(UNRESOLVABLE, "node(s) didn't satisfy plugin(s) [FakePreFilter2 "
                                            "FakePreFilter3] simultaneously"))
    assert str(FitError(make_pod("p"), 3, Diagnosis(nts))) == (
        "0/3 nodes are available: 1 FakeFilter failed, 2 node(s) didn't satisfy plugin(s) "
        "[FakePreFilter2 FakePreFilter3] simultaneously.")


def test_nodes_for_status_code() -> None:
    nodes = [NodeInfo(make_node(n)) for n in ("a", "b", "c")]
    nts = NodeToStatus({"a": Status(Code.Unschedulable), "b": Status(UNRESOLVABLE)})
    assert [n.name for n in nts.nodes_for_status_code(nodes, Code.Unschedulable)] == ["a"]
    nts = NodeToStatus({"b": Status(UNRESOLVABLE)}, Status(Code.Unschedulable))
    assert [n.name for n in nts.nodes_for_status_code(nodes, Code.Unschedulable)] == ["a", "c"]
