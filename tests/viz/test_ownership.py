"""Deployment → ReplicaSet → Pods → Nodes from ownerReferences and spec.nodeName."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from k8s_internals.viz import ownership, to_dot

from .helpers import obj


def objects() -> list[dict[str, Any]]:
    return [
        obj("Node", "node-2", "n2"),
        obj("Pod", "web-5d9c-b", "p2", owners=[("ReplicaSet", "web-5d9c", "rs1")],
            spec={"nodeName": "node-2"}, status={"phase": "Running"}),
        obj("Pod", "web-5d9c-a", "p1", owners=[("ReplicaSet", "web-5d9c", "rs1")],
            spec={"nodeName": "node-1"}, status={"phase": "Pending"}),
        obj("Pod", "web-5d9c-c", "p3", owners=[("ReplicaSet", "web-5d9c", "rs1")]),
        obj("ReplicaSet", "web-5d9c", "rs1", owners=[("Deployment", "web", "d1")],
            spec={"replicas": 3}, status={"readyReplicas": 1}),
        obj("Deployment", "web", "d1", spec={"replicas": 3}, status={"readyReplicas": 1}),
        obj("Node", "node-1", "n1"),
        obj("ReplicaSet", "orphan-rs", "rs9", owners=[("Deployment", "gone", "d9")],
            spec={"replicas": 0}),
    ]


def test_snapshot(snapshot: Callable[[str, str], None]) -> None:
    snapshot("ownership_deployment", to_dot(ownership(objects())))


def test_stable_and_sorted() -> None:
    a = to_dot(ownership(objects()))
    assert a == to_dot(ownership(list(reversed(objects()))))


def test_edges() -> None:
    dot = to_dot(ownership(objects()))
    assert '"Deployment/default/web" -> "ReplicaSet/default/web-5d9c" [penwidth=2]' in dot
    assert '"ReplicaSet/default/web-5d9c" -> "Pod/default/web-5d9c-a" [penwidth=2]' in dot
    assert '"Pod/default/web-5d9c-b" -> "Node/node-2"' in dot
    assert '"Pod/default/web-5d9c-c" -> "Node/' not in dot  # not scheduled yet
    # the owner of orphan-rs is not in the list: a placeholder stands in
    assert '"Deployment/default/gone" [label="Deployment\\ngone\\n(not in the list)"' in dot
    assert "1/3 ready" in dot


def test_without_nodes() -> None:
    dot = to_dot(ownership(objects(), nodes=False))
    assert "Node/" not in dot
