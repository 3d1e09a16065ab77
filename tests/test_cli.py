"""The command line: subcommands that are not built yet say so and fail."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("command", ["grade"])
def test_unbuilt_subcommands_say_so_and_exit_non_zero(command: str) -> None:
    r = subprocess.run([sys.executable, "-m", "k8s_internals.cli", command],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 2
    assert "not there yet" in r.stderr
