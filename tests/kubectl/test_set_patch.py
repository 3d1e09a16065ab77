"""``kubectl set image`` and ``kubectl patch``: the patches sent, the objects changed and the
texts printed (upstream's ``set_image.go`` and ``patch.go``)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.kubectl import Kubectl
from tests.kubectl.conftest import make_pod


def _image(admin: Client, name: str = "kubia") -> str:
    d = admin.get("deployments", name, "default")
    return str(d["spec"]["template"]["spec"]["containers"][0]["image"])


def test_set_image_sends_a_strategic_merge_patch(kubectl: Kubectl, admin: Client,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    kubectl.run("create deployment kubia --image=luksa/kubia:v1")
    sent: list[tuple[Any, ...]] = []
    real = admin.patch

    def recording(resource: Any, name: str, patch: Any, namespace: str = "",
                  **kw: Any) -> dict[str, Any]:
        sent.append((name, patch, kw.get("patch_type"), kw.get("field_manager")))
        return real(resource, name, patch, namespace, **kw)

    monkeypatch.setattr(admin, "patch", recording)
    assert kubectl.run("set image deployment/kubia kubia=luksa/kubia:v2") == (
        "deployment.apps/kubia image updated\n")
    assert _image(admin) == "luksa/kubia:v2"
    assert sent == [("kubia",
                     '{"spec":{"template":{"spec":{"$setElementOrder/containers":'
                     '[{"name":"kubia"}],"containers":[{"image":"luksa/kubia:v2",'
                     '"name":"kubia"}]}}}}', "strategic", "kubectl-set")]
    managers = [m["manager"] for m in
                admin.get("deployments", "kubia", "default")["metadata"]["managedFields"]]
    assert "kubectl-set" in managers


def test_set_image_no_change_unknown_container_and_wildcard(kubectl: Kubectl,
                                                            admin: Client) -> None:
    kubectl.run("create deployment kubia --image=luksa/kubia:v1")
    assert kubectl.run("set image deploy kubia kubia=luksa/kubia:v1") == ""   # nothing sent
    assert kubectl.run("set image deploy kubia web=nginx") == (
        'error: unable to find container named "web"\n')
    assert kubectl.last is not None and kubectl.last.code == 1
    assert kubectl.run("set image deploy kubia *=nginx:1.27") == (
        "deployment.apps/kubia image updated\n")
    assert _image(admin) == "nginx:1.27"
    assert kubectl.run("set image deploy kubia") == "error: at least one image update is required\n"
    assert kubectl.run("set image kubia=nginx") == (
        "error: one or more resources must be specified as <resource> <name> or "
        "<resource>/<name>\n")
    assert kubectl.run("set image deploy kubia a=b extra") == (
        "error: all resources must be specified before image changes: extra\n")
    kubectl.run("create configmap cm --from-literal=a=b")
    assert kubectl.run("set image configmap/cm a=b") == (
        "error: configmap/cm the object is not a pod or does not have a pod template: "
        "*v1.ConfigMap\n")


def test_set_image_on_a_pod_and_init_containers(kubectl: Kubectl, admin: Client) -> None:
    make_pod(admin, "p", initContainers=[{"name": "init", "image": "busybox"}])
    assert kubectl.run("set image pod/p init=busybox:1.36") == "pod/p image updated\n"
    pod = admin.get("pods", "p", "default")
    assert pod["spec"]["initContainers"][0]["image"] == "busybox:1.36"
    assert kubectl.run("set image pod/p init=busybox:1.37 -o name") == "pod/p\n"


@pytest.mark.parametrize(("kind", "patch", "expect"), [
    ("strategic", '{"spec":{"replicas":3}}', 3),
    ("merge", "spec:\n  replicas: 4\n", 4),                 # YAML is turned into JSON
    ("json", '[{"op":"replace","path":"/spec/replicas","value":5}]', 5),
])
def test_patch_types(kubectl: Kubectl, admin: Client, kind: str, patch: str,
                     expect: int) -> None:
    kubectl.run("create deployment kubia --image=luksa/kubia:v1")
    out = kubectl.run(["patch", "deployment", "kubia", "--type", kind, "-p", patch])
    assert out == "deployment.apps/kubia patched\n"
    assert admin.get("deployments", "kubia", "default")["spec"]["replicas"] == expect
    again = kubectl.run(["patch", "deployment", "kubia", "--type", kind, "-p", patch])
    assert again == "deployment.apps/kubia patched (no change)\n"


def test_patch_errors(kubectl: Kubectl) -> None:
    kubectl.run("create deployment kubia --image=luksa/kubia:v1")
    assert kubectl.run("patch deploy kubia") == (
        "error: must specify --patch or --patch-file containing the contents of the patch\n")
    assert kubectl.run(["patch", "deploy", "kubia", "--type", "apply", "-p", "{}"]) == (
        'error: --type must be one of [json merge strategic], not "apply"\n')
    assert kubectl.run(["patch", "deploy", "nope", "-p", "{}"]) == (
        'Error from server (NotFound): deployments.apps "nope" not found\n')
    out = kubectl.run(["patch", "deploy", "kubia", "-p", '{"spec":{"replicas":-1}}'])
    assert out.startswith('The Deployment "kubia" is invalid: spec.replicas: Invalid value: -1')
