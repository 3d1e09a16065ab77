"""host-local IPAM and the bridge plugin: addresses from the node's pod CIDR."""

from __future__ import annotations

import pytest

from k8s_internals.node.cni import CNI_NOT_INITIALIZED, BridgeNetwork, HostLocalIPAM, IPAMError


def test_the_gateway_is_dot_one_and_pods_start_at_dot_two() -> None:
    ipam = HostLocalIPAM("10.244.1.0/24")
    assert str(ipam.gateway) == "10.244.1.1"
    assert [ipam.allocate(f"c{i}") for i in range(3)] == [
        "10.244.1.2/24", "10.244.1.3/24", "10.244.1.4/24"]
    assert ipam.range_set == "10.244.1.1-10.244.1.254"


def test_allocation_is_round_robin_after_a_release() -> None:
    ipam = HostLocalIPAM("10.244.1.0/24")
    ipam.allocate("a")
    ipam.allocate("b")
    assert ipam.release("a") == "10.244.1.2"
    assert ipam.allocate("c") == "10.244.1.4/24"  # .2 is reused only after a wrap-around
    assert ipam.allocate("b") == "10.244.1.3/24"  # idempotent for the same container


def test_an_exhausted_range_fails_with_host_locals_message() -> None:
    ipam = HostLocalIPAM("10.244.1.0/30")  # .1 gateway, .2 the only pod address
    assert ipam.allocate("a") == "10.244.1.2/30"
    with pytest.raises(IPAMError, match=r"no IP addresses available in range set: "
                                        r"10\.244\.1\.1-10\.244\.1\.2"):
        ipam.allocate("b")
    ipam.release("a")
    assert ipam.allocate("b") == "10.244.1.2/30"


def test_the_bridge_needs_a_pod_cidr_first() -> None:
    net = BridgeNetwork("node-1")
    assert not net.ready
    with pytest.raises(IPAMError, match="cni plugin not initialized"):
        net.add("sandbox-1", "default/web")
    assert CNI_NOT_INITIALIZED in net.describe()


def test_cni_add_returns_a_veth_pair_and_an_address() -> None:
    net = BridgeNetwork("node-1")
    assert net.configure("10.244.1.0/24")
    att = net.add("sandbox-1", "default/web")
    assert att.ip == "10.244.1.2" and att.host_veth.startswith("veth")
    assert att.result["ips"] == [{"address": "10.244.1.2/24", "gateway": "10.244.1.1",
                                  "interface": 2}]
    assert [i["name"] for i in att.result["interfaces"]] == ["cni0", att.host_veth, "eth0"]
    assert net.conflist()["plugins"][0]["ipam"]["ranges"] == [[{"subnet": "10.244.1.0/24"}]]
    text = net.describe()
    assert "cni0: bridge 10.244.1.1/24" in text and "eth0 10.244.1.2/24" in text
    net.delete("sandbox-1")
    net.delete("sandbox-1")  # CNI DEL is idempotent
    assert net.ipam is not None and not net.ipam.allocated
