"""The pod's ``status`` as the kubelet computes it from what the runtime reports.

Upstream: ``pkg/kubelet/kubelet_pods.go`` (``generateAPIPodStatus``, ``convertStatusToAPIStatus``,
``convertToAPIContainerStatuses``, ``getPhase``) and ``pkg/kubelet/status/generate.go`` (the
``PodReadyToStartContainers``, ``Initialized``, ``Ready``, ``ContainersReady`` conditions, with
their reasons ``ContainersNotReady`` / ``ContainersNotInitialized`` / ``PodCompleted`` /
``PodFailed`` and messages ``containers with unready status: [app]``).

Rules worth knowing (they are what ``kubectl get pods`` shows):

- a container the runtime has no record of is ``waiting: ContainerCreating`` (``PodInitializing``
  while init containers run);
- a container that should be restarted but cannot yet (back-off, failed pull...) is ``waiting``
  with the reason of the last sync failure (``CrashLoopBackOff``, ``ErrImagePull``,
  ``ImagePullBackOff``, ``CreateContainerConfigError``, ``RunContainerError``), and its previous
  run moves to ``lastState``;
- the second-newest run of a container is its ``lastState``;
- ``phase``: ``Pending`` while init containers run or any container waits for its first start;
  ``Running`` once all started and one runs (or all exited and ``restartPolicy: Always`` will
  restart them); ``Succeeded`` when all exited 0 and none will restart; ``Failed`` when all
  exited, one with an error, and none will restart. A pod being deleted gets a terminal phase
  (``Succeeded`` if every container exited 0, else ``Failed``), as since Kubernetes 1.27.
- container statuses are sorted by name (``SortedContainerStatuses``); init containers keep the
  spec's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..runtime import (
    CONTAINER_CREATED,
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    SANDBOX_READY,
    Container,
    Sandbox,
)

__all__ = [
    "CONTAINER_CREATING",
    "POD_INITIALIZING",
    "PodRuntimeStatus",
    "ProbeStatus",
    "generate_api_pod_status",
    "get_phase",
    "pod_sandbox_changed",
    "should_container_be_restarted",
]

CONTAINER_CREATING = "ContainerCreating"
POD_INITIALIZING = "PodInitializing"
ZERO_TIME = "1970-01-01T00:00:00Z"

JSON = dict[str, Any]


@dataclass
class PodRuntimeStatus:
    """``kubecontainer.PodStatus``: the pod's sandboxes and containers, newest first."""

    uid: str
    sandboxes: list[Sandbox] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)

    def find(self, name: str) -> Container | None:
        """``FindContainerStatusByName``: the newest container of that name."""
        for c in self.containers:
            if c.config.name == name:
                return c
        return None

    def all_named(self, name: str) -> list[Container]:
        return [c for c in self.containers if c.config.name == name]

    @property
    def ips(self) -> list[str]:
        for s in self.sandboxes:
            if s.state == SANDBOX_READY and s.ip:
                return [s.ip]
        return []

    def running(self) -> list[Container]:
        return [c for c in self.containers if c.state == CONTAINER_RUNNING]


class ProbeStatus(Protocol):
    """What the probe manager answers for ``started`` and ``ready``."""

    def started(self, pod_uid: str, name: str, container_id: str) -> bool: ...

    def ready(self, pod_uid: str, name: str, container_id: str) -> bool: ...


def is_host_network(pod: JSON) -> bool:
    return bool((pod.get("spec") or {}).get("hostNetwork"))


def pod_sandbox_changed(pod: JSON, status: PodRuntimeStatus) -> tuple[bool, int, str]:
    """``PodSandboxChanged``: ``(create a new sandbox?, attempt, current sandbox id)``."""
    if not status.sandboxes:
        return True, 0, ""
    ready = [s for s in status.sandboxes if s.state == SANDBOX_READY]
    latest = status.sandboxes[0]
    if len(ready) > 1 or latest.state != SANDBOX_READY:
        return True, latest.config.attempt + 1, latest.id
    if latest.config.host_network != is_host_network(pod):
        return True, latest.config.attempt + 1, latest.id
    if not is_host_network(pod) and not latest.ip:
        return True, latest.config.attempt + 1, latest.id
    return False, latest.config.attempt, latest.id


def should_container_be_restarted(container: JSON, pod: JSON, status: PodRuntimeStatus) -> bool:
    """``kubecontainer.ShouldContainerBeRestarted``."""
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    c = status.find(container["name"])
    if c is None:
        return True
    if c.state == CONTAINER_RUNNING:
        return False
    if c.state == CONTAINER_CREATED:
        return True
    policy = (pod.get("spec") or {}).get("restartPolicy", "Always")
    if policy == "Never":
        return False
    return not (policy == "OnFailure" and c.exit_code == 0)


