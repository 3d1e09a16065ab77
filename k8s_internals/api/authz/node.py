"""The Node authorizer (``--authorization-mode=Node``): what a kubelet may do.

Ported from ``plugin/pkg/auth/authorizer/node/node_authorizer.go`` (``NodeAuthorizer``), with the
node identity of ``pkg/auth/nodeidentifier/default.go`` and the rules of
``bootstrappolicy.NodeRules()`` (:func:`k8s_internals.api.authz.bootstrap.node_rules`).

A request is from a node when the user is named ``system:node:<nodeName>`` *and* is in the group
``system:nodes``; anyone else gets *no opinion* (so the next authorizer, RBAC, decides). A node
whose name is empty gets no opinion with ``unknown node for user "system:node:"``. Then:

- ``secrets``, ``configmaps``: only ``get``/``list``/``watch`` of one named object in a
  namespace, and only if a pod bound to the node references it;
- ``persistentvolumeclaims``: ``get`` of one used by a pod on the node; ``update``/``patch`` of its
  ``status``; ``persistentvolumes``: ``get`` of one whose ``claimRef`` is such a claim;
- ``resourceclaims`` (resource.k8s.io), ``volumeattachments`` (storage.k8s.io): ``get`` of ones
  related to the node;
- ``serviceaccounts``: ``create`` of the ``token`` subresource of a service account a pod on the
  node runs as; and (``KubeletServiceAccountTokenForCredentialProviders``, on since 1.34) ``get``
  of such a service account (the refusal texts of this newer ``get`` path are those of
  ``authorizeGet``; upstream's own wording there was not checked);
- ``leases`` (coordination.k8s.io): ``get``/``create``/``update``/``patch``/``delete`` in
  ``kube-node-lease``, named like the node (any name for ``create``);
- ``csinodes`` (storage.k8s.io): the same verbs, no subresource, named like the node;
- ``resourceslices`` (resource.k8s.io): ``create``; ``get``/``update``/``patch``/``delete`` of a
  slice whose ``spec.nodeName`` is the node; ``list``/``watch``/``deletecollection``;
- everything else: the static :func:`~k8s_internals.api.authz.bootstrap.node_rules`.

The reasons of the refusals are upstream's texts (``can only read resources of this type``,
``no relationship found between node 'node-1' and this object``, ...), so a kubelet's 403 reads
as it would on a real cluster.

Simplifications (what upstream does instead):

- Upstream keeps a graph (``graph.go``, ``graph_populator.go``) updated from pod, PV,
  VolumeAttachment and ResourceSlice informers. Here the relationships are computed on each
  request from a :class:`NodeGraphSource` (the simulator's caches): same answers, no indexes.
  Pods not yet bound (no ``spec.nodeName``) relate to nothing, as upstream.
- The ``AuthorizeNodeWithSelectors`` gate (beta, on by default since 1.32) additionally limits a
  node to reading its own Node object and to listing/watching pods with the field selector
  ``spec.nodeName=<node>``, and ``resourceslices`` list/watch to ``nodeName=<node>``. Our
  :class:`~k8s_internals.api.authz.attributes.Attributes` carry no field selector, so this port
  behaves as with the gate off (what 1.31 and earlier did): node and pod reads fall through to
  the static rules.
- What a node may write to its own objects is narrowed further by the NodeRestriction admission
  plugin (own Node, mirror pods bound to itself, ...); that is admission, not this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..user import NODES_GROUP, UserInfo
from .attributes import Attributes, Decision, Verdict
from .bootstrap import node_rules
from .messages import go_quote
from .rules import RulesForResult, rules_allow

__all__ = [
    "NODE_LEASE_NAMESPACE",
    "NODE_USER_PREFIX",
    "NodeAuthorizer",
    "NodeGraphSource",
    "NodeRelations",
    "StaticNodeGraphSource",
    "node_identity",
    "node_relations",
]

NODE_USER_PREFIX = "system:node:"
#: ``api.NamespaceNodeLease``
NODE_LEASE_NAMESPACE = "kube-node-lease"

Obj = Mapping[str, Any]


def node_identity(user: UserInfo) -> tuple[str, bool]:
    """``defaultNodeIdentifier.NodeIdentity``: ``(nodeName, isNode)``."""
    if not user.name.startswith(NODE_USER_PREFIX):
        return "", False
    if NODES_GROUP not in user.groups:
        return "", False
    return user.name[len(NODE_USER_PREFIX):], True


class NodeGraphSource(Protocol):
    """Where the authorizer learns what is bound to which node (upstream: informers)."""

    def list_pods(self) -> Iterable[Obj]: ...

    def list_persistent_volumes(self) -> Iterable[Obj]: ...

    def list_volume_attachments(self) -> Iterable[Obj]: ...

    def list_resource_slices(self) -> Iterable[Obj]: ...


@dataclass
class StaticNodeGraphSource:
    """A :class:`NodeGraphSource` over plain lists (tests, notebooks)."""

    pods: list[Obj] = field(default_factory=list)
    persistent_volumes: list[Obj] = field(default_factory=list)
    volume_attachments: list[Obj] = field(default_factory=list)
    resource_slices: list[Obj] = field(default_factory=list)

    def list_pods(self) -> list[Obj]:
        return self.pods

    def list_persistent_volumes(self) -> list[Obj]:
        return self.persistent_volumes

    def list_volume_attachments(self) -> list[Obj]:
        return self.volume_attachments

    def list_resource_slices(self) -> list[Obj]:
        return self.resource_slices


NsName = tuple[str, str]


@dataclass
class NodeRelations:
    """Everything with a path to one node in upstream's graph."""

    node: str
    pods: set[NsName] = field(default_factory=set)
    secrets: set[NsName] = field(default_factory=set)
    configmaps: set[NsName] = field(default_factory=set)
    pvcs: set[NsName] = field(default_factory=set)
    pvs: set[str] = field(default_factory=set)
    serviceaccounts: set[NsName] = field(default_factory=set)
    resourceclaims: set[NsName] = field(default_factory=set)
    volumeattachments: set[str] = field(default_factory=set)
    resourceslices: set[str] = field(default_factory=set)

    @property
    def known(self) -> bool:
        """Upstream only has a vertex for a node something refers to."""
        return bool(self.pods or self.volumeattachments or self.resourceslices)


