"""Defaulting: the values the API server fills in before validation, as
``pkg/apis/core/v1/defaults.go``, ``pkg/apis/apps/v1/defaults.go``,
``pkg/apis/batch/v1/defaults.go``, ``pkg/apis/rbac/v1/defaults.go``,
``pkg/apis/discovery/v1/defaults.go``,
``pkg/apis/storage/v1/defaults.go`` and the ``+default`` markers of ``k8s.io/api`` (e.g.
``ContainerPort.protocol``), applied in place by :func:`apply_defaults`.

So a Deployment created from a five-line manifest reads back like ``kubectl get -o yaml`` on a
real cluster: ``replicas: 1``, ``strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%,
maxUnavailable: 25%}}``, ``revisionHistoryLimit: 10``, ``progressDeadlineSeconds: 600``, and a
pod template with ``restartPolicy: Always``, ``dnsPolicy: ClusterFirst``,
``schedulerName: default-scheduler``, ``securityContext: {}``,
``terminationGracePeriodSeconds: 30`` and containers with ``imagePullPolicy``,
``terminationMessagePath: /dev/termination-log``, ``terminationMessagePolicy: File``,
``protocol: TCP`` on ports.

Also done here, although upstream does it elsewhere, because our objects never go through a
Go struct:

- resource quantities are rounded up to milli (``SetDefaults_ResourceList``) *and* written in
  canonical form (upstream: the JSON encoding of ``resource.Quantity``): ``cpu: "0.5"`` reads
  back as ``500m``, ``memory: 1024Mi`` as ``1Gi``;
- a container's ``resources: {}`` appears, as the non-pointer struct always serializes;
- a Service gets ``clusterIPs`` from ``clusterIP`` (the strategy's ``normalizeClusterIPs``) and,
  unless it is ``ExternalName``, ``ipFamilyPolicy`` and ``ipFamilies`` as the REST allocator of a
  single-stack IPv4 cluster sets them (``SingleStack``/``[IPv4]``; ``RequireDualStack`` for a
  headless Service without selector). Allocating the cluster IP itself is the API server's job.

Not defaults, so not here: ``status`` (the strategies set it), ``metadata`` (uid,
creationTimestamp...), the ServiceAccount admission's token volume and ``serviceAccountName``,
the Priority admission's ``priority``/``preemptionPolicy``, the DefaultTolerationSeconds
admission's tolerations, a Namespace's ``kubernetes`` finalizer (its strategy). A StatefulSet's
``serviceName`` has no default upstream either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .validation.quantity import QuantityParseError, parse_quantity

__all__ = ["apply_defaults", "image_pull_policy", "image_tag"]

JSON = dict[str, Any]

# core/v1 constants
DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
DEFAULT_SCHEDULER_NAME = "default-scheduler"
TERMINATION_MESSAGE_PATH_DEFAULT = "/dev/termination-log"
#: SecretVolumeSourceDefaultMode & co: 0644.
VOLUME_DEFAULT_MODE = 0o644
DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800


def _obj(parent: JSON, key: str) -> JSON:
    """``parent[key]`` as a dict, created if missing or null."""
    value = parent.get(key)
    if not isinstance(value, dict):
        value = {}
        parent[key] = value
    return value


def _items(parent: JSON, key: str) -> list[JSON]:
    value = parent.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _setdefault(d: JSON, key: str, value: Any) -> None:
    """Set ``d[key]`` when it is missing, null or the empty string (Go's zero value check)."""
    if d.get(key) in (None, ""):
        d[key] = value


# --------------------------------------------------------------------------------------------
# image references (pkg/util/parsers.ParseImageName over docker/distribution's reference)
# --------------------------------------------------------------------------------------------

_ALNUM = "[a-z0-9]+"
_SEPARATOR = "(?:[._]|__|[-]+)"
_PATH_COMPONENT = f"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = f"(?:{_DOMAIN_COMPONENT}(?:\\.{_DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?"
_NAME = f"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(f"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?", re.ASCII)


def image_tag(image: str) -> str | None:
    """The tag ``ParseImageName`` finds: ``latest`` when there is neither tag nor digest,
    ``""`` for a digest only, None when the reference does not parse."""
    m = _REFERENCE.fullmatch(image)
    if m is None or len(m.group(1)) > 255:
        return None
    tag, digest = m.group(2), m.group(3)
    if not tag and not digest:
        return "latest"
    return tag or ""


def image_pull_policy(image: str) -> str:
    """``SetDefaults_Container``: ``Always`` for a ``:latest`` (or untagged) image, else
    ``IfNotPresent`` (also when the reference does not parse)."""
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


# --------------------------------------------------------------------------------------------
# quantities
# --------------------------------------------------------------------------------------------


def _canonical_quantity(value: Any, round_milli: bool) -> Any:
    try:
        q = parse_quantity(value)
    except QuantityParseError:
        return value  # left for validation (upstream's decoder would answer 400)
    if round_milli:
        q = q.round_up(-3)
    return str(q)


def _resource_list(parent: JSON, key: str) -> None:
    """``SetDefaults_ResourceList``: round up to milli; and write the canonical form."""
    rl = parent.get(key)
    if isinstance(rl, dict):
        for name in list(rl):
            rl[name] = _canonical_quantity(rl[name], round_milli=True)


# --------------------------------------------------------------------------------------------
# core/v1: pods and pod specs
# --------------------------------------------------------------------------------------------


def _http_get(action: Any) -> None:
    """``SetDefaults_HTTPGetAction``."""
    if isinstance(action, dict):
        _setdefault(action, "path", "/")
        _setdefault(action, "scheme", "HTTP")


def _handler(handler: Any) -> None:
    if isinstance(handler, dict):
        _http_get(handler.get("httpGet"))
        grpc = handler.get("grpc")
        if isinstance(grpc, dict) and grpc.get("service") is None:
            grpc["service"] = ""


def _probe(probe: Any) -> None:
    """``SetDefaults_Probe``."""
    if not isinstance(probe, dict):
        return
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                       ("failureThreshold", 3)):
        if not probe.get(key):
            probe[key] = value
    _handler(probe)


def _field_ref(ref: Any) -> None:
    """``SetDefaults_ObjectFieldSelector``."""
    if isinstance(ref, dict):
        _setdefault(ref, "apiVersion", "v1")


def _container(c: JSON) -> None:
    """``SetDefaults_Container`` and the defaults of what a container holds."""
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = image_pull_policy(str(c.get("image") or ""))
    _setdefault(c, "terminationMessagePath", TERMINATION_MESSAGE_PATH_DEFAULT)
    _setdefault(c, "terminationMessagePolicy", "File")
    for port in _items(c, "ports"):
        _setdefault(port, "protocol", "TCP")
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(c.get(key))
    lifecycle = c.get("lifecycle")
    if isinstance(lifecycle, dict):
        _handler(lifecycle.get("postStart"))
        _handler(lifecycle.get("preStop"))
    for env in _items(c, "env"):
        value_from = env.get("valueFrom")
        if isinstance(value_from, dict):
            _field_ref(value_from.get("fieldRef"))
    resources = _obj(c, "resources")
    _resource_list(resources, "limits")
    _resource_list(resources, "requests")


def _volume(v: JSON) -> None:
    """``SetDefaults_Volume`` and the volume sources' defaults."""
    sources = ("hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo",
               "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd",
               "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
               "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
               "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image")
    if all(v.get(s) is None for s in sources):
        v["emptyDir"] = {}
    empty_dir = v.get("emptyDir")
    if isinstance(empty_dir, dict) and empty_dir.get("sizeLimit") is not None:
        empty_dir["sizeLimit"] = _canonical_quantity(empty_dir["sizeLimit"], round_milli=False)
    host_path = v.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = v.get(key)
        if isinstance(src, dict) and src.get("defaultMode") is None:
            src["defaultMode"] = VOLUME_DEFAULT_MODE
    downward = v.get("downwardAPI")
    if isinstance(downward, dict):
        for item in _items(downward, "items"):
            _field_ref(item.get("fieldRef"))
    projected = v.get("projected")
    if isinstance(projected, dict):
        for source in _items(projected, "sources"):
            token = source.get("serviceAccountToken")
            if isinstance(token, dict) and token.get("expirationSeconds") is None:
                token["expirationSeconds"] = 3600
            dapi = source.get("downwardAPI")
            if isinstance(dapi, dict):
                for item in _items(dapi, "items"):
                    _field_ref(item.get("fieldRef"))
    image = v.get("image")
    if isinstance(image, dict) and not image.get("pullPolicy"):
        image["pullPolicy"] = image_pull_policy(str(image.get("reference") or ""))
    ephemeral = v.get("ephemeral")
    if isinstance(ephemeral, dict) and isinstance(ephemeral.get("volumeClaimTemplate"), dict):
        _pvc_spec(_obj(ephemeral["volumeClaimTemplate"], "spec"))


def _pod_spec(spec: JSON) -> None:
    """``SetDefaults_PodSpec`` and what it holds (containers, volumes)."""
    _setdefault(spec, "dnsPolicy", "ClusterFirst")
    _setdefault(spec, "restartPolicy", "Always")
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
    _setdefault(spec, "schedulerName", DEFAULT_SCHEDULER_NAME)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in _items(spec, key):
            _container(c)
    for v in _items(spec, "volumes"):
        _volume(v)
    _resource_list(spec, "overhead")
    resources = spec.get("resources")
    if isinstance(resources, dict):
        _resource_list(resources, "limits")
        _resource_list(resources, "requests")


def _pod_template(template: Any) -> None:
    if isinstance(template, dict):
        _pod_spec(_obj(template, "spec"))


def _pod(pod: JSON) -> None:
    """``SetDefaults_Pod``: requests default to limits; service links on; with host
    networking, host ports default to container ports."""
    spec = _obj(pod, "spec")
    _pod_spec(spec)
    for key in ("containers", "initContainers"):
        for c in _items(spec, key):
            resources = _obj(c, "resources")
            limits = resources.get("limits")
            if isinstance(limits, dict) and limits:
                requests = _obj(resources, "requests")
                for name, value in limits.items():
                    requests.setdefault(name, value)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork") is True:
        for key in ("containers", "initContainers"):
            for c in _items(spec, key):
                for port in _items(c, "ports"):
                    if not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")


# --------------------------------------------------------------------------------------------
# core/v1: other kinds
# --------------------------------------------------------------------------------------------


def _replication_controller(rc: JSON) -> None:
    """``SetDefaults_ReplicationController`` (and ``replicas: 1``, a ``+default`` marker)."""
    spec = _obj(rc, "spec")
    template = spec.get("template")
    labels = template.get("metadata", {}).get("labels") if isinstance(template, dict) else None
    if labels:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        meta = _obj(rc, "metadata")
        if not meta.get("labels"):
            meta["labels"] = dict(labels)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _pod_template(template)


def _is_headless(spec: JSON) -> bool:
    return spec.get("clusterIP") == "None" or spec.get("clusterIPs") == ["None"]


def _service(svc: JSON) -> None:
    """``SetDefaults_Service``, plus ``clusterIPs`` and the IP family fields (see module doc)."""
    spec = _obj(svc, "spec")
    _setdefault(spec, "sessionAffinity", "None")
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    if spec["sessionAffinity"] == "ClientIP":
        cfg = spec.get("sessionAffinityConfig")
        client_ip = cfg.get("clientIP") if isinstance(cfg, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {
                "clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS}}
    _setdefault(spec, "type", "ClusterIP")
    for port in _items(spec, "ports"):
        _setdefault(port, "protocol", "TCP")
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    stype = spec["type"]
    accessible = stype in ("LoadBalancer", "NodePort") or (
        stype == "ClusterIP" and bool(spec.get("externalIPs")))
    if accessible:
        _setdefault(spec, "externalTrafficPolicy", "Cluster")
    if spec.get("internalTrafficPolicy") is None and stype in ("NodePort", "LoadBalancer",
                                                                "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True
    if stype != "ExternalName":
        if spec.get("clusterIP") and not spec.get("clusterIPs"):
            spec["clusterIPs"] = [spec["clusterIP"]]
        if spec.get("ipFamilyPolicy") is None:
            headless_no_selector = _is_headless(spec) and not spec.get("selector")
            spec["ipFamilyPolicy"] = "RequireDualStack" if headless_no_selector else "SingleStack"
        if not spec.get("ipFamilies"):
            spec["ipFamilies"] = ["IPv4"]


def _pvc_spec(spec: JSON) -> None:
    """``SetDefaults_PersistentVolumeClaimSpec``."""
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    resources = spec.get("resources")
    if isinstance(resources, dict):
        _resource_list(resources, "limits")
        _resource_list(resources, "requests")


def _pvc(pvc: JSON) -> None:
    """``SetDefaults_PersistentVolumeClaim``."""
    _pvc_spec(_obj(pvc, "spec"))
    status = _obj(pvc, "status")
    _setdefault(status, "phase", "Pending")


def _pv(pv: JSON) -> None:
    """``SetDefaults_PersistentVolume``."""
    spec = _obj(pv, "spec")
    _setdefault(spec, "persistentVolumeReclaimPolicy", "Retain")
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    _resource_list(spec, "capacity")
    host_path = spec.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    status = _obj(pv, "status")
    _setdefault(status, "phase", "Pending")


def _namespace(ns: JSON) -> None:
    """``SetDefaults_Namespace`` (the ``kubernetes.io/metadata.name`` label) and
    ``SetDefaults_NamespaceStatus``."""
    meta = _obj(ns, "metadata")
    if meta.get("name"):
        labels = _obj(meta, "labels")
        labels["kubernetes.io/metadata.name"] = meta["name"]
    status = _obj(ns, "status")
    _setdefault(status, "phase", "Active")


def _secret(secret: JSON) -> None:
    """``SetDefaults_Secret``."""
    _setdefault(secret, "type", "Opaque")


def _node(node: JSON) -> None:
    """``SetDefaults_NodeStatus``: allocatable defaults to capacity."""
    status = node.get("status")
    if not isinstance(status, dict):
        return
    _resource_list(status, "capacity")
    _resource_list(status, "allocatable")
    if status.get("allocatable") is None and isinstance(status.get("capacity"), dict):
        status["allocatable"] = dict(status["capacity"])


def _endpoints(ep: JSON) -> None:
    """``SetDefaults_Endpoints``."""
    for subset in _items(ep, "subsets"):
        for port in _items(subset, "ports"):
            _setdefault(port, "protocol", "TCP")


def _limit_range(lr: JSON) -> None:
    """``SetDefaults_LimitRangeItem``: for ``Container`` limits, ``default`` from ``max`` and
    ``defaultRequest`` from ``default`` then ``min``."""
    for item in _items(_obj(lr, "spec"), "limits"):
        for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            _resource_list(item, key)
        if item.get("type") != "Container":
            continue
        default = _obj(item, "default")
        default_request = _obj(item, "defaultRequest")
        for name, value in (item.get("max") or {}).items():
            default.setdefault(name, value)
        for name, value in default.items():
            default_request.setdefault(name, value)
        for name, value in (item.get("min") or {}).items():
            default_request.setdefault(name, value)


def _resource_quota(rq: JSON) -> None:
    _resource_list(_obj(rq, "spec"), "hard")
    status = rq.get("status")
    if isinstance(status, dict):
        _resource_list(status, "hard")
        _resource_list(status, "used")


# --------------------------------------------------------------------------------------------
# apps/v1
# --------------------------------------------------------------------------------------------


def _deployment(d: JSON) -> None:
    """``SetDefaults_Deployment``."""
    spec = _obj(d, "spec")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = _obj(spec, "strategy")
    _setdefault(strategy, "type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        ru = _obj(strategy, "rollingUpdate")
        if ru.get("maxUnavailable") is None:
            ru["maxUnavailable"] = "25%"
        if ru.get("maxSurge") is None:
            ru["maxSurge"] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    _pod_template(spec.get("template"))


def _replica_set(rs: JSON) -> None:
    """``SetDefaults_ReplicaSet``."""
    spec = _obj(rs, "spec")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _pod_template(spec.get("template"))


def _stateful_set(sts: JSON) -> None:
    """``SetDefaults_StatefulSet`` (StatefulSetAutoDeletePVC is GA: the retention policy is
    always defaulted)."""
    spec = _obj(sts, "spec")
    _setdefault(spec, "podManagementPolicy", "OrderedReady")
    strategy = _obj(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        if strategy.get("rollingUpdate") is None:
            strategy["rollingUpdate"] = {}
    ru = strategy.get("rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(ru, dict) and ru.get("partition") is None:
        ru["partition"] = 0
    policy = _obj(spec, "persistentVolumeClaimRetentionPolicy")
    _setdefault(policy, "whenDeleted", "Retain")
    _setdefault(policy, "whenScaled", "Retain")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    _pod_template(spec.get("template"))
    for claim in _items(spec, "volumeClaimTemplates"):
        _pvc(claim)


def _daemon_set(ds: JSON) -> None:
    """``SetDefaults_DaemonSet``."""
    spec = _obj(ds, "spec")
    strategy = _obj(spec, "updateStrategy")
    _setdefault(strategy, "type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        ru = _obj(strategy, "rollingUpdate")
        if ru.get("maxUnavailable") is None:
            ru["maxUnavailable"] = 1
        if ru.get("maxSurge") is None:
            ru["maxSurge"] = 0
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    _pod_template(spec.get("template"))


# --------------------------------------------------------------------------------------------
# batch/v1 (pkg/apis/batch/v1/defaults.go)
# --------------------------------------------------------------------------------------------


def _job(job: JSON) -> None:
    """``SetDefaults_Job``: completions and parallelism 1 when both are unset (else
    parallelism 1), ``backoffLimit: 6`` (``MaxInt32`` with a per-index limit), the Job's labels
    from its template's when it has none, ``completionMode: NonIndexed``, ``suspend: false``,
    ``podReplacementPolicy`` (``Failed`` with a pod failure policy, else
    ``TerminatingOrFailed``), ``manualSelector: false``; and the pod template's defaults."""
    spec = _obj(job, "spec")
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6
    template = spec.get("template")
    labels = ((template or {}).get("metadata") or {}).get("labels") \
        if isinstance(template, dict) else None
    meta = _obj(job, "metadata")
    if labels and not meta.get("labels"):
        meta["labels"] = dict(labels)
    _setdefault(spec, "completionMode", "NonIndexed")
    if spec.get("suspend") is None:
        spec["suspend"] = False
    pfp = spec.get("podFailurePolicy")
    for rule in _items(pfp, "rules") if isinstance(pfp, dict) else []:
        for pattern in _items(rule, "onPodConditions"):
            _setdefault(pattern, "status", "True")
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") \
            else "TerminatingOrFailed"
    if spec.get("manualSelector") is None:
        spec["manualSelector"] = False
    _pod_template(template)


def _cron_job(cj: JSON) -> None:
    """``SetDefaults_CronJob``: ``concurrencyPolicy: Allow``, ``suspend: false``, history
    limits 3 successful / 1 failed; the job template's pod template gets the pod defaults (not
    the Job's: ``SetDefaults_Job`` is for the Job type, not a ``JobSpec``)."""
    spec = _obj(cj, "spec")
    _setdefault(spec, "concurrencyPolicy", "Allow")
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("successfulJobsHistoryLimit") is None:
        spec["successfulJobsHistoryLimit"] = 3
    if spec.get("failedJobsHistoryLimit") is None:
        spec["failedJobsHistoryLimit"] = 1
    job_template = spec.get("jobTemplate")
    if isinstance(job_template, dict) and isinstance(job_template.get("spec"), dict):
        _pod_template(job_template["spec"].get("template"))


# --------------------------------------------------------------------------------------------
# rbac/v1, discovery/v1, storage/v1
# --------------------------------------------------------------------------------------------


def _binding(binding: JSON) -> None:
    """``SetDefaults_RoleBinding`` / ``ClusterRoleBinding`` and ``SetDefaults_Subject``."""
    ref = _obj(binding, "roleRef")
    _setdefault(ref, "apiGroup", "rbac.authorization.k8s.io")
    for subject in _items(binding, "subjects"):
        # A ServiceAccount subject's default is "", which ``omitempty`` leaves out.
        if not subject.get("apiGroup") and subject.get("kind") in ("User", "Group"):
            subject["apiGroup"] = "rbac.authorization.k8s.io"


def _endpoint_slice(es: JSON) -> None:
    """``SetDefaults_EndpointPort``."""
    for port in _items(es, "ports"):
        if port.get("name") is None:
            port["name"] = ""
        if port.get("protocol") is None:
            port["protocol"] = "TCP"


def _storage_class(sc: JSON) -> None:
    """``SetDefaults_StorageClass``."""
    _setdefault(sc, "reclaimPolicy", "Delete")
    _setdefault(sc, "volumeBindingMode", "Immediate")


_DEFAULTERS: dict[tuple[str, str], Callable[[JSON], None]] = {
    ("", "Pod"): _pod,
    ("", "PodTemplate"): lambda o: _pod_template(o.get("template")),
    ("", "ReplicationController"): _replication_controller,
    ("", "Service"): _service,
    ("", "PersistentVolume"): _pv,
    ("", "PersistentVolumeClaim"): _pvc,
    ("", "Namespace"): _namespace,
    ("", "Secret"): _secret,
    ("", "Node"): _node,
    ("", "Endpoints"): _endpoints,
    ("", "LimitRange"): _limit_range,
    ("", "ResourceQuota"): _resource_quota,
    ("apps", "Deployment"): _deployment,
    ("apps", "ReplicaSet"): _replica_set,
    ("apps", "StatefulSet"): _stateful_set,
    ("apps", "DaemonSet"): _daemon_set,
    ("batch", "Job"): _job,
    ("batch", "CronJob"): _cron_job,
    ("rbac.authorization.k8s.io", "RoleBinding"): _binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _binding,
    ("discovery.k8s.io", "EndpointSlice"): _endpoint_slice,
    ("storage.k8s.io", "StorageClass"): _storage_class,
}


def apply_defaults(obj: JSON) -> None:
    """Fill in upstream's defaults, in place, by (group, kind). Unknown kinds are left alone;
    a value already set is never changed (quantities are only rewritten canonically)."""
    api_version = str(obj.get("apiVersion", ""))
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    fn = _DEFAULTERS.get((group, str(obj.get("kind", ""))))
    if fn is not None:
        fn(obj)