def _terminated(c: Container, ts: Callable[[float], str]) -> JSON:
    out: JSON = {"exitCode": c.exit_code, "reason": c.reason}
    if c.message:
        out["message"] = c.message
    out["startedAt"] = ts(c.started_at) if c.started_at is not None else ZERO_TIME
    out["finishedAt"] = ts(c.finished_at) if c.finished_at is not None else ZERO_TIME
    out["containerID"] = f"containerd://{c.id}"
    return out


def _convert(c: Container, ts: Callable[[float], str]) -> JSON:
    """``convertContainerStatus``."""
    status: JSON = {"name": c.config.name}
    if c.state == CONTAINER_RUNNING:
        status["state"] = {"running": {"startedAt": ts(c.started_at or 0.0)}}
    elif c.state == CONTAINER_EXITED:
        status["state"] = {"terminated": _terminated(c, ts)}
    else:
        status["state"] = {"waiting": {}}
    status["lastState"] = {}
    status["ready"] = False
    status["restartCount"] = c.config.attempt
    status["image"] = c.image_ref
    status["imageID"] = c.image_id
    status["containerID"] = f"containerd://{c.id}"
    status["started"] = False
    return status


def _volume_mounts(container: JSON) -> list[JSON]:
    out = []
    for vm in container.get("volumeMounts") or []:
        m: JSON = {"name": vm.get("name", ""), "mountPath": vm.get("mountPath", "")}
        if vm.get("readOnly"):
            m["readOnly"] = True
            m["recursiveReadOnly"] = "Disabled"
        out.append(m)
    return out


def convert_container_statuses(
    pod: JSON,
    containers: list[JSON],
    status: PodRuntimeStatus,
    old_statuses: list[JSON],
    reasons: dict[str, tuple[str, str]],
    ts: Callable[[float], str],
    *,
    is_init: bool,
    has_init: bool,
) -> list[JSON]:
    """``convertToAPIContainerStatuses`` for the regular or the init containers."""
    old = {s.get("name"): s for s in old_statuses}
    default_reason = POD_INITIALIZING if has_init and not is_init else CONTAINER_CREATING
    statuses: dict[str, JSON] = {}
    for spec in containers:
        name = spec["name"]
        st: JSON = {"name": name, "state": {"waiting": {"reason": default_reason}},
                    "lastState": {}, "ready": False, "restartCount": 0,
                    "image": spec.get("image", ""), "imageID": "", "started": False}
        prev = old.get(name)
        if prev is not None:
            if (prev.get("state") or {}).get("terminated") is not None:
                st = dict(prev)
            else:
                st["restartCount"] = prev.get("restartCount", 0)
                st["lastState"] = prev.get("lastState") or {}
        statuses[name] = st
    seen: dict[str, int] = {}
    for c in status.containers:
        name = c.config.name
        if name not in statuses or seen.get(name, 0) >= 2:
            continue
        converted = _convert(c, ts)
        if seen.get(name, 0) == 0:
            statuses[name] = converted
        else:
            statuses[name]["lastState"] = converted["state"]
        seen[name] = seen.get(name, 0) + 1
    for spec in containers:
        name = spec["name"]
        if is_init:
            c = status.find(name)
            if c is not None and c.state == CONTAINER_EXITED and c.exit_code == 0:
                continue
        if not should_container_be_restarted(spec, pod, status):
            continue
        reason = reasons.get(name)
        if reason is None:
            continue
        st = statuses[name]
        if "terminated" in st["state"]:
            st["lastState"] = st["state"]
        waiting: JSON = {"reason": reason[0]}
        if reason[1]:
            waiting["message"] = reason[1]
        st["state"] = {"waiting": waiting}
    for spec in containers:
        mounts = _volume_mounts(spec)
        if mounts:
            statuses[spec["name"]]["volumeMounts"] = mounts
    out = [statuses[spec["name"]] for spec in containers]
    if not is_init:
        out.sort(key=lambda s: s["name"])
    return out


def _state(st: JSON) -> str:
    state = st.get("state") or {}
    for k in ("running", "terminated", "waiting"):
        if k in state:
            return k
    return ""


