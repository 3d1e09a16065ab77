"""What every command shares: the :class:`Context` a command runs in (client, virtual clock,
namespace, output streams, files) and the resource-argument resolution of
``cli-runtime``'s ``resource.Builder`` (``TYPE``, ``TYPE NAME...``, ``TYPE/NAME...``,
``TYPE1,TYPE2``, the ``all`` category).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..api.resources import RESOURCES, ResourceInfo, by_kind, find
from ..client.client import Client
from ..sim import Kernel
from .errors import CommandError

__all__ = [
    "Context",
    "Output",
    "Target",
    "display_kind",
    "object_name",
    "resolve_args",
    "resolve_type",
    "resource_for",
]


@dataclass
class Output:
    """stdout and stderr, kept in the order they were written (as a terminal shows them)."""

    chunks: list[tuple[str, str]] = field(default_factory=list)

    def out(self, text: str) -> None:
        if text:
            self.chunks.append(("stdout", text))

    def err(self, text: str) -> None:
        if text:
            self.chunks.append(("stderr", text))

    @property
    def stdout(self) -> str:
        return "".join(t for s, t in self.chunks if s == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(t for s, t in self.chunks if s == "stderr")

    def text(self) -> str:
        return "".join(t for _, t in self.chunks)


@dataclass
class Context:
    """One command invocation."""

    client: Client
    kernel: Kernel
    namespace: str
    output: Output
    files: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    watch_seconds: float | None = None
    #: how long commands that wait (rollout status, watches, delete --wait) may advance the
    #: virtual clock when no timeout is given
    default_wait: float = 600.0

    def now(self) -> datetime:
        """Virtual "now" (ages and ``RFC1123Z`` times are measured from it)."""
        return self.kernel.datetime()

    def out(self, text: str) -> None:
        self.output.out(text)

    def err(self, text: str) -> None:
        self.output.err(text)

    def namespace_for(self, info: ResourceInfo, flags: dict[str, Any]) -> str:
        """The namespace a request for ``info`` goes to (``""`` for cluster-scoped kinds)."""
        if not info.namespaced:
            return ""
        return str(flags.get("namespace") or self.namespace)


def display_kind(info: ResourceInfo) -> str:
    """``GroupKind.String()`` lower-cased, as kubectl prefixes names: ``deployment.apps``."""
    kind = info.kind.lower()
    return f"{kind}.{info.group}" if info.group else kind


def object_name(info: ResourceInfo, name: str) -> str:
    """``kubectl -o name`` / the operation printer: ``deployment.apps/kubia``."""
    return f"{display_kind(info)}/{name}"


def resolve_type(name: str) -> ResourceInfo:
    """Resolve what the user typed (``po``, ``deployments.apps``...) or fail as kubectl does."""
    info = find(name)
    if info is None:
        raise CommandError(f'the server doesn\'t have a resource type "{name}"')
    return info


def resource_for(obj: dict[str, Any], source: str = "") -> ResourceInfo:
    """The resource serving an object from a manifest (by ``apiVersion`` and ``kind``)."""
    api_version = str(obj.get("apiVersion", ""))
    kind = str(obj.get("kind", ""))
    info = by_kind(api_version, kind)
    if info is None:
        meta = obj.get("metadata") or {}
        raise CommandError(
            f'resource mapping not found for name: "{meta.get("name", "")}" namespace: '
            f'"{meta.get("namespace", "")}" from "{source}": no matches for kind "{kind}" in '
            f'version "{api_version}"\nensure CRDs are installed first')
    return info


def _expand(type_arg: str) -> list[ResourceInfo]:
    if type_arg == "all":
        return [r for r in RESOURCES if "all" in r.categories]
    return [resolve_type(type_arg)]


@dataclass
class Target:
    """One thing to fetch: a resource and a name (``""``: list them all)."""

    info: ResourceInfo
    name: str = ""


def resolve_args(args: list[str]) -> list[Target]:
    """``ResourceTypeOrNameArgs``: turn positional arguments into targets, in order."""
    if not args:
        return []
    if any("/" in a for a in args):
        targets = []
        for a in args:
            if "/" not in a:
                raise CommandError(
                    "there is no need to specify a resource type as a separate argument when "
                    "passing arguments in resource/name form (e.g. 'kubectl get "
                    "resource/<resource_name>' instead of 'kubectl get resource "
                    "resource/<resource_name>'")
            type_arg, _, name = a.partition("/")
            if not name:
                raise CommandError("arguments in resource/name form must have a single "
                                   "resource and name")
            targets.append(Target(resolve_type(type_arg), name))
        return targets
    types: list[ResourceInfo] = []
    for t in args[0].split(","):
        if t:
            types.extend(_expand(t))
    names = args[1:]
    if not names:
        return [Target(info) for info in types]
    return [Target(info, n) for info in types for n in names]
