"""The DaemonSet controller: placement (nodeSelector, node affinity, taints vs tolerations,
including the tolerations every daemon pod gets), node changes, rolling updates with
maxUnavailable and maxSurge, status and events.

There is no scheduler and no kubelet here: daemon pods stay unbound (they carry a node affinity,
not ``spec.nodeName``) and the tests write pod status themselves.
"""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.client.informer import InformerFactory
from k8s_internals.controllers.controller_utils import compute_hash
from k8s_internals.controllers.daemonset import DaemonSetsController
from k8s_internals.controllers.daemonset_util import (
    get_target_node_name,
    node_should_run_daemon_pod,
    replace_daemon_set_pod_node_name_node_affinity,
)
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS

NS = "default"
JSON = dict[str, Any]


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Memory by default; tests parametrised with ``BACKENDS`` also run on a real etcd."""
    return str(getattr(request, "param", "memory"))


@pytest.fixture
def dsc(admin: Client, kernel: Kernel) -> DaemonSetsController:
    c = DaemonSetsController(admin, kernel, InformerFactory(admin, kernel))
    c.run()
    kernel.run_for(1)
    return c


def node(name: str, labels: dict[str, str] | None = None,
         taints: list[JSON] | None = None) -> JSON:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                  **(labels or {})}},
            "spec": {"taints": taints or []}}


def taint(key: str, effect: str = "NoSchedule", value: str = "") -> JSON:
    return {"key": key, "value": value, "effect": effect} if value else {"key": key,
                                                                         "effect": effect}


def ds(name: str = "agent", image: str = "agent:1", **pod_spec: Any) -> JSON:
    spec = pod_spec.pop("ds_spec", {})
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": NS},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": image}],
                                           **pod_spec}},
                     **spec}}


def placement(admin: Client) -> dict[str, str]:
    """node → pod name, for live pods (one per node expected)."""
    out: dict[str, str] = {}
    for p in admin.list("pods", NS)["items"]:
        if p["metadata"].get("deletionTimestamp"):
            continue
        target = get_target_node_name(p)
        assert target is not None and target not in out, "one pod per node"
        out[target] = p["metadata"]["name"]
    return out


def set_ready(admin: Client, kernel: Kernel, name: str, phase: str = "Running") -> None:
    pod = admin.get("pods", name, NS)
    pod["status"]["phase"] = phase
    pod["status"]["conditions"] = [{"type": "Ready", "status": "True",
                                    "lastTransitionTime": kernel.timestamp()}]
    admin.update_status("pods", pod)


def ready_all(admin: Client, kernel: Kernel) -> None:
    for p in admin.list("pods", NS)["items"]:
        if (p.get("status") or {}).get("phase") != "Running":
            set_ready(admin, kernel, p["metadata"]["name"])
    kernel.run_for(2)


def status(admin: Client, name: str = "agent") -> JSON:
    return dict(admin.get("daemonsets", name, NS).get("status") or {})


def events(admin: Client, reason: str) -> list[str]:
    evs = sorted(admin.list("events", NS)["items"],
                 key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    return [e["message"] for e in evs if e["reason"] == reason]


# -- placement, as a pure function ---------------------------------------------------------------

NODES = {
    "plain": node("plain"),
    "ssd": node("ssd", {"disk": "ssd", "zone": "a"}),
    "zone-b": node("zone-b", {"zone": "b"}),
    "db": node("db", taints=[taint("dedicated", value="db")]),
    "evict": node("evict", taints=[taint("dedicated", "NoExecute", "db")]),
    "prefer": node("prefer", taints=[taint("dedicated", "PreferNoSchedule", "db")]),
    "cordoned": node("cordoned", taints=[taint("node.kubernetes.io/unschedulable")]),
    "not-ready": node("not-ready", taints=[taint("node.kubernetes.io/not-ready", "NoExecute")]),
    "no-net": node("no-net", taints=[taint("node.kubernetes.io/network-unavailable")]),
}
TOLERATE_DB = [{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]
ZONE_A = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
    "nodeSelectorTerms": [{"matchExpressions": [
        {"key": "zone", "operator": "In", "values": ["a"]}]}]}}}


@pytest.mark.parametrize(("pod_spec", "node_name", "expected"), [
    # (shouldRun, shouldContinueRunning)
    ({}, "plain", (True, True)),
    ({"nodeSelector": {"disk": "ssd"}}, "ssd", (True, True)),
    ({"nodeSelector": {"disk": "ssd"}}, "plain", (False, False)),
    ({"affinity": ZONE_A}, "ssd", (True, True)),
    ({"affinity": ZONE_A}, "zone-b", (False, False)),
    ({"nodeName": "plain"}, "ssd", (False, False)),        # pinned to another node
    ({}, "db", (False, True)),           # untolerated NoSchedule: no new pod, keep a running one
    ({"tolerations": TOLERATE_DB}, "db", (True, True)),
    ({}, "evict", (False, False)),       # untolerated NoExecute: not even keep running
    ({}, "prefer", (True, True)),        # PreferNoSchedule is the scheduler's business
    ({}, "cordoned", (True, True)),      # daemon pods tolerate node.kubernetes.io/unschedulable
    ({}, "not-ready", (True, True)),     # ... and not-ready / unreachable NoExecute
    ({}, "no-net", (False, True)),       # network-unavailable: only for hostNetwork pods
    ({"hostNetwork": True}, "no-net", (True, True)),
])
def test_node_should_run_daemon_pod(pod_spec: JSON, node_name: str,
                                    expected: tuple[bool, bool]) -> None:
    d = ds(**pod_spec)
    d["metadata"]["uid"] = "u"
    assert node_should_run_daemon_pod(NODES[node_name], d) == expected


def test_daemon_pods_get_a_node_affinity_not_a_node_name() -> None:
    affinity = replace_daemon_set_pod_node_name_node_affinity(ZONE_A, "n1")
    # the required terms are replaced; the pod's own zone rule was already checked by the
    # controller
    assert affinity == {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [
            {"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}}}
    assert get_target_node_name({"spec": {"affinity": affinity}}) == "n1"
    assert get_target_node_name({"spec": {"nodeName": "n2", "affinity": affinity}}) == "n2"


# -- against the API server ------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_one_pod_per_eligible_node_bound_by_affinity(
        admin: Client, kernel: Kernel, dsc: DaemonSetsController) -> None:
    for n in ("plain", "ssd", "db", "cordoned"):
        admin.create("nodes", NODES[n])
    created = admin.create("daemonsets", ds())
    kernel.run_for(3)
    placed = placement(admin)
    assert sorted(placed) == ["cordoned", "plain", "ssd"]  # "db" is tainted
    pod = admin.get("pods", placed["plain"], NS)
    assert not pod["spec"].get("nodeName")
    assert pod["metadata"]["generateName"] == "agent-"
    assert pod["metadata"]["ownerReferences"][0]["uid"] == created["metadata"]["uid"]
    assert {(t["key"], t["effect"]) for t in pod["spec"]["tolerations"]} >= {
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule")}
    history = admin.list("controllerrevisions", NS)["items"]
    assert len(history) == 1 and history[0]["revision"] == 1
    hash_ = history[0]["metadata"]["labels"]["controller-revision-hash"]
    assert history[0]["metadata"]["name"] == f"agent-{hash_}"
    assert pod["metadata"]["labels"] == {"app": "agent", "controller-revision-hash": hash_}
    assert sorted(events(admin, "SuccessfulCreate")) == sorted(
        f"Created pod: {p}" for p in placed.values())
    st = status(admin)
    # 3 desired, 3 scheduled (pods exist), none Ready: unavailable = 3 - 0
    assert st == {"currentNumberScheduled": 3, "numberMisscheduled": 0,
                  "desiredNumberScheduled": 3, "numberReady": 0, "observedGeneration": 1,
                  "updatedNumberScheduled": 3, "numberUnavailable": 3}
    ready_all(admin, kernel)
    st = status(admin)
    assert (st["numberReady"], st["numberAvailable"], st.get("numberUnavailable", 0)) == (3, 3, 0)


def test_node_selector_and_node_changes(
        admin: Client, kernel: Kernel, dsc: DaemonSetsController) -> None:
    admin.create("nodes", node("n1", {"disk": "ssd"}))
    admin.create("nodes", node("n2"))
    admin.create("daemonsets", ds(nodeSelector={"disk": "ssd"}))
    kernel.run_for(2)
    assert sorted(placement(admin)) == ["n1"]
    # a new node that fits → a new pod; labelling n2 → a pod there too
    admin.create("nodes", node("n3", {"disk": "ssd"}))
    admin.patch("nodes", "n2", {"metadata": {"labels": {"disk": "ssd"}}})
    kernel.run_for(2)
    assert sorted(placement(admin)) == ["n1", "n2", "n3"]
    # the label goes away → the pod goes away
    admin.patch("nodes", "n1", {"metadata": {"labels": {"disk": None}}})
    kernel.run_for(2)
    assert sorted(placement(admin)) == ["n2", "n3"]
    assert len(events(admin, "SuccessfulDelete")) == 1
    # a NoSchedule taint keeps the running pod (misscheduled); NoExecute removes it
    admin.patch("nodes", "n2", {"spec": {"taints": [taint("maintenance")]}})
    kernel.run_for(2)
    assert sorted(placement(admin)) == ["n2", "n3"]
    st = status(admin)
    assert (st["desiredNumberScheduled"], st["currentNumberScheduled"],
            st["numberMisscheduled"]) == (1, 1, 1)
    admin.patch("nodes", "n2", {"spec": {"taints": [taint("maintenance", "NoExecute")]}})
    kernel.run_for(2)
    assert sorted(placement(admin)) == ["n3"]


def test_a_deleted_node_loses_its_unscheduled_pod(
        admin: Client, kernel: Kernel, dsc: DaemonSetsController) -> None:
    for n in ("n1", "n2"):
        admin.create("nodes", node(n))
    admin.create("daemonsets", ds())
    kernel.run_for(2)
    doomed = placement(admin)["n2"]
    admin.delete("nodes", "n2")
    kernel.run_for(2)
    # no node handler for deletes (as upstream): the pod stays until something syncs the set.
    # The scheduler is what does, when it fails to place the pod and writes PodScheduled=False:
    assert "n2" in placement(admin)
    pod = admin.get("pods", doomed, NS)
    pod["status"]["conditions"] = [{"type": "PodScheduled", "status": "False",
                                    "reason": "Unschedulable",
                                    "message": "0/1 nodes are available: 1 node(s) didn't "
                                               "match Pod's node affinity/selector.",
                                    "lastTransitionTime": kernel.timestamp()}]
    admin.update_status("pods", pod)
    kernel.run_for(2)
    assert sorted(placement(admin)) == ["n1"]  # getUnscheduledPodsWithoutNode
    assert events(admin, "SuccessfulDelete") == [f"Deleted pod: {doomed}"]


def test_failed_daemon_pod_is_replaced_with_an_event(
        admin: Client, kernel: Kernel, dsc: DaemonSetsController) -> None:
    admin.create("nodes", node("n1"))
    admin.create("daemonsets", ds())
    kernel.run_for(2)
    failed = placement(admin)["n1"]
    set_ready(admin, kernel, failed, phase="Failed")
    kernel.run_for(3)
    assert events(admin, "FailedDaemonPod") == [
        f"Found failed daemon pod default/{failed} on node n1, will try to kill it"]
    replacement = placement(admin)["n1"]
    assert replacement != failed


# -- rolling updates -------------------------------------------------------------------------------


def _new_image(admin: Client, image: str) -> None:
    cur = admin.get("daemonsets", "agent", NS)
    cur["spec"]["template"]["spec"]["containers"][0]["image"] = image
    admin.update("daemonsets", cur)


def _images(admin: Client) -> dict[str, str]:
    return {n: admin.get("pods", p, NS)["spec"]["containers"][0]["image"]
            for n, p in sorted(placement(admin).items())}


@pytest.mark.parametrize(("max_unavailable", "waves"), [
    # 4 nodes; old pods deleted per wave (the manage loop recreates them at the new hash, the
    # test makes them Ready, the next wave starts)
    (1, [1, 1, 1, 1]),
    (2, [2, 2]),
    ("50%", [2, 2]),    # 50% of 4 desired = 2
    ("30%", [2, 2]),    # 1.2 rounds *up* for DaemonSets → 2
    ("100%", [4]),
])
def test_rolling_update_replaces_at_most_max_unavailable_pods_at_a_time(
        admin: Client, kernel: Kernel, dsc: DaemonSetsController,
        max_unavailable: int | str, waves: list[int]) -> None:
    for i in range(4):
        admin.create("nodes", node(f"n{i}"))
    admin.create("daemonsets", ds(ds_spec={"updateStrategy": {
        "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": max_unavailable}}}))
    kernel.run_for(2)
    ready_all(admin, kernel)
    _new_image(admin, "agent:2")
    seen: list[int] = []
    for _ in range(len(waves)):
        kernel.run_for(2)
        images = _images(admin)
        new_now = sum(1 for v in images.values() if v == "agent:2")
        seen.append(new_now - sum(seen))
        ready_all(admin, kernel)
    assert seen == waves
    st = status(admin)
    assert (st["updatedNumberScheduled"], st["numberAvailable"]) == (4, 4)
    assert st["observedGeneration"] == 2
    revisions = sorted(r["revision"] for r in admin.list("controllerrevisions", NS)["items"])
    assert revisions == [1, 2]


def test_rolling_update_with_surge_starts_the_new_pod_before_removing_the_old(
        admin: Client, kernel: Kernel, dsc: DaemonSetsController) -> None:
    admin.create("nodes", node("n1"))
    admin.create("daemonsets", ds(ds_spec={"updateStrategy": {
        "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}}))
    kernel.run_for(2)
    ready_all(admin, kernel)
    old = placement(admin)["n1"]
    _new_image(admin, "agent:2")
    kernel.run_for(2)
    on_n1 = [p for p in admin.list("pods", NS)["items"] if get_target_node_name(p) == "n1"]
    assert len(on_n1) == 2  # old (Ready) + new (not yet)
    new = next(p["metadata"]["name"] for p in on_n1 if p["metadata"]["name"] != old)
    set_ready(admin, kernel, new)
    kernel.run_for(2)
    assert [p["metadata"]["name"] for p in admin.list("pods", NS)["items"]] == [new]


def test_rollback_renumbers_the_existing_revision(
        admin: Client, kernel: Kernel, dsc: DaemonSetsController) -> None:
    admin.create("nodes", node("n1"))
    admin.create("daemonsets", ds())
    kernel.run_for(2)
    ready_all(admin, kernel)
    first = admin.list("controllerrevisions", NS)["items"][0]["metadata"]["name"]
    for image in ("agent:2", "agent:1"):
        _new_image(admin, image)
        kernel.run_for(2)
        ready_all(admin, kernel)
    revs = {r["metadata"]["name"]: r["revision"]
            for r in admin.list("controllerrevisions", NS)["items"]}
    # agent:1 = revision 1, agent:2 = 2, back to agent:1 → the same object becomes revision 3
    assert revs[first] == 3 and sorted(revs.values()) == [2, 3]
    template = admin.get("daemonsets", "agent", NS)["spec"]["template"]
    assert first == f"agent-{compute_hash(template, None)}"
