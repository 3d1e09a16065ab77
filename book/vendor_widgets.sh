#!/usr/bin/env bash
# Fetch the two scripts the book's widgets need from the npm registry (`npm pack`) into
# book/_widgets/, which Sphinx copies into _static/ (html_static_path in _config.yml):
#   requirejs@2.3.6                      -> _widgets/require.js             (MIT)
#   @jupyter-widgets/html-manager@1.0.6  -> _widgets/html-manager/*         (BSD-3-Clause)
# myst-nb would otherwise load both from a CDN when a reader opens a page. They are fetched at
# build time rather than committed: the html-manager's dist is ~26 MB (4.4 MB for embed-amd.js
# alone, plus its lazily loaded chunks and fonts), too much for the repository. Idempotent: a
# stamp file records the versions; delete book/_widgets/ to fetch again.
set -euo pipefail
cd "$(dirname "$0")"
REQUIREJS=requirejs@2.3.6
HTML_MANAGER=@jupyter-widgets/html-manager@1.0.6
OUT=_widgets
STAMP="$OUT/.vendored"
want="$REQUIREJS $HTML_MANAGER"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] \
   && [ -f "$OUT/require.js" ] && [ -f "$OUT/html-manager/embed-amd.js" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "vendor_widgets: npm is needed (apt-get install npm)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in 1 2 3; do
  (cd "$tmp" && npm pack --silent "$REQUIREJS" "$HTML_MANAGER" >/dev/null) && break
  echo "vendor_widgets: npm pack failed, retrying"; sleep 3
done
mkdir -p "$tmp/requirejs" "$tmp/html-manager"
tar -xzf "$tmp"/requirejs-2.3.6.tgz -C "$tmp/requirejs"
tar -xzf "$tmp"/jupyter-widgets-html-manager-1.0.6.tgz -C "$tmp/html-manager"
rm -rf "$OUT" && mkdir -p "$OUT/html-manager"
cp "$tmp/requirejs/package/require.js" "$OUT/require.js"
# embed-amd.js loads its chunks (*.embed.js) and fonts from the same folder at run time;
# source maps and the non-AMD bundles are not needed.
find "$tmp/html-manager/package/dist" -maxdepth 1 -type f \
  ! -name '*.map' ! -name 'embed.js' ! -name 'libembed-amd.js' \
  -exec cp {} "$OUT/html-manager/" \;
cp "$tmp/html-manager/package/LICENSE" "$OUT/html-manager/LICENSE" 2>/dev/null || true
cp "$tmp/requirejs/package/LICENSE" "$OUT/require.js.LICENSE" 2>/dev/null || true
echo "$want" > "$STAMP"
echo "vendor_widgets: $want -> book/$OUT ($(du -sh "$OUT" | cut -f1))"
