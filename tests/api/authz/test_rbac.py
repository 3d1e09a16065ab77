"""RBAC authorizer: an allow/deny matrix over the bootstrap policy plus a few user bindings, the
exact allow reasons, resolution errors, and ``rules_for`` (SelfSubjectRulesReview)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.authz import bootstrap
from k8s_internals.api.authz.attributes import Attributes, Verdict
from k8s_internals.api.authz.rbac import (
    RBACAuthorizer,
    StaticRBACLister,
    aggregate_errors,
    applies_to_user,
)
from k8s_internals.api.user import UserInfo

AUTH = "system:authenticated"
RBAC = "rbac.authorization.k8s.io"


def _meta(name: str, namespace: str = "") -> dict[str, Any]:
    return {"name": name, "namespace": namespace} if namespace else {"name": name}


def cluster_role(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC}/v1", "kind": "ClusterRole", "metadata": _meta(name),
            "rules": list(rules)}


def role(namespace: str, name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC}/v1", "kind": "Role", "metadata": _meta(name, namespace),
            "rules": list(rules)}


def user(name: str) -> dict[str, str]:
    return {"apiGroup": RBAC, "kind": "User", "name": name}


def group(name: str) -> dict[str, str]:
    return {"apiGroup": RBAC, "kind": "Group", "name": name}


def sa(name: str, namespace: str = "") -> dict[str, str]:
    out = {"kind": "ServiceAccount", "name": name}
    if namespace:
        out["namespace"] = namespace
    return out


def crb(name: str, role_name: str, *subjects: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC}/v1", "kind": "ClusterRoleBinding", "metadata": _meta(name),
            "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role_name},
            "subjects": list(subjects)}


def rb(namespace: str, name: str, kind: str, role_name: str,
       *subjects: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC}/v1", "kind": "RoleBinding",
            "metadata": _meta(name, namespace),
            "roleRef": {"apiGroup": RBAC, "kind": kind, "name": role_name},
            "subjects": list(subjects)}


USER_OBJECTS = [
    role("default", "pod-reader",
         {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}),
    rb("default", "read-pods", "Role", "pod-reader", user("alice")),
    cluster_role("secret-reader", {"apiGroups": [""], "resources": ["secrets"],
                                   "resourceNames": ["db-pass"], "verbs": ["get", "watch"]}),
    rb("default", "devs-db-pass", "ClusterRole", "secret-reader", group("devs")),
    rb("team-a", "dev-edit", "ClusterRole", "edit", group("devs")),
    rb("team-a", "ci-view", "ClusterRole", "view", sa("ci")),
    crb("ops-admin", "admin", user("bob")),
    cluster_role("scaler", {"apiGroups": ["*"], "resources": ["*/scale"],
                            "verbs": ["get", "update"]}),
    crb("hpa-scaler", "scaler", user("hpa")),
    cluster_role("log-reader", {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}),
    rb("default", "carol-logs", "ClusterRole", "log-reader", user("carol")),
    cluster_role("deployer", {"apiGroups": ["apps"], "resources": ["deployments"],
                              "verbs": ["*"]}),
    crb("dave-deployer", "deployer", user("dave")),
    cluster_role("prober", {"nonResourceURLs": ["/debug/*", "/custom"], "verbs": ["get"]}),
    crb("prober", "prober", user("probe")),
]


@pytest.fixture(scope="module")
def authorizer() -> RBACAuthorizer:
    return RBACAuthorizer(StaticRBACLister([*bootstrap.bootstrap_objects(), *USER_OBJECTS]))


def u(name: str, *groups: str) -> UserInfo:
    return UserInfo(name, groups=(*groups, AUTH))


def sa_user(namespace: str, name: str) -> UserInfo:
    return UserInfo(f"system:serviceaccount:{namespace}:{name}",
                    groups=("system:serviceaccounts", f"system:serviceaccounts:{namespace}", AUTH))


ALICE = u("alice")
ERIN = u("erin", "devs")
BOB = u("bob")
HPA = u("hpa")
CAROL = u("carol")
DAVE = u("dave")
PROBE = u("probe")
ADMIN = u("kubernetes-admin", "system:masters")
MONITOR = u("prometheus", "system:monitoring")
ANON = UserInfo("system:anonymous", groups=("system:unauthenticated",))
SCHED = u("system:kube-scheduler")
KCM = u("system:kube-controller-manager")
PROXY = u("system:kube-proxy")
CI = sa_user("team-a", "ci")
DEPLOY_CTRL = sa_user("kube-system", "deployment-controller")
RS_CTRL = sa_user("kube-system", "replicaset-controller")
NS_CTRL = sa_user("kube-system", "namespace-controller")
KUBE_DNS = sa_user("kube-system", "kube-dns")
DEFAULT_SA = sa_user("default", "default")


def res(who: UserInfo, verb: str, resource: str, ns: str = "", group: str = "",
        sub: str = "", name: str = "") -> Attributes:
    return Attributes(user=who, verb=verb, namespace=ns, api_group=group, resource=resource,
                      subresource=sub, name=name)


def url(who: UserInfo, path: str, verb: str = "get") -> Attributes:
    return Attributes(user=who, verb=verb, resource_request=False, path=path)


# (id, attributes, allowed)
MATRIX: list[tuple[str, Attributes, bool]] = [
    # a Role + RoleBinding: only that namespace, only those verbs and that resource
    ("role:get", res(ALICE, "get", "pods", "default", name="web"), True),
    ("role:list", res(ALICE, "list", "pods", "default"), True),
    ("role:other-ns", res(ALICE, "get", "pods", "kube-system", name="web"), False),
    ("role:all-namespaces", res(ALICE, "list", "pods"), False),
    ("role:create", res(ALICE, "create", "pods", "default"), False),
    ("role:subresource-not-covered", res(ALICE, "get", "pods", "default", sub="log"), False),
    ("role:other-group", res(ALICE, "get", "deployments", "default", "apps"), False),
    ("role:core-group-only", res(ALICE, "get", "pods", "default", "metrics.k8s.io"), False),
    # resourceNames
    ("names:get-named", res(ERIN, "get", "secrets", "default", name="db-pass"), True),
    ("names:get-other", res(ERIN, "get", "secrets", "default", name="api-key"), False),
    ("names:list", res(ERIN, "list", "secrets", "default"), False),
    ("names:watch-unnamed", res(ERIN, "watch", "secrets", "default"), False),
    ("names:watch-named", res(ERIN, "watch", "secrets", "default", name="db-pass"), True),
    ("names:create", res(ERIN, "create", "secrets", "default"), False),
    ("names:deletecollection", res(ERIN, "deletecollection", "secrets", "default"), False),
    # aggregated edit (a ClusterRole bound by a RoleBinding: namespaced)
    ("edit:create-deploy", res(ERIN, "create", "deployments", "team-a", "apps"), True),
    ("edit:scale", res(ERIN, "patch", "deployments", "team-a", "apps", "scale", "web"), True),
    ("edit:exec", res(ERIN, "create", "pods", "team-a", sub="exec", name="web"), True),
    ("edit:secrets", res(ERIN, "get", "secrets", "team-a", name="x"), True),
    ("edit:eviction", res(ERIN, "create", "pods", "team-a", sub="eviction", name="web"), True),
    ("edit:impersonate-sa", res(ERIN, "impersonate", "serviceaccounts", "team-a", name="x"),
     True),
    ("edit:events-new-group", res(ERIN, "create", "events", "team-a", "events.k8s.io"), True),
    ("edit:leases", res(ERIN, "update", "leases", "team-a", "coordination.k8s.io", name="l"),
     True),
    ("edit:view-part", res(ERIN, "get", "resourcequotas", "team-a", name="q"), True),
    ("edit:no-quota-write", res(ERIN, "update", "resourcequotas", "team-a", name="q"), False),
    ("edit:no-rbac", res(ERIN, "create", "roles", "team-a", RBAC), False),
    ("edit:no-status-write", res(ERIN, "update", "pods", "team-a", sub="status"), False),
    ("edit:namespaced-only", res(ERIN, "get", "nodes", name="n1"), False),
    ("edit:other-ns", res(ERIN, "create", "deployments", "team-b", "apps"), False),
    # aggregated view through a service account subject without a namespace
    ("view:sa-list", res(CI, "list", "pods", "team-a"), True),
    ("view:sa-status", res(CI, "get", "deployments", "team-a", "apps", "status", "w"), True),
    ("view:sa-no-secrets", res(CI, "get", "secrets", "team-a", name="x"), False),
    ("view:sa-no-write", res(CI, "create", "pods", "team-a"), False),
    ("view:sa-other-ns", res(CI, "list", "pods", "team-b"), False),
    ("view:sa-no-exec", res(CI, "get", "pods", "team-a", sub="exec", name="w"), False),
    # aggregated admin through a ClusterRoleBinding: every namespace, and all-namespaces lists
    ("admin:roles", res(BOB, "create", "roles", "team-b", RBAC), True),
    ("admin:rolebindings", res(BOB, "delete", "rolebindings", "x", RBAC, name="b"), True),
    ("admin:lsar", res(BOB, "create", "localsubjectaccessreviews", "x",
                       "authorization.k8s.io"), True),
    ("admin:all-namespaces", res(BOB, "list", "pods"), True),
    ("admin:no-clusterroles", res(BOB, "create", "clusterroles", "", RBAC), False),
    ("admin:no-nodes", res(BOB, "get", "nodes", name="n1"), False),
    ("admin:ns-read-only", res(BOB, "delete", "namespaces", name="x"), False),
    # */subresource and apiGroups "*"
    ("scale:deploy", res(HPA, "get", "deployments", "d", "apps", "scale", "w"), True),
    ("scale:update-rs", res(HPA, "update", "replicasets", "d", "apps", "scale", "w"), True),
    ("scale:crd", res(HPA, "get", "widgets", "d", "example.com", "scale", "w"), True),
    ("scale:no-main-resource", res(HPA, "get", "deployments", "d", "apps", name="w"), False),
    ("scale:verb", res(HPA, "patch", "deployments", "d", "apps", "scale", "w"), False),
    ("scale:other-sub", res(HPA, "get", "deployments", "d", "apps", "status", "w"), False),
    # a subresource grant does not give the resource
    ("sub:log", res(CAROL, "get", "pods", "default", sub="log", name="web"), True),
    ("sub:no-pod", res(CAROL, "get", "pods", "default", name="web"), False),
    ("sub:log-other-ns", res(CAROL, "get", "pods", "team-a", sub="log", name="web"), False),
    # verbs "*"
    ("verbs:star", res(DAVE, "delete", "deployments", "x", "apps", name="w"), True),
    ("verbs:star-any", res(DAVE, "escalate", "deployments", "x", "apps", name="w"), True),
    ("verbs:star-group", res(DAVE, "get", "deployments", "x", "extensions", name="w"), False),
    ("verbs:star-sub", res(DAVE, "get", "deployments", "x", "apps", "scale", "w"), False),
    # system:masters via the cluster-admin binding
    ("masters:nodes", res(ADMIN, "delete", "nodes", name="n1"), True),
    ("masters:crd", res(ADMIN, "create", "widgets", "x", "example.com"), True),
    ("masters:url", url(ADMIN, "/metrics"), True),
    ("masters:escalate", res(ADMIN, "escalate", "clusterroles", "", RBAC, name="x"), True),
    # non-resource URLs
    ("url:anon-healthz", url(ANON, "/healthz"), True),
    ("url:anon-version", url(ANON, "/version"), True),
    ("url:anon-livez", url(ANON, "/livez"), True),
    ("url:anon-api", url(ANON, "/api"), False),
    ("url:anon-healthz-check", url(ANON, "/healthz/etcd"), False),
    ("url:anon-metrics", url(ANON, "/metrics"), False),
    ("url:anon-resource", res(ANON, "list", "pods", "default"), False),
    ("url:auth-api", url(ALICE, "/api"), True),
    ("url:auth-api-v1", url(ALICE, "/api/v1"), True),
    ("url:auth-apis-group", url(ALICE, "/apis/apps/v1"), True),
    ("url:auth-openapi", url(ALICE, "/openapi/v3"), True),
    ("url:auth-post", url(ALICE, "/api", "post"), False),
    ("url:auth-metrics", url(ALICE, "/metrics"), False),
    ("url:auth-healthz-check", url(ALICE, "/healthz/etcd"), False),
    ("url:prefix", url(PROBE, "/debug/pprof/heap"), True),
    ("url:prefix-dir", url(PROBE, "/debug/"), True),
    ("url:prefix-not-bare", url(PROBE, "/debug"), False),
    ("url:exact", url(PROBE, "/custom"), True),
    ("url:exact-not-prefix", url(PROBE, "/custom/x"), False),
    ("url:monitoring-metrics", url(MONITOR, "/metrics"), True),
    ("url:monitoring-check", url(MONITOR, "/readyz/ping"), True),
    ("url:monitoring-kubelet", res(MONITOR, "get", "nodes", sub="metrics", name="n1"), True),
    ("url:not-a-resource-rule", res(PROBE, "get", "custom"), False),
    # system:basic-user
    ("basic:ssar", res(ALICE, "create", "selfsubjectaccessreviews", "",
                       "authorization.k8s.io"), True),
    ("basic:ssrr", res(ALICE, "create", "selfsubjectrulesreviews", "",
                       "authorization.k8s.io"), True),
    ("basic:whoami", res(ALICE, "create", "selfsubjectreviews", "",
                         "authentication.k8s.io"), True),
    ("basic:no-sar", res(ALICE, "create", "subjectaccessreviews", "",
                         "authorization.k8s.io"), False),
    ("basic:anon-no-ssar", res(ANON, "create", "selfsubjectaccessreviews", "",
                               "authorization.k8s.io"), False),
    ("basic:default-sa", res(DEFAULT_SA, "list", "pods", "default"), False),
    # kube-scheduler
    ("sched:bind", res(SCHED, "create", "pods", "default", sub="binding", name="w"), True),
    ("sched:bindings", res(SCHED, "create", "bindings", "default"), True),
    ("sched:pod-status", res(SCHED, "patch", "pods", "default", sub="status", name="w"), True),
    ("sched:no-pod-update", res(SCHED, "update", "pods", "default", name="w"), False),
    ("sched:delete-pod", res(SCHED, "delete", "pods", "default", name="w"), True),
    ("sched:nodes", res(SCHED, "watch", "nodes"), True),
    ("sched:lease-own", res(SCHED, "update", "leases", "kube-system", "coordination.k8s.io",
                            name="kube-scheduler"), True),
    # the ClusterRole names its lease; the kube-system leader-locking Role grants any lease there
    ("sched:lease-other", res(SCHED, "update", "leases", "default", "coordination.k8s.io",
                              name="kube-controller-manager"), False),
    ("sched:lease-kube-system", res(SCHED, "update", "leases", "kube-system",
                                    "coordination.k8s.io", name="kube-controller-manager"), True),
    ("sched:leasecandidates", res(SCHED, "delete", "leasecandidates", "default",
                                  "coordination.k8s.io", name="x"), True),
    ("sched:lease-create", res(SCHED, "create", "leases", "kube-system",
                               "coordination.k8s.io"), True),
    ("sched:pvc", res(SCHED, "list", "persistentvolumeclaims"), True),
    ("sched:events", res(SCHED, "create", "events", "default", "events.k8s.io"), True),
    ("sched:authn-cm", res(SCHED, "get", "configmaps", "kube-system",
                           name="extension-apiserver-authentication"), True),
    ("sched:other-cm", res(SCHED, "get", "configmaps", "kube-system", name="kube-proxy"), False),
    ("sched:no-secrets", res(SCHED, "get", "secrets", "default", name="x"), False),
    # kube-controller-manager (user), kube-proxy, kube-dns
    ("kcm:list-anything", res(KCM, "list", "widgets", "", "example.com"), True),
    ("kcm:sa-token", res(KCM, "create", "serviceaccounts", "kube-system", sub="token",
                         name="x"), True),
    ("kcm:no-pod-delete", res(KCM, "delete", "pods", "default", name="w"), False),
    ("proxy:slices", res(PROXY, "list", "endpointslices", "", "discovery.k8s.io"), True),
    ("proxy:services", res(PROXY, "watch", "services"), True),
    ("proxy:servicecidrs", res(PROXY, "list", "servicecidrs", "", "networking.k8s.io"), True),
    ("proxy:no-create", res(PROXY, "create", "services", "default"), False),
    ("dns:endpoints", res(KUBE_DNS, "list", "endpoints"), True),
    ("dns:no-pods", res(KUBE_DNS, "list", "pods"), False),
    # controllers, each with its own service account
    ("ctrl:deploy-rs", res(DEPLOY_CTRL, "create", "replicasets", "default", "apps"), True),
    ("ctrl:deploy-status", res(DEPLOY_CTRL, "update", "deployments", "default", "apps",
                               "status", "w"), True),
    ("ctrl:deploy-no-pods", res(DEPLOY_CTRL, "create", "pods", "default"), False),
    ("ctrl:rs-pods", res(RS_CTRL, "create", "pods", "default"), True),
    ("ctrl:rs-status", res(RS_CTRL, "update", "replicasets", "default", "apps", "status",
                           "w"), True),
    ("ctrl:rs-no-deploy", res(RS_CTRL, "update", "deployments", "default", "apps",
                              name="w"), False),
    ("ctrl:ns-deletecollection", res(NS_CTRL, "deletecollection", "widgets", "x",
                                     "example.com"), True),
    ("ctrl:ns-finalize", res(NS_CTRL, "update", "namespaces", sub="finalize", name="x"), True),
    ("ctrl:ns-no-create", res(NS_CTRL, "create", "pods", "x"), False),
]


@pytest.mark.parametrize(("attrs", "allowed"), [pytest.param(a, ok, id=i) for i, a, ok in MATRIX])
def test_matrix(authorizer: RBACAuthorizer, attrs: Attributes, allowed: bool) -> None:
    decision = authorizer.authorize(attrs)
    assert decision.allowed is allowed
    if allowed:
        assert decision.reason.startswith("RBAC: allowed by ")
        assert decision.matched == decision.reason
    else:
        assert decision.verdict is Verdict.NO_OPINION  # RBAC never denies
        assert decision.reason == ""


REASONS = [
    (res(SCHED, "create", "pods", "default", sub="binding", name="w"),
     'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole '
     '"system:kube-scheduler" to User "system:kube-scheduler"'),
    (res(ALICE, "get", "pods", "default", name="web"),
     'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to User "alice"'),
    (res(ERIN, "create", "deployments", "team-a", "apps"),
     'RBAC: allowed by RoleBinding "dev-edit/team-a" of ClusterRole "edit" to Group "devs"'),
    (res(CI, "list", "pods", "team-a"),
     'RBAC: allowed by RoleBinding "ci-view/team-a" of ClusterRole "view" to '
     'ServiceAccount "ci/team-a"'),
    (res(DEPLOY_CTRL, "create", "replicasets", "default", "apps"),
     'RBAC: allowed by ClusterRoleBinding "system:controller:deployment-controller" of '
     'ClusterRole "system:controller:deployment-controller" to ServiceAccount '
     '"deployment-controller/kube-system"'),
    (res(ADMIN, "delete", "nodes", name="n1"),
     'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to '
     'Group "system:masters"'),
    (url(ANON, "/healthz"),
     'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole '
     '"system:public-info-viewer" to Group "system:unauthenticated"'),
    (res(SCHED, "get", "configmaps", "kube-system", name="extension-apiserver-authentication"),
     'RBAC: allowed by RoleBinding "system::extension-apiserver-authentication-reader/'
     'kube-system" of Role "extension-apiserver-authentication-reader" to User '
     '"system:kube-scheduler"'),
]


@pytest.mark.parametrize(("attrs", "reason"), REASONS)
def test_allow_reason_is_upstreams(authorizer: RBACAuthorizer, attrs: Attributes,
                                   reason: str) -> None:
    assert authorizer.authorize(attrs).reason == reason


def test_cluster_role_bindings_are_visited_before_role_bindings() -> None:
    lister = StaticRBACLister([
        cluster_role("r", {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}),
        rb("ns", "a-first-by-name", "ClusterRole", "r", user("x")),
        crb("z-last-by-name", "r", user("x")),
    ])
    d = RBACAuthorizer(lister).authorize(res(UserInfo("x"), "get", "pods", "ns"))
    assert d.reason.startswith('RBAC: allowed by ClusterRoleBinding "z-last-by-name"')


def test_explain_names_the_rule(authorizer: RBACAuthorizer) -> None:
    match, errs = authorizer.explain(res(HPA, "get", "deployments", "d", "apps", "scale", "w"))
    assert errs == []
    assert match is not None
    assert match.rule_string == 'PolicyRule{APIGroups:["*"], Resources:["*/scale"], ' \
                                'Verbs:["get" "update"]}'
    assert str(match.source) == ('ClusterRoleBinding "hpa-scaler" of ClusterRole "scaler" to '
                                 'User "hpa"')


def test_missing_role_gives_an_rbac_reason() -> None:
    lister = StaticRBACLister([
        rb("ns", "b1", "Role", "ghost", user("x")),
        crb("b2", "phantom", group("g")),
        cluster_role("ok", {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}),
        rb("ns", "b3", "ClusterRole", "ok", user("x")),
    ])
    a = RBACAuthorizer(lister)
    x = UserInfo("x", groups=("g",))
    denied = a.authorize(res(x, "get", "pods", "ns"))
    assert denied.verdict is Verdict.NO_OPINION
    assert denied.reason == (
        'RBAC: [clusterrole.rbac.authorization.k8s.io "phantom" not found, '
        'role.rbac.authorization.k8s.io "ghost" not found]'
    )
    # an error does not stop another binding from allowing
    assert a.authorize(res(x, "get", "configmaps", "ns")).allowed
    only_one = a.authorize(res(UserInfo("x"), "get", "pods", "ns"))
    assert only_one.reason == 'RBAC: role.rbac.authorization.k8s.io "ghost" not found'


def test_unsupported_role_ref_kind() -> None:
    binding = crb("b", "r", user("x"))
    binding["roleRef"]["kind"] = "Widget"
    d = RBACAuthorizer(StaticRBACLister([binding])).authorize(res(UserInfo("x"), "get", "pods"))
    assert d.reason == 'RBAC: unsupported role reference kind: "Widget"'


@pytest.mark.parametrize(
    ("subject", "binding_ns", "username", "applies"),
    [
        (user("alice"), "", "alice", True),
        (user("alice"), "", "Alice", False),
        (group("devs"), "", "erin", True),
        (sa("ci", "team-a"), "", "system:serviceaccount:team-a:ci", True),
        (sa("ci"), "", "system:serviceaccount:team-a:ci", False),  # CRB: no namespace
        (sa("ci"), "team-a", "system:serviceaccount:team-a:ci", True),  # RB default
        (sa("ci", "team-b"), "team-a", "system:serviceaccount:team-a:ci", False),
        ({"kind": "Robot", "name": "erin"}, "", "erin", False),
    ],
)
def test_applies_to_user(subject: dict[str, str], binding_ns: str, username: str,
                         applies: bool) -> None:
    who = UserInfo(username, groups=("devs",))
    assert applies_to_user(who, subject, binding_ns) is applies


def test_aggregate_errors_formats_like_utilerrors() -> None:
    assert aggregate_errors(["a"]) == "a"
    assert aggregate_errors(["a", "a"]) == "a"
    assert aggregate_errors(["a", "b", "a"]) == "[a, b]"


def test_rules_for_a_plain_user(authorizer: RBACAuthorizer) -> None:
    status = authorizer.rules_for(ALICE, "default").to_status()
    assert status["incomplete"] is False
    assert "evaluationError" not in status
    assert status["resourceRules"] == [
        {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
         "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
        {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"],
         "resources": ["selfsubjectreviews"]},
        {"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["pods"]},
    ]
    assert status["nonResourceRules"] == [
        {"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz",
                                               "/livez", "/openapi", "/openapi/*", "/readyz",
                                               "/version", "/version/"]},
        {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version",
                                               "/version/"]},
    ]


def test_rules_for_depends_on_namespace(authorizer: RBACAuthorizer) -> None:
    in_default = authorizer.rules_for(ALICE, "default").resource_rules
    elsewhere = authorizer.rules_for(ALICE, "kube-system").resource_rules
    assert len(in_default) == len(elsewhere) + 1
    names = authorizer.rules_for(ERIN, "default").resource_rules
    assert any(r.resource_names == ("db-pass",) for r in names)


def test_rules_for_masters_is_cluster_admin(authorizer: RBACAuthorizer) -> None:
    rules = authorizer.rules_for(ADMIN, "default")
    assert rules.resource_rules[0].to_dict() == {"verbs": ["*"], "apiGroups": ["*"],
                                                 "resources": ["*"]}
    assert rules.non_resource_rules[0].to_dict() == {"verbs": ["*"], "nonResourceURLs": ["*"]}


def test_rules_for_reports_errors() -> None:
    lister = StaticRBACLister([rb("ns", "b", "Role", "ghost", user("x"))])
    result = RBACAuthorizer(lister).rules_for(UserInfo("x"), "ns")
    assert result.evaluation_error == 'role.rbac.authorization.k8s.io "ghost" not found'
    assert result.to_status()["evaluationError"] == result.evaluation_error
    assert result.incomplete is False


def test_lister_changes_take_effect_at_once() -> None:
    lister = StaticRBACLister(bootstrap.bootstrap_objects())
    a = RBACAuthorizer(lister)
    attrs = res(ADMIN, "delete", "nodes", name="n1")
    assert a.authorize(attrs).allowed
    lister.delete("ClusterRoleBinding", "cluster-admin")
    assert not a.authorize(attrs).allowed  # RBAC alone; the union keeps masters (test_union)


# -- the decision cache -------------------------------------------------------------------------


def test_decision_cache_follows_bindings_created_and_deleted() -> None:
    lister = StaticRBACLister([
        role("default", "pod-reader", {"apiGroups": [""], "resources": ["pods"],
                                       "verbs": ["get"]})])
    a = RBACAuthorizer(lister)
    alice = UserInfo("alice", groups=(AUTH,))
    attrs = res(alice, "get", "pods", "default", name="web")
    assert not a.authorize(attrs).allowed
    assert not a.authorize(attrs).allowed  # cached NoOpinion
    lister.put(rb("default", "read-pods", "Role", "pod-reader", user("alice")))
    d = a.authorize(attrs)
    assert d.allowed
    assert d.reason == ('RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" '
                        'to User "alice"')
    assert a.authorize(attrs) == d  # cached allow, same reason
    lister.delete("RoleBinding", "read-pods", "default")
    assert not a.authorize(attrs).allowed
    # the role changing (not only the binding) drops the cache too
    lister.put(rb("default", "read-pods", "Role", "pod-reader", user("alice")))
    assert a.authorize(attrs).allowed
    lister.put(role("default", "pod-reader", {"apiGroups": [""], "resources": ["pods"],
                                              "verbs": ["list"]}))
    assert not a.authorize(attrs).allowed


def test_decision_cache_keys_on_name_only_where_resource_names_matter() -> None:
    lister = StaticRBACLister([
        cluster_role("one-secret", {"apiGroups": [""], "resources": ["secrets"],
                                    "resourceNames": ["db-pass"], "verbs": ["get"]},
                     {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}),
        crb("x", "one-secret", user("carol"))])
    a = RBACAuthorizer(lister)
    carol = UserInfo("carol")
    assert a.authorize(res(carol, "get", "secrets", "ns", name="db-pass")).allowed
    assert not a.authorize(res(carol, "get", "secrets", "ns", name="other")).allowed
    assert a.authorize(res(carol, "get", "secrets", "ns", name="db-pass")).allowed
    assert a.authorize(res(carol, "get", "pods", "ns", name="p1")).allowed
    assert a.authorize(res(carol, "get", "pods", "ns", name="p2")).allowed
    assert not a.authorize(res(carol, "list", "secrets", "ns")).allowed
    # the same attributes for another user, or other groups, are another entry
    assert not a.authorize(res(UserInfo("dave"), "get", "pods", "ns", name="p1")).allowed
    assert not a.authorize(res(UserInfo("carol2", groups=("carol",)), "get", "pods", "ns",
                               name="p1")).allowed


class _NoGenerationLister:
    """A lister without a generation: the authorizer must walk it every time."""

    def __init__(self, *objects: dict[str, Any]) -> None:
        self.inner = StaticRBACLister(objects)

    def list_cluster_roles(self) -> list[Any]:
        return self.inner.list_cluster_roles()

    def get_cluster_role(self, name: str) -> Any:
        return self.inner.get_cluster_role(name)

    def get_role(self, namespace: str, name: str) -> Any:
        return self.inner.get_role(namespace, name)

    def list_cluster_role_bindings(self) -> list[Any]:
        return self.inner.list_cluster_role_bindings()

    def list_role_bindings(self, namespace: str) -> list[Any]:
        return self.inner.list_role_bindings(namespace)


def test_a_lister_without_generation_is_never_cached() -> None:
    lister = _NoGenerationLister(cluster_role("r", {"apiGroups": [""], "resources": ["pods"],
                                                    "verbs": ["get"]}))
    a = RBACAuthorizer(lister)
    attrs = res(UserInfo("erin"), "get", "pods", "ns")
    assert not a.authorize(attrs).allowed
    lister.inner.put(crb("b", "r", user("erin")))
    assert a.authorize(attrs).allowed
