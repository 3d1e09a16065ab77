"""The exercise notebooks, as shipped, fail exactly their check cells; the solutions pass them all.

Every notebook is executed once, in a fresh kernel, by the grader (``k8s_internals.grade``, i.e.
nbclient with errors allowed). The structure tests do not execute anything: chapters 01–08 each
have an exercise notebook and its solution, with at least three exercises, TODO cells that are
clearly unanswered, check cells that teach, and committed outputs from an executed run.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from k8s_internals.grade import grade_notebook, is_check_cell

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]-*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))
CHAPTERS = [f"{n:02d}" for n in range(1, 9)]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _checks(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if is_check_cell(c)]


# -- structure (no kernel) --------------------------------------------------------------------


def test_one_exercise_and_one_solution_notebook_per_chapter() -> None:
    for chapter in CHAPTERS:
        ex = [p.name for p in EXERCISES if p.name.startswith(chapter + "-")]
        sol = [p.name for p in SOLUTIONS if p.name.startswith(chapter + "-")]
        assert len(ex) == 1, f"chapter {chapter}: exercises {ex}"
        assert sol == ex, f"chapter {chapter}: solutions {sol} do not match exercises {ex}"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_exercise_structure(path: Path) -> None:
    ex = _read(path)
    sol = _read(ROOT / "solutions" / path.name)
    checks = _checks(ex)
    assert len(checks) >= 3, "at least three exercises per chapter"
    assert _checks(sol) == checks
    assert len(ex.cells) == len(sol.cells)
    ids = [ex.cells[i].metadata["k8s_internals"]["exercise"] for i in checks]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(path.name[:2] + ".") for i in ids), ids
    for i in checks:
        statement, todo, check = ex.cells[i - 2], ex.cells[i - 1], ex.cells[i]
        assert statement.cell_type == "markdown" and statement.source.startswith("## Exercise")
        assert todo.cell_type == "code" and "# TODO" in todo.source, todo.source
        assert "# TODO" not in sol.cells[i - 1].source, "the solution answers the TODO"
        assert sol.cells[i].source == check.source, "check cells are the same in both"
        assert "assert" in check.source or "expect(" in check.source
    # every cell but the TODO cells is the same in the exercise and its solution
    todo_cells = {i - 1 for i in checks}
    for i, (a, b) in enumerate(zip(ex.cells, sol.cells, strict=True)):
        if i not in todo_cells:
            assert a.source == b.source, f"cell {i} differs between exercise and solution"


@pytest.mark.parametrize("path", EXERCISES + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_committed_notebooks_are_executed(path: Path) -> None:
    nb = _read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "run scripts/execute_notebooks.py"
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "executed top to bottom in one kernel"


# -- execution ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_exercise_as_shipped_fails_exactly_its_checks(path: Path) -> None:
    result = grade_notebook(path)
    assert not result.error, result.error
    nb = _read(path)
    assert result.failed_cells == _checks(nb), (
        "cells that failed vs cells tagged check:\n"
        + "\n".join(f"cell {i}: {nb.cells[i].source[:80]!r}" for i in result.failed_cells))
    assert result.passed == 0
    for check in result.checks:
        # a failed check teaches: an AssertionError with what was expected, why, and a hint
        assert check.error_name == "AssertionError", (check.exercise, check.summary)
        assert check.message.strip(), check.exercise
        assert re.search(r"(?i)hint|why", check.message), (check.exercise, check.message)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_passes_every_check(path: Path) -> None:
    result = grade_notebook(path)
    assert not result.error, result.error
    assert result.failed_cells == [], [c.summary for c in result.checks if not c.passed]
    assert result.passed == result.total >= 3
