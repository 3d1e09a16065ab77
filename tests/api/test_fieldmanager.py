"""Field management and server-side apply, in process (the HTTPS tests use the real kubectl).

Expected field sets are what a 1.32 kube-apiserver records for the same requests (e.g. a
``kubectl create``'s Update entry owns ``f:labels`` with ``"."`` but ``f:spec`` without).
"""

from __future__ import annotations

import json

import pytest

from k8s_internals.api import fieldmanager as fm
from k8s_internals.api.resources import lookup
from k8s_internals.client.client import ApiError, Client

DEPLOY = lookup("apps", "deployments")


def deployment(name: str = "web", replicas: int = 2, image: str = "nginx:1.27",
               containers: list[dict] | None = None) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": containers or [
                                      {"name": "nginx", "image": image,
                                       "ports": [{"containerPort": 80}]}]}}}}


def entries(obj: dict) -> dict[tuple[str, str], dict]:
    return {(e["manager"], e["operation"]): e for e in obj["metadata"]["managedFields"]}


def apply(client: Client, obj: dict, manager: str = "kubectl", force: bool = False) -> dict:
    meta = obj["metadata"]
    return client.patch(DEPLOY if obj["kind"] == "Deployment" else "configmaps", meta["name"],
                        json.dumps(obj), meta.get("namespace", "default"), patch_type="apply",
                        field_manager=manager, force=force)


# -- field sets -----------------------------------------------------------------------------------


def test_fields_v1_round_trip_and_path_strings() -> None:
    paths = {("f:metadata", "f:labels"), ("f:metadata", "f:labels", "f:app"),
             ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}'),
             ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}',
              "f:image"),
             ("f:metadata", "f:finalizers", 'v:"a"')}
    doc = fm.fields_v1(paths)
    assert doc["f:metadata"]["f:labels"] == {".": {}, "f:app": {}}
    assert fm.parse_fields_v1(doc) == paths
    assert fm.path_string(("f:spec", "f:template", "f:spec", "f:containers",
                           'k:{"name":"nginx"}', "f:image")) == (
        '.spec.template.spec.containers[name="nginx"].image')
    assert fm.path_string(("f:spec", "f:ports", 'k:{"port":80,"protocol":"TCP"}')) == (
        '.spec.ports[port=80,protocol="TCP"]')
    assert fm.path_string(("f:metadata", "f:finalizers", 'v:"a"')) == (
        '.metadata.finalizers[="a"]')


def test_an_update_on_create_owns_what_it_set() -> None:
    obj = fm.update(DEPLOY, None, deployment(), "kubectl-create", "2025-01-01T00:00:00Z")
    [entry] = obj["metadata"]["managedFields"]
    assert {k: v for k, v in entry.items() if k != "fieldsV1"} == {
        "manager": "kubectl-create", "operation": "Update", "apiVersion": "apps/v1",
        "time": "2025-01-01T00:00:00Z", "fieldsType": "FieldsV1"}
    f = entry["fieldsV1"]
    assert f["f:metadata"] == {"f:labels": {".": {}, "f:app": {}}}  # no name, no namespace
    assert "." not in f["f:spec"] and f["f:spec"]["f:selector"] == {}  # atomic selector
    containers = f["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert "." not in containers  # a required (non-omitempty) field
    assert containers['k:{"name":"nginx"}'] == {
        ".": {}, "f:image": {}, "f:name": {},
        "f:ports": {".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': {
            ".": {}, "f:containerPort": {}}}}


def test_an_update_takes_the_fields_it_changes(admin: Client) -> None:
    admin.create(DEPLOY, deployment())
    admin.call("patch", DEPLOY, namespace="default", name="web",
               body=json.dumps({"spec": {"replicas": 5}}),
               content_type="application/merge-patch+json",
               params={"fieldManager": "scaler"})
    obj = admin.get(DEPLOY, "web", "default")
    e = entries(obj)
    assert e["scaler", "Update"]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in e["k8s-internals", "Update"]["fieldsV1"]["f:spec"]
    # a no-op write changes nothing, not even a timestamp
    before = admin.get(DEPLOY, "web", "default")
    admin.call("patch", DEPLOY, namespace="default", name="web",
               body=json.dumps({"spec": {"replicas": 5}}),
               content_type="application/merge-patch+json", params={"fieldManager": "other"})
    after = admin.get(DEPLOY, "web", "default")
    assert after["metadata"]["managedFields"] == before["metadata"]["managedFields"]
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


