"""``kubectl rollout status|history|undo|restart|pause|resume`` —
``staging/src/k8s.io/kubectl/pkg/cmd/rollout`` and ``pkg/polymorphichelpers``
(``rollout_status.go``, ``history.go``, ``rollback.go``).

``rollout status`` watches the object and prints the status viewer's line on every ADDED or
MODIFIED event until the rollout is done:

    Waiting for deployment "kubia" rollout to finish: 1 of 3 updated replicas are available...
    deployment "kubia" successfully rolled out

Here the wait runs on virtual time: the kernel is advanced event by event until the status is
done, or ``--timeout`` (else the ``watch_seconds`` given to ``run``, else 600 s) has passed →
``error: timed out waiting for the condition``.

``rollout history`` lists a Deployment's revisions from the ``deployment.kubernetes.io/revision``
annotation of the ReplicaSets it owns (StatefulSets and DaemonSets: their ControllerRevisions);
``rollout undo`` patches the Deployment's template back to the previous (or ``--to-revision``)
ReplicaSet's: ``deployment.apps/kubia rolled back``.
"""

from __future__ import annotations

import json
from typing import Any

from ..api.errors import StatusError
from ..api.resources import ResourceInfo
from ..api.selectors import SelectorError, label_selector_as_selector
from .base import Context, Target, object_name, resolve_args
from .cli import Flag, parse
from .describe import PrefixWriter, _without_hash, describe_pod_template
from .errors import CommandError
from .tabwriter import describe_writer

__all__ = ["run", "status_message"]

Obj = dict[str, Any]

FLAGS = (
    Flag("watch", "w", "bool", True),
    Flag("revision", "", "int", 0),
    Flag("timeout", "", "duration", 0.0),
    Flag("to-revision", "", "int", 0),
    Flag("filename", "f", "list"),
    Flag("selector", "l", "str", ""),
    Flag("output", "o", "str", ""),
    Flag("dry-run", "", "str", "none"),
)

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause"


def _int(v: Any) -> int:
    try:
        return int(v or 0)
    except (TypeError, ValueError):
        return 0


def status_message(obj: Obj, revision: int = 0) -> tuple[str, bool]:
    """The ``StatusViewer`` line for a Deployment, DaemonSet or StatefulSet and whether the
    rollout is done; raises :class:`CommandError` for upstream's errors."""
    kind = obj.get("kind", "")
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    name = meta.get("name", "")
    generation = _int(meta.get("generation"))
    observed = _int(status.get("observedGeneration"))
    if kind == "Deployment":
        if revision > 0:
            current = _int((meta.get("annotations") or {}).get(REVISION_ANNOTATION))
            if revision != current:
                raise CommandError(f"desired revision ({revision}) is different from the "
                                   f"running revision ({current})")
        if generation <= observed:
            for c in status.get("conditions") or []:
                if c.get("type") == "Progressing" and c.get("reason") == "ProgressDeadlineExceeded":
                    raise CommandError(f'deployment "{name}" exceeded its progress deadline')
            replicas = spec.get("replicas")
            updated = _int(status.get("updatedReplicas"))
            if replicas is not None and updated < _int(replicas):
                return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of '
                        f"{_int(replicas)} new replicas have been updated...\n", False)
            total = _int(status.get("replicas"))
            if total > updated:
                return (f'Waiting for deployment "{name}" rollout to finish: {total - updated} '
                        "old replicas are pending termination...\n", False)
            available = _int(status.get("availableReplicas"))
            if available < updated:
                return (f'Waiting for deployment "{name}" rollout to finish: {available} of '
                        f"{updated} updated replicas are available...\n", False)
            return f'deployment "{name}" successfully rolled out\n', True
        return "Waiting for deployment spec update to be observed...\n", False
    if kind == "DaemonSet":
        if (spec.get("updateStrategy") or {}).get("type") != "RollingUpdate":
            raise CommandError("rollout status is only available for RollingUpdate strategy "
                               "type")
        if generation <= observed:
            updated = _int(status.get("updatedNumberScheduled"))
            desired = _int(status.get("desiredNumberScheduled"))
            if updated < desired:
                return (f'Waiting for daemon set "{name}" rollout to finish: {updated} out of '
                        f"{desired} new pods have been updated...\n", False)
            available = _int(status.get("numberAvailable"))
            if available < desired:
                return (f'Waiting for daemon set "{name}" rollout to finish: {available} of '
                        f"{desired} updated pods are available...\n", False)
            return f'daemon set "{name}" successfully rolled out\n', True
        return "Waiting for daemon set spec update to be observed...\n", False
    if kind == "StatefulSet":
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type") != "RollingUpdate":
            raise CommandError("rollout status is only available for RollingUpdate strategy "
                               "type")
        if observed == 0 or generation > observed:
            return "Waiting for statefulset spec update to be observed...\n", False
        replicas = spec.get("replicas")
        ready = _int(status.get("readyReplicas"))
        if replicas is not None and ready < _int(replicas):
            return f"Waiting for {_int(replicas) - ready} pods to be ready...\n", False
        ru = strategy.get("rollingUpdate")
        updated = _int(status.get("updatedReplicas"))
        if ru is not None:
            if replicas is not None and ru.get("partition") is not None:
                want = _int(replicas) - _int(ru.get("partition"))
                if updated < want:
                    return ("Waiting for partitioned roll out to finish: "
                            f"{updated} out of {want} new pods have been updated...\n", False)
            return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
        if status.get("updateRevision") != status.get("currentRevision"):
            return ("waiting for statefulset rolling update to complete "
                    f"{updated} pods at revision {status.get('updateRevision', '')}...\n", False)
        return ("statefulset rolling update complete "
                f"{_int(status.get('currentReplicas'))} pods at revision "
                f"{status.get('currentRevision', '')}...\n", True)
    raise CommandError(f"no status viewer has been implemented for {kind}")


