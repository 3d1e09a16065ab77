"""``kubectl logs`` — ``staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go``.

``logs POD [-c CONTAINER]`` reads ``pods/POD/log`` (text the kubelet serves); ``logs
deploy/NAME`` (or any ``TYPE/NAME`` with a selector) picks the first pod, as
``polymorphichelpers.LogsForObject`` does, and says so on stderr when there were several:
``Found 3 pods, using pod/kubia-7d9c-abcde``. A pod with several containers needs ``-c``:
``error: a container name must be specified for pod web, choose one of: [app sidecar]``.
"""

from __future__ import annotations

from typing import Any

from ..api.selectors import SelectorError, label_selector_as_selector
from .base import Context, resolve_type
from .cli import Flag, parse
from .errors import CommandError

__all__ = ["run"]

FLAGS = (
    Flag("container", "c", "str", ""),
    Flag("previous", "p", "bool", False),
    Flag("follow", "f", "bool", False),
    Flag("tail", "", "int", -1),
    Flag("timestamps", "", "bool", False),
    Flag("all-containers", "", "bool", False),
    Flag("selector", "l", "str", ""),
    Flag("prefix", "", "bool", False),
)


def _pod_for(ctx: Context, flags: dict[str, Any], arg: str, announce: bool = True
             ) -> dict[str, Any]:
    """The pod ``arg`` names, or the first of ``TYPE/NAME``'s pods (``announce``: say so when
    there were several, as ``logs`` does; ``exec``'s ``AttachablePodForObjectFn`` does not)."""
    if "/" not in arg:
        return ctx.client.get("pods", arg, flags["namespace"] or ctx.namespace)
    type_arg, _, name = arg.partition("/")
    info = resolve_type(type_arg)
    ns = ctx.namespace_for(info, flags)
    if info.kind == "Pod":
        return ctx.client.get(info, name, ns)
    obj = ctx.client.get(info, name, ns)
    selector = (obj.get("spec") or {}).get("selector")
    try:
        sel = (",".join(f"{k}={v}" for k, v in sorted(selector.items()))
               if info.kind == "ReplicationController" and isinstance(selector, dict)
               else str(label_selector_as_selector(selector)))
    except SelectorError as exc:
        raise CommandError(str(exc)) from None
    pods = ctx.client.list("pods", ns, label_selector=sel).get("items") or []
    if not pods:
        raise CommandError("timed out waiting for the condition")
    pods.sort(key=lambda p: (p.get("metadata") or {}).get("creationTimestamp", ""))
    if announce and len(pods) > 1:
        ctx.err(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
    return pods[0]


def run(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, FLAGS, "logs")
    if not pos:
        raise CommandError("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")
    pod = _pod_for(ctx, flags, pos[0])
    container = flags["container"] or (pos[1] if len(pos) > 1 else "")
    spec = pod.get("spec") or {}
    names = [c.get("name", "") for c in spec.get("containers") or []]
    meta = pod.get("metadata") or {}
    containers = names if flags["all_containers"] else [container]
    if not container and not flags["all_containers"]:
        default = (meta.get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        if default:
            containers = [default]
        elif len(names) == 1:
            containers = [names[0]]
        else:
            raise CommandError(f"a container name must be specified for pod {meta.get('name')}"
                               f", choose one of: [{' '.join(names)}]")
    for c in containers:
        params = {"container": c}
        if flags["previous"]:
            params["previous"] = "true"
        if flags["tail"] >= 0:
            params["tailLines"] = str(flags["tail"])
        text = str(ctx.client.call("get", "pods", namespace=meta.get("namespace", ""),
                                   name=meta.get("name", ""), subresource="log", params=params))
        if flags["prefix"]:
            text = "".join(f"[pod/{meta.get('name')}/{c}] {line}\n"
                           for line in text.splitlines())
        ctx.out(text)
    return 0
