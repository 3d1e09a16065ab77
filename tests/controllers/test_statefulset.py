"""The StatefulSet controller against a real API server (no kubelet: the tests play the kubelet
by writing pod status; pods stay unscheduled, so deletes are immediate).

Covered: OrderedReady creation waits for Running+Ready, scale-down from the highest ordinal,
Parallel, pod identity (names, labels, hostname/subdomain), PVCs created before their pod and
their retention owners, rolling updates from the highest ordinal with partition and
maxUnavailable, revisions and rollback numbering, minReadySeconds and status.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.client.informer import InformerFactory
from k8s_internals.controllers.statefulset import StatefulSetController
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS

NS = "default"
JSON = dict[str, Any]


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Memory by default; tests parametrised with ``BACKENDS`` also run on a real etcd."""
    return str(getattr(request, "param", "memory"))


@pytest.fixture
def ssc(admin: Client, kernel: Kernel) -> StatefulSetController:
    c = StatefulSetController(admin, kernel, InformerFactory(admin, kernel))
    c.run()
    kernel.run_for(1)
    return c


def sts(name: str = "web", replicas: int = 3, *, policy: str = "OrderedReady",
        image: str = "nginx:1.27", claims: tuple[str, ...] = (), **spec: Any) -> JSON:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": NS},
            "spec": {"replicas": replicas, "serviceName": "nginx", "podManagementPolicy": policy,
                     "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app", "image": image}]}},
                     "volumeClaimTemplates": [
                         {"metadata": {"name": c},
                          "spec": {"accessModes": ["ReadWriteOnce"],
                                   "resources": {"requests": {"storage": "1Gi"}}}}
                         for c in claims],
                     **spec}}


def pods(admin: Client) -> list[str]:
    return sorted((p["metadata"]["name"] for p in admin.list("pods", NS)["items"]
                   if not p["metadata"].get("deletionTimestamp")), key=_ordinal_key)


def _ordinal_key(name: str) -> tuple[str, int]:
    base, _, n = name.rpartition("-")
    return base, int(n) if n.isdigit() else -1


def set_ready(admin: Client, kernel: Kernel, name: str, ready: bool = True,
              phase: str = "Running") -> None:
    """Play the kubelet: phase and the Ready condition (its lastTransitionTime is now)."""
    pod = admin.get("pods", name, NS)
    pod["status"]["phase"] = phase
    pod["status"]["conditions"] = [{"type": "Ready", "status": "True" if ready else "False",
                                    "lastTransitionTime": kernel.timestamp()}]
    admin.update_status("pods", pod)


def ready_all(admin: Client, kernel: Kernel, settle: float = 2) -> None:
    """Mark every pod Running+Ready, one after the other, letting the controller react."""
    for _ in range(20):
        todo = [p for p in admin.list("pods", NS)["items"]
                if (p.get("status") or {}).get("phase") != "Running"
                and not p["metadata"].get("deletionTimestamp")]
        if not todo:
            return
        for p in todo:
            set_ready(admin, kernel, p["metadata"]["name"])
        kernel.run_for(settle)


def status(admin: Client, name: str = "web") -> JSON:
    return dict(admin.get("statefulsets", name, NS).get("status") or {})


