"""``pods/exec`` and ``pods/attach`` over the HTTPS front: ``kubectl exec`` and ``kubectl
attach`` against ``k8s-internals serve``.

What kubectl 1.32 sends (measured with ``-v=9``): ``GET /api/v1/namespaces/<ns>/pods/<pod>/exec
?command=<argv[0]>&command=<argv[1]>...&container=<c>&stdin=true&stdout=true&stderr=true
&tty=true`` with ``Upgrade: websocket`` and ``Sec-WebSocket-Protocol: v5.channel.k8s.io``
(``client-go/tools/remotecommand/websocket.go``). Any answer but ``101`` is an upgrade
failure, and kubectl falls back to SPDY: the same URL with ``POST`` and ``X-Stream-Protocol-
Version: v5.channel.k8s.io, v4...`` (``remotecommand/fallback.go``); the error kubectl
prints is the SPDY attempt's. So both methods run the same checks, in upstream's order:

1. authentication and authorization — RBAC sees verb ``get`` for the WebSocket ``GET`` and
   ``create`` for the ``POST`` on the subresource ``pods/exec`` (``requestinfo.go`` maps the
   method; 1.32 has no extra ``create`` check for WebSockets): the viewer's error is
   ``pods "x" is forbidden: User "viewer" cannot create resource "pods/exec" in API group ""
   in the namespace "default"``;
2. the pod (``pods "x" not found``), then ``streamLocation``
   (``pkg/registry/core/pod/strategy.go``): the container — the only one when none is named,
   else ``a container name must be specified for pod x, choose one of: [a b]``; one the pod
   does not have is ``container c is not valid for pod x`` (400) — and the node
   (``pod x does not have a host assigned``);
3. the kubelet (``pkg/registry/core/pod/rest/subresources.go``, ``ExecREST.Connect``, proxied
   with the ``UpgradeAwareHandler``): no kubelet in this process (``k8s-internals run
   apiserver``) answers as an unreachable one, ``error dialing backend: dial tcp
   <hostIP>:10250: connect: connection refused``; a container that is not running is the
   kubelet's plain-text ``404 container not found ("c")``, which kubectl prints as ``error:
   unable to upgrade connection: container not found ("c")``.

Then the WebSocket (:mod:`.websocket`): ``101 Switching Protocols`` with
``Sec-WebSocket-Accept`` and the negotiated ``v5.channel.k8s.io``; an empty message on the
lowest writable channel ("the connection is established", ``proxy/websocket.go``); stdout
and stderr as the command writes them; stdin, the resize channel and v5's close signal from
the client; pings answered with pongs; at the end the ``Status`` on channel 3
(:func:`~k8s_internals.node.kubelet.exec.exec_status`) and a close frame, after which the
server waits (briefly) for the client's close, as ``conns.finish`` does.

The command runs in the container through the node's simulated runtime
(:class:`~k8s_internals.node.kubelet.exec.ExecSession`, on the loop thread); ``attach`` (the
same URL with ``/attach`` and no ``command``, RBAC's ``pods/attach``; also what ``kubectl run
-it`` does) follows the container's own process instead, and feeds its stdin when the pod
spec opens one (:class:`~k8s_internals.node.kubelet.exec.AttachSession`). This module only
moves bytes on the connection's thread (one thread reads and writes the TLS socket; the loop
thread hands output over through a queue and a wake-up pipe).

Simplified: no SPDY (a ``POST`` that passes every check is answered ``400 Upgrade request
required``: clients older than 1.30 cannot exec); the API server runs the command itself
instead of proxying to a kubelet's streaming server; no admission for ``pods/exec``
(``DenyEscalatingExec`` was removed upstream anyway). ``portforward`` is :mod:`.portforward`
(SPDY, in a WebSocket or not).
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import socket
import ssl
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .. import errors
from ..codec import dumps
from ..request import Request, parse_bool
from ..resources import lookup
from ..trace import Trace
from . import websocket as ws

if TYPE_CHECKING:
    from ...node.kubelet.exec import AttachSession, ExecResult, ExecSession
    from ...node.kubelet.kubelet import Kubelet
    from ...node.runtime import Container
    from ..server import APIServer
    from .server import APIHTTPServer

__all__ = ["STREAM_SUBRESOURCES", "ExecOptions", "ExecTarget", "KubeletError", "connect",
           "exec_options", "serve_exec"]

#: the subresources served here
STREAM_SUBRESOURCES = ("exec", "attach")
#: what the API server's WebSocket side speaks (``proxy/websocket.go``: v5 only)
SUPPORTED_PROTOCOLS = (ws.V5_PROTOCOL,)
#: how long to wait for the client's close frame after ours (upstream: up to 15 minutes)
CLOSE_WAIT = 5.0


class KubeletError(Exception):
    """The kubelet's plain-text answer (``http.Error``), passed on by the proxy."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


