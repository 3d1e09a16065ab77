"""ResourceQuota admission (plugin/pkg/admission/resourcequota/controller.go and the evaluators
of pkg/quota/v1/evaluator/core)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api import errors
from k8s_internals.api.admission.interfaces import AdmissionError, Operation
from k8s_internals.api.admission.resource_quota import ResourceQuota, evaluator_for

from .conftest import FakeContext, attrs, container, pod

PLUGIN = ResourceQuota()


def quota(ctx: FakeContext, name: str, hard: dict[str, str], used: dict[str, str] | None = None,
          *, scopes: list[str] | None = None, scope_selector: list[dict[str, Any]] | None = None,
          synced: bool = True) -> None:
    spec: dict[str, Any] = {"hard": hard}
    if scopes:
        spec["scopes"] = scopes
    if scope_selector:
        spec["scopeSelector"] = {"matchExpressions": scope_selector}
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ResourceQuota",
                           "metadata": {"name": name, "namespace": "default"}, "spec": spec}
    if synced:
        obj["status"] = {"hard": dict(hard),
                         "used": dict(used) if used is not None else {k: "0" for k in hard}}
    ctx.add("", "resourcequotas", obj)


def used(ctx: FakeContext, name: str) -> dict[str, str]:
    rq = ctx.get("", "resourcequotas", "default", name)
    assert rq is not None
    return rq["status"]["used"]


def create(ctx: FakeContext, resource: str, obj: dict[str, Any], group: str = "",
           plugin: ResourceQuota = PLUGIN, **kw: Any) -> None:
    plugin.validate(attrs(Operation.CREATE, resource, obj, group=group, **kw), ctx)


# -- pods ------------------------------------------------------------------------------------------


def test_exceeded_quota_message(ctx: FakeContext) -> None:
    quota(ctx, "compute-resources", {"limits.cpu": "2", "pods": "2"},
          {"limits.cpu": "1", "pods": "2"})
    p = pod("web", container("app", requests={"cpu": "1"}, limits={"cpu": "2"}))
    with pytest.raises(AdmissionError) as exc:
        create(ctx, "pods", p)
    assert exc.value.message == (
        "exceeded quota: compute-resources, requested: limits.cpu=2,pods=1, "
        "used: limits.cpu=1,pods=2, limited: limits.cpu=2,pods=2")
    assert ctx.status_writes == []


def test_only_exceeded_resources_are_listed(ctx: FakeContext) -> None:
    quota(ctx, "q", {"requests.memory": "1Gi", "pods": "10"},
          {"requests.memory": "768Mi", "pods": "3"})
    p = pod("web", container("app", requests={"memory": "512Mi"}))
    with pytest.raises(AdmissionError) as exc:
        create(ctx, "pods", p)
    assert exc.value.message == ("exceeded quota: q, requested: requests.memory=512Mi, "
                                 "used: requests.memory=768Mi, limited: requests.memory=1Gi")


def test_must_specify_message(ctx: FakeContext) -> None:
    quota(ctx, "compute-resources", {"requests.cpu": "4", "limits.memory": "8Gi", "pods": "10"})
    p = pod("web", container("app", requests={"memory": "1Gi"}),
            container("sidecar", requests={"cpu": "100m"}, limits={"memory": "64Mi"}),
            initContainers=[container("init")])
    with pytest.raises(AdmissionError) as exc:
        create(ctx, "pods", p)
    assert exc.value.message == (
        "failed quota: compute-resources: must specify limits.memory for: app,init; "
        "requests.cpu for: app,init")


def test_admitted_pod_is_charged(ctx: FakeContext) -> None:
    quota(ctx, "compute-resources",
          {"pods": "4", "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2",
           "limits.memory": "2Gi"},
          {"pods": "1", "requests.cpu": "500m", "requests.memory": "512Mi", "limits.cpu": "1",
           "limits.memory": "1Gi"})
    p = pod("web", container("app", requests={"cpu": "250m", "memory": "256Mi"},
                             limits={"cpu": "500m", "memory": "512Mi"}),
            container("log", requests={"cpu": "250m", "memory": "256Mi"},
                      limits={"cpu": "500m", "memory": "512Mi"}))
    create(ctx, "pods", p)
    assert used(ctx, "compute-resources") == {
        "limits.cpu": "2", "limits.memory": "2Gi", "pods": "2", "requests.cpu": "1",
        "requests.memory": "1Gi"}
    assert len(ctx.status_writes) == 1


def test_pod_usage_counts_init_containers_and_overhead() -> None:
    p = pod("web", container("app", requests={"cpu": "500m"}, limits={"cpu": "1"}),
            initContainers=[container("init", requests={"cpu": "2"}, limits={"cpu": "2"})],
            overhead={"cpu": "100m"})
    usage = evaluator_for("", "pods").usage(p)
    assert {k: str(v) for k, v in usage.items()} == {
        "count/pods": "1", "pods": "1", "cpu": "2100m", "requests.cpu": "2100m",
        "limits.cpu": "2100m"}


def test_finished_pods_only_count_objects() -> None:
    p = pod("web", container("app", requests={"cpu": "1"}))
    p["status"] = {"phase": "Succeeded"}
    assert {k: str(v) for k, v in evaluator_for("", "pods").usage(p).items()} == {
        "count/pods": "1"}


def test_quota_on_other_resources_does_not_constrain_pods(ctx: FakeContext) -> None:
    quota(ctx, "objects", {"configmaps": "10"})
    create(ctx, "pods", pod())
    assert ctx.status_writes == []


def test_pod_updates_are_not_charged(ctx: FakeContext) -> None:
    quota(ctx, "q", {"pods": "1"}, {"pods": "1"})
    PLUGIN.validate(attrs(Operation.UPDATE, "pods", pod(), old=pod()), ctx)


# -- scopes ---------------------------------------------------------------------------------------


def test_best_effort_scope(ctx: FakeContext) -> None:
    quota(ctx, "besteffort", {"pods": "1"}, {"pods": "1"}, scopes=["BestEffort"])
    create(ctx, "pods", pod("burstable", container("app", requests={"cpu": "100m"})))
    with pytest.raises(AdmissionError) as exc:
        create(ctx, "pods", pod("be"))
    assert exc.value.message == ("exceeded quota: besteffort, requested: pods=1, used: pods=1, "
                                 "limited: pods=1")


def test_priority_class_scope_selector(ctx: FakeContext) -> None:
    quota(ctx, "high", {"pods": "0"}, scope_selector=[
        {"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}])
    create(ctx, "pods", pod("normal"))
    with pytest.raises(AdmissionError):
        create(ctx, "pods", pod("vip", priorityClassName="high"))


def test_terminating_scope(ctx: FakeContext) -> None:
    quota(ctx, "jobs", {"pods": "0"}, scopes=["Terminating"])
    create(ctx, "pods", pod("svc"))
    with pytest.raises(AdmissionError):
        create(ctx, "pods", pod("job", activeDeadlineSeconds=60))


def test_scoped_quota_never_matches_other_kinds(ctx: FakeContext) -> None:
    quota(ctx, "scoped", {"count/configmaps": "0"}, scopes=["BestEffort"])
    create(ctx, "configmaps", {"metadata": {"name": "c", "namespace": "default"}})


# -- other kinds ----------------------------------------------------------------------------------


def test_services_count_node_ports(ctx: FakeContext) -> None:
    quota(ctx, "svc", {"services": "5", "services.nodeports": "1"})
    svc = {"metadata": {"name": "web", "namespace": "default"},
           "spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 443}]}}
    with pytest.raises(AdmissionError) as exc:
        create(ctx, "services", svc)
    assert exc.value.message == ("exceeded quota: svc, requested: services.nodeports=2, used: "
                                 "services.nodeports=0, limited: services.nodeports=1")


def test_service_update_is_charged_the_delta(ctx: FakeContext) -> None:
    quota(ctx, "svc", {"services": "5", "services.loadbalancers": "1"},
          {"services": "1", "services.loadbalancers": "0"})
    old = {"metadata": {"name": "web", "namespace": "default", "resourceVersion": "7"},
           "spec": {"type": "ClusterIP", "ports": [{"port": 80}]}}
    new = {"metadata": {"name": "web", "namespace": "default", "resourceVersion": "7"},
           "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}
    PLUGIN.validate(attrs(Operation.UPDATE, "services", new, old=old), ctx)
    assert used(ctx, "svc") == {"services": "1", "services.loadbalancers": "1"}


def test_pvc_storage_and_storage_class(ctx: FakeContext) -> None:
    quota(ctx, "storage", {"requests.storage": "10Gi", "persistentvolumeclaims": "5",
                           "gold.storageclass.storage.k8s.io/requests.storage": "1Gi"})
    claim = {"metadata": {"name": "data", "namespace": "default"},
             "spec": {"storageClassName": "gold", "resources": {"requests": {"storage": "2Gi"}}}}
    with pytest.raises(AdmissionError) as exc:
        create(ctx, "persistentvolumeclaims", claim)
    assert exc.value.message == (
        "exceeded quota: storage, requested: gold.storageclass.storage.k8s.io/requests.storage="
        "2Gi, used: gold.storageclass.storage.k8s.io/requests.storage=0, limited: "
        "gold.storageclass.storage.k8s.io/requests.storage=1Gi")
    claim["spec"]["storageClassName"] = "silver"
    create(ctx, "persistentvolumeclaims", claim)
    assert used(ctx, "storage") == {
        "gold.storageclass.storage.k8s.io/requests.storage": "0",
        "persistentvolumeclaims": "1", "requests.storage": "2Gi"}


@pytest.mark.parametrize(("group", "resource", "hard_name"), [
    ("", "configmaps", "configmaps"),
    ("", "configmaps", "count/configmaps"),
    ("", "secrets", "secrets"),
    ("", "replicationcontrollers", "replicationcontrollers"),
    ("", "resourcequotas", "resourcequotas"),
    ("apps", "deployments", "count/deployments.apps"),
])
def test_object_counts(ctx: FakeContext, group: str, resource: str, hard_name: str) -> None:
    quota(ctx, "objects", {hard_name: "1"}, {hard_name: "1"})
    obj = {"metadata": {"name": "x", "namespace": "default"}}
    with pytest.raises(AdmissionError) as exc:
        create(ctx, resource, obj, group=group)
    assert exc.value.message == (f"exceeded quota: objects, requested: {hard_name}=1, used: "
                                 f"{hard_name}=1, limited: {hard_name}=1")


@pytest.mark.parametrize(("op", "resource", "namespace", "subresource"), [
    (Operation.CREATE, "events", "default", ""),             # ignored resource
    (Operation.CREATE, "namespaces", "", ""),                # cluster-scoped
    (Operation.UPDATE, "configmaps", "default", ""),         # counts only change on create
    (Operation.UPDATE, "pods", "default", "status"),         # subresources
])
def test_not_metered(ctx: FakeContext, op: Operation, resource: str, namespace: str,
                     subresource: str) -> None:
    quota(ctx, "objects", {"count/events": "0", "configmaps": "0", "pods": "0"})
    obj = {"metadata": {"name": "x", "namespace": namespace}}
    PLUGIN.validate(attrs(op, resource, obj, namespace=namespace, old=obj,
                          subresource=subresource), ctx)


# -- status, retries, dry run ---------------------------------------------------------------------


def test_several_quotas_are_all_charged(ctx: FakeContext) -> None:
    quota(ctx, "a", {"pods": "10"})
    quota(ctx, "b", {"count/pods": "10", "requests.cpu": "2"})
    create(ctx, "pods", pod("web", container("app", requests={"cpu": "500m"})))
    assert used(ctx, "a") == {"pods": "1"}
    assert used(ctx, "b") == {"count/pods": "1", "requests.cpu": "500m"}


def test_conflict_is_retried(ctx: FakeContext) -> None:
    quota(ctx, "q", {"pods": "10"}, {"pods": "3"})
    ctx.conflicts = 1
    create(ctx, "pods", pod())
    assert used(ctx, "q") == {"pods": "4"}


def test_conflicts_give_up_after_three_retries(ctx: FakeContext) -> None:
    quota(ctx, "q", {"pods": "10"}, {"pods": "3"})
    ctx.conflicts = 4
    with pytest.raises(errors.StatusError) as exc:
        create(ctx, "pods", pod())
    assert exc.value.code == 409
    assert exc.value.message == (
        'Operation cannot be fulfilled on resourcequotas "q": the object has been modified; '
        "please apply your changes to the latest version and try again")
    ctx.conflicts = 3
    create(ctx, "pods", pod())
    assert used(ctx, "q") == {"pods": "4"}


def test_dry_run_checks_but_does_not_charge(ctx: FakeContext) -> None:
    quota(ctx, "q", {"pods": "1"}, {"pods": "0"})
    create(ctx, "pods", pod(), dry_run=True)
    assert used(ctx, "q") == {"pods": "0"}
    quota(ctx, "full", {"pods": "1"}, {"pods": "1"})
    with pytest.raises(AdmissionError):
        create(ctx, "pods", pod(), dry_run=True)


def test_unsynced_quota_reads_spec_and_writes_status(ctx: FakeContext) -> None:
    quota(ctx, "fresh", {"pods": "1", "requests.cpu": "1"}, synced=False)
    create(ctx, "pods", pod("web", container("app", requests={"cpu": "200m"})))
    rq = ctx.get("", "resourcequotas", "default", "fresh")
    assert rq is not None
    assert rq["status"] == {"hard": {"pods": "1", "requests.cpu": "1"},
                            "used": {"pods": "1", "requests.cpu": "200m"}}
    with pytest.raises(AdmissionError) as exc:
        create(ctx, "pods", pod("two", container("app", requests={"cpu": "200m"})))
    assert exc.value.message == ("exceeded quota: fresh, requested: pods=1, used: pods=1, "
                                 "limited: pods=1")


def test_strict_status_is_upstream_status_unknown(ctx: FakeContext) -> None:
    strict = ResourceQuota(strict_status=True)
    quota(ctx, "fresh", {"pods": "1"}, synced=False)
    create(ctx, "pods", pod(), plugin=strict)  # no status.hard: matches nothing
    ctx.objects[("", "resourcequotas", "default", "fresh")]["status"] = {
        "hard": {"pods": "1", "requests.cpu": "1"}, "used": {"pods": "0"}}
    with pytest.raises(AdmissionError) as exc:
        create(ctx, "pods", pod("web", container("app", requests={"cpu": "1"})), plugin=strict)
    assert exc.value.message == "status unknown for quota: fresh, resources: pods,requests.cpu"


def test_handles_and_name() -> None:
    assert PLUGIN.name == "ResourceQuota"
    assert PLUGIN.handles(Operation.CREATE) and PLUGIN.handles(Operation.UPDATE)
    assert not PLUGIN.handles(Operation.DELETE)
