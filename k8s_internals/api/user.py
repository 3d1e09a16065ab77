"""Who is making a request: ``user.Info`` from ``apiserver/pkg/authentication/user/user.go``,
with upstream's well-known user and group names."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ALL_AUTHENTICATED",
    "ALL_UNAUTHENTICATED",
    "ANONYMOUS",
    "KUBE_CONTROLLER_MANAGER",
    "KUBE_PROXY",
    "KUBE_SCHEDULER",
    "NODES_GROUP",
    "SERVICE_ACCOUNTS_GROUP",
    "SYSTEM_MASTERS",
    "UserInfo",
]

# apiserver/pkg/authentication/user/user.go
SYSTEM_MASTERS = "system:masters"
NODES_GROUP = "system:nodes"
ALL_UNAUTHENTICATED = "system:unauthenticated"
ALL_AUTHENTICATED = "system:authenticated"
ANONYMOUS = "system:anonymous"
KUBE_PROXY = "system:kube-proxy"
KUBE_CONTROLLER_MANAGER = "system:kube-controller-manager"
KUBE_SCHEDULER = "system:kube-scheduler"
# apiserver/pkg/authentication/serviceaccount/util.go
SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts"


@dataclass(frozen=True)
class UserInfo:
    """``user.DefaultInfo``: name, uid, groups and extra."""

    name: str
    uid: str = ""
    groups: tuple[str, ...] = ()
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        """As the ``UserInfo`` JSON in reviews and audit events."""
        out: dict[str, object] = {"username": self.name}
        if self.uid:
            out["uid"] = self.uid
        if self.groups:
            out["groups"] = list(self.groups)
        if self.extra:
            out["extra"] = {k: list(v) for k, v in self.extra.items()}
        return out
