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

Upstream reads namespaces from an informer (``namespaceLister.Get``); a namespace the lister
does not have is looked up live (``client.CoreV1().Namespaces().Get``, the "last resort"), and a
namespace deleted through this plugin goes on a "force live lookup" list for 30 s
(``forceLiveLookupCache``, an LRU of 100, ``forceLiveLookupTTL``): while the lister still says
``Active`` for it, it is looked up live so a stale cache cannot let a create slip in. All of
that is here: the lister is the context's (:func:`~.interfaces.lister_get`: the API server's
caches, fed as each write commits), the live lookup ``ctx.get`` (storage). Upstream also sleeps
50 ms (``missingNamespaceWait``) before the live lookup of a namespace missing on CREATE, to give
its informer time to catch up; the simulator's lister is fed synchronously, so there is nothing
to wait for and the live lookup follows at once (the answer is the same). There is no exemption
for Events (there has not been one upstream for years).
"""

from __future__ import annotations

from .. import errors
from ._common import forbidden
from .interfaces import AdmissionContext, Attributes, Operation, lister_get

__all__ = ["IMMORTAL_NAMESPACES", "NamespaceLifecycle"]

#: ``metav1.NamespaceDefault``, ``NamespaceSystem``, ``NamespacePublic``
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})

#: ``accessReviewResources``: (group, resource)
_ACCESS_REVIEWS = frozenset({("authorization.k8s.io", "localsubjectaccessreviews")})

#: ``forceLiveLookupTTL``: how long a deleted namespace is looked up live
FORCE_LIVE_LOOKUP_TTL = 30.0
#: ``utilcache.NewLRUExpireCache(100)``
_FORCE_LIVE_LOOKUP_SIZE = 100


class NamespaceLifecycle:
    """``lifecycle.Lifecycle``; handles CREATE, UPDATE and DELETE."""

    name = "NamespaceLifecycle"

    def __init__(self, immortal_namespaces: frozenset[str] = IMMORTAL_NAMESPACES) -> None:
        self.immortal_namespaces = immortal_namespaces
        #: ``forceLiveLookupCache``: namespace -> expiry (the context's clock), oldest first
        self._force_live_lookup: dict[str, float] = {}

    def _mark_force_live_lookup(self, name: str, now: float) -> None:
        cache = self._force_live_lookup
        cache.pop(name, None)  # Add moves the entry to the front of the LRU
        cache[name] = now + FORCE_LIVE_LOOKUP_TTL
        while len(cache) > _FORCE_LIVE_LOOKUP_SIZE:
            del cache[next(iter(cache))]

    def _forced_live_lookup(self, name: str, ctx: AdmissionContext) -> bool:
        """``forceLiveLookupCache.Get``: present and not expired (an expired entry is removed)."""
        cache = self._force_live_lookup
        expiry = cache.get(name)
        if expiry is None:
            return False
        if ctx.now() >= expiry:
            del cache[name]
            return False
        return True

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
            # if a namespace is deleted, prevent all further creates into it while it is
            # undergoing termination, even if the lister has not seen the deletion yet
            if is_namespace and a.operation is Operation.DELETE:
                self._mark_force_live_lookup(a.name, ctx.now())
            return
        # always allow deletion of other resources
        if a.operation is Operation.DELETE:
            return
        if (a.group, a.resource) in _ACCESS_REVIEWS:
            return

        # read-only use: the lister's objects are shared
        namespace = lister_get(ctx, "", "namespaces", "", a.namespace)
        force_live_lookup = False
        if self._force_live_lookup and self._forced_live_lookup(a.namespace, ctx):
            # the namespace was deleted here, but the lister still says Active: stale
            force_live_lookup = (namespace is not None
                                 and (namespace.get("status") or {}).get("phase") == "Active")
        if namespace is None or force_live_lookup:
            # as a last resort, read storage (a context that can share its decoded objects need
            # not copy)
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
