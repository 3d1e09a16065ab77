"""The real kubectl (1.32, ``/usr/bin/kubectl``) against the HTTPS front.

Each test runs kubectl as a subprocess with a private HOME and the kubeconfig the fixture
wrote; there are no controllers here, so a Deployment stays as it was applied.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
import yaml

from k8s_internals.api.resources import lookup
from k8s_internals.client.client import Client
from k8s_internals.client.events import EventBroadcaster
from k8s_internals.client.transport import InProcessTransport

from .conftest import KUBECTL, Served, call

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  namespace: default
data:
  greeting: hello
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox:1.36
"""


def test_version_uses_the_1_32_client(served: Served) -> None:
    out = served.kubectl("version", check=True).stdout
    assert "Client Version: v1.32" in out
    assert "Server Version: v1.32.0+k8s-internals" in out


def test_get_namespaces_and_pods(served: Served) -> None:
    out = served.kubectl("get", "namespaces", check=True).stdout.splitlines()
    assert out[0].split() == ["NAME", "STATUS", "AGE"]
    assert {line.split()[0] for line in out[1:]} >= {"default", "kube-system", "kube-public",
                                                     "kube-node-lease"}
    assert all(line.split()[1] == "Active" for line in out[1:])
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0"},
           "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}
    assert served.json("POST", "/api/v1/namespaces/default/pods", body=pod)[0] == 201
    wide = served.kubectl("get", "pods", "-A", "-o", "wide", check=True).stdout.splitlines()
    assert wide[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP",
                               "NODE", "NOMINATED", "NODE", "READINESS", "GATES"]
    row = next(line.split() for line in wide[1:] if "web-0" in line)
    assert row[:5] == ["default", "web-0", "0/1", "Pending", "0"]
    assert row[-4:] == ["<none>", "<none>", "<none>", "<none>"]


