"""kube-proxy's IPVS mode: virtual servers, ``ipvsadm -Ln`` text, round robin."""

from __future__ import annotations

import random

from k8s_internals.node.proxy.ipvs import IpvsProxier, glibc_qsort
from k8s_internals.node.proxy.types import destination

from .helpers import ep, eps, port, svc

NODE = "minikube"
NODE_IP = "192.168.49.2"
POD_CIDR = "10.244.0.0/16"

SERVICES = [
    svc("default", "kubernetes", clusterIP="10.96.0.1", ports=[port("https", 443)]),
    svc("kube-system", "kube-dns", clusterIP="10.96.0.10",
        ports=[port("dns", 53, "UDP"), port("dns-tcp", 53), port("metrics", 9153)]),
    svc("default", "kubia", type="NodePort", clusterIP="10.96.100.50",
        ports=[port("http", 80, nodePort=30080)], sessionAffinity="ClientIP",
        sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10800}}),
    svc("default", "empty", clusterIP="10.96.7.7", ports=[port("", 80)]),
]
SLICES = [
    eps("default", "kubernetes", [ep(NODE_IP)], [port("https", 8443)]),
    eps("kube-system", "kube-dns", [ep("10.244.0.2", NODE), ep("10.244.0.3", NODE)],
        [port("dns", 53, "UDP"), port("dns-tcp", 53), port("metrics", 9153)]),
    eps("default", "kubia", [ep("10.244.1.5", "n1"), ep("10.244.2.7", "n2"),
                             ep("10.244.1.12", "n1")], [port("http", 8080)]),
]

# ipvsadm pads every column (%-28s %-7s %-6d %-10u %-10u), trailing spaces included
RS = "  -> {:<28} Masq    1      0          0         "
EXPECTED = "\n".join([
    "IP Virtual Server version 1.2.1 (size=4096)",
    "Prot LocalAddress:Port Scheduler Flags",
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
    # libipvs compares addresses as (int)(a - b): 192.168.x.x - 10.x.x.x wraps negative
    "TCP  192.168.49.2:30080 rr persistent 10800",
    RS.format("10.244.1.5:8080"), RS.format("10.244.1.12:8080"), RS.format("10.244.2.7:8080"),
    "TCP  10.96.0.1:443 rr",
    RS.format("192.168.49.2:8443"),
    "TCP  10.96.0.10:53 rr",
    RS.format("10.244.0.2:53"), RS.format("10.244.0.3:53"),
    "TCP  10.96.0.10:9153 rr",
    RS.format("10.244.0.2:9153"), RS.format("10.244.0.3:9153"),
    "TCP  10.96.7.7:80 rr",
    "TCP  10.96.100.50:80 rr persistent 10800",
    RS.format("10.244.1.5:8080"), RS.format("10.244.1.12:8080"), RS.format("10.244.2.7:8080"),
    "UDP  10.96.0.10:53 rr",
    RS.format("10.244.0.2:53"), RS.format("10.244.0.3:53"),
]) + "\n"


def proxier() -> IpvsProxier:
    p = IpvsProxier(rng=random.Random(0))
    p.sync(SERVICES, SLICES, NODE, [NODE_IP], POD_CIDR)
    return p


def test_ipvsadm_ln_text() -> None:
    text = proxier().ipvsadm()
    assert text == EXPECTED
    # the real-server line layout, character by character
    line = "  -> 10.244.0.2:53                Masq    1      0          0         "
    assert line in text.splitlines()


def test_glibc_qsort_is_a_stable_merge_sort() -> None:
    items = [(3, "a"), (1, "b"), (3, "c"), (2, "d"), (1, "e")]
    out = glibc_qsort(items, lambda x, y: x[0] - y[0])
    assert out == sorted(items, key=lambda x: x[0])


def test_cluster_ips_are_bound_to_kube_ipvs0_and_sets_filled() -> None:
    p = proxier()
    show = p.ip_addr_show()
    assert show.splitlines()[0].startswith("5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500")
    for ip in ("10.96.0.1", "10.96.0.10", "10.96.100.50", "10.96.7.7"):
        assert f"    inet {ip}/32 scope global kube-ipvs0" in show
    assert NODE_IP not in p.bound_addresses  # node ports use the node's own address
    assert p.ipsets["KUBE-CLUSTER-IP"] == ["10.96.0.1,tcp:443", "10.96.0.10,tcp:53",
                                           "10.96.0.10,tcp:9153", "10.96.0.10,udp:53",
                                           "10.96.100.50,tcp:80", "10.96.7.7,tcp:80"]
    assert p.ipsets["KUBE-NODE-PORT-TCP"] == ["30080"]
    assert "10.244.0.2,udp:53,10.244.0.2" in p.ipsets["KUBE-LOOP-BACK"]
    assert "Name: KUBE-CLUSTER-IP\nType: hash:ip,port\n" in p.ipset_list()


def test_round_robin_walks_the_real_servers() -> None:
    p = proxier()
    got = [destination(p.route("10.96.0.10", 53, "UDP", "10.244.0.9")) for _ in range(4)]
    assert got == ["10.244.0.2:53", "10.244.0.3:53", "10.244.0.2:53", "10.244.0.3:53"]
    hops = p.route("10.96.0.10", 53, "UDP", "10.244.0.9")
    assert [h.action for h in hops] == ["send", "local", "match", "schedule", "deliver"]
    assert hops[2].where == "UDP  10.96.0.10:53 rr"
    assert hops[3].describe() == ("[ipvs UDP  10.96.0.10:53 rr] schedule: rr → 10.244.0.2:53 "
                                  "(Masq, weight 1)")
    assert hops[-1].src == "10.244.0.9"  # pod → cluster IP keeps its source


def test_persistence_keeps_a_client_on_one_real_server() -> None:
    p = proxier()
    first = destination(p.route("10.96.100.50", 80, "TCP", "10.244.0.9", now=0))
    again = {destination(p.route("10.96.100.50", 80, "TCP", "10.244.0.9", now=t))
             for t in (10, 100, 1000)}
    assert again == {first}
    other = destination(p.route("10.96.100.50", 80, "TCP", "10.244.0.8", now=5))
    assert other != first  # a new client gets the next server in rr order
    # a node port from outside is masqueraded to the node's address
    hops = p.route(NODE_IP, 30080, "TCP", "203.0.113.5")
    assert hops[-2].action == "masquerade" and hops[-1].src == NODE_IP


def test_no_real_servers_refuses_and_unknown_addresses_pass_through() -> None:
    p = proxier()
    hops = p.route("10.96.7.7", 80, "TCP", "10.244.0.9")
    assert hops[-1].action == "reject" and destination(hops) is None
    hops = p.route("10.244.2.7", 8080, "TCP", "10.244.0.9")
    assert destination(hops) == "10.244.2.7:8080"
    assert "no IPVS virtual server" in hops[-1].detail


def test_local_traffic_policy_uses_node_local_endpoints() -> None:
    p = IpvsProxier()
    p.sync([svc("default", "web", type="NodePort", clusterIP="10.96.5.5",
                externalTrafficPolicy="Local", ports=[port("http", 80, nodePort=30100)])],
           [eps("default", "web", [ep("10.244.1.5", "n1"), ep("10.244.2.7", "n2")],
                [port("http", 8080)])], "n1", ["192.168.49.3"], POD_CIDR)
    vs = {v.kind: [r.key for r in v.real_servers] for v in p.virtual_servers.values()}
    assert vs == {"ClusterIP": ["10.244.1.5:8080", "10.244.2.7:8080"],
                  "NodePort": ["10.244.1.5:8080"]}
