"""The bootstrap policy against upstream's bootstrappolicy testdata fixtures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from k8s_internals.api.authz import bootstrap

LABEL = {"kubernetes.io/bootstrapping": "rbac-defaults"}
ANNOTATION = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
EVENTS = {"apiGroups": ["", "events.k8s.io"], "resources": ["events"],
          "verbs": ["create", "patch", "update"]}


def by_name(objs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objs}


def rules(name: str) -> list[dict[str, Any]]:
    roles = by_name([*bootstrap.cluster_roles(), *bootstrap.controller_roles()])
    out: list[dict[str, Any]] = roles[name]["rules"]
    return out


def test_counts() -> None:
    assert len(bootstrap.cluster_roles()) == 31
    assert len(bootstrap.controller_roles()) == 38
    assert len(bootstrap.cluster_role_bindings()) == 12
    assert len(bootstrap.controller_role_bindings()) == 38
    assert len(bootstrap.namespace_roles()) == 7
    assert len(bootstrap.namespace_role_bindings()) == 7
    objs = bootstrap.bootstrap_objects()
    assert len(objs) == 31 + 38 + 12 + 38 + 7 + 7
    keys = {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in objs}
    assert len(keys) == len(objs)


def test_cluster_role_names() -> None:
    names = [r["metadata"]["name"] for r in bootstrap.cluster_roles()]
    assert names == sorted(names)
    assert names == [
        "admin", "cluster-admin", "edit", "system:aggregate-to-admin",
        "system:aggregate-to-edit", "system:aggregate-to-view", "system:auth-delegator",
        "system:basic-user",
        "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
        "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
        "system:certificates.k8s.io:kube-apiserver-client-approver",
        "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
        "system:certificates.k8s.io:kubelet-serving-approver",
        "system:certificates.k8s.io:legacy-unknown-approver",
        "system:discovery", "system:heapster", "system:kube-aggregator",
        "system:kube-controller-manager", "system:kube-dns", "system:kube-scheduler",
        "system:kubelet-api-admin", "system:monitoring", "system:node",
        "system:node-bootstrapper", "system:node-problem-detector", "system:node-proxier",
        "system:persistent-volume-provisioner", "system:public-info-viewer",
        "system:service-account-issuer-discovery", "system:volume-scheduler", "view",
    ]


@pytest.mark.parametrize("controller", [
    "replicaset-controller", "deployment-controller", "statefulset-controller",
    "daemon-set-controller", "endpoint-controller", "endpointslice-controller",
    "generic-garbage-collector", "namespace-controller", "node-controller",
    "service-account-controller", "persistent-volume-binder", "replication-controller",
    "job-controller", "cronjob-controller", "clusterrole-aggregation-controller",
    "horizontal-pod-autoscaler", "disruption-controller", "ttl-controller",
])
def test_controller_role_and_binding(controller: str) -> None:
    name = f"system:controller:{controller}"
    assert name in by_name(bootstrap.controller_roles())
    binding = by_name(bootstrap.controller_role_bindings())[name]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io",
                                  "kind": "ClusterRole", "name": name}
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": controller, "namespace": "kube-system"}
    ]


def test_every_object_is_labelled_and_annotated() -> None:
    for obj in bootstrap.bootstrap_objects():
        meta = obj["metadata"]
        assert obj["apiVersion"] == "rbac.authorization.k8s.io/v1"
        assert meta["labels"]["kubernetes.io/bootstrapping"] == "rbac-defaults", meta["name"]
        assert meta["annotations"] == ANNOTATION, meta["name"]


def test_every_binding_refers_to_an_existing_role() -> None:
    objs = bootstrap.bootstrap_objects()
    cluster_roles = {o["metadata"]["name"] for o in objs if o["kind"] == "ClusterRole"}
    roles = {(o["metadata"]["namespace"], o["metadata"]["name"])
             for o in objs if o["kind"] == "Role"}
    for b in objs:
        if b["kind"] == "ClusterRoleBinding":
            assert b["roleRef"]["kind"] == "ClusterRole"
            assert b["roleRef"]["name"] in cluster_roles, b["metadata"]["name"]
        elif b["kind"] == "RoleBinding":
            ref = b["roleRef"]
            if ref["kind"] == "Role":
                assert (b["metadata"]["namespace"], ref["name"]) in roles, b["metadata"]["name"]
            else:
                assert ref["name"] in cluster_roles


def test_rules_are_well_formed_and_sorted() -> None:
    for obj in bootstrap.bootstrap_objects():
        for rule in obj.get("rules", []):
            assert rule["verbs"] == sorted(rule["verbs"])
            if "nonResourceURLs" in rule:
                assert set(rule) == {"nonResourceURLs", "verbs"}
                assert rule["nonResourceURLs"] == sorted(rule["nonResourceURLs"])
            else:
                assert {"apiGroups", "resources", "verbs"} <= set(rule) <= {
                    "apiGroups", "resources", "resourceNames", "verbs"}
                for key in ("apiGroups", "resources", "resourceNames"):
                    assert rule.get(key, []) == sorted(rule.get(key, []))
    json.dumps(bootstrap.bootstrap_objects())  # plain JSON, as stored in the API


def test_calls_return_fresh_objects() -> None:
    first = bootstrap.cluster_roles()
    first[0]["rules"].clear()
    assert bootstrap.cluster_roles()[0]["rules"]


def test_cluster_role_bindings() -> None:
    subjects = {b["metadata"]["name"]: b.get("subjects") for b in bootstrap.cluster_role_bindings()}
    g = "rbac.authorization.k8s.io"
    assert subjects == {
        "cluster-admin": [{"apiGroup": g, "kind": "Group", "name": "system:masters"}],
        "system:basic-user": [{"apiGroup": g, "kind": "Group", "name": "system:authenticated"}],
        "system:discovery": [{"apiGroup": g, "kind": "Group", "name": "system:authenticated"}],
        "system:kube-controller-manager": [
            {"apiGroup": g, "kind": "User", "name": "system:kube-controller-manager"}],
        "system:kube-dns": [{"kind": "ServiceAccount", "name": "kube-dns",
                             "namespace": "kube-system"}],
        "system:kube-scheduler": [{"apiGroup": g, "kind": "User",
                                   "name": "system:kube-scheduler"}],
        "system:monitoring": [{"apiGroup": g, "kind": "Group", "name": "system:monitoring"}],
        # not bound since 1.8: the Node authorizer authorizes kubelets
        "system:node": None,
        "system:node-proxier": [{"apiGroup": g, "kind": "User", "name": "system:kube-proxy"}],
        "system:public-info-viewer": [
            {"apiGroup": g, "kind": "Group", "name": "system:authenticated"},
            {"apiGroup": g, "kind": "Group", "name": "system:unauthenticated"}],
        "system:service-account-issuer-discovery": [
            {"apiGroup": g, "kind": "Group", "name": "system:serviceaccounts"}],
        "system:volume-scheduler": [{"apiGroup": g, "kind": "User",
                                     "name": "system:kube-scheduler"}],
    }


def test_exact_rules_from_the_fixtures() -> None:
    assert rules("cluster-admin") == [
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
        {"nonResourceURLs": ["*"], "verbs": ["*"]},
    ]
    assert rules("system:discovery") == [{"nonResourceURLs": [
        "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
        "/readyz", "/version", "/version/"], "verbs": ["get"]}]
    assert rules("system:public-info-viewer") == [{"nonResourceURLs": [
        "/healthz", "/livez", "/readyz", "/version", "/version/"], "verbs": ["get"]}]
    assert rules("system:kube-scheduler")[:4] == [
        EVENTS,
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]},
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
         "resourceNames": ["kube-scheduler"], "verbs": ["get", "list", "update", "watch"]},
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leasecandidates"],
         "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update",
                   "watch"]},
    ]
    assert {"apiGroups": [""], "resources": ["bindings", "pods/binding"],
            "verbs": ["create"]} in rules("system:kube-scheduler")
    assert rules("system:node-proxier") == [
        {"apiGroups": [""], "resources": ["endpoints", "services"], "verbs": ["list", "watch"]},
        {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch"]},
        EVENTS,
        {"apiGroups": ["networking.k8s.io"], "resources": ["servicecidrs"],
         "verbs": ["list", "watch"]},
        {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"],
         "verbs": ["list", "watch"]},
    ]
    assert rules("system:controller:replicaset-controller") == [
        {"apiGroups": ["apps", "extensions"], "resources": ["replicasets"],
         "verbs": ["get", "list", "update", "watch"]},
        {"apiGroups": ["apps", "extensions"], "resources": ["replicasets/status"],
         "verbs": ["update"]},
        {"apiGroups": ["apps", "extensions"], "resources": ["replicasets/finalizers"],
         "verbs": ["update"]},
        {"apiGroups": [""], "resources": ["pods"],
         "verbs": ["create", "delete", "list", "patch", "watch"]},
        EVENTS,
    ]
    assert rules("system:controller:disruption-controller")[7] == {
        "apiGroups": ["*"], "resources": ["*/scale"], "verbs": ["get"]}
    assert rules("system:certificates.k8s.io:kubelet-serving-approver") == [
        {"apiGroups": ["certificates.k8s.io"], "resources": ["signers"],
         "resourceNames": ["kubernetes.io/kubelet-serving"], "verbs": ["approve"]}]
    assert rules("system:basic-user") == [
        {"apiGroups": ["authorization.k8s.io"],
         "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
         "verbs": ["create"]},
        {"apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"],
         "verbs": ["create"]},
    ]


def test_namespace_roles() -> None:
    roles = {(r["metadata"]["namespace"], r["metadata"]["name"]): r["rules"]
             for r in bootstrap.namespace_roles()}
    assert roles[("kube-system", "extension-apiserver-authentication-reader")] == [
        {"apiGroups": [""], "resources": ["configmaps"],
         "resourceNames": ["extension-apiserver-authentication"],
         "verbs": ["get", "list", "watch"]}]
    assert roles[("kube-public", "system:controller:bootstrap-signer")][1] == {
        "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["cluster-info"],
        "verbs": ["update"]}
    bindings = {(b["metadata"]["namespace"], b["metadata"]["name"]): b
                for b in bootstrap.namespace_role_bindings()}
    reader = bindings[("kube-system", "system::extension-apiserver-authentication-reader")]
    assert reader["roleRef"]["name"] == "extension-apiserver-authentication-reader"
    assert [s["name"] for s in reader["subjects"]] == ["system:kube-controller-manager",
                                                      "system:kube-scheduler"]
    signer = bindings[("kube-public", "system:controller:bootstrap-signer")]
    assert signer["subjects"] == [{"kind": "ServiceAccount", "name": "bootstrap-signer",
                                   "namespace": "kube-system"}]


def test_aggregation_labels_and_rules() -> None:
    roles = by_name(bootstrap.cluster_roles())
    assert roles["admin"]["aggregationRule"] == {"clusterRoleSelectors": [
        {"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}}]}
    assert roles["edit"]["metadata"]["labels"] == {
        "rbac.authorization.k8s.io/aggregate-to-admin": "true", **LABEL}
    assert roles["view"]["metadata"]["labels"] == {
        "rbac.authorization.k8s.io/aggregate-to-edit": "true", **LABEL}
    view = roles["view"]["rules"]
    edit = roles["edit"]["rules"]
    admin = roles["admin"]["rules"]
    assert view == roles["system:aggregate-to-view"]["rules"]
    # sorted by name: system:aggregate-to-edit < view; edit < system:aggregate-to-admin
    assert edit == roles["system:aggregate-to-edit"]["rules"] + view
    assert admin == edit + roles["system:aggregate-to-admin"]["rules"]
    assert len(view) == 12
    assert len(edit) == 27
    assert len(admin) == 29


def test_aggregation_picks_up_a_new_labelled_role() -> None:
    widgets: dict[str, Any] = {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "widgets-view",
                     "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
        "rules": [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get"]}],
    }
    roles = by_name(bootstrap.aggregate_cluster_roles([*bootstrap.cluster_roles(), widgets]))
    for name in ("view", "edit", "admin"):
        assert widgets["rules"][0] in roles[name]["rules"], name
    assert roles["view"]["rules"][-1] == widgets["rules"][0]  # "widgets-view" > "system:..."


@pytest.mark.parametrize(
    ("selector", "labels", "matches"),
    [
        ({}, {"a": "1"}, True),
        ({"matchLabels": {"a": "1"}}, {"a": "1", "b": "2"}, True),
        ({"matchLabels": {"a": "1"}}, {"a": "2"}, False),
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]},
         {"a": "2"}, True),
        ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
        ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {}, False),
        ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"a": ""}, False),
    ],
)
def test_label_selector(selector: dict[str, Any], labels: dict[str, str], matches: bool) -> None:
    assert bootstrap.label_selector_matches(selector, labels) is matches


def test_node_rules_are_the_system_node_role() -> None:
    assert rules("system:node") == bootstrap.node_rules()
    assert {"apiGroups": [""], "resources": ["configmaps", "secrets"],
            "verbs": ["get", "list", "watch"]} in bootstrap.node_rules()
