"""The web app's browser fixtures (headless Chromium, axe-checked pages), shared here."""

from commonwatch.web.tests.conftest import browser, open_page  # noqa: F401 - fixtures