def _targets(ctx: Context, flags: dict[str, Any], pos: list[str]) -> list[Target]:
    targets = resolve_args(pos)
    if not targets:
        raise CommandError("required resource not specified")
    for t in targets:
        if not t.name:
            raise CommandError("resource(s) were provided, but no name was specified")
    return targets


def _status(ctx: Context, flags: dict[str, Any], pos: list[str]) -> int:
    targets = _targets(ctx, flags, pos)
    if len(targets) != 1:
        raise CommandError("rollout status is only supported on individual resources and "
                           "resource collections - 2 resources were found")
    t = targets[0]
    info = t.info
    ns = ctx.namespace_for(info, flags)
    obj = ctx.client.get(info, t.name, ns)
    obj = {"apiVersion": info.api_version, "kind": info.kind, **obj}
    state: dict[str, Any] = {"done": False, "error": None}

    def show(o: Obj) -> None:
        try:
            msg, done = status_message({"apiVersion": info.api_version, "kind": info.kind, **o},
                                       flags["revision"])
        except CommandError as exc:
            state["error"] = exc
            state["done"] = True
            return
        ctx.out(msg)
        if done or not flags["watch"]:
            state["done"] = True

    show(obj)
    if state["done"]:
        if state["error"] is not None:
            raise state["error"]
        return 0

    def on_event(etype: str, o: Obj, _cause: str | None) -> None:
        if state["done"] or etype not in ("ADDED", "MODIFIED"):
            return
        show(o)

    handle = ctx.client.watch(info, on_event, ns, name=t.name,
                              resource_version=str(obj["metadata"].get("resourceVersion", "")))
    kernel = ctx.kernel
    limit = flags["timeout"] or ctx.watch_seconds or ctx.default_wait
    deadline = kernel.now + float(limit)
    try:
        while not state["done"]:
            nxt = kernel.peek()
            if nxt is None or nxt > deadline:
                kernel.run(until=max(deadline, kernel.now))
                break
            kernel.step()
    finally:
        handle.stop()
    if state["error"] is not None:
        raise state["error"]
    if not state["done"]:
        raise CommandError("timed out waiting for the condition")
    return 0


def _owned_replica_sets(ctx: Context, dep: Obj) -> list[Obj]:
    meta, spec = dep.get("metadata") or {}, dep.get("spec") or {}
    try:
        sel = str(label_selector_as_selector(spec.get("selector")))
    except SelectorError:
        return []
    items = ctx.client.list("replicasets", meta.get("namespace", ""),
                            label_selector=sel).get("items") or []
    out = []
    for rs in items:
        for ref in (rs.get("metadata") or {}).get("ownerReferences") or []:
            if ref.get("controller") and ref.get("uid") == meta.get("uid"):
                out.append(rs)
    return out


