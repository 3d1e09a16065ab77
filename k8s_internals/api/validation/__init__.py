"""The API server's validation: upstream's field errors with upstream's exact texts.

- :mod:`.field` — ``field.Path``, ``field.Error`` (:class:`FieldError`), ``ErrorList`` and the
  422 ``Status`` of ``NewInvalid``;
- :mod:`.names` — DNS names, label keys and values, ports, env var names, IPs...;
- :mod:`.quantity` — ``resource.Quantity``;
- :mod:`.meta` — ``ObjectMeta``, labels, annotations, label selectors;
- :mod:`.core`, :mod:`.apps`, :mod:`.rbac`, :mod:`.other` — per-kind validators;
- :mod:`.registry` — :func:`validate` / :func:`validate_status_update` by (group, kind).

Example::

    errs = validate(deployment)            # create
    errs = validate(new, old)              # update
    invalid_message("apps", "Deployment", "web", errs)
    # 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater
    #  than or equal to 0'
"""

from .field import (
    OMIT_VALUE,
    ErrorList,
    ErrorType,
    FieldError,
    GoStruct,
    Path,
    aggregate_message,
    duplicate,
    forbidden,
    go_json,
    go_quote,
    group_kind_string,
    internal_error,
    invalid,
    invalid_message,
    invalid_status,
    not_found,
    not_supported,
    required,
    too_long,
    too_many,
)
from .meta import (
    validate_annotations,
    validate_immutable_field,
    validate_kube_object_meta,
    validate_kube_object_meta_update,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from .names import (
    is_c_identifier,
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_env_var_name,
    is_qualified_name,
    is_relaxed_env_var_name,
    is_valid_cidr,
    is_valid_ip,
    is_valid_label_value,
    is_valid_path_segment_name,
    is_valid_percent,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    validate_namespace_name,
    validate_path_segment_name,
    validate_service_account_name,
)
from .quantity import Format, Quantity, QuantityParseError, parse_quantity
from .registry import KINDS, validate, validate_status_update

__all__ = [
    "KINDS",
    "OMIT_VALUE",
    "ErrorList",
    "ErrorType",
    "FieldError",
    "Format",
    "GoStruct",
    "Path",
    "Quantity",
    "QuantityParseError",
    "aggregate_message",
    "duplicate",
    "forbidden",
    "go_json",
    "go_quote",
    "group_kind_string",
    "internal_error",
    "invalid",
    "invalid_message",
    "invalid_status",
    "is_c_identifier",
    "is_config_map_key",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_env_var_name",
    "is_qualified_name",
    "is_relaxed_env_var_name",
    "is_valid_cidr",
    "is_valid_ip",
    "is_valid_label_value",
    "is_valid_path_segment_name",
    "is_valid_percent",
    "is_valid_port_name",
    "is_valid_port_num",
    "name_is_dns1035_label",
    "name_is_dns_label",
    "name_is_dns_subdomain",
    "not_found",
    "not_supported",
    "parse_quantity",
    "required",
    "too_long",
    "too_many",
    "validate",
    "validate_annotations",
    "validate_immutable_field",
    "validate_kube_object_meta",
    "validate_kube_object_meta_update",
    "validate_label_selector",
    "validate_labels",
    "validate_namespace_name",
    "validate_object_meta",
    "validate_object_meta_update",
    "validate_path_segment_name",
    "validate_service_account_name",
    "validate_status_update",
]
