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
    FieldSelector,
    Selector,
    convert_field_selector,
    field_selector_matches,
    label_selector_as_selector,
    parse_field_selector,
    parse_label_selector,
)

__all__ = ["SelectionPredicate", "label_selector_as_string", "predicate_from_params"]

Predicate = Callable[[dict[str, Any]], bool]


class SelectionPredicate:
    """``storage.SelectionPredicate`` (``apiserver/pkg/storage/selection_predicate.go``): a label
    selector and an already-converted field selector of one resource, ANDed.

    Called with an object it is ``Matches(obj)``; :meth:`on_attrs` is
    ``MatchesObjectAttributes(labels, fields)``, for callers that keep an object's attributes
    instead of the object — the watch cache, which (as upstream's cacher, ``cache_watcher.go``
    ``w.filter(key, labels, fields)``) decides from the previous object's attributes whether a
    MODIFIED event enters or leaves a watcher's selection. ``field_names`` says which fields
    those attributes must hold, ``label`` whether they need the labels."""

    __slots__ = ("field", "field_names", "label", "resource")

    def __init__(self, resource: str, label: Selector | None,
                 field: FieldSelector | None) -> None:
        #: the resource (plural) whose field getters the field selector is evaluated with
        self.resource = resource
        self.label = label
        self.field = field
        #: the field labels the field selector reads, each once, in term order
        self.field_names: tuple[str, ...] = tuple(
            dict.fromkeys(t.field for t in field.terms)) if field is not None else ()

    def __call__(self, obj: dict[str, Any]) -> bool:
        label = self.label
        if label is not None and not label.matches(obj.get("metadata", {}).get("labels")):
            return False
        field = self.field
        return field is None or field_selector_matches(field, self.resource, obj)

    def on_attrs(self, labels: Mapping[str, str] | None, fields: Mapping[str, str]) -> bool:
        """Whether an object with these labels and selectable fields matches; ``fields`` must
        hold every label of :attr:`field_names` (computed with
        :func:`.selectors.field_getter`), ``labels`` the object's ``metadata.labels``."""
        label = self.label
        if label is not None and not label.matches(labels):
            return False
        field = self.field
        return field is None or field.matches(fields)

    def __repr__(self) -> str:
        return (f"SelectionPredicate({self.resource}, labels={self.label}, "
                f"fields={self.field})")


def predicate_from_params(info: ResourceInfo, label_selector: str,
                          field_selector: str) -> SelectionPredicate | None:
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
    return SelectionPredicate(info.plural, labels, fields)


def label_selector_as_string(selector: Mapping[str, Any] | None) -> str:
    """``metav1.LabelSelectorAsSelector(s).String()`` — what ``Scale.status.selector`` holds."""
    return str(label_selector_as_selector(selector))
