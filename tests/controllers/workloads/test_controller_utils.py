"""``controller_utils``: pod filtering, the deletion ranking (ported from upstream's
``controller_utils_test.go``: ``TestActivePodFiltering``, ``TestSortingActivePods``,
``TestSortingActivePodsWithRanks``, ``TestActiveReplicaSetsFiltering``, ``TestComputeHash``),
slow start (``replica_set_test.go`` ``TestSlowStartBatch``) and pod creation from a template."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from k8s_internals.controllers.controller_utils import (
    SAFE_ALPHANUMS,
    ActivePodsWithRanks,
    ControllerError,
    compute_hash,
    filter_active_pods,
    filter_active_replica_sets,
    get_deletion_cost_from_pod_annotations,
    get_pod_from_template,
    is_pod_available,
    new_controller_ref,
    replica_sets_by_size_newer,
    replica_sets_by_size_older,
    slow_start_batch,
    slow_start_batch_sizes,
    sort_active_pods,
    validate_controller_ref,
)
from k8s_internals.controllers.replicaset import get_pods_to_delete

JSON = dict[str, Any]
NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def ts(t: datetime | None) -> str | None:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ") if t is not None else None


def pod(name: str, node: str = "", phase: str = "Running", ready: bool = False,
        restarts: int = 0, ready_since: datetime | None = None,
        created: datetime | None = None, annotations: dict[str, str] | None = None,
        restarts2: int | None = None) -> JSON:
    conditions = []
    statuses = []
    if ready:
        c: JSON = {"type": "Ready", "status": "True"}
        if ready_since is not None:
            c["lastTransitionTime"] = ts(ready_since)
        conditions.append(c)
        statuses = [{"name": "a", "restartCount": restarts}]
        if restarts2 is not None:
            statuses.append({"name": "b", "restartCount": restarts2})
    meta: JSON = {"name": name, "namespace": "default"}  # no uid, as upstream's test
    if created is not None:
        meta["creationTimestamp"] = ts(created)
    if annotations:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": {"nodeName": node},
            "status": {"phase": phase, "conditions": conditions,
                       "containerStatuses": statuses}}


def names(pods: list[JSON]) -> list[str]:
    return [p["metadata"]["name"] for p in pods]


def test_filter_active_pods_drops_succeeded_failed_and_deleting() -> None:
    pods = [pod(f"pod{i}") for i in range(6)]
    pods[0]["status"]["phase"] = "Succeeded"
    pods[1]["status"]["phase"] = "Failed"
    pods[2]["metadata"]["deletionTimestamp"] = ts(NOW)
    assert names(filter_active_pods(pods)) == ["pod3", "pod4", "pod5"]


def test_sorting_active_pods_matches_upstream_order() -> None:
    """``TestSortingActivePods``: whatever the input order, the order is the one listed."""
    then = NOW - timedelta(days=30)
    expected = [
        pod("0-unscheduled", "", "Pending"),
        pod("1-scheduled-pending", "bar", "Pending"),
        pod("2-unknown", "foo", "Unknown"),
        pod("3-running-not-ready", "foo", "Running"),
        # ready without lastTransitionTime: "been ready for empty time" = the newest
        pod("4-ready-no-ltt", "foo", ready=True, restarts=3, restarts2=0),
        pod("5-ready-now", "foo", ready=True, ready_since=NOW, restarts=3, restarts2=0),
        pod("6-ready-longer", "foo", ready=True, ready_since=then, restarts=3, restarts2=0),
        # same ready time, fewer restarts (max 2 < 3): deleted after 6
        pod("7-fewer-restarts", "foo", ready=True, ready_since=then, restarts=2, restarts2=1,
            created=NOW),
        # same again, but older: deleted last
        pod("8-older", "foo", ready=True, ready_since=then, restarts=2, restarts2=1,
            created=then),
    ]
    rng = random.Random(0)
    for _ in range(20):
        shuffled = expected[:]
        rng.shuffle(shuffled)
        assert names(sort_active_pods(shuffled)) == names(expected)


THEN_1_MONTH = NOW - timedelta(days=30)
UNSCHEDULED = pod("unscheduled", "", "Pending")
SCHEDULED_PENDING = pod("pending", "node", "Pending")
UNKNOWN = pod("unknown-phase", "node", "Unknown")
NOT_READY = pod("not-ready", "node", "Running")
READY_NO_LTT = pod("ready-no-last-transition-time", "node", ready=True)
READY_NOW = pod("ready-now", "node", ready=True, ready_since=NOW, created=NOW)
READY_THEN = pod("ready-then", "node", ready=True, ready_since=THEN_1_MONTH,
                 created=THEN_1_MONTH)
READY_HIGH_RESTARTS = pod("ready-high-restarts", "node", ready=True, restarts=9001,
                          ready_since=NOW, created=NOW)
READY_NOW_CREATED_THEN = pod("ready-now-created-then", "node", ready=True, ready_since=NOW,
                             created=THEN_1_MONTH)
LOW_COST = pod("low-deletion-cost", "node", ready=True, ready_since=NOW, created=THEN_1_MONTH,
               annotations={"controller.kubernetes.io/pod-deletion-cost": "10"})
HIGH_COST = pod("high-deletion-cost", "node", ready=True, ready_since=NOW, created=THEN_1_MONTH,
                annotations={"controller.kubernetes.io/pod-deletion-cost": "100"})
UNSCHEDULED_5H = pod("unscheduled-5-hours", "", "Pending", created=NOW - timedelta(hours=5))
UNSCHEDULED_8H = pod("unscheduled-10-hours", "", "Pending", created=NOW - timedelta(hours=8))
READY_2H = pod("ready-2-hours", "", ready=True, ready_since=NOW - timedelta(hours=2),
               created=THEN_1_MONTH)
READY_5H = pod("ready-5-hours", "", ready=True, ready_since=NOW - timedelta(hours=5),
               created=THEN_1_MONTH)
READY_8H = pod("ready-10-hours", "", ready=True, ready_since=NOW - timedelta(hours=8),
               created=THEN_1_MONTH)


@pytest.mark.parametrize(("p1", "p2"), [
    (UNSCHEDULED, UNSCHEDULED), (SCHEDULED_PENDING, SCHEDULED_PENDING), (UNKNOWN, UNKNOWN),
    (NOT_READY, NOT_READY), (READY_NOW_CREATED_THEN, READY_NOW_CREATED_THEN),
    (READY_NOW, READY_NOW), (READY_THEN, READY_THEN),
    (READY_HIGH_RESTARTS, READY_HIGH_RESTARTS),
    # 5 h and 8 h ago fall in the same log2 bucket of nanoseconds: 2^44 ≤ d < 2^45
    (UNSCHEDULED_5H, UNSCHEDULED_8H), (READY_5H, READY_8H),
], ids=lambda p: p["metadata"]["name"])
def test_ranked_equality(p1: JSON, p2: JSON) -> None:
    ranked = ActivePodsWithRanks([p1, p2], [1, 1], NOW.timestamp())
    assert not ranked.less(0, 1) and not ranked.less(1, 0)


@pytest.mark.parametrize(("lesser", "lesser_rank", "greater", "greater_rank", "cost"), [
    (UNSCHEDULED, 1, SCHEDULED_PENDING, 2, True),      # 1. unassigned first, whatever the rank
    (UNSCHEDULED, 2, SCHEDULED_PENDING, 1, True),
    (SCHEDULED_PENDING, 1, UNKNOWN, 2, True),           # 2. Pending < Unknown
    (UNKNOWN, 1, NOT_READY, 2, True),                   # 2. Unknown < Running
    (NOT_READY, 1, READY_NO_LTT, 1, True),              # 3. not ready < ready
    (READY_NO_LTT, 1, READY_NOW, 1, True),              # 6. zero ready time = newest
    (READY_NOW, 2, READY_NO_LTT, 1, True),              # 5. doubled up (rank 2) first
    (READY_NOW, 1, READY_THEN, 1, True),                # 6. ready for less time first
    (READY_NOW, 2, READY_THEN, 1, True),
    (READY_HIGH_RESTARTS, 1, READY_NOW, 1, True),       # 7. more restarts first
    (READY_NOW, 2, READY_HIGH_RESTARTS, 1, True),       # 5. rank beats restarts
    (READY_NOW, 1, READY_NOW_CREATED_THEN, 1, True),    # 8. newer first
    (READY_NOW_CREATED_THEN, 2, READY_NOW, 1, True),    # 5. rank beats age
    (LOW_COST, 2, HIGH_COST, 1, True),                  # 4. cost beats rank
    (HIGH_COST, 2, LOW_COST, 1, False),                 # PodDeletionCost off: rank decides
    (READY_2H, 1, READY_5H, 1, True),                   # 6. 2^42 ns bucket < 2^44 ns bucket
], ids=lambda v: v["metadata"]["name"] if isinstance(v, dict) else str(v))
def test_ranked_inequality(lesser: JSON, lesser_rank: int, greater: JSON, greater_rank: int,
                           cost: bool) -> None:
    ranked = ActivePodsWithRanks([lesser, greater], [lesser_rank, greater_rank],
                                 NOW.timestamp(), pod_deletion_cost=cost)
    assert ranked.less(0, 1)
    assert not ranked.less(1, 0)


def test_logarithmic_scale_down_off_compares_exact_times() -> None:
    ranked = ActivePodsWithRanks([READY_5H, READY_8H], [1, 1], NOW.timestamp(),
                                 logarithmic_scale_down=False)
    assert ranked.less(0, 1)  # ready for 5 h < ready for 8 h


def test_pods_to_delete_prefers_pods_doubled_up_with_related_pods() -> None:
    """``getPodsToDelete``: three ready pods; node-a also runs a pod of a sibling ReplicaSet
    (same Deployment), so the pods on node-a rank 2 and go first, the newer one before."""
    a_old = pod("a-old", "node-a", ready=True, ready_since=THEN_1_MONTH, created=THEN_1_MONTH)
    a_new = pod("a-new", "node-a", ready=True, ready_since=THEN_1_MONTH, created=NOW)
    b = pod("b", "node-b", ready=True, ready_since=NOW, created=NOW)
    sibling = pod("sibling-on-a", "node-a", ready=True)
    related = [a_old, a_new, b, sibling]   # ranks: node-a 3, node-b 1
    got = get_pods_to_delete([b, a_old, a_new], related, 2, NOW.timestamp())
    assert names(got) == ["a-new", "a-old"]
    # deleting all of them: no sorting at all
    assert names(get_pods_to_delete([b, a_old, a_new], related, 3, NOW.timestamp())) == \
        ["b", "a-old", "a-new"]


@pytest.mark.parametrize(("value", "cost"), [
    (None, 0), ("10", 10), ("-5", -5), ("0", 0), ("+10", 0), ("008", 0), ("abc", 0),
    ("2147483648", 0),  # not an int32
])
def test_deletion_cost_annotation(value: str | None, cost: int) -> None:
    ann = {} if value is None else {"controller.kubernetes.io/pod-deletion-cost": value}
    assert get_deletion_cost_from_pod_annotations(ann) == cost


@pytest.mark.parametrize(("ready_for", "min_ready", "available"), [
    (0, 0, True),     # minReadySeconds 0: ready is enough
    (10, 10, False),  # ready at t, now = t + 10: t + 10 is not *before* now
    (11, 10, True),
    (None, 0, False),  # not ready
])
def test_is_pod_available(ready_for: int | None, min_ready: int, available: bool) -> None:
    p = pod("p", "n", ready=ready_for is not None,
            ready_since=NOW - timedelta(seconds=ready_for or 0))
    assert is_pod_available(p, min_ready, NOW.timestamp()) is available


def rs(name: str, replicas: int, created: datetime) -> JSON:
    return {"metadata": {"name": name, "creationTimestamp": ts(created)},
            "spec": {"replicas": replicas}}


def test_active_replica_sets_and_size_orders() -> None:
    zero, foo, bar = rs("zero", 0, NOW), rs("foo", 1, NOW), rs("bar", 2, NOW)
    assert [r["metadata"]["name"] for r in filter_active_replica_sets([zero, None, foo, bar])] \
        == ["foo", "bar"]
    old, new = rs("old", 2, THEN_1_MONTH), rs("new", 2, NOW)
    big = rs("big", 5, NOW)
    assert [r["metadata"]["name"] for r in replica_sets_by_size_older([new, big, old])] == \
        ["big", "old", "new"]   # scaling down: the larger, then the older
    assert [r["metadata"]["name"] for r in replica_sets_by_size_newer([old, big, new])] == \
        ["big", "new", "old"]   # scaling up: the larger, then the newer


@pytest.mark.parametrize(("count", "call_limit", "successes", "failed", "calls"), [
    (10, 0, 0, True, 1),      # the first batch (1) fails: stop
    (10, 10, 10, False, 10),  # 1 + 2 + 4 + 3 = 10
    (10, 5, 5, True, 7),      # 1 + 2 + 4 = 7 calls, the third batch has 2 failures
])
def test_slow_start_batch(count: int, call_limit: int, successes: int, failed: bool,
                          calls: int) -> None:
    """``TestSlowStartBatch``."""
    made = 0

    def fn() -> None:
        nonlocal made
        made += 1
        if made > call_limit:
            raise RuntimeError("fake error")

    got, err = slow_start_batch(count, 1, fn)
    assert (got, err is not None, made) == (successes, failed, calls)


def test_slow_start_batch_sizes_double() -> None:
    assert slow_start_batch_sizes(500) == [1, 2, 4, 8, 16, 32, 64, 128, 245]


def test_compute_hash_is_safe_encoded_and_depends_on_the_collision_count() -> None:
    """``TestComputeHash``: another collision count, another hash."""
    t: JSON = {}
    assert compute_hash(t, 1) != compute_hash(t, 2)
    assert compute_hash(t, None) != compute_hash(t, 2**31 - 1)
    h = compute_hash({"metadata": {"labels": {"app": "kubia"}}})
    assert set(h) <= set(SAFE_ALPHANUMS) and 1 <= len(h) <= 10
    # digits only map to 10 of the 27 characters: "0".."9" → "456789bcdf"
    assert set(h) <= set("456789bcdf")
    assert compute_hash({"a": 1, "b": 2}) == compute_hash({"b": 2, "a": 1})  # canonical JSON


def test_pod_from_template_gets_generate_name_labels_and_controller_ref() -> None:
    owner = {"metadata": {"name": "kubia", "uid": "u1"}}
    ref = new_controller_ref(owner, "apps/v1", "ReplicaSet")
    tpl = {"metadata": {"labels": {"app": "kubia"}, "annotations": {"a": "b"}},
           "spec": {"containers": [{"name": "app", "image": "nginx"}]}}
    got = get_pod_from_template(tpl, owner, ref)
    assert got["metadata"]["generateName"] == "kubia-"
    assert got["metadata"]["labels"] == {"app": "kubia"}
    assert got["metadata"]["annotations"] == {"a": "b"}
    assert got["metadata"]["ownerReferences"] == [{
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "kubia", "uid": "u1",
        "controller": True, "blockOwnerDeletion": True}]
    assert got["spec"] == tpl["spec"] and got["spec"] is not tpl["spec"]


@pytest.mark.parametrize(("change", "message"), [
    ({"apiVersion": ""}, "controllerRef has empty APIVersion"),
    ({"kind": ""}, "controllerRef has empty Kind"),
    ({"controller": False}, "controllerRef.Controller is not set to true"),
    ({"blockOwnerDeletion": False}, "controllerRef.BlockOwnerDeletion is not set"),
])
def test_validate_controller_ref(change: JSON, message: str) -> None:
    ref = {**new_controller_ref({"metadata": {"name": "x", "uid": "u"}}, "v1", "RC"), **change}
    with pytest.raises(ControllerError, match=message):
        validate_controller_ref(ref)


def test_same_log2_bucket_falls_back_to_the_uid() -> None:
    """With LogarithmicScaleDown, ready times in the same bucket tie; upstream then compares
    UIDs, so the choice is random-looking but stable."""
    p1 = {**READY_5H, "metadata": {**READY_5H["metadata"], "uid": "b"}}
    p2 = {**READY_8H, "metadata": {**READY_8H["metadata"], "uid": "a"}}
    ranked = ActivePodsWithRanks([p1, p2], [1, 1], NOW.timestamp())
    assert ranked.less(1, 0) and not ranked.less(0, 1)   # uid "a" < "b"
    ranked.sort()
    assert names(ranked.pods) == ["ready-10-hours", "ready-5-hours"]
