"""The in-process ``kubectl exec`` (:mod:`k8s_internals.kubectl.exec`): the same checks and
the same texts as the real kubectl against ``k8s-internals serve`` (``tests/api/http/
test_exec.py``), on virtual time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from k8s_internals.cluster import Cluster

MANIFESTS = """\
apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
  - name: done
    image: busybox
    command: ["sh", "-c", "exit 0"]
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    kubectl.kubernetes.io/default-container: side
spec:
  containers:
  - name: nginx
    image: nginx:1.27
  - name: side
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ["true"]
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    c = Cluster(nodes=1, seed=0)
    c.apply(MANIFESTS)
    c.run()
    yield c
    c.close()


def _exec(cluster: Cluster, command: str, stdin: str | None = None) -> tuple[int, str, str]:
    r = cluster._kubectl.exec(command, stdin=stdin)
    return r.code, r.stdout, r.stderr


def test_exec_output_streams_and_exit_code(cluster: Cluster) -> None:
    assert _exec(cluster, "exec bb -c main -- sh -c 'echo $HOSTNAME; echo oops >&2'") == (
        0, "bb\n", "oops\n")
    assert _exec(cluster, "exec bb -c main -- sh -c 'echo before; exit 3'") == (
        3, "before\n", "command terminated with exit code 3\n")


def test_default_container(cluster: Cluster) -> None:
    assert _exec(cluster, "exec bb -- hostname") == (
        0, "bb\n", 'Defaulted container "main" out of: main, done\n')
    # the annotation picks without a word
    assert _exec(cluster, "exec web -- sh -c 'ls /usr/share/nginx 2>&1 | head -1'")[2] == ""


def test_stdin_and_sleeps_taking_no_virtual_time(cluster: Cluster) -> None:
    before = cluster.kernel.now
    assert _exec(cluster, "exec -i bb -c main -- cat", stdin="piped\n") == (0, "piped\n", "")
    assert _exec(cluster, "exec bb -c main -- sh -c 'sleep 30; echo late'") == (
        0, "late\n", "")
    assert cluster.kernel.now == before


def test_wget_to_a_pod_through_the_cluster_network(cluster: Cluster) -> None:
    ip = cluster._kubectl.exec("get pod web -o jsonpath={.status.podIP}").stdout
    code, out, _ = _exec(cluster, f"exec bb -c main -- wget -qO- http://{ip}")
    assert code == 0 and "Welcome to nginx!" in out


def test_error_texts(cluster: Cluster) -> None:
    assert _exec(cluster, "exec nope -- ls") == (
        1, "", 'Error from server (NotFound): pods "nope" not found\n')
    assert _exec(cluster, "exec bb -c nope -- ls") == (
        1, "", "Error from server (BadRequest): container nope is not valid for pod bb\n")
    assert _exec(cluster, "exec bb -c done -- ls") == (
        1, "", 'error: unable to upgrade connection: container not found ("done")\n')
    assert _exec(cluster, "exec bb -c main") == (
        1, "", "error: you must specify at least one command for the container\n")
    assert _exec(cluster, "exec once -- ls") == (
        1, "", "error: cannot exec into a container in a completed pod; current phase is "
               "Succeeded\n")
    code, _, err = _exec(cluster, "exec bb -c main -- nope")
    assert code == 1 and err.startswith("error: Internal error occurred: error executing "
                                        "command in container: failed to exec in container")


def test_the_old_form_without_dashes_is_deprecated(cluster: Cluster) -> None:
    code, out, err = _exec(cluster, "exec bb -c main hostname")
    assert (code, out) == (0, "bb\n")
    assert err == ("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future "
                   "version. Use kubectl exec [POD] -- [COMMAND] instead.\n")


def test_exec_is_authorized_as_create_on_pods_exec(cluster: Cluster) -> None:
    traces = [t for t in cluster.traces(resource="pods") if t.subresource == "exec"]
    assert traces and all(t.verb == "create" and t.user == "kubernetes-admin" for t in traces)
    assert {t.code for t in traces} >= {101, 400, 404}
