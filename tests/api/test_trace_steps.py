"""Trace steps recorded compactly (:meth:`Trace.add_step`) read back as :class:`TraceStep`
objects, and the watch cache's lazily decoded window replays the same objects."""

from __future__ import annotations

import gc
from typing import Any

from k8s_internals.api.request import Request
from k8s_internals.api.resources import lookup
from k8s_internals.api.server import APIServer
from k8s_internals.api.trace import Outcome, Trace, TraceStep
from k8s_internals.client.client import Client


def test_add_step_reads_back_as_trace_steps() -> None:
    t = Trace("req-1", None, "alice", "get")
    t.add_step("request-info", "RequestInfo", Outcome.OK, {"verb": "get"}, 1.5)
    t.add_step("authorization", "RBAC", Outcome.DENIED, "no", 2.0)
    assert t.steps == [TraceStep("request-info", "RequestInfo", Outcome.OK, {"verb": "get"}, 1.5),
                       TraceStep("authorization", "RBAC", Outcome.DENIED, "no", 2.0)]
    assert t.steps is t.steps  # materialised once
    t.add_step("storage", "etcd3", Outcome.SKIPPED)  # after reading: appended to that list
    assert [s.step for s in t.steps] == ["request-info", "authorization", "storage"]
    assert t.step("authorization") is t.steps[1]
    assert t.to_dict()["steps"][2] == {"step": "storage", "plugin": "etcd3",
                                       "outcome": "skipped", "detail": None, "time": 0.0}


def test_steps_can_be_given_or_assigned() -> None:
    given = [TraceStep("decode", "json", Outcome.OK)]
    t = Trace("req-2", None, "bob", "create", steps=given)
    assert t.steps is given
    t.steps = []
    t.add_step("storage", "etcd3", Outcome.OK)
    assert len(t.steps) == 1 and t.steps[0].outcome is Outcome.OK
    assert Trace("a", None, "u", "get") == Trace("a", None, "u", "get")


def test_detail_free_steps_are_not_tracked_by_the_collector() -> None:
    t = Trace("req-3", None, "carol", "get")
    t.add_step("mutating-admission", "Priority", Outcome.OK)
    gc.collect()
    assert not gc.is_tracked(t._raw_steps[0])


def test_watch_replay_after_release_sends_equal_objects(api: APIServer, admin: Client) -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    created = admin.create("pods", pod)
    rv = int(created["metadata"]["resourceVersion"])
    admin.patch("pods", "w", {"metadata": {"labels": {"a": "b"}}}, "default")
    admin.delete("pods", "w", "default", grace_period_seconds=0)
    # the window keeps bytes, not the objects it handed out
    events = [ev for ev in api.watchcache.cache_for(lookup("", "pods")).events
              if ev.revision > rv]
    assert events and all(ev._obj is None and ev._prev is None for ev in events)
    got: list[tuple[str, dict[str, Any]]] = []
    w = api.watch(Request(verb="watch", resource="pods", namespace="default",
                          params={"resourceVersion": str(rv)},
                          headers={"Authorization": "Bearer admin-token"}),
                  lambda etype, obj, cause: got.append((etype, obj)))
    api.kernel.run_until_idle()
    api.stop_watch(w)
    assert [e for e, _ in got] == [ev.type for ev in events]
    assert got[0][1]["metadata"]["labels"] == {"a": "b"}
    assert got[0][1]["metadata"]["resourceVersion"] == str(events[0].revision)
    assert got[-1][0] == "DELETED"
    assert got[-1][1]["metadata"]["resourceVersion"] == str(events[-1].revision)
    assert all(ev._obj is None and ev._prev is None for ev in events)
