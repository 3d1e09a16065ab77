"""Reading the protobuf request bodies kubectl's typed clients send.

kubectl's typed clients (client-go ``kubernetes.Clientset``) send
``Content-Type: application/vnd.kubernetes.protobuf``. Measured with kubectl 1.32: ``auth can-i``
(a ``SelfSubjectAccessReview``; ``--list`` a ``SelfSubjectRulesReview``), ``create token`` (a
``TokenRequest``), ``drain`` (an ``Eviction``), and every typed ``kubectl create`` generator:
``create deployment``, ``configmap``, ``secret generic|tls|docker-registry``, ``namespace``,
``serviceaccount``, ``service clusterip|nodeport|loadbalancer|externalname``, ``role``,
``clusterrole``, ``rolebinding``, ``clusterrolebinding``, ``quota``, ``priorityclass``,
``poddisruptionbudget``, ``job``, ``cronjob``, ``ingress``; and ``autoscale`` (a
``HorizontalPodAutoscaler``). (``run``, ``expose``, ``create -f`` and ``delete`` send JSON;
``label``, ``annotate``, ``set``, ``scale``, ``patch`` and ``rollout`` send JSON patches.)
The replies may be JSON, so only the request bodies need reading.

Upstream's encoding (``apimachinery/pkg/runtime/serializer/protobuf/protobuf.go``): the 4
bytes ``k8s\\x00``, then a ``runtime.Unknown`` message (``typeMeta`` = 1 with ``apiVersion`` = 1
and ``kind`` = 2; ``raw`` = 2, the object's own message), each message field numbered as in the
type's ``generated.proto``. :func:`decode` turns such a body into the JSON-shaped dict the Go API
server would have produced (protobuf → Go object → JSON), for the kinds in :data:`KINDS`;
any other kind is ``415 Unsupported Media Type``.

The tables in :data:`MESSAGES` (message → field number → (JSON name, type)) are transcribed
from upstream's ``generated.proto`` files in ``kubernetes/kubernetes``:
``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto`` (ObjectMeta,
LabelSelector, OwnerReference, DeleteOptions, Time), ``.../pkg/util/intstr/generated.proto``
(IntOrString: type = 1, intVal = 2, strVal = 3), ``.../pkg/api/resource/generated.proto``
(Quantity: string = 1), and ``staging/src/k8s.io/api/<group>/<version>/generated.proto`` for
core/v1 (Pod, PodSpec and the whole container tree, ConfigMap, Secret, Namespace,
ServiceAccount, Service, ResourceQuota), apps/v1 (Deployment, ReplicaSet, DaemonSet),
rbac/v1, scheduling/v1, policy/v1, batch/v1, networking/v1 (Ingress), autoscaling/v1,
authorization/v1, authentication/v1. Kinds the simulator does not serve (PodDisruptionBudget,
Job, CronJob, Ingress, HorizontalPodAutoscaler) are decoded too, so that kubectl gets
upstream's ``404`` for the resource rather than a ``415`` for its body.

What the Go round trip means for the JSON (go-to-protobuf writes every non-pointer field, even
empty, and pointer fields only when set; encoding/json then drops ``omitempty`` zero values but
never structs):

- a scalar of type ``"string"``, ``"int"``, ``"bool"`` is a non-pointer ``omitempty`` field: a
  zero value (``""``, ``0``, ``false``) is dropped;
- a ``"string!"``, ``"int!"``, ``"bool!"`` is a pointer (``replicas``, ``immutable``,
  ``automountServiceAccountToken`` ...) or a field without ``omitempty``
  (``containerPort``, ``value`` of a PriorityClass ...): present on the wire, present in the
  JSON, zero included;
- a nested message that is present is emitted even when empty (``"resources": {}``,
  ``"strategy": {}``, ``"status": {}``), as encoding/json does for structs; ``"inline:X"`` merges
  an embedded struct's fields into its parent (``LocalObjectReference`` in key selectors,
  ``VolumeSource`` in a Volume, ``ProbeHandler`` in a Probe);
- a zero ``Time`` (an empty message) is Go's ``null`` and left out (the API server reads a
  null and a missing field alike), others are RFC 3339 in UTC, whole seconds;
  ``IntOrString`` becomes an int or a string; ``Quantity`` its string; ``bytes`` and
  ``map<string, bytes>`` values (Secret ``data``, ConfigMap ``binaryData``) base64, as Go's
  ``[]byte`` in JSON;
- int32 and int64 arrive as varints, negatives as ten-byte two's complement;
- repeated fields and maps are emitted when they have entries (an empty Go slice or map is not
  written, and nil is ``null``, i.e. absent).

Not decoded: fields (and whole sub-messages, e.g. most status types, ephemeral containers,
the cloud volume sources, managedFields) that are not in the tables are skipped safely by wire
type (0, 1, 2, 5), as an unknown field; a non-omitempty field a non-Go client leaves out is not
filled with its zero value.
"""

from __future__ import annotations

import base64
import datetime
from typing import Any

from .. import errors

__all__ = ["KINDS", "MAGIC", "MESSAGES", "PROTOBUF", "decode", "is_protobuf"]

PROTOBUF = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"

# Field tables from the types' generated.proto: number → (JSON name, type). Types: "string",
# "int", "bool" (zero dropped), the same with "!" (zero kept), "bytes", "Time",
# "IntOrString", "Quantity", a message name, "inline:<message>", "[]string", "[]int",
# "[]<message>", "map" (string values), "map:bytes", "map:Quantity", "map:Time".
Fields = dict[int, tuple[str, str]]

_META = "ObjectMeta"

