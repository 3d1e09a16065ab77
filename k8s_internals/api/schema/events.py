"""events.k8s.io/v1: Event, the new events API (served from the core events' storage; see
:mod:`k8s_internals.api.conversion`).

Upstream: ``staging/src/k8s.io/api/events/v1/types.go`` (``eventTime`` is the only required
field; ``regarding``/``related`` and ``deprecatedSource`` are core/v1 ``ObjectReference`` and
``EventSource``); shapes as in ``api/openapi-spec/v3/apis__events.k8s.io__v1_openapi.json``.
Fields are listed alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import CORE, EVENTS, INT32, MICRO_TIME, STRING, TIME

EVENTS.kind("Event", {
    "action": STRING,
    "deprecatedCount": INT32,
    "deprecatedFirstTimestamp": TIME,
    "deprecatedLastTimestamp": TIME,
    "deprecatedSource": CORE.ref("EventSource"),
    "eventTime": MICRO_TIME,
    "note": STRING,
    "reason": STRING,
    "regarding": CORE.ref("ObjectReference"),
    "related": CORE.ref("ObjectReference"),
    "reportingController": STRING,
    "reportingInstance": STRING,
    "series": EVENTS.ref("EventSeries"),
    "type": STRING,
}, required=("eventTime",))

EVENTS.struct("EventSeries", {
    "count": INT32,
    "lastObservedTime": MICRO_TIME,
}, required=("count", "lastObservedTime"))
