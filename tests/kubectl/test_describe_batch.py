"""``kubectl describe job`` / ``describe cronjob`` (upstream ``describeJob``,
``describeCronJob``, ``describeJobTemplate``, ``capIndexesListOrNone``): full-text snapshots of
Jobs the Job controller ran and of a CronJob whose controller started a Job, on virtual time
(the kernel starts at 2025-01-01T00:00:00Z). No kubelet runs: the tests finish pods by writing
their status, so running pods stay Pending (``0 Ready``).

The generated parts (UIDs, pod-name suffixes) are read back from the API and put into the
expected text.
"""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.client.informer import InformerFactory
from k8s_internals.controllers.cronjob import CronJobController
from k8s_internals.controllers.job import JobController
from k8s_internals.kubectl import Kubectl
from k8s_internals.kubectl.describe import cap_indexes_list_or_none
from k8s_internals.sim import Kernel

NS = "default"
JSON = dict[str, Any]


@pytest.fixture
def controllers(admin: Client, kernel: Kernel) -> None:
    """The Job and CronJob controllers on one informer factory."""
    factory = InformerFactory(admin, kernel)
    JobController(admin, kernel, factory).run()
    CronJobController(admin, kernel, factory).run()
    kernel.run_for(1)


def _pods(admin: Client, prefix: str) -> list[JSON]:
    items = [p for p in admin.list("pods", NS)["items"]
             if p["metadata"]["name"].startswith(prefix)]
    return sorted(items, key=lambda p: p["metadata"]["name"])


def _succeed(admin: Client, kernel: Kernel, pod: JSON) -> None:
    """What the kubelet reports when the container exits 0."""
    p = admin.get("pods", pod["metadata"]["name"], NS)
    ts = kernel.timestamp()
    name = p["spec"]["containers"][0]["name"]
    p["status"] = {"phase": "Succeeded", "containerStatuses": [{
        "name": name, "image": p["spec"]["containers"][0]["image"], "imageID": "",
        "ready": False, "restartCount": 0,
        "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": ts,
                                 "finishedAt": ts}}}]}
    admin.update_status("pods", p)


def _uid(admin: Client, resource: str, name: str) -> str:
    return str(admin.get(resource, name, NS)["metadata"]["uid"])


def test_describe_job_run_to_completion(kubectl: Kubectl, admin: Client, kernel: Kernel,
                                        controllers: None) -> None:
    assert kubectl.run("create job pi --image=perl:5.34 -- perl -Mbignum=bpi -wle "
                       "'print bpi(20)'") == "job.batch/pi created\n"
    kernel.run_for(2)
    (pod,) = _pods(admin, "pi-")
    _succeed(admin, kernel, pod)
    kernel.run_for(30)
    uid, pod_name = _uid(admin, "jobs", "pi"), pod["metadata"]["name"]
    assert kubectl.run("describe job pi") == (
        "Name:             pi\n"
        "Namespace:        default\n"
        f"Selector:         batch.kubernetes.io/controller-uid={uid}\n"
        f"Labels:           batch.kubernetes.io/controller-uid={uid}\n"
        "                  batch.kubernetes.io/job-name=pi\n"
        f"                  controller-uid={uid}\n"
        "                  job-name=pi\n"
        "Annotations:      <none>\n"
        "Parallelism:      1\n"
        "Completions:      1\n"
        "Completion Mode:  NonIndexed\n"
        "Suspend:          false\n"
        "Backoff Limit:    6\n"
        "Start Time:       Wed, 01 Jan 2025 00:00:01 +0000\n"
        "Completed At:     Wed, 01 Jan 2025 00:00:04 +0000\n"
        "Duration:         3s\n"
        "Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        f"  Labels:  batch.kubernetes.io/controller-uid={uid}\n"
        "           batch.kubernetes.io/job-name=pi\n"
        f"           controller-uid={uid}\n"
        "           job-name=pi\n"
        "  Containers:\n"
        "   pi:\n"
        "    Image:      perl:5.34\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Command:\n"
        "      perl\n"
        "      -Mbignum=bpi\n"
        "      -wle\n"
        "      print bpi(20)\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:\n"
        "  Type    Reason            Age   From            Message\n"
        "  ----    ------            ----  ----            -------\n"
        f"  Normal  SuccessfulCreate  32s   job-controller  Created pod: {pod_name}\n"
        "  Normal  Completed         29s   job-controller  Job completed\n")
    # --show-events=false: the text stops after the pod template
    assert kubectl.run("describe job pi --show-events=false").endswith(
        "  Node-Selectors:  <none>\n  Tolerations:     <none>\n")


