"""Deployment arithmetic, ported from upstream's tables: ``deployment_util_test.go``
(``TestResolveFenceposts``, ``TestNewRSNewReplicas``, ``TestMaxUnavailable``,
``TestDeploymentComplete``, ``TestDeploymentProgressing``, ``TestDeploymentTimedOut``) and
``sync_test.go`` (``TestScale``, ``TestDeploymentController_cleanupDeployment``), run against the
same functions the controller uses, with a recording fake client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from k8s_internals.controllers.controller_utils import ControllerError
from k8s_internals.controllers.deployment import util
from k8s_internals.controllers.deployment.sync import SyncMixin
from k8s_internals.sim import Kernel

JSON = dict[str, Any]
NEW, OLD, OLDER = "2016-05-20T02:00:00Z", "2016-05-20T01:00:00Z", "2016-05-20T00:00:00Z"


def dep(replicas: int, max_surge: Any = 0, max_unavailable: Any = 0, *,
        strategy: str = "RollingUpdate", **spec: Any) -> JSON:
    """Upstream's ``newDeployment``: RollingUpdate 0 / 0 unless told otherwise."""
    d: JSON = {"metadata": {"name": "foo", "namespace": "default", "uid": "d-uid",
                            "generation": 1, "annotations": {}},
               "spec": {"replicas": replicas, "selector": {"matchLabels": {"foo": "bar"}},
                        "strategy": {"type": strategy},
                        "template": {"metadata": {"labels": {"foo": "bar"}},
                                     "spec": {"containers": [{"image": "foo/bar"}]}}}}
    if strategy == "RollingUpdate":
        d["spec"]["strategy"]["rollingUpdate"] = {"maxSurge": max_surge,
                                                  "maxUnavailable": max_unavailable}
    d["spec"].update(spec)
    return d


def rs(name: str, replicas: int, created: str = NEW, available: int | None = None,
       status_replicas: int | None = None) -> JSON:
    out: JSON = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                 "metadata": {"name": name, "namespace": "default", "uid": name,
                              "creationTimestamp": created},
                 "spec": {"replicas": replicas}, "status": {}}
    if available is not None:
        out["status"]["availableReplicas"] = available
    if status_replicas is not None:
        out["status"]["replicas"] = status_replicas
    return out


# -- intstr and fenceposts --------------------------------------------------------------------


@pytest.mark.parametrize(("surge", "unavailable", "desired", "expect"), [
    ("0%", "0%", 0, (0, 1)),       # both 0: unavailable forced to 1
    ("39%", "39%", 10, (4, 3)),    # ceil(3.9) = 4, floor(3.9) = 3
    ("oops", "39%", 10, None),
    ("55%", "urg", 10, None),
    ("5", "1", 7, None),           # a string must be a percentage
    (None, "39%", 10, (0, 3)),
    ("39%", None, 10, (4, 0)),
    (None, None, 10, (0, 1)),
    ("25%", "25%", 10, (3, 2)),    # the defaults: ceil(2.5) = 3, floor(2.5) = 2
    ("25%", "25%", 8, (2, 2)),     # exactly 2 either way
    (1, 1, 2, (1, 1)),
])
def test_resolve_fenceposts(surge: Any, unavailable: Any, desired: int,
                            expect: tuple[int, int] | None) -> None:
    if expect is None:
        with pytest.raises(ControllerError):
            util.resolve_fenceposts(surge, unavailable, desired)
    else:
        assert util.resolve_fenceposts(surge, unavailable, desired) == expect


@pytest.mark.parametrize(("replicas", "strategy", "surge", "unavailable", "expected"), [
    (10, "RollingUpdate", 0, 1, 1),
    (10, "RollingUpdate", 0, 0, 1),       # fencepost: at least 1
    (10, "Recreate", 0, 1, 0),
    (3, "RollingUpdate", 0, 10, 3),       # capped at replicas
    (10, "RollingUpdate", "0%", "30%", 3),
    (0, "RollingUpdate", 0, 1, 0),        # zero replicas: nothing may be unavailable
])
def test_max_unavailable(replicas: int, strategy: str, surge: Any, unavailable: Any,
                         expected: int) -> None:
    assert util.max_unavailable(dep(replicas, surge, unavailable, strategy=strategy)) == expected


