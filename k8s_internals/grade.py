"""``k8s-internals grade``: run the check cells of exercise notebooks and score them.

A *check cell* is a code cell tagged ``check`` (cell metadata ``tags``); its exercise id and title
come from the cell's ``k8s_internals`` metadata (``{"exercise": "03.2", "title": "..."}``), or
``Cell <n>`` when absent. The grader executes each notebook top to bottom with nbclient in a fresh
kernel, errors allowed, exactly as a learner's "Run All" would, and counts a check as passed when
its cell raised nothing. A notebook's other cells are not graded, but an error in them usually
makes the checks after them fail (their names are missing), which is the honest outcome.

The result prints as one table per notebook (exercise, title, ``PASS``/``FAIL``, the first line of
the failure) with the score ``passed/total``; ``--junit FILE`` also writes JUnit XML — one
``<testsuite>`` per notebook (``classname`` is the notebook path) and one ``<testcase>`` per check
cell — for learning platforms and CI. The exit code is 0 when every check passes, 1 when one
fails, 2 on a usage error (no notebook found).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CheckResult", "NotebookResult", "add_arguments", "find_notebooks", "grade",
           "grade_notebook", "junit_xml", "main", "render_table"]

CHECK_TAG = "check"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class CheckResult:
    """One check cell: its exercise, whether it passed, and why not."""

    exercise: str
    title: str
    cell_index: int
    passed: bool
    error_name: str = ""
    message: str = ""
    traceback: str = ""

    @property
    def summary(self) -> str:
        """The first line of the failure, e.g. ``AssertionError: expected 3, got None.``"""
        if self.passed:
            return ""
        first = self.message.strip().splitlines()[0] if self.message.strip() else ""
        return f"{self.error_name}: {first}" if first else self.error_name


@dataclass
class NotebookResult:
    path: Path
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""  # the notebook could not be run at all (unreadable, kernel died...)
    failed_cells: list[int] = field(default_factory=list)  # every cell that raised

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.checks)

    @property
    def total(self) -> int:
        return len(self.checks)

    @property
    def ok(self) -> bool:
        return not self.error and self.passed == self.total


def is_check_cell(cell: Any) -> bool:
    return cell.get("cell_type") == "code" and CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def _error_output(cell: Any) -> dict[str, Any] | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return dict(out)
    return None


def grade_notebook(path: str | Path, timeout: int = 120, kernel_name: str = "python3",
                   write_to: str | Path | None = None) -> NotebookResult:
    """Execute ``path`` (errors allowed) and score its check cells. ``write_to`` saves the
    executed notebook (the learner's file is never changed)."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    result = NotebookResult(path)
    started = time.perf_counter()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # unreadable JSON, not a notebook
        result.error = f"cannot read {path}: {exc}"
        return result
    checks = [(i, c) for i, c in enumerate(nb.cells) if is_check_cell(c)]
    for cell in nb.cells:  # what a learner's own run left behind must not count
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    try:
        NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, allow_errors=True,
                       resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    except Exception as exc:  # timeout, dead kernel: remaining checks count as failed
        result.error = f"{type(exc).__name__}: {_ANSI.sub('', str(exc)).strip()[:500]}"
    result.seconds = time.perf_counter() - started
    result.failed_cells = [i for i, c in enumerate(nb.cells)
                           if c.get("cell_type") == "code" and _error_output(c) is not None]
    for i, cell in checks:
        meta = cell.get("metadata", {}).get("k8s_internals", {})
        err = _error_output(cell)
        ran = cell.get("execution_count") is not None
        passed = ran and err is None
        check = CheckResult(str(meta.get("exercise", f"Cell {i}")), str(meta.get("title", "")),
                            i, passed)
        if err is not None:
            check.error_name = str(err.get("ename", "Error"))
            check.message = _ANSI.sub("", str(err.get("evalue", "")))
            check.traceback = _ANSI.sub("", "\n".join(err.get("traceback", [])))
        elif not ran:
            check.passed = False
            check.error_name = "NotRun"
            check.message = result.error or "the cell did not run"
        result.checks.append(check)
    if write_to is not None:
        nbformat.write(nb, write_to)
    return result


def find_notebooks(paths: Iterable[str | Path]) -> list[Path]:
    """Notebooks named on the command line; folders give their ``*.ipynb`` files, sorted."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found += sorted(f for f in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in f.parts)
        else:
            found.append(p)
    return found


def grade(paths: Sequence[str | Path], timeout: int = 120) -> list[NotebookResult]:
    return [grade_notebook(p, timeout=timeout) for p in find_notebooks(paths)]


def render_table(result: NotebookResult, width: int = 140) -> str:
    """The per-notebook table, e.g.::

        exercises/02-etcd.ipynb  1/3
          02.1  The key of a Pod                  PASS
          02.2  The key of a Service (a quirk)    FAIL  AssertionError: ...
    """
    lines = [f"{result.path}  {result.passed}/{result.total}"
             + (f"  ({result.seconds:.1f} s)" if result.seconds else "")]
    if result.error:
        lines.append(f"  ! {result.error}")
    if not result.checks:
        lines.append("  (no check cells)")
    ex_w = max((len(c.exercise) for c in result.checks), default=0)
    title_w = min(max((len(c.title) for c in result.checks), default=0), 40)
    for c in result.checks:
        row = f"  {c.exercise:<{ex_w}}  {c.title[:title_w]:<{title_w}}  " + \
              ("PASS" if c.passed else "FAIL")
        if not c.passed:
            row += "  " + c.summary
        lines.append(row if len(row) <= width else row[:width - 3] + "...")
    return "\n".join(lines)


def junit_xml(results: Sequence[NotebookResult]) -> str:
    """JUnit XML: a ``<testsuite>`` per notebook, a ``<testcase>`` per check cell."""
    root = ET.Element("testsuites", name="k8s-internals grade",
                      tests=str(sum(r.total for r in results)),
                      failures=str(sum(r.total - r.passed for r in results)),
                      time=f"{sum(r.seconds for r in results):.3f}")
    for r in results:
        suite = ET.SubElement(root, "testsuite", name=str(r.path), tests=str(r.total),
                              failures=str(r.total - r.passed), errors="1" if r.error else "0",
                              time=f"{r.seconds:.3f}")
        if r.error:
            ET.SubElement(suite, "system-err").text = r.error
        for c in r.checks:
            name = f"{c.exercise} {c.title}".strip()
            case = ET.SubElement(suite, "testcase", classname=str(r.path), name=name)
            if not c.passed:
                fail = ET.SubElement(case, "failure", message=c.summary,
                                     type=c.error_name or "Failure")
                fail.text = c.traceback or c.message
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebooks", nargs="*", default=["exercises"],
                   help="notebooks or folders to grade (default: exercises/)")
    p.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    p.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")


def main(args: argparse.Namespace) -> int:
    files = find_notebooks(args.notebooks)
    missing = [f for f in files if not f.is_file()]
    if not files or missing:
        what = ", ".join(map(str, missing)) or " ".join(args.notebooks)
        print(f"k8s-internals grade: no notebook found: {what}", file=sys.stderr)
        return 2
    results = []
    for f in files:
        r = grade_notebook(f, timeout=args.timeout)
        results.append(r)
        print(render_table(r), flush=True)
        print(flush=True)
    passed, total = sum(r.passed for r in results), sum(r.total for r in results)
    print(f"total: {passed}/{total} checks passed in {len(results)} notebook(s)")
    if args.junit:
        Path(args.junit).write_text(junit_xml(results), encoding="utf-8")
        print(f"JUnit XML written to {args.junit}")
    return 0 if all(r.ok for r in results) else 1
