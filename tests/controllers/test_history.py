"""ControllerRevision helpers (``pkg/controller/history``): hashing, names, ordering, equality,
and the API-backed history (create with name collisions, renumber, adopt, release).

Also runs the doctests of the StatefulSet / DaemonSet helper modules.
"""

from __future__ import annotations

import doctest
import importlib
from typing import Any

import pytest

from k8s_internals.api.selectors import label_selector_as_selector
from k8s_internals.client.client import Client
from k8s_internals.client.informer import InformerFactory
from k8s_internals.controllers import history as h
from k8s_internals.controllers.controller_utils import fnv32a
from k8s_internals.controllers.statefulset_utils import (
    apply_revision,
    get_patch,
    is_claim_owner_up_to_date,
    new_revision,
    update_claim_owner_ref_for_set_and_pod,
)
from k8s_internals.sim import Kernel

NS = "default"
JSON = dict[str, Any]

DATA = {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "web"}}}}}


@pytest.fixture
def backend() -> str:
    return "memory"


@pytest.mark.parametrize("module", [
    "k8s_internals.controllers.history", "k8s_internals.controllers._workload_utils",
    "k8s_internals.controllers.statefulset_utils",
])
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(("data", "fnv1", "fnv1a"), [
    # FNV offset basis 2166136261 for the empty input; published test vectors for "a"
    (b"", 2166136261, 2166136261),
    (b"a", 0x050C5D7E, 0xE40C292C),
    (b"foobar", 0x31F0B262, 0xBF9CF968),
])
def test_fnv_32(data: bytes, fnv1: int, fnv1a: int) -> None:
    assert (h.fnv32(data), fnv32a(data)) == (fnv1, fnv1a)


def test_revision_hash_is_fnv1_of_the_data_then_the_probe_safe_encoded() -> None:
    raw = h.marshal(DATA)
    assert raw == (b'{"spec":{"template":{"$patch":"replace","metadata":{"labels":'
                   b'{"app":"web"}}}}}')
    # 351255273 → per digit ALPHANUMS[ord(d) % 27]: "3"→51%27=24→"7", "5"→26→"9", "1"→22→"5"...
    assert h.fnv32(raw) == 351255273
    assert h.hash_controller_revision({"data": DATA}) == "7956996c7"
    # with a collision count the decimal probe is hashed too: fnv32(raw + b"1")
    assert h.fnv32(raw + b"1") == 3731045626
    assert h.hash_controller_revision({"data": DATA}, 1) == "7c75489b6b"


def test_names_are_prefix_dash_hash_with_the_prefix_cut_at_223() -> None:
    assert h.controller_revision_name("web", "7956996c7") == "web-7956996c7"
    long = h.controller_revision_name("x" * 300, "abc")
    assert long == "x" * 223 + "-abc" and len(long) == 227


