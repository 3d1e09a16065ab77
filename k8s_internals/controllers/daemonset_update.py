"""DaemonSet rolling updates and history: the methods upstream keeps in ``update.go``.

Upstream: ``pkg/controller/daemon/update.go`` (kubernetes/kubernetes) — ``rollingUpdate``,
``findUpdatedPodsOnNode``, ``constructHistory``, ``cleanupHistory``, ``maxRevision``,
``dedupCurHistories``, ``controlledHistories``, ``Match``, ``getPatch``, ``snapshot``,
``updatedDesiredNodeCounts``; ``pkg/controller/controller_utils.go`` ``ComputeHash``. They are
methods of the controller there too; here :class:`DaemonSetUpdateMixin` is mixed into
:class:`~k8s_internals.controllers.daemonset.DaemonSetsController`.

The rolling update without surge (``maxSurge: 0``, ``maxUnavailable: 1``, the defaults), on three
nodes after a template change (hash ``h2``; old pods carry ``h1``)::

    n1: old, available   n2: old, available   n3: old, available
    numUnavailable = 0; candidates = [n1, n2, n3]; delete maxUnavailable - 0 = 1 → n1's pod
    next sync: manage() creates the h2 pod on n1; it is unavailable → numUnavailable = 1 → wait
    n1's new pod Ready → delete n2's old pod; and so on, one node at a time.

With surge (``maxSurge: 1``, ``maxUnavailable: 0``) the new pod is created *next to* the old one
and the old one is deleted once the new one is available.

The revision of a DaemonSet is named ``<ds>-<ComputeHash(template, collisionCount)>``
(:func:`~k8s_internals.controllers.controller_utils.compute_hash`: FNV-1a over the template,
then the collision count, SafeEncoded — the same hash a ReplicaSet's ``pod-template-hash`` uses;
see there how it differs from upstream's bytes). Node order: upstream walks a Go map (random
order); here nodes are walked sorted by name, so runs are reproducible.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..api.selectors import label_selector_as_selector
from ..client.client import ApiError, Client
from ..client.informer import Informer
from ._workload_utils import ControllerRevisionControllerRefManager, is_already_exists
from .controller_utils import compute_hash, is_pod_available
from .daemonset_util import (
    DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY,
    get_template_generation,
    is_pod_updated,
    node_should_run_daemon_pod,
    surge_count,
    unavailable_count,
)
from .history import marshal, raw_data

__all__ = ["DaemonSetUpdateMixin", "get_patch", "match"]

JSON = dict[str, Any]

DAEMON_SET_API_VERSION, DAEMON_SET_KIND = "apps/v1", "DaemonSet"


def get_patch(ds: JSON) -> JSON:
    """``getPatch``: ``{"spec": {"template": {..., "$patch": "replace"}}}``."""
    template = copy.deepcopy((ds.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def match(ds: JSON, history: JSON) -> bool:
    """``Match``: the revision stores exactly this DaemonSet's template (byte-equal patches)."""
    return marshal(get_patch(ds)) == raw_data(history)


def max_revision(histories: list[JSON]) -> int:
    """``maxRevision``."""
    return max((int(h.get("revision") or 0) for h in histories), default=0)


def _revision_hash(history: JSON) -> str:
    return str(((history.get("metadata") or {}).get("labels") or {}).get(
        DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY, ""))


