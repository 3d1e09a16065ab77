"""The client every component uses: an identity (a bearer token or a client certificate) and a
transport. Every call goes through the API server's whole chain.

Dict-based, like client-go's ``dynamic`` client: objects are plain JSON dicts. Resources are
named as kubectl names them (``pods``, ``po``, ``deployments.apps``, ``deploy``). Errors raise
:class:`ApiError` carrying the server's ``Status``.

Each request carries the id of the request whose watch event caused the current work
(:mod:`.causality`), so traces form one causal tree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..api.errors import StatusError
from ..api.request import Request
from ..api.resources import ResourceInfo, find
from .causality import current_cause
from .transport import Transport, WatchHandle

__all__ = ["PATCH_TYPES", "ApiError", "Client", "resolve"]

#: patch type → Content-Type, as ``kubectl patch --type`` and client-go's ``types.PatchType``
PATCH_TYPES = {
    "json": "application/json-patch+json",
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}


class ApiError(StatusError):
    """A non-2xx answer; ``status`` is the server's ``Status`` body."""


def resolve(resource: str | ResourceInfo) -> ResourceInfo:
    if isinstance(resource, ResourceInfo):
        return resource
    info = find(resource)
    if info is None:
        raise ApiError({"kind": "Status", "apiVersion": "v1", "metadata": {},
                        "status": "Failure", "code": 404, "reason": "NotFound",
                        "message": f'the server doesn\'t have a resource type "{resource}"'})
    return info


