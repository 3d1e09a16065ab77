"""The resource registry: every built-in type the API server serves, with upstream's
group/version/kind, plural and singular names, scope, short names, verbs, categories,
subresources and etcd key prefix.

Sources upstream:

- names, scope, short names, verbs, categories: what ``kubectl api-resources -o wide`` prints on a
  1.32 cluster (discovery is built from ``pkg/registry/*/rest/storage_*.go`` and each resource's
  ``ShortNames()`` / ``Categories()``);
- etcd key prefixes: ``/registry/<resource>`` by default (``EtcdOptions.ResourcePrefix``) with the
  overrides of ``pkg/kubeapiserver/default_storage_factory_builder.go`` and the registries
  themselves: nodes under ``minions``, services under ``services/specs``, endpoints under
  ``services/endpoints``, replication controllers under ``controllers``;
- keys are ``<prefix>/<namespace>/<name>`` or ``<prefix>/<name>``
  (``registry/generic/registry/store.go`` ``NamespaceKeyFunc`` / ``NoNamespaceKeyFunc``);
- a resource served in a second group from another one's storage names it in ``storage``
  (events.k8s.io ``events`` live under ``/registry/events`` as ``v1`` Events; see
  :mod:`.conversion`).

Taught in notebooks/02-etcd.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "READ_VERBS",
    "RESOURCES",
    "STANDARD_VERBS",
    "ResourceInfo",
    "Subresource",
    "by_kind",
    "find",
    "group_versions",
    "lookup",
]

STANDARD_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
READ_VERBS = ("get", "list")


@dataclass(frozen=True)
class Subresource:
    """A subresource such as ``pods/status``; ``kind`` is what it serves (``Scale``...)."""

    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str = ""  # group of the served kind when it differs (Scale is autoscaling/v1)
    version: str = ""


@dataclass(frozen=True)
class ResourceInfo:
    group: str
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = STANDARD_VERBS
    categories: tuple[str, ...] = ()
    subresources: tuple[Subresource, ...] = ()
    prefix: str = ""  # etcd key prefix below /registry, default: the plural
    #: the object is computed on read (componentstatuses) or never stored (reviews)
    persisted: bool = True
    list_kind: str = field(default="")
    #: ``(group, plural)`` of the resource whose storage this one is served from, converted
    #: (a multi-version resource: events.k8s.io ``events`` are stored as ``v1`` events; see
    #: :mod:`.conversion`); empty for a resource stored in its own version
    storage: tuple[str, str] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version(self) -> str:
        return self.api_version

    @property
    def qualified(self) -> str:
        """``schema.GroupResource.String()``: ``pods``, ``deployments.apps``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def key_prefix(self) -> str:
        """``/registry/pods/`` — the etcd prefix every object of this resource lives under."""
        return f"/registry/{self.prefix or self.plural}/"

    def key(self, namespace: str | None, name: str) -> str:
        """The etcd key of one object: ``/registry/pods/default/web-0``."""
        if self.namespaced:
            return f"{self.key_prefix}{namespace}/{name}"
        return f"{self.key_prefix}{name}"

    def list_prefix(self, namespace: str | None) -> str:
        """The prefix a list covers: all namespaces, or one."""
        if self.namespaced and namespace:
            return f"{self.key_prefix}{namespace}/"
        return self.key_prefix

    def subresource(self, name: str) -> Subresource | None:
        for s in self.subresources:
            if s.name == name:
                return s
        return None

    @property
    def list_kind_name(self) -> str:
        return self.list_kind or f"{self.kind}List"


def _sub(name: str, kind: str, verbs: tuple[str, ...] = ("get", "patch", "update"),
         group: str = "", version: str = "") -> Subresource:
    return Subresource(name, kind, verbs, group, version)


def _status(kind: str) -> Subresource:
    return _sub("status", kind)


_SCALE = _sub("scale", "Scale", group="autoscaling", version="v1")

