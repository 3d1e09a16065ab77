"""IPython magics for the notebook: ``%kubectl`` and ``%etcdctl`` against a Cluster.

::

    %load_ext k8s_internals.magics        # or: create a Cluster in IPython (it registers itself)
    %kubectl get pods -o wide
    %etcdctl get /registry/pods --prefix --keys-only
    %kubectl --cluster=lab2 get nodes     # a cluster other than the most recent one

    %%kubectl apply -f -
    apiVersion: v1
    kind: Pod
    ...

The line is handed to ``cluster.kubectl(line)`` / ``cluster.etcdctl(line)`` and the output is
printed exactly as returned. In a cell magic, the body is the command's stdin when the line
reads from ``-`` (``apply -f -``, ``create -f -``); otherwise each non-empty body line is one
more command. IPython expands ``$var`` and ``{expr}`` in the line first.

Which cluster: ``--cluster=NAME`` (or ``--cluster NAME``), else the most recently registered
one. Clusters register with :func:`register_cluster` (the Cluster's constructor calls it).

Taught in notebooks/00-start-here.ipynb.
"""

from __future__ import annotations

import itertools
import shlex
import sys
import weakref
from typing import Any, Protocol

from IPython.core.magic import Magics, line_cell_magic, magics_class

__all__ = [
    "ClusterCommands",
    "ClusterMagics",
    "clusters",
    "current_cluster",
    "load_ipython_extension",
    "register_cluster",
    "unload_ipython_extension",
]


class ClusterCommands(Protocol):
    """What the magics need from a Cluster. ``kubectl`` takes ``stdin=`` for ``-f -``."""

    def kubectl(self, cmd: str, **kw: Any) -> str: ...

    def etcdctl(self, cmd: str) -> str: ...


_CLUSTERS: dict[str, weakref.ReferenceType[Any] | Any] = {}
_ORDER: list[str] = []
_LOADED: weakref.WeakSet[Any] = weakref.WeakSet()


def _deref(ref: Any) -> Any:
    return ref() if isinstance(ref, weakref.ReferenceType) else ref


def register_cluster(cluster: Any, name: str | None = None) -> str:
    """Make ``cluster`` the one the magics use (and reachable as ``--cluster=NAME``);
    returns its name (``name``, the cluster's ``name`` attribute, or ``cluster-N``).
    In IPython, also loads the magics. Clusters are held weakly."""
    name = name or getattr(cluster, "name", None) or f"cluster-{len(_ORDER) + 1}"
    try:
        ref: Any = weakref.ref(cluster)
    except TypeError:
        ref = cluster
    _CLUSTERS[name] = ref
    if name in _ORDER:
        _ORDER.remove(name)
    _ORDER.append(name)
    _autoload()
    return str(name)


def clusters() -> dict[str, Any]:
    """Registered clusters still alive, by name (oldest first)."""
    out = {}
    for n in _ORDER:
        c = _deref(_CLUSTERS.get(n))
        if c is not None:
            out[n] = c
    return out


def current_cluster(name: str | None = None) -> ClusterCommands:
    """The cluster named ``name``, or the most recently registered one still alive."""
    live = clusters()
    if name is not None:
        if name not in live:
            known = ", ".join(live) or "none"
            raise KeyError(f"no cluster named {name!r} (known: {known})")
        return live[name]  # type: ignore[no-any-return]
    if not live:
        raise LookupError("no cluster yet: create one with Cluster(...)")
    return live[list(live)[-1]]  # type: ignore[no-any-return]


def _split_cluster(line: str) -> tuple[str | None, str]:
    """``--cluster=NAME rest`` / ``--cluster NAME rest`` → (NAME, rest)."""
    text = line.strip()
    if not text.startswith("--cluster"):
        return None, text
    head, _, rest = text.partition(" ")
    if head.startswith("--cluster="):
        return head.split("=", 1)[1], rest.strip()
    if head != "--cluster":
        return None, text
    name, _, rest = rest.strip().partition(" ")
    return name, rest.strip()


def _reads_stdin(cmd: str) -> bool:
    try:
        words = shlex.split(cmd)
    except ValueError:
        return False
    pairs = itertools.pairwise(words)
    return (any(a in ("-f", "--filename") and b == "-" for a, b in pairs)
            or "--filename=-" in words or "-f-" in words)


@magics_class
class ClusterMagics(Magics):
    """``%kubectl`` / ``%%kubectl`` and ``%etcdctl`` / ``%%etcdctl``."""

    def _run(self, tool: str, line: str, cell: str | None) -> None:
        name, cmd = _split_cluster(line)
        try:
            cluster = current_cluster(name)
        except (KeyError, LookupError) as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return
        fn = getattr(cluster, tool)
        commands: list[tuple[str, str | None]] = []
        if cell is not None and tool == "kubectl" and _reads_stdin(cmd):
            commands.append((cmd, cell))
        else:
            if cmd:
                commands.append((cmd, None))
            for extra in (cell or "").splitlines():
                if extra.strip() and not extra.lstrip().startswith("#"):
                    commands.append((extra.strip(), None))
        for c, stdin in commands:
            if stdin is None:
                out = fn(c)
            else:
                try:
                    out = fn(c, stdin=stdin)
                except TypeError:
                    print("error: this cluster's kubectl() takes no stdin (needed for -f -)",
                          file=sys.stderr)
                    return
            sys.stdout.write(str(out))
        sys.stdout.flush()

    @line_cell_magic
    def kubectl(self, line: str, cell: str | None = None) -> None:
        """Run ``cluster.kubectl(line)`` and print its output."""
        self._run("kubectl", line, cell)

    @line_cell_magic
    def etcdctl(self, line: str, cell: str | None = None) -> None:
        """Run ``cluster.etcdctl(line)`` and print its output."""
        self._run("etcdctl", line, cell)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext k8s_internals.magics``."""
    if ipython in _LOADED:
        return
    ipython.register_magics(ClusterMagics)
    _LOADED.add(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext k8s_internals.magics``: the magics stay until the shell restarts (IPython
    has no way to unregister a magics class); only the bookkeeping is reset."""
    _LOADED.discard(ipython)


def _autoload() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    ip = get_ipython()
    if ip is not None:
        load_ipython_extension(ip)
