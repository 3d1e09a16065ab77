"""What ``kubeadm init`` creates after the control plane is up, as objects: the ``kubernetes``
Service's endpoints, the kube-proxy DaemonSet and the CoreDNS Deployment with the ``kube-dns``
Service, and the RBAC they need.

Upstream: ``cmd/kubeadm/app/phases/addons/proxy/manifests.go`` (kube-proxy DaemonSet, ConfigMap,
ServiceAccount, ``kubeadm:node-proxier`` ClusterRoleBinding), ``addons/dns/manifests.go``
(CoreDNS Deployment with 2 replicas, ``coredns`` ConfigMap with the Corefile, ``kube-dns``
Service at the 10th address of the service range, ``system:coredns`` ClusterRole and binding),
and the API server's ``kubernetes`` Service (``pkg/controlplane/controller/kubernetesservice``:
ClusterIP 10.96.0.1, port ``https`` 443 → 6443, endpoints = the API server's advertise address).

Taught in notebooks/01-architecture.ipynb.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "COREDNS_IMAGE",
    "KUBERNETES_VERSION",
    "KUBE_DNS_IP",
    "KUBE_PROXY_IMAGE",
    "coredns_objects",
    "kube_proxy_objects",
    "kubernetes_service_objects",
]

KUBERNETES_VERSION = "v1.32.0"
KUBE_PROXY_IMAGE = f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}"
COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.11.3"
KUBE_DNS_IP = "10.96.0.10"
KUBERNETES_SERVICE_IP = "10.96.0.1"

Obj = dict[str, Any]


def kubernetes_service_objects(advertise_address: str, port: int = 6443) -> list[Obj]:
    """The ``default/kubernetes`` Service and the Endpoints / EndpointSlice the API server keeps
    pointing at itself."""
    labels = {"component": "apiserver", "provider": "kubernetes"}
    return [
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kubernetes", "namespace": "default", "labels": labels},
         "spec": {"type": "ClusterIP", "clusterIP": KUBERNETES_SERVICE_IP,
                  "sessionAffinity": "None",
                  "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                             "targetPort": port}]}},
        {"apiVersion": "v1", "kind": "Endpoints",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
         "subsets": [{"addresses": [{"ip": advertise_address}],
                      "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}]},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"kubernetes.io/service-name": "kubernetes"}},
         "addressType": "IPv4",
         "endpoints": [{"addresses": [advertise_address],
                        "conditions": {"ready": True}}],
         "ports": [{"name": "https", "port": port, "protocol": "TCP"}]},
    ]


def kube_proxy_objects(mode: str, cluster_cidr: str = "10.244.0.0/16") -> list[Obj]:
    config = (
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
        f"clusterCIDR: {cluster_cidr}\n"
        "kind: KubeProxyConfiguration\n"
        f"mode: {mode if mode != 'userspace' else 'userspace'}\n"
    )
    labels = {"k8s-app": "kube-proxy"}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": "kube-proxy", "namespace": "kube-system"}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": "kubeadm:node-proxier"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                     "name": "system:node-proxier"},
         "subjects": [{"kind": "ServiceAccount", "name": "kube-proxy",
                       "namespace": "kube-system"}]},
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {
             "app": "kube-proxy"}},
         "data": {"config.conf": config}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet",
         "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": labels},
         "spec": {
             "selector": {"matchLabels": labels},
             "template": {
                 "metadata": {"labels": labels},
                 "spec": {
                     "containers": [{
                         "name": "kube-proxy", "image": KUBE_PROXY_IMAGE,
                         "command": ["/usr/local/bin/kube-proxy",
                                     "--config=/var/lib/kube-proxy/config.conf",
                                     "--hostname-override=$(NODE_NAME)"],
                         "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {
                             "apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                         "securityContext": {"privileged": True},
                     }],
                     "hostNetwork": True,
                     "nodeSelector": {"kubernetes.io/os": "linux"},
                     "priorityClassName": "system-node-critical",
                     "serviceAccountName": "kube-proxy",
                     "tolerations": [{"operator": "Exists"}],
                 },
             },
             "updateStrategy": {"type": "RollingUpdate"},
         }},
    ]


COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""


def coredns_objects(replicas: int = 2) -> list[Obj]:
    labels = {"k8s-app": "kube-dns"}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": "coredns", "namespace": "kube-system"}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": "system:coredns"},
         "rules": [
             {"apiGroups": [""], "resources": ["endpoints", "services", "pods", "namespaces"],
              "verbs": ["list", "watch"]},
             {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]},
             {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"],
              "verbs": ["list", "watch"]},
         ]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": "system:coredns"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                     "name": "system:coredns"},
         "subjects": [{"kind": "ServiceAccount", "name": "coredns",
                       "namespace": "kube-system"}]},
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "coredns", "namespace": "kube-system"},
         "data": {"Corefile": COREFILE}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "coredns", "namespace": "kube-system", "labels": labels},
         "spec": {
             "replicas": replicas,
             "selector": {"matchLabels": labels},
             "strategy": {"type": "RollingUpdate",
                          "rollingUpdate": {"maxUnavailable": 1}},
             "template": {
                 "metadata": {"labels": labels},
                 "spec": {
                     "containers": [{
                         "name": "coredns", "image": COREDNS_IMAGE,
                         "args": ["-conf", "/etc/coredns/Corefile"],
                         "ports": [
                             {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                             {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                             {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
                         ],
                         "resources": {"limits": {"memory": "170Mi"},
                                       "requests": {"cpu": "100m", "memory": "70Mi"}},
                         "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181}},
                         "livenessProbe": {"httpGet": {"path": "/health", "port": 8080},
                                           "initialDelaySeconds": 60, "timeoutSeconds": 5,
                                           "failureThreshold": 5},
                     }],
                     "dnsPolicy": "Default",
                     "nodeSelector": {"kubernetes.io/os": "linux"},
                     "priorityClassName": "system-cluster-critical",
                     "serviceAccountName": "coredns",
                     "tolerations": [
                         {"key": "CriticalAddonsOnly", "operator": "Exists"},
                         {"key": "node-role.kubernetes.io/control-plane",
                          "effect": "NoSchedule"},
                     ],
                 },
             },
         }},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": "kube-system",
                      "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                 "kubernetes.io/name": "CoreDNS"},
                      "annotations": {"prometheus.io/port": "9153",
                                      "prometheus.io/scrape": "true"}},
         "spec": {"clusterIP": KUBE_DNS_IP, "selector": labels,
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP",
                             "targetPort": 53},
                            {"name": "metrics", "port": 9153, "protocol": "TCP",
                             "targetPort": 9153}]}},
    ]
