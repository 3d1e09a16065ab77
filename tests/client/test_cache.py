"""The local cache: keys, the indexed store, the Indexer.

Ported from client-go ``tools/cache/store_test.go`` (doTestStore, doTestIndex),
``index_test.go`` (TestGetIndexFuncValues, TestMultiIndexKeys) and
``thread_safe_store_test.go``; plus the doctests of this package's client modules.
"""

from __future__ import annotations

import copy
import doctest
from dataclasses import dataclass
from typing import Any

import pytest

from k8s_internals.client import cache, expectations, rate_limiter, workqueue
from k8s_internals.client.cache import (
    NAMESPACE_INDEX,
    DeletedFinalStateUnknown,
    ExplicitKey,
    IndexConflictError,
    Indexer,
    IndexNotFoundError,
    KeyFuncError,
    ThreadSafeStore,
    deletion_handling_meta_namespace_key_func,
    index_func_to_key_func_adapter,
    list_all_by_namespace,
    meta_namespace_index_func,
    meta_namespace_key_func,
    new_indexer,
    new_store,
    split_meta_namespace_key,
)


def pod(name: str, namespace: str = "default", **meta: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": namespace, **meta}, "spec": {}}


# -- keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "key"),
    [
        (pod("web-0"), "default/web-0"),                       # namespaced: ns/name
        ({"metadata": {"name": "node-1"}}, "node-1"),           # cluster-scoped: name
        ({"metadata": {"name": "n", "namespace": ""}}, "n"),    # empty namespace: name
        (ExplicitKey("kube-system/dns"), "kube-system/dns"),    # ExplicitKey: as is
    ],
)
def test_meta_namespace_key_func(obj: Any, key: str) -> None:
    assert meta_namespace_key_func(obj) == key


@pytest.mark.parametrize(
    ("key", "parts"),
    [("default/web-0", ("default", "web-0")), ("node-1", ("", "node-1")), ("/x", ("", "x"))],
)
def test_split_meta_namespace_key(key: str, parts: tuple[str, str]) -> None:
    assert split_meta_namespace_key(key) == parts


def test_split_meta_namespace_key_rejects_extra_slashes() -> None:
    with pytest.raises(ValueError, match='unexpected key format: "a/b/c"'):
        split_meta_namespace_key("a/b/c")


def test_key_func_round_trip() -> None:
    for obj in (pod("a", "ns1"), {"metadata": {"name": "cluster-thing"}}):
        ns, name = split_meta_namespace_key(meta_namespace_key_func(obj))
        assert (ns, name) == (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])


def test_object_without_metadata() -> None:
    with pytest.raises(ValueError, match="object has no meta"):
        meta_namespace_key_func({"kind": "Pod"})
    store = new_store()
    with pytest.raises(KeyFuncError, match="couldn't create key for object"):
        store.add({"kind": "Pod"})


def test_deletion_handling_key_func_knows_tombstones() -> None:
    tombstone = DeletedFinalStateUnknown("default/web-0", pod("web-0"))
    assert deletion_handling_meta_namespace_key_func(tombstone) == "default/web-0"
    assert deletion_handling_meta_namespace_key_func(pod("web-1")) == "default/web-1"


def test_index_func_to_key_func_adapter() -> None:
    key_func = index_func_to_key_func_adapter(lambda obj: obj["ids"])
    assert key_func({"ids": ["x"]}) == "x"
    with pytest.raises(ValueError, match="too many keys"):
        key_func({"ids": ["x", "y"]})
    with pytest.raises(ValueError, match="unexpected empty indexKeys"):
        key_func({"ids": []})


# -- store_test.go -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreObject:
    """testStoreObject: keyed by id, indexed by val."""

    id: str
    val: str


def store_key_func(obj: StoreObject) -> str:
    return obj.id


def store_index_func(obj: StoreObject) -> list[str]:
    return [obj.val]


