"""Server-side printing: ``meta.k8s.io/v1`` Tables as ``pkg/printers/internalversion`` builds
them, and the durations of ``apimachinery/pkg/util/duration``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from k8s_internals.api.printers import (
    COLUMNS,
    column_definitions,
    format_label_selector,
    format_labels,
    human_duration,
    pod_status_cells,
    row_cells,
    short_human_duration,
    to_table,
)
from k8s_internals.api.resources import RESOURCES, find

NOW = datetime(2025, 1, 1, 1, 0, 0, tzinfo=UTC)
SEC = timedelta(seconds=1)
MS = timedelta(milliseconds=1)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


# -- duration_test.go ------------------------------------------------------------------------------

@pytest.mark.parametrize(("d", "want"), [
    (SEC, "1s"), (70 * SEC, "70s"), (190 * SEC, "3m10s"), (70 * MIN, "70m"),
    (47 * HOUR, "47h"), (49 * HOUR, "2d1h"), ((8 * 24 + 2) * HOUR, "8d"),
    (367 * 24 * HOUR, "367d"), ((365 * 2 * 24 + 25) * HOUR, "2y1d"),
    ((365 * 8 * 24 + 2) * HOUR, "8y"),
])
def test_human_duration(d: timedelta, want: str) -> None:
    assert human_duration(d) == want


@pytest.mark.parametrize(("d", "want"), [
    (-2 * SEC, "<invalid>"), (-2 * SEC + timedelta(microseconds=1), "0s"), (timedelta(0), "0s"),
    (SEC - MS, "0s"), (2 * MIN - MS, "119s"), (2 * MIN, "2m"), (2 * MIN + SEC, "2m1s"),
    (10 * MIN - MS, "9m59s"), (10 * MIN, "10m"), (10 * MIN + SEC, "10m"),
    (3 * HOUR - MS, "179m"), (3 * HOUR, "3h"), (3 * HOUR + MIN, "3h1m"),
    (8 * HOUR - MS, "7h59m"), (8 * HOUR, "8h"), (8 * HOUR + 59 * MIN, "8h"),
    (2 * DAY - MS, "47h"), (2 * DAY, "2d"), (2 * DAY + HOUR, "2d1h"),
    (8 * DAY - MS, "7d23h"), (8 * DAY, "8d"), (8 * DAY + 23 * HOUR, "8d"),
    (2 * 365 * DAY - MS, "729d"), (2 * 365 * DAY, "2y"), (2 * 365 * DAY + 23 * HOUR, "2y"),
    (2 * 365 * DAY + 23 * HOUR + 59 * MIN, "2y"), (2 * 365 * DAY + DAY - MS, "2y"),
    (2 * 365 * DAY + DAY, "2y1d"), (3 * 365 * DAY, "3y"), (4 * 365 * DAY, "4y"),
    (5 * 365 * DAY, "5y"), (6 * 365 * DAY, "6y"), (7 * 365 * DAY, "7y"),
    (8 * 365 * DAY - MS, "7y364d"), (8 * 365 * DAY, "8y"), (8 * 365 * DAY + 364 * DAY, "8y"),
    (9 * 365 * DAY, "9y"),
])
def test_human_duration_boundaries(d: timedelta, want: str) -> None:
    assert human_duration(d) == want


@pytest.mark.parametrize(("d", "want"), [
    (-2 * SEC, "<invalid>"), (-2 * SEC + timedelta(microseconds=1), "0s"), (timedelta(0), "0s"),
    (SEC - MS, "0s"), (SEC, "1s"), (2 * SEC - MS, "1s"), (MIN - MS, "59s"), (MIN, "1m"),
    (2 * MIN - MS, "1m"), (HOUR - MS, "59m"), (HOUR, "1h"), (2 * HOUR - MS, "1h"),
    (DAY - MS, "23h"), (DAY, "1d"), (2 * DAY - MS, "1d"), (365 * DAY - MS, "364d"),
    (365 * DAY, "1y"), (2 * 365 * DAY - MS, "1y"), (2 * 365 * DAY, "2y"),
])
def test_short_human_duration_boundaries(d: timedelta, want: str) -> None:
    assert short_human_duration(d) == want


# -- column definitions ----------------------------------------------------------------------------

def _names(group: str, kind: str, wide: bool = False) -> list[str]:
    return [c["name"].upper() for c in column_definitions(group, kind)
            if wide or c["priority"] == 0]


@pytest.mark.parametrize(("group", "kind", "normal", "wide_extra"), [
    ("", "Pod", ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
     ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
    ("apps", "Deployment", ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
     ["CONTAINERS", "IMAGES", "SELECTOR"]),
    ("apps", "ReplicaSet", ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
     ["CONTAINERS", "IMAGES", "SELECTOR"]),
    ("apps", "StatefulSet", ["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"]),
    ("apps", "DaemonSet", ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE",
                           "NODE SELECTOR", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
    ("", "Service", ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
     ["SELECTOR"]),
    ("", "Node", ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
     ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]),
    ("", "Event", ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
     ["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"]),
    ("", "ComponentStatus", ["NAME", "STATUS", "MESSAGE", "ERROR"], []),
    ("", "ConfigMap", ["NAME", "DATA", "AGE"], []),
    ("", "Secret", ["NAME", "TYPE", "DATA", "AGE"], []),
    ("", "ServiceAccount", ["NAME", "SECRETS", "AGE"], []),
    ("", "Endpoints", ["NAME", "ENDPOINTS", "AGE"], []),
    ("", "Namespace", ["NAME", "STATUS", "AGE"], []),
    ("", "PersistentVolume", ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS",
                              "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"],
     ["VOLUMEMODE"]),
    ("", "PersistentVolumeClaim", ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES",
                                   "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"],
     ["VOLUMEMODE"]),
    ("coordination.k8s.io", "Lease", ["NAME", "HOLDER", "AGE"], []),
    ("rbac.authorization.k8s.io", "RoleBinding", ["NAME", "ROLE", "AGE"],
     ["USERS", "GROUPS", "SERVICEACCOUNTS"]),
    ("storage.k8s.io", "StorageClass", ["NAME", "PROVISIONER", "RECLAIMPOLICY",
                                        "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"], []),
    ("scheduling.k8s.io", "PriorityClass", ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE"],
     ["PREEMPTIONPOLICY"]),
    ("apps", "ControllerRevision", ["NAME", "CONTROLLER", "REVISION", "AGE"], []),
    ("", "ResourceQuota", ["NAME", "REQUEST", "LIMIT", "AGE"], []),
    ("discovery.k8s.io", "EndpointSlice", ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
     []),
    ("rbac.authorization.k8s.io", "Role", ["NAME", "CREATED AT"], []),
    ("", "LimitRange", ["NAME", "CREATED AT"], []),
])
def test_columns(group: str, kind: str, normal: list[str], wide_extra: list[str]) -> None:
    assert _names(group, kind) == normal
    assert _names(group, kind, wide=True) == [*normal, *wide_extra] or kind == "Event"


def test_event_wide_columns_keep_upstream_order() -> None:
    assert _names("", "Event", wide=True) == [
        "LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE",
        "FIRST SEEN", "COUNT", "NAME"]


def test_column_definitions_are_complete_table_column_definitions() -> None:
    for cols in COLUMNS.values():
        for c in cols:
            assert set(c) == {"name", "type", "format", "description", "priority"}
            assert c["description"]
    name = column_definitions("", "Pod")[0]
    assert name["format"] == "name" and name["type"] == "string"
    assert name["description"].startswith("Name must be unique within a namespace.")


def test_every_listable_resource_converts() -> None:
    obj = {"metadata": {"name": "x", "namespace": "default",
                        "creationTimestamp": "2025-01-01T00:00:00Z"}}
    for info in RESOURCES:
        if "list" not in info.verbs:
            continue
        table = to_table(info, [obj], NOW)
        assert len(table["rows"][0]["cells"]) == len(table["columnDefinitions"]), info.kind


# -- rows ------------------------------------------------------------------------------------------

def _pod(status: dict[str, Any], *, spec: dict[str, Any] | None = None,
         meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"metadata": {"name": "web", "namespace": "default",
                         "creationTimestamp": "2025-01-01T00:59:00Z", **(meta or {})},
            "spec": spec or {"containers": [{"name": "app"}]},
            "status": status}


def _cs(state: dict[str, Any], ready: bool = False, restarts: int = 0,
        last: dict[str, Any] | None = None, name: str = "app") -> dict[str, Any]:
    cs: dict[str, Any] = {"name": name, "ready": ready, "restartCount": restarts,
                          "state": state}
    if last:
        cs["lastState"] = last
    return cs


@pytest.mark.parametrize(("status", "ready", "reason", "restarts"), [
    ({"phase": "Pending"}, "0/1", "Pending", "0"),
    ({"phase": "Pending", "containerStatuses": [
        _cs({"waiting": {"reason": "ContainerCreating"}})]}, "0/1", "ContainerCreating", "0"),
    ({"phase": "Running", "containerStatuses": [
        _cs({"running": {"startedAt": "2025-01-01T00:59:30Z"}}, ready=True)]},
     "1/1", "Running", "0"),
    ({"phase": "Running", "containerStatuses": [
        _cs({"waiting": {"reason": "CrashLoopBackOff"}}, restarts=3,
            last={"terminated": {"exitCode": 1, "reason": "Error",
                                 "finishedAt": "2025-01-01T00:59:50Z"}})]},
     "0/1", "CrashLoopBackOff", "3 (10s ago)"),
    ({"phase": "Succeeded", "containerStatuses": [
        _cs({"terminated": {"exitCode": 0, "reason": "Completed"}})]},
     "0/1", "Completed", "0"),
    ({"phase": "Failed", "containerStatuses": [
        _cs({"terminated": {"exitCode": 137, "signal": 9}})]}, "0/1", "Signal:9", "0"),
    ({"phase": "Running", "containerStatuses": [_cs({"terminated": {"exitCode": 2}})]},
     "0/1", "ExitCode:2", "0"),
    ({"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]},
     "0/1", "SchedulingGated", "0"),
    ({"phase": "Failed", "reason": "Evicted"}, "0/1", "Evicted", "0"),
])
def test_pod_status_cells(status: dict[str, Any], ready: str, reason: str,
                          restarts: str) -> None:
    r, total, got_reason, got_restarts = pod_status_cells(_pod(status), NOW)
    assert (f"{r}/{total}", got_reason, got_restarts) == (ready, reason, restarts)


def test_pod_init_containers() -> None:
    spec = {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}]}
    waiting = {"phase": "Pending", "initContainerStatuses": [
        _cs({"waiting": {"reason": "PodInitializing"}}, name="init")]}
    assert pod_status_cells(_pod(waiting, spec=spec), NOW)[2] == "Init:0/1"
    crash = {"phase": "Pending", "initContainerStatuses": [
        _cs({"waiting": {"reason": "CrashLoopBackOff"}}, name="init")]}
    assert pod_status_cells(_pod(crash, spec=spec), NOW)[2] == "Init:CrashLoopBackOff"
    failed = {"phase": "Pending", "initContainerStatuses": [
        _cs({"terminated": {"exitCode": 3}}, name="init")]}
    assert pod_status_cells(_pod(failed, spec=spec), NOW)[2] == "Init:ExitCode:3"


def test_pod_sidecar_counts_as_a_container() -> None:
    spec = {"initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
            "containers": [{"name": "app"}]}
    status = {"phase": "Running",
              "conditions": [{"type": "Initialized", "status": "True"}],
              "initContainerStatuses": [{**_cs({"running": {}}, ready=True, name="proxy"),
                                         "started": True}],
              "containerStatuses": [_cs({"running": {}}, ready=True)]}
    assert pod_status_cells(_pod(status, spec=spec), NOW)[:3] == (2, 2, "Running")


def test_pod_terminating_and_unknown() -> None:
    running = {"phase": "Running", "containerStatuses": [_cs({"running": {}}, ready=True)]}
    deleting = _pod(running, meta={"deletionTimestamp": "2025-01-01T01:00:30Z"})
    assert pod_status_cells(deleting, NOW)[2] == "Terminating"
    lost = _pod({**running, "reason": "NodeLost"},
                meta={"deletionTimestamp": "2025-01-01T01:00:30Z"})
    assert pod_status_cells(lost, NOW)[2] == "Unknown"
    done = _pod({"phase": "Succeeded"}, meta={"deletionTimestamp": "2025-01-01T01:00:30Z"})
    assert pod_status_cells(done, NOW)[2] == "Succeeded"


def test_pod_wide_cells_and_conditions() -> None:
    pod = _pod({"phase": "Succeeded", "podIPs": [{"ip": "10.0.0.7"}],
                "conditions": [{"type": "www.example.com/gate", "status": "True"}]},
               spec={"containers": [{"name": "app"}], "nodeName": "n1",
                     "readinessGates": [{"conditionType": "www.example.com/gate"},
                                        {"conditionType": "other"}]})
    table = to_table(find("pods"), [pod], NOW)  # type: ignore[arg-type]
    row = table["rows"][0]
    assert row["cells"] == ["web", "0/1", "Succeeded", "0", "60s", "10.0.0.7", "n1", "<none>",
                            "1/2"]
    assert row["conditions"] == [{"type": "Completed", "status": "True", "reason": "Succeeded",
                                  "message": "The pod has completed successfully."}]


def test_table_shape_and_include_object() -> None:
    pod = _pod({"phase": "Pending"}, meta={"labels": {"app": "web"}, "uid": "u1"})
    table = to_table(find("pods"), [pod], NOW, resource_version="42")  # type: ignore[arg-type]
    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert table["metadata"] == {"resourceVersion": "42"}
    obj = table["rows"][0]["object"]
    assert obj["kind"] == "PartialObjectMetadata" and obj["apiVersion"] == "meta.k8s.io/v1"
    assert obj["metadata"]["labels"] == {"app": "web"}
    assert "object" not in to_table(("", "Pod"), [pod], NOW, "None")["rows"][0]
    assert to_table(("", "Pod"), [pod], NOW, "Object")["rows"][0]["object"] is pod
    assert to_table(("", "Pod"), pod, NOW, no_headers=True)["columnDefinitions"] == []


def _meta(name: str = "x", **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": "default", "creationTimestamp": "2025-01-01T00:00:00Z",
            **extra}


def test_workload_rows() -> None:
    template = {"spec": {"containers": [{"name": "a", "image": "ia"},
                                        {"name": "b", "image": "ib"}],
                         "nodeSelector": {"disk": "ssd"}}}
    selector = {"matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["x", "y"]}]}
    dep = {"metadata": _meta("kubia"), "spec": {"replicas": 3, "selector": selector,
                                                "template": template},
           "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}
    assert row_cells("apps", "Deployment", dep, NOW) == [
        "kubia", "2/3", 3, 2, "60m", "a,b", "ia,ib", "app=web,tier in (x,y)"]
    rs = {"metadata": _meta("kubia-1"), "spec": {"replicas": 3, "selector": {},
                                                 "template": template},
          "status": {"replicas": 3, "readyReplicas": 1}}
    assert row_cells("apps", "ReplicaSet", rs, NOW) == [
        "kubia-1", 3, 3, 1, "60m", "a,b", "ia,ib", "<none>"]
    ds = {"metadata": _meta("ds"), "spec": {"selector": {"matchLabels": {"k": "v"}},
                                            "template": template},
          "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3,
                     "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2}}
    assert row_cells("apps", "DaemonSet", ds, NOW) == [
        "ds", 3, 3, 2, 3, 2, "disk=ssd", "60m", "a,b", "ia,ib", "k=v"]
    sts = {"metadata": _meta("web"), "spec": {"replicas": 2, "template": template},
           "status": {"readyReplicas": 1}}
    assert row_cells("apps", "StatefulSet", sts, NOW) == ["web", "1/2", "60m", "a,b", "ia,ib"]


@pytest.mark.parametrize(("spec", "status", "external", "ports"), [
    ({"type": "ClusterIP", "clusterIPs": ["10.96.0.10"],
      "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}, {},
     "<none>", "53/UDP,53/TCP"),
    ({"type": "NodePort", "clusterIPs": ["10.96.1.1"],
      "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}, {}, "<none>",
     "80:30080/TCP"),
    ({"type": "LoadBalancer", "clusterIPs": ["10.96.1.2"],
      "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP"}]}, {}, "<pending>",
     "80:31000/TCP"),
    ({"type": "LoadBalancer", "clusterIPs": ["10.96.1.2"], "externalIPs": ["1.2.3.4"],
      "ports": []}, {"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}]}}, "5.6.7.8,1.2.3.4",
     "<none>"),
    ({"type": "ExternalName", "externalName": "example.com"}, {}, "example.com", "<none>"),
])
def test_service_rows(spec: dict[str, Any], status: dict[str, Any], external: str,
                      ports: str) -> None:
    svc = {"metadata": _meta("svc"), "spec": {**spec, "selector": {"app": "web"}},
           "status": status}
    cells = row_cells("", "Service", svc, NOW)
    assert cells[3:5] == [external, ports]
    assert cells[-1] == "app=web"
    assert cells[2] == (spec.get("clusterIPs") or ["<none>"])[0]


def test_node_rows() -> None:
    node = {"metadata": _meta("n1", labels={"node-role.kubernetes.io/control-plane": "",
                                            "kubernetes.io/role": "worker"}),
            "spec": {"unschedulable": True},
            "status": {"conditions": [{"type": "Ready", "status": "False"}],
                       "addresses": [{"type": "InternalIP", "address": "192.168.0.2"}],
                       "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Debian"}}}
    assert row_cells("", "Node", node, NOW) == [
        "n1", "NotReady,SchedulingDisabled", "control-plane,worker", "60m", "v1.32.0",
        "192.168.0.2", "<none>", "Debian", "<unknown>", "<unknown>"]
    bare = {"metadata": _meta("n2"), "status": {}}
    assert row_cells("", "Node", bare, NOW)[1:3] == ["Unknown", "<none>"]


def test_event_row() -> None:
    ev = {"metadata": _meta("web.17f"), "type": "Warning", "reason": "BackOff",
          "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{app}"},
          "source": {"component": "kubelet", "host": "node-1"},
          "message": "Back-off restarting failed container\n", "count": 4,
          "firstTimestamp": "2025-01-01T00:50:00Z", "lastTimestamp": "2025-01-01T00:59:30Z"}
    assert row_cells("", "Event", ev, NOW) == [
        "30s", "Warning", "BackOff", "pod/web", "spec.containers{app}", "kubelet, node-1",
        "Back-off restarting failed container", "10m", 4, "web.17f"]
    micro = {"metadata": _meta("e"), "involvedObject": {"kind": "Node"},
             "eventTime": "2025-01-01T00:59:00.000000Z", "reportingComponent": "c"}
    assert row_cells("", "Event", micro, NOW)[:4] == ["60s", "", "", "node"]
    assert row_cells("", "Event", micro, NOW)[5] == "c"
    assert row_cells("", "Event", micro, NOW)[8] == 1


def test_endpoints_and_slices() -> None:
    ep = {"metadata": _meta("kubia"), "subsets": [{
        "addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 5)],
        "ports": [{"port": 8080}]}]}
    assert row_cells("", "Endpoints", ep, NOW)[1] == (
        "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...")
    assert row_cells("", "Endpoints", {"metadata": _meta()}, NOW)[1] == "<none>"
    eps = {"metadata": _meta("kubia-abc"), "addressType": "IPv4",
           "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
           "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]}]}
    assert row_cells("discovery.k8s.io", "EndpointSlice", eps, NOW)[1:4] == [
        "IPv4", "8080", "10.0.0.1,10.0.0.2"]
    empty = {"metadata": _meta("e"), "addressType": "IPv4"}
    assert row_cells("discovery.k8s.io", "EndpointSlice", empty, NOW)[2:4] == [
        "<unset>", "<unset>"]


def test_misc_rows() -> None:
    assert row_cells("", "ConfigMap", {"metadata": _meta("c"), "data": {"a": "1"},
                                       "binaryData": {"b": ""}}, NOW)[1] == 2
    assert row_cells("", "Secret", {"metadata": _meta("s"), "type": "Opaque",
                                    "data": {"a": ""}}, NOW)[1:3] == ["Opaque", 1]
    assert row_cells("coordination.k8s.io", "Lease", {"metadata": _meta("l"), "spec": {}},
                     NOW)[1] == ""
    rb = {"metadata": _meta("rb"), "roleRef": {"kind": "ClusterRole", "name": "view"},
          "subjects": [{"kind": "User", "name": "alice"}, {"kind": "Group", "name": "devs"},
                       {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"},
                       {"kind": "User", "name": "bob"}]}
    assert row_cells("rbac.authorization.k8s.io", "RoleBinding", rb, NOW) == [
        "rb", "ClusterRole/view", "60m", "alice, bob", "devs", "ns/sa"]
    sc = {"metadata": _meta("standard", annotations={
        "storageclass.kubernetes.io/is-default-class": "true"}), "provisioner": "p"}
    assert row_cells("storage.k8s.io", "StorageClass", sc, NOW) == [
        "standard (default)", "p", "Delete", "Immediate", False, "60m"]
    cr = {"metadata": _meta("web-5d", ownerReferences=[
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": True}]),
        "revision": 2}
    assert row_cells("apps", "ControllerRevision", cr, NOW) == [
        "web-5d", "statefulset.apps/web", 2, "60m"]
    quota = {"metadata": _meta("q"), "status": {
        "hard": {"pods": "10", "limits.cpu": "2", "requests.memory": "1Gi"},
        "used": {"pods": "3", "requests.memory": "512Mi"}}}
    assert row_cells("", "ResourceQuota", quota, NOW)[1:3] == [
        "pods: 3/10, requests.memory: 512Mi/1Gi", "limits.cpu: 0/2"]
    pc = {"metadata": _meta("high"), "value": 1000, "preemptionPolicy": "Never"}
    assert row_cells("scheduling.k8s.io", "PriorityClass", pc, NOW) == [
        "high", 1000, False, "60m", "Never"]
    cs = {"metadata": {"name": "etcd-0"},
          "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}
    assert row_cells("", "ComponentStatus", cs, NOW) == ["etcd-0", "Healthy", "ok", ""]
    assert row_cells("rbac.authorization.k8s.io", "Role", {"metadata": _meta("r")}, NOW) == [
        "r", "2025-01-01T00:00:00Z"]


def test_volumes_rows() -> None:
    pv = {"metadata": _meta("pv1"), "spec": {
        "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
        "persistentVolumeReclaimPolicy": "Retain",
        "claimRef": {"namespace": "default", "name": "data"}, "storageClassName": "fast"},
        "status": {"phase": "Bound"}}
    assert row_cells("", "PersistentVolume", pv, NOW) == [
        "pv1", "1Gi", "RWO,RWX", "Retain", "Bound", "default/data", "fast", "<unset>", "",
        "60m", "<unset>"]
    pvc = {"metadata": _meta("data"), "spec": {"volumeName": "pv1", "storageClassName": "fast"},
           "status": {"phase": "Bound", "capacity": {"storage": "1Gi"},
                      "accessModes": ["ReadWriteOnce"]}}
    assert row_cells("", "PersistentVolumeClaim", pvc, NOW) == [
        "data", "Bound", "pv1", "1Gi", "RWO", "fast", "<unset>", "60m", "<unset>"]


def test_label_formatting() -> None:
    assert format_labels({}) == "<none>"
    assert format_labels({"b": "2", "a": "1"}) == "a=1,b=2"
    assert format_label_selector(None) == "<none>"
    assert format_label_selector({}) == "<none>"
    assert format_label_selector({"matchExpressions": [
        {"key": "k", "operator": "Exists"}]}) == "k"
