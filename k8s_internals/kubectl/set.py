"""``kubectl set image`` — ``staging/src/k8s.io/kubectl/pkg/cmd/set/set_image.go`` (and
``polymorphichelpers/updatepodspec.go`` for where each kind keeps its pod spec).

``kubectl set image deployment/kubia kubia=luksa/kubia:v2`` reads the object, changes the image
of the named container (``*``: every container; init containers too), computes the strategic
merge patch from the object as read to the changed one (``CreateTwoWayMergePatch``) and PATCHes
it with the field manager ``kubectl-set``:

    {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"kubia"}],
                                 "containers":[{"image":"luksa/kubia:v2","name":"kubia"}]}}}}

→ ``deployment.apps/kubia image updated``. A container that is not there:
``error: unable to find container named "web"`` (and nothing is sent); an image that is already
set: nothing is sent and nothing printed, as upstream (an empty patch is skipped).

Simplified: only ``set image`` of the ``set`` family; no ``--local``/``--record``/``--dry-run``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ..api.errors import StatusError
from ..api.patch.strategic_merge import create_two_way_merge_patch
from ..api.validation.field import go_quote
from .base import Context, Target, object_name, resolve_args, resource_for
from .cli import Flag, UsageError, parse
from .errors import CommandError, format_error
from .get import print_objects
from .manifests import load_objects

__all__ = ["pod_spec_of", "run"]

Obj = dict[str, Any]

FLAGS = (
    Flag("all", "", "bool", False),
    Flag("selector", "l", "str", ""),
    Flag("filename", "f", "list"),
    Flag("output", "o", "str", ""),
    Flag("field-manager", "", "str", "kubectl-set"),
)

#: where each kind keeps its pod spec (``UpdatePodSpecForObject``)
_POD_SPEC_PATH: dict[str, tuple[str, ...]] = {
    "pods": ("spec",),
    "replicationcontrollers": ("spec", "template", "spec"),
    "deployments": ("spec", "template", "spec"),
    "daemonsets": ("spec", "template", "spec"),
    "replicasets": ("spec", "template", "spec"),
    "statefulsets": ("spec", "template", "spec"),
    "jobs": ("spec", "template", "spec"),
    "cronjobs": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def pod_spec_of(plural: str, obj: Obj) -> Obj | None:
    """The pod spec inside ``obj`` (``None`` when the kind has none)."""
    path = _POD_SPEC_PATH.get(plural)
    if path is None:
        return None
    cur: Any = obj
    for key in path:
        cur = cur.setdefault(key, {}) if isinstance(cur, dict) else None
    return cur if isinstance(cur, dict) else None


def _split(pos: list[str]) -> tuple[list[str], dict[str, str]]:
    """``GetResourcesAndPairs`` + ``ParsePairs``: resources first, then ``name=image`` pairs."""
    resources: list[str] = []
    pairs: dict[str, str] = {}
    invalid: list[str] = []
    for arg in pos:
        pair = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if pair:
            if "=" in arg:
                name, _, image = arg.partition("=")
                pairs[name] = image
            else:
                invalid.append(arg)      # "name-" removes a label, not an image
        elif pairs or invalid:
            raise CommandError(f"all resources must be specified before image changes: {arg}")
        else:
            resources.append(arg)
    if invalid:
        raise CommandError(f"invalid image format: {', '.join(invalid)}")
    return resources, pairs


def _targets(ctx: Context, flags: dict[str, Any], resources: list[str]) -> list[Target]:
    if flags["filename"]:
        return [Target(resource_for(o, src), o["metadata"]["name"])
                for o, src in load_objects(ctx, flags["filename"])]
    out: list[Target] = []
    for t in resolve_args(resources):
        if t.name:
            out.append(t)
            continue
        ns = ctx.namespace_for(t.info, flags)
        items = ctx.client.list(t.info, ns, label_selector=flags["selector"] or "")
        out.extend(Target(t.info, o["metadata"]["name"]) for o in items.get("items") or [])
    return out


def _set_image(containers: list[Obj] | None, name: str, image: str) -> bool:
    found = False
    for c in containers or []:
        if c.get("name") == name or name == "*":
            found = True
            c["image"] = image
    return found


def _run_image(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, FLAGS, "set image")
    resources, images = _split(pos)
    problems: list[str] = []
    if flags["all"] and flags["selector"]:
        problems.append("cannot set --all and --selector at the same time")
    if not resources and not flags["filename"]:
        problems.append("one or more resources must be specified as <resource> <name> or "
                        "<resource>/<name>")
    if not images:
        problems.append("at least one image update is required")
    elif len(images) > 1 and "*" in images:
        problems.append("all containers are already specified by *, but saw more than one "
                        "container_name=container_image pairs")
    if problems:
        raise CommandError(problems[0] if len(problems) == 1
                           else "[" + ", ".join(problems) + "]")
    errors: list[BaseException] = []
    for t in _targets(ctx, flags, resources):
        ns = ctx.namespace_for(t.info, flags)
        try:
            current = ctx.client.get(t.info, t.name, ns)
        except StatusError as exc:
            errors.append(exc)
            continue
        changed = copy.deepcopy(current)
        spec = pod_spec_of(t.info.plural, changed)
        if spec is None:
            # ``UpdatePodSpecForObject``'s error, with the Go type ``%T`` prints
            errors.append(CommandError(
                f"error: {object_name(t.info, t.name)} the object is not a pod or does not "
                f"have a pod template: *{t.info.version}.{t.info.kind}"))
            continue
        for name, image in images.items():
            found_init = _set_image(spec.get("initContainers"), name, image)
            found = _set_image(spec.get("containers"), name, image)
            if not found and not found_init:
                errors.append(CommandError(f"error: unable to find container named "
                                           f"{go_quote(name)}"))
        patch = create_two_way_merge_patch(current, changed, t.info.kind)
        if not patch:
            continue  # no changes
        try:
            actual = ctx.client.patch(t.info, t.name, json.dumps(patch, separators=(",", ":"),
                                                                 sort_keys=True),
                                      ns, patch_type="strategic",
                                      field_manager=flags["field_manager"])
        except StatusError as exc:
            errors.append(CommandError("failed to patch image update to pod template: "
                                       + exc.message))
            continue
        output = flags["output"]
        if output and output != "name":
            print_objects(ctx, output, [(t.info, actual)], True)
        else:
            suffix = "" if output == "name" else " image updated"
            ctx.out(f"{object_name(t.info, t.name)}{suffix}\n")
    for exc in errors:
        ctx.err(format_error(exc))
    return 1 if errors else 0


SUBCOMMANDS = {"image": _run_image}


def run(ctx: Context, args: list[str]) -> int:
    if not args or args[0] not in SUBCOMMANDS:
        what = args[0] if args else ""
        raise UsageError(f'error: unknown command "{what}" for "kubectl set"' if what else
                         "error: a subcommand is required: kubectl set image")
    return SUBCOMMANDS[args[0]](ctx, args[1:])