def test_status_writes_own_only_status(admin: Client) -> None:
    admin.create(DEPLOY, deployment())
    obj = admin.get(DEPLOY, "web", "default")
    obj["status"] = {"replicas": 2, "observedGeneration": 1}
    admin.update_status(DEPLOY, obj)
    managed = admin.get(DEPLOY, "web", "default")["metadata"]["managedFields"]
    main, status = sorted(managed, key=lambda e: e.get("subresource", ""))
    assert status["subresource"] == "status" and status["manager"] == "k8s-internals"
    assert status["fieldsV1"] == {"f:status": {"f:observedGeneration": {}, "f:replicas": {}}}
    assert "subresource" not in main and "f:status" not in main["fieldsV1"]


def test_managed_fields_sent_by_the_client_are_kept_or_reset(admin: Client) -> None:
    admin.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "c", "namespace": "default"},
                                "data": {"a": "1"}})
    obj = admin.get("configmaps", "c", "default")
    del obj["metadata"]["managedFields"]
    obj["data"]["b"] = "2"
    admin.update("configmaps", obj)  # omitted: the live ones are kept and extended
    assert entries(admin.get("configmaps", "c", "default"))["k8s-internals", "Update"][
        "fieldsV1"] == {"f:data": {".": {}, "f:a": {}, "f:b": {}}}
    admin.patch("configmaps", "c", {"metadata": {"managedFields": [{}]}}, "default")
    assert "managedFields" not in admin.get("configmaps", "c", "default")["metadata"]


def test_the_oldest_update_managers_merge_into_ancient_changes() -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}}
    cms = lookup("", "configmaps")
    for i in range(12):
        new = json.loads(json.dumps(obj))
        new["data"][f"k{i}"] = "v"
        obj = fm.update(cms, obj, new, f"m{i:02d}", f"2025-01-01T00:00:{i:02d}Z")
    managers = [e["manager"] for e in obj["metadata"]["managedFields"]]
    assert len(managers) == 10 and managers[0] == "ancient-changes"
    assert obj["metadata"]["managedFields"][0]["fieldsV1"]["f:data"].keys() >= {"f:k0", "f:k1",
                                                                               "f:k2"}


# -- server-side apply ----------------------------------------------------------------------------


def test_apply_creates_and_owns_exactly_the_configuration(admin: Client) -> None:
    obj = apply(admin, deployment())
    assert obj["metadata"]["uid"] and obj["spec"]["template"]["spec"]["containers"][0][
        "imagePullPolicy"] == "IfNotPresent"  # defaulted after the merge
    [entry] = obj["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"]) == ("kubectl", "Apply")
    assert entry["fieldsV1"]["f:metadata"] == {"f:labels": {"f:app": {}}}  # no "." for Apply
    assert "f:imagePullPolicy" not in json.dumps(entry["fieldsV1"])


def test_apply_options_are_validated(admin: Client) -> None:
    with pytest.raises(ApiError) as err:
        admin.patch(DEPLOY, "web", json.dumps(deployment()), "default", patch_type="apply")
    assert err.value.code == 422
    assert err.value.message == ('PatchOptions.meta.k8s.io "" is invalid: fieldManager: '
                                 'Required value: is required for apply patch')
    with pytest.raises(ApiError) as err:
        admin.patch(DEPLOY, "web", {"spec": {}}, "default", force=True)
    assert err.value.message == ('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: '
                                 'may not be specified for non-apply patch')
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}}
    with pytest.raises(ApiError) as err:
        admin.patch(DEPLOY, "web", json.dumps(cm), "default", patch_type="apply",
                    field_manager="kubectl")
    assert (err.value.code, err.value.message) == (400,
                                                   "invalid object type: /v1, Kind=ConfigMap")
    bad = deployment()
    bad["metadata"]["managedFields"] = [{"manager": "x", "operation": "Apply"}]
    with pytest.raises(ApiError) as err:
        apply(admin, bad)
    assert err.value.message == "metadata.managedFields must be nil"


