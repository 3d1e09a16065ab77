"""The admission plugins read namespaces, ResourceQuotas and LimitRanges through listers (the
API server's caches, fed as each write commits), as upstream's plugins read shared informers:
the answers are the store's, on the very next request, and the shared objects are never
changed. Also NamespaceLifecycle's live lookup and ``forceLiveLookupCache``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8s_internals.api.admission.interfaces import Operation, lister_get, lister_list
from k8s_internals.api.admission.namespace_lifecycle import (
    FORCE_LIVE_LOOKUP_TTL,
    NamespaceLifecycle,
)
from k8s_internals.api.assemble import APIServerConfig, new_api_server
from k8s_internals.api.authn.token_file import TokenEntry
from k8s_internals.api.caches import ServerCaches
from k8s_internals.api.internal import InternalAccess
from k8s_internals.api.request import Request, Response
from k8s_internals.api.server import APIServer
from k8s_internals.sim import Kernel

from .conftest import FakeContext, attrs

Obj = dict[str, Any]


@pytest.fixture
def api() -> APIServer:
    return new_api_server(Kernel(0), "memory://", APIServerConfig(tokens=[
        TokenEntry("admin-token", "kubernetes-admin", "", ("system:masters",))]))


def _do(api: APIServer, verb: str, resource: str, namespace: str = "", name: str = "",
        body: Obj | None = None, **kw: Any) -> Response:
    return api.handle(Request(verb=verb, resource=resource, namespace=namespace, name=name,
                              body=body, headers={"Authorization": "Bearer admin-token"}, **kw))


def _ns(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def _cm(name: str, ns: str) -> Obj:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}}


def _pod(name: str, ns: str, **resources: Any) -> Obj:
    c: Obj = {"name": "app", "image": "nginx"}
    if resources:
        c["resources"] = resources
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [c], "serviceAccountName": "default",
                     "automountServiceAccountToken": False}}


def _quota(name: str, ns: str, **hard: str) -> Obj:
    return {"apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": {"name": name, "namespace": ns}, "spec": {"hard": hard}}


def _limits(name: str, ns: str, default: dict[str, str]) -> Obj:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": name, "namespace": ns},
            "spec": {"limits": [{"type": "Container", "default": default}]}}


def _with_account(api: APIServer, ns: str) -> None:
    assert _do(api, "create", "namespaces", body=_ns(ns)).ok
    assert _do(api, "create", "serviceaccounts", ns, body={
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "default", "namespace": ns}}).ok


# -- the very next request ------------------------------------------------------------------------


def test_namespace_created_then_immediately_used(api: APIServer) -> None:
    assert _do(api, "create", "configmaps", "fresh", body=_cm("a", "fresh")).code == 404
    assert _do(api, "create", "namespaces", body=_ns("fresh")).ok
    assert _do(api, "create", "configmaps", "fresh", body=_cm("a", "fresh")).ok


def test_namespace_deleted_then_create_refused_at_once(api: APIServer) -> None:
    assert _do(api, "create", "namespaces", body=_ns("doomed")).ok
    assert _do(api, "delete", "namespaces", name="doomed").ok
    resp = _do(api, "create", "configmaps", "doomed", body=_cm("late", "doomed"))
    assert resp.code == 403
    assert resp.body["message"] == ('configmaps "late" is forbidden: unable to create new '
                                    "content in namespace doomed because it is being terminated")


def test_quota_added_then_enforced_on_the_very_next_request(api: APIServer) -> None:
    _with_account(api, "team")
    assert _do(api, "create", "resourcequotas", "team", body=_quota("q", "team", pods="1")).ok
    assert _do(api, "create", "pods", "team", body=_pod("one", "team")).ok
    resp = _do(api, "create", "pods", "team", body=_pod("two", "team"))
    assert resp.code == 403
    assert resp.body["message"] == (
        'pods "two" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, '
        "limited: pods=1")
    # the quota's status was written by the plugin; deleting the quota lifts it at once
    assert _do(api, "delete", "resourcequotas", "team", "q").ok
    assert _do(api, "create", "pods", "team", body=_pod("two", "team")).ok


def test_limit_range_added_then_applied_on_the_very_next_request(api: APIServer) -> None:
    _with_account(api, "team")
    assert _do(api, "create", "limitranges", "team",
               body=_limits("lr", "team", {"memory": "256Mi"})).ok
    created = _do(api, "create", "pods", "team", body=_pod("web", "team")).body
    assert created["spec"]["containers"][0]["resources"] == {
        "limits": {"memory": "256Mi"}, "requests": {"memory": "256Mi"}}
    assert _do(api, "delete", "limitranges", "team", "lr").ok
    created = _do(api, "create", "pods", "team", body=_pod("web2", "team")).body
    assert created["spec"]["containers"][0]["resources"] == {}


# -- the listers give what the store gives -------------------------------------------------------


@pytest.mark.parametrize(("resource", "make"), [
    ("resourcequotas", lambda n, ns: _quota(n, ns, pods="10")),
    ("limitranges", lambda n, ns: _limits(n, ns, {"cpu": "1"})),
    ("configmaps", _cm),  # not cached: the lister falls back to storage
])
def test_cached_list_is_the_store_list(api: APIServer, resource: str, make: Any) -> None:
    for ns in ("a", "b", "b-2"):
        assert _do(api, "create", "namespaces", body=_ns(ns)).ok
    for ns, name in (("a", "z"), ("a", "m"), ("b", "x"), ("b-2", "y"), ("a", "a1")):
        assert _do(api, "create", resource, ns, body=make(name, ns)).ok
    assert _do(api, "delete", resource, "a", "m").ok
    access = InternalAccess(api)
    for ns in ("a", "b", "b-2", "none"):
        cached = access.cached_list("", resource, ns)
        assert cached == access.list("", resource, ns), ns
    assert [o["metadata"]["name"] for o in access.cached_list("", resource, "a")] == ["a1", "z"]


@pytest.mark.parametrize(("namespace", "found"), [
    ("default", True), ("kube-system", True), ("missing", False)])
def test_cached_namespace_is_the_stored_one(api: APIServer, namespace: str, found: bool) -> None:
    access = InternalAccess(api)
    cached = access.cached_get("", "namespaces", "", namespace)
    assert (cached is not None) is found
    assert cached == access.get("", "namespaces", "", namespace)


def test_a_server_without_caches_reads_storage(api: APIServer) -> None:
    assert _do(api, "create", "resourcequotas", "default", body=_quota("q", "default")).ok
    access = InternalAccess(api)
    del api.caches  # type: ignore[attr-defined]
    assert access.cached_list("", "resourcequotas", "default") == \
        access.list("", "resourcequotas", "default")
    assert access.cached_get("", "namespaces", "", "default") == \
        access.get("", "namespaces", "", "default")


def test_lister_helpers_fall_back_to_get_and_list(ctx: FakeContext) -> None:
    ctx.add("", "resourcequotas", _quota("q", "default", pods="1"))
    assert lister_get(ctx, "", "namespaces", "", "default") == \
        ctx.get("", "namespaces", "", "default")
    assert lister_list(ctx, "", "resourcequotas", "default") == \
        ctx.list("", "resourcequotas", "default")


def test_admission_leaves_the_shared_objects_alone(api: APIServer) -> None:
    _with_account(api, "team")
    assert _do(api, "create", "resourcequotas", "team",
               body=_quota("q", "team", pods="5", **{"limits.memory": "1Gi"})).ok
    assert _do(api, "create", "limitranges", "team",
               body=_limits("lr", "team", {"memory": "128Mi"})).ok
    caches: ServerCaches = api.caches  # type: ignore[attr-defined]
    quota = caches.list_namespace("resourcequotas", "team")[0]
    limits = caches.list_namespace("limitranges", "team")[0]
    namespace = caches.get("namespaces", "", "team")
    before = copy.deepcopy((quota, limits, namespace))
    assert _do(api, "create", "pods", "team", body=_pod("web", "team")).ok
    assert (quota, limits, namespace) == before  # the status write made a new object
    now = caches.list_namespace("resourcequotas", "team")[0]
    assert now is not quota and now["status"]["used"] == {"limits.memory": "128Mi", "pods": "1"}
    assert now == InternalAccess(api).get("", "resourcequotas", "team", "q")


def test_caches_index_by_namespace() -> None:
    caches = ServerCaches()
    caches.prime("resourcequotas", [_quota("b", "x"), _quota("a", "x"), _quota("c", "y")])
    assert [q["metadata"]["name"] for q in caches.list_namespace("resourcequotas", "x")] == \
        ["a", "b"]
    got = caches.list_namespace("resourcequotas", "x")
    got.clear()  # a new list each time: the caller's to keep
    assert len(caches.list_namespace("resourcequotas", "x")) == 2
    assert caches.list_namespace("resourcequotas", "z") == []
    assert caches.indexes("limitranges") and not caches.indexes("namespaces")
    assert caches.has("namespaces") and not caches.has("configmaps")


# -- NamespaceLifecycle: live lookup and forceLiveLookupCache -----------------------------------


class StaleLister(FakeContext):
    """A context whose lister lags behind storage by a fixed snapshot."""

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: dict[tuple[str, str, str, str], Obj] = {}
        self.live_reads = 0

    def freeze(self) -> None:
        self.snapshot = copy.deepcopy(self.objects)

    def cached_get(self, group: str, resource: str, namespace: str, name: str) -> Obj | None:
        return self.snapshot.get((group, resource, namespace, name))

    def cached_list(self, group: str, resource: str, namespace: str) -> list[Obj]:
        return [o for k, o in sorted(self.snapshot.items())
                if k[:2] == (group, resource) and k[2] == namespace]

    def get(self, group: str, resource: str, namespace: str, name: str) -> Obj | None:
        self.live_reads += 1
        return super().get(group, resource, namespace, name)


def test_missing_from_the_lister_is_looked_up_live() -> None:
    ctx = StaleLister()
    ctx.freeze()  # the lister has no namespaces yet
    ctx.namespace("new")
    plugin = NamespaceLifecycle()
    plugin.admit(attrs(Operation.CREATE, "configmaps", _cm("a", "new"), namespace="new"), ctx)
    assert ctx.live_reads == 1


@pytest.mark.parametrize(("after", "refused"), [
    (0.0, True),  # deleted here: the stale "Active" is not trusted
    (FORCE_LIVE_LOOKUP_TTL - 0.001, True),
    (FORCE_LIVE_LOOKUP_TTL, False),  # the entry expired: the lister is believed again
])
def test_force_live_lookup_after_a_namespace_delete(after: float, refused: bool) -> None:
    ctx = StaleLister()
    ctx.namespace("doomed")
    ctx.freeze()  # the lister still says Active
    plugin = NamespaceLifecycle()
    delete = attrs(Operation.DELETE, "namespaces", namespace="", name="doomed",
                   old=ctx.get("", "namespaces", "", "doomed"))
    plugin.admit(delete, ctx)
    ctx.namespace("doomed", phase="Terminating")  # what the delete stored
    ctx.clock += after
    ctx.live_reads = 0
    create = attrs(Operation.CREATE, "configmaps", _cm("late", "doomed"), namespace="doomed")
    if refused:
        with pytest.raises(Exception, match="being terminated"):
            plugin.admit(create, ctx)
        assert ctx.live_reads == 1
    else:
        plugin.admit(create, ctx)
        assert ctx.live_reads == 0


def test_force_live_lookup_list_is_bounded() -> None:
    ctx = StaleLister()
    plugin = NamespaceLifecycle()
    for i in range(150):
        plugin.admit(attrs(Operation.DELETE, "namespaces", namespace="", name=f"ns-{i}"), ctx)
    assert len(plugin._force_live_lookup) == 100
    assert "ns-0" not in plugin._force_live_lookup and "ns-149" in plugin._force_live_lookup
