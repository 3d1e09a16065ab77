"""What a DELETE answers, as upstream's generic registry (``Store.Delete`` / ``finalizeDelete`` /
``DeleteCollection``): the deleted object for the registries with ``ReturnDeletedObject`` (their
OpenAPI DELETE replies are the kind itself, which the official Python client 37.x validates
strictly), a ``Status`` for the others; a dry run answers the same without writing; a
deletecollection answers with the list it deleted from."""

from __future__ import annotations

import inspect
import re

import pytest

from k8s_internals.api.handlers import RETURNS_DELETED_OBJECT
from k8s_internals.api.request import Request
from k8s_internals.api.resources import RESOURCES
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client

from .conftest import pod

ADMIN = {"Authorization": "Bearer admin-token"}


def _delete(api: APIServer, resource: str, name: str, namespace: str = "default",
            group: str = "", **params: str) -> tuple[int, dict]:
    req = Request(verb="delete", resource=resource, group=group, namespace=namespace,
                  name=name, params=dict(params), headers=ADMIN)
    resp = api.handle(req)
    return resp.code, resp.body


@pytest.mark.parametrize(("resource", "obj"), [
    ("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                         "metadata": {"name": "robot", "namespace": "default"}}),
    ("resourcequotas", {"apiVersion": "v1", "kind": "ResourceQuota",
                        "metadata": {"name": "rq", "namespace": "default"},
                        "spec": {"hard": {"pods": "10"}}}),
    ("persistentvolumeclaims", {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"],
                 "resources": {"requests": {"storage": "1Gi"}}}}),
])
def test_registries_with_return_deleted_object_answer_with_the_object(
        api: APIServer, admin: Client, resource: str, obj: dict) -> None:
    made = admin.create(resource, obj)
    code, body = _delete(api, resource, obj["metadata"]["name"])
    assert code == 200
    assert body["kind"] == obj["kind"] and body["metadata"]["uid"] == made["metadata"]["uid"]
    # the deleted object carries the revision of the delete
    assert int(body["metadata"]["resourceVersion"]) == api.store.revision


def test_the_others_answer_a_success_status_with_the_resource_as_kind(
        api: APIServer, admin: Client) -> None:
    made = admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                       "metadata": {"name": "c", "namespace": "default"}})
    code, body = _delete(api, "configmaps", "c")
    assert (code, body) == (200, {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
        "details": {"name": "c", "kind": "configmaps", "uid": made["metadata"]["uid"]}})


def test_the_set_matches_the_delete_replies_of_the_132_openapi() -> None:
    """For every served kind that can be deleted: in the set exactly when the DELETE reply of
    the 1.32 OpenAPI (what the official client 32.x is generated from) is the kind itself.
    Namespaces are the exception (the OpenAPI says Status; the reply is the object)."""
    client = pytest.importorskip("kubernetes.client")
    checked = 0
    for info in RESOURCES:
        if "delete" not in info.verbs or info.kind == "Namespace":
            continue
        group = "".join(p.capitalize() for p in info.group.removesuffix(".k8s.io").split("."))
        api_cls = getattr(client, f"{group or 'Core'}{info.version.capitalize()}Api")
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", info.kind).lower()
        method = getattr(api_cls, f"delete_{'namespaced_' if info.namespaced else ''}{snake}")
        reply = re.search(r":return: (\S+)", inspect.getdoc(method) or "")
        assert reply is not None, method
        returns_object = reply.group(1) != "V1Status"
        assert ((info.group, info.kind) in RETURNS_DELETED_OBJECT) is returns_object, info.kind
        checked += 1
    assert checked > 20


def test_a_dry_run_delete_answers_as_a_real_one_and_writes_nothing(
        api: APIServer, admin: Client) -> None:
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "c", "namespace": "default"}})
    admin.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "robot", "namespace": "default"}})
    bound = pod("bound")
    bound["spec"]["nodeName"] = "node-1"
    admin.create("pods", bound)
    rev = api.store.revision
    code, body = _delete(api, "configmaps", "c", dryRun="All")
    assert code == 200 and body["kind"] == "Status" and body["status"] == "Success"
    code, body = _delete(api, "serviceaccounts", "robot", dryRun="All")
    assert code == 200 and body["kind"] == "ServiceAccount"
    # a graceful delete answers with the object as it would be marked
    code, body = _delete(api, "pods", "bound", dryRun="All")
    assert code == 200 and body["metadata"]["deletionGracePeriodSeconds"] == 30
    assert body["metadata"]["deletionTimestamp"]
    assert api.store.revision == rev
    assert "deletionTimestamp" not in admin.get("pods", "bound", "default")["metadata"]
    admin.get("configmaps", "c", "default")
    admin.get("serviceaccounts", "robot", "default")


def test_deletecollection_answers_with_every_item_it_listed(
        api: APIServer, admin: Client) -> None:
    for name in ("a", "b"):
        admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                    "metadata": {"name": name, "namespace": "default",
                                                 "labels": {"x": "y"}}})
    listed_rv = api.store.revision
    out = admin.delete_collection("configmaps", "default", label_selector="x=y")
    assert out["kind"] == "ConfigMapList"
    assert [i["metadata"]["name"] for i in out["items"]] == ["a", "b"]
    assert all("kind" not in i for i in out["items"])
    assert out["metadata"]["resourceVersion"] == str(listed_rv)
    assert admin.list("configmaps", "default", label_selector="x=y")["items"] == []
