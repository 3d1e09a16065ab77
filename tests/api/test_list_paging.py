"""Paged lists read only their page, on both store backends: the storage asks the store for
``limit + 1`` keys from the continue key (etcd's ``Range`` with a limit) and takes
``remainingItemCount`` from the range's ``count``, instead of reading to the end of the prefix.
Counted through an instrumented store (ranges asked for, keys returned), not timed."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from k8s_internals.api.resources import lookup
from k8s_internals.api.server import APIServer
from k8s_internals.client.client import Client
from k8s_internals.store import Store

from .conftest import pod

N = 23


class CountingStore:
    """A store whose ranges are recorded: ``(limit, keys returned)`` per call."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.ranges: list[tuple[int, int]] = []

    def range(self, key: bytes, range_end: bytes | None = None, **kw: Any) -> Any:
        resp = self.inner.range(key, range_end, **kw)
        self.ranges.append((kw.get("limit", 0), len(resp.kvs)))
        return resp

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def counting(api: APIServer, admin: Client) -> CountingStore:
    for i in range(N):
        admin.create("pods", pod(f"p{i:02d}", app="a" if i % 5 == 0 else "b"))
    wrapped = CountingStore(api.storage.store)
    api.storage.store = wrapped  # type: ignore[assignment]
    return wrapped


def _pages(admin: Client, limit: int, **kw: Any) -> list[dict[str, Any]]:
    pages = [admin.list("pods", "default", limit=limit, **kw)]
    while token := pages[-1]["metadata"].get("continue"):
        pages.append(admin.list("pods", "default", limit=limit, continue_token=token, **kw))
    return pages


def test_each_page_ranges_over_its_own_keys_only(admin: Client,
                                                 counting: CountingStore) -> None:
    pages = _pages(admin, 5)
    names = [p["metadata"]["name"] for page in pages for p in page["items"]]
    assert names == [f"p{i:02d}" for i in range(N)]
    # one range per page, each asking for and getting at most limit + 1 keys (the whole prefix
    # is never read: 23 keys, 5 pages, 5 + 1 keys each at most)
    assert len(counting.ranges) == len(pages) == 5
    assert all(limit == 6 and got <= 6 for limit, got in counting.ranges)
    assert [p["metadata"].get("remainingItemCount") for p in pages] == [18, 13, 8, 3, None]
    revs = {p["metadata"]["resourceVersion"] for p in pages}
    assert len(revs) == 1  # every page at the first page's revision


def test_a_selective_page_reads_in_doubling_chunks(admin: Client,
                                                   counting: CountingStore) -> None:
    pages = _pages(admin, 2, label_selector="app=a")
    assert [[p["metadata"]["name"] for p in page["items"]] for page in pages] == [
        ["p00", "p05"], ["p10", "p15"], ["p20"]]
    # no remainingItemCount with a selector (the count includes items it drops)
    assert all("remainingItemCount" not in p["metadata"] for p in pages)
    limits = [limit for limit, _ in counting.ranges]
    assert limits[0] == 3 and all(b in (3, 2 * a) for a, b in itertools.pairwise(limits))
    assert sum(got for _, got in counting.ranges) < 2 * N


def test_the_predicate_sees_each_key_read_once(api: APIServer, admin: Client,
                                               counting: CountingStore) -> None:
    info = lookup("", "pods")
    assert info is not None
    seen: list[str] = []

    def pred(obj: dict[str, Any]) -> bool:
        seen.append(obj["metadata"]["name"])
        return obj["metadata"]["labels"]["app"] == "a"

    result = api.storage.list(info, "default", pred, limit=2)
    assert [o["metadata"]["name"] for o in result.items] == ["p00", "p05"]
    # each key read is decoded and tested once, and no further than the item after the page
    assert seen == [f"p{i:02d}" for i in range(11)]
    assert sum(got for _, got in counting.ranges) == 3 + 6 + 12


def test_memory_index_walks_only_the_page(api: APIServer, admin: Client,
                                          counting: CountingStore, backend: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """On the embedded store, the key index visits ``limit + 1`` keys per page wherever the page
    starts (the count of the rest comes from its sorted list of live keys)."""
    if backend != "memory":
        pytest.skip("the embedded store's index")
    from k8s_internals.store import key_index

    visited = [0]
    get = key_index.KeyIndex.get

    def counting_get(self: key_index.KeyIndex, at_rev: int) -> Any:
        visited[0] += 1
        return get(self, at_rev)

    monkeypatch.setattr(key_index.KeyIndex, "get", counting_get)
    per_page = []
    token = ""
    while True:
        visited[0] = 0
        page = admin.list("pods", "default", limit=4, continue_token=token)
        per_page.append(visited[0])
        assert page["items"]
        if not (token := page["metadata"].get("continue", "")):
            break
    assert len(per_page) == 6
    assert all(v <= 4 + 1 for v in per_page), per_page