MESSAGES: dict[str, Fields] = {
    # -- k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto ---------------------------------
    "ObjectMeta": {1: ("name", "string"), 2: ("generateName", "string"),
                   3: ("namespace", "string"), 4: ("selfLink", "string"),
                   5: ("uid", "string"), 6: ("resourceVersion", "string"),
                   7: ("generation", "int"), 8: ("creationTimestamp", "Time"),
                   9: ("deletionTimestamp", "Time"),
                   10: ("deletionGracePeriodSeconds", "int!"), 11: ("labels", "map"),
                   12: ("annotations", "map"), 13: ("ownerReferences", "[]OwnerReference"),
                   14: ("finalizers", "[]string")},
    "OwnerReference": {1: ("kind", "string!"), 3: ("name", "string!"), 4: ("uid", "string!"),
                       5: ("apiVersion", "string!"), 6: ("controller", "bool!"),
                       7: ("blockOwnerDeletion", "bool!")},
    "LabelSelector": {1: ("matchLabels", "map"),
                      2: ("matchExpressions", "[]LabelSelectorRequirement")},
    "LabelSelectorRequirement": {1: ("key", "string!"), 2: ("operator", "string!"),
                                 3: ("values", "[]string")},
    "DeleteOptions": {1: ("gracePeriodSeconds", "int!"), 2: ("preconditions", "Preconditions"),
                      3: ("orphanDependents", "bool!"), 4: ("propagationPolicy", "string!"),
                      5: ("dryRun", "[]string")},
    "Preconditions": {1: ("uid", "string!"), 2: ("resourceVersion", "string!")},
    "Condition": {1: ("type", "string!"), 2: ("status", "string!"),
                  3: ("observedGeneration", "int"), 4: ("lastTransitionTime", "Time"),
                  5: ("reason", "string!"), 6: ("message", "string!")},

    # -- k8s.io/api/authorization/v1/generated.proto ------------------------------------------
    "SelfSubjectAccessReview": {1: ("metadata", _META),
                                2: ("spec", "SelfSubjectAccessReviewSpec")},
    "SelfSubjectAccessReviewSpec": {1: ("resourceAttributes", "ResourceAttributes"),
                                    2: ("nonResourceAttributes", "NonResourceAttributes")},
    "ResourceAttributes": {1: ("namespace", "string"), 2: ("verb", "string"),
                           3: ("group", "string"), 4: ("version", "string"),
                           5: ("resource", "string"), 6: ("subresource", "string"),
                           7: ("name", "string")},
    "NonResourceAttributes": {1: ("path", "string"), 2: ("verb", "string")},
    "SelfSubjectRulesReview": {1: ("metadata", _META),
                               2: ("spec", "SelfSubjectRulesReviewSpec")},
    "SelfSubjectRulesReviewSpec": {1: ("namespace", "string")},

    # -- k8s.io/api/authentication/v1/generated.proto -----------------------------------------
    "TokenRequest": {1: ("metadata", _META), 2: ("spec", "TokenRequestSpec")},
    "TokenRequestSpec": {1: ("audiences", "[]string"),
                         3: ("boundObjectRef", "BoundObjectReference"),
                         4: ("expirationSeconds", "int!")},
    "BoundObjectReference": {1: ("kind", "string"), 2: ("apiVersion", "string"),
                             3: ("name", "string"), 4: ("uid", "string")},

    # -- k8s.io/api/policy/v1/generated.proto -------------------------------------------------
    "Eviction": {1: ("metadata", _META), 2: ("deleteOptions", "DeleteOptions")},
    "PodDisruptionBudget": {1: ("metadata", _META), 2: ("spec", "PodDisruptionBudgetSpec"),
                            3: ("status", "PodDisruptionBudgetStatus")},
    "PodDisruptionBudgetSpec": {1: ("minAvailable", "IntOrString"),
                                2: ("selector", "LabelSelector"),
                                3: ("maxUnavailable", "IntOrString"),
                                4: ("unhealthyPodEvictionPolicy", "string!")},
    "PodDisruptionBudgetStatus": {1: ("observedGeneration", "int"),
                                  2: ("disruptedPods", "map:Time"),
                                  3: ("disruptionsAllowed", "int!"),
                                  4: ("currentHealthy", "int!"), 5: ("desiredHealthy", "int!"),
                                  6: ("expectedPods", "int!"), 7: ("conditions", "[]Condition")},

    # -- k8s.io/api/core/v1/generated.proto: objects ------------------------------------------
    "ConfigMap": {1: ("metadata", _META), 2: ("data", "map"), 3: ("binaryData", "map:bytes"),
                  4: ("immutable", "bool!")},
    "Secret": {1: ("metadata", _META), 2: ("data", "map:bytes"), 3: ("type", "string"),
               4: ("stringData", "map"), 5: ("immutable", "bool!")},
    "Namespace": {1: ("metadata", _META), 2: ("spec", "NamespaceSpec"),
                  3: ("status", "NamespaceStatus")},
    "NamespaceSpec": {1: ("finalizers", "[]string")},
    "NamespaceStatus": {1: ("phase", "string")},
    "ServiceAccount": {1: ("metadata", _META), 2: ("secrets", "[]ObjectReference"),
                       3: ("imagePullSecrets", "[]LocalObjectReference"),
                       4: ("automountServiceAccountToken", "bool!")},
    "ObjectReference": {1: ("kind", "string"), 2: ("namespace", "string"),
                        3: ("name", "string"), 4: ("uid", "string"),
                        5: ("apiVersion", "string"), 6: ("resourceVersion", "string"),
                        7: ("fieldPath", "string")},
    "LocalObjectReference": {1: ("name", "string")},
    "TypedLocalObjectReference": {1: ("apiGroup", "string!"), 2: ("kind", "string!"),
                                  3: ("name", "string!")},
    "Service": {1: ("metadata", _META), 2: ("spec", "ServiceSpec"),
                3: ("status", "ServiceStatus")},
    "ServiceSpec": {1: ("ports", "[]ServicePort"), 2: ("selector", "map"),
                    3: ("clusterIP", "string"), 4: ("type", "string"),
                    5: ("externalIPs", "[]string"), 7: ("sessionAffinity", "string"),
                    8: ("loadBalancerIP", "string"), 9: ("loadBalancerSourceRanges", "[]string"),
                    10: ("externalName", "string"), 11: ("externalTrafficPolicy", "string"),
                    12: ("healthCheckNodePort", "int"), 13: ("publishNotReadyAddresses", "bool"),
                    14: ("sessionAffinityConfig", "SessionAffinityConfig"),
                    17: ("ipFamilyPolicy", "string!"), 18: ("clusterIPs", "[]string"),
                    19: ("ipFamilies", "[]string"),
                    20: ("allocateLoadBalancerNodePorts", "bool!"),
                    21: ("loadBalancerClass", "string!"), 22: ("internalTrafficPolicy", "string!"),
                    23: ("trafficDistribution", "string!")},
    "ServicePort": {1: ("name", "string"), 2: ("protocol", "string"), 3: ("port", "int!"),
                    4: ("targetPort", "IntOrString"), 5: ("nodePort", "int"),
                    6: ("appProtocol", "string!")},
    "SessionAffinityConfig": {1: ("clientIP", "ClientIPConfig")},
    "ClientIPConfig": {1: ("timeoutSeconds", "int!")},
    "ServiceStatus": {1: ("loadBalancer", "LoadBalancerStatus"), 2: ("conditions", "[]Condition")},
    "LoadBalancerStatus": {1: ("ingress", "[]LoadBalancerIngress")},
    "LoadBalancerIngress": {1: ("ip", "string"), 2: ("hostname", "string"),
                            3: ("ipMode", "string!")},
    "ResourceQuota": {1: ("metadata", _META), 2: ("spec", "ResourceQuotaSpec"),
                      3: ("status", "ResourceQuotaStatus")},
    "ResourceQuotaSpec": {1: ("hard", "map:Quantity"), 2: ("scopes", "[]string"),
                          3: ("scopeSelector", "ScopeSelector")},
    "ResourceQuotaStatus": {1: ("hard", "map:Quantity"), 2: ("used", "map:Quantity")},
    "ScopeSelector": {1: ("matchExpressions", "[]ScopedResourceSelectorRequirement")},
    "ScopedResourceSelectorRequirement": {1: ("scopeName", "string!"), 2: ("operator", "string!"),
                                          3: ("values", "[]string")},
    "Pod": {1: ("metadata", _META), 2: ("spec", "PodSpec"), 3: ("status", "PodStatus")},
    "PodStatus": {1: ("phase", "string"), 3: ("message", "string"), 4: ("reason", "string"),
                  5: ("hostIP", "string"), 6: ("podIP", "string"), 9: ("qosClass", "string")},
    "PodTemplateSpec": {1: ("metadata", _META), 2: ("spec", "PodSpec")},

    # -- core/v1: the pod spec -----------------------------------------------------------------
    "PodSpec": {1: ("volumes", "[]Volume"), 2: ("containers", "[]Container"),
                3: ("restartPolicy", "string"), 4: ("terminationGracePeriodSeconds", "int!"),
                5: ("activeDeadlineSeconds", "int!"), 6: ("dnsPolicy", "string"),
                7: ("nodeSelector", "map"), 8: ("serviceAccountName", "string"),
                9: ("serviceAccount", "string"), 10: ("nodeName", "string"),
                11: ("hostNetwork", "bool"), 12: ("hostPID", "bool"), 13: ("hostIPC", "bool"),
                14: ("securityContext", "PodSecurityContext"),
                15: ("imagePullSecrets", "[]LocalObjectReference"), 16: ("hostname", "string"),
                17: ("subdomain", "string"), 18: ("affinity", "Affinity"),
                19: ("schedulerName", "string"), 20: ("initContainers", "[]Container"),
                21: ("automountServiceAccountToken", "bool!"),
                22: ("tolerations", "[]Toleration"), 23: ("hostAliases", "[]HostAlias"),
                24: ("priorityClassName", "string"), 25: ("priority", "int!"),
                26: ("dnsConfig", "PodDNSConfig"), 27: ("shareProcessNamespace", "bool!"),
                28: ("readinessGates", "[]PodReadinessGate"), 29: ("runtimeClassName", "string!"),
                30: ("enableServiceLinks", "bool!"), 31: ("preemptionPolicy", "string!"),
                32: ("overhead", "map:Quantity"),
                33: ("topologySpreadConstraints", "[]TopologySpreadConstraint"),
                35: ("setHostnameAsFQDN", "bool!"), 36: ("os", "PodOS"),
                37: ("hostUsers", "bool!"), 38: ("schedulingGates", "[]PodSchedulingGate"),
                40: ("resources", "ResourceRequirements"), 41: ("hostnameOverride", "string!")},
    "Container": {1: ("name", "string!"), 2: ("image", "string"), 3: ("command", "[]string"),
                  4: ("args", "[]string"), 5: ("workingDir", "string"),
                  6: ("ports", "[]ContainerPort"), 7: ("env", "[]EnvVar"),
                  8: ("resources", "ResourceRequirements"), 9: ("volumeMounts", "[]VolumeMount"),
                  10: ("livenessProbe", "Probe"), 11: ("readinessProbe", "Probe"),
                  12: ("lifecycle", "Lifecycle"), 13: ("terminationMessagePath", "string"),
                  14: ("imagePullPolicy", "string"), 15: ("securityContext", "SecurityContext"),
                  16: ("stdin", "bool"), 17: ("stdinOnce", "bool"), 18: ("tty", "bool"),
                  19: ("envFrom", "[]EnvFromSource"), 20: ("terminationMessagePolicy", "string"),
                  21: ("volumeDevices", "[]VolumeDevice"), 22: ("startupProbe", "Probe"),
                  23: ("resizePolicy", "[]ContainerResizePolicy"),
                  24: ("restartPolicy", "string!")},
    "ContainerPort": {1: ("name", "string"), 2: ("hostPort", "int"), 3: ("containerPort", "int!"),
                      4: ("protocol", "string"), 5: ("hostIP", "string")},
    "ContainerResizePolicy": {1: ("resourceName", "string!"), 2: ("restartPolicy", "string!")},
    "EnvVar": {1: ("name", "string!"), 2: ("value", "string"), 3: ("valueFrom", "EnvVarSource")},
    "EnvVarSource": {1: ("fieldRef", "ObjectFieldSelector"),
                     2: ("resourceFieldRef", "ResourceFieldSelector"),
                     3: ("configMapKeyRef", "ConfigMapKeySelector"),
                     4: ("secretKeyRef", "SecretKeySelector")},
    "ObjectFieldSelector": {1: ("apiVersion", "string"), 2: ("fieldPath", "string!")},
    "ResourceFieldSelector": {1: ("containerName", "string"), 2: ("resource", "string!"),
                              3: ("divisor", "Quantity")},
    "ConfigMapKeySelector": {1: ("", "inline:LocalObjectReference"), 2: ("key", "string!"),
                             3: ("optional", "bool!")},
    "SecretKeySelector": {1: ("", "inline:LocalObjectReference"), 2: ("key", "string!"),
                          3: ("optional", "bool!")},
    "EnvFromSource": {1: ("prefix", "string"), 2: ("configMapRef", "ConfigMapEnvSource"),
                      3: ("secretRef", "SecretEnvSource")},
    "ConfigMapEnvSource": {1: ("", "inline:LocalObjectReference"), 2: ("optional", "bool!")},
    "SecretEnvSource": {1: ("", "inline:LocalObjectReference"), 2: ("optional", "bool!")},
    "ResourceRequirements": {1: ("limits", "map:Quantity"), 2: ("requests", "map:Quantity"),
                             3: ("claims", "[]ResourceClaim")},
    "ResourceClaim": {1: ("name", "string!"), 2: ("request", "string")},
    "VolumeMount": {1: ("name", "string!"), 2: ("readOnly", "bool"), 3: ("mountPath", "string!"),
                    4: ("subPath", "string"), 5: ("mountPropagation", "string!"),
                    6: ("subPathExpr", "string"), 7: ("recursiveReadOnly", "string!")},
    "VolumeDevice": {1: ("name", "string!"), 2: ("devicePath", "string!")},
    "Probe": {1: ("", "inline:ProbeHandler"), 2: ("initialDelaySeconds", "int"),
              3: ("timeoutSeconds", "int"), 4: ("periodSeconds", "int"),
              5: ("successThreshold", "int"), 6: ("failureThreshold", "int"),
              7: ("terminationGracePeriodSeconds", "int!")},
    "ProbeHandler": {1: ("exec", "ExecAction"), 2: ("httpGet", "HTTPGetAction"),
                     3: ("tcpSocket", "TCPSocketAction"), 4: ("grpc", "GRPCAction")},
    "ExecAction": {1: ("command", "[]string")},
    "HTTPGetAction": {1: ("path", "string"), 2: ("port", "IntOrString"), 3: ("host", "string"),
                      4: ("scheme", "string"), 5: ("httpHeaders", "[]HTTPHeader")},
    "HTTPHeader": {1: ("name", "string!"), 2: ("value", "string!")},
    "TCPSocketAction": {1: ("port", "IntOrString"), 2: ("host", "string")},
    "GRPCAction": {1: ("port", "int!"), 2: ("service", "string!")},
    "Lifecycle": {1: ("postStart", "LifecycleHandler"), 2: ("preStop", "LifecycleHandler"),
                  3: ("stopSignal", "string!")},
    "LifecycleHandler": {1: ("exec", "ExecAction"), 2: ("httpGet", "HTTPGetAction"),
                         3: ("tcpSocket", "TCPSocketAction"), 4: ("sleep", "SleepAction")},
    "SleepAction": {1: ("seconds", "int!")},
    "SecurityContext": {1: ("capabilities", "Capabilities"), 2: ("privileged", "bool!"),
                        3: ("seLinuxOptions", "SELinuxOptions"), 4: ("runAsUser", "int!"),
                        5: ("runAsNonRoot", "bool!"), 6: ("readOnlyRootFilesystem", "bool!"),
                        7: ("allowPrivilegeEscalation", "bool!"), 8: ("runAsGroup", "int!"),
                        9: ("procMount", "string!"), 11: ("seccompProfile", "SeccompProfile"),
                        12: ("appArmorProfile", "AppArmorProfile")},
    "Capabilities": {1: ("add", "[]string"), 2: ("drop", "[]string")},
    "SELinuxOptions": {1: ("user", "string"), 2: ("role", "string"), 3: ("type", "string"),
                       4: ("level", "string")},
    "SeccompProfile": {1: ("type", "string!"), 2: ("localhostProfile", "string!")},
    "AppArmorProfile": {1: ("type", "string!"), 2: ("localhostProfile", "string!")},
    "PodSecurityContext": {1: ("seLinuxOptions", "SELinuxOptions"), 2: ("runAsUser", "int!"),
                           3: ("runAsNonRoot", "bool!"), 4: ("supplementalGroups", "[]int"),
                           5: ("fsGroup", "int!"), 6: ("runAsGroup", "int!"),
                           7: ("sysctls", "[]Sysctl"), 9: ("fsGroupChangePolicy", "string!"),
                           10: ("seccompProfile", "SeccompProfile"),
                           11: ("appArmorProfile", "AppArmorProfile"),
                           12: ("supplementalGroupsPolicy", "string!"),
                           13: ("seLinuxChangePolicy", "string!")},
    "Sysctl": {1: ("name", "string!"), 2: ("value", "string!")},
    "Toleration": {1: ("key", "string"), 2: ("operator", "string"), 3: ("value", "string"),
                   4: ("effect", "string"), 5: ("tolerationSeconds", "int!")},
    "HostAlias": {1: ("ip", "string!"), 2: ("hostnames", "[]string")},
    "PodDNSConfig": {1: ("nameservers", "[]string"), 2: ("searches", "[]string"),
                     3: ("options", "[]PodDNSConfigOption")},
    "PodDNSConfigOption": {1: ("name", "string"), 2: ("value", "string!")},
    "PodReadinessGate": {1: ("conditionType", "string!")},
    "PodOS": {1: ("name", "string!")},
    "PodSchedulingGate": {1: ("name", "string!")},
    "TopologySpreadConstraint": {1: ("maxSkew", "int!"), 2: ("topologyKey", "string!"),
                                 3: ("whenUnsatisfiable", "string!"),
                                 4: ("labelSelector", "LabelSelector"), 5: ("minDomains", "int!"),
                                 6: ("nodeAffinityPolicy", "string!"),
                                 7: ("nodeTaintsPolicy", "string!"),
                                 8: ("matchLabelKeys", "[]string")},
    "Affinity": {1: ("nodeAffinity", "NodeAffinity"), 2: ("podAffinity", "PodAffinity"),
                 3: ("podAntiAffinity", "PodAntiAffinity")},
    "NodeAffinity": {1: ("requiredDuringSchedulingIgnoredDuringExecution", "NodeSelector"),
                     2: ("preferredDuringSchedulingIgnoredDuringExecution",
                         "[]PreferredSchedulingTerm")},
    "NodeSelector": {1: ("nodeSelectorTerms", "[]NodeSelectorTerm")},
    "NodeSelectorTerm": {1: ("matchExpressions", "[]NodeSelectorRequirement"),
                         2: ("matchFields", "[]NodeSelectorRequirement")},
    "NodeSelectorRequirement": {1: ("key", "string!"), 2: ("operator", "string!"),
                                3: ("values", "[]string")},
    "PreferredSchedulingTerm": {1: ("weight", "int!"), 2: ("preference", "NodeSelectorTerm")},
    "PodAffinity": {1: ("requiredDuringSchedulingIgnoredDuringExecution", "[]PodAffinityTerm"),
                    2: ("preferredDuringSchedulingIgnoredDuringExecution",
                        "[]WeightedPodAffinityTerm")},
    "PodAntiAffinity": {1: ("requiredDuringSchedulingIgnoredDuringExecution",
                            "[]PodAffinityTerm"),
                        2: ("preferredDuringSchedulingIgnoredDuringExecution",
                            "[]WeightedPodAffinityTerm")},
    "PodAffinityTerm": {1: ("labelSelector", "LabelSelector"), 2: ("namespaces", "[]string"),
                        3: ("topologyKey", "string!"), 4: ("namespaceSelector", "LabelSelector"),
                        5: ("matchLabelKeys", "[]string"), 6: ("mismatchLabelKeys", "[]string")},
    "WeightedPodAffinityTerm": {1: ("weight", "int!"), 2: ("podAffinityTerm", "PodAffinityTerm")},

    # -- core/v1: volumes ----------------------------------------------------------------------
    "Volume": {1: ("name", "string!"), 2: ("", "inline:VolumeSource")},
    "VolumeSource": {1: ("hostPath", "HostPathVolumeSource"),
                     2: ("emptyDir", "EmptyDirVolumeSource"),
                     6: ("secret", "SecretVolumeSource"), 7: ("nfs", "NFSVolumeSource"),
                     10: ("persistentVolumeClaim", "PersistentVolumeClaimVolumeSource"),
                     16: ("downwardAPI", "DownwardAPIVolumeSource"),
                     19: ("configMap", "ConfigMapVolumeSource"),
                     26: ("projected", "ProjectedVolumeSource"),
                     28: ("csi", "CSIVolumeSource"), 30: ("image", "ImageVolumeSource")},
    "HostPathVolumeSource": {1: ("path", "string!"), 2: ("type", "string!")},
    "EmptyDirVolumeSource": {1: ("medium", "string"), 2: ("sizeLimit", "Quantity")},
    "SecretVolumeSource": {1: ("secretName", "string"), 2: ("items", "[]KeyToPath"),
                           3: ("defaultMode", "int!"), 4: ("optional", "bool!")},
    "NFSVolumeSource": {1: ("server", "string!"), 2: ("path", "string!"),
                        3: ("readOnly", "bool")},
    "PersistentVolumeClaimVolumeSource": {1: ("claimName", "string!"), 2: ("readOnly", "bool")},
    "DownwardAPIVolumeSource": {1: ("items", "[]DownwardAPIVolumeFile"),
                                2: ("defaultMode", "int!")},
    "DownwardAPIVolumeFile": {1: ("path", "string!"), 2: ("fieldRef", "ObjectFieldSelector"),
                              3: ("resourceFieldRef", "ResourceFieldSelector"),
                              4: ("mode", "int!")},
    "ConfigMapVolumeSource": {1: ("", "inline:LocalObjectReference"), 2: ("items", "[]KeyToPath"),
                              3: ("defaultMode", "int!"), 4: ("optional", "bool!")},
    "KeyToPath": {1: ("key", "string!"), 2: ("path", "string!"), 3: ("mode", "int!")},
    "ProjectedVolumeSource": {1: ("sources", "[]VolumeProjection"), 2: ("defaultMode", "int!")},
    "VolumeProjection": {1: ("secret", "SecretProjection"),
                         2: ("downwardAPI", "DownwardAPIProjection"),
                         3: ("configMap", "ConfigMapProjection"),
                         4: ("serviceAccountToken", "ServiceAccountTokenProjection")},
    "SecretProjection": {1: ("", "inline:LocalObjectReference"), 2: ("items", "[]KeyToPath"),
                         4: ("optional", "bool!")},
    "ConfigMapProjection": {1: ("", "inline:LocalObjectReference"), 2: ("items", "[]KeyToPath"),
                            4: ("optional", "bool!")},
    "DownwardAPIProjection": {1: ("items", "[]DownwardAPIVolumeFile")},
    "ServiceAccountTokenProjection": {1: ("audience", "string"), 2: ("expirationSeconds", "int!"),
                                      3: ("path", "string!")},
    "CSIVolumeSource": {1: ("driver", "string!"), 2: ("readOnly", "bool!"),
                        3: ("fsType", "string!"), 4: ("volumeAttributes", "map"),
                        5: ("nodePublishSecretRef", "LocalObjectReference")},
    "ImageVolumeSource": {1: ("reference", "string"), 2: ("pullPolicy", "string")},

    # -- k8s.io/api/apps/v1/generated.proto -----------------------------------------------------
    "Deployment": {1: ("metadata", _META), 2: ("spec", "DeploymentSpec"),
                   3: ("status", "DeploymentStatus")},
    "DeploymentSpec": {1: ("replicas", "int!"), 2: ("selector", "LabelSelector"),
                       3: ("template", "PodTemplateSpec"), 4: ("strategy", "DeploymentStrategy"),
                       5: ("minReadySeconds", "int"), 6: ("revisionHistoryLimit", "int!"),
                       7: ("paused", "bool"), 9: ("progressDeadlineSeconds", "int!")},
    "DeploymentStrategy": {1: ("type", "string"), 2: ("rollingUpdate", "RollingUpdateDeployment")},
    "RollingUpdateDeployment": {1: ("maxUnavailable", "IntOrString"),
                                2: ("maxSurge", "IntOrString")},
    "DeploymentStatus": {1: ("observedGeneration", "int"), 2: ("replicas", "int"),
                         3: ("updatedReplicas", "int"), 4: ("availableReplicas", "int"),
                         5: ("unavailableReplicas", "int"), 7: ("readyReplicas", "int"),
                         8: ("collisionCount", "int!"), 9: ("terminatingReplicas", "int!")},
    "ReplicaSet": {1: ("metadata", _META), 2: ("spec", "ReplicaSetSpec"),
                   3: ("status", "ReplicaSetStatus")},
    "ReplicaSetSpec": {1: ("replicas", "int!"), 2: ("selector", "LabelSelector"),
                       3: ("template", "PodTemplateSpec"), 4: ("minReadySeconds", "int")},
    "ReplicaSetStatus": {1: ("replicas", "int!"), 2: ("fullyLabeledReplicas", "int"),
                         3: ("observedGeneration", "int"), 4: ("readyReplicas", "int"),
                         5: ("availableReplicas", "int"), 7: ("terminatingReplicas", "int!")},
    "DaemonSet": {1: ("metadata", _META), 2: ("spec", "DaemonSetSpec"),
                  3: ("status", "DaemonSetStatus")},
    "DaemonSetSpec": {1: ("selector", "LabelSelector"), 2: ("template", "PodTemplateSpec"),
                      3: ("updateStrategy", "DaemonSetUpdateStrategy"),
                      4: ("minReadySeconds", "int"), 6: ("revisionHistoryLimit", "int!")},
    "DaemonSetUpdateStrategy": {1: ("type", "string"),
                                2: ("rollingUpdate", "RollingUpdateDaemonSet")},
    "RollingUpdateDaemonSet": {1: ("maxUnavailable", "IntOrString"),
                               2: ("maxSurge", "IntOrString")},
    "DaemonSetStatus": {1: ("currentNumberScheduled", "int!"), 2: ("numberMisscheduled", "int!"),
                        3: ("desiredNumberScheduled", "int!"), 4: ("numberReady", "int!"),
                        5: ("observedGeneration", "int"), 6: ("updatedNumberScheduled", "int"),
                        7: ("numberAvailable", "int"), 8: ("numberUnavailable", "int"),
                        9: ("collisionCount", "int!")},

    # -- k8s.io/api/rbac/v1/generated.proto -----------------------------------------------------
    "Role": {1: ("metadata", _META), 2: ("rules", "[]PolicyRule")},
    "ClusterRole": {1: ("metadata", _META), 2: ("rules", "[]PolicyRule"),
                    3: ("aggregationRule", "AggregationRule")},
    "AggregationRule": {1: ("clusterRoleSelectors", "[]LabelSelector")},
    "PolicyRule": {1: ("verbs", "[]string"), 2: ("apiGroups", "[]string"),
                   3: ("resources", "[]string"), 4: ("resourceNames", "[]string"),
                   5: ("nonResourceURLs", "[]string")},
    "RoleBinding": {1: ("metadata", _META), 2: ("subjects", "[]Subject"),
                    3: ("roleRef", "RoleRef")},
    "ClusterRoleBinding": {1: ("metadata", _META), 2: ("subjects", "[]Subject"),
                           3: ("roleRef", "RoleRef")},
    "Subject": {1: ("kind", "string!"), 2: ("apiGroup", "string"), 3: ("name", "string!"),
                4: ("namespace", "string")},
    "RoleRef": {1: ("apiGroup", "string!"), 2: ("kind", "string!"), 3: ("name", "string!")},

    # -- k8s.io/api/scheduling/v1/generated.proto -----------------------------------------------
    "PriorityClass": {1: ("metadata", _META), 2: ("value", "int!"), 3: ("globalDefault", "bool"),
                      4: ("description", "string"), 5: ("preemptionPolicy", "string!")},

    # -- k8s.io/api/batch/v1/generated.proto ----------------------------------------------------
    "Job": {1: ("metadata", _META), 2: ("spec", "JobSpec"), 3: ("status", "JobStatus")},
    "JobSpec": {1: ("parallelism", "int!"), 2: ("completions", "int!"),
                3: ("activeDeadlineSeconds", "int!"), 4: ("selector", "LabelSelector"),
                5: ("manualSelector", "bool!"), 6: ("template", "PodTemplateSpec"),
                7: ("backoffLimit", "int!"), 8: ("ttlSecondsAfterFinished", "int!"),
                9: ("completionMode", "string!"), 10: ("suspend", "bool!"),
                12: ("backoffLimitPerIndex", "int!"), 13: ("maxFailedIndexes", "int!"),
                14: ("podReplacementPolicy", "string!"), 15: ("managedBy", "string!")},
    "JobStatus": {4: ("active", "int"), 5: ("succeeded", "int"), 6: ("failed", "int")},
    "CronJob": {1: ("metadata", _META), 2: ("spec", "CronJobSpec"),
                3: ("status", "CronJobStatus")},
    "CronJobSpec": {1: ("schedule", "string!"), 2: ("startingDeadlineSeconds", "int!"),
                    3: ("concurrencyPolicy", "string"), 4: ("suspend", "bool!"),
                    5: ("jobTemplate", "JobTemplateSpec"),
                    6: ("successfulJobsHistoryLimit", "int!"),
                    7: ("failedJobsHistoryLimit", "int!"), 8: ("timeZone", "string!")},
    "JobTemplateSpec": {1: ("metadata", _META), 2: ("spec", "JobSpec")},
    "CronJobStatus": {1: ("active", "[]ObjectReference"), 4: ("lastScheduleTime", "Time"),
                      5: ("lastSuccessfulTime", "Time")},

    # -- k8s.io/api/autoscaling/v1/generated.proto ----------------------------------------------
    "HorizontalPodAutoscaler": {1: ("metadata", _META),
                                2: ("spec", "HorizontalPodAutoscalerSpec"),
                                3: ("status", "HorizontalPodAutoscalerStatus")},
    "HorizontalPodAutoscalerSpec": {1: ("scaleTargetRef", "CrossVersionObjectReference"),
                                    2: ("minReplicas", "int!"), 3: ("maxReplicas", "int!"),
                                    4: ("targetCPUUtilizationPercentage", "int!")},
    "CrossVersionObjectReference": {1: ("kind", "string!"), 2: ("name", "string!"),
                                    3: ("apiVersion", "string")},
    "HorizontalPodAutoscalerStatus": {1: ("observedGeneration", "int!"),
                                      2: ("lastScaleTime", "Time"),
                                      3: ("currentReplicas", "int!"),
                                      4: ("desiredReplicas", "int!"),
                                      5: ("currentCPUUtilizationPercentage", "int!")},

    # -- k8s.io/api/networking/v1/generated.proto -----------------------------------------------
    "Ingress": {1: ("metadata", _META), 2: ("spec", "IngressSpec"),
                3: ("status", "IngressStatus")},
    "IngressSpec": {1: ("defaultBackend", "IngressBackend"), 2: ("tls", "[]IngressTLS"),
                    3: ("rules", "[]IngressRule"), 4: ("ingressClassName", "string!")},
    "IngressBackend": {3: ("resource", "TypedLocalObjectReference"),
                       4: ("service", "IngressServiceBackend")},
    "IngressServiceBackend": {1: ("name", "string!"), 2: ("port", "ServiceBackendPort")},
    "ServiceBackendPort": {1: ("name", "string"), 2: ("number", "int")},
    "IngressTLS": {1: ("hosts", "[]string"), 2: ("secretName", "string")},
    "IngressRule": {1: ("host", "string"), 2: ("", "inline:IngressRuleValue")},
    "IngressRuleValue": {1: ("http", "HTTPIngressRuleValue")},
    "HTTPIngressRuleValue": {1: ("paths", "[]HTTPIngressPath")},
    "HTTPIngressPath": {1: ("path", "string"), 2: ("backend", "IngressBackend"),
                        3: ("pathType", "string!")},
    "IngressStatus": {1: ("loadBalancer", "IngressLoadBalancerStatus")},
    "IngressLoadBalancerStatus": {1: ("ingress", "[]IngressLoadBalancerIngress")},
    "IngressLoadBalancerIngress": {1: ("ip", "string"), 2: ("hostname", "string")},
}

