"""``exec`` into a running container: the kubelet's streaming side of ``kubectl exec``.

Upstream the API server dials the kubelet (``pkg/registry/core/pod/rest/subresources.go``,
``ExecREST.Connect`` → ``pod.ExecLocation``), the kubelet redirects to the runtime's streaming
server (``pkg/kubelet/cri/streaming``), and containerd runs the command as a new process in
the container's namespaces and cgroup (``runc exec``). The result travels back as the
``remotecommand`` protocol: stdout, stderr, and a final ``Status`` (Success, or Failure with
reason ``NonZeroExitCode`` and a cause ``ExitCode`` carrying the code —
``pkg/kubelet/cri/streaming/remotecommand/exec.go``, ``ServeExec``).

Here the command is an :class:`ExecProcess`, a
:class:`~k8s_internals.node.process.Process` that shares the container's filesystem, network
(IP, DNS, the Services), hostname and environment, run on the kernel like the container's own
process (so ``sleep 2`` takes two seconds of the kernel's time: wall-clock seconds under
``k8s-internals serve``). :class:`ExecSession` streams what it writes, as it writes it,
through an ``emit(channel, bytes)`` callback; :func:`exec_sync` runs a command to completion
at once (sleeps take no time) for the in-process kubectl. :class:`AttachSession` is ``kubectl
attach`` (``AttachContainer``): the container's own process, and its stdin when the pod spec
opens one (``stdin: true``, as ``kubectl run -it ... -- sh`` makes: the shell then reads
commands line by line, :func:`~k8s_internals.node.shell.interactive`).

Simplified:

- stdin (``-i``): the simulated programs read their stdin as one string, so a command that
  reads it (``cat``, ``wc``, ``grep``, ``head``, ``tail``, ``sh -c ...``) starts when stdin
  ends (v5's close signal, or the connection closing), with all of it; other commands start at
  once and ignore it; ``sh`` with no arguments and ``-i`` is a line-by-line interactive shell
  instead (each line runs as it arrives);
- a TTY (``-t``) is a small line discipline: echo, backspace, ``Enter``, ``Ctrl-C`` (drops the
  line, or ends a running command with 130), ``Ctrl-D`` (end of input), ``\\n`` → ``\\r\\n``
  on output, stderr merged into stdout, the prompt ``/ # ``; no job control, no escape
  sequences, window size changes are recorded only;
- there is no separate streaming server, no idle timeouts.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..images import resolve_program
from ..process import Process, Program, StdinPipe, run_to_end
from ..runtime import CONTAINER_RUNNING, Container

if TYPE_CHECKING:
    from ...sim import Kernel
    from .kubelet import Kubelet

__all__ = [
    "AttachSession",
    "ExecProcess",
    "ExecResult",
    "ExecSession",
    "LineDiscipline",
    "container_not_found",
    "exec_status",
    "exec_sync",
    "find_container",
    "kubelet_lookup",
]

JSON = dict[str, Any]

#: channel numbers of ``remotecommand`` (``apimachinery/pkg/util/remotecommand``)
STDOUT, STDERR = 1, 2

_SHELLS = ("sh", "ash", "bash")


@dataclass
class ExecResult:
    """How an exec ended: an exit code, or an error that kept the command from running."""

    code: int | None = None
    error: str = ""


def exec_status(result: ExecResult, argv: list[str]) -> JSON:
    """The ``Status`` written on the error channel (``ServeExec``): ``Success``; ``Failure``
    with ``NonZeroExitCode`` and the ``ExitCode`` cause (the message is containerd's
    ``error executing command [...], exit code N`` wrapped by the kubelet); or an
    ``InternalError`` when the command could not be started."""
    if result.error:
        message = f"error executing command in container: {result.error}"
        return {"metadata": {}, "status": "Failure",
                "message": f"Internal error occurred: {message}", "reason": "InternalError",
                "details": {"causes": [{"message": message}]}, "code": 500}
    if not result.code:
        return {"metadata": {}, "status": "Success"}
    go_argv = "[" + " ".join(argv) + "]"
    return {"metadata": {}, "status": "Failure",
            "message": "command terminated with non-zero exit code: error executing command "
                       f"{go_argv}, exit code {result.code}",
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": str(result.code)}]}}


def container_not_found(container: str) -> str:
    """The kubelet's answer for a container that is not running (``GetExec`` →
    ``findContainer``; kubectl prints ``error: unable to upgrade connection: <this>``)."""
    return f'container not found ("{container}")'


def kubelet_lookup(log_provider: Any) -> Callable[[str], Kubelet | None] | None:
    """The node → kubelet lookup the cluster gave the API server with its ``pods/log``
    provider (:func:`~.logs.make_log_provider`); None when the API server has no kubelets in
    its process (``k8s-internals run apiserver``)."""
    return getattr(log_provider, "kubelet_for", None)


def find_container(kubelet: Kubelet, pod: JSON, container: str) -> Container:
    """The running container ``container`` of ``pod`` on ``kubelet`` (the newest attempt);
    raises ``LookupError`` with the kubelet's text when there is none."""
    meta = pod.get("metadata") or {}
    local = kubelet.find_pod(meta.get("namespace", ""), meta.get("name", ""))
    uid = ((local or {}).get("metadata") or {}).get("uid", "")
    if local is not None:
        for c in kubelet.runtime.list_containers(pod_uid=uid):
            if c.config.name == container and c.state == CONTAINER_RUNNING and \
                    c.process is not None:
                return c
    raise LookupError(container_not_found(container))


