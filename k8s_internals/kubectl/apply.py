"""``kubectl apply``, ``create`` and ``delete`` — ``staging/src/k8s.io/kubectl/pkg/cmd/
{apply,create,delete}``.

``apply -f`` is client-side apply (``apply.go`` / ``patcher.go``): for each object of the
manifest, GET it; if absent, POST it with the ``kubectl.kubernetes.io/last-applied-configuration``
annotation → ``deployment.apps/kubia created``; else compute the three-way patch (last applied,
new manifest, live object: :func:`..api.patch.last_applied.apply_patch`), print
``... unchanged`` when it is empty, else send it (strategic merge patch) →
``... configured``. ``--server-side`` sends one apply PATCH (``serverside-applied``).

``create -f`` POSTs each object (``created``); ``create
deployment|job|cronjob|namespace|configmap|secret generic|serviceaccount|service
clusterip|nodeport`` build the object as kubectl's generators do.

``delete`` prints ``pod "web" deleted`` / ``deployment.apps "kubia" deleted`` and, like
kubectl's default ``--wait=true``, waits (on virtual time) until the objects are really gone.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from ..api.errors import StatusError
from ..api.patch.last_applied import (
    LAST_APPLIED_CONFIG_ANNOTATION,
    apply_patch,
    modified_configuration,
    original_configuration,
)
from ..api.resources import ResourceInfo
from .base import Context, display_kind, object_name, resolve_args, resource_for
from .cli import Flag, parse
from .errors import CommandError, format_error, with_source
from .get import go_json, print_objects
from .manifests import load_objects

__all__ = ["run_apply", "run_create", "run_delete"]

Obj = dict[str, Any]

_APPLY_FLAGS = (
    Flag("filename", "f", "list"),
    Flag("recursive", "R", "bool", False),
    Flag("output", "o", "str", ""),
    Flag("dry-run", "", "str", "none"),
    Flag("server-side", "", "bool", False),
    Flag("force-conflicts", "", "bool", False),
    Flag("field-manager", "", "str", ""),
    Flag("validate", "", "str", "strict"),
    Flag("prune", "", "bool", False),
    Flag("selector", "l", "str", ""),
)


def _dry_run(value: Any) -> str:
    v = str(value or "none")
    if v in ("true", "True"):  # the deprecated boolean form means client
        return "client"
    if v not in ("none", "client", "server", "false"):
        raise CommandError(f'Invalid dry-run value ({v}). Must be "none", "server", or '
                           '"client".')
    return "none" if v == "false" else v


def _suffix(dry_run: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")


def _prepare(ctx: Context, flags: dict[str, Any], obj: Obj, source: str
             ) -> tuple[ResourceInfo, str]:
    info = resource_for(obj, source)
    meta = obj.setdefault("metadata", {})
    if not meta.get("name") and not meta.get("generateName"):
        raise CommandError(f'error when retrieving current configuration of:\nResource: '
                           f'"{info.group}/{info.version}, Resource={info.plural}", '
                           f'GroupVersionKind: "{info.api_version}, Kind={info.kind}"\n'
                           f'Name: "", Namespace: "{ctx.namespace}"\nfrom server for: '
                           f'"{source}": resource name may not be empty')
    ns = ""
    if info.namespaced:
        explicit = flags.get("namespace")
        if meta.get("namespace") and explicit and meta["namespace"] != explicit:
            raise CommandError(
                f'the namespace from the provided object "{meta["namespace"]}" does not match '
                f'the namespace "{explicit}". You must pass \'--namespace='
                f'{meta["namespace"]}\' to perform this operation.')
        ns = meta.get("namespace") or explicit or ctx.namespace
        meta["namespace"] = ns
    return info, ns


def _info_string(info: ResourceInfo, name: str, ns: str) -> str:
    """``resource.Info.String()`` as apply's error messages print it."""
    gv = f"{info.group}/{info.version}" if info.group else f"/{info.version}"
    return (f'Resource: "{gv}, Resource={info.plural}", GroupVersionKind: '
            f'"{info.api_version}, Kind={info.kind}"\nName: "{name}", Namespace: "{ns}"')