def test_create_then_apply_a_configmap(served: Served) -> None:
    out = served.kubectl("create", "-f", "-", input=CONFIGMAP, check=True)
    assert out.stdout == "configmap/demo created\n"
    again = served.kubectl("create", "-f", "-", input=CONFIGMAP)
    assert again.returncode == 1
    assert 'configmaps "demo" already exists' in again.stderr
    applied = served.kubectl("apply", "-f", "-", input=CONFIGMAP.replace("hello", "hi"))
    assert applied.stdout == "configmap/demo configured\n"
    assert "missing the kubectl.kubernetes.io/last-applied-configuration annotation" in \
        applied.stderr
    obj = json.loads(served.kubectl("get", "cm", "demo", "-o", "json", "--show-managed-fields",
                                    check=True).stdout)
    assert obj["data"] == {"greeting": "hi"}
    entries = {(m["manager"], m["operation"]): m for m in obj["metadata"]["managedFields"]}
    assert set(entries) == {("kubectl-create", "Update"), ("kubectl-client-side-apply", "Update")}
    # the creator keeps the data map; the applier changed (so took) the greeting
    assert entries["kubectl-create", "Update"]["fieldsV1"] == {"f:data": {}}
    assert entries["kubectl-client-side-apply", "Update"]["fieldsV1"] == {
        "f:data": {"f:greeting": {}},
        "f:metadata": {"f:annotations": {
            ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}}
    plain = json.loads(served.kubectl("get", "cm", "demo", "-o", "json", check=True).stdout)
    assert "managedFields" not in plain["metadata"]  # kubectl hides them by default


def test_apply_a_deployment_then_change_it(served: Served) -> None:
    out = served.kubectl("apply", "-f", "-", input=DEPLOYMENT, check=True)
    assert out.stdout == "deployment.apps/web created\n"
    changed = DEPLOYMENT.replace("replicas: 2", "replicas: 3").replace("nginx:1.27",
                                                                          "nginx:1.28")
    out = served.kubectl("apply", "-f", "-", "-v=8", input=changed, check=True)
    assert out.stdout == "deployment.apps/web configured\n"
    # client-side apply: GET, then a strategic merge patch keeping the containers' order
    assert "application/strategic-merge-patch+json" in out.stderr
    assert "$setElementOrder/containers" in out.stderr
    dep = json.loads(served.kubectl("get", "deploy", "web", "-o", "json", check=True).stdout)
    assert dep["spec"]["replicas"] == 3 and dep["metadata"]["generation"] == 2
    assert [c["image"] for c in dep["spec"]["template"]["spec"]["containers"]] == [
        "nginx:1.28", "busybox:1.36"]
    table = served.kubectl("get", "deploy", check=True).stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert table[1].split()[:4] == ["web", "0/3", "0", "0"]  # no controllers here


def test_server_side_apply_and_conflicts(served: Served) -> None:
    served.kubectl("apply", "-f", "-", input=DEPLOYMENT.replace("name: web", "name: ssa"),
                   check=True)
    # another manager applying a different replica count conflicts with client-side apply
    other = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\n"
             "  namespace: default\nspec:\n  replicas: 5\n")
    out = served.kubectl("apply", "--server-side", "--field-manager=other", "-f", "-",
                         input=other)
    assert out.returncode == 1
    assert out.stderr.startswith(
        'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" '
        'using apps/v1: .spec.replicas\n')
    forced = served.kubectl("apply", "--server-side", "--field-manager=other",
                            "--force-conflicts", "-f", "-", input=other, check=True)
    assert forced.stdout == "deployment.apps/ssa serverside-applied\n"
    dep = json.loads(served.kubectl("get", "deploy", "ssa", "-o", "json",
                                    "--show-managed-fields", check=True).stdout)
    assert dep["spec"]["replicas"] == 5
    # kubectl then migrates what client-side apply managed to the applier (csaupgrade: a JSON
    # patch of managedFields), so "other" owns it all and the Update entry is gone
    entries = {m["manager"]: m for m in dep["metadata"]["managedFields"]}
    assert set(entries) == {"other"} and entries["other"]["operation"] == "Apply"
    assert entries["other"]["fieldsV1"]["f:spec"]["f:replicas"] == {}
    # kubectl's own server-side apply takes over from client-side apply without conflicts
    out = served.kubectl("apply", "--server-side", "-f", "-",
                         input=DEPLOYMENT.replace("name: web", "name: ssa").replace(
                             "replicas: 2", "replicas: 5"), check=True)
    assert out.stdout == "deployment.apps/ssa serverside-applied\n"
    dep = json.loads(served.kubectl("get", "deploy", "ssa", "-o", "yaml",
                                    "--show-managed-fields", "-o", "json", check=True).stdout)
    ops = {(m["manager"], m["operation"]) for m in dep["metadata"]["managedFields"]}
    assert ("kubectl", "Apply") in ops


def test_server_side_apply_creates_and_prunes(served: Served) -> None:
    cm = CONFIGMAP.replace("name: demo", "name: ssa-cm") + "  extra: one\n"
    out = served.kubectl("apply", "--server-side", "-f", "-", input=cm, check=True)
    assert out.stdout == "configmap/ssa-cm serverside-applied\n"
    served.kubectl("apply", "--server-side", "-f", "-", input=cm.replace("  extra: one\n", ""),
                   check=True)
    obj = json.loads(served.kubectl("get", "cm", "ssa-cm", "-o", "json",
                                    "--show-managed-fields", check=True).stdout)
    assert obj["data"] == {"greeting": "hello"}  # the field kubectl stopped applying is gone
    assert obj["metadata"]["managedFields"] == [{
        "manager": "kubectl", "operation": "Apply", "apiVersion": "v1",
        "time": obj["metadata"]["managedFields"][0]["time"], "fieldsType": "FieldsV1",
        "fieldsV1": {"f:data": {"f:greeting": {}}}}]


def test_watch_bounded_by_request_timeout(served: Served) -> None:
    served.json("POST", "/api/v1/namespaces/default/configmaps", body={
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "before-watch"}})
    env = {"HOME": str(served.home), "KUBECONFIG": str(served.kubeconfig), "PATH": "/usr/bin"}
    proc = subprocess.Popen([KUBECTL, "get", "cm", "-w", "--request-timeout=3s"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        served.json("POST", "/api/v1/namespaces/default/configmaps", body={
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "during-watch"},
            "data": {"a": "1", "b": "2"}})
        out, _err = proc.communicate(timeout=15)
    finally:
        proc.kill()
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "DATA", "AGE"]
    assert any(line.split()[0] == "before-watch" for line in lines[1:])
    assert any(line.split()[:2] == ["during-watch", "2"] for line in lines[1:])


