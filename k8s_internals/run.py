"""``k8s-internals run COMPONENT``: each control plane component as its own OS process.

Upstream every component is its own binary: ``cmd/kube-apiserver``, ``cmd/kube-controller-manager``,
``cmd/kube-scheduler``, ``cmd/kubelet`` and ``cmd/kube-proxy``. Here each is the same class the
simulated :class:`~k8s_internals.cluster.Cluster` runs, wired the same way
(:mod:`k8s_internals.cluster.components`), in a process of its own with its own
:class:`~k8s_internals.sim.Kernel` driven by the wall clock
(:class:`~k8s_internals.sim.realtime.RealTimeDriver`). The components reach the API server
only over HTTPS (:class:`~k8s_internals.client.http_transport.HTTPSTransport`), each with the
identity its kubeconfig holds (a bearer token or a client certificate) and its own user agent,
so the API server's RBAC / Node authorizers and traces see ``system:kube-scheduler``,
``system:kube-controller-manager``, ``system:node:<name>``, ``system:kube-proxy``::

    k8s-internals run apiserver --store etcd://127.0.0.1:2379 --port 6443 --state-dir ./state
    k8s-internals run controller-manager --kubeconfig ./state/kube-controller-manager.kubeconfig
    k8s-internals run scheduler --kubeconfig ./state/kube-scheduler.kubeconfig
    k8s-internals run kubelet --node node-1 --kubeconfig ./state/kubelet-node-1.kubeconfig
    k8s-internals run proxy --node node-1 --kubeconfig ./state/kube-proxy.kubeconfig
    KUBECONFIG=./state/kubeconfig kubectl get nodes

``run apiserver`` plays kube-apiserver plus the bits of ``kubeadm init`` that hand out
credentials (``cmd/kubeadm/app/phases/{certs,kubeconfig}``): in ``--state-dir`` it keeps the CA
(``ca.crt`` / ``ca.key``), the service-account key (``sa.key``), the static tokens
(``tokens.csv``, kube-apiserver's ``--token-auth-file``) and one kubeconfig per identity
(``kubeconfig`` for the admin, ``viewer``, ``kube-controller-manager``, ``kube-scheduler``,
``kube-proxy``, ``kubelet-<node>`` for each of ``--nodes``). A second API server on the same
state dir and the same etcd (``--store``) reuses all of them, so every kubeconfig is trusted by
both, and serves the same objects; its bootstrap (namespaces, RBAC policy, priority classes) is
idempotent. Its watch cache follows etcd, so a watch on one API server sees writes made through
the other.

Simplified, compared with upstream:

- flags are a small subset (listed by ``--help``), with upstream's names where they exist;
  ``--leader-elect*`` durations take Go durations (``15s``, ``500ms``);
- no TLS bootstrap: a kubelet's credentials are made in advance by ``run apiserver
  --nodes`` (kubeadm's ``kubelet.conf``), not requested with a CSR;
- the API server does not dial the components: no ``kubectl logs`` / ``exec`` for pods of
  kubelet processes, and ``componentstatuses`` reports the scheduler and the controller
  manager healthy while their leader-election Lease is fresh (upstream probes their
  ``/healthz``); the ``default/kubernetes`` Endpoints carry ``--advertise-address`` only (no
  lease-based endpoint reconciler for several API servers);
- the kubelet runs pods in its simulated runtime and kube-proxy programs simulated iptables /
  ipvs (printed, and kept in ``--rules-file``), not the host's;
- SIGINT / SIGTERM stop a component as its process ending (a leader's lease is not released: a
  successor waits for it to expire, as with ``ReleaseOnCancel`` unset), exit status 0.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["COMPONENTS", "Connection", "add_arguments", "connect", "lease_probe",
           "load_or_make_ca", "load_or_make_identities", "load_or_make_signing_key", "main",
           "parse_duration", "parse_nodes", "run_apiserver", "run_controller_manager",
           "run_kubelet", "run_proxy", "run_scheduler", "wait_for_apiserver"]

#: component → what it is upstream
COMPONENTS = {
    "apiserver": "kube-apiserver: the API server on a store, serving HTTPS",
    "controller-manager": "kube-controller-manager: the controllers, behind leader election",
    "scheduler": "kube-scheduler: binds pods to nodes, behind leader election",
    "kubelet": "kubelet: registers its Node and runs the pods bound to it",
    "proxy": "kube-proxy: the node's Service rules (iptables, ipvs or userspace)",
}
ALIASES = {"apiserver": ["kube-apiserver"], "controller-manager": ["kube-controller-manager"],
           "scheduler": ["kube-scheduler"], "kubelet": [], "proxy": ["kube-proxy"]}

_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """A Go ``time.Duration`` (``15s``, ``1m30s``, ``500ms``) or plain seconds, as seconds.

    >>> parse_duration("1m30s"), parse_duration("500ms"), parse_duration("2")
    (90.0, 0.5, 2.0)
    """
    t = text.strip()
    with contextlib.suppress(ValueError):
        return float(t)
    pos, total = 0, 0.0
    for m in _DURATION.finditer(t):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(t) or not t:
        raise argparse.ArgumentTypeError(f'time: invalid duration "{text}"')
    return total


def parse_nodes(text: str) -> list[str]:
    """``--nodes``: a count (``3`` → ``node-1 node-2 node-3``) or names (``a,b``)."""
    t = text.strip()
    if t.isdigit():
        return [f"node-{i}" for i in range(1, int(t) + 1)]
    return [n.strip() for n in t.split(",") if n.strip()]


# -- arguments ----------------------------------------------------------------------------------


def _leader_election_flags(p: argparse.ArgumentParser, default: bool | None) -> None:
    p.add_argument("--leader-elect", type=_bool, nargs="?", const=True, default=default,
                   metavar="BOOL",
                   help="take a Lease in kube-system before acting, so several can run "
                        f"(default {str(default).lower() if default is not None else 'true'})")
    p.add_argument("--leader-elect-lease-duration", type=parse_duration, default=None,
                   metavar="DURATION", help="how long a lease is valid (default 15s)")
    p.add_argument("--leader-elect-renew-deadline", type=parse_duration, default=None,
                   metavar="DURATION", help="leader gives up after failing to renew (10s)")
    p.add_argument("--leader-elect-retry-period", type=parse_duration, default=None,
                   metavar="DURATION", help="between tries to acquire or renew (2s)")


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("1", "t", "true", "yes", "y"):
        return True
    if t in ("0", "f", "false", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f'strconv.ParseBool: parsing "{text}": invalid syntax')


def _client_flags(p: argparse.ArgumentParser, node: bool) -> None:
    if node:
        p.add_argument("--node", required=True, help="the node's name (its hostname)")
    p.add_argument("--kubeconfig", required=True,
                   help="the component's kubeconfig (written by `run apiserver`)")
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the process's random generator (default: random)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``run`` subcommand's arguments: one sub-command per component."""
    sub = p.add_subparsers(dest="component", required=True, metavar="COMPONENT",
                           title="components")
    api = sub.add_parser("apiserver", aliases=ALIASES["apiserver"],
                         help=COMPONENTS["apiserver"],
                         description="kube-apiserver on a store, serving HTTPS, with the "
                                     "credentials for the other components in --state-dir.")
    api.add_argument("--store", default="memory://",
                     help="etcd://HOST:PORT (a real etcd) or memory:// (default)")
    api.add_argument("--port", type=int, default=6443, help="HTTPS port (default 6443)")
    api.add_argument("--bind-address", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1)")
    api.add_argument("--advertise-address", default="172.18.0.2",
                     help="the address in the default/kubernetes Endpoints (default "
                          "172.18.0.2, the simulated control-plane node)")
    api.add_argument("--state-dir", default="",
                     help="CA, keys, tokens.csv and kubeconfigs (default ~/.k8s-internals); "
                          "reused when present")
    api.add_argument("--nodes", type=parse_nodes, default=parse_nodes("3"),
                     help="kubelet identities to make: a count or names (default 3: "
                          "node-1,node-2,node-3)")
    api.add_argument("--kubeconfig", default="",
                     help="also write the admin kubeconfig here")
    api.add_argument("--seed", type=int, default=None,
                     help="seed of the process's random generator (default: random)")

    cm = sub.add_parser("controller-manager", aliases=ALIASES["controller-manager"],
                        help=COMPONENTS["controller-manager"],
                        description="kube-controller-manager: every controller, each writing "
                                    "as its own service account.")
    _client_flags(cm, node=False)
    _leader_election_flags(cm, True)
    cm.add_argument("--controllers", default="*",
                    help="controllers to run: '*' (all), names, '-name' to leave one out")
    cm.add_argument("--use-service-account-credentials", type=_bool, nargs="?", const=True,
                    default=True, metavar="BOOL", help="each controller as its own service account "
                                         "(default true)")

    sched = sub.add_parser("scheduler", aliases=ALIASES["scheduler"],
                           help=COMPONENTS["scheduler"],
                           description="kube-scheduler with the default plugins.")
    _client_flags(sched, node=False)
    sched.add_argument("--config", default="",
                       help="a KubeSchedulerConfiguration file")
    _leader_election_flags(sched, None)

    kubelet = sub.add_parser("kubelet", help=COMPONENTS["kubelet"],
                             description="A kubelet with a simulated container runtime.")
    _client_flags(kubelet, node=True)
    kubelet.add_argument("--node-ip", default="", help="the node's InternalIP")
    kubelet.add_argument("--pod-cidr", default="", help="pod CIDR (default: from the Node's "
                                                        "spec.podCIDR, set by node IPAM)")
    kubelet.add_argument("--max-pods", type=int, default=110)
    kubelet.add_argument("--cpu", default="4", help="CPU capacity (default 4)")
    kubelet.add_argument("--memory", default="8Gi", help="memory capacity (default 8Gi)")
    kubelet.add_argument("--node-labels", default="", help="k=v,k2=v2 labels to register with")
    kubelet.add_argument("--register-with-taints", default="",
                         help="key=value:Effect,... taints to register with")

    proxy = sub.add_parser("proxy", aliases=ALIASES["proxy"], help=COMPONENTS["proxy"],
                           description="kube-proxy for one node.")
    _client_flags(proxy, node=True)
    proxy.add_argument("--proxy-mode", default="iptables",
                       choices=("iptables", "ipvs", "userspace"))
    proxy.add_argument("--cluster-cidr", default="10.244.0.0/16")
    proxy.add_argument("--rules-file", default="",
                       help="keep the node's rules here (iptables-save / ipvsadm -Ln), "
                            "rewritten after every sync")


