"""``kubectl api-resources``, ``version`` and ``cluster-info`` —
``staging/src/k8s.io/kubectl/pkg/cmd/{apiresources,version,clusterinfo}``.

``api-resources`` prints ``NAME SHORTNAMES APIVERSION NAMESPACED KIND`` (``-o wide`` adds
``VERBS`` and ``CATEGORIES``) for every served resource, sorted by API group (core first) then
name, subresources left out. ``version`` prints the client's version (the kubectl these outputs
follow, 1.32) and the server's.
"""

from __future__ import annotations

from ..api.resources import RESOURCES
from .base import Context
from .cli import Flag, parse
from .errors import CommandError
from .get import go_json
from .tabwriter import table_writer
from .yamlout import dump

__all__ = ["CLIENT_VERSION", "KUSTOMIZE_VERSION", "SERVER_VERSION", "run_api_resources",
           "run_cluster_info", "run_version"]

#: the kubectl whose output formats this package follows
CLIENT_VERSION = "v1.32.4"
KUSTOMIZE_VERSION = "v5.5.0"
#: what the simulated kube-apiserver reports (``GET /version``)
SERVER_VERSION = "v1.32.0"
#: where ``cluster-info`` says the control plane runs (``k8s-internals serve`` default)
SERVER_URL = "https://127.0.0.1:6443"

_API_FLAGS = (
    Flag("output", "o", "str", ""),
    Flag("namespaced", "", "str", ""),
    Flag("api-group", "", "str", None),
    Flag("verbs", "", "list"),
    Flag("sort-by", "", "str", ""),
    Flag("no-headers", "", "bool", False),
    Flag("cached", "", "bool", False),
    Flag("categories", "", "list"),
)


def run_api_resources(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, _API_FLAGS, "api-resources")
    if pos:
        raise CommandError(f"unexpected arguments: {pos}\nSee 'kubectl api-resources -h' for "
                           "help and examples")
    output = flags["output"]
    if output not in ("", "wide", "name"):
        raise CommandError("--output wide or --output name is the only supported output")
    rows = list(RESOURCES)
    if flags["namespaced"]:
        want = flags["namespaced"] in ("true", "True", "1")
        rows = [r for r in rows if r.namespaced == want]
    if flags["api_group"] is not None:
        rows = [r for r in rows if r.group == flags["api_group"]]
    if flags["verbs"]:
        rows = [r for r in rows if set(flags["verbs"]) <= set(r.verbs)]
    if flags["categories"]:
        rows = [r for r in rows if set(flags["categories"]) <= set(r.categories)]
    sort_by = flags["sort_by"]
    if sort_by == "kind":
        rows.sort(key=lambda r: (r.kind, r.plural))
    elif sort_by == "name":
        rows.sort(key=lambda r: (r.plural,))
    else:
        rows.sort(key=lambda r: (r.group, r.plural))
    if output == "name":
        for r in rows:
            ctx.out((f"{r.plural}.{r.group}" if r.group else r.plural) + "\n")
        return 0
    w = table_writer()
    if not flags["no_headers"]:
        header = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        if output == "wide":
            header += ["VERBS", "CATEGORIES"]
        w.write("\t".join(header) + "\n")
    for r in rows:
        cells = [r.plural, ",".join(r.short_names), r.api_version,
                 "true" if r.namespaced else "false", r.kind]
        if output == "wide":
            cells += ["[" + " ".join(r.verbs) + "]", ",".join(r.categories)]
        w.write("\t".join(cells) + "\n")
    ctx.out(w.flush())
    return 0


_VERSION_FLAGS = (
    Flag("client", "", "bool", False),
    Flag("output", "o", "str", ""),
)


def _version_info(git_version: str) -> dict[str, str]:
    major, minor = git_version.lstrip("v").split(".")[:2]
    return {"major": major, "minor": minor, "gitVersion": git_version, "gitCommit": "",
            "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z",
            "goVersion": "go1.23.6", "compiler": "gc", "platform": "linux/amd64"}


def run_version(ctx: Context, args: list[str]) -> int:
    flags, _ = parse(args, _VERSION_FLAGS, "version")
    output = flags["output"]
    if output in ("json", "yaml"):
        doc: dict[str, object] = {"clientVersion": _version_info(CLIENT_VERSION),
                                  "kustomizeVersion": KUSTOMIZE_VERSION}
        if not flags["client"]:
            doc["serverVersion"] = _version_info(SERVER_VERSION)
        ctx.out(go_json(doc) if output == "json" else dump(doc))
        return 0
    if output:
        raise CommandError("--output must be 'yaml' or 'json'")
    ctx.out(f"Client Version: {CLIENT_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n")
    if not flags["client"]:
        ctx.out(f"Server Version: {SERVER_VERSION}\n")
    return 0


def run_cluster_info(ctx: Context, args: list[str]) -> int:
    """``cluster-info``: the control plane URL and cluster services (colored, as upstream)."""
    parse(args, (), "cluster-info")
    green, yellow, reset = "\x1b[0;32m", "\x1b[0;33m", "\x1b[0m"
    ctx.out(f"{green}Kubernetes control plane{reset} is running at {yellow}{SERVER_URL}"
            f"{reset}\n")
    services = ctx.client.list("services", "kube-system",
                               label_selector="kubernetes.io/cluster-service=true"
                               ).get("items") or []
    for svc in services:
        meta = svc.get("metadata") or {}
        name = (meta.get("labels") or {}).get("kubernetes.io/name") or meta.get("name", "")
        port = ((svc.get("spec") or {}).get("ports") or [{}])[0]
        port_name = port.get("name") or str(port.get("port", ""))
        link = (f"{SERVER_URL}/api/v1/namespaces/kube-system/services/"
                f"{meta.get('name', '')}:{port_name}/proxy")
        ctx.out(f"{green}{name}{reset} is running at {yellow}{link}{reset}\n")
    ctx.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info "
            "dump'.\n")
    return 0