def _meta(obj: Obj) -> tuple[str, str]:
    m = obj.get("metadata", {})
    return str(m.get("namespace", "") or ""), str(m.get("name", ""))


def _containers(spec: Obj) -> Iterable[Obj]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from spec.get(key) or []


def _name_of(ref: Any, key: str = "name") -> str:
    return str(ref.get(key) or "") if isinstance(ref, Mapping) else ""


def _pod_secret_names(spec: Obj) -> set[str]:
    """``podutil.VisitPodSecretNames``."""
    names = {_name_of(s) for s in spec.get("imagePullSecrets") or []}
    for c in _containers(spec):
        for env_from in c.get("envFrom") or []:
            names.add(_name_of(env_from.get("secretRef")))
        for env in c.get("env") or []:
            names.add(_name_of((env.get("valueFrom") or {}).get("secretKeyRef")))
    for vol in spec.get("volumes") or []:
        names.add(_name_of(vol.get("secret"), "secretName"))
        names.add(_name_of(vol.get("azureFile"), "secretName"))
        for src in ("cephfs", "cinder", "flexVolume", "rbd", "scaleIO", "iscsi", "storageos"):
            names.add(_name_of((vol.get(src) or {}).get("secretRef")))
        names.add(_name_of((vol.get("csi") or {}).get("nodePublishSecretRef")))
        for source in (vol.get("projected") or {}).get("sources") or []:
            names.add(_name_of(source.get("secret")))
    names.discard("")
    return names


def _pod_configmap_names(spec: Obj) -> set[str]:
    """``podutil.VisitPodConfigmapNames``."""
    names: set[str] = set()
    for c in _containers(spec):
        for env_from in c.get("envFrom") or []:
            names.add(_name_of(env_from.get("configMapRef")))
        for env in c.get("env") or []:
            names.add(_name_of((env.get("valueFrom") or {}).get("configMapKeyRef")))
    for vol in spec.get("volumes") or []:
        names.add(_name_of(vol.get("configMap")))
        for source in (vol.get("projected") or {}).get("sources") or []:
            names.add(_name_of(source.get("configMap")))
    names.discard("")
    return names


def _pv_secret_refs(pv: Obj) -> set[NsName]:
    """``pvutil.VisitPVSecretNames`` for the sources that name a namespace (CSI and the
    ``secretRef`` volume types)."""
    spec = pv.get("spec") or {}
    refs: set[NsName] = set()
    csi = spec.get("csi") or {}
    for key in ("nodePublishSecretRef", "nodeStageSecretRef", "nodeExpandSecretRef",
                "controllerPublishSecretRef", "controllerExpandSecretRef"):
        ref = csi.get(key) or {}
        if ref.get("name"):
            refs.add((str(ref.get("namespace", "")), str(ref["name"])))
    for src in ("cephfs", "flexVolume", "rbd", "scaleIO", "iscsi", "storageos", "cinder"):
        ref = (spec.get(src) or {}).get("secretRef") or {}
        if ref.get("name"):
            refs.add((str(ref.get("namespace", "")), str(ref["name"])))
    return refs


