"""The Deployment controller with the ReplicaSet controller and a fake kubelet, against a
real API server: names and labels, revisions, events and conditions, RollingUpdate, Recreate,
rollback, pause/resume, the progress deadline, proportional scaling, hash collisions, history
cleanup, adoption."""

from __future__ import annotations

import pytest

from k8s_internals.client.client import ApiError
from k8s_internals.controllers.controller_utils import ControllerError, compute_hash
from k8s_internals.controllers.deployment import rollout_undo
from k8s_internals.controllers.deployment import util as du
from tests.conftest import BACKENDS

from .helpers import JSON, Cluster, deployment, set_pod_ready

REV = du.REVISION_ANNOTATION


def conditions(d: JSON) -> dict[str, tuple[str, str, str]]:
    return {c["type"]: (c["status"], c["reason"], c["message"])
            for c in d["status"].get("conditions", [])}


def get(cluster: Cluster, name: str = "web") -> JSON:
    return cluster.admin.get("deployments", name, "default")


@pytest.mark.parametrize("backend", BACKENDS)
def test_create_names_labels_revision_events_and_conditions(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    d = a.create("deployments", deployment("web", 3))
    cluster.settle()
    (rs,) = cluster.replica_sets()
    h = rs["metadata"]["labels"][du.DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]
    assert h == compute_hash(d["spec"]["template"])          # the defaulted template's hash
    assert rs["metadata"]["name"] == f"web-{h}"
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "web", "pod-template-hash": h}}
    assert rs["spec"]["template"]["metadata"]["labels"] == {"app": "web", "pod-template-hash": h}
    assert rs["metadata"]["ownerReferences"] == [{
        "apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
        "uid": d["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]
    assert rs["metadata"]["annotations"] == {REV: "1", du.DESIRED_REPLICAS_ANNOTATION: "3",
                                             du.MAX_REPLICAS_ANNOTATION: "4"}  # 3 + ceil(.75)
    pods = cluster.pods()
    assert len(pods) == 3 and all(p["metadata"]["name"].startswith(f"web-{h}-") for p in pods)
    assert cluster.messages("ScalingReplicaSet", "web") == \
        [f"Scaled up replica set web-{h} from 0 to 3"]
    d = get(cluster)
    assert d["metadata"]["annotations"] == {REV: "1"}
    assert {k: v for k, v in d["status"].items() if k != "conditions"} == {
        "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
        "availableReplicas": 3}
    assert conditions(d) == {
        "Available": ("True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        "Progressing": ("True", "NewReplicaSetAvailable",
                        f'ReplicaSet "web-{h}" has successfully progressed.')}


@pytest.mark.parametrize("backend", BACKENDS)
def test_rolling_update_keeps_the_old_replica_set_as_revision_1(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 10))
    cluster.settle()
    cluster.set_image("web", "nginx:1.28")
    old, new = cluster.replica_sets()
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (0, 10)
    assert (old["metadata"]["annotations"][REV], new["metadata"]["annotations"][REV]) == \
        ("1", "2")
    assert new["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert get(cluster)["metadata"]["annotations"][REV] == "2"
    assert {p["spec"]["containers"][0]["image"] for p in cluster.pods()} == {"nginx:1.28"}
    msgs = cluster.messages("ScalingReplicaSet", "web")
    new_name = new["metadata"]["name"]
    assert msgs[1] == f"Scaled up replica set {new_name} from 0 to 3"   # ceil(25% of 10)
    assert msgs[-1].endswith("to 0") and old["metadata"]["name"] in msgs[-1]


def test_recreate_never_runs_both_versions(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 3, recreate=True))
    cluster.settle()
    (old,) = cluster.replica_sets()
    images_seen: list[set[str]] = []

    def record(_: JSON) -> None:
        pods = cluster.factory.informer("pods").list("default")
        images_seen.append({p["spec"]["containers"][0]["image"] for p in pods})

    cluster.factory.informer("pods").add_event_handler(on_add=record)
    cluster.set_image("web", "nginx:1.28")
    assert all(len(images) == 1 for images in images_seen)   # never two versions at once
    _, new = cluster.replica_sets()
    assert cluster.messages("ScalingReplicaSet", "web")[1:] == [
        f"Scaled down replica set {old['metadata']['name']} from 3 to 0",
        f"Scaled up replica set {new['metadata']['name']} from 0 to 3"]
    assert [p["spec"]["containers"][0]["image"] for p in cluster.pods()] == ["nginx:1.28"] * 3


def test_kubectl_rollout_undo_reuses_the_old_replica_set(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 2))
    cluster.settle()
    cluster.set_image("web", "nginx:1.28")
    first, second = cluster.replica_sets()
    assert rollout_undo(a, "web") == "rolled back"            # to the previous revision (1)
    cluster.settle()
    rss = {r["metadata"]["name"]: r for r in cluster.replica_sets()}
    assert len(rss) == 2                                      # no new ReplicaSet, no new hash
    back = rss[first["metadata"]["name"]]
    assert back["spec"]["replicas"] == 2 and rss[second["metadata"]["name"]]["spec"][
        "replicas"] == 0
    # revision 1 became revision 3 (max + 1); the old number is kept in revision-history
    assert back["metadata"]["annotations"][REV] == "3"
    assert back["metadata"]["annotations"][du.REVISION_HISTORY_ANNOTATION] == "1"
    assert get(cluster)["metadata"]["annotations"][REV] == "3"
    assert "pod-template-hash" not in get(cluster)["spec"]["template"]["metadata"]["labels"]
    # undo again: back to revision 2's template, which becomes revision 4
    assert rollout_undo(a, "web", to_revision=2) == "rolled back"
    cluster.settle()
    assert a.get("replicasets", second["metadata"]["name"], "default")["metadata"][
        "annotations"][REV] == "4"
    assert rollout_undo(a, "web", to_revision=4) == \
        "skipped rollback (current template already matches revision 4)"
    with pytest.raises(ControllerError, match="unable to find specified revision 9 in history"):
        rollout_undo(a, "web", to_revision=9)


def test_deprecated_rollback_to_annotation(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 2))
    cluster.settle()
    cluster.set_image("web", "nginx:1.28")
    a.patch("deployments", "web", {"metadata": {"annotations": {
        du.DEPRECATED_ROLLBACK_TO: "1"}}}, "default")
    cluster.settle()
    d = get(cluster)
    assert du.DEPRECATED_ROLLBACK_TO not in d["metadata"]["annotations"]   # cleared
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert cluster.messages("DeploymentRollback", "web") == [
        'Rolled back deployment "web" to revision 1']
    a.patch("deployments", "web", {"metadata": {"annotations": {
        du.DEPRECATED_ROLLBACK_TO: "7"}}}, "default")
    cluster.settle()
    assert cluster.messages("DeploymentRollbackRevisionNotFound", "web") == [
        "Unable to find the revision to rollback to."]


