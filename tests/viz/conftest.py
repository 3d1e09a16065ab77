"""A DOT snapshot helper for the diagram tests.

Snapshots live in ``snapshots/<name>.dot``; run with ``UPDATE_SNAPSHOTS=1`` to rewrite them
(then read the diff: the DOT text is what the notebooks show).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture
def snapshot() -> Callable[[str, str], None]:
    def check(name: str, text: str) -> None:
        path = SNAPSHOTS / f"{name}.dot"
        if os.environ.get("UPDATE_SNAPSHOTS"):
            path.write_text(text)
        assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1"
        assert text == path.read_text(), f"{name}.dot differs (UPDATE_SNAPSHOTS=1 to rewrite)"

    return check


@pytest.fixture
def backend() -> str:
    """The diagrams need an API server only for a few real traces: the embedded store."""
    return "memory"
