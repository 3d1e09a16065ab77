"""Access reviews answered by the authorizer, never stored:

- ``SelfSubjectAccessReview`` (``kubectl auth can-i``):
  ``pkg/registry/authorization/selfsubjectaccessreview/rest.go`` — the spec's resource or
  non-resource attributes, asked for the requesting user, answered in ``status.allowed``,
  ``status.denied`` and ``status.reason``;
- ``SelfSubjectRulesReview`` (``kubectl auth can-i --list``):
  ``pkg/registry/authorization/selfsubjectrulesreview/rest.go`` — the rules that apply to the
  user in one namespace;
- ``SelfSubjectReview`` (``kubectl auth whoami``):
  ``pkg/registry/authentication/selfsubjectreview/rest.go`` — the requester's own
  ``status.userInfo`` (username, uid, groups, extra) and a ``creationTimestamp`` of now; the
  body's fields are ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .authz.attributes import Attributes, Verdict
from .codec import deep_copy
from .resources import ResourceInfo
from .user import UserInfo

if TYPE_CHECKING:
    from .server import APIServer

__all__ = ["review"]


def review(server: APIServer, info: ResourceInfo, user: UserInfo,
           body: dict[str, Any]) -> dict[str, Any]:
    if info.kind == "SelfSubjectReview":
        return {"kind": info.kind, "apiVersion": info.api_version,
                "metadata": {"creationTimestamp": server.kernel.timestamp()},
                "status": {"userInfo": user.to_dict()}}
    spec = body.get("spec") or {}
    out = {"kind": info.kind, "apiVersion": info.api_version,
           "metadata": {"creationTimestamp": None}, "spec": deep_copy(spec)}
    if info.kind == "SelfSubjectAccessReview":
        ra = spec.get("resourceAttributes")
        nra = spec.get("nonResourceAttributes")
        if (ra is None) == (nra is None):
            raise errors.invalid(info.group, info.kind, "", [{
                "reason": "FieldValueRequired",
                "message": "Required value: exactly one of nonResourceAttributes or "
                           "resourceAttributes must be specified",
                "field": "spec.resourceAttributes"}],
                ["spec.resourceAttributes: Required value: exactly one of "
                 "nonResourceAttributes or resourceAttributes must be specified"])
        if ra is not None:
            attrs = Attributes(user=user, verb=ra.get("verb", ""), resource_request=True,
                               namespace=ra.get("namespace", ""), api_group=ra.get("group", ""),
                               api_version=ra.get("version", ""),
                               resource=ra.get("resource", ""),
                               subresource=ra.get("subresource", ""), name=ra.get("name", ""))
        else:
            attrs = Attributes(user=user, verb=nra.get("verb", ""), resource_request=False,
                               path=nra.get("path", ""))
        d = server.authorizer.authorize(attrs)
        status: dict[str, Any] = {"allowed": d.verdict is Verdict.ALLOW}
        if d.verdict is Verdict.DENY:
            status["denied"] = True
        reason = d.matched or d.reason
        if reason:
            status["reason"] = reason
        out["status"] = status
        return out
    # SelfSubjectRulesReview
    namespace = spec.get("namespace", "")
    resolver = getattr(server, "rule_resolver", None)
    rules_for = getattr(resolver, "rules_for", None)
    if rules_for is None:
        out["status"] = {"resourceRules": [], "nonResourceRules": [], "incomplete": True,
                         "evaluationError": "authorizer cannot list rules"}
        return out
    out["status"] = rules_for(user, namespace).to_status()
    return out
