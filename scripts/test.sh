#!/usr/bin/env bash
# Install everything the tests need and run the whole suite, on SQLite and then
# on PostgreSQL (TEST_POSTGRES_URL), with the Redis at TEST_REDIS_URL for the
# distributed task backend. Exits non-zero on any failure, including "no tests".
set -euo pipefail
cd "$(dirname "$0")/.."
# The embedded dev mode (production is the default and needs its own keys): migrations
# check and tests make theirs up in ./var.
export DEBUG="${DEBUG:-true}"
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  echo "== starting the local PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && command -v redis-server >/dev/null; then
  echo "== starting the local Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

echo "== installing Commonwatch with its test tools"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

echo "== lint, format, app graph, migrations"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports
.venv/bin/python manage.py makemigrations --check --dry-run

run_suite() {
  local label=$1
  shift
  echo "== test suite on $label"
  local rc=0
  env "$@" .venv/bin/python -m pytest -n 2 --dist loadfile -q -ra || rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests on $label: that is a failure" >&2
    exit 1
  elif [ "$rc" -ne 0 ]; then
    exit "$rc"
  fi
}

run_suite SQLite DATABASE_URL=
run_suite PostgreSQL "DATABASE_URL=$TEST_POSTGRES_URL"
