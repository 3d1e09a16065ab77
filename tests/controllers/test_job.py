"""The Job controller against a real API server (no kubelet: the tests play it by writing pod
status; pods stay unscheduled, so a DELETE only waits for the job-tracking finalizer).

Covered: completions 3 / parallelism 2 step by step (creations, the finalizer and its removal
once counted, status counts, SuccessCriteriaMet then Complete, events), the failure back-off
(10 s, 20 s, then BackoffLimitExceeded), activeDeadlineSeconds, Indexed Jobs (names, index
annotation/label, hostname, completedIndexes), suspend and resume, the back-off arithmetic.
"""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.client.informer import InformerFactory
from k8s_internals.controllers.controller_utils import parse_time
from k8s_internals.controllers.job import (
    JOB_COMPLETION_INDEX_ANNOTATION,
    JOB_TRACKING_FINALIZER,
    JobController,
    backoff_duration,
    format_indexes,
    parse_indexes,
)
from k8s_internals.sim import Kernel

NS = "default"
JSON = dict[str, Any]


@pytest.fixture
def backend() -> str:
    return "memory"


@pytest.fixture
def jc(admin: Client, kernel: Kernel) -> JobController:
    c = JobController(admin, kernel, InformerFactory(admin, kernel))
    c.run()
    kernel.run_for(1)
    return c


def job(name: str = "hello", **spec: Any) -> JSON:
    restart = spec.pop("restartPolicy", "Never")
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": NS},
            "spec": {"template": {"spec": {"restartPolicy": restart, "containers": [
                {"name": "c", "image": "busybox", "command": ["sh", "-c", "echo hi"]}]}},
                     **spec}}


def pods(admin: Client, *, all_: bool = False) -> list[JSON]:
    items = admin.list("pods", NS)["items"]
    out = [p for p in items if all_ or (p["status"].get("phase") not in ("Succeeded", "Failed")
                                        and not p["metadata"].get("deletionTimestamp"))]
    return sorted(out, key=lambda p: (p["metadata"]["creationTimestamp"], p["metadata"]["name"]))


def finish(admin: Client, kernel: Kernel, pod: JSON, phase: str = "Succeeded") -> None:
    """What the kubelet reports when the container exits (0 or 1)."""
    p = admin.get("pods", pod["metadata"]["name"], NS)
    ts = kernel.timestamp()
    p["status"] = {"phase": phase, "containerStatuses": [{
        "name": "c", "image": "busybox", "imageID": "", "ready": False, "restartCount": 0,
        "state": {"terminated": {"exitCode": 0 if phase == "Succeeded" else 1,
                                 "reason": "Completed" if phase == "Succeeded" else "Error",
                                 "startedAt": ts, "finishedAt": ts}}}]}
    admin.update_status("pods", p)


def status(admin: Client, name: str = "hello") -> JSON:
    return dict(admin.get("jobs", name, NS).get("status") or {})


def events(admin: Client, reason: str = "") -> list[str]:
    items = sorted(admin.list("events", NS)["items"],
                   key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    return [f"{e['reason']}: {e['message']}" for e in items
            if e["involvedObject"]["kind"] == "Job" and (not reason or e["reason"] == reason)]


def conditions(admin: Client, name: str = "hello") -> list[tuple[str, str, str]]:
    return [(c["type"], c["status"], c.get("reason", ""))
            for c in status(admin, name).get("conditions") or []]


# -- pure helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("failures", "seconds"), [
    (0, 0.0),      # no failure since the last success: no wait
    (1, 10.0),     # DefaultJobPodFailureBackOff
    (2, 20.0),     # 10 * 2^1
    (3, 40.0),     # 10 * 2^2
    (6, 320.0),    # 10 * 2^5
    (7, 600.0),    # 10 * 2^6 = 640 > MaxJobPodFailureBackOff (10 min): capped
    (20, 600.0),
])
def test_backoff_duration(failures: int, seconds: float) -> None:
    assert backoff_duration(failures) == seconds


