"""The HTTPS front of the API server: the Kubernetes REST API for kubectl and other clients.

One :class:`APIHTTPServer` (stdlib ``ThreadingHTTPServer`` + ``ssl``) serves one
:class:`~k8s_internals.api.server.APIServer` whose kernel a
:class:`~k8s_internals.sim.realtime.RealTimeDriver` advances by the wall clock.

Threads. The simulation is single-threaded: only the driver's loop thread touches the API
server, its store and its caches. An HTTP thread (one per connection, HTTP/1.1 keep-alive)
parses the request, then hands *all* of the work to the loop thread with
``driver.call(...)``: the chain, the Table conversion and the JSON encoding, so no object is
shared between threads; the HTTP thread only moves bytes. A watch is started the same way; its
events are encoded on the loop thread, as they are delivered, into a queue that the HTTP thread
drains into the chunked response.

What is served (upstream: ``apiserver/pkg/endpoints/installer.go``, ``handlers/``,
``server/routes``):

- the resource API, routed as ``requestinfo.go`` (:mod:`.routing`), answered by
  :meth:`APIServer.handle`; ``Status`` bodies for errors; ``Warning: 299 - "..."`` headers;
  ``Audit-Id`` carries the request's trace id;
- ``Accept: ...;as=Table;v=v1;g=meta.k8s.io`` → a ``Table`` (:func:`..printers.to_table`; rows
  carry ``PartialObjectMetadata``; ``?includeObject=None|Metadata|Object``), also for watch
  events (one row each; column definitions only on the first); ``as=PartialObjectMetadata``
  and ``PartialObjectMetadataList``; ``application/yaml`` answers; ``?pretty=true``;
- watches (``?watch=true|1|True`` or ``/watch/``): ``Transfer-Encoding: chunked``, one JSON
  line ``{"type": ..., "object": ...}`` per event; ``resourceVersion``, ``timeoutSeconds``
  (default: upstream's ``--min-request-timeout`` 1800 s times a random factor in [1, 2)),
  ``allowWatchBookmarks``, label and field selectors; a resource version too old for the watch
  cache is answered ``200`` with one ``ERROR`` event carrying the ``410`` ``Expired`` Status,
  as the cacher does (``newErrWatcher``);
- ``pods/log`` as ``text/plain``; with ``follow=true`` (``kubectl logs -f``) chunked, what the
  container writes as it writes it, until the container stops;
- non-resource URLs, authenticated and authorized like any request (RBAC's
  ``system:public-info-viewer`` lets anyone read ``/version``, ``/healthz``, ``/livez``,
  ``/readyz``; ``system:discovery`` lets the authenticated read discovery and OpenAPI):
  ``/version``, ``/healthz``, ``/livez``, ``/readyz`` (``?verbose``, ``?exclude=``,
  ``/<endpoint>/<check>``), ``/api``, ``/apis``, ``/apis/<group>``, ``/api/v1``,
  ``/apis/<group>/<version>`` (legacy or aggregated discovery by ``Accept``: :mod:`.discovery`),
  ``/openapi/v3`` and ``/openapi/v3/<path>`` (the bytes of
  :func:`..schema.openapi_v3_bytes`, ``ETag`` the hash; ``?hash=`` current → ``public,
  immutable``, stale → ``301``), ``/openapi/v2`` → 404, ``/`` (the path list);
- authentication from ``Authorization: Bearer`` and from verified client certificates
  (``--client-ca-file``: :func:`enable_client_certificates` puts the x509 authenticator first,
  as upstream's union); impersonation headers (``kubectl --as``: :mod:`.impersonation`).
  Anonymous access is limited to ``/version``, ``/healthz``, ``/livez``
  and ``/readyz`` (an ``AuthenticationConfiguration`` with ``anonymous.conditions``, 1.32):
  a request elsewhere without credentials is ``401 Unauthorized`` — kubectl's ``You must be
  logged in to the server (Unauthorized)`` — instead of RBAC's 403 for ``system:anonymous``;
- request bodies of at most 3 MiB (``MaxRequestBodyBytes``: ``413 Request entity too large:
  limit is 3145728``), JSON or YAML by ``Content-Type``.

Simplifications: no HTTP/2 (ALPN offers ``http/1.1`` only), no protobuf (406 when nothing else
is acceptable), no ``pods/proxy``; ``exec`` and ``attach`` are served as WebSockets only
(no SPDY: :mod:`.exec`), ``port-forward`` as SPDY in a WebSocket or bare (:mod:`.portforward`).
"""

from __future__ import annotations

import contextlib
import email.parser
import http.client
import json
import queue
import random
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import yaml

from .. import errors
from ..codec import EncodedItems, dumps, dumps_list
from ..request import Request, parse_bool
from ..resources import ResourceInfo, lookup
from ..schema import openapi_v3_bytes, openapi_v3_hash, openapi_v3_index
from ..trace import Trace
from . import discovery
from .exec import STREAM_SUBRESOURCES, serve_exec
from .impersonation import impersonate, is_impersonating
from .negotiation import NOT_ACCEPTABLE_MESSAGE, Negotiated, negotiate
from .portforward import serve_portforward
from .protobuf import decode as decode_protobuf
from .protobuf import is_protobuf
from .routing import RequestInfo, request_info, to_request
from .tls import CertificateAuthority, KeyPair, new_ca, peer_identity, server_ssl_context

if TYPE_CHECKING:
    from ...sim.realtime import RealTimeDriver
    from ..server import APIServer

__all__ = [
    "CAUSE_HEADER",
    "MAX_REQUEST_BODY_BYTES",
    "PARENT_HEADER",
    "PUBLIC_INFO_PATHS",
    "VERSION_INFO",
    "APIHTTPServer",
    "enable_client_certificates",
    "limit_anonymous",
    "serve_api",
]

