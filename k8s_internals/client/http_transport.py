"""The HTTPS transport: the same :class:`~k8s_internals.client.client.Client` over the REST API.

:class:`HTTPSTransport` implements the :class:`~k8s_internals.client.transport.Transport`
protocol (``request``, ``watch``, ``now``) against any Kubernetes API server — ours
(:mod:`k8s_internals.api.http`) or a real one — so a component can run in its own process and
still use the client, informers and work queues it uses in the simulation.

Threads and the loop (read this before wiring a component)
---------------------------------------------------------
A component in its own process runs its own :class:`~k8s_internals.sim.Kernel` advanced by a
:class:`~k8s_internals.sim.realtime.RealTimeDriver`, and everything it does happens on the
driver's loop thread, exactly as in the simulation. Two kinds of calls cross the network:

- ``request()`` is synchronous: the calling thread (the loop thread, inside a handler or a
  worker) blocks until the answer arrives, like client-go's ``Do()``. One keep-alive connection
  per calling thread.
- ``watch()`` connects synchronously — so 401/403/404 raise at once, as in-process — and then
  reads the chunked stream on a **reader thread** of its own. Each event is handed to
  ``dispatch(send, type, object, cause)``. Pass ``driver=`` (or
  ``dispatch=driver.call_soon_threadsafe``) and every ``send`` runs **on the loop thread**, in
  the order the server sent the events; without it, ``send`` runs on the reader thread (only
  for scripts and tests that do their own locking).

A watch handle behaves like an in-process watch, which never ends: it is client-go's
``RetryWatcher`` plus the part of the reflector that relists.

- When the server ends the stream (``timeoutSeconds``, a restart) the handle watches again
  from the last ``resourceVersion`` it delivered (bookmarks count: it asks for them).
- When the server answers ``410 Gone`` (the first event is ``ERROR`` with an ``Expired``
  Status: the version was compacted away while the handle was disconnected), the handle lists
  again and delivers the difference as events: ``ADDED``/``MODIFIED`` for what is new or
  changed, ``DELETED`` (with the last metadata it knew) for what is gone — what the
  reflector's relist and ``DeltaFIFO.Replace`` achieve for an informer. To know what its
  caller holds, the handle lists the metadata at the watch's starting version once, right after
  it connects (``PartialObjectMetadataList``, ``resourceVersionMatch=Exact``), and follows
  the events from there.
- Other ``ERROR`` events and broken connections are retried with a backoff (0.5 s doubling to
  10 s).

Causality travels in two headers of :mod:`k8s_internals.api.http` (our server only; a real API
server ignores them): each request sends its ``parent_id`` in ``X-K8s-Internals-Parent``, and a
watch asks for each event's trace id with ``X-K8s-Internals-Watch-Causes: true``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from ..api.errors import StatusError
from ..api.request import Request, Response
from ..api.resources import lookup
from .transport import WatchSend

if TYPE_CHECKING:
    from ..sim.realtime import RealTimeDriver

__all__ = ["HTTPSTransport", "HTTPWatch", "request_path"]

PARENT_HEADER = "X-K8s-Internals-Parent"
CAUSE_HEADER = "X-K8s-Internals-Watch-Causes"
_METHODS = {"get": "GET", "list": "GET", "watch": "GET", "create": "POST", "update": "PUT",
            "patch": "PATCH", "delete": "DELETE", "deletecollection": "DELETE"}
_PARTIAL_LIST = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"

Dispatch = Callable[..., None]


def request_path(req: Request) -> str:
    """The URL path and query of a :class:`Request` (``requestinfo.go`` in reverse).

    >>> request_path(Request("list", "deployments", "apps", "v1", namespace="default",
    ...                      params={"limit": "500"}))
    '/apis/apps/v1/namespaces/default/deployments?limit=500'
    """
    if not req.resource:
        path = req.path or "/"
    else:
        path = f"/apis/{req.group}/{req.version}" if req.group else f"/api/{req.version}"
        if req.namespace and not (req.resource == "namespaces" and not req.group):
            path += f"/namespaces/{quote(req.namespace, safe='')}"
        path += f"/{req.resource}"
        if req.name and req.verb not in ("list", "watch", "deletecollection"):
            path += f"/{quote(req.name, safe='')}"
            if req.subresource:
                path += f"/{req.subresource}"
        elif req.name and req.verb == "watch":
            params = dict(req.params)
            selector = params.get("fieldSelector", "")
            term = f"metadata.name={req.name}"
            if term not in selector.split(","):
                params["fieldSelector"] = f"{selector},{term}" if selector else term
            query = urlencode(params)
            return f"{path}?{query}" if query else path
    query = urlencode(req.params)
    return f"{path}?{query}" if query else path


def _body_bytes(body: Any) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, separators=(",", ":")).encode()


def _warnings(resp: http.client.HTTPResponse) -> list[str]:
    out = []
    for value in resp.headers.get_all("Warning") or []:
        _, _, rest = value.partition(" ")
        _, _, text = rest.partition(" ")
        text = text.strip()
        if text.startswith('"') and text.endswith('"'):
            text = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        out.append(text)
    return out


def _status_of(code: int, data: bytes, ctype: str) -> dict[str, Any]:
    if ctype.startswith("application/json"):
        with contextlib.suppress(ValueError):
            body = json.loads(data)
            if isinstance(body, dict) and body.get("kind") == "Status":
                return body
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": data.decode(errors="replace").strip() or http.client.responses.get(
                code, ""), "code": code}


class HTTPSTransport:
    """A :class:`Transport` over HTTPS (see the module docstring for the threading rules).

    ``ca_data`` is the PEM of the CA to trust (a kubeconfig's ``certificate-authority-data``,
    decoded); identity is a bearer ``token`` and/or a client certificate ``client_cert=(cert
    PEM, key PEM)``. A request that carries its own ``Authorization`` header (a
    :class:`Client` with a token) keeps it.
    """

    def __init__(
        self,
        server_url: str,
        ca_data: bytes | str,
        token: str | None = None,
        client_cert: tuple[bytes, bytes] | None = None,
        *,
        driver: RealTimeDriver | None = None,
        dispatch: Dispatch | None = None,
        clock: Callable[[], float] | None = None,
        timeout: float = 30.0,
        user_agent: str = "k8s-internals",
        resync_on_expiry: bool = True,
    ) -> None:
        url = urlsplit(server_url)
        if url.scheme not in ("https", "http"):
            raise ValueError(f"unsupported server URL {server_url!r}")
        self.server_url = server_url.rstrip("/")
        self.scheme = url.scheme
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.token = token
        self.timeout = timeout
        self.user_agent = user_agent
        self.resync_on_expiry = resync_on_expiry
        ca = ca_data.encode() if isinstance(ca_data, str) else ca_data
        self.ssl_context: ssl.SSLContext | None = None
        if self.scheme == "https":
            from ..api.http.tls import KeyPair, client_ssl_context

            pair = KeyPair(*client_cert) if client_cert is not None else None
            self.ssl_context = client_ssl_context(ca, pair)
        self.driver = driver
        self.dispatch: Dispatch | None = dispatch or (
            driver.call_soon_threadsafe if driver is not None else None)
        self._clock = clock or ((lambda: float(driver.kernel.now)) if driver is not None
                                else time.monotonic)
        self._local = threading.local()
        self.requests = 0
        self._watches: set[HTTPWatch] = set()
        self._lock = threading.Lock()

    # -- connections ----------------------------------------------------------------------------

    def connect(self, timeout: float | None = None) -> http.client.HTTPConnection:
        """A new connection to the server (TCP_NODELAY: see the facts on Nagle)."""
        if self.ssl_context is not None:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self.host, self.port, context=self.ssl_context, timeout=timeout)
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        conn.connect()
        if conn.sock is not None:
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.connect(self.timeout)
            self._local.conn = conn
            self._local.used = False
        return conn  # type: ignore[no-any-return]

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def headers(self, req: Request, accept: str = "application/json") -> dict[str, str]:
        h = {"Accept": accept, "User-Agent": req.user_agent or self.user_agent}
        for k, v in req.headers.items():
            if k.lower() in ("authorization", "user-agent", "accept") or \
                    k.lower().startswith("impersonate-"):
                h[k.title() if k.lower() != "authorization" else "Authorization"] = v
        if "Authorization" not in h and self.token:
            h["Authorization"] = f"Bearer {self.token}"
        if req.parent_id:
            h[PARENT_HEADER] = req.parent_id
        return h

    def raw(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) \
            -> tuple[int, dict[str, str], bytes, list[str]]:
        """One round trip on this thread's keep-alive connection: ``(code, headers, body,
        warnings)``. A connection the server closed while idle is reopened once."""
        for attempt in (0, 1):
            conn = self._conn()
            reused = bool(getattr(self._local, "used", False))
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError,
                    http.client.CannotSendRequest, ssl.SSLEOFError):
                self._drop()
                if attempt == 0 and reused:
                    continue
                raise
            self._local.used = True
            if resp.will_close:
                self._drop()
            self.requests += 1
            return resp.status, dict(resp.headers.items()), data, _warnings(resp)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- the Transport protocol ---------------------------------------------------------------

    def request(self, req: Request) -> Response:
        body = _body_bytes(req.body)
        headers = self.headers(req)
        if body is not None:
            headers["Content-Type"] = req.content_type
        code, rh, data, warnings = self.raw(_METHODS.get(req.verb, "GET"), request_path(req),
                                            body, headers)
        ctype = rh.get("Content-Type", "")
        trace_id = rh.get("Audit-Id", "")
        if 200 <= code < 300:
            if ctype.startswith("application/json"):
                return Response(code, json.loads(data) if data else None, "application/json",
                                trace_id, warnings)
            return Response(code, data.decode(errors="replace"), ctype or "text/plain",
                            trace_id, warnings)
        return Response(code, _status_of(code, data, ctype), "application/json", trace_id,
                        warnings)

    def watch(self, req: Request, send: WatchSend, name: str) -> HTTPWatch:
        """Start a watch (see the module docstring); raises :class:`StatusError` when the
        server refuses it."""
        w = HTTPWatch(self, req, send, name)
        w.open_first()
        with self._lock:
            self._watches.add(w)
        return w

    def now(self) -> float:
        return self._clock()

    def close(self) -> None:
        """Stop every watch and close this thread's connection."""
        with self._lock:
            watches = list(self._watches)
        for w in watches:
            w.stop()
        self._drop()

    def _forget(self, w: HTTPWatch) -> None:
        with self._lock:
            self._watches.discard(w)


