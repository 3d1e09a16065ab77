"""``k8s-internals serve``: the whole simulated cluster, in real time, behind the Kubernetes
REST API over HTTPS on 127.0.0.1 — for the real ``kubectl`` and the official Python client.

It boots a :class:`~k8s_internals.cluster.Cluster` (on ``--store memory://`` or a real
``etcd://HOST:PORT``), switches its kernel to the wall clock
(:class:`~k8s_internals.sim.realtime.RealTimeDriver`), creates a CA and a serving certificate,
and writes into ``--state-dir``: ``kubeconfig`` (the admin, a ``system:masters`` token, ready for
``KUBECONFIG=... kubectl get pods``), one kubeconfig per identity (``viewer`` — bound to the
``view`` ClusterRole — and each component), ``tokens.csv`` and ``ca.crt``. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import gc
import secrets
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["add_arguments", "serve", "tune_gc"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--nodes", type=int, default=3, help="worker nodes (default 3)")
    p.add_argument("--store", default="memory://", help="memory:// or etcd://HOST:PORT")
    p.add_argument("--port", type=int, default=6443, help="HTTPS port on 127.0.0.1")
    p.add_argument("--kubeconfig", default="", help="where to write the admin kubeconfig")
    p.add_argument("--state-dir", default="", help="folder for kubeconfigs, tokens, ca.crt")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--proxy-mode", default="iptables", choices=("iptables", "ipvs",
                                                                 "userspace"))


#: the cyclic collector's thresholds while serving (CPython's default is ``(700, 10, 10)``)
GC_THRESHOLDS = (50_000, 50, 100)


def tune_gc() -> Callable[[], None]:
    """A long-running server's garbage collection: what the boot made (code, schemas, the
    cluster's objects and caches) is moved out of the collector's scans (``gc.freeze``), and
    the young generation is collected every 50,000 allocations instead of 700. Each request
    allocates thousands of short-lived containers (JSON decoding, Table rows) and, with the
    default thresholds, the collections that follow walk an ever larger heap: measured by
    ``benchmarks/serve_bench.py`` with 10,000 pods stored, ``kubectl get pods -A`` cost the
    server 1.65-2.3 s of CPU per run with the defaults, 1.25-1.4 s with these, and pods were
    created at ~490/s instead of ~585/s. Returns a function that restores the previous
    settings (``serve`` may run inside a longer-lived process, e.g. a test)."""
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)

    def restore() -> None:
        gc.set_threshold(*previous)
        gc.unfreeze()

    return restore


def serve(args: argparse.Namespace, ready: threading.Event | None = None,
          stop: threading.Event | None = None) -> int:
    from .api.http import serve_api
    from .api.http.kubeconfig import (
        Identity,
        add_tokens,
        ensure_viewer_binding,
        identities_from_tokens,
        token_entries,
        write_all,
        write_kubeconfig,
    )
    from .cluster import Cluster
    from .sim import RealTimeDriver

    state = Path(args.state_dir or Path.home() / ".k8s-internals")
    # boot on virtual time that ends "now": the first objects get real timestamps
    cluster = Cluster(nodes=args.nodes, seed=args.seed, store=args.store,
                      proxy_mode=args.proxy_mode,
                      epoch=datetime.now(UTC) - timedelta(seconds=30))
    restore_gc = tune_gc()
    driver = RealTimeDriver(cluster.kernel)
    driver.start()
    viewer = Identity("viewer", "viewer", (), secrets.token_urlsafe(24))
    driver.call(add_tokens, cluster.api, token_entries([viewer]))
    driver.call(ensure_viewer_binding, cluster.api)
    httpd, url = serve_api(cluster.api, driver, port=args.port, host="127.0.0.1")
    identities = [*identities_from_tokens(cluster.tokens), viewer]
    write_all(state, url, httpd.ca_pem, identities)
    admin_config = state / "kubeconfig"
    if args.kubeconfig:
        admin_config = Path(args.kubeconfig)
        write_kubeconfig(admin_config, url, httpd.ca_pem, identities)
    print(f"k8s-internals: {cluster!r} serving at {url}", flush=True)
    print(f"  export KUBECONFIG={admin_config}", flush=True)
    print(f"  (viewer: {state / 'viewer.kubeconfig'}; tokens: {state / 'tokens.csv'})",
          flush=True)
    done = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
    if ready is not None:
        ready.set()
    try:
        done.wait()
    finally:
        httpd.stop()
        driver.stop()
        cluster.close()
        restore_gc()
        print("k8s-internals: stopped", flush=True)
    return 0
