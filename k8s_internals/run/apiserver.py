"""``k8s-internals run apiserver``: kube-apiserver on a store, plus the part of ``kubeadm init``
that hands out credentials (the state dir: CA, service-account key, tokens, kubeconfigs)."""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .lifecycle import _Lifecycle, _log

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

    from ..api.http.tls import CertificateAuthority, new_ca

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
    from ..api.authn.service_account import SigningKey

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
    from ..api.authn.token_file import TokenFileAuthenticator
    from ..api.http.kubeconfig import Identity, standard_identities

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
    from ..client.kubeconfig import KubeConfigError, load_kubeconfig

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

    from ..api.resources import lookup

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
    from ..api.assemble import APIServerConfig, ensure, new_api_server
    from ..api.http import serve_api
    from ..api.http.kubeconfig import (
        ensure_viewer_binding,
        token_entries,
        write_all,
        write_kubeconfig,
    )
    from ..cluster.addons import kubernetes_service_objects
    from ..sim import Kernel, RealTimeDriver

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
                from ..api.http.kubeconfig import write_token_file

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