def test_describe_indexed_job_in_progress(kubectl: Kubectl, admin: Client, kernel: Kernel,
                                          controllers: None) -> None:
    """Optional fields (TTL, active deadline), own labels and annotations, Indexed mode's
    ``Completed Indexes``; no ``Completed At``/``Duration`` while the Job runs."""
    admin.create("jobs", {
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "idx", "namespace": NS, "labels": {"team": "batch"},
                     "annotations": {"owner": "me"}},
        "spec": {"completions": 3, "parallelism": 2, "completionMode": "Indexed",
                 "backoffLimit": 2, "ttlSecondsAfterFinished": 100,
                 "activeDeadlineSeconds": 600,
                 "template": {"metadata": {"labels": {"app": "idx"}}, "spec": {
                     "restartPolicy": "Never",
                     "containers": [{"name": "c", "image": "busybox"}]}}}})
    kernel.run_for(2)
    first = _pods(admin, "idx-")
    assert [p["metadata"]["name"][:6] for p in first] == ["idx-0-", "idx-1-"]
    _succeed(admin, kernel, first[0])
    kernel.run_for(57)
    uid = _uid(admin, "jobs", "idx")
    names = [p["metadata"]["name"] for p in _pods(admin, "idx-")]
    assert kubectl.run("describe job idx") == (
        "Name:                        idx\n"
        "Namespace:                   default\n"
        f"Selector:                    batch.kubernetes.io/controller-uid={uid}\n"
        "Labels:                      team=batch\n"
        "Annotations:                 owner: me\n"
        "Parallelism:                 2\n"
        "Completions:                 3\n"
        "Completion Mode:             Indexed\n"
        "Suspend:                     false\n"
        "Backoff Limit:               2\n"
        "TTL Seconds After Finished:  100\n"
        "Start Time:                  Wed, 01 Jan 2025 00:00:01 +0000\n"
        "Active Deadline Seconds:     600s\n"
        "Pods Statuses:               2 Active (0 Ready) / 1 Succeeded / 0 Failed\n"
        "Completed Indexes:           0\n"
        "Pod Template:\n"
        "  Labels:  app=idx\n"
        f"           batch.kubernetes.io/controller-uid={uid}\n"
        "           batch.kubernetes.io/job-name=idx\n"
        f"           controller-uid={uid}\n"
        "           job-name=idx\n"
        "  Containers:\n"
        "   c:\n"
        "    Image:         busybox\n"
        "    Port:          <none>\n"
        "    Host Port:     <none>\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:\n"
        "  Type    Reason            Age   From            Message\n"
        "  ----    ------            ----  ----            -------\n"
        f"  Normal  SuccessfulCreate  59s   job-controller  Created pod: {names[0]}\n"
        f"  Normal  SuccessfulCreate  59s   job-controller  Created pod: {names[1]}\n"
        f"  Normal  SuccessfulCreate  56s   job-controller  Created pod: {names[2]}\n")