def events(admin: Client, reason: str = "") -> list[str]:
    evs = sorted(admin.list("events", NS)["items"],
                 key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    return [e["message"] for e in evs if not reason or e["reason"] == reason]


def revision_of(admin: Client, name: str) -> str:
    return str(admin.get("pods", name, NS)["metadata"]["labels"]["controller-revision-hash"])


# -- ordering --------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_ordered_ready_creates_one_pod_at_a_time_waiting_for_running_and_ready(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=3))
    # each row: the pod the kubelet makes Running+Ready (None: nothing), then the pods that exist
    steps: list[tuple[str | None, list[str]]] = [
        (None, ["web-0"]),                      # web-0 is Pending: web-1 must wait
        (None, ["web-0"]),                      # time alone changes nothing
        ("web-0", ["web-0", "web-1"]),          # web-0 Ready → web-1 created
        ("web-1", ["web-0", "web-1", "web-2"]),
        ("web-2", ["web-0", "web-1", "web-2"]),  # replicas reached
    ]
    for ready, expected in steps:
        if ready is not None:
            set_ready(admin, kernel, ready)
        kernel.run_for(3)
        assert pods(admin) == expected
    assert events(admin, "SuccessfulCreate") == [
        "create Pod web-0 in StatefulSet web successful",
        "create Pod web-1 in StatefulSet web successful",
        "create Pod web-2 in StatefulSet web successful"]
    st = status(admin)
    assert (st["replicas"], st["readyReplicas"], st["availableReplicas"],
            st["currentReplicas"], st["updatedReplicas"]) == (3, 3, 3, 3, 3)


def test_a_pod_that_is_running_but_not_ready_blocks_the_next_ordinal(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=2))
    kernel.run_for(2)
    set_ready(admin, kernel, "web-0", ready=False)  # Running, readiness probe failing
    kernel.run_for(5)
    assert pods(admin) == ["web-0"]
    set_ready(admin, kernel, "web-0", ready=True)
    kernel.run_for(2)
    assert pods(admin) == ["web-0", "web-1"]


def test_scale_down_deletes_from_the_highest_ordinal_and_waits_for_unhealthy_pods(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=4))
    kernel.run_for(1)
    ready_all(admin, kernel)
    assert pods(admin) == ["web-0", "web-1", "web-2", "web-3"]
    # web-0 turns unready: OrderedReady does not scale down while a remaining pod is unhealthy
    set_ready(admin, kernel, "web-0", ready=False)
    admin.scale("statefulsets", "web", 1, NS)
    kernel.run_for(5)
    assert pods(admin) == ["web-0", "web-1", "web-2", "web-3"]
    set_ready(admin, kernel, "web-0", ready=True)
    kernel.run_for(5)
    assert pods(admin) == ["web-0"]
    # one at a time, highest ordinal first: 3, then 2, then 1
    assert events(admin, "SuccessfulDelete") == [
        "delete Pod web-3 in StatefulSet web successful",
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful"]


def test_parallel_creates_and_deletes_without_waiting(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=4, policy="Parallel"))
    kernel.run_for(2)
    assert pods(admin) == ["web-0", "web-1", "web-2", "web-3"]  # nobody is Ready
    assert status(admin)["replicas"] == 4
    admin.scale("statefulsets", "web", 1, NS)
    kernel.run_for(2)
    assert pods(admin) == ["web-0"]  # unready pods are deleted too


def test_failed_pod_is_deleted_and_recreated_with_the_same_name(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=1))
    kernel.run_for(2)
    uid = admin.get("pods", "web-0", NS)["metadata"]["uid"]
    set_ready(admin, kernel, "web-0", ready=False, phase="Failed")
    kernel.run_for(3)
    again = admin.get("pods", "web-0", NS)
    assert again["metadata"]["uid"] != uid
    assert events(admin, "SuccessfulDelete") == ["delete Pod web-0 in StatefulSet web successful"]


# -- identity and storage -------------------------------------------------------------------------


