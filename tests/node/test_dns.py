"""Cluster DNS: CoreDNS's kubernetes plugin and the pod's resolver (search path, ndots:5)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.node.dns import ClusterDNS, resolv_conf, search_path
from k8s_internals.sim import Kernel

from .helpers import ep, eps, port, svc

SERVICES = [
    svc("default", "kubia", clusterIP="10.96.100.50", ports=[port("http", 80)]),
    svc("default", "multi", clusterIP="10.96.100.51",
        ports=[port("http", 80), port("https", 443)]),
    svc("default", "nginx", clusterIP="None", ports=[port("web", 80)]),
    svc("default", "noports", clusterIP="None"),
    svc("default", "db", type="ExternalName", externalName="db.example.com"),
    svc("kube-system", "kube-dns", clusterIP="10.96.0.10", ports=[port("dns", 53, "UDP")]),
]
SLICES = [
    eps("default", "kubia", [ep("10.244.1.5"), ep("10.244.2.7")], [port("http", 8080)]),
    eps("default", "nginx", [ep("10.244.1.9", hostname="web-0", pod="web-0"),
                             ep("10.244.2.3", hostname="web-1", pod="web-1"),
                             ep("10.244.2.4", hostname="web-2", pod="web-2", ready=False)],
        [port("web", 80)]),
    eps("default", "noports", [ep("10.244.3.3")], []),
]
UPSTREAM = {"example.com": ["93.184.216.34"], "db.example.com": ["10.0.0.5"]}


def dns(**kw: Any) -> ClusterDNS:
    kw.setdefault("rng", random.Random(0))
    return ClusterDNS(SERVICES, SLICES, namespaces=["default", "kube-system"],
                      upstream=UPSTREAM, **kw)


def test_pod_resolver_configuration() -> None:
    assert search_path("shop") == ["shop.svc.cluster.local", "svc.cluster.local",
                                   "cluster.local"]
    assert resolv_conf("shop") == ("search shop.svc.cluster.local svc.cluster.local "
                                   "cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")


def test_service_a_record_is_the_cluster_ip() -> None:
    q = dns().query("kubia.default.svc.cluster.local")
    assert q.rcode == "NOERROR"
    assert [str(r) for r in q.records] == [
        "kubia.default.svc.cluster.local.\t5\tIN\tA\t10.96.100.50"]
    # one A record even with two ports; case does not matter
    assert [r.data for r in dns().query("MULTI.default.svc.cluster.local.").records] == [
        "10.96.100.51"]
    # _port._proto names select a port
    assert dns().query("_https._tcp.multi.default.svc.cluster.local").records
    assert dns().query("_smtp._tcp.multi.default.svc.cluster.local").rcode == "NXDOMAIN"


def test_headless_service_answers_ready_endpoints() -> None:
    q = dns(loadbalance=False).query("nginx.default.svc.cluster.local")
    assert [r.data for r in q.records] == ["10.244.1.9", "10.244.2.3"]  # web-2 is not ready
    # the loadbalance plugin shuffles the records from query to query
    d = dns()
    orders = {tuple(r.data for r in d.query("nginx.default.svc.cluster.local").records)
              for _ in range(20)}
    assert orders == {("10.244.1.9", "10.244.2.3"), ("10.244.2.3", "10.244.1.9")}
    # a slice without ports still answers (CoreDNS's sentinel port)
    assert [r.data for r in dns().query("noports.default.svc.cluster.local").records] == [
        "10.244.3.3"]


def test_statefulset_pod_names_and_endpoint_names() -> None:
    d = dns()
    assert [r.data for r in d.query("web-0.nginx.default.svc.cluster.local").records] == [
        "10.244.1.9"]
    assert d.query("web-2.nginx.default.svc.cluster.local").rcode == "NXDOMAIN"  # not ready
    # endpoints without a hostname are named by their dashed IP, also behind a ClusterIP
    assert [r.data for r in d.query("10-244-1-5.kubia.default.svc.cluster.local").records] == [
        "10.244.1.5"]
    answer = d.resolve("web-1.nginx", namespace="default")
    assert answer.addresses == ["10.244.2.3"]
    assert answer.fqdn == "web-1.nginx.default.svc.cluster.local."


def test_nxdomain_and_nodata() -> None:
    d = dns()
    assert d.query("nope.default.svc.cluster.local").rcode == "NXDOMAIN"
    assert d.query("kubia.nosuchns.svc.cluster.local").rcode == "NXDOMAIN"
    assert d.query("a.b.kubia.default.svc.cluster.local").rcode == "NXDOMAIN"  # too long
    assert d.query("kubia.default.cluster.local").rcode == "NXDOMAIN"  # not svc/pod
    assert d.query("default.svc.cluster.local").nodata
    assert d.query("svc.cluster.local").nodata
    assert d.query("cluster.local").nodata


def test_pods_insecure_and_verified() -> None:
    assert [r.data for r in dns().query("10-244-1-5.default.pod.cluster.local").records] == [
        "10.244.1.5"]
    assert dns().query("not-an-ip.default.pod.cluster.local").rcode == "NXDOMAIN"
    pods = [{"metadata": {"namespace": "default", "name": "a"},
             "status": {"podIP": "10.244.1.5"}}]
    verified = ClusterDNS(SERVICES, SLICES, pods, namespaces=["default"], pods_mode="verified")
    assert verified.query("10-244-1-5.default.pod.cluster.local").records
    assert verified.query("10-244-9-9.default.pod.cluster.local").rcode == "NXDOMAIN"


def test_external_name_is_a_cname() -> None:
    q = dns().query("db.default.svc.cluster.local")
    assert [(r.rtype, r.data) for r in q.records] == [("CNAME", "db.example.com."),
                                                      ("A", "10.0.0.5")]


@pytest.mark.parametrize(("name", "namespace", "tried", "addresses"), [
    # a short name: the first search domain answers
    ("kubia", "default", ["kubia.default.svc.cluster.local."], ["10.96.100.50"]),
    # <svc>.<ns> from another namespace: the second search domain answers
    ("kubia.default", "kube-system",
     ["kubia.default.kube-system.svc.cluster.local.", "kubia.default.svc.cluster.local."],
     ["10.96.100.50"]),
    # the full name without a dot at the end has 4 dots < ndots:5: search list first
    ("kubia.default.svc.cluster.local", "default",
     ["kubia.default.svc.cluster.local.default.svc.cluster.local.",
      "kubia.default.svc.cluster.local.svc.cluster.local.",
      "kubia.default.svc.cluster.local.cluster.local.",
      "kubia.default.svc.cluster.local."], ["10.96.100.50"]),
    # with the final dot: asked as is, once
    ("kubia.default.svc.cluster.local.", "default", ["kubia.default.svc.cluster.local."],
     ["10.96.100.50"]),
    # an outside name costs three NXDOMAINs first
    ("example.com", "default",
     ["example.com.default.svc.cluster.local.", "example.com.svc.cluster.local.",
      "example.com.cluster.local.", "example.com."], ["93.184.216.34"]),
    ("nope", "default",
     ["nope.default.svc.cluster.local.", "nope.svc.cluster.local.", "nope.cluster.local.",
      "nope."], []),
])
def test_search_path_and_ndots(name: str, namespace: str, tried: list[str],
                               addresses: list[str]) -> None:
    answer = dns().resolve(name, namespace=namespace)
    assert answer.names_tried == tried
    assert answer.addresses == addresses
    assert answer.rcode == ("NOERROR" if addresses else "NXDOMAIN")


def test_ndots_decides_whether_the_name_is_tried_first() -> None:
    d = dns()
    answer = d.resolve("example.com", search_path("default"), ndots=1)
    assert answer.names_tried == ["example.com."]
    answer = d.resolve("kubia", search_path("default"), ndots=0)
    assert answer.names_tried[0] == "kubia."  # as is first (NXDOMAIN), then the search list
    assert answer.addresses == ["10.96.100.50"]
    hops = answer.hops("10.244.0.9")
    assert [h.where for h in hops] == ["10.96.0.10:53", "10.96.0.10:53"]
    assert hops[-1].describe() == ("[dns 10.96.0.10:53] query: "
                                   "kubia.default.svc.cluster.local. A? → A 10.96.100.50")
    assert "kubia.default.svc.cluster.local. A? → A 10.96.100.50" in answer.describe()


def test_informer_mode_follows_the_api_server(api: APIServer, admin: Client,
                                              kernel: Kernel) -> None:
    d = ClusterDNS(client=admin, kernel=kernel)
    d.run()
    kernel.run_for(1)
    assert d.resolve("kubia", namespace="default").rcode == "NXDOMAIN"
    created = admin.create("services", {"apiVersion": "v1", "kind": "Service",
                                        "metadata": {"name": "kubia", "namespace": "default"},
                                        "spec": {"ports": [{"name": "http", "port": 80}]}})
    kernel.run_for(1)
    answer = d.resolve("kubia", namespace="default")
    assert answer.addresses == [created["spec"]["clusterIP"]]
    assert d.query("kubia.nosuchns.svc.cluster.local").rcode == "NXDOMAIN"
    admin.delete("services", "kubia", "default")
    kernel.run_for(1)
    assert d.resolve("kubia", namespace="default").rcode == "NXDOMAIN"
