"""``pods/portforward`` over the HTTPS front: ``kubectl port-forward`` against ``k8s-internals
serve``, so that ``curl localhost:8080`` reaches the pod's simulated HTTP server.

What kubectl 1.32 sends (measured with ``-v=9``): ``GET .../pods/<pod>/portforward`` with
``Upgrade: websocket`` and ``Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io`` — SPDY
tunnelled in a WebSocket (``client-go/tools/portforward/tunneling_dialer.go``; the API server
side is ``apiserver/pkg/util/proxy/streamtunnel.go``) — and, if that upgrade fails, ``POST``
with ``Upgrade: SPDY/3.1`` and ``X-Stream-Protocol-Version: portforward.k8s.io``
(``fallback_dialer.go``). Both are served: the same SPDY session (:mod:`.spdy`) over the
WebSocket's binary messages or over the TLS connection itself.

The ``portforward.k8s.io`` protocol (``pkg/kubelet/cri/streaming/portforward/httpstream.go``):
for each local connection the client opens two streams with the headers ``streamtype``
(``error`` then ``data``), ``port`` and ``requestid``; the server answers each ``SYN_STREAM``
with a ``SYN_REPLY``, copies the data stream to the pod's port and back, and writes on the error
stream what went wrong (kubectl prints ``an error occurred forwarding 8080 -> 80: ...``).

The checks before the upgrade are those of ``PortForwardREST.Connect``: authorization on
``pods/portforward`` (``get`` for the WebSocket, ``create`` for the ``POST``), the pod, its
node, a kubelet to reach (see :mod:`.exec`).

Simplified: the pod's processes answer HTTP requests, not TCP bytes
(:class:`~k8s_internals.node.process.HttpHandler`), so each forwarded connection carries one
HTTP/1.1 request, answered with ``Connection: close``; other protocols get no answer. The
connection-refused text is modelled on containerd's.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from .. import errors
from ..request import Request
from ..trace import Trace
from . import spdy
from . import websocket as ws

if TYPE_CHECKING:
    from ...node.kubelet.kubelet import Kubelet
    from ..server import APIServer
    from .server import APIHTTPServer

__all__ = ["PORTFORWARD_PROTOCOL", "TUNNEL_PROTOCOL", "PortForwardTarget", "connect",
           "forward_http", "serve_portforward"]

TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io"
PORTFORWARD_PROTOCOL = "portforward.k8s.io"
#: the largest forwarded request read (a guard)
MAX_REQUEST = 1 << 20


@dataclass
class PortForwardTarget:
    pod: dict[str, Any]
    kubelet: Kubelet
    trace: Trace


def connect(api: APIServer, req: Request) -> PortForwardTarget:
    """``PortForwardREST.Connect``'s checks on the loop thread (raises ``StatusError``)."""
    from .exec import _finish, node_kubelet, open_pod_request

    trace, pod = open_pod_request(api, req)
    try:
        kubelet = node_kubelet(api, pod, req.name)
    except errors.StatusError as exc:
        _finish(api, trace, exc.code, exc.message)
        raise
    return PortForwardTarget(pod, kubelet, trace)


def forward_http(target: PortForwardTarget, port: int, raw: bytes) -> tuple[bytes, str]:
    """One forwarded HTTP request to ``localhost:port`` in the pod's network namespace (loop
    thread): the response bytes, or the error text for the error stream."""
    from ...node.process import ConnectionRefused, HttpRequest

    pod = target.pod
    meta, status = pod.get("metadata") or {}, pod.get("status") or {}
    ip = status.get("podIP") or ""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    method, path, _ = [*lines[0].split(" "), "", "", ""][:3]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    request = HttpRequest(method=method or "GET", path=path or "/", headers=headers,
                          remote_addr="127.0.0.1", host=headers.get("Host", ""),
                          body=body.decode(errors="replace"))
    try:
        if not ip:
            raise ConnectionRefused(port)
        response = target.kubelet.runtime.http(ip, port, request)
    except ConnectionRefused:
        box = next((s for s in target.kubelet.runtime.sandboxes.values()
                    if s.config.uid == meta.get("uid")), None)
        sandbox = box.id if box is not None else ""
        netns = (box.netns if box is not None else "") or f"/var/run/netns/cni-{meta.get('uid')}"
        return b"", (f"error forwarding port {port} to pod {sandbox}, uid : failed to execute "
                     f'portforward in network namespace "{netns}": '
                     f"failed to connect to localhost:{port} inside namespace \"{sandbox}\", "
                     f"IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial "
                     f"tcp6 [::1]:{port}: connect: connection refused ")
    data = response.body.encode()
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    out = [f"HTTP/1.1 {response.status} {reason}"]
    sent = {k.lower() for k in response.headers}
    out += [f"{k}: {v}" for k, v in response.headers.items()
            if k.lower() not in ("content-length", "connection")]
    if "date" not in sent:
        out.append(f"Date: {formatdate(usegmt=True)}")
    if "content-type" not in sent:
        out.append("Content-Type: text/plain; charset=utf-8")
    out += [f"Content-Length: {len(data)}", "Connection: close"]
    return ("\r\n".join(out) + "\r\n\r\n").encode() + data, ""


