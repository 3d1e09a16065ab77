"""``apply`` (client-side, with the last-applied annotation), ``create`` and ``delete``."""

from __future__ import annotations

import json
from pathlib import Path

from k8s_internals.api.patch.last_applied import LAST_APPLIED_CONFIG_ANNOTATION
from k8s_internals.client.client import Client
from k8s_internals.kubectl import Kubectl
from k8s_internals.sim import Kernel
from tests.kubectl.conftest import make_pod

DATA = Path(__file__).parent / "data"

MANIFEST = """\
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: "1"
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kubia
spec:
  replicas: 3
  selector:
    matchLabels: {app: kubia}
  template:
    metadata:
      labels: {app: kubia}
    spec:
      containers:
      - name: kubia
        image: luksa/kubia:v1
"""


def test_apply_created_unchanged_configured(kubectl: Kubectl, admin: Client) -> None:
    assert kubectl.run("apply -f -", stdin=DEPLOYMENT) == "deployment.apps/kubia created\n"
    live = admin.get("deployments", "kubia", "default")
    last = json.loads(live["metadata"]["annotations"][LAST_APPLIED_CONFIG_ANNOTATION])
    assert last["spec"]["replicas"] == 3 and last["metadata"]["namespace"] == "default"
    assert kubectl.run("apply -f -", stdin=DEPLOYMENT) == "deployment.apps/kubia unchanged\n"
    v2 = DEPLOYMENT.replace("kubia:v1", "kubia:v2")
    assert kubectl.run("apply -f -", stdin=v2) == "deployment.apps/kubia configured\n"
    live = admin.get("deployments", "kubia", "default")
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "luksa/kubia:v2"
    assert live["metadata"]["generation"] == 2
    # a field the manifest manages is put back...
    kubectl.run("scale deploy kubia --replicas=5")
    assert kubectl.run("apply -f -", stdin=v2) == "deployment.apps/kubia configured\n"
    assert admin.get("deployments", "kubia", "default")["spec"]["replicas"] == 3
    # ...a field dropped from the manifest is deleted (and defaulted again)
    no_replicas = v2.replace("  replicas: 3\n", "")
    assert kubectl.run("apply -f -", stdin=no_replicas) == "deployment.apps/kubia configured\n"
    assert admin.get("deployments", "kubia", "default")["spec"]["replicas"] == 1
    # ...and a field it never mentioned is left to whoever set it
    kubectl.run("scale deploy kubia --replicas=4")
    assert kubectl.run("apply -f -", stdin=no_replicas) == "deployment.apps/kubia unchanged\n"
    assert admin.get("deployments", "kubia", "default")["spec"]["replicas"] == 4


def test_apply_files_and_multiple_documents(admin: Client, kernel: Kernel,
                                            tmp_path: Path) -> None:
    kubectl = Kubectl(admin, kernel, files={"app.yaml": MANIFEST})
    assert kubectl.run("apply -f app.yaml") == "namespace/demo created\nconfigmap/cfg created\n"
    assert kubectl.run("apply -f app.yaml") == (
        "namespace/demo unchanged\nconfigmap/cfg unchanged\n")
    (tmp_path / "svc.yaml").write_text((DATA / "service.yaml").read_text())
    assert kubectl.run(f"apply -f {tmp_path}") == "service/kubia created\n"
    assert kubectl.run("apply -f nope.yaml") == 'error: the path "nope.yaml" does not exist\n'
    assert kubectl.run("apply") == "error: must specify one of -f and -k\n"


def test_apply_warns_about_a_missing_annotation(kubectl: Kubectl) -> None:
    kubectl.run("create -f -", stdin=DEPLOYMENT)
    r = kubectl.exec("apply -f -", stdin=DEPLOYMENT.replace("replicas: 3", "replicas: 2"))
    assert r.stdout == "deployment.apps/kubia configured\n"
    assert r.stderr == (
        "Warning: resource deployments.apps/kubia is missing the "
        "kubectl.kubernetes.io/last-applied-configuration annotation which is required by "
        "kubectl apply. kubectl apply should only be used on resources created declaratively "
        "by either kubectl create --save-config or kubectl apply. The missing annotation will "
        "be patched automatically.\n")


