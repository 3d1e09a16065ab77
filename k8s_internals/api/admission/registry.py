"""Which admission plugins run, in which order, and where a learner's own plugin goes.

Upstream: ``pkg/kubeapiserver/options/plugins.go``. ``AllOrderedPlugins`` fixes one order for
every plugin; ``--enable-admission-plugins`` only switches plugins on and off. The API server
then runs every enabled plugin that implements ``admission.MutationInterface`` (``Admit``) in
that order, validates the object, and runs every one implementing
``admission.ValidationInterface`` (``Validate``) in the same order. A plugin that implements both
(LimitRanger, ServiceAccount, Priority) appears in both phases.

The simulator's plugins, in upstream order (:data:`ORDERED_PLUGINS`)::

    NamespaceLifecycle  LimitRanger  ServiceAccount  NodeRestriction  Priority
    DefaultTolerationSeconds  ResourceQuota

so :func:`default_plugins` returns

    mutating:   NamespaceLifecycle, LimitRanger, ServiceAccount, NodeRestriction, Priority,
                DefaultTolerationSeconds
    validating: LimitRanger, ServiceAccount, Priority, ResourceQuota

NodeRestriction is off by default in kube-apiserver but every kubeadm cluster enables it
(``--enable-admission-plugins=NodeRestriction``); the simulator follows kubeadm.

Adding your own plugin
----------------------

Wrap a plain function in :class:`~.interfaces.FunctionPlugin` and register it. It lands where
upstream's webhooks sit in ``AllOrderedPlugins``: a mutating one after every built-in mutating
plugin (``MutatingAdmissionWebhook``), a validating one after the built-in validating plugins but
*before* ResourceQuota (``ValidatingAdmissionWebhook``): upstream keeps ResourceQuota last so
that a request is charged to a quota only once nothing else can refuse it::

    from k8s_internals.api.admission import registry
    from k8s_internals.api.admission.interfaces import FunctionPlugin

    def require_team_label(a):                       # a: Attributes
        if a.resource == "pods" and "team" not in a.obj["metadata"].get("labels", {}):
            return "every pod needs a team label"     # -> 403 ... is forbidden: every pod ...

    mutating, validating = registry.default_plugins(
        FunctionPlugin(require_team_label, mutating=False))
    # or, on a running API server:
    registry.register(server, FunctionPlugin(require_team_label, mutating=False))

Several plugins keep the order in which they were registered.
"""

from __future__ import annotations

from typing import Any, Protocol

from .default_toleration_seconds import DefaultTolerationSeconds
from .interfaces import FunctionPlugin, MutationInterface, ValidationInterface
from .limit_ranger import LimitRanger
from .namespace_lifecycle import NamespaceLifecycle
from .node_restriction import NodeRestriction
from .priority import Priority
from .resource_quota import ResourceQuota
from .service_account import ServiceAccount

__all__ = [
    "ALL_ORDERED_PLUGINS",
    "ORDERED_PLUGINS",
    "add_plugin",
    "default_plugins",
    "register",
]

#: ``AllOrderedPlugins`` (kube-apiserver 1.35), for reference: the full upstream order.
ALL_ORDERED_PLUGINS: tuple[str, ...] = (
    "AlwaysAdmit", "NamespaceAutoProvision", "NamespaceLifecycle", "NamespaceExists",
    "LimitPodHardAntiAffinityTopology", "LimitRanger", "ServiceAccount", "NodeRestriction",
    "TaintNodesByCondition", "AlwaysPullImages", "ImagePolicyWebhook", "PodSecurity",
    "PodNodeSelector", "Priority", "DefaultTolerationSeconds", "PodTolerationRestriction",
    "EventRateLimit", "ExtendedResourceToleration", "DefaultStorageClass",
    "StorageObjectInUseProtection", "PodGroupProtection", "OwnerReferencesPermissionEnforcement",
    "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval", "CertificateSigning",
    "ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass",
    "DenyServiceExternalIPs", "PodTopologyLabels", "PodGroupWorkloadExists",
    "NodeDeclaredFeatureValidator", "JobValidation", "PodResizeValidator",
    "MutatingAdmissionPolicy", "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook", "ResourceQuota", "AlwaysDeny",
)

#: the simulator's plugins, in ``AllOrderedPlugins`` order
ORDERED_PLUGINS: tuple[str, ...] = tuple(
    n for n in ALL_ORDERED_PLUGINS
    if n in {"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "NodeRestriction",
             "Priority", "DefaultTolerationSeconds", "ResourceQuota"})

#: validating plugins that stay after learners' validating plugins (as after the webhooks)
_AFTER_WEBHOOKS = frozenset({"ResourceQuota", "AlwaysDeny"})

Plugin = FunctionPlugin | MutationInterface | ValidationInterface


def _builtin_instances(node_restriction: bool, quota_strict_status: bool = False) -> list[Any]:
    plugins: list[Any] = [NamespaceLifecycle(), LimitRanger(), ServiceAccount(),
                          NodeRestriction(), Priority(), DefaultTolerationSeconds(),
                          ResourceQuota(strict_status=quota_strict_status)]
    if not node_restriction:
        plugins = [p for p in plugins if p.name != "NodeRestriction"]
    order = {n: i for i, n in enumerate(ORDERED_PLUGINS)}
    return sorted(plugins, key=lambda p: order[p.name])


def _is_mutating(plugin: Any) -> bool:
    if isinstance(plugin, FunctionPlugin):
        return plugin.mutating
    return callable(getattr(plugin, "admit", None))


def _is_validating(plugin: Any) -> bool:
    if isinstance(plugin, FunctionPlugin):
        return not plugin.mutating
    return callable(getattr(plugin, "validate", None))


def add_plugin(mutating: list[MutationInterface], validating: list[ValidationInterface],
               plugin: Plugin) -> None:
    """Insert ``plugin`` (in place) where upstream's webhooks run: a mutating one at the end of
    ``mutating``, a validating one before ResourceQuota in ``validating``. An object with both
    ``admit`` and ``validate`` goes into both lists."""
    if _is_mutating(plugin):
        mutating.append(plugin)  # type: ignore[arg-type]
    if _is_validating(plugin):
        at = next((i for i, p in enumerate(validating) if p.name in _AFTER_WEBHOOKS),
                  len(validating))
        validating.insert(at, plugin)  # type: ignore[arg-type]


def default_plugins(
    *extra: Plugin, node_restriction: bool = True, quota_strict_status: bool = False
) -> tuple[list[MutationInterface], list[ValidationInterface]]:
    """Fresh built-in plugins as ``(mutating, validating)`` in ``AllOrderedPlugins`` order, with
    ``extra`` learner plugins added as :func:`add_plugin` places them.
    ``quota_strict_status`` is :class:`ResourceQuota`'s ``strict_status`` (upstream's
    behaviour, for an API server whose quotas a controller manager keeps up to date)."""
    mutating: list[MutationInterface] = []
    validating: list[ValidationInterface] = []
    for p in _builtin_instances(node_restriction, quota_strict_status):
        if _is_mutating(p):
            mutating.append(p)
        if _is_validating(p):
            validating.append(p)
    for p in extra:
        add_plugin(mutating, validating, p)
    return mutating, validating


class _HasAdmissionLists(Protocol):
    mutating: list[MutationInterface]
    validating: list[ValidationInterface]


def register(server: _HasAdmissionLists, plugin: Plugin) -> None:
    """Add ``plugin`` to a running API server's chains (see :func:`add_plugin`)."""
    add_plugin(server.mutating, server.validating, plugin)
