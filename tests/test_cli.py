"""The command line: subcommands that are not built yet say so and fail."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("command", ["run"])
def test_unbuilt_subcommands_say_so_and_exit_non_zero(command: str) -> None:
    r = subprocess.run([sys.executable, "-m", "k8s_internals.cli", command],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 2
    assert "not there yet" in r.stderr


def test_grade_is_wired(tmp_path) -> None:
    """``grade`` runs the grader (tests/test_grade.py covers the table, exit codes and JUnit)."""
    r = subprocess.run([sys.executable, "-m", "k8s_internals.cli", "grade", "--help"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0
    assert "--junit" in r.stdout
    r = subprocess.run([sys.executable, "-m", "k8s_internals.cli", "grade",
                        str(tmp_path / "missing.ipynb")],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 2
    assert "not there yet" not in r.stderr
    assert "no notebook found" in r.stderr
