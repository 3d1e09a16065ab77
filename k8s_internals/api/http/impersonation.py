"""User impersonation: ``kubectl --as=<user> --as-group=<group>``.

Upstream: ``staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go``
(``WithImpersonation``, between authentication and authorization):

1. the ``Impersonate-User``, ``Impersonate-Group`` (repeatable), ``Impersonate-Uid`` and
   ``Impersonate-Extra-<key>`` headers become impersonation requests; groups, uid or extras
   without a user are a 400 (``requested [...] without impersonating a user``);
2. the requester must be allowed the verb ``impersonate`` on each: ``users`` / ``groups`` (core
   group), ``serviceaccounts`` in their namespace for ``system:serviceaccount:<ns>:<name>``,
   ``uids`` and ``userextras/<key>`` in ``authentication.k8s.io``; otherwise 403 —
   ``users "viewer" is forbidden: User "alice" cannot impersonate resource "users" in API group
   "" at the cluster scope``;
3. the request goes on as the impersonated user: its groups, ``system:serviceaccounts`` and
   ``system:serviceaccounts:<ns>`` for a service account, and ``system:authenticated`` unless
   it is anonymous or ``system:(un)authenticated`` was given.

Here the HTTPS front does steps 1 and 2 and hands the chain the impersonated identity the way
it hands a verified client certificate (``Request.client_cert``), so the trace's
authentication step names ``x509``. Impersonated ``uid`` and extras are checked but not
carried (the certificate identity has neither).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .. import errors
from ..authn.filter import authenticate_request
from ..authn.request import AuthRequest, ClientCertificate
from ..authz.attributes import Attributes, Verdict
from ..authz.messages import forbidden_error
from ..request import Request
from ..user import ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, UserInfo

if TYPE_CHECKING:
    from ..server import APIServer

__all__ = ["impersonate", "is_impersonating"]

_SA_PREFIX = "system:serviceaccount:"


def _values(headers: dict[str, str], name: str) -> list[str]:
    """Header values by case-insensitive name; repeated headers arrive joined by ``, ``."""
    out: list[str] = []
    for k, v in headers.items():
        if k.lower() == name:
            out += [p.strip() for p in v.split(",")] if name == "impersonate-group" else [v]
    return out


def is_impersonating(headers: dict[str, str]) -> bool:
    return any(k.lower().startswith("impersonate-") for k in headers)


def impersonate(api: APIServer, req: Request) -> Request:
    """``req`` as the impersonated user (on the loop thread); 400/401/403 as upstream."""
    users = _values(req.headers, "impersonate-user")
    groups = _values(req.headers, "impersonate-group")
    uids = _values(req.headers, "impersonate-uid")
    extras = [(k[len("impersonate-extra-"):], v) for k, v in req.headers.items()
              if k.lower().startswith("impersonate-extra-")]
    if not users:
        if groups or uids or extras:
            asked = [f"{{Group  {g}  }}" for g in groups]
            raise errors.bad_request(f"requested [{' '.join(asked)}] without impersonating "
                                     "a user")
        return req
    cred = (ClientCertificate(req.client_cert[0], tuple(req.client_cert[1]))
            if req.client_cert is not None else None)
    outcome = authenticate_request(api.authenticator,
                                   AuthRequest(headers=req.headers, credential=cred,
                                               path=req.path), api.api_audiences)
    if not outcome.ok or outcome.user is None:
        raise outcome.status_error()
    requester: UserInfo = outcome.user
    username = users[0]
    checks: list[Attributes] = []
    new_groups: list[str] = []
    if username.startswith(_SA_PREFIX) and username.count(":") == 3:
        ns, name = username[len(_SA_PREFIX):].split(":")
        checks.append(Attributes(requester, "impersonate", True, ns, "", "v1",
                                 "serviceaccounts", "", name))
        new_groups += ["system:serviceaccounts", f"system:serviceaccounts:{ns}"]
    else:
        checks.append(Attributes(requester, "impersonate", True, "", "", "v1", "users", "",
                                 username))
    for g in groups:
        checks.append(Attributes(requester, "impersonate", True, "", "", "v1", "groups", "", g))
        new_groups.append(g)
    for uid in uids:
        checks.append(Attributes(requester, "impersonate", True, "", "authentication.k8s.io",
                                 "v1", "uids", "", uid))
    for key, value in extras:
        checks.append(Attributes(requester, "impersonate", True, "", "authentication.k8s.io",
                                 "v1", "userextras", key.lower(), value))
    for attrs in checks:
        decision = api.authorizer.authorize(attrs)
        if decision.verdict is not Verdict.ALLOW:
            raise forbidden_error(attrs, decision.reason if decision.verdict is Verdict.DENY
                                  else "")
    if username != ANONYMOUS and not ({ALL_AUTHENTICATED, ALL_UNAUTHENTICATED} & set(
            new_groups)):
        new_groups.append(ALL_AUTHENTICATED)
    headers = {k: v for k, v in req.headers.items()
               if k.lower() != "authorization" and not k.lower().startswith("impersonate-")}
    return replace(req, headers=headers, client_cert=(username, tuple(new_groups)))
