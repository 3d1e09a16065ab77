"""``%kubectl`` / ``%etcdctl``: the line goes to the cluster, the output is printed as is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from k8s_internals import magics
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.kubectl import Kubectl
from k8s_internals.sim import Kernel


class Recorder:
    """A stand-in Cluster that records what it is asked."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[tuple[str, str, str | None]] = []

    def kubectl(self, cmd: str, stdin: str | None = None) -> str:
        self.calls.append(("kubectl", cmd, stdin))
        return f"{self.name}: kubectl {cmd}\n"

    def etcdctl(self, cmd: str) -> str:
        self.calls.append(("etcdctl", cmd, None))
        return f"{self.name}: etcdctl {cmd}\n"


class SimCluster:
    """Enough of a Cluster over an assembled API server: kubectl as admin, etcdctl."""

    def __init__(self, api: APIServer, admin: Client, kernel: Kernel) -> None:
        self.api = api
        self._kubectl = Kubectl(admin, kernel)

    def kubectl(self, cmd: str, stdin: str | None = None) -> str:
        return self._kubectl.run(cmd, stdin=stdin)

    def etcdctl(self, cmd: str) -> str:
        return self.api.etcdctl(cmd)


@pytest.fixture
def shell() -> Iterator[InteractiveShell]:
    ip = InteractiveShell.instance()
    magics._CLUSTERS.clear()
    magics._ORDER.clear()
    yield ip
    magics._CLUSTERS.clear()
    magics._ORDER.clear()


def test_registering_a_cluster_loads_the_magics(shell: InteractiveShell,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    lab = Recorder("lab")
    assert magics.register_cluster(lab) == "lab"
    assert "kubectl" in shell.magics_manager.magics["line"]
    assert "etcdctl" in shell.magics_manager.magics["cell"]
    shell.run_line_magic("kubectl", "get pods -o wide")
    shell.run_line_magic("etcdctl", "get /registry/pods --prefix --keys-only")
    assert capsys.readouterr().out == ("lab: kubectl get pods -o wide\n"
                                       "lab: etcdctl get /registry/pods --prefix --keys-only\n")


def test_most_recent_cluster_or_by_name(shell: InteractiveShell,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("load_ext", "k8s_internals.magics")
    first, second = Recorder("first"), Recorder("second")
    magics.register_cluster(first)
    magics.register_cluster(second)
    shell.run_line_magic("kubectl", "get nodes")
    shell.run_line_magic("kubectl", "--cluster=first get nodes")
    shell.run_line_magic("kubectl", "--cluster first get ns")
    shell.run_line_magic("kubectl", "--cluster=nope get ns")
    captured = capsys.readouterr()
    assert captured.out == ("second: kubectl get nodes\n"
                            "first: kubectl get nodes\n"
                            "first: kubectl get ns\n")
    assert "no cluster named 'nope' (known: first, second)" in captured.err
    anonymous = Recorder("")
    assert magics.register_cluster(anonymous) == "cluster-3"


def test_cell_magic_stdin_and_lines(shell: InteractiveShell,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    lab = Recorder("lab")
    magics.register_cluster(lab)
    manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n"
    shell.run_cell_magic("kubectl", "apply -f -", manifest)
    shell.run_cell_magic("kubectl", "", "get pods\n\n# a comment\nget svc\n")
    shell.run_cell_magic("etcdctl", "get /a", "get /b\n")
    assert lab.calls == [("kubectl", "apply -f -", manifest), ("kubectl", "get pods", None),
                         ("kubectl", "get svc", None), ("etcdctl", "get /a", None),
                         ("etcdctl", "get /b", None)]
    capsys.readouterr()


def test_no_cluster(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    magics.load_ipython_extension(shell)
    shell.run_line_magic("kubectl", "get pods")
    assert "no cluster yet" in capsys.readouterr().err


def test_output_is_exactly_what_the_cluster_prints(shell: InteractiveShell, api: APIServer,
                                                   admin: Client, kernel: Kernel,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cluster = SimCluster(api, admin, kernel)
    magics.register_cluster(cluster, "sim")
    manifest = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
                "data:\n  colour: blue\n")
    shell.run_cell_magic("kubectl", "apply -f -", manifest)
    assert capsys.readouterr().out == "configmap/settings created\n"
    expected = cluster.kubectl("get configmaps")
    shell.run_line_magic("kubectl", "get configmaps")
    assert capsys.readouterr().out == expected
    expected = cluster.etcdctl("get /registry/configmaps/default/settings --keys-only")
    shell.run_line_magic("etcdctl", "get /registry/configmaps/default/settings --keys-only")
    out = capsys.readouterr().out
    assert out == expected and out.startswith("/registry/configmaps/default/settings")


def test_clusters_are_held_weakly(shell: InteractiveShell) -> None:
    magics.register_cluster(Recorder("gone"))
    assert "gone" not in magics.clusters()
    kept: Any = Recorder("kept")
    magics.register_cluster(kept)
    assert magics.current_cluster() is kept
