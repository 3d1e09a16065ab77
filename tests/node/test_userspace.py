"""The historical userspace proxy mode (removed in Kubernetes 1.26)."""

from __future__ import annotations

import random

import k8s_internals.node.proxy.userspace as userspace_module
from k8s_internals.node.proxy.types import destination
from k8s_internals.node.proxy.userspace import EPHEMERAL_PORTS, UserspaceProxier, save_string

from .helpers import ep, eps, port, svc

NODE_IP = "192.168.49.2"
KUBIA = svc("default", "kubia", type="NodePort", clusterIP="10.96.100.50",
            ports=[port("http", 80, nodePort=30080)], externalIPs=["192.168.99.11"])
EMPTY = svc("default", "empty", clusterIP="10.96.7.7", ports=[port("", 80)])
ENDPOINTS = ["10.244.1.5", "10.244.2.7", "10.244.1.12"]
SLICE = eps("default", "kubia", [ep(ip) for ip in ENDPOINTS], [port("http", 8080)])


def proxier(seed: int = 0) -> UserspaceProxier:
    p = UserspaceProxier(rng=random.Random(seed))
    p.sync([KUBIA, EMPTY], [SLICE], "node-1", [NODE_IP], "10.244.0.0/16")
    return p


def test_docstring_says_it_is_the_historical_mode() -> None:
    doc = userspace_module.__doc__ or ""
    assert "removed in Kubernetes 1.26" in doc and "seed article" in doc


def test_one_proxy_port_per_service_port_kept_while_unchanged() -> None:
    p = proxier()
    ports = {str(k): s.proxy_port for k, s in p.service_map.items()}
    assert set(ports) == {"default/kubia:http", "default/empty"}
    assert all(EPHEMERAL_PORTS[0] <= n <= EPHEMERAL_PORTS[1] for n in ports.values())
    assert ports == {str(k): s.proxy_port for k, s in proxier().service_map.items()}  # seeded
    p.sync([KUBIA, EMPTY], [SLICE], "node-1", [NODE_IP], "10.244.0.0/16")
    assert ports == {str(k): s.proxy_port for k, s in p.service_map.items()}
    changed = svc("default", "kubia", type="NodePort", clusterIP="10.96.100.50",
                  ports=[port("http", 8000, nodePort=30080)])
    p.sync([changed], [SLICE], "node-1", [NODE_IP], "10.244.0.0/16")
    assert set(map(str, p.service_map)) == {"default/kubia:http"}
    assert p.service_map[next(iter(p.service_map))].proxy_port != ports["default/kubia:http"]


def test_iptables_rules_redirect_to_the_proxy_port() -> None:
    p = proxier()
    n = next(s.proxy_port for k, s in p.service_map.items() if k.name == "kubia")
    text = p.iptables_save()
    lines = text.splitlines()
    assert (f'-A KUBE-PORTALS-CONTAINER -d 10.96.100.50/32 -p tcp -m comment --comment '
            f'"default/kubia:http" -m tcp --dport 80 -j REDIRECT --to-ports {n}') in lines
    assert (f'-A KUBE-PORTALS-HOST -d 10.96.100.50/32 -p tcp -m comment --comment '
            f'"default/kubia:http" -m tcp --dport 80 -j DNAT --to-destination '
            f"{NODE_IP}:{n}") in lines
    assert (f'-A KUBE-NODEPORT-CONTAINER -p tcp -m comment --comment "default/kubia:http" '
            f"-m tcp --dport 30080 -j REDIRECT --to-ports {n}") in lines
    assert (f'-A KUBE-NODEPORT-NON-LOCAL -p tcp -m comment --comment "default/kubia:http" '
            f"-m tcp --dport {n} -m state --state NEW -j ACCEPT") in lines
    assert ('-A PREROUTING -m comment --comment "handle ClusterIPs; NOTE: this must be before '
            'the NodePort rules" -j KUBE-PORTALS-CONTAINER') in lines
    assert any("-d 192.168.99.11/32" in ln and "! --physdev-is-in" in ln for ln in lines)
    assert lines[0] == "*filter" and lines[-1] == "COMMIT"
    assert save_string("default/kubia:http") == '"default/kubia:http"'
    assert save_string("kube-dns") == "kube-dns"


def test_proxy_ports_listing() -> None:
    p = proxier()
    text = p.proxy_ports()
    header, empty, kubia = text.splitlines()
    assert header.split() == ["SERVICE", "PROTO", "PORTAL", "PROXY", "PORT", "ENDPOINTS",
                              "(next", "first)"]
    assert empty.split()[:3] == ["default/empty", "TCP", "10.96.7.7:80"]
    assert empty.endswith("<none>")
    listed = kubia.split()[-1].split(",")
    assert sorted(listed) == sorted(f"{ip}:8080" for ip in ENDPOINTS)


def test_round_robin_over_the_shuffled_endpoints() -> None:
    p = proxier(seed=3)
    order = [destination(p.route("10.96.100.50", 80, "TCP", "10.244.0.9")) for _ in range(6)]
    assert sorted(order[:3]) == sorted(f"{ip}:8080" for ip in ENDPOINTS)
    assert order[3:] == order[:3]  # round robin
    hops = p.route("10.96.100.50", 80, "TCP", "10.244.0.9")
    assert [h.action for h in hops] == ["send", "redirect", "accept", "proxy", "deliver"]
    assert hops[1].where == "nat/KUBE-PORTALS-CONTAINER"
    assert hops[1].rule.startswith("-A KUBE-PORTALS-CONTAINER -d 10.96.100.50/32")
    assert hops[-1].src == NODE_IP  # the endpoint sees kube-proxy's connection
    # from the node itself the host chain DNATs to the proxy port
    hops = p.route(NODE_IP, 30080, "TCP", NODE_IP)
    assert hops[1].where == "nat/KUBE-NODEPORT-HOST" and hops[1].action == "dnat"


def test_no_endpoints_closes_the_connection_and_affinity_sticks() -> None:
    p = proxier()
    hops = p.route("10.96.7.7", 80, "TCP", "10.244.0.9")
    assert hops[-1].action == "close" and destination(hops) is None
    sticky = svc("default", "kubia", clusterIP="10.96.100.50", ports=[port("http", 80)],
                 sessionAffinity="ClientIP",
                 sessionAffinityConfig={"clientIP": {"timeoutSeconds": 60}})
    p.sync([sticky], [SLICE], "node-1", [NODE_IP], "10.244.0.0/16")
    first = destination(p.route("10.96.100.50", 80, "TCP", "10.244.0.9", now=0))
    assert {destination(p.route("10.96.100.50", 80, "TCP", "10.244.0.9", now=t))
            for t in (10, 20, 30)} == {first}
    assert "session affinity" in p.route("10.96.100.50", 80, "TCP", "10.244.0.9",
                                         now=40)[3].detail
