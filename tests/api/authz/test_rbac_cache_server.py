"""The RBAC decision cache through the API server: a RoleBinding created or deleted through the
API changes the very next request's answer (the server's caches bump their generation)."""

from __future__ import annotations

import pytest

from k8s_internals.api.assemble import APIServerConfig, new_api_server
from k8s_internals.api.authn.token_file import TokenEntry
from k8s_internals.client.client import ApiError, Client
from k8s_internals.client.transport import InProcessTransport
from k8s_internals.sim import Kernel

RBAC = "rbac.authorization.k8s.io"


def test_binding_created_and_deleted_changes_the_answer_at_once() -> None:
    kernel = Kernel(0)
    api = new_api_server(kernel, "memory://", APIServerConfig(tokens=[
        TokenEntry("admin-token", "kubernetes-admin", "", ("system:masters",)),
        TokenEntry("frank-token", "frank", "", ())]))
    admin = Client(InProcessTransport(api), "admin-token")
    frank = Client(InProcessTransport(api), "frank-token")
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace":
                                                                "default"}}
    admin.create("configmaps", cm)
    for _ in range(2):  # the second refusal comes from the cache
        with pytest.raises(ApiError) as e:
            frank.get("configmaps", "c", "default")
        assert e.value.code == 403
    admin.create("roles", {"apiVersion": f"{RBAC}/v1", "kind": "Role",
                           "metadata": {"name": "cm-reader", "namespace": "default"},
                           "rules": [{"apiGroups": [""], "resources": ["configmaps"],
                                      "verbs": ["get"]}]})
    with pytest.raises(ApiError):
        frank.get("configmaps", "c", "default")
    admin.create("rolebindings", {
        "apiVersion": f"{RBAC}/v1", "kind": "RoleBinding",
        "metadata": {"name": "frank-reads", "namespace": "default"},
        "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": "cm-reader"},
        "subjects": [{"kind": "User", "name": "frank", "apiGroup": RBAC}]})
    assert frank.get("configmaps", "c", "default")["metadata"]["name"] == "c"
    assert frank.get("configmaps", "c", "default")["metadata"]["name"] == "c"
    trace = api.tracer.query(user="frank")[-1]
    step = trace.step("authorization")
    assert step is not None and step.detail == (
        'RBAC: allowed by RoleBinding "frank-reads/default" of Role "cm-reader" to User "frank"')
    admin.delete("rolebindings", "frank-reads", "default")
    with pytest.raises(ApiError) as e:
        frank.get("configmaps", "c", "default")
    assert e.value.code == 403
    api.close()
