"""The tiny language the API types are written in, and the registry that holds them.

Upstream the API types are Go structs (``staging/src/k8s.io/api/*/v1/types.go``,
``apimachinery/pkg/apis/meta/v1/types.go``) whose ``json`` tags name the fields, whose Go
types give the JSON types, and whose comment markers give the rest: ``+optional``,
``+enum``, ``+listType=map``/``+listMapKey=name``, ``+structType=atomic``, and the
``patchStrategy:"merge" patchMergeKey:"name"`` struct tags. ``kube-openapi`` turns all of that
into the OpenAPI documents served under ``/openapi/v3`` (``api/openapi-spec/v3/*.json``).

Here one Python value says the same thing::

    CORE.struct("ContainerPort", {
        "name": STRING,
        "containerPort": INT32,
        "protocol": enum("SCTP", "TCP", "UDP"),
    }, required=("containerPort",))

    "ports": merge_list(CORE.ref("ContainerPort"), "containerPort", "containerPort", "protocol")

(``merge_list`` is ``ListOf(item, merge_key="containerPort", strategy="merge", list_type="map",
map_keys=("containerPort", "protocol"))``; ``atomic``, ``set_of``, ``merge_set`` and
``map_list`` name the other list shapes.)

The building blocks:

- :class:`Leaf` — a value the decoder does not look inside: ``string``, ``integer``
  (``int32``/``int64``), ``number``, ``boolean``, and the named leaf types of apimachinery
  (``Quantity``, ``IntOrString``, ``Time``, ``MicroTime``) whose Go types have their own
  ``UnmarshalJSON``. :data:`RAW_EXTENSION` and :data:`FIELDS_V1` are free-form JSON.
- :class:`Ref` — a struct, by its OpenAPI name (``io.k8s.api.core.v1.Container``); ``strategy``
  carries a ``patchStrategy`` tag on a struct field (``retainKeys`` on ``DeploymentStrategy``).
- :class:`ListOf` / :class:`MapOf` — ``[]X`` and ``map[string]X``.
- :class:`Struct` — fields (alphabetical, as the OpenAPI documents list them), ``required``
  (fields without ``omitempty`` and without ``+optional``), ``gvk`` for a top-level kind,
  ``atomic`` for ``+structType=atomic``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

__all__ = [
    "APPS",
    "AUTHENTICATION",
    "AUTHORIZATION",
    "AUTOSCALING",
    "BATCH",
    "BOOL",
    "BYTES",
    "COORDINATION",
    "CORE",
    "DISCOVERY",
    "DOUBLE",
    "EVENTS",
    "FIELDS_V1",
    "INT32",
    "INT64",
    "INT_OR_STRING",
    "LIST_META",
    "META",
    "MICRO_TIME",
    "OBJECT_META",
    "POLICY",
    "QUANTITY",
    "RAW_EXTENSION",
    "RBAC",
    "SCHEDULING",
    "SCHEMAS",
    "STORAGE",
    "STRING",
    "TIME",
    "Leaf",
    "ListOf",
    "MapOf",
    "Package",
    "Ref",
    "Struct",
    "Type",
    "atomic",
    "enum",
    "map_list",
    "merge_list",
    "merge_set",
    "resolve",
    "set_of",
    "walk_refs",
]


@dataclass(frozen=True)
class Leaf:
    """A JSON value with no fields of its own.

    ``component`` names an apimachinery type that the OpenAPI document lists on its own and
    fields point to with ``$ref``; ``free_form`` means any JSON is accepted below it."""

    type: str
    format: str = ""
    enum: tuple[str, ...] = ()
    component: str = ""
    free_form: bool = False


@dataclass(frozen=True)
class Ref:
    """A struct-typed field. ``strategy`` is the field's ``patchStrategy`` tag, if any."""

    name: str
    strategy: str = ""

    @property
    def short(self) -> str:
        """``Container`` for ``io.k8s.api.core.v1.Container``."""
        return self.name.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class ListOf:
    """``[]item``. ``strategy``/``merge_key`` are the strategic-merge-patch tags
    (``patchStrategy``, ``patchMergeKey``); ``list_type``/``map_keys`` are the server-side apply
    markers (``+listType``, ``+listMapKey``)."""

    item: Type
    merge_key: str = ""
    strategy: str = ""
    list_type: str = ""
    map_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class MapOf:
    """``map[string]value``: every key is allowed."""

    value: Type


