"""SchedulerExplainer: node × plugin verdicts and scores, the winner first and highlighted."""

from __future__ import annotations

from typing import Any

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.scheduler.explain import Attempt, Explainer
from k8s_internals.scheduler.framework.interface import Code, Status
from k8s_internals.scheduler.framework.runtime import ScoreResult
from k8s_internals.sim import Kernel
from k8s_internals.widgets import SchedulerExplainer
from k8s_internals.widgets.scheduler_explainer import explain_table

from .conftest import FakeCluster, make_node, make_pod

FILTERS = ["NodeUnschedulable", "NodeName", "TaintToleration", "NodeResourcesFit"]


def attempt(pod: str = "default/web") -> Attempt:
    """Three nodes: node-3 tainted; node-2 wins on scores."""
    scores = ScoreResult(
        nodes=[], plugins=["NodeResourcesBalancedAllocation", "ImageLocality"],
        raw={"NodeResourcesBalancedAllocation": [90, 95], "ImageLocality": [0, 50]},
        normalized={"NodeResourcesBalancedAllocation": [90, 95], "ImageLocality": [0, 50]},
        weights={"NodeResourcesBalancedAllocation": 1, "ImageLocality": 1},
        totals=[90, 145], names=["node-1", "node-2"])
    taint = Status(Code.UnschedulableAndUnresolvable,
                   "node(s) had untolerated taint {dedicated: gpu}", plugin="TaintToleration")
    return Attempt(pod, "uid-1", 1, 1, 2.0, "default-scheduler", result="Scheduled",
                   selected_node="node-2", num_all_nodes=3, evaluated_nodes=3,
                   feasible_nodes=2, filter_plugins=list(FILTERS),
                   _failed={"node-3": taint}, _scores=scores)


def test_table_from_an_attempt() -> None:
    t = explain_table(attempt())
    assert t is not None
    assert [r.node for r in t.rows] == ["node-2", "node-1", "node-3"]
    assert t.filter_plugins == FILTERS
    assert t.score_plugins == ["NodeResourcesBalancedAllocation", "ImageLocality"]
    node3 = t.rows[-1]
    assert node3.filters == {"NodeUnschedulable": "passed", "NodeName": "passed",
                             "TaintToleration": "node(s) had untolerated taint "
                                                "{dedicated: gpu}"}
    assert t.rows[0].total == 145


def test_html_and_text() -> None:
    view = SchedulerExplainer(attempt())
    html = view.to_html()
    assert "default/web: Scheduled on node-2 (nodes 3, evaluated 3, feasible 2)" in html
    assert "★ node-2" in html and "background:#d1e7dd" in html
    assert "untolerated taint" in html and "#f8d7da" in html
    assert "50 (50→50)" in html
    # NodeResourcesFit did not run on node-3: a dash
    assert html.count("color:#adb5bd'>—") == 1
    assert view.to_text().splitlines() == [
        "default/web: Scheduled on node-2 (nodes 3, evaluated 3, feasible 2)",
        "* node-2               total 145: NodeResourcesBalancedAllocation=95 (95→95), "
        "ImageLocality=50 (50→50)",
        "  node-1               total 90: NodeResourcesBalancedAllocation=90 (90→90), "
        "ImageLocality=0 (0→0)",
        "  node-3               filtered  TaintToleration: node(s) had untolerated taint "
        "{dedicated: gpu}",
    ]


def test_from_the_pod_annotations() -> None:
    pod: dict[str, Any] = {"metadata": {"name": "web", "namespace": "default",
                                        "annotations": attempt().annotations()}}
    t = explain_table(pod)
    assert t is not None and t.selected == "node-2" and t.result == "Scheduled"
    assert [r.node for r in t.rows] == ["node-2", "node-1", "node-3"]
    assert t.rows[0].scores["ImageLocality"] == (50, -1, 50)
    html = SchedulerExplainer(pod).to_html()
    assert "50 (raw 50)" in html and "(nodes 3, evaluated 3, feasible 2)" in html


def test_follows_the_cluster(api: APIServer, admin: Client, kernel: Kernel) -> None:
    explainer = Explainer()

    class Cluster(FakeCluster):
        def explain(self, pod_key: str) -> Attempt | None:
            return explainer.explain(pod_key)

    view = SchedulerExplainer(Cluster(api, admin), "default/web")
    assert view.to_text() == "no scheduling attempt recorded for default/web"
    make_node(admin, "node-2")
    make_pod(admin, "web")
    explainer.record(attempt())  # what the scheduler does ...
    admin.bind("default", "web", "node-2")  # ... before it binds
    assert view.state is not None and view.state.selected == "node-2"
    widget = view.widget
    assert "★ node-2" in view._body.value and len(widget.children) == 3
    view._pod_box.value = "default/other"
    assert view.state is None and "no scheduling attempt" in view._head.value


def test_a_bare_explainer_is_read_each_time() -> None:
    explainer = Explainer()
    view = SchedulerExplainer(explainer, "default/web")
    assert "no scheduling attempt" in view.to_text()
    explainer.record(attempt())
    assert view.to_text().startswith("default/web: Scheduled on node-2")
