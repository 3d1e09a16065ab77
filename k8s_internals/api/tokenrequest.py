"""``serviceaccounts/{name}/token``: the TokenRequest subresource
(``pkg/registry/core/serviceaccount/storage/token.go``).

A client with ``create`` on ``serviceaccounts/token`` asks for a token of a ServiceAccount,
optionally bound to a Pod (``spec.boundObjectRef``); the API server signs a JWT with its
service-account key. ``spec.expirationSeconds`` defaults to 3600 and must be at least 600
(``must be at least 10 minutes``); audiences default to the API audiences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .authn.service_account import ObjectRef
from .resources import lookup

if TYPE_CHECKING:
    from .server import APIServer

__all__ = ["create_token"]

MIN_EXPIRATION_SECONDS = 600
DEFAULT_EXPIRATION_SECONDS = 3600


def create_token(server: APIServer, namespace: str, name: str,
                 body: dict[str, Any]) -> dict[str, Any]:
    sa_info = lookup("", "serviceaccounts")
    assert sa_info is not None
    sa = server.storage.get(sa_info, namespace, name)
    spec = dict(body.get("spec") or {})
    expiration = int(spec.get("expirationSeconds") or DEFAULT_EXPIRATION_SECONDS)
    if expiration < MIN_EXPIRATION_SECONDS:
        msg = "may not specify a duration less than 10 minutes"
        raise errors.invalid("authentication.k8s.io", "TokenRequest", name, [{
            "reason": "FieldValueInvalid", "message": f"Invalid value: {expiration}: {msg}",
            "field": "spec.expirationSeconds"}],
            [f"spec.expirationSeconds: Invalid value: {expiration}: {msg}"])
    audiences = list(spec.get("audiences") or server.api_audiences)
    pod_ref = None
    bound = spec.get("boundObjectRef")
    if bound:
        if bound.get("kind") != "Pod":
            raise errors.bad_request(f"cannot bind token to object of kind {bound.get('kind')}")
        pods = lookup("", "pods")
        assert pods is not None
        pod = server.storage.get(pods, namespace, bound.get("name", ""))
        if bound.get("uid") and bound["uid"] != pod["metadata"]["uid"]:
            raise errors.conflict("", "pods", pod["metadata"]["name"],
                                  "the UID in the bound object reference does not match")
        pod_ref = ObjectRef(pod["metadata"]["name"], pod["metadata"]["uid"])
    issuer = server.token_issuer  # type: ignore[attr-defined]
    token = issuer.issue(namespace, name, sa["metadata"]["uid"], audiences, expiration,
                         pod=pod_ref)
    spec["audiences"] = audiences
    spec["expirationSeconds"] = expiration
    spec.setdefault("boundObjectRef", None)
    return {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": name, "namespace": namespace, "creationTimestamp": None},
            "spec": spec, "status": token.status()}
