"""Static pods and their mirror pods — and the control plane as kubeadm lays it out.

A *static pod* comes from a manifest file the kubelet reads itself (``staticPodPath``,
``/etc/kubernetes/manifests``), not from the API server: it runs even when there is no API
server — which is how kubeadm runs the API server itself, with etcd, the controller manager and
the scheduler, as static pods of the control-plane node. (The seed's section I says components
"run as pods in kube-system": these are those pods; the kubelet itself is a systemd service.)

Upstream ``pkg/kubelet/config/common.go`` (``applyDefaults``) gives a static pod:

- the name ``<name>-<node>`` (``etcd-node-1``), namespace ``default`` unless set;
- a UID that is the MD5 of the manifest, the node and the file (``kubernetes.io/config.hash``),
  ``kubernetes.io/config.source: file``, ``kubernetes.io/config.seen``;
- ``spec.nodeName`` = this node, and a toleration of every ``NoExecute`` taint.

So that ``kubectl get pods -n kube-system`` shows it, the kubelet creates a *mirror pod*
(``pkg/kubelet/pod/mirror_client.go``): a copy with ``kubernetes.io/config.mirror`` and an owner
reference to the Node (what NodeRestriction requires of a kubelet creating a pod). Deleting the
mirror pod does not stop the static pod: the kubelet deletes it for good (grace period 0) and
creates it again. Its status is the static pod's, reported by the kubelet.

:func:`control_plane_manifests` writes kubeadm's four manifests (``cmd/kubeadm/app/phases/
controlplane/manifests.go``, ``phases/etcd/local.go`` as of v1.32).

Taught in notebooks/01-architecture.ipynb.

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from ...api.defaults import apply_defaults
from ..images import ETCD_VERSION, KUBERNETES_VERSION

__all__ = [
    "CONFIG_HASH",
    "CONFIG_MIRROR",
    "CONFIG_SEEN",
    "CONFIG_SOURCE",
    "STATIC_POD_PATH",
    "control_plane_manifests",
    "is_mirror_pod",
    "is_mirror_pod_of",
    "is_static_pod",
    "mirror_pod",
    "static_pod",
]

CONFIG_HASH = "kubernetes.io/config.hash"
CONFIG_MIRROR = "kubernetes.io/config.mirror"
CONFIG_SEEN = "kubernetes.io/config.seen"
CONFIG_SOURCE = "kubernetes.io/config.source"
STATIC_POD_PATH = "/etc/kubernetes/manifests"

JSON = dict[str, Any]


def static_pod(manifest: JSON, node_name: str, seen: str, path: str | None = None) -> JSON:
    """``applyDefaults`` for a pod read from ``path`` on ``node_name``."""
    pod = copy.deepcopy(manifest)
    pod.setdefault("apiVersion", "v1")
    pod.setdefault("kind", "Pod")
    meta = pod.setdefault("metadata", {})
    meta.pop("creationTimestamp", None)
    pod.pop("status", None)
    name = meta.get("name", "")
    source = path or f"{STATIC_POD_PATH}/{name}.yaml"
    if not meta.get("uid"):
        h = hashlib.md5(json.dumps(pod, sort_keys=True).encode())
        h.update(f"host:{node_name}".encode())
        h.update(f"file:{source}".encode())
        meta["uid"] = h.hexdigest()
    meta["name"] = f"{name}-{node_name.lower()}"
    meta["namespace"] = meta.get("namespace") or "default"
    spec = pod.setdefault("spec", {})
    spec["nodeName"] = node_name
    ann = meta.setdefault("annotations", {})
    ann[CONFIG_HASH] = meta["uid"]
    ann[CONFIG_SEEN] = seen
    ann[CONFIG_SOURCE] = "file"
    tolerations = spec.setdefault("tolerations", [])
    if not any(t.get("operator") == "Exists" and t.get("effect") == "NoExecute"
               and not t.get("key") for t in tolerations):
        tolerations.append({"operator": "Exists", "effect": "NoExecute"})
    apply_defaults(pod)
    pod["status"] = {"phase": "Pending"}
    return pod


def is_static_pod(pod: JSON) -> bool:
    ann = (pod.get("metadata") or {}).get("annotations") or {}
    return ann.get(CONFIG_SOURCE, "api") != "api" and CONFIG_MIRROR not in ann


def is_mirror_pod(pod: JSON) -> bool:
    return CONFIG_MIRROR in ((pod.get("metadata") or {}).get("annotations") or {})


def is_mirror_pod_of(mirror: JSON, pod: JSON) -> bool:
    """``IsMirrorPodOf``: same full name and the mirror's hash is the static pod's."""
    mm, pm = mirror.get("metadata") or {}, pod.get("metadata") or {}
    if (mm.get("name"), mm.get("namespace")) != (pm.get("name"), pm.get("namespace")):
        return False
    return bool((mm.get("annotations") or {}).get(CONFIG_MIRROR) == (pm.get("annotations") or
                                                                     {}).get(CONFIG_HASH))


def mirror_pod(pod: JSON, node_name: str, node_uid: str) -> JSON:
    """``CreateMirrorPod``'s copy: ``kubernetes.io/config.mirror`` and the Node as owner."""
    m = copy.deepcopy(pod)
    meta = m["metadata"]
    meta.pop("uid", None)
    meta.pop("resourceVersion", None)
    meta["annotations"] = dict(meta.get("annotations") or {})
    meta["annotations"][CONFIG_MIRROR] = meta["annotations"].get(CONFIG_HASH, "")
    meta["ownerReferences"] = [{"apiVersion": "v1", "kind": "Node", "name": node_name,
                                "uid": node_uid, "controller": True}]
    m["status"] = {"phase": "Pending"}
    return m