RESOURCES: tuple[ResourceInfo, ...] = (
    # -- core/v1 ---------------------------------------------------------------------------
    ResourceInfo("", "v1", "Binding", "bindings", "binding", True, verbs=("create",),
                 persisted=False),
    ResourceInfo("", "v1", "ComponentStatus", "componentstatuses", "componentstatus", False,
                 ("cs",), verbs=READ_VERBS, persisted=False),
    ResourceInfo("", "v1", "ConfigMap", "configmaps", "configmap", True, ("cm",)),
    ResourceInfo("", "v1", "Endpoints", "endpoints", "endpoints", True, ("ep",),
                 prefix="services/endpoints"),
    ResourceInfo("", "v1", "Event", "events", "event", True, ("ev",)),
    ResourceInfo("", "v1", "LimitRange", "limitranges", "limitrange", True, ("limits",)),
    ResourceInfo("", "v1", "Namespace", "namespaces", "namespace", False, ("ns",),
                 verbs=("create", "delete", "get", "list", "patch", "update", "watch"),
                 subresources=(_sub("finalize", "Namespace", ("update",)),
                               _status("Namespace"))),
    ResourceInfo("", "v1", "Node", "nodes", "node", False, ("no",), prefix="minions",
                 subresources=(_status("Node"),)),
    ResourceInfo("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims",
                 "persistentvolumeclaim", True, ("pvc",),
                 subresources=(_status("PersistentVolumeClaim"),)),
    ResourceInfo("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", False,
                 ("pv",), subresources=(_status("PersistentVolume"),)),
    ResourceInfo("", "v1", "Pod", "pods", "pod", True, ("po",), categories=("all",),
                 subresources=(
                     _sub("binding", "Binding", ("create",)),
                     _sub("eviction", "Eviction", ("create",), group="policy", version="v1"),
                     _sub("log", "Pod", ("get",)),
                     _status("Pod"),
                 )),
    ResourceInfo("", "v1", "ReplicationController", "replicationcontrollers",
                 "replicationcontroller", True, ("rc",), categories=("all",), prefix="controllers",
                 subresources=(_SCALE, _status("ReplicationController"))),
    ResourceInfo("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", True, ("quota",),
                 subresources=(_status("ResourceQuota"),)),
    ResourceInfo("", "v1", "Secret", "secrets", "secret", True),
    ResourceInfo("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", True, ("sa",),
                 subresources=(_sub("token", "TokenRequest", ("create",),
                                    group="authentication.k8s.io", version="v1"),)),
    ResourceInfo("", "v1", "Service", "services", "service", True, ("svc",), categories=("all",),
                 prefix="services/specs", subresources=(_status("Service"),)),
    # -- apps/v1 ---------------------------------------------------------------------------
    ResourceInfo("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision",
                 True),
    ResourceInfo("apps", "v1", "DaemonSet", "daemonsets", "daemonset", True, ("ds",),
                 categories=("all",), subresources=(_status("DaemonSet"),)),
    ResourceInfo("apps", "v1", "Deployment", "deployments", "deployment", True, ("deploy",),
                 categories=("all",), subresources=(_SCALE, _status("Deployment"))),
    ResourceInfo("apps", "v1", "ReplicaSet", "replicasets", "replicaset", True, ("rs",),
                 categories=("all",), subresources=(_SCALE, _status("ReplicaSet"))),
    ResourceInfo("apps", "v1", "StatefulSet", "statefulsets", "statefulset", True, ("sts",),
                 categories=("all",), subresources=(_SCALE, _status("StatefulSet"))),
    # -- batch/v1 --------------------------------------------------------------------------
    ResourceInfo("batch", "v1", "CronJob", "cronjobs", "cronjob", True, ("cj",),
                 categories=("all",), subresources=(_status("CronJob"),)),
    ResourceInfo("batch", "v1", "Job", "jobs", "job", True, categories=("all",),
                 subresources=(_status("Job"),)),
    # -- authentication.k8s.io/v1 ----------------------------------------------------------
    # pkg/registry/authentication/selfsubjectreview/rest.go (``kubectl auth whoami``)
    ResourceInfo("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews",
                 "selfsubjectreview", False, verbs=("create",), persisted=False),
    # -- authorization.k8s.io/v1 -----------------------------------------------------------
    ResourceInfo("authorization.k8s.io", "v1", "SelfSubjectAccessReview",
                 "selfsubjectaccessreviews", "selfsubjectaccessreview", False, verbs=("create",),
                 persisted=False),
    ResourceInfo("authorization.k8s.io", "v1", "SelfSubjectRulesReview",
                 "selfsubjectrulesreviews", "selfsubjectrulesreview", False, verbs=("create",),
                 persisted=False),
    # -- coordination.k8s.io/v1 ------------------------------------------------------------
    ResourceInfo("coordination.k8s.io", "v1", "Lease", "leases", "lease", True),
    # -- discovery.k8s.io/v1 ---------------------------------------------------------------
    ResourceInfo("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice",
                 True),
    # -- events.k8s.io/v1 -----------------------------------------------------------------
    # pkg/registry/events/rest/storage_events.go: the core events registry, served converted
    ResourceInfo("events.k8s.io", "v1", "Event", "events", "event", True, ("ev",),
                 prefix="events", storage=("", "events")),
    # -- policy/v1 ------------------------------------------------------------------------
    # pkg/registry/policy/rest/storage_policy.go: poddisruptionbudgets and their status
    ResourceInfo("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets",
                 "poddisruptionbudget", True, ("pdb",),
                 subresources=(_status("PodDisruptionBudget"),)),
    # -- rbac.authorization.k8s.io/v1 ------------------------------------------------------
    ResourceInfo("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings",
                 "clusterrolebinding", False),
    ResourceInfo("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole",
                 False),
    ResourceInfo("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding",
                 True),
    ResourceInfo("rbac.authorization.k8s.io", "v1", "Role", "roles", "role", True),
    # -- scheduling.k8s.io/v1 --------------------------------------------------------------
    ResourceInfo("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass",
                 False, ("pc",)),
    # -- storage.k8s.io/v1 -----------------------------------------------------------------
    ResourceInfo("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", False,
                 ("sc",)),
)

