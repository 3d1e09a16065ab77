"""Priority (plugin/pkg/admission/priority/admission.go)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.admission.interfaces import AdmissionError, Operation
from k8s_internals.api.admission.priority import Priority

from .conftest import FakeContext, attrs, pod

PLUGIN = Priority()
GROUP = "scheduling.k8s.io"


def priority_class(ctx: FakeContext, name: str, value: int, *, default: bool = False,
                   policy: str | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                           "metadata": {"name": name}, "value": value}
    if default:
        obj["globalDefault"] = True
    if policy:
        obj["preemptionPolicy"] = policy
    ctx.add(GROUP, "priorityclasses", obj)
    return obj


def admit(ctx: FakeContext, p: dict[str, Any]) -> dict[str, Any]:
    PLUGIN.admit(attrs(Operation.CREATE, "pods", p), ctx)
    return p["spec"]


def test_no_class_no_default(ctx: FakeContext) -> None:
    spec = admit(ctx, pod())
    assert spec["priority"] == 0
    assert spec["preemptionPolicy"] == "PreemptLowerPriority"
    assert "priorityClassName" not in spec


def test_global_default_class(ctx: FakeContext) -> None:
    priority_class(ctx, "low", 100, default=True, policy="Never")
    priority_class(ctx, "lower", 50, default=True)  # a race left two: the lowest wins
    spec = admit(ctx, pod())
    assert (spec["priorityClassName"], spec["priority"], spec["preemptionPolicy"]) == (
        "lower", 50, "PreemptLowerPriority")


def test_named_class(ctx: FakeContext) -> None:
    priority_class(ctx, "high", 1000, policy="Never")
    spec = admit(ctx, pod(priorityClassName="high"))
    assert (spec["priority"], spec["preemptionPolicy"]) == (1000, "Never")


@pytest.mark.parametrize(("name", "value"), [("system-cluster-critical", 2000000000),
                                             ("system-node-critical", 2000001000)])
def test_builtin_classes(ctx: FakeContext, name: str, value: int) -> None:
    spec = admit(ctx, pod(priorityClassName=name))
    assert spec["priority"] == value
    assert spec["preemptionPolicy"] == "PreemptLowerPriority"


def test_unknown_class(ctx: FakeContext) -> None:
    with pytest.raises(AdmissionError) as exc:
        admit(ctx, pod(priorityClassName="gold"))
    assert exc.value.message == "no PriorityClass with name gold was found"


def test_priority_must_not_be_given(ctx: FakeContext) -> None:
    with pytest.raises(AdmissionError) as exc:
        admit(ctx, pod(priority=5))
    assert exc.value.message == (
        "the integer value of priority (5) must not be provided in pod spec; priority "
        "admission controller computed 0 from the given PriorityClass name")
    assert admit(ctx, pod(priority=0))["priority"] == 0  # the same value is fine


def test_preemption_policy_must_not_differ(ctx: FakeContext) -> None:
    with pytest.raises(AdmissionError) as exc:
        admit(ctx, pod(preemptionPolicy="Never"))
    assert exc.value.message == (
        "the string value of PreemptionPolicy (Never) must not be provided in pod spec; "
        "priority admission controller computed PreemptLowerPriority from the given "
        "PriorityClass name")


def test_update_keeps_stored_priority(ctx: FakeContext) -> None:
    old = pod(priority=1000, preemptionPolicy="Never", priorityClassName="high")
    new = pod(priorityClassName="high")
    PLUGIN.admit(attrs(Operation.UPDATE, "pods", new, old=old), ctx)
    assert (new["spec"]["priority"], new["spec"]["preemptionPolicy"]) == (1000, "Never")


def test_subresources_are_ignored(ctx: FakeContext) -> None:
    p = pod(priorityClassName="gold")
    PLUGIN.admit(attrs(Operation.UPDATE, "pods", p, old=pod(), subresource="status"), ctx)
    assert "priority" not in p["spec"]


def pc_attrs(op: Operation, obj: dict[str, Any]) -> Any:
    return attrs(op, "priorityclasses", obj, group=GROUP, namespace="")


def test_only_one_global_default(ctx: FakeContext) -> None:
    priority_class(ctx, "low", 100, default=True)
    new = {"metadata": {"name": "other"}, "value": 5, "globalDefault": True}
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(pc_attrs(Operation.CREATE, new), ctx)
    assert exc.value.message == ("PriorityClass low is already marked as default. Only one "
                                 "default can exist")
    with pytest.raises(AdmissionError):
        PLUGIN.validate(pc_attrs(Operation.UPDATE, new), ctx)
    # updating the default itself is fine, and so is a non-default class
    PLUGIN.validate(pc_attrs(Operation.UPDATE, {"metadata": {"name": "low"}, "value": 100,
                                                "globalDefault": True}), ctx)
    PLUGIN.validate(pc_attrs(Operation.CREATE, {"metadata": {"name": "x"}, "value": 1}), ctx)


def test_handles_and_name() -> None:
    assert PLUGIN.name == "Priority"
    assert all(PLUGIN.handles(op) for op in (Operation.CREATE, Operation.UPDATE,
                                             Operation.DELETE))
