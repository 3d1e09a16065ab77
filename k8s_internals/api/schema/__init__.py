"""The API types the server serves, described once and used three ways.

- :mod:`.types` — the small language (``Struct``, ``ListOf``, ``MapOf``, ``Ref``, leaves such as
  ``STRING``, ``INT32``, ``QUANTITY``, ``INT_OR_STRING``) and the registry :data:`SCHEMAS`;
- one module per API group with the types themselves: :mod:`.meta` (meta/v1), :mod:`.core`,
  :mod:`.apps`, :mod:`.rbac`, :mod:`.coordination`, :mod:`.discovery`, :mod:`.events`,
  :mod:`.storage`, :mod:`.scheduling`, :mod:`.authorization`, :mod:`.authentication`,
  :mod:`.autoscaling`, :mod:`.policy`, :mod:`.batch`;
- uses: :func:`unknown_fields` / :func:`strict_errors` (``fieldValidation=Strict|Warn``,
  :mod:`.strict`), :func:`openapi_v3` / :func:`openapi_v3_index` (``/openapi/v3`` for kubectl,
  :mod:`.openapi`), :func:`merge_key` / :func:`patch_strategies` (strategic merge patch,
  :mod:`.patchmeta`).

Upstream: ``staging/src/k8s.io/api/*/v1/types.go``, ``apimachinery/pkg/apis/meta/v1/types.go``,
``api/openapi-spec/v3/*.json``.
"""

from __future__ import annotations

from . import (  # noqa: F401  (each module registers its types)
    apps,
    authentication,
    authorization,
    autoscaling,
    batch,
    coordination,
    core,
    discovery,
    events,
    meta,
    policy,
    rbac,
    scheduling,
    storage,
)
from .openapi import gv_path, openapi_v3, openapi_v3_bytes, openapi_v3_hash, openapi_v3_index
from .patchmeta import (
    as_patch_struct,
    field_type,
    find_kind,
    merge_key,
    patch_fields,
    patch_strategies,
)
from .strict import kind_struct, strict_decoding_error, strict_errors, unknown_fields
from .types import SCHEMAS, Leaf, ListOf, MapOf, Ref, Struct

__all__ = [
    "SCHEMAS",
    "Leaf",
    "ListOf",
    "MapOf",
    "Ref",
    "Struct",
    "as_patch_struct",
    "field_type",
    "find_kind",
    "gv_path",
    "kind_struct",
    "merge_key",
    "openapi_v3",
    "openapi_v3_bytes",
    "openapi_v3_hash",
    "openapi_v3_index",
    "patch_fields",
    "patch_strategies",
    "strict_decoding_error",
    "strict_errors",
    "unknown_fields",
]
