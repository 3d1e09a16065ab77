"""Go arithmetic, quantities and a pod's requests (``component-helpers/resource``)."""

from __future__ import annotations

from k8s_internals.scheduler.util import (
    DEFAULT_MEMORY_REQUEST,
    DEFAULT_MILLI_CPU_REQUEST,
    go_div,
    go_round,
    is_extended_resource_name,
    is_scalar_resource_name,
    more_important_pod,
    pod_requests,
    quantity_int,
)

from .helpers import make_pod


def test_go_arithmetic() -> None:
    assert [go_div(7, 2), go_div(-7, 2), go_div(7, -2)] == [3, -3, -3]
    assert [go_round(0.5), go_round(1.5), go_round(2.5), go_round(-0.5)] == [1, 2, 3, -1]
    assert go_round(0.49999999999999994) == 0


def test_quantities() -> None:
    assert quantity_int("cpu", "1") == 1000 and quantity_int("cpu", "0.1") == 100
    assert quantity_int("memory", "1Ki") == 1024 and quantity_int("memory", "1.5") == 2


def test_pod_requests_with_sidecars_and_overhead() -> None:
    pod = make_pod("p", {"cpu": "1"}, overhead={"cpu": "100m"}, initContainers=[
        {"name": "sidecar", "restartPolicy": "Always", "resources": {"requests": {"cpu": "1"}}},
        {"name": "init", "resources": {"requests": {"cpu": "3"}}}])
    # containers 1 + sidecar 1 = 2; init needs 3 + sidecar 1 = 4; max 4; overhead +100m
    assert pod_requests(pod) == {"cpu": 4100}


def test_non_missing_defaults() -> None:
    pod = make_pod("p", {"cpu": "200m"}, {})
    defaults = {"cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST}
    assert pod_requests(pod, defaults) == {"cpu": 300, "memory": 2 * DEFAULT_MEMORY_REQUEST}


def test_resource_names() -> None:
    assert is_extended_resource_name("example.com/gpu")
    assert not is_extended_resource_name("cpu") and not is_extended_resource_name(
        "kubernetes.io/foo")
    assert is_scalar_resource_name("hugepages-2Mi") and is_scalar_resource_name("nvidia.com/gpu")


def test_more_important_pod() -> None:
    a, b = make_pod("a", priority=10), make_pod("b", priority=1)
    assert more_important_pod(a, b) and not more_important_pod(b, a)
    a["status"]["startTime"] = "2025-01-01T00:00:00Z"
    b = make_pod("b", priority=10)
    b["status"]["startTime"] = "2025-01-01T00:01:00Z"
    assert more_important_pod(a, b)