def test_delete(served: Served) -> None:
    served.json("POST", "/api/v1/namespaces/default/configmaps", body={
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "doomed"}})
    out = served.kubectl("delete", "cm", "doomed", check=True)
    assert out.stdout == 'configmap "doomed" deleted\n'
    gone = served.kubectl("get", "cm", "doomed")
    assert gone.returncode == 1
    assert gone.stderr == 'Error from server (NotFound): configmaps "doomed" not found\n'


@pytest.mark.parametrize(("user", "args", "answer"), [
    ("admin", ("create", "pods"), "yes"),
    ("admin", ("delete", "nodes"), "yes"),
    ("viewer", ("list", "pods"), "yes"),
    ("viewer", ("create", "pods"), "no"),
    ("viewer", ("get", "secrets"), "no"),
])
def test_auth_can_i(served: Served, user: str, args: tuple[str, ...], answer: str) -> None:
    out = served.kubectl("--user", user, "auth", "can-i", *args)
    assert out.stdout.strip() == answer
    assert out.returncode == (0 if answer == "yes" else 1)


def test_impersonation(served: Served) -> None:
    assert served.kubectl("auth", "can-i", "create", "pods", "--as=viewer").stdout == "no\n"
    assert served.kubectl("auth", "can-i", "list", "pods", "--as=viewer").stdout == "yes\n"
    out = served.kubectl("--user", "viewer", "get", "pods", "--as=kubernetes-admin")
    assert out.stderr == (
        'Error from server (Forbidden): users "kubernetes-admin" is forbidden: User "viewer" '
        'cannot impersonate resource "users" in API group "" at the cluster scope\n')
    assert served.kubectl("get", "ns", "default", "--as=someone",
                          "--as-group=system:masters").returncode == 0


def test_the_viewer_is_refused_a_write(served: Served) -> None:
    out = served.kubectl("--user", "viewer", "create", "configmap", "x", "--dry-run=client",
                         "-o", "yaml", check=True)  # client-side: nothing sent
    body = yaml.safe_load(out.stdout)
    refused = served.kubectl("--user", "viewer", "apply", "-f", "-", input=yaml.safe_dump(body))
    assert refused.returncode == 1
    assert ('configmaps "x" is forbidden: User "viewer" cannot get resource "configmaps" '
            'in API group "" in the namespace "default"') not in refused.stderr
    assert ('configmaps is forbidden: User "viewer" cannot create resource "configmaps" in '
            'API group "" in the namespace "default"') in refused.stderr


def test_no_credentials_or_a_bad_token_is_401(served: Served) -> None:
    for args in (("--user", "nobody"), ("--token", "not-a-token")):
        out = served.kubectl(*args, "get", "pods")
        assert out.returncode == 1
        assert out.stderr.strip().endswith(
            "error: You must be logged in to the server (Unauthorized)")
    assert "Server Version" in served.kubectl("--user", "nobody", "version").stdout


def test_client_certificate_context(served: Served) -> None:
    out = served.kubectl("--context", "admin-cert@k8s-internals", "get", "ns", "default",
                         check=True)
    assert out.stdout.splitlines()[1].split()[:2] == ["default", "Active"]


# -- auth whoami (authentication.k8s.io/v1 SelfSubjectReview, sent as protobuf) --------------


def _whoami(out: subprocess.CompletedProcess[str]) -> dict[str, str]:
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["ATTRIBUTE", "VALUE"]
    return {line.split(None, 1)[0]: line.split(None, 1)[1].strip() for line in lines[1:]}


