"""``authorizer.Attributes`` (``apiserver/pkg/authorization/authorizer/interfaces.go``): what an
authorizer is asked, and its ``Decision``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..user import UserInfo

__all__ = ["Attributes", "Decision", "Verdict"]


class Verdict(Enum):
    """``authorizer.Decision``: DecisionDeny, DecisionAllow, DecisionNoOpinion."""

    DENY = "Deny"
    ALLOW = "Allow"
    NO_OPINION = "NoOpinion"


@dataclass(frozen=True, init=False)
class Attributes:
    """``authorizer.AttributesRecord``. For non-resource requests only ``path`` and ``verb``
    matter (``resource_request=False``)."""

    user: UserInfo
    verb: str
    resource_request: bool = True
    namespace: str = ""
    api_group: str = ""
    api_version: str = "v1"
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""

    def __init__(self, user: UserInfo, verb: str, resource_request: bool = True,
                 namespace: str = "", api_group: str = "", api_version: str = "v1",
                 resource: str = "", subresource: str = "", name: str = "",
                 path: str = "") -> None:
        # The generated frozen ``__init__`` (one ``object.__setattr__`` per field) in one call:
        # the API server makes one of these per request. Same signature, same fields.
        self.__dict__.update(user=user, verb=verb, resource_request=resource_request,
                             namespace=namespace, api_group=api_group, api_version=api_version,
                             resource=resource, subresource=subresource, name=name, path=path)


@dataclass(frozen=True)
class Decision:
    """The verdict, the reason text, and (for the trace) what matched: e.g. the binding and rule
    that allowed the request."""

    verdict: Verdict
    reason: str = ""
    matched: str = ""
    #: which authorizer of a union decided (``Node``, ``RBAC``, ``system:masters``...)
    authorizer: str = ""

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOW
