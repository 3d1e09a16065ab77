"""The kubelet's Node: registration, status, heartbeat Lease, stop and start."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from k8s_internals.client.client import Client
from k8s_internals.node.kubelet import Kubelet
from k8s_internals.sim import Kernel

from .kubelet_helpers import condition, events_of, make_pod

MakeKubelet = Callable[..., Kubelet]


def test_registration_posts_the_node_with_upstreams_shape(kubelet: MakeKubelet,
                                                          nadmin: Client) -> None:
    kubelet("node-1", labels={"node.kubernetes.io/instance-type": "m5.large"},
            taints=[{"key": "dedicated", "value": "db", "effect": "NoSchedule"}],
            images={"nginx:1.27": None})
    node = nadmin.get("nodes", "node-1")
    assert node["metadata"]["labels"] == {
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "node-1",
        "kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": "m5.large"}
    assert node["metadata"]["annotations"] == {
        "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    assert node["spec"]["taints"] == [{"key": "dedicated", "value": "db",
                                       "effect": "NoSchedule"}]
    status = node["status"]
    assert status["capacity"] == {"cpu": "4", "ephemeral-storage": "100Gi", "hugepages-1Gi": "0",
                                  "hugepages-2Mi": "0", "memory": "8Gi", "pods": "110"}
    assert status["allocatable"] == {"cpu": "4", "ephemeral-storage": "96636764160",
                                     "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                                     "memory": "8092Mi", "pods": "110"}
    assert [(c["type"], c["status"], c["reason"]) for c in status["conditions"]] == [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID"),
        ("Ready", "True", "KubeletReady")]
    assert condition(node, "Ready")["message"] == "kubelet is posting ready status"
    assert status["addresses"] == [{"type": "InternalIP", "address": "172.18.0.2"},
                                   {"type": "Hostname", "address": "node-1"}]
    assert status["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 10250}}
    info = status["nodeInfo"]
    assert (info["kubeletVersion"], info["kubeProxyVersion"], info["containerRuntimeVersion"],
            info["operatingSystem"], info["architecture"]) == (
        "v1.32.0", "v1.32.0", "containerd://1.7.24", "linux", "amd64")
    assert status["images"][0]["names"][1] == "docker.io/library/nginx:1.27"
    assert status["images"][0]["sizeBytes"] == 72_080_558
    assert [e[0] for e in events_of(nadmin, "node-1")] == [
        "Starting", "NodeAllocatableEnforced", "NodeHasSufficientMemory",
        "NodeHasNoDiskPressure", "NodeHasSufficientPID"]


def test_the_kubelet_refuses_labels_noderestriction_forbids(kubelet: MakeKubelet) -> None:
    with pytest.raises(ValueError, match=r"unknown 'kubernetes\.io' or 'k8s\.io' labels"):
        kubelet("node-1", labels={"node-role.kubernetes.io/control-plane": ""}, start=False)


def test_without_a_pod_cidr_the_node_is_not_ready_and_pods_wait(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    k = kubelet("node-1", pod_cidr=None, images=["nginx:1.27"])
    node = nadmin.get("nodes", "node-1")
    ready = condition(node, "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "False", "KubeletNotReady",
        "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
        "message:Network plugin returns error: cni plugin not initialized")
    nadmin.create("pods", make_pod("web"))
    assert kernel.run_until_idle(60)
    pod = nadmin.get("pods", "web", "default")
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["containerStatuses"][0]["state"] == {
        "waiting": {"reason": "ContainerCreating"}}
    assert ("NetworkNotReady", "network is not ready: " + ready["message"]) in \
        events_of(nadmin, "web")
    # the node-ipam controller's write: the kubelet configures the runtime, reports Ready
    nadmin.patch("nodes", "node-1", {"spec": {"podCIDR": "10.244.3.0/24",
                                               "podCIDRs": ["10.244.3.0/24"]}})
    assert kernel.run_until_idle(60)
    assert condition(nadmin.get("nodes", "node-1"), "Ready")["status"] == "True"
    assert ("NodeReady", "Node node-1 status is now: NodeReady") in events_of(nadmin, "node-1")
    pod = nadmin.get("pods", "web", "default")
    assert (pod["status"]["phase"], pod["status"]["podIP"]) == ("Running", "10.244.3.2")
    assert k.runtime.cni.pod_cidr == "10.244.3.0/24"


def test_the_lease_is_renewed_every_10_seconds(kubelet: MakeKubelet, nadmin: Client,
                                               kernel: Kernel) -> None:
    kubelet("node-1")
    lease = nadmin.get("leases", "node-1", "kube-node-lease")
    node = nadmin.get("nodes", "node-1")
    assert lease["spec"]["holderIdentity"] == "node-1"
    assert lease["spec"]["leaseDurationSeconds"] == 40
    times = []
    for _ in range(4):
        kernel.run_for(10)
        times.append(nadmin.get("leases", "node-1", "kube-node-lease")["spec"]["renewTime"])
    assert times == ["2025-01-01T00:00:10.000000Z", "2025-01-01T00:00:20.000000Z",
                     "2025-01-01T00:00:30.000000Z", "2025-01-01T00:00:40.000000Z"]
    lease = nadmin.get("leases", "node-1", "kube-node-lease")
    assert lease["metadata"]["ownerReferences"] == [
        {"apiVersion": "v1", "kind": "Node", "name": "node-1", "uid": node["metadata"]["uid"]}]


def test_node_status_is_patched_on_change_or_every_five_minutes(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    k = kubelet("node-1")
    kernel.run_for(60)
    assert k.node_status.reports == 0  # heartbeats go to the Lease, status only on change
    heartbeat = condition(nadmin.get("nodes", "node-1"), "Ready")["lastHeartbeatTime"]
    kernel.run_for(250)
    node = nadmin.get("nodes", "node-1")
    assert k.node_status.reports == 1
    assert condition(node, "Ready")["lastHeartbeatTime"] == "2025-01-01T00:05:00Z" != heartbeat
    assert condition(node, "Ready")["lastTransitionTime"] == "2025-01-01T00:00:00Z"


def test_a_stopped_kubelet_stops_renewing_and_comes_back(kubelet: MakeKubelet, nadmin: Client,
                                                        kernel: Kernel) -> None:
    k = kubelet("node-1", images=["nginx:1.27"])
    nadmin.create("pods", make_pod("web"))
    kernel.run_until_idle(60)
    k.stop()
    renewed = nadmin.get("leases", "node-1", "kube-node-lease")["spec"]["renewTime"]
    kernel.run_for(120)
    assert nadmin.get("leases", "node-1", "kube-node-lease")["spec"]["renewTime"] == renewed
    assert k.runtime.list_containers()[0].state == "CONTAINER_RUNNING"  # containers live on
    k.start()
    kernel.run_for(1)
    lease = nadmin.get("leases", "node-1", "kube-node-lease")
    assert lease["spec"]["renewTime"] > renewed
    assert [e[0] for e in events_of(nadmin, "node-1")].count("Starting") == 1  # aggregated
    assert nadmin.list("events", "default")["items"][0]["count"] == 2
    pod = nadmin.get("pods", "web", "default")
    assert pod["status"]["phase"] == "Running"
    assert len(k.runtime.list_containers()) == 1  # adopted, not restarted


def test_a_pod_deleted_while_the_kubelet_is_down_terminates_when_it_returns(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    k = kubelet("node-1", images=["nginx:1.27"])
    nadmin.create("pods", make_pod("web"))
    nadmin.create("pods", make_pod("gone"))
    kernel.run_until_idle(60)
    k.stop()
    nadmin.delete("pods", "web", "default")
    nadmin.delete("pods", "gone", "default", grace_period_seconds=0)  # --force
    kernel.run_for(60)
    # nobody finishes the graceful deletion: the pod stays Terminating
    assert nadmin.get("pods", "web", "default")["metadata"]["deletionTimestamp"]
    assert len(k.runtime.list_containers()) == 2
    k.start()
    assert kernel.run_until_idle(60)
    assert not nadmin.list("pods", "default")["items"]
    assert k.runtime.containers == {}  # the force-deleted pod's container was cleaned up too


def test_the_kubelet_writes_back_a_status_changed_by_someone_else(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    kubelet("node-1", images=["nginx:1.27"])
    nadmin.create("pods", make_pod("web"))
    kernel.run_until_idle(60)
    pod = nadmin.get("pods", "web", "default")
    ready = condition(pod, "Ready")
    ready["status"] = "False"  # what MarkPodsNotReady writes
    nadmin.update_status("pods", pod)
    assert kernel.run_until_idle(60)
    assert condition(nadmin.get("pods", "web", "default"), "Ready")["status"] == "True"
