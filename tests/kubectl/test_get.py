"""``kubectl get``: tables exactly as the real kubectl lays them out, other output formats,
errors, and watches on virtual time."""

from __future__ import annotations

import json

import pytest

from k8s_internals.client.client import Client
from k8s_internals.kubectl import Kubectl
from k8s_internals.sim import Kernel
from tests.kubectl.conftest import make_pod, running_status, set_pod_status


@pytest.fixture
def pods(admin: Client, kernel: Kernel, kubectl: Kubectl) -> Kubectl:
    """Two running pods in ``default`` (one restarted 3 times), a pending pod in ``prod`` and a
    service; 2 minutes of virtual time after the first pod."""
    make_pod(admin, "web", labels={"app": "web"})
    kernel.run_for(10)
    make_pod(admin, "kubia-7d9c5b8f4d-x2x7z", labels={"app": "kubia"})
    kernel.run_for(20)
    set_pod_status(admin, "web", running_status(), node="node-1")
    set_pod_status(admin, "kubia-7d9c5b8f4d-x2x7z",
                   running_status(ip="10.244.2.7", restarts=3,
                                  last_finished="2025-01-01T00:00:20Z"), node="node-2")
    admin.create("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": "prod"}})
    admin.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": "prod"}})
    make_pod(admin, "db", namespace="prod")
    assert kubectl.run("create service clusterip web --tcp=80:8080") == "service/web created\n"
    kernel.run_for(90)
    return kubectl


def test_pods_table(pods: Kubectl) -> None:
    assert pods.run("get pods") == (
        "NAME                     READY   STATUS    RESTARTS       AGE\n"
        "kubia-7d9c5b8f4d-x2x7z   1/1     Running   3 (100s ago)   110s\n"
        "web                      1/1     Running   0              2m\n")


def test_pods_wide(pods: Kubectl) -> None:
    assert pods.run("get pods -o wide") == (
        "NAME                     READY   STATUS    RESTARTS       AGE    IP           NODE"
        "     NOMINATED NODE   READINESS GATES\n"
        "kubia-7d9c5b8f4d-x2x7z   1/1     Running   3 (100s ago)   110s   10.244.2.7   node-2"
        "   <none>           <none>\n"
        "web                      1/1     Running   0              2m     10.244.1.5   node-1"
        "   <none>           <none>\n")


def test_all_namespaces(pods: Kubectl) -> None:
    assert pods.run("get pods -A") == (
        "NAMESPACE   NAME                     READY   STATUS    RESTARTS       AGE\n"
        "default     kubia-7d9c5b8f4d-x2x7z   1/1     Running   3 (100s ago)   110s\n"
        "default     web                      1/1     Running   0              2m\n"
        "prod        db                       0/1     Pending   0              90s\n")


def test_names_keep_argument_order(pods: Kubectl) -> None:
    assert pods.run("get po web kubia-7d9c5b8f4d-x2x7z") == (
        "NAME                     READY   STATUS    RESTARTS       AGE\n"
        "web                      1/1     Running   0              2m\n"
        "kubia-7d9c5b8f4d-x2x7z   1/1     Running   3 (100s ago)   110s\n")


def test_labels(pods: Kubectl) -> None:
    assert pods.run("get pods --show-labels -l app") == (
        "NAME                     READY   STATUS    RESTARTS       AGE    LABELS\n"
        "kubia-7d9c5b8f4d-x2x7z   1/1     Running   3 (100s ago)   110s   app=kubia\n"
        "web                      1/1     Running   0              2m     app=web\n")
    assert pods.run("get pods -L app --no-headers") == (
        "kubia-7d9c5b8f4d-x2x7z   1/1   Running   3 (100s ago)   110s   kubia\n"
        "web                      1/1   Running   0              2m     web\n")
    assert pods.run("get pods -l app=web -o name") == "pod/web\n"


