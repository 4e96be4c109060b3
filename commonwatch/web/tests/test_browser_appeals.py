"""Appeals and the public moderation log, in real Chromium.

A moderator rejects a post citing a rule; its author sees the reason and the warning
on "My posts" and appeals; the moderator who rejected sees the appeal but may not decide
it, and a second moderator grants it from the queue; a visitor
finds the public log from the footer, with the counts and the rule but no names or
reasons. Every page passes axe-core and logs no CSP violation nor JavaScript error.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.community.models import Post, Status
from commonwatch.community.tests.factories import CENTER, moderator, resident_at, submit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

REASON = "Please leave out the house number."
STATEMENT = "The house number is my own."
ANSWER = "Fair: it is back up."


def test_a_rejected_author_appeals_and_a_visitor_reads_the_log(open_page):
    author, mod = resident_at(*CENTER), moderator()
    post = submit(author, title="Package taken from a porch")

    m = open_page()
    m.sign_in_as(mod)
    m.page.goto(reverse("moderation:queue"))
    queued = m.page.locator(f'.queue-item[data-post-id="{post.pk}"]')
    queued.get_by_label("Rule broken (required to reject)").select_option("private_info")
    queued.get_by_label("Reason (shown to the author; required to reject)").fill(REASON)
    queued.get_by_role("button", name="Reject").click()
    expect(m.page.locator(".messages")).to_contain_text("Rejected; the author sees your reason.")

    a = open_page()
    a.sign_in_as(author)
    a.page.goto(reverse("moderation:mine"))
    expect(a.page.locator(".standing")).to_contain_text("Shares private information")
    expect(a.page.locator("main")).to_contain_text(REASON)
    a.page.get_by_text("Appeal this decision").click()
    a.check(screenshot="moderation-my-posts-appeal")
    a.page.get_by_label("Why should a moderator look again?").fill(STATEMENT)
    a.page.get_by_role("button", name="Send appeal").click()
    expect(a.page.locator(".messages")).to_contain_text("Your appeal is with the moderators")

    m.page.goto(reverse("moderation:queue"))
    appeal = m.page.locator(".queue-item[data-appeal-id]")
    expect(appeal).to_contain_text(STATEMENT)
    expect(appeal).to_contain_text("You rejected this, so another moderator decides the appeal")
    expect(appeal.get_by_role("button", name="Grant: publish it")).to_have_count(0)
    expect(m.page.locator(".lone-moderator")).to_be_visible()

    second = open_page()
    second.sign_in_as(moderator())
    second.page.goto(reverse("moderation:queue"))
    appeal = second.page.locator(".queue-item[data-appeal-id]")
    expect(appeal).to_contain_text(STATEMENT)
    expect(appeal).to_contain_text(REASON)
    expect(second.page.locator(".lone-moderator")).to_have_count(0)
    second.check(screenshot="moderation-queue-appeal")
    appeal.get_by_label("Answer (shown to the author)").fill(ANSWER)
    appeal.get_by_role("button", name="Grant: publish it").click()
    expect(second.page.locator(".messages")).to_contain_text("Appeal granted and published.")
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED

    a.page.goto(reverse("moderation:mine"))
    expect(a.page.locator("main")).to_contain_text(f"Appeal granted: {ANSWER}")

    v = open_page()
    v.page.goto("/")
    v.page.get_by_role("link", name="Moderation log").click()
    log = v.page.locator("main")
    expect(log).to_contain_text("Moderation log")
    row = v.page.locator("table.log tbody tr").filter(has_text="Shares private information")
    expect(row.locator("td").first).to_have_text("fewer than 3")  # one rejection: withheld
    for private in (author.email, mod.email, REASON, STATEMENT, ANSWER):
        expect(log).not_to_contain_text(private)
    v.check(screenshot="moderation-public-log")
    assert Post.objects.filter(status=Status.PUBLISHED).count() == 1
