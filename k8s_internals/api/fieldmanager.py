"""Field management: ``metadata.managedFields`` and server-side apply.

Every write records *who* set *which* fields. Upstream's pieces, and what each is here:

- ``sigs.k8s.io/structured-merge-diff`` (SMD): a **field set** is a set of paths such as
  ``.spec.replicas`` or ``.spec.template.spec.containers[name="nginx"].image``; path elements
  are ``f:<field>``, ``k:<key fields as JSON>`` (items of a ``+listType=map`` list),
  ``v:<value>`` (items of a ``+listType=set`` list) and ``i:<index>``. ``typed.ToFieldSet``
  (:func:`to_field_set`), ``typed.Compare`` (:func:`compare`), ``typed.Merge``
  (:func:`merge`), ``typed.RemoveItems`` (:func:`remove_items`) and ``merge.Updater``
  (``update.go``: :func:`_smd_update`, :func:`_smd_apply`, :func:`_prune`) are ported one for
  one. The serialized form in ``managedFields[].fieldsV1`` (``fieldpath/serialize.go``) is
  :func:`fields_v1` / :func:`parse_fields_v1`: a member that also has children carries
  ``".": {}``.
- ``k8s.io/apimachinery/pkg/util/managedfields/internal``: the chain of managers
  ``NewDefaultFieldManager`` builds — ``versionCheckManager`` (the apply patch must be of the
  resource's group/version/kind: ``invalid object type: apps/v1, Kind=Deployment``),
  ``lastAppliedUpdater`` and ``lastAppliedManager`` (``kubectl apply --server-side`` taking over
  fields from client-side apply without conflicts when the live value still equals the
  ``last-applied-configuration`` annotation, and keeping that annotation in sync),
  ``capManagersManager`` (at most 10 ``Update`` entries; the oldest merge into
  ``ancient-changes``), ``buildManagerInfoManager`` (the manager identifier: manager, operation,
  apiVersion for updates, subresource), ``managedFieldsUpdater`` (timestamps; an update merges
  into the manager's previous entry), ``stripMetaManager`` (``apiVersion``, ``kind`` and the
  server-owned metadata are never owned) and ``structuredMergeManager`` (the SMD calls);
  ``FieldManager.Update`` / ``Apply`` (``fieldmanager.go``: managed fields sent by the client
  are kept, ``[]`` or ``[{}]`` resets them, a subresource request cannot set them) and
  ``NewConflictError`` (``conflict.go``: ``Apply failed with 1 conflict: conflict with
  "kubectl-client-side-apply" using apps/v1: .spec.replicas``).
- reset fields (``rest.ResetFieldsStrategy``): a main-resource write never owns ``.status`` of
  a kind with a status subresource; a ``status`` write owns only ``.status``; ``scale`` owns only
  ``.spec.replicas``.

Where the request handlers call in (``apiserver/pkg/endpoints/handlers``): ``create.go``,
``update.go`` and ``patch.go`` (JSON / merge / strategic patches) call
``FieldManager.UpdateNoErrors(live, new, managerOrUserAgent(fieldManager, userAgent))``
(:func:`update`); ``patch.go``'s ``applyPatcher`` calls ``FieldManager.Apply`` (:func:`apply`),
creating the object when it does not exist.

Simplifications (said where they matter):

- SMD compares Go objects turned unstructured, in which every non-``omitempty`` field is
  present (``containers: null``) and every non-pointer struct too (``spec``, ``strategy``), so
  such a field appearing is not itself "added" (``f:containers`` and ``f:spec`` carry no
  ``"."``, list items and ``labels`` do). Our JSON dicts say neither: the schema's ``required``
  fields stand for the non-``omitempty`` ones, and every struct-typed field is taken for a
  value struct unless it appears empty (``securityContext: {}`` is recorded as a leaf, as
  upstream). A pointer struct that appears *with* content (``rollingUpdate``) gets no ``"."``
  here where upstream writes one.
- A map-list item missing a key field gets the schema default for ``protocol`` (``TCP``), as
  SMD takes key defaults from the OpenAPI schema; other missing keys are left out of the key.
- Fields the schema does not know are "deduced" as SMD does for unstructured data: objects are
  granular maps, lists and scalars atomic.
- One version per resource, so SMD's version conversion is the identity.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import errors
from .codec import deep_copy
from .patch.last_applied import LAST_APPLIED_CONFIG_ANNOTATION, encode_json
from .resources import ResourceInfo
from .schema.patchmeta import find_kind
from .schema.types import SCHEMAS, Leaf, MapOf, Ref, Struct, Type

__all__ = [
    "APPLY",
    "DEFAULT_MAX_UPDATE_MANAGERS",
    "UPDATE",
    "Comparison",
    "ManagedEntry",
    "apply",
    "compare",
    "conflict_error",
    "decode_managed_fields",
    "encode_managed_fields",
    "fields_v1",
    "manager_or_user_agent",
    "merge",
    "parse_fields_v1",
    "path_string",
    "remove_items",
    "to_field_set",
    "update",
    "validate_field_manager",
]

APPLY = "Apply"
UPDATE = "Update"
#: ``internal.DefaultMaxUpdateManagers``
DEFAULT_MAX_UPDATE_MANAGERS = 10
#: ``capmanagers.go``: the manager the oldest update entries merge into
ANCIENT_CHANGES = "ancient-changes"
#: ``validation.FieldManagerMaxLength``
FIELD_MANAGER_MAX_LENGTH = 128

Path = tuple[str, ...]
FieldSet = set[Path]

#: ``stripmeta.go``: paths nobody owns
_STRIP: frozenset[Path] = frozenset({
    ("f:apiVersion",), ("f:kind",), ("f:metadata",),
    *(("f:metadata", f"f:{k}") for k in (
        "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName",
        "generation", "managedFields", "resourceVersion")),
})


# -- the schema, as SMD sees it ---------------------------------------------------------------

_LEAF, _STRUCT, _MAP, _LIST_MAP, _LIST_SET = "leaf", "struct", "map", "list_map", "list_set"


@dataclass(frozen=True)
class _Node:
    """What SMD's ``schema.Atom`` says about one value: its shape and its children's types."""

    kind: str
    fields: dict[str, Type] | None = None  # struct
    elem: Type | None = None  # map value / list item
    keys: tuple[str, ...] = ()  # list_map
    deduced: bool = False


_DEDUCED_MAP = _Node(_MAP, deduced=True)
_DEDUCED_LEAF = _Node(_LEAF, deduced=True)


def _node(t: Type | None, value: Any) -> _Node:
    """The node for a value of type ``t`` (``None``: not in the schema, deduced from the value
    as SMD's ``DeducedParseableType`` does)."""
    if t is None:
        return _DEDUCED_MAP if isinstance(value, dict) else _DEDUCED_LEAF
    if isinstance(t, Leaf):
        return _DEDUCED_LEAF
    if isinstance(t, Ref):
        s = SCHEMAS.get(t.name)
        if s is None or s.atomic:
            return _Node(_LEAF)
        return _Node(_STRUCT, fields=s.fields)
    if isinstance(t, MapOf):
        return _Node(_MAP, elem=t.value)
    if t.list_type == "map" and t.map_keys:
        return _Node(_LIST_MAP, elem=t.item, keys=t.map_keys)
    if t.list_type == "set":
        return _Node(_LIST_SET, elem=t.item)
    return _Node(_LEAF)  # +listType=atomic, and SMD's default for lists without a marker


def _root_type(info: ResourceInfo | Struct | str) -> Type | None:
    if isinstance(info, Struct):
        return Ref(info.name)
    if isinstance(info, str):
        s = find_kind(info)
    else:
        s = find_kind(info.kind, info.api_version)
    return Ref(s.name) if s is not None else None


def _child_type(node: _Node, key: str) -> Type | None:
    if node.kind == _STRUCT:
        assert node.fields is not None
        return node.fields.get(key)
    return node.elem


# -- path elements ----------------------------------------------------------------------------


def _go_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _item_pe(node: _Node, item: Any, index: int) -> str:
    """``listItemToPathElement``: ``k:{"name":"a"}``, ``v:"x"`` or ``i:3``."""
    if node.kind == _LIST_MAP and isinstance(item, dict):
        key: dict[str, Any] = {}
        for k in node.keys:
            if k in item and item[k] is not None:
                key[k] = item[k]
            elif k == "protocol":  # the key's schema default (x-kubernetes-list-map-keys)
                key[k] = "TCP"
        if key:
            return "k:" + _go_json(key)
    if node.kind == _LIST_SET:
        return "v:" + _go_json(item)
    return f"i:{index}"


def _go_value(value: Any) -> str:
    """``value.ToString``: strings Go-quoted, numbers and booleans bare."""
    if isinstance(value, str):
        from .authz.messages import go_quote

        return go_quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _pe_string(pe: str) -> str:
    """``PathElement.String()``: ``.name``, ``[name="nginx"]``, ``[="x"]``, ``[0]``."""
    tag, body = pe[:2], pe[2:]
    if tag == "f:":
        return "." + body
    if tag == "k:":
        key = json.loads(body)
        return "[" + ",".join(f"{k}={_go_value(v)}" for k, v in sorted(key.items())) + "]"
    if tag == "v:":
        return f"[={_go_value(json.loads(body))}]"
    return f"[{body}]"


def path_string(path: Path) -> str:
    """``fieldpath.Path.String()``: ``.spec.template.spec.containers[name="nginx"].image``."""
    return "".join(_pe_string(pe) for pe in path)


_PE_RANK = {"f:": 0, "k:": 1, "v:": 2, "i:": 3}


def _pe_sort_key(pe: str) -> tuple[int, Any]:
    if pe.startswith("i:"):
        return (3, int(pe[2:]))
    return (_PE_RANK.get(pe[:2], 4), pe[2:])


def _path_sort_key(path: Path) -> tuple[tuple[int, Any], ...]:
    return tuple(_pe_sort_key(pe) for pe in path)


# -- typed walks: ToFieldSet, Compare, Merge, RemoveItems --------------------------------------


def _items(node: _Node, value: Any) -> Iterator[tuple[str, Any, Type | None]]:
    """The children of a struct/map/list value: ``(path element, value, type)``."""
    if node.kind in (_STRUCT, _MAP):
        if isinstance(value, dict):
            for k, v in value.items():
                yield "f:" + k, v, _child_type(node, k)
    elif node.kind in (_LIST_MAP, _LIST_SET) and isinstance(value, list):
        for i, item in enumerate(value):
            yield _item_pe(node, item, i), item, node.elem


def _shape_ok(node: _Node, value: Any) -> bool:
    if node.kind in (_STRUCT, _MAP):
        return isinstance(value, dict)
    if node.kind in (_LIST_MAP, _LIST_SET):
        return isinstance(value, list)
    return True


def to_field_set(obj: Any, t: Type | ResourceInfo | str | None, path: Path = ()) -> FieldSet:
    """``TypedValue.ToFieldSet``: every leaf, every list item, every map entry that is not a
    declared struct field, and every null or empty-object value.

    >>> sorted(to_field_set({"metadata": {"labels": {"app": "web"}}}, "ConfigMap"))
    [('f:metadata', 'f:labels', 'f:app')]
    """
    out: FieldSet = set()
    typ = _root_type(t) if isinstance(t, ResourceInfo | str) else t
    _to_field_set(obj, typ, path, out)
    return out


def _to_field_set(value: Any, t: Type | None, path: Path, out: FieldSet) -> None:
    node = _node(t, value)
    if node.kind == _LEAF or value is None or not _shape_ok(node, value):
        if path:
            out.add(path)
        return
    for pe, child, ct in _items(node, value):
        cp = (*path, pe)
        _to_field_set(child, ct, cp, out)
        item = node.kind in (_LIST_MAP, _LIST_SET)
        empty = child is None or (isinstance(child, dict) and not child)
        undeclared = node.kind == _MAP or (node.fields is not None and pe[2:] not in node.fields)
        if item or empty or undeclared:
            out.add(cp)


@dataclass
class Comparison:
    """``typed.Comparison``: paths added, modified and removed from ``lhs`` to ``rhs``."""

    added: FieldSet = field(default_factory=set)
    modified: FieldSet = field(default_factory=set)
    removed: FieldSet = field(default_factory=set)

    def exclude(self, keep: Any) -> Comparison:
        """``Comparison.ExcludeFields`` (the reset-field filter): keep paths ``keep(path)``."""
        return Comparison({p for p in self.added if keep(p)},
                          {p for p in self.modified if keep(p)},
                          {p for p in self.removed if keep(p)})


def _same(a: Any, b: Any) -> bool:
    if type(a) is type(b) and not isinstance(a, dict | list):
        return bool(a == b)
    return _go_json(a) == _go_json(b)


def compare(lhs: Any, rhs: Any, t: Type | ResourceInfo | str | None) -> Comparison:
    """``TypedValue.Compare``: leaves compared by value; a map, struct or list item present on
    one side only is itself added/removed (see the module docstring for struct fields)."""
    typ = _root_type(t) if isinstance(t, ResourceInfo | str) else t
    cmp = Comparison()
    _compare(lhs, rhs, typ, (), cmp)
    return cmp


def _compare(lhs: Any, rhs: Any, t: Type | None, path: Path, cmp: Comparison,
             always_present: bool = False) -> None:
    if lhs is None and rhs is None:
        return
    if lhs is rhs or (type(lhs) is type(rhs) and isinstance(lhs, dict | list) and lhs == rhs):
        return  # an unchanged subtree has nothing to report (a short cut, same result)
    node = _node(t, rhs if rhs is not None else lhs)
    leaf = (node.kind == _LEAF or (lhs is not None and not _shape_ok(node, lhs))
            or (rhs is not None and not _shape_ok(node, rhs)))
    if not leaf and not (lhs or rhs):
        leaf = True  # emptyPromoteToLeaf: both sides empty or null
    if leaf:
        if lhs is None:
            cmp.added.add(path)
        elif rhs is None:
            cmp.removed.add(path)
        elif not _same(lhs, rhs):
            cmp.modified.add(path)
        return
    required: tuple[str, ...] = ()
    if node.kind == _STRUCT and isinstance(t, Ref) and t.name in SCHEMAS:
        required = SCHEMAS[t.name].required
    left = {pe: (v, ct) for pe, v, ct in _items(node, lhs)} if lhs is not None else {}
    right = {pe: (v, ct) for pe, v, ct in _items(node, rhs)} if rhs is not None else {}
    for pe, (lv, ct) in left.items():
        rv = right[pe][0] if pe in right else None
        _compare(lv, rv, ct, (*path, pe), cmp, pe[2:] in required)
    for pe, (rv, ct) in right.items():
        if pe not in left:
            _compare(None, rv, ct, (*path, pe), cmp, pe[2:] in required)
    if not path or (lhs is not None and rhs is not None) or always_present:
        return  # postItemHook: only a node present on one side is itself added/removed
    if node.kind == _STRUCT and isinstance(t, Ref) and path[-1].startswith("f:"):
        return  # a Go value struct field is always there (module docstring); items are not
    (cmp.added if lhs is None else cmp.removed).add(path)


def merge(lhs: Any, rhs: Any, t: Type | ResourceInfo | str | None) -> Any:
    """``TypedValue.Merge(rhs)``: ``rhs`` (the applied configuration) over ``lhs`` (the live
    object). Granular maps and structs merge key by key, map/set lists item by item in SMD's
    order (shared items in the configuration's order, live-only items where they were),
    everything else is replaced. A ``null`` in the configuration removes the field."""
    typ = _root_type(t) if isinstance(t, ResourceInfo | str) else t
    return _merge(lhs, rhs, typ)


def _merge(lhs: Any, rhs: Any, t: Type | None) -> Any:
    if rhs is None:
        return copy.deepcopy(lhs)
    node = _node(t, rhs)
    if node.kind == _LEAF or not _shape_ok(node, rhs) or lhs is None \
            or not _shape_ok(node, lhs):
        return copy.deepcopy(rhs)
    if node.kind in (_STRUCT, _MAP):
        out = dict(lhs)
        for k, rv in rhs.items():
            if rv is None:
                out.pop(k, None)
            elif k in lhs:
                out[k] = _merge(lhs[k], rv, _child_type(node, k))
            else:
                out[k] = copy.deepcopy(rv)
        return out
    return _merge_list(node, lhs, rhs)


def _merge_list(node: _Node, lhs: list[Any], rhs: list[Any]) -> list[Any]:
    """``mergingWalker.visitListItems`` (``typed/merge.go``), step for step."""
    l_pes = [_item_pe(node, it, i) for i, it in enumerate(lhs)]
    r_pes = [_item_pe(node, it, i) for i, it in enumerate(rhs)]
    l_map: dict[str, Any] = {}
    for pe, it in zip(l_pes, lhs, strict=True):
        l_map.setdefault(pe, it)
    r_map: dict[str, Any] = {}
    for pe, it in zip(r_pes, rhs, strict=True):
        r_map.setdefault(pe, it)
    shared = [pe for pe in r_pes if pe in l_map]
    shared_i = 0
    next_shared = shared[0] if shared else None
    merged_rhs: set[str] = set()
    out: list[Any] = []
    li = ri = 0

    def advance() -> None:
        nonlocal shared_i, next_shared
        shared_i += 1
        next_shared = shared[shared_i] if shared_i < len(shared) else None

    while li < len(l_pes) or ri < len(r_pes):
        if li < len(l_pes) and ri < len(r_pes):
            pe = l_pes[li]
            if pe == r_pes[ri]:
                merged_rhs.add(pe)
                out.append(_merge(l_map[pe], r_map[pe], node.elem))
                li += 1
                ri += 1
                advance()
                continue
            if pe in r_map and next_shared is not None and next_shared != pe:
                li += 1
                continue
        if li < len(l_pes):
            pe = l_pes[li]
            if pe not in r_map:
                out.append(copy.deepcopy(lhs[li]))
                li += 1
                continue
            if pe in merged_rhs:
                li += 1
                continue
        if ri < len(r_pes):
            pe = r_pes[ri]
            merged_rhs.add(pe)
            out.append(_merge(l_map.get(pe), r_map[pe], node.elem))
            ri += 1
            if next_shared is not None and next_shared == pe:
                advance()
    return out


def remove_items(obj: Any, t: Type | ResourceInfo | str | None, paths: Iterable[Path]) -> Any:
    """``TypedValue.RemoveItems``: a copy of ``obj`` without the fields and items in ``paths``."""
    typ = _root_type(t) if isinstance(t, ResourceInfo | str) else t
    remove = set(paths)
    prefixes = {p[:i] for p in remove for i in range(1, len(p))}
    return _remove(obj, typ, (), remove, prefixes)


def _remove(value: Any, t: Type | None, path: Path, remove: FieldSet,
            prefixes: set[Path]) -> Any:
    node = _node(t, value)
    if node.kind == _LEAF or not _shape_ok(node, value):
        return value
    if node.kind in (_STRUCT, _MAP):
        out: dict[str, Any] = {}
        for k, v in value.items():
            cp = (*path, "f:" + k)
            if cp in remove:
                continue
            out[k] = _remove(v, _child_type(node, k), cp, remove, prefixes) \
                if cp in prefixes else v
        return out
    items: list[Any] = []
    for i, item in enumerate(value):
        cp = (*path, _item_pe(node, item, i))
        if cp in remove:
            continue
        items.append(_remove(item, node.elem, cp, remove, prefixes) if cp in prefixes else item)
    return items


# -- FieldsV1 ---------------------------------------------------------------------------------


def fields_v1(paths: Iterable[Path]) -> dict[str, Any]:
    """A field set as ``fieldsV1`` JSON (``Set.ToJSON``).

    >>> fields_v1({("f:data",), ("f:data", "f:key")})
    {'f:data': {'.': {}, 'f:key': {}}}
    """
    root: dict[str, Any] = {}
    members: set[Path] = set(paths)
    for p in members:
        node = root
        for pe in p:
            node = node.setdefault(pe, {})

    def render(node: dict[str, Any], path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if node and path in members:
            out["."] = {}
        for pe in sorted(node, key=_pe_sort_key):
            out[pe] = render(node[pe], (*path, pe))
        return out

    return render(root, ())


def parse_fields_v1(doc: Any) -> FieldSet:
    """``Set.FromJSON``: the inverse of :func:`fields_v1`."""
    out: FieldSet = set()

    def walk(node: Any, path: Path) -> None:
        if not isinstance(node, dict):
            return
        for key, child in node.items():
            if key == ".":
                if path:
                    out.add(path)
                continue
            cp = (*path, key)
            if not child:
                out.add(cp)
            else:
                walk(child, cp)

    walk(doc, ())
    return out


# -- managed entries --------------------------------------------------------------------------


@dataclass
class ManagedEntry:
    """One ``metav1.ManagedFieldsEntry``, with its field set parsed."""

    manager: str
    operation: str
    api_version: str
    fields: FieldSet
    time: str | None = None
    subresource: str = ""
    #: the ``fieldsV1`` this entry was decoded from, reused while ``fields`` is unchanged
    raw: tuple[frozenset[Path], dict[str, Any]] | None = field(default=None, repr=False,
                                                               compare=False)

    @property
    def identifier(self) -> str:
        """``BuildManagerIdentifier``: the entry without time and fields (and without the
        apiVersion for appliers, so an applier is one entry whatever version it used)."""
        d: dict[str, Any] = {"manager": self.manager, "operation": self.operation}
        if self.operation != APPLY and self.api_version:
            d["apiVersion"] = self.api_version
        if self.subresource:
            d["subresource"] = self.subresource
        return json.dumps(d, separators=(",", ":"))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"manager": self.manager, "operation": self.operation,
                             "apiVersion": self.api_version}
        if self.time:
            d["time"] = self.time
        d["fieldsType"] = "FieldsV1"
        if self.raw is not None and self.raw[0] == self.fields:
            d["fieldsV1"] = self.raw[1]
        else:
            d["fieldsV1"] = fields_v1(self.fields)
        if self.subresource:
            d["subresource"] = self.subresource
        return d


Managed = dict[str, ManagedEntry]


def decode_managed_fields(entries: Any) -> Managed:
    """``DecodeManagedFields`` (entries that cannot be read are skipped)."""
    out: Managed = {}
    if not isinstance(entries, list):
        return out
    for e in entries:
        if not isinstance(e, dict) or e.get("operation") not in (APPLY, UPDATE):
            continue
        fields = parse_fields_v1(e.get("fieldsV1"))
        entry = ManagedEntry(str(e.get("manager", "")), str(e["operation"]),
                             str(e.get("apiVersion", "")), fields, e.get("time"),
                             str(e.get("subresource", "")),
                             raw=(frozenset(fields), e.get("fieldsV1") or {}))
        out[entry.identifier] = entry
    return out


def encode_managed_fields(managed: Managed) -> list[dict[str, Any]]:
    """``EncodeObjectManagedFields``, sorted as ``sortEncodedManagedFields``: Apply before
    Update, then by time, manager, apiVersion, subresource."""
    def key(e: ManagedEntry) -> tuple[Any, ...]:
        return (e.operation, e.time or "", e.manager, e.api_version, e.subresource)

    return [e.to_dict() for e in sorted(managed.values(), key=key) if e.fields]


def _is_reset(entries: Any) -> bool:
    """``isResetManagedFields``: ``[]`` or ``[{}]``."""
    return isinstance(entries, list) and (not entries or entries == [{}])


def manager_or_user_agent(field_manager: str, user_agent: str) -> str:
    """``managerOrUserAgent``: the ``fieldManager`` parameter, else the User-Agent up to its
    first ``/`` (``kubectl/v1.32.4 (linux/amd64) ...`` → ``kubectl``)."""
    return field_manager or user_agent.split("/")[0]


def validate_field_manager(manager: str, options_kind: str, *, apply_patch: bool = False,
                           force: str | None = None) -> None:
    """``ValidateCreateOptions`` / ``ValidateUpdateOptions`` / ``ValidatePatchOptions`` for the
    field manager: required for an apply patch (``fieldManager: Required value: is required for
    apply patch``), at most 128 bytes, printable; ``force`` only on apply patches. Failures are
    422 on ``<Kind>.meta.k8s.io ""`` as upstream."""
    from .validation.field import ErrorList, Path, forbidden, invalid, required, too_long

    errs = ErrorList()
    fpath = Path("fieldManager")
    if options_kind == "PatchOptions":
        if not apply_patch and force is not None:
            errs.append(forbidden(Path("force"), "may not be specified for non-apply patch"))
        if apply_patch and not manager:
            errs.append(required(fpath, "is required for apply patch"))
    if len(manager.encode()) > FIELD_MANAGER_MAX_LENGTH:
        errs.append(too_long(fpath, FIELD_MANAGER_MAX_LENGTH))
    for i, ch in enumerate(manager):
        if not ch.isprintable():
            errs.append(invalid(fpath, manager,
                                f"invalid character U+{ord(ch):04X} (at position {i})"))
    if errs:
        raise errors.invalid("meta.k8s.io", options_kind, "", [e.cause() for e in errs],
                             [str(e) for e in errs])


# -- reset fields -------------------------------------------------------------------------------


def _keep_filter(info: ResourceInfo, subresource: str) -> Any:
    """Which paths a write may own (``GetResetFields`` of the strategy)."""
    if subresource == "status":
        return lambda p: bool(p) and p[0] == "f:status"
    if subresource == "scale":
        return lambda p: p[:2] == ("f:spec", "f:replicas")
    if info.subresource("status") is not None:
        return lambda p: not p or p[0] != "f:status"
    return lambda p: True


# -- SMD's Updater ------------------------------------------------------------------------------


class _Conflicts(Exception):
    """``merge.Conflicts``: ``(manager identifier, path)`` pairs."""

    def __init__(self, conflicts: list[tuple[str, Path]]) -> None:
        super().__init__(f"{len(conflicts)} conflicts")
        self.conflicts = conflicts


def _smd_update(live: Any, new: Any, t: Type | None, managers: Managed, workflow: str,
                force: bool, keep: Any) -> tuple[Managed, Comparison]:
    """``Updater.update``: other managers lose what this write changed (or it conflicts).
    Returns the managers and the (reset-field filtered) comparison of ``live`` and ``new``."""
    cmp = Comparison()
    _compare(live, new, t, (), cmp)
    cmp = cmp.exclude(keep)
    changed = cmp.modified | cmp.added
    conflicts: dict[str, FieldSet] = {}
    for ident, entry in managers.items():
        if ident == workflow:
            continue
        clash = entry.fields & changed
        if clash:
            conflicts[ident] = clash
    if not force and conflicts:
        raise _Conflicts(sorted(((m, p) for m, ps in conflicts.items() for p in ps),
                                key=lambda mp: (mp[0], _path_sort_key(mp[1]))))
    out: Managed = {}
    for ident, entry in managers.items():
        if ident == workflow:
            out[ident] = entry
            continue
        fields = entry.fields - conflicts.get(ident, set()) - cmp.removed
        if fields:
            out[ident] = ManagedEntry(entry.manager, entry.operation, entry.api_version,
                                      fields, entry.time, entry.subresource, entry.raw)
    return out, cmp


def _prune(merged: Any, t: Type | None, managers: Managed, applier: str,
           last: FieldSet | None) -> Any:
    """``Updater.prune``: drop what ``applier`` applied last time, applies no longer, and no
    other applier owns (``addBackOwnedItems``, ``addBackDanglingItems``)."""
    if not last:
        return merged
    pruned = remove_items(merged, t, last)
    owned: FieldSet = set()
    for entry in managers.values():
        if entry.operation == APPLY:
            owned |= entry.fields
    merged_set = to_field_set(merged, t)
    pruned = remove_items(merged, t, merged_set - (to_field_set(pruned, t) | owned))
    return remove_items(merged, t, (merged_set - to_field_set(pruned, t)) & last)


# -- the field manager --------------------------------------------------------------------------


def _strip(managed: Managed) -> Managed:
    out: Managed = {}
    for ident, e in managed.items():
        fields = {p for p in e.fields if p not in _STRIP}
        if fields:
            out[ident] = ManagedEntry(e.manager, e.operation, e.api_version, fields, e.time,
                                      e.subresource, e.raw)
    return out


def _cap(managed: Managed, max_updates: int = DEFAULT_MAX_UPDATE_MANAGERS) -> Managed:
    """``capManagersManager``: while there are more than ``max_updates`` Update entries,
    merge the oldest into the ``ancient-changes`` bucket of its apiVersion."""
    out = dict(managed)
    updaters = sorted((e for e in out.values() if e.operation == UPDATE),
                      key=lambda e: (e.time or "", e.identifier))
    count = len(updaters)
    for oldest in updaters:
        if count <= max_updates:
            break
        bucket = ManagedEntry(ANCIENT_CHANGES, UPDATE, oldest.api_version, set(oldest.fields),
                              oldest.time)
        if bucket.identifier == oldest.identifier:
            continue
        prev = out.get(bucket.identifier)
        del out[oldest.identifier]
        if prev is not None:
            bucket.fields |= prev.fields
            count -= 1
        out[bucket.identifier] = bucket
    return out


def _without_managed_fields(obj: dict[str, Any] | None) -> dict[str, Any]:
    if not obj:
        return {}
    out = dict(obj)
    meta = dict(out.get("metadata") or {})
    meta.pop("managedFields", None)
    out["metadata"] = meta
    return out


def _set_managed(obj: dict[str, Any], managed: Managed) -> dict[str, Any]:
    meta = obj.setdefault("metadata", {})
    encoded = encode_managed_fields(managed)
    if encoded:
        meta["managedFields"] = encoded
    else:
        meta.pop("managedFields", None)
    return obj


class _Unshaped(Exception):
    """A value :func:`_shape` cannot summarise (not plain JSON types)."""


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _shape(value: Any) -> Any:
    """What a create's field set depends on: the keys of every object, each list whole (its
    items' path elements come from their values), and of every other value its type and
    whether it is empty. Two objects with the same shape get the same ``managedFields`` on
    create, apart from the time."""
    t = type(value)
    if t is dict:
        out: list[tuple[str, Any]] = []
        for k, v in value.items():
            vt = type(v)  # scalars inline: the same pairs, without a call per field
            out.append((k, (vt, not v) if vt in _SCALARS else _shape(v)))
        return tuple(out)
    if t is list:
        return ("[", repr(value))
    if t in _SCALARS:
        return (t, not value)
    raise _Unshaped


#: ``managedFields`` written on create by object shape (see :func:`update`); bounded
_CREATE_FIELDS: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
_CREATE_FIELDS_MAX = 4096


def _create_key(info: ResourceInfo, new: dict[str, Any], manager: str) -> tuple[Any, ...] | None:
    try:
        return (info.group, info.plural, info.kind, info.api_version, manager, _shape(new))
    except _Unshaped:
        return None


def update(info: ResourceInfo, live: dict[str, Any] | None, new: dict[str, Any],
           manager: str, now: str, subresource: str = "") -> dict[str, Any]:
    """``FieldManager.UpdateNoErrors(live, new, manager)`` for a create (``live`` None), an
    update or a non-apply patch: ``new`` with its ``managedFields`` brought up to date.

    The request's own ``managedFields`` are kept when it sent some (``[]`` / ``[{}]`` clear
    them); otherwise the live object's are used. A subresource request cannot set them.

    A create that sent no ``managedFields`` depends only on the object's shape (the
    comparison starts from nothing): its result — one entry for ``manager`` — is remembered by
    shape and reused with this request's time (the same bytes, without the field walk).
    """
    live_mf = (live or {}).get("metadata", {}).get("managedFields")
    new_mf = new.get("metadata", {}).get("managedFields")
    if live is None and new_mf is None and not subresource:
        key = _create_key(info, new, manager)
        if key is not None:
            cached = _CREATE_FIELDS.get(key)
            if cached is not None:
                meta = new.setdefault("metadata", {})
                if cached:
                    meta["managedFields"] = [{**e, "time": now,
                                              "fieldsV1": deep_copy(e["fieldsV1"])}
                                             for e in cached]
                else:
                    meta.pop("managedFields", None)
                return new
            out = _update(info, live, new, manager, now, subresource, live_mf, new_mf)
            encoded = out.get("metadata", {}).get("managedFields") or []
            if all(e.get("time") == now for e in encoded):
                if len(_CREATE_FIELDS) >= _CREATE_FIELDS_MAX:
                    _CREATE_FIELDS.clear()
                _CREATE_FIELDS[key] = deep_copy(encoded)
            return out
    return _update(info, live, new, manager, now, subresource, live_mf, new_mf)


def _update(info: ResourceInfo, live: dict[str, Any] | None, new: dict[str, Any],
            manager: str, now: str, subresource: str, live_mf: Any,
            new_mf: Any) -> dict[str, Any]:
    if subresource:
        managed = decode_managed_fields(live_mf)
    elif _is_reset(new_mf):
        managed = {}
    else:
        managed = decode_managed_fields(new_mf) or decode_managed_fields(live_mf)
    t = _root_type(info)
    keep = _keep_filter(info, subresource)
    live_clean = _without_managed_fields(live)
    new_clean = _without_managed_fields(new)
    # managedFieldsUpdater: the structured update runs as "current-operation", whose fields
    # are then merged into the manager's previous entry and stamped with the time
    self_id = "current-operation"
    managed, cmp = _smd_update(live_clean, new_clean, t, managed, self_id, True, keep)
    mine = (cmp.modified | cmp.added) - cmp.removed
    managed = _strip(managed)
    mine = {p for p in mine if p not in _STRIP}
    entry = ManagedEntry(manager, UPDATE, info.api_version, set(), None, subresource)
    if mine:
        prev = managed.get(entry.identifier)
        entry.fields = mine | (prev.fields if prev is not None else set())
        entry.time = now
        managed[entry.identifier] = entry
    managed = _cap(managed)
    return _set_managed(new, managed)


def _gvk_string(api_version: str, kind: str) -> str:
    """``schema.GroupVersionKind.String()``: ``apps/v1, Kind=Deployment``, ``/v1, Kind=Pod``."""
    group, _, version = api_version.rpartition("/") if "/" in api_version else ("", "",
                                                                               api_version)
    return f"{group}/{version}, Kind={kind}"


def conflict_error(conflicts: list[tuple[str, Path]]) -> errors.StatusError:
    """``NewConflictError``: 409 with one cause per conflicting field."""

    def print_manager(ident: str) -> str:
        from .authz.messages import go_quote

        try:
            e = json.loads(ident)
        except ValueError:
            return go_quote(ident)
        s = go_quote(str(e.get("manager", "")))
        if e.get("subresource"):
            s += f" with subresource {go_quote(e['subresource'])}"
        if e.get("operation") == UPDATE:
            s += f" using {e.get('apiVersion', '')}"
        return s

    causes = [{"reason": "FieldManagerConflict",
               "message": f"conflict with {print_manager(m)}", "field": path_string(p)}
              for m, p in conflicts]
    if len(conflicts) == 1:
        m, p = conflicts[0]
        message = (f"Apply failed with 1 conflict: conflict with {print_manager(m)}: "
                   f"{path_string(p)}")
    else:
        by_manager: dict[str, list[Path]] = {}
        for m, p in conflicts:
            by_manager.setdefault(m, []).append(p)
        lines: list[str] = []
        for m in sorted(by_manager):
            lines.append(f"conflicts with {print_manager(m)}:")
            lines.extend(f"- {path_string(p)}" for p in by_manager[m])
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return errors.StatusError({"kind": "Status", "apiVersion": "v1", "metadata": {},
                               "status": "Failure", "message": message, "reason": "Conflict",
                               "details": {"causes": causes}, "code": 409})


def _allowed_from_last_applied(info: ResourceInfo, live: dict[str, Any], t: Type | None) \
        -> FieldSet | None:
    """``lastAppliedManager.allowedConflictsFromLastApplied``: the fields of the
    ``last-applied-configuration`` whose live value still matches it."""
    text = (live.get("metadata", {}).get("annotations") or {}).get(
        LAST_APPLIED_CONFIG_ANNOTATION, "")
    if not text:
        return None
    try:
        last = json.loads(text)
    except ValueError:
        return None
    if not isinstance(last, dict) or last.get("apiVersion") != info.api_version:
        return None
    cmp = Comparison()
    _compare(last, live, t, (), cmp)
    return to_field_set(last, t) - cmp.modified - cmp.added - cmp.removed


def apply(info: ResourceInfo, live: dict[str, Any] | None, config: Any, manager: str,
          now: str, *, force: bool = False, subresource: str = "") -> dict[str, Any]:
    """``FieldManager.Apply``: merge the applied configuration into ``live`` (``None``: the
    object does not exist yet), remove what this manager stopped applying, and record its
    ownership. Raises 409 with upstream's conflict message unless ``force``; 400 when the
    configuration is of another kind or carries ``managedFields``."""
    if not isinstance(config, dict):
        raise errors.bad_request("error decoding YAML: the body is not an object")
    api_version, kind = str(config.get("apiVersion") or ""), str(config.get("kind") or "")
    if (api_version, kind) != (info.api_version, info.kind):
        raise errors.bad_request(f"invalid object type: {_gvk_string(api_version, kind)}")
    if (config.get("metadata") or {}).get("managedFields") is not None:
        raise errors.bad_request("metadata.managedFields must be nil")
    t = _root_type(info)
    keep = _keep_filter(info, subresource)
    live_clean = _without_managed_fields(live)
    managed = decode_managed_fields((live or {}).get("metadata", {}).get("managedFields"))

    def run(force: bool) -> tuple[dict[str, Any], Managed]:
        ident = ManagedEntry(manager, APPLY, info.api_version, set(), None,
                             subresource).identifier
        merged = _merge(live_clean, config, t)
        last = managed.get(ident)
        config_set = {p for p in to_field_set(config, t) if keep(p)}
        mgrs = dict(managed)
        mgrs[ident] = ManagedEntry(manager, APPLY, info.api_version, config_set, now,
                                   subresource)
        merged = _prune(merged, t, mgrs, ident, last.fields if last is not None else None)
        mgrs, _ = _smd_update(live_clean, merged, t, mgrs, ident, force, keep)
        return merged, _cap(_strip(mgrs))

    try:
        obj, out = run(force)
    except _Conflicts as exc:
        conflicts = exc.conflicts
        allowed = (_allowed_from_last_applied(info, live_clean, t)
                   if manager == "kubectl" and live is not None else None)
        if allowed is None:
            raise conflict_error(conflicts) from None
        remaining = [(m, p) for m, p in conflicts if p not in allowed]
        if remaining:
            raise conflict_error(remaining) from None
        obj, out = run(True)
    # lastAppliedUpdater: kubectl's server-side apply keeps the client-side annotation current
    annotations = (live_clean.get("metadata", {}).get("annotations") or {})
    if manager == "kubectl" and annotations.get(LAST_APPLIED_CONFIG_ANNOTATION):
        cfg = copy.deepcopy(config)
        cfg_ann = (cfg.get("metadata") or {}).get("annotations")
        if isinstance(cfg_ann, dict):
            cfg_ann.pop(LAST_APPLIED_CONFIG_ANNOTATION, None)
        obj.setdefault("metadata", {}).setdefault("annotations", {})[
            LAST_APPLIED_CONFIG_ANNOTATION] = encode_json(cfg)
    return _set_managed(obj, out)