def _ip(admin: Client) -> str:
    return str(admin.get("services", "web", "default")["spec"]["clusterIP"]).ljust(12)


def test_several_kinds_get_kind_prefixes_and_a_blank_line(pods: Kubectl, admin: Client) -> None:
    ip = _ip(admin)
    assert pods.run("get pods,svc") == (
        "NAME                         READY   STATUS    RESTARTS       AGE\n"
        "pod/kubia-7d9c5b8f4d-x2x7z   1/1     Running   3 (100s ago)   110s\n"
        "pod/web                      1/1     Running   0              2m\n"
        "\n"
        "NAME          TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE\n"
        f"service/web   ClusterIP   {ip}   <none>        80/TCP    90s\n")
    assert pods.run("get pod/web svc/web") == (
        "NAME      READY   STATUS    RESTARTS   AGE\n"
        "pod/web   1/1     Running   0          2m\n"
        "\n"
        "NAME          TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE\n"
        f"service/web   ClusterIP   {ip}   <none>        80/TCP    90s\n")
    # empty kinds print nothing, not even a header
    assert pods.run("get all").startswith("NAME                         READY")
    assert "deployment" not in pods.run("get all")


def test_service_wide(pods: Kubectl, admin: Client) -> None:
    assert pods.run("get svc -o wide") == (
        "NAME   TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE   SELECTOR\n"
        f"web    ClusterIP   {_ip(admin)}   <none>        80/TCP    90s   app=web\n")


def test_nothing_found(pods: Kubectl) -> None:
    r = pods.exec("get pods -n kube-system")
    assert (r.stdout, r.stderr, r.code) == (
        "", "No resources found in kube-system namespace.\n", 0)
    assert pods.run("get pods -A -l nothing=here") == "No resources found\n"
    assert pods.run("get nodes") == "No resources found\n"


def test_errors(pods: Kubectl) -> None:
    r = pods.exec("get pods web nope")
    assert r.stdout == ("NAME   READY   STATUS    RESTARTS   AGE\n"
                        "web    1/1     Running   0          2m\n")
    assert r.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    assert r.code == 1
    assert pods.run("get foo") == 'error: the server doesn\'t have a resource type "foo"\n'
    assert pods.run("get pods --bogus") == (
        "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n")
    assert pods.run("get pods nope --ignore-not-found") == ""


def test_name_and_jsonpath(pods: Kubectl) -> None:
    assert pods.run("get pods web -o name") == "pod/web\n"
    assert pods.run("get pods -o name") == "pod/kubia-7d9c5b8f4d-x2x7z\npod/web\n"
    assert pods.run("get svc,pods -o name") == (
        "service/web\npod/kubia-7d9c5b8f4d-x2x7z\npod/web\n")
    assert pods.run("get pods -o jsonpath={.items[*].status.podIP}") == "10.244.2.7 10.244.1.5"
    assert pods.run(
        "get pods -o jsonpath='{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.nodeName}"
        "{\"\\n\"}{end}'") == "kubia-7d9c5b8f4d-x2x7z\tnode-2\nweb\tnode-1\n"