def _request_complete(buf: bytes) -> bool:
    head, sep, body = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return len(body) >= int(value.strip())
            except ValueError:
                return True
    return True


def serve_portforward(handler: Any, req: Request) -> Any:
    """Answer ``pods/<name>/portforward`` on ``handler``'s connection (the HTTP thread): a
    ``Reply`` for an error, or None once the session is over."""
    from .server import REQUEST_TIMEOUT, Reply, _status_reply

    httpd: APIHTTPServer = handler.server
    try:
        target: PortForwardTarget = httpd.driver.call(connect, httpd.api, req,
                                                      timeout=REQUEST_TIMEOUT)
    except errors.StatusError as exc:
        return _status_reply(exc)
    from .exec import _finish

    headers = {k.lower(): v for k, v in handler.headers.items()}
    finish = httpd.driver.call_soon_threadsafe
    handler.close_connection = True
    if req.verb == "get" and ws.is_websocket_request(headers):
        protocol = ws.negotiate_protocol(headers.get("sec-websocket-protocol", ""),
                                         (TUNNEL_PROTOCOL,))
        key = headers.get("sec-websocket-key", "")
        if protocol is None or headers.get("sec-websocket-version", "") != "13" or not key:
            code = 403 if protocol is None else 400
            finish(_finish, httpd.api, target.trace, code, "websocket handshake failed")
            return Reply(code, "text/plain; charset=utf-8", b"")
        finish(_finish, httpd.api, target.trace, 101)
        handler.send_response_only(101, "Switching Protocols")
        handler.send_header("Upgrade", "websocket")
        handler.send_header("Connection", "Upgrade")
        handler.send_header("Sec-WebSocket-Accept", ws.accept_key(key))
        handler.send_header("Sec-WebSocket-Protocol", protocol)
        handler.end_headers()
        handler.wfile.flush()
        httpd.count()
        _Session(httpd, handler.connection, target, tunnel=True).run()
        return None
    versions = [v.strip() for v in headers.get("x-stream-protocol-version", "").split(",")]
    if headers.get("upgrade", "").lower() == "spdy/3.1" and PORTFORWARD_PROTOCOL in versions:
        finish(_finish, httpd.api, target.trace, 101)
        handler.send_response_only(101, "Switching Protocols")
        handler.send_header("Connection", "Upgrade")
        handler.send_header("Upgrade", "SPDY/3.1")
        handler.send_header("X-Stream-Protocol-Version", PORTFORWARD_PROTOCOL)
        handler.end_headers()
        handler.wfile.flush()
        httpd.count()
        _Session(httpd, handler.connection, target, tunnel=False).run()
        return None
    finish(_finish, httpd.api, target.trace, 400, "Upgrade request required")
    return _status_reply(errors.bad_request("Upgrade request required"), target.trace.id)


@dataclass
class _Pair:
    """The two streams of one forwarded connection."""

    port: int
    error: int = 0
    data: int = 0
    buf: bytearray = field(default_factory=bytearray)
    done: bool = False


