"""Notebook benchmark: how long each chapter takes to execute, and the whole book build.

- **chapters** — every ``notebooks/NN-*.ipynb`` executed with nbclient in a fresh kernel (as
  ``make notebooks`` and the book do; the kernel start is included), nothing written back.
  Target: each chapter <= 10 s.
- **book** — ``book/build_book.py`` into a temporary folder: the whole Jupyter Book build
  (every chapter and every solution notebook executed, ``-W -n --keep-going``).
  Target: <= 90 s for everything.
- **solutions** — each ``solutions/*.ipynb`` executed the same way, for the per-notebook figures.

``K8S_INTERNALS_BENCH_QUICK=1`` times the chapters only (no book, no solutions).
Prints one line per notebook and a summary with the targets; never writes to the notebooks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_TARGET_S = 10.0
TOTAL_TARGET_S = 90.0


def execute(path: Path, timeout: int = 300) -> float:
    """Execute one notebook in a fresh kernel (as the book does); return the wall time."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   allow_errors="exercises" in path.parts,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - started


def _time_folder(folder: str) -> dict[str, float]:
    figures: dict[str, float] = {}
    for path in sorted((ROOT / folder).glob("[0-9][0-9]-*.ipynb")):
        try:
            took = execute(path)
        except Exception as exc:  # a broken notebook must not hide the others' figures
            print(f"  {folder}/{path.name:<32} FAILED: {type(exc).__name__}", flush=True)
            continue
        figures[path.stem] = took
        flag = "" if took <= CHAPTER_TARGET_S or folder != "notebooks" else "  (over target)"
        print(f"  {folder}/{path.name:<32} {took:6.1f} s{flag}", flush=True)
    return figures


def build_book() -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="k8s-book-") as out:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(ROOT / "book" / "build_book.py"),
                               "--output", out], cwd=ROOT, capture_output=True, text=True)
        took = time.perf_counter() - started
    if proc.returncode:
        lines = (proc.stdout + proc.stderr).splitlines()
        warnings = [line for line in lines if "WARNING:" in line and "IPKernelApp" not in line]
        print(f"  book build exited {proc.returncode}:", *warnings[-10:], sep="\n    ")
    return took, proc.returncode


def main() -> None:
    quick = os.environ.get("K8S_INTERNALS_BENCH_QUICK") == "1"
    print("chapters (nbclient, fresh kernel each):")
    chapters = _time_folder("notebooks")
    if chapters:
        worst = max(chapters, key=chapters.__getitem__)
        over = [c for c, t in chapters.items() if t > CHAPTER_TARGET_S]
        print(f"  total {sum(chapters.values()):.1f} s for {len(chapters)} chapters; slowest "
              f"{worst} {chapters[worst]:.1f} s (target <= {CHAPTER_TARGET_S:.0f} s each: "
              f"{'met' if not over else 'missed by ' + ', '.join(over)})")
    if quick:
        print("quick run: book build and solutions skipped")
        return
    print("solutions (nbclient, fresh kernel each):")
    solutions = _time_folder("solutions")
    if solutions:
        print(f"  total {sum(solutions.values()):.1f} s for {len(solutions)} notebooks")
    print("book build (jupyter-book, every chapter and solution executed):")
    took, rc = build_book()
    verdict = "met" if took <= TOTAL_TARGET_S else "missed"
    print(f"  book build {took:.1f} s (exit {rc}); target everything <= {TOTAL_TARGET_S:.0f} s: "
          f"{verdict}")


if __name__ == "__main__":
    main()
