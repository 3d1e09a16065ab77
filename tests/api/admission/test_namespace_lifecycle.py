"""NamespaceLifecycle: messages and exemptions of upstream's lifecycle/admission.go."""

from __future__ import annotations

import pytest

from k8s_internals.api import errors
from k8s_internals.api.admission.interfaces import Operation
from k8s_internals.api.admission.namespace_lifecycle import NamespaceLifecycle

from .conftest import FakeContext, attrs, pod

PLUGIN = NamespaceLifecycle()


def cm(name: str = "cfg", namespace: str = "default") -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace}}


@pytest.mark.parametrize("ns", ["default", "kube-system", "kube-public"])
def test_immortal_namespaces_may_not_be_deleted(ctx: FakeContext, ns: str) -> None:
    ctx.namespace(ns)
    with pytest.raises(errors.StatusError) as exc:
        PLUGIN.admit(attrs(Operation.DELETE, "namespaces", None, namespace="", name=ns,
                           old=ctx.get("", "namespaces", "", ns)), ctx)
    assert exc.value.code == 403
    assert exc.value.reason == "Forbidden"
    assert exc.value.message == f'namespaces "{ns}" is forbidden: this namespace may not be deleted'


def test_other_namespaces_may_be_deleted(ctx: FakeContext) -> None:
    ctx.namespace("team-a")
    PLUGIN.admit(attrs(Operation.DELETE, "namespaces", None, namespace="", name="team-a"), ctx)


def test_create_in_missing_namespace_is_not_found(ctx: FakeContext) -> None:
    with pytest.raises(errors.StatusError) as exc:
        PLUGIN.admit(attrs(Operation.CREATE, "pods", pod(namespace="nope"), namespace="nope"),
                     ctx)
    assert exc.value.code == 404
    assert exc.value.message == 'namespaces "nope" not found'


def test_update_in_missing_namespace_is_not_found(ctx: FakeContext) -> None:
    p = pod(namespace="gone")
    with pytest.raises(errors.StatusError) as exc:
        PLUGIN.admit(attrs(Operation.UPDATE, "pods", p, namespace="gone", old=p), ctx)
    assert exc.value.code == 404


def test_create_in_terminating_namespace_is_forbidden(ctx: FakeContext) -> None:
    ctx.namespace("doomed", phase="Terminating")
    with pytest.raises(errors.StatusError) as exc:
        PLUGIN.admit(attrs(Operation.CREATE, "configmaps", cm("late", "doomed"),
                           namespace="doomed"), ctx)
    assert exc.value.code == 403
    assert exc.value.message == ('configmaps "late" is forbidden: unable to create new content '
                                 "in namespace doomed because it is being terminated")
    assert exc.value.status["details"]["causes"] == [{
        "reason": "NamespaceTerminating", "message": "namespace doomed is being terminated",
        "field": "metadata.namespace"}]


def test_generate_name_is_the_name_before_one_exists(ctx: FakeContext) -> None:
    ctx.namespace("doomed", phase="Terminating")
    obj = {"metadata": {"generateName": "web-", "namespace": "doomed"}, "spec": {}}
    with pytest.raises(errors.StatusError) as exc:
        PLUGIN.admit(attrs(Operation.CREATE, "pods", obj, namespace="doomed"), ctx)
    assert exc.value.message.startswith('pods "web-" is forbidden: unable to create')


@pytest.mark.parametrize("op", [Operation.UPDATE, Operation.DELETE])
def test_updates_and_deletes_in_terminating_namespace_pass(ctx: FakeContext,
                                                           op: Operation) -> None:
    ctx.namespace("doomed", phase="Terminating")
    obj = cm("x", "doomed")
    PLUGIN.admit(attrs(op, "configmaps", None if op is Operation.DELETE else obj,
                       namespace="doomed", old=obj), ctx)


@pytest.mark.parametrize(("op", "resource", "group", "namespace"), [
    (Operation.CREATE, "namespaces", "", ""),                 # namespaces themselves
    (Operation.CREATE, "nodes", "", ""),                      # cluster-scoped
    (Operation.DELETE, "configmaps", "", "nope"),             # deletes always pass
    (Operation.CREATE, "localsubjectaccessreviews", "authorization.k8s.io", "nope"),
])
def test_exemptions(ctx: FakeContext, op: Operation, resource: str, group: str,
                    namespace: str) -> None:
    obj = None if op is Operation.DELETE else {"metadata": {"name": "x"}}
    PLUGIN.admit(attrs(op, resource, obj, group=group, namespace=namespace, name="x"), ctx)


def test_events_are_not_exempt(ctx: FakeContext) -> None:
    ctx.namespace("doomed", phase="Terminating")
    ev = {"metadata": {"name": "e1", "namespace": "doomed"}}
    with pytest.raises(errors.StatusError):
        PLUGIN.admit(attrs(Operation.CREATE, "events", ev, namespace="doomed"), ctx)


def test_active_namespace_admits(ctx: FakeContext) -> None:
    PLUGIN.admit(attrs(Operation.CREATE, "pods", pod()), ctx)


def test_handles_and_name() -> None:
    assert PLUGIN.name == "NamespaceLifecycle"
    assert all(PLUGIN.handles(op) for op in (Operation.CREATE, Operation.UPDATE,
                                             Operation.DELETE))
    assert not PLUGIN.handles(Operation.CONNECT)
