"""Decoding request bodies: JSON or YAML, size limits, the YAML alias bomb, and the checks the
REST handlers make before admission.

Upstream: ``apiserver/pkg/endpoints/handlers/rest.go`` (``limitedReadBody``: ``413 Request entity
too large: limit is N``), ``create.go`` / ``update.go`` (kind, apiVersion and namespace must match
the URL), ``sigs.k8s.io/yaml`` over ``go-yaml`` v2, which since CVE-2019-11253 refuses documents
whose aliases expand too far (``yaml: document contains excessive aliasing``).

Simplification: upstream's JSON error texts come from Go's ``encoding/json``
(``invalid character 'x' looking for beginning of value``); ours carry Python's parser message
after the same ``couldn't get version/kind; json parse error:`` prefix.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from . import errors
from .codec import deep_copy, dumps
from .request import Request
from .resources import ResourceInfo

__all__ = ["MAX_ALIAS_EXPANSION", "check_object", "parse_body", "safe_yaml_load"]

#: the most nodes a YAML document may expand to through aliases (go-yaml allows large
#: documents but refuses ones whose alias expansion dwarfs the input)
MAX_ALIAS_EXPANSION = 1_000_000


class _CountingLoader(yaml.SafeLoader):
    """A SafeLoader that refuses documents whose aliases expand to too many nodes, before any
    Python object is built."""

    def compose_document(self) -> yaml.Node | None:  # type: ignore[override]
        node = super().compose_document()
        if node is not None:
            _check_expansion(node)
        return node


def _check_expansion(root: yaml.Node) -> None:
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int = 0) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > 1000:
            raise errors.bad_request("yaml: exceeded max depth of 10000")
        total = 1
        sizes[key] = 1  # cycles count once
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child, depth + 1)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
        if total > MAX_ALIAS_EXPANSION:
            raise errors.bad_request("yaml: document contains excessive aliasing")
        sizes[key] = total
        return total

    size(root)


def safe_yaml_load(text: str) -> Any:
    """Load one YAML document safely (alias bombs refused)."""
    try:
        return yaml.load(text, Loader=_CountingLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise errors.bad_request(f"yaml: {line}{problem}") from None


def parse_body(body: Any, content_type: str, limit: int) -> Any:
    """The request body as JSON-shaped Python values. In-process callers pass dicts (copied,
    so the caller's object is never touched); the HTTPS front passes bytes."""
    if body is None:
        return None
    if isinstance(body, dict | list):
        return deep_copy(body)
    raw = body.encode() if isinstance(body, str) else bytes(body)
    if len(raw) > limit:
        raise errors.request_entity_too_large(f"limit is {limit}")
    if not raw.strip():
        return None
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.endswith("yaml"):
        return safe_yaml_load(raw.decode("utf-8", errors="replace"))
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        if ctype in ("application/json", "application/merge-patch+json",
                     "application/strategic-merge-patch+json", "application/json-patch+json"):
            raise errors.bad_request(
                f"couldn't get version/kind; json parse error: {exc.msg}") from None
        return safe_yaml_load(raw.decode("utf-8", errors="replace"))


def check_object(obj: dict[str, Any], info: ResourceInfo, req: Request,
                 strict: bool = False) -> list[str]:
    """The URL and the body must agree on kind, apiVersion and namespace; then the
    ``fieldValidation`` directive: ``Strict`` refuses unknown or duplicate fields (400),
    ``Warn`` (the default) returns them as warnings, ``Ignore`` drops them silently.
    Returns the warnings for the response's ``Warning`` headers."""
    kind = obj.get("kind")
    api_version = obj.get("apiVersion")
    if not kind:
        raise errors.bad_request(f"Object 'Kind' is missing in '{dumps(obj)}'")
    if api_version and api_version != info.api_version:
        raise errors.bad_request(
            f"the API version in the data ({api_version}) does not match the expected API "
            f"version ({info.api_version})")
    if kind != info.kind:
        raise errors.bad_request(
            f"the object provided is unrecognized (must be of type {info.kind}): "
            f"{kind} in version \"{api_version or info.api_version}\" cannot be handled as a "
            f"{info.kind}")
    obj["apiVersion"] = info.api_version
    meta = obj.get("metadata")
    if meta is None:
        obj["metadata"] = meta = {}
    if not isinstance(meta, dict):
        raise errors.bad_request("metadata must be an object")
    if info.namespaced:
        ns = meta.get("namespace")
        if ns and req.namespace and ns != req.namespace:
            raise errors.bad_request(
                "the namespace of the provided object does not match the namespace sent on "
                "the request")
    mode = req.param("fieldValidation") or ("Strict" if strict else "Warn")
    if mode == "Ignore":
        return []
    from .schema.strict import strict_decoding_error, strict_errors

    raw = req.body if isinstance(req.body, bytes | str) else obj
    is_yaml = req.content_type.split(";")[0].strip().lower().endswith("yaml")
    errs = strict_errors(raw, sort_keys=is_yaml)
    if errs and mode == "Strict":
        raise errors.bad_request(strict_decoding_error(info.kind, info.version, errs))
    return errs
