"""Static pods, mirror pods, and the control plane as kubeadm runs it."""

from __future__ import annotations

from collections.abc import Callable

from k8s_internals.client.client import Client
from k8s_internals.node.kubelet import Kubelet, control_plane_manifests
from k8s_internals.sim import Kernel

from .kubelet_helpers import condition, container_status

MakeKubelet = Callable[..., Kubelet]

CONTROL_PLANE_IMAGES = ["registry.k8s.io/etcd:3.5.16-0", "registry.k8s.io/kube-apiserver:v1.32.0",
                        "registry.k8s.io/kube-controller-manager:v1.32.0",
                        "registry.k8s.io/kube-scheduler:v1.32.0"]


def test_control_plane_manifests_are_kubeadms() -> None:
    etcd, apiserver, kcm, scheduler = control_plane_manifests("cp", "172.18.0.2")
    assert [m["metadata"]["name"] for m in (etcd, apiserver, kcm, scheduler)] == [
        "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]
    assert all(m["metadata"]["namespace"] == "kube-system" and m["spec"]["hostNetwork"]
               and m["spec"]["priorityClassName"] == "system-node-critical"
               for m in (etcd, apiserver, kcm, scheduler))
    c = apiserver["spec"]["containers"][0]
    assert c["image"] == "registry.k8s.io/kube-apiserver:v1.32.0"
    assert "--authorization-mode=Node,RBAC" in c["command"]
    assert "--service-cluster-ip-range=10.96.0.0/12" in c["command"]
    assert c["livenessProbe"]["httpGet"] == {"host": "172.18.0.2", "path": "/livez",
                                             "port": 6443, "scheme": "HTTPS"}
    assert "--cluster-cidr=10.244.0.0/16" in kcm["spec"]["containers"][0]["command"]
    assert etcd["spec"]["containers"][0]["image"] == "registry.k8s.io/etcd:3.5.16-0"


def test_the_control_plane_runs_as_static_pods_with_mirror_pods(
        kubelet: MakeKubelet, nadmin: Client, kernel: Kernel) -> None:
    k = kubelet("node-1", images=CONTROL_PLANE_IMAGES,
                static_pods=control_plane_manifests("node-1", "172.18.0.2"))
    assert kernel.run_until_idle(120)
    node = nadmin.get("nodes", "node-1")
    pods = {p["metadata"]["name"]: p for p in nadmin.list("pods", "kube-system")["items"]}
    assert sorted(pods) == ["etcd-node-1", "kube-apiserver-node-1",
                            "kube-controller-manager-node-1", "kube-scheduler-node-1"]
    api = pods["kube-apiserver-node-1"]
    ann = api["metadata"]["annotations"]
    static = next(p for p in k.static.values() if p["metadata"]["name"] == "kube-apiserver-node-1")
    assert ann["kubernetes.io/config.source"] == "file"
    assert ann["kubernetes.io/config.mirror"] == ann["kubernetes.io/config.hash"] == \
        static["metadata"]["uid"]
    assert len(static["metadata"]["uid"]) == 32
    assert api["metadata"]["uid"] != static["metadata"]["uid"]
    assert api["metadata"]["ownerReferences"] == [
        {"apiVersion": "v1", "kind": "Node", "name": "node-1", "uid": node["metadata"]["uid"],
         "controller": True}]
    assert {"operator": "Exists", "effect": "NoExecute"} in api["spec"]["tolerations"]
    assert api["status"]["phase"] == "Running"
    assert api["status"]["podIP"] == "172.18.0.2"  # hostNetwork
    assert condition(api, "Ready")["status"] == "True"  # after its startup probe passed
    assert container_status(api, "kube-apiserver")["started"] is True
    assert k.logs("kube-system", "kube-apiserver-node-1").splitlines()[0].endswith(
        "options.go:228] external host was not specified, using 172.18.0.2")


def test_deleting_a_mirror_pod_does_not_stop_the_static_pod(kubelet: MakeKubelet,
                                                            nadmin: Client,
                                                            kernel: Kernel) -> None:
    k = kubelet("node-1", images=CONTROL_PLANE_IMAGES[3:],
                static_pods=control_plane_manifests("node-1", "172.18.0.2")[3:])
    assert kernel.run_until_idle(120)
    before = nadmin.get("pods", "kube-scheduler-node-1", "kube-system")
    containers = dict(k.runtime.containers)
    nadmin.delete("pods", "kube-scheduler-node-1", "kube-system")
    assert kernel.run_until_idle(120)
    after = nadmin.get("pods", "kube-scheduler-node-1", "kube-system")
    assert after["metadata"]["uid"] != before["metadata"]["uid"]  # a new mirror pod
    assert k.runtime.containers.keys() == containers.keys()  # the same container runs on
    assert after["status"]["phase"] == "Running"


def test_removing_a_manifest_stops_the_pod_and_deletes_its_mirror(kubelet: MakeKubelet,
                                                                  nadmin: Client,
                                                                  kernel: Kernel) -> None:
    k = kubelet("node-1", images=["nginx:1.27"])
    manifest = {"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "static-web", "namespace": "default"},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}
    k.add_static_pod(manifest)
    assert kernel.run_until_idle(60)
    mirror = nadmin.get("pods", "static-web-node-1", "default")
    assert mirror["status"]["phase"] == "Running"
    assert mirror["status"]["podIP"] == "10.244.1.2"
    k.remove_static_pod("static-web")
    assert kernel.run_until_idle(60)
    assert not nadmin.list("pods", "default")["items"]
    assert k.runtime.containers == {} and k.runtime.sandboxes == {}


def test_static_pods_run_before_the_node_is_registered(kubelet: MakeKubelet, nadmin: Client,
                                                      kernel: Kernel) -> None:
    """The kubelet does not need the API server to run its static pods (that is how the API
    server itself starts)."""
    manifests = control_plane_manifests("node-2", "172.18.0.3")[1:2]
    k = kubelet("node-2", images=CONTROL_PLANE_IMAGES, static_pods=manifests, start=False)
    # the kubelet of node-2 with node-3's credentials: NodeRestriction refuses to let it register
    k.client.token = "node-3-token"
    k.start()
    kernel.run_for(5)
    assert [c.config.name for c in k.runtime.list_containers()] == ["kube-apiserver"]
    assert not nadmin.list("pods", "kube-system")["items"]
    assert nadmin.list("events", "default", field_selector="reason=KubeletSetupFailed")["items"]
