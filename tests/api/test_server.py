"""The API server end to end, on both store backends: storage keys and values, the Status
errors with upstream's texts, optimistic concurrency, selectors and paging, patches, deletion,
and the trace of every request."""

from __future__ import annotations

import json

import pytest

from k8s_internals.api.admission.interfaces import FunctionPlugin, Operation
from k8s_internals.api.request import Request
from k8s_internals.api.server import APIServer
from k8s_internals.api.trace import Outcome
from k8s_internals.client.client import ApiError, Client
from k8s_internals.client.transport import InProcessTransport
from k8s_internals.sim import Kernel

from .conftest import pod


def test_create_stores_json_under_registry_and_sets_server_fields(
        api: APIServer, admin: Client) -> None:
    created = admin.create("pods", pod())
    meta = created["metadata"]
    kv = api.store.get(b"/registry/pods/default/web")
    assert kv is not None
    assert meta["resourceVersion"] == str(kv.mod_revision)
    stored = json.loads(kv.value)
    # kind first, as upstream's JSON serializer writes it; no resourceVersion in etcd
    assert list(stored)[:3] == ["kind", "apiVersion", "metadata"]
    assert "resourceVersion" not in stored["metadata"]
    assert stored["metadata"]["uid"] == meta["uid"]
    assert meta["creationTimestamp"] == "2025-01-01T00:00:00Z"
    assert created["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    # defaults applied as upstream
    assert created["spec"]["restartPolicy"] == "Always"
    assert created["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert admin.get("pods", "web", "default")["metadata"]["uid"] == meta["uid"]


@pytest.mark.parametrize(("resource", "obj", "key"), [
    ("nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}},
     "/registry/minions/node-1"),
    ("services", {"apiVersion": "v1", "kind": "Service",
                  "metadata": {"name": "kubia", "namespace": "default"},
                  "spec": {"ports": [{"port": 80}], "selector": {"app": "kubia"}}},
     "/registry/services/specs/default/kubia"),
    ("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "1"}},
     "/registry/configmaps/default/cfg"),
])
def test_storage_keys_follow_upstreams_layout(api: APIServer, admin: Client, resource: str,
                                              obj: dict, key: str) -> None:
    admin.create(resource, obj)
    assert api.store.get(key.encode()) is not None


def test_already_exists_and_not_found_texts(admin: Client) -> None:
    admin.create("pods", pod())
    with pytest.raises(ApiError) as e:
        admin.create("pods", pod())
    assert (e.value.code, e.value.reason, e.value.message) == (
        409, "AlreadyExists", 'pods "web" already exists')
    with pytest.raises(ApiError) as e:
        admin.get("deployments", "nope", "default")
    assert (e.value.code, e.value.message) == (404, 'deployments.apps "nope" not found')
    assert e.value.status["details"] == {"name": "nope", "group": "apps",
                                         "kind": "deployments"}


def test_two_writers_one_wins_the_other_gets_409(api: APIServer, admin: Client) -> None:
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "c", "namespace": "default"},
                                "data": {"v": "0"}})
    a = admin.get("configmaps", "c", "default")
    b = admin.get("configmaps", "c", "default")
    a["data"]["v"] = "a"
    b["data"]["v"] = "b"
    admin.update("configmaps", a)
    rev = api.store.revision
    with pytest.raises(ApiError) as e:
        admin.update("configmaps", b)
    assert e.value.code == 409
    assert e.value.message == (
        'Operation cannot be fulfilled on configmaps "c": the object has been modified; '
        "please apply your changes to the latest version and try again")
    assert api.store.revision == rev  # the loser wrote nothing
    assert admin.get("configmaps", "c", "default")["data"] == {"v": "a"}


def test_validation_answers_422_with_causes(api: APIServer, admin: Client) -> None:
    rev = api.store.revision
    with pytest.raises(ApiError) as e:
        admin.create("pods", pod("Foo_Bar"))
    assert e.value.code == 422
    assert e.value.message.startswith(
        'Pod "Foo_Bar" is invalid: metadata.name: Invalid value: "Foo_Bar": a lowercase RFC '
        "1123 subdomain must consist of lower case alphanumeric characters")
    cause = e.value.status["details"]["causes"][0]
    assert (cause["reason"], cause["field"]) == ("FieldValueInvalid", "metadata.name")
    assert api.store.revision == rev


