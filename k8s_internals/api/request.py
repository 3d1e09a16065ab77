"""What the API server is asked and what it answers, independent of the transport.

:class:`Request` carries what upstream's ``request.RequestInfo`` resolves from the URL (verb,
API group/version, resource, subresource, namespace, name) plus the query parameters, the body,
the credentials and — for requests a component makes while handling a watch event — the id of
the request that caused that event (``parent_id``). The in-process client builds these directly;
the HTTPS front (``serve``) builds them from HTTP requests.

Verbs are Kubernetes' (``apiserver/pkg/endpoints/request/requestinfo.go``): get, list, watch,
create, update, patch, delete, deletecollection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Request", "Response", "parse_bool"]


@dataclass
class Request:
    verb: str
    resource: str = ""
    group: str = ""
    version: str = "v1"
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    body: Any = None
    content_type: str = "application/json"
    params: dict[str, str] = field(default_factory=dict)
    #: ``Authorization`` and other headers as the transport received them
    headers: dict[str, str] = field(default_factory=dict)
    #: verified client certificate subject, ``(common_name, organizations)``
    client_cert: tuple[str, tuple[str, ...]] | None = None
    parent_id: str | None = None
    #: for non-resource requests (``/version``, ``/healthz``)
    path: str = ""
    user_agent: str = ""
    #: the HTTPS front encodes a plain JSON reply itself: a list may answer with its items
    #: already encoded (:class:`~.codec.EncodedItems`, from the storage's cache of encodings)
    encoded_items: bool = False

    @property
    def is_resource_request(self) -> bool:
        return bool(self.resource)

    def param(self, name: str, default: str = "") -> str:
        return self.params.get(name, default)

    def flag(self, name: str) -> bool:
        return parse_bool(self.params.get(name, ""))


@dataclass
class Response:
    code: int
    body: Any
    content_type: str = "application/json"
    trace_id: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 300


def parse_bool(value: str) -> bool:
    """Go's ``strconv.ParseBool`` as the API server parses query booleans (``true``, ``True``,
    ``1``, ``t``...); anything else is false."""
    return value in ("1", "t", "T", "TRUE", "true", "True")
