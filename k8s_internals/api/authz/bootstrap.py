"""Upstream's bootstrap RBAC policy as data: what ``kube-apiserver`` writes into a new cluster
(its ``rbac/bootstrap-roles`` post-start hook) and keeps reconciled on every start.

Sources (``kubernetes/kubernetes``, ``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/``):

- ``policy.go`` (``ClusterRoles``, ``ClusterRoleBindings``, ``NodeRules``, ``viewRules``,
  ``editRules``) at commit ``0158d1b41c02`` (the v1.35 development line), evaluated with that
  release's *default* feature gates, which is how upstream generates the
  ``testdata/cluster-roles.yaml`` / ``cluster-role-bindings.yaml`` fixtures. Gates that matter
  here: ``DynamicResourceAllocation`` on (GA 1.34), ``MultiCIDRServiceAllocator`` on (GA),
  ``KubeletFineGrainedAuthz`` on (beta 1.33), ``KubeletServiceAccountTokenForCredentialProviders``
  on (beta 1.34); ``ClusterTrustBundle``, ``PodCertificateRequest``, ``DRAExtendedResource``,
  ``DRADeviceTaints``, ``DRADeviceTaintRules``, ``GenericWorkload``, ``ComponentFlagz``,
  ``ComponentStatusz``, ``StorageVersionMigrator`` off.
- ``testdata/controller-roles.yaml`` and ``testdata/controller-role-bindings.yaml`` at the same
  commit (generated from ``controller_policy.go``: one ``system:controller:<name>`` ClusterRole
  per kube-controller-manager loop, bound to the service account ``kube-system/<name>``, which
  the controller manager uses with ``--use-service-account-credentials``).
- ``testdata/namespace-roles.yaml`` / ``namespace-role-bindings.yaml`` at ``008b3652959c``
  (from ``namespace_policy.go``: Roles in ``kube-system`` and ``kube-public``).

Every object carries upstream's label ``kubernetes.io/bootstrapping: rbac-defaults`` and the
annotation ``rbac.authorization.kubernetes.io/autoupdate: "true"`` (reconciliation may overwrite
it). Rules are listed in upstream's order; inside a rule every list is sorted, as
``PolicyRuleBuilder.Rule()`` sorts them.

``admin``, ``edit`` and ``view`` have no rules of their own upstream: they carry an
``aggregationRule``, and the ``clusterrole-aggregation-controller``
(``pkg/controller/clusterroleaggregation``) fills ``rules`` with the rules of every ClusterRole
whose labels match (sorted by name, skipping itself, de-duplicated), until nothing changes:
``view`` <- ``system:aggregate-to-view``; ``edit`` <- ``system:aggregate-to-edit`` + ``view``;
``admin`` <- ``edit`` + ``system:aggregate-to-admin``. :func:`cluster_roles` returns them already
aggregated (as ``kubectl get clusterrole admin -o yaml`` shows them on a running cluster);
:func:`aggregate_cluster_roles` is that controller's computation, for reuse.

The ``system:node`` ClusterRole exists but its ClusterRoleBinding has no subjects: since 1.8
kubelets are authorized by the Node authorizer (``NodeRules`` plus a graph of what is bound to
each node, see :mod:`.node`) and restricted by the NodeRestriction admission plugin. Upstream
keeps the empty binding so that reconciliation removes the old ``system:nodes`` subject.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from copy import deepcopy
from typing import Any

__all__ = [
    "AUTOUPDATE_ANNOTATION",
    "BOOTSTRAP_LABEL",
    "RBAC_API_VERSION",
    "aggregate_cluster_roles",
    "bootstrap_objects",
    "cluster_role_bindings",
    "cluster_roles",
    "controller_role_bindings",
    "controller_roles",
    "label_selector_matches",
    "namespace_role_bindings",
    "namespace_roles",
    "node_rules",
]

RBAC_API_VERSION = "rbac.authorization.k8s.io/v1"
RBAC_GROUP = "rbac.authorization.k8s.io"
BOOTSTRAP_LABEL = {"kubernetes.io/bootstrapping": "rbac-defaults"}
#: ``rbacv1.AutoUpdateAnnotationKey``
AUTOUPDATE_ANNOTATION = {"rbac.authorization.kubernetes.io/autoupdate": "true"}

_AGG_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin"
_AGG_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit"
_AGG_VIEW = "rbac.authorization.k8s.io/aggregate-to-view"

# policy.go verb sets
READ = ("get", "list", "watch")
WRITE = ("create", "update", "patch", "delete", "deletecollection")
READ_WRITE = READ + WRITE
READ_UPDATE = ("get", "list", "watch", "update", "patch")

# policy.go group names
CORE = ""
APPS = "apps"
AUTHN = "authentication.k8s.io"
AUTHZ = "authorization.k8s.io"
AUTOSCALING = "autoscaling"
BATCH = "batch"
CERTS = "certificates.k8s.io"
COORD = "coordination.k8s.io"
DISCOVERY = "discovery.k8s.io"
EXTENSIONS = "extensions"
POLICY = "policy"
RESOURCE = "resource.k8s.io"
STORAGE = "storage.k8s.io"
NETWORKING = "networking.k8s.io"
EVENTS = "events.k8s.io"
ADMISSION = "admissionregistration.k8s.io"

Strs = str | Sequence[str]
Obj = dict[str, Any]


def _list(values: Strs) -> list[str]:
    return sorted([values] if isinstance(values, str) else values)


def _r(verbs: Strs, groups: Strs, resources: Strs, names: Strs = ()) -> Obj:
    """A resource rule (``rbacv1helpers.NewRule(verbs).Groups().Resources().Names()``)."""
    rule: Obj = {"apiGroups": _list(groups), "resources": _list(resources)}
    if names:
        rule["resourceNames"] = _list(names)
    rule["verbs"] = _list(verbs)
    return rule


def _urls(verbs: Strs, urls: Strs) -> Obj:
    """A non-resource rule (``NewRule(verbs).URLs(...)``)."""
    return {"nonResourceURLs": _list(urls), "verbs": _list(verbs)}


def _events() -> Obj:
    """``eventsRule()``: create/update/patch events in the core and events.k8s.io groups."""
    return _r(("create", "update", "patch"), (CORE, EVENTS), "events")


def _metadata(name: str, namespace: str = "", labels: Mapping[str, str] | None = None) -> Obj:
    meta: Obj = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["labels"] = {**(labels or {}), **BOOTSTRAP_LABEL}
    meta["annotations"] = dict(AUTOUPDATE_ANNOTATION)
    return meta


def _cluster_role(
    name: str,
    rules: list[Obj],
    labels: Mapping[str, str] | None = None,
    aggregate_label: str = "",
) -> Obj:
    role: Obj = {"apiVersion": RBAC_API_VERSION, "kind": "ClusterRole",
                 "metadata": _metadata(name, labels=labels)}
    if aggregate_label:
        role["aggregationRule"] = {
            "clusterRoleSelectors": [{"matchLabels": {aggregate_label: "true"}}]
        }
    role["rules"] = rules
    return role


def _subject(kind: str, name: str, namespace: str = "") -> Obj:
    if kind == "ServiceAccount":
        return {"kind": kind, "name": name, "namespace": namespace}
    return {"apiGroup": RBAC_GROUP, "kind": kind, "name": name}


def _binding(
    kind: str, name: str, role_kind: str, role_name: str, subjects: list[Obj], namespace: str = ""
) -> Obj:
    obj: Obj = {
        "apiVersion": RBAC_API_VERSION,
        "kind": kind,
        "metadata": _metadata(name, namespace),
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": role_name},
    }
    if subjects:
        obj["subjects"] = subjects
    return obj


def _crb(role: str, *subjects: Obj) -> Obj:
    """``NewClusterBinding(role)``: the binding has the role's name."""
    return _binding("ClusterRoleBinding", role, "ClusterRole", role, list(subjects))