#: The top-level kinds read from protobuf, with the apiVersions they are read for.
KINDS: dict[str, tuple[str, ...]] = {
    "SelfSubjectAccessReview": ("authorization.k8s.io/v1",),
    "SelfSubjectRulesReview": ("authorization.k8s.io/v1",),
    "TokenRequest": ("authentication.k8s.io/v1",),
    "Eviction": ("policy/v1",),
    "PodDisruptionBudget": ("policy/v1",),
    "ConfigMap": ("v1",), "Secret": ("v1",), "Namespace": ("v1",), "ServiceAccount": ("v1",),
    "Service": ("v1",), "ResourceQuota": ("v1",), "Pod": ("v1",),
    "Deployment": ("apps/v1",), "ReplicaSet": ("apps/v1",), "DaemonSet": ("apps/v1",),
    "Role": ("rbac.authorization.k8s.io/v1",), "ClusterRole": ("rbac.authorization.k8s.io/v1",),
    "RoleBinding": ("rbac.authorization.k8s.io/v1",),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io/v1",),
    "PriorityClass": ("scheduling.k8s.io/v1",),
    "Job": ("batch/v1",), "CronJob": ("batch/v1",),
    "Ingress": ("networking.k8s.io/v1",),
    "HorizontalPodAutoscaler": ("autoscaling/v1",),
}