def test_unauthenticated_is_401_and_rbac_denial_is_403(api: APIServer, alice: Client) -> None:
    bad = Client(InProcessTransport(api), "no-such-token")
    with pytest.raises(ApiError) as e:
        bad.list("pods", "default")
    assert (e.value.code, e.value.message, e.value.reason) == (401, "Unauthorized",
                                                                "Unauthorized")
    with pytest.raises(ApiError) as e:
        alice.create("pods", pod())
    assert e.value.code == 403
    assert e.value.message == ('pods is forbidden: User "alice" cannot create resource "pods" '
                               'in API group "" in the namespace "default"')


def test_anonymous_gets_only_what_rbac_grants(api: APIServer) -> None:
    anon = Client(InProcessTransport(api), None)
    with pytest.raises(ApiError) as e:
        anon.list("pods", "default")
    assert e.value.code == 403
    assert 'User "system:anonymous" cannot list resource "pods"' in e.value.message


def test_a_role_that_allows_one_verb(admin: Client, alice: Client) -> None:
    admin.create("roles", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                           "metadata": {"name": "pod-reader", "namespace": "default"},
                           "rules": [{"apiGroups": [""], "resources": ["pods"],
                                      "verbs": ["list"]}]})
    admin.create("rolebindings", {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "alice-reads", "namespace": "default"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                    "name": "pod-reader"},
        "subjects": [{"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"}]})
    assert alice.list("pods", "default")["items"] == []
    assert alice.can_i("list", "pods", "default")
    assert not alice.can_i("get", "pods", "default", "web")
    with pytest.raises(ApiError):
        alice.list("pods", "kube-system")


def _raw(api: APIServer, body: object, content_type: str = "application/json",
         resource: str = "pods") -> tuple[int, dict]:
    req = Request(verb="create", resource=resource, namespace="default", body=body,
                  content_type=content_type, headers={"Authorization": "Bearer admin-token"})
    resp = api.handle(req)
    return resp.code, resp.body


@pytest.mark.parametrize(("body", "ctype", "code", "message"), [
    (b"{not json", "application/json", 400, "couldn't get version/kind; json parse error"),
    (b'{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}}', "application/json", 400,
     "the object provided is unrecognized (must be of type Pod)"),
    (b'{"apiVersion":"apps/v1","kind":"Pod","metadata":{"name":"x"}}', "application/json", 400,
     "the API version in the data (apps/v1) does not match the expected API version (v1)"),
    (b'{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","namespace":"other"}}',
     "application/json", 400, "the namespace of the provided object does not match"),
    (b"x" * (1572864 + 1), "application/json", 413,
     "Request entity too large: limit is 1572864"),
])
def test_bad_input_gets_a_clear_error_and_writes_nothing(
        api: APIServer, body: bytes, ctype: str, code: int, message: str) -> None:
    rev = api.store.revision
    got_code, status = _raw(api, body, ctype)
    assert got_code == code
    assert message in status["message"]
    assert api.store.revision == rev


def test_yaml_alias_bomb_is_refused_fast(api: APIServer) -> None:
    # the CVE-2019-11253 payload ("billion laughs" in YAML)
    bomb = "\n".join(
        ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: bomb", "data:",
         '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        + [f"  {c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]"
           for p, c in zip("abcdefgh", "bcdefghi", strict=True)])
    rev = api.store.revision
    code, status = _raw(api, bomb.encode(), "application/yaml", "configmaps")
    assert (code, status["message"]) == (400, "yaml: document contains excessive aliasing")
    assert api.store.revision == rev


def test_unknown_resource_is_404(api: APIServer) -> None:
    resp = api.handle(Request(verb="list", resource="frobs", group="example.com",
                              headers={"Authorization": "Bearer admin-token"}))
    assert resp.code == 404
    assert resp.body["message"] == "the server could not find the requested resource"


def test_generate_name_uses_five_characters_of_upstreams_alphabet() -> None:
    def names(seed: int) -> list[str]:
        from k8s_internals.api.assemble import APIServerConfig, new_api_server
        from tests.conftest import TOKENS

        s = new_api_server(Kernel(seed), "memory://", APIServerConfig(tokens=list(TOKENS)))
        c = Client(InProcessTransport(s), "admin-token")
        out = []
        for _ in range(3):
            cm = c.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
                "generateName": "kubia-", "namespace": "default"}})
            out.append(cm["metadata"]["name"])
        return out

    first = names(0)
    assert first == names(0)  # same seed, same names
    for n in first:
        assert n.startswith("kubia-") and len(n) == 11
        assert set(n[6:]) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_list_selectors_and_paging(admin: Client) -> None:
    for i in range(7):
        admin.create("pods", pod(f"p{i}", app="a" if i % 2 else "b", tier="web"))
    assert [p["metadata"]["name"] for p in admin.list(
        "pods", "default", label_selector="app=a")["items"]] == ["p1", "p3", "p5"]
    assert len(admin.list("pods", "default", label_selector="app in (a,b),tier")["items"]) == 7
    assert [p["metadata"]["name"] for p in admin.list(
        "pods", "default", field_selector="metadata.name=p4")["items"]] == ["p4"]
    page = admin.list("pods", "default", limit=3)
    assert [p["metadata"]["name"] for p in page["items"]] == ["p0", "p1", "p2"]
    assert page["metadata"]["remainingItemCount"] == 4
    names = [p["metadata"]["name"] for p in page["items"]]
    while page["metadata"].get("continue"):
        page = admin.list("pods", "default", limit=3,
                          continue_token=page["metadata"]["continue"])
        names += [p["metadata"]["name"] for p in page["items"]]
    assert names == [f"p{i}" for i in range(7)]
    with pytest.raises(ApiError) as e:
        admin.list("pods", "default", field_selector="spec.foo=bar")
    assert (e.value.code, e.value.message) == (400, "field label not supported: spec.foo")
    with pytest.raises(ApiError) as e:
        admin.list("pods", "default", label_selector="a in (")
    assert e.value.code == 400


