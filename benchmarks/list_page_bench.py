"""List-page benchmark: one ``kubectl get pods -A`` page (``limit=500``, ``as=Table``) served
in process (the chain, the storage's paged range, the Table and its JSON encoding: what
``k8s-internals serve`` does on its loop thread for each page) at the start, the middle and the
end of 10,000 stored pods.

A page should cost the same wherever it starts: the storage asks the store for ``limit + 1``
keys from the continue key and takes ``remainingItemCount`` from the range's ``count``. The
embedded store's key-index visits per page are printed too (CPU time is noisy on a shared
machine; the visit count is not). The server's garbage-collector settings are applied
(:func:`k8s_internals.serve.tune_gc`), as ``serve`` does, before the pods are created.

``K8S_INTERNALS_BENCH_QUICK=1`` shrinks it (2,000 pods, 3 runs per offset).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import Any

QUICK = os.environ.get("K8S_INTERNALS_BENCH_QUICK") == "1"
N_PODS = 2_000 if QUICK else 10_000
RUNS = 3 if QUICK else 15
LIMIT = 500
ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,"
          "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")


def _setup() -> tuple[Any, Any]:
    from k8s_internals.api.assemble import APIServerConfig, new_api_server
    from k8s_internals.api.authn.token_file import TokenEntry
    from k8s_internals.client.client import Client
    from k8s_internals.client.transport import InProcessTransport
    from k8s_internals.serve import tune_gc
    from k8s_internals.sim import Kernel
    from k8s_internals.store import open_store

    kernel = Kernel(seed=0)
    store = open_store("memory://", kernel=kernel)
    api = new_api_server(kernel, store, APIServerConfig(
        tokens=[TokenEntry("admin-token", "kubernetes-admin", "", ("system:masters",))]))
    restore = tune_gc()
    admin = Client(InProcessTransport(api), "admin-token", name="kubectl")
    admin.create("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": "bench-pods"}})
    admin.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": "bench-pods"}})
    admin.create("pods", {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "template", "namespace": "bench-pods", "labels": {"app": "bench"}},
        "spec": {"nodeName": "bench-no-such-node",
                 "containers": [{"name": "app", "image": "nginx:1.27"}]}})
    kv = store.get(b"/registry/pods/bench-pods/template")
    assert kv is not None
    # the stored pod, copied under other names (as if created through the API, much faster)
    for i in range(N_PODS):
        name = f"pod-{i:05d}"
        store.put(f"/registry/pods/bench-pods/{name}".encode(),
                  kv.value.replace(b'"template"', f'"{name}"'.encode()))
    store.delete(b"/registry/pods/bench-pods/template")
    return api, restore


def main() -> None:
    from k8s_internals.api.http.negotiation import negotiate
    from k8s_internals.api.http.server import _serve_resource
    from k8s_internals.api.request import Request
    from k8s_internals.store import key_index

    api, restore = _setup()
    neg = negotiate(ACCEPT)
    assert neg is not None

    def page(token: str) -> dict[str, Any]:
        params = {"limit": str(LIMIT)}
        if token:
            params["continue"] = token
        req = Request(verb="list", resource="pods", params=params,
                      headers={"Authorization": "Bearer admin-token"})
        reply = _serve_resource(api, req, neg, False)
        assert reply.code == 200, reply.body[:200]
        return json.loads(reply.body)

    tokens: dict[int, str] = {}
    token, offset = "", 0
    start = time.perf_counter()
    while True:
        tokens[offset] = token
        body = page(token)
        offset += len(body["rows"])
        if not (token := body["metadata"].get("continue", "")):
            break
    whole = time.perf_counter() - start
    assert offset == N_PODS, offset
    print(f"list_page_bench: {N_PODS:,} pods, pages of {LIMIT} as Table, in process; "
          f"CPU ms per page (median/min of {RUNS})")
    get = key_index.KeyIndex.get
    visits = [0]

    def counting(self: key_index.KeyIndex, at_rev: int) -> Any:
        visits[0] += 1
        return get(self, at_rev)

    medians = []
    for at in (0, N_PODS // 2, N_PODS - LIMIT):
        times = []
        for _ in range(RUNS):
            t = time.process_time()
            page(tokens[at])
            times.append(time.process_time() - t)
        visits[0] = 0
        key_index.KeyIndex.get = counting  # type: ignore[method-assign]
        try:
            page(tokens[at])
        finally:
            key_index.KeyIndex.get = get  # type: ignore[method-assign]
        medians.append(statistics.median(times))
        print(f"  page at offset {at:6,}: {medians[-1] * 1000:6.1f} ms median, "
              f"{min(times) * 1000:6.1f} ms min; key-index visits {visits[0]:,}")
    print(f"  last page / first page: {medians[-1] / medians[0]:.2f}x (flat: ~1.0x); "
          f"the whole listing ({len(tokens)} pages): {whole * 1000:.0f} ms wall")
    restore()


if __name__ == "__main__":
    main()
