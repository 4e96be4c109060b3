"""Settings for the geo benchmark: the project's settings, a bench-only app, a bench database.

BENCH_DB=sqlite (file named by BENCH_SQLITE_PATH) or BENCH_DB=postgres (database cw_bench).
DATABASE_URL is set before the project's settings are read, so SQLite gets exactly the
project's connection options (WAL, synchronous=NORMAL).
"""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "true")  # the dev mode's own keys; DEBUG is off again below
if os.environ.get("BENCH_DB", "sqlite") == "postgres":
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/cw_bench"
    )
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['BENCH_SQLITE_PATH']}"

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES, INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "bench.geobench"]
# No per-query logging: it would be timed along with the queries.
DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation adds tens of ms to large scans; off for the project and PostGIS alike.
    DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}
