"""EtcdBrowser: the key tree, values, and the store as it was at an earlier revision."""

from __future__ import annotations

from k8s_internals.api.server import APIServer
from k8s_internals.client.client import ApiError, Client
from k8s_internals.sim import Kernel
from k8s_internals.widgets import EtcdBrowser
from k8s_internals.widgets.etcd_browser import key_tree

KEY = "/registry/configmaps/default/settings"


def configmap(admin: Client, value: str) -> int:
    try:
        cm = admin.get("configmaps", "settings", "default")
        cm["data"] = {"colour": value}
        cm = admin.update("configmaps", cm)
    except ApiError:  # first time: create it
        cm = admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                         "metadata": {"name": "settings",
                                                      "namespace": "default"},
                                         "data": {"colour": value}})
    return int(cm["metadata"]["resourceVersion"])


def test_an_older_revision_shows_the_older_value(api: APIServer, admin: Client,
                                                 kernel: Kernel) -> None:
    browser = EtcdBrowser(api, prefix="/registry/configmaps/", key=KEY)
    r1 = configmap(admin, "blue")
    r2 = configmap(admin, "green")
    assert '"colour": "green"' in (browser.value() or "")
    assert browser.current == r2 and browser.follow
    browser.set_revision(r1)
    assert '"colour": "blue"' in (browser.value() or "")
    assert f"mod_revision={r1} version=1" in browser.to_text()
    assert not browser.follow
    # still pinned after more writes; the upper end moves
    configmap(admin, "red")
    kernel.run_for(1)
    assert browser.to_text().startswith(f"revision {r1} (pinned) of [1, {r2 + 1}]")
    browser.set_revision(r1 - 1)
    assert f"(no such key at revision {r1 - 1})" in browser.to_html()


def test_tree_and_follow(api: APIServer, admin: Client) -> None:
    browser = EtcdBrowser(api)
    keys = browser.key_names()
    assert "/registry/namespaces/default" in keys
    text = browser.to_text()
    assert "namespaces/ (4)" in text and "\n  default\n" in text
    configmap(admin, "blue")
    assert KEY in browser.key_names()
    browser.select("/registry/configmaps/")
    assert "1 keys" in browser.to_text()


def test_compaction_bounds_the_slider(api: APIServer, admin: Client) -> None:
    r1 = configmap(admin, "blue")
    configmap(admin, "green")
    browser = EtcdBrowser(api, prefix="/registry/configmaps/", key=KEY, revision=r1)
    api.compact(r1 + 1)
    browser.refresh()
    assert browser.lowest == r1 + 1 and browser.revision == r1 + 1
    assert '"colour": "green"' in (browser.value() or "")
    slider = browser.widget.children[0].children[1]
    assert (slider.min, slider.max) == (r1 + 1, api.revision)


def test_widget_controls(api: APIServer, admin: Client) -> None:
    r1 = configmap(admin, "blue")
    configmap(admin, "green")
    browser = EtcdBrowser(api, prefix="/registry/configmaps/")
    browser.widget  # noqa: B018 - build the widgets
    browser._tree.value = KEY  # a click in the tree
    assert "green" in browser._value.value
    browser._slider.value = r1  # a drag of the slider
    assert "blue" in browser._value.value and not browser._follow_box.value
    browser._follow_box.value = True
    assert browser.revision == api.revision and "green" in browser._value.value
    labels = [label for label, _ in browser._tree.options]
    assert labels == ["▸ default/ (1)", "\u00a0\u00a0settings"]


def test_key_tree() -> None:
    rows = key_tree(["/registry/pods/b/x", "/registry/pods/a/y", "/registry/ranges/z"])
    assert [(r.depth, r.name, r.is_key, r.count) for r in rows] == [
        (0, "pods/", False, 2), (1, "a/", False, 1), (2, "y", True, 1),
        (1, "b/", False, 1), (2, "x", True, 1), (0, "ranges/", False, 1), (1, "z", True, 1)]
