"""``kubectl get`` — ``staging/src/k8s.io/kubectl/pkg/cmd/get/get.go``.

Human-readable output asks the server for ``Table`` s (here: :func:`..api.printers.to_table`
on what the client lists) and prints them with :class:`.tableprinter.HumanReadablePrinter`
through one tab writer:

- one table per resource kind; a blank line between kinds that printed something; remembered
  column widths reset between kinds (``w.SetRememberedWidths(nil)``);
- names prefixed with the kind (``deployment.apps/kubia``) when more than one kind was
  requested (``get deploy,rs,pods``, ``get all``);
- nothing printed at all → ``No resources found in default namespace.`` on stderr;
- errors (``Error from server (NotFound): pods "x" not found``) after the tables.

``-o yaml|json|name|jsonpath=...`` print the objects (``printGeneric``): one object when a single
name was asked for, else a ``List`` (``apiVersion: v1, items: [...], kind: List,
metadata: {resourceVersion: ""}``). YAML and JSON keys are sorted as Go sorts map keys.

``-w`` prints the table, then one row per watch event, aligned with the first table (the tab
writer remembers widths). The watch runs on virtual time: for ``--request-timeout`` (or the
``watch_seconds`` the caller gives), else until the simulation goes idle.
"""

from __future__ import annotations

import json
from typing import Any

from ..api.errors import StatusError
from ..api.printers import to_table
from ..api.resources import ResourceInfo
from . import jsonpath, yamlout
from .base import Context, Target, display_kind, object_name, resolve_args, resource_for
from .cli import Flag, parse
from .errors import CommandError, format_error
from .manifests import load_objects
from .tableprinter import HumanReadablePrinter, PrintOptions
from .tabwriter import table_writer

__all__ = ["FLAGS", "go_json", "print_objects", "run"]

FLAGS = (
    Flag("output", "o", "str", ""),
    Flag("selector", "l", "str", ""),
    Flag("field-selector", "", "str", ""),
    Flag("all-namespaces", "A", "bool", False),
    Flag("watch", "w", "bool", False),
    Flag("watch-only", "", "bool", False),
    Flag("output-watch-events", "", "bool", False),
    Flag("show-labels", "", "bool", False),
    Flag("show-managed-fields", "", "bool", False),
    Flag("show-kind", "", "bool", False),
    Flag("no-headers", "", "bool", False),
    Flag("label-columns", "L", "list"),
    Flag("sort-by", "", "str", ""),
    Flag("ignore-not-found", "", "bool", False),
    Flag("chunk-size", "", "int", 500),
    Flag("filename", "f", "list"),
    Flag("server-print", "", "bool", True),
)


def go_json(obj: Any) -> str:
    """``json.MarshalIndent(obj, "", "    ")`` of an unstructured object: sorted keys, four
    spaces, ``<``, ``>``, ``&`` escaped, a final newline."""
    text = json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _typed(info: ResourceInfo, obj: dict[str, Any]) -> dict[str, Any]:
    """List items come without ``kind``/``apiVersion``; kubectl's unstructured list sets them."""
    if obj.get("kind") and obj.get("apiVersion"):
        return obj
    return {"apiVersion": info.api_version, "kind": info.kind, **obj}


