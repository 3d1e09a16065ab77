"""Serve benchmark: ``k8s-internals serve`` over HTTPS on loopback, driven by concurrent clients
and by the real ``kubectl``, in one run.

The server is started as a subprocess (``--nodes 1``, ``--port 0``: a free port on 127.0.0.1,
``--state-dir`` in a temporary folder) and killed by its PID at the end. The clients are
separate *processes* (:data:`CLIENTS` of them, forked), each with one keep-alive HTTPS
connection (``http.client``, the admin's bearer token), so the clients' Python does not share a
GIL with anything; they do share the machine's cores with the server, so figures on a small
machine under-state the server. Each workload runs for a fixed time; all clients start
together; a repetition's throughput is the requests completed divided by the time from the
common start to the last client's end, its latencies are every request's round trip.

Workloads:

- **baseline** — ``GET /version``: the bare HTTPS round trip through this server (TLS, HTTP
  parsing, the hop onto the loop thread, authentication and authorization, a tiny body);
- **writes** — ConfigMap creates (``POST``, unique names) and pod label updates (``PATCH``,
  ``application/merge-patch+json``, one pod per client);
- **reads** — ``GET`` of one ConfigMap, and a small list (10 ConfigMaps in a namespace);
- **kubectl get pods -A** with 10,000 pods stored: the whole ``/usr/bin/kubectl`` process
  timed (``HOME`` in a temporary folder; one warm-up run first so the discovery cache is warm;
  kubectl pages with ``limit=500`` and asks for ``Table``). The pods are created through the API
  by the client processes (that rate is printed too) with ``spec.nodeName`` set to a node that
  does not exist, so the scheduler and the kubelets leave them alone (they stay ``Pending``).
  kubectl runs with ``-v=6``: its log gives each request's round trip and client-go's
  client-side throttling waits (kubectl's REST client keeps client-go's default QPS 5, burst
  10, so 21 pages of 500 wait ~0.5-2 s whatever the server does); the wall time is also
  printed without those waits.

Figures are medians over :data:`REPEATS` repetitions (p50/p99 too: the median of the
repetitions' percentiles); ratios are against the baseline of the same repetition. The server's
CPU time per request (``/proc/<pid>/stat``; ``srv ms/req``) is printed as well: it is far less
noisy than throughput on a shared machine; ``cli ms/req`` is the clients' CPU per request (what
they take from the same cores). Targets (issue 6 §5): >= 500 writes/s, >= 2,000 reads/s,
p99 <= 50 ms, ``kubectl get pods -A`` of 10,000 pods <= 1 s.

``K8S_INTERNALS_BENCH_QUICK=1`` shrinks it (1 s workloads, one repetition, 1,000 pods).
"""

from __future__ import annotations

import http.client
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUICK = os.environ.get("K8S_INTERNALS_BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 4
DURATION = 1.0 if QUICK else 4.0
REPEATS = 1 if QUICK else 3
N_PODS = 1_000 if QUICK else 10_000
KUBECTL_RUNS = 2 if QUICK else 5
SMALL_LIST = 10
KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"

TARGET_WRITES = 500.0
TARGET_READS = 2_000.0
TARGET_P99_MS = 50.0
TARGET_KUBECTL_S = 1.0

BENCH_NS = "bench"
SMALL_NS = "bench-small"
PODS_NS = "bench-pods"
NOWHERE = "bench-no-such-node"

_TICKS = os.sysconf("SC_CLK_TCK")


# -- the client side (runs in forked processes) ----------------------------------------------------


@dataclass
class Target:
    host: str
    port: int
    token: str
    ca_pem: bytes

    def connect(self) -> http.client.HTTPSConnection:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(cadata=self.ca_pem.decode())
        conn = http.client.HTTPSConnection(self.host, self.port, context=ctx, timeout=60)
        conn.connect()
        return conn

    def headers(self, content_type: str = "") -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
             "User-Agent": "serve-bench"}
        if content_type:
            h["Content-Type"] = content_type
        return h


