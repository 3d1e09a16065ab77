"""``scale``, ``label``, ``annotate``, ``auth can-i``, ``logs``, ``api-resources``, ``version``,
``cluster-info`` and kubectl's error texts."""

from __future__ import annotations

from k8s_internals.api.errors import StatusError
from k8s_internals.client.client import Client
from k8s_internals.kubectl import Kubectl
from k8s_internals.kubectl.errors import format_error
from k8s_internals.sim import Kernel
from tests.kubectl.conftest import make_pod


def test_scale_label_annotate(kubectl: Kubectl, admin: Client) -> None:
    kubectl.run("create deployment kubia --image=luksa/kubia:v1")
    assert kubectl.run("scale deploy kubia --replicas=3") == "deployment.apps/kubia scaled\n"
    assert admin.get("deployments", "kubia", "default")["spec"]["replicas"] == 3
    assert kubectl.run("scale deploy/kubia --replicas=4 --current-replicas=2") == (
        "error: Expected replicas to be 2, was 3\n")
    assert kubectl.run("scale deploy kubia") == (
        "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal "
        "to 0\n")
    assert kubectl.run("scale deploy nope --replicas=3") == (
        'Error from server (NotFound): deployments.apps "nope" not found\n')
    assert kubectl.run("label deploy kubia app=other") == (
        "error: 'app' already has a value (kubia), and --overwrite is false\n")
    assert kubectl.run("label deploy kubia app=other --overwrite") == (
        "deployment.apps/kubia labeled\n")
    assert kubectl.run("label deploy kubia app=other --overwrite") == (
        "deployment.apps/kubia not labeled\n")
    assert kubectl.run("label deploy kubia app- tier=web") == "deployment.apps/kubia labeled\n"
    assert admin.get("deployments", "kubia", "default")["metadata"]["labels"] == {"tier": "web"}
    assert kubectl.run("annotate deploy kubia note=hi") == "deployment.apps/kubia annotated\n"
    assert kubectl.run("annotate deploy kubia note=bye") == (
        "error: --overwrite is false but found the following declared annotation(s): 'note' "
        "already has a value (hi)\n")
    assert kubectl.run("label deploy kubia --list") == "tier=web\n"


def test_auth_can_i(kubectl: Kubectl, alice: Client, kernel: Kernel) -> None:
    assert kubectl.run("auth can-i create pods") == "yes\n"
    assert kubectl.run("auth can-i list secrets -A") == "yes\n"
    as_alice = Kubectl(alice, kernel)
    r = as_alice.exec("auth can-i create deployments.apps")
    assert (r.text, r.code) == ("no\n", 1)
    assert as_alice.run("get pods") == (
        'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource '
        '"pods" in API group "" in the namespace "default"\n')


def test_logs(kubectl: Kubectl, admin: Client, api: object) -> None:
    assert kubectl.run("logs nope") == 'Error from server (NotFound): pods "nope" not found\n'
    make_pod(admin, "two", containers=[{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])
    assert kubectl.run("logs two") == (
        "error: a container name must be specified for pod two, choose one of: [a b]\n")
    api.log_provider = lambda pod, params: (  # type: ignore[attr-defined]
        f"hello from {pod['metadata']['name']}/{params.get('container')}\n")
    assert kubectl.run("logs two -c b") == "hello from two/b\n"
    make_pod(admin, "one")
    assert kubectl.run("logs one") == "hello from one/app\n"


def test_api_resources_and_version(kubectl: Kubectl) -> None:
    out = kubectl.run("api-resources").splitlines()
    assert out[0] == "NAME                       SHORTNAMES   APIVERSION                     " \
                     "NAMESPACED   KIND"
    assert out[1].split() == ["bindings", "v1", "true", "Binding"]
    assert "deployments                deploy       apps/v1                        true" \
           "         Deployment" in out
    assert kubectl.run("api-resources --namespaced=false --api-group=rbac.authorization.k8s.io"
                       " -o name") == (
        "clusterrolebindings.rbac.authorization.k8s.io\n"
        "clusterroles.rbac.authorization.k8s.io\n")
    wide = kubectl.run("api-resources -o wide --api-group=apps")
    assert "[create delete deletecollection get list patch update watch]   all" in wide
    assert kubectl.run("version") == (
        "Client Version: v1.32.4\nKustomize Version: v5.5.0\nServer Version: v1.32.0\n")
    assert kubectl.run("version --client") == (
        "Client Version: v1.32.4\nKustomize Version: v5.5.0\n")


def test_cluster_info(kubectl: Kubectl) -> None:
    assert kubectl.run("cluster-info") == (
        "\x1b[0;32mKubernetes control plane\x1b[0m is running at "
        "\x1b[0;33mhttps://127.0.0.1:6443\x1b[0m\n\n"
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")


def test_error_texts(kubectl: Kubectl) -> None:
    assert kubectl.run("frobnicate") == 'error: unknown command "frobnicate" for "kubectl"\n'
    assert kubectl.run("get pods -o jsonpath='{.items") == "error: No closing quotation\n"
    invalid = StatusError({"kind": "Status", "code": 422, "reason": "Invalid",
                           "message": "x", "details": {"kind": "Pod", "name": "web", "causes": [
                               {"field": "spec.a", "message": "Required value"},
                               {"field": "spec.b", "message": "Invalid value: 1"}]}})
    assert format_error(invalid) == (
        'The Pod "web" is invalid: \n* spec.a: Required value\n* spec.b: Invalid value: 1\n')
    assert format_error(StatusError({"code": 500, "message": "boom"})) == (
        "Error from server: boom\n")
    assert format_error(StatusError({"code": 401, "reason": "Unauthorized",
                                     "message": "Unauthorized"})) == (
        "error: You must be logged in to the server (Unauthorized)\n")