def test_apply_dry_runs_and_output(kubectl: Kubectl, admin: Client) -> None:
    assert kubectl.run("apply -f - --dry-run=client", stdin=DEPLOYMENT) == (
        "deployment.apps/kubia created (dry run)\n")
    assert kubectl.run("apply -f - --dry-run=server", stdin=DEPLOYMENT) == (
        "deployment.apps/kubia created (server dry run)\n")
    assert admin.list("deployments", "default")["items"] == []
    assert kubectl.run("apply -f - -o name", stdin=DEPLOYMENT) == "deployment.apps/kubia\n"


def test_create(kubectl: Kubectl, admin: Client, kernel: Kernel) -> None:
    k = Kubectl(admin, kernel, files={"app.yaml": MANIFEST})
    assert k.run("create -f app.yaml") == "namespace/demo created\nconfigmap/cfg created\n"
    assert k.run("create -f app.yaml") == (
        'Error from server (AlreadyExists): error when creating "app.yaml": namespaces "demo" '
        "already exists\n"
        'Error from server (AlreadyExists): error when creating "app.yaml": configmaps "cfg" '
        "already exists\n")
    assert k.exec("create -f app.yaml").code == 1
    assert kubectl.run("create deployment x --image=nginx --replicas=-1") == (
        'The Deployment "x" is invalid: spec.replicas: Invalid value: -1: must be greater than '
        "or equal to 0\n")


def test_create_generators_match_the_real_kubectl(kubectl: Kubectl) -> None:
    for cmd, fixture in [
        ("create deployment kubia --image=luksa/kubia:v1 --image=docker.io/library/nginx:1.27"
         " --replicas=3 --port=8080", "deployment.yaml"),
        ("create service nodeport kubia --tcp=80:8080 --tcp=443:8443", "service.yaml"),
        ("create secret generic s --from-literal=a=b --from-literal='password=p@ss w0rd'",
         "secret.yaml"),
    ]:
        assert kubectl.run(cmd + " --dry-run=client -o yaml") == (DATA / fixture).read_text()
    assert kubectl.run("create deployment kubia --image=luksa/kubia:v1 --dry-run=client") == (
        "deployment.apps/kubia created (dry run)\n")
    assert kubectl.run("create namespace staging") == "namespace/staging created\n"
    assert kubectl.run("create configmap c --from-literal=k=v") == "configmap/c created\n"


def test_delete(kubectl: Kubectl, admin: Client, kernel: Kernel) -> None:
    kubectl.run("create deployment kubia --image=luksa/kubia:v1")
    assert kubectl.run("delete deployment kubia") == 'deployment.apps "kubia" deleted\n'
    assert kubectl.run("delete pod nope") == 'Error from server (NotFound): pods "nope" not found\n'
    assert kubectl.run("delete pod nope --ignore-not-found") == ""
    assert kubectl.run("delete pods") == (
        "error: resource(s) were provided, but no name was specified\n")
    make_pod(admin, "a", labels={"tier": "x"})
    make_pod(admin, "b", labels={"tier": "x"})
    # unscheduled pods go at once; nothing to wait for
    assert kubectl.run("delete pods -l tier=x") == 'pod "a" deleted\npod "b" deleted\n'
    assert kubectl.run("delete pods --all") == "No resources found in default namespace.\n"


def test_delete_waits_on_virtual_time(kubectl: Kubectl, admin: Client, kernel: Kernel) -> None:
    from tests.kubectl.conftest import running_status, set_pod_status

    make_pod(admin, "web")
    set_pod_status(admin, "web", running_status(), node="n1")
    start = kernel.now
    # nothing confirms the graceful deletion (no kubelet): kubectl gives up at --timeout
    assert kubectl.run("delete pod web --timeout=20s") == (
        'pod "web" deleted\nerror: timed out waiting for the condition on pods/web\n')
    assert kernel.now == start + 20  # the 20 s kubectl waited went by on the virtual clock
    kernel.call_later(5, lambda: admin.delete("pods", "web", "default", grace_period_seconds=0))
    assert kubectl.run("delete pod web --timeout=20s") == 'pod "web" deleted\n'
    assert start + 25 <= kernel.now < start + 26  # back as soon as the watch saw DELETED
