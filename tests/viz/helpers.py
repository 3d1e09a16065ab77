"""Hand-made traces and objects for the diagram tests (stable ids, fixed times)."""

from __future__ import annotations

from typing import Any

from k8s_internals.api.trace import Outcome, StoreWrite, Trace, TraceStep, WatchNotice


def trace(tid: str, user: str, verb: str, resource: str, name: str = "", *,
          parent: str | None = None, start: float = 0.0, code: int = 201,
          namespace: str = "default", subresource: str = "",
          writes: list[tuple[str, int]] | None = None,
          notified: list[tuple[str, str, float]] | None = None) -> Trace:
    """A trace as the API server records one (no steps unless added)."""
    t = Trace(tid, parent, user, verb, resource=resource, subresource=subresource,
              namespace=namespace, name=name, start=start, end=start, code=code)
    for key, rev in writes or []:
        t.writes.append(StoreWrite(key, rev, "PUT", tid))
    for watcher, etype, at in notified or []:
        key = (t.writes[0].key if t.writes else f"/registry/{resource}/{namespace}/{name}")
        rev = t.writes[0].revision if t.writes else 0
        t.notified.append(WatchNotice(watcher, etype, resource, key, rev, tid, at))
    return t


def create_pod_trace() -> Trace:
    """``kubectl create`` of a pod: every stage, two patching admission plugins, storage, two
    watchers told."""
    t = trace("req-7", "kubernetes-admin", "create", "pods", "web", start=1.0,
              writes=[("/registry/pods/default/web", 42)],
              notified=[("kube-scheduler", "ADDED", 1.001), ("kubelet/node-1", "ADDED", 1.001),
                        ("kube-scheduler", "MODIFIED", 1.002)])
    steps: list[tuple[str, str, Outcome, Any]] = [
        ("request-info", "RequestInfo", Outcome.OK,
         {"verb": "create", "apiGroup": "", "apiVersion": "v1", "resource": "pods",
          "subresource": "", "namespace": "default", "name": ""}),
        ("authentication", "tokenfile", Outcome.OK,
         {"user": {"username": "kubernetes-admin",
                   "groups": ["system:masters", "system:authenticated"]},
          "attempts": ["tokenfile: authenticated (kubernetes-admin)"]}),
        ("authorization", "RBAC", Outcome.ALLOWED,
         'allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin"'),
        ("mutating-admission", "NamespaceLifecycle", Outcome.OK, None),
        ("mutating-admission", "ServiceAccount", Outcome.PATCHED,
         [{"op": "add", "path": "/spec/serviceAccountName", "value": "default"}]),
        ("mutating-admission", "Priority", Outcome.PATCHED,
         [{"op": "add", "path": "/spec/priority", "value": 0}]),
        ("validation", "Pod", Outcome.OK, None),
        ("validating-admission", "ResourceQuota", Outcome.OK, None),
        ("storage", "etcd3", Outcome.OK, {"key": "/registry/pods/default/web", "revision": 42}),
    ]
    t.steps = [TraceStep(s, p, o, d, 1.0) for s, p, o, d in steps]
    return t


def flow() -> list[Trace]:
    """A Deployment's creation down to the kubelets' status updates, plus noise."""
    return [
        trace("req-1", "kubernetes-admin", "create", "deployments", "web", start=0.0,
              writes=[("/registry/deployments/default/web", 10)],
              notified=[("deployment-controller", "ADDED", 0.001)]),
        trace("req-2", "system:serviceaccount:kube-system:deployment-controller", "create",
              "replicasets", "web-5d9c", parent="req-1", start=0.001,
              writes=[("/registry/replicasets/default/web-5d9c", 11)],
              notified=[("replicaset-controller", "ADDED", 0.002)]),
        trace("req-3", "system:serviceaccount:kube-system:replicaset-controller", "create",
              "pods", "web-5d9c-a", parent="req-2", start=0.002,
              writes=[("/registry/pods/default/web-5d9c-a", 12)],
              notified=[("kube-scheduler", "ADDED", 0.003)]),
        trace("req-4", "system:serviceaccount:kube-system:replicaset-controller", "create",
              "pods", "web-5d9c-b", parent="req-2", start=0.002,
              writes=[("/registry/pods/default/web-5d9c-b", 13)],
              notified=[("kube-scheduler", "ADDED", 0.003)]),
        trace("req-5", "system:kube-scheduler", "create", "pods", "web-5d9c-a",
              subresource="binding", parent="req-3", start=0.003,
              writes=[("/registry/pods/default/web-5d9c-a", 14)],
              notified=[("kubelet/node-1", "ADDED", 0.004)]),
        trace("req-6", "system:kube-scheduler", "create", "pods", "web-5d9c-b",
              subresource="binding", parent="req-4", start=0.003,
              writes=[("/registry/pods/default/web-5d9c-b", 15)],
              notified=[("kubelet/node-2", "ADDED", 0.004)]),
        trace("req-7", "system:node:node-1", "get", "pods", "web-5d9c-a", parent="req-5",
              start=0.004, code=200),
        trace("req-8", "system:node:node-1", "update", "pods", "web-5d9c-a",
              subresource="status", parent="req-5", start=0.5, code=200,
              writes=[("/registry/pods/default/web-5d9c-a", 16)]),
        trace("req-9", "system:node:node-2", "update", "pods", "web-5d9c-b",
              subresource="status", parent="req-6", start=0.6, code=200,
              writes=[("/registry/pods/default/web-5d9c-b", 17)]),
        trace("req-10", "system:node:node-2", "update", "leases", "node-2",
              namespace="kube-node-lease", start=0.7, code=200,
              writes=[("/registry/leases/kube-node-lease/node-2", 18)]),
    ]


def obj(kind: str, name: str, uid: str, *, namespace: str = "default",
        owners: list[tuple[str, str, str]] | None = None, **fields: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "uid": uid}
    if namespace and kind != "Node":
        meta["namespace"] = namespace
    if owners:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": k, "name": n, "uid": u,
                                    "controller": True, "blockOwnerDeletion": True}
                                   for k, n, u in owners]
    return {"kind": kind, "apiVersion": "v1", "metadata": meta, **fields}