def _report(ctx: Context, flags: dict[str, Any], info: ResourceInfo, obj: Obj,
            operation: str) -> None:
    output = flags.get("output") or ""
    if output and output != "name":
        print_objects(ctx, output, [(info, obj)], True)
    elif output == "name":
        ctx.out(object_name(info, obj["metadata"]["name"]) + "\n")
    else:
        ctx.out(f"{object_name(info, obj['metadata']['name'])} {operation}\n")


def run_apply(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, _APPLY_FLAGS, "apply")
    if pos and pos[0] in ("view-last-applied", "set-last-applied", "edit-last-applied"):
        return _view_last_applied(ctx, pos[1:], flags)
    if not flags["filename"]:
        raise CommandError("must specify one of -f and -k")
    dry_run = _dry_run(flags["dry_run"])
    errors: list[BaseException] = []
    for obj, source in load_objects(ctx, flags["filename"]):
        try:
            info, ns = _prepare(ctx, flags, obj, source)
            if flags["server_side"]:
                _server_side_apply(ctx, flags, info, ns, obj, source, dry_run)
            else:
                _apply_one(ctx, flags, info, ns, obj, source, dry_run)
        except (StatusError, CommandError) as exc:
            errors.append(exc)
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0


def _apply_one(ctx: Context, flags: dict[str, Any], info: ResourceInfo, ns: str, obj: Obj,
               source: str, dry_run: str) -> None:
    name = obj["metadata"].get("name", "")
    modified = modified_configuration(obj)
    try:
        live = ctx.client.get(info, name, ns)
    except StatusError as exc:
        if exc.code != 404:
            raise with_source("retrieving current configuration of:\n"
                              f"{_info_string(info, name, ns)}\nfrom server for:", source,
                              exc) from None
        if dry_run == "client":
            _report(ctx, flags, info, modified, "created" + _suffix(dry_run))
            return
        try:
            created = ctx.client.create(info, modified, ns, dry_run=dry_run == "server")
        except StatusError as exc2:
            raise with_source("creating", source, exc2) from None
        _report(ctx, flags, info, created, "created" + _suffix(dry_run))
        return
    original = original_configuration(live)
    if original is None:
        ctx.err(f"Warning: resource {info.qualified}/{name} is missing the "
                f"{LAST_APPLIED_CONFIG_ANNOTATION} annotation which is required by kubectl "
                "apply. kubectl apply should only be used on resources created declaratively "
                "by either kubectl create --save-config or kubectl apply. The missing "
                "annotation will be patched automatically.\n")
    content_type, patch = apply_patch(original, modified, live, info.kind)
    if not patch:
        _report(ctx, flags, info, live, "unchanged" + _suffix(dry_run))
        return
    if dry_run == "client":
        _report(ctx, flags, info, live, "configured" + _suffix(dry_run))
        return
    try:
        patched = ctx.client.call(
            "patch", info, namespace=ns, name=name, body=json.dumps(patch),
            content_type=content_type,
            params={"dryRun": "All" if dry_run == "server" else None,
                    "fieldManager": "kubectl-client-side-apply"})
    except StatusError as exc:
        raise with_source(f"applying patch:\n{json.dumps(patch, separators=(',', ':'))}\nto:\n"
                          f"{_info_string(info, name, ns)}\nfor:", source, exc) from None
    _report(ctx, flags, info, patched, "configured" + _suffix(dry_run))


def _server_side_apply(ctx: Context, flags: dict[str, Any], info: ResourceInfo, ns: str,
                       obj: Obj, source: str, dry_run: str) -> None:
    name = obj["metadata"].get("name", "")
    try:
        out = ctx.client.call(
            "patch", info, namespace=ns, name=name, body=json.dumps(obj),
            content_type="application/apply-patch+yaml",
            params={"fieldManager": flags["field_manager"] or "kubectl",
                    "force": "true" if flags["force_conflicts"] else None,
                    "dryRun": "All" if dry_run == "server" else None})
    except StatusError as exc:
        raise with_source("applying patch", source, exc) from None
    _report(ctx, flags, info, out, "serverside-applied" + _suffix(dry_run))