class Client:
    """A client with one identity. ``name`` is what traces and watches call it."""

    def __init__(
        self,
        transport: Transport,
        token: str | None = None,
        *,
        client_cert: tuple[str, tuple[str, ...]] | None = None,
        user_agent: str = "k8s-internals",
        name: str = "",
    ) -> None:
        self.transport = transport
        self.token = token
        self.client_cert = client_cert
        self.user_agent = user_agent
        self.name = name or user_agent
        self.requests = 0

    def with_token(self, token: str, name: str = "") -> Client:
        return Client(self.transport, token, user_agent=name or self.user_agent,
                      name=name or self.name)

    # -- raw ---------------------------------------------------------------------------------

    def _request(
        self,
        verb: str,
        info: ResourceInfo,
        namespace: str = "",
        name: str = "",
        subresource: str = "",
        body: Any = None,
        params: dict[str, Any] | None = None,
        content_type: str = "application/json",
    ) -> Request:
        headers = {"User-Agent": self.user_agent}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return Request(
            verb=verb, resource=info.plural, group=info.group, version=info.version,
            namespace=namespace if info.namespaced else "", name=name, subresource=subresource,
            body=body, content_type=content_type,
            params={k: str(v) for k, v in (params or {}).items() if v is not None and v != ""},
            headers=headers, client_cert=self.client_cert, parent_id=current_cause(),
            user_agent=self.user_agent)

    def call(self, verb: str, resource: str | ResourceInfo, **kw: Any) -> Any:
        """One request; returns the response body or raises :class:`ApiError`."""
        info = resolve(resource)
        resp = self.transport.request(self._request(verb, info, **kw))
        self.requests += 1
        if not resp.ok:
            raise ApiError(resp.body if isinstance(resp.body, dict) else {
                "kind": "Status", "code": resp.code, "message": str(resp.body)})
        return resp.body

    # -- verbs -------------------------------------------------------------------------------

    def get(self, resource: str | ResourceInfo, name: str, namespace: str = "",
            subresource: str = "") -> dict[str, Any]:
        return self.call("get", resource, namespace=namespace, name=name,  # type: ignore[no-any-return]
                         subresource=subresource)

    def list(self, resource: str | ResourceInfo, namespace: str = "", *,
             label_selector: str = "", field_selector: str = "", limit: int = 0,
             continue_token: str = "", resource_version: str = "") -> dict[str, Any]:
        """A list; like client-go's ``UnstructuredList`` decoding, every item gets the kind and
        apiVersion of the list (the wire format leaves them out of typed lists)."""
        info = resolve(resource)
        out: dict[str, Any] = self.call("list", info, namespace=namespace, params={
            "labelSelector": label_selector, "fieldSelector": field_selector,
            "limit": limit or None, "continue": continue_token,
            "resourceVersion": resource_version})
        for item in out.get("items", ()):
            item.setdefault("kind", info.kind)
            item.setdefault("apiVersion", info.api_version)
        return out

    def create(self, resource: str | ResourceInfo, obj: dict[str, Any], namespace: str = "",
               *, dry_run: bool = False, field_validation: str = "") -> dict[str, Any]:
        ns = namespace or obj.get("metadata", {}).get("namespace", "")
        return self.call("create", resource, namespace=ns, body=obj, params={  # type: ignore[no-any-return]
            "dryRun": "All" if dry_run else None, "fieldValidation": field_validation})

    def update(self, resource: str | ResourceInfo, obj: dict[str, Any],
               subresource: str = "") -> dict[str, Any]:
        meta = obj.get("metadata", {})
        return self.call("update", resource, namespace=meta.get("namespace", ""),  # type: ignore[no-any-return]
                         name=meta.get("name", ""), subresource=subresource, body=obj)

    def update_status(self, resource: str | ResourceInfo, obj: dict[str, Any]) -> dict[str, Any]:
        return self.update(resource, obj, subresource="status")

    def patch(self, resource: str | ResourceInfo, name: str, patch: Any, namespace: str = "",
              *, patch_type: str = "merge", subresource: str = "",
              field_manager: str = "", force: bool = False) -> dict[str, Any]:
        body = patch if isinstance(patch, str | bytes) else json.dumps(patch)
        return self.call("patch", resource, namespace=namespace, name=name,  # type: ignore[no-any-return]
                         subresource=subresource, body=body,
                         content_type=PATCH_TYPES.get(patch_type, patch_type),
                         params={"fieldManager": field_manager,
                                 "force": "true" if force else None})

    def delete(self, resource: str | ResourceInfo, name: str, namespace: str = "", *,
               grace_period_seconds: int | None = None, propagation_policy: str = "",
               preconditions: dict[str, str] | None = None) -> dict[str, Any]:
        opts: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if grace_period_seconds is not None:
            opts["gracePeriodSeconds"] = grace_period_seconds
        if propagation_policy:
            opts["propagationPolicy"] = propagation_policy
        if preconditions:
            opts["preconditions"] = preconditions
        return self.call("delete", resource, namespace=namespace, name=name, body=opts)  # type: ignore[no-any-return]

    def delete_collection(self, resource: str | ResourceInfo, namespace: str = "", *,
                          label_selector: str = "", field_selector: str = "") -> dict[str, Any]:
        return self.call("deletecollection", resource, namespace=namespace, params={  # type: ignore[no-any-return]
            "labelSelector": label_selector, "fieldSelector": field_selector})

    def watch(
        self,
        resource: str | ResourceInfo,
        callback: Callable[[str, dict[str, Any], str | None], None],
        namespace: str = "",
        *,
        resource_version: str = "",
        label_selector: str = "",
        field_selector: str = "",
        name: str = "",
        bookmarks: bool = True,
    ) -> WatchHandle:
        """Watch; ``callback(type, obj, cause_trace_id)`` runs for each event (on the kernel).
        Raises :class:`ApiError` (410 Gone when ``resource_version`` is too old)."""
        info = resolve(resource)
        req = self._request("watch", info, namespace=namespace, params={
            "resourceVersion": resource_version, "labelSelector": label_selector,
            "fieldSelector": field_selector, "watch": "true",
            "allowWatchBookmarks": "true" if bookmarks else None})
        req.name = name
        try:
            return self.transport.watch(req, callback, self.name)
        except StatusError as exc:
            raise ApiError(exc.status) from None

    # -- subresources and helpers --------------------------------------------------------------

    def bind(self, namespace: str, pod: str, node: str) -> dict[str, Any]:
        """POST ``pods/binding`` (what kube-scheduler's DefaultBinder does)."""
        body = {"kind": "Binding", "apiVersion": "v1",
                "metadata": {"name": pod, "namespace": namespace},
                "target": {"kind": "Node", "apiVersion": "v1", "name": node}}
        return self.call("create", "pods", namespace=namespace, name=pod,  # type: ignore[no-any-return]
                         subresource="binding", body=body)

    def evict(self, namespace: str, pod: str) -> dict[str, Any]:
        body = {"kind": "Eviction", "apiVersion": "policy/v1",
                "metadata": {"name": pod, "namespace": namespace}}
        return self.call("create", "pods", namespace=namespace, name=pod,  # type: ignore[no-any-return]
                         subresource="eviction", body=body)

    def logs(self, namespace: str, pod: str, container: str = "") -> str:
        return str(self.call("get", "pods", namespace=namespace, name=pod, subresource="log",
                             params={"container": container}))

    def scale(self, resource: str | ResourceInfo, name: str, replicas: int,
              namespace: str = "") -> dict[str, Any]:
        return self.patch(resource, name, {"spec": {"replicas": replicas}}, namespace,
                          subresource="scale")

    def can_i(self, verb: str, resource: str, namespace: str = "", name: str = "",
              subresource: str = "") -> bool:
        """``kubectl auth can-i`` through a SelfSubjectAccessReview."""
        info = resolve(resource)
        body = {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
                "spec": {"resourceAttributes": {
                    "namespace": namespace, "verb": verb, "group": info.group,
                    "resource": info.plural, "subresource": subresource, "name": name}}}
        out = self.call("create", "selfsubjectaccessreviews", body=body)
        return bool(out.get("status", {}).get("allowed"))
