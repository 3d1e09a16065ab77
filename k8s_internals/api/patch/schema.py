"""Patch metadata of the built-in kinds: where lists merge by key, where maps retain keys.

Upstream reads this from the Go struct tags of the API types (``patchStrategy`` and
``patchMergeKey`` in ``staging/src/k8s.io/api/core/v1/types.go``, ``apps/v1/types.go``,
``batch/v1/types.go``, ``apimachinery/pkg/apis/meta/v1/types.go``) through
``apimachinery/pkg/util/strategicpatch/meta.go`` (``PatchMetaFromStruct``). Here each Go struct
that leads to a tagged field is a :class:`Struct`, and a kind maps to its top-level struct.

A field that is not listed has no metadata, like an untagged field upstream: an object merges
key by key and a list is replaced whole. That is also how every list not named below behaves,
e.g. ``tolerations``, ``args``, ``command``, ``envFrom``, ``nodeSelectorTerms``,
``matchExpressions`` and the node's ``taints`` (``NodeSpec.Taints`` has no patch strategy
upstream; only the ``key`` field *inside* ``Taint`` carries a tag, which has no effect on the
list).

Simplification: upstream fails on a field that its Go struct does not have (``unable to find api
field in struct ...``); here an unknown field simply has no metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "KINDS",
    "MERGE",
    "REPLACE",
    "RETAIN_KEYS",
    "UNSTRUCTURED",
    "Field",
    "Struct",
    "kind_schema",
]

MERGE = "merge"
REPLACE = "replace"
RETAIN_KEYS = "retainKeys"


@dataclass(frozen=True)
class Field:
    """The tags of one field: ``patchStrategy`` (split on ``,``) and ``patchMergeKey``, and the
    struct of the field's value (for a list: of each element)."""

    strategies: tuple[str, ...] = ()
    merge_key: str = ""
    schema: Struct | None = None


@dataclass(eq=False)
class Struct:
    """A Go struct type: its tagged fields and the fields that lead to tagged fields."""

    name: str
    fields: dict[str, Field] = field(default_factory=dict)

    def lookup(self, key: str) -> tuple[Struct, Field]:
        """``LookupPatchMetadataForStruct`` / ``ForSlice``: the struct of ``key``'s value and the
        field's tags. An unknown key gives :data:`UNSTRUCTURED` and no tags."""
        f = self.fields.get(key)
        if f is None:
            return UNSTRUCTURED, _NO_META
        return (f.schema or UNSTRUCTURED), f

    def __repr__(self) -> str:
        return f"Struct({self.name})"


_NO_META = Field()
#: Any value without known fields: objects merge, lists are replaced (JSON merge patch).
UNSTRUCTURED = Struct("unstructured")


def nested(schema: Struct) -> Field:
    """An untagged field whose value is ``schema``."""
    return Field(schema=schema)


def merge_by(key: str, schema: Struct | None = None, *, retain_keys: bool = False) -> Field:
    """``patchStrategy:"merge" patchMergeKey:"<key>"`` (``"merge,retainKeys"`` if asked)."""
    strategies = (MERGE, RETAIN_KEYS) if retain_keys else (MERGE,)
    return Field(strategies=strategies, merge_key=key, schema=schema)


def merge_primitives() -> Field:
    """``patchStrategy:"merge"`` on a list of strings: union, no duplicates."""
    return Field(strategies=(MERGE,))


def retain_keys(schema: Struct | None = None) -> Field:
    """``patchStrategy:"retainKeys"`` on a struct (a union such as ``DeploymentStrategy``)."""
    return Field(strategies=(RETAIN_KEYS,), schema=schema)


# -- meta/v1 --------------------------------------------------------------------------------------

OBJECT_META = Struct("ObjectMeta", {
    "finalizers": merge_primitives(),
    "ownerReferences": merge_by("uid"),
})

# -- core/v1 --------------------------------------------------------------------------------------

CONTAINER = Struct("Container", {
    "ports": merge_by("containerPort"),
    "env": merge_by("name"),
    "volumeMounts": merge_by("mountPath"),
    "volumeDevices": merge_by("devicePath"),
})
EPHEMERAL_CONTAINER = Struct("EphemeralContainer", dict(CONTAINER.fields))
VOLUME = Struct("Volume")

POD_SPEC = Struct("PodSpec", {
    "volumes": merge_by("name", VOLUME, retain_keys=True),
    "initContainers": merge_by("name", CONTAINER),
    "containers": merge_by("name", CONTAINER),
    "ephemeralContainers": merge_by("name", EPHEMERAL_CONTAINER),
    "imagePullSecrets": merge_by("name"),
    "hostAliases": merge_by("ip"),
    "topologySpreadConstraints": merge_by("topologyKey"),
    "schedulingGates": merge_by("name"),
    "resourceClaims": merge_by("name", retain_keys=True),
})
POD_STATUS = Struct("PodStatus", {
    "conditions": merge_by("type"),
    "podIPs": merge_by("ip"),
    "hostIPs": merge_by("ip"),
    "resourceClaimStatuses": merge_by("name", retain_keys=True),
})
POD_TEMPLATE_SPEC = Struct("PodTemplateSpec", {
    "metadata": nested(OBJECT_META),
    "spec": nested(POD_SPEC),
})


