"""Two page fixes for reading the book offline (a local Sphinx extension, see _config.yml).

1. Tell the html-manager where its fonts and lazily loaded chunks are. Its webpack public path
   defaults to the folder of the AMD module *relative to the page* (``notebooks/@jupyter-widgets/
   html-manager/dist/``: 404s); ``window.__jupyter_widgets_assets_path__`` overrides it. The
   path is computed from Sphinx's ``data-content_root`` so the book works under any URL prefix.
   The bundle also derives it from its AMD module URL, so require.js is configured (a global
   ``require`` object defined before require.js loads) to place ``@jupyter-widgets/...`` there.
3. The theme logs "Got invalid theme mode" on a first visit unless ``default_mode`` is set.
2. Jupyter Book 1.0 with Sphinx 7 adds some inline scripts twice (sphinx-thebe's
   ``const THEBE_JS_URL = ...`` among them: "Identifier has already been declared" on every
   page). Keep the first of each identical script.
"""

from __future__ import annotations

from typing import Any

ASSETS = """(function () {
  var root = document.documentElement.dataset.content_root || "./";
  var dir = new URL(root + "_static/html-manager", document.baseURI).href;
  window.__jupyter_widgets_assets_path__ = dir + "/";
  // read by require.js as its configuration when it loads (after this script)
  window.require = {paths: {"@jupyter-widgets/html-manager/dist": dir, "@jupyter-widgets": dir}};
})();"""


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    unique = []
    for js in scripts:
        attributes = getattr(js, "attributes", {}) or {}
        filename = str(getattr(js, "filename", js) or "")
        key = (filename, tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    scripts[:] = unique


def _default_mode(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    if not context.get("default_mode"):
        context["default_mode"] = "light"


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _default_mode)
    app.add_js_file(None, body=ASSETS, priority=100)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
