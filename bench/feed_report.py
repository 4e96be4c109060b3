"""Markdown tables for the feed benchmark."""

from __future__ import annotations

import statistics

from .report import _mismatches, _ms, _server

FEED_ROWS = [
    ("`feed_for` — SQLite", "sqlite", "feed"),
    ("`newest_within` alone — SQLite", "sqlite", "newest"),
    ("`feed_for` — PostgreSQL", "postgres", "feed"),
    ("`newest_within` alone — PostgreSQL", "postgres", "newest"),
    ("PostGIS `ST_DWithin` + `ORDER BY published_at DESC LIMIT 50`", "postgres", "postgis"),
    ("PostGIS + time-window pre-filter (widened ×4)", "postgres", "postgis_window"),
]
REFERENCE = ("postgres", "postgis")
P99_TARGET_MS = 5.0
SPEEDUP_TARGET = 3.0
LIVE_TARGET_S = 1.0


def _load(out: dict) -> str:
    return " / ".join(f"{x:.1f}" for x in out.get("loadavg", ()))


def _feed_tables(results: dict) -> list[str]:
    cases = list(next(iter(results.values()))["feed"])
    lines = []
    for filtered in (False, True):
        chosen = [c for c in cases if c.endswith("category") == filtered]
        title = "with a category filter (cycling through the 6)" if filtered else "no filter"
        lines += [
            f"#### Feed, {title}: p50 / p99 (ms)",
            "",
            "| method | " + " | ".join(chosen) + " | mismatches vs PostGIS |",
            "|---" * (len(chosen) + 2) + "|",
        ]
        for label, db, method in FEED_ROWS:
            if db not in results or method not in results[db]["feed"][chosen[0]]:
                continue
            cells, wrong = [], []
            for case in chosen:
                run = results[db]["feed"][case][method]
                cells.append(f"{_ms(run['times'], 50):.2f} / {_ms(run['times'], 99):.2f}")
                if REFERENCE[0] in results:
                    reference = results[REFERENCE[0]]["feed"][case][REFERENCE[1]]["answers"]
                    wrong.append(str(_mismatches(run["answers"], reference)))
            lines.append(f"| {label} | {' | '.join(cells)} | {', '.join(wrong) or '–'} |")
        lines.append("")
    if "postgres" not in results:
        return lines
    lines += ["#### Feed targets (p99 ≤ 5 ms; ≥ 3× faster than PostGIS's best p99)", ""]
    lines += ["| case | " + " | ".join(f"{db}" for db in results) + " |"]
    lines.append("|---" * (len(results) + 1) + "|")
    for case in cases:
        best = min(
            _ms(results["postgres"]["feed"][case][m]["times"], 99)
            for m in ("postgis", "postgis_window")
        )
        cells = []
        for db in results:
            p99 = _ms(results[db]["feed"][case]["feed"]["times"], 99)
            ok = p99 <= P99_TARGET_MS and best / p99 >= SPEEDUP_TARGET
            cells.append(
                f"{'yes' if ok else 'NO'}: p99 {p99:.2f} ms, PostGIS best {best:.2f} ms "
                f"= {best / p99:.1f}×"
            )
        lines.append(f"| {case} | {' | '.join(cells)} |")
    lines.append("")
    lines += ["#### Indexes in the plans of `feed_for`'s post queries (EXPLAIN, sampled)", ""]
    for db, out in results.items():
        for case, counts in out["explain"].items():
            used = ", ".join(f"`{name}` ×{n}" for name, n in sorted(counts.items()))
            lines.append(f"- {db}, {case}: {used}")
    return lines


def _offline_table(results: dict) -> list[str]:
    lines = [
        "| database | `queue_alerts` (s), each run | stream only (s) | bulk inserts only (s) "
        "| alerts written | same users as the stream | homes in table | load avg |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for db, out in results.items():
        runs = out["repeats"]
        task = ", ".join(f"{r['queue_alerts_s']:.2f}" for r in runs)
        stream = statistics.median(r["stream_s"] for r in runs)
        insert = statistics.median(r["insert_s"] for r in runs)
        stored = ", ".join(f"{r['stored']:,}" for r in runs)
        same = all(r["same_set"] and r["reached"] == r["stored"] for r in runs)
        lines.append(
            f"| {db} | {task} | {stream:.2f} | {insert:.2f} | {stored} | {'yes' if same else 'NO'} "
            f"| {out['homes_total']:,} | {_load(out)} |"
        )
    lines.append("")
    for db, out in results.items():
        used = ", ".join(f"`{name}` ×{n}" for name, n in sorted(out["explain"].items()))
        lines.append(f"- plan of `circles_covering`'s queries, {db}: {used}")
    return lines


def _live_table(out: dict) -> list[str]:
    lines = [
        f"{out['opened']:,} of {out['clients']:,} sockets open (two uvicorn processes, "
        f"Redis channel layer) after {out.get('connect_s', 0):.0f} s of connecting; "
        f"{out['still_open']:,} still open at the end; sockets that got another post: "
        f"{out['wrong_post']}; open-file limit {out['nofile']}; load avg {_load(out)}.",
        "",
        "| round | received | `announce()` call (ms) | p50 latency (ms) | p99 (ms) "
        "| last client (ms) | under 1 s |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, r in enumerate(out["rounds"]):
        if r["last_s"] is None:
            lines.append(f"| {n or 'warm-up'} | 0 | – | – | – | – | NO |")
            continue
        ok = r["last_s"] < LIVE_TARGET_S and r["received"] == out["opened"] == out["clients"]
        lines.append(
            f"| {n or 'warm-up'} | {r['received']:,} | {1000 * r['announce_s']:.1f} "
            f"| {1000 * r['p50_s']:.0f} | {1000 * r['p99_s']:.0f} | {1000 * r['last_s']:.0f} "
            f"| {'yes' if ok else 'NO'} |"
        )
    return lines


def render(feed: dict, offline: dict, live: dict | None, header: str) -> str:
    settings = f" PostgreSQL: {_server(feed)}." if feed else ""
    lines = [header + settings, ""]
    if feed:
        lines += ["### 1. Feed: 50 newest published posts in the reader's circle", ""]
        lines += [
            "Load average (1/5/15 min) when each worker finished: "
            + "; ".join(f"{db} {_load(out)}" for db, out in feed.items()),
            "",
        ]
        lines += _feed_tables(feed)
        lines.append("")
    if offline:
        title = "### 3. Offline fan-out: the hub post's post-alert notifications"
        lines += [title, "", *_offline_table(offline)]
        lines.append("")
    if live:
        lines += ["### 2. Live fan-out: one post to every connected socket", "", *_live_table(live)]
        lines.append("")
    return "\n".join(lines)
