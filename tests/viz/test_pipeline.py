"""One request's pipeline: every stage in order, admission patches, storage, watchers, errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from k8s_internals.api.server import APIServer
from k8s_internals.api.trace import Outcome, TraceStep
from k8s_internals.client.client import ApiError, Client
from k8s_internals.viz import describe_step, pipeline, to_dot

from .helpers import create_pod_trace, trace


def test_create_pod_snapshot(snapshot: Callable[[str, str], None]) -> None:
    snapshot("pipeline_create_pod", to_dot(pipeline(create_pod_trace())))


def test_rejected_request_ends_the_chain(snapshot: Callable[[str, str], None]) -> None:
    t = trace("req-3", "alice", "create", "pods", "web", code=403, start=2.0)
    t.error = 'pods is forbidden: User "alice" cannot create resource "pods"'
    t.steps = [
        TraceStep("request-info", "RequestInfo", Outcome.OK, None, 2.0),
        TraceStep("authentication", "tokenfile", Outcome.OK,
                  {"user": {"username": "alice", "groups": ["developers"]}}, 2.0),
        TraceStep("authorization", "RBAC", Outcome.DENIED, "", 2.0),
    ]
    dot = to_dot(pipeline(t))
    snapshot("pipeline_forbidden", dot)
    assert "step3" not in dot
    assert "HTTP 403 Forbidden" in dot
    assert "watch event" not in dot


def test_describe_step_shows_patch_and_storage() -> None:
    t = create_pod_trace()
    title, lines = describe_step(t.steps[4])
    assert title == "mutating admission: ServiceAccount"
    assert lines == ['add /spec/serviceAccountName = "default"']
    title, lines = describe_step(t.steps[-1])
    assert lines == ["/registry/pods/default/web", "revision 42"]
    _, lines = describe_step(t.steps[1])
    assert lines[0] == "user: kubernetes-admin"


def test_watchers_grouped_and_bounded() -> None:
    dot = to_dot(pipeline(create_pod_trace(), max_watchers=1))
    # the scheduler's two notices are one box; the kubelet's is left out
    assert "kube-scheduler\\nADDED, MODIFIED pods\\nt=1.001" in dot
    assert "kubelet/node-1" not in dot
    assert "+1 more watchers" in dot


def test_a_real_request(api: APIServer, admin: Client, alice: Client) -> None:
    admin.create("pods", {"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": "web", "namespace": "default"},
                          "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}})
    t = api.tracer.query(verb="create", resource="pods")[-1]
    dot = to_dot(pipeline(t))
    for stage in ("request info", "authentication: tokenfile", "authorization",
                  'label="mutating admission"', "ServiceAccount\\l", "validation: Pod",
                  'label="validating admission"', "ResourceQuota\\l",
                  "/registry/pods/default/web",
                  "HTTP 201 Created"):
        assert stage in dot, stage
    assert "[patched]" in dot
    with contextlib.suppress(ApiError):
        alice.create("pods", {"apiVersion": "v1", "kind": "Pod",
                              "metadata": {"name": "x", "namespace": "default"},
                              "spec": {"containers": [{"name": "a", "image": "nginx"}]}})
    denied = api.tracer.query(user="alice", verb="create")[-1]
    dot = to_dot(pipeline(denied))
    assert "[denied]" in dot and "HTTP 403 Forbidden" in dot and "storage" not in dot
