"""``k8s-internals grade``: the table, the exit codes and the JUnit XML, on a solved and an
unsolved notebook (small ones built here, so that the test needs no cluster)."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from k8s_internals.grade import grade_notebook, junit_xml, render_table


def _notebook(path: Path, answers: tuple[str, str]) -> Path:
    cells = [new_markdown_cell("# Exercises 99 — a test"), new_code_cell("import math")]
    for n, (answer, want) in enumerate(zip(answers, ("4", "'pi'"), strict=True), start=1):
        cells.append(new_markdown_cell(f"## Exercise 99.{n}"))
        cells.append(new_code_cell(f"answer{n} = {answer}  # TODO"))
        check = new_code_cell(f"assert answer{n} == {want}, "
                              f'f"expected {{{want}!r}}, got {{answer{n}!r}}. Hint: think."')
        check.metadata["tags"] = ["check"]
        check.metadata["k8s_internals"] = {"exercise": f"99.{n}", "title": f"Question {n}"}
        cells.append(check)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("grade")
    return {
        "solved": _notebook(d / "solved.ipynb", ("2 + 2", "'pi'")),
        "unsolved": _notebook(d / "unsolved.ipynb", ("None", "'pi'")),
    }


def _grade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "k8s_internals.cli", "grade", *args],
                          capture_output=True, text=True, check=False, timeout=120)


def test_grade_a_solved_and_an_unsolved_notebook(notebooks: dict[str, Path],
                                                 tmp_path: Path) -> None:
    junit = tmp_path / "report.xml"
    r = _grade(str(notebooks["solved"]), str(notebooks["unsolved"]), "--junit", str(junit))
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    # one table per notebook, with the score and a row per exercise
    solved, unsolved = out.split("\n\n")[:2]
    assert solved.splitlines()[0].startswith(f"{notebooks['solved']}  2/2")
    assert unsolved.splitlines()[0].startswith(f"{notebooks['unsolved']}  1/2")
    assert "99.1  Question 1  PASS" in solved and "99.2  Question 2  PASS" in solved
    assert "99.1  Question 1  FAIL  AssertionError: expected 4, got None. Hint: think." \
        in unsolved
    assert "99.2  Question 2  PASS" in unsolved
    assert "total: 3/4 checks passed in 2 notebook(s)" in out

    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "1"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(notebooks["solved"]),
                                               str(notebooks["unsolved"])]
    cases = root.findall("testsuite/testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        (str(notebooks[n]), f"99.{i} Question {i}") for n in ("solved", "unsolved")
        for i in (1, 2)]
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == 1
    failure = failures[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "AssertionError"
    assert failure.get("message") == "AssertionError: expected 4, got None. Hint: think."
    assert "assert answer1 == 4" in (failure.text or "")  # the traceback shows the check


def test_grade_exits_zero_when_everything_passes(notebooks: dict[str, Path]) -> None:
    r = _grade(str(notebooks["solved"]))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "total: 2/2 checks passed in 1 notebook(s)" in r.stdout


def test_grade_a_missing_notebook_is_a_usage_error(tmp_path: Path) -> None:
    r = _grade(str(tmp_path / "nope.ipynb"))
    assert r.returncode == 2
    assert "no notebook found" in r.stderr


def test_a_broken_todo_cell_fails_the_checks_after_it(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "broken.ipynb", ("1 / 0", "'pi'"))
    result = grade_notebook(path)
    assert [c.passed for c in result.checks] == [False, True]
    assert result.checks[0].error_name == "NameError"  # answer1 was never defined
    assert result.failed_cells == [3, 4]  # the TODO cell and its check
    assert "1/2" in render_table(result).splitlines()[0]
    assert 'failures="1"' in junit_xml([result])
