"""Throttled phone timings of the feed and map pages: Playwright driving Debian's Chromium.

A phone as Lighthouse's mobile profile has it: 4× CPU slowdown (CDP
Emulation.setCPUThrottlingRate), 1.6 Mbps down, 0.75 Mbps up and 150 ms round trips
(Network.emulateNetworkConditions), a 390 × 844 screen. Each load is a first visit
(a new browser context: nothing cached) followed by a second visit in the same context
(what the browser cache keeps). "Map ready" is the `map-ready` performance mark the map
script sets when its first data is drawn (incident-map.js).
"""

from __future__ import annotations

import time

import numpy as np

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CPU_SLOWDOWN = 4
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 0.75e6 / 8,
}
TIMINGS_JS = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const ready = performance.getEntriesByName("map-ready")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  return {
    fcp: paint ? paint.startTime : null,
    map_ready: ready ? ready.startTime : null,
    load: nav ? nav.loadEventEnd : null,
    requests: resources.length + 1,
    transferred: resources.reduce((sum, r) => sum + r.transferSize, nav ? nav.transferSize : 0),
  };
}"""


def _visit(page, url: str, is_map: bool) -> dict:
    page.goto(url, wait_until="load")
    if is_map:
        page.wait_for_selector("#incident-map[data-loaded]", state="attached", timeout=60_000)
    deadline = time.monotonic() + 10
    while True:
        timings = page.evaluate(TIMINGS_JS)
        if timings["fcp"] is not None or time.monotonic() > deadline:
            return timings
        time.sleep(0.05)


def phone_timings(port: int, callers: dict, pages, loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    results: dict[str, dict[str, list[dict]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for path in pages:
                is_map = "/map/" in path
                runs = results[path] = {"first": [], "repeat": []}
                for _ in range(loads):
                    context = browser.new_context(
                        viewport={"width": 390, "height": 844},
                        device_scale_factor=3,
                        is_mobile=True,
                        has_touch=True,
                        # The load balancer terminates TLS and says so (SECURE_PROXY_SSL_HEADER).
                        extra_http_headers={"X-Forwarded-Proto": "https"},
                    )
                    context.add_cookies(
                        [{"name": callers["cookie_name"], "value": callers["session"], "url": base}]
                    )
                    page = context.new_page()
                    cdp = context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Network.emulateNetworkConditions", NETWORK)
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                    runs["first"].append(_visit(page, base + path, is_map))
                    runs["repeat"].append(_visit(page, base + path, is_map))
                    context.close()
        finally:
            browser.close()
    return {path: _summary(runs) for path, runs in results.items()}


def _summary(runs: dict[str, list[dict]]) -> dict:
    out = {}
    for visit, timings in runs.items():
        row = {"loads": len(timings)}
        for key in ("fcp", "map_ready", "load", "requests", "transferred"):
            values = [t[key] for t in timings if t[key] is not None]
            row[key] = float(np.median(values)) if values else None
            row[f"{key}_all"] = values
        out[visit] = row
    return out