#: ``--max-request-body-bytes`` default (``MaxRequestBodyBytes`` = 3 MiB)
MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024
#: an oversized body up to this size is read and dropped before the 413 (so the client sees
#: the answer); a larger one gets the 413 and the connection closed
DRAIN_LIMIT = 64 * 1024 * 1024
#: ``--min-request-timeout``: a watch without ``timeoutSeconds`` lasts this × [1, 2) seconds
MIN_REQUEST_TIMEOUT = 1800.0
#: ``requestTimeoutUpperBound``-ish: how long an HTTP thread waits for the loop thread
REQUEST_TIMEOUT = 60.0

#: the simulator's causality (:mod:`k8s_internals.client.causality`) over HTTP: a request
#: caused by a watch event names that event's trace id here (upstream has no such header)
PARENT_HEADER = "X-K8s-Internals-Parent"
#: a watch request with this header set to ``true`` gets each event's trace id as ``"cause"``
#: next to ``type`` and ``object`` (only clients that ask: kubectl sees upstream's shape)
CAUSE_HEADER = "X-K8s-Internals-Watch-Causes"

#: the paths anonymous requests may reach (``anonymous.conditions``): RBAC's
#: ``system:public-info-viewer`` allows them to ``system:unauthenticated``
PUBLIC_INFO_PATHS = ("/healthz", "/livez", "/readyz", "/version")

#: ``GET /version`` (``version.Info``): minor 32, so the kubectl dispatcher picks kubectl 1.32
VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0+k8s-internals",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2024-12-11T00:00:00Z",
    "goVersion": "go1.23.3",
    "compiler": "gc",
    "platform": "linux/amd64",
}

_JSON = "application/json"
#: an answer whose body is at most this long goes out with its head in one write
_ONE_WRITE_LIMIT = 64 * 1024
#: a request header line the fast parser takes: ``Name: value`` as the email feed parser's own
#: header rule has it (a name of printable ASCII but ``:``), ending in CRLF with nothing
#: ``str.splitlines`` would split at (the feed parser splits so); anything else (folding, odd
#: line ends) goes through the feed parser, as ``http.client.parse_headers`` does
_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+:[^\r\x0b\x0c\x1c-\x1e\x85]*\r\n\Z")
#: the ``Date`` header of the current second, ``(second, text)``
_date_cache: tuple[int, str] = (0, "")


@dataclass
class Reply:
    """An HTTP answer, encoded on the loop thread."""

    code: int
    content_type: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def _status_reply(err: errors.StatusError, trace_id: str = "") -> Reply:
    headers = [("Audit-Id", trace_id)] if trace_id else []
    return Reply(err.code, _JSON, dumps(err.status).encode(), headers)


