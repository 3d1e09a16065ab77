"""The new events API recorder: ``events.k8s.io/v1`` Events, as kube-scheduler writes them.

Mirrors client-go ``tools/events`` (``recorder.go`` and ``event_broadcaster.go``), which
kube-scheduler uses through ``NewEventBroadcasterAdapterWithContext`` (the events.k8s.io/v1
broadcaster when the server serves that group, which it does here) and
``EventBroadcaster.NewRecorder(scheme, profile.SchedulerName)``; the kubelet and the
controller manager keep the legacy core/v1 recorder (:mod:`.record`).

- ``Eventf(regarding, related, type, reason, action, note, args...)`` makes an Event named
  ``<regarding name>.<hex of UnixNano>`` in the regarding object's namespace (``default`` for
  cluster-scoped objects), with ``eventTime`` (a ``MicroTime``: microseconds),
  ``reportingController`` (the component), ``reportingInstance``
  (``<controller>-<hostname>``), ``action``, ``reason``, ``regarding``, ``related``, ``note``
  and ``type`` — and no deprecated fields (read back as core/v1 it has ``source: {}``,
  ``firstTimestamp: null``, ``count`` absent);
- isomorphic events (same type, action, reason, reporting controller and instance, regarding
  and related: *not* the note) are a series (``recordToSink``): the first is created; the
  second becomes ``series: {count: 2, lastObservedTime}``, written at once as a strategic
  merge patch (``createPatchBytesForSeries``); later ones only bump the cached series, which
  reaches the server when ``refreshExistingEventSeries`` runs (every 30 minutes) or when
  ``finishSeries`` (every 6 minutes) finds the series silent for 6 minutes and writes its final
  count; a finished series, or a single event older than 6 minutes, leaves the cache, so the
  next occurrence creates a new Event;
- a series patch that finds its Event gone (404) creates it again (``recordEvent``).

Upstream writes from a broadcaster goroutine; here the write is scheduled on the kernel right
after the call (same virtual instant), carrying the caller's causal parent. Simplified: no
retries with back-off (``attemptRecording`` tries 12 times when the server is unreachable),
no event logging, and the ``finishSeries``/refresh timers run on the virtual clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..api.resources import lookup
from ..sim import Kernel
from .causality import caused_by, current_cause
from .client import ApiError, Client
from .record import EVENT_NORMAL, EVENT_WARNING, object_reference

__all__ = ["FINISH_TIME", "REFRESH_TIME", "EventBroadcaster", "EventRecorder"]

#: ``finishTime`` and ``refreshTime`` of ``event_broadcaster.go``
FINISH_TIME = 6 * 60.0
REFRESH_TIME = 30 * 60.0

EVENTS_V1 = lookup("events.k8s.io", "events")
assert EVENTS_V1 is not None

Obj = dict[str, Any]


def _ref_key(ref: Obj | None) -> tuple[Any, ...]:
    if ref is None:
        return ()
    return tuple(sorted((k, str(v)) for k, v in ref.items()))


@dataclass
class _Cached:
    """One ``eventCache`` entry: the Event as last recorded, and its series in the cache."""

    event: Obj
    observed: float  # virtual time of eventTime, or of the series' lastObservedTime


class EventBroadcaster:
    """``events.NewBroadcaster(&EventSinkImpl{...})`` plus ``StartRecordingToSink``: one per
    process, shared by its recorders (one per scheduler profile)."""

    def __init__(self, client: Client, kernel: Kernel) -> None:
        self.client = client
        self.kernel = kernel
        self._cache: dict[tuple[Any, ...], _Cached] = {}
        self._last_ns = 0
        #: Events created or patched so far
        self.written = 0
        self._timers: list[Any] = []

    def start_recording_to_sink(self) -> None:
        """``StartRecordingToSink``: the refresh and finish timers (the component's ``Run``
        calls it); events recorded before are written all the same."""
        if self._timers:
            return
        self._timers = [
            self.kernel.every(REFRESH_TIME, self._refresh_existing_series,
                              name="events refreshExistingEventSeries", background=True),
            self.kernel.every(FINISH_TIME, self._finish_series, name="events finishSeries",
                              background=True),
        ]

    def new_recorder(self, reporting_controller: str, hostname: str) -> EventRecorder:
        """``NewRecorder``: ``reportingInstance`` is ``<controller>-<hostname>``."""
        return EventRecorder(self, reporting_controller, f"{reporting_controller}-{hostname}")

    def shutdown(self) -> None:
        for t in self._timers:
            t.cancel()
        self._timers = []

    # -- recordToSink -------------------------------------------------------------------------

    def _name(self, ref: Obj, now: float) -> str:
        # %x of UnixNano; two events in the same virtual nanosecond get the next one
        ns = int(self.kernel.epoch.timestamp()) * 10**9 + round(now * 1e9)
        ns = max(ns, self._last_ns + 1)
        self._last_ns = ns
        return f"{ref.get('name')}.{ns:x}"

    def _record_to_sink(self, event: Obj) -> None:
        """``recordToSink``: create, start a series, or only count in the cache."""
        key = (event.get("type"), event.get("action"), event.get("reason"),
               event.get("reportingController"), event.get("reportingInstance"),
               _ref_key(event.get("regarding")), _ref_key(event.get("related")))
        now = self.kernel.now
        cached = self._cache.get(key)
        if cached is not None:
            series = cached.event.get("series")
            cached.observed = now
            if series is not None:
                series["count"] += 1
                series["lastObservedTime"] = self.kernel.micro_timestamp(now)
                return
            cached.event["series"] = {"count": 2,
                                      "lastObservedTime": self.kernel.micro_timestamp(now)}
            self._record_event(cached.event)
            return
        self._cache[key] = _Cached(event, now)
        self._record_event(event)

    def _record_event(self, event: Obj) -> Obj | None:
        """``recordEvent``: a series is a strategic merge patch of ``series``; a new event (or a
        series whose Event is gone) a create. Errors are dropped, as upstream's non-retriable
        ones are."""
        meta = event["metadata"]
        if event.get("series") is not None:
            try:
                out = self.client.patch(EVENTS_V1, meta["name"],
                                        {"series": dict(event["series"])}, meta["namespace"],
                                        patch_type="strategic")
                self.written += 1
                return out
            except ApiError as exc:
                if exc.code != 404:
                    return None
        # a shallow copy with its own metadata: no transport changes a request body (in-process
        # the server decodes its own copy), so the cached event stays as the recorder made it
        body = {**event, "metadata": {"name": meta["name"], "namespace": meta["namespace"]}}
        try:
            out = self.client.create(EVENTS_V1, body, meta["namespace"])
        except ApiError:
            return None
        self.written += 1
        return out

    def _refresh_existing_series(self) -> None:
        """``refreshExistingEventSeries``: write every cached series' current count."""
        for cached in list(self._cache.values()):
            if cached.event.get("series") is not None:
                self._record_event(cached.event)

    def _finish_series(self) -> None:
        """``finishSeries``: write the final count of a series silent for ``finishTime`` and
        forget it; forget single events older than ``finishTime``."""
        horizon = self.kernel.now - FINISH_TIME
        for key, cached in list(self._cache.items()):
            if cached.observed < horizon:
                if cached.event.get("series") is not None:
                    self._record_event(cached.event)
                del self._cache[key]


