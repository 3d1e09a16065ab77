"""The exact 403 texts (responsewriters.forbiddenMessage + apierrors.NewForbidden)."""

from __future__ import annotations

import pytest

from k8s_internals.api.authz.attributes import Attributes
from k8s_internals.api.authz.messages import (
    forbidden_error,
    forbidden_message,
    go_quote,
    status_message,
)
from k8s_internals.api.user import UserInfo

ALICE = UserInfo("alice", groups=("system:authenticated",))
ANON = UserInfo("system:anonymous", groups=("system:unauthenticated",))
DEFAULT_SA = UserInfo("system:serviceaccount:default:default",
                      groups=("system:serviceaccounts", "system:authenticated"))
NODE1 = UserInfo("system:node:node-1", groups=("system:nodes", "system:authenticated"))


def res(who: UserInfo, verb: str, resource: str, ns: str = "", group: str = "", sub: str = "",
        name: str = "") -> Attributes:
    return Attributes(user=who, verb=verb, namespace=ns, api_group=group, resource=resource,
                      subresource=sub, name=name)


# (attributes, reason, Status message)
CASES = [
    (res(ALICE, "create", "pods", "default"), "",
     'pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the '
     'namespace "default"'),
    (res(ALICE, "get", "pods", "default", name="web-0"), "",
     'pods "web-0" is forbidden: User "alice" cannot get resource "pods" in API group "" in the '
     'namespace "default"'),
    (res(ALICE, "list", "nodes"), "",
     'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the '
     'cluster scope'),
    (res(ALICE, "get", "nodes", name="node-1"), "",
     'nodes "node-1" is forbidden: User "alice" cannot get resource "nodes" in API group "" at '
     'the cluster scope'),
    (res(ALICE, "get", "pods", "default", sub="log", name="web-0"), "",
     'pods "web-0" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in '
     'the namespace "default"'),
    (res(ALICE, "create", "pods", "default", sub="exec", name="web-0"), "",
     'pods "web-0" is forbidden: User "alice" cannot create resource "pods/exec" in API group "" '
     'in the namespace "default"'),
    (res(ALICE, "delete", "deployments", "default", "apps", name="web"), "",
     'deployments.apps "web" is forbidden: User "alice" cannot delete resource "deployments" in '
     'API group "apps" in the namespace "default"'),
    (res(ALICE, "patch", "deployments", "default", "apps", "scale", "web"), "",
     'deployments.apps "web" is forbidden: User "alice" cannot patch resource '
     '"deployments/scale" in API group "apps" in the namespace "default"'),
    (res(ALICE, "list", "clusterrolebindings", "", "rbac.authorization.k8s.io"), "",
     'clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "alice" cannot list '
     'resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster '
     'scope'),
    (res(DEFAULT_SA, "list", "pods"), "",
     'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource '
     '"pods" in API group "" at the cluster scope'),
    (res(ALICE, "watch", "secrets", "kube-system"), "",
     'secrets is forbidden: User "alice" cannot watch resource "secrets" in API group "" in the '
     'namespace "kube-system"'),
    (Attributes(user=ANON, verb="get", resource_request=False, path="/api"), "",
     'forbidden: User "system:anonymous" cannot get path "/api"'),
    (Attributes(user=ANON, verb="get", resource_request=False, path="/"), "",
     'forbidden: User "system:anonymous" cannot get path "/"'),
    (Attributes(user=ALICE, verb="post", resource_request=False, path="/logs"), "",
     'forbidden: User "alice" cannot post path "/logs"'),
    # a reason from the chain (here the Node authorizer's) is appended after ": "
    (res(NODE1, "get", "secrets", "default", name="db"),
     "no relationship found between node 'node-1' and this object",
     'secrets "db" is forbidden: User "system:node:node-1" cannot get resource "secrets" in API '
     'group "" in the namespace "default": no relationship found between node \'node-1\' and '
     'this object'),
    (res(NODE1, "list", "secrets", "default"), "No Object name found",
     'secrets is forbidden: User "system:node:node-1" cannot list resource "secrets" in API '
     'group "" in the namespace "default": No Object name found'),
]


@pytest.mark.parametrize(("attrs", "reason", "expected"), CASES)
def test_status_message(attrs: Attributes, reason: str, expected: str) -> None:
    assert status_message(attrs, reason) == expected


def test_forbidden_message_is_the_sentence_after_the_prefix() -> None:
    attrs = res(ALICE, "create", "pods", "default")
    assert forbidden_message(attrs) == (
        'User "alice" cannot create resource "pods" in API group "" in the namespace "default"'
    )
    assert forbidden_message(attrs, "RBAC: oops") == (
        'User "alice" cannot create resource "pods" in API group "" in the namespace "default": '
        "RBAC: oops"
    )


def test_status_body() -> None:
    err = forbidden_error(res(ALICE, "get", "deployments", "default", "apps", "scale", "web"))
    assert err.code == 403
    assert err.status["reason"] == "Forbidden"
    assert err.status["status"] == "Failure"
    assert err.status["kind"] == "Status"
    # details.kind is the *resource* (NewForbidden passes the GroupResource)
    assert err.status["details"] == {"name": "web", "group": "apps", "kind": "deployments"}


def test_status_body_for_a_path() -> None:
    err = forbidden_error(Attributes(user=ANON, verb="get", resource_request=False, path="/"))
    assert err.status["details"] == {}
    assert err.message == 'forbidden: User "system:anonymous" cannot get path "/"'


def test_html_is_escaped_in_the_sentence_but_not_in_the_reason() -> None:
    attrs = Attributes(user=ALICE, verb="get", resource_request=False, path="/<b>&x")
    assert forbidden_message(attrs, "a<b") == (
        'User "alice" cannot get path "/&lt;b&gt;&amp;x": a<b'
    )


@pytest.mark.parametrize(
    ("raw", "quoted"),
    [
        ("alice", '"alice"'),
        ("", '""'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a\\b", '"a\\\\b"'),
        ("line\nbreak\ttab", '"line\\nbreak\\ttab"'),
        ("\x00\x7f", '"\\x00\\x7f"'),
        ("héllo", '"héllo"'),
        ("\u00a0", '"\\u00a0"'),
    ],
)
def test_go_quote(raw: str, quoted: str) -> None:
    assert go_quote(raw) == quoted


def test_user_name_is_go_quoted() -> None:
    odd = UserInfo('we"ird')
    assert status_message(res(odd, "get", "pods", "default")) == (
        'pods is forbidden: User "we\\"ird" cannot get resource "pods" in API group "" in the '
        'namespace "default"'
    )
