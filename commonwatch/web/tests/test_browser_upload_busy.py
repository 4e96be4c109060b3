"""A resident's post with a photo meets a busy server, in real Chromium.

When every thread for requests carrying files is taken, the ASGI door answers 503 before
Django runs (media.asgi.FileUploadThreads). The test's live server has no such layer, so
Playwright answers for it, with what the door sends this very request (its Accept): the
site's own small page, which passes axe-core, and going back finds the
form as the resident left it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from commonwatch.community.models import Post
from commonwatch.community.tests.factories import CENTER, resident_at
from commonwatch.media.asgi import _busy
from commonwatch.media.tests.factories import jpeg_with_gps
from commonwatch.web.tests.conftest import path_is

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TITLE = "Streetlight out by the park"


def told_busy(route, request) -> None:
    """Fulfil a POST with the door's 503, built from the browser's own headers."""
    if request.method != "POST":
        route.continue_()
        return
    headers = [(name.encode(), value.encode()) for name, value in request.headers.items()]
    scope = {"path": urlsplit(request.url).path, "headers": headers}
    scope["headers"].append((b"host", urlsplit(request.url).netloc.encode()))
    sent = []

    async def send(message):
        sent.append(message)

    with ThreadPoolExecutor(1) as thread:  # Playwright's loop runs in this one
        thread.submit(asyncio.run, _busy(scope, send)).result()
    route.fulfill(
        status=sent[0]["status"],
        headers={name.decode(): value.decode() for name, value in sent[0]["headers"]},
        body=sent[1]["body"],
    )


def test_a_post_refused_as_busy_shows_the_sites_page_and_back_keeps_the_form(open_page):
    resident = open_page()
    resident.sign_in_as(resident_at(*CENTER))
    page = resident.page
    new_post = reverse("community:new")
    page.goto(new_post)
    page.get_by_label("Category").select_option("safety")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What happened").fill("The lamp at the park gate has been dark.")
    happened = timezone.localtime() - timedelta(hours=2)
    page.get_by_label("When did it happen?").fill(happened.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_lat").fill(str(CENTER[0]))
    page.locator("#id_lng").fill(str(CENTER[1]))
    page.locator("#id_media").set_input_files(
        [{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    page.route(lambda url: urlsplit(url).path == new_post, told_busy)

    page.get_by_role("button", name="Send for review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many uploads right now")
    expect(page.get_by_text("You can send it again in 5 seconds.")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the front page")).to_have_attribute("href", "/")
    resident.check("upload-busy")
    assert not Post.objects.exists()

    page.go_back()
    expect(page).to_have_url(path_is(new_post))
    expect(page.get_by_label("Title")).to_have_value(TITLE)
