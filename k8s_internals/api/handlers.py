"""The REST handlers behind the chain, one function per verb, as
``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/`` (``get.go``, ``create.go``,
``update.go``, ``patch.go``, ``delete.go``, ``watch.go``) and the generic registry
(``apiserver/pkg/registry/generic/registry/store.go``): graceful deletion, finalizers,
``propagationPolicy``, preconditions, ``dryRun``; plus the subresources (``status``, ``scale``,
``binding``, ``eviction``, ``log``, ``finalize``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import errors, strategy
from .admission.interfaces import Operation
from .codec import EncodedItems, deep_copy
from .resources import ResourceInfo, lookup
from .storage import as_decoded
from .trace import Outcome

if TYPE_CHECKING:
    from .server import APIServer, _Ctx
    from .watchcache import CacheWatcher

__all__ = ["dispatch", "start_watch"]

#: kube-apiserver's ``MaxRequestBodyBytes`` is 3 MiB; etcd refuses requests over 1.5 MiB
#: (``etcdserver: request is too large``), which the API server reports as 413. We refuse
#: bodies over etcd's limit up front so nothing is written.
MAX_BODY_BYTES = 1572864

Predicate = Callable[[dict[str, Any]], bool]

#: The registries with ``ReturnDeletedObject: true`` (``pkg/registry/*/storage/storage.go``): a
#: DELETE that removes the object at once answers with the object, not with a ``Status``; their
#: OpenAPI DELETE replies are the kind itself, which the official Python client 37.x validates.
#: Namespaces answer with the object too (their store sets it; their REST wraps the store).
RETURNS_DELETED_OBJECT = frozenset({
    ("", "Pod"), ("", "Service"), ("", "ServiceAccount"), ("", "ResourceQuota"),
    ("", "PersistentVolume"), ("", "PersistentVolumeClaim"), ("", "PodTemplate"),
    ("", "Namespace"), ("storage.k8s.io", "StorageClass"), ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"), ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
})


def dispatch(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    verb = ctx.req.verb
    sub = ctx.req.subresource
    if verb == "get":
        return _get(server, ctx)
    if verb == "list":
        return _list(server, ctx)
    if verb == "create":
        if sub == "binding" or (ctx.info is not None and ctx.info.plural == "bindings"):
            return _bind(server, ctx)
        if sub == "eviction":
            return _evict(server, ctx)
        if ctx.info is not None and not ctx.info.persisted:
            return _review(server, ctx)
        if sub == "token":
            return _token(server, ctx)
        _decode(server, ctx)
        _manage_fields_on_create(server, ctx)
        return server._create(ctx)
    if verb in ("update", "patch"):
        return _update(server, ctx)
    if verb == "delete":
        return _delete(server, ctx)
    if verb == "deletecollection":
        return _delete_collection(server, ctx)
    if verb == "watch":  # pragma: no cover - watches go through APIServer.watch
        raise errors.bad_request("watch must use APIServer.watch")
    raise errors.method_not_supported(ctx.info.group if ctx.info else "",
                                      ctx.req.resource, verb)


# -- decoding -----------------------------------------------------------------------------------


def _parse_body(server: APIServer, ctx: _Ctx) -> Any:
    from .decode import parse_body

    return parse_body(ctx.req.body, ctx.req.content_type, MAX_BODY_BYTES)


def _decode(server: APIServer, ctx: _Ctx) -> None:
    """Parse the body, check kind/apiVersion and namespace against the URL, apply defaults."""
    info = ctx.info
    assert info is not None
    try:
        body = _parse_body(server, ctx)
        if not isinstance(body, dict):
            raise errors.bad_request("Object 'Kind' is missing in '" + json.dumps(body) + "'")
        from .decode import check_object

        ctx.extras["warnings"] = check_object(body, info, ctx.req)
        if server.defaulter is not None:
            server.defaulter(body)
    except errors.StatusError as exc:
        server._step(ctx, "decode", "json", Outcome.REJECTED, exc.message)
        raise
    ctx.obj = body
    server._step(ctx, "decode", "json", Outcome.OK,
                 {"kind": body.get("kind"), "apiVersion": body.get("apiVersion")})


# -- reads --------------------------------------------------------------------------------------


def _strip_type(obj: dict[str, Any]) -> dict[str, Any]:
    """List items carry no kind/apiVersion on the wire (typed items in a typed list)."""
    out = dict(obj)  # a shallow copy and two pops: ~3x faster than a dict comprehension
    out.pop("kind", None)
    out.pop("apiVersion", None)
    return out


def _get(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    info, req = ctx.info, ctx.req
    assert info is not None
    if info.plural == "componentstatuses":
        for cs in server_component_statuses(server, ctx):
            if cs["metadata"]["name"] == req.name:
                return 200, cs
        raise errors.not_found("", "componentstatuses", req.name)
    rv = int(req.param("resourceVersion") or 0)
    obj = server.storage.get(info, req.namespace, req.name, rv or None)
    server._step(ctx, "storage", "etcd3", Outcome.OK,
                 {"key": info.key(req.namespace, req.name), "get": True})
    if req.subresource == "scale":
        return 200, to_scale(info, obj)
    if req.subresource == "log":
        provider = server.log_provider
        if provider is None:
            raise errors.bad_request(f'pod "{req.name}" has no logs: no kubelet serves it')
        return 200, provider(obj, req.params)
    return 200, obj


def server_component_statuses(server: APIServer, ctx: _Ctx) -> list[dict[str, Any]]:
    """The computed statuses, with upstream's deprecation warning on the response."""
    from .componentstatus import DEPRECATION_WARNING

    ctx.extras["warnings"] = [DEPRECATION_WARNING]
    return server.component_status_provider()