def test_patches_merge_json_and_strategic(admin: Client) -> None:
    base = pod()
    base["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})
    admin.create("pods", base)
    admin.patch("pods", "web", {"metadata": {"labels": {"x": "1"}}}, "default")
    admin.patch("pods", "web", [{"op": "add", "path": "/metadata/annotations",
                                 "value": {"a": "b"}}], "default", patch_type="json")
    out = admin.patch("pods", "web", {"spec": {"containers": [
        {"name": "sidecar", "image": "busybox:1.36"}]}}, "default", patch_type="strategic")
    assert out["metadata"]["labels"] == {"x": "1"}
    assert out["metadata"]["annotations"] == {"a": "b"}
    # strategic merge: containers merged by name, the other container kept
    assert [(c["name"], c["image"]) for c in out["spec"]["containers"]] == [
        ("app", "nginx:1.27"), ("sidecar", "busybox:1.36")]


def test_graceful_pod_deletion_and_immediate_deletion(api: APIServer, admin: Client) -> None:
    admin.create("pods", pod("unscheduled"))
    admin.delete("pods", "unscheduled", "default")
    with pytest.raises(ApiError):
        admin.get("pods", "unscheduled", "default")
    bound = pod("bound")
    bound["spec"]["nodeName"] = "node-1"
    admin.create("pods", bound)
    out = admin.delete("pods", "bound", "default")
    assert out["metadata"]["deletionGracePeriodSeconds"] == 30
    assert out["metadata"]["deletionTimestamp"] == "2025-01-01T00:00:30Z"
    # the kubelet confirms with grace period 0: then it is gone
    admin.delete("pods", "bound", "default", grace_period_seconds=0)
    with pytest.raises(ApiError) as e:
        admin.get("pods", "bound", "default")
    assert e.value.code == 404


def test_foreground_deletion_adds_the_finalizer_and_removal_finishes_it(
        admin: Client) -> None:
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "c", "namespace": "default"}})
    out = admin.delete("configmaps", "c", "default", propagation_policy="Foreground")
    assert out["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert out["metadata"]["deletionTimestamp"]
    admin.patch("configmaps", "c", {"metadata": {"finalizers": None}}, "default")
    with pytest.raises(ApiError) as e:
        admin.get("configmaps", "c", "default")
    assert e.value.code == 404


def test_empty_metadata_collections_vanish_as_go_omitempty_drops_them(admin: Client) -> None:
    """A strategic-merge patch that removes the last finalizer leaves ``finalizers: []``; the Go
    API server's round trip through ObjectMeta (``omitempty``) drops it, in the reply and in
    etcd — and ``labels: {}`` on create likewise."""
    out = admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                      "metadata": {"name": "c", "namespace": "default",
                                                   "labels": {}, "finalizers": ["x/y"]}})
    assert "labels" not in out["metadata"]
    patched = admin.patch("configmaps", "c",
                          {"metadata": {"$deleteFromPrimitiveList/finalizers": ["x/y"]}},
                          "default", patch_type="strategic")
    assert "finalizers" not in patched["metadata"]
    assert "finalizers" not in admin.get("configmaps", "c", "default")["metadata"]


