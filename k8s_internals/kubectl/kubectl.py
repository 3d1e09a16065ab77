"""The in-process kubectl: ``Kubectl(client, kernel).run("get pods -o wide")`` returns the text
the real kubectl prints (stdout and stderr, in order), byte for byte, with ages and times taken
from the simulation's virtual clock.

Commands (one module per family, as ``staging/src/k8s.io/kubectl/pkg/cmd/<command>``):

=====================  ==========================================================
``get``                :mod:`.get` (tables, ``-o wide|yaml|json|name|jsonpath``, ``-w``)
``describe``           :mod:`.describe`
``apply``, ``create``  :mod:`.apply` (``-f``; client-side apply with last-applied)
``delete``             :mod:`.apply`
``scale``, ``label``,  :mod:`.mutate`
``annotate``
``patch``              :mod:`.patch` (``--type strategic|merge|json``)
``set image``          :mod:`.set`
``rollout``            :mod:`.rollout` (``status``, ``history``, ``undo``, ``restart``...)
``logs``               :mod:`.logs`
``exec``               :mod:`.exec` (``-- COMMAND``, ``-c``, ``-i`` with ``stdin``)
``auth can-i``         :mod:`.auth`
``cordon``,            :mod:`.drain` (``drain`` evicts through ``pods/eviction`` and
``uncordon``,          retries PodDisruptionBudget refusals every 5 s)
``drain``
``api-resources``,     :mod:`.discovery`
``version``,
``cluster-info``
=====================  ==========================================================

Waiting commands (``get -w``, ``rollout status``, ``delete`` of a pod with a grace period)
advance the kernel: bounded by their timeout flag or the ``watch_seconds`` given to
:meth:`Kubectl.run`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..api.errors import StatusError
from ..client.client import Client
from ..sim import Kernel
from . import apply, auth, describe, discovery, drain, get, logs, mutate, patch, rollout
from . import exec as exec_cmd
from . import set as set_cmd
from .base import Context, Output
from .cli import UsageError, split
from .errors import CommandError, format_error
from .jsonpath import JSONPathError

__all__ = ["COMMANDS", "Kubectl", "Result"]

Command = Callable[[Context, list[str]], int]

COMMANDS: dict[str, Command] = {
    "get": get.run,
    "describe": describe.run,
    "apply": apply.run_apply,
    "create": apply.run_create,
    "delete": apply.run_delete,
    "scale": mutate.run_scale,
    "label": mutate.run_label,
    "annotate": mutate.run_annotate,
    "patch": patch.run,
    "set": set_cmd.run,
    "rollout": rollout.run,
    "logs": logs.run,
    "exec": exec_cmd.run,
    "auth": auth.run,
    "cordon": drain.run_cordon,
    "uncordon": drain.run_uncordon,
    "drain": drain.run_drain,
    "api-resources": discovery.run_api_resources,
    "version": discovery.run_version,
    "cluster-info": discovery.run_cluster_info,
}


@dataclass
class Result:
    """One invocation: what went to stdout and stderr, and the exit code."""

    stdout: str
    stderr: str
    code: int
    text: str  # both streams interleaved as a terminal shows them


class Kubectl:
    """kubectl bound to one identity (a :class:`~k8s_internals.client.client.Client`).

    ``files`` maps paths to manifest texts for ``-f`` (looked up before the disk).
    """

    def __init__(self, client: Client, kernel: Kernel, namespace: str = "default", *,
                 files: dict[str, str] | None = None) -> None:
        self.client = client
        self.kernel = kernel
        self.namespace = namespace
        self.files: dict[str, str] = dict(files or {})
        self.last: Result | None = None

    def exec(self, command: str | Sequence[str], *, stdin: str | None = None,
             files: dict[str, str] | None = None, watch_seconds: float | None = None) -> Result:
        """Run one command; returns its :class:`Result`."""
        output = Output()
        ctx = Context(self.client, self.kernel, self.namespace, output,
                      {**self.files, **(files or {})}, stdin, watch_seconds)
        code = 0
        try:
            args = split(command)
            if not args:
                raise UsageError("error: no command given")
            name, rest = args[0], args[1:]
            handler = COMMANDS.get(name)
            if handler is None:
                raise UsageError(f'error: unknown command "{name}" for "kubectl"')
            code = handler(ctx, rest)
        except UsageError as exc:
            output.err(str(exc) + "\n")
            code = 1
        except (StatusError, CommandError, JSONPathError) as exc:
            output.err(format_error(exc))
            code = 1
        except ValueError as exc:  # shlex: "No closing quotation"
            output.err(f"error: {exc}\n")
            code = 1
        self.last = Result(output.stdout, output.stderr, code, output.text())
        return self.last

    def run(self, command: str | Sequence[str], *, stdin: str | None = None,
            files: dict[str, str] | None = None, watch_seconds: float | None = None) -> str:
        """Run one command; returns what a terminal would show (stdout and stderr)."""
        return self.exec(command, stdin=stdin, files=files, watch_seconds=watch_seconds).text

    def __call__(self, command: str, **kw: Any) -> str:
        return self.run(command, **kw)
