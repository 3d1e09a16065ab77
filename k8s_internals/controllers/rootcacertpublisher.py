"""root-ca-cert-publisher: a ``kube-root-ca.crt`` ConfigMap in every namespace, holding the
cluster's CA certificate, so that service-account token volumes (the ``kube-api-access-*``
projected volume the ServiceAccount admission plugin adds) can mount ``ca.crt``.

Mirrors ``pkg/controller/certificates/rootcacertpublisher/publisher.go``: handlers enqueue the
namespace of every namespace add/update and of every change to a ConfigMap named
``kube-root-ca.crt``; ``sync`` creates the ConfigMap if missing and restores its data if someone
changed it. The ConfigMap carries the annotation ``kubernetes.io/description`` upstream sets.
"""

from __future__ import annotations

from typing import Any

from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..sim import Kernel
from .base import Controller

__all__ = ["ROOT_CA_CONFIGMAP", "RootCACertPublisher"]

ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters."
)


class RootCACertPublisher(Controller):
    name = "root-ca-certificate-publisher-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory,
                 root_ca: str = "") -> None:
        super().__init__(client, kernel, factory)
        self.root_ca = root_ca or _SIMULATED_CA
        self.namespaces = self.informer("namespaces")
        self.configmaps = self.informer("configmaps")
        self.namespaces.add_event_handler(on_add=self.enqueue,
                                          on_update=lambda old, new: self.enqueue(new))
        self.configmaps.add_event_handler(on_update=lambda old, new: self._on_cm(new),
                                          on_delete=self._on_cm)

    def _on_cm(self, obj: Any) -> None:
        cm = getattr(obj, "obj", obj)
        meta = cm.get("metadata", {}) if isinstance(cm, dict) else {}
        if meta.get("name") == ROOT_CA_CONFIGMAP and meta.get("namespace"):
            self.enqueue_key(meta["namespace"])

    def sync(self, key: str) -> None:
        ns = self.namespaces.get(key)
        if ns is None or ns.get("status", {}).get("phase") == "Terminating":
            return
        data = {"ca.crt": self.root_ca}
        cm = self.configmaps.get(f"{key}/{ROOT_CA_CONFIGMAP}")
        if cm is None:
            try:
                self.client.create("configmaps", {
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": ROOT_CA_CONFIGMAP, "namespace": key,
                                 "annotations": {"kubernetes.io/description": DESCRIPTION}},
                    "data": data}, key)
            except ApiError as exc:
                if exc.code not in (409, 403, 404):  # exists / namespace going away
                    raise
            return
        if cm.get("data") != data:
            self.client.patch("configmaps", ROOT_CA_CONFIGMAP, {"data": data}, key)


#: what the simulated cluster's CA looks like in the ConfigMap when no real CA is given
#: (``serve`` passes the real one it generated)
_SIMULATED_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAVMRMwEQYDVQQDEwprdWJlcm5ldGVz\n"
    "(simulated cluster CA: k8s-internals does not issue certificates in the simulation)\n"
    "-----END CERTIFICATE-----\n"
)