def canonical(component: str) -> str:
    """``kube-scheduler`` → ``scheduler`` (the aliases)."""
    for name, aliases in ALIASES.items():
        if component == name or component in aliases:
            return name
    raise ValueError(f"unknown component {component!r}")


# -- the process around a component ---------------------------------------------------------------


def _log(component: str, text: str) -> None:
    print(f"{component}: {text}", flush=True)


@dataclass
class _Lifecycle:
    """Waits for SIGINT / SIGTERM (or ``stop``), reporting errors the loop swallowed."""

    component: str
    stop: threading.Event | None = None
    drivers: list[Any] = field(default_factory=list)
    _reported: int = 0

    def wait(self, ready: threading.Event | None) -> None:
        done = self.stop or threading.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: done.set())
        if ready is not None:
            ready.set()
        while not done.wait(0.5):
            self.report()
        self.report()

    def report(self) -> None:
        for d in self.drivers:
            errors = d.errors
            for exc in errors[self._reported:]:
                print(f"{self.component}: error in the loop: "
                      + "".join(traceback.format_exception(exc)).rstrip(), file=sys.stderr,
                      flush=True)
            self._reported = len(errors)


# -- run apiserver --------------------------------------------------------------------------------


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def load_or_make_ca(state: Path) -> Any:
    """The CA in ``state`` (``ca.crt`` + ``ca.key``), made there on first use."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from .api.http.tls import CertificateAuthority, new_ca

    crt, key = state / "ca.crt", state / "ca.key"
    if crt.exists() and key.exists():
        k = serialization.load_pem_private_key(key.read_bytes(), password=None)
        return CertificateAuthority(x509.load_pem_x509_certificate(crt.read_bytes()),
                                    k)  # type: ignore[arg-type]
    ca = new_ca()
    _write_private(key, ca.key.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    crt.write_bytes(ca.cert_pem)
    return ca


def load_or_make_signing_key(state: Path) -> Any:
    """The service-account key (kubeadm's ``sa.key``), made on first use: every API server on
    the state dir verifies the tokens the others issue."""
    from .api.authn.service_account import SigningKey

    path = state / "sa.key"
    if path.exists():
        return SigningKey.from_pem(path.read_bytes())
    key = SigningKey.generate()
    _write_private(path, key.private_key_pem())
    (state / "sa.pub").write_bytes(key.public_key_pem())
    return key


def identity_name(user: str) -> str:
    """The kubeconfig name of a token's user (the inverse of ``standard_identities``)."""
    names = {"kubernetes-admin": "admin", "system:kube-scheduler": "kube-scheduler",
             "system:kube-controller-manager": "kube-controller-manager",
             "system:kube-proxy": "kube-proxy"}
    if user in names:
        return names[user]
    if user.startswith("system:node:"):
        return f"kubelet-{user.removeprefix('system:node:')}"
    return user.replace(":", "-").replace("/", "-")


def load_or_make_identities(state: Path, nodes: Sequence[str]) -> tuple[list[Any], bool]:
    """The identities of ``state/tokens.csv`` plus any of the standard ones (admin, viewer,
    the components, ``nodes``) it lacks, with fresh tokens; and whether anything was added."""
    from .api.authn.token_file import TokenFileAuthenticator
    from .api.http.kubeconfig import Identity, standard_identities

    known: dict[str, Any] = {}
    path = state / "tokens.csv"
    if path.exists():
        for token, info in TokenFileAuthenticator.from_file(path).tokens.items():
            known.setdefault(info.name, Identity(identity_name(info.name), info.name,
                                                 tuple(info.groups), token, info.uid))
    added = False
    for ident in standard_identities(nodes):
        if ident.user not in known:
            known[ident.user] = ident
            added = True
    return list(known.values()), added


def _alive(url: str, timeout: float = 0.5) -> bool:
    u = urlsplit(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or 443), timeout):
            return True
    except OSError:
        return False