@pytest.mark.parametrize(("strategy", "dep_replicas", "new_rs", "surge", "expected"), [
    # one other RS with 5 replicas. 1 + 1 surge = 2 allowed, 5 + 5 running: no room
    ("RollingUpdate", 1, 5, 1, 5),
    # 6 + 10 = 16 allowed, 5 + 2 running: +9 possible, but never past 6
    ("RollingUpdate", 6, 2, 10, 6),
    ("Recreate", 3, 1, 1, 3),
])
def test_new_rs_new_replicas(strategy: str, dep_replicas: int, new_rs: int, surge: int,
                             expected: int) -> None:
    d = dep(dep_replicas, surge, 1, strategy=strategy)
    assert util.new_rs_new_replicas(d, [rs("rs5", 5)], rs("new", new_rs)) == expected


# -- status helpers ---------------------------------------------------------------------------


def status(replicas: int, updated: int, available: int, observed: int = 1, ready: int = 0) -> JSON:
    return {"replicas": replicas, "updatedReplicas": updated, "availableReplicas": available,
            "readyReplicas": ready, "observedGeneration": observed}


@pytest.mark.parametrize(("desired", "st", "complete"), [
    (5, status(5, 5, 5), True),
    (5, status(5, 5, 4), False),     # not all available
    (5, status(6, 5, 5), False),     # an old pod still there
    (5, status(5, 4, 5), False),     # not all updated
    (5, status(5, 5, 5, observed=0), False),   # the status is about an older generation
])
def test_deployment_complete(desired: int, st: JSON, complete: bool) -> None:
    assert util.deployment_complete(dep(desired), st) is complete


@pytest.mark.parametrize(("old", "new", "progressing"), [
    (status(10, 5, 5), status(10, 5, 5), False),
    (status(10, 5, 5), status(10, 6, 5), True),    # more updated
    (status(10, 5, 5), status(9, 5, 5), True),     # fewer old (10-5 → 9-5)
    (status(10, 5, 5), status(10, 5, 6), True),    # more available
    (status(10, 5, 5, ready=4), status(10, 5, 5, ready=5), True),   # more ready
])
def test_deployment_progressing(old: JSON, new: JSON, progressing: bool) -> None:
    d = dep(10)
    d["status"] = old
    assert util.deployment_progressing(d, new) is progressing


T0 = 1_000_000.0


def progressing_at(t: float, reason: str = util.REPLICA_SET_UPDATED_REASON) -> JSON:
    from datetime import UTC, datetime
    stamp = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"conditions": [util.new_deployment_condition(
        util.DEPLOYMENT_PROGRESSING, "True", reason, "", stamp)]}


@pytest.mark.parametrize(("deadline", "last_update", "now", "timed_out"), [
    (30, T0, T0 + 29, False),
    (30, T0, T0 + 30, False),       # "from.Add(delta).Before(now)": strictly before
    (30, T0, T0 + 31, True),
    (None, T0, T0 + 1000, False),   # no deadline
    (2**31 - 1, T0, T0 + 10**9, False),  # MaxInt32 means "no deadline"
])
def test_deployment_timed_out(deadline: int | None, last_update: float, now: float,
                              timed_out: bool) -> None:
    d = dep(1, progressDeadlineSeconds=deadline)
    assert util.deployment_timed_out(d, progressing_at(last_update), now) is timed_out


def test_timed_out_never_after_completion_and_always_once_timed_out() -> None:
    d = dep(1, progressDeadlineSeconds=1)
    assert not util.deployment_timed_out(d, progressing_at(T0, util.NEW_RS_AVAILABLE_REASON),
                                         T0 + 100)
    assert util.deployment_timed_out(d, progressing_at(T0, util.TIMED_OUT_REASON), T0)


# -- annotations and revisions ----------------------------------------------------------------


def test_new_replica_set_annotations_and_revision_history() -> None:
    d = dep(3, 1, 0)
    d["metadata"]["annotations"] = {"kubernetes.io/change-cause": "v2",
                                    util.REVISION_ANNOTATION: "7",
                                    util.LAST_APPLIED_CONFIG_ANNOTATION: "{}"}
    new = rs("new", 0)
    assert util.set_new_replica_set_annotations(d, new, "3", False, 2000)
    assert new["metadata"]["annotations"] == {
        "kubernetes.io/change-cause": "v2",       # copied
        util.REVISION_ANNOTATION: "3",            # not the Deployment's: the new revision
        util.DESIRED_REPLICAS_ANNOTATION: "3", util.MAX_REPLICAS_ANNOTATION: "4"}
    # the same RS becomes new again (a rollback): 3 → 5, history keeps 3, then 5 → 6
    assert util.set_new_replica_set_annotations(d, new, "5", True, 2000)
    assert util.set_new_replica_set_annotations(d, new, "6", True, 2000)
    assert new["metadata"]["annotations"][util.REVISION_ANNOTATION] == "6"
    assert new["metadata"]["annotations"][util.REVISION_HISTORY_ANNOTATION] == "3,5"
    assert not util.set_new_replica_set_annotations(d, new, "4", True, 2000)  # never lowered


