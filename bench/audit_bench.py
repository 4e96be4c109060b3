"""Benchmark of the audit trail: its cost per moderation decision, and audit_verify over 1M rows.

    .venv/bin/python bench/audit_bench.py [--rows N] [--db sqlite|postgres] [--decisions N]

Each database is measured in its own process, one after the other, on a fresh
database of its own: the SQLite file bench/results/audit.sqlite3 and the PostgreSQL
database cw_audit_bench (dropped and created again: the trigger refuses to delete
entries). Prints a markdown table and writes it, with the raw timings, to
bench/results/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASES = ("sqlite", "postgres")
PG_URL = os.environ.get("BENCH_AUDIT_PG_URL", "postgres://postgres@127.0.0.1:5432/cw_audit_bench")
SQLITE_PATH = RESULTS / "audit.sqlite3"
START = datetime(2025, 1, 1, tzinfo=UTC)
RUN = 20  # decisions per turn
TURN_WARMUP = 2  # untimed decisions at the start of every turn
WARMUP = 40  # untimed decisions per variant before the first turn
VARIANTS = ("without", "with")
KINDS = ("approve", "reject")


# -- the database ---------------------------------------------------------------------


def _env(db: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DB": db,
        "BENCH_PG_URL": PG_URL,
        "BENCH_SQLITE_PATH": str(SQLITE_PATH),
    }


def _fresh_database(db: str) -> None:
    """An empty database of the bench's own (before Django connects to it)."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    base, name = PG_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _setup_django(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(_env(db))
    import django

    django.setup()


# -- 1,000,000 chained entries --------------------------------------------------------

RULES = ("false", "spam", "harassment", "private", "off_topic")


def _decision(rng, n):
    return {"decision": n}


def _rejection(rng, n):
    pause = rng.choice((0, 3, 30, 365))
    step = {"penalty": n, "step": rng.randint(1, 4), "pause_days": pause}
    return {"decision": n, "rule": rng.choice(RULES), **step}


def _nothing(rng, n):
    return {}


def _token(rng, n):
    return {"scope": rng.choice(("read", "write")), "days": rng.choice((30, 90, 365))}


def _revoked(rng, n):
    return {"token": rng.randrange(1, 50_000)}


def _access(rng, n):
    after = {"role": rng.choice(("operator", "resident")), "is_active": rng.random() < 0.9}
    return {"before": {"role": "resident", "is_active": True}, "after": after}


def _membership(rng, n):
    role = rng.choice(("member", "admin", "moderator"))
    return {"user": rng.randrange(1, 200_000), "organization": rng.randrange(1, 400), "role": role}


def _deleted(rng, n):
    return {"note": "ünïcode ✓"} if n % 97 == 0 else {}


# (weight, action, actor role, target type, data(rng, sequence)), as the project records them.
KINDS_OF_ENTRY = (
    (30, "moderation.post.approved", "moderator", "community.post", _decision),
    (16, "moderation.post.rejected", "moderator", "community.post", _rejection),
    (18, "moderation.comment.approved", "moderator", "community.comment", _decision),
    (3, "moderation.post.requeued", "flags", "community.post", _decision),
    (2, "moderation.appeal.filed", "resident", "moderation.appeal", _decision),
    (1, "moderation.appeal.withdrawn", "system", "moderation.appeal", _nothing),
    (12, "accounts.staff.signed_in", "officer", "accounts.user", _nothing),
    (4, "accounts.token.created", "resident", "accounts.apitoken", _token),
    (3, "accounts.token.revoked", "resident", "", _revoked),
    (1, "accounts.access.changed", "operator", "accounts.user", _access),
    (6, "organizations.membership.granted", "admin", "organizations.membership", _membership),
    (4, "accounts.account.deleted", "resident", "accounts.user", _deleted),
)


def generate_entries(count: int, seed: int = 7):
    """`count` entries forming one valid chain from the genesis, hashed by the project's own
    `canonical` and `link_hash`, as rows of FIELDS + previous_hash + hash (data a dict)."""
    from commonwatch.audit.chain import GENESIS, canonical, link_hash

    rng = random.Random(seed)
    weights = [kind[0] for kind in KINDS_OF_ENTRY]
    picks = rng.choices(KINDS_OF_ENTRY, weights=weights, k=count)
    previous, at = GENESIS, START
    for sequence, (_w, action, role, target_type, make) in enumerate(picks, start=1):
        at += timedelta(microseconds=rng.randrange(1, 60_000_000))
        actor_id = None if role in ("flags", "system") else rng.randrange(1, 200_000)
        target_id = str(rng.randrange(1, 2_000_000)) if target_type else ""
        data = make(rng, sequence)
        public = action.startswith("moderation.")
        fields = (sequence, at, actor_id, role, action, target_type, target_id, data, public)
        entry_hash = link_hash(previous, canonical(*fields))
        yield (*fields, previous, entry_hash)
        previous = entry_hash


