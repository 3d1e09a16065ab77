"""Entry point for ``python -m benchmarks`` (what ``make bench`` runs).

Runs every benchmark module in :data:`MODULES`, in order, each through its ``main() -> None``,
and prints a header and the wall time per module. Add a benchmark by writing
``benchmarks/<name>.py`` with a ``main()`` and appending its name here.

Usage: ``python -m benchmarks [--quick] [--list] [NAME ...]`` (names as in :data:`MODULES`,
e.g. ``store_bench``). ``--quick`` sets ``K8S_INTERNALS_BENCH_QUICK=1``: modules shrink their
workloads (a smoke run, figures not meant to be quoted).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback

#: benchmark modules, run in this order; each has ``main() -> None``
MODULES: list[str] = [
    "store_bench",
    "store_model",
    "scheduler_bench",
    "notebooks_bench",
    "serve_bench",
    "list_page_bench",
]

QUICK_ENV = "K8S_INTERNALS_BENCH_QUICK"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Run the k8s-internals benchmarks."
    )
    parser.add_argument("names", nargs="*", help=f"modules to run (default: all of {MODULES})")
    parser.add_argument("--quick", action="store_true", help="small workloads (smoke run)")
    parser.add_argument("--list", action="store_true", help="list the modules and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(MODULES))
        return 0
    unknown = [n for n in args.names if n not in MODULES]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; known: {MODULES}")
    if args.quick:
        os.environ[QUICK_ENV] = "1"
    failed = 0
    for name in args.names or MODULES:
        print(f"== {name} ==", flush=True)
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            module.main()
        except Exception:  # one broken benchmark must not hide the others' figures
            failed += 1
            traceback.print_exc()
        print(f"== {name}: {time.perf_counter() - start:.1f} s ==\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
