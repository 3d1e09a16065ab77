"""Build the book (``make book``): ``jupyter-book build`` with warnings as errors.

The Sphinx source directory is the repository root, so the toc (book/_toc.yml) references the
chapters where they live (``notebooks/...``), with ``only_build_toc_files`` keeping everything
else out. Before building, this script resolves the toc against what exists:

- a chapter whose exact file is missing but whose number prefix matches one notebook
  (``notebooks/03-*.ipynb``) is used under its real name, with a note to fix the toc;
- a chapter that does not exist yet is left out, with a note (the chapters are being written);
- a ``glob`` entry with no match is left out.

The resolved toc is written to book/_build/_toc.resolved.yml. With all nine chapters present
and named as in the toc, the resolved toc is the toc.

Usage: ``python book/build_book.py [--strict] [--builder html] [--output DIR]``;
``--strict`` fails when a chapter is missing. The HTML is in book/_build/html.
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
SUFFIXES = (".ipynb", ".md")


def _exists(docname: str) -> str | None:
    for suffix in SUFFIXES:
        if (ROOT / f"{docname}{suffix}").is_file():
            return docname
    folder, _, stem = docname.rpartition("/")
    prefix = stem.split("-", 1)[0]
    if prefix.isdigit():
        found = sorted(p for s in SUFFIXES for p in (ROOT / folder).glob(f"{prefix}-*{s}"))
        if len(found) == 1:
            real = str(found[0].relative_to(ROOT).with_suffix(""))
            print(f"book: toc says {docname}, found {real}: update book/_toc.yml")
            return real
    return None


def _resolve(entries: list[dict], missing: list[str]) -> list[dict]:
    out = []
    for entry in entries:
        entry = dict(entry)
        if "file" in entry:
            real = _exists(entry["file"])
            if real is None:
                missing.append(entry["file"])
                continue
            entry["file"] = real
        if "glob" in entry and not any(
            glob.glob(str(ROOT / f"{entry['glob']}{s}")) for s in SUFFIXES
        ):
            print(f"book: nothing matches {entry['glob']} yet; left out")
            continue
        for key in ("sections", "chapters"):
            if key in entry:
                entry[key] = _resolve(entry[key], missing)
                if not entry[key]:
                    del entry[key]
        out.append(entry)
    return out


def resolve_toc() -> tuple[Path, list[str]]:
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text())
    missing: list[str] = []
    toc["parts"] = [
        {**part, "chapters": _resolve(part["chapters"], missing)} for part in toc["parts"]
    ]
    toc["parts"] = [p for p in toc["parts"] if p["chapters"]]
    out = BOOK / "_build" / "_toc.resolved.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(toc, sort_keys=False))
    return out, missing


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--strict", action="store_true", help="fail when a chapter is missing")
    p.add_argument("--builder", default="html")
    p.add_argument("--output", default=str(BOOK),
                   help="folder that receives _build/ (default: book/)")
    args = p.parse_args(argv)
    subprocess.run([str(BOOK / "vendor_widgets.sh")], check=True)
    toc, missing = resolve_toc()
    for doc in missing:
        print(f"book: {doc} does not exist yet; built without it")
    if missing and args.strict:
        return 1
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--config", str(BOOK / "_config.yml"), "--toc",
           str(toc), "--path-output", args.output, "--builder", args.builder,
           "-W", "-n", "--keep-going"]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    started = time.perf_counter()
    rc = subprocess.run(cmd, cwd=ROOT, env=env).returncode
    print(f"book: built in {time.perf_counter() - started:.1f} s (exit {rc})")
    return rc


if __name__ == "__main__":
    sys.exit(main())