def _kubeconfigs_owned_elsewhere(state: Path, url: str) -> str:
    """The server an existing admin kubeconfig points at, if another live API server."""
    from .client.kubeconfig import KubeConfigError, load_kubeconfig

    admin = state / "kubeconfig"
    if not admin.exists():
        return ""
    try:
        server = load_kubeconfig(admin).server
    except (KubeConfigError, OSError, ValueError):
        return ""
    return server if server != url and _alive(server) else ""


def lease_probe(api: Any, name: str) -> Callable[[], bool]:
    """``componentstatuses`` for a component in another process: healthy while its leader
    election Lease (``kube-system/<name>``) is renewed in time. (Upstream probes the
    component's ``/healthz``; the API server here does not dial components.)"""
    from datetime import UTC, datetime, timedelta

    from .api.resources import lookup

    info = lookup("coordination.k8s.io", "leases")

    def probe() -> bool:
        lease = api.storage.get_or_none(info, "kube-system", name) if info else None
        spec = (lease or {}).get("spec") or {}
        renewed = spec.get("renewTime")
        if not renewed:
            return False
        try:
            when = datetime.strptime(renewed, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        except ValueError:
            return False
        ttl = timedelta(seconds=float(spec.get("leaseDurationSeconds") or 15))
        return bool(when + ttl > api.kernel.datetime())

    return probe


def run_apiserver(args: argparse.Namespace, ready: threading.Event | None = None,
                  stop: threading.Event | None = None) -> int:
    from .api.assemble import APIServerConfig, ensure, new_api_server
    from .api.http import serve_api
    from .api.http.kubeconfig import (
        ensure_viewer_binding,
        token_entries,
        write_all,
        write_kubeconfig,
    )
    from .cluster.addons import kubernetes_service_objects
    from .sim import Kernel, RealTimeDriver

    name = "kube-apiserver"
    state = Path(args.state_dir or Path.home() / ".k8s-internals")
    state.mkdir(parents=True, exist_ok=True)
    ca = load_or_make_ca(state)
    key = load_or_make_signing_key(state)
    identities, added = load_or_make_identities(state, args.nodes)
    seed = args.seed if args.seed is not None else secrets.randbits(32)
    kernel = Kernel(seed)
    driver = RealTimeDriver(kernel)  # the kernel's epoch is now: real timestamps
    try:
        api = new_api_server(kernel, args.store, APIServerConfig(
            tokens=token_entries(identities), signing_key=key, seed=seed,
            quota_strict_status=True))
    except Exception as exc:
        print(f"{name}: cannot start on {args.store}: {exc}", file=sys.stderr, flush=True)
        return 1
    ensure_viewer_binding(api)
    for component in ("kube-scheduler", "kube-controller-manager"):
        api.component_status_provider.register(component.removeprefix("kube-"),
                                               lease_probe(api, component))
    for obj in kubernetes_service_objects(args.advertise_address):
        ensure(api, obj)
    # the watch cache follows the store: writes through another API server on the same etcd
    # reach this one's watchers (its own writes sync at once)
    kernel.every(0.05, api.watchcache.sync, name="watch cache follows etcd", background=True)
    driver.start()
    life = _Lifecycle(name, stop, [driver])
    try:
        httpd, url = serve_api(api, driver, port=args.port, host=args.bind_address, ca=ca)
    except OSError as exc:
        print(f"{name}: cannot listen on {args.bind_address}:{args.port}: {exc}",
              file=sys.stderr, flush=True)
        driver.stop()
        api.close()
        return 1
    try:
        other = _kubeconfigs_owned_elsewhere(state, url)
        if other:
            # joining a running API server's state dir: its kubeconfigs stay as they are; only
            # missing ones (new identities) are written, pointing here
            for ident in identities:
                path = state / f"{ident.name}.kubeconfig"
                if not path.exists():
                    write_kubeconfig(path, url, ca.cert_pem, [ident])
            if added:
                from .api.http.kubeconfig import write_token_file

                write_token_file(state / "tokens.csv", identities)
        else:
            write_all(state, url, ca.cert_pem, identities)
        admin = state / "kubeconfig"
        if args.kubeconfig:
            admin = write_kubeconfig(args.kubeconfig, url, ca.cert_pem, identities)
        _log(name, f"store {args.store}, serving at {url}")
        print(f"  export KUBECONFIG={admin}", flush=True)
        if other:
            print(f"  (the kubeconfigs in {state} point at {other}; add --server {url} to "
                  "reach this one)", flush=True)
        exe = "k8s-internals run"
        print(f"  {exe} controller-manager --kubeconfig "
              f"{state / 'kube-controller-manager.kubeconfig'}", flush=True)
        print(f"  {exe} scheduler --kubeconfig {state / 'kube-scheduler.kubeconfig'}",
              flush=True)
        for node in args.nodes:
            print(f"  {exe} kubelet --node {node} --kubeconfig "
                  f"{state / f'kubelet-{node}.kubeconfig'}", flush=True)
        print(f"  {exe} proxy --node NODE --kubeconfig {state / 'kube-proxy.kubeconfig'}",
              flush=True)
        life.wait(ready)
    finally:
        httpd.stop()
        driver.stop()
        api.close()
        _log(name, "stopped")
    return 0


# -- the components -------------------------------------------------------------------------------


@dataclass
class Connection:
    """A component's side of the wire: its kernel on the wall clock, the HTTPS transport and
    the client with its identity."""

    driver: Any
    transport: Any
    client: Any
    server: str
    user: str


def connect(kubeconfig_path: str, component: str, node: str = "",
            seed: int | None = None) -> Connection:
    """Read the kubeconfig, make the process's kernel and driver (not started) and the
    component's client (:func:`~k8s_internals.cluster.components.component_client`)."""
    from .client.http_transport import HTTPSTransport
    from .client.kubeconfig import load_kubeconfig
    from .cluster.components import component_client, user_agent
    from .sim import Kernel, RealTimeDriver

    cfg = load_kubeconfig(kubeconfig_path)
    kernel = Kernel(seed if seed is not None else secrets.randbits(32))
    driver = RealTimeDriver(kernel)
    agent = user_agent(component, node if component == "kubelet" else "")
    transport = HTTPSTransport(cfg.server, cfg.ca_pem, cfg.token, client_cert=cfg.client_cert,
                               driver=driver, user_agent=agent)
    client = component_client(transport, cfg.token, component, node)
    return Connection(driver, transport, client, cfg.server, cfg.user)


def wait_for_apiserver(conn: Connection, stop: threading.Event, component: str,
                       timeout: float | None = None) -> bool:
    """Poll ``/readyz`` until the API server answers 200 (components wait for it at start)."""
    start = time.monotonic()
    said = 0.0
    last = ""
    headers = {"User-Agent": conn.transport.user_agent}
    if conn.transport.token:
        headers["Authorization"] = f"Bearer {conn.transport.token}"
    while not stop.is_set():
        try:
            code, _, body, _ = conn.transport.raw("GET", "/readyz", None, headers)
            if code == 200:
                return True
            last = f"{code} {body.decode(errors='replace').strip()[:200]}"
        except Exception as exc:  # not up yet (refused, TLS, a reset): retry
            conn.transport._drop()
            last = f"{type(exc).__name__}: {exc}"
        waited = time.monotonic() - start
        if timeout is not None and waited > timeout:
            return False
        if waited - said >= 5:
            said = waited
            _log(component, f"waiting for the API server at {conn.server} ({last})")
        stop.wait(0.2)
    return False


def _run_component(component: str, conn: Connection, build: Callable[[], Any],
                   start: Callable[[Any], Any], halt: Callable[[Any], Any], describe: str,
                   ready: threading.Event | None, stop: threading.Event | None) -> int:
    done = stop or threading.Event()
    life = _Lifecycle(component, done, [conn.driver])
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
    if not wait_for_apiserver(conn, done, component):
        _log(component, "stopped")
        return 0
    obj = build()
    conn.driver.start()
    try:
        conn.driver.call(start, obj, timeout=120)
        _log(component, f"{describe}; talking to {conn.server} as {conn.user}")
        life.wait(ready)
    finally:
        with contextlib.suppress(Exception):
            conn.driver.call(halt, obj, timeout=10)
        conn.driver.stop()
        conn.transport.close()
        _log(component, "stopped")
    return 0


def _identity() -> str:
    """A leader-election identity: ``<hostname>_<uuid>`` as upstream."""
    return f"{socket.gethostname()}_{uuid.uuid4()}"


def _announce(elector: Any, component: str) -> None:
    """Log leader-election transitions (``leaderelection.go``'s klog lines, in short)."""
    started, stopped = elector.on_started_leading, elector.on_stopped_leading

    def on_started() -> None:
        _log(component, f"successfully acquired lease kube-system/{elector.name} as "
                        f"{elector.identity}")
        if started is not None:
            started()

    def on_stopped() -> None:
        _log(component, f"leaderelection lost ({elector.identity})")
        if stopped is not None:
            stopped()

    elector.on_started_leading = on_started
    elector.on_stopped_leading = on_stopped
    elector.on_new_leader = lambda who: _log(component, f"new leader elected: {who}")


def _select_controllers(spec: str) -> list[Any]:
    from .controllers.manager import CONTROLLERS

    names = [n.strip() for n in spec.split(",") if n.strip()]
    known = {c.name for c in CONTROLLERS}
    for n in names:
        if n not in ("*",) and n.lstrip("-") not in known:
            raise SystemExit(f'"{n.lstrip("-")}" is not in the list of known controllers')
    every = "*" in names
    return [c for c in CONTROLLERS
            if f"-{c.name}" not in names and (every or c.name in names)]


def _elector_tuning(args: argparse.Namespace) -> dict[str, float]:
    out = {}
    for flag, attr in (("leader_elect_lease_duration", "lease_duration"),
                       ("leader_elect_renew_deadline", "renew_deadline"),
                       ("leader_elect_retry_period", "retry_period")):
        value = getattr(args, flag, None)
        if value is not None:
            out[attr] = value
    return out


def run_controller_manager(args: argparse.Namespace, ready: threading.Event | None = None,
                           stop: threading.Event | None = None) -> int:
    from .cluster.components import new_controller_manager

    name = "kube-controller-manager"
    conn = connect(args.kubeconfig, name, seed=args.seed)
    controllers = _select_controllers(args.controllers)

    def build() -> Any:
        cm = new_controller_manager(
            conn.client, conn.driver.kernel, identity=_identity(), controllers=controllers,
            leader_elect=args.leader_elect,
            use_service_account_credentials=args.use_service_account_credentials)
        if cm.elector is not None:
            for attr, value in _elector_tuning(args).items():
                setattr(cm.elector, attr, value)
            _announce(cm.elector, name)
        return cm

    return _run_component(name, conn, build, lambda cm: cm.run(), lambda cm: cm.stop(),
                          f"{len(controllers)} controllers"
                          + (" behind leader election" if args.leader_elect else ""),
                          ready, stop)


def run_scheduler(args: argparse.Namespace, ready: threading.Event | None = None,
                  stop: threading.Event | None = None) -> int:
    from .scheduler import Scheduler, load_config

    name = "kube-scheduler"
    conn = connect(args.kubeconfig, name, seed=args.seed)
    config = load_config(Path(args.config).read_text() if args.config else None)
    le = config.leader_election
    if args.leader_elect is not None:
        le.leader_elect = args.leader_elect
    elif not args.config:
        le.leader_elect = True  # upstream's default (the in-process one runs alone)
    for attr, value in _elector_tuning(args).items():
        setattr(le, attr, value)

    def build() -> Any:
        s = Scheduler(conn.client, conn.driver.kernel, config, identity=_identity(),
                      hostname=socket.gethostname())

        def said(attempt: Any) -> None:
            if attempt.selected_node:
                _log(name, f"{attempt.pod} -> {attempt.selected_node}")
            elif attempt.message:
                _log(name, f"{attempt.pod}: {attempt.message}")

        s.observers.append(said)
        return s

    def start(s: Any) -> None:
        s.run()  # makes the elector and queues its first try (on this, the loop thread)
        if s.elector is not None:
            _announce(s.elector, name)

    return _run_component(name, conn, build, start, lambda s: s.stop(),
                          "scheduling" + (" behind leader election" if le.leader_elect
                                          else ""), ready, stop)


def _labels(text: str) -> dict[str, str]:
    out = {}
    for item in text.split(","):
        if item.strip():
            k, _, v = item.strip().partition("=")
            out[k] = v
    return out


def _taints(text: str) -> list[dict[str, str]]:
    out = []
    for item in text.split(","):
        if not item.strip():
            continue
        kv, _, effect = item.strip().rpartition(":")
        k, _, v = kv.partition("=")
        taint = {"key": k, "effect": effect}
        if v:
            taint["value"] = v
        out.append(taint)
    return out


def run_kubelet(args: argparse.Namespace, ready: threading.Event | None = None,
                stop: threading.Event | None = None) -> int:
    from .node.kubelet.kubelet import Kubelet

    name = "kubelet"
    conn = connect(args.kubeconfig, name, args.node, seed=args.seed)

    def build() -> Any:
        return Kubelet(conn.client, conn.driver.kernel, args.node,
                       capacity={"cpu": args.cpu, "memory": args.memory,
                                 "pods": str(args.max_pods)},
                       labels=_labels(args.node_labels), taints=_taints(args.register_with_taints),
                       pod_cidr=args.pod_cidr or None, node_ip=args.node_ip or None)

    return _run_component(name, conn, build, lambda k: k.start(), lambda k: k.stop(),
                          f"node {args.node}", ready, stop)


def run_proxy(args: argparse.Namespace, ready: threading.Event | None = None,
              stop: threading.Event | None = None) -> int:
    from .cluster.components import new_kube_proxy

    name = "kube-proxy"
    conn = connect(args.kubeconfig, name, seed=args.seed)
    last: list[str] = [""]

    def build() -> Any:
        proxy = new_kube_proxy(conn.client, conn.driver.kernel, args.node, args.proxy_mode,
                               cluster_cidr=args.cluster_cidr)

        def synced(record: Any) -> None:
            rules = proxy.ipvsadm() if args.proxy_mode == "ipvs" else proxy.iptables_save()
            if rules == last[0]:
                return
            last[0] = rules
            _log(name, f"synced {record.services} service ports, {record.endpoints} endpoints "
                       f"({'; '.join(record.reasons)}): {len(rules.splitlines())} lines of "
                       "rules")
            if args.rules_file:
                Path(args.rules_file).write_text(rules)

        proxy.on_sync(synced)
        return proxy

    return _run_component(name, conn, build, lambda p: p.run(), lambda p: p.stop(),
                          f"node {args.node}, {args.proxy_mode} mode", ready, stop)


RUNNERS: dict[str, Callable[..., int]] = {
    "apiserver": run_apiserver,
    "controller-manager": run_controller_manager,
    "scheduler": run_scheduler,
    "kubelet": run_kubelet,
    "proxy": run_proxy,
}


def main(args: argparse.Namespace, ready: threading.Event | None = None,
         stop: threading.Event | None = None) -> int:
    """Run ``args.component`` until SIGINT / SIGTERM (or ``stop``); 0 when stopped so, 1 when
    it cannot start (a kubeconfig or a configuration file that cannot be used)."""
    from .client.kubeconfig import KubeConfigError
    from .scheduler.config import ConfigError

    component = canonical(args.component)
    try:
        return RUNNERS[component](args, ready, stop)
    except (KubeConfigError, ConfigError, OSError) as exc:
        print(f"k8s-internals run {component}: error: {exc}", file=sys.stderr, flush=True)
        return 1