def _view_last_applied(ctx: Context, pos: list[str], flags: dict[str, Any]) -> int:
    """``apply view-last-applied TYPE NAME``: the annotation, as YAML (or ``-o json``)."""
    from . import yamlout

    for t in resolve_args(pos):
        obj = ctx.client.get(t.info, t.name, ctx.namespace_for(t.info, flags))
        last = original_configuration(obj)
        if last is None:
            raise CommandError(f"no last-applied-configuration annotation found on resource: "
                               f"{t.name}")
        ctx.out(go_json(last) if flags["output"] == "json" else yamlout.dump(last))
    return 0


# -- create ----------------------------------------------------------------------------------------

_CREATE_FLAGS = (
    Flag("filename", "f", "list"),
    Flag("output", "o", "str", ""),
    Flag("dry-run", "", "str", "none"),
    Flag("save-config", "", "bool", False),
    Flag("validate", "", "str", "strict"),
    Flag("image", "", "list"),
    Flag("replicas", "r", "int", 1),
    Flag("port", "", "int", -1),
    Flag("from-literal", "", "list"),
    Flag("tcp", "", "list"),
    Flag("node-port", "", "int", 0),
    Flag("type", "", "str", ""),
    Flag("schedule", "", "str", ""),
    Flag("restart", "", "str", "OnFailure"),
)


def _image_container_name(image: str) -> str:
    """``create deployment``'s container name: the image's last path element, no tag/digest."""
    name = image.split("@")[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":")[0]


def _generate_job(kind: str, name: str, command: list[str], flags: dict[str, Any]) -> Obj:
    """``create job NAME --image=IMAGE -- [COMMAND]`` (``restartPolicy: Never``) and ``create
    cronjob NAME --image=IMAGE --schedule='*/1 * * * *' [--restart=OnFailure] -- [COMMAND]``
    (``staging/src/k8s.io/kubectl/pkg/cmd/create/create_job.go``, ``create_cronjob.go``): one
    container named after the Job."""
    images = flags["image"]
    if not images:
        raise CommandError("required flag(s) \"image\" not set")
    container: Obj = {"image": ",".join(images), "name": name, "resources": {}}
    if command:
        container = {"command": list(command), **container}
    if kind == "job":
        return {"apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"creationTimestamp": None, "name": name},
                "spec": {"template": {"metadata": {"creationTimestamp": None},
                                      "spec": {"containers": [container],
                                               "restartPolicy": "Never"}}},
                "status": {}}
    if not flags["schedule"]:
        raise CommandError("required flag(s) \"schedule\" not set")
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"creationTimestamp": None, "name": name},
            "spec": {"jobTemplate": {
                "metadata": {"creationTimestamp": None, "name": name},
                "spec": {"template": {"metadata": {"creationTimestamp": None},
                                      "spec": {"containers": [container],
                                               "restartPolicy": flags["restart"]}}}},
                "schedule": flags["schedule"]},
            "status": {}}


