"""Discovery over HTTPS: aggregated (``apidiscovery.k8s.io/v2``) and legacy documents, checked
against each other, against the resource registry and against the real kubectl."""

from __future__ import annotations

import json

from k8s_internals.api.http.discovery import (
    aggregated_discovery,
    api_resource_list,
    storage_version_hash,
)
from k8s_internals.api.http.negotiation import negotiate, parse_accept
from k8s_internals.api.resources import RESOURCES, group_versions

from .conftest import Served

AGGREGATED = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
              "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
              "application/json")
TABLE = ("application/json;as=Table;v=v1;g=meta.k8s.io,"
         "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")


def test_accept_headers_as_kubectl_sends_them() -> None:
    assert [r.profile for r in parse_accept(TABLE)] == [
        ("Table", "v1", "meta.k8s.io"), ("Table", "v1beta1", "meta.k8s.io"), ("", "", "")]
    agg = negotiate(AGGREGATED, discovery=True)
    assert agg is not None and agg.aggregated and agg.content_type == (
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
    plain = negotiate(AGGREGATED)  # a resource URL: the profile is not for it
    assert plain is not None and not plain.aggregated
    table = negotiate(TABLE)
    assert table is not None and table.table and table.version == "v1"
    assert negotiate("application/vnd.kubernetes.protobuf") is None
    assert negotiate("application/vnd.kubernetes.protobuf,application/json").media_type == (
        "application/json")
    assert negotiate("").media_type == "application/json"
    assert negotiate("application/yaml").media_type == "application/yaml"


def test_aggregated_discovery_in_two_requests(served: Served) -> None:
    docs = {}
    for path in ("/api", "/apis"):
        code, headers, data = served.request("GET", path, headers={"Accept": AGGREGATED})
        assert code == 200
        assert headers["Content-Type"] == (
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        docs[path] = json.loads(data)
    core = docs["/api"]
    assert (core["kind"], core["apiVersion"]) == ("APIGroupDiscoveryList",
                                                  "apidiscovery.k8s.io/v2")
    assert core["items"][0]["metadata"] == {"creationTimestamp": None}
    v1 = core["items"][0]["versions"][0]
    assert v1["version"] == "v1" and v1["freshness"] == "Current"
    pods = next(r for r in v1["resources"] if r["resource"] == "pods")
    assert pods == {
        "resource": "pods", "responseKind": {"group": "", "version": "v1", "kind": "Pod"},
        "scope": "Namespaced", "singularResource": "pod",
        "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update",
                  "watch"],
        "shortNames": ["po"], "categories": ["all"],
        "subresources": [
            {"subresource": "binding", "responseKind": {"group": "", "version": "v1",
                                                        "kind": "Binding"},
             "verbs": ["create"]},
            {"subresource": "eviction", "responseKind": {"group": "policy", "version": "v1",
                                                         "kind": "Eviction"},
             "verbs": ["create"]},
            {"subresource": "log", "responseKind": {"group": "", "version": "v1",
                                                    "kind": "Pod"}, "verbs": ["get"]},
            {"subresource": "status", "responseKind": {"group": "", "version": "v1",
                                                       "kind": "Pod"},
             "verbs": ["get", "patch", "update"]}]}
    groups = [i["metadata"]["name"] for i in docs["/apis"]["items"]]
    assert groups[0] == "apps"  # APIVersionPriorities
    assert set(groups) == {g for g, _ in group_versions() if g}
    served_resources = {(i["metadata"].get("name", ""), v["version"], r["resource"])
                        for d in docs.values() for i in d["items"] for v in i["versions"]
                        for r in v["resources"]}
    assert served_resources == {(r.group, r.version, r.plural) for r in RESOURCES}
    deploy = next(r for i in docs["/apis"]["items"] for v in i["versions"]
                  for r in v["resources"] if r["resource"] == "deployments")
    scale = next(s for s in deploy["subresources"] if s["subresource"] == "scale")
    assert scale["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}


def test_legacy_discovery(served: Served) -> None:
    code, api = served.json("GET", "/api")
    assert code == 200 and api["kind"] == "APIVersions" and api["versions"] == ["v1"]
    assert api["serverAddressByClientCIDRs"][0]["clientCIDR"] == "0.0.0.0/0"
    code, apis = served.json("GET", "/apis")
    assert apis["kind"] == "APIGroupList" and apis["groups"][0]["name"] == "apps"
    assert apis["groups"][0]["preferredVersion"] == {"groupVersion": "apps/v1",
                                                     "version": "v1"}
    code, group = served.json("GET", "/apis/apps")
    assert code == 200 and group["kind"] == "APIGroup" and group["name"] == "apps"
    code, core = served.json("GET", "/api/v1")
    assert code == 200 and core["groupVersion"] == "v1" and "apiVersion" not in core
    names = [r["name"] for r in core["resources"]]
    assert names == sorted(names)
    pods = next(r for r in core["resources"] if r["name"] == "pods")
    assert pods["storageVersionHash"] == "xPOwRZ+Yhw8=" == storage_version_hash("", "v1", "Pod")
    assert {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod",
            "verbs": ["get"]} in core["resources"]
    code, apps = served.json("GET", "/apis/apps/v1")
    assert apps["apiVersion"] == "v1" and apps["groupVersion"] == "apps/v1"
    assert {"name": "deployments/scale", "singularName": "", "namespaced": True,
            "group": "autoscaling", "version": "v1", "kind": "Scale",
            "verbs": ["get", "patch", "update"]} in apps["resources"]
    code, batch = served.json("GET", "/apis/batch/v1")
    assert code == 200 and [r["name"] for r in batch["resources"]] == [
        "cronjobs", "cronjobs/status", "jobs", "jobs/status"]
    assert served.request("GET", "/apis/networking.k8s.io/v1")[0] == 404
    assert served.request("GET", "/apis/nope")[0] == 404


def test_kubectl_api_resources(served: Served) -> None:
    out = served.kubectl("api-resources", check=True).stdout.splitlines()
    assert out[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = {line.split()[0]: line.split() for line in out[1:]}
    assert rows["pods"] == ["pods", "po", "v1", "true", "Pod"]
    assert rows["deployments"] == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert rows["clusterroles"] == ["clusterroles", "rbac.authorization.k8s.io/v1", "false",
                                    "ClusterRole"]
    assert len(out) - 1 == len(RESOURCES)
    # events in two groups from one storage (core/v1 and events.k8s.io/v1)
    assert [line.split() for line in out[1:] if line.startswith("events ")] == [
        ["events", "ev", "v1", "true", "Event"],
        ["events", "ev", "events.k8s.io/v1", "true", "Event"]]
    assert rows["selfsubjectreviews"] == ["selfsubjectreviews", "authentication.k8s.io/v1",
                                          "false", "SelfSubjectReview"]
    wide = served.kubectl("api-resources", "-o", "wide", "--api-group=apps", check=True)
    assert "create,delete,deletecollection,get,list,patch,update,watch" in wide.stdout
    assert "all" in wide.stdout  # categories


def test_openapi_v3(served: Served) -> None:
    from k8s_internals.api.schema import openapi_v3_bytes, openapi_v3_hash, openapi_v3_index

    code, index = served.json("GET", "/openapi/v3")
    assert code == 200 and index == openapi_v3_index()
    url = index["paths"]["apis/apps/v1"]["serverRelativeURL"]
    code, headers, data = served.request("GET", url)
    assert code == 200 and data == openapi_v3_bytes("apps", "v1")
    assert headers["Cache-Control"] == "public, immutable"
    assert headers["Etag"] == f'"{openapi_v3_hash("apps", "v1")}"'
    code, headers, _ = served.request("GET", "/openapi/v3/apis/apps/v1?hash=0000")
    assert code == 301 and headers["Location"] == url
    assert served.request("GET", "/openapi/v3/api/v1")[0] == 200
    assert served.request("GET", "/openapi/v2")[0] == 404
    # discovery and OpenAPI are for the authenticated (system:discovery)
    assert served.request("GET", "/openapi/v3", token=None)[0] == 401


def test_events_are_served_in_two_groups_with_one_storage_version() -> None:
    """events.k8s.io/v1 events share core events' storage, hence their storageVersionHash."""
    doc = api_resource_list("events.k8s.io", "v1")
    assert doc is not None
    [events] = doc["resources"]
    assert (events["name"], events["kind"], events["shortNames"]) == ("events", "Event", ["ev"])
    assert events["storageVersionHash"] == storage_version_hash("", "v1", "Event") \
        == "r2yiGXH7wu8="
    groups = [i["metadata"]["name"] for i in aggregated_discovery(legacy=False)["items"]]
    assert groups[:4] == ["apps", "events.k8s.io", "authentication.k8s.io",
                          "authorization.k8s.io"]
    auth = api_resource_list("authentication.k8s.io", "v1")
    assert auth is not None and [r["name"] for r in auth["resources"]] == ["selfsubjectreviews"]
    assert auth["resources"][0]["verbs"] == ["create"]