def test_pause_resume(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 2))
    cluster.settle()
    a.patch("deployments", "web", {"spec": {"paused": True}}, "default")
    cluster.set_image("web", "nginx:1.28", settle=False)
    a.scale("deployments", "web", 4, "default")   # scaling still works while paused
    cluster.settle()
    (rs,) = cluster.replica_sets()                  # no rollout while paused
    assert rs["spec"]["replicas"] == 4
    assert conditions(get(cluster))["Progressing"] == ("Unknown", "DeploymentPaused",
                                                        "Deployment is paused")
    a.patch("deployments", "web", {"spec": {"paused": False}}, "default")
    cluster.settle()
    old, new = cluster.replica_sets()
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (0, 4)
    assert conditions(get(cluster))["Progressing"][1] == "NewReplicaSetAvailable"


def test_paused_and_resumed_conditions_are_written_by_the_sync(cluster: Cluster) -> None:
    """``checkPausedConditions`` writes Progressing=Unknown first; the same sync's later
    status write then carries a stale resourceVersion and conflicts — as upstream, the next
    sync (here: the next call) finishes the job."""
    cluster.start("replicaset")
    (dc,) = cluster.start("deployment", run=False)
    a = cluster.admin
    a.create("deployments", deployment("web", 1, paused=True))
    cluster.settle()
    with pytest.raises(ApiError, match="the object has been modified"):
        dc.sync_handler("default/web")
    cluster.settle()
    assert conditions(get(cluster))["Progressing"] == ("Unknown", "DeploymentPaused",
                                                        "Deployment is paused")
    dc.sync_handler("default/web")            # paused: scale only, no ReplicaSet yet
    cluster.settle()
    assert cluster.replica_sets() == []
    a.patch("deployments", "web", {"spec": {"paused": False}}, "default")
    cluster.settle()
    with pytest.raises(ApiError):
        dc.sync_handler("default/web")
    cluster.settle()
    # the resumed condition was written, and the ReplicaSet created in the same sync
    assert len(cluster.replica_sets()) == 1
    for _ in range(10):   # each sync gets further (what the rate-limited requeues do)
        try:
            dc.sync_handler("default/web")
        except ApiError:
            cluster.settle()
            continue
        cluster.settle()
        break
    assert conditions(get(cluster))["Progressing"][1] == "NewReplicaSetAvailable"


