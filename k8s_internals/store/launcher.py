"""Start and stop real etcd servers (Debian's ``etcd-server``) on loopback, for tests, the
benchmarks, ``serve --store etcd://`` users and the etcd chapter's 3-member cluster.

Each member gets free ports on 127.0.0.1, a data dir under a temporary folder, and is stopped by
PID. :class:`EtcdCluster` runs ``n`` members that form one raft group (``--initial-cluster``).

Taught in notebooks/02-etcd.ipynb.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["EtcdCluster", "EtcdMember", "etcd_available", "free_port"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def etcd_available() -> bool:
    return shutil.which("etcd") is not None


@dataclass
class EtcdMember:
    name: str
    client_port: int
    peer_port: int
    data_dir: Path
    log_path: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def client_url(self) -> str:
        return f"http://127.0.0.1:{self.client_port}"

    @property
    def peer_url(self) -> str:
        return f"http://127.0.0.1:{self.peer_port}"

    @property
    def endpoint(self) -> str:
        """``host:port`` as etcdctl's ``--endpoints`` and our ``etcd://`` URLs take it."""
        return f"127.0.0.1:{self.client_port}"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def healthy(self, timeout: float = 0.5) -> bool:
        try:
            with urllib.request.urlopen(self.client_url + "/health", timeout=timeout) as r:
                return b'"true"' in r.read()
        except OSError:
            return False

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Stop this member by PID (SIGKILL by default: SIGTERM without quorum waits ~7 s)."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


class EtcdCluster:
    """``n`` etcd members on loopback forming one cluster; a context manager.

    >>> with EtcdCluster(1) as etcd:          # doctest: +SKIP
    ...     store = open_store(etcd.url)
    """

    def __init__(
        self,
        size: int = 1,
        binary: str = "etcd",
        base_dir: str | os.PathLike[str] | None = None,
        token: str = "k8s-internals",
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.size = size
        self.binary = shutil.which(binary) or binary
        self._own_dir = base_dir is None
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="k8s-internals-etcd-"))
        self.token = token
        self.extra_args = extra_args
        self.members = [
            EtcdMember(
                name=f"etcd-{i}",
                client_port=free_port(),
                peer_port=free_port(),
                data_dir=self.base_dir / f"etcd-{i}.data",
                log_path=self.base_dir / f"etcd-{i}.log",
            )
            for i in range(size)
        ]

    @property
    def endpoints(self) -> list[str]:
        return [m.endpoint for m in self.members]

    @property
    def url(self) -> str:
        """``etcd://host:port`` of the first member, for :func:`open_store`."""
        return "etcd://" + self.members[0].endpoint

    def _args(self, m: EtcdMember, state: str) -> list[str]:
        initial = ",".join(f"{x.name}={x.peer_url}" for x in self.members)
        return [
            self.binary,
            "--name", m.name,
            "--data-dir", str(m.data_dir),
            "--listen-client-urls", m.client_url,
            "--advertise-client-urls", m.client_url,
            "--listen-peer-urls", m.peer_url,
            "--initial-advertise-peer-urls", m.peer_url,
            "--initial-cluster", initial,
            "--initial-cluster-state", state,
            "--initial-cluster-token", self.token,
            "--log-level", "error",
            "--logger", "zap",
            *self.extra_args,
        ]  # fmt: skip

    def start_member(self, m: EtcdMember, state: str = "new") -> None:
        m.data_dir.parent.mkdir(parents=True, exist_ok=True)
        log = open(m.log_path, "ab")  # noqa: SIM115 - the child process owns it
        env = dict(os.environ, ETCD_UNSUPPORTED_ARCH=os.environ.get("ETCD_UNSUPPORTED_ARCH", ""))
        m.proc = subprocess.Popen(
            self._args(m, state), stdout=log, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )
        log.close()

    def start(self, timeout: float = 20.0) -> EtcdCluster:
        for m in self.members:
            self.start_member(m)
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            live = [m for m in self.members if m.running]
            if len(live) < len(self.members):
                dead = [m for m in self.members if not m.running]
                logs = "\n".join(m.log_path.read_text(errors="replace")[-2000:] for m in dead)
                raise RuntimeError(f"etcd exited during start-up:\n{logs}")
            if all(m.healthy() for m in self.members):
                return
            time.sleep(0.05)
        raise TimeoutError(f"etcd not healthy after {timeout}s (logs in {self.base_dir})")

    def restart_member(self, m: EtcdMember, timeout: float = 20.0) -> None:
        """Start a stopped member again on its old data dir and ports."""
        self.start_member(m, state="existing")
        deadline = time.monotonic() + timeout
        while not m.healthy():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{m.name} not healthy after restart")
            time.sleep(0.05)

    def stop(self) -> None:
        for m in self.members:
            m.kill()
        if self._own_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> EtcdCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
