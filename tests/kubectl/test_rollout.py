"""``rollout status`` (on virtual time), ``history``, ``undo``, ``restart``, ``pause``."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.kubectl import Kubectl
from k8s_internals.kubectl.errors import CommandError
from k8s_internals.kubectl.rollout import status_message
from k8s_internals.sim import Kernel


def _set_status(admin: Client, **status: Any) -> None:
    d = admin.get("deployments", "kubia", "default")
    d["status"] = {"observedGeneration": d["metadata"]["generation"], **status}
    admin.update_status("deployments", d)


@pytest.fixture
def deployment(kubectl: Kubectl) -> Kubectl:
    assert kubectl.run("create deployment kubia --image=luksa/kubia:v1 --replicas=3") == (
        "deployment.apps/kubia created\n")
    return kubectl


def test_rollout_status_follows_the_watch(deployment: Kubectl, admin: Client,
                                          kernel: Kernel) -> None:
    kernel.call_later(2, lambda: _set_status(admin, replicas=3, updatedReplicas=1))
    kernel.call_later(4, lambda: _set_status(admin, replicas=4, updatedReplicas=3))
    kernel.call_later(6, lambda: _set_status(admin, replicas=3, updatedReplicas=3,
                                             availableReplicas=1))
    kernel.call_later(8, lambda: _set_status(admin, replicas=3, updatedReplicas=3,
                                             availableReplicas=3, readyReplicas=3))
    assert deployment.run("rollout status deployment/kubia") == (
        "Waiting for deployment spec update to be observed...\n"
        'Waiting for deployment "kubia" rollout to finish: 1 out of 3 new replicas have been '
        "updated...\n"
        'Waiting for deployment "kubia" rollout to finish: 1 old replicas are pending '
        "termination...\n"
        'Waiting for deployment "kubia" rollout to finish: 1 of 3 updated replicas are '
        "available...\n"
        'deployment "kubia" successfully rolled out\n')
    assert 8 < kernel.now < 9
    assert deployment.run("rollout status deploy kubia") == (
        'deployment "kubia" successfully rolled out\n')


def test_rollout_status_timeout(deployment: Kubectl, kernel: Kernel) -> None:
    r = deployment.exec("rollout status deploy/kubia --timeout=30s")
    assert r.text == ("Waiting for deployment spec update to be observed...\n"
                      "error: timed out waiting for the condition\n")
    assert r.code == 1 and kernel.now == 30
    r = deployment.exec("rollout status deploy/kubia --watch=false")
    assert r.text == "Waiting for deployment spec update to be observed...\n" and r.code == 0


def test_status_viewers() -> None:
    dep = {"kind": "Deployment", "metadata": {"name": "d", "generation": 2},
           "spec": {"replicas": 2},
           "status": {"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2,
                      "availableReplicas": 2,
                      "conditions": [{"type": "Progressing",
                                      "reason": "ProgressDeadlineExceeded"}]}}
    with pytest.raises(CommandError, match='deployment "d" exceeded its progress deadline'):
        status_message(dep)
    sts = {"kind": "StatefulSet", "metadata": {"name": "web", "generation": 1},
           "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate",
                                                      "rollingUpdate": {"partition": 0}}},
           "status": {"observedGeneration": 1, "readyReplicas": 1}}
    assert status_message(sts) == ("Waiting for 2 pods to be ready...\n", False)
    sts["status"] = {"observedGeneration": 1, "readyReplicas": 3, "updatedReplicas": 3}
    assert status_message(sts) == (
        "partitioned roll out complete: 3 new pods have been updated...\n", True)
    ds = {"kind": "DaemonSet", "metadata": {"name": "fluentd", "generation": 1},
          "spec": {"updateStrategy": {"type": "RollingUpdate"}},
          "status": {"observedGeneration": 1, "desiredNumberScheduled": 3,
                     "updatedNumberScheduled": 3, "numberAvailable": 2}}
    assert status_message(ds) == (
        'Waiting for daemon set "fluentd" rollout to finish: 2 of 3 updated pods are '
        "available...\n", False)
    ds["spec"]["updateStrategy"]["type"] = "OnDelete"
    with pytest.raises(CommandError, match="only available for RollingUpdate strategy type"):
        status_message(ds)


def _replica_set(admin: Client, revision: int, image: str, cause: str = "") -> None:
    dep = admin.get("deployments", "kubia", "default")
    template = {"metadata": {"labels": {"app": "kubia", "pod-template-hash": f"h{revision}"}},
                "spec": {"containers": [{"name": "kubia", "image": image}]}}
    ann = {"deployment.kubernetes.io/revision": str(revision)}
    if cause:
        ann["kubernetes.io/change-cause"] = cause
    admin.create("replicasets", {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": f"kubia-h{revision}", "namespace": "default",
                     "labels": {"app": "kubia", "pod-template-hash": f"h{revision}"},
                     "annotations": ann,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": "kubia", "uid": dep["metadata"]["uid"],
                                          "controller": True}]},
        "spec": {"replicas": 0, "selector": {"matchLabels": {
            "app": "kubia", "pod-template-hash": f"h{revision}"}}, "template": template}})


def test_history_and_undo(deployment: Kubectl, admin: Client) -> None:
    _replica_set(admin, 1, "luksa/kubia:v1")
    _replica_set(admin, 2, "luksa/kubia:v2", cause="kubectl set image deployment/kubia v2")
    assert deployment.run("rollout history deployment/kubia") == (
        "deployment.apps/kubia \n"
        "REVISION  CHANGE-CAUSE\n"
        "1         <none>\n"
        "2         kubectl set image deployment/kubia v2\n"
        "\n")
    out = deployment.run("rollout history deployment/kubia --revision=2")
    assert out.startswith("deployment.apps/kubia with revision #2\nPod Template:\n"
                          "  Labels:\tapp=kubia\n\tpod-template-hash=h2\n")
    # nothing to roll back to while the previous revision is what runs (upstream prints the
    # revision asked for: 0)
    assert deployment.run("rollout undo deployment/kubia") == (
        "deployment.apps/kubia skipped rollback (current template already matches revision 0)\n")
    # the deployment moves to v2 (revision 2); undo goes back to revision 1's template
    admin.patch("deployments", "kubia", {"spec": {"template": {"spec": {"containers": [
        {"name": "kubia", "image": "luksa/kubia:v2"}]}}}}, "default", patch_type="strategic")
    assert deployment.run("rollout undo deployment/kubia") == (
        "deployment.apps/kubia rolled back\n")
    live = admin.get("deployments", "kubia", "default")
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "luksa/kubia:v1"
    assert "pod-template-hash" not in live["spec"]["template"]["metadata"]["labels"]
    assert deployment.run("rollout undo deployment/kubia --to-revision=1") == (
        "deployment.apps/kubia skipped rollback (current template already matches revision 1)\n")
    assert deployment.run("rollout undo deployment/kubia --to-revision=2") == (
        "deployment.apps/kubia rolled back\n")
    live = admin.get("deployments", "kubia", "default")
    assert live["metadata"]["annotations"]["kubernetes.io/change-cause"] == (
        "kubectl set image deployment/kubia v2")
    assert deployment.run("rollout undo deployment/kubia --to-revision=7") == (
        "error: unable to find specified revision 7 in history\n")


def test_undo_without_history(deployment: Kubectl) -> None:
    assert deployment.run("rollout undo deploy/kubia") == (
        'error: no rollout history found for deployment "kubia"\n')


def test_restart_pause_resume(deployment: Kubectl, admin: Client, kernel: Kernel) -> None:
    kernel.run_for(60)
    assert deployment.run("rollout restart deploy/kubia") == "deployment.apps/kubia restarted\n"
    ann = admin.get("deployments", "kubia", "default")["spec"]["template"]["metadata"][
        "annotations"]
    assert ann == {"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:01:00Z"}
    assert deployment.run("rollout pause deploy/kubia") == "deployment.apps/kubia paused\n"
    assert deployment.run("rollout pause deploy/kubia") == (
        "deployment.apps/kubia already paused\n")
    assert deployment.run("rollout resume deploy/kubia") == "deployment.apps/kubia resumed\n"
