"""A plain JSON list reply over HTTPS splices each item's cached encoding (upstream's
``cachingObject``) instead of decoding and encoding every object: the bytes must be exactly
what encoding the decoded list gives, on both store backends — Go's HTML-safe escaping,
unicode, control characters, numbers, pages, selectors, and again once every item is cached."""

from __future__ import annotations

from typing import Any

import pytest

from k8s_internals.api.codec import EncodedItems, dumps
from k8s_internals.api.http.negotiation import Negotiated
from k8s_internals.api.http.server import _serve_resource
from k8s_internals.api.request import Request
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client

NS = "default"
AUTH = {"Authorization": "Bearer admin-token"}

TRICKY = [
    "plain", "<script>alert('x')</script>", "a & b > c", "\u2028line\u2029sep", "é日本語🙂",
    'quote " and \\ backslash', "tab\tnew\nline\r\x01\x1f", "\u00e9\u0301", "", "{}[],:",
    "\\u003c not an escape",
]


def _configmaps(admin: Client, n: int) -> None:
    for i in range(n):
        text = TRICKY[i % len(TRICKY)]
        admin.create("configmaps", {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"cm-{i:03d}", "namespace": NS,
                         "labels": {"app": "a" if i % 3 else "b"},
                         "annotations": {"example.com/note": text + "<&>"}},
            "data": {"k": text, f"key-{i}": "v" * (i % 7), "json": '{"a": [1, 2.5, -3e10]}'},
        })
    # some updates, so mod_revision differs from create_revision
    for i in range(0, n, 4):
        admin.patch("configmaps", f"cm-{i:03d}", {"data": {"extra": TRICKY[(i + 1) % 11]}},
                    namespace=NS)


def _reply(api: APIServer, encoded: bool, **params: str) -> bytes:
    req = Request(verb="list", resource="configmaps", namespace=NS, params=dict(params),
                  headers=dict(AUTH))
    if not encoded:
        resp = api.handle(req)
        assert resp.code == 200 and not isinstance(resp.body["items"], EncodedItems)
        return dumps(resp.body).encode()
    reply = _serve_resource(api, req, Negotiated(), False)
    assert reply.code == 200 and req.encoded_items
    return reply.body


def _pages(api: APIServer, encoded: bool, **params: str) -> list[bytes]:
    import json

    out = [_reply(api, encoded, **params)]
    while token := json.loads(out[-1])["metadata"].get("continue"):
        out.append(_reply(api, encoded, **params, **{"continue": token}))
    return out


def test_spliced_list_reply_is_byte_identical(api: APIServer, admin: Client) -> None:
    _configmaps(admin, 60)
    cases: list[dict[str, Any]] = [
        {}, {"limit": "7"}, {"labelSelector": "app=a"}, {"labelSelector": "app=b", "limit": "4"},
        {"fieldSelector": "metadata.name!=cm-005"},
    ]
    for _ in range(2):  # cold (every item encoded and cached), then every item from the cache
        for params in cases:
            assert _pages(api, True, **params) == _pages(api, False, **params), params
    assert api.storage._items  # the encodings were cached
    whole = _reply(api, True)
    assert b'"kind":"ConfigMapList"' in whole and whole.count(b'"kind"') == 1
    assert b"\\u003cscript\\u003e" in whole and b"\\u2028" in whole
    assert "é日本語🙂".encode() in whole


def test_a_changed_object_is_encoded_again(api: APIServer, admin: Client) -> None:
    _configmaps(admin, 5)
    before = _reply(api, True)
    admin.patch("configmaps", "cm-001", {"data": {"k": "<changed>"}}, namespace=NS)
    after = _reply(api, True)
    assert after != before and b"\\u003cchanged\\u003e" in after
    assert after == _reply(api, False)
    admin.delete("configmaps", "cm-002", namespace=NS)
    assert _reply(api, True) == _reply(api, False)
    assert b"cm-002" not in _reply(api, True)


def test_the_cache_of_encodings_is_bounded(api: APIServer, admin: Client,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from k8s_internals.api import storage

    _configmaps(admin, 30)
    monkeypatch.setattr(storage, "ITEM_CACHE_CHARS", 4000)
    for _ in range(3):
        assert _reply(api, True) == _reply(api, False)
        cached = api.storage._items
        assert sum(map(len, cached.values())) <= 4000 + max(map(len, cached.values()))
        assert api.storage._items_chars == sum(map(len, cached.values()))
