"""The in-tree registry: ONE map from plugin name to factory.

Mirrors ``pkg/scheduler/framework/plugins/registry.go`` (``NewInTreeRegistry``). A factory is
``new(args, handle) -> plugin``: ``args`` is the plugin's entry of the profile's
``pluginConfig`` (a dict, defaulted by :mod:`..config`), ``handle`` the
:class:`~..framework.runtime.Framework`. Out-of-tree plugins (a learner's) are merged into a
copy of this map, as ``app.WithPlugin`` / ``WithFrameworkOutOfTreeRegistry`` do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import (
    default_binder,
    default_preemption,
    image_locality,
    inter_pod_affinity,
    names,
    node_affinity,
    node_name,
    node_ports,
    node_unschedulable,
    pod_topology_spread,
    priority_sort,
    scheduling_gates,
    taint_toleration,
    volume_binding,
    volume_restrictions,
)
from .noderesources import balanced_allocation, fit

__all__ = ["REGISTRY", "PluginFactory", "new_in_tree_registry"]

#: ``PluginFactory``: ``(args, handle) -> plugin``
PluginFactory = Callable[[Mapping[str, Any] | None, Any], Any]

REGISTRY: dict[str, PluginFactory] = {
    names.SCHEDULING_GATES: scheduling_gates.new,
    names.PRIORITY_SORT: priority_sort.new,
    names.NODE_UNSCHEDULABLE: node_unschedulable.new,
    names.NODE_NAME: node_name.new,
    names.TAINT_TOLERATION: taint_toleration.new,
    names.NODE_AFFINITY: node_affinity.new,
    names.NODE_PORTS: node_ports.new,
    names.NODE_RESOURCES_FIT: fit.new,
    names.VOLUME_RESTRICTIONS: volume_restrictions.new,
    names.VOLUME_BINDING: volume_binding.new,
    names.POD_TOPOLOGY_SPREAD: pod_topology_spread.new,
    names.INTER_POD_AFFINITY: inter_pod_affinity.new,
    names.DEFAULT_PREEMPTION: default_preemption.new,
    names.NODE_RESOURCES_BALANCED_ALLOCATION: balanced_allocation.new,
    names.IMAGE_LOCALITY: image_locality.new,
    names.DEFAULT_BINDER: default_binder.new,
}


def new_in_tree_registry() -> dict[str, PluginFactory]:
    """A fresh copy of :data:`REGISTRY` (safe to extend)."""
    return dict(REGISTRY)
