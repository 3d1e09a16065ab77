"""Real-browser fixtures: the Debian Chromium driven by Playwright (never ``playwright install``).

- ``browser``: one headless Chromium per session; skipped only when Chromium is not installed
  (``make install`` installs it with apt).
- ``new_page``: a page on which every request that is not to 127.0.0.1 is aborted and recorded,
  and console errors / uncaught page errors are recorded, for the test to assert on.
- ``free_port`` / ``wait_for_port`` / ``stop_process``: servers the tests start themselves, on a
  free port, stopped by PID (the whole process group) at teardown.

Screenshots go to ``test-output/`` (gitignored).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
CHROMIUM = os.environ.get("K8S_INTERNALS_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-dev-shm-usage"]
LOCAL_HOSTS = {"127.0.0.1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def start_process(cmd: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
    """Start a server in its own process group, so that stop_process ends it and its children."""
    return subprocess.Popen(cmd, start_new_session=True, **kwargs)  # type: ignore[call-overload]


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@dataclass
class PageLog:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (make install installs it with apt)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: object) -> Iterator[Callable[..., tuple[object, PageLog]]]:
    contexts = []

    def make(width: int = 1280, height: int = 900) -> tuple[object, PageLog]:
        context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        log = PageLog()

        def route(r: object) -> None:
            url = r.request.url  # type: ignore[attr-defined]
            host = urlparse(url).hostname
            if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
                r.continue_()  # type: ignore[attr-defined]
            else:
                log.blocked.append(url)
                r.abort()  # type: ignore[attr-defined]

        context.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and log.console_errors.append(
            f"{m.text} @ {m.location.get('url', '')}"))
        page.on("pageerror", lambda e: log.page_errors.append(str(e)))
        page.on("requestfailed", lambda r: log.failed.append(f"{r.url}: {r.failure}"))
        return page, log

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
