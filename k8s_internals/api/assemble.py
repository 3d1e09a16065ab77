"""Put a kube-apiserver together: the authenticators, the authorizers, the admission plugins,
validation and defaulting, and what the API server creates for itself when it starts.

The flags it mirrors (``cmd/kube-apiserver/app/options``): ``--token-auth-file`` (static tokens),
``--service-account-key-file`` / ``--service-account-issuer`` / ``--api-audiences``,
``--anonymous-auth=true``, ``--authorization-mode=Node,RBAC``, ``--enable-admission-plugins``
(the default set in upstream's order), ``--storage-media-type=application/json``, and the token
authentication cache kube-apiserver always has (``TokenSuccessCacheTTL`` 10 s,
``TokenFailureCacheTTL`` 0: ``pkg/kubeapiserver/options/authentication.go``, no flags), on the
kernel's virtual clock.

The server's informer-like caches (:class:`~.caches.ServerCaches`) are primed from storage and
then fed by the watch cache as each write commits; the RBAC and Node authorizers and the
NamespaceLifecycle, ResourceQuota and LimitRanger admission plugins read them.

At start-up upstream's post-start hooks create the system namespaces (``default``,
``kube-system``, ``kube-public``, ``kube-node-lease``: ``pkg/controlplane/controller/
systemnamespaces``), the bootstrap RBAC policy (``rbac/bootstrap-roles``:
``plugin/pkg/auth/authorizer/rbac/bootstrappolicy``) and the system priority classes
(``scheduling/bootstrap-system-priority-classes``). Here they are made by real requests through
the chain as ``system:apiserver`` (a member of ``system:masters``, like upstream's loopback
client), so they appear in the traces.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..sim import Kernel
from ..store import Store
from . import errors
from .admission.registry import default_plugins
from .authn.cache import DEFAULT_TOKEN_FAILURE_CACHE_TTL, DEFAULT_TOKEN_SUCCESS_CACHE_TTL
from .authn.service_account import (
    ServiceAccountAuthenticator,
    SigningKey,
    TokenIssuer,
)
from .authn.token_file import TokenEntry, TokenFileAuthenticator
from .authn.union import new_authenticator
from .authz.bootstrap import bootstrap_objects
from .authz.union import new_authorizer
from .caches import ServerCaches
from .defaults import apply_defaults
from .request import Request
from .resources import by_kind, lookup
from .server import APIServer
from .user import SYSTEM_MASTERS
from .validation import validate

__all__ = ["SYSTEM_NAMESPACES", "APIServerConfig", "new_api_server"]

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
#: ``pkg/apis/scheduling/types.go``: the two built-in priority classes
SYSTEM_PRIORITY_CLASSES = (
    ("system-node-critical", 2000001000,
     "Used for system critical pods that must not be moved from their current node."),
    ("system-cluster-critical", 2000000000,
     "Used for system critical pods that must run in the cluster, but can be moved to "
     "another node if necessary."),
)


@dataclass
class APIServerConfig:
    """What ``kube-apiserver`` is started with."""

    tokens: list[TokenEntry] = field(default_factory=list)
    authorization_modes: Sequence[str] = ("Node", "RBAC")
    anonymous_auth: bool = True
    admission: bool = True
    #: deterministic by default; ``serve`` passes a random key
    signing_key: SigningKey | None = None
    seed: int | str = 0
    api_audiences: Sequence[str] = ("https://kubernetes.default.svc.cluster.local",)
    bootstrap: bool = True
    #: the ResourceQuota plugin's ``strict_status`` (upstream's behaviour: a quota constrains
    #: from its ``status.hard``, which the quota controller writes). ``Cluster`` and ``run
    #: apiserver`` set it, since a controller manager runs beside them; an API server alone
    #: keeps the lenient default, which reads ``spec.hard`` until a status exists.
    quota_strict_status: bool = False
    #: ``TokenSuccessCacheTTL`` / ``TokenFailureCacheTTL`` (virtual seconds; 0 turns the
    #: cache off): a token that authenticated is taken for up to 10 s without being checked
    #: again, even if it expires or its ServiceAccount (or bound object) is deleted meanwhile
    token_success_cache_ttl: float = DEFAULT_TOKEN_SUCCESS_CACHE_TTL
    token_failure_cache_ttl: float = DEFAULT_TOKEN_FAILURE_CACHE_TTL


def _validator(obj: dict[str, Any], old: dict[str, Any] | None) -> list[Any]:
    return list(validate(obj, old))


def new_api_server(kernel: Kernel, store: Store | str = "memory://",
                   config: APIServerConfig | None = None) -> APIServer:
    """A kube-apiserver on ``store`` with upstream's default chain, bootstrapped."""
    cfg = config or APIServerConfig()
    loopback = TokenEntry(secrets.token_hex(16) if cfg.signing_key else
                          f"loopback-{kernel.rng.getrandbits(64):016x}",
                          "system:apiserver", "", (SYSTEM_MASTERS,))
    caches = ServerCaches()
    key = cfg.signing_key or SigningKey.from_seed(cfg.seed)
    mutating, validating = (default_plugins(quota_strict_status=cfg.quota_strict_status)
                            if cfg.admission else ([], []))
    server = APIServer(
        kernel, store,
        authenticator=None,  # type: ignore[arg-type]  # set below: it needs the server's reads
        authorizer=None,  # type: ignore[arg-type]
        mutating=mutating, validating=validating,
        validator=_validator, defaulter=apply_defaults,
        api_audiences=cfg.api_audiences)
    def getter(resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        info = lookup("", resource)
        if info is None:
            return None
        return server.storage.get_or_none(info, namespace, name)

    sa_auth = ServiceAccountAuthenticator([key], getter=getter, clock=kernel.datetime,
                                          implicit_audiences=cfg.api_audiences)
    authn = new_authenticator(
        token_file=TokenFileAuthenticator.from_entries([loopback, *cfg.tokens]),
        service_accounts=sa_auth, anonymous=cfg.anonymous_auth,
        api_audiences=cfg.api_audiences,
        token_success_cache_ttl=cfg.token_success_cache_ttl,
        token_failure_cache_ttl=cfg.token_failure_cache_ttl,
        clock=lambda: kernel.now)
    server.authenticator = authn  # type: ignore[assignment]
    authorizer, resolver = new_authorizer(tuple(cfg.authorization_modes), rbac_lister=caches,
                                          node_graph=caches)
    server.authorizer = authorizer
    server.rule_resolver = resolver  # type: ignore[attr-defined]
    server.token_issuer = TokenIssuer(key, clock=kernel.datetime)  # type: ignore[attr-defined]
    server.caches = caches  # type: ignore[attr-defined]
    server.loopback_token = loopback.token  # type: ignore[attr-defined]
    for resource in caches.watched():
        info = next(i for i in _all_infos() if i.qualified == resource)
        caches.prime(resource, server.storage.list(info).items)
        server.watchcache.listeners.setdefault(resource, []).append(caches.on_event)
    if cfg.bootstrap:
        bootstrap(server)
    return server


def _all_infos() -> Iterable[Any]:
    from .resources import RESOURCES

    return RESOURCES


def ensure(server: APIServer, obj: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    """Create ``obj`` through the chain unless it exists (what a post-start hook does)."""
    info = by_kind(obj["apiVersion"], obj["kind"])
    assert info is not None, obj["kind"]
    meta = obj.get("metadata", {})
    req = Request(
        verb="create", resource=info.plural, group=info.group, version=info.version,
        namespace=meta.get("namespace", "") if info.namespaced else "", body=obj,
        headers={"Authorization": f"Bearer {token or server.loopback_token}"},  # type: ignore[attr-defined]
        user_agent="kube-apiserver")
    resp = server.handle(req)
    if resp.ok:
        return resp.body  # type: ignore[no-any-return]
    if resp.code == 409:
        return server.storage.get(info, meta.get("namespace", ""), meta["name"])
    # another API server on the same etcd made it first (a refusal such as the Service IP
    # being allocated can come before the AlreadyExists check)
    existing = server.storage.get_or_none(info, meta.get("namespace", ""), meta["name"])
    if existing is not None:
        return existing
    raise errors.StatusError(resp.body)


def bootstrap(server: APIServer) -> None:
    """The post-start hooks: system namespaces, bootstrap RBAC, system priority classes."""
    for ns in SYSTEM_NAMESPACES:
        ensure(server, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for obj in bootstrap_objects():
        ensure(server, obj)
    for name, value, description in SYSTEM_PRIORITY_CLASSES:
        ensure(server, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                        "metadata": {"name": name}, "value": value,
                        "description": description, "preemptionPolicy": "PreemptLowerPriority"})
