"""NamespaceLifecycle: no new content in a namespace that is missing or being deleted, and the
immortal namespaces can never be deleted.

Upstream: ``staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go``
(``Lifecycle.Admit``). It is a *mutating* plugin upstream (it implements only ``Admit``), so it
runs first in the mutating phase and never changes the object. In order:

1. DELETE of ``default``, ``kube-system`` or ``kube-public`` → ``403`` ``namespaces "default" is
   forbidden: this namespace may not be deleted`` (``errors.NewForbidden``).
2. Cluster-scoped resources, Namespaces themselves, and DELETE of anything else pass.
3. ``localsubjectaccessreviews.authorization.k8s.io`` passes (answering "no such namespace" would
   leak which namespaces exist).
4. The namespace must exist, else the lookup's own ``404`` is returned:
   ``namespaces "x" not found`` (CREATE and UPDATE alike).
5. A CREATE into a namespace whose ``status.phase`` is ``Terminating`` →
   ``403`` ``unable to create new content in namespace x because it is being terminated``, with a
   ``NamespaceTerminating`` cause on ``metadata.namespace``. Updates are still allowed there (the
   namespace controller and finalizers need them).

Upstream reads namespaces from an informer cache, waits 50 ms for a namespace it cannot see yet,
and keeps a "force live lookup" list of namespaces just deleted so a stale cache cannot let a
create slip in. The simulator reads the store directly, so the answer is never stale and none
of that is needed. There is no exemption for Events (there has not been one upstream for years).
"""

from __future__ import annotations

from .. import errors
from ._common import forbidden
from .interfaces import AdmissionContext, Attributes, Operation

__all__ = ["IMMORTAL_NAMESPACES", "NamespaceLifecycle"]

#: ``metav1.NamespaceDefault``, ``NamespaceSystem``, ``NamespacePublic``
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})

#: ``accessReviewResources``: (group, resource)
_ACCESS_REVIEWS = frozenset({("authorization.k8s.io", "localsubjectaccessreviews")})


class NamespaceLifecycle:
    """``lifecycle.Lifecycle``; handles CREATE, UPDATE and DELETE."""

    name = "NamespaceLifecycle"

    def __init__(self, immortal_namespaces: frozenset[str] = IMMORTAL_NAMESPACES) -> None:
        self.immortal_namespaces = immortal_namespaces

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE, Operation.DELETE)

    @staticmethod
    def may_mutate(a: Attributes) -> bool:
        """Whether :meth:`admit` may change ``a.obj``: never (it only rejects)."""
        return False

    def admit(self, a: Attributes, ctx: AdmissionContext) -> None:
        is_namespace = a.group == "" and a.kind == "Namespace"
        if a.operation is Operation.DELETE and is_namespace and a.name in self.immortal_namespaces:
            raise errors.forbidden(a.group, a.resource, a.name, "this namespace may not be deleted")
        # always allow non-namespaced resources, and all operations on namespaces
        if not a.namespace or is_namespace:
            return
        # always allow deletion of other resources
        if a.operation is Operation.DELETE:
            return
        if (a.group, a.resource) in _ACCESS_REVIEWS:
            return

        # read-only use: a context that can share its decoded objects need not copy
        get = getattr(ctx, "get_shared", None) or ctx.get
        namespace = get("", "namespaces", "", a.namespace)
        if namespace is None:
            raise errors.not_found("", "namespaces", a.namespace)

        if a.operation is Operation.CREATE:
            if (namespace.get("status") or {}).get("phase") != "Terminating":
                return
            err = forbidden(a, f"unable to create new content in namespace {a.namespace} "
                               "because it is being terminated")
            err.status["details"].setdefault("causes", []).append({
                "reason": "NamespaceTerminating",
                "message": f"namespace {a.namespace} is being terminated",
                "field": "metadata.namespace",
            })
            raise err
