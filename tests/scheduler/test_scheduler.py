"""kube-scheduler end to end through the API server (``schedule_one_test.go``,
``scheduler_test.go``), plus the pure parts: numFeasibleNodesToFind and selectHost."""

from __future__ import annotations

import random
from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.scheduler import Scheduler, num_feasible_nodes_to_find, select_host
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS

from .helpers import make_node


@pytest.mark.parametrize(("profile_pct", "global_pct", "nodes", "want"), [
    # (schedule_one_test.go TestNumFeasibleNodesToFind)
    (None, 0, 10, 10),        # fewer than 100 nodes: all of them
    (40, 0, 10, 10),
    (None, 0, 1000, 420),     # adaptive: 50 - 1000/125 = 42 % -> 420
    (40, 0, 1000, 400),       # profile percentage
    (40, 100, 1000, 400),     # the profile's wins over the global one
    (None, 40, 1000, 400),    # global percentage
    (None, 0, 6000, 300),     # 50 - 6000/125 = 2 % -> min 5 % -> 300
    (40, 0, 6000, 2400),
    (None, 0, 5000, 500),     # the benchmark's cluster: 50 - 40 = 10 % -> 500
    (None, 1, 150, 100),      # 1 % of 150 = 1 -> at least 100
])
def test_num_feasible_nodes_to_find(profile_pct: int | None, global_pct: int, nodes: int,
                                    want: int) -> None:
    assert num_feasible_nodes_to_find(profile_pct, nodes, global_pct) == want


def test_select_host_is_deterministic_for_a_seed() -> None:
    totals = [70, 90, 90, 10, 90, 90]
    picks = [select_host(totals, random.Random(seed)) for seed in range(40)]
    assert set(picks) == {1, 2, 4, 5}           # only the best nodes, all of them over seeds
    assert picks == [select_host(totals, random.Random(seed)) for seed in range(40)]
    assert select_host([1, 5, 3], random.Random(0)) == 1


# -- through the API server ---------------------------------------------------------------------


def _node(name: str, cpu: str = "4", **kw: Any) -> dict:
    node = make_node(name, {"cpu": cpu, "memory": "32Gi", "pods": "110"},
                     labels={"kubernetes.io/hostname": name, **kw.pop("labels", {})}, **kw)
    node["status"].pop("allocatable")
    return node


def _pod(name: str, cpu: str = "100m", **spec: Any) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "resources": {
                "requests": {"cpu": cpu, "memory": "100Mi"}}}], **spec}}


def _start(admin: Client, scheduler_client: Client, kernel: Kernel, nodes: list[dict],
           **kw: Any) -> Scheduler:
    for n in nodes:
        admin.create("nodes", n)
    sched = Scheduler(scheduler_client, kernel, **kw)
    sched.run()
    kernel.run_until_idle()
    return sched


def _events(admin: Client, reason: str) -> list[dict]:
    return [e for e in admin.list("events", "default")["items"] if e["reason"] == reason]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_pods_get_bound(admin: Client, scheduler_client: Client, kernel: Kernel) -> None:
    _start(admin, scheduler_client, kernel, [_node("node-1"), _node("node-2")])
    for i in range(4):
        admin.create("pods", _pod(f"web-{i}"))
    kernel.run_until_idle()
    pods = admin.list("pods", "default")["items"]
    assert all(p["spec"].get("nodeName") in ("node-1", "node-2") for p in pods)
    assert all(any(c["type"] == "PodScheduled" and c["status"] == "True"
                   for c in p["status"]["conditions"]) for p in pods)
    scheduled = _events(admin, "Scheduled")
    assert sorted(e["message"] for e in scheduled) == sorted(
        f"Successfully assigned default/{p['metadata']['name']} to {p['spec']['nodeName']}"
        for p in pods)
    # the new events API (events.k8s.io/v1), read back as core/v1: no source, no timestamps
    assert {e["reportingComponent"] for e in scheduled} == {"default-scheduler"}
    assert {e["reportingInstance"] for e in scheduled} == {"default-scheduler-control-plane"}
    assert {e["action"] for e in scheduled} == {"Binding"}
    assert all(e["source"] == {} and e["firstTimestamp"] is None and "count" not in e
               and e["eventTime"].endswith("Z") and "." in e["eventTime"] for e in scheduled)
    # LeastAllocated spreads: two pods per node
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["node-1", "node-1", "node-2",
                                                           "node-2"]


