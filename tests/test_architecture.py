"""The architecture rules, checked mechanically over every module of the package:

- only ``k8s_internals.api`` (and ``store`` itself) may import ``k8s_internals.store``;
- the simulation kernel imports nothing else from the package.

import-linter (run by ``make lint``) checks the listed packages; this test covers every module,
including ones added later that the contract does not list yet.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "k8s_internals"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)
    return out


MODULES = sorted(ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_only_the_api_server_imports_the_store(path: Path) -> None:
    mod = _module_name(path)
    if mod.startswith(("k8s_internals.api", "k8s_internals.store")):
        return
    bad = sorted(i for i in _imports(path)
                 if i == "k8s_internals.store" or i.startswith("k8s_internals.store."))
    assert not bad, f"{mod} imports {bad}: only k8s_internals.api may touch the store"


@pytest.mark.parametrize("path", sorted((ROOT / "sim").rglob("*.py")),
                         ids=lambda p: _module_name(p))
def test_the_kernel_depends_on_nothing_else_in_the_package(path: Path) -> None:
    bad = sorted(i for i in _imports(path)
                 if i.startswith("k8s_internals.") and not i.startswith("k8s_internals.sim"))
    assert not bad, f"{_module_name(path)} imports {bad}"


def test_the_check_sees_a_violation() -> None:
    """The import walker resolves relative imports (so the test above can fail)."""
    src = ROOT / "client" / "workqueue.py"
    assert "k8s_internals.sim" in _imports(src) or "k8s_internals.sim.kernel" in _imports(src)
