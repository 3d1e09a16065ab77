"""The ``k8s-internals`` command: ``lab | demo | serve | run COMPONENT | grade``.

Each subcommand is wired to the component that implements it: ``serve`` (the whole cluster
behind HTTPS, :mod:`k8s_internals.serve`), ``run`` (one component as its own process,
:mod:`k8s_internals.run`), ``grade`` (:mod:`k8s_internals.grade`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

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
    run = sub.add_parser(
        "run", help="run one component as its own process (apiserver, controller-manager, "
                    "scheduler, kubelet, proxy)",
        description="Run one control plane component as its own OS process, talking to the "
                    "API server over HTTPS with its own identity.")
    from .run import add_arguments as add_run_arguments

    add_run_arguments(run)
    grade = sub.add_parser("grade", help="grade exercise notebooks (run their check cells)")
    from .grade import add_arguments as add_grade_arguments

    add_grade_arguments(grade)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
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
    if args.command == "run":
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        from .run import main as run_main

        return run_main(args)
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
