"""The anti-profiling prompt, in real Chromium at phone and desktop sizes.

A neighbor's comment that describes someone by race alone comes back with the text
kept and, right under it, what to add; the neighbor adds details and it is sent. A
second one they send as written, and the moderator sees why it was held. Every page
passes axe-core and logs no CSP violation nor JavaScript error.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.community.models import Comment
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at
from commonwatch.web.tests.conftest import laid_out_box

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

RACE_ALONE = "Saw a black guy walking around looking at houses too"
DETAILS = " — red hoodie, white Nike shoes, he tried the gate at number 12 and left toward Oak"
ASKED = "without details that would tell them apart"


def test_a_comment_by_race_alone_asks_for_details_then_is_held_when_sent_as_written(open_page):
    author, neighbor, mod = resident_at(*CENTER), resident_at(*CENTER), moderator()
    post = published(author, mod, title="Someone tried our car doors")

    n = open_page()
    n.sign_in_as(neighbor)
    n.page.goto(reverse("community:post", args=[post.pk]))
    text = n.page.get_by_label("Your comment")
    text.fill(RACE_ALONE)
    n.page.get_by_role("button", name="Comment").click()

    prompt = n.page.locator(".details-prompt")
    expect(prompt).to_contain_text(ASKED)
    expect(prompt).to_contain_text("clothing")
    expect(text).to_have_value(RACE_ALONE)
    assert laid_out_box(text)["y"] < laid_out_box(prompt)["y"], "the prompt is under the text"
    send_as_written = n.page.get_by_label("I have no more details: send it as written")
    expect(send_as_written).not_to_be_checked()
    n.check(screenshot="profiling-prompt-comment")
    assert not Comment.objects.exists()

    text.fill(RACE_ALONE + DETAILS)
    n.page.get_by_role("button", name="Comment").click()
    expect(n.page.locator(".messages")).to_contain_text("once a moderator approves it")
    assert Comment.objects.get().held_by_check == ""

    n.page.get_by_label("Your comment").fill("Two hispanic teens were walking around earlier")
    n.page.get_by_role("button", name="Comment").click()
    n.page.get_by_label("I have no more details: send it as written").check()
    n.page.get_by_role("button", name="Comment").click()
    expect(n.page.locator(".messages")).to_contain_text("once a moderator approves it")
    held = Comment.objects.get(held_by_check="profiling")
    assert held.body == "Two hispanic teens were walking around earlier"

    m = open_page()
    m.sign_in_as(mod)
    m.page.goto(reverse("moderation:queue"))
    expect(m.page.locator(".queue-item", has_text=held.body)).to_contain_text(
        "The anti-profiling check asked the author for specific details"
    )
    m.check(screenshot="profiling-prompt-queue")