def do_test_store(store: Indexer) -> None:
    store.add(StoreObject("foo", "bar"))
    item = store.get(StoreObject("foo", ""))
    assert item is not None and item.val == "bar"
    store.update(StoreObject("foo", "baz"))
    item = store.get(StoreObject("foo", ""))
    assert item is not None and item.val == "baz"
    store.delete(StoreObject("foo", ""))
    assert store.get(StoreObject("foo", "")) is None  # found deleted item??

    # Test List.
    store.add(StoreObject("a", "b"))
    store.add(StoreObject("c", "d"))
    store.add(StoreObject("e", "e"))
    assert {o.val for o in store.list()} == {"b", "d", "e"}
    assert len(store.list()) == 3

    # Test Replace.
    store.replace([StoreObject("foo", "foo"), StoreObject("bar", "bar")], "0")
    assert {o.val for o in store.list()} == {"foo", "bar"}
    assert len(store.list()) == 2


def test_cache() -> None:
    do_test_store(new_store(store_key_func))


def test_index() -> None:
    # doTestIndex
    indexer = new_indexer(store_key_func, {"by_val": store_index_func})
    expected = {"b": {"a", "c"}, "f": {"e"}, "h": {"g"}}
    for obj in [StoreObject("a", "b"), StoreObject("c", "b"), StoreObject("e", "f"),
                StoreObject("g", "h")]:
        indexer.add(obj)
    for val, ids in expected.items():
        found = {o.id for o in indexer.index("by_val", StoreObject("", val))}
        assert found == ids


# -- index_test.go ------------------------------------------------------------------------------


def labels_foo_index_func(obj: dict[str, Any]) -> list[str]:
    return [obj["metadata"]["labels"]["foo"]]


def users_index_func(obj: dict[str, Any]) -> list[str]:
    return obj["metadata"]["annotations"]["users"].split(",")


def test_get_index_func_values() -> None:
    index = new_indexer(meta_namespace_key_func, {"testmodes": labels_foo_index_func})
    index.add({"metadata": {"name": "one", "labels": {"foo": "bar"}}})
    index.add({"metadata": {"name": "two", "labels": {"foo": "bar"}}})
    index.add({"metadata": {"name": "tre", "labels": {"foo": "biz"}}})
    assert sorted(index.list_index_func_values("testmodes")) == ["bar", "biz"]


def test_multi_index_keys() -> None:
    index = new_indexer(meta_namespace_key_func, {"byUser": users_index_func})
    pod1 = {"metadata": {"name": "one", "annotations": {"users": "ernie,bert"}}}
    pod2 = {"metadata": {"name": "two", "annotations": {"users": "bert,oscar"}}}
    pod3 = {"metadata": {"name": "tre", "annotations": {"users": "ernie,elmo"}}}
    for p in (pod1, pod2, pod3):
        index.add(p)

    assert len(index.by_index("byUser", "ernie")) == 2  # one, tre
    assert len(index.by_index("byUser", "bert")) == 2   # one, two
    assert len(index.by_index("byUser", "oscar")) == 1  # two
    # Index(pod1): everything sharing ernie or bert = {one, tre} ∪ {one, two}: 3, deduplicated.
    assert len(index.index("byUser", pod1)) == 3

    index.delete(pod3)
    assert len(index.by_index("byUser", "ernie")) == 1
    assert len(index.by_index("byUser", "elmo")) == 0

    copy_of_pod2 = copy.deepcopy(pod2)  # never mutate what the cache holds: copy, then update
    copy_of_pod2["metadata"]["annotations"]["users"] = "oscar"
    index.update(copy_of_pod2)
    assert len(index.by_index("byUser", "bert")) == 1
    assert index.index_keys("byUser", "bert") == ["one"]


# -- thread_safe_store_test.go ------------------------------------------------------------------


def test_delete_removes_empty_sets_from_index() -> None:
    store = ThreadSafeStore({"testIndexer": lambda obj: [obj]})
    store.add("testKey", "testKey")
    # Assumption check: a set for "testKey" with one element in the index.
    assert len(store.indices["testIndexer"]["testKey"]) == 1
    store.delete("testKey")
    assert "testKey" not in store.indices["testIndexer"]  # kubernetes/kubernetes#84959


def test_add_keeps_non_empty_set_post_delete_from_index() -> None:
    store = ThreadSafeStore({"testIndexer": lambda obj: ["testIndex"]})
    store.add("retain", "retain")
    store.add("delete", "delete")
    assert len(store.indices["testIndexer"]["testIndex"]) == 2
    store.delete("delete")
    assert list(store.indices["testIndexer"]["testIndex"]) == ["retain"]


