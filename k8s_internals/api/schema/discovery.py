"""discovery.k8s.io/v1: EndpointSlice.

Upstream: ``staging/src/k8s.io/api/discovery/v1/types.go``
(field names from the ``json`` tags, required fields, ``+enum``, ``+listType``/``+listMapKey``,
``patchStrategy``/``patchMergeKey``); shapes as in ``api/openapi-spec/v3``. Fields are listed
alphabetically, as the OpenAPI documents show them.
"""

from __future__ import annotations

from .types import (
    BOOL,
    CORE,
    DISCOVERY,
    INT32,
    STRING,
    MapOf,
    atomic,
    enum,
)

DISCOVERY.kind("EndpointSlice", {
    "addressType": enum("FQDN", "IPv4", "IPv6"),
    "endpoints": atomic(DISCOVERY.ref("Endpoint")),
    "ports": atomic(DISCOVERY.ref("EndpointPort")),
}, required=("addressType", "endpoints"))

DISCOVERY.struct("Endpoint", {
    "addresses": atomic(STRING),
    "conditions": DISCOVERY.ref("EndpointConditions"),
    "deprecatedTopology": MapOf(STRING),
    "hints": DISCOVERY.ref("EndpointHints"),
    "hostname": STRING,
    "nodeName": STRING,
    "targetRef": CORE.ref("ObjectReference"),
    "zone": STRING,
}, required=("addresses",))

DISCOVERY.struct("EndpointPort", {
    "appProtocol": STRING,
    "name": STRING,
    "port": INT32,
    "protocol": enum("SCTP", "TCP", "UDP"),
})

DISCOVERY.struct("EndpointConditions", {
    "ready": BOOL,
    "serving": BOOL,
    "terminating": BOOL,
})

DISCOVERY.struct("EndpointHints", {
    "forZones": atomic(DISCOVERY.ref("ForZone")),
})

DISCOVERY.struct("ForZone", {
    "name": STRING,
}, required=("name",))