class ExecProcess(Process):
    """The exec'd command: a process beside the container's main one, in its namespaces.

    Output is not split into log lines: each write goes to ``sink(stream, text)`` as is."""

    def __init__(self, main: Process, argv: list[str],
                 sink: Callable[[str, str], None]) -> None:
        super().__init__(main.kernel, argv=argv, env=main.env, hostname=main.hostname,
                         fs=main.fs, image=main.image, ip=main.ip, network=main.network,
                         name=f"{main.name} exec")
        self.sink = sink

    def _write(self, stream: str, text: str) -> None:
        if text:
            self.sink(stream, text)

    def flush(self) -> None:
        return None


def _start_error(container_id: str, argv: list[str], error: str) -> str:
    """containerd's text for a command that cannot start (as ``ExecSync`` reports it). The
    exec id is derived from the container and the command (containerd draws a random one;
    the kernel's random generator is left alone so that an exec changes nothing else)."""
    exec_id = hashlib.sha256(f"{container_id}\0{argv!r}".encode()).hexdigest()
    return (f'failed to exec in container: failed to start exec "{exec_id}": OCI '
            f"runtime exec failed: exec failed: unable to start container process: {error}: "
            "unknown")


def _is_interactive_shell(argv: list[str]) -> bool:
    return len(argv) == 1 and posixpath.basename(argv[0]) in _SHELLS


#: the applets that read stdin (``_input`` in :mod:`k8s_internals.node.shell`) and the shells,
#: whose scripts may pipe it on: with ``-i`` these wait for stdin to end; anything else
#: starts at once and never reads it (as ``ls`` or ``wget`` would not)
_STDIN_READERS = frozenset({"cat", "wc", "grep", "head", "tail", *_SHELLS})


def _reads_stdin(argv: list[str]) -> bool:
    return bool(argv) and posixpath.basename(argv[0]) in _STDIN_READERS


class LineDiscipline:
    """A TTY in canonical mode, as seen by what runs behind it: it echoes what is typed (the
    client's terminal is raw), erases with backspace, hands over whole lines on ``Enter``,
    turns ``Ctrl-C`` into an interrupt and ``Ctrl-D`` on an empty line into end of input."""

    def __init__(self, echo: Callable[[bytes], None], line: Callable[[str], None],
                 interrupt: Callable[[], None], eof: Callable[[], None]) -> None:
        self.echo = echo
        self.on_line = line
        self.on_interrupt = interrupt
        self.on_eof = eof
        self.line = ""

    def feed(self, text: str) -> None:
        for ch in text:
            if ch in "\r\n":
                line, self.line = self.line, ""
                self.echo(b"\r\n")
                self.on_line(line)
            elif ch in "\x7f\x08":
                if self.line:
                    self.line = self.line[:-1]
                    self.echo(b"\x08 \x08")
            elif ch == "\x03":  # ^C: SIGINT
                self.line = ""
                self.echo(b"^C\r\n")
                self.on_interrupt()
            elif ch == "\x04":  # ^D: end of input on an empty line
                if not self.line:
                    self.on_eof()
                    return
            elif ch >= " " or ch == "\t":
                self.line += ch
                self.echo(ch.encode())


