"""The scheduler's cache: one :class:`~.framework.types.NodeInfo` per node, built from the
node and pod informers, plus the pods the scheduler has *assumed* onto a node before the
binding is confirmed by a watch event.

Mirrors ``pkg/scheduler/backend/cache/`` (``internal/cache`` in older releases):

- ``cache.go`` — ``AssumePod`` (add the pod to its node's info right after the scheduling
  cycle, so the next pod sees the resources as taken), ``FinishBinding``, ``ForgetPod``,
  ``AddPod`` (an assigned pod arrives from the informer: confirms an assumed pod, moving it if it
  landed elsewhere), ``UpdatePod``, ``RemovePod``, ``AddNode``/``UpdateNode``/``RemoveNode``
  and the image states (``addNodeImageStates``: image name → size and the set of nodes that have
  it);
- ``node_tree.go`` — the node order: zones in order of appearance, nodes interleaved one per
  zone (``nodeTree.list``), so that the round-robin search spreads over zones;
- ``snapshot.go`` — the lister view the plugins read (``list``, ``get``,
  ``have_pods_with_affinity_list``, ``have_pods_with_required_anti_affinity_list``).

Simplifications: upstream copies changed NodeInfos into a separate ``Snapshot`` at the start of
each cycle (``UpdateSnapshot``) because informers run concurrently with the scheduling
goroutine. Here everything runs on the one kernel thread, so the cache's NodeInfos are the
snapshot; the list order is recomputed when nodes are added or removed, as upstream's
``updateAllLists``. Assumed pods never expire (upstream's ``durationToExpireAssumedPod`` is 0
too). Image ``num_nodes`` is always current (upstream's snapshot copy can lag for nodes that did
not change).

For the fast path (:mod:`.fastpath`) the cache keeps ``changes``: ``(generation, node name)``
for every NodeInfo mutation (a consumer remembers the absolute position it has read up to),
plus ``list_version`` (node set/order) and ``image_version``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .framework.types import ImageStateSummary, NodeInfo, PodInfo
from .util import pod_key

__all__ = ["Cache", "NodeTree", "zone_key"]

Obj = dict[str, Any]

ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
REGION_LABELS = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")

#: how many ``changes`` entries to keep before trimming (consumers then do a full resync)
MAX_CHANGES = 200_000


def zone_key(node: Mapping[str, Any]) -> str:
    """``utilnode.GetZoneKey``: ``region + ":\\x00:" + zone``, or ``""`` without both."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    zone = next((labels[k] for k in ZONE_LABELS if labels.get(k)), "")
    region = next((labels[k] for k in REGION_LABELS if labels.get(k)), "")
    if not zone and not region:
        return ""
    return f"{region}:\x00:{zone}"


