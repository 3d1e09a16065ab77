"""A learner's plugins: a plain function or class as a Filter or Score plugin — the seed's
"pick the cheapest node in the cloud" example (section V)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.client.client import Client
from k8s_internals.scheduler import Scheduler, filter_plugin, score_plugin
from k8s_internals.scheduler.framework.adapters import as_factory
from k8s_internals.scheduler.framework.types import NodeInfo
from k8s_internals.sim import Kernel

from .test_scheduler import _node, _pod

CHEAPEST = """
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      enabled:
      - name: CheapestNode
        weight: 10
"""


@score_plugin(normalize="reverse")
def cheapest_node(pod: dict, node_info: NodeInfo) -> int:
    """The price label as the raw score; reversed normalization: the cheapest gets 100."""
    return int(node_info.labels.get("price", "100"))


def test_cheapest_node_wins(admin: Client, scheduler_client: Client, kernel: Kernel) -> None:
    for name, price in [("node-a", "30"), ("node-b", "10"), ("node-c", "20")]:
        admin.create("nodes", _node(name, labels={"price": price}))
    sched = Scheduler(scheduler_client, kernel, CHEAPEST,
                      plugins={"CheapestNode": cheapest_node})
    sched.run()
    admin.create("pods", _pod("web"))
    kernel.run_until_idle()
    assert admin.get("pods", "web", "default")["spec"]["nodeName"] == "node-b"
    attempt = sched.explain("default/web")
    assert attempt is not None
    # raw prices 30, 10, 20 -> normalized 100 - 100 * p / 30: 0, 67, 34 -> x10
    assert {n: s["CheapestNode"] for n, s in attempt.finalscore_result().items()} == {
        "node-a": "0", "node-b": "670", "node-c": "340"}


@filter_plugin(name="OnlyEven")
def only_even(pod: dict, node_info: NodeInfo) -> bool | str:
    return True if int(node_info.name[-1]) % 2 == 0 else "node name is odd"


class GPUOnly:
    """A plain class: its ``filter`` method makes it a Filter plugin."""

    name = "GPUOnly"

    def filter(self, state: Any, pod: dict, node_info: NodeInfo) -> Any:
        from k8s_internals.scheduler.framework.interface import Code, Status

        if node_info.labels.get("gpu") == "true":
            return None
        return Status(Code.UnschedulableAndUnresolvable, "node(s) had no GPU")


def test_function_and_class_filters(admin: Client, scheduler_client: Client,
                                    kernel: Kernel) -> None:
    admin.create("nodes", _node("node-1", labels={"gpu": "true"}))
    admin.create("nodes", _node("node-2"))
    admin.create("nodes", _node("node-4", labels={"gpu": "true"}))
    cfg = {"profiles": [{"plugins": {"filter": {"enabled": [{"name": "OnlyEven"},
                                                            {"name": "GPUOnly"}]}}}]}
    sched = Scheduler(scheduler_client, kernel, cfg,
                      plugins={"OnlyEven": only_even, "GPUOnly": GPUOnly})
    sched.run()
    admin.create("pods", _pod("web"))
    kernel.run_until_idle()
    assert admin.get("pods", "web", "default")["spec"]["nodeName"] == "node-4"
    attempt = sched.explain("default/web")
    assert attempt is not None
    assert attempt.filter_result()["node-1"]["OnlyEven"] == "node name is odd"
    assert attempt.filter_result()["node-2"]["GPUOnly"] == "node(s) had no GPU"


def test_plain_functions_must_say_their_extension_point() -> None:
    def f(pod: dict, node_info: NodeInfo) -> int:
        return 1

    with pytest.raises(TypeError, match="wrap a plain function"):
        as_factory(f, "F")
