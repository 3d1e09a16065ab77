"""The node's heartbeat Lease (``kube-node-lease/<node>``).

Upstream: ``pkg/kubelet/nodelease`` → ``k8s.io/component-helpers/apimachinery/lease``
(``controller.sync``, ``ensureLease``, ``tryUpdateLease``, ``newLease``). The kubelet creates
the Lease at start (``holderIdentity`` and name = the node, ``leaseDurationSeconds: 40``) and
renews it every 10 s (``renewInterval = leaseDuration × 0.25``): a PUT that moves
``spec.renewTime`` (a ``MicroTime``). The Lease is owned by the Node (an owner reference added
once the Node exists), so deleting the Node deletes the Lease.

This renewal is the cheap heartbeat the node lifecycle controller watches: a node whose Lease
has not moved for ``--node-monitor-grace-period`` (40 s) is marked ``Unknown``. Renewals are
background events on the kernel (they never keep ``Cluster.run()`` from settling).

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

from typing import Any

from ...client.client import ApiError, Client
from ...sim import Kernel, PeriodicTimer

__all__ = ["LEASE_DURATION_SECONDS", "NODE_LEASE_NAMESPACE", "RENEW_INTERVAL", "NodeLease"]

NODE_LEASE_NAMESPACE = "kube-node-lease"
#: ``nodeLeaseDurationSeconds`` (kubelet config default)
LEASE_DURATION_SECONDS = 40
#: ``nodeLeaseRenewIntervalFraction`` 0.25 × 40 s
RENEW_INTERVAL = LEASE_DURATION_SECONDS * 0.25


class NodeLease:
    """``lease.controller`` for one node."""

    def __init__(self, client: Client, kernel: Kernel, node_name: str,
                 lease_duration: int = LEASE_DURATION_SECONDS) -> None:
        self.client = client
        self.kernel = kernel
        self.node_name = node_name
        self.lease_duration = lease_duration
        self.renew_interval = lease_duration * 0.25
        self.latest: dict[str, Any] | None = None
        self.renewals = 0
        self.failures = 0
        self._timer: PeriodicTimer | None = None

    def start(self) -> None:
        if self._timer is not None:
            return
        self.kernel.call_soon(self.sync, name=f"node lease {self.node_name}", background=True)
        self._timer = self.kernel.every(self.renew_interval, self.sync,
                                        name=f"node lease {self.node_name}")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.latest = None

    @property
    def running(self) -> bool:
        return self._timer is not None

    def _owner(self) -> list[dict[str, Any]] | None:
        try:
            node = self.client.get("nodes", self.node_name)
        except ApiError:
            return None
        return [{"apiVersion": "v1", "kind": "Node", "name": self.node_name,
                 "uid": node["metadata"]["uid"]}]

    def _new_lease(self, base: dict[str, Any] | None) -> dict[str, Any]:
        """``newLease``: renewTime now, owner reference if the Node exists."""
        if base is None:
            lease: dict[str, Any] = {
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": self.node_name, "namespace": NODE_LEASE_NAMESPACE},
                "spec": {"holderIdentity": self.node_name,
                         "leaseDurationSeconds": self.lease_duration},
            }
        else:
            lease = {**base, "metadata": dict(base["metadata"]), "spec": dict(base["spec"])}
        lease["spec"]["renewTime"] = self.kernel.micro_timestamp()
        if not lease["metadata"].get("ownerReferences"):
            owner = self._owner()
            if owner is not None:
                lease["metadata"]["ownerReferences"] = owner
        return lease

    def sync(self) -> None:
        """One renewal (``controller.sync``)."""
        if self._timer is None:
            return
        try:
            if self.latest is not None:
                try:
                    self.latest = self.client.update("leases", self._new_lease(self.latest))
                    self.renewals += 1
                    return
                except ApiError as exc:
                    if exc.code not in (404, 409):
                        raise
                    self.latest = None
            self.latest = self._ensure()
            self.renewals += 1
        except ApiError:
            self.failures += 1
            self.latest = None

    def _ensure(self) -> dict[str, Any]:
        """``ensureLease``: get it, or create it; then renew it."""
        try:
            lease = self.client.get("leases", self.node_name, NODE_LEASE_NAMESPACE)
        except ApiError as exc:
            if exc.code != 404:
                raise
            return self.client.create("leases", self._new_lease(None), NODE_LEASE_NAMESPACE)
        return self.client.update("leases", self._new_lease(lease))