def test_max_and_last_revision_skip_unparsable() -> None:
    rss = [rs("a", 0), rs("b", 0), rs("c", 0), rs("d", 0)]
    for r, v in zip(rss, ["1", "3", "x", "2"], strict=True):
        r["metadata"]["annotations"] = {util.REVISION_ANNOTATION: v}
    assert (util.max_revision(rss), util.last_revision(rss)) == (3, 2)


def test_equal_ignore_hash() -> None:
    t1 = {"metadata": {"labels": {"app": "a", util.DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY: "x"}},
          "spec": {"containers": [{"name": "c", "image": "i"}]}}
    t2 = {"metadata": {"labels": {"app": "a"}, "annotations": {}},   # {} == missing
          "spec": {"containers": [{"name": "c", "image": "i"}]}}
    assert util.equal_ignore_hash(t1, t2)
    t2["spec"]["containers"][0]["image"] = "j"
    assert not util.equal_ignore_hash(t1, t2)


# -- scale() and cleanup with a recording client ------------------------------------------------


@dataclass
class FakeClient:
    updates: list[JSON] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)

    def update(self, resource: str, obj: JSON) -> JSON:
        self.updates.append(obj)
        return obj

    def delete(self, resource: str, name: str, namespace: str = "") -> JSON:
        self.deletes.append(name)
        return {}


@dataclass
class FakeRecorder:
    events: list[tuple[str, str]] = field(default_factory=list)

    def event(self, obj: JSON, event_type: str, reason: str, message: str) -> None:
        self.events.append((reason, message))


class FakeDC(SyncMixin):
    def __init__(self) -> None:
        self.client = FakeClient()  # type: ignore[assignment]
        self.recorder = FakeRecorder()  # type: ignore[assignment]
        self.kernel = Kernel()


SCALE_CASES = [
    # name, deployment (replicas, surge), old deployment (replicas, surge), new RS, old RSes,
    # expected new, expected old
    ("normal scaling event: 10 -> 12", (12, 0), (10, 0), 10, [], 12, []),
    ("normal scaling event: 10 -> 5", (5, 0), (10, 0), 10, [], 5, []),
    # to add 5 over 2 + 3; fractions round(2*10/5)-2 = 2, round(3*10/5)-3 = 3; 1 leftover
    # goes to the largest (the old RS, sorted first): new 4, old 6
    ("proportional scaling: 5 -> 10", (10, 0), (5, 0), 2, [3], 4, [6]),
    # to remove 2: old -1 (round(3*3/5)-3 = -1), new -1 (round(2*3/5)-2 = -1)
    ("proportional scaling: 5 -> 3", (3, 0), (5, 0), 2, [3], 1, [2]),
    ("proportional scaling: 9 -> 4", (4, 0), (9, 0), 8, [1], 4, [0]),
    ("proportional scaling: 7 -> 10", (10, 0), (7, 0), 2, [3, 2], 3, [4, 3]),
    ("proportional scaling: 13 -> 8", (8, 0), (13, 0), 2, [8, 3], 1, [5, 2]),
    # ties: scaling up favours the newer RS, scaling down the older one
    ("leftover distribution: 3 -> 4", (4, 0), (3, 0), 1, [1, 1], 2, [1, 1]),
    ("leftover distribution: 3 -> 2", (2, 0), (3, 0), 1, [1, 1], 1, [1, 0]),
    ("proportional scaling (no new rs): 4 -> 5", (5, 0), (4, 0), None, [2, 2], None, [3, 2]),
    ("proportional scaling: 6 -> 0", (0, 0), (6, 0), 3, [2, 1], 0, [0, 0]),
    ("proportional scaling: 0 -> 6", (6, 0), (6, 0), 0, [0, 0], 6, [0, 0]),
    # 20 + 2 allowed, 12 running; fraction of each: round(6 * 22 / 12) - 6 = 5
    ("deployment with surge pods", (20, 2), (10, 2), 6, [6], 11, [11]),
    ("change both surge and size", (50, 6), (10, 3), 5, [8], 22, [34]),
]