def _key(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace") or ""
    return f"{ns}/{meta.get('name', '')}" if ns else str(meta.get("name", ""))


class HTTPWatch:
    """One watch over HTTPS: a reader thread, reconnects, relist on ``410``."""

    def __init__(self, transport: HTTPSTransport, req: Request, send: WatchSend,
                 name: str) -> None:
        self.transport = transport
        self.req = req
        self.send = send
        self.name = name
        self.resource_version = req.param("resourceVersion")
        self.stopped = threading.Event()
        #: what the caller holds: key → metadata-only object (for relists after 410)
        self.known: dict[str, dict[str, Any]] = {}
        self.relists = 0
        self.reconnects = 0
        self.errors: list[str] = []
        self._conn: http.client.HTTPConnection | None = None
        self._resp: http.client.HTTPResponse | None = None
        self._thread: threading.Thread | None = None
        self._seed = transport.resync_on_expiry and self.resource_version not in ("", "0")
        self._track = transport.resync_on_expiry

    # -- connecting -----------------------------------------------------------------------

    def _open(self) -> None:
        params = dict(self.req.params)
        params["watch"] = "true"
        params["allowWatchBookmarks"] = "true"
        if self.resource_version:
            params["resourceVersion"] = self.resource_version
        else:
            params.pop("resourceVersion", None)
        req = Request(self.req.verb, self.req.resource, self.req.group, self.req.version,
                      self.req.namespace, self.req.name, params=params,
                      headers=self.req.headers, parent_id=self.req.parent_id,
                      user_agent=self.req.user_agent)
        headers = self.transport.headers(req)
        headers[CAUSE_HEADER] = "true"
        conn = self.transport.connect(timeout=self.transport.timeout)
        conn.request("GET", request_path(req), headers=headers)
        resp = conn.getresponse()
        if resp.status != 200:
            data = resp.read()
            conn.close()
            raise StatusError(_status_of(resp.status, data, resp.headers.get(
                "Content-Type", "")))
        if conn.sock is not None:
            conn.sock.settimeout(None)  # an idle watch is not an error
        self._conn, self._resp = conn, resp

    def open_first(self) -> None:
        """The synchronous part of :meth:`HTTPSTransport.watch`."""
        self._open()
        self._thread = threading.Thread(target=self._run, name=f"watch {self.req.resource}",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop: no event is delivered after this returns (on the dispatch thread)."""
        self.stopped.set()
        conn = self._conn
        if conn is not None and conn.sock is not None:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()
        self.transport._forget(self)

    # -- delivering -----------------------------------------------------------------------

    def _deliver(self, etype: str, obj: dict[str, Any], cause: str | None) -> None:
        if self.stopped.is_set():
            return
        dispatch = self.transport.dispatch
        if dispatch is None:
            self._send(etype, obj, cause)
        else:
            dispatch(self._send, etype, obj, cause)

    def _send(self, etype: str, obj: dict[str, Any], cause: str | None) -> None:
        if not self.stopped.is_set():
            self.send(etype, obj, cause)

    def _note(self, etype: str, obj: dict[str, Any]) -> None:
        rv = (obj.get("metadata") or {}).get("resourceVersion")
        if rv:
            self.resource_version = str(rv)
        if not self._track or etype in ("BOOKMARK", "ERROR"):
            return
        key = _key(obj)
        if etype == "DELETED":
            self.known.pop(key, None)
        else:
            self.known[key] = {"kind": obj.get("kind"), "apiVersion": obj.get("apiVersion"),
                               "metadata": dict(obj.get("metadata") or {})}

    # -- the reader thread ----------------------------------------------------------------

    def _run(self) -> None:
        backoff = 0.5
        if self._seed:
            self._seed_known()
        while not self.stopped.is_set():
            try:
                if self._resp is None:
                    self._open()
                    self.reconnects += 1
                expired = self._read()
                backoff = 0.5
                if expired and not self.stopped.is_set():
                    self._relist()
            except StatusError as exc:
                if exc.code == 410:
                    self._relist()
                    continue
                self.errors.append(exc.message)
                self._sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            except Exception as exc:  # a broken stream, or one stop() closed under us
                if self.stopped.is_set():
                    break
                self.errors.append(f"{type(exc).__name__}: {exc}")
                self._sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                self._close_stream()

    def _sleep(self, seconds: float) -> None:
        self.stopped.wait(seconds)

    def _close_stream(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
        self._conn, self._resp = None, None

    def _read(self) -> bool:
        """Read events until the stream ends; True when it ended with ``410``."""
        resp = self._resp
        assert resp is not None
        while not self.stopped.is_set():
            line = resp.readline()
            if not line:
                return False
            if not line.strip():
                continue
            event = json.loads(line)
            etype, obj = event.get("type", ""), event.get("object") or {}
            if etype == "ERROR":
                if int(obj.get("code", 0)) == 410:
                    return True
                raise StatusError(obj)
            self._note(etype, obj)
            self._deliver(etype, obj, event.get("cause"))
        return False

    def _list(self, accept: str, params: dict[str, str]) -> dict[str, Any]:
        p = {k: v for k, v in self.req.params.items()
             if k in ("labelSelector", "fieldSelector")}
        if self.req.name:
            term = f"metadata.name={self.req.name}"
            p["fieldSelector"] = f"{p['fieldSelector']},{term}" if p.get("fieldSelector") \
                else term
        p.update(params)
        req = Request("list", self.req.resource, self.req.group, self.req.version,
                      self.req.namespace, params=p, headers=self.req.headers,
                      user_agent=self.req.user_agent)
        conn = self.transport.connect(timeout=self.transport.timeout)
        try:
            conn.request("GET", request_path(req), headers=self.transport.headers(req, accept))
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        ctype = resp.headers.get("Content-Type", "")
        if resp.status != 200:
            raise StatusError(_status_of(resp.status, data, ctype))
        return json.loads(data)  # type: ignore[no-any-return]

    def _seed_known(self) -> None:
        try:
            out = self._list(_PARTIAL_LIST, {"resourceVersion": self.resource_version,
                                             "resourceVersionMatch": "Exact"})
        except (StatusError, OSError, http.client.HTTPException, ValueError) as exc:
            self.errors.append(f"seed: {exc}")
            return
        info = lookup(self.req.group, self.req.resource)
        kind = info.kind if info is not None else ""
        api_version = info.api_version if info is not None else ""
        for item in out.get("items", []):
            self.known.setdefault(_key(item), {
                "kind": kind, "apiVersion": api_version,
                "metadata": dict(item.get("metadata") or {})})

    def _relist(self) -> None:
        """The reflector's relist after ``410``, delivered as the events that bring the caller
        from what it holds to what is there now."""
        self.relists += 1
        out = self._list("application/json", {})
        listed: dict[str, dict[str, Any]] = {}
        kind = str(out.get("kind", "")).removesuffix("List")
        for item in out.get("items", []):
            obj = {"kind": kind, "apiVersion": out.get("apiVersion"), **item}
            listed[_key(obj)] = obj
        for key, obj in listed.items():
            old = self.known.get(key)
            rv = (obj.get("metadata") or {}).get("resourceVersion")
            if old is None:
                self._note("ADDED", obj)
                self._deliver("ADDED", obj, None)
            elif (old.get("metadata") or {}).get("resourceVersion") != rv:
                self._note("MODIFIED", obj)
                self._deliver("MODIFIED", obj, None)
        for key in [k for k in self.known if k not in listed]:
            gone = self.known[key]
            self._note("DELETED", gone)
            self._deliver("DELETED", gone, None)
        self.resource_version = str((out.get("metadata") or {}).get("resourceVersion", ""))
