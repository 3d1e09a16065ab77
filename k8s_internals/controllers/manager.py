"""kube-controller-manager: hosts the controllers, each with its own identity, behind leader
election.

Mirrors ``cmd/kube-controller-manager/app/controllermanager.go``:

- one *root* client (user ``system:kube-controller-manager``) runs the shared informers and
  leader election (Lease ``kube-system/kube-controller-manager``: 15 s / 10 s / 2 s);
- with ``--use-service-account-credentials`` (kubeadm's default) every controller acts as its own
  ServiceAccount in ``kube-system`` (``system:serviceaccount:kube-system:replicaset-controller``
  ...), so RBAC applies to each controller separately — the manager creates those accounts and
  asks the API server for their tokens (TokenRequest), as upstream's
  ``clientbuilder.DynamicControllerClientBuilder`` does;
- controllers start only once this instance leads; when it loses the lease, upstream exits the
  process — here the controllers stop.

:data:`CONTROLLERS` is the registry: upstream's controller name, the service account it acts as,
and the class (imported when first used).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..client.leaderelection import LeaderElector
from ..sim import Kernel
from .base import Controller

__all__ = ["CONTROLLERS", "ControllerManager", "ControllerSpec"]


@dataclass(frozen=True)
class ControllerSpec:
    name: str  # upstream's name (cmd/kube-controller-manager/names/controller_names.go)
    service_account: str
    target: str  # "module:Class" below k8s_internals.controllers

    def load(self) -> type[Controller]:
        module, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(f"k8s_internals.controllers.{module}"), cls)  # type: ignore[no-any-return]


#: the controllers this manager runs by default, in start order
CONTROLLERS: tuple[ControllerSpec, ...] = (
    ControllerSpec("serviceaccount-controller", "service-account-controller",
                   "serviceaccount:ServiceAccountsController"),
    ControllerSpec("namespace-controller", "namespace-controller",
                   "namespace:NamespaceController"),
    ControllerSpec("garbage-collector-controller", "generic-garbage-collector",
                   "garbagecollector:GarbageCollector"),
    ControllerSpec("replicaset-controller", "replicaset-controller",
                   "replicaset:ReplicaSetController"),
    ControllerSpec("replicationcontroller-controller", "replication-controller",
                   "replication:ReplicationManager"),
    ControllerSpec("deployment-controller", "deployment-controller",
                   "deployment.controller:DeploymentController"),
    ControllerSpec("statefulset-controller", "statefulset-controller",
                   "statefulset:StatefulSetController"),
    ControllerSpec("job-controller", "job-controller", "job:JobController"),
    ControllerSpec("cronjob-controller", "cronjob-controller", "cronjob:CronJobController"),
    ControllerSpec("daemonset-controller", "daemon-set-controller",
                   "daemonset:DaemonSetsController"),
    ControllerSpec("endpoints-controller", "endpoint-controller",
                   "endpoints:EndpointController"),
    ControllerSpec("endpointslice-controller", "endpointslice-controller",
                   "endpointslice:EndpointSliceController"),
    ControllerSpec("node-ipam-controller", "node-controller", "nodeipam:NodeIpamController"),
    ControllerSpec("node-lifecycle-controller", "node-controller",
                   "nodelifecycle:NodeLifecycleController"),
    # upstream runs it under the node-controller account's permissions too
    ControllerSpec("taint-eviction-controller", "node-controller",
                   "tainteviction:TaintEvictionController"),
    ControllerSpec("persistentvolume-binder-controller", "persistent-volume-binder",
                   "pv_binder:PersistentVolumeController"),
    ControllerSpec("root-ca-certificate-publisher-controller", "root-ca-cert-publisher",
                   "rootcacertpublisher:RootCACertPublisher"),
    ControllerSpec("resourcequota-controller", "resourcequota-controller",
                   "resourcequota:ResourceQuotaController"),
    ControllerSpec("disruption-controller", "disruption-controller",
                   "disruption:DisruptionController"),
)


class ControllerManager:
    """One kube-controller-manager instance.

    ``client_for(token)`` builds a client with a bearer token on the same transport as
    ``root`` (the manager's own identity)."""

    def __init__(
        self,
        root: Client,
        kernel: Kernel,
        *,
        identity: str = "kube-controller-manager",
        controllers: Sequence[ControllerSpec] = CONTROLLERS,
        leader_elect: bool = True,
        use_service_account_credentials: bool = True,
        client_for: Callable[[str, str], Client] | None = None,
    ) -> None:
        self.root = root
        self.kernel = kernel
        self.identity = identity
        self.specs = list(controllers)
        self.use_service_account_credentials = use_service_account_credentials
        self.client_for = client_for or (lambda token, name: root.with_token(token, name))
        self.factory = InformerFactory(root, kernel)
        self.controllers: dict[str, Controller] = {}
        self.running = False
        self.elector: LeaderElector | None = None
        if leader_elect:
            self.elector = LeaderElector(
                root, kernel, "kube-controller-manager", identity,
                on_started_leading=self._start_controllers,
                on_stopped_leading=self._stop_controllers)

    def run(self) -> None:
        if self.elector is not None:
            self.elector.run()
        else:
            self._start_controllers()

    def stop(self) -> None:
        if self.elector is not None:
            self.elector.stop()
        self._stop_controllers()

    @property
    def leading(self) -> bool:
        return self.running

    def _client(self, spec: ControllerSpec) -> Client:
        if not self.use_service_account_credentials:
            return self.root
        token = self._service_account_token(spec.service_account)
        return self.client_for(token, spec.name)

    def _service_account_token(self, name: str) -> str:
        sa = {"apiVersion": "v1", "kind": "ServiceAccount",
              "metadata": {"name": name, "namespace": "kube-system"}}
        try:
            self.root.create("serviceaccounts", sa, "kube-system")
        except ApiError as exc:
            if exc.code != 409:
                raise
        req = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
               "spec": {"expirationSeconds": 3600 * 24 * 365}}
        out: dict[str, Any] = self.root.call("create", "serviceaccounts", namespace="kube-system",
                                             name=name, subresource="token", body=req)
        return str(out["status"]["token"])

    def _start_controllers(self) -> None:
        if self.running:
            return
        self.running = True
        for spec in self.specs:
            cls = spec.load()
            ctrl = cls(self._client(spec), self.kernel, self.factory)
            # the shared informers belong to the manager: controllers read them, write as
            # themselves
            self.controllers[spec.name] = ctrl
        for ctrl in self.controllers.values():
            ctrl.run()

    def _stop_controllers(self) -> None:
        if not self.running:
            return
        self.running = False
        for ctrl in self.controllers.values():
            ctrl.stop()
        self.factory.stop()
        self.controllers.clear()
        self.factory = InformerFactory(self.root, self.kernel)
