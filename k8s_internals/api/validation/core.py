"""Validation of the core (``v1``) kinds, as ``pkg/apis/core/validation/validation.go`` and
``events.go``, with the helpers of ``pkg/apis/core/helper/helpers.go`` and the service
helpers of ``pkg/api/service/util.go``.

Kinds: Pod (create, update, status), PodTemplate, ReplicationController, Service, Namespace,
ConfigMap, Secret, Node, ServiceAccount, LimitRange, ResourceQuota, PersistentVolume,
PersistentVolumeClaim, Endpoints, Event (the legacy ``v1`` rules).

Validators expect objects as the API server holds them *after* defaulting (``apply_defaults``):
like upstream, a missing ``restartPolicy`` or probe threshold is an error here, because upstream
defaulting always fills it before validation runs.

Options are those of a current cluster: relaxed environment variable names and DNS search
paths, zero-second ``sleep`` hooks, pod-level resources, privileged containers allowed (as
kubeadm, kind and minikube set ``--allow-privileged=true``).

Simplifications (upstream does more): volume sources other than emptyDir, hostPath, gitRepo,
secret, configMap, nfs, persistentVolumeClaim, downwardAPI, projected, csi, ephemeral and
image are only counted (``may not specify more than 1 volume type``), not checked field by
field; ephemeral containers are only checked for presence; Windows security options are not
checked. The diff that upstream appends to "pod updates may not change fields other than ..."
is go-cmp's text over Go structs, which go-cmp deliberately randomises; we append a diff of
JSON paths in the same ``-``/``+`` shape.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .field import (
    ErrorList,
    GoStruct,
    Path,
    duplicate,
    forbidden,
    invalid,
    not_found,
    not_supported,
    required,
    too_long,
)
from .meta import (
    FIELD_IMMUTABLE_ERROR_MSG,
    IS_NEGATIVE_ERROR_MSG,
    jbool,
    jdict,
    jint,
    jlist,
    jstr,
    normalize_json,
    validate_annotations,
    validate_immutable_field,
    validate_kube_object_meta,
    validate_kube_object_meta_update,
    validate_label_name,
    validate_label_selector,
    validate_labels,
    validate_nonnegative_field,
)
from .names import (
    NameValidator,
    dns1123_subdomain_ok,
    inclusive_range_error,
    is_config_map_key,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_dns1123_subdomain_with_underscore,
    is_http_header_name,
    is_qualified_name,
    is_relaxed_env_var_name,
    is_valid_cidr,
    is_valid_group_id,
    is_valid_ip,
    is_valid_label_value,
    is_valid_port_name,
    is_valid_port_num,
    is_valid_user_id,
    name_is_dns1035_label,
    name_is_dns_subdomain,
    name_ok,
    parse_cidr_sloppy,
    parse_ip_sloppy,
    validate_namespace_name,
    validate_service_account_name,
)
from .quantity import Quantity, parse_quantity

__all__ = [
    "POD_OPTIONS",
    "TEMPLATE_OPTIONS",
    "PodValidationOptions",
    "spec_diff",
    "validate_config_map",
    "validate_config_map_update",
    "validate_container_resource_requirements",
    "validate_dns1123_label",
    "validate_dns1123_subdomain",
    "validate_endpoints",
    "validate_endpoints_update",
    "validate_event",
    "validate_event_update",
    "validate_events_v1_event_create",
    "validate_events_v1_event_update",
    "validate_limit_range",
    "validate_limit_range_update",
    "validate_namespace",
    "validate_namespace_status_update",
    "validate_namespace_update",
    "validate_node",
    "validate_node_update",
    "validate_non_special_ip",
    "validate_persistent_volume",
    "validate_persistent_volume_claim",
    "validate_persistent_volume_claim_spec",
    "validate_persistent_volume_claim_status_update",
    "validate_persistent_volume_claim_update",
    "validate_persistent_volume_status_update",
    "validate_persistent_volume_update",
    "validate_pod_create",
    "validate_pod_spec",
    "validate_pod_status_update",
    "validate_pod_template",
    "validate_pod_template_spec",
    "validate_pod_template_update",
    "validate_pod_update",
    "validate_qualified_name",
    "validate_replication_controller",
    "validate_replication_controller_status_update",
    "validate_replication_controller_update",
    "validate_resource_quantity_value",
    "validate_resource_quota",
    "validate_resource_quota_status_update",
    "validate_resource_quota_update",
    "validate_secret",
    "validate_secret_update",
    "validate_service",
    "validate_service_account",
    "validate_service_account_update",
    "validate_service_status_update",
    "validate_service_update",
    "validate_tolerations",
]

JSON = dict[str, Any]

IS_NOT_INTEGER_ERROR_MSG = "must be an integer"
IS_NOT_POSITIVE_ERROR_MSG = "must be greater than zero"
IS_INVALID_QUOTA_RESOURCE = "must be a standard resource for quota"
FILE_MODE_ERROR_MSG = "must be a number between 0 and 0777 (octal), both inclusive"
MAX_INT32 = 2**31 - 1
#: ``core.MaxSecretSize``: 1 MiB, for Secrets and ConfigMaps.
MAX_SECRET_SIZE = 1 * 1024 * 1024

# Name validators by resource (ValidatePodName etc.).
validate_pod_name: NameValidator = name_is_dns_subdomain
validate_service_name: NameValidator = name_is_dns1035_label
validate_node_name: NameValidator = name_is_dns_subdomain
validate_secret_name: NameValidator = name_is_dns_subdomain
validate_config_map_name: NameValidator = name_is_dns_subdomain
validate_class_name: NameValidator = name_is_dns_subdomain
validate_persistent_volume_name: NameValidator = name_is_dns_subdomain


@dataclass(frozen=True)
class PodValidationOptions:
    """``PodValidationOptions``, set as a current cluster sets them for new objects."""

    resource_is_pod: bool = False
    allow_invalid_label_value_in_selector: bool = False
    allow_relaxed_environment_variable_validation: bool = True
    allow_relaxed_dns_search_validation: bool = True
    allow_pod_lifecycle_sleep_action_zero_value: bool = True
    pod_level_resources_enabled: bool = True
    allow_sidecar_resize_policy: bool = True
    allow_non_local_projected_token_path: bool = False
    allow_namespaced_sysctls_for_host_net_and_host_ipc: bool = False
    allow_privileged: bool = True


POD_OPTIONS = PodValidationOptions(resource_is_pod=True)
TEMPLATE_OPTIONS = PodValidationOptions()


def _q(value: Any) -> Quantity:
    """A quantity from JSON. A malformed one raises :class:`QuantityParseError`: upstream fails
    while decoding the request (400), before validation."""
    return parse_quantity(value)


def _ptr(v: Any) -> Any:
    """A JSON value standing for a Go pointer: ``None`` prints ``null``."""
    return v


# --------------------------------------------------------------------------------------------
# helper/helpers.go: resource names
# --------------------------------------------------------------------------------------------

_STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
_STANDARD_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
    "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports",
    "services.loadbalancers"})
_STANDARD_QUOTA_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    "pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
    "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers"})
_INTEGER_RESOURCES = frozenset({
    "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"})
_STANDARD_LIMIT_RANGE_TYPES = frozenset({"Pod", "Container", "PersistentVolumeClaim"})
_STANDARD_QUOTA_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
                          "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass")
_POD_OBJECT_COUNT_QUOTA = frozenset({"pods"})
_POD_COMPUTE_QUOTA = frozenset({"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu",
                                "requests.memory"})
_PVC_QUOTA = frozenset({"persistentvolumeclaims", "requests.storage"})


def is_huge_page_resource_name(name: str) -> bool:
    """``IsHugePageResourceName``: ``hugepages-<size>``."""
    return name.startswith("hugepages-")


def _is_quota_huge_page_resource_name(name: str) -> bool:
    return name.startswith("hugepages-") or name.startswith("requests.hugepages-")


def is_native_resource(name: str) -> bool:
    """``IsNativeResource``: unprefixed, or in ``kubernetes.io/``."""
    return "/" not in name or "kubernetes.io/" in name


def is_extended_resource_name(name: str) -> bool:
    """``IsExtendedResourceName``: e.g. ``example.com/gpu``."""
    if is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def is_overcommit_allowed(name: str) -> bool:
    """``IsOvercommitAllowed``: native and not hugepages."""
    return is_native_resource(name) and not is_huge_page_resource_name(name)


def _is_integer_resource_name(name: str) -> bool:
    return name in _INTEGER_RESOURCES or is_extended_resource_name(name)


def _validate_resource_name(value: str, path: Path) -> ErrorList:
    """``validateResourceName``."""
    errs = ErrorList(invalid(path, value, m) for m in is_qualified_name(value))
    if errs:
        return errs
    if len(value.split("/")) == 1 and not (value in _STANDARD_RESOURCES
                                           or _is_quota_huge_page_resource_name(value)):
        errs.append(invalid(path, value, "must be a standard resource type or fully qualified"))
    return errs


def _validate_container_resource_name(value: str, path: Path) -> ErrorList:
    """``validateContainerResourceName``."""
    errs = _validate_resource_name(value, path)
    if len(value.split("/")) == 1:
        if not (value in _STANDARD_CONTAINER_RESOURCES or is_huge_page_resource_name(value)):
            errs.append(invalid(path, value, "must be a standard resource for containers"))
    elif not is_native_resource(value) and not is_extended_resource_name(value):
        errs.append(invalid(path, value, "doesn't follow extended resource name standard"))
    return errs


def _validate_pod_resource_name(value: str, path: Path) -> ErrorList:
    """``validatePodResourceName``: cpu, memory and hugepages only (PodLevelResources)."""
    errs = _validate_resource_name(value, path)
    if errs:
        return errs
    if value not in ("cpu", "memory") and not is_huge_page_resource_name(value):
        errs.append(not_supported(path, value, ["cpu", "memory"]))
    return errs


def _validate_resource_quota_resource_name(value: str, path: Path) -> ErrorList:
    """``ValidateResourceQuotaResourceName``."""
    errs = _validate_resource_name(value, path)
    if len(value.split("/")) == 1 and not (value in _STANDARD_QUOTA_RESOURCES
                                           or _is_quota_huge_page_resource_name(value)):
        errs.append(invalid(path, value, IS_INVALID_QUOTA_RESOURCE))
    return errs


def validate_resource_quantity_value(resource: str, value: Quantity, path: Path) -> ErrorList:
    """``ValidateResourceQuantityValue``: not negative; a whole number for integer resources
    (object counts, extended resources)."""
    errs = ErrorList()
    if value.sign() < 0:
        errs.append(invalid(path, str(value), IS_NEGATIVE_ERROR_MSG))
    if _is_integer_resource_name(resource) and value.milli_value() % 1000 != 0:
        errs.append(invalid(path, value, IS_NOT_INTEGER_ERROR_MSG))
    return errs


def _huge_page_error(name: str, q: Quantity) -> str | None:
    """``validateResourceQuantityHugePageValue``: the value must be a multiple of the page."""
    if not is_huge_page_resource_name(name):
        return None
    try:
        page = Quantity(name[len("hugepages-"):])
    except ValueError:
        page = None
    ok = (page is not None and page.sign() > 0 and page.milli_value() % 1000 == 0
          and q.value() % page.value() == 0)
    if not ok:
        return f"{q} is not positive integer multiple of {name}"
    return None


def _validate_resource_requirements(reqs: Mapping[str, Any], name_fn: Callable[[str, Path],
                                    ErrorList], pod_claim_names: set[str],
                                    path: Path) -> ErrorList:
    """``validateResourceRequirements``: names, quantities, and requests <= limits."""
    errs = ErrorList()
    lim_path, req_path = path.child("limits"), path.child("requests")
    limits = {k: _q(v) for k, v in jdict(reqs.get("limits")).items()}
    requests = {k: _q(v) for k, v in jdict(reqs.get("requests")).items()}
    lim_cpu_mem = req_cpu_mem = lim_huge = req_huge = False
    for name, q in limits.items():
        p = lim_path.key(name)
        errs.extend(name_fn(name, p))
        errs.extend(validate_resource_quantity_value(name, q, p))
        if is_huge_page_resource_name(name):
            lim_huge = True
            msg = _huge_page_error(name, q)
            if msg:
                errs.append(invalid(p, str(q), msg))
        if name in ("cpu", "memory"):
            lim_cpu_mem = True
    for name, q in requests.items():
        p = req_path.key(name)
        errs.extend(name_fn(name, p))
        errs.extend(validate_resource_quantity_value(name, q, p))
        if name in limits:
            limit = limits[name]
            if q.cmp(limit) != 0 and not is_overcommit_allowed(name):
                errs.append(invalid(req_path, str(q),
                                    f"must be equal to {name} limit of {limit}"))
            elif q.cmp(limit) > 0:
                errs.append(invalid(req_path, str(q),
                                    f"must be less than or equal to {name} limit of {limit}"))
        elif not is_overcommit_allowed(name):
            errs.append(required(lim_path, "Limit must be set for non overcommitable resources"))
        if is_huge_page_resource_name(name):
            req_huge = True
            msg = _huge_page_error(name, q)
            if msg:
                errs.append(invalid(p, str(q), msg))
        if name in ("cpu", "memory"):
            req_cpu_mem = True
    if not lim_cpu_mem and not req_cpu_mem and (req_huge or lim_huge):
        errs.append(forbidden(path, "HugePages require cpu or memory"))
    errs.extend(_validate_resource_claim_names(jlist(reqs.get("claims")), pod_claim_names,
                                               path.child("claims")))
    return errs


def validate_container_resource_requirements(reqs: Mapping[str, Any], path: Path,
                                             pod_claim_names: set[str] | None = None
                                             ) -> ErrorList:
    """``ValidateContainerResourceRequirements``."""
    return _validate_resource_requirements(reqs, _validate_container_resource_name,
                                           pod_claim_names or set(), path)


def _validate_resource_claim_names(claims: list[Any], pod_claim_names: set[str],
                                   path: Path) -> ErrorList:
    """``validateResourceClaimNames``."""
    errs = ErrorList()
    names: set[str] = set()
    for i, claim in enumerate(claims):
        claim = jdict(claim)
        name = jstr(claim.get("name"))
        if not name:
            errs.append(required(path.index(i), ""))
            continue
        request = jstr(claim.get("request"))
        if name in names:
            errs.append(duplicate(path.index(i), name))
        else:
            key = name
            if request:
                errs.extend(validate_dns1123_label(request, path.index(i).child("request")))
                key += "/" + request
            if key in names:
                errs.append(duplicate(path.index(i), key))
            elif not request:
                for k in sorted(names):
                    if "/" in k and k.split("/", 1)[0] == name:
                        errs.append(duplicate(path.index(i), name))
            names.add(key)
        if name not in pod_claim_names:
            err = not_found(path.index(i), name)
            err.detail = "must be one of the names in pod.spec.resourceClaims"
            err.detail += (" which is empty" if not pod_claim_names
                           else ": " + ", ".join(sorted(pod_claim_names)))
            errs.append(err)
    return errs


# --------------------------------------------------------------------------------------------
# small shared checks
# --------------------------------------------------------------------------------------------


def validate_dns1123_label(value: str, path: Path) -> ErrorList:
    """``ValidateDNS1123Label``."""
    return ErrorList(invalid(path, value, m) for m in is_dns1123_label(value))


def validate_dns1123_subdomain(value: str, path: Path) -> ErrorList:
    """``ValidateDNS1123Subdomain``."""
    return ErrorList(invalid(path, value, m) for m in is_dns1123_subdomain(value))


def validate_qualified_name(value: str, path: Path) -> ErrorList:
    """``ValidateQualifiedName``."""
    return ErrorList(invalid(path, value, m) for m in is_qualified_name(value))


def _name_errors(name_fn: NameValidator, value: str, path: Path) -> ErrorList:
    return ErrorList(invalid(path, value, m) for m in name_fn(value, False))


def _port_num_or_name(port: Any, path: Path) -> ErrorList:
    """``ValidatePortNumOrName`` of an ``IntOrString``."""
    if isinstance(port, str):
        return ErrorList(invalid(path, port, m) for m in is_valid_port_name(port))
    value = jint(port)
    return ErrorList(invalid(path, value, m) for m in is_valid_port_num(value))


_SUPPORTED_PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")  # sets.List: sorted


def _path_no_backsteps(target: str, path: Path) -> ErrorList:
    """``validatePathNoBacksteps``: no ``..`` element."""
    if ".." in target.replace("\\", "/").split("/"):
        return ErrorList([invalid(path, target, "must not contain '..'")])
    return ErrorList()


def _local_descending_path(target: str, path: Path) -> ErrorList:
    """``validateLocalDescendingPath``: relative, no ``..``."""
    errs = ErrorList()
    if target.startswith("/"):
        errs.append(invalid(path, target, "must be a relative path"))
    errs.extend(_path_no_backsteps(target, path))
    return errs


def _local_non_reserved_path(target: str, path: Path) -> ErrorList:
    """``ValidateLocalNonReservedPath``: relative, no ``..``, not starting with ``..``."""
    errs = _local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(invalid(path, target, "must not start with '..'"))
    return errs


def _mode(value: Any, path: Path) -> ErrorList:
    if value is not None and not 0 <= jint(value) <= 0o777:
        return ErrorList([invalid(path, jint(value), FILE_MODE_ERROR_MSG)])
    return ErrorList()


# --------------------------------------------------------------------------------------------
# volumes
# --------------------------------------------------------------------------------------------

# (JSON key, path upstream uses in "may not specify more than 1 volume type"), in upstream order.
_VOLUME_SOURCES: tuple[tuple[str, str], ...] = (
    ("emptyDir", "emptyDir"), ("hostPath", "hostPath"), ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"), ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"), ("nfs", "nfs"), ("iscsi", "iscsi"), ("glusterfs", "glusterfs"),
    ("flocker", "flocker"), ("persistentVolumeClaim", "persistentVolumeClaim"), ("rbd", "rbd"),
    ("cinder", "cinder"), ("cephfs", "cephFS"), ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"), ("fc", "fc"), ("flexVolume", "flexVolume"),
    ("configMap", "configMap"), ("azureFile", "azureFile"), ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"), ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"), ("storageos", "storageos"), ("projected", "projected"),
    ("scaleIO", "scaleIO"), ("csi", "csi"), ("ephemeral", "ephemeral"), ("image", "image"),
)

_HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File",
                    "FileOrCreate", "Socket")
_VOLUME_DOWNWARD_API_PATHS = frozenset({"metadata.name", "metadata.namespace", "metadata.labels",
                                        "metadata.annotations", "metadata.uid"})


def _key_to_path(kp: Mapping[str, Any], path: Path) -> ErrorList:
    """``validateKeyToPath``."""
    errs = ErrorList()
    if not jstr(kp.get("key")):
        errs.append(required(path.child("key"), ""))
    target = jstr(kp.get("path"))
    if not target:
        errs.append(required(path.child("path"), ""))
    errs.extend(_local_non_reserved_path(target, path.child("path")))
    errs.extend(_mode(kp.get("mode"), path.child("mode")))
    return errs


def _validate_downward_api_file(f: Mapping[str, Any], path: Path) -> ErrorList:
    """``validateDownwardAPIVolumeFile`` (upstream passes the volume's path, not the item's)."""
    errs = ErrorList()
    target = jstr(f.get("path"))
    if not target:
        errs.append(required(path.child("path"), ""))
    errs.extend(_local_non_reserved_path(target, path.child("path")))
    if f.get("fieldRef") is not None:
        errs.extend(_object_field_selector(jdict(f.get("fieldRef")), _VOLUME_DOWNWARD_API_PATHS,
                                           path.child("fieldRef")))
        if f.get("resourceFieldRef") is not None:
            errs.append(invalid(path, "resource",
                                "fieldRef and resourceFieldRef can not be specified "
                                "simultaneously"))
    elif f.get("resourceFieldRef") is not None:
        errs.extend(_resource_field_selector(jdict(f.get("resourceFieldRef")),
                                             path.child("resourceFieldRef"), volume=True))
    else:
        errs.append(required(path, "one of fieldRef and resourceFieldRef is required"))
    errs.extend(_mode(f.get("mode"), path.child("mode")))
    return errs


def _validate_projected(proj: Mapping[str, Any], path: Path,
                        opts: PodValidationOptions) -> ErrorList:
    """``validateProjectedVolumeSource`` / ``validateProjectionSources``."""
    errs = _mode(proj.get("defaultMode"), path.child("defaultMode"))
    all_paths: set[str] = set()
    for i, source in enumerate(jlist(proj.get("sources"))):
        source = jdict(source)
        num = 0
        src_path = path.child("sources").index(i)
        for kind in ("secret", "configMap"):
            if source.get(kind) is None:
                continue
            num += 1
            s = jdict(source.get(kind))
            pp = src_path.child(kind)
            if not jstr(s.get("name")):
                errs.append(required(pp.child("name"), ""))
            for j, kp in enumerate(jlist(s.get("items"))):
                kp = jdict(kp)
                errs.extend(_key_to_path(kp, pp.child("items").index(j)))
                if jstr(kp.get("path")):
                    if jstr(kp.get("path")) in all_paths:
                        errs.append(invalid(path, jstr(s.get("name")),
                                            "conflicting duplicate paths"))
                    all_paths.add(jstr(kp.get("path")))
        if source.get("downwardAPI") is not None:
            num += 1
            pp = src_path.child("downwardAPI")
            for f in jlist(jdict(source.get("downwardAPI")).get("items")):
                f = jdict(f)
                errs.extend(_validate_downward_api_file(f, pp))
                if jstr(f.get("path")):
                    if jstr(f.get("path")) in all_paths:
                        errs.append(invalid(path, jstr(f.get("path")),
                                            "conflicting duplicate paths"))
                    all_paths.add(jstr(f.get("path")))
        if source.get("serviceAccountToken") is not None:
            num += 1
            tok = jdict(source.get("serviceAccountToken"))
            pp = src_path.child("serviceAccountToken")
            exp = jint(tok.get("expirationSeconds"))
            if exp < 10 * 60:
                errs.append(invalid(pp.child("expirationSeconds"), exp,
                                    "may not specify a duration less than 10 minutes"))
            if exp > 1 << 32:
                errs.append(invalid(pp.child("expirationSeconds"), exp,
                                    "may not specify a duration larger than 2^32 seconds"))
            if not jstr(tok.get("path")):
                errs.append(required(path.child("path"), ""))
            elif not opts.allow_non_local_projected_token_path:
                errs.extend(_local_non_reserved_path(jstr(tok.get("path")), path.child("path")))
        if source.get("clusterTrustBundle") is not None:
            num += 1
        if num > 1:
            errs.append(forbidden(src_path, "may not specify more than 1 volume type per source"))
    return errs


def _validate_volume_source(vol: Mapping[str, Any], path: Path, pod_meta: Mapping[str, Any] | None,
                            opts: PodValidationOptions) -> ErrorList:
    """``validateVolumeSource``: exactly one source, and that source's fields."""
    errs = ErrorList()
    num = 0
    vol_name = jstr(vol.get("name"))
    for key, fpath in _VOLUME_SOURCES:
        if vol.get(key) is None:
            continue
        if num > 0:
            errs.append(forbidden(path.child(fpath), "may not specify more than 1 volume type"))
            continue
        num += 1
        src = jdict(vol.get(key))
        p = path.child(key)
        if key == "emptyDir":
            limit = src.get("sizeLimit")
            if limit is not None and _q(limit).sign() < 0:
                errs.append(forbidden(p.child("sizeLimit"),
                                      "SizeLimit field must be a valid resource quantity"))
        elif key == "hostPath":
            if not jstr(src.get("path")):
                errs.append(required(p.child("path"), ""))
                continue
            errs.extend(_path_no_backsteps(jstr(src.get("path")), p.child("path")))
            htype = src.get("type")
            if htype is not None and jstr(htype) not in _HOST_PATH_TYPES:
                errs.append(not_supported(p.child("type"), htype, _HOST_PATH_TYPES))
        elif key == "gitRepo":
            if not jstr(src.get("repository")):
                errs.append(required(p.child("repository"), ""))
            errs.extend(_local_descending_path(jstr(src.get("directory")), p.child("directory")))
        elif key == "secret":
            if not jstr(src.get("secretName")):
                errs.append(required(p.child("secretName"), ""))
            errs.extend(_mode(src.get("defaultMode"), p.child("defaultMode")))
            for j, kp in enumerate(jlist(src.get("items"))):
                errs.extend(_key_to_path(jdict(kp), p.child("items").index(j)))
        elif key == "configMap":
            if not jstr(src.get("name")):
                errs.append(required(p.child("name"), ""))
            errs.extend(_mode(src.get("defaultMode"), p.child("defaultMode")))
            for j, kp in enumerate(jlist(src.get("items"))):
                errs.extend(_key_to_path(jdict(kp), p.child("items").index(j)))
        elif key == "nfs":
            if not jstr(src.get("server")):
                errs.append(required(p.child("server"), ""))
            if not jstr(src.get("path")):
                errs.append(required(p.child("path"), ""))
            if not jstr(src.get("path")).startswith("/"):
                errs.append(invalid(p.child("path"), jstr(src.get("path")),
                                    "must be an absolute path"))
        elif key == "persistentVolumeClaim":
            if not jstr(src.get("claimName")):
                errs.append(required(p.child("claimName"), ""))
        elif key == "downwardAPI":
            errs.extend(_mode(src.get("defaultMode"), p.child("defaultMode")))
            for f in jlist(src.get("items")):
                errs.extend(_validate_downward_api_file(jdict(f), p))
        elif key == "projected":
            errs.extend(_validate_projected(src, p, opts))
        elif key == "csi":
            errs.extend(_validate_csi_driver_name(jstr(src.get("driver")), p.child("driver")))
            ref = src.get("nodePublishSecretRef")
            if ref is not None:
                ref_name = jstr(jdict(ref).get("name"))
                if not ref_name:
                    errs.append(required(p.child("nodePublishSecretRef", "name"), ""))
                else:
                    errs.extend(_name_errors(validate_secret_name, ref_name, p.child("name")))
        elif key == "ephemeral":
            tmpl = src.get("volumeClaimTemplate")
            if tmpl is None:
                errs.append(required(p.child("volumeClaimTemplate"), ""))
            else:
                errs.extend(_validate_pvc_template(jdict(tmpl), p.child("volumeClaimTemplate")))
                pod_name = jstr(jdict(pod_meta).get("name")) if pod_meta is not None else ""
                if pod_name and vol_name:
                    pvc_name = f"{pod_name}-{vol_name}"
                    for msg in validate_persistent_volume_name(pvc_name, False):
                        errs.append(invalid(path.child("name"), vol_name,
                                            f"PVC name {json.dumps(pvc_name)}: {msg}"))
        elif key == "image":
            if opts.resource_is_pod and not jstr(src.get("reference")):
                errs.append(required(p.child("reference"), ""))
            errs.extend(_pull_policy(jstr(src.get("pullPolicy")), p.child("pullPolicy")))
    if num == 0:
        errs.append(required(path, "must specify a volume type"))
    return errs