def _warning_header(text: str) -> str:
    """``warning.AddWarning`` → ``Warning: 299 - "<text>"`` (quoted-string escaping)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'299 - "{escaped}"'


def _encode(body: Any, neg: Negotiated, pretty: bool) -> tuple[bytes, str]:
    if isinstance(body, str | bytes):
        data = body.encode() if isinstance(body, str) else body
        return data, "text/plain"
    if neg.media_type == "application/yaml":
        # sigs.k8s.io/yaml goes through a map: keys come out sorted
        return yaml.safe_dump(body, sort_keys=True).encode(), "application/yaml"
    if pretty:
        return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode(), neg.content_type
    return dumps(body).encode(), neg.content_type


# -- the loop-thread side -------------------------------------------------------------------------


def _table_target(info: ResourceInfo, subresource: str) -> ResourceInfo | tuple[str, str]:
    if subresource:
        sub = info.subresource(subresource)
        if sub is not None and (sub.group or sub.version):
            return (sub.group, sub.kind)
    return info


def _partial(obj: dict[str, Any], version: str) -> dict[str, Any]:
    return {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}",
            "metadata": dict(obj.get("metadata") or {})}


def transform(api: APIServer, req: Request, neg: Negotiated, body: Any) -> Any:
    """``transformResponseObject``: the Table / PartialObjectMetadata(List) a client asked for
    (on the loop thread: ages are measured on the kernel's clock)."""
    info = lookup(req.group, req.resource)
    if info is None or not isinstance(body, dict) or body.get("kind") == "Status":
        return body
    is_list = req.verb in ("list", "deletecollection") and isinstance(body.get("items"), list)
    if neg.table:
        from ..printers import to_table

        meta = body.get("metadata") or {} if is_list else {}
        table = to_table(_table_target(info, req.subresource),
                         body["items"] if is_list else body, api.kernel.datetime(),
                         req.param("includeObject") or "Metadata",
                         resource_version=str(meta.get("resourceVersion", "")),
                         continue_token=str(meta.get("continue", "")))
        if neg.version != "v1":
            table["apiVersion"] = f"meta.k8s.io/{neg.version}"
        return table
    if neg.partial:
        if is_list:
            return {"kind": "PartialObjectMetadataList",
                    "apiVersion": f"meta.k8s.io/{neg.version}",
                    "metadata": dict(body.get("metadata") or {}),
                    "items": [_partial(o, neg.version) for o in body["items"]]}
        return _partial(body, neg.version)
    return body


def _serve_resource(api: APIServer, req: Request, neg: Negotiated, pretty: bool) -> Reply:
    if is_impersonating(req.headers):
        try:
            req = impersonate(api, req)
        except errors.StatusError as exc:
            return _status_reply(exc)
    if req.verb == "list" and not neg.as_kind and not pretty and neg.media_type == _JSON:
        # a plain JSON list: the items come already encoded (the storage's cache) and are
        # spliced into the reply
        req.encoded_items = True
    resp = api.handle(req)
    body = resp.body
    if isinstance(body, dict) and isinstance(body.get("items"), EncodedItems):
        data, ctype = dumps_list(body).encode(), neg.content_type
    else:
        if resp.ok and req.verb in ("get", "list") and (neg.table or neg.partial) \
                and not isinstance(body, str):
            body = transform(api, req, neg, body)
        data, ctype = _encode(body, neg, pretty)
    headers = [("Audit-Id", resp.trace_id)] if resp.trace_id else []
    headers += [("Warning", _warning_header(w)) for w in resp.warnings]
    return Reply(resp.code, ctype, data, headers)


#: how often a followed log (``kubectl logs -f``) is read again for what the container wrote
LOG_FOLLOW_INTERVAL = 0.25


@dataclass
class _FollowedLog:
    """A ``pods/log?follow=true`` stream: which container, how much of its log was sent."""

    namespace: str
    pod: str
    uid: str
    container: str
    container_id: str
    params: dict[str, str]
    offset: int
    limit: int | None
    sent: int = 0


def _container_status(pod: dict[str, Any], container: str) -> dict[str, Any]:
    status = pod.get("status") or {}
    return next((c for key in ("containerStatuses", "initContainerStatuses",
                               "ephemeralContainerStatuses")
                 for c in status.get(key) or [] if c.get("name") == container), {})


def _log_start(api: APIServer, req: Request, neg: Negotiated, pretty: bool
               ) -> tuple[Reply, _FollowedLog | None]:
    """The first answer of a followed log (the chain, then the log so far, as without
    ``follow``) and what to follow: the container the kubelet read, from the end of its log.

    Upstream the API server proxies to the kubelet (``pkg/registry/core/pod/rest/log.go``,
    ``LogREST.Get`` with ``follow`` → a streamed ``LocationStreamer``), whose ``ReadLogs``
    (``pkg/kubelet/kuberuntime/logs/logs.go``) keeps reading the container's log file until
    the container is not running any more."""
    reply = _serve_resource(api, req, neg, pretty)
    provider = api.log_provider
    if reply.code != 200 or provider is None:
        return reply, None
    info = lookup("", "pods")
    assert info is not None
    pod = api.storage.get(info, req.namespace, req.name, None)
    spec = pod.get("spec") or {}
    container = req.param("container") or next(
        (c["name"] for c in spec.get("containers") or []), "")
    status = _container_status(pod, container)
    if "running" not in (status.get("state") or {}):
        return reply, None  # the log so far is all there will be
    params = {k: v for k, v in (("container", container),
                                ("timestamps", req.param("timestamps"))) if v}
    whole = provider(pod, params).encode()
    limit = int(req.param("limitBytes")) if req.param("limitBytes") else None
    follow = _FollowedLog(req.namespace, req.name, (pod.get("metadata") or {}).get("uid", ""),
                          container, str(status.get("containerID", "")), params, len(whole),
                          limit, len(reply.body))
    return reply, follow


def _log_next(api: APIServer, follow: _FollowedLog) -> tuple[bytes, bool]:
    """What the followed container wrote since the last read, and whether the stream ends
    (the container stopped or was replaced, the pod is gone, ``limitBytes`` reached)."""
    info = lookup("", "pods")
    assert info is not None and api.log_provider is not None
    try:
        pod = api.storage.get(info, follow.namespace, follow.pod, None)
    except errors.StatusError:
        return b"", True
    status = _container_status(pod, follow.container)
    if (pod.get("metadata") or {}).get("uid") != follow.uid or \
            str(status.get("containerID", "")) != follow.container_id:
        return b"", True
    try:
        whole = api.log_provider(pod, follow.params).encode()
    except errors.StatusError:
        return b"", True
    data = whole[follow.offset:]
    follow.offset = len(whole)
    done = "running" not in (status.get("state") or {})
    if follow.limit is not None:
        data = data[:max(0, follow.limit - follow.sent)]
        done = done or follow.sent + len(data) >= follow.limit
    follow.sent += len(data)
    return data, done


def _begin_trace(api: APIServer, req: Request) -> Any:
    """A trace and a chain context for a non-resource request (the same steps
    :meth:`APIServer.handle` runs: authentication, then authorization)."""
    from ..server import _Ctx

    trace = Trace(id=api.tracer.new_id(), parent_id=req.parent_id, user="", verb=req.verb,
                  path=req.path, start=api.kernel.now)
    api.tracer.begin(trace)
    return _Ctx(req, trace)


def authorize_path(api: APIServer, req: Request) -> Trace:
    """Authenticate and authorize a non-resource request (``get`` on ``req.path``); raises the
    401/403 ``StatusError``. Returns the (unfinished) trace."""
    ctx = _begin_trace(api, req)
    try:
        api._authenticate(ctx)
        api._authorize(ctx)
    except errors.StatusError as exc:
        _finish(api, ctx.trace, exc.code, exc.message)
        raise
    return ctx.trace  # type: ignore[no-any-return]


def _finish(api: APIServer, trace: Trace, code: int, error: str = "") -> None:
    trace.code = code
    trace.error = error
    trace.end = api.kernel.now
    api.tracer.finish(trace)


@dataclass
class HealthCheck:
    """One named check of ``/healthz``, ``/livez`` or ``/readyz`` (``healthz.HealthChecker``).
    ``check`` runs on the loop thread and raises on failure."""

    name: str
    check: Callable[[APIServer], None]


def _ping(api: APIServer) -> None:
    return None


def _etcd(api: APIServer) -> None:
    _ = api.store.revision


_POST_START = ("poststarthook/start-apiserver-admission-initializer",
               "poststarthook/generic-apiserver-start-informers",
               "poststarthook/start-system-namespaces-controller",
               "poststarthook/rbac/bootstrap-roles",
               "poststarthook/scheduling/bootstrap-system-priority-classes",
               "poststarthook/bootstrap-controller")


def default_checks(endpoint: str) -> list[HealthCheck]:
    """The checks kube-apiserver installs (a subset: the ones the simulator has a meaning
    for): ``ping``, ``log``, ``etcd``, the post-start hooks; ``/readyz`` adds
    ``etcd-readiness``, ``informer-sync`` and ``shutdown``."""
    checks = [HealthCheck("ping", _ping), HealthCheck("log", _ping), HealthCheck("etcd", _etcd)]
    if endpoint == "readyz":
        checks += [HealthCheck("etcd-readiness", _etcd), HealthCheck("informer-sync", _ping)]
    checks += [HealthCheck(name, _ping) for name in _POST_START]
    if endpoint == "readyz":
        checks.append(HealthCheck("shutdown", _ping))
    return checks


def _health(api: APIServer, endpoint: str, rest: str, params: dict[str, list[str]]) -> Reply:
    """``healthz.handleRootHealth`` / ``adaptCheckToHandler``."""
    checks = default_checks(endpoint)
    text_plain = "text/plain; charset=utf-8"
    if rest:
        for c in checks:
            if c.name == rest:
                try:
                    c.check(api)
                except Exception as exc:
                    return Reply(500, text_plain,
                                 f"internal server error: {exc}\n".encode())
                return Reply(200, text_plain, b"ok")
        raise errors.resource_not_found()
    excluded = list(dict.fromkeys(params.get("exclude", [])))
    lines: list[str] = []
    failed = False
    for c in checks:
        if c.name in excluded:
            excluded.remove(c.name)
            lines.append(f"[+]{c.name} excluded: ok")
            continue
        try:
            c.check(api)
            lines.append(f"[+]{c.name} ok")
        except Exception:
            failed = True
            lines.append(f"[-]{c.name} failed: reason withheld")
    if excluded:
        quoted = ",".join(json.dumps(e) for e in sorted(excluded))
        lines.append(f"warn: some health checks cannot be excluded: no matches for {quoted}")
    out = "".join(line + "\n" for line in lines)
    if failed:
        return Reply(500, text_plain, f"{out}{endpoint} check failed\n".encode(),
                     [("X-Content-Type-Options", "nosniff")])
    if "verbose" not in params:
        return Reply(200, text_plain, b"ok", [("X-Content-Type-Options", "nosniff")])
    return Reply(200, text_plain, f"{out}{endpoint} check passed\n".encode(),
                 [("X-Content-Type-Options", "nosniff")])


def _root_paths() -> list[str]:
    paths = ["/api", "/api/v1", "/apis", "/apis/"]
    for g, v in [(g, v) for g, v in _group_versions() if g]:
        paths += [f"/apis/{g}", f"/apis/{g}/{v}"]
    paths += ["/healthz", "/healthz/etcd", "/healthz/log", "/healthz/ping", "/livez",
              "/livez/etcd", "/livez/log", "/livez/ping", "/openapi/v3", "/openapi/v3/",
              "/readyz", "/readyz/etcd", "/readyz/log", "/readyz/ping", "/readyz/shutdown",
              "/version"]
    return sorted(dict.fromkeys(paths))


def _group_versions() -> list[tuple[str, str]]:
    from ..resources import group_versions

    return group_versions()


def _serve_path(httpd: APIHTTPServer, req: Request, info: RequestInfo, accept: str,
                query: dict[str, list[str]]) -> Reply:
    """A non-resource request, on the loop thread: authenticate, authorize, answer."""
    api = httpd.api
    try:
        if is_impersonating(req.headers):
            req = impersonate(api, req)
        trace = authorize_path(api, req)
    except errors.StatusError as exc:
        return _status_reply(exc)
    try:
        reply = _route_path(httpd, req, info, accept, query)
    except errors.StatusError as exc:
        _finish(api, trace, exc.code, exc.message)
        return _status_reply(exc, trace.id)
    _finish(api, trace, reply.code)
    reply.headers.append(("Audit-Id", trace.id))
    return reply


def _json_reply(doc: Any, content_type: str = _JSON, code: int = 200) -> Reply:
    return Reply(code, content_type, dumps(doc).encode())


def _route_path(httpd: APIHTTPServer, req: Request, info: RequestInfo, accept: str,
                query: dict[str, list[str]]) -> Reply:
    path = "/" + info.path.strip("/")
    parts = [p for p in path.split("/") if p]
    if req.verb not in ("get", "head"):
        raise errors.method_not_supported("", path, req.verb)  # upstream: 405 for GET-only paths
    if path == "/":
        return _json_reply({"paths": _root_paths()})
    if path == "/version":
        return _json_reply(VERSION_INFO)
    if parts[0] in ("healthz", "livez", "readyz") and len(parts) <= 2:
        return _health(httpd.api, parts[0], parts[1] if len(parts) == 2 else "", query)
    if path in ("/api", "/apis"):
        neg = negotiate(accept, discovery=True)
        if neg is None:
            raise errors.not_acceptable(NOT_ACCEPTABLE_MESSAGE)
        if neg.aggregated:
            return _json_reply(discovery.aggregated_discovery(path == "/api", neg.version),
                               neg.content_type)
        if path == "/api":
            return _json_reply(discovery.api_versions(httpd.server_address_string))
        return _json_reply(discovery.api_group_list())
    if parts[0] == "api" and len(parts) == 2:
        resources = discovery.api_resource_list("", parts[1])
        if resources is not None:
            return _json_reply(resources)
    if parts[0] == "apis" and len(parts) == 2 and any(g == parts[1]
                                                      for g, _ in _group_versions()):
        return _json_reply(discovery.api_group(parts[1]))
    if parts[0] == "apis" and len(parts) == 3:
        resources = discovery.api_resource_list(parts[1], parts[2])
        if resources is not None:
            return _json_reply(resources)
    if parts[0] == "openapi" and len(parts) >= 2 and parts[1] == "v3":
        return _openapi_v3(parts[2:], query)
    raise errors.resource_not_found()


def _openapi_v3(rest: list[str], query: dict[str, list[str]]) -> Reply:
    """``/openapi/v3`` (the index) and ``/openapi/v3/<gv path>`` (``handler3``)."""
    if not rest:
        return _json_reply(openapi_v3_index())
    if rest[0] == "api" and len(rest) == 2:
        gv = ("", rest[1])
    elif rest[0] == "apis" and len(rest) == 3:
        gv = (rest[1], rest[2])
    else:
        raise errors.resource_not_found()
    if gv not in _group_versions():
        raise errors.resource_not_found()
    data = openapi_v3_bytes(*gv)
    etag = openapi_v3_hash(*gv)
    asked = (query.get("hash") or [""])[0]
    headers = [("Etag", f'"{etag}"'), ("Vary", "Accept")]
    if asked and asked != etag:
        where = "/openapi/v3/" + "/".join(rest) + f"?hash={etag}"
        return Reply(301, "text/html; charset=utf-8",
                     f'<a href="{where}">Moved Permanently</a>.\n\n'.encode(),
                     [("Location", where), *headers])
    if asked:
        expires = formatdate(time.time() + 365 * 86400, usegmt=True)
        headers += [("Cache-Control", "public, immutable"), ("Expires", expires)]
    else:
        headers.append(("Cache-Control", "no-cache, private"))
    return Reply(200, _JSON, data, headers)


# -- watches --------------------------------------------------------------------------------------


_STOP = object()


class _WatchStream:
    """The loop-thread half of one HTTP watch: encodes events into a queue."""

    def __init__(self, api: APIServer, req: Request, neg: Negotiated, causes: bool,
                 max_queued: int = 10000) -> None:
        self.api = api
        self.req = req
        self.neg = neg
        self.causes = causes
        self.queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        #: events waiting for a slow client before the watch is ended (the client re-watches)
        self.max_queued = max_queued
        self.queued = 0
        self.first = True
        self.watcher: Any = None
        self.overflow = False

    def send(self, etype: str, obj: dict[str, Any], cause: str | None) -> None:
        """The watcher's callback (loop thread): encode and queue one event."""
        if self.overflow:
            return
        if self.queue.qsize() > self.max_queued:
            # upstream's cacheWatcher: a watcher that cannot keep up is terminated
            self.overflow = True
            self.queue.put(_STOP)
            return
        out: Any = obj
        if etype != "BOOKMARK" and (self.neg.table or self.neg.partial):
            if self.neg.table:
                from ..printers import to_table

                info = lookup(self.req.group, self.req.resource)
                assert info is not None
                out = to_table(info, obj, self.api.kernel.datetime(),
                               self.req.param("includeObject") or "Metadata",
                               no_headers=not self.first)
                if self.neg.version != "v1":
                    out["apiVersion"] = f"meta.k8s.io/{self.neg.version}"
                self.first = False
            else:
                out = _partial(obj, self.neg.version)
        event: dict[str, Any] = {"type": etype, "object": out}
        if self.causes and cause:
            event["cause"] = cause
        self.queued += 1
        self.queue.put((dumps(event) + "\n").encode())

    def start(self, name: str) -> Any:
        if is_impersonating(self.req.headers):
            self.req = impersonate(self.api, self.req)
        self.watcher = self.api.watch(self.req, self.send, name)
        return self.watcher

    def stop(self) -> None:
        if self.watcher is not None:
            self.api.stop_watch(self.watcher)


# -- the HTTP side --------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """One connection (HTTP/1.1, keep-alive). Everything but I/O runs on the loop thread."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    #: idle keep-alive connections are closed after this many seconds
    timeout = 120
    server: APIHTTPServer

    # -- plumbing --------------------------------------------------------------------------

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()
        self.server.track(self.request, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.request, False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")

    def version_string(self) -> str:
        return ""

    def send_response(self, code: int, message: str | None = None) -> None:
        # like Go's net/http: no Server header
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The stdlib's, formatted once a second (it has a one-second resolution)."""
        global _date_cache
        if timestamp is not None:
            return super().date_time_string(timestamp)
        now = int(time.time())
        cached = _date_cache
        if cached[0] != now:
            cached = _date_cache = (now, formatdate(now, usegmt=True))
        return cached[1]

    def parse_request(self) -> bool:
        """``BaseHTTPRequestHandler.parse_request`` for the usual request — ``METHOD path
        HTTP/1.1`` and plain ``Name: value`` header lines — with the header lines split here
        instead of by the email feed parser (most of the stdlib's parsing time); the result is
        the same ``HTTPMessage``. Anything else takes the stdlib's path."""
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = requestline.split()
        if len(words) != 3 or words[2] != "HTTP/1.1":
            return super().parse_request()
        self.requestline = requestline
        self.request_version = "HTTP/1.1"
        self.close_connection = False
        self.command, path = words[0], words[1]
        if path.startswith("//"):
            path = "/" + path.lstrip("/")
        self.path = path
        try:
            lines = http.client._read_headers(self.rfile)  # type: ignore[attr-defined]
        except http.client.LineTooLong as err:
            self.send_error(431, "Line too long", str(err))
            return False
        except http.client.HTTPException as err:
            self.send_error(431, "Too many headers", str(err))
            return False
        fields: list[tuple[str, str]] = []
        match = _HEADER_LINE.match
        for line in lines[:-1]:  # the last one is the blank line (or EOF)
            if match(line) is None:
                self.headers = email.parser.Parser(_class=self.MessageClass).parsestr(
                    b"".join(lines).decode("iso-8859-1"))
                break
            name, _, value = line.decode("iso-8859-1").partition(":")
            fields.append((name, value.lstrip(" \t")[:-2]))
        else:
            msg = self.MessageClass()
            msg._headers = fields
            msg._payload = ""
            self.headers = msg
        conntype = self.headers.get("Connection", "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive":
            self.close_connection = False
        if self.headers.get("Expect", "").lower() == "100-continue":
            return bool(self.handle_expect_100())
        return True

    def _write(self, reply: Reply, head: bool = False) -> None:
        self.send_response(reply.code)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if not any(k.lower() == "cache-control" for k, _ in reply.headers):
            self.send_header("Cache-Control", "no-cache, private")
        for k, v in reply.headers:
            self.send_header(k, v)
        # the head and a small body in one write (one TLS record, one send); a large body
        # is written on its own rather than copied once more into the head's buffer
        self._headers_buffer.append(b"\r\n")
        small = len(reply.body) <= _ONE_WRITE_LIMIT
        if not head and small and reply.body:
            self._headers_buffer.append(reply.body)
        self.server.count()  # before the answer leaves: a client that got it sees it counted
        self.flush_headers()
        if not head and not small:
            self.wfile.write(reply.body)

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                total += size
                if total > MAX_REQUEST_BODY_BYTES:
                    self.close_connection = True
                    raise errors.request_entity_too_large(f"limit is {MAX_REQUEST_BODY_BYTES}")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if not length:
            return None
        n = int(length)
        if n > MAX_REQUEST_BODY_BYTES:
            # read what the client sends (so it sees the answer), keep none of it
            if n <= DRAIN_LIMIT:
                left = n
                while left > 0:
                    got = self.rfile.read(min(left, 1 << 16))
                    if not got:
                        break
                    left -= len(got)
            else:
                self.close_connection = True
            raise errors.request_entity_too_large(f"limit is {MAX_REQUEST_BODY_BYTES}")
        return self.rfile.read(n) if n else b""

    # -- dispatch ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        head = method == "HEAD"
        try:
            body = self._read_body()
            info = request_info(method, self.path)
            reply = self._handle(method, info, body)
        except errors.StatusError as exc:
            reply = _status_reply(exc)
        except (ValueError, UnicodeDecodeError) as exc:
            reply = _status_reply(errors.bad_request(str(exc)))
        except TimeoutError:
            reply = _status_reply(errors.timeout(
                "request did not complete within requested timeout - context deadline "
                "exceeded"))
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True
            return
        except Exception as exc:  # a bug must answer 500, not kill the connection thread
            reply = _status_reply(errors.internal_error(f"{type(exc).__name__}: {exc}"))
        if reply is None:  # a watch wrote its own response
            return
        try:
            self._write(reply, head)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True

    def _credentials(self) -> tuple[dict[str, str], tuple[str, tuple[str, ...]] | None]:
        headers: dict[str, str] = {}
        for k, v in self.headers.items():  # a repeated header (Impersonate-Group) joins
            headers[k] = f"{headers[k]}, {v}" if k in headers else v
        cert = None
        if isinstance(self.connection, ssl.SSLSocket) and self.server.client_ca_pem:
            cert = peer_identity(self.connection)
        return headers, cert

    def _handle(self, method: str, info: RequestInfo, body: bytes | None) -> Reply | None:
        httpd = self.server
        headers, cert = self._credentials()
        agent = self.headers.get("User-Agent", "")
        parent = self.headers.get(PARENT_HEADER) or None
        accept = self.headers.get("Accept", "")
        ctype = self.headers.get("Content-Type", "application/json")
        if not info.is_resource_request:
            req = Request(verb=info.verb, path=info.path, headers=headers, client_cert=cert,
                          user_agent=agent, parent_id=parent, version="")
            return _loop_call(httpd.driver, _serve_path, httpd, req, info, accept,
                              _query_lists(self.path))
        neg = negotiate(accept)
        if neg is None:
            raise errors.not_acceptable(NOT_ACCEPTABLE_MESSAGE)
        if body and is_protobuf(ctype) and lookup(info.api_group, info.resource) is not None:
            # a resource that is not served is a 404 from the mux before any body is read
            body, ctype = dumps(decode_protobuf(body)).encode(), _JSON
        elif body and method in ("POST", "PUT"):
            body, ctype = _default_type_meta(info, body, ctype)
        req = to_request(info, body=body, content_type=ctype, headers=headers,
                         client_cert=cert, user_agent=agent, parent_id=parent)
        if req.verb == "watch":
            causes = parse_bool(self.headers.get(CAUSE_HEADER, ""))
            self._watch(req, neg, causes)
            return None
        if req.resource == "pods" and req.subresource in STREAM_SUBRESOURCES:
            return serve_exec(self, req)  # kubectl exec/attach: a WebSocket (.exec)
        if req.resource == "pods" and req.subresource == "portforward":
            return serve_portforward(self, req)  # kubectl port-forward: SPDY (.portforward)
        pretty = parse_bool(info.params.get("pretty", ""))
        if method == "GET" and req.subresource == "log" and \
                parse_bool(info.params.get("follow", "")) and \
                not parse_bool(info.params.get("previous", "")):
            return self._follow_log(req, neg, pretty)
        return _loop_call(httpd.driver, _serve_resource, httpd.api, req, neg, pretty)

    # -- watch ------------------------------------------------------------------------------

    def _watch(self, req: Request, neg: Negotiated, causes: bool) -> None:
        httpd = self.server
        stream = _WatchStream(httpd.api, req, neg, causes)
        agent = req.user_agent or "http"
        try:
            httpd.driver.call(stream.start, f"{agent}@{self.client_address[0]}",
                              timeout=REQUEST_TIMEOUT)
        except errors.StatusError as exc:
            if exc.code != 410:
                self._write(_status_reply(exc))
                return
            # the cacher's newErrWatcher: the watch "succeeds" and says ERROR at once
            stream.queue.put((dumps({"type": "ERROR", "object": exc.status}) + "\n").encode())
            stream.queue.put(_STOP)
        timeout = _watch_timeout(req)
        deadline = time.monotonic() + timeout
        try:
            self.send_response(200)
            self.send_header("Content-Type", _JSON)
            self.send_header("Cache-Control", "no-cache, private")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            httpd.count()
            while not httpd.stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    item = stream.queue.get(timeout=min(remaining, 0.25))
                except queue.Empty:
                    if self._peer_closed():
                        break
                    continue
                if item is _STOP:
                    break
                batch = [item]
                while True:  # write what is queued in one go (flush when the queue is empty)
                    try:
                        nxt = stream.queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        self._chunks(batch)
                        batch = []
                        raise _EndOfWatch
                    batch.append(nxt)
                self._chunks(batch)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except _EndOfWatch:
            try:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except OSError:
                self.close_connection = True
        except (OSError, ssl.SSLError):
            self.close_connection = True
        finally:
            httpd.driver.call_soon_threadsafe(stream.stop)

    def _follow_log(self, req: Request, neg: Negotiated, pretty: bool) -> Reply | None:
        """``pods/log?follow=true`` (``kubectl logs -f``): the log so far, then what the
        container writes, chunked, until it stops (or the client goes away)."""
        httpd = self.server
        reply, follow = httpd.driver.call(_log_start, httpd.api, req, neg, pretty,
                                          timeout=REQUEST_TIMEOUT)
        if follow is None:
            return reply
        try:
            self.send_response(200)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Cache-Control", "no-cache, private")
            self.send_header("Transfer-Encoding", "chunked")
            for k, v in reply.headers:
                self.send_header(k, v)
            self.end_headers()
            httpd.count()
            self._chunks([reply.body] if reply.body else [])
            done = follow.limit is not None and follow.sent >= follow.limit
            while not done and not httpd.stopping.wait(LOG_FOLLOW_INTERVAL):
                if self._peer_closed():
                    break
                try:
                    data, done = httpd.driver.call(_log_next, httpd.api, follow,
                                                   timeout=REQUEST_TIMEOUT)
                except (RuntimeError, TimeoutError):  # the loop stopped
                    break
                self._chunks([data] if data else [])
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (OSError, ssl.SSLError):
            self.close_connection = True
        return None

    def _chunks(self, items: list[bytes]) -> None:
        out = bytearray()
        for data in items:
            out += f"{len(data):x}\r\n".encode() + data + b"\r\n"
        if out:
            self.wfile.write(bytes(out))
            self.wfile.flush()

    def _peer_closed(self) -> bool:
        """Did the client go away during an idle watch? (readable with nothing to read)."""
        sock = self.connection
        try:
            if isinstance(sock, ssl.SSLSocket) and sock.pending():
                return False
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                return False
            return not sock.recv(1)
        except ssl.SSLWantReadError:
            return False
        except (OSError, ValueError):
            return True


class _EndOfWatch(Exception):
    pass


def _loop_call(driver: RealTimeDriver, fn: Callable[..., Any], *args: Any,
               timeout: float = REQUEST_TIMEOUT) -> Any:
    """``driver.call(fn, *args)`` for one request: run ``fn`` on the loop thread and wait for
    its result (or exception). A bare lock is the hand-off — released by the loop thread when
    the result is there — instead of a ``Future``, whose ``Condition`` allocates a waiter lock
    per wait and notifies through it: that is measurable per request."""
    done = threading.Lock()
    done.acquire()
    out: list[Any] = []

    def run() -> None:
        try:
            out.append((True, fn(*args)))
        except BaseException as exc:
            out.append((False, exc))
        finally:
            done.release()

    driver.call_soon_threadsafe(run)
    if not done.acquire(timeout=timeout):
        raise TimeoutError(f"{getattr(fn, '__name__', fn)} did not complete in {timeout} s")
    ok, value = out[0]
    if not ok:
        raise value
    return value


def _default_type_meta(info: RequestInfo, body: bytes, ctype: str) -> tuple[bytes, str]:
    """The decoder's default GVK (``runtime.Decode(body, &defaultGVK, ...)``): a create or
    update body without ``kind`` / ``apiVersion`` gets those of the URL's resource (or
    subresource), as upstream's JSON/YAML serializer fills them in. Bodies that have both are
    passed on untouched (byte for byte: strict field validation reads them)."""
    media = ctype.split(";")[0].strip().lower()
    if media == _JSON and b'"kind"' in body and b'"apiVersion"' in body:
        return body, ctype
    resource = lookup(info.api_group, info.resource)
    if resource is None or media not in (_JSON, "application/yaml", "text/yaml"):
        return body, ctype
    try:
        obj = json.loads(body) if media == _JSON else yaml.safe_load(body)
    except (ValueError, yaml.YAMLError):
        return body, ctype  # the handlers report the parse error with upstream's text
    if not isinstance(obj, dict) or (obj.get("kind") and obj.get("apiVersion")):
        return body, ctype
    kind, api_version = resource.kind, resource.api_version
    sub = resource.subresource(info.subresource) if info.subresource else None
    if sub is not None:
        kind = sub.kind
        if sub.group or sub.version:
            api_version = f"{sub.group}/{sub.version}" if sub.group else sub.version
    obj.setdefault("kind", kind)
    obj.setdefault("apiVersion", api_version)
    if not obj["kind"]:
        obj["kind"] = kind
    if not obj["apiVersion"]:
        obj["apiVersion"] = api_version
    return dumps(obj).encode(), _JSON


def _query_lists(path: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(path).query, keep_blank_values=True)


def _watch_timeout(req: Request) -> float:
    value = req.param("timeoutSeconds")
    if value:
        try:
            return max(0.0, float(int(value)))
        except ValueError:
            raise errors.bad_request(f'invalid timeoutSeconds: "{value}"') from None
    return MIN_REQUEST_TIMEOUT * (random.random() + 1.0)


# -- the server -----------------------------------------------------------------------------------


class APIHTTPServer(ThreadingHTTPServer):
    """The HTTPS server. ``url`` is where it listens; ``ca`` the CA whose certificate clients
    trust (and that signs client certificates); :meth:`stop` ends it and its watches."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], api: APIServer, driver: RealTimeDriver,
                 ssl_context: ssl.SSLContext | None, *, ca: CertificateAuthority | None = None,
                 client_ca_pem: bytes | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        super().__init__(address, _Handler)
        self.api = api
        self.driver = driver
        self.ssl_context = ssl_context
        self.ca = ca
        self.client_ca_pem = client_ca_pem
        self.log = log
        self.stopping = threading.Event()
        self.requests = 0
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._thread: threading.Thread | None = None
        host, port = self.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        self.server_address_string = f"{host}:{port}"
        scheme = "https" if ssl_context is not None else "http"
        self.url = f"{scheme}://{host}:{port}"

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate clients should trust (kubeconfig ``certificate-authority-data``)."""
        return self.ca.cert_pem if self.ca is not None else b""

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True,
                                                do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        # TLS handshakes that fail and clients that hang up are not server errors
        if self.log is not None:
            import traceback

            self.log(f"{client_address}: {traceback.format_exc(limit=2).strip()}")

    def track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._conns.add(sock)
            else:
                self._conns.discard(sock)

    def count(self) -> None:
        with self._lock:
            self.requests += 1

    def start(self) -> None:
        """Serve on a daemon thread."""
        t = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                             name=f"k8s-internals-https-{self.server_address[1]}",
                             daemon=True)
        self._thread = t
        t.start()

    def stop(self) -> None:
        """Stop accepting, end the watches, close every connection."""
        self.stopping.set()
        self.shutdown()
        self.server_close()
        with self._lock:
            conns = list(self._conns)
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(5)


def enable_client_certificates(api: APIServer) -> None:
    """``--client-ca-file``: put the x509 authenticator first in the request authenticator
    (before the bearer tokens, as upstream's union). The TLS layer has already verified the
    chain; the authenticator reads CN/O and checks the validity window on the kernel's clock."""
    from ..authn.union import AuthenticatedGroupAdder, UnionAuthenticator
    from ..authn.x509 import X509Authenticator

    auth = api.authenticator

    def inner_union(a: Any) -> UnionAuthenticator | None:
        candidates = a.authenticators if isinstance(a, UnionAuthenticator) else [a]
        for m in candidates:
            if isinstance(m, AuthenticatedGroupAdder) and isinstance(m.authenticator,
                                                                     UnionAuthenticator):
                return m.authenticator
        return None

    union = inner_union(auth)
    x509 = X509Authenticator(clock=lambda: api.kernel.datetime().astimezone(UTC))
    if union is not None:
        if not any(isinstance(m, X509Authenticator) for m in union.authenticators):
            union.authenticators.insert(0, x509)
        return
    api.authenticator = UnionAuthenticator(AuthenticatedGroupAdder(x509), auth,
                                           fail_on_error=True, name="authentication")


def limit_anonymous(api: APIServer, paths: tuple[str, ...] = PUBLIC_INFO_PATHS) -> bool:
    """Restrict the anonymous authenticator to ``paths`` (``anonymous.conditions``); False if
    the server has no anonymous authenticator."""
    from ..authn.anonymous import AnonymousAuthenticator

    found = False

    def walk(a: Any) -> None:
        nonlocal found
        if isinstance(a, AnonymousAuthenticator):
            a.paths = frozenset(paths)
            found = True
        for m in getattr(a, "authenticators", ()):
            walk(m)
        inner = getattr(a, "authenticator", None)
        if inner is not None:
            walk(inner)

    walk(api.authenticator)
    return found


def serve_api(server: APIServer, driver: RealTimeDriver, port: int = 0,
              host: str = "127.0.0.1", *, tls: bool = True,
              ca: CertificateAuthority | None = None, serving: KeyPair | None = None,
              extra_sans: tuple[str, ...] = (), client_certificates: bool = True,
              anonymous_paths: tuple[str, ...] | None = PUBLIC_INFO_PATHS,
              log: Callable[[str], None] | None = None) -> tuple[APIHTTPServer, str]:
    """Serve ``server`` over HTTPS on ``host:port`` (0: a free port) and return the running
    server and its URL. A CA and a serving certificate are made unless given; with
    ``client_certificates`` the CA also verifies client certificates (x509 authentication);
    ``anonymous_paths`` limits anonymous access (``None``: as assembled, every path).
    ``tls=False`` serves plain HTTP (kubectl then sends no token: for tests of the routing
    only). Stop it with ``httpd.stop()``. The driver must be running (``driver.start()``)."""
    if anonymous_paths is not None:
        driver.call(limit_anonymous, server, anonymous_paths)
    ssl_ctx = None
    client_ca = None
    if tls:
        ca = ca or new_ca()
        sans = (*discovery_sans(host), *extra_sans)
        serving = serving or ca.serving_cert(sans)
        client_ca = ca.cert_pem if client_certificates else None
        ssl_ctx = server_ssl_context(serving, client_ca)
    # the x509 authenticator also carries impersonated identities (see .impersonation)
    driver.call(enable_client_certificates, server)
    httpd = APIHTTPServer((host, port), server, driver, ssl_ctx, ca=ca, client_ca_pem=client_ca,
                          log=log)
    httpd.start()
    return httpd, httpd.url


def discovery_sans(host: str) -> tuple[str, ...]:
    """The serving certificate's names: kubeadm's list, plus ``host``."""
    from .tls import DEFAULT_SANS

    return (*DEFAULT_SANS, host) if host not in DEFAULT_SANS and host not in ("", "0.0.0.0") \
        else DEFAULT_SANS
