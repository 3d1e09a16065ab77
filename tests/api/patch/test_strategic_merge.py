"""Strategic merge patch: upstream's table tests on its ``MergeItem`` struct, then the
built-in kinds (containers by name, ``$patch: delete``, ``$setElementOrder``, kubectl apply).

The tables are in ``smp_upstream_cases.yaml``, ported from
``apimachinery/pkg/util/strategicpatch/patch_test.go``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8s_internals.api.patch import (
    LAST_APPLIED_CONFIG_ANNOTATION,
    PatchError,
    apply_patch,
    create_three_way_merge_patch,
    create_two_way_merge_patch,
    merge_patch,
    modified_configuration,
    original_configuration,
    strategic_merge_patch,
)
from k8s_internals.api.patch.errors import go_value
from k8s_internals.api.patch.schema import (
    MERGE,
    RETAIN_KEYS,
    Field,
    Struct,
    kind_schema,
    merge_by,
    merge_primitives,
    retain_keys,
)

# -- upstream's test structs (patch_test.go) ------------------------------------------------------

MERGE_ITEM = Struct("MergeItem")
RETAIN_KEYS_MERGE_ITEM = Struct("RetainKeysMergeItem", {
    "mergingIntList": merge_primitives(),
    "mergingList": merge_by("name", MERGE_ITEM),
    "nonMergingList": Field(schema=MERGE_ITEM),
})
MERGE_ITEM.fields.update({
    "mergingList": merge_by("name", MERGE_ITEM),
    "nonMergingList": Field(schema=MERGE_ITEM),
    "mergingIntList": merge_primitives(),
    "mergeItemPtr": merge_by("name", MERGE_ITEM),
    "replacingItem": Field(strategies=("replace",)),
    "retainKeysMap": retain_keys(RETAIN_KEYS_MERGE_ITEM),
    "retainKeysMergingList": merge_by("name", MERGE_ITEM, retain_keys=True),
})

CASES = yaml.safe_load((Path(__file__).parent / "smp_upstream_cases.yaml").read_text())


def _sort_scalars(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in items:
        if not any(type(v) is type(o) and v == o for o in out):
            out.append(v)
    return sorted(out, key=go_value)


def sort_merge_lists(doc: Any, schema: Struct) -> Any:
    """upstream's ``sortMergeListsByNameMap``: sort merging lists so that order-insensitive
    cases compare equal."""
    if not isinstance(doc, dict):
        return doc
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "$retainKeys" or key.startswith("$deleteFromPrimitiveList"):
            value = _sort_scalars(value)
        elif not key.startswith("$setElementOrder") and key != "$patch":
            sub, meta = schema.lookup(key)
            if isinstance(value, dict):
                value = sort_merge_lists(value, sub)
            elif isinstance(value, list) and MERGE in meta.strategies and value:
                if isinstance(value[0], dict):
                    value = sorted((sort_merge_lists(v, sub) for v in value),
                                   key=lambda v: go_value(v.get(meta.merge_key)))
                else:
                    value = _sort_scalars(value)
        out[key] = value
    return out


def _sorted(case: dict[str, Any], key: str) -> Any:
    return sort_merge_lists(case.get(key) or {}, MERGE_ITEM)


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["description"] for c in cases]


# -- upstream tables ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["custom"], ids=_ids(CASES["custom"]))
def test_custom_patch_application(case: dict[str, Any]) -> None:
    """TestCustomStrategicMergePatch: patches CreateTwoWayMergePatch would not produce."""
    original, patch = _sorted(case, "original"), _sorted(case, "twoWay")
    assert strategic_merge_patch(original, patch, MERGE_ITEM) == _sorted(case, "modified")


@pytest.mark.parametrize("case", CASES["custom_raw"], ids=_ids(CASES["custom_raw"]))
def test_custom_raw_patch_application(case: dict[str, Any]) -> None:
    if "expectedError" in case:
        with pytest.raises(PatchError) as err:
            strategic_merge_patch(case["original"], case["twoWay"], MERGE_ITEM)
        assert case["expectedError"] in err.value.detail
        return
    assert strategic_merge_patch(case["original"], case["twoWay"], MERGE_ITEM) == case["modified"]


@pytest.mark.parametrize("case", CASES["create"], ids=_ids(CASES["create"]))
def test_two_way_patch(case: dict[str, Any]) -> None:
    """testTwoWayPatch: the created patch, and applying it to original."""
    original, modified = _sorted(case, "original"), _sorted(case, "modified")
    patch = create_two_way_merge_patch(original, modified, MERGE_ITEM)
    assert patch == _sorted(case, "twoWay")
    expected = case.get("twoWayResult", case["modified"])
    assert strategic_merge_patch(original, patch, MERGE_ITEM) == sort_merge_lists(expected,
                                                                                  MERGE_ITEM)


@pytest.mark.parametrize("case", CASES["create"], ids=_ids(CASES["create"]))
def test_three_way_patch(case: dict[str, Any]) -> None:
    """testThreeWayPatch: the created patch, and applying it to current."""
    original, modified = _sorted(case, "original"), _sorted(case, "modified")
    current = _sorted(case, "current")
    patch = create_three_way_merge_patch(original, modified, current, MERGE_ITEM)
    assert patch == _sorted(case, "threeWay")
    assert strategic_merge_patch(current, patch, MERGE_ITEM) == _sorted(case, "result")


@pytest.mark.parametrize("case", CASES["raw"], ids=_ids(CASES["raw"]))
def test_two_way_patch_raw(case: dict[str, Any]) -> None:
    """testTwoWayPatchForRawTestCase: exact comparison, list order included."""
    patch = create_two_way_merge_patch(case["original"], case["modified"], MERGE_ITEM)
    assert patch == case["twoWay"]
    expected = case.get("twoWayResult", case["modified"])
    assert strategic_merge_patch(case["original"], patch, MERGE_ITEM) == expected


@pytest.mark.parametrize("case", CASES["raw"], ids=_ids(CASES["raw"]))
def test_three_way_patch_raw(case: dict[str, Any]) -> None:
    patch = create_three_way_merge_patch(case["original"], case["modified"], case["current"],
                                         MERGE_ITEM)
    assert patch == case["threeWay"]
    assert strategic_merge_patch(case["current"], patch, MERGE_ITEM) == case["result"]


def test_inputs_are_not_changed() -> None:
    case = next(c for c in CASES["raw"] if c["description"] == "merge lists of maps")
    before = copy.deepcopy(case)
    create_three_way_merge_patch(case["original"], case["modified"], case["current"], MERGE_ITEM)
    strategic_merge_patch(case["current"], case["threeWay"], MERGE_ITEM)
    assert case == before


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("patch", "code", "detail"), [
    ({"mergingList": [{"value": "b"}]}, 500,
     "map: map[value:b] does not contain declared merge key: name"),
    ({"mergingList": [{"name": 1, "$patch": "merge"}]}, 500,
     "merging lists cannot yet be specified in the patch"),
    ({"mergingList": [{"name": 1, "$patch": "nope"}]}, 500,
     "unknown patch type: nope in map: map[$patch:nope name:1]"),
    ({"simpleMap": {"$patch": "nope"}}, 500, "unknown patch type: nope in map: map[$patch:nope]"),
    ({"retainKeysMap": {"$retainKeys": "name"}}, 400, "invalid patch format of retainKeys"),
    ({"retainKeysMap": {"$retainKeys": ["name"], "value": "x"}}, 400,
     "invalid patch format of retainKeys"),
    ({"$setElementOrder": []}, 400, "invalid patch format of setElementOrder list"),
    ({"$deleteFromPrimitiveList": [1]}, 400, "invalid patch format of primitive list"),
    ({"mergingIntList": [[1]]}, 500, "list element types are not identical: [[1 2] [[1]]]"),
    ({"mergingIntList": ["a"]}, 500, "list element types are not identical: [[1 2] [a]]"),
])
def test_apply_errors(patch: dict[str, Any], code: int, detail: str) -> None:
    original = {"mergingList": [{"name": 1}], "simpleMap": {"a": "b"},
                "retainKeysMap": {"name": "x"}, "mergingIntList": [1, 2]}
    with pytest.raises(PatchError) as err:
        strategic_merge_patch(original, patch, MERGE_ITEM)
    assert err.value.code == code
    assert err.value.detail == detail


def test_lists_of_lists_answer_422() -> None:
    with pytest.raises(PatchError) as err:
        strategic_merge_patch({"mergingIntList": []}, {"mergingIntList": [[1]]}, MERGE_ITEM)
    assert (err.value.code, err.value.reason) == (422, "Invalid")
    assert err.value.message == "the server rejected our request due to an error in our request"
    assert err.value.detail == "lists of lists are not supported"


def test_error_status_bodies() -> None:
    with pytest.raises(PatchError) as err:
        strategic_merge_patch({"mergingList": [{"name": 1}]},
                              {"mergingList": [{"value": "b"}]}, MERGE_ITEM)
    # passed on unconverted: 500 with no reason, the text as message
    assert err.value.status == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "map: map[value:b] does not contain declared merge key: name", "code": 500}
    with pytest.raises(PatchError) as err:
        strategic_merge_patch({"retainKeysMap": {"name": "x"}},
                              {"retainKeysMap": {"$retainKeys": 1}}, MERGE_ITEM)
    assert err.value.status == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "invalid patch format of retainKeys", "reason": "BadRequest", "code": 400}


def test_patch_must_be_an_object() -> None:
    with pytest.raises(PatchError) as err:
        strategic_merge_patch({}, [], "Pod")  # type: ignore[arg-type]
    assert (err.value.code, err.value.message) == (
        400, "json: cannot unmarshal array into Go value of type map[string]interface {}")


def test_custom_resource_is_rejected_with_415() -> None:
    with pytest.raises(PatchError) as err:
        strategic_merge_patch({"spec": {}}, {"spec": {"x": 1}}, "CronTab")
    assert err.value.code == 415
    assert err.value.reason == "UnsupportedMediaType"
    assert err.value.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml")


# -- built-in kinds -------------------------------------------------------------------------------

POD = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web", "labels": {"app": "web"}, "finalizers": ["a"]},
    "spec": {
        "containers": [
            {"name": "app", "image": "nginx:1.26",
             "ports": [{"containerPort": 80, "protocol": "TCP"}],
             "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "log", "image": "busybox", "args": ["tail", "-f"]},
        ],
        "tolerations": [{"key": "k", "operator": "Exists"}],
        "volumes": [{"name": "data", "emptyDir": {}}],
    },
}


def test_containers_merge_by_name() -> None:
    patch = {"spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}
    result = strategic_merge_patch(POD, patch, "Pod")
    assert [c["name"] for c in result["spec"]["containers"]] == ["app", "log"]
    assert result["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert result["spec"]["containers"][0]["ports"] == POD["spec"]["containers"][0]["ports"]


def test_new_container_follows_patch_order_and_env_merges_by_name() -> None:
    patch = {"spec": {"containers": [
        {"name": "app", "env": [{"name": "B", "value": "two"}, {"name": "C", "value": "3"}]},
        {"name": "sidecar", "image": "envoy"},
    ]}}
    result = strategic_merge_patch(POD, patch, "Pod")
    # upstream: patch items keep the patch's order, a server-only item ("log") goes after the
    # patch items it cannot be placed against
    assert [c["name"] for c in result["spec"]["containers"]] == ["app", "sidecar", "log"]
    with_order = dict(patch["spec"], **{"$setElementOrder/containers": [
        {"name": "app"}, {"name": "log"}, {"name": "sidecar"}]})
    result = strategic_merge_patch(POD, {"spec": with_order}, "Pod")
    assert [c["name"] for c in result["spec"]["containers"]] == ["app", "log", "sidecar"]
    assert result["spec"]["containers"][0]["env"] == [
        {"name": "A", "value": "1"}, {"name": "B", "value": "two"}, {"name": "C", "value": "3"}]


def test_patch_delete_directive_removes_a_container() -> None:
    patch = {"spec": {"containers": [{"name": "log", "$patch": "delete"}]}}
    result = strategic_merge_patch(POD, patch, "Pod")
    assert [c["name"] for c in result["spec"]["containers"]] == ["app"]


def test_patch_replace_directive_replaces_the_list() -> None:
    patch = {"spec": {"containers": [{"name": "only", "image": "x"}, {"$patch": "replace"}]}}
    result = strategic_merge_patch(POD, patch, "Pod")
    assert result["spec"]["containers"] == [{"name": "only", "image": "x"}]


def test_untagged_lists_are_replaced() -> None:
    patch = {"spec": {"tolerations": [{"key": "other", "operator": "Exists"}],
                      "containers": [{"name": "log", "args": ["sleep"]}]}}
    result = strategic_merge_patch(POD, patch, "Pod")
    assert result["spec"]["tolerations"] == [{"key": "other", "operator": "Exists"}]
    assert result["spec"]["containers"][1]["args"] == ["sleep"]


def test_finalizers_are_a_set_and_null_deletes() -> None:
    patch = {"metadata": {"finalizers": ["b", "a"], "labels": None}}
    result = strategic_merge_patch(POD, patch, "Pod")
    assert result["metadata"]["finalizers"] == ["b", "a"]
    assert "labels" not in result["metadata"]
    removed = strategic_merge_patch(result, {"metadata": {
        "$deleteFromPrimitiveList/finalizers": ["a"]}}, "Pod")
    assert removed["metadata"]["finalizers"] == ["b"]


def test_set_element_order_reorders_containers() -> None:
    patch = {"spec": {"$setElementOrder/containers": [{"name": "log"}, {"name": "app"}]}}
    result = strategic_merge_patch(POD, patch, "Pod")
    assert [c["name"] for c in result["spec"]["containers"]] == ["log", "app"]


def test_volumes_retain_keys_switch_the_volume_source() -> None:
    # kubectl sends $retainKeys for volumes (patchStrategy "merge,retainKeys")
    patch = {"spec": {"volumes": [{"name": "data", "$retainKeys": ["name", "hostPath"],
                                   "hostPath": {"path": "/data"}}]}}
    result = strategic_merge_patch(POD, patch, "Pod")
    assert result["spec"]["volumes"] == [{"name": "data", "hostPath": {"path": "/data"}}]


def test_deployment_template_and_strategy_retain_keys() -> None:
    deployment = {"spec": {"strategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxSurge": 1}},
                           "template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}}
    modified = {"spec": {"strategy": {"type": "Recreate"},
                         "template": {"spec": {"containers": [{"name": "a", "image": "y"}]}}}}
    patch = create_two_way_merge_patch(deployment, modified, "Deployment")
    assert patch == {"spec": {
        "strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": None},
        "template": {"spec": {"$setElementOrder/containers": [{"name": "a"}],
                              "containers": [{"name": "a", "image": "y"}]}}}}
    assert strategic_merge_patch(deployment, patch, "Deployment") == modified


@pytest.mark.parametrize(("kind", "path", "merge_key"), [
    ("Pod", ["spec", "containers"], "name"),
    ("Pod", ["spec", "initContainers"], "name"),
    ("Pod", ["spec", "ephemeralContainers"], "name"),
    ("Pod", ["spec", "volumes"], "name"),
    ("Pod", ["spec", "imagePullSecrets"], "name"),
    ("Pod", ["spec", "hostAliases"], "ip"),
    ("Pod", ["spec", "containers", "ports"], "containerPort"),
    ("Pod", ["spec", "containers", "env"], "name"),
    ("Pod", ["spec", "containers", "volumeMounts"], "mountPath"),
    ("Pod", ["spec", "containers", "volumeDevices"], "devicePath"),
    ("Pod", ["status", "conditions"], "type"),
    ("Pod", ["metadata", "ownerReferences"], "uid"),
    ("Service", ["spec", "ports"], "port"),
    ("Node", ["status", "conditions"], "type"),
    ("Node", ["status", "addresses"], "type"),
    ("Deployment", ["spec", "template", "spec", "containers"], "name"),
    ("ReplicaSet", ["spec", "template", "spec", "containers", "env"], "name"),
    ("StatefulSet", ["spec", "template", "spec", "volumes"], "name"),
    ("DaemonSet", ["spec", "template", "spec", "containers"], "name"),
    ("Job", ["spec", "template", "spec", "containers"], "name"),
    ("CronJob", ["spec", "jobTemplate", "spec", "template", "spec", "containers"], "name"),
    ("Deployment", ["status", "conditions"], "type"),
])
def test_schema_merge_keys(kind: str, path: list[str], merge_key: str) -> None:
    schema = kind_schema(kind)
    assert schema is not None
    meta = Field()
    for key in path:
        schema, meta = schema.lookup(key)
    assert MERGE in meta.strategies
    assert meta.merge_key == merge_key


@pytest.mark.parametrize(("kind", "path"), [
    ("Pod", ["spec", "tolerations"]),
    ("Pod", ["spec", "containers", "args"]),
    ("Node", ["spec", "taints"]),
    ("Deployment", ["spec", "selector", "matchExpressions"]),
])
def test_schema_atomic_lists(kind: str, path: list[str]) -> None:
    schema = kind_schema(kind)
    assert schema is not None
    meta = Field()
    for key in path:
        schema, meta = schema.lookup(key)
    assert meta.strategies == ()


def test_schema_retain_keys() -> None:
    pod = kind_schema("Pod")
    assert pod is not None
    assert pod.lookup("spec")[0].lookup("volumes")[1].strategies == (MERGE, RETAIN_KEYS)
    deployment = kind_schema("Deployment")
    assert deployment is not None
    assert deployment.lookup("spec")[0].lookup("strategy")[1].strategies == (RETAIN_KEYS,)
    assert kind_schema("CronTab") is None


# -- kubectl apply (three-way) --------------------------------------------------------------------


def test_three_way_apply_deletes_removed_fields_and_keeps_other_writers() -> None:
    last_applied = {"metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}},
                    "spec": {"replicas": 2, "template": {"spec": {"containers": [
                        {"name": "app", "image": "nginx:1.26",
                         "env": [{"name": "A", "value": "1"}]}]}}}}
    live = copy.deepcopy(last_applied)
    live["metadata"]["labels"]["owner"] = "someone-else"      # set by another writer
    live["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1"}}
    live["spec"]["replicas"] = 5                              # scaled by an HPA
    live["status"] = {"replicas": 5}
    config = {"metadata": {"name": "web", "labels": {"app": "web"}},          # tier removed
              "spec": {"replicas": 2, "template": {"spec": {"containers": [
                  {"name": "app", "image": "nginx:1.27"}]}}}}                  # env removed
    patch = create_three_way_merge_patch(last_applied, config, live, "Deployment")
    assert patch == {
        "metadata": {"labels": {"tier": None}},
        "spec": {"replicas": 2, "template": {"spec": {
            "$setElementOrder/containers": [{"name": "app"}],
            "containers": [{"name": "app", "image": "nginx:1.27", "env": None}]}}},
    }
    result = strategic_merge_patch(live, patch, "Deployment")
    assert result["metadata"]["labels"] == {"app": "web", "owner": "someone-else"}
    container = result["spec"]["template"]["spec"]["containers"][0]
    assert container == {"name": "app", "image": "nginx:1.27",
                         "resources": {"limits": {"cpu": "1"}}}
    assert result["spec"]["replicas"] == 2
    assert result["status"] == {"replicas": 5}


def test_three_way_removing_a_container_sends_delete_directive() -> None:
    last = {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}
    live = copy.deepcopy(last)
    config = {"spec": {"containers": [{"name": "a", "image": "x"}]}}
    patch = create_three_way_merge_patch(last, config, live, "Pod")
    assert patch == {"spec": {"$setElementOrder/containers": [{"name": "a"}],
                              "containers": [{"name": "b", "$patch": "delete"}]}}
    assert strategic_merge_patch(live, patch, "Pod") == config


def test_three_way_no_change_is_an_empty_patch() -> None:
    config = {"metadata": {"name": "x"}, "spec": {"containers": [{"name": "a", "image": "x"}]}}
    live = copy.deepcopy(config)
    live["metadata"]["uid"] = "1234"
    live["status"] = {"phase": "Running"}
    assert create_three_way_merge_patch(config, config, live, "Pod") == {}


def test_unsorted_unchanged_string_list_still_gets_set_element_order() -> None:
    # upstream's diffListsOfScalars sorts the original list in place, then compares it with
    # the modified one: an unsorted list of finalizers always looks reordered
    config = {"metadata": {"name": "x", "finalizers": ["b", "a"]}}
    assert create_three_way_merge_patch(config, config, config, "Pod") == {
        "metadata": {"$setElementOrder/finalizers": ["b", "a"]}}
    config = {"metadata": {"name": "x", "finalizers": ["a", "b"]}}
    assert create_three_way_merge_patch(config, config, config, "Pod") == {}


def test_create_for_unknown_kind_is_json_merge_like() -> None:
    original = {"spec": {"items": [{"name": "a"}], "keep": 1, "drop": 2}}
    modified = {"spec": {"items": [{"name": "b"}], "keep": 1}}
    assert create_two_way_merge_patch(original, modified, "CronTab") == {
        "spec": {"items": [{"name": "b"}], "drop": None}}


# -- kubectl apply end to end: the last-applied annotation -------------------------------------


def test_modified_configuration_records_itself_like_kubectl() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
              "data": {"a": "<b>&"}}
    modified = modified_configuration(config)
    assert modified["metadata"]["annotations"][LAST_APPLIED_CONFIG_ANNOTATION] == (
        '{"apiVersion":"v1","data":{"a":"\\u003cb\\u003e\\u0026"},"kind":"ConfigMap",'
        '"metadata":{"annotations":{},"name":"x"}}\n')
    assert config == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
                      "data": {"a": "<b>&"}}
    assert original_configuration(modified) == {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"annotations": {}, "name": "x"},
        "data": {"a": "<b>&"}}
    assert original_configuration(config) is None


def test_apply_twice_with_the_annotation() -> None:
    first = {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
             "spec": {"replicas": 2, "template": {"spec": {"containers": [
                 {"name": "app", "image": "nginx:1.26"}, {"name": "log", "image": "busybox"}]}}}}
    live = modified_configuration(first)          # what kubectl creates
    live["metadata"]["uid"] = "u-1"                 # the server's fields
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    second = copy.deepcopy(first)
    second["spec"]["template"]["spec"]["containers"] = [{"name": "app", "image": "nginx:1.27"}]
    content_type, patch = apply_patch(original_configuration(live),
                                      modified_configuration(second), live, "Deployment")
    assert content_type == "application/strategic-merge-patch+json"
    result = strategic_merge_patch(live, patch, "Deployment")
    assert result["spec"]["template"]["spec"]["containers"] == [
        {"name": "app", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent"}]
    assert result["metadata"]["uid"] == "u-1"
    assert original_configuration(result) == original_configuration(
        modified_configuration(second))
    # applying the same file again changes nothing
    again = apply_patch(original_configuration(result), modified_configuration(second), result,
                        "Deployment")
    assert again == ("application/strategic-merge-patch+json", {})


def test_apply_of_a_custom_resource_sends_a_json_merge_patch() -> None:
    first = {"apiVersion": "x.io/v1", "kind": "CronTab", "metadata": {"name": "c"},
             "spec": {"schedule": "* * * * *", "image": "a", "ports": [1, 2]}}
    live = modified_configuration(first)
    live["status"] = {"active": 1}
    second = {"apiVersion": "x.io/v1", "kind": "CronTab", "metadata": {"name": "c"},
              "spec": {"schedule": "*/5 * * * *", "ports": [2]}}
    content_type, patch = apply_patch(original_configuration(live), modified_configuration(second),
                                      live, "CronTab")
    assert content_type == "application/merge-patch+json"
    assert patch["spec"] == {"schedule": "*/5 * * * *", "image": None, "ports": [2]}
    result = merge_patch(live, patch)
    assert result["spec"] == {"schedule": "*/5 * * * *", "ports": [2]}
    assert result["status"] == {"active": 1}
