"""Writing, fixing and deleting a post in real Chromium, at phone and desktop sizes.

A resident picks a category (none is picked for them), says when it happened, chooses
a photo too large for the server and is told so before anything is uploaded, then a
HEIC photo (Chromium cannot draw it: the preview says so), then a photo that fits: its
preview shows beside its description, which becomes the photo's alt text. Once
published, a typo fix keeps the post visible to a neighbor; deleting asks for
confirmation first. Every page passes axe-core and logs no CSP violation.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from commonwatch.community.models import Post, PostMedia, Status
from commonwatch.community.tests.factories import CENTER, moderator, resident_at
from commonwatch.media.tests.factories import heic_photo, jpeg_with_gps
from commonwatch.moderation import services as moderation
from commonwatch.web.tests.conftest import DESKTOP, PHONE, POST_PAGE, path_is

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

LIMIT = 200_000
DESCRIPTION = "The dark lamp post at the park gate"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_post_with_a_photo_fix_a_typo_and_delete_with_confirmation(open_page, settings, viewport):
    settings.MEDIA_MAX_PHOTO_BYTES = LIMIT
    author = resident_at(*CENTER)
    neighbor = resident_at(CENTER[0] + 0.003, CENTER[1])
    a = open_page()
    a.page.set_viewport_size(viewport)
    a.sign_in_as(author)
    page = a.page
    size = "phone" if viewport == PHONE else "desktop"

    page.goto(reverse("community:new"))
    expect(page.get_by_label("Category")).to_have_value("")
    a.check(f"posting-new-{size}")

    # A photo over the server's limit is refused in the browser, before any upload.
    files = page.locator("#id_media")
    files.set_input_files(
        [{"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (LIMIT + 1)}]
    )
    refusal = page.locator("#media-check")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("“huge.jpg” is 196 KB: photos may be at most 195 KB.")
    page.get_by_role("button", name="Send for review").click()
    expect(page).to_have_url(path_is(reverse("community:new")))  # nothing was sent
    assert not Post.objects.exists()

    # More files than a post takes are refused there too.
    files.set_input_files(
        [{"name": f"p{i}.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * 10} for i in range(5)]
    )
    expect(refusal).to_contain_text("You chose 5 files: a post takes at most 4 photos or videos.")

    # Chromium cannot decode HEIC: the preview says so, and the photo would still be sent.
    files.set_input_files(
        [{"name": "phone.heic", "mimeType": "image/heic", "buffer": heic_photo()}]
    )
    expect(page.locator(".photo-preview").first).to_have_text(
        "This browser cannot preview HEIC photos; “phone.heic” will still be sent."
    )

    # A photo that fits: previewed beside the field for its description.
    files.set_input_files(
        [{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    expect(refusal).to_be_hidden()
    expect(page.get_by_role("img", name="Preview of lamp.jpg")).to_be_visible()
    expect(page.get_by_label("Description of photo 2")).to_be_hidden()
    page.get_by_label("Description of photo 1").fill(DESCRIPTION)
    a.check(f"posting-preview-{size}")

    page.get_by_label("Category").select_option("safety")
    page.get_by_label("Title").fill("Streetlight out by the prak")
    page.get_by_label("What happened").fill("The lamp at the park gate has been dark since Monday.")
    happened = timezone.localtime() - timedelta(hours=2)
    page.get_by_label("When did it happen?").fill(happened.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_lat").fill(str(CENTER[0]))
    page.locator("#id_lng").fill(str(CENTER[1]))
    page.get_by_role("button", name="Send for review").click()
    expect(page).to_have_url(POST_PAGE)
    post = Post.objects.get()
    expect(page).to_have_url(path_is(reverse("community:post", args=[post.pk])))
    assert PostMedia.objects.get().description == DESCRIPTION
    moderation.approve_post(moderator=moderator(), post=post)

    # The typo fix is applied at once: the neighbor keeps seeing the post, corrected.
    page.goto(reverse("community:edit", args=[post.pk]))
    a.check(f"posting-edit-{size}")
    page.get_by_label("Title").fill("Streetlight out by the park")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Your neighbors see the corrected post.")

    b = open_page()
    b.page.set_viewport_size(viewport)
    b.sign_in_as(neighbor)
    b.page.goto(reverse("community:post", args=[post.pk]))
    expect(b.page.locator("h1")).to_have_text("Streetlight out by the park")
    expect(b.page.locator("img.post-photo")).to_have_attribute("alt", DESCRIPTION)
    b.check(f"posting-neighbor-{size}")

    # Deleting asks first; only the confirmation deletes.
    page.goto(reverse("community:post", args=[post.pk]))
    page.get_by_role("link", name="Delete").click()
    expect(page.locator("h1")).to_have_text("Delete this post?")
    a.check(f"posting-delete-{size}")
    page.get_by_role("link", name="No, keep it").click()
    expect(page).to_have_url(path_is(reverse("community:post", args=[post.pk])))
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page).to_have_url(path_is(reverse("community:feed")))
    post.refresh_from_db()
    assert post.status == Status.DELETED


def test_where_it_happened_is_found_by_the_phones_location_or_an_address(open_page, settings):
    """Posting from the street: "Use my location" places the pin where the phone is, and
    an address search is offered where the site has a geocoder (the demo's streets)."""
    settings.GEOCODER = "demo"
    author = open_page()
    author.sign_in_as(resident_at(*CENTER))
    author.context.grant_permissions(["geolocation"])
    author.context.set_geolocation({"latitude": CENTER[0] + 0.001, "longitude": CENTER[1]})
    page = author.page
    page.goto(reverse("community:new"))

    expect(page.get_by_label("Search an address")).to_be_visible()
    page.get_by_role("button", name="Use my location").click()

    expect(page.locator("#id_lat")).to_have_value(f"{CENTER[0] + 0.001:.6f}")
    expect(page.locator("#id_lng")).to_have_value(f"{CENTER[1]:.6f}")
    expect(page.locator("[data-place-status]")).to_contain_text("your location")
    author.check(screenshot="posting-location")