def predicate_for(info: ResourceInfo, params: dict[str, str]) -> Predicate | None:
    """Label and field selectors of a list/watch as one predicate (400 on a bad selector)."""
    from .filters import predicate_from_params

    return predicate_from_params(info, params.get("labelSelector", ""),
                                 params.get("fieldSelector", ""))


def _list(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    info, req = ctx.info, ctx.req
    assert info is not None
    if info.plural == "componentstatuses":
        items = [_strip_type(c) for c in server_component_statuses(server, ctx)]
        return 200, {"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {},
                     "items": items}
    pred = predicate_for(info, req.params)
    limit = int(req.param("limit") or 0)
    rv = req.param("resourceVersion")
    revision = 0
    if rv and rv != "0" and req.param("resourceVersionMatch") == "Exact":
        revision = int(rv)
    result = server.storage.list(info, req.namespace, pred, limit, req.param("continue"),
                                 revision, req.encoded_items)
    server._step(ctx, "storage", "etcd3", Outcome.OK,
                 {"prefix": info.list_prefix(req.namespace), "items": len(result.items),
                  "revision": result.resource_version})
    meta: dict[str, Any] = {"resourceVersion": str(result.resource_version)}
    if result.continue_token:
        meta["continue"] = result.continue_token
        if result.remaining is not None:
            meta["remainingItemCount"] = result.remaining
    items = EncodedItems(result.items) if result.encoded else [
        _strip_type(o) for o in result.items]
    return 200, {"kind": info.list_kind_name, "apiVersion": info.api_version, "metadata": meta,
                 "items": items}


def start_watch(server: APIServer, ctx: _Ctx,
                send: Callable[[str, dict[str, Any], str | None], None],
                name: str) -> CacheWatcher:
    info, req = ctx.info, ctx.req
    assert info is not None
    if not info.persisted:
        raise errors.method_not_supported(info.group, info.plural, "watch")
    pred = predicate_for(info, req.params)
    if req.name:
        name_pred = pred

        def pred(o: dict[str, Any]) -> bool:  # type: ignore[misc]
            if o.get("metadata", {}).get("name") != req.name:
                return False
            return name_pred is None or name_pred(o)

    rv = req.param("resourceVersion")
    # a resource served from another's storage watches that storage's cache and converts each
    # event's object (upstream's watch handler encodes every event in the request's version)
    from .conversion import conversion_for, storage_info

    stored = storage_info(info)
    conv = conversion_for(info)
    deliver = send
    if conv is not None:
        def converted(etype: str, obj: dict[str, Any], trace_id: str | None) -> None:
            assert conv is not None
            if etype == "BOOKMARK":
                obj = {**obj, "apiVersion": info.api_version}
            else:
                obj = conv.from_storage(obj)
            send(etype, obj, trace_id)

        deliver = converted

    def current() -> tuple[list[dict[str, Any]], int]:
        r = server.storage.list(stored, req.namespace, pred)
        return r.items, r.resource_version

    w = server.watchcache.watch(
        stored, name, deliver, namespace=req.namespace, matches=pred,
        resource_version=int(rv) if rv else 0, current=current,
        bookmarks=req.flag("allowWatchBookmarks"))
    server._step(ctx, "storage", "watch-cache", Outcome.OK,
                 {"watcher": w.id, "from": rv or "now"})
    return w


# -- writes -------------------------------------------------------------------------------------


def _check_name(ctx: _Ctx, body: dict[str, Any]) -> None:
    meta = body.setdefault("metadata", {})
    name = meta.get("name") or ""
    if not name:
        meta["name"] = ctx.req.name
    elif name != ctx.req.name:
        raise errors.bad_request(
            f"the name of the object ({name}) does not match the name on the URL "
            f"({ctx.req.name})")


def _apply_patch(ctx: _Ctx, current: dict[str, Any], patch_body: Any,
                 manager: str = "", now: str = "") -> dict[str, Any]:
    from .patch_dispatch import apply_patch

    assert ctx.info is not None
    return apply_patch(ctx.info, ctx.req.content_type, current, patch_body, manager=manager,
                       now=now, force=ctx.req.flag("force"), subresource=ctx.req.subresource)


# -- field management (fieldmanager.go; create.go, update.go and patch.go call it) --------------


def _is_apply(req: Any) -> bool:
    return str(req.content_type).split(";")[0].strip().lower() == "application/apply-patch+yaml"


def _field_manager(ctx: _Ctx) -> str:
    """``managerOrUserAgent(options.FieldManager, req.UserAgent())``, after the options'
    validation (422 on ``CreateOptions`` / ``UpdateOptions`` / ``PatchOptions``)."""
    from .fieldmanager import manager_or_user_agent, validate_field_manager

    req = ctx.req
    kind = {"create": "CreateOptions", "update": "UpdateOptions"}.get(req.verb, "PatchOptions")
    validate_field_manager(req.param("fieldManager"), kind, apply_patch=_is_apply(req),
                           force=req.params.get("force"))
    agent = req.user_agent or next(
        (v for k, v in req.headers.items() if k.lower() == "user-agent"), "")
    return manager_or_user_agent(req.param("fieldManager"), agent)


def _manage_fields_on_create(server: APIServer, ctx: _Ctx) -> None:
    from .fieldmanager import update

    assert ctx.info is not None and ctx.obj is not None
    ctx.obj = update(ctx.info, None, ctx.obj, _field_manager(ctx), server.kernel.timestamp())


def _create_by_apply(server: APIServer, ctx: _Ctx, body: Any, manager: str) -> tuple[int, Any]:
    """An apply patch to an object that does not exist creates it (``patch.go``:
    ``forceAllowCreate``; answered 201)."""
    from .fieldmanager import apply

    info, req = ctx.info, ctx.req
    assert info is not None
    obj = apply(info, None, body, manager, server.kernel.timestamp(),
                force=req.flag("force"), subresource=req.subresource)
    _check_name(ctx, obj)
    meta = obj["metadata"]
    if info.namespaced and meta.get("namespace") not in (None, "", req.namespace):
        raise errors.bad_request(
            "the namespace of the provided object does not match the namespace sent on the "
            "request")
    if server.defaulter is not None:
        server.defaulter(obj)
    ctx.obj = obj
    return server._create(ctx)


def _update(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    """PUT or PATCH: read, transform, admit, validate, compare-and-swap; retried on a lost race
    unless the request pinned a resourceVersion."""
    info, req = ctx.info, ctx.req
    assert info is not None
    is_patch = req.verb == "patch"
    try:
        body = _parse_body(server, ctx)
        if not is_patch:
            if not isinstance(body, dict):
                raise errors.bad_request("Object 'Kind' is missing")
            if req.subresource not in ("scale",):
                from .decode import check_object

                ctx.extras["warnings"] = check_object(body, info, req)
            _check_name(ctx, body)
    except errors.StatusError as exc:
        server._step(ctx, "decode", "json", Outcome.REJECTED, exc.message)
        raise
    server._step(ctx, "decode", "patch" if is_patch else "json", Outcome.OK,
                 {"contentType": req.content_type} if is_patch else None)
    pinned = "" if is_patch else str(body.get("metadata", {}).get("resourceVersion", "") or "")
    sub = req.subresource
    manager = _field_manager(ctx)
    applying = is_patch and _is_apply(req) and sub != "scale"
    if applying and server.storage.get_or_none(info, req.namespace, req.name) is None:
        return _create_by_apply(server, ctx, body, manager)
    now = server.kernel.timestamp()

    def transform(current: dict[str, Any]) -> dict[str, Any]:
        if sub == "scale":
            scale = _apply_patch(ctx, to_scale(info, current), body) if is_patch else body
            new = deep_copy(current)
            new.setdefault("spec", {})["replicas"] = int(scale.get("spec", {}).get("replicas", 0))
            if str(scale.get("metadata", {}).get("resourceVersion", "")) not in (
                    "", current["metadata"]["resourceVersion"]):
                raise errors.conflict(info.group, info.plural, req.name)
            strategy.prepare_for_update(info, new, current)
        elif is_patch:
            new = _apply_patch(ctx, deep_copy(current), body, manager if applying else "", now)
            if sub == "status":
                new = strategy.prepare_status_update(new, current)
            else:
                strategy.prepare_for_update(info, new, current)
            meta = new.setdefault("metadata", {})
            rv = meta.get("resourceVersion")
            if rv and rv != current["metadata"]["resourceVersion"]:
                raise errors.conflict(info.group, info.plural, req.name)
            meta["resourceVersion"] = current["metadata"]["resourceVersion"]
        elif sub == "finalize":
            # namespaces/{name}/finalize: only spec.finalizers changes
            # (pkg/registry/core/namespace/storage/storage.go FinalizeREST)
            new = deep_copy(current)
            new.setdefault("spec", {})["finalizers"] = list(
                body.get("spec", {}).get("finalizers") or [])
        else:
            new = deep_copy(body)
            if sub == "status":
                new = strategy.prepare_status_update(new, current)
            else:
                strategy.prepare_for_update(info, new, current)
        if info.kind == "Namespace" and sub == "":
            # namespaceStrategy.PrepareForUpdate: spec.finalizers only change through /finalize
            from .namespace_registry import prepare_for_update as ns_prepare

            ns_prepare(new, current)
        if server.defaulter is not None:
            server.defaulter(new)
        if not applying:
            from .fieldmanager import update

            new = update(info, current, new, manager, now, sub)
        ctx.obj = new
        server._admit(ctx, Operation.UPDATE, new, current)
        server._validate(ctx, new, current)
        server._validate_admission(ctx, Operation.UPDATE, new, current)
        return new

    if req.param("dryRun") == "All":
        current = server.storage.get(info, req.namespace, req.name)
        new = transform(deep_copy(current))
        server._step(ctx, "storage", "etcd3", Outcome.SKIPPED, "dry run")
        return 200, new
    old, new = server.storage.guaranteed_update(info, req.namespace, req.name, transform,
                                                precondition_rv=pinned)
    key = info.key(req.namespace, req.name)
    rv = int(new["metadata"]["resourceVersion"])
    if str(rv) == old["metadata"]["resourceVersion"]:
        server._step(ctx, "storage", "etcd3", Outcome.SKIPPED,
                     {"key": key, "revision": rv, "unchanged": True})
    else:
        server._step(ctx, "storage", "etcd3", Outcome.OK, {"key": key, "revision": rv})
        server._record_write(ctx, key, rv, "PUT")
    new = _finish_if_finalized(server, ctx, info, new)
    if sub == "scale":
        return 200, to_scale(info, new)
    return 200, new


def _finish_if_finalized(server: APIServer, ctx: _Ctx, info: ResourceInfo,
                         obj: dict[str, Any]) -> dict[str, Any]:
    """An object being deleted whose last finalizer was just removed is deleted for good
    (``registry/generic/registry/store.go`` ``shouldDeleteDuringUpdate``)."""
    meta = obj.get("metadata", {})
    if not meta.get("deletionTimestamp") or meta.get("finalizers"):
        return obj
    if info.kind == "Pod" and int(meta.get("deletionGracePeriodSeconds") or 0) > 0:
        return obj
    if info.kind == "Namespace" and obj.get("spec", {}).get("finalizers"):
        return obj
    last, rev = server.storage.delete(info, meta.get("namespace", ""), meta["name"])
    key = info.key(meta.get("namespace", ""), meta["name"])
    server._step(ctx, "storage", "etcd3", Outcome.OK, {"key": key, "revision": rev,
                                                       "deleted": "finalizers done"})
    server._record_write(ctx, key, rev, "DELETE")
    return last


def _delete_options(server: APIServer, ctx: _Ctx) -> dict[str, Any]:
    body = ctx.req.body
    opts: dict[str, Any] = {}
    if body not in (None, b"", ""):
        parsed = _parse_body(server, ctx)
        if isinstance(parsed, dict):
            opts = parsed
    for k in ("gracePeriodSeconds", "propagationPolicy", "orphanDependents"):
        if k in ctx.req.params and k not in opts:
            v = ctx.req.params[k]
            opts[k] = int(v) if k == "gracePeriodSeconds" else v
    return opts


def _delete(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    info, req = ctx.info, ctx.req
    assert info is not None
    opts = _delete_options(server, ctx)
    server._step(ctx, "decode", "DeleteOptions", Outcome.OK, opts or None)
    return _delete_one(server, ctx, info, req.namespace, req.name, opts)


def _delete_one(server: APIServer, ctx: _Ctx, info: ResourceInfo, namespace: str, name: str,
                opts: dict[str, Any], admit: bool = True) -> tuple[int, Any]:
    current = server.storage.get(info, namespace, name)
    pre = opts.get("preconditions") or {}
    if pre.get("uid") and pre["uid"] != current["metadata"].get("uid"):
        raise errors.conflict(
            info.group, info.plural, name,
            f"Precondition failed: UID in precondition: {pre['uid']}, UID in object meta: "
            f"{current['metadata'].get('uid')}")
    if pre.get("resourceVersion") and pre["resourceVersion"] != current["metadata"][
            "resourceVersion"]:
        raise errors.conflict(
            info.group, info.plural, name,
            f"Precondition failed: ResourceVersion in precondition: {pre['resourceVersion']}, "
            f"ResourceVersion in object meta: {current['metadata']['resourceVersion']}")
    if info.kind == "Namespace":
        from .namespace_registry import CONTENT_REMAINING_MESSAGE, delete_decision

        if delete_decision(current) == "conflict":
            raise errors.conflict("", "namespaces", name, CONTENT_REMAINING_MESSAGE)
    if admit:
        server._admit(ctx, Operation.DELETE, None, current)
        server._validate_admission(ctx, Operation.DELETE, None, current)
    dry_run = ctx.req.param("dryRun") == "All"

    policy = opts.get("propagationPolicy")
    if opts.get("orphanDependents") is True and not policy:
        policy = "Orphan"
    gc_finalizer = {"Orphan": "orphan", "Foreground": "foregroundDeletion"}.get(policy or "")
    grace = strategy.graceful_delete(info, current, opts.get("gracePeriodSeconds"))
    finalizers = list(current["metadata"].get("finalizers") or [])
    ns_finalizers = info.kind == "Namespace" and current.get("spec", {}).get("finalizers")
    if gc_finalizer and gc_finalizer not in finalizers:
        finalizers.append(gc_finalizer)
    meta = current["metadata"]
    if grace is not None or finalizers or ns_finalizers:
        if meta.get("deletionTimestamp") and grace is None and not gc_finalizer:
            # already being deleted: nothing more to do until the finalizers are gone
            return 200, current
        now = server.kernel.now

        def mark(obj: dict[str, Any]) -> dict[str, Any]:
            m = obj["metadata"]
            if not m.get("deletionTimestamp"):
                m["deletionTimestamp"] = server.kernel.timestamp(now + (grace or 0))
                m["deletionGracePeriodSeconds"] = grace or 0
            elif grace is not None and grace < int(m.get("deletionGracePeriodSeconds") or 0):
                m["deletionTimestamp"] = server.kernel.timestamp(now + grace)
                m["deletionGracePeriodSeconds"] = grace
            if finalizers:
                m["finalizers"] = finalizers
            if info.kind == "Namespace":
                obj.setdefault("status", {})["phase"] = "Terminating"
            return obj

        if dry_run:  # the update is dry-run too: the object as it would be marked
            return 200, mark(deep_copy(current))
        _, new = server.storage.guaranteed_update(info, namespace, name, mark)
        key = info.key(namespace, name)
        rv = int(new["metadata"]["resourceVersion"])
        server._step(ctx, "storage", "etcd3", Outcome.OK,
                     {"key": key, "revision": rv, "graceful": grace or 0,
                      "finalizers": finalizers})
        server._record_write(ctx, key, rv, "PUT")
        return 200, new
    if dry_run:  # a dry-run delete reads the object and answers as a real one (finalizeDelete)
        last = deep_copy(current)
    else:
        last, rev = server.storage.delete(info, namespace, name)
        key = info.key(namespace, name)
        server._step(ctx, "storage", "etcd3", Outcome.OK, {"key": key, "revision": rev})
        server._record_write(ctx, key, rev, "DELETE")
        last["metadata"]["resourceVersion"] = str(rev)
    if (info.group, info.kind) in RETURNS_DELETED_OBJECT:
        return 200, last
    details = {"name": name, "kind": info.plural, "uid": last["metadata"].get("uid", "")}
    if info.group:
        details = {"name": name, "group": info.group, "kind": info.plural,
                   "uid": last["metadata"].get("uid", "")}
    return 200, errors.status_success(details)


def _delete_collection(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    info, req = ctx.info, ctx.req
    assert info is not None
    opts = _delete_options(server, ctx)
    pred = predicate_for(info, req.params)
    listed = server.storage.list(info, req.namespace, pred)
    for obj in listed.items:
        m = obj["metadata"]
        try:
            _delete_one(server, ctx, info, m.get("namespace", ""), m["name"], opts)
        except errors.StatusError as exc:
            if exc.code != 404:
                raise
    # upstream's Store.DeleteCollection answers with the list it deleted from (every item as
    # listed, whatever each delete answered)
    return 200, {"kind": info.list_kind_name, "apiVersion": info.api_version,
                 "metadata": {"resourceVersion": str(listed.resource_version)},
                 "items": [_strip_type(o) for o in listed.items]}


# -- subresources -------------------------------------------------------------------------------


def to_scale(info: ResourceInfo, obj: dict[str, Any]) -> dict[str, Any]:
    """The ``autoscaling/v1`` ``Scale`` of a Deployment/ReplicaSet/StatefulSet/RC."""
    meta = obj["metadata"]
    status = obj.get("status", {})
    selector = obj.get("spec", {}).get("selector") or {}
    if info.kind == "ReplicationController":
        sel = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    else:
        from .filters import label_selector_as_string

        sel = label_selector_as_string(selector)
    return {
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": meta["name"], "namespace": meta.get("namespace", ""),
                     "uid": meta.get("uid", ""), "resourceVersion": meta["resourceVersion"],
                     "creationTimestamp": meta.get("creationTimestamp")},
        "spec": {"replicas": int(obj.get("spec", {}).get("replicas", 0))},
        "status": {"replicas": int(status.get("replicas", 0)), "selector": sel},
    }


def _bind(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    """``pods/binding`` (``pkg/registry/core/pod/storage/storage.go`` ``BindingREST``):
    set ``spec.nodeName`` and the ``PodScheduled=True`` condition in one write."""
    req = ctx.req
    body = _parse_body(server, ctx)
    if not isinstance(body, dict):
        raise errors.bad_request("binding body must be an object")
    target = (body.get("target") or {}).get("name", "")
    name = req.name or body.get("metadata", {}).get("name", "")
    server._step(ctx, "decode", "json", Outcome.OK, {"target": target})
    pods = lookup("", "pods")
    assert pods is not None
    server._admit(ctx, Operation.CREATE, body, None)
    server._validate_admission(ctx, Operation.CREATE, body, None)
    if not target:
        raise errors.invalid("", "Binding", name, [{
            "reason": "FieldValueRequired", "message": "Required value",
            "field": "target.name"}], ["target.name: Required value"])

    def assign(pod: dict[str, Any]) -> dict[str, Any]:
        """``setPodHostAndAnnotations``, copy on write: ``pod`` may be the server's cached
        object (see below), so only the dicts on the changed paths are new."""
        meta = pod["metadata"]
        if meta.get("deletionTimestamp"):
            raise errors.conflict("", "pods/binding", name,
                                  f"pod {name} is being deleted, cannot be assigned to a host")
        spec = pod["spec"]
        if spec.get("nodeName"):
            raise errors.conflict("", "pods/binding", name,
                                  f'pod {name} is already assigned to node '
                                  f'"{spec["nodeName"]}"')
        new = dict(pod)
        new["spec"] = {**spec, "nodeName": target}
        new["metadata"] = new_meta = dict(meta)
        # the Binding's annotations are copied onto the pod
        extra = (body.get("metadata") or {}).get("annotations") or {}
        if extra:
            new_meta["annotations"] = {**(meta.get("annotations") or {}), **extra}
        new["status"] = status = dict(pod.get("status") or {})
        status["conditions"] = conds = list(status.get("conditions") or ())
        ts = server.kernel.timestamp()
        for i, c in enumerate(conds):
            if c.get("type") == "PodScheduled":
                c = conds[i] = {**c, "status": "True", "lastTransitionTime": ts}
                c.pop("reason", None)
                c.pop("message", None)
                break
        else:
            conds.append({"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                          "lastTransitionTime": ts})
        return new

    # upstream's Cacher.GuaranteedUpdate starts from the watch cache's object; here the
    # server's pod cache (fed as each write commits) has the decoded pod
    caches = getattr(server, "caches", None)
    cached = caches.get("pods", req.namespace, name) if caches is not None else None
    _, new = server.storage.guaranteed_update(pods, req.namespace, name, assign, cached=cached)
    key = pods.key(req.namespace, name)
    rv = int(new["metadata"]["resourceVersion"])
    server._step(ctx, "storage", "etcd3", Outcome.OK, {"key": key, "revision": rv,
                                                       "nodeName": target})
    # the reply is a Status: nobody else holds ``new``, so the watch cache may take it as the
    # event's object instead of decoding the bytes just written
    server._record_write(ctx, key, rv, "PUT", decoded=as_decoded(new, rv))
    return 201, errors.status_success()


def _evict(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    """``pods/eviction``: a delete that respects PodDisruptionBudgets (see :mod:`.eviction`)."""
    from .eviction import evict

    return evict(server, ctx)


def _token(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    """``serviceaccounts/token``: a TokenRequest (see :mod:`.tokenrequest`)."""
    from .tokenrequest import create_token

    body = _parse_body(server, ctx)
    server._step(ctx, "decode", "json", Outcome.OK, None)
    out = create_token(server, ctx.req.namespace, ctx.req.name,
                       body if isinstance(body, dict) else {})
    server._step(ctx, "storage", "none", Outcome.SKIPPED, "tokens are not stored")
    return 201, out


def _review(server: APIServer, ctx: _Ctx) -> tuple[int, Any]:
    """SelfSubjectAccessReview / SelfSubjectRulesReview, answered from the requester's own
    identity (``pkg/registry/authorization/selfsubjectaccessreview/rest.go``)."""
    from .reviews import review

    body = _parse_body(server, ctx)
    assert ctx.info is not None and ctx.user is not None
    server._step(ctx, "decode", "json", Outcome.OK, None)
    result = review(server, ctx.info, ctx.user, body if isinstance(body, dict) else {})
    server._step(ctx, "storage", "none", Outcome.SKIPPED, "reviews are not stored")
    return 201, result