class _Session:
    """One SPDY session, over the WebSocket tunnel or the bare TLS connection."""

    def __init__(self, httpd: APIHTTPServer, sock: socket.socket, target: PortForwardTarget, *,
                 tunnel: bool) -> None:
        self.httpd = httpd
        self.sock = sock
        self.target = target
        self.tunnel = tunnel
        self.codec = spdy.HeaderCodec()
        self.frames = spdy.FrameReader(self.codec)
        self.ws_reader = ws.FrameReader(require_mask=True)
        self.pairs: dict[str, _Pair] = {}
        self.by_stream: dict[int, str] = {}
        self.last_stream = 0

    def send(self, data: bytes) -> None:
        if self.tunnel:
            data = ws.encode_frame(ws.OP_BINARY, data)
        self.sock.sendall(data)

    def run(self) -> None:
        try:
            while not self.httpd.stopping.is_set():
                pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
                if not pending:
                    readable, _, _ = select.select([self.sock], [], [], 0.5)
                    if not readable:
                        continue
                try:
                    data = self.sock.recv(65536)
                except (ssl.SSLWantReadError, BlockingIOError):
                    continue
                if not data or not self._received(data):
                    return
        except (OSError, ssl.SSLError, ws.ProtocolError, spdy.SPDYError, RuntimeError,
                TimeoutError):
            with contextlib.suppress(OSError, ssl.SSLError):
                self.send(spdy.goaway(self.last_stream, 1))
            return

    def _received(self, data: bytes) -> bool:
        """Handle bytes from the client; False when the session is over."""
        if not self.tunnel:
            return all(self._frame(f) for f in self.frames.feed(data))
        for message in self.ws_reader.feed(data):
            if message.opcode == ws.OP_PING:
                self.sock.sendall(ws.encode_frame(ws.OP_PONG, message.payload))
            elif message.opcode == ws.OP_CLOSE:
                with contextlib.suppress(OSError, ssl.SSLError):
                    self.sock.sendall(ws.encode_frame(ws.OP_CLOSE, ws.close_payload()))
                return False
            elif message.opcode == ws.OP_BINARY and not all(
                    self._frame(f) for f in self.frames.feed(message.payload)):
                return False
        return True

    def _frame(self, frame: spdy.Frame) -> bool:
        if frame.type == spdy.TYPE_SYN_STREAM:
            self.last_stream = max(self.last_stream, frame.stream_id)
            self._open(frame)
        elif frame.type == 0:
            self._data(frame)
        elif frame.type == spdy.TYPE_PING:
            self.send(spdy.control_frame(spdy.TYPE_PING, frame.payload))
        elif frame.type == spdy.TYPE_GOAWAY:
            return False
        elif frame.type == spdy.TYPE_RST_STREAM:
            key = self.by_stream.get(frame.stream_id)
            if key in self.pairs:
                self.pairs[key].done = True
        return True

    def _open(self, frame: spdy.Frame) -> None:
        h = frame.headers
        kind, request_id = h.get("streamtype", ""), h.get("requestid", "")
        try:
            port = int(h.get("port", ""))
        except ValueError:
            self.send(spdy.rst_stream(frame.stream_id, spdy.RST_PROTOCOL_ERROR))
            return
        if kind not in ("error", "data"):
            self.send(spdy.rst_stream(frame.stream_id, spdy.RST_PROTOCOL_ERROR))
            return
        pair = self.pairs.setdefault(request_id, _Pair(port))
        setattr(pair, kind, frame.stream_id)
        self.by_stream[frame.stream_id] = request_id
        self.send(spdy.syn_reply(self.codec, frame.stream_id))
        if frame.fin and kind == "data":
            self._forward(pair)

    def _data(self, frame: spdy.Frame) -> None:
        key = self.by_stream.get(frame.stream_id)
        pair = self.pairs.get(key or "")
        if pair is None or pair.done or frame.stream_id != pair.data:
            return  # the error stream carries nothing from the client
        pair.buf += frame.payload
        if len(pair.buf) > MAX_REQUEST:
            pair.buf = pair.buf[:MAX_REQUEST]
        if frame.fin or _request_complete(bytes(pair.buf)):
            self._forward(pair)

    def _forward(self, pair: _Pair) -> None:
        from .server import REQUEST_TIMEOUT

        if pair.done or not pair.data:
            return
        pair.done = True
        response, error = b"", ""
        if pair.buf:
            response, error = self.httpd.driver.call(forward_http, self.target, pair.port,
                                                     bytes(pair.buf), timeout=REQUEST_TIMEOUT)
        out = b""
        if response:
            for i in range(0, len(response), 1 << 16):
                out += spdy.data_frame(pair.data, response[i:i + (1 << 16)])
        out += spdy.data_frame(pair.data, b"", fin=True)
        if pair.error:
            if error:
                out += spdy.data_frame(pair.error, error.encode())
            out += spdy.data_frame(pair.error, b"", fin=True)
        self.send(out)