def test_unschedulable_pod_gets_condition_and_event(admin: Client, scheduler_client: Client,
                                                    kernel: Kernel) -> None:
    taint = [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]
    sched = _start(admin, scheduler_client, kernel,
                   [_node("node-1", cpu="2"), _node("node-2", taints=taint),
                    _node("node-3", taints=taint)])
    admin.create("pods", _pod("filler", cpu="1500m"))   # same priority: not a victim
    kernel.run_until_idle()
    admin.create("pods", _pod("big", cpu="1"))
    kernel.run_until_idle()
    want = ("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s). "
            "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming "
            "pod, 2 Preemption is not helpful for scheduling.")
    pod = admin.get("pods", "big", "default")
    cond = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", want)
    failed = _events(admin, "FailedScheduling")
    assert [(e["type"], e["message"]) for e in failed] == [("Warning", want)]
    attempt = sched.explain("default/big")
    assert attempt is not None and attempt.result == "Unschedulable"
    assert attempt.filter_result() == {
        "node-1": {"NodeUnschedulable": "passed", "NodeName": "passed",
                   "TaintToleration": "passed", "NodeResourcesFit": "Insufficient cpu"},
        "node-2": {"NodeUnschedulable": "passed", "NodeName": "passed",
                   "TaintToleration": "node(s) had untolerated taint(s)"},
        "node-3": {"NodeUnschedulable": "passed", "NodeName": "passed",
                   "TaintToleration": "node(s) had untolerated taint(s)"}}
    assert attempt.node("node-2").detail["untoleratedTaint"]["key"] == \
        "node.kubernetes.io/unreachable"
    # the pod waits in unschedulablePods; a node that fits moves it back and it is bound
    assert sched.queue.pending_pods()["unschedulablePods"] == ["default/big"]
    admin.create("nodes", _node("node-4", cpu="8"))
    kernel.run_until_idle()
    assert admin.get("pods", "big", "default")["spec"]["nodeName"] == "node-4"


def test_explain_annotations_are_sent_and_bounded(admin: Client, scheduler_client: Client,
                                                  kernel: Kernel, api: Any) -> None:
    nodes = [_node(f"node-{i:03d}") for i in range(120)]
    sched = _start(admin, scheduler_client, kernel, nodes)
    sent: list[dict] = []
    original = scheduler_client.call

    def spy(verb: str, resource: Any, **kw: Any) -> Any:
        if kw.get("subresource") == "binding":
            sent.append(kw["body"])
        return original(verb, resource, **kw)

    scheduler_client.call = spy  # type: ignore[method-assign]
    admin.create("pods", _pod("web"))
    kernel.run_until_idle()
    assert len(sent) == 1
    ann = sent[0]["metadata"]["annotations"]
    node = admin.get("pods", "web", "default")["spec"]["nodeName"]
    assert ann["k8s-internals.io/selected-node"] == node
    import json

    filters = json.loads(ann["k8s-internals.io/filter-result"])
    scores = json.loads(ann["k8s-internals.io/score-result"])
    final = json.loads(ann["k8s-internals.io/finalscore-result"])
    summary = json.loads(ann["k8s-internals.io/result-summary"])
    # bounded: the top 10 nodes, plus the selected one if a tie left it out
    assert 10 <= len(filters) <= 11 and node in filters
    assert set(scores[node]) == {"TaintToleration", "NodeResourcesFit",
                                 "NodeResourcesBalancedAllocation", "ImageLocality"}
    assert final[node]["TaintToleration"] == "300"            # 100 x weight 3
    assert summary["nodes"] == 120 and summary["feasibleNodes"] == 100
    assert summary["prefilter"]["NodePorts"] == "skipped"
    assert sum(len(v) for v in ann.values()) < 64 * 1024
    full = sched.explain("default/web")
    assert full is not None and len(full.filter_result()) == 100   # the object keeps it all
    assert full.annotations() == ann


def test_explain_annotations_on_the_pod(admin: Client, scheduler_client: Client,
                                        kernel: Kernel) -> None:
    _start(admin, scheduler_client, kernel, [_node("node-1")])
    admin.create("pods", _pod("web"))
    kernel.run_until_idle()
    ann = admin.get("pods", "web", "default")["metadata"].get("annotations") or {}
    assert ann.get("k8s-internals.io/selected-node") == "node-1"


