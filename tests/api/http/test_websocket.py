"""RFC 6455 framing and the ``channel.k8s.io`` messages
(:mod:`k8s_internals.api.http.websocket`)."""

from __future__ import annotations

import struct

import pytest

from k8s_internals.api.http import websocket as ws

MASK = b"\x37\xfa\x21\x3d"


def test_accept_key_is_the_rfc_example() -> None:
    # RFC 6455 §1.3
    assert ws.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_a_masked_hello_is_the_rfc_example_and_decodes() -> None:
    # RFC 6455 §5.7: a single-frame masked text message "Hello"
    frame = ws.encode_frame(ws.OP_TEXT, b"Hello", mask=MASK)
    assert frame == bytes([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    assert ws.FrameReader().feed(frame) == [ws.Frame(ws.OP_TEXT, b"Hello")]
    # the server's frames are unmasked
    assert ws.encode_frame(ws.OP_TEXT, b"Hello") == bytes([0x81, 0x05]) + b"Hello"


@pytest.mark.parametrize(("size", "header"), [(125, 2), (126, 4), (65535, 4), (65536, 10)])
def test_length_encodings(size: int, header: int) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    frame = ws.encode_frame(ws.OP_BINARY, payload)
    assert len(frame) == header + size
    if header == 4:
        assert frame[1] == 126 and struct.unpack("!H", frame[2:4])[0] == size
    if header == 10:
        assert frame[1] == 127 and struct.unpack("!Q", frame[2:10])[0] == size
    masked = ws.encode_frame(ws.OP_BINARY, payload, mask=MASK)
    assert len(masked) == header + 4 + size
    assert ws.FrameReader().feed(masked) == [ws.Frame(ws.OP_BINARY, payload)]


def test_frames_arrive_byte_by_byte() -> None:
    data = (ws.encode_frame(ws.OP_BINARY, b"\x00abc", mask=MASK)
            + ws.encode_frame(ws.OP_PING, b"hb", mask=MASK))
    reader = ws.FrameReader()
    got: list[ws.Frame] = []
    for i in range(len(data)):
        got += reader.feed(data[i:i + 1])
    assert got == [ws.Frame(ws.OP_BINARY, b"\x00abc"), ws.Frame(ws.OP_PING, b"hb")]


def test_fragmented_message_with_a_ping_in_between() -> None:
    data = (ws.encode_frame(ws.OP_BINARY, b"\x01one ", fin=False, mask=MASK)
            + ws.encode_frame(ws.OP_PING, b"", mask=MASK)
            + ws.encode_frame(ws.OP_CONTINUATION, b"two ", fin=False, mask=MASK)
            + ws.encode_frame(ws.OP_CONTINUATION, b"three", mask=MASK))
    assert ws.FrameReader().feed(data) == [ws.Frame(ws.OP_PING, b""),
                                           ws.Frame(ws.OP_BINARY, b"\x01one two three")]


@pytest.mark.parametrize("bad", [
    ws.encode_frame(ws.OP_BINARY, b"x"),  # a client frame without a mask
    ws.encode_frame(ws.OP_CONTINUATION, b"x", mask=MASK),  # nothing to continue
    ws.encode_frame(ws.OP_PING, b"x" * 126, mask=MASK),  # control frames carry ≤ 125 bytes
    ws.encode_frame(ws.OP_PING, b"", fin=False, mask=MASK),  # and are not fragmented
    bytes([0xC2, 0x80]) + MASK,  # RSV1 without an extension
    ws.encode_frame(0x3, b"", mask=MASK),  # a reserved opcode
])
def test_protocol_errors(bad: bytes) -> None:
    with pytest.raises(ws.ProtocolError):
        ws.FrameReader().feed(bad)


def test_a_too_big_frame_is_refused_with_1009() -> None:
    head = bytes([0x82, 0xFF]) + struct.pack("!Q", 1 << 40)
    with pytest.raises(ws.ProtocolError) as exc:
        ws.FrameReader().feed(head)
    assert exc.value.code == 1009


def test_close_payloads() -> None:
    payload = ws.close_payload(1000, "done")
    assert payload == b"\x03\xe8done"
    assert ws.parse_close(payload) == (1000, "done")
    assert ws.parse_close(b"") == (None, "")
    frame = ws.encode_frame(ws.OP_CLOSE, payload, mask=MASK)
    assert ws.FrameReader().feed(frame) == [ws.Frame(ws.OP_CLOSE, payload)]


def test_channel_messages() -> None:
    assert ws.channel_message(ws.CHANNEL_STDOUT, b"hi\n") == b"\x01hi\n"
    assert ws.channel_message(ws.CHANNEL_STDOUT) == b"\x01"  # "the connection is established"
    assert ws.split_channel(b"\x00input") == (ws.CHANNEL_STDIN, b"input")
    assert ws.split_channel(b"\xff\x00") == (ws.STREAM_CLOSE, b"\x00")  # v5: stdin closed
    assert ws.split_channel(b"") is None


def test_upgrade_detection_and_protocol_negotiation() -> None:
    assert ws.is_websocket_request({"Upgrade": "websocket", "Connection": "Upgrade"})
    assert ws.is_websocket_request({"upgrade": "WebSocket", "connection": "keep-alive, Upgrade"})
    assert not ws.is_websocket_request({"Upgrade": "SPDY/3.1", "Connection": "Upgrade"})
    assert not ws.is_websocket_request({"Upgrade": "websocket", "Connection": "keep-alive"})
    supported = (ws.V5_PROTOCOL,)
    assert ws.negotiate_protocol("v5.channel.k8s.io", supported) == ws.V5_PROTOCOL
    assert ws.negotiate_protocol("v4.channel.k8s.io, v5.channel.k8s.io",
                                 supported) == ws.V5_PROTOCOL
    assert ws.negotiate_protocol("v4.channel.k8s.io", supported) is None
    assert ws.negotiate_protocol("", supported) is None
