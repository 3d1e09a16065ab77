"""Validation of Lease (``coordination.k8s.io/v1``), EndpointSlice (``discovery.k8s.io/v1``)
and StorageClass (``storage.k8s.io/v1``), as ``pkg/apis/coordination/validation/validation.go``,
``pkg/apis/discovery/validation/validation.go`` and ``pkg/apis/storage/validation/validation.go``.

Lease uses apimachinery's ``ValidateObjectMeta`` directly (no legacy finalizer-name check), and
upstream reports a bad ``spec.strategy`` on ``spec.strategy.strategy`` (it appends the child
twice); kept. EndpointSlice reports the ``v1`` ``deprecatedTopology`` under its internal name
``topology``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .core import (
    validate_dns1123_label,
    validate_node_name,
    validate_non_special_ip,
    validate_qualified_name,
)
from .field import (
    ErrorList,
    Path,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
    too_long,
    too_many,
)
from .meta import (
    jdict,
    jint,
    jlist,
    jstr,
    normalize_json,
    validate_immutable_field,
    validate_kube_object_meta,
    validate_kube_object_meta_update,
    validate_label_name,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from .names import (
    is_fully_qualified_domain_name,
    is_qualified_name,
    is_valid_ip,
    is_valid_ipv4_address,
    is_valid_ipv6_address,
    name_is_dns_subdomain,
)

__all__ = [
    "validate_endpoint_slice",
    "validate_endpoint_slice_update",
    "validate_lease",
    "validate_lease_update",
    "validate_storage_class",
    "validate_storage_class_update",
]


# --------------------------------------------------------------------------------------------
# coordination.k8s.io: Lease
# --------------------------------------------------------------------------------------------


def _validate_lease_spec(spec: Mapping[str, Any], path: Path) -> ErrorList:
    """``ValidateLeaseSpec``."""
    errs = ErrorList()
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and jint(duration) <= 0:
        errs.append(invalid(path.child("leaseDurationSeconds"), jint(duration),
                            "must be greater than 0"))
    transitions = spec.get("leaseTransitions")
    if transitions is not None and jint(transitions) < 0:
        errs.append(invalid(path.child("leaseTransitions"), jint(transitions),
                            "must be greater than or equal to 0"))
    strategy = spec.get("strategy")
    if strategy is not None:
        spath = path.child("strategy").child("strategy")
        value = jstr(strategy)
        if len(value.split("/")) == 1:
            if value != "OldestEmulationVersion":
                errs.append(not_supported(spath, value, ["OldestEmulationVersion"]))
        else:
            errs.extend(invalid(spath, value, m) for m in is_qualified_name(value))
    if jstr(spec.get("preferredHolder")) and not jstr(strategy):
        errs.append(forbidden(path.child("preferredHolder"),
                              "may only be specified if `strategy` is defined"))
    return errs


def validate_lease(lease: Mapping[str, Any]) -> ErrorList:
    """``ValidateLease``."""
    errs = validate_object_meta(jdict(lease.get("metadata")), True, name_is_dns_subdomain,
                                Path("metadata"))
    errs.extend(_validate_lease_spec(jdict(lease.get("spec")), Path("spec")))
    return errs


def validate_lease_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateLeaseUpdate``."""
    errs = validate_object_meta_update(jdict(new.get("metadata")), jdict(old.get("metadata")),
                                       Path("metadata"))
    errs.extend(_validate_lease_spec(jdict(new.get("spec")), Path("spec")))
    return errs


# --------------------------------------------------------------------------------------------
# discovery.k8s.io: EndpointSlice
# --------------------------------------------------------------------------------------------

_ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")  # sets.String.List(): sorted
_PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")