def test_the_seed_articles_limitrange_example(api: APIServer, admin: Client) -> None:
    admin.create("limitranges", {"apiVersion": "v1", "kind": "LimitRange",
                                 "metadata": {"name": "mem-limit-range", "namespace": "default"},
                                 "spec": {"limits": [{"default": {"memory": "512Mi"},
                                                      "type": "Container"}]}})
    out = admin.create("pods", pod())
    res = out["spec"]["containers"][0]["resources"]
    assert res["limits"] == {"memory": "512Mi"}
    assert res["requests"] == {"memory": "512Mi"}
    trace = api.tracer.get(next(t.id for t in reversed(list(api.tracer))
                                if t.verb == "create" and t.resource == "pods"))
    assert trace is not None
    step = next(s for s in trace.steps if s.plugin == "LimitRanger"
                and s.step == "mutating-admission")
    assert step.outcome is Outcome.PATCHED
    paths = {op["path"] for op in step.detail}
    assert "/spec/containers/0/resources/limits" in paths or any(
        p.startswith("/spec/containers/0/resources") for p in paths)


def test_a_learners_function_plugin_runs_in_the_chain(api: APIServer, admin: Client) -> None:
    def add_team_label(a):  # type: ignore[no-untyped-def]
        if a.kind == "Pod":
            a.obj["metadata"].setdefault("labels", {})["team"] = "blue"

    api.add_admission(FunctionPlugin(add_team_label, operations=(Operation.CREATE,)))

    def no_latest(a):  # type: ignore[no-untyped-def]
        for c in a.obj.get("spec", {}).get("containers", []):
            if c["image"].endswith(":latest"):
                return "images must be pinned"
        return None

    api.add_admission(FunctionPlugin(no_latest, mutating=False))
    assert admin.create("pods", pod())["metadata"]["labels"]["team"] == "blue"
    with pytest.raises(ApiError) as e:
        admin.create("pods", pod("x", image="nginx:latest"))
    assert (e.value.code, e.value.message) == (
        403, 'pods "x" is forbidden: images must be pinned')


def test_every_request_leaves_a_trace_with_its_steps_in_chain_order(
        api: APIServer, admin: Client) -> None:
    admin.create("pods", pod())
    t = [t for t in api.tracer if t.verb == "create" and t.resource == "pods"][-1]
    order = [s.step for s in t.steps]
    chain = ["request-info", "authentication", "authorization", "decode",
             "mutating-admission", "validation", "validating-admission", "storage"]
    assert [s for s in chain if s in order] == chain
    assert order.index("storage") == len(order) - 1
    assert t.writes[0].key == "/registry/pods/default/web"
    assert t.user == "kubernetes-admin" and t.code == 201


def test_strict_field_validation_refuses_unknown_fields_and_warn_reports_them(
        api: APIServer) -> None:
    body = (b'{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},'
            b'"spec":{"foo":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":'
            b'{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x","imagee":1}]}}}}')
    rev = api.store.revision

    def post(mode: str) -> tuple[int, dict, list[str]]:
        resp = api.handle(Request(verb="create", resource="deployments", group="apps",
                                  namespace="default", body=body,
                                  params={"fieldValidation": mode} if mode else {},
                                  headers={"Authorization": "Bearer admin-token"}))
        return resp.code, resp.body, resp.warnings

    code, status, _ = post("Strict")
    assert code == 400
    assert status["message"] == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'unknown field "spec.foo", unknown field "spec.template.spec.containers[0].imagee"')
    assert api.store.revision == rev
    code, _, warnings = post("")  # Warn is the default: created, with warnings
    assert code == 201
    assert warnings == ['unknown field "spec.foo"',
                        'unknown field "spec.template.spec.containers[0].imagee"']


def test_componentstatuses_are_computed_from_probes_and_the_store(
        api: APIServer, admin: Client) -> None:
    api.component_status_provider.register("scheduler", lambda: True)
    out = admin.list("componentstatuses")
    by_name = {c["metadata"]["name"]: c["conditions"][0] for c in out["items"]}
    assert by_name["scheduler"] == {"type": "Healthy", "status": "True", "message": "ok"}
    assert by_name["etcd-0"] == {"type": "Healthy", "status": "True",
                                 "message": '{"health":"true"}'}
    assert by_name["controller-manager"]["status"] == "False"
    assert by_name["controller-manager"]["error"] == (
        'Get "https://127.0.0.1:10257/healthz": dial tcp 127.0.0.1:10257: connect: '
        "connection refused")
    assert admin.get("componentstatuses", "etcd-0")["metadata"]["name"] == "etcd-0"
    with pytest.raises(ApiError):
        admin.create("componentstatuses", {"apiVersion": "v1", "kind": "ComponentStatus",
                                           "metadata": {"name": "x"}})


def test_etcdctl_through_the_api_server_sees_the_registry(api: APIServer,
                                                          admin: Client) -> None:
    admin.create("pods", pod())
    keys = api.etcdctl("get /registry/pods --prefix --keys-only").split()
    assert "/registry/pods/default/web" in keys
