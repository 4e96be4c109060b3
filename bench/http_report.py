"""The HTTP bench's markdown tables."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def _kb(n) -> str:
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} B"


def _http_table(db: str, http: dict) -> list[str]:
    hello = http["hello"]["p50"]
    lines = [
        f"### HTTP, {db} — ms per request, keep-alive, endpoints taking turns",
        "",
        "| endpoint | status | p50 | p90 | p99 | p50 − hello "
        "| on the wire (browser's Accept-Encoding) | body, identity | body if gzipped "
        "| server CPU/request | client CPU/request |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in http.items():
        statuses = ",".join(str(s) for s in row["statuses"])
        encoding = "" if row["encoding"] == "identity" else f" ({row['encoding']})"
        lines.append(
            f"| `{row['path'] if name != 'hello' else 'bare ASGI hello'}` | {statuses} "
            f"| {row['p50']:.2f} | {row['p90']:.2f} | {row['p99']:.2f} "
            f"| {row['p50'] - hello:+.2f} | {_kb(row['wire'])}{encoding} "
            f"| {_kb(row['body_identity'])} | {_kb(row['gzip_body'])} "
            f"| {row['server_cpu_ms']:.2f} ms | {row['client_cpu_us']:.0f} µs |"
        )
    me, feed = http["/api/v1/me"], http["/api/v1/feed"]
    lines += [
        "",
        f"Targets: feed p99 ≤ 5 ms → {feed['p99']:.2f} ms "
        f"({'met' if feed['p99'] <= 5 else 'NOT met'}); framework cost "
        f"(`/api/v1/me` − hello, p50) ≤ 1 ms → {me['p50'] - hello:.2f} ms "
        f"({'met' if me['p50'] - hello <= 1 else 'NOT met'}). "
        f"Server CPU: `/api/v1/me` − hello = "
        f"{me['server_cpu_ms'] - http['hello']['server_cpu_ms']:.2f} ms per request. "
        f"Timed requests per endpoint: "
        f"{', '.join(str(r['n']) for r in http.values())}.",
        "",
    ]
    return lines


def _ms(v) -> str:
    return "—" if v is None else f"{v:.0f}"


def _phone_table(db: str, phone: dict) -> list[str]:
    lines = [
        f"### Throttled phone, {db} — ms, median of the loads "
        "(4× CPU, 1.6 / 0.75 Mbps, 150 ms RTT)",
        "",
        "| page | visit | first contentful paint | map ready | load event | requests "
        "| transferred |",
        "|---|---|---|---|---|---|---|",
    ]
    for path, visits in phone.items():
        for visit, row in visits.items():
            lines.append(
                f"| `{path}` | {visit} ({row['loads']}) | {_ms(row['fcp'])} "
                f"| {_ms(row['map_ready'])} | {_ms(row['load'])} | {row['requests']:.0f} "
                f"| {_kb(int(row['transferred'] or 0))} |"
            )
    lines.append("")
    return lines


def render(results: dict, args, started: datetime) -> str:
    lines = [
        f"## HTTP bench, run {started:%Y-%m-%d %H:%M}–{datetime.now(UTC):%H:%M} UTC",
        "",
        f"{args.points:,} posts, {args.homes:,} homes; `uvicorn config.asgi:application "
        "--loop uvloop --http httptools --ws websockets-sansio --lifespan off`, DEBUG off. "
        f"Load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"(nproc {os.cpu_count()}).",
        "",
    ]
    for db, out in results.items():
        lines.append(
            f"Load average before {db}: {out['load_before'][0]:.1f}, after: "
            f"{out['load_after'][0]:.1f}."
        )
        lines.append("")
        if "http" in out:
            lines += _http_table(db, out["http"])
        if "phone" in out:
            lines += _phone_table(db, out["phone"])
    return "\n".join(lines)