# --------------------------------------------------------------------------------------------
# kubeadm's control plane
# --------------------------------------------------------------------------------------------


def _host_path(name: str, path: str, type_: str = "DirectoryOrCreate") -> JSON:
    return {"name": name, "hostPath": {"path": path, "type": type_}}


def _mount(name: str, path: str, read_only: bool = True) -> JSON:
    m: JSON = {"name": name, "mountPath": path}
    if read_only:
        m["readOnly"] = True
    return m


def _probe(host: str, path: str, port: int, scheme: str, failure: int, *,
           initial: int | None = 10, period: int = 10) -> JSON:
    p: JSON = {"failureThreshold": failure,
               "httpGet": {"host": host, "path": path, "port": port, "scheme": scheme}}
    if initial is not None:
        p["initialDelaySeconds"] = initial
    p["periodSeconds"] = period
    p["timeoutSeconds"] = 15
    return p


_CA_VOLUMES = [
    ("ca-certs", "/etc/ssl/certs"), ("etc-ca-certificates", "/etc/ca-certificates"),
    ("k8s-certs", "/etc/kubernetes/pki"),
    ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates"),
    ("usr-share-ca-certificates", "/usr/share/ca-certificates"),
]


def _component_pod(name: str, container: JSON, volumes: list[JSON],
                   annotations: dict[str, str] | None = None) -> JSON:
    meta: JSON = {"creationTimestamp": None, "labels": {"component": name,
                                                       "tier": "control-plane"},
                  "name": name, "namespace": "kube-system"}
    if annotations:
        meta = {"annotations": annotations, **meta}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [container], "hostNetwork": True,
                     "priority": 2000001000, "priorityClassName": "system-node-critical",
                     "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                     "volumes": volumes},
            "status": {}}


