"""JupyterLab in a real browser: open chapter 08, Run All Cells, the ClusterView widget renders,
and its Step button advances the simulation (the widget's status text changes).

JupyterLab runs on a free port with a token, HOME in a temporary folder, on a *copy* of the
notebook (a browser session must not overwrite the committed, nbclient-executed outputs), and is
stopped by PID at teardown. A screenshot goes to test-output/lab-08-all-together.png.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, free_port, start_process, stop_process, wait_for_port

pytestmark = pytest.mark.browser

NOTEBOOK = ROOT / "notebooks" / "08-all-together.ipynb"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not NOTEBOOK.is_file():
        pytest.fail(f"{NOTEBOOK.relative_to(ROOT)} is missing")
    home = tmp_path_factory.mktemp("lab-home")
    work = home / "work"
    (work / "notebooks").mkdir(parents=True)
    shutil.copy(NOTEBOOK, work / "notebooks" / NOTEBOOK.name)
    # every cell in the DOM (no virtual scrolling), no news toast
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
    for ext, body in (("notebook-extension/tracker", '{"windowingMode": "none"}'),
                      ("apputils-extension/notification", '{"fetchNews": "false"}')):
        path = settings / f"{ext}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / ".jupyter" / "lab" / "user-settings"),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    log = open(home / "lab.log", "wb")  # noqa: SIM115 - closed at teardown
    cmd = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
           f"--ServerApp.token={token}", "--ip", "127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
           f"--ServerApp.root_dir={work}", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    server = start_process(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, server, timeout=60)
        yield f"http://127.0.0.1:{port}/lab/tree/notebooks/{NOTEBOOK.name}?token={token}"
    finally:
        stop_process(server)
        log.close()


def test_cluster_view_steps_in_jupyterlab(lab: str, new_page: object, output_dir: Path) -> None:
    started = time.monotonic()
    page, log = new_page(1400, 1000)
    page.goto(lab)
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
    # the toolbar's idle indicator shows before the kernel is usable: wait for the status text
    page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for(timeout=60_000)
    # clear the committed outputs first, so that what is checked below comes from this run
    page.locator("li.lm-MenuBar-item:has-text('Edit')").first.click()
    page.locator(".lm-Menu-item:has-text('Clear Outputs of All Cells')").first.click()
    page.locator(".jp-OutputArea-output").first.wait_for(state="detached", timeout=10_000)
    page.locator("li.lm-MenuBar-item:has-text('Run')").first.click()
    page.locator(".lm-Menu-item:has-text('Run All Cells')").first.click()

    step = page.locator(".jp-OutputArea-output button:has-text('Step')").first
    step.wait_for(state="visible", timeout=60_000)
    view = page.locator(".jp-OutputArea-output .widget-vbox").filter(
        has=page.locator("button:has-text('Step')")).first
    # every cell has run when every code cell shows an execution count ([*] while queued)
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return p.length && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }",
        timeout=120_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for(timeout=60_000)
    view.scroll_into_view_if_needed()
    before = view.inner_text()
    assert "node-1" in before, f"the ClusterView shows no nodes: {before!r}"

    step.click()
    page.wait_for_function("([el, old]) => el.innerText !== old",
                           arg=[view.element_handle(), before], timeout=30_000)
    after = view.inner_text()
    assert after != before
    view.screenshot(path=str(output_dir / "lab-08-cluster-view.png"))
    page.screenshot(path=str(output_dir / "lab-08-all-together.png"))
    assert not log.page_errors, log.page_errors
    print(f"JupyterLab run-all + step: {time.monotonic() - started:.1f} s")
