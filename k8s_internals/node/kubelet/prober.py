"""Liveness, readiness and startup probes.

Upstream: ``pkg/kubelet/prober/prober_manager.go`` (one worker per container and probe type,
``UpdatePodStatus`` setting ``started``/``ready``), ``worker.go`` (``doProbe``) and
``prober.go`` (running ``exec``/``httpGet``/``tcpSocket``, the ``Unhealthy`` events).

A worker ticks every ``periodSeconds`` from the moment the kubelet first syncs the pod (and once
right away). On each tick it probes the container if it runs, if ``initialDelaySeconds`` have
passed since it started, and — for liveness and readiness — only once the startup probe (if any)
has succeeded. A result counts only after ``failureThreshold`` consecutive failures or
``successThreshold`` consecutive successes. Initial results: liveness *Success*, readiness
*Failure* (a pod is not ready until a readiness probe succeeds), startup *Unknown*.

- a failed probe records a ``Warning`` event ``Unhealthy`` — ``Liveness probe failed: HTTP probe
  failed with statuscode: 500`` — on every failing tick;
- liveness/startup *Failure*: the kubelet kills the container (``Container kubia failed liveness
  probe, will be restarted``) and the worker holds until a new container appears;
- readiness changes the container's ``ready``, hence the pod's ``Ready`` condition (and the
  Service endpoints built from it).

``httpGet`` succeeds for status 200–399; the kubelet sends ``User-Agent: kube-probe/1.32`` from
the node (the pod sees the bridge's address, ``10.244.1.1``, as the client). A probe that cannot
run at all (exec of a missing binary) is an *error*: logged as ``... probe errored: ...`` and not
counted, as upstream.

Settling (a simulator policy): a tick that may still change the reported result (the first
readiness/startup probe of a container, or a run of results not yet at its threshold) is work
for the kernel; a tick in a steady state is background, like a heartbeat.

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ...client.record import EVENT_WARNING
from ...sim import Kernel, Timer
from ..process import ConnectionRefused, HttpRequest
from ..runtime import ContainerRuntime, CRIError
from . import events
from .kuberuntime import resolve_port

__all__ = ["FAILURE", "SUCCESS", "UNKNOWN", "ProbeHelper", "ProbeManager", "ProbeWorker"]

SUCCESS = "Success"
FAILURE = "Failure"
UNKNOWN = "Unknown"
LIVENESS, READINESS, STARTUP = "liveness", "readiness", "startup"
_FIELD = {LIVENESS: "livenessProbe", READINESS: "readinessProbe", STARTUP: "startupProbe"}
USER_AGENT = "kube-probe/1.32"

JSON = dict[str, Any]


class ProbeHelper(Protocol):
    """What the probe manager needs from the kubelet."""

    def cached_status(self, uid: str) -> JSON | None: ...

    def record(self, pod: JSON, event_type: str, reason: str, message: str,
               field_path: str = "") -> None: ...

    def probe_source_ip(self, pod: JSON) -> str: ...

    def on_probe_result(self, uid: str, probe_type: str, result: str) -> None: ...


@dataclass
class _Outcome:
    result: str
    output: str = ""
    error: str = ""


class ProbeWorker:
    """``worker``: probes one container of one pod for one probe type."""

    def __init__(self, manager: ProbeManager, pod: JSON, container: JSON, probe_type: str,
                 init: bool = False) -> None:
        self.manager = manager
        self.pod = pod
        self.container = container
        self.probe_type = probe_type
        self.spec: JSON = container.get(_FIELD[probe_type]) or {}
        self.init = init
        self.period = float(self.spec.get("periodSeconds") or 10)
        self.initial_value = {LIVENESS: SUCCESS, READINESS: FAILURE, STARTUP: UNKNOWN}[probe_type]
        self.container_id = ""
        self.on_hold = False
        self.last_result: str | None = None
        self.result_run = 0
        self.probed_id = ""
        self.origin = manager.kernel.now
        self.timer: Timer | None = None
        self.stopped = False
        self.probes = 0
        self.manager.kernel.call_soon(self._tick, name=f"probe {self.name}")

    @property
    def name(self) -> str:
        m = self.pod.get("metadata") or {}
        return f"{self.probe_type} {m.get('namespace')}/{m.get('name')}/{self.container['name']}"

    @property
    def uid(self) -> str:
        return str((self.pod.get("metadata") or {}).get("uid", ""))

    def stop(self) -> None:
        self.stopped = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.container_id:
            self.manager.results[self.probe_type].pop(self.container_id, None)

    def trigger(self) -> None:
        """``manualTriggerCh``: probe now (the readiness probe of a container that just
        started)."""
        if not self.stopped:
            self.manager.kernel.call_soon(self._manual, name=f"probe {self.name} (manual)")

    def poke(self) -> None:
        """The container changed: make the next tick work if it may change the result."""
        if self.stopped or self.timer is None or not self.timer.event.background:
            return
        self.manager.kernel.call_soon(self._repoke, name=f"probe {self.name} (poke)")

    def _repoke(self) -> None:
        if not self.stopped and self._pending():
            self._arm()

    def _manual(self) -> None:
        if not self.stopped:
            self.do_probe()
            self._arm()

    def _tick(self) -> None:
        self.timer = None
        if self.stopped:
            return
        if not self.do_probe():
            self.stop()
            return
        self._arm()

    def _pending(self) -> bool:
        """Can the next tick change what is reported? (then it is work, not background)"""
        status = self._container_status()
        if self.on_hold or status is None or "running" not in (status.get("state") or {}):
            return False
        if self.probe_type != STARTUP and not status.get("started"):
            return False  # held back by the startup probe: nothing can change yet
        cid = str(status.get("containerID", "")).removeprefix("containerd://")
        current = self.manager.results[self.probe_type].get(self.container_id)
        if self.probe_type in (READINESS, STARTUP) and self.probed_id != cid:
            return True
        return self.last_result is not None and self.result_run > 0 and \
            self.last_result != current

    def _arm(self) -> None:
        if self.stopped:
            return
        if self.timer is not None:
            self.timer.cancel()
        now = self.manager.kernel.now
        k = int((now - self.origin) / self.period + 1e-9) + 1
        when = self.origin + k * self.period
        self.timer = self.manager.kernel.call_at(when, self._tick, name=f"probe {self.name}",
                                                 background=not self._pending())

    def _container_status(self) -> JSON | None:
        status = self.manager.helper.cached_status(self.uid)
        if status is None:
            return None
        key = "initContainerStatuses" if self.init else "containerStatuses"
        for c in status.get(key) or []:
            if c.get("name") == self.container["name"]:
                return c  # type: ignore[no-any-return]
        return None

    def do_probe(self) -> bool:
        """``doProbe``: returns False when the worker should stop."""
        mgr = self.manager
        status = mgr.helper.cached_status(self.uid)
        if status is None:
            return True
        if status.get("phase") in ("Succeeded", "Failed"):
            return False
        c = self._container_status()
        if c is None or not c.get("containerID"):
            return True
        cid = str(c["containerID"]).removeprefix("containerd://")
        results = mgr.results[self.probe_type]
        if self.container_id != cid:
            if self.container_id:
                results.pop(self.container_id, None)
            self.container_id = cid
            results[cid] = self.initial_value
            self.on_hold = False
            self.last_result, self.result_run = None, 0
        if self.on_hold:
            return True
        state = c.get("state") or {}
        if "running" not in state:
            results[cid] = FAILURE
            return "terminated" not in state or (self.pod.get("spec") or {}).get(
                "restartPolicy") != "Never"
        if (self.pod.get("metadata") or {}).get("deletionTimestamp") and \
                self.probe_type in (LIVENESS, STARTUP):
            results[cid] = SUCCESS
            return False
        started_at = mgr.started_at(cid)
        if started_at is not None and int(mgr.kernel.now - started_at) < int(
                self.spec.get("initialDelaySeconds") or 0):
            return True
        if c.get("started"):
            if self.probe_type == STARTUP:
                return True
        elif self.probe_type != STARTUP:
            return True
        outcome = mgr.run_probe(self.probe_type, self.pod, status, self.container, cid)
        self.probes += 1
        self.probed_id = cid
        if outcome.error:
            mgr.helper.record(self.pod, EVENT_WARNING, events.CONTAINER_UNHEALTHY,
                              f"{self.probe_type.capitalize()} probe errored: {outcome.error}",
                              self._field_path())
            return True
        if outcome.result == FAILURE:
            mgr.helper.record(self.pod, EVENT_WARNING, events.CONTAINER_UNHEALTHY,
                              f"{self.probe_type.capitalize()} probe failed: {outcome.output}",
                              self._field_path())
        if self.last_result == outcome.result:
            self.result_run += 1
        else:
            self.last_result, self.result_run = outcome.result, 1
        threshold = int(self.spec.get("failureThreshold") or 3) if outcome.result == FAILURE \
            else int(self.spec.get("successThreshold") or 1)
        if self.result_run < threshold:
            return True
        old = results.get(cid)
        results[cid] = outcome.result
        if old != outcome.result:
            mgr.helper.on_probe_result(self.uid, self.probe_type, outcome.result)
        if self.probe_type in (LIVENESS, STARTUP) and outcome.result == FAILURE:
            self.on_hold = True
            self.result_run = 0
        return True

    def _field_path(self) -> str:
        key = "initContainers" if self.init else "containers"
        return f"spec.{key}{{{self.container['name']}}}"


class ProbeManager:
    """``prober.Manager``: the workers and their results (keyed by container id)."""

    def __init__(self, kernel: Kernel, runtime: ContainerRuntime, helper: ProbeHelper) -> None:
        self.kernel = kernel
        self.runtime = runtime
        self.helper = helper
        self.workers: dict[tuple[str, str, str], ProbeWorker] = {}
        self.results: dict[str, dict[str, str]] = {LIVENESS: {}, READINESS: {}, STARTUP: {}}

    # -- pods -----------------------------------------------------------------------------------

    def add_pod(self, pod: JSON) -> None:
        """``AddPod``: a worker for every probe of every container (idempotent)."""
        uid = str((pod.get("metadata") or {}).get("uid", ""))
        spec = pod.get("spec") or {}
        targets = [(c, False) for c in spec.get("containers") or []]
        targets += [(c, True) for c in spec.get("initContainers") or []
                    if c.get("restartPolicy") == "Always"]
        for c, init in targets:
            for ptype in (STARTUP, READINESS, LIVENESS):
                if c.get(_FIELD[ptype]) and (uid, c["name"], ptype) not in self.workers:
                    self.workers[(uid, c["name"], ptype)] = ProbeWorker(self, pod, c, ptype, init)

    def update_pod(self, pod: JSON) -> None:
        uid = str((pod.get("metadata") or {}).get("uid", ""))
        for (wuid, _, _), w in self.workers.items():
            if wuid == uid:
                w.pod = pod

    def stop_liveness_and_startup(self, pod: JSON) -> None:
        uid = str((pod.get("metadata") or {}).get("uid", ""))
        for key in [k for k in self.workers if k[0] == uid and k[2] != READINESS]:
            self.workers.pop(key).stop()

    def remove_pod(self, uid: str) -> None:
        for key in [k for k in self.workers if k[0] == uid]:
            self.workers.pop(key).stop()

    def stop(self) -> None:
        for w in self.workers.values():
            w.stop()
        self.workers.clear()
        for r in self.results.values():
            r.clear()

    # -- results --------------------------------------------------------------------------------

    def started_at(self, cid: str) -> float | None:
        c = self.runtime.containers.get(cid)
        return c.started_at if c is not None else None

    def started(self, pod_uid: str, name: str, container_id: str) -> bool:
        result = self.results[STARTUP].get(container_id)
        w = self.workers.get((pod_uid, name, STARTUP))
        if w is not None and w.probed_id != container_id:
            w.poke()
        if result is not None:
            return result == SUCCESS
        return w is None

    def ready(self, pod_uid: str, name: str, container_id: str) -> bool:
        if self.results[READINESS].get(container_id) == SUCCESS:
            return True
        w = self.workers.get((pod_uid, name, READINESS))
        if w is None:
            return True
        if w.probed_id != container_id:
            w.trigger()
        return False

    def liveness_failed(self, cid: str) -> bool:
        return self.results[LIVENESS].get(cid) == FAILURE

    def startup_failed(self, cid: str) -> bool:
        return self.results[STARTUP].get(cid) == FAILURE

    # -- running one probe ----------------------------------------------------------------------

    def run_probe(self, probe_type: str, pod: JSON, status: JSON, container: JSON,
                  cid: str) -> _Outcome:
        """``prober.runProbe``."""
        spec = container.get(_FIELD[probe_type]) or {}
        if "exec" in spec:
            argv = list((spec["exec"] or {}).get("command") or [])
            try:
                code, out = self.runtime.exec_sync(cid, argv)
            except CRIError as exc:
                return _Outcome(UNKNOWN, error=str(exc))
            if code == -1:
                return _Outcome(FAILURE, f"command {argv!r} timed out")
            return _Outcome(SUCCESS if code == 0 else FAILURE, out)
        host_network = bool((pod.get("spec") or {}).get("hostNetwork"))
        pod_ip = str(status.get("podIP") or "")
        if "httpGet" in spec:
            h = spec["httpGet"] or {}
            host = h.get("host") or pod_ip
            port = resolve_port(h.get("port"), container)
            scheme = str(h.get("scheme") or "HTTP").lower()
            path = h.get("path") or "/"
            hostport = f"{host}:{port}"
            url = f"{scheme}://{hostport}{path}"
            headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
            for hh in h.get("httpHeaders") or []:
                headers[hh.get("name", "")] = hh.get("value", "")
            src = "127.0.0.1" if host_network or host in ("127.0.0.1", "localhost") else \
                self.helper.probe_source_ip(pod)
            try:
                resp = self.runtime.http(host, port, HttpRequest("GET", path, headers, src,
                                                                 hostport))
            except ConnectionRefused:
                return _Outcome(FAILURE, f'Get "{url}": dial tcp {hostport}: connect: '
                                         "connection refused")
            if 200 <= resp.status < 400:
                return _Outcome(SUCCESS, resp.body)
            return _Outcome(FAILURE, f"HTTP probe failed with statuscode: {resp.status}")
        if "tcpSocket" in spec or "grpc" in spec:
            t = spec.get("tcpSocket") or spec.get("grpc") or {}
            host = t.get("host") or pod_ip
            port = resolve_port(t.get("port"), container)
            if self.runtime.find_process(host, port) is not None:
                return _Outcome(SUCCESS)
            return _Outcome(FAILURE, f"dial tcp {host}:{port}: connect: connection refused")
        return _Outcome(UNKNOWN, error="missing probe handler")


Callback = Callable[[str, str, str], None]