class EventRecorder:
    """``recorderImpl``: ``eventf`` for one reporting controller and instance."""

    def __init__(self, broadcaster: EventBroadcaster, reporting_controller: str,
                 reporting_instance: str) -> None:
        self.broadcaster = broadcaster
        self.reporting_controller = reporting_controller
        self.reporting_instance = reporting_instance

    def eventf(self, regarding: Mapping[str, Any], related: Mapping[str, Any] | None,
               event_type: str, reason: str,
               action: str, note: str, *args: Any) -> None:
        """``Eventf``: the Event is made now and written on the kernel right after the call.
        An event type other than Normal or Warning is dropped (``ValidateEventType``)."""
        if event_type not in (EVENT_NORMAL, EVENT_WARNING):
            return
        b = self.broadcaster
        now = b.kernel.now
        ref = object_reference(dict(regarding))
        event: Obj = {
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": b._name(ref, now),
                         "namespace": ref.get("namespace") or "default"},
            "eventTime": b.kernel.micro_timestamp(now),
            "reportingController": self.reporting_controller,
            "reportingInstance": self.reporting_instance,
            "action": action,
            "reason": reason,
            "regarding": ref,
            "note": note % args if args else note,
            "type": event_type,
        }
        if related is not None:
            event["related"] = object_reference(dict(related))
        cause = current_cause()

        def write() -> None:
            with caused_by(cause):
                b._record_to_sink(event)

        b.kernel.call_soon(write, name=f"event {reason} {ref.get('name')}")
