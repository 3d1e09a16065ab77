"""NodeRestriction (plugin/pkg/admission/noderestriction/admission.go)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api import errors
from k8s_internals.api.admission.interfaces import AdmissionError, Operation
from k8s_internals.api.admission.node_restriction import NodeRestriction, is_kubelet_label
from k8s_internals.api.user import UserInfo

from .conftest import FakeContext, attrs, pod

PLUGIN = NodeRestriction()
NODE1 = UserInfo("system:node:node-1", groups=("system:nodes", "system:authenticated"))


def bound(name: str, node: str) -> dict[str, Any]:
    return pod(name, nodeName=node)


def mirror_pod(node: str = "node-1", **spec: Any) -> dict[str, Any]:
    p = pod("static-web-node-1", nodeName=node, **spec)
    p["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "hash"}
    p["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "Node", "name": "node-1",
                                         "uid": "uid-node-1", "controller": True}]
    return p


@pytest.fixture
def nctx(ctx: FakeContext) -> FakeContext:
    ctx.add("", "nodes", {"metadata": {"name": "node-1"}})
    ctx.add("", "pods", bound("mine", "node-1") | {"metadata": {"name": "mine",
                                                                 "namespace": "default"}})
    ctx.add("", "pods", {**bound("theirs", "node-2"),
                         "metadata": {"name": "theirs", "namespace": "default"}})
    return ctx


def check(ctx: FakeContext, a: Any, message: str | None) -> None:
    if message is None:
        PLUGIN.admit(a, ctx)
        return
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.admit(a, ctx)
    assert exc.value.message == message


def test_other_users_pass(nctx: FakeContext) -> None:
    PLUGIN.admit(attrs(Operation.DELETE, "pods", None, name="theirs"), nctx)
    impostor = UserInfo("system:node:node-1", groups=("system:authenticated",))
    PLUGIN.admit(attrs(Operation.DELETE, "pods", None, name="theirs", user=impostor), nctx)


def test_node_with_empty_name(nctx: FakeContext) -> None:
    anon_node = UserInfo("system:node:", groups=("system:nodes",))
    check(nctx, attrs(Operation.DELETE, "pods", None, name="x", user=anon_node),
          'could not determine node from user "system:node:"')


@pytest.mark.parametrize(("name", "message"), [
    ("mine", None),
    ("theirs", 'node "node-1" can only delete pods with spec.nodeName set to itself'),
])
def test_delete_pods(nctx: FakeContext, name: str, message: str | None) -> None:
    old = nctx.get("", "pods", "default", name)
    check(nctx, attrs(Operation.DELETE, "pods", None, name=name, old=old, user=NODE1), message)


def test_delete_missing_pod_is_not_found(nctx: FakeContext) -> None:
    with pytest.raises(errors.StatusError) as exc:
        PLUGIN.admit(attrs(Operation.DELETE, "pods", None, name="ghost", user=NODE1), nctx)
    assert exc.value.message == 'pods "ghost" not found'


def test_update_pod_is_refused(nctx: FakeContext) -> None:
    p = bound("mine", "node-1")
    check(nctx, attrs(Operation.UPDATE, "pods", p, old=p, user=NODE1),
          'unexpected operation "UPDATE", node "node-1" can only create and delete mirror pods')


def _no_owner(p: dict[str, Any]) -> None:
    p["metadata"]["ownerReferences"] = []


def _two_owners(p: dict[str, Any]) -> None:
    p["metadata"]["ownerReferences"] *= 2


def _not_controller(p: dict[str, Any]) -> None:
    p["metadata"]["ownerReferences"][0]["controller"] = False


def _block(p: dict[str, Any]) -> None:
    p["metadata"]["ownerReferences"][0]["blockOwnerDeletion"] = True


def _wrong_uid(p: dict[str, Any]) -> None:
    p["metadata"]["ownerReferences"][0]["uid"] = "other"


def _not_mirror(p: dict[str, Any]) -> None:
    p["metadata"]["annotations"] = {}


@pytest.mark.parametrize(("change", "spec", "message"), [
    (None, {}, None),
    (_not_mirror, {}, 'pod does not have "kubernetes.io/config.mirror" annotation, node '
                      '"node-1" can only create mirror pods'),
    (_no_owner, {}, 'node "node-1" can only create pods with an owner reference set to itself'),
    (_two_owners, {}, 'node "node-1" can only create pods with a single owner reference set to '
                      "itself"),
    (_not_controller, {}, 'node "node-1" can only create pods with a controller owner reference '
                          "set to itself"),
    (_block, {}, 'node "node-1" must not set blockOwnerDeletion on an owner reference'),
    (_wrong_uid, {}, "node node-1 UID mismatch: expected other got uid-node-1"),
    (None, {"serviceAccountName": "default"},
     'node "node-1" can not create pods that reference a service account'),
    (None, {"volumes": [{"name": "s", "secret": {"secretName": "x"}}]},
     'node "node-1" can not create pods that reference secrets'),
    (None, {"volumes": [{"name": "c", "configMap": {"name": "x"}}]},
     'node "node-1" can not create pods that reference configmaps'),
    (None, {"volumes": [{"name": "p", "persistentVolumeClaim": {"claimName": "x"}}]},
     'node "node-1" can not create pods that reference persistentvolumeclaims'),
])
def test_create_mirror_pods(nctx: FakeContext, change: Any, spec: dict[str, Any],
                            message: str | None) -> None:
    p = mirror_pod(**spec)
    if change is not None:
        change(p)
    check(nctx, attrs(Operation.CREATE, "pods", p, user=NODE1), message)


def test_create_pod_for_another_node(nctx: FakeContext) -> None:
    check(nctx, attrs(Operation.CREATE, "pods", mirror_pod("node-2"), user=NODE1),
          'node "node-1" can only create pods with spec.nodeName set to itself')


def test_pod_status(nctx: FakeContext) -> None:
    mine = bound("mine", "node-1")
    check(nctx, attrs(Operation.UPDATE, "pods", mine, old=mine, subresource="status",
                      user=NODE1), None)
    theirs = bound("theirs", "node-2")
    check(nctx, attrs(Operation.UPDATE, "pods", theirs, old=theirs, subresource="status",
                      user=NODE1),
          'node "node-1" can only update pod status for pods with spec.nodeName set to itself')
    relabelled = bound("mine", "node-1")
    relabelled["metadata"]["labels"] = {"app": "x"}
    check(nctx, attrs(Operation.UPDATE, "pods", relabelled, old=mine, subresource="status",
                      user=NODE1), 'node "node-1" cannot update labels through pod status')


def test_pod_eviction_and_other_subresources(nctx: FakeContext) -> None:
    check(nctx, attrs(Operation.DELETE, "pods", None, name="theirs", subresource="eviction",
                      user=NODE1, old=nctx.get("", "pods", "default", "theirs")),
          "node node-1 can only evict pods with spec.nodeName set to itself")
    check(nctx, attrs(Operation.DELETE, "pods", None, name="mine", subresource="eviction",
                      user=NODE1, old=nctx.get("", "pods", "default", "mine")), None)
    check(nctx, attrs(Operation.CREATE, "pods", {"metadata": {"name": "b"}}, name="mine",
                      subresource="binding", user=NODE1),
          "unexpected pod subresource \"binding\", only 'status' and 'eviction' are allowed")


def node(name: str, labels: dict[str, str] | None = None, taints: list[Any] | None = None) \
        -> dict[str, Any]:
    n: dict[str, Any] = {"metadata": {"name": name}, "spec": {}}
    if labels:
        n["metadata"]["labels"] = labels
    if taints:
        n["spec"]["taints"] = taints
    return n


def test_nodes(nctx: FakeContext) -> None:
    check(nctx, attrs(Operation.UPDATE, "nodes", node("node-2"), namespace="", old=node("node-2"),
                      user=NODE1), 'node "node-1" is not allowed to modify node "node-2"')
    check(nctx, attrs(Operation.CREATE, "nodes",
                      node("node-1", {"kubernetes.io/hostname": "node-1",
                                      "node-role.kubernetes.io/control-plane": "",
                                      "node-restriction.kubernetes.io/pci": "yes"}),
                      namespace="", user=NODE1),
          'node "node-1" is not allowed to set the following labels: '
          "node-restriction.kubernetes.io/pci, node-role.kubernetes.io/control-plane")
    check(nctx, attrs(Operation.UPDATE, "nodes",
                      node("node-1", taints=[{"key": "k", "effect": "NoSchedule"}]),
                      namespace="", old=node("node-1"), user=NODE1),
          'node "node-1" is not allowed to modify taints')
    check(nctx, attrs(Operation.UPDATE, "nodes", node("node-1", {"k8s.io/x": "1"}),
                      namespace="", old=node("node-1"), user=NODE1),
          "is not allowed to modify labels: k8s.io/x")
    check(nctx, attrs(Operation.UPDATE, "nodes",
                      node("node-1", {"topology.kubernetes.io/zone": "a", "team": "x"}),
                      namespace="", old=node("node-1"), user=NODE1), None)


def test_kubelet_labels() -> None:
    assert is_kubelet_label("kubernetes.io/hostname")
    assert is_kubelet_label("node.kubernetes.io/instance-type")
    assert is_kubelet_label("foo.node.kubernetes.io/bar")
    assert not is_kubelet_label("node-role.kubernetes.io/worker")


def test_leases_and_pvcs(nctx: FakeContext) -> None:
    lease = {"metadata": {"name": "node-1", "namespace": "kube-node-lease"}}
    check(nctx, attrs(Operation.CREATE, "leases", lease, group="coordination.k8s.io",
                      namespace="kube-node-lease", user=NODE1), None)
    check(nctx, attrs(Operation.UPDATE, "leases", lease, group="coordination.k8s.io",
                      namespace="kube-node-lease", name="node-2", old=lease, user=NODE1),
          "can only access node lease with the same name as the requesting node")
    check(nctx, attrs(Operation.UPDATE, "leases", lease, group="coordination.k8s.io",
                      namespace="default", old=lease, user=NODE1),
          'can only access leases in the "kube-node-lease" system namespace')
    claim = {"metadata": {"name": "data", "namespace": "default"}, "spec": {}, "status": {}}
    check(nctx, attrs(Operation.UPDATE, "persistentvolumeclaims", claim, old=claim,
                      user=NODE1), "may only update PVC status")
    grown = {**claim, "status": {"capacity": {"storage": "2Gi"}}}
    check(nctx, attrs(Operation.UPDATE, "persistentvolumeclaims", grown, old=claim,
                      subresource="status", user=NODE1), None)
    relabelled = {**claim, "metadata": {**claim["metadata"], "labels": {"a": "b"}}}
    check(nctx, attrs(Operation.UPDATE, "persistentvolumeclaims", relabelled, old=claim,
                      subresource="status", user=NODE1),
          'node "node-1" is not allowed to update fields other than status.capacity and '
          "status.conditions")


def test_configmaps_are_not_restricted(nctx: FakeContext) -> None:
    check(nctx, attrs(Operation.CREATE, "configmaps", {"metadata": {"name": "c"}}, user=NODE1),
          None)
