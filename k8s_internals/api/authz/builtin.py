"""The built-in authorizers of ``authorizerfactory``
(``staging/src/k8s.io/apiserver/pkg/authorization/authorizerfactory/builtin.go``).

- :class:`AlwaysAllowAuthorizer` (``--authorization-mode=AlwaysAllow``): allows everything, empty
  reason; its rules are ``*`` on everything.
- :class:`AlwaysDenyAuthorizer` (``AlwaysDeny``): *no opinion* with the reason
  ``Everything is forbidden.`` (upstream does not return Deny here either), no rules.
- :class:`PrivilegedGroupsAuthorizer` (``NewPrivilegedGroups``): allows any user in one of the
  groups, with an empty reason, else no opinion. kube-apiserver puts one for ``system:masters``
  at the head of its authorizer chain (``pkg/kubeapiserver/authorizer/reload.go``: "Add
  SystemPrivilegedGroup as an authorizing group"), and does *not* add it to the rule resolvers,
  so ``SelfSubjectRulesReview`` for a ``system:masters`` user shows only what RBAC grants it
  (the ``cluster-admin`` binding).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..user import SYSTEM_MASTERS, UserInfo
from .attributes import Attributes, Decision, Verdict
from .rules import NonResourceRuleInfo, ResourceRuleInfo, RulesForResult

__all__ = ["AlwaysAllowAuthorizer", "AlwaysDenyAuthorizer", "PrivilegedGroupsAuthorizer"]


class AlwaysAllowAuthorizer:
    """``alwaysAllowAuthorizer``."""

    name = "AlwaysAllow"

    def authorize(self, attrs: Attributes) -> Decision:
        return Decision(Verdict.ALLOW, matched="AlwaysAllow")

    def rules_for(self, user: UserInfo, namespace: str) -> RulesForResult:
        return RulesForResult(
            resource_rules=(ResourceRuleInfo(("*",), ("*",), ("*",)),),
            non_resource_rules=(NonResourceRuleInfo(("*",), ("*",)),),
        )


class AlwaysDenyAuthorizer:
    """``alwaysDenyAuthorizer``."""

    name = "AlwaysDeny"

    def authorize(self, attrs: Attributes) -> Decision:
        return Decision(Verdict.NO_OPINION, reason="Everything is forbidden.")

    def rules_for(self, user: UserInfo, namespace: str) -> RulesForResult:
        return RulesForResult()


class PrivilegedGroupsAuthorizer:
    """``privilegedGroupAuthorizer``: members of ``groups`` may do anything."""

    name = "PrivilegedGroups"

    def __init__(self, groups: Iterable[str] = (SYSTEM_MASTERS,)) -> None:
        self.groups = tuple(groups)
        # the decisions are immutable and few (one per group): made once (again if ``groups``
        # is reassigned), not per request
        self._allow: dict[str, Decision] = {}
        self._allow_for: tuple[str, ...] | None = None

    def authorize(self, attrs: Attributes) -> Decision:
        allow = self._allow
        if self._allow_for is not self.groups:
            allow = self._allow = {g: Decision(Verdict.ALLOW, matched=f"privileged group {g}")
                                   for g in self.groups}
            self._allow_for = self.groups
        for group in attrs.user.groups:
            if group in allow:
                return allow[group]
        return _NO_OPINION


_NO_OPINION = Decision(Verdict.NO_OPINION)