def _generate(kind: str, pos: list[str], flags: dict[str, Any]) -> Obj:
    if not pos:
        raise CommandError("exactly one NAME is required, got 0")
    name = pos[0]
    if kind in ("deployment", "deploy"):
        images = flags["image"]
        if not images:
            raise CommandError("required flag(s) \"image\" not set")
        containers: list[Obj] = [{"image": i, "name": _image_container_name(i),
                                  "resources": {}} for i in images]
        if flags["port"] >= 0:
            containers[0]["ports"] = [{"containerPort": flags["port"]}]
        labels = {"app": name}
        return {"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"creationTimestamp": None, "labels": labels, "name": name},
                "spec": {"replicas": flags["replicas"], "selector": {"matchLabels": labels},
                         "strategy": {},
                         "template": {"metadata": {"creationTimestamp": None, "labels": labels},
                                      "spec": {"containers": containers}}},
                "status": {}}
    if kind in ("job", "cronjob", "cj"):
        return _generate_job(kind, name, pos[1:], flags)
    if kind in ("namespace", "ns"):
        return {"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"creationTimestamp": None, "name": name},
                "spec": {}, "status": {}}
    if kind in ("serviceaccount", "sa"):
        return {"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"creationTimestamp": None, "name": name}}
    if kind in ("configmap", "cm"):
        data = dict(lit.split("=", 1) for lit in flags["from_literal"])
        return {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"creationTimestamp": None, "name": name},
                "data": data}
    if kind == "secret":
        if name != "generic" or len(pos) < 2:
            raise CommandError("only 'kubectl create secret generic NAME' is supported here")
        data = {k: base64.b64encode(v.encode()).decode()
                for k, v in (lit.split("=", 1) for lit in flags["from_literal"])}
        return {"apiVersion": "v1", "kind": "Secret",
                "metadata": {"creationTimestamp": None, "name": pos[1]},
                "data": data}
    if kind in ("service", "svc"):
        if len(pos) < 2 or name not in ("clusterip", "nodeport", "loadbalancer"):
            raise CommandError("usage: kubectl create service clusterip|nodeport NAME "
                               "--tcp=port:targetPort")
        svc_name = pos[1]
        stype = {"clusterip": "ClusterIP", "nodeport": "NodePort",
                 "loadbalancer": "LoadBalancer"}[name]
        ports: list[Obj] = []
        for spec in flags["tcp"]:
            port, _, target = spec.partition(":")
            p: Obj = {"name": f"{port}-{target or port}", "port": int(port), "protocol": "TCP",
                      "targetPort": int(target or port)}
            if stype == "NodePort" and flags["node_port"]:
                p["nodePort"] = flags["node_port"]
            ports.append(p)
        return {"apiVersion": "v1", "kind": "Service",
                "metadata": {"creationTimestamp": None, "labels": {"app": svc_name},
                             "name": svc_name},
                "spec": {"ports": ports, "selector": {"app": svc_name}, "type": stype},
                "status": {"loadBalancer": {}}}
    raise CommandError(f'unknown command "{kind}" for "kubectl create"')


def run_create(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, _CREATE_FLAGS, "create")
    dry_run = _dry_run(flags["dry_run"])
    items: list[tuple[Obj, str]]
    if flags["filename"]:
        items = load_objects(ctx, flags["filename"])
    elif pos:
        items = [(_generate(pos[0], pos[1:], flags), "")]
    else:
        raise CommandError("must specify one of -f and -k")
    errors: list[BaseException] = []
    for obj, source in items:
        try:
            info, ns = _prepare(ctx, flags, obj, source)
            body = modified_configuration(obj) if flags["save_config"] else obj
            if dry_run == "client":
                shown = body
                if not source and not flags["namespace"]:
                    # generators set the namespace only when it was given explicitly
                    shown = dict(body, metadata={k: v for k, v in body["metadata"].items()
                                                 if k != "namespace"})
                _report(ctx, flags, info, shown, "created" + _suffix(dry_run))
                continue
            try:
                created = ctx.client.create(info, body, ns, dry_run=dry_run == "server")
            except StatusError as exc:
                raise with_source("creating", source, exc) from None
            _report(ctx, flags, info, created, "created" + _suffix(dry_run))
        except (StatusError, CommandError) as exc:
            errors.append(exc)
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0


# -- delete ----------------------------------------------------------------------------------------

_DELETE_FLAGS = (
    Flag("filename", "f", "list"),
    Flag("all", "", "bool", False),
    Flag("all-namespaces", "A", "bool", False),
    Flag("selector", "l", "str", ""),
    Flag("field-selector", "", "str", ""),
    Flag("grace-period", "", "int", -1),
    Flag("now", "", "bool", False),
    Flag("force", "", "bool", False),
    Flag("wait", "", "bool", True),
    Flag("cascade", "", "str", "background"),
    Flag("ignore-not-found", "", "bool", False),
    Flag("timeout", "", "duration", 0.0),
    Flag("output", "o", "str", ""),
    Flag("dry-run", "", "str", "none"),
)