_SCALAR_ZERO: dict[str, Any] = {"string": "", "int": 0, "bool": False}


def is_protobuf(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == PROTOBUF


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def varint(self) -> int:
        shift = result = 0
        while True:
            if self.pos >= len(self.data):
                raise ValueError("truncated varint")
            b = self.data[self.pos]
            self.pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise ValueError("varint too long")

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("truncated field")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def fields(self) -> list[tuple[int, int, Any]]:
        out: list[tuple[int, int, Any]] = []
        while self.pos < len(self.data):
            key = self.varint()
            number, wire = key >> 3, key & 7
            if wire == 0:
                out.append((number, wire, self.varint()))
            elif wire == 2:
                out.append((number, wire, self.take(self.varint())))
            elif wire == 1:
                out.append((number, wire, self.take(8)))
            elif wire == 5:
                out.append((number, wire, self.take(4)))
            else:
                raise ValueError(f"unsupported wire type {wire}")
        return out


def _signed(value: int) -> int:
    """int32 and int64 are varints of the 64-bit two's complement (negatives take 10 bytes)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _need(wire: int, want: int, name: str) -> None:
    if wire != want:
        raise ValueError(f"field {name}: wire type {wire}, expected {want}")


def _time(data: bytes) -> str | None:
    """``meta.v1.Time`` (seconds = 1, nanos = 2) as Go's JSON: RFC 3339, UTC, whole seconds.
    Go writes the zero time as an empty message and reads one back as zero (``null``); it
    drops the nanos when reading (``metav1.Time.Unmarshal``)."""
    if not data:
        return None
    seconds = 0
    for n, wire, v in _Reader(data).fields():
        if n == 1 and wire == 0:
            seconds = _signed(v)
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _int_or_string(data: bytes) -> int | str:
    """``intstr.IntOrString``: type = 1 (0 Int, 1 String), intVal = 2, strVal = 3."""
    kind, int_val, str_val = 0, 0, ""
    for n, wire, v in _Reader(data).fields():
        if n == 1 and wire == 0:
            kind = _signed(v)
        elif n == 2 and wire == 0:
            int_val = _signed(v)
        elif n == 3 and wire == 2:
            str_val = bytes(v).decode()
    return str_val if kind == 1 else int_val


def _quantity(data: bytes) -> str:
    """``resource.Quantity``: string = 1 (the canonical form, as in JSON)."""
    for n, wire, v in _Reader(data).fields():
        if n == 1 and wire == 2:
            return bytes(v).decode()
    return "0"


def _map_value(typ: str, data: bytes) -> Any:
    if typ == "map":
        return bytes(data).decode()
    if typ == "map:bytes":
        return base64.b64encode(data).decode()
    if typ == "map:Quantity":
        return _quantity(data)
    return _time(data)  # map:Time


def _message(data: bytes, name: str) -> dict[str, Any]:
    table = MESSAGES[name]
    out: dict[str, Any] = {}
    for number, wire, value in _Reader(data).fields():
        if number not in table:
            continue  # a field this table does not carry: skipped by its wire type
        key, typ = table[number]
        base = typ.rstrip("!")
        if base in _SCALAR_ZERO:
            if base == "string":
                _need(wire, 2, key)
                scalar: Any = bytes(value).decode()
            else:
                _need(wire, 0, key)
                scalar = _signed(value) if base == "int" else bool(value)
            if typ.endswith("!") or scalar != _SCALAR_ZERO[base]:
                out[key] = scalar
            else:
                out.pop(key, None)
        elif typ == "[]string":
            _need(wire, 2, key)
            out.setdefault(key, []).append(bytes(value).decode())
        elif typ == "[]int":
            if wire == 2:  # packed
                packed = _Reader(value)
                while packed.pos < len(packed.data):
                    out.setdefault(key, []).append(_signed(packed.varint()))
            else:
                _need(wire, 0, key)
                out.setdefault(key, []).append(_signed(value))
        elif typ.startswith("map"):
            _need(wire, 2, key)
            entry = {n: v for n, _, v in _Reader(value).fields()}
            k = bytes(entry.get(1, b"")).decode()
            out.setdefault(key, {})[k] = _map_value(typ, bytes(entry.get(2, b"")))
        else:
            _need(wire, 2, key)
            if typ == "bytes":
                out[key] = base64.b64encode(value).decode()
            elif typ == "Time":
                stamp = _time(value)
                if stamp is None:
                    out.pop(key, None)
                else:
                    out[key] = stamp
            elif typ == "IntOrString":
                out[key] = _int_or_string(value)
            elif typ == "Quantity":
                out[key] = _quantity(value)
            elif typ.startswith("inline:"):
                out.update(_message(value, typ[len("inline:"):]))
            elif typ.startswith("[]"):
                out.setdefault(key, []).append(_message(value, typ[2:]))
            else:
                out[key] = _message(value, typ)
    return out


def decode(body: bytes) -> dict[str, Any]:
    """The JSON-shaped object of a protobuf request body; 415 for kinds not in
    :data:`KINDS`, 400 for a body that is not upstream's envelope."""
    if not body.startswith(MAGIC):
        raise errors.bad_request("provided data does not appear to be a protobuf message, "
                                 "expected prefix [107 56 115 0]")
    try:
        unknown = {n: v for n, _, v in _Reader(body[len(MAGIC):]).fields()}
        type_meta = {n: bytes(v).decode() for n, _, v in _Reader(unknown.get(1, b"")).fields()}
        api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
        if api_version not in KINDS.get(kind, ()):
            raise errors.StatusError({
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": f"the body of the request was in an unknown format - accepted "
                           f"media types include: application/json, application/yaml "
                           f"(protobuf is read only for the kinds kubectl's typed clients "
                           f"send; {api_version} {kind} is not one of them)",
                "reason": "UnsupportedMediaType", "code": 415})
        obj = {"kind": kind, "apiVersion": api_version}
        obj.update(_message(bytes(unknown.get(2, b"")), kind))
        return obj
    except (ValueError, UnicodeDecodeError, IndexError) as exc:
        raise errors.bad_request(f"unable to decode protobuf body: {exc}") from None
