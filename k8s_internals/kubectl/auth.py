"""``kubectl auth can-i VERB RESOURCE [NAME]`` — ``staging/src/k8s.io/kubectl/pkg/cmd/auth/
cani.go``: a ``SelfSubjectAccessReview`` for the caller; prints ``yes`` or ``no`` (exit code 1
for ``no``), and with ``--list`` the caller's rules from a ``SelfSubjectRulesReview``.
"""

from __future__ import annotations

from .base import Context, resolve_type
from .cli import Flag, parse
from .errors import CommandError
from .tabwriter import table_writer

__all__ = ["run"]

FLAGS = (
    Flag("all-namespaces", "A", "bool", False),
    Flag("list", "", "bool", False),
    Flag("quiet", "q", "bool", False),
    Flag("subresource", "", "str", ""),
    Flag("no-headers", "", "bool", False),
)


def _can_i(ctx: Context, args: list[str]) -> int:
    flags, pos = parse(args, FLAGS, "auth can-i")
    ns = "" if flags["all_namespaces"] else (flags["namespace"] or ctx.namespace)
    if flags["list"]:
        body = {"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
                "spec": {"namespace": ns}}
        review = ctx.client.call("create", "selfsubjectrulesreviews", body=body)
        w = table_writer()
        if not flags["no_headers"]:
            w.write("Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
        for r in (review.get("status") or {}).get("resourceRules") or []:
            groups = r.get("apiGroups") or [""]
            res = ", ".join(f"{x}.{g}" if g else x for x in r.get("resources") or []
                            for g in groups)
            w.write(f"{res}\t[]\t[{' '.join(r.get('resourceNames') or [])}]\t"
                    f"[{' '.join(r.get('verbs') or [])}]\n")
        for r in (review.get("status") or {}).get("nonResourceRules") or []:
            w.write(f"\t[{' '.join(r.get('nonResourceURLs') or [])}]\t[]\t"
                    f"[{' '.join(r.get('verbs') or [])}]\n")
        ctx.out(w.flush())
        return 0
    if len(pos) < 2:
        raise CommandError("you must specify two arguments: verb resource or verb resource/"
                           "resourceName.\nSee 'kubectl auth can-i -h' for help and examples")
    verb, resource = pos[0], pos[1]
    name = pos[2] if len(pos) > 2 else ""
    if "/" in resource:
        resource, _, name = resource.partition("/")
    info = resolve_type(resource)
    allowed = ctx.client.can_i(verb, info.qualified if info.group else info.plural,
                               ns if info.namespaced else "", name, flags["subresource"])
    if not flags["quiet"]:
        ctx.out("yes\n" if allowed else "no\n")
    return 0 if allowed else 1


def run(ctx: Context, args: list[str]) -> int:
    if not args or args[0] != "can-i":
        raise CommandError("only 'kubectl auth can-i' is available here")
    return _can_i(ctx, args[1:])
