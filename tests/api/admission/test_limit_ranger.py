"""LimitRanger: defaulting and min/max/ratio checks with upstream's messages
(plugin/pkg/admission/limitranger/admission.go)."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.admission.interfaces import AdmissionError, Operation
from k8s_internals.api.admission.limit_ranger import (
    LIMIT_RANGER_ANNOTATION,
    LimitRanger,
    default_limit_range_item,
)

from .conftest import FakeContext, attrs, container, pod

PLUGIN = LimitRanger()


def limit_range(ctx: FakeContext, *items: dict[str, Any], name: str = "limits",
                namespace: str = "default") -> None:
    ctx.add("", "limitranges", {"apiVersion": "v1", "kind": "LimitRange",
                                "metadata": {"name": name, "namespace": namespace},
                                "spec": {"limits": list(items)}})


def admit_and_validate(ctx: FakeContext, obj: dict[str, Any], resource: str = "pods") -> None:
    a = attrs(Operation.CREATE, resource, obj)
    PLUGIN.admit(a, ctx)
    PLUGIN.validate(a, ctx)


# -- the seed's example ---------------------------------------------------------------------------


def test_seed_example_default_memory_limit_512mi(ctx: FakeContext) -> None:
    """Section III: a LimitRange with ``default: {memory: 512Mi}`` for Containers makes every new
    container get that limit, and (LimitRange defaulting) the same request."""
    limit_range(ctx, {"default": {"memory": "512Mi"}, "type": "Container"},
                name="mem-limit-range")
    p = pod()
    admit_and_validate(ctx, p)
    assert p["spec"]["containers"][0]["resources"] == {
        "limits": {"memory": "512Mi"}, "requests": {"memory": "512Mi"}}
    assert p["metadata"]["annotations"] == {
        LIMIT_RANGER_ANNOTATION:
            "LimitRanger plugin set: memory request for container app; "
            "memory limit for container app"}


# -- defaulting -----------------------------------------------------------------------------------


def test_limit_range_item_defaulting() -> None:
    """``SetDefaults_LimitRangeItem``: default <- max; defaultRequest <- default, then min."""
    item = default_limit_range_item({"type": "Container", "max": {"cpu": "2", "memory": "1Gi"},
                                     "min": {"cpu": "100m", "memory": "64Mi"},
                                     "default": {"memory": "512Mi"}})
    assert item["default"] == {"memory": "512Mi", "cpu": "2"}
    assert item["defaultRequest"] == {"memory": "512Mi", "cpu": "2"}
    item = default_limit_range_item({"type": "Container", "min": {"cpu": "100m"}})
    assert item["defaultRequest"] == {"cpu": "100m"}
    assert "default" not in item
    pod_item = {"type": "Pod", "max": {"cpu": "2"}}
    assert default_limit_range_item(pod_item) == pod_item


@pytest.mark.parametrize(("resources", "expected_resources", "annotation"), [
    # nothing set: both defaults, requests listed first
    ({}, {"limits": {"cpu": "1", "memory": "512Mi"},
          "requests": {"cpu": "250m", "memory": "256Mi"}},
     "cpu, memory request for container app; cpu, memory limit for container app"),
    # a request set: only the limits and the other request
    ({"requests": {"cpu": "100m"}},
     {"limits": {"cpu": "1", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "256Mi"}},
     "memory request for container app; cpu, memory limit for container app"),
    # everything set: untouched, no annotation
    ({"limits": {"cpu": "2", "memory": "1Gi"}, "requests": {"cpu": "2", "memory": "1Gi"}},
     {"limits": {"cpu": "2", "memory": "1Gi"}, "requests": {"cpu": "2", "memory": "1Gi"}},
     None),
])
def test_merge_container_resources(ctx: FakeContext, resources: dict[str, Any],
                                   expected_resources: dict[str, Any],
                                   annotation: str | None) -> None:
    limit_range(ctx, {"type": "Container", "default": {"cpu": "1", "memory": "512Mi"},
                      "defaultRequest": {"cpu": "250m", "memory": "256Mi"}})
    p = pod("web", {"name": "app", "image": "nginx", "resources": resources})
    PLUGIN.admit(attrs(Operation.CREATE, "pods", p), ctx)
    assert p["spec"]["containers"][0]["resources"] == expected_resources
    got = p["metadata"].get("annotations", {}).get(LIMIT_RANGER_ANNOTATION)
    assert got == (None if annotation is None else "LimitRanger plugin set: " + annotation)


def test_init_containers_are_defaulted_and_named(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Container", "default": {"memory": "128Mi"}})
    p = pod("web", {"name": "app", "image": "nginx"},
            initContainers=[{"name": "setup", "image": "busybox"}])
    PLUGIN.admit(attrs(Operation.CREATE, "pods", p), ctx)
    assert p["spec"]["initContainers"][0]["resources"]["limits"] == {"memory": "128Mi"}
    assert p["metadata"]["annotations"][LIMIT_RANGER_ANNOTATION] == (
        "LimitRanger plugin set: memory request for container app; memory limit for container "
        "app; memory request for init container setup; memory limit for init container setup")


def test_no_limit_range_no_change(ctx: FakeContext) -> None:
    p = pod()
    admit_and_validate(ctx, p)
    assert p == pod()


def test_pod_updates_and_subresources_are_skipped(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Container", "default": {"memory": "512Mi"},
                      "max": {"memory": "1Gi"}})
    p = pod()
    PLUGIN.admit(attrs(Operation.UPDATE, "pods", p, old=pod()), ctx)
    PLUGIN.validate(attrs(Operation.UPDATE, "pods", p, old=pod()), ctx)
    PLUGIN.admit(attrs(Operation.UPDATE, "pods", p, old=pod(), subresource="status"), ctx)
    assert p == pod()


def test_objects_being_deleted_are_skipped(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "PersistentVolumeClaim", "max": {"storage": "1Gi"}})
    old = pvc("5Gi")
    old["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    PLUGIN.validate(attrs(Operation.UPDATE, "persistentvolumeclaims", pvc("5Gi"), old=old), ctx)


# -- validation messages --------------------------------------------------------------------------


@pytest.mark.parametrize(("item", "resources", "message"), [
    ({"max": {"memory": "1Gi"}}, {"limits": {"memory": "2Gi"}},
     "maximum memory usage per Container is 1Gi, but limit is 2Gi"),
    ({"max": {"cpu": "1"}, "default": {"cpu": "500m"}}, {"limits": {"cpu": "500m"},
                                                        "requests": {"cpu": "1500m"}},
     "maximum cpu usage per Container is 1, but request is 1500m"),
    ({"min": {"cpu": "200m"}}, {"requests": {"cpu": "100m"}},
     "minimum cpu usage per Container is 200m, but request is 100m"),
    ({"min": {"memory": "64Mi"}}, {"requests": {"memory": "64Mi"}, "limits": {"memory": "32Mi"}},
     "minimum memory usage per Container is 64Mi, but limit is 32Mi"),
    ({"maxLimitRequestRatio": {"cpu": "2"}}, {"requests": {"cpu": "100m"},
                                              "limits": {"cpu": "500m"}},
     "cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000"),
    ({"maxLimitRequestRatio": {"memory": "1500m"}},
     {"requests": {"memory": "1Gi"}, "limits": {"memory": "2Gi"}},
     "memory max limit to request ratio per Container is 1500m, but provided ratio is 2.000000"),
    ({"maxLimitRequestRatio": {"cpu": "2"}}, {"limits": {"cpu": "500m"}, "requests": {"cpu": "0"}},
     "cpu max limit to request ratio per Container is 2, but no request is specified or "
     "request is 0"),
])
def test_container_constraint_messages(ctx: FakeContext, item: dict[str, Any],
                                       resources: dict[str, Any], message: str) -> None:
    limit_range(ctx, {"type": "Container", **item})
    p = pod("web", {"name": "app", "image": "nginx", "resources": resources})
    a = attrs(Operation.CREATE, "pods", p)
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(a, ctx)
    assert exc.value.message == message


def test_defaults_from_max_then_fit(ctx: FakeContext) -> None:
    """A max alone defaults the limit (and request) to the max, so a bare pod is admitted."""
    limit_range(ctx, {"type": "Container", "max": {"memory": "1Gi"}})
    p = pod()
    admit_and_validate(ctx, p)
    assert p["spec"]["containers"][0]["resources"] == {"limits": {"memory": "1Gi"},
                                                       "requests": {"memory": "1Gi"}}


def test_missing_values_messages_without_defaulting(ctx: FakeContext) -> None:
    """Validation alone (e.g. a later mutating plugin removed the defaults)."""
    limit_range(ctx, {"type": "Pod", "min": {"cpu": "100m"}, "max": {"memory": "1Gi"}})
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(attrs(Operation.CREATE, "pods", pod()), ctx)
    assert exc.value.message == (
        "[minimum cpu usage per Pod is 100m.  No request is specified, "
        "maximum memory usage per Pod is 1Gi.  No limit is specified]")


def test_several_errors_are_aggregated(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Container", "max": {"cpu": "1", "memory": "1Gi"}})
    p = pod("web", container("a", limits={"cpu": "2", "memory": "2Gi"}),
            container("b", limits={"cpu": "3", "memory": "512Mi"}))
    with pytest.raises(AdmissionError) as exc:
        admit_and_validate(ctx, p)
    assert exc.value.message == (
        "[maximum cpu usage per Container is 1, but limit is 2, "
        "maximum memory usage per Container is 1Gi, but limit is 2Gi, "
        "maximum cpu usage per Container is 1, but limit is 3]")


def test_identical_errors_are_deduplicated(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Container", "max": {"cpu": "1"}})
    p = pod("web", container("a", limits={"cpu": "2"}), container("b", limits={"cpu": "2"}))
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(attrs(Operation.CREATE, "pods", p), ctx)
    assert exc.value.message == "maximum cpu usage per Container is 1, but limit is 2"


def test_pod_type_sums_containers(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Pod", "max": {"memory": "1Gi"}})
    p = pod("web", container("a", limits={"memory": "600Mi"}),
            container("b", limits={"memory": "600Mi"}))
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(attrs(Operation.CREATE, "pods", p), ctx)
    assert exc.value.message == "maximum memory usage per Pod is 1Gi, but limit is 1200Mi"


def test_pod_type_counts_the_largest_init_container(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Pod", "max": {"cpu": "1"}})
    p = pod("web", container("a", limits={"cpu": "500m"}),
            initContainers=[container("setup", limits={"cpu": "2"})])
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(attrs(Operation.CREATE, "pods", p), ctx)
    assert exc.value.message == "maximum cpu usage per Pod is 1, but limit is 2"


def test_pod_type_adds_sidecars(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Pod", "max": {"cpu": "1"}})
    p = pod("web", container("a", limits={"cpu": "800m"}),
            initContainers=[container("proxy", limits={"cpu": "300m"}, restartPolicy="Always")])
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(attrs(Operation.CREATE, "pods", p), ctx)
    assert exc.value.message == "maximum cpu usage per Pod is 1, but limit is 1100m"


def test_within_limits_is_admitted(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Container", "min": {"cpu": "100m"}, "max": {"cpu": "1"},
                      "maxLimitRequestRatio": {"cpu": "4"}},
                {"type": "Pod", "max": {"cpu": "2"}})
    p = pod("web", container("a", requests={"cpu": "250m"}, limits={"cpu": "1"}),
            container("b", requests={"cpu": "500m"}, limits={"cpu": "1"}))
    admit_and_validate(ctx, p)


def test_first_failing_limit_range_wins(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Container", "max": {"cpu": "1"}}, name="a")
    limit_range(ctx, {"type": "Container", "max": {"cpu": "500m"}}, name="b")
    p = pod("web", container("app", limits={"cpu": "800m"}))
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(attrs(Operation.CREATE, "pods", p), ctx)
    assert exc.value.message == "maximum cpu usage per Container is 500m, but limit is 800m"


# -- PersistentVolumeClaims -----------------------------------------------------------------------


def pvc(storage: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": ["ReadWriteOnce"], "resources": {}}
    if storage is not None:
        spec["resources"]["requests"] = {"storage": storage}
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data", "namespace": "default"}, "spec": spec}


@pytest.mark.parametrize(("storage", "message"), [
    ("5Gi", "maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi"),
    ("500Mi", "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi"),
    (None, "[minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified, "
           "maximum storage usage per PersistentVolumeClaim is 2Gi.  No request is specified]"),
    ("1536Mi", None),
])
def test_pvc_storage(ctx: FakeContext, storage: str | None, message: str | None) -> None:
    limit_range(ctx, {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"},
                      "max": {"storage": "2Gi"}})
    claim = pvc(storage)
    a = attrs(Operation.CREATE, "persistentvolumeclaims", claim)
    PLUGIN.admit(a, ctx)  # PVCs are never defaulted
    assert claim == pvc(storage)
    if message is None:
        PLUGIN.validate(a, ctx)
        return
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(a, ctx)
    assert exc.value.message == message


def test_handles_and_name() -> None:
    assert PLUGIN.name == "LimitRanger"
    assert PLUGIN.handles(Operation.CREATE) and PLUGIN.handles(Operation.UPDATE)
    assert not PLUGIN.handles(Operation.DELETE)


def test_nothing_to_default_leaves_the_container_alone(ctx: FakeContext) -> None:
    limit_range(ctx, {"type": "Container", "max": {"cpu": "1"}, "default": {"cpu": "1"}})
    c = {"name": "app", "image": "nginx", "resources": {"limits": {"cpu": "1"},
                                                         "requests": {"cpu": "1"}}}
    p = pod("web", dict(c))
    PLUGIN.admit(attrs(Operation.CREATE, "pods", p), ctx)
    assert p["spec"]["containers"] == [c]
    del ctx.objects[("", "limitranges", "default", "limits")]
    limit_range(ctx, {"type": "Pod", "max": {"cpu": "4"}}, name="pod-only")
    bare = pod("bare")
    PLUGIN.admit(attrs(Operation.CREATE, "pods", bare), ctx)
    assert "resources" not in bare["spec"]["containers"][0]
    assert "annotations" not in bare["metadata"]


def test_malformed_quantity_is_a_bad_request(ctx: FakeContext) -> None:
    from k8s_internals.api import errors

    limit_range(ctx, {"type": "Container", "max": {"cpu": "1"}})
    p = pod("web", container("app", limits={"cpu": "lots"}))
    with pytest.raises(errors.StatusError) as exc:
        PLUGIN.validate(attrs(Operation.CREATE, "pods", p), ctx)
    assert exc.value.code == 400
    assert exc.value.message == ("quantities must match the regular expression "
                                 "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
