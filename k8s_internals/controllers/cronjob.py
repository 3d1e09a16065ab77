"""The CronJob controller: create a Job at each time a cron schedule names.

Upstream: ``pkg/controller/cronjob/cronjob_controllerv2.go`` (``ControllerV2``, ``addJob``/
``updateJob``/``deleteJob``, ``updateCronJob``, ``sync``, ``syncCronJob``,
``cleanupFinishedJobs``, ``removeOldestJobs``) and ``pkg/controller/cronjob/utils.go``
(``mostRecentScheduleTime``, ``nextScheduleTime``, ``nextScheduleTimeDuration``,
``getJobFromTemplate2``, ``getJobName``, ``formatSchedule``, ``inActiveList``). Schedules are
parsed and stepped by :mod:`k8s_internals.api.cron` (``robfig/cron/v3``), on virtual time.

One sync, for key ``ns/name``::

    jobs = the Jobs this CronJob controls (from the Job informer)
    delete the oldest finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit
    finished Jobs leave status.active (SawCompletedJob); a Complete one sets lastSuccessfulTime
    active entries whose Job is gone leave it (MissingJob)
    being deleted, bad time zone, suspended, unparseable schedule → write status, stop
    scheduled = the most recent schedule time in (max(lastScheduleTime or creation,
                now - startingDeadlineSeconds), now]
        none                         → requeue at the next schedule time (+100 ms)
        older than the deadline      → MissSchedule, requeue
        already created              → requeue
        Forbid and a Job is active   → JobAlreadyActive, requeue
        Replace                      → delete the active Jobs first
    create Job <cronjob>-<scheduled time in minutes since the epoch> (SuccessfulCreate),
    add it to status.active, lastScheduleTime = scheduled  → PUT .../status, requeue

More than 100 missed start times since the last one get a ``TooManyMissedTimes`` warning (only
the most recent is started).

Events on the CronJob: ``SuccessfulCreate`` "Created job <name>", ``SawCompletedJob`` "Saw
completed job: <name>, condition: Complete", ``SuccessfulDelete`` "Deleted job <name>",
``MissSchedule`` "Missed scheduled time to start a job: <RFC 1123Z>", ``JobAlreadyActive``,
``UnexpectedJob``, ``MissingJob``, ``TooManyMissedTimes``, ``UnparseableSchedule``,
``UnknownTimeZone``, ``FailedCreate``.

With ``startingDeadlineSeconds`` the search for the most recent time already starts at ``now -
deadline``, so a run missed by more than the deadline is skipped silently, as upstream's v2
controller does (its ``MissSchedule`` branch is then hardly ever reached).

Simplifications: the controller manager's local time zone is UTC; job deletions use the
Background propagation policy as upstream, the garbage collector removes their pods.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ..api.cron import CronError, Schedule, load_location, parse_standard
from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..client.record import EVENT_NORMAL, EVENT_WARNING
from ..sim import Kernel
from .base import Controller, key_of
from .controller_utils import (
    JSON,
    NAMESPACE_TERMINATING_CAUSE,
    ControllerError,
    get_controller_of,
    has_status_cause,
    new_controller_ref,
    with_type,
)
from .job import is_job_finished

__all__ = [
    "CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION",
    "CronJobController",
    "get_job_name",
    "most_recent_schedule_time",
    "next_schedule_time_duration",
]

#: ``batchv1.CronJobScheduledTimestampAnnotation``
CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"
#: ``nextScheduleDelta``: requeue a little after the schedule time
NEXT_SCHEDULE_DELTA = 0.1
#: more missed start times than this get the ``TooManyMissedTimes`` warning
MANY_MISSED = 100


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _rfc3339(t: datetime) -> str:
    t = t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def get_job_name(cj: Mapping[str, Any], scheduled: datetime) -> str:
    """``getJobName``: ``<cronjob>-<scheduled time in minutes since the epoch>``.

    >>> get_job_name({"metadata": {"name": "hello"}}, datetime(2025, 1, 1, 0, 1, tzinfo=UTC))
    'hello-28928161'
    """
    return f"{cj['metadata']['name']}-{int(scheduled.timestamp()) // 60}"


def most_recent_schedule_time(cj: Mapping[str, Any], now: datetime, schedule: Schedule,
                              include_starting_deadline: bool
                              ) -> tuple[datetime, datetime | None, int]:
    """``mostRecentScheduleTime``: (earliest time considered, the most recent schedule time
    not after ``now`` or None, the estimated number of missed start times). Raises
    :class:`CronError` for a schedule whose two next times are less than a second apart."""
    status, spec = cj.get("status") or {}, cj.get("spec") or {}
    earliest = _time(status.get("lastScheduleTime")) or \
        _time(cj["metadata"].get("creationTimestamp")) or now
    deadline = spec.get("startingDeadlineSeconds")
    if include_starting_deadline and deadline is not None:
        scheduling_deadline = now - timedelta(seconds=int(deadline))
        if scheduling_deadline > earliest:
            earliest = scheduling_deadline
    t1 = schedule.next(earliest)
    if t1 is None or now < t1:
        return earliest, None, 0
    t2 = schedule.next(t1)
    if t2 is None or now < t2:
        return earliest, t1, 0
    between = round((t2 - t1).total_seconds())
    if between < 1:
        raise CronError("time difference between two schedules is less than 1 second")
    elapsed = int((now - t1).total_seconds())
    missed = elapsed // between + 1
    most_recent: datetime | None = None
    t: datetime | None = schedule.next(t1 + timedelta(seconds=(missed - 2) * between))
    while t is not None and t <= now:
        most_recent = t
        t = schedule.next(t)
    return earliest, most_recent, missed


def next_schedule_time_duration(cj: Mapping[str, Any], now: datetime,
                                schedule: Schedule) -> float:
    """``nextScheduleTimeDuration``: seconds until just after the next schedule time."""
    try:
        earliest, most_recent, _ = most_recent_schedule_time(cj, now, schedule, False)
        base = most_recent or earliest
    except CronError:
        base = now
    nxt = schedule.next(base)
    if nxt is None:
        return 0.0
    return (nxt - now).total_seconds() + NEXT_SCHEDULE_DELTA


def format_schedule(cj: Mapping[str, Any]) -> str:
    """``formatSchedule``: ``TZ=<timeZone> <schedule>`` when a valid time zone is set."""
    spec = cj.get("spec") or {}
    schedule, tz = str(spec.get("schedule", "")), spec.get("timeZone")
    if "TZ" in schedule or tz is None:
        return schedule
    try:
        load_location(str(tz))
    except CronError:
        return schedule
    return f"TZ={tz} {schedule}"


def _finished_condition(job: Mapping[str, Any]) -> str:
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return str(c["type"])
    return ""


class CronJobController(Controller):
    """``cronjob.ControllerV2`` (kube-controller-manager's ``cronjob-controller``)."""

    name = "cronjob-controller"
    #: ``--concurrent-cron-job-syncs`` default
    workers = 5

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory) -> None:
        super().__init__(client, kernel, factory)
        self.cronjobs = self.informer("cronjobs")
        self.cronjobs.add_event_handler(self.enqueue, self._update_cron_job, self.enqueue)
        self.jobs = self.informer("jobs")
        self.jobs.add_event_handler(self._add_job, self._update_job, self._delete_job)

    def now(self) -> datetime:
        return self.kernel.datetime()

    # -- handlers ------------------------------------------------------------------------------

    def _cron_job_of(self, job: Mapping[str, Any]) -> JSON | None:
        ref = get_controller_of(job)
        if ref is None or ref.get("kind") != "CronJob":
            return None
        cj = self.cronjobs.get(f"{job['metadata'].get('namespace', '')}/{ref.get('name')}")
        if cj is None or cj["metadata"].get("uid") != ref.get("uid"):
            return None
        return cj

    def _add_job(self, job: JSON) -> None:
        if job["metadata"].get("deletionTimestamp"):
            self._delete_job(job)
            return
        cj = self._cron_job_of(job)
        if cj is not None:
            self.enqueue(cj)

    def _update_job(self, old: JSON, cur: JSON) -> None:
        if cur["metadata"].get("resourceVersion") == old["metadata"].get("resourceVersion"):
            return
        old_cj, cur_cj = self._cron_job_of(old), self._cron_job_of(cur)
        if old_cj is not None and (cur_cj is None or key_of(old_cj) != key_of(cur_cj)):
            self.enqueue(old_cj)
        if cur_cj is not None:
            self.enqueue(cur_cj)

    def _delete_job(self, obj: Any) -> None:
        job = obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj
        cj = self._cron_job_of(job)
        if cj is not None:
            self.enqueue(cj)

    def _update_cron_job(self, old: JSON, cur: JSON) -> None:
        """``updateCronJob``: a new schedule or time zone moves the requeue time."""
        ospec, cspec = old.get("spec") or {}, cur.get("spec") or {}
        if ospec.get("schedule") != cspec.get("schedule") or \
                ospec.get("timeZone") != cspec.get("timeZone"):
            try:
                sched = parse_standard(format_schedule(cur))
            except CronError:
                return
            self.enqueue_after(key_of(cur), next_schedule_time_duration(cur, self.now(), sched),
                               check=True)
            return
        self.enqueue(cur)

    # -- sync ----------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``sync``: clean up, ``syncCronJob``, write the status, requeue."""
        namespace = key.split("/", 1)[0]
        cached = self.cronjobs.get(key)
        if cached is None:
            return
        cj = copy.deepcopy(with_type(cached, "batch/v1", "CronJob"))
        uid = cj["metadata"].get("uid")
        jobs = [j for j in self.jobs.list(namespace)
                if (get_controller_of(j) or {}).get("uid") == uid]
        update_after_cleanup = self.cleanup_finished_jobs(cj, jobs)
        requeue, update_after_sync, err = self.sync_cron_job(cj, jobs)
        if update_after_cleanup or update_after_sync:
            self.client.update_status("cronjobs", cj)
        if requeue is not None:
            self.enqueue_after(key, requeue, check=True)
        if err is not None:
            raise err

    def cleanup_finished_jobs(self, cj: JSON, jobs: list[JSON]) -> bool:
        """``cleanupFinishedJobs``: keep the newest finished Jobs within the history limits."""
        spec = cj.get("spec") or {}
        if spec.get("failedJobsHistoryLimit") is None and \
                spec.get("successfulJobsHistoryLimit") is None:
            return False
        successful = [j for j in jobs if _finished_condition(j) == "Complete"]
        failed = [j for j in jobs if _finished_condition(j) == "Failed"]
        updated = False
        for limit_key, group in (("successfulJobsHistoryLimit", successful),
                                 ("failedJobsHistoryLimit", failed)):
            limit = spec.get(limit_key)
            if limit is not None and self._remove_oldest_jobs(cj, group, int(limit)):
                updated = True
        return updated

    def _remove_oldest_jobs(self, cj: JSON, jobs: list[JSON], max_jobs: int) -> bool:
        """``removeOldestJobs``: by start time (``byJobStartTime``), oldest first."""
        excess = len(jobs) - max_jobs
        if excess <= 0:
            return False

        def start_key(j: JSON) -> tuple[int, str, str]:
            st = (j.get("status") or {}).get("startTime")
            return (0 if st else 1, str(st or ""), str(j["metadata"]["name"]))

        updated = False
        for job in sorted(jobs, key=start_key)[:excess]:
            if self._delete_job_of(cj, job):
                updated = True
        return updated

    def _delete_job_of(self, cj: JSON, job: Mapping[str, Any]) -> bool:
        """``deleteJob``: DELETE (Background), drop it from the active list, record it."""
        try:
            self.client.delete("jobs", job["metadata"]["name"],
                               job["metadata"].get("namespace", ""),
                               propagation_policy="Background")
        except ApiError as err:
            self.recorder.event(cj, EVENT_WARNING, "FailedDelete", f"Deleted job: {err}")
            return False
        self._delete_from_active(cj, str(job["metadata"].get("uid")))
        self.recorder.event(cj, EVENT_NORMAL, "SuccessfulDelete",
                            f"Deleted job {job['metadata']['name']}")
        return True

    @staticmethod
    def _in_active(cj: Mapping[str, Any], uid: str) -> bool:
        return any(r.get("uid") == uid for r in (cj.get("status") or {}).get("active") or [])

    @staticmethod
    def _delete_from_active(cj: JSON, uid: str) -> None:
        status = cj.setdefault("status", {})
        active = [r for r in status.get("active") or [] if r.get("uid") != uid]
        if active:
            status["active"] = active
        else:
            status.pop("active", None)

    def sync_cron_job(self, cj: JSON, jobs: list[JSON]
                      ) -> tuple[float | None, bool, BaseException | None]:
        """``syncCronJob``: (requeue after, status changed, error)."""
        now = self.now()
        update = False
        status = cj.setdefault("status", {})
        children: set[str] = set()
        for j in jobs:
            juid = str(j["metadata"].get("uid"))
            children.add(juid)
            found = self._in_active(cj, juid)
            if not found and not is_job_finished(j):
                fresh = self.client.get("cronjobs", cj["metadata"]["name"],
                                        cj["metadata"].get("namespace", ""))
                if self._in_active(fresh, juid):
                    cj.clear()
                    cj.update(fresh)
                    status = cj.setdefault("status", {})
                    continue
                self.recorder.event(cj, EVENT_WARNING, "UnexpectedJob",
                                    f"Saw a job that the controller did not create or forgot: "
                                    f"{j['metadata']['name']}")
            elif found and is_job_finished(j):
                self._delete_from_active(cj, juid)
                self.recorder.event(cj, EVENT_NORMAL, "SawCompletedJob",
                                    f"Saw completed job: {j['metadata']['name']}, condition: "
                                    f"{_finished_condition(j)}")
                update = True
                status = cj["status"]
            if _finished_condition(j) == "Complete":
                done = (j.get("status") or {}).get("completionTime")
                last = status.get("lastSuccessfulTime")
                if done and (not last or _time(done) > _time(last)):  # type: ignore[operator]
                    status["lastSuccessfulTime"] = done
                    update = True
        for ref in list(status.get("active") or []):
            if ref.get("uid") in children:
                continue
            try:
                self.client.get("jobs", str(ref.get("name")), str(ref.get("namespace", "")))
            except ApiError as err:
                if err.code != 404:
                    return None, update, err
                self.recorder.event(cj, EVENT_NORMAL, "MissingJob",
                                    f"Active job went missing: {ref.get('name')}")
                self._delete_from_active(cj, str(ref.get("uid")))
                update = True
        if cj["metadata"].get("deletionTimestamp"):
            return None, update, None
        spec = cj.get("spec") or {}
        if spec.get("timeZone") is not None:
            try:
                load_location(str(spec["timeZone"]))
            except CronError as exc:
                self.recorder.event(cj, EVENT_WARNING, "UnknownTimeZone",
                                    f'invalid timeZone: "{spec["timeZone"]}": {exc}')
                return None, update, None
        if spec.get("suspend"):
            return None, update, None
        try:
            sched = parse_standard(format_schedule(cj))
        except CronError as exc:
            self.recorder.event(cj, EVENT_WARNING, "UnparseableSchedule",
                                f'unparseable schedule: "{spec.get("schedule")}" : {exc}')
            return None, update, None
        try:
            _, scheduled, missed = most_recent_schedule_time(cj, now, sched, True)
        except CronError as exc:
            self.recorder.event(cj, EVENT_WARNING, "InvalidSchedule",
                                f"invalid schedule: {spec.get('schedule')} : {exc}")
            return None, update, None
        if scheduled is not None and missed > MANY_MISSED:
            self.recorder.event(cj, EVENT_WARNING, "TooManyMissedTimes",
                                "too many missed start times. Set or decrease "
                                ".spec.startingDeadlineSeconds or check clock skew")
        if scheduled is None:
            return next_schedule_time_duration(cj, now, sched), update, None
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None and scheduled + timedelta(seconds=int(deadline)) < now:
            self.recorder.event(cj, EVENT_WARNING, "MissSchedule",
                                "Missed scheduled time to start a job: "
                                + scheduled.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000"))
            return next_schedule_time_duration(cj, now, sched), update, None
        name = get_job_name(cj, scheduled)
        last = _time(status.get("lastScheduleTime"))
        if any(r.get("name") == name for r in status.get("active") or []) or last == scheduled:
            return next_schedule_time_duration(cj, now, sched), update, None
        policy = spec.get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and status.get("active"):
            self.recorder.event(cj, EVENT_NORMAL, "JobAlreadyActive",
                                "Not starting job because prior execution is running and "
                                "concurrency policy is Forbid")
            return next_schedule_time_duration(cj, now, sched), update, None
        if policy == "Replace":
            for ref in list(status.get("active") or []):
                try:
                    job = self.client.get("jobs", str(ref.get("name")),
                                          str(ref.get("namespace", "")))
                except ApiError as err:
                    self.recorder.event(cj, EVENT_WARNING, "FailedGet", f"Get job: {err}")
                    return None, update, err
                if not self._delete_job_of(cj, job):
                    return None, update, ControllerError(
                        f"could not replace job {ref.get('namespace')}/{ref.get('name')}")
                update = True
        job_req = self.job_from_template(cj, scheduled)
        ns = cj["metadata"].get("namespace", "")
        try:
            created = self.client.create("jobs", job_req, ns)
            self.recorder.event(cj, EVENT_NORMAL, "SuccessfulCreate",
                                f"Created job {created['metadata']['name']}")
        except ApiError as err:
            if has_status_cause(err, NAMESPACE_TERMINATING_CAUSE):
                return None, update, err
            if err.code != 409:
                self.recorder.event(cj, EVENT_WARNING, "FailedCreate",
                                    f"Error creating job: {err}")
                return None, update, err
            created = self.client.get("jobs", name, ns)
            if (get_controller_of(created) or {}).get("uid") != cj["metadata"].get("uid"):
                return None, update, None
            if self._in_active(cj, str(created["metadata"].get("uid"))):
                return None, update, None
        status = cj.setdefault("status", {})
        status["active"] = [*(status.get("active") or []), {
            "kind": "Job", "namespace": ns, "name": created["metadata"]["name"],
            "uid": created["metadata"]["uid"], "apiVersion": "batch/v1",
            "resourceVersion": created["metadata"].get("resourceVersion", "")}]
        status["lastScheduleTime"] = _rfc3339(scheduled)
        return next_schedule_time_duration(cj, now, sched), True, None

    @staticmethod
    def job_from_template(cj: JSON, scheduled: datetime) -> JSON:
        """``getJobFromTemplate2``: the template's labels and annotations, the scheduled time
        annotation (in the CronJob's time zone), the deterministic name, the controller ref."""
        jt = (cj.get("spec") or {}).get("jobTemplate") or {}
        jmeta = jt.get("metadata") or {}
        annotations = dict(jmeta.get("annotations") or {})
        tz = load_location(str((cj.get("spec") or {}).get("timeZone") or ""))
        local = scheduled.astimezone(tz)
        stamp = local.strftime("%Y-%m-%dT%H:%M:%S") + (
            "Z" if local.utcoffset() == timedelta(0) else local.strftime("%z")[:3] + ":"
            + local.strftime("%z")[3:])
        annotations[CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION] = stamp
        meta: JSON = {"name": get_job_name(cj, scheduled),
                      "namespace": cj["metadata"].get("namespace", ""),
                      "ownerReferences": [new_controller_ref(cj, "batch/v1", "CronJob")],
                      "annotations": annotations}
        if jmeta.get("labels"):
            meta["labels"] = dict(jmeta["labels"])
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
                "spec": copy.deepcopy(jt.get("spec") or {})}