def test_pod_identity_names_labels_hostname_and_subdomain(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    created = admin.create("statefulsets", sts(replicas=1, claims=("www",)))
    kernel.run_for(2)
    pod = admin.get("pods", "web-0", NS)
    meta, spec = pod["metadata"], pod["spec"]
    rev = status(admin)["updateRevision"]
    assert meta["generateName"] == "web-"
    assert meta["labels"] == {"app": "web", "statefulset.kubernetes.io/pod-name": "web-0",
                              "apps.kubernetes.io/pod-index": "0",
                              "controller-revision-hash": rev}
    assert meta["ownerReferences"] == [{"apiVersion": "apps/v1", "kind": "StatefulSet",
                                        "name": "web", "uid": created["metadata"]["uid"],
                                        "controller": True, "blockOwnerDeletion": True}]
    assert (spec["hostname"], spec["subdomain"]) == ("web-0", "nginx")
    assert spec["volumes"][0] == {"name": "www",
                                  "persistentVolumeClaim": {"claimName": "www-web-0"}}
    assert rev.startswith("web-") and admin.get("controllerrevisions", rev, NS)["revision"] == 1


def test_claims_are_created_before_their_pod_and_kept_on_scale_down(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=2, claims=("www", "logs")))
    kernel.run_for(1)
    ready_all(admin, kernel)
    # <claim>-<set>-<ordinal>, labelled with the selector's matchLabels
    claims = {c["metadata"]["name"]: c for c in admin.list("pvc", NS)["items"]}
    assert sorted(claims) == ["logs-web-0", "logs-web-1", "www-web-0", "www-web-1"]
    assert claims["www-web-1"]["metadata"]["labels"] == {"app": "web"}
    # template order (upstream iterates a Go map: any order), and always before the pod
    assert events(admin, "SuccessfulCreate")[:3] == [
        "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        "create Claim logs-web-0 Pod web-0 in StatefulSet web success",
        "create Pod web-0 in StatefulSet web successful"]
    uid = claims["www-web-1"]["metadata"]["uid"]
    admin.scale("statefulsets", "web", 1, NS)
    kernel.run_for(3)
    assert pods(admin) == ["web-0"]
    assert len(admin.list("pvc", NS)["items"]) == 4  # whenScaled: Retain (the default)
    admin.scale("statefulsets", "web", 2, NS)
    kernel.run_for(3)
    assert admin.get("pods", "web-1", NS)["spec"]["volumes"][0]["persistentVolumeClaim"] == {
        "claimName": "www-web-1"}
    assert admin.get("pvc", "www-web-1", NS)["metadata"]["uid"] == uid  # the same claim again


@pytest.mark.parametrize(("when_scaled", "when_deleted", "kept", "condemned"), [
    # owners of www-web-0 (kept replica) and www-web-2 (scaled down) after scaling 3 → 1
    ("Retain", "Retain", [], []),
    ("Retain", "Delete", ["StatefulSet/web"], ["StatefulSet/web"]),
    ("Delete", "Retain", [], ["Pod/web-2"]),
    ("Delete", "Delete", ["StatefulSet/web"], ["Pod/web-2"]),
])
def test_retention_policy_sets_the_claim_owners(
        admin: Client, kernel: Kernel, ssc: StatefulSetController, when_scaled: str,
        when_deleted: str, kept: list[str], condemned: list[str]) -> None:
    policy = {"whenScaled": when_scaled, "whenDeleted": when_deleted}
    admin.create("statefulsets", sts(replicas=3, claims=("www",),
                                     persistentVolumeClaimRetentionPolicy=policy))
    kernel.run_for(1)
    ready_all(admin, kernel)
    pod2_uid = admin.get("pods", "web-2", NS)["metadata"]["uid"]
    admin.scale("statefulsets", "web", 1, NS)
    kernel.run_for(3)

    def owners(claim: str) -> list[str]:
        refs = admin.get("pvc", claim, NS)["metadata"].get("ownerReferences") or []
        assert all(r["controller"] for r in refs)
        return [f"{r['kind']}/{r['name']}" for r in refs]

    assert owners("www-web-0") == kept
    assert owners("www-web-2") == condemned
    if "Pod/web-2" in condemned:  # the reference names the pod that was deleted
        ref = admin.get("pvc", "www-web-2", NS)["metadata"]["ownerReferences"][0]
        assert ref["uid"] == pod2_uid


# -- updates ---------------------------------------------------------------------------------------


