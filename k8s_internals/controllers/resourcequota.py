"""The ResourceQuota controller: keep every ResourceQuota's ``status.hard`` equal to its
``spec.hard`` and its ``status.used`` equal to what its namespace really holds.

Upstream: ``pkg/controller/resourcequota/resource_quota_controller.go`` (``Controller``:
``addQuota``, the update handler, ``enqueueAll``, ``worker``, ``syncResourceQuotaFromKey``,
``syncResourceQuota``, ``replenishQuota``, ``GetQuotableResources``) and
``resource_quota_monitor.go`` (``QuotaMonitor``: ``controllerFor``, ``SyncMonitors``), started
as ``cmd/kube-controller-manager/app/core.go`` ``startResourceQuotaController`` does: the
evaluators of :mod:`k8s_internals.quota` reading the shared informers,
``--resource-quota-sync-period`` 5m, ``--concurrent-resource-quota-syncs`` 5, the default
update filter, ``events`` ignored.

Two queues feed the same sync:

- ``missing_usage_queue`` (``resourcequota_priority``): a quota whose ``spec.hard`` is not yet
  in ``status.hard``, or whose ``status.hard`` names a resource that has no ``status.used`` and
  that some evaluator can measure — a new quota, or a changed ``spec.hard``;
- ``queue`` (``resourcequota_primary``): every other added quota, the periodic full
  recalculation (``enqueueAll`` every sync period) and the *replenishment* from the monitors.

Updates of a quota that do not change ``spec.hard`` are ignored: its status is written by this
controller and by the ResourceQuota admission plugin, which charges each object it admits.
What admission cannot see is usage going *away*; the quota monitor watches every quotable
resource (namespaced, with create/list/watch/delete) and, when an object is deleted or updated
in a way that releases usage (``install.DefaultUpdateFilter``: a pod that finished or is stuck
terminating, a service changing type, a claim whose allocated storage changed), queues the
quotas of its namespace that track the resource (``replenishQuota``).

``syncResourceQuota`` for one quota::

    used  = status.used, overwritten by CalculateUsage(namespace, scopes, spec.hard) from the
            informer caches, masked to the resources of spec.hard
    dirty = spec.hard != status.hard, or no status.hard / status.used yet,
            or used != status.used                                     (quota.Equals)
    dirty → PUT resourcequotas/<name>/status {hard: spec.hard, used}   (as resourcequota-controller)

On start, after the caches sync, every quota is queued at once and then every sync period
(``wait.Until(enqueueAll, resyncPeriod)``).

Simplifications: the resources are read once from the built-in resource table (upstream
re-runs discovery every 30 s to monitor new kinds); the monitors call ``replenishQuota``
directly (upstream queues the change on ``resource_quota_controller_resource_changes`` and one
goroutine replenishes), which still only queues quota keys; the quota informer has no resync
of its own (``enqueueAll`` covers it); core and ``events.k8s.io`` events are both ignored
(one informer serves both here); no workerLock (monitors never change after start).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from ..api.admission._common import ResourceList, aggregate, mask, resource_list, to_json
from ..api.resources import RESOURCES, ResourceInfo
from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.informer import Informer, InformerFactory
from ..quota import (
    ObjectCountEvaluator,
    Registry,
    calculate_usage,
    default_update_filter,
    equals,
    new_evaluators,
)
from ..quota.generic import ListFunc
from ..sim import Kernel
from .base import Controller, key_of
from .queues import SyncQueue

__all__ = [
    "DEFAULT_IGNORED_RESOURCES",
    "RESOURCE_QUOTA_SYNC_PERIOD",
    "QuotaMonitor",
    "ResourceQuotaController",
    "quotable_resources",
]

Obj = dict[str, Any]
#: ``ReplenishmentFunc``: ``(group, resource, namespace)``
ReplenishmentFunc = Callable[[str, str, str], None]
#: ``UpdateFilter``: ``(group, resource, old, new)`` → recalculate?
UpdateFilter = Callable[[str, str, Obj, Obj], bool]

#: ``--resource-quota-sync-period`` (``ResourceQuotaSyncPeriod``: 5 minutes)
RESOURCE_QUOTA_SYNC_PERIOD = 300.0
#: ``--concurrent-resource-quota-syncs``
CONCURRENT_RESOURCE_QUOTA_SYNCS = 5
#: ``WaitForCacheSync`` polls every 100 ms
_CACHE_SYNC_POLL = 0.1
#: ``install.DefaultIgnoredResources`` (core events), plus ``events.k8s.io`` events, which
#: share the ``events`` informer here
DEFAULT_IGNORED_RESOURCES = frozenset({("", "events"), ("events.k8s.io", "events")})


def quotable_resources(ignored: Iterable[tuple[str, str]] = DEFAULT_IGNORED_RESOURCES
                       ) -> list[ResourceInfo]:
    """``GetQuotableResources``: namespaced resources supporting create, list, watch and
    delete (``ServerPreferredNamespacedResources`` filtered by verbs), less the ignored ones."""
    skip = set(ignored)
    out: list[ResourceInfo] = []
    seen: set[tuple[str, str]] = set()
    for info in RESOURCES:
        gr = (info.group, info.plural)
        if (not info.namespaced or not info.persisted or gr in skip or gr in seen
                or not {"create", "list", "watch", "delete"} <= set(info.verbs)):
            continue
        seen.add(gr)
        out.append(info)
    return out


class QuotaMonitor:
    """``QuotaMonitor``: one monitor (a shared informer's handlers) per quotable resource; a
    deletion, or an update the filter says releases usage, replenishes the namespace's quotas.
    ``sync_monitors`` also registers an object-count evaluator for each resource the registry
    has none for (``count/deployments.apps``...)."""

    def __init__(self, informer: Callable[[str], Informer], registry: Registry,
                 replenish: ReplenishmentFunc, update_filter: UpdateFilter | None,
                 ignored: Iterable[tuple[str, str]] = DEFAULT_IGNORED_RESOURCES) -> None:
        self.informer = informer
        self.registry = registry
        self.replenish = replenish
        self.update_filter = update_filter
        self.ignored = frozenset(ignored)
        self.monitors: dict[tuple[str, str], Informer] = {}

    def lister_for(self, group: str, resource: str) -> ListFunc:
        """``ListerFuncForResourceFunc``: the shared informer's cache, by namespace."""
        inf = self.informer(resource)
        return inf.list

    def sync_monitors(self, resources: Iterable[ResourceInfo]) -> None:
        """``SyncMonitors`` (monitors are only added: the resource table never shrinks)."""
        for info in resources:
            gr = (info.group, info.plural)
            if gr in self.ignored or gr in self.monitors:
                continue
            self.monitors[gr] = self._controller_for(info)
            if self.registry.get(*gr) is None:
                self.registry.add(ObjectCountEvaluator(
                    info.group, info.plural, "", self.lister_for(*gr)))

    def _controller_for(self, info: ResourceInfo) -> Informer:
        """``controllerFor``: handlers on the shared informer."""
        group, resource = info.group, info.plural

        def on_update(old: Obj, new: Obj) -> None:
            if self.update_filter is not None and self.update_filter(group, resource, old, new):
                self.replenish(group, resource, _namespace(new))

        def on_delete(obj: Any) -> None:
            if isinstance(obj, DeletedFinalStateUnknown):
                obj = obj.obj
            self.replenish(group, resource, _namespace(obj))

        inf = self.informer(resource)
        inf.add_event_handler(on_update=on_update, on_delete=on_delete)
        return inf

    def is_synced(self) -> bool:
        """``IsSynced``: there are monitors and every one has synced."""
        return bool(self.monitors) and all(m.has_synced() for m in self.monitors.values())


def _namespace(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "")


class ResourceQuotaController(Controller):
    """``resourcequota.Controller``."""

    name = "resourcequota-controller"
    workers = CONCURRENT_RESOURCE_QUOTA_SYNCS

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 resync_period: float = RESOURCE_QUOTA_SYNC_PERIOD,
                 ignored_resources: Iterable[tuple[str, str]] = DEFAULT_IGNORED_RESOURCES,
                 update_filter: UpdateFilter | None = None) -> None:
        super().__init__(client, kernel, factory)
        self.resync_period = resync_period
        ignored = frozenset(ignored_resources)
        #: ``missingUsageQueue``: quotas missing usage, synced first
        self.missing_usage_queue: SyncQueue[str] = SyncQueue(
            kernel, "resourcequota_priority", lambda key: self.sync_handler(key),
            workers=self.workers)
        self.quotas = self.informer("resourcequotas")
        self.quotas.add_event_handler(on_add=self.add_quota, on_update=self.update_quota,
                                      on_delete=self.enqueue)
        self.registry = Registry()
        self.quota_monitor = QuotaMonitor(
            self.informer, self.registry, self.replenish_quota,
            update_filter if update_filter is not None else default_update_filter(
                kernel.datetime),
            ignored)
        for evaluator in new_evaluators(self.quota_monitor.lister_for, kernel.datetime):
            self.registry.add(evaluator)
        self.quota_monitor.sync_monitors(quotable_resources(ignored))
        self._resync_timer: Any = None
        self._sync_wait: Any = None
        self._running = False

    # -- handlers --------------------------------------------------------------------------------

    def add_quota(self, rq: Obj) -> None:
        """``addQuota``: a quota whose intent is not yet in its status goes to the priority
        queue, any other to the primary one."""
        key = key_of(rq)
        spec_hard = resource_list((rq.get("spec") or {}).get("hard"))
        status = rq.get("status") or {}
        status_hard = resource_list(status.get("hard"))
        if not equals(spec_hard, status_hard):
            self._enqueue_missing_usage(key)
            return
        used = status.get("used") or {}
        for constraint in sorted(status_hard):
            if constraint in used:
                continue
            if any(e.matching_resources([constraint]) for e in self.registry.list()):
                self._enqueue_missing_usage(key)
                return
        self.enqueue_key(key)

    def update_quota(self, old: Obj, new: Obj) -> None:
        """Only a change of ``spec.hard`` matters: status updates are this controller's (and
        admission's) own, and a full recalculation is ``enqueue_all``'s job."""
        old_hard = resource_list((old.get("spec") or {}).get("hard"))
        new_hard = resource_list((new.get("spec") or {}).get("hard"))
        if equals(old_hard, new_hard):
            return
        self.add_quota(new)

    def _enqueue_missing_usage(self, key: str) -> None:
        self.missing_usage_queue.add(key)

    def enqueue_all(self) -> None:
        """``enqueueAll``: every quota, for a full recalculation (each sync period)."""
        for rq in sorted(self.quotas.list(), key=key_of):
            self.enqueue(rq)

    def replenish_quota(self, group: str, resource: str, namespace: str) -> None:
        """``replenishQuota``: something of ``group/resource`` in ``namespace`` went away or
        released usage; queue the namespace's quotas whose ``status.hard`` tracks it."""
        evaluator = self.registry.get(group, resource)
        if evaluator is None or not namespace:
            return
        for rq in sorted(self.quotas.list(namespace), key=key_of):
            names = sorted((rq.get("status") or {}).get("hard") or {})
            if evaluator.matching_resources(names):
                self.enqueue(rq)

    # -- running ---------------------------------------------------------------------------------

    def run(self) -> None:
        """``Run``: start the informers, wait for the quota informer and every monitor to
        sync (``WaitForCacheSync``), then the workers of both queues and the resync timer."""
        self._running = True
        self.factory.start()
        self._start_when_synced()

    def _start_when_synced(self) -> None:
        self._sync_wait = None
        if not self._running:
            return
        if not (self.quotas.has_synced() and self.quota_monitor.is_synced()):
            self._sync_wait = self.kernel.call_later(
                _CACHE_SYNC_POLL, self._start_when_synced, name=f"{self.name} cache sync")
            return
        super().run()
        self.missing_usage_queue.start()
        if self._resync_timer is None:
            # ``wait.Until(enqueueAll, resyncPeriod)``: at once, then every period
            self.enqueue_all()
            self._resync_timer = self.kernel.every(self.resync_period, self.enqueue_all,
                                                   name=f"{self.name} resync")

    def stop(self) -> None:
        self._running = False
        super().stop()
        self.missing_usage_queue.stop()
        for timer in (self._resync_timer, self._sync_wait):
            if timer is not None:
                timer.cancel()
        self._resync_timer = self._sync_wait = None

    # -- sync ------------------------------------------------------------------------------------

    def sync(self, key: str) -> None:
        """``syncResourceQuotaFromKey``: a deleted quota needs nothing."""
        rq = self.quotas.get(key)
        if rq is None:
            return
        self.sync_resource_quota(rq)

    def sync_resource_quota(self, rq: Obj) -> None:
        """``syncResourceQuota``: recalculate ``status.used`` from the caches, set
        ``status.hard = spec.hard`` and write the status only if something changed."""
        spec = rq.get("spec") or {}
        status = rq.get("status") or {}
        meta = rq.get("metadata") or {}
        hard_limits = resource_list(spec.get("hard"))
        status_used = resource_list(status.get("used"))
        dirty = (not equals(hard_limits, resource_list(status.get("hard")))
                 or status.get("hard") is None or status.get("used") is None)

        used: ResourceList = dict(status_used)
        new_usage, errors = calculate_usage(
            str(meta.get("namespace", "")), list(spec.get("scopes") or []), hard_limits,
            self.registry, spec.get("scopeSelector"))
        used.update(new_usage)
        used = mask(used, hard_limits)

        dirty = dirty or not equals(used, status_used)
        if dirty:
            usage = copy.deepcopy(rq)
            usage["status"] = {"hard": to_json(hard_limits), "used": to_json(used)}
            try:
                self.client.update_status("resourcequotas", usage)
            except ApiError as exc:
                errors.append(exc.message)
        if errors:
            raise RuntimeError(aggregate(errors))