def test_progress_deadline_exceeded(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 2, progressDeadlineSeconds=30))
    cluster.settle()
    cluster.kubelet.enabled = False          # the new pods will never become ready
    cluster.set_image("web", "nginx:broken", settle=False)
    t0 = cluster.kernel.now
    cluster.kernel.run_for(1)
    _, new = cluster.replica_sets()
    name = new["metadata"]["name"]
    progressing = conditions(get(cluster))["Progressing"]
    assert progressing[0] == "True" and progressing[1] in (
        "NewReplicaSetCreated", "ReplicaSetUpdated")
    # nothing else happens; the controller requeued itself for lastUpdateTime + 30 s (+1 s)
    cluster.kernel.run_for(29)
    assert conditions(get(cluster))["Progressing"][0] == "True"
    cluster.kernel.run_for(5)
    assert conditions(get(cluster))["Progressing"] == (
        "False", "ProgressDeadlineExceeded", f'ReplicaSet "{name}" has timed out progressing.')
    assert cluster.kernel.now - t0 < 40
    # the rollout is not undone: old pods keep serving
    assert conditions(get(cluster))["Available"][0] == "True"


def test_complete_deployment_that_loses_a_pod_is_rechecked_at_the_rate_limiters_pace(
        cluster: Cluster) -> None:
    """Upstream's ``requeueStuckDeployment`` (progress.go): a Deployment whose Progressing
    condition says ``NewReplicaSetAvailable`` but which is no longer complete (a pod stopped
    being ready) is past its "deadline" (lastUpdateTime + progressDeadlineSeconds is in the
    past), so it is requeued *now*, rate limited, on every sync; the worker's ``Forget`` resets
    the per-item backoff, so only the default controller rate limiter's token bucket (10 qps,
    burst 100) paces it. Upstream spins the same way; it stops once the pod is ready again."""
    (_, dc) = cluster.start("replicaset", "deployment")
    cluster.admin.create("deployments", deployment("web", 2, progressDeadlineSeconds=30))
    cluster.settle()
    cluster.kernel.run_for(120)                      # well past lastUpdateTime + 30 s
    before = dc.syncs
    cluster.kernel.run_for(10)
    assert dc.syncs == before                        # complete: no requeue at all
    pod = cluster.pods()[0]
    set_pod_ready(cluster.admin, cluster.kernel, pod, ready=False)
    cluster.kernel.run_for(1)
    assert get(cluster)["status"]["availableReplicas"] == 1
    start = dc.syncs
    cluster.kernel.run_for(20)
    spun = dc.syncs - start
    # 20 s at 10 qps after (at most) the bucket's burst of 100
    assert 150 <= spun <= 100 + 10 * 20 + 5
    # nothing is written meanwhile: the condition keeps its reason (never times out)
    assert conditions(get(cluster))["Progressing"][1] == "NewReplicaSetAvailable"
    set_pod_ready(cluster.admin, cluster.kernel, cluster.admin.get(
        "pods", pod["metadata"]["name"], "default"))
    cluster.kernel.run_for(1)
    assert get(cluster)["status"]["availableReplicas"] == 2
    stopped = dc.syncs
    cluster.kernel.run_for(10)
    assert dc.syncs == stopped


