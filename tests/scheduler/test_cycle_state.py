"""CycleState (``cycle_state_test.go``)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.framework.cycle_state import CycleState


class _Data:
    def __init__(self, v: int) -> None:
        self.v = v

    def clone(self) -> _Data:
        return _Data(self.v)


def test_read_write_clone() -> None:
    s = CycleState()
    s.write("k", _Data(1))
    s.skip_filter_plugins.add("NodePorts")
    c = s.clone()
    c.read("k").v = 2
    assert s.read("k").v == 1 and c.skip_filter_plugins == {"NodePorts"}
    s.delete("k")
    with pytest.raises(KeyError, match="not found"):
        s.read("k")
