"""The kubelet's side of the CRI: turn "this pod should run" into runtime calls.

Upstream: ``pkg/kubelet/kuberuntime/kuberuntime_manager.go`` (``computePodActions``,
``SyncPod``, ``doBackOff``, ``killPodWithSyncResult``) and ``kuberuntime_container.go``
(``startContainer``, ``killContainer``).

``SyncPod`` in order: compute what changed; kill the pod if its sandbox must be re-created (or
nothing should run any more), else kill the containers that must go (failed liveness/startup
probe, changed definition); create the sandbox (``RunPodSandbox``: the pod IP); start the next
init container; start the containers that should run. Starting one container is: back-off check
(``CrashLoopBackOff``), image (:mod:`.image_manager`), ``CreateContainer``, ``StartContainer`` —
with the events ``Pulling``/``Pulled``/``Created``/``Started``, or ``Failed``/``BackOff``.

The restart back-off (``doBackOff``) is measured from the last run's ``finishedAt``: the first
restart is immediate, then 10 s, 20 s, 40 s, ... 300 s; the delay resets when the container's
previous run ended more than 10 minutes after the last back-off update.

``killContainer`` runs the ``preStop`` hook, then ``StopContainer`` with the grace period
(``deletionGracePeriodSeconds``, else ``terminationGracePeriodSeconds``, at least 2 s), with the
event ``Killing`` ``Stopping container app``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...client.record import EVENT_NORMAL, EVENT_WARNING
from ...sim import Kernel
from ..process import HttpRequest, Mount
from ..runtime import (
    CONTAINER_CREATED,
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    ContainerConfig,
    ContainerRuntime,
    CRIError,
    SandboxConfig,
)
from ..tasks import Cancelled, Task, spawn
from . import events
from .backoff import Backoff, go_duration
from .image_manager import ImageManager
from .status import PodRuntimeStatus, pod_sandbox_changed, should_container_be_restarted

__all__ = [
    "ERR_CRASH_LOOP_BACKOFF",
    "ERR_CREATE_CONTAINER",
    "ERR_CREATE_CONTAINER_CONFIG",
    "ERR_RUN_CONTAINER",
    "ContainerConfigError",
    "ContainerOptions",
    "PodActions",
    "RuntimeHelper",
    "RuntimeManager",
    "SyncResult",
    "container_hash",
    "format_pod",
]

ERR_CRASH_LOOP_BACKOFF = "CrashLoopBackOff"
ERR_CREATE_CONTAINER_CONFIG = "CreateContainerConfigError"
ERR_CREATE_CONTAINER = "CreateContainerError"
ERR_RUN_CONTAINER = "RunContainerError"
ERR_KILL_CONTAINER = "KillContainerError"
ERR_CREATE_POD_SANDBOX = "CreatePodSandboxError"
#: ``minimumGracePeriodInSeconds``
MINIMUM_GRACE_PERIOD = 2

JSON = dict[str, Any]
Gen = Generator[Any, Any, Any]


class ContainerConfigError(Exception):
    """``CreateContainerConfigError``: the container's configuration cannot be made (a missing
    ConfigMap key, ...)."""


@dataclass
class ContainerOptions:
    """``RunContainerOptions``: what the kubelet adds to a container."""

    env: dict[str, str]
    mounts: list[Mount] = field(default_factory=list)


class RuntimeHelper(Protocol):
    """What the runtime manager needs from the kubelet."""

    def record(self, pod: JSON, event_type: str, reason: str, message: str,
               field_path: str = "") -> None: ...

    def sandbox_config(self, pod: JSON, attempt: int) -> SandboxConfig: ...

    def container_options(self, pod: JSON, container: JSON, pod_ip: str) -> ContainerOptions:
        ...

    def liveness_failed(self, container_id: str) -> bool: ...

    def startup_failed(self, container_id: str) -> bool: ...


@dataclass
class SyncResult:
    """``kubecontainer.SyncResult``: one action of a sync and how it went."""

    action: str  # StartContainer, KillContainer, CreatePodSandbox, KillPodSandbox, ...
    target: str
    error: str = ""
    message: str = ""
    #: seconds until the failure is worth retrying (back-offs)
    retry_after: float | None = None


@dataclass
class KillInfo:
    name: str
    container: JSON
    message: str
    reason: str


@dataclass
class PodActions:
    """``podActions``."""

    kill_pod: bool = False
    create_sandbox: bool = False
    sandbox_id: str = ""
    attempt: int = 0
    next_init_container: JSON | None = None
    sidecars_to_start: list[JSON] = field(default_factory=list)
    containers_to_start: list[int] = field(default_factory=list)
    containers_to_kill: dict[str, KillInfo] = field(default_factory=dict)


def format_pod(pod: JSON) -> str:
    """``format.Pod``: ``name_namespace(uid)``."""
    m = pod.get("metadata") or {}
    return f"{m.get('name', '')}_{m.get('namespace', '')}({m.get('uid', '')})"


def container_hash(container: JSON) -> str:
    """``HashContainer``: a hash of the container's spec (resources excluded)."""
    c = {k: v for k, v in container.items() if k != "resources"}
    return f"{int(hashlib.sha256(json.dumps(c, sort_keys=True).encode()).hexdigest()[:8], 16):x}"


