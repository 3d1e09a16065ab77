"""ProxyRules: a node's rules follow kube-proxy's syncs; curl hops are listed and drawn."""

from __future__ import annotations

from typing import Any

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.node.proxy import Hop, IptablesProxier, IpvsProxier, KubeProxy
from k8s_internals.sim import Kernel
from k8s_internals.widgets import ProxyRules
from tests.node.helpers import P80, ep, eps, port, svc

NODE_IP = "192.168.49.2"


def service(name: str = "kubia") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"app": name},
                     "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}


def endpoint_slice(name: str = "kubia", ip: str = "10.244.1.5") -> dict[str, Any]:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"{name}-abcde", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [ip], "conditions": {"ready": True},
                           "nodeName": "node-1", "targetRef": {"kind": "Pod", "name": name}}],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}


def proxiers() -> tuple[IptablesProxier, IpvsProxier]:
    services = [svc("default", "kubia", clusterIP="10.96.0.20", ports=[port("p80", 80)])]
    slices = [eps("default", "kubia", [ep("10.244.1.5", "node-1"), ep("10.244.2.6", "node-2")],
                  P80)]
    ipt, ipvs = IptablesProxier(), IpvsProxier()
    for p in (ipt, ipvs):
        p.sync(services, slices, "node-1", [NODE_IP], "10.244.0.0/16")
    return ipt, ipvs


def test_iptables_and_ipvs_text() -> None:
    ipt, ipvs = proxiers()
    view = ProxyRules({"node-1": ipt, "node-2": ipvs})
    assert view.node_names == ["node-1", "node-2"]
    text = view.to_text()
    assert text.startswith("node node-1 · kube-proxy mode iptables")
    assert "-A KUBE-SERVICES" in text and "KUBE-SVC-" in text
    view.show_node("node-2")
    assert "10.96.0.20:80 rr" in view.rules
    assert "kube-proxy mode ipvs" in view.to_html()


def test_hops_are_listed_and_drawn() -> None:
    ipt, _ = proxiers()
    view = ProxyRules({"node-1": ipt})
    hops = ipt.route("10.96.0.20", 80, src_ip="10.244.1.9")
    view.show_hops(hops, "curl http://10.96.0.20")
    text = view.to_text()
    assert " 1. [kernel interface] send: TCP 10.244.1.9 → 10.96.0.20:80" in text
    assert hops[-1].action == "deliver" and hops[-1].describe() in text
    html = view.to_html()
    assert "<svg" in html and "curl http://10.96.0.20" in html


def test_follows_kube_proxy_syncs(api: APIServer, admin: Client, kernel: Kernel) -> None:
    kp = KubeProxy(admin, kernel, "node-1", node_ips=[NODE_IP])
    kp.run()
    kernel.run_for(2)
    view = ProxyRules({"node-1": kp})
    view.widget  # noqa: B018 - displayed: refreshed as the kernel runs
    assert "KUBE-SVC-" not in view._rules.value
    admin.create("services", service(), "default")
    admin.create("endpointslices", endpoint_slice(), "default")
    kernel.run_for(3)  # kube-proxy's bounded-frequency runner syncs within a second
    assert "KUBE-SVC-" in view.rules
    kp.stop()


class FakeCluster:
    """``iptables_save(node)``, ``nodes()``, ``curl()`` and ``api``/``kernel`` — the Cluster
    surface — over one kube-proxy."""

    def __init__(self, api: APIServer, kp: KubeProxy) -> None:
        self.api, self.kernel, self.kp = api, api.kernel, kp
        self.curls: list[tuple[str, str]] = []

    def nodes(self) -> list[dict[str, Any]]:
        return [{"metadata": {"name": "node-1"}}]

    def iptables_save(self, node: str) -> str:
        return self.kp.iptables_save()

    def ipvsadm(self, node: str) -> str:
        return self.kp.ipvsadm()

    def curl(self, url: str, from_pod: str = "") -> list[Hop]:
        self.curls.append((url, from_pod))
        return [Hop("kernel", "socket", "send", "TCP 10.244.1.9 → 10.96.0.20:80"),
                Hop("kernel", "eth0", "deliver", "to 10.244.1.5:8080", dst="10.244.1.5:8080")]


def test_cluster_source_refreshes_after_service_writes(api: APIServer, admin: Client,
                                                       kernel: Kernel) -> None:
    kp = KubeProxy(admin, kernel, "node-1", node_ips=[NODE_IP])
    kp.run()
    kernel.run_for(2)
    cluster = FakeCluster(api, kp)
    view = ProxyRules(cluster)
    view.widget  # noqa: B018
    assert view.node == "node-1"
    admin.create("services", service(), "default")
    admin.create("endpointslices", endpoint_slice(), "default")
    kernel.call_later(4, lambda: None, name="tick")  # an event for the observer to see
    kernel.run_for(5)
    assert "KUBE-SVC-" in view._rules.value
    view._url.value = "http://kubia"
    view._from.value = "default/client"
    view._go.click()
    assert cluster.curls == [("http://kubia", "default/client")]
    assert "[kernel eth0] deliver: to 10.244.1.5:8080" in view._hops.value
    kp.stop()