def test_describe_cronjob_and_the_job_it_started(kubectl: Kubectl, admin: Client,
                                                 kernel: Kernel, controllers: None) -> None:
    admin.create("cronjobs", {
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "hello", "namespace": NS, "labels": {"app": "hello"}},
        "spec": {"schedule": "*/5 * * * *", "startingDeadlineSeconds": 100,
                 "successfulJobsHistoryLimit": 2, "jobTemplate": {"spec": {
                     "parallelism": 1, "activeDeadlineSeconds": 600,
                     "template": {"spec": {"restartPolicy": "OnFailure", "containers": [
                         {"name": "c", "image": "busybox", "command": ["date"]}]}}}}}})
    # before the first activation: nothing scheduled, no jobs, no events
    before = kubectl.run("describe cj hello")
    assert "Last Schedule Time:  <unset>\nActive Jobs:         <none>\n" \
           "Events:              <none>\n" in before
    kernel.run_for(5 * 60 + 29)                     # 00:05:30
    job = "hello-28928165"                          # minutes since the epoch at 00:05
    assert kubectl.run("describe cronjob hello") == (
        "Name:                          hello\n"
        "Namespace:                     default\n"
        "Labels:                        app=hello\n"
        "Annotations:                   <none>\n"
        "Schedule:                      */5 * * * *\n"
        "Concurrency Policy:            Allow\n"
        "Suspend:                       False\n"
        "Successful Job History Limit:  2\n"
        "Failed Job History Limit:      1\n"
        "Starting Deadline Seconds:     100s\n"
        "Selector:                      <unset>\n"
        "Parallelism:                   1\n"
        "Completions:                   <unset>\n"
        "Active Deadline Seconds:       600s\n"
        "Pod Template:\n"
        "  Labels:  <none>\n"
        "  Containers:\n"
        "   c:\n"
        "    Image:      busybox\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Command:\n"
        "      date\n"
        "    Environment:     <none>\n"
        "    Mounts:          <none>\n"
        "  Volumes:           <none>\n"
        "  Node-Selectors:    <none>\n"
        "  Tolerations:       <none>\n"
        "Last Schedule Time:  Wed, 01 Jan 2025 00:05:00 +0000\n"
        f"Active Jobs:         {job}\n"
        "Events:\n"
        "  Type    Reason            Age   From                Message\n"
        "  ----    ------            ----  ----                -------\n"
        f"  Normal  SuccessfulCreate  30s   cronjob-controller  Created job {job}\n")
    uid = _uid(admin, "jobs", job)
    (pod,) = _pods(admin, f"{job}-")
    assert kubectl.run(f"describe job {job}") == (
        f"Name:                     {job}\n"
        "Namespace:                default\n"
        f"Selector:                 batch.kubernetes.io/controller-uid={uid}\n"
        f"Labels:                   batch.kubernetes.io/controller-uid={uid}\n"
        f"                          batch.kubernetes.io/job-name={job}\n"
        f"                          controller-uid={uid}\n"
        f"                          job-name={job}\n"
        "Annotations:              batch.kubernetes.io/cronjob-scheduled-timestamp: "
        "2025-01-01T00:05:00Z\n"
        "Controlled By:            CronJob/hello\n"
        "Parallelism:              1\n"
        "Completions:              <unset>\n"
        "Completion Mode:          NonIndexed\n"
        "Suspend:                  false\n"
        "Backoff Limit:            6\n"
        "Start Time:               Wed, 01 Jan 2025 00:05:00 +0000\n"
        "Active Deadline Seconds:  600s\n"
        "Pods Statuses:            1 Active (0 Ready) / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        f"  Labels:  batch.kubernetes.io/controller-uid={uid}\n"
        f"           batch.kubernetes.io/job-name={job}\n"
        f"           controller-uid={uid}\n"
        f"           job-name={job}\n"
        "  Containers:\n"
        "   c:\n"
        "    Image:      busybox\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Command:\n"
        "      date\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:\n"
        "  Type    Reason            Age   From            Message\n"
        "  ----    ------            ----  ----            -------\n"
        f"  Normal  SuccessfulCreate  30s   job-controller  Created pod: "
        f"{pod['metadata']['name']}\n")


def test_describe_job_without_status_or_defaults(kubectl: Kubectl, admin: Client) -> None:
    """No controller ran: no ``status.ready`` (the older ``Pods Statuses`` form), no start
    time; ``Completions`` defaults to 1 only with parallelism unset, so a work queue Job
    prints ``<unset>``."""
    admin.create("jobs", {
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "queue", "namespace": NS},
        "spec": {"parallelism": 3, "suspend": True, "template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}})
    out = kubectl.run("describe job queue --show-events=false")
    assert ("Parallelism:      3\n"
            "Completions:      <unset>\n"
            "Completion Mode:  NonIndexed\n"
            "Suspend:          true\n"
            "Backoff Limit:    6\n"
            "Pods Statuses:    0 Active / 0 Succeeded / 0 Failed\n"
            "Pod Template:\n") in out


@pytest.mark.parametrize(("indexes", "expected"), [
    ("", "<none>"),
    (None, "<none>"),
    ("0-2", "0-2"),
    # at most ~50 characters: cut at the first comma from position 50 on, keeping it
    (",".join(str(i) for i in range(0, 60, 2)),
     "0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,..."),
    ("1-" + "9" * 60, "1-" + "9" * 60),             # no comma after position 50: all of it
])
def test_cap_indexes_list_or_none(indexes: str | None, expected: str) -> None:
    assert cap_indexes_list_or_none(indexes, 50) == expected
