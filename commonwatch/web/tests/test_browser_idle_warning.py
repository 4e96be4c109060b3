"""The idle sign-out warns in time to stay (WCAG 2.2.1 Timing Adjustable), in Chromium.

Staff, and residents who ask for it, are signed out after a while without a request, and
typing a long post or a moderator's note sends none. The page warns before: a dialog
says when, with the focus on "Stay signed in"; staying (here with Escape) restarts the
clock and returns the focus; left alone, the dialog says the person was signed out and
that what they typed is still on the page, to copy once the dialog is closed. The limit
is shortened to a few seconds.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

LIMIT_S = 6  # the warning comes at half of it


def test_the_idle_sign_out_warns_first_and_staying_keeps_the_session(open_page, settings):
    settings.STAFF_IDLE_TIMEOUT_SECONDS = LIMIT_S
    resident = UserFactory(idle_sign_out=True)
    checked = open_page()
    checked.sign_in_as(resident)
    page = checked.page
    page.goto(reverse("accounts:settings"))
    page.locator("#id_idle_sign_out").focus()

    warning = page.get_by_role("dialog")
    expect(warning).to_be_visible(timeout=LIMIT_S * 1000)
    expect(warning).to_contain_text(re.compile(r"you will be signed out at \d"))
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()

    with page.expect_response(re.compile(r"/api/v1/me$")) as stayed:
        page.keyboard.press("Escape")
    assert stayed.value.status == 200
    expect(warning).to_be_hidden()
    expect(page.locator("#id_idle_sign_out")).to_be_focused()
    page.wait_for_timeout(LIMIT_S * 1000 * 3 // 4)  # past the first limit, within the new one
    assert page.request.get(reverse("accounts:settings"), max_redirects=0).status == 200

    # Left alone: the page says so (that request came from outside the page, like another
    # tab's would, so the server would keep the session a little longer: no harm).
    expect(warning).to_contain_text("You were signed out", timeout=LIMIT_S * 1000 * 2)
    expect(warning).to_contain_text("What you typed is still on this page")
    expect(page.get_by_role("link", name="Sign in again in a new tab")).to_be_focused()
    checked.check(screenshot="idle-signed-out")  # axe: not while the clock runs
    # Closed, the page is there to copy from; closing asks the server for nothing.
    page.get_by_role("button", name="Close").click()
    expect(warning).to_be_hidden()
