"""``kubectl scale``, ``label`` and ``annotate`` — ``staging/src/k8s.io/kubectl/pkg/cmd/
{scale,label,annotate}``.

- ``scale deployment kubia --replicas=3`` patches the ``/scale`` subresource →
  ``deployment.apps/kubia scaled``;
- ``label pod web tier=front`` / ``tier-`` (remove) → ``pod/web labeled`` (``not labeled`` when
  nothing changed); an existing key needs ``--overwrite``;
- ``annotate pod web note=x`` → ``pod/web annotated``.

Both send a JSON merge patch of ``metadata.labels`` / ``metadata.annotations``, as upstream does
for these commands.
"""

from __future__ import annotations

import json
from typing import Any

from ..api.errors import StatusError
from .base import Context, Target, object_name, resolve_args, resource_for
from .cli import Flag, parse
from .errors import CommandError, format_error
from .manifests import load_objects

__all__ = ["run_annotate", "run_label", "run_scale"]

_SCALE_FLAGS = (
    Flag("replicas", "", "int", -1),
    Flag("current-replicas", "", "int", -1),
    Flag("resource-version", "", "str", ""),
    Flag("filename", "f", "list"),
    Flag("selector", "l", "str", ""),
    Flag("all", "", "bool", False),
    Flag("timeout", "", "duration", 0.0),
    Flag("output", "o", "str", ""),
)

_SCALABLE = {"deployments", "replicasets", "statefulsets", "replicationcontrollers"}


def _targets(ctx: Context, flags: dict[str, Any], pos: list[str]) -> list[Target]:
    if flags.get("filename"):
        return [Target(resource_for(o, src), o["metadata"]["name"])
                for o, src in load_objects(ctx, flags["filename"])]
    targets = resolve_args(pos)
    out: list[Target] = []
    for t in targets:
        if t.name:
            out.append(t)
        elif flags.get("all") or flags.get("selector"):
            items = ctx.client.list(t.info, ctx.namespace_for(t.info, flags),
                                    label_selector=flags.get("selector") or "").get("items") or []
            out.extend(Target(t.info, o["metadata"]["name"]) for o in items)
        else:
            raise CommandError("resource(s) were provided, but no name was specified")
    return out


def run_scale(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, _SCALE_FLAGS, "scale")
    if flags["replicas"] < 0:
        raise CommandError("The --replicas=COUNT flag is required, and COUNT must be greater "
                           "than or equal to 0")
    errors: list[BaseException] = []
    for t in _targets(ctx, flags, pos):
        if t.info.plural not in _SCALABLE:
            errors.append(CommandError(f"cannot scale {t.info.qualified}"))
            continue
        ns = ctx.namespace_for(t.info, flags)
        try:
            if flags["current_replicas"] >= 0:
                current = ctx.client.get(t.info, t.name, ns, subresource="scale")
                have = int((current.get("spec") or {}).get("replicas") or 0)
                if have != flags["current_replicas"]:
                    raise CommandError(
                        f"Expected replicas to be {flags['current_replicas']}, was {have}")
            ctx.client.scale(t.info, t.name, flags["replicas"], ns)
        except (StatusError, CommandError) as exc:
            errors.append(exc)
            continue
        ctx.out(f"{object_name(t.info, t.name)} scaled\n")
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0


_META_FLAGS = (
    Flag("overwrite", "", "bool", False),
    Flag("all", "", "bool", False),
    Flag("selector", "l", "str", ""),
    Flag("filename", "f", "list"),
    Flag("list", "", "bool", False),
    Flag("resource-version", "", "str", ""),
    Flag("output", "o", "str", ""),
    Flag("dry-run", "", "str", "none"),
)


def _split_changes(pos: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
    """Resource arguments, ``key=value`` pairs, ``key-`` removals (``parseLabels``)."""
    resources: list[str] = []
    sets: dict[str, str] = {}
    removes: list[str] = []
    for arg in pos:
        if "=" in arg:
            k, _, v = arg.partition("=")
            sets[k] = v
        elif arg.endswith("-") and resources:
            removes.append(arg[:-1])
        else:
            resources.append(arg)
    return resources, sets, removes


def _run_meta(ctx: Context, args: list[str], field: str) -> int:
    command = "label" if field == "labels" else "annotate"
    flags, pos = parse(args, _META_FLAGS, command)
    resources, sets, removes = _split_changes(pos)
    if not sets and not removes and not flags["list"]:
        raise CommandError(f"at least one {'label' if field == 'labels' else 'annotation'} "
                           "update is required")
    errors: list[BaseException] = []
    for t in _targets(ctx, flags, resources):
        ns = ctx.namespace_for(t.info, flags)
        try:
            obj = ctx.client.get(t.info, t.name, ns)
            current = dict((obj.get("metadata") or {}).get(field) or {})
            if flags["list"]:
                for k in sorted(current):
                    ctx.out(f"{k}={current[k]}\n")
                continue
            if not flags["overwrite"]:
                clashes = [k for k, v in sets.items() if k in current and current[k] != v]
                if clashes:
                    k = clashes[0]
                    if field == "labels":
                        raise CommandError(f"'{k}' already has a value ({current[k]}), and "
                                           "--overwrite is false")
                    raise CommandError("--overwrite is false but found the following declared "
                                       f"annotation(s): '{k}' already has a value "
                                       f"({current[k]})")
            updated = dict(current)
            updated.update(sets)
            for k in removes:
                updated.pop(k, None)
            changed = updated != current
            if changed:
                patch: dict[str, Any] = {k: v for k, v in sets.items() if current.get(k) != v}
                patch.update({k: None for k in removes if k in current})
                body = {"metadata": {field: patch}}
                if flags["resource_version"]:
                    body["metadata"]["resourceVersion"] = flags["resource_version"]
                ctx.client.patch(t.info, t.name, json.dumps(body), ns, patch_type="merge")
        except (StatusError, CommandError) as exc:
            errors.append(exc)
            continue
        if field == "labels":
            ctx.out(f"{object_name(t.info, t.name)} {'labeled' if changed else 'not labeled'}\n")
        else:
            ctx.out(f"{object_name(t.info, t.name)} annotated\n")
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0


def run_label(ctx: Context, args: list[str]) -> int:
    return _run_meta(ctx, args, "labels")


def run_annotate(ctx: Context, args: list[str]) -> int:
    return _run_meta(ctx, args, "annotations")