def _hide_managed_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """kubectl hides ``metadata.managedFields`` unless ``--show-managed-fields``
    (``printers.OmitManagedFieldsPrinter``)."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or "managedFields" not in meta:
        return obj
    return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}


def print_objects(ctx: Context, output: str, objs: list[tuple[ResourceInfo, dict[str, Any]]],
                  single: bool, show_managed_fields: bool = False) -> None:
    """``printGeneric``: yaml / json / name / jsonpath of one object or a ``List``."""
    if not show_managed_fields:
        objs = [(i, _hide_managed_fields(o)) for i, o in objs]
    if output == "name":
        for info, obj in objs:
            ctx.out(object_name(info, obj["metadata"]["name"]) + "\n")
        return
    if single and len(objs) == 1:
        doc: Any = _typed(*objs[0])
    else:
        doc = {"apiVersion": "v1", "items": [_typed(i, o) for i, o in objs], "kind": "List",
               "metadata": {"resourceVersion": ""}}
    if output == "yaml":
        ctx.out(yamlout.dump(doc))
    elif output == "json":
        ctx.out(go_json(doc))
    elif output.startswith(("jsonpath=", "jsonpath-as-json=")):
        template = output.partition("=")[2]
        if not template:
            raise CommandError("template format specified but no template given")
        ctx.out(jsonpath.render(template, doc))
    else:
        raise CommandError(
            f'unable to match a printer suitable for the output format "{output}", allowed '
            'formats are: custom-columns,custom-columns-file,go-template,go-template-file,'
            'json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml')


def _fetch(ctx: Context, flags: dict[str, Any], target: Target
           ) -> tuple[list[dict[str, Any]], str]:
    """The objects for one target and the list's resourceVersion."""
    info = target.info
    ns = "" if flags["all_namespaces"] and not target.name else ctx.namespace_for(info, flags)
    if target.name:
        obj = ctx.client.get(info, target.name, ns)
        return [obj], str(obj.get("metadata", {}).get("resourceVersion", ""))
    listing = ctx.client.list(info, ns, label_selector=flags["selector"],
                              field_selector=flags["field_selector"])
    return list(listing.get("items") or []), str(
        (listing.get("metadata") or {}).get("resourceVersion", ""))


def _sort_rows(table: dict[str, Any], objs: list[dict[str, Any]], sort_by: str) -> None:
    expr = jsonpath.relaxed(sort_by)

    def key(pair: tuple[dict[str, Any], dict[str, Any]]) -> tuple[int, Any]:
        values = jsonpath.evaluate(pair[1], expr)
        if not values:
            return (0, "")
        v = values[0]
        if isinstance(v, bool) or not isinstance(v, int | float):
            return (2, str(v))
        return (1, v)

    pairs = sorted(zip(table["rows"], objs, strict=True), key=key)
    table["rows"] = [r for r, _ in pairs]


def run(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, FLAGS, "get")
    output = flags["output"]
    if flags["show_labels"] and output not in ("", "wide"):
        raise CommandError(f"--show-labels option cannot be used with {output} printer")
    manifests: list[tuple[ResourceInfo, str]] = []
    if flags["filename"]:
        for obj, source in load_objects(ctx, flags["filename"]):
            manifests.append((resource_for(obj, source), obj["metadata"]["name"]))
    targets = resolve_args(pos) if pos else [Target(i, n) for i, n in manifests]
    if not targets:
        ctx.err("You must specify the type of resource to get. Use \"kubectl api-resources\" "
                "for a complete list of supported resources.\n\n")
        raise CommandError("Required resource not specified.\nUse \"kubectl explain "
                           "<resource>\" for a detailed description of that resource (e.g. "
                           "kubectl explain pods).\nSee 'kubectl get -h' for help and examples")
    if flags["watch"] or flags["watch_only"]:
        return _watch(ctx, flags, targets)

    results: list[tuple[Target, list[dict[str, Any]]]] = []
    errors: list[StatusError] = []
    for t in targets:
        try:
            objs, _rv = _fetch(ctx, flags, t)
        except StatusError as exc:
            if flags["ignore_not_found"] and exc.code == 404:
                continue
            errors.append(exc)
            continue
        results.append((t, objs))

    if output not in ("", "wide"):
        single = len(targets) == 1 and bool(targets[0].name)
        print_objects(ctx, output, [(t.info, o) for t, objs in results for o in objs], single,
                      bool(flags["show_managed_fields"]))
    else:
        _print_tables(ctx, flags, results, bool(errors))
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0


