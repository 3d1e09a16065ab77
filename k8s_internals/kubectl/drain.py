"""``kubectl cordon``, ``uncordon`` and ``drain`` — ``staging/src/k8s.io/kubectl/pkg/cmd/drain/
drain.go`` and ``staging/src/k8s.io/kubectl/pkg/drain/{cordon,drain,filters}.go``::

    $ kubectl drain node-1 --ignore-daemonsets
    node/node-1 cordoned
    Warning: ignoring DaemonSet-managed Pods: kube-system/kube-proxy-x7k2p
    evicting pod default/web-5d4f8-abcde
    error when evicting pods/"web-5d4f8-abcde" -n "default" (will retry after 5s): Cannot
    evict pod as it would violate the pod's disruption budget.          (one line)
    evicting pod default/web-5d4f8-abcde
    pod/web-5d4f8-abcde evicted
    node/node-1 drained

- cordon/uncordon send a strategic merge patch of ``spec.unschedulable`` (``true`` / ``null``)
  and print ``node/<name> cordoned`` (``already cordoned`` when nothing changes);
- drain cordons, lists the node's pods (``fieldSelector=spec.nodeName=<node>``), filters them
  (DaemonSet-managed: error unless ``--ignore-daemonsets``, then a warning; mirror pods: skipped;
  ``emptyDir``: error unless ``--delete-emptydir-data``; no controller: error unless
  ``--force``; finished pods pass), POSTs a policy/v1 Eviction for each, retries a ``429`` every
  5 s, polls every second until the pod is gone (``pod/<name> evicted``), then prints
  ``node/<name> drained``. ``--timeout`` bounds the whole drain (``global timeout reached``).

Simplifications: upstream evicts the pods from one goroutine each; here they take turns in
list order on the virtual clock, so the output is deterministic. Without ``--timeout`` the wait
is bounded by the ``watch_seconds`` given to ``run`` (else 600 s). ``--disable-eviction``,
``--pod-selector``, ``--grace-period``, ``--dry-run`` and ``--skip-wait-for-delete-timeout`` are
not offered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..api.errors import StatusError
from .base import Context
from .cli import Flag, UsageError, parse

__all__ = ["run_cordon", "run_drain", "run_uncordon"]

Obj = dict[str, Any]

_CORDON_FLAGS = (Flag("selector", "l", "str", ""), Flag("dry-run", "", "str", "none"))
_DRAIN_FLAGS = (
    Flag("ignore-daemonsets", "", "bool", False),
    Flag("delete-emptydir-data", "", "bool", False),
    Flag("delete-local-data", "", "bool", False),
    Flag("force", "", "bool", False),
    Flag("timeout", "", "duration", 0.0),
    Flag("selector", "l", "str", ""),
)

#: ``filters.go``
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
#: drain.go: the wait between two evictions refused with 429, and the deletion poll interval
RETRY_SECONDS = 5.0
POLL_SECONDS = 1.0


def go_duration(seconds: float) -> str:
    """``time.Duration.String`` for whole seconds and milliseconds: ``7s``, ``1m30s``, ``0s``."""
    if seconds < 1 and seconds > 0:
        return f"{round(seconds * 1000)}ms"
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m}m{s}s"
    if m:
        return f"{m}m{s}s"
    return f"{s}s"


def _nodes(ctx: Context, pos: list[str], flags: dict[str, Any], command: str) -> list[Obj]:
    if flags["selector"]:
        return list(ctx.client.list("nodes", label_selector=flags["selector"])["items"])
    if not pos:
        raise UsageError(f"error: USAGE: {command} NODE [flags]\n"
                         f"See 'kubectl {command} -h' for help and examples")
    return [ctx.client.get("nodes", name) for name in pos]


def _cordon_or_uncordon(ctx: Context, nodes: list[Obj], desired: bool) -> None:
    """``RunCordonOrUncordon``."""
    verb = "cordoned" if desired else "uncordoned"
    for node in nodes:
        name = node["metadata"]["name"]
        if bool((node.get("spec") or {}).get("unschedulable")) == desired:
            ctx.out(f"node/{name} already {verb}\n")
            continue
        patch = {"spec": {"unschedulable": True if desired else None}}
        ctx.client.patch("nodes", name, patch, patch_type="strategic")
        ctx.out(f"node/{name} {verb}\n")


def run_cordon(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, _CORDON_FLAGS, "cordon")
    _cordon_or_uncordon(ctx, _nodes(ctx, pos, flags, "cordon"), True)
    return 0


def run_uncordon(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, _CORDON_FLAGS, "uncordon")
    _cordon_or_uncordon(ctx, _nodes(ctx, pos, flags, "uncordon"), False)
    return 0


def _controller_kind(pod: Obj) -> str | None:
    for ref in pod["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("kind", ""))
    return None


def _filter(pods: list[Obj], flags: dict[str, Any]) -> tuple[list[Obj], list[str], list[str]]:
    """``GetPodsForDeletion``: (pods to evict, warnings, errors), the messages grouped as
    ``PodDeleteList.Warnings``/``errors`` do (sorted here: upstream iterates a Go map)."""
    warnings: dict[str, list[str]] = {}
    fatal: dict[str, list[str]] = {}
    keep: list[Obj] = []
    delete_local = flags["delete_emptydir_data"] or flags["delete_local_data"]
    for pod in pods:
        meta = pod["metadata"]
        ref = f"{meta.get('namespace')}/{meta['name']}"
        finished = (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
        kind = _controller_kind(pod)
        if kind == "DaemonSet":
            target = warnings if flags["ignore_daemonsets"] else fatal
            key = DAEMONSET_WARNING if flags["ignore_daemonsets"] else DAEMONSET_FATAL
            target.setdefault(key, []).append(ref)
            continue
        if MIRROR_ANNOTATION in (meta.get("annotations") or {}):
            continue
        ok = True
        if not finished and any("emptyDir" in v for v in (pod.get("spec") or {}).get(
                "volumes") or []):
            if delete_local:
                warnings.setdefault(LOCAL_STORAGE_WARNING, []).append(ref)
            else:
                fatal.setdefault(LOCAL_STORAGE_FATAL, []).append(ref)
                ok = False
        if not finished and kind is None:
            if flags["force"]:
                warnings.setdefault(UNMANAGED_WARNING, []).append(ref)
            else:
                fatal.setdefault(UNMANAGED_FATAL, []).append(ref)
                ok = False
        if ok:
            keep.append(pod)
    return (keep, [f"{k}: {', '.join(v)}" for k, v in sorted(warnings.items())],
            [f"cannot delete {k}: {', '.join(v)}" for k, v in sorted(fatal.items())])


def _aggregate(errors: list[str]) -> str:
    """``utilerrors.NewAggregate(...).Error()``."""
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


@dataclass
class _Eviction:
    pod: Obj
    next_try: float
    evicted: bool = False
    done: bool = False


def _evict_all(ctx: Context, pods: list[Obj], limit: float) -> list[str]:
    """``evictPods``: each pod evicted (429s retried every 5 s), then waited for; returns the
    errors."""
    kernel = ctx.kernel
    deadline = kernel.now + limit
    work = [_Eviction(p, kernel.now) for p in pods]
    errors: list[str] = []
    while True:
        for w in work:
            if w.done or w.next_try > kernel.now:
                continue
            meta = w.pod["metadata"]
            ns, name = meta.get("namespace", ""), meta["name"]
            if not w.evicted:
                ctx.out(f"evicting pod {ns}/{name}\n")
                try:
                    ctx.client.evict(ns, name)
                except StatusError as exc:
                    if exc.code == 404:
                        w.done = True
                    elif exc.code == 429:
                        ctx.err(f'error when evicting pods/"{name}" -n "{ns}" (will retry '
                                f"after 5s): {exc.message}\n")
                        w.next_try = kernel.now + RETRY_SECONDS
                    else:
                        errors.append(f'error when evicting pods/"{name}" -n "{ns}": '
                                      f"{exc.message}")
                        w.done = True
                    continue
                w.evicted = True
            try:  # waitForDelete: gone, or replaced by a pod of the same name
                current = ctx.client.get("pods", name, ns)
                gone = current["metadata"].get("uid") != meta.get("uid")
            except StatusError as exc:
                if exc.code != 404:
                    raise
                gone = True
            if gone:
                ctx.out(f"pod/{name} evicted\n")
                w.done = True
            else:
                w.next_try = kernel.now + POLL_SECONDS
        pending = [w for w in work if not w.done]
        if not pending:
            return errors
        nxt = min(w.next_try for w in pending)
        if nxt > deadline:
            kernel.run(until=max(deadline, kernel.now))
            for w in pending:
                meta = w.pod["metadata"]
                ns, name = meta.get("namespace", ""), meta["name"]
                if w.evicted:
                    errors.append(f'error when waiting for pod "{name}" in namespace "{ns}" to '
                                  f"terminate: global timeout reached: {go_duration(limit)}")
                else:
                    errors.append(f'error when evicting pods/"{name}" -n "{ns}": global timeout '
                                  f"reached: {go_duration(limit)}")
            return errors
        kernel.run(until=nxt)


def run_drain(ctx: Context, args: list[str]) -> int:
    """``RunDrain``."""
    flags, pos = parse(args, _DRAIN_FLAGS, "drain")
    nodes = _nodes(ctx, pos, flags, "drain")
    _cordon_or_uncordon(ctx, nodes, True)
    limit = flags["timeout"] or ctx.watch_seconds or ctx.default_wait
    if not math.isfinite(limit) or limit <= 0:
        limit = ctx.default_wait
    fatal: list[str] = []
    remaining: list[str] = []
    for node in nodes:
        name = node["metadata"]["name"]
        err = _drain_node(ctx, name, flags, float(limit))
        if err is None:
            ctx.out(f"node/{name} drained\n")
            continue
        ctx.err(f'error: unable to drain node "{name}" due to error: {_aggregate(err)}, '
                "continuing command...\n")
        fatal.extend(err)
        remaining.append(name)
    if not fatal:
        return 0
    ctx.err("There are pending nodes to be drained:\n")
    for name in remaining:
        ctx.err(f" {name}\n")
    for e in fatal:  # cmdutil.CheckErr of an aggregate: one line per error
        ctx.err(f"{e}\n")
    return 1


def _pods_on(ctx: Context, node: str) -> list[Obj]:
    return list(ctx.client.list("pods", field_selector=f"spec.nodeName={node}")["items"])


def _drain_node(ctx: Context, node: str, flags: dict[str, Any], limit: float) -> list[str] | None:
    """``deleteOrEvictPodsSimple``: the errors, or None once the node is drained."""
    pods, warnings, errors = _filter(_pods_on(ctx, node), flags)
    if errors:
        return errors
    if warnings:
        ctx.err(f"Warning: {'; '.join(warnings)}\n")
    errs = _evict_all(ctx, pods, limit)
    if not errs:
        return None
    pending, _, _ = _filter(_pods_on(ctx, node), flags)
    if pending:
        ctx.err(f'There are pending pods in node "{node}" when an error occurred: '
                f"{_aggregate(errs)}\n")
        for pod in pending:
            ctx.err(f"pod/{pod['metadata']['name']}\n")
    return errs
