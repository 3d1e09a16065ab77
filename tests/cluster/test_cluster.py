"""The assembled cluster end to end: boot, a Deployment to Running pods to a reachable Service
(on both store backends), components stopped and started, a node lost and its pods replaced,
the causal tree of a Deployment down to the kubelets, and the demo."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from k8s_internals import Cluster
from k8s_internals.demo import KUBIA, run_demo
from k8s_internals.store.launcher import EtcdCluster


@pytest.fixture(scope="module")
def booted() -> Iterator[Cluster]:
    c = Cluster(nodes=2, seed=0)
    yield c
    c.close()


def test_boot_gives_ready_nodes_and_the_kube_system_pods(booted: Cluster) -> None:
    nodes = booted.kubectl("get nodes")
    assert nodes.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert [line.split()[:3] for line in nodes.splitlines()[1:]] == [
        ["control-plane", "Ready", "control-plane"], ["node-1", "Ready", "<none>"],
        ["node-2", "Ready", "<none>"]]
    pods = {p["metadata"]["name"]: p for p in booted.get("pods", namespace="kube-system")}
    for static in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        mirror = pods[f"{static}-control-plane"]
        assert mirror["metadata"]["annotations"]["kubernetes.io/config.mirror"]
        assert mirror["status"]["phase"] == "Running"
    assert sum(n.startswith("kube-proxy-") for n in pods) == 3
    assert sum(n.startswith("coredns-") for n in pods) == 2
    assert all(p["status"]["phase"] == "Running" for p in pods.values())
    cs = booted.kubectl("get componentstatuses")
    assert "scheduler            Healthy" in cs and "etcd-0" in cs
    assert booted.get("services", "kubernetes")["spec"]["clusterIP"] == "10.96.0.1"
    assert booted.get("services", "kube-dns", "kube-system")["spec"]["clusterIP"] == (
        "10.96.0.10")


def test_each_kube_proxy_starts_with_its_container_and_only_components_use_the_api(
        booted: Cluster) -> None:
    """The kube-proxy DaemonSet pod's container starting is what starts the node's proxy (the
    runtime's container events), so nothing but the components and kubectl is in the traces:
    no watch by the admin that a real cluster would not have."""
    assert booted._proxy_started == {"control-plane", "node-1", "node-2"}
    assert all(p._started and p.initialized for p in booted.proxies.values())
    watches = booted.api.tracer.query(verb="watch")
    assert watches and not [t for t in watches if t.component.startswith("kubectl")]


def _deploy_and_reach(c: Cluster) -> None:
    c.apply(KUBIA)
    c.run()
    pods = c.get("pods", label_selector="app=kubia")
    assert len(pods) == 3 and all(p["status"]["phase"] == "Running" for p in pods)
    assert {p["spec"]["nodeName"] for p in pods} <= {"node-1", "node-2"}
    c.apply({"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "client", "namespace": "default"},
             "spec": {"containers": [{"name": "c", "image": "busybox",
                                      "command": ["sleep", "3600"]}]}})
    c.run()
    seen = set()
    for _ in range(12):
        r = c.curl("http://kubia.default.svc.cluster.local", from_pod="default/client")
        assert r.ok, r.describe()
        assert r.body.startswith("You've hit kubia-")
        assert r.pod == "default/" + r.body.strip().removeprefix("You've hit ")
        seen.add(r.body.strip())
    assert len(seen) == 3  # the random probabilities spread connections over all endpoints


def test_deployment_to_running_pods_to_a_reachable_service(booted: Cluster) -> None:
    _deploy_and_reach(booted)
    r = booted.curl("http://kubia", from_pod="default/client")
    kinds = [h.component for h in r.hops]
    assert kinds[0] == "dns" and "iptables" in kinds and kinds[-1] == "pod-network"


@pytest.mark.etcd
def test_the_same_flow_on_a_real_etcd() -> None:
    with EtcdCluster(1) as etcd:
        c = Cluster(nodes=2, seed=0, store=etcd.url)
        try:
            _deploy_and_reach(c)
            keys = c.etcdctl("get /registry/deployments --prefix --keys-only").split()
            assert "/registry/deployments/default/kubia" in keys
        finally:
            c.close()


def test_a_deployment_is_one_causal_tree_down_to_the_kubelets(booted: Cluster) -> None:
    root = next(t for t in booted.traces(verb="create", resource="deployments")
                if t.name == "kubia")
    tree = booted.api.tracer.tree(root.id)
    components = {t.component.split("/")[0] for _, t in tree}
    assert {"kubectl (kubernetes-admin)", "kube-controller-manager", "kube-scheduler",
            "kubelet"} <= components
    assert any(t.component.startswith("kubelet/") and t.subresource == "status"
               for _, t in tree)


def test_same_seed_same_cluster() -> None:
    a, b = Cluster(nodes=1, seed=7), Cluster(nodes=1, seed=7)
    a.apply(KUBIA)
    b.apply(KUBIA)
    a.run()
    b.run()
    assert a.kubectl("get pods -A -o wide") == b.kubectl("get pods -A -o wide")
    assert a.etcdctl("get /registry --prefix --keys-only") == b.etcdctl(
        "get /registry --prefix --keys-only")


def test_a_stopped_scheduler_leaves_pods_pending_until_it_returns() -> None:
    c = Cluster(nodes=1, seed=1)
    c.stop("kube-scheduler")
    assert "Unhealthy" in c.kubectl("get cs")
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
             "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    c.run(seconds=60)
    assert c.get("pods", "p")["status"]["phase"] == "Pending"
    assert not c.get("pods", "p")["spec"].get("nodeName")
    c.start("kube-scheduler")
    c.run(seconds=60)
    assert c.get("pods", "p")["status"]["phase"] == "Running"


def test_a_lost_node_gets_its_pods_evicted_and_replaced_elsewhere() -> None:
    c = Cluster(nodes=2, seed=2)
    c.apply(KUBIA)
    c.run()
    victims = [p["metadata"]["name"] for p in c.get("pods", label_selector="app=kubia")
               if p["spec"]["nodeName"] == "node-1"]
    assert victims
    c.stop("kubelet/node-1")
    c.run(seconds=60)  # 40 s grace: the node goes Unknown and gets the unreachable taint
    node = c.get("nodes", "node-1", None)
    ready = next(x for x in node["status"]["conditions"] if x["type"] == "Ready")
    assert ready["status"] == "Unknown"
    assert any(t["key"] == "node.kubernetes.io/unreachable" for t in node["spec"]["taints"])
    c.run(seconds=330)  # tolerationSeconds 300 run out: evicted, replaced on node-2
    pods = c.get("pods", label_selector="app=kubia")
    running = [p for p in pods if p["status"]["phase"] == "Running"
               and not p["metadata"].get("deletionTimestamp")]
    assert len(running) == 3 and all(p["spec"]["nodeName"] == "node-2" for p in running)


def test_the_demo_prints_the_whole_story(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    svg = run_demo(out, svg_dir=tmp_path)
    text = out.getvalue()
    assert "kubectl (kubernetes-admin)" in text and "create pods/binding" in text
    assert "deployment.apps/kubia   3/3" in text
    assert "/registry/deployments/default/kubia" in text
    assert "-m statistic --mode random --probability 0.3333333333" in text
    assert "=> 200 You've hit kubia-" in text
    assert svg.exists() and svg.read_text().lstrip().startswith("<?xml")
