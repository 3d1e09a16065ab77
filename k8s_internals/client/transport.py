"""How a client reaches the API server. The client is the same for every transport:

- :class:`InProcessTransport` — calls :meth:`APIServer.handle` / :meth:`APIServer.watch`
  directly (the simulation, the notebooks);
- the HTTPS transport (``serve`` / ``run COMPONENT``) speaks the Kubernetes REST API to a remote
  API server with the same :class:`Transport` interface.

A transport moves :class:`~k8s_internals.api.request.Request` objects and returns
:class:`~k8s_internals.api.request.Response` objects; watches deliver ``(type, object,
cause)`` callbacks and return a handle with ``stop()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..api.request import Request, Response

if TYPE_CHECKING:
    from ..api.server import APIServer

__all__ = ["InProcessTransport", "Transport", "WatchHandle", "WatchSend"]

WatchSend = Callable[[str, dict[str, Any], str | None], None]


class WatchHandle(Protocol):
    def stop(self) -> None: ...


class Transport(Protocol):
    def request(self, req: Request) -> Response: ...

    def watch(self, req: Request, send: WatchSend, name: str) -> WatchHandle:
        """Start a watch; raises :class:`~k8s_internals.api.errors.StatusError` (e.g. 410)."""
        ...

    def now(self) -> float:
        """The clock the client's informers and queues run on."""
        ...


class _InProcessWatch:
    def __init__(self, server: APIServer, watcher: Any) -> None:
        self._server = server
        self._watcher = watcher

    def stop(self) -> None:
        self._server.stop_watch(self._watcher)


class InProcessTransport:
    """Direct calls into an in-process :class:`APIServer` (every request still runs the whole
    chain: authentication, authorization, admission, validation, storage)."""

    def __init__(self, server: APIServer) -> None:
        self.server = server

    @property
    def kernel(self) -> Any:
        return self.server.kernel

    def request(self, req: Request) -> Response:
        return self.server.handle(req)

    def watch(self, req: Request, send: WatchSend, name: str) -> WatchHandle:
        return _InProcessWatch(self.server, self.server.watch(req, send, name))

    def now(self) -> float:
        return float(self.server.kernel.now)
