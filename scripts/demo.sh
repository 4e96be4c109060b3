#!/usr/bin/env bash
# Install Commonwatch, seed the demo city and serve it at http://127.0.0.1:8000
# on the embedded default: SQLite, local files, a database task queue, no servers.
set -euo pipefail
cd "$(dirname "$0")/.."
# The embedded demo, on purpose: production is the default and needs its own keys; this
# mode makes them up once in ./var (never in the repository) and serves plain http, with
# the site's own pages (DEBUG=true would add Django's technical error pages).
export DEMO="${DEMO:-true}"
# E-mailed links point at the address the demo serves.
export SITE_URL="${SITE_URL:-http://${DEMO_ADDRESS:-127.0.0.1:8000}}"
# Address search and place names come from the demo city's own streets, offline.
export GEOCODER="${GEOCODER:-demo}"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
.venv/bin/python manage.py seed_demo_city
# The map's streets: a PMTiles basemap built from the demo city, served by the app itself.
export MAP_TILES="${MAP_TILES:-$PWD/var/demo-basemap.pmtiles}"
if [ ! -f "$PWD/var/demo-basemap.pmtiles" ]; then
  .venv/bin/python manage.py build_demo_basemap --output "$PWD/var/demo-basemap.pmtiles"
fi
.venv/bin/python manage.py task_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/python manage.py runserver "${DEMO_ADDRESS:-127.0.0.1:8000}"