@pytest.mark.parametrize(("name", "d_", "old_d", "new_n", "olds", "exp_new", "exp_old"),
                         SCALE_CASES, ids=[c[0] for c in SCALE_CASES])
def test_scale(name: str, d_: tuple[int, int], old_d: tuple[int, int], new_n: int | None,
               olds: list[int], exp_new: int | None, exp_old: list[int]) -> None:
    """``TestScale``: replica annotations come from the old Deployment size, then ``scale``
    distributes the difference."""
    d, before = dep(d_[0], d_[1]), dep(old_d[0], old_d[1])
    created = [OLD, OLDER]
    new_rs = rs("foo-v3" if len(olds) > 1 else "foo-v2", new_n, NEW) if new_n is not None \
        else None
    old_rss = [rs(f"foo-v{len(olds) - i}", n, created[i]) for i, n in enumerate(olds)]
    for r in [new_rs, *old_rss]:
        if r is not None:
            util.set_replicas_annotations(r, util.replicas(before),
                                          util.replicas(before) + util.max_surge(before))
    dc = FakeDC()
    dc.scale(d, new_rs, old_rss)
    sizes = {r["metadata"]["name"]: r["spec"]["replicas"]
             for r in [new_rs, *old_rss] if r is not None}
    for u in dc.client.updates:  # type: ignore[attr-defined]
        sizes[u["metadata"]["name"]] = u["spec"]["replicas"]
    if new_rs is not None:
        assert sizes[new_rs["metadata"]["name"]] == exp_new
    assert [sizes[r["metadata"]["name"]] for r in old_rss] == exp_old


def test_scale_change_both_size_and_template_scales_old_replica_sets() -> None:
    """No new RS yet (the template changed too): the two old ones share 14 as 7:3 did 10."""
    d, before = dep(14), dep(10)
    d["spec"]["template"]["metadata"]["labels"]["another"] = "label"
    old_rss = [rs("foo-v2", 7, NEW), rs("foo-v1", 3, OLD)]
    for r in old_rss:
        util.set_replicas_annotations(r, 10, 10 + util.max_surge(before))
    dc = FakeDC()
    dc.scale(d, None, old_rss)
    assert [u["spec"]["replicas"] for u in dc.client.updates] == [10, 4]  # type: ignore[attr-defined]


def test_scale_events_use_upstream_text() -> None:
    dc = FakeDC()
    new = rs("foo-v1", 10)
    util.set_replicas_annotations(new, 10, 10)
    dc.scale(dep(12), new, [])
    assert dc.recorder.events == [  # type: ignore[attr-defined]
        ("ScalingReplicaSet", "Scaled up replica set foo-v1 from 10 to 12")]


@pytest.mark.parametrize(("olds", "limit", "deletions"), [
    ([(0, 0), (0, 0), (0, 0)], 1, 2),
    ([(0, 0), (0, 1), (1, 0), (1, 1)], 0, 1),   # only spec = status = 0 may go
    ([(0, 0), (0, 0)], 0, 2),
    ([(1, 1), (1, 1)], 0, 0),
    ([(0, 0), (0, 0), (0, 0)], 2**31 - 1, 0),   # unlimited history
])
def test_cleanup_deployment(olds: list[tuple[int, int]], limit: int, deletions: int) -> None:
    """``TestDeploymentController_cleanupDeployment``."""
    dc = FakeDC()
    rss = [rs(f"foo-{i + 1}", spec, status_replicas=st) for i, (spec, st) in enumerate(olds)]
    dc.cleanup_deployment(rss, dep(1, revisionHistoryLimit=limit))
    assert len(dc.client.deletes) == deletions  # type: ignore[attr-defined]


def test_cleanup_skips_replica_sets_being_deleted() -> None:
    dc = FakeDC()
    gone = rs("foo-1", 0, status_replicas=0)
    gone["metadata"]["deletionTimestamp"] = NEW
    dc.cleanup_deployment([gone], dep(1, revisionHistoryLimit=0))
    assert dc.client.deletes == []  # type: ignore[attr-defined]
