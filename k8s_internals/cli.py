"""The ``k8s-internals`` command: ``lab | demo | serve | run COMPONENT | grade``.

Each subcommand is wired to the component that implements it; the ones whose issue has not
landed yet say so plainly and exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

NOT_YET = {
    "run": "running components as separate processes comes with the serve issue",
}


def _not_yet(name: str) -> int:
    print(f"k8s-internals {name}: not there yet — {NOT_YET[name]}.", file=sys.stderr)
    return 2


def _lab(args: argparse.Namespace) -> int:
    root = Path(__file__).resolve().parent.parent
    notebooks = root / "notebooks"
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    cmd = [jupyter, "lab", str(notebooks if notebooks.is_dir() else Path.cwd())]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--ServerApp.allow_root=True")
    cmd.extend(args.jupyter_args)
    os.execv(cmd[0], cmd) if os.path.isabs(cmd[0]) else os.execvp(cmd[0], cmd)
    return 0  # pragma: no cover - exec does not return


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="k8s-internals",
        description="See Kubernetes work inside: a compact, faithful control plane in Python.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("lab", help="open the workbook in JupyterLab")
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER, help="passed to jupyter lab")
    sub.add_parser("demo", help="the headless end-to-end demo")
    serve = sub.add_parser("serve", help="serve the cluster's API over HTTPS for kubectl")
    from .serve import add_arguments

    add_arguments(serve)
    run = sub.add_parser("run", help="run one component as its own process")
    run.add_argument("component", nargs="?")
    grade = sub.add_parser("grade", help="grade exercise notebooks (run their check cells)")
    from .grade import add_arguments as add_grade_arguments

    add_grade_arguments(grade)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args, _ = build_parser().parse_known_args(argv)
    if args.command == "lab":
        return _lab(args)
    if args.command == "serve":
        from .serve import serve as run_serve

        return run_serve(args)
    if args.command == "demo":
        from .demo import main as demo_main

        return demo_main()
    if args.command == "grade":
        from .grade import main as grade_main

        return grade_main(args)
    return _not_yet(args.command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
