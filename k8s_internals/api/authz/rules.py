"""PolicyRule matching and the rule-listing types every authorizer shares.

Upstream sources mirrored here:

- ``pkg/apis/rbac/v1/evaluation_helpers.go``: ``VerbMatches``, ``APIGroupMatches``,
  ``ResourceMatches`` (with the ``*/subresource`` form), ``ResourceNameMatches``,
  ``NonResourceURLMatches`` (trailing ``*`` is a prefix match) and ``CompactString``.
- ``plugin/pkg/auth/authorizer/rbac/rbac.go``: ``RuleAllows`` / ``RulesAllow``, which join the
  helpers: a resource request is checked against ``verbs``, ``apiGroups``, ``resources``
  (``resource/subresource`` combined) and ``resourceNames``; a non-resource request only against
  ``verbs`` and ``nonResourceURLs``.
- ``staging/src/k8s.io/apiserver/pkg/authorization/authorizer/interfaces.go``:
  ``Authorizer``, ``RuleResolver``, ``ResourceRuleInfo`` and ``NonResourceRuleInfo`` (what
  ``SelfSubjectRulesReview`` and ``kubectl auth can-i --list`` show).

Rules are the plain dicts stored in the API (``{"apiGroups": [""], "resources": ["pods"],
"verbs": ["get"]}``); a missing key is an empty list, as in Go.

Note on ``resourceNames``: upstream has no verb special case. A rule with ``resourceNames`` only
matches a request that carries one of those names, and ``create``, ``list``, ``watch`` and
``deletecollection`` requests carry no name (the name of a new object is in the body), so such a
rule never allows them. (Since 1.31 RequestInfo fills the name of a ``list``/``watch`` from a
``metadata.name=<x>`` field selector; the request layer, not this module, decides that.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..user import UserInfo
from .attributes import Attributes, Decision
from .messages import go_quote

__all__ = [
    "API_GROUP_ALL",
    "NON_RESOURCE_ALL",
    "RESOURCE_ALL",
    "VERB_ALL",
    "Authorizer",
    "NonResourceRuleInfo",
    "ResourceRuleInfo",
    "RuleResolver",
    "RulesForResult",
    "api_group_matches",
    "compact_string",
    "non_resource_url_matches",
    "resource_matches",
    "resource_name_matches",
    "rule_allows",
    "rules_allow",
    "verb_matches",
]

# k8s.io/api/rbac/v1/types.go
VERB_ALL = "*"
API_GROUP_ALL = "*"
RESOURCE_ALL = "*"
NON_RESOURCE_ALL = "*"

Rule = Mapping[str, Any]


def _strings(rule: Rule, key: str) -> Sequence[str]:
    value = rule.get(key)
    return value if value else ()


def verb_matches(rule: Rule, verb: str) -> bool:
    """``VerbMatches``: the rule lists ``*`` or the verb itself."""
    return any(v in (VERB_ALL, verb) for v in _strings(rule, "verbs"))


def api_group_matches(rule: Rule, group: str) -> bool:
    """``APIGroupMatches``: the rule lists ``*`` or the group (``""`` is the core group)."""
    return any(g in (API_GROUP_ALL, group) for g in _strings(rule, "apiGroups"))


def resource_matches(rule: Rule, combined_resource: str, subresource: str) -> bool:
    """``ResourceMatches``: ``*``, the exact ``resource`` or ``resource/subresource``, or
    ``*/subresource`` when the request is for that subresource (``*/scale``). There is no
    ``pods/*`` form upstream."""
    for r in _strings(rule, "resources"):
        if r in (RESOURCE_ALL, combined_resource):
            return True
        if (
            subresource
            and len(r) == len(subresource) + 2
            and r.startswith("*/")
            and r.endswith(subresource)
        ):
            return True
    return False


def resource_name_matches(rule: Rule, name: str) -> bool:
    """``ResourceNameMatches``: no ``resourceNames`` means every name, otherwise an exact match
    (so a request without a name never matches a rule that lists names)."""
    names = _strings(rule, "resourceNames")
    return not names or name in names


