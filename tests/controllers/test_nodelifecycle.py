"""Node failure end to end: the lease stops → Ready Unknown after the 40 s grace period →
``unreachable`` taints → pods not ready → pods evicted when their toleration runs out (300 s
by default); recovery; a one-node cluster; a node that never posted status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.controllers.nodelifecycle import (
    NodeLifecycleController,
    RateLimitedTimedQueue,
    get_zone_key,
)
from k8s_internals.controllers.tainteviction import TaintEvictionController
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS
from tests.controllers.kcm_helpers import (
    create_node,
    events,
    lease,
    node,
    pod,
    renew_lease,
    set_pod_status,
    start,
)


@pytest.fixture
def backend() -> str:
    return "memory"


class FakeKubelets:
    """Renews the Lease of every live node every 10 s, as the kubelet does."""

    def __init__(self, admin: Client, kernel: Kernel, names: list[str]) -> None:
        self.admin, self.kernel = admin, kernel
        self.alive = set(names)
        for name in names:
            create_node(admin, node(name, kernel=kernel))
            admin.create("leases", lease(name, kernel))
        kernel.every(10.0, self.renew, name="fake kubelets")

    def renew(self) -> None:
        for name in sorted(self.alive):
            renew_lease(self.admin, name, self.kernel)

    def come_back(self, name: str) -> None:
        """The kubelet posts Ready again (new heartbeat and transition) and renews its lease."""
        self.alive.add(name)
        n = self.admin.get("nodes", name)
        ts = self.kernel.timestamp()
        n["status"]["conditions"] = [c for c in n["status"]["conditions"]
                                     if c["type"] != "Ready"] + [{
            "type": "Ready", "status": "True", "reason": "KubeletReady",
            "message": "kubelet is posting ready status", "lastHeartbeatTime": ts,
            "lastTransitionTime": ts}]
        self.admin.update_status("nodes", n)
        renew_lease(self.admin, name, self.kernel)


def _ready_pod(admin: Client, name: str, node_name: str, ip: str, **kw: Any) -> None:
    admin.create("pods", pod(name, node=node_name, **kw))
    set_pod_status(admin, name, ip=ip, ready=True)


def _cond(admin: Client, kind: str, name: str, ctype: str, ns: str = "") -> dict[str, Any]:
    obj = admin.get(kind, name, ns)
    return next(c for c in obj["status"]["conditions"] if c["type"] == ctype)


def _taints(admin: Client, name: str) -> set[tuple[str, str]]:
    spec = admin.get("nodes", name).get("spec", {})
    return {(t["key"], t["effect"]) for t in spec.get("taints", [])}


def _deleting(admin: Client, name: str) -> bool:
    return bool(admin.get("pods", name, "default")["metadata"].get("deletionTimestamp"))


UNREACHABLE = "node.kubernetes.io/unreachable"
FOREVER = [{"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute"}]
ONE_MINUTE = [{"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute",
               "tolerationSeconds": 60}]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_silent_node_goes_unknown_is_tainted_and_its_pods_are_evicted(
        admin: Client, kernel: Kernel) -> None:
    kubelets = FakeKubelets(admin, kernel, ["node-1", "node-2"])
    nlc, tec = start(admin, kernel, NodeLifecycleController, TaintEvictionController)
    _ready_pod(admin, "web", "node-2", "10.244.1.2")              # default: 300 s
    _ready_pod(admin, "agent", "node-2", "10.244.1.3", tolerations=FOREVER)
    _ready_pod(admin, "batch", "node-2", "10.244.1.4", tolerations=ONE_MINUTE)
    _ready_pod(admin, "healthy", "node-1", "10.244.0.2")
    kernel.run_for(10)
    kubelets.alive.discard("node-2")  # the node dies; its last renewal was at t=10
    kernel.run_for(35)                # t=45.5: 35 s of silence < 40 s
    assert _cond(admin, "nodes", "node-2", "Ready")["status"] == "True"
    # the monitor (every 5 s) saw the renewal at t=15; 15 + 40 < 60: Unknown at t=60
    kernel.run_for(21)                # t=66.5
    ready = _cond(admin, "nodes", "node-2", "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    assert _cond(admin, "nodes", "node-2", "MemoryPressure")["reason"] == "NodeStatusNeverUpdated"
    assert _cond(admin, "nodes", "node-1", "Ready")["status"] == "True"
    assert _taints(admin, "node-2") == {(UNREACHABLE, "NoExecute"), (UNREACHABLE, "NoSchedule")}
    assert _taints(admin, "node-1") == set()
    assert {(e["source"]["component"], e["message"]) for e in events(admin, "NodeNotReady")} == {
        ("node-controller", "Node node-2 status is now: NodeNotReady"),
        ("node-controller", "Node is not ready")}
    for name in ("web", "agent", "batch"):
        assert _cond(admin, "pods", name, "Ready", "default")["status"] == "False"
    assert _cond(admin, "pods", "healthy", "Ready", "default")["status"] == "True"

    taint = next(t for t in admin.get("nodes", "node-2")["spec"]["taints"]
                 if t["effect"] == "NoExecute")
    added = (datetime.fromisoformat(taint["timeAdded"].replace("Z", "+00:00"))
             - kernel.epoch).total_seconds()
    assert 60 <= added <= 66
    kernel.run(until=added + 59)
    assert not _deleting(admin, "batch")   # tolerationSeconds: 60
    kernel.run(until=added + 62)
    assert _deleting(admin, "batch") and not _deleting(admin, "web")
    kernel.run(until=added + 299)
    assert not _deleting(admin, "web")     # DefaultTolerationSeconds: 300
    kernel.run(until=added + 302)
    assert _deleting(admin, "web")
    assert not _deleting(admin, "agent") and not _deleting(admin, "healthy")
    web = admin.get("pods", "web", "default")
    target = next(c for c in web["status"]["conditions"] if c["type"] == "DisruptionTarget")
    assert (target["reason"], target["message"]) == (
        "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint")
    evs = events(admin, "TaintManagerEviction", "default")
    assert sorted(e["message"] for e in evs) == [
        "Marking for deletion Pod default/batch", "Marking for deletion Pod default/web"]
    assert {e["source"]["component"] for e in evs} == {"taint-eviction-controller"}
    assert nlc.errors == [] and tec.errors == []


def test_a_node_that_comes_back_is_untainted_and_evictions_are_cancelled(
        admin: Client, kernel: Kernel) -> None:
    kubelets = FakeKubelets(admin, kernel, ["node-1", "node-2"])
    start(admin, kernel, NodeLifecycleController, TaintEvictionController)
    _ready_pod(admin, "web", "node-2", "10.244.1.2")
    kernel.run_for(10)
    kubelets.alive.discard("node-2")
    kernel.run_for(60)
    assert (UNREACHABLE, "NoExecute") in _taints(admin, "node-2")
    kubelets.come_back("node-2")
    kernel.run_for(10)
    assert _taints(admin, "node-2") == set()
    assert _cond(admin, "nodes", "node-2", "Ready")["status"] == "True"
    kernel.run_for(300)
    assert not _deleting(admin, "web")
    assert [e["message"] for e in events(admin, "TaintManagerEviction", "default")] == [
        "Cancelling deletion of Pod default/web"]


def test_a_one_node_cluster_never_evicts(admin: Client, kernel: Kernel) -> None:
    """Every zone fully disrupted: the controller blames itself (master disruption mode)."""
    kubelets = FakeKubelets(admin, kernel, ["node-1"])
    (nlc, _) = start(admin, kernel, NodeLifecycleController, TaintEvictionController)
    _ready_pod(admin, "web", "node-1", "10.244.0.2")
    kernel.run_for(10)
    kubelets.alive.clear()
    kernel.run_for(400)
    assert _cond(admin, "nodes", "node-1", "Ready")["status"] == "Unknown"
    assert _taints(admin, "node-1") == {(UNREACHABLE, "NoSchedule")}  # no NoExecute
    assert not _deleting(admin, "web")
    assert nlc.zone_states == {"": "FullDisruption"}


def test_a_node_that_never_posted_status_gets_the_startup_grace_period(
        admin: Client, kernel: Kernel) -> None:
    FakeKubelets(admin, kernel, ["node-1"])
    admin.create("nodes", node("silent", ready=None))
    start(admin, kernel, NodeLifecycleController)
    kernel.run_for(55)
    assert "conditions" not in admin.get("nodes", "silent").get("status", {})
    kernel.run_for(10)  # > 60 s (--node-startup-grace-period) since creation
    ready = _cond(admin, "nodes", "silent", "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status.")
    # queued for tainting at once, but the informer had not seen the condition yet: the
    # retry waits for the eviction rate limiter (0.1 nodes/s): 10 s
    kernel.run_for(11)
    assert (UNREACHABLE, "NoExecute") in _taints(admin, "silent")
    reg = [e["message"] for e in events(admin, "RegisteredNode")]
    assert sorted(reg) == ["Registered Node node-1 in Controller",
                           "Registered Node silent in Controller"]


def test_no_schedule_taints_follow_conditions_and_unschedulable(admin: Client,
                                                                kernel: Kernel) -> None:
    FakeKubelets(admin, kernel, ["node-1"])
    start(admin, kernel, NodeLifecycleController)
    n = admin.get("nodes", "node-1")
    n["status"]["conditions"].append({"type": "MemoryPressure", "status": "True",
                                      "lastHeartbeatTime": kernel.timestamp(),
                                      "lastTransitionTime": kernel.timestamp()})
    admin.update_status("nodes", n)
    admin.patch("nodes", "node-1", {"spec": {"unschedulable": True}})
    kernel.run_for(1)
    assert _taints(admin, "node-1") == {("node.kubernetes.io/memory-pressure", "NoSchedule"),
                                        ("node.kubernetes.io/unschedulable", "NoSchedule")}
    admin.patch("nodes", "node-1", {"spec": {"unschedulable": False}})
    kernel.run_for(1)
    assert _taints(admin, "node-1") == {("node.kubernetes.io/memory-pressure", "NoSchedule")}


@pytest.mark.parametrize(("ready", "not_ready", "state"), [
    (3, 0, "Normal"),
    (0, 1, "FullDisruption"),
    (1, 2, "Normal"),        # not more than 2 not ready
    (2, 3, "PartialDisruption"),  # 3/5 = 60 % >= 55 %
    (3, 3, "Normal"),        # 50 % < 55 %
])
def test_zone_states(admin: Client, kernel: Kernel, ready: int, not_ready: int,
                     state: str) -> None:
    ctrl = NodeLifecycleController.__new__(NodeLifecycleController)
    ctrl.unhealthy_zone_threshold = 0.55
    conds = [{"status": "True"}] * ready + [{"status": "Unknown"}] * not_ready
    assert ctrl.compute_zone_state(conds) == (not_ready, state)


def test_rate_limited_timed_queue_and_zone_keys() -> None:
    q = RateLimitedTimedQueue(0.1)  # 1 node per 10 s, burst 1
    for name in ("a", "b", "c"):
        assert q.add(name, "", 0.0)
    assert not q.add("a", "", 0.0)
    done: list[str] = []

    def taint(v: Any) -> tuple[bool, float]:
        done.append(v.value)
        return True, 0.0

    for t in (0.0, 0.1, 5.0, 10.0, 15.0, 20.0):
        q.try_(t, taint)
    assert done == ["a", "b", "c"]
    assert not q.add("a", "", 30.0)  # still in the set until remove()
    assert q.remove("a") is False and q.add("a", "", 30.0)
    assert get_zone_key({"metadata": {"labels": {"topology.kubernetes.io/zone": "z1",
                                                 "topology.kubernetes.io/region": "r"}}}) == \
        "r:\x00:z1"
    assert get_zone_key({"metadata": {}}) == ""