@pytest.mark.parametrize(("text", "completions", "indexes", "formatted"), [
    ("", 3, set(), ""),
    ("1", 3, {1}, "1"),
    ("0-2", 3, {0, 1, 2}, "0-2"),
    ("0,2-4,7", 10, {0, 2, 3, 4, 7}, "0,2-4,7"),
    ("0-5", 3, {0, 1, 2}, "0-2"),            # indexes beyond completions are dropped
])
def test_completed_indexes_round_trip(text: str, completions: int, indexes: set[int],
                                      formatted: str) -> None:
    assert parse_indexes(text, completions) == indexes
    assert format_indexes(indexes) == formatted


# -- flows -------------------------------------------------------------------------------------


def test_completions_3_parallelism_2_step_by_step(jc: JobController, admin: Client,
                                                   kernel: Kernel) -> None:
    admin.create("jobs", job(completions=3, parallelism=2))
    kernel.run_for(2)
    first = pods(admin)
    assert len(first) == 2
    for p in first:
        assert p["metadata"]["name"].startswith("hello-") and len(p["metadata"]["name"]) == 11
        assert p["metadata"]["finalizers"] == [JOB_TRACKING_FINALIZER]
        assert p["metadata"]["labels"]["batch.kubernetes.io/job-name"] == "hello"
        assert p["metadata"]["ownerReferences"][0]["kind"] == "Job"
    st = status(admin)
    assert (st.get("active"), st["ready"], st["terminating"]) == (2, 0, 0)
    assert st["startTime"] and st["uncountedTerminatedPods"] == {}

    # (pod to finish, then: running pods, succeeded, pods in total)
    steps = [(0, 2, 1, 3),    # one done: min(parallelism 2, 3 - 1 left) = 2 running
             (1, 1, 2, 3),    # two done: only 1 completion left
             (2, 0, 3, 3)]    # three: done
    all_pods = first
    for index, running, succeeded, total in steps:
        finish(admin, kernel, all_pods[index])
        kernel.run_for(2)
        all_pods = pods(admin, all_=True)
        assert len(pods(admin)) == running
        assert status(admin).get("succeeded", 0) == succeeded
        assert len(all_pods) == total
        # counted pods lose the finalizer, so they could be deleted
        done = [p for p in all_pods if p["status"].get("phase") == "Succeeded"]
        assert all(not p["metadata"].get("finalizers") for p in done)
    st = status(admin)
    assert [(c["type"], c["reason"], c["message"]) for c in st["conditions"]] == [
        ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "CompletionsReached", "Reached expected number of succeeded pods")]
    assert st["completionTime"] and "active" not in st
    assert sorted(events(admin, "SuccessfulCreate")) == sorted(
        f"SuccessfulCreate: Created pod: {p['metadata']['name']}" for p in all_pods)
    assert events(admin)[-1] == "Completed: Job completed"


def test_failed_pods_are_replaced_after_the_backoff_then_the_job_fails(
        jc: JobController, admin: Client, kernel: Kernel) -> None:
    """backoffLimit 2: failures 1 and 2 are replaced after 10 s and 20 s; the third makes
    failed (3) > backoffLimit (2)."""
    admin.create("jobs", job(backoffLimit=2))
    kernel.run_for(2)
    delays = []
    for _ in range(2):
        (p,) = pods(admin)
        finish(admin, kernel, p, "Failed")
        failed_at = kernel.now
        kernel.run_for(60)
        (new,) = pods(admin)
        created = parse_time(new["metadata"]["creationTimestamp"])
        assert created is not None
        delays.append(round(created - kernel.datetime(failed_at).timestamp()))
    assert delays == [10, 20]                      # 10 s · 2^(failures-1)
    (p,) = pods(admin)
    finish(admin, kernel, p, "Failed")
    kernel.run_for(5)
    st = status(admin)
    assert st["failed"] == 3 and "active" not in st
    assert conditions(admin) == [("FailureTarget", "True", "BackoffLimitExceeded"),
                                 ("Failed", "True", "BackoffLimitExceeded")]
    assert "completionTime" not in st
    assert events(admin, "BackoffLimitExceeded") == [
        "BackoffLimitExceeded: Job has reached the specified backoff limit"]
    assert pods(admin) == []


