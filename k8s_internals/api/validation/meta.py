"""``ObjectMeta``, labels, annotations and label selectors, as
``staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go`` and ``generic.go``,
``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go``, the core
wrappers at the top of ``pkg/apis/core/validation/validation.go`` (``ValidateObjectMeta`` adds
the legacy finalizer-name check) and the selector semantics of
``staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go`` (``LabelSelectorAsSelector``)
and ``.../pkg/labels/selector.go``.

Objects are plain JSON dicts; a missing field reads as its Go zero value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .field import (
    ErrorList,
    GoStruct,
    Path,
    forbidden,
    go_quote,
    invalid,
    not_supported,
    required,
    too_long,
)
from .names import NameValidator, is_qualified_name, is_valid_label_value, validate_namespace_name

__all__ = [
    "FIELD_IMMUTABLE_ERROR_MSG",
    "FINALIZER_DELETE_DEPENDENTS",
    "FINALIZER_ORPHAN_DEPENDENTS",
    "IS_NEGATIVE_ERROR_MSG",
    "TOTAL_ANNOTATION_SIZE_LIMIT_B",
    "LabelSelector",
    "go_sharp_v_strings",
    "jbool",
    "jdict",
    "jint",
    "jlist",
    "jstr",
    "label_selector_as_selector",
    "label_selector_value",
    "validate_annotations",
    "validate_finalizers",
    "validate_immutable_field",
    "validate_kube_object_meta",
    "validate_kube_object_meta_update",
    "validate_label_name",
    "validate_label_selector",
    "validate_labels",
    "validate_managed_fields",
    "validate_nonnegative_field",
    "validate_object_meta",
    "validate_object_meta_update",
    "validate_owner_references",
    "validate_supported",
]

FIELD_IMMUTABLE_ERROR_MSG = "field is immutable"
IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0"
#: 256 KiB: the sum of the lengths of all annotation keys and values.
TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10)

# metav1.FinalizerOrphanDependents / FinalizerDeleteDependents; core.FinalizerKubernetes
FINALIZER_ORPHAN_DEPENDENTS = "orphan"
FINALIZER_DELETE_DEPENDENTS = "foregroundDeletion"
_STANDARD_FINALIZERS = frozenset({"kubernetes", FINALIZER_ORPHAN_DEPENDENTS,
                                  FINALIZER_DELETE_DEPENDENTS})


def _blen(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


# JSON accessors: a missing (or mistyped) field reads as the Go zero value. Type errors are the
# decoder's business upstream (a 400 before validation), not validation's.


def jdict(v: Any) -> dict[str, Any]:
    """``v`` if it is an object, else ``{}``."""
    return v if isinstance(v, dict) else {}


def jlist(v: Any) -> list[Any]:
    """``v`` if it is an array, else ``[]``."""
    return v if isinstance(v, list) else []


def jstr(v: Any) -> str:
    """``v`` if it is a string, else ``""`` (``None``) or its text."""
    return v if isinstance(v, str) else ("" if v is None else str(v))


def jint(v: Any, default: int = 0) -> int:
    """``v`` if it is an integer (a whole float counts), else ``default``."""
    if isinstance(v, bool):
        return default
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return default


def jbool(v: Any) -> bool:
    """``v is True``."""
    return v is True


_dict, _list, _str = jdict, jlist, jstr


def go_sharp_v_strings(values: Sequence[str]) -> str:
    """Go's ``%#v`` of a ``[]string``: ``[]string{"a", "b"}``."""
    return "[]string{" + ", ".join(go_quote(v) for v in values) + "}"


# --------------------------------------------------------------------------------------------
# generic.go / objectmeta.go helpers
# --------------------------------------------------------------------------------------------


def validate_nonnegative_field(value: int, path: Path) -> ErrorList:
    """``ValidateNonnegativeField``: ``must be greater than or equal to 0``."""
    if value < 0:
        return ErrorList([invalid(path, value, IS_NEGATIVE_ERROR_MSG)])
    return ErrorList()


