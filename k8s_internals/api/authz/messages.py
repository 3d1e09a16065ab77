"""The texts of a 403: what kube-apiserver says when no authorizer allowed a request.

Built exactly as upstream does, in two layers:

1. ``forbiddenMessage`` in
   ``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go``::

       User "alice" cannot list resource "pods" in API group "" in the namespace "default"
       User "alice" cannot get resource "pods/log" in API group "" in the namespace "default"
       User "alice" cannot list resource "nodes" in API group "" at the cluster scope
       User "system:anonymous" cannot get path "/api"

   The resource is ``resource/subresource``; the group is printed on its own (``""`` for the
   core group); the object name is *not* part of this sentence. ``Forbidden`` then HTML-escapes
   it (``&``, ``<``, ``>``) and, when the authorizer chain gave a reason, appends
   ``": " + reason`` (the reason itself is not escaped).

2. ``apierrors.NewForbidden(GroupResource{group, resource}, name, err)`` in
   ``staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go`` wraps it into the ``Status``
   message: ``pods is forbidden: ...``, ``pods "web-0" is forbidden: ...``,
   ``deployments.apps "web" is forbidden: ...`` (qualified resource, no subresource), or
   ``forbidden: ...`` for a non-resource URL (empty GroupResource). The ``Status`` details carry
   ``group``, ``kind`` (the *resource*, e.g. ``pods``) and ``name``. Here that layer is
   :func:`k8s_internals.api.errors.forbidden` / ``forbidden_path``.

All quoting is Go's ``%q`` (``strconv.Quote``), reproduced by :func:`go_quote`.
"""

from __future__ import annotations

from .. import errors
from ..validation.field import go_quote
from .attributes import Attributes

__all__ = [
    "forbidden_error",
    "forbidden_message",
    "go_quote",
    "status_message",
]

_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}




def _sanitize(msg: str) -> str:
    # responsewriters: sanitizer = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;")
    return msg.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _forbidden_sentence(attrs: Attributes) -> str:
    """``forbiddenMessage(attributes)``."""
    username = attrs.user.name if attrs.user is not None else ""
    if not attrs.resource_request:
        return f"User {go_quote(username)} cannot {attrs.verb} path {go_quote(attrs.path)}"
    resource = attrs.resource
    if attrs.subresource:
        resource = f"{resource}/{attrs.subresource}"
    head = (
        f"User {go_quote(username)} cannot {attrs.verb} resource {go_quote(resource)} "
        f"in API group {go_quote(attrs.api_group)}"
    )
    if attrs.namespace:
        return f"{head} in the namespace {go_quote(attrs.namespace)}"
    return f"{head} at the cluster scope"


def forbidden_message(attrs: Attributes, reason: str = "") -> str:
    """The error text ``responsewriters.Forbidden`` builds: the sanitized sentence, then
    ``": <reason>"`` when the authorizer chain gave a reason (``errMsg`` upstream)."""
    msg = _sanitize(_forbidden_sentence(attrs))
    return f"{msg}: {reason}" if reason else msg


def forbidden_error(attrs: Attributes, reason: str = "") -> errors.StatusError:
    """The 403 ``StatusError`` the API server sends (``NewForbidden`` around
    :func:`forbidden_message`)."""
    err = forbidden_message(attrs, reason)
    if not attrs.resource_request or not (attrs.api_group or attrs.resource):
        return errors.forbidden_path(err)
    return errors.forbidden(attrs.api_group, attrs.resource, attrs.name, err)


def status_message(attrs: Attributes, reason: str = "") -> str:
    """The ``Status.message`` of the 403, what ``kubectl`` prints after ``Error from server
    (Forbidden):``: ``pods "x" is forbidden: User "alice" cannot get resource ...``."""
    return forbidden_error(attrs, reason).message