def run_delete(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, _DELETE_FLAGS, "delete")
    dry_run = _dry_run(flags["dry_run"])
    grace = flags["grace_period"]
    if flags["now"]:
        grace = 1
    if flags["force"] and grace < 0:
        grace = 0
    if flags["force"] and grace == 0:
        ctx.err("Warning: Immediate deletion does not wait for confirmation that the running "
                "resource has been terminated. The resource may continue to run on the cluster "
                "indefinitely.\n")
    cascade = str(flags["cascade"]).lower()
    policy = {"background": "Background", "true": "Background", "foreground": "Foreground",
              "orphan": "Orphan", "false": "Orphan"}.get(cascade)
    if policy is None:
        raise CommandError(f'invalid cascade value ({flags["cascade"]}). Must be "background", '
                           '"foreground", or "orphan".')
    targets: list[tuple[ResourceInfo, str, str]] = []  # info, namespace, name
    errors: list[BaseException] = []
    if flags["filename"]:
        for obj, source in load_objects(ctx, flags["filename"]):
            info, ns = _prepare(ctx, flags, obj, source)
            targets.append((info, ns, obj["metadata"]["name"]))
    else:
        resolved = resolve_args(pos)
        if not resolved:
            raise CommandError("You must provide one or more resources by argument or filename."
                               "\nExample resource specifications include:\n   '-f rsrc.yaml'\n"
                               "   '--filename=rsrc.json'\n   '<resource> <name>'\n"
                               "   '<resource>'")
        listing = flags["all"] or flags["selector"] or flags["field_selector"]
        for t in resolved:
            if t.name:
                targets.append((t.info, ctx.namespace_for(t.info, flags), t.name))
            elif listing:
                ns = "" if flags["all_namespaces"] else ctx.namespace_for(t.info, flags)
                items = ctx.client.list(t.info, ns, label_selector=flags["selector"],
                                        field_selector=flags["field_selector"]
                                        ).get("items") or []
                targets.extend((t.info, (o.get("metadata") or {}).get("namespace", ""),
                                o["metadata"]["name"]) for o in items)
            else:
                raise CommandError("resource(s) were provided, but no name was specified")
    deleted: list[tuple[ResourceInfo, str, str]] = []
    found_any = False
    for info, ns, name in targets:
        try:
            if dry_run != "client":
                ctx.client.call("delete", info, namespace=ns, name=name, body=_delete_options(
                    grace, policy), params={"dryRun": "All" if dry_run == "server" else None})
        except StatusError as exc:
            if exc.code == 404 and flags["ignore_not_found"]:
                continue
            errors.append(exc)
            continue
        found_any = True
        verb = "force deleted" if flags["force"] and grace == 0 else "deleted"
        if flags["output"] == "name":
            ctx.out(object_name(info, name) + "\n")
        else:
            ctx.out(f'{display_kind(info)} "{name}" {verb}{_suffix(dry_run)}\n')
        deleted.append((info, ns, name))
    if not targets and not pos[1:] and (flags["all"] or flags["selector"]):
        ns = flags["namespace"] or ctx.namespace
        ctx.err(f"No resources found in {ns} namespace.\n" if not flags["all_namespaces"]
                else "No resources found\n")
    if flags["wait"] and found_any and dry_run == "none":
        _wait_deleted(ctx, deleted, flags["timeout"] or ctx.watch_seconds or ctx.default_wait)
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0


def _delete_options(grace: int, policy: str) -> str:
    opts: Obj = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy}
    if grace >= 0:
        opts["gracePeriodSeconds"] = grace
    return json.dumps(opts)


def _wait_deleted(ctx: Context, deleted: list[tuple[ResourceInfo, str, str]],
                  timeout: float) -> None:
    """``--wait``: advance virtual time until every deleted object is gone (or the timeout),
    watching each one as kubectl does."""
    kernel = ctx.kernel
    deadline = kernel.now + float(timeout)
    pending: set[tuple[str, str, str]] = set()
    handles = []
    for info, ns, name in deleted:
        try:
            obj = ctx.client.get(info, name, ns)
        except StatusError:
            continue
        key = (info.plural, ns, name)
        pending.add(key)

        def on_event(etype: str, _obj: Obj, _cause: str | None,
                     key: tuple[str, str, str] = key) -> None:
            if etype == "DELETED":
                pending.discard(key)

        handles.append(ctx.client.watch(
            info, on_event, ns, name=name,
            resource_version=str(obj["metadata"].get("resourceVersion", ""))))
    try:
        while pending:
            nxt = kernel.peek()
            if nxt is None or nxt > deadline:
                kernel.run(until=max(deadline, kernel.now))  # kubectl waited that long
                break
            kernel.step()
    finally:
        for h in handles:
            h.stop()
    if pending:
        plural, _, name = sorted(pending)[0]
        ctx.err(f"error: timed out waiting for the condition on {plural}/{name}\n")
