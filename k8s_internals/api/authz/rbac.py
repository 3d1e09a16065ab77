"""The RBAC authorizer (``--authorization-mode=RBAC``).

Ported from:

- ``plugin/pkg/auth/authorizer/rbac/rbac.go``: ``RBACAuthorizer.Authorize`` walks every rule
  that applies to the user and stops at the first that allows (``authorizingVisitor``). The
  reason of an allow is ``RBAC: allowed by <source>``; a request no rule allows gets
  ``DecisionNoOpinion`` (RBAC never denies: it is purely additive) with an empty reason, or
  ``RBAC: <errors>`` when some binding pointed at a role that could not be read.
  ``RBACAuthorizer.RulesFor`` feeds ``SelfSubjectRulesReview`` / ``kubectl auth can-i --list``.
- ``pkg/registry/rbac/validation/rule.go``: ``DefaultRuleResolver.VisitRulesFor`` (cluster role
  bindings first, then the role bindings of the request's namespace), ``GetRoleReferenceRules``,
  ``appliesTo`` / ``appliesToUser`` (User by name, Group by membership, ServiceAccount by the
  username ``system:serviceaccount:<ns>:<name>``, with a RoleBinding's own namespace as the default
  for a subject without one) and the source describers (one line each upstream)::

      ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler"
          to User "system:kube-scheduler"
      RoleBinding "dev-edit/team-a" of ClusterRole "edit" to Group "devs"
      ClusterRoleBinding "system:controller:deployment-controller" of ClusterRole
          "system:controller:deployment-controller" to ServiceAccount
          "deployment-controller/kube-system"

  (sic: upstream prints a service account as ``name/namespace``, and a role binding as
  ``name/namespace`` too.)
- Rule matching: :mod:`k8s_internals.api.authz.rules` (``evaluation_helpers.go``).

The authorizer reads RBAC objects through :class:`RBACLister`, the four listers upstream gets
from the shared informer factory. Upstream iterates an informer cache, whose order is a Go map's;
here the order is the lister's, and :class:`StaticRBACLister` sorts by name so the binding named in
an allow reason is the same on every run.

Decision cache (not upstream, where walking the rules on each request is cheap enough): when
the lister has a ``generation`` (the API server's caches and :class:`StaticRBACLister` do), the
rules that apply to a (user, groups, namespace) are resolved once and each decision is kept,
keyed by what :func:`~.rules.rule_allows` reads (the name only when some rule lists
``resourceNames``); any RBAC object added, changed or deleted changes the generation and drops
the cache, so the very next request sees the change. Answers and reasons are the same.

``system:masters``: upstream allows it twice over. The bootstrap ``cluster-admin``
ClusterRoleBinding binds the ``cluster-admin`` ClusterRole (``*`` on everything) to the group
(see :mod:`.bootstrap`), and, independently of RBAC, ``pkg/kubeapiserver/authorizer/reload.go``
puts ``authorizerfactory.NewPrivilegedGroups("system:masters")`` *first* in the union of every
kube-apiserver, so members are allowed even if the binding is deleted (with an empty reason,
and without adding any rules to ``RulesFor``). That short-circuit is
:class:`k8s_internals.api.authz.builtin.PrivilegedGroupsAuthorizer`, wired in by
:func:`k8s_internals.api.authz.union.new_authorizer`; this class does RBAC only.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..user import UserInfo
from .attributes import Attributes, Decision, Verdict
from .messages import go_quote
from .rules import (
    NonResourceRuleInfo,
    ResourceRuleInfo,
    RulesForResult,
    api_group_matches,
    compact_string,
    resource_matches,
    rule_allows,
    verb_matches,
)

__all__ = [
    "RBAC_GROUP",
    "ListerError",
    "RBACAuthorizer",
    "RBACLister",
    "RBACMatch",
    "RuleSource",
    "StaticRBACLister",
    "aggregate_errors",
    "applies_to_user",
]

RBAC_GROUP = "rbac.authorization.k8s.io"
# apiserver/pkg/authentication/serviceaccount/util.go
_SA_USER_PREFIX = "system:serviceaccount:"

Obj = Mapping[str, Any]


class ListerError(Exception):
    """A lister could not answer (upstream: an informer lister error). The message becomes part
    of the authorizer's reason, as upstream's does."""


class RBACLister(Protocol):
    """The read side RBAC needs: upstream's ``RoleGetter``, ``RoleBindingLister``,
    ``ClusterRoleGetter`` and ``ClusterRoleBindingLister`` (``rule.go``), over objects as
    stored in the API (plain dicts). ``get_*`` return ``None`` for a missing object; any method
    may raise :class:`ListerError`.

    A lister may also carry an integer ``generation`` that changes whenever any of its objects
    does (objects are replaced, never modified in place); :class:`RBACAuthorizer` then caches
    its decisions until it changes."""

    def list_cluster_roles(self) -> Iterable[Obj]: ...

    def get_cluster_role(self, name: str) -> Obj | None: ...

    def get_role(self, namespace: str, name: str) -> Obj | None: ...

    def list_cluster_role_bindings(self) -> Iterable[Obj]: ...

    def list_role_bindings(self, namespace: str) -> Iterable[Obj]: ...


def _name(obj: Obj) -> str:
    return str(obj.get("metadata", {}).get("name", ""))


def _namespace(obj: Obj) -> str:
    return str(obj.get("metadata", {}).get("namespace", "") or "")


class StaticRBACLister:
    """An in-memory :class:`RBACLister` (upstream's ``StaticRoles`` test resolver): the
    simulator's informer caches, tests and notebooks use it. Lists come back sorted by
    (namespace, name), so iteration, and hence the binding an allow names, is deterministic."""

    KINDS = ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")

    def __init__(self, objects: Iterable[Obj] = ()) -> None:
        self._objs: dict[str, dict[tuple[str, str], Obj]] = {k: {} for k in self.KINDS}
        #: bumped by every put/delete: :class:`RBACAuthorizer` drops its cached decisions
        self.generation = 0
        for obj in objects:
            self.put(obj)

    def put(self, obj: Obj) -> None:
        """Add or replace an RBAC object (other kinds are ignored, like a typed informer)."""
        kind = str(obj.get("kind", ""))
        if kind in self._objs:
            self._objs[kind][(_namespace(obj), _name(obj))] = obj
            self.generation += 1

    def delete(self, kind: str, name: str, namespace: str = "") -> None:
        self._objs[kind].pop((namespace, name), None)
        self.generation += 1

    def _sorted(self, kind: str, namespace: str | None = None) -> list[Obj]:
        return [
            obj
            for (ns, _), obj in sorted(self._objs[kind].items())
            if namespace is None or ns == namespace
        ]

    def list_cluster_roles(self) -> list[Obj]:
        return self._sorted("ClusterRole")

    def get_cluster_role(self, name: str) -> Obj | None:
        return self._objs["ClusterRole"].get(("", name))

    def get_role(self, namespace: str, name: str) -> Obj | None:
        return self._objs["Role"].get((namespace, name))

    def list_cluster_role_bindings(self) -> list[Obj]:
        return self._sorted("ClusterRoleBinding")

    def list_role_bindings(self, namespace: str) -> list[Obj]:
        return self._sorted("RoleBinding", namespace)

    def list_roles(self, namespace: str | None = None) -> list[Obj]:
        return self._sorted("Role", namespace)


def applies_to_user(user: UserInfo, subject: Obj, namespace: str) -> bool:
    """``appliesToUser``: does one binding subject name this user? ``namespace`` is the role
    binding's namespace (``""`` for a cluster role binding): a ServiceAccount subject without
    a namespace defaults to it, and matches nothing when both are empty."""
    kind = subject.get("kind")
    name = str(subject.get("name", ""))
    if kind == "User":
        return user.name == name
    if kind == "Group":
        return name in user.groups
    if kind == "ServiceAccount":
        sa_namespace = str(subject.get("namespace") or namespace)
        if not sa_namespace:
            return False
        # serviceaccount.MatchesUsername
        return user.name == f"{_SA_USER_PREFIX}{sa_namespace}:{name}"
    return False


def _applies_to(user: UserInfo, subjects: Iterable[Obj], namespace: str) -> Obj | None:
    """``appliesTo``: the first subject that applies, or ``None``."""
    for subject in subjects:
        if applies_to_user(user, subject, namespace):
            return subject
    return None


def _describe_subject(subject: Obj, binding_namespace: str) -> str:
    """``describeSubject``: ``User "alice"``, ``ServiceAccount "name/namespace"``."""
    kind = str(subject.get("kind", ""))
    name = str(subject.get("name", ""))
    if kind == "ServiceAccount":
        ns = str(subject.get("namespace") or binding_namespace)
        return f"{kind} {go_quote(name + '/' + ns)}"
    return f"{kind} {go_quote(name)}"


@dataclass(frozen=True)
class RuleSource:
    """Where a rule came from: the binding, the subject in it that matched, and (once looked
    up) the role. ``str()`` is upstream's ``clusterRoleBindingDescriber`` /
    ``roleBindingDescriber`` text."""

    binding: Obj
    subject: Obj

    @property
    def binding_kind(self) -> str:
        return str(self.binding.get("kind") or ("RoleBinding" if self.namespace else
                                                 "ClusterRoleBinding"))

    @property
    def namespace(self) -> str:
        return _namespace(self.binding)

    @property
    def role_ref(self) -> Obj:
        ref: Obj = self.binding.get("roleRef", {})
        return ref

    def __str__(self) -> str:
        text: str | None = self.__dict__.get("_text")
        if text is None:
            text = self._describe()
            # frozen: cache the text beside the fields (the source never changes)
            object.__setattr__(self, "_text", text)
        return text

    def _describe(self) -> str:
        ref = self.role_ref
        role = f"{ref.get('kind', '')} {go_quote(str(ref.get('name', '')))}"
        if self.binding_kind == "RoleBinding":
            who = go_quote(_name(self.binding) + "/" + self.namespace)
            subject = _describe_subject(self.subject, self.namespace)
            return f"RoleBinding {who} of {role} to {subject}"
        return (
            f"ClusterRoleBinding {go_quote(_name(self.binding))} of {role} to "
            f"{_describe_subject(self.subject, '')}"
        )


@dataclass(frozen=True)
class RBACMatch:
    """What allowed a request, for traces and notebooks: the source and the exact rule."""

    source: RuleSource
    rule: Obj

    @property
    def reason(self) -> str:
        return f"RBAC: allowed by {self.source}"

    @property
    def rule_string(self) -> str:
        """The rule as upstream logs it: ``PolicyRule{APIGroups:[""], ...}``."""
        return "PolicyRule" + compact_string(self.rule)


def aggregate_errors(errs: Iterable[str]) -> str:
    """``utilerrors.NewAggregate(errs).Error()``: one error bare; several de-duplicated, joined
    with ``", "`` and bracketed."""
    msgs: list[str] = []
    all_errs = list(errs)
    if len(all_errs) == 1:
        return all_errs[0]
    for e in all_errs:
        if e not in msgs:
            msgs.append(e)
    if len(msgs) == 1:
        return msgs[0]
    return "[" + ", ".join(msgs) + "]"


Visitor = Callable[[RuleSource | None, Obj | None, str | None], bool]


class _Resolved:
    """One (user, groups, namespace)'s visit of the rules, resolved once, and the decisions
    made from it (keyed by the attributes :func:`rule_allows` reads)."""

    __slots__ = ("decisions", "entries", "name_matters", "named_rules")

    def __init__(self, entries: list[tuple[RuleSource | None, Obj | None, str | None]]) -> None:
        self.entries = entries
        self.named_rules = [rule for _, rule, _ in entries
                            if rule is not None and rule.get("resourceNames")]
        self.name_matters: dict[tuple[Any, ...], bool] = {}
        self.decisions: dict[Any, Decision] = {}

    def names_matter(self, attrs: Attributes) -> bool:
        """Could the request's name change the answer? Only through a rule that lists
        ``resourceNames`` and matches the request's verb, group and resource."""
        if not attrs.resource_request:
            return False
        combined = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource \
            else attrs.resource
        return any(verb_matches(rule, attrs.verb) and api_group_matches(rule, attrs.api_group)
                   and resource_matches(rule, combined, attrs.subresource)
                   for rule in self.named_rules)

    def explain(self, attrs: Attributes) -> tuple[RBACMatch | None, list[str]]:
        """What the authorizing visitor finds walking :attr:`entries`."""
        errs: list[str] = []
        for source, rule, err in self.entries:
            if source is not None and rule is not None and rule_allows(attrs, rule):
                return RBACMatch(source, rule), errs
            if err is not None:
                errs.append(err)
        return None, errs


class RBACAuthorizer:
    """``rbac.RBACAuthorizer`` over an :class:`RBACLister`."""

    name = "RBAC"

    #: bounds of the decision cache (it is simply emptied when full)
    MAX_CACHED_SUBJECTS = 1024
    MAX_CACHED_DECISIONS = 4096

    def __init__(self, lister: RBACLister) -> None:
        self.lister = lister
        # The decision cache (not upstream: Go walks the rules on every request, fast enough
        # there). Only used when the lister has an integer ``generation`` that changes whenever
        # any Role, ClusterRole, RoleBinding or ClusterRoleBinding does (the server's caches,
        # StaticRBACLister); a lister without one is walked on every request as before.
        self._cache_generation: int | None = None
        self._resolved: dict[tuple[str, tuple[str, ...], str], _Resolved] = {}

    # -- the decision cache ------------------------------------------------------------------

    def _resolved_for(self, user: UserInfo, namespace: str) -> _Resolved | None:
        """Every rule (and resolution error) :meth:`visit_rules_for` would visit for this user
        in this namespace, in visit order, cached until the lister's generation changes; or
        ``None`` when the lister keeps no generation."""
        generation = getattr(self.lister, "generation", None)
        if not isinstance(generation, int):
            return None
        if generation != self._cache_generation:
            self._resolved.clear()
            self._cache_generation = generation
        groups = user.groups if isinstance(user.groups, tuple) else tuple(user.groups)
        key = (user.name, groups, namespace)
        resolved = self._resolved.get(key)
        if resolved is None:
            entries: list[tuple[RuleSource | None, Obj | None, str | None]] = []

            def collect(source: RuleSource | None, rule: Obj | None, err: str | None) -> bool:
                entries.append((source, rule, err))
                return True

            self.visit_rules_for(user, namespace, collect)
            if len(self._resolved) >= self.MAX_CACHED_SUBJECTS:
                self._resolved.clear()
            resolved = self._resolved[key] = _Resolved(entries)
        return resolved

    # -- rule.go: DefaultRuleResolver -------------------------------------------------------

    def role_reference_rules(self, role_ref: Obj, binding_namespace: str) -> list[Obj]:
        """``GetRoleReferenceRules``: the rules of the role a binding points at. Raises
        :class:`ListerError` with upstream's message when the role is missing."""
        kind = role_ref.get("kind")
        name = str(role_ref.get("name", ""))
        if kind == "Role":
            role = self.lister.get_role(binding_namespace, name)
            if role is None:
                # client-go listers: errors.NewNotFound(v1.Resource("role"), name)
                raise ListerError(f"role.{RBAC_GROUP} {go_quote(name)} not found")
            return list(role.get("rules") or [])
        if kind == "ClusterRole":
            cluster_role = self.lister.get_cluster_role(name)
            if cluster_role is None:
                raise ListerError(f"clusterrole.{RBAC_GROUP} {go_quote(name)} not found")
            return list(cluster_role.get("rules") or [])
        raise ListerError(f"unsupported role reference kind: {go_quote(str(kind or ''))}")

    def visit_rules_for(self, user: UserInfo, namespace: str, visitor: Visitor) -> None:
        """``VisitRulesFor``: call ``visitor(source, rule, error)`` for every rule that applies
        to ``user`` in ``namespace`` (cluster role bindings first, then role bindings when a
        namespace is given) and for every resolution error; stop when it returns ``False``."""
        try:
            crbs = list(self.lister.list_cluster_role_bindings())
        except ListerError as e:
            if not visitor(None, None, str(e)):
                return
            crbs = []
        for crb in crbs:
            subject = _applies_to(user, crb.get("subjects") or [], "")
            if subject is None:
                continue
            try:
                rules = self.role_reference_rules(crb.get("roleRef", {}), "")
            except ListerError as e:
                if not visitor(None, None, str(e)):
                    return
                continue
            source = RuleSource(crb, subject)
            for rule in rules:
                if not visitor(source, rule, None):
                    return

        if not namespace:
            return
        try:
            rbs = list(self.lister.list_role_bindings(namespace))
        except ListerError as e:
            visitor(None, None, str(e))
            return
        for rb in rbs:
            subject = _applies_to(user, rb.get("subjects") or [], namespace)
            if subject is None:
                continue
            try:
                rules = self.role_reference_rules(rb.get("roleRef", {}), namespace)
            except ListerError as e:
                if not visitor(None, None, str(e)):
                    return
                continue
            source = RuleSource(rb, subject)
            for rule in rules:
                if not visitor(source, rule, None):
                    return

    def policy_rules_for(self, user: UserInfo, namespace: str) -> tuple[list[Obj], list[str]]:
        """``DefaultRuleResolver.RulesFor``: every applicable PolicyRule, and the errors."""
        rules: list[Obj] = []
        errs: list[str] = []

        def accumulate(source: RuleSource | None, rule: Obj | None, err: str | None) -> bool:
            if rule is not None:
                rules.append(rule)
            if err is not None:
                errs.append(err)
            return True

        self.visit_rules_for(user, namespace, accumulate)
        return rules, errs

    # -- rbac.go -------------------------------------------------------------------------------

    def explain(self, attrs: Attributes) -> tuple[RBACMatch | None, list[str]]:
        """The first binding + rule that allows ``attrs`` (``None`` if none), and the
        resolution errors met on the way (``authorizingVisitor``)."""
        resolved = self._resolved_for(attrs.user, attrs.namespace)
        if resolved is not None:
            return resolved.explain(attrs)
        found: list[RBACMatch] = []
        errs: list[str] = []

        def visit(source: RuleSource | None, rule: Obj | None, err: str | None) -> bool:
            if source is not None and rule is not None and rule_allows(attrs, rule):
                found.append(RBACMatch(source, rule))
                return False
            if err is not None:
                errs.append(err)
            return True

        self.visit_rules_for(attrs.user, attrs.namespace, visit)
        return (found[0] if found else None), errs

    def authorize(self, attrs: Attributes) -> Decision:
        """``Authorize``: ALLOW with ``RBAC: allowed by ...`` as reason and ``matched``, else
        NO_OPINION (reason ``""``, or ``RBAC: <aggregated resolution errors>``)."""
        resolved = self._resolved_for(attrs.user, attrs.namespace)
        if resolved is None:
            return self._decide(attrs)
        # what rule_allows reads: the path only for a non-resource request, the name only when
        # a rule that lists resourceNames matches the rest of the request
        base = (attrs.verb, attrs.resource_request, attrs.api_group, attrs.resource,
                attrs.subresource, None if attrs.resource_request else attrs.path)
        by_name = resolved.name_matters.get(base)
        if by_name is None:
            by_name = resolved.name_matters[base] = resolved.names_matter(attrs)
        key = (base, attrs.name) if by_name else base
        decisions = resolved.decisions
        decision = decisions.get(key)
        if decision is None:
            decision = self._decide(attrs)
            if len(decisions) >= self.MAX_CACHED_DECISIONS:
                decisions.clear()
            decisions[key] = decision
        return decision

    def _decide(self, attrs: Attributes) -> Decision:
        match, errs = self.explain(attrs)
        if match is not None:
            return Decision(Verdict.ALLOW, reason=match.reason, matched=match.reason)
        reason = f"RBAC: {aggregate_errors(errs)}" if errs else ""
        return Decision(Verdict.NO_OPINION, reason=reason)

    def rules_for(self, user: UserInfo, namespace: str) -> RulesForResult:
        """``RBACAuthorizer.RulesFor``: a rule with resources becomes a ResourceRule, one with
        nonResourceURLs a NonResourceRule; never incomplete; errors as evaluationError."""
        policy_rules, errs = self.policy_rules_for(user, namespace)
        resource_rules: list[ResourceRuleInfo] = []
        non_resource_rules: list[NonResourceRuleInfo] = []
        for rule in policy_rules:
            if rule.get("resources"):
                resource_rules.append(
                    ResourceRuleInfo(
                        verbs=tuple(rule.get("verbs") or ()),
                        api_groups=tuple(rule.get("apiGroups") or ()),
                        resources=tuple(rule.get("resources") or ()),
                        resource_names=tuple(rule.get("resourceNames") or ()),
                    )
                )
            if rule.get("nonResourceURLs"):
                non_resource_rules.append(
                    NonResourceRuleInfo(
                        verbs=tuple(rule.get("verbs") or ()),
                        non_resource_urls=tuple(rule.get("nonResourceURLs") or ()),
                    )
                )
        return RulesForResult(
            resource_rules=tuple(resource_rules),
            non_resource_rules=tuple(non_resource_rules),
            incomplete=False,
            evaluation_error=aggregate_errors(errs) if errs else "",
        )
