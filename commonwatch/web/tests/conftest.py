"""Browser fixtures: one headless Chromium per test module, and a checked page.

Every page a browser test visits can be checked with ``browser_page.check()``:
axe-core finds no critical or serious accessibility violation, the console shows
no Content-Security-Policy violation and the page threw no uncaught error.
``check(name)`` also saves phone and desktop screenshots under
test-artifacts/screenshots/.

The app's strict CSP stays on: axe-core is evaluated through the DevTools
protocol (``page.evaluate``), which CSP does not govern, instead of a
``<script>`` tag, which it blocks.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings

from commonwatch.community.tests.live_servers import session_cookie

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING_IMPACTS = ("critical", "serious")
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def path_is(path: str) -> re.Pattern:
    """A page URL on any test server with this path (and any query)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


# Any post's page: wait for it after a form that makes a post, before reading the database.
POST_PAGE = re.compile(r"/posts/\d+/$")


def laid_out_box(locator) -> dict:
    """The locator's box once its page has loaded: a click that navigates returns when the
    new page starts loading, and a box measured before its stylesheets arrive is wrong."""
    locator.page.wait_for_load_state("load")
    return locator.bounding_box()


def wait_for_picture(locator) -> None:
    """Wait until the image has loaded and decoded. Visible only means laid out, and a lazy
    image does not hold up the page's load event; one that is broken never gets a
    natural width, so the wait times out and the test fails."""
    locator.wait_for(state="visible")
    locator.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=locator.element_handle()
    )


def submit_form(page) -> None:
    """Press the first submit button of the page's main form."""
    page.locator("main form button[type=submit]").first.click()


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now, never one about to expire."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless. Missing Chromium fails the test: CI installs it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM} (Debian package 'chromium'); "
            "install it instead of skipping these tests.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django would
    # otherwise refuse the ORM calls the test makes between browser steps.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class CheckedPage:
    """A Playwright page in its own browser context (own cookies), with page checks."""

    def __init__(self, browser, base_url: str, time_zone: str = "UTC"):
        self.base_url = base_url
        # The site's zone (UTC in tests) unless a test says otherwise, whatever the
        # machine's: pages show times in the browser's zone (core/time_zone.py).
        self.context = browser.new_context(
            base_url=base_url, viewport=PHONE, locale="en-US", timezone_id=time_zone
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page_errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _on_console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"[{message.type}] {message.text} ({self.page.url})")

    def csp_violations(self) -> list[str]:
        """CSP violations the app caused since the page was opened (axe's own excluded)."""
        return [line for line in self.console if any(m in line for m in CSP_MARKERS)]

    def axe_violations(self) -> list[dict]:
        """Run axe-core on the current page; the critical and serious violations."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE_SOURCE)  # Runtime.evaluate: not subject to the page's CSP
        results = self.page.evaluate(
            """async () => {
                const r = await window.axe.run(document, {resultTypes: ["violations"]});
                return {
                    engine: r.testEngine.version,
                    passes: r.passes.length,
                    violations: r.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                        nodes: v.nodes.map(n => ({
                            target: n.target.join(" "),
                            html: n.html.slice(0, 200),
                            summary: n.failureSummary,
                        })),
                    })),
                };
            }"""
        )
        assert results["engine"], "axe.run returned no results: axe-core did not run"
        return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]

    def check(self, screenshot: str | None = None) -> None:
        """Accessibility, CSP and JS errors on the current page; screenshots if named."""
        self.page.wait_for_load_state("load")
        problems = []
        csp = self.csp_violations()  # read before axe runs: only the app's own count
        if csp:
            problems.append("Content-Security-Policy violations in the console:")
            problems.extend(f"  {line}" for line in csp)
        console_before_axe = len(self.console)
        blocking = self.axe_violations()
        del self.console[console_before_axe:]
        if blocking:
            problems.append(f"axe-core found {len(blocking)} critical/serious violation(s):")
            problems.extend(_describe(v) for v in blocking)
        if self.page_errors:
            problems.append("Uncaught JavaScript errors:")
            problems.extend(f"  {error}" for error in self.page_errors)
        assert not problems, f"Page {self.page.url} fails its checks:\n" + "\n".join(problems)
        if screenshot:
            self.screenshots(screenshot)

    def screenshots(self, name: str) -> None:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        original = self.page.viewport_size
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            self.page.set_viewport_size(size)
            self.page.wait_for_timeout(150)  # let Leaflet react to the resize
            self.page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True)
        self.page.set_viewport_size(original)

    def sign_in_as(self, user) -> None:
        """Sign user in by handing the browser a session cookie (no login form, no TOTP).

        The session is made with Django's test client in the test database, which the
        server under test reads too; staff get a session that passed their second factor.
        """
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie(user),
                    "url": self.base_url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    def close(self) -> None:
        self.context.close()


def _describe(violation: dict) -> str:
    lines = [
        f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
    ]
    for node in violation["nodes"][:5]:
        lines.append(f"    at {node['target']}: {node['html']}")
        lines.append("      " + json.dumps(node["summary"])[:300])
    return "\n".join(lines)


@pytest.fixture
def open_page(browser, live_server):
    """Factory: a fresh checked page (new browser context) on the live server."""
    opened: list[CheckedPage] = []

    def make(time_zone: str = "UTC") -> CheckedPage:
        checked = CheckedPage(browser, live_server.url, time_zone)
        opened.append(checked)
        return checked

    yield make
    for checked in opened:
        checked.close()


@pytest.fixture(scope="module")
def asgi_server(django_db_setup, tmp_path_factory):
    """One real app server process (uvicorn: HTTP and WebSockets) on the test database, per module.

    One process on the in-memory channel layer: a moderator's approval handled by this
    server reaches the live sockets this same server holds. Tasks run inline in it
    (TASK_BACKEND=immediate). Started here and awaited in ``open_asgi_page``, so it
    boots while Chromium starts. Its log must show no traceback.
    """
    from commonwatch.community.tests.live_servers import server_env, start_servers, stop_all

    log_dir = tmp_path_factory.mktemp("asgi-server")
    env = server_env(redis_url="", data_dir=log_dir)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser fixture's, not the server's
    servers = start_servers(["app-server"], env, log_dir)
    try:
        yield servers[0]
    finally:
        stop_all(servers)
    tracebacks = servers[0].tracebacks()
    assert not tracebacks, tracebacks


@pytest.fixture
def open_asgi_page(browser, asgi_server):
    """Factory: a fresh checked page on the app server; ``open_asgi_page(user)`` signs in."""
    from commonwatch.community.tests.live_servers import wait_ready_all

    wait_ready_all([asgi_server])
    base_url = f"http://127.0.0.1:{asgi_server.port}"
    opened: list[CheckedPage] = []

    def make(user=None) -> CheckedPage:
        checked = CheckedPage(browser, base_url)
        opened.append(checked)
        if user is not None:
            checked.sign_in_as(user)
        return checked

    yield make
    for checked in opened:
        checked.close()
