"""``kubectl describe``: full-text snapshots of a pod, a node and a deployment built through
the API (the layout rules are upstream's: ``Key:\\tvalue`` lines through a tab writer with
padding 2, blocks broken by lines without a tab, the Events table last)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.client.record import EventRecorder
from k8s_internals.kubectl import Kubectl
from k8s_internals.sim import Kernel
from tests.kubectl.conftest import make_pod, running_status, set_pod_status

DATA = Path(__file__).parent / "data"


def _snapshot(name: str, volume: str = "") -> str:
    """A snapshot in ``data/`` (``@VOLUME@`` stands for the generated volume name)."""
    return (DATA / name).read_text().replace("@VOLUME@", volume)


def _typed(kind: str, api_version: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, **obj}


@pytest.fixture
def node_and_pod(admin: Client, kernel: Kernel) -> str:
    """A ready control-plane node with a lease, a Burstable pod on it, and its events.
    Returns the pod's service-account volume name (generated)."""
    node = admin.create("nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {
        "name": "node-1", "labels": {"kubernetes.io/hostname": "node-1",
                                     "node-role.kubernetes.io/control-plane": ""}},
        "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"],
                 "taints": [{"key": "node-role.kubernetes.io/control-plane",
                             "effect": "NoSchedule"}]}})
    resources = {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi"}
    node["status"] = {
        "capacity": resources, "allocatable": resources,
        "conditions": [{"type": "Ready", "status": "True",
                        "lastHeartbeatTime": "2025-01-01T00:00:10Z",
                        "lastTransitionTime": "2025-01-01T00:00:00Z", "reason": "KubeletReady",
                        "message": "kubelet is posting ready status"}],
        "addresses": [{"type": "InternalIP", "address": "192.168.0.2"},
                      {"type": "Hostname", "address": "node-1"}],
        "nodeInfo": {"machineID": "m1", "systemUUID": "u1", "bootID": "b1",
                     "kernelVersion": "6.1.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                     "operatingSystem": "linux", "architecture": "amd64",
                     "containerRuntimeVersion": "containerd://1.7.0",
                     "kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0"}}
    admin.update_status("nodes", node)
    admin.create("leases", {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                            "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
                            "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40,
                                     "renewTime": "2025-01-01T00:00:10.000000Z"}})
    make_pod(admin, "web", labels={"app": "web"}, containers=[{
        "name": "app", "image": "nginx:1.27",
        "resources": {"requests": {"cpu": "250m", "memory": "64Mi"},
                      "limits": {"cpu": "500m", "memory": "128Mi"}},
        "env": [{"name": "MODE", "value": "prod"},
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
        "ports": [{"containerPort": 8080, "name": "http"}]}])
    kernel.run_for(5)
    set_pod_status(admin, "web", running_status(), node="node-1")
    pod = _typed("Pod", "v1", admin.get("pods", "web", "default"))
    EventRecorder(admin, kernel, "default-scheduler").event(
        pod, "Normal", "Scheduled", "Successfully assigned default/web to node-1")
    kubelet = EventRecorder(admin, kernel, "kubelet", "node-1")
    kernel.run_for(1)
    kubelet.event(pod, "Normal", "Pulled",
                  'Container image "nginx:1.27" already present on machine',
                  "spec.containers{app}")
    kernel.run_for(2)
    for _ in range(3):
        kubelet.event(pod, "Warning", "Unhealthy",
                      "Readiness probe failed: HTTP probe failed with statuscode: 500",
                      "spec.containers{app}")
        kernel.run_for(10)
    kernel.run_for(60)
    return str(pod["spec"]["volumes"][0]["name"])


def test_describe_pod(kubectl: Kubectl, node_and_pod: str) -> None:
    vol = node_and_pod
    assert kubectl.run("describe pod web") == _snapshot("describe-pod.txt", volume=vol)


def test_describe_node(kubectl: Kubectl, node_and_pod: str) -> None:
    assert kubectl.run("describe node node-1") == _snapshot("describe-node.txt")
    assert kubectl.run("get nodes -o wide") == (
        "NAME     STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE"
        "                         KERNEL-VERSION   CONTAINER-RUNTIME\n"
        "node-1   Ready    control-plane   98s   v1.32.0   192.168.0.2   <none>        Debian "
        "GNU/Linux 12 (bookworm)   6.1.0            containerd://1.7.0\n")


def test_describe_deployment_with_replica_sets_and_events(kubectl: Kubectl, admin: Client,
                                                          kernel: Kernel) -> None:
    kubectl.run("create deployment kubia --image=luksa/kubia:v1 --replicas=3")
    dep = admin.get("deployments", "kubia", "default")
    dep["status"] = {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
                     "readyReplicas": 3, "availableReplicas": 3,
                     "conditions": [{"type": "Available", "status": "True",
                                     "reason": "MinimumReplicasAvailable"},
                                    {"type": "Progressing", "status": "True",
                                     "reason": "NewReplicaSetAvailable"}]}
    admin.update_status("deployments", dep)
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "kubia",
             "uid": dep["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}
    template = dict(dep["spec"]["template"])
    template["metadata"] = {"labels": {"app": "kubia", "pod-template-hash": "5b8f4d"}}
    admin.create("replicasets", {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "kubia-5b8f4d", "namespace": "default",
                     "labels": {"app": "kubia", "pod-template-hash": "5b8f4d"},
                     "annotations": {"deployment.kubernetes.io/revision": "1"},
                     "ownerReferences": [owner]},
        "spec": {"replicas": 3, "selector": {"matchLabels": {
            "app": "kubia", "pod-template-hash": "5b8f4d"}}, "template": template}})
    rec = EventRecorder(admin, kernel, "deployment-controller")
    rec.event(_typed("Deployment", "apps/v1", dep), "Normal", "ScalingReplicaSet",
              "Scaled up replica set kubia-5b8f4d from 0 to 3")
    kernel.run_for(120)
    assert kubectl.run("describe deploy kubia") == _snapshot("describe-deployment.txt")
    rs = kubectl.run("describe rs kubia-5b8f4d")
    assert rs.startswith("Name:           kubia-5b8f4d\nNamespace:      default\n"
                         "Selector:       app=kubia,pod-template-hash=5b8f4d\n")
    assert "Controlled By:  Deployment/kubia\nReplicas:       0 current / 3 desired\n" in rs
    assert "Pods Status:    0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in rs


def test_describe_others(kubectl: Kubectl, admin: Client) -> None:
    assert kubectl.run("describe ns default") == (
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\n"
        "No LimitRange resource.\n")
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "cfg", "namespace": "default"},
                                "data": {"a": "1", "b.txt": "x\ny"}})
    assert kubectl.run("describe cm cfg") == (
        "Name:         cfg\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n"
        "\nData\n====\na:\n----\n1\n\nb.txt:\n----\nx\ny\n\n\nBinaryData\n====\n\n"
        "Events:  <none>\n")
    out = kubectl.run("describe sa")
    assert out == ("Name:                default\nNamespace:           default\n"
                   "Labels:              <none>\nAnnotations:         <none>\n"
                   "Image pull secrets:  <none>\nEvents:              <none>\n")


def test_describe_prefix_match_and_errors(kubectl: Kubectl, admin: Client) -> None:
    make_pod(admin, "web-1")
    make_pod(admin, "web-2")
    out = kubectl.run("describe pods web")
    assert out.startswith("Name:             web-1\n")
    # objects are separated by "\n\n" after a text that ends with a newline
    assert "Events:                      <none>\n\n\nName:             web-2\n" in out
    assert kubectl.run("describe pod nope") == (
        'Error from server (NotFound): pods "nope" not found\n')
    assert kubectl.run("describe pods -n kube-public") == (
        "No resources found in kube-public namespace.\n")
