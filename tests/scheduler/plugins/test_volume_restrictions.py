"""``VolumeRestrictions`` (``volume_restrictions_test.go``)."""

from __future__ import annotations

from k8s_internals.scheduler.plugins import volume_restrictions

from ..helpers import FakeHandle, make_node, make_pod, messages, run_filter

GCE = {"name": "v", "gcePersistentDisk": {"pdName": "foo"}}
GCE_RO = {"name": "v", "gcePersistentDisk": {"pdName": "foo", "readOnly": True}}
EBS = {"name": "v", "awsElasticBlockStore": {"volumeID": "foo"}}
RBD = {"name": "v", "rbd": {"monitors": ["a", "b"], "pool": "foo", "image": "bar"}}
DISK = "node(s) had no available disk"


def _check(pod_vols: list, existing_vols: list, pvcs: list | None = None) -> str:
    handle = FakeHandle([make_node("n1")],
                        [make_pod("e", node="n1", volumes=existing_vols)] if existing_vols else [],
                        persistentvolumeclaims=pvcs or [])
    return messages(run_filter(volume_restrictions.new(None, handle),
                               make_pod("p", volumes=pod_vols), handle))["n1"]


def test_gce_disk_conflicts() -> None:
    assert _check([GCE], []) == ""
    assert _check([GCE], [GCE]) == DISK
    assert _check([GCE_RO], [GCE_RO]) == ""        # both read-only: fine


def test_aws_and_rbd_conflicts() -> None:
    assert _check([EBS], [EBS]) == DISK
    assert _check([RBD], [RBD]) == DISK
    other = {"name": "v", "rbd": {"monitors": ["c"], "pool": "foo", "image": "bar"}}
    assert _check([RBD], [other]) == ""


def test_read_write_once_pod() -> None:
    claim = {"metadata": {"name": "c", "namespace": "default"},
             "spec": {"accessModes": ["ReadWriteOncePod"]}}
    vol = {"name": "v", "persistentVolumeClaim": {"claimName": "c"}}
    assert _check([vol], [vol], [claim]) == (
        "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod "
        "access mode")
    assert _check([vol], [], []) == 'persistentvolumeclaim "c" not found'