def _set(name: str = "web", image: str = "nginx", uid: str = "set-uid") -> JSON:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": NS, "uid": uid,
                         "annotations": {"team": "a"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": image}]}}}}


def test_a_statefulset_revision_stores_its_template_as_a_replace_patch() -> None:
    sts = _set()
    rev = new_revision(sts, 4, 0)
    assert rev["data"] == {"spec": {"template": {**sts["spec"]["template"],
                                                 "$patch": "replace"}}}
    assert rev["revision"] == 4
    hash_ = rev["metadata"]["labels"][h.CONTROLLER_REVISION_HASH_LABEL]
    assert rev["metadata"]["name"] == f"web-{hash_}"
    assert rev["metadata"]["labels"] == {"app": "web", h.CONTROLLER_REVISION_HASH_LABEL: hash_}
    assert rev["metadata"]["annotations"] == {"team": "a"}
    assert rev["metadata"]["ownerReferences"][0]["uid"] == "set-uid"
    # applying it restores the template, whatever the set's template is now
    assert apply_revision(_set(image="httpd"), rev)["spec"]["template"] == sts["spec"]["template"]
    assert get_patch(sts) == rev["data"]


def test_sort_and_equality() -> None:
    def rev(name: str, number: int, ts: str, image: str = "nginx") -> JSON:
        return {"metadata": {"name": name, "creationTimestamp": ts, "labels": {}},
                "revision": number, "data": get_patch(_set(image=image))}

    revs = [rev("c", 2, "2025-01-01T00:00:05Z"), rev("b", 1, "2025-01-01T00:00:09Z"),
            rev("a", 1, "2025-01-01T00:00:09Z"), rev("d", 1, "2025-01-01T00:00:01Z", "httpd")]
    # by revision, then creationTimestamp, then name
    assert [r["metadata"]["name"] for r in h.sort_controller_revisions(revs)] == ["d", "a", "b",
                                                                               "c"]
    assert h.equal_revision(revs[0], revs[1]) and not h.equal_revision(revs[0], revs[3])
    assert h.equal_revision(None, None) and not h.equal_revision(revs[0], None)
    assert [r["metadata"]["name"] for r in h.find_equal_revisions(revs, revs[3])] == ["d"]


@pytest.mark.parametrize(("when_scaled", "when_deleted", "in_range", "owners"), [
    # the retention table: owners of a claim for a pod in range / scaled down
    ("Retain", "Retain", True, []),
    ("Retain", "Retain", False, []),
    ("Retain", "Delete", True, ["StatefulSet"]),
    ("Retain", "Delete", False, ["StatefulSet"]),
    ("Delete", "Retain", True, []),
    ("Delete", "Retain", False, ["Pod"]),
    ("Delete", "Delete", True, ["StatefulSet"]),
    ("Delete", "Delete", False, ["Pod"]),
])
def test_claim_owner_references_follow_the_retention_policy(
        when_scaled: str, when_deleted: str, in_range: bool, owners: list[str]) -> None:
    sts = _set()
    sts["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenScaled": when_scaled,
                                                           "whenDeleted": when_deleted}
    pod = {"metadata": {"name": "web-1" if in_range else "web-5", "uid": "pod-uid"}}
    claim: JSON = {"metadata": {"name": "www-web-1", "ownerReferences": [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": "x", "uid": "cm"}]}}
    up_to_date = is_claim_owner_up_to_date(claim, sts, pod)
    update_claim_owner_ref_for_set_and_pod(claim, sts, pod)
    kinds = [r["kind"] for r in claim["metadata"]["ownerReferences"] if r["kind"] != "ConfigMap"]
    assert kinds == owners
    assert up_to_date == (owners == [])
    assert is_claim_owner_up_to_date(claim, sts, pod)


# -- against the API server ------------------------------------------------------------------------


@pytest.fixture
def history(admin: Client, kernel: Kernel) -> h.History:
    factory = InformerFactory(admin, kernel)
    hist = h.History(admin, factory.informer("controllerrevisions"))
    factory.start()
    kernel.run_for(1)
    return hist


def test_create_renames_on_a_name_collision_with_different_data(
        admin: Client, kernel: Kernel, history: h.History) -> None:
    sts = admin.create("statefulsets", _set())
    rev = new_revision(sts, 1, 0)
    created, count = history.create_controller_revision(sts, rev, 0)
    assert (created["metadata"]["name"], count) == (rev["metadata"]["name"], 0)
    # the same data again: the existing revision, no collision
    again, count = history.create_controller_revision(sts, rev, 0)
    assert again["metadata"]["uid"] == created["metadata"]["uid"] and count == 0
    # different data under the same name (a squatter): count 0 collides → retried with 1
    other = new_revision(admin.get("statefulsets", "web", NS) | {
        "spec": _set(image="httpd")["spec"]}, 2, 0)
    squatter = {"apiVersion": "apps/v1", "kind": "ControllerRevision",
                "metadata": {"name": other["metadata"]["name"], "namespace": NS},
                "data": {"something": "else"}, "revision": 9}
    admin.create("controllerrevisions", squatter)
    made, count = history.create_controller_revision(sts, other, 0)
    assert count == 1
    assert made["metadata"]["name"] == "web-" + h.hash_controller_revision(other, 1)


def test_update_adopt_release_and_list(admin: Client, kernel: Kernel,
                                       history: h.History) -> None:
    sts = admin.create("statefulsets", _set())
    orphan = {"apiVersion": "apps/v1", "kind": "ControllerRevision",
              "metadata": {"name": "web-orphan", "namespace": NS, "labels": {"app": "web"}},
              "data": DATA, "revision": 1}
    admin.create("controllerrevisions", orphan)
    admin.create("controllerrevisions", {**orphan, "metadata": {
        "name": "other", "namespace": NS, "labels": {"app": "other"}}})
    kernel.run_for(1)
    selector = label_selector_as_selector(sts["spec"]["selector"])
    listed = history.list_controller_revisions(sts, selector)
    assert [r["metadata"]["name"] for r in listed] == ["web-orphan"]  # selector + no controller
    adopted = history.adopt_controller_revision(sts, "apps/v1", "StatefulSet", listed[0])
    assert adopted["metadata"]["ownerReferences"][0]["uid"] == sts["metadata"]["uid"]
    with pytest.raises(RuntimeError, match="attempt to adopt revision owned by"):
        history.adopt_controller_revision(sts, "apps/v1", "StatefulSet", adopted)
    renumbered = history.update_controller_revision(adopted, 7)
    assert renumbered["revision"] == 7
    released = history.release_controller_revision(sts, renumbered)
    assert released is not None and not released["metadata"].get("ownerReferences")
    history.delete_controller_revision(released)
    assert [r["metadata"]["name"] for r in admin.list("controllerrevisions", NS)["items"]] == [
        "other"]
