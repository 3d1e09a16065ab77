"""Two candidates, one Lease: only one leads; when it stops renewing the other takes over once
the lease duration has passed."""

from __future__ import annotations

from k8s_internals.client.client import Client
from k8s_internals.client.leaderelection import LeaderElector
from k8s_internals.sim import Kernel


def test_only_one_leads_and_the_other_takes_over_after_the_lease_expires(
        admin: Client, kernel: Kernel) -> None:
    log: list[tuple[float, str]] = []
    a = LeaderElector(admin, kernel, "kube-controller-manager", "cm-a",
                      on_started_leading=lambda: log.append((kernel.now, "a leads")),
                      on_stopped_leading=lambda: log.append((kernel.now, "a stops")))
    b = LeaderElector(admin, kernel, "kube-controller-manager", "cm-b",
                      on_started_leading=lambda: log.append((kernel.now, "b leads")))
    a.run()
    kernel.run_for(1)
    b.run()
    kernel.run_for(30)
    assert log == [(0.0, "a leads")]
    assert a.leading and not b.leading and b.observed_leader == "cm-a"
    lease = admin.get("leases", "kube-controller-manager", "kube-system")
    assert lease["spec"]["holderIdentity"] == "cm-a"
    assert lease["spec"]["leaseDurationSeconds"] == 15
    a.stop()  # the process dies: the lease is not released
    stopped_at = kernel.now
    kernel.run_for(30)
    took_over = next(t for t, what in log if what == "b leads")
    # b waits until the last renewal + 15 s, then wins at its next 2 s retry
    assert stopped_at + 12 <= took_over <= stopped_at + 17
    lease = admin.get("leases", "kube-controller-manager", "kube-system")
    assert lease["spec"]["holderIdentity"] == "cm-b"
    assert lease["spec"]["leaseTransitions"] == 1