def node_relations(source: NodeGraphSource, node: str) -> NodeRelations:
    """Compute what upstream's graph links to ``node``."""
    rel = NodeRelations(node)
    for pod in source.list_pods():
        spec = pod.get("spec") or {}
        if spec.get("nodeName") != node:
            continue
        ns, name = _meta(pod)
        rel.pods.add((ns, name))
        if spec.get("serviceAccountName"):
            rel.serviceaccounts.add((ns, str(spec["serviceAccountName"])))
        rel.secrets.update((ns, s) for s in _pod_secret_names(spec))
        rel.configmaps.update((ns, c) for c in _pod_configmap_names(spec))
        for vol in spec.get("volumes") or []:
            claim = (vol.get("persistentVolumeClaim") or {}).get("claimName")
            if claim:
                rel.pvcs.add((ns, str(claim)))
            if vol.get("ephemeral") is not None:
                rel.pvcs.add((ns, f"{name}-{vol.get('name', '')}"))
        for status in (pod.get("status") or {}).get("resourceClaimStatuses") or []:
            if status.get("resourceClaimName"):
                rel.resourceclaims.add((ns, str(status["resourceClaimName"])))
    for pv in source.list_persistent_volumes():
        claim_ref = (pv.get("spec") or {}).get("claimRef") or {}
        key = (str(claim_ref.get("namespace", "")), str(claim_ref.get("name", "")))
        if key in rel.pvcs:
            rel.pvs.add(_meta(pv)[1])
            rel.secrets.update(_pv_secret_refs(pv))
    for va in source.list_volume_attachments():
        if (va.get("spec") or {}).get("nodeName") == node:
            rel.volumeattachments.add(_meta(va)[1])
    for rs in source.list_resource_slices():
        if (rs.get("spec") or {}).get("nodeName") == node:
            rel.resourceslices.add(_meta(rs)[1])
    return rel


def _no(reason: str = "") -> Decision:
    return Decision(Verdict.NO_OPINION, reason=reason) if reason else _NO_OPINION


#: what the authorizer answers every request that is not a node's (decisions are immutable)
_NO_OPINION = Decision(Verdict.NO_OPINION)