def _user(name: str) -> Obj:
    return _subject("User", name)


def _group(name: str) -> Obj:
    return _subject("Group", name)


def _sa(namespace: str, name: str) -> Obj:
    return _subject("ServiceAccount", name, namespace)


# --------------------------------------------------------------------------------------------
# policy.go
# --------------------------------------------------------------------------------------------


def _view_rules() -> list[Obj]:
    """``viewRules()`` (the rules of ``system:aggregate-to-view``)."""
    return [
        _r(READ, CORE, ("pods", "replicationcontrollers", "replicationcontrollers/scale",
                        "serviceaccounts", "services", "services/status", "endpoints",
                        "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps")),
        _r(READ, CORE, ("limitranges", "resourcequotas", "bindings", "pods/status",
                        "resourcequotas/status", "namespaces/status",
                        "replicationcontrollers/status", "pods/log")),
        # read access to namespaces at the namespace scope means you can read *this* namespace
        _r(READ, CORE, "namespaces"),
        _r(READ, (CORE, EVENTS), "events"),
        _r(READ, DISCOVERY, "endpointslices"),
        _r(READ, APPS, ("controllerrevisions", "statefulsets", "statefulsets/status",
                        "statefulsets/scale", "daemonsets", "daemonsets/status", "deployments",
                        "deployments/status", "deployments/scale", "replicasets",
                        "replicasets/status", "replicasets/scale")),
        _r(READ, AUTOSCALING, ("horizontalpodautoscalers", "horizontalpodautoscalers/status")),
        _r(READ, BATCH, ("jobs", "cronjobs", "cronjobs/status", "jobs/status")),
        _r(READ, EXTENSIONS, ("daemonsets", "daemonsets/status", "deployments",
                              "deployments/scale", "deployments/status", "ingresses",
                              "ingresses/status", "replicasets", "replicasets/scale",
                              "replicasets/status", "replicationcontrollers/scale",
                              "networkpolicies")),
        _r(READ, POLICY, ("poddisruptionbudgets", "poddisruptionbudgets/status")),
        _r(READ, NETWORKING, ("networkpolicies", "ingresses", "ingresses/status")),
        # DynamicResourceAllocation
        _r(READ, RESOURCE, ("resourceclaims", "resourceclaims/status", "resourceclaimtemplates")),
    ]