def _validate_volumes(volumes: list[Any], pod_meta: Mapping[str, Any] | None, path: Path,
                      opts: PodValidationOptions) -> tuple[dict[str, JSON], ErrorList]:
    """``ValidateVolumes``: returns the valid volumes by name, and the errors."""
    errs = ErrorList()
    names: set[str] = set()
    created_pvcs: set[str] = set()
    pod_name = jstr(jdict(pod_meta).get("name")) if pod_meta is not None else ""
    if pod_name:
        for v in volumes:
            v = jdict(v)
            if v.get("ephemeral") is not None:
                created_pvcs.add(pod_name + "-" + jstr(v.get("name")))
    vols: dict[str, JSON] = {}
    for i, vol in enumerate(volumes):
        vol = jdict(vol)
        idx = path.index(i)
        name_path = idx.child("name")
        el = _validate_volume_source(vol, idx, pod_meta, opts)
        name = jstr(vol.get("name"))
        if not name:
            el.append(required(name_path, ""))
        else:
            el.extend(validate_dns1123_label(name, name_path))
        if name in names:
            el.append(duplicate(name_path, name))
        if not el:
            names.add(name)
            vols[name] = vol
        else:
            errs.extend(el)
        claim = jdict(vol.get("persistentVolumeClaim"))
        if vol.get("persistentVolumeClaim") is not None and \
                jstr(claim.get("claimName")) in created_pvcs:
            errs.append(invalid(idx.child("persistentVolumeClaim").child("claimName"),
                                jstr(claim.get("claimName")),
                                "must not reference a PVC that gets created for an ephemeral "
                                "volume"))
    return vols, errs


def _validate_csi_driver_name(driver: str, path: Path) -> ErrorList:
    """``ValidateCSIDriverName``."""
    errs = ErrorList()
    if not driver:
        errs.append(required(path, ""))
    if len(driver) > 63:
        errs.append(too_long(path, 63))
    errs.extend(invalid(path, driver, m) for m in is_dns1123_subdomain(driver.lower()))
    return errs


_TEMPLATE_META_FORBIDDEN = (("name", "name"), ("generateName", "generateName"),
                            ("namespace", "namespace"), ("selfLink", "selfLink"), ("uid", "uID"),
                            ("resourceVersion", "resourceVersion"), ("generation", "generation"),
                            ("creationTimestamp", "creationTimestamp"),
                            ("deletionTimestamp", "deletionTimestamp"),
                            ("deletionGracePeriodSeconds", "deletionGracePeriodSeconds"),
                            ("ownerReferences", "ownerReferences"), ("finalizers", "finalizers"),
                            ("managedFields", "managedFields"))


