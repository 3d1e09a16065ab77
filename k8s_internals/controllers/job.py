"""The Job controller: run pods until ``spec.completions`` of them succeed, or give up.

Upstream: ``pkg/controller/job/job_controller.go`` (``Controller``, ``addPod``/``updatePod``/
``deletePod``, ``syncJob``, ``manageJob``, ``trackJobStatusAndRemoveFinalizers``,
``getPodsForJob``, ``pastBackoffLimitOnFailure``, ``isPodFailed``, ``recordJobFinished``),
``pkg/controller/job/backoff_utils.go`` (``newBackoffRecord``, ``getRemainingTime``),
``pkg/controller/job/indexed_job_utils.go`` (completion indexes, pod names and hostnames).

One sync, for key ``ns/name``::

    job gone or finished (Complete/Failed)?          → done
    pods = claim(pods in ns)                          (adopt orphans matching the selector)
    count newly finished pods that still carry the batch.kubernetes.io/job-tracking finalizer:
        1. their UIDs go to status.uncountedTerminatedPods     → PUT .../status
        2. their finalizers are removed                         → PATCH each pod
        3. the UIDs move into status.succeeded / status.failed → (written with the rest below)
    FailureTarget already set?        → Failed once no pod is left running or terminating
    SuccessCriteriaMet already set?   → Complete (completionTime) once no pod is left
    failed > backoffLimit (or, OnFailure, container restarts ≥ backoffLimit)
                                      → FailureTarget BackoffLimitExceeded, delete active pods
    running longer than activeDeadlineSeconds
                                      → FailureTarget DeadlineExceeded, delete active pods
    enough successes                  → SuccessCriteriaMet CompletionsReached
    suspended?                        → delete active pods, condition Suspended
    else (expectations satisfied)     → create pods up to min(parallelism, completions left)
                                        after the failure back-off (10 s · 2^(failures-1), at
                                        most 10 min), or delete extra ones
    status = {active, ready, terminating, succeeded, failed, startTime, completionTime,
              completedIndexes, conditions, uncountedTerminatedPods}  → PUT if changed

Pods are ``<job>-<5 random>`` (``generateName``), ``<job>-<index>-<5 random>`` for an
``Indexed`` Job, whose pods also get the ``batch.kubernetes.io/job-completion-index``
annotation and label, the ``JOB_COMPLETION_INDEX`` variable and the hostname
``<job>-<index>``. Every pod carries the ``batch.kubernetes.io/job-tracking`` finalizer until
the controller has counted it.

A pod that keeps the finalizer after its Job is deleted or finished (an orphan) has it removed
by ``syncOrphanPod`` (keys ``orphan-pod:<ns>/<name>`` on the same queue).

Events on the Job: ``SuccessfulCreate`` "Created pod: <name>", ``SuccessfulDelete`` "Deleted
pod: <name>" (:class:`~.controller_utils.PodControl`), ``Completed`` "Job completed",
``BackoffLimitExceeded`` "Job has reached the specified backoff limit", ``DeadlineExceeded``
"Job was active longer than specified deadline", ``Suspended`` "Job suspended", ``Resumed``
"Job resumed".

Simplifications: pod events enqueue the Job after upstream's one-second batch period, but the
API and pod back-offs share the work queue's rate limiter; ``podFailurePolicy``,
``successPolicy``, ``backoffLimitPerIndex``/``maxFailedIndexes``, ``managedBy`` and elastic
Indexed Jobs are not acted on; the finalizer expectations are a set of UIDs per Job; a pod's
finish time for the back-off is its containers' ``finishedAt`` (else the sync time);
``ttlSecondsAfterFinished`` is left to the ttl-after-finished controller, which is not part of
the simulator (finished Jobs stay). The back-off cap is the code's ``MaxJobPodFailureBackOff``
(10 min; the docs say 6).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..api.selectors import SelectorError, label_selector_as_selector
from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.expectations import ControllerExpectations
from ..client.informer import InformerFactory
from ..client.record import EVENT_NORMAL, EVENT_WARNING
from ..sim import Kernel
from .base import Controller, key_of
from .controller_ref_manager import PodControllerRefManager, recheck_deletion_timestamp
from .controller_utils import (
    JSON,
    SLOW_START_INITIAL_BATCH_SIZE,
    ControllerError,
    PodControl,
    get_controller_of,
    is_pod_ready,
    new_controller_ref,
    parse_time,
    slow_start_batch,
    with_type,
)

__all__ = [
    "DEFAULT_JOB_POD_FAILURE_BACKOFF",
    "JOB_COMPLETION_INDEX_ANNOTATION",
    "JOB_TRACKING_FINALIZER",
    "MAX_JOB_POD_FAILURE_BACKOFF",
    "JobController",
    "backoff_duration",
    "format_indexes",
    "parse_indexes",
]

#: ``batch.JobTrackingFinalizer``
JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
#: ``batch.JobCompletionIndexAnnotation`` (also the label, ``PodIndexLabel``)
JOB_COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"
#: ``DefaultJobPodFailureBackOff`` / ``MaxJobPodFailureBackOff``
DEFAULT_JOB_POD_FAILURE_BACKOFF = 10.0
MAX_JOB_POD_FAILURE_BACKOFF = 600.0
#: ``syncJobBatchPeriod``: pod events reach the queue after this delay
SYNC_JOB_BATCH_PERIOD = 1.0
#: queue keys of orphan pods (upstream has a second queue, ``orphanQueue``)
ORPHAN_POD_PREFIX = "orphan-pod:"
#: ``MaxPodCreateDeletePerSync``
MAX_POD_CREATE_DELETE_PER_SYNC = 500

COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")
BACKOFF_LIMIT_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
DEADLINE_EXCEEDED = ("DeadlineExceeded", "Job was active longer than specified deadline")


def backoff_duration(failures_after_last_success: int) -> float:
    """``getRemainingTime``'s back-off: 10 s doubled per failure after the first, capped.

    >>> [backoff_duration(n) for n in (0, 1, 2, 3, 7, 8)]
    [0.0, 10.0, 20.0, 40.0, 600.0, 600.0]
    """
    if failures_after_last_success <= 0:
        return 0.0
    d = DEFAULT_JOB_POD_FAILURE_BACKOFF
    for _ in range(1, failures_after_last_success):
        d *= 2
        if d >= MAX_JOB_POD_FAILURE_BACKOFF:
            return MAX_JOB_POD_FAILURE_BACKOFF
    return d


def parse_indexes(text: str | None, completions: int) -> set[int]:
    """``parseIndexesFromString``: ``"0-2,5"`` → {0, 1, 2, 5} (indexes ≥ completions dropped)."""
    out: set[int] = set()
    for part in (text or "").split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.update(i for i in range(int(lo), int(hi or lo) + 1) if i < completions)
    return out


def format_indexes(indexes: set[int]) -> str:
    """``orderedIntervals.String``: ``{0, 1, 2, 5}`` → ``"0-2,5"``.

    >>> format_indexes({5, 0, 1, 2})
    '0-2,5'
    """
    parts: list[str] = []
    run: list[int] = []
    for i in sorted(indexes):
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [i]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(parts)


def _cond(status: Mapping[str, Any], ctype: str) -> JSON | None:
    for c in status.get("conditions") or []:
        if c.get("type") == ctype:
            return dict(c)
    return None


def _cond_true(status: Mapping[str, Any], ctype: str) -> bool:
    c = _cond(status, ctype)
    return c is not None and c.get("status") == "True"


def is_job_finished(job: Mapping[str, Any]) -> bool:
    """``IsJobFinished``: a Complete or Failed condition that is True."""
    status = job.get("status") or {}
    return _cond_true(status, "Complete") or _cond_true(status, "Failed")


def _phase(pod: Mapping[str, Any]) -> str:
    return str((pod.get("status") or {}).get("phase", ""))


def _deleting(pod: Mapping[str, Any]) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def _has_finalizer(pod: Mapping[str, Any]) -> bool:
    return JOB_TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or [])


def _index_of(pod: Mapping[str, Any]) -> int | None:
    """``getCompletionIndex``."""
    value = (pod["metadata"].get("annotations") or {}).get(JOB_COMPLETION_INDEX_ANNOTATION)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _only_replace_failed(job: Mapping[str, Any]) -> bool:
    spec = job.get("spec") or {}
    return spec.get("podReplacementPolicy") == "Failed" or spec.get("podFailurePolicy") is not None


def is_pod_failed(pod: Mapping[str, Any], job: Mapping[str, Any]) -> bool:
    """``isPodFailed``: Failed, or (unless only failed pods are replaced) deleted before it
    succeeded — orphans never get the chance to reach Failed."""
    if _phase(pod) == "Failed":
        return True
    if _only_replace_failed(job):
        return False
    return _deleting(pod) and _phase(pod) != "Succeeded"


def is_pod_active(pod: Mapping[str, Any]) -> bool:
    return _phase(pod) not in ("Succeeded", "Failed") and not _deleting(pod)


def is_pod_terminating(pod: Mapping[str, Any]) -> bool:
    return _deleting(pod) and _phase(pod) not in ("Succeeded", "Failed")


def finished_time(pod: Mapping[str, Any], default: float) -> float:
    """``getFinishedTime``: the latest container ``finishedAt`` (else ``default``)."""
    latest: float | None = None
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        t = parse_time(((cs.get("state") or {}).get("terminated") or {}).get("finishedAt"))
        if t is not None and (latest is None or t > latest):
            latest = t
    return latest if latest is not None else default


def past_backoff_limit_on_failure(job: Mapping[str, Any], pods: list[JSON]) -> bool:
    """``pastBackoffLimitOnFailure``: with ``restartPolicy: OnFailure`` the failures are
    container restarts in running or pending pods."""
    spec = job.get("spec") or {}
    if ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy") != "OnFailure":
        return False
    restarts = 0
    for pod in pods:
        if _phase(pod) in ("Running", "Pending"):
            status = pod.get("status") or {}
            for cs in (status.get("initContainerStatuses") or []) + \
                    (status.get("containerStatuses") or []):
                restarts += int(cs.get("restartCount", 0) or 0)
    limit = int(spec.get("backoffLimit", 6) or 0)
    return restarts > 0 if limit == 0 else restarts >= limit


class JobController(Controller):
    """``job.Controller`` (kube-controller-manager's ``job-controller``)."""

    name = "job-controller"
    #: ``--concurrent-job-syncs`` default
    workers = 5

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.expectations = ControllerExpectations(lambda: kernel.now)
        self.pod_control = PodControl(client, self.recorder)
        #: ``finalizerExpectations``, simplified: pod UIDs whose finalizer we removed
        self.finalizers_removed: dict[str, set[str]] = {}
        #: ``backoffRecordStore``: job key → (failures after last success, last failure time)
        self.backoff: dict[str, tuple[int, float | None]] = {}
        self.jobs = self.informer("jobs")
        self.jobs.add_event_handler(self._add_job, self._update_job, self._delete_job)
        self.pods = self.informer("pods")
        self.pods.add_event_handler(self._add_pod, self._update_pod, self._delete_pod)

    def _now(self) -> float:
        return self.kernel.datetime().timestamp()

    # -- handlers ------------------------------------------------------------------------------

    def _add_job(self, job: JSON) -> None:
        self.enqueue(job)

    def _update_job(self, old: JSON, cur: JSON) -> None:
        if old["metadata"].get("uid") != cur["metadata"].get("uid"):
            self._delete_job(DeletedFinalStateUnknown(key_of(old), old))
        self.enqueue(cur)
        spec, status = cur.get("spec") or {}, cur.get("status") or {}
        ads, start = spec.get("activeDeadlineSeconds"), parse_time(status.get("startTime"))
        if ads is not None and start is not None and not spec.get("suspend"):
            # "requeue the job after the remaining active deadline"
            remaining = max(0.0, start + int(ads) - self._now())
            self.enqueue_after(key_of(cur), remaining, check=True)

    def _delete_job(self, obj: Any) -> None:
        job = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        key = key_of(job)
        self.expectations.delete_expectations(key)
        self.finalizers_removed.pop(key, None)
        self.backoff.pop(key, None)
        self.enqueue_key(key)

    def _job_of(self, pod: Mapping[str, Any]) -> JSON | None:
        """``resolveControllerRef``."""
        ref = get_controller_of(pod)
        if ref is None or ref.get("kind") != "Job":
            return None
        job = self.jobs.get(f"{pod['metadata'].get('namespace', '')}/{ref.get('name')}")
        if job is None or job["metadata"].get("uid") != ref.get("uid"):
            return None
        return job

    def _enqueue_batched(self, job: JSON) -> None:
        """``enqueueSyncJobBatched``."""
        self.enqueue_after(key_of(job), SYNC_JOB_BATCH_PERIOD)

    def _enqueue_orphan_pod(self, pod: Mapping[str, Any]) -> None:
        """``enqueueOrphanPod``: a pod with our finalizer whose Job is gone or finished."""
        if not _has_finalizer(pod):
            return
        ref = get_controller_of(pod)
        if ref is not None and (ref.get("kind"), ref.get("apiVersion")) != ("Job", "batch/v1"):
            return
        meta = pod["metadata"]
        self.enqueue_key(f"{ORPHAN_POD_PREFIX}{meta.get('namespace', '')}/{meta['name']}")

    def _add_pod(self, pod: JSON) -> None:
        if _deleting(pod):
            self._delete_pod(pod)
            return
        job = self._job_of(pod)
        if job is None:
            self._enqueue_orphan_pod(pod)
            return
        self.expectations.creation_observed(key_of(job))
        self._enqueue_batched(job)

    def _update_pod(self, old: JSON, cur: JSON) -> None:
        if cur["metadata"].get("resourceVersion") == old["metadata"].get("resourceVersion"):
            return
        job = self._job_of(cur)
        if job is None or is_job_finished(job):
            self._enqueue_orphan_pod(cur)
        if job is None:
            return
        if not _has_finalizer(cur):
            self.finalizers_removed.get(key_of(job), set()).discard(str(cur["metadata"]["uid"]))
        if _deleting(cur) and not _deleting(old):
            self.expectations.deletion_observed(key_of(job))
        self._enqueue_batched(job)

    def _delete_pod(self, obj: Any) -> None:
        pod = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        job = self._job_of(pod)
        if job is None:
            return
        key = key_of(job)
        self.finalizers_removed.get(key, set()).discard(str(pod["metadata"].get("uid")))
        self.expectations.deletion_observed(key)
        self._enqueue_batched(job)

    # -- sync ----------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``syncJob`` (and ``syncOrphanPod`` for the orphan pod keys)."""
        if key.startswith(ORPHAN_POD_PREFIX):
            self.sync_orphan_pod(key[len(ORPHAN_POD_PREFIX):])
            return
        namespace = key.split("/", 1)[0]
        cached = self.jobs.get(key)
        if cached is None:
            self.expectations.delete_expectations(key)
            return
        if is_job_finished(cached):
            return
        job = copy.deepcopy(with_type(cached, "batch/v1", "Job"))
        satisfied = self.expectations.satisfied_expectations(key)
        pods = self._pods_for_job(job, namespace)
        spec, old_status = job.get("spec") or {}, copy.deepcopy(job.get("status") or {})
        status: JSON = copy.deepcopy(old_status)
        now, ts = self._now(), self.kernel.timestamp()
        suspended = bool(spec.get("suspend"))
        if status.get("startTime") is None and not suspended:
            status["startTime"] = ts
        # 1-3: count finished pods (the uncountedTerminatedPods flow)
        self._track_finished_pods(job, key, pods, status, now)
        active_pods = [p for p in pods if is_pod_active(p)]
        terminating = sum(1 for p in pods if is_pod_terminating(p))
        succeeded, failed = int(status.get("succeeded", 0) or 0), int(status.get("failed", 0) or 0)
        indexed = spec.get("completionMode") == "Indexed"
        completions = spec.get("completions")
        finished: tuple[str, str, str] | None = None  # (type, reason, message)
        interim: tuple[str, str, str] | None = None
        if _cond_true(status, "FailureTarget"):
            c = _cond(status, "FailureTarget") or {}
            finished = ("Failed", str(c.get("reason", "")), str(c.get("message", "")))
        elif _cond_true(status, "SuccessCriteriaMet"):
            finished = ("Complete", *COMPLETIONS_REACHED)
        elif failed > int(spec.get("backoffLimit", 6)) or \
                past_backoff_limit_on_failure(job, active_pods):
            interim = ("FailureTarget", *BACKOFF_LIMIT_EXCEEDED)
        elif self._past_active_deadline(job, status, now):
            interim = ("FailureTarget", *DEADLINE_EXCEEDED)
        elif spec.get("activeDeadlineSeconds") is not None and not suspended:
            # "Job has activeDeadlineSeconds configuration. Will sync this job again"
            start = parse_time(status.get("startTime")) or now
            self.enqueue_after(key, start + int(spec["activeDeadlineSeconds"]) - now,
                               check=True)
        if interim is None and finished is None and \
                ((completions is not None and succeeded >= int(completions))
                 or (completions is None and succeeded > 0 and not active_pods)):
            interim = ("SuccessCriteriaMet", *COMPLETIONS_REACHED)
        if interim is not None:
            # the interim condition first; the terminal one once no pod is left
            final_type = "Failed" if interim[0] == "FailureTarget" else "Complete"
            finished = (final_type, interim[1], interim[2])
        manage_err: BaseException | None = None
        if interim is not None or finished is not None:
            # a finishing Job: no pod may keep running
            removed = self._delete_pods(job, key, active_pods)
            terminating += removed
            active_pods = []
            if interim is not None:
                self._set_condition(status, interim[0], "True", interim[1], interim[2], ts)
            if finished is not None and terminating == 0 and \
                    not any((status.get("uncountedTerminatedPods") or {}).values()):
                self._set_condition(status, finished[0], "True", finished[1], finished[2], ts)
                if finished[0] == "Complete":
                    status["completionTime"] = ts
        else:
            self._update_suspend_condition(job, status, ts)
            if satisfied:
                try:
                    _created, removed = self.manage_job(job, key, active_pods, pods, status, now)
                    terminating += removed
                except Exception as err:  # written to status first, then retried
                    manage_err = err
        self._write_status(job, status, old_status, pods, terminating, indexed)
        if finished is not None and _cond_true(status, finished[0]) and \
                not _cond_true(old_status, finished[0]):
            self._record_finished(job, finished)
        if manage_err is not None:
            raise manage_err

    def sync_orphan_pod(self, key: str) -> None:
        """``syncOrphanPod``: remove the finalizer of a pod whose Job is gone or finished (a
        deleted Job's pods would otherwise wait for it forever)."""
        pod = self.pods.get(key)
        if pod is None or not _has_finalizer(pod):
            return
        ref = get_controller_of(pod)
        if ref is not None:
            if (ref.get("kind"), ref.get("apiVersion")) != ("Job", "batch/v1"):
                return
            job = self._job_of(pod)
            if job is not None and not is_job_finished(job):
                return  # adopted: its Job counts it
        ns, _, name = key.partition("/")
        try:
            self.pod_control.patch_pod(ns, name, {"metadata": {
                "$deleteFromPrimitiveList/finalizers": [JOB_TRACKING_FINALIZER]}})
        except ApiError as err:
            if err.code != 404:
                raise

    def _pods_for_job(self, job: JSON, namespace: str) -> list[JSON]:
        """``getPodsForJob``: claim pods by the selector (adopted ones get the finalizer)."""
        try:
            selector = label_selector_as_selector((job.get("spec") or {}).get("selector"))
        except SelectorError:
            return []
        meta = job["metadata"]

        def fresh() -> JSON:
            obj: JSON = self.client.get("jobs", meta["name"], meta.get("namespace", ""))
            if obj["metadata"].get("uid") != meta.get("uid"):
                raise ControllerError(
                    f"original Job {meta.get('namespace')}/{meta['name']} is gone: got uid "
                    f"{obj['metadata'].get('uid')}, wanted {meta.get('uid')}")
            return obj

        cm = PodControllerRefManager(self.pod_control, job, selector, "batch/v1", "Job",
                                     recheck_deletion_timestamp(fresh),
                                     finalizers=[JOB_TRACKING_FINALIZER])
        return cm.claim_pods(self.pods.list(namespace))

    def _past_active_deadline(self, job: JSON, status: JSON, now: float) -> bool:
        """``pastActiveDeadline``."""
        spec = job.get("spec") or {}
        ads, start = spec.get("activeDeadlineSeconds"), parse_time(status.get("startTime"))
        if ads is None or start is None or spec.get("suspend"):
            return False
        return now - start >= int(ads)

    # -- counting finished pods ------------------------------------------------------------------

    def _track_finished_pods(self, job: JSON, key: str, pods: list[JSON], status: JSON,
                             now: float) -> None:
        """``trackJobStatusAndRemoveFinalizers``: record the UIDs, remove the finalizers, then
        turn the UIDs into counts. A pod counts once: its UID is in ``uncounted`` until its
        finalizer is gone."""
        uncounted = status.setdefault("uncountedTerminatedPods", {})
        unc_succeeded = list(uncounted.get("succeeded") or [])
        unc_failed = list(uncounted.get("failed") or [])
        removed = self.finalizers_removed.setdefault(key, set())
        new_succeeded: list[JSON] = []
        new_failed: list[JSON] = []
        to_remove: list[JSON] = []
        completions = int((job.get("spec") or {}).get("completions") or 0)
        indexed = (job.get("spec") or {}).get("completionMode") == "Indexed"
        done_indexes = parse_indexes(status.get("completedIndexes"), completions)
        for pod in pods:
            uid = str(pod["metadata"].get("uid"))
            if not _has_finalizer(pod) or uid in removed:
                continue
            finished = _phase(pod) == "Succeeded" or is_pod_failed(pod, job)
            if not finished:
                continue
            to_remove.append(pod)
            if uid in unc_succeeded or uid in unc_failed:
                continue
            if _phase(pod) == "Succeeded":
                ix = _index_of(pod)
                if indexed and (ix is None or ix in done_indexes or ix >= completions):
                    continue  # a duplicate index, or not one: not counted
                unc_succeeded.append(uid)
                new_succeeded.append(pod)
            else:
                unc_failed.append(uid)
                new_failed.append(pod)
        self._update_backoff(key, new_succeeded, new_failed, now)
        if new_succeeded or new_failed:
            uncounted["succeeded"] = unc_succeeded
            uncounted["failed"] = unc_failed
            # 1: the UIDs are recorded before any finalizer goes
            job["status"] = self._wire(status)
            job.update(self.client.update_status("jobs", job))
            status["uncountedTerminatedPods"] = uncounted
        for pod in to_remove:  # 2
            try:
                self.pod_control.patch_pod(pod["metadata"].get("namespace", ""),
                                           pod["metadata"]["name"],
                                           {"metadata": {"$deleteFromPrimitiveList/finalizers":
                                                         [JOB_TRACKING_FINALIZER]}})
            except ApiError as err:
                if err.code != 404:
                    raise
            removed.add(str(pod["metadata"].get("uid")))
        # 3: every recorded UID whose finalizer is gone (or pod is gone) becomes a count
        by_uid = {str(p["metadata"].get("uid")): p for p in pods}
        for kind, uids in (("succeeded", unc_succeeded), ("failed", unc_failed)):
            keep: list[str] = []
            for uid in uids:
                pod = by_uid.get(uid)
                if pod is not None and _has_finalizer(pod) and uid not in removed:
                    keep.append(uid)
                    continue
                if kind == "succeeded" and indexed and pod is not None:
                    ix = _index_of(pod)
                    if ix is not None:
                        done_indexes.add(ix)
                status[kind] = int(status.get(kind, 0) or 0) + 1
            uncounted[kind] = keep
        if indexed:
            status["completedIndexes"] = format_indexes(done_indexes)
            status["succeeded"] = len(done_indexes)
        status["uncountedTerminatedPods"] = {k: v for k, v in uncounted.items() if v}

    def _update_backoff(self, key: str, new_succeeded: list[JSON], new_failed: list[JSON],
                        now: float) -> None:
        """``newBackoffRecord``."""
        failures, _ = self.backoff.get(key, (0, None))
        failed_times = sorted(finished_time(p, now) for p in new_failed)
        if not new_succeeded:
            if not new_failed:
                return
            self.backoff[key] = (failures + len(new_failed), failed_times[-1])
            return
        last_success = max(finished_time(p, now) for p in new_succeeded)
        after = [t for t in failed_times if t > last_success]
        self.backoff[key] = (len(after), after[-1] if after else None)

    def remaining_backoff(self, key: str, now: float) -> float:
        """``getRemainingTime``: how long to wait before replacing a failed pod."""
        failures, last = self.backoff.get(key, (0, None))
        if failures == 0 or last is None:
            return 0.0
        return max(0.0, backoff_duration(failures) - (now - last))

    # -- manageJob -----------------------------------------------------------------------------

    def _wanted_active(self, job: JSON, status: JSON, active: int) -> int:
        spec = job.get("spec") or {}
        parallelism = int(spec.get("parallelism", 1) or 0)
        completions = spec.get("completions")
        succeeded = int(status.get("succeeded", 0) or 0)
        if completions is None:
            # a work queue: once one pod succeeded, no new pods
            return active if succeeded > 0 else parallelism
        return max(0, min(parallelism, int(completions) - succeeded))

    def manage_job(self, job: JSON, key: str, active_pods: list[JSON], pods: list[JSON],
                   status: JSON, now: float) -> tuple[int, int]:
        """``manageJob``: (pods created, pods deleted)."""
        spec = job.get("spec") or {}
        active = len(active_pods)
        if spec.get("suspend"):
            return 0, self._delete_pods(job, key, active_pods)
        want = self._wanted_active(job, status, active)
        if active > want:
            # newest first (``activePodsForRemoval``: not-ready and younger pods go first)
            extra = sorted(active_pods, key=lambda p: (is_pod_ready(p),
                                                      p["metadata"].get("creationTimestamp", "")),
                           )[: min(active - want, MAX_POD_CREATE_DELETE_PER_SYNC)]
            return 0, self._delete_pods(job, key, extra)
        diff = min(want - active, MAX_POD_CREATE_DELETE_PER_SYNC)
        if diff <= 0:
            return 0, 0
        remaining = self.remaining_backoff(key, now)
        if remaining > 0:
            self.enqueue_after(key, remaining)
            return 0, 0
        indexes: list[int | None] = [None] * diff
        if spec.get("completionMode") == "Indexed":
            completions = int(spec.get("completions") or 0)
            done = parse_indexes(status.get("completedIndexes"), completions)
            busy = {_index_of(p) for p in active_pods}
            indexes = [i for i in range(completions) if i not in done and i not in busy][:diff]
            diff = len(indexes)
            if diff == 0:
                return 0, 0
        self.expectations.expect_creations(key, diff)
        ref = new_controller_ref(job, "batch/v1", "Job")
        queue = list(indexes)

        def create() -> None:
            ix = queue.pop(0)
            template, generate_name = self._pod_template(job, ix)
            self.pod_control.create_pods(job["metadata"].get("namespace", ""), template, job,
                                         ref, generate_name)

        successes, err = slow_start_batch(diff, SLOW_START_INITIAL_BATCH_SIZE, create)
        for _ in range(diff - successes):
            self.expectations.creation_observed(key)
        if err is not None:
            raise err
        return successes, 0

    def _pod_template(self, job: JSON, index: int | None) -> tuple[JSON, str]:
        """The template with the tracking finalizer, and for an Indexed Job the completion
        index (annotation, label, ``JOB_COMPLETION_INDEX``, hostname, name prefix)."""
        template = copy.deepcopy((job.get("spec") or {}).get("template") or {})
        meta = template.setdefault("metadata", {})
        meta["finalizers"] = [*(meta.get("finalizers") or []), JOB_TRACKING_FINALIZER]
        name = str(job["metadata"]["name"])
        if index is None:
            return template, ""
        meta.setdefault("annotations", {})[JOB_COMPLETION_INDEX_ANNOTATION] = str(index)
        meta.setdefault("labels", {})[JOB_COMPLETION_INDEX_ANNOTATION] = str(index)
        pod_spec = template.setdefault("spec", {})
        pod_spec["hostname"] = f"{name}-{index}"
        env_var = {"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
            "fieldPath": f"metadata.annotations['{JOB_COMPLETION_INDEX_ANNOTATION}']"}}}
        for c in (pod_spec.get("initContainers") or []) + (pod_spec.get("containers") or []):
            env = c.setdefault("env", [])
            if not any(e.get("name") == "JOB_COMPLETION_INDEX" for e in env):
                env.append(dict(env_var))
        suffix = f"-{index}-"
        prefix = name + suffix
        if len(prefix) > 58:  # names.MaxGeneratedNameLength
            prefix = name[: 58 - len(suffix)] + suffix
        return template, prefix

    def _delete_pods(self, job: JSON, key: str, pods: list[JSON]) -> int:
        """``deleteJobPods``: DELETE each (the finalizer keeps it until it is counted)."""
        if not pods:
            return 0
        self.expectations.expect_deletions(key, len(pods))
        deleted = 0
        for pod in pods:
            try:
                self.pod_control.delete_pod(pod["metadata"].get("namespace", ""),
                                            pod["metadata"]["name"], job)
                deleted += 1
            except Exception as err:
                self.expectations.deletion_observed(key)
                if not (isinstance(err, ApiError) and err.code == 404):
                    raise
        return deleted

    # -- status --------------------------------------------------------------------------------

    @staticmethod
    def _set_condition(status: JSON, ctype: str, cstatus: str, reason: str, message: str,
                       ts: str) -> bool:
        """``ensureJobConditionStatus``: add or change the condition; False if it was set."""
        conds = list(status.get("conditions") or [])
        for i, c in enumerate(conds):
            if c.get("type") == ctype:
                if c.get("status") == cstatus and c.get("reason") == reason and \
                        c.get("message") == message:
                    return False
                conds[i] = {"type": ctype, "status": cstatus, "lastProbeTime": ts,
                            "lastTransitionTime": ts if c.get("status") != cstatus
                            else c.get("lastTransitionTime", ts),
                            "reason": reason, "message": message}
                status["conditions"] = conds
                return True
        conds.append({"type": ctype, "status": cstatus, "lastProbeTime": ts,
                      "lastTransitionTime": ts, "reason": reason, "message": message})
        status["conditions"] = conds
        return True

    def _update_suspend_condition(self, job: JSON, status: JSON, ts: str) -> None:
        """The ``Suspended`` condition, its events, and the start time reset on resume."""
        suspended = bool((job.get("spec") or {}).get("suspend"))
        if suspended:
            if self._set_condition(status, "Suspended", "True", "JobSuspended", "Job suspended",
                                   ts):
                status.pop("startTime", None)
                self.recorder.event(job, EVENT_NORMAL, "Suspended", "Job suspended")
        elif _cond_true(status, "Suspended"):
            self._set_condition(status, "Suspended", "False", "JobResumed", "Job resumed", ts)
            # "Resumed jobs will always reset StartTime to current time"
            status["startTime"] = ts
            self.recorder.event(job, EVENT_NORMAL, "Resumed", "Job resumed")

    @staticmethod
    def _wire(status: JSON) -> JSON:
        """The status as Go writes it: zero ``active``/``succeeded``/``failed`` and an empty
        ``completedIndexes`` are left out; ``ready``/``terminating`` (pointers) stay."""
        out = {k: v for k, v in status.items() if v is not None}
        for k in ("active", "succeeded", "failed"):
            if not out.get(k):
                out.pop(k, None)
        if not out.get("completedIndexes"):
            out.pop("completedIndexes", None)
        if not out.get("conditions"):
            out.pop("conditions", None)
        out["uncountedTerminatedPods"] = {k: v for k, v in
                                          (out.get("uncountedTerminatedPods") or {}).items() if v}
        return out

    def _write_status(self, job: JSON, status: JSON, old_status: JSON, pods: list[JSON],
                      terminating: int, indexed: bool) -> None:
        active_pods = [p for p in pods if is_pod_active(p)]
        status["active"] = len(active_pods) if not any(
            _cond_true(status, t) for t in ("Complete", "Failed")) else 0
        status["ready"] = sum(1 for p in active_pods if is_pod_ready(p))
        status["terminating"] = terminating
        if _cond_true(status, "Complete") or _cond_true(status, "Failed"):
            status["active"], status["ready"] = 0, 0
        new = self._wire(status)
        if new == old_status:
            return
        job["status"] = new
        self.client.update_status("jobs", job)

    def _record_finished(self, job: JSON, finished: tuple[str, str, str]) -> None:
        """``recordJobFinished``."""
        ctype, reason, message = finished
        if ctype == "Complete":
            spec, status = job.get("spec") or {}, job.get("status") or {}
            if spec.get("completions") is not None and \
                    int(status.get("succeeded", 0) or 0) > int(spec["completions"]):
                self.recorder.event(job, EVENT_WARNING, "TooManySucceededPods",
                                    "Too many succeeded pods running after completion count "
                                    "reached")
            self.recorder.event(job, EVENT_NORMAL, "Completed", "Job completed")
        else:
            self.recorder.event(job, EVENT_WARNING, reason, message)