def _update_image(admin: Client, image: str, **rolling: Any) -> None:
    cur = admin.get("statefulsets", "web", NS)
    cur["spec"]["template"]["spec"]["containers"][0]["image"] = image
    if rolling:
        cur["spec"]["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": rolling}
    admin.update("statefulsets", cur)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_rolling_update_goes_from_the_highest_ordinal_down_to_the_partition(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=3))
    kernel.run_for(1)
    ready_all(admin, kernel)
    old = status(admin)["currentRevision"]
    _update_image(admin, "nginx:1.28", partition=1)
    kernel.run_for(3)
    new = status(admin)["updateRevision"]
    assert new != old
    # web-2 was replaced first, at the new revision; web-1 waits until web-2 is Ready
    assert [revision_of(admin, f"web-{i}") for i in range(3)] == [old, old, new]
    ready_all(admin, kernel)
    # partition 1: ordinals >= 1 updated, web-0 stays at the current revision
    assert [revision_of(admin, f"web-{i}") for i in range(3)] == [old, new, new]
    st = status(admin)
    assert (st["currentRevision"], st["updateRevision"]) == (old, new)
    assert (st["currentReplicas"], st["updatedReplicas"]) == (1, 2)
    # partition 0 finishes the roll-out; the update revision becomes the current one
    cur = admin.get("statefulsets", "web", NS)
    cur["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 0
    admin.update("statefulsets", cur)
    kernel.run_for(3)
    ready_all(admin, kernel)
    st = status(admin)
    assert (st["currentRevision"], st["updateRevision"]) == (new, new)
    assert (st["currentReplicas"], st["updatedReplicas"], st["readyReplicas"]) == (3, 3, 3)
    assert st["observedGeneration"] == 3  # create, image change, partition change
    assert [m.split()[2] for m in events(admin, "SuccessfulDelete")] == ["web-2", "web-1",
                                                                         "web-0"]


@pytest.mark.parametrize(("max_unavailable", "first_wave"), [
    # replicas 4: pods deleted in the first sync after the template change
    (None, ["web-3"]),              # default 1
    (2, ["web-3", "web-2"]),
    ("50%", ["web-3", "web-2"]),    # floor(50% of 4) = 2
    ("10%", ["web-3"]),             # floor(0.4) = 0 → at least 1
])
def test_rolling_update_respects_max_unavailable(
        admin: Client, kernel: Kernel, ssc: StatefulSetController,
        max_unavailable: int | str | None, first_wave: list[str]) -> None:
    admin.create("statefulsets", sts(replicas=4, policy="Parallel"))
    kernel.run_for(1)
    ready_all(admin, kernel)
    rolling: JSON = {"partition": 0}
    if max_unavailable is not None:
        rolling["maxUnavailable"] = max_unavailable
    _update_image(admin, "nginx:1.28", **rolling)
    kernel.run_for(3)
    deleted = [m.split()[2] for m in events(admin, "SuccessfulDelete")]
    assert deleted == first_wave
    ready_all(admin, kernel)
    assert status(admin)["updatedReplicas"] == 4


def test_revisions_are_numbered_and_a_rollback_renumbers_the_old_revision(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=1, revisionHistoryLimit=1))
    kernel.run_for(1)
    ready_all(admin, kernel)
    rev_a = status(admin)["updateRevision"]
    _update_image(admin, "nginx:1.28")
    kernel.run_for(2)
    ready_all(admin, kernel)
    rev_b = status(admin)["updateRevision"]
    _update_image(admin, "nginx:1.27")  # back to template A
    kernel.run_for(2)
    ready_all(admin, kernel)
    revs = {r["metadata"]["name"]: r["revision"]
            for r in admin.list("controllerrevisions", NS)["items"]}
    # A=1, B=2; rolling back gives A's object revision 3 (no new object); B is history and
    # revisionHistoryLimit 1 keeps it
    assert status(admin)["updateRevision"] == rev_a
    assert revs == {rev_a: 3, rev_b: 2}
    _update_image(admin, "nginx:1.29")  # C=4: B is now the oldest non-live revision → deleted
    kernel.run_for(2)
    ready_all(admin, kernel)
    revs = {r["metadata"]["name"]: r["revision"]
            for r in admin.list("controllerrevisions", NS)["items"]}
    assert sorted(revs.values()) == [3, 4] and rev_b not in revs


