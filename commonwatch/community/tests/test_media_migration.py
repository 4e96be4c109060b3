"""Post media saved before commonwatch.media existed become its ready files, in place."""

from __future__ import annotations

import pytest

from commonwatch.accounts.tests.factories import UserFactory

BEFORE = [("community", "0012_postmedia_media_file"), ("media", "0001_initial")]
AFTER = [("community", "0014_post_media_is_a_media_file")]


@pytest.mark.django_db(transaction=True)
def test_existing_post_media_become_ready_media_files(migrate_to):
    author = UserFactory()  # accounts' table is the same before and after
    old = migrate_to(BEFORE)
    post = old.get_model("community", "Post").objects.create(
        author_id=author.pk,
        category="crime",
        title="Break-in",
        body="Garage door forced open.",
        lat=39.7392,
        lng=-104.9903,
        cell=0,
        media_count=1,
    )
    old.get_model("community", "PostMedia").objects.create(
        post_id=post.pk,
        kind="photo",
        file="posts/2026/11/photo.jpg",
        content_type="image/jpeg",
        size=1234,
        width=64,
        height=48,
    )

    new = migrate_to(AFTER)

    attached = new.get_model("community", "PostMedia").objects.get()
    item = new.get_model("media", "MediaFile").objects.get(pk=attached.media_file_id)
    assert (item.owner_id, item.kind, item.status) == (author.pk, "photo", "ready")
    assert (item.name, item.content_type, item.size) == (
        "posts/2026/11/photo.jpg",
        "image/jpeg",
        1234,
    )
    assert (item.width, item.height, item.duration_s) == (64, 48, None)