def _field_path(pod: JSON, name: str) -> str:
    spec = pod.get("spec") or {}
    if any(c.get("name") == name for c in spec.get("initContainers") or []):
        return f"spec.initContainers{{{name}}}"
    return f"spec.containers{{{name}}}"


def _spec_of(pod: JSON, name: str) -> JSON | None:
    spec = pod.get("spec") or {}
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            if c.get("name") == name:
                return c  # type: ignore[no-any-return]
    return None


def _expand(value: str, env: dict[str, str]) -> str:
    """``expansion.Expand``: ``$(VAR)`` → value; ``$$`` → ``$``; unknown left as is."""
    out = []
    i, n = 0, len(value)
    while i < n:
        if value[i] == "$" and i + 1 < n:
            if value[i + 1] == "$":
                out.append("$")
                i += 2
                continue
            if value[i + 1] == "(":
                j = value.find(")", i + 2)
                if j > 0:
                    name = value[i + 2:j]
                    out.append(env[name] if name in env else value[i:j + 1])
                    i = j + 1
                    continue
        out.append(value[i])
        i += 1
    return "".join(out)


class RuntimeManager:
    """``kubeGenericRuntimeManager``."""

    def __init__(self, kernel: Kernel, runtime: ContainerRuntime, helper: RuntimeHelper,
                 backoff: Backoff, images: ImageManager) -> None:
        self.kernel = kernel
        self.runtime = runtime
        self.helper = helper
        self.backoff = backoff
        self.images = images

    # -- state --------------------------------------------------------------------------------

    def get_pod_status(self, uid: str) -> PodRuntimeStatus:
        """``GetPodStatus``."""
        return PodRuntimeStatus(uid, self.runtime.list_pod_sandboxes(uid),
                                self.runtime.list_containers(pod_uid=uid))

    # -- computePodActions ----------------------------------------------------------------------

    def compute_pod_actions(self, pod: JSON, status: PodRuntimeStatus) -> PodActions:
        spec = pod.get("spec") or {}
        policy = spec.get("restartPolicy", "Always")
        create, attempt, sid = pod_sandbox_changed(pod, status)
        actions = PodActions(kill_pod=create, create_sandbox=create, sandbox_id=sid,
                             attempt=attempt)
        containers = spec.get("containers") or []
        inits = [c for c in spec.get("initContainers") or []]
        if create:
            if policy != "Always" and attempt != 0 and status.containers:
                actions.create_sandbox = False
                return actions
            to_start = []
            for i, c in enumerate(containers):
                last = status.find(c["name"])
                if policy == "OnFailure" and last is not None and \
                        last.state == CONTAINER_EXITED and last.exit_code == 0:
                    continue
                to_start.append(i)
            if not to_start and not inits:
                actions.create_sandbox = False
                return actions
            if inits:
                actions.next_init_container = inits[0]
                return actions
            actions.containers_to_start = to_start
            return actions
        # init containers, one at a time, in order
        if inits:
            last_status, nxt, done = self._next_init_container(pod, status)
            if not done:
                if nxt is not None:
                    failed = last_status is not None and last_status.state == CONTAINER_EXITED \
                        and last_status.exit_code != 0 and nxt.get("restartPolicy") != "Always"
                    if failed and policy == "Never":
                        actions.kill_pod = True
                    else:
                        actions.next_init_container = nxt
                return actions
            actions.sidecars_to_start = self._dead_sidecars(pod, status)
        keep = 0
        for i, c in enumerate(containers):
            cs = status.find(c["name"])
            if cs is None or cs.state != CONTAINER_RUNNING:
                if should_container_be_restarted(c, pod, status):
                    actions.containers_to_start.append(i)
                continue
            restart = policy != "Never"
            if cs.config.annotations.get("io.kubernetes.container.hash") != container_hash(c):
                message, reason, restart = f"Container {c['name']} definition changed", "", True
            elif self.helper.liveness_failed(cs.id):
                message, reason = f"Container {c['name']} failed liveness probe", "LivenessProbe"
            elif self.helper.startup_failed(cs.id):
                message, reason = f"Container {c['name']} failed startup probe", "StartupProbe"
            else:
                keep += 1
                continue
            if restart:
                message = f"{message}, will be restarted"
                actions.containers_to_start.append(i)
            actions.containers_to_kill[cs.id] = KillInfo(c["name"], c, message, reason)
        if keep == 0 and not actions.containers_to_start and not actions.sidecars_to_start:
            actions.kill_pod = True
        return actions

    def _next_init_container(self, pod: JSON, status: PodRuntimeStatus
                             ) -> tuple[Any, JSON | None, bool]:
        """``findNextInitContainerToRun`` (with sidecars, ``restartPolicy: Always`` init
        containers, which count as done once running): ``(last failed status, next to run,
        all done)``."""
        inits = (pod.get("spec") or {}).get("initContainers") or []
        containers = (pod.get("spec") or {}).get("containers") or []
        # a regular container runs: every init container ran at some point
        for c in containers:
            cs = status.find(c["name"])
            if cs is not None and cs.state == CONTAINER_RUNNING:
                return None, None, True
        for c in inits:
            cs = status.find(c["name"])
            if c.get("restartPolicy") == "Always":
                if cs is None or cs.state != CONTAINER_RUNNING:
                    return cs, c, False
                continue
            if cs is None:
                return None, c, False
            if cs.state in (CONTAINER_RUNNING, CONTAINER_CREATED):
                return None, None, False
            if cs.exit_code != 0:
                return cs, c, False
        return None, None, True

    def _dead_sidecars(self, pod: JSON, status: PodRuntimeStatus) -> list[JSON]:
        """Sidecars (``restartPolicy: Always`` init containers) to restart after
        initialization."""
        if (pod.get("metadata") or {}).get("deletionTimestamp"):
            return []
        out = []
        for c in (pod.get("spec") or {}).get("initContainers") or []:
            if c.get("restartPolicy") != "Always":
                continue
            cs = status.find(c["name"])
            if cs is None or cs.state != CONTAINER_RUNNING:
                out.append(c)
        return out

    # -- SyncPod --------------------------------------------------------------------------------

    def sync_pod(self, pod: JSON, status: PodRuntimeStatus) -> Generator[Any, Any,
                                                                          list[SyncResult]]:
        """``SyncPod``: returns the results of the actions it took."""
        results: list[SyncResult] = []
        actions = self.compute_pod_actions(pod, status)
        if actions.kill_pod:
            results += yield from self.kill_pod(pod, status, None)
            if actions.create_sandbox:
                for c in status.containers:
                    if _is_init(pod, c.config.name):
                        self.runtime.remove_container(c.id)
        else:
            for cid, info in actions.containers_to_kill.items():
                try:
                    yield from self.kill_container(pod, cid, info.container, info.message,
                                                   info.reason)
                    results.append(SyncResult("KillContainer", info.name))
                except CRIError as exc:
                    results.append(SyncResult("KillContainer", info.name, ERR_KILL_CONTAINER,
                                              str(exc)))
                    return results
        sandbox_id = actions.sandbox_id
        if actions.create_sandbox:
            if actions.attempt > 0:
                self.helper.record(pod, EVENT_NORMAL, events.SANDBOX_CHANGED,
                                   "Pod sandbox changed, it will be killed and re-created.")
            try:
                sandbox_id = yield self.runtime.run_pod_sandbox(
                    self.helper.sandbox_config(pod, actions.attempt))
            except CRIError as exc:
                self.helper.record(pod, EVENT_WARNING, events.FAILED_CREATE_POD_SANDBOX,
                                   f"Failed to create pod sandbox: {exc}")
                results.append(SyncResult("CreatePodSandbox", format_pod(pod),
                                          ERR_CREATE_POD_SANDBOX, str(exc)))
                return results
            results.append(SyncResult("CreatePodSandbox", format_pod(pod)))
        if not sandbox_id:
            return results
        try:
            pod_ip = self.runtime.pod_sandbox_status(sandbox_id).ip
        except CRIError:
            return results
        if actions.next_init_container is not None:
            r = yield from self._start(pod, status, actions.next_init_container, sandbox_id,
                                       pod_ip)
            results.append(r)
            return results
        for sidecar in actions.sidecars_to_start:
            r = yield from self._start(pod, status, sidecar, sandbox_id, pod_ip)
            results.append(r)
        containers = (pod.get("spec") or {}).get("containers") or []
        for i in actions.containers_to_start:
            r = yield from self._start(pod, status, containers[i], sandbox_id, pod_ip)
            results.append(r)
        return results

    def _start(self, pod: JSON, status: PodRuntimeStatus, container: JSON, sandbox_id: str,
               pod_ip: str) -> Generator[Any, Any, SyncResult]:
        name = container["name"]
        in_backoff, message, retry = self.do_backoff(pod, container, status)
        if in_backoff:
            return SyncResult("StartContainer", name, ERR_CRASH_LOOP_BACKOFF, message, retry)
        err, message = yield from self.start_container(pod, status, container, sandbox_id,
                                                       pod_ip)
        if err:
            retry = None
            if err == "ImagePullBackOff" or err == "ErrImagePull":
                key = self.images.backoff_key(pod, str(container.get("image") or ""))
                retry = self.images.backoff.remaining_since_update(key)
            return SyncResult("StartContainer", name, err, message, retry)
        return SyncResult("StartContainer", name)

    def do_backoff(self, pod: JSON, container: JSON, status: PodRuntimeStatus
                   ) -> tuple[bool, str, float | None]:
        """``doBackOff``: ``(in back-off?, message, seconds until it ends)``."""
        last = next((c for c in status.containers if c.config.name == container["name"]
                     and c.state == CONTAINER_EXITED), None)
        if last is None:
            return False, "", None
        ts = last.finished_at if last.finished_at is not None else self.kernel.now
        key = self.backoff_key(pod, container)
        if self.backoff.is_in_backoff_since(key, ts):
            self.helper.record(pod, EVENT_WARNING, events.BACK_OFF_START_CONTAINER,
                               f"Back-off restarting failed container {container['name']} in "
                               f"pod {format_pod(pod)}", _field_path(pod, container["name"]))
            msg = (f"back-off {go_duration(self.backoff.get(key))} restarting failed "
                   f"container={container['name']} pod={format_pod(pod)}")
            return True, msg, self.backoff.remaining_since(key, ts)
        self.backoff.next(key, ts)
        return False, "", None

    @staticmethod
    def backoff_key(pod: JSON, container: JSON) -> str:
        """``getStableKey``: ``name_namespace_uid_container_hash``."""
        m = pod.get("metadata") or {}
        return (f"{m.get('name')}_{m.get('namespace')}_{m.get('uid')}_{container['name']}_"
                f"{container_hash(container)}")

    def start_container(self, pod: JSON, status: PodRuntimeStatus, container: JSON,
                        sandbox_id: str, pod_ip: str) -> Generator[Any, Any, tuple[str, str]]:
        """``startContainer``: image, create, start. ``("", "")`` or ``(reason, message)``."""
        name = container["name"]
        fp = _field_path(pod, name)
        _image_ref, msg, err = yield from self.images.ensure_image_exists(pod, container, fp)
        if err:
            self.helper.record(pod, EVENT_WARNING, events.FAILED_TO_CREATE_CONTAINER,
                               f"Error: {err}", fp)
            return err, msg
        last = status.find(name)
        restart_count = last.config.attempt + 1 if last is not None else 0
        try:
            opts = self.helper.container_options(pod, container, pod_ip)
        except ContainerConfigError as exc:
            self.helper.record(pod, EVENT_WARNING, events.FAILED_TO_CREATE_CONTAINER,
                               f"Error: {exc}", fp)
            return ERR_CREATE_CONTAINER_CONFIG, str(exc)
        env = opts.env
        command = [_expand(a, env) for a in container.get("command") or []]
        args = [_expand(a, env) for a in container.get("args") or []]
        meta = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        config = ContainerConfig(
            name=name, image=str(container.get("image") or ""), attempt=restart_count,
            command=command, args=args, env=env, working_dir=container.get("workingDir", ""),
            mounts=opts.mounts,
            labels={"io.kubernetes.container.name": name,
                    "io.kubernetes.pod.name": meta.get("name", ""),
                    "io.kubernetes.pod.namespace": meta.get("namespace", ""),
                    "io.kubernetes.pod.uid": meta.get("uid", "")},
            annotations={"io.kubernetes.container.hash": container_hash(container),
                         "io.kubernetes.container.restartCount": str(restart_count),
                         "io.kubernetes.container.terminationMessagePath":
                             container.get("terminationMessagePath", "/dev/termination-log"),
                         "io.kubernetes.pod.terminationGracePeriod":
                             str(spec.get("terminationGracePeriodSeconds", 30))},
            termination_message_path=container.get("terminationMessagePath",
                                                   "/dev/termination-log"),
            stdin=bool(container.get("stdin")), stdin_once=bool(container.get("stdinOnce")),
            tty=bool(container.get("tty")))
        try:
            cid = yield self.runtime.create_container(sandbox_id, config)
        except CRIError as exc:
            self.helper.record(pod, EVENT_WARNING, events.FAILED_TO_CREATE_CONTAINER,
                               f"Error: {exc.message}", fp)
            return ERR_CREATE_CONTAINER, exc.message
        self.helper.record(pod, EVENT_NORMAL, events.CREATED_CONTAINER,
                           f"Created container: {name}", fp)
        try:
            yield self.runtime.start_container(cid)
        except CRIError as exc:
            self.helper.record(pod, EVENT_WARNING, events.FAILED_TO_START_CONTAINER,
                               f"Error: {exc.message}", fp)
            return ERR_RUN_CONTAINER, exc.message
        self.helper.record(pod, EVENT_NORMAL, events.STARTED_CONTAINER,
                           f"Started container {name}", fp)
        hook = ((container.get("lifecycle") or {}).get("postStart"))
        if hook:
            code, out = yield from self.run_handler(pod, cid, container, hook)
            if code != 0:
                self.helper.record(pod, EVENT_WARNING, events.FAILED_POST_START_HOOK,
                                   "PostStartHook failed", fp)
                yield from self.kill_container(pod, cid, container, "FailedPostStartHook", "")
                return "PostStartHookError", out
        return "", ""

    # -- lifecycle handlers ---------------------------------------------------------------------

    def run_handler(self, pod: JSON, cid: str, container: JSON, handler: JSON
                    ) -> Generator[Any, Any, tuple[int, str]]:
        """``HandlerRunner.Run`` for ``exec``, ``httpGet``, ``tcpSocket`` and ``sleep``."""
        if "sleep" in handler:
            yield float((handler["sleep"] or {}).get("seconds", 0))
            return 0, ""
        if "exec" in handler:
            argv = list((handler["exec"] or {}).get("command") or [])
            try:
                task = self.exec_task(cid, argv)
            except CRIError as exc:
                return 1, str(exc)
            code, out = yield task
            return code, out
        if "httpGet" in handler:
            h = handler["httpGet"] or {}
            c = self.runtime.containers.get(cid)
            sandbox = self.runtime.sandboxes.get(c.sandbox_id) if c else None
            host = h.get("host") or (sandbox.ip if sandbox else "")
            port = resolve_port(h.get("port"), container)
            try:
                resp = self.runtime.http(host, port, HttpRequest(
                    "GET", h.get("path", "/"), {"User-Agent": "kube-lifecycle/1.32"},
                    self.runtime.node_ip, f"{host}:{port}"))
            except OSError as exc:
                return 1, str(exc)
            except Exception as exc:
                return 1, str(exc)
            return (0 if 200 <= resp.status < 400 else 1), resp.body
        return 0, ""

    def exec_task(self, cid: str, argv: list[str]) -> Task[tuple[int, str]]:
        """Run ``argv`` in the container on virtual time (a hook that sleeps takes time)."""
        from ..images import resolve_program
        from ..process import Process

        c = self.runtime.container_status(cid)
        if c.state != CONTAINER_RUNNING or c.process is None:
            raise CRIError(f"container {cid} is not in running state", "FailedPrecondition")
        parent = c.process
        out: list[str] = []
        child = Process(self.kernel, argv=argv, env=parent.env, hostname=parent.hostname,
                        fs=parent.fs, image=parent.image, ip=parent.ip, network=parent.network,
                        log=lambda stream, line: out.append(line), name=f"{parent.name} hook",
                        settle_window=float("inf"))
        program, error = resolve_program(parent.image, argv)

        def run() -> Generator[Any, Any, tuple[int, str]]:
            if program is None:
                return 126, error
            code = yield from child.main(program)
            child.flush()
            return int(code), "".join(line + "\n" for line in out)

        return spawn(self.kernel, run(), name=f"exec {argv[:1]}")

    # -- killing --------------------------------------------------------------------------------

    def grace_period(self, pod: JSON, container: JSON, reason: str) -> int:
        """``setTerminationGracePeriod``."""
        meta = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        grace = int(spec.get("terminationGracePeriodSeconds", 30))
        if meta.get("deletionGracePeriodSeconds") is not None:
            grace = int(meta["deletionGracePeriodSeconds"])
        elif reason in ("LivenessProbe", "StartupProbe"):
            probe = container.get("livenessProbe" if reason == "LivenessProbe" else
                                  "startupProbe") or {}
            if probe.get("terminationGracePeriodSeconds") is not None:
                grace = int(probe["terminationGracePeriodSeconds"])
        return grace

    def kill_container(self, pod: JSON, cid: str, container: JSON | None, message: str,
                       reason: str, grace_override: int | None = None) -> Gen:
        """``killContainer``: ``Killing`` event, ``preStop``, ``StopContainer(grace)``."""
        c = self.runtime.containers.get(cid)
        if c is None:
            return
        spec = container or _spec_of(pod, c.config.name) or {"name": c.config.name}
        grace = float(self.grace_period(pod, spec, reason))
        self.helper.record(pod, EVENT_NORMAL, events.KILLING_CONTAINER,
                           message or f"Stopping container {spec['name']}",
                           _field_path(pod, spec["name"]))
        if grace_override is not None:
            grace = float(grace_override)
        pre_stop = (spec.get("lifecycle") or {}).get("preStop")
        if pre_stop and grace > 0 and c.state == CONTAINER_RUNNING:
            start = self.kernel.now
            hook = spawn(self.kernel, self.run_handler(pod, cid, spec, pre_stop),
                         name=f"preStop {spec['name']}")
            timer = self.kernel.call_later(grace, hook.cancel, name="preStop deadline")
            try:
                code, _ = yield hook
                if code != 0:
                    self.helper.record(pod, EVENT_WARNING, events.FAILED_PRE_STOP_HOOK,
                                       "PreStopHook failed", _field_path(pod, spec["name"]))
            except Cancelled:
                pass
            timer.cancel()
            grace -= int(self.kernel.now - start)
        grace = max(grace, MINIMUM_GRACE_PERIOD)
        yield self.runtime.stop_container(cid, grace)

    def kill_pod(self, pod: JSON, status: PodRuntimeStatus, grace_override: int | None
                 ) -> Generator[Any, Any, list[SyncResult]]:
        """``killPodWithSyncResult``: stop every running container (in parallel), then the
        sandbox."""
        results: list[SyncResult] = []
        tasks = []
        for c in status.running():
            spec = _spec_of(pod, c.config.name)
            tasks.append((c.config.name, spawn(
                self.kernel, self.kill_container(pod, c.id, spec, "", "", grace_override),
                name=f"kill {c.config.name}")))
        for name, task in tasks:
            try:
                yield task
                results.append(SyncResult("KillContainer", name))
            except CRIError as exc:
                results.append(SyncResult("KillContainer", name, ERR_KILL_CONTAINER, str(exc)))
        for s in status.sandboxes:
            self.runtime.stop_pod_sandbox(s.id)
        results.append(SyncResult("KillPodSandbox", format_pod(pod)))
        return results


def _is_init(pod: JSON, name: str) -> bool:
    return any(c.get("name") == name for c in (pod.get("spec") or {}).get("initContainers")
               or [])


def resolve_port(port: Any, container: JSON) -> int:
    """A probe's or hook's port: a number, or the name of a container port."""
    if isinstance(port, int):
        return port
    text = str(port)
    if text.isdigit():
        return int(text)
    for p in container.get("ports") or []:
        if p.get("name") == text:
            return int(p.get("containerPort", 0))
    return -1


Record = Callable[[JSON, str, str, str, str], None]
