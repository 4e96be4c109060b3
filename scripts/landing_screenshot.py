"""Take the landing page's picture of the app: the demo city's feed on a phone.

Run against a seeded demo (./scripts/demo.sh, or seed_demo_city and runserver with
GEOCODER=demo) with Playwright and Debian's Chromium:

    .venv/bin/python scripts/landing_screenshot.py http://127.0.0.1:8000

It signs in as the demo resident, shoots the feed at a phone's size and writes it as a
small WebP to commonwatch/web/static/web/landing-feed.webp (the page names its size).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
OUT = Path(__file__).resolve().parent.parent / "commonwatch/web/static/web/landing-feed.webp"


def main(base_url: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(base_url=base_url, viewport=PHONE, device_scale_factor=2)
        page.goto("/accounts/login/")
        page.fill("#id_login", "resident@demo.commonwatch.test")
        page.fill("#id_password", "commonwatch-demo")
        page.locator("main form button[type=submit]").click()
        page.goto("/feed/")
        page.wait_for_load_state("networkidle")
        png = page.screenshot()
        browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.save(OUT, "WEBP", quality=72, method=6)
    print(f"{OUT}: {image.size[0]}x{image.size[1]}, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