def get_phase(pod: JSON, init_statuses: list[JSON], statuses: list[JSON],
              pod_is_terminal: bool) -> str:
    """``getPhase``."""
    spec = pod.get("spec") or {}
    policy = spec.get("restartPolicy", "Always")
    by_name_init = {s["name"]: s for s in init_statuses}
    pending_init = failed_init = 0
    for c in spec.get("initContainers") or []:
        if c.get("restartPolicy") == "Always":
            continue
        st = by_name_init.get(c["name"])
        if st is None:
            pending_init += 1
            continue
        kind = _state(st)
        if kind == "running":
            pending_init += 1
        elif kind == "terminated":
            if st["state"]["terminated"].get("exitCode", 0) != 0:
                failed_init += 1
        elif kind == "waiting":
            last = (st.get("lastState") or {}).get("terminated")
            if last is not None:
                if last.get("exitCode", 0) != 0:
                    failed_init += 1
            else:
                pending_init += 1
        else:
            pending_init += 1
    by_name = {s["name"]: s for s in statuses}
    unknown = running = waiting = stopped = succeeded = 0
    for c in spec.get("containers") or []:
        st = by_name.get(c["name"])
        if st is None:
            unknown += 1
            continue
        kind = _state(st)
        if kind == "running":
            running += 1
        elif kind == "terminated":
            stopped += 1
            if st["state"]["terminated"].get("exitCode", 0) == 0:
                succeeded += 1
        elif kind == "waiting":
            if (st.get("lastState") or {}).get("terminated") is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    if failed_init > 0 and policy == "Never":
        return "Failed"
    any_regular_started = any(_state(s) in ("running", "terminated") or
                              (s.get("lastState") or {}).get("terminated") for s in statuses)
    if (pending_init > 0 and not any_regular_started) or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if pod_is_terminal and not _is_static(pod):
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def _is_static(pod: JSON) -> bool:
    ann = (pod.get("metadata") or {}).get("annotations") or {}
    return ann.get("kubernetes.io/config.source", "api") != "api"


def _cond(ctype: str, status: str, reason: str = "", message: str = "") -> JSON:
    c: JSON = {"type": ctype, "status": status, "lastProbeTime": None}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def _names(names: list[str]) -> str:
    return "[" + " ".join(names) + "]"


def containers_ready_condition(pod: JSON, statuses: list[JSON], init_statuses: list[JSON],
                               phase: str) -> JSON:
    """``GenerateContainersReadyCondition``."""
    spec = pod.get("spec") or {}
    by_name = {s["name"]: s for s in statuses}
    by_init = {s["name"]: s for s in init_statuses}
    unknown: list[str] = []
    unready: list[str] = []
    for c in spec.get("initContainers") or []:
        if c.get("restartPolicy") != "Always":
            continue
        st = by_init.get(c["name"])
        if st is None:
            unknown.append(c["name"])
        elif not st.get("ready"):
            unready.append(c["name"])
    for c in spec.get("containers") or []:
        st = by_name.get(c["name"])
        if st is None:
            unknown.append(c["name"])
        elif not st.get("ready"):
            unready.append(c["name"])
    if phase == "Succeeded" and not unknown:
        return _cond("ContainersReady", "False", "PodCompleted")
    if phase == "Failed":
        return _cond("ContainersReady", "False", "PodFailed")
    msgs = []
    if unknown:
        msgs.append(f"containers with unknown status: {_names(unknown)}")
    if unready:
        msgs.append(f"containers with unready status: {_names(unready)}")
    if msgs:
        return _cond("ContainersReady", "False", "ContainersNotReady", ", ".join(msgs))
    return _cond("ContainersReady", "True")


def ready_condition(pod: JSON, conditions: list[JSON], containers_ready: JSON) -> JSON:
    """``GeneratePodReadyCondition`` (with readiness gates)."""
    if containers_ready["status"] != "True":
        return _cond("Ready", containers_ready["status"], containers_ready.get("reason", ""),
                     containers_ready.get("message", ""))
    msgs = []
    for gate in (pod.get("spec") or {}).get("readinessGates") or []:
        ctype = gate.get("conditionType", "")
        c = next((c for c in conditions if c.get("type") == ctype), None)
        if c is None:
            msgs.append(f'corresponding condition of pod readiness gate "{ctype}" does not '
                        "exist.")
        elif c.get("status") != "True":
            msgs.append(f'the status of pod readiness gate "{ctype}" is not "True", but '
                        f"{c.get('status')}")
    if msgs:
        return _cond("Ready", "False", "ReadinessGatesNotReady", ", ".join(msgs))
    return _cond("Ready", "True")


