"""A CRI container runtime (containerd-like) on virtual time.

The kubelet never runs containers itself: it calls a runtime through the Container Runtime
Interface (``k8s.io/cri-api/pkg/apis/runtime/v1/api.proto``). This module is that runtime, with
the CRI's two services and their calls:

- ``RuntimeService``: :meth:`~ContainerRuntime.version`, :meth:`~ContainerRuntime.status`
  (``RuntimeReady``, ``NetworkReady``), :meth:`~ContainerRuntime.update_runtime_config` (the pod
  CIDR), :meth:`~ContainerRuntime.run_pod_sandbox` (the ``pause`` container + CNI ADD: the pod
  IP), :meth:`~ContainerRuntime.stop_pod_sandbox`, :meth:`~ContainerRuntime.remove_pod_sandbox`,
  :meth:`~ContainerRuntime.create_container`, :meth:`~ContainerRuntime.start_container`,
  :meth:`~ContainerRuntime.stop_container` (the image's stop signal, then ``SIGKILL`` when the
  timeout runs out), :meth:`~ContainerRuntime.remove_container`,
  :meth:`~ContainerRuntime.list_containers`, :meth:`~ContainerRuntime.container_status`,
  :meth:`~ContainerRuntime.exec_sync`, and the container logs (``ReadLogs``);
- ``ImageService``: :meth:`~ContainerRuntime.pull_image` (``size / bandwidth`` seconds; errors
  with containerd's texts), :meth:`~ContainerRuntime.image_status`,
  :meth:`~ContainerRuntime.list_images`, :meth:`~ContainerRuntime.remove_image`.

Calls that take time on a real node return a :class:`~k8s_internals.node.tasks.Task` (the
kubelet ``yield``\\ s it): ``RunPodSandbox`` :data:`SANDBOX_SECONDS`, ``CreateContainer``
:data:`CREATE_SECONDS`, ``StartContainer`` :data:`START_SECONDS`, ``PullImage`` the transfer
time. Ids are 64 hex digits from the kernel's seeded RNG, as containerd's random ids.

Container state changes are pushed to listeners (the kubelet's PLEG) as
:class:`ContainerEvent`\\ s — the CRI's ``GetContainerEvents`` stream.

A container that exits gets containerd's reason: ``Completed`` for exit code 0, ``Error``
otherwise; one that could not start: exit code 128, reason ``StartError`` and no start time.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from ..sim import Kernel
from .cni import CNI_NOT_INITIALIZED, BridgeNetwork, IPAMError
from .images import (
    PAUSE_IMAGE,
    CatalogImage,
    ImageStore,
    PullError,
    lookup,
    parse_image_ref,
    pull_error,
    resolve_argv,
    resolve_program,
)
from .process import (
    ConnectionRefused,
    FileSystem,
    HttpRequest,
    HttpResponse,
    Mount,
    NetworkHook,
    Process,
    StdinPipe,
)
from .tasks import Future, Task, spawn

__all__ = [
    "CONTAINER_CREATED",
    "CONTAINER_EXITED",
    "CONTAINER_RUNNING",
    "CREATE_SECONDS",
    "DEFAULT_BANDWIDTH",
    "RUNTIME_NAME",
    "RUNTIME_VERSION",
    "SANDBOX_SECONDS",
    "START_SECONDS",
    "CRIError",
    "Container",
    "ContainerConfig",
    "ContainerEvent",
    "ContainerRuntime",
    "LogLine",
    "Sandbox",
    "SandboxConfig",
]

RUNTIME_NAME = "containerd"
RUNTIME_VERSION = "1.7.24"
#: bytes per virtual second an image pull transfers (20 MB/s)
DEFAULT_BANDWIDTH = 20_000_000
#: a pull of an image already present still resolves the manifest with the registry
MANIFEST_SECONDS = 0.5
SANDBOX_SECONDS = 0.5
CREATE_SECONDS = 0.1
START_SECONDS = 0.1
#: lines of log kept per container (the kubelet rotates logs at ``containerLogMaxSize``)
MAX_LOG_LINES = 10_000

CONTAINER_CREATED = "CONTAINER_CREATED"
CONTAINER_RUNNING = "CONTAINER_RUNNING"
CONTAINER_EXITED = "CONTAINER_EXITED"
SANDBOX_READY = "SANDBOX_READY"
SANDBOX_NOTREADY = "SANDBOX_NOTREADY"


class CRIError(Exception):
    """A gRPC error from the runtime (``rpc error: code = ... desc = ...``)."""

    def __init__(self, message: str, code: str = "Unknown") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"rpc error: code = {self.code} desc = {self.message}"


@dataclass
class SandboxConfig:
    """``PodSandboxConfig``: what the kubelet asks for."""

    name: str
    namespace: str
    uid: str
    attempt: int = 0
    hostname: str = ""
    host_network: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    dns_servers: list[str] = field(default_factory=list)
    dns_searches: list[str] = field(default_factory=list)
    dns_options: list[str] = field(default_factory=list)


@dataclass
class Sandbox:
    id: str
    config: SandboxConfig
    created_at: float
    state: str = SANDBOX_READY
    ip: str = ""
    netns: str = ""
    pause: Process | None = None


@dataclass
class ContainerConfig:
    """``ContainerConfig``: the pod's container after the kubelet's expansion."""

    name: str
    image: str
    attempt: int = 0
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    working_dir: str = ""
    mounts: list[Mount] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    termination_message_path: str = "/dev/termination-log"
    #: ``stdin``, ``stdinOnce``, ``tty`` of the container spec (``kubectl run -it``)
    stdin: bool = False
    stdin_once: bool = False
    tty: bool = False


@dataclass
class LogLine:
    time: float
    stream: str
    text: str


@dataclass
class Container:
    """A container as ``ContainerStatus`` describes it."""

    id: str
    sandbox_id: str
    config: ContainerConfig
    image_ref: str  # the resolved reference (``docker.io/library/nginx:1.27``)
    image_id: str  # ``docker.io/library/nginx@sha256:...`` (the pod's ``imageID``)
    image: CatalogImage | None
    created_at: float
    state: str = CONTAINER_CREATED
    started_at: float | None = None
    finished_at: float | None = None
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    process: Process | None = None
    fs: FileSystem | None = None
    logs: list[LogLine] = field(default_factory=list)

    @property
    def pod_uid(self) -> str:
        return self.config.labels.get("io.kubernetes.pod.uid", "")


@dataclass
class ContainerEvent:
    """One ``ContainerEventResponse`` (the kubelet's PLEG input)."""

    type: str  # CONTAINER_CREATED_EVENT, CONTAINER_STARTED_EVENT, CONTAINER_STOPPED_EVENT...
    container_id: str
    sandbox_id: str
    pod_uid: str
    time: float


class ContainerRuntime:
    """One node's container runtime."""

    def __init__(
        self,
        kernel: Kernel,
        node_name: str,
        node_ip: str = "",
        *,
        images: ImageStore | None = None,
        bandwidth: float = DEFAULT_BANDWIDTH,
        sandbox_image: str = PAUSE_IMAGE,
        network: NetworkHook | None = None,
    ) -> None:
        self.kernel = kernel
        self.node_name = node_name
        self.node_ip = node_ip
        self.images = images if images is not None else ImageStore()
        self.bandwidth = bandwidth
        self.sandbox_image = sandbox_image
        self.cni = BridgeNetwork(node_name)
        #: how containers reach the cluster (``wget``, ``nslookup``): plugged in by the cluster
        self.network = network
        self.sandboxes: dict[str, Sandbox] = {}
        self.containers: dict[str, Container] = {}
        self._listeners: list[Callable[[ContainerEvent], None]] = []
        self.calls: list[tuple[float, str, str]] = []
        if sandbox_image not in self.images:
            self.images.add(sandbox_image, pinned=True)

    # -- plumbing ---------------------------------------------------------------------------

    def _id(self) -> str:
        return f"{self.kernel.rng.getrandbits(256):064x}"

    def _call(self, name: str, detail: str = "") -> None:
        self.calls.append((self.kernel.now, name, detail))
        del self.calls[:-500]

    def add_listener(self, fn: Callable[[ContainerEvent], None]) -> Callable[[], None]:
        """Subscribe to container events; returns an unsubscribe function."""
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None

    def _emit(self, kind: str, c: Container) -> None:
        ev = ContainerEvent(kind, c.id, c.sandbox_id, c.pod_uid, self.kernel.now)
        for fn in list(self._listeners):
            fn(ev)

    # -- runtime status ---------------------------------------------------------------------

    def version(self) -> dict[str, str]:
        return {"version": "0.1.0", "runtimeName": RUNTIME_NAME,
                "runtimeVersion": RUNTIME_VERSION, "runtimeApiVersion": "v1"}

    def status(self) -> dict[str, Any]:
        """``Status``: the ``RuntimeReady`` and ``NetworkReady`` conditions."""
        network: dict[str, Any] = {"type": "NetworkReady", "status": self.cni.ready}
        if not self.cni.ready:
            network.update(reason="NetworkPluginNotReady", message=CNI_NOT_INITIALIZED)
        return {"conditions": [{"type": "RuntimeReady", "status": True}, network]}

    def network_error(self) -> str:
        """The kubelet's ``runtimeState.networkErrors()`` text, or ``""``."""
        if self.cni.ready:
            return ""
        return ("container runtime network not ready: NetworkReady=false "
                f"reason:NetworkPluginNotReady message:{CNI_NOT_INITIALIZED}")

    def update_runtime_config(self, pod_cidr: str) -> bool:
        """``UpdateRuntimeConfig``: the pod CIDR; the CNI config is written from it."""
        self._call("UpdateRuntimeConfig", pod_cidr)
        return self.cni.configure(pod_cidr)

    # -- images -----------------------------------------------------------------------------

    def list_images(self) -> list[dict[str, Any]]:
        return [{"id": s.id, "repoTags": list(s.repo_tags), "repoDigests": list(s.repo_digests),
                 "size": str(s.size), "pinned": s.pinned} for s in self.images.list()]

    def image_status(self, ref: str) -> dict[str, Any] | None:
        s = self.images.get(ref)
        if s is None:
            return None
        return {"id": s.id, "repoTags": list(s.repo_tags), "repoDigests": list(s.repo_digests),
                "size": str(s.size), "pinned": s.pinned}

    def pull_image(self, ref: str) -> Task[str]:
        """``PullImage``: resolves to the image reference (``repo@sha256:...``) or fails with
        :class:`~k8s_internals.node.images.PullError`. Takes :data:`MANIFEST_SECONDS` when the
        content is already present, ``size / bandwidth`` when it is not."""
        self._call("PullImage", ref)
        return spawn(self.kernel, self._pull(ref), name=f"pull {ref}")

    def _pull(self, ref: str) -> Generator[Any, Any, str]:
        try:
            r = parse_image_ref(ref)
        except ValueError as exc:
            yield 0.0
            raise PullError(f'failed to pull and unpack image "{ref}": {exc}', "Unknown") from None
        cat = lookup(r)
        if cat is None:
            yield MANIFEST_SECONDS
            raise pull_error(ref)
        present = self.images.get(str(r))
        if present is not None and present.id == cat.id:
            yield MANIFEST_SECONDS
        else:
            yield cat.size / self.bandwidth
        stored = self.images.add(str(r))
        return stored.repo_digests[0]

    def pull_seconds(self, ref: str) -> float:
        """How long pulling ``ref`` would take now."""
        cat = lookup(ref)
        if cat is None:
            return MANIFEST_SECONDS
        present = self.images.get(ref)
        return MANIFEST_SECONDS if present is not None and present.id == cat.id else \
            cat.size / self.bandwidth

    def remove_image(self, ref: str) -> bool:
        self._call("RemoveImage", ref)
        return self.images.remove(ref)

    # -- sandboxes --------------------------------------------------------------------------

    def run_pod_sandbox(self, config: SandboxConfig) -> Task[str]:
        """``RunPodSandbox``: the pause container and (unless ``hostNetwork``) CNI ADD."""
        self._call("RunPodSandbox", f"{config.namespace}/{config.name}")
        return spawn(self.kernel, self._run_sandbox(config),
                     name=f"sandbox {config.namespace}/{config.name}")

    def _run_sandbox(self, config: SandboxConfig) -> Generator[Any, Any, str]:
        sid = self._id()
        if self.images.get(self.sandbox_image) is None:
            yield from self._pull(self.sandbox_image)
        yield SANDBOX_SECONDS
        sandbox = Sandbox(sid, config, self.kernel.now)
        if config.host_network:
            sandbox.ip = self.node_ip
        else:
            try:
                att = self.cni.add(sid, f"{config.namespace}/{config.name}")
            except IPAMError as exc:
                raise CRIError(f'failed to setup network for sandbox "{sid}": plugin '
                               f'type="bridge" name="cbr0" failed (add): {exc}') from None
            sandbox.ip, sandbox.netns = att.ip, att.netns
        image = lookup(self.sandbox_image)
        pause = Process(self.kernel, argv=["/pause"], env={}, hostname=config.hostname,
                        fs=FileSystem(), image=image, ip=sandbox.ip,
                        name=f"{config.name} pause", settle_window=0.0)
        program, _ = resolve_program(image, ["/pause"])
        if program is not None:
            pause.start(program)
        sandbox.pause = pause
        self.sandboxes[sid] = sandbox
        return sid

    def stop_pod_sandbox(self, sandbox_id: str) -> None:
        """``StopPodSandbox``: kill what still runs in it, tear the network down (CNI DEL)."""
        self._call("StopPodSandbox", sandbox_id[:13])
        sandbox = self.sandboxes.get(sandbox_id)
        if sandbox is None:
            return
        for c in list(self.containers.values()):
            if c.sandbox_id == sandbox_id and c.state == CONTAINER_RUNNING and c.process:
                c.process.signal("SIGKILL")
        if sandbox.pause is not None:
            sandbox.pause.signal("SIGKILL")
        if not sandbox.config.host_network:
            self.cni.delete(sandbox_id)
        sandbox.state = SANDBOX_NOTREADY

    def remove_pod_sandbox(self, sandbox_id: str) -> None:
        """``RemovePodSandbox``: also removes its containers."""
        self._call("RemovePodSandbox", sandbox_id[:13])
        sandbox = self.sandboxes.get(sandbox_id)
        if sandbox is None:
            return
        if sandbox.state == SANDBOX_READY:
            self.stop_pod_sandbox(sandbox_id)
        for c in [c for c in self.containers.values() if c.sandbox_id == sandbox_id]:
            self.remove_container(c.id)
        del self.sandboxes[sandbox_id]

    def list_pod_sandboxes(self, pod_uid: str | None = None) -> list[Sandbox]:
        out = [s for s in self.sandboxes.values() if pod_uid is None or s.config.uid == pod_uid]
        return sorted(out, key=lambda s: (s.created_at, s.config.attempt), reverse=True)

    def pod_sandbox_status(self, sandbox_id: str) -> Sandbox:
        sandbox = self.sandboxes.get(sandbox_id)
        if sandbox is None:
            raise CRIError(f'an error occurred when try to find sandbox "{sandbox_id}": not found',
                           "NotFound")
        return sandbox

    # -- containers -------------------------------------------------------------------------

    def create_container(self, sandbox_id: str, config: ContainerConfig) -> Task[str]:
        """``CreateContainer``: the container exists (``CONTAINER_CREATED``), not running."""
        self._call("CreateContainer", config.name)
        return spawn(self.kernel, self._create(sandbox_id, config), name=f"create {config.name}")

    def _create(self, sandbox_id: str, config: ContainerConfig) -> Generator[Any, Any, str]:
        yield CREATE_SECONDS
        sandbox = self.sandboxes.get(sandbox_id)
        if sandbox is None or sandbox.state != SANDBOX_READY:
            raise CRIError(f'failed to get sandbox "{sandbox_id}": not found', "NotFound")
        stored = self.images.get(config.image)
        if stored is None:
            raise CRIError(f'failed to get image "{config.image}": not found', "NotFound")
        cat = stored.image
        argv = resolve_argv(cat, config.command, config.args)
        cid = self._id()
        if not argv:
            raise CRIError(f'failed to generate container "{cid}" spec: failed to generate '
                           "spec: no command specified")
        ref = parse_image_ref(config.image)
        c = Container(cid, sandbox_id, config, str(ref), stored.repo_digests[0], cat,
                      self.kernel.now)
        c.fs = self._filesystem(c, sandbox)
        self.containers[cid] = c
        self._emit("CONTAINER_CREATED_EVENT", c)
        return cid

    def _filesystem(self, c: Container, sandbox: Sandbox) -> FileSystem:
        files = dict(c.image.files) if c.image else {}
        cfg = sandbox.config
        files["/etc/hostname"] = (cfg.hostname or self.node_name) + "\n"
        if cfg.dns_servers or cfg.dns_searches:
            lines = []
            if cfg.dns_searches:
                lines.append("search " + " ".join(cfg.dns_searches))
            lines += [f"nameserver {s}" for s in cfg.dns_servers]
            if cfg.dns_options:
                lines.append("options " + " ".join(cfg.dns_options))
            files["/etc/resolv.conf"] = "\n".join(lines) + "\n"
        fs = FileSystem(files, c.config.mounts)
        for path in list(files):
            d = posixpath.dirname(path)
            while d not in ("/", ""):
                fs.mkdir(d)
                d = posixpath.dirname(d)
        for m in c.config.mounts:
            path = posixpath.dirname(m.path) if m.file else m.path
            while path not in ("/", ""):
                fs.mkdir(path)
                path = posixpath.dirname(path)
        return fs

    def start_container(self, container_id: str) -> Task[None]:
        """``StartContainer``: run the program; fails (and leaves the container exited with
        ``StartError``) when the command is not in the image."""
        self._call("StartContainer", container_id[:13])
        return spawn(self.kernel, self._start(container_id), name=f"start {container_id[:13]}")

    def _start(self, container_id: str) -> Generator[Any, Any, None]:
        yield START_SECONDS
        c = self.containers.get(container_id)
        if c is None:
            raise CRIError(f'container "{container_id}" not found', "NotFound")
        if c.state != CONTAINER_CREATED:
            raise CRIError(f'container "{container_id}" is in {c.state} state',
                           "FailedPrecondition")
        sandbox = self.sandboxes.get(c.sandbox_id)
        if sandbox is None or sandbox.state != SANDBOX_READY:
            raise CRIError(f'failed to start container "{container_id}": sandbox '
                           f'"{c.sandbox_id}" is not ready', "FailedPrecondition")
        argv = resolve_argv(c.image, c.config.command, c.config.args)
        program, error = resolve_program(c.image, argv)
        if program is None:
            msg = ("failed to create containerd task: failed to create shim task: OCI runtime "
                   "create failed: runc create failed: unable to start container process: "
                   f"error during container init: {error}: unknown")
            c.state, c.exit_code, c.reason, c.message = CONTAINER_EXITED, 128, "StartError", msg
            c.finished_at = self.kernel.now
            self._emit("CONTAINER_STOPPED_EVENT", c)
            raise CRIError(msg)
        env = dict(c.image.env) if c.image else {}
        env.update(c.config.env)
        env.setdefault("HOSTNAME", sandbox.config.hostname or self.node_name)
        proc = Process(self.kernel, argv=argv, env=env,
                       hostname=sandbox.config.hostname or self.node_name, fs=c.fs or
                       FileSystem(), image=c.image, ip=sandbox.ip, network=self.network,
                       log=lambda stream, line: self._log(c, stream, line),
                       name=f"{sandbox.config.name}/{c.config.name}")
        if c.config.working_dir:
            proc.cwd = c.config.working_dir
        if c.config.stdin:  # an open stdin, for ``kubectl attach -i``
            proc.stdin_pipe = StdinPipe()
            proc.stdin_once, proc.tty = c.config.stdin_once, c.config.tty
        c.process = proc
        c.state = CONTAINER_RUNNING
        c.started_at = self.kernel.now
        proc.on_exit(lambda p: self._on_exit(c, p))
        self._emit("CONTAINER_STARTED_EVENT", c)
        proc.start(program)

    def _log(self, c: Container, stream: str, line: str) -> None:
        c.logs.append(LogLine(self.kernel.now, stream, line))
        if len(c.logs) > MAX_LOG_LINES:
            del c.logs[:len(c.logs) - MAX_LOG_LINES]

    def _on_exit(self, c: Container, proc: Process) -> None:
        if c.state != CONTAINER_RUNNING:
            return
        c.state = CONTAINER_EXITED
        c.exit_code = int(proc.exit_code or 0)
        c.finished_at = self.kernel.now
        c.reason = "Completed" if c.exit_code == 0 else "Error"
        if c.fs is not None and c.config.termination_message_path:
            try:
                c.message = c.fs.read(c.config.termination_message_path)
            except (FileNotFoundError, IsADirectoryError):
                c.message = ""
        self._emit("CONTAINER_STOPPED_EVENT", c)

    def stop_container(self, container_id: str, timeout: float) -> Task[None]:
        """``StopContainer``: send the image's stop signal (``STOPSIGNAL``, default SIGTERM);
        if the process has not exited after ``timeout`` seconds, ``SIGKILL`` (exit 137)."""
        self._call("StopContainer", f"{container_id[:13]} timeout={timeout:g}")
        return spawn(self.kernel, self._stop(container_id, timeout),
                     name=f"stop {container_id[:13]}")

    def _stop(self, container_id: str, timeout: float) -> Generator[Any, Any, None]:
        c = self.containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING or c.process is None:
            return
        proc = c.process
        signal = c.image.stop_signal if c.image else "SIGTERM"
        if timeout > 0:
            proc.signal(signal)
        if proc.exit_code is None and timeout > 0:
            done: Future[str] = Future(f"stop {container_id[:13]}")
            proc.on_exit(lambda p: done.set_result("exited"))
            timer = self.kernel.call_later(timeout, done.set_result, "timeout",
                                           name=f"stop timeout {c.config.name}")
            yield done
            timer.cancel()
        if proc.exit_code is None:
            proc.signal("SIGKILL")
        return

    def remove_container(self, container_id: str) -> None:
        """``RemoveContainer`` (its logs go with it)."""
        self._call("RemoveContainer", container_id[:13])
        c = self.containers.pop(container_id, None)
        if c is None:
            return
        if c.state == CONTAINER_RUNNING and c.process is not None:
            c.state = CONTAINER_EXITED
            c.process.signal("SIGKILL")
        self._emit("CONTAINER_DELETED_EVENT", c)

    def list_containers(self, pod_uid: str | None = None,
                        sandbox_id: str | None = None) -> list[Container]:
        """Containers, newest first."""
        out = [c for c in self.containers.values()
               if (pod_uid is None or c.pod_uid == pod_uid)
               and (sandbox_id is None or c.sandbox_id == sandbox_id)]
        return sorted(out, key=lambda c: (c.created_at, c.config.attempt), reverse=True)

    def container_status(self, container_id: str) -> Container:
        c = self.containers.get(container_id)
        if c is None:
            raise CRIError(f'an error occurred when try to find container "{container_id}": '
                           "not found", "NotFound")
        return c

    def exec_sync(self, container_id: str, argv: list[str]) -> tuple[int, str]:
        """``ExecSync``: run ``argv`` in the container; ``(exit code, output)``."""
        c = self.container_status(container_id)
        if c.state != CONTAINER_RUNNING or c.process is None:
            raise CRIError(f'container {container_id} is not in running state',
                           "FailedPrecondition")
        code, out = c.process.exec(argv)
        if code in (126, 127) and out.startswith("exec: "):
            raise CRIError(f"failed to exec in container: failed to start exec "
                           f'"{self._id()}": OCI runtime exec failed: exec failed: unable to '
                           f"start container process: {out}: unknown")
        return code, out

    # -- logs -------------------------------------------------------------------------------

    def read_logs(self, container_id: str, *, tail: int | None = None,
                  timestamps: bool = False, since: float | None = None,
                  limit_bytes: int | None = None) -> str:
        """The container's log, as ``kubectl logs`` prints it."""
        c = self.container_status(container_id)
        lines = [ln for ln in c.logs if since is None or ln.time >= since]
        if tail is not None and tail >= 0:
            lines = lines[-tail:] if tail else []
        out = []
        for ln in lines:
            prefix = ""
            if timestamps:
                dt = self.kernel.datetime(ln.time)
                prefix = dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond * 1000:09d}Z "
            out.append(prefix + ln.text + "\n")
        text = "".join(out)
        if limit_bytes is not None and limit_bytes >= 0:
            text = text.encode()[:limit_bytes].decode(errors="ignore")
        return text

    def cri_log(self, container_id: str) -> str:
        """The log file as containerd writes it (``<time> <stream> F <line>``)."""
        c = self.container_status(container_id)
        out = []
        for ln in c.logs:
            dt = self.kernel.datetime(ln.time)
            out.append(dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond * 1000:09d}Z "
                       f"{ln.stream} F {ln.text}\n")
        return "".join(out)

    # -- the network, as seen from the node -------------------------------------------------

    def find_process(self, ip: str, port: int) -> Process | None:
        """The running process listening on ``ip:port`` on this node."""
        for c in self.containers.values():
            if c.state != CONTAINER_RUNNING or c.process is None:
                continue
            sandbox = self.sandboxes.get(c.sandbox_id)
            if sandbox is None:
                continue
            if sandbox.config.host_network:
                match = ip in (self.node_ip, "127.0.0.1", "localhost")
            else:
                match = sandbox.ip == ip
            if match and c.process.is_listening(port):
                return c.process
        return None

    def http(self, ip: str, port: int, request: HttpRequest) -> HttpResponse:
        """Deliver an HTTP request to whatever listens on ``ip:port`` on this node (raises
        :class:`~k8s_internals.node.process.ConnectionRefused`)."""
        proc = self.find_process(ip, port)
        if proc is None:
            raise ConnectionRefused(f"dial tcp {ip}:{port}: connect: connection refused")
        return proc.http(port, request)
