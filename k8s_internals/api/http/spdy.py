"""SPDY/3.1 framing, the part ``kubectl port-forward`` uses (``github.com/moby/spdystream``,
``spdy/types.go``, ``read.go``, ``write.go``; the spec is Chromium's "SPDY Protocol - Draft 3.1").

kubectl 1.32 forwards ports over SPDY, tunnelled inside a WebSocket whose sub-protocol is
``SPDY/3.1+portforward.k8s.io`` (``client-go/tools/portforward/tunneling_connection.go``: the
SPDY bytes travel as binary WebSocket messages, no channel byte). Each frame has an 8-byte
header:

- control frames: ``1 | version (15 bits) = 3 | type (16)``, ``flags (8) | length (24)``;
  here ``SYN_STREAM`` (1), ``SYN_REPLY`` (2), ``RST_STREAM`` (3), ``SETTINGS`` (4), ``PING`` (6),
  ``GOAWAY`` (7), ``HEADERS`` (8), ``WINDOW_UPDATE`` (9);
- data frames: ``0 | stream id (31)``, ``flags (8; FIN = 1) | length (24)``.

Header blocks (in ``SYN_STREAM``, ``SYN_REPLY``, ``HEADERS``) are a count and length-prefixed
names and values (32-bit big-endian), compressed with zlib and SPDY/3's dictionary, one zlib
stream per direction for the whole connection (each block ends with a sync flush).

Simplified: no flow control (``WINDOW_UPDATE`` frames are read and ignored, as spdystream does),
no server push, no priorities.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

__all__ = [
    "DICTIONARY",
    "FLAG_FIN",
    "TYPE_GOAWAY",
    "TYPE_HEADERS",
    "TYPE_PING",
    "TYPE_RST_STREAM",
    "TYPE_SETTINGS",
    "TYPE_SYN_REPLY",
    "TYPE_SYN_STREAM",
    "TYPE_WINDOW_UPDATE",
    "Frame",
    "FrameReader",
    "HeaderCodec",
    "SPDYError",
    "control_frame",
    "data_frame",
]

VERSION = 3
TYPE_SYN_STREAM = 1
TYPE_SYN_REPLY = 2
TYPE_RST_STREAM = 3
TYPE_SETTINGS = 4
TYPE_PING = 6
TYPE_GOAWAY = 7
TYPE_HEADERS = 8
TYPE_WINDOW_UPDATE = 9
FLAG_FIN = 0x01

#: ``RST_STREAM`` status codes
RST_PROTOCOL_ERROR = 1
RST_INVALID_STREAM = 2
RST_REFUSED_STREAM = 3
RST_CANCEL = 5

#: the largest frame accepted (``MaxDataLength``)
MAX_LENGTH = (1 << 24) - 1

_NAMES = (
    "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
    "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization",
    "cache-control", "connection", "content-base", "content-encoding", "content-language",
    "content-length", "content-location", "content-md5", "content-range", "content-type",
    "date", "etag", "expect", "expires", "from", "host", "if-match", "if-modified-since",
    "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location",
    "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
    "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent",
    "vary", "via", "warning", "www-authenticate", "method", "get", "status", "200 OK",
    "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin",
)
_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
    "Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 "
    "Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, "
    "Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
    "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
    "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)
#: SPDY/3's header compression dictionary (spec §2.6.10.1): length-prefixed header names and
#: values, then common text; 1423 bytes
DICTIONARY = b"".join(struct.pack("!I", len(n)) + n.encode() for n in _NAMES) + _TAIL.encode()


class SPDYError(Exception):
    """A frame that cannot be read (the connection is then ended with ``GOAWAY``)."""


@dataclass
class Frame:
    """One frame. ``type`` is 0 for data frames; ``stream_id`` is set for the frames that
    have one; ``headers`` for the frames with a header block (names lowercase, values
    NUL-separated lists as upstream sends them, joined by NUL here)."""

    type: int
    flags: int
    payload: bytes
    stream_id: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def fin(self) -> bool:
        return bool(self.flags & FLAG_FIN)


class HeaderCodec:
    """The two zlib streams of a connection: one compressing what we send, one inflating what
    the peer sends (both with :data:`DICTIONARY`)."""

    def __init__(self) -> None:
        self._deflate = zlib.compressobj(zlib.Z_BEST_COMPRESSION, zlib.DEFLATED, 15, 8,
                                         zlib.Z_DEFAULT_STRATEGY, zdict=DICTIONARY)
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)

    def encode(self, headers: dict[str, str]) -> bytes:
        raw = struct.pack("!I", len(headers))
        for name, value in headers.items():
            raw += struct.pack("!I", len(name)) + name.lower().encode()
            raw += struct.pack("!I", len(value.encode())) + value.encode()
        return self._deflate.compress(raw) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    def decode(self, block: bytes) -> dict[str, str]:
        try:
            raw = self._inflate.decompress(block)
        except zlib.error as exc:
            raise SPDYError(f"header block: {exc}") from None
        try:
            (count,) = struct.unpack_from("!I", raw, 0)
            pos, out = 4, {}
            for _ in range(count):
                (n,) = struct.unpack_from("!I", raw, pos)
                name = raw[pos + 4:pos + 4 + n].decode()
                pos += 4 + n
                (n,) = struct.unpack_from("!I", raw, pos)
                value = raw[pos + 4:pos + 4 + n].decode()
                pos += 4 + n
                out[name] = value
        except (struct.error, UnicodeDecodeError) as exc:
            raise SPDYError(f"header block: {exc}") from None
        return out


class FrameReader:
    """Incremental: :meth:`feed` the bytes as they come, get the complete frames back."""

    def __init__(self, codec: HeaderCodec) -> None:
        self.codec = codec
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        out: list[Frame] = []
        while len(self._buf) >= 8:
            word, flags_len = struct.unpack_from("!II", self._buf, 0)
            flags, length = flags_len >> 24, flags_len & 0xFFFFFF
            if len(self._buf) < 8 + length:
                break
            payload = bytes(self._buf[8:8 + length])
            del self._buf[:8 + length]
            if not word & 0x80000000:
                out.append(Frame(0, flags, payload, stream_id=word & 0x7FFFFFFF))
                continue
            version, ftype = (word >> 16) & 0x7FFF, word & 0xFFFF
            if version != VERSION:
                raise SPDYError(f"unsupported SPDY version {version}")
            out.append(self._control(ftype, flags, payload))
        return out

    def _control(self, ftype: int, flags: int, payload: bytes) -> Frame:
        frame = Frame(ftype, flags, payload)
        if ftype in (TYPE_SYN_STREAM, TYPE_SYN_REPLY, TYPE_HEADERS, TYPE_RST_STREAM,
                     TYPE_WINDOW_UPDATE):
            if len(payload) < 4:
                raise SPDYError("frame too short")
            frame.stream_id = struct.unpack_from("!I", payload, 0)[0] & 0x7FFFFFFF
        if ftype == TYPE_SYN_STREAM:
            frame.headers = self.codec.decode(payload[10:])
        elif ftype in (TYPE_SYN_REPLY, TYPE_HEADERS):
            frame.headers = self.codec.decode(payload[4:])
        return frame


def control_frame(ftype: int, payload: bytes, flags: int = 0) -> bytes:
    return struct.pack("!HHI", 0x8000 | VERSION, ftype, (flags << 24) | len(payload)) + payload


def data_frame(stream_id: int, data: bytes, fin: bool = False) -> bytes:
    return struct.pack("!II", stream_id & 0x7FFFFFFF,
                       ((FLAG_FIN if fin else 0) << 24) | len(data)) + data


def syn_reply(codec: HeaderCodec, stream_id: int, headers: dict[str, str] | None = None,
              fin: bool = False) -> bytes:
    return control_frame(TYPE_SYN_REPLY, struct.pack("!I", stream_id) + codec.encode(
        headers or {}), FLAG_FIN if fin else 0)


def syn_stream(codec: HeaderCodec, stream_id: int, headers: dict[str, str],
               fin: bool = False) -> bytes:
    """A ``SYN_STREAM`` (what a client sends; for tests)."""
    return control_frame(TYPE_SYN_STREAM, struct.pack("!IIH", stream_id, 0, 0)
                         + codec.encode(headers), FLAG_FIN if fin else 0)


def rst_stream(stream_id: int, status: int) -> bytes:
    return control_frame(TYPE_RST_STREAM, struct.pack("!II", stream_id, status))


def ping(ping_id: int) -> bytes:
    return control_frame(TYPE_PING, struct.pack("!I", ping_id))


def goaway(last_stream_id: int, status: int = 0) -> bytes:
    return control_frame(TYPE_GOAWAY, struct.pack("!II", last_stream_id, status))
