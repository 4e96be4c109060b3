"""A feed page whose app server died shows, once it is back, what changed meanwhile.

In real Chromium against a real app server (uvicorn) that the test stops and starts
again on the same port: the page reconnects by itself and asks for what it missed
since it was rendered, so a post approved during the gap appears without a reload, a
post found meanwhile shows "Found", and one deleted meanwhile leaves the page.
"""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.community import services
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at
from commonwatch.community.tests.live_servers import AsgiServer, server_env
from commonwatch.core.tests.processes import free_port
from commonwatch.web.tests.conftest import CheckedPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,  # starts app server processes
    pytest.mark.usefixtures("transactional_db"),
]
READY_S = 20


def start(name: str, port: int, tmp_path) -> AsgiServer:
    env = server_env(redis_url="", data_dir=tmp_path)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser fixture's, not the server's
    server = AsgiServer(name, env, tmp_path, port=port)
    server.wait_ready(time.monotonic() + READY_S)
    return server


def test_a_reconnecting_feed_shows_the_posts_published_while_it_was_away(browser, tmp_path):
    author, reader = resident_at(*CENTER), resident_at(CENTER[0] + 0.002, CENTER[1])
    mod = moderator()
    lost = published(author, mod, title="Grey cat missing", category="lost_pet")
    mistake = published(author, mod, title="Posted by mistake")
    port = free_port()
    server = start("before", port, tmp_path)
    page = CheckedPage(browser, f"http://127.0.0.1:{port}")
    try:
        page.sign_in_as(reader)
        page.page.goto(reverse("community:feed"))
        status = page.page.locator("#live-status")
        expect(status).to_have_attribute("data-connected", "true")

        server.stop()
        expect(status).to_have_attribute("data-connected", "false")
        missed = published(author, mod, title="Published while the server was down")
        services.set_resolved(author=author, post=lost, resolved=True)
        services.delete_post(author=author, post=mistake)
        lost_card = page.page.locator(f'#feed > article[data-post-id="{lost.pk}"]')
        expect(lost_card).not_to_have_class(re.compile("is-resolved"))
        server = start("after", port, tmp_path)

        card = page.page.locator(f'#feed > article[data-post-id="{missed.pk}"]')
        expect(card).to_be_visible(timeout=15_000)
        expect(status).to_have_attribute("data-connected", "true")
        expect(card).to_contain_text("0 comments")
        expect(lost_card).to_have_class(re.compile("is-resolved"))
        expect(lost_card.locator(".badge.resolved")).to_have_text("Found")
        expect(page.page.locator(f'#feed > article[data-post-id="{mistake.pk}"]')).to_have_count(0)
        page.check(screenshot="feed-caught-up-after-reconnect")
    finally:
        page.close()
        server.stop()
    assert not server.tracebacks(), server.tracebacks()
