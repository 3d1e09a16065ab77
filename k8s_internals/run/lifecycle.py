"""The process around a component: waiting for SIGINT / SIGTERM, reporting loop errors, the
HTTPS connection to the API server from a kubeconfig, waiting for the API server, and running
a component behind leader election."""

from __future__ import annotations

import contextlib
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# -- the process around a component ---------------------------------------------------------------


def _log(component: str, text: str) -> None:
    print(f"{component}: {text}", flush=True)


@dataclass
class _Lifecycle:
    """Waits for SIGINT / SIGTERM (or ``stop``), reporting errors the loop swallowed."""

    component: str
    stop: threading.Event | None = None
    drivers: list[Any] = field(default_factory=list)
    _reported: int = 0

    def wait(self, ready: threading.Event | None) -> None:
        done = self.stop or threading.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: done.set())
        if ready is not None:
            ready.set()
        while not done.wait(0.5):
            self.report()
        self.report()

    def report(self) -> None:
        for d in self.drivers:
            errors = d.errors
            for exc in errors[self._reported:]:
                print(f"{self.component}: error in the loop: "
                      + "".join(traceback.format_exception(exc)).rstrip(), file=sys.stderr,
                      flush=True)
            self._reported = len(errors)




# -- the components -------------------------------------------------------------------------------


@dataclass
class Connection:
    """A component's side of the wire: its kernel on the wall clock, the HTTPS transport and
    the client with its identity."""

    driver: Any
    transport: Any
    client: Any
    server: str
    user: str


def connect(kubeconfig_path: str, component: str, node: str = "",
            seed: int | None = None) -> Connection:
    """Read the kubeconfig, make the process's kernel and driver (not started) and the
    component's client (:func:`~k8s_internals.cluster.components.component_client`)."""
    from ..client.http_transport import HTTPSTransport
    from ..client.kubeconfig import load_kubeconfig
    from ..cluster.components import component_client, user_agent
    from ..sim import Kernel, RealTimeDriver

    cfg = load_kubeconfig(kubeconfig_path)
    kernel = Kernel(seed if seed is not None else secrets.randbits(32))
    driver = RealTimeDriver(kernel)
    agent = user_agent(component, node if component == "kubelet" else "")
    transport = HTTPSTransport(cfg.server, cfg.ca_pem, cfg.token, client_cert=cfg.client_cert,
                               driver=driver, user_agent=agent)
    client = component_client(transport, cfg.token, component, node)
    return Connection(driver, transport, client, cfg.server, cfg.user)


def wait_for_apiserver(conn: Connection, stop: threading.Event, component: str,
                       timeout: float | None = None) -> bool:
    """Poll ``/readyz`` until the API server answers 200 (components wait for it at start)."""
    start = time.monotonic()
    said = 0.0
    last = ""
    headers = {"User-Agent": conn.transport.user_agent}
    if conn.transport.token:
        headers["Authorization"] = f"Bearer {conn.transport.token}"
    while not stop.is_set():
        try:
            code, _, body, _ = conn.transport.raw("GET", "/readyz", None, headers)
            if code == 200:
                return True
            last = f"{code} {body.decode(errors='replace').strip()[:200]}"
        except Exception as exc:  # not up yet (refused, TLS, a reset): retry
            conn.transport._drop()
            last = f"{type(exc).__name__}: {exc}"
        waited = time.monotonic() - start
        if timeout is not None and waited > timeout:
            return False
        if waited - said >= 5:
            said = waited
            _log(component, f"waiting for the API server at {conn.server} ({last})")
        stop.wait(0.2)
    return False


def _run_component(component: str, conn: Connection, build: Callable[[], Any],
                   start: Callable[[Any], Any], halt: Callable[[Any], Any], describe: str,
                   ready: threading.Event | None, stop: threading.Event | None) -> int:
    done = stop or threading.Event()
    life = _Lifecycle(component, done, [conn.driver])
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
    if not wait_for_apiserver(conn, done, component):
        _log(component, "stopped")
        return 0
    obj = build()
    conn.driver.start()
    try:
        conn.driver.call(start, obj, timeout=120)
        _log(component, f"{describe}; talking to {conn.server} as {conn.user}")
        life.wait(ready)
    finally:
        with contextlib.suppress(Exception):
            conn.driver.call(halt, obj, timeout=10)
        conn.driver.stop()
        conn.transport.close()
        _log(component, "stopped")
    return 0


def _identity() -> str:
    """A leader-election identity: ``<hostname>_<uuid>`` as upstream."""
    return f"{socket.gethostname()}_{uuid.uuid4()}"


def _announce(elector: Any, component: str) -> None:
    """Log leader-election transitions (``leaderelection.go``'s klog lines, in short)."""
    started, stopped = elector.on_started_leading, elector.on_stopped_leading

    def on_started() -> None:
        _log(component, f"successfully acquired lease kube-system/{elector.name} as "
                        f"{elector.identity}")
        if started is not None:
            started()

    def on_stopped() -> None:
        _log(component, f"leaderelection lost ({elector.identity})")
        if stopped is not None:
            stopped()

    elector.on_started_leading = on_started
    elector.on_stopped_leading = on_stopped
    elector.on_new_leader = lambda who: _log(component, f"new leader elected: {who}")
