"""Events: what components write so ``kubectl describe`` and ``kubectl get events`` can tell the
story (``Scheduled``, ``SuccessfulCreate``, ``Pulling``, ``BackOff``...).

Mirrors client-go ``tools/record/event.go`` (``recorder.generateEvent`` / ``makeEvent``: the event
is named ``<object name>.<hex of the UnixNano time>``, lives in the object's namespace or
``default`` for cluster-scoped objects, with ``involvedObject``, ``source``, ``count``,
``firstTimestamp``, ``lastTimestamp``, ``reportingComponent``, ``reportingInstance``) and
``tools/record/events_cache.go`` (``EventCorrelator``): an event identical to one already written
(same source, object, type, reason and message) is not written again — the existing Event's
``count`` is incremented and its ``lastTimestamp`` moved, with a strategic merge patch, which is
what ``kubectl describe`` shows as ``(x3 over 2m)``.

Upstream writes events from a broadcaster goroutine; here the write is scheduled on the kernel
right after the call (same virtual instant), carrying the caller's causal parent.

Used, as upstream, by the kubelet and kube-controller-manager's controllers; kube-scheduler
writes through the new events API instead (``events.k8s.io/v1``, :mod:`.events`).

Simplifications: the correlator's spam filter (a token bucket per object) and its similar-event
aggregation (``(combined from similar events)``) are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..sim import Kernel
from .causality import caused_by, current_cause
from .client import ApiError, Client

__all__ = ["EVENT_NORMAL", "EVENT_WARNING", "EventRecorder", "object_reference"]

EVENT_NORMAL = "Normal"
EVENT_WARNING = "Warning"


def object_reference(obj: dict[str, Any], field_path: str = "") -> dict[str, Any]:
    """``reference.GetReference``: kind, namespace, name, uid, apiVersion, resourceVersion."""
    meta = obj.get("metadata", {})
    ref: dict[str, Any] = {"kind": obj.get("kind", "")}
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    ref["name"] = meta.get("name", "")
    if meta.get("uid"):
        ref["uid"] = meta["uid"]
    ref["apiVersion"] = obj.get("apiVersion", "")
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


@dataclass
class _Seen:
    namespace: str
    name: str
    count: int


class EventRecorder:
    """``record.EventRecorder`` for one component (``source.component``) on one host."""

    def __init__(self, client: Client, kernel: Kernel, component: str, host: str = "") -> None:
        self.client = client
        self.kernel = kernel
        self.component = component
        self.host = host
        self._seen: dict[tuple[Any, ...], _Seen] = {}
        self._last_ns = 0
        self.written = 0

    def event(self, obj: dict[str, Any], event_type: str, reason: str, message: str,
              field_path: str = "") -> None:
        """Record an event about ``obj`` (written on the kernel, right after this call)."""
        ref = object_reference(obj, field_path)
        cause = current_cause()
        now = self.kernel.now

        def write() -> None:
            with caused_by(cause):
                self._write(ref, event_type, reason, message, now)

        self.kernel.call_soon(write, name=f"event {reason} {ref.get('name')}")

    def eventf(self, obj: dict[str, Any], event_type: str, reason: str, fmt: str,
               *args: Any) -> None:
        self.event(obj, event_type, reason, fmt % args if args else fmt)

    def _write(self, ref: dict[str, Any], event_type: str, reason: str, message: str,
               now: float) -> None:
        namespace = ref.get("namespace") or "default"
        key = (self.component, self.host, ref.get("kind"), namespace, ref.get("name"),
               ref.get("uid"), ref.get("apiVersion"), ref.get("fieldPath", ""), event_type,
               reason, message)
        ts = self.kernel.timestamp(now)
        seen = self._seen.get(key)
        if seen is not None:
            try:
                self.client.patch("events", seen.name, {
                    "count": seen.count + 1, "lastTimestamp": ts, "message": message,
                }, seen.namespace, patch_type="strategic")
                seen.count += 1
                self.written += 1
                return
            except ApiError as exc:
                if exc.code != 404:
                    return
                del self._seen[key]  # the event expired or was deleted: write a new one
        # %x of UnixNano; two events in the same virtual nanosecond get the next one
        ns = int(self.kernel.epoch.timestamp()) * 10**9 + round(now * 1e9)
        ns = max(ns, self._last_ns + 1)
        self._last_ns = ns
        name = f"{ref.get('name')}.{ns:x}"
        ev = {
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": ref,
            "reason": reason,
            "message": message,
            "source": {"component": self.component, **({"host": self.host} if self.host else {})},
            "firstTimestamp": ts,
            "lastTimestamp": ts,
            "count": 1,
            "type": event_type,
            "eventTime": None,
            "reportingComponent": self.component,
            "reportingInstance": self.host,
        }
        try:
            self.client.create("events", ev, namespace)
        except ApiError:
            return  # upstream logs and drops events it cannot write
        self._seen[key] = _Seen(namespace, name, 1)
        self.written += 1
