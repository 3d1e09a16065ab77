"""The command line: each subcommand is wired to what implements it."""

from __future__ import annotations

import subprocess
import sys


def test_run_is_wired() -> None:
    """``run`` lists the components (tests/test_run.py runs them); without one it fails."""
    r = subprocess.run([sys.executable, "-m", "k8s_internals.cli", "run", "--help"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0
    for component in ("apiserver", "controller-manager", "scheduler", "kubelet", "proxy"):
        assert component in r.stdout
    r = subprocess.run([sys.executable, "-m", "k8s_internals.cli", "run"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 2
    assert "not there yet" not in r.stderr and "COMPONENT" in r.stderr


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