def test_proportional_scaling_mid_rollout(cluster: Cluster) -> None:
    """10 replicas, maxSurge 3, maxUnavailable 2; the new pods never become ready. As in
    upstream's example the rollout stops at old 8 + new 5 (new 3, old -2, new +2; then
    13 - 8 - 5 = 0: nothing more may go). Scaled to 20:

        allowed = 20 + 3 = 23, current = 13                → 10 to add, larger RS first
        old: round(8 * 23 / 13) - 8 = round(14.15) - 8 = 6   (max-replicas annotation: 13)
        new: round(5 * 23 / 13) - 5 = round(8.85) - 5 = 4    (min(4, 10 - 6) = 4)
        leftover 10 - 10 = 0                                 → old 14, new 9
    """
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 10, max_surge=3, max_unavailable=2))
    cluster.settle()
    cluster.kubelet.enabled = False
    cluster.set_image("web", "nginx:broken")
    old, new = cluster.replica_sets()
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (8, 5)
    a.scale("deployments", "web", 20, "default")
    cluster.settle()
    old, new = cluster.replica_sets()
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (14, 9)
    assert old["metadata"]["annotations"][du.DESIRED_REPLICAS_ANNOTATION] == "20"
    assert new["metadata"]["annotations"][du.MAX_REPLICAS_ANNOTATION] == "23"
    assert cluster.messages("ScalingReplicaSet", "web")[-2:] == [
        f"Scaled up replica set {old['metadata']['name']} from 8 to 14",
        f"Scaled up replica set {new['metadata']['name']} from 5 to 9"]


def test_hash_collision_bumps_collision_count(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    d = a.create("deployments", deployment("web", 1, paused=True))
    h = compute_hash(d["spec"]["template"])
    squatter = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": f"web-{h}", "namespace": "default",
                             "labels": {"app": "other"}},
                "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "other"}},
                         "template": {"metadata": {"labels": {"app": "other"}},
                                      "spec": {"containers": [{"name": "x", "image": "x"}]}}}}
    a.create("replicasets", squatter)
    a.patch("deployments", "web", {"spec": {"paused": False}}, "default")
    cluster.settle()
    d = get(cluster)
    assert d["status"]["collisionCount"] == 1
    h1 = compute_hash(d["spec"]["template"], 1)
    assert h1 != h
    rs = a.get("replicasets", f"web-{h1}", "default")
    assert rs["spec"]["replicas"] == 1 and rs["status"]["availableReplicas"] == 1


def test_revision_history_limit_deletes_the_oldest_empty_replica_sets(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("deployments", deployment("web", 1, revisionHistoryLimit=1))
    cluster.settle()
    for image in ("nginx:1.28", "nginx:1.29", "nginx:1.30"):
        cluster.set_image("web", image)
    rss = cluster.replica_sets()
    assert [r["metadata"]["annotations"][REV] for r in rss] == ["3", "4"]
    assert [r["spec"]["replicas"] for r in rss] == [0, 1]


def test_adopts_an_orphan_replica_set_with_the_same_template(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    d = deployment("web", 2)
    orphan = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": "web-handmade", "namespace": "default",
                           "labels": {"app": "web"}},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                       "template": d["spec"]["template"]}}
    a.create("replicasets", orphan)
    cluster.settle()
    created = a.create("deployments", d)
    cluster.settle()
    (rs,) = cluster.replica_sets()      # adopted and used as the new RS: nothing created
    assert rs["metadata"]["name"] == "web-handmade"
    assert rs["metadata"]["ownerReferences"][0]["uid"] == created["metadata"]["uid"]
    assert rs["metadata"]["annotations"][REV] == "1"
    assert cluster.events("ScalingReplicaSet") == []


def test_replica_failure_of_the_replica_set_shows_on_the_deployment(cluster: Cluster) -> None:
    cluster.start("replicaset", "deployment")
    a = cluster.admin
    a.create("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                            "metadata": {"name": "other"}})
    d = deployment("web", 2)
    d["metadata"]["namespace"] = "other"
    a.create("deployments", d)
    cluster.kernel.run_for(1)
    got = a.get("deployments", "web", "other")
    status, reason, message = conditions(got)["ReplicaFailure"]
    assert (status, reason) == ("True", "FailedCreate")
    assert message.startswith("pods is forbidden: error looking up service account")
    assert conditions(got)["Available"][:2] == ("False", "MinimumReplicasUnavailable")