def load_entries(count: int, log) -> float:
    """Bulk insert `count` chained entries (COPY / executemany in batches, secondary
    indexes built after) and set the head; returns the seconds it took."""
    from django.db import connection, transaction

    from bench.load import _copy_rows, _indexes_deferred, _is_postgres
    from commonwatch.audit.models import AuditEntry, AuditHead

    started = time.perf_counter()
    table = AuditEntry._meta.db_table
    columns = ["sequence", "at", "actor_id", "actor_role", "action", "target_type"]
    columns += ["target_id", "data", "public", "previous_hash", "hash"]
    adapt = (lambda at: at) if _is_postgres() else connection.ops.adapt_datetimefield_value
    head = (0, "")

    def rows():
        """As Django stores them: the time adapted, the data as json.dumps gives it."""
        nonlocal head
        for seq, at, *middle, data, public, previous, entry_hash in generate_entries(count):
            yield (seq, adapt(at), *middle, json.dumps(data), public, previous, entry_hash)
            head = (seq, entry_hash)

    assert not AuditEntry.objects.exists(), "the bench needs an empty audit trail"
    with transaction.atomic(), _indexes_deferred(table):
        _copy_rows(table, columns, rows())
    AuditHead.objects.update_or_create(pk=1, defaults={"sequence": head[0], "hash": head[1]})
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - started
    log(f"{connection.vendor}: {count:,} entries loaded in {seconds:.1f} s")
    return seconds


def time_verify(runs: int, expected: int, db: str, log) -> list[dict]:
    """`manage.py audit_verify`, as an operator runs it, each run in a new process: its
    own figure, the wall time of the process, its CPU time (user + system: on a shared
    machine, less moved by the neighbours than the wall time) and its peak memory."""
    timings = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "audit_verify"],
            env={**os.environ, **_env(db)},
            capture_output=True,
            text=True,
            check=True,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert f"whole: {expected} entries" in done.stdout, done.stdout
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        timings.append(
            {
                "reported": float(done.stdout.rsplit(" in ", 1)[1].split()[0]),
                "wall": wall,
                "cpu": cpu,
                "peak_rss_mb": after.ru_maxrss / 1024,  # the largest child so far
            }
        )
        log(f"{db}: audit_verify {wall:.2f} s wall, {cpu:.2f} s CPU ({done.stdout.strip()})")
    return timings


# -- decisions with and without the audit entry ---------------------------------------


def _cast(posts: int):
    """A moderator (moderation team member, second factor passed) and `posts` pending
    posts by 50 residents."""
    from commonwatch.community.tests.factories import CENTER, moderator, resident_at, submit

    mod = moderator()
    authors = [resident_at(*CENTER) for _ in range(50)]
    pending = [submit(authors[n % len(authors)], title=f"Report {n}") for n in range(posts)]
    return mod, pending


def _no_record(**kwargs):
    return None


def _without_audit(stack: ExitStack) -> None:
    """The same decision, its audit entries not written: the services' own `record`
    (a rejection records twice: the decision, and the penalty it gives) made a no-op."""
    from commonwatch.moderation import penalties, services

    stack.enter_context(mock.patch.object(services, "record", _no_record))
    stack.enter_context(mock.patch.object(penalties, "record", _no_record))


def time_decisions(per_variant: int, log) -> dict:
    """Approvals and rejections, alternating, `per_variant` timed per variant; the
    variants take turns in runs of RUN, in a rotating order, each turn after
    TURN_WARMUP untimed decisions (WARMUP per variant before the first)."""
    from commonwatch.audit.models import AuditEntry
    from commonwatch.moderation import services

    turns = -(-per_variant // RUN)
    needed = 2 * (WARMUP + turns * (RUN + TURN_WARMUP))
    mod, pending = _cast(needed)
    posts = iter(pending)
    kinds = {"approve": 0, "reject": 0}

    def decide():
        kind = KINDS[(kinds["approve"] + kinds["reject"]) % 2]
        kinds[kind] += 1
        post = next(posts)
        started, cpu = time.perf_counter_ns(), time.process_time_ns()
        if kind == "approve":
            services.approve_post(moderator=mod, post=post)
        else:
            services.reject_post(moderator=mod, post=post, reason="Not so.", rule="false")
        wall_ms = (time.perf_counter_ns() - started) / 1e6
        return kind, (wall_ms, (time.process_time_ns() - cpu) / 1e6)

    def turn(variant: str, timed: int, warmup: int, into: dict | None):
        entries_before = AuditEntry.objects.count()
        with ExitStack() as stack:
            if variant == "without":
                _without_audit(stack)
            for n in range(warmup + timed):
                kind, (wall_ms, cpu_ms) = decide()
                if into is not None and n >= warmup:
                    into[variant][kind].append(wall_ms)
                    into[f"{variant} CPU"][kind].append(cpu_ms)
        written = AuditEntry.objects.count() - entries_before
        expected = 0 if variant == "without" else warmup + timed  # one entry per decision
        assert abs(written - expected) <= 1, (variant, written, expected)

    for variant in VARIANTS:
        turn(variant, 0, WARMUP, None)
    gc.collect()
    gc.freeze()  # as config/asgi.py does after start-up
    timings = {name: {kind: [] for kind in KINDS} for v in VARIANTS for name in (v, f"{v} CPU")}
    for n in range(turns):
        order = VARIANTS if n % 2 == 0 else VARIANTS[::-1]
        for variant in order:
            turn(variant, RUN, TURN_WARMUP, timings)
    log("decisions: " + ", ".join(f"{v} {k} {len(timings[v][k])}" for v in VARIANTS for k in KINDS))
    return timings


# -- the worker and the report --------------------------------------------------------


def _worker(args) -> None:
    _fresh_database(args.db)
    _setup_django(args.db)
    from django.core.management import call_command
    from django.db import connection

    from commonwatch.audit.selectors import verify_chain

    def log(message: str) -> None:
        print(message, flush=True)

    call_command("migrate", verbosity=0, interactive=False)
    out = {"db": args.db, "rows": args.rows}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW shared_buffers")
            out["shared_buffers"] = cursor.fetchone()[0]
        else:
            import sqlite3

            out["sqlite_version"] = sqlite3.sqlite_version
    start_load = os.getloadavg()[0]
    out["load_s"] = load_entries(args.rows, log)
    out["verify"] = time_verify(args.verify_runs, args.rows, args.db, log)
    out["decisions"] = time_decisions(args.decisions, log)
    gc.unfreeze()
    counted, problem = verify_chain()  # the bench's entries and the decisions' still chain
    assert problem is None, problem
    out["chain_after"] = counted
    log(f"{args.db}: chain whole after the decisions: {counted:,} entries")
    out["load_average"] = (start_load, os.getloadavg()[0])
    Path(args.output).write_text(json.dumps(out))


def _pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 else max(values)
    )


