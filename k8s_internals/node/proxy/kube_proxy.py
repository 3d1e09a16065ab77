"""kube-proxy: watches Services and EndpointSlices through the API server and keeps one proxier
(iptables, IPVS or the historical userspace mode) in sync, at a bounded rate.

Shapes from upstream:

- ``cmd/kube-proxy/app/server.go`` ``ProxyServer.Run``: a shared informer factory with
  informers on Services and EndpointSlices (and on this node's Node object, selected with
  ``metadata.name=<node>``, for topology labels); ``pkg/proxy/config/config.go`` turns their
  events into ``OnServiceAdd/Update/Delete``, ``OnEndpointSliceAdd/Update/Delete`` and the
  one-time ``OnServicesSynced`` / ``OnEndpointSlicesSynced``.
- the proxiers' ``OnServiceUpdate``: a change that does not change what the proxier sees
  (``ServiceChangeTracker.Update`` / ``EndpointSliceCache.updatePending`` find nothing pending)
  requests no sync; otherwise ``Sync()`` → ``syncRunner.Run()``. Nothing is synced before both
  caches have synced (``isInitialized``); the ``*Synced`` callbacks sync once unconditionally.
- ``pkg/util/async/bounded_frequency_runner.go`` (:class:`BoundedFrequencyRunner`): runs happen
  at most once per ``minSyncPeriod`` on average, with a burst of 2 (a token bucket), and at least
  every ``syncPeriod`` even without changes. Defaults: ``minSyncPeriod`` 1 s, ``syncPeriod`` 30 s,
  as kube-proxy's configuration defaults. (Recent releases resync in full hourly and use
  ``syncPeriod`` as the retry interval; the classic runner is kept here because it is what the
  periodic ``iptables-restore`` every 30 s on a real node looks like.)

On virtual time: a requested run is *work* for the kernel (``run_until_idle`` waits for it); the
periodic ``syncPeriod`` tick is background.

Taught in notebooks/07-kube-proxy.ipynb.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...client.client import Client
from ...client.informer import Informer, InformerFactory
from ...sim import Kernel
from ...sim.kernel import Timer
from .iptables import IptablesProxier
from .ipvs import IpvsProxier
from .types import Hop, endpoints_map, service_port_map
from .userspace import UserspaceProxier

__all__ = ["MODES", "BoundedFrequencyRunner", "KubeProxy", "SyncRecord"]

MODES = ("iptables", "ipvs", "userspace")


class Proxier(Protocol):
    """What :class:`KubeProxy` needs from a proxy mode."""

    syncs: int

    def sync(self, services: Any, slices: Any, node_name: str, node_ips: Any,
             cluster_cidr: str | None = None) -> None: ...

    def route(self, dst_ip: str, dst_port: int, protocol: str = "TCP", src_ip: str = "",
              rng: random.Random | None = None, *, now: float = 0.0) -> list[Hop]: ...


class TokenBucket:
    """``flowcontrol.NewTokenBucketRateLimiter(qps, burst)`` on virtual time (``x/time/rate``:
    starts full, refills continuously, ``TryAccept`` takes a token if one is there)."""

    def __init__(self, qps: float, burst: int, now: float) -> None:
        self.qps = qps
        self.burst = burst
        self.tokens = float(burst)
        self.last = now

    def _advance(self, now: float) -> None:
        self.tokens = min(float(self.burst), self.tokens + (now - self.last) * self.qps)
        self.last = now

    def try_accept(self, now: float) -> bool:
        self._advance(now)
        if self.tokens >= 1.0 - 1e-9:
            self.tokens -= 1.0
            return True
        return False


class BoundedFrequencyRunner:
    """``async.BoundedFrequencyRunner``: ``run()`` asks for ``fn`` to run soon; it runs at
    most ``burst_runs`` times in a row and then once per ``min_interval``, and by itself every
    ``max_interval`` after the last run."""

    def __init__(self, kernel: Kernel, name: str, fn: Callable[[], None], min_interval: float,
                 max_interval: float, burst_runs: int) -> None:
        self.kernel = kernel
        self.name = name
        self.fn = fn
        self.min_interval = min_interval
        self.max_interval = max_interval
        self.limiter = (TokenBucket(1.0 / min_interval, burst_runs, kernel.now)
                        if min_interval > 0 else None)
        self.last_run = -math.inf
        self.runs = 0
        self._timer: Timer | None = None
        self._pending: Timer | None = None
        self._looping = False

    def loop(self) -> None:
        """``Loop``: arm the periodic timer."""
        self._looping = True
        self._reset(self.max_interval)

    def stop(self) -> None:
        self._looping = False
        for t in (self._timer, self._pending):
            if t is not None:
                t.cancel()
        self._timer = self._pending = None

    def run(self) -> None:
        """``Run``: non-blocking; several calls before the loop wakes up collapse into one
        (upstream's channel has room for one request)."""
        if not self._looping or (self._pending is not None and not self._pending.cancelled):
            return
        self._pending = self.kernel.call_soon(self._requested, name=f"{self.name} run")

    def _requested(self) -> None:
        self._pending = None
        self._try_run()

    def _tick(self) -> None:
        self._timer = None
        self._try_run()

    def _reset(self, delay: float, work: bool = False) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if not self._looping:
            self._timer = None
            return
        self._timer = self.kernel.call_later(max(delay, 0.0), self._tick,
                                             name=f"{self.name} timer", background=not work)

    def _try_run(self) -> None:
        now = self.kernel.now
        if self.limiter is None or self.limiter.try_accept(now):
            self.runs += 1
            self.last_run = now
            self.fn()
            self._reset(self.max_interval)
            return
        next_possible = self.min_interval - (now - self.last_run)
        next_scheduled = (self._timer.when - now) if self._timer is not None else math.inf
        # a requested run is pending: whichever timer comes first counts as work
        self._reset(min(next_possible, next_scheduled), work=True)


@dataclass
class SyncRecord:
    """One ``syncProxyRules`` run, for notebooks and widgets."""

    time: float
    reasons: list[str]
    services: int
    endpoints: int
    mode: str


@dataclass
class _Pending:
    reasons: list[str] = field(default_factory=list)


class KubeProxy:
    """The kube-proxy of one node.

    >>> kp = KubeProxy(client, kernel, "node-1")        # doctest: +SKIP
    >>> kp.run(); kernel.run_for(2)                     # doctest: +SKIP
    >>> print(kp.iptables_save())                       # doctest: +SKIP
    """

    name = "kube-proxy"
    #: ``burstSyncs`` in the iptables proxier
    burst_syncs = 2

    def __init__(self, client: Client, kernel: Kernel, node_name: str, mode: str = "iptables",
                 *, node_ips: list[str] | None = None, cluster_cidr: str | None = "10.244.0.0/16",
                 min_sync_period: float = 1.0, sync_period: float = 30.0,
                 factory: InformerFactory | None = None, proxier: Proxier | None = None,
                 **proxier_options: Any) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown proxy mode {mode!r} (one of {', '.join(MODES)})")
        self.client = client
        self.kernel = kernel
        self.node_name = node_name
        self.mode = mode
        self.cluster_cidr = cluster_cidr
        self._node_ips = list(node_ips) if node_ips is not None else None
        self.topology_labels: dict[str, str] = {}
        self._watched_ips: list[str] | None = None
        if proxier is None:
            options = {"rng": kernel.rng, **proxier_options}
            if mode == "iptables":
                proxier = IptablesProxier(**options)
            elif mode == "ipvs":
                proxier = IpvsProxier(**options)
            else:
                proxier = UserspaceProxier(**options)
        self.proxier: Proxier = proxier
        self.factory = factory or InformerFactory(client, kernel)
        self.services: Informer = self.factory.informer("services")
        self.slices: Informer = self.factory.informer("endpointslices")
        self.nodes: Informer = self.factory.informer(
            "nodes", field_selector=f"metadata.name={node_name}")
        self.services.add_event_handler(
            on_add=lambda o: self._service_change(None, o),
            on_update=self._service_change,
            on_delete=lambda o: self._service_change(_obj(o), None))
        self.slices.add_event_handler(
            on_add=lambda o: self._slice_change(None, o),
            on_update=self._slice_change,
            on_delete=lambda o: self._slice_change(_obj(o), None))
        self.nodes.add_event_handler(on_add=self._node_change,
                                     on_update=lambda old, new: self._node_change(new))
        self.runner = BoundedFrequencyRunner(kernel, "sync-runner", self.sync_proxy_rules,
                                             min_sync_period, sync_period, self.burst_syncs)
        self.initialized = False
        self.history: list[SyncRecord] = []
        self._pending = _Pending()
        self._observers: list[Callable[[SyncRecord], None]] = []
        self._started = False

    # -- running -------------------------------------------------------------------------------

    def run(self) -> None:
        """Start the informers and the sync loop (``ProxyServer.Run``)."""
        if self._started:
            return
        self._started = True
        self.factory.start()
        self.runner.loop()
        self.kernel.call_soon(self._wait_for_caches, name="kube-proxy wait for caches")

    def stop(self) -> None:
        self.runner.stop()
        for inf in (self.services, self.slices, self.nodes):
            inf.stop()

    def _wait_for_caches(self) -> None:
        """``OnServicesSynced`` + ``OnEndpointSlicesSynced``: both caches listed → initialized,
        and one sync right away."""
        if self.services.has_synced() and self.slices.has_synced():
            self.initialized = True
            self._pending.reasons.append("initial sync (services and endpoint slices synced)")
            self.sync_proxy_rules()
        else:
            self.kernel.call_later(0.1, self._wait_for_caches,
                                   name="kube-proxy wait for caches", background=True)

    def on_sync(self, observer: Callable[[SyncRecord], None]) -> Callable[[], None]:
        """Call ``observer(record)`` after every sync; returns an unsubscribe function."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    # -- events --------------------------------------------------------------------------------

    def _request(self, reason: str) -> None:
        self._pending.reasons.append(reason)
        if self.initialized:
            self.runner.run()

    def _service_change(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        before = service_port_map([old] if old else [])
        after = service_port_map([new] if new else [])
        if before == after:
            return  # ServiceChangeTracker.Update: nothing pending
        obj = new or old or {}
        verb = "added" if old is None else "deleted" if new is None else "updated"
        self._request(f"service {_key(obj)} {verb}")

    def _slice_change(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        before = endpoints_map([old] if old else [], self.node_name)
        after = endpoints_map([new] if new else [], self.node_name)
        if before == after:
            return
        obj = new or old or {}
        verb = "added" if old is None else "deleted" if new is None else "updated"
        self._request(f"endpointslice {_key(obj)} {verb}")

    def _node_change(self, node: dict[str, Any]) -> None:
        labels = dict(node.get("metadata", {}).get("labels") or {})
        ips = _node_internal_ips(node)
        changed = False
        if labels != self.topology_labels:
            self.topology_labels = labels
            if hasattr(self.proxier, "topology_labels"):
                self.proxier.topology_labels = dict(labels)
            changed = True
        if self._node_ips is None and ips and ips != self._watched_ips:
            self._watched_ips = ips
            changed = True
        if changed:
            self._request(f"node {self.node_name} changed")  # OnTopologyChange

    # -- syncing -------------------------------------------------------------------------------

    @property
    def node_ips(self) -> list[str]:
        """The node's addresses: given, or the ``InternalIP``s of its Node object."""
        if self._node_ips is not None:
            return list(self._node_ips)
        return list(self._watched_ips or [])

    def sync_proxy_rules(self) -> None:
        """``syncProxyRules``: hand every Service and EndpointSlice in the caches to the
        proxier (nothing before the caches have synced)."""
        if not self.initialized:
            return
        services = self.services.list()
        slices = self.slices.list()
        self.proxier.sync(services, slices, self.node_name, self.node_ips, self.cluster_cidr)
        record = SyncRecord(self.kernel.now, self._pending.reasons or ["periodic resync"],
                            len(service_port_map(services)),
                            sum(len(v) for v in endpoints_map(slices, self.node_name).values()),
                            self.mode)
        self._pending = _Pending()
        self.history.append(record)
        for observer in list(self._observers):
            observer(record)

    # -- views ---------------------------------------------------------------------------------

    def iptables_save(self, **kw: Any) -> str:
        """The node's iptables rules (iptables and userspace modes)."""
        if isinstance(self.proxier, (IptablesProxier, UserspaceProxier)):
            return self.proxier.iptables_save(**kw)
        raise ValueError(f"kube-proxy on {self.node_name} runs in {self.mode} mode: use "
                         "ipvsadm() (its few iptables rules are not modelled)")

    def ipvsadm(self) -> str:
        """``ipvsadm -Ln`` (IPVS mode)."""
        if isinstance(self.proxier, IpvsProxier):
            return self.proxier.ipvsadm()
        raise ValueError(f"kube-proxy on {self.node_name} runs in {self.mode} mode, not ipvs")

    def route(self, dst_ip: str, dst_port: int, protocol: str = "TCP", src_ip: str = "",
              rng: random.Random | None = None) -> list[Hop]:
        """The path of a new connection through this node (the kernel's RNG by default)."""
        return self.proxier.route(dst_ip, dst_port, protocol, src_ip, rng or self.kernel.rng,
                                  now=self.kernel.now)


def _obj(o: Any) -> dict[str, Any]:
    """A delete handler may get a ``DeletedFinalStateUnknown`` tombstone."""
    inner = getattr(o, "obj", o)
    return inner if isinstance(inner, dict) else {}


def _key(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata", {})
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}"


def _node_internal_ips(node: dict[str, Any]) -> list[str]:
    addrs = (node.get("status") or {}).get("addresses") or []
    return [a["address"] for a in addrs if a.get("type") == "InternalIP" and a.get("address")]
