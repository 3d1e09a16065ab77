"""kube-proxy's iptables mode against upstream's own tests (``pkg/proxy/iptables/proxier_test.go``).

The golden text below is the expected output of upstream's ``TestOverallIPTablesRules``, copied
verbatim; the flow tables are upstream's ``runPacketFlowTests`` cases (``TestClusterIPGeneral``,
``TestLoadBalancer``, ``TestNoEndpointsReject``, ``TestNodePorts``) run through the same tracer
(``tracePacket``), plus walks through :meth:`IptablesProxier.route` as the kernel would do them.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from k8s_internals.node.proxy.iptables import (
    IptablesProxier,
    Rule,
    compute_probability,
    service_port_endpoint_chain_name,
    service_port_policy_cluster_chain,
    sort_iptables_rules,
)
from k8s_internals.node.proxy.types import destination

from .helpers import P80, ep, eps, port, svc

TEST_NODE = "test-node"
TEST_NODE_IP = "192.168.0.2"
TEST_NODE_IP_ALT = "192.168.1.2"
TEST_EXTERNAL_IP = "192.168.99.11"
TEST_NODE_IPS = [TEST_NODE_IP, TEST_NODE_IP_ALT, TEST_EXTERNAL_IP]
TEST_EXTERNAL_CLIENT = "203.0.113.2"
TEST_EXTERNAL_CLIENT_BLOCKED = "203.0.113.130"
POD_CIDR = "10.0.0.0/8"


def fake_proxier(**kw: Any) -> IptablesProxier:
    """``NewFakeProxier``: mark 0x4000, no --random-fully, nfacct counters present."""
    return IptablesProxier(masquerade_mark="0x4000", random_fully=False, **kw)


def sync(p: IptablesProxier, services: list[dict[str, Any]],
         slices: list[dict[str, Any]]) -> None:
    p.sync(services, slices, TEST_NODE, TEST_NODE_IPS, POD_CIDR)


# -- TestOverallIPTablesRules -------------------------------------------------------------------

OVERALL_SERVICES = [
    svc("ns1", "svc1", clusterIP="172.30.0.41", ports=[port("p80", 80)]),
    svc("ns2", "svc2", type="LoadBalancer", externalTrafficPolicy="Local",
        clusterIP="172.30.0.42", ports=[port("p80", 80, nodePort=3001)],
        externalIPs=["192.168.99.22"], healthCheckNodePort=30000,
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}),
    svc("ns3", "svc3", type="NodePort", clusterIP="172.30.0.43",
        ports=[port("p80", 80, nodePort=3003)]),
    svc("ns4", "svc4", type="NodePort", clusterIP="172.30.0.44",
        externalIPs=["192.168.99.33"], ports=[port("p80", 80, targetPort=80)]),
    svc("ns5", "svc5", type="LoadBalancer", externalTrafficPolicy="Cluster",
        clusterIP="172.30.0.45", ports=[port("p80", 80, nodePort=3002)],
        healthCheckNodePort=30000,
        # extra whitespace, as upstream's test, must not crash
        loadBalancerSourceRanges=[" 203.0.113.0/25"], sessionAffinity="ClientIP",
        sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10800}},
        status={"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}]}}),
    svc("ns6", "svc6", type="ClusterIP", clusterIP="172.30.0.46",
        ports=[port("p80", 80, targetPort=80)]),
]
OVERALL_SLICES = [
    eps("ns1", "svc1", [ep("10.180.0.1")], P80),
    # no nodeName: non-local, so svc2 (Local policy) has no local endpoints
    eps("ns2", "svc2", [ep("10.180.0.2")], P80),
    eps("ns3", "svc3", [ep("10.180.0.3")], P80),
    eps("ns4", "svc4", [ep("10.180.0.4"), ep("10.180.0.5", TEST_NODE)], P80),
    eps("ns5", "svc5", [ep("10.180.0.3")], P80),
]

#: the expected text of upstream's TestOverallIPTablesRules, verbatim (tabs of the Go raw string
#: removed)
EXPECTED_OVERALL = (Path(__file__).parent / "golden" / "TestOverallIPTablesRules.txt").read_text()


def test_overall_iptables_rules_are_upstreams_expected_text() -> None:
    p = fake_proxier()
    sync(p, OVERALL_SERVICES, OVERALL_SLICES)
    assert p.iptables_save() == EXPECTED_OVERALL


def test_restore_input_is_written_in_upstreams_order_and_sorts_to_the_golden_text() -> None:
    p = fake_proxier()
    sync(p, OVERALL_SERVICES, OVERALL_SLICES)
    data = p.restore_input()
    lines = data.splitlines()
    # the top-level chains come first, in syncProxyRules' order
    assert lines[:6] == ["*filter", ":KUBE-SERVICES - [0:0]", ":KUBE-EXTERNAL-SERVICES - [0:0]",
                         ":KUBE-FORWARD - [0:0]", ":KUBE-NODEPORTS - [0:0]",
                         ":KUBE-PROXY-FIREWALL - [0:0]"]
    nat = lines.index("*nat")
    assert lines[nat + 1:nat + 5] == [":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]",
                                      ":KUBE-POSTROUTING - [0:0]", ":KUBE-MARK-MASQ - [0:0]"]
    # the tail call to KUBE-NODEPORTS is the last KUBE-SERVICES rule written
    svc_rules = [ln for ln in lines if ln.startswith("-A KUBE-SERVICES")]
    assert "must be the last rule" in svc_rules[-1]
    assert sort_iptables_rules(data) == EXPECTED_OVERALL


def test_a_real_node_writes_go_formatted_mark_and_random_fully() -> None:
    p = IptablesProxier()  # defaults: --masquerade-bit=14, iptables with --random-fully
    sync(p, OVERALL_SERVICES[:1], OVERALL_SLICES[:1])
    text = p.iptables_save()
    assert "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000" in text
    assert ("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring "
            "SNAT\" -j MASQUERADE --random-fully") in text
    assert "-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN" in text


def test_full_view_has_the_builtin_jumps_in_prepend_order() -> None:
    p = fake_proxier()
    sync(p, OVERALL_SERVICES, OVERALL_SLICES)
    full = p.iptables_save(full=True)
    lines = full.splitlines()
    assert lines[:4] == ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]",
                         ":OUTPUT ACCEPT [0:0]"]
    forward = [ln for ln in lines if ln.startswith("-A FORWARD ")]
    assert [ln.split(" -j ")[1] for ln in forward] == [
        "KUBE-PROXY-FIREWALL", "KUBE-FORWARD", "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"]
    assert ("-A PREROUTING -m comment --comment \"kubernetes service portals\" "
            "-j KUBE-SERVICES") in lines
    assert ("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" "
            "-j KUBE-POSTROUTING") in lines
    inp = [ln.split(" -j ")[1] for ln in lines if ln.startswith("-A INPUT ")]
    assert inp == ["KUBE-PROXY-FIREWALL", "KUBE-NODEPORTS", "KUBE-EXTERNAL-SERVICES",
                   "KUBE-FIREWALL"]
    # kube-proxy's part of the full view is the golden text
    kube = [ln for ln in lines if not ln.startswith(("-A INPUT", "-A FORWARD", "-A OUTPUT",
                                                     "-A PREROUTING", "-A POSTROUTING"))
            and " ACCEPT [0:0]" not in ln]
    assert "\n".join(kube) + "\n" == EXPECTED_OVERALL


# -- chain names and probabilities --------------------------------------------------------------

@pytest.mark.parametrize(("name", "protocol", "chain"), [
    ("ns1/svc1:p80", "tcp", "KUBE-SVC-XPGD46QRK7WJZT7O"),
    ("ns2/svc2:p80", "tcp", "KUBE-SVC-GNZBNJ2PO5MGZ6GT"),
    ("ns3/svc3:p80", "tcp", "KUBE-SVC-X27LE4BHSL4DOUIK"),
    ("ns4/svc4:p80", "tcp", "KUBE-SVC-4SW47YFZTEDKD3PK"),
    ("ns5/svc5:p80", "tcp", "KUBE-SVC-NUKIZ6OKUXPJNT4C"),
    # the chains every real cluster has
    ("default/kubernetes:https", "tcp", "KUBE-SVC-NPX46M4PTMTKRN6Y"),
    ("kube-system/kube-dns:dns", "udp", "KUBE-SVC-TCOU7JCQXEZGVUNU"),
    ("kube-system/kube-dns:dns-tcp", "tcp", "KUBE-SVC-ERIFXISQEP7F7OF4"),
    ("kube-system/kube-dns:metrics", "tcp", "KUBE-SVC-JD5MR3NA4I4DYORP"),
])
def test_service_chain_names(name: str, protocol: str, chain: str) -> None:
    assert service_port_policy_cluster_chain(name, protocol) == chain
    assert len(chain) <= 28  # iptables' limit, the reason for the hash


@pytest.mark.parametrize(("name", "endpoint", "chain"), [
    ("ns1/svc1:p80", "10.180.0.1:80", "KUBE-SEP-SXIVWICOYRO3J4NJ"),
    ("ns2/svc2:p80", "10.180.0.2:80", "KUBE-SEP-RS4RBKLTHTF2IUXJ"),
    ("ns3/svc3:p80", "10.180.0.3:80", "KUBE-SEP-OYPFS5VJICHGATKP"),
    ("ns4/svc4:p80", "10.180.0.4:80", "KUBE-SEP-UKSFD7AGPMPPLUHC"),
    ("ns4/svc4:p80", "10.180.0.5:80", "KUBE-SEP-C6EBXVWJJZMIWKLZ"),
    ("ns5/svc5:p80", "10.180.0.3:80", "KUBE-SEP-I77PXRDZVX7PMWMN"),
])
def test_endpoint_chain_names(name: str, endpoint: str, chain: str) -> None:
    assert service_port_endpoint_chain_name(name, "tcp", endpoint) == chain


def test_compute_probability_is_go_percent_0_10f() -> None:
    assert [compute_probability(n) for n in range(1, 8)] == [
        "1.0000000000", "0.5000000000", "0.3333333333", "0.2500000000", "0.2000000000",
        "0.1666666667", "0.1428571429"]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_probabilities_for_n_endpoints(n: int) -> None:
    p = fake_proxier()
    ips = [f"10.180.0.{i}" for i in range(1, n + 1)]
    sync(p, [svc("ns1", "svc1", clusterIP="172.30.0.41", ports=[port("p80", 80)])],
         [eps("ns1", "svc1", [ep(ip) for ip in ips], P80)])
    chain = service_port_policy_cluster_chain("ns1/svc1:p80", "tcp")
    rules = [r for r in p.rules("nat", chain) if r.jump.startswith("KUBE-SEP-")]
    assert [r.comment for r in rules] == [f"ns1/svc1:p80 -> {ip}:80" for ip in ips]
    # 1/n, 1/(n-1), ..., 1/2, then the last endpoint takes what is left
    assert [r.probability for r in rules[:-1]] == pytest.approx(
        [1 / (n - i) for i in range(n - 1)], abs=1e-10)
    assert rules[-1].probability is None
    texts = [r.first("statistic").options["probability"] for r in rules[:-1]]
    assert texts == [compute_probability(n - i) for i in range(n - 1)]
    # each endpoint is chosen with probability 1/n overall
    chance = 1.0
    for r in rules[:-1]:
        assert r.probability is not None
        assert chance * r.probability == pytest.approx(1 / n, rel=1e-8)
        chance *= 1 - r.probability


def test_route_spreads_connections_over_endpoints() -> None:
    p = fake_proxier()
    ips = ["10.180.0.1", "10.180.0.2", "10.180.0.3"]
    sync(p, [svc("ns1", "svc1", clusterIP="172.30.0.41", ports=[port("p80", 80)])],
         [eps("ns1", "svc1", [ep(ip) for ip in ips], P80)])
    rng = random.Random(7)
    hits = Counter(destination(p.route("172.30.0.41", 80, "TCP", "10.0.0.2", rng))
                   for _ in range(3000))
    assert set(hits) == {f"{ip}:80" for ip in ips}
    assert all(900 < c < 1100 for c in hits.values())
    # deterministic for a given seed
    a = [destination(p.route("172.30.0.41", 80, "TCP", "10.0.0.2", random.Random(3)))
         for _ in range(5)]
    b = [destination(p.route("172.30.0.41", 80, "TCP", "10.0.0.2", random.Random(3)))
         for _ in range(5)]
    assert a == b


def test_route_hops_show_the_chain_walk() -> None:
    p = fake_proxier()
    sync(p, OVERALL_SERVICES, OVERALL_SLICES)
    hops = p.route("172.30.0.41", 80, "TCP", "10.0.0.2", random.Random(0))
    where = [h.where for h in hops]
    assert where == ["interface", "nat/PREROUTING", "nat/KUBE-SERVICES",
                     "nat/KUBE-SVC-XPGD46QRK7WJZT7O", "nat/KUBE-SEP-SXIVWICOYRO3J4NJ",
                     "routing"]
    assert hops[2].rule == ('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" '
                            "-m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O")
    assert hops[4].action == "dnat"
    assert hops[4].describe() == ("[iptables nat/KUBE-SEP-SXIVWICOYRO3J4NJ] dnat: "
                                  "172.30.0.41:80 → 10.180.0.1:80 (ns1/svc1:p80)")
    assert hops[-1].action == "deliver" and hops[-1].dst == "10.180.0.1:80"
    assert hops[-1].src == "10.0.0.2"  # pod-to-service traffic keeps its source
    # verbose shows the chains that changed nothing too
    assert len(p.route("172.30.0.41", 80, "TCP", "10.0.0.2", random.Random(0),
                       verbose=True)) > len(hops)


def test_route_from_outside_is_masqueraded_and_no_endpoints_is_rejected() -> None:
    p = fake_proxier()
    sync(p, OVERALL_SERVICES, OVERALL_SLICES)
    hops = p.route(TEST_NODE_IP, 3003, "TCP", TEST_EXTERNAL_CLIENT, random.Random(0))
    assert [h.action for h in hops if h.component == "iptables"][-1] == "masquerade"
    assert hops[-1].dst == "10.180.0.3:80" and hops[-1].src == TEST_NODE_IP
    hops = p.route("172.30.0.46", 80, "TCP", "10.0.0.2", random.Random(0))
    assert [h.action for h in hops[-2:]] == ["reject", "reject"]
    assert hops[-2].where == "filter/KUBE-SERVICES"
    assert "ns6/svc6:p80 has no endpoints" in hops[-1].detail
    assert destination(hops) is None


def test_route_session_affinity_sticks_to_one_endpoint() -> None:
    p = fake_proxier()
    sync(p, [svc("ns1", "svc1", clusterIP="172.30.0.41", ports=[port("p80", 80)],
                 sessionAffinity="ClientIP",
                 sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10}})],
         [eps("ns1", "svc1", [ep(f"10.180.0.{i}") for i in range(1, 5)], P80)])
    rng = random.Random(11)
    first = destination(p.route("172.30.0.41", 80, "TCP", "10.0.0.2", rng, now=0.0))
    same = {destination(p.route("172.30.0.41", 80, "TCP", "10.0.0.2", rng, now=t))
            for t in (1.0, 5.0, 9.0)}
    assert same == {first}
    # the recent entry expires after timeoutSeconds without traffic
    later = {destination(p.route("172.30.0.41", 80, "TCP", "10.0.0.2", rng, now=100.0 + i * 20))
             for i in range(20)}
    assert len(later) > 1


def test_stale_chains_are_deleted_on_the_next_sync() -> None:
    p = fake_proxier()
    services = [svc("ns1", "svc1", clusterIP="172.30.0.41", ports=[port("p80", 80)])]
    sync(p, services, [eps("ns1", "svc1", [ep("10.180.0.1"), ep("10.180.0.2")], P80)])
    sync(p, services, [eps("ns1", "svc1", [ep("10.180.0.1")], P80)])
    gone = service_port_endpoint_chain_name("ns1/svc1:p80", "tcp", "10.180.0.2:80")
    assert f"-X {gone}" in p.restore_input().splitlines()
    assert gone not in p.iptables_save()
    sync(p, [], [])
    assert "-X KUBE-SVC-XPGD46QRK7WJZT7O" in p.restore_input()
    assert "KUBE-SVC" not in p.iptables_save()


def test_large_clusters_drop_endpoint_comments() -> None:
    p = fake_proxier()
    ips = [f"10.180.{i // 250}.{i % 250 + 1}" for i in range(1001)]
    sync(p, [svc("ns1", "svc1", clusterIP="172.30.0.41", ports=[port("p80", 80)])],
         [eps("ns1", "svc1", [ep(ip) for ip in ips], P80)])
    assert p.large_cluster_mode
    sep = service_port_endpoint_chain_name("ns1/svc1:p80", "tcp", "10.180.0.1:80")
    assert [r.raw for r in p.rules("nat", sep)] == [
        f"-A {sep} -s 10.180.0.1 -j KUBE-MARK-MASQ",
        f"-A {sep} -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80"]


def test_rule_parser_reads_negations_and_module_options() -> None:
    r = Rule.parse('-A KUBE-SVC-X -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent '
                   "--name KUBE-SEP-Y --rcheck --seconds 10800 --reap -j KUBE-SEP-Y")
    assert r.chain == "KUBE-SVC-X" and r.jump == "KUBE-SEP-Y"
    assert r.comment == "ns5/svc5:p80 -> 10.180.0.3:80"
    rec = r.first("recent")
    assert rec is not None and rec.options == {"name": "KUBE-SEP-Y", "rcheck": "",
                                               "seconds": "10800", "reap": ""}
    r = Rule.parse("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN")
    mark = r.first("mark")
    assert mark is not None and mark.negated and mark.value == "0x4000/0x4000"


# -- upstream's packet-flow tests ---------------------------------------------------------------

def run_flows(p: IptablesProxier, cases: list[tuple[Any, ...]]) -> None:
    """``runPacketFlowTests``: (name, source, destination, port, output, masq[, protocol])."""
    for name, src, dst, dport, output, masq, *proto in cases:
        protocol = proto[0] if proto else "tcp"
        matches, got, got_masq = p.trace_packet(src, protocol, dst, dport, TEST_NODE_IPS)
        assert (got, got_masq) == (output, masq), f"{name}: matched\n" + "\n".join(matches)


def test_cluster_ip_general_flows() -> None:
    """``TestClusterIPGeneral``."""
    p = fake_proxier()
    sync(p, [
        svc("ns1", "svc1", clusterIP="172.30.0.41", ports=[port("http", 80)]),
        svc("ns2", "svc2", clusterIP="172.30.0.42", ports=[
            port("http", 80), port("https", 443, targetPort=8443), port("dns-udp", 53, "UDP"),
            port("dns-tcp", 53, targetPort=5353), port("dns-sctp", 53, "SCTP")]),
    ], [
        eps("ns1", "svc1", [ep("10.180.0.1", TEST_NODE)], [port("http", 80)]),
        eps("ns2", "svc2", [ep("10.180.0.1", TEST_NODE), ep("10.180.2.1", "node2")], [
            port("http", 80), port("https", 8443), port("dns-udp", 53, "UDP"),
            port("dns-tcp", 5353), port("dns-sctp", 53, "SCTP")]),
    ])
    run_flows(p, [
        ("simple clusterIP", "10.180.0.2", "172.30.0.41", 80, "10.180.0.1:80", False),
        ("hairpin to cluster IP", "10.180.0.1", "172.30.0.41", 80, "10.180.0.1:80", True),
        ("clusterIP with multiple endpoints", "10.180.0.2", "172.30.0.42", 80,
         "10.180.0.1:80, 10.180.2.1:80", False),
        ("clusterIP with TargetPort", "10.180.0.2", "172.30.0.42", 443,
         "10.180.0.1:8443, 10.180.2.1:8443", False),
        ("same port, TCP", "10.180.0.2", "172.30.0.42", 53,
         "10.180.0.1:5353, 10.180.2.1:5353", False, "tcp"),
        ("same port, UDP", "10.180.0.2", "172.30.0.42", 53,
         "10.180.0.1:53, 10.180.2.1:53", False, "udp"),
        ("same port, SCTP", "10.180.0.2", "172.30.0.42", 53,
         "10.180.0.1:53, 10.180.2.1:53", False, "sctp"),
        ("TCP-only port does not match UDP traffic", "10.180.0.2", "172.30.0.42", 80, "",
         False, "udp"),
        ("svc1 does not accept svc2's ports", "10.180.0.2", "172.30.0.41", 443, "", False),
    ])


def test_load_balancer_flows() -> None:
    """``TestLoadBalancer``."""
    p = fake_proxier()
    sync(p, [svc("ns1", "svc1", type="LoadBalancer", clusterIP="172.30.0.41",
                 ports=[port("p80", 80, nodePort=3001)],
                 loadBalancerSourceRanges=["192.168.0.0/24", " 203.0.113.0/25"],
                 status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"ip": "5.6.7.8"}]}})],
         [eps("ns1", "svc1", [ep("10.180.0.1")], P80)])
    out = "10.180.0.1:80"
    run_flows(p, [
        ("pod to cluster IP", "10.0.0.2", "172.30.0.41", 80, out, False),
        ("external to nodePort", TEST_EXTERNAL_CLIENT, TEST_NODE_IP, 3001, out, True),
        ("nodePort bypasses LoadBalancerSourceRanges", TEST_EXTERNAL_CLIENT_BLOCKED,
         TEST_NODE_IP, 3001, out, True),
        ("accepted external to LB1", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, out, True),
        ("accepted external to LB2", TEST_EXTERNAL_CLIENT, "5.6.7.8", 80, out, True),
        ("blocked external to LB1", TEST_EXTERNAL_CLIENT_BLOCKED, "1.2.3.4", 80, "DROP", False),
        ("blocked external to LB2", TEST_EXTERNAL_CLIENT_BLOCKED, "5.6.7.8", 80, "DROP", False),
        ("pod to LB1 (blocked)", "10.0.0.2", "1.2.3.4", 80, "DROP", False),
        ("pod to LB2 (blocked)", "10.0.0.2", "5.6.7.8", 80, "DROP", False),
        ("node to LB1 (allowed)", TEST_NODE_IP, "1.2.3.4", 80, out, True),
        ("node to LB2 (allowed)", TEST_NODE_IP, "5.6.7.8", 80, out, True),
        ("same node to LB1, SNATted to LB1", "1.2.3.4", "1.2.3.4", 80, out, True),
        ("same node to LB2, SNATted to LB2", "5.6.7.8", "5.6.7.8", 80, out, True),
    ])
    # the kernel walk agrees with the tracer
    assert destination(p.route("1.2.3.4", 80, "TCP", TEST_EXTERNAL_CLIENT)) == out
    hops = p.route("1.2.3.4", 80, "TCP", TEST_EXTERNAL_CLIENT_BLOCKED)
    assert hops[-1].action == "drop" and hops[-2].where == "filter/KUBE-PROXY-FIREWALL"


def test_no_endpoints_reject_flows() -> None:
    """``TestNoEndpointsReject``: cluster IP, external IP, node port and LB IP all REJECT."""
    p = fake_proxier()
    sync(p, [svc("ns1", "svc1", type="LoadBalancer", clusterIP="172.30.0.41",
                 externalIPs=[TEST_EXTERNAL_IP], ports=[port("p80", 80, nodePort=3001)],
                 status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}})], [])
    run_flows(p, [
        ("pod to cluster IP", "10.0.0.2", "172.30.0.41", 80, "REJECT", False),
        ("external to external IP", TEST_EXTERNAL_CLIENT, TEST_EXTERNAL_IP, 80, "REJECT", False),
        ("pod to NodePort", "10.0.0.2", TEST_NODE_IP, 3001, "REJECT", False),
        ("external to NodePort", TEST_EXTERNAL_CLIENT, TEST_NODE_IP, 3001, "REJECT", False),
        ("pod to LB IP", "10.0.0.2", "1.2.3.4", 80, "REJECT", False),
        ("external to LB IP", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", False),
    ])
    text = p.iptables_save()
    assert ('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp '
            "-d 172.30.0.41 --dport 80 -j REJECT") in text
    assert ('-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" '
            "-m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT") in text
    assert "KUBE-SVC-" not in text  # no nat chains at all for the Service
    for dst, dport in (("172.30.0.41", 80), (TEST_NODE_IP, 3001), ("1.2.3.4", 80)):
        assert p.route(dst, dport, "TCP", "10.0.0.2")[-1].action == "reject"


@pytest.mark.parametrize(("localhost", "addresses", "alt_allowed"), [
    (True, None, True),
    (False, None, True),
    (False, ["192.168.0.0/24", "127.0.0.1/32"], False),
    (False, ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"], True),
])
def test_node_ports(localhost: bool, addresses: list[str] | None, alt_allowed: bool) -> None:
    """``TestNodePorts`` (IPv4 cases)."""
    p = fake_proxier(localhost_node_ports=localhost, node_port_addresses=addresses)
    sync(p, [svc("ns1", "svc1", type="NodePort", clusterIP="172.30.0.41",
                 ports=[port("p80", 80, nodePort=3001)])],
         [eps("ns1", "svc1", [ep("10.180.0.1"), ep("10.180.2.1", TEST_NODE)], P80)])
    out = "10.180.0.1:80, 10.180.2.1:80"
    run_flows(p, [
        ("pod to cluster IP", "10.0.0.2", "172.30.0.41", 80, out, False),
        ("external to nodePort", TEST_EXTERNAL_CLIENT, TEST_NODE_IP, 3001, out, True),
        ("node to nodePort", TEST_NODE_IP, TEST_NODE_IP, 3001, out, True),
    ])
    if localhost:
        run_flows(p, [("localhost to nodePort", "127.0.0.1", "127.0.0.1", 3001, out, True)])
    else:
        run_flows(p, [("localhost to nodePort is ignored", "127.0.0.1", "127.0.0.1", 3001, "",
                       False)])
    alt = (out, True) if alt_allowed else ("", False)
    run_flows(p, [("external to nodePort on secondary IP", TEST_EXTERNAL_CLIENT,
                   TEST_NODE_IP_ALT, 3001, *alt)])
    assert ("KUBE-FIREWALL" in p.iptables_save()) == localhost
