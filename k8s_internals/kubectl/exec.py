"""``kubectl exec`` — ``staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go``.

``exec (POD | TYPE/NAME) [-c CONTAINER] [-i] -- COMMAND [args...]``: get the pod (``pods "x"
not found``), refuse a completed one (``cannot exec into a container in a completed pod;
current phase is Succeeded``), choose the container as ``podcmd.FindOrDefaultContainerByName``
(``-c``; else the ``kubectl.kubernetes.io/default-container`` annotation; else the first, with
``Defaulted container "a" out of: a, b`` on stderr when there are several), then connect to
``pods/x/exec`` — the API server's checks of :func:`k8s_internals.api.http.exec.connect`
(authorization of ``create`` on ``pods/exec``, the container, the kubelet) — and run the
command. stdout and stderr go to their streams; a non-zero exit prints ``command terminated
with exit code N`` and kubectl exits with ``N``.

Simplified: the in-process kubectl is not interactive: ``-i`` reads the ``stdin`` given to
:meth:`~k8s_internals.kubectl.kubectl.Kubectl.run`, ``-t`` prints upstream's ``Unable to use
a TTY - input is not a terminal or the right kind of file`` (stdin is never a terminal here).
The command runs to completion at once (its sleeps take no virtual time: see
:func:`k8s_internals.node.kubelet.exec.exec_sync`). It needs the API server in the same process
(``cluster.kubectl(...)``).
"""

from __future__ import annotations

from typing import Any

from ..api.resources import lookup
from .base import Context
from .cli import Flag, UsageError, parse
from .errors import CommandError

__all__ = ["run"]

FLAGS = (
    Flag("container", "c", "str", ""),
    Flag("stdin", "i", "bool", False),
    Flag("tty", "t", "bool", False),
    Flag("quiet", "q", "bool", False),
    Flag("filename", "f", "list", []),
    Flag("pod-running-timeout", "", "duration", 60.0),
)

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
DEPRECATED = ("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future "
              "version. Use kubectl exec [POD] -- [COMMAND] instead.\n")


def _all_container_names(pod: dict[str, Any]) -> str:
    spec = pod.get("spec") or {}
    names = [c.get("name", "") for c in spec.get("containers") or []]
    names += [f"{c.get('name', '')} (ephem)" for c in spec.get("ephemeralContainers") or []]
    names += [f"{c.get('name', '')} (init)" for c in spec.get("initContainers") or []]
    return ", ".join(names)


def default_container(ctx: Context, pod: dict[str, Any], quiet: bool) -> str:
    """``podcmd.FindOrDefaultContainerByName`` with no name given."""
    spec = pod.get("spec") or {}
    meta = pod.get("metadata") or {}
    containers = spec.get("containers") or []
    if not containers:
        raise CommandError(f"pod {meta.get('namespace')}/{meta.get('name')} does not have any "
                           "containers")
    wanted = (meta.get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION, "")
    every = [c.get("name", "") for key in ("containers", "initContainers", "ephemeralContainers")
             for c in spec.get(key) or []]
    if wanted and wanted in every:
        return str(wanted)
    first = str(containers[0].get("name", ""))
    if not quiet and (len(containers) > 1 or spec.get("initContainers")
                      or spec.get("ephemeralContainers")):
        ctx.err(f'Defaulted container "{first}" out of: {_all_container_names(pod)}\n')
    return first


def run(ctx: Context, args: list[str]) -> int:
    from ..api.http.exec import ExecOptions, KubeletError, connect
    from ..node.kubelet.exec import exec_status, exec_sync
    from .logs import _pod_for

    dash = args.index("--") if "--" in args else -1
    flags, pos = parse(args[:dash] if dash >= 0 else args, FLAGS, "exec")
    if dash >= 0:
        command = args[dash + 1:]
    else:
        command = pos[1:]
        if len(pos) > 1 and not flags["quiet"]:
            ctx.err(DEPRECATED)
    if not pos:
        raise UsageError("error: pod, type/name or --filename must be specified")
    if not command:
        raise CommandError("you must specify at least one command for the container")
    pod = _pod_for(ctx, flags, pos[0], announce=False)
    phase = (pod.get("status") or {}).get("phase", "")
    if phase in ("Succeeded", "Failed"):
        raise CommandError("cannot exec into a container in a completed pod; current phase is "
                           f"{phase}")
    container = flags["container"] or default_container(ctx, pod, flags["quiet"])
    stdin = flags["stdin"]
    if stdin and flags["tty"] and not flags["quiet"]:
        ctx.err("Unable to use a TTY - input is not a terminal or the right kind of file\n")
    meta = pod.get("metadata") or {}
    api = getattr(ctx.client.transport, "server", None)
    if api is None:
        raise CommandError("exec needs the API server in this process (cluster.kubectl)")
    info = lookup("", "pods")
    assert info is not None
    req = ctx.client._request("create", info, namespace=meta.get("namespace", ""),
                              name=meta.get("name", ""), subresource="exec",
                              params={"container": container, "stdout": "true",
                                      "stderr": "true", "stdin": "true" if stdin else None})
    opts = ExecOptions(command, container, stdin, True, True, False)
    try:
        target = connect(api, req, opts)
    except KubeletError as exc:
        raise CommandError(f"unable to upgrade connection: {exc.text}") from None
    trace = target.trace
    trace.code, trace.end = 101, api.kernel.now
    api.tracer.finish(trace)
    result, output = exec_sync(target.container, command, (ctx.stdin or "") if stdin else "")
    for stream, text in output:
        (ctx.err if stream == "stderr" else ctx.out)(text)
    status = exec_status(result, command)
    if status["status"] == "Success":
        return 0
    if status.get("reason") == "NonZeroExitCode":
        ctx.err(f"command terminated with exit code {result.code}\n")
        return int(result.code or 1)
    raise CommandError(str(status["message"]))
