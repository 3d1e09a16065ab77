"""A container's main process, as the image's program sees it, on virtual time.

A real container is a Linux process tree in its own namespaces; here it is a :class:`Process`
whose *program* (chosen by the image and the pod's ``command``/``args``, see
:mod:`k8s_internals.node.images`) is a generator run by the kernel
(:mod:`k8s_internals.node.tasks`). What a program can do:

- write to stdout/stderr (:meth:`Process.stdout`, :meth:`Process.stderr`) — the runtime keeps
  the lines with their timestamps, which is what ``kubectl logs`` reads;
- sleep (``yield proc.sleep(5)``) or wait forever (``yield proc.forever()``);
- listen on a TCP port with an HTTP handler (:meth:`Process.listen`) — what probes, ``curl``
  and Services reach;
- trap a signal (:meth:`Process.trap`); read and write its files (:class:`FileSystem`, with the
  pod's volumes mounted into it); exit with a code (``return code`` or :meth:`Process.exit`).
- read its stdin: all of it as ``stdin_text`` (``kubectl exec -i ... -- cat``), or line by line
  from an open :class:`StdinPipe` (a container with ``stdin: true``, ``kubectl attach``).

Linux semantics kept because they are what learners meet on real clusters:

- the program is PID 1 of its PID namespace, so a signal it has no handler for is *ignored*
  (``SIGKILL`` excepted): ``sleep 3600`` or ``node app.js`` ignore the kubelet's ``SIGTERM`` and
  are killed when the grace period runs out (exit code 137 = 128 + 9);
- a process killed by a signal exits with ``128 + signal number``.

*Settling*: a program's own timers are ordinary (work) kernel events while they fall within
:data:`SETTLE_WINDOW` seconds of the container's start, and background events after that. So a
short-lived program (``echo hi; sleep 2; exit 1``) or one that crashes after a second is part of
what ``Cluster.run()`` waits for, while ``sleep 3600`` or a logging loop is a steady state. This is
a simulator policy, not an upstream behaviour.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from ..sim import Kernel
from .tasks import Cancelled, Future, Sleep, Task

if TYPE_CHECKING:
    from .dns import DNSQuery
    from .images import CatalogImage

__all__ = [
    "SETTLE_WINDOW",
    "SIGNALS",
    "ConnectionRefused",
    "ExitProcess",
    "FileSystem",
    "HttpHandler",
    "HttpRequest",
    "HttpResponse",
    "Mount",
    "NetworkHook",
    "Process",
    "Program",
    "StdinPipe",
    "run_to_end",
]

#: seconds after a container starts during which its own timers count as work (see above)
SETTLE_WINDOW = 10.0

#: Linux signal numbers (``kill -l``)
SIGNALS = {"SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGKILL": 9, "SIGUSR1": 10, "SIGUSR2": 12,
           "SIGTERM": 15, "SIGWINCH": 28}

#: a program: a generator run on the kernel that returns the exit code (None means 0)
Program = Callable[["Process"], Generator[Any, Any, int | None]]


class ExitProcess(Exception):
    """Raised inside a program to exit with ``code`` (the shell's ``exit``)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ConnectionRefused(Exception):
    """Nothing listens on the address (``connect: connection refused``)."""


@dataclass
class HttpRequest:
    """An HTTP request as a handler sees it."""

    method: str = "GET"
    path: str = "/"
    headers: dict[str, str] = field(default_factory=dict)
    remote_addr: str = ""
    host: str = ""
    body: str = ""


@dataclass
class HttpResponse:
    """What a handler answers."""

    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


HttpHandler = Callable[[HttpRequest], HttpResponse]


class NetworkHook(Protocol):
    """How a container reaches the rest of the cluster (``wget``, ``nslookup``).

    The node package does not route packets: whoever assembles the cluster (kube-proxy, DNS)
    plugs an implementation into :attr:`k8s_internals.node.runtime.ContainerRuntime.network`.
    """

    def http(self, src_ip: str, url: str, request: HttpRequest) -> HttpResponse:
        """Send ``request`` to ``url`` from ``src_ip``; raise :class:`ConnectionRefused` or
        ``OSError`` with the text a client would print."""
        ...

    def resolve(self, src_ip: str, name: str) -> list[str]:
        """Resolve ``name`` as the pod's resolver would (empty list: NXDOMAIN)."""
        ...

    def query(self, src_ip: str, name: str) -> DNSQuery:
        """One A question for exactly ``name`` to the cluster DNS server, and its answer (what
        ``nslookup``, which does its own searching, sends)."""
        ...


@dataclass
class Mount:
    """A volume mounted at ``path``: ``files`` maps paths relative to the volume to contents.
    The dict is shared (an ``emptyDir`` seen by two containers is the same dict)."""

    path: str
    files: dict[str, str]
    read_only: bool = False
    name: str = ""
    #: a single file (a ``subPath`` of one key): its content is ``files["."]``
    file: bool = False


class FileSystem:
    """A container's files: the image's files, the writable layer, and mounted volumes."""

    def __init__(self, files: dict[str, str] | None = None,
                 mounts: Iterable[Mount] = ()) -> None:
        self.files: dict[str, str] = dict(files or {})
        self.dirs: set[str] = {"/", "/tmp", "/etc", "/var", "/root", "/home", "/proc", "/dev"}
        self.mounts = sorted(mounts, key=lambda m: len(m.path), reverse=True)

    @staticmethod
    def norm(path: str, cwd: str = "/") -> str:
        return posixpath.normpath(posixpath.join(cwd, path))

    def _where(self, path: str) -> tuple[dict[str, str], str, Mount | None]:
        for m in self.mounts:
            if m.file:
                if path == m.path:
                    return m.files, ".", m
                continue
            if path == m.path or path.startswith(m.path.rstrip("/") + "/"):
                return m.files, posixpath.relpath(path, m.path), m
        return self.files, path, None

    def exists(self, path: str) -> bool:
        return self.isfile(path) or self.isdir(path)

    def isfile(self, path: str) -> bool:
        store, key, _ = self._where(path)
        return key in store

    def isdir(self, path: str) -> bool:
        if path in self.dirs or any(path == m.path and not m.file for m in self.mounts):
            return True
        prefix = path.rstrip("/") + "/"
        store, key, mount = self._where(path)
        if mount is not None and mount.file:
            return False
        if mount is not None:
            sub = "" if key == "." else key.rstrip("/") + "/"
            return any(k.startswith(sub) for k in store) if sub else True
        return any(k.startswith(prefix) for k in self.files) or any(
            d.startswith(prefix) for d in self.dirs) or any(
            m.path.startswith(prefix) for m in self.mounts)

    def read(self, path: str) -> str:
        store, key, _ = self._where(path)
        if key not in store:
            if self.isdir(path):
                raise IsADirectoryError(path)
            raise FileNotFoundError(path)
        return store[key]

    def write(self, path: str, content: str, append: bool = False) -> None:
        store, key, mount = self._where(path)
        if mount is not None and mount.read_only:
            raise PermissionError(path)
        if self.isdir(path):
            raise IsADirectoryError(path)
        parent = posixpath.dirname(path)
        if not self.isdir(parent):
            raise FileNotFoundError(path)
        store[key] = (store.get(key, "") if append else "") + content

    def remove(self, path: str) -> None:
        store, key, mount = self._where(path)
        if mount is not None and mount.read_only:
            raise PermissionError(path)
        if key not in store:
            raise FileNotFoundError(path)
        del store[key]

    def mkdir(self, path: str) -> None:
        self.dirs.add(path)

    def listdir(self, path: str) -> list[str]:
        if not self.isdir(path):
            raise FileNotFoundError(path)
        names: set[str] = set()
        prefix = "" if path == "/" else path.rstrip("/")
        for p in list(self.files) + sorted(self.dirs) + [m.path for m in self.mounts]:
            if p.startswith(prefix + "/") and p != path:
                names.add(p[len(prefix) + 1:].split("/", 1)[0])
        store, key, mount = self._where(path)
        if mount is not None and not mount.file:
            sub = "" if key == "." else key.rstrip("/") + "/"
            for k in store:
                if k.startswith(sub):
                    names.add(k[len(sub):].split("/", 1)[0])
        return sorted(n for n in names if n)


class StdinPipe:
    """An open stdin (a container with ``stdin: true``, or ``kubectl exec -i`` into an
    interactive shell): the text a client writes, read a line at a time by
    ``yield pipe.read_line()`` (``None`` once it is closed and drained)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.partial = ""
        self.closed = False
        self._waiter: Future[str | None] | None = None

    def write(self, text: str) -> None:
        if self.closed:
            return
        *lines, self.partial = (self.partial + text).split("\n")
        self.lines += lines
        self._wake()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.partial:
            self.lines.append(self.partial)
            self.partial = ""
        self._wake()

    def read_line(self) -> Future[str | None]:
        fut: Future[str | None] = Future("stdin")
        self._waiter = fut
        self._wake()
        return fut

    def _wake(self) -> None:
        w = self._waiter
        if w is None or w.done():
            return
        if self.lines:
            self._waiter = None
            w.set_result(self.lines.pop(0))
        elif self.closed:
            self._waiter = None
            w.set_result(None)



def run_to_end(gen: Generator[Any, Any, Any], max_steps: int) -> int:
    """Drive a synchronous child's program (``sync``: it never really sleeps) to its end: its
    exit code, or ``-1`` when it has not finished within ``max_steps`` yields (it is closed)."""
    try:
        for _ in range(max_steps):
            gen.send(None)
    except StopIteration as stop:
        return int(stop.value)
    gen.close()
    return -1

class Process:
    """The container's main process (PID 1)."""

    def __init__(
        self,
        kernel: Kernel,
        *,
        argv: list[str],
        env: dict[str, str],
        hostname: str,
        fs: FileSystem,
        image: CatalogImage | None = None,
        ip: str = "",
        log: Callable[[str, str], None] | None = None,
        network: NetworkHook | None = None,
        name: str = "",
        settle_window: float = SETTLE_WINDOW,
    ) -> None:
        self.kernel = kernel
        self.argv = list(argv)
        self.env = dict(env)
        self.hostname = hostname
        self.fs = fs
        self.image = image
        self.ip = ip
        self.network = network
        self.name = name or hostname
        self.cwd = "/"
        self._log = log or (lambda stream, line: None)
        self._partial = {"stdout": "", "stderr": ""}
        self.ports: dict[int, HttpHandler] = {}
        self.traps: dict[str, Callable[[], None]] = {}
        self.ignored_signals: list[str] = []
        self.pending_signals: list[str] = []
        self.exit_code: int | None = None
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.settle_window = settle_window
        self.settle_until = kernel.now + settle_window
        self._task: Task[Any] | None = None
        self._exit_callbacks: list[Callable[[Process], None]] = []
        self.sync = False  # exec / command substitution: sleeps take no time
        #: what the program reads on stdin (``kubectl exec -i``: all of it, once it ended)
        self.stdin_text = ""
        #: an open stdin read line by line (``stdin: true``; ``stdinOnce``: closed when the
        #: first attached client leaves) and whether it is a terminal (``tty: true``)
        self.stdin_pipe: StdinPipe | None = None
        self.stdin_once = False
        self.tty = False

    # -- what programs call ------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.kernel.now

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.exit_code is None

    def sleep(self, seconds: float) -> Sleep:
        """``yield proc.sleep(s)``: background once past the settle window (see module doc)."""
        seconds = max(0.0, float(seconds))
        if self.sync:
            return Sleep(0.0)
        return Sleep(seconds, background=self.kernel.now + seconds > self.settle_until)

    def forever(self) -> Future[Any]:
        """``yield proc.forever()``: wait until a signal ends the process."""
        return Future(f"{self.name} forever")

    def stdout(self, text: str) -> None:
        self._write("stdout", text)

    def stderr(self, text: str) -> None:
        self._write("stderr", text)

    def _write(self, stream: str, text: str) -> None:
        buf = self._partial[stream] + text
        *lines, rest = buf.split("\n")
        self._partial[stream] = rest
        for line in lines:
            self._log(stream, line)

    def flush(self) -> None:
        for stream, rest in self._partial.items():
            if rest:
                self._log(stream, rest)
                self._partial[stream] = ""

    def listen(self, port: int, handler: HttpHandler) -> None:
        self.ports[int(port)] = handler

    def unlisten(self, port: int) -> None:
        self.ports.pop(int(port), None)

    def trap(self, signal: str, handler: Callable[[], None] | None) -> None:
        """Install (or with None remove) a handler for ``signal`` (``SIGTERM``...)."""
        sig = _signal_name(signal)
        if handler is None:
            self.traps.pop(sig, None)
        else:
            self.traps[sig] = handler

    def exit(self, code: int = 0) -> NoReturn:
        """Exit from inside the program."""
        raise ExitProcess(code)

    def terminate(self, code: int) -> None:
        """End the process now with ``code`` (a signal handler's ``exit``)."""
        if self.exit_code is not None:
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._finish(code)

    # -- what the runtime calls --------------------------------------------------------------

    def start(self, program: Program) -> None:
        self.started_at = self.kernel.now
        self.settle_until = self.kernel.now + self.settle_window
        self._task = Task(self.kernel, self.main(program), name=f"process {self.name}")
        self._task.add_done_callback(self._on_task_done)
        self._task.start()

    def main(self, program: Program) -> Generator[Any, Any, int]:
        """Run ``program`` as this process's main: its return value (or ``exit``) is the exit
        code."""
        try:
            code = yield from program(self)
        except ExitProcess as exc:
            return exc.code
        return 0 if code is None else int(code)

    def _on_task_done(self, task: Future[Any]) -> None:
        err = task.exception()
        if err is None:
            self._finish(int(task.result()))
        elif not isinstance(err, Cancelled):
            self.stderr(f"panic: {type(err).__name__}: {err}\n")
            self._finish(2)

    def _finish(self, code: int) -> None:
        if self.exit_code is not None:
            return
        self.flush()
        self.exit_code = code
        self.finished_at = self.kernel.now
        self.ports.clear()
        callbacks, self._exit_callbacks = self._exit_callbacks, []
        for fn in callbacks:
            fn(self)

    def on_exit(self, fn: Callable[[Process], None]) -> None:
        if self.exit_code is not None:
            fn(self)
        else:
            self._exit_callbacks.append(fn)

    def signal(self, signal: str) -> None:
        """Deliver a signal. PID 1 ignores signals it has no handler for, except SIGKILL."""
        sig = _signal_name(signal)
        if self.exit_code is not None:
            return
        if sig == "SIGKILL":
            self.terminate(128 + SIGNALS["SIGKILL"])
            return
        handler = self.traps.get(sig)
        if handler is None:
            self.ignored_signals.append(sig)
            return
        handler()

    def http(self, port: int, request: HttpRequest) -> HttpResponse:
        """An HTTP request to this process's ``port`` (raises :class:`ConnectionRefused`)."""
        handler = self.ports.get(int(port))
        if handler is None or self.exit_code is not None:
            raise ConnectionRefused(port)
        return handler(request)

    def is_listening(self, port: int) -> bool:
        return int(port) in self.ports and self.exit_code is None

    def exec(self, argv: list[str], max_steps: int = 10_000) -> tuple[int, str]:
        """Run ``argv`` inside the container (``kubectl exec``, exec probes), synchronously:
        returns ``(exit code, combined output)``. Sleeps take no time; a program that does not
        finish within ``max_steps`` yields counts as timed out (``exit code -1``)."""
        from .images import resolve_program

        out: list[str] = []
        child = Process(self.kernel, argv=argv, env=self.env, hostname=self.hostname, fs=self.fs,
                        image=self.image, ip=self.ip, network=self.network,
                        log=lambda stream, line: out.append(line), name=f"{self.name} exec")
        child.sync = True
        program, error = resolve_program(self.image, argv)
        if program is None:
            return 126 if error.startswith("OCI runtime exec failed") else 127, error
        code = run_to_end(child.main(program), max_steps)
        child.flush()
        text = "\n".join(out)
        return code, text + ("\n" if out else "")


def _signal_name(signal: str) -> str:
    sig = signal.upper()
    if sig.isdigit():
        for name, num in SIGNALS.items():
            if num == int(sig):
                return name
    return sig if sig.startswith("SIG") else "SIG" + sig