def initialized_condition(pod: JSON, init_statuses: list[JSON], statuses: list[JSON],
                          phase: str) -> JSON:
    """``GeneratePodInitializedCondition``."""
    spec = pod.get("spec") or {}
    by_init = {s["name"]: s for s in init_statuses}
    unknown: list[str] = []
    incomplete: list[str] = []
    for c in spec.get("initContainers") or []:
        st = by_init.get(c["name"])
        if st is None:
            unknown.append(c["name"])
            continue
        if c.get("restartPolicy") == "Always":
            if not st.get("started"):
                incomplete.append(c["name"])
        elif not st.get("ready"):
            incomplete.append(c["name"])
    if phase == "Succeeded" and not unknown:
        return _cond("Initialized", "True", "PodCompleted")
    if any(_state(s) in ("running", "terminated") or (s.get("lastState") or {}).get("terminated")
           for s in statuses):
        return _cond("Initialized", "True")
    msgs = []
    if unknown:
        msgs.append(f"containers with unknown status: {_names(unknown)}")
    if incomplete:
        msgs.append(f"containers with incomplete status: {_names(incomplete)}")
    if msgs:
        return _cond("Initialized", "False", "ContainersNotInitialized", ", ".join(msgs))
    return _cond("Initialized", "True")


def apply_probe_results(pod_uid: str, init_statuses: list[JSON], statuses: list[JSON],
                        probes: ProbeStatus | None, sidecars: frozenset[str] = frozenset()
                        ) -> None:
    """``prober.Manager.UpdatePodStatus``: ``started`` and ``ready`` of each container (a
    sidecar init container like a regular one)."""
    for st in [*statuses, *(s for s in init_statuses if s["name"] in sidecars)]:
        cid = str(st.get("containerID", "")).removeprefix("containerd://")
        running = _state(st) == "running"
        started = running and (probes is None or probes.started(pod_uid, st["name"], cid))
        st["started"] = started
        st["ready"] = started and (probes is None or probes.ready(pod_uid, st["name"], cid))
    for st in init_statuses:
        if st["name"] in sidecars:
            continue
        term = (st.get("state") or {}).get("terminated")
        st["ready"] = term is not None and term.get("exitCode", 0) == 0
        st["started"] = _state(st) == "running"


def generate_api_pod_status(
    pod: JSON,
    status: PodRuntimeStatus,
    *,
    old_status: JSON,
    reasons: dict[str, tuple[str, str]],
    probes: ProbeStatus | None,
    host_ip: str,
    ts: Callable[[float], str],
    pod_is_terminal: bool = False,
) -> JSON:
    """``generateAPIPodStatus``: the status the kubelet wants the API server to show."""
    spec = pod.get("spec") or {}
    init_specs = spec.get("initContainers") or []
    has_init = bool(init_specs)
    statuses = convert_container_statuses(
        pod, spec.get("containers") or [], status, old_status.get("containerStatuses") or [],
        reasons, ts, is_init=False, has_init=has_init)
    init_statuses = convert_container_statuses(
        pod, init_specs, status, old_status.get("initContainerStatuses") or [], reasons, ts,
        is_init=True, has_init=has_init) if has_init else []
    sidecars = frozenset(c["name"] for c in init_specs if c.get("restartPolicy") == "Always")
    apply_probe_results((pod.get("metadata") or {}).get("uid", ""), init_statuses, statuses,
                        probes, sidecars)
    phase = get_phase(pod, init_statuses, statuses, pod_is_terminal)
    old_phase = old_status.get("phase")
    if old_phase in ("Succeeded", "Failed") and phase not in ("Succeeded", "Failed"):
        phase = old_phase  # a terminal phase never goes back (kubelet_pods.go)
    out: JSON = {"phase": phase}
    need_sandbox, _, _ = pod_sandbox_changed(pod, status)
    conditions = [_cond("PodReadyToStartContainers", "False" if need_sandbox else "True")]
    conditions.append(initialized_condition(pod, init_statuses, statuses, phase))
    cready = containers_ready_condition(pod, statuses, init_statuses, phase)
    conditions.append(ready_condition(pod, old_status.get("conditions") or [], cready))
    conditions.append(cready)
    conditions.append(_cond("PodScheduled", "True"))
    out["conditions"] = conditions
    if host_ip:
        out["hostIP"] = host_ip
        out["hostIPs"] = [{"ip": host_ip}]
    ips = status.ips if not is_host_network(pod) else ([host_ip] if status.ips else [])
    if not ips and old_status.get("podIPs"):
        ips = [p["ip"] for p in old_status["podIPs"]]
    if ips:
        out["podIP"] = ips[0]
        out["podIPs"] = [{"ip": ip} for ip in ips]
    if has_init:
        out["initContainerStatuses"] = init_statuses
    out["containerStatuses"] = statuses
    if old_status.get("qosClass"):
        out["qosClass"] = old_status["qosClass"]
    return out