@dataclass
class ExecOptions:
    """``PodExecOptions`` from the query (``command`` repeated, booleans as ``ParseBool``)."""

    command: list[str]
    container: str
    stdin: bool
    stdout: bool
    stderr: bool
    tty: bool


def exec_options(query: dict[str, list[str]]) -> ExecOptions:
    def flag(name: str) -> bool:
        values = query.get(name) or [""]
        return parse_bool(values[0])

    return ExecOptions(command=list(query.get("command") or []),
                       container=(query.get("container") or [""])[0],
                       stdin=flag("stdin"), stdout=flag("stdout"), stderr=flag("stderr"),
                       tty=flag("tty"))


@dataclass
class ExecTarget:
    """What the checks found: the pod, the container to run in and its runtime record."""

    pod: dict[str, Any]
    container_name: str
    container: Container
    trace: Trace


def _container_names(pod: dict[str, Any]) -> list[str]:
    spec = pod.get("spec") or {}
    return [c.get("name", "") for key in ("containers", "initContainers", "ephemeralContainers")
            for c in spec.get(key) or []]


def open_pod_request(api: APIServer, req: Request) -> tuple[Trace, dict[str, Any]]:
    """What every streaming subresource of a pod starts with (exec, attach, portforward): a
    trace for the request, authentication, authorization, then the pod (404 if it is gone).
    The trace is left open; on a ``StatusError`` it is finished here, with the error."""
    from ..server import _Ctx

    trace = Trace(id=api.tracer.new_id(), parent_id=req.parent_id, user="", verb=req.verb,
                  resource=req.resource, subresource=req.subresource, namespace=req.namespace,
                  name=req.name, api_group=req.group, path=req.path, start=api.kernel.now,
                  user_agent=req.user_agent)
    api.tracer.begin(trace)
    ctx = _Ctx(req, trace)
    ctx.info = lookup("", "pods")
    try:
        api._authenticate(ctx)
        api._authorize(ctx)
        assert ctx.info is not None
        pod = api.storage.get(ctx.info, req.namespace, req.name, None)
    except errors.StatusError as exc:
        _finish(api, trace, exc.code, exc.message)
        raise
    return trace, pod


def node_kubelet(api: APIServer, pod: dict[str, Any], name: str) -> Kubelet:
    """The kubelet of the pod's node, as the API server dials it (``:10250``): 400 for a pod
    with no node yet, upstream's dial error when no kubelet answers there."""
    from ...node.kubelet.exec import kubelet_lookup

    node = (pod.get("spec") or {}).get("nodeName") or ""
    if not node:
        raise errors.bad_request(f"pod {name} does not have a host assigned")
    kubelet_for = kubelet_lookup(api.log_provider)
    kubelet = kubelet_for(node) if kubelet_for is not None else None
    if kubelet is None or kubelet.stopped:
        host = (pod.get("status") or {}).get("hostIP") or node
        raise errors.StatusError({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": f"error dialing backend: dial tcp {host}:10250: connect: "
                       "connection refused", "code": 500})
    return kubelet


def connect(api: APIServer, req: Request, opts: ExecOptions) -> ExecTarget:
    """The checks of ``ExecREST.Connect``, on the loop thread; raises a ``StatusError`` or a
    :class:`KubeletError`. The returned trace is still open (the caller finishes it)."""
    from ...node.kubelet.exec import find_container

    trace, pod = open_pod_request(api, req)
    try:
        if not (opts.stdin or opts.stdout or opts.stderr):
            raise errors.bad_request("you must specify at least 1 of stdin, stdout, stderr")
        spec = pod.get("spec") or {}
        container = opts.container
        containers = [c.get("name", "") for c in spec.get("containers") or []]
        if not container:
            if len(containers) != 1:
                raise errors.bad_request(
                    f"a container name must be specified for pod {req.name}, choose one of: "
                    f"[{' '.join(containers)}]")
            container = containers[0]
        if container not in _container_names(pod):
            raise errors.bad_request(f"container {container} is not valid for pod {req.name}")
        kubelet = node_kubelet(api, pod, req.name)
        try:
            found = find_container(kubelet, pod, container)
        except LookupError as exc:
            raise KubeletError(404, str(exc)) from None
    except errors.StatusError as exc:
        _finish(api, trace, exc.code, exc.message)
        raise
    except KubeletError as exc:
        _finish(api, trace, exc.code, exc.text)
        raise
    return ExecTarget(pod, container, found, trace)


