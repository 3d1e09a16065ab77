"""The three patch formats of ``PATCH`` requests, on decoded JSON.

- :mod:`.json_patch`: RFC 6902 (``application/json-patch+json``), evanphx/json-patch v4;
- :mod:`.json_merge`: RFC 7386 (``application/merge-patch+json``), evanphx/json-patch v4, and
  ``apimachinery/pkg/util/jsonmergepatch`` (kubectl apply for custom resources);
- :mod:`.strategic_merge`: ``application/strategic-merge-patch+json``,
  ``apimachinery/pkg/util/strategicpatch/patch.go``, with the per-kind tables of :mod:`.schema`;
- :mod:`.last_applied`: kubectl's client-side apply (last-applied annotation, three-way patch).

Failures raise :class:`.errors.PatchError`, a ``StatusError`` carrying the answer
``apiserver/pkg/endpoints/handlers/patch.go`` gives, with the library's text in ``.detail``.
"""

from .errors import PatchError
from .json_merge import create_merge_patch, create_three_way_json_merge_patch, merge_patch
from .json_patch import apply_json_patch
from .last_applied import (
    LAST_APPLIED_CONFIG_ANNOTATION,
    apply_patch,
    modified_configuration,
    original_configuration,
)
from .schema import KINDS, UNSTRUCTURED, Struct, kind_schema
from .strategic_merge import (
    create_three_way_merge_patch,
    create_two_way_merge_patch,
    strategic_merge_patch,
)

__all__ = [
    "KINDS",
    "LAST_APPLIED_CONFIG_ANNOTATION",
    "UNSTRUCTURED",
    "PatchError",
    "Struct",
    "apply_json_patch",
    "apply_patch",
    "create_merge_patch",
    "create_three_way_json_merge_patch",
    "create_three_way_merge_patch",
    "create_two_way_merge_patch",
    "kind_schema",
    "merge_patch",
    "modified_configuration",
    "original_configuration",
    "strategic_merge_patch",
]