def test_auth_whoami(served: Served) -> None:
    assert _whoami(served.kubectl("auth", "whoami", check=True)) == {
        "Username": "kubernetes-admin", "Groups": "[system:masters system:authenticated]"}
    assert _whoami(served.kubectl("--user", "viewer", "auth", "whoami", check=True)) == {
        "Username": "viewer", "Groups": "[system:authenticated]"}
    token = served.kubectl("create", "token", "default", check=True).stdout.strip()
    sa = _whoami(served.kubectl("--token", token, "auth", "whoami", check=True))
    assert sa["Username"] == "system:serviceaccount:default:default"
    assert sa["Groups"] == ("[system:serviceaccounts system:serviceaccounts:default "
                            "system:authenticated]")
    assert sa["UID"] == served.api.storage.get_or_none(
        lookup("", "serviceaccounts"), "default", "default")["metadata"]["uid"]
    body = json.loads(served.kubectl("auth", "whoami", "-o", "json", check=True).stdout)
    assert body["kind"] == "SelfSubjectReview"
    assert body["apiVersion"] == "authentication.k8s.io/v1"
    assert body["status"]["userInfo"] == {"username": "kubernetes-admin",
                                          "groups": ["system:masters", "system:authenticated"]}


# -- events.k8s.io/v1 (the scheduler's events) read with kubectl ------------------------------


def test_scheduler_events_through_both_apis(served: Served) -> None:
    """What kube-scheduler writes (the events.k8s.io/v1 recorder, as system:kube-scheduler),
    read back by kubectl through both groups, ``kubectl events`` and ``describe``."""
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sched-demo"},
           "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}
    assert served.json("POST", "/api/v1/namespaces/default/pods", body=pod)[0] == 201

    def emit() -> None:
        client = Client(InProcessTransport(served.api), served.token("kube-scheduler"),
                        name="kube-scheduler")
        rec = EventBroadcaster(client, served.api.kernel).new_recorder("default-scheduler",
                                                                       "control-plane")
        p = client.get("pods", "sched-demo", "default")
        rec.eventf(p, None, "Normal", "Scheduled", "Binding",
                   "Successfully assigned %s/%s to %s", "default", "sched-demo", "node-1")
        for _ in range(2):
            rec.eventf(p, None, "Warning", "FailedScheduling", "Scheduling",
                       "0/1 nodes are available")

    call(served, emit)
    selector = "--field-selector=involvedObject.name=sched-demo"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        out = served.kubectl("get", "events.v1.events.k8s.io", selector, "-o", "json",
                             check=True)
        items = json.loads(out.stdout)["items"]
        if any(i.get("series") for i in items):
            break
        time.sleep(0.1)
    assert [(i["reason"], i["action"], i["reportingController"], i["reportingInstance"])
            for i in items] == [
        ("Scheduled", "Binding", "default-scheduler", "default-scheduler-control-plane"),
        ("FailedScheduling", "Scheduling", "default-scheduler",
         "default-scheduler-control-plane")]
    assert items[1]["series"]["count"] == 2
    core = json.loads(served.kubectl("get", "events", selector, "-o", "json",
                                     check=True).stdout)["items"]
    assert [(e["source"], e["firstTimestamp"], e["reportingComponent"]) for e in core] == [
        ({}, None, "default-scheduler")] * 2
    assert all(e["eventTime"] == i["eventTime"] for e, i in zip(core, items, strict=True))
    table = served.kubectl("get", "events.v1.events.k8s.io", selector, check=True).stdout
    rows = [line.split() for line in table.splitlines()]
    assert rows[0] == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert [r[2:4] for r in rows[1:]] == [["Scheduled", "pod/sched-demo"],
                                          ["FailedScheduling", "pod/sched-demo"]]
    events = served.kubectl("events", "--for", "pod/sched-demo", check=True).stdout
    lines = events.splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert "Successfully assigned default/sched-demo to node-1" in lines[1]
    assert " (x2 over " in lines[2] and "FailedScheduling" in lines[2]
    described = served.kubectl("describe", "pod", "sched-demo", check=True).stdout
    ev_lines = described.split("Events:\n", 1)[1].splitlines()
    assert ev_lines[0].split() == ["Type", "Reason", "Age", "From", "Message"]
    assert ev_lines[2].split()[:2] == ["Normal", "Scheduled"]
    assert ev_lines[2].split()[3:] == ["default-scheduler", "Successfully", "assigned",
                                       "default/sched-demo", "to", "node-1"]
    assert ev_lines[3].split()[:2] == ["Warning", "FailedScheduling"]
    assert "(x2 over " in ev_lines[3] and ev_lines[3].rstrip().endswith(
        "default-scheduler  0/1 nodes are available")
