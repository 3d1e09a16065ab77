"""Apply a PATCH body by its content type, as ``apiserver/pkg/endpoints/handlers/patch.go``
(``applyPatcher``, ``jsonPatcher``, ``smpPatcher``) chooses:

- ``application/json-patch+json`` — RFC 6902 (:func:`.patch.apply_json_patch`);
- ``application/merge-patch+json`` — RFC 7386 (:func:`.patch.merge_patch`);
- ``application/strategic-merge-patch+json`` — strategic merge with the kind's merge keys
  (:func:`.patch.strategic_merge_patch`);
- ``application/apply-patch+yaml`` — server-side apply (``applyPatcher``): with a field
  manager, :func:`.fieldmanager.apply` merges the configuration by the schema's list types,
  removes what the manager stopped applying, records ownership in ``managedFields`` and
  reports conflicts between managers (409). Without one (the ``scale`` subresource, whose
  ``Scale`` body has no schema of its own here) the configuration is applied as a strategic
  merge.
"""

from __future__ import annotations

from typing import Any

from . import errors
from .patch import apply_json_patch, merge_patch, strategic_merge_patch
from .resources import ResourceInfo

__all__ = ["ACCEPTED_PATCH_TYPES", "apply_patch"]

ACCEPTED_PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
    "application/strategic-merge-patch+json",
)


def apply_patch(info: ResourceInfo, content_type: str, current: dict[str, Any],
                body: Any, *, manager: str = "", now: str = "", force: bool = False,
                subresource: str = "") -> dict[str, Any]:
    """The patched object. For an apply patch with a ``manager``, the result already carries
    its ``managedFields`` (see :mod:`.fieldmanager`)."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/apply-patch+yaml" and manager:
        from .fieldmanager import apply

        return apply(info, current, body, manager, now, force=force, subresource=subresource)
    if ctype == "application/json-patch+json":
        result = apply_json_patch(current, body)
    elif ctype == "application/merge-patch+json":
        result = merge_patch(current, body)
    elif ctype in ("application/strategic-merge-patch+json", "application/apply-patch+yaml"):
        if not isinstance(body, dict):
            raise errors.bad_request("the body of the request was in an unknown format")
        result = strategic_merge_patch(current, body, info.kind)
    else:
        raise errors.unsupported_media_type(ctype)
    if not isinstance(result, dict):
        raise errors.bad_request("the patched object is not a JSON object")
    return result
