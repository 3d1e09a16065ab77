"""``make demo`` / ``k8s-internals demo``: the seed article's section VIII, run for real.

Boots the default cluster, applies a 3-replica ``luksa/kubia`` Deployment and a Service as
``kubectl apply`` would, runs until every pod is Running, and prints:

1. the chain of requests that followed ``kubectl apply`` — every write, who made it, and which
   earlier write's watch event caused it (the seed says the *kubelet* sends the first POST; it is
   kubectl, and the tree below starts with kubectl's request);
2. ``kubectl get deploy,rs,pods -o wide``;
3. the etcd keys under ``/registry`` for the new objects;
4. the iptables rules kube-proxy wrote for the Service on one node, and a ``curl`` through them;
5. the causal request graph as an SVG file, whose path it prints.

Everything runs on virtual time with seed 0, so the output is the same on every run.

Taught in notebooks/08-all-together.ipynb.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

__all__ = ["KUBIA", "main", "run_demo"]

KUBIA = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kubia
spec:
  replicas: 3
  selector:
    matchLabels:
      app: kubia
  template:
    metadata:
      labels:
        app: kubia
    spec:
      containers:
      - name: kubia
        image: luksa/kubia
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: kubia
spec:
  selector:
    app: kubia
  ports:
  - port: 80
    targetPort: 8080
"""

CLIENT = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client", "namespace": "default"},
          "spec": {"containers": [{"name": "client", "image": "busybox",
                                   "command": ["sleep", "3600"]}]}}


def _section(out: TextIO, title: str) -> None:
    out.write(f"\n=== {title} ===\n")


def run_demo(out: TextIO = sys.stdout, svg_dir: str | Path | None = None,
             seed: int = 0) -> Path:
    """Run the demo, write to ``out``; returns the path of the causal graph SVG."""
    from .cluster import Cluster
    from .viz import causal_graph, to_svg

    started = time.perf_counter()
    cluster = Cluster(nodes=3, seed=seed)
    out.write(f"booted {cluster!r}\n")
    t0 = cluster.kernel.now
    _section(out, "kubectl apply -f kubia.yaml")
    out.write(cluster.apply(KUBIA))
    cluster.run()
    root = next(t for t in cluster.traces(verb="create", resource="deployments")
                if t.name == "kubia")

    _section(out, f"what followed, as a causal tree of writes (t0 = {t0:.0f}s)")
    for depth, trace in cluster.api.tracer.tree(root.id):
        if not trace.writes and depth:
            continue
        out.write(f"{'  ' * depth}{trace.start - t0:7.3f}s  {trace.component:<34} "
                  f"{trace.verb:<6} {trace.target}  {trace.code}\n")

    _section(out, "kubectl get deploy,rs,pods -o wide")
    out.write(cluster.kubectl("get deploy,rs,pods -o wide"))

    _section(out, "etcdctl get /registry --prefix --keys-only  (the kubia objects)")
    keys = cluster.etcdctl("get /registry --prefix --keys-only").split()
    for key in keys:
        if "kubia" in key:
            out.write(key + "\n")

    node = "node-1"
    _section(out, f"iptables-save on {node}: the rules for default/kubia")
    for line in cluster.iptables_save(node).splitlines():
        if "default/kubia" in line:
            out.write(line + "\n")

    _section(out, "curl http://kubia from a pod, hop by hop")
    cluster.apply(CLIENT)
    cluster.run()
    out.write(cluster.curl("http://kubia", from_pod="default/client").describe() + "\n")

    graph = causal_graph(list(cluster.api.tracer), root.id, reads=False)
    folder = Path(svg_dir) if svg_dir is not None else Path(tempfile.mkdtemp(
        prefix="k8s-internals-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    svg = folder / "kubia-causal-graph.svg"
    svg.write_text(to_svg(graph))
    _section(out, "the causal request graph")
    out.write(f"written to {svg}\n")
    out.write(f"\n(wall time {time.perf_counter() - started:.2f} s; virtual time "
              f"{cluster.kernel.now:.1f} s)\n")
    return svg


def main() -> int:
    run_demo()
    return 0