def _configmap(name: str, namespace: str) -> bytes:
    return json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": name, "namespace": namespace},
                       "data": {"key": "value", "other": "x" * 64}}).encode()


def _pod(name: str, namespace: str, node: str = NOWHERE) -> bytes:
    return json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": name, "namespace": namespace,
                                    "labels": {"app": "serve-bench"}},
                       "spec": {"nodeName": node, "containers": [
                           {"name": "app", "image": "registry.k8s.io/pause:3.9"}]}}).encode()


def _request(op: str, worker: int, i: int, run: int) -> tuple[str, str, bytes | None, str]:
    """Method, path, body and content type of request ``i`` of ``op`` for one client."""
    if op == "version":
        return "GET", "/version", None, ""
    if op == "create":
        name = f"cm-r{run}-w{worker}-{i}"
        return ("POST", f"/api/v1/namespaces/{BENCH_NS}/configmaps",
                _configmap(name, BENCH_NS), "application/json")
    if op == "patch":
        body = json.dumps({"metadata": {"labels": {"rev": str(i)}}}).encode()
        return ("PATCH", f"/api/v1/namespaces/{BENCH_NS}/pods/patch-{worker}", body,
                "application/merge-patch+json")
    if op == "get":
        return "GET", f"/api/v1/namespaces/{BENCH_NS}/configmaps/read-{(worker + i) % 20}", \
            None, ""
    if op == "list":
        return "GET", f"/api/v1/namespaces/{SMALL_NS}/configmaps", None, ""
    if op == "pods":
        return ("POST", f"/api/v1/namespaces/{PODS_NS}/pods",
                _pod(f"pod-{i:05d}", PODS_NS), "application/json")
    raise ValueError(op)


def _client(target: Target, op: str, worker: int, run: int, start_at: float, duration: float,
            indices: list[int] | None, out: Any) -> None:
    """One client process: wait for the common start, then send requests back to back on one
    keep-alive connection until ``duration`` is over (or ``indices`` are done)."""
    try:
        conn = target.connect()
        latencies: list[float] = []
        failures = 0
        first_error = ""
        clock = time.perf_counter
        wall = time.time
        while wall() < start_at:
            time.sleep(min(0.005, max(0.0, start_at - wall())))
        deadline = clock() + duration
        cpu0 = time.process_time()
        seq = iter(indices) if indices is not None else None
        i = 0
        while True:
            if seq is not None:
                i = next(seq, -1)
                if i < 0:
                    break
            elif clock() >= deadline:
                break
            method, path, body, ctype = _request(op, worker, i, run)
            t0 = clock()
            conn.request(method, path, body=body, headers=target.headers(ctype))
            resp = conn.getresponse()
            data = resp.read()
            latencies.append(clock() - t0)
            if resp.status >= 300:
                failures += 1
                if not first_error:
                    first_error = f"{method} {path}: {resp.status} {data[:200]!r}"
            i += 1
        end = wall()
        cpu = time.process_time() - cpu0
        conn.close()
        out.put((worker, latencies, failures, first_error, end, cpu))
    except BaseException as exc:  # the parent must hear about it, not wait forever
        out.put((worker, [], 1, f"{type(exc).__name__}: {exc}", time.time(), 0.0))


