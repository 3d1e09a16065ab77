"""The Node authorizer: kubelets read only what their pods use."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.authz.attributes import Attributes, Verdict
from k8s_internals.api.authz.node import (
    NodeAuthorizer,
    StaticNodeGraphSource,
    node_identity,
    node_relations,
)
from k8s_internals.api.user import UserInfo

NODES = "system:nodes"


def pod(name: str, node: str, spec: dict[str, Any], ns: str = "default",
        status: dict[str, Any] | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod",
                           "metadata": {"name": name, "namespace": ns},
                           "spec": {**spec, "nodeName": node} if node else spec}
    if status:
        obj["status"] = status
    return obj


WEB = pod("web", "node-1", {
    "serviceAccountName": "web-sa",
    "imagePullSecrets": [{"name": "regcred"}],
    "containers": [{
        "name": "app",
        "env": [
            {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "db-pass", "key": "p"}}},
            {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "modes", "key": "m"}}},
        ],
        "envFrom": [{"configMapRef": {"name": "env-cm"}}, {"secretRef": {"name": "env-secret"}}],
    }],
    "initContainers": [{"name": "init", "envFrom": [{"secretRef": {"name": "init-secret"}}]}],
    "volumes": [
        {"name": "tls", "secret": {"secretName": "web-tls"}},
        {"name": "cfg", "configMap": {"name": "web-config"}},
        {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
        {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}},
        {"name": "proj", "projected": {"sources": [{"secret": {"name": "proj-secret"}},
                                                   {"configMap": {"name": "proj-cm"}}]}},
    ],
}, status={"resourceClaimStatuses": [{"name": "gpu", "resourceClaimName": "web-gpu"}]})
OTHER = pod("other", "node-2", {"serviceAccountName": "other-sa", "volumes": [
    {"name": "s", "secret": {"secretName": "other-secret"}},
    {"name": "d", "persistentVolumeClaim": {"claimName": "other-claim"}}]})
PENDING = pod("pending", "", {"volumes": [{"name": "s", "secret": {"secretName": "pending"}}]})

GRAPH = StaticNodeGraphSource(
    pods=[WEB, OTHER, PENDING],
    persistent_volumes=[
        {"metadata": {"name": "pv-data"}, "spec": {
            "claimRef": {"namespace": "default", "name": "data"},
            "csi": {"driver": "x", "nodePublishSecretRef": {"namespace": "storage",
                                                             "name": "csi-creds"}}}},
        {"metadata": {"name": "pv-other"},
         "spec": {"claimRef": {"namespace": "default", "name": "other-claim"}}},
    ],
    volume_attachments=[{"metadata": {"name": "va-1"}, "spec": {"nodeName": "node-1"}},
                        {"metadata": {"name": "va-2"}, "spec": {"nodeName": "node-2"}}],
    resource_slices=[{"metadata": {"name": "slice-1"}, "spec": {"nodeName": "node-1"}}],
)

NODE1 = UserInfo("system:node:node-1", groups=(NODES, "system:authenticated"))
NODE3 = UserInfo("system:node:node-3", groups=(NODES, "system:authenticated"))


def res(verb: str, resource: str, ns: str = "", group: str = "", sub: str = "",
        name: str = "", who: UserInfo = NODE1) -> Attributes:
    return Attributes(user=who, verb=verb, namespace=ns, api_group=group, resource=resource,
                      subresource=sub, name=name)


NO_REL = "no relationship found between node 'node-1' and this object"

# (id, attributes, allowed, reason when refused)
MATRIX: list[tuple[str, Attributes, bool, str]] = [
    # secrets referenced by pods bound to the node, every way a pod can reference them
    ("secret:volume", res("get", "secrets", "default", name="web-tls"), True, ""),
    ("secret:env", res("get", "secrets", "default", name="db-pass"), True, ""),
    ("secret:envFrom", res("get", "secrets", "default", name="env-secret"), True, ""),
    ("secret:init", res("get", "secrets", "default", name="init-secret"), True, ""),
    ("secret:pull", res("get", "secrets", "default", name="regcred"), True, ""),
    ("secret:projected", res("get", "secrets", "default", name="proj-secret"), True, ""),
    ("secret:via-pv", res("get", "secrets", "storage", name="csi-creds"), True, ""),
    ("secret:watch-named", res("watch", "secrets", "default", name="web-tls"), True, ""),
    ("secret:other-node", res("get", "secrets", "default", name="other-secret"), False, NO_REL),
    ("secret:unbound-pod", res("get", "secrets", "default", name="pending"), False, NO_REL),
    ("secret:other-ns", res("get", "secrets", "kube-system", name="web-tls"), False, NO_REL),
    ("secret:list", res("list", "secrets", "default"), False, "No Object name found"),
    ("secret:create", res("create", "secrets", "default"), False,
     "can only read resources of this type"),
    ("secret:sub", res("get", "secrets", "default", sub="x", name="web-tls"), False,
     "cannot read subresource"),
    ("secret:cluster", res("get", "secrets", name="web-tls"), False,
     "can only read namespaced object of this type"),
    # configmaps
    ("cm:volume", res("get", "configmaps", "default", name="web-config"), True, ""),
    ("cm:env", res("get", "configmaps", "default", name="modes"), True, ""),
    ("cm:envFrom", res("get", "configmaps", "default", name="env-cm"), True, ""),
    ("cm:projected", res("get", "configmaps", "default", name="proj-cm"), True, ""),
    ("cm:unrelated", res("get", "configmaps", "default", name="kube-root-ca.crt"), False,
     NO_REL),
    # persistent volume claims and volumes
    ("pvc:get", res("get", "persistentvolumeclaims", "default", name="data"), True, ""),
    ("pvc:ephemeral", res("get", "persistentvolumeclaims", "default", name="web-scratch"),
     True, ""),
    ("pvc:list", res("list", "persistentvolumeclaims", "default"), False,
     "can only get individual resources of this type"),
    ("pvc:other", res("get", "persistentvolumeclaims", "default", name="other-claim"), False,
     NO_REL),
    ("pvc:status", res("patch", "persistentvolumeclaims", "default", "", "status", "data"),
     True, ""),
    ("pvc:status-get", res("get", "persistentvolumeclaims", "default", "", "status", "data"),
     False, "can only get/update/patch this type"),
    ("pv:get", res("get", "persistentvolumes", name="pv-data"), True, ""),
    ("pv:other", res("get", "persistentvolumes", name="pv-other"), False, NO_REL),
    ("pv:sub", res("get", "persistentvolumes", sub="status", name="pv-data"), False,
     "cannot get subresource"),
    ("va:get", res("get", "volumeattachments", "", "storage.k8s.io", name="va-1"), True, ""),
    ("va:other", res("get", "volumeattachments", "", "storage.k8s.io", name="va-2"), False,
     NO_REL),
    ("claim:get", res("get", "resourceclaims", "default", "resource.k8s.io", name="web-gpu"),
     True, ""),
    # service account tokens
    ("sa:token", res("create", "serviceaccounts", "default", sub="token", name="web-sa"),
     True, ""),
    ("sa:token-other", res("create", "serviceaccounts", "default", sub="token",
                           name="other-sa"), False, NO_REL),
    ("sa:get", res("get", "serviceaccounts", "default", name="web-sa"), True, ""),
    ("sa:create", res("create", "serviceaccounts", "default"), False,
     "can only create tokens for individual service accounts"),
    ("sa:wrong-sub", res("create", "serviceaccounts", "default", sub="x", name="web-sa"), False,
     "can only create token subresource of serviceaccount"),
    # leases and CSINodes named after the node
    ("lease:own", res("update", "leases", "kube-node-lease", "coordination.k8s.io",
                      name="node-1"), True, ""),
    ("lease:create", res("create", "leases", "kube-node-lease", "coordination.k8s.io"),
     True, ""),
    ("lease:other", res("update", "leases", "kube-node-lease", "coordination.k8s.io",
                        name="node-2"), False,
     "can only access node lease with the same name as the requesting node"),
    ("lease:ns", res("get", "leases", "default", "coordination.k8s.io", name="node-1"), False,
     'can only access leases in the "kube-node-lease" system namespace'),
    ("lease:list", res("list", "leases", "kube-node-lease", "coordination.k8s.io"), False,
     "can only get, create, update, patch, or delete a node lease"),
    ("csinode:own", res("patch", "csinodes", "", "storage.k8s.io", name="node-1"), True, ""),
    ("csinode:other", res("get", "csinodes", "", "storage.k8s.io", name="node-2"), False,
     "can only access CSINode with the same name as the requesting node"),
    ("slice:get", res("get", "resourceslices", "", "resource.k8s.io", name="slice-1"), True,
     ""),
    ("slice:create", res("create", "resourceslices", "", "resource.k8s.io"), True, ""),
    # the static node rules
    ("rules:list-pods", res("list", "pods"), True, ""),
    ("rules:pod-status", res("patch", "pods", "default", sub="status", name="web"), True, ""),
    ("rules:mirror-pod", res("create", "pods", "kube-system"), True, ""),
    ("rules:eviction", res("create", "pods", "default", sub="eviction", name="web"), True, ""),
    ("rules:node-status", res("patch", "nodes", sub="status", name="node-1"), True, ""),
    ("rules:register", res("create", "nodes"), True, ""),
    ("rules:services", res("watch", "services"), True, ""),
    ("rules:events", res("create", "events", "default", "events.k8s.io"), True, ""),
    ("rules:csr", res("create", "certificatesigningrequests", "", "certificates.k8s.io"),
     True, ""),
    ("rules:no-pod-update", res("update", "pods", "default", name="web"), False, ""),
    ("rules:no-deployments", res("list", "deployments", "", "apps"), False, ""),
    ("rules:no-exec", res("create", "pods", "default", sub="exec", name="web"), False, ""),
    # not nodes
    ("notnode:no-group", res("get", "secrets", "default", name="web-tls",
                             who=UserInfo("system:node:node-1")), False, ""),
    ("notnode:name", res("get", "secrets", "default", name="web-tls",
                         who=UserInfo("kubelet", groups=(NODES,))), False, ""),
    ("node:unknown-name", res("list", "pods", who=UserInfo("system:node:", groups=(NODES,))),
     False, 'unknown node for user "system:node:"'),
    ("node:no-pods-yet", res("get", "secrets", "default", name="web-tls", who=NODE3), False,
     "no relationship found between node 'node-3' and this object"),
]


@pytest.mark.parametrize(("attrs", "allowed", "reason"),
                         [pytest.param(a, ok, r, id=i) for i, a, ok, r in MATRIX])
def test_matrix(attrs: Attributes, allowed: bool, reason: str) -> None:
    decision = NodeAuthorizer(GRAPH).authorize(attrs)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.verdict is Verdict.NO_OPINION  # never Deny: RBAC may still allow
        assert decision.reason == reason
    else:
        assert decision.reason == ""  # upstream allows with an empty reason
        assert decision.matched.startswith("Node: node-1")


def test_node_identity() -> None:
    assert node_identity(NODE1) == ("node-1", True)
    assert node_identity(UserInfo("system:node:x")) == ("", False)
    assert node_identity(UserInfo("system:nodes", groups=(NODES,))) == ("", False)


def test_relations() -> None:
    rel = node_relations(GRAPH, "node-1")
    assert rel.pods == {("default", "web")}
    assert rel.pvs == {"pv-data"}
    assert rel.serviceaccounts == {("default", "web-sa")}
    assert ("default", "web-scratch") in rel.pvcs
    assert ("storage", "csi-creds") in rel.secrets
    assert not node_relations(GRAPH, "node-3").known


def test_graph_changes_take_effect() -> None:
    graph = StaticNodeGraphSource()
    authorizer = NodeAuthorizer(graph)
    attrs = res("get", "secrets", "default", name="web-tls")
    assert not authorizer.authorize(attrs).allowed
    graph.pods.append(WEB)
    assert authorizer.authorize(attrs).allowed


def test_rules_for_a_node_is_incomplete() -> None:
    result = NodeAuthorizer(GRAPH).rules_for(NODE1, "default")
    assert result.incomplete is True
    assert result.evaluation_error == "node authorizer does not support user rule resolution"
    assert NodeAuthorizer(GRAPH).rules_for(UserInfo("alice"), "default").incomplete is False
