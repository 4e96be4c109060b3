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

# What the suite needs from Debian: Chromium for the browser tests, PostgreSQL and Redis
# for the second database and the distributed task backend.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql postgresql-client)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing from Debian: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# The local PostgreSQL the default TEST_POSTGRES_URL names: started, reachable by the
# postgres user over TCP without a password, with a database `test`.
local_postgres() {
  local version
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "== starting the local PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if ! psql -h 127.0.0.1 -U postgres -d postgres -w -Atc "SELECT 1" >/dev/null 2>&1; then
    echo "== letting the postgres user in over 127.0.0.1 without a password (test machine)"
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust' \
      "/etc/postgresql/$version/main/pg_hba.conf"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    sleep 1
  fi
  if [ -z "$(psql -h 127.0.0.1 -U postgres -d postgres -w -Atc \
    "SELECT 1 FROM pg_database WHERE datname = 'test'")" ]; then
    createdb -h 127.0.0.1 -U postgres -w test
  fi
}
if [ "$TEST_POSTGRES_URL" = "postgres://postgres@127.0.0.1:5432/test" ]; then
  local_postgres
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "== starting the local Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.2; done
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