def _finish(api: APIServer, trace: Trace, code: int, error: str = "") -> None:
    trace.code = code
    trace.error = error
    trace.end = api.kernel.now
    api.tracer.finish(trace)


# -- the connection's thread ----------------------------------------------------------------------


def serve_exec(handler: Any, req: Request) -> Any:
    """Answer ``pods/<name>/exec`` on ``handler``'s connection (the HTTP thread). Returns a
    ``Reply`` for an error answer, or None once it has served the WebSocket itself."""
    from .server import REQUEST_TIMEOUT, Reply, _status_reply

    httpd: APIHTTPServer = handler.server
    opts = exec_options(parse_qs(urlsplit(handler.path).query, keep_blank_values=True))
    try:
        target: ExecTarget = httpd.driver.call(connect, httpd.api, req, opts,
                                               timeout=REQUEST_TIMEOUT)
    except errors.StatusError as exc:
        return _status_reply(exc)
    except KubeletError as exc:
        return Reply(exc.code, "text/plain; charset=utf-8", (exc.text + "\n").encode(),
                     [("X-Content-Type-Options", "nosniff")])
    headers = {k.lower(): v for k, v in handler.headers.items()}
    if req.verb != "get" or not ws.is_websocket_request(headers):
        httpd.driver.call_soon_threadsafe(_finish, httpd.api, target.trace, 400,
                                          "Upgrade request required")
        return _status_reply(errors.bad_request("Upgrade request required"), target.trace.id)
    protocol = ws.negotiate_protocol(headers.get("sec-websocket-protocol", ""),
                                     SUPPORTED_PROTOCOLS)
    key = headers.get("sec-websocket-key", "")
    if protocol is None or headers.get("sec-websocket-version", "") != "13" or not key:
        # x/net/websocket: a failed handshake is a bare 403 (400 for a bad version or key)
        code = 403 if protocol is None else 400
        httpd.driver.call_soon_threadsafe(_finish, httpd.api, target.trace, code,
                                          "websocket handshake failed")
        return Reply(code, "text/plain; charset=utf-8", b"")
    _Stream(handler, target, opts, protocol, key).run()
    return None


