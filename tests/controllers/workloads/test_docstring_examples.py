"""The examples in the docstrings (``>>>``) are part of the teaching text: keep them true."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from k8s_internals.controllers import controller_utils
from k8s_internals.controllers.deployment import steps, util


@pytest.mark.parametrize("module", [controller_utils, util, steps], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
