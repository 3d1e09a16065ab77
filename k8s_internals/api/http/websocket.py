"""WebSockets (RFC 6455) and Kubernetes' channel sub-protocols, for ``exec`` and ``attach``.

Since 1.30 kubectl opens ``exec``/``attach`` as a WebSocket (``GET`` with ``Upgrade: websocket``,
``Sec-WebSocket-Protocol: v5.channel.k8s.io``; measured with kubectl 1.32 ``-v=9``: it offers v5
only) and falls back to SPDY (``POST`` with ``X-Stream-Protocol-Version``) when the upgrade
fails. The API server answers the WebSocket itself and translates to the kubelet's SPDY
(``apiserver/pkg/util/proxy/streamtranslator.go``, ``websocket.go``: "WebSocket server only
supports remote command version 5").

- framing (RFC 6455 §5): :func:`encode_frame`, :class:`FrameReader` (masking, 7/16/64-bit
  lengths, fragmented messages reassembled, control frames in between);
- the handshake (§4.2.2): :func:`accept_key`, :func:`is_websocket_request`
  (``wsstream.IsWebSocketRequest``), :func:`negotiate_protocol` (``wsstream.handshake``);
- the channel protocol (``apimachinery/pkg/util/httpstream/wsstream/conn.go``): each binary
  message starts with a channel byte — 0 stdin, 1 stdout, 2 stderr, 3 error (the final
  ``Status``), 4 resize (``{"Width":..,"Height":..}``); ``v5.channel.k8s.io`` adds the close
  signal, a message on channel 255 whose one byte names the channel the client closed
  (``remotecommand.StreamClose``: stdin at EOF).

Simplified: no extensions (``permessage-deflate`` is never negotiated), the base64 protocols
(``base64.channel.k8s.io``) are not offered, as upstream's API server does not offer them.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CHANNEL_ERROR",
    "CHANNEL_RESIZE",
    "CHANNEL_STDERR",
    "CHANNEL_STDIN",
    "CHANNEL_STDOUT",
    "CLOSE_NORMAL",
    "OP_BINARY",
    "OP_CLOSE",
    "OP_CONTINUATION",
    "OP_PING",
    "OP_PONG",
    "OP_TEXT",
    "STREAM_CLOSE",
    "V4_PROTOCOL",
    "V5_PROTOCOL",
    "Frame",
    "FrameReader",
    "ProtocolError",
    "accept_key",
    "channel_message",
    "close_payload",
    "encode_frame",
    "is_websocket_request",
    "negotiate_protocol",
    "parse_close",
    "split_channel",
]

#: RFC 6455 §1.3: appended to ``Sec-WebSocket-Key`` before hashing
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA

#: close codes (§7.4.1)
CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_TOO_BIG = 1009

#: ``remotecommand`` channel numbers (``apimachinery/pkg/util/remotecommand/constants.go``)
CHANNEL_STDIN = 0
CHANNEL_STDOUT = 1
CHANNEL_STDERR = 2
CHANNEL_ERROR = 3
CHANNEL_RESIZE = 4
#: v5's close signal: ``[255, <channel>]``
STREAM_CLOSE = 255

V4_PROTOCOL = "v4.channel.k8s.io"
V5_PROTOCOL = "v5.channel.k8s.io"

#: the largest message accepted from a client (stdin chunks are small; a guard, not upstream's)
MAX_MESSAGE = 16 * 1024 * 1024

_UPGRADE = re.compile(r"(^|.*,\s*)upgrade($|\s*,)")


class ProtocolError(Exception):
    """A frame that breaks RFC 6455; ``code`` is the close code to answer with."""

    def __init__(self, message: str, code: int = CLOSE_PROTOCOL_ERROR) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Frame:
    """One frame, unmasked (``opcode`` and ``fin`` as on the wire)."""

    opcode: int
    payload: bytes
    fin: bool = True


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a ``Sec-WebSocket-Key`` (§4.2.2 step 5.4)."""
    digest = hashlib.sha1((key.strip() + GUID).encode()).digest()
    return base64.b64encode(digest).decode()


def is_websocket_request(headers: Mapping[str, str]) -> bool:
    """``wsstream.IsWebSocketRequest``: ``Upgrade: websocket`` and ``Connection`` naming
    ``upgrade``."""
    lower = {k.lower(): v for k, v in headers.items()}
    if lower.get("upgrade", "").lower() != "websocket":
        return False
    return bool(_UPGRADE.match(lower.get("connection", "").lower()))


def negotiate_protocol(offered: str, supported: tuple[str, ...]) -> str | None:
    """``wsstream.handshake``: the first offered sub-protocol the server supports (the
    client's order); None when there is none (upstream answers ``403`` and no body)."""
    protocols = [p.strip() for p in offered.split(",") if p.strip()] or [""]
    for p in protocols:
        if p in supported:
            return p
    return None


