"""URL + method → what the API server is asked (upstream's ``requestinfo_test.go`` cases)."""

from __future__ import annotations

import pytest

from k8s_internals.api.http.routing import request_info, to_request

CASES = [
    # method, url → verb, group, version, namespace, resource, subresource, name
    ("GET", "/api/v1/namespaces", "list", "", "v1", "", "namespaces", "", ""),
    ("GET", "/api/v1/namespaces/other", "get", "", "v1", "other", "namespaces", "", "other"),
    ("GET", "/api/v1/namespaces/other/pods", "list", "", "v1", "other", "pods", "", ""),
    ("GET", "/api/v1/namespaces/other/pods/foo", "get", "", "v1", "other", "pods", "", "foo"),
    ("HEAD", "/api/v1/namespaces/other/pods/foo", "get", "", "v1", "other", "pods", "", "foo"),
    ("GET", "/api/v1/pods", "list", "", "v1", "", "pods", "", ""),
    ("GET", "/api/v1/namespaces/other/pods/foo/log", "get", "", "v1", "other", "pods", "log",
     "foo"),
    ("GET", "/api/v1/watch/pods", "watch", "", "v1", "", "pods", "", ""),
    ("GET", "/api/v1/pods?watch=true", "watch", "", "v1", "", "pods", "", ""),
    ("GET", "/api/v1/pods?watch=1", "watch", "", "v1", "", "pods", "", ""),
    ("GET", "/api/v1/pods?watch=True", "watch", "", "v1", "", "pods", "", ""),
    ("GET", "/api/v1/pods?watch=false", "list", "", "v1", "", "pods", "", ""),
    ("GET", "/api/v1/pods?watch=0", "list", "", "v1", "", "pods", "", ""),
    ("GET", "/api/v1/pods?watch=yes", "watch", "", "v1", "", "pods", "", ""),
    ("GET", "/api/v1/watch/namespaces/other/pods/foo", "watch", "", "v1", "other", "pods", "",
     "foo"),
    ("GET", "/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo", "list", "", "v1",
     "other", "pods", "", "foo"),
    ("GET", "/api/v1/namespaces/other/pods?watch=1&fieldSelector=metadata.name%3D%3Dfoo",
     "watch", "", "v1", "other", "pods", "", "foo"),
    ("POST", "/api/v1/namespaces/other/pods", "create", "", "v1", "other", "pods", "", ""),
    ("PUT", "/api/v1/namespaces/other/pods/foo", "update", "", "v1", "other", "pods", "", "foo"),
    ("PATCH", "/api/v1/namespaces/other/pods/foo", "patch", "", "v1", "other", "pods", "",
     "foo"),
    ("DELETE", "/api/v1/namespaces/other/pods/foo", "delete", "", "v1", "other", "pods", "",
     "foo"),
    ("DELETE", "/api/v1/namespaces/other/pods", "deletecollection", "", "v1", "other", "pods",
     "", ""),
    ("POST", "/api/v1/namespaces/other/pods/foo/binding", "create", "", "v1", "other", "pods",
     "binding", "foo"),
    ("PUT", "/api/v1/namespaces/other/finalize", "update", "", "v1", "other", "namespaces",
     "finalize", "other"),
    ("PUT", "/api/v1/namespaces/other/status", "update", "", "v1", "other", "namespaces",
     "status", "other"),
    ("GET", "/apis/apps/v1/namespaces/other/deployments/web/scale", "get", "apps", "v1", "other",
     "deployments", "scale", "web"),
    ("GET", "/apis/apps/v1/deployments", "list", "apps", "v1", "", "deployments", "", ""),
    ("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "create",
     "authorization.k8s.io", "v1", "", "selfsubjectaccessreviews", "", ""),
]


@pytest.mark.parametrize(("method", "url", "verb", "group", "version", "namespace",
                          "resource", "subresource", "name"), CASES,
                         ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_resource_requests(method: str, url: str, verb: str, group: str, version: str,
                           namespace: str, resource: str, subresource: str, name: str) -> None:
    info = request_info(method, url)
    assert info.is_resource_request
    assert (info.verb, info.api_group, info.api_version, info.namespace, info.resource,
            info.subresource, info.name) == (verb, group, version, namespace, resource,
                                             subresource, name)


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/"), ("GET", "/api"), ("GET", "/api/v1"), ("GET", "/apis"), ("GET", "/apis/apps"),
    ("GET", "/apis/apps/v1"), ("GET", "/version"), ("GET", "/healthz"),
    ("GET", "/readyz?verbose"), ("GET", "/openapi/v3/apis/apps/v1"), ("POST", "/api"),
])
def test_non_resource_requests(method: str, url: str) -> None:
    info = request_info(method, url)
    assert not info.is_resource_request
    assert info.verb == method.lower()
    assert info.path == url.split("?")[0]


def test_a_special_verb_needs_a_resource() -> None:
    with pytest.raises(ValueError, match="unable to determine kind and namespace"):
        request_info("GET", "/api/v1/watch")


def test_to_request_carries_query_body_and_identity() -> None:
    info = request_info("PATCH", "/apis/apps/v1/namespaces/default/deployments/web"
                                 "?fieldManager=kubectl&force=true")
    req = to_request(info, body=b"{}", content_type="application/apply-patch+yaml",
                     headers={"Authorization": "Bearer t"}, client_cert=("u", ("g",)),
                     user_agent="kubectl/v1.32.4", parent_id="req-7")
    assert (req.verb, req.group, req.resource, req.namespace, req.name) == (
        "patch", "apps", "deployments", "default", "web")
    assert req.params == {"fieldManager": "kubectl", "force": "true"}
    assert req.flag("force") and req.body == b"{}" and req.parent_id == "req-7"
    assert req.client_cert == ("u", ("g",))
    assert req.path == "/apis/apps/v1/namespaces/default/deployments/web"


def test_cluster_scoped_resources_lose_the_namespace() -> None:
    """``namespaces/<name>`` sets RequestInfo.Namespace (for authorization upstream); the
    handlers address a cluster-scoped object without one."""
    info = request_info("GET", "/api/v1/namespaces/kube-system")
    assert info.namespace == "kube-system"
    assert to_request(info).namespace == ""
    assert to_request(request_info("GET", "/api/v1/nodes/n1")).namespace == ""
