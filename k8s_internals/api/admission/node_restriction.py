"""NodeRestriction: a kubelet may only change its own Node and the pods bound to it.

Upstream: ``plugin/pkg/admission/noderestriction/admission.go`` (``Plugin.Admit``). It completes
the Node authorizer (:mod:`..authz.node`): authorization says *which kinds* of request a
``system:node:<name>`` user in ``system:nodes`` may make, this plugin checks *which objects*.
Requests from anyone else pass untouched. A mutating plugin upstream (it implements ``Admit``)
that never mutates; CREATE, UPDATE and DELETE:

- ``pods``: a node may create only *mirror* pods (annotation ``kubernetes.io/config.mirror``)
  bound to itself, owned by its own Node (a single controller owner reference with the Node's
  uid, no ``blockOwnerDeletion``), referencing no ServiceAccount, Secret, ConfigMap,
  ClusterTrustBundle or PVC; may delete only pods bound to itself; ``pods/status`` only for its
  own pods and without touching labels; ``pods/eviction`` only of its own pods. Any other pod
  subresource is refused.
- ``nodes``: only its own Node (``node "n1" is not allowed to modify node "n2"``); it may not set
  ``node-restriction.kubernetes.io/`` labels nor ``kubernetes.io``/``k8s.io`` labels outside the
  kubelet's own set, nor change its taints or ``configSource``.
- ``persistentvolumeclaims``: only ``status``, and only ``capacity`` and ``conditions`` in it.
- ``serviceaccounts/token``: only tokens bound to a pod (with its uid) running on this node.
- ``leases.coordination.k8s.io``: only its own lease in ``kube-node-lease``.
- ``csinodes.storage.k8s.io``: only the one named after itself.

The simulator's ``pods/eviction`` reaches admission as a DELETE with subresource ``eviction``
(upstream: a CREATE of an Eviction); both are accepted here. Messages are upstream's, including
its one message without the node's name (``is not allowed to modify labels: ...``); the PVC
status refusal leaves out the ``go-cmp`` diff upstream appends.
"""

from __future__ import annotations

import copy
from typing import Any

from .. import errors
from ..authz.node import _pod_configmap_names, _pod_secret_names, node_identity
from .interfaces import AdmissionContext, AdmissionError, Attributes, Operation
from .service_account import MIRROR_POD_ANNOTATION

__all__ = ["NodeRestriction", "is_kubelet_label"]

#: ``v1.LabelNamespaceNodeRestriction``
LABEL_NAMESPACE_NODE_RESTRICTION = "node-restriction.kubernetes.io"
#: ``api.NamespaceNodeLease``
NAMESPACE_NODE_LEASE = "kube-node-lease"

#: ``k8s.io/kubelet/pkg/apis`` ``kubeletLabels``
_KUBELET_LABELS = frozenset({
    "kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
    "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", "kubernetes.io/os",
    "kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/arch",
    "node.kubernetes.io/windows-build",
})
_KUBELET_LABEL_NAMESPACES = ("kubelet.kubernetes.io", "node.kubernetes.io")

Obj = dict[str, Any]


def _label_namespace(key: str) -> str:
    parts = key.split("/", 1)
    return parts[0] if len(parts) == 2 else ""


def is_kubelet_label(key: str) -> bool:
    """``kubeletapis.IsKubeletLabel``."""
    if key in _KUBELET_LABELS:
        return True
    ns = _label_namespace(key)
    return any(ns == n or ns.endswith("." + n) for n in _KUBELET_LABEL_NAMESPACES)


def _is_kubernetes_label(key: str) -> bool:
    ns = _label_namespace(key)
    return (ns == "kubernetes.io" or ns.endswith(".kubernetes.io") or ns == "k8s.io"
            or ns.endswith(".k8s.io"))


def _modified_labels(a: dict[str, str], b: dict[str, str]) -> set[str]:
    """``getModifiedLabels``."""
    return {k for k in set(a) | set(b) if a.get(k) != b.get(k) or (k in a) != (k in b)}


