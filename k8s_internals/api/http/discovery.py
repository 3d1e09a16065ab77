"""Discovery documents: what resources the server has, in both of upstream's shapes.

Legacy discovery (``staging/src/k8s.io/apiserver/pkg/endpoints/discovery/``: ``legacy.go``,
``root.go``, ``group.go``, ``version.go``)::

    GET /api             → APIVersions      {"versions": ["v1"], "serverAddressByClientCIDRs": ...}
    GET /apis            → APIGroupList     {"groups": [{"name": "apps", "versions": ...}]}
    GET /apis/apps       → APIGroup
    GET /api/v1          → APIResourceList  {"groupVersion": "v1", "resources": [...]}
    GET /apis/apps/v1    → APIResourceList

Aggregated discovery (``discovery/aggregated/``, ``apidiscovery.k8s.io/v2``): ``/api`` and
``/apis`` answer one ``APIGroupDiscoveryList`` each — every group, version, resource and
subresource — when the ``Accept`` header asks for it, so kubectl learns everything in two
requests instead of one per group-version.

Resource entries follow ``installer.go``: resources and subresources sorted by path
(``pods``, ``pods/binding``, ``pods/eviction``...), verbs sorted, a subresource served in
another group (``deployments/scale`` → ``autoscaling/v1`` ``Scale``) says so, and each main
resource carries its ``storageVersionHash`` (``discovery.StorageVersionHash``: base64 of the
first 8 bytes of SHA-256 of ``group/version/kind`` of the storage version, so events.k8s.io
events share core events' hash). Groups are ordered by upstream's
``APIVersionPriorities`` (``pkg/controlplane/apiserver/aggregator.go``).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from ..conversion import storage_info
from ..resources import RESOURCES, ResourceInfo, group_versions

__all__ = [
    "aggregated_discovery",
    "api_group",
    "api_group_list",
    "api_resource_list",
    "api_versions",
    "storage_version_hash",
]

#: ``APIVersionPriorities``: group priority (higher first) for the groups served here
GROUP_PRIORITY = {
    "": 18000,
    "apps": 17800,
    "events.k8s.io": 17750,
    "authentication.k8s.io": 17700,
    "authorization.k8s.io": 17600,
    "autoscaling": 17500,
    "batch": 17400,
    "certificates.k8s.io": 17300,
    "networking.k8s.io": 17200,
    "policy": 17100,
    "rbac.authorization.k8s.io": 17000,
    "storage.k8s.io": 16800,
    "admissionregistration.k8s.io": 16700,
    "scheduling.k8s.io": 16600,
    "coordination.k8s.io": 16500,
    "node.k8s.io": 16300,
    "discovery.k8s.io": 16200,
    "flowcontrol.apiserver.k8s.io": 16100,
}


def storage_version_hash(group: str, version: str, kind: str) -> str:
    """``discovery.StorageVersionHash``.

    >>> storage_version_hash("", "v1", "Pod")
    'xPOwRZ+Yhw8='
    """
    digest = hashlib.sha256(f"{group}/{version}/{kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


def _groups() -> list[str]:
    groups: list[str] = []
    for g, _ in group_versions():
        if g and g not in groups:
            groups.append(g)
    return sorted(groups, key=lambda g: (-GROUP_PRIORITY.get(g, 0), g))


def _versions(group: str) -> list[str]:
    return [v for g, v in group_versions() if g == group]


def _gv(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def _served(group: str, version: str) -> list[ResourceInfo]:
    return sorted((r for r in RESOURCES if (r.group, r.version) == (group, version)),
                  key=lambda r: r.plural)


# -- legacy -----------------------------------------------------------------------------------


def api_versions(server_address: str) -> dict[str, Any]:
    """``GET /api``: ``metav1.APIVersions``."""
    return {"kind": "APIVersions", "versions": _versions(""),
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                            "serverAddress": server_address}]}


def api_group(group: str) -> dict[str, Any]:
    """``GET /apis/<group>``: ``metav1.APIGroup``."""
    versions = [{"groupVersion": _gv(group, v), "version": v} for v in _versions(group)]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": versions,
            "preferredVersion": versions[0]}


def api_group_list() -> dict[str, Any]:
    """``GET /apis``: ``metav1.APIGroupList``."""
    groups = []
    for g in _groups():
        doc = api_group(g)
        del doc["kind"], doc["apiVersion"]
        groups.append(doc)
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_resource_list(group: str, version: str) -> dict[str, Any] | None:
    """``GET /api/v1`` or ``/apis/<group>/<version>``: ``metav1.APIResourceList``."""
    served = _served(group, version)
    if not served:
        return None
    resources: list[dict[str, Any]] = []
    for r in served:
        entry: dict[str, Any] = {"name": r.plural, "singularName": r.singular,
                                 "namespaced": r.namespaced, "kind": r.kind,
                                 "verbs": sorted(r.verbs)}
        if r.short_names:
            entry["shortNames"] = list(r.short_names)
        if r.categories:
            entry["categories"] = list(r.categories)
        if r.persisted:
            # the hash of the version objects are *stored* in (events.k8s.io events: v1)
            stored = storage_info(r)
            entry["storageVersionHash"] = storage_version_hash(stored.group, stored.version,
                                                               stored.kind)
        resources.append(entry)
        for s in sorted(r.subresources, key=lambda s: s.name):
            sub: dict[str, Any] = {"name": f"{r.plural}/{s.name}", "singularName": "",
                                   "namespaced": r.namespaced}
            if s.group or s.version:
                sub["group"] = s.group
                sub["version"] = s.version
            sub["kind"] = s.kind
            sub["verbs"] = sorted(s.verbs)
            resources.append(sub)
    doc: dict[str, Any] = {"kind": "APIResourceList"}
    if group:
        doc["apiVersion"] = "v1"
    doc["groupVersion"] = _gv(group, version)
    doc["resources"] = resources
    return doc


# -- aggregated ---------------------------------------------------------------------------------


def _resource_discovery(r: ResourceInfo) -> dict[str, Any]:
    d: dict[str, Any] = {
        "resource": r.plural,
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": sorted(r.verbs),
    }
    if r.short_names:
        d["shortNames"] = list(r.short_names)
    if r.categories:
        d["categories"] = list(r.categories)
    subs = []
    for s in sorted(r.subresources, key=lambda s: s.name):
        group = s.group if (s.group or s.version) else r.group
        version = s.version or r.version
        subs.append({"subresource": s.name,
                     "responseKind": {"group": group, "version": version, "kind": s.kind},
                     "verbs": sorted(s.verbs)})
    if subs:
        d["subresources"] = subs
    return d


def aggregated_discovery(legacy: bool, version: str = "v2") -> dict[str, Any]:
    """``apidiscovery.k8s.io`` ``APIGroupDiscoveryList`` for ``/api`` (``legacy``) or
    ``/apis``."""
    groups = [""] if legacy else _groups()
    items = []
    for g in groups:
        meta: dict[str, Any] = {"creationTimestamp": None}
        if g:
            meta = {"name": g, "creationTimestamp": None}
        versions = [{"version": v,
                     "resources": [_resource_discovery(r) for r in _served(g, v)],
                     "freshness": "Current"} for v in _versions(g)]
        items.append({"metadata": meta, "versions": versions})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": f"apidiscovery.k8s.io/{version}",
            "metadata": {}, "items": items}
