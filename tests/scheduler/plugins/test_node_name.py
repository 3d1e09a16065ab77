"""``NodeName`` (``node_name_test.go``)."""

from __future__ import annotations

from k8s_internals.scheduler.plugins import node_name

from ..helpers import FakeHandle, make_node, make_pod, messages, run_filter


def test_node_name() -> None:
    handle = FakeHandle([make_node("foo"), make_node("bar")])
    plugin = node_name.new(None, handle)
    assert messages(run_filter(plugin, make_pod("p"), handle)) == {"foo": "", "bar": ""}
    pod = make_pod("p", nodeName="foo")
    assert messages(run_filter(plugin, pod, handle)) == {
        "foo": "", "bar": "node(s) didn't match the requested node name"}
