"""The built book in a real browser: every chapter page loads with no console error and no
request leaving 127.0.0.1, its diagrams (SVG) are visible, its widgets render from the embedded
state (require.js and the html-manager served locally, book/vendor_widgets.sh). One screenshot
per chapter in test-output/.

The book is served by a local ``http.server`` on a free port, started and stopped (by PID) here.
``make test`` builds the book just before pytest; run alone, the fixture builds it if missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, free_port, start_process, stop_process, wait_for_port

pytestmark = pytest.mark.browser

HTML = Path(os.environ.get("K8S_INTERNALS_BOOK_HTML", ROOT / "book" / "_build" / "html"))
CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _has_output(chapter: str, mime: str) -> bool:
    nb = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text())
    return any(mime in out.get("data", {})
               for cell in nb["cells"] for out in cell.get("outputs", []))


@pytest.fixture(scope="module")
def book_url() -> Iterator[str]:
    if not (HTML / "book" / "intro.html").is_file():
        subprocess.run([sys.executable, str(ROOT / "book" / "build_book.py")], cwd=ROOT,
                       check=True)
    port = free_port()
    server = start_process([sys.executable, "-m", "http.server", str(port), "--bind",
                            "127.0.0.1", "--directory", str(HTML)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, server, timeout=20)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(server)


def _assert_clean(log: object, url: str) -> None:
    assert not log.blocked, f"{url} asked for something outside 127.0.0.1: {log.blocked}"
    assert not log.page_errors, f"{url}: uncaught errors {log.page_errors}"
    assert not log.console_errors, f"{url}: console errors {log.console_errors}"
    assert not log.failed, f"{url}: failed requests {log.failed}"


def test_intro_and_exercises_pages(book_url: str, new_page: object) -> None:
    page, log = new_page()
    for path in ("/index.html", "/book/exercises.html"):
        response = page.goto(book_url + path, wait_until="networkidle")
        assert response is not None and response.ok, path
        assert page.locator("article h1").first.is_visible()
    assert "k8s-internals" in page.title()
    _assert_clean(log, book_url)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page(chapter: str, book_url: str, new_page: object, output_dir: Path) -> None:
    page_path = HTML / "notebooks" / f"{chapter}.html"
    assert page_path.is_file(), f"{chapter} is not in the book: add it to book/_toc.yml"
    page, log = new_page()
    url = f"{book_url}/notebooks/{chapter}.html"
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok
    assert page.locator("article h1").first.is_visible()

    # diagrams: myst-nb writes each SVG output as an image file next to the page
    svgs = page.locator("main img[src$='.svg'], main .output svg")
    if _has_output(chapter, "image/svg+xml"):
        assert svgs.count() > 0, "the chapter has SVG outputs but the page shows none"
    for i in range(svgs.count()):
        svg = svgs.nth(i)
        svg.scroll_into_view_if_needed()
        box = svg.bounding_box()
        assert box and box["width"] > 10 and box["height"] > 10, f"SVG {i} is not visible"
        if svg.evaluate("e => e.tagName") == "IMG":
            assert svg.evaluate("e => e.complete && e.naturalWidth > 0"), f"SVG {i} did not load"

    # widgets: each embedded view is rendered by the html-manager from the saved state
    views = page.locator(f"script[type='{WIDGET_VIEW}']")
    if _has_output(chapter, WIDGET_VIEW):
        assert views.count() > 0, "the chapter has widgets but the page embeds none"
    if views.count():
        rendered = page.locator("main .jupyter-widgets.widget-container, main .widget-box")
        rendered.first.wait_for(state="visible", timeout=15_000)
        # a view script is replaced by (or followed by) its rendered widget
        assert page.locator("main .jupyter-widgets").count() >= views.count()
        rendered.first.scroll_into_view_if_needed()
        rendered.first.screenshot(path=str(output_dir / f"book-{chapter}-widget.png"))
    page.screenshot(path=str(output_dir / f"book-{chapter}.png"), full_page=True)
    _assert_clean(log, url)