def non_resource_url_matches(rule: Rule, path: str) -> bool:
    """``NonResourceURLMatches``: ``*``, the exact path, or a prefix when the rule URL ends in
    ``*`` (``/healthz/*`` matches ``/healthz/etcd`` and ``/healthz/``, not ``/healthz``)."""
    for url in _strings(rule, "nonResourceURLs"):
        if url in (NON_RESOURCE_ALL, path):
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rule_allows(attrs: Attributes, rule: Rule) -> bool:
    """``RuleAllows`` (``rbac.go``)."""
    if attrs.resource_request:
        combined = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
        return (
            verb_matches(rule, attrs.verb)
            and api_group_matches(rule, attrs.api_group)
            and resource_matches(rule, combined, attrs.subresource)
            and resource_name_matches(rule, attrs.name)
        )
    return verb_matches(rule, attrs.verb) and non_resource_url_matches(rule, attrs.path)


def rules_allow(attrs: Attributes, rules: Iterable[Rule]) -> bool:
    """``RulesAllow``: any rule allows."""
    return any(rule_allows(attrs, r) for r in rules)


def _go_list(values: Sequence[str]) -> str:
    # fmt's %q of a []string: ["a" "b"]
    return "[" + " ".join(go_quote(v) for v in values) + "]"


def compact_string(rule: Rule) -> str:
    """``CompactString``: ``{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}``,
    the form upstream uses in escalation errors and ``PolicyRule`` log lines."""
    parts = []
    for key, label in (
        ("apiGroups", "APIGroups"),
        ("resources", "Resources"),
        ("nonResourceURLs", "NonResourceURLs"),
        ("resourceNames", "ResourceNames"),
        ("verbs", "Verbs"),
    ):
        values = _strings(rule, key)
        if values:
            parts.append(f"{label}:{_go_list(values)}")
    return "{" + ", ".join(parts) + "}"


@dataclass(frozen=True)
class ResourceRuleInfo:
    """``authorizer.DefaultResourceRuleInfo``; JSON as ``authorizationv1.ResourceRule``."""

    verbs: tuple[str, ...]
    api_groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {"verbs": list(self.verbs)}
        if self.api_groups:
            out["apiGroups"] = list(self.api_groups)
        if self.resources:
            out["resources"] = list(self.resources)
        if self.resource_names:
            out["resourceNames"] = list(self.resource_names)
        return out


@dataclass(frozen=True)
class NonResourceRuleInfo:
    """``authorizer.DefaultNonResourceRuleInfo``; JSON as ``authorizationv1.NonResourceRule``."""

    verbs: tuple[str, ...]
    non_resource_urls: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {"verbs": list(self.verbs)}
        if self.non_resource_urls:
            out["nonResourceURLs"] = list(self.non_resource_urls)
        return out


@dataclass(frozen=True)
class RulesForResult:
    """What ``RuleResolver.RulesFor`` returns: the rules, whether the list is incomplete (an
    authorizer that cannot enumerate, like Node) and the evaluation error text, if any."""

    resource_rules: tuple[ResourceRuleInfo, ...] = ()
    non_resource_rules: tuple[NonResourceRuleInfo, ...] = ()
    incomplete: bool = False
    evaluation_error: str = ""

    def to_status(self) -> dict[str, Any]:
        """The ``status`` of a ``SelfSubjectRulesReview`` (``SubjectRulesReviewStatus``)."""
        out: dict[str, Any] = {
            "resourceRules": [r.to_dict() for r in self.resource_rules],
            "nonResourceRules": [r.to_dict() for r in self.non_resource_rules],
            "incomplete": self.incomplete,
        }
        if self.evaluation_error:
            out["evaluationError"] = self.evaluation_error
        return out


class Authorizer(Protocol):
    """``authorizer.Authorizer``."""

    def authorize(self, attrs: Attributes) -> Decision: ...


class RuleResolver(Protocol):
    """``authorizer.RuleResolver``."""

    def rules_for(self, user: UserInfo, namespace: str) -> RulesForResult: ...
