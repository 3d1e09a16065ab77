"""core/v1: every kind of the legacy group and the structs under them (PodSpec, Container,
Volume and its sources, Probe, Affinity, NodeStatus, ServiceSpec, PV/PVC, ...).

Upstream: ``staging/src/k8s.io/api/core/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    BOOL,
    BYTES,
    CORE,
    INT32,
    INT64,
    INT_OR_STRING,
    META,
    MICRO_TIME,
    QUANTITY,
    STRING,
    TIME,
    ListOf,
    MapOf,
    atomic,
    enum,
    map_list,
    merge_list,
    merge_set,
)

#: ``PersistentVolumeAccessMode``
ACCESS_MODE = enum("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
#: ``ResourceQuotaScope``
QUOTA_SCOPE = enum("BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating",
                   "PriorityClass", "Terminating", "VolumeAttributesClass")
#: ``HostPathType`` ("" means: no check before mounting)
HOST_PATH_TYPE = enum("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File",
                      "FileOrCreate", "Socket")
#: ``TaintEffect``
TAINT_EFFECT = enum("NoExecute", "NoSchedule", "PreferNoSchedule")
#: ``Protocol``
PROTOCOL = enum("SCTP", "TCP", "UDP")

CORE.plain_kind("Binding", {
    "target": CORE.ref("ObjectReference"),
}, required=("target",))

CORE.kind("ComponentStatus", {
    "conditions": atomic(CORE.ref("ComponentCondition")),
})

CORE.kind("ConfigMap", {
    "binaryData": MapOf(BYTES),
    "data": MapOf(STRING),
    "immutable": BOOL,
})

CORE.kind("Endpoints", {
    "subsets": atomic(CORE.ref("EndpointSubset")),
})

CORE.kind("Event", {
    "action": STRING,
    "count": INT32,
    "eventTime": MICRO_TIME,
    "firstTimestamp": TIME,
    "involvedObject": CORE.ref("ObjectReference"),
    "lastTimestamp": TIME,
    "message": STRING,
    "reason": STRING,
    "related": CORE.ref("ObjectReference"),
    "reportingComponent": STRING,
    "reportingInstance": STRING,
    "series": CORE.ref("EventSeries"),
    "source": CORE.ref("EventSource"),
    "type": STRING,
}, required=("involvedObject", "metadata"))

CORE.kind("LimitRange", {
    "spec": CORE.ref("LimitRangeSpec"),
})

CORE.kind("Namespace", {
    "spec": CORE.ref("NamespaceSpec"),
    "status": CORE.ref("NamespaceStatus"),
})

CORE.kind("Node", {
    "spec": CORE.ref("NodeSpec"),
    "status": CORE.ref("NodeStatus"),
})

CORE.kind("PersistentVolumeClaim", {
    "spec": CORE.ref("PersistentVolumeClaimSpec"),
    "status": CORE.ref("PersistentVolumeClaimStatus"),
})

CORE.kind("PersistentVolume", {
    "spec": CORE.ref("PersistentVolumeSpec"),
    "status": CORE.ref("PersistentVolumeStatus"),
})

CORE.kind("Pod", {
    "spec": CORE.ref("PodSpec"),
    "status": CORE.ref("PodStatus"),
})

CORE.kind("ReplicationController", {
    "spec": CORE.ref("ReplicationControllerSpec"),
    "status": CORE.ref("ReplicationControllerStatus"),
})

CORE.kind("ResourceQuota", {
    "spec": CORE.ref("ResourceQuotaSpec"),
    "status": CORE.ref("ResourceQuotaStatus"),
})

CORE.kind("Secret", {
    "data": MapOf(BYTES),
    "immutable": BOOL,
    "stringData": MapOf(STRING),
    "type": STRING,
})

CORE.kind("ServiceAccount", {
    "automountServiceAccountToken": BOOL,
    "imagePullSecrets": atomic(CORE.ref("LocalObjectReference")),
    "secrets": merge_list(CORE.ref("ObjectReference"), "name"),
})

CORE.kind("Service", {
    "spec": CORE.ref("ServiceSpec"),
    "status": CORE.ref("ServiceStatus"),
})

CORE.struct("ObjectReference", {
    "apiVersion": STRING,
    "fieldPath": STRING,
    "kind": STRING,
    "name": STRING,
    "namespace": STRING,
    "resourceVersion": STRING,
    "uid": STRING,
}, atomic=True)

CORE.struct("ComponentCondition", {
    "error": STRING,
    "message": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

CORE.struct("EndpointSubset", {
    "addresses": atomic(CORE.ref("EndpointAddress")),
    "notReadyAddresses": atomic(CORE.ref("EndpointAddress")),
    "ports": atomic(CORE.ref("EndpointPort")),
})

CORE.struct("EventSeries", {
    "count": INT32,
    "lastObservedTime": MICRO_TIME,
})

CORE.struct("EventSource", {
    "component": STRING,
    "host": STRING,
})

CORE.struct("LimitRangeSpec", {
    "limits": atomic(CORE.ref("LimitRangeItem")),
}, required=("limits",))

CORE.struct("NamespaceSpec", {
    "finalizers": atomic(STRING),
})

CORE.struct("NamespaceStatus", {
    "conditions": merge_list(CORE.ref("NamespaceCondition"), "type"),
    "phase": enum("Active", "Terminating"),
})

CORE.struct("NodeSpec", {
    "configSource": CORE.ref("NodeConfigSource"),
    "externalID": STRING,
    "podCIDR": STRING,
    "podCIDRs": merge_set(STRING),
    "providerID": STRING,
    "taints": atomic(CORE.ref("Taint")),
    "unschedulable": BOOL,
})

CORE.struct("NodeStatus", {
    "addresses": ListOf(CORE.ref("NodeAddress"), merge_key="type", strategy="merge",
                        list_type="atomic"),
    "allocatable": MapOf(QUANTITY),
    "capacity": MapOf(QUANTITY),
    "conditions": merge_list(CORE.ref("NodeCondition"), "type"),
    "config": CORE.ref("NodeConfigStatus"),
    "daemonEndpoints": CORE.ref("NodeDaemonEndpoints"),
    "features": CORE.ref("NodeFeatures"),
    "images": atomic(CORE.ref("ContainerImage")),
    "nodeInfo": CORE.ref("NodeSystemInfo"),
    "phase": enum("Pending", "Running", "Terminated"),
    "runtimeHandlers": atomic(CORE.ref("NodeRuntimeHandler")),
    "volumesAttached": atomic(CORE.ref("AttachedVolume")),
    "volumesInUse": atomic(STRING),
})

CORE.struct("PersistentVolumeClaimSpec", {
    "accessModes": atomic(ACCESS_MODE),
    "dataSource": CORE.ref("TypedLocalObjectReference"),
    "dataSourceRef": CORE.ref("TypedObjectReference"),
    "resources": CORE.ref("VolumeResourceRequirements"),
    "selector": META.ref("LabelSelector"),
    "storageClassName": STRING,
    "volumeAttributesClassName": STRING,
    "volumeMode": enum("Block", "Filesystem"),
    "volumeName": STRING,
})

CORE.struct("PersistentVolumeClaimStatus", {
    "accessModes": atomic(ACCESS_MODE),
    "allocatedResourceStatuses": MapOf(STRING),
    "allocatedResources": MapOf(QUANTITY),
    "capacity": MapOf(QUANTITY),
    "conditions": merge_list(CORE.ref("PersistentVolumeClaimCondition"), "type"),
    "currentVolumeAttributesClassName": STRING,
    "modifyVolumeStatus": CORE.ref("ModifyVolumeStatus"),
    "phase": enum("Bound", "Lost", "Pending"),
})

CORE.struct("PersistentVolumeSpec", {
    "accessModes": atomic(ACCESS_MODE),
    "awsElasticBlockStore": CORE.ref("AWSElasticBlockStoreVolumeSource"),
    "azureDisk": CORE.ref("AzureDiskVolumeSource"),
    "azureFile": CORE.ref("AzureFilePersistentVolumeSource"),
    "capacity": MapOf(QUANTITY),
    "cephfs": CORE.ref("CephFSPersistentVolumeSource"),
    "cinder": CORE.ref("CinderPersistentVolumeSource"),
    "claimRef": CORE.ref("ObjectReference"),
    "csi": CORE.ref("CSIPersistentVolumeSource"),
    "fc": CORE.ref("FCVolumeSource"),
    "flexVolume": CORE.ref("FlexPersistentVolumeSource"),
    "flocker": CORE.ref("FlockerVolumeSource"),
    "gcePersistentDisk": CORE.ref("GCEPersistentDiskVolumeSource"),
    "glusterfs": CORE.ref("GlusterfsPersistentVolumeSource"),
    "hostPath": CORE.ref("HostPathVolumeSource"),
    "iscsi": CORE.ref("ISCSIPersistentVolumeSource"),
    "local": CORE.ref("LocalVolumeSource"),
    "mountOptions": atomic(STRING),
    "nfs": CORE.ref("NFSVolumeSource"),
    "nodeAffinity": CORE.ref("VolumeNodeAffinity"),
    "persistentVolumeReclaimPolicy": enum("Delete", "Recycle", "Retain"),
    "photonPersistentDisk": CORE.ref("PhotonPersistentDiskVolumeSource"),
    "portworxVolume": CORE.ref("PortworxVolumeSource"),
    "quobyte": CORE.ref("QuobyteVolumeSource"),
    "rbd": CORE.ref("RBDPersistentVolumeSource"),
    "scaleIO": CORE.ref("ScaleIOPersistentVolumeSource"),
    "storageClassName": STRING,
    "storageos": CORE.ref("StorageOSPersistentVolumeSource"),
    "volumeAttributesClassName": STRING,
    "volumeMode": enum("Block", "Filesystem"),
    "vsphereVolume": CORE.ref("VsphereVirtualDiskVolumeSource"),
})

CORE.struct("PersistentVolumeStatus", {
    "lastPhaseTransitionTime": TIME,
    "message": STRING,
    "phase": enum("Available", "Bound", "Failed", "Pending", "Released"),
    "reason": STRING,
})

CORE.struct("PodSpec", {
    "activeDeadlineSeconds": INT64,
    "affinity": CORE.ref("Affinity"),
    "automountServiceAccountToken": BOOL,
    "containers": merge_list(CORE.ref("Container"), "name"),
    "dnsConfig": CORE.ref("PodDNSConfig"),
    "dnsPolicy": enum("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"),
    "enableServiceLinks": BOOL,
    "ephemeralContainers": merge_list(CORE.ref("EphemeralContainer"), "name"),
    "hostAliases": merge_list(CORE.ref("HostAlias"), "ip"),
    "hostIPC": BOOL,
    "hostNetwork": BOOL,
    "hostPID": BOOL,
    "hostUsers": BOOL,
    "hostname": STRING,
    "imagePullSecrets": merge_list(CORE.ref("LocalObjectReference"), "name"),
    "initContainers": merge_list(CORE.ref("Container"), "name"),
    "nodeName": STRING,
    "nodeSelector": MapOf(STRING),
    "os": CORE.ref("PodOS"),
    "overhead": MapOf(QUANTITY),
    "preemptionPolicy": enum("Never", "PreemptLowerPriority"),
    "priority": INT32,
    "priorityClassName": STRING,
    "readinessGates": atomic(CORE.ref("PodReadinessGate")),
    "resourceClaims": merge_list(CORE.ref("PodResourceClaim"), "name", retain_keys=True),
    "resources": CORE.ref("ResourceRequirements"),
    "restartPolicy": enum("Always", "OnFailure", "Never"),
    "runtimeClassName": STRING,
    "schedulerName": STRING,
    "schedulingGates": merge_list(CORE.ref("PodSchedulingGate"), "name"),
    "securityContext": CORE.ref("PodSecurityContext"),
    "serviceAccount": STRING,
    "serviceAccountName": STRING,
    "setHostnameAsFQDN": BOOL,
    "shareProcessNamespace": BOOL,
    "subdomain": STRING,
    "terminationGracePeriodSeconds": INT64,
    "tolerations": atomic(CORE.ref("Toleration")),
    "topologySpreadConstraints": merge_list(CORE.ref("TopologySpreadConstraint"), "topologyKey",
                   "topologyKey", "whenUnsatisfiable"),
    "volumes": merge_list(CORE.ref("Volume"), "name", retain_keys=True),
}, required=("containers",))

CORE.struct("PodStatus", {
    "conditions": merge_list(CORE.ref("PodCondition"), "type"),
    "containerStatuses": atomic(CORE.ref("ContainerStatus")),
    "ephemeralContainerStatuses": atomic(CORE.ref("ContainerStatus")),
    "hostIP": STRING,
    "hostIPs": ListOf(CORE.ref("HostIP"), merge_key="ip", strategy="merge", list_type="atomic"),
    "initContainerStatuses": atomic(CORE.ref("ContainerStatus")),
    "message": STRING,
    "nominatedNodeName": STRING,
    "phase": enum("Failed", "Pending", "Running", "Succeeded", "Unknown"),
    "podIP": STRING,
    "podIPs": merge_list(CORE.ref("PodIP"), "ip"),
    "qosClass": enum("BestEffort", "Burstable", "Guaranteed"),
    "reason": STRING,
    "resize": STRING,
    "resourceClaimStatuses":
        merge_list(CORE.ref("PodResourceClaimStatus"), "name", retain_keys=True),
    "startTime": TIME,
})

CORE.struct("ReplicationControllerSpec", {
    "minReadySeconds": INT32,
    "replicas": INT32,
    "selector": MapOf(STRING),
    "template": CORE.ref("PodTemplateSpec"),
})

CORE.struct("ReplicationControllerStatus", {
    "availableReplicas": INT32,
    "conditions": merge_list(CORE.ref("ReplicationControllerCondition"), "type"),
    "fullyLabeledReplicas": INT32,
    "observedGeneration": INT64,
    "readyReplicas": INT32,
    "replicas": INT32,
}, required=("replicas",))

CORE.struct("ResourceQuotaSpec", {
    "hard": MapOf(QUANTITY),
    "scopeSelector": CORE.ref("ScopeSelector"),
    "scopes": atomic(QUOTA_SCOPE),
})

CORE.struct("ResourceQuotaStatus", {
    "hard": MapOf(QUANTITY),
    "used": MapOf(QUANTITY),
})

CORE.struct("LocalObjectReference", {
    "name": STRING,
}, atomic=True)

CORE.struct("ServiceSpec", {
    "allocateLoadBalancerNodePorts": BOOL,
    "clusterIP": STRING,
    "clusterIPs": atomic(STRING),
    "externalIPs": atomic(STRING),
    "externalName": STRING,
    "externalTrafficPolicy": enum("Cluster", "Local"),
    "healthCheckNodePort": INT32,
    "internalTrafficPolicy": enum("Cluster", "Local"),
    "ipFamilies": atomic(enum("IPv4", "IPv6")),
    "ipFamilyPolicy": enum("PreferDualStack", "RequireDualStack", "SingleStack"),
    "loadBalancerClass": STRING,
    "loadBalancerIP": STRING,
    "loadBalancerSourceRanges": atomic(STRING),
    "ports": merge_list(CORE.ref("ServicePort"), "port", "port", "protocol"),
    "publishNotReadyAddresses": BOOL,
    "selector": MapOf(STRING),
    "sessionAffinity": enum("ClientIP", "None"),
    "sessionAffinityConfig": CORE.ref("SessionAffinityConfig"),
    "trafficDistribution": STRING,
    "type": enum("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"),
})

CORE.struct("ServiceStatus", {
    "conditions": merge_list(META.ref("Condition"), "type"),
    "loadBalancer": CORE.ref("LoadBalancerStatus"),
})

CORE.struct("TopologySelectorTerm", {
    "matchLabelExpressions": atomic(CORE.ref("TopologySelectorLabelRequirement")),
}, atomic=True)

CORE.struct("EndpointAddress", {
    "hostname": STRING,
    "ip": STRING,
    "nodeName": STRING,
    "targetRef": CORE.ref("ObjectReference"),
}, required=("ip",))

CORE.struct("EndpointPort", {
    "appProtocol": STRING,
    "name": STRING,
    "port": INT32,
    "protocol": PROTOCOL,
}, required=("port",))

CORE.struct("LimitRangeItem", {
    "default": MapOf(QUANTITY),
    "defaultRequest": MapOf(QUANTITY),
    "max": MapOf(QUANTITY),
    "maxLimitRequestRatio": MapOf(QUANTITY),
    "min": MapOf(QUANTITY),
    "type": enum("Container", "PersistentVolumeClaim", "Pod"),
}, required=("type",))

CORE.struct("NamespaceCondition", {
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

CORE.struct("NodeConfigSource", {
    "configMap": CORE.ref("ConfigMapNodeConfigSource"),
})

CORE.struct("Taint", {
    "effect": TAINT_EFFECT,
    "key": STRING,
    "timeAdded": TIME,
    "value": STRING,
}, required=("effect", "key"))

CORE.struct("NodeAddress", {
    "address": STRING,
    "type": STRING,
}, required=("address", "type"))

CORE.struct("NodeCondition", {
    "lastHeartbeatTime": TIME,
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

CORE.struct("NodeConfigStatus", {
    "active": CORE.ref("NodeConfigSource"),
    "assigned": CORE.ref("NodeConfigSource"),
    "error": STRING,
    "lastKnownGood": CORE.ref("NodeConfigSource"),
})

CORE.struct("NodeDaemonEndpoints", {
    "kubeletEndpoint": CORE.ref("DaemonEndpoint"),
})

CORE.struct("NodeFeatures", {
    "supplementalGroupsPolicy": BOOL,
})

CORE.struct("ContainerImage", {
    "names": atomic(STRING),
    "sizeBytes": INT64,
})

CORE.struct("NodeSystemInfo", {
    "architecture": STRING,
    "bootID": STRING,
    "containerRuntimeVersion": STRING,
    "kernelVersion": STRING,
    "kubeProxyVersion": STRING,
    "kubeletVersion": STRING,
    "machineID": STRING,
    "operatingSystem": STRING,
    "osImage": STRING,
    "systemUUID": STRING,
}, required=("architecture", "bootID", "containerRuntimeVersion", "kernelVersion",
             "kubeProxyVersion", "kubeletVersion", "machineID", "operatingSystem", "osImage",
             "systemUUID"))

CORE.struct("NodeRuntimeHandler", {
    "features": CORE.ref("NodeRuntimeHandlerFeatures"),
    "name": STRING,
})

CORE.struct("AttachedVolume", {
    "devicePath": STRING,
    "name": STRING,
}, required=("devicePath", "name"))

CORE.struct("TypedLocalObjectReference", {
    "apiGroup": STRING,
    "kind": STRING,
    "name": STRING,
}, required=("kind", "name"), atomic=True)

CORE.struct("TypedObjectReference", {
    "apiGroup": STRING,
    "kind": STRING,
    "name": STRING,
    "namespace": STRING,
}, required=("kind", "name"))

CORE.struct("VolumeResourceRequirements", {
    "limits": MapOf(QUANTITY),
    "requests": MapOf(QUANTITY),
})

CORE.struct("PersistentVolumeClaimCondition", {
    "lastProbeTime": TIME,
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

CORE.struct("ModifyVolumeStatus", {
    "status": enum("InProgress", "Infeasible", "Pending"),
    "targetVolumeAttributesClassName": STRING,
}, required=("status",))

CORE.struct("AWSElasticBlockStoreVolumeSource", {
    "fsType": STRING,
    "partition": INT32,
    "readOnly": BOOL,
    "volumeID": STRING,
}, required=("volumeID",))

CORE.struct("AzureDiskVolumeSource", {
    "cachingMode": STRING,
    "diskName": STRING,
    "diskURI": STRING,
    "fsType": STRING,
    "kind": STRING,
    "readOnly": BOOL,
}, required=("diskName", "diskURI"))

CORE.struct("AzureFilePersistentVolumeSource", {
    "readOnly": BOOL,
    "secretName": STRING,
    "secretNamespace": STRING,
    "shareName": STRING,
}, required=("secretName", "shareName"))

CORE.struct("CephFSPersistentVolumeSource", {
    "monitors": atomic(STRING),
    "path": STRING,
    "readOnly": BOOL,
    "secretFile": STRING,
    "secretRef": CORE.ref("SecretReference"),
    "user": STRING,
}, required=("monitors",))

CORE.struct("CinderPersistentVolumeSource", {
    "fsType": STRING,
    "readOnly": BOOL,
    "secretRef": CORE.ref("SecretReference"),
    "volumeID": STRING,
}, required=("volumeID",))

CORE.struct("CSIPersistentVolumeSource", {
    "controllerExpandSecretRef": CORE.ref("SecretReference"),
    "controllerPublishSecretRef": CORE.ref("SecretReference"),
    "driver": STRING,
    "fsType": STRING,
    "nodeExpandSecretRef": CORE.ref("SecretReference"),
    "nodePublishSecretRef": CORE.ref("SecretReference"),
    "nodeStageSecretRef": CORE.ref("SecretReference"),
    "readOnly": BOOL,
    "volumeAttributes": MapOf(STRING),
    "volumeHandle": STRING,
}, required=("driver", "volumeHandle"))

CORE.struct("FCVolumeSource", {
    "fsType": STRING,
    "lun": INT32,
    "readOnly": BOOL,
    "targetWWNs": atomic(STRING),
    "wwids": atomic(STRING),
})

CORE.struct("FlexPersistentVolumeSource", {
    "driver": STRING,
    "fsType": STRING,
    "options": MapOf(STRING),
    "readOnly": BOOL,
    "secretRef": CORE.ref("SecretReference"),
}, required=("driver",))

CORE.struct("FlockerVolumeSource", {
    "datasetName": STRING,
    "datasetUUID": STRING,
})

CORE.struct("GCEPersistentDiskVolumeSource", {
    "fsType": STRING,
    "partition": INT32,
    "pdName": STRING,
    "readOnly": BOOL,
}, required=("pdName",))

CORE.struct("GlusterfsPersistentVolumeSource", {
    "endpoints": STRING,
    "endpointsNamespace": STRING,
    "path": STRING,
    "readOnly": BOOL,
}, required=("endpoints", "path"))

CORE.struct("HostPathVolumeSource", {
    "path": STRING,
    "type": HOST_PATH_TYPE,
}, required=("path",))

CORE.struct("ISCSIPersistentVolumeSource", {
    "chapAuthDiscovery": BOOL,
    "chapAuthSession": BOOL,
    "fsType": STRING,
    "initiatorName": STRING,
    "iqn": STRING,
    "iscsiInterface": STRING,
    "lun": INT32,
    "portals": atomic(STRING),
    "readOnly": BOOL,
    "secretRef": CORE.ref("SecretReference"),
    "targetPortal": STRING,
}, required=("iqn", "lun", "targetPortal"))

CORE.struct("LocalVolumeSource", {
    "fsType": STRING,
    "path": STRING,
}, required=("path",))

CORE.struct("NFSVolumeSource", {
    "path": STRING,
    "readOnly": BOOL,
    "server": STRING,
}, required=("path", "server"))

CORE.struct("VolumeNodeAffinity", {
    "required": CORE.ref("NodeSelector"),
})

CORE.struct("PhotonPersistentDiskVolumeSource", {
    "fsType": STRING,
    "pdID": STRING,
}, required=("pdID",))

CORE.struct("PortworxVolumeSource", {
    "fsType": STRING,
    "readOnly": BOOL,
    "volumeID": STRING,
}, required=("volumeID",))

CORE.struct("QuobyteVolumeSource", {
    "group": STRING,
    "readOnly": BOOL,
    "registry": STRING,
    "tenant": STRING,
    "user": STRING,
    "volume": STRING,
}, required=("registry", "volume"))

CORE.struct("RBDPersistentVolumeSource", {
    "fsType": STRING,
    "image": STRING,
    "keyring": STRING,
    "monitors": atomic(STRING),
    "pool": STRING,
    "readOnly": BOOL,
    "secretRef": CORE.ref("SecretReference"),
    "user": STRING,
}, required=("image", "monitors"))

CORE.struct("ScaleIOPersistentVolumeSource", {
    "fsType": STRING,
    "gateway": STRING,
    "protectionDomain": STRING,
    "readOnly": BOOL,
    "secretRef": CORE.ref("SecretReference"),
    "sslEnabled": BOOL,
    "storageMode": STRING,
    "storagePool": STRING,
    "system": STRING,
    "volumeName": STRING,
}, required=("gateway", "secretRef", "system"))

CORE.struct("StorageOSPersistentVolumeSource", {
    "fsType": STRING,
    "readOnly": BOOL,
    "secretRef": CORE.ref("ObjectReference"),
    "volumeName": STRING,
    "volumeNamespace": STRING,
})

CORE.struct("VsphereVirtualDiskVolumeSource", {
    "fsType": STRING,
    "storagePolicyID": STRING,
    "storagePolicyName": STRING,
    "volumePath": STRING,
}, required=("volumePath",))

CORE.struct("Affinity", {
    "nodeAffinity": CORE.ref("NodeAffinity"),
    "podAffinity": CORE.ref("PodAffinity"),
    "podAntiAffinity": CORE.ref("PodAntiAffinity"),
})

CORE.struct("Container", {
    "args": atomic(STRING),
    "command": atomic(STRING),
    "env": merge_list(CORE.ref("EnvVar"), "name"),
    "envFrom": atomic(CORE.ref("EnvFromSource")),
    "image": STRING,
    "imagePullPolicy": enum("Always", "IfNotPresent", "Never"),
    "lifecycle": CORE.ref("Lifecycle"),
    "livenessProbe": CORE.ref("Probe"),
    "name": STRING,
    "ports": merge_list(CORE.ref("ContainerPort"), "containerPort", "containerPort", "protocol"),
    "readinessProbe": CORE.ref("Probe"),
    "resizePolicy": atomic(CORE.ref("ContainerResizePolicy")),
    "resources": CORE.ref("ResourceRequirements"),
    "restartPolicy": STRING,
    "securityContext": CORE.ref("SecurityContext"),
    "startupProbe": CORE.ref("Probe"),
    "stdin": BOOL,
    "stdinOnce": BOOL,
    "terminationMessagePath": STRING,
    "terminationMessagePolicy": enum("File", "FallbackToLogsOnError"),
    "tty": BOOL,
    "volumeDevices": merge_list(CORE.ref("VolumeDevice"), "devicePath"),
    "volumeMounts": merge_list(CORE.ref("VolumeMount"), "mountPath"),
    "workingDir": STRING,
}, required=("name",))

CORE.struct("PodDNSConfig", {
    "nameservers": atomic(STRING),
    "options": atomic(CORE.ref("PodDNSConfigOption")),
    "searches": atomic(STRING),
})

CORE.struct("EphemeralContainer", {
    "args": atomic(STRING),
    "command": atomic(STRING),
    "env": merge_list(CORE.ref("EnvVar"), "name"),
    "envFrom": atomic(CORE.ref("EnvFromSource")),
    "image": STRING,
    "imagePullPolicy": enum("Always", "IfNotPresent", "Never"),
    "lifecycle": CORE.ref("Lifecycle"),
    "livenessProbe": CORE.ref("Probe"),
    "name": STRING,
    "ports": merge_list(CORE.ref("ContainerPort"), "containerPort", "containerPort", "protocol"),
    "readinessProbe": CORE.ref("Probe"),
    "resizePolicy": atomic(CORE.ref("ContainerResizePolicy")),
    "resources": CORE.ref("ResourceRequirements"),
    "restartPolicy": STRING,
    "securityContext": CORE.ref("SecurityContext"),
    "startupProbe": CORE.ref("Probe"),
    "stdin": BOOL,
    "stdinOnce": BOOL,
    "targetContainerName": STRING,
    "terminationMessagePath": STRING,
    "terminationMessagePolicy": enum("File", "FallbackToLogsOnError"),
    "tty": BOOL,
    "volumeDevices": merge_list(CORE.ref("VolumeDevice"), "devicePath"),
    "volumeMounts": merge_list(CORE.ref("VolumeMount"), "mountPath"),
    "workingDir": STRING,
}, required=("name",))

CORE.struct("HostAlias", {
    "hostnames": atomic(STRING),
    "ip": STRING,
}, required=("ip",))

CORE.struct("PodOS", {
    "name": STRING,
}, required=("name",))

CORE.struct("PodReadinessGate", {
    "conditionType": STRING,
}, required=("conditionType",))

CORE.struct("PodResourceClaim", {
    "name": STRING,
    "resourceClaimName": STRING,
    "resourceClaimTemplateName": STRING,
}, required=("name",))

CORE.struct("ResourceRequirements", {
    "claims": map_list(CORE.ref("ResourceClaim"), "name"),
    "limits": MapOf(QUANTITY),
    "requests": MapOf(QUANTITY),
})

CORE.struct("PodSchedulingGate", {
    "name": STRING,
}, required=("name",))

CORE.struct("PodSecurityContext", {
    "appArmorProfile": CORE.ref("AppArmorProfile"),
    "fsGroup": INT64,
    "fsGroupChangePolicy": enum("Always", "OnRootMismatch"),
    "runAsGroup": INT64,
    "runAsNonRoot": BOOL,
    "runAsUser": INT64,
    "seLinuxChangePolicy": STRING,
    "seLinuxOptions": CORE.ref("SELinuxOptions"),
    "seccompProfile": CORE.ref("SeccompProfile"),
    "supplementalGroups": atomic(INT64),
    "supplementalGroupsPolicy": enum("Merge", "Strict"),
    "sysctls": atomic(CORE.ref("Sysctl")),
    "windowsOptions": CORE.ref("WindowsSecurityContextOptions"),
})

CORE.struct("Toleration", {
    "effect": TAINT_EFFECT,
    "key": STRING,
    "operator": enum("Equal", "Exists"),
    "tolerationSeconds": INT64,
    "value": STRING,
})

CORE.struct("TopologySpreadConstraint", {
    "labelSelector": META.ref("LabelSelector"),
    "matchLabelKeys": atomic(STRING),
    "maxSkew": INT32,
    "minDomains": INT32,
    "nodeAffinityPolicy": enum("Honor", "Ignore"),
    "nodeTaintsPolicy": enum("Honor", "Ignore"),
    "topologyKey": STRING,
    "whenUnsatisfiable": enum("DoNotSchedule", "ScheduleAnyway"),
}, required=("maxSkew", "topologyKey", "whenUnsatisfiable"))

CORE.struct("Volume", {
    "awsElasticBlockStore": CORE.ref("AWSElasticBlockStoreVolumeSource"),
    "azureDisk": CORE.ref("AzureDiskVolumeSource"),
    "azureFile": CORE.ref("AzureFileVolumeSource"),
    "cephfs": CORE.ref("CephFSVolumeSource"),
    "cinder": CORE.ref("CinderVolumeSource"),
    "configMap": CORE.ref("ConfigMapVolumeSource"),
    "csi": CORE.ref("CSIVolumeSource"),
    "downwardAPI": CORE.ref("DownwardAPIVolumeSource"),
    "emptyDir": CORE.ref("EmptyDirVolumeSource"),
    "ephemeral": CORE.ref("EphemeralVolumeSource"),
    "fc": CORE.ref("FCVolumeSource"),
    "flexVolume": CORE.ref("FlexVolumeSource"),
    "flocker": CORE.ref("FlockerVolumeSource"),
    "gcePersistentDisk": CORE.ref("GCEPersistentDiskVolumeSource"),
    "gitRepo": CORE.ref("GitRepoVolumeSource"),
    "glusterfs": CORE.ref("GlusterfsVolumeSource"),
    "hostPath": CORE.ref("HostPathVolumeSource"),
    "image": CORE.ref("ImageVolumeSource"),
    "iscsi": CORE.ref("ISCSIVolumeSource"),
    "name": STRING,
    "nfs": CORE.ref("NFSVolumeSource"),
    "persistentVolumeClaim": CORE.ref("PersistentVolumeClaimVolumeSource"),
    "photonPersistentDisk": CORE.ref("PhotonPersistentDiskVolumeSource"),
    "portworxVolume": CORE.ref("PortworxVolumeSource"),
    "projected": CORE.ref("ProjectedVolumeSource"),
    "quobyte": CORE.ref("QuobyteVolumeSource"),
    "rbd": CORE.ref("RBDVolumeSource"),
    "scaleIO": CORE.ref("ScaleIOVolumeSource"),
    "secret": CORE.ref("SecretVolumeSource"),
    "storageos": CORE.ref("StorageOSVolumeSource"),
    "vsphereVolume": CORE.ref("VsphereVirtualDiskVolumeSource"),
}, required=("name",))

CORE.struct("PodCondition", {
    "lastProbeTime": TIME,
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

CORE.struct("ContainerStatus", {
    "allocatedResources": MapOf(QUANTITY),
    "allocatedResourcesStatus": map_list(CORE.ref("ResourceStatus"), "name"),
    "containerID": STRING,
    "image": STRING,
    "imageID": STRING,
    "lastState": CORE.ref("ContainerState"),
    "name": STRING,
    "ready": BOOL,
    "resources": CORE.ref("ResourceRequirements"),
    "restartCount": INT32,
    "started": BOOL,
    "state": CORE.ref("ContainerState"),
    "user": CORE.ref("ContainerUser"),
    "volumeMounts": map_list(CORE.ref("VolumeMountStatus"), "mountPath"),
}, required=("image", "imageID", "name", "ready", "restartCount"))

CORE.struct("HostIP", {
    "ip": STRING,
}, required=("ip",))

CORE.struct("PodIP", {
    "ip": STRING,
}, required=("ip",))

CORE.struct("PodResourceClaimStatus", {
    "name": STRING,
    "resourceClaimName": STRING,
}, required=("name",))

CORE.struct("PodTemplateSpec", {
    "metadata": META.ref("ObjectMeta"),
    "spec": CORE.ref("PodSpec"),
})

CORE.struct("ReplicationControllerCondition", {
    "lastTransitionTime": TIME,
    "message": STRING,
    "reason": STRING,
    "status": STRING,
    "type": STRING,
}, required=("status", "type"))

CORE.struct("ScopeSelector", {
    "matchExpressions": atomic(CORE.ref("ScopedResourceSelectorRequirement")),
})

CORE.struct("ServicePort", {
    "appProtocol": STRING,
    "name": STRING,
    "nodePort": INT32,
    "port": INT32,
    "protocol": PROTOCOL,
    "targetPort": INT_OR_STRING,
}, required=("port",))

CORE.struct("SessionAffinityConfig", {
    "clientIP": CORE.ref("ClientIPConfig"),
})

CORE.struct("LoadBalancerStatus", {
    "ingress": atomic(CORE.ref("LoadBalancerIngress")),
})

CORE.struct("TopologySelectorLabelRequirement", {
    "key": STRING,
    "values": atomic(STRING),
}, required=("key", "values"))

CORE.struct("ConfigMapNodeConfigSource", {
    "kubeletConfigKey": STRING,
    "name": STRING,
    "namespace": STRING,
    "resourceVersion": STRING,
    "uid": STRING,
}, required=("kubeletConfigKey", "name", "namespace"))

CORE.struct("DaemonEndpoint", {
    "Port": INT32,
}, required=("Port",))

CORE.struct("NodeRuntimeHandlerFeatures", {
    "recursiveReadOnlyMounts": BOOL,
    "userNamespaces": BOOL,
})

CORE.struct("SecretReference", {
    "name": STRING,
    "namespace": STRING,
}, atomic=True)

CORE.struct("NodeSelector", {
    "nodeSelectorTerms": atomic(CORE.ref("NodeSelectorTerm")),
}, required=("nodeSelectorTerms",), atomic=True)

CORE.struct("NodeAffinity", {
    "preferredDuringSchedulingIgnoredDuringExecution": atomic(CORE.ref("PreferredSchedulingTerm")),
    "requiredDuringSchedulingIgnoredDuringExecution": CORE.ref("NodeSelector"),
})

CORE.struct("PodAffinity", {
    "preferredDuringSchedulingIgnoredDuringExecution": atomic(CORE.ref("WeightedPodAffinityTerm")),
    "requiredDuringSchedulingIgnoredDuringExecution": atomic(CORE.ref("PodAffinityTerm")),
})

CORE.struct("PodAntiAffinity", {
    "preferredDuringSchedulingIgnoredDuringExecution": atomic(CORE.ref("WeightedPodAffinityTerm")),
    "requiredDuringSchedulingIgnoredDuringExecution": atomic(CORE.ref("PodAffinityTerm")),
})

CORE.struct("EnvVar", {
    "name": STRING,
    "value": STRING,
    "valueFrom": CORE.ref("EnvVarSource"),
}, required=("name",))

CORE.struct("EnvFromSource", {
    "configMapRef": CORE.ref("ConfigMapEnvSource"),
    "prefix": STRING,
    "secretRef": CORE.ref("SecretEnvSource"),
})

CORE.struct("Lifecycle", {
    "postStart": CORE.ref("LifecycleHandler"),
    "preStop": CORE.ref("LifecycleHandler"),
})

CORE.struct("Probe", {
    "exec": CORE.ref("ExecAction"),
    "failureThreshold": INT32,
    "grpc": CORE.ref("GRPCAction"),
    "httpGet": CORE.ref("HTTPGetAction"),
    "initialDelaySeconds": INT32,
    "periodSeconds": INT32,
    "successThreshold": INT32,
    "tcpSocket": CORE.ref("TCPSocketAction"),
    "terminationGracePeriodSeconds": INT64,
    "timeoutSeconds": INT32,
})

CORE.struct("ContainerPort", {
    "containerPort": INT32,
    "hostIP": STRING,
    "hostPort": INT32,
    "name": STRING,
    "protocol": PROTOCOL,
}, required=("containerPort",))

CORE.struct("ContainerResizePolicy", {
    "resourceName": STRING,
    "restartPolicy": enum("NotRequired", "RestartContainer"),
}, required=("resourceName", "restartPolicy"))

CORE.struct("SecurityContext", {
    "allowPrivilegeEscalation": BOOL,
    "appArmorProfile": CORE.ref("AppArmorProfile"),
    "capabilities": CORE.ref("Capabilities"),
    "privileged": BOOL,
    "procMount": enum("Default", "Unmasked"),
    "readOnlyRootFilesystem": BOOL,
    "runAsGroup": INT64,
    "runAsNonRoot": BOOL,
    "runAsUser": INT64,
    "seLinuxOptions": CORE.ref("SELinuxOptions"),
    "seccompProfile": CORE.ref("SeccompProfile"),
    "windowsOptions": CORE.ref("WindowsSecurityContextOptions"),
})

CORE.struct("VolumeDevice", {
    "devicePath": STRING,
    "name": STRING,
}, required=("devicePath", "name"))

CORE.struct("VolumeMount", {
    "mountPath": STRING,
    "mountPropagation": enum("Bidirectional", "HostToContainer", "None"),
    "name": STRING,
    "readOnly": BOOL,
    "recursiveReadOnly": enum("Disabled", "Enabled", "IfPossible"),
    "subPath": STRING,
    "subPathExpr": STRING,
}, required=("mountPath", "name"))

CORE.struct("PodDNSConfigOption", {
    "name": STRING,
    "value": STRING,
})

CORE.struct("ResourceClaim", {
    "name": STRING,
    "request": STRING,
}, required=("name",))

CORE.struct("AppArmorProfile", {
    "localhostProfile": STRING,
    "type": enum("Localhost", "RuntimeDefault", "Unconfined"),
}, required=("type",))

CORE.struct("SELinuxOptions", {
    "level": STRING,
    "role": STRING,
    "type": STRING,
    "user": STRING,
})

CORE.struct("SeccompProfile", {
    "localhostProfile": STRING,
    "type": enum("Localhost", "RuntimeDefault", "Unconfined"),
}, required=("type",))

CORE.struct("Sysctl", {
    "name": STRING,
    "value": STRING,
}, required=("name", "value"))

CORE.struct("WindowsSecurityContextOptions", {
    "gmsaCredentialSpec": STRING,
    "gmsaCredentialSpecName": STRING,
    "hostProcess": BOOL,
    "runAsUserName": STRING,
})

CORE.struct("AzureFileVolumeSource", {
    "readOnly": BOOL,
    "secretName": STRING,
    "shareName": STRING,
}, required=("secretName", "shareName"))

CORE.struct("CephFSVolumeSource", {
    "monitors": atomic(STRING),
    "path": STRING,
    "readOnly": BOOL,
    "secretFile": STRING,
    "secretRef": CORE.ref("LocalObjectReference"),
    "user": STRING,
}, required=("monitors",))

CORE.struct("CinderVolumeSource", {
    "fsType": STRING,
    "readOnly": BOOL,
    "secretRef": CORE.ref("LocalObjectReference"),
    "volumeID": STRING,
}, required=("volumeID",))

CORE.struct("ConfigMapVolumeSource", {
    "defaultMode": INT32,
    "items": atomic(CORE.ref("KeyToPath")),
    "name": STRING,
    "optional": BOOL,
})

CORE.struct("CSIVolumeSource", {
    "driver": STRING,
    "fsType": STRING,
    "nodePublishSecretRef": CORE.ref("LocalObjectReference"),
    "readOnly": BOOL,
    "volumeAttributes": MapOf(STRING),
}, required=("driver",))

CORE.struct("DownwardAPIVolumeSource", {
    "defaultMode": INT32,
    "items": atomic(CORE.ref("DownwardAPIVolumeFile")),
})

CORE.struct("EmptyDirVolumeSource", {
    "medium": STRING,
    "sizeLimit": QUANTITY,
})

CORE.struct("EphemeralVolumeSource", {
    "volumeClaimTemplate": CORE.ref("PersistentVolumeClaimTemplate"),
})

CORE.struct("FlexVolumeSource", {
    "driver": STRING,
    "fsType": STRING,
    "options": MapOf(STRING),
    "readOnly": BOOL,
    "secretRef": CORE.ref("LocalObjectReference"),
}, required=("driver",))

CORE.struct("GitRepoVolumeSource", {
    "directory": STRING,
    "repository": STRING,
    "revision": STRING,
}, required=("repository",))

CORE.struct("GlusterfsVolumeSource", {
    "endpoints": STRING,
    "path": STRING,
    "readOnly": BOOL,
}, required=("endpoints", "path"))

CORE.struct("ImageVolumeSource", {
    "pullPolicy": STRING,
    "reference": STRING,
})

CORE.struct("ISCSIVolumeSource", {
    "chapAuthDiscovery": BOOL,
    "chapAuthSession": BOOL,
    "fsType": STRING,
    "initiatorName": STRING,
    "iqn": STRING,
    "iscsiInterface": STRING,
    "lun": INT32,
    "portals": atomic(STRING),
    "readOnly": BOOL,
    "secretRef": CORE.ref("LocalObjectReference"),
    "targetPortal": STRING,
}, required=("iqn", "lun", "targetPortal"))

CORE.struct("PersistentVolumeClaimVolumeSource", {
    "claimName": STRING,
    "readOnly": BOOL,
}, required=("claimName",))

CORE.struct("ProjectedVolumeSource", {
    "defaultMode": INT32,
    "sources": atomic(CORE.ref("VolumeProjection")),
})

CORE.struct("RBDVolumeSource", {
    "fsType": STRING,
    "image": STRING,
    "keyring": STRING,
    "monitors": atomic(STRING),
    "pool": STRING,
    "readOnly": BOOL,
    "secretRef": CORE.ref("LocalObjectReference"),
    "user": STRING,
}, required=("image", "monitors"))

CORE.struct("ScaleIOVolumeSource", {
    "fsType": STRING,
    "gateway": STRING,
    "protectionDomain": STRING,
    "readOnly": BOOL,
    "secretRef": CORE.ref("LocalObjectReference"),
    "sslEnabled": BOOL,
    "storageMode": STRING,
    "storagePool": STRING,
    "system": STRING,
    "volumeName": STRING,
}, required=("gateway", "secretRef", "system"))

CORE.struct("SecretVolumeSource", {
    "defaultMode": INT32,
    "items": atomic(CORE.ref("KeyToPath")),
    "optional": BOOL,
    "secretName": STRING,
})

CORE.struct("StorageOSVolumeSource", {
    "fsType": STRING,
    "readOnly": BOOL,
    "secretRef": CORE.ref("LocalObjectReference"),
    "volumeName": STRING,
    "volumeNamespace": STRING,
})

CORE.struct("ResourceStatus", {
    "name": STRING,
    "resources": map_list(CORE.ref("ResourceHealth"), "resourceID"),
}, required=("name",))

CORE.struct("ContainerState", {
    "running": CORE.ref("ContainerStateRunning"),
    "terminated": CORE.ref("ContainerStateTerminated"),
    "waiting": CORE.ref("ContainerStateWaiting"),
})

CORE.struct("ContainerUser", {
    "linux": CORE.ref("LinuxContainerUser"),
})

CORE.struct("VolumeMountStatus", {
    "mountPath": STRING,
    "name": STRING,
    "readOnly": BOOL,
    "recursiveReadOnly": STRING,
}, required=("mountPath", "name"))

CORE.struct("ScopedResourceSelectorRequirement", {
    "operator": enum("DoesNotExist", "Exists", "In", "NotIn"),
    "scopeName": QUOTA_SCOPE,
    "values": atomic(STRING),
}, required=("operator", "scopeName"))

CORE.struct("ClientIPConfig", {
    "timeoutSeconds": INT32,
})

CORE.struct("LoadBalancerIngress", {
    "hostname": STRING,
    "ip": STRING,
    "ipMode": enum("Proxy", "VIP"),
    "ports": atomic(CORE.ref("PortStatus")),
})

CORE.struct("NodeSelectorTerm", {
    "matchExpressions": atomic(CORE.ref("NodeSelectorRequirement")),
    "matchFields": atomic(CORE.ref("NodeSelectorRequirement")),
}, atomic=True)

CORE.struct("PreferredSchedulingTerm", {
    "preference": CORE.ref("NodeSelectorTerm"),
    "weight": INT32,
}, required=("preference", "weight"))

CORE.struct("WeightedPodAffinityTerm", {
    "podAffinityTerm": CORE.ref("PodAffinityTerm"),
    "weight": INT32,
}, required=("podAffinityTerm", "weight"))

CORE.struct("PodAffinityTerm", {
    "labelSelector": META.ref("LabelSelector"),
    "matchLabelKeys": atomic(STRING),
    "mismatchLabelKeys": atomic(STRING),
    "namespaceSelector": META.ref("LabelSelector"),
    "namespaces": atomic(STRING),
    "topologyKey": STRING,
}, required=("topologyKey",))

CORE.struct("EnvVarSource", {
    "configMapKeyRef": CORE.ref("ConfigMapKeySelector"),
    "fieldRef": CORE.ref("ObjectFieldSelector"),
    "resourceFieldRef": CORE.ref("ResourceFieldSelector"),
    "secretKeyRef": CORE.ref("SecretKeySelector"),
})

CORE.struct("ConfigMapEnvSource", {
    "name": STRING,
    "optional": BOOL,
}, atomic=True)

CORE.struct("SecretEnvSource", {
    "name": STRING,
    "optional": BOOL,
}, atomic=True)

CORE.struct("LifecycleHandler", {
    "exec": CORE.ref("ExecAction"),
    "httpGet": CORE.ref("HTTPGetAction"),
    "sleep": CORE.ref("SleepAction"),
    "tcpSocket": CORE.ref("TCPSocketAction"),
})

CORE.struct("ExecAction", {
    "command": atomic(STRING),
})

CORE.struct("GRPCAction", {
    "port": INT32,
    "service": STRING,
}, required=("port",))

CORE.struct("HTTPGetAction", {
    "host": STRING,
    "httpHeaders": atomic(CORE.ref("HTTPHeader")),
    "path": STRING,
    "port": INT_OR_STRING,
    "scheme": enum("HTTP", "HTTPS"),
}, required=("port",))

CORE.struct("TCPSocketAction", {
    "host": STRING,
    "port": INT_OR_STRING,
}, required=("port",))

CORE.struct("Capabilities", {
    "add": atomic(STRING),
    "drop": atomic(STRING),
})

CORE.struct("KeyToPath", {
    "key": STRING,
    "mode": INT32,
    "path": STRING,
}, required=("key", "path"))

CORE.struct("DownwardAPIVolumeFile", {
    "fieldRef": CORE.ref("ObjectFieldSelector"),
    "mode": INT32,
    "path": STRING,
    "resourceFieldRef": CORE.ref("ResourceFieldSelector"),
}, required=("path",))

CORE.struct("PersistentVolumeClaimTemplate", {
    "metadata": META.ref("ObjectMeta"),
    "spec": CORE.ref("PersistentVolumeClaimSpec"),
}, required=("spec",))

CORE.struct("VolumeProjection", {
    "clusterTrustBundle": CORE.ref("ClusterTrustBundleProjection"),
    "configMap": CORE.ref("ConfigMapProjection"),
    "downwardAPI": CORE.ref("DownwardAPIProjection"),
    "secret": CORE.ref("SecretProjection"),
    "serviceAccountToken": CORE.ref("ServiceAccountTokenProjection"),
})

CORE.struct("ResourceHealth", {
    "health": STRING,
    "resourceID": STRING,
}, required=("resourceID",))

CORE.struct("ContainerStateRunning", {
    "startedAt": TIME,
})

CORE.struct("ContainerStateTerminated", {
    "containerID": STRING,
    "exitCode": INT32,
    "finishedAt": TIME,
    "message": STRING,
    "reason": STRING,
    "signal": INT32,
    "startedAt": TIME,
}, required=("exitCode",))

CORE.struct("ContainerStateWaiting", {
    "message": STRING,
    "reason": STRING,
})

CORE.struct("LinuxContainerUser", {
    "gid": INT64,
    "supplementalGroups": atomic(INT64),
    "uid": INT64,
}, required=("gid", "uid"))

CORE.struct("PortStatus", {
    "error": STRING,
    "port": INT32,
    "protocol": PROTOCOL,
}, required=("port", "protocol"))

CORE.struct("NodeSelectorRequirement", {
    "key": STRING,
    "operator": enum("DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"),
    "values": atomic(STRING),
}, required=("key", "operator"))

CORE.struct("ConfigMapKeySelector", {
    "key": STRING,
    "name": STRING,
    "optional": BOOL,
}, required=("key",), atomic=True)

CORE.struct("ObjectFieldSelector", {
    "apiVersion": STRING,
    "fieldPath": STRING,
}, required=("fieldPath",), atomic=True)

CORE.struct("ResourceFieldSelector", {
    "containerName": STRING,
    "divisor": QUANTITY,
    "resource": STRING,
}, required=("resource",), atomic=True)

CORE.struct("SecretKeySelector", {
    "key": STRING,
    "name": STRING,
    "optional": BOOL,
}, required=("key",), atomic=True)

CORE.struct("SleepAction", {
    "seconds": INT64,
}, required=("seconds",))

CORE.struct("HTTPHeader", {
    "name": STRING,
    "value": STRING,
}, required=("name", "value"))

CORE.struct("ClusterTrustBundleProjection", {
    "labelSelector": META.ref("LabelSelector"),
    "name": STRING,
    "optional": BOOL,
    "path": STRING,
    "signerName": STRING,
}, required=("path",))

CORE.struct("ConfigMapProjection", {
    "items": atomic(CORE.ref("KeyToPath")),
    "name": STRING,
    "optional": BOOL,
})

CORE.struct("DownwardAPIProjection", {
    "items": atomic(CORE.ref("DownwardAPIVolumeFile")),
})

CORE.struct("SecretProjection", {
    "items": atomic(CORE.ref("KeyToPath")),
    "name": STRING,
    "optional": BOOL,
})

CORE.struct("ServiceAccountTokenProjection", {
    "audience": STRING,
    "expirationSeconds": INT64,
    "path": STRING,
}, required=("path",))