def _decision_rows(db: str, out: dict):
    for kind in KINDS:
        (a50, a99, n), (b50, b99, m) = (
            (_pct(values, 50), _pct(values, 99), len(values))
            for values in (out["decisions"][variant][kind] for variant in VARIANTS)
        )
        c50, d50 = (_pct(out["decisions"][f"{v} CPU"][kind], 50) for v in VARIANTS)
        yield (
            f"| {_name(db)} | {kind} ({n} + {m}) | {a50:.2f} / {a99:.2f} | {b50:.2f} / {b99:.2f} "
            f"| {100 * (b50 / a50 - 1):+.1f}% ({b50 - a50:+.2f} ms) "
            f"| {100 * (b99 / a99 - 1):+.1f}% ({b99 - a99:+.2f} ms) "
            f"| {c50:.2f} → {d50:.2f} ({100 * (d50 / c50 - 1):+.1f}%) |"
        )


def _verify_row(db: str, out: dict) -> str:
    runs = out["verify"]
    walls = ", ".join(f"{run['wall']:.2f} ({run['reported']:.1f})" for run in runs)
    cpus = ", ".join(f"{run['cpu']:.2f}" for run in runs)
    rss = max(run["peak_rss_mb"] for run in runs)
    load = " → ".join(f"{value:.1f}" for value in out["load_average"])
    return (
        f"| {_name(db)} | {out['rows']:,} | {out['load_s']:.1f} | {walls} | {cpus} "
        f"| {rss:.0f} MB | {load} |"
    )


def render(results: dict) -> str:
    """The two tables of bench/README.md."""
    lines = [
        "### Cost of the audit entries per moderation decision — p50 / p99 (ms)\n",
        "| database | decision (timed without + with) | without the audit entries | with them "
        "| added at p50 | added at p99 | CPU p50 (ms), without → with |",
        "|---|---|---|---|---|---|---|",
    ]
    for db, out in results.items():
        lines.extend(_decision_rows(db, out))
    lines += [
        "\n### `manage.py audit_verify` over the chain\n",
        "| database | entries | load (s) | wall, each run (its own figure) (s) | CPU, each run (s) "
        "| peak RSS | load average, start → end |",
        "|---|---|---|---|---|---|---|",
    ]
    lines.extend(_verify_row(db, out) for db, out in results.items())
    return "\n".join(lines) + "\n"


def _name(db: str) -> str:
    return {"sqlite": "SQLite", "postgres": "PostgreSQL"}[db]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=DATABASES, help="one database only (default: both)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="audit entries to verify")
    parser.add_argument("--decisions", type=int, default=600, help="timed per variant")
    parser.add_argument("--verify-runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results = {}
    for db in [args.db] if args.db else DATABASES:  # one at a time: the machine has two cores
        output = RESULTS / f"audit-{db}-{stamp}.json"
        command = [sys.executable, __file__, "--worker", "--db", db, "--output", str(output)]
        command += ["--rows", str(args.rows), "--decisions", str(args.decisions)]
        command += ["--verify-runs", str(args.verify_runs)]
        if subprocess.run(command).returncode != 0:
            sys.exit(f"worker failed: {' '.join(command)}")
        results[db] = json.loads(output.read_text())
    table = render(results)
    (RESULTS / f"audit-results-{stamp}.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