def _edit_rules() -> list[Obj]:
    """``editRules()`` (the rules of ``system:aggregate-to-edit``)."""
    return [
        # Allow read on escalating resources
        _r(READ, CORE, ("pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets",
                        "services/proxy")),
        _r("impersonate", CORE, "serviceaccounts"),
        _r(WRITE, CORE, ("pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward")),
        _r("create", CORE, "pods/eviction"),
        _r(WRITE, CORE, ("replicationcontrollers", "replicationcontrollers/scale",
                         "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims",
                         "configmaps", "secrets")),
        _r("create", CORE, "serviceaccounts/token"),
        _r(WRITE, (CORE, EVENTS), "events"),
        _r(WRITE, APPS, ("statefulsets", "statefulsets/scale", "daemonsets", "deployments",
                         "deployments/scale", "deployments/rollback", "replicasets",
                         "replicasets/scale")),
        _r(WRITE, AUTOSCALING, "horizontalpodautoscalers"),
        _r(WRITE, BATCH, ("jobs", "cronjobs")),
        _r(WRITE, EXTENSIONS, ("daemonsets", "deployments", "deployments/scale",
                               "deployments/rollback", "ingresses", "replicasets",
                               "replicasets/scale", "replicationcontrollers/scale",
                               "networkpolicies")),
        _r(WRITE, POLICY, "poddisruptionbudgets"),
        _r(WRITE, NETWORKING, ("networkpolicies", "ingresses")),
        _r(READ_WRITE, COORD, "leases"),
        # DynamicResourceAllocation
        _r(WRITE, RESOURCE, ("resourceclaims", "resourceclaimtemplates")),
    ]


def node_rules() -> list[Obj]:
    """``NodeRules()``: the ``system:node`` ClusterRole's rules, and what the Node authorizer
    allows every kubelet for resources it does not subdivide by node."""
    return [
        # Needed to check API access. These creates are non-mutating
        _r("create", AUTHN, "tokenreviews"),
        _r("create", AUTHZ, ("subjectaccessreviews", "localsubjectaccessreviews")),
        # Needed to build serviceLister, to populate env vars for services
        _r(READ, CORE, "services"),
        # Nodes can register Node API objects and report status (NodeRestriction limits a node
        # to its own object)
        _r(("create", "get", "list", "watch"), CORE, "nodes"),
        _r(("update", "patch"), CORE, "nodes/status"),
        _r(("update", "patch"), CORE, "nodes"),
        _r(("create", "update", "patch"), (CORE, EVENTS), "events"),
        # the Node authorizer limits get to pods related to the node
        _r(READ, CORE, "pods"),
        # mirror pods (NodeRestriction: only bound to itself)
        _r(("create", "delete"), CORE, "pods"),
        _r(("update", "patch"), CORE, "pods/status"),
        _r("create", CORE, "pods/eviction"),
        # the Node authorizer limits these to objects referenced by pods bound to the node
        _r(("get", "list", "watch"), CORE, ("secrets", "configmaps")),
        _r("get", CORE, ("persistentvolumeclaims", "persistentvolumes")),
        _r("get", CORE, "endpoints"),
        # kubelet client certificate rotation
        _r(("create", "get", "list", "watch"), CERTS, "certificatesigningrequests"),
        _r(("get", "create", "update", "patch", "delete"), COORD, "leases"),
        _r("get", STORAGE, "volumeattachments"),
        _r("create", CORE, "serviceaccounts/token"),
        _r(("get", "update", "patch"), CORE, "persistentvolumeclaims/status"),
        _r(("get", "watch", "list"), STORAGE, "csidrivers"),
        _r(("get", "create", "update", "patch", "delete"), STORAGE, "csinodes"),
        _r(("get", "list", "watch"), "node.k8s.io", "runtimeclasses"),
        # DynamicResourceAllocation
        _r("get", RESOURCE, "resourceclaims"),
        _r("deletecollection", RESOURCE, "resourceslices"),
        # KubeletServiceAccountTokenForCredentialProviders
        _r("get", CORE, "serviceaccounts"),
    ]


def _kube_scheduler_rules() -> list[Obj]:
    return [
        _events(),
        # leader election
        _r("create", COORD, "leases"),
        _r(("get", "update", "list", "watch"), COORD, "leases", names="kube-scheduler"),
        _r(READ_WRITE, COORD, "leasecandidates"),
        # Fundamental resources
        _r(READ, CORE, "nodes"),
        _r(("get", "list", "watch", "delete"), CORE, "pods"),
        _r("create", CORE, ("pods/binding", "bindings")),
        _r(("patch", "update"), CORE, "pods/status"),
        # Things that select pods
        _r(READ, CORE, ("services", "replicationcontrollers")),
        _r(READ, (APPS, EXTENSIONS), "replicasets"),
        _r(READ, APPS, "statefulsets"),
        # Things that pods use or applies to them
        _r(READ, POLICY, "poddisruptionbudgets"),
        _r(READ, CORE, ("persistentvolumeclaims", "persistentvolumes")),
        # Needed to check API access. These creates are non-mutating
        _r("create", AUTHN, "tokenreviews"),
        _r("create", AUTHZ, "subjectaccessreviews"),
        # Needed for volume limits
        _r(READ, STORAGE, "csinodes"),
        _r(("get", "list", "watch"), STORAGE, "volumeattachments"),
        # Needed for namespaceSelector feature in pod affinity
        _r(READ, CORE, "namespaces"),
        _r(READ, STORAGE, "csidrivers"),
        _r(READ, STORAGE, "csistoragecapacities"),
        # DynamicResourceAllocation
        _r(READ, RESOURCE, "deviceclasses"),
        _r(READ_UPDATE, RESOURCE, "resourceclaims"),
        _r(READ_UPDATE, RESOURCE, "resourceclaims/status"),
        _r("update", CORE, "pods/finalizers"),
        _r(READ, RESOURCE, "resourceslices"),
    ]