def test_preemption_evicts_lower_priority_pods(admin: Client, scheduler_client: Client,
                                              kernel: Kernel) -> None:
    _start(admin, scheduler_client, kernel, [_node("node-1", cpu="1")])
    admin.create("priorityclasses", {"apiVersion": "scheduling.k8s.io/v1",
                                     "kind": "PriorityClass", "metadata": {"name": "high"},
                                     "value": 1000})
    for i in range(3):
        admin.create("pods", _pod(f"low-{i}", cpu="300m"))
    kernel.run_until_idle()
    admin.create("pods", _pod("high", cpu="500m", priorityClassName="high"))
    kernel.run_until_idle()
    names = {p["metadata"]["name"]: p for p in admin.list("pods", "default")["items"]}
    preempted = _events(admin, "Preempted")
    uid = names["high"]["metadata"]["uid"]
    assert [e["message"] for e in preempted] == [f"Preempted by pod {uid} on node node-1"] * 2
    # Eventf(victim, pod, Normal, "Preempted", "Preempting", ...): the preemptor is related
    assert {e["action"] for e in preempted} == {"Preempting"}
    assert {e["related"]["name"] for e in preempted} == {"high"}
    # two victims (1 cpu = 3 x 300m; 500m needs two of them) are terminating, marked with the
    # DisruptionTarget condition; "high" is nominated to node-1 and waits
    victims = [n for n in names if names[n]["metadata"].get("deletionTimestamp")]
    assert len(victims) == 2
    assert all(any(c["type"] == "DisruptionTarget" and c["reason"] == "PreemptionByScheduler"
                   for c in names[v]["status"]["conditions"]) for v in victims)
    assert names["high"]["status"]["nominatedNodeName"] == "node-1"
    assert not names["high"]["spec"].get("nodeName")
    # the kubelet would finish the deletions; then "high" is bound where it was nominated
    for v in victims:
        admin.delete("pods", v, "default", grace_period_seconds=0)
    kernel.run_until_idle(max_time=60)
    assert admin.get("pods", "high", "default")["spec"]["nodeName"] == "node-1"


def test_leader_election(admin: Client, scheduler_client: Client, kernel: Kernel) -> None:
    cfg = {"leaderElection": {"leaderElect": True}}
    sched = _start(admin, scheduler_client, kernel, [_node("node-1")], config=cfg)
    kernel.run_for(3)
    assert sched.elector is not None and sched.elector.leading
    lease = admin.get("leases", "kube-scheduler", "kube-system")
    assert lease["spec"]["holderIdentity"] == "kube-scheduler-1"
    admin.create("pods", _pod("web"))
    kernel.run_for(3)
    assert admin.get("pods", "web", "default")["spec"]["nodeName"] == "node-1"
    sched.stop()


def test_binding_joins_the_pod_creation_causal_tree(admin: Client, scheduler_client: Client,
                                                     kernel: Kernel, api: Any) -> None:
    _start(admin, scheduler_client, kernel, [_node("node-1")])
    admin.create("pods", _pod("web"))
    kernel.run_until_idle()
    traces = list(api.tracer._ring)
    create = next(t for t in traces if t.verb == "create" and t.resource == "pods"
                  and not t.subresource and t.name in ("", "web"))
    binding = next(t for t in traces if t.subresource == "binding")
    event = next(t for t in traces if t.resource == "events" and t.user ==
                 "system:kube-scheduler")
    assert binding.parent_id == create.id and binding.user == "system:kube-scheduler"
    assert event.parent_id == create.id


def test_a_new_claim_requeues_the_pod(admin: Client, scheduler_client: Client,
                                      kernel: Kernel) -> None:
    _start(admin, scheduler_client, kernel, [_node("node-1")])
    admin.create("pods", _pod("db", volumes=[{"name": "data", "persistentVolumeClaim": {
        "claimName": "data"}}]))
    kernel.run_until_idle()

    def message() -> str:
        pod = admin.get("pods", "db", "default")
        return next(c["message"] for c in pod["status"]["conditions"]
                    if c["type"] == "PodScheduled")

    assert message() == '0/1 nodes are available: persistentvolumeclaim "data" not found. ' \
        "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
    admin.create("persistentvolumeclaims", {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"],
                 "resources": {"requests": {"storage": "1Gi"}}}})
    kernel.run_until_idle()
    # the PVC/Add event moved the pod back; VolumeBinding now waits for the claim to bind
    assert message() == ("0/1 nodes are available: pod has unbound immediate "
                         "PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 "
                         "Preemption is not helpful for scheduling.")


def _placements(seed: int) -> list[tuple[str, str | None]]:
    from .test_fastpath import CONFIG, NoopBinder

    kernel = Kernel(seed)
    sched = Scheduler(None, kernel, CONFIG, plugins={"NoopBinder": NoopBinder})
    for i in range(8):
        sched.cache.add_node(make_node(f"n{i}", {"cpu": "4", "memory": "8Gi", "pods": "20"}))
    sched.run()
    out: list[tuple[str, str | None]] = []
    sched.observers.append(lambda a: out.append((a.pod, a.selected_node)))
    for i in range(20):
        sched.queue.add(_pod(f"p{i}") | {"metadata": {"name": f"p{i}", "namespace": "default",
                                                      "uid": f"u{i}"}})
    kernel.run_until_idle()
    return out


def test_ties_are_broken_by_the_seeded_rng() -> None:
    # identical nodes: every pod sees ties, broken by kernel.rng
    assert _placements(7) == _placements(7)
    assert _placements(7) != _placements(8)
