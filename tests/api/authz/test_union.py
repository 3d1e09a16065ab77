"""The authorizer chain (union.go) as kube-apiserver builds it for --authorization-mode."""

from __future__ import annotations

import pytest

from k8s_internals.api.authz import bootstrap
from k8s_internals.api.authz.attributes import Attributes, Decision, Verdict
from k8s_internals.api.authz.messages import status_message
from k8s_internals.api.authz.node import StaticNodeGraphSource
from k8s_internals.api.authz.rbac import StaticRBACLister
from k8s_internals.api.authz.union import UnionAuthorizer, new_authorizer
from k8s_internals.api.user import UserInfo

ADMIN = UserInfo("kubernetes-admin", groups=("system:masters", "system:authenticated"))
ALICE = UserInfo("alice", groups=("system:authenticated",))
NODE1 = UserInfo("system:node:node-1", groups=("system:nodes", "system:authenticated"))


class Fixed:
    def __init__(self, verdict: Verdict, reason: str = "") -> None:
        self.decision = Decision(verdict, reason=reason)
        self.calls = 0

    def authorize(self, attrs: Attributes) -> Decision:
        self.calls += 1
        return self.decision


def attrs(who: UserInfo = ALICE, verb: str = "get", resource: str = "pods", ns: str = "default",
          name: str = "") -> Attributes:
    return Attributes(user=who, verb=verb, namespace=ns, resource=resource, name=name)


def test_first_allow_wins() -> None:
    later = Fixed(Verdict.DENY, "no")
    d = UnionAuthorizer([Fixed(Verdict.NO_OPINION, "a"), Fixed(Verdict.ALLOW, "yes"),
                         later]).authorize(attrs())
    assert d.verdict is Verdict.ALLOW
    assert d.reason == "yes"
    assert later.calls == 0


def test_first_deny_wins() -> None:
    later = Fixed(Verdict.ALLOW)
    d = UnionAuthorizer([Fixed(Verdict.DENY, "denied"), later]).authorize(attrs())
    assert d.verdict is Verdict.DENY
    assert d.reason == "denied"
    assert later.calls == 0


def test_no_opinion_joins_reasons() -> None:
    d = UnionAuthorizer([Fixed(Verdict.NO_OPINION, "a"), Fixed(Verdict.NO_OPINION),
                         Fixed(Verdict.NO_OPINION, "b")]).authorize(attrs())
    assert d.verdict is Verdict.NO_OPINION
    assert d.reason == "a\nb"


@pytest.fixture
def lister() -> StaticRBACLister:
    return StaticRBACLister(bootstrap.bootstrap_objects())


@pytest.fixture
def graph() -> StaticNodeGraphSource:
    return StaticNodeGraphSource(pods=[{
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"nodeName": "node-1",
                 "volumes": [{"name": "tls", "secret": {"secretName": "web-tls"}}]},
    }])


def test_node_rbac_chain(lister: StaticRBACLister, graph: StaticNodeGraphSource) -> None:
    authz, _ = new_authorizer(("Node", "RBAC"), rbac_lister=lister, node_graph=graph)
    assert authz.authorize(attrs(NODE1, name="web-tls", resource="secrets")).allowed
    denied = attrs(NODE1, name="db", resource="secrets")
    d = authz.authorize(denied)
    assert d.verdict is Verdict.NO_OPINION
    assert d.reason == "no relationship found between node 'node-1' and this object"
    assert status_message(denied, d.reason) == (
        'secrets "db" is forbidden: User "system:node:node-1" cannot get resource "secrets" in '
        'API group "" in the namespace "default": no relationship found between node \'node-1\' '
        "and this object"
    )
    # RBAC still answers for everyone else, and for what a node does outside the Node rules
    sched = UserInfo("system:kube-scheduler", groups=("system:authenticated",))
    assert authz.authorize(attrs(sched, "list", "nodes", "")).reason.startswith("RBAC: allowed")
    assert authz.authorize(Attributes(user=NODE1, verb="get", resource_request=False,
                                      path="/version")).allowed


def test_masters_are_allowed_without_any_binding(lister: StaticRBACLister,
                                                 graph: StaticNodeGraphSource) -> None:
    lister.delete("ClusterRoleBinding", "cluster-admin")
    authz, resolver = new_authorizer(rbac_lister=lister, node_graph=graph)
    d = authz.authorize(attrs(ADMIN, "delete", "nodes", "", "n1"))
    assert d.verdict is Verdict.ALLOW
    assert d.reason == ""  # NewPrivilegedGroups allows with an empty reason
    # ... but it is not a rule resolver: with the binding gone, no admin rules are listed
    rules = resolver.rules_for(ADMIN, "default")
    assert all(r.verbs != ("*",) for r in rules.resource_rules)


def test_rule_resolvers_union(lister: StaticRBACLister, graph: StaticNodeGraphSource) -> None:
    _, resolver = new_authorizer(rbac_lister=lister, node_graph=graph)
    node_rules = resolver.rules_for(NODE1, "default")
    assert node_rules.incomplete is True
    assert node_rules.evaluation_error == "node authorizer does not support user rule resolution"
    assert node_rules.resource_rules  # RBAC's share (system:basic-user) is still listed
    alice = resolver.rules_for(ALICE, "default")
    assert alice.incomplete is False
    assert alice.to_status()["nonResourceRules"][0]["verbs"] == ["get"]


def test_always_deny_has_no_opinion() -> None:
    authz, _ = new_authorizer(("AlwaysDeny", "AlwaysAllow"))
    assert authz.authorize(attrs()).allowed  # upstream's AlwaysDeny never says Deny
    authz, resolver = new_authorizer(("AlwaysDeny",))
    d = authz.authorize(attrs())
    assert d.verdict is Verdict.NO_OPINION
    assert d.reason == "Everything is forbidden."
    assert resolver.rules_for(ALICE, "default").resource_rules == ()


def test_always_allow_rules() -> None:
    _, resolver = new_authorizer(("AlwaysAllow",))
    status = resolver.rules_for(ALICE, "default").to_status()
    assert status["resourceRules"] == [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]
    assert status["nonResourceRules"] == [{"verbs": ["*"], "nonResourceURLs": ["*"]}]


@pytest.mark.parametrize(
    ("modes", "message"),
    [
        ((), "at least one authorization mode must be passed"),
        (("ABAC",), "unknown authorization mode ABAC specified"),
        (("RBAC",), "authorization mode RBAC needs an RBAC lister"),
        (("Node",), "authorization mode Node needs a node graph source"),
    ],
)
def test_bad_modes(modes: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        new_authorizer(modes)