Type: TypeAlias = Leaf | Ref | ListOf | MapOf

STRING = Leaf("string")
BYTES = Leaf("string", "byte")  # []byte: base64 text on the wire
INT32 = Leaf("integer", "int32")
INT64 = Leaf("integer", "int64")
DOUBLE = Leaf("number", "double")
BOOL = Leaf("boolean")
QUANTITY = Leaf("string", component="io.k8s.apimachinery.pkg.api.resource.Quantity")
INT_OR_STRING = Leaf("string", "int-or-string",
                     component="io.k8s.apimachinery.pkg.util.intstr.IntOrString")
TIME = Leaf("string", "date-time", component="io.k8s.apimachinery.pkg.apis.meta.v1.Time")
MICRO_TIME = Leaf("string", "date-time",
                  component="io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime")
RAW_EXTENSION = Leaf("object", component="io.k8s.apimachinery.pkg.runtime.RawExtension",
                     free_form=True)
FIELDS_V1 = Leaf("object", component="io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
                 free_form=True)


def merge_list(item: Type, key: str, *map_keys: str, retain_keys: bool = False) -> ListOf:
    """``patchStrategy:"merge" patchMergeKey:"<key>"`` plus ``+listType=map`` keyed by
    ``map_keys`` (default: the merge key). ``retain_keys`` makes it ``"merge,retainKeys"``."""
    return ListOf(item, merge_key=key, strategy="merge,retainKeys" if retain_keys else "merge",
                  list_type="map", map_keys=map_keys or (key,))


def map_list(item: Type, *keys: str) -> ListOf:
    """``+listType=map`` without strategic-merge tags (a JSON merge replaces it whole)."""
    return ListOf(item, list_type="map", map_keys=keys)


def atomic(item: Type) -> ListOf:
    """``+listType=atomic``: the list is one value, replaced whole."""
    return ListOf(item, list_type="atomic")


def set_of(item: Type) -> ListOf:
    """``+listType=set``: scalars, no duplicates."""
    return ListOf(item, list_type="set")


def merge_set(item: Type) -> ListOf:
    """``patchStrategy:"merge"`` on a list of scalars (``finalizers``, ``podCIDRs``)."""
    return ListOf(item, strategy="merge", list_type="set")


def enum(*values: str) -> Leaf:
    """A string with the values an ``+enum`` type allows (for the OpenAPI ``enum``)."""
    return Leaf("string", enum=tuple(sorted(values)))


@dataclass(eq=False)
class Struct:
    """One Go struct: its JSON fields (in upstream's order) and markers."""

    name: str
    fields: dict[str, Type]
    required: tuple[str, ...] = ()
    gvk: tuple[str, str, str] | None = None  # (group, version, kind) of a top-level kind
    atomic: bool = False
    description: str = ""

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def __repr__(self) -> str:
        return f"Struct({self.name})"


#: every struct, by OpenAPI name (``io.k8s.api.apps.v1.Deployment``)
SCHEMAS: dict[str, Struct] = {}


