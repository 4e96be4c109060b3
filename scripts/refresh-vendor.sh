#!/usr/bin/env bash
# Refresh the committed front-end files from npm (versions pinned in package.json).
# Only maintainers run this; installing and running Commonwatch needs no Node.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts
static=commonwatch/web/static/vendor
rm -rf "$static" && mkdir -p "$static/leaflet/images" "$static/htmx"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$static/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$static/leaflet/images/"
cp node_modules/leaflet/LICENSE "$static/leaflet/LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$static/htmx/"
# Vector basemaps (PMTiles) drawn on a canvas: BSD-3-Clause, no eval, no inline styles.
mkdir -p "$static/protomaps-leaflet"
cp node_modules/protomaps-leaflet/dist/protomaps-leaflet.js node_modules/protomaps-leaflet/LICENSE \
  "$static/protomaps-leaflet/"
cp node_modules/htmx.org/LICENSE "$static/htmx/LICENSE"
# Resumable clip uploads (tus 1.0) from the browser: MIT, the browser bundle (global "tus").
mkdir -p "$static/tus-js-client"
cp node_modules/tus-js-client/dist/tus.min.js node_modules/tus-js-client/LICENSE \
  "$static/tus-js-client/"
# Zip files too large for one request, unpacked in the browser as they are read: MIT, the
# browser bundle (global "fflate").
mkdir -p "$static/fflate"
cp node_modules/fflate/umd/index.js "$static/fflate/fflate.min.js"
cp node_modules/fflate/LICENSE "$static/fflate/LICENSE"
# Strip source-map comments: the maps are not shipped and WhiteNoise's manifest would fail on them.
sed -i '/sourceMappingURL/d' "$static"/leaflet/leaflet.js "$static"/htmx/htmx.min.js \
  "$static"/protomaps-leaflet/protomaps-leaflet.js "$static"/tus-js-client/tus.min.js \
  "$static"/fflate/fflate.min.js
mkdir -p commonwatch/web/tests/vendor
cp node_modules/axe-core/axe.min.js commonwatch/web/tests/vendor/axe.min.js
echo "vendored: $(node -p 'Object.entries(require("./package-lock.json").packages).filter(([k])=>k).map(([k,v])=>k.replace("node_modules/","")+"@"+v.version).join(", ")')"