_BY_GROUP_RESOURCE: dict[tuple[str, str], ResourceInfo] = {
    (r.group, r.plural): r for r in RESOURCES
}
_BY_KIND: dict[tuple[str, str], ResourceInfo] = {(r.group, r.kind): r for r in RESOURCES}


def lookup(group: str, plural: str) -> ResourceInfo | None:
    """The resource for a URL's group and plural, e.g. ``lookup("apps", "deployments")``."""
    return _BY_GROUP_RESOURCE.get((group, plural))


def by_kind(api_version: str, kind: str) -> ResourceInfo | None:
    """The resource serving ``kind`` in ``api_version`` (``"apps/v1"``, ``"Deployment"``)."""
    group, _, version = api_version.rpartition("/")
    info = _BY_KIND.get((group, kind))
    if info is None or info.version != version:
        return None
    return info


def find(name: str) -> ResourceInfo | None:
    """Resolve what a user types (as kubectl does): plural, singular, short name, kind,
    ``plural.group`` or ``plural.version.group`` (``deploy``, ``deployment``,
    ``deployments.apps``, ``Deployment``, ``events.v1.events.k8s.io``: ``ParseResourceArg``
    tries the fully qualified form first)."""
    lowered = name.lower()
    plural, _, group = lowered.partition(".")
    version, _, rest = group.partition(".")
    if rest:
        for r in RESOURCES:
            if (r.version, r.group) == (version, rest) and (
                    plural in (r.plural, r.singular, r.kind.lower())
                    or plural in r.short_names):
                return r
    for r in RESOURCES:
        if group and r.group != group and not r.group.startswith(group + "."):
            continue
        if plural in (r.plural, r.singular, r.kind.lower()) or plural in r.short_names:
            return r
    return None


def group_versions() -> list[tuple[str, str]]:
    """Served ``(group, version)`` pairs in discovery order (core first)."""
    seen: list[tuple[str, str]] = []
    for r in RESOURCES:
        gv = (r.group, r.version)
        if gv not in seen:
            seen.append(gv)
    return seen
