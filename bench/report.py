"""Markdown tables from the workers' timings and answers."""

from __future__ import annotations

import numpy as np

NEWEST_ROWS = [
    ("`newest_within` — SQLite", "sqlite", "project"),
    ("`newest_within` — PostgreSQL", "postgres", "project"),
    ("PostGIS `ST_DWithin` + `ORDER BY created_at DESC LIMIT 50`", "postgres", "postgis"),
    ("PostGIS + time-window pre-filter (widened ×4)", "postgres", "postgis_window"),
]
COVERING_ROWS = [
    ("`circles_covering` — SQLite", "sqlite", "project"),
    ("`circles_covering` — PostgreSQL", "postgres", "project"),
    ("PostGIS GiST on circle bounding boxes + `ST_DWithin`", "postgres", "postgis_bbox"),
    ("PostGIS partial GiST per radius class + `ST_DWithin`", "postgres", "postgis_bucketed"),
]
NEWEST_REFERENCE = ("postgres", "postgis")
COVERING_REFERENCE = ("postgres", "postgis_bucketed")
P99_TARGET_MS = 5.0
SPEEDUP_TARGET = 3.0


def _ms(times: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(times) * 1000, q))


def _mismatches(answers: list, reference: list) -> int:
    return sum(a != b for a, b in zip(answers, reference, strict=True))


def _newest_table(results: dict, radii: list[str]) -> list[str]:
    header = " | ".join(f"{r} mi p50 / p99 (ms)" for r in radii)
    lines = [f"| method | {header} | mismatches vs PostGIS |", "|---" * (len(radii) + 2) + "|"]
    for label, db, method in NEWEST_ROWS:
        cells, wrong = [], []
        for radius in radii:
            case = results[db]["newest"][radius][method]
            reference = results[NEWEST_REFERENCE[0]]["newest"][radius][NEWEST_REFERENCE[1]]
            cells.append(f"{_ms(case['times'], 50):.2f} / {_ms(case['times'], 99):.2f}")
            wrong.append(str(_mismatches(case["answers"], reference["answers"])))
        lines.append(f"| {label} | {' | '.join(cells)} | {', '.join(wrong)} |")
    return lines


def _covering_table(results: dict) -> list[str]:
    lines = [
        "| method | p50 (ms) | p99 (ms) | mean homes | µs per home | mismatches |",
        "|---|---|---|---|---|---|",
    ]
    reference = results[COVERING_REFERENCE[0]]["covering"][COVERING_REFERENCE[1]]["answers"]
    for label, db, method in COVERING_ROWS:
        case = results[db]["covering"][method]
        homes = [count for count, _digest in case["answers"]]
        per_home = 1e6 * sum(case["times"]) / max(sum(homes), 1)
        lines.append(
            f"| {label} | {_ms(case['times'], 50):.1f} | {_ms(case['times'], 99):.1f} "
            f"| {np.mean(homes):,.0f} | {per_home:.2f} "
            f"| {_mismatches(case['answers'], reference)} |"
        )
    return lines


def _targets(results: dict, radii: list[str]) -> list[str]:
    lines = ["| check | " + " | ".join(f"{r} mi" for r in radii) + " |"]
    lines.append("|---" * (len(radii) + 1) + "|")
    for db, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
        within, faster = [], []
        for radius in radii:
            p99 = _ms(results[db]["newest"][radius]["project"]["times"], 99)
            best = min(
                _ms(results["postgres"]["newest"][radius][m]["times"], 99)
                for m in ("postgis", "postgis_window")
            )
            within.append(f"{'yes' if p99 <= P99_TARGET_MS else 'NO'} ({p99:.2f} ms)")
            ratio = best / p99
            faster.append(f"{'yes' if ratio >= SPEEDUP_TARGET else 'NO'} ({ratio:.1f}×)")
        lines.append(f"| newest-50 p99 ≤ {P99_TARGET_MS:g} ms — {name} | {' | '.join(within)} |")
        lines.append(f"| ≥{SPEEDUP_TARGET:g}× PostGIS's best p99 — {name} | {' | '.join(faster)} |")
    covering = results["postgres"]["covering"]
    lines.append("")
    for db, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
        times = results[db]["covering"]["project"]["times"]
        p50, p99 = _ms(times, 50), _ms(times, 99)
        best50 = min(_ms(covering[m]["times"], 50) for m in ("postgis_bbox", "postgis_bucketed"))
        best99 = min(_ms(covering[m]["times"], 99) for m in ("postgis_bbox", "postgis_bucketed"))
        verdict = "yes" if p50 <= best50 and p99 <= best99 else "NO"
        lines.append(
            f"- covering homes no slower than PostGIS's best — {name}: **{verdict}** "
            f"(p50 {p50:.1f} vs {best50:.1f} ms, p99 {p99:.1f} vs {best99:.1f} ms)"
        )
    return lines


def _server(results: dict) -> str:
    found = results.get("postgres", {}).get("server", {})
    return ", ".join(f"{name} = {value}" for name, value in found.items()) or "settings not read"


def render(results: dict, points: int, homes: int, queries: int) -> str:
    radii = list(results["postgres"]["newest"])
    lines = [
        f"Data: {points:,} points, {homes:,} homes; {queries} timed queries per case "
        "(after 20 warm-up queries), one client, warm cache. Machine load average "
        "(1/5/15 min) when each worker finished: "
        + "; ".join(
            f"{db} {' / '.join(f'{x:.1f}' for x in out.get('loadavg', ()))}"
            for db, out in results.items()
        )
        + f". PostgreSQL: {_server(results)}.",
        "",
        "### The 50 newest points within R of a home",
        "",
        *_newest_table(results, radii),
        "",
        "### Homes whose alert circle covers a post",
        "",
        *_covering_table(results),
        "",
        "### Targets",
        "",
        *_targets(results, radii),
        "",
        "### Indexes in PostgreSQL's plans for the project's queries (EXPLAIN, sampled)",
        "",
    ]
    for case, counts in results["postgres"]["explain"].items():
        used = ", ".join(f"`{name}` ×{n}" for name, n in sorted(counts.items()))
        lines.append(f"- {case}: {used}")
    return "\n".join(lines) + "\n"
