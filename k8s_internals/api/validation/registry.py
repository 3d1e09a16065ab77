"""One entry point for the API server: :func:`validate` and :func:`validate_status_update`
dispatch on (API group, kind), as each resource's REST strategy does upstream
(``pkg/registry/<group>/<resource>/strategy.go``: ``Validate``, ``ValidateUpdate``, and the
status strategy's ``ValidateUpdate``).

Objects are validated as the API server holds them: after decoding, defaulting
(``k8s_internals.api.defaults.apply_defaults``), name generation and the strategy's
``PrepareForCreate``/``PrepareForUpdate``. A malformed quantity raises
:class:`~.quantity.QuantityParseError` (upstream's decoder answers 400 before validation).
Kinds with no validator here get an empty list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import apps, batch, core, other, policy, rbac
from .field import ErrorList, Path
from .meta import jdict, validate_kube_object_meta_update

__all__ = ["KINDS", "group_of", "validate", "validate_status_update"]

Create = Callable[[Mapping[str, Any]], ErrorList]
Update = Callable[[Mapping[str, Any], Mapping[str, Any]], ErrorList]

#: (group, kind) -> (create, update, status update).
KINDS: dict[tuple[str, str], tuple[Create, Update, Update | None]] = {
    ("", "Pod"): (core.validate_pod_create, core.validate_pod_update,
                  core.validate_pod_status_update),
    ("", "PodTemplate"): (core.validate_pod_template, core.validate_pod_template_update, None),
    ("", "ReplicationController"): (core.validate_replication_controller,
                                    core.validate_replication_controller_update,
                                    core.validate_replication_controller_status_update),
    ("", "Service"): (core.validate_service, core.validate_service_update,
                      core.validate_service_status_update),
    ("", "Namespace"): (core.validate_namespace, core.validate_namespace_update,
                        core.validate_namespace_status_update),
    ("", "ConfigMap"): (core.validate_config_map, core.validate_config_map_update, None),
    ("", "Secret"): (core.validate_secret, core.validate_secret_update, None),
    ("", "Node"): (core.validate_node, core.validate_node_update, core.validate_node_update),
    ("", "ServiceAccount"): (core.validate_service_account, core.validate_service_account_update,
                             None),
    ("", "LimitRange"): (core.validate_limit_range, core.validate_limit_range_update, None),
    ("", "ResourceQuota"): (core.validate_resource_quota, core.validate_resource_quota_update,
                            core.validate_resource_quota_status_update),
    ("", "PersistentVolume"): (core.validate_persistent_volume,
                               core.validate_persistent_volume_update,
                               core.validate_persistent_volume_status_update),
    ("", "PersistentVolumeClaim"): (core.validate_persistent_volume_claim,
                                    core.validate_persistent_volume_claim_update,
                                    core.validate_persistent_volume_claim_status_update),
    ("", "Endpoints"): (core.validate_endpoints, core.validate_endpoints_update, None),
    ("", "Event"): (core.validate_event, core.validate_event_update, None),
    # events.k8s.io/v1 is served from the core events' storage but validated as its own
    # request version (pkg/apis/core/validation/events.go ValidateEventCreate/Update)
    ("events.k8s.io", "Event"): (core.validate_events_v1_event_create,
                                 core.validate_events_v1_event_update, None),
    ("apps", "Deployment"): (apps.validate_deployment, apps.validate_deployment_update,
                             apps.validate_deployment_status_update),
    ("apps", "ReplicaSet"): (apps.validate_replica_set, apps.validate_replica_set_update,
                             apps.validate_replica_set_status_update),
    ("apps", "StatefulSet"): (apps.validate_stateful_set, apps.validate_stateful_set_update,
                              apps.validate_stateful_set_status_update),
    ("apps", "DaemonSet"): (apps.validate_daemon_set, apps.validate_daemon_set_update,
                            apps.validate_daemon_set_status_update),
    ("apps", "ControllerRevision"): (apps.validate_controller_revision,
                                     apps.validate_controller_revision_update, None),
    ("batch", "Job"): (batch.validate_job, batch.validate_job_update,
                       batch.validate_job_status_update),
    ("batch", "CronJob"): (batch.validate_cron_job, batch.validate_cron_job_update, None),
    ("rbac.authorization.k8s.io", "Role"): (rbac.validate_role, rbac.validate_role_update, None),
    ("rbac.authorization.k8s.io", "ClusterRole"): (rbac.validate_cluster_role,
                                                   rbac.validate_cluster_role_update, None),
    ("rbac.authorization.k8s.io", "RoleBinding"): (rbac.validate_role_binding,
                                                   rbac.validate_role_binding_update, None),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (
        rbac.validate_cluster_role_binding, rbac.validate_cluster_role_binding_update, None),
    ("coordination.k8s.io", "Lease"): (other.validate_lease, other.validate_lease_update, None),
    ("discovery.k8s.io", "EndpointSlice"): (other.validate_endpoint_slice,
                                            other.validate_endpoint_slice_update, None),
    ("storage.k8s.io", "StorageClass"): (other.validate_storage_class,
                                         other.validate_storage_class_update, None),
    ("policy", "PodDisruptionBudget"): (policy.validate_pod_disruption_budget,
                                        policy.validate_pod_disruption_budget_update,
                                        policy.validate_pod_disruption_budget_status_update),
}


def group_of(api_version: str) -> str:
    """The API group of an ``apiVersion``: ``apps/v1`` is ``apps``, ``v1`` is the core ``""``."""
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def validate(obj: Mapping[str, Any], old: Mapping[str, Any] | None = None) -> ErrorList:
    """Validate a create (``old`` is None) or an update of ``obj``: upstream's field errors,
    in upstream's order."""
    entry = KINDS.get((group_of(str(obj.get("apiVersion", ""))), str(obj.get("kind", ""))))
    if entry is None:
        return ErrorList()
    create, update, _ = entry
    return create(obj) if old is None else update(obj, old)


def validate_status_update(obj: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """Validate a write to the ``status`` subresource. Kinds without a status rule of their own
    get the metadata update rules, as their status strategies do."""
    entry = KINDS.get((group_of(str(obj.get("apiVersion", ""))), str(obj.get("kind", ""))))
    if entry is not None and entry[2] is not None:
        return entry[2](obj, old)
    return validate_kube_object_meta_update(jdict(obj.get("metadata")), jdict(old.get("metadata")),
                                            Path("metadata"))