@dataclass(frozen=True)
class Package:
    """The Go package a group of types lives in, e.g. ``io.k8s.api.core.v1`` serving ``("",
    "v1")``. ``struct`` and ``kind`` register; ``ref`` points at a struct of this package."""

    prefix: str
    group: str = ""
    version: str = ""
    kinds: list[str] = field(default_factory=list, compare=False)

    def ref(self, name: str, strategy: str = "") -> Ref:
        return Ref(f"{self.prefix}.{name}", strategy)

    def struct(self, name: str, fields: Mapping[str, Type], *, required: tuple[str, ...] = (),
               atomic: bool = False, description: str = "",
               gvk: tuple[str, str, str] | None = None) -> Struct:
        full = f"{self.prefix}.{name}"
        if full in SCHEMAS:
            raise ValueError(f"{full} defined twice")
        s = Struct(full, dict(fields), required, gvk, atomic, description)
        SCHEMAS[full] = s
        return s

    def kind(self, name: str, fields: Mapping[str, Type], *, required: tuple[str, ...] = (),
             description: str = "", list_kind: bool = True) -> Struct:
        """A top-level kind: ``apiVersion``, ``kind`` and ``metadata`` come first (TypeMeta
        inline, ObjectMeta), then ``fields``. Its ``<Kind>List`` is registered too."""
        top: dict[str, Type] = {"apiVersion": STRING, "kind": STRING,
                                "metadata": Ref(OBJECT_META)}
        top.update(fields)
        s = self.struct(name, top, required=required, description=description,
                        gvk=(self.group, self.version, name))
        self.kinds.append(name)
        if list_kind:
            self.struct(f"{name}List", {
                "apiVersion": STRING,
                "items": ListOf(self.ref(name)),
                "kind": STRING,
                "metadata": Ref(LIST_META),
            }, required=("items",), description=f"{name}List is a list of {name} objects.",
                gvk=(self.group, self.version, f"{name}List"))
        return s

    def plain_kind(self, name: str, fields: Mapping[str, Type], *,
                   required: tuple[str, ...] = (), description: str = "") -> Struct:
        """A kind that is never listed (reviews, Scale, Eviction, TokenRequest, Binding)."""
        return self.kind(name, fields, required=required, description=description,
                         list_kind=False)


OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"


META = Package("io.k8s.apimachinery.pkg.apis.meta.v1", "meta.k8s.io", "v1")
CORE = Package("io.k8s.api.core.v1", "", "v1")
APPS = Package("io.k8s.api.apps.v1", "apps", "v1")
AUTHENTICATION = Package("io.k8s.api.authentication.v1", "authentication.k8s.io", "v1")
AUTHORIZATION = Package("io.k8s.api.authorization.v1", "authorization.k8s.io", "v1")
AUTOSCALING = Package("io.k8s.api.autoscaling.v1", "autoscaling", "v1")
BATCH = Package("io.k8s.api.batch.v1", "batch", "v1")
COORDINATION = Package("io.k8s.api.coordination.v1", "coordination.k8s.io", "v1")
DISCOVERY = Package("io.k8s.api.discovery.v1", "discovery.k8s.io", "v1")
EVENTS = Package("io.k8s.api.events.v1", "events.k8s.io", "v1")
POLICY = Package("io.k8s.api.policy.v1", "policy", "v1")
RBAC = Package("io.k8s.api.rbac.v1", "rbac.authorization.k8s.io", "v1")
SCHEDULING = Package("io.k8s.api.scheduling.v1", "scheduling.k8s.io", "v1")
STORAGE = Package("io.k8s.api.storage.v1", "storage.k8s.io", "v1")


def resolve(t: Type) -> Struct | None:
    """The struct a :class:`Ref` names (``None`` for anything else)."""
    if isinstance(t, Ref):
        return SCHEMAS[t.name]
    return None


def walk_refs(t: Type) -> Iterator[str]:
    """The struct names (and leaf component names) a type mentions directly."""
    if isinstance(t, Ref):
        yield t.name
    elif isinstance(t, ListOf):
        yield from walk_refs(t.item)
    elif isinstance(t, MapOf):
        yield from walk_refs(t.value)
    elif isinstance(t, Leaf) and t.component:
        yield t.component