class _Stream:
    """One upgraded connection: the handshake, then frames both ways until the command ends
    and the close handshake is done (or the client goes away)."""

    def __init__(self, handler: Any, target: ExecTarget, opts: ExecOptions, protocol: str,
                 key: str) -> None:
        self.handler = handler
        self.httpd: APIHTTPServer = handler.server
        self.sock: socket.socket = handler.connection
        self.target = target
        self.opts = opts
        self.protocol = protocol
        self.key = key
        self.out: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.wake_r, self.wake_w = os.pipe()
        self.session: ExecSession | AttachSession | None = None
        self.result: ExecResult | None = None
        self.reader = ws.FrameReader(require_mask=True)

    # -- loop-thread callbacks ----------------------------------------------------------------

    def _emit(self, channel: int, data: bytes) -> None:
        self.out.put(ws.encode_frame(ws.OP_BINARY, ws.channel_message(channel, data)))
        self._wake()

    def _done(self, result: ExecResult) -> None:
        self.out.put(result)
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.wake_w, b"x")

    def _start(self) -> None:
        from ...node.kubelet.exec import AttachSession, ExecSession

        api = self.httpd.api
        _finish(api, self.target.trace, 101)
        session: ExecSession | AttachSession
        if self.target.trace.subresource == "attach":
            session = AttachSession(api.kernel, self.target.container, stdin=self.opts.stdin,
                                    tty=self.opts.tty, emit=self._emit, done=self._done)
        else:
            session = ExecSession(api.kernel, self.target.container, self.opts.command,
                                  stdin=self.opts.stdin, tty=self.opts.tty, emit=self._emit,
                                  done=self._done)
        self.session = session
        session.start()

    # -- the connection's thread ----------------------------------------------------------------

    def run(self) -> None:
        handler = self.handler
        handler.close_connection = True
        try:
            handler.send_response_only(101, "Switching Protocols")
            handler.send_header("Upgrade", "websocket")
            handler.send_header("Connection", "Upgrade")
            handler.send_header("Sec-WebSocket-Accept", ws.accept_key(self.key))
            handler.send_header("Sec-WebSocket-Protocol", self.protocol)
            handler.end_headers()
            handler.wfile.flush()
            self.httpd.count()
            # "send an empty message to the lowest writable channel"
            first = ws.CHANNEL_STDOUT if self.opts.stdout else (
                ws.CHANNEL_STDERR if self.opts.stderr else ws.CHANNEL_ERROR)
            self._send(ws.encode_frame(ws.OP_BINARY, ws.channel_message(first)))
            self.httpd.driver.call(self._start)
            self._loop()
        except (OSError, ssl.SSLError, RuntimeError, TimeoutError):
            pass
        except Exception as exc:  # a bug: end the WebSocket, not the connection thread
            with contextlib.suppress(OSError, ssl.SSLError):
                self._send(ws.encode_frame(ws.OP_CLOSE, ws.close_payload(
                    1011, f"{type(exc).__name__}: {exc}")))
        finally:
            if self.result is None and self.session is not None:
                session = self.session
                with contextlib.suppress(RuntimeError):
                    self.httpd.driver.call_soon_threadsafe(session.kill)
            for fd in (self.wake_r, self.wake_w):
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _loop(self) -> None:
        closing_since: float | None = None
        while not self.httpd.stopping.is_set():
            if self._drain_output():
                # our close frame is out: wait a little for the client's
                closing_since = closing_since or time.monotonic()
            if closing_since is not None and time.monotonic() - closing_since > CLOSE_WAIT:
                return
            pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
            if not pending:
                readable, _, _ = select.select([self.sock, self.wake_r], [], [], 0.5)
                if self.wake_r in readable:
                    os.read(self.wake_r, 4096)
                if self.sock not in readable:
                    continue
            try:
                data = self.sock.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError):
                continue
            if not data:
                return  # the client closed the connection
            try:
                frames = self.reader.feed(data)
            except ws.ProtocolError as exc:
                self._send(ws.encode_frame(ws.OP_CLOSE, ws.close_payload(exc.code, str(exc))))
                return
            for frame in frames:
                if self._on_frame(frame, closing_since is not None):
                    return

    def _drain_output(self) -> bool:
        """Write what the command produced; True once the status and our close frame are
        out."""
        batch = bytearray()
        closed = self.result is not None
        while True:
            try:
                item = self.out.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, bytes):
                batch += item
                continue
            from ...node.kubelet.exec import exec_status

            self.result = item
            status = exec_status(item, self.opts.command)
            batch += ws.encode_frame(ws.OP_BINARY, ws.channel_message(
                ws.CHANNEL_ERROR, dumps(status).encode()))
            batch += ws.encode_frame(ws.OP_CLOSE, ws.close_payload(ws.CLOSE_NORMAL))
            closed = True
        if batch:
            self._send(bytes(batch))
        return closed

    def _on_frame(self, frame: ws.Frame, closing: bool) -> bool:
        """Handle one message from the client; True when the connection is done."""
        call = self.httpd.driver.call_soon_threadsafe
        if frame.opcode == ws.OP_PING:
            self._send(ws.encode_frame(ws.OP_PONG, frame.payload))
            return False
        if frame.opcode == ws.OP_PONG:
            return False
        if frame.opcode == ws.OP_CLOSE:
            if not closing:  # the client closes first: answer, and end the command
                code, _ = ws.parse_close(frame.payload)
                self._send(ws.encode_frame(ws.OP_CLOSE, ws.close_payload(
                    code or ws.CLOSE_NORMAL)))
            return True
        split = ws.split_channel(frame.payload)
        if split is None or self.session is None or self.result is not None:
            return False
        channel, data = split
        session = self.session
        if channel == ws.CHANNEL_STDIN:
            call(session.stdin, data)
        elif channel == ws.CHANNEL_RESIZE:
            call(session.resize, data)
        elif channel == ws.STREAM_CLOSE and data[:1] == bytes([ws.CHANNEL_STDIN]):
            call(session.close_stdin)
        return False