class NodeTree:
    """``nodeTree``: node names per zone; :meth:`list` interleaves the zones."""

    def __init__(self) -> None:
        self.tree: dict[str, list[str]] = {}
        self.zones: list[str] = []
        self.num_nodes = 0

    def add_node(self, node: Mapping[str, Any]) -> None:
        zone = zone_key(node)
        name = node["metadata"]["name"]
        names = self.tree.get(zone)
        if names is None:
            self.zones.append(zone)
            self.tree[zone] = [name]
        elif name not in names:
            names.append(name)
        else:
            return
        self.num_nodes += 1

    def remove_node(self, node: Mapping[str, Any]) -> None:
        zone = zone_key(node)
        name = node["metadata"]["name"]
        names = self.tree.get(zone)
        if names is None or name not in names:
            return
        names.remove(name)
        if not names:
            del self.tree[zone]
            self.zones.remove(zone)
        self.num_nodes -= 1

    def update_node(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        if zone_key(old) == zone_key(new):
            return
        self.remove_node(old)
        self.add_node(new)

    def list(self) -> list[str]:
        """Round-robin over zones: the i-th node of each zone, for i = 0, 1, ..."""
        out: list[str] = []
        longest = max((len(v) for v in self.tree.values()), default=0)
        for i in range(longest):
            for zone in self.zones:
                names = self.tree[zone]
                if i < len(names):
                    out.append(names[i])
        return out


class Cache:
    """The scheduler cache and its snapshot view (see the module docstring)."""

    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        self.node_tree = NodeTree()
        #: key → the pod as cached (upstream's ``podStates``; no per-pod record object: the
        #: cache keeps one entry per pod for the life of the pod)
        self.pod_states: dict[str, Obj] = {}
        self.assumed_pods: set[str] = set()
        #: the assumed pods whose bind call returned (upstream ``podState.bindingFinished``)
        self.binding_finished: set[str] = set()
        self.image_states: dict[str, ImageStateSummary] = {}
        self.list_version = 0
        self.image_version = 0
        self.changes: list[tuple[int, str]] = []
        #: how many entries were trimmed from the front of ``changes`` (absolute positions:
        #: ``changes_base + index``)
        self.changes_base = 0
        self._list: list[NodeInfo] | None = None
        self._affinity_list: list[NodeInfo] | None = None
        self._anti_affinity_list: list[NodeInfo] | None = None

    # -- snapshot / lister view ---------------------------------------------------------------

    def list(self) -> list[NodeInfo]:
        """``NodeInfos().List()``: node infos in node-tree order (do not modify the list)."""
        if self._list is None:
            self._list = [self.nodes[n] for n in self.node_tree.list()]
        return self._list

    def get(self, name: str) -> NodeInfo:
        """``NodeInfos().Get``."""
        ni = self.nodes.get(name)
        if ni is None or ni.node is None:
            raise KeyError(f'nodeinfo not found for node name "{name}"')
        return ni

    def num_nodes(self) -> int:
        return self.node_tree.num_nodes

    def have_pods_with_affinity_list(self) -> list[NodeInfo]:
        if self._affinity_list is None:
            self._affinity_list = [n for n in self.list() if n.pods_with_affinity]
        return self._affinity_list

    def have_pods_with_required_anti_affinity_list(self) -> list[NodeInfo]:
        if self._anti_affinity_list is None:
            self._anti_affinity_list = [n for n in self.list()
                                        if n.pods_with_required_anti_affinity]
        return self._anti_affinity_list

    # -- bookkeeping ----------------------------------------------------------------------------

    def _changed(self, ni: NodeInfo, name: str, affinity: bool = False) -> None:
        self.changes.append((ni.generation, name))
        if len(self.changes) > MAX_CHANGES:
            drop = len(self.changes) // 2
            self.changes_base += drop
            del self.changes[:drop]
        if affinity:
            self._affinity_list = None
            self._anti_affinity_list = None

    def _list_changed(self) -> None:
        self._list = None
        self._affinity_list = None
        self._anti_affinity_list = None
        self.list_version += 1

    def _node_info(self, name: str) -> NodeInfo:
        ni = self.nodes.get(name)
        if ni is None:
            ni = self.nodes[name] = NodeInfo()
        return ni

    @staticmethod
    def _has_affinity(pod: Obj) -> bool:
        a = (pod.get("spec") or {}).get("affinity") or {}
        return bool(a.get("podAffinity") or a.get("podAntiAffinity"))

    def _add_pod(self, pod: Obj, pod_info: PodInfo | None = None) -> None:
        name = pod["spec"]["nodeName"]
        ni = self._node_info(name)
        ni.add_pod_info(pod_info if pod_info is not None and pod_info.pod is pod
                        else PodInfo(pod))
        self._changed(ni, name, self._has_affinity(pod))

    def _remove_pod(self, pod: Obj) -> PodInfo | None:
        """Take ``pod`` off its node; returns its info (None if it was not there)."""
        name = pod["spec"]["nodeName"]
        ni = self.nodes.get(name)
        if ni is None:
            return None
        try:
            removed = ni.remove_pod(pod)
        except KeyError:
            return None
        self._changed(ni, name, self._has_affinity(pod))
        if not ni.pods and ni.node is None:
            del self.nodes[name]
        return removed

    # -- pods -----------------------------------------------------------------------------------

    def assume_pod(self, pod: Obj, pod_info: PodInfo | None = None) -> None:
        """``AssumePod``: ``pod`` has ``spec.nodeName`` set to the chosen node."""
        key = pod_key(pod)
        if key in self.pod_states:
            raise ValueError(f"pod {key} is in the cache, so can't be assumed")
        self._add_pod(pod, pod_info)
        self.pod_states[key] = pod
        self.assumed_pods.add(key)

    def finish_binding(self, pod: Obj) -> None:
        """``FinishBinding``: the bind call returned (the informer has not confirmed yet)."""
        key = pod_key(pod)
        if key in self.pod_states and key in self.assumed_pods:
            self.binding_finished.add(key)

    def forget_pod(self, pod: Obj) -> None:
        """``ForgetPod``: undo an assumption (the binding failed)."""
        key = pod_key(pod)
        st = self.pod_states.get(key)
        if st is not None and st["spec"].get("nodeName") != pod["spec"].get("nodeName"):
            raise ValueError(f"pod {key} was assumed on {pod['spec'].get('nodeName')} but "
                             f"assigned to {st['spec'].get('nodeName')}")
        if key not in self.assumed_pods:
            raise ValueError(f"pod {key} wasn't assumed so cannot be forgotten")
        self._remove_pod(st if st is not None else pod)
        self.pod_states.pop(key, None)
        self.assumed_pods.discard(key)
        self.binding_finished.discard(key)

    def is_assumed_pod(self, pod: Obj) -> bool:
        return pod_key(pod) in self.assumed_pods

    def get_pod(self, pod: Obj) -> Obj | None:
        return self.pod_states.get(pod_key(pod))

    def add_pod(self, pod: Obj) -> None:
        """``AddPod``: an assigned pod from the informer (confirms an assumed pod)."""
        key = pod_key(pod)
        st = self.pod_states.get(key)
        if st is not None and key in self.assumed_pods:
            # replace the assumed copy by the informer's object (on whichever node it landed)
            removed = self._remove_pod(st)
            self._add_pod(pod, removed.for_pod(pod) if removed is not None else None)
            self.assumed_pods.discard(key)
            self.binding_finished.discard(key)
            self.pod_states[key] = pod
            return
        if st is None:
            self._add_pod(pod)
            self.pod_states[key] = pod
            return
        raise ValueError(f"pod {key} was already in added state")

    def update_pod(self, old: Obj, new: Obj) -> None:
        """``UpdatePod``: an assigned pod changed (e.g. its labels or resources)."""
        key = pod_key(old)
        st = self.pod_states.get(key)
        if st is None or key in self.assumed_pods:
            raise ValueError(f"pod {key} is not added to scheduler cache, so cannot be updated")
        self._remove_pod(st)
        self._add_pod(new)
        self.pod_states[key] = new

    def remove_pod(self, pod: Obj) -> None:
        """``RemovePod``."""
        key = pod_key(pod)
        st = self.pod_states.get(key)
        if st is None:
            raise ValueError(f"pod {key} is not found in scheduler cache, so cannot be "
                             "removed from it")
        self._remove_pod(st)
        self.pod_states.pop(key, None)
        self.assumed_pods.discard(key)
        self.binding_finished.discard(key)

    def pod_count(self) -> int:
        return len(self.pod_states)

    # -- nodes ----------------------------------------------------------------------------------

    def _add_images(self, node: Obj, ni: NodeInfo) -> bool:
        changed = False
        name = node["metadata"]["name"]
        summaries: dict[str, ImageStateSummary] = {}
        for image in (node.get("status") or {}).get("images") or ():
            size = int(image.get("sizeBytes") or 0)
            for img in image.get("names") or ():
                state = self.image_states.get(img)
                if state is None:
                    state = self.image_states[img] = ImageStateSummary(size)
                if name not in state.nodes:
                    state.nodes.add(name)
                    changed = True
                summaries[img] = state
        ni.image_states = summaries
        return changed

    def _remove_images(self, node: Obj) -> bool:
        changed = False
        name = node["metadata"]["name"]
        for image in (node.get("status") or {}).get("images") or ():
            for img in image.get("names") or ():
                state = self.image_states.get(img)
                if state is not None and name in state.nodes:
                    state.nodes.discard(name)
                    changed = True
                    if not state.nodes:
                        del self.image_states[img]
        return changed

    def add_node(self, node: Obj) -> NodeInfo:
        """``AddNode``."""
        name = node["metadata"]["name"]
        ni = self._node_info(name)
        if ni.node is not None:
            return self.update_node(ni.node, node)
        if self._add_images(node, ni):
            self.image_version += 1
        self.node_tree.add_node(node)
        ni.set_node(node)
        self._changed(ni, name)
        self._list_changed()
        return ni

    def update_node(self, old: Obj, new: Obj) -> NodeInfo:
        """``UpdateNode``."""
        name = new["metadata"]["name"]
        ni = self._node_info(name)
        if ni.node is None:
            return self.add_node(new)
        old = ni.node
        if (old.get("status") or {}).get("images") != (new.get("status") or {}).get("images"):
            self._remove_images(old)
            self._add_images(new, ni)
            self.image_version += 1
        self.node_tree.update_node(old, new)
        if zone_key(old) != zone_key(new):
            self._list_changed()
        ni.set_node(new)
        self._changed(ni, name)
        return ni

    def remove_node(self, node: Obj) -> None:
        """``RemoveNode``: the NodeInfo stays while pods still reference it."""
        name = node["metadata"]["name"]
        ni = self.nodes.get(name)
        if ni is None or ni.node is None:
            raise KeyError(f"node {name} is not found")
        if self._remove_images(ni.node):
            self.image_version += 1
        self.node_tree.remove_node(ni.node)
        ni.remove_node()
        ni.image_states = {}
        self._changed(ni, name)
        if not ni.pods:
            del self.nodes[name]
        self._list_changed()

    def dump(self) -> dict[str, Any]:
        """A summary for notebooks: nodes with their pod count and requests, assumed pods."""
        return {
            "nodes": {ni.name: {"pods": [p.key for p in ni.pods],
                                "requested": {"cpu": f"{ni.requested.milli_cpu}m",
                                              "memory": ni.requested.memory},
                                "allocatable": {"cpu": f"{ni.allocatable.milli_cpu}m",
                                                "memory": ni.allocatable.memory,
                                                "pods": ni.allocatable.allowed_pod_number}}
                      for ni in self.list()},
            "assumedPods": sorted(self.assumed_pods),
        }