def test_indexing_functions_with_multiple_values() -> None:
    store = ThreadSafeStore({"testIndexer": lambda obj: obj.split(",")})

    def index_of(value: str) -> str:
        return " ".join(sorted(store.indices["testIndexer"].get(value, {})))

    steps: list[tuple[str, str, str | None, str, str, str]] = [
        # op        key     value           keys under "foo"     under "bar"          "baz"
        ("add",    "key1", "foo",          "key1",              "",                  ""),
        ("add",    "key2", "bar",          "key1",              "key2",              ""),
        ("update", "key2", "foo,bar",      "key1 key2",         "key2",              ""),
        ("update", "key1", "foo,bar",      "key1 key2",         "key1 key2",         ""),
        ("add",    "key3", "foo,bar,baz",  "key1 key2 key3",    "key1 key2 key3",    "key3"),
        ("update", "key1", "foo",          "key1 key2 key3",    "key2 key3",         "key3"),
        ("update", "key2", "bar",          "key1 key3",         "key2 key3",         "key3"),
        ("delete", "key1", None,           "key3",              "key2 key3",         "key3"),
        ("delete", "key3", None,           "",                  "key2",              ""),
    ]  # fmt: skip
    for i, (op, key, value, foo, bar, baz) in enumerate(steps):
        if op == "delete":
            store.delete(key)
        else:
            getattr(store, op)(key, value)
        got = (index_of("foo"), index_of("bar"), index_of("baz"))
        assert got == (foo, bar, baz), f"step {i}: {op} {key}"


# -- the rest of the Indexer surface -------------------------------------------------------------


def test_unknown_index() -> None:
    indexer = new_indexer()
    with pytest.raises(IndexNotFoundError, match="Index with name namespace does not exist"):
        indexer.by_index("namespace", "default")
    with pytest.raises(IndexNotFoundError):
        indexer.index_keys("namespace", "default")
    with pytest.raises(IndexNotFoundError):
        indexer.index("namespace", pod("a"))
    assert indexer.list_index_func_values("namespace") == []  # upstream: empty, no error


def test_add_indexers_to_a_populated_store_indexes_existing_items() -> None:
    indexer = new_indexer()
    indexer.add(pod("a", "ns1"))
    indexer.add(pod("b", "ns2"))
    indexer.add_indexers({NAMESPACE_INDEX: meta_namespace_index_func})
    assert indexer.index_keys(NAMESPACE_INDEX, "ns1") == ["ns1/a"]
    assert list(indexer.get_indexers()) == [NAMESPACE_INDEX]


def test_add_indexers_conflict() -> None:
    indexer = new_indexer(indexers={NAMESPACE_INDEX: meta_namespace_index_func})
    with pytest.raises(IndexConflictError, match=r"indexer conflict: map\[namespace:\{\}\]"):
        indexer.add_indexers({NAMESPACE_INDEX: meta_namespace_index_func})


def test_index_func_error_names_key_and_index() -> None:
    store = ThreadSafeStore({"broken": lambda obj: obj["missing"]})
    with pytest.raises(RuntimeError, match='key "k" on index "broken"'):
        store.add("k", {})


def test_replace_rebuilds_indices() -> None:
    indexer = new_indexer(indexers={NAMESPACE_INDEX: meta_namespace_index_func})
    indexer.add(pod("old", "gone"))
    indexer.replace([pod("a", "ns1"), pod("b", "ns1")], "42")
    assert indexer.list_keys() == ["ns1/a", "ns1/b"]
    assert indexer.list_index_func_values(NAMESPACE_INDEX) == ["ns1"]
    assert indexer.by_index(NAMESPACE_INDEX, "gone") == []


def test_update_that_changes_the_indexed_value_moves_the_key() -> None:
    indexer = new_indexer(indexers={"node": lambda o: [o["spec"].get("nodeName", "")]})
    p = pod("web-0")
    indexer.add(p)
    bound = copy.deepcopy(p)
    bound["spec"]["nodeName"] = "node-1"
    indexer.update(bound)
    assert indexer.index_keys("node", "") == []
    assert indexer.index_keys("node", "node-1") == ["default/web-0"]


