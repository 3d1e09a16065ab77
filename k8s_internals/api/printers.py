"""Server-side printing: every built-in resource converted to a ``meta.k8s.io/v1`` ``Table``.

This is what kube-apiserver answers when a client asks for
``Accept: application/json;as=Table;v=v1;g=meta.k8s.io`` (``kubectl get`` always does), and what
the in-process kubectl (:mod:`k8s_internals.kubectl`) renders.

Upstream:

- ``pkg/printers/internalversion/printers.go`` — one column list and one row function per kind
  (``printPod``, ``printDeployment``, ``printNode``...). Cell values follow those functions
  exactly: pod ``READY`` ``1/1``, ``STATUS`` from the container states (``ContainerCreating``,
  ``CrashLoopBackOff``, ``Completed``, ``Terminating``, ``Init:0/1``), ``RESTARTS``
  ``3 (10s ago)``, ``<none>`` for empty wide cells...
- ``pkg/printers/storage/storage.go`` (``TableConvertor``) — the server always generates the
  *wide* cells (``GenerateOptions{Wide: true}``); the client hides columns whose ``priority`` is
  not 0 unless ``-o wide``.
- ``staging/src/k8s.io/apiserver/pkg/registry/rest/table.go`` — kinds without a printer (roles,
  limit ranges...) get the default ``Name`` / ``Created At`` table.
- ``staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go`` — ``HumanDuration`` for
  ``AGE`` (:func:`human_duration`) and ``ShortHumanDuration`` (:func:`short_human_duration`).
- ``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go`` — each row's ``object`` is,
  by default (``includeObject=Metadata``), a ``PartialObjectMetadata``, so that ``kubectl -A`` can
  print the ``NAMESPACE`` column and ``--show-labels`` the labels.

Ages need "now": it is a parameter (the simulation passes its virtual clock, ``kernel.datetime()``),
so the same state always prints the same text. Column descriptions are upstream's
``SwaggerDoc()`` strings (taken from the ``v1`` API types; upstream quotes a few from the
``extensions/v1beta1`` and ``rbac/v1beta1`` types, which say the same in other words).

Kinds the simulator does not serve (jobs, cron jobs, ingresses, HPAs...) are not converted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from .resources import ResourceInfo
from .selectors import SelectorError, label_selector_as_selector
from .validation.quantity import Quantity, QuantityParseError

__all__ = [
    "COLUMNS",
    "column_definitions",
    "format_label_selector",
    "format_labels",
    "human_duration",
    "parse_time",
    "pod_status_cells",
    "row_cells",
    "short_human_duration",
    "to_table",
    "translate_timestamp_since",
]

Obj = dict[str, Any]
Cells = list[Any]


# -- durations and timestamps ----------------------------------------------------------------------

_NS = 1_000_000_000
_MINUTE = 60 * _NS
_HOUR = 60 * _MINUTE


def _nanos(d: timedelta | float | int) -> int:
    if isinstance(d, timedelta):
        return (d.days * 86400 + d.seconds) * _NS + d.microseconds * 1000
    return round(d * _NS)


def _go_div(a: int, b: int) -> int:
    """Go's integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def human_duration(d: timedelta | float | int) -> str:
    """``duration.HumanDuration``: ~2-3 significant figures (``70s``, ``3m10s``, ``2d1h``).

    ``d`` is a ``timedelta`` or seconds.

    >>> [human_duration(s) for s in (0, 119, 190, 600, 3 * 3600 + 60, 49 * 3600)]
    ['0s', '119s', '3m10s', '10m', '3h1m', '2d1h']
    """
    n = _nanos(d)
    seconds = _go_div(n, _NS)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = n // _MINUTE
    if minutes < 10:
        s = (n // _NS) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = n // _HOUR
    if hours < 8:
        m = (n // _MINUTE) % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(d: timedelta | float | int) -> str:
    """``duration.ShortHumanDuration``: one unit (``59s``, ``1m``, ``23h``, ``364d``, ``2y``)."""
    n = _nanos(d)
    seconds = _go_div(n, _NS)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    minutes = n // _MINUTE
    if minutes < 60:
        return f"{minutes}m"
    hours = n // _HOUR
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // 24 // 365}y"


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 ``metav1.Time`` / ``MicroTime`` string as an aware datetime (``None`` if
    unset)."""
    if not value or not isinstance(value, str):
        return None
    return _parse_time_str(value)


@lru_cache(maxsize=8192)
def _parse_time_str(value: str) -> datetime | None:
    # cached: a Table of 10,000 pods created in the same few seconds parses the same
    # ``creationTimestamp`` strings over and over (datetimes are immutable)
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _as_datetime(now: datetime | float) -> datetime:
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(now), tz=UTC)


def translate_timestamp_since(value: Any, now: datetime | float) -> str:
    """``translateTimestampSince``: ``<unknown>`` for an unset time, else the human age."""
    t = parse_time(value)
    if t is None:
        return "<unknown>"
    return human_duration(_as_datetime(now) - t)


# -- small formatting helpers (apimachinery labels / metav1) --------------------------------------


def format_labels(labels: Mapping[str, str] | None) -> str:
    """``labels.FormatLabels``: ``k=v,k2=v2`` sorted by key, ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def format_label_selector(selector: Mapping[str, Any] | None) -> str:
    """``metav1.FormatLabelSelector``: ``<none>`` for a nil or empty selector, ``<error>`` for an
    invalid one."""
    if selector is None:
        return "<none>"
    try:
        text = str(label_selector_as_selector(selector))
    except SelectorError:
        return "<error>"
    return text or "<none>"


def _selector_string(selector: Mapping[str, Any] | None) -> str:
    """``metav1.LabelSelectorAsSelector(s).String()`` (``""`` for an empty selector)."""
    try:
        return str(label_selector_as_selector(selector))
    except SelectorError:
        return "<invalid>"


def _quantity(value: Any) -> str:
    """``resource.Quantity.String()`` (the zero quantity for a missing value)."""
    if value is None or value == "":
        return "0"
    try:
        return str(Quantity(value))
    except (QuantityParseError, TypeError, ValueError):
        return str(value)


def _layout_containers(containers: Iterable[Obj] | None) -> tuple[str, str]:
    """``layoutContainerCells``: comma-joined names and images."""
    cs = list(containers or [])
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def _name(obj: Obj) -> str:
    return str(_meta(obj).get("name", ""))


def _age(obj: Obj, now: datetime) -> str:
    return translate_timestamp_since(_meta(obj).get("creationTimestamp"), now)


def _join_host_port(host: str, port: Any) -> str:
    """``net.JoinHostPort``: brackets around IPv6 hosts."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _list_with_more(items: list[str], more: bool, count: int, max_: int) -> str:
    ret = ",".join(items)
    if more:
        return f"{ret} + {count - max_} more..."
    return ret or "<unset>"


# -- column definitions ----------------------------------------------------------------------------

_DOCS: dict[str, str] = {
    'ObjectMeta.name': (
        'Name must be unique within a namespace. Is required when creating resources, althoug'
        'h some resources may allow a client to request the generation of an appropriate name'
        ' automatically. Name is primarily intended for creation idempotence and configuratio'
        'n definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/over'
        'view/working-with-objects/names#names'
    ),
    'ObjectMeta.creationTimestamp': (
        'CreationTimestamp is a timestamp representing the server time when this object was c'
        'reated. It is not guaranteed to be set in happens-before order across separate opera'
        'tions. Clients may not set this value. It is represented in RFC3339 form and is in U'
        'TC.  Populated by the system. Read-only. Null for lists. More info: https://git.k8s.'
        'io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'
    ),
    'PodStatus.podIP': (
        'podIP address allocated to the pod. Routable at least within the cluster. Empty if n'
        'ot yet allocated.'
    ),
    'PodStatus.nominatedNodeName': (
        'nominatedNodeName is set only when this pod preempts other pods on the node, but it '
        'cannot be scheduled right away as preemption victims receive their graceful terminat'
        'ion periods. This field does not guarantee that the pod will be scheduled on this no'
        'de. Scheduler may decide to place the pod elsewhere if other nodes become available '
        'sooner. Scheduler may also decide to give the resources on this node to a higher pri'
        'ority pod that is created after preemption. As a result, this field may be different'
        ' than PodSpec.nodeName when the pod is scheduled.'
    ),
    'PodSpec.nodeName': (
        'NodeName indicates in which node this pod is scheduled. If empty, this pod is a cand'
        'idate for scheduling by the scheduler defined in schedulerName. Once this field is s'
        'et, the kubelet for this node becomes responsible for the lifecycle of this pod. Thi'
        's field should not be used to express a desire for the pod to be scheduled on a spec'
        'ific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#'
        'nodename'
    ),
    'PodSpec.readinessGates': (
        'If specified, all readiness gates will be evaluated for pod readiness. A pod is read'
        'y when all its containers are ready AND all conditions specified in the readiness ga'
        'tes have status equal to \\"True\\" More info: https://git.k8s.io/enhancements/keps/si'
        'g-network/580-pod-readiness-gates'
    ),
    'PodSpec.nodeSelector': (
        'NodeSelector is a selector which must be true for the pod to fit on a node. Selector'
        " which must match a node's labels for the pod to be scheduled on that node. More inf"
        'o: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/'
    ),
    'ReplicationControllerSpec.replicas': (
        'Replicas is the number of desired replicas. This is a pointer to distinguish between'
        ' explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs'
        '/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontrolle'
        'r'
    ),
    'ReplicationControllerSpec.selector': (
        'Selector is a label query over pods that should match the Replicas count. If Selecto'
        'r is empty, it is defaulted to the labels present on the Pod template. Label keys an'
        'd values that must match in order to be controlled by this replication controller, i'
        'f empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/c'
        'oncepts/overview/working-with-objects/labels/#label-selectors'
    ),
    'ReplicationControllerStatus.replicas': (
        'Replicas is the most recently observed number of replicas. More info: https://kubern'
        'etes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicat'
        'ioncontroller'
    ),
    'ReplicationControllerStatus.readyReplicas': (
        'The number of ready replicas for this replication controller.'
    ),
    'ReplicaSetSpec.replicas': (
        'Replicas is the number of desired replicas. This is a pointer to distinguish between'
        ' explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs'
        '/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroll'
        'er'
    ),
    'ReplicaSetSpec.selector': (
        'Selector is a label query over pods that should match the replica count. Label keys '
        'and values that must match in order to be controlled by this replica set. It must ma'
        "tch the pod template's labels. More info: https://kubernetes.io/docs/concepts/overvi"
        'ew/working-with-objects/labels/#label-selectors'
    ),
    'ReplicaSetStatus.replicas': (
        'Replicas is the most recently observed number of replicas. More info: https://kubern'
        'etes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replica'
        'tioncontroller'
    ),
    'ReplicaSetStatus.readyReplicas': (
        'readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Conditi'
        'on.'
    ),
    'DaemonSetStatus.desiredNumberScheduled': (
        'The total number of nodes that should be running the daemon pod (including nodes cor'
        'rectly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workl'
        'oads/controllers/daemonset/'
    ),
    'DaemonSetStatus.currentNumberScheduled': (
        'The number of nodes that are running at least 1 daemon pod and are supposed to run t'
        'he daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/'
        'daemonset/'
    ),
    'DaemonSetStatus.numberReady': (
        'numberReady is the number of nodes that should be running the daemon pod and have on'
        'e or more of the daemon pod running with a Ready Condition.'
    ),
    'DaemonSetStatus.updatedNumberScheduled': (
        'The total number of nodes that are running updated daemon pod'
    ),
    'DaemonSetStatus.numberAvailable': (
        'The number of nodes that should be running the daemon pod and have one or more of th'
        'e daemon pod running and available (ready for at least spec.minReadySeconds)'
    ),
    'DaemonSetSpec.selector': (
        'A label query over pods that are managed by the daemon set. Must match in order to b'
        "e controlled. It must match the pod template's labels. More info: https://kubernetes"
        '.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'
    ),
    'DeploymentStatus.updatedReplicas': (
        'Total number of non-terminated pods targeted by this deployment that have the desire'
        'd template spec.'
    ),
    'DeploymentStatus.availableReplicas': (
        'Total number of available pods (ready for at least minReadySeconds) targeted by this'
        ' deployment.'
    ),
    'DeploymentSpec.selector': (
        'Label selector for pods. Existing ReplicaSets whose pods are selected by this will b'
        "e the ones affected by this deployment. It must match the pod template's labels."
    ),
    'ServiceSpec.type': (
        'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are'
        ' ExternalName, ClusterIP, NodePort, and LoadBalancer. \\"ClusterIP\\" allocates a clus'
        'ter-internal IP address for load-balancing to endpoints. Endpoints are determined by'
        ' the selector or if that is not specified, by manual construction of an Endpoints ob'
        'ject or EndpointSlice objects. If clusterIP is \\"None\\", no virtual IP is allocated '
        'and the endpoints are published as a set of endpoints rather than a virtual IP. \\"No'
        'dePort\\" builds on ClusterIP and allocates a port on every node which routes to the '
        'same endpoints as the clusterIP. \\"LoadBalancer\\" builds on NodePort and creates an '
        'external load-balancer (if supported in the current cloud) which routes to the same '
        'endpoints as the clusterIP. \\"ExternalName\\" aliases this service to the specified e'
        'xternalName. Several other fields do not apply to ExternalName services. More info: '
        'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services'
        '-service-types'
    ),
    'ServiceSpec.clusterIP': (
        'clusterIP is the IP address of the service and is usually assigned randomly. If an a'
        'ddress is specified manually, is in-range (as per system configuration), and is not '
        'in use, it will be allocated to the service; otherwise creation of the service will '
        'fail. This field may not be changed through updates unless the type field is also be'
        'ing changed to ExternalName (which requires this field to be blank) or the type fiel'
        'd is being changed from ExternalName (in which case this field may optionally be spe'
        'cified, as describe above).  Valid values are \\"None\\", empty string (\\"\\"), or a va'
        'lid IP address. Setting this to \\"None\\" makes a \\"headless service\\" (no virtual IP'
        '), which is useful when direct endpoint connections are preferred and proxying is no'
        't required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this fi'
        'eld is specified when creating a Service of type ExternalName, creation will fail. T'
        'his field will be wiped when updating a Service to type ExternalName. More info: htt'
        'ps://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-servic'
        'e-proxies'
    ),
    'ServiceSpec.externalIPs': (
        'externalIPs is a list of IP addresses for which nodes in the cluster will also accep'
        't traffic for this service.  These IPs are not managed by Kubernetes.  The user is r'
        'esponsible for ensuring that traffic arrives at a node with this IP.  A common examp'
        'le is external load-balancers that are not part of the Kubernetes system.'
    ),
    'ServiceSpec.ports': (
        'The list of ports that are exposed by this service. More info: https://kubernetes.io'
        '/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'
    ),
    'ServiceSpec.selector': (
        'Route service traffic to pods with label keys and values matching this selector. If '
        'empty or not present, the service is assumed to have an external process managing it'
        's endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, Node'
        'Port, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernet'
        'es.io/docs/concepts/services-networking/service/'
    ),
    'Endpoints.subsets': (
        'The set of all endpoints is the union of all subsets. Addresses are placed into subs'
        'ets according to the IPs they share. A single address with multiple ports, some of w'
        'hich are ready and some of which are not (because they come from different container'
        's) will result in the address being displayed in different subsets for the different'
        ' ports. No address will appear in both Addresses and NotReadyAddresses in the same s'
        'ubset. Sets of addresses and ports that comprise a service.'
    ),
    'NodeSystemInfo.kubeletVersion': 'Kubelet Version reported by the node.',
    'NodeSystemInfo.osImage': (
        'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)'
        ').'
    ),
    'NodeSystemInfo.kernelVersion': (
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."
    ),
    'NodeSystemInfo.containerRuntimeVersion': (
        'ContainerRuntime Version reported by the node through runtime remote API (e.g. conta'
        'inerd://1.4.2).'
    ),
    'NodeStatus.addresses': (
        'List of addresses reachable to the node. Queried from cloud provider, if available. '
        'More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: Th'
        'is field is declared as mergeable, but the merge key is not sufficiently unique, whi'
        'ch can cause data corruption when it is merged. Callers should instead use a full-re'
        'placement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume'
        ' that addresses can change during the lifetime of a Node. However, there are some ex'
        "ceptions where this may not be possible, such as Pods that inherit a Node's address "
        'in its own status or consumers of the downward API (status.hostIP).'
    ),
    'Event.lastTimestamp': (
        'The time at which the most recent occurrence of this event was recorded.'
    ),
    'Event.type': 'Type of this event (Normal, Warning), new types could be added in the future',
    'Event.reason': (
        'This should be a short, machine understandable string that gives the reason for the '
        "transition into the object's current status."
    ),
    'Event.involvedObject': 'The object that this event is about.',
    'Event.source': (
        'The component reporting this event. Should be a short machine understandable string.'
    ),
    'Event.message': 'A human-readable description of the status of this operation.',
    'Event.firstTimestamp': (
        'The time at which the event was first recorded. (Time of server receipt is in TypeMe'
        'ta.)'
    ),
    'Event.count': 'The number of times this event has occurred.',
    'ObjectReference.fieldPath': (
        'If referring to a piece of an object instead of an entire object, this string should'
        ' contain a valid JSON/Go field access statement, such as desiredState.manifest.conta'
        'iners[2]. For example, if the object reference is to a container within a pod, this '
        'would take on a value like: \\"spec.containers{name}\\" (where \\"name\\" refers to the '
        'name of the container that triggered the event) or if no container name is specified'
        ' \\"spec.containers[2]\\" (container with index 2 in this pod). This syntax is chosen '
        'only to have some well-defined way of referencing a part of an object.'
    ),
    'Secret.type': (
        'Used to facilitate programmatic handling of secret data. More info: https://kubernet'
        'es.io/docs/concepts/configuration/secret/#secret-types'
    ),
    'Secret.data': (
        "Data contains the secret data. Each key must consist of alphanumeric characters, '-'"
        ", '_' or '.'. The serialized form of the secret data is a base64 encoded string, rep"
        'resenting the arbitrary (possibly non-string) data value here. Described in https://'
        'tools.ietf.org/html/rfc4648#section-4'
    ),
    'ServiceAccount.secrets': (
        'Secrets is a list of the secrets in the same namespace that pods running using this '
        'ServiceAccount are allowed to use. Pods are only limited to this list if this servic'
        'e account has a \\"kubernetes.io/enforce-mountable-secrets\\" annotation set to \\"true'
        '\\". The \\"kubernetes.io/enforce-mountable-secrets\\" annotation is deprecated since v'
        '1.32. Prefer separate namespaces to isolate access to mounted secrets. This field sh'
        'ould not be used to find auto-generated service account token secrets for use outsid'
        'e of pods. Instead, tokens can be requested directly using the TokenRequest API, or '
        'service account token secrets can be manually created. More info: https://kubernetes'
        '.io/docs/concepts/configuration/secret'
    ),
    'PersistentVolumeSpec.capacity': (
        "capacity is the description of the persistent volume's resources and capacity. More "
        'info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity'
    ),
    'PersistentVolumeSpec.accessModes': (
        'accessModes contains all ways the volume can be mounted. More info: https://kubernet'
        'es.io/docs/concepts/storage/persistent-volumes#access-modes'
    ),
    'PersistentVolumeSpec.persistentVolumeReclaimPolicy': (
        'persistentVolumeReclaimPolicy defines what happens to a persistent volume when relea'
        'sed from its claim. Valid options are Retain (default for manually created Persisten'
        'tVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recyc'
        'le (deprecated). Recycle must be supported by the volume plugin underlying this Pers'
        'istentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volu'
        'mes#reclaiming'
    ),
    'PersistentVolumeSpec.claimRef': (
        'claimRef is part of a bi-directional binding between PersistentVolume and Persistent'
        'VolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritativ'
        'e bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/pe'
        'rsistent-volumes#binding'
    ),
    'PersistentVolumeSpec.volumeMode': (
        'volumeMode defines if a volume is intended to be used with a formatted filesystem or'
        ' to remain in raw block state. Value of Filesystem is implied when not included in s'
        'pec.'
    ),
    'PersistentVolumeStatus.phase': (
        'phase indicates if a volume is available, bound to a claim, or released by a claim. '
        'More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'
    ),
    'PersistentVolumeStatus.reason': (
        'reason is a brief CamelCase string that describes any failure and is meant for machi'
        'ne parsing and tidy display in the CLI.'
    ),
    'PersistentVolumeClaimStatus.phase': (
        'phase represents the current phase of PersistentVolumeClaim.'
    ),
    'PersistentVolumeClaimStatus.capacity': (
        'capacity represents the actual resources of the underlying volume.'
    ),
    'PersistentVolumeClaimStatus.accessModes': (
        'accessModes contains the actual access modes the volume backing the PVC has. More in'
        'fo: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'
    ),
    'PersistentVolumeClaimSpec.volumeName': (
        'volumeName is the binding reference to the PersistentVolume backing this claim.'
    ),
    'PersistentVolumeClaimSpec.volumeMode': (
        'volumeMode defines what type of volume is required by the claim. Value of Filesystem'
        ' is implied when not included in claim spec.'
    ),
    'ConfigMap.data': (
        'Data contains the configuration data. Each key must consist of alphanumeric characte'
        "rs, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData fi"
        'eld. The keys stored in Data must not overlap with the keys in the BinaryData field,'
        ' this is enforced during validation process.'
    ),
    'ControllerRevision.revision': (
        'Revision indicates the revision of the state represented by Data.'
    ),
    'RoleBinding.roleRef': (
        'RoleRef can reference a Role in the current namespace or a ClusterRole in the global'
        ' namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. '
        'This field is immutable.'
    ),
    'ClusterRoleBinding.roleRef': (
        'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef can'
        'not be resolved, the Authorizer must return an error. This field is immutable.'
    ),
    'LeaseSpec.holderIdentity': (
        'holderIdentity contains the identity of the holder of a current lease. If Coordinate'
        'd Leader Election is used, the holder identity must be equal to the elected LeaseCan'
        'didate.metadata.name field.'
    ),
    'StorageClass.provisioner': 'provisioner indicates the type of the provisioner.',
    'StorageClass.reclaimPolicy': (
        'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolum'
        'es of this storage class. Defaults to Delete.'
    ),
    'StorageClass.volumeBindingMode': (
        'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bou'
        'nd.  When unset, VolumeBindingImmediate is used. This field is only honored by serve'
        'rs that enable the VolumeScheduling feature.'
    ),
    'StorageClass.allowVolumeExpansion': (
        'allowVolumeExpansion shows whether the storage class allow volume expand.'
    ),
    'PriorityClass.value': (
        'value represents the integer value of this priority class. This is the actual priori'
        'ty that pods receive when they have the name of this class in their pod spec.'
    ),
    'PriorityClass.globalDefault': (
        'globalDefault specifies whether this PriorityClass should be considered as the defau'
        'lt priority for pods that do not have any priority class. Only one PriorityClass can'
        ' be marked as `globalDefault`. However, if more than one PriorityClasses exists with'
        ' their `globalDefault` field set to true, the smallest value of such global default '
        'PriorityClasses will be used as the default priority.'
    ),
    'PriorityClass.preemptionPolicy': (
        'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never'
        ', PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'
    ),
    'EndpointSlice.addressType': (
        'addressType specifies the type of address carried by this EndpointSlice. All address'
        'es in this slice must be the same type. This field is immutable after creation. The '
        'following address types are currently supported: * IPv4: Represents an IPv4 Address.'
        ' * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Nam'
        'e.'
    ),
    'EndpointSlice.ports': (
        'ports specifies the list of network ports exposed by each endpoint in this slice. Ea'
        'ch port must have a unique name. When ports is empty, it indicates that there are no'
        ' defined ports. When a port is defined with a nil port value, it indicates \\"all por'
        'ts\\". Each slice may include a maximum of 100 ports.'
    ),
    'EndpointSlice.endpoints': (
        'endpoints is a list of unique endpoints in this slice. Each slice may include a maxi'
        'mum of 1000 endpoints.'
    ),
    'ScaleSpec.replicas': 'replicas is the desired number of instances for the scaled object.',
    'ScaleStatus.replicas': (
        'replicas is the actual number of observed instances of the scaled object.'
    ),
}

#: batch/v1 field docs (``batchv1.JobStatus{}.SwaggerDoc()`` & co; the CronJob columns use the
#: ``batchv1beta1`` docs, as ``printers.go`` does)
_BATCH_DOCS: dict[str, str] = {
    "JobStatus.succeeded": (
        "The number of pods which reached phase Succeeded. The value increases monotonically "
        "for a given spec. However, it may decrease in reaction to scale down of elastic "
        "indexed jobs."
    ),
    "JobSpec.selector": (
        "A label query over pods that should match the pod count. Normally, the system sets "
        "this field for you. More info: https://kubernetes.io/docs/concepts/overview/"
        "working-with-objects/labels/#label-selectors"
    ),
    "CronJobSpec.schedule": "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
    "CronJobSpec.timeZone": (
        "The time zone name for the given schedule, see "
        "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this "
        "will default to the time zone of the kube-controller-manager process. The set of "
        "valid time zone names and the time zone offset is loaded from the system-wide time "
        "zone database by the API server during CronJob validation and the controller manager "
        "during execution. If no system-wide time zone database can be found a bundled "
        "version of the database is used instead. If the time zone name becomes invalid "
        "during the lifetime of a CronJob or due to a change in host configuration, the "
        "controller will stop creating new new Jobs and will create a system event with the "
        "reason UnknownTimeZone. More information can be found in "
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"
    ),
    "CronJobSpec.suspend": (
        "This flag tells the controller to suspend subsequent executions, it does not apply "
        "to already started executions. Defaults to false."
    ),
    "CronJobStatus.active": "A list of pointers to currently running jobs.",
    "CronJobStatus.lastScheduleTime": (
        "Information when was the last time the job was successfully scheduled."
    ),
}
_CONTAINERS = "Names of each container in the template."
_IMAGES = "Images referenced by each container in the template."


def _col(name: str, type_: str, description: str, priority: int = 0, fmt: str = "") -> Obj:
    """One ``metav1.TableColumnDefinition`` (every field is always serialized)."""
    return {"name": name, "type": type_, "format": fmt, "description": description,
            "priority": priority}


def _name_col(priority: int = 0) -> Obj:
    return _col("Name", "string", _DOCS["ObjectMeta.name"], priority, "name")


def _age_col() -> Obj:
    return _col("Age", "string", _DOCS["ObjectMeta.creationTimestamp"])


#: column definitions per ``(group, kind)``, in upstream's ``AddHandlers`` order
COLUMNS: dict[tuple[str, str], list[Obj]] = {
    ("", "Pod"): [
        _name_col(),
        _col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        _col("Status", "string", "The aggregate status of the containers in this pod."),
        _col("Restarts", "string", "The number of times the containers in this pod have been "
             "restarted and when the last container in this pod has restarted."),
        _age_col(),
        _col("IP", "string", _DOCS["PodStatus.podIP"], 1),
        _col("Node", "string", _DOCS["PodSpec.nodeName"], 1),
        _col("Nominated Node", "string", _DOCS["PodStatus.nominatedNodeName"], 1),
        _col("Readiness Gates", "string", _DOCS["PodSpec.readinessGates"], 1),
    ],
    ("", "ReplicationController"): [
        _name_col(),
        _col("Desired", "integer", _DOCS["ReplicationControllerSpec.replicas"]),
        _col("Current", "integer", _DOCS["ReplicationControllerStatus.replicas"]),
        _col("Ready", "integer", _DOCS["ReplicationControllerStatus.readyReplicas"]),
        _age_col(),
        _col("Containers", "string", _CONTAINERS, 1),
        _col("Images", "string", _IMAGES, 1),
        _col("Selector", "string", _DOCS["ReplicationControllerSpec.selector"], 1),
    ],
    ("apps", "ReplicaSet"): [
        _name_col(),
        _col("Desired", "integer", _DOCS["ReplicaSetSpec.replicas"]),
        _col("Current", "integer", _DOCS["ReplicaSetStatus.replicas"]),
        _col("Ready", "integer", _DOCS["ReplicaSetStatus.readyReplicas"]),
        _age_col(),
        _col("Containers", "string", _CONTAINERS, 1),
        _col("Images", "string", _IMAGES, 1),
        _col("Selector", "string", _DOCS["ReplicaSetSpec.selector"], 1),
    ],
    ("apps", "DaemonSet"): [
        _name_col(),
        _col("Desired", "integer", _DOCS["DaemonSetStatus.desiredNumberScheduled"]),
        _col("Current", "integer", _DOCS["DaemonSetStatus.currentNumberScheduled"]),
        _col("Ready", "integer", _DOCS["DaemonSetStatus.numberReady"]),
        _col("Up-to-date", "integer", _DOCS["DaemonSetStatus.updatedNumberScheduled"]),
        _col("Available", "integer", _DOCS["DaemonSetStatus.numberAvailable"]),
        _col("Node Selector", "string", _DOCS["PodSpec.nodeSelector"]),
        _age_col(),
        _col("Containers", "string", _CONTAINERS, 1),
        _col("Images", "string", _IMAGES, 1),
        _col("Selector", "string", _DOCS["DaemonSetSpec.selector"], 1),
    ],
    ("", "Service"): [
        _name_col(),
        _col("Type", "string", _DOCS["ServiceSpec.type"]),
        _col("Cluster-IP", "string", _DOCS["ServiceSpec.clusterIP"]),
        _col("External-IP", "string", _DOCS["ServiceSpec.externalIPs"]),
        _col("Port(s)", "string", _DOCS["ServiceSpec.ports"]),
        _age_col(),
        _col("Selector", "string", _DOCS["ServiceSpec.selector"], 1),
    ],
    ("apps", "StatefulSet"): [
        _name_col(),
        _col("Ready", "string", "Number of the pod with ready state"),
        _age_col(),
        _col("Containers", "string", _CONTAINERS, 1),
        _col("Images", "string", _IMAGES, 1),
    ],
    ("", "Endpoints"): [
        _name_col(),
        _col("Endpoints", "string", _DOCS["Endpoints.subsets"]),
        _age_col(),
    ],
    ("", "Node"): [
        _name_col(),
        _col("Status", "string", "The status of the node"),
        _col("Roles", "string", "The roles of the node"),
        _age_col(),
        _col("Version", "string", _DOCS["NodeSystemInfo.kubeletVersion"]),
        _col("Internal-IP", "string", _DOCS["NodeStatus.addresses"], 1),
        _col("External-IP", "string", _DOCS["NodeStatus.addresses"], 1),
        _col("OS-Image", "string", _DOCS["NodeSystemInfo.osImage"], 1),
        _col("Kernel-Version", "string", _DOCS["NodeSystemInfo.kernelVersion"], 1),
        _col("Container-Runtime", "string", _DOCS["NodeSystemInfo.containerRuntimeVersion"], 1),
    ],
    ("", "Event"): [
        _col("Last Seen", "string", _DOCS["Event.lastTimestamp"]),
        _col("Type", "string", _DOCS["Event.type"]),
        _col("Reason", "string", _DOCS["Event.reason"]),
        _col("Object", "string", _DOCS["Event.involvedObject"]),
        _col("Subobject", "string", _DOCS["ObjectReference.fieldPath"], 1),
        _col("Source", "string", _DOCS["Event.source"], 1),
        _col("Message", "string", _DOCS["Event.message"]),
        _col("First Seen", "string", _DOCS["Event.firstTimestamp"], 1),
        _col("Count", "string", _DOCS["Event.count"], 1),
        _name_col(1),
    ],
    ("", "Namespace"): [
        _name_col(),
        _col("Status", "string", "The status of the namespace"),
        _age_col(),
    ],
    ("", "Secret"): [
        _name_col(),
        _col("Type", "string", _DOCS["Secret.type"]),
        _col("Data", "string", _DOCS["Secret.data"]),
        _age_col(),
    ],
    ("", "ServiceAccount"): [
        _name_col(),
        _col("Secrets", "string", _DOCS["ServiceAccount.secrets"]),
        _age_col(),
    ],
    ("", "PersistentVolume"): [
        _name_col(),
        _col("Capacity", "string", _DOCS["PersistentVolumeSpec.capacity"]),
        _col("Access Modes", "string", _DOCS["PersistentVolumeSpec.accessModes"]),
        _col("Reclaim Policy", "string",
             _DOCS["PersistentVolumeSpec.persistentVolumeReclaimPolicy"]),
        _col("Status", "string", _DOCS["PersistentVolumeStatus.phase"]),
        _col("Claim", "string", _DOCS["PersistentVolumeSpec.claimRef"]),
        _col("StorageClass", "string", "StorageClass of the pv"),
        _col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
        _col("Reason", "string", _DOCS["PersistentVolumeStatus.reason"]),
        _age_col(),
        _col("VolumeMode", "string", _DOCS["PersistentVolumeSpec.volumeMode"], 1),
    ],
    ("", "PersistentVolumeClaim"): [
        _name_col(),
        _col("Status", "string", _DOCS["PersistentVolumeClaimStatus.phase"]),
        _col("Volume", "string", _DOCS["PersistentVolumeClaimSpec.volumeName"]),
        _col("Capacity", "string", _DOCS["PersistentVolumeClaimStatus.capacity"]),
        _col("Access Modes", "string", _DOCS["PersistentVolumeClaimStatus.accessModes"]),
        _col("StorageClass", "string", "StorageClass of the pvc"),
        _col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
        _age_col(),
        _col("VolumeMode", "string", _DOCS["PersistentVolumeClaimSpec.volumeMode"], 1),
    ],
    ("", "ComponentStatus"): [
        _name_col(),
        _col("Status", "string", "Status of the component conditions"),
        _col("Message", "string", "Message of the component conditions"),
        _col("Error", "string", "Error of the component conditions"),
    ],
    ("apps", "Deployment"): [
        _name_col(),
        _col("Ready", "string", "Number of the pod with ready state"),
        _col("Up-to-date", "string", _DOCS["DeploymentStatus.updatedReplicas"]),
        _col("Available", "string", _DOCS["DeploymentStatus.availableReplicas"]),
        _age_col(),
        _col("Containers", "string", _CONTAINERS, 1),
        _col("Images", "string", _IMAGES, 1),
        _col("Selector", "string", _DOCS["DeploymentSpec.selector"], 1),
    ],
    ("", "ConfigMap"): [
        _name_col(),
        _col("Data", "string", _DOCS["ConfigMap.data"]),
        _age_col(),
    ],
    ("rbac.authorization.k8s.io", "RoleBinding"): [
        _name_col(),
        _col("Role", "string", _DOCS["RoleBinding.roleRef"]),
        _age_col(),
        _col("Users", "string", "Users in the roleBinding", 1),
        _col("Groups", "string", "Groups in the roleBinding", 1),
        _col("ServiceAccounts", "string", "ServiceAccounts in the roleBinding", 1),
    ],
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): [
        _name_col(),
        _col("Role", "string", _DOCS["ClusterRoleBinding.roleRef"]),
        _age_col(),
        _col("Users", "string", "Users in the clusterRoleBinding", 1),
        _col("Groups", "string", "Groups in the clusterRoleBinding", 1),
        _col("ServiceAccounts", "string", "ServiceAccounts in the clusterRoleBinding", 1),
    ],
    ("policy", "PodDisruptionBudget"): [
        _name_col(),
        _col("Min Available", "string", "The minimum number of pods that must be available."),
        _col("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
        _col("Allowed Disruptions", "integer",
             "Calculated number of pods that may be disrupted at this time."),
        _age_col(),
    ],
    ("coordination.k8s.io", "Lease"): [
        _name_col(),
        _col("Holder", "string", _DOCS["LeaseSpec.holderIdentity"]),
        _age_col(),
    ],
    ("storage.k8s.io", "StorageClass"): [
        _name_col(),
        _col("Provisioner", "string", _DOCS["StorageClass.provisioner"]),
        _col("ReclaimPolicy", "string", _DOCS["StorageClass.reclaimPolicy"]),
        _col("VolumeBindingMode", "string", _DOCS["StorageClass.volumeBindingMode"]),
        _col("AllowVolumeExpansion", "string", _DOCS["StorageClass.allowVolumeExpansion"]),
        _age_col(),
    ],
    ("apps", "ControllerRevision"): [
        _name_col(),
        _col("Controller", "string", "Controller of the object"),
        _col("Revision", "string", _DOCS["ControllerRevision.revision"]),
        _age_col(),
    ],
    ("", "ResourceQuota"): [
        _name_col(),
        _col("Request", "string", "Request represents a minimum amount of cpu/memory that a "
             "container may consume."),
        _col("Limit", "string", "Limits control the maximum amount of cpu/memory that a "
             "container may use independent of contention on the node."),
        _age_col(),
    ],
    ("scheduling.k8s.io", "PriorityClass"): [
        _name_col(),
        _col("Value", "integer", _DOCS["PriorityClass.value"]),
        _col("Global-Default", "boolean", _DOCS["PriorityClass.globalDefault"]),
        _age_col(),
        _col("PreemptionPolicy", "string", _DOCS["PriorityClass.preemptionPolicy"], 1),
    ],
    ("discovery.k8s.io", "EndpointSlice"): [
        _name_col(),
        _col("AddressType", "string", _DOCS["EndpointSlice.addressType"]),
        _col("Ports", "string", _DOCS["EndpointSlice.ports"]),
        _col("Endpoints", "string", _DOCS["EndpointSlice.endpoints"]),
        _age_col(),
    ],
    ("batch", "Job"): [
        _name_col(),
        _col("Status", "string", "Status of the job."),
        _col("Completions", "string", _BATCH_DOCS["JobStatus.succeeded"]),
        _col("Duration", "string", "Time required to complete the job."),
        _age_col(),
        _col("Containers", "string", _CONTAINERS, 1),
        _col("Images", "string", _IMAGES, 1),
        _col("Selector", "string", _BATCH_DOCS["JobSpec.selector"], 1),
    ],
    ("batch", "CronJob"): [
        _name_col(),
        _col("Schedule", "string", _BATCH_DOCS["CronJobSpec.schedule"]),
        _col("Timezone", "string", _BATCH_DOCS["CronJobSpec.timeZone"]),
        _col("Suspend", "boolean", _BATCH_DOCS["CronJobSpec.suspend"]),
        _col("Active", "integer", _BATCH_DOCS["CronJobStatus.active"]),
        _col("Last Schedule", "string", _BATCH_DOCS["CronJobStatus.lastScheduleTime"]),
        _age_col(),
        _col("Containers", "string", _CONTAINERS, 1),
        _col("Images", "string", _IMAGES, 1),
        _col("Selector", "string", _BATCH_DOCS["JobSpec.selector"], 1),
    ],
    ("autoscaling", "Scale"): [
        _col("Name", "string", _DOCS["ObjectMeta.name"]),
        _col("Desired", "integer", _DOCS["ScaleSpec.replicas"]),
        _col("Available", "integer", _DOCS["ScaleStatus.replicas"]),
        _age_col(),
    ],
}

# events.k8s.io/v1 Events print as the core ones (printers.go registers one handler for the
# internal Event, which both versions decode to)
COLUMNS[("events.k8s.io", "Event")] = COLUMNS[("", "Event")]

#: ``rest.DefaultTableConvertor``: what a kind without a printer gets
DEFAULT_COLUMNS: list[Obj] = [
    _name_col(),
    _col("Created At", "date", _DOCS["ObjectMeta.creationTimestamp"]),
]


def column_definitions(group: str, kind: str) -> list[Obj]:
    """The column definitions for a kind (a copy); the default table for unknown kinds."""
    return [dict(c) for c in COLUMNS.get((group, kind), DEFAULT_COLUMNS)]


# -- rows ------------------------------------------------------------------------------------------

#: ``node.NodeUnreachablePodReason``
NODE_UNREACHABLE_POD_REASON = "NodeLost"
_POD_SUCCESS_CONDITIONS = [{"type": "Completed", "status": "True", "reason": "Succeeded",
                            "message": "The pod has completed successfully."}]
_POD_FAILED_CONDITIONS = [{"type": "Completed", "status": "True", "reason": "Failed",
                           "message": "The pod failed."}]


def _is_restartable_init(container: Obj | None) -> bool:
    """``podutil.IsRestartableInitContainer``: a sidecar (``restartPolicy: Always``)."""
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def _has_condition(conditions: Iterable[Obj] | None, ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True" for c in conditions or ())


def _later(a: datetime | None, b: Any) -> datetime | None:
    t = parse_time(b)
    if t is None:
        return a
    return t if a is None or a < t else a


def pod_status_cells(pod: Obj, now: datetime) -> tuple[int, int, str, str]:
    """``printPod``'s core: ``(ready, total, reason, restarts)`` — READY is ``ready/total``."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    restarts = 0
    sidecar_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart: datetime | None = None
    last_sidecar_restart: datetime | None = None
    phase = status.get("phase", "") or ""
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total += sum(1 for c in init_specs.values() if _is_restartable_init(c))

    initializing = False
    init_total = len(spec.get("initContainers") or [])
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += _int(cs.get("restartCount"))
        last_term = (cs.get("lastState") or {}).get("terminated")
        if last_term:
            last_restart = _later(last_restart, last_term.get("finishedAt"))
        sidecar = _is_restartable_init(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += _int(cs.get("restartCount"))
            if last_term:
                last_sidecar_restart = _later(last_sidecar_restart, last_term.get("finishedAt"))
        state = cs.get("state") or {}
        term = state.get("terminated")
        waiting = state.get("waiting")
        if term and _int(term.get("exitCode")) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term:
            if not term.get("reason"):
                if _int(term.get("signal")):
                    reason = f"Init:Signal:{_int(term.get('signal'))}"
                else:
                    reason = f"Init:ExitCode:{_int(term.get('exitCode'))}"
            else:
                reason = "Init:" + term["reason"]
        elif waiting and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{init_total}"
        initializing = True
        break

    if not initializing or _has_condition(status.get("conditions"), "Initialized"):
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += _int(cs.get("restartCount"))
            last_term = (cs.get("lastState") or {}).get("terminated")
            if last_term:
                last_restart = _later(last_restart, last_term.get("finishedAt"))
            state = cs.get("state") or {}
            waiting = state.get("waiting")
            term = state.get("terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif term and term.get("reason"):
                reason = term["reason"]
            elif term:
                if _int(term.get("signal")):
                    reason = f"Signal:{_int(term.get('signal'))}"
                else:
                    reason = f"ExitCode:{_int(term.get('exitCode'))}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _has_condition(status.get("conditions"), "Ready") else "NotReady"

    deleting = bool(_meta(pod).get("deletionTimestamp"))
    if deleting and status.get("reason") == NODE_UNREACHABLE_POD_REASON:
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_str = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_str = f"{restarts} ({human_duration(now - last_restart)} ago)"
    return ready, total, reason, restarts_str


def _print_pod(pod: Obj, now: datetime) -> tuple[Cells, list[Obj] | None]:
    ready, total, reason, restarts = pod_status_cells(pod, now)
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    ips = status.get("podIPs") or []
    pod_ip = (ips[0].get("ip") if ips else "") or "<none>"
    gates = spec.get("readinessGates") or []
    readiness = "<none>"
    if gates:
        true_count = 0
        for gate in gates:
            for cond in status.get("conditions") or []:
                if cond.get("type") == gate.get("conditionType"):
                    if cond.get("status") == "True":
                        true_count += 1
                    break
        readiness = f"{true_count}/{len(gates)}"
    cells = [_name(pod), f"{ready}/{total}", reason, restarts, _age(pod, now),
             pod_ip, spec.get("nodeName") or "<none>",
             status.get("nominatedNodeName") or "<none>", readiness]
    conditions = {"Succeeded": _POD_SUCCESS_CONDITIONS,
                  "Failed": _POD_FAILED_CONDITIONS}.get(status.get("phase", ""))
    return cells, conditions


def _template_containers(obj: Obj) -> list[Obj]:
    return (((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
        "containers") or []


def _print_replication_controller(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    return [_name(obj), _int(spec.get("replicas")), _int(status.get("replicas")),
            _int(status.get("readyReplicas")), _age(obj, now), names, images,
            format_labels(spec.get("selector"))]


def _print_replica_set(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    return [_name(obj), _int(spec.get("replicas")), _int(status.get("replicas")),
            _int(status.get("readyReplicas")), _age(obj, now), names, images,
            format_label_selector(spec.get("selector"))]


def _print_daemon_set(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
    return [_name(obj), _int(status.get("desiredNumberScheduled")),
            _int(status.get("currentNumberScheduled")), _int(status.get("numberReady")),
            _int(status.get("updatedNumberScheduled")), _int(status.get("numberAvailable")),
            format_labels(node_selector), _age(obj, now), names, images,
            format_label_selector(spec.get("selector"))]


def _print_stateful_set(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    return [_name(obj), f"{_int(status.get('readyReplicas'))}/{_int(spec.get('replicas'))}",
            _age(obj, now), names, images]


def _print_deployment(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _layout_containers(_template_containers(obj))
    return [_name(obj), f"{_int(status.get('readyReplicas'))}/{_int(spec.get('replicas'))}",
            _int(status.get("updatedReplicas")), _int(status.get("availableReplicas")),
            _age(obj, now), names, images, _selector_string(spec.get("selector"))]


def _lb_ingress(status: Obj) -> str:
    """``loadBalancerStatusStringer`` (server side: wide, so never clipped)."""
    found: set[str] = set()
    for ing in ((status.get("loadBalancer") or {}).get("ingress")) or []:
        if ing.get("ip"):
            found.add(ing["ip"])
        elif ing.get("hostname"):
            found.add(ing["hostname"])
    return ",".join(sorted(found))


def service_external_ip(svc: Obj) -> str:
    """``getServiceExternalIP``."""
    spec = svc.get("spec") or {}
    external = list(spec.get("externalIPs") or [])
    stype = spec.get("type", "")
    if stype in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if stype == "LoadBalancer":
        lb = _lb_ingress(svc.get("status") or {})
        if external:
            return ",".join([*(lb.split(",") if lb else []), *external])
        return lb or "<pending>"
    if stype == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def service_ports(ports: Iterable[Obj] | None) -> str:
    """``makePortString``: ``80/TCP``, ``80:30080/TCP``."""
    pieces = []
    for p in ports or []:
        if _int(p.get("nodePort")) > 0:
            pieces.append(f"{_int(p.get('port'))}:{_int(p.get('nodePort'))}/"
                          f"{p.get('protocol', '')}")
        else:
            pieces.append(f"{_int(p.get('port'))}/{p.get('protocol', '')}")
    return ",".join(pieces)


def _print_service(obj: Obj, now: datetime) -> Cells:
    spec = obj.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or []
    internal = cluster_ips[0] if cluster_ips else "<none>"
    ports = service_ports(spec.get("ports")) or "<none>"
    return [_name(obj), spec.get("type", ""), internal, service_external_ip(obj), ports,
            _age(obj, now), format_labels(spec.get("selector"))]


def format_endpoints(endpoints: Obj, ports: set[str] | None = None) -> str:
    """``formatEndpoints``: up to 3 ``ip:port`` then ``+ N more...``; ``<none>`` if empty."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    items: list[str] = []
    max_, more, count = 3, False, 0
    for ss in subsets:
        addresses = ss.get("addresses") or []
        if not ss.get("ports"):
            count += len(addresses)
            for addr in addresses:
                if len(items) == max_:
                    more = True
                    break
                items.append(addr.get("ip", ""))
            continue
        for port in ss.get("ports") or []:
            if ports is None or port.get("name", "") in ports:
                count += len(addresses)
                for addr in addresses:
                    if len(items) == max_:
                        more = True
                        break
                    items.append(_join_host_port(addr.get("ip", ""), _int(port.get("port"))))
    ret = ",".join(items)
    return f"{ret} + {count - max_} more..." if more else ret


def _print_endpoints(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), format_endpoints(obj), _age(obj, now)]


def _print_endpoint_slice(obj: Obj, now: datetime) -> Cells:
    ports: list[str] = []
    max_, more, count = 3, False, 0
    for port in obj.get("ports") or []:
        if len(ports) < max_:
            if port.get("port") is not None:
                ports.append(str(_int(port.get("port"))))
            elif port.get("name") is not None:
                ports.append(str(port.get("name")))
            else:
                ports.append("*")
        elif len(ports) == max_:
            more = True
        count += 1
    port_str = _list_with_more(ports, more, count, max_)
    addrs: list[str] = []
    more, count = False, 0
    for ep in obj.get("endpoints") or []:
        for address in ep.get("addresses") or []:
            if len(addrs) < max_:
                addrs.append(address)
            elif len(addrs) == max_:
                more = True
            count += 1
    return [_name(obj), obj.get("addressType", ""), port_str,
            _list_with_more(addrs, more, count, max_), _age(obj, now)]


def find_node_roles(node: Obj) -> list[str]:
    """``findNodeRoles``: ``node-role.kubernetes.io/<role>`` keys and ``kubernetes.io/role``."""
    roles: set[str] = set()
    for k, v in (_meta(node).get("labels") or {}).items():
        if k.startswith("node-role.kubernetes.io/"):
            role = k[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return sorted(roles)


def node_status(node: Obj) -> str:
    """``printNode``'s STATUS: ``Ready`` / ``NotReady`` / ``Unknown`` (+ ``SchedulingDisabled``)."""
    status: list[str] = []
    for cond in (node.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            status = ["Ready" if cond.get("status") == "True" else "NotReady"]
    if not status:
        status = ["Unknown"]
    if (node.get("spec") or {}).get("unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def _node_address(node: Obj, atype: str) -> str:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == atype:
            return str(a.get("address", ""))
    return "<none>"


def _print_node(obj: Obj, now: datetime) -> Cells:
    info = (obj.get("status") or {}).get("nodeInfo") or {}
    return [_name(obj), node_status(obj), ",".join(find_node_roles(obj)) or "<none>",
            _age(obj, now), info.get("kubeletVersion", ""),
            _node_address(obj, "InternalIP"), _node_address(obj, "ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


def format_event_source(event: Obj) -> str:
    """``formatEventSource``: ``component, host`` (reportingController/Instance as fallbacks)."""
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingComponent") or ""
    host = source.get("host") or event.get("reportingInstance") or ""
    return component if not host else f"{component}, {host}"


def _print_event(obj: Obj, now: datetime) -> Cells:
    first = translate_timestamp_since(obj.get("firstTimestamp"), now)
    if parse_time(obj.get("firstTimestamp")) is None:
        first = translate_timestamp_since(obj.get("eventTime"), now)
    last = translate_timestamp_since(obj.get("lastTimestamp"), now)
    if parse_time(obj.get("lastTimestamp")) is None:
        last = first
    count = _int(obj.get("count"))
    series = obj.get("series")
    if series:
        last = translate_timestamp_since(series.get("lastObservedTime"), now)
        count = _int(series.get("count"))
    elif count == 0:
        count = 1
    involved = obj.get("involvedObject") or {}
    kind = str(involved.get("kind", "")).lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    return [last, obj.get("type", ""), obj.get("reason", ""), target,
            involved.get("fieldPath", ""), format_event_source(obj),
            str(obj.get("message", "")).strip(), first, count, _name(obj)]


def _print_events_v1_event(obj: Obj, now: datetime) -> Cells:
    """An events.k8s.io/v1 Event: converted to the core shape, then ``printEvent``."""
    from .conversion import events_v1_to_core_event

    return _print_event(events_v1_to_core_event(obj), now)


def _print_namespace(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), (obj.get("status") or {}).get("phase", ""), _age(obj, now)]


def _print_secret(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), obj.get("type", ""), len(obj.get("data") or {}), _age(obj, now)]


def _print_service_account(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), len(obj.get("secrets") or []), _age(obj, now)]


_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def access_modes_string(modes: Iterable[str] | None) -> str:
    """``helper.GetAccessModesAsString``: ``RWO,ROX,RWX,RWOP`` in that order."""
    present = set(modes or ())
    return ",".join(short for long_, short in _ACCESS_MODES if long_ in present)


def _storage_class_of(obj: Obj) -> str:
    ann = _meta(obj).get("annotations") or {}
    if "volume.beta.kubernetes.io/storage-class" in ann:
        return str(ann["volume.beta.kubernetes.io/storage-class"])
    return str((obj.get("spec") or {}).get("storageClassName") or "")


def _print_persistent_volume(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    claim = spec.get("claimRef")
    claim_str = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else ""
    phase = "Terminating" if _meta(obj).get("deletionTimestamp") else status.get("phase", "")
    return [_name(obj), _quantity((spec.get("capacity") or {}).get("storage")),
            access_modes_string(spec.get("accessModes")),
            spec.get("persistentVolumeReclaimPolicy", ""), phase, claim_str,
            _storage_class_of(obj), spec.get("volumeAttributesClassName") or "<unset>",
            status.get("reason", ""), _age(obj, now), spec.get("volumeMode") or "<unset>"]


def _print_persistent_volume_claim(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    phase = "Terminating" if _meta(obj).get("deletionTimestamp") else status.get("phase", "")
    capacity = access = ""
    if spec.get("volumeName"):
        access = access_modes_string(status.get("accessModes"))
        capacity = _quantity((status.get("capacity") or {}).get("storage"))
    return [_name(obj), phase, spec.get("volumeName", ""), capacity, access,
            _storage_class_of(obj), spec.get("volumeAttributesClassName") or "<unset>",
            _age(obj, now), spec.get("volumeMode") or "<unset>"]


def _print_component_status(obj: Obj, now: datetime) -> Cells:
    status, message, error = "Unknown", "", ""
    for cond in obj.get("conditions") or []:
        if cond.get("type") == "Healthy":
            status = "Healthy" if cond.get("status") == "True" else "Unhealthy"
            message, error = cond.get("message", ""), cond.get("error", "")
            break
    return [_name(obj), status, message, error]


def _print_config_map(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), len(obj.get("data") or {}) + len(obj.get("binaryData") or {}),
            _age(obj, now)]


def subjects_strings(subjects: Iterable[Obj] | None) -> tuple[list[str], list[str], list[str]]:
    """``rbac.SubjectsStrings``: users, groups, service accounts (``ns/name``)."""
    users, groups, sas = [], [], []
    for s in subjects or []:
        kind = s.get("kind")
        if kind == "User":
            users.append(s.get("name", ""))
        elif kind == "Group":
            groups.append(s.get("name", ""))
        elif kind == "ServiceAccount":
            sas.append(f"{s.get('namespace', '')}/{s.get('name', '')}")
    return users, groups, sas


def _print_role_binding(obj: Obj, now: datetime) -> Cells:
    ref = obj.get("roleRef") or {}
    users, groups, sas = subjects_strings(obj.get("subjects"))
    return [_name(obj), f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(obj, now),
            ", ".join(users), ", ".join(groups), ", ".join(sas)]


def _print_pod_disruption_budget(obj: Obj, now: datetime) -> Cells:
    """``printPodDisruptionBudget``: ``IntOrString.String()`` of each bound, ``N/A`` unset."""
    spec = obj.get("spec") or {}
    cells: Cells = [_name(obj)]
    for key in ("minAvailable", "maxUnavailable"):
        value = spec.get(key)
        cells.append("N/A" if value is None else str(value))
    cells.extend([int((obj.get("status") or {}).get("disruptionsAllowed") or 0), _age(obj, now)])
    return cells


def _print_lease(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), (obj.get("spec") or {}).get("holderIdentity") or "", _age(obj, now)]


def _is_default_class(obj: Obj) -> bool:
    ann = _meta(obj).get("annotations") or {}
    return (ann.get("storageclass.kubernetes.io/is-default-class") == "true"
            or ann.get("storageclass.beta.kubernetes.io/is-default-class") == "true")


def _print_storage_class(obj: Obj, now: datetime) -> Cells:
    name = _name(obj) + (" (default)" if _is_default_class(obj) else "")
    return [name, obj.get("provisioner", ""), obj.get("reclaimPolicy") or "Delete",
            obj.get("volumeBindingMode") or "Immediate",
            bool(obj.get("allowVolumeExpansion") or False), _age(obj, now)]


def controller_of(obj: Obj) -> Obj | None:
    """``metav1.GetControllerOf``: the owner reference with ``controller: true``."""
    for ref in _meta(obj).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def _print_controller_revision(obj: Obj, now: datetime) -> Cells:
    ref = controller_of(obj)
    controller = "<none>"
    if ref is not None:
        group = str(ref.get("apiVersion", "")).rpartition("/")[0]
        gk = f"{ref.get('kind', '')}.{group}" if group else str(ref.get("kind", ""))
        controller = f"{gk.lower()}/{ref.get('name', '')}" if gk else str(ref.get("name", ""))
    return [_name(obj), controller, _int(obj.get("revision")), _age(obj, now)]


def _print_resource_quota(obj: Obj, now: datetime) -> Cells:
    status = obj.get("status") or {}
    hard = status.get("hard") or {}
    used = status.get("used") or {}
    request: list[str] = []
    limit: list[str] = []
    for resource in sorted(hard):
        pieces = resource.split(".")
        target = limit if len(pieces) > 1 and pieces[0] == "limits" else request
        target.append(f"{resource}: {_quantity(used.get(resource))}/{_quantity(hard[resource])}")
    return [_name(obj), ", ".join(request), ", ".join(limit), _age(obj, now)]


def _print_priority_class(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), _int(obj.get("value")), bool(obj.get("globalDefault") or False),
            _age(obj, now), obj.get("preemptionPolicy") or ""]


def _print_scale(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), _int((obj.get("spec") or {}).get("replicas")),
            _int((obj.get("status") or {}).get("replicas")), _age(obj, now)]


def _job_condition(obj: Obj, ctype: str) -> bool:
    """``hasJobCondition``: a condition of that type with status True."""
    return any(c.get("type") == ctype and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or [])


def _print_job(obj: Obj, now: datetime) -> Cells:
    """``printJob`` (1.32): completions ``<succeeded>/<completions>`` (``/1 of <parallelism>``
    for a work queue Job), the duration so far or to completion, the status from the
    conditions (Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet,
    else Running)."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    succeeded = _int(status.get("succeeded"))
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{_int(spec.get('completions'))}"
    elif _int(spec.get("parallelism")) > 1:
        completions = f"{succeeded}/1 of {_int(spec.get('parallelism'))}"
    else:
        completions = f"{succeeded}/1"
    start, done = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    duration = ""
    if start is not None:
        duration = human_duration((done or now) - start)
    if _job_condition(obj, "Complete"):
        state = "Complete"
    elif _job_condition(obj, "Failed"):
        state = "Failed"
    elif _meta(obj).get("deletionTimestamp"):
        state = "Terminating"
    elif _job_condition(obj, "Suspended"):
        state = "Suspended"
    elif _job_condition(obj, "FailureTarget"):
        state = "FailureTarget"
    elif _job_condition(obj, "SuccessCriteriaMet"):
        state = "SuccessCriteriaMet"
    else:
        state = "Running"
    names, images = _layout_containers(_template_containers(obj))
    return [_name(obj), state, completions, duration, _age(obj, now), names, images,
            format_label_selector(spec.get("selector"))]


def _print_cron_job(obj: Obj, now: datetime) -> Cells:
    """``printCronJob``."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    last = status.get("lastScheduleTime")
    last_cell = translate_timestamp_since(last, now) if last else "<none>"
    suspend = spec.get("suspend")
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    names, images = _layout_containers(_template_containers({"spec": job_spec}))
    return [_name(obj), str(spec.get("schedule", "")),
            str(spec["timeZone"]) if spec.get("timeZone") is not None else "<none>",
            "<unset>" if suspend is None else ("true" if suspend else "false"),
            len(status.get("active") or []), last_cell, _age(obj, now), names, images,
            format_label_selector(job_spec.get("selector"))]


def _print_default(obj: Obj, now: datetime) -> Cells:
    """``rest.DefaultTableConvertor``: name and the creation time in RFC 3339 (UTC)."""
    t = parse_time(_meta(obj).get("creationTimestamp"))
    created = t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if t else "0001-01-01T00:00:00Z"
    return [_name(obj), created]


RowFunc = Callable[[Obj, datetime], Cells]

_ROWS: dict[tuple[str, str], RowFunc] = {
    ("", "ReplicationController"): _print_replication_controller,
    ("apps", "ReplicaSet"): _print_replica_set,
    ("apps", "DaemonSet"): _print_daemon_set,
    ("", "Service"): _print_service,
    ("apps", "StatefulSet"): _print_stateful_set,
    ("", "Endpoints"): _print_endpoints,
    ("", "Node"): _print_node,
    ("", "Event"): _print_event,
    ("events.k8s.io", "Event"): _print_events_v1_event,
    ("", "Namespace"): _print_namespace,
    ("", "Secret"): _print_secret,
    ("", "ServiceAccount"): _print_service_account,
    ("", "PersistentVolume"): _print_persistent_volume,
    ("", "PersistentVolumeClaim"): _print_persistent_volume_claim,
    ("", "ComponentStatus"): _print_component_status,
    ("apps", "Deployment"): _print_deployment,
    ("", "ConfigMap"): _print_config_map,
    ("rbac.authorization.k8s.io", "RoleBinding"): _print_role_binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _print_role_binding,
    ("policy", "PodDisruptionBudget"): _print_pod_disruption_budget,
    ("coordination.k8s.io", "Lease"): _print_lease,
    ("storage.k8s.io", "StorageClass"): _print_storage_class,
    ("apps", "ControllerRevision"): _print_controller_revision,
    ("", "ResourceQuota"): _print_resource_quota,
    ("scheduling.k8s.io", "PriorityClass"): _print_priority_class,
    ("discovery.k8s.io", "EndpointSlice"): _print_endpoint_slice,
    ("autoscaling", "Scale"): _print_scale,
    ("batch", "Job"): _print_job,
    ("batch", "CronJob"): _print_cron_job,
}


def row_cells(group: str, kind: str, obj: Obj, now: datetime | float) -> Cells:
    """The (wide) cells of one object's row."""
    at = _as_datetime(now)
    if (group, kind) == ("", "Pod"):
        return _print_pod(obj, at)[0]
    return _ROWS.get((group, kind), _print_default)(obj, at)


def _partial_object_metadata(obj: Obj) -> Obj:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": dict(_meta(obj))}


def to_table(
    info: ResourceInfo | tuple[str, str],
    objs: Iterable[Obj] | Obj,
    now: datetime | float,
    include_object: str = "Metadata",
    *,
    resource_version: str = "",
    continue_token: str = "",
    no_headers: bool = False,
) -> Obj:
    """A ``meta.k8s.io/v1`` ``Table`` of ``objs`` (one object or a list's items).

    ``info`` is the resource (or ``(group, kind)``); ``now`` the instant ages are measured from
    (an aware datetime, or POSIX seconds); ``include_object`` is the request's
    ``includeObject`` (``None`` | ``Metadata`` | ``Object``); ``no_headers`` mirrors
    ``TableOptions.NoHeaders`` (upstream leaves the column definitions out, as it does for
    watch events after the first).
    """
    group, kind = (info.group, info.kind) if isinstance(info, ResourceInfo) else info
    items = [objs] if isinstance(objs, dict) else objs
    at = _as_datetime(now)
    rows: list[Obj] = []
    append = rows.append
    # the kind's printer and the row's object chosen once for the whole list, not per row
    object_mode = 2 if include_object == "Object" else 0 if include_object == "None" else 1
    if (group, kind) == ("", "Pod"):
        for obj in items:
            cells, conditions = _print_pod(obj, at)
            row: Obj = {"cells": cells}
            if conditions:
                row["conditions"] = [dict(c) for c in conditions]
            if object_mode == 1:
                row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": dict(obj.get("metadata") or {})}
            elif object_mode == 2:
                row["object"] = obj
            append(row)
    else:
        printer = _ROWS.get((group, kind), _print_default)
        for obj in items:
            row = {"cells": printer(obj, at)}
            if object_mode == 1:
                row["object"] = _partial_object_metadata(obj)
            elif object_mode == 2:
                row["object"] = obj
            append(row)
    meta: Obj = {}
    if resource_version:
        meta["resourceVersion"] = resource_version
    if continue_token:
        meta["continue"] = continue_token
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": [] if no_headers else column_definitions(group, kind),
        "rows": rows,
    }