def encode_frame(opcode: int, payload: bytes = b"", *, fin: bool = True,
                 mask: bytes | None = None) -> bytes:
    """One frame. Servers send unmasked frames; clients mask with a 4-byte ``mask``."""
    head = bytearray([(0x80 if fin else 0) | opcode])
    n = len(payload)
    bit = 0x80 if mask is not None else 0
    if n < 126:
        head.append(bit | n)
    elif n < 1 << 16:
        head.append(bit | 126)
        head += struct.pack("!H", n)
    else:
        head.append(bit | 127)
        head += struct.pack("!Q", n)
    if mask is None:
        return bytes(head) + payload
    if len(mask) != 4:
        raise ValueError("a mask is 4 bytes")
    return bytes(head) + mask + _apply_mask(payload, mask)


def _apply_mask(data: bytes, mask: bytes) -> bytes:
    """XOR with the repeated mask (§5.3), as one big-integer operation (fast in CPython)."""
    if not data:
        return b""
    n = len(data)
    key = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")


class FrameReader:
    """Incremental parser: :meth:`feed` bytes as they arrive, get whole messages back.

    Returns ``Frame`` objects for complete *messages*: a fragmented text or binary message
    (``fin`` 0 then continuation frames) comes back once, reassembled, with the first frame's
    opcode; control frames (ping, pong, close; never fragmented, payload ≤ 125) come back as
    they arrive, even between the fragments of a message. ``require_mask``: a server must
    refuse unmasked client frames (§5.1)."""

    def __init__(self, *, require_mask: bool = True, max_message: int = MAX_MESSAGE) -> None:
        self.require_mask = require_mask
        self.max_message = max_message
        self._buf = bytearray()
        self._fragments: list[bytes] = []
        self._fragment_opcode: int | None = None

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        out: list[Frame] = []
        while True:
            frame = self._next()
            if frame is None:
                return out
            message = self._assemble(frame)
            if message is not None:
                out.append(message)

    def _next(self) -> Frame | None:
        buf = self._buf
        if len(buf) < 2:
            return None
        b0, b1 = buf[0], buf[1]
        if b0 & 0x70:
            raise ProtocolError("reserved bits set (no extension was negotiated)")
        fin, opcode = bool(b0 & 0x80), b0 & 0x0F
        masked, n = bool(b1 & 0x80), b1 & 0x7F
        pos = 2
        if n == 126:
            if len(buf) < 4:
                return None
            n = struct.unpack_from("!H", buf, 2)[0]
            pos = 4
        elif n == 127:
            if len(buf) < 10:
                return None
            n = struct.unpack_from("!Q", buf, 2)[0]
            pos = 10
        if n > self.max_message:
            raise ProtocolError(f"frame of {n} bytes is too big", CLOSE_TOO_BIG)
        if self.require_mask and not masked:
            raise ProtocolError("client frames must be masked")
        mask = b""
        if masked:
            if len(buf) < pos + 4:
                return None
            mask = bytes(buf[pos:pos + 4])
            pos += 4
        if len(buf) < pos + n:
            return None
        payload = bytes(buf[pos:pos + n])
        del buf[:pos + n]
        if masked:
            payload = _apply_mask(payload, mask)
        return Frame(opcode, payload, fin)

    def _assemble(self, frame: Frame) -> Frame | None:
        if frame.opcode >= 0x8:  # control frames
            if frame.opcode not in (OP_CLOSE, OP_PING, OP_PONG):
                raise ProtocolError(f"unknown control opcode {frame.opcode}")
            if not frame.fin or len(frame.payload) > 125:
                raise ProtocolError("control frames are not fragmented and carry ≤ 125 bytes")
            return frame
        if frame.opcode == OP_CONTINUATION:
            if self._fragment_opcode is None:
                raise ProtocolError("continuation frame without a message to continue")
            self._fragments.append(frame.payload)
            if sum(len(f) for f in self._fragments) > self.max_message:
                raise ProtocolError("message too big", CLOSE_TOO_BIG)
            if not frame.fin:
                return None
            whole = Frame(self._fragment_opcode, b"".join(self._fragments))
            self._fragments, self._fragment_opcode = [], None
            return whole
        if frame.opcode not in (OP_TEXT, OP_BINARY):
            raise ProtocolError(f"unknown data opcode {frame.opcode}")
        if self._fragment_opcode is not None:
            raise ProtocolError("a new message began before the last one ended")
        if frame.fin:
            return frame
        self._fragment_opcode = frame.opcode
        self._fragments = [frame.payload]
        return None


def close_payload(code: int = CLOSE_NORMAL, reason: str = "") -> bytes:
    """A close frame's payload: the status code, then a UTF-8 reason (§5.5.1)."""
    return struct.pack("!H", code) + reason.encode()[:123]


def parse_close(payload: bytes) -> tuple[int | None, str]:
    """The code and reason of a close frame (no code: ``None``, as §7.1.5's 1005)."""
    if len(payload) < 2:
        return None, ""
    return struct.unpack_from("!H", payload)[0], payload[2:].decode(errors="replace")


def channel_message(channel: int, data: bytes = b"") -> bytes:
    """A binary ``channel.k8s.io`` message (``wsstream.Conn.write``, raw codec)."""
    return bytes([channel]) + data


def split_channel(message: bytes) -> tuple[int, bytes] | None:
    """The channel and the data of a message from the client (empty message: None, ignored as
    upstream does)."""
    if not message:
        return None
    return message[0], message[1:]