def test_delete_by_explicit_key_and_missing_key() -> None:
    indexer = new_indexer(indexers={NAMESPACE_INDEX: meta_namespace_index_func})
    indexer.add(pod("a"))
    indexer.delete(ExplicitKey("default/nope"))  # absent: no-op
    indexer.delete(ExplicitKey("default/a"))
    assert len(indexer) == 0
    assert indexer.list_index_func_values(NAMESPACE_INDEX) == []


def test_objects_are_stored_and_returned_without_copying() -> None:
    # Upstream does not deep-copy: get/list/by_index return the very object that was added.
    indexer = new_indexer(indexers={NAMESPACE_INDEX: meta_namespace_index_func})
    p = pod("web-0")
    indexer.add(p)
    assert indexer.get_by_key("default/web-0") is p
    assert indexer.list()[0] is p
    assert indexer.by_index(NAMESPACE_INDEX, "default")[0] is p
    # Which is why mutating a cached object is a bug: the index does not follow.
    p["metadata"]["namespace"] = "elsewhere"
    assert indexer.index_keys(NAMESPACE_INDEX, "default") == ["default/web-0"]


def test_transformer_runs_on_the_way_in() -> None:
    def strip(obj: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(obj)
        out["metadata"].pop("managedFields", None)
        return out

    indexer = Indexer(transformer=strip)
    indexer.add(pod("a", managedFields=[{"manager": "kubectl"}]))
    assert "managedFields" not in indexer.get_by_key("default/a")["metadata"]
    indexer.replace([pod("b", managedFields=[])])
    assert "managedFields" not in indexer.get_by_key("default/b")["metadata"]


def test_order_is_deterministic() -> None:
    indexer = new_indexer(indexers={NAMESPACE_INDEX: meta_namespace_index_func})
    for name in ["c", "a", "b"]:
        indexer.add(pod(name))
    assert indexer.list_keys() == ["default/c", "default/a", "default/b"]  # insertion order
    assert indexer.index_keys(NAMESPACE_INDEX, "default") == [
        "default/a", "default/b", "default/c",  # IndexKeys: sorted, as set.List()
    ]


def test_list_all_by_namespace() -> None:
    with_index = new_indexer(indexers={NAMESPACE_INDEX: meta_namespace_index_func})
    without_index = new_store()
    objs = [pod("a", "ns1", labels={"app": "web"}), pod("b", "ns1"), pod("c", "ns2")]
    for store in (with_index, without_index):
        for o in objs:
            store.add(o)
        assert [o["metadata"]["name"] for o in list_all_by_namespace(store, "ns1")] == ["a", "b"]
        assert len(list_all_by_namespace(store, "")) == 3  # NamespaceAll
        web = list_all_by_namespace(
            store, "ns1", lambda o: o["metadata"].get("labels", {}).get("app") == "web"
        )
        assert [o["metadata"]["name"] for o in web] == ["a"]


def test_ten_thousand_pods() -> None:
    # The scale the module is written for: 10,000 pods over 100 namespaces.
    indexer = new_indexer(indexers={NAMESPACE_INDEX: meta_namespace_index_func})
    indexer.replace([pod(f"p{i}", f"ns{i % 100}") for i in range(10_000)])
    assert len(indexer) == 10_000
    assert len(indexer.by_index(NAMESPACE_INDEX, "ns7")) == 100
    for i in range(0, 10_000, 2):  # half are deleted
        indexer.delete(ExplicitKey(f"ns{i % 100}/p{i}"))
    # ns7 holds i = 7, 107, 207, ...: all odd, all kept; ns8 holds 8, 108, ...: all deleted,
    # and its empty set is gone from the index.
    assert len(indexer.by_index(NAMESPACE_INDEX, "ns7")) == 100
    assert len(indexer.by_index(NAMESPACE_INDEX, "ns8")) == 0
    assert len(indexer.list_index_func_values(NAMESPACE_INDEX)) == 50
    assert len(indexer) == 5_000


# -- doctests of the client modules ---------------------------------------------------------------


@pytest.mark.parametrize("module", [cache, rate_limiter, workqueue, expectations],
                         ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_doctests(module: Any) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0