def _approver(signer: str) -> list[Obj]:
    return [_r("approve", CERTS, "signers", names=signer)]


def _unaggregated_cluster_roles() -> list[Obj]:
    """``ClusterRoles()`` before the aggregation controller has run, in upstream's order."""
    return [
        # a "root" role which can do absolutely anything
        _cluster_role("cluster-admin", [_r("*", "*", "*"), _urls("*", "*")]),
        _cluster_role("system:discovery", [_urls("get", (
            "/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*",
            "/api", "/api/*", "/apis", "/apis/*"))]),
        _cluster_role("system:monitoring", [
            _urls("get", ("/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz",
                          "/livez/*", "/readyz/*", "/healthz/*")),
            # Needed for kubelet metrics
            _r("get", CORE, "nodes/metrics"),
        ]),
        _cluster_role("system:basic-user", [
            _r("create", AUTHZ, ("selfsubjectaccessreviews", "selfsubjectrulesreviews")),
            _r("create", AUTHN, "selfsubjectreviews"),
        ]),
        _cluster_role("system:public-info-viewer", [
            _urls("get", ("/livez", "/readyz", "/healthz", "/version", "/version/")),
        ]),
        _cluster_role("admin", [], aggregate_label=_AGG_ADMIN),
        _cluster_role("edit", [], labels={_AGG_ADMIN: "true"}, aggregate_label=_AGG_EDIT),
        _cluster_role("view", [], labels={_AGG_EDIT: "true"}, aggregate_label=_AGG_VIEW),
        _cluster_role("system:aggregate-to-admin", [
            _r("create", AUTHZ, "localsubjectaccessreviews"),
            _r(READ_WRITE, RBAC_GROUP, ("roles", "rolebindings")),
        ], labels={_AGG_ADMIN: "true"}),
        _cluster_role("system:aggregate-to-edit", _edit_rules(), labels={_AGG_EDIT: "true"}),
        _cluster_role("system:aggregate-to-view", _view_rules(), labels={_AGG_VIEW: "true"}),
        _cluster_role("system:heapster", [
            _r(READ, CORE, ("events", "pods", "nodes", "namespaces")),
            _r(READ, EXTENSIONS, "deployments"),
        ]),
        _cluster_role("system:node", node_rules()),
        _cluster_role("system:node-problem-detector", [
            _r("get", CORE, "nodes"),
            _r("patch", CORE, "nodes/status"),
            _events(),
        ]),
        _cluster_role("system:node-bootstrapper", [
            _r(("create", "get", "list", "watch"), CERTS, "certificatesigningrequests"),
        ]),
        _cluster_role("system:auth-delegator", [
            _r("create", AUTHN, "tokenreviews"),
            _r("create", AUTHZ, "subjectaccessreviews"),
        ]),
        _cluster_role("system:kube-aggregator", [_r(READ, CORE, ("services", "endpoints"))]),
        _cluster_role("system:kube-controller-manager", [
            _events(),
            # leader election
            _r("create", COORD, "leases"),
            _r(("get", "update"), COORD, "leases", names="kube-controller-manager"),
            # Fundamental resources
            _r("create", CORE, ("secrets", "serviceaccounts")),
            _r("delete", CORE, "secrets"),
            _r("get", CORE, ("namespaces", "secrets", "serviceaccounts", "configmaps")),
            _r("update", CORE, ("secrets", "serviceaccounts")),
            _r("create", AUTHN, "tokenreviews"),
            _r("create", AUTHZ, "subjectaccessreviews"),
            # Needed for all shared informers
            _r(("list", "watch"), "*", "*"),
            _r("create", CORE, "serviceaccounts/token"),
        ]),
        _cluster_role("system:kube-dns", [_r(("list", "watch"), CORE, ("endpoints", "services"))]),
        _cluster_role("system:persistent-volume-provisioner", [
            _r(("get", "list", "watch", "create", "delete"), CORE, "persistentvolumes"),
            # update is needed for setting lock annotations on PVCs
            _r(("get", "list", "watch", "update"), CORE, "persistentvolumeclaims"),
            _r(READ, STORAGE, "storageclasses"),
            # watching provisioning success and failure events
            _r("watch", CORE, "events"),
            _events(),
        ]),
        _cluster_role("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [
            _r("create", CERTS, "certificatesigningrequests/nodeclient"),
        ]),
        _cluster_role("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [
            _r("create", CERTS, "certificatesigningrequests/selfnodeclient"),
        ]),
        _cluster_role("system:volume-scheduler", [
            _r(READ_UPDATE, CORE, "persistentvolumes"),
            _r(READ, STORAGE, "storageclasses"),
            _r(READ_UPDATE, CORE, "persistentvolumeclaims"),
        ]),
        _cluster_role("system:certificates.k8s.io:legacy-unknown-approver",
                      _approver("kubernetes.io/legacy-unknown")),
        _cluster_role("system:certificates.k8s.io:kubelet-serving-approver",
                      _approver("kubernetes.io/kubelet-serving")),
        _cluster_role("system:certificates.k8s.io:kube-apiserver-client-approver",
                      _approver("kubernetes.io/kube-apiserver-client")),
        _cluster_role("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
                      _approver("kubernetes.io/kube-apiserver-client-kubelet")),
        _cluster_role("system:service-account-issuer-discovery", [_urls("get", (
            "/.well-known/openid-configuration", "/.well-known/openid-configuration/",
            "/openid/v1/jwks", "/openid/v1/jwks/"))]),
        _cluster_role("system:kubelet-api-admin", [
            _r(("get", "list", "watch"), CORE, "nodes"),
            _r("proxy", CORE, "nodes"),
            _r("*", CORE, ("nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log")),
            # KubeletFineGrainedAuthz
            _r("*", CORE, ("nodes/pods", "nodes/healthz", "nodes/configz")),
        ]),
        _cluster_role("system:node-proxier", [
            _r(("list", "watch"), CORE, ("services", "endpoints")),
            _r(("get", "list", "watch"), CORE, "nodes"),
            _events(),
            # MultiCIDRServiceAllocator
            _r(("list", "watch"), NETWORKING, "servicecidrs"),
            _r(("list", "watch"), DISCOVERY, "endpointslices"),
        ]),
        _cluster_role("system:kube-scheduler", _kube_scheduler_rules()),
    ]


