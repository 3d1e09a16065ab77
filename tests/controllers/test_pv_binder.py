"""The PV binder: matching claims to volumes, the annotations and phases of a binding, dynamic
provisioning through the default StorageClass, and what happens when either side goes."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.controllers.pv_binder import (
    PersistentVolumeController,
    find_matching_volume,
    get_default_class,
)
from k8s_internals.sim import Kernel
from tests.conftest import BACKENDS
from tests.controllers.kcm_helpers import events, exists, start


@pytest.fixture
def backend() -> str:
    return "memory"


def pv(name: str, size: str, modes: tuple[str, ...] = ("ReadWriteOnce",), *,
       storage_class: str = "", policy: str = "Retain", labels: dict[str, str] | None = None,
       claim: str = "") -> dict[str, Any]:
    spec: dict[str, Any] = {"capacity": {"storage": size}, "accessModes": list(modes),
                            "persistentVolumeReclaimPolicy": policy,
                            "hostPath": {"path": f"/data/{name}"}}
    if storage_class:
        spec["storageClassName"] = storage_class
    if claim:
        spec["claimRef"] = {"namespace": "default", "name": claim}
    return {"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": name, "labels": dict(labels or {})}, "spec": spec}


def pvc(name: str, size: str, modes: tuple[str, ...] = ("ReadWriteOnce",), *,
        storage_class: str | None = None, selector: dict[str, Any] | None = None,
        volume: str = "") -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": list(modes),
                            "resources": {"requests": {"storage": size}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    if selector is not None:
        spec["selector"] = selector
    if volume:
        spec["volumeName"] = volume
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def storage_class(name: str, provisioner: str = "kubernetes.io/host-path", *,
                  default: bool = False, **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if default:
        meta["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta,
            "provisioner": provisioner, **extra}


def _claim(admin: Client, name: str = "data") -> dict[str, Any]:
    return admin.get("persistentvolumeclaims", name, "default")


VOLUMES = [pv("pv-5g", "5Gi"), pv("pv-1g", "1Gi"), pv("pv-2g", "2Gi"),
           pv("pv-rwx", "3Gi", ("ReadWriteMany", "ReadWriteOnce")),
           pv("pv-fast", "2Gi", storage_class="fast"),
           pv("pv-ssd", "10Gi", labels={"disk": "ssd"})]


@pytest.mark.parametrize(("claim", "bound_to"), [
    # the smallest Available volume with the class, size, modes and labels asked for
    (pvc("data", "1500Mi"), "pv-2g"),
    (pvc("data", "1Gi"), "pv-1g"),
    (pvc("data", "1Gi", ("ReadWriteMany",)), "pv-rwx"),
    (pvc("data", "1Gi", storage_class="fast"), "pv-fast"),
    (pvc("data", "1Gi", selector={"matchLabels": {"disk": "ssd"}}), "pv-ssd"),
    (pvc("data", "20Gi"), None),
    (pvc("data", "1Gi", ("ReadOnlyMany",)), None),
    (pvc("data", "1Gi", volume="pv-5g"), "pv-5g"),   # asked for by name
])
def test_claims_bind_to_the_smallest_matching_volume(admin: Client, kernel: Kernel,
                                                     claim: dict[str, Any],
                                                     bound_to: str | None) -> None:
    start(admin, kernel, PersistentVolumeController)
    for v in VOLUMES:
        admin.create("persistentvolumes", v)
    kernel.run_for(1)  # the volumes become Available
    admin.create("persistentvolumeclaims", claim)
    kernel.run_for(1)
    c = _claim(admin)
    if bound_to is None:
        assert c["status"]["phase"] == "Pending" and "volumeName" not in c["spec"]
        (ev,) = events(admin, "FailedBinding", "default")
        assert ev["message"] == ("no persistent volumes available for this claim and no "
                                 "storage class is set")
        assert ev["source"]["component"] == "persistentvolume-controller"
    else:
        assert c["spec"]["volumeName"] == bound_to and c["status"]["phase"] == "Bound"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_binding_sets_both_sides(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, PersistentVolumeController)
    admin.create("persistentvolumes", pv("pv-2g", "2Gi"))
    kernel.run_for(1)
    assert admin.get("persistentvolumes", "pv-2g")["status"]["phase"] == "Available"
    admin.create("persistentvolumeclaims", pvc("data", "1Gi"))
    kernel.run_for(1)
    c = _claim(admin)
    v = admin.get("persistentvolumes", "pv-2g")
    assert c["metadata"]["annotations"] == {"pv.kubernetes.io/bind-completed": "yes",
                                            "pv.kubernetes.io/bound-by-controller": "yes"}
    assert c["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"],
                           "capacity": {"storage": "2Gi"}}
    assert v["metadata"]["annotations"] == {"pv.kubernetes.io/bound-by-controller": "yes"}
    ref = v["spec"]["claimRef"]
    assert (ref["kind"], ref["namespace"], ref["name"], ref["uid"]) == (
        "PersistentVolumeClaim", "default", "data", c["metadata"]["uid"])
    assert v["status"]["phase"] == "Bound" and v["status"]["lastPhaseTransitionTime"]


def test_a_claim_waits_for_a_volume_until_the_next_resync(admin: Client,
                                                         kernel: Kernel) -> None:
    start(admin, kernel, PersistentVolumeController)
    admin.create("persistentvolumeclaims", pvc("data", "1Gi"))
    kernel.run_for(1)
    assert _claim(admin)["status"]["phase"] == "Pending"
    admin.create("persistentvolumes", pv("late", "1Gi"))
    kernel.run_for(15)  # --pvclaimbinder-sync-period
    assert _claim(admin)["spec"]["volumeName"] == "late"


def test_dynamic_provisioning_through_the_default_storage_class(admin: Client,
                                                                kernel: Kernel) -> None:
    start(admin, kernel, PersistentVolumeController)
    admin.create("storageclasses", storage_class("standard", default=True))
    kernel.run_for(1)
    admin.create("persistentvolumeclaims", pvc("data", "1Gi"))  # no class at all
    kernel.run_for(1)
    c = _claim(admin)
    name = f"pvc-{c['metadata']['uid']}"
    assert c["spec"]["storageClassName"] == "standard"
    assert c["spec"]["volumeName"] == name and c["status"]["phase"] == "Bound"
    assert c["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] == \
        "kubernetes.io/host-path"
    v = admin.get("persistentvolumes", name)
    assert v["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == \
        "kubernetes.io/host-path"
    assert v["spec"]["hostPath"]["path"].startswith("/tmp/hostpath_pv/")
    assert v["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert v["spec"]["storageClassName"] == "standard" and v["status"]["phase"] == "Bound"
    (ev,) = events(admin, "ProvisioningSucceeded", "default")
    assert ev["message"] == f"Successfully provisioned volume {name} using kubernetes.io/host-path"
    # the claim goes: the Delete policy deletes the provisioned volume
    admin.delete("persistentvolumeclaims", "data", "default")
    kernel.run_for(1)
    assert not exists(admin, "persistentvolumes", name)


@pytest.mark.parametrize(("sc", "claim_class", "reason", "message"), [
    (storage_class("ebs", "ebs.csi.aws.com"), "ebs", "ExternalProvisioning",
     "Waiting for a volume to be created either by the external provisioner "
     "'ebs.csi.aws.com' or manually by the system administrator. If volume creation is "
     "delayed, please verify that the provisioner is running and correctly registered."),
    (storage_class("late", volumeBindingMode="WaitForFirstConsumer"), "late",
     "WaitForFirstConsumer", "waiting for first consumer to be created before binding"),
    (None, "missing", "ProvisioningFailed", 'storageclass.storage.k8s.io "missing" not found'),
])
def test_claims_that_wait(admin: Client, kernel: Kernel, sc: dict[str, Any] | None,
                          claim_class: str, reason: str, message: str) -> None:
    start(admin, kernel, PersistentVolumeController)
    if sc is not None:
        admin.create("storageclasses", sc)
    kernel.run_for(1)
    admin.create("persistentvolumeclaims", pvc("data", "1Gi", storage_class=claim_class))
    kernel.run_for(1)
    assert "volumeName" not in _claim(admin)["spec"]
    assert [e["message"] for e in events(admin, reason, "default")] == [message]


@pytest.mark.parametrize(("policy", "after"), [("Retain", "Released"), ("Delete", None)])
def test_a_deleted_claim_releases_its_volume(admin: Client, kernel: Kernel, policy: str,
                                             after: str | None) -> None:
    start(admin, kernel, PersistentVolumeController)
    admin.create("persistentvolumes", pv("pv-1g", "1Gi", policy=policy))
    kernel.run_for(1)
    admin.create("persistentvolumeclaims", pvc("data", "1Gi"))
    kernel.run_for(1)
    admin.delete("persistentvolumeclaims", "data", "default")
    kernel.run_for(1)
    if after is None:
        # the in-tree host-path deleter only removes directories under /tmp
        v = admin.get("persistentvolumes", "pv-1g")
        assert v["status"]["phase"] == "Failed"
        (ev,) = events(admin, "VolumeFailedDelete")
        assert ev["involvedObject"]["name"] == "pv-1g" and ev["type"] == "Warning"
        assert ev["message"] == ("host_path deleter only supports /tmp/.+ but received "
                                 "provided /data/pv-1g")
    else:
        assert admin.get("persistentvolumes", "pv-1g")["status"]["phase"] == after


def test_a_bound_claim_whose_volume_is_deleted_is_lost(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, PersistentVolumeController)
    admin.create("persistentvolumes", pv("pv-1g", "1Gi"))
    kernel.run_for(1)
    admin.create("persistentvolumeclaims", pvc("data", "1Gi"))
    kernel.run_for(1)
    admin.delete("persistentvolumes", "pv-1g")
    kernel.run_for(1)
    assert _claim(admin)["status"]["phase"] == "Lost"
    (ev,) = events(admin, "ClaimLost", "default")
    assert ev["type"] == "Warning"
    assert ev["message"] == "Bound claim has lost its PersistentVolume. Data on the volume is lost!"


def test_a_volume_pre_bound_to_a_claim_waits_for_it(admin: Client, kernel: Kernel) -> None:
    start(admin, kernel, PersistentVolumeController)
    admin.create("persistentvolumes", pv("reserved", "1Gi", claim="data"))
    admin.create("persistentvolumes", pv("small", "1Gi"))
    kernel.run_for(1)
    admin.create("persistentvolumeclaims", pvc("other", "1Gi"))
    kernel.run_for(1)
    assert _claim(admin, "other")["spec"]["volumeName"] == "small"  # not the reserved one
    admin.create("persistentvolumeclaims", pvc("data", "1Gi"))
    kernel.run_for(1)
    assert _claim(admin)["spec"]["volumeName"] == "reserved"
    # bound by the user, not the controller: no bound-by-controller annotation on the PV
    assert "annotations" not in admin.get("persistentvolumes", "reserved")["metadata"]


def test_default_class_choice_and_matching_helpers() -> None:
    older = storage_class("a", default=True)
    older["metadata"]["creationTimestamp"] = "2025-01-01T00:00:00Z"
    newer = storage_class("b", default=True)
    newer["metadata"]["creationTimestamp"] = "2025-01-01T00:00:05Z"
    assert get_default_class([older, newer, storage_class("c")]) is newer
    assert get_default_class([storage_class("c")]) is None
    vols = [dict(v, status={"phase": "Available"}) for v in VOLUMES[:3]]
    assert find_matching_volume(pvc("x", "1Gi"), vols)["metadata"]["name"] == "pv-1g"
    assert find_matching_volume(pvc("x", "1Gi"), vols, delay_binding=True) is None
