"""Reading ``-f`` manifests: files, directories, ``-`` for standard input, several YAML
documents per file, ``kind: List`` flattened (``cli-runtime/pkg/resource`` ``FileVisitor`` /
``StreamVisitor``).

Paths are looked up first in the files the caller handed to :class:`~.kubectl.Kubectl`
(``files={"kubia.yaml": "..."}``), then on disk. YAML is read as ``sigs.k8s.io/yaml`` reads it:
YAML 1.1 scalars, timestamps kept as strings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .base import Context
from .errors import CommandError

__all__ = ["load_objects", "parse_documents"]

_EXTENSIONS = (".json", ".yaml", ".yml")


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves timestamps as strings (the API wants RFC 3339 text)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_documents(text: str, source: str) -> list[dict[str, Any]]:
    """Every object in a (multi-document) YAML or JSON text, ``List`` s flattened."""
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise CommandError(f'error parsing {source}: error converting YAML to JSON: {exc}'
                           ) from None
    out: list[dict[str, Any]] = []
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise CommandError(f"error validating \"{source}\": error validating data: "
                               "invalid object to validate")
        if doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(item for item in doc["items"] if isinstance(item, dict))
        else:
            out.append(doc)
    return out


def load_objects(ctx: Context, filenames: list[str]) -> list[tuple[dict[str, Any], str]]:
    """``(object, source)`` for every object in the ``-f`` arguments, in order."""
    result: list[tuple[dict[str, Any], str]] = []
    for name in filenames:
        if name == "-":
            if ctx.stdin is None:
                raise CommandError("no objects passed to apply")
            result.extend((o, "STDIN") for o in parse_documents(ctx.stdin, "STDIN"))
            continue
        if name in ctx.files:
            result.extend((o, name) for o in parse_documents(ctx.files[name], name))
            continue
        path = Path(name)
        if path.is_dir():
            for p in sorted(path.iterdir()):
                if p.suffix in _EXTENSIONS and p.is_file():
                    result.extend((o, str(p)) for o in parse_documents(p.read_text(), str(p)))
            continue
        if not path.exists():
            raise CommandError(f'the path "{name}" does not exist')
        result.extend((o, name) for o in parse_documents(path.read_text(), name))
    return result
