"""Validation of the ``rbac.authorization.k8s.io/v1`` kinds, as
``pkg/apis/rbac/validation/validation.go``.

Kinds: Role, ClusterRole, RoleBinding, ClusterRoleBinding. Names only have to be safe as a
path segment (``ValidateRBACName``: not ``.``/``..``, no ``/`` or ``%``), so ``system:node`` is a
fine name. A binding's ``roleRef`` can never change: ``roleRef: Invalid value: {...}: cannot
change roleRef``, printed as the internal ``rbac.RoleRef`` struct.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .field import ErrorList, GoStruct, Path, invalid, not_supported, required
from .meta import (
    jdict,
    jlist,
    jstr,
    label_selector_as_selector,
    label_selector_value,
    validate_kube_object_meta,
    validate_kube_object_meta_update,
    validate_label_selector,
)
from .names import is_valid_path_segment_name, validate_service_account_name

__all__ = [
    "RBAC_GROUP",
    "validate_cluster_role",
    "validate_cluster_role_binding",
    "validate_cluster_role_binding_update",
    "validate_cluster_role_update",
    "validate_rbac_name",
    "validate_role",
    "validate_role_binding",
    "validate_role_binding_update",
    "validate_role_update",
]

RBAC_GROUP = "rbac.authorization.k8s.io"


def validate_rbac_name(name: str, prefix: bool) -> list[str]:
    """``ValidateRBACName``: ``path.IsValidPathSegmentName``."""
    return is_valid_path_segment_name(name)


def _validate_policy_rule(rule: Mapping[str, Any], namespaced: bool, path: Path) -> ErrorList:
    """``ValidatePolicyRule``."""
    errs = ErrorList()
    if not jlist(rule.get("verbs")):
        errs.append(required(path.child("verbs"), "verbs must contain at least one value"))
    urls = jlist(rule.get("nonResourceURLs"))
    if urls:
        if namespaced:
            errs.append(invalid(path.child("nonResourceURLs"), urls,
                                "namespaced rules cannot apply to non-resource URLs"))
        if jlist(rule.get("apiGroups")) or jlist(rule.get("resources")) or \
                jlist(rule.get("resourceNames")):
            errs.append(invalid(path.child("nonResourceURLs"), urls,
                                "rules cannot apply to both regular resources and non-resource "
                                "URLs"))
        return errs
    if not jlist(rule.get("apiGroups")):
        errs.append(required(path.child("apiGroups"),
                             "resource rules must supply at least one api group"))
    if not jlist(rule.get("resources")):
        errs.append(required(path.child("resources"),
                             "resource rules must supply at least one resource"))
    if jlist(rule.get("resourceNames")) and len(jlist(rule.get("resources"))) > 1:
        errs.append(required(path.child("resourceNames"),
                             "resource names cannot apply to multiple resources"))
    return errs


def _validate_rules(obj: Mapping[str, Any], namespaced: bool) -> ErrorList:
    errs = ErrorList()
    for i, rule in enumerate(jlist(obj.get("rules"))):
        errs.extend(_validate_policy_rule(jdict(rule), namespaced, Path("rules").index(i)))
    return errs


def validate_role(role: Mapping[str, Any]) -> ErrorList:
    """``ValidateRole``."""
    errs = validate_kube_object_meta(jdict(role.get("metadata")), True, validate_rbac_name,
                                     Path("metadata"))
    errs.extend(_validate_rules(role, True))
    return errs


def validate_role_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateRoleUpdate``."""
    errs = validate_role(new)
    errs.extend(validate_kube_object_meta_update(jdict(new.get("metadata")),
                                                 jdict(old.get("metadata")), Path("metadata")))
    return errs


def validate_cluster_role(role: Mapping[str, Any]) -> ErrorList:
    """``ValidateClusterRole``: rules, and an ``aggregationRule`` with at least one selector."""
    errs = validate_kube_object_meta(jdict(role.get("metadata")), False, validate_rbac_name,
                                     Path("metadata"))
    errs.extend(_validate_rules(role, False))
    agg = role.get("aggregationRule")
    if agg is not None:
        spath = Path("aggregationRule", "clusterRoleSelectors")
        selectors = jlist(jdict(agg).get("clusterRoleSelectors"))
        if not selectors:
            errs.append(required(spath, "at least one clusterRoleSelector required if "
                                        "aggregationRule is non-nil"))
        for i, sel in enumerate(selectors):
            errs.extend(validate_label_selector(jdict(sel), spath.index(i)))
            if label_selector_as_selector(jdict(sel)) is None:
                errs.append(invalid(spath.index(i), label_selector_value(jdict(sel)),
                                    "invalid label selector."))
    return errs