def _print_tables(ctx: Context, flags: dict[str, Any],
                  results: list[tuple[Target, list[dict[str, Any]]]], had_errors: bool) -> None:
    kinds = {(t.info.group, t.info.kind) for t, _ in results}
    with_kind = (len(results) >= 2 and len(kinds) > 1) or bool(flags["show_kind"])
    w = table_writer()
    written = 0
    ready = False

    def emit() -> None:
        nonlocal written, ready
        text = w.flush()
        if text:
            if ready:
                ctx.out("\n")
                ready = False
            ctx.out(text)
            written += len(text)

    printer: HumanReadablePrinter | None = None
    last: ResourceInfo | None = None
    all_namespaced = not flags["all_namespaces"]
    for target, objs in results:
        info = target.info
        all_namespaced = all_namespaced and info.namespaced
        if printer is None or last is None or (info.group, info.plural) != (
                last.group, last.plural):
            emit()
            w.set_remembered_widths(None)
            if last is not None and not flags["no_headers"] and written > 0:
                ready = True
            printer = HumanReadablePrinter(PrintOptions(
                wide=flags["output"] == "wide", no_headers=flags["no_headers"],
                with_namespace=bool(flags["all_namespaces"]) and info.namespaced,
                with_kind=with_kind, kind=display_kind(info), show_labels=flags["show_labels"],
                column_labels=list(flags["label_columns"])))
            last = info
        table = to_table(info, objs, ctx.now(),
                         include_object="Object" if flags["sort_by"] else "Metadata")
        if flags["sort_by"]:
            _sort_rows(table, objs, flags["sort_by"])
        printer.print_table(table, w)
    emit()
    if written == 0 and not flags["ignore_not_found"] and not had_errors:
        ns = flags["namespace"] or ctx.namespace
        if all_namespaced:
            ctx.err(f"No resources found in {ns} namespace.\n")
        else:
            ctx.err("No resources found\n")


def _watch(ctx: Context, flags: dict[str, Any], targets: list[Target]) -> int:
    """``GetOptions.watch``: print what is there, then one row per event."""
    kinds = {(t.info.group, t.info.kind) for t in targets}
    if len(kinds) > 1 or len(targets) > 1:
        raise CommandError("watch is only supported on individual resources and resource "
                           "collections - more than 1 resource was found")
    target = targets[0]
    info = target.info
    objs, rv = _fetch(ctx, flags, target)
    output = flags["output"]
    human = output in ("", "wide")
    w = table_writer()
    printer = HumanReadablePrinter(PrintOptions(
        wide=output == "wide", no_headers=flags["no_headers"],
        with_namespace=bool(flags["all_namespaces"]) and info.namespaced,
        show_labels=flags["show_labels"], column_labels=list(flags["label_columns"])))
    events = flags["output_watch_events"]

    def show(obj_list: list[dict[str, Any]], event_type: str) -> None:
        if human:
            printer.print_table(to_table(info, obj_list, ctx.now()), w,
                                event_type if events else "")
            ctx.out(w.flush())
        elif events:
            for o in obj_list:
                body = {"type": event_type, "object": _typed(info, o)}
                ctx.out(yamlout.dump(body) if output == "yaml" else go_json(body))
        else:
            for o in obj_list:
                print_objects(ctx, output, [(info, o)], True, bool(flags["show_managed_fields"]))

    if not flags["watch_only"]:
        if events and not target.name:
            for o in objs:
                show([o], "ADDED")
        else:
            show(objs, "ADDED")

    def on_event(etype: str, obj: dict[str, Any], _cause: str | None) -> None:
        if etype in ("ADDED", "MODIFIED", "DELETED"):
            show([obj], etype)

    ns = "" if flags["all_namespaces"] else ctx.namespace_for(info, flags)
    handle = ctx.client.watch(info, on_event, ns, resource_version=rv,
                              label_selector=flags["selector"],
                              field_selector=flags["field_selector"], name=target.name)
    try:
        seconds = flags["request_timeout"] or ctx.watch_seconds
        if seconds:
            ctx.kernel.run_for(float(seconds))
        else:
            ctx.kernel.run_until_idle(max_time=ctx.default_wait)
    finally:
        handle.stop()
    return 0