class DaemonSetUpdateMixin:
    """The ``update.go`` half of ``DaemonSetsController``."""

    client: Client
    nodes: Informer
    revisions: Informer

    # provided by the controller
    def get_nodes_to_daemon_pods(self, ds: JSON,
                                 include_deleted_terminal: bool) -> dict[str, list[JSON]]:
        raise NotImplementedError

    def get_daemon_pods(self, ds: JSON) -> list[JSON]:
        raise NotImplementedError

    def sync_nodes(self, ds: JSON, pods_to_delete: list[str], nodes_needing_pods: list[str],
                   hash_: str) -> None:
        raise NotImplementedError

    def can_adopt(self, ds: JSON) -> Callable[[], None]:
        raise NotImplementedError

    def now(self) -> float:
        raise NotImplementedError

    # -- rolling update --------------------------------------------------------------------------

    def rolling_update(self, ds: JSON, node_list: list[JSON], hash_: str) -> None:
        """``rollingUpdate``: old pods to delete (no surge) or nodes to surge onto, within the
        strategy's limits."""
        node_to_pods = self.get_nodes_to_daemon_pods(ds, False)
        max_surge, max_unavailable, desired = self.updated_desired_node_counts(
            ds, node_list, node_to_pods)
        now = self.now()
        min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)

        def available(pod: JSON) -> bool:
            return is_pod_available(pod, min_ready, now)

        if max_surge == 0:
            num_unavailable = 0
            allowed_replacements: list[str] = []
            candidates: list[str] = []
            for node_name in sorted(node_to_pods):
                new, old, ok = find_updated_pods_on_node(ds, node_to_pods[node_name], hash_)
                if not ok:
                    num_unavailable += 1  # excess pods: the manage loop cleans up first
                    continue
                if (old is None) == (new is None):
                    num_unavailable += 1  # nothing yet, or both: manage() will act
                elif new is not None:
                    if not available(new):
                        num_unavailable += 1
                elif old is not None and not available(old):
                    allowed_replacements.append(old["metadata"]["name"])
                    num_unavailable += 1
                elif num_unavailable >= max_unavailable:
                    continue
                elif old is not None:
                    candidates.append(old["metadata"]["name"])
            remaining = max(0, min(max_unavailable - num_unavailable, len(candidates)))
            self.sync_nodes(ds, allowed_replacements + candidates[:remaining], [], hash_)
            return

        # surging: create new pods next to old ones, delete the old ones once the new are
        # available
        old_to_delete: list[str] = []
        should_not_run_to_delete: list[str] = []
        candidate_new_nodes: list[str] = []
        allowed_new_nodes: list[str] = []
        num_surge = num_available = 0
        for node_name in sorted(node_to_pods):
            new, old, ok = find_updated_pods_on_node(ds, node_to_pods[node_name], hash_)
            if not ok:
                num_surge += 1
                continue
            if old is not None:
                num_available += available(old)
            elif new is not None:
                num_available += available(new)
            if old is None:
                continue  # the manage loop handles this node
            if new is None:
                node = self.nodes.get(node_name)
                should_run = node is not None and node_should_run_daemon_pod(node, ds)[0]
                if not available(old):
                    if not should_run:
                        old_to_delete.append(old["metadata"]["name"])
                        continue
                    allowed_new_nodes.append(node_name)
                    continue
                if not should_run:
                    should_not_run_to_delete.append(old["metadata"]["name"])
                    continue
                if num_surge >= max_surge:
                    continue
                candidate_new_nodes.append(node_name)
                continue
            if not available(new):
                num_surge += 1  # waiting for the surged pod to become available
                continue
            old_to_delete.append(old["metadata"]["name"])  # the new pod is available
        remaining_surge = max_surge - num_surge
        # keep 100% availability when the constraints move pods from node A to node B
        deletable = min(num_available - desired, len(should_not_run_to_delete))
        if deletable > 0:
            old_to_delete += should_not_run_to_delete[:deletable]
        remaining_surge = max(0, min(remaining_surge, len(candidate_new_nodes)))
        self.sync_nodes(ds, old_to_delete,
                        allowed_new_nodes + candidate_new_nodes[:remaining_surge], hash_)

    def updated_desired_node_counts(self, ds: JSON, node_list: list[JSON],
                                    node_to_pods: dict[str, list[JSON]]) -> tuple[int, int, int]:
        """``updatedDesiredNodeCounts``: (maxSurge, maxUnavailable, desiredNumberScheduled); every
        node that should run a pod gets an entry in ``node_to_pods``. Both limits 0 → 1
        unavailable."""
        desired = 0
        for node in node_list:
            if not node_should_run_daemon_pod(node, ds)[0]:
                continue
            desired += 1
            node_to_pods.setdefault(node["metadata"]["name"], [])
        try:
            max_unavailable = unavailable_count(ds, desired)
        except ValueError as exc:
            raise ValueError(f"invalid value for MaxUnavailable: {exc}") from exc
        try:
            max_surge = surge_count(ds, desired)
        except ValueError as exc:
            raise ValueError(f"invalid value for MaxSurge: {exc}") from exc
        if desired > 0 and max_unavailable == 0 and max_surge == 0:
            max_unavailable = 1
        return max_surge, max_unavailable, desired

    # -- history ---------------------------------------------------------------------------------

    def construct_history(self, ds: JSON) -> tuple[JSON, list[JSON]]:
        """``constructHistory``: (current revision, old revisions); creates the current one, or
        renumbers it to ``max(old) + 1``, and deduplicates."""
        current_histories: list[JSON] = []
        old: list[JSON] = []
        for history in self.controlled_histories(ds):
            labels = (history.get("metadata") or {}).get("labels") or {}
            if DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY not in labels:
                to_update = copy.deepcopy(history)
                to_update["metadata"].setdefault("labels", {})[
                    DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY] = to_update["metadata"]["name"]
                history = self.client.update("controllerrevisions", to_update)
            (current_histories if match(ds, history) else old).append(history)
        curr_revision = max_revision(old) + 1
        if not current_histories:
            cur = self.snapshot(ds, curr_revision)
        else:
            cur = self.dedup_cur_histories(ds, current_histories)
            if int(cur.get("revision") or 0) < curr_revision:
                to_update = copy.deepcopy(cur)
                to_update["revision"] = curr_revision
                self.client.update("controllerrevisions", to_update)
        return cur, old

    def cleanup_history(self, ds: JSON, old: list[JSON]) -> None:
        """``cleanupHistory``: delete the oldest revisions no pod uses, down to
        ``revisionHistoryLimit``."""
        node_to_pods = self.get_nodes_to_daemon_pods(ds, True)
        to_kill = len(old) - int((ds.get("spec") or {}).get("revisionHistoryLimit", 10))
        if to_kill <= 0:
            return
        live_hashes = {h for pods in node_to_pods.values() for p in pods
                       if (h := ((p.get("metadata") or {}).get("labels") or {}).get(
                           DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY))}
        for history in sorted(old, key=lambda h: int(h.get("revision") or 0)):
            if to_kill <= 0:
                break
            if _revision_hash(history) in live_hashes:
                continue
            meta = history["metadata"]
            self.client.delete("controllerrevisions", meta["name"], meta.get("namespace", ""))
            to_kill -= 1

    def dedup_cur_histories(self, ds: JSON, cur_histories: list[JSON]) -> JSON:
        """``dedupCurHistories``: keep the highest revision, relabel pods to it, delete the
        duplicates."""
        if len(cur_histories) == 1:
            return cur_histories[0]
        keep = cur_histories[0]
        for cur in cur_histories:
            if int(cur.get("revision") or 0) >= int(keep.get("revision") or 0):
                keep = cur
        keep_hash = _revision_hash(keep)
        for pod in self.get_daemon_pods(ds):
            labels = (pod.get("metadata") or {}).get("labels") or {}
            if labels.get(DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY) != keep_hash:
                self.client.patch("pods", pod["metadata"]["name"],
                                  {"metadata": {"labels": {
                                      DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY: keep_hash}}},
                                  ds["metadata"].get("namespace", ""))
        for cur in cur_histories:
            if cur["metadata"]["name"] != keep["metadata"]["name"]:
                self.client.delete("controllerrevisions", cur["metadata"]["name"],
                                   ds["metadata"].get("namespace", ""))
        return keep

    def controlled_histories(self, ds: JSON) -> list[JSON]:
        """``controlledHistories``: ``ClaimControllerRevisions`` over the namespace's revisions."""
        selector = label_selector_as_selector((ds.get("spec") or {}).get("selector"))
        manager = ControllerRevisionControllerRefManager(
            self.client, ds, selector, DAEMON_SET_API_VERSION, DAEMON_SET_KIND,
            self.can_adopt(ds))
        return manager.claim_controller_revisions(
            self.revisions.list(ds["metadata"].get("namespace", "")))

    def snapshot(self, ds: JSON, revision: int) -> JSON:
        """``snapshot``: create revision ``<ds>-<hash>``; on a name clash with different data,
        bump ``status.collisionCount`` and fail (the retry gets a new name)."""
        meta = ds["metadata"]
        ns = meta.get("namespace", "")
        collision_count = (ds.get("status") or {}).get("collisionCount")
        hash_ = compute_hash((ds.get("spec") or {}).get("template") or {}, collision_count)
        name = f"{meta['name']}-{hash_}"
        template_labels = (((ds.get("spec") or {}).get("template") or {}).get("metadata")
                           or {}).get("labels") or {}
        history: JSON = {
            "apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {"name": name, "namespace": ns,
                         "labels": {**template_labels, DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY: hash_},
                         "ownerReferences": [{
                             "apiVersion": DAEMON_SET_API_VERSION, "kind": DAEMON_SET_KIND,
                             "name": meta["name"], "uid": meta.get("uid", ""),
                             "controller": True, "blockOwnerDeletion": True}]},
            "data": get_patch(ds),
            "revision": revision,
        }
        if meta.get("annotations"):
            history["metadata"]["annotations"] = dict(meta["annotations"])
        try:
            return self.client.create("controllerrevisions", history, ns)
        except ApiError as exc:
            if not is_already_exists(exc):
                raise
            outer = exc
        existed = self.client.get("controllerrevisions", name, ns)
        if match(ds, existed):
            return existed
        curr = self.client.get("daemonsets", meta["name"], ns)
        curr_count = (curr.get("status") or {}).get("collisionCount")
        if curr_count != collision_count:
            raise RuntimeError(f"found a stale collision count ({collision_count}, expected "
                               f"{curr_count}) of DaemonSet {meta['name']!r} while processing; "
                               "will retry until it is updated")
        curr.setdefault("status", {})["collisionCount"] = int(curr_count or 0) + 1
        self.client.update_status("daemonsets", curr)
        raise outer


def find_updated_pods_on_node(ds: JSON, pods: list[JSON],
                              hash_: str) -> tuple[JSON | None, JSON | None, bool]:
    """``findUpdatedPodsOnNode``: (new pod, old pod, ok) among the non-deleted pods; not ok when
    there are two new or two old ones."""
    new = old = None
    generation = get_template_generation(ds)
    for pod in pods:
        if (pod.get("metadata") or {}).get("deletionTimestamp"):
            continue
        if is_pod_updated(pod, hash_, generation):
            if new is not None:
                return None, None, False
            new = pod
        else:
            if old is not None:
                return None, None, False
            old = pod
    return new, old, True
