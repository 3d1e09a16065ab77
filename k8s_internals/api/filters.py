"""List and watch filters: the ``labelSelector`` and ``fieldSelector`` query parameters turned
into one predicate, as the generic registry's ``SelectionPredicate``
(``apiserver/pkg/storage/selection_predicate.go``) does with ``labels.Parse`` and
``fields.ParseSelector`` + the resource's field-label conversion.

Bad selectors answer 400 with upstream's texts (raised by :mod:`.selectors`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .resources import ResourceInfo
from .selectors import (
    convert_field_selector,
    field_selector_matches,
    label_selector_as_selector,
    parse_field_selector,
    parse_label_selector,
)

__all__ = ["label_selector_as_string", "predicate_from_params"]

Predicate = Callable[[dict[str, Any]], bool]


def predicate_from_params(info: ResourceInfo, label_selector: str,
                          field_selector: str) -> Predicate | None:
    """One predicate for both selectors, or None when neither restricts anything."""
    labels = parse_label_selector(label_selector) if label_selector else None
    fields = (convert_field_selector(parse_field_selector(field_selector), info.plural)
              if field_selector else None)
    if labels is not None and labels.empty:
        labels = None
    if fields is not None and not fields.terms:
        fields = None
    if labels is None and fields is None:
        return None
    resource = info.plural

    def matches(obj: dict[str, Any]) -> bool:
        if labels is not None and not labels.matches(obj.get("metadata", {}).get("labels")):
            return False
        return fields is None or field_selector_matches(fields, resource, obj)

    return matches


def label_selector_as_string(selector: Mapping[str, Any] | None) -> str:
    """``metav1.LabelSelectorAsSelector(s).String()`` — what ``Scale.status.selector`` holds."""
    return str(label_selector_as_selector(selector))
