"""``kubectl patch`` — ``staging/src/k8s.io/kubectl/pkg/cmd/patch/patch.go``.

``kubectl patch deployment kubia -p '{"spec":{"replicas":2}}'`` sends the patch as it is (YAML is
turned into JSON first) with ``--type strategic`` (the default), ``merge`` or ``json``, and the
field manager ``kubectl-patch``. Like upstream it reads the object first (the resource builder's
GET) and compares it with what the PATCH returned: ``deployment.apps/kubia patched``, or
``deployment.apps/kubia patched (no change)`` when the server changed nothing.

Simplified: no ``--local``, ``--record`` or ``--dry-run``.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ..api.errors import StatusError
from ..api.validation.field import go_quote
from .base import Context, Target, object_name, resolve_args, resource_for
from .cli import Flag, parse
from .errors import CommandError, format_error
from .get import print_objects
from .manifests import load_objects

__all__ = ["PATCH_TYPES", "run"]

#: ``--type`` → the patch type the client sends (upstream's ``patchTypes``)
PATCH_TYPES = {"json": "json", "merge": "merge", "strategic": "strategic"}

FLAGS = (
    Flag("patch", "p", "str", ""),
    Flag("patch-file", "", "str", ""),
    Flag("type", "", "str", "strategic"),
    Flag("filename", "f", "list"),
    Flag("output", "o", "str", ""),
    Flag("subresource", "", "str", ""),
    Flag("field-manager", "", "str", "kubectl-patch"),
)


def _patch_bytes(ctx: Context, flags: dict[str, Any]) -> str:
    if flags["patch"] and flags["patch_file"]:
        raise CommandError("cannot specify --patch and --patch-file together")
    if not flags["patch"] and not flags["patch_file"]:
        raise CommandError("must specify --patch or --patch-file containing the contents of "
                           "the patch")
    if flags["patch_file"]:
        path = flags["patch_file"]
        if path in ctx.files:
            text = ctx.files[path]
        else:
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError as exc:
                raise CommandError(f"unable to read patch file: {exc}") from None
    else:
        text = flags["patch"]
    try:  # yaml.ToJSON: JSON is YAML, and YAML patches are accepted too
        return json.dumps(yaml.safe_load(text), separators=(",", ":"))
    except yaml.YAMLError as exc:
        raise CommandError(f"unable to parse {go_quote(flags['patch'])}: {exc}") from None


def run(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, FLAGS, "patch")
    kind = flags["type"].lower()
    if kind not in PATCH_TYPES:
        raise CommandError(f"--type must be one of [json merge strategic], not "
                           f"{go_quote(flags['type'])}")
    body = _patch_bytes(ctx, flags)
    if flags["filename"]:
        targets = [Target(resource_for(o, src), o["metadata"]["name"])
                   for o, src in load_objects(ctx, flags["filename"])]
    else:
        targets = resolve_args(pos)
        if not targets:
            raise CommandError("You must provide one or more resources by argument or "
                               "filename.\nExample resource specifications include:\n"
                               "   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                               "   '<resource> <name>'\n   '<resource>'")
    errors: list[BaseException] = []
    for t in targets:
        if not t.name:
            errors.append(CommandError("resource(s) were provided, but no name was specified"))
            continue
        ns = ctx.namespace_for(t.info, flags)
        try:
            before = ctx.client.get(t.info, t.name, ns)
            after = ctx.client.patch(t.info, t.name, body, ns, patch_type=PATCH_TYPES[kind],
                                     subresource=flags["subresource"],
                                     field_manager=flags["field_manager"])
        except StatusError as exc:
            errors.append(exc)
            continue
        output = flags["output"]
        if output and output != "name":
            print_objects(ctx, output, [(t.info, after)], True)
        else:
            operation = "" if output == "name" else (
                " patched" if after != before else " patched (no change)")
            ctx.out(f"{object_name(t.info, t.name)}{operation}\n")
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0