def label_selector_matches(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """``metav1.LabelSelectorAsSelector(selector).Matches(labels)``: ``matchLabels`` and
    ``matchExpressions`` (``In``, ``NotIn``, ``Exists``, ``DoesNotExist``) all hold. An empty
    selector matches everything."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def aggregate_cluster_roles(roles: Iterable[Mapping[str, Any]]) -> list[Obj]:
    """Run the clusterrole-aggregation controller to a fixed point over ``roles`` (copies are
    returned, same order). For each role with an ``aggregationRule``: for each selector in
    order, the matching roles sorted by name (itself excluded) contribute their rules, each
    rule once (``ruleExists`` compares whole rules)."""
    out = [deepcopy(dict(r)) for r in roles]
    by_name = {r["metadata"]["name"]: r for r in out}
    changed = True
    while changed:
        changed = False
        for role in out:
            agg = role.get("aggregationRule")
            if not agg:
                continue
            new_rules: list[Obj] = []
            for selector in agg.get("clusterRoleSelectors") or []:
                for name in sorted(by_name):
                    other = by_name[name]
                    if name == role["metadata"]["name"]:
                        continue
                    if not label_selector_matches(selector, other["metadata"].get("labels", {})):
                        continue
                    for rule in other.get("rules") or []:
                        if rule not in new_rules:
                            new_rules.append(deepcopy(rule))
            if new_rules != (role.get("rules") or []):
                role["rules"] = new_rules
                changed = True
    return out


def cluster_roles() -> list[Obj]:
    """The bootstrap ClusterRoles (``ClusterRoles()``), aggregated, sorted by name as in
    ``testdata/cluster-roles.yaml``. Controller roles are separate: :func:`controller_roles`."""
    roles = aggregate_cluster_roles(_unaggregated_cluster_roles())
    return sorted(roles, key=lambda r: r["metadata"]["name"])


def cluster_role_bindings() -> list[Obj]:
    """``ClusterRoleBindings()``, sorted by name as in ``testdata/cluster-role-bindings.yaml``."""
    bindings = [
        _crb("cluster-admin", _group("system:masters")),
        _crb("system:monitoring", _group("system:monitoring")),
        _crb("system:discovery", _group("system:authenticated")),
        _crb("system:basic-user", _group("system:authenticated")),
        _crb("system:public-info-viewer", _group("system:authenticated"),
             _group("system:unauthenticated")),
        _crb("system:node-proxier", _user("system:kube-proxy")),
        _crb("system:kube-controller-manager", _user("system:kube-controller-manager")),
        _crb("system:kube-dns", _sa("kube-system", "kube-dns")),
        _crb("system:kube-scheduler", _user("system:kube-scheduler")),
        _crb("system:volume-scheduler", _user("system:kube-scheduler")),
        # deprecated since 1.7 in favour of the Node authorizer: kept with no subjects
        _crb("system:node"),
        _crb("system:service-account-issuer-discovery", _group("system:serviceaccounts")),
    ]
    return sorted(bindings, key=lambda b: b["metadata"]["name"])


# --------------------------------------------------------------------------------------------
# controller_policy.go (testdata/controller-roles.yaml)
# --------------------------------------------------------------------------------------------

_CONTROLLER_PREFIX = "system:controller:"


def _controller_rules() -> dict[str, list[Obj]]:
    ev = _events()
    return {
        "attachdetach-controller": [
            _r(("list", "watch"), CORE, ("persistentvolumes", "persistentvolumeclaims")),
            _r(READ, CORE, "nodes"),
            _r(("patch", "update"), CORE, "nodes/status"),
            _r(("list", "watch"), CORE, "pods"),
            ev,
            _r(("get", "create", "delete", "list", "watch"), STORAGE, "volumeattachments"),
            _r(READ, STORAGE, "csidrivers"),
            _r(READ, STORAGE, "csinodes"),
        ],
        "certificate-controller": [
            _r(("get", "list", "watch", "delete"), CERTS, "certificatesigningrequests"),
            _r("update", CERTS, ("certificatesigningrequests/status",
                                 "certificatesigningrequests/approval")),
            _r("approve", CERTS, "signers", names="kubernetes.io/kube-apiserver-client-kubelet"),
            _r("sign", CERTS, "signers", names=(
                "kubernetes.io/legacy-unknown", "kubernetes.io/kube-apiserver-client",
                "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving")),
            _r("create", AUTHZ, "subjectaccessreviews"),
            ev,
        ],
        "clusterrole-aggregation-controller": [
            _r(("escalate", "get", "list", "watch", "update", "patch"), RBAC_GROUP,
               "clusterroles"),
        ],
        "cronjob-controller": [
            _r(("get", "list", "watch", "update"), BATCH, "cronjobs"),
            _r(("get", "list", "watch", "create", "update", "delete", "patch"), BATCH, "jobs"),
            _r("update", BATCH, "cronjobs/status"),
            _r("update", BATCH, "cronjobs/finalizers"),
            _r(("list", "watch", "delete"), CORE, "pods"),
            ev,
        ],
        "daemon-set-controller": [
            _r(READ, (EXTENSIONS, APPS), "daemonsets"),
            _r("update", (EXTENSIONS, APPS), "daemonsets/status"),
            _r("update", (EXTENSIONS, APPS), "daemonsets/finalizers"),
            _r(("list", "watch"), CORE, "nodes"),
            _r(("list", "watch", "create", "delete", "patch"), CORE, "pods"),
            _r("create", CORE, "pods/binding"),
            _r(("get", "list", "watch", "create", "delete", "update", "patch"), APPS,
               "controllerrevisions"),
            ev,
        ],
        "deployment-controller": [
            _r(("get", "list", "watch", "update"), (EXTENSIONS, APPS), "deployments"),
            _r("update", (EXTENSIONS, APPS), "deployments/status"),
            _r("update", (EXTENSIONS, APPS), "deployments/finalizers"),
            _r(("get", "list", "watch", "create", "update", "patch", "delete"),
               (APPS, EXTENSIONS), "replicasets"),
            _r(("get", "list", "watch", "update"), CORE, "pods"),
            ev,
        ],
        "disruption-controller": [
            _r(READ, (EXTENSIONS, APPS), "deployments"),
            _r(READ, (APPS, EXTENSIONS), "replicasets"),
            _r(READ, CORE, "replicationcontrollers"),
            _r(READ, POLICY, "poddisruptionbudgets"),
            _r(READ, APPS, "statefulsets"),
            _r("update", POLICY, "poddisruptionbudgets/status"),
            _r(("patch", "update"), CORE, "pods/status"),
            _r("get", "*", "*/scale"),
            ev,
        ],
        "endpoint-controller": [
            _r(READ, CORE, ("services", "pods")),
            _r(("get", "list", "watch", "create", "update", "delete"), CORE, "endpoints"),
            _r("create", CORE, "endpoints/restricted"),
            ev,
        ],
        "endpointslice-controller": [
            _r(READ, CORE, ("services", "pods", "nodes")),
            _r("update", CORE, "services/finalizers"),
            _r(("get", "list", "watch", "create", "update", "delete"), DISCOVERY,
               "endpointslices"),
            ev,
        ],
        "endpointslicemirroring-controller": [
            _r(READ, CORE, ("services", "endpoints")),
            _r("update", CORE, "services/finalizers"),
            _r("update", CORE, "endpoints/finalizers"),
            _r(("get", "list", "watch", "create", "update", "delete"), DISCOVERY,
               "endpointslices"),
            ev,
        ],
        "ephemeral-volume-controller": [
            _r(READ, CORE, "pods"),
            _r("update", CORE, "pods/finalizers"),
            _r(("get", "list", "watch", "create"), CORE, "persistentvolumeclaims"),
            ev,
        ],
        "expand-controller": [
            _r(("get", "list", "watch", "update", "patch"), CORE, "persistentvolumes"),
            _r(("update", "patch"), CORE, "persistentvolumeclaims/status"),
            _r(READ, CORE, "persistentvolumeclaims"),
            ev,
        ],
        "generic-garbage-collector": [
            # list/watch, selective gets and updates against any resource
            _r(("get", "list", "watch", "patch", "update", "delete"), "*", "*"),
            ev,
        ],
        "horizontal-pod-autoscaler": [
            _r(READ, AUTOSCALING, "horizontalpodautoscalers"),
            _r("update", AUTOSCALING, "horizontalpodautoscalers/status"),
            _r(("get", "update"), "*", "*/scale"),
            _r(("list", "watch"), CORE, "pods"),
            # resource, custom and external metrics
            _r(("list", "watch"), "metrics.k8s.io", "pods"),
            _r(READ, "custom.metrics.k8s.io", "*"),
            _r(READ, "external.metrics.k8s.io", "*"),
            ev,
        ],
        "job-controller": [
            _r(("get", "list", "watch", "update", "patch"), BATCH, "jobs"),
            _r("update", BATCH, "jobs/status"),
            _r("update", BATCH, "jobs/finalizers"),
            _r(("list", "watch", "create", "delete", "patch"), CORE, "pods"),
            ev,
        ],
        "legacy-service-account-token-cleaner": [
            _r("get", CORE, "configmaps",
               names="kube-apiserver-legacy-service-account-token-tracking"),
            _r(("patch", "delete"), CORE, "secrets"),
        ],
        "namespace-controller": [
            _r(("get", "list", "watch", "delete"), CORE, "namespaces"),
            _r("update", CORE, ("namespaces/finalize", "namespaces/status")),
            _r(("get", "list", "watch", "delete", "deletecollection"), "*", "*"),
        ],
        "node-controller": [
            _r(("get", "list", "watch", "update", "delete", "patch"), CORE, "nodes"),
            _r(("patch", "update"), CORE, "nodes/status"),
            # used for pod deletion
            _r(("patch", "update"), CORE, "pods/status"),
            _r(("list", "watch", "get", "delete"), CORE, "pods"),
            ev,
        ],
        "persistent-volume-binder": [
            _r(("get", "list", "watch", "update", "create", "delete"), CORE, "persistentvolumes"),
            _r("update", CORE, "persistentvolumes/status"),
            _r(("get", "list", "watch", "update"), CORE, "persistentvolumeclaims"),
            _r("update", CORE, "persistentvolumeclaims/status"),
            _r(("list", "watch", "get", "create", "delete"), CORE, "pods"),
            _r(READ, STORAGE, "storageclasses"),
            _r(("list", "watch"), CORE, "nodes"),
            ev,
            # recyclerClient.WatchPod
            _r("watch", CORE, "events"),
        ],
        "pod-garbage-collector": [
            _r(("list", "watch", "delete"), CORE, "pods"),
            _r(READ, CORE, "nodes"),
            _r("patch", CORE, "pods/status"),
        ],
        "podcheckpoint-controller": [
            _r(("get", "list", "watch", "patch", "update"), "checkpoint.k8s.io",
               "podcheckpoints"),
            _r(("patch", "update"), "checkpoint.k8s.io", "podcheckpoints/status"),
            _r(READ, CORE, "pods"),
            _r(READ, CORE, "nodes"),
            _r(("create", "get"), CORE, "nodes/proxy"),
            _r("create", CORE, "nodes/checkpointpod"),
        ],
        "pv-protection-controller": [
            _r(("get", "list", "watch", "update"), CORE, "persistentvolumes"),
            ev,
        ],
        "pvc-protection-controller": [
            _r(("get", "list", "watch", "update"), CORE, "persistentvolumeclaims"),
            _r(READ, CORE, "pods"),
            ev,
        ],
        "replicaset-controller": [
            _r(("get", "list", "watch", "update"), (APPS, EXTENSIONS), "replicasets"),
            _r("update", (APPS, EXTENSIONS), "replicasets/status"),
            _r("update", (APPS, EXTENSIONS), "replicasets/finalizers"),
            _r(("list", "watch", "patch", "create", "delete"), CORE, "pods"),
            ev,
        ],
        "replication-controller": [
            # 1.0 controllers needed get, update
            _r(("get", "list", "watch", "update"), CORE, "replicationcontrollers"),
            _r("update", CORE, "replicationcontrollers/status"),
            _r("update", CORE, "replicationcontrollers/finalizers"),
            _r(("list", "watch", "patch", "create", "delete"), CORE, "pods"),
            ev,
        ],
        "resource-claim-controller": [
            _r(READ, CORE, "pods"),
            _r("update", CORE, "pods/finalizers"),
            _r(("get", "list", "watch", "create", "delete"), RESOURCE, "resourceclaims"),
            _r(("update", "patch"), RESOURCE, ("resourceclaims", "resourceclaims/status")),
            _r(("update", "patch"), CORE, "pods/status"),
            ev,
        ],
        "resourcequota-controller": [
            # quota can count quota on anything for reconciliation
            _r(("list", "watch"), "*", "*"),
            _r("update", CORE, "resourcequotas/status"),
            ev,
        ],
        "root-ca-cert-publisher": [
            _r(("create", "update"), CORE, "configmaps"),
            ev,
        ],
        "route-controller": [
            _r(("list", "watch"), CORE, "nodes"),
            _r("patch", CORE, "nodes/status"),
            ev,
        ],
        "selinux-warning-controller": [
            ev,
            _r(READ, CORE, "persistentvolumes"),
            _r(READ, CORE, "persistentvolumeclaims"),
            _r(READ, CORE, "pods"),
            _r(READ, STORAGE, "csidrivers"),
        ],
        "service-account-controller": [
            _r("create", CORE, "serviceaccounts"),
            ev,
        ],
        "service-cidrs-controller": [
            _r(("get", "list", "watch", "patch", "update"), NETWORKING, "servicecidrs"),
            _r(("patch", "update"), NETWORKING, "servicecidrs/finalizers"),
            _r(("patch", "update"), NETWORKING, "servicecidrs/status"),
            _r(READ, NETWORKING, "ipaddresses"),
            ev,
        ],
        "service-controller": [
            _r(READ, CORE, "services"),
            _r(("patch", "update"), CORE, "services/status"),
            _r(("list", "watch"), CORE, "nodes"),
            ev,
        ],
        "statefulset-controller": [
            _r(("list", "watch"), CORE, "pods"),
            _r(READ, APPS, "statefulsets"),
            _r("update", APPS, "statefulsets/status"),
            _r("update", APPS, "statefulsets/finalizers"),
            _r(("get", "create", "delete", "update", "patch"), CORE, "pods"),
            _r(("get", "create", "delete", "update", "patch", "list", "watch"), APPS,
               "controllerrevisions"),
            _r(("get", "create", "list", "watch"), CORE, "persistentvolumeclaims"),
            _r(("update", "delete"), CORE, "persistentvolumeclaims"),
            _r("update", CORE, "pods/finalizers"),
            ev,
        ],
        "ttl-after-finished-controller": [
            _r(("get", "list", "watch", "delete"), BATCH, "jobs"),
            ev,
        ],
        "ttl-controller": [
            _r(("update", "patch", "list", "watch"), CORE, "nodes"),
            ev,
        ],
        "validatingadmissionpolicy-status-controller": [
            _r(READ, ADMISSION, "validatingadmissionpolicies"),
            _r(("get", "patch", "update"), ADMISSION, "validatingadmissionpolicies/status"),
            ev,
        ],
        "volumeattributesclass-protection-controller": [
            _r(("list", "watch", "get"), CORE, "persistentvolumeclaims"),
            _r(("list", "watch", "get"), CORE, "persistentvolumes"),
            _r(("get", "list", "watch", "update"), STORAGE, "volumeattributesclasses"),
            ev,
        ],
    }


def controller_roles() -> list[Obj]:
    """The ``system:controller:*`` ClusterRoles, sorted by name (38 of them)."""
    return [
        _cluster_role(_CONTROLLER_PREFIX + name, deepcopy(rules))
        for name, rules in sorted(_controller_rules().items())
    ]


def controller_role_bindings() -> list[Obj]:
    """Each controller role bound to the service account ``kube-system/<controller>``."""
    return [
        _crb(_CONTROLLER_PREFIX + name, _sa("kube-system", name))
        for name in sorted(_controller_rules())
    ]


# --------------------------------------------------------------------------------------------
# namespace_policy.go (testdata/namespace-roles.yaml, namespace-role-bindings.yaml)
# --------------------------------------------------------------------------------------------


def _role(namespace: str, name: str, rules: list[Obj]) -> Obj:
    return {"apiVersion": RBAC_API_VERSION, "kind": "Role",
            "metadata": _metadata(name, namespace), "rules": rules}


def _role_binding(namespace: str, name: str, role: str, *subjects: Obj) -> Obj:
    return _binding("RoleBinding", name, "Role", role, list(subjects), namespace)


def namespace_roles() -> list[Obj]:
    """Roles in ``kube-public`` and ``kube-system``, sorted by (namespace, name)."""
    leader_locking = [
        _r(("get", "watch", "list", "create", "update"), COORD, "leases"),
        _r(("get", "watch", "list", "create", "update"), COORD, "leasecandidates"),
    ]
    roles = [
        _role("kube-system", "extension-apiserver-authentication-reader", [
            _r(READ, CORE, "configmaps", names="extension-apiserver-authentication"),
        ]),
        _role("kube-system", _CONTROLLER_PREFIX + "bootstrap-signer", [
            _r(READ, CORE, "secrets"),
        ]),
        _role("kube-system", _CONTROLLER_PREFIX + "cloud-provider", [
            _r(("create", "get", "list", "watch"), CORE, "configmaps"),
        ]),
        _role("kube-system", _CONTROLLER_PREFIX + "token-cleaner", [
            _r(("get", "list", "watch", "delete"), CORE, "secrets"),
            _events(),
        ]),
        _role("kube-system", "system::leader-locking-kube-controller-manager",
              deepcopy(leader_locking)),
        _role("kube-system", "system::leader-locking-kube-scheduler", deepcopy(leader_locking)),
        _role("kube-public", _CONTROLLER_PREFIX + "bootstrap-signer", [
            _r(READ, CORE, "configmaps"),
            _r("update", CORE, "configmaps", names="cluster-info"),
            _events(),
        ]),
    ]
    return sorted(roles, key=lambda r: (r["metadata"]["namespace"], r["metadata"]["name"]))


def namespace_role_bindings() -> list[Obj]:
    """RoleBindings in ``kube-public`` and ``kube-system``, sorted by (namespace, name)."""
    bindings = [
        _role_binding("kube-system", "system::extension-apiserver-authentication-reader",
                      "extension-apiserver-authentication-reader",
                      _user("system:kube-controller-manager"), _user("system:kube-scheduler")),
        _role_binding("kube-system", "system::leader-locking-kube-controller-manager",
                      "system::leader-locking-kube-controller-manager",
                      _user("system:kube-controller-manager"),
                      _sa("kube-system", "kube-controller-manager"),
                      _sa("kube-system", "leader-election-controller")),
        _role_binding("kube-system", "system::leader-locking-kube-scheduler",
                      "system::leader-locking-kube-scheduler",
                      _user("system:kube-scheduler"), _sa("kube-system", "kube-scheduler")),
        *(
            _role_binding(ns, _CONTROLLER_PREFIX + name, _CONTROLLER_PREFIX + name,
                          _sa("kube-system", name))
            for ns, name in (
                ("kube-system", "bootstrap-signer"),
                ("kube-system", "cloud-provider"),
                ("kube-system", "token-cleaner"),
                ("kube-public", "bootstrap-signer"),
            )
        ),
    ]
    return sorted(bindings, key=lambda b: (b["metadata"]["namespace"], b["metadata"]["name"]))


def bootstrap_objects() -> list[Obj]:
    """Everything, in the order the ``rbac/bootstrap-roles`` hook reconciles it: cluster roles,
    cluster role bindings, then per-namespace roles and role bindings."""
    return [
        *cluster_roles(),
        *controller_roles(),
        *cluster_role_bindings(),
        *controller_role_bindings(),
        *namespace_roles(),
        *namespace_role_bindings(),
    ]