@dataclass
class Run:
    """One workload repetition: all clients' results."""

    op: str
    requests: int
    seconds: float
    latencies: list[float]
    failures: int
    first_error: str
    server_cpu: float  # seconds of the server's CPU during the run
    client_cpu: float = 0.0  # seconds of CPU of all the client processes together

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in ms."""
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        k = min(len(xs) - 1, max(0, math.ceil(q / 100 * len(xs)) - 1))
        return xs[k] * 1000

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu * 1000 / self.requests if self.requests else float("nan")

    @property
    def client_ms_per_request(self) -> float:
        return self.client_cpu * 1000 / self.requests if self.requests else float("nan")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (and its reaped children), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:13]) / _TICKS


def drive(target: Target, pid: int, op: str, run: int, *, duration: float = DURATION,
          count: int = 0, clients: int = CLIENTS) -> Run:
    """Run ``op`` on ``clients`` processes (for ``duration`` seconds, or ``count`` requests
    split between them) and gather the results."""
    mp = multiprocessing.get_context("fork")
    out = mp.Queue()
    start_at = time.time() + 0.3 + 0.05 * clients
    procs = []
    for w in range(clients):
        indices = list(range(w, count, clients)) if count else None
        p = mp.Process(target=_client, args=(target, op, w, run, start_at,
                                             duration, indices, out), daemon=True)
        p.start()
        procs.append(p)
    cpu0 = None
    while time.time() < start_at:
        time.sleep(0.001)
    cpu0 = _cpu_seconds(pid)
    results = [out.get(timeout=duration + 600) for _ in procs]
    cpu1 = _cpu_seconds(pid)
    for p in procs:
        p.join(10)
    latencies = [x for r in results for x in r[1]]
    end = max(r[4] for r in results)
    errors = [r[3] for r in results if r[3]]
    return Run(op, len(latencies), end - start_at, latencies, sum(r[2] for r in results),
               errors[0] if errors else "", cpu1 - cpu0, sum(r[5] for r in results))


# -- the server ---------------------------------------------------------------------------------


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    state: Path
    target: Target
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid


def start_server(tmp: Path, timeout: float = 180.0) -> Server:
    state = tmp / "state"
    log = tmp / "serve.log"
    exe = Path(sys.executable).with_name("k8s-internals")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "k8s_internals"]
    cmd += ["serve", "--nodes", "1", "--port", "0", "--state-dir", str(state)]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)
    deadline = time.monotonic() + timeout
    url = ""
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if "serving at " in text:
            url = text.split("serving at ", 1)[1].split()[0]
            break
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited with {proc.returncode}:\n{text}")
        time.sleep(0.1)
    if not url:
        stop_server(proc)
        raise TimeoutError(f"serve did not start within {timeout:.0f} s")
    token = ""
    for line in (state / "tokens.csv").read_text().splitlines():
        parts = line.split(",")
        if len(parts) > 1 and parts[1] == "kubernetes-admin":
            token = parts[0]
    host, port = url.removeprefix("https://").rsplit(":", 1)
    target = Target(host, int(port), token, (state / "ca.crt").read_bytes())
    return Server(proc, url, state, target, log)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)


def _call(target: Target, method: str, path: str, body: Any = None,
          content_type: str = "application/json") -> tuple[int, Any]:
    conn = target.connect()
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data,
                     headers=target.headers(content_type if data else ""))
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, json.loads(raw) if raw else None
    finally:
        conn.close()


def prepare(server: Server) -> None:
    """Namespaces (waiting for their default ServiceAccount, which admission needs for pods),
    the ConfigMaps the reads get and list, one pod per client for the patches."""
    t = server.target
    for ns in (BENCH_NS, SMALL_NS, PODS_NS):
        code, body = _call(t, "POST", "/api/v1/namespaces",
                           {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        if code not in (201, 409):
            raise RuntimeError(f"namespace {ns}: {code} {body}")
    deadline = time.monotonic() + 60
    for ns in (BENCH_NS, PODS_NS):
        while _call(t, "GET", f"/api/v1/namespaces/{ns}/serviceaccounts/default")[0] != 200:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no default ServiceAccount in {ns}")
            time.sleep(0.1)
    conn = t.connect()
    try:
        bodies = [(f"/api/v1/namespaces/{BENCH_NS}/configmaps", _configmap(f"read-{i}", BENCH_NS))
                  for i in range(20)]
        bodies += [(f"/api/v1/namespaces/{SMALL_NS}/configmaps", _configmap(f"small-{i}",
                                                                          SMALL_NS))
                   for i in range(SMALL_LIST)]
        bodies += [(f"/api/v1/namespaces/{BENCH_NS}/pods", _pod(f"patch-{w}", BENCH_NS))
                   for w in range(CLIENTS)]
        for path, body in bodies:
            conn.request("POST", path, body=body, headers=t.headers("application/json"))
            resp = conn.getresponse()
            data = resp.read()
            if resp.status not in (201, 409):
                raise RuntimeError(f"POST {path}: {resp.status} {data[:300]!r}")
    finally:
        conn.close()


# -- kubectl --------------------------------------------------------------------------------------


@dataclass
class KubectlRun:
    """One ``kubectl get pods -A``: wall time, rows printed, and from its ``-v=6`` log the
    requests, their round trips and client-go's client-side throttling waits."""

    seconds: float
    rows: int
    requests: int
    round_trips: float
    throttled: float