def test_active_deadline_fails_the_job_and_deletes_its_pods(
        jc: JobController, admin: Client, kernel: Kernel) -> None:
    admin.create("jobs", job(activeDeadlineSeconds=30, parallelism=2, completions=4))
    kernel.run_for(2)
    assert len(pods(admin)) == 2
    kernel.run_for(20)
    assert conditions(admin) == []                 # 22 s < 30 s
    kernel.run_for(15)
    assert conditions(admin) == [("FailureTarget", "True", "DeadlineExceeded"),
                                 ("Failed", "True", "DeadlineExceeded")]
    assert pods(admin, all_=True) == []            # deleted, finalizers removed
    assert status(admin)["failed"] == 2            # deleted before success: failures
    assert [e for e in events(admin) if e.startswith(("DeadlineExceeded", "SuccessfulDelete"))
            ][-1] == "DeadlineExceeded: Job was active longer than specified deadline"
    assert len(events(admin, "SuccessfulDelete")) == 2


def test_indexed_job(jc: JobController, admin: Client, kernel: Kernel) -> None:
    admin.create("jobs", job("idx", completions=3, parallelism=3, completionMode="Indexed"))
    kernel.run_for(2)
    by_index = {int(p["metadata"]["annotations"][JOB_COMPLETION_INDEX_ANNOTATION]): p
                for p in pods(admin)}
    assert sorted(by_index) == [0, 1, 2]
    for i, p in by_index.items():
        assert p["metadata"]["name"].startswith(f"idx-{i}-")
        assert p["metadata"]["labels"][JOB_COMPLETION_INDEX_ANNOTATION] == str(i)
        assert p["spec"]["hostname"] == f"idx-{i}"
        assert {"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
            "apiVersion": "v1",
            "fieldPath": f"metadata.annotations['{JOB_COMPLETION_INDEX_ANNOTATION}']"}}} in \
            p["spec"]["containers"][0]["env"]
    finish(admin, kernel, by_index[1])
    kernel.run_for(2)
    assert status(admin, "idx")["completedIndexes"] == "1"
    finish(admin, kernel, by_index[0])
    finish(admin, kernel, by_index[2])
    kernel.run_for(2)
    st = status(admin, "idx")
    assert (st["completedIndexes"], st["succeeded"]) == ("0-2", 3)
    assert ("Complete", "True", "CompletionsReached") in conditions(admin, "idx")


def test_suspend_and_resume(jc: JobController, admin: Client, kernel: Kernel) -> None:
    admin.create("jobs", job(suspend=True, parallelism=2, completions=2))
    kernel.run_for(2)
    assert pods(admin) == []
    st = status(admin)
    assert "startTime" not in st
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in st["conditions"]] == [
        ("Suspended", "True", "JobSuspended", "Job suspended")]
    kernel.run_for(10)
    j = admin.get("jobs", "hello", NS)
    j["spec"]["suspend"] = False
    admin.update("jobs", j)
    kernel.run_for(2)
    assert len(pods(admin)) == 2
    st = status(admin)
    assert st["startTime"] and conditions(admin) == [("Suspended", "False", "JobResumed")]
    assert events(admin, "Suspended") == ["Suspended: Job suspended"]
    assert events(admin, "Resumed") == ["Resumed: Job resumed"]
    # suspending again deletes the running pods
    j = admin.get("jobs", "hello", NS)
    j["spec"]["suspend"] = True
    admin.update("jobs", j)
    kernel.run_for(3)
    assert pods(admin) == []
    assert conditions(admin) == [("Suspended", "True", "JobSuspended")]
    assert len(events(admin, "SuccessfulDelete")) == 2


def test_pods_of_a_deleted_job_lose_the_finalizer(jc: JobController, admin: Client,
                                                  kernel: Kernel) -> None:
    """``syncOrphanPod``: without it the garbage collector's DELETE would wait forever."""
    admin.create("jobs", job(parallelism=2, completions=2))
    kernel.run_for(2)
    assert len(pods(admin)) == 2
    admin.delete("jobs", "hello", NS)
    kernel.run_for(2)
    for p in pods(admin):                       # what the garbage collector does next
        admin.delete("pods", p["metadata"]["name"], NS)
    kernel.run_for(2)
    assert pods(admin, all_=True) == []


def test_docstring_examples() -> None:
    import doctest

    from k8s_internals.controllers import job as job_module

    result = doctest.testmod(job_module)
    assert result.attempted > 0 and result.failed == 0