def test_min_ready_seconds_delays_available_replicas(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=1, minReadySeconds=10))
    kernel.run_for(1)
    t0 = kernel.now
    set_ready(admin, kernel, "web-0")  # Ready at t0 (second precision)
    kernel.run_for(5)
    st = status(admin)
    assert (st["readyReplicas"], st["availableReplicas"]) == (1, 0)
    # available once lastTransitionTime + 10 s is strictly before now: the controller re-syncs
    # itself minReadySeconds + 1 s after the pod turned Ready
    kernel.run_until_idle(max_time=kernel.now + 30)
    assert status(admin)["availableReplicas"] == 1
    assert kernel.now >= t0 + 10


def test_orphan_pods_matching_the_set_are_adopted_and_others_ignored(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    template = sts(replicas=1)["spec"]["template"]
    for name in ("web-0", "other"):
        admin.create("pods", {"apiVersion": "v1", "kind": "Pod",
                              "metadata": {"name": name, "namespace": NS,
                                           "labels": copy.deepcopy(template["metadata"]
                                                                   ["labels"])},
                              "spec": copy.deepcopy(template["spec"])})
    created = admin.create("statefulsets", sts(replicas=1))
    kernel.run_for(2)
    refs = admin.get("pods", "web-0", NS)["metadata"]["ownerReferences"]
    assert [r["uid"] for r in refs] == [created["metadata"]["uid"]]
    # "other" matches the selector but is not named web-<n>: never claimed
    assert not admin.get("pods", "other", NS)["metadata"].get("ownerReferences")
    # OrderedReady: nothing more happens to a Pending pod. Once it is Ready, its identity is
    # restored (an update), and, carrying no revision label, it is replaced by the rolling update
    uid = admin.get("pods", "web-0", NS)["metadata"]["uid"]
    set_ready(admin, kernel, "web-0")
    kernel.run_for(3)
    assert events(admin, "SuccessfulUpdate") == ["update Pod web-0 in StatefulSet web successful"]
    assert events(admin, "SuccessfulDelete") == ["delete Pod web-0 in StatefulSet web successful"]
    again = admin.get("pods", "web-0", NS)
    assert again["metadata"]["uid"] != uid
    assert again["metadata"]["labels"]["controller-revision-hash"] == status(admin)[
        "updateRevision"]


def test_on_delete_updates_a_pod_only_when_it_is_deleted(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=2, updateStrategy={"type": "OnDelete"}))
    kernel.run_for(1)
    ready_all(admin, kernel)
    old = status(admin)["currentRevision"]
    _update_image(admin, "nginx:1.28")
    kernel.run_for(3)
    new = status(admin)["updateRevision"]
    assert [revision_of(admin, f"web-{i}") for i in range(2)] == [old, old]  # nothing deleted
    admin.delete("pods", "web-0", NS)  # the user deletes web-0: it comes back updated
    kernel.run_for(3)
    assert [revision_of(admin, f"web-{i}") for i in range(2)] == [new, old]
    st = status(admin)
    assert (st["currentRevision"], st["currentReplicas"], st["updatedReplicas"]) == (old, 1, 1)


def test_ordinals_start_shifts_the_names(
        admin: Client, kernel: Kernel, ssc: StatefulSetController) -> None:
    admin.create("statefulsets", sts(replicas=2, policy="Parallel", ordinals={"start": 5}))
    kernel.run_for(2)
    assert pods(admin) == ["web-5", "web-6"]
    assert admin.get("pods", "web-6", NS)["metadata"]["labels"][
        "apps.kubernetes.io/pod-index"] == "6"
