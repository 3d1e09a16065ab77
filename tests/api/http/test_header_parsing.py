"""The HTTPS front splits plain request header lines itself instead of through the email feed
parser: the ``HTTPMessage`` must be the one ``http.client.parse_headers`` builds, and whatever
the fast path does not take (folding, odd line ends, odd names) goes the stdlib's way."""

from __future__ import annotations

import http.client
import io

import pytest

from k8s_internals.api.http.server import _Handler

BLOCKS = [
    b"Host: a\r\nAuthorization: Bearer  tok \r\nAccept: application/json\r\n\r\n",
    b"\r\n",
    b"X-Empty:\r\nX-Spaces:   \r\nX-Tab:\tv\t\r\nx-lower: 1\r\nX-LOWER: 2\r\n\r\n",
    b"Impersonate-Group: a\r\nImpersonate-Group: b\r\nUser-Agent: k/1 (linux) \xe9\r\n\r\n",
    b"X-Folded: a\r\n  b\r\nNext: c\r\n\r\n",
    b"Bare-LF: a\nOther: b\r\n\r\n",
    b"Inner-CR: a\rb\r\n\r\n",
    b"No colon line\r\nAfter: x\r\n\r\n",
    b": empty name\r\nAfter: x\r\n\r\n",
    b"Odd\x85: x\r\nV: a\x85b\x0bc\r\n\r\n",
    b"Connection: close\r\n\r\n",
    b"Host: a\r\n",  # EOF before the blank line
]


def _parse(requestline: bytes, block: bytes) -> _Handler:
    h = _Handler.__new__(_Handler)
    h.raw_requestline = requestline
    h.rfile = io.BytesIO(block)
    assert h.parse_request()
    return h


@pytest.mark.parametrize("block", BLOCKS)
def test_headers_are_what_the_stdlib_parses(block: bytes) -> None:
    want = http.client.parse_headers(io.BytesIO(block))
    for line in (b"GET /api/v1/pods?limit=5 HTTP/1.1\r\n", b"POST //x HTTP/1.0\r\n"):
        h = _parse(line, block)
        got = h.headers
        assert type(got) is type(want)
        # defects (only on the stdlib's path) compare by identity: compare their types
        assert {**got.__dict__, "defects": None} == {**want.__dict__, "defects": None}
        assert [type(d) for d in got.defects] == [type(d) for d in want.defects]
        assert got.items() == want.items()
        assert got.get("host") == want.get("host")
    assert _parse(b"GET //x HTTP/1.1\r\n", block).path == "/x"
    h = _parse(b"GET / HTTP/1.1\r\n", block)
    assert h.close_connection == (want.get("Connection", "").lower() == "close")
    assert (h.command, h.request_version, h.requestline) == ("GET", "HTTP/1.1", "GET / HTTP/1.1")
