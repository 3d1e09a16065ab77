"""A curl's hops as a graph; the step chart as SVG text."""

from __future__ import annotations

from collections.abc import Callable

from k8s_internals.node.proxy import Hop
from k8s_internals.viz import hops_graph, step_chart, to_dot


def hops() -> list[Hop]:
    return [
        Hop("dns", "10.96.0.10:53", "query", "kubia.default.svc.cluster.local → 10.96.0.20"),
        Hop("kernel", "socket", "send", "TCP 10.244.1.2 → 10.96.0.20:80",
            src="10.244.1.2", dst="10.96.0.20:80"),
        Hop("iptables", "nat/KUBE-SVC-ABC", "random", "1 of 2",
            rule="-A KUBE-SVC-ABC -m statistic --mode random --probability 0.5 -j KUBE-SEP-X",
            src="10.244.1.2", dst="10.96.0.20:80"),
        Hop("iptables", "nat/KUBE-SEP-X", "dnat", "10.96.0.20:80 → 10.244.2.5:8080",
            src="10.244.1.2", dst="10.244.2.5:8080"),
        Hop("kernel", "eth0", "deliver", "to 10.244.2.5:8080", src="10.244.1.2",
            dst="10.244.2.5:8080"),
    ]


def test_hops_snapshot(snapshot: Callable[[str, str], None]) -> None:
    snapshot("hops_curl", to_dot(hops_graph(hops(), title="curl http://kubia")))


def test_hops_from_a_result_object_and_empty() -> None:
    class Result:
        def __init__(self) -> None:
            self.hops = hops()

    assert to_dot(hops_graph(Result())) == to_dot(hops_graph(hops()))
    assert "no hops" in to_dot(hops_graph([]))
    dropped = to_dot(hops_graph([Hop("iptables", "filter/KUBE-SERVICES", "reject",
                                     "no endpoints")]))
    assert "#f8d7da" in dropped


def test_step_chart_is_deterministic_svg() -> None:
    series = {"old desired": [(0.0, 3), (10.0, 2), (20.0, 0)],
              "new desired": [(10.0, 1), (20.0, 3)]}
    a = step_chart(series, until=30.0, dashed=["new desired"], title="web")
    assert a == step_chart(series, until=30.0, dashed=["new desired"], title="web")
    assert a.startswith("<svg") and a.endswith("</svg>")
    assert 'stroke-dasharray="4,3"' in a and "old desired" in a and "t=30s" in a
    assert "<path" in a
