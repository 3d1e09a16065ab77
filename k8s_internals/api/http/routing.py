"""From an HTTP method and URL to what the API server is asked: upstream's ``RequestInfo``.

Mirrors ``staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go``
(``RequestInfoFactory.NewRequestInfo``), step for step::

    GET    /api/v1/namespaces/default/pods              → list   pods  ns=default
    GET    /api/v1/pods?watch=true                      → watch  pods  (all namespaces)
    GET    /api/v1/watch/namespaces/default/pods/web    → watch  pods  ns=default name=web
    GET    /api/v1/namespaces/default/pods/web/log      → get    pods/log
    POST   /apis/apps/v1/namespaces/default/deployments → create deployments.apps
    DELETE /api/v1/namespaces/default/configmaps        → deletecollection configmaps
    GET    /api/v1/namespaces/kube-system               → get    namespaces  name=kube-system
    GET    /api, /apis/apps/v1, /version, /healthz      → non-resource request, verb "get"

- the first segment must be ``api`` (no group) or ``apis`` (then a group); shorter URLs
  (``/api/v1``, ``/apis/apps/v1``) are non-resource requests (discovery);
- ``/watch/`` and ``/proxy/`` after the version are the deprecated "special verbs";
- ``namespaces/<ns>/<resource>`` makes ``<ns>`` the namespace, except for the namespace's own
  subresources (``status``, ``finalize``), and ``namespaces/<name>`` also sets the namespace
  to ``<name>`` (upstream does, for authorization);
- a ``get`` without a name is a ``list``, or a ``watch`` when ``?watch=`` parses as true
  (Go's ``strconv.ParseBool``; an unparsable value other than ``false``/``0`` also counts);
  a ``fieldSelector=metadata.name=<x>`` then names the object (for authorization);
- a ``delete`` without a name is a ``deletecollection``.

:func:`to_request` turns the result into the :class:`~k8s_internals.api.request.Request` the
:class:`~k8s_internals.api.server.APIServer` handles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from ..request import Request, parse_bool
from ..resources import lookup

__all__ = ["RequestInfo", "parse_query", "request_info", "to_request"]

API_PREFIXES = ("api", "apis")
GROUPLESS_API_PREFIXES = ("api",)
SPECIAL_VERBS = ("proxy", "watch")
SPECIAL_VERBS_NO_SUBRESOURCES = ("proxy",)
NAMESPACE_SUBRESOURCES = ("status", "finalize")
_METHOD_VERBS = {"POST": "create", "GET": "get", "HEAD": "get", "PUT": "update",
                 "PATCH": "patch", "DELETE": "delete"}


@dataclass
class RequestInfo:
    """``request.RequestInfo``."""

    is_resource_request: bool = False
    path: str = ""
    verb: str = ""
    api_prefix: str = ""
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)
    #: the query, first value of each parameter (what ``url.Values.Get`` returns)
    params: dict[str, str] = field(default_factory=dict)


def parse_query(query: str) -> dict[str, str]:
    """The first value of each query parameter (``url.Values.Get``), blanks kept."""
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


def _split_path(path: str) -> list[str]:
    """``splitPath``: ``/api/v1/pods/`` → ``["api", "v1", "pods"]``."""
    path = path.strip("/")
    return path.split("/") if path else []


def _is_watch(params: dict[str, str]) -> bool:
    value = params.get("watch")
    if value is None:
        return False
    if value in ("", "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false",
                 "False"):
        return parse_bool(value)
    # DecodeParameters failed: upstream falls back to "anything but false/0 is a watch"
    return value.lower() not in ("false", "0")


def _exact_name(field_selector: str) -> str:
    """``RequiresExactMatch("metadata.name")`` of a field selector (``=`` or ``==``)."""
    for term in field_selector.split(","):
        for op in ("==", "="):
            key, sep, value = term.partition(op)
            if sep and key.strip() == "metadata.name" and "!" not in key:
                name = value.strip()
                # IsValidPathSegmentName: no "/", "%", and not "." or ".."
                if name and name not in (".", "..") and "/" not in name and "%" not in name:
                    return name
                return ""
    return ""


def request_info(method: str, url: str) -> RequestInfo:
    """``NewRequestInfo`` for ``method`` and ``url`` (path and query)."""
    split = urlsplit(url)
    path = unquote(split.path) or "/"
    params = parse_query(split.query)
    info = RequestInfo(path=path, verb=method.lower(), params=params)
    parts = _split_path(path)
    if len(parts) < 3:
        return info
    if parts[0] not in API_PREFIXES:
        return info
    info.api_prefix = parts[0]
    current = parts[1:]
    if info.api_prefix not in GROUPLESS_API_PREFIXES:
        if len(current) < 3:
            return info
        info.api_group = current[0]
        current = current[1:]
    info.is_resource_request = True
    info.api_version = current[0]
    current = current[1:]
    if current[0] in SPECIAL_VERBS:
        if len(current) < 2:
            raise ValueError(f"unable to determine kind and namespace from url, {url}")
        info.verb = current[0]
        current = current[1:]
    else:
        info.verb = _METHOD_VERBS.get(method.upper(), "")
    if current[0] == "namespaces" and len(current) > 1:
        info.namespace = current[1]
        if len(current) > 2 and current[2] not in NAMESPACE_SUBRESOURCES:
            current = current[2:]
    info.parts = current
    if len(current) >= 3 and info.verb not in SPECIAL_VERBS_NO_SUBRESOURCES:
        info.subresource = current[2]
    if len(current) >= 2:
        info.name = current[1]
    if len(current) >= 1:
        info.resource = current[0]
    if not info.name and info.verb == "get":
        info.verb = "watch" if _is_watch(params) else "list"
        info.name = _exact_name(params.get("fieldSelector", ""))
    if not info.name and info.verb == "delete":
        info.verb = "deletecollection"
    return info


def to_request(info: RequestInfo, *, body: bytes | None = None,
               content_type: str = "application/json",
               headers: dict[str, str] | None = None,
               client_cert: tuple[str, tuple[str, ...]] | None = None,
               user_agent: str = "", parent_id: str | None = None) -> Request:
    """The :class:`Request` for a resource request.

    One adjustment to what :func:`request_info` says, because the simulator's ``Request``
    carries one namespace for both authorization and the handlers: a cluster-scoped resource
    gets no namespace (so ``namespaces/<name>`` is authorized cluster-wide, where upstream
    also checks RoleBindings in ``<name>``). The name a ``fieldSelector=metadata.name=``
    gives a list or watch is kept, as upstream, for authorization (``resourceNames``).
    """
    resource = lookup(info.api_group, info.resource)
    namespace = info.namespace
    if resource is not None and not resource.namespaced:
        namespace = ""
    return Request(
        verb=info.verb, resource=info.resource, group=info.api_group,
        version=info.api_version, namespace=namespace, name=info.name,
        subresource=info.subresource, body=body, content_type=content_type,
        params=dict(info.params), headers=dict(headers or {}), client_cert=client_cert,
        parent_id=parent_id, path=info.path, user_agent=user_agent)