class NodeAuthorizer:
    """``NodeAuthorizer``: an authorizer and a rule resolver."""

    name = "Node"

    def __init__(self, graph: NodeGraphSource, rules: Sequence[Obj] | None = None) -> None:
        self.graph = graph
        self.node_rules: list[Obj] = list(node_rules() if rules is None else rules)

    def _allow(self, node: str, what: str) -> Decision:
        return Decision(Verdict.ALLOW, matched=f"Node: {node} {what}")

    def rules_for(self, user: UserInfo, namespace: str) -> RulesForResult:
        """Nodes' permissions are not enumerable: incomplete, with upstream's error."""
        _, is_node = node_identity(user)
        if is_node:
            return RulesForResult(
                incomplete=True,
                evaluation_error="node authorizer does not support user rule resolution",
            )
        return RulesForResult()

    def authorize(self, attrs: Attributes) -> Decision:
        node, is_node = node_identity(attrs.user)
        if not is_node:
            return _NO_OPINION
        if not node:
            return _no(f"unknown node for user {go_quote(attrs.user.name)}")

        if attrs.resource_request:
            group, resource = attrs.api_group, attrs.resource
            if group == "" and resource == "secrets":
                return self._read_namespaced(node, "secrets", attrs)
            if group == "" and resource == "configmaps":
                return self._read_namespaced(node, "configmaps", attrs)
            if group == "" and resource == "persistentvolumeclaims":
                if attrs.subresource == "status":
                    return self._status_update(node, "pvcs", attrs)
                return self._get(node, "pvcs", attrs)
            if group == "" and resource == "persistentvolumes":
                return self._get(node, "pvs", attrs)
            if group == "resource.k8s.io" and resource == "resourceclaims":
                return self._get(node, "resourceclaims", attrs)
            if group == "storage.k8s.io" and resource == "volumeattachments":
                return self._get(node, "volumeattachments", attrs)
            if group == "" and resource == "serviceaccounts":
                return self._create_token(node, attrs)
            if group == "coordination.k8s.io" and resource == "leases":
                return self._lease(node, attrs)
            if group == "storage.k8s.io" and resource == "csinodes":
                return self._csinode(node, attrs)
            if group == "resource.k8s.io" and resource == "resourceslices":
                return self._resource_slice(node, attrs)

        # Access to other resources is not subdivided: the static node rules decide.
        if rules_allow(attrs, self.node_rules):
            return self._allow(node, "by the node rules")
        return _no()

    # -- the subdivided resources ---------------------------------------------------------------

    def _status_update(self, node: str, kind: str, attrs: Attributes) -> Decision:
        if attrs.verb not in ("update", "patch"):
            return _no("can only get/update/patch this type")
        if attrs.subresource != "status":
            return _no("can only update status subresource")
        return self._related(node, kind, attrs)

    def _get(self, node: str, kind: str, attrs: Attributes) -> Decision:
        if attrs.verb != "get":
            return _no("can only get individual resources of this type")
        if attrs.subresource:
            return _no("cannot get subresource")
        return self._related(node, kind, attrs)

    def _read_namespaced(self, node: str, kind: str, attrs: Attributes) -> Decision:
        if attrs.verb not in ("get", "list", "watch"):
            return _no("can only read resources of this type")
        if attrs.subresource:
            return _no("cannot read subresource")
        if not attrs.namespace:
            return _no("can only read namespaced object of this type")
        return self._related(node, kind, attrs)

    def _has_path(self, node: str, kind: str, namespace: str, name: str) -> bool:
        rel = node_relations(self.graph, node)
        if not rel.known:
            return False  # upstream: unknown node '<node>' cannot get ...
        members: set[Any] = getattr(rel, kind)
        key: Any = name if kind in ("pvs", "volumeattachments", "resourceslices") else (
            namespace, name)
        return key in members

    def _related(self, node: str, kind: str, attrs: Attributes) -> Decision:
        """``authorize``: a named object with a path to the node."""
        if not attrs.name:
            return _no("No Object name found")
        if not self._has_path(node, kind, attrs.namespace, attrs.name):
            return _no(f"no relationship found between node '{node}' and this object")
        return self._allow(node, f"is related to {attrs.resource} {attrs.namespace}/{attrs.name}")

    def _create_token(self, node: str, attrs: Attributes) -> Decision:
        if attrs.verb == "get" and not attrs.subresource:
            return self._get(node, "serviceaccounts", attrs)
        if attrs.verb != "create" or not attrs.name:
            return _no("can only create tokens for individual service accounts")
        if attrs.subresource != "token":
            return _no("can only create token subresource of serviceaccount")
        if not self._has_path(node, "serviceaccounts", attrs.namespace, attrs.name):
            return _no(f"no relationship found between node '{node}' and this object")
        return self._allow(node, f"runs a pod as serviceaccount {attrs.namespace}/{attrs.name}")

    def _lease(self, node: str, attrs: Attributes) -> Decision:
        if attrs.verb not in ("get", "create", "update", "patch", "delete"):
            return _no("can only get, create, update, patch, or delete a node lease")
        if attrs.namespace != NODE_LEASE_NAMESPACE:
            return _no(f"can only access leases in the {go_quote(NODE_LEASE_NAMESPACE)} "
                       "system namespace")
        if attrs.verb != "create" and attrs.name != node:
            return _no("can only access node lease with the same name as the requesting node")
        return self._allow(node, "owns its lease")

    def _csinode(self, node: str, attrs: Attributes) -> Decision:
        if attrs.verb not in ("get", "create", "update", "patch", "delete"):
            return _no("can only get, create, update, patch, or delete a CSINode")
        if attrs.subresource:
            return _no("cannot authorize CSINode subresources")
        if attrs.verb != "create" and attrs.name != node:
            return _no("can only access CSINode with the same name as the requesting node")
        return self._allow(node, "owns its CSINode")

    def _resource_slice(self, node: str, attrs: Attributes) -> Decision:
        if attrs.subresource:
            return _no("cannot authorize ResourceSlice subresources")
        if attrs.verb == "create":
            return self._allow(node, "may create ResourceSlices (NodeRestriction checks)")
        if attrs.verb in ("get", "update", "patch", "delete"):
            return self._related(node, "resourceslices", attrs)
        if attrs.verb in ("watch", "list", "deletecollection"):
            # AuthorizeNodeWithSelectors off: broad list/watch, NodeRestriction guards deletes
            return self._allow(node, "may list ResourceSlices")
        return _no("only the following verbs are allowed for a ResourceSlice: get, watch, list, "
                   "create, update, patch, delete, deletecollection")