def _object(name: str, **fields: Field) -> Struct:
    """A top-level kind: ``metadata`` is an ``ObjectMeta`` plus the given fields."""
    return Struct(name, {"metadata": nested(OBJECT_META), **fields})


def _status_with_conditions(name: str) -> Field:
    """A ``status`` whose ``conditions`` merge by ``type``."""
    return nested(Struct(name, {"conditions": merge_by("type")}))


def _workload(name: str, spec_fields: dict[str, Field] | None = None) -> Struct:
    """A kind with ``spec.template`` (a pod template) and ``status.conditions``."""
    spec = Struct(f"{name}Spec", {"template": nested(POD_TEMPLATE_SPEC), **(spec_fields or {})})
    return _object(name, spec=nested(spec), status=_status_with_conditions(f"{name}Status"))


POD = _object("Pod", spec=nested(POD_SPEC), status=nested(POD_STATUS))
POD_TEMPLATE = _object("PodTemplate", template=nested(POD_TEMPLATE_SPEC))
SERVICE = _object(
    "Service",
    spec=nested(Struct("ServiceSpec", {"ports": merge_by("port")})),
    status=_status_with_conditions("ServiceStatus"),
)
NODE = _object(
    "Node",
    spec=nested(Struct("NodeSpec", {"podCIDRs": merge_primitives()})),
    status=nested(Struct("NodeStatus", {
        "conditions": merge_by("type"),
        "addresses": merge_by("type"),
    })),
)
NAMESPACE = _object("Namespace", status=_status_with_conditions("NamespaceStatus"))
SERVICE_ACCOUNT = _object("ServiceAccount", secrets=merge_by("name"))
PERSISTENT_VOLUME_CLAIM = _object(
    "PersistentVolumeClaim", status=_status_with_conditions("PersistentVolumeClaimStatus"))

# -- apps/v1, batch/v1 and friends ----------------------------------------------------------------

DEPLOYMENT = _workload("Deployment", {"strategy": retain_keys()})
JOB = _workload("Job")
CRON_JOB = _object("CronJob", spec=nested(Struct("CronJobSpec", {
    "jobTemplate": nested(Struct("JobTemplateSpec", {
        "metadata": nested(OBJECT_META),
        "spec": nested(Struct("JobSpec", {"template": nested(POD_TEMPLATE_SPEC)})),
    })),
})))

_METADATA_ONLY = (
    "Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange",
    "PersistentVolume", "ResourceQuota", "Secret",
    "ControllerRevision",
    "TokenReview", "SubjectAccessReview", "SelfSubjectAccessReview", "LocalSubjectAccessReview",
    "SelfSubjectRulesReview",
    "CertificateSigningRequest", "Lease", "EndpointSlice",
    "Ingress", "IngressClass", "NetworkPolicy",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
    "PriorityClass", "RuntimeClass",
    "CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment",
    "FlowSchema", "PriorityLevelConfiguration", "APIService",
)

#: kind → top-level struct, for every built-in kind the simulator serves.
KINDS: dict[str, Struct] = {
    "Pod": POD,
    "PodTemplate": POD_TEMPLATE,
    "ReplicationController": _workload("ReplicationController"),
    "Service": SERVICE,
    "Node": NODE,
    "Namespace": NAMESPACE,
    "ServiceAccount": SERVICE_ACCOUNT,
    "PersistentVolumeClaim": PERSISTENT_VOLUME_CLAIM,
    "Deployment": DEPLOYMENT,
    "ReplicaSet": _workload("ReplicaSet"),
    "StatefulSet": _workload("StatefulSet"),
    "DaemonSet": _workload("DaemonSet"),
    "Job": JOB,
    "CronJob": CRON_JOB,
    "HorizontalPodAutoscaler": _object(
        "HorizontalPodAutoscaler",
        status=_status_with_conditions("HorizontalPodAutoscalerStatus")),
    # policy/v1 PodDisruptionBudgetSpec.selector: ``patchStrategy:"replace"``
    "PodDisruptionBudget": _object(
        "PodDisruptionBudget",
        spec=nested(Struct("PodDisruptionBudgetSpec", {"selector": Field(strategies=(REPLACE,))})),
        status=_status_with_conditions("PodDisruptionBudgetStatus")),
    **{kind: _object(kind) for kind in _METADATA_ONLY},
}


def kind_schema(kind: str) -> Struct | None:
    """The struct of a built-in ``kind``, or ``None`` for a kind the server has no Go type for
    (a custom resource), for which upstream offers no strategic merge patch."""
    return KINDS.get(kind)
