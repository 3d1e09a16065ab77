"""``NodeResourcesFit`` Filter: every insufficient resource is reported, in upstream's order
(``fit_test.go`` ``TestEnoughRequests``), with Unschedulable unless the request exceeds the
node's whole allocatable."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.framework.cycle_state import CycleState
from k8s_internals.scheduler.plugins.noderesources import fit

from ...helpers import FakeHandle, codes, make_node, make_pod, messages, run_filter

EXT_A = "example.com/aaa"


def _node(**cap: object) -> dict:
    # makeAllocatableResources(10, 20, 32, 5, 20, 5) style: cpu 10 (milli), memory 20, pods 32
    base = {"cpu": "10m", "memory": "20", "pods": "32", "ephemeral-storage": "20", EXT_A: "5"}
    base.update({k: str(v) for k, v in cap.items()})
    return make_node("machine1", base)


@pytest.mark.parametrize(("name", "pod_reqs", "existing", "want_code", "want_reasons"), [
    ("no resources requested always fits", [], [{"cpu": "10m", "memory": "20"}],
     "Success", []),
    ("too many resources fails",
     [{"cpu": "1m", "memory": "1"}], [{"cpu": "10m", "memory": "20"}],
     "Unschedulable", ["Insufficient cpu", "Insufficient memory"]),
    ("too many resources fails due to init container cpu",
     [{"cpu": "1m", "memory": "1"}], [{"cpu": "8m", "memory": "19"}], "Success", []),
    ("equal edge case", [{"cpu": "5m", "memory": "5"}], [{"cpu": "5m", "memory": "15"}],
     "Success", []),
    ("one resource memory fits", [{"cpu": "2m", "memory": "1"}],
     [{"cpu": "9m", "memory": "5"}], "Unschedulable", ["Insufficient cpu"]),
    ("extended resource fits", [{EXT_A: "1"}], [], "Success", []),
    ("extended resource capacity enforced", [{EXT_A: "10"}], [],
     "UnschedulableAndUnresolvable", [f"Insufficient {EXT_A}"]),
    ("ephemeral storage", [{"ephemeral-storage": "25"}], [],
     "UnschedulableAndUnresolvable", ["Insufficient ephemeral-storage"]),
    ("request exceeds the whole node: unresolvable", [{"cpu": "11m"}], [],
     "UnschedulableAndUnresolvable", ["Insufficient cpu"]),
])
def test_enough_requests(name: str, pod_reqs: list, existing: list, want_code: str,
                         want_reasons: list[str]) -> None:
    node = _node()
    handle = FakeHandle([node], [make_pod(f"e{i}", r, node="machine1")
                                 for i, r in enumerate(existing)])
    st = run_filter(fit.new(None, handle), make_pod("p", *pod_reqs), handle)
    assert codes(st) == {"machine1": want_code}
    assert messages(st)["machine1"] == ", ".join(want_reasons)


def test_too_many_pods_comes_first() -> None:
    node = make_node("n1", {"cpu": "1", "memory": "1Gi", "pods": "1"})
    handle = FakeHandle([node], [make_pod("e", {"cpu": "1"}, node="n1")])
    st = run_filter(fit.new(None, handle), make_pod("p", {"cpu": "500m"}), handle)
    assert messages(st) == {"n1": "Too many pods, Insufficient cpu"}


def test_ignored_resources() -> None:
    handle = FakeHandle([_node()])
    pod = make_pod("p", {EXT_A: "10"})
    plugin = fit.new({"ignoredResources": [EXT_A]}, handle)
    assert run_filter(plugin, pod, handle) == {"machine1": None}
    plugin = fit.new({"ignoredResourceGroups": ["example.com"]}, handle)
    assert run_filter(plugin, pod, handle) == {"machine1": None}


def test_filter_without_prefilter_is_an_error() -> None:
    handle = FakeHandle([_node()])
    st = fit.new(None, handle).filter(CycleState(), make_pod("p"), handle.node_infos()[0])
    assert st is not None and st.code.name == "Error"
    assert st.message() == 'error reading "PreFilterNodeResourcesFit" from cycleState: not found'


def test_compute_pod_resource_request_init_containers_and_overhead() -> None:
    # containers 1 + 2 cpu; init containers 2 and 4 -> max(3, 4) = 4; overhead +500m
    pod = make_pod("p", {"cpu": "1"}, {"cpu": "2"}, overhead={"cpu": "500m"},
                   initContainers=[{"name": "i1", "resources": {"requests": {"cpu": "2"}}},
                                   {"name": "i2", "resources": {"requests": {"cpu": "4"}}}])
    assert fit.compute_pod_resource_request(pod).milli_cpu == 4500
