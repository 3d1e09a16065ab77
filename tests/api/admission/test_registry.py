"""The plugin order (pkg/kubeapiserver/options/plugins.go AllOrderedPlugins) and learner
plugins."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.admission import registry
from k8s_internals.api.admission.interfaces import (
    AdmissionError,
    Attributes,
    FunctionPlugin,
    MutationInterface,
    Operation,
    ValidationInterface,
)

from .conftest import FakeContext, attrs, pod


def names(plugins: list[Any]) -> list[str]:
    return [p.name for p in plugins]


def test_ordered_plugins_follow_all_ordered_plugins() -> None:
    assert registry.ORDERED_PLUGINS == (
        "NamespaceLifecycle", "LimitRanger", "ServiceAccount", "NodeRestriction", "Priority",
        "DefaultTolerationSeconds", "ResourceQuota")
    positions = [registry.ALL_ORDERED_PLUGINS.index(n) for n in registry.ORDERED_PLUGINS]
    assert positions == sorted(positions)


def test_default_plugins() -> None:
    mutating, validating = registry.default_plugins()
    assert names(mutating) == ["NamespaceLifecycle", "LimitRanger", "ServiceAccount",
                               "NodeRestriction", "Priority", "DefaultTolerationSeconds"]
    assert names(validating) == ["LimitRanger", "ServiceAccount", "Priority", "ResourceQuota"]
    assert all(isinstance(p, MutationInterface) for p in mutating)
    assert all(isinstance(p, ValidationInterface) for p in validating)
    # each call builds fresh instances
    assert registry.default_plugins()[0][0] is not mutating[0]
    # the same object serves both phases of a plugin that is both
    assert next(p for p in mutating if p.name == "LimitRanger") is next(
        p for p in validating if p.name == "LimitRanger")


def test_without_node_restriction() -> None:
    mutating, _ = registry.default_plugins(node_restriction=False)
    assert "NodeRestriction" not in names(mutating)


def stamp(a: Attributes) -> None:
    a.obj.setdefault("metadata", {}).setdefault("labels", {})["stamped"] = "yes"  # type: ignore[union-attr]


def require_team(a: Attributes) -> str | None:
    if a.resource == "pods" and "team" not in (a.obj or {})["metadata"].get("labels", {}):
        return "every pod needs a team label"
    return None


def test_learner_plugins_go_where_webhooks_run() -> None:
    m1 = FunctionPlugin(stamp)
    v1 = FunctionPlugin(require_team, mutating=False)
    v2 = FunctionPlugin(require_team, name="second", mutating=False)
    mutating, validating = registry.default_plugins(m1, v1, v2)
    assert names(mutating)[-1] == "stamp"
    assert names(validating) == ["LimitRanger", "ServiceAccount", "Priority", "require_team",
                                 "second", "ResourceQuota"]


def test_register_on_a_server_like_object(ctx: FakeContext) -> None:
    class Server:
        def __init__(self) -> None:
            self.mutating, self.validating = registry.default_plugins()

    server = Server()
    registry.register(server, FunctionPlugin(require_team, mutating=False))
    assert names(server.validating)[-2:] == ["require_team", "ResourceQuota"]

    class Both:
        name = "both"

        def handles(self, op: Operation) -> bool:
            return True

        def admit(self, a: Attributes, ctx: Any) -> None: ...

        def validate(self, a: Attributes, ctx: Any) -> None: ...

    registry.register(server, Both())
    assert names(server.mutating)[-1] == "both"
    assert names(server.validating)[-2:] == ["both", "ResourceQuota"]


def test_a_function_plugin_refuses_with_its_message(ctx: FakeContext) -> None:
    plugin = FunctionPlugin(require_team, mutating=False)
    with pytest.raises(AdmissionError) as exc:
        plugin.validate(attrs(Operation.CREATE, "pods", pod()), ctx)
    assert exc.value.message == "every pod needs a team label"


def test_chain_runs_in_order(ctx: FakeContext) -> None:
    """The whole default chain on one pod: every mutating plugin, then every validating one."""
    ctx.add("", "serviceaccounts", {"metadata": {"name": "default", "namespace": "default"}})
    ctx.add("", "limitranges", {"metadata": {"name": "lr", "namespace": "default"},
                                "spec": {"limits": [{"type": "Container",
                                                     "default": {"memory": "512Mi"}}]}})
    ctx.add("", "resourcequotas", {"metadata": {"name": "q", "namespace": "default"},
                                   "spec": {"hard": {"pods": "5", "limits.memory": "1Gi"}}})
    mutating, validating = registry.default_plugins()
    p = pod()
    a = attrs(Operation.CREATE, "pods", p)
    for m in mutating:
        if m.handles(a.operation):
            m.admit(a, ctx)
    for v in validating:
        if v.handles(a.operation):
            v.validate(a, ctx)
    spec = p["spec"]
    assert spec["containers"][0]["resources"]["limits"] == {"memory": "512Mi"}
    assert spec["serviceAccountName"] == "default"
    assert spec["priority"] == 0
    assert len(spec["tolerations"]) == 2
    rq = ctx.get("", "resourcequotas", "default", "q")
    assert rq is not None and rq["status"]["used"] == {"limits.memory": "512Mi", "pods": "1"}


@pytest.mark.parametrize("strict", [False, True])
def test_quota_strict_status_reaches_the_resource_quota_plugin(strict: bool) -> None:
    _, validating = registry.default_plugins(quota_strict_status=strict)
    (quota,) = [p for p in validating if getattr(p, "name", "") == "ResourceQuota"]
    assert quota.strict_status is strict  # type: ignore[attr-defined]
