"""Leader election through a ``coordination.k8s.io/v1`` Lease, so that two replicas of a
component can run and only one acts.

Mirrors client-go ``tools/leaderelection/leaderelection.go`` (``LeaderElector``: ``acquire`` then
``renew`` loops, ``tryAcquireOrRenew``) and ``resourcelock/leaselock.go`` (the Lease's
``holderIdentity``, ``leaseDurationSeconds``, ``acquireTime``, ``renewTime``,
``leaseTransitions``). Defaults as kube-controller-manager and kube-scheduler use them
(``component-base/config/v1alpha1/defaults.go``): lease duration 15 s, renew deadline 10 s,
retry period 2 s, lock in ``kube-system`` named after the component.

The rules: a candidate takes the lease if it does not exist or its holder has not renewed it
within ``leaseDurationSeconds``; the leader renews every ``retry_period``; if it cannot renew
for ``renew_deadline`` it stops leading. Every write is an optimistic-concurrency update, so two
candidates racing for an expired lease cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..sim import Kernel
from .client import ApiError, Client

__all__ = ["LeaderElector"]


class LeaderElector:
    def __init__(
        self,
        client: Client,
        kernel: Kernel,
        name: str,
        identity: str,
        *,
        namespace: str = "kube-system",
        lease_duration: float = 15.0,
        renew_deadline: float = 10.0,
        retry_period: float = 2.0,
        on_started_leading: Callable[[], None] | None = None,
        on_stopped_leading: Callable[[], None] | None = None,
        on_new_leader: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.kernel = kernel
        self.name = name
        self.identity = identity
        self.namespace = namespace
        self.lease_duration = lease_duration
        self.renew_deadline = renew_deadline
        self.retry_period = retry_period
        self.on_started_leading = on_started_leading
        self.on_stopped_leading = on_stopped_leading
        self.on_new_leader = on_new_leader
        self.leading = False
        self.observed_leader = ""
        self._last_renew = 0.0
        self._timer: Any = None
        self._stopped = True

    # -- lifecycle -----------------------------------------------------------------------------

    def run(self) -> None:
        if not self._stopped:
            return
        self._stopped = False
        self.kernel.call_soon(self._tick, name=f"leader election {self.name} {self.identity}")
        self._timer = self.kernel.every(self.retry_period, self._tick,
                                        name=f"leader election {self.name} {self.identity}")

    def stop(self) -> None:
        """Stop (as a process exiting: the lease is not released; it simply expires)."""
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
        if self.leading:
            self._lose()

    # -- the loop ------------------------------------------------------------------------------

    def _tick(self) -> None:
        if self._stopped:
            return
        ok = self._try_acquire_or_renew()
        now = self.kernel.now
        if ok:
            self._last_renew = now
            if not self.leading:
                self.leading = True
                if self.on_started_leading is not None:
                    self.on_started_leading()
        elif self.leading and now - self._last_renew >= self.renew_deadline:
            self._lose()

    def _lose(self) -> None:
        self.leading = False
        if self.on_stopped_leading is not None:
            self.on_stopped_leading()

    def _spec(self, transitions: int, acquire: str) -> dict[str, Any]:
        return {
            "holderIdentity": self.identity,
            "leaseDurationSeconds": int(self.lease_duration),
            "acquireTime": acquire,
            "renewTime": self.kernel.micro_timestamp(),
            "leaseTransitions": transitions,
        }

    def _observe(self, holder: str) -> None:
        if holder != self.observed_leader:
            self.observed_leader = holder
            if self.on_new_leader is not None:
                self.on_new_leader(holder)

    def _try_acquire_or_renew(self) -> bool:
        try:
            lease = self.client.get("leases", self.name, self.namespace)
        except ApiError as exc:
            if exc.code != 404:
                return False
            try:
                self.client.create("leases", {
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": {"name": self.name, "namespace": self.namespace},
                    "spec": self._spec(0, self.kernel.micro_timestamp())}, self.namespace)
            except ApiError:
                return False
            self._observe(self.identity)
            return True
        spec = lease.get("spec", {})
        holder = spec.get("holderIdentity", "")
        renew = spec.get("renewTime")
        duration = float(spec.get("leaseDurationSeconds", self.lease_duration))
        renewed_at = self._virtual(renew)
        expired = renewed_at is None or renewed_at + duration <= self.kernel.now
        if holder and holder != self.identity and not expired:
            self._observe(holder)
            return False
        transitions = int(spec.get("leaseTransitions", 0))
        acquire = spec.get("acquireTime") or self.kernel.micro_timestamp()
        if holder != self.identity:
            transitions += 1
            acquire = self.kernel.micro_timestamp()
        lease["spec"] = self._spec(transitions, acquire)
        try:
            self.client.update("leases", lease)
        except ApiError:
            return False
        self._observe(self.identity)
        return True

    def _virtual(self, ts: str | None) -> float | None:
        """A MicroTime as virtual seconds since the kernel's epoch."""
        if not ts:
            return None
        when = datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=self.kernel.epoch.tzinfo)
        return (when - self.kernel.epoch).total_seconds()
