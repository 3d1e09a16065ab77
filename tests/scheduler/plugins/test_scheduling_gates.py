"""``SchedulingGates`` (``scheduling_gates_test.go``)."""

from __future__ import annotations

from k8s_internals.scheduler.plugins import scheduling_gates

from ..helpers import make_pod


def test_pre_enqueue() -> None:
    pl = scheduling_gates.SchedulingGates()
    assert pl.pre_enqueue(make_pod("p")) is None
    st = pl.pre_enqueue(make_pod("p", schedulingGates=[{"name": "foo"}, {"name": "bar"}]))
    assert st is not None and st.code.name == "UnschedulableAndUnresolvable"
    assert st.message() == "waiting for scheduling gates: [foo bar]"
