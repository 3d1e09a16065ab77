"""quota/v1/resources.go (Equals, CalculateUsage) and generic.CalculateUsageStats."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.validation.quantity import Quantity
from k8s_internals.quota import (
    ObjectCountEvaluator,
    Registry,
    UsageStatsOptions,
    calculate_usage,
    calculate_usage_stats,
    equals,
    new_evaluators,
)


def rl(**kw: str) -> dict[str, Quantity]:
    return {k.replace("_", "."): Quantity(v) for k, v in kw.items()}


@pytest.mark.parametrize(("a", "b", "same"), [
    (None, None, True),
    ({}, None, True),
    (rl(pods="1"), rl(pods="1"), True),
    (rl(cpu="1"), rl(cpu="1000m"), True),  # by value
    (rl(pods="1"), rl(pods="2"), False),
    (rl(pods="1"), rl(pods="1", services="0"), False),
    (rl(pods="1"), rl(services="1"), False),
])
def test_equals(a: Any, b: Any, same: bool) -> None:
    assert equals(a, b) is same


def _pod(name: str, cpu: str, best_effort: bool = False) -> dict[str, Any]:
    c: dict[str, Any] = {"name": "app", "image": "nginx"}
    if not best_effort:
        c["resources"] = {"requests": {"cpu": cpu}}
    return {"metadata": {"name": name, "namespace": "ns"}, "spec": {"containers": [c]}}


OBJECTS: dict[str, list[dict[str, Any]]] = {
    "pods": [_pod("a", "1"), _pod("b", "250m"), _pod("c", "", best_effort=True)],
    "configmaps": [{"metadata": {"name": "x", "namespace": "ns"}}],
    "deployments": [{"metadata": {"name": "d", "namespace": "ns"}}] * 2,
}


def registry() -> Registry:
    def lister_for(group: str, resource: str) -> Any:
        return lambda ns: OBJECTS.get(resource, []) if ns == "ns" else []

    r = Registry(new_evaluators(lister_for))
    r.add(ObjectCountEvaluator("apps", "deployments", "", lister_for("apps", "deployments")))
    return r


@pytest.mark.parametrize(("hard", "scopes", "used"), [
    ({"pods": "10"}, [], {"pods": "3"}),
    ({"pods": "10", "requests.cpu": "4"}, [], {"pods": "3", "requests.cpu": "1250m"}),
    ({"pods": "10"}, ["BestEffort"], {"pods": "1"}),
    ({"pods": "10"}, ["NotBestEffort"], {"pods": "2"}),
    ({"configmaps": "5", "count/configmaps": "5"}, [], {"configmaps": "1",
                                                        "count/configmaps": "1"}),
    ({"count/deployments.apps": "5"}, [], {"count/deployments.apps": "2"}),
    ({"configmaps": "5"}, ["BestEffort"], {"configmaps": "0"}),  # no scope matches a count
    ({"count/widgets.example.com": "5"}, [], {}),  # no evaluator: not in the usage
])
def test_calculate_usage(hard: dict[str, str], scopes: list[str],
                         used: dict[str, str]) -> None:
    got, errors = calculate_usage("ns", scopes, rl(**{k.replace(".", "_"): v
                                                      for k, v in hard.items()}), registry())
    assert errors == []
    assert {k: str(v) for k, v in got.items()} == used


def test_calculate_usage_keeps_going_when_an_evaluator_fails() -> None:
    def broken(ns: str) -> list[dict[str, Any]]:
        raise RuntimeError("failed to list content: boom")

    r = registry()
    r.add(ObjectCountEvaluator("", "configmaps", "configmaps", broken))
    got, errors = calculate_usage("ns", [], rl(pods="5", configmaps="5"), r)
    assert errors == ["failed to list content: boom"]
    assert got == rl(pods="3")


def test_calculate_usage_stats_starts_every_resource_at_zero() -> None:
    stats = calculate_usage_stats(UsageStatsOptions("empty", resources=["pods", "cpu"]),
                                  lambda ns: [], lambda s, o: True, lambda o: {})
    assert stats == rl(pods="0", cpu="0")