def _semantic_equal(a: Any, b: Any) -> bool:
    """``apiequality.Semantic.DeepEqual`` on JSON values (``True`` is not ``1`` here)."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_semantic_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_semantic_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def validate_immutable_field(new: Any, old: Any, path: Path) -> ErrorList:
    """``ValidateImmutableField``: ``Invalid value: <new>: field is immutable``."""
    if not _semantic_equal(old, new):
        return ErrorList([invalid(path, new, FIELD_IMMUTABLE_ERROR_MSG)])
    return ErrorList()


def _is_zero_value(v: Any) -> bool:
    if v is None or v is False:
        return True
    if isinstance(v, str | list | dict):
        return not v
    return isinstance(v, int | float) and not isinstance(v, bool) and v == 0


def normalize_json(value: Any) -> Any:
    """Drop Go zero values (``null``, ``false``, ``0``, ``""``, ``[]``, ``{}``) from objects:
    a field that is absent in JSON is its zero value in Go, and ``Semantic.DeepEqual`` treats
    nil and empty slices and maps alike."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            n = normalize_json(v)
            if not _is_zero_value(n):
                out[k] = n
        return out
    if isinstance(value, list):
        return [normalize_json(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# meta/v1/validation: labels and label selectors
# --------------------------------------------------------------------------------------------


def validate_label_name(name: str, path: Path) -> ErrorList:
    """``ValidateLabelName``: a qualified name."""
    return ErrorList(invalid(path, name, msg) for msg in is_qualified_name(name))


def validate_labels(labels: Mapping[str, Any] | None, path: Path) -> ErrorList:
    """``ValidateLabels``: every key a qualified name, every value a label value. Errors are
    reported on the map's path itself (``metadata.labels``), not on the key."""
    errs = ErrorList()
    for k, v in _dict(labels).items():
        errs.extend(validate_label_name(k, path))
        for msg in is_valid_label_value(_str(v)):
            errs.append(invalid(path, _str(v), msg))
    return errs


_SELECTOR_OPS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector_requirement(req: Mapping[str, Any], path: Path,
                                        allow_invalid_label_value: bool = False) -> ErrorList:
    """``ValidateLabelSelectorRequirement``."""
    errs = ErrorList()
    op = _str(req.get("operator"))
    values = _list(req.get("values"))
    if op in ("In", "NotIn"):
        if not values:
            errs.append(required(path.child("values"),
                                 "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(forbidden(path.child("values"),
                                  "may not be specified when `operator` is 'Exists' or "
                                  "'DoesNotExist'"))
    else:
        errs.append(invalid(path.child("operator"), op, "not a valid selector operator"))
    errs.extend(validate_label_name(_str(req.get("key")), path.child("key")))
    if not allow_invalid_label_value:
        for i, value in enumerate(values):
            for msg in is_valid_label_value(_str(value)):
                errs.append(invalid(path.child("values").index(i), _str(value), msg))
    return errs


def validate_label_selector(selector: Mapping[str, Any] | None, path: Path,
                            allow_invalid_label_value: bool = False) -> ErrorList:
    """``ValidateLabelSelector``: ``matchLabels`` as labels, each ``matchExpressions`` entry."""
    errs = ErrorList()
    if selector is None:
        return errs
    errs.extend(validate_labels(_dict(selector.get("matchLabels")), path.child("matchLabels")))
    for i, expr in enumerate(_list(selector.get("matchExpressions"))):
        errs.extend(validate_label_selector_requirement(
            _dict(expr), path.child("matchExpressions").index(i), allow_invalid_label_value))
    return errs


def label_selector_value(selector: Mapping[str, Any] | None) -> Any:
    """A ``*metav1.LabelSelector`` as ``encoding/json`` prints it (for error values)."""
    if selector is None:
        return None
    out = GoStruct()
    match_labels = _dict(selector.get("matchLabels"))
    if match_labels:
        out["matchLabels"] = match_labels
    exprs = _list(selector.get("matchExpressions"))
    if exprs:
        items = []
        for e in exprs:
            e = _dict(e)
            item = GoStruct(key=_str(e.get("key")), operator=_str(e.get("operator")))
            if _list(e.get("values")):
                item["values"] = _list(e.get("values"))
            items.append(item)
        out["matchExpressions"] = items
    return out


@dataclass(frozen=True)
class LabelSelector:
    """A parsed ``labels.Selector``: ``Nothing`` (nil selector), ``Everything`` (empty
    selector) or requirements."""

    requirements: tuple[tuple[str, str, frozenset[str]], ...] = ()
    nothing: bool = False

    def empty(self) -> bool:
        """``Empty()``: true for ``Everything``; ``Nothing`` is not empty."""
        return not self.nothing and not self.requirements

    def matches(self, labels: Mapping[str, Any] | None) -> bool:
        """``Matches``."""
        if self.nothing:
            return False
        ls = _dict(labels)
        for key, op, values in self.requirements:
            present = key in ls
            value = _str(ls.get(key))
            if op == "In" and not (present and value in values):
                return False
            if op == "NotIn" and present and value in values:
                return False
            if op == "Exists" and not present:
                return False
            if op == "DoesNotExist" and present:
                return False
        return True


def label_selector_as_selector(selector: Mapping[str, Any] | None) -> LabelSelector | None:
    """``metav1.LabelSelectorAsSelector``: None if it does not convert (a bad operator, key,
    value or number of values), ``Nothing`` for a nil selector, ``Everything`` for ``{}``."""
    if selector is None:
        return LabelSelector(nothing=True)
    reqs: list[tuple[str, str, frozenset[str]]] = []
    for k, v in _dict(selector.get("matchLabels")).items():
        if is_qualified_name(k) or is_valid_label_value(_str(v)):
            return None
        reqs.append((k, "In", frozenset({_str(v)})))
    for e in _list(selector.get("matchExpressions")):
        e = _dict(e)
        key, op = _str(e.get("key")), _str(e.get("operator"))
        values = [_str(v) for v in _list(e.get("values"))]
        if op not in _SELECTOR_OPS or is_qualified_name(key):
            return None
        if op in ("In", "NotIn") and not values:
            return None
        if op in ("Exists", "DoesNotExist") and values:
            return None
        if any(is_valid_label_value(v) for v in values):
            return None
        reqs.append((key, op, frozenset(values)))
    return LabelSelector(tuple(reqs))


# --------------------------------------------------------------------------------------------
# objectmeta.go
# --------------------------------------------------------------------------------------------


def validate_annotations(annotations: Mapping[str, Any] | None, path: Path) -> ErrorList:
    """``ValidateAnnotations``: keys are qualified names (case-insensitive), and all keys and
    values together take at most 256 KiB (``Too long: may not be more than 262144 bytes``)."""
    errs = ErrorList()
    ann = _dict(annotations)
    for k in ann:
        for msg in is_qualified_name(k.lower()):
            errs.append(invalid(path, k, msg))
    total = sum(_blen(k) + _blen(_str(v)) for k, v in ann.items())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B:
        errs.append(too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT_B))
    return errs


def _owner_ref_value(ref: Mapping[str, Any]) -> GoStruct:
    out = GoStruct(apiVersion=_str(ref.get("apiVersion")), kind=_str(ref.get("kind")),
                   name=_str(ref.get("name")), uid=_str(ref.get("uid")))
    for k in ("controller", "blockOwnerDeletion"):
        if ref.get(k) is not None:
            out[k] = ref[k]
    return out


def _parse_group_version(api_version: str) -> tuple[str, str] | None:
    """``schema.ParseGroupVersion``; None on error (more than one ``/``)."""
    if not api_version:
        return "", ""
    parts = api_version.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    return None


def validate_owner_references(refs: Sequence[Any] | None, path: Path) -> ErrorList:
    """``ValidateOwnerReferences``: apiVersion, kind, name and uid set; no Event owners; at
    most one ``controller: true``."""
    errs = ErrorList()
    first_controller = ""
    for ref in _list(refs):
        ref = _dict(ref)
        gv = _parse_group_version(_str(ref.get("apiVersion")))
        group, version = gv if gv is not None else ("", "")
        kind = _str(ref.get("kind"))
        if not version:
            errs.append(invalid(path.child("apiVersion"), _str(ref.get("apiVersion")),
                                "version must not be empty"))
        if not kind:
            errs.append(invalid(path.child("kind"), kind, "must not be empty"))
        if not _str(ref.get("name")):
            errs.append(invalid(path.child("name"), _str(ref.get("name")), "must not be empty"))
        if not _str(ref.get("uid")):
            errs.append(invalid(path.child("uid"), _str(ref.get("uid")), "must not be empty"))
        if (group, version, kind) == ("", "v1", "Event"):
            errs.append(invalid(path, _owner_ref_value(ref), f"{group}/{version}, Kind={kind} "
                                                             "is disallowed from being an owner"))
        if ref.get("controller") is True:
            current = f"{kind}/{_str(ref.get('name'))}"
            if first_controller:
                errs.append(invalid(path, [_owner_ref_value(_dict(r)) for r in _list(refs)],
                                    "Only one reference can have Controller set to true. Found "
                                    f'"true" in references for {first_controller} and {current}'))
            else:
                first_controller = current
    return errs


def validate_finalizers(finalizers: Sequence[Any] | None, path: Path) -> ErrorList:
    """``ValidateFinalizers``: qualified names, and not both ``orphan`` and
    ``foregroundDeletion``. Errors are reported on ``finalizers`` itself."""
    errs = ErrorList()
    names = [_str(f) for f in _list(finalizers)]
    for name in names:
        errs.extend(invalid(path, name, msg) for msg in is_qualified_name(name))
    if FINALIZER_ORPHAN_DEPENDENTS in names and FINALIZER_DELETE_DEPENDENTS in names:
        errs.append(invalid(path, names, f"finalizer {FINALIZER_ORPHAN_DEPENDENTS} and "
                                         f"{FINALIZER_DELETE_DEPENDENTS} cannot be both set"))
    return errs


def validate_kube_finalizer_name(name: str, path: Path) -> ErrorList:
    """``validateKubeFinalizerName``: a finalizer without ``/`` must be a standard one."""
    if "/" not in name and name not in _STANDARD_FINALIZERS:
        return ErrorList([invalid(path, name, "name is neither a standard finalizer name nor is "
                                              "it fully qualified")])
    return ErrorList()


def validate_managed_fields(entries: Sequence[Any] | None, path: Path) -> ErrorList:
    """``ValidateManagedFields``: operation ``Apply``/``Update``, fieldsType ``FieldsV1``."""
    errs = ErrorList()
    for i, entry in enumerate(_list(entries)):
        entry = _dict(entry)
        p = path.index(i)
        op = _str(entry.get("operation"))
        if op not in ("Apply", "Update"):
            errs.append(invalid(p.child("operation"), op, "must be `Apply` or `Update`"))
        ftype = _str(entry.get("fieldsType"))
        if ftype and ftype != "FieldsV1":
            errs.append(invalid(p.child("fieldsType"), ftype, "must be `FieldsV1`"))
        manager = _str(entry.get("manager"))
        if _blen(manager) > 128:
            errs.append(too_long(p.child("manager"), 128))
        if _blen(_str(entry.get("subresource"))) > 256:
            errs.append(too_long(p.child("subresource"), 256))
    return errs


def validate_object_meta(meta: Mapping[str, Any] | None, requires_namespace: bool,
                         name_fn: NameValidator, path: Path) -> ErrorList:
    """``ValidateObjectMeta`` (apimachinery): run after name generation, so an empty name is
    ``Required value: name or generateName is required``; ``namespace`` is required for
    namespaced kinds and ``Forbidden: not allowed on this type`` for cluster-scoped ones."""
    m = _dict(meta)
    errs = ErrorList()
    generate_name = _str(m.get("generateName"))
    if generate_name:
        for msg in name_fn(generate_name, True):
            errs.append(invalid(path.child("generateName"), generate_name, msg))
    name = _str(m.get("name"))
    if not name:
        errs.append(required(path.child("name"), "name or generateName is required"))
    else:
        for msg in name_fn(name, False):
            errs.append(invalid(path.child("name"), name, msg))
    namespace = _str(m.get("namespace"))
    if requires_namespace:
        if not namespace:
            errs.append(required(path.child("namespace"), ""))
        else:
            for msg in validate_namespace_name(namespace, False):
                errs.append(invalid(path.child("namespace"), namespace, msg))
    elif namespace:
        errs.append(forbidden(path.child("namespace"), "not allowed on this type"))
    generation = m.get("generation")
    errs.extend(validate_nonnegative_field(generation if isinstance(generation, int) else 0,
                                           path.child("generation")))
    errs.extend(validate_labels(_dict(m.get("labels")), path.child("labels")))
    errs.extend(validate_annotations(_dict(m.get("annotations")), path.child("annotations")))
    errs.extend(validate_owner_references(_list(m.get("ownerReferences")),
                                          path.child("ownerReferences")))
    errs.extend(validate_finalizers(_list(m.get("finalizers")), path.child("finalizers")))
    errs.extend(validate_managed_fields(_list(m.get("managedFields")),
                                        path.child("managedFields")))
    return errs


def validate_kube_object_meta(meta: Mapping[str, Any] | None, requires_namespace: bool,
                              name_fn: NameValidator, path: Path) -> ErrorList:
    """``ValidateObjectMeta`` of ``pkg/apis/core/validation`` (used by core, apps, rbac...):
    the apimachinery checks plus ``validateKubeFinalizerName`` on ``finalizers[i]``."""
    errs = validate_object_meta(meta, requires_namespace, name_fn, path)
    for i, f in enumerate(_list(_dict(meta).get("finalizers"))):
        errs.extend(validate_kube_finalizer_name(_str(f), path.child("finalizers").index(i)))
    return errs


def validate_object_meta_update(new: Mapping[str, Any] | None, old: Mapping[str, Any] | None,
                                path: Path) -> ErrorList:
    """``ValidateObjectMetaUpdate``: ``resourceVersion`` must be sent; ``generation`` may not
    go down; ``name``, ``namespace``, ``uid``, ``creationTimestamp``, ``deletionTimestamp``
    and ``deletionGracePeriodSeconds`` are immutable (``field is immutable``); no new finalizer
    once the object is being deleted."""
    n, o = _dict(new), _dict(old)
    errs = ErrorList()
    if o.get("deletionTimestamp") is not None:
        old_f = {_str(f) for f in _list(o.get("finalizers"))}
        extra = sorted({_str(f) for f in _list(n.get("finalizers"))} - old_f)
        if extra:
            errs.append(forbidden(path.child("finalizers"),
                                  "no new finalizers can be added if the object is being deleted, "
                                  f"found new finalizers {go_sharp_v_strings(extra)}"))
    rv = _str(n.get("resourceVersion"))
    if not rv:
        errs.append(invalid(path.child("resourceVersion"), rv, "must be specified for an update"))
    new_gen = n.get("generation") if isinstance(n.get("generation"), int) else 0
    old_gen = o.get("generation") if isinstance(o.get("generation"), int) else 0
    if new_gen < old_gen:
        errs.append(invalid(path.child("generation"), new_gen, "must not be decremented"))
    for key in ("name", "namespace", "uid"):
        errs.extend(validate_immutable_field(_str(n.get(key)), _str(o.get(key)), path.child(key)))
    for key in ("creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
        errs.extend(validate_immutable_field(n.get(key), o.get(key), path.child(key)))
    errs.extend(validate_labels(_dict(n.get("labels")), path.child("labels")))
    errs.extend(validate_annotations(_dict(n.get("annotations")), path.child("annotations")))
    errs.extend(validate_owner_references(_list(n.get("ownerReferences")),
                                          path.child("ownerReferences")))
    errs.extend(validate_managed_fields(_list(n.get("managedFields")),
                                        path.child("managedFields")))
    return errs


def validate_kube_object_meta_update(new: Mapping[str, Any] | None,
                                     old: Mapping[str, Any] | None, path: Path) -> ErrorList:
    """The core ``ValidateObjectMetaUpdate``: plus the legacy finalizer-name check."""
    errs = validate_object_meta_update(new, old, path)
    for i, f in enumerate(_list(_dict(new).get("finalizers"))):
        errs.extend(validate_kube_finalizer_name(_str(f), path.child("finalizers").index(i)))
    return errs


def validate_supported(value: str, supported: Iterable[str], path: Path,
                       allow_empty: bool = False) -> ErrorList:
    """A common pattern: ``Required`` when empty, ``NotSupported`` when unknown."""
    values = list(supported)
    if not value:
        return ErrorList() if allow_empty else ErrorList([required(path, "")])
    if value not in values:
        return ErrorList([not_supported(path, value, values)])
    return ErrorList()
