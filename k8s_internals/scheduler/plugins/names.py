"""The in-tree plugin names, as ``pkg/scheduler/framework/plugins/names/names.go``.

These strings are what a ``KubeSchedulerConfiguration`` names, what explain records and what
the annotations show.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_BINDER",
    "DEFAULT_PREEMPTION",
    "IMAGE_LOCALITY",
    "INTER_POD_AFFINITY",
    "NODE_AFFINITY",
    "NODE_NAME",
    "NODE_PORTS",
    "NODE_RESOURCES_BALANCED_ALLOCATION",
    "NODE_RESOURCES_FIT",
    "NODE_UNSCHEDULABLE",
    "POD_TOPOLOGY_SPREAD",
    "PRIORITY_SORT",
    "SCHEDULING_GATES",
    "TAINT_TOLERATION",
    "VOLUME_BINDING",
    "VOLUME_RESTRICTIONS",
]

PRIORITY_SORT = "PrioritySort"
DEFAULT_BINDER = "DefaultBinder"
DEFAULT_PREEMPTION = "DefaultPreemption"
IMAGE_LOCALITY = "ImageLocality"
INTER_POD_AFFINITY = "InterPodAffinity"
NODE_AFFINITY = "NodeAffinity"
NODE_NAME = "NodeName"
NODE_PORTS = "NodePorts"
NODE_RESOURCES_BALANCED_ALLOCATION = "NodeResourcesBalancedAllocation"
NODE_RESOURCES_FIT = "NodeResourcesFit"
NODE_UNSCHEDULABLE = "NodeUnschedulable"
POD_TOPOLOGY_SPREAD = "PodTopologySpread"
SCHEDULING_GATES = "SchedulingGates"
TAINT_TOLERATION = "TaintToleration"
VOLUME_BINDING = "VolumeBinding"
VOLUME_RESTRICTIONS = "VolumeRestrictions"
