"""Jobs and CronJobs in the assembled cluster: the job-controller and cronjob-controller of
kube-controller-manager, the scheduler and the kubelets running the simulated busybox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from k8s_internals import Cluster


@pytest.fixture(scope="module")
def booted() -> Iterator[Cluster]:
    c = Cluster(nodes=1, seed=0)
    yield c
    c.close()


def test_a_job_runs_to_completion(booted: Cluster) -> None:
    out = booted.kubectl("create job hello --image=busybox -- sh -c 'echo hi; sleep 2'")
    assert out == "job.batch/hello created\n"
    booted.run()
    pods = [p for p in booted.get("pods") if p["metadata"]["name"].startswith("hello-")]
    assert [p["status"]["phase"] for p in pods] == ["Succeeded"]
    assert not pods[0]["metadata"].get("finalizers")           # counted, finalizer removed
    table = booted.kubectl("get jobs").splitlines()
    assert table[0].split() == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    assert table[1].split()[:3] == ["hello", "Complete", "1/1"]
    assert booted.kubectl("logs job/hello") == "hi\n"
    reasons = [e["reason"] for e in booted.get("events")
               if e["involvedObject"]["name"] == "hello"]
    assert reasons == ["SuccessfulCreate", "Completed"]


def test_a_cronjob_creates_jobs_every_minute(booted: Cluster) -> None:
    booted.kubectl("create cronjob tick --image=busybox --schedule='*/1 * * * *' -- date")
    booted.kernel.run_for(150)
    booted.run()
    jobs = sorted(j["metadata"]["name"] for j in booted.get("jobs")
                  if j["metadata"]["name"].startswith("tick-"))
    assert len(jobs) == 2
    assert all(j.startswith("tick-") for j in jobs)
    table = booted.kubectl("get cronjobs").splitlines()
    assert table[0].split() == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST",
                                "SCHEDULE", "AGE"]
    assert table[1].split()[:7] == ["tick", "*/1", "*", "*", "*", "*", "<none>"]


def test_deleting_a_job_deletes_its_pods(booted: Cluster) -> None:
    booted.kubectl("create job gone --image=busybox -- sleep 3600")
    booted.run()
    assert any(p["metadata"]["name"].startswith("gone-") for p in booted.get("pods"))
    assert booted.kubectl("delete job gone") == 'job.batch "gone" deleted\n'
    booted.run()
    assert not any(p["metadata"]["name"].startswith("gone-") for p in booted.get("pods"))
