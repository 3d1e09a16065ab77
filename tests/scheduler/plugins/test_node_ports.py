"""``NodePorts`` (``node_ports_test.go``): host ports conflict per (ip, protocol, port), and
0.0.0.0 conflicts with every ip."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.framework.interface import Code
from k8s_internals.scheduler.framework.types import HostPortInfo
from k8s_internals.scheduler.plugins import node_ports

from ..helpers import FakeHandle, make_node, make_pod, messages, run_filter


def _pod(name: str, *ports: tuple[str, str, int], node: str = "") -> dict:
    pod = make_pod(name, node=node)
    pod["spec"]["containers"] = [{"name": "c", "image": "pause", "ports": [
        {"containerPort": p, "hostPort": p, "protocol": proto, "hostIP": ip}
        for proto, ip, p in ports]}]
    return pod


@pytest.mark.parametrize(("want", "existing", "fits"), [
    ([], [], True),
    ([("UDP", "127.0.0.1", 8080)], [("UDP", "127.0.0.1", 9090)], True),
    ([("UDP", "127.0.0.1", 8080)], [("UDP", "127.0.0.1", 8080)], False),
    ([("TCP", "127.0.0.1", 8080)], [("UDP", "127.0.0.1", 8080)], True),
    ([("TCP", "127.0.0.1", 8001), ("UDP", "127.0.0.1", 8080)],
     [("TCP", "127.0.0.1", 8001), ("UDP", "127.0.0.1", 8081)], False),
    ([("UDP", "127.0.0.1", 8001)], [("UDP", "0.0.0.0", 8001)], False),
    ([("TCP", "0.0.0.0", 8001)], [("TCP", "127.0.0.1", 8001)], False),
    ([("TCP", "10.0.10.10", 8001)], [("TCP", "127.0.0.1", 8001)], True),
])
def test_node_ports(want: list, existing: list, fits: bool) -> None:
    handle = FakeHandle([make_node("n1")], [_pod("e", *existing, node="n1")])
    st = run_filter(node_ports.new(None, handle), _pod("p", *want), handle)
    assert messages(st) == {"n1": "" if fits else
                            "node(s) didn't have free ports for the requested pod ports"}
    if not fits:
        assert st["n1"] is not None and st["n1"].code == Code.Unschedulable


def test_prefilter_skips_pods_without_host_ports() -> None:
    handle = FakeHandle([make_node("n1")])
    from k8s_internals.scheduler.framework.cycle_state import CycleState

    _, st = node_ports.new(None, handle).pre_filter(CycleState(), make_pod("p"), [])
    assert st is not None and st.is_skip()


def test_host_port_info() -> None:
    h = HostPortInfo()
    h.add("", "", 80)
    assert h.check_conflict("127.0.0.1", "TCP", 80)
    h.remove("0.0.0.0", "TCP", 80)
    assert not h and h.len() == 0