def _tty_text(text: str) -> bytes:
    """``onlcr``: what a terminal shows for ``text``."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


class ExecSession:
    """One streaming exec, driven from the loop thread.

    ``emit(channel, data)`` receives stdout (1) and stderr (2) as written; ``done(result)`` is
    called once, when the command exits (or could not start). Feed the client's input with
    :meth:`stdin`, :meth:`close_stdin`, :meth:`resize`; :meth:`kill` ends it (the client went
    away)."""

    def __init__(self, kernel: Kernel, container: Container, argv: list[str], *,
                 stdin: bool, tty: bool, emit: Callable[[int, bytes], None],
                 done: Callable[[ExecResult], None]) -> None:
        self.kernel = kernel
        self.container = container
        self.argv = list(argv)
        self.use_stdin = stdin
        self.tty = tty
        self.emit = emit
        self.done = done
        self.process: ExecProcess | None = None
        self.result: ExecResult | None = None
        self.sizes: list[tuple[int, int]] = []
        self.repl = stdin and _is_interactive_shell(self.argv)
        self.pipe = StdinPipe() if self.repl else None
        self.buffered = ""  # stdin of a command that reads it whole
        self.stdin_closed = False
        self.discipline = LineDiscipline(lambda b: self.emit(STDOUT, b),
                                         lambda line: self._add(line + "\n"),
                                         self._interrupt, self.close_stdin)
        self._program: Program | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        main = self.container.process
        assert main is not None
        program, error = resolve_program(self.container.image, self.argv)
        if program is None:
            self._finish(ExecResult(error=_start_error(self.container.id, self.argv, error)))
            return
        self.process = ExecProcess(main, self.argv, self._sink)
        self.process.settle_window = 0.0
        self.process.stdin_pipe, self.process.tty = self.pipe, self.tty
        # the command lives in the container's cgroup: it dies with the container
        main.on_exit(lambda p: self.kill())
        self._program = program
        if self.use_stdin and not self.repl and _reads_stdin(self.argv):
            return  # the command starts when stdin ends (see the module's docstring)
        self._run()

    def _run(self) -> None:
        proc, program = self.process, self._program
        assert proc is not None and program is not None
        proc.stdin_text = self.buffered
        proc.on_exit(lambda p: self._finish(ExecResult(code=p.exit_code)))
        proc.start(program)

    def _finish(self, result: ExecResult) -> None:
        if self.result is not None:
            return
        self.result = result
        self.done(result)

    def kill(self) -> None:
        """The client went away: SIGKILL the command (it is not PID 1: it cannot ignore it)."""
        if self.process is not None and self.process.started_at is not None:
            self.process.terminate(137)
        elif self.result is None:
            self._finish(ExecResult(code=137))

    # -- output ------------------------------------------------------------------------------

    def _sink(self, stream: str, text: str) -> None:
        if self.tty:
            self.emit(STDOUT, _tty_text(text))
        else:
            self.emit(STDERR if stream == "stderr" else STDOUT, text.encode())

    # -- input -------------------------------------------------------------------------------

    def stdin(self, data: bytes) -> None:
        """Bytes on the stdin channel."""
        if not self.use_stdin or self.stdin_closed:
            return
        text = data.decode(errors="replace")
        if self.tty:
            self.discipline.feed(text)
        else:
            self._add(text)

    def _add(self, text: str) -> None:
        if self.pipe is not None:
            self.pipe.write(text)
        else:
            self.buffered += text

    def _interrupt(self) -> None:
        if self.pipe is not None and self.process is not None and \
                self.process.exit_code is None:
            self.pipe.write("\n")  # the shell drops the line and prompts again
        elif self.process is not None and self.process.started_at is not None:
            self.process.terminate(130)
        elif self.result is None:
            self._finish(ExecResult(code=130))

    def close_stdin(self) -> None:
        """The client closed stdin (v5's close signal, or the TTY's ``Ctrl-D``)."""
        if self.stdin_closed:
            return
        self.stdin_closed = True
        if self.pipe is not None:
            self.pipe.close()
        elif self.use_stdin and self.process is not None and self.process.started_at is None \
                and self.result is None:
            self._run()

    def resize(self, data: bytes) -> None:
        """A ``TerminalSize`` on the resize channel (recorded: nothing draws to a width)."""
        _record_size(self.sizes, data)


def _record_size(sizes: list[tuple[int, int]], data: bytes) -> None:
    try:
        size = json.loads(data)
        sizes.append((int(size.get("Width", 0)), int(size.get("Height", 0))))
    except (ValueError, AttributeError, TypeError):
        return


class AttachSession:
    """``kubectl attach``: the container's own process, from now on — what it writes, until it
    exits (``AttachContainer``; the status is then ``Success``) — and, when the container has
    ``stdin: true``, its stdin (``kubectl run -it ... -- sh``: the shell reads what is typed).
    Detaching (:meth:`kill`, the client went away) leaves the process running; with
    ``stdinOnce`` it also closes the process's stdin, as the runtime does after the first
    attach.

    Simplified: the container's program reads stdin only if it is an interactive shell; a TTY
    is the same small line discipline as for ``exec``."""

    def __init__(self, kernel: Kernel, container: Container, *, stdin: bool, tty: bool,
                 emit: Callable[[int, bytes], None],
                 done: Callable[[ExecResult], None]) -> None:
        self.kernel = kernel
        self.container = container
        self.use_stdin = stdin
        self.tty = tty
        self.emit = emit
        self.done = done
        self.attached = False
        self.result: ExecResult | None = None
        self.sizes: list[tuple[int, int]] = []
        self.discipline = LineDiscipline(lambda b: self.emit(STDOUT, b),
                                         lambda line: self._write(line + "\n"),
                                         self._interrupt, self.close_stdin)

    def start(self) -> None:
        proc = self.container.process
        assert proc is not None
        self.attached = True
        inner = proc._log
        ends = "\r\n" if self.tty else "\n"

        def tee(stream: str, line: str) -> None:
            inner(stream, line)
            if self.attached and not (proc.stdin_pipe is not None and proc.tty):
                self.emit(STDOUT if self.tty or stream != "stderr" else STDERR,
                          (line + ends).encode())

        proc._log = tee
        if proc.stdin_pipe is not None and proc.tty:
            # a terminal shows what is written as it is written, partial lines included
            write = proc._write

            def raw(stream: str, text: str) -> None:
                if self.attached:
                    self.emit(STDOUT, _tty_text(text))
                write(stream, text)

            proc._write = raw  # type: ignore[method-assign]
        proc.on_exit(lambda p: self._finish())

    def _finish(self) -> None:
        if self.result is None and self.attached:
            self.attached = False
            self.result = ExecResult(code=0)
            self.done(self.result)

    def _pipe(self) -> StdinPipe | None:
        proc = self.container.process
        return proc.stdin_pipe if proc is not None and self.use_stdin else None

    def _write(self, text: str) -> None:
        pipe = self._pipe()
        if pipe is not None and self.attached:
            pipe.write(text)

    def _interrupt(self) -> None:
        self._write("\n")

    def stdin(self, data: bytes) -> None:
        text = data.decode(errors="replace")
        if self.tty:
            self.discipline.feed(text)
        else:
            self._write(text)

    def close_stdin(self) -> None:
        pipe = self._pipe()
        if pipe is not None and self.container.process is not None and \
                self.container.process.stdin_once:
            pipe.close()

    def resize(self, data: bytes) -> None:
        _record_size(self.sizes, data)

    def kill(self) -> None:
        if self.attached:
            self.close_stdin()
        self.attached = False


def exec_sync(container: Container, argv: list[str], stdin: str = "",
              max_steps: int = 100_000) -> tuple[ExecResult, list[tuple[str, str]]]:
    """Run ``argv`` in ``container`` to completion, at once (sleeps take no time), for the
    in-process kubectl: the result and what it wrote, as ``(stream, text)`` in order."""
    main = container.process
    assert main is not None
    program, error = resolve_program(container.image, argv)
    if program is None:
        return ExecResult(error=_start_error(container.id, argv, error)), []
    out: list[tuple[str, str]] = []
    child = ExecProcess(main, argv, lambda stream, text: out.append((stream, text)))
    child.sync = True
    child.stdin_text = stdin
    return ExecResult(code=run_to_end(child.main(program), max_steps)), out