def _validate_template_object_meta(meta: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateTemplateObjectMeta``: only labels and annotations may be set."""
    errs = validate_annotations(jdict(meta.get("annotations")), path.child("annotations"))
    errs.extend(validate_labels(jdict(meta.get("labels")), path.child("labels")))
    for key, lc_name in _TEMPLATE_META_FORBIDDEN:
        if meta.get(key) not in (None, "", 0, [], {}):
            errs.append(forbidden(path.child(lc_name), "cannot be set"))
    return errs


def _validate_pvc_template(tmpl: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidatePersistentVolumeClaimTemplate``."""
    errs = _validate_template_object_meta(jdict(tmpl.get("metadata")), path.child("metadata"))
    errs.extend(validate_persistent_volume_claim_spec(jdict(tmpl.get("spec")), path.child("spec")))
    return errs


# --------------------------------------------------------------------------------------------
# containers
# --------------------------------------------------------------------------------------------

_ENV_DOWNWARD_API_PATHS = frozenset({"metadata.name", "metadata.namespace", "metadata.uid",
                                     "spec.nodeName", "spec.serviceAccountName", "status.hostIP",
                                     "status.hostIPs", "status.podIP", "status.podIPs"})
_CONTAINER_RESOURCE_FIELD_PATHS = ("limits.cpu", "limits.ephemeral-storage", "limits.memory",
                                   "requests.cpu", "requests.ephemeral-storage",
                                   "requests.memory")
_DOWNWARD_API_LABELS = frozenset({
    "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
    "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
    "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP",
    "status.podIPs"})
_MEMORY_DIVISORS = frozenset({"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti",
                              "1Pi", "1Ei"})


def _split_maybe_subscripted_path(field_path: str) -> tuple[str, str, bool]:
    """``fieldpath.SplitMaybeSubscriptedPath``: ``metadata.labels['app']``."""
    if not field_path.endswith("']"):
        return field_path, "", False
    parts = field_path[:-2].split("['", 1)
    if len(parts) < 2 or not parts[0]:
        return field_path, "", False
    return parts[0], parts[1], True


def _convert_downward_api_field_label(version: str, label: str) -> tuple[str, str | None]:
    """``podshelper.ConvertDownwardAPIFieldLabel``: (internal path, error)."""
    if version != "v1":
        return "", f"unsupported pod version: {version}"
    path, _, ok = _split_maybe_subscripted_path(label)
    if ok:
        if path in ("metadata.annotations", "metadata.labels"):
            return label, None
        return "", f"field label does not support subscript: {label}"
    if label in _DOWNWARD_API_LABELS:
        return label, None
    if label == "spec.host":
        return "spec.nodeName", None
    return "", f"field label not supported: {label}"


def _object_field_selector(fs: Mapping[str, Any], expressions: frozenset[str],
                           path: Path) -> ErrorList:
    """``validateObjectFieldSelector``."""
    errs = ErrorList()
    api_version = jstr(fs.get("apiVersion"))
    field_path = jstr(fs.get("fieldPath"))
    if not api_version:
        return ErrorList([required(path.child("apiVersion"), "")])
    if not field_path:
        return ErrorList([required(path.child("fieldPath"), "")])
    internal, err = _convert_downward_api_field_label(api_version, field_path)
    if err is not None:
        return ErrorList([invalid(path.child("fieldPath"), field_path,
                                  f"error converting fieldPath: {err}")])
    p, subscript, ok = _split_maybe_subscripted_path(internal)
    if ok:
        if p == "metadata.annotations":
            errs.extend(validate_qualified_name(subscript.lower(), path))
        elif p == "metadata.labels":
            errs.extend(validate_qualified_name(subscript, path))
        else:
            errs.append(invalid(path, p, "does not support subscript"))
    elif p not in expressions:
        errs.append(not_supported(path.child("fieldPath"), p, sorted(expressions)))
    return errs


def _resource_field_selector(fs: Mapping[str, Any], path: Path, volume: bool) -> ErrorList:
    """``validateContainerResourceFieldSelector`` and ``validateContainerResourceDivisor``."""
    errs = ErrorList()
    resource = jstr(fs.get("resource"))
    if volume and not jstr(fs.get("containerName")):
        errs.append(required(path.child("containerName"), ""))
    elif not resource:
        errs.append(required(path.child("resource"), ""))
    elif resource not in _CONTAINER_RESOURCE_FIELD_PATHS and not (
            resource.startswith("requests.hugepages-") or resource.startswith("limits.hugepages-")):
        errs.append(not_supported(path.child("resource"), resource,
                                  _CONTAINER_RESOURCE_FIELD_PATHS))
    divisor = fs.get("divisor")
    if divisor is None or _q(divisor).is_zero():
        return errs
    d = str(_q(divisor))
    if resource in ("limits.cpu", "requests.cpu") and d not in ("1m", "1"):
        errs.append(invalid(path.child("divisor"), resource,
                            "only divisor's values 1m and 1 are supported with the cpu resource"))
    elif resource in ("limits.memory", "requests.memory") and d not in _MEMORY_DIVISORS:
        errs.append(invalid(path.child("divisor"), resource,
                            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, "
                            "1Pi, 1Ei are supported with the memory resource"))
    elif resource in ("limits.ephemeral-storage", "requests.ephemeral-storage") and \
            d not in _MEMORY_DIVISORS:
        errs.append(invalid(path.child("divisor"), resource,
                            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, "
                            "1Pi, 1Ei are supported with the local ephemeral storage resource"))
    if (resource.startswith("requests.hugepages-") or resource.startswith("limits.hugepages-")) \
            and d not in _MEMORY_DIVISORS:
        errs.append(invalid(path.child("divisor"), resource,
                            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, "
                            "1Pi, 1Ei are supported with the hugepages resource"))
    return errs


def _key_selector(s: Mapping[str, Any], path: Path) -> ErrorList:
    """``validateConfigMapKeySelector`` / ``validateSecretKeySelector`` (both use the secret
    name rule, even on an empty name)."""
    name = jstr(s.get("name"))
    errs = _name_errors(validate_secret_name, name, path.child("name"))
    key = jstr(s.get("key"))
    if not key:
        errs.append(required(path.child("key"), ""))
    else:
        errs.extend(invalid(path.child("key"), key, m) for m in is_config_map_key(key))
    return errs


def _validate_env(env: list[Any], path: Path) -> ErrorList:
    """``ValidateEnv`` (relaxed names: any printable ASCII but ``=``)."""
    errs = ErrorList()
    for i, ev in enumerate(env):
        ev = jdict(ev)
        idx = path.index(i)
        name = jstr(ev.get("name"))
        if not name:
            errs.append(required(idx.child("name"), ""))
        else:
            errs.extend(invalid(idx.child("name"), name, m) for m in is_relaxed_env_var_name(name))
        vf = ev.get("valueFrom")
        if vf is None:
            continue
        vf = jdict(vf)
        vpath = idx.child("valueFrom")
        num = 0
        if vf.get("fieldRef") is not None:
            num += 1
            errs.extend(_object_field_selector(jdict(vf.get("fieldRef")),
                                               _ENV_DOWNWARD_API_PATHS, vpath.child("fieldRef")))
        if vf.get("resourceFieldRef") is not None:
            num += 1
            errs.extend(_resource_field_selector(jdict(vf.get("resourceFieldRef")),
                                                 vpath.child("resourceFieldRef"), volume=False))
        if vf.get("configMapKeyRef") is not None:
            num += 1
            errs.extend(_key_selector(jdict(vf.get("configMapKeyRef")),
                                      vpath.child("configMapKeyRef")))
        if vf.get("secretKeyRef") is not None:
            num += 1
            errs.extend(_key_selector(jdict(vf.get("secretKeyRef")), vpath.child("secretKeyRef")))
        if num == 0:
            errs.append(invalid(vpath, "", "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                           "`configMapKeyRef` or `secretKeyRef`"))
        elif jstr(ev.get("value")):
            errs.append(invalid(vpath, "", "may not be specified when `value` is not empty"))
        elif num > 1:
            errs.append(invalid(vpath, "", "may not have more than one field specified at a time"))
    return errs


def _validate_env_from(env_from: list[Any], path: Path) -> ErrorList:
    """``ValidateEnvFrom``."""
    errs = ErrorList()
    for i, ev in enumerate(env_from):
        ev = jdict(ev)
        idx = path.index(i)
        prefix = jstr(ev.get("prefix"))
        if prefix:
            errs.extend(invalid(idx.child("prefix"), prefix, m)
                        for m in is_relaxed_env_var_name(prefix))
        num = 0
        for key, fn in (("configMapRef", validate_config_map_name),
                        ("secretRef", validate_secret_name)):
            if ev.get(key) is None:
                continue
            num += 1
            name = jstr(jdict(ev.get(key)).get("name"))
            if not name:
                errs.append(required(idx.child(key).child("name"), ""))
            else:
                errs.extend(invalid(idx.child(key).child("name"), name, m) for m in fn(name, True))
        if num == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif num > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_container_ports(ports: list[Any], path: Path) -> ErrorList:
    """``validateContainerPorts``."""
    errs = ErrorList()
    names: set[str] = set()
    for i, port in enumerate(ports):
        port = jdict(port)
        idx = path.index(i)
        name = jstr(port.get("name"))
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs.extend(invalid(idx.child("name"), name, m) for m in msgs)
            elif name in names:
                errs.append(duplicate(idx.child("name"), name))
            else:
                names.add(name)
        cport = jint(port.get("containerPort"))
        if cport == 0:
            errs.append(required(idx.child("containerPort"), ""))
        else:
            errs.extend(invalid(idx.child("containerPort"), cport, m)
                        for m in is_valid_port_num(cport))
        hport = jint(port.get("hostPort"))
        if hport != 0:
            errs.extend(invalid(idx.child("hostPort"), hport, m) for m in is_valid_port_num(hport))
        protocol = jstr(port.get("protocol"))
        if not protocol:
            errs.append(required(idx.child("protocol"), ""))
        elif protocol not in _SUPPORTED_PORT_PROTOCOLS:
            errs.append(not_supported(idx.child("protocol"), protocol, _SUPPORTED_PORT_PROTOCOLS))
    return errs


def _validate_volume_mounts(mounts: list[Any], devices: Mapping[str, str],
                            volumes: Mapping[str, JSON], ctr: Mapping[str, Any],
                            path: Path) -> ErrorList:
    """``ValidateVolumeMounts``: each mount names a volume of the pod."""
    errs = ErrorList()
    mountpoints: set[str] = set()
    for i, mnt in enumerate(mounts):
        mnt = jdict(mnt)
        idx = path.index(i)
        name = jstr(mnt.get("name"))
        mpath = jstr(mnt.get("mountPath"))
        if not name:
            errs.append(required(idx.child("name"), ""))
        if name not in volumes:
            errs.append(not_found(idx.child("name"), name))
        if not mpath:
            errs.append(required(idx.child("mountPath"), ""))
        if mpath in mountpoints:
            errs.append(invalid(idx.child("mountPath"), mpath, "must be unique"))
        mountpoints.add(mpath)
        if name in devices:
            errs.append(invalid(idx.child("name"), name, "must not already exist in volumeDevices"))
        if mpath in devices.values():
            errs.append(invalid(idx.child("mountPath"), mpath,
                                "must not already exist as a path in volumeDevices"))
        sub_path, sub_expr = jstr(mnt.get("subPath")), jstr(mnt.get("subPathExpr"))
        if name in volumes and volumes[name].get("image") is not None:
            if sub_path:
                errs.append(invalid(idx.child("subPath"), sub_path,
                                    "not allowed in image volume sources"))
            if sub_expr:
                errs.append(invalid(idx.child("subPathExpr"), sub_expr,
                                    "not allowed in image volume sources"))
        if sub_path:
            errs.extend(_local_descending_path(sub_path, path.child("subPath")))
        if sub_expr:
            if sub_path:
                errs.append(invalid(idx.child("subPathExpr"), sub_expr,
                                    "subPathExpr and subPath are mutually exclusive"))
            errs.extend(_local_descending_path(sub_expr, path.child("subPathExpr")))
        prop = mnt.get("mountPropagation")
        if prop is not None:
            errs.extend(_mount_propagation(jstr(prop), ctr, path.child("mountPropagation")))
        rro = mnt.get("recursiveReadOnly")
        if rro is not None:
            rpath = path.child("recursiveReadOnly")
            if jstr(rro) in ("Enabled", "IfPossible"):
                if not jbool(mnt.get("readOnly")):
                    errs.append(forbidden(rpath, "may only be specified when readOnly is true"))
                if prop is not None and jstr(prop) != "None":
                    errs.append(forbidden(rpath, "may only be specified when mountPropagation "
                                                 "is None or not specified"))
            elif jstr(rro) != "Disabled":
                errs.append(not_supported(rpath, jstr(rro), ["Disabled", "Enabled", "IfPossible"]))
    return errs


def _mount_propagation(prop: str, ctr: Mapping[str, Any], path: Path) -> ErrorList:
    """``validateMountPropagation``."""
    errs = ErrorList()
    supported = ("Bidirectional", "HostToContainer", "None")
    if prop not in supported:
        errs.append(not_supported(path, prop, supported))
    privileged = jbool(jdict(ctr.get("securityContext")).get("privileged"))
    if prop == "Bidirectional" and not privileged:
        errs.append(forbidden(path, "Bidirectional mount propagation is available only to "
                                    "privileged containers"))
    return errs


def _validate_volume_devices(devices: list[Any], mounts: Mapping[str, str],
                             volumes: Mapping[str, JSON], path: Path) -> ErrorList:
    """``ValidateVolumeDevices``: block devices need a PVC or ephemeral volume."""
    errs = ErrorList()
    paths: set[str] = set()
    names: set[str] = set()
    for i, dev in enumerate(devices):
        dev = jdict(dev)
        idx = path.index(i)
        name, dpath = jstr(dev.get("name")), jstr(dev.get("devicePath"))
        vol = volumes.get(name)
        matched = vol is not None
        is_pvc = matched and (vol.get("persistentVolumeClaim") is not None  # type: ignore[union-attr]
                              or vol.get("ephemeral") is not None)  # type: ignore[union-attr]
        if not name:
            errs.append(required(idx.child("name"), ""))
        if name in names:
            errs.append(invalid(idx.child("name"), name, "must be unique"))
        if matched and not is_pvc:
            errs.append(invalid(idx.child("name"), name, "can only use volume source type of "
                                                         "PersistentVolumeClaim or Ephemeral for "
                                                         "block mode"))
        if not matched:
            errs.append(not_found(idx.child("name"), name))
        if not dpath:
            errs.append(required(idx.child("devicePath"), ""))
        if dpath in paths:
            errs.append(invalid(idx.child("devicePath"), dpath, "must be unique"))
        if dpath and _path_no_backsteps(dpath, path):
            errs.append(invalid(idx.child("devicePath"), dpath, "can not contain backsteps ('..')"))
        else:
            paths.add(dpath)
        if name in mounts:
            errs.append(invalid(idx.child("name"), name, "must not already exist in volumeMounts"))
        if dpath in mounts.values():
            errs.append(invalid(idx.child("devicePath"), dpath,
                                "must not already exist as a path in volumeMounts"))
        if name:
            names.add(name)
    return errs


def _pull_policy(policy: str, path: Path) -> ErrorList:
    """``validatePullPolicy``."""
    if policy in ("Always", "IfNotPresent", "Never"):
        return ErrorList()
    if not policy:
        return ErrorList([required(path, "")])
    return ErrorList([not_supported(path, policy, ["Always", "IfNotPresent", "Never"])])


def _validate_handler(handler: Mapping[str, Any], kinds: Sequence[str], grace: int | None,
                      path: Path) -> ErrorList:
    """``validateHandler``: exactly one of exec, httpGet, tcpSocket, grpc, sleep."""
    errs = ErrorList()
    num = 0
    for kind in ("exec", "httpGet", "tcpSocket", "grpc", "sleep"):
        if kind not in kinds or handler.get(kind) is None:
            continue
        if num > 0:
            errs.append(forbidden(path.child(kind), "may not specify more than 1 handler type"))
            continue
        num += 1
        h = jdict(handler.get(kind))
        p = path.child(kind)
        if kind == "exec":
            if not jlist(h.get("command")):
                errs.append(required(p.child("command"), ""))
        elif kind == "httpGet":
            if not jstr(h.get("path")):
                errs.append(required(p.child("path"), ""))
            errs.extend(_port_num_or_name(h.get("port"), p.child("port")))
            scheme = jstr(h.get("scheme"))
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(not_supported(p.child("scheme"), scheme, ["HTTP", "HTTPS"]))
            for header in jlist(h.get("httpHeaders")):
                hname = jstr(jdict(header).get("name"))
                errs.extend(invalid(p.child("httpHeaders"), hname, m)
                            for m in is_http_header_name(hname))
        elif kind == "tcpSocket":
            errs.extend(_port_num_or_name(h.get("port"), p.child("port")))
        elif kind == "grpc":
            errs.extend(_port_num_or_name(jint(h.get("port")), p.child("port")))
        elif kind == "sleep":
            seconds = jint(h.get("seconds"))
            if grace is not None and (seconds < 0 or seconds > grace):
                errs.append(invalid(p, seconds, "must be non-negative and less than "
                                                f"terminationGracePeriodSeconds ({grace})"))
    if num == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def _validate_probe(probe: Mapping[str, Any], grace: int | None, path: Path) -> ErrorList:
    """``validateProbe``."""
    errs = _validate_handler(probe, _PROBE_HANDLERS, grace, path)
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                "failureThreshold"):
        errs.extend(validate_nonnegative_field(jint(probe.get(key)), path.child(key)))
    tgps = probe.get("terminationGracePeriodSeconds")
    if tgps is not None and jint(tgps) <= 0:
        errs.append(invalid(path.child("terminationGracePeriodSeconds"), jint(tgps),
                            "must be greater than 0"))
    return errs


def _validate_probes(ctr: Mapping[str, Any], grace: int | None, path: Path) -> ErrorList:
    """``validateLivenessProbe``, ``validateReadinessProbe``, ``validateStartupProbe``."""
    errs = ErrorList()
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = ctr.get(key)
        if probe is None:
            continue
        probe = jdict(probe)
        p = path.child(key)
        errs.extend(_validate_probe(probe, grace, p))
        if key == "readinessProbe":
            if probe.get("terminationGracePeriodSeconds") is not None:
                errs.append(invalid(p.child("terminationGracePeriodSeconds"),
                                    probe.get("terminationGracePeriodSeconds"),
                                    "must not be set for readinessProbes"))
        elif jint(probe.get("successThreshold")) != 1:
            errs.append(invalid(p.child("successThreshold"), jint(probe.get("successThreshold")),
                                "must be 1"))
    return errs


def _validate_lifecycle(lifecycle: Mapping[str, Any], grace: int | None,
                        path: Path) -> ErrorList:
    """``validateLifecycle``."""
    errs = ErrorList()
    for key in ("postStart", "preStop"):
        if lifecycle.get(key) is not None:
            errs.extend(_validate_handler(jdict(lifecycle.get(key)), _LIFECYCLE_HANDLERS, grace,
                                          path.child(key)))
    return errs


def _validate_resize_policy(policies: list[Any], path: Path, restart_policy: str) -> ErrorList:
    """``validateResizePolicy``."""
    errs = ErrorList()
    seen: set[str] = set()
    for i, p in enumerate(policies):
        p = jdict(p)
        rname, rpolicy = jstr(p.get("resourceName")), jstr(p.get("restartPolicy"))
        if rname in seen:
            errs.append(duplicate(path.index(i), rname))
        seen.add(rname)
        if rname not in ("cpu", "memory"):
            errs.append(required(path, "") if not rname
                        else not_supported(path, rname, ["cpu", "memory"]))
        if rpolicy not in ("NotRequired", "RestartContainer"):
            errs.append(required(path, "") if not rpolicy
                        else not_supported(path, rpolicy, ["NotRequired", "RestartContainer"]))
        if restart_policy == "Never" and rpolicy != "NotRequired":
            errs.append(invalid(path, rpolicy, "must be 'NotRequired' when `restartPolicy` is "
                                               "'Never'"))
    return errs


def _seccomp_profile(sp: Any, path: Path) -> ErrorList:
    """``validateSeccompProfileField``."""
    errs = ErrorList()
    if sp is None:
        return errs
    sp = jdict(sp)
    stype = jstr(sp.get("type"))
    if not stype:
        errs.append(required(path.child("type"), "type is required when seccompProfile is set"))
    elif stype not in ("Localhost", "RuntimeDefault", "Unconfined"):
        errs.append(not_supported(path.child("type"), stype,
                                  ["Localhost", "RuntimeDefault", "Unconfined"]))
    if stype == "Localhost":
        if sp.get("localhostProfile") is None:
            errs.append(required(path.child("localhostProfile"),
                                 "must be set when seccomp type is Localhost"))
        else:
            errs.extend(_local_descending_path(jstr(sp.get("localhostProfile")),
                                               path.child("localhostProfile")))
    elif sp.get("localhostProfile") is not None:
        errs.append(invalid(path.child("localhostProfile"),
                            GoStruct(Type=stype, LocalhostProfile=sp.get("localhostProfile")),
                            "can only be set when seccomp type is Localhost"))
    return errs


def _app_armor_profile(profile: Any, path: Path) -> ErrorList:
    """``ValidateAppArmorProfileField``."""
    errs = ErrorList()
    if profile is None:
        return errs
    profile = jdict(profile)
    ptype = jstr(profile.get("type"))
    local = profile.get("localhostProfile")
    if ptype == "Localhost":
        if local is None:
            errs.append(required(path.child("localhostProfile"),
                                 "must be set when AppArmor type is Localhost"))
        else:
            text = jstr(local)
            if text.strip() != text:
                errs.append(invalid(path.child("localhostProfile"), text,
                                    "must not be padded with whitespace"))
            elif not text:
                errs.append(required(path.child("localhostProfile"),
                                     "must be set when AppArmor type is Localhost"))
            if len(text) > 4095:
                errs.append(too_long(path.child("localhostProfile"), 4095))
    elif ptype in ("RuntimeDefault", "Unconfined"):
        if local is not None:
            errs.append(invalid(path.child("localhostProfile"), local,
                                "can only be set when AppArmor type is Localhost"))
    elif not ptype:
        errs.append(required(path.child("type"), "type is required when appArmorProfile is set"))
    else:
        errs.append(not_supported(path.child("type"), ptype,
                                  ["Localhost", "RuntimeDefault", "Unconfined"]))
    return errs


_SECURITY_CONTEXT_GO_FIELDS = (
    ("capabilities", "Capabilities"), ("privileged", "Privileged"),
    ("seLinuxOptions", "SELinuxOptions"), ("windowsOptions", "WindowsOptions"),
    ("runAsUser", "RunAsUser"), ("runAsGroup", "RunAsGroup"), ("runAsNonRoot", "RunAsNonRoot"),
    ("readOnlyRootFilesystem", "ReadOnlyRootFilesystem"),
    ("allowPrivilegeEscalation", "AllowPrivilegeEscalation"), ("procMount", "ProcMount"),
    ("seccompProfile", "SeccompProfile"), ("appArmorProfile", "AppArmorProfile"))


def _go_security_context(sc: Mapping[str, Any]) -> GoStruct:
    """The internal ``core.SecurityContext`` as ``encoding/json`` prints it (Go field names)."""
    out = GoStruct()
    for key, go in _SECURITY_CONTEXT_GO_FIELDS:
        value = sc.get(key)
        if key == "capabilities" and value is not None:
            caps = jdict(value)
            value = GoStruct(Add=caps.get("add"), Drop=caps.get("drop"))
        out[go] = value
    return out


def _validate_security_context(sc: Any, path: Path, host_users: bool,
                               opts: PodValidationOptions) -> ErrorList:
    """``ValidateSecurityContext`` (container)."""
    errs = ErrorList()
    if sc is None:
        return errs
    sc = jdict(sc)
    if jbool(sc.get("privileged")) and not opts.allow_privileged:
        errs.append(forbidden(path.child("privileged"), "disallowed by cluster policy"))
    for key, check in (("runAsUser", is_valid_user_id), ("runAsGroup", is_valid_group_id)):
        if sc.get(key) is not None:
            errs.extend(invalid(path.child(key), jint(sc.get(key)), m)
                        for m in check(jint(sc.get(key))))
    proc = sc.get("procMount")
    if proc is not None:
        if jstr(proc) not in ("Default", "Unmasked"):
            errs.append(not_supported(path.child("procMount"), jstr(proc), ["Default", "Unmasked"]))
        if host_users and jstr(proc) == "Unmasked":
            errs.append(invalid(path.child("procMount"), jstr(proc),
                                "`hostUsers` must be false to use `Unmasked`"))
    errs.extend(_seccomp_profile(sc.get("seccompProfile"), path.child("seccompProfile")))
    if sc.get("allowPrivilegeEscalation") is False:
        if jbool(sc.get("privileged")):
            errs.append(invalid(path, _go_security_context(sc),
                                "cannot set `allowPrivilegeEscalation` to false and `privileged` "
                                "to true"))
        for cap in jlist(jdict(sc.get("capabilities")).get("add")):
            if cap == "CAP_SYS_ADMIN":
                errs.append(invalid(path, _go_security_context(sc),
                                    "cannot set `allowPrivilegeEscalation` to false and "
                                    "`capabilities.Add` CAP_SYS_ADMIN"))
    errs.extend(_app_armor_profile(sc.get("appArmorProfile"), path.child("appArmorProfile")))
    return errs


def _validate_container_common(ctr: Mapping[str, Any], volumes: Mapping[str, JSON],
                               claim_names: set[str], path: Path, opts: PodValidationOptions,
                               restart_policy: str, host_users: bool) -> ErrorList:
    """``validateContainerCommon``: name, image, terminationMessagePolicy, ports, env, mounts,
    pull policy, resources, resize policy, security context."""
    errs = ErrorList()
    name = jstr(ctr.get("name"))
    if not name:
        errs.append(required(path.child("name"), ""))
    else:
        errs.extend(validate_dns1123_label(name, path.child("name")))
    if not jstr(ctr.get("image")):
        errs.append(required(path.child("image"), ""))
    tmp = jstr(ctr.get("terminationMessagePolicy"))
    if not tmp:
        errs.append(required(path.child("terminationMessagePolicy"), ""))
    elif tmp not in ("File", "FallbackToLogsOnError"):
        errs.append(not_supported(path.child("terminationMessagePolicy"), tmp,
                                  ["File", "FallbackToLogsOnError"]))
    mounts = {jstr(jdict(m).get("name")): jstr(jdict(m).get("mountPath"))
              for m in jlist(ctr.get("volumeMounts"))}
    devices = {jstr(jdict(d).get("name")): jstr(jdict(d).get("devicePath"))
               for d in jlist(ctr.get("volumeDevices"))}
    errs.extend(_validate_container_ports(jlist(ctr.get("ports")), path.child("ports")))
    errs.extend(_validate_env(jlist(ctr.get("env")), path.child("env")))
    errs.extend(_validate_env_from(jlist(ctr.get("envFrom")), path.child("envFrom")))
    errs.extend(_validate_volume_mounts(jlist(ctr.get("volumeMounts")), devices, volumes, ctr,
                                        path.child("volumeMounts")))
    errs.extend(_validate_volume_devices(jlist(ctr.get("volumeDevices")), mounts, volumes,
                                         path.child("volumeDevices")))
    errs.extend(_pull_policy(jstr(ctr.get("imagePullPolicy")), path.child("imagePullPolicy")))
    errs.extend(_validate_resource_requirements(jdict(ctr.get("resources")),
                                                _validate_container_resource_name, claim_names,
                                                path.child("resources")))
    errs.extend(_validate_resize_policy(jlist(ctr.get("resizePolicy")), path.child("resizePolicy"),
                                        restart_policy))
    errs.extend(_validate_security_context(ctr.get("securityContext"),
                                           path.child("securityContext"), host_users, opts))
    return errs


def _host_port_conflicts(containers: list[Any], path: Path, seen: set[str] | None = None
                         ) -> ErrorList:
    """``AccumulateUniqueHostPorts``: ``<protocol>/<hostIP>/<hostPort>`` must be unique."""
    errs = ErrorList()
    seen = set() if seen is None else seen
    for ci, ctr in enumerate(containers):
        for pi, port in enumerate(jlist(jdict(ctr).get("ports"))):
            port = jdict(port)
            hp = jint(port.get("hostPort"))
            if hp == 0:
                continue
            key = f"{jstr(port.get('protocol'))}/{jstr(port.get('hostIP'))}/{hp}"
            if key in seen:
                errs.append(duplicate(path.index(ci).child("ports").index(pi).child("hostPort"),
                                      key))
            else:
                seen.add(key)
    return errs


def _validate_containers(containers: list[Any], volumes: Mapping[str, JSON],
                         claim_names: set[str], grace: int | None, path: Path,
                         opts: PodValidationOptions, restart_policy: str,
                         host_users: bool) -> ErrorList:
    """``validateContainers``: at least one; names unique; probes and lifecycle."""
    errs = ErrorList()
    if not containers:
        return ErrorList([required(path, "")])
    names: set[str] = set()
    for i, ctr in enumerate(containers):
        ctr = jdict(ctr)
        p = path.index(i)
        errs.extend(_validate_container_common(ctr, volumes, claim_names, p, opts, restart_policy,
                                               host_users))
        name = jstr(ctr.get("name"))
        if name in names:
            errs.append(duplicate(p.child("name"), name))
        else:
            names.add(name)
        if ctr.get("lifecycle") is not None:
            errs.extend(_validate_lifecycle(jdict(ctr.get("lifecycle")), grace,
                                            p.child("lifecycle")))
        errs.extend(_validate_probes(ctr, grace, p))
        if ctr.get("restartPolicy") is not None:
            errs.append(forbidden(p.child("restartPolicy"),
                                  "may not be set for non-init containers"))
    errs.extend(_host_port_conflicts(containers, path))
    return errs


def _validate_init_containers(containers: list[Any], regular: list[Any],
                              volumes: Mapping[str, JSON], claim_names: set[str],
                              grace: int | None, path: Path, opts: PodValidationOptions,
                              restart_policy: str, host_users: bool) -> ErrorList:
    """``validateInitContainers``: sidecars (``restartPolicy: Always``) may have probes."""
    errs = ErrorList()
    names = {jstr(jdict(c).get("name")) for c in regular}
    for i, ctr in enumerate(containers):
        ctr = jdict(ctr)
        p = path.index(i)
        errs.extend(_validate_container_common(ctr, volumes, claim_names, p, opts, restart_policy,
                                               host_users))
        restart_always = False
        rp = ctr.get("restartPolicy")
        if rp is not None:
            if jstr(rp) != "Always":
                errs.append(not_supported(p.child("restartPolicy"), jstr(rp), ["Always"]))
            restart_always = jstr(rp) == "Always"
        name = jstr(ctr.get("name"))
        if name in names:
            errs.append(duplicate(p.child("name"), name))
        elif name:
            names.add(name)
        errs.extend(_host_port_conflicts([ctr], path))
        if restart_always:
            if ctr.get("lifecycle") is not None:
                errs.extend(_validate_lifecycle(jdict(ctr.get("lifecycle")), grace,
                                                p.child("lifecycle")))
            errs.extend(_validate_probes(ctr, grace, p))
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if ctr.get(key) is not None:
                    errs.append(forbidden(p.child(key), "may not be set for init containers "
                                                        "without restartPolicy=Always"))
        if not opts.allow_sidecar_resize_policy and jlist(ctr.get("resizePolicy")):
            errs.append(invalid(p.child("resizePolicy"), jlist(ctr.get("resizePolicy")),
                                "must not be set for init containers"))
    return errs


# --------------------------------------------------------------------------------------------
# pod spec
# --------------------------------------------------------------------------------------------

_SYSCTL_SEGMENT_FMT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_SYSCTL_CONTAIN_SLASH_FMT = "(" + _SYSCTL_SEGMENT_FMT + "[\\./])*" + _SYSCTL_SEGMENT_FMT
_SYSCTL_RE = "^" + _SYSCTL_CONTAIN_SLASH_FMT + "$"


def _sysctl_namespace(name: str) -> str:
    """``utilsysctl.GetNamespace``: ``net`` or ``ipc`` for the namespaced sysctls."""
    name = name.replace("/", ".") if "/" in name and "." not in name else name
    if name.startswith("net."):
        return "net"
    if name in ("kernel.sem",) or name.startswith(("kernel.shm", "kernel.msg", "fs.mqueue.")):
        return "ipc"
    return ""


def _validate_pod_security_context(spec: Mapping[str, Any], path: Path,
                                   opts: PodValidationOptions) -> ErrorList:
    """``validatePodSpecSecurityContext``."""
    errs = ErrorList()
    if spec.get("securityContext") is None:
        return errs
    sc = jdict(spec.get("securityContext"))
    for key, check in (("fsGroup", is_valid_group_id), ("runAsUser", is_valid_user_id),
                       ("runAsGroup", is_valid_group_id)):
        if sc.get(key) is not None:
            errs.extend(invalid(path.child(key), jint(sc.get(key)), m)
                        for m in check(jint(sc.get(key))))
    for g, gid in enumerate(jlist(sc.get("supplementalGroups"))):
        errs.extend(invalid(path.child("supplementalGroups").index(g), jint(gid), m)
                    for m in is_valid_group_id(jint(gid)))
    if spec.get("shareProcessNamespace") is True and jbool(spec.get("hostPID")):
        errs.append(invalid(path.child("shareProcessNamespace"), True,
                            "ShareProcessNamespace and HostPID cannot both be enabled"))
    sysctls = jlist(sc.get("sysctls"))
    names: set[str] = set()
    for i, s in enumerate(sysctls):
        name = jstr(jdict(s).get("name"))
        p = path.child("sysctls").index(i).child("name")
        if not name:
            errs.append(required(p, ""))
        elif len(name) > 253 or re.fullmatch(_SYSCTL_CONTAIN_SLASH_FMT, name) is None:
            errs.append(invalid(p, name, f"must have at most 253 characters and match regex "
                                         f"{_SYSCTL_RE}"))
        elif name in names:
            errs.append(duplicate(p, name))
        if not opts.allow_namespaced_sysctls_for_host_net_and_host_ipc:
            ns = _sysctl_namespace(name)
            if jbool(spec.get("hostNetwork")) and ns == "net":
                errs.append(invalid(p, name, "may not be specified when 'hostNetwork' is true"))
            elif jbool(spec.get("hostIPC")) and ns == "ipc":
                errs.append(invalid(p, name, "may not be specified when 'hostIPC' is true"))
        names.add(name)
    if sc.get("fsGroupChangePolicy") is not None and \
            jstr(sc.get("fsGroupChangePolicy")) not in ("Always", "OnRootMismatch"):
        errs.append(not_supported(path.child("fsGroupChangePolicy"),
                                  jstr(sc.get("fsGroupChangePolicy")),
                                  ["Always", "OnRootMismatch"]))
    errs.extend(_seccomp_profile(sc.get("seccompProfile"), path.child("seccompProfile")))
    errs.extend(_app_armor_profile(sc.get("appArmorProfile"), path.child("appArmorProfile")))
    if sc.get("supplementalGroupsPolicy") is not None and \
            jstr(sc.get("supplementalGroupsPolicy")) not in ("Merge", "Strict"):
        errs.append(not_supported(path.child("supplementalGroupsPolicy"),
                                  jstr(sc.get("supplementalGroupsPolicy")), ["Merge", "Strict"]))
    if sc.get("seLinuxChangePolicy") is not None and \
            jstr(sc.get("seLinuxChangePolicy")) not in ("MountOption", "Recursive"):
        errs.append(not_supported(path.child("seLinuxChangePolicy"),
                                  jstr(sc.get("seLinuxChangePolicy")),
                                  ["MountOption", "Recursive"]))
    return errs


def validate_tolerations(tolerations: list[Any], path: Path) -> ErrorList:
    """``ValidateTolerations``."""
    errs = ErrorList()
    for i, t in enumerate(tolerations):
        t = jdict(t)
        idx = path.index(i)
        key, op = jstr(t.get("key")), jstr(t.get("operator"))
        value, effect = jstr(t.get("value")), jstr(t.get("effect"))
        if key:
            errs.extend(validate_label_name(key, idx.child("key")))
        if not key and op != "Exists":
            errs.append(invalid(idx.child("operator"), op,
                                'operator must be Exists when `key` is empty, which means '
                                '"match all values and all keys"'))
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(invalid(idx.child("effect"), effect,
                                "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if op in ("Equal", ""):
            msgs = is_valid_label_value(value)
            if msgs:
                errs.append(invalid(idx.child("operator"), value, ";".join(msgs)))
        elif op == "Exists":
            if value:
                errs.append(invalid(idx.child("operator"), value,
                                    "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(not_supported(idx.child("operator"), op, ["Equal", "Exists"]))
        if effect:
            errs.extend(_taint_effect(effect, True, idx.child("effect")))
    return errs


def _taint_effect(effect: str, allow_empty: bool, path: Path) -> ErrorList:
    """``validateTaintEffect``."""
    if not allow_empty and not effect:
        return ErrorList([required(path, "")])
    if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        return ErrorList([not_supported(path, effect,
                                        ["NoSchedule", "PreferNoSchedule", "NoExecute"])])
    return ErrorList()


def _node_selector_requirement(rq: Mapping[str, Any], allow_invalid_value: bool,
                               path: Path) -> ErrorList:
    """``ValidateNodeSelectorRequirement``."""
    errs = ErrorList()
    op = jstr(rq.get("operator"))
    values = [jstr(v) for v in jlist(rq.get("values"))]
    if op in ("In", "NotIn"):
        if not values:
            errs.append(required(path.child("values"),
                                 "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(forbidden(path.child("values"), "may not be specified when `operator` is "
                                                        "'Exists' or 'DoesNotExist'"))
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(required(path.child("values"),
                                 "must be specified single value when `operator` is 'Lt' or 'Gt'"))
    else:
        errs.append(invalid(path.child("operator"), op, "not a valid selector operator"))
    errs.extend(validate_label_name(jstr(rq.get("key")), path.child("key")))
    if not allow_invalid_value:
        for i, v in enumerate(values):
            errs.extend(invalid(path.child("values").index(i), v, m)
                        for m in is_valid_label_value(v))
    return errs


def _node_selector_term(term: Mapping[str, Any], allow_invalid_value: bool,
                        path: Path) -> ErrorList:
    """``ValidateNodeSelectorTerm``."""
    errs = ErrorList()
    for j, req in enumerate(jlist(term.get("matchExpressions"))):
        errs.extend(_node_selector_requirement(jdict(req), allow_invalid_value,
                                               path.child("matchExpressions").index(j)))
    for j, req in enumerate(jlist(term.get("matchFields"))):
        req = jdict(req)
        p = path.child("matchFields").index(j)
        op = jstr(req.get("operator"))
        values = [jstr(v) for v in jlist(req.get("values"))]
        if op in ("In", "NotIn"):
            if len(values) != 1:
                errs.append(required(p.child("values"), "must be only one value when `operator` is "
                                                        "'In' or 'NotIn' for node field selector"))
        else:
            errs.append(invalid(p.child("operator"), op, "not a valid selector operator"))
        if jstr(req.get("key")) != "metadata.name":
            errs.append(invalid(p.child("key"), jstr(req.get("key")),
                                "not a valid field selector key"))
        else:
            for k, v in enumerate(values):
                errs.extend(invalid(p.child("values").index(k), v, m)
                            for m in validate_node_name(v, False))
    return errs


def _node_selector(ns: Mapping[str, Any], allow_invalid_value: bool, path: Path) -> ErrorList:
    """``ValidateNodeSelector``."""
    terms = jlist(ns.get("nodeSelectorTerms"))
    tpath = path.child("nodeSelectorTerms")
    if not terms:
        return ErrorList([required(tpath, "must have at least one node selector term")])
    errs = ErrorList()
    for i, term in enumerate(terms):
        errs.extend(_node_selector_term(jdict(term), allow_invalid_value, tpath.index(i)))
    return errs


def _pod_affinity_term(term: Mapping[str, Any], allow_invalid: bool, path: Path) -> ErrorList:
    """``validatePodAffinityTerm``."""
    errs = validate_label_selector(term.get("labelSelector"), path.child("labelSelector"),
                                   allow_invalid)
    errs.extend(validate_label_selector(term.get("namespaceSelector"),
                                        path.child("namespaceSelector"), allow_invalid))
    for name in jlist(term.get("namespaces")):
        errs.extend(invalid(path.child("namespace"), jstr(name), m)
                    for m in validate_namespace_name(jstr(name), False))
    selector = term.get("labelSelector")
    for key in ("matchLabelKeys", "mismatchLabelKeys"):
        keys = [jstr(k) for k in jlist(term.get(key))]
        if not keys:
            continue
        if selector is None:
            errs.append(forbidden(path.child(key),
                                  "must not be specified when labelSelector is not set"))
            continue
        for i, k in enumerate(keys):
            errs.extend(validate_label_name(k, path.child(key).index(i)))
    match_keys = [jstr(k) for k in jlist(term.get("matchLabelKeys"))]
    mismatch = {jstr(k) for k in jlist(term.get("mismatchLabelKeys"))}
    if selector is not None:
        index = {k: i for i, k in enumerate(match_keys)}
        sel_keys = set(jdict(jdict(selector).get("matchLabels")))
        for expr in jlist(jdict(selector).get("matchExpressions")):
            k = jstr(jdict(expr).get("key"))
            if k in index and k in sel_keys:
                errs.append(invalid(path.index(index[k]), k,
                                    "exists in both matchLabelKeys and labelSelector"))
            sel_keys.add(k)
    for i, k in enumerate(match_keys):
        if k in mismatch:
            errs.append(invalid(path.child("matchLabelKeys").index(i), k,
                                "exists in both matchLabelKeys and mismatchLabelKeys"))
    topology_key = jstr(term.get("topologyKey"))
    if not topology_key:
        errs.append(required(path.child("topologyKey"), "can not be empty"))
    errs.extend(validate_label_name(topology_key, path.child("topologyKey")))
    return errs


def _validate_affinity(affinity: Any, opts: PodValidationOptions, path: Path) -> ErrorList:
    """``validateAffinity``."""
    errs = ErrorList()
    if affinity is None:
        return errs
    affinity = jdict(affinity)
    na = affinity.get("nodeAffinity")
    if na is not None:
        na = jdict(na)
        np = path.child("nodeAffinity")
        req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        if req is not None:
            errs.extend(_node_selector(jdict(req), False,
                                       np.child("requiredDuringSchedulingIgnoredDuringExecution")))
        pref = jlist(na.get("preferredDuringSchedulingIgnoredDuringExecution"))
        pp = np.child("preferredDuringSchedulingIgnoredDuringExecution")
        for i, term in enumerate(pref):
            term = jdict(term)
            weight = jint(term.get("weight"))
            if weight <= 0 or weight > 100:
                errs.append(invalid(pp.index(i).child("weight"), weight,
                                    "must be in the range 1-100"))
            errs.extend(_node_selector_term(jdict(term.get("preference")), True,
                                            pp.index(i).child("preference")))
    allow = opts.allow_invalid_label_value_in_selector
    for key in ("podAffinity", "podAntiAffinity"):
        pa = affinity.get(key)
        if pa is None:
            continue
        pa = jdict(pa)
        p = path.child(key)
        for i, term in enumerate(jlist(pa.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            errs.extend(_pod_affinity_term(
                jdict(term), allow,
                p.child("requiredDuringSchedulingIgnoredDuringExecution").index(i)))
        wp = p.child("preferredDuringSchedulingIgnoredDuringExecution")
        for j, wt in enumerate(jlist(pa.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            wt = jdict(wt)
            weight = jint(wt.get("weight"))
            if weight <= 0 or weight > 100:
                errs.append(invalid(wp.index(j).child("weight"), weight,
                                    "must be in the range 1-100"))
            errs.extend(_pod_affinity_term(jdict(wt.get("podAffinityTerm")), allow,
                                           wp.index(j).child("podAffinityTerm")))
    return errs


def _validate_dns_config(cfg: Any, dns_policy: str, path: Path) -> ErrorList:
    """``validatePodDNSConfig``."""
    errs = ErrorList()
    if dns_policy == "None":
        if cfg is None:
            return ErrorList([required(path, "must provide `dnsConfig` when `dnsPolicy` is None")])
        if not jlist(jdict(cfg).get("nameservers")):
            return ErrorList([required(path.child("nameservers"), "must provide at least one "
                                                                  "DNS nameserver when `dnsPolicy` "
                                                                  "is None")])
    if cfg is None:
        return errs
    cfg = jdict(cfg)
    nameservers = [jstr(n) for n in jlist(cfg.get("nameservers"))]
    if len(nameservers) > 3:
        errs.append(invalid(path.child("nameservers"), nameservers,
                            "must not have more than 3 nameservers"))
    for i, ns in enumerate(nameservers):
        errs.extend(is_valid_ip(path.child("nameservers").index(i), ns))
    searches = [jstr(s) for s in jlist(cfg.get("searches"))]
    if len(searches) > 32:
        errs.append(invalid(path.child("searches"), searches,
                            "must not have more than 32 search paths"))
    if len(" ".join(searches)) > 2048:
        errs.append(invalid(path.child("searches"), searches,
                            "must not have more than 2048 characters (including spaces) in the "
                            "search list"))
    for i, search in enumerate(searches):
        if search != ".":
            trimmed = search.removesuffix(".")
            errs.extend(invalid(path.child("searches").index(i), trimmed, m)
                        for m in is_dns1123_subdomain_with_underscore(trimmed))
    for i, option in enumerate(jlist(cfg.get("options"))):
        if not jstr(jdict(option).get("name")):
            errs.append(required(path.child("options").index(i), "must not be empty"))
    return errs


def _validate_topology_spread(constraints: list[Any], opts: PodValidationOptions,
                              path: Path) -> ErrorList:
    """``validateTopologySpreadConstraints``."""
    errs = ErrorList()
    items = [jdict(c) for c in constraints]
    for i, c in enumerate(items):
        p = path.index(i)
        max_skew = jint(c.get("maxSkew"))
        if max_skew <= 0:
            errs.append(invalid(p.child("maxSkew"), max_skew, IS_NOT_POSITIVE_ERROR_MSG))
        topology_key = jstr(c.get("topologyKey"))
        if not topology_key:
            errs.append(required(p.child("topologyKey"), "can not be empty"))
        when = jstr(c.get("whenUnsatisfiable"))
        if when not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(not_supported(p.child("whenUnsatisfiable"), when,
                                      ["DoNotSchedule", "ScheduleAnyway"]))
        for rest in items[i + 1:]:
            if jstr(rest.get("topologyKey")) == topology_key and \
                    jstr(rest.get("whenUnsatisfiable")) == when:
                errs.append(duplicate(p.child("{topologyKey, whenUnsatisfiable}"),
                                      f"{{{topology_key}, {when}}}"))
                break
        min_domains = c.get("minDomains")
        if min_domains is not None:
            if jint(min_domains) <= 0:
                errs.append(invalid(p.child("minDomains"), jint(min_domains),
                                    IS_NOT_POSITIVE_ERROR_MSG))
            if when != "DoNotSchedule":
                errs.append(invalid(p.child("minDomains"), jint(min_domains),
                                    f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, "
                                    f"not {when}"))
        for key in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            if c.get(key) is not None and jstr(c.get(key)) not in ("Honor", "Ignore"):
                errs.append(not_supported(p.child(key), jstr(c.get(key)), ["Honor", "Ignore"]))
        keys = [jstr(k) for k in jlist(c.get("matchLabelKeys"))]
        if keys:
            selector = c.get("labelSelector")
            sel_keys: set[str] = set()
            if selector is not None:
                sel_keys |= set(jdict(jdict(selector).get("matchLabels")))
                sel_keys |= {jstr(jdict(e).get("key"))
                             for e in jlist(jdict(selector).get("matchExpressions"))}
            else:
                errs.append(forbidden(p.child("matchLabelKeys"),
                                      "must not be specified when labelSelector is not set"))
            for j, k in enumerate(keys):
                errs.extend(validate_label_name(k, p.child("matchLabelKeys").index(j)))
                if k in sel_keys:
                    errs.append(invalid(p.child("matchLabelKeys").index(j), k,
                                        "exists in both matchLabelKeys and labelSelector"))
        errs.extend(validate_label_selector(c.get("labelSelector"), p.child("labelSelector")))
    return errs


def _gather_claim_names(spec: Mapping[str, Any]) -> set[str]:
    return {jstr(jdict(c).get("name")) for c in jlist(spec.get("resourceClaims"))
            if jstr(jdict(c).get("name"))}


def _validate_pod_resource_claims(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``validatePodResourceClaims``."""
    errs = ErrorList()
    seen: set[str] = set()
    for i, claim in enumerate(jlist(spec.get("resourceClaims"))):
        claim = jdict(claim)
        p = path.index(i)
        name = jstr(claim.get("name"))
        if not name:
            errs.append(required(p.child("name"), ""))
        elif name in seen:
            errs.append(duplicate(p.child("name"), name))
        else:
            errs.extend(validate_dns1123_label(name, p.child("name")))
            seen.add(name)
        rcn, rctn = claim.get("resourceClaimName"), claim.get("resourceClaimTemplateName")
        value = GoStruct(Name=name, ResourceClaimName=rcn, ResourceClaimTemplateName=rctn)
        if rcn is not None and rctn is not None:
            errs.append(invalid(p, value, "at most one of `resourceClaimName` or "
                                          "`resourceClaimTemplateName` may be specified"))
        if rcn is None and rctn is None:
            errs.append(invalid(p, value, "must specify one of: `resourceClaimName`, "
                                          "`resourceClaimTemplateName`"))
        for key, v in (("resourceClaimName", rcn), ("resourceClaimTemplateName", rctn)):
            if v is not None:
                errs.extend(invalid(p.child(key), jstr(v), m)
                            for m in name_is_dns_subdomain(jstr(v), False))
    return errs


def _aggregate_container_requests(spec: Mapping[str, Any]) -> dict[str, Quantity]:
    """``resourcehelper.AggregateContainerRequests`` (simplified): the sum of the regular
    containers' and sidecars' requests, or the largest non-sidecar init container's."""
    total: dict[str, Quantity] = {}
    for c in jlist(spec.get("containers")) + [
            c for c in jlist(spec.get("initContainers"))
            if jstr(jdict(c).get("restartPolicy")) == "Always"]:
        for name, raw in jdict(jdict(jdict(c).get("resources")).get("requests")).items():
            total[name] = total[name] + _q(raw) if name in total else _q(raw)
    for c in jlist(spec.get("initContainers")):
        if jstr(jdict(c).get("restartPolicy")) == "Always":
            continue
        for name, raw in jdict(jdict(jdict(c).get("resources")).get("requests")).items():
            if name not in total or _q(raw) > total[name]:
                total[name] = _q(raw)
    return total


def _validate_pod_resources(spec: Mapping[str, Any], claim_names: set[str],
                            path: Path) -> ErrorList:
    """``validatePodResources`` (PodLevelResources): names, quantities, and consistency with
    the containers' requests and limits."""
    res = spec.get("resources")
    if res is None:
        return ErrorList()
    res = jdict(res)
    errs = ErrorList()
    if res.get("claims") is not None:
        errs.append(forbidden(path.child("claims"), "claims cannot be set for Resources at "
                                                    "pod-level"))
    errs.extend(_validate_resource_requirements(res, _validate_pod_resource_name, claim_names,
                                                path))
    pod_requests = {k: _q(v) for k, v in jdict(res.get("requests")).items()}
    pod_limits = {k: _q(v) for k, v in jdict(res.get("limits")).items()}
    for name, agg in _aggregate_container_requests(spec).items():
        pod_req = pod_requests.get(name, Quantity("0"))
        if agg.cmp(pod_req) > 0:
            errs.append(invalid(path.child("requests").key(name), str(pod_req),
                                f"must be greater than or equal to aggregate container requests "
                                f"of {agg}"))
    for i, c in enumerate(jlist(spec.get("containers"))):
        for name, raw in jdict(jdict(jdict(c).get("resources")).get("limits")).items():
            if name in pod_limits and _q(raw).cmp(pod_limits[name]) > 0:
                errs.append(invalid(path.child("containers").index(i).key(name).child("limits"),
                                    str(_q(raw)),
                                    f"must be less than or equal to pod limits of "
                                    f"{pod_limits[name]}"))
    return errs


def _host_users(spec: Mapping[str, Any]) -> bool:
    return spec.get("hostUsers") is not False


def validate_pod_spec(spec: Mapping[str, Any], pod_meta: Mapping[str, Any] | None, path: Path,
                      opts: PodValidationOptions = TEMPLATE_OPTIONS) -> ErrorList:
    """``ValidatePodSpec``: containers, volumes, policies, scheduling fields."""
    errs = ErrorList()
    tgps = spec.get("terminationGracePeriodSeconds")
    if tgps is None:
        errs.append(required(path.child("terminationGracePeriodSeconds"), ""))
    grace = None if tgps is None else jint(tgps)
    host_users = _host_users(spec)
    restart_policy = jstr(spec.get("restartPolicy"))
    vols, verrs = _validate_volumes(jlist(spec.get("volumes")), pod_meta, path.child("volumes"),
                                    opts)
    errs.extend(verrs)
    claim_names = _gather_claim_names(spec)
    errs.extend(_validate_pod_resource_claims(spec, path.child("resourceClaims")))
    errs.extend(_validate_containers(jlist(spec.get("containers")), vols, claim_names, grace,
                                     path.child("containers"), opts, restart_policy, host_users))
    errs.extend(_validate_init_containers(jlist(spec.get("initContainers")),
                                          jlist(spec.get("containers")), vols, claim_names, grace,
                                          path.child("initContainers"), opts, restart_policy,
                                          host_users))
    if opts.pod_level_resources_enabled:
        errs.extend(_validate_pod_resources(spec, claim_names, path.child("resources")))
    # validatePodHostNetworkDeps
    if jbool(spec.get("hostNetwork")):
        cpath = path.child("containers")
        for i, c in enumerate(jlist(spec.get("containers"))):
            for j, port in enumerate(jlist(jdict(c).get("ports"))):
                port = jdict(port)
                hp, cp = jint(port.get("hostPort")), jint(port.get("containerPort"))
                if (opts.resource_is_pod or hp != 0) and hp != cp:
                    errs.append(invalid(cpath.index(i).child("ports").index(j).child("hostPort"),
                                        hp, "must match `containerPort` when `hostNetwork` is "
                                            "true"))
    # validateRestartPolicy
    if restart_policy not in ("Always", "OnFailure", "Never"):
        errs.append(required(path.child("restartPolicy"), "") if not restart_policy
                    else not_supported(path.child("restartPolicy"), restart_policy,
                                       ["Always", "OnFailure", "Never"]))
    # validateDNSPolicy
    dns_policy = jstr(spec.get("dnsPolicy"))
    if dns_policy not in ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"):
        errs.append(required(path.child("dnsPolicy"), "") if not dns_policy
                    else not_supported(path.child("dnsPolicy"), dns_policy,
                                       ["ClusterFirstWithHostNet", "ClusterFirst", "Default",
                                        "None"]))
    errs.extend(validate_labels(jdict(spec.get("nodeSelector")), path.child("nodeSelector")))
    errs.extend(_validate_pod_security_context(spec, path.child("securityContext"), opts))
    errs.extend(_validate_affinity(spec.get("affinity"), opts, path.child("affinity")))
    errs.extend(_validate_dns_config(spec.get("dnsConfig"), dns_policy, path.child("dnsConfig")))
    for i, gate in enumerate(jlist(spec.get("readinessGates"))):
        errs.extend(validate_qualified_name(jstr(jdict(gate).get("conditionType")),
                                    path.child("readinessGates").index(i).child("conditionType")))
    seen_gates: set[str] = set()
    for i, gate in enumerate(jlist(spec.get("schedulingGates"))):
        gname = jstr(jdict(gate).get("name"))
        errs.extend(validate_qualified_name(gname, path.child("schedulingGates").index(i)))
        if gname in seen_gates:
            errs.append(duplicate(path.child("schedulingGates").index(i), gname))
        seen_gates.add(gname)
    errs.extend(_validate_topology_spread(jlist(spec.get("topologySpreadConstraints")), opts,
                                          path.child("topologySpreadConstraints")))
    if not host_users:
        for key, fp in (("hostNetwork", "hostNetwork"), ("hostPID", "HostPID"),
                        ("hostIPC", "HostIPC")):
            if jbool(spec.get(key)):
                errs.append(forbidden(path.child(fp), "when `pod.Spec.HostUsers` is false"))
    sa = jstr(spec.get("serviceAccountName"))
    if sa:
        errs.extend(invalid(path.child("serviceAccountName"), sa, m)
                    for m in validate_service_account_name(sa, False))
    node_name = jstr(spec.get("nodeName"))
    if node_name:
        errs.extend(invalid(path.child("nodeName"), node_name, m)
                    for m in validate_node_name(node_name, False))
    ads = spec.get("activeDeadlineSeconds")
    if ads is not None and not 1 <= jint(ads) <= MAX_INT32:
        errs.append(invalid(path.child("activeDeadlineSeconds"), jint(ads),
                            inclusive_range_error(1, MAX_INT32)))
    for key in ("hostname", "subdomain"):
        if jstr(spec.get(key)):
            errs.extend(validate_dns1123_label(jstr(spec.get(key)), path.child(key)))
    if jlist(spec.get("tolerations")):
        errs.extend(validate_tolerations(jlist(spec.get("tolerations")), path.child("tolerations")))
    for i, alias in enumerate(jlist(spec.get("hostAliases"))):
        alias = jdict(alias)
        ap = path.child("hostAliases").index(i)
        errs.extend(is_valid_ip(ap.child("ip"), jstr(alias.get("ip"))))
        for j, host in enumerate(jlist(alias.get("hostnames"))):
            errs.extend(validate_dns1123_subdomain(jstr(host), ap.child("hostnames").index(j)))
    pcn = jstr(spec.get("priorityClassName"))
    if pcn:
        errs.extend(invalid(path.child("priorityClassName"), pcn, m)
                    for m in name_is_dns_subdomain(pcn, False))
    if spec.get("runtimeClassName") is not None:
        rcn = jstr(spec.get("runtimeClassName"))
        errs.extend(invalid(path.child("runtimeClassName"), rcn, m)
                    for m in name_is_dns_subdomain(rcn, False))
    if spec.get("preemptionPolicy") is not None:
        pp = jstr(spec.get("preemptionPolicy"))
        if not pp:
            errs.append(required(path.child("preemptionPolicy"), ""))
        elif pp not in ("PreemptLowerPriority", "Never"):
            errs.append(not_supported(path.child("preemptionPolicy"), pp,
                                      ["PreemptLowerPriority", "Never"]))
    if spec.get("overhead") is not None:
        errs.extend(_validate_resource_requirements({"limits": jdict(spec.get("overhead"))},
                                                    _validate_container_resource_name, set(),
                                                    path.child("overhead")))
    if spec.get("os") is not None:
        os_name = jstr(jdict(spec.get("os")).get("name"))
        if not os_name:
            errs.append(required(path.child("os").child("name"), "cannot be empty"))
        elif os_name not in ("linux", "windows"):
            errs.append(not_supported(path.child("os"), os_name, ["linux", "windows"]))
        elif os_name == "linux":
            errs.extend(_validate_linux(spec, path))
    return errs


def _all_containers(spec: Mapping[str, Any], path: Path) -> list[tuple[JSON, Path]]:
    """``podshelper.VisitContainersWithPath``: init, regular, then ephemeral containers."""
    out: list[tuple[JSON, Path]] = []
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(jlist(spec.get(key))):
            out.append((jdict(c), path.child(key).index(i)))
    return out


def _validate_linux(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``validateLinux``: no Windows options on a Linux pod."""
    errs = ErrorList()
    if jdict(spec.get("securityContext")).get("windowsOptions") is not None:
        errs.append(forbidden(path.child("securityContext").child("windowsOptions"),
                              "windows options cannot be set for a linux pod"))
    for c, cpath in _all_containers(spec, path):
        if jdict(c.get("securityContext")).get("windowsOptions") is not None:
            errs.append(forbidden(cpath.child("securityContext").child("windowsOptions"),
                                  "windows options cannot be set for a linux pod"))
    return errs


# --------------------------------------------------------------------------------------------
# pods
# --------------------------------------------------------------------------------------------

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"

#: ``updatablePodSpecFields``, joined with ``,`` in the Forbidden message.
UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


def _valid_first_digit(value: str) -> bool:
    if not value:
        return False
    return value[0] == "-" or (value[0] == "0" and value == "0") or "1" <= value[0] <= "9"


def _seccomp_annotation(profile: str, path: Path) -> ErrorList:
    """``ValidateSeccompProfile`` of the deprecated annotations."""
    if profile in ("runtime/default", "docker/default", "unconfined"):
        return ErrorList()
    if profile.startswith("localhost/"):
        return _local_descending_path(profile[len("localhost/"):], path)
    return ErrorList([invalid(path, profile, "must be a valid seccomp profile")])


def _pod_has_container(spec: Mapping[str, Any], name: str) -> bool:
    return any(jstr(c.get("name")) == name for c, _ in _all_containers(spec, Path("spec")))


def _validate_pod_specific_annotations(annotations: Mapping[str, Any], spec: Mapping[str, Any],
                                       path: Path) -> ErrorList:
    """``ValidatePodSpecificAnnotations``: mirror pods, deletion cost, seccomp and AppArmor."""
    errs = ErrorList()
    if MIRROR_POD_ANNOTATION in annotations and not jstr(spec.get("nodeName")):
        errs.append(invalid(path.key(MIRROR_POD_ANNOTATION),
                            jstr(annotations[MIRROR_POD_ANNOTATION]),
                            "must set spec.nodeName if mirror pod annotation is set"))
    if POD_DELETION_COST_ANNOTATION in annotations:
        value = jstr(annotations[POD_DELETION_COST_ANNOTATION])
        ok = _valid_first_digit(value)
        if ok:
            try:
                ok = -(2**31) <= int(value, 10) <= MAX_INT32
            except ValueError:
                ok = False
        if not ok:
            errs.append(invalid(path.key(POD_DELETION_COST_ANNOTATION), value,
                                "must be a 32bit integer"))
    if SECCOMP_POD_ANNOTATION in annotations:
        errs.extend(_seccomp_annotation(jstr(annotations[SECCOMP_POD_ANNOTATION]),
                                        path.child(SECCOMP_POD_ANNOTATION)))
    for k, v in annotations.items():
        if k.startswith(SECCOMP_CONTAINER_ANNOTATION_PREFIX):
            errs.extend(_seccomp_annotation(jstr(v), path.child(k)))
    for k, v in annotations.items():
        if not k.startswith(APPARMOR_ANNOTATION_PREFIX):
            continue
        container = k[len(APPARMOR_ANNOTATION_PREFIX):]
        if not _pod_has_container(spec, container):
            errs.append(invalid(path.key(k), container, "container not found"))
        profile = jstr(v)
        if profile and profile not in ("runtime/default", "unconfined") and \
                not profile.startswith("localhost/"):
            errs.append(invalid(path.key(k), profile,
                                f"invalid AppArmor profile name: {json.dumps(profile)}"))
    return errs


def _validate_pod_specific_annotation_updates(new: Mapping[str, Any], old: Mapping[str, Any],
                                              path: Path) -> ErrorList:
    """``ValidatePodSpecificAnnotationUpdates``: AppArmor and mirror annotations are fixed."""
    errs = ErrorList()
    new_ann = jdict(jdict(new.get("metadata")).get("annotations"))
    old_ann = jdict(jdict(old.get("metadata")).get("annotations"))
    for k, old_v in old_ann.items():
        if k in new_ann and new_ann[k] == old_v:
            continue
        if k.startswith(APPARMOR_ANNOTATION_PREFIX):
            errs.append(forbidden(path.key(k), "may not remove or update AppArmor annotations"))
        if k == MIRROR_POD_ANNOTATION:
            errs.append(forbidden(path.key(k), "may not remove or update mirror pod annotation"))
    for k in new_ann:
        if k in old_ann:
            continue
        if k.startswith(APPARMOR_ANNOTATION_PREFIX):
            errs.append(forbidden(path.key(k), "may not add AppArmor annotations"))
        if k == MIRROR_POD_ANNOTATION:
            errs.append(forbidden(path.key(k), "may not add mirror pod annotation"))
    errs.extend(_validate_pod_specific_annotations(new_ann, jdict(new.get("spec")), path))
    return errs


def _validate_pod_metadata_and_spec(pod: Mapping[str, Any], opts: PodValidationOptions
                                    ) -> ErrorList:
    """``validatePodMetadataAndSpec``."""
    meta, spec = jdict(pod.get("metadata")), jdict(pod.get("spec"))
    meta_path, spec_path = Path("metadata"), Path("spec")
    errs = validate_kube_object_meta(meta, True, validate_pod_name, meta_path)
    errs.extend(_validate_pod_specific_annotations(jdict(meta.get("annotations")), spec,
                                                   meta_path.child("annotations")))
    errs.extend(validate_pod_spec(spec, meta, spec_path, opts))
    if not jstr(spec.get("serviceAccountName")):
        for vi, vol in enumerate(jlist(spec.get("volumes"))):
            proj = jdict(vol).get("projected")
            if proj is None:
                continue
            p = spec_path.child("volumes").index(vi).child("projected")
            for si, source in enumerate(jlist(jdict(proj).get("sources"))):
                if jdict(source).get("serviceAccountToken") is not None:
                    errs.append(forbidden(p.child("sources").index(si).child("serviceAccountToken"),
                                          "must not be specified when serviceAccountName is not "
                                          "set"))
    for key in ("containers", "initContainers"):
        for i, c in enumerate(jlist(spec.get(key))):
            image = jstr(jdict(c).get("image"))
            if image != image.strip():
                errs.append(invalid(spec_path.child(key).index(i).child("image"), image,
                                    "must not have leading or trailing whitespace"))
    return errs


def validate_pod_create(pod: Mapping[str, Any],
                        opts: PodValidationOptions = POD_OPTIONS) -> ErrorList:
    """``ValidatePodCreate``."""
    errs = _validate_pod_metadata_and_spec(pod, opts)
    spec = jdict(pod.get("spec"))
    if jlist(spec.get("ephemeralContainers")):
        errs.append(forbidden(Path("spec").child("ephemeralContainers"), "cannot be set on create"))
    if jstr(spec.get("nodeName")) and jlist(spec.get("schedulingGates")):
        errs.append(forbidden(Path("spec").child("nodeName"),
                              "cannot be set until all schedulingGates have been cleared"))
    return errs


def _diff_lines(old: Any, new: Any, path: str, out: list[str]) -> None:
    from .field import go_json

    if isinstance(old, dict) and isinstance(new, dict):
        for k in list(old) + [k for k in new if k not in old]:
            _diff_lines(old.get(k), new.get(k), f"{path}.{k}" if path else k, out)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff_lines(a, b, f"{path}[{i}]", out)
        return
    if old == new:
        return
    if old is not None:
        out.append(f"- \t{path}: {go_json(old)},")
    if new is not None:
        out.append(f"+ \t{path}: {go_json(new)},")


def spec_diff(old: Any, new: Any, type_name: str) -> str:
    """Our stand-in for ``cmp.Diff(old, new)``: changed JSON paths, ``-`` old and ``+`` new."""
    lines: list[str] = []
    _diff_lines(normalize_json(old), normalize_json(new), "", lines)
    return "\n".join([f"  {type_name}{{", *lines, "  }"]) + "\n"


def _container_updates(new: list[Any], old: list[Any], path: Path) -> tuple[ErrorList, bool]:
    """``ValidateContainerUpdates``."""
    errs = ErrorList()
    if len(new) != len(old):
        errs.append(forbidden(path, "pod updates may not add or remove containers"))
        return errs, True
    for i, c in enumerate(new):
        image = jstr(jdict(c).get("image"))
        if not image:
            errs.append(required(path.index(i).child("image"), ""))
        if image.strip() != image:
            errs.append(invalid(path.index(i).child("image"), image,
                                "must not have leading or trailing whitespace"))
    return errs, False


def _toleration_key(t: Mapping[str, Any]) -> dict[str, Any]:
    return normalize_json({k: v for k, v in t.items() if k != "tolerationSeconds"})


def validate_pod_update(new: Mapping[str, Any], old: Mapping[str, Any],
                        opts: PodValidationOptions = POD_OPTIONS) -> ErrorList:
    """``ValidatePodUpdate``: only container images, ``activeDeadlineSeconds`` (lower),
    added tolerations, removed scheduling gates and a negative grace period set to 1 may
    change; anything else is ``Forbidden: pod updates may not change fields other than ...``."""
    meta_path, spec_path = Path("metadata"), Path("spec")
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), meta_path)
    errs.extend(_validate_pod_metadata_and_spec(new, opts))
    errs.extend(_validate_pod_specific_annotation_updates(new, old, meta_path.child("annotations")))
    nspec, ospec = jdict(new.get("spec")), jdict(old.get("spec"))
    for key in ("containers", "initContainers"):
        cerrs, stop = _container_updates(jlist(nspec.get(key)), jlist(ospec.get(key)),
                                         spec_path.child(key))
        errs.extend(cerrs)
        if stop:
            return errs
    new_ads, old_ads = nspec.get("activeDeadlineSeconds"), ospec.get("activeDeadlineSeconds")
    ads_path = spec_path.child("activeDeadlineSeconds")
    if new_ads is not None:
        value = jint(new_ads)
        if value < 0 or value > MAX_INT32:
            errs.append(invalid(ads_path, value, inclusive_range_error(0, MAX_INT32)))
            return errs
        if old_ads is not None and jint(old_ads) < value:
            errs.append(invalid(ads_path, value, "must be less than or equal to previous value"))
            return errs
    elif old_ads is not None:
        errs.append(invalid(ads_path, None, "must not update from a positive integer to nil value"))
    # validateOnlyAddedTolerations
    new_tols = [jdict(t) for t in jlist(nspec.get("tolerations"))]
    for old_t in jlist(ospec.get("tolerations")):
        if not any(_toleration_key(jdict(old_t)) == _toleration_key(t) for t in new_tols):
            errs.append(forbidden(spec_path.child("tolerations"),
                                  "existing toleration can not be modified except its "
                                  "tolerationSeconds"))
            break
    else:
        errs.extend(validate_tolerations(new_tols, spec_path.child("tolerations")))
    # validateOnlyDeletedSchedulingGates
    new_gates = [jstr(jdict(g).get("name")) for g in jlist(nspec.get("schedulingGates"))]
    old_gates = {jstr(jdict(g).get("name")) for g in jlist(ospec.get("schedulingGates"))}
    for i, g in enumerate(new_gates):
        if g not in old_gates:
            errs.append(forbidden(spec_path.child("schedulingGates").index(i).child("name"),
                                  f"only deletion is allowed, but found new scheduling gate '{g}'"))
    if normalize_json(nspec) == normalize_json(ospec):
        return errs
    munged = json.loads(json.dumps(nspec))
    for key in ("containers", "initContainers"):
        for i, c in enumerate(jlist(munged.get(key))):
            jdict(c)["image"] = jdict(jlist(ospec.get(key))[i]).get("image")
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        munged.pop(key, None)
        if key in ospec:
            munged[key] = ospec[key]
    old_tgps = ospec.get("terminationGracePeriodSeconds")
    if old_tgps is not None and jint(old_tgps) < 0 and jint(munged.get(
            "terminationGracePeriodSeconds"), 0) == 1:
        munged["terminationGracePeriodSeconds"] = old_tgps
    if jlist(ospec.get("schedulingGates")):
        old_sel = jdict(ospec.get("nodeSelector"))
        new_sel = jdict(munged.get("nodeSelector"))
        if normalize_json(old_sel) != normalize_json(new_sel):
            if any(k not in new_sel or new_sel[k] != v for k, v in old_sel.items()):
                errs.append(invalid(spec_path.child("nodeSelector"), new_sel,
                                    "only additions to spec.nodeSelector are allowed (no mutations "
                                    "or deletions)"))
            munged["nodeSelector"] = ospec.get("nodeSelector")
    if normalize_json(munged) != normalize_json(ospec):
        errs.append(forbidden(spec_path,
                              "pod updates may not change fields other than "
                              + ",".join(UPDATABLE_POD_SPEC_FIELDS) + "\n"
                              + spec_diff(ospec, munged, "core.PodSpec")))
    return errs


_SYSTEM_POD_CONDITIONS = frozenset({"PodScheduled", "Ready", "Initialized"})


def _validate_ips(ips: list[Any], path: Path, what: str) -> ErrorList:
    """``validatePodIPs`` / ``validateHostIPs``: valid, at most one per family, no duplicate."""
    errs = ErrorList()
    values = [jstr(jdict(ip).get("ip")) for ip in ips]
    for i, v in enumerate(values):
        errs.extend(is_valid_ip(path.index(i), v))
    if len(values) > 1 and not errs:
        families = [parse_ip_sloppy(v) for v in values]
        dual = {f.version for f in families if f is not None} == {4, 6}
        if what == "host":
            seen: set[str] = set()
            for i, v in enumerate(values):
                if v in seen:
                    errs.append(duplicate(path.index(i), GoStruct(IP=v)))
                seen.add(v)
        if not dual or len(values) > 2:
            errs.append(invalid(path, [GoStruct(IP=v) for v in values],
                                "may specify no more than one IP for each IP family"))
        if what == "pod":
            seen = set()
            for i, v in enumerate(values):
                if v in seen:
                    errs.append(duplicate(path.index(i), GoStruct(IP=v)))
                seen.add(v)
    return errs


def _container_state_transitions(new: list[Any], old: list[Any], path: Path,
                                 restart_policy: str, init_spec: list[Any] | None = None
                                 ) -> ErrorList:
    """``ValidateContainerStateTransition``: a terminated container may not come back unless
    the restart policy allows it (and, for init containers, unless it is a sidecar)."""
    errs = ErrorList()
    if restart_policy == "Always":
        return errs
    sidecars = {jstr(jdict(c).get("name")) for c in (init_spec or [])
                if jstr(jdict(c).get("restartPolicy")) == "Always"}
    for i, old_status in enumerate(old):
        old_status = jdict(old_status)
        terminated = jdict(old_status.get("state")).get("terminated")
        if terminated is None:
            continue
        if jint(jdict(terminated).get("exitCode")) != 0 and restart_policy == "OnFailure":
            continue
        if jstr(old_status.get("name")) in sidecars:
            continue
        for new_status in new:
            new_status = jdict(new_status)
            if jstr(new_status.get("name")) == jstr(old_status.get("name")) and \
                    jdict(new_status.get("state")).get("terminated") is None:
                errs.append(forbidden(path.index(i).child("state"),
                                      "may not be transitioned to non-terminated state"))
    return errs


def validate_pod_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidatePodStatusUpdate`` (the ``pods/status`` subresource)."""
    meta_path = Path("metadata")
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), meta_path)
    errs.extend(_validate_pod_specific_annotation_updates(new, old, meta_path.child("annotations")))
    nstatus, ostatus = jdict(new.get("status")), jdict(old.get("status"))
    for i, cond in enumerate(jlist(nstatus.get("conditions"))):
        ctype = jstr(jdict(cond).get("type"))
        if ctype not in _SYSTEM_POD_CONDITIONS:
            errs.extend(validate_qualified_name(
                ctype, meta_path.child("conditions").index(i).child("Type")))
    status_path = Path("status")
    nspec, ospec = jdict(new.get("spec")), jdict(old.get("spec"))
    if jstr(nspec.get("nodeName")) != jstr(ospec.get("nodeName")):
        errs.append(forbidden(status_path.child("nodeName"), "may not be changed directly"))
    nominated = jstr(nstatus.get("nominatedNodeName"))
    if nominated and nominated != jstr(ostatus.get("nominatedNodeName")):
        errs.extend(invalid(status_path.child("nominatedNodeName"), nominated, m)
                    for m in validate_node_name(nominated, False))
    errs.extend(validate_immutable_field(jstr(nstatus.get("qosClass")),
                                         jstr(ostatus.get("qosClass")),
                                         status_path.child("qosClass")))
    rp = jstr(ospec.get("restartPolicy"))
    errs.extend(_container_state_transitions(jlist(nstatus.get("containerStatuses")),
                                             jlist(ostatus.get("containerStatuses")),
                                             status_path.child("containerStatuses"), rp))
    errs.extend(_container_state_transitions(jlist(nstatus.get("initContainerStatuses")),
                                             jlist(ostatus.get("initContainerStatuses")),
                                             status_path.child("initContainerStatuses"), rp,
                                             jlist(ospec.get("initContainers"))))
    errs.extend(_container_state_transitions(jlist(nstatus.get("ephemeralContainerStatuses")),
                                             jlist(ostatus.get("ephemeralContainerStatuses")),
                                             status_path.child("ephemeralContainerStatuses"),
                                             "Never"))
    errs.extend(_validate_ips(jlist(nstatus.get("podIPs")), status_path.child("podIPs"), "pod"))
    host_ips = jlist(nstatus.get("hostIPs"))
    if host_ips:
        hpath = status_path.child("hostIPs")
        first = jstr(jdict(host_ips[0]).get("ip"))
        if jstr(nstatus.get("hostIP")) != first:
            errs.append(invalid(hpath.index(0).child("ip"), first, "must be equal to `hostIP`"))
        errs.extend(_validate_ips(host_ips, hpath, "host"))
    return errs


# --------------------------------------------------------------------------------------------
# pod templates and replication controllers
# --------------------------------------------------------------------------------------------


def validate_pod_template_spec(template: Mapping[str, Any], path: Path,
                               opts: PodValidationOptions = TEMPLATE_OPTIONS) -> ErrorList:
    """``ValidatePodTemplateSpec``. Note that upstream reports template labels and annotations
    on ``<path>.labels``, without ``metadata``."""
    meta, spec = jdict(template.get("metadata")), jdict(template.get("spec"))
    errs = validate_labels(jdict(meta.get("labels")), path.child("labels"))
    errs.extend(validate_annotations(jdict(meta.get("annotations")), path.child("annotations")))
    errs.extend(_validate_pod_specific_annotations(jdict(meta.get("annotations")), spec,
                                                   path.child("annotations")))
    errs.extend(validate_pod_spec(spec, None, path.child("spec"), opts))
    if jlist(spec.get("ephemeralContainers")):
        errs.append(forbidden(path.child("spec", "ephemeralContainers"),
                              "ephemeral containers not allowed in pod template"))
    return errs


def validate_pod_template(obj: Mapping[str, Any]) -> ErrorList:
    """``ValidatePodTemplate`` (the ``PodTemplate`` kind)."""
    errs = validate_kube_object_meta(jdict(obj.get("metadata")), True, validate_pod_name,
                                     Path("metadata"))
    errs.extend(validate_pod_template_spec(jdict(obj.get("template")), Path("template")))
    return errs


def validate_pod_template_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidatePodTemplateUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(validate_pod_template_spec(jdict(new.get("template")), Path("template")))
    return errs


def _template_labels_mismatch(selector_matches: bool, template: Mapping[str, Any],
                              path: Path) -> ErrorList:
    if selector_matches:
        return ErrorList()
    labels = jdict(jdict(template.get("metadata")).get("labels"))
    return ErrorList([invalid(path.child("metadata", "labels"), labels,
                              "`selector` does not match template `labels`")])


def _validate_rc_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateReplicationControllerSpec`` and ``ValidatePodTemplateSpecForRC``."""
    errs = validate_nonnegative_field(jint(spec.get("minReadySeconds")),
                                      path.child("minReadySeconds"))
    selector = {k: jstr(v) for k, v in jdict(spec.get("selector")).items()}
    if not selector:
        errs.append(required(path.child("selector"), ""))
    errs.extend(validate_nonnegative_field(jint(spec.get("replicas"), 1), path.child("replicas")))
    tpath = path.child("template")
    template = spec.get("template")
    if template is None:
        errs.append(required(tpath, ""))
        return errs
    template = jdict(template)
    if selector:
        labels = jdict(jdict(template.get("metadata")).get("labels"))
        matches = all(k in labels and jstr(labels[k]) == v for k, v in selector.items())
        errs.extend(_template_labels_mismatch(matches, template, tpath))
    errs.extend(validate_pod_template_spec(template, tpath))
    tspec = jdict(template.get("spec"))
    if jstr(tspec.get("restartPolicy")) != "Always":
        errs.append(not_supported(tpath.child("spec", "restartPolicy"),
                                  jstr(tspec.get("restartPolicy")), ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(forbidden(tpath.child("spec", "activeDeadlineSeconds"),
                              "activeDeadlineSeconds in ReplicationController is not Supported"))
    return errs


def validate_replication_controller(obj: Mapping[str, Any]) -> ErrorList:
    """``ValidateReplicationController``."""
    errs = validate_kube_object_meta(jdict(obj.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    errs.extend(_validate_rc_spec(jdict(obj.get("spec")), Path("spec")))
    return errs


def validate_replication_controller_update(new: Mapping[str, Any],
                                           old: Mapping[str, Any]) -> ErrorList:
    """``ValidateReplicationControllerUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_validate_rc_spec(jdict(new.get("spec")), Path("spec")))
    return errs


def validate_replication_controller_status_update(new: Mapping[str, Any],
                                                  old: Mapping[str, Any]) -> ErrorList:
    """``ValidateReplicationControllerStatusUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    status, path = jdict(new.get("status")), Path("status")
    for f in ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas",
              "observedGeneration"):
        errs.extend(validate_nonnegative_field(jint(status.get(f)), path.child(f)))
    replicas = jint(status.get("replicas"))
    for f in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
        if jint(status.get(f)) > replicas:
            errs.append(invalid(path.child(f), jint(status.get(f)),
                                "cannot be greater than status.replicas"))
    if jint(status.get("availableReplicas")) > jint(status.get("readyReplicas")):
        errs.append(invalid(path.child("availableReplicas"), jint(status.get("availableReplicas")),
                            "cannot be greater than readyReplicas"))
    return errs


# --------------------------------------------------------------------------------------------
# services (pkg/api/service/util.go helpers)
# --------------------------------------------------------------------------------------------

_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")  # sets.List: sorted


def _is_headless(spec: Mapping[str, Any]) -> bool:
    ips = jlist(spec.get("clusterIPs"))
    return len(ips) == 1 and ips[0] == "None"


def _externally_accessible(spec: Mapping[str, Any]) -> bool:
    """``service.ExternallyAccessible``."""
    stype = jstr(spec.get("type"))
    return stype in ("LoadBalancer", "NodePort") or (
        stype == "ClusterIP" and bool(jlist(spec.get("externalIPs"))))


def _needs_health_check(spec: Mapping[str, Any]) -> bool:
    """``service.NeedsHealthCheck``: a LoadBalancer with ``externalTrafficPolicy: Local``."""
    return jstr(spec.get("type")) == "LoadBalancer" and \
        jstr(spec.get("externalTrafficPolicy")) == "Local"


def validate_non_special_ip(ip: str, path: Path) -> ErrorList:
    """``ValidateNonSpecialIP``: not unspecified, loopback or link-local."""
    errs = ErrorList()
    parsed = parse_ip_sloppy(ip)
    if parsed is None:
        return ErrorList([invalid(path, ip, "must be a valid IP address")])
    v4 = getattr(parsed, "ipv4_mapped", None) or parsed
    if v4.is_unspecified:
        errs.append(invalid(path, ip, f"may not be unspecified ({ip})"))
    if v4.is_loopback:
        errs.append(invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if v4.is_link_local:
        errs.append(invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, "
                                      "fe80::/10)"))
    packed = v4.packed
    if (len(packed) == 4 and packed[:3] == b"\xe0\x00\x00") or \
            (len(packed) == 16 and packed[0] == 0xFF and packed[1] & 0x0F == 0x02):
        errs.append(invalid(path, ip, "may not be in the link-local multicast range "
                                      "(224.0.0.0/24, ff02::/10)"))
    return errs


def _service_port_key(port: Mapping[str, Any], *, node_port: bool) -> GoStruct:
    """The internal ``core.ServicePort`` key upstream puts in ``Duplicate`` errors."""
    return GoStruct(Name="", Protocol=jstr(port.get("protocol")), AppProtocol=None,
                    Port=0 if node_port else jint(port.get("port")), TargetPort=0,
                    NodePort=jint(port.get("nodePort")) if node_port else 0)


def _validate_cluster_ips(spec: Mapping[str, Any]) -> ErrorList:
    """``ValidateServiceClusterIPsRelatedFields``."""
    errs = ErrorList()
    if jstr(spec.get("type")) == "ExternalName":
        return errs
    spec_path = Path("spec")
    ips_path = spec_path.child("clusterIPs")
    fam_path = spec_path.child("ipFamilies")
    cluster_ip = jstr(spec.get("clusterIP"))
    ips = [jstr(ip) for ip in jlist(spec.get("clusterIPs"))]
    if cluster_ip:
        if not ips:
            errs.append(required(ips_path, ""))
        elif ips[0] != cluster_ip:
            errs.append(invalid(ips_path, ips, "first value must match `clusterIP`"))
    elif ips:
        errs.append(invalid(ips_path, ips, "must be empty when `clusterIP` is not specified"))
    families = [jstr(f) for f in jlist(spec.get("ipFamilies"))]
    seen: set[str] = set()
    for i, fam in enumerate(families):
        if fam not in ("IPv4", "IPv6"):
            errs.append(not_supported(fam_path.index(i), fam, ["IPv4", "IPv6"]))
        if fam in seen:
            errs.append(duplicate(fam_path.index(i), fam))
        seen.add(fam)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and jstr(policy) not in ("PreferDualStack", "RequireDualStack",
                                                   "SingleStack"):
        errs.append(not_supported(spec_path.child("ipFamilyPolicy"), jstr(policy),
                                  ["PreferDualStack", "RequireDualStack", "SingleStack"]))
    has_invalid = False
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                has_invalid = True
                errs.append(invalid(ips_path, ips, "'None' must be the first and only value"))
            continue
        ip_errs = is_valid_ip(ips_path.index(i), ip)
        has_invalid = has_invalid or bool(ip_errs)
        errs.extend(ip_errs)
    if len(ips) > 2:
        errs.append(invalid(ips_path, ips, "may only hold up to 2 values"))
    if has_invalid:
        return errs
    if len(ips) > 1:
        versions = {p.version for p in (parse_ip_sloppy(ip) for ip in ips) if p is not None}
        if versions != {4, 6}:
            errs.append(invalid(ips_path, ips, "may specify no more than one IP for each IP "
                                               "family"))
    if not _is_headless(spec) and ips and families:
        for i, ip in enumerate(ips):
            if i > len(families) - 1:
                break
            parsed = parse_ip_sloppy(ip)
            is_v6 = parsed is not None and parsed.version == 6 and \
                getattr(parsed, "ipv4_mapped", None) is None
            if families[i] == "IPv4" and is_v6:
                errs.append(invalid(ips_path.index(i), ip, "expected an IPv4 value as indicated "
                                                           f"by `ipFamilies[{i}]`"))
            if families[i] == "IPv6" and not is_v6:
                errs.append(invalid(ips_path.index(i), ip, "expected an IPv6 value as indicated "
                                                           f"by `ipFamilies[{i}]`"))
    return errs


def _validate_service_port(sp: Mapping[str, Any], require_name: bool, names: set[str],
                           path: Path) -> ErrorList:
    """``validateServicePort``."""
    errs = ErrorList()
    name = jstr(sp.get("name"))
    if require_name and not name:
        errs.append(required(path.child("name"), ""))
    elif name:
        errs.extend(validate_dns1123_label(name, path.child("name")))
        if name in names:
            errs.append(duplicate(path.child("name"), name))
        else:
            names.add(name)
    port = jint(sp.get("port"))
    errs.extend(invalid(path.child("port"), port, m) for m in is_valid_port_num(port))
    protocol = jstr(sp.get("protocol"))
    if not protocol:
        errs.append(required(path.child("protocol"), ""))
    elif protocol not in _SUPPORTED_PORT_PROTOCOLS:
        errs.append(not_supported(path.child("protocol"), protocol, _SUPPORTED_PORT_PROTOCOLS))
    errs.extend(_port_num_or_name(sp.get("targetPort", 0), path.child("targetPort")))
    if sp.get("appProtocol") is not None:
        errs.extend(validate_qualified_name(jstr(sp.get("appProtocol")), path.child("appProtocol")))
    return errs


def validate_service(svc: Mapping[str, Any]) -> ErrorList:
    """``ValidateService``."""
    meta, spec = jdict(svc.get("metadata")), jdict(svc.get("spec"))
    meta_path, spec_path = Path("metadata"), Path("spec")
    errs = validate_kube_object_meta(meta, True, validate_service_name, meta_path)
    annotations = jdict(meta.get("annotations"))
    hints = annotations.get("service.kubernetes.io/topology-aware-hints")
    mode = annotations.get("service.kubernetes.io/topology-mode")
    if hints is not None and mode is not None and hints != mode:
        errs.append(invalid(meta_path.child("annotations").key("service.kubernetes.io/topology-mode"),
                            jstr(mode), "must match annotations[service.kubernetes.io/"
                                        "topology-aware-hints] when both are specified"))
    stype = jstr(spec.get("type"))
    ports = [jdict(p) for p in jlist(spec.get("ports"))]
    headless = _is_headless(spec)
    if not ports and not headless and stype != "ExternalName":
        errs.append(required(spec_path.child("ports"), ""))
    ips = jlist(spec.get("clusterIPs"))
    if stype in ("LoadBalancer", "NodePort") and headless:
        errs.append(invalid(spec_path.child("clusterIPs").index(0), jstr(ips[0]),
                            f"may not be set to 'None' for {stype} services"))
    elif stype == "ExternalName":
        if ips:
            errs.append(forbidden(spec_path.child("clusterIPs"),
                                  "may not be set for ExternalName services"))
        if jlist(spec.get("ipFamilies")):
            errs.append(forbidden(spec_path.child("ipFamilies"),
                                  "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(forbidden(spec_path.child("ipFamilyPolicy"),
                                  "may not be set for ExternalName services"))
        cname = jstr(spec.get("externalName")).removesuffix(".")
        if cname:
            errs.extend(validate_dns1123_subdomain(cname, spec_path.child("externalName")))
        else:
            errs.append(required(spec_path.child("externalName"), ""))
    names: set[str] = set()
    for i, port in enumerate(ports):
        errs.extend(_validate_service_port(port, len(ports) > 1, names,
                                           spec_path.child("ports").index(i)))
    if spec.get("selector") is not None:
        errs.extend(validate_labels(jdict(spec.get("selector")), spec_path.child("selector")))
    affinity = jstr(spec.get("sessionAffinity"))
    if not affinity:
        errs.append(required(spec_path.child("sessionAffinity"), ""))
    elif affinity not in ("ClientIP", "None"):
        errs.append(not_supported(spec_path.child("sessionAffinity"), affinity,
                                  ["ClientIP", "None"]))
    cfg_path = spec_path.child("sessionAffinityConfig")
    if affinity == "ClientIP":
        cfg = spec.get("sessionAffinityConfig")
        when = "when session affinity type is ClientIP"
        if cfg is None:
            errs.append(required(cfg_path, when))
        elif jdict(cfg).get("clientIP") is None:
            errs.append(required(cfg_path.child("clientIP"), when))
        elif jdict(jdict(cfg).get("clientIP")).get("timeoutSeconds") is None:
            errs.append(required(cfg_path.child("clientIP").child("timeoutSeconds"), when))
        else:
            timeout = jint(jdict(jdict(cfg).get("clientIP")).get("timeoutSeconds"))
            if timeout <= 0 or timeout > 86400:
                errs.append(invalid(cfg_path.child("clientIP").child("timeoutSeconds"), timeout,
                                    "must be greater than 0 and less than 86400"))
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(forbidden(cfg_path, "must not be set when session affinity is None"))
    errs.extend(_validate_cluster_ips(spec))
    for i, ip in enumerate(jlist(spec.get("externalIPs"))):
        p = spec_path.child("externalIPs").index(i)
        ip_errs = is_valid_ip(p, jstr(ip))
        errs.extend(ip_errs if ip_errs else validate_non_special_ip(jstr(ip), p))
    if not stype:
        errs.append(required(spec_path.child("type"), ""))
    elif stype not in _SERVICE_TYPES:
        errs.append(not_supported(spec_path.child("type"), stype, _SERVICE_TYPES))
    if stype == "ClusterIP":
        for i, port in enumerate(ports):
            if jint(port.get("nodePort")) != 0:
                errs.append(forbidden(spec_path.child("ports").index(i).child("nodePort"),
                                      "may not be used when `type` is 'ClusterIP'"))
    node_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        np_ = jint(port.get("nodePort"))
        if np_ == 0:
            continue
        key = (jstr(port.get("protocol")), np_)
        if key in node_ports:
            errs.append(duplicate(spec_path.child("ports").index(i).child("nodePort"), np_))
        node_ports.add(key)
    seen_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        key = (jstr(port.get("protocol")), jint(port.get("port")))
        if key in seen_ports:
            errs.append(duplicate(spec_path.child("ports").index(i),
                                  _service_port_key(port, node_port=False)))
        seen_ports.add(key)
    ranges = jlist(spec.get("loadBalancerSourceRanges"))
    lbsr_ann = "service.beta.kubernetes.io/load-balancer-source-ranges"
    if ranges:
        rp = spec_path.child("LoadBalancerSourceRanges")
        if stype != "LoadBalancer":
            errs.append(forbidden(rp, "may only be used when `type` is 'LoadBalancer'"))
        for i, value in enumerate(ranges):
            errs.extend(is_valid_cidr(rp.index(i), jstr(value).strip()))
    elif lbsr_ann in annotations:
        ap = Path("metadata", "annotations").key(lbsr_ann)
        if stype != "LoadBalancer":
            errs.append(forbidden(ap, "may only be used when `type` is 'LoadBalancer'"))
        val = jstr(annotations[lbsr_ann]).strip()
        if val:
            for value in val.split(","):
                errs.extend(is_valid_cidr(ap, value.strip()))
    if spec.get("allocateLoadBalancerNodePorts") is not None and stype != "LoadBalancer":
        errs.append(forbidden(spec_path.child("allocateLoadBalancerNodePorts"),
                              "may only be used when `type` is 'LoadBalancer'"))
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(required(Path("allocateLoadBalancerNodePorts"), ""))
    lbc = spec.get("loadBalancerClass")
    if stype == "LoadBalancer":
        if lbc is not None:
            errs.extend(validate_qualified_name(jstr(lbc), spec_path.child("loadBalancerClass")))
    elif lbc is not None:
        errs.append(forbidden(spec_path.child("loadBalancerClass"),
                              "may only be used when `type` is 'LoadBalancer'"))
    etp = jstr(spec.get("externalTrafficPolicy"))
    if not _externally_accessible(spec):
        if etp:
            errs.append(invalid(spec_path.child("externalTrafficPolicy"), etp,
                                "may only be set for externally-accessible services"))
    elif not etp:
        errs.append(required(spec_path.child("externalTrafficPolicy"), ""))
    elif etp not in ("Cluster", "Local"):
        errs.append(not_supported(spec_path.child("externalTrafficPolicy"), etp,
                                  ["Cluster", "Local"]))
    hcnp = jint(spec.get("healthCheckNodePort"))
    if not _needs_health_check(spec):
        if hcnp != 0:
            errs.append(invalid(spec_path.child("healthCheckNodePort"), hcnp,
                                "may only be set when `type` is 'LoadBalancer' and "
                                "`externalTrafficPolicy` is 'Local'"))
    elif hcnp == 0:
        errs.append(required(spec_path.child("healthCheckNodePort"), ""))
    else:
        errs.extend(invalid(spec_path.child("healthCheckNodePort"), hcnp, m)
                    for m in is_valid_port_num(hcnp))
    itp = spec.get("internalTrafficPolicy")
    if itp is None:
        if stype in ("NodePort", "LoadBalancer", "ClusterIP"):
            errs.append(required(spec_path.child("internalTrafficPolicy"), ""))
    elif jstr(itp) not in ("Cluster", "Local"):
        errs.append(not_supported(spec_path.child("internalTrafficPolicy"), jstr(itp),
                                  ["Cluster", "Local"]))
    td = spec.get("trafficDistribution")
    if td is not None and jstr(td) != "PreferClose":
        errs.append(not_supported(spec_path.child("trafficDistribution"), jstr(td),
                                  ["PreferClose"]))
    return errs


def _upgrade_downgrade_cluster_ips(old: Mapping[str, Any], new: Mapping[str, Any]) -> ErrorList:
    """``validateUpgradeDowngradeClusterIPs``: a cluster IP may not change once set."""
    errs = ErrorList()
    if "ExternalName" in (jstr(new.get("type")), jstr(old.get("type"))):
        return errs
    if _is_headless(old) and _is_headless(new):
        return errs
    old_ips = [jstr(ip) for ip in jlist(old.get("clusterIPs"))]
    new_ips = [jstr(ip) for ip in jlist(new.get("clusterIPs"))]
    p = Path("spec", "clusterIPs")
    if len(old_ips) == len(new_ips):
        for i, ip in enumerate(old_ips):
            if ip != new_ips[i]:
                errs.append(invalid(p.index(i), new_ips, "may not change once set"))
    elif len(old_ips) > len(new_ips):
        if not new_ips:
            errs.append(invalid(p.index(0), new_ips, "primary clusterIP can not be unset"))
        if old_ips and new_ips and new_ips[0] != old_ips[0]:
            errs.append(invalid(p.index(0), new_ips, "may not change once set"))
        if len(new_ips) == 1 and jstr(new.get("ipFamilyPolicy")) != "SingleStack":
            errs.append(invalid(Path("spec", "ipFamilyPolicy"), new.get("ipFamilyPolicy"),
                                "must be set to 'SingleStack' when releasing the secondary "
                                "clusterIP"))
    elif old_ips and new_ips[0] != old_ips[0]:
        errs.append(invalid(p.index(0), new_ips, "may not change once set"))
    return errs


def _upgrade_downgrade_ip_families(old: Mapping[str, Any], new: Mapping[str, Any]) -> ErrorList:
    """``validateUpgradeDowngradeIPFamilies``."""
    errs = ErrorList()
    if "ExternalName" in (jstr(new.get("type")), jstr(old.get("type"))):
        return errs
    if _is_headless(old) != _is_headless(new) or _is_headless(new):
        return errs
    old_f = [jstr(f) for f in jlist(old.get("ipFamilies"))]
    new_f = [jstr(f) for f in jlist(new.get("ipFamilies"))]
    new_ips = [jstr(ip) for ip in jlist(new.get("clusterIPs"))]
    p = Path("spec", "ipFamilies").index(0)
    if len(old_f) == len(new_f):
        for i, fam in enumerate(old_f):
            if fam != new_f[i]:
                errs.append(invalid(p, new_f, "may not change once set"))
    elif len(old_f) > len(new_f):
        if not new_ips:
            errs.append(invalid(p, new_f, "primary ipFamily can not be unset"))
        if new_f and new_f[0] != old_f[0]:
            errs.append(invalid(p, new_ips, "may not change once set"))
        if len(new_f) == 1 and jstr(new.get("ipFamilyPolicy")) != "SingleStack":
            errs.append(invalid(Path("spec", "ipFamilyPolicy"), new.get("ipFamilyPolicy"),
                                "must be set to 'SingleStack' when releasing the secondary "
                                "ipFamily"))
    elif old_f and new_f and new_f[0] != old_f[0]:
        errs.append(invalid(p, new_ips, "may not change once set"))
    return errs


def validate_service_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateServiceUpdate``: cluster IPs and IP families keep their primary value; the
    load balancer class and health check node port are fixed once set."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    nspec, ospec = jdict(new.get("spec")), jdict(old.get("spec"))
    errs.extend(_upgrade_downgrade_cluster_ips(ospec, nspec))
    errs.extend(_upgrade_downgrade_ip_families(ospec, nspec))
    if jstr(ospec.get("type")) == "LoadBalancer" and jstr(nspec.get("type")) == "LoadBalancer" \
            and ospec.get("loadBalancerClass") != nspec.get("loadBalancerClass"):
        errs.append(invalid(Path("spec", "loadBalancerClass"), nspec.get("loadBalancerClass"),
                            "may not change once set"))
    if _needs_health_check(ospec) and _needs_health_check(nspec) and \
            jint(nspec.get("healthCheckNodePort")) != jint(ospec.get("healthCheckNodePort")):
        errs.append(forbidden(Path("spec", "healthCheckNodePort"), FIELD_IMMUTABLE_ERROR_MSG))
    errs.extend(validate_service(new))
    return errs


def validate_service_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateServiceStatusUpdate``: load balancer ingress IPs and hostnames."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    ingress = jlist(jdict(jdict(new.get("status")).get("loadBalancer")).get("ingress"))
    ipath = Path("status", "loadBalancer").child("ingress")
    if jstr(jdict(new.get("spec")).get("type")) != "LoadBalancer" and ingress:
        errs.append(forbidden(ipath, "may only be used when `spec.type` is 'LoadBalancer'"))
        return errs
    for i, ing in enumerate(ingress):
        ing = jdict(ing)
        p = ipath.index(i)
        ip = jstr(ing.get("ip"))
        if ip:
            errs.extend(is_valid_ip(p.child("ip"), ip))
        mode = ing.get("ipMode")
        if mode is None:
            if ip:
                errs.append(required(p.child("ipMode"), "must be specified when `ip` is set"))
        elif not ip:
            errs.append(forbidden(p.child("ipMode"), "may not be specified when `ip` is not set"))
        elif jstr(mode) not in ("Proxy", "VIP"):
            errs.append(not_supported(p.child("ipMode"), jstr(mode), ["Proxy", "VIP"]))
        host = jstr(ing.get("hostname"))
        if host:
            errs.extend(invalid(p.child("hostname"), host, m) for m in is_dns1123_subdomain(host))
            if parse_ip_sloppy(host) is not None:
                errs.append(invalid(p.child("hostname"), host,
                                    "must be a DNS name, not an IP address"))
    return errs


# --------------------------------------------------------------------------------------------
# namespaces, service accounts, config maps, secrets
# --------------------------------------------------------------------------------------------


def validate_namespace(ns: Mapping[str, Any]) -> ErrorList:
    """``ValidateNamespace``: a DNS label name, no namespace, valid ``spec.finalizers``."""
    errs = validate_kube_object_meta(jdict(ns.get("metadata")), False, validate_namespace_name,
                                     Path("metadata"))
    from .meta import validate_kube_finalizer_name

    fpath = Path("spec", "finalizers")
    for f in jlist(jdict(ns.get("spec")).get("finalizers")):
        errs.extend(invalid(fpath, jstr(f), m) for m in is_qualified_name(jstr(f)))
        errs.extend(validate_kube_finalizer_name(jstr(f), fpath))
    return errs


def validate_namespace_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateNamespaceUpdate``: metadata only."""
    return validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))


def validate_namespace_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateNamespaceStatusUpdate``: ``Active`` unless being deleted, then
    ``Terminating``."""
    errs = validate_namespace_update(new, old)
    phase = jstr(jdict(new.get("status")).get("phase"))
    if jdict(new.get("metadata")).get("deletionTimestamp") is None:
        if phase != "Active":
            errs.append(invalid(Path("status", "Phase"), phase,
                                "may only be 'Active' if `deletionTimestamp` is empty"))
    elif phase != "Terminating":
        errs.append(invalid(Path("status", "Phase"), phase,
                            "may only be 'Terminating' if `deletionTimestamp` is not empty"))
    return errs


def validate_service_account(sa: Mapping[str, Any]) -> ErrorList:
    """``ValidateServiceAccount``."""
    return validate_kube_object_meta(jdict(sa.get("metadata")), True,
                                     validate_service_account_name, Path("metadata"))


def validate_service_account_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateServiceAccountUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(validate_service_account(new))
    return errs


def validate_config_map(cm: Mapping[str, Any]) -> ErrorList:
    """``ValidateConfigMap``: keys are config keys, not in both ``data`` and ``binaryData``,
    and all values together at most 1 MiB (reported on the path ``[]``)."""
    errs = validate_kube_object_meta(jdict(cm.get("metadata")), True, validate_config_map_name,
                                     Path("metadata"))
    data, binary = jdict(cm.get("data")), jdict(cm.get("binaryData"))
    total = 0
    for key, value in data.items():
        errs.extend(invalid(Path("data").key(key), key, m) for m in is_config_map_key(key))
        if key in binary:
            errs.append(invalid(Path("data").key(key), key, "duplicate of key present in "
                                                            "binaryData"))
        total += len(jstr(value).encode())
    for key, value in binary.items():
        errs.extend(invalid(Path("binaryData").key(key), key, m) for m in is_config_map_key(key))
        total += _b64_len(value)
    if total > MAX_SECRET_SIZE:
        errs.append(too_long(Path(""), MAX_SECRET_SIZE))
    return errs


def _b64_len(value: Any) -> int:
    import base64
    import binascii

    try:
        return len(base64.b64decode(jstr(value), validate=True))
    except (binascii.Error, ValueError):
        return len(jstr(value))


def _immutable_data(new: Mapping[str, Any], old: Mapping[str, Any],
                    keys: Sequence[str]) -> ErrorList:
    errs = ErrorList()
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(forbidden(Path("immutable"), "field is immutable when `immutable` is set"))
        for key in keys:
            if jdict(new.get(key)) != jdict(old.get(key)):
                errs.append(forbidden(Path(key), "field is immutable when `immutable` is set"))
    return errs


def validate_config_map_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateConfigMapUpdate``: an ``immutable`` ConfigMap keeps its data."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_immutable_data(new, old, ("data", "binaryData")))
    errs.extend(validate_config_map(new))
    return errs


def _go_json_object_error(raw: bytes) -> str | None:
    """The error of Go's ``json.Unmarshal(raw, &map[string]interface{}{})``, approximately."""
    text = raw.decode("utf-8", "replace")
    if not text.strip():
        return "unexpected end of JSON input"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        ch = text[exc.pos] if exc.pos < len(text) else ""
        if not ch:
            return "unexpected end of JSON input"
        return f"invalid character {_go_quote_rune(ch)} looking for beginning of value"
    if not isinstance(value, dict):
        kind = {list: "array", str: "string", bool: "bool", type(None): "null"}.get(
            type(value), "number")
        return f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
    return None


def _go_quote_rune(ch: str) -> str:
    return "'" + ("\\''" if ch == "'" else ch + "'")


def _secret_data(secret: Mapping[str, Any]) -> dict[str, bytes]:
    """``data`` (base64) merged with ``stringData``, as the v1 -> internal conversion does."""
    import base64
    import binascii

    out: dict[str, bytes] = {}
    for k, v in jdict(secret.get("data")).items():
        try:
            out[k] = base64.b64decode(jstr(v), validate=True)
        except (binascii.Error, ValueError):
            out[k] = jstr(v).encode()
    for k, v in jdict(secret.get("stringData")).items():
        out[k] = jstr(v).encode()
    return out


def validate_secret(secret: Mapping[str, Any]) -> ErrorList:
    """``ValidateSecret``: config-key names, at most 1 MiB, and the keys each type needs."""
    meta = jdict(secret.get("metadata"))
    errs = validate_kube_object_meta(meta, True, validate_secret_name, Path("metadata"))
    data = _secret_data(secret)
    data_path = Path("data")
    for key in data:
        errs.extend(invalid(data_path.key(key), key, m) for m in is_config_map_key(key))
    if sum(len(v) for v in data.values()) > MAX_SECRET_SIZE:
        errs.append(too_long(data_path, MAX_SECRET_SIZE))
    stype = jstr(secret.get("type"))
    if stype == "kubernetes.io/service-account-token":
        if not jstr(jdict(meta.get("annotations")).get("kubernetes.io/service-account.name")):
            errs.append(required(Path("metadata", "annotations").key(
                "kubernetes.io/service-account.name"), ""))
    elif stype in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if stype == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in data:
            errs.append(required(data_path.key(key), ""))
        else:
            err = _go_json_object_error(data[key])
            if err is not None:
                errs.append(invalid(data_path.key(key), "<secret contents redacted>", err))
    elif stype == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            errs.append(required(data_path.key("username"), ""))
            errs.append(required(data_path.key("password"), ""))
    elif stype == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            errs.append(required(data_path.key("ssh-privatekey"), ""))
    elif stype == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.append(required(data_path.key(key), ""))
    return errs


def validate_secret_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateSecretUpdate``: ``type`` is immutable; an ``immutable`` Secret keeps its data."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(validate_immutable_field(jstr(new.get("type")), jstr(old.get("type")),
                                         Path("type")))
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(forbidden(Path("immutable"), "field is immutable when `immutable` is set"))
        if _secret_data(new) != _secret_data(old):
            errs.append(forbidden(Path("data"), "field is immutable when `immutable` is set"))
    errs.extend(validate_secret(new))
    return errs


# --------------------------------------------------------------------------------------------
# nodes
# --------------------------------------------------------------------------------------------


def _validate_node_taints(taints: list[Any], path: Path) -> ErrorList:
    """``validateNodeTaints``: unique by (key, effect)."""
    errs = ErrorList()
    unique: dict[str, set[str]] = {}
    for i, t in enumerate(taints):
        t = jdict(t)
        idx = path.index(i)
        key, value, effect = jstr(t.get("key")), jstr(t.get("value")), jstr(t.get("effect"))
        errs.extend(validate_label_name(key, idx.child("key")))
        msgs = is_valid_label_value(value)
        if msgs:
            errs.append(invalid(idx.child("value"), value, ";".join(msgs)))
        errs.extend(_taint_effect(effect, False, idx.child("effect")))
        if key in unique.get(effect, set()):
            dup = duplicate(idx, GoStruct(Key=key, Value=value, Effect=effect,
                                          TimeAdded=t.get("timeAdded")))
            dup.detail = "taints must be unique by key and effect pair"
            errs.append(dup)
            continue
        unique.setdefault(effect, set()).add(key)
    return errs


def _validate_node_resources(node: Mapping[str, Any]) -> ErrorList:
    """``ValidateNodeResources``: capacity and allocatable quantities."""
    errs = ErrorList()
    status = jdict(node.get("status"))
    for section in ("capacity", "allocatable"):
        for k, v in jdict(status.get(section)).items():
            errs.extend(validate_resource_quantity_value(k, _q(v), Path("status", section, k)))
    return errs


def validate_node(node: Mapping[str, Any]) -> ErrorList:
    """``ValidateNode``: name, taints (reported under ``metadata.taints``, as upstream),
    resources and pod CIDRs."""
    meta_path = Path("metadata")
    errs = validate_kube_object_meta(jdict(node.get("metadata")), False, validate_node_name,
                                     meta_path)
    spec = jdict(node.get("spec"))
    if jlist(spec.get("taints")):
        errs.extend(_validate_node_taints(jlist(spec.get("taints")), meta_path.child("taints")))
    errs.extend(_validate_node_resources(node))
    cidrs = [jstr(c) for c in jlist(spec.get("podCIDRs"))]
    cpath = Path("spec", "podCIDRs")
    for i, c in enumerate(cidrs):
        errs.extend(is_valid_cidr(cpath.index(i), c))
    if len(cidrs) > 1:
        versions = {n.version for n in (parse_cidr_sloppy(c) for c in cidrs) if n is not None}
        if versions != {4, 6} or len(cidrs) > 2:
            errs.append(invalid(cpath, cidrs, "may specify no more than one CIDR for each IP "
                                              "family"))
        seen: set[str] = set()
        for i, c in enumerate(cidrs):
            if c in seen:
                errs.append(duplicate(cpath.index(i), c))
            seen.add(c)
    return errs


def validate_node_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateNodeUpdate`` (also the ``nodes/status`` rule): podCIDRs and providerID are
    set once; addresses are unique."""
    meta_path = Path("metadata")
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), meta_path)
    errs.extend(_validate_node_resources(new))
    seen: list[tuple[str, str]] = []
    for i, addr in enumerate(jlist(jdict(new.get("status")).get("addresses"))):
        addr = jdict(addr)
        key = (jstr(addr.get("type")), jstr(addr.get("address")))
        if key in seen:
            errs.append(duplicate(Path("status", "addresses").index(i),
                                  GoStruct(Type=key[0], Address=key[1])))
        seen.append(key)
    nspec, ospec = jdict(new.get("spec")), jdict(old.get("spec"))
    old_cidrs, new_cidrs = jlist(ospec.get("podCIDRs")), jlist(nspec.get("podCIDRs"))
    msg = 'node updates may not change podCIDR except from "" to valid'
    if old_cidrs:
        if len(old_cidrs) != len(new_cidrs):
            errs.append(forbidden(Path("spec", "podCIDRs"), msg))
        else:
            for i, c in enumerate(old_cidrs):
                if c != new_cidrs[i]:
                    errs.append(forbidden(Path("spec", "podCIDRs"), msg))
    old_pid = jstr(ospec.get("providerID"))
    if old_pid and old_pid != jstr(nspec.get("providerID")):
        errs.append(forbidden(Path("spec", "providerID"),
                              'node updates may not change providerID except from "" to valid'))
    if jlist(nspec.get("taints")):
        errs.extend(_validate_node_taints(jlist(nspec.get("taints")), meta_path.child("taints")))
    if jstr(nspec.get("externalID")) != jstr(ospec.get("externalID")):
        errs.append(forbidden(Path("spec", "externalID"), "may not be updated"))
    return errs


# --------------------------------------------------------------------------------------------
# limit ranges and resource quotas
# --------------------------------------------------------------------------------------------


def validate_limit_range(lr: Mapping[str, Any]) -> ErrorList:
    """``ValidateLimitRange``: known types and resources, and min <= defaultRequest <= default
    <= max, with ``maxLimitRequestRatio`` at least 1 and at most max/min."""
    errs = validate_kube_object_meta(jdict(lr.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    path = Path("spec", "limits")
    types: set[str] = set()
    for i, item in enumerate(jlist(jdict(lr.get("spec")).get("limits"))):
        item = jdict(item)
        idx = path.index(i)
        ltype = jstr(item.get("type"))
        terrs = ErrorList(invalid(idx.child("type"), ltype, m) for m in is_qualified_name(ltype))
        if not terrs and len(ltype.split("/")) == 1 and ltype not in _STANDARD_LIMIT_RANGE_TYPES:
            terrs.append(invalid(idx.child("type"), ltype,
                                 "must be a standard limit type or fully qualified"))
        errs.extend(terrs)
        if ltype in types:
            errs.append(duplicate(idx.child("type"), ltype))
        types.add(ltype)

        def rname(name: str, p: Path, t: str = ltype) -> ErrorList:
            if t in ("Pod", "Container"):
                return _validate_container_resource_name(name, p)
            return _validate_resource_name(name, p)

        keys: list[str] = []
        sections: dict[str, dict[str, Quantity]] = {}
        for section in ("max", "min"):
            sections[section] = {}
            for k, v in jdict(item.get(section)).items():
                errs.extend(rname(k, idx.child(section).key(k)))
                keys.append(k)
                sections[section][k] = _q(v)
        sections["default"], sections["defaultRequest"] = {}, {}
        if ltype == "Pod":
            for section in ("default", "defaultRequest"):
                if jdict(item.get(section)):
                    errs.append(forbidden(idx.child(section),
                                          "may not be specified when `type` is 'Pod'"))
        else:
            for section in ("default", "defaultRequest"):
                for k, v in jdict(item.get(section)).items():
                    errs.extend(rname(k, idx.child(section).key(k)))
                    keys.append(k)
                    sections[section][k] = _q(v)
        if ltype == "PersistentVolumeClaim" and "storage" not in jdict(item.get("min")) \
                and "storage" not in jdict(item.get("max")):
            errs.append(required(idx.child("limits"), "either minimum or maximum storage value is "
                                                      "required, but neither was provided"))
        sections["maxLimitRequestRatio"] = {}
        for k, v in jdict(item.get("maxLimitRequestRatio")).items():
            errs.extend(rname(k, idx.child("maxLimitRequestRatio").key(k)))
            keys.append(k)
            sections["maxLimitRequestRatio"][k] = _q(v)
        for k in dict.fromkeys(keys):
            mn, mx = sections["min"].get(k), sections["max"].get(k)
            df, dr = sections["default"].get(k), sections["defaultRequest"].get(k)
            ratio = sections["maxLimitRequestRatio"].get(k)
            if mn is not None and mx is not None and mn > mx:
                errs.append(invalid(idx.child("min").key(k), mn,
                                    f"min value {mn} is greater than max value {mx}"))
            if dr is not None and mn is not None and mn > dr:
                errs.append(invalid(idx.child("defaultRequest").key(k), dr,
                                    f"min value {mn} is greater than default request value {dr}"))
            if dr is not None and mx is not None and dr > mx:
                errs.append(invalid(idx.child("defaultRequest").key(k), dr,
                                    f"default request value {dr} is greater than max value {mx}"))
            if dr is not None and df is not None and dr > df:
                errs.append(invalid(idx.child("defaultRequest").key(k), dr,
                                    f"default request value {dr} is greater than default limit "
                                    f"value {df}"))
            if df is not None and mn is not None and mn > df:
                errs.append(invalid(idx.child("default").key(k), mn,
                                    f"min value {mn} is greater than default value {df}"))
            if df is not None and mx is not None and df > mx:
                errs.append(invalid(idx.child("default").key(k), mx,
                                    f"default value {df} is greater than max value {mx}"))
            if ratio is not None and ratio < Quantity("1"):
                errs.append(invalid(idx.child("maxLimitRequestRatio").key(k), ratio,
                                    f"ratio {ratio} is less than 1"))
            if ratio is not None and mn is not None and mx is not None:
                max_milli = 2**63 // 1000
                if ratio.value() < max_milli and mn.value() < max_milli and \
                        mx.value() < max_milli:
                    ratio_value = ratio.milli_value() / 1000
                    lo, hi = mn.milli_value(), mx.milli_value()
                else:
                    ratio_value, lo, hi = float(ratio.value()), mn.value(), mx.value()
                limit = hi / lo if lo else float("inf")
                if ratio_value > limit:
                    errs.append(invalid(idx.child("maxLimitRequestRatio").key(k), ratio,
                                        f"ratio {ratio} is greater than max/min = {limit:f}"))
            if not is_overcommit_allowed(k) and df is not None and dr is not None and df != dr:
                errs.append(invalid(idx.child("defaultRequest").key(k), dr,
                                    f"default value {df} must equal to defaultRequest value {dr} "
                                    f"in {k}"))
    return errs


def validate_limit_range_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """The LimitRange strategy's update: metadata rules and the object again."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(validate_limit_range(new))
    return errs


def _quota_scope_valid_for_resource(scope: str, resource: str) -> bool:
    """``IsResourceQuotaScopeValidForResource``."""
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass",
                 "CrossNamespacePodAffinity"):
        return resource in _POD_OBJECT_COUNT_QUOTA or resource in _POD_COMPUTE_QUOTA
    if scope == "BestEffort":
        return resource in _POD_OBJECT_COUNT_QUOTA
    if scope == "VolumeAttributesClass":
        return resource in _PVC_QUOTA
    return True


def _validate_quota_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateResourceQuotaSpec``: hard limits, scopes and the scope selector."""
    errs = ErrorList()
    hard = jdict(spec.get("hard"))
    for k, v in hard.items():
        p = path.child("hard").key(k)
        errs.extend(_validate_resource_quota_resource_name(k, p))
        errs.extend(validate_resource_quantity_value(k, _q(v), p))
    scopes = [jstr(s) for s in jlist(spec.get("scopes"))]
    spath = path.child("scopes")
    hard_names = sorted(hard)
    for scope in scopes:
        if scope not in _STANDARD_QUOTA_SCOPES:
            errs.append(invalid(spath, scopes, "unsupported scope"))
        for k in hard_names:
            if (k in _STANDARD_QUOTA_RESOURCES or _is_quota_huge_page_resource_name(k)) and \
                    not _quota_scope_valid_for_resource(scope, k):
                errs.append(invalid(spath, scopes, "unsupported scope applied to resource"))
    for pair in (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")):
        if set(pair) <= set(scopes):
            errs.append(invalid(spath, scopes, "conflicting scopes"))
    selector = spec.get("scopeSelector")
    if selector is not None:
        mpath = path.child("scopeSelector").child("matchExpressions")
        sel_scopes: set[str] = set()
        for req in jlist(jdict(selector).get("matchExpressions")):
            req = jdict(req)
            name, op = jstr(req.get("scopeName")), jstr(req.get("operator"))
            values = jlist(req.get("values"))
            if name not in _STANDARD_QUOTA_SCOPES:
                errs.append(invalid(mpath.child("scopeName"), name, "unsupported scope"))
            for k in hard_names:
                if (k in _STANDARD_QUOTA_RESOURCES or _is_quota_huge_page_resource_name(k)) and \
                        not _quota_scope_valid_for_resource(name, k):
                    errs.append(invalid(mpath, selector, "unsupported scope applied to resource"))
            if name in ("BestEffort", "NotBestEffort", "Terminating", "NotTerminating",
                        "CrossNamespacePodAffinity") and op != "Exists":
                errs.append(invalid(mpath.child("operator"), op,
                                    "must be 'Exists' when scope is any of "
                                    "ResourceQuotaScopeTerminating, "
                                    "ResourceQuotaScopeNotTerminating, "
                                    "ResourceQuotaScopeBestEffort, "
                                    "ResourceQuotaScopeNotBestEffort or "
                                    "ResourceQuotaScopeCrossNamespacePodAffinity"))
            if op in ("In", "NotIn"):
                if not values:
                    errs.append(required(mpath.child("values"),
                                         "must be at least one value when `operator` is 'In' or "
                                         "'NotIn' for scope selector"))
            elif op in ("Exists", "DoesNotExist"):
                if values:
                    errs.append(invalid(mpath.child("values"), values,
                                        "must be no value when `operator` is 'Exist' or "
                                        "'DoesNotExist' for scope selector"))
            else:
                errs.append(invalid(mpath.child("operator"), op, "not a valid selector operator"))
            sel_scopes.add(name)
        for pair in (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")):
            if set(pair) <= sel_scopes:
                errs.append(invalid(mpath, scopes or None, "conflicting scopes"))
    return errs


def _validate_quota_status(status: Mapping[str, Any], path: Path) -> ErrorList:
    errs = ErrorList()
    for section in ("hard", "used"):
        for k, v in jdict(status.get(section)).items():
            p = path.child(section).key(k)
            errs.extend(_validate_resource_quota_resource_name(k, p))
            errs.extend(validate_resource_quantity_value(k, _q(v), p))
    return errs


def validate_resource_quota(rq: Mapping[str, Any]) -> ErrorList:
    """``ValidateResourceQuota``."""
    errs = validate_kube_object_meta(jdict(rq.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    errs.extend(_validate_quota_spec(jdict(rq.get("spec")), Path("spec")))
    errs.extend(_validate_quota_status(jdict(rq.get("status")), Path("status")))
    return errs


def validate_resource_quota_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateResourceQuotaUpdate``: scopes are immutable."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(_validate_quota_spec(jdict(new.get("spec")), Path("spec")))
    new_scopes = [jstr(s) for s in jlist(jdict(new.get("spec")).get("scopes"))]
    old_scopes = [jstr(s) for s in jlist(jdict(old.get("spec")).get("scopes"))]
    if set(new_scopes) != set(old_scopes):
        errs.append(invalid(Path("spec", "scopes"), new_scopes or None, FIELD_IMMUTABLE_ERROR_MSG))
    return errs


def validate_resource_quota_status_update(new: Mapping[str, Any],
                                          old: Mapping[str, Any]) -> ErrorList:
    """``ValidateResourceQuotaStatusUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    if not jstr(jdict(new.get("metadata")).get("resourceVersion")):
        errs.append(required(Path("resourceVersion"), ""))
    errs.extend(_validate_quota_status(jdict(new.get("status")), Path("status")))
    return errs


# --------------------------------------------------------------------------------------------
# persistent volumes and claims
# --------------------------------------------------------------------------------------------

_ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
_PV_SOURCES: tuple[tuple[str, str], ...] = (
    ("hostPath", "hostPath"), ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"), ("glusterfs", "glusterfs"),
    ("flocker", "flocker"), ("nfs", "nfs"), ("rbd", "rbd"), ("quobyte", "quobyte"),
    ("cephfs", "cephFS"), ("iscsi", "iscsi"), ("cinder", "cinder"), ("fc", "fc"),
    ("flexVolume", ""), ("azureFile", "azureFile"), ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"), ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"), ("scaleIO", "scaleIO"), ("local", "local"),
    ("storageos", "storageos"), ("csi", "csi"),
)


def _access_modes(modes: list[Any], path: Path) -> ErrorList:
    errs = ErrorList()
    rwop = other = False
    for mode in modes:
        mode = jstr(mode)
        if mode not in _ACCESS_MODES:
            errs.append(not_supported(path, mode, _ACCESS_MODES))
        if mode == "ReadWriteOncePod":
            rwop = True
        elif mode in _ACCESS_MODES:
            other = True
    if rwop and other:
        errs.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def _class_name(value: str, path: Path) -> ErrorList:
    return ErrorList(invalid(path, value, m) for m in validate_class_name(value, False))


def _pv_secret_ref(ref: Mapping[str, Any], path: Path) -> ErrorList:
    """``validatePVSecretReference``."""
    errs = ErrorList()
    name, ns = jstr(ref.get("name")), jstr(ref.get("namespace"))
    if not name:
        errs.append(required(path.child("name"), ""))
    else:
        errs.extend(validate_dns1123_subdomain(name, path.child("name")))
    if not ns:
        errs.append(required(path.child("namespace"), ""))
    else:
        errs.extend(validate_dns1123_label(ns, path.child("namespace")))
    return errs


def _validate_pv_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidatePersistentVolumeSpec`` (not inline)."""
    errs = ErrorList()
    modes = jlist(spec.get("accessModes"))
    if not modes:
        errs.append(required(path.child("accessModes"), ""))
    errs.extend(_access_modes(modes, path.child("accessModes")))
    capacity = jdict(spec.get("capacity"))
    cap_path = path.child("capacity")
    if not capacity:
        errs.append(required(cap_path, ""))
    if "storage" not in capacity or len(capacity) > 1:
        # A nil map marshals as ``null``; an empty one as ``{}``.
        cap_value = (None if spec.get("capacity") is None
                     else {k: _q(v) for k, v in capacity.items()})
        errs.append(not_supported(cap_path, cap_value, ["storage"]))
    for name, raw in capacity.items():
        q = _q(raw)
        if q.value() < 0:
            errs.append(invalid(cap_path.key(name), q.value(), "must be a valid resource quantity"))
        if q.sign() <= 0:
            errs.append(invalid(cap_path.key(name), str(q), IS_NOT_POSITIVE_ERROR_MSG))
    policy = jstr(spec.get("persistentVolumeReclaimPolicy"))
    if policy and policy not in ("Delete", "Recycle", "Retain"):
        errs.append(not_supported(path.child("persistentVolumeReclaimPolicy"), policy,
                                  ["Delete", "Recycle", "Retain"]))
    affinity_set = False
    if spec.get("nodeAffinity") is not None:
        affinity_set = True
        req = jdict(spec.get("nodeAffinity")).get("required")
        apath = path.child("nodeAffinity")
        if req is not None:
            errs.extend(_node_selector(jdict(req), False, apath.child("required")))
        else:
            errs.append(required(apath.child("required"), "must specify required node "
                                                          "constraints"))
    num = 0
    for key, fpath in _PV_SOURCES:
        if spec.get(key) is None:
            continue
        if num > 0 and fpath:
            errs.append(forbidden(path.child(fpath), "may not specify more than 1 volume type"))
            continue
        num += 1
        src = jdict(spec.get(key))
        p = path.child(key)
        if key == "hostPath":
            if not jstr(src.get("path")):
                errs.append(required(p.child("path"), ""))
                continue
            errs.extend(_path_no_backsteps(jstr(src.get("path")), p.child("path")))
            htype = src.get("type")
            if htype is not None and jstr(htype) not in _HOST_PATH_TYPES:
                errs.append(not_supported(p.child("type"), htype, _HOST_PATH_TYPES))
        elif key == "nfs":
            if not jstr(src.get("server")):
                errs.append(required(p.child("server"), ""))
            if not jstr(src.get("path")):
                errs.append(required(p.child("path"), ""))
            if not jstr(src.get("path")).startswith("/"):
                errs.append(invalid(p.child("path"), jstr(src.get("path")),
                                    "must be an absolute path"))
        elif key == "local":
            if not jstr(src.get("path")):
                errs.append(required(p.child("path"), ""))
            else:
                errs.extend(_path_no_backsteps(jstr(src.get("path")), p.child("path")))
            if not affinity_set:
                errs.append(required(path.child("nodeAffinity"),
                                     "Local volume requires node affinity"))
        elif key == "csi":
            errs.extend(_validate_csi_driver_name(jstr(src.get("driver")), p.child("driver")))
            if not jstr(src.get("volumeHandle")):
                errs.append(required(p.child("volumeHandle"), ""))
            for ref in ("controllerPublishSecretRef", "controllerExpandSecretRef",
                        "nodePublishSecretRef", "nodeExpandSecretRef"):
                if src.get(ref) is not None:
                    errs.extend(_pv_secret_ref(jdict(src.get(ref)), p.child(ref)))
    if num == 0:
        errs.append(required(path, "must specify a volume type"))
    host_path = spec.get("hostPath")
    if host_path is not None and jstr(jdict(host_path).get("path")).rstrip("/") == "" and \
            jstr(jdict(host_path).get("path")).startswith("/") and policy == "Recycle":
        errs.append(forbidden(path.child("persistentVolumeReclaimPolicy"),
                              "may not be 'recycle' for a hostPath mount of '/'"))
    scn = jstr(spec.get("storageClassName"))
    if scn:
        errs.extend(_class_name(scn, path.child("storageClassName")))
    mode = spec.get("volumeMode")
    if mode is not None and jstr(mode) not in ("Block", "Filesystem"):
        errs.append(not_supported(path.child("volumeMode"), jstr(mode), ["Block", "Filesystem"]))
    vac = spec.get("volumeAttributesClassName")
    if vac is not None:
        if not jstr(vac):
            errs.append(required(path.child("volumeAttributesClassName"),
                                 "an empty string is disallowed"))
        else:
            errs.extend(_class_name(jstr(vac), path.child("volumeAttributesClassName")))
        if spec.get("csi") is None:
            errs.append(required(path.child("csi"),
                                 "has to be specified when using volumeAttributesClassName"))
    return errs


def validate_persistent_volume(pv: Mapping[str, Any]) -> ErrorList:
    """``ValidatePersistentVolume``."""
    errs = validate_kube_object_meta(jdict(pv.get("metadata")), False,
                                     validate_persistent_volume_name, Path("metadata"))
    errs.extend(_validate_pv_spec(jdict(pv.get("spec")), Path("spec")))
    return errs


_PV_SOURCE_KEYS = frozenset(k for k, _ in _PV_SOURCES)


def validate_persistent_volume_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidatePersistentVolumeUpdate``: the volume source is immutable."""
    errs = validate_persistent_volume(new)
    nspec, ospec = jdict(new.get("spec")), jdict(old.get("spec"))
    nsrc = {k: v for k, v in nspec.items() if k in _PV_SOURCE_KEYS}
    osrc = {k: v for k, v in ospec.items() if k in _PV_SOURCE_KEYS}
    ocsi = jdict(osrc.get("csi"))
    if osrc.get("csi") is not None and ocsi.get("controllerExpandSecretRef") is None and \
            nsrc.get("csi") is not None:
        nsrc = dict(nsrc, csi={k: v for k, v in jdict(nsrc["csi"]).items()
                               if k != "controllerExpandSecretRef"})
    if normalize_json(nsrc) != normalize_json(osrc):
        errs.append(forbidden(Path("spec", "persistentvolumesource"),
                              "spec.persistentvolumesource is immutable after creation\n"
                              + spec_diff(osrc, nsrc, "core.PersistentVolumeSource")))
    errs.extend(validate_immutable_field(nspec.get("volumeMode"), ospec.get("volumeMode"),
                                         Path("volumeMode")))
    if ospec.get("nodeAffinity") is not None and \
            normalize_json(nspec.get("nodeAffinity")) != normalize_json(ospec.get("nodeAffinity")):
        errs.append(invalid(Path("nodeAffinity"), nspec.get("nodeAffinity"),
                            FIELD_IMMUTABLE_ERROR_MSG + ", except for updating from beta label "
                                                        "to GA"))
    return errs


def validate_persistent_volume_status_update(new: Mapping[str, Any],
                                             old: Mapping[str, Any]) -> ErrorList:
    """``ValidatePersistentVolumeStatusUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    if not jstr(jdict(new.get("metadata")).get("resourceVersion")):
        errs.append(required(Path("resourceVersion"), ""))
    return errs


def _data_source(ds: Mapping[str, Any], path: Path, with_namespace: bool) -> ErrorList:
    """``validateDataSource`` / ``validateDataSourceRef``."""
    errs = ErrorList()
    if not jstr(ds.get("name")):
        errs.append(required(path.child("name"), ""))
    kind = jstr(ds.get("kind"))
    if not kind:
        errs.append(required(path.child("kind"), ""))
    group = jstr(ds.get("apiGroup"))
    if not group and kind != "PersistentVolumeClaim":
        errs.append(invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the "
                                        "default apiGroup"))
    if group:
        errs.extend(invalid(path.child("apiGroup"), group, m) for m in is_dns1123_subdomain(group))
    ns = jstr(ds.get("namespace"))
    if with_namespace and ns:
        errs.extend(invalid(path.child("namespace"), ns, m)
                    for m in validate_namespace_name(ns, False))
    return errs


def validate_persistent_volume_claim_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidatePersistentVolumeClaimSpec``."""
    errs = ErrorList()
    modes = jlist(spec.get("accessModes"))
    if not modes:
        errs.append(required(path.child("accessModes"), "at least 1 access mode is required"))
    if spec.get("selector") is not None:
        errs.extend(validate_label_selector(jdict(spec.get("selector")), path.child("selector")))
    errs.extend(_access_modes(modes, path.child("accessModes")))
    storage_path = path.child("resources").key("storage")
    requests = jdict(jdict(spec.get("resources")).get("requests"))
    if "storage" not in requests:
        errs.append(required(storage_path, ""))
    else:
        q = _q(requests["storage"])
        if q.sign() <= 0:
            errs.append(invalid(storage_path, str(q), IS_NOT_POSITIVE_ERROR_MSG))
        else:
            errs.extend(validate_resource_quantity_value("storage", q, storage_path))
    scn = spec.get("storageClassName")
    if scn is not None and jstr(scn):
        errs.extend(_class_name(jstr(scn), path.child("storageClassName")))
    mode = spec.get("volumeMode")
    if mode is not None and jstr(mode) not in ("Block", "Filesystem"):
        errs.append(not_supported(path.child("volumeMode"), jstr(mode), ["Block", "Filesystem"]))
    ds, dsr = spec.get("dataSource"), spec.get("dataSourceRef")
    if ds is not None:
        errs.extend(_data_source(jdict(ds), path.child("dataSource"), False))
    if dsr is not None:
        errs.extend(_data_source(jdict(dsr), path.child("dataSourceRef"), True))
    if dsr is not None and jstr(jdict(dsr).get("namespace")):
        if ds is not None:
            errs.append(invalid(path, str(path.child("dataSource")),
                                "may not be specified when dataSourceRef.namespace is specified"))
    elif ds is not None and dsr is not None:
        a, b = jdict(ds), jdict(dsr)
        if (a.get("apiGroup"), jstr(a.get("kind")), jstr(a.get("name"))) != \
                (b.get("apiGroup"), jstr(b.get("kind")), jstr(b.get("name"))):
            errs.append(invalid(path, str(path.child("dataSource")), "must match dataSourceRef"))
    vac = spec.get("volumeAttributesClassName")
    if vac is not None and jstr(vac):
        errs.extend(_class_name(jstr(vac), path.child("volumeAttributesClassName")))
    return errs


def validate_persistent_volume_claim(pvc: Mapping[str, Any]) -> ErrorList:
    """``ValidatePersistentVolumeClaim``."""
    errs = validate_kube_object_meta(jdict(pvc.get("metadata")), True,
                                     validate_persistent_volume_name, Path("metadata"))
    errs.extend(validate_persistent_volume_claim_spec(jdict(pvc.get("spec")), Path("spec")))
    return errs


_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


def validate_persistent_volume_claim_update(new: Mapping[str, Any],
                                            old: Mapping[str, Any]) -> ErrorList:
    """``ValidatePersistentVolumeClaimUpdate``: the spec is immutable except the storage
    request of a bound claim (and ``volumeName`` once, and a storage class set from nil)."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(validate_persistent_volume_claim(new))
    nspec = json.loads(json.dumps(jdict(new.get("spec"))))
    ospec = json.loads(json.dumps(jdict(old.get("spec"))))
    if not jstr(ospec.get("volumeName")):
        ospec["volumeName"] = nspec.get("volumeName")
    old_ann = jdict(jdict(old.get("metadata")).get("annotations"))
    new_ann = jdict(jdict(new.get("metadata")).get("annotations"))
    if ospec.get("storageClassName") is None and nspec.get("storageClassName") is not None:
        if _BETA_STORAGE_CLASS not in old_ann or \
                nspec.get("storageClassName") == old_ann[_BETA_STORAGE_CLASS]:
            nspec["storageClassName"] = ospec.get("storageClassName")
    else:
        errs.extend(validate_immutable_field(jstr(new_ann.get(_BETA_STORAGE_CLASS)),
                                             jstr(old_ann.get(_BETA_STORAGE_CLASS)),
                                             Path("metadata", "annotations",
                                                  _BETA_STORAGE_CLASS)))
    bound = jstr(jdict(new.get("status")).get("phase")) == "Bound"
    requests = jdict(jdict(nspec.get("resources")).get("requests"))
    if bound and requests:
        old_req = jdict(jdict(ospec.get("resources")).get("requests"))
        requests["storage"] = old_req.get("storage")
        if requests["storage"] is None:
            del requests["storage"]
    if bound and nspec.get("volumeAttributesClassName") is not None:
        nspec["volumeAttributesClassName"] = ospec.get("volumeAttributesClassName")
    if normalize_json(nspec) != normalize_json(ospec):
        errs.append(forbidden(Path("spec"),
                              "spec is immutable after creation except resources.requests and "
                              "volumeAttributesClassName for bound claims\n"
                              + spec_diff(ospec, nspec, "core.PersistentVolumeClaimSpec")))
    new_size = jdict(jdict(jdict(new.get("spec")).get("resources")).get("requests")).get("storage")
    old_size = jdict(jdict(jdict(old.get("spec")).get("resources")).get("requests")).get("storage")
    status_size = jdict(jdict(old.get("status")).get("capacity")).get("storage")
    nq = _q(new_size) if new_size is not None else Quantity("0")
    oq = _q(old_size) if old_size is not None else Quantity("0")
    sq = _q(status_size) if status_size is not None else Quantity("0")
    if nq < oq and nq <= sq:
        errs.append(forbidden(Path("spec", "resources", "requests", "storage"),
                              "field can not be less than status.capacity"))
    errs.extend(validate_immutable_field(jdict(new.get("spec")).get("volumeMode"),
                                         jdict(old.get("spec")).get("volumeMode"),
                                         Path("volumeMode")))
    return errs


def validate_persistent_volume_claim_status_update(new: Mapping[str, Any],
                                                   old: Mapping[str, Any]) -> ErrorList:
    """``ValidatePersistentVolumeClaimStatusUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    if not jstr(jdict(new.get("metadata")).get("resourceVersion")):
        errs.append(required(Path("resourceVersion"), ""))
    if not jlist(jdict(new.get("spec")).get("accessModes")):
        errs.append(required(Path("Spec", "accessModes"), ""))
    for k, v in jdict(jdict(new.get("status")).get("capacity")).items():
        q = _q(v)
        if q.value() < 0:
            errs.append(invalid(Path("status", "capacity").key(k), q.value(),
                                "must be a valid resource quantity"))
    return errs


# --------------------------------------------------------------------------------------------
# endpoints and events
# --------------------------------------------------------------------------------------------


def validate_endpoints(ep: Mapping[str, Any]) -> ErrorList:
    """``ValidateEndpoints``."""
    errs = validate_kube_object_meta(jdict(ep.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    path = Path("subsets")
    for i, ss in enumerate(jlist(ep.get("subsets"))):
        ss = jdict(ss)
        idx = path.index(i)
        if not jlist(ss.get("addresses")) and not jlist(ss.get("notReadyAddresses")):
            errs.append(required(idx, "must specify `addresses` or `notReadyAddresses`"))
        for key in ("addresses", "notReadyAddresses"):
            for a, addr in enumerate(jlist(ss.get(key))):
                addr = jdict(addr)
                p = idx.child(key).index(a)
                ip = jstr(addr.get("ip"))
                errs.extend(is_valid_ip(p.child("ip"), ip))
                if jstr(addr.get("hostname")):
                    errs.extend(validate_dns1123_label(jstr(addr.get("hostname")),
                                                       p.child("hostname")))
                if addr.get("nodeName") is not None:
                    errs.extend(invalid(p.child("nodeName"), jstr(addr.get("nodeName")), m)
                                for m in validate_node_name(jstr(addr.get("nodeName")), False))
                errs.extend(validate_non_special_ip(ip, p.child("ip")))
        ports = jlist(ss.get("ports"))
        for j, port in enumerate(ports):
            port = jdict(port)
            p = idx.child("ports").index(j)
            name = jstr(port.get("name"))
            if len(ports) > 1 and not name:
                errs.append(required(p.child("name"), ""))
            elif name:
                errs.extend(validate_dns1123_label(name, p.child("name")))
            num = jint(port.get("port"))
            errs.extend(invalid(p.child("port"), num, m) for m in is_valid_port_num(num))
            protocol = jstr(port.get("protocol"))
            if not protocol:
                errs.append(required(p.child("protocol"), ""))
            elif protocol not in _SUPPORTED_PORT_PROTOCOLS:
                errs.append(not_supported(p.child("protocol"), protocol,
                                          _SUPPORTED_PORT_PROTOCOLS))
            if port.get("appProtocol") is not None:
                errs.extend(validate_qualified_name(jstr(port.get("appProtocol")),
                                            p.child("appProtocol")))
    return errs


def validate_endpoints_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateEndpointsUpdate``."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    errs.extend(validate_endpoints(new))
    return errs


def validate_event(event: Mapping[str, Any]) -> ErrorList:
    """``legacyValidateEvent``: what ``ValidateEventCreate`` checks for ``v1`` Events.

    The ``v1`` JSON field ``reportingComponent`` is ``ReportingController`` inside, hence the
    error path ``reportingController``."""
    errs = ErrorList()
    meta = jdict(event.get("metadata"))
    namespace = jstr(meta.get("namespace"))
    involved_ns = jstr(jdict(event.get("involvedObject")).get("namespace"))
    ns_path = Path("involvedObject", "namespace")
    if not event.get("eventTime"):
        if not involved_ns:
            if namespace not in ("", "default"):
                errs.append(invalid(ns_path, involved_ns, "does not match event.namespace"))
        elif namespace != involved_ns:
            errs.append(invalid(ns_path, involved_ns, "does not match event.namespace"))
    else:
        if not involved_ns and namespace not in ("default", "kube-system"):
            errs.append(invalid(ns_path, involved_ns, "does not match event.namespace"))
        controller = jstr(event.get("reportingComponent"))
        if not controller:
            errs.append(required(Path("reportingController"), ""))
        errs.extend(invalid(Path("reportingController"), controller, m)
                    for m in is_qualified_name(controller))
        for key, limit in (("reportingInstance", 128), ("action", 128), ("reason", 128),
                           ("message", 1024)):
            value = jstr(event.get(key))
            if not value and key != "message":
                errs.append(required(Path(key), ""))
            if len(value) > limit:
                errs.append(invalid(Path(key), "", f"can have at most {limit} characters"))
    errs.extend(invalid(Path("namespace"), namespace, m) for m in is_dns1123_subdomain(namespace))
    return errs


def validate_event_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateEventUpdate`` for ``v1``: the legacy rules on the new event."""
    return validate_event(new)


def _validate_v1_event_series(event: Mapping[str, Any]) -> ErrorList:
    """``validateV1EventSeries``: a series counts at least 2 and has a ``lastObservedTime``."""
    errs = ErrorList()
    series = event.get("series")
    if series is not None:
        series = jdict(series)
        if jint(series.get("count")) < 2:
            errs.append(invalid(Path("series.count"), "", "should be at least 2"))
        if not series.get("lastObservedTime"):
            errs.append(required(Path("series.lastObservedTime"), ""))
    return errs


#: metadata fields :func:`_events_v1_event_create_plainly_valid` accepts only when absent
_EVENT_META_UNCHECKED = ("generateName", "generation", "labels", "annotations",
                         "ownerReferences", "finalizers")


def _plain_str(value: Any, limit: int) -> bool:
    """A non-empty string of at most ``limit`` characters."""
    return type(value) is str and 0 < len(value) <= limit


def _managed_fields_plainly_valid(entries: Any) -> bool:
    """``validate_managed_fields`` finds nothing in these entries (conservatively: ASCII
    managers and subresources, whose length in characters is their length in bytes)."""
    if entries is None:
        return True
    if type(entries) is not list:
        return False
    for entry in entries:
        if type(entry) is not dict:
            return False
        op, ftype = entry.get("operation"), entry.get("fieldsType")
        if type(op) is not str or op not in ("Apply", "Update"):
            return False
        if ftype is not None and (type(ftype) is not str or ftype not in ("", "FieldsV1")):
            return False
        manager = entry.get("manager")
        if manager is not None and not (type(manager) is str and manager.isascii()
                                        and len(manager) <= 128):
            return False
        sub = entry.get("subresource")
        if sub is not None and not (type(sub) is str and sub.isascii() and len(sub) <= 256):
            return False
    return True


def _events_v1_event_create_plainly_valid(event: Mapping[str, Any]) -> bool:
    """Whether :func:`validate_events_v1_event_create` certainly finds nothing: the common
    new event (``eventTime`` set, no series, no deprecated fields, plain metadata, well-formed
    names), checked on the ``events.k8s.io/v1`` fields without converting the event or making
    any :class:`Path`. ``False`` is no verdict: the full validation runs."""
    meta = event.get("metadata")
    if type(meta) is not dict:
        return False
    for key in _EVENT_META_UNCHECKED:
        if meta.get(key) is not None:
            return False
    name, namespace = meta.get("name"), meta.get("namespace")
    if type(name) is not str or type(namespace) is not str or not name or not namespace:
        return False
    if not dns1123_subdomain_ok(name) or not name_ok(is_dns1123_label, namespace) \
            or not name_ok(is_dns1123_subdomain, namespace):
        return False
    if not _managed_fields_plainly_valid(meta.get("managedFields")):
        return False
    event_time = event.get("eventTime")
    if type(event_time) is not str or not event_time:
        return False
    regarding = event.get("regarding")
    if regarding is None:
        involved_ns: Any = None
    elif type(regarding) is dict:
        involved_ns = regarding.get("namespace")
    else:
        return False
    if involved_ns is not None and type(involved_ns) is not str:
        return False
    if not involved_ns and namespace not in ("default", "kube-system"):
        return False
    controller = event.get("reportingController")
    if type(controller) is not str or not controller \
            or not name_ok(is_qualified_name, controller):
        return False
    if not (_plain_str(event.get("reportingInstance"), 128)
            and _plain_str(event.get("action"), 128) and _plain_str(event.get("reason"), 128)):
        return False
    note = event.get("note")
    if note is not None and not (type(note) is str and len(note) <= 1024):
        return False
    if event.get("type") not in ("Normal", "Warning") or event.get("series") is not None:
        return False
    if event.get("deprecatedFirstTimestamp") or event.get("deprecatedLastTimestamp") \
            or event.get("deprecatedCount") is not None:
        return False
    source = event.get("deprecatedSource")
    return source is None or (type(source) is dict and not source.get("component")
                              and not source.get("host"))


def validate_events_v1_event_create(event_v1: Mapping[str, Any]) -> ErrorList:
    """``ValidateEventCreate`` for a request to ``events.k8s.io/v1``: the legacy rules, then
    the strict ones for new events (metadata, series, ``eventTime`` required, ``type`` Normal or
    Warning, no deprecated fields). The event is checked as upstream's internal object, so
    paths use the core names (``involvedObject``, ``firstTimestamp``, ``source``...).

    The common new event that certainly passes is recognised first
    (:func:`_events_v1_event_create_plainly_valid`); anything else takes the full checks."""
    if _events_v1_event_create_plainly_valid(event_v1):
        return ErrorList()
    from ..conversion import events_v1_to_core_event

    event = events_v1_to_core_event(dict(event_v1), copy=False)  # read only
    errs = validate_event(event)
    errs.extend(validate_kube_object_meta(jdict(event.get("metadata")), True,
                                          name_is_dns_subdomain, Path("metadata")))
    errs.extend(_validate_v1_event_series(event))
    if not event.get("eventTime"):
        errs.append(required(Path("eventTime"), ""))
    etype = jstr(event.get("type"))
    if etype not in ("Normal", "Warning"):
        errs.append(invalid(Path("type"), "", f"has invalid value: {etype}"))
    for key in ("firstTimestamp", "lastTimestamp"):
        if event.get(key):
            errs.append(invalid(Path(key), "", "needs to be unset"))
    if jint(event.get("count")) != 0:
        errs.append(invalid(Path("count"), "", "needs to be unset"))
    source = jdict(event.get("source"))
    if source.get("component") or source.get("host"):
        errs.append(invalid(Path("source"), "", "needs to be unset"))
    return errs


def validate_events_v1_event_update(new_v1: Mapping[str, Any],
                                    old_v1: Mapping[str, Any]) -> ErrorList:
    """``ValidateEventUpdate`` for a request to ``events.k8s.io/v1``: the legacy rules, the
    metadata update rules, the series when it changed, and every other field immutable
    (upstream checks ``reason`` twice, so a changed reason is reported twice)."""
    from ..conversion import events_v1_to_core_event

    new = events_v1_to_core_event(dict(new_v1))
    old = events_v1_to_core_event(dict(old_v1))
    errs = validate_event(new)
    errs.extend(validate_kube_object_meta_update(jdict(new.get("metadata")),
                                                 jdict(old.get("metadata")), Path("metadata")))
    if normalize_json(new.get("series")) != normalize_json(old.get("series")):
        errs.extend(_validate_v1_event_series(new))
    for key, path in (("involvedObject", "involvedObject"), ("reason", "reason"),
                      ("message", "message"), ("source", "source"),
                      ("firstTimestamp", "firstTimestamp"), ("lastTimestamp", "lastTimestamp"),
                      ("count", "count"), ("reason", "reason"), ("type", "type"),
                      ("eventTime", "eventTime"), ("action", "action"), ("related", "related"),
                      ("reportingComponent", "reportingController"),
                      ("reportingInstance", "reportingInstance")):
        errs.extend(validate_immutable_field(new.get(key), old.get(key), Path(path)))
    return errs