_WAITED = re.compile(r"Waited for ([0-9.]+)(µs|us|ms|s) due to client-side throttling")
_ROUND_TRIP = re.compile(r"round_trippers.go:\d+\] (GET|POST|PUT|PATCH|DELETE) \S+ \d+ .* in "
                         r"(\d+) milliseconds")
_UNIT = {"µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def kubectl_get_pods(server: Server, home: Path) -> KubectlRun:
    env = {"HOME": str(home), "KUBECONFIG": str(server.state / "kubeconfig"),
           "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    start = time.perf_counter()
    out = subprocess.run([KUBECTL, "get", "pods", "-A", "-v=6"], env=env, capture_output=True,
                         text=True, timeout=300)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"kubectl get pods -A: {out.returncode}\n{out.stderr[-2000:]}")
    trips = [int(m.group(2)) / 1000 for m in _ROUND_TRIP.finditer(out.stderr)]
    waits = [float(m.group(1)) * _UNIT[m.group(2)] for m in _WAITED.finditer(out.stderr)]
    return KubectlRun(elapsed, max(0, len(out.stdout.splitlines()) - 1), len(trips),
                      sum(trips), sum(waits))


# -- running and reporting ------------------------------------------------------------------------

#: op, label, kind (target class)
WORKLOADS: list[tuple[str, str, str]] = [
    ("version", "GET /version (baseline)", "baseline"),
    ("create", "POST configmap (create)", "write"),
    ("patch", "PATCH pod labels (merge)", "write"),
    ("get", "GET configmap", "read"),
    ("list", f"GET configmaps (list of {SMALL_LIST})", "read"),
]


@dataclass
class Figures:
    runs: dict[str, list[Run]] = field(default_factory=dict)

    def add(self, run: Run) -> None:
        self.runs.setdefault(run.op, []).append(run)

    def median(self, op: str, attr: str) -> float:
        values = [getattr(r, attr) if attr != "p50" and attr != "p99"
                  else r.percentile(50 if attr == "p50" else 99) for r in self.runs[op]]
        return statistics.median(values)

    def ratio(self, op: str) -> float:
        """Median over repetitions of this op's rate / the same repetition's baseline rate."""
        return statistics.median(r.rate / b.rate for r, b in zip(self.runs[op],
                                                                  self.runs["version"],
                                                                  strict=False) if b.rate)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    print(f"serve_bench: k8s-internals serve --nodes 1 over HTTPS on loopback; {CLIENTS} client"
          f" processes (one keep-alive connection each), {DURATION:g} s per workload,"
          f" {REPEATS} repetition(s), medians; {N_PODS:,} pods for kubectl; "
          f"{os.cpu_count()} CPUs" + (" [QUICK]" if QUICK else ""), flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="k8s-internals-serve-bench-"))
    server: Server | None = None
    try:
        t0 = time.perf_counter()
        server = start_server(tmp)
        print(f"  server: pid {server.pid} at {server.url} (up in "
              f"{time.perf_counter() - t0:.1f} s)", flush=True)
        prepare(server)
        figures = Figures()
        for rep in range(REPEATS):
            print(f"  repetition {rep + 1}:", end="", flush=True)
            for op, _label, _kind in WORKLOADS:
                run = drive(server.target, server.pid, op, rep)
                figures.add(run)
                print(f" {op}={run.rate:,.0f}/s", end="", flush=True)
                if run.failures:
                    print(f" [{run.failures} failed: {run.first_error}]", end="")
            print(flush=True)
        pods = drive(server.target, server.pid, "pods", 0, duration=0, count=N_PODS)
        if pods.failures:
            raise RuntimeError(f"pod creation: {pods.failures} failed: {pods.first_error}")
        print(f"  {N_PODS:,} pods created in {pods.seconds:.1f} s ({pods.rate:,.0f}/s, p50 "
              f"{pods.percentile(50):.1f} ms, p99 {pods.percentile(99):.1f} ms, server CPU "
              f"{pods.cpu_ms_per_request:.2f} ms/pod); spec.nodeName={NOWHERE}: Pending, "
              f"unscheduled", flush=True)
        home = tmp / "home"
        home.mkdir()
        warm = kubectl_get_pods(server, home)
        cpu0 = _cpu_seconds(server.pid)
        runs = [kubectl_get_pods(server, home) for _ in range(KUBECTL_RUNS)]
        kubectl_cpu = (_cpu_seconds(server.pid) - cpu0) / KUBECTL_RUNS
        lines = runs[-1].rows
        if lines < N_PODS:
            raise RuntimeError(f"kubectl get pods -A printed {lines} pods, not {N_PODS}")
        kubectl_s = statistics.median(r.seconds for r in runs)
        throttled = statistics.median(r.throttled for r in runs)
        trips = statistics.median(r.round_trips for r in runs)
        print(f"  kubectl get pods -A ({lines:,} rows, {runs[-1].requests} requests): warm-up "
              f"{warm.seconds:.2f} s; runs " + ", ".join(f"{r.seconds:.2f}" for r in runs)
              + " s", flush=True)
        print(f"    median: {kubectl_s:.2f} s = {trips:.2f} s in round trips to the server + "
              f"{throttled:.2f} s of client-go's client-side throttling (QPS 5, burst 10: "
              f"kubectl's default) + {kubectl_s - trips - throttled:.2f} s in kubectl; server "
              f"CPU {kubectl_cpu:.2f} s per run", flush=True)
        print()
        print(f"  {'workload':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs base':>9}"
              f"{'srv ms/req':>12}{'cli ms/req':>12}  target")
        for op, label, kind in WORKLOADS:
            rate = figures.median(op, "rate")
            p50, p99 = figures.median(op, "p50"), figures.median(op, "p99")
            cpu = figures.median(op, "cpu_ms_per_request")
            cli = figures.median(op, "client_ms_per_request")
            ratio = figures.ratio(op)
            if kind == "baseline":
                verdict = "(baseline)"
            else:
                need = TARGET_WRITES if kind == "write" else TARGET_READS
                verdict = (f">= {need:,.0f}/s {_verdict(rate >= need)}; p99 <= "
                           f"{TARGET_P99_MS:.0f} ms {_verdict(p99 <= TARGET_P99_MS)}")
            print(f"  {label:<34}{rate:>9,.0f}{p50:>9.1f}{p99:>9.1f}{ratio:>8.2f}x"
                  f"{cpu:>12.2f}{cli:>12.2f}  {verdict}")
        print(f"  {'kubectl get pods -A, ' + format(N_PODS, ',') + ' pods':<34}"
              f"{'':>9}{kubectl_s * 1000:>9.0f}{'':>9}{'':>9}{kubectl_cpu * 1000:>12.0f}{'':>12}"
              f"  <= {TARGET_KUBECTL_S:g} s {_verdict(kubectl_s <= TARGET_KUBECTL_S)}"
              f" (p50 column: median wall ms; srv: server CPU ms per run)")
        unthrottled = kubectl_s - throttled
        print(f"  {'  the same without client throttling':<34}{'':>9}{unthrottled * 1000:>9.0f}"
              f"{'':>9}{'':>9}{'':>12}{'':>12}  <= {TARGET_KUBECTL_S:g} s "
              f"{_verdict(unthrottled <= TARGET_KUBECTL_S)} (wall minus client-go's waits)")
    finally:
        if server is not None:
            stop_server(server.proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