def _forbidden_labels(modified: set[str]) -> list[str]:
    """``getForbiddenLabels``, sorted (``sets.String.List``)."""
    out = set()
    for label in modified:
        ns = _label_namespace(label)
        if ns == LABEL_NAMESPACE_NODE_RESTRICTION or ns.endswith(
                "." + LABEL_NAMESPACE_NODE_RESTRICTION):
            out.add(label)
        if _is_kubernetes_label(label) and not is_kubelet_label(label):
            out.add(label)
    return sorted(out)


def _meta(obj: Obj | None) -> dict[str, Any]:
    return (obj or {}).get("metadata") or {}


def _spec(obj: Obj | None) -> dict[str, Any]:
    return (obj or {}).get("spec") or {}


class NodeRestriction:
    """``noderestriction.Plugin``."""

    name = "NodeRestriction"

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE, Operation.DELETE)

    @staticmethod
    def may_mutate(a: Attributes) -> bool:
        """Whether :meth:`admit` may change ``a.obj``: only for a node's own requests."""
        return node_identity(a.user)[1]

    def admit(self, a: Attributes, ctx: AdmissionContext) -> None:
        node_name, is_node = node_identity(a.user)
        if not is_node:
            return
        if not node_name:
            raise AdmissionError(f'could not determine node from user "{a.user.name}"')
        gr = (a.group, a.resource)
        if gr == ("", "pods"):
            if a.subresource == "":
                self._admit_pod(node_name, a, ctx)
            elif a.subresource == "status":
                self._admit_pod_status(node_name, a)
            elif a.subresource == "eviction":
                self._admit_pod_eviction(node_name, a, ctx)
            else:
                raise AdmissionError(f'unexpected pod subresource "{a.subresource}", only '
                                     "'status' and 'eviction' are allowed")
        elif gr == ("", "nodes"):
            self._admit_node(node_name, a)
        elif gr == ("", "persistentvolumeclaims"):
            if a.subresource != "status":
                raise AdmissionError("may only update PVC status")
            self._admit_pvc_status(node_name, a)
        elif gr == ("", "serviceaccounts"):
            self._admit_service_account(node_name, a, ctx)
        elif gr == ("coordination.k8s.io", "leases"):
            self._admit_lease(node_name, a)
        elif gr == ("storage.k8s.io", "csinodes"):
            name = _meta(a.obj).get("name", "") if a.operation is Operation.CREATE else a.name
            if name != node_name:
                raise AdmissionError(
                    "can only access CSINode with the same name as the requesting node")

    # -- pods -------------------------------------------------------------------------------

    def _existing_pod(self, a: Attributes, ctx: AdmissionContext, name: str) -> Obj:
        pod = a.old_obj if a.old_obj is not None and _meta(a.old_obj).get("name") == name \
            else ctx.get("", "pods", a.namespace, name)
        if pod is None:
            raise errors.not_found("", "pods", name)
        return pod

    def _admit_pod(self, node: str, a: Attributes, ctx: AdmissionContext) -> None:
        if a.operation is Operation.CREATE:
            self._admit_pod_create(node, a, ctx)
        elif a.operation is Operation.DELETE:
            existing = self._existing_pod(a, ctx, a.name)
            if _spec(existing).get("nodeName") != node:
                raise AdmissionError(
                    f'node "{node}" can only delete pods with spec.nodeName set to itself')
        else:
            raise AdmissionError(f'unexpected operation "{a.operation.value}", node "{node}" '
                                 "can only create and delete mirror pods")

    def _admit_pod_create(self, node: str, a: Attributes, ctx: AdmissionContext) -> None:
        pod = a.obj or {}
        meta, spec = _meta(pod), _spec(pod)
        if MIRROR_POD_ANNOTATION not in (meta.get("annotations") or {}):
            raise AdmissionError(f'pod does not have "{MIRROR_POD_ANNOTATION}" annotation, node '
                                 f'"{node}" can only create mirror pods')
        if spec.get("nodeName") != node:
            raise AdmissionError(
                f'node "{node}" can only create pods with spec.nodeName set to itself')
        owners = meta.get("ownerReferences") or []
        if len(owners) > 1:
            raise AdmissionError(f'node "{node}" can only create pods with a single owner '
                                 "reference set to itself")
        if not owners:
            raise AdmissionError(
                f'node "{node}" can only create pods with an owner reference set to itself')
        owner = owners[0]
        if owner.get("apiVersion") != "v1" or owner.get("kind") != "Node" or owner.get(
                "name") != node:
            raise AdmissionError(
                f'node "{node}" can only create pods with an owner reference set to itself')
        if not owner.get("controller"):
            raise AdmissionError(f'node "{node}" can only create pods with a controller owner '
                                 "reference set to itself")
        if owner.get("blockOwnerDeletion"):
            raise AdmissionError(
                f'node "{node}" must not set blockOwnerDeletion on an owner reference')
        node_obj = ctx.get("", "nodes", "", node)
        if node_obj is None:
            raise errors.not_found("", "nodes", node)
        node_uid = _meta(node_obj).get("uid", "")
        if owner.get("uid", "") != node_uid:
            raise AdmissionError(f"node {node} UID mismatch: expected {owner.get('uid', '')} "
                                 f"got {node_uid}")
        if spec.get("serviceAccountName"):
            raise AdmissionError(
                f'node "{node}" can not create pods that reference a service account')
        if _pod_secret_names(spec):
            raise AdmissionError(f'node "{node}" can not create pods that reference secrets')
        if _pod_configmap_names(spec):
            raise AdmissionError(f'node "{node}" can not create pods that reference configmaps')
        for v in spec.get("volumes") or []:
            for src in (v.get("projected") or {}).get("sources") or []:
                if src.get("clusterTrustBundle") is not None:
                    raise AdmissionError(f'node "{node}" can not create pods that reference '
                                         "clustertrustbundles")
        for v in spec.get("volumes") or []:
            if v.get("persistentVolumeClaim") is not None:
                raise AdmissionError(f'node "{node}" can not create pods that reference '
                                     "persistentvolumeclaims")

    def _admit_pod_status(self, node: str, a: Attributes) -> None:
        if a.operation is not Operation.UPDATE:
            raise AdmissionError(f'unexpected operation "{a.operation.value}"')
        if _spec(a.old_obj).get("nodeName") != node:
            raise AdmissionError(f'node "{node}" can only update pod status for pods with '
                                 "spec.nodeName set to itself")
        if (_meta(a.old_obj).get("labels") or {}) != (_meta(a.obj).get("labels") or {}):
            raise AdmissionError(f'node "{node}" cannot update labels through pod status')
        old_claims = ((a.old_obj or {}).get("status") or {}).get("resourceClaimStatuses") or []
        new_claims = ((a.obj or {}).get("status") or {}).get("resourceClaimStatuses") or []
        if [(c.get("name"), c.get("resourceClaimName")) for c in old_claims] != [
                (c.get("name"), c.get("resourceClaimName")) for c in new_claims]:
            raise AdmissionError(f'node "{node}" cannot update resource claim statues')

    def _admit_pod_eviction(self, node: str, a: Attributes, ctx: AdmissionContext) -> None:
        if a.operation not in (Operation.CREATE, Operation.DELETE):
            raise AdmissionError(f"unexpected operation {a.operation.value}")
        pod_name = a.name or _meta(a.obj).get("name", "")
        if not pod_name:
            raise AdmissionError("could not determine pod from request data")
        existing = self._existing_pod(a, ctx, pod_name)
        if _spec(existing).get("nodeName") != node:
            raise AdmissionError(
                f"node {node} can only evict pods with spec.nodeName set to itself")

    # -- nodes ------------------------------------------------------------------------------

    def _admit_node(self, node: str, a: Attributes) -> None:
        requested = a.name
        if requested != node:
            raise AdmissionError(f'node "{node}" is not allowed to modify node "{requested}"')
        new_spec, new_labels = _spec(a.obj), _meta(a.obj).get("labels") or {}
        if a.operation is Operation.CREATE:
            if new_spec.get("configSource") is not None:
                raise AdmissionError(f'node "{node}" is not allowed to create pods with a '
                                     "non-nil configSource")
            bad = _forbidden_labels(_modified_labels(new_labels, {}))
            if bad:
                raise AdmissionError(f'node "{node}" is not allowed to set the following '
                                     f"labels: {', '.join(bad)}")
        if a.operation is Operation.UPDATE:
            old_spec, old_labels = _spec(a.old_obj), _meta(a.old_obj).get("labels") or {}
            if new_spec.get("configSource") is not None and new_spec.get(
                    "configSource") != old_spec.get("configSource"):
                raise AdmissionError(f'node "{node}" is not allowed to update configSource to '
                                     "a new non-nil configSource")
            if (new_spec.get("taints") or []) != (old_spec.get("taints") or []):
                raise AdmissionError(f'node "{node}" is not allowed to modify taints')
            bad = _forbidden_labels(_modified_labels(new_labels, old_labels))
            if bad:
                raise AdmissionError(f"is not allowed to modify labels: {', '.join(bad)}")

    # -- others -----------------------------------------------------------------------------

    def _admit_pvc_status(self, node: str, a: Attributes) -> None:
        if a.operation is not Operation.UPDATE:
            raise AdmissionError(f'unexpected operation "{a.operation.value}"')
        old, new = copy.deepcopy(a.old_obj or {}), copy.deepcopy(a.obj or {})
        for pvc in (old, new):
            meta = pvc.setdefault("metadata", {})
            meta.pop("resourceVersion", None)
            meta.pop("managedFields", None)
            status = pvc.setdefault("status", {})
            status.pop("capacity", None)
            status.pop("conditions", None)
            # RecoverVolumeExpansionFailure (GA): the resize controller's fields too
            status.pop("allocatedResourceStatuses", None)
            status.pop("allocatedResources", None)
        if old != new:
            raise AdmissionError(f'node "{node}" is not allowed to update fields other than '
                                 "status.capacity and status.conditions")

    def _admit_service_account(self, node: str, a: Attributes, ctx: AdmissionContext) -> None:
        if a.operation is not Operation.CREATE or a.subresource != "token":
            return
        ref = _spec(a.obj).get("boundObjectRef") or None
        if (ref is None or ref.get("apiVersion") != "v1" or ref.get("kind") != "Pod"
                or not ref.get("name")):
            raise AdmissionError("node requested token not bound to a pod")
        if not ref.get("uid"):
            raise AdmissionError("node requested token with a pod binding without a uid")
        pod = ctx.get("", "pods", a.namespace, ref["name"])
        if pod is None:
            raise errors.not_found("", "pods", ref["name"])
        if ref["uid"] != _meta(pod).get("uid"):
            raise AdmissionError(
                f"the UID in the bound object reference ({ref['uid']}) does not match the UID "
                "in record. The object might have been deleted and then recreated")
        if _spec(pod).get("nodeName") != node:
            raise AdmissionError("node requested token bound to a pod scheduled on a different "
                                 "node")

    def _admit_lease(self, node: str, a: Attributes) -> None:
        if a.namespace != NAMESPACE_NODE_LEASE:
            raise AdmissionError(
                f'can only access leases in the "{NAMESPACE_NODE_LEASE}" system namespace')
        name = _meta(a.obj).get("name", "") if a.operation is Operation.CREATE else a.name
        if name != node:
            raise AdmissionError(
                "can only access node lease with the same name as the requesting node")