def test_yaml_and_json(pods: Kubectl, admin: Client) -> None:
    one = pods.run("get pod web -o yaml")
    assert one.startswith("apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: "
                          '"2025-01-01T00:00:00Z"\n  labels:\n    app: web\n  name: web\n')
    assert "\n  podIP: 10.244.1.5\n" in one
    many = pods.run("get pods -o yaml")
    assert many.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n")
    assert many.endswith("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
    doc = json.loads(pods.run("get pods -o json"))
    assert doc["kind"] == "List" and [i["metadata"]["name"] for i in doc["items"]] == [
        "kubia-7d9c5b8f4d-x2x7z", "web"]
    text = pods.run("get pod web -o json")
    assert text.startswith('{\n    "apiVersion": "v1",\n    "kind": "Pod",\n    "metadata": {\n')
    live = admin.get("pods", "web", "default")
    assert "managedFields" in live["metadata"]
    shown = {**live, "metadata": {k: v for k, v in live["metadata"].items()
                                  if k != "managedFields"}}
    # kubectl hides managedFields unless --show-managed-fields
    assert json.loads(text) == {"apiVersion": "v1", "kind": "Pod", **shown} | {"kind": "Pod"}
    full = json.loads(pods.run("get pod web -o json --show-managed-fields"))
    assert full["metadata"]["managedFields"] == live["metadata"]["managedFields"]


def test_sort_by(pods: Kubectl) -> None:
    assert pods.run("get pods --sort-by=.status.podIP -o name") == (
        "pod/kubia-7d9c5b8f4d-x2x7z\npod/web\n")
    out = pods.run("get pods --sort-by=.metadata.creationTimestamp --no-headers")
    assert out.splitlines()[0].startswith("web ")


def test_events_and_default_tables(kubectl: Kubectl, admin: Client, kernel: Kernel) -> None:
    from k8s_internals.client.record import EventRecorder

    pod = make_pod(admin, "web")
    rec = EventRecorder(admin, kernel, "default-scheduler")
    rec.event({"apiVersion": "v1", "kind": "Pod", **pod}, "Normal", "Scheduled",
              "Successfully assigned default/web to node-1")
    admin.create("roles", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                           "metadata": {"name": "reader", "namespace": "default"},
                           "rules": []})
    kernel.run_for(30)
    assert kubectl.run("get events") == (
        "LAST SEEN   TYPE     REASON      OBJECT    MESSAGE\n"
        "30s         Normal   Scheduled   pod/web   Successfully assigned default/web to node-1\n")
    assert kubectl.run("get roles") == ("NAME     CREATED AT\n"
                                        "reader   2025-01-01T00:00:00Z\n")


def test_workloads(kubectl: Kubectl, admin: Client, kernel: Kernel) -> None:
    assert kubectl.run("create deployment kubia --image=luksa/kubia:v1 --replicas=3") == (
        "deployment.apps/kubia created\n")
    dep = admin.get("deployments", "kubia", "default")
    dep["status"] = {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 2,
                     "availableReplicas": 2, "observedGeneration": 1}
    admin.update_status("deployments", dep)
    kernel.run_for(300)
    assert kubectl.run("get deploy -o wide") == (
        "NAME    READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES           SELECTOR\n"
        "kubia   2/3     3            2           5m    kubia        luksa/kubia:v1   app=kubia\n")
    assert kubectl.run("get deploy,rs") == (
        "NAME                    READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/kubia   2/3     3            2           5m\n")


def test_watch_prints_rows_as_events_arrive(kubectl: Kubectl, admin: Client,
                                            kernel: Kernel) -> None:
    make_pod(admin, "x")
    kernel.call_later(3, make_pod, admin, "a-long-pod-name-here")
    kernel.call_later(5, lambda: set_pod_status(admin, "x", running_status(), node="n1"))
    out = kubectl.run("get pods -w", watch_seconds=10)
    assert out == (
        "NAME   READY   STATUS    RESTARTS   AGE\n"
        "x      0/1     Pending   0          0s\n"
        "a-long-pod-name-here   0/1     Pending   0          0s\n"
        # the tab writer remembers the widest name: later rows stay that wide
        "x                      0/1     Pending   0          5s\n"
        "x                      1/1     Running   0          5s\n")
    assert kernel.now == 10
    out = kubectl.run("get pods -w --output-watch-events --request-timeout=1s")
    assert out == ("EVENT      NAME                   READY   STATUS    RESTARTS   AGE\n"
                   "ADDED      a-long-pod-name-here   0/1     Pending   0          7s\n"
                   "ADDED      x                      1/1     Running   0          10s\n")
    assert kubectl.run("get pods,svc -w") == (
        "error: watch is only supported on individual resources and resource collections - "
        "more than 1 resource was found\n")
