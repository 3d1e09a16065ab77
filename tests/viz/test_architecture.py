"""The architecture diagram: every component, edges into the API server, highlights."""

from __future__ import annotations

from collections.abc import Callable

from k8s_internals.viz import architecture, component_of, to_dot, to_svg
from k8s_internals.viz.architecture import touched_components

from .helpers import flow, trace


def test_plain_diagram_snapshot(snapshot: Callable[[str, str], None]) -> None:
    snapshot("architecture_plain", to_dot(architecture(["node-2", "node-1"])))


def test_flow_highlight_snapshot(snapshot: Callable[[str, str], None]) -> None:
    g = architecture(["node-1", "node-2"], traces=flow(), title="kubectl create deployment web")
    snapshot("architecture_flow", to_dot(g))


def test_only_the_api_server_talks_to_etcd() -> None:
    dot = to_dot(architecture(["node-1"]))
    edges = [ln.strip() for ln in dot.splitlines() if "->" in ln]
    into_etcd = [e for e in edges if e.split("->")[1].strip().startswith("etcd")]
    assert len(into_etcd) == 1 and into_etcd[0].startswith('"kube-apiserver" -> etcd')
    # every other component is a client of the API server
    assert sum('-> "kube-apiserver"' in e for e in edges) == 1 + 2 + 2  # kubectl, kcm, sched, 2


def test_highlight_by_name_and_shared_kube_proxy_identity() -> None:
    dot = to_dot(architecture(["node-1", "node-2"], highlight=["kube-proxy"]))
    for n in ("node-1", "node-2"):
        line = next(ln for ln in dot.splitlines() if ln.strip().startswith(f'"kube-proxy/{n}" ['))
        assert "penwidth=3" in line
    sched = next(ln for ln in dot.splitlines() if ln.strip().startswith('"kube-scheduler" ['))
    assert "penwidth=1" in sched


def test_counts_from_traces() -> None:
    requests, notices, wrote = touched_components(flow(), ["node-1", "node-2"])
    assert requests["kube-controller-manager"] == 3
    assert requests["kube-scheduler"] == 2
    assert requests["kubelet/node-1"] == 2 and requests["kubelet/node-2"] == 2
    assert notices["kube-scheduler"] == 2 and notices["kubelet/node-1"] == 1
    assert wrote
    dot = to_dot(architecture(["node-1", "node-2"], traces=flow()))
    assert "3 requests" in dot and "2 watch events" in dot


def test_read_only_traces_do_not_light_etcd() -> None:
    g = architecture(["node-1"], traces=[trace("req-1", "alice", "list", "pods", code=200)])
    etcd = next(ln for ln in to_dot(g).splitlines() if ln.strip().startswith("etcd ["))
    assert "penwidth=1" in etcd


def test_component_of() -> None:
    assert component_of("system:serviceaccount:kube-system:generic-garbage-collector") == \
        "kube-controller-manager"
    assert component_of("deployment-controller") == "kube-controller-manager"
    assert component_of("system:kube-scheduler") == "kube-scheduler"
    assert component_of("system:node:node-3") == "kubelet/node-3"
    assert component_of("kubelet/node-3") == "kubelet/node-3"
    assert component_of("system:kube-proxy") == "kube-proxy"
    assert component_of("kube-proxy/node-1") == "kube-proxy/node-1"
    assert component_of("system:serviceaccount:kube-system:kube-proxy") == "kube-proxy"
    assert component_of("system:serviceaccount:kube-system:coredns") == "coredns"
    assert component_of("system:serviceaccount:kube-system:pod-garbage-collector") == \
        "kube-controller-manager"
    assert component_of("system:apiserver") == "kube-apiserver"
    assert component_of("kubernetes-admin") == "kubectl"
    assert component_of("alice") == "kubectl"


def test_svg_is_stable() -> None:
    g = architecture(["node-1"], highlight=["etcd"])
    a, b = to_svg(g), to_svg(architecture(["node-1"], highlight=["etcd"]))
    assert a == b and "<svg" in a and "kube&#45;apiserver" in a


def test_nodes_as_objects() -> None:
    objs = [{"metadata": {"name": "node-2"}}, {"metadata": {"name": "node-1"}}]
    assert to_dot(architecture(objs)) == to_dot(architecture(["node-1", "node-2"]))