def _validate_endpoint_slice(es: Mapping[str, Any], valid_types: tuple[str, ...]) -> ErrorList:
    """``ValidateEndpointSlice``."""
    errs = validate_kube_object_meta(jdict(es.get("metadata")), True, name_is_dns_subdomain,
                                     Path("metadata"))
    address_type = jstr(es.get("addressType"))
    if not address_type:
        errs.append(required(Path("addressType"), ""))
    elif address_type not in valid_types:
        errs.append(not_supported(Path("addressType"), address_type, valid_types))
    endpoints = jlist(es.get("endpoints"))
    epath = Path("endpoints")
    if len(endpoints) > 1000:
        errs.append(too_many(epath, len(endpoints), 1000))
    else:
        for i, ep in enumerate(endpoints):
            ep = jdict(ep)
            idx = epath.index(i)
            apath = idx.child("addresses")
            addresses = [jstr(a) for a in jlist(ep.get("addresses"))]
            if not addresses:
                errs.append(required(apath, "must contain at least 1 address"))
            elif len(addresses) > 100:
                errs.append(too_many(apath, len(addresses), 100))
            for j, address in enumerate(addresses):
                p = apath.index(j)
                if address_type == "IP":
                    errs.extend(is_valid_ip(p, address))
                elif address_type == "IPv4":
                    errs.extend(is_valid_ipv4_address(p, address))
                    errs.extend(validate_non_special_ip(address, p))
                elif address_type == "IPv6":
                    errs.extend(is_valid_ipv6_address(p, address))
                    errs.extend(validate_non_special_ip(address, p))
                elif address_type == "FQDN":
                    errs.extend(is_fully_qualified_domain_name(p, address))
            topology = jdict(ep.get("deprecatedTopology"))
            tpath = idx.child("topology")
            if len(topology) > 16:
                errs.append(too_many(tpath, len(topology), 16))
            errs.extend(validate_labels(topology, tpath))
            if ep.get("hostname") is not None:
                errs.extend(validate_dns1123_label(jstr(ep.get("hostname")), idx.child("hostname")))
            if ep.get("nodeName") is not None:
                node = jstr(ep.get("nodeName"))
                errs.extend(invalid(idx.child("nodeName"), node, m)
                            for m in validate_node_name(node, False))
    ports = jlist(es.get("ports"))
    ppath = Path("ports")
    if len(ports) > 100:
        errs.append(too_many(ppath, len(ports), 100))
        return errs
    names: set[str] = set()
    for i, port in enumerate(ports):
        port = jdict(port)
        idx = ppath.index(i)
        name = jstr(port.get("name"))
        if name:
            errs.extend(validate_dns1123_label(name, idx.child("name")))
        if name in names:
            errs.append(duplicate(idx.child("name"), name))
        else:
            names.add(name)
        protocol = port.get("protocol")
        if protocol is None:
            errs.append(required(idx.child("protocol"), ""))
        elif jstr(protocol) not in _PORT_PROTOCOLS:
            errs.append(not_supported(idx.child("protocol"), jstr(protocol), _PORT_PROTOCOLS))
        if port.get("appProtocol") is not None:
            errs.extend(validate_qualified_name(jstr(port.get("appProtocol")),
                                                idx.child("appProtocol")))
    return errs


def validate_endpoint_slice(es: Mapping[str, Any]) -> ErrorList:
    """``ValidateEndpointSliceCreate``: address type ``IPv4``, ``IPv6`` or ``FQDN``."""
    return _validate_endpoint_slice(es, _ADDRESS_TYPES)


