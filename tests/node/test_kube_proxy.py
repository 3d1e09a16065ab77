"""kube-proxy end to end: Services and EndpointSlices created through the API server, watched by
informers, turned into rules by the proxier at a bounded rate."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.node.proxy.kube_proxy import BoundedFrequencyRunner, KubeProxy, TokenBucket
from k8s_internals.node.proxy.types import destination
from k8s_internals.sim import Kernel

NODE = "node-1"
NODE_IP = "192.168.49.2"

#: timing assertions need virtual time end to end: the embedded store only
memory_only = pytest.mark.parametrize("backend", ["memory"])


def service(name: str = "kubia", **spec: Any) -> dict[str, Any]:
    spec.setdefault("selector", {"app": name})
    spec.setdefault("ports", [{"name": "http", "port": 80, "targetPort": 8080}])
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def endpoint_slice(name: str = "kubia", ips: tuple[str, ...] = ("10.244.1.5",),
                   node: str = NODE, **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"{name}-abcde", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": name}, **meta},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [ip], "conditions": {"ready": True}, "nodeName": node,
                           "targetRef": {"kind": "Pod", "name": f"{name}-{i}"}}
                          for i, ip in enumerate(ips)],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}


def test_rules_follow_services_and_endpoint_slices(api: APIServer, admin: Client,
                                                   kernel: Kernel) -> None:
    kp = KubeProxy(admin, kernel, NODE, node_ips=[NODE_IP])
    kp.run()
    kernel.run_for(1)
    assert kp.initialized and kp.history[0].reasons == [
        "initial sync (services and endpoint slices synced)"]
    svc = admin.create("services", service())
    ip = svc["spec"]["clusterIP"]
    admin.create("endpointslices", endpoint_slice(ips=("10.244.1.5", "10.244.2.7")))
    kernel.run_for(2)
    text = kp.iptables_save()
    assert (f'-A KUBE-SERVICES -m comment --comment "default/kubia:http cluster IP" -m tcp '
            f"-p tcp -d {ip} --dport 80 -j KUBE-SVC-4LEAQQBWDM4SV2YZ") in text
    assert ('-A KUBE-SVC-4LEAQQBWDM4SV2YZ -m comment --comment "default/kubia:http -> '
            '10.244.1.5:8080" -m statistic --mode random --probability 0.5000000000') in text
    assert "--to-destination 10.244.2.7:8080" in text
    assert destination(kp.route(ip, 80, "TCP", "10.244.0.9")) in {"10.244.1.5:8080",
                                                                  "10.244.2.7:8080"}
    admin.delete("endpointslices", "kubia-abcde", "default")
    kernel.run_for(2)
    assert '"default/kubia:http has no endpoints"' in kp.iptables_save()
    assert kp.route(ip, 80, "TCP", "10.244.0.9")[-1].action == "reject"
    admin.delete("services", "kubia", "default")
    kernel.run_for(2)
    assert "kubia" not in kp.iptables_save()


@memory_only
def test_syncs_are_bounded_in_frequency(api: APIServer, admin: Client, kernel: Kernel) -> None:
    kp = KubeProxy(admin, kernel, NODE, node_ips=[NODE_IP])
    kp.run()
    kernel.run_for(10)  # the bucket is full again: 2 tokens
    admin.create("services", service())
    kernel.run_for(0.1)
    es = admin.create("endpointslices", endpoint_slice())
    kernel.run_for(0.1)
    for i in range(4):  # four more changes, 100 ms apart
        es["endpoints"].append({"addresses": [f"10.244.3.{i + 1}"],
                                "conditions": {"ready": True}})
        es = admin.update("endpointslices", es)
        kernel.run_for(0.1)
    assert kernel.run_until_idle()
    times = [round(r.time, 1) for r in kp.history]
    # initial sync; two syncs on the burst; then at most one per minSyncPeriod (1 s)
    assert times == [0.0, 10.0, 10.1, 11.1]
    assert kp.history[-1].endpoints == 5
    assert len(kp.history[-1].reasons) == 4  # the four updates waited for one sync
    # no change: only the periodic syncPeriod resync, every 30 s
    kernel.run_for(65)
    assert [round(r.time, 1) for r in kp.history[4:]] == [41.1, 71.1]
    assert kp.history[-1].reasons == ["periodic resync"]


@memory_only
def test_changes_that_do_not_matter_do_not_sync(api: APIServer, admin: Client,
                                                kernel: Kernel) -> None:
    kp = KubeProxy(admin, kernel, NODE, node_ips=[NODE_IP])
    kp.run()
    admin.create("services", service())
    es = admin.create("endpointslices", endpoint_slice())
    kernel.run_for(5)
    n = len(kp.history)
    es["metadata"]["annotations"] = {"endpoints.kubernetes.io/last-change-trigger-time": "x"}
    admin.update("endpointslices", es)
    svc = admin.get("services", "kubia", "default")
    svc["metadata"]["labels"] = {"team": "a"}
    admin.update("services", svc)
    kernel.run_for(5)
    assert len(kp.history) == n


@memory_only
def test_node_ips_and_topology_come_from_the_node_object(api: APIServer, admin: Client,
                                                         kernel: Kernel) -> None:
    admin.create("nodes", {"apiVersion": "v1", "kind": "Node",
                           "metadata": {"name": NODE,
                                        "labels": {"topology.kubernetes.io/zone": "a"}},
                           "status": {"addresses": [{"type": "InternalIP", "address": NODE_IP},
                                                    {"type": "Hostname", "address": NODE}]}})
    kp = KubeProxy(admin, kernel, NODE)
    kp.run()
    admin.create("services", service(type="NodePort",
                                     ports=[{"name": "http", "port": 80, "nodePort": 30080}]))
    admin.create("endpointslices", endpoint_slice())
    kernel.run_for(5)
    assert kp.node_ips == [NODE_IP]
    assert kp.topology_labels["topology.kubernetes.io/zone"] == "a"
    hops = kp.route(NODE_IP, 30080, "TCP", "203.0.113.7")
    assert destination(hops) == "10.244.1.5:8080" and hops[-1].src == NODE_IP


@memory_only
@pytest.mark.parametrize("mode", ["ipvs", "userspace"])
def test_other_modes(api: APIServer, admin: Client, kernel: Kernel, mode: str) -> None:
    kp = KubeProxy(admin, kernel, NODE, mode, node_ips=[NODE_IP])
    kp.run()
    ip = admin.create("services", service())["spec"]["clusterIP"]
    admin.create("endpointslices", endpoint_slice(ips=("10.244.1.5", "10.244.2.7")))
    kernel.run_for(2)
    got = {destination(kp.route(ip, 80, "TCP", "10.244.0.9")) for _ in range(4)}
    assert got == {"10.244.1.5:8080", "10.244.2.7:8080"}  # both round robin
    if mode == "ipvs":
        assert f"TCP  {ip}:80 rr" in kp.ipvsadm()
        with pytest.raises(ValueError, match="ipvs mode"):
            kp.iptables_save()
    else:
        assert "-A KUBE-PORTALS-CONTAINER" in kp.iptables_save()
        with pytest.raises(ValueError, match="userspace mode"):
            kp.ipvsadm()


@memory_only
def test_unknown_mode_is_refused(api: APIServer, admin: Client, kernel: Kernel) -> None:
    with pytest.raises(ValueError, match="unknown proxy mode"):
        KubeProxy(admin, kernel, NODE, "nftables")


def test_bounded_frequency_runner_alone() -> None:
    kernel = Kernel(seed=0)
    runs: list[float] = []
    r = BoundedFrequencyRunner(kernel, "t", lambda: runs.append(kernel.now), 1.0, 10.0, 2)
    r.loop()
    for t in (0.0, 0.2, 0.4, 0.6):
        kernel.run(until=t)
        r.run()
    kernel.run_until_idle()
    assert [round(t, 6) for t in runs] == [0.0, 0.2, 1.2]  # burst of 2, then 1 s after the last run
    kernel.run(until=30.0)
    assert [round(t, 6) for t in runs[3:]] == [11.2, 21.2]  # every max_interval without requests
    bucket = TokenBucket(1.0, 2, 0.0)
    assert [bucket.try_accept(0.0) for _ in range(3)] == [True, True, False]
    assert bucket.try_accept(1.0)
