"""Identities for ``serve`` and the files that hand them out: kubeconfigs and a token file.

Upstream's equivalents: kubeadm writes ``admin.conf``, ``scheduler.conf``,
``controller-manager.conf`` and each kubelet's ``kubelet.conf``
(``cmd/kubeadm/app/phases/kubeconfig``), and kube-apiserver's ``--token-auth-file`` reads a CSV
of ``token,user,uid,"group1,group2"`` (``plugin/pkg/auth/authenticator/token/tokenfile``).

:func:`standard_identities` makes one random bearer token per identity:

- ``admin`` → ``kubernetes-admin`` in ``system:masters`` (``super-admin.conf``'s groups:
  everything is allowed, by the RBAC authorizer's ``system:masters`` short-cut);
- ``viewer`` → ``viewer``, bound to the ``view`` ClusterRole by the ClusterRoleBinding
  ``k8s-internals:viewer`` that :func:`ensure_viewer_binding` creates at start (reads most
  things, writes nothing: a write is refused with upstream's 403 text);
- one per component: ``system:kube-scheduler``, ``system:kube-controller-manager``,
  ``system:kube-proxy`` and ``system:node:<name>`` in ``system:nodes`` for each node — the
  names the bootstrap RBAC policy and the Node authorizer expect.

The tokens go into :class:`~k8s_internals.api.assemble.APIServerConfig` (``tokens=``) before
the API server is assembled (:func:`token_entries`); :func:`write_kubeconfig` /
:func:`write_all` then write ``kubeconfig`` (contexts for the admin, the viewer and, when a CA
is given, an admin authenticating with a client certificate), one ``<name>.kubeconfig`` per
identity and ``tokens.csv``.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..authn.token_file import TokenEntry
from ..user import SYSTEM_MASTERS

if TYPE_CHECKING:
    from ..server import APIServer
    from .tls import CertificateAuthority, KeyPair

__all__ = [
    "CLUSTER_NAME",
    "VIEWER_BINDING",
    "Identity",
    "add_tokens",
    "ensure_viewer_binding",
    "identities_from_tokens",
    "kubeconfig",
    "standard_identities",
    "token_entries",
    "with_client_certs",
    "write_all",
    "write_kubeconfig",
    "write_token_file",
]

CLUSTER_NAME = "k8s-internals"
VIEWER_BINDING = "k8s-internals:viewer"


@dataclass(frozen=True)
class Identity:
    """A user the server knows by ``token`` (and, optionally, by a client certificate)."""

    name: str  # the kubeconfig user / file name: "admin", "viewer", "kube-scheduler"
    user: str  # the authenticated user name
    groups: tuple[str, ...] = ()
    token: str = ""
    uid: str = ""
    cert: KeyPair | None = None


def _token() -> str:
    return secrets.token_urlsafe(24)


def standard_identities(nodes: Iterable[str] = (), *, components: bool = True) -> list[Identity]:
    """The admin, the read-only viewer and (``components``) one identity per component."""
    ids = [Identity("admin", "kubernetes-admin", (SYSTEM_MASTERS,), _token()),
           Identity("viewer", "viewer", (), _token())]
    if components:
        ids += [Identity("kube-scheduler", "system:kube-scheduler", (), _token()),
                Identity("kube-controller-manager", "system:kube-controller-manager", (),
                         _token()),
                Identity("kube-proxy", "system:kube-proxy", (), _token())]
        ids += [Identity(f"kubelet-{n}", f"system:node:{n}", ("system:nodes",), _token())
                for n in nodes]
    return ids


def token_entries(identities: Iterable[Identity]) -> list[TokenEntry]:
    """``--token-auth-file`` entries for :class:`APIServerConfig`."""
    return [TokenEntry(i.token, i.user, i.uid, tuple(i.groups)) for i in identities if i.token]


def with_client_certs(identities: Iterable[Identity], ca: CertificateAuthority) \
        -> list[Identity]:
    """The identities, each also given a client certificate signed by ``ca``."""
    from dataclasses import replace

    return [replace(i, cert=ca.client_cert(i.user, i.groups)) for i in identities]


def identities_from_tokens(tokens: Mapping[str, TokenEntry]) -> list[Identity]:
    """Identities for tokens an API server was assembled with (e.g. ``Cluster.tokens``:
    ``{"admin": ..., "kube-scheduler": ..., "node/node-1": ...}``); ``/`` in a name becomes
    ``-`` (file names)."""
    return [Identity(name.replace("/", "-"), e.user, tuple(e.groups), e.token, e.uid)
            for name, e in tokens.items()]


def add_tokens(server: APIServer, entries: Iterable[TokenEntry]) -> int:
    """Add bearer tokens to the server's static token authenticator (``--token-auth-file``)
    after assembly — before serving, it is as if they had been in the file. Returns how many
    were added (0 if the server has no token-file authenticator)."""
    from ..authn.token_file import TokenFileAuthenticator
    from ..user import UserInfo

    found: list[TokenFileAuthenticator] = []
    seen: set[int] = set()

    def walk(a: Any) -> None:
        if a is None or isinstance(a, dict | str) or id(a) in seen:
            return
        seen.add(id(a))
        if isinstance(a, TokenFileAuthenticator):
            found.append(a)
            return
        for m in getattr(a, "authenticators", ()) or ():
            walk(m)
        for attr in ("authenticator", "tokens", "delegate"):
            walk(getattr(a, attr, None))

    walk(server.authenticator)
    if not found:
        return 0
    n = 0
    for e in entries:
        found[0].tokens[e.token] = UserInfo(e.user, e.uid, tuple(e.groups))
        n += 1
    return n


def ensure_viewer_binding(server: APIServer, user: str = "viewer") -> dict[str, Any]:
    """Bind ``user`` to the ``view`` ClusterRole (through the chain, as the loopback user)."""
    from ..assemble import ensure

    return ensure(server, {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
        "metadata": {"name": VIEWER_BINDING},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                    "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
    })


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def kubeconfig(server_url: str, ca_pem: bytes, identities: Sequence[Identity],
               current: str = "", namespace: str = "") -> dict[str, Any]:
    """A ``clientcmd`` ``Config``: one cluster, a user and a context per identity (a second
    ``<name>-cert`` user and context when the identity has a client certificate)."""
    users: list[dict[str, Any]] = []
    contexts: list[dict[str, Any]] = []
    for i in identities:
        if i.token:
            users.append({"name": i.name, "user": {"token": i.token}})
            ctx: dict[str, Any] = {"cluster": CLUSTER_NAME, "user": i.name}
            if namespace:
                ctx["namespace"] = namespace
            contexts.append({"name": f"{i.name}@{CLUSTER_NAME}", "context": ctx})
        if i.cert is not None:
            users.append({"name": f"{i.name}-cert", "user": {
                "client-certificate-data": _b64(i.cert.cert_pem),
                "client-key-data": _b64(i.cert.key_pem)}})
            cctx: dict[str, Any] = {"cluster": CLUSTER_NAME, "user": f"{i.name}-cert"}
            if namespace:
                cctx["namespace"] = namespace
            contexts.append({"name": f"{i.name}-cert@{CLUSTER_NAME}", "context": cctx})
    first = contexts[0]["name"] if contexts else ""
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CLUSTER_NAME, "cluster": {
            "certificate-authority-data": _b64(ca_pem), "server": server_url}}],
        "contexts": contexts,
        "current-context": f"{current}@{CLUSTER_NAME}" if current else first,
        "preferences": {},
        "users": users,
    }


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def write_kubeconfig(path: str | os.PathLike[str], server_url: str, ca_pem: bytes,
                     identities: Sequence[Identity], current: str = "") -> Path:
    """Write a kubeconfig (mode 0600) and return its path."""
    p = Path(path)
    _write_private(p, yaml.safe_dump(kubeconfig(server_url, ca_pem, identities, current),
                                     sort_keys=False))
    return p


def write_token_file(path: str | os.PathLike[str], identities: Iterable[Identity]) -> Path:
    """``--token-auth-file`` CSV: ``token,user,uid,"group1,group2"``."""
    lines = []
    for i in identities:
        if i.token:
            groups = ",".join(i.groups)
            lines.append(f'{i.token},{i.user},{i.uid}' + (f',"{groups}"' if groups else ""))
    p = Path(path)
    _write_private(p, "\n".join(lines) + "\n")
    return p


def write_all(directory: str | os.PathLike[str], server_url: str, ca_pem: bytes,
              identities: Sequence[Identity]) -> dict[str, Path]:
    """``<dir>/kubeconfig`` (every identity, current context the first: the admin),
    ``<dir>/<name>.kubeconfig`` per identity, ``<dir>/tokens.csv`` and ``<dir>/ca.crt``."""
    d = Path(directory)
    out = {"kubeconfig": write_kubeconfig(d / "kubeconfig", server_url, ca_pem, identities)}
    for i in identities:
        out[i.name] = write_kubeconfig(d / f"{i.name}.kubeconfig", server_url, ca_pem, [i])
    out["tokens.csv"] = write_token_file(d / "tokens.csv", identities)
    (d / "ca.crt").write_bytes(ca_pem)
    out["ca.crt"] = d / "ca.crt"
    return out
