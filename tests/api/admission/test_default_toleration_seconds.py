"""DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds/admission.go)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.admission.default_toleration_seconds import DefaultTolerationSeconds
from k8s_internals.api.admission.interfaces import Operation

from .conftest import FakeContext, attrs, pod

PLUGIN = DefaultTolerationSeconds()

NOT_READY = {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300}
UNREACHABLE = {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
               "effect": "NoExecute", "tolerationSeconds": 300}


@pytest.mark.parametrize(("given", "expected"), [
    ([], [NOT_READY, UNREACHABLE]),
    # already tolerates not-ready (any seconds): only unreachable is added
    ([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
       "tolerationSeconds": 60}],
     [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
       "tolerationSeconds": 60}, UNREACHABLE]),
    # an empty effect tolerates every effect
    ([{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}],
     [{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}, NOT_READY]),
    # an empty key with Exists tolerates everything
    ([{"operator": "Exists"}], [{"operator": "Exists"}]),
    # a NoSchedule toleration does not count
    ([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}],
     [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"},
      NOT_READY, UNREACHABLE]),
])
def test_tolerations(ctx: FakeContext, given: list[dict[str, Any]],
                     expected: list[dict[str, Any]]) -> None:
    p = pod("web", tolerations=list(given)) if given else pod()
    PLUGIN.admit(attrs(Operation.CREATE, "pods", p), ctx)
    assert p["spec"]["tolerations"] == expected


def test_update_and_flags(ctx: FakeContext) -> None:
    plugin = DefaultTolerationSeconds(not_ready_seconds=30, unreachable_seconds=60)
    p = pod()
    plugin.admit(attrs(Operation.UPDATE, "pods", p, old=pod()), ctx)
    assert [t["tolerationSeconds"] for t in p["spec"]["tolerations"]] == [30, 60]


def test_subresources_and_other_resources_are_ignored(ctx: FakeContext) -> None:
    p = pod()
    PLUGIN.admit(attrs(Operation.UPDATE, "pods", p, old=pod(), subresource="status"), ctx)
    assert p == pod()
    obj = {"metadata": {"name": "c"}, "spec": {}}
    PLUGIN.admit(attrs(Operation.CREATE, "configmaps", obj), ctx)
    assert obj == {"metadata": {"name": "c"}, "spec": {}}


def test_handles_and_name() -> None:
    assert PLUGIN.name == "DefaultTolerationSeconds"
    assert PLUGIN.handles(Operation.CREATE) and PLUGIN.handles(Operation.UPDATE)
    assert not PLUGIN.handles(Operation.DELETE)
