"""YAML output against what the real kubectl printed (``tests/kubectl/data/*.yaml`` were made
with ``kubectl create ... --dry-run=client -o yaml``, kubectl v1.32): read each file with the
manifest reader, write it back, get the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8s_internals.kubectl.manifests import parse_documents
from k8s_internals.kubectl.yamlout import dump, key_less

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("name", ["configmap-scalars.yaml", "deployment.yaml", "service.yaml",
                                  "secret.yaml"])
def test_round_trip_matches_real_kubectl(name: str) -> None:
    text = (DATA / name).read_text()
    assert dump(parse_documents(text, name)[0]) == text


def test_quoting_rules() -> None:
    out = dump({"a": "hello: world", "b": "123", "c": "", "d": "true", "e": "N", "f": None,
                "g": True, "h": 3, "i": 0.5, "j": [], "k": {}, "l": "it's"})
    assert out == ("a: 'hello: world'\nb: \"123\"\nc: \"\"\nd: \"true\"\ne: \"N\"\nf: null\n"
                   "g: true\nh: 3\ni: 0.5\nj: []\nk: {}\nl: it's\n")


def test_nested_sequences_and_literal_blocks() -> None:
    doc = {"items": [{"name": "a", "ports": [{"port": 80}, {"port": 443}]}, ["x", "y"], "z"],
           "text": "line1\nline2\n", "keep": "a\n\n"}
    assert dump(doc) == ("items:\n- name: a\n  ports:\n  - port: 80\n  - port: 443\n"
                         "- - x\n  - \"y\"\n- z\nkeep: |+\n  a\n\ntext: |\n  line1\n  line2\n")


def test_long_plain_strings_fold_at_80_columns() -> None:
    words = " ".join(["word"] * 40)
    out = dump({"data": {"f": words}})
    lines = out.splitlines()
    assert lines[1] == "  f: " + " ".join(["word"] * 16)
    assert lines[2] == "    " + " ".join(["word"] * 16)


def test_key_order_is_yaml_v2_natural_order() -> None:
    keys = ["a10", "a2", "B", "a", "a_b", "a.b", "a-b", "app"]
    import functools

    ordered = sorted(keys, key=functools.cmp_to_key(
        lambda x, y: -1 if key_less(x, y) else (1 if key_less(y, x) else 0)))
    assert ordered == ["B", "a", "a-b", "a.b", "a_b", "a2", "a10", "app"]
