"""Reading a kubeconfig: what a component needs to reach the API server as itself.

client-go's ``clientcmd`` reduced to the fields ``k8s-internals serve`` / ``run apiserver``
write (and kubeadm's ``admin.conf`` / ``scheduler.conf`` / ``kubelet.conf`` use): the current
context (or the one named), its cluster's ``server`` and CA (``certificate-authority-data`` or
``certificate-authority``), its user's ``token`` / ``tokenFile`` or client certificate (``-data``
or file). Relative file paths are relative to the kubeconfig's folder, as in ``clientcmd``.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["KubeConfig", "KubeConfigError", "load_kubeconfig"]


class KubeConfigError(ValueError):
    """A kubeconfig that cannot be used (clientcmd's messages where it has them)."""


@dataclass(frozen=True)
class KubeConfig:
    """The resolved connection: where, whom to trust, who we are."""

    server: str
    ca_pem: bytes
    token: str | None = None
    client_cert: tuple[bytes, bytes] | None = None
    context: str = ""
    user: str = ""
    namespace: str = ""


def _named(items: list[dict[str, Any]] | None, name: str, what: str, path: str) -> dict[str, Any]:
    for item in items or []:
        if item.get("name") == name:
            return dict(item.get(what) or {})
    raise KubeConfigError(f'{what} "{name}" not found in {path}' if name else
                          f"no {what} in {path}")


def _data(section: dict[str, Any], key: str, base: Path) -> bytes | None:
    if section.get(f"{key}-data"):
        return base64.b64decode(section[f"{key}-data"])
    if section.get(key):
        p = Path(os.path.expanduser(str(section[key])))
        return (p if p.is_absolute() else base / p).read_bytes()
    return None


def load_kubeconfig(path: str | os.PathLike[str], context: str = "") -> KubeConfig:
    """The connection ``path`` describes (its current context, or ``context``)."""
    p = Path(os.path.expanduser(str(path)))
    try:
        raw = yaml.safe_load(p.read_text()) or {}
    except FileNotFoundError:
        raise KubeConfigError(f"stat {p}: no such file or directory") from None
    if not isinstance(raw, dict):
        raise KubeConfigError(f"{p}: not a kubeconfig")
    name = context or str(raw.get("current-context") or "")
    contexts = raw.get("contexts") or []
    if not name and len(contexts) == 1:
        name = str(contexts[0].get("name", ""))
    if not name:
        raise KubeConfigError(f"{p}: no current context is set")
    ctx = _named(contexts, name, "context", str(p))
    cluster = _named(raw.get("clusters"), str(ctx.get("cluster", "")), "cluster", str(p))
    user = _named(raw.get("users"), str(ctx.get("user", "")), "user", str(p))
    server = str(cluster.get("server") or "")
    if not server:
        raise KubeConfigError(f"{p}: cluster {ctx.get('cluster')!r} has no server")
    base = p.parent
    ca = _data(cluster, "certificate-authority", base) or b""
    token = user.get("token") or None
    if token is None and user.get("tokenFile"):
        tf = Path(str(user["tokenFile"]))
        token = (tf if tf.is_absolute() else base / tf).read_text().strip()
    cert = _data(user, "client-certificate", base)
    key = _data(user, "client-key", base)
    return KubeConfig(server, ca, token, (cert, key) if cert and key else None, name,
                      str(ctx.get("user", "")), str(ctx.get("namespace") or ""))
