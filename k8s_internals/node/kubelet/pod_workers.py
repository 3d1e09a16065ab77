"""One worker per pod, driving it through sync → terminating → terminated.

Upstream: ``pkg/kubelet/pod_workers.go``. Each pod has a goroutine that runs one sync at a time:
an update that arrives while a sync runs is kept and handled right after (only the latest pod
matters); a request to terminate (deletion, or the pod reached a terminal phase) cancels the
sync in flight — an image pull that takes a minute does not delay the deletion. The states:

- *sync* (``SyncPod``): make the node match the pod; repeated on every change;
- *terminating* (``SyncTerminatingPod``): stop every container within the grace period;
- *terminated* (``SyncTerminatedPod``): clean up; for a pod being deleted the status manager
  then sends the final ``DELETE``.

When a sync ends, the worker is re-queued: at once if something happened meanwhile; when the
back-off of a crashing container or a failing pull expires (upstream re-checks on its periodic
re-syncs and ``backOffPeriod`` re-queues; the simulator wakes exactly when the back-off ends, so
the delays are exactly 10 s, 20 s, 40 s...); one PLEG tick (1 s) after a failed pull, so the
``ImagePullBackOff`` state shows; after 10 s (``backOffPeriod``) on other errors; and, when the
network is not ready, when it becomes ready (upstream polls every second). Those wake-ups, except
the one after a failed pull, are background work: a pod waiting in back-off is a steady state.

Taught in notebooks/06-kubelet.ipynb.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...client.causality import current_cause
from ...sim import Kernel, Timer
from ..tasks import Cancelled, Future, Task

__all__ = ["SYNC", "TERMINATED", "TERMINATING", "PodSyncer", "PodWorker", "PodWorkers",
           "SyncOutcome"]

SYNC, TERMINATING, TERMINATED = "sync", "terminating", "terminated"
#: ``backOffPeriod``: re-queue delay after a sync error
ERROR_BACKOFF = 10.0
#: the generic PLEG's relist period
PLEG_RELIST_PERIOD = 1.0

JSON = dict[str, Any]


@dataclass
class SyncOutcome:
    """How a sync ended."""

    terminal: bool = False
    #: "" (fine), "network" (network not ready), or an error reason
    error: str = ""
    #: seconds until a back-off expires (re-sync then)
    retry_after: float | None = None
    #: re-sync after one PLEG tick (a pull just failed)
    soon: bool = False


class PodSyncer(Protocol):
    def sync_pod(self, pod: JSON) -> Generator[Any, Any, SyncOutcome]: ...

    def sync_terminating_pod(self, pod: JSON, grace: int | None) -> Generator[Any, Any, None]:
        ...

    def sync_terminated_pod(self, pod: JSON) -> Generator[Any, Any, None]: ...


@dataclass
class PodWorker:
    uid: str
    pod: JSON
    state: str = SYNC
    task: Task[Any] | None = None
    pending: bool = False
    timer: Timer | None = None
    grace: int | None = None
    removed: bool = False
    finished: bool = False
    waiting_network: bool = False
    outcome: SyncOutcome = field(default_factory=SyncOutcome)
    syncs: int = 0
    #: the request whose watch event last updated this pod (what the kubelet's requests
    #: for it are attributed to in the traces)
    cause: str | None = None


class PodWorkers:
    """``podWorkers``."""

    def __init__(self, kernel: Kernel, syncer: PodSyncer) -> None:
        self.kernel = kernel
        self.syncer = syncer
        self.workers: dict[str, PodWorker] = {}
        self.stopped = False
        #: syncs that raised (a bug, or an unexpected API error): ``(time, uid, error)``
        self.errors: list[tuple[float, str, str]] = []

    # -- updates --------------------------------------------------------------------------------

    def update_pod(self, pod: JSON, *, kill: bool = False, removed: bool = False,
                   grace: int | None = None) -> None:
        """``UpdatePod``: a new version of the pod, a kill request, or its removal."""
        if self.stopped:
            return
        uid = str((pod.get("metadata") or {}).get("uid", ""))
        w = self.workers.get(uid)
        if w is None:
            if removed and not kill:
                return
            w = PodWorker(uid, pod)
            self.workers[uid] = w
        w.pod = pod
        cause = current_cause()
        if cause is not None:
            w.cause = cause
        if removed:
            w.removed = True
        if grace is not None:
            w.grace = grace if w.grace is None else min(w.grace, grace)
        terminate = kill or removed or bool((pod.get("metadata") or {}).get("deletionTimestamp"))
        if terminate and w.state == SYNC:
            w.state = TERMINATING
            if w.task is not None and not w.task.done():
                w.task.cancel()  # the sync in flight gives way to termination
                return
        if w.state == TERMINATED and w.finished and not removed:
            return
        self._kick(w)

    def _kick(self, w: PodWorker) -> None:
        if w.task is not None and not w.task.done():
            w.pending = True
            return
        if w.timer is not None:
            w.timer.cancel()
            w.timer = None
        w.waiting_network = False
        w.task = Task(self.kernel, self._work(w), name=f"pod worker {w.uid[:8]}", cause=w.cause)
        w.task.add_done_callback(lambda t, w=w: self._done(w, t))
        self.kernel.call_soon(w.task.start, name=f"pod worker {w.uid[:8]}")

    def _work(self, w: PodWorker) -> Generator[Any, Any, None]:
        while True:
            w.pending = False
            if w.state == SYNC:
                w.syncs += 1
                out = yield from self.syncer.sync_pod(w.pod)
                w.outcome = out
                if out.terminal and w.state == SYNC:
                    w.state = TERMINATING
                    continue
            elif w.state == TERMINATING:
                yield from self.syncer.sync_terminating_pod(w.pod, w.grace)
                w.state = TERMINATED
                continue
            elif not w.finished:
                yield from self.syncer.sync_terminated_pod(w.pod)
                w.finished = True
                w.outcome = SyncOutcome()
            if not w.pending:
                return

    def _done(self, w: PodWorker, task: Future[Any]) -> None:
        if self.stopped or self.workers.get(w.uid) is not w:
            return
        err = task.exception()
        if isinstance(err, Cancelled):
            if w.state != SYNC:
                self._kick(w)  # a sync was cancelled by a termination request
            return
        if err is not None:
            w.outcome = SyncOutcome(error=f"{type(err).__name__}: {err}")
            self.errors.append((self.kernel.now, w.uid, w.outcome.error))
            del self.errors[:-100]
        if w.pending:
            self._kick(w)
            return
        if w.state != SYNC:
            return
        out = w.outcome
        if out.error == "network":
            w.waiting_network = True
            return
        delay: float | None = None
        background = True
        if out.soon:
            delay, background = PLEG_RELIST_PERIOD, False
        elif out.retry_after is not None:
            delay = out.retry_after
        elif out.error:
            delay = ERROR_BACKOFF
        if delay is not None:
            w.timer = self.kernel.call_later(max(0.0, delay), self._requeue, w,
                                             name=f"pod worker requeue {w.uid[:8]}",
                                             background=background)

    def _requeue(self, w: PodWorker) -> None:
        w.timer = None
        if self.workers.get(w.uid) is w and not self.stopped:
            self._kick(w)

    # -- queries and housekeeping ---------------------------------------------------------------

    def sync_if_exists(self, uid: str) -> None:
        w = self.workers.get(uid)
        if w is not None and not self.stopped:
            self._kick(w)

    def network_ready(self) -> None:
        """The runtime's network became ready: re-sync the pods that waited for it."""
        for w in list(self.workers.values()):
            if w.waiting_network:
                self._kick(w)

    def state(self, uid: str) -> str | None:
        w = self.workers.get(uid)
        return w.state if w else None

    def is_terminating(self, uid: str) -> bool:
        w = self.workers.get(uid)
        return w is not None and w.state != SYNC

    def forget(self, uid: str) -> None:
        w = self.workers.pop(uid, None)
        if w is None:
            return
        if w.timer is not None:
            w.timer.cancel()
        if w.task is not None and not w.task.done():
            w.task.cancel()

    def stop(self) -> None:
        """The kubelet stops: every worker stops where it is (containers keep running)."""
        self.stopped = True
        for uid in list(self.workers):
            self.forget(uid)