def validate_cluster_role_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateClusterRoleUpdate``."""
    errs = validate_cluster_role(new)
    errs.extend(validate_kube_object_meta_update(jdict(new.get("metadata")),
                                                 jdict(old.get("metadata")), Path("metadata")))
    return errs


def _validate_subject(subject: Mapping[str, Any], namespaced: bool, path: Path) -> ErrorList:
    """``ValidateRoleBindingSubject``."""
    errs = ErrorList()
    name, kind, group = jstr(subject.get("name")), jstr(subject.get("kind")), \
        jstr(subject.get("apiGroup"))
    if not name:
        errs.append(required(path.child("name"), ""))
    if kind == "ServiceAccount":
        if name:
            errs.extend(invalid(path.child("name"), name, m)
                        for m in validate_service_account_name(name, False))
        if group:
            errs.append(not_supported(path.child("apiGroup"), group, [""]))
        if not namespaced and not jstr(subject.get("namespace")):
            errs.append(required(path.child("namespace"), ""))
    elif kind in ("User", "Group"):
        if not name:
            errs.append(invalid(path.child("name"), name,
                                f"{'user' if kind == 'User' else 'group'} name cannot be empty"))
        if group != RBAC_GROUP:
            errs.append(not_supported(path.child("apiGroup"), group, [RBAC_GROUP]))
    else:
        errs.append(not_supported(path.child("kind"), kind, ["ServiceAccount", "User", "Group"]))
    return errs


def _validate_binding(binding: Mapping[str, Any], namespaced: bool) -> ErrorList:
    errs = validate_kube_object_meta(jdict(binding.get("metadata")), namespaced,
                                     validate_rbac_name, Path("metadata"))
    ref = jdict(binding.get("roleRef"))
    if jstr(ref.get("apiGroup")) != RBAC_GROUP:
        errs.append(not_supported(Path("roleRef", "apiGroup"), jstr(ref.get("apiGroup")),
                                  [RBAC_GROUP]))
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    if jstr(ref.get("kind")) not in kinds:
        errs.append(not_supported(Path("roleRef", "kind"), jstr(ref.get("kind")), kinds))
    name = jstr(ref.get("name"))
    if not name:
        errs.append(required(Path("roleRef", "name"), ""))
    else:
        errs.extend(invalid(Path("roleRef", "name"), name, m)
                    for m in validate_rbac_name(name, False))
    for i, subject in enumerate(jlist(binding.get("subjects"))):
        errs.extend(_validate_subject(jdict(subject), namespaced, Path("subjects").index(i)))
    return errs


def _go_role_ref(ref: Mapping[str, Any]) -> GoStruct:
    """The internal ``rbac.RoleRef`` (no JSON tags: Go field names)."""
    return GoStruct(APIGroup=jstr(ref.get("apiGroup")), Kind=jstr(ref.get("kind")),
                    Name=jstr(ref.get("name")))


def _binding_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    nref, oref = _go_role_ref(jdict(new.get("roleRef"))), _go_role_ref(jdict(old.get("roleRef")))
    if nref != oref:
        errs.append(invalid(Path("roleRef"), nref, "cannot change roleRef"))
    return errs


def validate_role_binding(binding: Mapping[str, Any]) -> ErrorList:
    """``ValidateRoleBinding``."""
    return _validate_binding(binding, True)


def validate_role_binding_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateRoleBindingUpdate``: ``roleRef`` is immutable."""
    errs = validate_role_binding(new)
    errs.extend(_binding_update(new, old))
    return errs


def validate_cluster_role_binding(binding: Mapping[str, Any]) -> ErrorList:
    """``ValidateClusterRoleBinding``: subjects that are service accounts need a namespace."""
    return _validate_binding(binding, False)


def validate_cluster_role_binding_update(new: Mapping[str, Any],
                                         old: Mapping[str, Any]) -> ErrorList:
    """``ValidateClusterRoleBindingUpdate``: ``roleRef`` is immutable."""
    errs = validate_cluster_role_binding(new)
    errs.extend(_binding_update(new, old))
    return errs
