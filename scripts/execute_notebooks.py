"""Execute notebooks in place with nbclient, so committed outputs are exactly what a run
produces (``make notebooks`` calls this for notebooks/, exercises/ and solutions/).

Usage: ``python scripts/execute_notebooks.py [--allow-errors] PATH...`` (files or folders).
Exercise notebooks are executed with errors allowed (their check cells fail until solved).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, allow_errors: bool, timeout: int = 120) -> float:
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            allow_errors=allow_errors,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    took = time.perf_counter() - started
    nbformat.write(nb, path)
    return took


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("paths", nargs="+")
    p.add_argument("--allow-errors", action="store_true")
    args = p.parse_args(argv)
    files: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        files += sorted(path.rglob("*.ipynb")) if path.is_dir() else [path]
    files = [f for f in files if ".ipynb_checkpoints" not in f.parts]
    for f in files:
        allow = args.allow_errors or "exercises" in f.parts
        took = execute(f, allow)
        print(f"{f}: {took:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
