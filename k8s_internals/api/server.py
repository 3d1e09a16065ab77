"""The API server: an explicit, ordered chain of named steps in front of the store.

The chain mirrors ``staging/src/k8s.io/apiserver/pkg/server/config.go``
(``DefaultBuildHandlerChain``) and the REST handlers of ``apiserver/pkg/endpoints/handlers/``
(``create.go``, ``update.go``, ``patch.go``, ``delete.go``, ``get.go``, ``watch.go``)::

    request-info → authentication (401) → authorization (403) → decode (400/413)
        → mutating-admission → validation (422) → validating-admission → storage (404/409)
        → (asynchronously) watch fan-out

Reads stop after authorization and go to storage. Every request gets a :class:`~.trace.Trace`
whose steps say which plugin acted and what it decided; mutating admission is recorded as a JSON
patch per plugin. The only other module that reaches the store is :mod:`.watchcache`.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..sim import Kernel
from ..store import Store, open_store
from . import errors, strategy
from .admission.interfaces import (
    AdmissionError,
    MutationInterface,
    Operation,
    ValidationInterface,
)
from .admission.interfaces import Attributes as AdmissionAttributes
from .authn.filter import authenticate_request
from .authn.request import AuthAttempt, Authenticator, AuthRequest, ClientCertificate
from .authz.attributes import Attributes as AuthzAttributes
from .authz.attributes import Decision, Verdict
from .codec import deep_copy
from .jsondiff import json_patch_diff
from .request import Request, Response
from .resources import ResourceInfo, lookup
from .trace import Outcome, StoreWrite, Trace, Tracer
from .user import UserInfo
from .versioned_storage import VersionedStorage
from .watchcache import CacheWatcher, WatchCache

__all__ = ["CHAIN", "APIServer", "Authorizer"]

#: the steps, in order; reads use the first three and ``storage``
CHAIN: tuple[str, ...] = (
    "request-info",
    "authentication",
    "authorization",
    "decode",
    "mutating-admission",
    "validation",
    "validating-admission",
    "storage",
)

WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection"})
_OPERATION = {"create": Operation.CREATE, "update": Operation.UPDATE,
              "patch": Operation.UPDATE, "delete": Operation.DELETE,
              "deletecollection": Operation.DELETE}


class Authorizer(Protocol):
    def authorize(self, attrs: AuthzAttributes) -> Decision: ...


@dataclass
class _Ctx:
    req: Request
    trace: Trace
    info: ResourceInfo | None = None
    user: UserInfo | None = None
    obj: dict[str, Any] | None = None
    extras: dict[str, Any] = field(default_factory=dict)


Validator = Callable[[dict[str, Any], dict[str, Any] | None], list[Any]]
Decoder = Callable[[Request, ResourceInfo], dict[str, Any]]


class APIServer:
    """The API server over one store. Components never see the store: they get a client."""

    def __init__(
        self,
        kernel: Kernel,
        store: Store | str = "memory://",
        *,
        authenticator: Authenticator,
        authorizer: Authorizer,
        mutating: Sequence[MutationInterface] = (),
        validating: Sequence[ValidationInterface] = (),
        validator: Validator | None = None,
        decoder: Decoder | None = None,
        defaulter: Callable[[dict[str, Any]], None] | None = None,
        tracer: Tracer | None = None,
        name: str = "kube-apiserver",
        api_audiences: Sequence[str] = ("https://kubernetes.default.svc.cluster.local",),
        compaction_interval: float = 300.0,
    ) -> None:
        self.kernel = kernel
        self.store = open_store(store, kernel=kernel) if isinstance(store, str) else store
        #: converts resources served from another resource's storage (events.k8s.io events)
        self.storage = VersionedStorage(self.store)
        self.tracer = tracer or Tracer()
        self.watchcache = WatchCache(self.store, kernel, self.tracer)
        self.authenticator = authenticator
        self.authorizer = authorizer
        self.mutating: list[MutationInterface] = list(mutating)
        self.validating: list[ValidationInterface] = list(validating)
        self.validator = validator
        self.decoder = decoder
        self.defaulter = defaulter
        self.name = name
        self.api_audiences = tuple(api_audiences)
        from .componentstatus import ComponentStatuses

        #: computed ``componentstatuses``; components register health probes on it
        self.component_status_provider = ComponentStatuses(self.store)
        #: ``pods/log``: set by whoever runs kubelets (``fn(pod, params) -> str``)
        self.log_provider: Callable[[dict[str, Any], dict[str, str]], str] | None = None
        self._admission_context: Any = None
        self._authn_details: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._compact_next = 0
        self.compaction_interval = compaction_interval
        if compaction_interval > 0:
            kernel.every(compaction_interval, self._compactor, name="etcd compactor",
                         background=True)

    # -- extension points for learners --------------------------------------------------------

    def add_admission(self, plugin: Any) -> None:
        """Register a learner's plugin where upstream runs webhooks: mutating ones after the
        built-in mutating plugins, validating ones before ResourceQuota (so quota is charged
        only once nothing else can refuse). See :mod:`.admission.registry`."""
        from .admission.registry import register

        register(self, plugin)

    # -- the chain -----------------------------------------------------------------------------

    def _step(self, ctx: _Ctx, step: str, plugin: str, outcome: Outcome,
              detail: Any = None) -> None:
        ctx.trace.add_step(step, plugin, outcome, detail, self.kernel.now)

    # The chain's first three steps run on every request: they record their steps with
    # ``ctx.trace.add_step`` directly (what :meth:`_step` does, one call less).

    def _request_info(self, ctx: _Ctx) -> None:
        req = ctx.req
        info = lookup(req.group, req.resource)
        if info is None or info.version != req.version:
            self._step(ctx, "request-info", "RequestInfo", Outcome.REJECTED,
                       f"unknown resource {req.group}/{req.version}/{req.resource}")
            raise errors.resource_not_found()
        subresource = req.subresource
        if subresource:
            sub = info.subresource(subresource)
            if sub is None:
                self._step(ctx, "request-info", "RequestInfo", Outcome.REJECTED,
                           f"unknown subresource {req.resource}/{subresource}")
                raise errors.resource_not_found()
            verbs = sub.verbs
        else:
            verbs = info.verbs
        verb = req.verb
        if verb not in verbs:
            self._step(ctx, "request-info", "RequestInfo", Outcome.REJECTED,
                       f"{verb} not allowed on {info.qualified}")
            raise errors.method_not_supported(info.group, info.plural, verb)
        namespace = req.namespace
        if (info.namespaced and not namespace
                and verb not in ("list", "watch", "deletecollection")):
            raise errors.resource_not_found()
        ctx.info = info
        ctx.trace.add_step("request-info", "RequestInfo", Outcome.OK, {
            "verb": verb, "apiGroup": info.group, "apiVersion": info.version,
            "resource": info.plural, "subresource": subresource,
            "namespace": namespace, "name": req.name}, self.kernel.now)

    def _authenticate(self, ctx: _Ctx) -> None:
        req = ctx.req
        cert = req.client_cert
        credential = ClientCertificate(cert[0], tuple(cert[1])) if cert is not None else None
        out = authenticate_request(
            self.authenticator, AuthRequest(headers=req.headers, credential=credential,
                                            path=req.path), self.api_audiences)
        result = out.result
        if result is None or result.user is None:
            self._step(ctx, "authentication", "union", Outcome.REJECTED,
                       {"error": out.error or "no authenticator recognised the request",
                        "attempts": _attempt_lines(out.attempts)})
            raise out.status_error()
        user = ctx.user = result.user
        ctx.trace.user = user.name
        ctx.trace.add_step("authentication", result.authenticator, Outcome.OK,
                           self._authn_detail(user, out.attempts), self.kernel.now)

    def _authn_detail(self, user: UserInfo, attempts: Sequence[AuthAttempt]) -> dict[str, Any]:
        """The authentication step's detail: the user and a line per attempt. A client sends
        the same credential request after request, so the (read-only) detail of the same user
        and attempts is made once and shared by their traces: the trace ring then holds one
        copy instead of thousands. The key holds what the lines say of each attempt (not the
        lines: they are only written when the key is new)."""
        groups, extra = user.groups, user.extra
        key = (user.name, user.uid, groups if type(groups) is tuple else tuple(groups),
               tuple((k, tuple(v)) for k, v in sorted(extra.items())) if extra else (),
               *[(a.authenticator, a.outcome, a.detail) for a in attempts])
        cache = self._authn_details
        detail = cache.get(key)
        if detail is None:
            if len(cache) >= 1024:
                cache.clear()
            detail = cache[key] = {"user": user.to_dict(), "attempts": _attempt_lines(attempts)}
        return detail

    def _authz_attributes(self, ctx: _Ctx) -> AuthzAttributes:
        req = ctx.req
        assert ctx.user is not None
        info = ctx.info
        if info is None:
            return AuthzAttributes(ctx.user, req.verb, False, req.namespace, "", req.version, "",
                                   req.subresource, req.name, req.path)
        return AuthzAttributes(ctx.user, req.verb, True, req.namespace, info.group, req.version,
                               info.plural, req.subresource, req.name, req.path)

    def _authorize(self, ctx: _Ctx) -> None:
        attrs = self._authz_attributes(ctx)
        decision = self.authorizer.authorize(attrs)
        plugin = decision.authorizer or type(self.authorizer).__name__
        if decision.verdict is not Verdict.ALLOW:
            self._step(ctx, "authorization", plugin, Outcome.DENIED, decision.reason)
            from .authz.messages import forbidden_error

            raise forbidden_error(attrs, decision.reason if decision.verdict is Verdict.DENY
                                  else "")
        ctx.trace.add_step("authorization", plugin, Outcome.ALLOWED,
                           decision.matched or decision.reason, self.kernel.now)

    # -- admission + validation ------------------------------------------------------------

    def _admission_attrs(self, ctx: _Ctx, op: Operation, obj: dict[str, Any] | None,
                         old: dict[str, Any] | None) -> AdmissionAttributes:
        info = ctx.info
        assert info is not None and ctx.user is not None
        meta = (obj or old or {}).get("metadata", {})
        return AdmissionAttributes(
            operation=op, group=info.group, version=info.version, resource=info.plural,
            kind=info.kind, namespace=ctx.req.namespace or meta.get("namespace", ""),
            name=meta.get("name", ctx.req.name), user=ctx.user, obj=obj, old_obj=old,
            subresource=ctx.req.subresource, dry_run=ctx.req.param("dryRun") == "All")

    def _admit(self, ctx: _Ctx, op: Operation, obj: dict[str, Any] | None,
               old: dict[str, Any] | None) -> None:
        a = self._admission_attrs(ctx, op, obj, old)
        actx = self.admission_context
        # the object as the plugin found it, for its patch; one copy serves every plugin until
        # one of them changes something (an empty patch means ``before == obj``)
        # a plugin whose ``may_mutate(a)`` says it leaves this request's object alone (upstream's
        # plugins return early on such requests) needs neither the copy nor the diff
        before: dict[str, Any] | None = None
        for plugin in self.mutating:
            if not plugin.handles(op):
                continue
            may_mutate = getattr(plugin, "may_mutate", None)
            mutates = obj is not None and (may_mutate is None or may_mutate(a))
            if before is None and mutates:
                before = deep_copy(obj)
            try:
                plugin.admit(a, actx)
            except AdmissionError as exc:
                self._step(ctx, "mutating-admission", plugin.name, Outcome.REJECTED, exc.message)
                raise self._admission_forbidden(ctx, exc.message) from None
            except errors.StatusError as exc:
                self._step(ctx, "mutating-admission", plugin.name, Outcome.REJECTED, exc.message)
                raise
            patch = json_patch_diff(before, obj) if mutates else []
            if patch:
                before = None
            self._step(ctx, "mutating-admission", plugin.name,
                       Outcome.PATCHED if patch else Outcome.OK, patch or None)

    def _validate_admission(self, ctx: _Ctx, op: Operation, obj: dict[str, Any] | None,
                            old: dict[str, Any] | None) -> None:
        a = self._admission_attrs(ctx, op, obj, old)
        for plugin in self.validating:
            if not plugin.handles(op):
                continue
            try:
                plugin.validate(a, self.admission_context)
            except AdmissionError as exc:
                self._step(ctx, "validating-admission", plugin.name, Outcome.REJECTED,
                           exc.message)
                raise self._admission_forbidden(ctx, exc.message) from None
            except errors.StatusError as exc:
                self._step(ctx, "validating-admission", plugin.name, Outcome.REJECTED,
                           exc.message)
                raise
            self._step(ctx, "validating-admission", plugin.name, Outcome.OK)

    def _admission_forbidden(self, ctx: _Ctx, message: str) -> errors.StatusError:
        info = ctx.info
        assert info is not None
        name = ctx.req.name or (ctx.obj or {}).get("metadata", {}).get("name", "")
        return errors.forbidden(info.group, info.plural, name, message)

    def _validate(self, ctx: _Ctx, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        if self.validator is None:
            self._step(ctx, "validation", "validation", Outcome.SKIPPED, "no validator")
            return
        errs = self.validator(obj, old)
        if errs:
            info = ctx.info
            assert info is not None
            self._step(ctx, "validation", info.kind, Outcome.REJECTED, [str(e) for e in errs])
            raise errors.invalid(info.group, info.kind, obj["metadata"].get("name", ""),
                                 [e.cause() for e in errs], [str(e) for e in errs])
        self._step(ctx, "validation", ctx.info.kind if ctx.info else "", Outcome.OK)

    # -- handlers --------------------------------------------------------------------------

    @property
    def admission_context(self) -> Any:
        access = self._admission_context
        if access is None:
            from .internal import InternalAccess

            access = self._admission_context = InternalAccess(self)
        return access

    def _record_write(self, ctx: _Ctx, key: str, revision: int, op: str,
                      decoded: dict[str, Any] | None = None) -> None:
        """Trace the write and let the watch cache take it. ``decoded`` — the object exactly as
        the store's bytes decode (:func:`.storage.as_decoded`), from a handler that no longer
        holds it — spares the watch cache decoding what was just encoded."""
        self.tracer.record_write(ctx.trace, StoreWrite(key, revision, op, ctx.trace.id))
        self.watchcache.sync(revision, decoded=(key, revision, decoded)
                             if decoded is not None else None)

    def _create(self, ctx: _Ctx) -> tuple[int, Any]:
        info, req = ctx.info, ctx.req
        assert info is not None and ctx.obj is not None
        obj = ctx.obj
        meta = obj.setdefault("metadata", {})
        if info.namespaced:
            meta["namespace"] = req.namespace
        # create.go: mutating admission runs first, then rest.BeforeCreate (PrepareForCreate,
        # generated name, uid, creationTimestamp), then validation and validating admission
        self._admit(ctx, Operation.CREATE, obj, None)
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = strategy.generate_name(meta["generateName"], self.kernel.rng)
        strategy.prepare_for_create(info, obj, self.kernel.rng, self.kernel.timestamp())
        self._validate(ctx, obj, None)
        self._validate_admission(ctx, Operation.CREATE, obj, None)
        if req.param("dryRun") == "All":
            self._step(ctx, "storage", "etcd3", Outcome.SKIPPED, "dry run")
            return 201, obj
        ctx.trace.name = meta.get("name", "")
        if info.kind == "Service":
            from .ipallocator import allocate_service

            allocate_service(obj, self.storage.list(info).items, self.kernel.rng)
        created = self.storage.create(info, obj)
        key = info.key(meta.get("namespace", ""), meta["name"])
        rv = int(created["metadata"]["resourceVersion"])
        self._step(ctx, "storage", "etcd3", Outcome.OK, {"key": key, "revision": rv})
        self._record_write(ctx, key, rv, "PUT")
        return 201, created

    # The rest of the verbs live in .handlers to keep this module about the chain.

    def handle(self, req: Request) -> Response:
        """Run one request through the chain and answer it."""
        dispatch = _dispatch or _load_dispatch()
        tracer = self.tracer
        trace = Trace(tracer.new_id(), req.parent_id, "", req.verb, req.resource,
                      req.subresource, req.namespace, req.name, req.group, req.path,
                      self.kernel.now, user_agent=_user_agent(req))
        tracer.begin(trace)
        ctx = _Ctx(req, trace)
        try:
            self._request_info(ctx)
            self._authenticate(ctx)
            self._authorize(ctx)
            code, body = dispatch(self, ctx)
        except errors.StatusError as exc:
            code, body = exc.code, exc.status
            trace.error = exc.message
        trace.code = code
        trace.end = self.kernel.now
        tracer.finish(trace)
        ctype = "text/plain" if isinstance(body, str) else "application/json"
        warnings = ctx.extras.get("warnings")
        return Response(code, body, ctype, trace.id, list(warnings) if warnings else [])

    def watch(
        self,
        req: Request,
        send: Callable[[str, dict[str, Any], str | None], None],
        watcher_name: str = "",
    ) -> CacheWatcher:
        """Start a watch (``req.verb == "watch"``): authenticated and authorized like any request,
        then served by the watch cache. Raises StatusError (401/403/404/410)."""
        from . import handlers

        trace = Trace(
            id=self.tracer.new_id(), parent_id=req.parent_id, user="", verb="watch",
            resource=req.resource, namespace=req.namespace, name=req.name,
            api_group=req.group, start=self.kernel.now, user_agent=_user_agent(req))
        self.tracer.begin(trace)
        ctx = _Ctx(req, trace)
        try:
            self._request_info(ctx)
            self._authenticate(ctx)
            self._authorize(ctx)
            w = handlers.start_watch(self, ctx, send, watcher_name or trace.user)
        except errors.StatusError as exc:
            trace.code = exc.code
            trace.error = exc.message
            trace.end = self.kernel.now
            self.tracer.finish(trace)
            raise
        trace.code = 200
        trace.end = self.kernel.now
        self.tracer.finish(trace)
        return w

    def etcdctl(self, command: str) -> str:
        """Run an ``etcdctl`` 3.4 command line against this server's store (what
        ``etcdctl --endpoints=...`` on the control-plane node would print)."""
        from ..store import etcdctl

        return etcdctl(self.store, command)

    @property
    def revision(self) -> int:
        """The store's current revision."""
        return self.store.revision

    @property
    def compacted_revision(self) -> int:
        return self.store.compact_revision

    def etcd_entries(self, prefix: str = "/registry/", revision: int | None = None,
                     ) -> list[dict[str, Any]]:
        """What etcd holds under ``prefix`` (at ``revision``): key, value (decoded text),
        create/mod revision and version — for the etcd browser. Reading below the compacted
        revision raises a 410 StatusError."""
        from ..store import CompactedError, FutureRevisionError

        try:
            resp = self.store.range(prefix.encode(), prefix=True, revision=revision)
        except CompactedError:
            raise errors.gone(f"too old resource version: {revision}") from None
        except FutureRevisionError:
            raise errors.bad_request(f"revision {revision} is in the future") from None
        return [{"key": kv.key.decode(), "value": kv.value.decode("utf-8", "replace"),
                 "create_revision": kv.create_revision, "mod_revision": kv.mod_revision,
                 "version": kv.version} for kv in resp.kvs]

    def stop_watch(self, w: CacheWatcher) -> None:
        self.watchcache.stop(w)

    def _compactor(self) -> None:
        """``apiserver/pkg/storage/etcd3/compact.go``: every interval, compact to the revision
        seen at the previous tick, so at least one interval of history stays watchable.
        (Upstream coordinates several API servers through a ``compact_rev_key`` txn.)"""
        target = self._compact_next
        self._compact_next = self.store.revision
        if target > self.store.compact_revision:
            self.compact(target)

    def compact(self, revision: int | None = None) -> int:
        """Compact the store (upstream's apiserver compactor does this every 5 minutes)."""
        rev = revision if revision is not None else self.store.revision
        self.store.compact(rev)
        self.watchcache.compacted(rev)
        return rev

    def close(self) -> None:
        self.watchcache.close()
        self.store.close()


def _attempt_lines(attempts: Sequence[AuthAttempt]) -> list[str]:
    """The authentication step's ``attempts``: ``"<authenticator>: <outcome>[ (<detail>)]"``."""
    return [f"{a.authenticator}: {a.outcome} ({a.detail})" if a.detail
            else f"{a.authenticator}: {a.outcome}" for a in attempts]


def _user_agent(req: Request) -> str:
    if req.user_agent:
        return req.user_agent
    for k, v in req.headers.items():
        if k.lower() == "user-agent":
            return v
    return ""


#: ``handlers.dispatch``, imported on the first request (``.handlers`` imports this module)
_dispatch: Callable[[APIServer, _Ctx], tuple[int, Any]] | None = None


def _load_dispatch() -> Callable[[APIServer, _Ctx], tuple[int, Any]]:
    global _dispatch
    from .handlers import dispatch

    _dispatch = dispatch
    return dispatch
