"""Streaming ``exec`` in a running container (:mod:`k8s_internals.node.kubelet.exec`), on
virtual time: output as written, stdin, the TTY's line discipline, the final status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from k8s_internals.cluster import Cluster
from k8s_internals.node.kubelet.exec import (
    AttachSession,
    ExecResult,
    ExecSession,
    exec_status,
    exec_sync,
    find_container,
    kubelet_lookup,
)
from k8s_internals.node.runtime import Container

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: talker
spec:
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "while true; do echo out; echo err >&2; sleep 1; done"]
---
apiVersion: v1
kind: Pod
metadata:
  name: shell
spec:
  containers:
  - name: main
    image: busybox
    command: ["sh"]
    stdin: true
    stdinOnce: true
    tty: true
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    c = Cluster(nodes=1, seed=0)
    c.apply(POD)
    c.run()
    yield c
    c.close()


@pytest.fixture
def container(cluster: Cluster) -> Container:
    lookup = kubelet_lookup(cluster.api.log_provider)
    assert lookup is not None
    kubelet = lookup("node-1")
    assert kubelet is not None
    pod = cluster.admin.get("pods", "bb", "default")
    return find_container(kubelet, pod, "main")


class Recorder:
    def __init__(self) -> None:
        self.out: list[tuple[int, bytes]] = []
        self.result: ExecResult | None = None

    def emit(self, channel: int, data: bytes) -> None:
        self.out.append((channel, data))

    def done(self, result: ExecResult) -> None:
        assert self.result is None
        self.result = result

    def text(self, channel: int = 1) -> str:
        return b"".join(d for c, d in self.out if c == channel).decode()


def _session(cluster: Cluster, container: Container, argv: list[str], *, stdin: bool = False,
             tty: bool = False) -> tuple[ExecSession, Recorder]:
    rec = Recorder()
    s = ExecSession(cluster.kernel, container, argv, stdin=stdin, tty=tty, emit=rec.emit,
                    done=rec.done)
    s.start()
    return s, rec


def test_output_comes_as_written_on_the_kernels_time(cluster: Cluster,
                                                     container: Container) -> None:
    _, rec = _session(cluster, container, ["sh", "-c", "echo a; echo e >&2; sleep 2; echo b"])
    cluster.kernel.run_for(1)
    assert (rec.text(1), rec.text(2), rec.result) == ("a\n", "e\n", None)
    cluster.kernel.run_for(1.5)
    assert (rec.text(1), rec.result) == ("a\nb\n", ExecResult(code=0))


def test_stdin_is_read_once_it_ends(cluster: Cluster, container: Container) -> None:
    s, rec = _session(cluster, container, ["wc", "-l"], stdin=True)
    s.stdin(b"one\n")
    s.stdin(b"two\n")
    cluster.kernel.run_for(0.1)
    assert rec.result is None  # still reading
    s.close_stdin()
    cluster.kernel.run_for(0.1)
    assert rec.text().split() == ["2"] and rec.result == ExecResult(code=0)
    # a command that does not read stdin starts at once
    s, rec = _session(cluster, container, ["hostname"], stdin=True)
    cluster.kernel.run_for(0.1)
    assert (rec.text(), rec.result) == ("bb\n", ExecResult(code=0))
    s.stdin(b"ignored\n")
    s.close_stdin()


def test_an_interactive_shell_runs_each_line_as_it_arrives(cluster: Cluster,
                                                           container: Container) -> None:
    s, rec = _session(cluster, container, ["sh"], stdin=True)
    s.stdin(b"echo one\nx=2; echo $")
    cluster.kernel.run_for(0.1)
    assert rec.text() == "one\n"
    s.stdin(b"x\nexit 7\n")
    cluster.kernel.run_for(0.1)
    assert rec.text() == "one\n2\n" and rec.result == ExecResult(code=7)


def test_a_tty_echoes_edits_and_merges_stderr(cluster: Cluster, container: Container) -> None:
    s, rec = _session(cluster, container, ["sh"], stdin=True, tty=True)
    cluster.kernel.run_for(0.1)
    assert rec.text() == "/ # "
    s.stdin(b"ecko\x7f\x7fho hi; ls /nope\r")
    cluster.kernel.run_for(0.1)
    assert rec.text() == ("/ # ecko\x08 \x08\x08 \x08ho hi; ls /nope\r\n"
                          "hi\r\nls: /nope: No such file or directory\r\n/ # ")
    assert rec.text(2) == ""  # a terminal has one output
    s.stdin(b"half\x03")
    cluster.kernel.run_for(0.1)
    assert rec.text().endswith("/ # half^C\r\n/ # ")
    s.stdin(b"\x04")
    cluster.kernel.run_for(0.1)
    # the shell exits with the last command's status (``ls /nope``)
    assert rec.text().endswith("/ # exit\r\n") and rec.result == ExecResult(code=1)


def test_ctrl_c_ends_a_running_command_and_a_lost_client_kills_it(
        cluster: Cluster, container: Container) -> None:
    s, rec = _session(cluster, container, ["sleep", "100"], stdin=False, tty=True)
    s.use_stdin = True  # as with -it
    cluster.kernel.run_for(1)
    s.stdin(b"\x03")
    assert rec.result == ExecResult(code=130)
    s, rec = _session(cluster, container, ["sleep", "100"])
    cluster.kernel.run_for(1)
    s.kill()
    assert rec.result == ExecResult(code=137)


def test_a_missing_program_is_an_error_not_an_exit_code(cluster: Cluster,
                                                        container: Container) -> None:
    _, rec = _session(cluster, container, ["nope"])
    assert rec.result is not None and rec.result.code is None
    assert rec.result.error.endswith('exec: "nope": executable file not found in $PATH: '
                                     "unknown")


def test_exec_sync_keeps_the_streams_apart(container: Container) -> None:
    result, out = exec_sync(container, ["sh", "-c", "echo o; echo e >&2; exit 2"])
    assert result == ExecResult(code=2)
    assert out == [("stdout", "o\n"), ("stderr", "e\n")]


def test_statuses() -> None:
    assert exec_status(ExecResult(code=0), ["ls"]) == {"metadata": {}, "status": "Success"}
    assert exec_status(ExecResult(code=3), ["sh", "-c", "exit 3"]) == {
        "metadata": {}, "status": "Failure",
        "message": "command terminated with non-zero exit code: error executing command "
                   "[sh -c exit 3], exit code 3",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}}
    failed = exec_status(ExecResult(error="boom"), ["x"])
    assert (failed["code"], failed["reason"], failed["message"]) == (
        500, "InternalError",
        "Internal error occurred: error executing command in container: boom")


def test_find_container_says_what_the_kubelet_says(cluster: Cluster) -> None:
    lookup = kubelet_lookup(cluster.api.log_provider)
    assert lookup is not None and kubelet_lookup(lambda pod, params: "") is None
    kubelet = lookup("node-1")
    assert kubelet is not None
    pod = cluster.admin.get("pods", "bb", "default")
    with pytest.raises(LookupError, match=r'^container not found \("other"\)$'):
        find_container(kubelet, pod, "other")


def test_attach_follows_the_main_process_until_it_exits(cluster: Cluster) -> None:
    lookup = kubelet_lookup(cluster.api.log_provider)
    assert lookup is not None
    kubelet = lookup("node-1")
    assert kubelet is not None
    talker = find_container(kubelet, cluster.admin.get("pods", "talker", "default"), "main")
    assert talker.process is not None
    rec = Recorder()
    a = AttachSession(cluster.kernel, talker, stdin=False, tty=False, emit=rec.emit,
                      done=rec.done)
    a.start()
    cluster.kernel.run_for(2.5)
    assert (rec.text(1), rec.text(2)) in (("out\n" * 2, "err\n" * 2), ("out\n" * 3, "err\n" * 3))
    a.kill()  # detach: the process goes on, nothing more arrives
    seen = list(rec.out)
    cluster.kernel.run_for(2)
    assert rec.out == seen and talker.process.exit_code is None
    b = AttachSession(cluster.kernel, talker, stdin=False, tty=True, emit=rec.emit,
                      done=rec.done)
    b.start()
    cluster.kernel.run_for(1)
    # a TTY: one stream, CRLF
    assert rec.out[len(seen):] == [(1, b"out\r\n"), (1, b"err\r\n")]
    talker.process.terminate(0)
    assert rec.result == ExecResult(code=0)


def test_attach_to_a_shell_with_an_open_stdin(cluster: Cluster) -> None:
    """``kubectl run -it ... -- sh``: the container's shell waits for what is typed; the
    first client to leave closes its stdin (``stdinOnce``) and the shell exits."""
    lookup = kubelet_lookup(cluster.api.log_provider)
    assert lookup is not None
    kubelet = lookup("node-1")
    assert kubelet is not None
    shell = find_container(kubelet, cluster.admin.get("pods", "shell", "default"), "main")
    assert shell.process is not None and shell.process.exit_code is None  # still waiting
    rec = Recorder()
    a = AttachSession(cluster.kernel, shell, stdin=True, tty=True, emit=rec.emit,
                      done=rec.done)
    a.start()
    a.stdin(b"\r")  # "If you don't see a command prompt, try pressing enter."
    cluster.kernel.run_for(0.1)
    a.stdin(b"echo $HOSTNAME\r")
    cluster.kernel.run_for(0.1)
    assert rec.text() == "\r\n/ # echo $HOSTNAME\r\nshell\r\n/ # "
    a.kill()  # detach: stdinOnce closes the shell's stdin
    cluster.kernel.run_for(0.1)
    assert shell.process.exit_code == 0
    assert shell.logs[-1].text == "/ # exit"  # what the shell wrote, in its log
