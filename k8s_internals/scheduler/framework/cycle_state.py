"""Per-cycle scratch space shared by the plugins of one scheduling attempt.

Mirrors ``pkg/scheduler/framework/cycle_state.go``: plugins write what they computed in
PreFilter/PreScore under a key such as ``"PreFilter" + name`` and read it back in Filter/Score.
Values that may be mutated (by ``add_pod``/``remove_pod`` during preemption) implement
``clone()``; :meth:`CycleState.clone` clones every value that has one.

The state also carries the framework's bookkeeping: the plugins that returned ``Skip`` at
PreFilter/PreScore (whose Filter/Score are then not run), as upstream's ``SkipFilterPlugins`` and
``SkipScorePlugins``.

>>> s = CycleState()
>>> s.write("PreFilterNodePorts", [80])
>>> s.read("PreFilterNodePorts")
[80]
>>> s.read("missing")
Traceback (most recent call last):
...
KeyError: 'not found'
"""

from __future__ import annotations

from typing import Any

__all__ = ["NOT_FOUND", "CycleState"]

#: ``fwk.ErrNotFound``'s text
NOT_FOUND = "not found"


class CycleState:
    """``CycleState``: a key → value map plus the sets of skipped plugins."""

    __slots__ = ("_storage", "record_plugin_metrics", "skip_filter_plugins",
                 "skip_score_plugins")

    def __init__(self) -> None:
        self._storage: dict[str, Any] = {}
        self.skip_filter_plugins: set[str] = set()
        self.skip_score_plugins: set[str] = set()
        self.record_plugin_metrics = False

    def read(self, key: str) -> Any:
        """``Read``; raises ``KeyError("not found")`` like ``ErrNotFound``."""
        try:
            return self._storage[key]
        except KeyError:
            raise KeyError(NOT_FOUND) from None

    def get(self, key: str, default: Any = None) -> Any:
        return self._storage.get(key, default)

    def write(self, key: str, value: Any) -> None:
        self._storage[key] = value

    def delete(self, key: str) -> None:
        self._storage.pop(key, None)

    def keys(self) -> list[str]:
        return list(self._storage)

    def clone(self) -> CycleState:
        """``Clone``: values with a ``clone()`` method are cloned, others are shared."""
        c = CycleState()
        for k, v in self._storage.items():
            clone = getattr(v, "clone", None)
            c._storage[k] = clone() if callable(clone) else v
        c.skip_filter_plugins = set(self.skip_filter_plugins)
        c.skip_score_plugins = set(self.skip_score_plugins)
        c.record_plugin_metrics = self.record_plugin_metrics
        return c