def control_plane_manifests(
    node_name: str,
    advertise_address: str,
    *,
    kubernetes_version: str = KUBERNETES_VERSION,
    etcd_version: str = ETCD_VERSION,
    image_repository: str = "registry.k8s.io",
    pod_subnet: str = "10.244.0.0/16",
    service_subnet: str = "10.96.0.0/12",
    cluster_name: str = "kubernetes",
    bind_port: int = 6443,
) -> list[JSON]:
    """kubeadm's static pod manifests for a control-plane node: ``etcd``, ``kube-apiserver``,
    ``kube-controller-manager``, ``kube-scheduler`` (as ``kubeadm init`` writes them to
    ``/etc/kubernetes/manifests`` for v1.32)."""
    ip = advertise_address
    etcd = _component_pod("etcd", {
        "command": [
            "etcd", f"--advertise-client-urls=https://{ip}:2379",
            "--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd", "--experimental-initial-corrupt-check=true",
            "--experimental-watch-progress-notify-interval=5s",
            f"--initial-advertise-peer-urls=https://{ip}:2380",
            f"--initial-cluster={node_name}=https://{ip}:2380",
            "--key-file=/etc/kubernetes/pki/etcd/server.key",
            f"--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            f"--listen-peer-urls=https://{ip}:2380", f"--name={node_name}",
            "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
            "--peer-client-cert-auth=true", "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
            "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt", "--snapshot-count=10000",
            "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"],
        "image": f"{image_repository}/etcd:{etcd_version}",
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": _probe("127.0.0.1", "/livez", 2381, "HTTP", 8),
        "name": "etcd",
        "readinessProbe": _probe("127.0.0.1", "/readyz", 2381, "HTTP", 3, initial=None,
                                 period=1),
        "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}},
        "startupProbe": _probe("127.0.0.1", "/readyz", 2381, "HTTP", 24),
        "volumeMounts": [_mount("etcd-data", "/var/lib/etcd", False),
                         _mount("etcd-certs", "/etc/kubernetes/pki/etcd", False)],
    }, [_host_path("etcd-certs", "/etc/kubernetes/pki/etcd"),
        _host_path("etcd-data", "/var/lib/etcd")],
        {"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{ip}:2379"})
    apiserver = _component_pod("kube-apiserver", {
        "command": [
            "kube-apiserver", f"--advertise-address={ip}", "--allow-privileged=true",
            "--authorization-mode=Node,RBAC", "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--enable-admission-plugins=NodeRestriction", "--enable-bootstrap-token-auth=true",
            "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
            "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
            "--etcd-servers=https://127.0.0.1:2379",
            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
            "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
            "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-username-headers=X-Remote-User", f"--secure-port={bind_port}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
            "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
            f"--service-cluster-ip-range={service_subnet}",
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
            "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key"],
        "image": f"{image_repository}/kube-apiserver:{kubernetes_version}",
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": _probe(ip, "/livez", bind_port, "HTTPS", 8),
        "name": "kube-apiserver",
        "readinessProbe": _probe(ip, "/readyz", bind_port, "HTTPS", 3, initial=None, period=1),
        "resources": {"requests": {"cpu": "250m"}},
        "startupProbe": _probe(ip, "/livez", bind_port, "HTTPS", 24),
        "volumeMounts": [_mount(n, p) for n, p in _CA_VOLUMES],
    }, [_host_path(n, p) for n, p in _CA_VOLUMES],
        {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint":
         f"{ip}:{bind_port}"})
    kcm_volumes = [*_CA_VOLUMES[:2],
                   ("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec"),
                   *_CA_VOLUMES[2:3],
                   ("kubeconfig", "/etc/kubernetes/controller-manager.conf"),
                   *_CA_VOLUMES[3:]]
    kcm = _component_pod("kube-controller-manager", {
        "command": [
            "kube-controller-manager", "--allocate-node-cidrs=true",
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--bind-address=127.0.0.1", "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            f"--cluster-cidr={pod_subnet}", f"--cluster-name={cluster_name}",
            "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
            "--controllers=*,bootstrapsigner,tokencleaner",
            "--kubeconfig=/etc/kubernetes/controller-manager.conf", "--leader-elect=true",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
            "--root-ca-file=/etc/kubernetes/pki/ca.crt",
            "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
            f"--service-cluster-ip-range={service_subnet}",
            "--use-service-account-credentials=true"],
        "image": f"{image_repository}/kube-controller-manager:{kubernetes_version}",
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": _probe("127.0.0.1", "/healthz", 10257, "HTTPS", 8),
        "name": "kube-controller-manager",
        "resources": {"requests": {"cpu": "200m"}},
        "startupProbe": _probe("127.0.0.1", "/healthz", 10257, "HTTPS", 24),
        "volumeMounts": [_mount(n, p, n != "flexvolume-dir") for n, p in kcm_volumes],
    }, [_host_path(n, p, "FileOrCreate" if n == "kubeconfig" else "DirectoryOrCreate")
        for n, p in kcm_volumes])
    scheduler = _component_pod("kube-scheduler", {
        "command": [
            "kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf",
            "--leader-elect=true"],
        "image": f"{image_repository}/kube-scheduler:{kubernetes_version}",
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": _probe("127.0.0.1", "/healthz", 10259, "HTTPS", 8),
        "name": "kube-scheduler",
        "resources": {"requests": {"cpu": "100m"}},
        "startupProbe": _probe("127.0.0.1", "/healthz", 10259, "HTTPS", 24),
        "volumeMounts": [_mount("kubeconfig", "/etc/kubernetes/scheduler.conf")],
    }, [_host_path("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate")])
    return [etcd, apiserver, kcm, scheduler]
