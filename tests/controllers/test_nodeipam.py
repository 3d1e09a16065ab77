"""Node IPAM: pod CIDRs from --cluster-cidr 10.244.0.0/16 with /24 node masks, in order."""

from __future__ import annotations

import ipaddress

import pytest

from k8s_internals.client.client import Client
from k8s_internals.controllers.nodeipam import (
    CIDRRangeNoCIDRsRemainingError,
    CidrSet,
    NodeIpamController,
)
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS
from tests.controllers.kcm_helpers import events, node, start


@pytest.fixture
def backend() -> str:
    return "memory"


def _cidrs(admin: Client) -> dict[str, list[str]]:
    return {n["metadata"]["name"]: n.get("spec", {}).get("podCIDRs", [])
            for n in admin.list("nodes")["items"]}


@pytest.mark.parametrize("backend", BACKENDS)
def test_nodes_get_pod_cidrs_in_order(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, NodeIpamController)
    for i in range(3):
        admin.create("nodes", node(f"node-{i}", ready=None))
        kernel.run_for(0.1)
    assert _cidrs(admin) == {"node-0": ["10.244.0.0/24"], "node-1": ["10.244.1.0/24"],
                             "node-2": ["10.244.2.0/24"]}
    assert admin.get("nodes", "node-2")["spec"]["podCIDR"] == "10.244.2.0/24"


@pytest.mark.parametrize(("existing", "created", "expected"), [
    # CIDRs already on nodes at start   new nodes        what they get
    ({}, ["a", "b"], {"a": "10.244.0.0/24", "b": "10.244.1.0/24"}),
    ({"old": "10.244.1.0/24"}, ["a", "b"], {"a": "10.244.0.0/24", "b": "10.244.2.0/24"}),
    ({"old": "10.244.0.0/24"}, ["a"], {"a": "10.244.1.0/24"}),
])
def test_existing_cidrs_are_occupied_at_start(admin: Client, kernel: Kernel,
                                              existing: dict[str, str], created: list[str],
                                              expected: dict[str, str]) -> None:
    for name, cidr in existing.items():
        admin.create("nodes", node(name, ready=None, pod_cidr=cidr))
    start(admin, kernel, NodeIpamController)
    for name in created:
        admin.create("nodes", node(name, ready=None))
        kernel.run_for(0.1)
    got = _cidrs(admin)
    assert {n: got[n][0] for n in created} == expected


def test_a_released_cidr_is_reused_only_after_the_rest(admin: Client, kernel: Kernel) -> None:
    (ctrl,) = start(admin, kernel, NodeIpamController,
                    cluster_cidrs=("10.244.0.0/22",))  # four /24 blocks
    for name in ("a", "b", "c"):
        admin.create("nodes", node(name, ready=None))
        kernel.run_for(0.1)
    admin.delete("nodes", "a")
    kernel.run_for(0.1)
    for name in ("d", "e"):
        admin.create("nodes", node(name, ready=None))
        kernel.run_for(0.1)
    got = _cidrs(admin)
    assert (got["d"], got["e"]) == (["10.244.3.0/24"], ["10.244.0.0/24"])
    assert ctrl.cidr_sets[0].allocated_cidrs == 4


def test_an_exhausted_range_records_cidr_not_available(admin: Client, kernel: Kernel) -> None:
    (ctrl,) = start(admin, kernel, NodeIpamController, cluster_cidrs=("10.244.0.0/23",))
    for name in ("a", "b", "c"):
        admin.create("nodes", node(name, ready=None))
        kernel.run_for(0.1)
    assert _cidrs(admin)["c"] == []
    (ev,) = events(admin, "CIDRNotAvailable")
    assert ev["type"] == "Warning" and ev["source"]["component"] == "cidrAllocator"
    assert ev["message"] == "Node c status is now: CIDRNotAvailable"
    assert ev["involvedObject"]["kind"] == "Node" and ev["involvedObject"]["name"] == "c"
    assert "there are no remaining CIDRs left to allocate" in ctrl.errors[-1][1]
    admin.delete("nodes", "a")  # frees 10.244.0.0/24; the retry (with backoff) takes it
    kernel.run_for(2)
    assert _cidrs(admin)["c"] == ["10.244.0.0/24"]


@pytest.mark.parametrize(("cluster", "mask", "service", "first_three"), [
    ("10.244.0.0/16", 24, None, ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]),
    ("10.244.0.0/16", 26, None, ["10.244.0.0/26", "10.244.0.64/26", "10.244.0.128/26"]),
    ("10.0.0.0/16", 24, "10.0.0.0/23", ["10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24"]),
    ("fd00:10:244::/56", 64, None, ["fd00:10:244::/64", "fd00:10:244:1::/64",
                                    "fd00:10:244:2::/64"]),
])
def test_cidr_set_allocates_blocks_in_order(cluster: str, mask: int, service: str | None,
                                            first_three: list[str]) -> None:
    s = CidrSet(cluster, mask)
    if service:
        s.occupy(ipaddress.ip_network(service))  # filterOutServiceRange
    assert [str(s.allocate_next()) for _ in range(3)] == first_three


def test_cidr_set_exhaustion_and_occupy_are_idempotent() -> None:
    s = CidrSet("10.244.0.0/23", 24)
    s.occupy(ipaddress.ip_network("10.244.1.0/24"))
    s.occupy(ipaddress.ip_network("10.244.1.0/24"))
    assert s.allocated_cidrs == 1
    assert str(s.allocate_next()) == "10.244.0.0/24"
    with pytest.raises(CIDRRangeNoCIDRsRemainingError, match="no remaining CIDRs"):
        s.allocate_next()
    with pytest.raises(ValueError, match="out the range"):
        s.occupy(ipaddress.ip_network("10.245.0.0/24"))
