"""Which request caused the work being done now.

When a component handles a watch event, the event carries the id of the request whose write
produced it. Everything the component asks the API server while handling it — and later, when
a worker processes the key the handler queued — is sent with that id as ``parent_id``, so one
``kubectl apply`` becomes one causal tree of requests (see :mod:`k8s_internals.api.trace`).

Upstream has no such thing (the closest is OpenTelemetry trace propagation through client-go's
``WithTracerProvider``); the simulator adds it so the whole flow can be drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["caused_by", "current_cause"]

_CAUSE: ContextVar[str | None] = ContextVar("k8s_internals_cause", default=None)


def current_cause() -> str | None:
    """The trace id of the request that caused the current work, if any."""
    return _CAUSE.get()


@contextmanager
def caused_by(trace_id: str | None) -> Iterator[None]:
    """Attribute requests made inside the block to ``trace_id`` (None leaves the current cause)."""
    if trace_id is None:
        yield
        return
    token = _CAUSE.set(trace_id)
    try:
        yield
    finally:
        _CAUSE.reset(token)