def test_conflicts_as_upstream_reports_them(admin: Client) -> None:
    apply(admin, deployment(), "first")
    with pytest.raises(ApiError) as err:
        apply(admin, deployment(replicas=3), "second")
    assert err.value.code == 409
    assert err.value.message == ('Apply failed with 1 conflict: conflict with "first": '
                                 '.spec.replicas')
    assert err.value.status["details"] == {"causes": [{
        "reason": "FieldManagerConflict", "message": 'conflict with "first"',
        "field": ".spec.replicas"}]}
    with pytest.raises(ApiError) as err:
        apply(admin, deployment(replicas=3, image="nginx:1.28"), "second")
    assert err.value.message == (
        'Apply failed with 2 conflicts: conflicts with "first":\n- .spec.replicas\n'
        '- .spec.template.spec.containers[name="nginx"].image')
    # the same value is no conflict: both own it
    shared = apply(admin, deployment(), "second")
    assert {m for (m, _) in entries(shared)} == {"first", "second"}
    forced = apply(admin, deployment(replicas=4), "second", force=True)
    assert forced["spec"]["replicas"] == 4
    assert "f:replicas" not in entries(forced)["first", "Apply"]["fieldsV1"]["f:spec"]


def test_a_conflict_with_an_updater_names_its_version(admin: Client) -> None:
    admin.create(DEPLOY, deployment())  # manager from the User-Agent (Update)
    with pytest.raises(ApiError) as err:
        apply(admin, deployment(replicas=9), "ssa")
    assert err.value.message == ('Apply failed with 1 conflict: conflict with "k8s-internals" '
                                 'using apps/v1: .spec.replicas')


def test_fields_no_longer_applied_are_removed(admin: Client) -> None:
    two = [{"name": "nginx", "image": "nginx"}, {"name": "side", "image": "busybox"}]
    apply(admin, deployment(containers=two))
    obj = apply(admin, deployment(containers=two[:1]))
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["nginx"]
    # ... unless another applier still applies them
    apply(admin, deployment(containers=two), "owner-a")
    apply(admin, deployment(containers=two), "owner-b")
    obj = apply(admin, deployment(containers=two[:1]), "owner-a")
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["nginx",
                                                                                 "side"]


def test_map_lists_merge_by_key_across_managers(admin: Client) -> None:
    apply(admin, deployment(containers=[{"name": "a", "image": "a"}]), "team-a")
    partial = {"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "namespace": "default"},
               "spec": {"template": {"spec": {"containers": [{"name": "b", "image": "b"}]}}}}
    obj = apply(admin, partial, "team-b")
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["a", "b"]
    e = entries(obj)
    assert list(e["team-b", "Apply"]["fieldsV1"]["f:spec"]["f:template"]["f:spec"][
        "f:containers"]) == ['k:{"name":"b"}']


def test_kubectl_takes_over_from_client_side_apply(admin: Client) -> None:
    """``lastAppliedManager``: kubectl's server-side apply may take the fields client-side
    apply recorded in the annotation while their live values still match it."""
    from k8s_internals.api.patch.last_applied import (
        LAST_APPLIED_CONFIG_ANNOTATION,
        encode_json,
    )

    obj = deployment()
    obj["metadata"]["annotations"] = {LAST_APPLIED_CONFIG_ANNOTATION: encode_json(obj)}
    admin.call("create", DEPLOY, namespace="default", body=obj,
               params={"fieldManager": "kubectl-client-side-apply"})
    took = apply(admin, deployment(replicas=3, image="nginx:1.28"), "kubectl")
    assert took["spec"]["replicas"] == 3
    annotation = json.loads(took["metadata"]["annotations"][LAST_APPLIED_CONFIG_ANNOTATION])
    assert annotation["spec"]["replicas"] == 3  # lastAppliedUpdater keeps it in sync
    with pytest.raises(ApiError):  # another manager name gets no such allowance
        apply(admin, deployment(replicas=7), "someone-else")