def _owned_revisions(ctx: Context, obj: Obj) -> list[Obj]:
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    try:
        sel = str(label_selector_as_selector(spec.get("selector")))
    except SelectorError:
        return []
    items = ctx.client.list("controllerrevisions", meta.get("namespace", ""),
                            label_selector=sel).get("items") or []
    return [cr for cr in items
            if any(r.get("controller") and r.get("uid") == meta.get("uid")
                   for r in (cr.get("metadata") or {}).get("ownerReferences") or [])]


class _RawSink:
    """A writer that keeps text as is (no column alignment)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)


def _tabbed(lines: list[str]) -> str:
    w = describe_writer()
    w.write("".join(lines))
    return w.flush()


def _history(ctx: Context, flags: dict[str, Any], pos: list[str]) -> int:
    for t in _targets(ctx, flags, pos):
        info = t.info
        obj = ctx.client.get(info, t.name, ctx.namespace_for(info, flags))
        revisions: dict[int, tuple[dict[str, str], Obj | None]] = {}
        if info.kind == "Deployment":
            for rs in _owned_replica_sets(ctx, obj):
                ann = (rs.get("metadata") or {}).get("annotations") or {}
                if REVISION_ANNOTATION in ann:
                    revisions[_int(ann[REVISION_ANNOTATION])] = (
                        ann, (rs.get("spec") or {}).get("template"))
        elif info.kind in ("StatefulSet", "DaemonSet"):
            for cr in _owned_revisions(ctx, obj):
                ann = (cr.get("metadata") or {}).get("annotations") or {}
                template = ((cr.get("data") or {}).get("spec") or {}).get("template")
                revisions[_int(cr.get("revision"))] = (ann, template)
        else:
            raise CommandError(f"no history viewer has been implemented for {info.kind}")
        rev = flags["revision"]
        if rev > 0:
            if rev not in revisions:
                raise CommandError("unable to find the specified revision")
            # printTemplate writes through a PrefixWriter without a tab writer: raw tabs
            sink = _RawSink()
            describe_pod_template(PrefixWriter(sink), revisions[rev][1])
            body = f"with revision #{rev}\n" + "".join(sink.parts)
        else:
            lines = ["REVISION\tCHANGE-CAUSE\n"]
            for r in sorted(revisions):
                cause = revisions[r][0].get(CHANGE_CAUSE_ANNOTATION) or "<none>"
                lines.append(f"{r}\t{cause}\n")
            body = "\n" + _tabbed(lines)
        ctx.out(f"{object_name(info, t.name)} {body}\n")
    return 0


def _undo(ctx: Context, flags: dict[str, Any], pos: list[str]) -> int:
    to_revision = flags["to_revision"]
    for t in _targets(ctx, flags, pos):
        info = t.info
        ns = ctx.namespace_for(info, flags)
        if to_revision < 0:
            raise CommandError(f"unable to find specified revision {to_revision} in history")
        if info.kind != "Deployment":
            result = _undo_revisioned(ctx, info, ns, t.name, to_revision)
        else:
            result = _undo_deployment(ctx, info, ns, t.name, to_revision)
        ctx.out(f"{object_name(info, t.name)} {result}\n")
    return 0


_SKIP_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration", REVISION_ANNOTATION,
                     "deployment.kubernetes.io/revision-history",
                     "deployment.kubernetes.io/desired-replicas",
                     "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to"}


def _undo_deployment(ctx: Context, info: ResourceInfo, ns: str, name: str,
                     to_revision: int) -> str:
    """``DeploymentRollbacker.Rollback``."""
    dep = ctx.client.get(info, name, ns)
    latest: tuple[int, Obj | None] = (-1, None)
    previous: tuple[int, Obj | None] = (-1, None)
    chosen: Obj | None = None
    for rs in _owned_replica_sets(ctx, dep):
        ann = (rs.get("metadata") or {}).get("annotations") or {}
        if REVISION_ANNOTATION not in ann:
            continue
        v = _int(ann[REVISION_ANNOTATION])
        if to_revision == 0:
            if latest[0] < v:
                previous, latest = latest, (v, rs)
            elif previous[0] < v:
                previous = (v, rs)
        elif v == to_revision:
            chosen = rs
    if to_revision > 0 and chosen is None:
        raise CommandError(f"unable to find specified revision {to_revision} in history")
    if to_revision == 0:
        chosen = previous[1]
        if chosen is None:
            raise CommandError(f'no rollout history found for deployment "{name}"')
    assert chosen is not None
    if (dep.get("spec") or {}).get("paused"):
        raise CommandError("you cannot rollback a paused deployment; resume it first with "
                           f"'kubectl rollout resume deployment/{name}' and try again")
    template = (chosen.get("spec") or {}).get("template") or {}
    if _without_hash(template) == _without_hash((dep.get("spec") or {}).get("template")):
        return f"skipped rollback (current template already matches revision {to_revision})"
    restored = _without_hash(template)
    annotations = {k: v for k, v in ((dep.get("metadata") or {}).get("annotations") or {}).items()
                   if k in _SKIP_ANNOTATIONS}
    for k, v in ((chosen.get("metadata") or {}).get("annotations") or {}).items():
        if k not in _SKIP_ANNOTATIONS:
            annotations[k] = v
    patch = [{"op": "replace", "path": "/spec/template", "value": restored},
             {"op": "replace", "path": "/metadata/annotations", "value": annotations}]
    try:
        ctx.client.patch(info, name, json.dumps(patch), ns, patch_type="json")
    except StatusError as exc:
        raise CommandError(f"failed restoring revision {to_revision}: {exc.message}") from None
    return "rolled back"


def _undo_revisioned(ctx: Context, info: ResourceInfo, ns: str, name: str,
                     to_revision: int) -> str:
    """``StatefulSetRollbacker`` / ``DaemonSetRollbacker``: re-apply a ControllerRevision's
    template patch."""
    obj = ctx.client.get(info, name, ns)
    history = sorted(_owned_revisions(ctx, obj), key=lambda cr: _int(cr.get("revision")))
    if to_revision == 0 and len(history) <= 1:
        raise CommandError("no last revision to roll back to")
    if to_revision == 0:
        target = history[-2]
    else:
        matches = [h for h in history if _int(h.get("revision")) == to_revision]
        if not matches:
            raise CommandError(f"unable to find specified revision {to_revision} in history")
        target = matches[0]
    data = target.get("data") or {}
    current = {"spec": {"template": dict((obj.get("spec") or {}).get("template") or {},
                                         **{"$patch": "replace"})}}
    if current == data:
        return f"skipped rollback (current template already matches revision {to_revision})"
    try:
        ctx.client.patch(info, name, json.dumps(data), ns, patch_type="strategic")
    except StatusError as exc:
        raise CommandError(f"failed restoring revision {to_revision}: {exc.message}") from None
    return "rolled back"


def _restart(ctx: Context, flags: dict[str, Any], pos: list[str]) -> int:
    """``rollout restart``: stamp ``kubectl.kubernetes.io/restartedAt`` on the template."""
    for t in _targets(ctx, flags, pos):
        stamp = ctx.kernel.datetime().strftime("%Y-%m-%dT%H:%M:%SZ")
        patch = {"spec": {"template": {"metadata": {"annotations": {
            "kubectl.kubernetes.io/restartedAt": stamp}}}}}
        ctx.client.patch(t.info, t.name, json.dumps(patch), ctx.namespace_for(t.info, flags),
                         patch_type="strategic")
        ctx.out(f"{object_name(t.info, t.name)} restarted\n")
    return 0


def _pause(ctx: Context, flags: dict[str, Any], pos: list[str], paused: bool) -> int:
    for t in _targets(ctx, flags, pos):
        ns = ctx.namespace_for(t.info, flags)
        obj = ctx.client.get(t.info, t.name, ns)
        word = "paused" if paused else "resumed"
        if bool((obj.get("spec") or {}).get("paused")) == paused:
            ctx.out(f"{object_name(t.info, t.name)} already {word}\n")
            continue
        ctx.client.patch(t.info, t.name, json.dumps({"spec": {"paused": paused}}), ns,
                         patch_type="merge")
        ctx.out(f"{object_name(t.info, t.name)} {word}\n")
    return 0


def run(ctx: Context, args: list[str]) -> int:
    if not args or args[0].startswith("-"):
        raise CommandError("rollout needs a subcommand: status, history, undo, restart, pause, "
                           "resume")
    sub, rest = args[0], args[1:]
    flags, pos = parse(rest, FLAGS, f"rollout {sub}")
    if sub == "status":
        return _status(ctx, flags, pos)
    if sub == "history":
        return _history(ctx, flags, pos)
    if sub == "undo":
        return _undo(ctx, flags, pos)
    if sub == "restart":
        return _restart(ctx, flags, pos)
    if sub in ("pause", "resume"):
        return _pause(ctx, flags, pos, sub == "pause")
    raise CommandError(f'unknown command "{sub}" for "kubectl rollout"')