def validate_endpoint_slice_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateEndpointSliceUpdate``: the deprecated ``IP`` type is tolerated; the address
    type is immutable."""
    errs = _validate_endpoint_slice(new, ("FQDN", "IP", "IPv4", "IPv6"))
    errs.extend(validate_immutable_field(jstr(new.get("addressType")),
                                         jstr(old.get("addressType")), Path("addressType")))
    return errs


# --------------------------------------------------------------------------------------------
# storage.k8s.io: StorageClass
# --------------------------------------------------------------------------------------------


def _validate_allowed_topologies(terms: list[Any], path: Path) -> ErrorList:
    """``validateAllowedTopologies`` / ``ValidateTopologySelectorTerm``.

    Upstream quirk kept: the list of terms seen so far starts with ``len(terms)`` nil maps
    (``make([]map..., len(topologies))`` then ``append``), and nil equals empty under
    ``Semantic.DeepEqual``; so a term with no ``matchLabelExpressions`` is reported as a
    ``Duplicate`` once per term (and once more per earlier empty term)."""
    errs = ErrorList()
    seen: list[dict[str, frozenset[str]]] = [{} for _ in terms]
    for i, term in enumerate(terms):
        idx = path.index(i)
        expr_map: dict[str, frozenset[str]] = {}
        epath = idx.child("matchLabelExpressions")
        for j, req in enumerate(jlist(jdict(term).get("matchLabelExpressions"))):
            req = jdict(req)
            rpath = epath.index(j)
            values = [jstr(v) for v in jlist(req.get("values"))]
            if not values:
                errs.append(required(rpath.child("values"), ""))
            value_set: set[str] = set()
            for k, v in enumerate(values):
                if v in value_set:
                    errs.append(duplicate(rpath.child("values").index(k), v))
                value_set.add(v)
            key = jstr(req.get("key"))
            errs.extend(validate_label_name(key, rpath.child("key")))
            if key in expr_map:
                errs.append(duplicate(rpath.child("key"), key))
            expr_map[key] = frozenset(value_set)
        for earlier in seen:
            if earlier == expr_map:
                errs.append(duplicate(epath, ""))
        seen.append(expr_map)
    return errs


def validate_storage_class(sc: Mapping[str, Any]) -> ErrorList:
    """``ValidateStorageClass``."""
    errs = validate_kube_object_meta(jdict(sc.get("metadata")), False, name_is_dns_subdomain,
                                     Path("metadata"))
    provisioner = jstr(sc.get("provisioner"))
    if not provisioner:
        errs.append(required(Path("provisioner"), provisioner))
    else:
        errs.extend(validate_qualified_name(provisioner.lower(), Path("provisioner")))
    params = jdict(sc.get("parameters"))
    ppath = Path("parameters")
    if len(params) > 512:
        errs.append(too_long(ppath, 512))
    else:
        total = 0
        for k, v in params.items():
            if not k:
                errs.append(invalid(ppath, k, "field can not be empty."))
            total += len(k.encode()) + len(jstr(v).encode())
        if total > 256 * (1 << 10):
            errs.append(too_long(ppath, 256 * (1 << 10)))
    policy = sc.get("reclaimPolicy")
    if jstr(policy) and jstr(policy) not in ("Delete", "Retain"):
        errs.append(not_supported(Path("reclaimPolicy"), jstr(policy), ["Delete", "Retain"]))
    mode = sc.get("volumeBindingMode")
    if mode is None:
        errs.append(required(Path("volumeBindingMode"), ""))
    elif jstr(mode) not in ("Immediate", "WaitForFirstConsumer"):
        errs.append(not_supported(Path("volumeBindingMode"), jstr(mode),
                                  ["Immediate", "WaitForFirstConsumer"]))
    errs.extend(_validate_allowed_topologies(jlist(sc.get("allowedTopologies")),
                                             Path("allowedTopologies")))
    return errs


def validate_storage_class_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> ErrorList:
    """``ValidateStorageClassUpdate``: parameters, provisioner, reclaim policy and binding mode
    are fixed."""
    errs = validate_kube_object_meta_update(jdict(new.get("metadata")),
                                            jdict(old.get("metadata")), Path("metadata"))
    if normalize_json(jdict(new.get("parameters"))) != normalize_json(jdict(old.get("parameters"))):
        errs.append(forbidden(Path("parameters"), "updates to parameters are forbidden."))
    if jstr(new.get("provisioner")) != jstr(old.get("provisioner")):
        errs.append(forbidden(Path("provisioner"), "updates to provisioner are forbidden."))
    if jstr(new.get("reclaimPolicy")) != jstr(old.get("reclaimPolicy")):
        errs.append(forbidden(Path("reclaimPolicy"), "updates to reclaimPolicy are forbidden."))
    errs.extend(validate_immutable_field(new.get("volumeBindingMode"),
                                         old.get("volumeBindingMode"), Path("volumeBindingMode")))
    return errs
