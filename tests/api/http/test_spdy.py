"""SPDY/3.1 framing (:mod:`k8s_internals.api.http.spdy`): the dictionary, header blocks on one
zlib stream per direction, frames fed in pieces."""

from __future__ import annotations

import struct
import zlib

import pytest

from k8s_internals.api.http import spdy


def test_the_dictionary_is_spdy3s() -> None:
    # 1423 bytes; its Adler-32 is the dictionary id every SPDY/3 header block names
    assert len(spdy.DICTIONARY) == 1423
    assert zlib.adler32(spdy.DICTIONARY) == 0xE3C6A7C2
    assert spdy.DICTIONARY.startswith(b"\x00\x00\x00\x07options\x00\x00\x00\x04head")
    assert spdy.DICTIONARY.endswith(b"charset=iso-8859-1,utf-,*,enq=0.")


def test_header_blocks_share_one_zlib_stream_per_direction() -> None:
    client, server = spdy.HeaderCodec(), spdy.HeaderCodec()
    first = client.encode({"streamtype": "error", "port": "80", "requestid": "0"})
    second = client.encode({"streamtype": "data", "port": "80", "requestid": "0"})
    assert first[2:6] == struct.pack("!I", 0xE3C6A7C2)  # FDICT: the dictionary's id
    assert server.decode(first) == {"streamtype": "error", "port": "80", "requestid": "0"}
    assert server.decode(second) == {"streamtype": "data", "port": "80", "requestid": "0"}
    with pytest.raises(spdy.SPDYError):  # the second block alone cannot be inflated
        spdy.HeaderCodec().decode(second)


def test_frames_in_pieces() -> None:
    client, server = spdy.HeaderCodec(), spdy.HeaderCodec()
    data = (spdy.syn_stream(client, 1, {"streamtype": "data", "port": "8080",
                                        "requestid": "7"})
            + spdy.data_frame(1, b"GET / HTTP/1.1\r\n\r\n")
            + spdy.data_frame(1, b"", fin=True)
            + spdy.ping(3))
    reader = spdy.FrameReader(server)
    frames: list[spdy.Frame] = []
    for i in range(0, len(data), 5):
        frames += reader.feed(data[i:i + 5])
    assert [(f.type, f.stream_id, f.fin) for f in frames] == [
        (spdy.TYPE_SYN_STREAM, 1, False), (0, 1, False), (0, 1, True), (spdy.TYPE_PING, 0, False)]
    assert frames[0].headers == {"streamtype": "data", "port": "8080", "requestid": "7"}
    assert frames[1].payload == b"GET / HTTP/1.1\r\n\r\n"
    assert frames[3].payload == struct.pack("!I", 3)


def test_control_frame_layout() -> None:
    reply = spdy.syn_reply(spdy.HeaderCodec(), 5)
    assert reply[:4] == b"\x80\x03\x00\x02"  # control bit, version 3, SYN_REPLY
    assert struct.unpack("!I", reply[4:8])[0] == len(reply) - 8
    assert struct.unpack("!I", reply[8:12])[0] == 5
    assert spdy.data_frame(5, b"ab", fin=True) == b"\x00\x00\x00\x05\x01\x00\x00\x02ab"
    assert spdy.rst_stream(5, spdy.RST_CANCEL) == (b"\x80\x03\x00\x03\x00\x00\x00\x08"
                                                   b"\x00\x00\x00\x05\x00\x00\x00\x05")
    assert spdy.goaway(9) == b"\x80\x03\x00\x07\x00\x00\x00\x08\x00\x00\x00\x09\x00\x00\x00\x00"


def test_only_version_3() -> None:
    frame = struct.pack("!HHI", 0x8002, spdy.TYPE_PING, 4) + b"\x00\x00\x00\x01"
    with pytest.raises(spdy.SPDYError):
        spdy.FrameReader(spdy.HeaderCodec()).feed(frame)
