"""Explain records: the simulator-shaped maps, the bounded annotations, compaction."""

from __future__ import annotations

import json
from typing import Any

from k8s_internals.scheduler import Scheduler
from k8s_internals.scheduler.explain import (
    FILTER_RESULT,
    RESULT_SUMMARY,
    SELECTED_NODE,
    Explainer,
    parse_annotations,
)
from k8s_internals.sim import Kernel

from .helpers import make_node, make_pod


class NoopBinder:
    name = "NoopBinder"

    def bind(self, state: Any, pod: dict, node: str) -> None:
        return None


CONFIG = {"profiles": [{"plugins": {"multiPoint": {"disabled": [{"name": "DefaultBinder"}]},
                                    "bind": {"enabled": [{"name": "NoopBinder"}]}}}]}


def _scheduler(nodes: list[dict]) -> tuple[Kernel, Scheduler]:
    k = Kernel(0)
    s = Scheduler(None, k, CONFIG, plugins={"NoopBinder": NoopBinder})
    for n in nodes:
        s.cache.add_node(n)
    s.run()
    return k, s


def test_attempt_records_every_node() -> None:
    nodes = [make_node(f"n{i}", {"cpu": "2", "memory": "4Gi", "pods": "10"}) for i in range(3)]
    nodes.append(make_node("tainted", {"cpu": "2", "pods": "10"},
                           taints=[{"key": "k", "effect": "NoSchedule"}]))
    k, s = _scheduler(nodes)
    s.queue.add(make_pod("p", {"cpu": "1"}))
    k.run_until_idle()
    a = s.explain("default/p")
    assert a is not None and a.result == "Scheduled" and a.selected_node in ("n0", "n1", "n2")
    assert a.filter_result()["tainted"] == {"NodeUnschedulable": "passed", "NodeName": "passed",
                                            "TaintToleration": "node(s) had untolerated taint(s)"}
    node = a.node(a.selected_node)
    raw, norm, weighted = node.scores["TaintToleration"]
    assert (raw, norm, weighted) == (0, 100, 300)
    # LeastAllocated: cpu (2000 - 1000) * 100 / 2000 = 50, memory (4Gi - 200Mi)/4Gi -> 95:
    # (50 + 95) / 2 = 72
    assert node.scores["NodeResourcesFit"] == (72, 72, 72)
    assert node.total == sum(w for _, _, w in node.scores.values())
    assert "total" in a.table() and "tainted" in a.table()
    ann = a.annotations()
    parsed = parse_annotations(ann)
    assert parsed["selected-node"] == a.selected_node
    assert parsed["result-summary"]["filterReasons"] == {
        "TaintToleration: node(s) had untolerated taint(s)": 1}
    assert set(parsed["filter-result"]) == {"n0", "n1", "n2", "tainted"}


def test_annotations_bounded_for_big_clusters() -> None:
    nodes = [make_node(f"node-{i:04d}", {"cpu": "2", "memory": "4Gi", "pods": "10"})
             for i in range(400)]
    k, s = _scheduler(nodes)
    s.queue.add(make_pod("p", {"cpu": "1"}))
    k.run_until_idle()
    a = s.explain("default/p")
    assert a is not None and a.feasible_nodes == 188      # 50 - 400/125 = 47 % of 400
    small = a.annotations(max_nodes=200, max_bytes=8 * 1024)
    assert sum(len(v) for v in small.values()) <= 8 * 1024
    assert small[SELECTED_NODE] == a.selected_node
    assert json.loads(small[RESULT_SUMMARY])["feasibleNodes"] == 188


def test_compaction_keeps_the_annotations() -> None:
    nodes = [make_node(f"n{i}", {"cpu": "8", "memory": "8Gi", "pods": "50"}) for i in range(20)]
    k, s = _scheduler(nodes)
    s.explainer = Explainer(keep_full=2)
    for i in range(5):
        s.queue.add(make_pod(f"p{i}", {"cpu": "100m"}))
    k.run_until_idle()
    old, new = s.explain("default/p0"), s.explain("default/p4")
    assert old is not None and new is not None
    assert old.truncated and not new.truncated
    assert old.filter_result() == json.loads(old.annotations()[FILTER_RESULT])
    assert old.nodes()[0].total is not None
    assert len(s.explainer) == 5 and s.explainer.history_of("default/p0") == [old]
