"""Plain Python functions and classes as plugins — the learner's way in.

Upstream, an out-of-tree plugin is a Go type implementing the extension-point interfaces, plus a
``PluginFactory``, registered with ``app.WithPlugin(name, factory)`` and enabled in the
``KubeSchedulerConfiguration``. Here:

- a **class** with a ``name`` and some of ``filter``/``score``/... methods *is* a plugin (the
  framework checks which methods it has); pass the class (instantiated with no arguments, or with
  ``(args, handle)`` if its ``__init__`` takes two) or an instance;
- a **function** becomes a plugin with :func:`filter_plugin` or :func:`score_plugin`::

      @score_plugin(normalize="reverse")          # cheaper node -> higher score
      def cheapest_node(pod, node_info):
          return int(node_info.labels.get("price", "0"))

  A filter function returns ``True``/``None`` (fits), ``False`` (does not fit), a reason string
  (does not fit, with that reason) or a :class:`~.interface.Status`. A score function returns an
  int; without ``normalize`` it must already be in ``[0, 100]``; ``normalize="max"`` or
  ``"reverse"`` rescales by the maximum as ``DefaultNormalizeScore`` does, or give a function
  ``list[int] -> list[int]``;
- a **factory** ``new(args, handle)`` is used as is.

:func:`as_factory` turns any of these into a registry entry (``Scheduler(plugins={...})``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from .cycle_state import CycleState
from .interface import MAX_NODE_SCORE, Code, NodeScore, Status
from .types import NodeInfo

__all__ = ["FunctionFilterPlugin", "FunctionScorePlugin", "as_factory", "filter_plugin",
           "score_plugin"]

FilterFn = Callable[[dict[str, Any], NodeInfo], Any]
ScoreFn = Callable[[dict[str, Any], NodeInfo], Any]


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class FunctionFilterPlugin:
    """A Filter plugin around ``fn(pod, node_info)``."""

    def __init__(self, fn: FilterFn, name: str | None = None) -> None:
        self.fn = fn
        self.name = name or _camel(fn.__name__)

    def filter(self, state: CycleState, pod: dict[str, Any],
               node_info: NodeInfo) -> Status | None:
        r = self.fn(pod, node_info)
        if r is None or r is True:
            return None
        if isinstance(r, Status):
            return None if r.is_success() else r
        if r is False:
            return Status(Code.Unschedulable, f"node(s) didn't satisfy plugin {self.name}")
        return Status(Code.Unschedulable, str(r))

    def __call__(self, args: Mapping[str, Any] | None, handle: Any) -> FunctionFilterPlugin:
        return self


class FunctionScorePlugin:
    """A Score plugin around ``fn(pod, node_info) -> int``."""

    def __init__(self, fn: ScoreFn, name: str | None = None,
                 normalize: str | Callable[[list[int]], list[int]] | None = None) -> None:
        self.fn = fn
        self.name = name or _camel(fn.__name__)
        self.normalize = normalize

    def score(self, state: CycleState, pod: dict[str, Any],
              node_info: NodeInfo) -> tuple[int, Status | None]:
        r = self.fn(pod, node_info)
        if type(r) is tuple:
            return int(r[0]), r[1]
        return int(r), None

    def score_extensions(self) -> FunctionScorePlugin | None:
        return self if self.normalize is not None else None

    def normalize_score(self, state: CycleState, pod: dict[str, Any],
                        scores: list[NodeScore]) -> Status | None:
        out = self.normalize_column(state, pod, [s.score for s in scores])
        for ns, v in zip(scores, out, strict=True):
            ns.score = v
        return None

    def normalize_column(self, state: CycleState, pod: dict[str, Any],
                         scores: list[int]) -> list[int]:
        from ..plugins.helper import default_normalize_column

        if callable(self.normalize):
            return list(self.normalize(list(scores)))
        return default_normalize_column(MAX_NODE_SCORE, self.normalize == "reverse", scores)

    def __call__(self, args: Mapping[str, Any] | None, handle: Any) -> FunctionScorePlugin:
        return self


def filter_plugin(fn: FilterFn | None = None, *, name: str | None = None) -> Any:
    """Decorator: a function ``(pod, node_info)`` as a Filter plugin (``name`` defaults to the
    function name in CamelCase)."""
    if fn is None:
        return lambda f: FunctionFilterPlugin(f, name)
    return FunctionFilterPlugin(fn, name)


def score_plugin(fn: ScoreFn | None = None, *, name: str | None = None,
                 normalize: str | Callable[[list[int]], list[int]] | None = None) -> Any:
    """Decorator: a function ``(pod, node_info) -> int`` as a Score plugin."""
    if fn is None:
        return lambda f: FunctionScorePlugin(f, name, normalize)
    return FunctionScorePlugin(fn, name, normalize)


def as_factory(obj: Any, name: str) -> Callable[[Mapping[str, Any] | None, Any], Any]:
    """A registry factory for a plugin class, instance, wrapped function or factory."""
    if isinstance(obj, FunctionFilterPlugin | FunctionScorePlugin):
        obj.name = name
        return obj
    if inspect.isclass(obj):
        params = [p for p in inspect.signature(obj.__init__).parameters.values()
                  if p.name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                  and p.default is p.empty]

        def make(args: Mapping[str, Any] | None, handle: Any) -> Any:
            inst = obj(args, handle) if len(params) >= 2 else obj()
            if not getattr(inst, "name", None):
                inst.name = name
            return inst

        return make
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        params = list(inspect.signature(obj).parameters)
        if params[:2] == ["args", "handle"]:
            return obj  # type: ignore[no-any-return]
        raise TypeError(f"{name}: wrap a plain function with filter_plugin() or score_plugin() "
                        "to say which extension point it extends")
    if not getattr(obj, "name", None):
        obj.name = name
    return lambda args, handle: obj
