"""The endpoints controller: which pods become ready / not-ready addresses, named ports,
headless services, labels, and cleanup."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.controllers.endpoints import EndpointController, repack_subsets
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS
from tests.controllers.kcm_helpers import exists, pod, service, set_pod_status, start


@pytest.fixture
def backend() -> str:
    return "memory"


def _ips(subsets: list[dict[str, Any]], key: str) -> list[str]:
    return [a["ip"] for s in subsets for a in s.get(key) or []]


def _make_pod(admin: Client, name: str, ip: str, ready: bool | None, *,
              phase: str = "Running", terminating: bool = False, **kw: Any) -> None:
    admin.create("pods", pod(name, labels={"app": "web"},
                             finalizers=["example.com/hold"] if terminating else None, **kw))
    set_pod_status(admin, name, ip=ip, ready=ready, phase=phase)
    if terminating:
        admin.delete("pods", name, "default")  # held by its finalizer: deletionTimestamp set


@pytest.mark.parametrize(("case", "pod_kw", "publish", "where"), [
    # case                  pod                                         publishNotReady  listed in
    ("ready", {"ip": "10.244.1.5", "ready": True}, False, "addresses"),
    ("not ready", {"ip": "10.244.1.5", "ready": False}, False, "notReadyAddresses"),
    ("no IP yet", {"ip": "", "ready": True}, False, None),
    ("succeeded", {"ip": "10.244.1.5", "ready": False, "phase": "Succeeded"}, False, None),
    ("terminating", {"ip": "10.244.1.5", "ready": True, "terminating": True}, False, None),
    ("not ready, published", {"ip": "10.244.1.5", "ready": False}, True, "addresses"),
    ("terminating, published", {"ip": "10.244.1.5", "ready": True, "terminating": True}, True,
     "addresses"),
])
def test_which_pods_are_addresses(admin: Client, kernel: Kernel, case: str,
                                  pod_kw: dict[str, Any], publish: bool,
                                  where: str | None) -> None:
    start(admin, kernel, EndpointController)
    admin.create("services", service("web", selector={"app": "web"},
                                     ports=[{"port": 80, "targetPort": 8080}],
                                     publish_not_ready=publish))
    _make_pod(admin, "web-1", **pod_kw)
    kernel.run_for(1)
    ep = admin.get("endpoints", "web", "default")
    subsets = ep.get("subsets") or []
    for key in ("addresses", "notReadyAddresses"):
        assert _ips(subsets, key) == (["10.244.1.5"] if key == where else []), (case, key)
    if where:
        assert subsets[0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
        addr = subsets[0][where][0]
        assert addr["targetRef"]["kind"] == "Pod" and addr["targetRef"]["name"] == "web-1"


@pytest.mark.parametrize("backend", BACKENDS)
def test_readiness_changes_move_addresses(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, EndpointController)
    admin.create("services", service("web", selector={"app": "web"}, ports=[{"port": 80}],
                                     labels={"tier": "front"}))
    for i in (1, 2):
        _make_pod(admin, f"web-{i}", f"10.244.1.{i}", ready=True)
    kernel.run_for(1)
    ep = admin.get("endpoints", "web", "default")
    assert _ips(ep["subsets"], "addresses") == ["10.244.1.1", "10.244.1.2"]
    assert ep["metadata"]["labels"] == {"tier": "front"}  # the Service's labels
    set_pod_status(admin, "web-2", ip="10.244.1.2", ready=False)
    kernel.run_for(1)
    ep = admin.get("endpoints", "web", "default")
    assert _ips(ep["subsets"], "addresses") == ["10.244.1.1"]
    assert _ips(ep["subsets"], "notReadyAddresses") == ["10.244.1.2"]
    assert len(ep["subsets"]) == 1  # same ports: one subset


def test_named_target_ports_are_resolved_per_pod(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, EndpointController)
    admin.create("services", service("web", selector={"app": "web"}, ports=[
        {"name": "http", "port": 80, "targetPort": "http"}]))
    _make_pod(admin, "a", "10.244.1.1", True, ports=[{"name": "http", "containerPort": 8080}])
    _make_pod(admin, "b", "10.244.1.2", True, ports=[{"name": "http", "containerPort": 9090}])
    _make_pod(admin, "c", "10.244.1.3", True, ports=[{"name": "metrics", "containerPort": 9100}])
    kernel.run_for(1)
    subsets = admin.get("endpoints", "web", "default")["subsets"]
    assert [(s["addresses"][0]["ip"], s["ports"]) for s in subsets] == [
        ("10.244.1.1", [{"name": "http", "port": 8080, "protocol": "TCP"}]),
        ("10.244.1.2", [{"name": "http", "port": 9090, "protocol": "TCP"}]),
    ]


def test_headless_service_without_ports(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, EndpointController)
    admin.create("services", service("db", selector={"app": "web"}, cluster_ip="None"))
    _make_pod(admin, "db-0", "10.244.2.7", True, hostname="db-0", subdomain="db")
    kernel.run_for(1)
    ep = admin.get("endpoints", "db", "default")
    assert ep["metadata"]["labels"] == {"service.kubernetes.io/headless": ""}
    assert ep["subsets"] == [{"addresses": [{
        "ip": "10.244.2.7", "hostname": "db-0",
        "targetRef": {"kind": "Pod", "namespace": "default", "name": "db-0",
                      "uid": admin.get("pods", "db-0", "default")["metadata"]["uid"]}}]}]


def test_endpoints_follow_the_service_lifecycle(admin: Client, kernel: Kernel) -> None:
    admin.create("endpoints", {"apiVersion": "v1", "kind": "Endpoints",
                               "metadata": {"name": "stale", "namespace": "default"}})
    (ctrl,) = start(admin, kernel, EndpointController)
    assert not exists(admin, "endpoints", "stale", "default")  # checkLeftoverEndpoints
    admin.create("services", service("manual", ports=[{"port": 80}]))  # no selector
    admin.create("endpoints", {"apiVersion": "v1", "kind": "Endpoints",
                               "metadata": {"name": "manual", "namespace": "default"},
                               "subsets": [{"addresses": [{"ip": "192.0.2.1"}],
                                            "ports": [{"port": 80}]}]})
    admin.create("services", service("web", selector={"app": "web"}, ports=[{"port": 80}]))
    kernel.run_for(1)
    assert admin.get("endpoints", "manual", "default")["subsets"][0]["addresses"] == [
        {"ip": "192.0.2.1"}]  # left alone
    assert "subsets" not in admin.get("endpoints", "web", "default")  # no pods yet
    admin.delete("services", "web", "default")
    kernel.run_for(1)
    assert not exists(admin, "endpoints", "web", "default")
    assert ctrl.errors == []


def test_repack_groups_addresses_by_ports() -> None:
    a, b = {"ip": "10.0.0.2"}, {"ip": "10.0.0.10"}
    p80, p81 = {"port": 80, "protocol": "TCP"}, {"port": 81, "protocol": "TCP"}
    out = repack_subsets([{"addresses": [a], "ports": [p80]}, {"addresses": [b], "ports": [p80]},
                          {"addresses": [a], "ports": [p81]}])
    # 10.0.0.2 serves 80 and 81, 10.0.0.10 only 80; addresses sort as strings (bytes)
    assert out == [{"addresses": [b, a], "ports": [p80]}, {"addresses": [a], "ports": [p81]}]
