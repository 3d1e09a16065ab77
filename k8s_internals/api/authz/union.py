"""The authorizer chain: ``staging/src/k8s.io/apiserver/pkg/authorization/union/union.go`` and
how kube-apiserver assembles it (``pkg/kubeapiserver/authorizer/reload.go``, ``newForConfig``).

Union semantics (upstream, kept exactly): ask each authorizer in order; the first ``Allow`` *or*
``Deny`` is the answer, with that authorizer's reason; ``NoOpinion`` moves on. If nobody decided,
the answer is ``NoOpinion`` with every non-empty reason joined by newlines, and the API server
turns that into a 403 (see :mod:`.messages`). The rule resolvers' union concatenates every
resolver's rules, ORs ``incomplete`` and aggregates the errors.

``--authorization-mode=Node,RBAC`` becomes (``newForConfig``)::

    union(PrivilegedGroups("system:masters"), Node, RBAC)     # authorizers
    union(Node, RBAC)                                          # rule resolvers

The privileged-group authorizer is always first and is not a rule resolver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..user import UserInfo
from .attributes import Attributes, Decision, Verdict
from .builtin import AlwaysAllowAuthorizer, AlwaysDenyAuthorizer, PrivilegedGroupsAuthorizer
from .node import NodeAuthorizer, NodeGraphSource
from .rbac import RBACAuthorizer, RBACLister, aggregate_errors
from .rules import Authorizer, NonResourceRuleInfo, ResourceRuleInfo, RuleResolver, RulesForResult

__all__ = [
    "MODE_ALWAYS_ALLOW",
    "MODE_ALWAYS_DENY",
    "MODE_NODE",
    "MODE_RBAC",
    "UnionAuthorizer",
    "UnionRuleResolver",
    "new_authorizer",
]

# pkg/kubeapiserver/authorizer/modes/modes.go
MODE_ALWAYS_ALLOW = "AlwaysAllow"
MODE_ALWAYS_DENY = "AlwaysDeny"
MODE_NODE = "Node"
MODE_RBAC = "RBAC"


class UnionAuthorizer:
    """``unionAuthzHandler``: first Allow or Deny wins, NoOpinion continues."""

    def __init__(self, authorizers: Iterable[Authorizer]) -> None:
        self.authorizers: list[Authorizer] = list(authorizers)
        # the same decision (a cached RBAC one) named again and again: name it once
        self._named: dict[int, tuple[Decision, Decision]] = {}

    def authorize(self, attrs: Attributes) -> Decision:
        reasons: list[str] = []
        for authorizer in self.authorizers:
            decision = authorizer.authorize(attrs)
            verdict = decision.verdict
            if verdict is Verdict.NO_OPINION:
                if decision.reason:
                    reasons.append(decision.reason)
            else:  # Allow or Deny
                if not decision.authorizer:
                    name = str(getattr(authorizer, "name", type(authorizer).__name__))
                    named = self._named.get(id(decision))
                    if named is not None and named[0] is decision \
                            and named[1].authorizer == name:
                        return named[1]
                    unnamed, decision = decision, replace(decision, authorizer=name)
                    if len(self._named) >= 4096:
                        self._named.clear()
                    self._named[id(unnamed)] = (unnamed, decision)
                return decision
        return Decision(Verdict.NO_OPINION, reason="\n".join(reasons))


class UnionRuleResolver:
    """``unionAuthzRulesHandler``."""

    def __init__(self, resolvers: Iterable[RuleResolver]) -> None:
        self.resolvers: list[RuleResolver] = list(resolvers)

    def rules_for(self, user: UserInfo, namespace: str) -> RulesForResult:
        resource_rules: list[ResourceRuleInfo] = []
        non_resource_rules: list[NonResourceRuleInfo] = []
        incomplete = False
        errs: list[str] = []
        for resolver in self.resolvers:
            result = resolver.rules_for(user, namespace)
            incomplete = incomplete or result.incomplete
            if result.evaluation_error:
                errs.append(result.evaluation_error)
            resource_rules.extend(result.resource_rules)
            non_resource_rules.extend(result.non_resource_rules)
        return RulesForResult(
            resource_rules=tuple(resource_rules),
            non_resource_rules=tuple(non_resource_rules),
            incomplete=incomplete,
            evaluation_error=aggregate_errors(errs) if errs else "",
        )


def new_authorizer(
    modes: Sequence[str] = (MODE_NODE, MODE_RBAC),
    *,
    rbac_lister: RBACLister | None = None,
    node_graph: NodeGraphSource | None = None,
) -> tuple[UnionAuthorizer, UnionRuleResolver]:
    """Build kube-apiserver's authorizer and rule resolver for ``--authorization-mode`` (the
    order matters). ``RBAC`` needs ``rbac_lister``; ``Node`` needs ``node_graph``."""
    if not modes:
        raise ValueError("at least one authorization mode must be passed")
    authorizers: list[Authorizer] = [PrivilegedGroupsAuthorizer()]
    resolvers: list[RuleResolver] = []
    for mode in modes:
        if mode == MODE_NODE:
            if node_graph is None:
                raise ValueError("authorization mode Node needs a node graph source")
            node = NodeAuthorizer(node_graph)
            authorizers.append(node)
            resolvers.append(node)
        elif mode == MODE_RBAC:
            if rbac_lister is None:
                raise ValueError("authorization mode RBAC needs an RBAC lister")
            rbac = RBACAuthorizer(rbac_lister)
            authorizers.append(rbac)
            resolvers.append(rbac)
        elif mode == MODE_ALWAYS_ALLOW:
            allow = AlwaysAllowAuthorizer()
            authorizers.append(allow)
            resolvers.append(allow)
        elif mode == MODE_ALWAYS_DENY:
            deny = AlwaysDenyAuthorizer()
            authorizers.append(deny)
            resolvers.append(deny)
        else:
            raise ValueError(f"unknown authorization mode {mode} specified")
    return UnionAuthorizer(authorizers), UnionRuleResolver(resolvers)
