"""``VolumeBinding`` (simplified, see the module): unbound immediate claims, node affinity of
bound PVs, matching available PVs for WaitForFirstConsumer claims."""

from __future__ import annotations

from k8s_internals.scheduler.plugins import volume_binding

from ..helpers import FakeHandle, make_node, make_pod, messages, run_filter

VOL = {"name": "v", "persistentVolumeClaim": {"claimName": "c"}}
WFFC = {"metadata": {"name": "local"}, "provisioner": "kubernetes.io/no-provisioner",
        "volumeBindingMode": "WaitForFirstConsumer"}
IMMEDIATE = {"metadata": {"name": "std"}, "provisioner": "example.com/csi"}


def _pvc(sc: str, volume: str = "") -> dict:
    spec: dict = {"storageClassName": sc, "accessModes": ["ReadWriteOnce"],
                  "resources": {"requests": {"storage": "1Gi"}}}
    if volume:
        spec["volumeName"] = volume
    return {"metadata": {"name": "c", "namespace": "default"}, "spec": spec}


def _pv(name: str, node: str, sc: str = "local") -> dict:
    return {"metadata": {"name": name}, "spec": {
        "storageClassName": sc, "capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce"],
        "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}},
        "status": {"phase": "Available"}}


def _nodes() -> list[dict]:
    return [make_node(n, labels={"kubernetes.io/hostname": n}) for n in ("n1", "n2")]


def _run(pvcs: list, pvs: list) -> dict[str, str]:
    handle = FakeHandle(_nodes(), persistentvolumeclaims=pvcs, persistentvolumes=pvs,
                        storageclasses=[WFFC, IMMEDIATE])
    return messages(run_filter(volume_binding.new(None, handle), make_pod("p", volumes=[VOL]),
                               handle))


def test_unbound_immediate_claim() -> None:
    assert _run([_pvc("std")], []) == {
        "n1": "pod has unbound immediate PersistentVolumeClaims",
        "n2": "pod has unbound immediate PersistentVolumeClaims"}


def test_bound_claim_pv_node_affinity() -> None:
    assert _run([_pvc("local", "pv1")], [_pv("pv1", "n1")]) == {
        "n1": "", "n2": "node(s) didn't match PersistentVolume's node affinity"}
    assert _run([_pvc("local", "gone")], []) == {
        "n1": "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",
        "n2": "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"}


def test_wait_for_first_consumer_finds_a_pv() -> None:
    assert _run([_pvc("local")], [_pv("pv2", "n2")]) == {
        "n1": "node(s) didn't find available persistent volumes to bind", "n2": ""}


def test_missing_claim() -> None:
    assert _run([], [])["n1"] == 'persistentvolumeclaim "c" not found'
